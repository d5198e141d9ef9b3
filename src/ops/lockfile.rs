//! `Cargo.lock` for a workspace of path packages, as cargo keeps it:
//! resolve the whole workspace (every member with all features, members'
//! dev-dependencies, every platform), compare with the file, and write it
//! only when it says something else — refusing under `--locked` or
//! `--frozen` — then report the change with cargo's `Locking` lines.
//!
//! Which packages the file holds is decided as cargo's dependency resolver
//! decides it, not as a build does: a path dependency outside the
//! workspace counts with its normal and build dependencies only, and its
//! optional dependencies only when some feature asks for them (a weak
//! `dep?/feat` counts too).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use anstyle::{AnsiColor, Effects, Style};
use anyhow::{Context as _, bail};
use mycargo_compiler::rustc_info::{Rustc, RustcOptions};
use mycargo_core::{DepKind, FeatureValue, PackageId, PartialVersion, SourceId};
use mycargo_lockfile::{
    LockVersion, LockedPackage, Lockfile, PathSources, Plan, cmp_package_id, cmp_source_id,
};
use mycargo_manifest::{Manifest, Workspace};
use mycargo_util::shell::Verbosity;

use super::compile::packages::Packages;
use super::compile::settings;
use crate::context::GlobalContext;

/// How the lock file is being brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A build: start from the existing file, keep its version, say nothing
    /// unless something was written.
    Sync,
    /// `generate-lockfile`: resolve afresh, in the workspace's version,
    /// and always report.
    Generate,
    /// [`Mode::Sync`] reporting what it would write, writing nothing
    /// (`update --breaking --dry-run`).
    Preview,
    /// `update`: start from the existing file with some packages let go,
    /// report every change (and what stayed behind) before writing, with
    /// no `Locking` line for `--precise`, and write nothing on a dry run.
    Update { precise: bool, dry_run: bool },
}

/// Versions of one name in one source, each with its `rust-version`.
pub type Offered = Vec<(semver::Version, Option<PartialVersion>)>;

/// What the report knows of registry packages beyond the lock file, for
/// the `(available: vX)` and `(requires Rust X)` notes.
#[derive(Debug, Default)]
pub struct Available {
    /// The versions each (name, source) offers, yanked ones left out,
    /// with their `rust-version`s.
    pub versions: BTreeMap<(String, SourceId), Offered>,
    /// The `rust-version` of each resolved registry package that has one.
    pub rust_versions: BTreeMap<PackageId, PartialVersion>,
}

/// [`Available`], worked out the first time a report needs it: it reads
/// every version of every registry package (their whole index files),
/// which a resolve that changes nothing never shows.
pub struct LazyAvailable<'a> {
    cell: std::cell::OnceCell<Available>,
    make: Box<dyn Fn() -> Available + 'a>,
}

impl<'a> LazyAvailable<'a> {
    pub fn new(make: impl Fn() -> Available + 'a) -> LazyAvailable<'a> {
        LazyAvailable {
            cell: std::cell::OnceCell::new(),
            make: Box::new(make),
        }
    }

    pub fn get(&self) -> &Available {
        self.cell.get_or_init(|| (self.make)())
    }
}

/// Resolve the path workspace and write `Cargo.lock` if it says something
/// else (see [`Mode`]).
pub fn update(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    pkgs: &Packages,
    ignore_rust_version: bool,
    mode: Mode,
) -> anyhow::Result<()> {
    let path = ws.lock_path();
    let paths: PathSources = pkgs.manifests.iter().map(|m| &m.package_id).collect();
    let orig = match ws.ignore_lock() {
        true => None,
        false => mycargo_lockfile::read(&path)?,
    };
    let previous = match (&orig, mode) {
        (Some(text), Mode::Sync | Mode::Preview | Mode::Update { .. }) => Some(
            parse_lock(&gctx.env, text, &paths)
                .with_context(|| format!("failed to parse lock file at: {}", path.display()))?,
        ),
        _ => None,
    };

    let Some(edges) = walk(pkgs) else {
        // A feature some package asks for does not exist: cargo's
        // dependency resolver fails here, before the lock file is written.
        // The feature resolver words it as cargo does.
        if let Some(e) = feature_error(ws, pkgs, previous.as_ref()) {
            return Err(e);
        }
        if mode == Mode::Generate {
            bail!("failed to resolve the features of the workspace");
        }
        return Ok(());
    };
    super::compile::cycles::check(pkgs, &edges)?;
    let target = LockVersion::with_rust_version(lowest_rust_version(pkgs).as_ref());
    let mut resolve = Lockfile::new(previous.as_ref().map_or(target, |p| p.version));
    for (i, deps) in edges.iter().enumerate() {
        let Some(deps) = deps else { continue };
        let mut pkg = LockedPackage::new(pkgs.manifests[i].package_id.clone());
        pkg.dependencies = deps
            .iter()
            .map(|&d| pkgs.manifests[d].package_id.clone())
            .collect();
        resolve.insert(pkg);
    }
    let written = LockWrite {
        path: &path,
        orig: orig.as_deref(),
        paths: &paths,
        target,
        available: None,
    };
    written.apply(
        gctx,
        ws,
        pkgs,
        previous.as_ref(),
        resolve,
        ignore_rust_version,
        mode,
    )
}

/// Writing a resolved lock file: where, what was there, and in which
/// version a new file is written.
pub struct LockWrite<'a> {
    pub path: &'a Path,
    pub orig: Option<&'a str>,
    pub paths: &'a PathSources,
    pub target: LockVersion,
    /// The index's versions, for the report's notes (none for path-only
    /// workspaces).
    pub available: Option<&'a LazyAvailable<'a>>,
}

