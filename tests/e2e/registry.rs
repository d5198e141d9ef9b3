//! Registry dependencies against the installed cargo, on the local test
//! registry: `Cargo.lock` bytes for generated dependency graphs (and the
//! same failures), locked versions kept when new ones appear, builds that
//! download, compile with `--cap-lints allow` and then need no network,
//! `--offline`, `--locked`/`--frozen`, spurious network errors retried,
//! bad checksums and malicious tarballs refused with nothing left behind.

use std::fmt::Write as _;

use mycargo_test_support::registry::generate::{GenOptions, Graph, generate as gen_graph};
use mycargo_test_support::registry::{
    BadEntry, Dep, Fault, Package, Registry, Response, sha256_hex,
};
use mycargo_test_support::{Output, Project, TestRoot, Tool, project};

/// Publish graph `g` (a small one, see
/// [`mycargo_test_support::registry::generate`]) to `reg`.
fn generate(g: usize, reg: &Registry) -> Graph {
    let graph = gen_graph(g as u64, &GenOptions::small(g as u64));
    graph.publish(reg);
    graph
}

/// Run `cmd` with mycargo then cargo on `p` (separate homes), each from
/// the same starting `Cargo.lock` (`start`, or none); returns both outputs
/// and the lock files they left.
fn both(p: &Project, cmd: &str, start: Option<&str>) -> [(Output, Option<String>); 2] {
    let lock = p.root().join("Cargo.lock");
    [Tool::Mycargo, Tool::Cargo].map(|tool| {
        match start {
            Some(s) => std::fs::write(&lock, s).unwrap(),
            None => {
                let _ = std::fs::remove_file(&lock);
            }
        }
        let out = p.tool(tool, cmd).output();
        let text = std::fs::read_to_string(&lock).ok();
        (out, text)
    })
}

/// What differs between the two runs, if anything.
fn compare(what: &str, runs: &[(Output, Option<String>); 2]) -> Option<String> {
    let [(m, ml), (c, cl)] = runs;
    let same_code = m.code() == c.code();
    let same_lock = !(m.status.success() && c.status.success()) || ml == cl;
    if same_code && same_lock {
        return None;
    }
    let mut msg = format!("=== {what}: ");
    if !same_code {
        let _ = write!(
            msg,
            "exit codes differ ({:?} vs cargo {:?})",
            m.code(),
            c.code()
        );
    } else {
        msg.push_str("lock files differ");
    }
    let _ = write!(
        msg,
        "\n--- mycargo stderr:\n{}\n--- cargo stderr:\n{}\n",
        m.stderr, c.stderr
    );
    if !same_lock {
        let _ = write!(
            msg,
            "--- mycargo lock:\n{}\n--- cargo lock:\n{}\n",
            ml.as_deref().unwrap_or("<none>"),
            cl.as_deref().unwrap_or("<none>")
        );
    }
    Some(msg)
}

fn describe_graph(graph: &Graph, reg: &Registry) -> String {
    graph.describe(reg)
}

