//! `mycargo generate-lockfile`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
