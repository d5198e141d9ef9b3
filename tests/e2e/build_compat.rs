//! Build, run and freshness behaviours cargo's own testsuite pins, checked
//! through the binary (several side by side with the installed cargo).

use mycargo_test_support::compare::host_triple;
use mycargo_test_support::project;

const NIGHTLY: (&str, &str) = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");

#[test]
fn run_lists_the_binaries_it_cannot_choose_between_sorted() {
    let p = project()
        .file("src/bin/zeta.rs", "fn main() {}")
        .file("src/bin/alpha.rs", "fn main() {}")
        .build();
    // (The support library reads `cargo` in expectations as `mycargo`.)
    p.mycargo("run")
        .with_status(101)
        .with_stderr_contains("run` could not determine which binary to run. Use the `--bin` option to specify a binary, or the `default-run` manifest key.\navailable binaries: alpha, zeta\n")
        .run();
    p.mycargo("run --bin alpha --bin zeta")
        .with_status(101)
        .with_stderr_contains(
            "help: available targets:\n    bin `alpha` in package `foo`\n    bin `zeta` in package `foo`",
        )
        .run();
}

#[test]
fn run_gives_the_program_cargos_environment_in_the_callers_directory() {
    let p = project()
        .file(
            "src/main.rs",
            r#"fn main() {
    println!("{} {}", std::env::var("CARGO_PKG_NAME").unwrap(), std::env::var("OUT_DIR").is_ok());
    println!("{}", std::env::current_dir().unwrap().display());
    let path = std::env::var("LD_LIBRARY_PATH").unwrap_or_default();
    println!("deps on path: {}", path.split(':').any(|d| d.ends_with("target/debug/deps")));
}
"#,
        )
        .file("build.rs", "fn main() {}")
        .dir("sub")
        .build();
    let out = p.mycargo("run").cwd(p.root().join("sub")).run();
    assert_eq!(
        out.stdout,
        format!(
            "foo true\n{}\ndeps on path: true\n",
            p.root().join("sub").display()
        )
    );
}

#[test]
fn a_target_named_in_another_member_is_found_there() {
    let p = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
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
        .file("b/src/main.rs", "fn main() { println!(\"b\"); }")
        .build();
    p.mycargo("run --bin b").with_stdout_data("b\n").run();
    p.mycargo("build --bin nope")
        .with_status(101)
        .with_stderr_contains("error: no bin target named `nope` in default-run packages")
        .run();
}

#[test]
fn common_flag_mistakes_get_cargos_tips() {
    let p = project().file("src/lib.rs", "").build();
    for (args, tip) in [
        (
            "build -x foo",
            "tip: a similar argument exists: '--exclude'",
        ),
        (
            "build --path x",
            "tip: a similar argument exists: '--manifest-path'",
        ),
        ("build --debug", "build`; instead `--release` is supported"),
        ("-c x build", "tip: a similar argument exists: '--config'"),
    ] {
        p.mycargo(args)
            .with_status(1)
            .with_stderr_contains(tip)
            .run();
    }
    p.mycargo("build --workspace --all").run();
}

#[test]
fn excluding_a_missing_package_warns_and_an_empty_selection_fails() {
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
    p.mycargo("check --workspace --exclude nothere")
        .with_stderr_contains(
            "warning: excluded package(s) `nothere` not found in workspace `[ROOT]/foo`",
        )
        .run();
    p.mycargo("check --workspace --exclude a")
        .with_status(101)
        .with_stderr_contains(
            "contains no package: The manifest is virtual, and the workspace has no members.",
        )
        .run();
}

