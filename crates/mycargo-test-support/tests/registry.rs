//! The local registry, checked against the installed cargo and a plain
//! HTTP client.

use std::io::Read as _;
use std::time::{Duration, Instant};

use mycargo_test_support::registry::{BadEntry, Dep, Fault, Package, Registry};
use mycargo_test_support::{Project, Tool, project};

const SOURCE: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// The `[[package]]` block cargo writes for a registry package.
fn lock_block(name: &str, vers: &str, source: &str, cksum: &str, deps: &[&str]) -> String {
    let mut s = format!(
        "[[package]]\nname = \"{name}\"\nversion = \"{vers}\"\nsource = \"{source}\"\nchecksum = \"{cksum}\"\n"
    );
    if !deps.is_empty() {
        s.push_str("dependencies = [\n");
        for d in deps {
            s.push_str(&format!(" \"{d}\",\n"));
        }
        s.push_str("]\n");
    }
    s
}

fn project_with_deps(deps: &str, lib: &str) -> Project {
    project()
        .file(
            "Cargo.toml",
            format!(
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
            ),
        )
        .file("src/lib.rs", lib)
        .build()
}

struct Published {
    qux: String,
    winonly: String,
    baz1: String,
    bar: String,
}

/// qux, winonly, baz 1.0.0 (+ yanked 1.1.0), and bar depending on them.
fn populate(reg: &Registry) -> Published {
    let qux = Package::new("qux", "0.1.0")
        .file("src/lib.rs", "pub fn qux() -> u32 { 7 }")
        .publish(reg);
    let winonly = Package::new("winonly", "1.0.0").publish(reg);
    let baz1 = Package::new("baz", "1.0.0")
        .feature("default", &["std"])
        .feature("std", &[])
        .feature("extra", &["dep:qux"])
        .add_dep(Dep::new("qux", "0.1").optional())
        .file(
            "src/lib.rs",
            "#[cfg(feature = \"std\")] pub fn std_fn() -> u32 { 1 }\n\
             #[cfg(feature = \"extra\")] pub fn extra() -> u32 { qux::qux() }\n",
        )
        .publish(reg);
    Package::new("baz", "1.1.0")
        .file(
            "src/lib.rs",
            "compile_error!(\"the yanked version was used\");",
        )
        .yanked()
        .publish(reg);
    let bar = Package::new("bar", "0.5.0")
        .add_dep(
            Dep::new("baz", "1")
                .features(&["std"])
                .no_default_features(),
        )
        .add_dep(Dep::new("qux", "0.1").rename("q"))
        .add_dep(Dep::new("winonly", "1").target("cfg(windows)"))
        .add_dep(Dep::new("devonly", "1").dev())
        .file(
            "src/lib.rs",
            "pub fn bar() -> u32 { baz::std_fn() + q::qux() }",
        )
        .publish(reg);
    Published {
        qux,
        winonly,
        baz1,
        bar,
    }
}

#[test]
fn cargo_resolves_and_builds_from_the_registry() {
    let reg = Registry::new();
    let ck = populate(&reg);
    let p = project_with_deps(
        "bar = \"0.5\"\nbaz = { version = \"1\", features = [\"extra\"] }\n",
        "pub fn f() -> u32 { bar::bar() + baz::extra() }",
    );
    reg.configure_home(p.test_root());
    p.cargo("generate-lockfile").run();
    let lock = p.read_file("Cargo.lock");
    for block in [
        lock_block("bar", "0.5.0", SOURCE, &ck.bar, &["baz", "qux", "winonly"]),
        lock_block("baz", "1.0.0", SOURCE, &ck.baz1, &["qux"]),
        lock_block("qux", "0.1.0", SOURCE, &ck.qux, &[]),
        lock_block("winonly", "1.0.0", SOURCE, &ck.winonly, &[]),
        "[[package]]\nname = \"foo\"\nversion = \"0.1.0\"\ndependencies = [\n \"bar\",\n \"baz\",\n]\n"
            .to_string(),
    ] {
        assert!(lock.contains(&block), "missing:\n{block}\nin:\n{lock}");
    }
    assert!(!lock.contains("1.1.0"), "{lock}");
    p.cargo("build")
        .with_stderr_contains("Downloaded bar v0.5.0 (registry `local`)")
        .run();
    let reqs = reg.requests();
    assert!(reqs.iter().any(|r| r.path == "/index/config.json"));
    assert!(
        reqs.iter()
            .any(|r| r.path == "/index/3/b/bar" && r.header("cargo-protocol").is_some())
    );
    assert!(
        reqs.iter()
            .all(|r| r.status != 404 || r.path.ends_with("devonly"))
    );
    // The packages are in this test's CARGO_HOME, not the real one.
    let cache = p.test_root().cargo_home(Tool::Cargo).join("registry/cache");
    let found = std::fs::read_dir(&cache)
        .unwrap()
        .any(|d| d.unwrap().path().join("bar-0.5.0.crate").is_file());
    assert!(found);
}

