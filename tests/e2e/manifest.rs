//! Reading manifests through the binary: `locate-project`,
//! `verify-project`, `read-manifest`, and manifest errors and warnings,
//! each compared with the installed cargo on the same files.

use mycargo_test_support::{Output, Project, Tool, project};

/// Run both tools on `p` with `args`; both must exit alike.
fn both(p: &Project, args: &str) -> (Output, Output) {
    let m = p.tool(Tool::Mycargo, args).with_any_status().run();
    let c = p.tool(Tool::Cargo, args).with_any_status().run();
    assert_eq!(
        m.code(),
        c.code(),
        "exit codes differ\n{}\n{}",
        m.describe(),
        c.describe()
    );
    (m, c)
}

fn same(p: &Project, args: &str) -> Output {
    let (m, c) = both(p, args);
    assert_eq!(
        m.stdout_as_mycargo(),
        c.stdout_as_mycargo(),
        "stdout of `{args}`"
    );
    assert_eq!(
        m.stderr_as_mycargo(),
        c.stderr_as_mycargo(),
        "stderr of `{args}`"
    );
    m
}

#[test]
fn locate_project_forms() {
    let p = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("a/src/lib.rs", "")
        .build();
    for args in [
        "locate-project",
        "locate-project --message-format plain",
        "locate-project --message-format json",
        "locate-project --workspace",
        "locate-project --manifest-path a/Cargo.toml",
        "locate-project --manifest-path a/Cargo.toml --workspace --message-format plain",
        "locate-project --manifest-path a",
        "locate-project --manifest-path nope/Cargo.toml",
        "locate-project --manifest-path a/Cargo.txt",
    ] {
        same(&p, args);
    }
    let out = p
        .mycargo("locate-project")
        .cwd(p.root().join("a/src"))
        .run();
    assert_eq!(
        out.stdout_redacted(),
        "{\"root\":\"[ROOT]/foo/a/Cargo.toml\"}\n"
    );
}

#[test]
fn locate_project_outside_any_package() {
    let p = project().no_manifest().file("x.txt", "").build();
    let (m, c) = both(&p, "locate-project");
    assert_eq!(m.code(), Some(101));
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
}

#[test]
fn verify_project_valid_and_invalid() {
    let p = project().file("src/lib.rs", "").build();
    let out = same(&p, "verify-project");
    assert_eq!(out.stdout, "{\"success\":\"true\"}\n");
    for bad in [
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nfoo = \n",
        "[package]\nname = \"foo\"\nversion = 1\n",
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2099\"\n",
        "[package]\nname = \"\"\nversion = \"0.1.0\"\n",
    ] {
        p.change_file("Cargo.toml", bad);
        let out = same(&p, "verify-project");
        assert_eq!(out.code(), Some(1));
        assert!(
            out.stdout.starts_with("{\"invalid\":"),
            "{}",
            out.describe()
        );
    }
}

#[test]
fn package_outside_its_workspace() {
    let p = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("a/src/lib.rs", "")
        .file(
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("b/src/lib.rs", "")
        .build();
    for args in [
        "verify-project --manifest-path b/Cargo.toml",
        "locate-project --workspace --manifest-path b/Cargo.toml",
        "read-manifest --manifest-path b/Cargo.toml",
    ] {
        let out = same(&p, args);
        assert_ne!(out.code(), Some(0), "{args}");
    }
}

#[test]
fn read_manifest_matches_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "rm1"
version = "1.2.3-beta.1"
edition = "2021"
authors = ["A <a@x>"]
description = "d"
license = "MIT"
publish = false
rust-version = "1.70"
links = "z"
build = "build.rs"
keywords = ["k"]
categories = ["c"]
homepage = "https://h"
repository = "https://r"
documentation = "https://d"

[package.metadata.docs]
x = 1

[lib]
crate-type = ["rlib", "cdylib"]

[[bin]]
name = "b"
path = "src/main.rs"
required-features = ["f"]

[[example]]
name = "ex"
crate-type = ["staticlib"]

[features]
default = ["f"]
f = ["dep:opt"]
g = ["dep1/x", "opt?/y"]

[dependencies]
dep1 = { path = "dep1", version = "0.2", features = ["y"], default-features = false }
opt = { path = "dep1", package = "dep1", optional = true }
other = { path = "dep1", package = "dep1", optional = true }

[dev-dependencies]
d2 = { version = "1", registry-index = "https://example.com/index" }

[target.'cfg(unix)'.build-dependencies]
cc = "1.0"

[target.x86_64-unknown-linux-gnu.dependencies]
plain = "=0.3.1"
"#,
        )
        .file("src/lib.rs", "")
        .file("src/main.rs", "")
        .file("build.rs", "")
        .file("tests/t.rs", "")
        .file("tests/multi/main.rs", "")
        .file("examples/ex.rs", "")
        .file("benches/bb.rs", "")
        .file("src/bin/extra.rs", "")
        .file("README.md", "")
        .file(
            "dep1/Cargo.toml",
            "[package]\nname = \"dep1\"\nversion = \"0.2.0\"\n[features]\nx = []\ny = []\n",
        )
        .file("dep1/src/lib.rs", "")
        .build();
    let out = same(&p, "read-manifest");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["name"], "rm1");
    assert_eq!(v["readme"], "README.md");
}

