//! The version resolver against the installed cargo on random registries.
//!
//! For each seed, [`generate`] makes a registry of 30 packages (several
//! majors, pre-releases, yanked versions, features, optional, renamed,
//! dev/build/target-specific dependencies, `links`, requirements of every
//! kind) and a project depending on some of them; the packages are
//! published on one local registry (names are namespaced per seed, so one
//! server and one pair of `CARGO_HOME`s serve every seed), then
//! `generate-lockfile` runs with mycargo and with cargo, each with its own
//! `CARGO_HOME`. Both must exit alike, and when they succeed write the same
//! `Cargo.lock`, byte for byte.
//!
//! The normal run checks [`DEFAULT_SEEDS`] and every seed that ever showed
//! a difference ([`regression`] cases, one test each). More by hand:
//!
//! ```text
//! MYCARGO_DIFF_SEEDS=2000 cargo test --test e2e resolver_diff::generated -- --nocapture
//! MYCARGO_DIFF_SEEDS=5000..7000 MYCARGO_DIFF_JOBS=2 cargo test --test e2e resolver_diff::generated -- --nocapture
//! ```
//!
//! - `MYCARGO_DIFF_SEEDS`: `N` (seeds `0..N`) or `A..B`, instead of the
//!   default seeds.
//! - `MYCARGO_DIFF_JOBS`: graphs run at once (default 1; each job has its
//!   own homes).
//! - `MYCARGO_DIFF_PACKAGES`: registry packages per graph (default 30).
//! - `MYCARGO_DIFF_VERBOSE`: print why each graph both tools fail on fails.
//! - `MYCARGO_DIFF_OUT`: a file to write every difference to in full (the
//!   failure message shows the first three).

// Progress and summaries go to stderr for the runs by hand (`--nocapture`).
#![allow(clippy::print_stderr)]

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use mycargo_test_support::registry::Registry;
use mycargo_test_support::registry::generate::{GenOptions, generate};
use mycargo_test_support::{Output, TestRoot, Tool, project};

/// Seeds of the normal run (about 1 s each).
const DEFAULT_SEEDS: Range<u64> = 0..24;

/// One job: a root with separate homes for the two tools, configured for
/// the registry.
fn job_root(reg: &Registry) -> TestRoot {
    let root = TestRoot::new_separate_homes();
    reg.configure_home(&root);
    root
}

/// How the graphs went: both tools solved them (and how many packages
/// their lock files hold), or both failed.
#[derive(Default)]
struct Stats {
    solved: AtomicUsize,
    failed: AtomicUsize,
    locked_packages: AtomicUsize,
}

/// What differs between the tools on `seed`, if anything.
fn diff_seed(
    seed: u64,
    opts: &GenOptions,
    reg: &Registry,
    root: &TestRoot,
    stats: &Stats,
) -> Option<String> {
    let graph = generate(seed, opts);
    graph.publish(reg);
    let mut b = project().in_root(root).at(format!("s{seed}"));
    for (path, text) in &graph.files {
        b = b.file(path, text);
    }
    let p = b.build();
    let lock = p.root().join("Cargo.lock");
    let runs: [(Output, Option<String>); 2] = [Tool::Mycargo, Tool::Cargo].map(|tool| {
        let _ = std::fs::remove_file(&lock);
        let out = p.tool(tool, "generate-lockfile").output();
        (out, std::fs::read_to_string(&lock).ok())
    });
    let [(m, ml), (c, cl)] = &runs;
    let same_code = m.code() == c.code();
    let same_lock = !(m.status.success() && c.status.success()) || ml == cl;
    let result = if same_code && same_lock {
        if m.status.success() {
            stats.solved.fetch_add(1, Ordering::SeqCst);
            let n = cl.as_deref().unwrap_or("").matches("[[package]]").count();
            stats.locked_packages.fetch_add(n, Ordering::SeqCst);
        } else {
            stats.failed.fetch_add(1, Ordering::SeqCst);
            if std::env::var_os("MYCARGO_DIFF_VERBOSE").is_some() {
                let why = c
                    .stderr
                    .lines()
                    .find(|l| l.starts_with("error"))
                    .unwrap_or("");
                eprintln!("seed {seed}: both fail: {why}");
                if std::env::var("MYCARGO_DIFF_VERBOSE").is_ok_and(|v| v == "2") {
                    eprintln!("{}", c.stderr);
                }
            }
        }
        None
    } else {
        let what = if same_code {
            "lock files differ".to_string()
        } else {
            format!(
                "exit codes differ (mycargo {:?}, cargo {:?})",
                m.code(),
                c.code()
            )
        };
        let mut msg = format!(
            "=== seed {seed}: {what}\n--- mycargo stderr:\n{}\n--- cargo stderr:\n{}\n",
            m.stderr, c.stderr
        );
        if !same_lock {
            msg.push_str(&lock_diff(
                ml.as_deref().unwrap_or(""),
                cl.as_deref().unwrap_or(""),
            ));
        }
        msg.push_str(&graph.describe(reg));
        Some(msg)
    };
    if result.is_none() {
        let _ = std::fs::remove_dir_all(p.root());
    }
    result
}

