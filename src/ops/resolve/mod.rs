//! The packages of a workspace when some dependencies come from registries:
//! the path packages are read from disk, the version resolver picks the
//! registry packages (index files fetched in parallel, the lock file's
//! choices kept), `Cargo.lock` is brought up to date, the packages a build
//! needs are downloaded into cargo's shared cache, and their manifests are
//! read from there. A workspace of path packages only takes the path-only
//! route in `lockfile.rs`, untouched.

pub mod git;
pub mod registry;
pub mod remote;
mod replace;
pub mod summaries;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, anyhow};
use mycargo_core::{DepKind, Dependency, PackageId, SourceId};
use mycargo_lockfile::{LockVersion, LockedPackage, Lockfile, PathSources};
use mycargo_manifest::{Manifest, ReadOptions, Workspace};
use mycargo_resolver::version::{
    Patch, Previous, Resolve, ResolveInput, ResolveOptions, Summary, VersionOrdering,
    VersionResolver,
};
use mycargo_sources::directory::ChecksumFile;
use mycargo_sources::source_map::SourceMap;
use mycargo_sources::sparse::CrateRequest;

use super::compile::packages::{self, Packages};
use super::lockfile::{self, LockWrite, Mode};
use crate::context::GlobalContext;
pub use registry::Precise;
use registry::{RemoteIndex as _, WsRegistry};
use remote::Remotes;

/// Which dependency edges a build follows when choosing what to download
/// (the platform filter); `None`: every platform (`metadata`).
pub type PlatformFilter<'a> = Option<&'a dyn Fn(&Dependency) -> bool>;

/// A build's selected packages and the features asked of them, found
/// among the path packages: only what they reach is downloaded.
pub type BuildRoots<'a> =
    &'a dyn Fn(
        &Packages,
    ) -> anyhow::Result<Vec<(PackageId, mycargo_resolver::version::RootRequest)>>;

/// Every package the workspace's build can use, with the edges between
/// them, and `Cargo.lock` up to date.
pub fn load_packages(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    opts: &ReadOptions,
    ignore_rust_version: bool,
    platforms: PlatformFilter<'_>,
    roots: Option<BuildRoots<'_>>,
) -> anyhow::Result<Packages> {
    load_packages_in(
        gctx,
        ws,
        opts,
        (Mode::Sync, None),
        ignore_rust_version,
        platforms,
        roots,
    )
}

/// [`load_packages`] with the lock file brought up to date as `mode`
/// says (`install` previews: it never writes the package's lock file).
pub fn load_packages_in(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    opts: &ReadOptions,
    (mode, install): (Mode, Option<InstallResolve>),
    ignore_rust_version: bool,
    platforms: PlatformFilter<'_>,
    roots: Option<BuildRoots<'_>>,
) -> anyhow::Result<Packages> {
    let how = How {
        mode,
        ignore_rust_version,
        download: true,
        install,
    };
    resolve_inner(gctx, ws, opts, &how, platforms, None, roots)
}

/// What a command wants of the resolve.
pub struct How {
    /// `Sync` (keep the lock's choices) or `Generate` (resolve afresh).
    pub mode: Mode,
    pub ignore_rust_version: bool,
    /// Download the packages needed and read their manifests (without it,
    /// only path packages come back).
    pub download: bool,
    /// `install`: resolve only what the build's roots reach with the
    /// features asked for (not every optional dependency, as a lock file
    /// would), and maybe warn of yanked pins.
    pub install: Option<InstallResolve>,
}

/// What `install` changes in a resolve.
#[derive(Debug, Clone, Copy, Default)]
pub struct InstallResolve {
    /// Warn of yanked registry packages the lock file pins, ending with
    /// this hint (`install --locked`).
    pub yanked_hint: Option<&'static str>,
}

/// What `update` adds to [`How`] (whose mode is then `Mode::Update`).
pub struct Update<'a> {
    /// Which locked packages to let go and which to move to an exact
    /// version, decided from the previous lock file (without one, from a
    /// fresh resolve) and the path packages, before the index is fetched.
    pub select: &'a dyn Fn(&Lockfile, &Packages) -> anyhow::Result<Selection>,
}

/// The packages `update` lets go, and its `--precise` requests.
#[derive(Debug, Default)]
pub struct Selection {
    pub unlock: BTreeSet<PackageId>,
    pub precise: Vec<Precise>,
    /// `update -p <git package> --precise <rev>`: the revision (a commit,
    /// short or full, or a tag) each git source moves to.
    pub git_precise: BTreeMap<SourceId, String>,
    /// Filled by the resolve: yanked versions `precise` chose.
    pub yanked: std::cell::RefCell<BTreeSet<(String, semver::Version)>>,
    /// `--ignore-rust-version`: no preference for versions that fit.
    pub ignore_rust_version: bool,
    /// The features each root is resolved with (`install`); every feature
    /// of every root when `None`.
    pub root_requests: Option<BTreeMap<PackageId, mycargo_resolver::version::RootRequest>>,
}

/// Resolve the workspace (see the module docs) as `how` says.
pub fn resolve_workspace(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    opts: &ReadOptions,
    how: &How,
    platforms: PlatformFilter<'_>,
) -> anyhow::Result<Packages> {
    resolve_inner(gctx, ws, opts, how, platforms, None, None)
}

/// `update`: resolve with the packages `update` selects let go, report,
/// and write `Cargo.lock` (unless a dry run).
pub fn update_workspace(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    opts: &ReadOptions,
    how: &How,
    update: &Update<'_>,
) -> anyhow::Result<Packages> {
    resolve_inner(gctx, ws, opts, how, None, Some(update), None)
}

