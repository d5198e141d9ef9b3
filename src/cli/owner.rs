//! `mycargo owner`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