/// The `name version` lines only one of two lock files has.
fn lock_diff(mine: &str, cargo: &str) -> String {
    let entries = |s: &str| -> Vec<String> {
        s.split("[[package]]")
            .skip(1)
            .map(|b| b.trim().to_string())
            .collect()
    };
    let (m, c) = (entries(mine), entries(cargo));
    let mut out = String::new();
    for e in &m {
        if !c.contains(e) {
            out.push_str(&format!("--- only mycargo:\n{e}\n"));
        }
    }
    for e in &c {
        if !m.contains(e) {
            out.push_str(&format!("--- only cargo:\n{e}\n"));
        }
    }
    out
}

/// Run `seeds` on `jobs` threads; the differences, by seed.
fn run_seeds(seeds: &[u64], opts: &GenOptions, jobs: usize) -> Vec<(u64, String)> {
    let reg = Registry::new();
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let done = AtomicUsize::new(0);
    let stats = Stats::default();
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                let root = job_root(&reg);
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&seed) = seeds.get(i) else { break };
                    if let Some(msg) = diff_seed(seed, opts, &reg, &root, &stats) {
                        eprintln!("seed {seed}: DIFFERENT");
                        found.lock().unwrap().push((seed, msg));
                    }
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    if n.is_multiple_of(100) {
                        eprintln!("{n} graphs run");
                    }
                }
            });
        }
    });
    let solved = stats.solved.load(Ordering::SeqCst);
    eprintln!(
        "{} graphs: {solved} solved by both ({} packages per lock file on average), {} failed with both",
        seeds.len(),
        stats.locked_packages.load(Ordering::SeqCst) / solved.max(1),
        stats.failed.load(Ordering::SeqCst)
    );
    let mut found = found.into_inner().unwrap();
    found.sort_by_key(|(s, _)| *s);
    found
}

fn report(seeds: &[u64], found: &[(u64, String)]) {
    if let Ok(path) = std::env::var("MYCARGO_DIFF_OUT") {
        let all: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        std::fs::write(path, all.join("\n")).unwrap();
    }
    let list: Vec<String> = found.iter().map(|(s, _)| s.to_string()).collect();
    eprintln!(
        "{} graphs, {} differences: [{}]",
        seeds.len(),
        found.len(),
        list.join(", ")
    );
    let shown: Vec<&str> = found.iter().take(3).map(|(_, m)| m.as_str()).collect();
    assert!(
        found.is_empty(),
        "{} of {} graphs differ (seeds {}):\n{}",
        found.len(),
        seeds.len(),
        list.join(", "),
        shown.join("\n")
    );
}

fn env_seeds() -> Option<Vec<u64>> {
    let v = std::env::var("MYCARGO_DIFF_SEEDS").ok()?;
    let v = v.trim();
    let range = match v.split_once("..") {
        Some((a, b)) => a.trim().parse().unwrap()..b.trim().parse().unwrap(),
        None => 0..v.parse().unwrap(),
    };
    Some(range.collect())
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().map(|v| v.trim().parse().unwrap())
}

fn options() -> GenOptions {
    let mut o = GenOptions::default();
    if let Some(n) = env_usize("MYCARGO_DIFF_PACKAGES") {
        o.packages = n;
    }
    o
}

#[test]
fn generated() {
    let seeds = env_seeds().unwrap_or_else(|| DEFAULT_SEEDS.collect());
    let jobs = env_usize("MYCARGO_DIFF_JOBS").unwrap_or(1);
    let found = run_seeds(&seeds, &options(), jobs);
    report(&seeds, &found);
}

/// Seeds that once showed a difference, each its own test.
mod regression {
    use super::*;

    fn check(seed: u64) {
        let found = run_seeds(&[seed], &GenOptions::default(), 1);
        report(&[seed], &found);
    }

    macro_rules! seeds {
        ($($name:ident = $seed:expr;)*) => {
            $(
                #[test]
                fn $name() {
                    check($seed);
                }
            )*
        };
    }

    seeds! {
        // Resolver 3 with no member `rust-version`: cargo prefers versions
        // that fit the toolchain's Rust (a build-dependency `>= 1.3.5,
        // <= 2.0.0` got 1.3.5, not 2.0.0 that needs Rust 1.99).
        rust_version_of_the_toolchain_21 = 21;
    }
}