fn resolve_inner(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    opts: &ReadOptions,
    how: &How,
    platforms: PlatformFilter<'_>,
    update: Option<&Update<'_>>,
    roots: Option<BuildRoots<'_>>,
) -> anyhow::Result<Packages> {
    let ignore_rust_version = how.ignore_rust_version;
    let (mut path_pkgs, remote) = packages::load_with(ws, opts, true)?;
    check_config(gctx, how)?;
    if remote {
        add_path_patches(gctx, ws, opts, &mut path_pkgs)?;
    }
    let lock_path = ws.lock_path();
    let paths: PathSources = path_pkgs.manifests.iter().map(|m| &m.package_id).collect();
    // Two path packages with one `links` value: the version resolver's
    // conflict error, in cargo's words, comes from the full path.
    let mut links = std::collections::BTreeSet::new();
    let links_clash = path_pkgs
        .manifests
        .iter()
        .filter_map(|m| m.metadata.links.as_deref())
        .any(|l| !links.insert(l));
    if !remote && !links_clash {
        // `update` still checks its package specs against the lock file.
        if let Some(up) = update
            && let Some(text) = mycargo_lockfile::read(&lock_path)?
        {
            let prev = lockfile::parse_lock(&gctx.env, &text, &paths).with_context(|| {
                format!("failed to parse lock file at: {}", lock_path.display())
            })?;
            (up.select)(&prev, &path_pkgs)?;
        }
        lockfile::update(gctx, ws, &path_pkgs, ignore_rust_version, how.mode)?;
        return Ok(path_pkgs);
    }
    let map = SourceMap::load(&gctx.config)?;
    let orig = match ws.ignore_lock() {
        true => None,
        false => mycargo_lockfile::read(&lock_path)?,
    };
    let mut previous = match &orig {
        Some(text) if how.mode != Mode::Generate => Some(
            lockfile::parse_lock(&gctx.env, text, &paths).with_context(|| {
                format!("failed to parse lock file at: {}", lock_path.display())
            })?,
        ),
        _ => None,
    };
    let mut git_deps = path_dependencies(&path_pkgs);
    git_deps.extend(git_patch_dependencies(ws).into_iter().map(|d| (None, d)));

    let target = LockVersion::with_rust_version(lockfile::lowest_rust_version(&path_pkgs).as_ref());

    // `update`: what to let go, from the lock file (or, for `--precise`
    // without one, from a fresh resolve).
    let mut sel = Selection::default();
    if let Some(up) = update {
        if previous.is_none() {
            let mut git_pkgs = git::load(gctx, git_deps.clone(), None, &git::Refresh::default())?;
            let mut online = Remotes::new(gctx, false)?;
            let refresh = git::Refresh::default();
            let inputs = replace::Inputs {
                ws,
                path_pkgs: &path_pkgs,
                map: &map,
                previous: None,
                sel: &sel,
                refresh: &refresh,
            };
            let r = replace::resolve(gctx, &inputs, &mut git_pkgs, &mut online);
            // cargo resolves twice here, announcing the index each time.
            let (r, replace) = announced(gctx, &mut online, r)?;
            for source in online.take_status() {
                gctx.shell.status("Updating", source)?;
            }
            let replaced = replace::replaced_ids(&r, &replace);
            previous = Some(lock_of(&r, target, &replaced));
        }
        if let Some(prev) = &previous {
            sel = (up.select)(prev, &path_pkgs)?;
        }
    }
    sel.ignore_rust_version = ignore_rust_version;
    if how.install.is_some()
        && let Some(roots) = roots
    {
        sel.root_requests = Some(roots(&path_pkgs)?.into_iter().collect());
    }
    let must_fetch = !sel.unlock.is_empty() || !sel.precise.is_empty();
    // Git sources `update` lets go are fetched anew (or moved to the
    // revision `--precise` names); the others stay at their locked commit.
    let refresh = git::Refresh {
        unlock: sel
            .unlock
            .iter()
            .map(|id| id.source_id())
            .filter(|s| s.is_git())
            .cloned()
            .collect(),
        precise: sel.git_precise.clone(),
    };
    // A replacement `update` lets go is fetched with the rest (before the
    // index, as cargo updates what it was asked to).
    // (A plain `update` lets everything go: replacements come as needed.)
    let mut git_deps = git_deps;
    let everything = previous
        .as_ref()
        .is_some_and(|p| p.packages.keys().all(|id| sel.unlock.contains(id)));
    for (_, d) in replace::replace_table(ws) {
        if !everything && d.source_id().is_git() && refresh.unlock.contains(d.source_id()) {
            git_deps.push((None, d));
        }
    }
    let mut git_pkgs = git::load(gctx, git_deps, previous.as_ref(), &refresh)?;
    let inputs = replace::Inputs {
        ws,
        path_pkgs: &path_pkgs,
        map: &map,
        previous: previous.as_ref(),
        sel: &sel,
        refresh: &refresh,
    };

    // With a lock file, try the index cache first: a build whose lock pins
    // everything needs no network (as cargo). Otherwise, or when that
    // fails, fetch.
    let cached_resolve = if previous.is_some() && !must_fetch {
        let mut cached = Remotes::new(gctx, true)?;
        match replace::resolve(gctx, &inputs, &mut git_pkgs, &mut cached) {
            Ok((r, replace)) if same_as_lock(&r, previous.as_ref(), &replace) => {
                // The index cache sufficed; downloads may still need the
                // network.
                cached.allow_network();
                Some((r, replace, cached))
            }
            _ => None,
        }
    } else {
        None
    };
    let (resolve, replace, mut remotes) = match cached_resolve {
        Some(found) => found,
        None => {
            let mut online = Remotes::new(gctx, false)?;
            let r = replace::resolve(gctx, &inputs, &mut git_pkgs, &mut online);
            let (r, replace) = announced(gctx, &mut online, r)?;
            (r, replace, online)
        }
    };
    for source in remotes.take_status() {
        gctx.shell.status("Updating", source)?;
    }
    for w in remotes.take_warnings() {
        gctx.shell.warn(w)?;
    }
    warn_unused_patches(gctx, &resolve)?;
    if let Some(hint) = how.install.and_then(|i| i.yanked_hint) {
        warn_yanked(gctx, &resolve, &map, &remotes, hint)?;
    }
    for (name, version) in sel.yanked.take() {
        gctx.shell.warn(format!(
            "selected package `{name}@{version}` was yanked by the author\n  |\n  = help: if possible, try a compatible non-yanked version"
        ))?;
    }

    // The lock file, and what the index offers for the report's notes.
    let replaced = replace::replaced_ids(&resolve, &replace);
    let lock = lock_of(
        &resolve,
        previous.as_ref().map_or(target, |p| p.version),
        &replaced,
    );
    {
        let remotes = &remotes;
        let available = lockfile::LazyAvailable::new(|| {
            available(&resolve, &map, remotes, &sel).unwrap_or_default()
        });
        LockWrite {
            path: &lock_path,
            orig: orig.as_deref(),
            paths: &paths,
            target,
            available: Some(&available),
        }
        .apply(
            gctx,
            ws,
            &path_pkgs,
            previous.as_ref(),
            lock,
            ignore_rust_version,
            how.mode,
        )?;
    }
    replace::warn_about_replacements(gctx, ws, &replace, &replaced)?;
    if !how.download {
        return Ok(path_pkgs);
    }

    // cargo resolves a second time, with the command line's features and
    // the lock just written as its guide, and builds that (it is not
    // written): `--features dep/feat` may turn on an optional dependency
    // of a dependency that no member's feature does.
    // The build's roots, asked once (they check the features asked for).
    let build_roots = roots.map(|r| r(&path_pkgs));
    let second = match (how.install.is_none(), &build_roots) {
        (true, Some(Ok(requests)))
            if requests
                .iter()
                .any(|(_, r)| r.values.iter().any(|v| v.contains('/'))) =>
        {
            let written = lock_of(&resolve, target, &replaced);
            let sel2 = Selection {
                ignore_rust_version,
                root_requests: Some(requests.iter().cloned().collect()),
                ..Selection::default()
            };
            let inputs2 = replace::Inputs {
                ws,
                path_pkgs: &path_pkgs,
                map: &map,
                previous: Some(&written),
                sel: &sel2,
                refresh: &refresh,
            };
            replace::resolve(gctx, &inputs2, &mut git_pkgs, &mut remotes).ok()
        }
        _ => None,
    };
    let (resolve, replace) = match second {
        Some((r2, rep2))
            if r2
                .packages
                .keys()
                .any(|id| !resolve.packages.contains_key(id)) =>
        {
            (r2, rep2)
        }
        _ => (resolve, replace),
    };
    let replaced = replace::replaced_ids(&resolve, &replace);

    // What the build needs, downloaded.
    // A selection the path packages cannot answer (`-p` naming a registry
    // package) downloads everything reachable, as before.
    let mut needed = match build_roots {
        Some(Ok(roots)) => {
            let all = |_: &Dependency| true;
            let applies = platforms.unwrap_or(&all);
            mycargo_resolver::version::reachable_with_features(&resolve, &roots, applies)
                .into_iter()
                .filter(|id| !id.source_id().is_path())
                .collect()
        }
        // A root lacking a feature asked for stops here, before downloads.
        Some(Err(e)) if e.downcast_ref::<mycargo_resolver::FeatureError>().is_some() => {
            return Err(e);
        }
        _ => needed_packages(&resolve, &path_pkgs, platforms),
    };
    // A replaced package is never downloaded: its replacement is built.
    needed.retain(|id| !replaced.contains_key(id));
    let mut by_source: BTreeMap<SourceId, Vec<(PackageId, CrateRequest)>> = BTreeMap::new();
    for id in &needed {
        if !id.source_id().is_registry() {
            continue;
        }
        let Some(p) = resolve.get(id) else { continue };
        let real = map.replacement(id.source_id())?;
        let cksum = p.summary.checksum().unwrap_or_default().to_string();
        by_source.entry(real).or_default().push((
            id.clone(),
            CrateRequest::new(id.name(), id.version().clone(), cksum),
        ));
    }
    let mut dirs: BTreeMap<PackageId, std::path::PathBuf> = BTreeMap::new();
    remotes.unpack_overlays_first(&by_source, &mut |verb, what| {
        Ok(gctx.shell.status(verb, what)?)
    })?;
    let mut announced = false;
    for (source, reqs) in &by_source {
        let crates: Vec<CrateRequest> = reqs.iter().map(|(_, r)| r.clone()).collect();
        if !announced && remotes.any_missing(source, &crates)? {
            if let Err(e) = remotes.prepare_download_auth(source) {
                let first = reqs
                    .first()
                    .map(|(id, _)| id.to_string())
                    .unwrap_or_default();
                return Err(e
                    .context("unable to get packages from source")
                    .context(format!("failed to download `{first}`")));
            }
            gctx.shell.status("Downloading", "crates ...")?;
            announced = true;
        }
    }
    for (source, reqs) in &by_source {
        // Each download names the registry it came from (none for
        // crates.io itself).
        let from = match (source.is_crates_io(), source.registry_name()) {
            // cargo's overlaid source goes by its URL.
            _ if remotes.is_named_by_url(source) => format!(" (registry `{}`)", source.as_url()),
            (false, Some(n)) => format!(" (registry `{n}`)"),
            _ => String::new(),
        };
        // A local registry is unpacked crate by crate (cargo names the
        // one that failed); a remote one is downloaded in one parallel batch.
        let batches: Vec<&[(PackageId, CrateRequest)]> = if source.is_local_registry() {
            reqs.chunks(1).collect()
        } else {
            vec![reqs.as_slice()]
        };
        for batch in batches {
            let crates: Vec<CrateRequest> = batch.iter().map(|(_, r)| r.clone()).collect();
            let mut status =
                |verb: &str, what: String| Ok::<(), anyhow::Error>(gctx.shell.status(verb, what)?);
            let on_disk = match remotes.download(source, &crates, &mut status) {
                Ok(d) => d,
                Err(e) => {
                    // What finished (or was retried) before the failure was
                    // reported by cargo as it happened.
                    report_downloads(gctx, &mut remotes, &from, false)?;
                    let Some((id, _)) = batch.first() else {
                        return Err(e);
                    };
                    let orig = id.source_id();
                    let in_transit = e
                        .downcast_ref::<mycargo_sources::sparse::TransferFailed>()
                        .is_some();
                    // crates.io moved by cargo's testsuite is not replaced.
                    let replaced =
                        orig != source && !(orig.is_crates_io() && source.is_crates_io());
                    let e = if replaced && !in_transit {
                        e.context(format!(
                            "failed to download replaced source registry `{}`",
                            orig.display_registry_name()
                        ))
                    } else {
                        e
                    };
                    return Err(if source.is_local_registry() {
                        e.context("unable to get packages from source")
                            .context(format!("failed to download `{id}`"))
                    } else {
                        e
                    });
                }
            };
            for ((id, _), disk) in batch.iter().zip(on_disk) {
                dirs.insert(id.clone(), disk.src_dir);
            }
        }
        report_downloads(gctx, &mut remotes, &from, false)?;
    }
    report_downloads(gctx, &mut remotes, "", true)?;

    let vendored = remotes.directory_checksums(&dirs.values().collect());
    assemble(
        path_pkgs, &git_pkgs, &resolve, &replaced, dirs, vendored, opts,
    )
}

