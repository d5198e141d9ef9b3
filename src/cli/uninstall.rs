//! `mycargo uninstall`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
