//! `[patch]` with git and registry sources, mycargo against the installed
//! cargo: the same `Cargo.lock` bytes (patched packages, `[[patch.unused]]`),
//! the same messages, and the patched code in the program.

use mycargo_test_support::project::Project;

use super::twin::{lock, same};
use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{git, project};

/// `app` depends on `bar = "1"` (and `baz`, which depends on `bar` too),
/// from the registry; `patch` is the `[patch.crates-io]` body.
fn twins(reg: &Registry, patch: &str) -> (Project, Project) {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\nbar = \"1\"\nbaz = \"0.1\"\n\n[patch.crates-io]\n{patch}"
            ),
        )
        .file(
            "src/main.rs",
            "fn main() { println!(\"{} {}\", bar::f(), baz::g()); }\n",
        )
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

fn bar_repo(dir: &std::path::Path, version: &str, value: u32) -> git::Repo {
    git::repo(dir.join("bar"))
        .file(
            "Cargo.toml",
            format!("[package]\nname = \"bar\"\nversion = \"{version}\"\nedition = \"2021\"\n"),
        )
        .file("src/lib.rs", format!("pub fn f() -> u32 {{ {value} }}\n"))
        .commit()
}

#[test]
fn git_patch_replaces_the_registry_package_everywhere_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let dir = tempfile::tempdir().unwrap();
    let repo = bar_repo(dir.path(), "1.0.1", 7);
    let (m, c) = twins(&reg, &format!("bar = {{ git = \"{}\" }}\n", repo.url()));
    same(&m, &c, "generate-lockfile");
    let l = lock(&m).unwrap();
    assert!(
        l.contains(&format!(
            "source = \"git+{}#{}\"",
            repo.url(),
            repo.head_id()
        )),
        "{l}"
    );
    assert!(!l.contains("name = \"bar\"\nversion = \"1.0.0\""), "{l}");
    same(&m, &c, "build");
    assert_eq!(m.mycargo("run").run().stdout, "7 70\n");

    // A new commit: the lock keeps the patch where it was, until update.
    repo.change_file("src/lib.rs", "pub fn f() -> u32 { 8 }\n");
    repo.commit_all("second");
    same(&m, &c, "build");
    assert_eq!(m.mycargo("run").run().stdout, "7 70\n");
    same(&m, &c, "update -p bar");
    assert!(lock(&m).unwrap().contains(&repo.head_id()));
    assert_eq!(m.mycargo("run").run().stdout, "8 80\n");
}

#[test]
fn update_precise_moves_a_git_dependency_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let dir = tempfile::tempdir().unwrap();
    let repo = bar_repo(dir.path(), "1.0.1", 7);
    let first = repo.head_id();
    repo.tag("first");
    repo.change_file("src/lib.rs", "pub fn f() -> u32 { 8 }\n");
    repo.commit_all("second");
    let second = repo.head_id();
    let (m, c) = twins(&reg, &format!("bar = {{ git = \"{}\" }}\n", repo.url()));
    same(&m, &c, "generate-lockfile");
    assert!(lock(&m).unwrap().contains(&second));
    // A full commit, a short one, a tag: each lands on that commit.
    for (rev, want) in [
        (first.clone(), &first),
        (second[..10].to_string(), &second),
        ("first".to_string(), &first),
    ] {
        let err = same(&m, &c, &format!("update -p bar --precise {rev}"));
        assert!(lock(&m).unwrap().contains(want.as_str()), "{rev}: {err}");
    }
    same(&m, &c, "build");
    assert_eq!(m.mycargo("run").run().stdout, "7 70\n");
    // The same first lines; the cause is in mycargo's words (cargo shows
    // libgit2's).
    let mo = m
        .mycargo("update -p bar --precise no-such-rev")
        .with_status(101)
        .run();
    let co = c
        .cargo("update -p bar --precise no-such-rev")
        .with_status(101)
        .run();
    let head = |s: String| s.lines().take(2).collect::<Vec<_>>().join("\n");
    assert_eq!(head(mo.stderr_redacted()), head(co.stderr_as_mycargo()));
    assert!(mo.stderr.contains("`no-such-rev`"), "{}", mo.stderr);
    assert_eq!(lock(&m), lock(&c));
}

