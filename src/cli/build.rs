//! `mycargo build`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
