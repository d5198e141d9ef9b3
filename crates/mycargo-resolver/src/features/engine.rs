//! The activation walk (cargo's `FeatureResolver`): from the roots, enable
//! feature values, recurse into dependencies, defer weak `dep?/feat` values
//! until `dep` is enabled.
//!
//! Features are keyed by (package, context) where the context is normal
//! (index 0) or host (index 1). Under [`Mode::decouple_host`] the key is the
//! context the package is reached in; otherwise every key is normal, which
//! unifies all uses. A package's dependencies are walked once per context;
//! features added later by another package are applied on the spot and
//! recurse right away, so one walk reaches the fixed point.

use std::collections::{BTreeSet, HashMap};

use mycargo_core::{DepKind, FeatureValue};

use super::cli::RootRequest;
use super::error::{DepFeatureHint, FeatureError};
use super::{DepEdge, FeatureOpts, PackageNode, TargetInfo};

const NORMAL: usize = 0;
const HOST: usize = 1;

/// Which uses of a package are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mode {
    /// Build dependencies and proc-macros get their own feature sets.
    pub decouple_host: bool,
    /// Dev-dependencies are not walked.
    pub decouple_dev: bool,
    /// Dependencies for platforms not being built are not walked.
    pub ignore_inactive_targets: bool,
    /// Whether the host context is tracked at all.
    pub track_for_host: bool,
    /// cargo's dependency resolver: a weak `dep?/feat` enables the optional
    /// `dep` (without its implicit feature) instead of waiting for it.
    pub weak_enables_dep: bool,
}

impl Mode {
    /// Resolver 1: one feature set per package, every platform, the roots'
    /// dev-dependencies.
    pub fn unified() -> Mode {
        Mode {
            decouple_host: false,
            decouple_dev: false,
            ignore_inactive_targets: false,
            track_for_host: false,
            weak_enables_dep: false,
        }
    }
}

/// What a walk found.
pub(crate) struct Activated {
    pub features: Vec<[Option<BTreeSet<String>>; 2]>,
    pub activated_deps: Vec<[BTreeSet<String>; 2]>,
}

pub(crate) struct Engine<'g> {
    graph: &'g [PackageNode],
    mode: Mode,
    targets: Option<&'g [TargetInfo]>,
    host: &'g TargetInfo,
    is_root: &'g [bool],
    /// Enabled features by package and key.
    features: Vec<[Option<BTreeSet<String>>; 2]>,
    /// Enabled optional dependencies (`name_in_toml`) by package and key.
    activated_deps: Vec<[BTreeSet<String>; 2]>,
    /// (package, context) whose dependencies were walked.
    processed: Vec<[bool; 2]>,
    /// `dep?/feat` waiting for `dep`: (package, context, dep) → features.
    deferred: HashMap<(usize, usize, String), BTreeSet<String>>,
}

