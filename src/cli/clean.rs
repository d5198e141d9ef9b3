//! `mycargo clean`

use std::path::PathBuf;

use super::common::{ManifestPath, heading, values, wants_list};

#[derive(clap::Args, Debug, Default)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Whether or not to clean just the documentation directory
    #[arg(long)]
    pub doc: bool,

    /// Display what would be deleted without deleting anything
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Package to clean artifacts for
    #[arg(
        short = 'p',
        long,
        value_name = "SPEC",
        num_args = 0..=1,
        help_heading = heading::PACKAGE_SELECTION,
    )]
    pub package: Option<Vec<String>>,

    /// Clean artifacts of the workspace members
    #[arg(long, help_heading = heading::PACKAGE_SELECTION)]
    pub workspace: bool,

    /// Whether or not to clean release artifacts
    #[arg(short = 'r', long, conflicts_with = "profile", help_heading = heading::COMPILATION_OPTIONS)]
    pub release: bool,

    /// Clean artifacts of the specified profile
    #[arg(long, value_name = "PROFILE-NAME", help_heading = heading::COMPILATION_OPTIONS)]
    pub profile: Option<String>,

    /// Target triple to clean output for
    #[arg(long, value_name = "TRIPLE", num_args = 0..=1, help_heading = heading::COMPILATION_OPTIONS)]
    pub target: Option<Vec<String>>,

    /// Directory for all generated artifacts
    #[arg(long, value_name = "DIRECTORY", help_heading = heading::COMPILATION_OPTIONS)]
    pub target_dir: Option<PathBuf>,

    #[command(flatten)]
    pub manifest: ManifestPath,

    #[command(subcommand)]
    pub command: Option<CleanCommand>,
}

impl Args {
    /// The specs given to `-p` (empty when none).
    pub fn packages(&self) -> &[String] {
        values(&self.package)
    }

    /// `-p` given without a value: list the workspace's packages.
    pub fn wants_package_list(&self) -> bool {
        wants_list(&self.package)
    }

    /// The triples given to `--target` (empty when none).
    pub fn targets(&self) -> &[String] {
        values(&self.target)
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum CleanCommand {
    /// Clean global caches
    #[command(hide = true)]
    Gc(GcArgs),
}

/// `mycargo clean gc` (unstable, `-Zgc`).
#[derive(clap::Args, Debug, Default)]
pub struct GcArgs {
    /// Display what would be deleted without deleting anything
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Deletes source cache files that have not been used since the given age (unstable)
    #[arg(long, value_name = "DURATION")]
    pub max_src_age: Option<String>,

    /// Deletes crate cache files that have not been used since the given age (unstable)
    #[arg(long, value_name = "DURATION")]
    pub max_crate_age: Option<String>,

    /// Deletes registry indexes that have not been used since the given age (unstable)
    #[arg(long, value_name = "DURATION")]
    pub max_index_age: Option<String>,

    /// Deletes git dependency checkouts that have not been used since the given age (unstable)
    #[arg(long, value_name = "DURATION")]
    pub max_git_co_age: Option<String>,

    /// Deletes git dependency clones that have not been used since the given age (unstable)
    #[arg(long, value_name = "DURATION")]
    pub max_git_db_age: Option<String>,

    /// Deletes any downloaded cache data that has not been used since the given age (unstable)
    #[arg(long, value_name = "DURATION")]
    pub max_download_age: Option<String>,

    /// Deletes source cache files until the cache is under the given size (unstable)
    #[arg(long, value_name = "SIZE")]
    pub max_src_size: Option<String>,

    /// Deletes crate cache files until the cache is under the given size (unstable)
    #[arg(long, value_name = "SIZE")]
    pub max_crate_size: Option<String>,

    /// Deletes git dependency caches until the cache is under the given size (unstable)
    #[arg(long, value_name = "SIZE")]
    pub max_git_size: Option<String>,

    /// Deletes downloaded cache data until the cache is under the given size (unstable)
    #[arg(long, value_name = "SIZE")]
    pub max_download_size: Option<String>,
}
