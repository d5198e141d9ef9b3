//! `test` and `bench` against the installed cargo on the same small
//! workspace: the same programs run with the same arguments and
//! environment, the same `Running`/`Doc-tests`/`Executable` lines (hashes
//! redacted), the same failures, rerun hints and exit codes.

use std::collections::BTreeSet;

use mycargo_test_support::{Execs, Output, Project, ProjectBuilder, project};

/// A package `foo` (lib with unit and doc tests, a bin, an integration
/// test, a `harness = false` test, an example, a `harness = false` bench
/// and a libtest bench without `#[bench]`), a build script giving a cfg
/// and a variable, and a dev-dependency `helper` (a workspace member).
/// Failures are switched on at run time (`FAIL_IT`, `FAIL_DOC`,
/// `NOHARNESS_EXIT`), so one build serves every scenario.
fn fixture() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "foo"
version = "0.1.0"
edition = "2021"

[workspace]

[dev-dependencies]
helper = { path = "helper" }

[[test]]
name = "noharness"
harness = false

[[bench]]
name = "nb"
harness = false
"#,
        )
        .file(
            "build.rs",
            "fn main() {\n    println!(\"cargo::rustc-check-cfg=cfg(from_script)\");\n    println!(\"cargo::rustc-cfg=from_script\");\n    println!(\"cargo::rustc-env=SCRIPT_ENV=yes\");\n}\n",
        )
        .file(
            "src/lib.rs",
            r#"/// Adds.
///
/// ```
/// assert_eq!(foo::add(1, 2), 3);
/// assert!(cfg!(from_script));
/// if std::env::var_os("FAIL_DOC").is_some() { panic!("doc boom"); }
/// ```
pub fn add(a: u32, b: u32) -> u32 { a + b }

#[cfg(test)]
mod tests {
    #[test]
    fn lib_adds() { assert_eq!(super::add(2, 2), 4); }
    #[test]
    fn lib_uses_dev_dep() { assert_eq!(helper::five(), 5); }
}
"#,
        )
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", foo::add(1, 2)); }\n#[test]\nfn bin_works() {}\n",
        )
        .file(
            "tests/it.rs",
            r#"use std::path::Path;

#[test]
fn it_adds() { assert_eq!(foo::add(1, 1), helper::five() - 3); }

#[test]
fn it_runs_the_bin() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_foo")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3\n");
}

#[test]
fn it_sees_cargo_env() {
    assert_eq!(std::env::current_dir().unwrap(), Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(std::env::var("CARGO_MANIFEST_DIR").unwrap(), env!("CARGO_MANIFEST_DIR"));
    assert_eq!(std::env::var("CARGO_PKG_NAME").unwrap(), "foo");
    assert_eq!(std::env::var("CARGO_PKG_VERSION").unwrap(), "0.1.0");
    assert_eq!(std::env::var("SCRIPT_ENV").unwrap(), "yes");
    assert!(Path::new(env!("CARGO_TARGET_TMPDIR")).is_dir());
    if cfg!(target_os = "linux") {
        let p = std::env::var("LD_LIBRARY_PATH").unwrap();
        assert!(p.contains("target/debug/deps"), "{p}");
    }
}

#[test]
fn it_may_fail() {
    if std::env::var_os("FAIL_IT").is_some() { panic!("it boom"); }
}
"#,
        )
        .file(
            "tests/noharness.rs",
            r#"fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("noharness ran {args:?}");
    if let Ok(code) = std::env::var("NOHARNESS_EXIT") {
        std::process::exit(code.parse().unwrap());
    }
}
"#,
        )
        .file("examples/ex.rs", "fn main() { println!(\"{}\", helper::five()); }\n")
        .file(
            "benches/nb.rs",
            "fn main() { println!(\"nb ran {:?}\", std::env::args().skip(1).collect::<Vec<_>>()); }\n",
        )
        .file("benches/lt.rs", "#[test]\nfn bench_as_test() { assert_eq!(foo::add(0, 0), 0); }\n")
        .file(
            "helper/Cargo.toml",
            "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("helper/src/lib.rs", "pub fn five() -> u32 { 5 }\n#[test]\nfn helper_t() {}\n")
}

