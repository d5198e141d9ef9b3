//! Build targets: the model ([`Target`]) and cargo's conventions for finding
//! them: `src/lib.rs`, `src/main.rs`, `src/bin/*.rs`, `src/bin/*/main.rs`,
//! `examples/`, `tests/`, `benches/` (files and `*/main.rs` directories),
//! `build.rs`; explicit `[lib]`/`[[bin]]`/... tables are merged with the
//! inferred ones by name and path, and the `auto*` switches turn inference
//! off.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use mycargo_core::Edition;

use crate::error::Chain;
use crate::error::closest_msg;
use crate::schema::{TomlManifest, TomlPackageBuild, TomlTarget};

/// What kind of crate a target builds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    Lib(Vec<String>),
    Bin,
    Test,
    Bench,
    ExampleLib(Vec<String>),
    ExampleBin,
    CustomBuild,
}

impl TargetKind {
    /// The `kind` list of `cargo metadata`.
    pub fn metadata_kinds(&self) -> Vec<String> {
        match self {
            TargetKind::Lib(ts) => ts.clone(),
            TargetKind::Bin => vec!["bin".into()],
            TargetKind::Test => vec!["test".into()],
            TargetKind::Bench => vec!["bench".into()],
            TargetKind::ExampleLib(_) | TargetKind::ExampleBin => vec!["example".into()],
            TargetKind::CustomBuild => vec!["custom-build".into()],
        }
    }

    /// The crate types passed to rustc.
    pub fn crate_types(&self) -> Vec<String> {
        match self {
            TargetKind::Lib(ts) | TargetKind::ExampleLib(ts) => ts.clone(),
            _ => vec!["bin".into()],
        }
    }

