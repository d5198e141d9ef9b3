//! `mycargo uninstall`

use std::path::PathBuf;

use super::common::{heading, values};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    // cargo shows no help for it.
    #[arg(value_name = "SPEC", num_args = 0..)]
    pub specs: Vec<String>,

    /// Directory to uninstall packages from
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Package to uninstall
    #[arg(
        short = 'p',
        long,
        value_name = "SPEC",
        num_args = 0..=1,
        help_heading = heading::PACKAGE_SELECTION
    )]
    pub package: Option<Vec<String>>,

    /// Only uninstall the binary NAME
    #[arg(long, value_name = "NAME", help_heading = heading::TARGET_SELECTION)]
    pub bin: Vec<String>,
}

impl Args {
    /// The specs given to `-p` (empty when none).
    pub fn packages(&self) -> &[String] {
        values(&self.package)
    }
}
