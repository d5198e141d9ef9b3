//! Finding packages in a checkout, as cargo does for git sources: every
//! `Cargo.toml` below the root, except in hidden directories, in
//! directories with their own `.git` (submodules and nested repositories,
//! reached only through path dependencies) and in a `target` directory
//! beside a manifest; then the path dependencies of what was found.
//! Manifests are read with the workspace they belong to, so
//! `workspace = true` fields come from the repository's workspace root.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mycargo_manifest::{Manifest, ReadOptions, read_manifest_file};

/// A package found in a checkout.
#[derive(Debug, Clone)]
pub struct GitPackage {
    pub manifest_path: PathBuf,
    pub manifest: Box<Manifest>,
}

impl GitPackage {
    pub fn name(&self) -> &str {
        self.manifest.name()
    }
}

/// Every package of a checkout, plus the manifests that could not be read
/// (cargo skips those in git sources; they explain a missing package).
#[derive(Debug, Clone, Default)]
pub struct PackageScan {
    /// In discovery order; the first of two packages with one name wins.
    pub packages: Vec<GitPackage>,
    /// `(manifest path, error)` for manifests that failed to load.
    pub errors: Vec<(PathBuf, String)>,
    /// Manifest paths of packages skipped because an earlier one had the
    /// same name.
    pub duplicates: Vec<PathBuf>,
}

impl PackageScan {
    pub fn find(&self, name: &str) -> Option<&GitPackage> {
        self.packages.iter().find(|p| p.name() == name)
    }
}

/// Scan the checkout at `root`. `cargo_home` bounds the search for a
/// workspace root, as it does for cargo; errors show paths relative to
/// `cwd` when given.
pub fn scan(
    root: &Path,
    cargo_home: &Path,
    cwd: Option<&Path>,
    nightly: &mycargo_manifest::NightlyGate,
) -> PackageScan {
    let opts = ReadOptions {
        cargo_home: Some(cargo_home.to_path_buf()),
        cwd: cwd.map(Path::to_path_buf),
        nightly: nightly.clone(),
        ..ReadOptions::default()
    };
    let mut manifests = Vec::new();
    walk(root, root, &mut manifests);
    let mut scan = PackageScan::default();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut queue: std::collections::VecDeque<PathBuf> = manifests.into();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let parsed = match read_manifest_file(&path, &opts) {
            Ok(p) => p,
            Err(e) => {
                scan.errors.push((path, error_chain(&e)));
                continue;
            }
        };
        let Some(manifest) = parsed.package() else {
            continue;
        };
        // Path dependencies inside the checkout (into a submodule, say).
        for dep in &manifest.dependencies {
            if let Some(dir) = dep.path() {
                let m = dir.join("Cargo.toml");
                if dir.starts_with(root) && !seen.contains(&m) && m.is_file() {
                    queue.push_back(m);
                }
            }
        }
        // Packages are told apart by name and version (two versions of
        // one name may live in a repository).
        if scan
            .packages
            .iter()
            .any(|p| p.name() == manifest.name() && p.manifest.version() == manifest.version())
        {
            scan.duplicates.push(path);
            continue;
        }
        scan.packages.push(GitPackage {
            manifest_path: path,
            manifest: Box::new(manifest.clone()),
        });
    }
    scan
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Depth-first, in file-name order; symbolic links are not followed.
fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    if dir != root {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || dir.join(".git").exists() {
            return;
        }
        if name == "target" && dir.parent().is_some_and(|p| p.join("Cargo.toml").is_file()) {
            return;
        }
    }
    let manifest = dir.join("Cargo.toml");
    if manifest.is_file() {
        out.push(manifest);
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for d in dirs {
        walk(root, &d, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, s: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    }

    fn pkg(name: &str) -> String {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    }

    #[test]
    fn walks_like_cargo() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("co");
        write(&root.join("Cargo.toml"), &pkg("top"));
        write(&root.join("src/lib.rs"), "");
        write(&root.join("a/Cargo.toml"), &pkg("a"));
        write(&root.join("a/src/lib.rs"), "");
        write(&root.join("target/x/Cargo.toml"), &pkg("in-target"));
        write(&root.join(".hidden/Cargo.toml"), &pkg("hidden"));
        write(&root.join("sub/.git"), "gitdir: ../.git/modules/sub");
        write(&root.join("sub/Cargo.toml"), &pkg("in-sub"));
        write(&root.join("bad/Cargo.toml"), "[package\n");
        write(&root.join("dup/Cargo.toml"), &pkg("a"));
        write(&root.join("dup/src/lib.rs"), "");
        let scan = scan(&root, &t.path().join("home"), None, &Default::default());
        let names: Vec<&str> = scan.packages.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["top", "a"]);
        assert_eq!(scan.errors.len(), 1, "{:?}", scan.errors);
        assert!(scan.errors[0].0.ends_with("bad/Cargo.toml"));
        assert_eq!(scan.duplicates, [root.join("dup/Cargo.toml")]);
    }

    #[test]
    fn follows_path_dependencies_into_submodules() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("co");
        write(
            &root.join("Cargo.toml"),
            &format!(
                "{}[dependencies]\nin-sub = {{ path = \"sub\" }}\n",
                pkg("top")
            ),
        );
        write(&root.join("src/lib.rs"), "");
        write(&root.join("sub/.git"), "gitdir: ../.git/modules/sub");
        write(&root.join("sub/Cargo.toml"), &pkg("in-sub"));
        write(&root.join("sub/src/lib.rs"), "");
        let scan = scan(&root, &t.path().join("home"), None, &Default::default());
        assert!(scan.find("in-sub").is_some(), "{scan:?}");
    }
}
