//! `mycargo search`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
