//! `mycargo version`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
