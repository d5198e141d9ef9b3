//! The command line, in cargo's shape. Each subcommand's flags live in their
//! own file; this file holds the global flags and the list of subcommands.
//! Parsing only: turning flags into work happens in `crate::ops`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand};

pub mod add;
pub mod bench;
pub mod build;
pub mod check;
pub mod clean;
pub mod common;
pub mod config;
pub mod doc;
pub mod fetch;
pub mod fix;
pub mod generate_lockfile;
mod help_text;
pub mod info;
pub mod init;
pub mod install;
pub mod locate_project;
pub mod login;
pub mod logout;
pub mod metadata;
pub mod new;
pub mod owner;
pub mod package;
pub mod pkgid;
pub mod publish;
pub mod read_manifest;
pub mod remove;
pub mod report;
pub mod run;
pub mod rustc;
pub mod rustdoc;
pub mod search;
pub mod test;
pub mod tree;
pub mod uninstall;
pub mod update;
pub mod vendor;
pub mod verify_project;
pub mod version;
pub mod yank;

#[derive(Parser, Debug)]
#[command(
    name = "mycargo",
    bin_name = "cargo",
    about = "Rust's package manager",
    disable_help_subcommand = true,
    disable_version_flag = true,
    styles = clap_styles(),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Print version info and exit
    #[arg(short = 'V', long = "version")]
    pub version: bool,

    /// List installed commands
    #[arg(long)]
    pub list: bool,

    /// Provide a detailed explanation of a rustc error message
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,

    /// Change to DIRECTORY before doing anything
    #[arg(short = 'C', value_name = "DIRECTORY")]
    pub directory: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags accepted before or after any subcommand (listed after a
/// command's own, as cargo lists them).
#[derive(clap::Args, Debug, Default, Clone, PartialEq, Eq)]
#[command(next_display_order = 800)]
pub struct GlobalArgs {
    /// Use verbose output (-vv very verbose/build.rs output)
    #[arg(short = 'v', long = "verbose", action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Do not print cargo log messages
    #[arg(short = 'q', long = "quiet", global = true)]
    pub quiet: bool,

    /// Coloring
    #[arg(long, value_name = "WHEN", global = true, value_parser = ["auto", "always", "never"])]
    pub color: Option<String>,

    /// Assert that `Cargo.lock` will remain unchanged
    #[arg(long, global = true, help_heading = common::heading::MANIFEST_OPTIONS)]
    pub locked: bool,

    /// Run without accessing the network
    #[arg(long, global = true, help_heading = common::heading::MANIFEST_OPTIONS)]
    pub offline: bool,

    /// Equivalent to specifying both --locked and --offline
    #[arg(long, global = true, help_heading = common::heading::MANIFEST_OPTIONS)]
    pub frozen: bool,

    /// Override a configuration value
    #[arg(long = "config", value_name = "KEY=VALUE|PATH", global = true)]
    pub config: Vec<String>,

    /// Unstable (nightly-only) flags to Cargo, see 'cargo -Z help' for details
    #[arg(short = 'Z', value_name = "FLAG", global = true)]
    pub unstable_flags: Vec<String>,
}

impl GlobalArgs {
    /// Combine the flags of an alias's expansion with those given around it.
    pub fn merge(&mut self, inner: GlobalArgs) {
        self.verbose = self.verbose.saturating_add(inner.verbose);
        self.quiet |= inner.quiet;
        if inner.color.is_some() {
            self.color = inner.color;
        }
        self.locked |= inner.locked;
        self.offline |= inner.offline;
        self.frozen |= inner.frozen;
        self.config.extend(inner.config);
        self.unstable_flags.extend(inner.unstable_flags);
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Add dependencies to a Cargo.toml manifest file
    Add(add::Args),
    /// Execute all benchmarks of a local package
    Bench(bench::Args),
    /// Compile a local package and all of its dependencies
    Build(build::Args),
    /// Check a local package and all of its dependencies for errors
    Check(check::Args),
    /// Remove artifacts that cargo has generated in the past
    Clean(clean::Args),
    /// Inspect configuration values
    Config(config::Args),
    /// Build a package's documentation
    Doc(doc::Args),
    /// Fetch dependencies of a package from the network
    Fetch(fetch::Args),
    /// Automatically fix lint warnings reported by rustc
    Fix(fix::Args),
    /// Generate the lockfile for a package
    GenerateLockfile(generate_lockfile::Args),
    /// A command cargo removed; kept, as cargo keeps it, to say so.
    #[command(
        about = "REMOVED: This command has been removed",
        override_help = "The `git-checkout` command has been removed."
    )]
    GitCheckout(RemovedArgs),
    /// Displays help for a cargo command
    Help(HelpArgs),
    /// Display information about a package
    Info(info::Args),
    /// Create a new cargo package in an existing directory
    Init(init::Args),
    /// Install a Rust binary
    Install(install::Args),
    /// Print a JSON representation of a Cargo.toml file's location
    LocateProject(locate_project::Args),
    #[command(about = "Log in to a registry.")]
    Login(login::Args),
    /// Remove an API token from the registry locally
    Logout(logout::Args),
    /// Output the resolved dependencies of a package, the concrete used versions including overrides, in machine-readable format
    Metadata(metadata::Args),
    /// Create a new cargo package at <path>
    New(new::Args),
    /// Manage the owners of a crate on the registry
    Owner(owner::Args),
    /// Assemble the local package into a distributable tarball
    Package(package::Args),
    /// Print a fully qualified package specification
    Pkgid(pkgid::Args),
    /// Upload a package to the registry
    Publish(publish::Args),
    #[command(about = "DEPRECATED: Print a JSON representation of a Cargo.toml manifest.")]
    ReadManifest(read_manifest::Args),
    /// Remove dependencies from a Cargo.toml manifest file
    Remove(remove::Args),
    /// Generate and display various kinds of reports
    Report(report::Args),
    /// Run a binary or example of the local package
    Run(run::Args),
    /// Compile a package, and pass extra options to the compiler
    Rustc(rustc::Args),
    #[command(about = "Build a package's documentation, using specified custom flags.")]
    Rustdoc(rustdoc::Args),
    /// Search packages in the registry. Default registry is crates.io
    Search(search::Args),
    /// Execute all unit and integration tests and build examples of a local package
    Test(test::Args),
    /// Display a tree visualization of a dependency graph
    Tree(tree::Args),
    /// Remove a Rust binary
    Uninstall(uninstall::Args),
    /// Update dependencies as recorded in the local lock file
    Update(update::Args),
    /// Vendor all dependencies for a project locally
    Vendor(vendor::Args),
    #[command(about = "DEPRECATED: Check correctness of crate manifest.")]
    VerifyProject(verify_project::Args),
    /// Show version information
    Version(version::Args),
    /// Remove a pushed crate from the index
    Yank(yank::Args),
    /// Anything else: an alias or a `cargo-<name>` plugin.
    #[command(external_subcommand)]
    External(Vec<OsString>),
}

