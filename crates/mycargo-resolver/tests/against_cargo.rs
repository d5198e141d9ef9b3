//! The feature resolver against the installed cargo.
//!
//! Each case writes a small workspace of path dependencies into a temporary
//! directory, reads it with `mycargo_manifest` into a graph, resolves it,
//! and compares with cargo (run `--offline` with a `CARGO_HOME` inside the
//! temporary directory):
//!
//! - `cargo tree -f '{p}|{f}' --prefix none --no-dedupe` prints every
//!   (package, context) a build uses with its features, from cargo's feature
//!   resolver; the same walk over our result (roots, then
//!   `is_dep_active` edges) must print the same lines. This checks host and
//!   normal contexts apart, dev units (`-e dev`), and platforms.
//! - `cargo metadata --format-version 1` lists per package the union of its
//!   contexts with every platform and dev units on. It comes from cargo's
//!   dependency resolver, which agrees with the feature resolver except for
//!   weak features of optional dependencies nothing enables (it reports the
//!   dependency with the weak feature though the dependency is not built),
//!   so it is not compared in that case.
//! - Errors: cargo's message must match ours (or, for a dependency lacking a
//!   feature, contain ours: cargo wraps it in its version-selection story).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use mycargo_core::{Cfg, DepKind};
use mycargo_manifest::{Manifest, ReadOptions, Workspace, read_manifest_file};
use mycargo_resolver::{
    CliFeatures, DepEdge, FeatureOpts, HasDevUnits, PackageNode, ResolvedFeatures, ResolverVersion,
    RootSelection, TargetInfo, resolve_features,
};

const FOREIGN: &str = "x86_64-pc-windows-gnu";

