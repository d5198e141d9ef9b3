//! `mycargo remove`: take dependencies out of a member's manifest (comments
//! and layout kept), with the feature values that only enabled them; then,
//! as cargo, drop `[workspace.dependencies]`, `[profile.*.package.*]` and
//! `[replace]` entries nothing uses any more, bring `Cargo.lock` up to date
//! quietly, and drop `[patch]` entries the resolve left unused.

use mycargo_core::{DepKind, PackageIdSpec};
use mycargo_manifest::Workspace;
use mycargo_manifest::edit::{DepTable, ManifestEditor};
use mycargo_util::{CliResult, Verbosity};
use toml_edit::Item;

use super::lockfile::Mode;
use super::resolve::{How, resolve_workspace};
use crate::cli::remove::Args;
use crate::context::GlobalContext;

pub fn remove(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(run(gctx, args)?)
}

fn run(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    if matches!(args.package, Some(None)) {
        return Err(super::rustc::package_list_error(&ws));
    }
    let target = super::workspace::member_to_edit(
        &ws,
        args.package.as_ref().and_then(|p| p.as_deref()),
        "no package selected to modify\nhelp: specify a package with `-p <PKGID>`",
        &|names| {
            format!(
                "no package selected to modify\nhelp: specify a package with `-p <PKGID>`\n      available packages: {names}"
            )
        },
    )?
    .manifest_path
    .clone();
    let kind = match (args.dev, args.build) {
        (true, _) => DepKind::Development,
        (_, true) => DepKind::Build,
        _ => DepKind::Normal,
    };
    let table = DepTable::new(kind, args.target.clone());
    let mut editor = ManifestEditor::read(&target)?;
    for dep in &args.dependencies {
        gctx.shell
            .status("Removing", format!("{dep} from {}", table.describe()))?;
        editor
            .remove_dep(&table, dep)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        editor.gc_dep_features(dep);
    }
    if args.dry_run {
        gctx.shell.warn("aborting remove due to dry run")?;
        return Ok(());
    }
    editor.write()?;
    gctx.forget_script_warnings();

    gc_workspace(&ws)?;
    // Read again (warnings about the workspace shown again, as cargo's).
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    quiet_resolve(gctx, &ws)?;
    if gc_unused_patches(&ws)? {
        let ws = super::workspace::load_reporting(gctx, &manifest)?;
        quiet_resolve(gctx, &ws)?;
    }
    Ok(())
}

/// Resolve and write `Cargo.lock`, printing nothing (cargo's remove does
/// so quietly).
fn quiet_resolve(gctx: &mut GlobalContext, ws: &Workspace) -> anyhow::Result<()> {
    let verbosity = gctx.shell.verbosity();
    gctx.shell.set_verbosity(Verbosity::Quiet);
    let opts = super::workspace::read_options(gctx);
    let how = How {
        mode: Mode::Sync,
        ignore_rust_version: false,
        download: false,
        install: None,
    };
    let result = resolve_workspace(gctx, ws, &opts, &how, None);
    gctx.shell.set_verbosity(verbosity);
    result.map(|_| ())
}

/// A member's dependency as `gc_workspace` needs it: the package name,
/// its version requirement, and whether it inherits from the workspace.
struct UsedDep {
    key: String,
    package: String,
    version: Option<String>,
    inherited: bool,
    /// Inherited, and the workspace's entry found.
    resolved: bool,
}

fn used_deps(ws: &Workspace) -> anyhow::Result<Vec<UsedDep>> {
    let mut out = Vec::new();
    for m in ws.members() {
        let editor = ManifestEditor::read(&m.manifest_path)?;
        for (_, table) in editor.sections() {
            let Some(t) = table.as_table_like() else {
                continue;
            };
            for (key, item) in t.iter() {
                let field = |name: &str| item.get(name).and_then(Item::as_str).map(str::to_string);
                out.push(UsedDep {
                    key: key.to_string(),
                    package: field("package").unwrap_or_else(|| key.to_string()),
                    version: item
                        .as_str()
                        .map(str::to_string)
                        .or_else(|| field("version")),
                    inherited: item.get("workspace").and_then(Item::as_bool) == Some(true),
                    resolved: false,
                });
            }
        }
    }
    Ok(out)
}

