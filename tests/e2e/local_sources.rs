//! `local-registry` and `directory` sources replacing crates.io:
//! differential tests against the installed cargo. Both tools read the
//! same source on disk from their own CARGO_HOME; stderr (redacted), the
//! exit code and the `Cargo.lock` bytes must match.

use std::path::{Path, PathBuf};

use mycargo_test_support::Tool;
use mycargo_test_support::project;
use mycargo_test_support::project::Project;
use mycargo_test_support::registry::{Dep, Package, Registry};

use super::twin::same;

/// A small graph: `baz` depends on `bar` (two versions published) and,
/// renamed and optional, on `qux`; `qux` has a build script.
fn publish_graph(reg: &Registry) {
    Package::new("bar", "1.0.0").publish(reg);
    Package::new("bar", "1.1.0")
        .file("src/lib.rs", "pub fn bar() -> u32 { 11 }\n")
        .publish(reg);
    Package::new("qux", "0.3.0")
        .file(
            "build.rs",
            "fn main() { println!(\"cargo::rustc-cfg=qux_built\"); }\n",
        )
        .publish(reg);
    Package::new("baz", "0.2.0")
        .dep("bar", "1")
        .add_dep(Dep::new("qux", "0.3").rename("q").optional())
        .feature("fancy", &["dep:q"])
        .file("src/lib.rs", "pub fn baz() -> u32 { bar::bar() }\n")
        .publish(reg);
}

const MANIFEST: &str = "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
    [dependencies]\nbaz = { version = \"0.2\", features = [\"fancy\"] }\n";

/// Twin projects whose `.cargo/config.toml` replaces crates.io with
/// `source` (a `[source.<name>]` table body).
fn twins(kind: &str, dir: &Path) -> (Project, Project) {
    let config = format!(
        "[source.crates-io]\nreplace-with = \"on-disk\"\n\n[source.on-disk]\n{kind} = \"{}\"\n",
        dir.display()
    );
    project()
        .file("Cargo.toml", MANIFEST)
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", baz::baz()); }\n",
        )
        .file(".cargo/config.toml", config)
        .build_twins()
}

