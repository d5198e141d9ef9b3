//! `update`: differential tests against the installed cargo. Both tools
//! work on twin projects, each with its own CARGO_HOME pointed at one
//! local registry; stderr (redacted) and the resulting `Cargo.lock` bytes
//! must match.

use mycargo_test_support::project;
use mycargo_test_support::project::Project;
use mycargo_test_support::registry::{Package, Registry};

/// `foo` depending on `mid` (which depends on `leaf`), `leaf` and `other`,
/// locked against the first versions; then newer versions published.
fn setup(edition: &str) -> (Registry, Project, Project) {
    let reg = Registry::new();
    Package::new("leaf", "1.0.0").publish(&reg);
    Package::new("leaf", "2.0.0").publish(&reg);
    Package::new("mid", "0.3.0").dep("leaf", "1").publish(&reg);
    Package::new("other", "1.0.0").publish(&reg);
    let manifest = format!(
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"{edition}\"\n\n\
         [dependencies]\nmid = \"0.3\"\nother = \"1\"\nleaf = \"1\"\n"
    );
    let (m, c) = project()
        .file("Cargo.toml", manifest)
        .file("src/lib.rs", "")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    same(&m, &c, "generate-lockfile");
    Package::new("leaf", "1.0.1").publish(&reg);
    Package::new("leaf", "1.1.0-alpha.1").publish(&reg);
    Package::new("leaf", "1.0.2").yanked().publish(&reg);
    Package::new("mid", "0.3.1")
        .dep("leaf", "1.0.1")
        .publish(&reg);
    Package::new("other", "1.0.1").publish(&reg);
    Package::new("other", "3.0.0").publish(&reg);
    (reg, m, c)
}

/// Run `args` with both tools: same exit code, same stderr, same lock file.
fn same(m: &Project, c: &Project, args: &str) {
    same_head(m, c, args, usize::MAX);
}

/// Like [`same`], comparing only the first `lines` lines of stderr (the
/// resolver explains a failed resolve at more length than cargo).
fn same_head(m: &Project, c: &Project, args: &str, lines: usize) {
    let mo = m.mycargo(args).with_any_status().run();
    let co = c.cargo(args).with_any_status().run();
    let head = |s: String| -> String { s.split_inclusive('\n').take(lines).collect() };
    assert_eq!(
        head(mo.stderr_redacted()),
        head(co.stderr_as_mycargo()),
        "stderr of `{args}`\n{}",
        mo.describe()
    );
    assert_eq!(mo.code(), co.code(), "exit code of `{args}`");
    let lock = |p: &Project| std::fs::read_to_string(p.root().join("Cargo.lock")).ok();
    assert_eq!(lock(m), lock(c), "Cargo.lock after `{args}`");
}

#[test]
fn update_everything_matches_cargo() {
    let (_reg, m, c) = setup("2021");
    same(&m, &c, "update --dry-run");
    same(&m, &c, "update --locked");
    same(&m, &c, "update --offline --dry-run");
    same(&m, &c, "update --frozen");
    same(&m, &c, "update");
    same(&m, &c, "update");
    same(&m, &c, "update -v");
}

#[test]
fn update_named_packages_matches_cargo() {
    let (_reg, m, c) = setup("2021");
    same(&m, &c, "update -p mid");
    same(&m, &c, "update mid --recursive --dry-run");
    same(&m, &c, "update other");
    same(&m, &c, "update --recursive -p mid");
    same(&m, &c, "update -w");
}

