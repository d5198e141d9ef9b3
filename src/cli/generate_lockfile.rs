//! `mycargo generate-lockfile`

use super::common::{ManifestPath, heading};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[command(flatten)]
    pub manifest: ManifestPath,

    /// Ignore `rust-version` specification in packages
    #[arg(long, help_heading = heading::MANIFEST_OPTIONS)]
    pub ignore_rust_version: bool,

    /// Latest publish time allowed for registry packages (unstable)
    #[arg(long, value_name = "yyyy-mm-ddThh:mm:ssZ", help_heading = heading::MANIFEST_OPTIONS)]
    pub publish_time: Option<String>,
}
