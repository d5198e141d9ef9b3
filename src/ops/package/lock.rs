//! The `Cargo.lock` that goes into a `.crate`, and the local registry of
//! the packages packaged in one run (cargo's `TmpRegistry`).
//!
//! cargo locks the *published* package: its normalized manifest as a
//! workspace of its own, resolved against the registries with the
//! workspace's `Cargo.lock` as the previous resolve. mycargo does the same
//! through the ordinary resolve: the normalized manifest (and a copy of the
//! workspace's lock file) go to a scratch directory under
//! `target/package/`, which cargo never takes for part of a workspace, and
//! the lock file the resolve writes there is the one packaged.
//!
//! Path dependencies become registry dependencies in a package. When they
//! are packaged in the same run, they are not on the registry yet: like
//! cargo, mycargo puts each `.crate` made into a local registry
//! (`target/package/tmp-registry`) and lays it over the registry the
//! packages are for (`GlobalContext::local_overlays`) while it locks and
//! verifies the packages after them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mycargo_core::SourceId;
use mycargo_core::source_id::CRATES_IO_REGISTRY;
use mycargo_lockfile::LOCKFILE_NAME;
use mycargo_manifest::{Manifest, Workspace};
use mycargo_sources::source_map::SourceMap;
use mycargo_util::Verbosity;
use serde_json::{Value, json};

use crate::context::GlobalContext;
use crate::ops::lockfile::Mode;
use crate::ops::registry_api::Target;
use crate::ops::resolve::{self, How};

/// The `Cargo.lock` of the package `m` whose normalized manifest is
/// `normalized` (see the module docs). Prints cargo's `Updating` lines for
/// the registries the package's dependencies come from (cargo checks them
/// for yanked versions), unless offline.
pub fn build_lock(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    target_dir: &Path,
    m: &Manifest,
    normalized: &str,
) -> anyhow::Result<String> {
    let scratch =
        target_dir
            .join("package")
            .join("tmp-lock")
            .join(format!("{}-{}", m.name(), m.version()));
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("failed to remove `{}`", scratch.display()))?;
    }
    mycargo_util::fs::create_dir_all(&scratch)?;
    // Names of registry packages this lock asks for that no earlier lock
    // of this run asked for (path dependencies are packaged here too).
    let fresh_names: Vec<String> = m
        .dependencies
        .iter()
        .filter(|d| d.path().is_none() && d.source_id().is_registry())
        .map(|d| d.package_name().to_string())
        .collect();
    let result = lock_in(gctx, ws, &scratch, normalized, &fresh_names);
    let _ = std::fs::remove_dir_all(&scratch);
    if let Some(parent) = scratch.parent() {
        // Only when empty (another package may be locking beside it).
        let _ = std::fs::remove_dir(parent);
    }
    result.map_err(|e| {
        // The package is shown where it lives, as cargo shows it.
        let (from, to) = (
            scratch.display().to_string(),
            m.root().display().to_string(),
        );
        let mut msgs: Vec<String> = e
            .chain()
            .map(|c| c.to_string().replace(&from, &to))
            .collect();
        let mut err = anyhow::anyhow!(msgs.pop().unwrap_or_default());
        while let Some(outer) = msgs.pop() {
            err = err.context(outer);
        }
        err.context("failed to prepare local package for uploading")
    })
}

fn lock_in(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    scratch: &Path,
    normalized: &str,
    names: &[String],
) -> anyhow::Result<String> {
    let manifest = scratch.join("Cargo.toml");
    mycargo_util::fs::write_atomic(&manifest, normalized.as_bytes())?;
    let ws_lock = ws.lock_path();
    if ws_lock.is_file() {
        std::fs::copy(&ws_lock, scratch.join(LOCKFILE_NAME))
            .with_context(|| format!("failed to copy `{}`", ws_lock.display()))?;
    }
    let opts = crate::ops::workspace::read_options(gctx);
    let mut scratch_ws = crate::ops::workspace::load(gctx, &manifest)?;
    // The scratch copy locks beside itself, wherever the workspace's lock
    // file was moved to.
    scratch_ws.set_lock_path(scratch.join(LOCKFILE_NAME));
    if !offline(gctx)? {
        let new_names = first_asked(names);
        for source in registries_of(gctx, &scratch_ws)? {
            if new_names || !updated(&source) {
                gctx.shell.status("Updating", &source)?;
            }
        }
    }
    // The resolve reports nothing of its own: cargo prints only the
    // lines above while it locks a package.
    let verbosity = gctx.shell.verbosity();
    gctx.shell.set_verbosity(Verbosity::Quiet);
    // `--locked` is about the workspace's lock file, not this one (and
    // `--frozen` keeps only its offline half).
    let (locked, frozen, was_offline) = (gctx.args.locked, gctx.args.frozen, gctx.args.offline);
    gctx.args.locked = false;
    gctx.args.frozen = false;
    gctx.args.offline |= frozen;
    let how = How {
        mode: Mode::Sync,
        ignore_rust_version: false,
        download: false,
        install: None,
    };
    let resolved = resolve::resolve_workspace(gctx, &scratch_ws, &opts, &how, None);
    gctx.shell.set_verbosity(verbosity);
    (gctx.args.locked, gctx.args.frozen, gctx.args.offline) = (locked, frozen, was_offline);
    resolved?;
    let path = scratch.join(LOCKFILE_NAME);
    mycargo_util::fs::read_to_string(&path)
}