impl Command {
    /// `--all` is cargo's deprecated spelling of `--workspace`: a flag of its
    /// own in the help, the same thing once parsed.
    fn fold_deprecated_aliases(&mut self) {
        let selection = match self {
            Command::Build(a) => &mut a.packages,
            Command::Check(a) => &mut a.packages,
            Command::Test(a) => &mut a.packages,
            Command::Bench(a) => &mut a.packages,
            Command::Doc(a) => &mut a.packages,
            Command::Fix(a) => &mut a.packages,
            _ => return,
        };
        selection.workspace |= std::mem::take(&mut selection.all);
    }
}

/// Whatever follows a removed command: it is refused before looking.
#[derive(clap::Args, Debug, Default)]
pub struct RemovedArgs {
    #[arg(num_args = 0.., allow_hyphen_values = true, hide = true)]
    pub rest: Vec<OsString>,
}

#[derive(clap::Args, Debug, Default)]
pub struct HelpArgs {
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// cargo's built-in aliases, overridable by `[alias]` in config.
pub const BUILTIN_ALIASES: &[(&str, &str)] = &[
    ("b", "build"),
    ("c", "check"),
    ("d", "doc"),
    ("r", "run"),
    ("rm", "remove"),
    ("t", "test"),
];

/// Names and one-line descriptions of the built-in commands, sorted.
pub fn builtin_commands() -> Vec<(String, String)> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut out: Vec<(String, String)> = cmd
        .get_subcommands()
        .map(|s| {
            let about = s.get_about().map(|a| a.to_string()).unwrap_or_default();
            (s.get_name().to_string(), about)
        })
        .collect();
    out.sort();
    out
}