    fn order(&self) -> u8 {
        match self {
            TargetKind::Lib(_) => 0,
            TargetKind::Bin => 1,
            TargetKind::ExampleLib(_) | TargetKind::ExampleBin => 2,
            TargetKind::Test => 3,
            TargetKind::Bench => 4,
            TargetKind::CustomBuild => 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: TargetKind,
    pub name: String,
    /// Absolute path of the crate root.
    pub src_path: PathBuf,
    pub edition: Edition,
    pub required_features: Option<Vec<String>>,
    pub tested: bool,
    pub benched: bool,
    pub doc: bool,
    pub doctest: bool,
    pub harness: bool,
    pub for_host: bool,
    pub proc_macro: bool,
    pub doc_scrape_examples: Option<bool>,
    /// `filename` of a `[[bin]]` (unstable `different-binary-name`).
    pub bin_filename: Option<String>,
    /// Whether the name was inferred rather than written.
    pub name_inferred: bool,
    /// The build script `package.metabuild` generates: its `src_path` is
    /// empty until the build sets it (the file lives in the build
    /// directory).
    pub metabuild: bool,
}

impl Target {
    fn new(kind: TargetKind, name: &str, src_path: PathBuf, edition: Edition) -> Target {
        let (tested, benched, doc, doctest) = match kind {
            TargetKind::Lib(_) => (true, true, true, true),
            TargetKind::Bin => (true, true, true, false),
            TargetKind::Test => (true, false, false, false),
            TargetKind::Bench => (false, true, false, false),
            TargetKind::ExampleLib(_) | TargetKind::ExampleBin => (false, false, false, false),
            TargetKind::CustomBuild => (false, false, false, false),
        };
        let proc_macro =
            matches!(&kind, TargetKind::Lib(ts) if ts.iter().any(|t| t == "proc-macro"));
        Target {
            for_host: proc_macro || kind == TargetKind::CustomBuild,
            kind,
            name: name.to_string(),
            src_path,
            edition,
            required_features: None,
            tested,
            benched,
            doc,
            doctest,
            harness: true,
            proc_macro,
            doc_scrape_examples: None,
            bin_filename: None,
            metabuild: false,
            name_inferred: false,
        }
    }

    pub fn is_lib(&self) -> bool {
        matches!(self.kind, TargetKind::Lib(_))
    }

    pub fn is_bin(&self) -> bool {
        self.kind == TargetKind::Bin
    }

    pub fn is_example(&self) -> bool {
        matches!(
            self.kind,
            TargetKind::ExampleLib(_) | TargetKind::ExampleBin
        )
    }

    pub fn is_test(&self) -> bool {
        self.kind == TargetKind::Test
    }

    pub fn is_bench(&self) -> bool {
        self.kind == TargetKind::Bench
    }

    pub fn is_custom_build(&self) -> bool {
        self.kind == TargetKind::CustomBuild
    }

    /// cargo's word for the kind of target: `lib`, `bin`, `example`,
    /// `integration-test`, `bench` or `build-script`.
    pub fn kind_description(&self) -> &'static str {
        match self.kind {
            TargetKind::Lib(_) => "lib",
            TargetKind::Bin => "bin",
            TargetKind::ExampleLib(_) | TargetKind::ExampleBin => "example",
            TargetKind::Test => "integration-test",
            TargetKind::Bench => "bench",
            TargetKind::CustomBuild => "build-script",
        }
    }

    /// cargo's order of target kinds (its `TargetKind`): lib, bin, test,
    /// bench, example lib, example bin, build script.
    pub fn kind_rank(&self) -> u8 {
        match self.kind {
            TargetKind::Lib(_) => 0,
            TargetKind::Bin => 1,
            TargetKind::Test => 2,
            TargetKind::Bench => 3,
            TargetKind::ExampleLib(_) => 4,
            TargetKind::ExampleBin => 5,
            TargetKind::CustomBuild => 6,
        }
    }

    /// Whether doc tests can run (a lib of type lib, rlib or proc-macro).
    pub fn doctestable(&self) -> bool {
        match &self.kind {
            TargetKind::Lib(ts) => ts
                .iter()
                .any(|t| matches!(t.as_str(), "lib" | "rlib" | "proc-macro")),
            _ => false,
        }
    }

    /// The `doctest` field of `cargo metadata`.
    pub fn metadata_doctest(&self) -> bool {
        self.doctest && self.doctestable()
    }

    /// The crate name rustc sees (`-` → `_`).
    pub fn crate_name(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The build script generated for `package.metabuild` of `pkg`
    /// (edition 2018 whatever the package's, as cargo).
    pub(crate) fn metabuild(pkg: &str) -> Target {
        let mut t = Target::new(
            TargetKind::CustomBuild,
            &format!("metabuild-{pkg}"),
            PathBuf::new(),
            Edition::Edition2018,
        );
        t.metabuild = true;
        t
    }
}

/// Inputs of target discovery.
pub(crate) struct TargetInput<'a> {
    pub toml: &'a TomlManifest,
    pub package_name: &'a str,
    pub package_root: &'a Path,
    pub edition: Edition,
    pub build: Option<&'a TomlPackageBuild>,
    pub autolib: Option<bool>,
    pub autobins: Option<bool>,
    pub autoexamples: Option<bool>,
    pub autotests: Option<bool>,
    pub autobenches: Option<bool>,
}

/// What discovery found: targets in cargo's order, warnings, and errors
/// cargo reports only when the target is built (missing test/bench/example
/// files).
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    pub targets: Vec<Target>,
    pub warnings: Vec<String>,
    pub deferred_errors: Vec<String>,
}