impl LockWrite<'_> {
    /// Write `resolve` when it says something else than the file (refused
    /// under `--locked`/`--frozen`), then cargo's `Locking` report (for
    /// `update`, the report first, and no write on a dry run).
    #[allow(clippy::too_many_arguments)]
    pub fn apply(
        &self,
        gctx: &mut GlobalContext,
        ws: &Workspace,
        pkgs: &Packages,
        previous: Option<&Lockfile>,
        mut resolve: Lockfile,
        ignore_rust_version: bool,
        mode: Mode,
    ) -> anyhow::Result<()> {
        let (path, orig, paths, target) = (self.path, self.orig, self.paths, self.target);
        resolve.check_collisions()?;
        if let Some(prev) = previous {
            check_checksums(prev, &resolve)?;
            // `[metadata]` entries of the previous file are kept, as cargo
            // keeps them.
            for (k, v) in &prev.metadata {
                resolve
                    .metadata
                    .entry(k.clone())
                    .or_insert_with(|| v.clone());
            }
        }
        let report_now = |gctx: &mut GlobalContext, resolve: &Lockfile| {
            let r = Report {
                ws,
                pkgs,
                previous,
                resolve,
                ignore_rust_version,
                mode,
                available: self.available,
            };
            r.print(gctx)
        };
        if mode == Mode::Preview {
            let unchanged = previous.is_some_and(|p| p.packages == resolve.packages);
            if !unchanged {
                report_now(gctx, &resolve)?;
            }
            return Ok(());
        }
        if let Mode::Update { dry_run, .. } = mode {
            report_now(gctx, &resolve)?;
            if dry_run {
                gctx.shell.warn("not updating lockfile due to dry run")?;
                return Ok(());
            }
        }
        let locked = locked_flag(gctx);
        let plan = mycargo_lockfile::plan_write(
            &mut resolve,
            orig,
            target,
            locked.is_some().then_some(paths),
        );
        let written = match plan {
            Plan::Unchanged => false,
            Plan::Write(text) => {
                if let Some(flag) = locked {
                    let action = if orig.is_some() { "update" } else { "create" };
                    bail!(
                        "cannot {action} the lock file {} because {flag} was passed to prevent this\n\
                         help: to generate the lock file without accessing the network, remove the {flag} flag and use --offline instead.",
                        path.display()
                    );
                }
                // A folder that cannot be made is the error (no "failed to
                // write" above it).
                if let Some(dir) = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
                {
                    std::fs::create_dir_all(dir).with_context(|| {
                        format!("failed to create directory `{}`", dir.display())
                    })?;
                }
                mycargo_lockfile::write(path, &text)
                    .with_context(|| format!("failed to write {}", path.display()))?;
                remember_written(path);
                true
            }
        };
        if (written && mode == Mode::Sync) || mode == Mode::Generate {
            report_now(gctx, &resolve)?;
        }
        Ok(())
    }
}

/// [`Lockfile::parse`], with cargo's nightly words for the next format
/// (`requires -Znext-lockfile-bump`).
pub fn parse_lock(
    env: &mycargo_util::Env,
    text: &str,
    paths: &PathSources,
) -> anyhow::Result<Lockfile> {
    Lockfile::parse(text, paths).map_err(|e| match e {
        mycargo_lockfile::LockfileError::NextVersion(v)
            if crate::unstable::nightly_allowed(env) =>
        {
            anyhow::anyhow!("lock file version `{v}` requires `-Znext-lockfile-bump`")
        }
        e => e.into(),
    })
}

