//! mycargo-resolver: deciding what a build is made of, with no IO.
//!
//! - [`features`]: cargo's feature resolver (resolver versions 1 and 2) over
//!   an already-resolved package graph: which features each package is built
//!   with, in which context (normal or host), and which dependency edges are
//!   in use.
//!
//! - [`version`]: cargo's version resolver: which version of every package
//!   the workspace uses, over a [`version::Registry`] the caller implements,
//!   with lock-file preferences, `[patch]`, `links`, and explained
//!   failures.

pub mod features;
pub mod version;

pub use features::{
    CliFeatures, Contexts, DepEdge, FeatureError, FeatureOpts, HasDevUnits, PackageNode,
    ResolvedFeatures, ResolverVersion, RootRequest, RootSelection, TargetInfo,
    resolve_dependency_features, resolve_features, root_requests,
};
