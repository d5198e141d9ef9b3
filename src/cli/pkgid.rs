//! `mycargo pkgid`

use super::common::{ManifestPath, heading};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[arg(value_name = "SPEC")]
    pub spec: Option<String>,

    /// Argument to get the package ID specifier for
    #[arg(short = 'p', long, value_name = "SPEC", help_heading = heading::PACKAGE_SELECTION)]
    pub package: Option<Option<String>>,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