/// cargo's warning for each registry package of the resolve its index
/// marks yanked.
fn warn_yanked(
    gctx: &mut GlobalContext,
    resolve: &Resolve,
    map: &SourceMap,
    remotes: &Remotes,
    hint: &str,
) -> anyhow::Result<()> {
    for id in resolve.packages.keys() {
        if !id.source_id().is_registry() {
            continue;
        }
        let real = map.replacement(id.source_id())?;
        let yanked = remotes
            .versions(&real, id.name())
            .iter()
            .any(|l| l.yanked && l.version == *id.version());
        if yanked {
            gctx.shell.warn(format!(
                "package `{id}` in Cargo.lock is yanked in registry `{}`, {hint}",
                id.source_id().display_registry_name()
            ))?;
        }
    }
    Ok(())
}

/// Print the warnings and `Downloaded` lines of the downloads so far
/// (and, where cargo draws a progress bar, the summary when `done`).
pub(crate) fn report_downloads(
    gctx: &mut GlobalContext,
    remotes: &mut Remotes,
    from: &str,
    done: bool,
) -> anyhow::Result<()> {
    for w in remotes.take_warnings() {
        gctx.shell.warn(w)?;
    }
    // The totals wait for the last call.
    let (finished, totals) = match done {
        true => remotes.take_downloaded(),
        false => (remotes.take_finished(), None),
    };
    for (name, version) in finished {
        gctx.shell
            .status("Downloaded", format!("{name} v{version}{from}"))?;
    }
    // cargo sums the downloads up only where it drew a progress bar.
    if let Some((count, bytes, elapsed)) = totals
        && done
        && gctx.shell.progress_enabled()
    {
        let s = if count == 1 { "" } else { "s" };
        gctx.shell.status(
            "Downloaded",
            format!(
                "{count} crate{s} ({}) in {:.2}s",
                mycargo_util::bytes::human_bytes_fixed(bytes),
                elapsed.as_secs_f64()
            ),
        )?;
    }
    Ok(())
}