pub fn is_builtin(name: &str) -> bool {
    let cmd = <Cli as clap::CommandFactory>::command();
    cmd.find_subcommand(name).is_some()
}

/// Parse a full argv (including the program name).
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Ok(parse_named(args)?.0)
}

/// Parse a full argv; also return the subcommand's name as typed (for an
/// external one, its first word).
pub fn parse_named<I, T>(args: I) -> Result<(Cli, Option<String>), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    // `CARGO_TERM_COLOR` colours clap's own output (help, usage errors).
    let color = match std::env::var("CARGO_TERM_COLOR").as_deref() {
        Ok("always") => clap::ColorChoice::Always,
        Ok("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let mut matches = with_tips(Cli::command())
        .color(color)
        .try_get_matches_from(split_timings_formats(args))?;
    let name = matches.subcommand_name().map(str::to_string);
    let mut cli = Cli::from_arg_matches_mut(&mut matches)?;
    if let Some(command) = &mut cli.command {
        command.fold_deprecated_aliases();
    }
    Ok((cli, name))
}

/// `--timings=FMTS` (before any `--`) becomes `--timings
/// --timings-format=FMTS`: cargo's `--timings` is a plain flag, and its help
/// line must stay cargo's.
fn split_timings_formats<I, T>(args: I) -> Vec<OsString>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut out = Vec::new();
    let mut after_dashes = false;
    for arg in args {
        let arg: OsString = arg.into();
        if after_dashes {
            out.push(arg);
            continue;
        }
        if arg == "--" {
            after_dashes = true;
        }
        match arg.to_str().and_then(|s| s.strip_prefix("--timings=")) {
            Some(formats) => {
                out.push("--timings".into());
                out.push(format!("--timings-format={formats}").into());
            }
            None => out.push(arg),
        }
    }
    out
}