#[test]
fn lints_in_the_manifest_reach_rustc_as_cargo_passes_them() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lints.rust]\nunsafe_code = \"forbid\"\nunexpected_cfgs = { level = \"warn\", check-cfg = ['cfg(special)'] }\n",
        )
        .file(
            "src/lib.rs",
            "pub fn f() -> u8 { unsafe { core::mem::zeroed() } }\n",
        )
        .build_twins();
    let mv = m.mycargo("check -v").with_status(101).run();
    let cv = c.cargo("check -v").with_status(101).run();
    assert!(
        mv.stderr.contains("usage of an `unsafe` block"),
        "{}",
        mv.stderr
    );
    assert!(
        cv.stderr.contains("usage of an `unsafe` block"),
        "{}",
        cv.stderr
    );
    let flags = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .filter(|w| w.starts_with("--forbid") || w.starts_with("--warn"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(flags(&mv.stderr), flags(&cv.stderr));
    assert!(
        mv.stderr.contains("--check-cfg 'cfg(special)'"),
        "{}",
        mv.stderr
    );
}

#[test]
fn a_build_script_override_stands_for_the_script() {
    let host = host_triple();
    let config = |dir: &str| {
        format!(
            "[target.{host}.native]\nrustc-cfg = [\"overridden\"]\nrustc-link-search = [\"native=/opt/{dir}\"]\n"
        )
    };
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlinks = \"native\"\n\n[lints.rust]\nunexpected_cfgs = \"allow\"\n",
        )
        // A script that could not compile: overridden, it never does.
        .file("build.rs", "fn main() { compile_error!(\"not built\"); }")
        .file(
            "src/lib.rs",
            "#[cfg(overridden)] pub fn f() {}\npub fn g() { f() }\n",
        )
        .file(".cargo/config.toml", config("x"))
        .build();
    p.mycargo("build -v")
        .with_stderr_contains("-L native=/opt/x --cfg overridden")
        .with_stderr_does_not_contain("build_script_build")
        .run();
    p.change_file(".cargo/config.toml", config("y"));
    p.mycargo("build -v")
        .with_stderr_contains("Dirty foo v0.1.0 ([ROOT]/foo): the precalculated components changed")
        .run();
}

