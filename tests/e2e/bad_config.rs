//! Broken manifests and configuration that cargo refuses only once a build
//! starts, or refuses with a particular wording: each case run through both
//! tools on the same files, and the output compared.

use mycargo_test_support::{Project, Tool, compare::assert_same_output, project};

fn same(p: &Project, args: &str) {
    let m = p.tool(Tool::Mycargo, args).with_any_status().run();
    let c = p.tool(Tool::Cargo, args).with_any_status().run();
    assert_same_output(&m, &c);
    assert_eq!(m.code(), Some(101), "{}", m.describe());
}

fn manifest(extra: &str) -> String {
    format!("[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{extra}")
}

/// A `[[test]]` (or example, bench) whose file does not exist fails every
/// build, before anything compiles, with the manifest named.
#[test]
fn missing_test_file_fails_the_build() {
    let p = project()
        .file("Cargo.toml", manifest("[[test]]\nname = \"hello\"\n"))
        .file("src/lib.rs", "")
        .build();
    same(&p, "check");
    let p = project()
        .file("Cargo.toml", manifest("[[example]]\nname = \"foo\"\n"))
        .file("src/lib.rs", "")
        .file("example/foo.rs", "fn main() {}")
        .build();
    same(&p, "build");
}

/// A target path that names no file is refused before rustc runs.
#[test]
fn nonexistent_target_paths() {
    for (table, path) in [
        ("[lib]", "src/null.rs"),
        ("[[bin]]\nname = \"null\"", "src/null.rs"),
        ("[[example]]\nname = \"bar\"", "examples/null.rs"),
    ] {
        let p = project()
            .file(
                "Cargo.toml",
                manifest(&format!("{table}\npath = \"{path}\"\n")),
            )
            .file("src/main.rs", "fn main() {}")
            .build();
        same(&p, "build --all-targets");
    }
}

/// One dependency name, two paths depending on the platform.
#[test]
fn dependency_with_different_paths_per_target() {
    let p = project()
        .file(
            "Cargo.toml",
            manifest(
                "[dependencies]\nbar = { path = \"a\" }\n\n\
                 [target.x86_64-unknown-linux-gnu.dependencies]\nbar = { path = \"b\" }\n",
            ),
        )
        .file("src/lib.rs", "")
        .file(
            "a/Cargo.toml",
            mycargo_test_support::basic_manifest("bar", "0.1.0"),
        )
        .file("a/src/lib.rs", "")
        .file(
            "b/Cargo.toml",
            mycargo_test_support::basic_manifest("bar", "0.1.0"),
        )
        .file("b/src/lib.rs", "")
        .build();
    same(&p, "check");
}

/// `[source]` mistakes: a location defined twice, a git reference without
/// `git`, a bad URL, a `replace-with` of the wrong type.
#[test]
fn source_config_errors() {
    for config in [
        "[source.foo]\nregistry = \"https://github.com/rust-lang/crates.io-index\"\n",
        "[source.foo]\nbranch = \"main\"\n",
        "[source.bar]\nregistry = \"not a url\"\n",
        "[source.crates-io]\nreplace-with = [\"a\"]\n",
    ] {
        let p = project()
            .file("Cargo.toml", manifest("[dependencies]\nbar = \"1\"\n"))
            .file("src/lib.rs", "")
            .file(".cargo/config.toml", config)
            .build();
        same(&p, "check");
    }
    // Which of two entries is named first is not fixed in cargo (a hash
    // map's order); mycargo names them in key order.
    let p = project()
        .file("Cargo.toml", manifest(""))
        .file("src/lib.rs", "")
        .file(
            ".cargo/config.toml",
            "[source.one]\ndirectory = \"index\"\n[source.two]\ndirectory = \"index\"\n",
        )
        .build();
    p.mycargo("check")
        .with_status(101)
        .with_stderr_contains("error: source `two` defines source dir [ROOT]/foo/index, but that source is already defined by `one`")
        .with_stderr_contains("note: Sources are not allowed to be defined multiple times.")
        .run();
}

/// A broken lock file's TOML error is shown once.
#[test]
fn bad_lock_file_error_is_shown_once() {
    let p = project()
        .file("Cargo.toml", manifest(""))
        .file("src/lib.rs", "")
        .file("Cargo.lock", "[[package]]\nfoo = 92\n")
        .build();
    same(&p, "check");
}

/// Configuration tables written in a manifest are named as such.
#[test]
fn config_keys_in_a_manifest_get_a_hint() {
    let p = project()
        .file(
            "Cargo.toml",
            format!(
                "{}\n[alias]\nx = \"build\"\n[term]\nverbose = true\n",
                manifest("")
            ),
        )
        .file("src/lib.rs", "")
        .build();
    let m = p.mycargo("check").run();
    let c = p.cargo("check").run();
    assert_same_output(&m, &c);
    assert!(
        m.stderr
            .contains("help: alias is a valid .cargo/config.toml key")
    );
}

/// Configuration values of the wrong type, worded as cargo's serde-read
/// `[build]` and `[http]` tables word them; a links override's
/// `rustc-flags` checked as the configuration is read.
#[test]
fn config_value_types_like_cargo() {
    for config in [
        "[build]\njobs = { a = 1 }\n",
        "[build]\ntarget = { a = 1 }\n",
        "[http]\nssl-version = [\"tlsv1.2\"]\n",
        "[http]\nssl-version.min = false\n",
    ] {
        let p = project()
            .file("Cargo.toml", manifest("[dependencies]\n"))
            .file("src/lib.rs", "")
            .file(".cargo/config.toml", config)
            .build();
        same(&p, "check");
    }
    let host = mycargo_test_support::compare::host_triple();
    let p = project()
        .file("Cargo.toml", manifest(""))
        .file("src/lib.rs", "")
        .file(
            ".cargo/config.toml",
            format!("[target.{host}.somelib]\nrustc-flags = \"foo\"\n"),
        )
        .build();
    same(&p, "check");
}

/// Manifest warnings cargo gives and where: unused keys of
/// `[workspace.dependencies]`, both `license` and `license-file`, and a
/// `default_features` spelling the member inherits.
#[test]
fn manifest_warnings_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            manifest(
                "license = \"MIT\"\nlicense-file = \"LICENSE\"\n\n[workspace]\n\n[workspace.dependencies]\ndep = { path = \"dep\", wxz = 1, default_features = true }\n\n[dependencies]\ndep.workspace = true\n",
            ),
        )
        .file("src/lib.rs", "")
        .file("LICENSE", "x")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("dep/src/lib.rs", "")
        .build();
    let m = p.tool(Tool::Mycargo, "check").with_any_status().run();
    let c = p.tool(Tool::Cargo, "check").with_any_status().run();
    assert_same_output(&m, &c);
    for w in [
        "unused manifest key: workspace.dependencies.dep.wxz",
        "only one of `license` or `license-file` is necessary",
        "`default_features` is deprecated",
    ] {
        assert!(m.stderr.contains(w), "{w}\n{}", m.stderr);
    }
}

/// `--features` for a package outside the workspace is refused before
/// anything is resolved, as cargo refuses it.
#[test]
fn features_outside_the_workspace_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            manifest("[dependencies]\ndep = { path = \"dep\" }\n"),
        )
        .file("src/lib.rs", "")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nf1 = []\n",
        )
        .file("dep/src/lib.rs", "")
        .build();
    same(&p, "check -p dep --features f1");
    assert!(!p.root().join("Cargo.lock").exists());
    same(&p, "check --features nope");
}
