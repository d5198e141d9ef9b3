//! `[lints]` and `[workspace.lints]` as written.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::de::{Deserialize, Deserializer};
use serde_untagged::UntaggedEnumVisitor;

/// `tool -> lint -> level`.
pub type TomlLints = BTreeMap<String, BTreeMap<String, TomlLint>>;

/// `[lints]`: either `workspace = true` or the lint tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InheritableLints {
    pub workspace: bool,
    pub lints: TomlLints,
}

impl<'de> Deserialize<'de> for InheritableLints {
    /// A map walk (not `#[serde(flatten)]`) so errors keep their spans.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = InheritableLints;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a lints table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<InheritableLints, A::Error> {
                let mut out = InheritableLints::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "workspace" {
                        // `true` only, with cargo's error (at the value).
                        out.workspace = map.next_value::<super::inheritable::LintsWorkspace>()?.0;
                    } else {
                        let table = map.next_value()?;
                        out.lints.insert(key, table);
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// `lint = "warn"` or `lint = { level = "warn", priority = 1 }`.
#[derive(Debug, Clone, PartialEq)]
pub enum TomlLint {
    Level(TomlLintLevel),
    Config(TomlLintConfig),
}

impl TomlLint {
    pub fn level(&self) -> TomlLintLevel {
        match self {
            TomlLint::Level(l) => *l,
            TomlLint::Config(c) => c.level,
        }
    }

    pub fn priority(&self) -> i8 {
        match self {
            TomlLint::Level(_) => 0,
            TomlLint::Config(c) => c.priority,
        }
    }
}

impl<'de> Deserialize<'de> for TomlLint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UntaggedEnumVisitor::new()
            .string(|s| {
                TomlLintLevel::parse(s)
                    .map(TomlLint::Level)
                    .map_err(serde_untagged::de::Error::custom)
            })
            .map(|m| m.deserialize().map(TomlLint::Config))
            .deserialize(d)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct TomlLintConfig {
    pub level: TomlLintLevel,
    #[serde(default)]
    pub priority: i8,
    #[serde(flatten)]
    pub unused_keys: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TomlLintLevel {
    Forbid,
    Deny,
    Warn,
    Allow,
}

impl TomlLintLevel {
    fn parse(s: &str) -> Result<TomlLintLevel, String> {
        match s {
            "forbid" => Ok(TomlLintLevel::Forbid),
            "deny" => Ok(TomlLintLevel::Deny),
            "warn" => Ok(TomlLintLevel::Warn),
            "allow" => Ok(TomlLintLevel::Allow),
            other => Err(format!(
                "unknown variant `{other}`, expected one of `forbid`, `deny`, `warn`, `allow`"
            )),
        }
    }

    /// The rustc flag: `--forbid`, `--deny`, `--warn`, `--allow`.
    pub fn flag(self) -> &'static str {
        match self {
            TomlLintLevel::Forbid => "--forbid",
            TomlLintLevel::Deny => "--deny",
            TomlLintLevel::Warn => "--warn",
            TomlLintLevel::Allow => "--allow",
        }
    }
}

/// What `[lints]` asks of rustc and rustdoc (cargo's `lints_to_rustflags`):
/// `--LEVEL=[TOOL::]NAME` by priority, then name in reverse (so `all`
/// comes last), `cargo` lints left out; then the `check-cfg` values of
/// `lints.rust.unexpected_cfgs`.
pub fn lint_rustflags(lints: &TomlLints) -> Vec<String> {
    let mut flags: Vec<(i8, std::cmp::Reverse<&str>, String)> = lints
        .iter()
        .filter(|(tool, _)| tool.as_str() != "cargo")
        .flat_map(|(tool, table)| {
            table.iter().map(move |(name, lint)| {
                let flag = lint.level().flag();
                let option = if tool == "rust" {
                    format!("{flag}={name}")
                } else {
                    format!("{flag}={tool}::{name}")
                };
                (lint.priority(), std::cmp::Reverse(name.as_str()), option)
            })
        })
        .collect();
    flags.sort();
    let mut out: Vec<String> = flags.into_iter().map(|(_, _, o)| o).collect();
    if let Some(TomlLint::Config(c)) = lints.get("rust").and_then(|r| r.get("unexpected_cfgs"))
        && let Some(toml::Value::Array(values)) = c.unused_keys.get("check-cfg")
    {
        for v in values {
            if let toml::Value::String(s) = v {
                out.push("--check-cfg".to_string());
                out.push(s.clone());
            }
        }
    }
    out
}
