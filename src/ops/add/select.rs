//! What `add` writes for one requested dependency: its source (an exact
//! requirement given, the workspace's entry, a member, or the newest
//! compatible release of the registry; a path or git package as found),
//! merged with an existing entry of the same key, plus the features the
//! package offers (for cargo's `Features:` listing).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::bail;
use mycargo_core::{DepKind, PartialVersion, SourceId};
use mycargo_manifest::edit::dependency::{DepSource, EditDep};
use mycargo_manifest::edit::{DepTable, ManifestEditor};
use mycargo_manifest::{Manifest, ManifestKind, Workspace};
use mycargo_sources::source_map::SourceMap;
use semver::{Version, VersionReq};

use crate::context::GlobalContext;
use crate::ops::resolve::remote::Remotes;

/// One `add` request (cargo's `DepOp`).
#[derive(Debug, Clone, Default)]
pub struct DepOp {
    pub crate_spec: Option<String>,
    pub rename: Option<String>,
    pub features: Option<Vec<String>>,
    pub default_features: Option<bool>,
    pub optional: Option<bool>,
    pub public: Option<bool>,
    pub registry: Option<String>,
    pub path: Option<std::path::PathBuf>,
    /// `--base`: the path base the path is written relative to.
    pub base: Option<String>,
    pub git: Option<String>,
    pub branch: Option<String>,
    pub tag: Option<String>,
    pub rev: Option<String>,
}

/// A dependency about to be written, with what its package offers.
pub struct DepUi {
    pub dep: EditDep,
    /// The release the features come from.
    pub available_version: Option<Version>,
    /// Each feature and the features it enables.
    pub available_features: BTreeMap<String, Vec<String>>,
}

impl DepUi {
    /// The features on and off (cargo's listing): what the entry asks
    /// for, with `default` unless turned off, and what they enable.
    pub fn features(&self) -> (Vec<String>, Vec<String>) {
        let mut on: Vec<String> = self.dep.features.iter().flatten().cloned().collect();
        if self.dep.default_features.unwrap_or(true) {
            on.push("default".into());
        }
        on.extend(self.dep.inherited_features.iter().flatten().cloned());
        let mut queue: std::collections::VecDeque<String> = on.iter().cloned().collect();
        while let Some(next) = queue.pop_front() {
            for f in self.available_features.get(&next).into_iter().flatten() {
                if !on.contains(f) {
                    on.push(f.clone());
                    queue.push_back(f.clone());
                }
            }
        }
        let mut seen = BTreeSet::new();
        on.retain(|f| f != "default" && seen.insert(f.clone()));
        on.sort();
        let off: Vec<String> = self
            .available_features
            .keys()
            .filter(|f| !on.contains(f) && *f != "default")
            .cloned()
            .collect();
        (on, off)
    }
}

/// The sources `add` asks: registries through one session.
pub struct Lookup {
    remotes: Remotes,
    map: SourceMap,
    /// Git repositories read in this run, by URL and reference.
    git: BTreeMap<String, Vec<Manifest>>,
}

impl Lookup {
    pub fn new(gctx: &GlobalContext) -> anyhow::Result<Lookup> {
        Ok(Lookup {
            remotes: Remotes::new(gctx, false)?,
            map: SourceMap::load(&gctx.config)?,
            git: BTreeMap::new(),
        })
    }

    /// The index lines of `name` (or of its `-`/`_` spelling) in the
    /// registry `registry` names; the name found.
    fn lines(
        &mut self,
        gctx: &mut GlobalContext,
        registry: Option<&str>,
        name: &str,
    ) -> anyhow::Result<(String, Vec<mycargo_sources::index::summary::IndexSummary>)> {
        let source = match registry {
            Some(r) => self.map.registry(r)?,
            None => SourceId::crates_io(),
        };
        let real = self.map.replacement(&source)?;
        crate::ops::registry_lookup::lines(gctx, &mut self.remotes, &real, name, true)
    }
}

/// Each feature with the features it enables (values naming dependencies
/// left out, as cargo lists them), plus the implicit feature of each
/// optional dependency no feature names with `dep:`.
fn offered_features<'a>(
    raw: &BTreeMap<String, Vec<String>>,
    optional_deps: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = raw
        .iter()
        .map(|(k, v)| {
            let plain = v
                .iter()
                .filter(|f| !f.starts_with("dep:") && !f.contains('/'))
                .cloned()
                .collect();
            (k.clone(), plain)
        })
        .collect();
    let explicit: BTreeSet<&str> = raw
        .values()
        .flatten()
        .filter_map(|v| v.strip_prefix("dep:"))
        .collect();
    for d in optional_deps {
        if !explicit.contains(d) {
            out.entry(d.to_string()).or_default();
        }
    }
    out
}