/// Drop the workspace root's entries no member uses any more.
fn gc_workspace(ws: &Workspace) -> anyhow::Result<()> {
    let root = ws.root_manifest().to_path_buf();
    let mut editor = ManifestEditor::read(&root)?;
    let mut used = used_deps(ws)?;
    let mut modified = false;
    // An inherited dependency stands for the workspace's entry.
    if let Some(deps) = editor
        .doc
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(Item::as_table_like)
    {
        for d in used.iter_mut().filter(|d| d.inherited) {
            if let Some(item) = deps.get(&d.key) {
                let field = |name: &str| item.get(name).and_then(Item::as_str).map(str::to_string);
                d.package = field("package").unwrap_or_else(|| d.key.clone());
                d.version = item
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| field("version"));
                d.resolved = true;
            }
        }
    }
    // Tables emptied here are implicit: they print nothing (as cargo's).
    if let Some(deps) = editor
        .doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("dependencies"))
        .and_then(implicit)
    {
        let unused: Vec<String> = deps
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| !used.iter().any(|d| d.key == *k && d.inherited))
            .collect();
        for k in unused {
            deps.remove(&k);
            modified = true;
        }
    }
    if let Some(profiles) = editor.doc.get_mut("profile").and_then(implicit) {
        for (_, profile) in profiles.iter_mut() {
            let Some(packages) = implicit(profile)
                .and_then(|p| p.get_mut("package"))
                .and_then(implicit)
            else {
                continue;
            };
            let unused: Vec<String> = packages
                .iter()
                .map(|(k, _)| k.to_string())
                .filter(|k| !mycargo_core::names::is_glob_pattern(k))
                .filter(|k| !spec_used(k, &used))
                .collect();
            for k in unused {
                packages.remove(&k);
                modified = true;
            }
        }
    }
    if let Some(replace) = editor.doc.get_mut("replace").and_then(implicit) {
        let unused: Vec<String> = replace
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| !spec_used(k, &used))
            .collect();
        for k in unused {
            replace.remove(&k);
            modified = true;
        }
    }
    if modified {
        editor.write()?;
    }
    Ok(())
}

/// A table made implicit (printed only for what it holds); inline tables
/// as they are.
fn implicit(item: &mut Item) -> Option<&mut dyn toml_edit::TableLike> {
    if let Some(t) = item.as_table_mut() {
        t.set_implicit(true);
    }
    item.as_table_like_mut()
}

/// Whether a package ID spec of a profile override or `[replace]` names
/// a dependency some member still has (by name, and version when given).
fn spec_used(spec: &str, used: &[UsedDep]) -> bool {
    let Ok(spec) = PackageIdSpec::parse(spec, None) else {
        return true;
    };
    used.iter().filter(|d| !d.inherited || d.resolved).any(|d| {
        if d.package != spec.name() {
            return false;
        }
        match (
            spec.partial_version().and_then(|v| v.to_version()),
            &d.version,
        ) {
            (Some(v), Some(req)) => semver::VersionReq::parse(req).is_ok_and(|r| r.matches(&v)),
            (Some(_), None) => false,
            (None, _) => true,
        }
    })
}

/// Drop `[patch]` entries the lock file lists as unused; whether any went.
fn gc_unused_patches(ws: &Workspace) -> anyhow::Result<bool> {
    let lock = std::fs::read_to_string(ws.lock_path()).unwrap_or_default();
    let unused = unused_patch_names(&lock);
    if unused.is_empty() {
        return Ok(false);
    }
    let root = ws.root_manifest().to_path_buf();
    let mut editor = ManifestEditor::read(&root)?;
    let mut modified = false;
    if let Some(patches) = editor.doc.get_mut("patch").and_then(implicit) {
        for (_, table) in patches.iter_mut() {
            let Some(table) = implicit(table) else {
                continue;
            };
            let doomed: Vec<String> = table
                .iter()
                .filter(|(k, item)| {
                    let name = item.get("package").and_then(Item::as_str).unwrap_or(k);
                    unused
                        .iter()
                        .any(|(n, source)| n == name && patch_source_matches(item, source))
                })
                .map(|(k, _)| k.to_string())
                .collect();
            for k in doomed {
                table.remove(&k);
                modified = true;
            }
        }
    }
    if modified {
        editor.write()?;
    }
    Ok(modified)
}

/// `[[patch.unused]]` entries of a lock file: name and source (empty for
/// a path package).
fn unused_patch_names(lock: &str) -> Vec<(String, String)> {
    let Ok(doc) = lock.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    doc.get("patch")
        .and_then(|p| p.get("unused"))
        .and_then(Item::as_array_of_tables)
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?.to_string();
            let source = t
                .get("source")
                .and_then(Item::as_str)
                .unwrap_or_default()
                .to_string();
            Some((name, source))
        })
        .collect()
}

/// Whether a `[patch]` entry is the unused patch from `source`.
fn patch_source_matches(item: &Item, source: &str) -> bool {
    if let Some(git) = item.get("git").and_then(Item::as_str) {
        let base = source.strip_prefix("git+").unwrap_or(source);
        let base = base.split(['?', '#']).next().unwrap_or(base);
        return base.trim_end_matches('/') == git.trim_end_matches('/');
    }
    if item.get("path").and_then(Item::as_str).is_some() {
        return source.is_empty();
    }
    source.starts_with("registry+") || source.starts_with("sparse+")
}
