//! `mycargo yank`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
