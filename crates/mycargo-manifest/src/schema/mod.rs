//! The on-disk shapes of `Cargo.toml`, deserialized with serde. Nothing here
//! validates beyond types and key names; [`crate::convert`] turns a
//! [`TomlManifest`] into the model with cargo's checks.

pub mod dependency;
pub mod inheritable;
pub mod lints;
pub mod names;
pub mod package;
pub mod profile;
pub mod target;
pub mod workspace;

use std::collections::BTreeMap;

use serde::Deserialize;

pub use dependency::{
    InheritableDependency, TomlDependency, TomlDetailedDependency, TomlInheritedDependency,
};
pub use inheritable::{
    InheritableField, RustVersion, StringOrBool, TomlPackageBuild, VecStringOrBool,
};
pub use lints::{InheritableLints, TomlLint, TomlLintLevel, TomlLints, lint_rustflags};
pub use names::{FeatureName, PackageName, ProfileName};
pub use package::TomlPackage;
pub use profile::{TomlDebugInfo, TomlOptLevel, TomlProfile, TomlProfiles};
pub use target::TomlTarget;
pub use workspace::{InheritablePackage, TomlWorkspace};

/// A dependency table: `[dependencies]` and friends.
pub type DepTable = BTreeMap<PackageName, InheritableDependency>;

/// The whole manifest.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TomlManifest {
    pub cargo_features: Option<Vec<String>>,
    pub package: Option<Box<TomlPackage>>,
    pub project: Option<Box<TomlPackage>>,
    pub badges: Option<BTreeMap<String, BTreeMap<String, String>>>,
    pub features: Option<BTreeMap<FeatureName, Vec<String>>>,
    pub lib: Option<TomlTarget>,
    pub bin: Option<Vec<TomlTarget>>,
    pub example: Option<Vec<TomlTarget>>,
    pub test: Option<Vec<TomlTarget>>,
    pub bench: Option<Vec<TomlTarget>>,
    pub dependencies: Option<DepTable>,
    pub dev_dependencies: Option<DepTable>,
    #[serde(rename = "dev_dependencies")]
    pub dev_dependencies2: Option<DepTable>,
    pub build_dependencies: Option<DepTable>,
    #[serde(rename = "build_dependencies")]
    pub build_dependencies2: Option<DepTable>,
    pub target: Option<BTreeMap<String, TomlPlatform>>,
    pub lints: Option<InheritableLints>,
    pub hints: Option<toml::Value>,
    pub workspace: Option<TomlWorkspace>,
    pub profile: Option<TomlProfiles>,
    pub patch: Option<BTreeMap<String, BTreeMap<PackageName, TomlDependency>>>,
    pub replace: Option<BTreeMap<String, TomlDependency>>,
}

/// `[target.<platform>]`: platform-specific dependency tables.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TomlPlatform {
    pub dependencies: Option<DepTable>,
    pub build_dependencies: Option<DepTable>,
    #[serde(rename = "build_dependencies")]
    pub build_dependencies2: Option<DepTable>,
    pub dev_dependencies: Option<DepTable>,
    #[serde(rename = "dev_dependencies")]
    pub dev_dependencies2: Option<DepTable>,
}

impl TomlManifest {
    /// `[package]`, or the deprecated `[project]`.
    pub fn package(&self) -> Option<&TomlPackage> {
        self.package.as_deref().or(self.project.as_deref())
    }
}
