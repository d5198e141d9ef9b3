//! The context every command runs in: the shell, the environment snapshot,
//! the merged configuration and the global flags, settled once in
//! [`GlobalContext::new`] before the command starts.

use std::path::{Path, PathBuf};

use mycargo_config::Config;
use mycargo_util::shell::ProgressWhen;
use mycargo_util::{ColorChoice, Env, Shell, Verbosity};

use crate::cli::GlobalArgs;

pub struct GlobalContext {
    pub shell: Shell,
    pub env: Env,
    pub config: Config,
    pub args: GlobalArgs,
    /// Absolute path of the running mycargo, given to plugins as `CARGO`.
    pub exe: PathBuf,
    /// cargo's local registry overlays (set by `package`/`publish` while
    /// they lock and verify packages whose dependencies are packaged in
    /// the same run): each registry, and a local registry directory whose
    /// packages are served as if that registry had them.
    pub local_overlays: Vec<(mycargo_core::SourceId, PathBuf)>,
    /// The `-Z` flags, parsed (empty unless nightly).
    pub unstable: crate::unstable::UnstableFlags,
    /// `generate-lockfile --publish-time` (nightly): registry versions
    /// published after this RFC 3339 time are not chosen.
    pub publish_time: Option<String>,
    /// Tokens credential providers gave, kept for this process as they
    /// allow.
    pub credential_cache: crate::ops::credential::Cache,
    /// Warnings cargo prints as soon as a script's manifest is read
    /// (`package.edition` defaulted), shown by [`Self::flush_script_warnings`].
    pub script_warnings: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// Those already shown: a manifest read twice warns once.
    script_warnings_shown: std::collections::HashSet<String>,
}

impl GlobalContext {
    /// Load configuration for `env` and apply the global flags and `term.*`
    /// settings to the shell.
    pub fn new(shell: Shell, env: Env, args: GlobalArgs, exe: PathBuf) -> anyhow::Result<Self> {
        Self::load(shell, env, args, exe, true)
    }

    /// Settle again after an alias added global flags; warnings about the
    /// configuration files were already shown once.
    pub fn reload(shell: Shell, env: Env, args: GlobalArgs, exe: PathBuf) -> anyhow::Result<Self> {
        Self::load(shell, env, args, exe, false)
    }

    fn load(
        mut shell: Shell,
        env: Env,
        args: GlobalArgs,
        exe: PathBuf,
        warn: bool,
    ) -> anyhow::Result<Self> {
        // Verbosity and colour from flags first, so errors while loading
        // config are already shown the way the user asked.
        apply_term(&mut shell, &env, &args, None, None, None)?;
        let config = Config::load(&env, &args.config)?;
        // As cargo: a `[term]` table with anything wrong in it is ignored
        // here (so `version` and the like still run); builds refuse it
        // (see [`validate_term`]).
        let term = TermConfig::load(&config).unwrap_or_default();
        apply_term(
            &mut shell,
            &env,
            &args,
            term.verbose,
            term.quiet,
            term.color,
        )?;
        shell.set_progress(term.progress_when, term.progress_width);
        if warn {
            for w in config.warnings() {
                shell.warn(w)?;
            }
        }
        Ok(GlobalContext {
            shell,
            env,
            config,
            args,
            exe,
            local_overlays: Vec::new(),
            unstable: Default::default(),
            publish_time: None,
            credential_cache: Default::default(),
            script_warnings: Default::default(),
            script_warnings_shown: Default::default(),
        })
    }

    /// Configuration discovered from `dir` instead of the working
    /// directory (a script runs with the configuration of where it is).
    pub fn reload_config_rooted_at(&mut self, dir: &Path) -> anyhow::Result<()> {
        let mut env = self.env.clone();
        env.set_cwd(dir.to_path_buf());
        self.config = Config::load(&env, &self.args.config)?;
        Ok(())
    }

    /// The manifest changed (`add`, `remove`): reading it again warns
    /// again, as cargo does.
    pub fn forget_script_warnings(&mut self) {
        self.script_warnings_shown.clear();
    }

    /// Print the warnings reading scripts left (see `script_warnings`).
    pub fn flush_script_warnings(&mut self) -> std::io::Result<()> {
        let pending: Vec<String> = match self.script_warnings.lock() {
            Ok(mut list) => std::mem::take(&mut *list),
            Err(_) => Vec::new(),
        };
        for w in pending {
            if self.script_warnings_shown.insert(w.clone()) {
                self.shell.warn(w)?;
            }
        }
        Ok(())
    }

    pub fn cwd(&self) -> &Path {
        self.env.cwd()
    }
}

/// cargo's `[term]` table, read whole.
#[derive(Debug, Default)]
struct TermConfig {
    verbose: Option<bool>,
    quiet: Option<bool>,
    color: Option<String>,
    progress_when: ProgressWhen,
    progress_width: Option<usize>,
}