/// The dependencies of the path packages the resolve follows: every kind
/// for members, all but dev-dependencies for the others.
fn path_dependencies(path_pkgs: &Packages) -> Vec<(Option<PackageId>, Dependency)> {
    path_pkgs
        .manifests
        .iter()
        .zip(&path_pkgs.members)
        .flat_map(|(m, member)| {
            m.dependencies
                .iter()
                .filter(move |d| *member || d.kind() != DepKind::Development)
                .map(|d| (Some(m.package_id.clone()), d.clone()))
        })
        .collect()
}

/// A resolve's result, with the `Updating ... index` lines printed first
/// when it failed (cargo has printed them by then).
fn announced<T>(
    gctx: &mut GlobalContext,
    remotes: &mut Remotes,
    r: anyhow::Result<T>,
) -> anyhow::Result<T> {
    if r.is_err() {
        for source in remotes.take_status() {
            gctx.shell.status("Updating", source)?;
        }
        // The retries that came before the failure, as cargo shows them.
        for w in remotes.take_warnings() {
            gctx.shell.warn(w)?;
        }
    }
    r
}

/// cargo's warnings for patches nothing used: a likely misspelled source
/// URL when the package comes from other sources only, else the general
/// advice.
fn warn_unused_patches(gctx: &mut GlobalContext, resolve: &Resolve) -> anyhow::Result<()> {
    const MESSAGE: &str = "was not used in the crate graph";
    let mut general = Vec::new();
    for unused in &resolve.unused_patches {
        let id = unused.package_id();
        let patched: Vec<&SourceId> = resolve
            .patches
            .iter()
            .filter(|p| p.summary.package_id() == id)
            .map(|p| &p.source)
            .collect();
        let mut used: Vec<&SourceId> = resolve
            .ids()
            .filter(|r| r.name() == id.name())
            .map(|r| r.source_id())
            .collect();
        used.sort();
        used.dedup();
        if !used.is_empty() && used.iter().all(|s| !patched.contains(s)) {
            let mut msg = format!(
                "patch `{id}` {MESSAGE}\n  |\n  = help: perhaps you meant one of the following:"
            );
            for s in used {
                let name = if s.is_registry() {
                    s.display_registry_name()
                } else if s.is_path() {
                    s.to_string()
                } else {
                    s.url().to_string()
                };
                msg.push_str(&format!("\n          \t{name}"));
            }
            gctx.shell.warn(msg)?;
        } else {
            general.push(format!("patch `{id}` {MESSAGE}"));
        }
    }
    if !general.is_empty() {
        gctx.shell.warn(format!(
            "{}\n\
             help: Check that the patched package version and available features are compatible\n      \
             with the dependency requirements. If the patch has a different version from\n      \
             what is locked in the Cargo.lock file, run `cargo update` to use the new\n      \
             version. This may also occur with an optional dependency that is not enabled.",
            general.join("\n")
        ))?;
    }
    Ok(())
}

/// The lock file of a resolve, in `version`. A replaced package keeps its
/// entry (with `replace = ...`); its dependencies go to the entry of the
/// package replacing it.
fn lock_of(
    resolve: &Resolve,
    version: LockVersion,
    replaced: &BTreeMap<PackageId, PackageId>,
) -> Lockfile {
    let mut lock = Lockfile::new(version);
    for (id, deps) in resolve.lock_dependencies() {
        let mut p = LockedPackage::new(id.clone());
        p.checksum = resolve.checksum(&id).map(str::to_string);
        match replaced.get(&id) {
            Some(r) => {
                p.replace = Some(r.clone());
                let mut rp = LockedPackage::new(r.clone());
                rp.dependencies = deps;
                lock.insert(rp);
            }
            None => p.dependencies = deps,
        }
        lock.insert(p);
    }
    lock.unused_patches = resolve
        .unused_patches
        .iter()
        .map(|s| LockedPackage::new(s.package_id().clone()))
        .collect();
    lock
}

/// `[patch.<source>]` of the workspace root.
fn patch_table(ws: &Workspace) -> BTreeMap<String, Vec<Dependency>> {
    ws.root_parsed()
        .map(|p| p.patch().clone())
        .unwrap_or_default()
}

/// The manifest path of a path patch.
fn patch_manifest(d: &Dependency) -> Option<std::path::PathBuf> {
    d.path()
        .map(|p| mycargo_util::fs::normalize_path(&p.join("Cargo.toml")))
}

/// Path patches join the path packages (as non-members), so the resolver
/// can choose them and the build can compile them. (Git patches are loaded
/// with the git dependencies, registry ones asked of their registry.)
fn add_path_patches(
    gctx: &GlobalContext,
    ws: &Workspace,
    opts: &ReadOptions,
    pkgs: &mut Packages,
) -> anyhow::Result<()> {
    let replace: Vec<Dependency> = replace::replace_table(ws)
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    let patches = patch_table(ws);
    let keys = patches.keys().map(|k| Some(k.as_str())).chain([None]);
    for (key, deps) in keys.zip(patches.values().cloned().chain([replace])) {
        for d in deps {
            let Some(path) = patch_manifest(&d) else {
                continue;
            };
            if let Some(i) = pkgs.index_of(&path) {
                if let Some(key) = key {
                    check_path_patch(gctx, ws, key, &d, &pkgs.manifests[i])?;
                }
                continue;
            }
            let parsed = mycargo_manifest::read_manifest_file(&path, opts).with_context(|| {
                format!(
                    "failed to load source for dependency `{}`",
                    d.name_in_toml()
                )
            })?;
            let Some(m) = parsed.package() else {
                anyhow::bail!(
                    "the patch `{}` at `{}` is a virtual manifest",
                    d.name_in_toml(),
                    path.display()
                );
            };
            if let Some(key) = key {
                check_path_patch(gctx, ws, key, &d, m)?;
            }
            pkgs.manifests.push(m.clone());
            pkgs.members.push(false);
            pkgs.edges.push(Vec::new());
            add_path_dependencies_of(opts, pkgs, m)?;
        }
    }
    Ok(())
}

