//! `mycargo init`

use std::path::PathBuf;

use super::new::{NewOptions, parse_path};

// Create a new cargo package in an existing directory (the `about` is on
// `Command::Init`).
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[arg(value_name = "PATH", default_value = ".", value_parser = parse_path)]
    pub path: PathBuf,

    #[command(flatten)]
    pub opts: NewOptions,
}
