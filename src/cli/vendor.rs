//! `mycargo vendor`

use std::path::PathBuf;

use super::common::ManifestPath;

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Where to vendor crates (`vendor` by default)
    #[arg(value_name = "path")]
    pub path: Option<PathBuf>,

    /// Don't delete older crates in the vendor directory
    #[arg(long)]
    pub no_delete: bool,

    /// Additional `Cargo.toml` to sync and vendor
    #[arg(short = 's', long, value_name = "TOML")]
    pub sync: Vec<PathBuf>,

    /// Respect `[source]` config in `.cargo/config`
    #[arg(long)]
    pub respect_source_config: bool,

    /// Always include version in subdir name
    #[arg(long)]
    pub versioned_dirs: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