#[test]
fn update_precise_matches_cargo() {
    let (_reg, m, c) = setup("2024");
    same(&m, &c, "update -p leaf --precise 1.0.2 --dry-run");
    // Versions the requirement does not allow, or that do not exist: the
    // same error head (cargo's hint lines differ from the resolver's).
    same_head(&m, &c, "update -p leaf --precise 2.0.0", 5);
    same_head(&m, &c, "update -p leaf --precise 1.1.0-alpha.1", 5);
    same_head(&m, &c, "update -p leaf --precise 1.0.9", 4);
    same(&m, &c, "update -p leaf --precise xyz");
    same(&m, &c, "update -p leaf --precise 1.0.0");
    same(&m, &c, "update -p leaf --precise 1.0.1");
    same(&m, &c, "update -p mid --precise 0.3.1");
    // mid 0.3.1 needs leaf ^1.0.1: going back fails.
    // (cargo adds `(locked to 0.3.1)` to the chain line; the resolver does not.)
    same_head(&m, &c, "update -p leaf --precise 1.0.0", 5);
    same(&m, &c, "update -p leaf@1.0.0 --precise 1.0.1");
    same(&m, &c, "update -p other --precise 1.0.1");
    same(&m, &c, "update -p leaf --precise 1.0.2");
}

#[test]
fn update_spec_errors_match_cargo() {
    let (reg, m, c) = setup("2021");
    same(&m, &c, "update -p lea");
    same(&m, &c, "update -p leaf@3");
    same(&m, &c, "update --breaking");
    // Two versions of `leaf` in the lock file: a bare name is ambiguous.
    let two = "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
               [dependencies]\nmid = \"0.3\"\nleaf = \"2\"\n";
    m.change_file("Cargo.toml", two);
    c.change_file("Cargo.toml", two);
    same(&m, &c, "generate-lockfile");
    same(&m, &c, "update -p leaf");
    same(&m, &c, "update -p leaf@2 --precise 2.0.0");
    Package::new("mid", "0.4.0").publish(&reg);
    same(&m, &c, "update -p mid");
}

#[test]
fn update_without_lock_file_and_path_only_match_cargo() {
    let (_reg, m, c) = setup("2021");
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    std::fs::remove_file(c.root().join("Cargo.lock")).unwrap();
    same(&m, &c, "update --dry-run");
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    std::fs::remove_file(c.root().join("Cargo.lock")).unwrap();
    same(&m, &c, "update -p leaf --precise 1.0.1");

    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"solo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        )
        .file("src/lib.rs", "")
        .build_twins();
    for args in [
        "update",
        "update",
        "update --dry-run",
        "update -p solo --precise 1.0.0",
        "update -p nope",
        "update -w",
    ] {
        same(&m, &c, args);
    }
}

#[test]
fn update_after_manifest_edit_and_rust_version_notes_match_cargo() {
    let (reg, m, c) = setup("2024");
    Package::new("fresh", "1.0.0").publish(&reg);
    Package::new("fresh", "1.1.0")
        .rust_version("1.99")
        .publish(&reg);
    Package::new("newer", "0.1.0")
        .rust_version("1.99")
        .publish(&reg);
    // `other` dropped, `fresh` and `newer` added, `leaf` pinned down.
    let edited = "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\n\n\
                  [dependencies]\nmid = \"0.3\"\nleaf = \"=1.0.0\"\nfresh = \"1\"\nnewer = \"0.1\"\n";
    m.change_file("Cargo.toml", edited);
    c.change_file("Cargo.toml", edited);
    same(&m, &c, "update -p other");
    same(&m, &c, "update");
    same(&m, &c, "update --verbose");
}