/// A temporary directory holding a workspace at `ws/` and other packages.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write `contents` at `rel`, and an empty `src/lib.rs` next to a
    /// `Cargo.toml` that has none.
    fn file(&self, rel: &str, contents: &str) -> &Project {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        if rel.ends_with("Cargo.toml") {
            let lib = path.parent().unwrap().join("src/lib.rs");
            if !lib.exists() {
                std::fs::create_dir_all(lib.parent().unwrap()).unwrap();
                std::fs::write(lib, "").unwrap();
            }
        }
        self
    }

    /// A package `name` at `rel` with more manifest text after `[package]`.
    fn package(&self, rel: &str, name: &str, rest: &str) -> &Project {
        self.file(
            &format!("{rel}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{rest}"
            ),
        )
    }

    /// Run the installed cargo in `ws/` with a hermetic environment.
    fn cargo(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("cargo");
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("CARGO") || key.starts_with("__CARGO") {
                cmd.env_remove(key);
            }
        }
        cmd.current_dir(self.path().join("ws"))
            .env("CARGO_HOME", self.path().join("cargo-home"))
            .env("CARGO_TARGET_DIR", self.path().join("target"))
            .env("CARGO_TERM_COLOR", "never")
            .args(args)
            .arg("--offline");
        cmd.output().expect("the installed cargo runs")
    }

    fn cargo_ok(&self, args: &[&str]) -> String {
        let out = self.cargo(args);
        assert!(
            out.status.success(),
            "cargo {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// A workspace read into a graph.
struct Loaded {
    graph: Vec<PackageNode>,
    dirs: Vec<PathBuf>,
    members: Vec<usize>,
    current: Option<usize>,
    is_virtual: bool,
    version: ResolverVersion,
}

impl Loaded {
    fn read(project: &Project) -> Loaded {
        let ws = Workspace::load(&project.path().join("ws/Cargo.toml")).unwrap();
        let mut manifests: Vec<Manifest> = Vec::new();
        let mut index: HashMap<PathBuf, usize> = HashMap::new();
        let mut queue = VecDeque::new();
        for m in ws.members() {
            index.insert(m.root().to_path_buf(), manifests.len());
            queue.push_back(manifests.len());
            manifests.push(m.clone());
        }
        let members: Vec<usize> = (0..manifests.len()).collect();
        // Path dependencies outside the workspace, transitively.
        while let Some(i) = queue.pop_front() {
            let paths: Vec<PathBuf> = manifests[i]
                .dependencies
                .iter()
                .filter_map(|d| d.path().cloned())
                .collect();
            for dir in paths {
                if index.contains_key(&dir) {
                    continue;
                }
                let parsed =
                    read_manifest_file(&dir.join("Cargo.toml"), &ReadOptions::default()).unwrap();
                index.insert(dir, manifests.len());
                queue.push_back(manifests.len());
                manifests.push(parsed.package().unwrap().clone());
            }
        }
        let graph = manifests
            .iter()
            .map(|m| PackageNode {
                id: m.package_id.clone(),
                feature_map: m.feature_map.clone(),
                deps: m
                    .dependencies
                    .iter()
                    .map(|d| DepEdge {
                        to: index[d.path().expect("path dependencies only")],
                        dep: d.clone(),
                    })
                    .collect(),
                is_proc_macro: m.lib_target().is_some_and(|t| t.proc_macro),
                declared: Vec::new(),
            })
            .collect();
        let current = ws.current().map(|m| index[m.root()]);
        Loaded {
            graph,
            dirs: manifests.iter().map(|m| m.root().to_path_buf()).collect(),
            members,
            current,
            is_virtual: ws.is_virtual(),
            version: ResolverVersion::from_manifest(&ws.resolver_version()).unwrap(),
        }
    }

    fn named(&self, name: &str) -> usize {
        self.graph
            .iter()
            .position(|n| n.id.name() == name)
            .unwrap_or_else(|| panic!("no package {name}"))
    }

    fn selection(&self, selected: &[&str]) -> RootSelection {
        RootSelection {
            members: self.members.clone(),
            selected: selected.iter().map(|n| self.named(n)).collect(),
            current: self.current,
            is_virtual: self.is_virtual,
        }
    }

    fn opts(&self, targets: Option<Vec<TargetInfo>>, dev: bool) -> FeatureOpts {
        FeatureOpts {
            version: self.version,
            targets,
            host: host().clone(),
            dev_units: if dev {
                HasDevUnits::Yes
            } else {
                HasDevUnits::No
            },
        }
    }
}

fn rustc(args: &[&str]) -> String {
    let out = Command::new("rustc")
        .args(args)
        .output()
        .expect("rustc runs");
    assert!(out.status.success(), "rustc {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

fn target_info(triple: &str) -> TargetInfo {
    TargetInfo::new(
        triple,
        Cfg::parse_rustc_print_cfg(&rustc(&["--print", "cfg", "--target", triple])),
    )
}

fn host() -> &'static TargetInfo {
    static HOST: OnceLock<TargetInfo> = OnceLock::new();
    HOST.get_or_init(|| {
        let vv = rustc(&["-vV"]);
        let triple = vv
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .expect("rustc -vV names the host");
        target_info(triple)
    })
}

/// Command-line feature flags, for cargo and for us.
#[derive(Clone, Copy, Default)]
struct Flags<'a> {
    features: &'a [&'a str],
    all: bool,
    no_default: bool,
}

impl<'a> Flags<'a> {
    fn features(features: &'a [&'a str]) -> Flags<'a> {
        Flags {
            features,
            ..Flags::default()
        }
    }

    fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for f in self.features {
            args.push("--features".to_string());
            args.push(f.to_string());
        }
        if self.all {
            args.push("--all-features".to_string());
        }
        if self.no_default {
            args.push("--no-default-features".to_string());
        }
        args
    }

    fn cli(&self) -> CliFeatures {
        CliFeatures {
            features: self.features.iter().map(|s| s.to_string()).collect(),
            all_features: self.all,
            uses_default_features: !self.no_default,
        }
    }
}

/// Which platforms `cargo tree` shows.
#[derive(Clone, Copy)]
enum Platforms {
    Host,
    All,
    Foreign,
}

