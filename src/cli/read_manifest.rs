//! `mycargo read-manifest`

use super::common::ManifestPath;

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[command(flatten)]
    pub manifest: ManifestPath,
}