#[test]
fn very_verbose_shows_the_variables_set_and_the_scripts_output() {
    let p = project()
        .file(
            "build.rs",
            "fn main() { println!(\"hello from the script\"); eprintln!(\"to stderr\"); }",
        )
        .file("src/lib.rs", "")
        .build();
    let out = p.mycargo("build -vv").run();
    assert!(
        out.stdout.contains("[foo 0.0.1] hello from the script"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("[foo 0.0.1] to stderr"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("CARGO_PKG_NAME=foo "), "{}", out.stderr);
}

#[test]
fn a_failed_build_script_shows_its_warnings_first_and_no_empty_streams() {
    let p = project()
        .file(
            "build.rs",
            "fn main() { println!(\"cargo::warning=careful\"); std::process::exit(3); }",
        )
        .file("src/lib.rs", "")
        .build();
    let out = p.mycargo("build").with_status(101).run();
    let warned = out.stderr.find("warning: foo@0.0.1: careful");
    let failed = out.stderr.find("error: failed to run custom build command");
    assert!(
        warned.is_some() && failed.is_some() && warned < failed,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--- stdout\n  cargo::warning=careful"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("--- stderr"), "{}", out.stderr);
}

#[test]
fn moving_the_project_keeps_it_fresh_and_a_rebuilt_dependency_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = { path = \"dep\" }\n",
        )
        .file("src/lib.rs", "pub fn f() { dep::g() }")
        .file("build.rs", "fn main() {}")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("dep/src/lib.rs", "pub fn g() {}")
        .build();
    p.mycargo("build").run();
    let moved = dir.path().join("moved");
    std::fs::rename(p.root(), &moved).unwrap();
    p.mycargo("build -v")
        .cwd(&moved)
        .with_stderr_does_not_contain("Compiling")
        .run();
    std::fs::write(moved.join("dep/src/lib.rs"), "pub fn g() { }\n").unwrap();
    p.mycargo("build -v")
        .cwd(&moved)
        .with_stderr_contains("the dependency `dep` was rebuilt")
        .run();
}

#[test]
fn path_bases_name_where_a_path_dependency_is_on_nightly() {
    let p = project()
        .file(
            "Cargo.toml",
            "cargo-features = [\"path-bases\"]\n[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = { base = \"libs\", path = \"bar\" }\n",
        )
        .file("src/lib.rs", "pub fn f() { bar::g() }")
        .file(".cargo/config.toml", "[path-bases]\nlibs = \"shared\"\n")
        .file(
            "shared/bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("shared/bar/src/lib.rs", "pub fn g() {}")
        .build();
    p.mycargo("check")
        .env(NIGHTLY.0, NIGHTLY.1)
        .with_stderr_contains("Checking bar v0.1.0 ([ROOT]/foo/shared/bar)")
        .run();
    p.change_file(".cargo/config.toml", "");
    p.mycargo("check")
        .env(NIGHTLY.0, NIGHTLY.1)
        .with_status(101)
        .with_stderr_contains(
            "path base `libs` is undefined. You must add an entry for `libs` in the Cargo configuration [path-bases] table.",
        )
        .run();
}

#[test]
fn a_dylib_dependency_links_std_once_and_runs() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = { path = \"bar\" }\n",
        )
        .file("src/main.rs", "fn main() { println!(\"{}\", bar::n()); }")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\ncrate-type = [\"dylib\"]\n",
        )
        .file("bar/src/lib.rs", "pub fn n() -> u32 { 7 }")
        .build();
    p.mycargo("run").with_stdout_data("7\n").run();
}

#[test]
fn any_build_script_metadata_reaches_dependents_by_dependency_name() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nrenamed = { package = \"a\", path = \"a\" }\n",
        )
        .file(
            "build.rs",
            "fn main() { assert_eq!(std::env::var(\"CARGO_DEP_RENAMED_KEY\").unwrap(), \"value\"); }",
        )
        .file("src/lib.rs", "")
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("a/build.rs", "fn main() { println!(\"cargo::metadata=key=value\"); }")
        .file("a/src/lib.rs", "")
        .build();
    p.mycargo("build -Zany-build-script-metadata")
        .env(NIGHTLY.0, NIGHTLY.1)
        .run();
    // Without the flag the variable is not set, and the script fails.
    p.change_file("src/lib.rs", "// again\n");
    p.mycargo("build")
        .env(NIGHTLY.0, NIGHTLY.1)
        .with_status(101)
        .with_stderr_contains("failed to run custom build command for `foo v0.1.0")
        .run();
}

#[test]
fn a_host_runner_wraps_build_scripts_under_host_config() {
    let p = project()
        .file("build.rs", "fn main() {}")
        .file("src/lib.rs", "")
        .file(
            ".cargo/config.toml",
            "[host]\nrunner = \"no-such-runner\"\n",
        )
        .build();
    p.mycargo(&format!(
        "build -Z target-applies-to-host -Z host-config --target {}",
        host_triple()
    ))
    .env(NIGHTLY.0, NIGHTLY.1)
    .with_status(101)
    .with_stderr_contains(
        "could not execute process `no-such-runner [ROOT]/foo/target/debug/build/foo-",
    )
    .run();
    p.mycargo("build -Z host-config")
        .env(NIGHTLY.0, NIGHTLY.1)
        .with_status(101)
        .with_stderr_contains(
            "error: the -Zhost-config flag requires the -Ztarget-applies-to-host flag to be set",
        )
        .run();
}

#[test]
fn dep_info_basedir_makes_dot_d_files_relative_as_cargos() {
    let (m, c) = project()
        .file("src/main.rs", "fn main() {}")
        .file(".cargo/config.toml", "[build]\ndep-info-basedir = \".\"\n")
        .build_twins();
    m.mycargo("build").run();
    c.cargo("build").run();
    let read = |p: &mycargo_test_support::Project| p.read_file("target/debug/foo.d");
    assert_eq!(read(&m), "target/debug/foo: src/main.rs\n");
    assert_eq!(read(&m), read(&c));
}

#[test]
fn features_may_name_a_dependency_of_another_platform() {
    use mycargo_test_support::registry::{Package, Registry};
    let reg = Registry::new();
    Package::new("not-required", "1.0.0").publish(&reg);
    let manifest = "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\ndefault = [\"feat\"]\nfeat = [\"dep:not-required\"]\n\n[target.'cfg(any())'.dependencies]\nnot-required = { version = \"1.0\", optional = true }\n\n[[example]]\nname = \"demo\"\nrequired-features = [\"feat\"]\n";
    let (m, c) = super::twin::registry_twins(
        &reg,
        &[
            ("Cargo.toml", manifest),
            ("src/main.rs", "fn main() {}"),
            ("examples/demo.rs", "fn main() {}"),
        ],
    );
    let host = host_triple();
    for (p, tool) in [
        (&m, mycargo_test_support::Tool::Mycargo),
        (&c, mycargo_test_support::Tool::Cargo),
    ] {
        p.tool(tool, &format!("fetch --target={host}")).run();
        p.tool(tool, &format!("check --target={host} --examples --frozen"))
            .run();
    }
}

#[test]
fn two_path_packages_linking_one_native_library_conflict_as_in_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.5.0\"\nedition = \"2015\"\nlinks = \"a\"\nbuild = \"build.rs\"\n\n[dependencies]\na-sys = { path = \"a-sys\" }\n",
        )
        .file("src/lib.rs", "")
        .file("build.rs", "fn main() {}")
        .file(
            "a-sys/Cargo.toml",
            "[package]\nname = \"a-sys\"\nversion = \"0.5.0\"\nedition = \"2015\"\nlinks = \"a\"\nbuild = \"build.rs\"\n",
        )
        .file("a-sys/src/lib.rs", "")
        .file("a-sys/build.rs", "fn main() {}")
        .build_twins();
    let mo = m.mycargo("check").with_status(101).run();
    let co = c.cargo("check").with_status(101).run();
    assert_eq!(mo.stderr_redacted(), co.stderr_redacted());
    assert!(
        mo.stderr
            .contains("package `a-sys` links to the native library `a`, but it conflicts with a previous package which links to `a` as well:"),
        "{}",
        mo.stderr
    );
}

