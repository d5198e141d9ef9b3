//! `-Z build-analysis`: the session logs builds leave in `$CARGO_HOME/log`
//! and the reports that read them (`report rebuilds`, `sessions`,
//! `timings`), against the installed cargo where both can run.

use mycargo_test_support::{Execs, Output, Project, ProjectBuilder, Tool, project};
use serde_json::Value;

const NIGHTLY: (&str, &str) = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");
const ENABLED: (&str, &str) = ("CARGO_BUILD_ANALYSIS_ENABLED", "true");

fn nightly(e: Execs) -> Execs {
    e.env(NIGHTLY.0, NIGHTLY.1).with_any_status()
}

fn manifest(name: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2015\"\n{extra}")
}

/// The session ids differ between the tools (they name the time).
fn without_ids(text: &str) -> String {
    text.lines()
        .map(|l| match l.split_once("Session: ") {
            Some((a, _)) => format!("{a}Session: [ID]"),
            None if l.starts_with(" - ") => " - [ID]".to_string(),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Both tools: the same exit code and stderr, session ids aside.
fn same(m: &Project, c: &Project, args: &str) -> Output {
    let mo = nightly(m.mycargo(args)).run();
    let co = nightly(c.cargo(args)).run();
    assert_eq!(
        without_ids(&mo.stderr_as_mycargo()),
        without_ids(&co.stderr_as_mycargo()),
        "`{args}`\n{}",
        mo.describe()
    );
    assert_eq!(mo.code(), co.code(), "`{args}`");
    mo
}

fn both(m: &Project, c: &Project, args: &str, vars: &[(&str, &str)]) {
    for (p, tool) in [(m, Tool::Mycargo), (c, Tool::Cargo)] {
        let mut e = nightly(p.tool(tool, args));
        for (k, v) in vars {
            e = e.env(k, v);
        }
        let out = e.run();
        assert_eq!(out.code(), Some(0), "{tool:?} `{args}`\n{}", out.describe());
    }
}

/// The log files of the tool, oldest first.
fn logs(p: &Project, tool: Tool) -> Vec<Vec<Value>> {
    let dir = p.test_root().cargo_home(tool).join("log");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|f: &std::path::PathBuf| f.extension().is_some_and(|e| e == "jsonl"));
    files.sort();
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).expect("each line is JSON"))
                .collect()
        })
        .collect()
}

fn workspace() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"pkg1\", \"pkg2\", \"pkg3\", \"pkg4\", \"app\"]\nresolver = \"2\"\n",
        )
        .file("pkg1/Cargo.toml", manifest("pkg1", ""))
        .file("pkg1/src/lib.rs", "")
        .file("pkg2/Cargo.toml", manifest("pkg2", ""))
        .file("pkg2/src/lib.rs", "")
        .file("pkg3/Cargo.toml", manifest("pkg3", ""))
        .file("pkg3/src/lib.rs", "")
        .file("pkg4/Cargo.toml", manifest("pkg4", ""))
        .file(
            "pkg4/src/lib.rs",
            "pub fn f() { let _ = option_env!(\"__MYCARGO_TEST_FOO\"); }\n",
        )
        .file(
            "app/Cargo.toml",
            manifest("app", "[dependencies]\npkg2 = { path = \"../pkg2\" }\n"),
        )
        .file("app/src/lib.rs", "")
}

#[test]
fn rebuild_report_like_cargo() {
    let (m, c) = workspace().build_twins();
    both(&m, &c, "check -Zbuild-analysis", &[ENABLED]);
    for p in [&m, &c] {
        p.change_file(
            "pkg1/Cargo.toml",
            manifest("pkg1", "[features]\nfeat = []\n"),
        );
        p.change_file("pkg2/src/lib.rs", "// touched\n");
        p.change_file(
            "pkg3/Cargo.toml",
            manifest("pkg3", "").replace("2015", "2021"),
        );
    }
    both(
        &m,
        &c,
        "check -Zbuild-analysis",
        &[ENABLED, ("__MYCARGO_TEST_FOO", "1")],
    );
    let out = same(&m, &c, "report rebuilds -Zbuild-analysis");
    let err = out.stderr_as_mycargo();
    assert!(
        err.contains("file modified: pkg2/src/lib.rs"),
        "{}",
        out.describe()
    );
    assert!(
        err.contains("declared features changed: [] -> [\"feat\"]"),
        "{err}"
    );
    assert!(
        err.contains("environment variable changed (__MYCARGO_TEST_FOO): <unset> -> 1"),
        "{err}"
    );
    same(&m, &c, "report rebuilds -Zbuild-analysis -vv");
    same(&m, &c, "report sessions -Zbuild-analysis");
    same(&m, &c, "report sessions -Zbuild-analysis --limit 1");
    // An id of another form, and one of no session.
    same(&m, &c, "report rebuilds -Zbuild-analysis --id nope");
    same(
        &m,
        &c,
        "report timings -Zbuild-analysis --id 20260101T000000000Z-0000000000000000",
    );
}

