//! `mycargo metadata --format-version 1`: the workspace, its packages and
//! the resolved dependency graph as JSON, key for key as cargo prints it.
//!
//! The resolve is cargo's dependency resolve, not a build's: every member is
//! a root (with the command-line features as cargo hands them out), the
//! members' dev-dependencies and dependencies of every platform count, and
//! features are unified per package (the resolver crate's
//! [`mycargo_resolver::resolve_dependency_features`]). `--filter-platform`
//! only drops edges whose declarations apply to none of the given platforms.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::bail;
use mycargo_compiler::rustc_info::{Rustc, TargetInfoRequest};
use mycargo_core::{Cfg, DepKind, Dependency, Platform};
use mycargo_lockfile::cmp_package_id;
use mycargo_manifest::{Manifest, Workspace};
use mycargo_resolver::{CliFeatures, TargetInfo};
use mycargo_util::CliResult;
use serde::Serialize;

use super::compile::packages::{self, Packages};
use super::compile::settings;
use super::package_json::PackageJson;
use crate::cli::metadata::Args;
use crate::context::GlobalContext;

#[derive(Serialize)]
struct Metadata<'a> {
    packages: Vec<PackageJson<'a>>,
    workspace_members: Vec<String>,
    workspace_default_members: Vec<String>,
    resolve: Option<ResolveJson>,
    target_directory: String,
    build_directory: String,
    version: u32,
    workspace_root: String,
    metadata: Option<&'a toml::Value>,
}

#[derive(Serialize)]
struct ResolveJson {
    nodes: Vec<NodeJson>,
    root: Option<String>,
}

#[derive(Serialize)]
struct NodeJson {
    id: String,
    dependencies: Vec<String>,
    deps: Vec<NodeDepJson>,
    features: Vec<String>,
}

#[derive(Serialize)]
struct NodeDepJson {
    name: String,
    pkg: String,
    dep_kinds: Vec<DepKindJson>,
}

#[derive(Serialize)]
struct DepKindJson {
    kind: Option<&'static str>,
    target: Option<String>,
}

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    // JSON carries paths as strings.
    if manifest.to_str().is_none() {
        return Err(anyhow::anyhow!("path contains invalid UTF-8 characters").into());
    }
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    // After the workspace loaded, as cargo; manifest warnings are for
    // commands that compile, not for `metadata`.
    if args.format_version.is_none() {
        gctx.shell.warn(
            "please specify `--format-version` flag explicitly to avoid compatibility problems",
        )?;
    }
    let target_dir = settings::target_dir(gctx, None, ws.default_target_dir())?;
    let build_dir = settings::build_dir(gctx, &ws, &target_dir)?;
    let cli = args.features.to_cli_features();
    // Nothing changed since the last run with this command line: its
    // answer stands.
    let mut probe = crate::ops::noop::Probe::new(
        gctx,
        &ws,
        &target_dir,
        &settings::rustc_options(gctx, &target_dir)?,
    );
    if let Some(kept) = probe.as_mut().and_then(|p| p.kept_output(gctx)) {
        gctx.shell.out().write_all(&kept)?;
        return Ok(());
    }

    let public_deps = gctx.unstable.public_dependency;
    let mut watched = (ws.member_paths().to_vec(), Vec::new());
    let loaded;
    let (packages, resolve) = if args.no_deps {
        (ws.members().map(PackageJson::new).collect(), None)
    } else {
        let opts = super::workspace::read_options(gctx);
        let (host, platforms) = if args.filter_platform.is_empty() {
            (None, None)
        } else {
            let (host, targets) = platforms(gctx, &ws, &args.filter_platform)?;
            (Some(host), Some(targets))
        };
        // With `--filter-platform`, what those platforms and the host use
        // is downloaded, as cargo does.
        let applies = |d: &Dependency| {
            host.iter()
                .chain(platforms.iter().flatten())
                .any(|p| d.applies_to(&p.triple, &p.cfgs))
        };
        let filter: Option<&dyn Fn(&Dependency) -> bool> = match &platforms {
            Some(_) => Some(&applies),
            None => None,
        };
        loaded = super::resolve::load_packages(gctx, &ws, &opts, false, filter, None)?;
        watched = crate::ops::noop::manifest_paths(&loaded.manifests);
        let (in_resolve, resolve) = resolve(&ws, &loaded, &cli, platforms.as_deref())?;
        let packages = in_resolve
            .into_iter()
            .map(|i| {
                let m = &loaded.manifests[i];
                let json = PackageJson::new(m);
                if public_deps {
                    json.with_public(m)
                } else {
                    json
                }
            })
            .collect();
        (packages, Some(resolve))
    };
    let out = Metadata {
        packages,
        workspace_members: ws
            .members()
            .map(|m| m.package_id.to_spec_string())
            .collect(),
        workspace_default_members: default_members(&ws)
            .iter()
            .map(|m| m.package_id.to_spec_string())
            .collect(),
        resolve,
        target_directory: target_dir.display().to_string(),
        build_directory: build_dir.display().to_string(),
        version: 1,
        workspace_root: ws.root().display().to_string(),
        metadata: ws.custom_metadata(),
    };
    let mut json = serde_json::to_string(&out).map_err(anyhow::Error::from)?;
    json.push('\n');
    if let Some(probe) = probe {
        probe.record_output(gctx, &watched.0, &watched.1, json.as_bytes());
    }
    gctx.shell.out().write_all(json.as_bytes())?;
    Ok(())
}