/// A package whose checksum the lock file lists must have that checksum
/// still: a replacement source (a mirror, vendored sources) serving other
/// bytes is refused, with cargo's explanations.
fn check_checksums(previous: &Lockfile, resolve: &Lockfile) -> anyhow::Result<()> {
    for id in &previous.checksum_none {
        if resolve
            .packages
            .get(id)
            .is_some_and(|p| p.checksum.is_some())
        {
            let source = match id.source_id().registry_name() {
                Some(_) => id.source_id().to_string(),
                None if id.source_id().is_crates_io() => "registry `crates-io`".to_string(),
                None => id.source_id().to_string(),
            };
            bail!(
                "checksum for `{id}` was not previously calculated, but a checksum could now be calculated\n\n\
                 this could be indicative of a few possible situations:\n\n    \
                 * the source `{source}` did not previously support checksums,\n      \
                 but was replaced with one that does\n    \
                 * newer Cargo implementations know how to checksum this source, but this\n      \
                 older implementation does not\n    \
                 * the lock file is corrupt\n"
            );
        }
    }
    for (id, old) in &previous.packages {
        let (Some(old), Some(new)) = (&old.checksum, resolve.packages.get(id)) else {
            continue;
        };
        match &new.checksum {
            Some(c) if c == old => {}
            Some(_) => bail!(
                "checksum for `{id}` changed between lock files\n\n\
                 this could be indicative of a few possible errors:\n\n    \
                 * the lock file is corrupt\n    \
                 * a replacement source in use (e.g., a mirror) returned a different checksum\n    \
                 * the source itself may be corrupt in one way or another\n\n\
                 unable to verify that `{id}` is the same as when the lockfile was generated\n"
            ),
            None => bail!(
                "checksum for `{id}` could not be calculated, but a checksum is listed in \
                 the existing lock file\n\n\
                 this could be indicative of a few possible situations:\n\n    \
                 * the source `{}` supports checksums,\n      \
                 but was replaced with one that doesn't\n    \
                 * the lock file is corrupt\n\n\
                 unable to verify that `{id}` is the same as when the lockfile was generated\n",
                id.source_id()
            ),
        }
    }
    Ok(())
}

/// `--frozen` or `--locked`, as cargo names the one given.
fn locked_flag(gctx: &GlobalContext) -> Option<&'static str> {
    if gctx.args.frozen {
        Some("--frozen")
    } else if gctx.args.locked {
        Some("--locked")
    } else {
        None
    }
}

pub(crate) fn lowest_rust_version(pkgs: &Packages) -> Option<PartialVersion> {
    pkgs.manifests
        .iter()
        .zip(&pkgs.members)
        .filter(|(_, is_member)| **is_member)
        .filter_map(|(m, _)| m.rust_version.as_ref().map(|r| r.0.clone()))
        .min()
}

/// What one package asks of another: features, and whether `default`.
#[derive(Debug, Clone, Default)]
struct Request {
    features: BTreeSet<String>,
    default: bool,
    all: bool,
}

/// The packages of the resolve and their dependencies (by index into
/// `pkgs`); `None` for packages outside it. `None` overall when a
/// requested feature does not exist.
fn walk(pkgs: &Packages) -> Option<Vec<Option<BTreeSet<usize>>>> {
    let n = pkgs.manifests.len();
    let mut requests: Vec<Option<Request>> = vec![None; n];
    let mut edges: Vec<Option<BTreeSet<usize>>> = vec![None; n];
    let mut queue = VecDeque::new();
    for i in (0..n).filter(|&i| pkgs.members[i]) {
        requests[i] = Some(Request {
            features: BTreeSet::new(),
            default: true,
            all: true,
        });
        queue.push_back(i);
    }
    while let Some(i) = queue.pop_front() {
        let m = &pkgs.manifests[i];
        let request = requests[i].clone().unwrap_or_default();
        let enabled = requirements(m, &request)?;
        let mut mine = BTreeSet::new();
        for &(di, to) in &pkgs.edges[i] {
            let dep = &m.dependencies[di];
            if dep.kind() == DepKind::Development && !pkgs.members[i] {
                continue;
            }
            let asked = enabled.get(dep.name_in_toml());
            if dep.is_optional() && asked.is_none() {
                continue;
            }
            mine.insert(to);
            let first = requests[to].is_none();
            let slot = requests[to].get_or_insert_with(Request::default);
            let before = (slot.features.len(), slot.default);
            slot.features.extend(dep.features().iter().cloned());
            slot.features.extend(asked.into_iter().flatten().cloned());
            slot.default |= dep.uses_default_features();
            if first || before != (slot.features.len(), slot.default) {
                queue.push_back(to);
            }
        }
        edges[i] = Some(mine);
    }
    Some(edges)
}

