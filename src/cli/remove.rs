//! `mycargo remove`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
