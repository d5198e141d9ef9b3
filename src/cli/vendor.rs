//! `mycargo vendor`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
