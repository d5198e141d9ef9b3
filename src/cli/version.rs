//! `mycargo version`
//!
//! Takes no flags of its own; `-v` (global) adds build details.

#[derive(clap::Args, Debug, Default)]
pub struct Args {}
