//! `mycargo clean`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
