//! `mycargo install`

use std::path::PathBuf;

use super::common::{CompileOptions, Features, heading, values};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Select the package from the given source
    #[arg(value_name = "CRATE[@<VER>]", num_args = 0.., value_parser = parse_crate)]
    pub crates: Vec<String>,

    /// Specify a version to install
    #[arg(long, alias = "vers", value_name = "VERSION", requires = "crates")]
    pub version: Option<String>,

    /// Registry index to install from
    #[arg(
        long,
        value_name = "INDEX",
        requires = "crates",
        conflicts_with_all = ["git", "path", "registry"],
    )]
    pub index: Option<String>,

    /// Registry to use
    #[arg(
        long,
        value_name = "REGISTRY",
        requires = "crates",
        conflicts_with_all = ["git", "path", "index"],
    )]
    pub registry: Option<String>,

    /// Git URL to install the specified crate from
    #[arg(long, value_name = "URL", conflicts_with_all = ["path", "index", "registry"])]
    pub git: Option<String>,

    /// Branch to use when installing from git
    #[arg(long, value_name = "BRANCH", requires = "git")]
    pub branch: Option<String>,

    /// Tag to use when installing from git
    #[arg(long, value_name = "TAG", requires = "git")]
    pub tag: Option<String>,

    /// Specific commit to use when installing from git
    #[arg(long, value_name = "SHA", requires = "git")]
    pub rev: Option<String>,

    /// Filesystem path to local crate to install from
    #[arg(long, value_name = "PATH", conflicts_with_all = ["git", "index", "registry"])]
    pub path: Option<PathBuf>,

    /// Directory to install packages into
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Force overwriting existing crates or binaries
    #[arg(short = 'f', long)]
    pub force: bool,

    /// Perform all checks without installing (unstable)
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Do not save tracking information
    #[arg(long)]
    pub no_track: bool,

    /// List all installed packages and their versions
    #[arg(long)]
    pub list: bool,

    /// Build in debug mode (with the 'dev' profile) instead of release mode
    #[arg(long, conflicts_with = "profile")]
    pub debug: bool,

    /// Install only the specified binary
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub bin: Option<Vec<String>>,

    /// Install all binaries
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub bins: bool,

    /// Install only the specified example
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub example: Option<Vec<String>>,

    /// Install all examples
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub examples: bool,

    #[command(flatten)]
    pub features: Features,

    /// Do not abort the build as soon as there is an error
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub keep_going: bool,

    // `--profile` here means "Install artifacts with the specified profile".
    #[command(flatten)]
    pub compile: CompileOptions,
}

impl Args {
    /// The `--bin` names (empty when none).
    pub fn bins(&self) -> &[String] {
        values(&self.bin)
    }

    /// The `--example` names (empty when none).
    pub fn examples(&self) -> &[String] {
        values(&self.example)
    }
}

/// `CRATE[@VER]`: a crate name, optionally with a version requirement after
/// `@`. The version itself is checked when the command runs.
fn parse_crate(krate: &str) -> Result<String, String> {
    if let Some((name, version)) = krate.split_once('@') {
        if name.is_empty() {
            // By convention, arguments starting with `@` are response files.
            return Err("missing crate name before '@'".to_string());
        }
        if version.is_empty() {
            return Err("no version provided for the `--version` flag".to_string());
        }
    }
    if krate.is_empty() {
        return Err("crate name is empty".to_string());
    }
    Ok(krate.to_string())
}
