//! Flag groups shared by several subcommands (package selection, features,
//! targets, compile options, manifest path, message format).
//!
//! Conventions for flags whose value is optional (`-p [SPEC]`, `--bin [NAME]`,
//! `--target [TRIPLE]`, ...): cargo lists the available choices when such a
//! flag is given without a value. Repeatable ones are `Option<Vec<String>>`
//! (`None`: flag absent; `Some(vec![])`: given, but never with a value), single
//! ones are `Option<Option<String>>`. [`values`] and [`wants_list`] read them.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};

/// Help headings, as cargo names them.
pub mod heading {
    pub const PACKAGE_SELECTION: &str = "Package Selection";
    pub const TARGET_SELECTION: &str = "Target Selection";
    pub const FEATURE_SELECTION: &str = "Feature Selection";
    pub const COMPILATION_OPTIONS: &str = "Compilation Options";
    pub const MANIFEST_OPTIONS: &str = "Manifest Options";
}

/// The values of a repeatable flag with an optional value (empty when absent).
pub fn values(v: &Option<Vec<String>>) -> &[String] {
    v.as_deref().unwrap_or(&[])
}

/// Whether a repeatable flag with an optional value was given, but never with
/// a value (cargo then prints the available choices).
pub fn wants_list(v: &Option<Vec<String>>) -> bool {
    matches!(v, Some(v) if v.is_empty())
}

/// Split `-F`/`--features` values: each may hold several features separated by
/// commas or whitespace.
pub fn split_features(raw: &[String]) -> Vec<String> {
    raw.iter()
        .flat_map(|s| s.split(|c: char| c == ',' || c.is_whitespace()))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The values `--message-format` takes for the compiling commands.
pub const MESSAGE_FORMATS: &[&str] = &[
    "human",
    "short",
    "json",
    "json-diagnostic-short",
    "json-diagnostic-rendered-ansi",
    "json-render-diagnostics",
];

/// `--message-format` of the compiling commands: case-insensitive, several
/// values may be joined by commas (each is a separate element, lowercased).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct MessageFormat {
    /// Error format
    #[arg(
        long = "message-format",
        value_name = "FMT",
        help_heading = None::<&str>,
        value_delimiter = ',',
        ignore_case = true,
        value_parser = PossibleValuesParser::new(MESSAGE_FORMATS).map(|s| s.to_ascii_lowercase()),
    )]
    pub message_format: Vec<String>,
}

/// `--manifest-path`
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ManifestPath {
    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH", help_heading = heading::MANIFEST_OPTIONS)]
    pub manifest_path: Option<PathBuf>,
}

/// `-p`/`--package`, `--workspace` (alias `--all`, deprecated), `--exclude`,
/// as `build`, `check`, `test`, `bench`, `doc` and `fix` take them.
#[derive(clap::Args, Debug, Default, Clone)]
#[command(next_help_heading = heading::PACKAGE_SELECTION)]
pub struct PackageSelection {
    /// Package to build (see `cargo help pkgid`)
    #[arg(short = 'p', long = "package", value_name = "SPEC", num_args = 0..=1)]
    pub package: Option<Vec<String>>,

    /// Build all packages in the workspace
    #[arg(long, overrides_with = "workspace")]
    pub workspace: bool,

    /// Exclude packages from the build
    #[arg(long, value_name = "SPEC")]
    pub exclude: Vec<String>,

    /// Alias for --workspace (deprecated)
    #[arg(long)]
    pub all: bool,
}

impl PackageSelection {
    /// The specs given to `-p` (empty when none).
    pub fn packages(&self) -> &[String] {
        values(&self.package)
    }

    /// `-p` given without a value: list the workspace's packages.
    pub fn wants_package_list(&self) -> bool {
        wants_list(&self.package)
    }
}

/// `-p`/`--package`, `--workspace`, `--exclude` without the `--all` alias, as
/// `package`, `publish` and `tree` take them.
#[derive(clap::Args, Debug, Default, Clone)]
#[command(next_help_heading = heading::PACKAGE_SELECTION)]
pub struct PackageSelectionNoAll {
    /// Package(s) to select (see `cargo help pkgid`)
    #[arg(short = 'p', long = "package", value_name = "SPEC", num_args = 0..=1)]
    pub package: Option<Vec<String>>,

    /// Select all packages in the workspace
    #[arg(long)]
    pub workspace: bool,

