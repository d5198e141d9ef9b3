//! `mycargo add`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
