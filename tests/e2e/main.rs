//! End-to-end tests: the built `mycargo` binary run on projects in temp
//! directories, often side by side with the installed cargo. One test
//! binary, a module per area.

mod build;
mod cli;
mod config;
mod manifest;
mod new_init;
mod plugins;
