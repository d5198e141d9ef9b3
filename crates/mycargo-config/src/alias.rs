//! `[alias]`: `name = "cmd args"` (split on whitespace) or
//! `name = ["cmd", "args"]`, also `CARGO_ALIAS_<NAME>` for a single alias.

use crate::Config;
use crate::env_vars;
use crate::get::{invalid_key, strings};
use crate::key::ConfigKey;
use crate::tree::ConfigValue as CV;

impl Config {
    /// The expansion of alias `name`, or `None` when it is not defined.
    ///
    /// As in cargo: a string (from any source) is split on whitespace; an
    /// array gets the words of `CARGO_ALIAS_<NAME>` appended.
    pub fn get_alias(&self, name: &str) -> anyhow::Result<Option<Vec<String>>> {
        let key = ConfigKey::from_parts(["alias", name]);
        match self.get_cv(&key)? {
            None | Some(CV::String(..)) => {
                let s = self.get_typed::<String>(&key, "a string", |cv| match cv {
                    CV::String(s, _) => Some(s.clone()),
                    _ => None,
                })?;
                Ok(s.map(|v| v.val.split_whitespace().map(str::to_string).collect()))
            }
            Some(CV::List(items, _)) => {
                let mut items = items.clone();
                env_vars::extend_list(&self.env, &key, &mut items);
                Ok(Some(strings(&key, items)?))
            }
            Some(other) => Err(invalid_key(&key, "list", other).into()),
        }
    }

    /// Every alias defined in config files or `--config`, sorted by name.
    /// Aliases defined only by environment variables are not listed
    /// (cargo's `--list` does not show them either).
    pub fn aliases(&self) -> anyhow::Result<Vec<(String, Vec<String>)>> {
        let mut out = Vec::new();
        for name in self.table_keys("alias")? {
            if let Some(expansion) = self.get_alias(&name)? {
                out.push((name, expansion));
            }
        }
        Ok(out)
    }
}