/// cargo's `Requirements`: the features a request turns on, and the
/// dependencies (by name in the manifest) those enable, each with the
/// features asked of it. `None` when a feature is missing.
fn requirements(m: &Manifest, request: &Request) -> Option<BTreeMap<String, BTreeSet<String>>> {
    struct Reqs<'a> {
        m: &'a Manifest,
        features: BTreeSet<String>,
        deps: BTreeMap<String, BTreeSet<String>>,
    }
    impl Reqs<'_> {
        fn feature(&mut self, f: &str) -> Option<()> {
            if !self.features.insert(f.to_string()) {
                return Some(());
            }
            for fv in self.m.feature_map.get(f)? {
                self.value(fv)?;
            }
            Some(())
        }

        fn value(&mut self, fv: &FeatureValue) -> Option<()> {
            match fv {
                FeatureValue::Feature(f) => self.feature(f)?,
                FeatureValue::Dep { dep_name } => {
                    self.deps.entry(dep_name.clone()).or_default();
                }
                FeatureValue::DepFeature {
                    dep_name,
                    dep_feature,
                    weak,
                } => {
                    let optional = self
                        .m
                        .dependencies
                        .iter()
                        .any(|d| d.name_in_toml() == dep_name && d.is_optional());
                    if !weak && optional && self.m.feature_map.contains_key(dep_name) {
                        self.feature(dep_name)?;
                    }
                    self.deps
                        .entry(dep_name.clone())
                        .or_default()
                        .insert(dep_feature.clone());
                }
            }
            Some(())
        }
    }
    let mut reqs = Reqs {
        m,
        features: BTreeSet::new(),
        deps: BTreeMap::new(),
    };
    if request.all {
        for f in m.feature_map.keys() {
            reqs.feature(f)?;
        }
    }
    for f in &request.features {
        reqs.feature(f)?;
    }
    if request.default && m.feature_map.contains_key("default") {
        reqs.feature("default")?;
    }
    Some(reqs.deps)
}

/// The error of resolving every member with all features, every platform
/// and dev-dependencies, as for a lock file.
fn feature_error(
    ws: &Workspace,
    pkgs: &Packages,
    previous: Option<&Lockfile>,
) -> Option<anyhow::Error> {
    use mycargo_resolver::{
        CliFeatures, FeatureOpts, HasDevUnits, ResolverVersion, RootSelection, TargetInfo,
    };
    let graph = super::compile::packages::feature_graph(pkgs);
    let roots = RootSelection {
        members: (0..graph.len()).filter(|&i| pkgs.members[i]).collect(),
        selected: Vec::new(),
        current: None,
        is_virtual: ws.is_virtual(),
    };
    let opts = FeatureOpts {
        version: ResolverVersion::V1,
        targets: None,
        host: TargetInfo::new("", Vec::new()),
        dev_units: HasDevUnits::Yes,
    };
    let err =
        mycargo_resolver::resolve_features(&graph, &roots, &CliFeatures::default(), &opts).err()?;
    if let mycargo_resolver::FeatureError::DependencyMissingFeature {
        package,
        dependency,
        feature,
        ..
    } = &err
        && let Some(msg) = select_failure(pkgs, previous, package, dependency, feature)
    {
        return Some(anyhow::anyhow!(
            "{msg}\n\n{err}\n\n\n{}",
            last_line(dependency)
        ));
    }
    Some(anyhow::Error::new(err))
}

fn last_line(dependency: &str) -> String {
    format!("failed to select a version for `{dependency}` which could resolve this conflict")
}

/// The head of cargo's "failed to select a version" error: the package
/// that asks `dependency` for a feature it lacks, the chain of path
/// dependencies from a member down to it, and the version on offer.
fn select_failure(
    pkgs: &Packages,
    previous: Option<&Lockfile>,
    package: &str,
    dependency: &str,
    feature: &str,
) -> Option<String> {
    // Shortest chains first: a breadth-first walk from the members.
    let n = pkgs.manifests.len();
    let mut parent: Vec<Option<Option<(usize, usize)>>> = vec![None; n];
    let mut queue = VecDeque::new();
    for i in (0..n).filter(|&i| pkgs.members[i]) {
        parent[i] = Some(None);
        queue.push_back(i);
    }
    while let Some(i) = queue.pop_front() {
        for &(di, to) in &pkgs.edges[i] {
            let dep = &pkgs.manifests[i].dependencies[di];
            if parent[to].is_none() && (dep.kind() != DepKind::Development || pkgs.members[i]) {
                parent[to] = Some(Some((i, di)));
                queue.push_back(to);
            }
        }
    }
    let asker = (0..n).find(|&i| parent[i].is_some() && pkgs.manifests[i].name() == package)?;
    let m = &pkgs.manifests[asker];
    let &(di, to) = pkgs.edges[asker].iter().find(|&&(di, _)| {
        let d = &m.dependencies[di];
        d.package_name() == dependency && d.features().iter().any(|f| f == feature)
    })?;
    let locked = |id: &PackageId| match previous {
        Some(p) if p.packages.contains_key(id) => format!("(locked to {}) ", id.version()),
        _ => String::new(),
    };
    let mut msg = format!(
        "failed to select a version for `{dependency}`.\n    ... required by package `{}`",
        m.package_id
    );
    let mut at = asker;
    while let Some(Some((from, fdi))) = parent[at] {
        let d = &pkgs.manifests[from].dependencies[fdi];
        msg.push_str(&format!(
            "\n    ... which satisfies path dependency `{}` {}of package `{}`",
            d.package_name(),
            locked(&pkgs.manifests[at].package_id),
            pkgs.manifests[from].package_id
        ));
        at = from;
    }
    let target = &pkgs.manifests[to].package_id;
    let locked_req = locked(target);
    msg.push_str(&format!(
        "\nversions that meet the requirements `{}` {}are: {}",
        m.dependencies[di].version_req(),
        locked_req,
        target.version()
    ));
    Some(msg)
}