/// Stderr without the lines whose order varies with parallelism.
fn status_lines(out: &Output) -> String {
    out.stderr_as_mycargo()
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("Compiling") || t.starts_with("Locking") || t.starts_with("Adding"))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Stdout lines, sorted: libtest prints results as threads finish.
fn stdout_sorted(out: &Output) -> Vec<String> {
    let mut v: Vec<String> = out
        .stdout_as_mycargo()
        .lines()
        .map(without_thread_id)
        .collect();
    v.sort();
    v
}

/// `thread 'name' (12345) panicked` → `thread 'name' (N) panicked`.
fn without_thread_id(line: &str) -> String {
    if let Some(rest) = line.strip_prefix("thread '")
        && let Some((name, after)) = rest.split_once("' (")
        && let Some((id, tail)) = after.split_once(')')
        && id.chars().all(|c| c.is_ascii_digit())
    {
        return format!("thread '{name}' (N){tail}");
    }
    line.to_string()
}

/// Run `cmd` with both tools (with `env`) and check they agree on the
/// exit code, the status lines and the test output.
#[track_caller]
pub(crate) fn same(m: &Project, c: &Project, cmd: &str, env: &[(&str, &str)]) -> (Output, Output) {
    let with_env = |mut e: Execs| {
        for (k, v) in env {
            e = e.env(k, v);
        }
        e.with_any_status()
    };
    let mo = with_env(m.mycargo(cmd)).run();
    let co = with_env(c.cargo(cmd)).run();
    assert_eq!(
        mo.code(),
        co.code(),
        "exit codes of `{cmd}`\n{}\n{}",
        mo.describe(),
        co.describe()
    );
    assert_eq!(
        status_lines(&mo),
        status_lines(&co),
        "stderr of `{cmd}`\n{}\n{}",
        mo.describe(),
        co.describe()
    );
    assert_eq!(
        stdout_sorted(&mo),
        stdout_sorted(&co),
        "stdout of `{cmd}`\n{}\n{}",
        mo.describe(),
        co.describe()
    );
    (mo, co)
}

#[test]
fn test_runs_unit_integration_and_doc_tests_like_cargo() {
    let (m, c) = fixture().build_twins();
    let (mo, _) = same(&m, &c, "test", &[]);
    let err = mo.stderr_redacted();
    for line in [
        "     Running unittests src/lib.rs (target/debug/deps/foo-[HASH])\n",
        "     Running unittests src/main.rs (target/debug/deps/foo-[HASH])\n",
        "     Running tests/it.rs (target/debug/deps/it-[HASH])\n",
        "     Running tests/noharness.rs (target/debug/deps/noharness-[HASH])\n",
        "   Doc-tests foo\n",
    ] {
        assert!(err.contains(line), "{line:?} missing from\n{err}");
    }
    assert!(mo.stdout.contains("noharness ran []"), "{}", mo.stdout);
    assert!(mo.stdout.contains("test it_sees_cargo_env ... ok"));
    assert!(mo.stdout.contains("test src/lib.rs - add (line 3) ... ok"));
    // The example was built, not run; the bin integration tests use was
    // built where `CARGO_BIN_EXE_foo` points.
    assert!(m.root().join("target/debug/examples/ex").is_file());
    assert!(m.root().join("target/debug/foo").is_file());

    // A filter: no doc tests, no examples; arguments after `--` reach
    // every binary, `harness = false` ones included.
    same(&m, &c, "test lib_", &[]);
    let (mo, _) = same(&m, &c, "test --test noharness -- a b", &[]);
    assert!(mo.stdout.contains("noharness ran [\"a\", \"b\"]"));
    same(&m, &c, "test --doc", &[]);
    same(&m, &c, "test --lib --bins", &[]);
    same(&m, &c, "test --all-targets", &[]);
    same(&m, &c, "test -p helper", &[]);
    same(&m, &c, "test --doc --lib", &[]);
    same(&m, &c, "test --doc --no-run", &[]);
}