/// Find every target of a package.
pub(crate) fn discover_targets(input: &TargetInput<'_>) -> Result<Discovered, Chain> {
    let mut out = Discovered::default();
    let lib = lib_target(input, &mut out.warnings)?;
    let has_lib = lib.is_some();
    out.targets.extend(lib);
    let bins = bin_targets(input, has_lib, &mut out.warnings)?;
    out.targets.extend(bins);
    for kind in [Kind::Example, Kind::Test, Kind::Bench] {
        let ts = other_targets(input, kind, &mut out.warnings, &mut out.deferred_errors)?;
        out.targets.extend(ts);
    }
    let scripts = custom_builds(input);
    let stem = |p: &PathBuf| {
        p.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string()
    };
    let mut by_stem: Vec<(String, Vec<&PathBuf>)> = Vec::new();
    for script in &scripts {
        let st = stem(script);
        match by_stem.iter_mut().find(|(s, _)| *s == st) {
            Some((_, list)) => list.push(script),
            None => by_stem.push((st, vec![script])),
        }
    }
    let dups: String = by_stem
        .iter()
        .filter(|(_, list)| list.len() > 1)
        .map(|(st, list)| {
            let paths: Vec<String> = list.iter().map(|p| p.display().to_string()).collect();
            format!("\n  for stem `{st}`: {}", paths.join(", "))
        })
        .collect();
    if !dups.is_empty() {
        return Err(Chain::new(format!(
            "found build scripts with duplicate file stems, but all build scripts must have a unique file stem{dups}"
        )));
    }
    for script in &scripts {
        out.targets.push(Target::new(
            TargetKind::CustomBuild,
            &format!("build-script-{}", stem(script)),
            without_cur_dirs(&input.package_root.join(script)),
            input.edition,
        ));
    }
    // By kind; within a kind, see `by_name_when_discovered`.
    out.targets.sort_by_key(|t| t.kind.order());
    warn_shared_paths(&out.targets, &mut out.warnings);
    Ok(out)
}

/// cargo's warning when one file is the root of several targets.
fn warn_shared_paths(targets: &[Target], warnings: &mut Vec<String>) {
    let mut seen: Vec<&PathBuf> = Vec::new();
    for t in targets {
        if seen.contains(&&t.src_path) {
            continue;
        }
        let same: Vec<&Target> = targets
            .iter()
            .filter(|o| o.src_path == t.src_path)
            .collect();
        if same.len() > 1 {
            let list: String = same
                .iter()
                .map(|o| {
                    let kind = match o.kind {
                        TargetKind::Lib(_) => "lib",
                        TargetKind::Bin => "bin",
                        TargetKind::Test => "test",
                        TargetKind::Bench => "bench",
                        TargetKind::ExampleLib(_) | TargetKind::ExampleBin => "example",
                        TargetKind::CustomBuild => "build-script",
                    };
                    format!("\n  * `{kind}` target `{}`", o.name)
                })
                .collect();
            warnings.push(format!(
                "file `{}` found to be present in multiple build targets:{list}",
                t.src_path.display()
            ));
        }
        seen.push(&t.src_path);
    }
}

/// The build scripts: `package.build` as a path or a list of paths (in
/// order: they run in that order), or `build.rs` if present (unless
/// `build = false`).
fn custom_builds(input: &TargetInput<'_>) -> Vec<PathBuf> {
    match input.build {
        Some(TomlPackageBuild::Auto(false)) => Vec::new(),
        Some(TomlPackageBuild::Auto(true)) => vec![PathBuf::from("build.rs")],
        Some(TomlPackageBuild::SingleScript(p)) => vec![PathBuf::from(p)],
        Some(TomlPackageBuild::MultipleScript(ps)) => ps.iter().map(PathBuf::from).collect(),
        None => {
            let p = input.package_root.join("build.rs");
            if p.is_file() {
                vec![PathBuf::from("build.rs")]
            } else {
                Vec::new()
            }
        }
    }
}

