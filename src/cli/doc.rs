//! `mycargo doc`

use super::common::{CompileOptions, Features, ManifestPath, PackageSelection, heading};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Opens the docs in a browser after the operation
    #[arg(long)]
    pub open: bool,

    /// Don't build documentation for dependencies
    #[arg(long)]
    pub no_deps: bool,

    /// Document private items
    #[arg(long)]
    pub document_private_items: bool,

    #[command(flatten)]
    pub packages: PackageSelection,

    #[command(flatten)]
    pub features: Features,

    /// Document only this package's library
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub lib: bool,

    /// Document all binaries
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub bins: bool,

    /// Document only the specified binary
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub bin: Option<Vec<String>>,

    /// Document all examples
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub examples: bool,

    /// Document only the specified example
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub example: Option<Vec<String>>,

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
