//! Source replacement as configured: `[source.<name>]` tables (`registry`,
//! `local-registry`, `directory`, `git` + `branch`/`tag`/`rev`,
//! `replace-with`) and `[registries.<name>]` indexes. A dependency names
//! its source (crates.io, a registry URL, a git repository); this map says
//! which source actually serves it, following `replace-with` chains.
//! The lock file keeps the original source: replacement is invisible there.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail};
use mycargo_config::{Config, Definition};
use mycargo_core::source_id::{CRATES_IO_REGISTRY, parse_url};
use mycargo_core::{GitReference, SourceId};

/// Where one named source lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceDef {
    Registry(SourceId),
    LocalRegistry(SourceId),
    Directory(SourceId),
    Git(SourceId),
}

#[derive(Debug, Clone)]
struct Entry {
    /// `None` for `crates-io` and for entries with only `replace-with`.
    def: Option<SourceId>,
    replace_with: Option<(String, Definition)>,
}

/// The configured sources, by name.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    entries: BTreeMap<String, Entry>,
    /// Where the testsuite moved crates.io (see [`SourceMap::load`]).
    moved_crates_io: Option<SourceId>,
}

impl SourceMap {
    /// Read `[source]` and `[registries]` from the configuration.
    pub fn load(config: &Config) -> anyhow::Result<SourceMap> {
        let mut entries = BTreeMap::new();
        // How crates.io is reached: `sparse` (the default) or `git`; both
        // go to the same index here, anything else is refused as by cargo.
        if let Some(p) = config.get_string("registries.crates-io.protocol")?
            && !matches!(p.val.as_str(), "sparse" | "git")
        {
            anyhow::bail!(
                "unsupported registry protocol `{}` (defined in {})",
                p.val,
                p.definition
            );
        }
        // cargo's testsuite moves crates.io to its local registry with a
        // hidden variable (test-only, see docs/testing.md): crates.io is
        // then served from there, replaced or not.
        let moved_crates_io = match config
            .env()
            .get("__CARGO_TEST_CRATES_IO_URL_DO_NOT_USE_THIS")
        {
            Some(url) => Some(SourceId::for_alt_registry(
                &parse_url(url).context("invalid `__CARGO_TEST_CRATES_IO_URL_DO_NOT_USE_THIS`")?,
                CRATES_IO_REGISTRY,
            )),
            None => None,
        };
        SourceId::set_moved_crates_io(moved_crates_io.as_ref());
        entries.insert(
            CRATES_IO_REGISTRY.to_string(),
            Entry {
                def: Some(moved_crates_io.clone().unwrap_or_else(SourceId::crates_io)),
                replace_with: None,
            },
        );
        // A registry of `[registries]` can be named by `replace-with`.
        for name in config.table_keys("registries")? {
            if let Some(index) = config.get_string(&format!("registries.{name}.index"))? {
                let url = parse_url(&index.val).with_context(|| {
                    format!(
                        "invalid index URL for registry `{name}` defined in {}",
                        index.definition
                    )
                })?;
                entries.insert(
                    name.clone(),
                    Entry {
                        def: Some(SourceId::for_alt_registry(&url, &name)),
                        replace_with: None,
                    },
                );
            }
        }
        let mut mirrored_crates_io: Option<SourceId> = None;
        // Every location is defined once: crates.io's, then each entry's.
        let mut defined: Vec<(String, SourceId)> =
            vec![(CRATES_IO_REGISTRY.to_string(), SourceId::crates_io())];
        for name in config.table_keys("source")? {
            let key = |k: &str| format!("source.{name}.{k}");
            let invalid_url = |k: &str, definition: &Definition| {
                format!(
                    "configuration key `{}` specified an invalid URL (in {definition})",
                    key(k)
                )
            };
            let mut defs = Vec::new();
            if let Some(v) = config.get_string(&key("registry"))? {
                let url =
                    parse_url(&v.val).with_context(|| invalid_url("registry", &v.definition))?;
                defs.push(SourceId::for_alt_registry(&url, &name));
            }
            if let Some(v) = config.get_path(&key("local-registry"))? {
                defs.push(SourceId::for_local_registry(&v.val)?);
            }
            if let Some(v) = config.get_path(&key("directory"))? {
                defs.push(SourceId::for_directory(&v.val)?);
            }
            if let Some(v) = config.get_string(&key("git"))? {
                let url = parse_url(&v.val).with_context(|| invalid_url("git", &v.definition))?;
                let reference = if let Some(b) = config.get_string(&key("branch"))? {
                    GitReference::Branch(b.val)
                } else if let Some(t) = config.get_string(&key("tag"))? {
                    GitReference::Tag(t.val)
                } else if let Some(r) = config.get_string(&key("rev"))? {
                    GitReference::Rev(r.val)
                } else {
                    GitReference::DefaultBranch
                };
                defs.push(SourceId::for_git(&url, reference));
            } else {
                for git_key in ["branch", "tag", "rev"] {
                    if let Some(v) = config.get_string(&key(git_key))? {
                        bail!(
                            "source definition `source.{name}` specifies `{git_key}`, but that \
                             requires a `git` key to be specified (in {})",
                            v.definition
                        );
                    }
                }
            }
            let replace_with = config
                .get_string(&key("replace-with"))
                .map_err(|e| {
                    match config.definition_at(&["source", name.as_str(), "replace-with"]) {
                        Ok(Some(d)) => e.context(format!(
                            "error in {d}: could not load config key `{}`",
                            key("replace-with")
                        )),
                        _ => e,
                    }
                })?
                .map(|v| (v.val, v.definition));
            if defs.len() > 1 {
                bail!("more than one source location specified for `source.{name}`");
            }
            let def = defs.pop();
            if let Some(d) = &def
                && name != CRATES_IO_REGISTRY
            {
                if let Some((other, _)) = defined
                    .iter()
                    .find(|(_, o)| o.canonical_url() == d.canonical_url() && same_kind(o, d))
                {
                    let what = if other == CRATES_IO_REGISTRY {
                        format!("registry `{CRATES_IO_REGISTRY}`")
                    } else {
                        d.to_string()
                    };
                    bail!(
                        "source `{name}` defines source {what}, but that source is already defined by `{other}`\n\
                         note: Sources are not allowed to be defined multiple times."
                    );
                }
                defined.push((name.clone(), d.clone()));
            }
            if name == CRATES_IO_REGISTRY {
                // crates.io may be given another location (a mirror), as
                // cargo allows; `replace-with` still wins over it.
                if def.is_some() && replace_with.is_none() && moved_crates_io.is_none() {
                    mirrored_crates_io = def;
                }
                if let Some(e) = entries.get_mut(&name) {
                    e.replace_with = replace_with;
                }
                continue;
            }
            // Every source but crates.io names its location, even one that
            // is only replaced (a `[registries]` entry of the same name
            // does not count), as in cargo.
            if def.is_none() {
                bail!(
                    "no source location specified for `source.{name}`, need `registry`, \
                     `local-registry`, `directory`, or `git` defined"
                );
            }
            entries.insert(name, Entry { def, replace_with });
        }
        let mut moved_crates_io = moved_crates_io;
        if let Some(mirror) = mirrored_crates_io {
            SourceId::set_moved_crates_io(Some(&mirror));
            if let Some(e) = entries.get_mut(CRATES_IO_REGISTRY) {
                e.def = Some(mirror.clone());
            }
            moved_crates_io = Some(mirror);
        }
        Ok(SourceMap {
            entries,
            moved_crates_io,
        })
    }

