//! `mycargo install`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
