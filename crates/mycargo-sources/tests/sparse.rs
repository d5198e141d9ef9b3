//! The sparse registry client against the local test registry
//! (`mycargo_test_support::registry`). Nothing here touches the internet.

#![allow(clippy::unwrap_used)] // test helpers outside `#[test]` functions

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mycargo_core::SourceId;
use mycargo_sources::index::{CacheFile, IndexVersion};
use mycargo_sources::net::RetryDelay;
use mycargo_sources::sparse::{OFFLINE_ERROR, forget_fresh_under};
use mycargo_sources::{
    CrateRequest, DownloadEvent, IndexSummary, NetConfig, Reporter, SparseRegistry,
};
use mycargo_test_support::registry::{BadEntry, Dep, Fault, Package, Registry, Response};
use semver::Version;

#[derive(Default)]
struct Record {
    warnings: Mutex<Vec<String>>,
    events: Mutex<Vec<DownloadEvent>>,
}

impl Reporter for Record {
    fn warn(&self, m: &str) {
        self.warnings.lock().unwrap().push(m.to_string());
    }
    fn download(&self, e: &DownloadEvent) {
        self.events.lock().unwrap().push(e.clone());
    }
}

fn fast_net() -> NetConfig {
    NetConfig {
        retry_delay: RetryDelay::none(),
        timeout: Duration::from_secs(20),
        ..NetConfig::default()
    }
}

struct Env {
    _dir: tempfile::TempDir,
    home: PathBuf,
    reg: Registry,
    record: Arc<Record>,
}

impl Env {
    fn new(reg: Registry) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().canonicalize().unwrap().join("cargo-home");
        std::fs::create_dir_all(&home).unwrap();
        Env {
            _dir: dir,
            home,
            reg,
            record: Arc::new(Record::default()),
        }
    }

    fn source_id(&self) -> SourceId {
        SourceId::from_url(&self.reg.index_url()).unwrap()
    }

    fn client_with(&self, net: NetConfig, token: Option<&str>) -> SparseRegistry {
        SparseRegistry::new(
            &self.source_id(),
            &self.home,
            net,
            token.map(str::to_string),
            self.record.clone(),
        )
        .unwrap()
    }

    fn client(&self) -> SparseRegistry {
        self.client_with(fast_net(), None)
    }

    fn offline_client(&self) -> SparseRegistry {
        self.client_with(
            NetConfig {
                offline: true,
                ..fast_net()
            },
            None,
        )
    }

    /// Requests of `path` the server answered, with their statuses.
    fn statuses(&self, path: &str) -> Vec<u16> {
        self.reg
            .requests()
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.status)
            .collect()
    }

    fn new_command(&self) {
        forget_fresh_under(&self.home);
    }
}