fn lib_target(
    input: &TargetInput<'_>,
    warnings: &mut Vec<String>,
) -> Result<Option<Target>, Chain> {
    let root = input.package_root;
    let inferred = root.join("src").join("lib.rs");
    let inferred = inferred.exists().then_some(inferred);
    let toml_lib = input.toml.lib.clone();
    let lib = match toml_lib {
        Some(l) => Some(l),
        None if input.autolib == Some(false) => None,
        None => inferred.as_ref().map(|_| TomlTarget::default()),
    };
    let Some(lib) = lib else { return Ok(None) };
    let name_inferred = lib.name.is_none();
    let name = lib
        .name
        .clone()
        .unwrap_or_else(|| input.package_name.replace('-', "_"));
    if name.contains('-') {
        return Err(Chain::new(format!(
            "library target names cannot contain hyphens: {name}"
        )));
    }
    if name.trim().is_empty() {
        return Err(Chain::new("library target names cannot be empty"));
    }
    legacy_key_warnings(&lib, &name, "library", input.edition, warnings)?;
    edition_warning(&lib, &name, "library", warnings);
    let path = match (&lib.path, &inferred) {
        (Some(p), _) => without_cur_dirs(&root.join(p)),
        (None, Some(p)) => p.clone(),
        (None, None) => {
            let legacy = Path::new("src").join(format!("{name}.rs"));
            if input.edition == Edition::Edition2015 && root.join(&legacy).exists() {
                warnings.push(format!(
                    "path `{}` was erroneously implicitly accepted for library `{name}`,\n\
                     please rename the file to `src/lib.rs` or set lib.path in Cargo.toml",
                    legacy.display()
                ));
                root.join(legacy)
            } else {
                return Err(Chain::new(format!(
                    "can't find library `{name}`, rename file to `src/lib.rs` or specify lib.path"
                )));
            }
        }
    };
    let crate_types = match (lib.crate_types(), lib.plugin, lib.proc_macro()) {
        (Some(kinds), _, _)
            if kinds.iter().any(|k| k == "dylib") && kinds.iter().any(|k| k == "cdylib") =>
        {
            return Err(Chain::new(format!(
                "library `{name}` cannot set the crate type of both `dylib` and `cdylib`"
            )));
        }
        (Some(kinds), _, _) if kinds.iter().any(|k| k == "proc-macro") => {
            if lib.plugin == Some(true) {
                warnings.push(format!(
                    "proc-macro library `{name}` should not specify `plugin = true`"
                ));
            }
            warnings.push(format!(
                "library `{name}` should only specify `proc-macro = true` instead of setting `crate-type`"
            ));
            if kinds.len() > 1 {
                return Err(Chain::new("cannot mix `proc-macro` crate type with others"));
            }
            vec!["proc-macro".to_string()]
        }
        (_, Some(true), Some(true)) => {
            return Err(Chain::new(
                "`lib.plugin` and `lib.proc-macro` cannot both be `true`",
            ));
        }
        (Some(kinds), _, _) => kinds.clone(),
        (None, Some(true), _) => vec!["dylib".to_string()],
        (None, _, Some(true)) => vec!["proc-macro".to_string()],
        (None, _, _) => vec!["lib".to_string()],
    };
    let mut target = Target::new(TargetKind::Lib(crate_types), &name, path, input.edition);
    configure(&lib, &mut target)?;
    target.name_inferred = name_inferred;
    Ok(Some(target))
}

/// Warnings (or, from 2024 on, errors) for `proc_macro` and `crate_type`.
fn legacy_key_warnings(
    t: &TomlTarget,
    name: &str,
    kind_human: &str,
    edition: Edition,
    warnings: &mut Vec<String>,
) -> Result<(), Chain> {
    let pairs = [
        (
            "proc_macro",
            "proc-macro",
            t.proc_macro2.is_some(),
            t.proc_macro.is_some(),
        ),
        (
            "crate_type",
            "crate-type",
            t.crate_type2.is_some(),
            t.crate_type.is_some(),
        ),
    ];
    for (old, new, has_old, has_new) in pairs {
        if !has_old {
            continue;
        }
        let target = format!("`{name}` {kind_human} target");
        if has_new {
            warnings.push(format!(
                "`{old}` is redundant with `{new}`, preferring `{new}` in the {target}"
            ));
        } else if edition >= Edition::Edition2024 {
            return Err(Chain::new(format!(
                "`{old}` is unsupported as of the 2024 edition; instead use `{new}`\n(in the {target})"
            )));
        } else {
            warnings.push(format!(
                "`{old}` is deprecated in favor of `{new}` and will not work in the 2024 edition\n(in the {target})"
            ));
        }
    }
    Ok(())
}

