//! `[replace]` (cargo's older way to swap a registry package for a path
//! or git copy), mycargo against the installed cargo: the same lock file
//! (`replace = ...` entries), the same tree, the replacement's code built.

use mycargo_test_support::project::Project;

use super::twin::{lock, same};
use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{git, project};

/// `app` depends on `baz`, which depends on `bar 1.0.0` from the registry;
/// `replace` is the `[replace]` body; `bar/` holds a path copy of `bar`.
fn twins(reg: &Registry, replace: &str) -> (Project, Project) {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\nbaz = \"0.1\"\n\n[replace]\n{replace}"
            ),
        )
        .file("src/main.rs", "fn main() { println!(\"{}\", baz::g()); }\n")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        )
        .file("bar/src/lib.rs", "pub fn f() -> u32 { 3 }\n")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    (m, c)
}

fn publish(reg: &Registry) {
    Package::new("bar", "1.0.0")
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .publish(reg);
    Package::new("baz", "0.1.0")
        .dep("bar", "1")
        .file("src/lib.rs", "pub fn g() -> u32 { bar::f() * 10 }\n")
        .publish(reg);
}

#[test]
fn path_replacement_locks_builds_and_shows_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let (m, c) = twins(&reg, "\"bar:1.0.0\" = { path = \"bar\" }\n");
    same(&m, &c, "build");
    let l = lock(&m).unwrap();
    assert!(l.contains("replace = \"bar 1.0.0\""), "{l}");
    assert!(
        l.contains("\"bar 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\""),
        "{l}"
    );
    assert_eq!(m.mycargo("run -q").run().stdout, "30\n");
    // Locked: nothing to resolve or rebuild.
    let again = same(&m, &c, "build");
    assert!(
        !again.contains("Locking") && !again.contains("Compiling"),
        "{again}"
    );
    same(&m, &c, "tree");
}

#[test]
fn git_replacement_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("bar"))
        .file(
            "Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "pub fn f() -> u32 { 4 }\n")
        .commit();
    let (m, c) = twins(
        &reg,
        &format!("\"bar:1.0.0\" = {{ git = \"{}\" }}\n", repo.url()),
    );
    same(&m, &c, "build");
    assert!(lock(&m).unwrap().contains(&repo.head_id()));
    assert_eq!(m.mycargo("run -q").run().stdout, "40\n");
}

#[test]
fn replacement_of_another_version_is_refused_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let (m, c) = twins(&reg, "\"bar:1.0.0\" = { path = \"bar\" }\n");
    for p in [&m, &c] {
        std::fs::write(
            p.root().join("bar/Cargo.toml"),
            "[package]\nname = \"bar\"\nversion = \"1.0.7\"\nedition = \"2021\"\n",
        )
        .unwrap();
    }
    let mo = m.mycargo("generate-lockfile").with_status(101).run();
    let co = c.cargo("generate-lockfile").with_status(101).run();
    // cargo's error, word for word, framed by the dependency's path.
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
    let cause = "no matching package for override `https://github.com/rust-lang/crates.io-index#bar@1.0.0` found\n  location searched: [ROOT]/foo/bar\n  version required: =1.0.0\n";
    assert!(co.stderr_as_mycargo().ends_with(cause), "{}", co.stderr);
    assert!(mo.stderr_redacted().ends_with(cause), "{}", mo.stderr);
    assert_eq!(lock(&m), None);
}

/// A replacement nothing in the graph matches is warned about, on every
/// run, as cargo does; fields a replacement ignores are named.
#[test]
fn unused_replacement_and_fields_are_warned_about_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let (m, c) = twins(
        &reg,
        "\"bar:1.0.0\" = { path = \"bar\", features = [\"x\"] }\n\"qux:0.1.0\" = { path = \"bar\" }\n",
    );
    for _ in 0..2 {
        let err = same(&m, &c, "build");
        assert!(
            err.contains("package replacement is not used: https://github.com/rust-lang/crates.io-index#qux@0.1.0"),
            "{err}"
        );
        assert!(
            err.contains("unused field in replacement for `bar`: `features`"),
            "{err}"
        );
    }
}

/// A git repository holding `bar 1.0.0` (depending on `qux = "*"`), or
/// `name` in its place.
fn bar_repo(dir: &std::path::Path, name: &str) -> git::Repo {
    git::repo(dir.join("bar"))
        .file(
            "Cargo.toml",
            format!(
                "[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[dependencies]\nqux = \"*\"\n"
            ),
        )
        .file("src/lib.rs", "pub fn f() -> u32 { 4 }\n")
        .commit()
}

/// As cargo: the index is updated before the replacement's repository is
/// fetched (only once a package it replaces is met); the replacement's
/// own dependencies stay locked on its entry, so the next build is fresh.
#[test]
fn git_replacement_is_fetched_when_needed_and_stays_locked_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    for v in ["0.1.0", "0.2.0"] {
        Package::new("qux", v).publish(&reg);
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = bar_repo(dir.path(), "bar");
    let (m, c) = twins(
        &reg,
        &format!("\"bar:1.0.0\" = {{ git = \"{}\" }}\n", repo.url()),
    );
    for p in [&m, &c] {
        p.change_file(
            "Cargo.toml",
            p.read_file("Cargo.toml")
                .replace("baz = \"0.1\"", "baz = \"0.1\"\nqux = \"0.1\""),
        );
    }
    // The two `qux` compile side by side: lines compared in any order.
    let mo = m.mycargo("build").run();
    let co = c.cargo("build").run();
    let sorted = |s: String| {
        let mut l: Vec<String> = s.lines().map(str::to_string).collect();
        l.sort();
        l
    };
    assert_eq!(sorted(mo.stderr_redacted()), sorted(co.stderr_as_mycargo()));
    assert_eq!(lock(&m), lock(&c));
    let err = mo.stderr_redacted();
    let index = err.find("Updating `").expect("the index is updated");
    let fetch = err
        .find("Updating git repository")
        .expect("the repository is fetched");
    assert!(index < fetch, "{err}");
    let l = lock(&m).unwrap();
    assert!(l.contains("\"qux 0.2.0\""), "{l}");
    let again = same(&m, &c, "build");
    assert!(!again.contains("Compiling"), "{again}");
    // `bar` names the registry package and its replacement: ambiguous.
    same(&m, &c, "build -p bar");
}

#[test]
fn replacement_errors_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    Package::new("qux", "0.1.0").publish(&reg);
    let dir = tempfile::tempdir().unwrap();
    // The repository has no `bar`.
    let repo = bar_repo(dir.path(), "other");
    let (m, c) = twins(
        &reg,
        &format!("\"bar:1.0.0\" = {{ git = \"{}\" }}\n", repo.url()),
    );
    let err = same(&m, &c, "generate-lockfile");
    assert!(
        err.contains("failed to get `bar` as a dependency of package `baz v0.1.0`"),
        "{err}"
    );
    // Two specs for one package.
    let repo = bar_repo(&dir.path().join("second"), "bar");
    let table = format!(
        "\"bar:1.0.0\" = {{ git = \"{0}\" }}\n\n[replace.\"https://github.com/rust-lang/crates.io-index#bar:1.0.0\"]\ngit = \"{0}\"\n",
        repo.url()
    );
    let (m, c) = twins(&reg, &table);
    let err = same(&m, &c, "generate-lockfile");
    assert!(
        err.contains("overlapping replacement specifications found"),
        "{err}"
    );
}
