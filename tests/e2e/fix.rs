//! `fix`: the same edits, messages and refusals as cargo's, each tool on
//! its own copy of the project.

use mycargo_test_support::execs::Output;
use mycargo_test_support::{Project, git, project};

const LIB: &str = "pub fn total(v: &Vec<u32>) -> u32 {\n    let mut sum = 0;\n    let mut unused = 1;\n    for x in v {\n        sum += x;\n    }\n    sum\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        let mut y = 2;\n        assert_eq!(y, 2);\n    }\n}\n";

fn twins(edition: &str, lib: &str) -> (Project, Project) {
    project()
        .file(
            "Cargo.toml",
            format!("[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"{edition}\"\n"),
        )
        .file("src/lib.rs", lib)
        .file(".gitignore", "/target\n")
        .build_twins()
}

/// Run `args` with both tools; stderr, status and the resulting files must
/// be the same.
fn same(m: &Project, c: &Project, args: &str, files: &[&str]) -> Output {
    let mo = m.mycargo(args).with_any_status().run();
    let co = c.cargo(args).with_any_status().run();
    assert_eq!(
        mo.stderr_as_mycargo(),
        co.stderr_as_mycargo(),
        "`{args}`\n{}",
        mo.describe()
    );
    assert_eq!(mo.code(), co.code(), "`{args}`");
    for f in files {
        assert_eq!(m.read_file(f), c.read_file(f), "`{args}`: {f}");
    }
    mo
}

fn commit(p: &Project) {
    let repo = git::init(&p.root());
    git::add(&repo);
    git::commit(&repo, "initial");
}

#[test]
fn applies_rustcs_suggestions_like_cargo() {
    let (m, c) = twins("2021", LIB);
    // Without version control, nothing is touched.
    let out = same(&m, &c, "fix", &["src/lib.rs"]);
    assert_eq!(out.code(), Some(101));
    assert!(out.stderr.contains("no VCS found"), "{}", out.stderr);
    assert_eq!(m.read_file("src/lib.rs"), LIB);

    let out = same(&m, &c, "fix --allow-no-vcs", &["src/lib.rs"]);
    assert_eq!(out.code(), Some(0));
    assert!(
        out.stderr.contains("Fixed src/lib.rs (1 fix)"),
        "{}",
        out.stderr
    );
    let fixed = m.read_file("src/lib.rs");
    assert!(fixed.contains("let _unused = 1;"), "{fixed}");
    // Tests are not fixed by default; `--tests` fixes them.
    assert!(fixed.contains("let mut y = 2;"), "{fixed}");
    same(&m, &c, "fix --allow-no-vcs --tests", &["src/lib.rs"]);
    assert!(m.read_file("src/lib.rs").contains("let y = 2;"));
    // Nothing left to fix: no `Fixed` line, the files stay.
    let again = same(&m, &c, "fix --allow-no-vcs --all-targets", &["src/lib.rs"]);
    assert!(!again.stderr.contains("Fixed"), "{}", again.stderr);
}

#[test]
fn refuses_dirty_and_staged_work_trees_like_cargo() {
    let (m, c) = twins("2021", LIB);
    commit(&m);
    commit(&c);
    same(&m, &c, "fix", &["src/lib.rs"]);
    for p in [&m, &c] {
        p.change_file("src/lib.rs", format!("{LIB}\n// edited\n"));
        p.change_file("new.txt", "untracked");
    }
    let out = same(&m, &c, "fix", &["src/lib.rs"]);
    assert_eq!(out.code(), Some(101));
    assert!(out.stderr.contains("  * new.txt (dirty)"), "{}", out.stderr);
    assert!(
        out.stderr.contains("  * src/lib.rs (dirty)"),
        "{}",
        out.stderr
    );
    for p in [&m, &c] {
        let repo = git2::Repository::open(p.root()).unwrap();
        git::add(&repo);
    }
    let out = same(&m, &c, "fix", &["src/lib.rs"]);
    assert!(
        out.stderr.contains("  * new.txt (staged)"),
        "{}",
        out.stderr
    );
    let out = same(&m, &c, "fix --allow-staged", &["src/lib.rs"]);
    assert_eq!(out.code(), Some(0));
}

