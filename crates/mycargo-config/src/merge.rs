//! Merging two value trees (cargo's `ConfigValue::merge`).
//!
//! Tables merge key by key. Scalars: the incoming value replaces the existing
//! one when `force` is set (includes, `--config` args in order) or when it is
//! of higher precedence. Arrays concatenate with the higher-precedence items
//! last, except the [`NON_MERGEABLE_LISTS`], which are replaced. An array or
//! table meeting a value of another type is an error naming both files.

use std::mem;

use anyhow::{Context as _, bail};

use crate::key::ConfigKey;
use crate::tree::ConfigValue as CV;

/// Lists that hold a program and its arguments: replaced, never concatenated.
pub(crate) const NON_MERGEABLE_LISTS: &[&str] = &[
    "credential-alias.*",
    "doc.browser",
    "host.runner",
    "registries.*.credential-provider",
    "registry.credential-provider",
    "target.*.runner",
];

pub(crate) fn is_nonmergeable_list(key: &ConfigKey) -> bool {
    NON_MERGEABLE_LISTS.iter().any(|pat| key.matches(pat))
}

/// Merge `from` into `into`.
pub(crate) fn merge(into: &mut CV, from: CV, force: bool) -> anyhow::Result<()> {
    merge_at(into, from, force, &mut ConfigKey::default())
}

fn merge_at(old: &mut CV, new: CV, force: bool, key: &mut ConfigKey) -> anyhow::Result<()> {
    let higher = new.definition().is_higher_priority(old.definition());
    match (old, new) {
        (CV::List(old_items, old_def), CV::List(mut new_items, new_def)) => {
            if is_nonmergeable_list(key) {
                if force || higher {
                    *old_items = new_items;
                    *old_def = new_def;
                }
            } else if force {
                old_items.append(&mut new_items);
            } else {
                new_items.append(old_items);
                *old_items = new_items;
            }
            // Stable: keeps file order among files, puts env then CLI last.
            old_items.sort_by_key(|v| v.definition().rank());
        }
        (CV::Table(old_map, _), CV::Table(new_map, _)) => {
            for (k, value) in new_map {
                match old_map.get_mut(&k) {
                    Some(entry) => {
                        let new_def = value.definition().clone();
                        key.push(&k);
                        let res = merge_at(entry, value, force, key);
                        key.pop();
                        res.with_context(|| {
                            format!(
                                "failed to merge key `{k}` between {} and {new_def}",
                                entry.definition()
                            )
                        })?;
                    }
                    None => {
                        old_map.insert(k, value);
                    }
                }
            }
        }
        (old, new) => {
            if old.is_container() || new.is_container() {
                bail!(
                    "failed to merge config value from `{}` into `{}`: expected {}, but found {}",
                    new.definition(),
                    old.definition(),
                    old.desc(),
                    new.desc()
                );
            }
            if force || higher {
                let _ = mem::replace(old, new);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Definition;

    fn file(n: &str) -> Definition {
        Definition::Path(format!("/{n}/.cargo/config.toml").into())
    }

    fn parse(s: &str, def: &Definition) -> CV {
        let doc: toml_edit::DocumentMut = s.parse().expect("test TOML parses");
        CV::from_document(doc.as_table(), def).expect("test TOML converts")
    }

    fn strings(cv: &CV, path: &[&str]) -> Vec<String> {
        let mut cur = cv;
        for p in path {
            let CV::Table(m, _) = cur else {
                panic!("not a table")
            };
            cur = &m[*p];
        }
        match cur {
            CV::List(items, _) => items
                .iter()
                .map(|i| match i {
                    CV::String(s, _) => s.clone(),
                    other => format!("{other:?}"),
                })
                .collect(),
            CV::String(s, _) => vec![s.clone()],
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn files_keep_first_scalar_and_append_older_lists_first() {
        let mut root = parse("a = 'deep'\nl = ['deep']\n", &file("deep"));
        merge(
            &mut root,
            parse("a = 'up'\nl = ['up']\n", &file("up")),
            false,
        )
        .unwrap();
        assert_eq!(strings(&root, &["a"]), ["deep"]);
        assert_eq!(strings(&root, &["l"]), ["up", "deep"]);
    }

    #[test]
    fn force_overrides_and_appends() {
        let mut root = parse("a = 'x'\nl = ['x']\n", &file("x"));
        merge(&mut root, parse("a = 'y'\nl = ['y']\n", &file("y")), true).unwrap();
        assert_eq!(strings(&root, &["a"]), ["y"]);
        assert_eq!(strings(&root, &["l"]), ["x", "y"]);
    }

    #[test]
    fn cli_items_sort_after_file_items() {
        let mut root = parse("l = ['f']\n", &file("f"));
        merge(
            &mut root,
            parse("l = ['c']\n", &Definition::Cli(None)),
            false,
        )
        .unwrap();
        assert_eq!(strings(&root, &["l"]), ["f", "c"]);
    }

    #[test]
    fn nonmergeable_lists_are_replaced() {
        let mut root = parse("[target.x]\nrunner = ['deep']\n", &file("deep"));
        merge(
            &mut root,
            parse("[target.x]\nrunner = ['up']\n", &file("up")),
            false,
        )
        .unwrap();
        assert_eq!(strings(&root, &["target", "x", "runner"]), ["deep"]);
        merge(
            &mut root,
            parse("target.x.runner = ['cli']", &Definition::Cli(None)),
            true,
        )
        .unwrap();
        assert_eq!(strings(&root, &["target", "x", "runner"]), ["cli"]);
        // Not every list under `target` is special.
        let mut root = parse("[target.x]\nrustflags = ['a']\n", &file("a"));
        merge(
            &mut root,
            parse("[target.x]\nrustflags = ['b']\n", &file("b")),
            false,
        )
        .unwrap();
        assert_eq!(strings(&root, &["target", "x", "rustflags"]), ["b", "a"]);
    }

    #[test]
    fn type_mismatch_names_both_files() {
        let mut root = parse("[alias]\nx = ['version']\n", &file("deep"));
        let err = merge(
            &mut root,
            parse("[alias]\nx = 'version'\n", &file("up")),
            false,
        )
        .expect_err("array vs string");
        let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
        assert_eq!(
            chain,
            [
                "failed to merge key `alias` between /deep/.cargo/config.toml and /up/.cargo/config.toml",
                "failed to merge key `x` between /deep/.cargo/config.toml and /up/.cargo/config.toml",
                "failed to merge config value from `/up/.cargo/config.toml` into `/deep/.cargo/config.toml`: expected array, but found string",
            ]
        );
    }

    #[test]
    fn scalars_may_change_type() {
        let mut root = parse("a = 1\n", &file("x"));
        merge(&mut root, parse("a = 'y'\n", &file("y")), true).unwrap();
        assert_eq!(strings(&root, &["a"]), ["y"]);
    }
}
