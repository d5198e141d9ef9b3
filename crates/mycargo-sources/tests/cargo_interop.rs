//! mycargo and the installed cargo share one `CARGO_HOME`: the same
//! `<host>-<hash>` directories, cargo's index cache format, `.crate` files
//! and `.cargo-ok` markers. Both directions are checked against the local
//! test registry (no internet).

#![allow(clippy::unwrap_used)] // test helpers outside `#[test]` functions

use std::path::Path;
use std::sync::Arc;

use mycargo_core::SourceId;
use mycargo_sources::net::RetryDelay;
use mycargo_sources::{CrateRequest, NetConfig, Silent, SparseRegistry};
use mycargo_test_support::registry::{Dep, Package, Registry};
use mycargo_test_support::{Tool, project};

fn publish(reg: &Registry) {
    Package::new("baz", "0.1.0")
        .file("src/lib.rs", "pub fn baz() {}\n")
        .publish(reg);
    Package::new("qux", "0.1.0").publish(reg);
    Package::new("bar", "1.0.0")
        .dep("baz", "0.1")
        .add_dep(Dep::new("qux", "0.1").optional())
        .feature("extra", &["dep:qux"])
        .file("src/lib.rs", "pub fn bar() {}\n")
        .publish(reg);
}

fn client(reg: &Registry, home: &Path, offline: bool) -> SparseRegistry {
    let net = NetConfig {
        offline,
        retry_delay: RetryDelay::none(),
        ..NetConfig::default()
    };
    let id = SourceId::from_url(&reg.index_url()).unwrap();
    SparseRegistry::new(&id, home, net, None, Arc::new(Silent)).unwrap()
}

const MANIFEST: &str = r#"
[package]
name = "foo"
version = "0.1.0"
edition = "2021"

[dependencies]
bar = "1"
"#;

#[test]
fn mycargo_reads_what_cargo_fetched() {
    let reg = Registry::new();
    publish(&reg);
    let p = project()
        .file("Cargo.toml", MANIFEST)
        .file("src/lib.rs", "")
        .build();
    reg.configure_home(p.test_root());
    p.cargo("fetch").run();
    let home = p.test_root().cargo_home(Tool::Cargo);

    reg.clear_requests();
    let c = client(&reg, &home, true);
    // cargo made the directory we would have made.
    assert!(c.index_dir().join(".cache").is_dir(), "{}", c.dir_name());
    let bar = c.query("bar").unwrap().to_vec();
    assert_eq!(bar.len(), 1);
    assert_eq!(bar[0].version.to_string(), "1.0.0");
    assert_eq!(bar[0].features.get()["extra"], vec!["dep:qux".to_string()]);
    let reqs: Vec<CrateRequest> = ["bar", "baz"]
        .iter()
        .map(|n| CrateRequest::from_summary(&c.query(n).unwrap().to_vec()[0]))
        .collect();
    let got = c.download(&reqs).unwrap();
    for d in &got {
        assert!(!d.downloaded, "{} should come from cargo's cache", d.name);
        assert!(d.crate_file.is_file());
        assert!(d.src_dir.join("src/lib.rs").is_file() || !d.src_dir.exists());
    }
    assert!(reg.requests().is_empty(), "{:#?}", reg.requests());
}

#[test]
fn cargo_runs_offline_on_what_mycargo_fetched() {
    let reg = Registry::new();
    publish(&reg);
    let p = project()
        .file("Cargo.toml", MANIFEST)
        .file("src/lib.rs", "")
        .build();
    reg.configure_home(p.test_root());
    let home = p.test_root().cargo_home(Tool::Cargo);

    let c = client(&reg, &home, false);
    let reqs: Vec<CrateRequest> = ["bar", "baz"]
        .iter()
        .map(|n| CrateRequest::from_summary(&c.query(n).unwrap().to_vec()[0]))
        .collect();
    let got = c.download(&reqs).unwrap();
    assert!(got.iter().all(|d| d.downloaded));

    reg.clear_requests();
    p.cargo("generate-lockfile --offline").run();
    p.cargo("fetch --offline").run();
    p.cargo("build --offline").run();
    assert!(p.read_file("Cargo.lock").contains("name = \"baz\""));
    // cargo found everything where mycargo put it.
    assert!(reg.requests().is_empty(), "{:#?}", reg.requests());

    // Online, cargo revalidates with the validators mycargo stored.
    p.cargo("update").run();
    let bar: Vec<_> = reg
        .requests()
        .into_iter()
        .filter(|r| r.path == "/index/3/b/bar")
        .collect();
    assert_eq!(bar.len(), 1, "{bar:#?}");
    assert!(bar[0].header("if-none-match").is_some(), "{bar:#?}");
    assert_eq!(bar[0].status, 304);
}

#[test]
fn mycargo_revalidates_cargos_cache() {
    let reg = Registry::new();
    publish(&reg);
    let p = project()
        .file("Cargo.toml", MANIFEST)
        .file("src/lib.rs", "")
        .build();
    reg.configure_home(p.test_root());
    p.cargo("generate-lockfile").run();
    let home = p.test_root().cargo_home(Tool::Cargo);
    reg.clear_requests();
    let c = client(&reg, &home, false);
    assert_eq!(c.query("bar").unwrap().to_vec().len(), 1);
    let bar: Vec<_> = reg
        .requests()
        .into_iter()
        .filter(|r| r.path == "/index/3/b/bar")
        .collect();
    assert_eq!(bar.len(), 1, "{bar:#?}");
    assert_eq!(bar[0].status, 304, "{bar:#?}");
}

#[test]
fn cargo_waits_for_mycargos_package_cache_lock() {
    let reg = Registry::new();
    publish(&reg);
    let p = project()
        .file("Cargo.toml", MANIFEST)
        .file("src/lib.rs", "")
        .build();
    reg.configure_home(p.test_root());
    let home = p.test_root().cargo_home(Tool::Cargo);
    let c = client(&reg, &home, false);
    let lock = c.lock_package_cache().unwrap();
    let child = std::process::Command::new(mycargo_test_support::cargo_bin())
        .arg("fetch")
        .current_dir(p.root())
        .env_clear()
        .envs(mycargo_test_support::execs::hermetic_env(
            Tool::Cargo,
            p.test_root(),
        ))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    // cargo cannot have fetched anything while we hold the lock.
    assert!(reg.requests().iter().all(|r| !r.path.contains("/download")));
    drop(lock);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Blocking waiting for file lock on package cache"),
        "{stderr}"
    );
}
