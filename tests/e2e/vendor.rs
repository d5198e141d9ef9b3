//! `vendor` against the installed cargo, on the local test registry and
//! local git repositories: the whole vendor tree byte for byte (every
//! file, `.cargo-checksum.json` included, and the executable bits), the
//! `[source]` snippet on stdout, the `Vendoring` lines on stderr;
//! `--versioned-dirs`, stale directories removed (or kept with
//! `--no-delete`), `--sync`, a custom path, the duplicate-version error
//! and `[source]` replacement ignored unless `--respect-source-config`.

use std::path::Path;

use mycargo_test_support::compare::assert_same_tree;
use mycargo_test_support::git::{self, Repo};
use mycargo_test_support::registry::{Package, Registry, sha256_hex};
use mycargo_test_support::{Output, Project, project};

/// Files a published crate may carry, some of which vendoring leaves out
/// (`.gitignore`, `.gitattributes`, `.cargo-ok`, anything under `.git/`)
/// and some it keeps (`Cargo.toml.orig`, `.cargo_vcs_info.json`, `.orig`
/// and `.rej` files, modes).
fn with_extra_files(p: Package) -> Package {
    p.file("src/lib.rs", "pub fn f() {}\n")
        .file(".gitignore", "target\n")
        .file(".gitattributes", "* text=auto\n")
        .file("sub/.gitignore", "x\n")
        .file("sub/.hidden", "kept\n")
        .file("x/.git/config", "[core]\n")
        .file(".cargo-ok", "{\"v\":1}")
        .file("Cargo.toml.orig", "[package]\nname = \"original\"\n")
        .file(".cargo_vcs_info.json", "{\"git\":{\"sha1\":\"0123\"}}\n")
        .file("src/old.rs.orig", "old\n")
        .file("fix.rej", "rejected\n")
        .file_with_mode("run.sh", "#!/bin/sh\n", 0o755)
        .file_with_mode("private.txt", "p\n", 0o600)
}

/// `log` 0.3.9 and 0.4.20, `bar` (→ `log` 0.3), `serde`, `cc`, `other`.
fn publish_packages(reg: &Registry) {
    with_extra_files(Package::new("log", "0.3.9")).publish(reg);
    with_extra_files(Package::new("log", "0.4.20")).publish(reg);
    with_extra_files(Package::new("bar", "1.0.0").dep("log", "0.3")).publish(reg);
    with_extra_files(Package::new("serde", "1.0.100")).publish(reg);
    with_extra_files(Package::new("cc", "1.0.0")).publish(reg);
    Package::new("other", "2.0.0")
        .file("src/lib.rs", "")
        .publish(reg);
}

/// A git workspace: `gitdep` (inheriting from the workspace, an example
/// excluded from the package, a build script, an executable file) with a
/// path dependency on `util`.
fn git_workspace(dir: &Path) -> Repo {
    let repo = git::repo(dir.join("gitws"))
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"gitdep\", \"util\"]\n\n\
             [workspace.package]\nversion = \"0.3.0\"\nedition = \"2021\"\nlicense-file = \"LICENSE\"\n\n\
             [workspace.dependencies]\nutil = { path = \"util\", features = [\"x\"] }\n\n\
             [workspace.lints.rust]\nunsafe_code = \"forbid\"\n",
        )
        .file("LICENSE", "license\n")
        .file(
            "gitdep/Cargo.toml",
            "[package]\nname = \"gitdep\"\nversion.workspace = true\nedition.workspace = true\n\
             license-file.workspace = true\nexclude = [\"examples/skipped.rs\"]\nbuild = \"build.rs\"\n\n\
             [lints]\nworkspace = true\n\n\
             [dependencies]\nutil = { workspace = true }\n\n\
             [dev-dependencies]\nextra = \"1.0\"\n\n\
             [features]\nz = []\na = [\"util/x\"]\n",
        )
        .file("gitdep/src/lib.rs", "pub fn f() -> u32 { util::g() + 1 }\n")
        .file("gitdep/build.rs", "fn main() {}\n")
        .file("gitdep/src/bin/tool.rs", "fn main() {}\n")
        .file("gitdep/examples/skipped.rs", "fn main() {}\n")
        .file("gitdep/.gitignore", "/target\n")
        .file("gitdep/README.md", "readme\n")
        .file("gitdep/notes.orig", "kept\n")
        .file("gitdep/script.sh", "#!/bin/sh\n")
        .file(
            "util/Cargo.toml",
            "[package]\nname = \"util\"\nversion.workspace = true\nedition.workspace = true\n\n\
             [features]\nx = []\n",
        )
        .file("util/src/lib.rs", "pub fn g() -> u32 { 41 }\n")
        .commit();
    set_executable(&dir.join("gitws/gitdep/script.sh"));
    repo.commit_all("executable script");
    repo.tag("v0.3.0");
    repo
}