    /// Exclude packages from the selection
    #[arg(long, value_name = "SPEC")]
    pub exclude: Vec<String>,
}

impl PackageSelectionNoAll {
    /// The specs given to `-p` (empty when none).
    pub fn packages(&self) -> &[String] {
        values(&self.package)
    }

    /// `-p` given without a value: list the workspace's packages.
    pub fn wants_package_list(&self) -> bool {
        wants_list(&self.package)
    }
}

impl From<PackageSelectionNoAll> for PackageSelection {
    fn from(p: PackageSelectionNoAll) -> Self {
        PackageSelection {
            package: p.package,
            workspace: p.workspace,
            exclude: p.exclude,
            all: false,
        }
    }
}

/// `-F`/`--features`, `--all-features`, `--no-default-features`.
#[derive(clap::Args, Debug, Default, Clone)]
#[command(next_help_heading = heading::FEATURE_SELECTION)]
pub struct Features {
    /// Space or comma separated list of features to activate
    #[arg(short = 'F', long, value_name = "FEATURES")]
    pub features: Vec<String>,

    /// Activate all available features
    #[arg(long)]
    pub all_features: bool,

    /// Do not activate the `default` feature
    #[arg(long)]
    pub no_default_features: bool,
}

impl Features {
    /// The requested features, split at commas and whitespace.
    pub fn feature_list(&self) -> Vec<String> {
        split_features(&self.features)
    }

    /// The flags as the feature resolver takes them.
    pub fn to_cli_features(&self) -> mycargo_resolver::CliFeatures {
        mycargo_resolver::CliFeatures {
            features: self.features.clone(),
            all_features: self.all_features,
            uses_default_features: !self.no_default_features,
        }
    }
}

/// The full set of target selection flags (`build`, `check`, `test`, `bench`,
/// `fix`, `rustc`, `rustdoc`). `--bin`/`--example`/`--test`/`--bench` without
/// a name list the available targets.
#[derive(clap::Args, Debug, Default, Clone)]
#[command(next_help_heading = heading::TARGET_SELECTION)]
pub struct TargetSelection {
    /// Build only this package's library
    #[arg(long)]
    pub lib: bool,

    /// Build all binaries
    #[arg(long)]
    pub bins: bool,

    /// Build only the specified binary
    #[arg(long, value_name = "NAME", num_args = 0..=1)]
    pub bin: Option<Vec<String>>,

    /// Build all examples
    #[arg(long)]
    pub examples: bool,

    /// Build only the specified example
    #[arg(long, value_name = "NAME", num_args = 0..=1)]
    pub example: Option<Vec<String>>,

    /// Build all targets that have `test = true` set
    #[arg(long)]
    pub tests: bool,

    /// Build only the specified test target
    #[arg(long, value_name = "NAME", num_args = 0..=1)]
    pub test: Option<Vec<String>>,

    /// Build all targets that have `bench = true` set
    #[arg(long)]
    pub benches: bool,

    /// Build only the specified bench target
    #[arg(long, value_name = "NAME", num_args = 0..=1)]
    pub bench: Option<Vec<String>>,

    /// Build all targets
    #[arg(long)]
    pub all_targets: bool,
}

impl TargetSelection {
    /// Whether a selected target may use dev-dependencies (tests,
    /// benches, examples).
    pub fn uses_dev_dependencies(&self) -> bool {
        self.examples
            || self.example.is_some()
            || self.tests
            || self.test.is_some()
            || self.benches
            || self.bench.is_some()
            || self.all_targets
    }

    /// Whether any target was selected explicitly (otherwise the command's
    /// default targets apply).
    pub fn is_specific(&self) -> bool {
        self.lib
            || self.bins
            || self.bin.is_some()
            || self.examples
            || self.example.is_some()
            || self.tests
            || self.test.is_some()
            || self.benches
            || self.bench.is_some()
            || self.all_targets
    }
}

