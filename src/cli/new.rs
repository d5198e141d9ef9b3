//! `mycargo new`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
