//! `mycargo package`

use std::path::PathBuf;

use super::common::{Features, ManifestPath, PackageSelectionNoAll, heading, values};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Registry index URL to prepare the package for
    #[arg(long, value_name = "INDEX", conflicts_with = "registry")]
    pub index: Option<String>,

    /// Registry to prepare the package for
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,

    /// Print files included in a package without making one
    #[arg(short = 'l', long)]
    pub list: bool,

    /// Don't verify the contents by building them
    #[arg(long)]
    pub no_verify: bool,

    /// Ignore warnings about a lack of human-usable metadata
    #[arg(long)]
    pub no_metadata: bool,

    /// Allow dirty working directories to be packaged
    #[arg(long)]
    pub allow_dirty: bool,

    /// Don't include the lock file when packaging
    #[arg(long)]
    pub exclude_lockfile: bool,

    /// Output representation (unstable)
    #[arg(long, value_name = "FMT", value_parser = ["human", "json"], requires = "list")]
    pub message_format: Option<String>,

    #[command(flatten)]
    pub packages: PackageSelectionNoAll,

    #[command(flatten)]
    pub features: Features,

    /// Build for the target triple
    #[arg(long, value_name = "TRIPLE", num_args = 0..=1, help_heading = heading::COMPILATION_OPTIONS)]
    pub target: Option<Vec<String>>,

    /// Directory for all generated artifacts
    #[arg(long, value_name = "DIRECTORY", help_heading = heading::COMPILATION_OPTIONS)]
    pub target_dir: Option<PathBuf>,

    /// Number of parallel jobs, defaults to # of CPUs.
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        allow_hyphen_values = true,
        verbatim_doc_comment,
        help_heading = heading::COMPILATION_OPTIONS
    )]
    pub jobs: Option<String>,

    /// Do not abort the build as soon as there is an error
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub keep_going: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,
}

impl Args {
    /// The triples given to `--target` (empty when none).
    pub fn targets(&self) -> &[String] {
        values(&self.target)
    }
}