/// Registries said `Updating` by the packaged crates' locks of this run.
static UPDATED: std::sync::LazyLock<std::sync::Mutex<BTreeSet<String>>> =
    std::sync::LazyLock::new(Default::default);

/// Record that `source` was said updated; whether it had been before.
fn updated(source: &str) -> bool {
    UPDATED
        .lock()
        .map(|mut s| !s.insert(source.to_string()))
        .unwrap_or(false)
}

/// Whether any of `names` is asked of a registry for the first time by
/// the locks of this run (cargo says `Updating` again for those, not for
/// a lock whose registry packages an earlier one read).
fn first_asked(names: &[String]) -> bool {
    static ASKED: std::sync::LazyLock<std::sync::Mutex<BTreeSet<String>>> =
        std::sync::LazyLock::new(Default::default);
    let Ok(mut asked) = ASKED.lock() else {
        return true;
    };
    // Every name is recorded, so no short-circuit.
    let mut any = false;
    for n in names {
        any |= asked.insert(n.clone());
    }
    any
}

/// `--offline`, `--frozen` or `net.offline`.
pub fn offline(gctx: &GlobalContext) -> anyhow::Result<bool> {
    Ok(gctx.args.offline
        || gctx.args.frozen
        || gctx.config.get_bool("net.offline")?.is_some_and(|v| v.val))
}

/// How cargo announces each registry the package's dependencies come
/// from (after source replacement), in source order.
fn registries_of(gctx: &GlobalContext, ws: &Workspace) -> anyhow::Result<Vec<String>> {
    let map = SourceMap::load(&gctx.config)?;
    let mut sources = BTreeSet::new();
    if let Some(m) = ws.current() {
        for d in &m.dependencies {
            if d.source_id().is_registry() {
                sources.insert(map.replacement(&named(gctx, d.source_id()))?);
            }
        }
    }
    Ok(sources.iter().map(SourceMap::describe).collect())
}

/// A registry given by URL (`registry-index`), with the name
/// `[registries]` gives that URL, as cargo names it in messages.
pub fn named(gctx: &GlobalContext, id: &SourceId) -> SourceId {
    if id.registry_name().is_some() || id.is_crates_io() {
        return id.clone();
    }
    for name in gctx.config.table_keys("registries").unwrap_or_default() {
        if let Ok(Some(index)) = gctx.config.get_string(&format!("registries.{name}.index"))
            && let Ok(url) = mycargo_core::source_id::parse_url(&index.val)
        {
            let candidate = SourceId::for_alt_registry(&url, &name);
            if &candidate == id {
                return candidate;
            }
        }
    }
    id.clone()
}

/// cargo's temporary registry of the packages packaged in this run.
pub struct TmpRegistry {
    pub root: PathBuf,
    pub upstream: Target,
}

impl TmpRegistry {
    /// Start `target/package/tmp-registry` afresh (its index; `.crate`
    /// files are overwritten as packages are added).
    pub fn new(target_dir: &Path, upstream: Target) -> anyhow::Result<TmpRegistry> {
        let root = target_dir.join("package").join("tmp-registry");
        let index = root.join("index");
        if index.exists() {
            std::fs::remove_dir_all(&index)
                .with_context(|| format!("failed to remove `{}`", index.display()))?;
        }
        mycargo_util::fs::create_dir_all(&index)?;
        Ok(TmpRegistry { root, upstream })
    }

