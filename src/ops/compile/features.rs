//! Feature resolution for a build: the resolver crate's answer, adapted to
//! the compiler's [`mycargo_compiler::Features`] question.

use std::collections::{BTreeSet, HashMap};

use mycargo_compiler::TargetData;
use mycargo_resolver::{FeatureOpts, HasDevUnits, ResolvedFeatures, TargetInfo};

use super::CompileRequest;
use super::packages::Packages;

pub struct Resolved {
    features: ResolvedFeatures,
    /// Per package: manifest dependency index → position of its edge (the
    /// feature resolver numbers a package's edges; a registry package has
    /// none for declarations the resolve left out).
    edge_of: Vec<HashMap<usize, usize>>,
}

impl mycargo_compiler::Features for Resolved {
    fn features(&self, pkg: usize, for_host: bool) -> BTreeSet<String> {
        self.features.features(pkg, for_host).clone()
    }

    fn dep_active(&self, pkg: usize, for_host: bool, dep: usize) -> bool {
        self.edge_of
            .get(pkg)
            .and_then(|m| m.get(&dep))
            .is_some_and(|&k| self.features.is_dep_active(pkg, for_host, k))
    }

    fn active(&self, pkg: usize, for_host: bool) -> bool {
        self.features.is_active(pkg, for_host)
    }
}

pub fn resolve(
    pkgs: &Packages,
    roots: &[usize],
    req: &CompileRequest<'_>,
    ws: &mycargo_manifest::Workspace,
    data: &TargetData,
) -> anyhow::Result<Resolved> {
    resolve_with(pkgs, roots, &req.features.to_cli_features(), req, ws, data)
}

/// [`resolve`] with the command line's features given.
pub fn resolve_with(
    pkgs: &Packages,
    roots: &[usize],
    cli: &mycargo_resolver::CliFeatures,
    req: &CompileRequest<'_>,
    ws: &mycargo_manifest::Workspace,
    data: &TargetData,
) -> anyhow::Result<Resolved> {
    let graph = super::packages::feature_graph(pkgs);
    let selection = pkgs.root_selection(ws, roots.to_vec());
    let cli = cli.clone();
    let host = TargetInfo::new(data.host.clone(), data.host_info.cfgs.clone());
    let targets = match &data.target {
        Some((t, info)) => vec![TargetInfo::new(t.clone(), info.cfgs.clone())],
        None => vec![host.clone()],
    };
    let dev_units = match req.mode {
        m if m.is_rustc_test() => HasDevUnits::Yes,
        _ if req.targets.all_targets
            || req.targets.tests
            || req.targets.examples
            || req.targets.benches =>
        {
            HasDevUnits::Yes
        }
        _ if req.targets.test.is_some()
            || req.targets.example.is_some()
            || req.targets.bench.is_some() =>
        {
            HasDevUnits::Yes
        }
        _ => HasDevUnits::No,
    };
    let opts = FeatureOpts {
        version: super::packages::resolver_version(ws),
        targets: Some(targets),
        host,
        dev_units,
    };
    let edge_of = pkgs
        .edges
        .iter()
        .map(|edges| {
            edges
                .iter()
                .enumerate()
                .map(|(k, &(di, _))| (di, k))
                .collect()
        })
        .collect();
    Ok(Resolved {
        features: mycargo_resolver::resolve_features(&graph, &selection, &cli, &opts)?,
        edge_of,
    })
}