fn versions(s: &[IndexSummary]) -> Vec<String> {
    s.iter().map(|s| s.version.to_string()).collect()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn request_for(s: &IndexSummary) -> CrateRequest {
    CrateRequest::from_summary(s)
}

#[test]
fn fetch_parse_cache_and_revalidate_with_304() {
    let env = Env::new(Registry::new());
    Package::new("foo", "1.0.0").publish(&env.reg);
    Package::new("foo", "1.1.0")
        .add_dep(Dep::new("bar", "0.5").optional().no_default_features())
        .add_dep(Dep::new("baz", "1").dev().target("cfg(unix)"))
        .feature("serde", &["dep:bar", "bar?/std"])
        .links("z")
        .rust_version("1.70")
        .publish(&env.reg);

    let client = env.client();
    let all = client.query("foo").unwrap().to_vec();
    assert_eq!(versions(&all), ["1.0.0", "1.1.0"]);
    let v11 = &all[1];
    assert_eq!(v11.v, 2);
    assert_eq!(
        v11.features.get()["serde"],
        vec!["dep:bar".to_string(), "bar?/std".to_string()]
    );
    assert_eq!(v11.links.as_deref(), Some("z"));
    assert_eq!(v11.rust_version.as_deref(), Some("1.70"));
    assert!(
        v11.deps
            .iter()
            .any(|d| d.name == "bar" && d.optional && !d.default_features)
    );
    assert!(
        v11.deps
            .iter()
            .any(|d| d.name == "baz" && d.target.as_deref() == Some("cfg(unix)"))
    );
    assert_eq!(env.statuses("/index/3/f/foo"), [200]);
    let req = env
        .reg
        .requests()
        .into_iter()
        .find(|r| r.path == "/index/3/f/foo")
        .unwrap();
    assert_eq!(req.header("cargo-protocol"), Some("version=1"));
    assert_eq!(req.header("accept"), Some("text/plain"));

    // The cache: cargo's directory name and file format.
    assert!(client.dir_name().starts_with("127.0.0.1-"));
    let cache = client.index_dir().join(".cache/3/f/foo");
    let file = CacheFile::decode(&std::fs::read(&cache).unwrap()).unwrap();
    assert!(matches!(file.index_version, IndexVersion::ETag(_)));
    assert_eq!(file.entries.len(), 2);
    assert!(client.index_dir().join("config.json").is_file());
    assert!(
        std::fs::read_to_string(env.home.join("registry/CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );

    // Same command: no more requests, even from a new client.
    assert_eq!(
        versions(&client.query("foo").unwrap().to_vec()),
        ["1.0.0", "1.1.0"]
    );
    assert_eq!(
        versions(&env.client().query("foo").unwrap().to_vec()),
        ["1.0.0", "1.1.0"]
    );
    assert_eq!(env.statuses("/index/3/f/foo"), [200]);

    // Next command: revalidated, 304 keeps the cache.
    env.new_command();
    assert_eq!(
        versions(&env.client().query("foo").unwrap().to_vec()),
        ["1.0.0", "1.1.0"]
    );
    assert_eq!(env.statuses("/index/3/f/foo"), [200, 304]);
    let last = env
        .reg
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/index/3/f/foo")
        .unwrap();
    assert!(last.header("if-none-match").is_some());

    // A new version shows up with the next revalidation.
    Package::new("foo", "1.2.0").publish(&env.reg);
    env.new_command();
    let all = env.client().query("foo").unwrap().to_vec();
    assert_eq!(versions(&all), ["1.0.0", "1.1.0", "1.2.0"]);
    assert_eq!(env.statuses("/index/3/f/foo"), [200, 304, 200]);
}

#[test]
fn revalidates_with_last_modified_without_etag() {
    let env = Env::new(Registry::builder().no_etag().start());
    Package::new("abcd", "0.1.0").publish(&env.reg);
    env.client().query("abcd").unwrap().to_vec();
    env.new_command();
    let got = env.client().query("ABCD").unwrap().to_vec();
    assert_eq!(versions(&got), ["0.1.0"]);
    assert_eq!(env.statuses("/index/ab/cd/abcd"), [200, 304]);
    let last = env
        .reg
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/index/ab/cd/abcd")
        .unwrap();
    assert!(last.header("if-modified-since").is_some());
    assert!(last.header("if-none-match").is_none());
}

#[test]
fn missing_crate_is_empty_not_an_error() {
    let env = Env::new(Registry::new());
    assert!(env.client().query("nope").unwrap().to_vec().is_empty());
    assert_eq!(env.statuses("/index/no/pe/nope"), [404]);
}

#[test]
fn many_names_in_parallel_each_fetched_once() {
    let env = Env::new(Registry::new());
    let names: Vec<String> = (0..40).map(|i| format!("pkg{i}")).collect();
    for n in &names {
        Package::new(n, "1.0.0").publish(&env.reg);
    }
    // Ten slow ones: sequentially this would take 10 × 400 ms.
    for n in &names[..10] {
        env.reg.fault(
            &env.reg.index_path(n),
            Fault::Delay(Duration::from_millis(400)),
        );
    }
    let mut asked: Vec<&str> = names.iter().map(String::as_str).collect();
    // Duplicates while in flight are fetched once.
    asked.extend(["pkg0", "pkg1", "pkg0"]);
    let client = env.client();
    let start = Instant::now();
    let got = client.query_many(&asked).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(got.len(), asked.len());
    for (name, s) in asked.iter().zip(&got) {
        assert_eq!(s.len(), 1, "{name}");
        assert_eq!(s.to_vec()[0].name, *name);
    }
    assert!(
        elapsed < Duration::from_millis(3000),
        "not parallel: {elapsed:?}"
    );
    for n in &names {
        assert_eq!(env.statuses(&env.reg.index_path(n)).len(), 1, "{n}");
    }
    assert_eq!(env.statuses("/index/config.json").len(), 1);
}

#[test]
fn retries_spurious_failures_then_succeeds() {
    let env = Env::new(Registry::new());
    for n in ["aaa", "bbb", "ccc", "ddd"] {
        Package::new(n, "1.0.0").publish(&env.reg);
    }
    env.reg
        .fault(&env.reg.index_path("aaa"), Fault::Status(500));
    env.reg.fault(
        &env.reg.index_path("bbb"),
        Fault::TooManyRequests {
            retry_after: Some(0),
        },
    );
    env.reg.fault(&env.reg.index_path("ccc"), Fault::Close);
    env.reg
        .fault(&env.reg.index_path("ddd"), Fault::Truncate(10));
    let client = env.client();
    for n in ["aaa", "bbb", "ccc", "ddd"] {
        assert_eq!(
            versions(&client.query(n).unwrap().to_vec()),
            ["1.0.0"],
            "{n}"
        );
    }
    assert_eq!(env.statuses("/index/3/a/aaa"), [500, 200]);
    assert_eq!(env.statuses("/index/3/b/bbb"), [429, 200]);
    assert_eq!(env.statuses("/index/3/c/ccc").len(), 2);
    assert_eq!(env.statuses("/index/3/d/ddd").len(), 2);
    let warnings = env.record.warnings.lock().unwrap().clone();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(
        warnings.iter().any(
            |w| w.starts_with("spurious network error (3 tries remaining): ")
                && w.contains("got 500")
        ),
        "{warnings:#?}"
    );
}

#[test]
fn retries_are_bounded_by_net_retry() {
    let env = Env::new(Registry::new());
    Package::new("flaky", "1.0.0").publish(&env.reg);
    env.reg
        .fault_always(&env.reg.index_path("flaky"), Fault::Status(503));
    let err = env.client().query("flaky").unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("download of fl/ak/flaky failed"), "{msg}");
    assert!(msg.contains("got 503"), "{msg}");
    // net.retry = 3: four attempts.
    assert_eq!(env.statuses("/index/fl/ak/flaky").len(), 4);
    env.reg.clear_faults();
    env.reg
        .fault_always(&env.reg.index_path("flaky"), Fault::Status(500));
    let one = env.client_with(
        NetConfig {
            retry: 1,
            ..fast_net()
        },
        None,
    );
    // A new client: the failed query was not cached.
    assert!(one.query("flaky").is_err());
    assert_eq!(env.statuses("/index/fl/ak/flaky").len(), 6);
    // Not spurious: 403 fails at once.
    env.reg.clear_faults();
    env.reg
        .fault_always(&env.reg.index_path("flaky"), Fault::Status(403));
    assert!(env.client().query("flaky").is_err());
    assert_eq!(env.statuses("/index/fl/ak/flaky").len(), 7);
}

#[test]
fn download_unpack_and_reuse() {
    let env = Env::new(Registry::new());
    Package::new("foo", "1.0.0")
        .file("src/lib.rs", "pub fn foo() {}\n")
        .publish(&env.reg);
    Package::new("bar", "0.2.0")
        .file("src/lib.rs", "pub fn bar() {}\n")
        .publish(&env.reg);
    let client = env.client();
    let reqs: Vec<CrateRequest> = ["foo", "bar"]
        .iter()
        .map(|n| request_for(&client.query(n).unwrap().to_vec()[0]))
        .collect();
    // Asking twice for one crate downloads it once.
    let mut asked = reqs.clone();
    asked.push(reqs[0].clone());
    let got = client.download(&asked).unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2], got[0]);
    for d in &got {
        assert!(d.downloaded);
        assert!(d.crate_file.is_file());
        assert_eq!(
            std::fs::read(d.src_dir.join(".cargo-ok")).unwrap(),
            br#"{"v":1}"#
        );
        assert!(d.src_dir.join("src/lib.rs").is_file());
    }
    assert_eq!(
        got[0].crate_file,
        client.crate_cache_dir().join("foo-1.0.0.crate")
    );
    assert_eq!(got[1].src_dir, client.src_dir().join("bar-0.2.0"));
    assert_eq!(
        std::fs::read(&got[0].crate_file).unwrap(),
        env.reg.crate_file("foo", "1.0.0").unwrap()
    );
    let events = env.record.events.lock().unwrap().clone();
    assert_eq!(events.first(), Some(&DownloadEvent::Begin { count: 2 }));
    assert!(matches!(
        events.last(),
        Some(DownloadEvent::Done { count: 2, .. })
    ));
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, DownloadEvent::Finished { .. }))
            .count(),
        2
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, DownloadEvent::Progress { received, .. } if *received > 0))
    );
    assert_eq!(env.statuses("/api/v1/crates/foo/1.0.0/download"), [200]);

    // Unpacked already: nothing happens.
    let again = env.client().download(&reqs).unwrap();
    assert!(again.iter().all(|d| !d.downloaded));
    // Sources gone but the .crate cached: unpacked again, no download.
    std::fs::remove_dir_all(&got[0].src_dir).unwrap();
    let again = env.client().download(&reqs).unwrap();
    assert!(!again[0].downloaded);
    assert!(got[0].src_dir.join(".cargo-ok").is_file());
    // An extraction without the marker is redone.
    std::fs::remove_file(got[1].src_dir.join(".cargo-ok")).unwrap();
    std::fs::write(got[1].src_dir.join("junk"), "x").unwrap();
    env.client().download(&reqs).unwrap();
    assert!(!got[1].src_dir.join("junk").exists());
    assert_eq!(env.statuses("/api/v1/crates/foo/1.0.0/download"), [200]);
    assert_eq!(env.statuses("/api/v1/crates/bar/0.2.0/download"), [200]);
}

