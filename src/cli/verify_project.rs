//! `mycargo verify-project`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