/// Generate graphs `range` on one registry; compare `generate-lockfile`,
/// then (where both succeeded) publish newer versions, add a dependency
/// and compare what `fetch` keeps of the lock.
fn graphs(range: std::ops::Range<usize>) {
    let reg = Registry::new();
    let root = TestRoot::new_separate_homes();
    reg.configure_home(&root);
    let mut failures = Vec::new();
    let mut solved = 0;
    let mut unsolved = 0;
    for g in range {
        let graph = generate(g, &reg);
        let mut b = project().in_root(&root).at(format!("g{g}"));
        for (path, text) in &graph.files {
            b = b.file(path, text);
        }
        let p = b.build();
        let runs = both(&p, "generate-lockfile", None);
        if let Some(msg) = compare(&format!("graph {g}: generate-lockfile"), &runs) {
            failures.push(format!("{msg}{}", describe_graph(&graph, &reg)));
            continue;
        }
        let Some(lock) = runs[1].1.clone().filter(|_| runs[1].0.status.success()) else {
            unsolved += 1;
            continue;
        };
        solved += 1;
        if g % 3 != 0 {
            continue;
        }
        // New versions of every package, compatible with the newest ones,
        // and a new dependency of the root.
        for pkg in &graph.pool {
            for v in ["0.1.9", "1.0.9", "2.1.9"] {
                Package::new(&pkg.name, v).feature("std", &[]).publish(&reg);
            }
        }
        let manifest_path = graph.main_manifest();
        let mut manifest = p.read_file(manifest_path);
        let last = &graph.pool[graph.pool.len() - 1];
        manifest.push_str(&format!(
            "\n[dependencies.added]\npackage = \"{}\"\nversion = \"*\"\n",
            last.name
        ));
        p.change_file(manifest_path, manifest);
        let runs = both(&p, "fetch", Some(&lock));
        if let Some(msg) = compare(&format!("graph {g}: fetch with a lock"), &runs) {
            failures.push(format!("{msg}{}", describe_graph(&graph, &reg)));
        }
    }
    // Both kinds of outcome are exercised.
    assert!(
        solved > 0 && unsolved > 0,
        "{solved} graphs solved, {unsolved} without a solution"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn generated_graphs_a() {
    graphs(0..21);
}

#[test]
fn generated_graphs_b() {
    graphs(21..42);
}

#[test]
fn generated_graphs_c() {
    graphs(42..54);
}

use super::twin::registry_twins as twins;

/// Redacted stderr with both homes and project directories named alike.
fn norm(out: &Output) -> String {
    out.stderr_as_mycargo()
        .replace("[ROOT]/home-mycargo", "[HOME]")
        .replace("[ROOT]/home-cargo", "[HOME]")
        .replace("[ROOT]/m", "[ROOT]/p")
        .replace("[ROOT]/c", "[ROOT]/p")
}

/// The lines of `text` that start (after indentation) with `word`, sorted.
fn lines_with(text: &str, word: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with(word))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

fn foo_manifest(deps: &str) -> String {
    format!(
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
    )
}

/// `bar` 1.0.0 → `baz` 0.3 (with a dead-code warning of its own).
fn publish_bar_baz(reg: &Registry) {
    Package::new("baz", "0.3.0")
        .file("src/lib.rs", "pub fn baz() -> u32 { 3 }\nfn unused() {}\n")
        .publish(reg);
    Package::new("bar", "1.0.0")
        .dep("baz", "0.3")
        .file(
            "src/lib.rs",
            "extern crate baz;\npub fn bar() -> String { format!(\"bar{}\", baz::baz()) }\n",
        )
        .publish(reg);
}

#[test]
fn build_downloads_compiles_then_needs_no_network() {
    let reg = Registry::new();
    publish_bar_baz(&reg);
    let manifest = foo_manifest("bar = \"1\"\n");
    let main = "fn main() { println!(\"foo {}\", bar::bar()); }\n";
    let (m, c) = twins(&reg, &[("Cargo.toml", &manifest), ("src/main.rs", main)]);
    let mo = m.mycargo("build -v").run();
    let co = c.cargo("build -v").run();
    let (ms, cs) = (norm(&mo), norm(&co));
    assert_eq!(
        lines_with(&ms, "Downloaded"),
        lines_with(&cs, "Downloaded"),
        "\n--- mycargo:\n{ms}\n--- cargo:\n{cs}"
    );
    assert_eq!(
        lines_with(&ms, "Compiling"),
        lines_with(&cs, "Compiling"),
        "\n--- mycargo:\n{ms}\n--- cargo:\n{cs}"
    );
    for name in ["bar", "baz"] {
        assert!(
            ms.contains(&format!("Compiling {name} v"))
                && !ms.contains(&format!("Compiling {name} v1.0.0 (")),
            "{ms}"
        );
        let rustc = ms
            .lines()
            .find(|l| l.contains(&format!("--crate-name {name} ")))
            .unwrap_or_else(|| panic!("no rustc line for {name}:\n{ms}"));
        assert!(rustc.contains("--cap-lints allow"), "{rustc}");
    }
    assert!(!ms.contains("warning"), "{ms}");
    assert_eq!(m.read_file("Cargo.lock"), c.read_file("Cargo.lock"));
    let run_m = m.process(m.bin("foo")).run();
    let run_c = c.process(c.bin("foo")).run();
    assert_eq!(run_m.stdout, run_c.stdout);
    assert_eq!(run_m.stdout, "foo bar3\n");

    // A no-op: no HTTP at all.
    reg.clear_requests();
    let again = m.mycargo("build").run();
    assert_eq!(lines_with(&norm(&again), "Finished").len(), 1);
    assert!(!norm(&again).contains("Compiling"), "{}", again.stderr);
    assert!(reg.requests().is_empty(), "{:?}", reg.requests());

    // Offline from the cache, after the target directory is gone.
    std::fs::remove_dir_all(m.root().join("target")).unwrap();
    let off = m.mycargo("build --offline").run();
    assert!(reg.requests().is_empty(), "{:?}", reg.requests());
    assert_eq!(
        lines_with(&norm(&off), "Compiling"),
        lines_with(&cs, "Compiling"),
        "{}",
        off.stderr
    );
    assert_eq!(m.process(m.bin("foo")).run().stdout, "foo bar3\n");

    // Offline with an empty cache: both fail, mycargo clearly.
    let (m2, c2) = twins(&reg, &[("Cargo.toml", &manifest), ("src/main.rs", main)]);
    let mo = m2.mycargo("build --offline").output();
    let co = c2.cargo("build --offline").output();
    assert_eq!(mo.code(), Some(101), "{}", mo.describe());
    assert_eq!(co.code(), Some(101), "{}", co.describe());
    assert!(reg.requests().is_empty(), "{:?}", reg.requests());
    // mycargo explains more (why no version fits, a hint); cargo's
    // message comes first, the offline reminder last.
    let (ms, cs) = (norm(&mo), norm(&co));
    let head: Vec<&str> = cs.lines().take(3).collect();
    assert_eq!(
        ms.lines().take(3).collect::<Vec<_>>(),
        head,
        "\n--- mycargo:\n{ms}\n--- cargo:\n{cs}"
    );
    let reminder = cs.lines().last().unwrap();
    assert!(
        reminder.starts_with("As a reminder, you're using offline mode"),
        "{cs}"
    );
    assert_eq!(ms.lines().last(), Some(reminder), "{ms}");
}

#[test]
fn locked_and_frozen_refuse_a_lock_that_must_change() {
    let reg = Registry::new();
    publish_bar_baz(&reg);
    Package::new("qux", "0.1.0").publish(&reg);
    let (m, c) = twins(
        &reg,
        &[
            ("Cargo.toml", &foo_manifest("bar = \"1\"\n")),
            ("src/lib.rs", ""),
        ],
    );
    // No lock at all.
    for flag in ["--locked", "--frozen"] {
        let mo = m.mycargo(&format!("build {flag}")).output();
        let co = c.cargo(&format!("build {flag}")).output();
        assert_eq!(mo.code(), co.code(), "{}\n{}", mo.describe(), co.describe());
        assert_eq!(norm(&mo), norm(&co));
    }
    c.cargo("generate-lockfile").run();
    let lock = c.read_file("Cargo.lock");
    m.change_file("Cargo.lock", &lock);
    // A new dependency.
    let changed = foo_manifest("bar = \"1\"\nqux = \"0.1\"\n");
    m.change_file("Cargo.toml", &changed);
    c.change_file("Cargo.toml", &changed);
    for flag in ["--locked", "--frozen"] {
        let mo = m.mycargo(&format!("build {flag}")).output();
        let co = c.cargo(&format!("build {flag}")).output();
        assert_eq!(mo.code(), Some(101), "{}", mo.describe());
        assert_eq!(co.code(), Some(101), "{}", co.describe());
        assert_eq!(
            norm(&mo),
            norm(&co),
            "\n--- mycargo:\n{}\n--- cargo:\n{}",
            mo.stderr,
            co.stderr
        );
        assert_eq!(m.read_file("Cargo.lock"), lock);
    }
}

/// An existing lock, then new versions: `build` keeps what is locked
/// (direct, transitive, yanked) and picks only for what is new.
#[test]
fn build_keeps_locked_versions_when_new_ones_appear() {
    let reg = Registry::new();
    publish_bar_baz(&reg);
    Package::new("old", "1.0.0").publish(&reg);
    let (m, c) = twins(
        &reg,
        &[
            ("Cargo.toml", &foo_manifest("bar = \"1\"\nold = \"1\"\n")),
            ("src/lib.rs", ""),
        ],
    );
    c.cargo("generate-lockfile").run();
    let lock = c.read_file("Cargo.lock");
    Package::new("baz", "0.3.5")
        .file("src/lib.rs", "pub fn baz() -> u32 { 5 }\n")
        .publish(&reg);
    Package::new("bar", "1.2.0")
        .dep("baz", "0.3.5")
        .file("src/lib.rs", "pub fn bar() {}\n")
        .publish(&reg);
    Package::new("old", "1.1.0").publish(&reg);
    reg.yank("old", "1.0.0");
    Package::new("newdep", "2.0.0")
        .dep("baz", "0.3")
        .publish(&reg);
    let changed = foo_manifest("bar = \"1\"\nold = \"1\"\nnewdep = \"2\"\n");
    for p in [&m, &c] {
        p.change_file("Cargo.lock", &lock);
        p.change_file("Cargo.toml", &changed);
    }
    let mo = m.mycargo("build").run();
    let co = c.cargo("build").run();
    assert_eq!(
        m.read_file("Cargo.lock"),
        c.read_file("Cargo.lock"),
        "\n--- mycargo:\n{}\n--- cargo:\n{}",
        mo.stderr,
        co.stderr
    );
    let after = m.read_file("Cargo.lock");
    assert!(
        after.contains("name = \"baz\"\nversion = \"0.3.0\""),
        "{after}"
    );
    assert!(
        after.contains("name = \"old\"\nversion = \"1.0.0\""),
        "{after}"
    );
    assert_eq!(
        lines_with(&norm(&mo), "Locking").len() + lines_with(&norm(&mo), "Adding").len(),
        lines_with(&norm(&co), "Locking").len() + lines_with(&norm(&co), "Adding").len(),
        "\n--- mycargo:\n{}\n--- cargo:\n{}",
        mo.stderr,
        co.stderr
    );
}

/// The `warning: spurious network error` lines of a run.
fn spurious(out: &Output) -> Vec<String> {
    lines_with(&norm(out), "warning: spurious")
}

#[test]
fn spurious_errors_are_retried_with_cargos_warning() {
    let (reg, m, c) = bar_twins();
    let arm = || {
        reg.fault(&reg.index_path("bar"), Fault::Status(500));
        reg.fault(&reg.download_path("baz", "0.3.0"), Fault::Status(500));
    };
    arm();
    let mo = m.mycargo("fetch").run();
    reg.clear_faults();
    arm();
    let co = c.cargo("fetch").run();
    reg.clear_faults();
    assert_eq!(spurious(&mo).len(), 2, "{}", mo.stderr);
    assert_eq!(
        spurious(&mo),
        spurious(&co),
        "\n--- mycargo:\n{}\n--- cargo:\n{}",
        mo.stderr,
        co.stderr
    );
    assert_eq!(m.read_file("Cargo.lock"), c.read_file("Cargo.lock"));
}

/// `registry/<what>/<dir>/` of mycargo's home, whatever `<dir>` is.
fn cache_entries(p: &Project, what: &str) -> Vec<String> {
    let base = p
        .test_root()
        .cargo_home(Tool::Mycargo)
        .join("registry")
        .join(what);
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&base).into_iter().flatten().flatten() {
        for e in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn wrong_checksum_is_refused_and_nothing_kept() {
    let reg = Registry::new();
    Package::new("badsum", "1.0.0").wrong_cksum().publish(&reg);
    let (m, c) = twins(
        &reg,
        &[
            ("Cargo.toml", &foo_manifest("badsum = \"1\"\n")),
            ("src/lib.rs", ""),
        ],
    );
    let mo = m.mycargo("build").output();
    let co = c.cargo("build").output();
    assert_eq!(mo.code(), Some(101), "{}", mo.describe());
    assert_eq!(co.code(), Some(101), "{}", co.describe());
    let first = |o: &Output| {
        norm(o)
            .lines()
            .filter(|l| l.starts_with("error"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        first(&mo),
        first(&co),
        "\n--- mycargo:\n{}\n--- cargo:\n{}",
        mo.stderr,
        co.stderr
    );
    assert_eq!(norm(&mo), norm(&co));
    assert!(
        !cache_entries(&m, "cache")
            .iter()
            .any(|f| f.starts_with("badsum")),
        "{:?}",
        cache_entries(&m, "cache")
    );
    assert!(
        !cache_entries(&m, "src")
            .iter()
            .any(|f| f.starts_with("badsum")),
        "{:?}",
        cache_entries(&m, "src")
    );
    // The registry fixes it: the next run works.
    Package::new("badsum", "1.0.1").publish(&reg);
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    m.mycargo("build").run();
}

#[test]
fn malicious_tarballs_are_refused_cleanly() {
    let reg = Registry::new();
    // `None`: a gzip bomb (600 MiB of zeros in a 4 MiB `.crate`).
    let cases: Vec<(&str, Option<BadEntry>, &str)> = vec![
        ("evila", Some(BadEntry::parent_dir()), "invalid tarball"),
        ("evilb", Some(BadEntry::symlink_escape()), "invalid tarball"),
        ("evilc", Some(BadEntry::hard_link()), "invalid tarball"),
        (
            "evild",
            Some(BadEntry::CargoOkSymlink {
                target: "../../../../cargo-ok-target".into(),
            }),
            "invalid tarball",
        ),
        ("evile", None, "maximum limit reached when reading"),
    ];
    let root = TestRoot::new();
    reg.configure_home(&root);
    let home = root.cargo_home(Tool::Mycargo);
    for (name, bad, expect) in cases {
        match bad {
            // Served by hand: cheap to make (see `bomb_crate`).
            None => {
                let bytes = bomb_crate(name, "1.0.0", 600 << 20);
                Package::new(name, "1.0.0")
                    .cksum(&sha256_hex(&bytes))
                    .publish(&reg);
                reg.route(&reg.download_path(name, "1.0.0"), move |_| {
                    Response::new(200, bytes.clone())
                });
            }
            Some(bad) => {
                Package::new(name, "1.0.0").bad_entry(bad).publish(&reg);
            }
        }
        let p = project()
            .in_root(&root)
            .at(name)
            .file("Cargo.toml", foo_manifest(&format!("{name} = \"1\"\n")))
            .file("src/lib.rs", "")
            .build();
        let out = p.mycargo("build").output();
        assert_eq!(out.code(), Some(101), "{}", out.describe());
        assert!(out.stderr.contains(expect), "{name}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("{name} v1.0.0"))
                || out.stderr.contains(&format!("{name}-1.0.0")),
            "{name}: {}",
            out.stderr
        );
        let src = cache_entries(&p, "src");
        assert!(!src.iter().any(|f| f.contains(name)), "{name}: {src:?}");
        for escaped in [
            "escaped-by-parent-dir.txt",
            "escaped-by-symlink.txt",
            "cargo-ok-target",
        ] {
            assert!(!home.join(escaped).exists(), "{name}: {escaped} written");
        }
        // Fixed upstream: a good version, a fresh resolve.
        Package::new(name, "1.0.1").publish(&reg);
        std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
        let ok = p.mycargo("build").run();
        assert!(
            ok.stderr.contains(&format!("Compiling {name} v1.0.1\n")),
            "{}",
            ok.stderr
        );
    }
    // A regular `.cargo-ok` entry is skipped, as cargo does: the marker
    // is mycargo's own.
    Package::new("okentry", "1.0.0")
        .bad_entry(BadEntry::cargo_ok())
        .publish(&reg);
    let p = project()
        .in_root(&root)
        .at("okentry")
        .file("Cargo.toml", foo_manifest("okentry = \"1\"\n"))
        .file("src/lib.rs", "")
        .build();
    p.mycargo("build").run();
    let dir = std::fs::read_dir(home.join("registry/src"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path()
        .join("okentry-1.0.0/.cargo-ok");
    assert_eq!(std::fs::read(dir).unwrap(), br#"{"v":1}"#);
}

/// Bits into a deflate stream (LSB first).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.put(u64::from((code >> i) & 1), 1);
        }
    }

    /// A literal byte of the fixed Huffman code.
    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + u32::from(b), 8);
        } else {
            self.code(0x190 + u32::from(b) - 144, 9);
        }
    }
}

/// A `.crate` whose only entry, `<name>-<version>/bomb.bin`, is `size`
/// zero bytes: a tar header, then one fixed-Huffman deflate block of
/// length-258/distance-1 matches (13 bits per 258 bytes), made in well
/// under a second where a compressor would take a minute. The gzip
/// trailer's CRC is left zero: an unpacker stops at its size cap first.
fn bomb_crate(name: &str, version: &str, size: u64) -> Vec<u8> {
    let mut h = [0u8; 512];
    let path = format!("{name}-{version}/bomb.bin");
    h[..path.len()].copy_from_slice(path.as_bytes());
    let octal = |h: &mut [u8; 512], at: usize, width: usize, v: u64| {
        let s = format!("{v:0w$o}", w = width - 1);
        h[at..at + width - 1].copy_from_slice(s.as_bytes());
    };
    octal(&mut h, 100, 8, 0o644);
    octal(&mut h, 108, 8, 0);
    octal(&mut h, 116, 8, 0);
    octal(&mut h, 124, 12, size);
    octal(&mut h, 136, 12, 1_153_704_088);
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());

    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // fixed Huffman
    for &b in &h {
        bits.literal(b);
    }
    // The header ends in zeros, so distance 1 repeats a zero.
    let zeros = size + 1024;
    for _ in 0..zeros / 258 {
        bits.code(0xC5, 8); // length 258 (symbol 285)
        bits.code(0, 5); // distance 1
    }
    for _ in 0..zeros % 258 {
        bits.literal(0);
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&bits.out);
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&((zeros + 512) as u32).to_le_bytes());
    out
}

