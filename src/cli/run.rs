//! `mycargo run`

use std::ffi::OsString;

use super::common::{CompileOptions, Features, ManifestPath, heading, values};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Arguments for the binary or example to run
    #[arg(value_name = "ARGS", num_args = 0.., trailing_var_arg = true)]
    pub args: Vec<OsString>,

    /// Package with the target to run
    #[arg(short = 'p', long, value_name = "SPEC", help_heading = heading::PACKAGE_SELECTION)]
    pub package: Option<Option<String>>,

    /// Name of the bin target to run
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub bin: Option<Vec<String>>,

    /// Name of the example target to run
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub example: Option<Vec<String>>,

    #[command(flatten)]
    pub features: Features,

    #[command(flatten)]
    pub compile: CompileOptions,

    /// Build artifacts in release mode, with optimizations
    #[arg(short = 'r', long, conflicts_with = "profile", help_heading = heading::COMPILATION_OPTIONS)]
    pub release: bool,

    /// Do not abort the build as soon as there is an error
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub keep_going: bool,

    /// Output build graph in JSON (unstable)
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub unit_graph: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,
}

impl Args {
    /// The `--bin` names (empty when none).
    pub fn bins(&self) -> &[String] {
        values(&self.bin)
    }

    /// The `--example` names (empty when none).
    pub fn examples(&self) -> &[String] {
        values(&self.example)
    }
}
