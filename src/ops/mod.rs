//! The workflows behind each command. They join the library crates; the
//! CLI layer only turns flags into calls here.

pub mod add;
pub mod bench;
pub mod build;
pub mod cargo_new;
pub mod clean;
pub mod compile;
pub mod doc;
pub mod explain;
pub mod external;
pub mod fetch;
pub mod future_incompat;
pub mod generate_lockfile;
pub mod help;
pub mod info;
pub mod install;
pub mod list;
pub mod locate_project;
pub mod lockfile;
pub mod login;
pub mod metadata;
pub mod noop;
pub mod owner;
pub mod package;
pub mod package_json;
pub mod pkgid;
pub mod publish;
pub mod read_manifest;
pub mod registry_api;
pub mod registry_lookup;
pub mod remove;
pub mod report;
pub mod resolve;
pub mod run;
pub mod rustc;
pub mod rustdoc;
pub mod search;
pub mod test;
pub mod test_runner;
pub mod tree;
pub mod uninstall;
pub mod update;
pub mod update_breaking;
pub mod vendor;
pub mod verify_project;
pub mod version;
pub mod workspace;
pub mod yank;

use mycargo_util::CliResult;

/// A command whose work is not built yet says so and fails; it never
/// pretends to succeed.
pub fn not_implemented(name: &str) -> CliResult {
    Err(anyhow::anyhow!("`mycargo {name}` is not implemented yet").into())
}