impl TermConfig {
    /// Every `term.*` value with its type checked, as cargo deserializes
    /// the table (`hyperlinks`, `unicode` and `progress.term-integration`
    /// are checked though unused).
    fn load(config: &Config) -> anyhow::Result<TermConfig> {
        config.table_keys("term")?;
        let flag = |key: &str| config.get_bool(key).map(|v| v.map(|v| v.val));
        let verbose = flag("term.verbose")?;
        let quiet = flag("term.quiet")?;
        let color = config.get_string("term.color")?.map(|v| v.val);
        flag("term.hyperlinks")?;
        flag("term.unicode")?;
        config.table_keys("term.progress")?;
        let when = config.get_enum("term.progress.when", &["auto", "never", "always"])?;
        let width = config.get_unsigned("term.progress.width", "usize", usize::MAX as u64)?;
        flag("term.progress.term-integration")?;
        let progress_when = match when {
            Some(v) => ProgressWhen::parse(&v.val)?,
            None => ProgressWhen::Auto,
        };
        if progress_when == ProgressWhen::Always && width.is_none() {
            anyhow::bail!("\"always\" progress requires a `width` key");
        }
        Ok(TermConfig {
            verbose,
            quiet,
            color,
            progress_when,
            progress_width: width.map(|w| w.val as usize),
        })
    }
}

/// Refuse a `[term]` table cargo would not read (what cargo checks
/// before a build).
pub fn validate_term(gctx: &GlobalContext) -> anyhow::Result<()> {
    TermConfig::load(&gctx.config).map(drop)
}

/// Settle verbosity and colour: flags beat `term.*` config; `-v` with `-q`
/// is an error, as in cargo.
fn apply_term(
    shell: &mut Shell,
    env: &Env,
    args: &GlobalArgs,
    cfg_verbose: Option<bool>,
    cfg_quiet: Option<bool>,
    cfg_color: Option<String>,
) -> anyhow::Result<()> {
    let verbosity = match (args.verbose, args.quiet) {
        (v, true) if v > 0 => anyhow::bail!("cannot set both --verbose and --quiet"),
        (0, true) => Verbosity::Quiet,
        (1, false) => Verbosity::Verbose,
        (0, false) => match (cfg_verbose, cfg_quiet) {
            (Some(true), Some(true)) => {
                anyhow::bail!("cannot set both `term.verbose` and `term.quiet`")
            }
            (Some(true), _) => Verbosity::Verbose,
            (_, Some(true)) => Verbosity::Quiet,
            _ => Verbosity::Normal,
        },
        _ => Verbosity::VeryVerbose,
    };
    shell.set_verbosity(verbosity);
    let color = args
        .color
        .clone()
        .or(cfg_color)
        .or_else(|| env.get("CARGO_TERM_COLOR").map(str::to_string));
    let choice = match color {
        Some(c) => ColorChoice::parse(&c)?,
        None if env.get_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => ColorChoice::Never,
        None => ColorChoice::Auto,
    };
    shell.set_color_choice(choice, env.get("TERM"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settle(
        args: GlobalArgs,
        verbose: Option<bool>,
        quiet: Option<bool>,
    ) -> anyhow::Result<Verbosity> {
        let mut shell = Shell::from_write(Box::new(std::io::sink()), Box::new(std::io::sink()));
        let env = Env::new("/", [("TERM", "xterm")]);
        apply_term(&mut shell, &env, &args, verbose, quiet, None)?;
        Ok(shell.verbosity())
    }

    #[test]
    fn flags_beat_term_config() {
        let v = |n| GlobalArgs {
            verbose: n,
            ..Default::default()
        };
        assert_eq!(settle(v(0), None, None).unwrap(), Verbosity::Normal);
        assert_eq!(settle(v(1), None, Some(true)).unwrap(), Verbosity::Verbose);
        assert_eq!(settle(v(2), None, None).unwrap(), Verbosity::VeryVerbose);
        assert_eq!(settle(v(0), Some(true), None).unwrap(), Verbosity::Verbose);
        assert_eq!(settle(v(0), None, Some(true)).unwrap(), Verbosity::Quiet);
        let q = GlobalArgs {
            quiet: true,
            ..Default::default()
        };
        assert_eq!(settle(q, Some(true), None).unwrap(), Verbosity::Quiet);
    }

    #[test]
    fn verbose_and_quiet_conflict() {
        let both = GlobalArgs {
            verbose: 1,
            quiet: true,
            ..Default::default()
        };
        assert!(settle(both, None, None).is_err());
        let err = settle(GlobalArgs::default(), Some(true), Some(true)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot set both `term.verbose` and `term.quiet`"
        );
    }

    #[test]
    fn color_choice_sources() {
        let mut shell = Shell::from_write(Box::new(std::io::sink()), Box::new(std::io::sink()));
        let env = Env::new("/", [("CARGO_TERM_COLOR", "always")]);
        apply_term(&mut shell, &env, &GlobalArgs::default(), None, None, None).unwrap();
        assert_eq!(shell.color_choice(), ColorChoice::Always);
        let args = GlobalArgs {
            color: Some("never".into()),
            ..Default::default()
        };
        apply_term(&mut shell, &env, &args, None, None, None).unwrap();
        assert_eq!(shell.color_choice(), ColorChoice::Never);
        let env = Env::new("/", [("NO_COLOR", "1")]);
        apply_term(&mut shell, &env, &GlobalArgs::default(), None, None, None).unwrap();
        assert_eq!(shell.color_choice(), ColorChoice::Never);
        let bad = GlobalArgs::default();
        assert!(apply_term(&mut shell, &env, &bad, None, None, Some("blue".into())).is_err());
    }
}
