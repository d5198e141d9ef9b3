//! `mycargo generate-lockfile`: resolve the workspace afresh and write
//! `Cargo.lock` in the workspace's lock version (rewriting an older file
//! even when the resolve is the same), as cargo does, with registry
//! dependencies resolved from their indexes.

use mycargo_util::CliResult;

use super::lockfile::Mode;
use super::resolve::{How, resolve_workspace};
use crate::cli::generate_lockfile::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    if args.publish_time.is_some() {
        return Err(anyhow::anyhow!(
            "the `--publish-time` flag is unstable, and only available on the nightly channel of Cargo, but this is the `stable` channel\n\
             See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n\
             See https://github.com/rust-lang/cargo/issues/5221 for more information about the `--publish-time` flag."
        )
        .into());
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let opts = super::workspace::read_options(gctx);
    let how = How {
        mode: Mode::Generate,
        ignore_rust_version: args.ignore_rust_version,
        download: false,
    };
    resolve_workspace(gctx, &ws, &opts, &how, None)?;
    Ok(())
}
