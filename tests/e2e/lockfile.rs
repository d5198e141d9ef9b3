//! `Cargo.lock` against the installed cargo: the same bytes after `build`,
//! `check` and `generate-lockfile` on path workspaces, the same `Locking`
//! lines, no rewrite when nothing changed, `--locked`/`--frozen` refusals,
//! and the version of an existing file kept as cargo keeps it.

use std::path::Path;
use std::time::{Duration, SystemTime};

use mycargo_test_support::{Output, Project, ProjectBuilder, project, str};

/// `[package]` of a path crate, edition 2021 (resolver 2: no "Rust x.y" in
/// the `Locking` line) unless `extra` says otherwise.
fn pkg(name: &str, version: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n{extra}")
}

/// `foo` (edition 2024, so resolver 3) with a path dependency outside its
/// directory.
fn single() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\ndep = { path = \"../dep\" }\n",
        )
        .file("src/lib.rs", "")
        .file("../dep/Cargo.toml", pkg("dep", "0.2.0", ""))
        .file("../dep/src/lib.rs", "")
        .file("../dep3/Cargo.toml", pkg("dep3", "0.3.0", ""))
        .file("../dep3/src/lib.rs", "")
}

/// A virtual workspace: members `m1`, `m2` (and `inner`, a path dependency
/// inside the root, hence a member) and, outside the root, normal, renamed,
/// optional, dev, build and `cfg(windows)` dependencies, plus `out`, which
/// is not a member: its dev-dependency and its optional dependency stay out
/// of the lock file, except one a feature asks for with `nmopt?/x`.
fn workspace() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"m1\", \"m2\"]\nresolver = \"2\"\n",
        )
        .file(
            "m1/Cargo.toml",
            pkg(
                "m1",
                "0.1.0",
                r#"
[dependencies]
out = { path = "../../out", features = ["f"] }
ren = { path = "../../renamed", package = "real" }
opt = { path = "../../opt", optional = true }

[dev-dependencies]
dd = { path = "../../dd" }

[build-dependencies]
bd = { path = "../../bd" }

[target.'cfg(windows)'.dependencies]
win = { path = "../../win" }
"#,
            ),
        )
        .file("m1/src/lib.rs", "")
        .file("m1/build.rs", "fn main() {}\n")
        .file(
            "m2/Cargo.toml",
            pkg(
                "m2",
                "0.3.0",
                "\n[dependencies]\nm1 = { path = \"../m1\" }\ninner = { path = \"../inner\" }\n",
            ),
        )
        .file("m2/src/lib.rs", "")
        .file("inner/Cargo.toml", pkg("inner", "1.0.0", ""))
        .file("inner/src/lib.rs", "")
        .file(
            "../out/Cargo.toml",
            pkg(
                "out",
                "0.1.0",
                r#"
[dependencies]
normal = { path = "../normal" }
nmopt = { path = "../nmopt", optional = true }
unused = { path = "../unused", optional = true }

[dev-dependencies]
nmdev = { path = "../nmdev" }

[features]
f = ["nmopt?/x"]
g = ["dep:unused"]
"#,
            ),
        )
        .file("../out/src/lib.rs", "")
        .file(
            "../nmopt/Cargo.toml",
            pkg("nmopt", "0.1.0", "[features]\nx = []\n"),
        )
        .file("../nmopt/src/lib.rs", "")
        .file("../normal/Cargo.toml", pkg("normal", "0.1.0", ""))
        .file("../normal/src/lib.rs", "")
        .file("../unused/Cargo.toml", pkg("unused", "0.1.0", ""))
        .file("../unused/src/lib.rs", "")
        .file("../nmdev/Cargo.toml", pkg("nmdev", "0.1.0", ""))
        .file("../nmdev/src/lib.rs", "")
        .file("../renamed/Cargo.toml", pkg("real", "0.5.0", ""))
        .file("../renamed/src/lib.rs", "")
        .file("../opt/Cargo.toml", pkg("opt", "0.1.0", ""))
        .file("../opt/src/lib.rs", "")
        .file("../dd/Cargo.toml", pkg("dd", "0.1.0", ""))
        .file("../dd/src/lib.rs", "")
        .file("../bd/Cargo.toml", pkg("bd", "0.1.0", ""))
        .file("../bd/src/lib.rs", "")
        .file("../win/Cargo.toml", pkg("win", "0.1.0", ""))
        .file("../win/src/lib.rs", "")
}

fn lock(p: &Project) -> String {
    p.read_file("Cargo.lock")
}