/// Apply the boolean switches and edition of a TOML target.
/// cargo warns that a target's own `edition` is deprecated.
fn edition_warning(t: &TomlTarget, name: &str, kind: &str, warnings: &mut Vec<String>) {
    if t.edition.is_some() {
        warnings.push(format!(
            "`edition` is set on {kind} `{name}` which is deprecated"
        ));
    }
}

fn configure(t: &TomlTarget, target: &mut Target) -> Result<(), Chain> {
    if let Some(v) = t.test {
        target.tested = v;
    }
    if let Some(v) = t.doc {
        target.doc = v;
    }
    if let Some(v) = t.doctest {
        target.doctest = v;
    }
    if let Some(v) = t.bench {
        target.benched = v;
    }
    if let Some(v) = t.harness {
        target.harness = v;
    }
    if let Some(v) = t.proc_macro() {
        target.proc_macro = v;
    }
    target.doc_scrape_examples = t.doc_scrape_examples;
    match (t.plugin, t.proc_macro()) {
        (None, None) => {}
        (Some(true), _) | (_, Some(true)) => target.for_host = true,
        (Some(false), _) | (_, Some(false)) => target.for_host = false,
    }
    if let Some(e) = &t.edition {
        target.edition = e
            .parse()
            .map_err(|err: mycargo_core::edition::EditionError| {
                Chain::new(err.to_string()).context("failed to parse the `edition` key")
            })?;
    }
    target.required_features = t.required_features.clone();
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bin,
    Example,
    Test,
    Bench,
}

impl Kind {
    fn human(self) -> &'static str {
        match self {
            Kind::Bin => "binary",
            Kind::Example => "example",
            Kind::Test => "test",
            Kind::Bench => "benchmark",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::Bin => "bin",
            Kind::Example => "example",
            Kind::Test => "test",
            Kind::Bench => "bench",
        }
    }

    fn auto_flag(self) -> &'static str {
        match self {
            Kind::Bin => "autobins",
            Kind::Example => "autoexamples",
            Kind::Test => "autotests",
            Kind::Bench => "autobenches",
        }
    }

    fn dir(self) -> &'static str {
        match self {
            Kind::Bin => "src/bin",
            Kind::Example => "examples",
            Kind::Test => "tests",
            Kind::Bench => "benches",
        }
    }

    /// The directory users often get wrong (`src/bins`, `example`, ...).
    fn wrong_dir(self) -> &'static str {
        match self {
            Kind::Bin => "src/bins",
            Kind::Example => "example",
            Kind::Test => "test",
            Kind::Bench => "bench",
        }
    }
}

/// `dir/*.rs` and `dir/*/main.rs`, skipping dot files, sorted by name.
fn infer_from_directory(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(|s| !s.starts_with('.')))
        .filter_map(|e| {
            let path = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                let main = path.join("main.rs");
                let name = path.file_name()?.to_str()?.to_string();
                main.exists().then_some((name, main))
            } else if path.extension().and_then(|x| x.to_str()) == Some("rs") {
                let name = path.file_stem()?.to_str()?.to_string();
                Some((name, path))
            } else {
                None
            }
        })
        .collect();
    out.sort();
    out
}

fn inferred_for(input: &TargetInput<'_>, kind: Kind) -> Vec<(String, PathBuf)> {
    let root = input.package_root;
    let mut out = Vec::new();
    if kind == Kind::Bin {
        let main = root.join("src").join("main.rs");
        if main.exists() {
            out.push((input.package_name.to_string(), main));
        }
    }
    out.extend(infer_from_directory(&root.join(kind.dir())));
    out
}

