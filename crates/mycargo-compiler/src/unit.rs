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
    /// Metadata only, checked as its test harness builds it (`--test`):
    /// `check --tests`, cargo's `Check { test: true }`.
    CheckTest,
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
    /// Compiled to a test executable (`--test`, linked).
    pub fn is_any_test(self) -> bool {
        matches!(self, CompileMode::Test | CompileMode::Bench)
    }

    /// Compiled by rustc with `--test`: a test executable or its check.
    pub fn is_rustc_test(self) -> bool {
        self.is_any_test() || self == CompileMode::CheckTest
    }

    /// Metadata only (`--emit=dep-info,metadata`).
    pub fn is_check(self) -> bool {
        matches!(self, CompileMode::Check | CompileMode::CheckTest)
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
