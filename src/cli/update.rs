//! `mycargo update`

use super::common::{ManifestPath, heading, values};

#[derive(clap::Args, Debug, Default)]
#[command(group(clap::ArgGroup::new("package-group").multiple(false)))]
pub struct Args {
    /// Package to update
    #[arg(
        value_name = "SPEC",
        num_args = 1..,
        group = "package-group",
        help_heading = heading::PACKAGE_SELECTION
    )]
    pub specs: Vec<String>,

    /// Package to update (old spelling of the SPEC arguments)
    #[arg(
        short = 'p',
        long,
        value_name = "SPEC",
        num_args = 0..=1,
        hide = true,
        group = "package-group",
        help_heading = heading::PACKAGE_SELECTION
    )]
    pub package: Option<Vec<String>>,

    /// Don't actually write the lockfile
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Force updating all dependencies of [SPEC]... as well
    #[arg(long, alias = "aggressive", conflicts_with = "precise")]
    pub recursive: bool,

    /// Update [SPEC] to exactly PRECISE
    #[arg(long, value_name = "PRECISE", requires = "package-group")]
    pub precise: Option<String>,

    /// Update [SPEC] to latest SemVer-breaking version (unstable)
    #[arg(short = 'b', long)]
    pub breaking: bool,

    /// Only update the workspace packages
    #[arg(short = 'w', long, help_heading = heading::PACKAGE_SELECTION)]
    pub workspace: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,

    /// Ignore `rust-version` specification in packages
    #[arg(long, help_heading = heading::MANIFEST_OPTIONS)]
    pub ignore_rust_version: bool,
}

impl Args {
    /// The packages to update, from the SPEC arguments or `-p`.
    pub fn to_update(&self) -> &[String] {
        if self.package.is_some() {
            values(&self.package)
        } else {
            &self.specs
        }
    }
}