#[test]
fn alternate_registry_dependency_locks_and_builds_like_cargo() {
    let reg = Registry::new();
    Package::new("altdep", "1.4.0")
        .file("src/lib.rs", "pub fn v() -> u32 { 14 }\n")
        .publish(&reg);
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naltdep = { version = \"1\", registry = \"alt\" }\n",
        ),
        (
            "src/main.rs",
            "fn main() { println!(\"{}\", altdep::v()); }\n",
        ),
    ];
    let mut b = project();
    for (path, text) in files {
        b = b.file(path, text);
    }
    let (m, c) = b.build_twins();
    reg.configure_project_alt(&m, "alt");
    reg.configure_project_alt(&c, "alt");
    let mo = m.mycargo("run").run();
    let co = c.cargo("run").run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "14\n");
    let lock = |p: &Project| std::fs::read_to_string(p.root().join("Cargo.lock")).unwrap();
    assert_eq!(lock(&m), lock(&c));
    assert!(
        lock(&m).contains("sparse+http://127.0.0.1:"),
        "{}",
        lock(&m)
    );
}

#[test]
fn path_patch_of_a_registry_package_like_cargo() {
    let reg = Registry::new();
    Package::new("baz", "1.0.0")
        .file(
            "src/lib.rs",
            "pub fn v() -> &'static str { \"registry\" }\n",
        )
        .publish(&reg);
    Package::new("bar", "1.0.0")
        .dep("baz", "1")
        .file("src/lib.rs", "pub fn v() -> &'static str { baz::v() }\n")
        .publish(&reg);
    Package::new("unusedp", "2.0.0").publish(&reg);
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = \"1\"\n\n[patch.crates-io]\nbaz = { path = \"baz\" }\nunusedp = { path = \"unusedp\" }\n",
        ),
        ("src/main.rs", "fn main() { println!(\"{}\", bar::v()); }\n"),
        (
            "baz/Cargo.toml",
            "[package]\nname = \"baz\"\nversion = \"1.0.5\"\nedition = \"2021\"\n",
        ),
        (
            "baz/src/lib.rs",
            "pub fn v() -> &'static str { \"patched\" }\n",
        ),
        (
            "unusedp/Cargo.toml",
            "[package]\nname = \"unusedp\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        ),
        ("unusedp/src/lib.rs", ""),
    ];
    let mut b = project();
    for (path, text) in files {
        b = b.file(path, text);
    }
    let (m, c) = b.build_twins();
    reg.configure_project(&m);
    reg.configure_project(&c);
    let mo = m.mycargo("run").run();
    let co = c.cargo("run").run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "patched\n");
    let lock = |p: &Project| std::fs::read_to_string(p.root().join("Cargo.lock")).unwrap();
    assert_eq!(lock(&m), lock(&c));
    assert!(lock(&m).contains("[[patch.unused]]"), "{}", lock(&m));
}

