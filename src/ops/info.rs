//! `mycargo info SPEC`: what a package offers, as cargo prints it — the
//! version a workspace uses (its lock file) or the newest one whose
//! `rust-version` fits, its metadata, features (with what `default`
//! enables) and, with `-v`, dependencies.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::bail;
use mycargo_core::{DepKind, PackageId, PackageIdSpec, PartialVersion, SourceId};
use mycargo_manifest::{Manifest, ManifestKind, Workspace};
use mycargo_sources::source_map::SourceMap;
use mycargo_util::{CliResult, Verbosity};

use super::lockfile::Mode;
use super::resolve::remote::Remotes;
use super::resolve::{How, resolve_workspace};
use crate::cli::info::Args;
use crate::context::GlobalContext;

pub fn info(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(run(gctx, args)?)
}

/// The workspace around the working directory, and the member whose
/// manifest is nearest, when there is one.
fn nearby_workspace(gctx: &GlobalContext) -> Option<(Workspace, Option<Manifest>)> {
    let manifest = super::workspace::root_manifest(gctx, None).ok()?;
    let ws = super::workspace::load(gctx, &manifest).ok()?;
    let nearest = ws.members().find(|m| m.manifest_path == manifest).cloned();
    Some((ws, nearest))
}

fn run(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    let spec = PackageIdSpec::parse(&args.package, None).map_err(|e| {
        anyhow::Error::new(e).context(format!(
            "invalid package ID specification: `{}`",
            args.package
        ))
    })?;
    let ws = nearby_workspace(gctx);
    if ws.is_none() && (gctx.args.locked || gctx.args.frozen) {
        let flag = if gctx.args.frozen {
            "--frozen"
        } else {
            "--locked"
        };
        bail!("the option `{flag}` can only be used within a workspace");
    }
    let explicit = args.registry.is_some() || args.index.is_some();
    let (mut from_ws, is_member) = match &ws {
        Some((ws, nearest)) => find_in_workspace(gctx, ws, nearest.as_ref(), &spec)?,
        None => (None, false),
    };
    let map = SourceMap::load(&gctx.config)?;
    let asked = asked_registry(gctx, args, &map)?;
    // A registry named on the command line wins unless it is the one the
    // workspace's package comes from.
    if let (Some(id), true) = (&from_ws, explicit)
        && id.source_id() != &asked
        && map.replacement(id.source_id()).ok().as_ref() != Some(&asked)
        && !(asked.is_crates_io() && id.source_id().is_crates_io())
    {
        from_ws = None;
    }
    let rust_version = rust_version(gctx, ws.as_ref())?;
    let suggest_tree = from_ws.is_some() && !is_member;

    // A member (or a path package) is shown from disk.
    if let Some(id) = &from_ws
        && !id.source_id().is_registry()
    {
        let m = local_manifest(gctx, ws.as_ref(), id)?;
        print_view(gctx, &m, &[], suggest_tree)?;
        return Ok(());
    }
    let source = match &from_ws {
        Some(id) => id.source_id().clone(),
        None => asked,
    };
    let real = map.replacement(&source)?;
    // A version the lock file pins is looked up in the index cache first
    // (as cargo: no index update for it).
    let cached = match &from_ws {
        Some(id) => {
            let mut cache = Remotes::new(gctx, true)?;
            match super::registry_lookup::lines(gctx, &mut cache, &real, spec.name(), false) {
                Ok((n, lines)) if lines.iter().any(|l| l.version == *id.version()) => {
                    cache.allow_network();
                    Some((cache, n, lines))
                }
                _ => None,
            }
        }
        None => None,
    };
    let (mut remotes, name, lines) = match cached {
        Some(found) => found,
        None => {
            let mut remotes = Remotes::new(gctx, false)?;
            let (name, lines) =
                super::registry_lookup::lines(gctx, &mut remotes, &real, spec.name(), false)?;
            (remotes, name, lines)
        }
    };
    let chosen = match &from_ws {
        Some(id) => lines.iter().find(|l| l.version == *id.version()),
        None => lines
            .iter()
            .filter(|l| spec_matches(&spec, &source, &l.version))
            .max_by(|a, b| {
                let fits = |l: &&mycargo_sources::index::summary::IndexSummary| {
                    l.rust_version
                        .as_deref()
                        .and_then(|r| r.parse::<PartialVersion>().ok())
                        .is_some_and(|r| fits_rust(&r, &rust_version))
                };
                (fits(a), &a.version).cmp(&(fits(b), &b.version))
            }),
    };
    let Some(chosen) = chosen else {
        bail!(
            "could not find `{spec}` in registry `{}`",
            source.url().as_str().trim_start_matches("sparse+")
        );
    };
    if name != spec.name() {
        gctx.shell
            .warn(format!("translating `{}` to `{name}`", spec.name()))?;
    }
    let dir = super::registry_lookup::download_one(gctx, &mut remotes, &real, chosen)?;
    let opts = super::workspace::read_options(gctx);
    let parsed = mycargo_manifest::read_manifest_file(&dir.join("Cargo.toml"), &opts)?;
    let ManifestKind::Package(mut m) = parsed.kind else {
        bail!("`{name}` has no package manifest");
    };
    m.package_id = m.package_id.with_source_id(source.clone());
    let versions: Vec<semver::Version> = lines.iter().map(|l| l.version.clone()).collect();
    print_view(gctx, &m, &versions, suggest_tree)?;
    Ok(())
}

