use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::*;

fn reg_with_foo() -> (Registry, String) {
    let reg = Registry::new();
    let ck = Package::new("Foo_Bar", "1.0.0").publish(&reg);
    (reg, ck)
}

#[test]
fn config_json() {
    let reg = Registry::new();
    let r = reg.get("/index/config.json", &[]);
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["dl"], format!("http://{}/api/v1/crates", reg.addr()));
    assert_eq!(v["api"], reg.base_url());
    assert!(v.get("auth-required").is_none());
    let reg = Registry::builder().no_api().start();
    let v: serde_json::Value =
        serde_json::from_slice(&reg.get("/index/config.json", &[]).body).unwrap();
    assert!(v.get("api").is_none());
}

#[test]
fn index_and_download() {
    let (reg, ck) = reg_with_foo();
    assert_eq!(reg.index_path("Foo_Bar"), "/index/fo/o_/foo_bar");
    let r = reg.get("/index/fo/o_/foo_bar", &[]);
    assert_eq!(r.status, 200);
    let line: serde_json::Value = serde_json::from_str(r.text().trim_end()).unwrap();
    assert_eq!(line["name"], "Foo_Bar");
    assert_eq!(line["cksum"], ck.as_str());
    assert!(r.text().ends_with('\n'));
    // Not lowercase, wrong layout, unknown: 404.
    assert_eq!(reg.get("/index/Fo/o_/Foo_Bar", &[]).status, 404);
    assert_eq!(reg.get("/index/foo_bar", &[]).status, 404);
    assert_eq!(reg.get("/index/3/z/zzz", &[]).status, 404);
    let d = reg.get(&reg.download_path("Foo_Bar", "1.0.0"), &[]);
    assert_eq!(d.status, 200);
    assert_eq!(sha256_hex(&d.body), ck);
    assert_eq!(
        reg.get(&reg.download_path("Foo_Bar", "9.0.0"), &[]).status,
        404
    );
}

#[test]
fn versions_accumulate_and_yank() {
    let reg = Registry::new();
    Package::new("a", "0.1.0").publish(&reg);
    Package::new("a", "0.2.0").publish(&reg);
    reg.yank("a", "0.1.0");
    let text = reg.get("/index/1/a", &[]).text();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["yanked"], true);
    assert_eq!(lines[1]["vers"], "0.2.0");
    assert_eq!(reg.index_file("A").unwrap(), text);
}

#[test]
fn etag_and_last_modified() {
    let (reg, _) = reg_with_foo();
    let path = reg.index_path("foo_bar");
    let r = reg.get(&path, &[]);
    let etag = r.header("etag").unwrap().to_string();
    let lm = r.header("last-modified").unwrap().to_string();
    assert!(etag.starts_with('"'));
    assert_eq!(reg.get(&path, &[("If-None-Match", &etag)]).status, 304);
    assert_eq!(reg.get(&path, &[("If-None-Match", "\"x\"")]).status, 200);
    assert_eq!(reg.get(&path, &[("If-Modified-Since", &lm)]).status, 304);
    let old = index::http_date(1_000_000);
    assert_eq!(reg.get(&path, &[("If-Modified-Since", &old)]).status, 200);
    // A change invalidates both validators.
    Package::new("Foo_Bar", "1.0.1").publish(&reg);
    let r2 = reg.get(&path, &[("If-None-Match", &etag)]);
    assert_eq!(r2.status, 200);
    assert_ne!(r2.header("etag").unwrap(), etag);
    assert_eq!(reg.get(&path, &[("If-Modified-Since", &lm)]).status, 200);
    assert_eq!(reg.get("/index/config.json", &[]).status, 200);

    let reg = Registry::builder().no_etag().no_last_modified().start();
    Package::new("x", "1.0.0").publish(&reg);
    let r = reg.get("/index/1/x", &[]);
    assert!(r.header("etag").is_none());
    assert!(r.header("last-modified").is_none());
}

#[test]
fn auth() {
    let reg = Registry::builder().auth_required("sekrit").start();
    Package::new("abc", "1.0.0").publish(&reg);
    let r = reg.get("/index/config.json", &[]);
    assert_eq!(r.status, 401);
    assert!(
        r.header("www-authenticate")
            .unwrap()
            .starts_with("Cargo login_url=")
    );
    let r = reg.get("/index/config.json", &[("Authorization", "sekrit")]);
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["auth-required"], true);
    assert_eq!(reg.get("/index/3/a/abc", &[]).status, 401);
    assert_eq!(
        reg.get("/index/3/a/abc", &[("Authorization", "no")]).status,
        403
    );
    assert_eq!(
        reg.get("/index/3/a/abc", &[("Authorization", "sekrit")])
            .status,
        200
    );
    let dl = reg.download_path("abc", "1.0.0");
    assert_eq!(reg.get(&dl, &[]).status, 401);
    assert_eq!(reg.get(&dl, &[("Authorization", "sekrit")]).status, 200);
    assert!(reg.alt_registry_toml("alt").contains("token = \"sekrit\""));
}

