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