/// Explicit targets plus inferred ones not shadowed by name or path.
fn toml_targets_and_inferred(
    input: &TargetInput<'_>,
    explicit: Option<&Vec<TomlTarget>>,
    inferred: &[(String, PathBuf)],
    autodiscover: Option<bool>,
    kind: Kind,
    warnings: &mut Vec<String>,
) -> Vec<TomlTarget> {
    let root = input.package_root;
    let as_toml = |(name, path): &(String, PathBuf)| TomlTarget {
        name: Some(name.clone()),
        path: Some(path.to_string_lossy().into_owned()),
        ..TomlTarget::default()
    };
    let Some(explicit) = explicit else {
        return if autodiscover == Some(false) {
            Vec::new()
        } else {
            inferred.iter().map(as_toml).collect()
        };
    };
    let mut targets = explicit.clone();
    let seen_names: HashSet<Option<String>> = targets.iter().map(|t| t.name.clone()).collect();
    let seen_paths: HashSet<Option<PathBuf>> = targets
        .iter()
        .map(|t| t.path.as_ref().map(|p| root.join(p)))
        .collect();
    let rem: Vec<TomlTarget> = inferred
        .iter()
        .filter(|(n, p)| {
            !seen_names.contains(&Some(n.clone())) && !seen_paths.contains(&Some(p.clone()))
        })
        .map(as_toml)
        .collect();
    let autodiscover = match autodiscover {
        Some(a) => a,
        None if input.edition == Edition::Edition2015 => {
            if !rem.is_empty() {
                let list: String = rem
                    .iter()
                    .filter_map(|t| t.path.as_ref())
                    .map(|p| {
                        // Shown relative to the package, as cargo lists them.
                        let p = Path::new(p);
                        format!("* {}\n", p.strip_prefix(root).unwrap_or(p).display())
                    })
                    .collect();
                let human = kind.human();
                warnings.push(format!(
                    "An explicit [[{section}]] section is specified in Cargo.toml which currently\n\
                     disables Cargo from automatically inferring other {human} targets.\n\
                     This inference behavior will change in the Rust 2018 edition and the following\n\
                     files will be included as a {human} target:\n\n\
                     {list}\n\
                     This is likely to break cargo build or cargo test as these files may not be\n\
                     ready to be compiled as a {human} target today. You can future-proof yourself\n\
                     and disable this warning by adding `{flag} = false` to your [package]\n\
                     section. You may also move the files to a location where Cargo would not\n\
                     automatically infer them to be a target, such as in subfolders.\n\n\
                     For more information on this warning you can consult\n\
                     https://github.com/rust-lang/cargo/issues/5330",
                    section = kind.key(),
                    flag = kind.auto_flag(),
                ));
            }
            false
        }
        None => true,
    };
    if autodiscover {
        targets.extend(rem);
    }
    targets
}

fn validate_target_name(
    t: &TomlTarget,
    kind: Kind,
    warnings: &mut Vec<String>,
) -> Result<(), Chain> {
    match &t.name {
        Some(name) => {
            if name.trim().is_empty() {
                return Err(Chain::new(format!(
                    "{} target names cannot be empty",
                    kind.human()
                )));
            }
            if cfg!(windows) && mycargo_core::names::is_windows_reserved(name) {
                warnings.push(format!(
                    "{} target `{name}` is a reserved Windows filename, this target will not work on Windows platforms",
                    kind.human()
                ));
            }
            Ok(())
        }
        None => Err(Chain::new(format!(
            "{} target {}.name is required",
            kind.human(),
            kind.key()
        ))),
    }
}

fn validate_unique_names(targets: &[TomlTarget], kind: Kind) -> Result<(), Chain> {
    let mut seen = HashSet::new();
    for t in targets {
        let name = t.name.clone().unwrap_or_default();
        if !seen.insert(name.clone()) {
            let k = if kind == Kind::Bin {
                "binary"
            } else {
                kind.key()
            };
            return Err(Chain::new(format!(
                "found duplicate {k} name {name}, but all {k} targets must have a unique name"
            )));
        }
    }
    Ok(())
}