/// The compilation flags every compiling command takes (`build`, `check`,
/// `test`, `bench`, `run`, `doc`, `rustc`, `rustdoc`, `fix`, `install`).
/// `--keep-going`, `-r/--release`, `--unit-graph` and
/// `--future-incompat-report` are not taken by all of them: those are fields of
/// the commands that have them.
#[derive(clap::Args, Debug, Default, Clone)]
#[command(next_help_heading = heading::COMPILATION_OPTIONS)]
pub struct CompileOptions {
    /// Number of parallel jobs, defaults to # of CPUs.
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        allow_hyphen_values = true,
        verbatim_doc_comment
    )]
    pub jobs: Option<String>,

    /// Build artifacts with the specified profile
    #[arg(long, value_name = "PROFILE-NAME")]
    pub profile: Option<String>,

    /// Build for the target triple
    #[arg(long, value_name = "TRIPLE", num_args = 0..=1)]
    pub target: Option<Vec<String>>,

    /// Directory for all generated artifacts
    #[arg(long, value_name = "DIRECTORY")]
    pub target_dir: Option<PathBuf>,

    /// Output a build timing report at the end of the build
    #[arg(long)]
    pub timings: bool,

    /// The formats of `--timings=FMTS` (mycargo's `json` beside cargo's
    /// `html`): `parse_named` turns `--timings=FMTS` into `--timings
    /// --timings-format=FMTS`, so the help shows cargo's plain `--timings`.
    #[arg(long, value_name = "FMTS", hide = true)]
    pub timings_format: Option<String>,

    #[command(flatten)]
    pub message_format: MessageFormat,

    /// Ignore `rust-version` specification in packages
    #[arg(long, help_heading = heading::MANIFEST_OPTIONS)]
    pub ignore_rust_version: bool,
}

/// What `--timings[=FMTS]` asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimingsFormats {
    /// The HTML report in `target/cargo-timings/` (cargo's).
    pub html: bool,
    /// One JSON line per unit on stdout (mycargo's).
    pub json: bool,
}

impl TimingsFormats {
    pub fn any(self) -> bool {
        self.html || self.json
    }
}

impl CompileOptions {
    /// `--timings` (the HTML report), `--timings=json`, or both
    /// (`--timings=html,json`).
    pub fn timings_formats(&self) -> anyhow::Result<TimingsFormats> {
        let mut f = TimingsFormats::default();
        let value = match &self.timings_format {
            Some(value) => value.as_str(),
            None if self.timings => "html",
            None => return Ok(f),
        };
        for v in value.split(',').map(str::trim) {
            match v {
                "html" => f.html = true,
                "json" => f.json = true,
                other => {
                    anyhow::bail!("unknown `--timings` format `{other}`; expected `html` or `json`")
                }
            }
        }
        Ok(f)
    }

    /// The triples given to `--target` (empty when none).
    pub fn targets(&self) -> &[String] {
        values(&self.target)
    }

    /// `--target` given without a value: list the known targets.
    pub fn wants_target_list(&self) -> bool {
        wants_list(&self.target)
    }

    /// The `--message-format` values, lowercased, commas split.
    pub fn message_formats(&self) -> &[String] {
        &self.message_format.message_format
    }
}