/// `cargo tree` for `packages` against the same walk over our result.
fn check_tree(
    p: &Project,
    ws: &Loaded,
    packages: &[&str],
    flags: Flags<'_>,
    dev: bool,
    platforms: Platforms,
) {
    let mut args: Vec<String> = ["tree", "-f", "{p}|{f}", "--prefix", "none", "--no-dedupe"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push("-e".into());
    args.push(
        if dev {
            "normal,build,dev"
        } else {
            "normal,build"
        }
        .into(),
    );
    match platforms {
        Platforms::Host => {}
        Platforms::All => args.extend(["--target".into(), "all".into()]),
        Platforms::Foreign => args.extend(["--target".into(), FOREIGN.into()]),
    }
    for name in packages {
        args.extend(["-p".to_string(), name.to_string()]);
    }
    args.extend(flags.args());
    let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdout = p.cargo_ok(&args_ref);
    let theirs: BTreeSet<(PathBuf, String)> = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (pkg, features) = line.split_once('|').expect("{p}|{f} lines");
            let open = pkg.rfind('(').unwrap();
            let close = pkg.rfind(')').unwrap();
            let features = features.trim_end_matches(" (*)").to_string();
            (PathBuf::from(&pkg[open + 1..close]), features)
        })
        .collect();

    let targets = match platforms {
        Platforms::Host => Some(vec![host().clone()]),
        Platforms::All => None,
        Platforms::Foreign => Some(vec![target_info(FOREIGN)]),
    };
    let opts = ws.opts(targets, dev);
    let resolved = resolve_features(&ws.graph, &ws.selection(packages), &flags.cli(), &opts)
        .unwrap_or_else(|e| panic!("cargo succeeded, we failed: {e}"));
    let ours = walk(ws, &resolved, packages, dev);
    assert_eq!(
        ours, theirs,
        "cargo {args:?} (ours left, cargo's right)\ncargo printed:\n{stdout}"
    );
}

/// What `cargo tree` would print from our result: every (package, context)
/// reached from the selected packages over active edges, with its features.
fn walk(
    ws: &Loaded,
    resolved: &ResolvedFeatures,
    packages: &[&str],
    dev: bool,
) -> BTreeSet<(PathBuf, String)> {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<(usize, bool)> = packages
        .iter()
        .map(|n| {
            let i = ws.named(n);
            (i, ws.graph[i].is_proc_macro)
        })
        .collect();
    while let Some((pkg, for_host)) = queue.pop_front() {
        if !seen.insert((pkg, for_host)) {
            continue;
        }
        for (i, edge) in ws.graph[pkg].deps.iter().enumerate() {
            if edge.dep.kind() == DepKind::Development && !dev {
                continue;
            }
            if !resolved.is_dep_active(pkg, for_host, i) {
                continue;
            }
            let dep_host =
                for_host || edge.dep.kind() == DepKind::Build || ws.graph[edge.to].is_proc_macro;
            queue.push_back((edge.to, dep_host));
        }
    }
    seen.into_iter()
        .map(|(pkg, for_host)| {
            let features: Vec<&str> = resolved
                .features(pkg, for_host)
                .iter()
                .map(String::as_str)
                .collect();
            (ws.dirs[pkg].clone(), features.join(","))
        })
        .collect()
}