#[test]
fn unused_git_patch_is_recorded_and_reported_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let dir = tempfile::tempdir().unwrap();
    // Version 2 cannot stand in for `bar = "1"`.
    let repo = bar_repo(dir.path(), "2.0.0", 2);
    let (m, c) = twins(&reg, &format!("bar = {{ git = \"{}\" }}\n", repo.url()));
    let err = same(&m, &c, "generate-lockfile");
    assert!(err.contains("was not used in the crate graph"), "{err}");
    assert!(lock(&m).unwrap().contains("[[patch.unused]]"));
    same(&m, &c, "build");
    assert_eq!(m.mycargo("run").run().stdout, "1 10\n");
}

#[test]
fn git_patch_without_the_package_or_the_version_fails_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let dir = tempfile::tempdir().unwrap();
    let repo = bar_repo(dir.path(), "1.0.1", 7);
    let (m, c) = twins(
        &reg,
        &format!("bar = {{ git = \"{}\", version = \"1.5\" }}\n", repo.url()),
    );
    let err = same(&m, &c, "generate-lockfile");
    assert!(
        err.contains(
            "patch location contains version `1.0.1`, but patch definition requires `^1.5`"
        ),
        "{err}"
    );

    let other = git::repo(dir.path().join("other"))
        .file(
            "Cargo.toml",
            "[package]\nname = \"other\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "")
        .commit();
    let (m, c) = twins(&reg, &format!("bar = {{ git = \"{}\" }}\n", other.url()));
    let err = same(&m, &c, "generate-lockfile");
    assert!(err.contains("`bar`"), "{err}");
    assert_eq!(lock(&m), None);
}

#[test]
fn registry_patch_from_another_registry_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let alt = Registry::new();
    Package::new("bar", "1.0.5")
        .file("src/lib.rs", "pub fn f() -> u32 { 5 }\n")
        .publish(&alt);
    Package::new("bar", "1.0.6")
        .file("src/lib.rs", "pub fn f() -> u32 { 6 }\n")
        .publish(&alt);
    let (m, c) = twins(&reg, "bar = { version = \"=1.0.5\", registry = \"alt\" }\n");
    alt.configure_home_alt(m.test_root(), "alt");
    alt.configure_home_alt(c.test_root(), "alt");
    same(&m, &c, "generate-lockfile");
    let l = lock(&m).unwrap();
    assert!(
        l.contains("version = \"1.0.5\"\nsource = \"sparse+http://"),
        "{l}"
    );
    assert_eq!(m.mycargo("run").run().stdout, "5 50\n");

    // Two candidates: cargo's error, no lock change.
    let (m, c) = twins(&reg, "bar = { version = \"1\", registry = \"alt\" }\n");
    alt.configure_home_alt(m.test_root(), "alt");
    alt.configure_home_alt(c.test_root(), "alt");
    let err = same(&m, &c, "generate-lockfile");
    assert!(err.contains("resolved to more than one candidate"), "{err}");
}

#[test]
fn patch_pointing_at_the_patched_source_is_refused_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let (m, c) = twins(&reg, "bar = \"1\"\n");
    let err = same(&m, &c, "generate-lockfile");
    assert!(err.contains("points to the same source"), "{err}");
}

#[test]
fn patches_from_the_configuration_and_added_patches_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    // No `[patch]` in the manifest at first: the registry's bar is locked.
    let (m, c) = twins(&reg, "");
    for p in [&m, &c] {
        p.change_file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        );
        p.change_file("bar/src/lib.rs", "pub fn f() -> u32 { 5 }\n");
    }
    same(&m, &c, "generate-lockfile");
    // A patch added later, with the locked version: it takes the place of
    // the locked package (`Adding bar v1.0.0 (...)`).
    for p in [&m, &c] {
        let manifest = p.read_file("Cargo.toml");
        p.change_file(
            "Cargo.toml",
            format!("{manifest}bar = {{ path = \"bar\" }}\n"),
        );
    }
    let out = same(&m, &c, "build");
    assert!(!out.contains("was not used"), "{out}");
    assert!(
        lock(&m)
            .unwrap()
            .contains("name = \"bar\"\nversion = \"1.0.0\"\n\n"),
        "{:?}",
        lock(&m)
    );
    // The configuration's `[patch]` wins over the manifest's, its path
    // relative to where it is written.
    for p in [&m, &c] {
        let manifest = p.read_file("Cargo.toml").replace(
            "bar = { path = \"bar\" }\n",
            "bar = { path = \"no-such-dir\" }\n",
        );
        p.change_file("Cargo.toml", manifest);
        p.change_file(
            ".cargo/config.toml",
            "[patch.crates-io]\nbar = { path = \"bar\" }\n",
        );
    }
    same(&m, &c, "build");
    // A source key that is neither a URL nor a registry: cargo's error
    // (without a lock file: cargo names the lock file when there is one).
    for p in [&m, &c] {
        std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
        p.change_file(
            ".cargo/config.toml",
            "[patch.'']\nbar = { path = \"bar\" }\n",
        );
    }
    let out = same(&m, &c, "build");
    assert!(out.contains("should be a URL or registry name"), "{out}");
}

