//! `mycargo fetch`

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