/// A change between two resolves, for the status lines.
enum Change<'a> {
    Added(&'a PackageId),
    Updated(&'a PackageId, &'a PackageId),
    Downgraded(&'a PackageId, &'a PackageId),
    Removed(&'a PackageId),
    Unchanged(&'a PackageId),
}

impl<'a> Change<'a> {
    /// The package the line is about (the new one of a pair).
    fn id(&self) -> &'a PackageId {
        match self {
            Change::Added(id) | Change::Removed(id) | Change::Unchanged(id) => id,
            Change::Updated(_, id) | Change::Downgraded(_, id) => id,
        }
    }

    /// Whether the package is new to the lock file (counted by `Locking`).
    fn is_new(&self) -> bool {
        matches!(
            self,
            Change::Added(_) | Change::Updated(..) | Change::Downgraded(..)
        )
    }
}

/// Everything cargo's lock file reporters look at.
struct Report<'a> {
    ws: &'a Workspace,
    pkgs: &'a Packages,
    previous: Option<&'a Lockfile>,
    resolve: &'a Lockfile,
    ignore_rust_version: bool,
    mode: Mode,
    available: Option<&'a LazyAvailable<'a>>,
}

impl Report<'_> {
    /// `Locking N packages ...` and a line per change, as cargo words them
    /// for a new lock file (only packages with a note), a build that
    /// changed it (what came or moved), and `update` (every change, and a
    /// count of what stayed behind a newer version).
    fn print(&self, gctx: &mut GlobalContext) -> anyhow::Result<()> {
        let members: BTreeSet<&PackageId> = self
            .pkgs
            .manifests
            .iter()
            .zip(&self.pkgs.members)
            .filter(|(_, is_member)| **is_member)
            .map(|(m, _)| &m.package_id)
            .collect();
        let update = matches!(self.mode, Mode::Update { .. });
        let changes: Vec<Change<'_>> = changes(self.previous, self.resolve)
            .into_iter()
            .filter(|c| update || !members.contains(c.id()))
            .collect();
        let n = changes.iter().filter(|c| c.is_new()).count();
        if n == 0 && !update {
            return Ok(());
        }
        let required = self.required_rust_versions(gctx, &changes);
        // Members and their direct dependencies (cargo's non-transitive
        // packages) are told of newer incompatible versions too.
        let mut direct_ids: BTreeSet<&PackageId> = members.clone();
        for m in &members {
            if let Some(p) = self.resolve.packages.get(*m) {
                direct_ids.extend(p.dependencies.iter());
            }
        }
        if !matches!(self.mode, Mode::Update { precise: true, .. }) {
            let plural = if n == 1 { "" } else { "s" };
            let rust =
                match required_rust_version(gctx, self.ws, self.pkgs, self.ignore_rust_version) {
                    Some(v) => format!(" Rust {v}"),
                    None => String::new(),
                };
            let as_of = gctx
                .publish_time
                .as_ref()
                .map(|t| format!(" as of {t}"))
                .unwrap_or_default();
            // cargo has no words for direct-minimal-versions.
            let to = if gctx.unstable.direct_minimal_versions {
                String::new()
            } else {
                let which = if gctx.unstable.minimal_versions {
                    "earliest"
                } else {
                    "latest"
                };
                format!(" to {which}{rust} compatible version{plural}{as_of}")
            };
            gctx.shell
                .status("Locking", format!("{n} package{plural}{to}"))?;
        }
        let color = gctx.shell.err_supports_color();
        let verbose = gctx.shell.verbosity() == Verbosity::Verbose;
        let bold = |c: AnsiColor| Style::new().fg_color(Some(c.into())).effects(Effects::BOLD);
        let mut behind = 0;
        for change in &changes {
            let id = change.id();
            let rust = self.requires_rust(id, &required, color);
            let direct = !matches!(change, Change::Removed(_)) && direct_ids.contains(id);
            let latest = self.latest(id, direct, required.get(id), color);
            let (status, style, text) = match change {
                Change::Added(id) => ("Adding", mycargo_util::shell::NOTE, id.to_string()),
                Change::Updated(old, new) => {
                    ("Updating", mycargo_util::shell::HEADER, moved(old, new))
                }
                Change::Downgraded(old, new) => {
                    ("Downgrading", bold(AnsiColor::Yellow), moved(old, new))
                }
                Change::Removed(id) => {
                    if update {
                        gctx.shell
                            .status_with_style("Removing", id, bold(AnsiColor::Red))?;
                    }
                    continue;
                }
                Change::Unchanged(id) => {
                    if !update {
                        continue;
                    }
                    let Some(note) = rust.as_ref().or(latest.as_ref()) else {
                        continue;
                    };
                    if latest.is_some() {
                        behind += 1;
                    }
                    if verbose {
                        gctx.shell.status_with_style(
                            "Unchanged",
                            format!("{id}{note}"),
                            Style::new().effects(Effects::BOLD),
                        )?;
                    }
                    continue;
                }
            };
            let note = rust.or(latest);
            // A new lock file lists only the packages with something to say.
            if self.previous.is_none() && note.is_none() {
                continue;
            }
            let note = note.unwrap_or_default();
            gctx.shell
                .status_with_style(status, format!("{text}{note}"), style)?;
        }
        if update {
            if verbose {
                gctx.shell.note(
                    "to see how you depend on a package, run `cargo tree --invert <dep>@<ver>`",
                )?;
            } else if behind > 0 {
                gctx.shell.note(format!(
                    "pass `--verbose` to see {behind} unchanged dependencies behind latest"
                ))?;
            }
        }
        Ok(())
    }

    /// ` (available: vX)`: the newest semver-compatible version other than
    /// `id`'s, else (for members and their direct dependencies) the newest
    /// greater one, a pre-release only of the same `major.minor.patch`;
    /// versions that fit the Rust version `id` is held to first, the others
    /// with `, requires Rust X`. Registry packages only.
    fn latest(
        &self,
        id: &PackageId,
        direct: bool,
        required: Option<&PartialVersion>,
        color: bool,
    ) -> Option<String> {
        if !id.source_id().is_registry() {
            return None;
        }
        let versions = self
            .available?
            .get()
            .versions
            .get(&(id.name().to_string(), id.source_id().clone()))?;
        let current = id.version();
        let caret = semver::VersionReq {
            comparators: vec![semver::Comparator {
                op: semver::Op::Caret,
                major: current.major,
                minor: Some(current.minor),
                patch: Some(current.patch),
                pre: current.pre.clone(),
            }],
        };
        // Build metadata aside: `0.1.1` is the version `0.1.1+extra` is.
        let compatible = |v: &semver::Version| {
            v.cmp_precedence(current) != std::cmp::Ordering::Equal && caret.matches(v)
        };
        let newer = |v: &semver::Version| {
            direct
                && v.cmp_precedence(current) == std::cmp::Ordering::Greater
                && (v.pre.is_empty()
                    || (v.major, v.minor, v.patch) == (current.major, current.minor, current.patch))
        };
        let fits = |rv: &Option<PartialVersion>| match (rv, required) {
            (Some(rv), Some(req)) => rust_key(rv) <= rust_key(req),
            _ => true,
        };
        let best = |pick: &dyn Fn(&semver::Version) -> bool, need_fit: bool| {
            versions
                .iter()
                .filter(|(v, rv)| pick(v) && (!need_fit || fits(rv)))
                .max_by(|a, b| a.0.cmp(&b.0))
        };
        let text = if let Some((v, _)) = best(&compatible, true).or_else(|| best(&newer, true)) {
            format!("(available: v{v})")
        } else {
            let (v, rv) = best(&compatible, false).or_else(|| best(&newer, false))?;
            let msrv = rv
                .as_ref()
                .map(|rv| format!(", requires Rust {rv}"))
                .unwrap_or_default();
            return Some(format!(" (available: v{v}{msrv})"));
        };
        Some(paint(&text, color, AnsiColor::Yellow))
    }

    /// ` (requires Rust X)`: the package needs a newer Rust than the one
    /// the workspace asks for (or the toolchain's).
    fn requires_rust(
        &self,
        id: &PackageId,
        required: &BTreeMap<PackageId, PartialVersion>,
        color: bool,
    ) -> Option<String> {
        if id.source_id().is_path() {
            return None;
        }
        let needs = self.available?.get().rust_versions.get(id)?;
        let have = required.get(id)?;
        if rust_key(needs) <= rust_key(have) {
            return None;
        }
        Some(paint(
            &format!("(requires Rust {needs})"),
            color,
            AnsiColor::BrightRed,
        ))
    }

    /// cargo's `annotate_required_rust_version`: with a workspace that
    /// honours `rust-version`, each package gets the lowest `rust-version`
    /// of the members that reach it (the toolchain's for members without
    /// one); otherwise every package gets the toolchain's. Only worked out
    /// when some changed package states a `rust-version`.
    fn required_rust_versions(
        &self,
        gctx: &GlobalContext,
        changes: &[Change<'_>],
    ) -> BTreeMap<PackageId, PartialVersion> {
        let mut out = BTreeMap::new();
        let Some(available) = self.available.map(LazyAvailable::get) else {
            return out;
        };
        let states_one = |id: &PackageId| {
            available.rust_versions.contains_key(id)
                || available
                    .versions
                    .get(&(id.name().to_string(), id.source_id().clone()))
                    .is_some_and(|vs| vs.iter().any(|(_, rv)| rv.is_some()))
        };
        if !changes.iter().any(|c| states_one(c.id())) {
            return out;
        }
        let rustc = load_rustc(gctx, &self.ws.default_target_dir())
            .ok()
            .map(|r| PartialVersion::from(r.info.version));
        if !honors_rust_version(gctx, self.ws, self.ignore_rust_version) {
            if let Some(v) = rustc {
                for c in changes {
                    out.insert(c.id().clone(), v.clone());
                }
            }
            return out;
        }
        let mut queue: VecDeque<(PartialVersion, &PackageId)> = self
            .pkgs
            .manifests
            .iter()
            .zip(&self.pkgs.members)
            .filter(|(_, is_member)| **is_member)
            .filter_map(|(m, _)| {
                let v = m
                    .rust_version
                    .as_ref()
                    .map(|r| r.0.clone())
                    .or(rustc.clone())?;
                Some((v, &m.package_id))
            })
            .collect();
        while let Some((v, id)) = queue.pop_front() {
            if let Some(existing) = out.get(id)
                && rust_key(existing) <= rust_key(&v)
            {
                continue;
            }
            out.insert(id.clone(), v.clone());
            if let Some(p) = self.resolve.packages.get(id) {
                queue.extend(p.dependencies.iter().map(|d| (v.clone(), d)));
            }
        }
        out
    }
}