    /// The name a source is configured under: `crates-io` for crates.io,
    /// else the entry whose location is this source.
    fn name_of(&self, id: &SourceId) -> Option<&str> {
        if id.is_crates_io() {
            return Some(CRATES_IO_REGISTRY);
        }
        let mut found = self.entries.iter().filter(|(_, e)| {
            e.def
                .as_ref()
                .is_some_and(|d| d.canonical_url() == id.canonical_url() && same_kind(d, id))
        });
        // A `[source]` entry that replaces the location wins over a
        // `[registries]` entry naming the same index.
        let all: Vec<(&String, &Entry)> = found.by_ref().collect();
        all.iter()
            .find(|(_, e)| e.replace_with.is_some())
            .or(all.first())
            .map(|(n, _)| n.as_str())
    }

    /// The source that serves `id` after every `replace-with`; `id` itself
    /// when nothing replaces it. Cargo's errors for a missing name or a
    /// cycle.
    pub fn replacement(&self, id: &SourceId) -> anyhow::Result<SourceId> {
        let Some(start) = self.name_of(id) else {
            return Ok(id.clone());
        };
        let mut name = start.to_string();
        let mut seen = vec![name.clone()];
        // crates.io itself may be served from elsewhere (the testsuite's
        // stand-in); every other source starts as itself.
        let mut current = match (&self.moved_crates_io, name == CRATES_IO_REGISTRY) {
            (Some(moved), true) => moved.clone(),
            _ => id.clone(),
        };
        while let Some(entry) = self.entries.get(&name) {
            let Some((next, definition)) = &entry.replace_with else {
                break;
            };
            let Some(target) = self.entries.get(next) else {
                bail!(
                    "could not find a configured source with the name `{next}` when attempting \
                     to lookup `{name}` (configuration in `{definition}`)"
                );
            };
            if seen.contains(next) {
                bail!(
                    "detected a cycle of `replace-with` sources, the source `{next}` is \
                     eventually replaced with itself (configuration in `{definition}`)"
                );
            }
            seen.push(next.clone());
            if let Some(def) = &target.def {
                current = def.clone();
            }
            name = next.clone();
        }
        Ok(current)
    }