#[cfg(unix)]
fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn set_executable(_path: &Path) {}

fn manifest(deps: &str, build_deps: &str) -> String {
    format!(
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\n{deps}\n[build-dependencies]\n{build_deps}"
    )
}

/// The dependencies of the main scenario: two versions of `log` (one
/// through `bar`), `serde` renamed, `cc` as a build dependency, and the
/// git workspace at a tag.
fn main_deps(git_url: &str) -> (String, String) {
    (
        format!(
            "log = {{ version = \"0.4\", registry = \"alt\" }}\n\
             bar = {{ version = \"1\", registry = \"alt\" }}\n\
             ser = {{ package = \"serde\", version = \"1\", registry = \"alt\" }}\n\
             gitdep = {{ git = \"{git_url}\", tag = \"v0.3.0\" }}\n"
        ),
        "cc = { version = \"1\", registry = \"alt\" }\n".to_string(),
    )
}

/// The same project twice (each in its own root, so with its own
/// CARGO_HOME), both using `reg` as the registry `alt`.
fn twins(reg: &Registry, manifest: &str, extra: &[(&str, &str)]) -> (Project, Project) {
    let mut b = project()
        .file("Cargo.toml", manifest)
        .file("src/main.rs", "fn main() {}\n");
    for (path, text) in extra {
        b = b.file(path, text);
    }
    let (m, c) = b.build_twins();
    reg.configure_project_alt(&m, "alt");
    reg.configure_project_alt(&c, "alt");
    (m, c)
}

/// stderr in mycargo's words, the resolve's and download's lines (whose
/// order varies with the network) sorted, the rest as printed. With
/// `index_lines` false the `Updating ... index` lines are left out (after
/// a manifest change mycargo's resolve revalidates the index where
/// cargo's trusts its cache: the resolve's business, not vendor's).
fn norm_stderr(out: &Output, index_lines: bool) -> String {
    let text = out.stderr_as_mycargo();
    let lines: Vec<&str> = text.lines().collect();
    let split = lines
        .iter()
        .position(|l| {
            l.starts_with("   Vendoring ")
                || l.starts_with("error:")
                || l.starts_with("To use vendored sources")
                || l.starts_with("There is no dependency")
        })
        .unwrap_or(lines.len());
    let mut prelude: Vec<&str> = lines[..split]
        .iter()
        .copied()
        .filter(|l| index_lines || !(l.starts_with("    Updating ") && l.ends_with(" index")))
        .collect();
    prelude.sort_unstable();
    let mut all = prelude;
    all.extend_from_slice(&lines[split..]);
    all.join("\n")
}

/// Run `vendor <args>` with both tools and check they agree: exit code,
/// stdout, stderr (see [`norm_stderr`]) and the whole project trees
/// (vendor directory, `Cargo.lock`).
fn vendor_both(m: &Project, c: &Project, args: &[&str]) -> (Output, Output) {
    vendor_both_with(m, c, args, true)
}

fn vendor_both_with(
    m: &Project,
    c: &Project,
    args: &[&str],
    index_lines: bool,
) -> (Output, Output) {
    let mo = m.mycargo("vendor").args(args).with_any_status().run();
    let co = c.cargo("vendor").args(args).with_any_status().run();
    assert_eq!(mo.code(), co.code(), "{}\n{}", mo.describe(), co.describe());
    assert_eq!(
        mo.stdout_as_mycargo(),
        co.stdout_as_mycargo(),
        "{}\n{}",
        mo.describe(),
        co.describe()
    );
    assert_eq!(
        norm_stderr(&mo, index_lines),
        norm_stderr(&co, index_lines),
        "{}\n{}",
        mo.describe(),
        co.describe()
    );
    assert_same_tree(&m.root(), &c.root());
    (mo, co)
}

fn vendoring_lines(out: &Output) -> Vec<String> {
    out.stderr_as_mycargo()
        .lines()
        .filter(|l| l.starts_with("   Vendoring "))
        .map(str::to_string)
        .collect()
}

