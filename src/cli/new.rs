//! `mycargo new`

use std::path::PathBuf;

// Create a new cargo package at <path> (the `about` is on `Command::New`).
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[arg(value_name = "PATH", value_parser = parse_path)]
    pub path: PathBuf,

    #[command(flatten)]
    pub opts: NewOptions,
}

/// The flags `new` and `init` share.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct NewOptions {
    #[arg(
        long,
        value_name = "VCS",
        value_parser = ["git", "hg", "pijul", "fossil", "none"],
        help = "Initialize a new repository for the given version control system, overriding a global configuration."
    )]
    pub vcs: Option<String>,

    /// Use a binary (application) template [default]
    #[arg(long)]
    pub bin: bool,

    /// Use a library template
    #[arg(long)]
    pub lib: bool,

    /// Edition to set for the crate generated
    #[arg(long, value_name = "YEAR", value_parser = ["2015", "2018", "2021", "2024"])]
    pub edition: Option<String>,

    /// Set the resulting package name, defaults to the directory name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Registry to use
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,
}

/// The path as typed, as cargo takes it: any UTF-8 string, even an empty
/// one (then the working directory itself).
pub fn parse_path(s: &str) -> Result<PathBuf, std::convert::Infallible> {
    Ok(PathBuf::from(s))
}
