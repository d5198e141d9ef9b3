//! Git dependencies from local `file://` repositories, mycargo against the
//! installed cargo: the same `Cargo.lock` bytes, the same program, the
//! locked commit kept until the lock says otherwise.

use mycargo_test_support::{Project, git, project};

fn dep_manifest(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
}

/// A project whose `dep` comes from `repo` with the reference `spec`
/// (`""`, `branch = "x"`, ...), built by both tools.
fn twins(url: &str, spec: &str) -> (Project, Project) {
    let extra = if spec.is_empty() {
        String::new()
    } else {
        format!(", {spec}")
    };
    project()
        .file(
            "Cargo.toml",
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = {{ git = \"{url}\"{extra} }}\n"
            ),
        )
        .file("src/main.rs", "fn main() { println!(\"{}\", dep::f()); }\n")
        .build_twins()
}

fn lock(p: &Project) -> String {
    std::fs::read_to_string(p.root().join("Cargo.lock")).unwrap()
}

#[test]
fn git_dependency_locks_builds_and_stays_locked_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("dep"))
        .file("Cargo.toml", dep_manifest("dep"))
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .commit();
    repo.branch("feature");
    repo.tag("v0.1.0");
    let first = repo.head_id();
    for spec in [
        "",
        "branch = \"feature\"",
        "tag = \"v0.1.0\"",
        &format!("rev = \"{}\"", &first[..10]),
    ] {
        let (m, c) = twins(&repo.url(), spec);
        m.mycargo("generate-lockfile").run();
        c.cargo("generate-lockfile").run();
        assert_eq!(lock(&m), lock(&c), "{spec}");
        assert!(lock(&m).contains(&first), "{}", lock(&m));
        let mo = m.mycargo("run").run();
        let co = c.cargo("run").run();
        assert_eq!(mo.stdout, co.stdout, "{spec}");
        assert_eq!(mo.stdout, "1\n");
    }
    // A new commit: the lock keeps the old one for both tools.
    let (m, c) = twins(&repo.url(), "");
    m.mycargo("build").run();
    c.cargo("build").run();
    repo.change_file("src/lib.rs", "pub fn f() -> u32 { 2 }\n");
    repo.commit_all("second");
    let mo = m.mycargo("run").run();
    assert_eq!(mo.stdout, "1\n", "{}", mo.stderr);
    // A fresh lock takes the new commit, as cargo's does.
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    std::fs::remove_file(c.root().join("Cargo.lock")).unwrap();
    m.mycargo("generate-lockfile").run();
    c.cargo("generate-lockfile").run();
    assert_eq!(lock(&m), lock(&c));
    assert_eq!(m.mycargo("run").run().stdout, "2\n");
}

#[test]
fn workspace_inside_a_repository_and_bad_reference() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("ws"))
        .file("Cargo.toml", "[workspace]\nmembers = [\"dep\", \"util\"]\n\n[workspace.package]\nversion = \"0.3.0\"\nedition = \"2021\"\n")
        .file("dep/Cargo.toml", "[package]\nname = \"dep\"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\nutil = { path = \"../util\" }\n")
        .file("dep/src/lib.rs", "pub fn f() -> u32 { util::g() + 1 }\n")
        .file("util/Cargo.toml", "[package]\nname = \"util\"\nversion.workspace = true\nedition.workspace = true\n")
        .file("util/src/lib.rs", "pub fn g() -> u32 { 41 }\n")
        .commit();
    let (m, c) = twins(&repo.url(), "");
    let mo = m.mycargo("run").run();
    let co = c.cargo("run").run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "42\n");
    assert_eq!(lock(&m), lock(&c));
    // A branch that does not exist: a clear error, exit 101.
    let (m, _) = twins(&repo.url(), "branch = \"nope\"");
    let out = m.mycargo("build").with_status(101).run();
    assert!(out.stderr.contains("nope"), "{}", out.stderr);
}
