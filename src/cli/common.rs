//! Flag groups shared by several subcommands (package selection, features,
//! targets, compile options, manifest path, message format).

use std::path::PathBuf;

/// `--manifest-path`
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ManifestPath {
    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}