#[test]
fn read_manifest_of_virtual_manifest_is_an_error() {
    let p = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = []\nresolver = \"2\"\n",
        )
        .build();
    let out = same(&p, "read-manifest");
    assert_eq!(out.code(), Some(101));
}

/// Manifest problems as cargo words and locates them: each case is run by
/// both tools with `read-manifest` and must print the same stderr.
#[test]
fn manifest_errors_and_warnings_match_cargo() {
    let cases: &[(&str, &str)] = &[
        (
            "syntax",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nfoo = \n",
        ),
        ("version type", "[package]\nname = \"foo\"\nversion = 1\n"),
        (
            "bad semver",
            "[package]\nname = \"foo\"\nversion = \"1.x\"\n",
        ),
        (
            "unknown edition",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2030\"\n",
        ),
        (
            "unused key",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\ncolour = \"red\"\n",
        ),
        (
            "unused nested key",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nbar = { path = \"bar\", colour = 1 }\n",
        ),
        (
            "no edition",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n",
        ),
        (
            "empty name",
            "[package]\nname = \"\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "bad name",
            "[package]\nname = \"foo bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "git two refs",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nbar = { git = \"https://example.com/bar\", branch = \"a\", tag = \"b\" }\n",
        ),
        (
            "unknown feature",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[features]\na = [\"nope\"]\n",
        ),
        (
            "dep: on non-optional",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nbar = { path = \"bar\" }\n[features]\na = [\"dep:bar\"]\n",
        ),
        (
            "inherit without workspace",
            "[package]\nname = \"foo\"\nversion.workspace = true\nedition = \"2021\"\n",
        ),
        (
            "profile bad opt-level",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[profile.dev]\nopt-level = \"fast\"\n",
        ),
        (
            "profile bad inherits",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[profile.custom]\ninherits = \"nope\"\n",
        ),
        (
            "duplicate bin",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[bin]]\nname = \"x\"\npath = \"src/main.rs\"\n[[bin]]\nname = \"x\"\npath = \"src/main.rs\"\n",
        ),
        (
            "lib path missing",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[lib]\npath = \"src/nope.rs\"\n",
        ),
        (
            "bad cfg",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[target.'cfg(unix'.dependencies]\nbar = \"1\"\n",
        ),
        (
            "dependency without version",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nbar = {}\n",
        ),
        (
            "default_features",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nbar = { path = \"bar\", default_features = false }\n",
        ),
        ("not a table", "package = 5\n"),
        ("no package", "[dependencies]\nbar = \"1\"\n"),
    ];
    let p = project()
        .file("src/main.rs", "fn main() {}")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("bar/src/lib.rs", "")
        .build();
    let mut failures = Vec::new();
    for (name, manifest) in cases {
        p.change_file("Cargo.toml", manifest);
        let m = p.mycargo("read-manifest").with_any_status().run();
        let c = p.cargo("read-manifest").with_any_status().run();
        if m.code() != c.code() || m.stderr_as_mycargo() != c.stderr_as_mycargo() {
            failures.push(format!(
                "== {name}\n-- mycargo ({:?}):\n{}\n-- cargo ({:?}):\n{}",
                m.code(),
                m.stderr_as_mycargo(),
                c.code(),
                c.stderr_as_mycargo()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_very_long_line_is_quoted_in_part_as_cargo_quotes_it() {
    let long = "a".repeat(100_000);
    let half = "b".repeat(50_000);
    let lines = [
        // The error at the end, in the middle, at the start of the line.
        format!("description = \"{long}\" x"),
        format!("description = \"{half}\\q{half}\""),
        format!("description = ?\"{long}\""),
        format!("{}description = \"{long}\" x", " ".repeat(40)),
        format!("description = \"{}\" x", "c".repeat(130)),
    ];
    for line in lines {
        let p = project()
            .file(
                "Cargo.toml",
                format!("[package]\nname = \"foo\"\nversion = \"0.1.0\"\n{line}\n"),
            )
            .file("src/lib.rs", "")
            .build();
        let m = same(&p, "build");
        assert!(m.stderr.len() < 1000, "{}", m.stderr.len());
    }
}

/// `[hints]`: unknown hints are unused keys; `mostly-unused` is ignored
/// with cargo's warning (it needs a nightly flag) or its type error.
#[test]
fn hints_warned_about_like_cargo() {
    for hints in [
        "this-is-an-unknown-hint = true\n",
        "mostly-unused = \"string\"\n",
        "mostly-unused = true\n",
    ] {
        let p = project()
            .file(
                "Cargo.toml",
                format!(
                    "[package]\nname = \"foo\"\nversion = \"0.0.1\"\nedition = \"2015\"\n\n[hints]\n{hints}"
                ),
            )
            .file("src/main.rs", "fn main() {}")
            .build();
        let out = same(&p, "check");
        assert!(out.stderr.contains("warning: "), "{}", out.stderr);
    }
}

/// Inheriting a dependency from a workspace without
/// `[workspace.dependencies]` names the missing table, as cargo does.
#[test]
fn inheriting_without_workspace_dependencies_like_cargo() {
    let p = project()
        .file("Cargo.toml", "[workspace]\nmembers = [\"bar\"]\n")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.2.0\"\nedition = \"2021\"\n\n[dependencies]\nfoo = { workspace = true }\n",
        )
        .file("bar/src/lib.rs", "")
        .build();
    let out = same(&p, "check");
    assert!(
        out.stderr
            .contains("`workspace.dependencies` was not defined"),
        "{}",
        out.stderr
    );
}
