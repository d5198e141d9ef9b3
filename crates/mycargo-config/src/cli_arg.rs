//! `--config` arguments. An argument naming an existing file (relative to
//! the working directory) loads that file; anything else must be a single
//! TOML dotted-key assignment such as `build.jobs = 2`. Arguments are merged
//! in order, later ones winning, and all of them override every other
//! source.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use toml_edit::{Decor, DocumentMut, Item, Key, RawString};

use crate::load::{Loader, WhyLoad};
use crate::merge::merge;
use crate::tree::ConfigValue as CV;
use crate::value::Definition;

/// All `--config` arguments as one table.
pub(crate) fn cli_args_as_table(loader: &mut Loader<'_>, args: &[String]) -> anyhow::Result<CV> {
    let mut loaded = CV::empty_table(Definition::Cli(None));
    for arg in args {
        let as_path: PathBuf = loader.cwd.join(arg);
        let table = if !arg.is_empty() && as_path.exists() {
            loader
                .load_file(&as_path, WhyLoad::Cli, &mut Vec::new())
                .with_context(|| format!("failed to load config from `{}`", as_path.display()))?
        } else {
            let doc = toml_dotted_keys(arg)?;
            check_secrets(&doc)?;
            CV::from_document(doc.as_table(), &Definition::Cli(None))
                .with_context(|| format!("failed to convert --config argument `{arg}`"))?
        };
        let table = loader
            .load_includes(table, WhyLoad::Cli, &mut Vec::new())
            .context("failed to load --config include")?;
        merge(&mut loaded, table, true)
            .with_context(|| format!("failed to merge --config argument `{arg}`"))?;
    }
    Ok(loaded)
}

/// Parse `arg` and check it is one dotted key set to a value that is not
/// an inline table, without comments.
fn toml_dotted_keys(arg: &str) -> anyhow::Result<DocumentMut> {
    let doc: DocumentMut = arg.parse().with_context(|| {
        format!("failed to parse value from --config argument `{arg}` as a dotted key expression")
    })?;
    let mut table = doc.as_table();
    let mut is_root = true;
    let mut got_to_value = false;
    while table.is_dotted() || is_root {
        is_root = false;
        let mut entries = table.iter();
        let (Some((k, item)), None) = (entries.next(), entries.next()) else {
            break;
        };
        match item {
            Item::Table(inner) => {
                if table.key(k).is_some_and(non_empty_key_decor) || non_empty_decor(inner.decor()) {
                    bail!("--config argument `{arg}` includes non-whitespace decoration");
                }
                table = inner;
            }
            Item::Value(v) if v.is_inline_table() => bail!(
                "--config argument `{arg}` sets a value to an inline table, which is not accepted"
            ),
            Item::Value(v) => {
                if table
                    .key(k)
                    .is_some_and(|k| non_empty(k.leaf_decor().prefix()))
                    || non_empty_decor(v.decor())
                {
                    bail!("--config argument `{arg}` includes non-whitespace decoration");
                }
                got_to_value = true;
                break;
            }
            Item::ArrayOfTables(_) => bail!(
                "--config argument `{arg}` sets a value to an array of tables, which is not accepted"
            ),
            Item::None => bail!("--config argument `{arg}` doesn't provide a value"),
        }
    }
    if !got_to_value {
        bail!(
            "--config argument `{arg}` was not a TOML dotted key expression (such as `build.jobs = 2`)"
        );
    }
    Ok(doc)
}

fn non_empty(raw: Option<&RawString>) -> bool {
    raw.is_some_and(|p| !p.as_str().unwrap_or_default().trim().is_empty())
}

fn non_empty_decor(d: &Decor) -> bool {
    non_empty(d.prefix()) || non_empty(d.suffix())
}

fn non_empty_key_decor(k: &Key) -> bool {
    non_empty_decor(k.leaf_decor()) || non_empty_decor(k.dotted_decor())
}

/// Tokens and secret keys may not be given on the command line.
fn check_secrets(doc: &DocumentMut) -> anyhow::Result<()> {
    let registry = doc.get("registry").and_then(Item::as_table_like);
    let registries = doc.get("registries").and_then(Item::as_table_like);
    for secret in ["token", "secret-key"] {
        if registry.is_some_and(|t| t.contains_key(secret)) {
            bail!("registry.{secret} cannot be set through --config for security reasons");
        }
        if let Some(name) = registries.and_then(|t| {
            t.iter()
                .find(|(_, v)| v.as_table_like().is_some_and(|r| r.contains_key(secret)))
                .map(|(k, _)| k)
        }) {
            bail!("registries.{name}.{secret} cannot be set through --config for security reasons");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(arg: &str) -> String {
        let cwd = std::env::temp_dir();
        let mut loader = Loader {
            cwd: &cwd,
            discovery_root: None,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        let e = cli_args_as_table(&mut loader, &[arg.to_string()]).unwrap_err();
        format!("{e:#}")
    }

    #[test]
    fn accepts_dotted_keys() {
        let cwd = std::env::temp_dir();
        let mut loader = Loader {
            cwd: &cwd,
            discovery_root: None,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        let args = [
            "build.jobs = 2".to_string(),
            "a.b.c='x'".to_string(),
            "l = [1]".to_string(),
        ];
        let CV::Table(map, _) = cli_args_as_table(&mut loader, &args).unwrap() else {
            panic!("a table")
        };
        let CV::Table(build, _) = &map["build"] else {
            panic!("build table")
        };
        assert_eq!(build["jobs"], CV::Integer(2, Definition::Cli(None)));
        assert!(map.contains_key("a") && map.contains_key("l"));
    }

    #[test]
    fn rejects_like_cargo() {
        assert!(err("foo").starts_with(
            "failed to parse value from --config argument `foo` as a dotted key expression: TOML parse error at line 1, column 4"
        ));
        assert!(err("foo").contains("key with no value, expected `=`"));
        assert!(err("a=1=2").contains("unexpected key or value, expected newline, `#`"));
        assert_eq!(
            err("a={b=1}"),
            "--config argument `a={b=1}` sets a value to an inline table, which is not accepted"
        );
        assert_eq!(
            err("[x]"),
            "--config argument `[x]` was not a TOML dotted key expression (such as `build.jobs = 2`)"
        );
        assert_eq!(
            err(""),
            "--config argument `` was not a TOML dotted key expression (such as `build.jobs = 2`)"
        );
        assert_eq!(
            err("a=1\nb=2"),
            "--config argument `a=1\nb=2` was not a TOML dotted key expression (such as `build.jobs = 2`)"
        );
        assert_eq!(
            err("a = 1 # hi"),
            "--config argument `a = 1 # hi` includes non-whitespace decoration"
        );
        assert_eq!(
            err("registry.token = 'x'"),
            "registry.token cannot be set through --config for security reasons"
        );
        assert_eq!(
            err("registries.foo.token = 'x'"),
            "registries.foo.token cannot be set through --config for security reasons"
        );
        assert_eq!(
            err("a = 1.5"),
            "failed to convert --config argument `a = 1.5`: failed to parse config at `a`: unsupported TOML configuration type `float`"
        );
    }
}