#[test]
fn failures_give_cargo_hints_and_exit_codes() {
    let (m, c) = fixture().build_twins();
    // Fail fast: the first failing binary stops the run.
    let (mo, _) = same(&m, &c, "test", &[("FAIL_IT", "1")]);
    assert_eq!(mo.code(), Some(101));
    assert!(
        mo.stderr
            .contains("error: test failed, to rerun pass `--test it`"),
        "{}",
        mo.stderr
    );
    assert!(!mo.stderr.contains("Doc-tests"));
    // Every binary and the doc tests run; the failures are listed.
    let (mo, _) = same(
        &m,
        &c,
        "test --no-fail-fast",
        &[("FAIL_IT", "1"), ("FAIL_DOC", "1")],
    );
    assert!(
        mo.stderr
            .contains("error: 2 targets failed:\n    `--test it`\n    `--doc`\n"),
        "{}",
        mo.stderr
    );
    // A `harness = false` test's own exit code, with the command shown.
    let (mo, _) = same(&m, &c, "test --test noharness", &[("NOHARNESS_EXIT", "3")]);
    assert_eq!(mo.code(), Some(3));
    assert!(mo.stderr.contains("(exit status: 3)"), "{}", mo.stderr);
    // Several packages: the hints name the package.
    let (mo, _) = same(
        &m,
        &c,
        "test --workspace --no-fail-fast",
        &[("FAIL_IT", "1")],
    );
    assert!(
        mo.stderr
            .contains("error: 1 target failed:\n    `-p foo --test it`\n"),
        "{}",
        mo.stderr
    );
}

#[test]
fn no_run_lists_the_executables() {
    let (m, c) = fixture().build_twins();
    let (mo, _) = same(&m, &c, "test --no-run", &[]);
    assert!(
        mo.stderr_redacted()
            .contains("  Executable unittests src/lib.rs (target/debug/deps/foo-[HASH])\n"),
        "{}",
        mo.stderr
    );
    assert!(mo.stdout.is_empty());
    let (mo, _) = same(&m, &c, "bench --no-run", &[]);
    assert!(
        mo.stderr_redacted()
            .contains("  Executable benches src/lib.rs (target/release/deps/foo-[HASH])\n"),
        "{}",
        mo.stderr
    );
}

#[test]
fn bench_passes_bench_to_every_binary() {
    let (m, c) = fixture().build_twins();
    let (mo, _) = same(&m, &c, "bench", &[]);
    assert!(
        mo.stderr
            .contains("Finished `bench` profile [optimized] target(s)"),
        "{}",
        mo.stderr
    );
    assert!(mo.stdout.contains("nb ran [\"--bench\"]"), "{}", mo.stdout);
    assert!(mo.stdout.contains("test bench_as_test ... ignored"));
    same(&m, &c, "bench --bench nb -- x", &[]);
}

/// `(kind, name, profile.test, executable)` of each `compiler-artifact`.
fn artifacts(out: &Output) -> BTreeSet<String> {
    out.stdout_redacted()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["reason"] == "compiler-artifact")
        .map(|v| {
            format!(
                "{} {} test={} exe={}",
                v["target"]["kind"], v["target"]["name"], v["profile"]["test"], v["executable"]
            )
        })
        .collect()
}

#[test]
fn json_names_the_test_executables_like_cargo() {
    let (m, c) = fixture().build_twins();
    let cmd = "test --no-run --message-format json-render-diagnostics";
    let mo = m.mycargo(cmd).run();
    let co = c.cargo(cmd).run();
    assert_eq!(artifacts(&mo), artifacts(&co));
    assert!(
        artifacts(&mo)
            .contains("[\"test\"] \"it\" test=true exe=\"[ROOT]/foo/target/debug/deps/it-[HASH]\""),
        "{:?}",
        artifacts(&mo)
    );
    assert_eq!(status_lines(&mo), status_lines(&co));
}