impl<'g> Engine<'g> {
    pub fn new(
        graph: &'g [PackageNode],
        mode: Mode,
        opts: &'g FeatureOpts,
        is_root: &'g [bool],
    ) -> Engine<'g> {
        Engine {
            graph,
            mode,
            targets: opts.targets.as_deref(),
            host: &opts.host,
            is_root,
            features: vec![[None, None]; graph.len()],
            activated_deps: vec![Default::default(); graph.len()],
            processed: vec![[false; 2]; graph.len()],
            deferred: HashMap::new(),
        }
    }

    /// Activate every root with its command-line features.
    pub fn run(mut self, requests: &[RootRequest]) -> Result<Activated, FeatureError> {
        for request in requests {
            let fvs = self.fvs_from_request(request);
            let ctx = if self.mode.track_for_host && self.graph[request.pkg].is_proc_macro {
                // A proc-macro root is also built for the target (its tests,
                // or `cargo test`), so it is activated in both contexts.
                self.activate_pkg(request.pkg, NORMAL, &fvs)?;
                HOST
            } else {
                NORMAL
            };
            self.activate_pkg(request.pkg, ctx, &fvs)?;
        }
        Ok(Activated {
            features: self.features,
            activated_deps: self.activated_deps,
        })
    }

    /// The storage key of a context.
    fn key(&self, ctx: usize) -> usize {
        if self.mode.decouple_host { ctx } else { NORMAL }
    }

    fn activate_pkg(
        &mut self,
        pkg: usize,
        ctx: usize,
        fvs: &[FeatureValue],
    ) -> Result<(), FeatureError> {
        let key = self.key(ctx);
        self.features[pkg][key].get_or_insert_with(BTreeSet::new);
        for fv in fvs {
            self.activate_fv(pkg, ctx, fv)?;
        }
        if std::mem::replace(&mut self.processed[pkg][ctx], true) {
            // Anything enabled on this package later is applied (and
            // recursed into) where it is enabled.
            return Ok(());
        }
        for (edge, dep_ctx) in self.deps(pkg, ctx) {
            if edge.dep.is_optional() {
                continue;
            }
            let fvs = self.fvs_from_dependency(pkg, edge)?;
            self.activate_pkg(edge.to, dep_ctx, &fvs)?;
        }
        Ok(())
    }

    fn activate_fv(
        &mut self,
        pkg: usize,
        ctx: usize,
        fv: &FeatureValue,
    ) -> Result<(), FeatureError> {
        match fv {
            FeatureValue::Feature(f) => self.activate_rec(pkg, ctx, f),
            FeatureValue::Dep { dep_name } => self.activate_dependency(pkg, ctx, dep_name),
            FeatureValue::DepFeature {
                dep_name,
                dep_feature,
                weak,
            } => self.activate_dep_feature(pkg, ctx, dep_name, dep_feature, *weak),
        }
    }

    /// Enable a feature and what it enables.
    fn activate_rec(&mut self, pkg: usize, ctx: usize, feature: &str) -> Result<(), FeatureError> {
        let key = self.key(ctx);
        let enabled = self.features[pkg][key].get_or_insert_with(BTreeSet::new);
        if !enabled.insert(feature.to_string()) {
            return Ok(());
        }
        let graph = self.graph;
        // Names outside the map were reported by validation; like cargo,
        // they are kept as enabled and do nothing more.
        let Some(fvs) = graph[pkg].feature_map.get(feature) else {
            return Ok(());
        };
        if fvs
            .iter()
            .any(|fv| matches!(fv, FeatureValue::Feature(f) if f == feature))
        {
            return Err(FeatureError::CyclicFeature {
                feature: feature.to_string(),
            });
        }
        for fv in fvs {
            self.activate_fv(pkg, ctx, fv)?;
        }
        Ok(())
    }

    /// `dep:name`: enable an optional dependency, with any weak features
    /// that were waiting for it.
    fn activate_dependency(
        &mut self,
        pkg: usize,
        ctx: usize,
        dep_name: &str,
    ) -> Result<(), FeatureError> {
        let key = self.key(ctx);
        self.activated_deps[pkg][key].insert(dep_name.to_string());
        let waiting = self.deferred.remove(&(pkg, ctx, dep_name.to_string()));
        for (edge, dep_ctx) in self.deps(pkg, ctx) {
            if edge.dep.name_in_toml() != dep_name {
                continue;
            }
            for feature in waiting.iter().flatten() {
                self.activate_fv(edge.to, dep_ctx, &FeatureValue::new(feature))?;
            }
            let fvs = self.fvs_from_dependency(pkg, edge)?;
            self.activate_pkg(edge.to, dep_ctx, &fvs)?;
        }
        Ok(())
    }

    /// `dep/feat` and `dep?/feat`.
    fn activate_dep_feature(
        &mut self,
        pkg: usize,
        ctx: usize,
        dep_name: &str,
        dep_feature: &str,
        weak: bool,
    ) -> Result<(), FeatureError> {
        let graph = self.graph;
        for (edge, dep_ctx) in self.deps(pkg, ctx) {
            if edge.dep.name_in_toml() != dep_name {
                continue;
            }
            // The dependency resolver checks weak features too.
            check_dep_feature(graph, pkg, edge, dep_feature)?;
            if edge.dep.is_optional() {
                let key = self.key(ctx);
                if weak
                    && !self.mode.weak_enables_dep
                    && !self.activated_deps[pkg][key].contains(dep_name)
                {
                    self.deferred
                        .entry((pkg, ctx, dep_name.to_string()))
                        .or_default()
                        .insert(dep_feature.to_string());
                    continue;
                }
                self.activate_dependency(pkg, ctx, dep_name)?;
                // `dep/feat` also enables the implicit feature `dep`, if the
                // package has one (no `dep:dep` anywhere).
                if !weak && graph[pkg].feature_map.contains_key(dep_name) {
                    self.activate_rec(pkg, ctx, dep_name)?;
                }
            }
            self.activate_fv(edge.to, dep_ctx, &FeatureValue::new(dep_feature))?;
        }
        Ok(())
    }

    /// The feature values a dependency declaration asks of its package.
    fn fvs_from_dependency(
        &self,
        pkg: usize,
        edge: &DepEdge,
    ) -> Result<Vec<FeatureValue>, FeatureError> {
        let mut fvs = Vec::with_capacity(edge.dep.features().len() + 1);
        for f in edge.dep.features() {
            check_dep_feature(self.graph, pkg, edge, f)?;
            fvs.push(FeatureValue::new(f));
        }
        if edge.dep.uses_default_features()
            && self.graph[edge.to].feature_map.contains_key("default")
        {
            fvs.push(FeatureValue::Feature("default".to_string()));
        }
        Ok(fvs)
    }

    fn fvs_from_request(&self, request: &RootRequest) -> Vec<FeatureValue> {
        let map = &self.graph[request.pkg].feature_map;
        let mut fvs: Vec<FeatureValue> = request.features.iter().cloned().collect();
        if request.uses_default_features && map.contains_key("default") {
            fvs.push(FeatureValue::Feature("default".to_string()));
        }
        if request.all_features {
            fvs.extend(map.keys().map(|k| FeatureValue::Feature(k.clone())));
        }
        fvs
    }

    /// The dependency edges of `pkg` walked in `ctx`, each with the context
    /// its package is reached in.
    fn deps(&self, pkg: usize, ctx: usize) -> Vec<(&'g DepEdge, usize)> {
        let graph = self.graph;
        graph[pkg]
            .deps
            .iter()
            .filter(|edge| {
                let dep = &edge.dep;
                if dep.kind() == DepKind::Development
                    && (self.mode.decouple_dev || !self.is_root[pkg])
                {
                    return false;
                }
                if dep.platform().is_some() && self.mode.ignore_inactive_targets {
                    let built = if dep.kind() == DepKind::Build || ctx == HOST {
                        self.host.activates(dep)
                    } else {
                        self.targets
                            .is_none_or(|ts| ts.iter().any(|t| t.activates(dep)))
                    };
                    if !built {
                        return false;
                    }
                }
                true
            })
            .map(|edge| {
                let dep_ctx = if ctx == NORMAL
                    && self.mode.track_for_host
                    && (edge.dep.kind() == DepKind::Build || graph[edge.to].is_proc_macro)
                {
                    HOST
                } else {
                    ctx
                };
                (edge, dep_ctx)
            })
            .collect()
    }
}

