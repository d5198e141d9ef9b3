//! End-to-end tests: the built `mycargo` binary run on projects in temp
//! directories, often side by side with the installed cargo. One test
//! binary, a module per area.

// Test helpers run on fixtures the tests wrote themselves; a panic is the
// right failure there.
#![allow(clippy::unwrap_used)]

mod add_remove;
mod bad_config;
mod build;
mod build_analysis;
mod build_compat;
mod build_dir;
mod clean_doc;
mod cli;
mod config;
mod credential;
mod downloads;
mod fix;
mod future_incompat;
mod git_deps;
mod git_registry;
mod install;
mod job_queue;
mod local_sources;
mod lockfile;
mod manifest;
mod message_format;
mod metadata;
mod new_init;
mod noop;
mod offline;
mod package;
mod patch;
mod pkgid_tree;
mod plugins;
mod profile_config;
mod publish;
mod registry;
mod replace;
mod resolver_diff;
mod rust_version;
mod script;
mod target_selection;
mod test_cmd;
mod timings;
mod tls;
mod twin;
mod unit_graph;
mod unstable;
mod update;
mod vendor;
