//! `update --breaking` (nightly, `-Z unstable-options`): move the members'
//! caret requirements on registry packages past their SemVer-compatible
//! range to the newest release, resolve with them, then write them into
//! the manifests, comments and spacing kept (not on `--dry-run`).
//!
//! cargo's rules: only direct dependencies of members that are not
//! renamed, come from a registry, and have one caret comparator (`1.0`,
//! `^1.2.3`); the newest release that is neither yanked nor a
//! pre-release; nothing when the requirement already admits it. A
//! `[workspace.dependencies]` entry moves with the members inheriting it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_core::{PackageIdSpec, VersionRequirement};
use mycargo_manifest::Workspace;
use mycargo_sources::source_map::SourceMap;
use semver::{Comparator, Op, Version, VersionReq};

use super::lockfile::Mode;
use super::resolve::registry::RemoteIndex as _;
use super::resolve::remote::Remotes;
use super::resolve::{How, resolve_workspace};
use crate::cli::update::Args;
use crate::context::GlobalContext;

/// The new version of each upgraded package, by name and the registry
/// the manifest names (`None` for crates.io).
type Upgrades = BTreeMap<(String, Option<String>), Version>;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--breaking", 12425)?;
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let mut ws = super::workspace::load_reporting(gctx, &manifest)?;
    let specs = args
        .to_update()
        .iter()
        .map(|s| {
            PackageIdSpec::parse(s, None)
                .with_context(|| format!("invalid package ID specification: `{s}`"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let upgrades = upgrade_members(gctx, &mut ws, &specs)?;
    let opts = super::workspace::read_options(gctx);
    let how = How {
        mode: if args.dry_run {
            Mode::Preview
        } else {
            Mode::Sync
        },
        ignore_rust_version: args.ignore_rust_version,
        download: false,
        install: None,
    };
    resolve_workspace(gctx, &ws, &opts, &how, None)?;
    write_upgrades(gctx, &ws, &upgrades, args.dry_run)?;
    if args.dry_run {
        gctx.shell.warn("aborting update due to dry run")?;
    }
    Ok(())
}

/// Raise the members' requirements in memory (printing cargo's
/// `Upgrading` lines) and say what moved.
fn upgrade_members(
    gctx: &mut GlobalContext,
    ws: &mut Workspace,
    specs: &[PackageIdSpec],
) -> anyhow::Result<Upgrades> {
    let map = SourceMap::load(&gctx.config)?;
    let mut remotes = Remotes::new(gctx, false)?;
    let mut upgrades = Upgrades::new();
    let mut said = HashSet::new();
    let mut remaining: Vec<&PackageIdSpec> = specs.iter().collect();
    let mut members: Vec<_> = ws.members_mut().collect();
    members.sort_by(|a, b| a.name().cmp(b.name()));
    for m in members {
        for dep in &mut m.dependencies {
            let name = dep.package_name().to_string();
            let source = dep.source_id().clone();
            if dep.name_in_toml() != name || !source.is_registry() {
                continue;
            }
            let selected = |s: &&PackageIdSpec| {
                s.name() == name
                    && s.url().is_none_or(|u| u == source.url())
                    && s.partial_version()
                        .and_then(|v| v.to_version())
                        .is_none_or(|v| dep.version_req().matches(&v))
            };
            if !specs.is_empty() && !specs.iter().any(|s| selected(&s)) {
                continue;
            }
            let req = dep.version_req();
            if req.original.is_none() {
                continue;
            }
            let [c] = &req.req.comparators[..] else {
                continue;
            };
            if c.op != Op::Caret {
                continue;
            }
            let real = map.replacement(&source)?;
            remotes.load(&real, &BTreeSet::from([name.clone()]))?;
            for s in remotes.take_status() {
                gctx.shell.status("Updating", s)?;
            }
            let lines = remotes.versions(&real, &name);
            let latest = lines
                .iter()
                .filter(|l| l.is_available() && !l.yanked && l.version.pre.is_empty())
                .map(|l| l.version.clone())
                .max();
            let Some(latest) = latest else { continue };
            if req.req.matches(&latest) {
                continue;
            }
            let current = req.req.to_string();
            let Some((new, _)) = upgrade_requirement(&current, &latest) else {
                continue;
            };
            let message = format!("{name} {current} -> {new}");
            if said.insert(message.clone()) {
                gctx.shell.status("Upgrading", message)?;
            }
            upgrades.insert(
                (name.clone(), dep.registry().map(str::to_string)),
                latest.clone(),
            );
            remaining.retain(|s| s.name() != name);
            let raised = VersionRequirement::parse(&latest.to_string())
                .context("an upgraded requirement must parse")?;
            dep.set_version_req(raised);
        }
    }
    if !remaining.is_empty() {
        bail!(missing_specs(ws, &remaining));
    }
    Ok(upgrades)
}

/// cargo's error for specs that named nothing upgradable, with a note for
/// those the lock file has as transitive dependencies.
fn missing_specs(ws: &Workspace, remaining: &[&PackageIdSpec]) -> String {
    let s = if remaining.len() == 1 { "" } else { "s" };
    let mut msg = format!(
        "package ID specification{s} did not match any direct dependencies that could be upgraded"
    );
    for spec in remaining {
        msg.push_str(&format!("\n  {spec}"));
    }
    let locked: BTreeSet<String> = mycargo_lockfile::read(&ws.lock_path())
        .ok()
        .flatten()
        .map(|text| {
            text.lines()
                .filter_map(|l| l.strip_prefix("name = \""))
                .filter_map(|l| l.strip_suffix('"'))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    for spec in remaining {
        let direct = ws.members().any(|m| {
            m.dependencies
                .iter()
                .any(|d| d.package_name() == spec.name() && d.source_id().is_registry())
        });
        if locked.contains(spec.name()) && !direct {
            msg.push_str(&format!(
                "\nnote: `{spec}` exists as a transitive dependency but those are not available for upgrading through `--breaking`"
            ));
        }
    }
    msg
}

/// cargo's `upgrade_requirement`: `req` moved to admit `version`, keeping
/// its operators and precision (`1.0` → `2.0`, `^1.2.3` → `^2.0.0`);
/// `None` when nothing changes or an operator cannot be moved.
fn upgrade_requirement(req: &str, version: &Version) -> Option<(String, VersionReq)> {
    let raw = VersionReq::parse(req).ok()?;
    if raw.comparators.is_empty() {
        return None;
    }
    let mut comparators = Vec::new();
    for c in raw.comparators {
        // A pre-release comparator is left out rather than moved down.
        if !c.pre.is_empty() && !greater(&c, version) {
            continue;
        }
        comparators.push(moved(c, version)?);
    }
    if comparators.is_empty() {
        return None;
    }
    let new = VersionReq { comparators };
    let mut text = new.to_string();
    if text.starts_with('^') && !req.starts_with('^') {
        text.remove(0);
    }
    (text != req).then_some((text, new))
}

/// Whether `v` is above the version `c` names (cargo's `matches_greater`).
fn greater(c: &Comparator, v: &Version) -> bool {
    if v.major != c.major {
        return v.major > c.major;
    }
    match c.minor {
        None => return false,
        Some(minor) if v.minor != minor => return v.minor > minor,
        Some(_) => {}
    }
    match c.patch {
        None => return false,
        Some(patch) if v.patch != patch => return v.patch > patch,
        Some(_) => {}
    }
    v.pre > c.pre
}

/// One comparator moved to `version`, as precise as it was.
fn moved(mut c: Comparator, version: &Version) -> Option<Comparator> {
    match c.op {
        Op::Caret | Op::Tilde | Op::Exact | Op::Wildcard => {
            c.major = version.major;
            if c.minor.is_some() {
                c.minor = Some(version.minor);
            }
            if c.patch.is_some() {
                c.patch = Some(version.patch);
            }
            if c.op != Op::Wildcard {
                c.pre = version.pre.clone();
            }
            Some(c)
        }
        _ => None,
    }
}

/// Write the upgraded requirements into the root manifest and the
/// members' (not on a dry run).
fn write_upgrades(
    gctx: &GlobalContext,
    ws: &Workspace,
    upgrades: &Upgrades,
    dry_run: bool,
) -> anyhow::Result<()> {
    if upgrades.is_empty() || dry_run {
        return Ok(());
    }
    let mut paths: Vec<PathBuf> = vec![ws.root_manifest().to_path_buf()];
    for p in ws.member_paths() {
        if !paths.contains(p) {
            paths.push(p.clone());
        }
    }
    let _ = gctx;
    for path in paths {
        let text = mycargo_util::fs::read_to_string(&path)?;
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .with_context(|| format!("failed to parse manifest at `{}`", path.display()))?;
        if rewrite(&mut doc, upgrades) {
            write_manifest(&path, &doc.to_string())?;
        }
    }
    Ok(())
}

fn write_manifest(path: &Path, text: &str) -> anyhow::Result<()> {
    mycargo_util::fs::write_atomic(path, text.as_bytes())
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// Apply `upgrades` to every dependency table of `doc`; whether any
/// requirement changed.
fn rewrite(doc: &mut toml_edit::DocumentMut, upgrades: &Upgrades) -> bool {
    let mut changed = false;
    let root = doc.as_table_mut();
    for key in DEP_TABLES {
        if let Some(t) = root.get_mut(key).and_then(|i| i.as_table_like_mut()) {
            changed |= rewrite_table(t, upgrades);
        }
    }
    if let Some(t) = root
        .get_mut("workspace")
        .and_then(|w| w.as_table_like_mut())
        .and_then(|w| w.get_mut("dependencies"))
        .and_then(|i| i.as_table_like_mut())
    {
        changed |= rewrite_table(t, upgrades);
    }
    if let Some(targets) = root.get_mut("target").and_then(|i| i.as_table_like_mut()) {
        for (_, platform) in targets.iter_mut() {
            let Some(platform) = platform.as_table_like_mut() else {
                continue;
            };
            for key in DEP_TABLES {
                if let Some(t) = platform.get_mut(key).and_then(|i| i.as_table_like_mut()) {
                    changed |= rewrite_table(t, upgrades);
                }
            }
        }
    }
    changed
}

const DEP_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

fn rewrite_table(table: &mut dyn toml_edit::TableLike, upgrades: &Upgrades) -> bool {
    let mut changed = false;
    for (key, item) in table.iter_mut() {
        let name = key.get().to_string();
        let Ok(registry) = item_registry(item) else {
            continue;
        };
        let version = match item {
            toml_edit::Item::Value(v @ toml_edit::Value::String(_)) => Some(v),
            other => other.as_table_like_mut().and_then(|t| {
                let registry_dep = ["package", "path", "git", "workspace"]
                    .iter()
                    .all(|k| !t.contains_key(k));
                if !registry_dep {
                    return None;
                }
                t.get_mut("version").and_then(|v| v.as_value_mut())
            }),
        };
        let Some(version) = version else { continue };
        let Some(current) = version.as_str().map(str::to_string) else {
            continue;
        };
        let Some(latest) = upgrades.get(&(name, registry)) else {
            continue;
        };
        let Some((new, req)) = upgrade_requirement(&current, latest) else {
            continue;
        };
        if !matches!(&req.comparators[..], [c] if c.op == Op::Caret) {
            continue;
        }
        let decor = version.decor().clone();
        *version = toml_edit::Value::from(new);
        *version.decor_mut() = decor;
        changed = true;
    }
    changed
}

/// The `registry` a dependency entry names (`Ok(None)`: crates.io);
/// `Err` when it is not a plain string.
fn item_registry(item: &toml_edit::Item) -> Result<Option<String>, ()> {
    match item.as_table_like().and_then(|t| t.get("registry")) {
        None => Ok(None),
        Some(r) => r.as_str().map(|s| Some(s.to_string())).ok_or(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(req: &str, v: &str) -> Option<String> {
        upgrade_requirement(req, &Version::parse(v).unwrap()).map(|(s, _)| s)
    }

    #[test]
    fn requirements_move_as_cargo_moves_them() {
        assert_eq!(up("1.0", "2.0.0").as_deref(), Some("2.0"));
        assert_eq!(up("^1.0", "3.0.0").as_deref(), Some("^3.0"));
        assert_eq!(up("^1.2.3", "2.0.1").as_deref(), Some("^2.0.1"));
        assert_eq!(up("1", "2.5.0").as_deref(), Some("2"));
        assert_eq!(up("2.0", "2.0.0"), None, "nothing changes");
        assert_eq!(up("<99.0", "100.0.0"), None, "`<` is not moved");
        assert_eq!(up("*", "2.0.0"), None);
        assert_eq!(
            up("^2.0.0-beta.21", "3.0.0").as_deref(),
            Some("^3.0.0"),
            "a pre-release below the new version moves"
        );
        assert_eq!(up("^2.0.0-beta.21", "1.0.0"), None, "never down");
    }

    #[test]
    fn manifests_keep_their_comments_and_spacing() {
        let mut doc: toml_edit::DocumentMut = "[dependencies]\n\
             a  =  \"1.0\"  # keep\n\
             b  =  { registry  =  \"alt\", version  =  \"1.0\" }  # keep\n\
             c = { path = \"../c\", version = \"1.0\" }\n\
             [dependencies.d]  # keep\n\
             version  =  \"1.0\"  # keep\n"
            .parse()
            .unwrap();
        let v2 = Version::new(2, 0, 0);
        let upgrades = Upgrades::from([
            (("a".into(), None), v2.clone()),
            (("b".into(), Some("alt".into())), v2.clone()),
            (("c".into(), None), v2.clone()),
            (("d".into(), None), v2),
        ]);
        assert!(rewrite(&mut doc, &upgrades));
        assert_eq!(
            doc.to_string(),
            "[dependencies]\n\
             a  =  \"2.0\"  # keep\n\
             b  =  { registry  =  \"alt\", version  =  \"2.0\" }  # keep\n\
             c = { path = \"../c\", version = \"1.0\" }\n\
             [dependencies.d]  # keep\n\
             version  =  \"2.0\"  # keep\n"
        );
    }
}