/// [`offered_features`] of an index line.
fn line_features(
    line: &mycargo_sources::index::summary::IndexSummary,
) -> BTreeMap<String, Vec<String>> {
    let optional = line
        .deps
        .iter()
        .filter(|d| d.optional)
        .map(|d| d.name.as_str());
    offered_features(line.features.get(), optional)
}

/// [`offered_features`] of a manifest.
fn manifest_features(m: &Manifest) -> BTreeMap<String, Vec<String>> {
    let optional = m
        .dependencies
        .iter()
        .filter(|d| d.is_optional())
        .map(|d| d.name_in_toml());
    offered_features(&m.features, optional)
}

/// cargo's `CrateSpec`: `name` or `name@req`.
fn crate_spec(spec: &str) -> anyhow::Result<(String, Option<String>)> {
    let (name, version) = match spec.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (spec, None),
    };
    if let Err(e) = mycargo_core::names::validate_package_name(name, "package name") {
        if !spec.contains('@') {
            for (idx, ch) in spec.char_indices() {
                if !(unicode_ident::is_xid_continue(ch) || ch == '-') {
                    let mut suggested = spec.to_string();
                    suggested.insert(idx, '@');
                    if crate_spec(&suggested).is_ok() {
                        bail!(
                            "{e}\n\nhelp: if this is meant to be a package name followed by a version, insert an `@` like `{suggested}`"
                        );
                    }
                }
            }
        }
        bail!("{e}");
    }
    if let Some(v) = version
        && let Err(e) = VersionReq::parse(v)
    {
        let e = anyhow::Error::new(e);
        if let Some(stripped) = v.strip_prefix('v') {
            return Err(e.context(format!(
                "the version provided, `{v}` is not a valid SemVer requirement\n\nhelp: changing the package to `{name}@{stripped}`"
            )));
        }
        return Err(e.context(format!("invalid version requirement `{v}`")));
    }
    Ok((name.to_string(), version.map(str::to_string)))
}

/// Apply the flags of `op` to `dep` (cargo's `populate_dependency`).
fn populate(mut dep: EditDep, op: &DepOp) -> EditDep {
    if let Some(r) = &op.registry {
        dep.registry = (!r.is_empty()).then(|| r.clone());
    }
    if let Some(v) = op.optional {
        dep.optional = v.then_some(true);
    }
    if let Some(v) = op.public {
        dep.public = v.then_some(true);
    }
    if let Some(v) = op.default_features {
        dep.default_features = (!v).then_some(false);
    }
    if let Some(f) = &op.features {
        dep.extend_features(f.iter().cloned());
    }
    if let Some(r) = &op.rename {
        dep.rename = Some(r.clone());
    }
    dep
}

/// The package a path or git source holds that `name` names (or the only
/// one).
/// The directory `--base NAME` names for the member being edited, or
/// cargo's error (the member must opt in to `path-bases`).
fn path_base_dir(
    gctx: &GlobalContext,
    ws: &Workspace,
    editor: &ManifestEditor,
    base: &str,
) -> anyhow::Result<std::path::PathBuf> {
    let opted_in = ws
        .members()
        .find(|m| m.manifest_path == editor.path)
        .is_some_and(|m| m.cargo_features.iter().any(|f| f == "path-bases"));
    if !opted_in {
        bail!("{}", mycargo_manifest::PATH_BASES_REQUIRED);
    }
    let bases = crate::ops::workspace::read_options(gctx).path_bases;
    match bases.get(base) {
        Some(dir) => Ok(dir.clone()),
        None if base == "workspace" => Ok(ws.root()),
        None => bail!("{}", mycargo_manifest::undefined_path_base(base)),
    }
}