/// `--registry`, `--index`, `registry.default`, else crates.io.
fn asked_registry(gctx: &GlobalContext, args: &Args, map: &SourceMap) -> anyhow::Result<SourceId> {
    if let Some(index) = &args.index {
        return Ok(SourceId::for_registry(&mycargo_core::source_id::parse_url(
            index,
        )?));
    }
    let name = match &args.registry {
        Some(r) => Some(r.clone()),
        None => gctx.config.get_string("registry.default")?.map(|v| v.val),
    };
    match name.as_deref() {
        None | Some(mycargo_core::source_id::CRATES_IO_REGISTRY) => Ok(SourceId::crates_io()),
        Some(n) => Ok(map.registry(n)?),
    }
}

/// Whether a release of `source` is one `spec` names (its version, and
/// its URL when the spec gives one).
fn spec_matches(spec: &PackageIdSpec, source: &SourceId, version: &semver::Version) -> bool {
    spec.partial_version().is_none_or(|v| v.matches(version))
        && spec.url().is_none_or(|u| u == source.url())
}

/// `needed` (a package's `rust-version`) works with `have`.
fn fits_rust(needed: &PartialVersion, have: &PartialVersion) -> bool {
    let v = semver::Version::new(have.major, have.minor.unwrap_or(0), have.patch.unwrap_or(0));
    needed.is_compatible_with(&v)
}

/// The nearest member's `rust-version`, else the workspace's lowest,
/// else the toolchain's.
fn rust_version(
    gctx: &GlobalContext,
    ws: Option<&(Workspace, Option<Manifest>)>,
) -> anyhow::Result<PartialVersion> {
    if let Some((ws, nearest)) = ws {
        if let Some(rv) = nearest.as_ref().and_then(|m| m.rust_version.as_ref()) {
            return Ok(rv.0.clone());
        }
        let lowest = ws
            .members()
            .filter_map(|m| m.rust_version.as_ref().map(|r| r.0.clone()))
            .min_by_key(|v| (v.major, v.minor, v.patch));
        if let Some(v) = lowest {
            return Ok(v);
        }
    }
    let version = match ws {
        Some((ws, _)) => {
            super::lockfile::load_rustc(gctx, &ws.default_target_dir())?
                .info
                .version
        }
        None => super::install::plan_rustc(gctx)?.version,
    };
    Ok(PartialVersion::from(semver::Version::new(
        version.major,
        version.minor,
        version.patch,
    )))
}

