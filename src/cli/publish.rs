//! `mycargo publish`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