fn package_at(
    gctx: &mut GlobalContext,
    lookup: &mut Lookup,
    op: &DepOp,
    name: Option<&str>,
    base: Option<(String, std::path::PathBuf)>,
) -> anyhow::Result<(Manifest, DepSource)> {
    if let Some(path) = &op.path {
        let dir = mycargo_util::fs::normalize_path(&gctx.cwd().join(path));
        let opts = crate::ops::workspace::read_options(gctx);
        let parsed = mycargo_manifest::read_manifest_file(&dir.join("Cargo.toml"), &opts)
            .map_err(anyhow::Error::new)
            .map_err(|e| {
                e.context(format!("unable to update {}", dir.display()))
                    .context(format!(
                        "failed to load source for dependency `{}`",
                        name.unwrap_or_else(|| dir
                            .file_name()
                            .and_then(|n| n.to_str())
                            .unwrap_or_default())
                    ))
            })?;
        let ManifestKind::Package(m) = parsed.kind else {
            bail!(
                "found a virtual manifest at `{}` instead of a package manifest",
                dir.join("Cargo.toml").display()
            );
        };
        if let Some(name) = name
            && m.name() != name
        {
            bail!(
                "the crate `{name}@{}` could not be found at `{}`",
                dir.display(),
                dir.display()
            );
        }
        let version = without_build(m.version());
        return Ok((
            *m,
            DepSource::Path {
                path: dir,
                base,
                version: Some(version),
            },
        ));
    }
    let Some(url) = &op.git else {
        bail!("dependency name is required");
    };
    let parsed = mycargo_core::source_id::parse_url(url)?;
    let reference = if let Some(b) = &op.branch {
        mycargo_core::GitReference::Branch(b.clone())
    } else if let Some(t) = &op.tag {
        mycargo_core::GitReference::Tag(t.clone())
    } else if let Some(r) = &op.rev {
        mycargo_core::GitReference::Rev(r.clone())
    } else {
        mycargo_core::GitReference::DefaultBranch
    };
    let source = SourceId::for_git(&parsed, reference);
    let key = source.as_url();
    // cargo reads a repository once to find the package's name, then
    // once more (as a source of packages) for what it offers.
    let reads = match (name, lookup.git.contains_key(&key)) {
        (_, true) => 0,
        (Some(_), false) => 1,
        (None, false) => 2,
    };
    for _ in 0..reads {
        let any = mycargo_core::VersionRequirement::parse("*")?;
        let dep = mycargo_core::Dependency::new(name.unwrap_or("*"), any, source.clone());
        let found = crate::ops::resolve::git::load(
            gctx,
            vec![(None, dep)],
            None,
            &crate::ops::resolve::git::Refresh::default(),
        )?;
        let packages: Vec<Manifest> = found.all().cloned().collect();
        // Several packages and no name: cargo stops after the first read.
        let ambiguous = name.is_none() && packages.len() > 1;
        lookup.git.insert(key.clone(), packages);
        if ambiguous {
            break;
        }
    }
    let all: Vec<&Manifest> = lookup.git.get(&key).into_iter().flatten().collect();
    let m = match name {
        Some(n) => match all.iter().find(|m| m.name() == n) {
            Some(m) => *m,
            None => bail!("the crate `{n}@{url}` could not be found at `{url}`"),
        },
        None => match all.as_slice() {
            [one] => *one,
            [] => bail!("could not find `Cargo.toml` in `{url}`"),
            many => {
                let mut names: Vec<&str> = many.iter().map(|m| m.name()).collect();
                names.sort_unstable();
                let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
                bail!(
                    "multiple packages found at `{url}`:\n    {}\nTo disambiguate, run `cargo add --git {url} <package>`",
                    super::wrap(&names)
                );
            }
        },
    };
    let version = without_build(m.version());
    Ok((
        m.clone(),
        DepSource::Git {
            git: url.clone(),
            branch: op.branch.clone(),
            tag: op.tag.clone(),
            rev: op.rev.clone(),
            version: Some(version),
        },
    ))
}

/// A version as a requirement is written: without `+build` metadata.
fn without_build(v: &Version) -> String {
    let mut v = v.clone();
    v.build = semver::BuildMetadata::EMPTY;
    v.to_string()
}

/// The entry of `[workspace.dependencies]` named `key`, if any.
fn workspace_dep(
    ws: &Workspace,
    key: &str,
    bases: &std::collections::BTreeMap<String, std::path::PathBuf>,
) -> Option<EditDep> {
    let editor = ManifestEditor::read(ws.root_manifest()).ok()?;
    let item = editor.doc.get("workspace")?.get("dependencies")?.get(key)?;
    EditDep::from_toml(&ws.root(), key, item, bases)
}

