//! `mycargo logout`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
