//! `mycargo package` against the installed cargo: the same `.crate` bytes,
//! the same `--list`, the same warnings and errors.

use std::collections::BTreeMap;
use std::path::Path;

use mycargo_test_support::compare::assert_same_output;
use mycargo_test_support::{Output, Project, ProjectBuilder, git, project};

/// Every `.crate` under `target/package`, by file name.
fn crates(p: &Project) -> BTreeMap<String, Vec<u8>> {
    let dir = p.root().join("target/package");
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    for e in entries {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "crate") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, std::fs::read(&path).unwrap());
        }
    }
    out
}

fn commit_all(dir: &Path) {
    let repo = git::init(dir);
    git::add(&repo);
    git::commit(&repo, "Initial commit");
}

/// Build twins (in git when asked), run `cmd` with both tools, and check
/// the outputs and every `.crate` are the same. Returns mycargo's twin.
fn same_as_cargo(builder: ProjectBuilder, in_git: bool, cmd: &str) -> (Project, Output) {
    let (m, c) = builder.build_twins();
    if in_git {
        commit_all(&m.root());
        commit_all(&c.root());
    }
    // Offline: packaging path dependencies as registry ones must not
    // reach for the real index.
    let mo = m
        .mycargo(cmd)
        .env("CARGO_NET_OFFLINE", "true")
        .with_any_status()
        .run();
    let co = c
        .cargo(cmd)
        .env("CARGO_NET_OFFLINE", "true")
        .with_any_status()
        .run();
    assert_same_output(&mo, &co);
    let (mc, cc) = (crates(&m), crates(&c));
    assert_eq!(
        mc.keys().collect::<Vec<_>>(),
        cc.keys().collect::<Vec<_>>(),
        "{}",
        mo.stderr
    );
    for (name, bytes) in &cc {
        assert!(mc[name] == *bytes, "{name} differs from cargo's");
    }
    (m, mo)
}

fn plain() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
        )
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .file("src/main.rs", "fn main() { println!(\"{}\", foo::f()); }\n")
        .file(".hidden/x", "x\n")
        .file("notes.txt", "n\n")
}

#[test]
fn plain_package_outside_git_with_verification() {
    let (m, out) = same_as_cargo(plain(), false, "package");
    assert!(
        out.stderr.contains("Verifying foo v0.1.0"),
        "{}",
        out.stderr
    );
    assert!(
        m.root()
            .join("target/package/foo-0.1.0/src/main.rs")
            .is_file()
    );
    assert_eq!(crates(&m).len(), 1);
}

#[test]
fn plain_package_in_git() {
    same_as_cargo(
        plain().file(".gitignore", "/target\nnotes.txt\n"),
        true,
        "package --no-verify",
    );
}

#[test]
fn list_matches_cargo_in_and_out_of_git() {
    let (_, out) = same_as_cargo(plain(), false, "package --list");
    assert_eq!(
        out.stdout,
        "Cargo.lock\nCargo.toml\nCargo.toml.orig\nnotes.txt\nsrc/lib.rs\nsrc/main.rs\n"
    );
    let (_, out) = same_as_cargo(
        plain().file(".gitignore", "/target\nnotes.txt\n"),
        true,
        "package --list",
    );
    assert!(
        out.stdout
            .contains(".cargo_vcs_info.json\n.gitignore\n.hidden/x\n")
    );
    assert!(!out.stdout.contains("notes.txt"));
}

#[test]
fn dirty_tree_needs_allow_dirty() {
    let (m, c) = plain().build_twins();
    for p in [&m, &c] {
        commit_all(&p.root());
        p.change_file("src/lib.rs", "pub fn f() -> u32 { 2 }\n");
        p.change_file("new.txt", "new\n");
    }
    let mo = m.mycargo("package --no-verify").with_status(101).run();
    let co = c.cargo("package --no-verify").with_status(101).run();
    assert_same_output(&mo, &co);
    assert!(
        mo.stderr
            .contains("2 files in the working directory contain changes")
    );
    let mo = m.mycargo("package --no-verify --allow-dirty").run();
    let co = c.cargo("package --no-verify --allow-dirty").run();
    assert_same_output(&mo, &co);
    assert_eq!(crates(&m), crates(&c));
}

fn workspace() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[workspace]
members = ["foo", "dep", "devonly"]
resolver = "2"

[workspace.package]
version = "1.2.3"
edition = "2021"
authors = ["A <a@example.com>", "B"]
description = "a \"quoted\" description\nwith newline"
license = "MIT"
repository = "https://example.com/repo"
keywords = ["a", "b"]
categories = ["development-tools"]
rust-version = "1.70"

[workspace.dependencies]
dep = { path = "dep", version = "0.3" }

