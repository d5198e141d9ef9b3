//! `mycargo doc`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
