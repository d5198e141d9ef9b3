//! mycargo-registry-api: what talks to a registry's web API, and the
//! `.crate` files it takes.
//!
//! - [`crate_file`]: a deterministic `.crate` (tar + gzip) byte-identical to
//!   the one cargo 1.95 writes for the same files, and its unpacking.
//! - [`web`]: a blocking client of a registry's web API (publish, yank,
//!   owners, search).

pub mod crate_file;
pub mod paseto;
pub mod web;
