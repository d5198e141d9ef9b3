//! `mycargo rustc`

use super::common::{CompileOptions, Features, ManifestPath, TargetSelection, heading};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Extra rustc flags
    #[arg(value_name = "ARGS", num_args = 0.., trailing_var_arg = true)]
    pub args: Vec<String>,

    /// Output compiler information without compiling
    #[arg(long, value_name = "INFO")]
    pub print: Option<String>,

    /// Comma separated list of types of crates for the compiler to emit
    #[arg(long, value_name = "CRATE-TYPE")]
    pub crate_type: Vec<String>,

    /// Outputs a future incompatibility report at the end of the build
    #[arg(long)]
    pub future_incompat_report: bool,

    /// Package to build
    #[arg(short = 'p', long, value_name = "SPEC", help_heading = heading::PACKAGE_SELECTION)]
    pub package: Option<Option<String>>,

    #[command(flatten)]
    pub targets: TargetSelection,

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
