//! `mycargo pkgid`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
