//! Typed lookups by dotted key, combining the merged files and `--config`
//! values with the key's `CARGO_*` environment variable the way cargo's
//! getters do: the environment beats files, `--config` beats both, and a
//! list gets the variable's whitespace-separated words appended.

use std::path::PathBuf;
use std::str::FromStr;

use crate::error::ConfigError;
use crate::key::ConfigKey;
use crate::tree::ConfigValue as CV;
use crate::value::{Definition, Value};
use crate::{Config, env_vars};

impl Config {
    /// The merged file and `--config` value at `key` (no environment).
    pub(crate) fn get_cv(&self, key: &ConfigKey) -> Result<Option<&CV>, ConfigError> {
        lookup(&self.values, key)
    }

    /// A scalar of one type: the stored value must have that type (even
    /// when the environment overrides it), and the variable must parse.
    pub(crate) fn get_typed<T>(
        &self,
        key: &ConfigKey,
        expected: &'static str,
        extract: impl Fn(&CV) -> Option<T>,
    ) -> anyhow::Result<Option<Value<T>>>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let cv = self.get_cv(key)?;
        let env = env_vars::parsed::<T>(&self.env, key)?;
        let Some(cv) = cv else {
            return Ok(env);
        };
        let Some(val) = extract(cv) else {
            return Err(expected_error(key, expected, cv).into());
        };
        let definition = cv.definition();
        match env {
            Some(env) if !definition.is_higher_priority(&env.definition) => Ok(Some(env)),
            _ => Ok(Some(Value {
                val,
                definition: definition.clone(),
            })),
        }
    }

    pub fn get_string(&self, key: &str) -> anyhow::Result<Option<Value<String>>> {
        if key == "build.target-dir"
            && let Some(dir) = self.env.get("CARGO_TARGET_DIR")
        {
            // Cargo reads this one before any config, `--config` included.
            return Ok(Some(Value {
                val: dir.to_string(),
                definition: Definition::Environment("CARGO_TARGET_DIR".to_string()),
            }));
        }
        self.get_typed(&ConfigKey::parse(key), "a string", |cv| match cv {
            CV::String(s, _) => Some(s.clone()),
            _ => None,
        })
    }

    pub fn get_bool(&self, key: &str) -> anyhow::Result<Option<Value<bool>>> {
        self.get_typed(&ConfigKey::parse(key), "true/false", |cv| match cv {
            CV::Boolean(b, _) => Some(*b),
            _ => None,
        })
    }

    pub fn get_i64(&self, key: &str) -> anyhow::Result<Option<Value<i64>>> {
        self.get_typed(&ConfigKey::parse(key), "an integer", |cv| match cv {
            CV::Integer(i, _) => Some(*i),
            _ => None,
        })
    }

    /// A path value, made absolute: relative to the directory holding
    /// `.cargo/` for a file, to the working directory for the environment
    /// and `--config`. `build.target-dir` and `build.build-dir` may not be
    /// empty (cargo's errors).
    pub fn get_path(&self, key: &str) -> anyhow::Result<Option<Value<PathBuf>>> {
        let Some(Value { val, definition }) = self.get_string(key)? else {
            return Ok(None);
        };
        if val.is_empty() {
            match (key, &definition) {
                ("build.target-dir", Definition::Environment(var)) if var == "CARGO_TARGET_DIR" => {
                    anyhow::bail!(
                        "the target directory is set to an empty string in the \
                         `CARGO_TARGET_DIR` environment variable"
                    )
                }
                ("build.target-dir", _) => {
                    anyhow::bail!("the target directory is set to an empty string in {definition}")
                }
                ("build.build-dir", _) => {
                    anyhow::bail!("the build directory is set to an empty string in {definition}")
                }
                _ => {}
            }
        }
        let val = definition.root(self.env.cwd()).join(val);
        Ok(Some(Value { val, definition }))
    }

    /// A program: a value containing a path separator is resolved like
    /// [`Config::get_path`]; a bare name is left to be searched on `PATH`.
    pub fn get_program(&self, key: &str) -> anyhow::Result<Option<Value<PathBuf>>> {
        let Some(Value { val, definition }) = self.get_string(key)? else {
            return Ok(None);
        };
        let is_path = val.contains('/') || (cfg!(windows) && val.contains('\\'));
        let val = if is_path {
            definition.root(self.env.cwd()).join(val)
        } else {
            PathBuf::from(val)
        };
        Ok(Some(Value { val, definition }))
    }

    /// Cargo's `StringList`: a string split on whitespace or an array of
    /// strings, with the environment variable's words appended. The
    /// definition is that of the highest-precedence item.
    pub fn get_string_list(&self, key: &str) -> anyhow::Result<Option<Value<Vec<String>>>> {
        let key = ConfigKey::parse(key);
        let cv = self.get_cv(&key)?;
        let mut items: Vec<CV> = match cv {
            None => Vec::new(),
            Some(CV::List(items, _)) => items.clone(),
            Some(CV::String(s, def)) => s
                .split_whitespace()
                .map(|w| CV::String(w.to_string(), def.clone()))
                .collect(),
            Some(other) => {
                return Err(invalid_key(&key, "string or array of strings", other).into());
            }
        };
        env_vars::extend_list(&self.env, &key, &mut items);
        let definition = match (items.last(), cv, env_vars::raw(&self.env, &key)) {
            (Some(last), _, _) => last.definition().clone(),
            (None, Some(cv), _) => cv.definition().clone(),
            (None, None, Some(env)) => env.definition,
            (None, None, None) => return Ok(None),
        };
        let val = items
            .into_iter()
            .map(|item| match item {
                CV::String(s, _) => Ok(s),
                other => Err(expected_error(&key, "string", &other)),
            })
            .collect::<Result<_, _>>()?;
        Ok(Some(Value { val, definition }))
    }

    /// Cargo's `PathAndArgs` (a runner, `doc.browser`): a
    /// [`Config::get_string_list`] that may not be empty. `nested`: the
    /// key is read as part of its table (`target.<triple>`), which adds a
    /// level to cargo's error about a bad item.
    pub fn get_path_and_args(
        &self,
        key: &str,
        nested: bool,
    ) -> anyhow::Result<Option<Value<Vec<String>>>> {
        let list = self.get_string_list(key).map_err(|e| {
            let Some(definition) = e
                .downcast_ref::<ConfigError>()
                .map(|c| c.definition().clone())
            else {
                return e;
            };
            let e = e.context(load_context(key, &definition));
            if nested {
                e.context(load_context(key, &definition))
            } else {
                e
            }
        })?;
        match list {
            Some(v) if v.val.is_empty() => Err(anyhow::anyhow!(
                "invalid length 0, expected at least one element"
            )
            .context(load_context(key, &v.definition))),
            other => Ok(other),
        }
    }

    /// An integer that must fit `ty` (`u32`, `u64`, `usize`: at most
    /// `max`), with cargo's error for one that does not.
    pub fn get_unsigned(
        &self,
        key: &str,
        ty: &'static str,
        max: u64,
    ) -> anyhow::Result<Option<Value<u64>>> {
        let Some(Value { val, definition }) = self.get_i64(key)? else {
            return Ok(None);
        };
        match u64::try_from(val).ok().filter(|n| *n <= max) {
            Some(val) => Ok(Some(Value { val, definition })),
            None => Err(
                anyhow::anyhow!("invalid value: integer `{val}`, expected {ty}")
                    .context(load_context(key, &definition)),
            ),
        }
    }

    /// A string that must be one of `variants` (a kebab-case enum in
    /// cargo), with serde's error for another.
    pub fn get_enum(&self, key: &str, variants: &[&str]) -> anyhow::Result<Option<Value<String>>> {
        let Some(v) = self.get_string(key)? else {
            return Ok(None);
        };
        if variants.contains(&v.val.as_str()) {
            return Ok(Some(v));
        }
        let quoted: Vec<String> = variants.iter().map(|v| format!("`{v}`")).collect();
        let expected = match &quoted[..] {
            [one] => one.clone(),
            [a, b] => format!("{a} or {b}"),
            _ => format!("one of {}", quoted.join(", ")),
        };
        Err(
            anyhow::anyhow!("unknown variant `{}`, expected {expected}", v.val)
                .context(load_context(key, &v.definition)),
        )
    }

    /// The value at `parts` (each a whole key segment, dots and all), as
    /// it was written: for tables whose keys are data, such as
    /// build-script overrides (`[target.<triple>.<links>]`). Files and
    /// `--config` only.
    pub fn raw_at(&self, parts: &[&str]) -> anyhow::Result<Option<RawValue>> {
        let key = ConfigKey::from_parts(parts.iter().copied());
        Ok(self.get_cv(&key)?.map(raw))
    }

    /// Where the value at `parts` was defined (whole key segments, as
    /// [`Config::raw_at`]).
    pub fn definition_at(&self, parts: &[&str]) -> anyhow::Result<Option<Definition>> {
        let key = ConfigKey::from_parts(parts.iter().copied());
        Ok(self.get_cv(&key)?.map(|cv| cv.definition().clone()))
    }

    /// The keys of a table, sorted; empty when the table is not defined.
    pub fn table_keys(&self, key: &str) -> anyhow::Result<Vec<String>> {
        let key = ConfigKey::parse(key);
        match self.get_cv(&key)? {
            None => Ok(Vec::new()),
            Some(CV::Table(map, _)) => Ok(map.keys().cloned().collect()),
            Some(other) => Err(invalid_key(&key, "table", other).into()),
        }
    }
}

