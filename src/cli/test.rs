//! `mycargo test`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
