//! `mycargo update`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