/// The package `spec` names in the workspace: a member, else a package
/// of the resolve (the nearest member's dependencies first, then the
/// members', then any). Whether it is a member.
fn find_in_workspace(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    nearest: Option<&Manifest>,
    spec: &PackageIdSpec,
) -> anyhow::Result<(Option<PackageId>, bool)> {
    if let Some(m) = ws.members().find(|m| spec.matches(&m.package_id)) {
        return Ok((Some(m.package_id.clone()), true));
    }
    let opts = super::workspace::read_options(gctx);
    let how = How {
        mode: Mode::Sync,
        ignore_rust_version: false,
        download: false,
        install: None,
    };
    if resolve_workspace(gctx, ws, &opts, &how, None).is_err() {
        return Ok((None, false));
    }
    let Some(text) = mycargo_lockfile::read(&ws.lock_path())? else {
        return Ok((None, false));
    };
    let paths: mycargo_lockfile::PathSources = ws.members().map(|m| &m.package_id).collect();
    let Ok(lock) = super::lockfile::parse_lock(&gctx.env, &text, &paths) else {
        return Ok((None, false));
    };
    let deps_of = |id: &PackageId| -> Vec<PackageId> {
        lock.packages
            .get(id)
            .map(|p| p.dependencies.iter().cloned().collect())
            .unwrap_or_default()
    };
    let best = |ids: Vec<PackageId>| {
        ids.into_iter()
            .filter(|id| spec.matches(id))
            .max_by(|a, b| a.version().cmp(b.version()))
    };
    if let Some(n) = nearest
        && let Some(id) = best(deps_of(&n.package_id))
    {
        return Ok((Some(id), false));
    }
    let of_members: Vec<PackageId> = ws.members().flat_map(|m| deps_of(&m.package_id)).collect();
    if let Some(id) = best(of_members) {
        return Ok((Some(id), false));
    }
    Ok((best(lock.packages.keys().cloned().collect()), false))
}

/// The manifest of a path or git package of the workspace.
fn local_manifest(
    gctx: &GlobalContext,
    ws: Option<&(Workspace, Option<Manifest>)>,
    id: &PackageId,
) -> anyhow::Result<Manifest> {
    if let Some((ws, _)) = ws
        && let Some(m) = ws.members().find(|m| m.package_id == *id)
    {
        return Ok(m.clone());
    }
    let Some(dir) = id.source_id().local_path() else {
        bail!("`{id}` is not on disk");
    };
    let opts = super::workspace::read_options(gctx);
    match mycargo_manifest::read_manifest_file(&dir.join("Cargo.toml"), &opts)?.kind {
        ManifestKind::Package(m) => Ok(*m),
        _ => bail!("`{id}` has no package manifest"),
    }
}

/// The styles of cargo's view (or nothing without colour).
struct Styles {
    header: &'static str,
    context: &'static str,
    warn: &'static str,
    error: &'static str,
    dimmed: &'static str,
    italic: &'static str,
    reset: &'static str,
}

impl Styles {
    fn new(color: bool) -> Styles {
        match color {
            true => Styles {
                header: "\x1b[1m\x1b[92m",
                context: "\x1b[1m\x1b[94m",
                warn: "\x1b[1m\x1b[33m",
                error: "\x1b[1m\x1b[91m",
                dimmed: "\x1b[2m",
                italic: "\x1b[3m",
                reset: "\x1b[0m",
            },
            false => Styles {
                header: "",
                context: "",
                warn: "",
                error: "",
                dimmed: "",
                italic: "",
                reset: "",
            },
        }
    }

    /// `text` in `style` (nothing added for the empty style).
    fn paint(&self, style: &str, text: &str) -> String {
        if style.is_empty() {
            text.to_string()
        } else {
            format!("{style}{text}{}", self.reset)
        }
    }
}

fn stdout_color(gctx: &GlobalContext) -> bool {
    match gctx.shell.color_choice() {
        mycargo_util::ColorChoice::Always => true,
        mycargo_util::ColorChoice::Never => false,
        mycargo_util::ColorChoice::Auto => std::io::stdout().is_terminal(),
    }
}

/// Where a package comes from, as the view names it (`./dir` for a
/// local one).
fn pretty_source(gctx: &GlobalContext, source: &SourceId) -> String {
    match source
        .local_path()
        .and_then(|p| mycargo_util::fs::diff_paths(&p, gctx.cwd()))
    {
        Some(rel) => Path::new(".").join(rel).display().to_string(),
        None => source.to_string(),
    }
}

/// Feature states, as cargo orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    ByUser,
    Enabled,
    Disabled,
}

/// The features with their values as written, implicit features of
/// optional dependencies included.
fn feature_map(m: &Manifest) -> BTreeMap<String, Vec<String>> {
    let mut out = m.features.clone();
    let explicit: BTreeSet<String> = m
        .features
        .values()
        .flatten()
        .filter_map(|v| v.strip_prefix("dep:").map(str::to_string))
        .collect();
    for d in m.dependencies.iter().filter(|d| d.is_optional()) {
        let name = d.name_in_toml().to_string();
        if !explicit.contains(&name) && !out.contains_key(&name) {
            out.insert(name.clone(), vec![format!("dep:{name}")]);
        }
    }
    out
}