#[test]
fn reports_are_gated_like_cargo() {
    let (m, c) = project()
        .file("Cargo.toml", manifest("foo", ""))
        .file("src/lib.rs", "")
        .build_twins();
    same(&m, &c, "report rebuilds");
    same(&m, &c, "report sessions -Zbuild-analysis");
    // The setting without the flag: cargo's warning, and no log.
    let out = same(&m, &c, "check");
    assert_eq!(out.code(), Some(0));
    let stable = m.mycargo("report timings").with_any_status().run();
    let cargo_stable = c.cargo("report timings").with_any_status().run();
    assert_eq!(stable.stderr_as_mycargo(), cargo_stable.stderr_as_mycargo());
    let warned = nightly(m.mycargo("check").env(ENABLED.0, ENABLED.1)).run();
    assert!(
        warned
            .stderr
            .contains("ignoring 'build.analysis' config, pass `-Zbuild-analysis` to enable it"),
        "{}",
        warned.describe()
    );
    assert!(logs(&m, Tool::Mycargo).is_empty());
}

#[test]
fn session_log_records_units_fingerprints_and_timings() {
    let p = project()
        .file(
            "Cargo.toml",
            manifest("foo", "[dependencies]\nbar = { path = \"bar\" }\n"),
        )
        .file("src/lib.rs", "")
        .file("build.rs", "fn main() {}\n")
        .file("bar/Cargo.toml", manifest("bar", ""))
        .file("bar/src/lib.rs", "")
        .build();
    let run = |args: &str| {
        let out = nightly(p.mycargo(args).env(ENABLED.0, ENABLED.1)).run();
        assert_eq!(out.code(), Some(0), "{}", out.describe());
    };
    run("doc -Zbuild-analysis");
    let first = &logs(&p, Tool::Mycargo)[0];
    let reasons: Vec<&str> = first
        .iter()
        .map(|m| m["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        &reasons[..5],
        [
            "build-started",
            "resolution-started",
            "resolution-finished",
            "unit-graph-started",
            "unit-registered"
        ]
    );
    assert_eq!(first[0]["profile"], "dev");
    // cargo's unit order: by package, then target kind, then mode.
    let registered: Vec<(u64, &str, &str, &str)> = first
        .iter()
        .filter(|m| m["reason"] == "unit-registered")
        .map(|m| {
            (
                m["index"].as_u64().unwrap(),
                m["package_id"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap(),
                m["target"]["kind"].as_str().unwrap(),
                m["mode"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        registered,
        [
            (0, "bar#0.0.0", "lib", "check"),
            (1, "bar#0.0.0", "lib", "doc"),
            (2, "foo#0.0.0", "lib", "doc"),
            (3, "foo#0.0.0", "build-script", "build"),
            (4, "foo#0.0.0", "build-script", "run-custom-build"),
        ]
    );
    let doc_foo = first
        .iter()
        .find(|m| m["reason"] == "unit-registered" && m["index"] == 2)
        .unwrap();
    assert_eq!(doc_foo["requested"], true);
    assert_eq!(doc_foo["dependencies"], serde_json::json!([0, 1, 4]));
    // Every unit is new, and each ran: started, then finished.
    let statuses: Vec<&str> = first
        .iter()
        .filter(|m| m["reason"] == "unit-fingerprint")
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["new"; 5]);
    for i in 0..5 {
        let at = |r: &str| {
            first
                .iter()
                .position(|m| m["reason"] == r && m["index"] == i)
        };
        assert!(at("unit-started") < at("unit-finished"), "unit {i}");
    }

    // Nothing changed: every unit fresh, nothing runs.
    run("check -Zbuild-analysis");
    run("check -Zbuild-analysis");
    let fresh = &logs(&p, Tool::Mycargo)[2];
    assert!(fresh.iter().all(|m| m["reason"] != "unit-started"));
    assert!(
        fresh
            .iter()
            .filter(|m| m["reason"] == "unit-fingerprint")
            .all(|m| m["status"] == "fresh")
    );

    // A changed source: dirty, and why.
    std::thread::sleep(std::time::Duration::from_millis(20));
    p.change_file("bar/src/lib.rs", "// changed\n");
    run("check -Zbuild-analysis");
    let dirty = &logs(&p, Tool::Mycargo)[3];
    let bar = dirty
        .iter()
        .find(|m| m["reason"] == "unit-fingerprint" && m["index"] == 0)
        .unwrap();
    assert_eq!(bar["status"], "dirty");
    assert_eq!(bar["cause"]["stale_item"], "changed-file");
    assert!(
        bar["cause"]["stale"]
            .as_str()
            .unwrap()
            .ends_with("bar/src/lib.rs")
    );

    // The timing report of that session, named by its id.
    let out = nightly(p.mycargo("report timings -Zbuild-analysis")).run();
    assert_eq!(out.code(), Some(0), "{}", out.describe());
    let id = dirty[0]["run_id"].as_str().unwrap();
    let html = p
        .root()
        .join(format!("target/cargo-timings/cargo-timing-{id}.html"));
    let page = std::fs::read_to_string(&html).expect("the report is written");
    assert!(page.contains("bar v0.0.0"), "{page}");
}