/// The existing entry for `key`: in the table being edited, else (with
/// only its source kept) in another one.
fn existing(editor: &ManifestEditor, key: &str, table: &DepTable) -> Option<EditDep> {
    let rank = |t: &DepTable| -> u8 {
        if t == table {
            4
        } else {
            match t.kind {
                DepKind::Normal => 3,
                DepKind::Build => 2,
                DepKind::Development => 1,
            }
        }
    };
    let (t, _, dep) = editor
        .dependencies()
        .into_iter()
        .filter(|(_, k, _)| k == key)
        .max_by_key(|(t, _, _)| rank(t))?;
    let dep = dep?;
    if t == *table {
        return Some(dep);
    }
    let mut fresh = EditDep::new(&dep.name);
    fresh.source = dep.source.clone();
    fresh.registry = dep.registry.clone();
    let is_registry = matches!(fresh.source, Some(DepSource::Registry { .. }));
    if !is_registry && table.kind == DepKind::Development {
        fresh.clear_version();
    }
    Some(fresh)
}

/// Look `dep` up under its key and the other spelling of it (`-`/`_`):
/// an entry under another spelling counts only for a registry entry.
fn fuzzy(
    gctx: &mut GlobalContext,
    dep: &mut EditDep,
    lookup: impl Fn(&str) -> Option<EditDep>,
) -> anyhow::Result<Option<EditDep>> {
    if let Some(r) = dep.rename.clone() {
        return Ok(lookup(&r));
    }
    for spelling in [
        dep.name.clone(),
        dep.name.replace('-', "_"),
        dep.name.replace('_', "-"),
    ] {
        let Some(found) = lookup(&spelling) else {
            continue;
        };
        if dep.name != spelling {
            if !matches!(found.source, Some(DepSource::Registry { .. })) {
                continue;
            }
            gctx.shell
                .warn(format!("translating `{}` to `{spelling}`", dep.name))?;
            dep.name = spelling;
        }
        return Ok(Some(found));
    }
    Ok(None)
}

/// cargo refuses to edit an entry written with `default_features`.
fn deprecated_keys(editor: &ManifestEditor, table: &DepTable, dep: &EditDep) -> anyhow::Result<()> {
    let key = dep.toml_key();
    let found = editor
        .sections()
        .into_iter()
        .find(|(t, _)| t == table)
        .and_then(|(_, item)| item.get(key).cloned());
    if found.is_some_and(|i| i.get("default_features").is_some()) {
        bail!(
            "Use of `default_features` in `{key}` is unsupported, please switch to `default-features`"
        );
    }
    Ok(())
}

/// What the member asks of rust-version: its own, else the toolchain's.
pub struct RustVersionRule {
    pub version: PartialVersion,
    /// From the package (`rust-version`), not the toolchain.
    pub is_msrv: bool,
    pub package: String,
}

