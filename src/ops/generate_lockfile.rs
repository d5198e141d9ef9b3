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
    if let Some(t) = &args.publish_time {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--publish-time", 5221)?;
        if !is_rfc3339_utc(t) {
            return Err(anyhow::anyhow!(
                "invalid value '{t}' for '--publish-time <yyyy-mm-ddThh:mm:ssZ>': expected an RFC 3339 time in UTC"
            )
            .into());
        }
        gctx.publish_time = Some(t.clone());
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let opts = super::workspace::read_options(gctx);
    let how = How {
        mode: Mode::Generate,
        ignore_rust_version: args.ignore_rust_version,
        download: false,
        install: None,
    };
    resolve_workspace(gctx, &ws, &opts, &how, None)?;
    Ok(())
}

/// `yyyy-mm-ddThh:mm:ss[.frac]Z`: the form index `pubtime`s and
/// `--publish-time` take; two such strings compare as their times do
/// (fractions aside, which cargo's index does not write).
pub fn is_rfc3339_utc(t: &str) -> bool {
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (b.len() == 20 || (b[19] == b'.' && digits(20..b.len() - 1)))
        && b[b.len() - 1] == b'Z'
}
