//! rustc_info
