//! `mycargo update`: bring `Cargo.lock`'s registry packages up to date, as
//! cargo 1.95 does. With no package named every locked package is let go
//! (`--workspace`: none, only the members move); with SPECs (or `-p`) those
//! packages are let go (`--recursive`: with everything they depend on), or
//! moved to exactly `--precise VERSION`. The resolve then keeps every other
//! locked version it can, reports each change (`Updating`, `Adding`,
//! `Removing`, `Downgrading`, and what stays behind a newer version), and
//! writes the file unless `--dry-run`. Without a lock file (and without
//! `--precise`) it is `generate-lockfile`.

use std::collections::BTreeSet;

use mycargo_core::{PackageId, SourceId};
use mycargo_lockfile::{Lockfile, cmp_package_id};
use mycargo_util::CliResult;

use super::compile::packages::Packages;
use super::lockfile::Mode;
use super::resolve::{How, Precise, Selection, Update, resolve_workspace, update_workspace};
use crate::cli::update::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    if args.breaking {
        return Ok(super::update_breaking::run(gctx, args)?);
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    // `-p` without a name: cargo's list of what could be named.
    if args.package.as_ref().is_some_and(|p| p.is_empty()) {
        return Err(super::rustc::package_list_error(&ws).into());
    }
    let opts = super::workspace::read_options(gctx);
    let precise = args.precise.as_deref();
    if ws.members().next().is_none() {
        return Err(
            anyhow::anyhow!("you can't generate a lockfile for an empty workspace.").into(),
        );
    }

    if precise.is_none() && !ws.lock_path().exists() {
        // Nothing to update from: cargo generates the file (dry run or not).
        let how = How {
            mode: Mode::Generate,
            ignore_rust_version: args.ignore_rust_version,
            download: false,
            install: None,
        };
        resolve_workspace(gctx, &ws, &opts, &how, None)?;
        return Ok(());
    }

    let how = How {
        mode: Mode::Update {
            precise: precise.is_some(),
            dry_run: args.dry_run,
        },
        ignore_rust_version: args.ignore_rust_version,
        download: false,
        install: None,
    };
    let cwd = gctx.cwd().to_path_buf();
    let select = |prev: &Lockfile, pkgs: &Packages| -> anyhow::Result<Selection> {
        select(args, &cwd, prev, pkgs)
    };
    update_workspace(gctx, &ws, &opts, &how, &Update { select: &select })?;
    Ok(())
}

/// cargo's choice of what `update` lets go: every locked package (none
/// with `--workspace`), or the packages the specs name (with their
/// dependencies under `--recursive`), never the members; a package of a
/// non-registry source takes every package of that source with it.
fn select(
    args: &Args,
    cwd: &std::path::Path,
    prev: &Lockfile,
    pkgs: &Packages,
) -> anyhow::Result<Selection> {
    let specs = args.to_update();
    let mut ids: Vec<&PackageId> = prev.packages.keys().collect();
    ids.sort_by(|a, b| cmp_package_id(a, b));
    let mut to_avoid: BTreeSet<PackageId> = BTreeSet::new();
    let mut precise = Vec::new();
    let mut git_precise = std::collections::BTreeMap::new();
    if specs.is_empty() {
        if !args.workspace {
            to_avoid.extend(prev.packages.keys().cloned());
        }
    } else {
        for spec in specs {
            let id = super::pkgid::query_str(spec, &ids, cwd)?;
            if args.recursive {
                with_deps(prev, id, &mut to_avoid);
                continue;
            }
            to_avoid.insert(id.clone());
            if let Some(to) = args.precise.as_deref()
                && id.source_id().is_git()
            {
                git_precise.insert(id.source_id().without_precise(), to.to_string());
            }
            if let Some(to) = args.precise.as_deref()
                && id.source_id().is_registry()
            {
                let to =
                    super::yank::parse_version(to, "invalid version format for precise version")?;
                precise.push(Precise {
                    name: id.name().to_string(),
                    source: id.source_id().clone(),
                    from: id.version().clone(),
                    to,
                });
            }
        }
        // Members are never let go (their dependencies still are).
        let members: Vec<&PackageId> = pkgs
            .manifests
            .iter()
            .zip(&pkgs.members)
            .filter(|(_, is_member)| **is_member)
            .map(|(m, _)| &m.package_id)
            .collect();
        to_avoid.retain(|id| {
            !members
                .iter()
                .any(|m| m.name() == id.name() && m.source_id() == id.source_id())
        });
    }
    let sources: BTreeSet<&SourceId> = to_avoid
        .iter()
        .map(|id| id.source_id())
        .filter(|s| !s.is_registry())
        .collect();
    let unlock = prev
        .packages
        .keys()
        .filter(|id| to_avoid.contains(*id) || sources.contains(id.source_id()))
        .cloned()
        .collect();
    Ok(Selection {
        unlock,
        precise,
        git_precise,
        ..Selection::default()
    })
}

/// `id` and everything it depends on in the lock file.
fn with_deps(prev: &Lockfile, id: &PackageId, out: &mut BTreeSet<PackageId>) {
    let mut stack = vec![id.clone()];
    while let Some(id) = stack.pop() {
        if !out.insert(id.clone()) {
            continue;
        }
        if let Some(p) = prev.packages.get(&id) {
            stack.extend(p.dependencies.iter().cloned());
        }
    }
}
