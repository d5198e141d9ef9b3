//! `mycargo add`

use std::path::PathBuf;

use super::common::{ManifestPath, heading};

#[derive(clap::Args, Debug, Default)]
#[command(
    override_usage = "\x1b[96m\x1b[1mcargo add\x1b[39m\x1b[22m \x1b[36m[OPTIONS] <DEP>[@<VERSION>] ...\x1b[39m\n       \
                      \x1b[96m\x1b[1mcargo add\x1b[39m\x1b[22m \x1b[36m[OPTIONS]\x1b[39m \x1b[96m\x1b[1m--path\x1b[39m\x1b[22m \x1b[36m<PATH> ...\x1b[39m\n       \
                      \x1b[96m\x1b[1mcargo add\x1b[39m\x1b[22m \x1b[36m[OPTIONS]\x1b[39m \x1b[96m\x1b[1m--git\x1b[39m\x1b[22m \x1b[36m<URL> ...\x1b[39m",
    group(clap::ArgGroup::new("selected").multiple(true).required(true)),
)]
pub struct Args {
    /// Reference to a package to add as a dependency
    ///
    /// You can reference a package by:
    /// - `<name>`, like `cargo add serde` (latest version will be used)
    /// - `<name>@<version-req>`, like `cargo add serde@1` or `cargo add serde@=1.0.38`
    #[arg(value_name = "DEP_ID", num_args = 0.., group = "selected", verbatim_doc_comment)]
    pub crates: Vec<String>,

    /// Disable the default features
    #[arg(long)]
    pub no_default_features: bool,

    /// Re-enable the default features
    #[arg(long, overrides_with = "no_default_features")]
    pub default_features: bool,

    /// Space or comma separated list of features to activate
    #[arg(short = 'F', long, value_name = "FEATURES")]
    pub features: Vec<String>,

    /// Mark the dependency as optional
    ///
    /// The package name will be exposed as feature of your crate.
    #[arg(long, conflicts_with = "dev")]
    pub optional: bool,

    /// Mark the dependency as required
    ///
    /// The package will be removed from your features.
    #[arg(long, conflicts_with = "dev", overrides_with = "optional")]
    pub no_optional: bool,

    /// Mark the dependency as public (unstable)
    ///
    /// The dependency can be referenced in your library's public API.
    #[arg(long, conflicts_with_all = ["dev", "build"])]
    pub public: bool,

    /// Mark the dependency as private (unstable)
    ///
    /// While you can use the crate in your implementation, it cannot be referenced in your public
    /// API.
    #[arg(long, conflicts_with_all = ["dev", "build"], overrides_with = "public")]
    pub no_public: bool,

    /// Rename the dependency
    ///
    /// Example uses:
    /// - Depending on multiple versions of a crate
    /// - Depend on crates with the same name from different registries
    #[arg(long, value_name = "NAME", verbatim_doc_comment)]
    pub rename: Option<String>,

    /// Don't actually write the manifest
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub manifest: ManifestPath,

    /// Ignore `rust-version` specification in packages
    #[arg(long, help_heading = heading::MANIFEST_OPTIONS)]
    pub ignore_rust_version: bool,

    /// Package to modify
    #[arg(short = 'p', long, value_name = "SPEC", help_heading = heading::PACKAGE_SELECTION)]
    pub package: Option<Option<String>>,

    /// Filesystem path to local crate to add
    #[arg(
        long,
        value_name = "PATH",
        group = "selected",
        conflicts_with = "git",
        help_heading = "Source"
    )]
    pub path: Option<PathBuf>,

    /// The path base to use when adding from a local crate (unstable).
    #[arg(
        long,
        value_name = "BASE",
        requires = "path",
        help_heading = "Source",
        verbatim_doc_comment
    )]
    pub base: Option<String>,

    /// Git repository location
    ///
    /// Without any other information, cargo will use latest commit on the main branch.
    #[arg(long, value_name = "URI", group = "selected", help_heading = "Source")]
    pub git: Option<String>,

    /// Git branch to download the crate from
    #[arg(
        long,
        value_name = "BRANCH",
        requires = "git",
        group = "git-ref",
        help_heading = "Source"
    )]
    pub branch: Option<String>,

    /// Git tag to download the crate from
    #[arg(
        long,
        value_name = "TAG",
        requires = "git",
        group = "git-ref",
        help_heading = "Source"
    )]
    pub tag: Option<String>,

    /// Git reference to download the crate from
    ///
    /// This is the catch all, handling hashes to named references in remote repositories.
    #[arg(
        long,
        value_name = "REV",
        requires = "git",
        group = "git-ref",
        help_heading = "Source"
    )]
    pub rev: Option<String>,

    /// Package registry for this dependency
    #[arg(long, value_name = "NAME", help_heading = "Source")]
    pub registry: Option<String>,

    /// Add as development dependency
    ///
    /// Dev-dependencies are not used when compiling a package for building, but are used for
    /// compiling tests, examples, and benchmarks.
    ///
    /// These dependencies are not propagated to other packages which depend on this package.
    #[arg(long, group = "section", help_heading = "Section")]
    pub dev: bool,

    /// Add as build dependency
    ///
    /// Build-dependencies are the only dependencies available for use by build scripts
    /// (`build.rs` files).
    #[arg(long, group = "section", help_heading = "Section")]
    pub build: bool,

    /// Add as dependency to the given target platform
    #[arg(
        long,
        value_name = "TARGET",
        value_parser = clap::builder::NonEmptyStringValueParser::new(),
        help_heading = "Section"
    )]
    pub target: Option<String>,
}

impl Args {
    /// `--default-features`/`--no-default-features`: `None` when neither.
    pub fn default_features(&self) -> Option<bool> {
        tri_state(self.default_features, self.no_default_features)
    }

    /// `--optional`/`--no-optional`: `None` when neither.
    pub fn optional(&self) -> Option<bool> {
        tri_state(self.optional, self.no_optional)
    }

    /// `--public`/`--no-public`: `None` when neither.
    pub fn public(&self) -> Option<bool> {
        tri_state(self.public, self.no_public)
    }
}

fn tri_state(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    }
}
