//! One package looked up in a registry, for the commands that name a
//! package rather than resolve a workspace (`install`, `add`, `info`):
//! its index lines under any spelling cargo accepts, and one release
//! downloaded and unpacked into the shared cache.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::bail;
use mycargo_core::SourceId;
use mycargo_sources::index::summary::IndexSummary;
use mycargo_sources::sparse::CrateRequest;

use super::resolve::registry::RemoteIndex as _;
use super::resolve::remote::Remotes;
use crate::context::GlobalContext;

/// The spellings cargo tries for a name: as given, with `-` and `_`
/// swapped, and (when `any_case`) lower-cased.
fn spellings(name: &str, any_case: bool) -> Vec<String> {
    let mut out = vec![
        name.to_string(),
        name.replace('-', "_"),
        name.replace('_', "-"),
    ];
    if any_case {
        let lower = name.to_lowercase();
        out.extend([
            lower.clone(),
            lower.replace('-', "_"),
            lower.replace('_', "-"),
        ]);
    }
    let mut seen = BTreeSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

/// The releases of `name` in `real` (a registry after replacement),
/// neither yanked nor unavailable, under the first spelling that has any;
/// with the registry's spelling of the name. `Updating` lines go out as
/// the index is read.
pub fn lines(
    gctx: &mut GlobalContext,
    remotes: &mut Remotes,
    real: &SourceId,
    name: &str,
    any_case: bool,
) -> anyhow::Result<(String, Vec<IndexSummary>)> {
    super::resolve::ensure_token(gctx, remotes, real)?;
    for spelling in spellings(name, any_case) {
        let loaded = remotes.load(real, &BTreeSet::from([spelling.clone()]));
        for s in remotes.take_status() {
            gctx.shell.status("Updating", s)?;
        }
        loaded?;
        let lines: Vec<IndexSummary> = remotes
            .versions(real, &spelling)
            .iter()
            .filter(|l| l.is_available() && !l.yanked)
            .cloned()
            .collect();
        if let Some(first) = lines.first() {
            return Ok((first.name.clone(), lines));
        }
    }
    Ok((name.to_string(), Vec::new()))
}

/// Download (or find in the cache) the release `line` of `real` with
/// cargo's `Downloading`/`Downloaded` lines; where it is unpacked.
pub fn download_one(
    gctx: &mut GlobalContext,
    remotes: &mut Remotes,
    real: &SourceId,
    line: &IndexSummary,
) -> anyhow::Result<PathBuf> {
    super::resolve::ensure_token(gctx, remotes, real)?;
    let request = CrateRequest::from_summary(line);
    if remotes.any_missing(real, std::slice::from_ref(&request))? {
        remotes.prepare_download_auth(real)?;
        gctx.shell.status("Downloading", "crates ...")?;
    }
    let from = match (real.is_crates_io(), real.registry_name()) {
        (true, _) => String::new(),
        (false, Some(n)) => format!(" (registry `{n}`)"),
        (false, None) => format!(" ({real})"),
    };
    let mut status =
        |verb: &str, what: String| Ok::<(), anyhow::Error>(gctx.shell.status(verb, what)?);
    let downloaded = remotes.download(real, &[request], &mut status);
    super::resolve::report_downloads(gctx, remotes, &from, true)?;
    match downloaded?.into_iter().next() {
        Some(d) => Ok(d.src_dir),
        None => bail!("failed to download `{} v{}`", line.name, line.version),
    }
}