/// A Rust version as (major, minor, patch), missing parts as zero.
fn rust_key(v: &PartialVersion) -> (u64, u64, u64) {
    (v.major, v.minor.unwrap_or(0), v.patch.unwrap_or(0))
}

/// ` text` in bold `color` when the terminal takes colours.
fn paint(text: &str, color: bool, c: AnsiColor) -> String {
    if color {
        let style = Style::new().fg_color(Some(c.into())).effects(Effects::BOLD);
        format!(" {}{text}{}", style.render(), style.render_reset())
    } else {
        format!(" {text}")
    }
}

/// cargo's `PackageDiff`: per (name, source), the versions that went and
/// came; one of each is an update (or a downgrade), otherwise removals
/// and additions; then the versions that stayed.
/// `old -> v1.2.3`, or for a git package `old -> #<commit>` (its first
/// eight hex digits), as cargo writes a change.
fn moved(old: &PackageId, new: &PackageId) -> String {
    match new.source_id().precise() {
        Some(commit) if new.source_id().is_git() => {
            format!("{old} -> #{}", commit.get(..8).unwrap_or(commit))
        }
        // A registry read back from the lock file has no name; the
        // resolve's own id (the same source) names it as configured.
        _ if new.source_id().registry_name().is_some()
            && old.source_id().registry_name().is_none() =>
        {
            let named = PackageId::new(old.name(), old.version().clone(), new.source_id().clone());
            format!("{named} -> v{}", new.version())
        }
        _ => format!("{old} -> v{}", new.version()),
    }
}

