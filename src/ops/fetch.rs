//! `mycargo fetch`: resolve the workspace, bring `Cargo.lock` up to date
//! and download every package it needs (for `--target` platforms only,
//! when given), so a later build can run offline.

use mycargo_util::CliResult;

use super::lockfile::Mode;
use super::resolve::{How, resolve_workspace};
use crate::cli::fetch::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let opts = super::workspace::read_options(gctx);
    let how = How {
        mode: Mode::Sync,
        ignore_rust_version: false,
        download: true,
        install: None,
    };
    let targets: Vec<String> = args.targets().to_vec();
    if targets.is_empty() {
        resolve_workspace(gctx, &ws, &opts, &how, None)?;
        return Ok(());
    }
    // Only the dependencies of the named platforms (no cfg evaluation
    // beyond the triple itself: `cfg(...)` dependencies are kept).
    let applies = |d: &mycargo_core::Dependency| match d.platform() {
        None => true,
        Some(mycargo_core::Platform::Name(n)) => targets.iter().any(|t| t == n),
        Some(_) => true,
    };
    resolve_workspace(gctx, &ws, &opts, &how, Some(&applies))?;
    Ok(())
}
