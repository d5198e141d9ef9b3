//! `mycargo read-manifest`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