fn changes<'a>(previous: Option<&'a Lockfile>, resolve: &'a Lockfile) -> Vec<Change<'a>> {
    struct Key<'a>(&'a str, &'a SourceId);
    let key_cmp = |a: &Key<'_>, b: &Key<'_>| a.0.cmp(b.0).then_with(|| cmp_source_id(a.1, b.1));
    let mut groups: Vec<(Key<'a>, Vec<&'a PackageId>, Vec<&'a PackageId>)> = Vec::new();
    let mut add = |id: &'a PackageId, new: bool| {
        let k = Key(id.name(), id.source_id());
        let slot = match groups.iter().position(|(g, _, _)| key_cmp(g, &k).is_eq()) {
            Some(i) => i,
            None => {
                groups.push((k, Vec::new(), Vec::new()));
                groups.len() - 1
            }
        };
        if new {
            groups[slot].2.push(id);
        } else {
            groups[slot].1.push(id);
        }
    };
    for id in previous.into_iter().flat_map(|p| p.packages.keys()) {
        add(id, false);
    }
    for id in resolve.packages.keys() {
        add(id, true);
    }
    groups.sort_by(|a, b| key_cmp(&a.0, &b.0));
    let same =
        |a: &PackageId, b: &PackageId| a == b && a.source_id().precise() == b.source_id().precise();
    let mut out = Vec::new();
    for (_, mut old, mut new) in groups {
        old.sort_by(|a, b| cmp_package_id(a, b));
        new.sort_by(|a, b| cmp_package_id(a, b));
        let removed: Vec<&PackageId> = old
            .iter()
            .copied()
            .filter(|o| !new.iter().any(|n| same(o, n)))
            .collect();
        let added: Vec<&PackageId> = new
            .iter()
            .copied()
            .filter(|n| !old.iter().any(|o| same(o, n)))
            .collect();
        if let ([from], [to]) = (removed.as_slice(), added.as_slice()) {
            if from.version().cmp_precedence(to.version()).is_gt() {
                out.push(Change::Downgraded(from, to));
            } else {
                out.push(Change::Updated(from, to));
            }
        } else {
            out.extend(removed.into_iter().map(Change::Removed));
            out.extend(added.into_iter().map(Change::Added));
        }
        out.extend(
            new.iter()
                .copied()
                .filter(|n| old.iter().any(|o| same(o, n)))
                .map(Change::Unchanged),
        );
    }
    out
}

