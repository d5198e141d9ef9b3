//! `mycargo fix`

use super::common::{
    CompileOptions, Features, ManifestPath, PackageSelection, TargetSelection, heading,
};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Fix in preparation for the next edition
    #[arg(long)]
    pub edition: bool,

    /// Fix warnings to migrate to the idioms of an edition
    #[arg(long)]
    pub edition_idioms: bool,

    /// Fix code even if it already has compiler errors
    #[arg(long)]
    pub broken_code: bool,

    /// Fix code even if a VCS was not detected
    #[arg(long)]
    pub allow_no_vcs: bool,

    /// Fix code even if the working directory is dirty or has staged changes
    #[arg(long)]
    pub allow_dirty: bool,

    /// Fix code even if the working directory has staged changes
    #[arg(long)]
    pub allow_staged: bool,

    #[command(flatten)]
    pub packages: PackageSelection,

    // With no target selected, `fix` works on all targets.
    #[command(flatten)]
    pub targets: TargetSelection,

    #[command(flatten)]
    pub features: Features,

    #[command(flatten)]
    pub compile: CompileOptions,

    /// Fix artifacts in release mode, with optimizations
    #[arg(short = 'r', long, conflicts_with = "profile", help_heading = heading::COMPILATION_OPTIONS)]
    pub release: bool,

    /// Do not abort the build as soon as there is an error
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub keep_going: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,
}