/// `default` asked for, and what it turns on.
fn resolve_features(map: &BTreeMap<String, Vec<String>>) -> Vec<(String, Status)> {
    let mut status: BTreeMap<&str, Status> = map
        .keys()
        .map(|k| {
            let s = if k == "default" {
                Status::ByUser
            } else {
                Status::Disabled
            };
            (k.as_str(), s)
        })
        .collect();
    let mut queue = vec!["default"];
    while let Some(current) = queue.pop() {
        for v in map.get(current).into_iter().flatten().rev() {
            if v.starts_with("dep:") || v.contains('/') {
                continue;
            }
            if let Some(s) = status.get_mut(v.as_str())
                && *s == Status::Disabled
            {
                *s = Status::Enabled;
                queue.push(v.as_str());
            }
        }
    }
    let mut out: Vec<(String, Status)> = status
        .into_iter()
        .map(|(k, s)| (k.to_string(), s))
        .collect();
    out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    out
}

fn print_view(
    gctx: &mut GlobalContext,
    m: &Manifest,
    versions: &[semver::Version],
    suggest_tree: bool,
) -> anyhow::Result<()> {
    let st = Styles::new(stdout_color(gctx));
    let id = &m.package_id;
    let crates_io = id.source_id().is_crates_io();
    let meta = &m.metadata;
    let mut out = st.paint(st.header, id.name());
    if !meta.keywords.is_empty() {
        let words = format!("#{}", meta.keywords.join(" #"));
        out.push_str(&format!(" {}", st.paint(st.context, &words)));
    }
    out.push('\n');
    if let Some(d) = &meta.description {
        out.push_str(&format!("{}\n", d.trim_end()));
    }
    out.push_str(&format!(
        "{} {}",
        st.paint(st.header, "version:"),
        id.version()
    ));
    let latest = versions.iter().max();
    let source = pretty_source(gctx, id.source_id());
    match (latest, crates_io) {
        (Some(l), false) if l != id.version() => out.push_str(&format!(
            " {}{}{}",
            st.paint(st.warn, &format!("(latest {l} ")),
            st.paint(st.context, &format!("from {source}")),
            st.paint(st.warn, ")")
        )),
        (Some(l), true) if l != id.version() => {
            out.push_str(&format!(" {}", st.paint(st.warn, &format!("(latest {l})"))))
        }
        (_, false) => out.push_str(&format!(
            " {}",
            st.paint(st.context, &format!("(from {source})"))
        )),
        (_, true) => {}
    }
    out.push('\n');
    let license = match &meta.license {
        Some(l) => l.clone(),
        None => st.paint(st.error, "unknown"),
    };
    out.push_str(&format!("{} {license}\n", st.paint(st.header, "license:")));
    let rv = match &m.rust_version {
        Some(r) => r.0.to_string(),
        None => st.paint(st.warn, "unknown"),
    };
    out.push_str(&format!("{} {rv}\n", st.paint(st.header, "rust-version:")));
    let docs = meta
        .documentation
        .clone()
        .or_else(|| crates_io.then(|| format!("https://docs.rs/{}/{}", id.name(), id.version())));
    for (label, value) in [
        ("documentation:", docs),
        ("homepage:", meta.homepage.clone()),
        ("repository:", meta.repository.clone()),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{} {v}\n", st.paint(st.header, label)));
        }
    }
    if crates_io {
        out.push_str(&format!(
            "{} https://crates.io/crates/{}/{}\n",
            st.paint(st.header, "crates.io:"),
            id.name(),
            id.version()
        ));
    }
    let features = feature_map(m);
    let resolved = resolve_features(&features);
    let verbose = gctx.shell.verbosity() == Verbosity::Verbose;
    out.push_str(&features_text(&st, &features, &resolved, verbose));
    if verbose {
        out.push_str(&deps_text(gctx, &st, m, &features, &resolved));
    }
    gctx.shell.out().write_all(out.as_bytes())?;
    if suggest_tree {
        let command = format!("cargo tree --invert {}@{}", id.name(), id.version());
        let command = match gctx.shell.err_supports_color() {
            true => format!("\x1b[1m\x1b[96m{command}\x1b[0m"),
            false => command,
        };
        gctx.shell.note(format!(
            "to see how you depend on {name}, run `{command}`",
            name = id.name()
        ))?;
    }
    Ok(())
}

