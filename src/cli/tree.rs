//! `mycargo tree`

use super::common::{Features, ManifestPath, PackageSelectionNoAll, heading, values};

/// The values `-e`/`--edges` takes (several may be joined by commas).
pub const EDGE_KINDS: &[&str] = &[
    "all",
    "normal",
    "build",
    "dev",
    "features",
    "public",
    "no-normal",
    "no-build",
    "no-dev",
    "no-proc-macro",
];

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// The kinds of dependencies to display
    #[arg(
        short = 'e',
        long,
        value_name = "KINDS",
        value_delimiter = ',',
        value_parser = clap::builder::PossibleValuesParser::new(EDGE_KINDS),
    )]
    pub edges: Vec<String>,

    /// Invert the tree direction and focus on the given package
    #[arg(short = 'i', long, value_name = "SPEC", num_args = 0..=1)]
    pub invert: Option<Vec<String>>,

    /// Prune the given package from the display of the dependency tree
    #[arg(long, value_name = "SPEC")]
    pub prune: Vec<String>,

    /// Maximum display depth of the dependency tree
    #[arg(long, value_name = "DEPTH")]
    pub depth: Option<String>,

    /// Change the prefix (indentation) of how each entry is displayed
    #[arg(
        long,
        value_name = "PREFIX",
        value_parser = ["depth", "indent", "none"],
        default_value = "indent"
    )]
    pub prefix: String,

    /// Do not de-duplicate (repeats all shared dependencies)
    #[arg(long)]
    pub no_dedupe: bool,

    /// Show only dependencies which come in multiple versions (implies -i)
    #[arg(short = 'd', long, alias = "duplicate")]
    pub duplicates: bool,

    /// Character set to use in output
    #[arg(long, value_name = "CHARSET", value_parser = ["utf8", "ascii"])]
    pub charset: Option<String>,

    /// Format string used for printing dependencies
    #[arg(short = 'f', long, value_name = "FORMAT", default_value = "{p}")]
    pub format: String,

    /// Deprecated, use --no-dedupe instead
    #[arg(short = 'a', long, hide = true)]
    pub all: bool,

    /// Deprecated, use -e=no-dev instead
    #[arg(long, hide = true)]
    pub no_dev_dependencies: bool,

    /// Deprecated, use --prefix=none instead
    #[arg(long, hide = true)]
    pub no_indent: bool,

    /// Deprecated, use --prefix=depth instead
    #[arg(long, hide = true)]
    pub prefix_depth: bool,

    /// Print version info and exit (compatibility with the old cargo-tree)
    #[arg(short = 'V', long, hide = true)]
    pub version: bool,

    #[command(flatten)]
    pub packages: PackageSelectionNoAll,

    #[command(flatten)]
    pub features: Features,

    /// Deprecated, use --target=all instead
    #[arg(long, hide = true)]
    pub all_targets: bool,

    #[arg(
        help = "Filter dependencies matching the given target-triple (default host platform). Pass `all` to include all targets.",
        long, value_name = "TRIPLE", num_args = 0..=1, help_heading = heading::COMPILATION_OPTIONS)]
    pub target: Option<Vec<String>>,

    #[command(flatten)]
    pub manifest: ManifestPath,
}

impl Args {
    /// The triples given to `--target` (empty when none).
    pub fn targets(&self) -> &[String] {
        values(&self.target)
    }

    /// The specs given to `-i` (empty when none).
    pub fn inverted(&self) -> &[String] {
        values(&self.invert)
    }
}