/// The path dependencies of a patch or replacement (and theirs) join the
/// path packages too: its dependencies on them must resolve.
fn add_path_dependencies_of(
    opts: &ReadOptions,
    pkgs: &mut Packages,
    m: &Manifest,
) -> anyhow::Result<()> {
    let mut todo: Vec<(String, std::path::PathBuf)> = Vec::new();
    let queue = |m: &Manifest, todo: &mut Vec<(String, std::path::PathBuf)>| {
        for d in m
            .dependencies
            .iter()
            .filter(|d| d.kind() != DepKind::Development)
        {
            if let Some(path) = patch_manifest(d) {
                todo.push((d.name_in_toml().to_string(), path));
            }
        }
    };
    queue(m, &mut todo);
    while let Some((name, path)) = todo.pop() {
        if pkgs.index_of(&path).is_some() {
            continue;
        }
        let parsed = mycargo_manifest::read_manifest_file(&path, opts)
            .with_context(|| format!("failed to load source for dependency `{name}`"))?;
        let Some(dep) = parsed.package() else {
            continue;
        };
        queue(dep, &mut todo);
        pkgs.manifests.push(dep.clone());
        pkgs.members.push(false);
        pkgs.edges.push(Vec::new());
    }
    Ok(())
}

/// Where the patch of `name` under `[patch.<key>]` was written: a
/// configuration file, `--config`, or the root manifest.
fn patch_location(gctx: &GlobalContext, ws: &Workspace, key: &str, name: &str) -> String {
    for leaf in [
        "path", "git", "version", "registry", "branch", "tag", "rev", "package",
    ] {
        if let Ok(Some(def)) = gctx.config.definition_at(&["patch", key, name, leaf]) {
            return def.to_string();
        }
    }
    ws.root_manifest().display().to_string()
}

/// The URL cargo names a `[patch.<key>]` table by.
fn patch_key_url(key: &str) -> String {
    if key == mycargo_core::source_id::CRATES_IO_REGISTRY {
        mycargo_core::source_id::CRATES_IO_INDEX.to_string()
    } else {
        key.to_string()
    }
}

/// A path patch must hold the package it names, at a version its
/// requirement (if it has one) accepts: cargo's errors, before any index
/// is read.
fn check_path_patch(
    gctx: &GlobalContext,
    ws: &Workspace,
    key: &str,
    d: &Dependency,
    m: &Manifest,
) -> anyhow::Result<()> {
    let dir = d
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let help = format!(
        "help: check `{}` patch definition for `{}` in `{}`",
        d.package_name(),
        patch_key_url(key),
        patch_location(gctx, ws, key, d.name_in_toml())
    );
    if m.name() != d.package_name() {
        anyhow::bail!(
            "patch location `{dir}` does not contain packages matching `{}`\n{help}",
            d.package_name()
        );
    }
    let req = d.version_req();
    if req.original.is_some() && !req.matches(m.version()) {
        anyhow::bail!(
            "patch `{}` version mismatch\nnote: patch location contains version `{}`, but patch definition requires `{req}`\nhelp: check patch location `{dir}`\n{help}",
            d.package_name(),
            m.version()
        );
    }
    Ok(())
}

/// The git dependencies of `[patch]` tables (fetched with the others;
/// `[replace]` sources are fetched when a package they replace is met).
fn git_patch_dependencies(ws: &Workspace) -> Vec<Dependency> {
    patch_table(ws)
        .into_values()
        .flatten()
        .filter(|d| d.source_id().is_git())
        .collect()
}

/// The resolver's patches: each patch's summary for the source named by
/// its table (`crates-io`, a `[registries]` name or a URL). A path patch
/// is its package; a git or registry patch is the one package its source
/// has that the patch's requirement matches (the locked version first).
fn patches(
    gctx: &GlobalContext,
    ws: &Workspace,
    pkgs: &Packages,
    reg: &mut WsRegistry<'_>,
    previous: Option<&Lockfile>,
) -> anyhow::Result<Vec<Patch>> {
    let map = reg.map;
    let mut out: Vec<Patch> = Vec::new();
    for (key, deps) in patch_table(ws) {
        let first = out.len();
        let source = if key == mycargo_core::source_id::CRATES_IO_REGISTRY {
            SourceId::crates_io()
        } else if let Ok(id) = map.registry(&key) {
            id
        } else {
            let url = mycargo_core::source_id::parse_url(&key)
                .with_context(|| format!("invalid url `{key}` in `[patch]`"))?;
            if url.scheme().starts_with("sparse+") {
                SourceId::for_registry(&url)
            } else {
                SourceId::for_git(&url, mycargo_core::GitReference::DefaultBranch)
            }
        };
        for d in &deps {
            if let Some(path) = patch_manifest(d) {
                if let Some(i) = pkgs.index_of(&path) {
                    out.push(Patch {
                        source: source.clone(),
                        summary: summaries::from_manifest(&pkgs.manifests[i]),
                    });
                }
                continue;
            }
            let help = format!(
                "help: check `{}` patch definition for `{}` in `{}`",
                d.package_name(),
                source.url(),
                ws.root_manifest().display()
            );
            if d.source_id() == &source {
                // cargo asks the source before it compares.
                use mycargo_resolver::version::Registry as _;
                let _ = reg.query(d);
                anyhow::bail!(
                    "patch for `{}` points to the same source, but patches must point to different sources\n{help}",
                    d.package_name(),
                );
            }
            let summary = patch_summary(d, reg, previous, &help)?;
            out.push(Patch {
                source: source.clone(),
                summary,
            });
        }
        // Two entries of one table standing for the same package.
        let mine = &out[first..];
        for (i, p) in mine.iter().enumerate() {
            let id = p.summary.package_id();
            if mine[..i]
                .iter()
                .any(|o| o.summary.name() == id.name() && o.summary.version() == id.version())
            {
                let mut locs: Vec<String> = Vec::new();
                for d in deps.iter().filter(|d| d.package_name() == id.name()) {
                    let l = format!("`{}`", patch_location(gctx, ws, &key, d.name_in_toml()));
                    if !locs.contains(&l) {
                        locs.push(l);
                    }
                }
                anyhow::bail!(
                    "several `[patch]` entries resolving to same version `{} v{}`\nhelp: check `{}` patch definitions for `{}` in {}",
                    id.name(),
                    id.version(),
                    id.name(),
                    patch_key_url(&key),
                    locs.join(", ")
                );
            }
        }
    }
    Ok(out)
}

