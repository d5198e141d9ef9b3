//! `mycargo install`

use std::path::PathBuf;

use semver::VersionReq;

use super::common::{CompileOptions, Features, MessageFormat, heading, values};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Select the package from the given source
    #[arg(value_name = "CRATE[@<VER>]", num_args = 0.., value_parser = parse_crate)]
    pub crates: Vec<String>,

    /// Specify a version to install
    #[arg(
        long,
        alias = "vers",
        value_name = "VERSION",
        requires = "crates",
        value_parser = parse_version_flag
    )]
    pub version: Option<String>,

    /// Registry index to install from
    #[arg(
        long,
        value_name = "INDEX",
        requires = "crates",
        conflicts_with_all = ["git", "path", "registry"],
    )]
    pub index: Option<String>,

    /// Registry to use
    #[arg(
        long,
        value_name = "REGISTRY",
        requires = "crates",
        conflicts_with_all = ["git", "path", "index"],
    )]
    pub registry: Option<String>,

    /// Git URL to install the specified crate from
    #[arg(long, value_name = "URL", conflicts_with_all = ["path", "index", "registry"])]
    pub git: Option<String>,

    /// Branch to use when installing from git
    #[arg(long, value_name = "BRANCH", requires = "git")]
    pub branch: Option<String>,

    /// Tag to use when installing from git
    #[arg(long, value_name = "TAG", requires = "git")]
    pub tag: Option<String>,

    /// Specific commit to use when installing from git
    #[arg(long, value_name = "SHA", requires = "git")]
    pub rev: Option<String>,

    /// Filesystem path to local crate to install from
    #[arg(long, value_name = "PATH", conflicts_with_all = ["git", "index", "registry"])]
    pub path: Option<PathBuf>,

    /// Directory to install packages into
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Force overwriting existing crates or binaries
    #[arg(short = 'f', long)]
    pub force: bool,

    /// Perform all checks without installing (unstable)
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Do not save tracking information
    #[arg(long)]
    pub no_track: bool,

    /// List all installed packages and their versions
    #[arg(long)]
    pub list: bool,

    #[command(flatten)]
    pub message_format: MessageFormat,

    /// Build in debug mode (with the 'dev' profile) instead of release mode
    #[arg(long, conflicts_with = "profile")]
    pub debug: bool,

    /// Ignore `rust-version` specification in packages
    #[arg(long, help_heading = heading::MANIFEST_OPTIONS)]
    pub ignore_rust_version: bool,

    /// Install only the specified binary
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub bin: Option<Vec<String>>,

    /// Install all binaries
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub bins: bool,

    /// Install only the specified example
    #[arg(long, value_name = "NAME", num_args = 0..=1, help_heading = heading::TARGET_SELECTION)]
    pub example: Option<Vec<String>>,

    /// Install all examples
    #[arg(long, help_heading = heading::TARGET_SELECTION)]
    pub examples: bool,

    #[command(flatten)]
    pub features: Features,

    /// Number of parallel jobs, defaults to # of CPUs.
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        allow_hyphen_values = true,
        help_heading = heading::COMPILATION_OPTIONS,
        verbatim_doc_comment
    )]
    pub jobs: Option<String>,

    /// Do not abort the build as soon as there is an error
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub keep_going: bool,

    /// Install artifacts with the specified profile
    #[arg(long, value_name = "PROFILE-NAME", help_heading = heading::COMPILATION_OPTIONS)]
    pub profile: Option<String>,

    /// Build for the target triple
    #[arg(long, value_name = "TRIPLE", num_args = 0..=1, help_heading = heading::COMPILATION_OPTIONS)]
    pub target: Option<Vec<String>>,

    /// Directory for all generated artifacts
    #[arg(long, value_name = "DIRECTORY", help_heading = heading::COMPILATION_OPTIONS)]
    pub target_dir: Option<PathBuf>,

    /// Output a build timing report at the end of the build
    #[arg(long, help_heading = heading::COMPILATION_OPTIONS)]
    pub timings: bool,

    /// See `CompileOptions::timings_format`.
    #[arg(long, value_name = "FMTS", hide = true)]
    pub timings_format: Option<String>,
}