/// The items of a list as strings, or cargo's error for the first that is
/// not: ``error in FILE: failed to parse config at `KEY[I]` `` caused by a
/// serde-style ``invalid type: integer `1`, expected a string``.
pub(crate) fn strings(key: &ConfigKey, items: Vec<CV>) -> anyhow::Result<Vec<String>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            CV::String(s, _) => Ok(s),
            other => {
                let found = match &other {
                    CV::Integer(n, _) => format!("integer `{n}`"),
                    CV::Boolean(b, _) => format!("boolean `{b}`"),
                    CV::List(..) => "sequence".to_string(),
                    CV::Table(..) => "map".to_string(),
                    CV::String(..) => "string".to_string(),
                };
                Err(
                    anyhow::anyhow!("invalid type: {found}, expected a string").context(format!(
                        "error in {}: failed to parse config at `{key}[{i}]`",
                        other.definition()
                    )),
                )
            }
        })
        .collect()
}

/// cargo's frame around a value of the right type that cannot be used.
fn load_context(key: &str, definition: &Definition) -> String {
    let key = ConfigKey::parse(key);
    format!("error in {definition}: could not load config key `{key}`")
}

pub(crate) fn expected_error(key: &ConfigKey, expected: &'static str, found: &CV) -> ConfigError {
    ConfigError::Expected {
        key: key.to_string(),
        expected,
        found: found.desc(),
        definition: found.definition().clone(),
    }
}

