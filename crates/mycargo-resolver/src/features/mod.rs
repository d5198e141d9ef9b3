//! Feature resolution: which features every package of an already-resolved
//! graph is built with, as cargo's feature resolver decides it.
//!
//! The input is a graph of [`PackageNode`]s (one per package id, versions
//! already chosen) whose [`DepEdge`]s say which package each declared
//! dependency resolved to, plus the workspace's [`RootSelection`], the
//! command line's [`CliFeatures`] and the build's [`FeatureOpts`].
//!
//! [`resolve_features`] works in three steps:
//!
//! 1. `cli`: split `--features`, then decide which root packages get which
//!    command-line features. Resolver 2 (and any virtual workspace) applies
//!    them to the selected packages and rejects names none of them has;
//!    resolver 1 in a root package applies plain names to the package of the
//!    current directory (always a root, even when not selected) and
//!    `member/feat` to selected members. Then the checks cargo's dependency
//!    resolver makes for roots (unknown features, `dep/feat` of a missing
//!    dependency, self-cycles), with cargo's messages.
//! 2. `engine`: activation. From every root, enable the requested feature
//!    values, then walk non-optional dependencies (with the features their
//!    declarations ask for and `default` unless `default-features = false`);
//!    `dep:x` and `x/feat` enable optional dependencies as they are reached;
//!    `x?/feat` waits until something else enables `x` and then applies
//!    (weak features are deferred per package, context and dependency, which
//!    makes the walk a fixed point). Every package is visited once per
//!    context. The walk is first run with resolver 1 rules as a validation
//!    pass (it reaches a superset of what resolver 2 reaches, like cargo's
//!    dependency resolver does), so features a dependency declaration asks
//!    for but the package lacks are reported even when resolver 2 would not
//!    activate them.
//! 3. The result, [`ResolvedFeatures`], keyed by (package, context).
//!
//! Resolver 1 unifies everything: one feature set per package, dependencies
//! for every platform and the roots' dev-dependencies always count.
//! Resolver 2 decouples: build-dependencies, proc-macros and everything they
//! reach are resolved in the host context apart from the normal context;
//! dev-dependencies count only when dev units (tests, examples, benches) are
//! built; dependencies for platforms not being built do not count unless
//! every platform is requested (`targets: None`, as `cargo metadata` and
//! `cargo tree --target all` do).
//!
//! Dev-dependency edges count only for root packages (cargo's resolve keeps
//! them for the roots only), so a graph may carry them for every member.
//!
//! `cargo metadata`'s `resolve.nodes[].features` is not this result: cargo
//! takes it from its dependency resolver, which counts a weak `x?/feat` as
//! if `x` were enabled (so `x` is listed, with `feat`, though not built).

mod cli;
mod engine;
mod error;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use mycargo_core::{Cfg, DepKind, Dependency, FeatureValue, PackageId};

pub use cli::RootRequest;
pub use error::{DepFeatureHint, FeatureError, MissingFeatureHint};

/// One package of the resolved graph.
#[derive(Debug, Clone)]
pub struct PackageNode {
    pub id: PackageId,
    /// The feature map: the `[features]` table plus the implicit feature of
    /// each optional dependency not named with `dep:` (as
    /// `mycargo_manifest::Manifest::feature_map`).
    pub feature_map: BTreeMap<String, Vec<FeatureValue>>,
    /// The package's dependency declarations that resolved to a package of
    /// the graph. Declarations left out are never active; pass every
    /// declaration that could be (normally all of them).
    pub deps: Vec<DepEdge>,
    /// Whether the library target is a proc-macro (built for the host).
    pub is_proc_macro: bool,
    /// The names (as written) of every dependency declaration, those for
    /// other platforms too: `--features dep/feat` may name any of them.
    pub declared: Vec<String>,
}

/// A dependency declaration and the package it resolved to.
#[derive(Debug, Clone)]
pub struct DepEdge {
    /// Index into the graph.
    pub to: usize,
    pub dep: Dependency,
}

/// `--features`, `--all-features` and `--no-default-features`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliFeatures {
    /// As given: each string may hold several names separated by spaces or
    /// commas; a name is `feat`, `dep/feat`, `dep?/feat` or `member/feat`.
    pub features: Vec<String>,
    pub all_features: bool,
    /// False with `--no-default-features`.
    pub uses_default_features: bool,
}