#[test]
fn publish_between_commands_and_revalidation() {
    let reg = Registry::new();
    populate(&reg);
    let p = project_with_deps("baz = \"1\"\n", "");
    reg.configure_project(&p);
    p.cargo("generate-lockfile").run();
    assert!(
        p.read_file("Cargo.lock")
            .contains("name = \"baz\"\nversion = \"1.0.0\"")
    );
    let ck = Package::new("baz", "1.0.1").publish(&reg);
    reg.clear_requests();
    p.cargo("update").run();
    let lock = p.read_file("Cargo.lock");
    assert!(
        lock.contains(&lock_block("baz", "1.0.1", SOURCE, &ck, &[])),
        "{lock}"
    );
    // The changed file came back whole.
    let reqs = reg.requests();
    let baz = reqs.iter().find(|r| r.path == "/index/3/b/baz").unwrap();
    assert!(baz.header("if-none-match").is_some());
    assert_eq!(baz.status, 200);
    // Unchanged, it is a 304.
    reg.clear_requests();
    p.cargo("update").run();
    let reqs = reg.requests();
    let baz = reqs.iter().find(|r| r.path == "/index/3/b/baz").unwrap();
    assert_eq!(baz.status, 304);
}

#[test]
fn last_modified_revalidation() {
    let reg = Registry::builder().no_etag().start();
    Package::new("solo", "1.0.0").publish(&reg);
    let p = project_with_deps("solo = \"1\"\n", "");
    reg.configure_home(p.test_root());
    p.cargo("generate-lockfile").run();
    reg.clear_requests();
    p.cargo("update").run();
    let reqs = reg.requests();
    let solo = reqs.iter().find(|r| r.path == "/index/so/lo/solo").unwrap();
    assert!(solo.header("if-modified-since").is_some());
    assert!(solo.header("if-none-match").is_none());
    assert_eq!(solo.status, 304);
}

#[test]
fn alternate_registry_with_auth() {
    let reg = Registry::builder().auth_required("s3cr3t").start();
    let ck = Package::new("private", "2.0.0").publish(&reg);
    let p = project_with_deps("private = { version = \"2\", registry = \"alt\" }\n", "");
    reg.configure_home_alt(p.test_root(), "alt");
    p.cargo("fetch").run();
    // A sparse source is recorded as its URL, without `registry+`.
    let source = reg.index_url();
    let lock = p.read_file("Cargo.lock");
    assert!(
        lock.contains(&lock_block("private", "2.0.0", &source, &ck, &[])),
        "{lock}"
    );
    let reqs = reg.requests();
    assert!(reqs.iter().any(|r| r.status == 401));
    assert!(
        reqs.iter()
            .any(|r| r.path.ends_with("/download") && r.header("authorization") == Some("s3cr3t"))
    );
}

#[test]
fn cargo_rejects_a_wrong_checksum() {
    let reg = Registry::new();
    Package::new("badsum", "1.0.0").wrong_cksum().publish(&reg);
    let p = project_with_deps("badsum = \"1\"\n", "");
    reg.configure_home(p.test_root());
    p.cargo("fetch")
        .with_status(101)
        .with_stderr_contains("failed to verify the checksum of `badsum v1.0.0")
        .run();
}

