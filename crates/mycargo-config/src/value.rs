//! Where a config value came from ([`Definition`]), and a typed value tagged
//! with it ([`Value`]).
//!
//! Precedence between definitions is `--config` > environment > file; two
//! files never outrank each other (the merge order decides between them).

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a value was defined.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Definition {
    /// A config file (the path of the file itself).
    Path(PathBuf),
    /// An environment variable, by name.
    Environment(String),
    /// A `--config` argument; the file when the argument was a path.
    Cli(Option<PathBuf>),
}

impl Definition {
    /// 0 for files, 1 for the environment, 2 for `--config`.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Definition::Path(_) => 0,
            Definition::Environment(_) => 1,
            Definition::Cli(_) => 2,
        }
    }

    /// True if a value defined here overrides one defined at `other`.
    pub fn is_higher_priority(&self, other: &Definition) -> bool {
        self.rank() > other.rank()
    }

    /// The directory that relative paths defined here are relative to: the
    /// parent of the `.cargo` directory for a file (the grandparent of the
    /// file), the working directory for the environment and `--config`
    /// values.
    pub fn root<'a>(&'a self, cwd: &'a Path) -> &'a Path {
        match self {
            Definition::Path(p) | Definition::Cli(Some(p)) => {
                p.parent().and_then(Path::parent).unwrap_or(cwd)
            }
            Definition::Environment(_) | Definition::Cli(None) => cwd,
        }
    }
}

/// Cargo's wording: a file is shown as its bare path (cargo's messages put
/// their own backticks around it where they want them).
impl fmt::Display for Definition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Definition::Path(p) | Definition::Cli(Some(p)) => write!(f, "{}", p.display()),
            Definition::Environment(key) => write!(f, "environment variable `{key}`"),
            Definition::Cli(None) => write!(f, "--config cli option"),
        }
    }
}

/// A typed config value with its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value<T> {
    pub val: T,
    pub definition: Definition,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_cargo() {
        let p = Definition::Path("/w/.cargo/config.toml".into());
        assert_eq!(p.to_string(), "/w/.cargo/config.toml");
        let e = Definition::Environment("CARGO_BUILD_JOBS".into());
        assert_eq!(e.to_string(), "environment variable `CARGO_BUILD_JOBS`");
        assert_eq!(Definition::Cli(None).to_string(), "--config cli option");
        let c = Definition::Cli(Some("/w/x/c.toml".into()));
        assert_eq!(c.to_string(), "/w/x/c.toml");
    }

    #[test]
    fn priority_and_root() {
        let p = Definition::Path("/w/a/.cargo/config.toml".into());
        let e = Definition::Environment("X".into());
        let c = Definition::Cli(None);
        assert!(c.is_higher_priority(&e) && e.is_higher_priority(&p));
        assert!(!p.is_higher_priority(&p.clone()));
        let cwd = Path::new("/cwd");
        assert_eq!(p.root(cwd), Path::new("/w/a"));
        assert_eq!(e.root(cwd), cwd);
        assert_eq!(c.root(cwd), cwd);
        let cf = Definition::Cli(Some("/w/x/y/c.toml".into()));
        assert_eq!(cf.root(cwd), Path::new("/w/x"));
    }
}
