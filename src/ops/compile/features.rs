//! Feature resolution for a build: the resolver crate's answer, adapted to
//! the compiler's [`mycargo_compiler::Features`] question.

use std::collections::BTreeSet;

use mycargo_compiler::{CompileMode, TargetData};
use mycargo_resolver::{FeatureOpts, HasDevUnits, ResolvedFeatures, TargetInfo};

use super::CompileRequest;
use super::packages::Packages;

pub struct Resolved(ResolvedFeatures);

impl mycargo_compiler::Features for Resolved {
    fn features(&self, pkg: usize, for_host: bool) -> BTreeSet<String> {
        self.0.features(pkg, for_host).clone()
    }

    /// Edges are in the order of the manifest's dependencies (the package
    /// loader keeps every declaration), so the indices agree.
    fn dep_active(&self, pkg: usize, for_host: bool, dep: usize) -> bool {
        self.0.is_dep_active(pkg, for_host, dep)
    }

    fn active(&self, pkg: usize, for_host: bool) -> bool {
        self.0.is_active(pkg, for_host)
    }
}

pub fn resolve(
    pkgs: &Packages,
    roots: &[usize],
    req: &CompileRequest<'_>,
    ws: &mycargo_manifest::Workspace,
    data: &TargetData,
) -> anyhow::Result<Resolved> {
    let graph = super::packages::feature_graph(pkgs);
    let selection = pkgs.root_selection(ws, roots.to_vec());
    let cli = req.features.to_cli_features();
    let host = TargetInfo::new(data.host.clone(), data.host_info.cfgs.clone());
    let targets = match &data.target {
        Some((t, info)) => vec![TargetInfo::new(t.clone(), info.cfgs.clone())],
        None => vec![host.clone()],
    };
    let dev_units = match req.mode {
        CompileMode::Test | CompileMode::Bench => HasDevUnits::Yes,
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
    Ok(Resolved(mycargo_resolver::resolve_features(
        &graph, &selection, &cli, &opts,
    )?))
}