fn features_text(
    st: &Styles,
    features: &BTreeMap<String, Vec<String>>,
    resolved: &[(String, Status)],
    verbose: bool,
) -> String {
    let margin = features.keys().map(String::len).max().unwrap_or_default();
    if margin == 0 {
        return String::new();
    }
    const MAX: usize = 30;
    let mut out = format!("{}\n", st.paint(st.header, "features:"));
    let on = resolved
        .iter()
        .filter(|(_, s)| *s != Status::Disabled)
        .count();
    let off = resolved.len() - on;
    let show_on = on <= MAX || verbose;
    let show_off = on + off <= MAX || verbose;
    for (name, status) in resolved {
        let disabled = *status == Status::Disabled;
        if (disabled && !show_off) || (!disabled && !show_on) {
            continue;
        }
        match status {
            Status::ByUser => out.push_str(&format!(" {}", st.paint(st.header, "+"))),
            _ => out.push_str("  "),
        }
        let style = if disabled { st.dimmed } else { "" };
        let values: Vec<String> = features
            .get(name)
            .into_iter()
            .flatten()
            .map(|v| st.paint(style, v))
            .collect();
        out.push_str(&format!(
            "{} = [{}]\n",
            st.paint(style, &format!("{name: <margin$}")),
            values.join(", ")
        ));
    }
    if !show_on {
        out.push_str(&format!(
            "  {}\n",
            st.paint(st.italic, &format!("{on} activated features"))
        ));
    }
    if !show_off {
        out.push_str(&format!(
            "  {}\n",
            st.paint(st.italic, &format!("{off} deactivated features"))
        ));
    }
    out
}

fn deps_text(
    gctx: &GlobalContext,
    st: &Styles,
    m: &Manifest,
    features: &BTreeMap<String, Vec<String>>,
    resolved: &[(String, Status)],
) -> String {
    let enabled_deps: BTreeSet<String> = resolved
        .iter()
        .filter(|(_, s)| *s != Status::Disabled)
        .filter_map(|(n, _)| features.get(n))
        .flatten()
        .filter_map(|v| {
            v.strip_prefix("dep:")
                .map(str::to_string)
                .or_else(|| v.split_once("?/").map(|(d, _)| d.to_string()))
        })
        .collect();
    let mut out = String::new();
    for (kind, title) in [
        (DepKind::Normal, "dependencies:"),
        (DepKind::Build, "build-dependencies:"),
    ] {
        let mut deps: Vec<(Status, &mycargo_core::Dependency)> = m
            .dependencies
            .iter()
            .filter(|d| d.kind() == kind)
            .map(|d| {
                let s = if !d.is_optional() {
                    Status::ByUser
                } else if enabled_deps.contains(d.name_in_toml()) {
                    Status::Enabled
                } else {
                    Status::Disabled
                };
                (s, d)
            })
            .collect();
        if deps.is_empty() {
            continue;
        }
        deps.sort_by(|a, b| (a.0, a.1.package_name()).cmp(&(b.0, b.1.package_name())));
        out.push_str(&format!("{}\n", st.paint(st.header, title)));
        for (status, d) in deps {
            let shown = if d.source_id().is_registry() {
                let req = d.version_req().to_string();
                let single = d.version_req().req.comparators.len() == 1;
                let req = match (single, req.strip_prefix('^')) {
                    (true, Some(r)) => r.to_string(),
                    _ => req,
                };
                format!("{}@{req}", d.package_name())
            } else {
                format!(
                    "{} ({})",
                    d.package_name(),
                    pretty_source(gctx, d.source_id())
                )
            };
            match status {
                Status::ByUser => out.push_str(&format!(" {}", st.paint(st.header, "+"))),
                _ => out.push_str("  "),
            }
            let style = if status == Status::Disabled {
                st.dimmed
            } else {
                ""
            };
            out.push_str(&format!("{}\n", st.paint(style, &shown)));
        }
    }
    out
}
