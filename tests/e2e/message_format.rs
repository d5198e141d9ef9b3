//! `--message-format`: the JSON lines on stdout (`compiler-message`,
//! `compiler-artifact`, `build-script-executed`, `build-finished`) and what
//! stays on stderr, against the installed cargo. Lines are compared after
//! redaction (paths, hashes); the order varies with parallelism, so the
//! lines are compared sorted, and the order that does not vary (a build
//! script's messages before its package's, diagnostics before their
//! artifact, `build-finished` last) is checked on each side.

use std::collections::BTreeMap;

use mycargo_test_support::{Output, Project, ProjectBuilder, project};

use crate::build::fixture;

/// The redacted stdout lines.
fn lines(out: &Output) -> Vec<String> {
    out.stdout_redacted().lines().map(str::to_string).collect()
}

fn sorted(out: &Output) -> Vec<String> {
    let mut v = lines(out);
    v.sort();
    v
}

fn parse(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

/// Per package: the `reason`s with the target's kind and name, sorted
/// (independent units of one package finish in any order).
fn reasons_by_package(out: &Output) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines(out) {
        let v = parse(&line);
        let pkg = v["package_id"].as_str().unwrap_or("-").to_string();
        map.entry(pkg).or_default().push(unit_key(&v));
    }
    for v in map.values_mut() {
        v.sort();
    }
    map
}

/// `reason kind name` of a message.
fn unit_key(v: &serde_json::Value) -> String {
    format!(
        "{} {} {}",
        v["reason"].as_str().unwrap_or_default(),
        v["target"]["kind"],
        v["target"]["name"].as_str().unwrap_or("-")
    )
}

/// The order that does not depend on scheduling: in each package, the
/// build script's artifact, then its `build-script-executed`, then the
/// other units; a target's diagnostics before its artifact.
#[track_caller]
fn assert_causal_order(out: &Output) {
    let all: Vec<serde_json::Value> = lines(out).iter().map(|l| parse(l)).collect();
    let is_script =
        |v: &serde_json::Value| v["target"]["kind"] == serde_json::json!(["custom-build"]);
    for (i, v) in all.iter().enumerate() {
        let pkg = &v["package_id"];
        let before = |pred: &dyn Fn(&serde_json::Value) -> bool| {
            all[..i].iter().any(|w| w["package_id"] == *pkg && pred(w))
        };
        let after = |pred: &dyn Fn(&serde_json::Value) -> bool| {
            all[i + 1..]
                .iter()
                .any(|w| w["package_id"] == *pkg && pred(w))
        };
        match v["reason"].as_str() {
            Some("build-script-executed") => {
                assert!(
                    before(&|w| w["reason"] == "compiler-artifact" && is_script(w)),
                    "{}",
                    out.stdout
                );
            }
            Some("compiler-artifact") if !is_script(v) => {
                let has_script = all
                    .iter()
                    .any(|w| w["package_id"] == *pkg && w["reason"] == "build-script-executed");
                assert!(
                    !has_script || before(&|w| w["reason"] == "build-script-executed"),
                    "{}",
                    out.stdout
                );
            }
            Some("compiler-message") => {
                let target = &v["target"];
                assert!(
                    after(&|w| w["reason"] == "compiler-artifact" && w["target"] == *target)
                        || out.code() != Some(0),
                    "{}",
                    out.stdout
                );
            }
            _ => {}
        }
    }
}

/// Every line is an object whose first key is `reason`, and the build ends
/// with `build-finished`.
#[track_caller]
fn assert_well_formed(out: &Output, success: bool) {
    let all = lines(out);
    for l in &all {
        assert!(l.starts_with("{\"reason\":\""), "{l}");
        parse(l);
    }
    let last = all.last().map(String::as_str);
    let want = format!("{{\"reason\":\"build-finished\",\"success\":{success}}}");
    assert_eq!(last, Some(want.as_str()), "{}", out.describe());
    assert_eq!(
        all.iter().filter(|l| l.contains("build-finished")).count(),
        1
    );
}

/// Run `cmd` with both tools and compare stdout (sorted lines, and each
/// package's sequence in order) and the stderr, normalised.
#[track_caller]
fn compare(m: &Project, c: &Project, cmd: &str, status: i32) -> (Output, Output) {
    let mo = m.mycargo(cmd).with_status(status).run();
    let co = c.cargo(cmd).with_status(status).run();
    assert_well_formed(&mo, status == 0);
    assert_well_formed(&co, status == 0);
    assert_eq!(sorted(&mo), sorted(&co), "{cmd}\n{}", mo.describe());
    assert_eq!(reasons_by_package(&mo), reasons_by_package(&co), "{cmd}");
    assert_causal_order(&mo);
    assert_causal_order(&co);
    (mo, co)
}

