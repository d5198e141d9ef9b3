//! The `Cargo.toml` of a vendored git package, as cargo 1.95 writes it:
//! the manifest with workspace inheritance resolved (inherited paths made
//! relative to the package), explicit targets (only those whose files are
//! vendored) and `auto* = false` — but, unlike a published manifest, with
//! dependencies keeping their `path`/`git` keys (and a version string
//! staying a string), with its `[workspace]`,
//! `[patch]` and `[replace]` tables, and no `edition` unless one is
//! written. Keys follow cargo's manifest schema; tables that are maps in
//! cargo are sorted.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_manifest::Manifest;
use toml::{Table, Value};

use crate::ops::package::normalize::{
    MANIFEST_PREAMBLE, field, normalize_lints, normalized_build, sorted_deep, targets,
};

/// What normalization needs besides the manifest.
pub struct Inputs<'a> {
    pub manifest: &'a Manifest,
    /// The original `Cargo.toml` text.
    pub original: &'a str,
    /// The workspace root's directory and parsed manifest.
    pub ws_root: Option<(&'a Path, &'a Table)>,
    /// The package's files (relative, `/`-separated), before git's files
    /// are left out.
    pub included: &'a BTreeSet<String>,
}

pub struct Normalized {
    pub text: String,
    /// Targets or a build script left out because their files are not
    /// vendored.
    pub warnings: Vec<String>,
}

/// What `workspace = true` may refer to.
struct Inherit<'a> {
    dir: Option<&'a Path>,
    package: Option<&'a Table>,
    dependencies: Option<&'a Table>,
    lints: Option<&'a Table>,
}

pub fn normalize(inp: &Inputs<'_>) -> anyhow::Result<Normalized> {
    let m = inp.manifest;
    let raw: Table = toml::from_str(inp.original)
        .with_context(|| format!("failed to parse `{}`", m.manifest_path.display()))?;
    let ws = inp
        .ws_root
        .and_then(|(_, t)| t.get("workspace"))
        .and_then(Value::as_table);
    let inherit = Inherit {
        dir: inp.ws_root.map(|(d, _)| d),
        package: ws.and_then(|w| w.get("package")).and_then(Value::as_table),
        dependencies: ws
            .and_then(|w| w.get("dependencies"))
            .and_then(Value::as_table),
        lints: ws.and_then(|w| w.get("lints")).and_then(Value::as_table),
    };
    let mut warnings = Vec::new();
    let mut out = Table::new();

    if let Some(v) = raw.get("cargo-features") {
        out.insert("cargo-features".into(), v.clone());
    }
    let raw_pkg = raw
        .get("package")
        .or_else(|| raw.get("project"))
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let pkg = package(inp, &raw_pkg, &inherit, &mut warnings)?;
    out.insert("package".into(), Value::Table(pkg));
    if let Some(Value::Table(b)) = raw.get("badges") {
        out.insert("badges".into(), Value::Table(sorted_deep(b, 2)));
    }
    if let Some(Value::Table(f)) = raw.get("features") {
        out.insert("features".into(), Value::Table(sorted_deep(f, 1)));
    }
    targets(inp.manifest, inp.included, &raw, &mut out, &mut warnings);
    let root = m.root();
    let tables: [(&str, [&str; 2]); 3] = [
        ("dependencies", ["dependencies", "dependencies"]),
        ("dev-dependencies", ["dev-dependencies", "dev_dependencies"]),
        (
            "build-dependencies",
            ["build-dependencies", "build_dependencies"],
        ),
    ];
    for (name, keys) in &tables {
        if let Some(t) = dep_table(&raw, keys, &inherit, root)? {
            out.insert((*name).into(), Value::Table(t));
        }
    }
    if let Some(Value::Table(platforms)) = raw.get("target") {
        let mut names: Vec<&String> = platforms.keys().collect();
        names.sort();
        let mut tt = Table::new();
        for name in names {
            let Some(Value::Table(p)) = platforms.get(name) else {
                continue;
            };
            let mut pt = Table::new();
            let tables: [(&str, [&str; 2]); 3] = [
                ("dependencies", ["dependencies", "dependencies"]),
                (
                    "build-dependencies",
                    ["build-dependencies", "build_dependencies"],
                ),
                ("dev-dependencies", ["dev-dependencies", "dev_dependencies"]),
            ];
            for (tname, keys) in &tables {
                if let Some(t) = dep_table(p, keys, &inherit, root)? {
                    pt.insert((*tname).into(), Value::Table(t));
                }
            }
            tt.insert(name.clone(), Value::Table(pt));
        }
        out.insert("target".into(), Value::Table(tt));
    }
    if let Some(l) = raw.get("lints") {
        let lints = match l.as_table() {
            Some(t) if t.get("workspace").and_then(Value::as_bool) == Some(true) => {
                match inherit.lints {
                    Some(w) => w.clone(),
                    None => bail!("`workspace.lints` was not defined"),
                }
            }
            Some(t) => t.clone(),
            None => Table::new(),
        };
        out.insert("lints".into(), Value::Table(normalize_lints(&lints)));
    }
    if let Some(h) = raw.get("hints") {
        out.insert("hints".into(), h.clone());
    }
    if let Some(Value::Table(w)) = raw.get("workspace") {
        out.insert("workspace".into(), Value::Table(workspace(w)));
    }
    if let Some(Value::Table(p)) = raw.get("profile") {
        let mut names: Vec<&String> = p.keys().collect();
        names.sort();
        let mut pt = Table::new();
        for name in names {
            if let Some(Value::Table(profile)) = p.get(name) {
                pt.insert(name.clone(), Value::Table(normalize_profile(profile)));
            }
        }
        out.insert("profile".into(), Value::Table(pt));
    }
    if let Some(Value::Table(p)) = raw.get("patch") {
        let mut sources: Vec<&String> = p.keys().collect();
        sources.sort();
        let mut pt = Table::new();
        for source in sources {
            if let Some(Value::Table(deps)) = p.get(source) {
                pt.insert(source.clone(), Value::Table(dep_map(deps)));
            }
        }
        out.insert("patch".into(), Value::Table(pt));
    }
    if let Some(Value::Table(r)) = raw.get("replace") {
        out.insert("replace".into(), Value::Table(dep_map(r)));
    }
    let body = toml::to_string_pretty(&out).context("failed to serialize the manifest")?;
    Ok(Normalized {
        text: format!("{MANIFEST_PREAMBLE}\n{body}"),
        warnings,
    })
}