/// The lines about the lock file (not the compiler's).
fn lock_lines(out: &Output) -> String {
    out.stderr_redacted()
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !(l.starts_with("Compiling") || l.starts_with("Checking") || l.starts_with("Finished"))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Run `cmd` with both tools and check they agree on the outcome, the
/// lock-file lines and the lock file's bytes.
#[track_caller]
fn both(m: &Project, c: &Project, cmd: &str, status: i32) -> Output {
    let mo = m.mycargo(cmd).with_status(status).run();
    let co = c.cargo(cmd).with_status(status).run();
    assert_eq!(lock_lines(&mo), lock_lines(&co), "`{cmd}`");
    let (ml, cl) = (m.root().join("Cargo.lock"), c.root().join("Cargo.lock"));
    assert_eq!(ml.exists(), cl.exists(), "`{cmd}`");
    if cl.exists() {
        assert_eq!(lock(m), lock(c), "`{cmd}`: Cargo.lock differs");
    }
    mo
}

/// Set the file's mtime far in the past; [`mtime_is_old`] tells whether it
/// was rewritten since.
fn age(path: &Path) {
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open to set mtime");
    f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
        .expect("set mtime");
}

fn mtime_is_old(path: &Path) -> bool {
    let t = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime");
    t == SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

#[test]
fn single_package_build_writes_cargos_lock_file() {
    let (m, c) = single().build_twins();
    let mo = both(&m, &c, "build", 0);
    assert_eq!(
        lock_lines(&mo),
        "     Locking 1 package to latest Rust 1.95.0 compatible version\n"
    );
    assert_eq!(
        lock(&m),
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = \"dep\"\nversion = \"0.2.0\"\n\n[[package]]\nname = \"foo\"\nversion = \"0.1.0\"\ndependencies = [\n \"dep\",\n]\n"
    );
    // A second build leaves the file alone and says nothing about it.
    age(&m.root().join("Cargo.lock"));
    age(&c.root().join("Cargo.lock"));
    let mo = both(&m, &c, "build", 0);
    assert_eq!(lock_lines(&mo), "");
    assert!(mtime_is_old(&m.root().join("Cargo.lock")));
    assert!(mtime_is_old(&c.root().join("Cargo.lock")));
}

#[test]
fn package_without_dependencies_locks_quietly() {
    let (m, c) = project().file("src/main.rs", "fn main() {}").build_twins();
    let mo = both(&m, &c, "check", 0);
    assert_eq!(lock_lines(&mo), "");
    assert!(lock(&m).ends_with("[[package]]\nname = \"foo\"\nversion = \"0.0.1\"\n"));
}

#[test]
fn workspace_lock_lists_every_kind_and_platform() {
    let (m, c) = workspace().build_twins();
    let mo = both(&m, &c, "build", 0);
    assert_eq!(
        lock_lines(&mo),
        "     Locking 8 packages to latest compatible versions\n"
    );
    let text = lock(&m);
    for name in ["bd", "dd", "win", "real", "opt", "nmopt", "normal", "inner"] {
        assert!(
            text.contains(&format!("name = \"{name}\"")),
            "{name}\n{text}"
        );
    }
    for name in ["nmdev", "unused"] {
        assert!(!text.contains(&format!("\"{name}\"")), "{name}\n{text}");
    }
    // From a member directory the lock file is still the root's.
    for p in [&m, &c] {
        std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
    }
    let mo = m.mycargo("check").cwd("m2").run();
    let co = c.cargo("check").cwd("m2").run();
    assert_eq!(lock_lines(&mo), lock_lines(&co));
    assert_eq!(lock(&m), text);
    assert_eq!(lock(&c), text);
}

#[test]
fn one_selected_package_still_locks_the_whole_workspace() {
    let (m, c) = workspace().build_twins();
    both(&m, &c, "check -p inner", 0);
    assert!(lock(&m).contains("name = \"m1\""));
}

#[test]
fn same_name_in_two_paths() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            pkg(
                "a",
                "0.1.0",
                "[dependencies]\ndup = { path = \"../../dup1\" }\n",
            ),
        )
        .file("a/src/lib.rs", "")
        .file(
            "b/Cargo.toml",
            pkg(
                "b",
                "0.1.0",
                "[dependencies]\ndup = { path = \"../../dup2\" }\n",
            ),
        )
        .file("b/src/lib.rs", "")
        .file("../dup1/Cargo.toml", pkg("dup", "0.1.0", ""))
        .file("../dup1/src/lib.rs", "")
        .file("../dup2/Cargo.toml", pkg("dup", "0.2.0", ""))
        .file("../dup2/src/lib.rs", "")
        .build_twins();
    both(&m, &c, "build", 0);
    assert!(lock(&m).contains(" \"dup 0.1.0\",\n"));
    // The same name and version twice cannot be written.
    for p in [&m, &c] {
        std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
        p.change_file("../dup2/Cargo.toml", pkg("dup", "0.1.0", ""));
    }
    let mo = both(&m, &c, "generate-lockfile", 101);
    assert_eq!(
        mo.stderr_redacted(),
        "error: package collision in the lockfile: packages dup v0.1.0 ([ROOT]/dup1) and dup v0.1.0 ([ROOT]/dup2) are different, but only one can be written to lockfile unambiguously\n"
    );
}

