//! The job queue under stress: deep graphs at every `-j`, dependency
//! cycles, and a stdout closed while jobs run.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use mycargo_test_support::{ProjectBuilder, project};

/// A lib whose metadata is ready long before its object code: dependents
/// built against the `.rmeta` alone (pipelining) race ahead of it.
fn heavy_lib() -> String {
    let mut src = String::new();
    for i in 0..800 {
        src.push_str(&format!(
            "#[inline(never)] pub fn f{i}(x: u64) -> u64 {{ let mut a = x; for k in 0..{i} {{ a = a.wrapping_mul(31).wrapping_add(k) ^ (a >> 3); }} a }}\n"
        ));
    }
    src.push_str("pub fn base() -> u64 { f799(1) }\n");
    src
}

/// `app` (a bin, with a test) → `l1` → `l2` → … → `l5` (heavy).
fn deep_chain() -> ProjectBuilder {
    let depth = 5;
    let mut p = project().file(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nl1 = { path = \"l1\" }\n\n[profile.dev.package.l5]\nopt-level = 3\n",
    );
    p = p
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", l1::value()); }\n",
        )
        .file(
            "tests/t.rs",
            "#[test]\nfn t() { assert!(l1::value() > 0); }\n",
        );
    for i in 1..=depth {
        let manifest = if i < depth {
            format!(
                "[package]\nname = \"l{i}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nl{n} = {{ path = \"../l{n}\" }}\n",
                n = i + 1
            )
        } else {
            format!("[package]\nname = \"l{i}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        };
        let src = if i < depth {
            format!("pub fn value() -> u64 {{ l{n}::value() + 1 }}\n", n = i + 1)
        } else {
            format!("{}pub fn value() -> u64 {{ base() | 1 }}\n", heavy_lib())
        };
        p = p
            .file(format!("l{i}/Cargo.toml"), manifest)
            .file(format!("l{i}/src/lib.rs"), src);
    }
    p
}

#[test]
fn deep_graphs_link_only_after_every_upstream_rlib_at_every_job_count() {
    let p = deep_chain().build();
    for jobs in 1..=16 {
        // From scratch each time: every build races the pipelined libs.
        let _ = std::fs::remove_dir_all(p.root().join("target"));
        let out = p
            .mycargo(&format!("build --all-targets -j {jobs}"))
            .with_any_status()
            .run();
        assert_eq!(out.code(), Some(0), "-j {jobs} failed:\n{}", out.describe());
        assert!(p.bin("app").is_file(), "-j {jobs}: no binary");
    }
}

#[test]
fn a_path_dependency_cycle_is_an_error_not_a_crash() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.0.1\"\nedition = \"2015\"\n\n[dependencies.a]\npath = \"a\"\n",
        )
        .file("src/lib.rs", "")
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.0.1\"\nedition = \"2015\"\n\n[dependencies.foo]\npath = \"..\"\n",
        )
        .file("a/src/lib.rs", "")
        .build();
    for cmd in [
        "build -v",
        "check",
        "generate-lockfile",
        "metadata --format-version 1",
    ] {
        p.mycargo(cmd)
            .with_status(101)
            .with_stderr_data(
                "\
error: cyclic package dependency: package `a v0.0.1 ([ROOT]/foo/a)` depends on itself. Cycle:
package `a v0.0.1 ([ROOT]/foo/a)`
    ... which satisfies path dependency `a` of package `foo v0.0.1 ([ROOT]/foo)`
    ... which satisfies path dependency `foo` of package `a v0.0.1 ([ROOT]/foo/a)`
",
            )
            .run();
    }
    assert!(!p.root().join("Cargo.lock").exists());
}

#[test]
fn a_package_depending_on_itself_is_a_cycle() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"test\"\nversion = \"0.0.0\"\nedition = \"2015\"\n\n[dependencies.test]\npath = \".\"\n",
        )
        .file("src/lib.rs", "")
        .build();
    p.mycargo("build")
        .with_status(101)
        .with_stderr_data(
            "\
error: cyclic package dependency: package `test v0.0.0 ([ROOT]/foo)` depends on itself. Cycle:
package `test v0.0.0 ([ROOT]/foo)`
    ... which satisfies path dependency `test` of package `test v0.0.0 ([ROOT]/foo)`
",
        )
        .run();
}

#[test]
fn a_closed_stdout_fails_the_build_once_and_waits_for_running_jobs() {
    // `fast` finishes (and its JSON message fails to print) while `heavy`
    // still compiles.
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nfast = { path = \"fast\" }\nheavy = { path = \"heavy\" }\n",
        )
        .file("src/lib.rs", "")
        .file(
            "fast/Cargo.toml",
            "[package]\nname = \"fast\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("fast/src/lib.rs", "")
        .file(
            "heavy/Cargo.toml",
            "[package]\nname = \"heavy\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("heavy/src/lib.rs", heavy_lib())
        .build();
    let mut cmd = p.mycargo("build -j 2 --message-format json").command();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("mycargo hangs on a closed stdout");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = reader.join().unwrap();
    assert!(!status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("error: Broken pipe").count(),
        1,
        "one error for the closed stream:\n{stderr}"
    );
    let warned = stderr.find("warning: build failed, waiting for other jobs to finish...");
    assert!(
        warned.is_some_and(|w| w > stderr.find("error: Broken pipe").unwrap_or(usize::MAX)),
        "{stderr}"
    );
}