#[test]
fn a_target_or_package_flag_without_a_name_lists_the_choices() {
    let p = project()
        .file("src/bin/b.rs", "fn main() {}")
        .file("src/bin/a.rs", "fn main() {}")
        .file("src/lib.rs", "")
        .build();
    p.mycargo("build --bin")
        .with_status(101)
        .with_stderr_data(
            "error: \"--bin\" takes one argument.\nAvailable binaries:\n    a\n    b\n\n",
        )
        .run();
    p.mycargo("check --example")
        .with_status(101)
        .with_stderr_data("error: \"--example\" takes one argument.\nNo examples available.\n\n")
        .run();
    p.mycargo("build -p")
        .with_status(101)
        .with_stderr_contains("Possible packages/workspace members:\n    foo")
        .run();
}

/// Small wordings and orders, each compared with cargo: `bench --no-run`'s
/// programs (no `--bench`), a runner that cannot start `(never executed)`,
/// `-C rpath` just before `--out-dir`, and a bad `--index` URL.
#[test]
fn runner_rpath_bench_and_index_wordings_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[profile.dev]\nrpath = true\n",
        )
        .file("src/main.rs", "fn main() {}")
        .file("benches/b.rs", "fn main() {}")
        .file(
            ".cargo/config.toml",
            "[target.'cfg(all())']\nrunner = \"nonexistent-runner --foo\"\n",
        )
        .build();
    let both = |args: &str| {
        let m = p.mycargo(args).with_any_status().run();
        let c = p.cargo(args).with_any_status().run();
        mycargo_test_support::compare::assert_same_output(&m, &c);
        m
    };
    // (The rustc each shows differs: only the flags' order is compared.)
    for tool in [
        mycargo_test_support::Tool::Mycargo,
        mycargo_test_support::Tool::Cargo,
    ] {
        let b = p.tool(tool, "build -v").run();
        assert!(b.stderr.contains("-C extra-filename=-"), "{}", b.stderr);
        assert!(
            b.stderr.contains("-C rpath --out-dir"),
            "{tool:?}: {}",
            b.stderr
        );
    }
    let r = both("run");
    assert!(r.stderr.contains("(never executed)"), "{}", r.stderr);
    let n = both("bench --no-run");
    assert!(!n.stderr.contains("--bench`"), "{}", n.stderr);
    both("search x --index index_url");
}

/// `rustc-link-arg-bins` (and `-tests`) reach only those targets, as in
/// cargo: the library is compiled without them.
#[test]
fn targeted_link_args_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "pub fn f() {}")
        .file("src/main.rs", "fn main() { foo::f(); }")
        .file("tests/t.rs", "#[test]\nfn t() {}\n")
        .file(
            "build.rs",
            "fn main() {\n    println!(\"cargo::rustc-link-arg-bins=-Wl,-O1\");\n    println!(\"cargo::rustc-link-arg-tests=-Wl,-O2\");\n}\n",
        )
        .build();
    for tool in [
        mycargo_test_support::Tool::Mycargo,
        mycargo_test_support::Tool::Cargo,
    ] {
        let out = p.tool(tool, "build -v").run();
        let line = |krate: &str, ty: &str| {
            out.stderr
                .lines()
                .find(|l| {
                    l.contains(&format!("--crate-name {krate} "))
                        && l.contains(&format!("--crate-type {ty}"))
                })
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            line("foo", "bin").contains("-C link-arg=-Wl,-O1"),
            "{tool:?}: {}",
            out.stderr
        );
        assert!(
            !line("foo", "bin").contains("-Wl,-O2"),
            "{tool:?}: {}",
            out.stderr
        );
        assert!(
            !line("foo", "lib").contains("link-arg"),
            "{tool:?}: {}",
            out.stderr
        );
        let _ = std::fs::remove_dir_all(p.root().join("target"));
    }
}