fn package(
    inp: &Inputs<'_>,
    raw: &Table,
    inherit: &Inherit<'_>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Table> {
    let m = inp.manifest;
    let root = m.root();
    let mut pkg = Table::new();
    let put = |pkg: &mut Table, key: &str| -> anyhow::Result<()> {
        if let Some(v) = field(raw, key, inherit.package)? {
            pkg.insert(key.into(), v);
        }
        Ok(())
    };
    for key in ["edition", "rust-version", "name", "version", "authors"] {
        put(&mut pkg, key)?;
    }
    pkg.insert(
        "build".into(),
        normalized_build(m, root, inp.included, warnings),
    );
    for key in [
        "metabuild",
        "default-target",
        "forced-target",
        "links",
        "exclude",
        "include",
        "publish",
        "workspace",
        "im-a-teapot",
    ] {
        put(&mut pkg, key)?;
    }
    for key in [
        "autolib",
        "autobins",
        "autoexamples",
        "autotests",
        "autobenches",
    ] {
        pkg.insert(key.into(), Value::Boolean(false));
    }
    for key in ["default-run", "description", "homepage", "documentation"] {
        put(&mut pkg, key)?;
    }
    let readme = match &m.metadata.readme {
        Some(r) => Value::String(r.clone()),
        None => Value::Boolean(false),
    };
    pkg.insert("readme".into(), readme);
    for key in ["keywords", "categories", "license"] {
        put(&mut pkg, key)?;
    }
    if raw.contains_key("license-file") {
        let v = match &m.metadata.license_file {
            Some(f) => Some(Value::String(f.clone())),
            None => field(raw, "license-file", inherit.package)?,
        };
        if let Some(v) = v {
            pkg.insert("license-file".into(), v);
        }
    }
    for key in ["repository", "resolver", "metadata"] {
        put(&mut pkg, key)?;
    }
    Ok(pkg)
}

/// The keys of a detailed dependency, in cargo's schema order.
const DEP_KEYS: [&str; 18] = [
    "version",
    "registry",
    "registry-index",
    "path",
    "base",
    "git",
    "branch",
    "tag",
    "rev",
    "features",
    "optional",
    "default-features",
    "default_features",
    "package",
    "public",
    "artifact",
    "lib",
    "target",
];

/// A detailed dependency with its keys in schema order.
fn detailed(spec: &Table) -> Table {
    let mut dep = Table::new();
    for key in DEP_KEYS {
        if let Some(v) = spec.get(key) {
            dep.insert(key.into(), v.clone());
        }
    }
    dep
}

