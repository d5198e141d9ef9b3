//! `mycargo init`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