#[test]
fn vendor_matches_cargo_byte_for_byte() {
    let reg = Registry::new();
    publish_packages(&reg);
    let dir = tempfile::tempdir().unwrap();
    let repo = git_workspace(dir.path());
    let (deps, build) = main_deps(&repo.url());
    let (m, c) = twins(&reg, &manifest(&deps, &build), &[]);

    let (mo, _) = vendor_both(&m, &c, &[]);
    let vendor = m.root().join("vendor");
    let mut names: Vec<String> = std::fs::read_dir(&vendor)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["bar", "cc", "gitdep", "log", "log-0.3.9", "serde", "util"]
    );
    // Registry packages are their `.crate` without git's files.
    assert!(vendor.join("log/Cargo.toml.orig").is_file());
    assert!(vendor.join("log/sub/.hidden").is_file());
    assert!(!vendor.join("log/.gitignore").exists());
    assert!(!vendor.join("log/sub/.gitignore").exists());
    assert!(!vendor.join("log/x").exists());
    let cksum = std::fs::read_to_string(vendor.join("log/.cargo-checksum.json")).unwrap();
    assert!(
        cksum.starts_with("{\"files\":{\".cargo_vcs_info.json\":\""),
        "{cksum}"
    );
    let crate_sum = sha256_hex(&reg.crate_file("log", "0.4.20").unwrap());
    assert!(
        cksum.ends_with(&format!("\"}},\"package\":\"{crate_sum}\"}}")),
        "{cksum}"
    );
    // Git packages: normalized manifest, no package checksum.
    let gitdep = std::fs::read_to_string(vendor.join("gitdep/Cargo.toml")).unwrap();
    assert!(
        gitdep.contains("[dependencies.util]\npath = \"../util\""),
        "{gitdep}"
    );
    assert!(gitdep.contains("license-file = \"../LICENSE\""), "{gitdep}");
    assert!(!vendor.join("gitdep/examples").exists());
    let cksum = std::fs::read_to_string(vendor.join("gitdep/.cargo-checksum.json")).unwrap();
    assert!(cksum.ends_with(",\"package\":null}"), "{cksum}");
    assert!(
        mo.stderr
            .contains("warning: ignoring example `skipped` as `examples/skipped.rs` is not included in the published package"),
        "{}",
        mo.stderr
    );
    assert!(
        mo.stdout.contains(&format!(
            "[source.\"git+{}?tag=v0.3.0\"]\ngit = \"{}\"\ntag = \"v0.3.0\"\nreplace-with = \"vendored-sources\"\n",
            repo.url(),
            repo.url()
        )),
        "{}",
        mo.stdout
    );
    assert!(
        mo.stdout
            .ends_with("[source.vendored-sources]\ndirectory = \"vendor\"\n"),
        "{}",
        mo.stdout
    );
    assert!(
        vendoring_lines(&mo)
            .iter()
            .any(|l| l.ends_with(" to vendor/log-0.3.9")),
        "{}",
        mo.stderr
    );

    // Again, into the existing directory (now shown by its full path).
    let (mo, _) = vendor_both(&m, &c, &[]);
    assert!(
        vendoring_lines(&mo)
            .iter()
            .any(|l| l.ends_with(" to [ROOT]/foo/vendor/log")),
        "{}",
        mo.stderr
    );
    // Quiet: nothing printed, the same tree.
    let (mo, _) = vendor_both(&m, &c, &["-q"]);
    assert_eq!(mo.stdout, "");
    assert_eq!(mo.stderr, "");
}

#[test]
fn vendor_versioned_dirs_like_cargo() {
    let reg = Registry::new();
    publish_packages(&reg);
    let dir = tempfile::tempdir().unwrap();
    let repo = git_workspace(dir.path());
    let deps = format!(
        "log = {{ version = \"0.4\", registry = \"alt\" }}\n\
         bar = {{ version = \"1\", registry = \"alt\" }}\n\
         gitdep = {{ git = \"{}\", branch = \"master\" }}\n",
        repo.url()
    );
    let (m, c) = twins(&reg, &manifest(&deps, ""), &[]);
    let (mo, _) = vendor_both(&m, &c, &["--versioned-dirs"]);
    for name in [
        "bar-1.0.0",
        "gitdep-0.3.0",
        "log-0.3.9",
        "log-0.4.20",
        "util-0.3.0",
    ] {
        assert!(m.root().join("vendor").join(name).is_dir(), "{name}");
    }
    assert_eq!(vendoring_lines(&mo).len(), 5, "{}", mo.stderr);
    // A second run keeps the registry copies (a version never changes)
    // and copies the git packages again.
    let (mo, _) = vendor_both(&m, &c, &["--versioned-dirs"]);
    let lines = vendoring_lines(&mo);
    assert_eq!(lines.len(), 2, "{}", mo.stderr);
    assert!(
        lines.iter().all(|l| l.contains("?branch=master#")),
        "{lines:?}"
    );
    // Without the flag the highest version loses its suffix; the old
    // directories go, except the lower `log` kept as it is.
    let (mo, _) = vendor_both(&m, &c, &[]);
    assert!(
        !vendoring_lines(&mo)
            .iter()
            .any(|l| l.contains("log v0.3.9"))
    );
    assert!(m.root().join("vendor/log").is_dir());
    assert!(!m.root().join("vendor/log-0.4.20").exists());
}

