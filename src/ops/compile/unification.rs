//! `resolver.feature-unification` (nightly, `-Z feature-unification`):
//! which packages' features are unified. `selected` (cargo's default):
//! the packages selected for the build; `workspace`: every member, as if
//! all were selected (only the selected are built); `package`: each
//! selected package on its own, as if built alone (a shared dependency
//! may then be built once per feature set).

use mycargo_compiler::{PackageGraph, ProfileMaker, Selection, TargetData, UnitGraph};

use super::CompileRequest;
use super::features::{self, Resolved};
use super::packages::Packages;
use crate::ops::workspace::FeatureUnification;

/// The feature resolutions of a build: one, or one per selected package.
pub(super) enum Plan {
    One(Resolved),
    PerPackage(Vec<(usize, Resolved)>),
}

impl Plan {
    pub fn resolve(
        mode: FeatureUnification,
        pkgs: &Packages,
        roots: &[usize],
        req: &CompileRequest<'_>,
        ws: &mycargo_manifest::Workspace,
        data: &TargetData,
    ) -> anyhow::Result<Plan> {
        match mode {
            FeatureUnification::Selected => {
                Ok(Plan::One(features::resolve(pkgs, roots, req, ws, data)?))
            }
            FeatureUnification::Workspace => {
                // The command line's features are still checked against
                // the selected packages.
                let graph = super::packages::feature_graph(pkgs);
                let selection = pkgs.root_selection(ws, roots.to_vec());
                let cli = req.features.to_cli_features();
                let version = super::packages::resolver_version(ws);
                mycargo_resolver::root_requests(&graph, &selection, &cli, version)
                    .map_err(anyhow::Error::from)?;
                let members: Vec<usize> = (0..pkgs.manifests.len())
                    .filter(|&i| pkgs.members[i])
                    .collect();
                Ok(Plan::One(features::resolve(pkgs, &members, req, ws, data)?))
            }
            FeatureUnification::Package => {
                // Each package takes the command line's features that are
                // its own (as when all are selected), then resolves alone.
                let graph = super::packages::feature_graph(pkgs);
                let selection = pkgs.root_selection(ws, roots.to_vec());
                let cli = req.features.to_cli_features();
                let version = super::packages::resolver_version(ws);
                let requests = mycargo_resolver::root_requests(&graph, &selection, &cli, version)
                    .map_err(anyhow::Error::from)?;
                let mut out = Vec::new();
                for &root in roots {
                    let own = requests.iter().find(|r| r.pkg == root);
                    let cli = match own {
                        Some(r) => mycargo_resolver::CliFeatures {
                            features: r.features.iter().map(|f| f.to_string()).collect(),
                            all_features: r.all_features,
                            uses_default_features: r.uses_default_features,
                        },
                        None => cli.clone(),
                    };
                    let resolved = features::resolve_with(pkgs, &[root], &cli, req, ws, data)?;
                    out.push((root, resolved));
                }
                Ok(Plan::PerPackage(out))
            }
        }
    }

    /// The unit graph: for `package`, each package's graph, together.
    pub fn units(
        &self,
        graph: &PackageGraph<'_>,
        profiles: &ProfileMaker,
        selection: &Selection,
    ) -> anyhow::Result<UnitGraph> {
        match self {
            Plan::One(r) => Ok(UnitGraph::new(graph, r, profiles, selection)?),
            Plan::PerPackage(each) => {
                let mut all: Option<UnitGraph> = None;
                for (root, r) in each {
                    let one = Selection {
                        roots: vec![*root],
                        ..selection.clone()
                    };
                    let g = UnitGraph::new(graph, r, profiles, &one)?;
                    match &mut all {
                        Some(a) => a.merge(g),
                        None => all = Some(g),
                    }
                }
                match all {
                    Some(a) => Ok(a),
                    None => Ok(UnitGraph::new(graph, &NoFeatures, profiles, selection)?),
                }
            }
        }
    }
}

/// No package selected: nothing has features.
struct NoFeatures;

impl mycargo_compiler::Features for NoFeatures {
    fn features(&self, _: usize, _: bool) -> std::collections::BTreeSet<String> {
        Default::default()
    }

    fn dep_active(&self, _: usize, _: bool, _: usize) -> bool {
        false
    }

    fn active(&self, _: usize, _: bool) -> bool {
        false
    }
}