#[test]
fn locked_and_frozen_refuse_to_write() {
    let (m, c) = single().build_twins();
    let mo = both(&m, &c, "check --locked", 101);
    assert_eq!(
        mo.stderr_redacted(),
        "error: cannot create the lock file [ROOT]/foo/Cargo.lock because --locked was passed to prevent this\nhelp: to generate the lock file without accessing the network, remove the --locked flag and use --offline instead.\n"
    );
    both(&m, &c, "check", 0);
    both(&m, &c, "check --locked", 0);
    // A stale lock file.
    for p in [&m, &c] {
        p.change_file("../dep/Cargo.toml", pkg("dep", "0.2.1", ""));
    }
    let before = lock(&m);
    let mo = both(&m, &c, "check --frozen", 101);
    assert_eq!(
        mo.stderr_redacted(),
        "error: cannot update the lock file [ROOT]/foo/Cargo.lock because --frozen was passed to prevent this\nhelp: to generate the lock file without accessing the network, remove the --frozen flag and use --offline instead.\n"
    );
    both(&m, &c, "build --locked", 101);
    assert_eq!(lock(&m), before);
}

#[test]
fn changes_are_reported_like_cargo() {
    let (m, c) = single().build_twins();
    both(&m, &c, "check", 0);
    for p in [&m, &c] {
        p.change_file("../dep/Cargo.toml", pkg("dep", "0.2.1", ""));
    }
    let mo = both(&m, &c, "check", 0);
    assert_eq!(
        lock_lines(&mo),
        "     Locking 1 package to latest Rust 1.95.0 compatible version\n    Updating dep v0.2.0 ([ROOT]/dep) -> v0.2.1\n"
    );
    for p in [&m, &c] {
        p.change_file("../dep/Cargo.toml", pkg("dep", "0.1.0", ""));
    }
    let mo = both(&m, &c, "check", 0);
    assert!(lock_lines(&mo).contains(" Downgrading dep v0.2.1 ([ROOT]/dep) -> v0.1.0\n"));
    for p in [&m, &c] {
        let manifest = p.read_file("Cargo.toml");
        p.change_file(
            "Cargo.toml",
            format!("{manifest}dep3 = {{ path = \"../dep3\" }}\n"),
        );
    }
    let mo = both(&m, &c, "check", 0);
    assert!(lock_lines(&mo).contains("      Adding dep3 v0.3.0 ([ROOT]/dep3)\n"));
    // Removing it rewrites the file without a word.
    for p in [&m, &c] {
        let manifest = p
            .read_file("Cargo.toml")
            .replace("dep3 = { path = \"../dep3\" }\n", "");
        p.change_file("Cargo.toml", manifest);
    }
    let mo = both(&m, &c, "check", 0);
    assert_eq!(lock_lines(&mo), "");
    assert!(!lock(&m).contains("dep3"));
}