#[test]
fn nextest_finds_and_runs_the_tests() {
    let nextest = std::path::Path::new("/usr/local/bin/cargo-nextest");
    if !nextest.is_file() {
        eprintln!("cargo-nextest is not installed; skipped");
        return;
    }
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"nx\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "#[test]\nfn unit_one() {}\n")
        .file("tests/it.rs", "#[test]\nfn it_one() {}\n")
        .build();
    let bin = p.test_root().join("plugins");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(nextest, bin.join("cargo-nextest")).unwrap();
    let out = p
        .mycargo("nextest run")
        .env("PATH", crate::plugins::path_with(&bin))
        .run();
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("nx::it it_one"), "{all}");
    assert!(all.contains("nx unit_one"), "{all}");
    assert!(all.contains("2 tests run: 2 passed"), "{all}");
}

/// A workspace with a proc-macro crate whose doc examples use the
/// compiler's `proc_macro` crate and the macro itself, and a lib using it.
fn proc_macro_workspace() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"mac\", \"user\"]\nresolver = \"2\"\n",
        )
        .file(
            "mac/Cargo.toml",
            "[package]\nname = \"mac\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n",
        )
        .file(
            "mac/src/lib.rs",
            r#"//! Macros.
//!
//! ```
//! use proc_macro::TokenStream;
//! fn takes(_t: TokenStream) {}
//! ```

use proc_macro::TokenStream;

/// Expands to `42`.
///
/// ```
/// assert_eq!(mac::answer!(), 42);
/// ```
#[proc_macro]
pub fn answer(_: TokenStream) -> TokenStream {
    "42".parse().unwrap()
}

#[cfg(test)]
mod tests {
    #[test]
    fn unit() {}
}
"#,
        )
        .file(
            "user/Cargo.toml",
            "[package]\nname = \"user\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nmac = { path = \"../mac\" }\n",
        )
        .file(
            "user/src/lib.rs",
            "/// ```\n/// assert_eq!(user::value(), 42);\n/// ```\npub fn value() -> u32 { mac::answer!() }\n",
        )
}

/// The `rustdoc --test` line of package `name` in verbose stderr.
fn doctest_line<'a>(stderr: &'a str, name: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| l.contains("rustdoc") && l.contains(&format!("--crate-name {name} --test ")))
        .unwrap_or_default()
}

#[test]
fn proc_macro_doc_tests_run_like_cargo() {
    let (m, c) = proc_macro_workspace().build_twins();
    let (mo, _) = same(&m, &c, "test --workspace", &[]);
    assert_eq!(mo.code(), Some(0), "{}", mo.describe());
    assert!(
        mo.stdout
            .contains("test mac/src/lib.rs - answer (line 12) ... ok")
    );
    assert!(mo.stdout.contains("test mac/src/lib.rs - (line 3) ... ok"));
    same(&m, &c, "test --doc -p mac", &[]);
    // The doc-test command line: the proc macro's crate type and the
    // compiler's `proc_macro` crate, where cargo puts them.
    let mo = m.mycargo("test --doc -p mac -v").run();
    let co = c.cargo("test --doc -p mac -v").run();
    let flags = |stderr: &str| -> Vec<String> {
        doctest_line(stderr, "mac")
            .split(' ')
            .filter(|w| {
                matches!(
                    *w,
                    "--crate-type" | "proc-macro" | "--extern" | "proc_macro"
                )
            })
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        flags(&co.stderr),
        [
            "--crate-type",
            "proc-macro",
            "--extern",
            "--extern",
            "proc_macro"
        ]
    );
    assert_eq!(flags(&mo.stderr), flags(&co.stderr), "{}", mo.stderr);
}

/// With one job, a lib that has doc tests compiles before its own test
/// harness (cargo counts the doc test in the queue's priorities), so the
/// warning shown in full and the one counted as a duplicate are cargo's.
#[test]
fn doc_tested_lib_goes_first_under_one_job_like_cargo() {
    let (m, c) = project()
        .file(
            "src/lib.rs",
            "/// ```\n/// foo::f();\n/// ```\npub fn f() {}\nfn unused() {}\n",
        )
        .build_twins();
    let args = "test --no-run -j1";
    let mo = m.mycargo(args).run();
    let co = c.cargo(args).run();
    assert!(mo.stderr.contains("1 duplicate"), "{}", mo.stderr);
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
}