/// The default members, as cargo has them: in a member's directory (not
/// the root's), that member alone.
pub(crate) fn default_members(ws: &Workspace) -> Vec<&Manifest> {
    if ws.current_manifest() != ws.root_manifest()
        && let Some(current) = ws.current()
    {
        return vec![current];
    }
    ws.default_members().collect()
}

/// The host and the platforms named by `triples` (each with its
/// `rustc --print cfg`), as a build for them would see them.
pub(crate) fn platforms(
    gctx: &GlobalContext,
    ws: &Workspace,
    triples: &[String],
) -> anyhow::Result<(TargetInfo, Vec<TargetInfo>)> {
    let target_dir = settings::target_dir(gctx, None, ws.default_target_dir())?;
    let rustc = Rustc::new(settings::rustc_options(gctx, &target_dir)?, &gctx.env)?;
    let host = rustc.info.host.clone();
    let probe = rustc.target_info(&TargetInfoRequest::default())?;
    let info = |triple: Option<&str>| -> anyhow::Result<Vec<Cfg>> {
        let name = triple.unwrap_or(&host);
        let flags = settings::rustflags(gctx, name, &probe.cfg)?;
        Ok(rustc
            .target_info(&TargetInfoRequest {
                target: triple,
                rustflags: &flags,
                env: &[],
            })?
            .cfg)
    };
    let host_info = TargetInfo::new(host.clone(), info(None)?);
    let mut targets = Vec::new();
    for t in triples {
        // `host-tuple` names the host, as cargo reads it.
        let t = if t == "host-tuple" { &host } else { t };
        if *t == host {
            targets.push(host_info.clone());
        } else {
            targets.push(TargetInfo::new(t.clone(), info(Some(t))?));
        }
    }
    let _ = rustc.save_cache();
    Ok((host_info, targets))
}

/// The packages of the resolve (indices into `pkgs`, in cargo's package id
/// order) and the `resolve` object.
fn resolve(
    ws: &Workspace,
    pkgs: &Packages,
    cli: &CliFeatures,
    platforms: Option<&[TargetInfo]>,
) -> anyhow::Result<(Vec<usize>, ResolveJson)> {
    let graph = packages::feature_graph(pkgs);
    let members: Vec<usize> = (0..pkgs.manifests.len())
        .filter(|&i| pkgs.members[i])
        .collect();
    let selection = pkgs.root_selection(ws, members.clone());
    let version = packages::resolver_version(ws);
    let feats = mycargo_resolver::resolve_dependency_features(&graph, &selection, cli, version)?;

    // Walk from the members as cargo does, keeping edges to packages with
    // a library.
    let mut nodes: BTreeMap<usize, NodeJson> = BTreeMap::new();
    let mut stack: Vec<usize> = members.clone();
    while let Some(i) = stack.pop() {
        if nodes.contains_key(&i) {
            continue;
        }
        let node = node(pkgs, &feats, i, platforms)?;
        stack.extend(node.1.iter().copied());
        nodes.insert(i, node.0);
    }
    let mut order: Vec<usize> = nodes.keys().copied().collect();
    order.sort_by(|&a, &b| cmp_ids(pkgs, a, b));
    let root = selection
        .current
        .map(|i| pkgs.manifests[i].package_id.to_spec_string());
    let json_nodes = order
        .iter()
        .filter_map(|i| nodes.remove(i))
        .collect::<Vec<_>>();
    Ok((
        order,
        ResolveJson {
            nodes: json_nodes,
            root,
        },
    ))
}

