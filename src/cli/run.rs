//! `mycargo run`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
