//! `mycargo info`

use super::common::heading;

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Package to inspect
    #[arg(value_name = "SPEC", required = true, help_heading = heading::PACKAGE_SELECTION)]
    pub package: String,

    /// Registry index URL to search packages in
    #[arg(long, value_name = "INDEX", conflicts_with = "registry")]
    pub index: Option<String>,

    /// Registry to search packages in
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,
}