#[allow(clippy::too_many_arguments)]
pub fn resolve_dependency(
    gctx: &mut GlobalContext,
    lookup: &mut Lookup,
    ws: &Workspace,
    editor: &ManifestEditor,
    table: &DepTable,
    op: &DepOp,
    rust: Option<&RustVersionRule>,
) -> anyhow::Result<DepUi> {
    let spec = op.crate_spec.as_deref().map(crate_spec).transpose()?;
    let mut path_features = None;
    let mut selected = if op.git.is_some() || op.path.is_some() {
        if let Some((_, Some(v))) = &spec {
            match (&op.git, &op.path) {
                (Some(url), _) => {
                    bail!("cannot specify a git URL (`{url}`) with a version (`{v}`).")
                }
                (_, Some(p)) => bail!(
                    "cannot specify a path (`{}`) with a version (`{v}`).",
                    p.display()
                ),
                _ => {}
            }
        }
        let name = spec.as_ref().map(|(n, _)| n.as_str());
        let base = match &op.base {
            Some(b) => Some((b.clone(), path_base_dir(gctx, ws, editor, b)?)),
            None => None,
        };
        let (m, source) = package_at(gctx, lookup, op, name, base)?;
        if let Some(n) = name
            && n != m.name()
        {
            gctx.shell
                .warn(format!("translating `{n}` to `{}`", m.name()))?;
        }
        path_features = Some((manifest_features(&m), m.version().clone()));
        let mut dep = EditDep::new(m.name());
        dep.source = Some(source);
        dep
    } else if let Some((name, version)) = &spec {
        let mut dep = EditDep::new(name);
        dep.source = version.as_deref().map(DepSource::registry);
        dep
    } else {
        bail!("dependency name is required");
    };
    selected = populate(selected, op);
    deprecated_keys(editor, table, &selected)?;

    let old = fuzzy(gctx, &mut selected, |k| existing(editor, k, table))?;
    let mut dep = match old.clone() {
        Some(old) if old.name != selected.name => {
            if selected.optional.is_none() {
                selected.optional = old.optional;
            }
            selected
        }
        Some(mut old) => {
            if selected.source.is_some() {
                old.source = selected.source;
            }
            populate(old, op)
        }
        None => selected,
    };

    let mut features_line = None;
    if dep.source.is_none() {
        if let Some(ws_dep) = fuzzy(gctx, &mut dep, |k| workspace_dep(ws, k, &editor.path_bases))? {
            if matches!(ws_dep.source, None | Some(DepSource::Workspace)) {
                bail!(
                    "dependency ({}) specified without providing a local path, Git repository, or version",
                    dep.toml_key()
                );
            }
            dep.source = Some(DepSource::Workspace);
        } else if let Some(m) = ws.members().find(|m| m.name() == dep.name) {
            let version = (table.kind != DepKind::Development).then(|| m.version().to_string());
            path_features = Some((manifest_features(m), m.version().clone()));
            dep.source = Some(DepSource::Path {
                path: m.root().to_path_buf(),
                base: None,
                version,
            });
        } else {
            let (found, lines) = lookup.lines(gctx, dep.registry.as_deref(), &dep.name)?;
            let latest = latest(gctx, &dep.name, &lines, rust)?;
            if found != dep.name {
                gctx.shell
                    .warn(format!("translating `{}` to `{found}`", dep.name))?;
                dep.name = found;
            }
            dep.source = Some(DepSource::registry(&latest.version.to_string()));
            features_line = Some(lowest_matching(&lines, &latest.version.to_string()));
        }
    }
    if dep.source == Some(DepSource::Workspace) {
        check_workspace_keys(dep.toml_key(), op)?;
    }
    let is_registry = matches!(dep.source, Some(DepSource::Registry { .. }));
    let keeps_version = old.as_ref().is_some_and(|d| d.version().is_some());
    if !is_registry && !keeps_version && table.kind == DepKind::Development {
        dep.clear_version();
    }

    // What the package offers.
    let mut ui = DepUi {
        dep,
        available_version: None,
        available_features: BTreeMap::new(),
    };
    match &ui.dep.source {
        Some(DepSource::Workspace) => {
            let Some(ws_dep) = workspace_dep(ws, ui.dep.toml_key(), &editor.path_bases) else {
                bail!(
                    "dependency ({}) specified without providing a local path, Git repository, or version",
                    ui.dep.toml_key()
                );
            };
            ui.dep.inherited_features = ws_dep.features.clone();
            offer(gctx, lookup, &mut ui, &ws_dep, path_features)?;
        }
        _ => {
            let dep = ui.dep.clone();
            match features_line {
                Some(Some((features, version))) => {
                    ui.available_features = features;
                    ui.available_version = Some(version);
                }
                _ => offer(gctx, lookup, &mut ui, &dep, path_features)?,
            }
        }
    }
    Ok(ui)
}

type Offered = Option<(BTreeMap<String, Vec<String>>, Version)>;