#[test]
fn download_retries_after_a_500() {
    let env = Env::new(Registry::new());
    Package::new("foo", "1.0.0").publish(&env.reg);
    let client = env.client();
    let req = request_for(&client.query("foo").unwrap().to_vec()[0]);
    env.reg
        .fault(&env.reg.download_path("foo", "1.0.0"), Fault::Status(500));
    client.download(&[req]).unwrap();
    assert_eq!(
        env.statuses("/api/v1/crates/foo/1.0.0/download"),
        [500, 200]
    );
}

#[test]
fn wrong_checksum_is_refused_and_nothing_cached() {
    let env = Env::new(Registry::new());
    Package::new("bad", "1.0.0").wrong_cksum().publish(&env.reg);
    let client = env.client();
    let req = request_for(&client.query("bad").unwrap().to_vec()[0]);
    let err = client.download(&[req]).unwrap_err();
    // Named with its source, as cargo names it.
    let msg = err.to_string();
    assert!(
        msg.starts_with("failed to verify the checksum of `bad v1.0.0 (registry `"),
        "{msg}"
    );
    assert!(listing(&client.crate_cache_dir()).is_empty());
    assert!(listing(&client.src_dir()).is_empty());
}

fn bad_entry_refused(entry: BadEntry, expect: &str) -> Env {
    let env = Env::new(Registry::new());
    Package::new("evil", "1.0.0")
        .file("src/lib.rs", "")
        .bad_entry(entry)
        .publish(&env.reg);
    let client = env.client();
    let req = request_for(&client.query("evil").unwrap().to_vec()[0]);
    let err = client.download(&[req]).unwrap_err();
    let msg = format!("{err:#}");
    assert!(
        msg.contains("failed to unpack package `evil v1.0.0 (registry `http://127.0.0.1:"),
        "cargo names the package with its registry: {msg}"
    );
    assert!(msg.contains(expect), "{msg}");
    // Nothing half-written: no sources, no temporary directory. The
    // verified `.crate` stays cached, as cargo keeps it.
    assert!(
        listing(&client.src_dir()).is_empty(),
        "{:?}",
        listing(&client.src_dir())
    );
    assert_eq!(listing(&client.crate_cache_dir()).len(), 1);
    env
}

