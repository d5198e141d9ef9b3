//! `mycargo remove`

use super::common::{ManifestPath, heading};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Dependencies to be removed
    #[arg(value_name = "DEP_ID", num_args = 1.., required = true)]
    pub dependencies: Vec<String>,

    /// Don't actually write the manifest
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Remove from dev-dependencies
    #[arg(long, conflicts_with = "build", help_heading = "Section")]
    pub dev: bool,

    /// Remove from build-dependencies
    #[arg(long, help_heading = "Section")]
    pub build: bool,

    /// Remove from target-dependencies
    #[arg(
        long,
        value_name = "TARGET",
        value_parser = clap::builder::NonEmptyStringValueParser::new(),
        help_heading = "Section"
    )]
    pub target: Option<String>,

    /// Package to remove from
    #[arg(short = 'p', long, value_name = "SPEC", help_heading = heading::PACKAGE_SELECTION)]
    pub package: Option<Option<String>>,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
