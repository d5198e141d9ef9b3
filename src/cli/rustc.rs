//! `mycargo rustc`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
