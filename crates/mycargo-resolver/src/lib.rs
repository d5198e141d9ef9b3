//! mycargo-resolver: deciding what a build is made of, with no IO.
//!
//! - [`features`]: cargo's feature resolver (resolver versions 1 and 2) over
//!   an already-resolved package graph: which features each package is built
//!   with, in which context (normal or host), and which dependency edges are
//!   in use.
//!
//! Version resolution (choosing one version per requirement) will live here
//! too; it is not written yet.

pub mod features;

pub use features::{
    CliFeatures, Contexts, DepEdge, FeatureError, FeatureOpts, HasDevUnits, PackageNode,
    ResolvedFeatures, ResolverVersion, RootRequest, RootSelection, TargetInfo,
    resolve_dependency_features, resolve_features, root_requests,
};
