//! `build`, `check` and `run` on a workspace of path crates, against the
//! installed cargo: same artifacts, same program output, same rebuilds.

use std::collections::BTreeSet;

use mycargo_test_support::{Output, Project, ProjectBuilder, project};

/// A workspace that exercises the build engine: a bin using a lib with
/// features, a proc macro, a build script with `links` + metadata + cfg +
/// generated code, a dependent reading `DEP_*`, a cdylib + rlib, a
/// staticlib and an example.
pub fn fixture() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\", \"util\", \"mac\", \"sys\", \"reader\", \"cdy\", \"stat\", \"feat\"]\nresolver = \"2\"\n",
        )
        .file(
            "app/Cargo.toml",
            r#"[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
util = { path = "../util", features = ["shout"] }
mac = { path = "../mac" }
reader = { path = "../reader" }
cdy = { path = "../cdy" }
"#,
        )
        .file(
            "app/src/main.rs",
            r#"mac::make_answer!();
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("{} {} {} {}", util::greet("app"), answer(), reader::sys_answer(), cdy::double(21));
    println!("args: {:?}", args);
    if args.first().map(String::as_str) == Some("fail") {
        std::process::exit(7);
    }
}
"#,
        )
        .file("app/examples/demo.rs", "fn main() { println!(\"demo {}\", util::greet(\"ex\")); }\n")
        .file(
            "util/Cargo.toml",
            "[package]\nname = \"util\"\nversion = \"0.2.0\"\nedition = \"2021\"\n\n[features]\nshout = []\n[dependencies]\nfeat = { path = \"../feat\", features = [\"x\"] }\n",
        )
        .file(
            "util/src/lib.rs",
            r#"pub fn greet(who: &str) -> String {
    let s = format!("hello {who} {}", feat::which());
    if cfg!(feature = "shout") { s.to_uppercase() } else { s }
}
"#,
        )
        .file(
            "feat/Cargo.toml",
            "[package]\nname = \"feat\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\ndefault = [\"a\"]\na = []\nx = []\n",
        )
        .file(
            "feat/src/lib.rs",
            "pub fn which() -> &'static str { if cfg!(feature = \"x\") { \"x\" } else { \"-\" } }\n",
        )
        .file(
            "mac/Cargo.toml",
            "[package]\nname = \"mac\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n",
        )
        .file(
            "mac/src/lib.rs",
            r#"extern crate proc_macro;
use proc_macro::TokenStream;
#[proc_macro]
pub fn make_answer(_: TokenStream) -> TokenStream {
    "fn answer() -> u32 { 42 }".parse().unwrap()
}
"#,
        )
        .file(
            "sys/Cargo.toml",
            "[package]\nname = \"sys\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlinks = \"sysfoo\"\nbuild = \"build.rs\"\n\n[build-dependencies]\ncodegen = { path = \"../codegen\" }\n",
        )
        .file(
            "sys/build.rs",
            r#"use std::io::Write;
fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    let mut f = std::fs::File::create(format!("{out}/gen.rs")).unwrap();
    writeln!(f, "pub const GEN: u32 = {};", codegen::value()).unwrap();
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=input.txt");
    println!("cargo::rustc-check-cfg=cfg(has_sys)");
    println!("cargo::rustc-cfg=has_sys");
    println!("cargo::metadata=answer=42");
}
"#,
        )
        .file("sys/input.txt", "one\n")
        // A build-dependency outside the workspace: compiled for the host.
        .file(
            "codegen/Cargo.toml",
            "[package]\nname = \"codegen\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("codegen/src/lib.rs", "pub fn value() -> u32 { 7 }\n")
        .file(
            "sys/src/lib.rs",
            r#"include!(concat!(env!("OUT_DIR"), "/gen.rs"));
pub fn value() -> u32 { if cfg!(has_sys) { GEN } else { 0 } }
"#,
        )
        .file(
            "reader/Cargo.toml",
            "[package]\nname = \"reader\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nsys = { path = \"../sys\" }\n",
        )
        .file(
            "reader/build.rs",
            r#"fn main() {
    let v = std::env::var("DEP_SYSFOO_ANSWER").unwrap_or_default();
    println!("cargo::rustc-env=SYS_ANSWER={v}");
}
"#,
        )
        .file(
            "reader/src/lib.rs",
            "pub fn sys_answer() -> String { format!(\"{}+{}\", env!(\"SYS_ANSWER\"), sys::value()) }\n",
        )
        .file(
            "cdy/Cargo.toml",
            "[package]\nname = \"cdy\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\ncrate-type = [\"rlib\", \"cdylib\"]\n",
        )
        .file("cdy/src/lib.rs", "pub fn double(x: u32) -> u32 { x * 2 }\n")
        .file(
            "stat/Cargo.toml",
            "[package]\nname = \"stat\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\ncrate-type = [\"staticlib\"]\n",
        )
        .file("stat/src/lib.rs", "#[unsafe(no_mangle)]\npub extern \"C\" fn stat_fn() -> u32 { 3 }\n")
}

