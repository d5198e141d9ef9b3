//! A unit: one rustc (or rustdoc, or build-script) invocation — a target of
//! a package, built in a mode, with a profile, for the host or the target.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::profile::ResolvedProfile;

/// What a unit does with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompileMode {
    /// Compile to an artifact.
    Build,
    /// Metadata only (`check`).
    Check,
    /// Compile with `--test`.
    Test,
    /// Compile with `--test` for benchmarking (`cargo bench`).
    Bench,
    /// Run rustdoc.
    Doc,
    /// Run a compiled build script.
    RunCustomBuild,
}

impl CompileMode {
    pub fn is_any_test(self) -> bool {
        matches!(self, CompileMode::Test | CompileMode::Bench)
    }

    pub fn is_run_custom_build(self) -> bool {
        self == CompileMode::RunCustomBuild
    }
}

/// Where a unit's output runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompileKind {
    Host,
    Target(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitInner {
    /// Index of the package in the [`crate::PackageGraph`].
    pub pkg: usize,
    /// Index of the target in the package's manifest.
    pub target: usize,
    pub mode: CompileMode,
    pub kind: CompileKind,
    pub profile: ResolvedProfile,
    /// Enabled features, sorted.
    pub features: BTreeSet<String>,
    /// Built for the host because a build script or proc macro needs it.
    pub for_host: bool,
}

/// Cheap to clone and compare by value.
pub type Unit = Arc<UnitInner>;