#[test]
fn vendor_removes_stale_entries_like_cargo() {
    let reg = Registry::new();
    publish_packages(&reg);
    let deps = "log = { version = \"0.4\", registry = \"alt\" }\n\
                other = { version = \"2\", registry = \"alt\" }\n\
                local = { path = \"vendor/local\" }\n";
    let local = [
        (
            "vendor/local/Cargo.toml",
            "[package]\nname = \"local\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("vendor/local/src/lib.rs", ""),
    ];
    let (m, c) = twins(&reg, &manifest(deps, ""), &local);
    vendor_both(&m, &c, &[]);
    assert!(m.root().join("vendor/other").is_dir());
    // Stale entries, a hidden one, and a dependency dropped.
    for p in [&m, &c] {
        std::fs::create_dir_all(p.root().join("vendor/old-1.0.0/src")).unwrap();
        std::fs::write(p.root().join("vendor/old-1.0.0/src/lib.rs"), "").unwrap();
        std::fs::write(p.root().join("vendor/stray.txt"), "x").unwrap();
        std::fs::create_dir_all(p.root().join("vendor/.keep")).unwrap();
        p.change_file(
            "Cargo.toml",
            manifest(
                "log = { version = \"0.4\", registry = \"alt\" }\n\
                 local = { path = \"vendor/local\" }\n",
                "",
            ),
        );
    }
    // `--no-delete` keeps everything.
    vendor_both_with(&m, &c, &["--no-delete"], false);
    assert!(m.root().join("vendor/other").is_dir());
    assert!(m.root().join("vendor/stray.txt").is_file());
    // Then a normal run removes what is not vendored, but never the
    // sources of a path dependency nor hidden entries.
    vendor_both(&m, &c, &[]);
    assert!(!m.root().join("vendor/other").exists());
    assert!(!m.root().join("vendor/old-1.0.0").exists());
    assert!(!m.root().join("vendor/stray.txt").exists());
    assert!(m.root().join("vendor/.keep").is_dir());
    assert!(m.root().join("vendor/local/Cargo.toml").is_file());
    assert!(m.root().join("vendor/log/.cargo-checksum.json").is_file());
}

#[test]
fn vendor_nothing_to_vendor_like_cargo() {
    let reg = Registry::new();
    let (m, c) = twins(&reg, &manifest("", ""), &[]);
    let (mo, _) = vendor_both(&m, &c, &[]);
    assert_eq!(mo.stdout, "");
    assert_eq!(
        mo.stderr,
        "There is no dependency to vendor in this project.\n"
    );
    // The directory it made is gone again; one that existed stays, emptied.
    assert!(!m.root().join("vendor").exists());
    for p in [&m, &c] {
        std::fs::create_dir_all(p.root().join("vendor")).unwrap();
        std::fs::write(p.root().join("vendor/junk"), "x").unwrap();
    }
    vendor_both(&m, &c, &[]);
    assert!(m.root().join("vendor").is_dir());
    assert!(!m.root().join("vendor/junk").exists());
}

#[test]
fn vendor_sync_and_custom_path_like_cargo() {
    let reg = Registry::new();
    publish_packages(&reg);
    let other = [
        (
            "other/Cargo.toml",
            "[package]\nname = \"second\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nlog = { version = \"0.3\", registry = \"alt\" }\n\
             other = { version = \"2\", registry = \"alt\" }\n",
        ),
        ("other/src/lib.rs", ""),
    ];
    let deps = "log = { version = \"0.4\", registry = \"alt\" }\n";
    let (m, c) = twins(&reg, &manifest(deps, ""), &other);
    let (mo, _) = vendor_both(
        &m,
        &c,
        &[
            "-s",
            "other/Cargo.toml",
            "third_party/crates",
            "--versioned-dirs",
        ],
    );
    for name in ["log-0.3.9", "log-0.4.20", "other-2.0.0"] {
        assert!(
            m.root().join("third_party/crates").join(name).is_dir(),
            "{name}"
        );
    }
    assert!(m.root().join("other/Cargo.lock").is_file());
    assert!(
        mo.stdout
            .ends_with("[source.vendored-sources]\ndirectory = \"third_party/crates\"\n"),
        "{}",
        mo.stdout
    );
}

#[test]
fn vendor_duplicate_version_from_two_sources_fails_like_cargo() {
    let reg = Registry::new();
    publish_packages(&reg);
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("logfork"))
        .file(
            "Cargo.toml",
            "[package]\nname = \"log\"\nversion = \"0.4.20\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "")
        .commit();
    let deps = format!(
        "log = {{ version = \"0.4\", registry = \"alt\" }}\n\
         logfork = {{ git = \"{}\", package = \"log\" }}\n",
        repo.url()
    );
    let (m, c) = twins(&reg, &manifest(&deps, ""), &[]);
    let (mo, _) = vendor_both(&m, &c, &[]);
    assert_eq!(mo.code(), Some(101));
    assert!(
        mo.stderr.contains(
            "error: failed to sync\n\nCaused by:\n  found duplicate version of package `log v0.4.20` vendored from two sources:\n\n  \tsource 1: registry `alt`\n  \tsource 2: "
        ),
        "{}",
        mo.stderr
    );
}

#[test]
fn vendor_source_replacement_only_with_respect_source_config() {
    let reg = Registry::new();
    publish_packages(&reg);
    let (m, c) = project()
        .file("Cargo.toml", manifest("bar = \"1\"\n", ""))
        .file("src/main.rs", "fn main() {}\n")
        .build_twins();
    reg.configure_project(&m);
    reg.configure_project(&c);
    let (mo, _) = vendor_both(&m, &c, &["--respect-source-config"]);
    assert!(
        mo.stdout
            .starts_with("[source.crates-io]\nreplace-with = \"vendored-sources\"\n"),
        "{}",
        mo.stdout
    );
    assert!(m.root().join("vendor/log/.cargo-checksum.json").is_file());
    // Without the flag the replacement is ignored: crates.io itself is
    // asked (offline here, so nothing is found).
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    let out = m.mycargo("vendor").arg("--offline").with_status(101).run();
    assert!(
        out.stderr.contains(
            "no matching package named `bar` found\n  location searched: crates.io index"
        ),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn vendor_a_crate_with_symlinks_like_cargo() {
    let reg = Registry::new();
    Package::new("lnk", "1.0.0")
        .file("src/lib.rs", "include!(\"../gen.rs\");\n")
        .file("real/code.rs", "pub fn linked() -> u32 { 7 }\n")
        .symlink("gen.rs", "real/code.rs")
        .symlink("README.md", "real/../real/code.rs")
        .publish(&reg);
    let (m, c) = twins(
        &reg,
        &manifest("lnk = { version = \"1\", registry = \"alt\" }\n", ""),
        &[],
    );
    vendor_both(&m, &c, &[]);
}

#[test]
fn vendor_keeps_the_manifest_of_a_git_package_whose_include_leaves_it_out() {
    let reg = Registry::new();
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("narrow"))
        .file(
            "Cargo.toml",
            "[package]\nname = \"narrow\"\nversion = \"0.1.0\"\nedition = \"2021\"\ninclude = [\"src/lib.rs\"]\n",
        )
        .file("src/lib.rs", "pub fn f() {}\n")
        .file("notes.txt", "left out\n")
        .commit();
    let deps = format!("narrow = {{ git = \"{}\" }}\n", repo.url());
    let (m, c) = twins(&reg, &manifest(&deps, ""), &[]);
    vendor_both(&m, &c, &[]);
    let vendored = m.root().join("vendor/narrow");
    assert!(vendored.join("Cargo.toml").is_file());
    assert!(vendored.join("src/lib.rs").is_file());
    assert!(!vendored.join("notes.txt").exists());
}

/// The files `cargo package` generates get cargo's fixed mtime when
/// vendored, as when unpacked into the registry cache.
#[test]
fn vendored_generated_files_get_cargos_fixed_mtime() {
    let reg = Registry::new();
    Package::new("bar", "0.1.0").publish(&reg);
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = \"0.1\"\n",
        )
        .file("src/lib.rs", "")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    m.mycargo("vendor").run();
    c.cargo("vendor").run();
    let mtime = |p: &Project, f: &str| {
        std::fs::metadata(p.root().join("vendor/bar").join(f))
            .and_then(|md| md.modified())
            .ok()
    };
    let f = "Cargo.toml";
    let secs = mtime(&m, f).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    assert_eq!(secs.map(|d| d.as_secs()), Some(1153704088));
    assert_eq!(mtime(&m, f), mtime(&c, f));
}
