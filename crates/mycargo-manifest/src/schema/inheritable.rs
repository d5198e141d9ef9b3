//! `field = value` or `field = { workspace = true }` / `field.workspace = true`:
//! the shapes of `[package]` fields that may be inherited from
//! `[workspace.package]`, each with cargo's "expected ..." wording.

use serde::de::Error as _;
use serde::de::{self, Deserialize, Deserializer};
use serde_untagged::UntaggedEnumVisitor;

/// A field given here or inherited from the workspace.
#[derive(Debug, Clone, PartialEq)]
pub enum InheritableField<T> {
    Value(T),
    Inherit,
}

impl<T> InheritableField<T> {
    pub fn as_value(&self) -> Option<&T> {
        match self {
            InheritableField::Value(v) => Some(v),
            InheritableField::Inherit => None,
        }
    }

    pub fn is_inherited(&self) -> bool {
        matches!(self, InheritableField::Inherit)
    }
}

/// `{ workspace = true }`; `false` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkspaceTrue;

impl<'de> Deserialize<'de> for WorkspaceTrue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Inherit {
            workspace: bool,
        }
        let i = Inherit::deserialize(d)?;
        if i.workspace {
            Ok(WorkspaceTrue)
        } else {
            Err(de::Error::custom("`workspace` cannot be false"))
        }
    }
}

fn inherit<'de, T>(
    map: serde_untagged::de::Map<'de, '_>,
) -> Result<InheritableField<T>, serde_untagged::de::Error> {
    map.deserialize::<WorkspaceTrue>()
        .map(|_| InheritableField::Inherit)
}

/// A string field (`edition`, `description`, `license`, ...).
pub type InheritableString = InheritableField<String>;
/// A list of strings (`authors`, `keywords`, `categories`, `include`, `exclude`).
pub type InheritableVecString = InheritableField<Vec<String>>;
/// `version`: a SemVer version.
pub type InheritableSemverVersion = InheritableField<semver::Version>;
/// `readme`: a path or a bool.
pub type InheritableStringOrBool = InheritableField<StringOrBool>;
/// `publish`: a bool or a list of registries.
pub type InheritableVecStringOrBool = InheritableField<VecStringOrBool>;
/// `rust-version`.
pub type InheritableRustVersion = InheritableField<RustVersion>;

impl<'de> Deserialize<'de> for InheritableField<String> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("a string or workspace")
            .string(|s| Ok(InheritableField::Value(s.to_string())))
            .map(inherit)
            .deserialize(d)
    }
}

impl<'de> Deserialize<'de> for InheritableField<Vec<String>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("a vector of strings or workspace")
            .seq(|seq| seq.deserialize().map(InheritableField::Value))
            .map(inherit)
            .deserialize(d)
    }
}

impl<'de> Deserialize<'de> for InheritableField<semver::Version> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("SemVer version")
            .string(|s| {
                s.trim()
                    .parse()
                    .map(InheritableField::Value)
                    .map_err(serde_untagged::de::Error::custom)
            })
            .map(inherit)
            .deserialize(d)
    }
}

impl<'de> Deserialize<'de> for InheritableField<StringOrBool> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("a string, a bool, or workspace")
            .bool(|b| Ok(InheritableField::Value(StringOrBool::Bool(b))))
            .string(|s| Ok(InheritableField::Value(StringOrBool::String(s.to_string()))))
            .map(inherit)
            .deserialize(d)
    }
}

impl<'de> Deserialize<'de> for InheritableField<VecStringOrBool> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("a boolean, a vector of strings, or workspace")
            .bool(|b| Ok(InheritableField::Value(VecStringOrBool::Bool(b))))
            .seq(|seq| {
                seq.deserialize()
                    .map(|v| InheritableField::Value(VecStringOrBool::VecString(v)))
            })
            .map(inherit)
            .deserialize(d)
    }
}

impl<'de> Deserialize<'de> for InheritableField<RustVersion> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("a semver or workspace")
            .string(|s| {
                s.parse()
                    .map(InheritableField::Value)
                    .map_err(serde_untagged::de::Error::custom)
            })
            .map(inherit)
            .deserialize(d)
    }
}

/// A path or a switch (`readme`, `build`, `lto`, `strip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringOrBool {
    String(String),
    Bool(bool),
}

impl<'de> Deserialize<'de> for StringOrBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .bool(|b| Ok(StringOrBool::Bool(b)))
            .string(|s| Ok(StringOrBool::String(s.to_string())))
            .deserialize(d)
    }
}

/// `publish = false` or `publish = ["registry"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VecStringOrBool {
    VecString(Vec<String>),
    Bool(bool),
}

impl<'de> Deserialize<'de> for VecStringOrBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("a boolean or vector of strings")
            .bool(|b| Ok(VecStringOrBool::Bool(b)))
            .seq(|seq| seq.deserialize().map(VecStringOrBool::VecString))
            .deserialize(d)
    }
}

/// `package.build`: a path, a switch, or (unstable) several paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TomlPackageBuild {
    Auto(bool),
    SingleScript(String),
    MultipleScript(Vec<String>),
}

impl<'de> Deserialize<'de> for TomlPackageBuild {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .bool(|b| Ok(TomlPackageBuild::Auto(b)))
            .string(|s| Ok(TomlPackageBuild::SingleScript(s.to_string())))
            .seq(|seq| seq.deserialize().map(TomlPackageBuild::MultipleScript))
            .deserialize(d)
    }
}

/// `rust-version = "1.70"`: a partial version without pre-release or build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustVersion(pub mycargo_core::PartialVersion);

impl std::str::FromStr for RustVersion {
    type Err = mycargo_core::partial_version::PartialVersionError;

    fn from_str(s: &str) -> Result<RustVersion, Self::Err> {
        use mycargo_core::partial_version::PartialVersionError as E;
        let v: mycargo_core::PartialVersion = s.parse()?;
        if v.pre.is_some() {
            return Err(E::Prerelease);
        }
        if v.build.is_some() {
            return Err(E::BuildMetadata);
        }
        Ok(RustVersion(v))
    }
}

impl std::fmt::Display for RustVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for RustVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("a semver")
            .string(|s| s.parse().map_err(serde_untagged::de::Error::custom))
            .deserialize(d)
    }
}

/// A plain `{ workspace = true }` flag as in `[lints] workspace = true`.
pub fn is_false(b: &bool) -> bool {
    !*b
}
