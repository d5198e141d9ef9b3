//! `--offline` resolution as cargo's: among the matching versions, the
//! downloaded ones are preferred, so `generate-lockfile --offline` then
//! `build --offline` works with what is in the cache.

use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{Project, TestRoot, project};

fn manifest(name: &str, req: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = \"{req}\"\n"
    )
}

#[test]
fn offline_prefers_downloaded_versions() {
    let reg = Registry::new();
    Package::new("bar", "1.0.0").publish(&reg);
    Package::new("bar", "1.1.0").publish(&reg);
    let root = TestRoot::new_separate_homes();
    reg.configure_home(&root);
    let make = |dir: &str, name: &str, req: &str| -> Project {
        project()
            .in_root(&root)
            .at(dir)
            .file("Cargo.toml", manifest(name, req))
            .file("src/lib.rs", "")
            .build()
    };
    // A first project downloads bar 1.0.0; the index cache knows 1.1.0.
    let (m1, c1) = (make("m1", "first", "=1.0.0"), make("c1", "first", "=1.0.0"));
    m1.mycargo("build").run();
    c1.cargo("build").run();
    // A second one, offline, takes what is downloaded.
    let (m2, c2) = (make("m2", "second", "1"), make("c2", "second", "1"));
    let mo = m2
        .mycargo("generate-lockfile --offline")
        .with_any_status()
        .run();
    let co = c2
        .cargo("generate-lockfile --offline")
        .with_any_status()
        .run();
    assert_eq!(mo.code(), co.code(), "{}", mo.describe());
    let lock = m2.read_file("Cargo.lock");
    assert_eq!(lock, c2.read_file("Cargo.lock"));
    assert!(lock.contains("version = \"1.0.0\""), "{lock}");
    reg.clear_requests();
    m2.mycargo("build --offline").run();
    c2.cargo("build --offline").run();
    assert!(reg.requests().is_empty(), "{:?}", reg.requests());
    // Online, the newest is chosen again.
    let mo = m2.mycargo("update").run();
    let co = c2.cargo("update").run();
    assert_eq!(mo.code(), co.code());
    assert_eq!(m2.read_file("Cargo.lock"), c2.read_file("Cargo.lock"));
    assert!(m2.read_file("Cargo.lock").contains("version = \"1.1.0\""));
}
