//! mycargo-core: the vocabulary every other crate speaks, with no IO.
//!
//! - [`cfg`] and [`platform`]: `cfg(...)` expressions and `[target.X]` keys.
//! - [`names`]: package, feature, profile name rules (`cargo new` checks too).
//! - [`source_id`], [`package_id`], [`package_id_spec`]: identities and specs.
//! - [`dependency`], [`feature_value`], [`edition`], [`partial_version`].

pub mod cfg;
pub mod dependency;
pub mod edition;
pub mod feature_value;
pub mod names;
pub mod package_id;
pub mod package_id_spec;
pub mod partial_version;
pub mod platform;
pub mod source_id;

pub use cfg::{Cfg, CfgExpr, CfgParseError};
pub use dependency::{DepKind, Dependency, VersionRequirement};
pub use edition::Edition;
pub use feature_value::FeatureValue;
pub use package_id::PackageId;
pub use package_id_spec::{PackageIdSpec, PackageIdSpecError};
pub use partial_version::PartialVersion;
pub use platform::Platform;
pub use source_id::{GitReference, SourceId, SourceKind};
