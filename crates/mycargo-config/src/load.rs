//! Finding and reading config files: the walk from the working directory
//! up to `/` and then `$CARGO_HOME`, choosing between `config` and
//! `config.toml`, parsing with located errors, and following `include`.
//!
//! Included files load first and the including file is merged over them;
//! later entries of one `include` array override earlier ones.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::merge::merge;
use crate::tree::ConfigValue as CV;
use crate::value::Definition;

/// Why a file is read; decides its [`Definition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhyLoad {
    /// Found by discovery (or included from such a file).
    Discovery,
    /// Named by `--config` (or included from such a file).
    Cli,
}

pub(crate) struct Loader<'a> {
    pub(crate) cwd: &'a Path,
    /// Where discovery starts walking up (the cwd, unless a command
    /// roots it elsewhere, as `install` does).
    pub(crate) discovery_root: Option<&'a Path>,
    pub(crate) warnings: Vec<String>,
    /// Every file read, and every optional include that was absent: what
    /// the configuration depends on besides the discovery directories.
    pub(crate) files: Vec<PathBuf>,
}

impl Loader<'_> {
    /// Read and merge every discovered file; deeper directories win.
    pub(crate) fn load_discovered(&mut self, home: &Path) -> anyhow::Result<CV> {
        let mut cfg = CV::empty_table(Definition::Path(PathBuf::new()));
        let res = (|| {
            for path in self.discover(home) {
                let value = self.load_file(&path, WhyLoad::Discovery, &mut Vec::new())?;
                merge(&mut cfg, value, false).with_context(|| {
                    format!("failed to merge configuration at `{}`", path.display())
                })?;
            }
            anyhow::Ok(())
        })();
        res.context("could not load Cargo configuration")?;
        Ok(cfg)
    }

    /// The config files to read, most specific first.
    pub(crate) fn discover(&mut self, home: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        for dir in self.discovery_root.unwrap_or(self.cwd).ancestors() {
            let root = dir.join(".cargo");
            if let Some(path) = self.config_file_in(&root) {
                found.push(path);
            }
            seen.insert(root);
        }
        if !seen.contains(home)
            && let Some(path) = self.config_file_in(home)
        {
            found.push(path);
        }
        found
    }

    /// `dir/config` or `dir/config.toml`. The extensionless name wins, with
    /// a warning (none when it is a link to the other one).
    fn config_file_in(&mut self, dir: &Path) -> Option<PathBuf> {
        let plain = dir.join("config");
        let toml = dir.join("config.toml");
        if plain.exists() {
            if toml.exists() {
                if !same_file(&plain, &toml) {
                    self.warnings.push(format!(
                        "both `{}` and `{}` exist. Using `{}`",
                        plain.display(),
                        toml.display(),
                        plain.display()
                    ));
                }
            } else {
                self.warnings.push(format!(
                    "`{}` is deprecated in favor of `config.toml`\n  |\n  = help: if you need to \
                     support cargo 1.38 or earlier, you can symlink `config` to `config.toml`",
                    plain.display()
                ));
            }
            Some(plain)
        } else if toml.exists() {
            Some(toml)
        } else {
            None
        }
    }

    /// Read one file as written, `include` and all (`config get
    /// --merged=no`).
    pub(crate) fn read_raw(&mut self, path: &Path, why: WhyLoad) -> anyhow::Result<CV> {
        let contents = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read configuration file `{}`", path.display()))?;
        let doc = parse_document(&contents).with_context(|| {
            format!("could not parse TOML configuration in `{}`", path.display())
        })?;
        let def = match why {
            WhyLoad::Discovery => Definition::Path(path.to_path_buf()),
            WhyLoad::Cli => Definition::Cli(Some(path.to_path_buf())),
        };
        CV::from_document(doc.as_table(), &def).with_context(|| {
            format!(
                "failed to load TOML configuration from `{}`",
                path.display()
            )
        })
    }

    /// Read one file and its includes. `stack` holds the files being
    /// loaded, to detect include cycles.
    pub(crate) fn load_file(
        &mut self,
        path: &Path,
        why: WhyLoad,
        stack: &mut Vec<PathBuf>,
    ) -> anyhow::Result<CV> {
        let id = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if stack.contains(&id) {
            bail!(
                "config `include` cycle detected with path `{}`",
                path.display()
            );
        }
        self.files.push(path.to_path_buf());
        let value = self.read_raw(path, why)?;
        stack.push(id);
        let res = self.load_includes(value, why, stack);
        stack.pop();
        res
    }

    /// Remove `include` from `value` and merge the included files under it.
    pub(crate) fn load_includes(
        &mut self,
        mut value: CV,
        why: WhyLoad,
        stack: &mut Vec<PathBuf>,
    ) -> anyhow::Result<CV> {
        let includes = take_includes(&mut value)?;
        if includes.is_empty() {
            return Ok(value);
        }
        let mut root = CV::empty_table(value.definition().clone());
        for include in includes {
            let base = match &include.def {
                Definition::Path(p) | Definition::Cli(Some(p)) => p.parent().unwrap_or(self.cwd),
                Definition::Environment(_) | Definition::Cli(None) => self.cwd,
            };
            let abs = base.join(&include.path);
            if include.optional && !abs.exists() {
                self.files.push(abs);
                continue;
            }
            self.load_file(&abs, why, stack)
                .and_then(|inc| merge(&mut root, inc, true))
                .with_context(|| {
                    format!(
                        "failed to load config include `{}` from `{}`",
                        include.path.display(),
                        include.def
                    )
                })?;
        }
        merge(&mut root, value, true)?;
        Ok(root)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Parse a config file; a syntax error names its line and column.
fn parse_document(contents: &str) -> anyhow::Result<toml_edit::DocumentMut> {
    contents
        .parse::<toml_edit::DocumentMut>()
        // cargo shows config parse errors in the TOML parser's own layout
        // (`TOML parse error at line L, column C` and a snippet), unlike
        // manifest errors; keep that, it is what users and scripts see.
        // The snippet of a very long line is cut around the error.
        .map_err(|e| {
            let text = match e.span() {
                Some(span) => mycargo_util::TomlDiagnostic::new(e.message(), "", contents, span)
                    .parser_style(),
                None => e.to_string(),
            };
            anyhow::Error::msg(text.trim_end().to_string())
        })
}

struct ConfigInclude {
    path: PathBuf,
    def: Definition,
    optional: bool,
}

/// Cargo 1.95 accepts `include = ["a.toml", { path = "b.toml", optional = true }]`;
/// a bare string is an error. Messages are cargo's, word for word.
/// The files a raw file's `include` names, relative to it.
pub(crate) fn include_paths(value: &CV) -> anyhow::Result<Vec<PathBuf>> {
    let mut copy = value.clone();
    Ok(take_includes(&mut copy)?
        .into_iter()
        .map(|i| {
            let base = match &i.def {
                Definition::Path(p) | Definition::Cli(Some(p)) => {
                    p.parent().map(Path::to_path_buf).unwrap_or_default()
                }
                Definition::Environment(_) | Definition::Cli(None) => PathBuf::new(),
            };
            base.join(i.path)
        })
        .collect())
}

fn take_includes(value: &mut CV) -> anyhow::Result<Vec<ConfigInclude>> {
    let CV::Table(table, _) = value else {
        return Ok(Vec::new());
    };
    let includes = match table.remove("include") {
        None => return Ok(Vec::new()),
        Some(CV::List(list, _)) => {
            let mut out = Vec::new();
            for (idx, item) in list.into_iter().enumerate() {
                out.push(match item {
                    CV::String(s, def) => ConfigInclude {
                        path: s.into(),
                        def,
                        optional: false,
                    },
                    CV::Table(mut t, def) => {
                        let path = match t.remove("path") {
                            Some(CV::String(s, _)) => s,
                            Some(other) => bail!(
                                "expected a string, but found {} at `include[{idx}].path` in `{def}`",
                                other.desc()
                            ),
                            None => bail!("missing field `path` at `include[{idx}]` in `{def}`"),
                        };
                        let optional = match t.remove("optional") {
                            Some(CV::Boolean(b, _)) => b,
                            Some(other) => bail!(
                                "expected a boolean, but found {} at `include[{idx}].optional` in `{def}`",
                                other.desc()
                            ),
                            None => false,
                        };
                        ConfigInclude {
                            path: path.into(),
                            def,
                            optional,
                        }
                    }
                    other => bail!(
                        "expected a string or table, but found {} at `include[{idx}]` in {}",
                        other.desc(),
                        other.definition()
                    ),
                });
            }
            out
        }
        // The unbalanced backtick is cargo's.
        Some(other) => bail!(
            "expected a list of strings or a list of tables, but found {} at `include` in `{}",
            other.desc(),
            other.definition()
        ),
    };
    for include in &includes {
        if include.path.extension() != Some(OsStr::new("toml")) {
            bail!(
                "expected a config include path ending with `.toml`, but found `{}` from `{}`",
                include.path.display(),
                include.def
            );
        }
    }
    Ok(includes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, s: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    }

    #[test]
    fn discovery_order_and_home_dedup() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(&root.join("a/b/.cargo/config.toml"), "");
        write(&root.join("a/.cargo/config.toml"), "");
        write(&root.join("home/config.toml"), "");
        let cwd = root.join("a/b");
        let mut loader = Loader {
            cwd: &cwd,
            discovery_root: None,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        let found = loader.discover(&root.join("home"));
        assert_eq!(
            found,
            [
                root.join("a/b/.cargo/config.toml"),
                root.join("a/.cargo/config.toml"),
                root.join("home/config.toml")
            ]
        );
        // A CARGO_HOME that is one of the walked `.cargo` dirs is read once.
        let found = loader.discover(&root.join("a/.cargo"));
        assert_eq!(found.len(), 2);
        assert!(loader.warnings.is_empty());
    }

    #[test]
    fn extensionless_alone_is_deprecated() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(".cargo");
        write(&dir.join("config"), "");
        let cwd = tmp.path().to_path_buf();
        let mut loader = Loader {
            cwd: &cwd,
            discovery_root: None,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        assert_eq!(loader.config_file_in(&dir), Some(dir.join("config")));
        assert_eq!(loader.warnings.len(), 1);
        assert!(loader.warnings[0].starts_with(&format!(
            "`{}` is deprecated in favor of `config.toml`",
            dir.join("config").display()
        )));
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_pair_does_not_warn() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(".cargo");
        write(&dir.join("config.toml"), "");
        std::os::unix::fs::symlink(dir.join("config.toml"), dir.join("config")).unwrap();
        let cwd = tmp.path().to_path_buf();
        let mut loader = Loader {
            cwd: &cwd,
            discovery_root: None,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        assert_eq!(loader.config_file_in(&dir), Some(dir.join("config")));
        assert!(loader.warnings.is_empty());
    }

    #[test]
    fn parse_error_is_located() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join(".cargo/config.toml");
        write(&file, "[build]\njobs = \n");
        let cwd = tmp.path().to_path_buf();
        let mut loader = Loader {
            cwd: &cwd,
            discovery_root: None,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        let err = loader
            .load_file(&file, WhyLoad::Discovery, &mut Vec::new())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("could not parse TOML configuration in `{}`", file.display())
        );
        let root = err.root_cause().to_string();
        assert!(
            root.starts_with("TOML parse error at line 2, column 8\n"),
            "{root}"
        );
        assert!(
            root.ends_with("string values must be quoted, expected literal string"),
            "{root}"
        );
    }
}