/// `--index` and `--registry`, which conflict with each other.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct RegistryOrIndex {
    /// Registry index URL to use
    #[arg(long, value_name = "INDEX", conflicts_with = "registry")]
    pub index: Option<String>,

    /// Registry to use
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::TimingsFormats;
    use std::ffi::OsString;
    use std::path::PathBuf;

    use clap::error::ErrorKind;

    use super::wants_list;
    use crate::cli::{Command, parse};

    fn cmd(args: &[&str]) -> Command {
        let argv = std::iter::once("mycargo").chain(args.iter().copied());
        match parse(argv) {
            Ok(cli) => cli.command.expect("a subcommand"),
            Err(e) => panic!("`mycargo {}` failed to parse:\n{e}", args.join(" ")),
        }
    }

    fn err(args: &[&str]) -> ErrorKind {
        let argv = std::iter::once("mycargo").chain(args.iter().copied());
        match parse(argv) {
            Ok(cli) => panic!("`mycargo {}` parsed: {:?}", args.join(" "), cli.command),
            Err(e) => e.kind(),
        }
    }

    macro_rules! parsed {
        ($variant:ident, $($arg:expr),* $(,)?) => {
            match cmd(&[$($arg),*]) {
                Command::$variant(a) => a,
                other => panic!("expected {}, got {other:?}", stringify!($variant)),
            }
        };
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn build_flags() {
        let a = parsed!(
            Build,
            "build",
            "-p",
            "a",
            "-p",
            "b",
            "--features",
            "x,y",
            "--release",
            "--target-dir",
            "t"
        );
        assert_eq!(a.packages.packages(), strings(&["a", "b"]));
        assert!(!a.packages.wants_package_list());
        assert_eq!(a.features.features, strings(&["x,y"]));
        assert_eq!(a.features.feature_list(), strings(&["x", "y"]));
        assert!(a.release);
        assert_eq!(a.compile.target_dir, Some(PathBuf::from("t")));
        assert!(!a.targets.is_specific());
        assert_eq!(a.manifest.manifest_path, None);
    }

    #[test]
    fn build_more_flags() {
        let a = parsed!(
            Build,
            "build",
            "--workspace",
            "--exclude",
            "c",
            "-F",
            "f1 f2",
            "-F",
            "f3",
            "--all-features",
            "--no-default-features",
            "--lib",
            "--bins",
            "--bin",
            "b1",
            "--example",
            "--tests",
            "--test",
            "t1",
            "--benches",
            "--bench",
            "x",
            "--all-targets",
            "-j",
            "-1",
            "--keep-going",
            "--profile",
            "custom",
            "--target",
            "x86_64-unknown-linux-gnu",
            "--target",
            "wasm32-unknown-unknown",
            "--message-format",
            "JSON,json-diagnostic-short",
            "--message-format=short",
            "--unit-graph",
            "--timings",
            "--future-incompat-report",
            "--ignore-rust-version",
            "--artifact-dir",
            "out",
            "--manifest-path",
            "m/Cargo.toml",
        );
        assert!(a.packages.workspace);
        assert_eq!(a.packages.exclude, strings(&["c"]));
        assert_eq!(a.features.feature_list(), strings(&["f1", "f2", "f3"]));
        assert!(a.features.all_features && a.features.no_default_features);
        let t = &a.targets;
        assert!(t.lib && t.bins && t.tests && t.benches && t.all_targets && t.is_specific());
        assert_eq!(t.bin, Some(strings(&["b1"])));
        assert_eq!(t.example, Some(vec![]));
        assert_eq!(t.test, Some(strings(&["t1"])));
        assert_eq!(t.bench, Some(strings(&["x"])));
        assert_eq!(a.compile.jobs.as_deref(), Some("-1"));
        assert!(a.keep_going && !a.release);
        assert_eq!(a.compile.profile.as_deref(), Some("custom"));
        assert_eq!(
            a.compile.targets(),
            strings(&["x86_64-unknown-linux-gnu", "wasm32-unknown-unknown"])
        );
        assert_eq!(
            a.compile.message_formats(),
            strings(&["json", "json-diagnostic-short", "short"])
        );
        assert!(a.unit_graph && a.future_incompat_report);
        assert_eq!(
            a.compile.timings_formats().unwrap(),
            TimingsFormats {
                html: true,
                json: false
            }
        );
        assert!(a.compile.ignore_rust_version);
        assert_eq!(a.artifact_dir, Some(PathBuf::from("out")));
        assert_eq!(
            a.manifest.manifest_path,
            Some(PathBuf::from("m/Cargo.toml"))
        );
    }

    #[test]
    fn optional_values_and_aliases() {
        let a = parsed!(Build, "build", "-p", "--target", "--bin", "--all");
        assert!(a.packages.wants_package_list());
        assert!(a.compile.wants_target_list());
        assert!(wants_list(&a.targets.bin));
        assert!(a.packages.workspace, "--all is an alias of --workspace");
        let a = parsed!(Check, "check", "-j", "default", "--compile-time-deps", "-r");
        assert_eq!(a.compile.jobs.as_deref(), Some("default"));
        assert!(a.compile_time_deps && a.release);
    }

    #[test]
    fn unknown_and_invalid_flags() {
        assert_eq!(err(&["build", "--foo"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["build", "stray"]), ErrorKind::UnknownArgument);
        assert_eq!(
            err(&["build", "--lockfile-path", "x"]),
            ErrorKind::UnknownArgument
        );
        let both = parsed!(Build, "build", "--timings=html,json");
        assert_eq!(
            both.compile.timings_formats().unwrap(),
            TimingsFormats {
                html: true,
                json: true
            }
        );
        let bad = parsed!(Build, "build", "--timings=svg");
        assert!(bad.compile.timings_formats().is_err());
        // The value needs `=`: a following word is not taken as one.
        assert_eq!(
            err(&["build", "--timings", "svg"]),
            ErrorKind::UnknownArgument
        );
        assert_eq!(err(&["bench", "--release"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["bench", "--keep-going"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["test", "--keep-going"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["install", "--release"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["doc", "--tests"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["fix", "--unit-graph"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["run", "--workspace"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["package", "--all"]), ErrorKind::UnknownArgument);
        assert_eq!(err(&["version", "--foo"]), ErrorKind::UnknownArgument);
        assert_eq!(
            err(&["build", "--message-format", "xml"]),
            ErrorKind::InvalidValue
        );
        assert_eq!(err(&["tree", "-e", "normal,foo"]), ErrorKind::InvalidValue);
        assert_eq!(
            err(&["metadata", "--format-version", "2"]),
            ErrorKind::InvalidValue
        );
        assert_eq!(err(&["search", "--limit", "x"]), ErrorKind::ValueValidation);
        assert_eq!(
            err(&["build", "--release", "--profile", "dev"]),
            ErrorKind::ArgumentConflict
        );
    }

    #[test]
    fn run_trailing_args() {
        let a = parsed!(Run, "run", "--bin", "x", "--", "--flag");
        assert_eq!(a.bins(), strings(&["x"]));
        assert_eq!(a.args, vec![OsString::from("--flag")]);
        // After the first positional argument everything goes to the program.
        let a = parsed!(Run, "run", "-r", "a", "--release", "-p");
        assert!(a.release);
        assert_eq!(a.args, vec!["a", "--release", "-p"]);
        assert_eq!(a.package, None);
        let a = parsed!(Run, "run", "-p", "--example", "e");
        assert_eq!(a.package, Some(None));
        assert_eq!(a.examples(), strings(&["e"]));
        let a = parsed!(Run, "run", "-p", "foo");
        assert_eq!(a.package, Some(Some("foo".to_string())));
        assert_eq!(err(&["run", "--nope"]), ErrorKind::UnknownArgument);
    }

    #[test]
    fn test_and_bench_filters() {
        let a = parsed!(Test, "test", "foo", "--", "--nocapture");
        assert_eq!(a.testname.as_deref(), Some("foo"));
        assert_eq!(a.args, strings(&["--nocapture"]));
        let a = parsed!(Test, "test", "foo", "--release", "--doc", "--no-run");
        assert!(a.release && a.doc && a.no_run);
        assert!(a.args.is_empty());
        let a = parsed!(Test, "test", "--", "--test-threads", "1");
        assert_eq!(a.testname, None);
        assert_eq!(a.args, strings(&["--test-threads", "1"]));
        assert_eq!(err(&["test", "a", "b"]), ErrorKind::UnknownArgument);
        let a = parsed!(
            Bench,
            "bench",
            "b",
            "--no-fail-fast",
            "--",
            "--save-baseline",
            "x"
        );
        assert_eq!(a.benchname.as_deref(), Some("b"));
        assert!(a.no_fail_fast);
        assert_eq!(a.args, strings(&["--save-baseline", "x"]));
    }

    #[test]
    fn rustc_and_rustdoc() {
        let a = parsed!(
            Rustc,
            "rustc",
            "--lib",
            "--crate-type",
            "cdylib",
            "--",
            "-C",
            "lto"
        );
        assert!(a.targets.lib);
        assert_eq!(a.crate_type, strings(&["cdylib"]));
        assert_eq!(a.args, strings(&["-C", "lto"]));
        let a = parsed!(Rustc, "rustc", "--print", "cfg");
        assert_eq!(a.print.as_deref(), Some("cfg"));
        let a = parsed!(
            Rustdoc,
            "rustdoc",
            "--output-format",
            "json",
            "--open",
            "--",
            "--cfg",
            "x"
        );
        assert_eq!(a.output_format.as_deref(), Some("json"));
        assert!(a.open);
        assert_eq!(a.args, strings(&["--cfg", "x"]));
    }

    #[test]
    fn doc_fix_clean() {
        let a = parsed!(
            Doc,
            "doc",
            "--open",
            "--no-deps",
            "--document-private-items",
            "--lib"
        );
        assert!(a.open && a.no_deps && a.document_private_items && a.lib);
        let a = parsed!(
            Fix,
            "fix",
            "--edition",
            "--allow-dirty",
            "--broken-code",
            "-p",
            "x"
        );
        assert!(a.edition && a.allow_dirty && a.broken_code);
        assert_eq!(a.packages.packages(), strings(&["x"]));
        let a = parsed!(
            Clean,
            "clean",
            "--release",
            "-n",
            "--doc",
            "-p",
            "a",
            "-p",
            "b"
        );
        assert!(a.release && a.dry_run && a.doc);
        assert_eq!(a.packages(), strings(&["a", "b"]));
        assert!(a.command.is_none());
        let a = parsed!(Clean, "clean", "gc", "--max-src-age", "1 day");
        match a.command {
            Some(crate::cli::clean::CleanCommand::Gc(gc)) => {
                assert_eq!(gc.max_src_age.as_deref(), Some("1 day"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err(&["clean", "--doc", "gc"]), ErrorKind::ArgumentConflict);
    }

    #[test]
    fn registry_commands() {
        let a = parsed!(Yank, "yank", "foo@1.0.0", "--undo");
        assert_eq!(a.krate.as_deref(), Some("foo@1.0.0"));
        assert!(a.undo);
        let a = parsed!(Yank, "yank", "foo", "--vers", "1.0.0", "--token", "t");
        assert_eq!(a.version.as_deref(), Some("1.0.0"));
        assert_eq!(a.token.as_deref(), Some("t"));
        assert_eq!(
            err(&["yank", "foo", "--index", "i", "--registry", "r"]),
            ErrorKind::ArgumentConflict
        );

        let a = parsed!(Owner, "owner", "--add", "bob", "foo");
        assert_eq!(a.add, strings(&["bob"]));
        assert_eq!(a.krate.as_deref(), Some("foo"));
        let a = parsed!(
            Owner,
            "owner",
            "-a",
            "x",
            "-a",
            "y",
            "-r",
            "z",
            "-l",
            "--registry",
            "r"
        );
        assert_eq!(a.add, strings(&["x", "y"]));
        assert_eq!(a.remove, strings(&["z"]));
        assert!(a.list);
        assert_eq!(a.registry.as_deref(), Some("r"));

        let a = parsed!(Search, "search", "foo", "bar", "--limit", "5");
        assert_eq!(a.query, strings(&["foo", "bar"]));
        assert_eq!(a.limit, Some(5));

        let a = parsed!(Login, "login", "--registry", "r", "--", "--a", "b");
        assert_eq!(a.registry.as_deref(), Some("r"));
        assert_eq!(a.token, None);
        assert_eq!(a.args, strings(&["--a", "b"]));
        let a = parsed!(Login, "login", "tok");
        assert_eq!(a.token.as_deref(), Some("tok"));
        let a = parsed!(Logout, "logout", "--registry", "r");
        assert_eq!(a.registry.as_deref(), Some("r"));

        let a = parsed!(Info, "info", "serde@1", "--registry", "r");
        assert_eq!(a.package, "serde@1");
        assert_eq!(err(&["info"]), ErrorKind::MissingRequiredArgument);

        let a = parsed!(
            Publish,
            "publish",
            "-n",
            "--token",
            "t",
            "--workspace",
            "--no-verify"
        );
        assert!(a.dry_run && a.packages.workspace && a.no_verify);
        assert_eq!(a.token.as_deref(), Some("t"));
        assert_eq!(
            err(&["publish", "--index", "i", "--registry", "r"]),
            ErrorKind::ArgumentConflict
        );

        let a = parsed!(
            Package,
            "package",
            "-l",
            "--exclude",
            "x",
            "--workspace",
            "--allow-dirty"
        );
        assert!(a.list && a.allow_dirty && a.packages.workspace);
        assert_eq!(a.packages.exclude, strings(&["x"]));
        assert_eq!(
            err(&["package", "--message-format", "JSON"]),
            ErrorKind::InvalidValue
        );
    }

    #[test]
    fn add_and_remove() {
        let a = parsed!(Add, "add", "serde", "--features", "derive");
        assert_eq!(a.crates, strings(&["serde"]));
        assert_eq!(a.features, strings(&["derive"]));
        assert_eq!(a.default_features(), None);
        let a = parsed!(Add, "add", "--path", "../x", "--dev", "-n", "--rename", "y");
        assert_eq!(a.path, Some(PathBuf::from("../x")));
        assert!(a.dev && a.dry_run);
        assert_eq!(a.rename.as_deref(), Some("y"));
        let a = parsed!(
            Add,
            "add",
            "--git",
            "https://g",
            "--tag",
            "v1",
            "-p",
            "member"
        );
        assert_eq!(a.tag.as_deref(), Some("v1"));
        assert_eq!(a.package, Some(Some("member".to_string())));
        // The later of a pair of opposite flags wins.
        let a = parsed!(Add, "add", "x", "--optional", "--no-optional");
        assert_eq!(a.optional(), Some(false));
        let a = parsed!(
            Add,
            "add",
            "x",
            "--no-default-features",
            "--default-features"
        );
        assert_eq!(a.default_features(), Some(true));
        let a = parsed!(Add, "add", "x", "--build", "--target", "cfg(unix)");
        assert!(a.build);
        assert_eq!(a.target.as_deref(), Some("cfg(unix)"));

        assert_eq!(err(&["add"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(
            err(&["add", "x", "--dev", "--build"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["add", "x", "--dev", "--optional"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["add", "--path", "a", "--git", "b"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["add", "--git", "g", "--tag", "a", "--rev", "b"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["add", "x", "--branch", "b"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(err(&["add", "x", "--target", ""]), ErrorKind::InvalidValue);

        let a = parsed!(Remove, "remove", "a", "b", "--dev", "-p", "m");
        assert_eq!(a.dependencies, strings(&["a", "b"]));
        assert!(a.dev);
        assert_eq!(a.package, Some(Some("m".to_string())));
        assert_eq!(err(&["remove"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(
            err(&["remove", "a", "--dev", "--build"]),
            ErrorKind::ArgumentConflict
        );
    }

    #[test]
    fn install_and_uninstall() {
        let a = parsed!(Install, "install", "--path", ".", "--force");
        assert_eq!(a.path, Some(PathBuf::from(".")));
        assert!(a.force);
        assert!(a.crates.is_empty());
        let a = parsed!(
            Install,
            "install",
            "ripgrep@^14",
            "--vers",
            "14.1.0",
            "--root",
            "r",
            "--debug",
            "--bin",
            "rg",
            "--locked",
            "--no-track",
            "-j",
            "2",
            "--target-dir",
            "t"
        );
        assert_eq!(a.crates, strings(&["ripgrep@^14"]));
        assert_eq!(a.version.as_deref(), Some("14.1.0"));
        assert_eq!(a.root, Some(PathBuf::from("r")));
        assert!(a.debug && a.no_track);
        assert_eq!(a.bins(), strings(&["rg"]));
        assert_eq!(a.jobs.as_deref(), Some("2"));
        let a = parsed!(Install, "install", "--list");
        assert!(a.list);

        assert_eq!(
            err(&["install", "--git", "a", "--path", "b"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["install", "--debug", "--profile", "p", "x"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["install", "--branch", "b", "x"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            err(&["install", "--version", "1.0.0"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(err(&["install", "@1.0.0"]), ErrorKind::ValueValidation);
        // A bare `14` is not a version (cargo's tip: `^14`).
        assert_eq!(err(&["install", "rg@14"]), ErrorKind::ValueValidation);
        assert_eq!(
            err(&["install", "rg", "--version", "1.0"]),
            ErrorKind::ValueValidation
        );

        let a = parsed!(
            Uninstall,
            "uninstall",
            "foo",
            "bar",
            "--bin",
            "b",
            "--root",
            "r"
        );
        assert_eq!(a.specs, strings(&["foo", "bar"]));
        assert_eq!(a.bin, strings(&["b"]));
        assert_eq!(err(&["uninstall", "--bin"]), ErrorKind::InvalidValue);
    }

    #[test]
    fn tree_flags() {
        let a = parsed!(Tree, "tree", "-e", "normal", "-i", "foo");
        assert_eq!(a.edges, strings(&["normal"]));
        assert_eq!(a.inverted(), strings(&["foo"]));
        assert_eq!(a.prefix, "indent");
        assert_eq!(a.format, "{p}");
        let a = parsed!(
            Tree,
            "tree",
            "-e",
            "no-dev,features",
            "--prefix",
            "depth",
            "--depth",
            "2",
            "-d",
            "--charset",
            "ascii",
            "-f",
            "{p} {f}",
            "--target",
            "all",
            "-p",
            "x",
            "--no-dedupe",
            "--prune",
            "y"
        );
        assert_eq!(a.edges, strings(&["no-dev", "features"]));
        assert_eq!(a.prefix, "depth");
        assert_eq!(a.depth.as_deref(), Some("2"));
        assert!(a.duplicates && a.no_dedupe);
        assert_eq!(a.charset.as_deref(), Some("ascii"));
        assert_eq!(a.format, "{p} {f}");
        assert_eq!(a.targets(), strings(&["all"]));
        assert_eq!(a.packages.packages(), strings(&["x"]));
        assert_eq!(a.prune, strings(&["y"]));
        let a = parsed!(Tree, "tree", "-i", "-a", "--no-indent", "-V", "--duplicate");
        assert_eq!(a.invert, Some(vec![]));
        assert!(a.all && a.no_indent && a.version && a.duplicates);
    }

    #[test]
    fn lockfile_and_project_commands() {
        let a = parsed!(Update, "update", "foo", "bar", "--recursive", "-n");
        assert_eq!(a.to_update(), strings(&["foo", "bar"]));
        assert!(a.recursive && a.dry_run);
        let a = parsed!(Update, "update", "-p", "foo", "--precise", "1.2.3", "-w");
        assert_eq!(a.to_update(), strings(&["foo"]));
        assert_eq!(a.precise.as_deref(), Some("1.2.3"));
        assert!(a.workspace);
        let a = parsed!(Update, "update", "foo", "--aggressive");
        assert!(a.recursive);
        assert_eq!(
            err(&["update", "foo", "-p", "bar"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["update", "foo", "--recursive", "--precise", "1"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            err(&["update", "--precise", "1"]),
            ErrorKind::MissingRequiredArgument
        );

        let a = parsed!(
            GenerateLockfile,
            "generate-lockfile",
            "--ignore-rust-version"
        );
        assert!(a.ignore_rust_version);
        let a = parsed!(
            Fetch,
            "fetch",
            "--target",
            "x",
            "--manifest-path",
            "Cargo.toml"
        );
        assert_eq!(a.targets(), strings(&["x"]));
        let a = parsed!(
            Metadata,
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--filter-platform",
            "x",
            "-F",
            "a"
        );
        assert_eq!(a.format_version.as_deref(), Some("1"));
        assert!(a.no_deps);
        assert_eq!(a.filter_platform, strings(&["x"]));
        assert_eq!(a.features.features, strings(&["a"]));
        let a = parsed!(
            LocateProject,
            "locate-project",
            "--workspace",
            "--message-format",
            "PLAIN"
        );
        assert!(a.workspace);
        assert_eq!(a.message_format.as_deref(), Some("plain"));
        let a = parsed!(Pkgid, "pkgid", "foo");
        assert_eq!(a.spec.as_deref(), Some("foo"));
        let a = parsed!(Pkgid, "pkgid", "-p");
        assert_eq!(a.package, Some(None));
        let a = parsed!(
            Vendor,
            "vendor",
            "-s",
            "a/Cargo.toml",
            "--sync",
            "b/Cargo.toml",
            "dir"
        );
        assert_eq!(a.sync.len(), 2);
        assert_eq!(a.path, Some(PathBuf::from("dir")));
        assert_eq!(err(&["vendor", "a", "b"]), ErrorKind::UnknownArgument);
        let a = parsed!(
            ReadManifest,
            "read-manifest",
            "--manifest-path",
            "x/Cargo.toml"
        );
        assert!(a.manifest.manifest_path.is_some());
        let a = parsed!(
            VerifyProject,
            "verify-project",
            "--manifest-path",
            "x/Cargo.toml"
        );
        assert!(a.manifest.manifest_path.is_some());
        parsed!(Version, "version");
    }

    #[test]
    fn report_subcommands() {
        use crate::cli::report::ReportCommand;
        let a = parsed!(
            Report,
            "report",
            "future-incompat",
            "--id",
            "3",
            "-p",
            "foo"
        );
        match a.command {
            Some(ReportCommand::FutureIncompatibilities(f)) => {
                assert_eq!(f.id.as_deref(), Some("3"));
                assert_eq!(f.package, Some(Some("foo".to_string())));
            }
            other => panic!("{other:?}"),
        }
        let a = parsed!(Report, "report", "sessions");
        match a.command {
            Some(ReportCommand::Sessions(s)) => assert_eq!(s.limit, 10),
            other => panic!("{other:?}"),
        }
        assert_eq!(err(&["report"]), ErrorKind::MissingSubcommand);
    }
}
