//! build_output
