//! The process environment, captured once.
//!
//! Nothing else in mycargo calls `std::env::var`: commands get an [`Env`]
//! and read from it, so tests can build a hermetic one.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<OsString, OsString>,
    cwd: PathBuf,
}

impl Env {
    /// Snapshot of the real process environment and working directory.
    pub fn from_process() -> std::io::Result<Env> {
        Ok(Env {
            vars: std::env::vars_os().collect(),
            cwd: std::env::current_dir()?,
        })
    }

    /// An environment made of exactly these variables.
    pub fn new<I, K, V>(cwd: impl Into<PathBuf>, vars: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        Env {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            cwd: cwd.into(),
        }
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    pub fn set_cwd(&mut self, cwd: PathBuf) {
        self.cwd = cwd;
    }

    /// A variable as UTF-8; `None` when unset or not valid UTF-8.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(OsStr::new(key)).and_then(|v| v.to_str())
    }

    pub fn get_os(&self, key: &str) -> Option<&OsStr> {
        self.vars.get(OsStr::new(key)).map(|v| v.as_os_str())
    }

    pub fn set(&mut self, key: impl Into<OsString>, value: impl Into<OsString>) {
        self.vars.insert(key.into(), value.into());
    }

    pub fn remove(&mut self, key: &str) {
        self.vars.remove(OsStr::new(key));
    }

    /// Every variable, in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = (&OsStr, &OsStr)> {
        self.vars
            .iter()
            .map(|(k, v)| (k.as_os_str(), v.as_os_str()))
    }

    /// Variables whose names start with `prefix` and are valid UTF-8.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.vars.iter().filter_map(move |(k, v)| {
            let k = k.to_str()?;
            if k.starts_with(prefix) {
                Some((k, v.to_str()?))
            } else {
                None
            }
        })
    }

    /// `$HOME`, used for `~/.cargo`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.get_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
    }

    /// `$CARGO_HOME`, or `~/.cargo`. A relative `CARGO_HOME` is taken
    /// relative to the working directory, as cargo does.
    pub fn cargo_home(&self) -> Option<PathBuf> {
        match self.get_os("CARGO_HOME").filter(|h| !h.is_empty()) {
            Some(h) => Some(self.cwd.join(h)),
            None => self.home_dir().map(|h| h.join(".cargo")),
        }
    }

    /// The directories of `$PATH`, in order.
    pub fn path_dirs(&self) -> Vec<PathBuf> {
        match self.get_os("PATH") {
            Some(p) => std::env::split_paths(p).collect(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_home_defaults_to_dot_cargo() {
        let env = Env::new("/w", [("HOME", "/home/u")]);
        assert_eq!(env.cargo_home(), Some(PathBuf::from("/home/u/.cargo")));
        let env = Env::new("/w", [("HOME", "/home/u"), ("CARGO_HOME", "rel")]);
        assert_eq!(env.cargo_home(), Some(PathBuf::from("/w/rel")));
    }

    #[test]
    fn prefix_filter() {
        let env = Env::new("/", [("CARGO_A", "1"), ("CARGOX", "2"), ("B", "3")]);
        let got: Vec<_> = env.with_prefix("CARGO_").collect();
        assert_eq!(got, vec![("CARGO_A", "1")]);
    }
}
