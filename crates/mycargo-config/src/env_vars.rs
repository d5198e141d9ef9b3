//! Reading a config key from its `CARGO_*` environment variable.
//!
//! `build.target-dir` is read from `CARGO_BUILD_TARGET_DIR` (see
//! [`ConfigKey::env_key`]); `CARGO_TARGET_DIR` is cargo's special, stronger
//! spelling of the same key, handled by the getters. Only valid UTF-8 values
//! are seen.

use mycargo_util::Env;

use crate::error::ConfigError;
use crate::key::ConfigKey;
use crate::merge::is_nonmergeable_list;
use crate::tree::ConfigValue as CV;
use crate::value::{Definition, Value};

/// The raw value of the key's variable, with its definition.
pub(crate) fn raw(env: &Env, key: &ConfigKey) -> Option<Value<String>> {
    let name = key.env_key();
    let val = env.get(&name)?.to_string();
    Some(Value {
        val,
        definition: Definition::Environment(name),
    })
}

/// The key's variable parsed as `T` (`true`/`false` for booleans, decimal
/// for integers), or cargo's error naming the variable.
pub(crate) fn parsed<T>(env: &Env, key: &ConfigKey) -> Result<Option<Value<T>>, ConfigError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let Some(Value { val, definition }) = raw(env, key) else {
        return Ok(None);
    };
    match val.parse::<T>() {
        Ok(val) => Ok(Some(Value { val, definition })),
        Err(e) => Err(ConfigError::Invalid {
            definition,
            message: e.to_string(),
        }),
    }
}

/// Add the key's variable, split on whitespace, to a list read from files
/// and `--config` (cargo's `get_env_list`). A non-mergeable list set in
/// the environment replaces the file values, but not `--config` ones.
pub(crate) fn extend_list(env: &Env, key: &ConfigKey, items: &mut Vec<CV>) {
    let Some(Value { val, definition }) = raw(env, key) else {
        return;
    };
    if is_nonmergeable_list(key) {
        let keep = items
            .first()
            .is_some_and(|i| i.definition().is_higher_priority(&definition));
        if keep {
            return;
        }
        items.clear();
    }
    items.extend(
        val.split_whitespace()
            .map(|s| CV::String(s.to_string(), definition.clone())),
    );
    items.sort_by_key(|i| i.definition().rank());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bool_and_int_with_cargo_errors() {
        let env = Env::new(
            "/",
            [("CARGO_NET_OFFLINE", "true"), ("CARGO_BUILD_JOBS", "x")],
        );
        let v: Option<Value<bool>> = parsed(&env, &ConfigKey::parse("net.offline")).unwrap();
        assert!(v.unwrap().val);
        let err = parsed::<i64>(&env, &ConfigKey::parse("build.jobs")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error in environment variable `CARGO_BUILD_JOBS`: invalid digit found in string"
        );
        let env = Env::new("/", [("CARGO_NET_OFFLINE", "yes")]);
        let err = parsed::<bool>(&env, &ConfigKey::parse("net.offline")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error in environment variable `CARGO_NET_OFFLINE`: provided string was not `true` or `false`"
        );
    }

    #[test]
    fn env_list_replaces_nonmergeable_file_list() {
        let env = Env::new("/", [("CARGO_TARGET_X_RUNNER", "a b")]);
        let file = Definition::Path("/w/.cargo/config.toml".into());
        let mut items = vec![CV::String("f".into(), file.clone())];
        extend_list(&env, &ConfigKey::parse("target.x.runner"), &mut items);
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[0], CV::String(s, Definition::Environment(_)) if s == "a"));

        let mut items = vec![CV::String("c".into(), Definition::Cli(None))];
        extend_list(&env, &ConfigKey::parse("target.x.runner"), &mut items);
        assert_eq!(items, vec![CV::String("c".into(), Definition::Cli(None))]);

        let env = Env::new("/", [("CARGO_BUILD_RUSTFLAGS", "-e")]);
        let mut items = vec![
            CV::String("c".into(), Definition::Cli(None)),
            CV::String("f".into(), file),
        ];
        extend_list(&env, &ConfigKey::parse("build.rustflags"), &mut items);
        let got: Vec<_> = items
            .iter()
            .map(|i| match i {
                CV::String(s, _) => s.as_str(),
                _ => "?",
            })
            .collect();
        assert_eq!(got, ["f", "-e", "c"]);
    }
}