/// Where a target's source is: its `path`, the one inferred file of its
/// name, or an error naming the places looked at.
/// A target path as cargo shows it: `./` parts dropped, `..` kept.
fn without_cur_dirs(p: &Path) -> PathBuf {
    p.components().collect()
}

fn target_path(
    t: &TomlTarget,
    inferred: &[(String, PathBuf)],
    kind: Kind,
    root: &Path,
    edition: Edition,
    legacy: &mut dyn FnMut(&str) -> Option<PathBuf>,
) -> Result<PathBuf, String> {
    if let Some(p) = &t.path {
        return Ok(without_cur_dirs(&root.join(p)));
    }
    let name = t.name.clone().unwrap_or_default();
    let matching: Vec<&PathBuf> = inferred
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, p)| p)
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            if edition == Edition::Edition2015
                && let Some(p) = legacy(&name)
            {
                return Ok(p);
            }
            let key = kind.key();
            let (dir, wrong) = (kind.dir(), kind.wrong_dir());
            let wrong_file = format!("{wrong}/{name}.rs");
            let wrong_main = format!("{wrong}/{name}/main.rs");
            let found = if root.join(&wrong_file).exists() {
                Some((wrong_file, format!("{dir}/{name}.rs")))
            } else if root.join(&wrong_main).exists() {
                Some((wrong_main, format!("{dir}/{name}/main.rs")))
            } else {
                None
            };
            let hint = closest_msg(&name, inferred.iter().map(|(n, _)| n.as_str()), key);
            Err(match found {
                Some((w, right)) => format!(
                    "can't find `{name}` {key} at default paths, but found a file at `{w}`.\n\
                     Perhaps rename the file to `{right}` for target auto-discovery, or specify {key}.path if you want to use a non-default path.{hint}"
                ),
                None => format!(
                    "can't find `{name}` {key} at `{dir}/{name}.rs` or `{dir}/{name}/main.rs`. \
                     Please specify {key}.path if you want to use a non-default path.{hint}"
                ),
            })
        }
        [p0, p1, ..] => {
            if edition == Edition::Edition2015
                && let Some(p) = legacy(&name)
            {
                return Ok(p);
            }
            Err(format!(
                "cannot infer path for `{name}` {}\n\
                 Cargo doesn't know which to use because multiple target files found at `{}` and `{}`.",
                kind.key(),
                p0.strip_prefix(root).unwrap_or(p0).display(),
                p1.strip_prefix(root).unwrap_or(p1).display(),
            ))
        }
    }
}

