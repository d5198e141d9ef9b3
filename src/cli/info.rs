//! `mycargo info`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
