//! `[profile.<name>]` tables as written.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::de::{self, Deserialize, Deserializer};
use serde_untagged::UntaggedEnumVisitor;

use super::inheritable::StringOrBool;
use super::names::{ProfileName, ProfilePackageKey};

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct TomlProfiles(pub BTreeMap<ProfileName, TomlProfile>);

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TomlProfile {
    pub opt_level: Option<TomlOptLevel>,
    pub lto: Option<StringOrBool>,
    pub codegen_backend: Option<String>,
    pub codegen_units: Option<u32>,
    pub debug: Option<TomlDebugInfo>,
    pub split_debuginfo: Option<String>,
    pub debug_assertions: Option<bool>,
    pub rpath: Option<bool>,
    pub panic: Option<String>,
    pub overflow_checks: Option<bool>,
    pub incremental: Option<bool>,
    pub dir_name: Option<String>,
    pub inherits: Option<String>,
    pub strip: Option<StringOrBool>,
    pub rustflags: Option<Vec<String>>,
    pub package: Option<BTreeMap<ProfilePackageKey, TomlProfile>>,
    pub build_override: Option<Box<TomlProfile>>,
    pub trim_paths: Option<toml::Value>,
    pub hint_mostly_unused: Option<bool>,
}

/// `opt-level`: `0`..`3` (integers or strings), `"s"` or `"z"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlOptLevel(pub String);

impl<'de> Deserialize<'de> for TomlOptLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .expecting("an optimization level")
            .i64(|i| Ok(TomlOptLevel(i.to_string())))
            .string(|s| {
                if matches!(s, "0" | "1" | "2" | "3" | "s" | "z") {
                    Ok(TomlOptLevel(s.to_string()))
                } else {
                    Err(serde_untagged::de::Error::custom(format!(
                        "must be `0`, `1`, `2`, `3`, `s` or `z`, but found the string: \"{s}\""
                    )))
                }
            })
            .deserialize(d)
    }
}

/// `debug`: a bool, `0`/`1`/`2`, or a named level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TomlDebugInfo {
    None,
    LineDirectivesOnly,
    LineTablesOnly,
    Limited,
    Full,
}

impl TomlDebugInfo {
    /// The `-C debuginfo=` value.
    pub fn as_rustc_arg(self) -> &'static str {
        match self {
            TomlDebugInfo::None => "0",
            TomlDebugInfo::LineDirectivesOnly => "line-directives-only",
            TomlDebugInfo::LineTablesOnly => "line-tables-only",
            TomlDebugInfo::Limited => "1",
            TomlDebugInfo::Full => "2",
        }
    }
}

impl<'de> Deserialize<'de> for TomlDebugInfo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let expecting = "a boolean, 0, 1, 2, \"none\", \"limited\", \"full\", \"line-tables-only\", or \"line-directives-only\"";
        UntaggedEnumVisitor::new()
            .expecting(expecting)
            .bool(|b| {
                Ok(if b {
                    TomlDebugInfo::Full
                } else {
                    TomlDebugInfo::None
                })
            })
            .i64(move |i| match i {
                0 => Ok(TomlDebugInfo::None),
                1 => Ok(TomlDebugInfo::Limited),
                2 => Ok(TomlDebugInfo::Full),
                _ => Err(serde_untagged::de::Error::invalid_value(
                    de::Unexpected::Signed(i),
                    &expecting,
                )),
            })
            .string(move |s| match s {
                "none" => Ok(TomlDebugInfo::None),
                "limited" => Ok(TomlDebugInfo::Limited),
                "full" => Ok(TomlDebugInfo::Full),
                "line-directives-only" => Ok(TomlDebugInfo::LineDirectivesOnly),
                "line-tables-only" => Ok(TomlDebugInfo::LineTablesOnly),
                _ => Err(serde_untagged::de::Error::invalid_value(
                    de::Unexpected::Str(s),
                    &expecting,
                )),
            })
            .deserialize(d)
    }
}