/// `cargo metadata`'s per-package features against the union of our
/// contexts, for every member selected, every platform and dev units.
fn check_metadata(p: &Project, ws: &Loaded, flags: Flags<'_>) {
    let mut args = vec![
        "metadata".to_string(),
        "--format-version".into(),
        "1".into(),
    ];
    args.extend(flags.args());
    let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
    let json: serde_json::Value = serde_json::from_str(&p.cargo_ok(&args_ref)).unwrap();
    let dir_of: HashMap<&str, PathBuf> = json["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let manifest = Path::new(p["manifest_path"].as_str().unwrap());
            (
                p["id"].as_str().unwrap(),
                manifest.parent().unwrap().to_path_buf(),
            )
        })
        .collect();
    let theirs: BTreeMap<PathBuf, BTreeSet<String>> = json["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let features = n["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap().to_string())
                .collect();
            (dir_of[n["id"].as_str().unwrap()].clone(), features)
        })
        .collect();

    let names: Vec<&str> = ws.members.iter().map(|&m| ws.graph[m].id.name()).collect();
    let resolved = resolve_features(
        &ws.graph,
        &ws.selection(&names),
        &flags.cli(),
        &ws.opts(None, true),
    )
    .unwrap_or_else(|e| panic!("cargo succeeded, we failed: {e}"));
    let ours: BTreeMap<PathBuf, BTreeSet<String>> = (0..ws.graph.len())
        .filter(|&i| resolved.contexts(i).is_used())
        .map(|i| {
            let mut union = resolved.features(i, false).clone();
            union.extend(resolved.features(i, true).iter().cloned());
            (ws.dirs[i].clone(), union)
        })
        .collect();
    assert_eq!(ours, theirs, "cargo {args:?} (ours left, cargo's right)");
}

/// cargo's error for `cargo tree -p <packages> <flags>` against ours.
fn check_error(p: &Project, ws: &Loaded, packages: &[&str], flags: Flags<'_>) -> String {
    let mut args = vec!["tree".to_string()];
    for name in packages {
        args.extend(["-p".to_string(), name.to_string()]);
    }
    args.extend(flags.args());
    let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = p.cargo(&args_ref);
    assert!(!out.status.success(), "cargo {args:?} succeeded");
    let stderr = String::from_utf8(out.stderr).unwrap();
    // Status lines (`Locking ...`) come first.
    let start = stderr
        .find("error: ")
        .unwrap_or_else(|| panic!("cargo printed: {stderr}"));
    let theirs = stderr[start + "error: ".len()..].trim_end().to_string();
    let ours = resolve_features(
        &ws.graph,
        &ws.selection(packages),
        &flags.cli(),
        &ws.opts(Some(vec![host().clone()]), false),
    )
    .expect_err("cargo failed, we succeeded")
    .to_string();
    if theirs.starts_with("failed to select a version") {
        assert!(
            theirs.contains(&format!("\n\n{ours}\n")),
            "ours:\n{ours}\ncargo's:\n{theirs}"
        );
    } else {
        assert_eq!(ours, theirs);
    }
    ours
}

/// `app` uses `shared` as a normal dependency (feature n), as a build
/// dependency (feature b, which turns on the optional `extra`) and through
/// the proc-macro `pm` (feature p); `extra` asks `leaf` for `e`.
fn build_dep_sharing(resolver: &str) -> Project {
    let p = Project::new();
    p.package(
        "ws",
        "app",
        &format!(
            r#"
[workspace]
resolver = "{resolver}"

[dependencies]
shared = {{ path = "../deps/shared", features = ["n"] }}
pm = {{ path = "../deps/pm" }}
leaf = {{ path = "../deps/leaf", default-features = false }}

[build-dependencies]
shared = {{ path = "../deps/shared", features = ["b"] }}
"#
        ),
    )
    .file("ws/build.rs", "fn main() {}")
    .package(
        "deps/shared",
        "shared",
        r#"
[features]
default = ["d"]
d = []
n = []
b = ["dep:extra"]
p = ["leaf/lp"]

[dependencies]
extra = { path = "../extra", optional = true }
leaf = { path = "../leaf", default-features = false }
"#,
    )
    .package(
        "deps/pm",
        "pm",
        r#"
[lib]
proc-macro = true

[dependencies]
shared = { path = "../shared", default-features = false, features = ["p"] }
"#,
    )
    .package(
        "deps/extra",
        "extra",
        r#"
[dependencies]
leaf = { path = "../leaf", features = ["e"] }
"#,
    )
    .package(
        "deps/leaf",
        "leaf",
        r#"
[features]
default = ["ld"]
ld = []
e = []
lp = []
"#,
    );
    p
}