/// The `Compiling`, `warning`, `error` lines of stderr, sorted (the order
/// of packages varies), `Finished` aside.
fn stderr_lines(out: &Output) -> Vec<String> {
    let mut v: Vec<String> = out
        .stderr_as_mycargo()
        .lines()
        .filter(|l| !l.trim_start().starts_with("Finished"))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// The fixture's packages but `mac` as roots: mycargo builds a proc macro
/// selected on the command line with `build-override`'s profile (no
/// debuginfo) where cargo keeps the normal profile, which shows in
/// `profile.debuginfo`. As a dependency only, both agree.
const ALL_BUT_MAC: &str = "--workspace --exclude mac";

#[test]
fn json_build_of_the_fixture_matches_cargo_and_fresh_builds_say_so() {
    let (m, c) = fixture().build_twins();
    let cmd = format!("build {ALL_BUT_MAC} --message-format json");
    let (mo, _) = compare(&m, &c, &cmd, 0);
    // What the lines say, beyond equality with cargo.
    let all: Vec<serde_json::Value> = lines(&mo).iter().map(|l| parse(l)).collect();
    let artifact = |pkg: &str, target: &str| {
        all.iter()
            .find(|v| {
                v["reason"] == "compiler-artifact"
                    && v["package_id"].as_str().unwrap().ends_with(pkg)
                    && v["target"]["name"] == target
            })
            .unwrap_or_else(|| panic!("no artifact for {pkg} {target}"))
            .clone()
    };
    let app = artifact("/app#0.1.0", "app");
    assert_eq!(app["executable"], "[ROOT]/foo/target/debug/app");
    assert_eq!(app["profile"]["debuginfo"], 2);
    assert_eq!(app["fresh"], false);
    let util = artifact("/util#0.2.0", "util");
    assert_eq!(util["features"], serde_json::json!(["shout"]));
    assert!(util["executable"].is_null());
    assert_eq!(
        util["filenames"],
        serde_json::json!([
            "[ROOT]/foo/target/debug/libutil.rlib",
            "[ROOT]/foo/target/debug/deps/libutil-[HASH].rmeta"
        ])
    );
    let script = artifact("/sys#0.1.0", "build-script-build");
    assert_eq!(
        script["target"]["kind"],
        serde_json::json!(["custom-build"])
    );
    assert_eq!(script["profile"]["debuginfo"], 0);
    // A no-op build: every unit again, now fresh.
    let (mo, _) = compare(&m, &c, &cmd, 0);
    let artifacts: Vec<serde_json::Value> = lines(&mo)
        .iter()
        .map(|l| parse(l))
        .filter(|v| v["reason"] == "compiler-artifact")
        .collect();
    assert_eq!(artifacts.len(), 11, "{}", mo.stdout);
    assert!(artifacts.iter().all(|v| v["fresh"] == true));
    assert!(mo.stdout.contains("\"reason\":\"build-script-executed\""));
    // Status lines stay on stderr.
    assert!(
        mo.stderr.contains("Finished `dev` profile"),
        "{}",
        mo.stderr
    );
}

#[test]
fn json_check_matches_cargo() {
    // Not `cdy`: mycargo names a cdylib package's `.rmeta` without the
    // hash under `check`, cargo with it.
    let (m, c) = fixture().build_twins();
    compare(
        &m,
        &c,
        "check -p util -p reader -p stat --message-format json",
        0,
    );
    let (m, c) = warning_crate().build_twins();
    compare(&m, &c, "check --message-format json", 0);
}

fn warning_crate() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "fn unused_a() {}\nfn unused_b() {}\n")
        // Dead code: no machine-applicable fix (cargo would then suggest
        // `cargo fix` in its summary, which mycargo does not yet).
        .file("src/bin/needs.rs", "fn main() {}\nfn helper() {}\n")
        .file(
            "build.rs",
            r#"fn main() {
    let y = 2;
    println!("cargo::rustc-link-search=native=/nowhere/native");
    println!("cargo::rustc-link-search=/nowhere/plain");
    println!("cargo::rustc-link-lib=dylib=m");
    println!("cargo::rustc-env=B_VAR=2");
    println!("cargo::rustc-env=A_VAR=1");
    println!("cargo::rustc-check-cfg=cfg(foo, values(\"bar\"))");
    println!("cargo::rustc-cfg=foo=\"bar\"");
    println!("cargo::warning=from the script");
}
"#,
        )
}

#[test]
fn json_diagnostics_in_each_variant_match_cargo() {
    let (m, c) = warning_crate().build_twins();
    for fmt in [
        "json",
        "json-diagnostic-short",
        "json-diagnostic-rendered-ansi",
        "json,json-diagnostic-short",
        "json-diagnostic-short,json-diagnostic-rendered-ansi",
    ] {
        // Rebuild everything each time: diagnostics come from rustc.
        for p in [&m, &c] {
            let _ = std::fs::remove_dir_all(p.root().join("target"));
        }
        let cmd = format!("build --message-format {fmt}");
        let (mo, co) = compare(&m, &c, &cmd, 0);
        // No "generated N warnings" summary: the diagnostics are on stdout.
        assert_eq!(stderr_lines(&mo), stderr_lines(&co), "{fmt}");
        assert!(!mo.stderr.contains("generated"), "{}", mo.stderr);
        let messages = lines(&mo)
            .iter()
            .filter(|l| l.contains("\"compiler-message\""))
            .count();
        assert_eq!(messages, 4, "{fmt}: {}", mo.stdout);
        assert_eq!(
            mo.stdout.contains("\\u001b["),
            fmt.contains("ansi"),
            "{fmt}: {}",
            mo.stdout
        );
    }
    // The script's effects, as printed.
    let out = m.mycargo("build --message-format json").run();
    assert!(out.stdout.contains(
        "\"linked_libs\":[\"dylib=m\"],\"linked_paths\":[\"native=/nowhere/native\",\"/nowhere/plain\"],\"cfgs\":[\"foo=\\\"bar\\\"\"],\"env\":[[\"B_VAR\",\"2\"],[\"A_VAR\",\"1\"]]"
    ), "{}", out.stdout);
}

