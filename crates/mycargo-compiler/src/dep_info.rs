//! dep_info