fn src_dirs(p: &Project, tool: Tool) -> Vec<String> {
    let dir = p.test_root().cargo_home(tool).join("registry/src");
    let mut out = Vec::new();
    for reg in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        for pkg in std::fs::read_dir(reg.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            out.push(format!(
                "{}/{}",
                reg.file_name().to_string_lossy(),
                pkg.file_name().to_string_lossy()
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn local_registry_builds_like_cargo_and_shares_unpacked_sources() {
    let reg = Registry::new();
    publish_graph(&reg);
    let store = tempfile::tempdir().unwrap();
    let local = store.path().join("local-reg");
    reg.write_local_registry(&local);
    drop(reg);
    let (m, c) = twins("local-registry", &local);

    let err = same(&m, &c, "build");
    assert!(err.contains("Unpacking bar v1.1.0 (registry `"), "{err}");
    assert!(
        !err.contains("Updating"),
        "a local registry is not updated: {err}"
    );
    assert_eq!(
        src_dirs(&m, Tool::Mycargo),
        src_dirs(&c, Tool::Cargo),
        "unpacked where cargo unpacks"
    );
    let lock = std::fs::read_to_string(m.root().join("Cargo.lock")).unwrap();
    assert!(lock.contains("source = \"registry+https://github.com/rust-lang/crates.io-index\""));
    m.process(m.target_debug_dir().join("foo"))
        .with_stdout_data("11\n")
        .run();

    // Unpacked once: the second build neither unpacks nor rebuilds.
    let again = same(&m, &c, "build --offline");
    assert!(
        !again.contains("Unpacking") && !again.contains("Compiling"),
        "{again}"
    );
}

#[test]
fn local_registry_checksum_mismatch_is_refused_like_cargo() {
    let reg = Registry::new();
    publish_graph(&reg);
    let store = tempfile::tempdir().unwrap();
    let local = store.path().join("local-reg");
    reg.write_local_registry(&local);
    let other = Package::new("bar", "1.1.0")
        .file("src/lib.rs", "pub fn bar() -> u32 { 99 }\n")
        .crate_bytes();
    std::fs::write(local.join("bar-1.1.0.crate"), other).unwrap();
    let (m, c) = twins("local-registry", &local);
    let err = same(&m, &c, "build");
    assert!(
        err.contains("failed to verify the checksum of `bar v1.1.0"),
        "{err}"
    );
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        assert!(
            !src_dirs(p, tool).iter().any(|d| d.ends_with("/bar-1.1.0")),
            "nothing unpacked for a bad .crate"
        );
    }
}

#[test]
fn local_registry_missing_directory_is_an_error_like_cargos() {
    let store = tempfile::tempdir().unwrap();
    let (m, c) = twins("local-registry", &store.path().join("nowhere"));
    let err = same(&m, &c, "generate-lockfile");
    assert!(
        err.contains("failed to get `baz` as a dependency of package `foo v0.1.0"),
        "{err}"
    );
    assert!(
        err.contains("local registry path is not a directory: "),
        "{err}"
    );
}

/// A vendored copy of the graph made by the installed cargo.
fn vendored(store: &Path) -> PathBuf {
    let reg = Registry::new();
    publish_graph(&reg);
    let maker = project()
        .file("Cargo.toml", MANIFEST)
        .file("src/main.rs", "fn main() {}\n")
        .build();
    reg.configure_home(maker.test_root());
    let dir = store.join("vendor");
    maker
        .cargo(&format!("vendor --respect-source-config {}", dir.display()))
        .run();
    std::fs::copy(maker.root().join("Cargo.lock"), store.join("Cargo.lock")).unwrap();
    dir
}

#[test]
fn directory_source_builds_like_cargo_with_the_lock_unchanged() {
    let store = tempfile::tempdir().unwrap();
    let vendor = vendored(store.path());
    let (m, c) = twins("directory", &vendor);
    // An unrelated directory is skipped, as cargo does.
    std::fs::create_dir_all(vendor.join("notes")).unwrap();
    std::fs::create_dir_all(vendor.join(".hidden/x")).unwrap();

    let err = same(&m, &c, "build");
    assert!(
        !err.contains("Unpacking") && !err.contains("Downloading"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(m.root().join("Cargo.lock")).unwrap(),
        std::fs::read_to_string(store.path().join("Cargo.lock")).unwrap(),
        "the lock records crates.io, as if nothing were replaced"
    );
    m.process(m.target_debug_dir().join("foo"))
        .with_stdout_data("11\n")
        .run();
    same(&m, &c, "metadata --format-version 1 --offline");
    let meta = m
        .mycargo("metadata --format-version 1")
        .run()
        .stdout_redacted();
    assert!(meta.contains("vendor/bar/Cargo.toml"), "{meta}");

    // An edited vendored file goes unnoticed while the build is fresh and
    // is refused once the crate must compile again.
    let lib = vendor.join("bar/src/lib.rs");
    let original = std::fs::read(&lib).unwrap();
    std::fs::write(&lib, "pub fn bar() -> u32 { 12 }\n").unwrap();
    same(&m, &c, "build");
    // (target directories differ in their fingerprint files; see
    // docs/differences.md)
    m.mycargo("clean").run();
    c.cargo("clean").run();
    let err = same(&m, &c, "build");
    assert!(err.contains("the listed checksum of `"), "{err}");
    assert!(
        err.contains("directory sources are not intended to be edited"),
        "{err}"
    );
    std::fs::write(&lib, original).unwrap();
    same(&m, &c, "build");
}

#[test]
fn directory_source_checksum_problems_are_reported_like_cargo() {
    let store = tempfile::tempdir().unwrap();
    let vendor = vendored(store.path());
    let (m, c) = twins("directory", &vendor);
    for p in [&m, &c] {
        std::fs::copy(store.path().join("Cargo.lock"), p.root().join("Cargo.lock")).unwrap();
    }
    // A package checksum other than the lock file's.
    let sums = vendor.join("bar/.cargo-checksum.json");
    let text = std::fs::read_to_string(&sums).unwrap();
    let lock = std::fs::read_to_string(store.path().join("Cargo.lock")).unwrap();
    let cksum = lock
        .split("name = \"bar\"")
        .nth(1)
        .and_then(|s| s.split("checksum = \"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(text.contains(&cksum));
    std::fs::write(&sums, text.replace(&cksum, &"0".repeat(64))).unwrap();
    let err = same(&m, &c, "build");
    assert!(
        err.contains("checksum for `bar v1.1.0` changed between lock files"),
        "{err}"
    );

    // No checksum file at all.
    std::fs::remove_file(&sums).unwrap();
    let err = same(&m, &c, "build");
    assert!(
        err.contains("failed to load checksum `.cargo-checksum.json` of bar v1.1.0"),
        "{err}"
    );
    std::fs::write(&sums, text).unwrap();
    same(&m, &c, "build");
}

#[test]
fn directory_source_without_the_package_explains_where_it_looked() {
    let store = tempfile::tempdir().unwrap();
    let vendor = vendored(store.path());
    std::fs::remove_dir_all(vendor.join("bar")).unwrap();
    let (m, c) = twins("directory", &vendor);
    // cargo's message, then (mycargo only) why no version fits.
    let mo = m.mycargo("generate-lockfile").with_status(101).run();
    let co = c.cargo("generate-lockfile").with_status(101).run();
    let cargo_err = co.stderr_as_mycargo();
    assert!(
        cargo_err.contains("no matching package found\nsearched package name: `bar`\nperhaps you meant:      baz or qux\nlocation searched: directory source `"),
        "{cargo_err}"
    );
    assert!(
        mo.stderr_redacted().starts_with(&cargo_err),
        "{}\nwanted a start of:\n{cargo_err}",
        mo.stderr_redacted()
    );
}

#[test]
fn mycargo_vendor_then_offline_build_from_the_vendored_copy() {
    let reg = Registry::new();
    publish_graph(&reg);
    let p = project()
        .file("Cargo.toml", MANIFEST)
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", baz::baz()); }\n",
        )
        .build();
    reg.configure_home(p.test_root());
    let out = p.mycargo("vendor --respect-source-config").run();
    let lock_before = std::fs::read_to_string(p.root().join("Cargo.lock")).unwrap();
    // The snippet vendor prints is what makes the build use the copy.
    assert!(
        out.stdout.contains("directory = \"vendor\""),
        "{}",
        out.stdout
    );
    std::fs::create_dir_all(p.root().join(".cargo")).unwrap();
    std::fs::write(p.root().join(".cargo/config.toml"), &out.stdout).unwrap();
    drop(reg);
    p.mycargo("build --offline").run();
    p.process(p.target_debug_dir().join("foo"))
        .with_stdout_data("11\n")
        .run();
    assert_eq!(
        std::fs::read_to_string(p.root().join("Cargo.lock")).unwrap(),
        lock_before,
        "building from the vendored copy leaves the lock file as it was"
    );
}

/// The `Downloading` bar and the `Downloaded N crates` summary, with
/// `term.progress.when = "always"` (stderr is not a terminal here): one
/// slow download keeps the bar up long enough to be drawn.
#[test]
fn download_progress_bar_and_summary_when_progress_is_on() {
    let reg = Registry::new();
    publish_graph(&reg);
    reg.fault(
        &reg.download_path("bar", "1.1.0"),
        mycargo_test_support::registry::Fault::Delay(std::time::Duration::from_millis(900)),
    );
    let (m, c) = project()
        .file("Cargo.toml", MANIFEST)
        .file("src/main.rs", "fn main() {}\n")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    let mo = m
        .mycargo("fetch")
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "100")
        .run();
    let err = mo.stderr.clone();
    assert!(err.contains("Downloading ["), "{err:?}");
    assert!(err.contains("/3: 1 crate"), "{err:?}");
    let summary = |s: &str| -> Option<String> {
        s.lines()
            .flat_map(|l| l.split('\r'))
            .map(|l| l.trim_start_matches("\x1b[K").trim())
            .find(|l| l.starts_with("Downloaded 3 crates ("))
            .map(|l| l.split(" in ").next().unwrap_or(l).to_string())
    };
    // cargo sums the downloads up in the same words when it draws a bar.
    let co = c
        .cargo("fetch")
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "100")
        .run();
    assert_eq!(
        summary(&err),
        summary(&co.stderr),
        "{err:?}\n{:?}",
        co.stderr
    );
    assert!(summary(&err).is_some(), "{err:?}");
    // Without a terminal (or the setting) there is no bar and no summary.
    std::fs::remove_dir_all(m.test_root().cargo_home(Tool::Mycargo).join("registry")).unwrap();
    let plain = m.mycargo("fetch").run();
    assert!(
        plain.stderr.contains("Downloaded bar v1.1.0"),
        "{}",
        plain.stderr
    );
    assert!(!plain.stderr.contains("Downloading ["), "{}", plain.stderr);
    assert_eq!(summary(&plain.stderr), None, "{}", plain.stderr);
}

/// cargo's overlay hook (`__CARGO_TEST_DEPENDENCY_CONFUSION_VULNERABILITY_DO_NOT_USE_THIS`,
/// what its own testsuite uses): a local registry laid over the
/// registry's index, its newer version chosen and unpacked from it, the
/// registry named by its URL; a value without `=` refused as cargo does.
#[test]
fn overlay_hook_like_cargo() {
    let reg = Registry::new();
    Package::new("baz", "0.1.0").publish(&reg);
    let ovl = Registry::new();
    Package::new("baz", "0.1.1").publish(&ovl);
    let store = tempfile::tempdir().unwrap();
    let local = store.path().join("overlay");
    ovl.write_local_registry(&local);
    drop(ovl);
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.0.1\"\nedition = \"2015\"\n\n[dependencies]\nbaz = \"0.1.0\"\n",
        )
        .file("src/main.rs", "fn main() {}")
        .build_twins();
    reg.configure_home(m.test_root());
    reg.configure_home(c.test_root());
    let key = "__CARGO_TEST_DEPENDENCY_CONFUSION_VULNERABILITY_DO_NOT_USE_THIS";
    let value = format!("{}={}", reg.index_url(), local.display());
    let mo = m.mycargo("check").env(key, &value).run();
    let co = c.cargo("check").env(key, &value).run();
    assert!(mo.stderr.contains("Unpacking baz v0.1.1"), "{}", mo.stderr);
    assert!(
        mo.stderr
            .contains(&format!("Updating `{}` index", reg.index_url()))
    );
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
    let mo = m
        .mycargo("check")
        .env(key, "no-equals")
        .with_status(101)
        .run();
    let co = c
        .cargo("check")
        .env(key, "no-equals")
        .with_status(101)
        .run();
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
}
