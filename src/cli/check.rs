//! `mycargo check`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
