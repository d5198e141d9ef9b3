//! `mycargo rustdoc`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