/// `build` downloads what the build uses: a registry dev-dependency waits
/// for `test` (or a target that uses it), as with cargo.
#[test]
fn dev_dependencies_are_downloaded_only_for_targets_that_use_them() {
    let reg = Registry::new();
    publish_bar_baz(&reg);
    Package::new("devonly", "0.1.0")
        .file("src/lib.rs", "pub fn d() -> u32 { 1 }\n")
        .publish(&reg);
    let manifest = format!(
        "{}\n[dev-dependencies]\ndevonly = \"0.1\"\n",
        foo_manifest("bar = \"1\"\n")
    );
    let (m, c) = twins(
        &reg,
        &[
            ("Cargo.toml", &manifest),
            ("src/lib.rs", "pub fn f() -> String { bar::bar() }\n"),
            (
                "tests/t.rs",
                "#[test]\nfn t() { assert_eq!(devonly::d(), 1); }\n",
            ),
        ],
    );
    // (`test` would find it downloaded already by `check --tests`.)
    for (args, devonly) in [("build", false), ("check --tests", true)] {
        let mo = m.mycargo(args).run();
        let co = c.cargo(args).run();
        let want = if devonly {
            vec!["Downloaded devonly v0.1.0 (registry `local`)".to_string()]
        } else {
            Vec::new()
        };
        let got = |o: &Output| -> Vec<String> {
            lines_with(&norm(o), "Downloaded")
                .into_iter()
                .filter(|l| l.contains("devonly"))
                .collect()
        };
        assert_eq!(got(&co), want, "cargo `{args}`");
        assert_eq!(got(&mo), want, "mycargo `{args}`");
    }
}

