//! A dependency entry as written: `"1.0"`, a detailed table, or
//! `{ workspace = true, ... }`.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::de::{self, Deserialize, Deserializer};
use serde_untagged::UntaggedEnumVisitor;

use super::names::PackageName;

/// A dependency in `[dependencies]` and friends: its own spec or one taken
/// from `[workspace.dependencies]`.
#[derive(Debug, Clone, PartialEq)]
pub enum InheritableDependency {
    Value(TomlDependency),
    Inherit(TomlInheritedDependency),
}

/// `dep = { workspace = true, features = [..], optional = .. }`.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TomlInheritedDependency {
    pub workspace: bool,
    pub features: Option<Vec<String>>,
    pub default_features: Option<bool>,
    #[serde(rename = "default_features")]
    pub default_features2: Option<bool>,
    pub optional: Option<bool>,
    pub public: Option<bool>,
    /// Keys cargo does not know, reported as unused.
    #[serde(flatten)]
    pub unused_keys: BTreeMap<String, toml::Value>,
}

/// A dependency spec of this package (or of `[workspace.dependencies]`,
/// `[patch]`, `[replace]`).
#[derive(Debug, Clone, PartialEq)]
pub enum TomlDependency {
    /// `dep = "1.0"`.
    Simple(String),
    Detailed(Box<TomlDetailedDependency>),
}

#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TomlDetailedDependency {
    pub version: Option<String>,
    pub registry: Option<super::names::RegistryName>,
    pub registry_index: Option<String>,
    pub path: Option<String>,
    pub base: Option<super::names::PathBaseName>,
    pub git: Option<String>,
    pub branch: Option<String>,
    pub tag: Option<String>,
    pub rev: Option<String>,
    pub features: Option<Vec<String>>,
    pub optional: Option<bool>,
    pub default_features: Option<bool>,
    #[serde(rename = "default_features")]
    pub default_features2: Option<bool>,
    pub package: Option<PackageName>,
    pub public: Option<bool>,
    pub artifact: Option<toml::Value>,
    pub lib: Option<bool>,
    pub target: Option<String>,
    /// Keys cargo does not know, reported as unused.
    #[serde(flatten)]
    pub unused_keys: BTreeMap<String, toml::Value>,
}

const EXPECTING: &str =
    "a version string like \"0.9.8\" or a detailed dependency like { version = \"0.9.8\" }";

impl<'de> Deserialize<'de> for TomlDependency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting(EXPECTING)
            .string(|s| Ok(TomlDependency::Simple(s.to_string())))
            .bool(|b| Err(serde_untagged::de::Error::custom(bool_dependency(b))))
            .map(|m| {
                m.deserialize()
                    .map(|d| TomlDependency::Detailed(Box::new(d)))
            })
            .deserialize(d)
    }
}

impl<'de> Deserialize<'de> for InheritableDependency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(d)?;
        if let toml::Value::Table(t) = &value
            && t.contains_key("workspace")
        {
            let inherited = TomlInheritedDependency::deserialize(value.clone())
                .map_err(|e| de::Error::custom(e.message()))?;
            return if inherited.workspace {
                Ok(InheritableDependency::Inherit(inherited))
            } else {
                Err(de::Error::custom("`workspace` cannot be false"))
            };
        }
        match value {
            toml::Value::String(s) => Ok(InheritableDependency::Value(TomlDependency::Simple(s))),
            toml::Value::Table(_) => TomlDetailedDependency::deserialize(value)
                .map(|d| InheritableDependency::Value(TomlDependency::Detailed(Box::new(d))))
                .map_err(|e| de::Error::custom(e.message())),
            toml::Value::Boolean(b) => Err(de::Error::custom(bool_dependency(b))),
            other => Err(de::Error::invalid_type(unexpected(&other), &EXPECTING)),
        }
    }
}

/// `dep = true` is refused, with a hint when `dep.workspace = true` was
/// probably meant.
fn bool_dependency(b: bool) -> String {
    let expected = format!("invalid type: boolean `{b}`, expected {EXPECTING}");
    if b {
        format!(
            "{expected}\nnote: if you meant to use a workspace member, you can write\n dep.workspace = {b}"
        )
    } else {
        expected
    }
}

/// serde's description of a TOML value, for "invalid type" messages.
pub(crate) fn unexpected(v: &toml::Value) -> de::Unexpected<'_> {
    match v {
        toml::Value::String(s) => de::Unexpected::Str(s),
        toml::Value::Integer(i) => de::Unexpected::Signed(*i),
        toml::Value::Float(f) => de::Unexpected::Float(*f),
        toml::Value::Boolean(b) => de::Unexpected::Bool(*b),
        toml::Value::Datetime(_) => de::Unexpected::Other("datetime"),
        toml::Value::Array(_) => de::Unexpected::Seq,
        toml::Value::Table(_) => de::Unexpected::Map,
    }
}