/// Every profile's `inherits` is checked before a build, as cargo does,
/// whichever profile is used.
#[test]
fn profile_inheritance_errors_like_cargo() {
    for profiles in [
        "[profile.release]\ninherits = \"dev\"\n",
        "[profile.release-lto]\nlto = true\n",
        "[profile.release-lto]\ninherits = \"nope\"\n",
        "[profile.a]\ninherits = \"b\"\n[profile.b]\ninherits = \"a\"\n",
    ] {
        let p = project()
            .file(
                "Cargo.toml",
                format!("[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{profiles}"),
            )
            .file("src/lib.rs", "")
            .build();
        let m = p.mycargo("check").with_any_status().run();
        let c = p.cargo("check").with_any_status().run();
        mycargo_test_support::compare::assert_same_output(&m, &c);
        assert_eq!(m.code(), Some(101), "{}", m.stderr);
    }
}

/// `required-features = ["dep/feat"]` is met when that dependency is built
/// with that feature; `run` names the one bin, so a bin whose features are
/// off is cargo's error, not a missing target.
#[test]
fn required_dependency_features_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nbar = { path = \"bar\", features = [\"a\"] }\n\n\
             [[bin]]\nname = \"foo\"\nrequired-features = [\"bar/a\"]\n\n\
             [[bin]]\nname = \"other\"\nrequired-features = [\"bar/b\"]\n",
        )
        .file("src/main.rs", "fn main() {}")
        .file("src/bin/other.rs", "fn main() {}")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\na = []\nb = []\n",
        )
        .file("bar/src/lib.rs", "")
        .build();
    p.cargo("generate-lockfile").run();
    for args in ["build", "build --bin other", "run --bin foo"] {
        let m = p.mycargo(args).with_any_status().run();
        let c = p.cargo(args).with_any_status().run();
        mycargo_test_support::compare::assert_same_output(&m, &c);
    }
    assert!(p.root().join("target/debug/foo").exists());
    assert!(!p.root().join("target/debug/other").exists());
}

/// `RUST_FLAGS` (for `RUSTFLAGS`) is pointed out, as cargo does.
#[test]
fn misspelled_rustflags_variable_like_cargo() {
    let p = project().file("src/lib.rs", "").build();
    let m = p.mycargo("check").env("RUST_FLAGS", "x").run();
    let c = p.cargo("check").env("RUST_FLAGS", "x").run();
    mycargo_test_support::compare::assert_same_output(&m, &c);
    assert!(
        m.stderr.contains("rust flags are passed via `RUSTFLAGS`"),
        "{}",
        m.stderr
    );
}

/// `--remap-path-prefix` in RUSTFLAGS leaves the output's file names as
/// they were (reproducible builds), as in cargo; other flags change them.
#[test]
fn remap_path_prefix_keeps_file_names() {
    let p = project().file("src/lib.rs", "").build();
    let names = |flags: &str| {
        let _ = std::fs::remove_dir_all(p.root().join("target"));
        p.mycargo("build").env("RUSTFLAGS", flags).run();
        let mut n: Vec<String> = std::fs::read_dir(p.root().join("target/debug/deps"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rlib"))
            .collect();
        n.sort();
        n
    };
    let plain = names("");
    assert_eq!(names("--remap-path-prefix=/x=/y"), plain);
    assert_ne!(names("-Cdebug-assertions=no"), plain);
}

/// In a virtual workspace, run from a member's directory, `--features`
/// follows the member there (cargo asks of the current manifest).
#[test]
fn member_features_from_a_member_directory_like_cargo() {
    let p = project()
        .file("Cargo.toml", "[workspace]\nmembers = [\"member1\", \"member2\"]\nresolver = \"1\"\n")
        .file(
            "member1/Cargo.toml",
            "[package]\nname = \"member1\"\nversion = \"0.1.0\"\nedition = \"2015\"\n\n[features]\nm1-feature = []\n",
        )
        .file("member1/src/main.rs", "fn main() { if cfg!(feature = \"m1-feature\") { println!(\"set\"); } }")
        .file("member2/Cargo.toml", mycargo_test_support::basic_manifest("member2", "0.1.0"))
        .file("member2/src/lib.rs", "")
        .build();
    p.cargo("generate-lockfile").run();
    let dir = p.root().join("member2");
    for args in [
        "run -p member1 --features member1/m1-feature",
        "check -p member1 --features member1/m2-feature",
    ] {
        let m = p.mycargo(args).cwd(&dir).with_any_status().run();
        let c = p.cargo(args).cwd(&dir).with_any_status().run();
        mycargo_test_support::compare::assert_same_output(&m, &c);
    }
}

/// Target filters that match nothing are a warned no-op, as in cargo.
#[test]
fn unmatched_target_filters_warn_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2015\"\n\n[lib]\ntest = false\nbench = false\n",
        )
        .file("src/lib.rs", "")
        .build();
    for args in ["check --tests --bins --examples --benches", "check --bins"] {
        let m = p.mycargo(args).run();
        let c = p.cargo(args).run();
        mycargo_test_support::compare::assert_same_output(&m, &c);
        assert!(
            m.stderr.contains("no targets matched; this is a no-op"),
            "{}",
            m.stderr
        );
    }
}

