//! `mycargo login`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
