//! `mycargo package`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