#[test]
fn edition_migration_matches_cargo() {
    // 2018 → 2021: the range pattern and the manifest announcement.
    let lib = "pub fn f(x: u8) -> bool {\n    match x {\n        0...9 => true,\n        _ => false,\n    }\n}\n";
    let (m, c) = twins("2018", lib);
    let out = same(
        &m,
        &c,
        "fix --edition --allow-no-vcs",
        &["src/lib.rs", "Cargo.toml"],
    );
    assert!(
        out.stderr
            .contains("Migrating Cargo.toml from 2018 edition to 2021"),
        "{}",
        out.stderr
    );
    assert!(m.read_file("src/lib.rs").contains("0..=9"));
    // A 2021 manifest with 2024's retired spellings is rewritten in place.
    let manifest = "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n# the tests' helpers\n[ dev_dependencies ] # kept\nbar = { path = \"bar\", default_features = false }\n";
    for p in [&m, &c] {
        p.change_file("Cargo.toml", manifest);
        p.change_file("src/lib.rs", "");
        p.change_file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        p.change_file("bar/src/lib.rs", "");
    }
    let out = same(&m, &c, "fix --edition --allow-no-vcs", &["Cargo.toml"]);
    assert!(
        out.stderr.contains("Fixed Cargo.toml (2 fixes)"),
        "{}",
        out.stderr
    );
    assert!(
        m.read_file("Cargo.toml")
            .contains("[ dev-dependencies ] # kept")
    );
}

#[test]
fn broken_fixes_are_rolled_back() {
    // A stand-in rustc that suggests a change, then fails on the fixed
    // code: the file goes back and the first run's output stands.
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "// fix-count 0")
        .build();
    let shim = p.root().join("rustc-shim");
    let suggestion = r#"{"$message_type":"diagnostic","message":"bump","code":null,"level":"warning","spans":[],"children":[{"message":"here","code":null,"level":"help","spans":[{"file_name":"src/lib.rs","byte_start":13,"byte_end":14,"suggested_replacement":"1","suggestion_applicability":"MachineApplicable"}],"children":[],"rendered":null}],"rendered":"warning: shim suggestion\n"}"#;
    mycargo_test_support::write_executable(
        &shim,
        &format!(
            "#!/bin/sh\n[ -n \"$CARGO_PKG_NAME\" ] || exec rustc \"$@\"\nif grep -q 'fix-count 0' src/lib.rs; then printf '%s\\n' '{suggestion}' >&2; exit 0; fi\necho 'error: broken after fix' >&2\nexit 1\n"
        ),
    );
    let out = p
        .mycargo("fix --allow-no-vcs --lib")
        .env("RUSTC", &shim)
        .with_any_status()
        .run();
    assert_eq!(out.code(), Some(0), "{}", out.describe());
    let err = out.stderr_redacted();
    assert!(
        err.contains(
            "warning: failed to automatically apply fixes suggested by rustc to crate `foo`"
        ),
        "{err}"
    );
    assert!(err.contains("error: broken after fix"), "{err}");
    assert_eq!(p.read_file("src/lib.rs"), "// fix-count 0");
    // With `--broken-code` the fix stays.
    p.mycargo("fix --allow-no-vcs --lib --broken-code")
        .env("RUSTC", &shim)
        .with_any_status()
        .run();
    assert_eq!(p.read_file("src/lib.rs"), "// fix-count 1");
}

#[test]
fn clippy_fix_runs_through_mycargo_like_cargo() {
    let lib = "pub fn f(v: &[u32]) -> usize {\n    if v.len() == 0 { 0 } else { v.len() }\n}\n";
    let (m, c) = twins("2021", lib);
    // `cargo-clippy` runs `$CARGO fix` with clippy-driver as the
    // workspace wrapper: the proxy applies clippy's suggestions.
    let out = same(&m, &c, "clippy --fix --allow-no-vcs", &["src/lib.rs"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let fixed = m.read_file("src/lib.rs");
    assert!(fixed.contains("v.is_empty()"), "{fixed}");
}