#[test]
fn cargo_retries_a_500_and_a_429() {
    let reg = Registry::new();
    Package::new("flaky", "1.0.0").publish(&reg);
    reg.fault(&reg.index_path("flaky"), Fault::Status(500));
    reg.fault(
        &reg.download_path("flaky", "1.0.0"),
        Fault::TooManyRequests {
            retry_after: Some(0),
        },
    );
    let p = project_with_deps("flaky = \"1\"\n", "");
    reg.configure_home(p.test_root());
    p.cargo("fetch")
        .with_stderr_contains("warning: spurious network error")
        .run();
    let statuses: Vec<(String, u16)> = reg
        .requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    assert!(statuses.contains(&("/index/fl/ak/flaky".into(), 500)));
    assert!(statuses.contains(&("/index/fl/ak/flaky".into(), 200)));
    assert!(statuses.contains(&("/api/v1/crates/flaky/1.0.0/download".into(), 429)));
    assert!(statuses.contains(&("/api/v1/crates/flaky/1.0.0/download".into(), 200)));
}

#[test]
fn cargo_skips_parent_dir_and_cargo_ok_entries() {
    let reg = Registry::new();
    Package::new("sneaky", "1.0.0")
        .bad_entry(BadEntry::parent_dir())
        .bad_entry(BadEntry::cargo_ok())
        .publish(&reg);
    let p = project_with_deps("sneaky = \"1\"\n", "");
    reg.configure_home(p.test_root());
    p.cargo("build").run();
    let home = p.test_root().cargo_home(Tool::Cargo);
    assert!(!home.join("escaped-by-parent-dir.txt").exists());
    let src = std::fs::read_dir(home.join("registry/src"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("sneaky-1.0.0");
    assert_eq!(std::fs::read(src.join(".cargo-ok")).unwrap(), b"{\"v\":1}");
}

#[test]
fn cargo_rejects_an_absolute_path_entry() {
    let reg = Registry::new();
    let p = project_with_deps("abs = \"1\"\n", "");
    let target = p.test_root().join("escaped-absolute.txt");
    Package::new("abs", "1.0.0")
        .bad_entry(BadEntry::Absolute {
            path: target.clone(),
        })
        .publish(&reg);
    reg.configure_home(p.test_root());
    p.cargo("fetch")
        .with_status(101)
        .with_stderr_contains("invalid tarball downloaded")
        .run();
    assert!(!target.exists());
}

#[test]
fn cargo_stops_a_decompression_bomb() {
    let reg = Registry::new();
    let t = Instant::now();
    let ck = Package::new("bomb", "1.0.0")
        .bad_entry(BadEntry::bomb())
        .publish(&reg);
    let size = reg.crate_file("bomb", "1.0.0").unwrap().len();
    assert!(size < 2 << 20, "{size} bytes");
    eprintln!("built a {size}-byte bomb ({ck}) in {:?}", t.elapsed());
    let p = project_with_deps("bomb = \"1\"\n", "");
    reg.configure_home(p.test_root());
    p.cargo("fetch")
        .with_status(101)
        .with_stderr_contains("maximum limit reached when reading")
        .run();
}

/// Every bad entry comes over HTTP as written.
#[test]
fn bad_tarballs_over_http() {
    let reg = Registry::new();
    Package::new("evil", "0.1.0")
        .bad_entry(BadEntry::parent_dir())
        .bad_entry(BadEntry::Absolute {
            path: "/tmp/mycargo-never-written".into(),
        })
        .bad_entry(BadEntry::symlink_escape())
        .bad_entry(BadEntry::hard_link())
        .bad_entry(BadEntry::cargo_ok())
        .bad_entry(BadEntry::Bomb {
            path: "bomb.bin".into(),
            size: 8 << 20,
        })
        .publish(&reg);
    let r = reg.get(&reg.download_path("evil", "0.1.0"), &[]);
    assert_eq!(r.status, 200);
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(r.body.as_slice()));
    let mut seen = Vec::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let name = String::from_utf8(e.path_bytes().into_owned()).unwrap();
        let n = std::io::copy(&mut e.by_ref().take(u64::MAX), &mut std::io::sink()).unwrap();
        seen.push((name, e.header().entry_type(), n));
    }
    let has = |name: &str, ty: tar::EntryType| seen.iter().any(|s| s.0 == name && s.1 == ty);
    use tar::EntryType::{Link, Regular, Symlink};
    assert!(has("evil-0.1.0/Cargo.toml", Regular), "{seen:?}");
    assert!(has(
        "evil-0.1.0/../../../../escaped-by-parent-dir.txt",
        Regular
    ));
    assert!(has("/tmp/mycargo-never-written", Regular));
    assert!(has("evil-0.1.0/escape", Symlink));
    assert!(has("evil-0.1.0/escape/escaped-by-symlink.txt", Regular));
    assert!(has("evil-0.1.0/passwd", Link));
    assert!(has("evil-0.1.0/.cargo-ok", Regular));
    assert!(
        seen.iter()
            .any(|s| s.0 == "evil-0.1.0/bomb.bin" && s.2 == 8 << 20)
    );
    assert!(r.body.len() < 1 << 20);
}