fn bin_targets(
    input: &TargetInput<'_>,
    has_lib: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<Target>, Chain> {
    let root = input.package_root;
    let inferred = inferred_for(input, Kind::Bin);
    let bins = toml_targets_and_inferred(
        input,
        input.toml.bin.as_ref(),
        &inferred,
        input.autobins,
        Kind::Bin,
        warnings,
    );
    for bin in &bins {
        validate_target_name(bin, Kind::Bin, warnings)?;
        let name = bin.name.clone().unwrap_or_default();
        if let Some(ts) = bin.crate_types()
            && !ts.is_empty()
        {
            return Err(Chain::new(format!(
                "the target `{name}` is a binary and can't have any crate-types set (currently \"{}\")",
                ts.join(", ")
            )));
        }
        if bin.proc_macro() == Some(true) {
            return Err(Chain::new(format!(
                "the target `{name}` is a binary and can't have `proc-macro` set `true`"
            )));
        }
        if mycargo_core::names::is_conflicting_artifact_name(&name) {
            return Err(Chain::new(format!(
                "the binary target name `{name}` is forbidden, it conflicts with cargo's build directory names"
            )));
        }
    }
    validate_unique_names(&bins, Kind::Bin)?;
    let mut result = Vec::new();
    for bin in &bins {
        let name = bin.name.clone().unwrap_or_default();
        legacy_key_warnings(bin, &name, "binary", input.edition, warnings)?;
        edition_warning(bin, &name, "binary", warnings);
        let mut legacy_hit = None;
        let mut legacy = |n: &str| {
            let found = legacy_bin_path(root, n, has_lib);
            legacy_hit.clone_from(&found);
            found
        };
        let path = target_path(bin, &inferred, Kind::Bin, root, input.edition, &mut legacy)
            .map_err(Chain::new)?;
        if let Some(p) = legacy_hit.filter(|p| *p == path) {
            warnings.push(format!(
                "path `{}` was erroneously implicitly accepted for binary `{name}`,\n\
                 please set bin.path in Cargo.toml",
                p.strip_prefix(root).unwrap_or(&p).display()
            ));
        }
        let mut t = Target::new(TargetKind::Bin, &name, path, input.edition);
        t.bin_filename = bin.filename.clone();
        configure(bin, &mut t)?;
        result.push(t);
    }
    by_name_when_discovered(&mut result, input.autobins != Some(false));
    Ok(result)
}

/// cargo lists a kind's targets by name when it discovers them, and as
/// declared when discovery is off (`autoexamples = false` and the like).
fn by_name_when_discovered(targets: &mut [Target], auto: bool) {
    if auto {
        targets.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

fn legacy_bin_path(root: &Path, name: &str, has_lib: bool) -> Option<PathBuf> {
    if !has_lib {
        let p = root.join("src").join(format!("{name}.rs"));
        if p.exists() {
            return Some(p);
        }
    }
    [
        root.join("src").join("main.rs"),
        root.join("src").join("bin").join("main.rs"),
    ]
    .into_iter()
    .find(|p| p.exists())
}

fn other_targets(
    input: &TargetInput<'_>,
    kind: Kind,
    warnings: &mut Vec<String>,
    deferred: &mut Vec<String>,
) -> Result<Vec<Target>, Chain> {
    let root = input.package_root;
    let (explicit, auto) = match kind {
        Kind::Example => (input.toml.example.as_ref(), input.autoexamples),
        Kind::Test => (input.toml.test.as_ref(), input.autotests),
        Kind::Bench => (input.toml.bench.as_ref(), input.autobenches),
        Kind::Bin => (input.toml.bin.as_ref(), input.autobins),
    };
    let inferred = inferred_for(input, kind);
    let targets = toml_targets_and_inferred(input, explicit, &inferred, auto, kind, warnings);
    for t in &targets {
        validate_target_name(t, kind, warnings)?;
    }
    validate_unique_names(&targets, kind)?;
    let mut result = Vec::new();
    for t in &targets {
        let name = t.name.clone().unwrap_or_default();
        let mut legacy = |n: &str| {
            let p = root.join("src").join("bench.rs");
            (kind == Kind::Bench && n == "bench" && p.exists()).then_some(p)
        };
        let path = match target_path(t, &inferred, kind, root, input.edition, &mut legacy) {
            Ok(p) => p,
            Err(e) => {
                deferred.push(e);
                continue;
            }
        };
        let target_kind = match kind {
            Kind::Example => match t.crate_types() {
                Some(ts) if !ts.iter().all(|t| t == "bin") => TargetKind::ExampleLib(ts.clone()),
                _ => TargetKind::ExampleBin,
            },
            Kind::Test => TargetKind::Test,
            Kind::Bench => TargetKind::Bench,
            Kind::Bin => TargetKind::Bin,
        };
        if kind == Kind::Example {
            legacy_key_warnings(t, &name, "example", input.edition, warnings)?;
        }
        let human = match kind {
            Kind::Example => "example",
            Kind::Test => "test",
            Kind::Bench => "benchmark",
            Kind::Bin => "binary",
        };
        edition_warning(t, &name, human, warnings);
        let mut target = Target::new(target_kind, &name, path, input.edition);
        configure(t, &mut target)?;
        result.push(target);
    }
    by_name_when_discovered(&mut result, auto != Some(false));
    Ok(result)
}