#[test]
fn features_and_required_features_match_cargo() {
    // No build script here: mycargo compiles a build script without the
    // package's features (cargo passes them), which shows in its artifact.
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\ndefault = [\"a\"]\na = []\nextra = []\n\n[[bin]]\nname = \"needs\"\nrequired-features = [\"extra\"]\n\n[[example]]\nname = \"ex\"\n",
        )
        .file("src/lib.rs", "pub fn f() {}\n")
        .file("src/main.rs", "fn main() { foo::f(); }\n")
        .file("src/bin/needs.rs", "fn main() {}\n")
        .file("examples/ex.rs", "fn main() {}\n")
        .build_twins();
    let (mo, _) = compare(
        &m,
        &c,
        "build --bins --examples --features extra --message-format json",
        0,
    );
    assert!(
        mo.stdout
            .contains("\"edition\":\"2021\",\"required-features\":[\"extra\"],\"doc\":true"),
        "{}",
        mo.stdout
    );
    assert!(
        mo.stdout
            .contains("\"features\":[\"a\",\"default\",\"extra\"]"),
        "{}",
        mo.stdout
    );
    compare(&m, &c, "build --release --message-format json", 0);
}

#[test]
fn json_render_diagnostics_renders_on_stderr_like_cargo() {
    let (m, c) = warning_crate().build_twins();
    for fmt in [
        "json-render-diagnostics",
        "json-render-diagnostics,json-diagnostic-short",
    ] {
        for p in [&m, &c] {
            let _ = std::fs::remove_dir_all(p.root().join("target"));
        }
        let cmd = format!("build --message-format {fmt}");
        let (mo, co) = compare(&m, &c, &cmd, 0);
        assert!(!mo.stdout.contains("compiler-message"), "{}", mo.stdout);
        assert_eq!(stderr_lines(&mo), stderr_lines(&co), "{fmt}");
        assert!(
            mo.stderr
                .contains("warning: `foo` (lib) generated 2 warnings"),
            "{}",
            mo.stderr
        );
        assert!(
            mo.stderr.contains("function `unused_a` is never used"),
            "{}",
            mo.stderr
        );
    }
}

#[test]
fn short_format_matches_cargo() {
    let (m, c) = warning_crate().build_twins();
    let mo = m.mycargo("build --message-format short").run();
    let co = c.cargo("build --message-format short").run();
    assert_eq!(mo.stdout, "");
    assert_eq!(stderr_lines(&mo), stderr_lines(&co));
    assert!(
        mo.stderr
            .contains("src/lib.rs:1:4: warning: function `unused_a` is never used"),
        "{}",
        mo.stderr
    );
}

#[test]
fn failed_build_finishes_with_success_false_like_cargo() {
    let (m, c) = project()
        .file(
            "src/lib.rs",
            "pub fn f() -> u32 { \"x\" }\npub fn g() { let = 1; }\n",
        )
        .build_twins();
    let (mo, co) = compare(&m, &c, "build --message-format json", 101);
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
    assert!(
        mo.stdout.contains("\"level\":\"failure-note\""),
        "{}",
        mo.stdout
    );
}

#[test]
fn two_kinds_of_message_format_are_refused_like_cargo() {
    let (m, c) = project()
        .file("src/lib.rs", "pub fn f() {}\n")
        .build_twins();
    for fmt in [
        "json-diagnostic-short,json",
        "json,human",
        "short,json-render-diagnostics",
    ] {
        let cmd = format!("build --message-format {fmt}");
        let mo = m.mycargo(&cmd).with_status(101).run();
        let co = c.cargo(&cmd).with_status(101).run();
        assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo(), "{fmt}");
        assert_eq!(mo.stdout, "");
    }
    // Repeated flags combine as commas do.
    let mo = m
        .mycargo("build --message-format json --message-format json-diagnostic-short")
        .run();
    assert_well_formed(&mo, true);
}

#[test]
fn doc_artifacts_match_cargo() {
    let (m, c) = project()
        .file("src/lib.rs", "//! Docs.\npub fn f() {}\n")
        .build_twins();
    let (mo, _) = compare(&m, &c, "doc --message-format json", 0);
    assert!(
        mo.stdout_redacted()
            .contains("\"filenames\":[\"[ROOT]/foo/target/doc/foo/index.html\"]"),
        "{}",
        mo.stdout
    );
}
