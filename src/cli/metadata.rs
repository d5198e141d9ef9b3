//! `mycargo metadata`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
