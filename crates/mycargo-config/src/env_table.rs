//! The `[env]` table: `NAME = "value"` or
//! `NAME = { value = "v", force = true, relative = true }`.
//!
//! A relative value is joined to the directory holding the `.cargo/` that
//! defined it. `CARGO_HOME`, `RUSTUP_HOME` and `RUSTUP_TOOLCHAIN` may not be
//! set. Deciding which entries apply (`force`, or not already in the
//! environment) is left to the caller.

use anyhow::anyhow;

use crate::get::{expected_error, invalid_key};
use crate::key::ConfigKey;
use crate::tree::ConfigValue as CV;
use crate::{Config, EnvConfigValue};

const FORBIDDEN: &[&str] = &["CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"];

impl Config {
    /// Every `[env]` entry, sorted by name.
    pub fn env_config(&self) -> anyhow::Result<Vec<EnvConfigValue>> {
        let key = ConfigKey::parse("env");
        let table = match self.get_cv(&key)? {
            None => return Ok(Vec::new()),
            Some(CV::Table(map, _)) => map,
            Some(other) => return Err(invalid_key(&key, "table", other).into()),
        };
        let mut out = Vec::new();
        for (name, cv) in table {
            let entry_key = ConfigKey::from_parts(["env", name.as_str()]);
            let entry = self.env_entry(name, cv, &entry_key).map_err(|e| {
                // Cargo reports this context twice.
                let ctx = format!(
                    "error in {}: could not load config key `{entry_key}`",
                    cv.definition()
                );
                e.context(ctx.clone()).context(ctx)
            })?;
            out.push(entry);
        }
        for forbidden in FORBIDDEN {
            if table.contains_key(*forbidden) {
                anyhow::bail!(
                    "setting the `{forbidden}` environment variable is not supported \
                     in the `[env]` configuration table"
                );
            }
        }
        Ok(out)
    }

    fn env_entry(&self, name: &str, cv: &CV, key: &ConfigKey) -> anyhow::Result<EnvConfigValue> {
        let (value, force) = match cv {
            CV::String(s, _) => (s.clone(), false),
            CV::Table(map, def) => {
                let field = |f: &str| {
                    let mut k = key.clone();
                    k.push(f);
                    (map.get(f), k)
                };
                let value = match field("value") {
                    (Some(CV::String(s, _)), _) => s.clone(),
                    (Some(other), k) => return Err(expected_error(&k, "a string", other).into()),
                    (None, _) => return Err(anyhow!("missing field `value`")),
                };
                let flag = |f: &str| -> anyhow::Result<bool> {
                    match field(f) {
                        (Some(CV::Boolean(b, _)), _) => Ok(*b),
                        (Some(other), k) => Err(expected_error(&k, "true/false", other).into()),
                        (None, _) => Ok(false),
                    }
                };
                let force = flag("force")?;
                let value = if flag("relative")? {
                    def.root(self.env.cwd())
                        .join(&value)
                        .to_string_lossy()
                        .into_owned()
                } else {
                    value
                };
                (value, force)
            }
            CV::Integer(i, _) => {
                return Err(anyhow!(
                    "invalid type: integer `{i}`, expected a string or map"
                ));
            }
            CV::Boolean(b, _) => {
                return Err(anyhow!(
                    "invalid type: boolean `{b}`, expected a string or map"
                ));
            }
            CV::List(..) => {
                return Err(anyhow!("invalid type: sequence, expected a string or map"));
            }
        };
        Ok(EnvConfigValue {
            name: name.to_string(),
            value,
            force,
        })
    }
}