/// A registry package whose first optional dependency stays off while a
/// later one is turned on through a feature of another name: the build
/// links the later one (edges of registry packages skip what the resolve
/// left out, so their positions are not the manifest's).
#[test]
fn later_optional_dependency_of_a_registry_package_is_linked() {
    let reg = Registry::new();
    Package::new("offdep", "1.0.0").publish(&reg);
    Package::new("ondep", "1.0.0")
        .file("src/lib.rs", "pub fn on() -> u32 { 7 }\n")
        .publish(&reg);
    Package::new("mid", "0.1.0")
        .add_dep(Dep::new("offdep", "1").optional())
        .add_dep(Dep::new("ondep", "1").optional())
        .feature("use-on", &["dep:ondep"])
        .file(
            "src/lib.rs",
            "#[cfg(feature = \"use-on\")]\npub fn f() -> u32 { ondep::on() }\n",
        )
        .publish(&reg);
    let manifest = foo_manifest("mid = { version = \"0.1\", features = [\"use-on\"] }\n");
    let (m, c) = twins(
        &reg,
        &[
            ("Cargo.toml", &manifest),
            ("src/main.rs", "fn main() { println!(\"{}\", mid::f()); }\n"),
        ],
    );
    let mo = m.mycargo("run").run();
    let co = c.cargo("run").run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "7\n");
}