/// The Rust version the resolve is said to be compatible with: shown when
/// the workspace honours `rust-version` (resolver 3, or
/// `resolver.incompatible-rust-versions = "fallback"`, and no
/// `--ignore-rust-version`): the lowest member `rust-version`, else the
/// version of rustc.
fn required_rust_version(
    gctx: &GlobalContext,
    ws: &Workspace,
    pkgs: &Packages,
    ignore_rust_version: bool,
) -> Option<String> {
    if !honors_rust_version(gctx, ws, ignore_rust_version) {
        return None;
    }
    if let Some(v) = lowest_rust_version(pkgs) {
        return Some(v.to_string());
    }
    let rustc = load_rustc(gctx, &ws.default_target_dir()).ok()?;
    Some(PartialVersion::from(rustc.info.version).to_string())
}

/// Whether the resolve prefers versions that fit the workspace's
/// `rust-version` (resolver 3, or `resolver.incompatible-rust-versions =
/// "fallback"`, and no `--ignore-rust-version`).
pub(crate) fn honors_rust_version(
    gctx: &GlobalContext,
    ws: &Workspace,
    ignore_rust_version: bool,
) -> bool {
    if let Some(decided) = ws.resolve_honors_rust_version() {
        return decided && !ignore_rust_version;
    }
    let mut honors = ws.resolver_version() == "3";
    if let Ok(Some(v)) = gctx
        .config
        .get_string("resolver.incompatible-rust-versions")
    {
        honors = v.val == "fallback";
    }
    honors && !ignore_rust_version
}

/// rustc as a build would run it (its `-vV` answer cached in the target
/// directory).
pub(crate) fn load_rustc(gctx: &GlobalContext, default_target: &Path) -> anyhow::Result<Rustc> {
    let path = settings::program(gctx, "RUSTC", "build.rustc")?.unwrap_or_else(|| "rustc".into());
    let wrapper = settings::program(gctx, "RUSTC_WRAPPER", "build.rustc-wrapper")?;
    let workspace_wrapper = settings::program(
        gctx,
        "RUSTC_WORKSPACE_WRAPPER",
        "build.rustc-workspace-wrapper",
    )?;
    let target_dir = settings::target_dir(gctx, None, default_target.to_path_buf())?;
    Ok(Rustc::new(
        RustcOptions {
            path,
            wrapper,
            workspace_wrapper,
            cache_location: Some(target_dir.join(".rustc_info.json")),
        },
        &gctx.env,
    )?)
}

/// Lock files this process wrote, each with its metadata right after the
/// write: the no-op record of a build that wrote its lock takes these
/// (an edit after our write still shows as a change).
static WRITTEN: std::sync::Mutex<Vec<(std::path::PathBuf, std::fs::Metadata)>> =
    std::sync::Mutex::new(Vec::new());

fn remember_written(path: &std::path::Path) {
    if let Ok(meta) = std::fs::metadata(path)
        && let Ok(mut w) = WRITTEN.lock()
    {
        w.push((path.to_path_buf(), meta));
    }
}

/// The metadata of `path` right after this process last wrote it.
pub fn written_by_us(path: &std::path::Path) -> Option<std::fs::Metadata> {
    let w = WRITTEN.lock().ok()?;
    w.iter()
        .rev()
        .find(|(p, _)| p == path)
        .map(|(_, m)| m.clone())
}
