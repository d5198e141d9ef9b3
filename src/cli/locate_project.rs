//! `mycargo locate-project`

use clap::builder::{PossibleValuesParser, TypedValueParser as _};

use super::common::ManifestPath;

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Locate Cargo.toml of the workspace root
    #[arg(long)]
    pub workspace: bool,

    /// Output representation
    #[arg(
        long,
        value_name = "FMT",
        ignore_case = true,
        value_parser = PossibleValuesParser::new(["json", "plain"]).map(|s| s.to_ascii_lowercase()),
    )]
    pub message_format: Option<String>,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