impl Args {
    /// The compile flags, as the compiling commands take them.
    pub fn compile_options(&self) -> CompileOptions {
        CompileOptions {
            jobs: self.jobs.clone(),
            profile: self.profile.clone(),
            target: self.target.clone(),
            target_dir: self.target_dir.clone(),
            timings: self.timings,
            timings_format: self.timings_format.clone(),
            message_format: self.message_format.clone(),
            ignore_rust_version: self.ignore_rust_version,
        }
    }

    /// The `--bin` names (empty when none).
    pub fn bins(&self) -> &[String] {
        values(&self.bin)
    }

    /// The `--example` names (empty when none).
    pub fn examples(&self) -> &[String] {
        values(&self.example)
    }
}

/// `CRATE[@VER]`: a crate name, optionally with a version requirement after
/// `@` (checked as `--version` is). The name is checked when the command
/// runs.
fn parse_crate(krate: &str) -> Result<String, String> {
    split_crate(krate)?;
    Ok(krate.to_string())
}

/// `CRATE[@VER]` split into the name and the requirement.
pub fn split_crate(krate: &str) -> Result<(String, Option<VersionReq>), String> {
    let (name, version) = match krate.split_once('@') {
        Some((name, version)) => {
            if name.is_empty() {
                // By convention, arguments starting with `@` are response files.
                return Err("missing crate name before '@'".to_string());
            }
            (name, Some(parse_semver_flag(version)?))
        }
        None => (krate, None),
    };
    if name.is_empty() {
        return Err("crate name is empty".to_string());
    }
    Ok((name.to_string(), version))
}

fn parse_version_flag(v: &str) -> Result<String, String> {
    parse_semver_flag(v)?;
    Ok(v.to_string())
}

/// cargo's reading of `--version` and `@VER`: `1.2.3` means exactly that
/// version (`=1.2.3`); a value starting with `<`, `>`, `=`, `^` or `~`, or
/// holding `*`, is a requirement.
pub fn parse_semver_flag(v: &str) -> Result<VersionReq, String> {
    let Some(first) = v.chars().next() else {
        return Err("no version provided for the `--version` flag".to_string());
    };
    if let Some(stripped) = v.strip_prefix('v') {
        return Err(format!(
            "the version provided, `{v}` is not a valid SemVer requirement\n\n\
             help: try changing the version to `{stripped}`"
        ));
    }
    if "<>=^~".contains(first) || v.contains('*') {
        return v.parse::<VersionReq>().map_err(|_| {
            format!(
                "the `--version` provided, `{v}`, is not a valid semver version requirement\n\n\
                 Please have a look at https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html for the correct format"
            )
        });
    }
    match v.trim().parse::<semver::Version>() {
        Ok(version) => Ok(VersionReq {
            comparators: vec![semver::Comparator {
                op: semver::Op::Exact,
                major: version.major,
                minor: Some(version.minor),
                patch: Some(version.patch),
                pre: version.pre,
            }],
        }),
        Err(e) => {
            let mut msg = e.to_string();
            if v.parse::<VersionReq>().is_ok() {
                msg.push_str(&format!(
                    "\n\n  tip: if you want to specify SemVer range, add an explicit qualifier, like '^{v}'"
                ));
            }
            Err(msg)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_as_cargo_reads_them() {
        assert_eq!(parse_semver_flag("1.0.0").unwrap().to_string(), "=1.0.0");
        assert_eq!(parse_semver_flag("^1.0").unwrap().to_string(), "^1.0");
        assert_eq!(parse_semver_flag("0.0.*").unwrap().to_string(), "0.0.*");
        // Build metadata is not part of the requirement.
        assert_eq!(
            parse_semver_flag("1.0.0+abc").unwrap().to_string(),
            "=1.0.0"
        );
        assert!(
            parse_semver_flag("1.0")
                .unwrap_err()
                .ends_with("add an explicit qualifier, like '^1.0'")
        );
        assert!(parse_semver_flag("v0.0.1").unwrap_err().contains("`0.0.1`"));
        assert_eq!(
            split_crate("foo@0.1.1").unwrap(),
            ("foo".to_string(), parse_semver_flag("0.1.1").ok())
        );
        assert!(split_crate("@1").is_err());
    }
}
