//! `mycargo bench`

use super::common::{
    CompileOptions, Features, ManifestPath, PackageSelection, TargetSelection, heading,
};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// If specified, only run benches containing this string in their names
    #[arg(value_name = "BENCHNAME")]
    pub benchname: Option<String>,

    /// Arguments for the bench binary
    #[arg(value_name = "ARGS", last = true, num_args = 0..)]
    pub args: Vec<String>,

    /// Compile, but don't run benchmarks
    #[arg(long)]
    pub no_run: bool,

    /// Run all benchmarks regardless of failure
    #[arg(long)]
    pub no_fail_fast: bool,

    #[command(flatten)]
    pub packages: PackageSelection,

    #[command(flatten)]
    pub targets: TargetSelection,

    #[command(flatten)]
    pub features: Features,

    #[command(flatten)]
    pub compile: CompileOptions,

    /// Output build graph in JSON (unstable)
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub unit_graph: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
