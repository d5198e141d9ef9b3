//! `mycargo bench`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