/// The checksum in the index is not the download's.
#[test]
fn wrong_checksum_over_http() {
    let reg = Registry::new();
    Package::new("badsum", "1.0.0").wrong_cksum().publish(&reg);
    let line = reg.get(&reg.index_path("badsum"), &[]).text();
    let v: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
    let body = reg.get(&reg.download_path("badsum", "1.0.0"), &[]).body;
    let real = mycargo_test_support::registry::sha256_hex(&body);
    assert_ne!(v["cksum"].as_str().unwrap(), real);
}

/// A slow answer does not block other connections, and truncation shows.
#[test]
fn slow_and_truncated_over_http() {
    let reg = Registry::new();
    Package::new("slow", "1.0.0").publish(&reg);
    let path = reg.index_path("slow");
    reg.fault(&path, Fault::Delay(Duration::from_millis(800)));
    let r2 = reg.clone();
    let p2 = path.clone();
    let t = Instant::now();
    let slow = std::thread::spawn(move || r2.get(&p2, &[]).status);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(reg.get("/index/config.json", &[]).status, 200);
    assert!(t.elapsed() < Duration::from_millis(800));
    assert_eq!(slow.join().unwrap(), 200);
    assert!(t.elapsed() >= Duration::from_millis(800));

    reg.fault(&path, Fault::Truncate(5));
    let r = reg.get(&path, &[]);
    assert!(r.truncated);
    assert_eq!(r.body, b"{\"nam");
}

#[test]
fn crates_io_replacement_with_auth() {
    let reg = Registry::builder().auth_required("t0ken").start();
    let ck = Package::new("private", "1.0.0").publish(&reg);
    let p = project_with_deps("private = \"1\"\n", "");
    reg.configure_home(p.test_root());
    p.cargo("fetch").run();
    let lock = p.read_file("Cargo.lock");
    assert!(
        lock.contains(&lock_block("private", "1.0.0", SOURCE, &ck, &[])),
        "{lock}"
    );
    assert!(reg.requests().iter().any(|r| r.status == 401));
}

#[test]
fn cargo_refuses_to_write_through_a_symlink() {
    let reg = Registry::new();
    Package::new("linky", "1.0.0")
        .bad_entry(BadEntry::symlink_escape())
        .publish(&reg);
    let p = project_with_deps("linky = \"1\"\n", "");
    reg.configure_home(p.test_root());
    let out = p
        .cargo("fetch")
        .with_status(101)
        .with_stderr_contains("trying to unpack outside of destination path")
        .run();
    let home = p.test_root().cargo_home(Tool::Cargo);
    // `escape` points four levels up, at $CARGO_HOME.
    assert!(
        !home.join("escaped-by-symlink.txt").exists(),
        "{}",
        out.stderr
    );
}