/// Two `cfg` runners matching: cargo's error names the files.
#[test]
fn runner_cfg_collision_like_cargo() {
    let p = project()
        .file("src/main.rs", "fn main() {}")
        .file(
            ".cargo/config.toml",
            "[target.'cfg(not(target_arch = \"avr\"))']\nrunner = \"true\"\n\n[target.'cfg(not(target_os = \"none\"))']\nrunner = \"false\"\n",
        )
        .build();
    let m = p.mycargo("run").with_any_status().run();
    let c = p.cargo("run").with_any_status().run();
    mycargo_test_support::compare::assert_same_output(&m, &c);
    assert!(m.stderr.contains(".cargo/config.toml"), "{}", m.stderr);
}

/// `multiple-build-scripts` (nightly): every script runs, in the order
/// `package.build` lists them; `OUT_DIR` is the first one's, each is also
/// `<stem>_OUT_DIR`, a later `rustc-env` wins; scripts are named after
/// their file as in cargo; without the feature the list is refused.
#[test]
fn multiple_build_scripts_like_cargo() {
    let script = |n: u32| {
        format!(
            "fn main() {{\n    let out = std::env::var(\"OUT_DIR\").unwrap();\n    std::fs::write(format!(\"{{out}}/m.rs\"), \"pub fn m{n}() -> u32 {{ {n} }}\").unwrap();\n    println!(\"cargo::rustc-env=WHO=script{n}\");\n}}\n"
        )
    };
    let main = "include!(concat!(env!(\"build1_OUT_DIR\"), \"/m.rs\"));\ninclude!(concat!(env!(\"build2_OUT_DIR\"), \"/m.rs\"));\nmod first { include!(concat!(env!(\"OUT_DIR\"), \"/m.rs\")); }\nfn main() { println!(\"{} {} {} {}\", m1(), m2(), first::m1(), env!(\"WHO\")); }\n";
    let manifest = "cargo-features = [\"multiple-build-scripts\"]\n\n[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2024\"\nbuild = [\"build1.rs\", \"build2.rs\"]\n";
    let (m, c) = project()
        .file("Cargo.toml", manifest)
        .file("src/main.rs", main)
        .file("build1.rs", script(1))
        .file("build2.rs", script(2))
        .build_twins();
    let mo = m.mycargo("run").env(NIGHTLY.0, NIGHTLY.1).run();
    let co = c.cargo("run").env(NIGHTLY.0, NIGHTLY.1).run();
    assert_eq!(mo.stdout, "1 2 1 script2\n");
    assert_eq!(mo.stdout, co.stdout);
    // The compiled scripts carry their file's name, as cargo's do.
    let names = |p: &mycargo_test_support::Project| {
        let mut v: Vec<String> = std::fs::read_dir(p.root().join("target/debug/build"))
            .unwrap()
            .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
            .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("build-script-"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&m), ["build-script-build1", "build-script-build2"]);
    assert_eq!(names(&m), names(&c));

    // The feature is required.
    let plain = manifest.replace("cargo-features = [\"multiple-build-scripts\"]\n", "");
    for p in [&m, &c] {
        std::fs::write(p.root().join("Cargo.toml"), &plain).unwrap();
    }
    let mo = m
        .mycargo("check")
        .env(NIGHTLY.0, NIGHTLY.1)
        .with_status(101)
        .run();
    let co = c
        .cargo("check")
        .env(NIGHTLY.0, NIGHTLY.1)
        .with_status(101)
        .run();
    // cargo names its own build after the version (commit and date).
    let version = |s: String| -> String {
        let key = "version of Cargo (";
        let Some(i) = s.find(key).map(|i| i + key.len()) else {
            return s;
        };
        match (s[i..].find(" ("), s[i..].find("))")) {
            (Some(sp), Some(end)) if sp < end => {
                format!("{}{}", &s[..i + sp], &s[i + end + 1..])
            }
            _ => s,
        }
    };
    assert!(
        mo.stderr
            .contains("feature `multiple-build-scripts` is required")
    );
    assert_eq!(
        version(mo.stderr_redacted()),
        version(co.stderr_as_mycargo())
    );
}