/// A patch whose package is used from another source gets cargo's hint
/// naming the sources that package comes from.
#[test]
fn patch_of_the_wrong_source_hints_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nbar = \"1\"\n\n[patch.\"https://example.com/other-index\"]\n\
             bar = { path = \"bar\" }\n",
        )
        .file("src/main.rs", "fn main() { bar::f(); }\n")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        )
        .file("bar/src/lib.rs", "pub fn f() -> u32 { 3 }\n")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    let err = same(&m, &c, "generate-lockfile");
    assert!(
        err.contains("perhaps you meant one of the following:"),
        "{err}"
    );
}

/// `features` and `default-features` in a `[patch]` entry are ignored with
/// cargo's warning, on every run.
#[test]
fn unused_fields_of_a_patch_are_warned_about_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nbar = \"1\"\n\n[patch.crates-io]\n\
             bar = { path = \"bar\", features = [\"x\"], default-features = false }\n",
        )
        .file("src/main.rs", "fn main() { bar::f(); }\n")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[features]\nx = []\n",
        )
        .file("bar/src/lib.rs", "pub fn f() -> u32 { 3 }\n")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    for _ in 0..2 {
        let err = same(&m, &c, "build");
        assert!(
            err.contains("unused field in patch for `bar`: `features`, `default-features`"),
            "{err}"
        );
    }
}

/// Path patches are checked before any index is read, with cargo's
/// errors: a location without the package, a version the patch's
/// requirement refuses (named where it was written: the manifest or
/// `--config`), and two entries of one table for the same version.
#[test]
fn bad_path_patches_fail_like_cargo() {
    let reg = Registry::new();
    publish(&reg);
    let lib = |name: &str, v: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"{v}\"\nedition = \"2021\"\n")
    };
    let (m, c) = twins(&reg, "bar = { path = \"bar\", version = \"1.0.1\" }\n");
    for p in [&m, &c] {
        std::fs::create_dir_all(p.root().join("bar/src")).unwrap();
        std::fs::write(p.root().join("bar/Cargo.toml"), lib("bar", "1.0.0")).unwrap();
        std::fs::write(p.root().join("bar/src/lib.rs"), "pub fn f() -> u32 { 2 }\n").unwrap();
        std::fs::create_dir_all(p.root().join("other/src")).unwrap();
        std::fs::write(p.root().join("other/Cargo.toml"), lib("other", "1.0.0")).unwrap();
        std::fs::write(p.root().join("other/src/lib.rs"), "").unwrap();
    }
    let err = same(&m, &c, "check");
    assert!(err.contains("patch `bar` version mismatch"), "{err}");
    assert!(!err.contains("Updating"), "{err}");
    let cli = "check --config patch.crates-io.bar.path=\"other\"";
    let err = same(&m, &c, cli);
    assert!(
        err.contains("does not contain packages matching `bar`"),
        "{err}"
    );
    assert!(err.contains("--config cli option"), "{err}");
    // Two names in one table for one version of `bar`.
    let manifest = |p: &Project| {
        std::fs::read_to_string(p.root().join("Cargo.toml"))
            .unwrap()
            .replace(
                ", version = \"1.0.1\" }",
                " }\nbar2 = { path = \"bar2\", package = \"bar\" }",
            )
    };
    for p in [&m, &c] {
        let text = manifest(p);
        std::fs::write(p.root().join("Cargo.toml"), text).unwrap();
        std::fs::create_dir_all(p.root().join("bar2/src")).unwrap();
        std::fs::write(p.root().join("bar2/Cargo.toml"), lib("bar", "1.0.0")).unwrap();
        std::fs::write(
            p.root().join("bar2/src/lib.rs"),
            "pub fn f() -> u32 { 3 }\n",
        )
        .unwrap();
    }
    let err = same(&m, &c, "check");
    assert!(
        err.contains("several `[patch]` entries resolving to same version"),
        "{err}"
    );
}