/// The dependency resolver's check that the package `edge` leads to has the
/// feature `pkg` asks of it.
fn check_dep_feature(
    graph: &[PackageNode],
    pkg: usize,
    edge: &DepEdge,
    feature: &str,
) -> Result<(), FeatureError> {
    let target = &graph[edge.to];
    if target.feature_map.contains_key(feature)
        || feature.contains('/')
        || feature.starts_with("dep:")
    {
        // `/` and `dep:` in a declaration's features are rejected when the
        // manifest is read.
        return Ok(());
    }
    let same_name: Vec<_> = target
        .deps
        .iter()
        .filter(|e| e.dep.name_in_toml() == feature)
        .collect();
    let hint = if same_name.iter().any(|e| e.dep.is_optional()) {
        DepFeatureHint::HiddenOptionalDependency
    } else if !same_name.is_empty() {
        DepFeatureHint::RequiredDependency
    } else if let Some(close) =
        mycargo_util::edit_distance::closest(feature, target.feature_map.keys().map(String::as_str))
    {
        DepFeatureHint::Similar(close.to_string())
    } else if target.feature_map.is_empty() {
        DepFeatureHint::None
    } else {
        DepFeatureHint::Available(target.feature_map.keys().cloned().collect())
    };
    Err(FeatureError::DependencyMissingFeature {
        package: graph[pkg].id.name().to_string(),
        dependency: edge.dep.package_name().to_string(),
        feature: feature.to_string(),
        hint,
    })
}
