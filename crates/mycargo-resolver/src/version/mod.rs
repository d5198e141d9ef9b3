//! Version resolution: which version of every package a workspace uses, as
//! cargo 1.95's dependency resolver decides it, over a [`Registry`] the
//! caller implements (no network, no disk here).
//!
//! The rules:
//!
//! - One version per semver-compatible range (`1.x`, `0.2.x`, `0.0.3`) per
//!   source per package name; versions of different ranges live side by
//!   side.
//! - The highest matching version is chosen, unless the previous lock file
//!   pins one ([`Previous`]; packages in `unlock` are let go, with every
//!   package they pulled in, but their old versions are still preferred),
//!   or, with resolver 3, a newer one needs a newer Rust than the
//!   workspace's `rust-version` (then the highest that fits comes first, and
//!   the highest of all when none fits).
//! - Yanked versions only when the previous lock file has them.
//! - Pre-releases only when the requirement names a pre-release of the same
//!   `major.minor.patch` (the `semver` crate's matching, as cargo's).
//! - Two packages with the same `links` are a conflict.
//! - A feature a dependent asks for must exist in the chosen version, or
//!   that version is passed over; optional dependencies are followed when a
//!   requested feature turns them on (all features of the roots).
//! - Dependencies of every platform and kind of the roots (dev ones too);
//!   dev-dependencies of other packages are ignored.
//! - `[patch]`: a patch for a name in a source answers every requirement it
//!   matches instead of the source; patches left unused are reported.
//!
//! The search is cargo's: a depth-first walk over the dependencies of
//! activated packages (the most constrained frame first), trying candidates
//! best first, going back to the latest choice that can make a difference
//! when a dependency runs out of candidates, and remembering what failed
//! (see `engine`). Its answer is the first solution found, so the walk's
//! order is part of the rules. When nothing works, [`NoSolution`] carries
//! cargo's own message for the last conflict plus a derivation and a hint.

mod conflicts;
mod engine;
mod error;
mod reach;
mod summary;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use mycargo_core::{Dependency, PackageId, PartialVersion, SourceId};

pub use error::{NoSolution, ResolveError, describe_path};
pub use reach::{RootRequest, reachable_with_features};
pub use summary::Summary;

/// An error from the caller's registry.
pub type RegistryError = Box<dyn std::error::Error + Send + Sync>;

/// The packages the resolver may choose from.
pub trait Registry {
    /// The summaries of `dep.package_name()` in `dep.source_id()`. Returning
    /// every version of the name (yanked ones flagged) is right: the
    /// resolver applies the requirement, and asks with `*` to list the
    /// versions that did not match in errors.
    fn query(&mut self, dep: &Dependency) -> Result<Vec<Summary>, RegistryError>;

    /// Versions of `dep`'s package that match its requirement but cannot
    /// be used (an index schema or `rust-version` this cargo does not
    /// support, an invalid entry), each with cargo's words for why
    /// (`requires cargo 1.2345`, `'s index entry is invalid`).
    fn rejected_versions(&mut self, _dep: &Dependency) -> Vec<(semver::Version, String)> {
        Vec::new()
    }

    /// Names of other packages `dep`'s source holds, for a "perhaps you
    /// meant" list when nothing has its name (cargo asks only sources that
    /// can list their packages: directory sources).
    fn alternative_names(&mut self, _dep: &Dependency) -> Vec<String> {
        Vec::new()
    }

    /// Every package name `dep`'s source holds, when it can list them
    /// (a git repository): the hint for a missing package names them.
    fn packages_in_source(&mut self, _dep: &Dependency) -> Option<Vec<String>> {
        None
    }

    /// Whether `source` is replaced by another (`[source]` replacement):
    /// cargo then suggests a crate may need re-vendoring.
    fn is_replaced(&self, _source: &SourceId) -> bool {
        false
    }

    /// How errors name a source after `location searched: `
    /// (`crates.io index`, `` `/path` index (which is replacing registry `crates-io`) ``).
    fn describe_source(&self, source: &SourceId) -> String {
        if source.is_crates_io() {
            "crates.io index".to_string()
        } else if source.is_registry() {
            format!("`{}` index", source.display_registry_name())
        } else {
            source.to_string()
        }
    }
}

/// The resolver setting of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum VersionResolver {
    V1,
    #[default]
    V2,
    /// Rust-version aware version preference (`fallback`).
    V3,
}

/// Which versions are tried first (`-Z minimal-versions` turns it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersionOrdering {
    #[default]
    MaximumFirst,
    MinimumFirst,
}