/// `registry/src/<dir>/` of mycargo's home (the only registry used).
fn src_dir(p: &Project) -> std::path::PathBuf {
    let base = p.test_root().cargo_home(Tool::Mycargo).join("registry/src");
    let dirs: Vec<_> = std::fs::read_dir(&base)
        .expect("registry/src")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

#[test]
fn leftovers_of_a_killed_unpack_are_removed_by_the_next_unpack() {
    let reg = Registry::new();
    Package::new("bar", "1.0.0").publish(&reg);
    let root = TestRoot::new();
    reg.configure_home(&root);
    let p = project()
        .in_root(&root)
        .file("Cargo.toml", foo_manifest("bar = \"1\"\n"))
        .file("src/lib.rs", "")
        .build();
    p.mycargo("fetch").run();
    let src = src_dir(&p);
    // What a SIGKILL in the middle of unpacking leaves behind.
    let left = src.join(".tmp-baz-0.3.0-Xy12Ab/baz-0.3.0/src");
    std::fs::create_dir_all(&left).unwrap();
    std::fs::write(left.join("lib.rs"), "pub fn half").unwrap();
    // Nothing to unpack: the leftover is not looked at.
    p.mycargo("fetch").run();
    assert!(left.exists());
    // The next unpack into that directory sweeps it.
    std::fs::remove_dir_all(src.join("bar-1.0.0")).unwrap();
    p.mycargo("fetch").run();
    assert_eq!(cache_entries(&p, "src"), vec!["bar-1.0.0"]);
}

/// Each entry under `dir` (relative, sorted), with its link target when it
/// is a symbolic link.
fn tree_with_links(dir: &std::path::Path) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            let link = std::fs::read_link(&path).ok();
            if link.is_none() && path.is_dir() {
                todo.push(path.clone());
            }
            out.push((rel, link.map(|l| l.display().to_string())));
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
#[test]
fn symlinks_inside_a_crate_are_unpacked_like_cargo() {
    let reg = Registry::new();
    Package::new("lnk", "1.0.0")
        .file("src/lib.rs", "include!(\"../gen/code.rs\");\n")
        .file("real/code.rs", "pub fn linked() -> u32 { 7 }\n")
        .file("docs/guide.md", "# guide\n")
        .symlink("gen", "real")
        .symlink("README.md", "docs/guide.md")
        .symlink("docs/again.md", "../README.md")
        .publish(&reg);
    let (m, c) = twins(
        &reg,
        &[
            ("Cargo.toml", &foo_manifest("lnk = \"1\"\n")),
            ("src/lib.rs", "pub fn f() -> u32 { lnk::linked() }\n"),
        ],
    );
    let mo = m.mycargo("build").output();
    let co = c.cargo("build").output();
    assert_eq!(mo.code(), Some(0), "{}", mo.describe());
    assert_eq!(co.code(), Some(0), "{}", co.describe());
    let unpacked = |p: &Project, tool: Tool| {
        let base = p.test_root().cargo_home(tool).join("registry/src");
        let dir = std::fs::read_dir(&base).unwrap().flatten().next().unwrap();
        tree_with_links(&dir.path().join("lnk-1.0.0"))
    };
    let mine = unpacked(&m, Tool::Mycargo);
    assert!(
        mine.contains(&("gen".to_string(), Some("real".to_string()))),
        "{mine:?}"
    );
    assert_eq!(mine, unpacked(&c, Tool::Cargo));
}

/// A registry with `bar` → `baz`, and twin projects `foo` depending on
/// `bar = "1"`.
fn bar_twins() -> (Registry, Project, Project) {
    let reg = Registry::new();
    publish_bar_baz(&reg);
    let (m, c) = twins(
        &reg,
        &[
            ("Cargo.toml", &foo_manifest("bar = \"1\"\n")),
            ("src/lib.rs", ""),
        ],
    );
    (reg, m, c)
}

/// How many requests `reg` got for `path`.
fn hits(reg: &Registry, path: &str) -> usize {
    reg.requests().iter().filter(|r| r.path == path).count()
}

#[test]
fn too_many_requests_waits_what_retry_after_says_like_cargo() {
    let (reg, m, c) = bar_twins();
    let path = reg.index_path("bar");
    let arm = || {
        reg.clear_faults();
        reg.clear_requests();
        let fault = Fault::TooManyRequests {
            retry_after: Some(0),
        };
        reg.fault_n(&path, fault, 2);
    };
    arm();
    let mo = m.mycargo("fetch").run();
    let mine = hits(&reg, &path);
    arm();
    let co = c.cargo("fetch").run();
    assert_eq!((mine, hits(&reg, &path)), (3, 3));
    assert_eq!(spurious(&mo).len(), 2, "{}", mo.stderr);
    assert_eq!(spurious(&mo), spurious(&co));
    // How long each retry waits is the retry schedule's unit tests' job
    // (`net::tests::retry_after_is_waited_exactly_and_no_more`): timing
    // is not asserted here.
}

#[test]
fn index_fetch_failing_every_try_reports_like_cargo() {
    let (reg, m, c) = bar_twins();
    let path = reg.index_path("bar");
    let config = "[net]\nretry = 2\n";
    for p in [&m, &c] {
        p.change_file(".cargo/config.toml", config);
    }
    reg.fault_always(&path, Fault::Status(503));
    let run = |p: &Project, tool: Tool| {
        reg.clear_requests();
        let out = p
            .tool(tool, "fetch")
            .env("__CARGO_TEST_FIXED_RETRY_SLEEP_MS", "1")
            .with_status(101)
            .run();
        (norm(&out), hits(&reg, &path))
    };
    let (mine, mine_hits) = run(&m, Tool::Mycargo);
    let (theirs, their_hits) = run(&c, Tool::Cargo);
    assert_eq!((mine_hits, their_hits), (3, 3));
    assert!(
        mine.contains("failed to get `bar` as a dependency of package `foo v0.1.0"),
        "--- mycargo:\n{mine}\n--- cargo:\n{theirs}"
    );
    let port = reg.addr().port().to_string();
    assert_eq!(
        mine.replace(&port, "[PORT]"),
        theirs.replace(&port, "[PORT]")
    );
    // A dependency of a registry package: cargo's path to it.
    reg.clear_faults();
    let path = reg.index_path("baz");
    reg.fault_always(&path, Fault::Status(500));
    let run = |p: &Project, tool: Tool| {
        let out = p
            .tool(tool, "fetch")
            .env("__CARGO_TEST_FIXED_RETRY_SLEEP_MS", "1")
            .with_status(101)
            .run();
        norm(&out).replace(&port, "[PORT]")
    };
    let mine = run(&m, Tool::Mycargo);
    assert!(mine.contains("which satisfies dependency"), "{mine}");
    assert_eq!(mine, run(&c, Tool::Cargo));
}

#[test]
fn auth_required_registry_with_only_an_environment_token_like_cargo() {
    let token = "tok-env-only-5150";
    let reg = Registry::builder().auth_required(token).start();
    Package::new("altdep", "1.4.0")
        .file("src/lib.rs", "pub fn v() -> u32 { 14 }\n")
        .publish(&reg);
    let manifest = "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naltdep = { version = \"1\", registry = \"alt\" }\n";
    let (m, c) = project()
        .file("Cargo.toml", manifest)
        .file("src/lib.rs", "pub fn f() -> u32 { altdep::v() }\n")
        // The registry is named; no token, no credential provider.
        .file(
            ".cargo/config.toml",
            format!("[registries.alt]\nindex = \"{}\"\n", reg.index_url()),
        )
        .build_twins();
    let run = |p: &Project, tool: Tool, token: Option<&str>| {
        let mut e = p.tool(tool, "fetch").with_any_status();
        if let Some(t) = token {
            e = e.env("CARGO_REGISTRIES_ALT_TOKEN", t);
        }
        let out = e.run();
        if let Some(t) = token {
            assert!(!out.stderr.contains(t), "{}", out.stderr);
        }
        let port = reg.addr().port().to_string();
        (out.code(), out.stderr_as_mycargo().replace(&port, "[PORT]"))
    };
    // cargo wants a credential provider chosen, the token is not enough.
    for t in [None, Some("tok-wrong-1"), Some(token)] {
        let mine = run(&m, Tool::Mycargo, t);
        assert!(
            mine.1
                .contains("require a credential-provider to be configured"),
            "{}",
            mine.1
        );
        assert_eq!(mine, run(&c, Tool::Cargo, t), "token {t:?}");
    }
    assert!(
        !reg.requests()
            .iter()
            .any(|r| r.header("authorization").is_some())
    );
    // With `cargo:token` chosen, the environment's token is used.
    for p in [&m, &c] {
        let config = p.read_file(".cargo/config.toml");
        let providers = "[registry]\nglobal-credential-providers = [\"cargo:token\"]\n";
        p.change_file(".cargo/config.toml", format!("{config}{providers}"));
    }
    for t in [Some("tok-wrong-1"), Some(token)] {
        let mine = run(&m, Tool::Mycargo, t);
        assert_eq!(mine, run(&c, Tool::Cargo, t), "token {t:?}");
    }
    assert_eq!(m.read_file("Cargo.lock"), c.read_file("Cargo.lock"));
}

#[test]
fn download_failing_every_try_reports_like_cargo() {
    let (reg, m, c) = bar_twins();
    for p in [&m, &c] {
        p.change_file(".cargo/config.toml", "[net]\nretry = 1\n");
    }
    reg.fault_always(&reg.download_path("baz", "0.3.0"), Fault::Status(502));
    let port = reg.addr().port().to_string();
    let run = |p: &Project, tool: Tool| {
        let out = p
            .tool(tool, "fetch")
            .env("__CARGO_TEST_FIXED_RETRY_SLEEP_MS", "1")
            .with_status(101)
            .run();
        let text = norm(&out).replace(&port, "[PORT]");
        // Which download finishes first varies.
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.retain(|l| !l.contains("Downloaded bar"));
        lines.join("\n")
    };
    let mine = run(&m, Tool::Mycargo);
    assert_eq!(mine, run(&c, Tool::Cargo));
}
