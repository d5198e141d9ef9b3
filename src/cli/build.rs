//! `mycargo build`

use std::path::PathBuf;

use super::common::{
    CompileOptions, Features, ManifestPath, PackageSelection, TargetSelection, heading,
};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Outputs a future incompatibility report at the end of the build
    #[arg(long)]
    pub future_incompat_report: bool,

    #[command(flatten)]
    pub packages: PackageSelection,

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

    /// Copy final artifacts to this directory (unstable)
    #[arg(long, value_name = "PATH", help_heading = heading::COMPILATION_OPTIONS)]
    pub artifact_dir: Option<PathBuf>,

    /// Output build graph in JSON (unstable)
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub unit_graph: bool,

    /// Only build proc-macros and build scripts, and the dependencies they need (unstable)
    #[arg(long, hide = true)]
    pub compile_time_deps: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
