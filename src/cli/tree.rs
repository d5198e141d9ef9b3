//! `mycargo tree`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
