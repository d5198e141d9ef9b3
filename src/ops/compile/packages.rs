//! The packages of a build: the workspace members and, transitively, their
//! path dependencies, each read once. Registry and git dependencies are
//! refused with a clear error until those sources exist.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::bail;
use mycargo_core::PackageIdSpec;
use mycargo_manifest::{Manifest, ReadOptions, Workspace};
use mycargo_resolver::{ResolverVersion, RootSelection};
use mycargo_sources::directory::ChecksumFile;

/// Loaded packages and their resolved edges.
pub struct Packages {
    pub manifests: Vec<Manifest>,
    /// Per package: (index into its manifest's dependencies, package index).
    pub edges: Vec<Vec<(usize, usize)>>,
    pub members: Vec<bool>,
    /// Crates served by a directory source (vendored), by package
    /// directory: their files are checked before they compile.
    pub vendored: BTreeMap<PathBuf, ChecksumFile>,
    /// Packages of the resolve `[replace]` stands in for (built as their
    /// replacements, which are in `manifests`): specs still name them.
    pub replaced: Vec<mycargo_core::PackageId>,
}

impl Packages {
    /// The index of the package read from `manifest_path`.
    pub fn index_of(&self, manifest_path: &Path) -> Option<usize> {
        self.manifests
            .iter()
            .position(|m| m.manifest_path == manifest_path)
    }

    /// The feature resolver's view of the roots: the members, the
    /// `selected` packages, the current package, virtual or not.
    pub fn root_selection(&self, ws: &Workspace, selected: Vec<usize>) -> RootSelection {
        RootSelection {
            members: (0..self.manifests.len())
                .filter(|&i| self.members[i])
                .collect(),
            selected,
            current: ws.current().and_then(|c| self.index_of(&c.manifest_path)),
            // cargo asks of the current manifest, not the root.
            is_virtual: ws.current().is_none(),
        }
    }

    /// The one package `spec` names for a build, or cargo's error when it
    /// names several.
    pub fn matching_one(&self, spec: &PackageIdSpec) -> anyhow::Result<Vec<usize>> {
        let found = self.matching(spec)?;
        // A member named so is the one meant (`install` builds its crate
        // in a workspace that may hold another version of it).
        let members: Vec<usize> = found.iter().copied().filter(|&i| self.members[i]).collect();
        if found.len() > 1 && members.len() == 1 {
            return Ok(members);
        }
        if found.len() > 1 {
            let mut ids: Vec<&mycargo_core::PackageId> = found
                .iter()
                .map(|&i| &self.manifests[i].package_id)
                .collect();
            ids.sort();
            crate::ops::pkgid::query(spec, &ids)?;
        }
        Ok(found)
    }

    /// The packages `spec` names, or cargo's error (with a did-you-mean).
    pub fn matching(&self, spec: &PackageIdSpec) -> anyhow::Result<Vec<usize>> {
        let found: Vec<usize> = (0..self.manifests.len())
            .filter(|&i| spec.matches(&self.manifests[i].package_id))
            .collect();
        // A replaced package and its replacement both answer to the name:
        // cargo's ambiguity error.
        if self.replaced.iter().any(|id| spec.matches(id)) {
            let mut ids: Vec<&mycargo_core::PackageId> = self
                .manifests
                .iter()
                .map(|m| &m.package_id)
                .chain(&self.replaced)
                .collect();
            // As cargo lists them: in package id order.
            ids.sort();
            crate::ops::pkgid::query(spec, &ids)?;
        }
        if found.is_empty() {
            let mut msg = format!("package ID specification `{spec}` did not match any packages");
            if let Some(close) = mycargo_util::edit_distance::closest(
                spec.name(),
                self.manifests.iter().map(|m| m.name()),
            ) {
                msg.push_str(&format!(
                    "\n\nhelp: a package with a similar name exists: `{close}`"
                ));
            }
            bail!(msg);
        }
        Ok(found)
    }
}