/// Fill in what `source_of` (the entry or the workspace's) offers.
fn offer(
    gctx: &mut GlobalContext,
    lookup: &mut Lookup,
    ui: &mut DepUi,
    source_of: &EditDep,
    path_features: Offered,
) -> anyhow::Result<()> {
    match &source_of.source {
        Some(DepSource::Registry { version }) => {
            let (_, lines) = lookup.lines(gctx, source_of.registry.as_deref(), &source_of.name)?;
            match lowest_matching(&lines, version) {
                Some((features, v)) => {
                    ui.available_features = features;
                    ui.available_version = Some(v);
                }
                None => bail!(
                    "the crate `{}@{version}` could not be found in registry index.",
                    source_of.name
                ),
            }
        }
        Some(DepSource::Path { path, .. }) => {
            let (features, v) = match path_features {
                Some(found) => found,
                None => {
                    let opts = crate::ops::workspace::read_options(gctx);
                    let parsed =
                        mycargo_manifest::read_manifest_file(&path.join("Cargo.toml"), &opts)?;
                    match parsed.kind {
                        ManifestKind::Package(m) => (manifest_features(&m), m.version().clone()),
                        _ => (BTreeMap::new(), Version::new(0, 0, 0)),
                    }
                }
            };
            ui.available_features = features;
            ui.available_version = Some(v);
        }
        Some(DepSource::Git { .. }) => {
            if let Some((features, v)) = path_features {
                ui.available_features = features;
                ui.available_version = Some(v);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The release whose features cargo lists: the lowest (stable first)
/// matching the requirement.
fn lowest_matching(
    lines: &[mycargo_sources::index::summary::IndexSummary],
    req: &str,
) -> Option<(BTreeMap<String, Vec<String>>, Version)> {
    let req = VersionReq::parse(req).ok()?;
    lines
        .iter()
        .filter(|l| req.matches(&l.version))
        .min_by_key(|l| (!l.version.pre.is_empty(), l.version.clone()))
        .map(|l| (line_features(l), l.version.clone()))
}

/// The newest release (stable preferred), or the newest whose
/// `rust-version` fits, with cargo's warning when that is older.
fn latest<'a>(
    gctx: &mut GlobalContext,
    name: &str,
    lines: &'a [mycargo_sources::index::summary::IndexSummary],
    rust: Option<&RustVersionRule>,
) -> anyhow::Result<&'a mycargo_sources::index::summary::IndexSummary> {
    let mut sorted: Vec<&mycargo_sources::index::summary::IndexSummary> = lines.iter().collect();
    sorted.sort_by_key(|l| (l.version.pre.is_empty(), l.version.clone()));
    let Some(newest) = sorted.last().copied() else {
        bail!("the crate `{name}` could not be found in registry index.");
    };
    let Some(rule) = rust else {
        return Ok(newest);
    };
    let fits = |l: &&mycargo_sources::index::summary::IndexSummary| {
        l.rust_version
            .as_deref()
            .and_then(|r| r.parse::<PartialVersion>().ok())
            .is_none_or(|r| rule_fits(&r, &rule.version))
    };
    let (pkg, req) = (&rule.package, &rule.version);
    let Some(best) = sorted.iter().copied().rfind(fits) else {
        let latest_rv = newest.rust_version.clone().unwrap_or_default();
        let v = &newest.version;
        if rule.is_msrv {
            bail!(
                "no version of crate `{name}` can maintain {pkg}'s rust-version of {req}\n\
                 help: pass `--ignore-rust-version` to select {name}@{v} which requires rustc {latest_rv}"
            );
        }
        bail!(
            "no version of crate `{name}` is compatible with rustc {req}\n\
             help: pass `--ignore-rust-version` to select {name}@{v} which requires rustc {latest_rv}"
        );
    };
    if best.version < newest.version {
        let v = &newest.version;
        let rv = newest.rust_version.clone().unwrap_or_default();
        if rule.is_msrv {
            gctx.shell.warn(format!(
                "ignoring {name}@{v} (which requires rustc {rv}) to maintain {pkg}'s rust-version of {req}"
            ))?;
        } else {
            gctx.shell.warn(format!(
                "ignoring {name}@{v} (which requires rustc {rv}) as it is incompatible with rustc {req}"
            ))?;
        }
    }
    Ok(best)
}

/// Whether a package needing `needed` works with `have` (cargo's
/// `is_compatible_with` of partial versions).
fn rule_fits(needed: &PartialVersion, have: &PartialVersion) -> bool {
    match have.to_version() {
        Some(v) => needed.is_compatible_with(&v),
        None => {
            let v = Version::new(have.major, have.minor.unwrap_or(0), have.patch.unwrap_or(0));
            needed.is_compatible_with(&v)
        }
    }
}

/// cargo's refusal of flags a workspace dependency cannot take.
fn check_workspace_keys(key: &str, op: &DepOp) -> anyhow::Result<()> {
    let err = |flag: &str, field: &str| {
        anyhow::anyhow!(
            "cannot override workspace dependency with `{flag}`, either change `workspace.dependencies.{key}.{field}` or define the dependency exclusively in the package's manifest"
        )
    };
    if op.default_features.is_some() {
        return Err(err("--default-features", "default-features"));
    }
    if op.registry.is_some() {
        return Err(err("--registry", "registry"));
    }
    if op.rename.is_some() {
        return Err(err("--rename", "package"));
    }
    Ok(())
}

/// A path dependency pointing at the manifest's own package.
pub fn is_self(dep: &EditDep, manifest_dir: &Path) -> bool {
    matches!(&dep.source, Some(DepSource::Path { path, .. }) if path == manifest_dir)
}
