//! `mycargo fix`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