    /// Add the package `m` whose `.crate` is `krate` (cargo's index line
    /// made from the publish metadata).
    pub fn add(&self, m: &Manifest, krate: &[u8], cksum: &str) -> anyhow::Result<()> {
        let name = m.name();
        let version = m.version().to_string();
        let dst = self.root.join(format!("{name}-{version}.crate"));
        mycargo_util::fs::write_atomic(&dst, krate)
            .with_context(|| format!("failed to write `{}`", dst.display()))?;
        let meta = crate::ops::publish::new_crate(m, &self.upstream)?;
        let deps: Vec<Value> = meta
            .deps
            .iter()
            .map(|d| {
                let (name, package) = match &d.explicit_name_in_toml {
                    Some(rename) => (rename.clone(), Some(d.name.clone())),
                    None => (d.name.clone(), None),
                };
                json!({
                    "name": name,
                    "req": d.version_req,
                    "features": d.features,
                    "optional": d.optional,
                    "default_features": d.default_features,
                    "target": d.target,
                    "kind": d.kind,
                    "registry": d.registry,
                    "package": package,
                })
            })
            .collect();
        let line = json!({
            "name": name,
            "vers": version,
            "deps": deps,
            "features": meta.features,
            "features2": null,
            "cksum": cksum,
            "yanked": null,
            "links": meta.links,
            "rust_version": null,
            "pubtime": null,
            "v": 2,
        });
        let rel = mycargo_sources::index::path::index_path(&name.to_lowercase());
        let path = self.root.join("index").join(rel);
        if let Some(dir) = path.parent() {
            mycargo_util::fs::create_dir_all(dir)?;
        }
        mycargo_util::fs::write_atomic(&path, line.to_string().as_bytes())
            .with_context(|| format!("failed to write `{}`", path.display()))?;
        Ok(())
    }
}

/// The registry packages with local dependencies are packaged for (cargo's
/// `get_registry`): `--registry`/`--index`, else the one registry every
/// `package.publish` list names, else the default; checked against the
/// packages' `package.publish` lists.
pub fn packaging_registry(
    gctx: &GlobalContext,
    pkgs: &[&Manifest],
    registry: Option<&str>,
    index: Option<&str>,
) -> anyhow::Result<Target> {
    let registry = match (registry, index) {
        (Some(r), _) => Some(r.to_string()),
        (None, Some(_)) => None,
        (None, None) => infer_registry(pkgs)?,
    };
    if index.is_none() {
        let name = registry.as_deref().unwrap_or(CRATES_IO_REGISTRY);
        for p in pkgs {
            if let Some(allowed) = &p.publish
                && !allowed.is_empty()
                && !allowed.iter().any(|a| a == name)
            {
                anyhow::bail!(
                    "`{}` cannot be packaged.\nThe registry `{name}` is not listed in the `package.publish` value in Cargo.toml.",
                    p.name()
                );
            }
        }
    }
    crate::ops::registry_api::target(gctx, registry.as_deref(), index)
}

/// The registry the packages' `package.publish` lists agree on (cargo's
/// `infer_registry`; `publish = false` packages left out).
pub fn infer_registry(pkgs: &[&Manifest]) -> anyhow::Result<Option<String>> {
    let publishable: Vec<&&Manifest> = pkgs
        .iter()
        .filter(|p| p.publish.as_ref().is_none_or(|l| !l.is_empty()))
        .collect();
    let Some((first, rest)) = publishable.split_first() else {
        return Ok(None);
    };
    if rest.iter().all(|p| p.publish == first.publish) {
        return match first.publish.as_deref() {
            Some([one]) => Ok(Some(one.clone())),
            None | Some([]) => Ok(None),
            Some(regs) => {
                let mut regs: Vec<String> = regs.iter().map(|s| format!("\"{s}\"")).collect();
                regs.sort();
                regs.dedup();
                let last = regs.pop().unwrap_or_default();
                anyhow::bail!(
                    "--registry is required to disambiguate between {} or {last} registries",
                    regs.join(", ")
                )
            }
        };
    }
    let mut lists = publishable.iter().filter_map(|p| p.publish.as_ref());
    let mut common: BTreeSet<&String> =
        lists.next().map(|l| l.iter().collect()).unwrap_or_default();
    for l in lists {
        let other: BTreeSet<&String> = l.iter().collect();
        common = common.intersection(&other).copied().collect();
    }
    if common.is_empty() {
        anyhow::bail!("conflicts between `package.publish` fields in the selected packages");
    }
    anyhow::bail!("--registry is required because not all `package.publish` settings agree")
}