/// How to resolve.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    pub resolver: VersionResolver,
    /// The Rust versions candidates should fit with resolver 3: the
    /// members' `rust-version`s, or the toolchain's when none has one.
    /// Ignored by resolvers 1 and 2, and when empty.
    pub rust_versions: Vec<PartialVersion>,
    /// Follow the roots' dev-dependencies (true for the lock file).
    pub dev_deps: bool,
    /// The features each root is activated with; every feature of every
    /// root (what a lock file needs) when `None`. Roots not named get
    /// their default features.
    pub root_requests: Option<std::collections::BTreeMap<mycargo_core::PackageId, RootRequest>>,
    /// The order candidates are tried in (after locks and Rust versions).
    pub ordering: VersionOrdering,
    /// `-Z direct-minimal-versions`: a root's own dependencies get their
    /// lowest matching version, and only that one (no backtracking to
    /// another); every other dependency follows `ordering`.
    pub direct_minimal: bool,
}

impl Default for ResolveOptions {
    fn default() -> ResolveOptions {
        ResolveOptions {
            resolver: VersionResolver::V2,
            rust_versions: Vec::new(),
            dev_deps: true,
            root_requests: None,
            ordering: VersionOrdering::MaximumFirst,
            direct_minimal: false,
        }
    }
}

/// One `[patch.<source>]` entry: `summary` replaces `source`'s versions of
/// its name wherever its version matches the requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    /// The source patched (`crates-io`, a registry or git URL).
    pub source: SourceId,
    pub summary: Summary,
}

/// The previous lock file: every locked package and the packages it
/// depends on (`Lockfile::packages` as `id → dependencies`).
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub packages: BTreeMap<PackageId, BTreeSet<PackageId>>,
    /// Locked packages a changed manifest sets free (cargo's poisoning,
    /// found by the caller, which sees every path package; each one
    /// listed, the resolver adds nothing): not pinned, still preferred.
    pub unlocked: BTreeSet<PackageId>,
}

/// Everything the resolver works from.
#[derive(Debug, Clone, Default)]
pub struct ResolveInput {
    /// The workspace members (resolved with all their features).
    pub roots: Vec<Summary>,
    pub previous: Option<Previous>,
    /// Locked packages to let go (`cargo update -p`).
    pub unlock: BTreeSet<PackageId>,
    pub patches: Vec<Patch>,
    pub options: ResolveOptions,
}

/// A declared dependency and the package it resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDep {
    pub dep: Dependency,
    pub package: PackageId,
}

/// One package of the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPackage {
    pub summary: Summary,
    /// In the order the summary declares its dependencies. Declarations
    /// not in use (optional ones no feature turns on, dev-dependencies of
    /// non-roots) are left out.
    pub deps: Vec<ResolvedDep>,
    /// The features the dependency resolver turned on (a superset of what
    /// the feature resolver builds).
    pub features: BTreeSet<String>,
}

/// The resolved graph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolve {
    pub packages: BTreeMap<PackageId, ResolvedPackage>,
    /// Patches no package uses (`[[patch.unused]]`), sorted.
    pub unused_patches: Vec<Summary>,
    /// Every patch the resolve was given.
    pub patches: Vec<Patch>,
}

impl Resolve {
    pub fn get(&self, id: &PackageId) -> Option<&ResolvedPackage> {
        self.packages.get(id)
    }

    /// The package ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &PackageId> {
        self.packages.keys()
    }

    /// The package `name` (any version, any source): the first one found.
    pub fn find(&self, name: &str) -> Option<&PackageId> {
        self.packages.keys().find(|id| id.name() == name)
    }

    /// What `Cargo.lock` records: each package and the packages it depends
    /// on (every kind, once each). With [`Resolve::checksum`] this fills
    /// `mycargo_lockfile::LockedPackage`.
    pub fn lock_dependencies(&self) -> BTreeMap<PackageId, BTreeSet<PackageId>> {
        self.packages
            .iter()
            .map(|(id, p)| {
                (
                    id.clone(),
                    p.deps.iter().map(|d| d.package.clone()).collect(),
                )
            })
            .collect()
    }

    pub fn checksum(&self, id: &PackageId) -> Option<&str> {
        self.packages.get(id).and_then(|p| p.summary.checksum())
    }
}

/// Resolve `input` against `registry`.
pub fn resolve(input: &ResolveInput, registry: &mut dyn Registry) -> Result<Resolve, ResolveError> {
    engine::run(input, registry)
}
