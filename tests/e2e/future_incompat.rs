//! Future-incompatibility reports: a `RUSTC_WRAPPER` adds rustc's
//! `future_incompat` JSON line for one crate (no stable lint is reliably
//! future-incompat), and both tools must say, store and show the same.

use mycargo_test_support::{Tool, project};

/// Runs rustc, then reports a future-incompat warning for crate `bar`.
const WRAPPER: &str = r#"#!/bin/sh
"$@"; rc=$?
case "$*" in *"--crate-name bar "*) printf '%s\n' '{"$message_type":"future_incompat","future_incompat_report":[{"future_breakage_date":null,"diagnostic":{"message":"m","level":"warning","rendered":"warning: this will be rejected\n --> src/lib.rs:1:1\n"}}]}' >&2;; esac
exit $rc
"#;

#[test]
fn report_is_announced_stored_and_shown_like_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = { path = \"bar\" }\n",
        )
        .file("src/lib.rs", "")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.2.0\"\nedition = \"2021\"\nrepository = \"https://example.com/bar\"\n",
        )
        .file("bar/src/lib.rs", "")
        .build();
    let wrapper = p.root().join("wrap.sh");
    mycargo_test_support::write_executable(&wrapper, WRAPPER);
    p.cargo("generate-lockfile").run();
    let mut reports = Vec::new();
    for tool in [Tool::Mycargo, Tool::Cargo] {
        let dir = p.root().join(format!("target-{tool:?}"));
        let run = |cmd: &str| {
            p.tool(tool, cmd)
                .env("RUSTC_WRAPPER", &wrapper)
                .env("CARGO_TARGET_DIR", &dir)
                .with_any_status()
                .run()
        };
        // Before any build there is nothing to show.
        let none = run("report future-incompatibilities");
        assert_eq!(none.code(), Some(101));
        assert!(
            none.stderr_redacted()
                .contains("no reports are currently available")
        );

        let first = run("check");
        let again = run("check --future-incompat-report");
        let shown = run("report future-incompatibilities --id 1 -p bar@0.2.0");
        let missing = run("report future-incompatibilities --id 7");
        let stored = std::fs::read_to_string(dir.join(".future-incompat-report.json")).unwrap();
        reports.push((
            first.stderr_redacted(),
            again.stderr_redacted(),
            shown.stdout_redacted(),
            missing.stderr_redacted(),
            stored.replace(&p.root().display().to_string(), "[ROOT]"),
        ));
    }
    let (m, c) = (&reports[0], &reports[1]);
    assert!(
        m.0.contains("warning: the following packages contain code that will be rejected by a future version of Rust: bar v0.2.0 ([ROOT]/foo/bar)"),
        "{}",
        m.0
    );
    assert!(m.1.contains("this report can be shown with"), "{}", m.1);
    assert!(m.2.contains("> warning: this will be rejected"), "{}", m.2);
    assert_eq!(m, c);
}