/// `metabuild` (nightly): the generated build script calls each named
/// build-dependency's `metabuild()` in order, stays fresh on a second
/// build, and `metadata` lists the names but not the generated target.
#[test]
fn metabuild_like_cargo() {
    let lib = |name: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2015\"\n")
    };
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "cargo-features = [\"metabuild\"]\n[package]\nname = \"foo\"\nversion = \"0.0.1\"\nedition = \"2015\"\nmetabuild = [\"mb\", \"mb-other\"]\n\n[build-dependencies]\nmb = { path = \"mb\" }\nmb-other = { path = \"mb-other\" }\n",
        )
        .file("src/lib.rs", "")
        .file("mb/Cargo.toml", lib("mb"))
        .file("mb/src/lib.rs", "pub fn metabuild() { println!(\"Hello mb\"); }")
        .file("mb-other/Cargo.toml", lib("mb-other"))
        .file(
            "mb-other/src/lib.rs",
            "pub fn metabuild() { println!(\"Hello mb-other\"); }",
        )
        .build_twins();
    let mo = m.mycargo("check -vv").env(NIGHTLY.0, NIGHTLY.1).run();
    let co = c.cargo("check -vv").env(NIGHTLY.0, NIGHTLY.1).run();
    assert_eq!(
        mo.stdout,
        "[foo 0.0.1] Hello mb\n[foo 0.0.1] Hello mb-other\n"
    );
    assert_eq!(mo.stdout, co.stdout);
    let generated = |p: &mycargo_test_support::Project| -> Vec<String> {
        std::fs::read_dir(p.root().join("target/.metabuild"))
            .unwrap()
            .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
            .collect()
    };
    assert_eq!(generated(&m), generated(&c));
    let mo = m.mycargo("check").env(NIGHTLY.0, NIGHTLY.1).run();
    let co = c.cargo("check").env(NIGHTLY.0, NIGHTLY.1).run();
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
    assert!(mo.stderr.contains("Finished") && !mo.stderr.contains("Compiling"));
    let meta = |o: mycargo_test_support::Output| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        let foo = v["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "foo")
            .unwrap()
            .clone();
        serde_json::json!([foo["metabuild"], foo["targets"].as_array().unwrap().len()])
    };
    let args = "metadata --format-version=1 --no-deps";
    let mm = meta(m.mycargo(args).env(NIGHTLY.0, NIGHTLY.1).run());
    assert_eq!(mm, serde_json::json!([["mb", "mb-other"], 1]));
    assert_eq!(mm, meta(c.cargo(args).env(NIGHTLY.0, NIGHTLY.1).run()));
}

/// `different-binary-name` (nightly): `filename` names the built binary,
/// its `.d` file, `CARGO_BIN_NAME` and `CARGO_BIN_EXE_<filename>`, as in
/// cargo; without the feature the key is refused.
#[test]
fn different_binary_name_like_cargo() {
    let manifest = "cargo-features = [\"different-binary-name\"]\n\n[package]\nname = \"foo\"\nversion = \"0.0.1\"\nedition = \"2015\"\n\n[[bin]]\nname = \"foo\"\nfilename = \"007bar\"\npath = \"src/main.rs\"\n";
    let (m, c) = project()
        .file("Cargo.toml", manifest)
        .file(
            "src/main.rs",
            "fn main() { println!(\"{} {}\", env!(\"CARGO_BIN_NAME\"), option_env!(\"CARGO_BIN_EXE_007bar\").is_some()); }",
        )
        .build_twins();
    let mo = m.mycargo("run").env(NIGHTLY.0, NIGHTLY.1).run();
    let co = c.cargo("run").env(NIGHTLY.0, NIGHTLY.1).run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "007bar false\n");
    for name in ["007bar", "007bar.d"] {
        assert!(m.root().join("target/debug").join(name).is_file(), "{name}");
        assert!(c.root().join("target/debug").join(name).is_file(), "{name}");
    }
    assert!(!m.root().join("target/debug/foo").exists());
    let plain = manifest.replace("cargo-features = [\"different-binary-name\"]\n", "");
    std::fs::write(m.root().join("Cargo.toml"), plain).unwrap();
    let out = m
        .mycargo("build")
        .env(NIGHTLY.0, NIGHTLY.1)
        .with_status(101)
        .run();
    assert!(
        out.stderr
            .contains("feature `different-binary-name` is required")
    );
}

