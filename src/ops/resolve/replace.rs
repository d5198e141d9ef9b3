//! `[replace]`: the packages a spec matches take the dependencies and
//! features of another package (a path package, or one of a git
//! repository). As cargo, a replacement's git repository is fetched only
//! when the resolve meets a package it replaces: the resolve stops there
//! ([`NeedReplacement`]), the repository is fetched, and it runs again.

use std::collections::BTreeMap;

use mycargo_core::{Dependency, PackageId, PackageIdSpec};
use mycargo_lockfile::Lockfile;
use mycargo_manifest::Workspace;
use mycargo_resolver::version::{Resolve, Summary};
use mycargo_sources::source_map::SourceMap;

use super::git::{self, GitPackages};
use super::remote::Remotes;
use super::{Selection, patch_manifest, registry, summaries};
use crate::context::GlobalContext;
use crate::ops::compile::packages::Packages;

/// A replacement whose git repository is not fetched yet was met.
#[derive(Debug, Clone)]
pub(super) struct NeedReplacement {
    /// Which of the pending entries.
    pub index: usize,
    /// The package it matched.
    pub id: PackageId,
    /// The package that depends on it, and its way up to a root
    /// (`package `..`\n    ... which satisfies ..`), once the resolver said.
    pub parent: Option<(PackageId, String)>,
}

impl std::fmt::Display for NeedReplacement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the replacement of `{}` is not loaded", self.id)
    }
}

impl std::error::Error for NeedReplacement {}

/// A replacement that does not fit the package it matched, in cargo's
/// words.
#[derive(Debug)]
pub(super) struct ReplacementError {
    /// The name of the package it matched.
    pub name: String,
    pub message: String,
}

impl std::fmt::Display for ReplacementError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReplacementError {}

/// cargo's frame for a replacement error met while resolving `name`:
/// `parent` is the package that depends on it, with its way up to a root.
pub(super) fn framed(
    e: anyhow::Error,
    name: &str,
    parent: Option<&(PackageId, String)>,
) -> anyhow::Error {
    match parent {
        Some((_, path)) => e.context(format!("failed to get `{name}` as a dependency of {path}")),
        None => e,
    }
}

/// `[replace]` of the workspace root.
pub(super) fn replace_table(ws: &Workspace) -> Vec<(PackageIdSpec, Dependency)> {
    ws.root_parsed()
        .map(|p| p.replace().to_vec())
        .unwrap_or_default()
}

/// The replacements known so far.
#[derive(Debug, Default, Clone)]
pub(super) struct Replacements {
    /// Each spec with the package that stands in for what it matches.
    pub loaded: Vec<(PackageIdSpec, Summary)>,
    /// Git entries whose repository is not fetched yet.
    pub pending: Vec<(PackageIdSpec, Dependency)>,
}

impl Replacements {
    /// Every spec, loaded or not.
    pub fn specs(&self) -> impl Iterator<Item = &PackageIdSpec> {
        self.loaded
            .iter()
            .map(|(s, _)| s)
            .chain(self.pending.iter().map(|(s, _)| s))
    }
}

/// The entries of `[replace]`, with their packages where they are at hand
/// (path packages, and git repositories already fetched).
pub(super) fn replacements(
    ws: &Workspace,
    pkgs: &Packages,
    git_pkgs: &GitPackages,
) -> anyhow::Result<Replacements> {
    let mut out = Replacements::default();
    for (spec, d) in replace_table(ws) {
        let manifest = if let Some(path) = patch_manifest(&d) {
            pkgs.index_of(&path).map(|i| &pkgs.manifests[i])
        } else if d.source_id().is_git() && !git_pkgs.has_source(d.source_id()) {
            out.pending.push((spec, d));
            continue;
        } else {
            git_pkgs.matching(&d).into_iter().next()
        };
        let Some(m) = manifest else {
            anyhow::bail!(
                "no matching package for override `{spec}` found\nlocation searched: {}",
                d.source_id()
            );
        };
        out.loaded.push((spec, summaries::from_manifest(m)));
    }
    Ok(out)
}