#[test]
fn generate_lockfile_matches_cargo() {
    let (m, c) = workspace().build_twins();
    both(&m, &c, "generate-lockfile", 0);
    m.mycargo("generate-lockfile")
        .with_stderr_data(str![[r#"
     Locking 8 packages to latest compatible versions

"#]])
        .run();
    // Unchanged: reported again, not rewritten.
    age(&m.root().join("Cargo.lock"));
    age(&c.root().join("Cargo.lock"));
    both(&m, &c, "generate-lockfile", 0);
    assert!(mtime_is_old(&m.root().join("Cargo.lock")));
    assert!(mtime_is_old(&c.root().join("Cargo.lock")));
    both(&m, &c, "generate-lockfile --locked", 0);
    both(&m, &c, "generate-lockfile --manifest-path m1/Cargo.toml", 0);
}

#[test]
fn rust_version_picks_the_lock_version() {
    let manifest = |rv: &str| {
        format!(
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2015\"\nrust-version = \"{rv}\"\nresolver = \"3\"\n\n[dependencies]\ndep = {{ path = \"../dep\" }}\n"
        )
    };
    let (m, c) = single().file("Cargo.toml", manifest("1.70")).build_twins();
    let mo = both(&m, &c, "generate-lockfile", 0);
    assert_eq!(
        lock_lines(&mo),
        "     Locking 1 package to latest Rust 1.70 compatible version\n"
    );
    assert!(lock(&m).contains("\nversion = 3\n"));
    for (rv, version) in [("1.45", None), ("1.40", None), ("1.83", Some(4))] {
        for p in [&m, &c] {
            p.change_file("Cargo.toml", manifest(rv));
            std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
        }
        both(&m, &c, "generate-lockfile", 0);
        let key = lock(&m)
            .lines()
            .find(|l| l.starts_with("version = ") && !l.contains('"'))
            .map(str::to_string);
        assert_eq!(key, version.map(|v| format!("version = {v}")), "{rv}");
    }
    both(&m, &c, "generate-lockfile --ignore-rust-version", 0);
}

#[test]
fn an_existing_v3_file_is_kept_until_it_changes() {
    let (m, c) = single().build_twins();
    both(&m, &c, "check", 0);
    for p in [&m, &c] {
        let v3 = lock(p).replace("version = 4", "version = 3");
        p.change_file("Cargo.lock", v3);
        age(&p.root().join("Cargo.lock"));
    }
    both(&m, &c, "check", 0);
    assert!(lock(&m).contains("\nversion = 3\n"));
    assert!(mtime_is_old(&m.root().join("Cargo.lock")));
    // `--locked` is satisfied by the same resolve in another version.
    both(&m, &c, "generate-lockfile --locked", 0);
    assert!(lock(&m).contains("\nversion = 3\n"));
    // A change rewrites it in the current version.
    for p in [&m, &c] {
        let manifest = p.read_file("Cargo.toml");
        p.change_file(
            "Cargo.toml",
            format!("{manifest}dep3 = {{ path = \"../dep3\" }}\n"),
        );
    }
    both(&m, &c, "check", 0);
    assert!(lock(&m).contains("\nversion = 4\n"));
    // generate-lockfile always writes the current version.
    for p in [&m, &c] {
        let v3 = lock(p).replace("version = 4", "version = 3");
        p.change_file("Cargo.lock", v3);
    }
    both(&m, &c, "generate-lockfile", 0);
    assert!(lock(&m).contains("\nversion = 4\n"));
}

#[test]
fn old_formats_and_comments_survive() {
    let (m, c) = single().build_twins();
    both(&m, &c, "check", 0);
    // A V2 file (no version key, short entries), with a comment of ours.
    for p in [&m, &c] {
        let v2 = lock(p).replace("version = 4\n\n", "# keep me\n");
        p.change_file("Cargo.lock", v2);
        age(&p.root().join("Cargo.lock"));
    }
    both(&m, &c, "check", 0);
    assert!(mtime_is_old(&m.root().join("Cargo.lock")));
    // CRLF line endings are the same lines.
    for p in [&m, &c] {
        p.change_file("Cargo.lock", lock(p).replace('\n', "\r\n"));
        age(&p.root().join("Cargo.lock"));
    }
    both(&m, &c, "check", 0);
    assert!(mtime_is_old(&m.root().join("Cargo.lock")));
    // A rewrite keeps the comment and moves to V4.
    for p in [&m, &c] {
        p.change_file("../dep/Cargo.toml", pkg("dep", "0.2.5", ""));
    }
    both(&m, &c, "check", 0);
    assert!(
        lock(&m).contains("# keep me\nversion = 4\n"),
        "{}",
        lock(&m)
    );
}

#[test]
fn broken_lock_files_are_reported() {
    let (m, c) = single().build_twins();
    for p in [&m, &c] {
        p.change_file("Cargo.lock", "version = 7\n");
    }
    let mo = both(&m, &c, "check", 101);
    assert_eq!(
        mo.stderr_redacted(),
        "error: failed to parse lock file at: [ROOT]/foo/Cargo.lock\n\nCaused by:\n  lock file version `7` was found, but this version of Cargo does not understand this lock file, perhaps Cargo needs to be updated?\n"
    );
    // generate-lockfile does not read it.
    both(&m, &c, "generate-lockfile", 0);
}

#[test]
fn a_missing_dependency_feature_fails_before_locking() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            pkg("foo", "0.1.0", "[dependencies]\nmid = { path = \"../mid\" }\n"),
        )
        .file("src/lib.rs", "")
        .file(
            "../mid/Cargo.toml",
            pkg(
                "mid",
                "0.3.0",
                "[dependencies]\ndep = { path = \"../dep\", version = \"0.2\", features = [\"nope\"] }\n",
            ),
        )
        .file("../mid/src/lib.rs", "")
        .file("../dep/Cargo.toml", pkg("dep", "0.2.0", "[features]\nnopf = []\n"))
        .file("../dep/src/lib.rs", "")
        .build_twins();
    let mo = both(&m, &c, "check", 101);
    assert!(
        mo.stderr_redacted().starts_with(
            "error: failed to select a version for `dep`.\n    ... required by package `mid v0.3.0 ([ROOT]/mid)`\n    ... which satisfies path dependency `mid` of package `foo v0.1.0 ([ROOT]/foo)`\n"
        ),
        "{}",
        mo.stderr
    );
    assert!(!m.root().join("Cargo.lock").exists());
    both(&m, &c, "generate-lockfile", 101);
}