/// A dependency as written where cargo keeps it as written (`[patch]`,
/// `[replace]`, `[workspace.dependencies]`): a version string stays one.
fn as_written(v: &Value) -> Value {
    match v {
        Value::Table(t) => Value::Table(detailed(t)),
        other => other.clone(),
    }
}

/// A map of dependencies by name, sorted, each as written.
fn dep_map(deps: &Table) -> Table {
    let mut names: Vec<&String> = deps.keys().collect();
    names.sort();
    let mut out = Table::new();
    for name in names {
        if let Some(v) = deps.get(name) {
            out.insert(name.clone(), as_written(v));
        }
    }
    out
}

/// One dependency table (the first of `keys` present), normalized; `None`
/// when the manifest has none.
fn dep_table(
    raw: &Table,
    keys: &[&str; 2],
    inherit: &Inherit<'_>,
    package_root: &Path,
) -> anyhow::Result<Option<Table>> {
    let Some(Value::Table(t)) = raw.get(keys[0]).or_else(|| raw.get(keys[1])) else {
        return Ok(None);
    };
    let mut names: Vec<&String> = t.keys().collect();
    names.sort();
    let mut out = Table::new();
    for name in names {
        let Some(value) = t.get(name) else { continue };
        // A version string stays one; tables (and inherited specs) are
        // written out in schema order.
        let dep = match value {
            Value::String(_) => value.clone(),
            _ => Value::Table(detailed(&resolve_dep(name, value, inherit, package_root)?)),
        };
        out.insert(name.clone(), dep);
    }
    Ok(Some(out))
}

/// A dependency as a table: `{ workspace = true, ... }` takes the workspace's spec (its `path`
/// made relative to the package), adding the member's features and taking
/// its `optional` and `public`.
fn resolve_dep(
    name: &str,
    value: &Value,
    inherit: &Inherit<'_>,
    package_root: &Path,
) -> anyhow::Result<Table> {
    let as_table = |v: &Value| -> Table {
        match v {
            Value::String(s) => {
                let mut t = Table::new();
                t.insert("version".into(), Value::String(s.clone()));
                t
            }
            Value::Table(t) => t.clone(),
            _ => Table::new(),
        }
    };
    let mine = as_table(value);
    if mine.get("workspace").and_then(Value::as_bool) != Some(true) {
        return Ok(mine);
    }
    let Some(ws) = inherit.dependencies.and_then(|w| w.get(name)) else {
        bail!("`dependency.{name}` was not found in `workspace.dependencies`");
    };
    let mut spec = as_table(ws);
    if let (Some(Value::String(p)), Some(dir)) = (spec.get("path"), inherit.dir) {
        let rebased = rebase(dir, p, package_root);
        spec.insert("path".into(), Value::String(rebased));
    }
    let mine_default = mine
        .get("default-features")
        .or_else(|| mine.get("default_features"))
        .and_then(Value::as_bool);
    let ws_default = spec
        .get("default-features")
        .or_else(|| spec.get("default_features"))
        .and_then(Value::as_bool);
    if mine_default == Some(true) && ws_default == Some(false) {
        spec.insert("default-features".into(), Value::Boolean(true));
    }
    let features = match (spec.get("features"), mine.get("features")) {
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            Some(Value::Array(a.iter().chain(b).cloned().collect()))
        }
        (Some(a), None) => Some(a.clone()),
        (None, Some(b)) => Some(b.clone()),
        (Some(a), Some(_)) => Some(a.clone()),
        (None, None) => None,
    };
    match features {
        Some(f) => spec.insert("features".into(), f),
        None => spec.remove("features"),
    };
    for key in ["optional", "public"] {
        match mine.get(key) {
            Some(v) => spec.insert(key.into(), v.clone()),
            None => spec.remove(key),
        };
    }
    Ok(spec)
}

/// `path` (relative to `from`) expressed relative to `to`, `/`-separated.
fn rebase(from: &Path, path: &str, to: &Path) -> String {
    let abs = mycargo_util::fs::normalize_path(&from.join(path));
    let to = mycargo_util::fs::normalize_path(to);
    let a: Vec<Component<'_>> = abs.components().collect();
    let b: Vec<Component<'_>> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &a[common..] {
        out.push(c.as_os_str());
    }
    out.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `[workspace]` in cargo's schema order, with its inheritable package