    /// What serves crates.io without any `replace-with`: crates.io itself
    /// (or the test suite's stand-in, see [`SourceMap::load`]).
    pub fn builtin_crates_io(&self) -> SourceId {
        self.entries
            .get(CRATES_IO_REGISTRY)
            .and_then(|e| e.def.clone())
            .unwrap_or_else(SourceId::crates_io)
    }

    /// The source of `registry = "<name>"` on a dependency.
    pub fn registry(&self, name: &str) -> anyhow::Result<SourceId> {
        match self.entries.get(name).and_then(|e| e.def.clone()) {
            Some(id) if id.is_registry() || name == CRATES_IO_REGISTRY => Ok(id),
            _ => bail!("registry index was not found in any configuration: `{name}`"),
        }
    }

    /// How a source is shown in status lines (`crates.io index`, `` `local` index``).
    pub fn describe(id: &SourceId) -> String {
        let path = || {
            id.url()
                .to_file_path()
                .map_or_else(|()| id.url().to_string(), |p| p.display().to_string())
        };
        if id.is_crates_io() {
            "crates.io index".to_string()
        } else if id.is_directory() {
            format!("directory source `{}`", path())
        } else if id.is_local_registry() {
            format!("`{}` index", path())
        } else if let Some(name) = id.registry_name() {
            format!("`{name}` index")
        } else if id.url().scheme() == "file" {
            format!("`{}` index", path())
        } else {
            format!("`{}` index", id.url())
        }
    }
}

