//! `mycargo test`

use super::common::{
    CompileOptions, Features, ManifestPath, PackageSelection, TargetSelection, heading,
};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// If specified, only run tests containing this string in their names
    #[arg(value_name = "TESTNAME")]
    pub testname: Option<String>,

    /// Arguments for the test binary
    #[arg(value_name = "ARGS", last = true, num_args = 0..)]
    pub args: Vec<String>,

    /// Compile, but don't run tests
    #[arg(long)]
    pub no_run: bool,

    /// Run all tests regardless of failure
    #[arg(long)]
    pub no_fail_fast: bool,

    /// Outputs a future incompatibility report at the end of the build
    #[arg(long)]
    pub future_incompat_report: bool,

    #[command(flatten)]
    pub packages: PackageSelection,

    #[command(flatten)]
    pub targets: TargetSelection,

    /// Test only this library's documentation
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub doc: bool,

    #[command(flatten)]
    pub features: Features,

    #[command(flatten)]
    pub compile: CompileOptions,

    /// Build artifacts in release mode, with optimizations
    #[arg(short = 'r', long, conflicts_with = "profile", help_heading = heading::COMPILATION_OPTIONS)]
    pub release: bool,

    /// Output build graph in JSON (unstable)
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub unit_graph: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