/// Several requests on one connection, read back in order.
#[test]
fn keep_alive() {
    let (reg, _) = reg_with_foo();
    let mut conn = TcpStream::connect(reg.addr()).unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    for path in ["/index/config.json", "/index/fo/o_/foo_bar", "/nope"] {
        write!(conn, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        let mut len = 0;
        loop {
            let mut l = String::new();
            reader.read_line(&mut l).unwrap();
            if l == "\r\n" {
                break;
            }
            if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let want = if path == "/nope" { "404" } else { "200" };
        assert!(status.contains(want), "{path}: {status}");
    }
}

#[test]
fn concurrent_connections() {
    let reg = Registry::new();
    for i in 0..8 {
        Package::new(&format!("pkg{i}"), "1.0.0").publish(&reg);
    }
    reg.fault_always(
        &reg.index_path("pkg0"),
        Fault::Delay(Duration::from_millis(300)),
    );
    let start = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let reg = reg.clone();
            std::thread::spawn(move || reg.get(&reg.index_path(&format!("pkg{i}")), &[]).status)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    // The slow one did not hold the others up for long.
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(reg.requests().len(), 8);
}

#[test]
fn faults() {
    let (reg, _) = reg_with_foo();
    let path = reg.index_path("foo_bar");
    reg.fault(&path, Fault::Status(500));
    assert_eq!(reg.get(&path, &[]).status, 500);
    assert_eq!(reg.get(&path, &[]).status, 200);

    reg.fault_n(
        &path,
        Fault::TooManyRequests {
            retry_after: Some(3),
        },
        2,
    );
    for _ in 0..2 {
        let r = reg.get(&path, &[]);
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("3"));
    }
    assert_eq!(reg.get(&path, &[]).status, 200);

    reg.fault(&path, Fault::Delay(Duration::from_millis(400)));
    let t = Instant::now();
    assert_eq!(reg.get(&path, &[]).status, 200);
    assert!(t.elapsed() >= Duration::from_millis(400));

    let dl = reg.download_path("Foo_Bar", "1.0.0");
    reg.fault(&dl, Fault::Truncate(10));
    let r = reg.get(&dl, &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), 10);
    assert!(r.truncated);
    assert!(!reg.get(&dl, &[]).truncated);

    reg.fault(&path, Fault::Close);
    assert_eq!(reg.get(&path, &[]).status, 0);

    reg.fault_always(
        &path,
        Fault::Custom {
            status: 503,
            headers: vec![("X-Why".into(), "maintenance".into())],
            body: b"down".to_vec(),
        },
    );
    for _ in 0..3 {
        let r = reg.get(&path, &[]);
        assert_eq!((r.status, r.header("x-why")), (503, Some("maintenance")));
    }
    reg.clear_faults();
    assert_eq!(reg.get(&path, &[]).status, 200);
    let statuses: Vec<u16> = reg.requests().iter().map(|r| r.status).collect();
    assert!(statuses.contains(&0) && statuses.contains(&429));
}

#[test]
fn routes() {
    let reg = Registry::new();
    reg.route("/api/v1/crates/new", |req| {
        Response::json(&serde_json::json!({ "len": req.body.len() }))
    });
    let r = reg.get("/api/v1/crates/new", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"{"len":0}"#);
}

#[test]
fn stops_on_drop() {
    let reg = Registry::new();
    let addr = reg.addr();
    let clone = reg.clone();
    drop(reg);
    assert_eq!(clone.get("/index/config.json", &[]).status, 200);
    drop(clone);
    let t = Instant::now();
    // The listener is closed: connecting fails (or, if the port was reused
    // at once, at least nothing of ours answers).
    if let Ok(mut c) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
        let _ = c.write_all(b"GET /index/config.json HTTP/1.1\r\n\r\n");
        let _ = c.set_read_timeout(Some(Duration::from_millis(500)));
        let mut s = String::new();
        let _ = c.read_to_string(&mut s);
        assert!(!s.contains("200 OK"), "{s}");
    }
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn config_helpers() {
    let reg = Registry::new();
    let p = crate::project().build();
    reg.configure_home(p.test_root());
    reg.configure_home_alt(p.test_root(), "alt");
    let cfg = std::fs::read_to_string(
        p.test_root()
            .cargo_home(crate::Tool::Cargo)
            .join("config.toml"),
    )
    .unwrap();
    assert!(cfg.contains("[source.crates-io]\nreplace-with = \"local\"\n"));
    assert!(cfg.contains(&format!(
        "[source.local]\nregistry = \"{}\"\n",
        reg.index_url()
    )));
    assert!(cfg.contains(&format!(
        "\n[registries.alt]\nindex = \"{}\"\n",
        reg.index_url()
    )));
    reg.configure_project(&p);
    assert!(p.read_file(".cargo/config.toml").contains("replace-with"));

    let p = crate::project().separate_homes().build();
    reg.configure_home(p.test_root());
    for tool in [crate::Tool::Cargo, crate::Tool::Mycargo] {
        assert!(p.test_root().cargo_home(tool).join("config.toml").is_file());
    }
    assert!(reg.index_url().starts_with("sparse+http://127.0.0.1:"));
    assert!(reg.index_url().ends_with("/index/"));
}