/// The workspace's path packages; with `allow_remote` registry and git dependencies are
/// left out of the edges instead of refused; the flag says whether any was.
pub fn load_with(
    ws: &Workspace,
    opts: &ReadOptions,
    allow_remote: bool,
) -> anyhow::Result<(Packages, bool)> {
    load_inner(ws, opts, allow_remote, false)
}

/// [`load_with`] for `package`/`publish`: a path dev-dependency without a
/// version whose manifest is missing is left out (the packaged manifest
/// drops it, and cargo never reads it then).
pub fn load_for_packaging(ws: &Workspace, opts: &ReadOptions) -> anyhow::Result<Packages> {
    load_inner(ws, opts, true, true).map(|(p, _)| p)
}

fn load_inner(
    ws: &Workspace,
    opts: &ReadOptions,
    allow_remote: bool,
    skip_missing_dev: bool,
) -> anyhow::Result<(Packages, bool)> {
    let mut remote = false;
    let mut manifests: Vec<Manifest> = Vec::new();
    let mut by_path: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut members = Vec::new();
    for m in ws.members() {
        by_path.insert(m.manifest_path.clone(), manifests.len());
        manifests.push(m.clone());
        members.push(true);
    }
    let mut edges: Vec<Vec<(usize, usize)>> = Vec::new();
    // How each non-member was reached: (package, dependency index).
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; manifests.len()];
    let mut i = 0;
    while i < manifests.len() {
        let mut mine = Vec::new();
        let deps = manifests[i].dependencies.clone();
        for (di, dep) in deps.iter().enumerate() {
            let Some(dir) = dep.path() else {
                if allow_remote {
                    remote = true;
                    continue;
                }
                bail!(
                    "`{}` depends on `{}` from {}, and mycargo does not fetch registry or git dependencies yet\n\
                     help: only path dependencies and workspace members can be built for now",
                    manifests[i].name(),
                    dep.package_name(),
                    dep.source_id()
                );
            };
            let path = mycargo_util::fs::normalize_path(&dir.join("Cargo.toml"));
            if skip_missing_dev
                && dep.kind() == mycargo_core::DepKind::Development
                && dep.version_req().original.is_none()
                && !path.exists()
            {
                continue;
            }
            let idx = match by_path.get(&path) {
                Some(&idx) => idx,
                None => {
                    let read = if dir.is_file() && mycargo_manifest::embedded::is_embedded(dir) {
                        Err(anyhow::anyhow!(
                            "single file packages cannot be used as dependencies"
                        ))
                    } else {
                        read_path_dep(&path, dep.package_name(), opts)
                    };
                    let m = read.map_err(|e| {
                        // As cargo's resolver words it: the dependency's
                        // source could not be loaded.
                        e.context(format!("unable to update {}", dir.display()))
                            .context(format!(
                                "failed to load source for dependency `{}`",
                                dep.package_name()
                            ))
                            .context(format!(
                                "failed to get `{}` as a dependency of package `{}`{}",
                                dep.package_name(),
                                manifests[i].package_id,
                                reached_by(&manifests, &parent, i)
                            ))
                    })?;
                    let idx = manifests.len();
                    by_path.insert(path, idx);
                    manifests.push(m);
                    members.push(false);
                    parent.push(Some((i, di)));
                    idx
                }
            };
            if manifests[idx].name() != dep.package_name() {
                let wanted = dep.package_name();
                let found = manifests[idx].name();
                let mut msg = if mycargo_util::edit_distance::closest(wanted, [found]).is_some() {
                    format!(
                        "no matching package found\nsearched package name: `{wanted}`\nperhaps you meant:      {found}"
                    )
                } else {
                    format!("no matching package named `{wanted}` found")
                };
                msg.push_str(&format!(
                    "\nlocation searched: {}\nrequired by package `{}`{}",
                    dir.display(),
                    manifests[i].package_id,
                    reached_by(&manifests, &parent, i)
                ));
                bail!(msg);
            }
            let found = manifests[idx].version();
            if dep.version_req().original.is_some() && !dep.version_req().matches(found) {
                let mut msg = format!(
                    "failed to select a version for the requirement `{} = \"{}\"`\n\
                     candidate versions found which didn't match: {found}\n\
                     location searched: {}\n\
                     required by package `{}`",
                    dep.package_name(),
                    dep.version_req(),
                    dir.display(),
                    manifests[i].package_id
                );
                if !found.pre.is_empty() {
                    msg.push_str(&format!(
                        "\nif you are looking for the prerelease package it needs to be specified explicitly\n    {} = {{ version = \"{found}\" }}",
                        dep.package_name()
                    ));
                }
                bail!(msg);
            }
            mine.push((di, idx));
        }
        edges.push(mine);
        i += 1;
    }
    Ok((
        Packages {
            manifests,
            edges,
            members,
            vendored: BTreeMap::new(),
            replaced: Vec::new(),
        },
        remote,
    ))
}