/// The one package a git or registry patch `d` stands for,
/// with cargo's errors when its source has none or several.
fn patch_summary(
    d: &Dependency,
    reg: &mut WsRegistry<'_>,
    previous: Option<&Lockfile>,
    help: &str,
) -> anyhow::Result<Summary> {
    use mycargo_resolver::version::Registry as _;
    let mut query = |dep: &Dependency| -> anyhow::Result<Vec<Summary>> {
        let all = reg.query(dep).map_err(|e| anyhow!(e.to_string()))?;
        Ok(all
            .into_iter()
            .filter(|s| {
                s.name() == dep.package_name()
                    && !s.is_yanked()
                    && dep.version_req().matches(s.version())
            })
            .collect())
    };
    // The version the lock file has for this patch, if it still exists.
    let locked = previous.and_then(|l| {
        l.packages
            .keys()
            .chain(l.unused_patches.iter().map(|p| &p.id))
            .find(|id| id.name() == d.package_name() && id.source_id() == d.source_id())
            .cloned()
    });
    let mut found = Vec::new();
    if let Some(id) = &locked
        && d.version_req().matches(id.version())
        && let Ok(req) = mycargo_core::VersionRequirement::parse(&format!("={}", id.version()))
    {
        let mut exact = d.clone();
        exact.set_version_req(req);
        found = query(&exact)?;
    }
    if found.is_empty() {
        found = query(d)?;
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => {
            let mut any = d.clone();
            any.set_version_req(mycargo_core::VersionRequirement::any());
            let mut versions: Vec<semver::Version> =
                query(&any)?.iter().map(|s| s.version().clone()).collect();
            versions.sort();
            versions.dedup();
            let versions: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
            if versions.is_empty() {
                anyhow::bail!(
                    "patch location `{}` does not contain packages matching `{}`\n{help}",
                    d.source_id().url(),
                    d.package_name()
                );
            }
            let found = if versions.len() == 1 {
                format!("version `{}`", versions[0])
            } else {
                format!("versions `{}`", versions.join(", "))
            };
            anyhow::bail!(
                "patch `{}` version mismatch\n\
                 note: patch location contains {found}, but patch definition requires `{}`\n\
                 help: check patch location `{}`\n{help}",
                d.package_name(),
                d.version_req(),
                d.source_id().url(),
            )
        }
        _ => {
            let mut versions: Vec<&semver::Version> = found.iter().map(|s| s.version()).collect();
            versions.sort();
            let list: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
            anyhow::bail!(
                "patch for `{}` in `{}` resolved to more than one candidate\n\
                 note: found versions: {}\n{help}\n\
                 help: select only one package using `version = \"={}\"`",
                d.package_name(),
                d.source_id(),
                list.join(", "),
                list.last().map_or("", String::as_str)
            )
        }
    }
}

/// The versions the index offers for each registry package of the resolve
/// (yanked ones left out; only the precise one for a `--precise` name, as
/// cargo's source answers then), and their `rust-version`s.
fn available(
    resolve: &Resolve,
    map: &SourceMap,
    remotes: &Remotes,
    sel: &Selection,
) -> anyhow::Result<lockfile::Available> {
    use registry::RemoteIndex as _;
    let mut out = lockfile::Available::default();
    for (id, p) in &resolve.packages {
        if !id.source_id().is_registry() {
            continue;
        }
        if let Some(rv) = p.summary.rust_version() {
            out.rust_versions.insert(id.clone(), rv.clone());
        }
        let key = (id.name().to_string(), id.source_id().clone());
        if out.versions.contains_key(&key) {
            continue;
        }
        let precise = sel
            .precise
            .iter()
            .find(|p| p.name == key.0 && p.source == key.1);
        let mut versions: Vec<(semver::Version, Option<_>)> = match precise {
            Some(p) => vec![(p.to.clone(), None)],
            None => {
                let mut offered = Vec::new();
                remotes
                    .versions(&map.replacement(id.source_id())?, id.name())
                    .for_each_unkept(|l| {
                        if l.is_available() && !l.yanked {
                            let rv = l.rust_version.as_deref().and_then(|r| r.parse().ok());
                            offered.push((l.version.clone(), rv));
                        }
                    });
                offered
            }
        };
        // The source's answers include its patches (as cargo's do).
        for patch in &resolve.patches {
            if &patch.source == id.source_id() && patch.summary.name() == id.name() {
                let v = patch.summary.version().clone();
                if !versions.iter().any(|(have, _)| have == &v) {
                    versions.push((v, patch.summary.rust_version().cloned()));
                }
            }
        }
        out.versions.insert(key, versions);
    }
    Ok(out)
}