/// fields in theirs.
fn workspace(w: &Table) -> Table {
    let mut out = Table::new();
    for key in [
        "members",
        "exclude",
        "default-members",
        "resolver",
        "metadata",
    ] {
        if let Some(v) = w.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(Value::Table(p)) = w.get("package") {
        let mut pkg = Table::new();
        for key in [
            "version",
            "authors",
            "description",
            "homepage",
            "documentation",
            "readme",
            "keywords",
            "categories",
            "license",
            "license-file",
            "repository",
            "publish",
            "edition",
            "badges",
            "exclude",
            "include",
            "rust-version",
        ] {
            if let Some(v) = p.get(key) {
                let v = match (key, v) {
                    ("badges", Value::Table(b)) => Value::Table(sorted_deep(b, 2)),
                    _ => v.clone(),
                };
                pkg.insert(key.into(), v);
            }
        }
        out.insert("package".into(), Value::Table(pkg));
    }
    if let Some(Value::Table(d)) = w.get("dependencies") {
        out.insert("dependencies".into(), Value::Table(dep_map(d)));
    }
    if let Some(Value::Table(l)) = w.get("lints") {
        out.insert("lints".into(), Value::Table(normalize_lints(l)));
    }
    out
}

/// A `[profile.<name>]` table in cargo's schema order: `opt-level` and
/// `debug` written as cargo re-serializes them, sub-tables last.
fn normalize_profile(p: &Table) -> Table {
    let mut out = Table::new();
    for key in [
        "opt-level",
        "lto",
        "codegen-backend",
        "codegen-units",
        "debug",
        "split-debuginfo",
        "debug-assertions",
        "rpath",
        "panic",
        "overflow-checks",
        "incremental",
        "dir-name",
        "inherits",
        "strip",
        "rustflags",
    ] {
        let Some(v) = p.get(key) else { continue };
        let v = match (key, v) {
            ("opt-level", Value::String(s)) => match s.parse::<i64>() {
                Ok(n) if n >= 0 => Value::Integer(n),
                _ => v.clone(),
            },
            ("debug", Value::Boolean(b)) => Value::Integer(if *b { 2 } else { 0 }),
            ("debug", Value::String(s)) => match s.as_str() {
                "none" => Value::Integer(0),
                "limited" => Value::Integer(1),
                "full" => Value::Integer(2),
                _ => v.clone(),
            },
            _ => v.clone(),
        };
        out.insert(key.into(), v);
    }
    if let Some(Value::Table(pkgs)) = p.get("package") {
        let mut names: Vec<&String> = pkgs.keys().collect();
        // cargo's `ProfilePackageSpec` puts `*` after the named specs.
        names.sort_by(|a, b| (*a == "*", a).cmp(&(*b == "*", b)));
        let mut pt = Table::new();
        for name in names {
            if let Some(Value::Table(inner)) = pkgs.get(name) {
                pt.insert(name.clone(), Value::Table(normalize_profile(inner)));
            }
        }
        out.insert("package".into(), Value::Table(pt));
    }
    if let Some(Value::Table(b)) = p.get("build-override") {
        out.insert("build-override".into(), Value::Table(normalize_profile(b)));
    }
    for key in ["trim-paths", "hint-mostly-unused"] {
        if let Some(v) = p.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inherited_paths_become_relative_to_the_package() {
        assert_eq!(
            rebase(Path::new("/ws"), "util", Path::new("/ws/app")),
            "../util"
        );
        assert_eq!(rebase(Path::new("/ws"), "./a/b", Path::new("/ws/a")), "b");
    }

    #[test]
    fn inherited_dependency_merges_features_and_takes_optional() {
        let ws: Table =
            toml::from_str("a = { path = \"crates/a\", features = [\"x\"], optional = true }")
                .unwrap();
        let inherit = Inherit {
            dir: Some(Path::new("/ws")),
            package: None,
            dependencies: Some(&ws),
            lints: None,
        };
        let mine: Value = toml::from_str::<Table>("a = { workspace = true, features = [\"y\"] }")
            .unwrap()
            .remove("a")
            .unwrap();
        let t = resolve_dep("a", &mine, &inherit, Path::new("/ws/app")).unwrap();
        assert_eq!(t["path"].as_str(), Some("../crates/a"));
        let feats: Vec<&str> = t["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(feats, ["x", "y"]);
        assert!(t.get("optional").is_none());
    }

    #[test]
    fn profile_values_as_cargo_writes_them() {
        let p: Table =
            toml::from_str("debug = true\nopt-level = \"3\"\n[package.\"*\"]\nopt-level = \"s\"\n[package.a]\ndebug = \"full\"\n")
                .unwrap();
        let text = toml::to_string_pretty(&normalize_profile(&p)).unwrap();
        assert_eq!(
            text,
            "opt-level = 3\ndebug = 2\n\n[package.a]\ndebug = 2\n\n[package.\"*\"]\nopt-level = \"s\"\n"
        );
    }
}