/// A build script watching a variable `[env]` sets reruns when the
/// configured value changes (cargo reads it where the script does), and
/// `-vv` shows the `CARGO` it always sets.
#[test]
fn rerun_if_env_changed_sees_config_env_like_cargo() {
    let (m, c) = project()
        .file("src/main.rs", "fn main() { println!(\"{}\", env!(\"SEEN\")); }")
        .file(
            "build.rs",
            "fn main() {\n    println!(\"cargo::rerun-if-env-changed=FOO\");\n    println!(\"cargo::rustc-env=SEEN={}\", std::env::var(\"FOO\").unwrap_or_default());\n}\n",
        )
        .file(".cargo/config.toml", "[env]\nFOO = \"one\"\n")
        .build_twins();
    let mo = m.mycargo("run").run();
    let co = c.cargo("run").run();
    assert_eq!(mo.stdout, "one\n");
    assert_eq!(mo.stdout, co.stdout);
    for p in [&m, &c] {
        std::fs::write(
            p.root().join(".cargo/config.toml"),
            "[env]\nFOO = \"two\"\n",
        )
        .unwrap();
    }
    let mo = m.mycargo("run").run();
    let co = c.cargo("run").run();
    assert_eq!(mo.stdout, "two\n");
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
    let out = m.mycargo("build -vv").env("FOO", "three").run();
    assert!(out.stderr.contains("CARGO="), "{}", out.stderr);
}

/// `build` by both tools on twin projects: the same exit code and stderr;
/// mycargo's output.
fn build_like_cargo(
    m: &mycargo_test_support::Project,
    c: &mycargo_test_support::Project,
) -> mycargo_test_support::Output {
    let mo = m.mycargo("build").with_any_status().run();
    let co = c.cargo("build").with_any_status().run();
    assert_eq!(mo.code(), co.code(), "{}", mo.describe());
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
    mo
}

/// One package named twice under different names (a renamed dependency
/// and a build-dependency of its own name): cargo's error, before anything
/// is compiled.
#[test]
fn a_dependency_named_twice_differently_is_refused_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nrenamed = { package = \"dep\", path = \"dep\" }\n\n\
             [build-dependencies]\ndep = { path = \"dep\" }\n",
        )
        .file("src/lib.rs", "")
        .file("build.rs", "fn main() {}\n")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.2.0\"\nedition = \"2021\"\n",
        )
        .file("dep/src/lib.rs", "")
        .build_twins();
    let mo = build_like_cargo(&m, &c);
    assert_eq!(mo.code(), Some(101), "{}", mo.describe());
    assert!(
        mo.stderr.contains(
            "depends on crate `dep v0.2.0 ([ROOT]/foo/dep)` multiple times with different names"
        ) || mo.stderr.contains("multiple times with different names"),
        "{}",
        mo.stderr
    );
    assert!(!m.root().join("target/debug/deps").exists());
}

/// A dependency whose lib is only a `staticlib` gives nothing to link:
/// cargo's warning (with its notes) before anything is compiled.
#[test]
fn a_dependency_with_no_linkable_target_is_warned_about_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2015\"\n\n\
             [dependencies]\nthe_lib = { path = \"the_lib\" }\n",
        )
        .file("src/main.rs", "fn main() {}")
        .file(
            "the_lib/Cargo.toml",
            "[package]\nname = \"the_lib\"\nversion = \"0.1.0\"\nedition = \"2015\"\n\n\
             [lib]\nname = \"the_lib\"\ncrate-type = [\"staticlib\"]\n",
        )
        .file("the_lib/src/lib.rs", "pub fn foo() {}")
        .build_twins();
    let mo = build_like_cargo(&m, &c);
    assert!(
        mo.stderr
            .contains("warning: the package `the_lib` provides no linkable target"),
        "{}",
        mo.stderr
    );
}

/// A manifest error under a wide character is underlined by columns, as
/// cargo underlines it (the emoji takes two).
#[test]
fn carets_under_wide_characters_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"buggin\"\nversion = \"0.1.0\"\nedition = \"2015\"\n\n\
             [dependencies]\n\"not a valid name 🐛\" = { package = \"libc\", version = \"0.1\" }\n",
        )
        .file("src/main.rs", "fn main() {}")
        .build_twins();
    let mo = build_like_cargo(&m, &c);
    assert_eq!(mo.code(), Some(101), "{}", mo.describe());
    // 20 characters, 21 columns.
    assert!(
        mo.stderr.contains(&format!("| {}\n", "^".repeat(21))),
        "{}",
        mo.stderr
    );
}