/// Run the version resolver over the path packages and the registries
/// (with `update`'s selection; yanked versions `--precise` chose go to
/// `sel.yanked`).
#[allow(clippy::too_many_arguments)]
fn resolve_with(
    gctx: &GlobalContext,
    ws: &Workspace,
    path_pkgs: &Packages,
    git_pkgs: &git::GitPackages,
    replace: &replace::Replacements,
    map: &SourceMap,
    remotes: &mut Remotes,
    previous: Option<&Lockfile>,
    sel: &Selection,
) -> anyhow::Result<Resolve> {
    for source in registry_sources(path_pkgs, map)? {
        let pending = remotes.pending_status();
        remotes.set_token(&source, token_for(gctx, &source, Some(pending))?);
    }
    let offline = remotes.is_offline();
    let mut reg = WsRegistry::new(path_pkgs, git_pkgs, map, remotes);
    reg.precise = sel.precise.clone();
    reg.publish_time = gctx.publish_time.clone();
    // Patches first (as cargo: a bad one fails before the index is read).
    let patches = patches(gctx, ws, path_pkgs, &mut reg, previous)?;
    reg.replace = replace.loaded.clone();
    reg.pending_replace = replace.pending.iter().map(|(s, _)| s.clone()).collect();
    let mut unlocked: BTreeSet<PackageId> = match previous {
        Some(prev) => poisoned(path_pkgs, prev, map)?
            .into_iter()
            .cloned()
            .collect(),
        None => BTreeSet::new(),
    };
    // A patch the lock has not seen frees the locked packages it stands
    // for, so it can take their place (cargo's rule for added patches).
    let new_patches: Vec<(SourceId, String)> = match previous {
        Some(prev) => patches
            .iter()
            .filter(|p| !prev.packages.contains_key(p.summary.package_id()))
            .map(|p| (p.source.clone(), p.summary.name().to_string()))
            .collect(),
        None => Vec::new(),
    };
    if let Some(prev) = previous {
        for id in prev.packages.keys() {
            if new_patches
                .iter()
                .any(|(s, n)| s == id.source_id() && n == id.name())
            {
                unlocked.insert(id.clone());
            }
        }
    }
    if let Some(prev) = previous
        && sel.unlock.is_empty()
        && sel.precise.is_empty()
    {
        for id in prev.packages.keys().filter(|id| {
            id.source_id().is_registry()
                && !unlocked.contains(*id)
                && !new_patches
                    .iter()
                    .any(|(s, n)| s == id.source_id() && n == id.name())
        }) {
            let real = map.replacement(id.source_id())?;
            reg.locked
                .entry((real, id.name().to_string()))
                .or_default()
                .push(id.version().clone());
        }
    }
    reg.prefetch()?;
    // cargo prefers versions whose `rust-version` fits the members' (the
    // toolchain's when no member states one) when the workspace honours
    // `rust-version` (resolver 3, or `incompatible-rust-versions =
    // "fallback"`), unless `--ignore-rust-version`.
    let honors = lockfile::honors_rust_version(gctx, ws, sel.ignore_rust_version);
    let mut rust_versions: Vec<mycargo_core::PartialVersion> = path_pkgs
        .manifests
        .iter()
        .zip(&path_pkgs.members)
        .filter(|(_, m)| **m)
        .filter_map(|(m, _)| m.rust_version.as_ref().map(|r| r.0.clone()))
        .collect();
    if !honors {
        rust_versions.clear();
    } else if rust_versions.is_empty()
        && let Ok(rustc) = lockfile::load_rustc(gctx, &ws.default_target_dir())
    {
        rust_versions.push(mycargo_core::PartialVersion::from(rustc.info.version));
    }
    let input = ResolveInput {
        roots: path_pkgs
            .manifests
            .iter()
            .zip(&path_pkgs.members)
            .filter(|(_, m)| **m)
            .map(|(m, _)| summaries::from_manifest(m))
            .collect(),
        previous: previous.map(|l| Previous {
            packages: l
                .packages
                .iter()
                .map(|(id, p)| {
                    // A replaced package's dependencies are locked on the
                    // entry of its replacement.
                    let deps = match p.replace.as_ref().and_then(|r| l.packages.get(r)) {
                        Some(r) => r.dependencies.clone(),
                        None => p.dependencies.clone(),
                    };
                    (id.clone(), deps)
                })
                .collect(),
            unlocked: unlocked.clone(),
        }),
        unlock: sel.unlock.clone(),
        patches,
        options: ResolveOptions {
            // The rust-version preference is the resolver 3 behaviour.
            resolver: match ws.resolver_version().as_str() {
                _ if honors => VersionResolver::V3,
                "1" => VersionResolver::V1,
                "3" => VersionResolver::V3,
                _ => VersionResolver::V2,
            },
            rust_versions,
            dev_deps: true,
            root_requests: sel.root_requests.clone(),
            ordering: if gctx.unstable.minimal_versions {
                VersionOrdering::MinimumFirst
            } else {
                VersionOrdering::MaximumFirst
            },
            direct_minimal: gctx.unstable.direct_minimal_versions,
        },
    };
    let explain = gctx.shell.verbosity() == mycargo_util::Verbosity::VeryVerbose;
    let resolve = mycargo_resolver::version::resolve(&input, &mut reg).map_err(|e| {
        // A replacement to fetch first: the caller retries.
        if let mycargo_resolver::version::ResolveError::Registry { source, parent, .. } = &e {
            if let Some(need) = source.downcast_ref::<replace::NeedReplacement>() {
                return anyhow::Error::new(replace::NeedReplacement {
                    parent: parent.as_deref().cloned(),
                    ..need.clone()
                });
            }
            if let Some(r) = source.downcast_ref::<replace::ReplacementError>()
                && let Some(p) = parent
            {
                return replace::framed(anyhow!("{}", r.message), &r.name, Some(&**p));
            }
        }
        // cargo's words; the derivation and the hint under `-vv` (cargo's
        // own tests pin the `-v` output).
        let mut msg = match &e {
            mycargo_resolver::version::ResolveError::NoSolution(ns) if !explain => {
                ns.cargo_message.clone()
            }
            _ => e.to_string(),
        };
        // The registry's own reason, when it failed to answer.
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            msg.push_str(&format!(
                "\n\nCaused by:\n  {}",
                c.to_string().replace('\n', "\n  ")
            ));
            cause = c.source();
        }
        // cargo reminds of offline mode where a dependency found nothing
        // (not on conflicts), naming the flag that set it.
        let not_found = match &e {
            mycargo_resolver::version::ResolveError::NoSolution(ns) => {
                ns.cargo_message.starts_with("no matching package")
                    || ns
                        .cargo_message
                        .starts_with("failed to select a version for the requirement")
            }
            _ => false,
        };
        if offline && not_found {
            let flag = if gctx.args.frozen {
                "--frozen"
            } else {
                "--offline"
            };
            msg.push('\n');
            msg.push_str(&mycargo_sources::sparse::OFFLINE_NOTE.replace("--offline", flag));
        }
        anyhow!(msg)
    })?;
    sel.yanked
        .borrow_mut()
        .extend(std::mem::take(&mut reg.precise_yanked));
    Ok(resolve)
}

/// The locked packages a changed manifest sets free (cargo's
/// "poisoning"): when a dependency of a path package is met by no package
/// of the lock file (a requirement edited or added), every locked package
/// of its source, and what those depend on, may move. Non-member path
/// packages' optional and dev dependencies do not count.
fn poisoned<'l>(
    path_pkgs: &Packages,
    prev: &'l Lockfile,
    map: &SourceMap,
) -> anyhow::Result<BTreeSet<&'l PackageId>> {
    let mut sources = BTreeSet::new();
    for (m, member) in path_pkgs.manifests.iter().zip(&path_pkgs.members) {
        for dep in &m.dependencies {
            if dep.source_id().is_path()
                || (!member && (dep.is_optional() || dep.kind() == DepKind::Development))
            {
                continue;
            }
            let met = prev.packages.keys().any(|id| {
                id.name() == dep.package_name() && dep.version_req().matches(id.version())
            });
            if !met {
                sources.insert(map.replacement(dep.source_id())?);
            }
        }
    }
    let mut out = BTreeSet::new();
    let mut todo = Vec::new();
    for id in prev.packages.keys() {
        if sources.contains(&map.replacement(id.source_id())?) {
            todo.push(id);
        }
    }
    while let Some(id) = todo.pop() {
        if out.insert(id)
            && let Some(p) = prev.packages.get(id)
        {
            todo.extend(p.dependencies.iter());
        }
    }
    // A path package whose version changed: that node alone.
    for id in prev.packages.keys().filter(|id| id.source_id().is_path()) {
        let now = path_pkgs
            .manifests
            .iter()
            .find(|m| m.package_id.source_id() == id.source_id());
        if now.is_some_and(|m| &m.package_id != id) {
            out.insert(id);
        }
    }
    Ok(out)
}

/// Whether a resolve made from the cache alone chose only packages the
/// lock file has, path packages aside (then nothing needs fetching: cargo
/// does not update an index whose every answer was locked, so a member's
/// new version or a dependency dropped does not fetch).
fn same_as_lock(
    resolve: &Resolve,
    previous: Option<&Lockfile>,
    replace: &replace::Replacements,
) -> bool {
    let Some(prev) = previous else { return false };
    let replaced = replace::replaced_ids(resolve, replace);
    // A path patch whose version moved from the one locked (same name,
    // same path) is a new resolve; a new patch is not.
    let moved_patch = |id: &PackageId| {
        resolve.patches.iter().any(|p| p.summary.package_id() == id)
            && prev
                .packages
                .keys()
                .any(|l| l.name() == id.name() && l.source_id() == id.source_id())
    };
    resolve
        .ids()
        .chain(replaced.values())
        .filter(|id| !id.source_id().is_path() || moved_patch(id))
        .all(|id| prev.packages.contains_key(id))
}