/// The command line's features, checked as cargo checks them before the
/// resolve: features for a package outside the workspace, or that no
/// selected member has. (A member lacking a feature is said by the
/// feature resolution, later.)
pub fn check_selection(
    ws: &mycargo_manifest::Workspace,
    selection: &crate::cli::common::PackageSelection,
    features: &crate::cli::common::Features,
) -> anyhow::Result<()> {
    let cli = features.to_cli_features();
    let asked = !cli.features.is_empty() || cli.all_features || !cli.uses_default_features;
    // Nothing asked, nothing to refuse (and no member read again).
    if !asked {
        return Ok(());
    }
    let members = super::packages::load_members(ws);
    // Resolver 1 in a package takes features for any selected package.
    let new_behavior = ws.current().is_none()
        || super::packages::resolver_version(ws) != mycargo_resolver::ResolverVersion::V1;
    if new_behavior
        && !selection.workspace
        && selection.packages().iter().any(|spec| {
            mycargo_core::PackageIdSpec::parse(spec, None).is_ok_and(|spec| {
                !members
                    .manifests
                    .iter()
                    .any(|m| spec.matches(&m.package_id))
            })
        })
    {
        return Err(mycargo_resolver::FeatureError::FeaturesOutsideWorkspace.into());
    }
    let Ok(roots) = super::select_packages(ws, &members, selection) else {
        return Ok(());
    };
    use mycargo_resolver::FeatureError;
    match member_requests(ws, &members, roots, &cli) {
        // `dep/feat` needs the dependencies, resolved later: only plain
        // names and `member/feat` are judged here.
        Err(e @ FeatureError::UnknownCliFeatures { .. })
            if matches!(&e, FeatureError::UnknownCliFeatures { unknown, selected, .. }
            if unknown.iter().all(|f| match f.split_once('/') {
                Some((pkg, _)) => selected.iter().any(|s| s == pkg),
                None => true,
            })) =>
        {
            Err(e.into())
        }
        Err(
            e @ (FeatureError::FeaturesOutsideWorkspace
            | FeatureError::CliDepSyntax { .. }
            | FeatureError::CliMultipleSlashes { .. }),
        ) => Err(e.into()),
        _ => Ok(()),
    }
}

/// A selected member that lacks a feature asked for: cargo's error, once
/// the graph is resolved (the dependencies' features are judged later).
pub fn check_members_have(
    ws: &mycargo_manifest::Workspace,
    pkgs: &Packages,
    selection: &crate::cli::common::PackageSelection,
    features: &crate::cli::common::Features,
) -> anyhow::Result<()> {
    let cli = features.to_cli_features();
    if cli.features.is_empty() {
        return Ok(());
    }
    let Ok(roots) = super::select_packages(ws, pkgs, selection) else {
        return Ok(());
    };
    let Ok(requests) = member_requests(ws, pkgs, roots, &cli) else {
        return Ok(());
    };
    match mycargo_resolver::features::validate_roots(&declared_graph(pkgs), &requests) {
        Err(e @ mycargo_resolver::FeatureError::MissingFeature { .. }) => Err(e.into()),
        _ => Ok(()),
    }
}

/// The feature graph of `pkgs` before registry and git dependencies are
/// loaded: every declaration is listed (an edge to the package itself
/// where nothing is loaded), so an optional dependency counts as a feature
/// name, as it does for cargo.
fn declared_graph(pkgs: &Packages) -> Vec<mycargo_resolver::PackageNode> {
    let mut graph = super::packages::feature_graph(pkgs);
    for (i, node) in graph.iter_mut().enumerate() {
        let m = &pkgs.manifests[i];
        for (di, dep) in m.dependencies.iter().enumerate() {
            if !pkgs.edges[i].iter().any(|&(x, _)| x == di) {
                node.deps.push(mycargo_resolver::DepEdge {
                    to: i,
                    dep: dep.clone(),
                });
            }
        }
    }
    graph
}

fn member_requests(
    ws: &mycargo_manifest::Workspace,
    pkgs: &Packages,
    roots: Vec<usize>,
    cli: &mycargo_resolver::CliFeatures,
) -> Result<Vec<mycargo_resolver::RootRequest>, mycargo_resolver::FeatureError> {
    let graph = declared_graph(pkgs);
    let selection = pkgs.root_selection(ws, roots);
    let version = super::packages::resolver_version(ws);
    mycargo_resolver::root_requests(&graph, &selection, cli, version)
}