[workspace.lints.rust]
unsafe_code = "deny"
"#,
        )
        .file(
            "foo/Cargo.toml",
            r#"[package]
name = "foo"
version.workspace = true
edition.workspace = true
authors.workspace = true
description.workspace = true
license.workspace = true
repository.workspace = true
keywords.workspace = true
categories.workspace = true
rust-version.workspace = true
homepage = "https://home"
readme = "README.md"
default-run = "foo"
exclude = ["secret.txt"]

[package.metadata.docs]
x = 1

[features]
default = ["std"]
std = []
extra = ["dep:serde_like"]

[dependencies]
dep = { workspace = true, features = ["f"] }
serde_like = { package = "ser", path = "dep2", version = "0.1", optional = true }

[dev-dependencies]
devonly = { path = "../devonly" }

[build-dependencies]
dep.workspace = true

[target.'cfg(unix)'.dependencies]
dep3 = { path = "../dep", version = "0.3", package = "dep" }

[lints]
workspace = true

[badges]
maintenance = { status = "actively-developed" }

[[bin]]
name = "other"
path = "src/bin/other.rs"
"#,
        )
        .file("foo/build.rs", "fn main() {}\n")
        .file("foo/src/lib.rs", "pub fn x() {}\n")
        .file("foo/src/main.rs", "fn main() {}\n")
        .file("foo/src/bin/other.rs", "fn main() {}\n")
        .file("foo/src/bin/third.rs", "fn main() {}\n")
        .file("foo/examples/ex.rs", "fn main() {}\n")
        .file("foo/tests/it.rs", "#[test]\nfn t() {}\n")
        .file("foo/benches/b.rs", "\n")
        .file("foo/README.md", "hi\n")
        .file("foo/secret.txt", "s\n")
        .file(
            "foo/dep2/Cargo.toml",
            "[package]\nname = \"ser\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("foo/dep2/src/lib.rs", "\n")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.3.1\"\nedition = \"2021\"\n[features]\nf = []\n",
        )
        .file("dep/src/lib.rs", "pub fn d() {}\n")
        .file(
            "devonly/Cargo.toml",
            "[package]\nname = \"devonly\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("devonly/src/lib.rs", "\n")
        .file(".gitignore", "/target\n")
}

#[test]
fn workspace_inheritance_and_path_version_deps() {
    let (_, out) = same_as_cargo(workspace(), true, "package --workspace --no-verify");
    for name in ["dep v0.3.1", "devonly v0.1.0", "ser v0.1.0", "foo v1.2.3"] {
        assert!(
            out.stderr.contains(&format!("Packaging {name}")),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn member_with_path_version_deps_without_lockfile() {
    let (m, c) = workspace().build_twins();
    let mo = m
        .mycargo("package --no-verify --exclude-lockfile")
        .cwd(m.root().join("foo"))
        .run();
    let co = c
        .cargo("package --no-verify --exclude-lockfile")
        .cwd(c.root().join("foo"))
        .run();
    assert_same_output(&mo, &co);
    assert_eq!(crates(&m), crates(&c));
}

#[test]
fn member_outside_git_and_executable_build_script() {
    let (m, c) = workspace().build_twins();
    for p in [&m, &c] {
        let script = p.root().join("foo/build.rs");
        let mut perms = std::fs::metadata(&script).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&script, perms).unwrap();
    }
    let cmd = "package -p dep -p ser -p foo --no-verify";
    let mo = m.mycargo(cmd).env("CARGO_NET_OFFLINE", "true").run();
    let co = c.cargo(cmd).env("CARGO_NET_OFFLINE", "true").run();
    assert_same_output(&mo, &co);
    assert_eq!(crates(&m), crates(&c));
}

fn include_exclude() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "inc"
version = "0.1.0"
edition = "2021"
license = "MIT"
description = "d"
homepage = "h"
include = ["src/**/*.rs", "/data", "*.md", "!src/skip.rs", "ign.txt", ".hid", "Cargo.toml"]
"#,
        )
        .file("src/lib.rs", "\n")
        .file("src/a/b.rs", "\n")
        .file("src/skip.rs", "\n")
        .file("data/x/y.bin", "y\n")
        .file("README.md", "r\n")
        .file("sub.md", "s\n")
        .file("notes.txt", "n\n")
        .file("ign.txt", "i\n")
        .file(".hid", "h\n")
        .file("build.rs", "fn main() {}\n")
        .file(".gitignore", "ign.txt\n/target\n")
}

#[test]
fn include_patterns_outside_and_inside_git() {
    let (_, out) = same_as_cargo(include_exclude(), false, "package --list");
    assert!(out.stdout.contains(".hid\n") && !out.stdout.contains("skip.rs"));
    same_as_cargo(include_exclude(), false, "package --no-verify");
    same_as_cargo(include_exclude(), true, "package --no-verify --allow-dirty");
}

#[test]
fn exclude_patterns_and_nested_packages() {
    let builder = plain()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\nexclude = [\"notes.txt\", \"/docs/\"]\n",
        )
        .file("docs/a.md", "a\n")
        .file("deep/docs/b.md", "b\n")
        .file("nested/Cargo.toml", "[package]\nname = \"nested\"\nversion = \"0.1.0\"\n")
        .file("nested/src/lib.rs", "\n")
        .file("sub/target/c", "c\n");
    let (_, out) = same_as_cargo(builder.clone(), false, "package --list");
    assert!(out.stdout.contains("deep/docs/b.md") && !out.stdout.contains("nested"));
    same_as_cargo(builder, true, "package --no-verify");
}

#[test]
fn publish_false_and_files_from_outside() {
    let builder = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"q\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\nlicense-file = \"../LIC\"\nreadme = \"../README.md\"\n",
        )
        .file("src/lib.rs", "\n")
        .file("../LIC", "l\n")
        .file("../README.md", "r\n");
    same_as_cargo(builder, false, "package");
}

#[test]
fn path_dependency_without_version_is_an_error() {
    let builder = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"nv\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nd = { path = \"d\" }\n",
        )
        .file("src/lib.rs", "\n")
        .file(
            "d/Cargo.toml",
            "[package]\nname = \"d\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("d/src/lib.rs", "\n");
    let (_, out) = same_as_cargo(builder, false, "package --no-verify");
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr
            .contains("dependency `d` does not specify a version")
    );
}

#[test]
fn metadata_warnings_and_no_metadata() {
    let builder = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"w\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n",
        )
        .file("src/lib.rs", "\n");
    let (_, out) = same_as_cargo(builder.clone(), false, "package --no-verify");
    assert!(
        out.stderr
            .contains("manifest has no description, documentation, homepage or repository")
    );
    let (_, out) = same_as_cargo(builder, false, "package --no-verify --no-metadata");
    assert!(!out.stderr.contains("warning"));
}