impl Default for CliFeatures {
    /// No flags: default features only.
    fn default() -> CliFeatures {
        CliFeatures {
            features: Vec::new(),
            all_features: false,
            uses_default_features: true,
        }
    }
}

impl CliFeatures {
    /// `--features` with the given strings, and default features.
    pub fn with_features<S: Into<String>>(features: impl IntoIterator<Item = S>) -> CliFeatures {
        CliFeatures {
            features: features.into_iter().map(Into::into).collect(),
            ..CliFeatures::default()
        }
    }

    /// The requested names split and parsed, with cargo's checks
    /// (`dep:` is not allowed on the command line, nor two slashes).
    pub fn parse(&self) -> Result<BTreeSet<FeatureValue>, FeatureError> {
        cli::parse_features(&self.features)
    }
}

/// The `resolver` setting, as far as features are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolverVersion {
    /// Features unified across all uses of a package.
    V1,
    /// Host, dev and inactive-platform uses decoupled (resolver "2" and "3").
    V2,
}

impl ResolverVersion {
    /// From the manifest value `"1"`, `"2"` or `"3"` (3 resolves features as 2).
    pub fn from_manifest(value: &str) -> Option<ResolverVersion> {
        match value {
            "1" => Some(ResolverVersion::V1),
            "2" | "3" => Some(ResolverVersion::V2),
            _ => None,
        }
    }
}

/// Whether any dev unit (test, example, bench of a root) is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasDevUnits {
    Yes,
    No,
}

/// A platform being built for: its triple and `rustc --print cfg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    pub triple: String,
    pub cfgs: Vec<Cfg>,
}

impl TargetInfo {
    pub fn new(triple: impl Into<String>, cfgs: Vec<Cfg>) -> TargetInfo {
        TargetInfo {
            triple: triple.into(),
            cfgs,
        }
    }

    /// Whether `dep` applies on this platform (no `[target]` key, or a
    /// matching one).
    pub fn activates(&self, dep: &Dependency) -> bool {
        dep.applies_to(&self.triple, &self.cfgs)
    }
}

/// How to resolve.
#[derive(Debug, Clone)]
pub struct FeatureOpts {
    pub version: ResolverVersion,
    /// The platforms built for (`--target`, or the host when none is given);
    /// `None` counts dependencies of every platform (`--target all`,
    /// `cargo metadata` without `--filter-platform`).
    pub targets: Option<Vec<TargetInfo>>,
    /// The host: build scripts, proc-macros and their dependencies.
    pub host: TargetInfo,
    pub dev_units: HasDevUnits,
}

/// The workspace and the packages a command acts on.
#[derive(Debug, Clone, Default)]
pub struct RootSelection {
    /// Every workspace member, in workspace order.
    pub members: Vec<usize>,
    /// The packages selected by `-p`, `--workspace` or default members
    /// (may name non-members). Empty means every member with all features,
    /// as when generating a lock file.
    pub selected: Vec<usize>,
    /// The package of the manifest the command runs on (cwd or
    /// `--manifest-path`), if it is a package.
    pub current: Option<usize>,
    /// Whether the workspace root manifest has no `[package]`.
    pub is_virtual: bool,
}

impl RootSelection {
    /// Exactly `packages`, which are the whole workspace, under the rules of
    /// a virtual workspace.
    pub fn packages(packages: &[usize]) -> RootSelection {
        RootSelection {
            members: packages.to_vec(),
            selected: packages.to_vec(),
            current: None,
            is_virtual: true,
        }
    }
}

/// The contexts a package is built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Contexts {
    /// For the target: a normal or dev dependency of something built for the
    /// target. Under resolver 1 this is the only context, unifying all uses.
    pub normal: bool,
    /// For the host under resolver 2: a build dependency, a proc-macro, or
    /// reached from one of them.
    pub host: bool,
}

impl Contexts {
    pub fn is_used(self) -> bool {
        self.normal || self.host
    }

    pub fn both(self) -> bool {
        self.normal && self.host
    }
}