#[test]
fn bad_tarball_parent_dir() {
    let env = bad_entry_refused(BadEntry::parent_dir(), "contains a `..` component");
    assert!(!env.home.join("escaped-by-parent-dir.txt").exists());
}

#[test]
fn bad_tarball_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("absolute.txt");
    bad_entry_refused(
        BadEntry::Absolute {
            path: target.clone(),
        },
        "which isn't under \"evil-1.0.0\"",
    );
    assert!(!target.exists());
}

#[test]
fn bad_tarball_symlink() {
    let env = bad_entry_refused(
        BadEntry::symlink_escape(),
        "symbolic link `evil-1.0.0/escape` points outside the package",
    );
    assert!(!env.home.join("escaped-by-symlink.txt").exists());
}

#[test]
fn bad_tarball_hard_link() {
    bad_entry_refused(BadEntry::hard_link(), "is a hard link");
}

#[test]
fn bad_tarball_cargo_ok_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    bad_entry_refused(
        BadEntry::CargoOkSymlink {
            target: victim.display().to_string(),
        },
        "symbolic link `evil-1.0.0/.cargo-ok` points outside the package",
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn bad_tarball_outside_prefix() {
    bad_entry_refused(
        BadEntry::OutsidePrefix {
            path: "other-1.0.0/x.rs".into(),
        },
        "which isn't under \"evil-1.0.0\"",
    );
}

#[test]
fn bad_tarball_gzip_bomb() {
    bad_entry_refused(BadEntry::bomb(), "maximum limit reached when reading");
}

#[test]
fn cargo_ok_entry_in_tarball_is_skipped() {
    let env = Env::new(Registry::new());
    Package::new("sneaky", "1.0.0")
        .file("src/lib.rs", "")
        .bad_entry(BadEntry::cargo_ok())
        .publish(&env.reg);
    let client = env.client();
    let req = request_for(&client.query("sneaky").unwrap().to_vec()[0]);
    let got = client.download(&[req]).unwrap();
    assert_eq!(
        std::fs::read(got[0].src_dir.join(".cargo-ok")).unwrap(),
        br#"{"v":1}"#
    );
}

#[test]
fn offline_with_warm_cache_works() {
    let env = Env::new(Registry::new());
    Package::new("foo", "1.0.0").publish(&env.reg);
    let client = env.client();
    let req = request_for(&client.query("foo").unwrap().to_vec()[0]);
    client.download(std::slice::from_ref(&req)).unwrap();
    env.reg.clear_requests();
    env.new_command();
    let offline = env.offline_client();
    assert!(offline.is_offline());
    assert_eq!(versions(&offline.query("foo").unwrap().to_vec()), ["1.0.0"]);
    assert_eq!(
        offline.config().unwrap().dl,
        format!("{}/api/v1/crates", env.reg.base_url())
    );
    let got = offline.download(&[req]).unwrap();
    assert!(!got[0].downloaded);
    assert!(env.reg.requests().is_empty(), "{:?}", env.reg.requests());
}

#[test]
fn offline_with_cold_cache_gives_cargos_error() {
    let env = Env::new(Registry::new());
    Package::new("foo", "1.0.0").publish(&env.reg);
    let offline = env.offline_client();
    // Nothing cached: the crate is not found (the resolver adds the note).
    assert!(offline.query("foo").unwrap().to_vec().is_empty());
    let req = CrateRequest::new("foo", Version::new(1, 0, 0), "00");
    let err = offline.download(&[req]).unwrap_err();
    assert_eq!(err.to_string(), OFFLINE_ERROR);
    assert_eq!(
        OFFLINE_ERROR,
        "attempting to make an HTTP request, but --offline was specified"
    );
    assert!(env.reg.requests().is_empty());
}

#[test]
fn auth_required_sends_the_token() {
    let env = Env::new(Registry::builder().auth_required("sekrit").start());
    Package::new("priv", "1.0.0").publish(&env.reg);
    let client = env.client_with(fast_net(), Some("sekrit"));
    let s = client.query("priv").unwrap().to_vec();
    assert!(client.config().unwrap().auth_required);
    client.download(&[request_for(&s[0])]).unwrap();
    let reqs = env.reg.requests();
    let index = reqs.iter().find(|r| r.path == "/index/pr/iv/priv").unwrap();
    assert_eq!(index.header("authorization"), Some("sekrit"));
    assert_eq!(index.status, 200);
    let dl = reqs
        .iter()
        .find(|r| r.path == "/api/v1/crates/priv/1.0.0/download")
        .unwrap();
    assert_eq!(dl.header("authorization"), Some("sekrit"));
    assert_eq!(dl.status, 200);

    // Without a token: a clear error.
    let env2 = Env::new(env.reg.clone());
    let err = env2.client().query("priv").unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("no token found for"), "{msg}");
}

