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

/// `{ workspace = true }`; `false` is refused (at the `workspace` key, so
/// errors name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkspaceTrue;

impl<'de> Deserialize<'de> for WorkspaceTrue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Inherit {
            #[allow(dead_code)]
            workspace: WorkspaceValue,
        }
        Inherit::deserialize(d).map(|_| WorkspaceTrue)
    }
}

/// `[lints] workspace = ...`: only `true`.
pub(crate) struct LintsWorkspace(pub bool);

impl<'de> Deserialize<'de> for LintsWorkspace {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        WorkspaceValue::deserialize(d).map(|_| LintsWorkspace(true))
    }
}

/// The value of `workspace` in `{ workspace = true }`: only `true`.
struct WorkspaceValue;

impl<'de> Deserialize<'de> for WorkspaceValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if bool::deserialize(d)? {
            Ok(WorkspaceValue)
        } else {
            Err(de::Error::custom("`workspace` cannot be false"))
        }
    }
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

// Most fields are read with plain visitors, as cargo reads them: an error
// inside passes through untouched, keeping its place and its key path
// (`package.edition.workspace`). `version` goes through an untagged-enum
// visitor, as in cargo, which shows in the layout of its errors.

/// The shapes a field takes besides `{ workspace = true }`; the ones not
/// overridden are refused with the field's "expected" wording.
trait FieldShape: Sized {
    const EXPECTING: &'static str;

    fn from_bool<E: de::Error>(b: bool) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Bool(b), &Self::EXPECTING))
    }

    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Str(s), &Self::EXPECTING))
    }

    fn from_seq<'de, A: de::SeqAccess<'de>>(_seq: A) -> Result<Self, A::Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::Seq,
            &Self::EXPECTING,
        ))
    }
}

struct FieldVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: FieldShape> de::Visitor<'de> for FieldVisitor<T> {
    type Value = InheritableField<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        T::from_bool(b).map(InheritableField::Value)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        T::from_str(s).map(InheritableField::Value)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::from_seq(seq).map(InheritableField::Value)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        WorkspaceTrue::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(|_| InheritableField::Inherit)
    }
}

macro_rules! plain_field {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for InheritableField<$t> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(FieldVisitor::<$t>(std::marker::PhantomData))
            }
        }
    )*};
}

plain_field!(
    String,
    Vec<String>,
    StringOrBool,
    VecStringOrBool,
    RustVersion
);

impl FieldShape for String {
    const EXPECTING: &'static str = "a string or workspace";

    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        Ok(s.to_string())
    }
}

impl FieldShape for Vec<String> {
    const EXPECTING: &'static str = "a vector of strings or workspace";

    fn from_seq<'de, A: de::SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
    }
}

impl FieldShape for StringOrBool {
    const EXPECTING: &'static str = "a string, a bool, or workspace";

    fn from_bool<E: de::Error>(b: bool) -> Result<Self, E> {
        Ok(StringOrBool::Bool(b))
    }

    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        Ok(StringOrBool::String(s.to_string()))
    }
}

impl FieldShape for VecStringOrBool {
    const EXPECTING: &'static str = "a boolean, a vector of strings, or workspace";

    fn from_bool<E: de::Error>(b: bool) -> Result<Self, E> {
        Ok(VecStringOrBool::Bool(b))
    }

    fn from_seq<'de, A: de::SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        VecStringOrBool::deserialize(de::value::SeqAccessDeserializer::new(seq))
    }
}

impl FieldShape for RustVersion {
    const EXPECTING: &'static str = "a semver or workspace";

    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        s.parse().map_err(E::custom)
    }
}

fn inherit<'de, T>(
    map: serde_untagged::de::Map<'de, '_>,
) -> Result<InheritableField<T>, serde_untagged::de::Error> {
    map.deserialize::<WorkspaceTrue>()
        .map(|_| InheritableField::Inherit)
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