/// The outcome of [`resolve_features`].
#[derive(Debug, Clone)]
pub struct ResolvedFeatures {
    decouple_host: bool,
    /// Enabled features by package and context (0 normal, 1 host); `None`
    /// when the package is not used in that context.
    features: Vec<[Option<BTreeSet<String>>; 2]>,
    /// Enabled optional dependencies (by `name_in_toml`), same keys.
    activated_deps: Vec<[BTreeSet<String>; 2]>,
    roots: Vec<usize>,
    is_root: Vec<bool>,
    deps: Vec<Vec<Dependency>>,
    targets: Option<Vec<TargetInfo>>,
    host: TargetInfo,
    dev_units: HasDevUnits,
}

static NO_FEATURES: BTreeSet<String> = BTreeSet::new();

impl ResolvedFeatures {
    fn key(&self, for_host: bool) -> usize {
        usize::from(self.decouple_host && for_host)
    }

    /// Enabled features of a package in the given context (`for_host`: build
    /// dependencies, build scripts, proc-macros and what they reach, under
    /// resolver 2; resolver 1 unifies, so there `for_host` is ignored).
    /// Empty when the package is not used in that context.
    pub fn features(&self, pkg: usize, for_host: bool) -> &BTreeSet<String> {
        self.features
            .get(pkg)
            .and_then(|f| f[self.key(for_host)].as_ref())
            .unwrap_or(&NO_FEATURES)
    }

    /// Whether the package is used in the given context.
    pub fn is_active(&self, pkg: usize, for_host: bool) -> bool {
        self.features
            .get(pkg)
            .is_some_and(|f| f[self.key(for_host)].is_some())
    }

    /// Whether dependency `dep_index` (into `graph[pkg].deps`) of a package
    /// used in the given context is built: the package is used there, the
    /// dependency's platform is built (build dependencies and host contexts
    /// are checked against the host), a dev-dependency only of a root and
    /// with dev units, an optional dependency only when a feature enabled it.
    pub fn is_dep_active(&self, pkg: usize, for_host: bool, dep_index: usize) -> bool {
        let Some(dep) = self.deps.get(pkg).and_then(|d| d.get(dep_index)) else {
            return false;
        };
        if !self.is_active(pkg, for_host) {
            return false;
        }
        if dep.kind() == DepKind::Development
            && !(self.is_root[pkg] && self.dev_units == HasDevUnits::Yes)
        {
            return false;
        }
        if let Some(targets) = &self.targets {
            let on_host = for_host || dep.kind() == DepKind::Build;
            let built = if on_host {
                self.host.activates(dep)
            } else {
                targets.iter().any(|t| t.activates(dep))
            };
            if !built {
                return false;
            }
        }
        !dep.is_optional()
            || self.activated_deps[pkg][self.key(for_host)].contains(dep.name_in_toml())
    }

    /// The contexts a package is used in (none when it is not used).
    pub fn contexts(&self, pkg: usize) -> Contexts {
        let f = self.features.get(pkg);
        Contexts {
            normal: f.is_some_and(|f| f[0].is_some()),
            host: f.is_some_and(|f| f[1].is_some()),
        }
    }

    /// The packages resolution started from (the selected members, and under
    /// resolver 1 the current package), in workspace order.
    pub fn roots(&self) -> &[usize] {
        &self.roots
    }
}

/// The root packages of a command and the command-line features each is
/// activated with (cargo's `Workspace::members_with_features`), checked as
/// [`resolve_features`] checks them. `version` is the workspace's resolver.
pub fn root_requests(
    graph: &[PackageNode],
    roots: &RootSelection,
    cli: &CliFeatures,
    version: ResolverVersion,
) -> Result<Vec<RootRequest>, FeatureError> {
    let requested = cli.parse()?;
    let new_behavior = roots.is_virtual || version == ResolverVersion::V2;
    cli::members_with_features(graph, roots, cli, &requested, new_behavior)
}