/// What one resolve needs besides the replacements.
pub(super) struct Inputs<'a> {
    pub ws: &'a Workspace,
    pub path_pkgs: &'a Packages,
    pub map: &'a SourceMap,
    pub previous: Option<&'a Lockfile>,
    pub sel: &'a Selection,
    pub refresh: &'a git::Refresh,
}

/// Resolve, fetching each replacement's repository when the resolve
/// first needs it (after the index updates printed so far).
pub(super) fn resolve(
    gctx: &mut GlobalContext,
    inputs: &Inputs<'_>,
    git_pkgs: &mut GitPackages,
    remotes: &mut Remotes,
) -> anyhow::Result<(Resolve, Replacements)> {
    loop {
        let replace = replacements(inputs.ws, inputs.path_pkgs, git_pkgs)?;
        let r = super::resolve_with(
            gctx,
            inputs.ws,
            inputs.path_pkgs,
            git_pkgs,
            &replace,
            inputs.map,
            remotes,
            inputs.previous,
            inputs.sel,
        );
        let need = match &r {
            Err(e) => e
                .chain()
                .find_map(|c| c.downcast_ref::<NeedReplacement>())
                .cloned(),
            Ok(_) => None,
        };
        let Some(need) = need else {
            return r.map(|r| (r, replace));
        };
        let Some((_, dep)) = replace.pending.get(need.index).cloned() else {
            return r.map(|r| (r, replace));
        };
        for source in remotes.take_status() {
            gctx.shell.status("Updating", source)?;
        }
        let name = need.id.name();
        let load_error = |e: anyhow::Error| {
            let e = e
                .context(format!("unable to update {}", dep.source_id().url()))
                .context(format!("failed to load source for dependency `{name}`"));
            framed(e, name, need.parent.as_ref())
        };
        let fetched = git::load(
            gctx,
            vec![(None, dep.clone())],
            inputs.previous,
            inputs.refresh,
        )
        .map_err(load_error)?;
        git_pkgs.merge(fetched);
        if git_pkgs.matching(&dep).is_empty() {
            // cargo asks the repository for the matched package's exact
            // version.
            let found_any = git_pkgs
                .sources
                .get(dep.source_id())
                .is_some_and(|ms| !ms.is_empty());
            let checkout = git_pkgs.checkouts.get(dep.source_id()).map(|(p, _)| p);
            let e = match checkout {
                Some(path) if !found_any => {
                    return Err(load_error(anyhow::anyhow!(
                        "could not find `Cargo.toml` in `{}`",
                        path.display()
                    )));
                }
                _ => anyhow::anyhow!(
                    "no matching package for override `{}#{name}@{}` found\n\
                     location searched: {}\n\
                     version required: ={}",
                    need.id.source_id().url(),
                    need.id.version(),
                    dep.source_id().url(),
                    need.id.version()
                ),
            };
            return Err(framed(e, name, need.parent.as_ref()));
        }
    }
}

/// After the lock is written, as cargo: fields a `[replace]` entry
/// ignores, then the entries nothing in the graph matches.
pub(super) fn warn_about_replacements(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    replace: &Replacements,
    replaced: &BTreeMap<PackageId, PackageId>,
) -> anyhow::Result<()> {
    for (spec, d) in replace_table(ws) {
        let mut unused = Vec::new();
        if !d.features().is_empty() {
            unused.push("`features`");
        }
        if !d.uses_default_features() {
            unused.push("`default-features`");
        }
        if !unused.is_empty() {
            let unused = unused.join(", ");
            gctx.shell.warn(format!(
                "unused field in replacement for `{}`: {unused}\n  |\n  = note: configure {unused} in the `dependencies` entry",
                spec.name()
            ))?;
        }
    }
    for spec in replace.specs() {
        if !replaced.keys().any(|id| spec.matches(id)) {
            gctx.shell
                .warn(format!("package replacement is not used: {spec}"))?;
        }
    }
    Ok(())
}

/// The packages of `resolve` a `[replace]` entry stands in for, with the
/// id of the package that does.
pub(super) fn replaced_ids(
    resolve: &Resolve,
    replace: &Replacements,
) -> BTreeMap<PackageId, PackageId> {
    resolve
        .ids()
        .filter_map(|id| {
            registry::replacement_of(&replace.loaded, id)
                .map(|(_, r)| (id.clone(), r.package_id().clone()))
        })
        .collect()
}