pub(crate) fn invalid_key(key: &ConfigKey, expected: &'static str, found: &CV) -> ConfigError {
    ConfigError::InvalidKey {
        key: key.to_string(),
        expected,
        found: found.desc(),
        definition: found.definition().clone(),
    }
}

/// A configuration value as written (see [`Config::raw_at`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    String(String),
    Integer(i64),
    Boolean(bool),
    List(Vec<RawValue>),
    Table(std::collections::BTreeMap<String, RawValue>),
}

fn raw(cv: &CV) -> RawValue {
    match cv {
        CV::String(s, _) => RawValue::String(s.clone()),
        CV::Integer(i, _) => RawValue::Integer(*i),
        CV::Boolean(b, _) => RawValue::Boolean(*b),
        CV::List(items, _) => RawValue::List(items.iter().map(raw).collect()),
        CV::Table(map, _) => {
            RawValue::Table(map.iter().map(|(k, v)| (k.clone(), raw(v))).collect())
        }
    }
}

/// The value at `key` under `root`, or cargo's error when the key runs
/// through something that is not a table.
pub(crate) fn lookup<'v>(root: &'v CV, key: &ConfigKey) -> Result<Option<&'v CV>, ConfigError> {
    let mut cur = root;
    for (i, part) in key.parts().iter().enumerate() {
        match cur {
            CV::Table(map, _) => match map.get(part) {
                Some(v) => cur = v,
                None => return Ok(None),
            },
            other => {
                return Err(ConfigError::NotATable {
                    key: ConfigKey::from_parts(&key.parts()[..i]).to_string(),
                    found: other.desc(),
                    definition: other.definition().clone(),
                });
            }
        }
    }
    Ok(Some(cur))
}