/// cargo's `    ... which satisfies path dependency` lines from package
/// `i` up to a member.
fn reached_by(manifests: &[Manifest], parent: &[Option<(usize, usize)>], mut i: usize) -> String {
    let mut out = String::new();
    let mut seen = 0;
    while let Some(Some((p, di))) = parent.get(i) {
        out.push_str(&format!(
            "\n    ... which satisfies path dependency `{}` of package `{}`",
            manifests[*p].dependencies[*di].name_in_toml(),
            manifests[*p].package_id
        ));
        i = *p;
        seen += 1;
        if seen > manifests.len() {
            break;
        }
    }
    out
}

fn read_path_dep(path: &Path, name: &str, opts: &ReadOptions) -> anyhow::Result<Manifest> {
    let parsed = mycargo_manifest::read_manifest_file(path, opts).map_err(anyhow::Error::new)?;
    match parsed.package() {
        Some(m) => Ok(m.clone()),
        None => bail!(
            "failed to load manifest for dependency `{name}`\n\nCaused by:\n  manifest at `{}` is a virtual manifest",
            path.display()
        ),
    }
}

/// The loaded packages as the feature resolver's graph: every declaration
/// that resolved to a loaded package, in manifest order (so dependency
/// indices agree with the manifests').
pub fn feature_graph(pkgs: &Packages) -> Vec<mycargo_resolver::PackageNode> {
    pkgs.manifests
        .iter()
        .enumerate()
        .map(|(i, m)| mycargo_resolver::PackageNode {
            id: m.package_id.clone(),
            feature_map: m.feature_map.clone(),
            deps: pkgs.edges[i]
                .iter()
                .map(|&(di, to)| mycargo_resolver::DepEdge {
                    to,
                    dep: m.dependencies[di].clone(),
                })
                .collect(),
            is_proc_macro: m.lib_target().is_some_and(|t| t.proc_macro),
            declared: m
                .dependencies
                .iter()
                .map(|d| d.name_in_toml().to_string())
                .collect(),
        })
        .collect()
}

/// The workspace's feature resolver (`resolver = "..."`; "2" when unknown).
pub fn resolver_version(ws: &Workspace) -> ResolverVersion {
    ResolverVersion::from_manifest(&ws.resolver_version()).unwrap_or(ResolverVersion::V2)
}

/// The members alone, with the path edges between them: what `package
/// --exclude-lockfile --no-verify` needs (cargo reads no other package
/// then, so a path dependency that cannot be built is no error).
pub fn load_members(ws: &Workspace) -> Packages {
    let manifests: Vec<Manifest> = ws.members().cloned().collect();
    let edges = manifests
        .iter()
        .map(|m| {
            m.dependencies
                .iter()
                .enumerate()
                .filter_map(|(di, dep)| {
                    let dir = dep.path()?;
                    let path = mycargo_util::fs::normalize_path(&dir.join("Cargo.toml"));
                    let idx = manifests.iter().position(|o| o.manifest_path == path)?;
                    Some((di, idx))
                })
                .collect()
        })
        .collect();
    Packages {
        members: vec![true; manifests.len()],
        manifests,
        edges,
        vendored: BTreeMap::new(),
        replaced: Vec::new(),
    }
}