/// Whether two sources are of one kind for naming: git sources by URL
/// alone (a `[source]` entry names the repository, whatever reference a
/// dependency asks for).
fn same_kind(a: &SourceId, b: &SourceId) -> bool {
    a.kind() == b.kind() || (a.is_git() && b.is_git())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycargo_util::env::Env;

    /// A configuration made of `--config` arguments only (HOME empty).
    fn map(args: &[&str]) -> anyhow::Result<SourceMap> {
        map_with(args, &[])
    }

    fn map_with(args: &[&str], vars: &[(&str, &str)]) -> anyhow::Result<SourceMap> {
        let home = tempfile::tempdir()?;
        let mut all = vec![
            ("HOME".to_string(), home.path().display().to_string()),
            (
                "CARGO_HOME".to_string(),
                home.path().join(".cargo").display().to_string(),
            ),
        ];
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let env = Env::new(home.path(), all);
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        SourceMap::load(&Config::load(&env, &args)?)
    }

    #[test]
    fn the_testsuite_can_move_crates_io() {
        let url = "sparse+http://127.0.0.1:1/index/";
        let vars = [("__CARGO_TEST_CRATES_IO_URL_DO_NOT_USE_THIS", url)];
        let m = map_with(&[], &vars).unwrap();
        let builtin = m.builtin_crates_io();
        assert!(builtin.is_sparse());
        assert_eq!(builtin.url().as_str(), url);
        assert_eq!(m.replacement(&SourceId::crates_io()).unwrap(), builtin);
        // Replaced by a registry at the same place: the same index.
        let m = map_with(
            &[
                "source.crates-io.replace-with='dummy'",
                &format!("registries.dummy.index='{url}'"),
            ],
            &vars,
        )
        .unwrap();
        let r = m.replacement(&SourceId::crates_io()).unwrap();
        assert_eq!(r.canonical_url(), m.builtin_crates_io().canonical_url());
        // Without the variable, crates.io is crates.io.
        assert!(map(&[]).unwrap().builtin_crates_io().is_crates_io());
    }

    #[test]
    fn crates_io_replaced_by_a_sparse_registry() {
        let m = map(&[
            "source.crates-io.replace-with='local'",
            "source.local.registry='sparse+http://127.0.0.1:1/index/'",
        ])
        .unwrap();
        let r = m.replacement(&SourceId::crates_io()).unwrap();
        assert!(r.is_sparse());
        assert_eq!(r.registry_name(), Some("local"));
        assert_eq!(SourceMap::describe(&r), "`local` index");
        assert_eq!(
            SourceMap::describe(&SourceId::crates_io()),
            "crates.io index"
        );
    }

    #[test]
    fn chains_follow_and_unreplaced_sources_stay() {
        let m = map(&[
            "source.crates-io.replace-with='a'",
            "source.a.replace-with='b'",
            "source.a.registry='sparse+http://a/'",
            "source.b.directory='/vendor'",
        ])
        .unwrap();
        let r = m.replacement(&SourceId::crates_io()).unwrap();
        assert_eq!(r.url().as_str(), "file:///vendor");
        let other = SourceId::for_registry(&parse_url("sparse+http://other/").unwrap());
        assert_eq!(m.replacement(&other).unwrap(), other);
    }

    #[test]
    fn registries_can_be_replaced_and_named() {
        let m = map(&[
            "registries.alt.index='sparse+http://alt/'",
            "source.alt.registry='sparse+http://alt/'",
            "source.alt.replace-with='vendored'",
            "source.vendored.directory='/v'",
        ])
        .unwrap();
        let alt = m.registry("alt").unwrap();
        assert!(alt.is_sparse());
        assert_eq!(m.replacement(&alt).unwrap().url().as_str(), "file:///v");
        let err = m.registry("nope").unwrap_err().to_string();
        assert_eq!(
            err,
            "registry index was not found in any configuration: `nope`"
        );
    }

    #[test]
    fn cargo_errors_for_bad_tables() {
        let err = map(&["source.crates-io.replace-with='missing'"])
            .unwrap()
            .replacement(&SourceId::crates_io())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "could not find a configured source with the name `missing` when attempting to lookup `crates-io` (configuration in `"
            ),
            "{err}"
        );
        let err = map(&[
            "source.crates-io.replace-with='a'",
            "source.a.directory='/a'",
            "source.a.replace-with='crates-io'",
        ])
        .unwrap()
        .replacement(&SourceId::crates_io())
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("detected a cycle of `replace-with` sources"),
            "{err}"
        );
        let err = map(&[
            "source.x.registry='sparse+http://a/'",
            "source.x.directory='/d'",
        ])
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "more than one source location specified for `source.x`"
        );
        let err = map(&["source.y.replace-with='x'"]).unwrap_err().to_string();
        assert!(
            err.starts_with("no source location specified for `source.y`"),
            "{err}"
        );
        // A git reference without `git`.
        let err = map(&["source.y.branch='main'"]).unwrap_err().to_string();
        assert_eq!(
            err,
            "source definition `source.y` specifies `branch`, but that requires a `git` key \
             to be specified (in --config cli option)"
        );
        // One location, one definition: crates.io's own, then each entry's.
        let err = map(&["source.y.registry='https://github.com/rust-lang/crates.io-index'"])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "source `y` defines source registry `crates-io`, but that source is already \
             defined by `crates-io`\nnote: Sources are not allowed to be defined multiple times."
        );
        let err = map(&["source.a.directory='/d'", "source.b.directory='/d'"])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "source `b` defines source dir /d, but that source is already defined by `a`"
            ),
            "{err}"
        );
        // A registry of that name is no location.
        let err = map(&[
            "registries.y.index='sparse+http://y/'",
            "source.y.replace-with='crates-io'",
        ])
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("no source location specified for `source.y`"));
    }
}
