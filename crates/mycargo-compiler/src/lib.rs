//! Compiling packages whose sources are on disk: units, rustc and rustdoc
//! command lines, build scripts, freshness, and the job queue that runs
//! them. Knows nothing of registries or git: it is given packages with
//! their source paths and a resolved dependency graph.

pub mod build_output;
pub mod dep_info;
pub mod rustc_info;