fn cmp_ids(pkgs: &Packages, a: usize, b: usize) -> Ordering {
    cmp_package_id(&pkgs.manifests[a].package_id, &pkgs.manifests[b].package_id)
}

/// One node of the resolve and the packages it leads to.
fn node(
    pkgs: &Packages,
    feats: &mycargo_resolver::ResolvedFeatures,
    i: usize,
    platforms: Option<&[TargetInfo]>,
) -> anyhow::Result<(NodeJson, Vec<usize>)> {
    let m = &pkgs.manifests[i];
    // The active declarations, by the package they lead to.
    let mut by_pkg: BTreeMap<usize, Vec<&Dependency>> = BTreeMap::new();
    for (k, &(di, to)) in pkgs.edges[i].iter().enumerate() {
        if feats.is_dep_active(i, false, k) {
            by_pkg.entry(to).or_default().push(&m.dependencies[di]);
        }
    }
    let mut targets: Vec<(usize, Vec<&Dependency>)> = by_pkg
        .into_iter()
        .filter(|(_, decls)| match platforms {
            None => true,
            Some(ps) => ps
                .iter()
                .any(|p| decls.iter().any(|d| d.applies_to(&p.triple, &p.cfgs))),
        })
        .collect();
    targets.sort_by(|a, b| cmp_ids(pkgs, a.0, b.0));
    let mut deps = Vec::new();
    let mut reached = Vec::new();
    for (to, decls) in targets {
        let target = &pkgs.manifests[to];
        let Some(lib) = target.lib_target() else {
            continue;
        };
        let name = extern_name(m, target, &decls, lib.crate_name())?;
        let mut kinds: Vec<(DepKind, Option<&Platform>)> =
            decls.iter().map(|d| (d.kind(), d.platform())).collect();
        kinds.sort();
        kinds.dedup();
        deps.push(NodeDepJson {
            name,
            pkg: target.package_id.to_spec_string(),
            dep_kinds: kinds
                .into_iter()
                .map(|(kind, platform)| DepKindJson {
                    kind: kind.as_metadata_str(),
                    target: platform.map(|p| p.to_string()),
                })
                .collect(),
        });
        reached.push(to);
    }
    let features: BTreeSet<&String> = feats.features(i, false).iter().collect();
    Ok((
        NodeJson {
            id: m.package_id.to_spec_string(),
            dependencies: deps.iter().map(|d| d.pkg.clone()).collect(),
            deps,
            features: features.into_iter().cloned().collect(),
        },
        reached,
    ))
}

/// The name `from` uses for `to`'s library: the rename (with `-` as `_`)
/// or the library's crate name; every declaration must agree (cargo's
/// error otherwise).
fn extern_name(
    from: &Manifest,
    to: &Manifest,
    decls: &[&Dependency],
    crate_name: String,
) -> anyhow::Result<String> {
    let mut names = decls.iter().map(|d| match d.rename() {
        Some(r) => r.replace('-', "_"),
        None => crate_name.clone(),
    });
    let first = names.next().unwrap_or_else(|| crate_name.clone());
    for n in names {
        if n != first {
            bail!(
                "the crate `{}` depends on crate `{}` multiple times with different names",
                from.package_id,
                to.package_id
            );
        }
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_kinds_sort_as_cargo() {
        let win: Platform = "cfg(windows)".parse().unwrap();
        let name: Platform = "x86_64-pc-windows-msvc".parse().unwrap();
        let mut kinds = vec![
            (DepKind::Build, None),
            (DepKind::Development, Some(&win)),
            (DepKind::Normal, Some(&win)),
            (DepKind::Normal, None),
            (DepKind::Normal, Some(&name)),
        ];
        kinds.sort();
        assert_eq!(
            kinds,
            vec![
                (DepKind::Normal, None),
                (DepKind::Normal, Some(&name)),
                (DepKind::Normal, Some(&win)),
                (DepKind::Development, Some(&win)),
                (DepKind::Build, None),
            ]
        );
    }
}
