//! `mycargo report`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