#[test]
fn dl_template_markers() {
    let env = Env::new(Registry::new());
    let cksum = Package::new("MyCrate", "1.0.0").publish(&env.reg);
    let base = env.reg.base_url();
    let dl = format!(
        "{base}/files/{{prefix}}/{{lowerprefix}}/{{crate}}-{{version}}/{{sha256-checksum}}"
    );
    env.reg.route("/index/config.json", move |_| {
        Response::json(&serde_json::json!({ "dl": dl.clone() }))
    });
    let reg = env.reg.clone();
    env.reg.route("/files/", move |_| {
        match reg.crate_file("MyCrate", "1.0.0") {
            Some(b) => Response::new(200, b),
            None => Response::new(404, "missing"),
        }
    });
    let client = env.client();
    let s = client.query("mycrate").unwrap().to_vec();
    assert_eq!(s[0].name, "MyCrate");
    client.download(&[request_for(&s[0])]).unwrap();
    let want = format!("/files/My/Cr/my/cr/MyCrate-1.0.0/{cksum}");
    assert_eq!(env.statuses(&want), [200], "{:#?}", env.reg.requests());
    assert!(client.src_dir().join("MyCrate-1.0.0/.cargo-ok").is_file());
}

#[test]
fn timeout_is_retried_and_user_agent_sent() {
    let env = Env::new(Registry::new());
    Package::new("slow", "1.0.0").publish(&env.reg);
    env.reg.fault(
        &env.reg.index_path("slow"),
        Fault::Delay(Duration::from_secs(3)),
    );
    let client = env.client_with(
        NetConfig {
            timeout: Duration::from_millis(700),
            user_agent: "test-agent/1.0".to_string(),
            ..fast_net()
        },
        None,
    );
    assert_eq!(versions(&client.query("slow").unwrap().to_vec()), ["1.0.0"]);
    let warnings = env.record.warnings.lock().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let last = env
        .reg
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/index/sl/ow/slow")
        .unwrap();
    assert_eq!(last.status, 200);
    assert_eq!(last.header("user-agent"), Some("test-agent/1.0"));
}

#[test]
fn crates_io_goes_through_its_sparse_index() {
    let dir = tempfile::tempdir().unwrap();
    let c = SparseRegistry::new(
        &SourceId::crates_io(),
        dir.path(),
        NetConfig {
            offline: true,
            ..NetConfig::default()
        },
        None,
        Arc::new(mycargo_sources::Silent),
    )
    .unwrap();
    assert_eq!(c.dir_name(), "index.crates.io-1949cf8c6b5b557f");
    assert!(c.source_id().is_sparse());
    // Offline and cold: nothing, and no network.
    assert!(c.query("serde").unwrap().to_vec().is_empty());
}