/// `update --breaking` (nightly, as cargo's testsuite runs it): the same
/// `Upgrading` lines, lock file and rewritten manifest as cargo; a dry run
/// changes nothing; an unknown spec fails in cargo's words.
#[test]
fn update_breaking_matches_cargo() {
    let (_reg, m, c) = setup("2021");
    let nightly = |p: &Project, tool_is_cargo: bool, args: &str| {
        let e = if tool_is_cargo {
            p.cargo(args)
        } else {
            p.mycargo(args)
        };
        e.env("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly")
            .with_any_status()
            .run()
    };
    let manifest = |p: &Project| std::fs::read_to_string(p.root().join("Cargo.toml")).unwrap();
    let lock = |p: &Project| std::fs::read_to_string(p.root().join("Cargo.lock")).unwrap();
    let before = (manifest(&m), lock(&m));
    for args in [
        "update -Zunstable-options --breaking --dry-run",
        "update -Zunstable-options --breaking nosuch",
        "update -Zunstable-options --breaking",
    ] {
        let mo = nightly(&m, false, args);
        let co = nightly(&c, true, args);
        assert_eq!(
            mo.stderr_redacted(),
            co.stderr_as_mycargo(),
            "stderr of `{args}`\n{}",
            mo.describe()
        );
        assert_eq!(mo.code(), co.code(), "exit code of `{args}`");
        assert_eq!(manifest(&m), manifest(&c), "Cargo.toml after `{args}`");
        assert_eq!(lock(&m), lock(&c), "Cargo.lock after `{args}`");
        if !args.ends_with("--breaking") {
            assert_eq!((manifest(&m), lock(&m)), before, "`{args}` changes nothing");
        }
    }
    assert!(manifest(&m).contains("other = \"3\""), "{}", manifest(&m));
    // Without the nightly gate it is refused as cargo refuses it.
    let out = m.mycargo("update --breaking").with_status(101).run();
    assert!(
        out.stderr.contains("the `--breaking` flag is unstable"),
        "{}",
        out.stderr
    );
}

/// `-Z minimal-versions` and `-Z direct-minimal-versions` (nightly): the
/// lowest matching versions, for every package or only the members' own
/// dependencies, with cargo's `Locking` line and lock file; a member's two
/// requirements the lowest version cannot both meet fail as in cargo.
#[test]
fn minimal_versions_match_cargo() {
    let reg = Registry::new();
    Package::new("leaf", "1.0.0").publish(&reg);
    Package::new("leaf", "1.2.0").publish(&reg);
    Package::new("mid", "0.3.0").dep("leaf", "1").publish(&reg);
    Package::new("mid", "0.3.1").dep("leaf", "1").publish(&reg);
    let manifest = "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                    [dependencies]\nmid = \"0.3\"\n";
    let (m, c) = project()
        .file("Cargo.toml", manifest)
        .file("src/lib.rs", "")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    let nightly = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");
    let mut locks = Vec::new();
    for flag in ["-Zminimal-versions", "-Zdirect-minimal-versions"] {
        for p in [&m, &c] {
            let _ = std::fs::remove_file(p.root().join("Cargo.lock"));
        }
        let args = format!("generate-lockfile {flag}");
        let mo = m.mycargo(&args).env(nightly.0, nightly.1).run();
        let co = c.cargo(&args).env(nightly.0, nightly.1).run();
        assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo(), "{args}");
        let lock = |p: &Project| std::fs::read_to_string(p.root().join("Cargo.lock")).ok();
        assert_eq!(lock(&m), lock(&c), "Cargo.lock after `{args}`");
        locks.push(lock(&m).unwrap_or_default());
    }
    // All lowest, then only `mid` lowest (its `leaf` the highest).
    assert!(locks[0].contains("\"0.3.0\"") && locks[0].contains("\"1.0.0\""));
    assert!(locks[1].contains("\"0.3.0\"") && locks[1].contains("\"1.2.0\""));

    // A dev-dependency needing more than the lowest version of the normal
    // one: no backtracking for a member's own dependency.
    std::fs::write(
        m.root().join("Cargo.toml"),
        format!("{manifest}\n[dev-dependencies]\nmid = \"0.3.1\"\n"),
    )
    .unwrap();
    std::fs::copy(m.root().join("Cargo.toml"), c.root().join("Cargo.toml")).unwrap();
    let args = "generate-lockfile -Zdirect-minimal-versions";
    let mo = m
        .mycargo(args)
        .env(nightly.0, nightly.1)
        .with_status(101)
        .run();
    let co = c
        .cargo(args)
        .env(nightly.0, nightly.1)
        .with_status(101)
        .run();
    let head = |s: String| s.lines().take(4).collect::<Vec<_>>().join("\n");
    assert_eq!(head(mo.stderr_redacted()), head(co.stderr_as_mycargo()));
}