/// Files directly in `target/debug` (and `examples/`), hashes aside.
fn final_artifacts(p: &Project) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for dir in ["target/debug", "target/debug/examples"] {
        let Ok(entries) = std::fs::read_dir(p.root().join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let is_file = e.file_type().map(|t| t.is_file()).unwrap_or(false);
            if !is_file || name.starts_with('.') || has_hash(&name) {
                continue;
            }
            if name.ends_with(".d") {
                // The dep-info beside the artifact: its sources, rooted.
                let text = std::fs::read_to_string(e.path()).unwrap();
                let root = p.root().display().to_string();
                let text =
                    mycargo_test_support::redact::redact_hashes(&text.replace(&root, "[ROOT]"));
                out.insert(format!("{dir}/{name} = {text}"));
            } else {
                out.insert(format!("{dir}/{name}"));
            }
        }
    }
    out
}

fn has_hash(name: &str) -> bool {
    name.rsplit('-').next().is_some_and(|h| {
        let h = h.split('.').next().unwrap_or("");
        h.len() == 16 && h.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// The `Compiling` / `Checking` lines of a build, sorted (order varies
/// with parallelism).
fn compiled(out: &Output) -> Vec<String> {
    let mut v: Vec<String> = out
        .stderr_redacted()
        .lines()
        .filter(|l| {
            l.trim_start().starts_with("Compiling") || l.trim_start().starts_with("Checking")
        })
        .map(|l| l.trim().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn build_makes_the_same_artifacts_as_cargo() {
    let (m, c) = fixture().build_twins();
    let mo = m.mycargo("build").run();
    let co = c.cargo("build").run();
    assert_eq!(final_artifacts(&m), final_artifacts(&c));
    assert_eq!(compiled(&mo), compiled(&co));
    assert!(
        mo.stderr_redacted()
            .contains("Finished `dev` profile [unoptimized + debuginfo] target(s) in")
    );
    // The binaries print the same.
    let run_m = m.process(m.root().join("target/debug/app")).run();
    let run_c = c.process(c.root().join("target/debug/app")).run();
    assert_eq!(run_m.stdout, run_c.stdout);
    assert!(
        run_m.stdout.starts_with("HELLO APP X 42 42+7 42"),
        "{}",
        run_m.stdout
    );
}

#[test]
fn run_passes_arguments_and_exit_code() {
    let (m, c) = fixture().build_twins();
    let mo = m.mycargo("run -p app -- fail x").with_status(7).run();
    let co = c.cargo("run -p app -- fail x").with_status(7).run();
    assert_eq!(mo.stdout, co.stdout);
    assert!(
        mo.stderr_redacted()
            .contains("Running `target/debug/app fail x`"),
        "{}",
        mo.stderr
    );
    m.mycargo("run -p app --example demo")
        .with_stdout_contains("demo HELLO EX X")
        .run();
}

#[test]
fn no_op_build_compiles_nothing_and_changes_rebuild_like_cargo() {
    let (m, c) = fixture().build_twins();
    m.mycargo("build").run();
    c.cargo("build").run();
    let mo = m.mycargo("build").run();
    assert_eq!(compiled(&mo), Vec::<String>::new(), "{}", mo.stderr);
    // Touch a leaf source: the same packages rebuild.
    for p in [&m, &c] {
        std::thread::sleep(std::time::Duration::from_millis(20));
        p.change_file("feat/src/lib.rs", "pub fn which() -> &'static str { if cfg!(feature = \"x\") { \"X!\" } else { \"-\" } }\n");
    }
    let mo = m.mycargo("build").run();
    let co = c.cargo("build").run();
    assert_eq!(compiled(&mo), compiled(&co));
    // A rerun-if-changed input of a build script.
    for p in [&m, &c] {
        std::thread::sleep(std::time::Duration::from_millis(20));
        p.change_file("sys/input.txt", "two\n");
    }
    let mo = m.mycargo("build").run();
    let co = c.cargo("build").run();
    assert_eq!(compiled(&mo), compiled(&co));
    // RUSTFLAGS.
    let mo = m.mycargo("build").env("RUSTFLAGS", "--cfg extra").run();
    let co = c.cargo("build").env("RUSTFLAGS", "--cfg extra").run();
    assert_eq!(compiled(&mo), compiled(&co));
}

#[test]
fn check_checks() {
    let (m, c) = fixture().build_twins();
    let mo = m.mycargo("check").run();
    let co = c.cargo("check").run();
    assert_eq!(compiled(&mo), compiled(&co));
}

#[test]
fn compile_error_matches_cargo() {
    let (m, c) = project()
        .file("src/main.rs", "fn main() { let x: u32 = \"no\"; }\n")
        .build_twins();
    let mo = m.mycargo("build").with_status(101).run();
    let co = c.cargo("build").with_status(101).run();
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
}

#[test]
fn failing_build_script_matches_cargo() {
    let (m, c) = project()
        .file("src/main.rs", "fn main() {}\n")
        .file("build.rs", "fn main() { println!(\"out line\"); eprintln!(\"err line\"); std::process::exit(3); }\n")
        .build_twins();
    let mo = m.mycargo("build").with_status(101).run();
    let co = c.cargo("build").with_status(101).run();
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
}

#[test]
fn unknown_bin_matches_cargo() {
    let (m, c) = project()
        .file("src/main.rs", "fn main() {}\n")
        .build_twins();
    let mo = m.mycargo("build --bin nope").with_status(101).run();
    let co = c.cargo("build --bin nope").with_status(101).run();
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
}

#[test]
fn env_var_read_by_env_macro_and_features_rebuild_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nloud = []\n[dependencies]\nleaf = { path = \"leaf\" }\n",
        )
        .file("src/main.rs", "fn main() { println!(\"{} {}\", option_env!(\"MY_VAR\").unwrap_or(\"-\"), leaf::f()); }\n")
        .file("leaf/Cargo.toml", "[package]\nname = \"leaf\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("leaf/src/lib.rs", "pub fn f() -> u8 { 1 }\n")
        .build_twins();
    m.mycargo("build").run();
    c.cargo("build").run();
    // The env var `option_env!` reads.
    let mo = m.mycargo("build").env("MY_VAR", "a").run();
    let co = c.cargo("build").env("MY_VAR", "a").run();
    assert_eq!(compiled(&mo), compiled(&co));
    assert_eq!(compiled(&mo), ["Compiling foo v0.1.0 ([ROOT]/foo)"]);
    // Same value: nothing to do.
    let mo = m.mycargo("build").env("MY_VAR", "a").run();
    assert!(compiled(&mo).is_empty(), "{}", mo.stderr);
    // A feature of the package.
    let mo = m.mycargo("build --features loud").env("MY_VAR", "a").run();
    let co = c.cargo("build --features loud").env("MY_VAR", "a").run();
    assert_eq!(compiled(&mo), compiled(&co));
    let out = m.process(m.root().join("target/debug/foo")).run();
    assert_eq!(out.stdout, "a 1\n");
}

#[test]
fn verbose_running_lines_name_rustc_as_cargo_does() {
    // mycargo runs the toolchain's own rustc/rustdoc rather than rustup's
    // proxy, but shows them as the bare names cargo shows when it runs the
    // `rustc` on PATH (cargo's testsuite expects `[RUNNING] `rustc ...``).
    // Not compared with cargo here: the hermetic environment gives cargo
    // an explicit compiler path, which it then shows.
    let p = project()
        .file(
            "src/lib.rs",
            "/// ```\n/// assert!(true);\n/// ```\npub fn f() {}\n",
        )
        .build();
    let out = p.mycargo("test -v").run();
    for shown in [
        "     Running `rustc --crate-name foo ",
        "     Running `rustdoc --edition=2015 --crate-type lib ",
    ] {
        assert!(out.stderr.contains(shown), "{shown}\n{}", out.describe());
    }
    // A compiler the user names is shown as named.
    let rustc = String::from_utf8(
        std::process::Command::new("rustc")
            .args(["--print", "sysroot"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let named = std::path::Path::new(rustc.trim()).join("bin/rustc");
    p.change_file("src/lib.rs", "pub fn g() {}\n");
    let out = p.mycargo("build -v").env("RUSTC", &named).run();
    assert!(
        out.stderr.contains(&format!(
            "     Running `{} --crate-name foo ",
            named.display()
        )),
        "{}",
        out.describe()
    );
}

#[test]
fn verbose_shows_fresh_and_dirty_reasons() {
    let p = project().file("src/lib.rs", "pub fn f() {}\n").build();
    p.mycargo("build").run();
    std::thread::sleep(std::time::Duration::from_millis(20));
    p.change_file("src/lib.rs", "pub fn f() { }\n");
    p.mycargo("build -v")
        .with_stderr_contains(
            "       Dirty foo v0.0.1 ([ROOT]/foo): the file `src/lib.rs` has changed (",
        )
        .with_stderr_contains("     Running `")
        .run();
    p.mycargo("build -v")
        .with_stderr_contains("       Fresh foo v0.0.1 ([ROOT]/foo)")
        .run();
}

#[test]
fn warnings_are_summarised_like_cargo() {
    let (m, c) = project()
        .file("src/lib.rs", "fn unused_a() {}\nfn unused_b() {}\n")
        .build_twins();
    let mo = m.mycargo("build").run();
    let co = c.cargo("build").run();
    let summary = |o: &Output| {
        o.stderr_redacted()
            .lines()
            .filter(|l| l.starts_with("warning: `foo`"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(summary(&mo), summary(&co));
    assert_eq!(summary(&mo).len(), 1, "{}", mo.stderr);
    // A fresh build shows the same warnings again, nothing compiled.
    let mo2 = m.mycargo("build").run();
    let co2 = c.cargo("build").run();
    assert!(compiled(&mo2).is_empty(), "{}", mo2.stderr);
    let without_finished = |o: &Output| {
        o.stderr_redacted()
            .lines()
            .filter(|l| !l.contains("Finished"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(without_finished(&mo2), without_finished(&co2));
    assert!(
        mo2.stderr.contains("function `unused_a` is never used"),
        "{}",
        mo2.stderr
    );
    // Fixing the code clears them.
    for p in [&m, &c] {
        std::thread::sleep(std::time::Duration::from_millis(20));
        p.change_file("src/lib.rs", "pub fn used() {}\n");
    }
    m.mycargo("build").run();
    let mo3 = m.mycargo("build").run();
    assert!(!mo3.stderr.contains("warning"), "{}", mo3.stderr);
}

#[test]
fn second_build_waits_for_the_build_directory_lock() {
    let p = project().file("src/lib.rs", "pub fn f() {}\n").build();
    p.mycargo("build").run();
    // Hold the lock as a running build would, then start a build.
    let lock_path = p.root().join("target/debug/.cargo-lock");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    let mut child = std::process::Command::new(mycargo_test_support::mycargo_bin())
        .arg("build")
        .current_dir(p.root())
        .env_clear()
        .envs(mycargo_test_support::execs::hermetic_env(
            mycargo_test_support::Tool::Mycargo,
            p.test_root(),
        ))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build did not wait for the lock"
    );
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Blocking waiting for file lock on artifact directory"),
        "{stderr}"
    );
}

/// Every file under `dir` (relative), with 16-hex hashes replaced.
fn tree_without_hashes(dir: &std::path::Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("incremental") && !p.ends_with(".fingerprint") {
                    stack.push(p);
                }
                continue;
            }
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
            let redacted: Vec<String> = rel
                .split('/')
                .map(|part| {
                    part.split('-')
                        .map(|w| {
                            let core = w.split('.').next().unwrap_or("");
                            if core.len() == 16 && core.chars().all(|c| c.is_ascii_hexdigit()) {
                                w.replacen(core, "[HASH]", 1)
                            } else {
                                w.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("-")
                })
                .collect();
            out.insert(redacted.join("/"));
        }
    }
    out
}

#[test]
fn explicit_target_uses_the_triple_layout_like_cargo() {
    let host = mycargo_test_support::compare::host_triple();
    let (m, c) = project()
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", env!(\"FROM_SCRIPT\")); }\n",
        )
        .file(
            "build.rs",
            "fn main() { println!(\"cargo::rustc-env=FROM_SCRIPT=yes\"); }\n",
        )
        .build_twins();
    m.mycargo(&format!("build --target {host}")).run();
    c.cargo(&format!("build --target {host}")).run();
    let ours = tree_without_hashes(&m.root().join("target"));
    let theirs = tree_without_hashes(&c.root().join("target"));
    let interesting = |s: &BTreeSet<String>| -> BTreeSet<String> {
        s.iter()
            .filter(|p| {
                !p.ends_with(".d")
                    && !p.ends_with(".json")
                    && !p.contains("/.")
                    // mycargo's no-op records (`target/.mycargo/`).
                    && !p.starts_with(".mycargo/")
                    && !p.contains("invoked.timestamp")
            })
            .cloned()
            .collect()
    };
    assert_eq!(interesting(&ours), interesting(&theirs));
    assert!(m.root().join(format!("target/{host}/debug/foo")).is_file());
    let out = m
        .process(m.root().join(format!("target/{host}/debug/foo")))
        .run();
    assert_eq!(out.stdout, "yes\n");
}

#[test]
fn inherited_jobserver_is_used_and_dash_j_ignored_with_warning() {
    if std::process::Command::new("make")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("make is not installed; skipping");
        return;
    }
    let p = project()
        .file("src/lib.rs", "pub fn f() {}\n")
        .file(
            "Makefile",
            format!(
                "all:\n\t+\"{}\" build -j 8\n",
                mycargo_test_support::mycargo_bin().display()
            ),
        )
        .build();
    let out = p.process("make").args(["-j2", "-s"]).run();
    assert!(
        out.stderr.contains("warning: a `-j` argument was passed to Cargo but Cargo is also configured with an external jobserver in its environment, ignoring the `-j` parameter"),
        "{}",
        out.describe()
    );
    assert!(out.stderr.contains("Compiling foo"), "{}", out.describe());
}

#[test]
fn run_uses_the_configured_runner_like_cargo() {
    let (m, c) = project()
        .file(
            "src/main.rs",
            "fn main() { println!(\"ran {:?}\", std::env::args().skip(1).collect::<Vec<_>>()); }\n",
        )
        .file(
            "runner.sh",
            "#!/bin/sh\necho \"runner got $# args\"\nexec \"$@\"\n",
        )
        .file(
            ".cargo/config.toml",
            "[target.'cfg(unix)']\nrunner = [\"sh\", \"runner.sh\"]\n",
        )
        .build_twins();
    let mo = m.mycargo("run -- a b").run();
    let co = c.cargo("run -- a b").run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "runner got 3 args\nran [\"a\", \"b\"]\n");
    assert!(
        mo.stderr_redacted()
            .contains("Running `sh runner.sh target/debug/foo a b`"),
        "{}",
        mo.stderr
    );
}

#[test]
fn clippy_plugin_reports_a_lint_through_mycargo() {
    let have_clippy = std::process::Command::new("cargo-clippy")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_clippy {
        eprintln!("cargo-clippy is not installed; skipping");
        return;
    }
    let p = project()
        .file(
            "src/main.rs",
            "fn main() {\n    let x = 5;\n    if x == x {\n        println!(\"hi\");\n    }\n}\n",
        )
        .build();
    let out = p.mycargo("clippy").with_status(101).run();
    assert!(out.stderr.contains("clippy::eq_op"), "{}", out.describe());
    assert!(
        out.stderr.contains("Checking foo v0.0.1"),
        "{}",
        out.describe()
    );
}

#[test]
fn fmt_plugin_formats_a_workspace_through_mycargo() {
    let have_fmt = std::process::Command::new("cargo-fmt")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_fmt {
        eprintln!("cargo-fmt is not installed; skipping");
        return;
    }
    let messy = "fn  main( ) {println!(\"hi\") ;}\n";
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("a/src/main.rs", messy)
        .file(
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("b/src/lib.rs", "pub fn  f( )->u8 {1}\n")
        .build_twins();
    // `--check` finds both members unformatted (cargo-fmt asks
    // `$CARGO metadata` for the workspace's targets).
    let mo = m.mycargo("fmt --check").with_status(1).run();
    let co = c.cargo("fmt --check").with_status(1).run();
    let redact = |s: &str, p: &Project| s.replace(&p.root().display().to_string(), "[ROOT]");
    assert_eq!(redact(&mo.stdout, &m), redact(&co.stdout, &c));
    assert!(mo.stdout.contains("b/src/lib.rs"), "{}", mo.describe());
    // Formatting writes the same files as under cargo.
    m.mycargo("fmt").run();
    c.cargo("fmt").run();
    for f in ["a/src/main.rs", "b/src/lib.rs"] {
        let mine = std::fs::read_to_string(m.root().join(f)).unwrap();
        assert_eq!(mine, std::fs::read_to_string(c.root().join(f)).unwrap());
        assert_ne!(mine, messy);
    }
    m.mycargo("fmt --check").run();
}

#[test]
fn keep_going_builds_what_it_can_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"bad\", \"good\", \"slowdep\"]\nresolver = \"2\"\n",
        )
        .file("bad/Cargo.toml", "[package]\nname = \"bad\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("bad/src/lib.rs", "pub fn f() -> u32 { \"x\" }\n")
        .file("good/Cargo.toml", "[package]\nname = \"good\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nslowdep = { path = \"../slowdep\" }\n")
        .file("good/src/lib.rs", "pub fn g() -> u32 { slowdep::h() }\n")
        .file("slowdep/Cargo.toml", "[package]\nname = \"slowdep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("slowdep/src/lib.rs", "pub fn h() -> u32 { 1 }\n")
        .build_twins();
    let mo = m.mycargo("build --keep-going -j 1").with_status(101).run();
    let co = c.cargo("build --keep-going -j 1").with_status(101).run();
    assert_eq!(compiled(&mo), compiled(&co));
    assert!(
        m.root().join("target/debug/libgood.rlib").is_file(),
        "{}",
        mo.stderr
    );
}

/// `Compiling` lines plus the `Dirty` reasons of a `-v` build.
fn compiled_and_reasons(out: &Output) -> Vec<String> {
    let mut v = compiled(out);
    v.extend(
        out.stderr_redacted()
            .lines()
            .filter(|l| l.trim_start().starts_with("Dirty"))
            .map(|l| l.trim().to_string()),
    );
    v
}

#[test]
fn manifest_changes_rebuild_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = \"one\"\n\n[features]\na = []\n",
        )
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", env!(\"CARGO_PKG_DESCRIPTION\")); }\n",
        )
        .file("leaf/Cargo.toml", "[package]\nname = \"leaf\"\nversion = \"0.1.0\"\nedition = \"2021\"\nhomepage = \"h\"\n")
        .file("leaf/src/lib.rs", "pub fn f() -> u8 { 1 }\n")
        .build_twins();
    let step = |edit: &dyn Fn(&Project)| {
        for p in [&m, &c] {
            std::thread::sleep(std::time::Duration::from_millis(20));
            edit(p);
        }
        let mo = m.mycargo("build -v").run();
        let co = c.cargo("build -v").run();
        assert_eq!(
            compiled_and_reasons(&mo),
            compiled_and_reasons(&co),
            "{}",
            mo.stderr
        );
        compiled_and_reasons(&mo)
    };
    m.mycargo("build").run();
    c.cargo("build").run();
    let edit = |from: &'static str, to: &'static str| {
        move |p: &Project| {
            let path = p.root().join("Cargo.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace(from, to)).unwrap();
        }
    };
    // The description `env!` reads: rebuilt, and the new value is used.
    let lines = step(&edit("\"one\"", "\"two\""));
    assert!(!lines.is_empty());
    let out = m.process(m.root().join("target/debug/foo")).run();
    assert_eq!(out.stdout, "two\n");
    // Nothing changed: nothing rebuilt (the recorded value matches).
    assert!(step(&|_| {}).is_empty());
    // The edition, a declared feature, lints, a new dependency.
    step(&edit(
        "edition = \"2021\"\ndesc",
        "edition = \"2018\"\ndesc",
    ));
    step(&edit("a = []\n", "a = []\nb = []\n"));
    step(&edit(
        "b = []\n",
        "b = []\n\n[lints.rust]\nunsafe_code = \"deny\"\n",
    ));
    step(&edit(
        "[features]",
        "[dependencies]\nleaf = { path = \"leaf\" }\n\n[features]",
    ));
    // Metadata nobody reads: fresh.
    assert!(step(&edit("\"two\"\n", "\"two\"\nkeywords = [\"k\"]\n")).is_empty());
}

#[test]
fn default_members_choose_what_builds_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"root\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\nmembers = [\"a\", \"b\"]\ndefault-members = [\"b\", \".\"]\n",
        )
        .file("src/lib.rs", "")
        .file("a/Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("a/src/lib.rs", "")
        .file("b/Cargo.toml", "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("b/src/lib.rs", "")
        .build_twins();
    // At the root: the default members.
    let mo = m.mycargo("check").run();
    let co = c.cargo("check").run();
    assert_eq!(compiled(&mo), compiled(&co));
    assert_eq!(compiled(&mo).len(), 2, "{}", mo.stderr);
    // In a member's directory: that member.
    let mo = m.mycargo("build").cwd(m.root().join("a")).run();
    let co = c.cargo("build").cwd(c.root().join("a")).run();
    assert_eq!(compiled(&mo), compiled(&co));
    assert_eq!(compiled(&mo).len(), 1, "{}", mo.stderr);
}

#[test]
fn a_package_used_by_build_script_and_program_compiles_once_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nshared = { path = \"shared\" }\n\n[build-dependencies]\nshared = { path = \"shared\" }\n",
        )
        .file("build.rs", "fn main() { assert_eq!(shared::f(), 1); }\n")
        .file("src/main.rs", "fn main() { println!(\"{}\", shared::f()); }\n")
        .file("shared/Cargo.toml", "[package]\nname = \"shared\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("shared/src/lib.rs", "pub fn f() -> u8 { 1 }\n")
        .build_twins();
    let rustc_runs = |o: &Output| {
        o.stderr
            .lines()
            .filter(|l| l.contains("Running `") && l.contains("--crate-name shared"))
            .count()
    };
    let mo = m.mycargo("build -v").run();
    let co = c.cargo("build -v").run();
    assert_eq!(rustc_runs(&mo), rustc_runs(&co), "{}", mo.stderr);
    assert_eq!(rustc_runs(&mo), 1, "{}", mo.stderr);
    // Across targets the two stay apart (no sharing with `--target`).
    let host = mycargo_test_support::compare::host_triple();
    let mo = m.mycargo(&format!("build -v --target {host}")).run();
    let co = c.cargo(&format!("build -v --target {host}")).run();
    assert_eq!(rustc_runs(&mo), rustc_runs(&co), "{}", mo.stderr);
}

#[test]
fn a_member_directory_of_a_virtual_workspace_builds_that_member_like_cargo() {
    let (m, c) = project()
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
        .file("b/src/lib.rs", "")
        .build_twins();
    let mo = m.mycargo("check").cwd(m.root().join("b")).run();
    let co = c.cargo("check").cwd(c.root().join("b")).run();
    assert_eq!(compiled(&mo), compiled(&co));
    assert_eq!(
        compiled(&mo),
        ["Checking b v0.1.0 ([ROOT]/foo/b)"],
        "{}",
        mo.stderr
    );
    // At the root: every member.
    let mo = m.mycargo("check").run();
    assert_eq!(
        compiled(&mo),
        ["Checking a v0.1.0 ([ROOT]/foo/a)"],
        "{}",
        mo.stderr
    );
}

/// `check --tests` checks integration tests as their harness builds them
/// (`--test`, no `main` needed), as cargo does.
#[test]
fn check_tests_checks_test_targets_with_the_harness() {
    let (m, c) = mycargo_test_support::project()
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .file(
            "tests/t.rs",
            "#[test]\nfn t() { assert_eq!(foo::f(), 1); }\n",
        )
        .build_twins();
    for args in ["check --tests", "check --all-targets"] {
        m.mycargo("clean").run();
        c.cargo("clean").run();
        let mo = m.mycargo(&format!("{args} -v")).run();
        let co = c.cargo(&format!("{args} -v")).run();
        // The test target's mode flags, as each tool passed them.
        let flags = |stderr: &str| -> (bool, bool) {
            let line = stderr
                .lines()
                .find(|l| l.contains("--crate-name t "))
                .unwrap_or_default();
            (line.contains(" --test "), line.contains("--crate-type bin"))
        };
        assert_eq!(
            flags(&co.stderr),
            (true, false),
            "cargo {args}: {}",
            co.stderr
        );
        assert_eq!(
            flags(&mo.stderr),
            flags(&co.stderr),
            "{args}: {}",
            mo.stderr
        );
    }
}

#[test]
fn a_units_inputs_are_compared_with_when_its_compiler_started() {
    // As cargo: the fingerprint's dep-info file takes the time rustc was
    // started, so a source saved while rustc ran counts as newer.
    let p = project().file("src/lib.rs", "pub fn f() {}\n").build();
    p.mycargo("build").run();
    let find = |dir: &str, prefix: &str| -> std::path::PathBuf {
        walk_files(&p.root().join(dir))
            .into_iter()
            .find(|f| {
                f.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .unwrap_or_else(|| panic!("no {prefix}* under {dir}"))
    };
    let dep_info = find("target/debug/.fingerprint", "dep-lib-foo");
    let rlib = find("target/debug/deps", "libfoo-");
    let mtime = |f: &std::path::Path| std::fs::metadata(f).unwrap().modified().unwrap();
    assert!(mtime(&dep_info) < mtime(&rlib), "{dep_info:?} {rlib:?}");
    // A source saved just after rustc started (before the rlib was
    // written) makes the next build compile again.
    let during = mtime(&dep_info) + std::time::Duration::from_millis(1);
    let src = p.root().join("src/lib.rs");
    std::fs::File::options()
        .write(true)
        .open(&src)
        .unwrap()
        .set_modified(during)
        .unwrap();
    p.mycargo("build")
        .with_stderr_contains("   Compiling foo v0.0.1 ([ROOT]/foo)")
        .run();
}

/// Every file under `dir`.
fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Two members' examples of one name write one file: cargo's warning,
/// word for word, and the build goes on.
#[test]
fn output_filename_collisions_warned_like_cargo() {
    let (m, c) = super::twin::two_members("1.0.0", "")
        .file("a/examples/ex1.rs", "fn main() {}")
        .file("b/examples/ex1.rs", "fn main() {}")
        .build_twins();
    let warning = |p: &Project, cargo: bool| {
        let e = match cargo {
            true => p.cargo("build --examples -j1"),
            false => p.mycargo("build --examples -j1"),
        };
        let out = e.run();
        let text = match cargo {
            true => out.stderr_as_mycargo(),
            false => out.stderr_redacted(),
        };
        text.lines()
            .skip_while(|l| !l.contains("filename collision"))
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mine = warning(&m, false);
    assert!(
        mine.contains("the example target `ex1` in package `b v1.0.0"),
        "{mine}"
    );
    assert_eq!(mine, warning(&c, true));
}

/// `CARGO_LOG=cargo::util::rustc=debug`: the rustc info cache's events,
/// in cargo's words (a miss and an update, then a hit and no update).
#[test]
fn rustc_info_cache_logs_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "")
        .build();
    let log = ("CARGO_LOG", "cargo::util::rustc=debug");
    let first = p.mycargo("build").env(log.0, log.1).run().stderr;
    for line in [
        "failed to read rustc info cache",
        "rustc info cache miss",
        "updated rustc info cache",
    ] {
        assert!(first.contains(line), "{line}\n{first}");
    }
    assert!(!first.contains("rustc info cache hit"), "{first}");
    let second = p.mycargo("build").env(log.0, log.1).run().stderr;
    assert!(
        second.contains("reusing existing rustc info cache"),
        "{second}"
    );
    assert!(second.contains("rustc info cache hit"), "{second}");
    assert!(!second.contains("updated rustc info cache"), "{second}");
    let quiet = p.mycargo("build").run().stderr;
    assert!(!quiet.contains("DEBUG"), "{quiet}");
}
