//! `mycargo rustdoc`

use super::common::{CompileOptions, Features, ManifestPath, TargetSelection, heading};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Extra rustdoc flags
    #[arg(value_name = "ARGS", num_args = 0.., trailing_var_arg = true)]
    pub args: Vec<String>,

    /// Opens the docs in a browser after the operation
    #[arg(long)]
    pub open: bool,

    /// Package to document
    #[arg(short = 'p', long, value_name = "SPEC", help_heading = heading::PACKAGE_SELECTION)]
    pub package: Option<Option<String>>,

    #[command(flatten)]
    pub targets: TargetSelection,

    #[command(flatten)]
    pub features: Features,

    #[command(flatten)]
    pub compile: CompileOptions,

    // After `compile`, whose `--message-format` cargo lists first.
    /// The output type to write (unstable)
    #[arg(long, value_name = "FMT", value_parser = ["html", "json"], help_heading = None::<&str>)]
    pub output_format: Option<String>,

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