/// The features cargo's dependency resolver settles on, which is what
/// `cargo metadata` reports in `resolve.nodes[].features` and which packages
/// its resolve holds: one unified set per package, dependencies of every
/// platform, the roots' dev-dependencies, and a weak `dep?/feat` enabling
/// the optional `dep` (though not its implicit feature `dep`).
///
/// `version` is the workspace's resolver, which decides how command-line
/// features reach the members. Ask the result with `for_host = false`; every package it reaches is
/// [`ResolvedFeatures::is_active`], and [`ResolvedFeatures::is_dep_active`]
/// tells the edges of the resolve.
/// Whether each root has the features asked of it (cargo's error for the
/// first that lacks one).
pub fn validate_roots(graph: &[PackageNode], requests: &[RootRequest]) -> Result<(), FeatureError> {
    for request in requests {
        cli::validate_root(graph, request)?;
    }
    Ok(())
}

pub fn resolve_dependency_features(
    graph: &[PackageNode],
    roots: &RootSelection,
    cli: &CliFeatures,
    version: ResolverVersion,
) -> Result<ResolvedFeatures, FeatureError> {
    let requested = cli.parse()?;
    let new_behavior = roots.is_virtual || version == ResolverVersion::V2;
    let requests = cli::members_with_features(graph, roots, cli, &requested, new_behavior)?;
    for request in &requests {
        cli::validate_root(graph, request)?;
    }
    let mut is_root = vec![false; graph.len()];
    for r in &requests {
        is_root[r.pkg] = true;
    }
    let opts = FeatureOpts {
        version: ResolverVersion::V1,
        targets: None,
        host: TargetInfo::new("", Vec::new()),
        dev_units: HasDevUnits::Yes,
    };
    let mode = engine::Mode {
        weak_enables_dep: true,
        ..engine::Mode::unified()
    };
    let result = engine::Engine::new(graph, mode, &opts, &is_root).run(&requests)?;
    let mut root_list: Vec<usize> = requests.iter().map(|r| r.pkg).collect();
    root_list.dedup();
    Ok(ResolvedFeatures {
        decouple_host: false,
        features: result.features,
        activated_deps: result.activated_deps,
        roots: root_list,
        is_root,
        deps: graph
            .iter()
            .map(|n| n.deps.iter().map(|e| e.dep.clone()).collect())
            .collect(),
        targets: None,
        host: opts.host,
        dev_units: HasDevUnits::Yes,
    })
}

/// Resolve the features of `graph` for a command acting on `roots`.
///
/// Errors are cargo's: command-line syntax, features no selected package
/// has, features a package or a dependency declaration asks for that the
/// package lacks, a feature that enables itself.
pub fn resolve_features(
    graph: &[PackageNode],
    roots: &RootSelection,
    cli: &CliFeatures,
    opts: &FeatureOpts,
) -> Result<ResolvedFeatures, FeatureError> {
    let requested = cli.parse()?;
    let new_behavior = roots.is_virtual || opts.version == ResolverVersion::V2;
    let requests = cli::members_with_features(graph, roots, cli, &requested, new_behavior)?;
    for request in &requests {
        cli::validate_root(graph, request)?;
    }

    let mut is_root = vec![false; graph.len()];
    for r in &requests {
        is_root[r.pkg] = true;
    }
    let unified = engine::Mode::unified();
    let mode = match opts.version {
        ResolverVersion::V1 => unified,
        ResolverVersion::V2 => engine::Mode {
            decouple_host: true,
            decouple_dev: opts.dev_units == HasDevUnits::No,
            ignore_inactive_targets: opts.targets.is_some(),
            track_for_host: true,
            weak_enables_dep: false,
        },
    };
    if mode != unified {
        engine::Engine::new(graph, unified, opts, &is_root).run(&requests)?;
    }
    let result = engine::Engine::new(graph, mode, opts, &is_root).run(&requests)?;

    let mut root_list: Vec<usize> = requests.iter().map(|r| r.pkg).collect();
    root_list.dedup();
    Ok(ResolvedFeatures {
        decouple_host: mode.decouple_host,
        features: result.features,
        activated_deps: result.activated_deps,
        roots: root_list,
        is_root,
        deps: graph
            .iter()
            .map(|n| n.deps.iter().map(|e| e.dep.clone()).collect())
            .collect(),
        targets: opts.targets.clone(),
        host: opts.host.clone(),
        dev_units: opts.dev_units,
    })
}
