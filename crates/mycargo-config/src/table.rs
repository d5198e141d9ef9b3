//! A whole config table as TOML, for callers that deserialize it into a
//! schema of their own (`[profile.<name>]`): the files' and `--config`'s
//! values with the `CARGO_*` variables of the schema's fields layered in,
//! each top-level entry tagged with where it was defined.

use std::collections::BTreeMap;

use crate::key::ConfigKey;
use crate::tree::ConfigValue as CV;
use crate::value::Definition;
use crate::{Config, env_vars};

/// One entry of a table read by [`Config::get_toml_table`].
#[derive(Debug, Clone, PartialEq)]
pub struct TomlEntry {
    pub value: toml::Value,
    pub definition: Definition,
}

impl Config {
    /// The table at `key`, entry by entry. `env_fields` are the dotted
    /// sub-keys (`opt-level`, `build-override.opt-level`) whose variables
    /// (`CARGO_PROFILE_DEV_OPT_LEVEL`) are read; a variable beats a file
    /// but not `--config`. Variables are typed as cargo types them:
    /// `true`/`false`, then integers, then strings. Empty when nothing
    /// defines the table.
    pub fn get_toml_table(
        &self,
        key: &str,
        env_fields: &[&str],
    ) -> anyhow::Result<BTreeMap<String, TomlEntry>> {
        let key = ConfigKey::parse(key);
        let mut out = BTreeMap::new();
        match self.get_cv(&key)? {
            None => {}
            Some(CV::Table(map, _)) => {
                for (k, v) in map {
                    out.insert(
                        k.clone(),
                        TomlEntry {
                            value: to_toml(v),
                            definition: v.definition().clone(),
                        },
                    );
                }
            }
            Some(other) => {
                return Err(crate::get::expected_error(&key, "a table", other).into());
            }
        }
        for field in env_fields {
            let mut full = key.clone();
            for part in field.split('.') {
                full.push(part);
            }
            let Some(env) = env_vars::raw(&self.env, &full) else {
                continue;
            };
            let parts: Vec<&str> = field.split('.').collect();
            let value = env_value(&env.val);
            set_env(&mut out, &parts, value, env.definition, self, &full)?;
        }
        Ok(out)
    }
}

/// Put an environment value at `parts` unless `--config` defined it.
fn set_env(
    out: &mut BTreeMap<String, TomlEntry>,
    parts: &[&str],
    value: toml::Value,
    definition: Definition,
    config: &Config,
    full: &ConfigKey,
) -> anyhow::Result<()> {
    if let Some(cv) = config.get_cv(full)?
        && cv.definition().is_higher_priority(&definition)
    {
        return Ok(());
    }
    let (first, rest) = match parts.split_first() {
        Some(x) => x,
        None => return Ok(()),
    };
    if rest.is_empty() {
        out.insert(first.to_string(), TomlEntry { value, definition });
        return Ok(());
    }
    let entry = out.entry(first.to_string()).or_insert_with(|| TomlEntry {
        value: toml::Value::Table(toml::Table::new()),
        definition: definition.clone(),
    });
    let mut cur = &mut entry.value;
    for part in rest {
        let toml::Value::Table(t) = cur else {
            return Ok(());
        };
        cur = t
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    }
    *cur = value;
    Ok(())
}

/// cargo's typing of a variable read where the schema takes any type.
fn env_value(s: &str) -> toml::Value {
    match s {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => match s.parse::<i64>() {
            Ok(i) => toml::Value::Integer(i),
            Err(_) => toml::Value::String(s.to_string()),
        },
    }
}

fn to_toml(cv: &CV) -> toml::Value {
    match cv {
        CV::Integer(i, _) => toml::Value::Integer(*i),
        CV::String(s, _) => toml::Value::String(s.clone()),
        CV::Boolean(b, _) => toml::Value::Boolean(*b),
        CV::List(items, _) => toml::Value::Array(items.iter().map(to_toml).collect()),
        CV::Table(map, _) => {
            toml::Value::Table(map.iter().map(|(k, v)| (k.clone(), to_toml(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycargo_util::Env;

    fn config(dir: &std::path::Path, vars: &[(&str, &str)], cli: &[&str]) -> Config {
        let env = Env::new(
            dir,
            vars.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .chain([(
                    "CARGO_HOME".to_string(),
                    dir.join("home").display().to_string(),
                )]),
        );
        let cli: Vec<String> = cli.iter().map(|s| s.to_string()).collect();
        Config::load(&env, &cli).expect("load")
    }

    #[test]
    fn env_beats_files_and_cli_beats_env() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join(".cargo")).expect("mkdir");
        std::fs::write(
            dir.path().join(".cargo/config.toml"),
            "[profile.dev]\nopt-level = 1\ndebug = false\n",
        )
        .expect("write");
        let fields = ["opt-level", "debug", "lto", "build-override.opt-level"];
        let c = config(
            dir.path(),
            &[
                ("CARGO_PROFILE_DEV_OPT_LEVEL", "2"),
                ("CARGO_PROFILE_DEV_LTO", "thin"),
                ("CARGO_PROFILE_DEV_BUILD_OVERRIDE_OPT_LEVEL", "s"),
                ("CARGO_PROFILE_DEV_DEBUG", "true"),
            ],
            &["profile.dev.debug=1"],
        );
        let t = c.get_toml_table("profile.dev", &fields).expect("table");
        assert_eq!(t["opt-level"].value, toml::Value::Integer(2));
        assert_eq!(
            t["opt-level"].definition,
            Definition::Environment("CARGO_PROFILE_DEV_OPT_LEVEL".into())
        );
        assert_eq!(t["lto"].value, toml::Value::String("thin".into()));
        assert_eq!(t["debug"].value, toml::Value::Integer(1), "--config wins");
        let bo = t["build-override"].value.as_table().expect("table");
        assert_eq!(bo["opt-level"], toml::Value::String("s".into()));
        assert!(
            c.get_toml_table("profile.nope", &fields)
                .expect("t")
                .is_empty()
        );
    }
}