/// The registries the path packages name (after replacement).
fn registry_sources(path_pkgs: &Packages, map: &SourceMap) -> anyhow::Result<BTreeSet<SourceId>> {
    let mut out = BTreeSet::new();
    for m in &path_pkgs.manifests {
        for d in &m.dependencies {
            if d.source_id().is_registry() {
                out.insert(d.source_id().clone());
                // A bad `replace-with` fails in the name of the first
                // dependency that needs it, as cargo's does.
                let real = map.replacement(d.source_id()).map_err(|e| {
                    let name = d.name_in_toml();
                    e.context(format!(
                        "unable to update registry `{}`",
                        d.source_id().display_registry_name()
                    ))
                    .context(format!("failed to load source for dependency `{name}`"))
                    .context(format!(
                        "failed to get `{name}` as a dependency of package `{}`",
                        m.package_id
                    ))
                })?;
                out.insert(real);
            }
        }
    }
    Ok(out)
}

/// What cargo reads of the configuration for every resolve, fetching or
/// not: the sources, the resolver's settings, and (when packages are to
/// be downloaded) the `[http]` table; a value of the wrong type stops it.
fn check_config(gctx: &GlobalContext, how: &How) -> anyhow::Result<()> {
    SourceMap::load(&gctx.config)?;
    gctx.config.get_enum(
        "resolver.incompatible-rust-versions",
        &["allow", "fallback"],
    )?;
    if how.download {
        mycargo_sources::net::check_http_config(&gctx.config)?;
    }
    Ok(())
}

/// Settle how `source` is authenticated before it is first read (the
/// commands that read one registry directly: install, add, info).
pub fn ensure_token(
    gctx: &GlobalContext,
    remotes: &mut Remotes,
    source: &SourceId,
) -> anyhow::Result<()> {
    if !remotes.has_token(source) {
        let pending = remotes.pending_status();
        remotes.set_token(source, token_for(gctx, source, Some(pending))?);
    }
    Ok(())
}

/// What `source` is read with when it requires authentication: its
/// credential providers, asked when the server wants a token, or cargo's
/// error when neither the registry's `credential-provider` nor
/// `registry.global-credential-providers` is configured.
fn token_for(
    gctx: &GlobalContext,
    source: &SourceId,
    pending: Option<std::sync::Arc<std::sync::Mutex<Vec<String>>>>,
) -> anyhow::Result<Result<Option<std::sync::Arc<dyn mycargo_sources::TokenSource>>, String>> {
    // A registry named nowhere (`--index URL`) has no token of its own.
    let name = match source.registry_name() {
        _ if source.is_crates_io() => Some(mycargo_core::source_id::CRATES_IO_REGISTRY.to_string()),
        Some(name) => Some(name.to_string()),
        None => None,
    };
    let target = crate::ops::registry_api::Target {
        name,
        source_id: source.clone(),
    };
    Ok(crate::ops::registry_api::index_tokens(gctx, &target)?
        .map(|mut t| {
            t.pending = pending;
            t
        })
        .map(|t| Some(std::sync::Arc::new(t) as std::sync::Arc<dyn mycargo_sources::TokenSource>)))
}

/// The registry packages a build reaches: from the members through the
/// resolved edges (members' dev-dependencies included), following only
/// the dependencies `platforms` accepts.
fn needed_packages(
    resolve: &Resolve,
    path_pkgs: &Packages,
    platforms: PlatformFilter<'_>,
) -> BTreeSet<PackageId> {
    let mut seen: BTreeSet<PackageId> = BTreeSet::new();
    let mut stack: Vec<PackageId> = path_pkgs
        .manifests
        .iter()
        .zip(&path_pkgs.members)
        .filter(|(_, m)| **m)
        .map(|(m, _)| m.package_id.clone())
        .collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(p) = resolve.get(&id) else { continue };
        for d in &p.deps {
            if platforms.is_some_and(|f| !f(&d.dep)) {
                continue;
            }
            stack.push(d.package.clone());
        }
    }
    seen.into_iter()
        .filter(|id| !id.source_id().is_path())
        .collect()
}

/// The path packages plus the downloaded ones, with edges from the resolve.
fn assemble(
    path_pkgs: Packages,
    git_pkgs: &git::GitPackages,
    resolve: &Resolve,
    replaced: &BTreeMap<PackageId, PackageId>,
    dirs: BTreeMap<PackageId, std::path::PathBuf>,
    vendored: BTreeMap<std::path::PathBuf, ChecksumFile>,
    opts: &ReadOptions,
) -> anyhow::Result<Packages> {
    // A replacement is built in place of what it replaces: it takes that
    // package's edges, and the edges to that package lead to it.
    let replacing: BTreeMap<&PackageId, &PackageId> =
        replaced.iter().map(|(orig, r)| (r, orig)).collect();
    let Packages {
        mut manifests,
        members,
        ..
    } = path_pkgs;
    let mut members = members;
    for m in git_pkgs.all() {
        if resolve.get(&m.package_id).is_some() || replacing.contains_key(&m.package_id) {
            manifests.push(m.clone());
            members.push(false);
        }
    }
    for (id, dir) in &dirs {
        let path = dir.join("Cargo.toml");
        let parsed = mycargo_manifest::read_manifest_file(&path, opts)
            .with_context(|| format!("failed to load manifest for `{id}`"))?;
        let Some(m) = parsed.package() else {
            anyhow::bail!(
                "the manifest of `{id}` at `{}` is a virtual manifest",
                path.display()
            );
        };
        let mut m: Manifest = m.clone();
        m.package_id = id.clone();
        manifests.push(m);
        members.push(false);
    }
    let mut index: BTreeMap<PackageId, usize> = manifests
        .iter()
        .enumerate()
        .map(|(i, m)| (m.package_id.clone(), i))
        .collect();
    for (orig, r) in replaced {
        if let Some(&i) = index.get(r) {
            index.insert(orig.clone(), i);
        }
    }
    let mut edges = Vec::with_capacity(manifests.len());
    for m in &manifests {
        let mut mine = Vec::new();
        let as_resolved = replacing
            .get(&m.package_id)
            .copied()
            .unwrap_or(&m.package_id);
        if let Some(rp) = resolve.get(as_resolved) {
            for (di, d) in m.dependencies.iter().enumerate() {
                let found = rp.deps.iter().find(|rd| {
                    rd.dep.name_in_toml() == d.name_in_toml()
                        && same_kind(rd.dep.kind(), d.kind())
                        && rd.dep.platform() == d.platform()
                });
                if let Some(rd) = found
                    && let Some(&to) = index.get(&rd.package)
                {
                    mine.push((di, to));
                }
            }
        }
        edges.push(mine);
    }
    Ok(Packages {
        manifests,
        edges,
        members,
        vendored,
        replaced: replaced.keys().cloned().collect(),
    })
}

fn same_kind(a: DepKind, b: DepKind) -> bool {
    a == b
}