#[test]
fn build_dependency_shared_with_normal_dependency_resolver_2() {
    let p = build_dep_sharing("2");
    let ws = Loaded::read(&p);
    assert_eq!(ws.version, ResolverVersion::V2);
    check_tree(&p, &ws, &["app"], Flags::default(), false, Platforms::Host);
    check_tree(&p, &ws, &["app"], Flags::default(), true, Platforms::All);
    check_metadata(&p, &ws, Flags::default());

    // The decoupling is really there (so the comparison means something).
    let r = resolve_features(
        &ws.graph,
        &ws.selection(&["app"]),
        &CliFeatures::default(),
        &ws.opts(Some(vec![host().clone()]), false),
    )
    .unwrap();
    let shared = ws.named("shared");
    let b: BTreeSet<String> = ["b", "d", "default", "p"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(r.features(shared, true), &b);
    assert_eq!(
        r.features(shared, false).iter().collect::<Vec<_>>(),
        ["d", "default", "n"]
    );
}

#[test]
fn build_dependency_shared_with_normal_dependency_resolver_1() {
    let p = build_dep_sharing("1");
    let ws = Loaded::read(&p);
    assert_eq!(ws.version, ResolverVersion::V1);
    check_tree(&p, &ws, &["app"], Flags::default(), false, Platforms::Host);
    check_tree(&p, &ws, &["app"], Flags::default(), true, Platforms::All);
    check_metadata(&p, &ws, Flags::default());
    check_metadata(
        &p,
        &ws,
        Flags {
            no_default: true,
            ..Flags::default()
        },
    );
}

/// Weak features: `app`'s `wk` asks `opt?/x`, `x-use` enables `opt`;
/// `both` asks `other?/y` and `strong` asks `other/y`. The member `mid`
/// asks `app` for `both` first, then its dependency `third` asks `app` for
/// `x-use`, so the weak `opt?/x` waits and applies later.
fn weak_features() -> Project {
    let p = Project::new();
    p.file(
        "ws/Cargo.toml",
        r#"
[workspace]
members = ["app", "mid", "third"]
resolver = "2"
"#,
    )
    .package(
        "ws/app",
        "app",
        r#"
[features]
wk = ["opt?/x"]
x-use = ["dep:opt"]
both = ["wk", "other?/y"]
strong = ["other/y"]

[dependencies]
opt = { path = "../../deps/opt", optional = true }
other = { path = "../../deps/other", optional = true }
"#,
    )
    .package(
        "ws/mid",
        "mid",
        r#"
[features]
turn-on = ["app/other"]

[dependencies]
app = { path = "../app", features = ["both"] }
third = { path = "../third" }
"#,
    )
    .package(
        "ws/third",
        "third",
        "[dependencies]\napp = { path = \"../app\", features = [\"x-use\"] }\n",
    )
    .package("deps/opt", "opt", "[features]\nx = []\n")
    .package("deps/other", "other", "[features]\ny = []\n");
    p
}

#[test]
fn weak_features_against_cargo() {
    let p = weak_features();
    let ws = Loaded::read(&p);
    // Nothing enables `opt`: `opt?/x` does nothing.
    check_tree(
        &p,
        &ws,
        &["app"],
        Flags::features(&["wk"]),
        false,
        Platforms::Host,
    );
    // Enabled on the command line after the weak feature (names are sorted).
    check_tree(
        &p,
        &ws,
        &["app"],
        Flags::features(&["x-use,wk"]),
        false,
        Platforms::Host,
    );
    // `other/y` also turns on the implicit feature `other`.
    check_tree(
        &p,
        &ws,
        &["app"],
        Flags::features(&["strong"]),
        false,
        Platforms::Host,
    );
    // Enabled later from another package.
    check_tree(&p, &ws, &["mid"], Flags::default(), false, Platforms::Host);
    check_tree(
        &p,
        &ws,
        &["mid"],
        Flags::features(&["turn-on"]),
        false,
        Platforms::Host,
    );
    check_tree(
        &p,
        &ws,
        &["mid"],
        Flags {
            all: true,
            ..Flags::default()
        },
        false,
        Platforms::Host,
    );
    check_metadata(&p, &ws, Flags::features(&["turn-on"]));

    // The case `cargo metadata` reports differently: `opt` is not built.
    let r = resolve_features(
        &ws.graph,
        &ws.selection(&["app"]),
        &CliFeatures::with_features(["wk"]),
        &ws.opts(Some(vec![host().clone()]), false),
    )
    .unwrap();
    assert!(!r.contexts(ws.named("opt")).is_used());
}

/// `app` uses `s` with feature n, as a dev-dependency with feature d, and a
/// dev-only `t` that asks `s` for `t`.
fn dev_dep_features(resolver: &str) -> Project {
    let p = Project::new();
    p.package(
        "ws",
        "app",
        &format!(
            r#"
[workspace]
resolver = "{resolver}"

[dependencies]
s = {{ path = "../deps/s", features = ["n"] }}

[dev-dependencies]
s = {{ path = "../deps/s", features = ["d"] }}
t = {{ path = "../deps/t" }}
"#
        ),
    )
    .package("deps/s", "s", "[features]\nn = []\nd = []\nt = []\n")
    .package(
        "deps/t",
        "t",
        r#"
[dependencies]
s = { path = "../s", features = ["t"] }

[dev-dependencies]
s = { path = "../s", features = ["never"] }
"#,
    );
    p
}

#[test]
fn dev_dependency_features_against_cargo() {
    for resolver in ["1", "2"] {
        let p = dev_dep_features(resolver);
        let ws = Loaded::read(&p);
        check_tree(&p, &ws, &["app"], Flags::default(), false, Platforms::Host);
        check_tree(&p, &ws, &["app"], Flags::default(), true, Platforms::Host);
        check_metadata(&p, &ws, Flags::default());
    }
}

/// `app` depends on `w` on Windows only and `u` on Unix only; each asks `s`
/// for a feature; a Windows-only build dependency asks `s` for `bw`.
fn target_specific(resolver: &str) -> Project {
    let p = Project::new();
    p.package(
        "ws",
        "app",
        &format!(
            r#"
[workspace]
resolver = "{resolver}"

[dependencies]
s = {{ path = "../deps/s", features = ["n"] }}

[target.'cfg(windows)'.dependencies]
w = {{ path = "../deps/w" }}

[target.'cfg(unix)'.dependencies]
u = {{ path = "../deps/u" }}

[target.'cfg(windows)'.build-dependencies]
s = {{ path = "../deps/s", features = ["bw"] }}
"#
        ),
    )
    .file("ws/build.rs", "fn main() {}")
    .package(
        "deps/s",
        "s",
        "[features]\nn = []\nwin = []\nunix = []\nbw = []\n",
    )
    .package(
        "deps/w",
        "w",
        "[dependencies]\ns = { path = \"../s\", features = [\"win\"] }\n",
    )
    .package(
        "deps/u",
        "u",
        "[dependencies]\ns = { path = \"../s\", features = [\"unix\"] }\n",
    );
    p
}

#[test]
fn target_specific_dependencies_against_cargo() {
    for resolver in ["1", "2"] {
        let p = target_specific(resolver);
        let ws = Loaded::read(&p);
        check_tree(&p, &ws, &["app"], Flags::default(), false, Platforms::Host);
        check_tree(
            &p,
            &ws,
            &["app"],
            Flags::default(),
            false,
            Platforms::Foreign,
        );
        check_tree(&p, &ws, &["app"], Flags::default(), false, Platforms::All);
        check_metadata(&p, &ws, Flags::default());
    }
    // On a Unix host, resolver 2 leaves the Windows features out.
    if host().cfgs.contains(&Cfg::name("unix")) {
        let p = target_specific("2");
        let ws = Loaded::read(&p);
        let r = resolve_features(
            &ws.graph,
            &ws.selection(&["app"]),
            &CliFeatures::default(),
            &ws.opts(Some(vec![host().clone()]), false),
        )
        .unwrap();
        assert_eq!(
            r.features(ws.named("s"), false).iter().collect::<Vec<_>>(),
            ["n", "unix"]
        );
        assert!(!r.contexts(ws.named("w")).is_used());
    }
}

/// A virtual workspace (members a, b) and a root package `r` (members a,
/// b under resolver 1) to try `pkg/feat` and the errors on.
fn members_project(virtual_root: bool) -> Project {
    let p = Project::new();
    if virtual_root {
        p.file(
            "ws/Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        );
    } else {
        p.package(
            "ws",
            "r",
            r#"
[workspace]
members = ["a", "b"]
resolver = "1"

[features]
f1 = []
hidden = ["dep:s"]
h3 = ["s/x"]

[dependencies]
s = { path = "../deps/s", optional = true }
a = { path = "a" }
"#,
        );
    }
    p.package(
        "ws/a",
        "a",
        r#"
[features]
fa = []
common = []

[dependencies]
s = { path = "../../deps/s" }
z = { path = "../../deps/z", optional = true }
"#,
    )
    .package(
        "ws/b",
        "b",
        r#"
[features]
fb = ["s/y"]
common = []

[dependencies]
s = { path = "../../deps/s" }
"#,
    )
    .package("deps/s", "s", "[features]\nx = []\ny = []\n")
    .package("deps/z", "z", "");
    p
}

#[test]
fn package_slash_feature_on_the_command_line() {
    let p = members_project(true);
    let ws = Loaded::read(&p);
    check_tree(
        &p,
        &ws,
        &["a"],
        Flags::features(&["a/fa", "s/x"]),
        false,
        Platforms::Host,
    );
    check_tree(
        &p,
        &ws,
        &["a", "b"],
        Flags::features(&["fb,a/fa,common"]),
        false,
        Platforms::Host,
    );
    check_tree(
        &p,
        &ws,
        &["a"],
        Flags::features(&["z", "a?/common"]),
        false,
        Platforms::Host,
    );
    check_metadata(&p, &ws, Flags::features(&["fb", "a/z"]));

    let p = members_project(false);
    let ws = Loaded::read(&p);
    // Resolver 1 in a root package: `f1` goes to `r`, which is a root.
    check_tree(
        &p,
        &ws,
        &["a"],
        Flags::features(&["h3"]),
        false,
        Platforms::Host,
    );
    check_tree(
        &p,
        &ws,
        &["b"],
        Flags::features(&["b/fb"]),
        false,
        Platforms::Host,
    );
    check_tree(
        &p,
        &ws,
        &["r", "b"],
        Flags::features(&["b/fb", "f1", "a/common"]),
        false,
        Platforms::Host,
    );
    check_metadata(&p, &ws, Flags::features(&["h3"]));
}

#[test]
fn command_line_errors_against_cargo() {
    let p = members_project(true);
    let ws = Loaded::read(&p);
    let cases: &[(&[&str], &[&str])] = &[
        (&["a"], &["nope"]),
        (&["a"], &["fb"]),
        (&["a"], &["fz"]),
        (&["a"], &["a/fz"]),
        (&["a", "b"], &["fa,common,nope,fbb"]),
        (&["s"], &["x"]),
        (&["a"], &["dep:z"]),
        (&["a"], &["x/y/z"]),
        (&["a"], &["s/nope"]),
        (&["a"], &["s/yy"]),
    ];
    for (packages, features) in cases {
        check_error(&p, &ws, packages, Flags::features(features));
    }

    let p = members_project(false);
    let ws = Loaded::read(&p);
    let cases: &[(&[&str], &[&str])] = &[
        (&["r"], &["nope"]),
        (&["a"], &["fa"]),
        (&["r"], &["s"]),
        (&["r"], &["a"]),
        (&["r"], &["nodep/x"]),
        (&["r"], &["r/f1"]),
        (&["r"], &["s/qqqqq"]),
    ];
    for (packages, features) in cases {
        check_error(&p, &ws, packages, Flags::features(features));
    }
}
