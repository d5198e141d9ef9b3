//! `mycargo metadata`

use super::common::{Features, ManifestPath};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Only include resolve dependencies matching the given target-triple
    #[arg(long, value_name = "TRIPLE")]
    pub filter_platform: Vec<String>,

    /// Output information only about the workspace members and don't fetch dependencies
    #[arg(long)]
    pub no_deps: bool,

    /// Format version
    #[arg(long, value_name = "VERSION", value_parser = ["1"])]
    pub format_version: Option<String>,

    #[command(flatten)]
    pub features: Features,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