/// cargo's hidden arguments that exist only to answer a common mistake
/// with a tip (`-x` → `--exclude`, `--path` → `--manifest-path`, ...).
fn with_tips(cmd: clap::Command) -> clap::Command {
    use clap::builder::UnknownArgumentValueParser;
    use clap::{Arg, ArgAction};
    let tip = |id: &'static str, parser: UnknownArgumentValueParser| {
        Arg::new(id)
            .help("")
            .value_parser(parser)
            .action(ArgAction::SetTrue)
            .hide(true)
    };
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let toolchain = toolchain_placeholder();
    let top = help_text::top(&cmd, toolchain);
    let mut cmd = cmd
        .override_help(top)
        .override_usage(format!(
            "cargo {toolchain}[OPTIONS] [COMMAND]\n       cargo {toolchain}[OPTIONS] -Zscript <MANIFEST_RS> [ARGS]..."
        ))
        .arg(
            tip(
                "unsupported-short-config-flag",
                UnknownArgumentValueParser::suggest_arg("--config"),
            )
            .short('c')
            .global(true),
        )
        .arg(
            tip(
                "unsupported-lowercase-unstable-feature-flag",
                UnknownArgumentValueParser::suggest_arg("-Z"),
            )
            .short('z')
            .global(true),
        );
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sub| {
            let has_long = |l: &str| sub.get_arguments().any(|a| a.get_long() == Some(l));
            let has_short = |c: char| sub.get_arguments().any(|a| a.get_short() == Some(c));
            let mut extra = Vec::new();
            // `-x` for `--exclude`, `-t` for `--target`.
            for (long, short, id, flag) in [
                ("exclude", 'x', "unsupported-short-exclude-flag", "--exclude"),
                ("target", 't', "unsupported-short-target-flag", "--target"),
            ] {
                if has_long(long) && !has_short(short) {
                    let parser = UnknownArgumentValueParser::suggest_arg(flag);
                    extra.push(tip(id, parser).short(short));
                }
            }
            if has_long("manifest-path") && !has_long("path") {
                extra.push(
                    tip(
                        "unsupported-path-flag",
                        UnknownArgumentValueParser::suggest_arg("--manifest-path"),
                    )
                    .long("path"),
                );
            }
            if !has_short('s') && !has_long("silent") {
                extra.push(
                    tip(
                        "silent",
                        UnknownArgumentValueParser::suggest_arg("--quiet"),
                    )
                    .short('s')
                    .long("silent"),
                );
            }
            let redundant = |flag: &'static str, command: &str, instead: &str| {
                tip(
                    flag,
                    UnknownArgumentValueParser::suggest(format!(
                        "`--{flag}` is the default for `cargo {command}`; instead `--{instead}` is supported"
                    )),
                )
                .long(flag)
            };
            // `-O` and cargo's removed `--out-dir` point to `--artifact-dir`.
            if has_long("artifact-dir") {
                extra.push(
                    tip(
                        "unsupported-short-artifact-dir-flag",
                        UnknownArgumentValueParser::suggest_arg("--artifact-dir"),
                    )
                    .short('O'),
                );
                extra.push(
                    tip(
                        "out-dir",
                        UnknownArgumentValueParser::suggest_arg("--artifact-dir"),
                    )
                    .long("out-dir"),
                );
            }
            match sub.get_name() {
                "build" if !has_long("debug") => extra.push(redundant("debug", "build", "release")),
                "install" if !has_long("release") => {
                    extra.push(redundant("release", "install", "debug"))
                }
                "test" | "bench" if !has_long("keep-going") => extra.push(
                    tip(
                        "keep-going",
                        UnknownArgumentValueParser::suggest(
                            "use `--no-fail-fast` to run as many tests as possible regardless of failure",
                        ),
                    )
                    .long("keep-going"),
                ),
                _ => {}
            }
            help_text::apply(sub.args(extra))
        });
    }
    cmd
}

/// The clap help text of one built-in subcommand.
pub fn subcommand_help(name: &str) -> Option<String> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.build();
    let sub = cmd.find_subcommand_mut(name)?;
    Some(sub.render_long_help().to_string())
}

/// The top-level help text, without styles.
pub fn top_help() -> String {
    let cmd = <Cli as clap::CommandFactory>::command();
    let text = help_text::top(&cmd, toolchain_placeholder());
    clap::builder::StyledStr::from(text).to_string()
}

/// `[+toolchain] ` in the usage when rustup runs us, as cargo shows it.
fn toolchain_placeholder() -> &'static str {
    if std::env::var_os("RUSTUP_HOME").is_some() {
        "[+toolchain] "
    } else {
        ""
    }
}

fn clap_styles() -> clap::builder::Styles {
    use anstyle::{AnsiColor, Effects};
    clap::builder::Styles::styled()
        .header(AnsiColor::BrightGreen.on_default().effects(Effects::BOLD))
        .usage(AnsiColor::BrightGreen.on_default().effects(Effects::BOLD))
        .literal(AnsiColor::BrightCyan.on_default().effects(Effects::BOLD))
        .placeholder(AnsiColor::Cyan.on_default())
        .error(AnsiColor::BrightRed.on_default().effects(Effects::BOLD))
        .valid(AnsiColor::BrightCyan.on_default().effects(Effects::BOLD))
        .invalid(AnsiColor::Yellow.on_default().effects(Effects::BOLD))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        <Cli as clap::CommandFactory>::command().debug_assert();
    }

    #[test]
    fn global_flags_after_subcommand() {
        let cli = parse(["mycargo", "version", "-v", "--config", "a.b=1"]).unwrap();
        assert_eq!(cli.global.verbose, 1);
        assert_eq!(cli.global.config, vec!["a.b=1".to_string()]);
    }

    #[test]
    fn unknown_subcommand_is_external() {
        let cli = parse(["mycargo", "hello", "--x", "y"]).unwrap();
        match cli.command {
            Some(Command::External(v)) => assert_eq!(v, vec!["hello", "--x", "y"]),
            other => panic!("{other:?}"),
        }
    }
}
