//! HTTPS registries behind a private root CA, as behind a company's
//! TLS-inspecting proxy: the CA is only in a system-style bundle named by
//! `SSL_CERT_FILE` (or added with `http.cainfo`). Both tools are pointed at
//! the same 127.0.0.1 HTTPS registry and must agree.

use std::path::Path;
use std::sync::Arc;

use mycargo_test_support::registry::tls::TestCa;
use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{Execs, Output, Project};

/// A registry on `https://127.0.0.1:PORT` with `bar` 1.0.0 in it.
fn https_registry(ca: &Arc<TestCa>) -> Registry {
    let reg = Registry::builder().https(ca).start();
    Package::new("bar", "1.0.0")
        .file("src/lib.rs", "pub fn bar() -> u32 { 7 }\n")
        .publish(&reg);
    reg
}

fn twins(reg: &Registry) -> (Project, Project) {
    super::twin::registry_twins(
        reg,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = \"1\"\n",
            ),
            ("src/lib.rs", "pub fn foo() -> u32 { bar::bar() }\n"),
        ],
    )
}

/// A "system" trust store: a bundle file with the given PEM blocks (after
/// the machine's own roots, when it has them) and an empty directory.
fn system_store(dir: &Path, extra: &[&str]) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut bundle =
        std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    for pem in extra {
        bundle.push_str(pem);
    }
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join("ca-certificates.crt");
    std::fs::write(&file, bundle).unwrap();
    let certs_dir = dir.join("certs");
    std::fs::create_dir_all(&certs_dir).unwrap();
    (file, certs_dir)
}

fn with_store(e: Execs, store: &(std::path::PathBuf, std::path::PathBuf)) -> Execs {
    e.env("SSL_CERT_FILE", &store.0)
        .env("SSL_CERT_DIR", &store.1)
        .env_remove("CARGO_HTTP_CAINFO")
        .with_any_status()
}

fn run_both(
    m: &Project,
    c: &Project,
    args: &str,
    store: &(std::path::PathBuf, std::path::PathBuf),
) -> (Output, Output) {
    let mo = with_store(m.mycargo(args), store).run();
    let co = with_store(c.cargo(args), store).run();
    (mo, co)
}

#[test]
fn private_root_in_the_system_bundle_is_trusted() {
    let ca = Arc::new(TestCa::new());
    let reg = https_registry(&ca);
    assert!(reg.index_url().starts_with("sparse+https://127.0.0.1:"));
    let (m, c) = twins(&reg);
    let store = system_store(&m.test_root().path().join("sys"), &[&ca.ca_pem]);

    let (mo, co) = run_both(&m, &c, "fetch", &store);
    assert_eq!(co.code(), Some(0), "cargo: {}", co.describe());
    assert_eq!(mo.code(), Some(0), "mycargo: {}", mo.describe());
    assert_eq!(m.read_file("Cargo.lock"), c.read_file("Cargo.lock"));
    let (mo, co) = run_both(&m, &c, "build", &store);
    assert_eq!(
        (mo.code(), co.code()),
        (Some(0), Some(0)),
        "{}",
        mo.describe()
    );
    assert!(
        reg.requests()
            .iter()
            .any(|r| r.path.starts_with("/api/v1/crates")),
        "the .crate came over HTTPS: {:?}",
        reg.requests()
    );
}

#[test]
fn unknown_root_is_refused_by_both() {
    let ca = Arc::new(TestCa::new());
    let reg = https_registry(&ca);
    let (m, c) = twins(&reg);
    let store = system_store(&m.test_root().path().join("sys"), &[]);
    let (mo, co) = run_both(&m, &c, "generate-lockfile", &store);
    assert_eq!(co.code(), Some(101), "cargo: {}", co.describe());
    assert_eq!(mo.code(), Some(101), "mycargo: {}", mo.describe());
    assert!(
        mo.stderr.contains("certificate"),
        "the error names the certificate problem: {}",
        mo.stderr
    );
    assert!(!m.root().join("Cargo.lock").exists());
}

#[test]
fn http_cainfo_adds_to_the_system_store() {
    let ca = Arc::new(TestCa::new());
    let reg = https_registry(&ca);
    let (m, c) = twins(&reg);
    let root = m.test_root().path().to_path_buf();
    let store = system_store(&root.join("sys"), &[]);
    let ca_file = root.join("private-ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();
    for p in [&m, &c] {
        let cfg = p.root().join(".cargo/config.toml");
        std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
        std::fs::write(
            &cfg,
            format!("[http]\ncainfo = {:?}\n", ca_file.display().to_string()),
        )
        .unwrap();
    }
    let (mo, co) = run_both(&m, &c, "generate-lockfile", &store);
    assert_eq!(co.code(), Some(0), "cargo: {}", co.describe());
    assert_eq!(mo.code(), Some(0), "mycargo: {}", mo.describe());
    assert_eq!(m.read_file("Cargo.lock"), c.read_file("Cargo.lock"));
}
