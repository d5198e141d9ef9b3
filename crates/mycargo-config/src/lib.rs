//! mycargo-config: cargo's configuration system.
//!
//! [`Config::load`] discovers `.cargo/config[.toml]` from the working
//! directory up to `/` and then in `$CARGO_HOME` (`load`), follows
//! `include`s, merges the files (`merge`, deeper directories win) and then
//! the `--config` arguments (`cli_arg`). Environment variables are consulted
//! at lookup time (`env_vars`), as cargo does, by the typed getters (`get`),
//! the alias lookups (`alias`) and the `[env]` table (`env_table`).
//!
//! Precedence, highest first: `--config` (later arguments win) > `CARGO_*`
//! environment > deeper directories > ancestors > `$CARGO_HOME`.
//!
//! Nothing here prints: warnings are collected in [`Config::warnings`].

mod alias;
mod cli_arg;
mod env_table;
mod env_vars;
mod error;
mod get;
mod key;
mod load;
mod merge;
mod show;
mod table;
mod tree;
mod value;

pub use error::ConfigError;
pub use get::RawValue;
pub use show::{ShowFormat, ShowRequest, Shown};
pub use table::TomlEntry;
pub use value::{Definition, Value};

use std::path::{Path, PathBuf};

use mycargo_util::Env;

use crate::load::Loader;
use crate::tree::ConfigValue;

/// One entry of the `[env]` table, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvConfigValue {
    pub name: String,
    /// The value; for `relative = true`, made absolute.
    pub value: String,
    /// Whether it overrides a variable already in the environment.
    pub force: bool,
}

/// The merged configuration, with the environment it was loaded in.
#[derive(Debug, Clone)]
pub struct Config {
    env: Env,
    cargo_home: PathBuf,
    /// The root table: files merged, then `--config` merged over them.
    values: ConfigValue,
    warnings: Vec<String>,
    /// The files read (see [`Config::files_read`]).
    files: Vec<PathBuf>,
    /// The `--config` values alone (`config get --merged=no`).
    cli_values: Option<ConfigValue>,
}

impl Config {
    /// Discover, read and merge all config. `cli_config` are the `--config`
    /// arguments in order.
    pub fn load(env: &Env, cli_config: &[String]) -> anyhow::Result<Config> {
        Config::load_rooted_at(env, cli_config, None)
    }

    /// [`Config::load`] with discovery starting at `root` instead of the
    /// working directory (cargo's `reload_rooted_at`: `install` reads the
    /// configuration of `--path`, or of `$CARGO_HOME` only); relative
    /// paths on the command line still start at the working directory.
    pub fn load_rooted_at(
        env: &Env,
        cli_config: &[String],
        root: Option<&Path>,
    ) -> anyhow::Result<Config> {
        let cargo_home = env.cargo_home().ok_or_else(|| {
            anyhow::anyhow!(
                "Cargo couldn't find your home directory. \
                 This probably means that $HOME was not set."
            )
        })?;
        let mut loader = Loader {
            cwd: env.cwd(),
            discovery_root: root,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        let mut values = loader.load_discovered(&cargo_home)?;
        let mut cli_values = None;
        if !cli_config.is_empty() {
            let cli = cli_arg::cli_args_as_table(&mut loader, cli_config)?;
            merge::merge(&mut values, cli.clone(), true)?;
            cli_values = Some(cli);
        }
        Ok(Config {
            env: env.clone(),
            cargo_home,
            values,
            warnings: loader.warnings,
            files: loader.files,
            cli_values,
        })
    }

    /// An empty config (no files), for tests and fallbacks. Environment
    /// variables still apply.
    pub fn empty(env: &Env) -> Config {
        Config {
            env: env.clone(),
            cargo_home: env.cargo_home().unwrap_or_else(|| env.cwd().join(".cargo")),
            values: ConfigValue::empty_table(Definition::Path(PathBuf::new())),
            warnings: Vec::new(),
            files: Vec::new(),
            cli_values: None,
        }
    }

    /// `$CARGO_HOME`, or `~/.cargo`.
    pub fn cargo_home(&self) -> &Path {
        &self.cargo_home
    }

    /// The working directory the config was loaded from.
    /// The environment the configuration was read with.
    pub fn env(&self) -> &Env {
        &self.env
    }

    pub fn cwd(&self) -> &Path {
        self.env.cwd()
    }

    /// Warnings found while loading (without the `warning: ` prefix), e.g.
    /// both `config` and `config.toml` present.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The configuration files read (discovered, included, `--config`
    /// files), and optional includes that were absent, in reading order.
    /// Which files discovery may find is [`Config::discovery_dirs`].
    pub fn files_read(&self) -> &[PathBuf] {
        &self.files
    }

    /// The `.cargo` directories discovery looks in (from the working
    /// directory up, then `$CARGO_HOME`): a config file created in one of
    /// them changes the configuration.
    pub fn discovery_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self.cwd().ancestors().map(|d| d.join(".cargo")).collect();
        if !dirs.contains(&self.cargo_home) {
            dirs.push(self.cargo_home.clone());
        }
        dirs
    }

    /// Forget the top-level table `key` of the files and `--config`
    /// (cargo's `values_mut().remove(key)`; `vendor` drops `source` so it
    /// goes straight to the original sources).
    pub fn remove_table(&mut self, key: &str) {
        if let ConfigValue::Table(map, _) = &mut self.values {
            map.remove(key);
        }
    }
}
