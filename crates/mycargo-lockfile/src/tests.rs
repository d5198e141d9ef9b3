//! Round trips over lock files written by cargo 1.95 (in `tests/fixtures`,
//! generated with the installed cargo; registry packages came from a
//! vendored directory source, git ones from a local `file://` repository).

use std::path::Path;

use mycargo_core::{PackageId, SourceId};

use super::*;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn path_id(name: &str, version: &str, dir: &str) -> PackageId {
    PackageId::new(
        name,
        version.parse().unwrap(),
        SourceId::for_path(Path::new(dir)).unwrap(),
    )
}

fn crates_io(name: &str, version: &str) -> PackageId {
    PackageId::new(name, version.parse().unwrap(), SourceId::crates_io())
}

/// The path packages of the `mixed-*` fixtures (`/tmp/fx/app` depending on
/// registry, git and path packages, two of them named `foo` 1.0.0).
fn mixed_paths() -> PathSources {
    [
        &path_id("app", "0.1.0", "/tmp/fx/app"),
        &path_id("foo", "1.0.0", "/tmp/fx/localfoo"),
    ]
    .into_iter()
    .collect()
}

#[track_caller]
fn round_trip(name: &str, paths: &PathSources) -> Lockfile {
    let text = fixture(name);
    let lock = Lockfile::parse(&text, paths).unwrap();
    assert_eq!(lock.to_toml_string(Some(&text)), text, "{name}");
    // And without the old file (no extra comments in these).
    assert_eq!(lock.to_toml_string(None), text, "{name}");
    lock
}

#[test]
fn mixed_sources_round_trip_in_every_version() {
    let paths = mixed_paths();
    for (name, version) in [
        ("mixed-v4.lock", LockVersion::V4),
        ("mixed-v3.lock", LockVersion::V3),
        ("mixed-v2.lock", LockVersion::V2),
        ("mixed-v1.lock", LockVersion::V1),
    ] {
        let lock = round_trip(name, &paths);
        assert_eq!(lock.version, version, "{name}");
        assert_eq!(lock.packages.len(), 9, "{name}");
    }
}

#[test]
fn one_resolve_written_in_each_version() {
    // The same resolve, read from the V4 file, written as cargo writes it
    // for a lower `rust-version`.
    let paths = mixed_paths();
    let v4 = Lockfile::parse(&fixture("mixed-v4.lock"), &paths).unwrap();
    for (name, version) in [
        ("mixed-v3.lock", LockVersion::V3),
        ("mixed-v2.lock", LockVersion::V2),
        ("mixed-v1.lock", LockVersion::V1),
    ] {
        let mut lock = v4.clone();
        lock.version = version;
        assert_eq!(lock.to_toml_string(None), fixture(name), "{name}");
        // Each file reads back as the same resolve.
        assert_eq!(Lockfile::parse(&fixture(name), &paths).unwrap(), v4);
    }
}

#[test]
fn model_of_the_mixed_file() {
    let lock = Lockfile::parse(&fixture("mixed-v1.lock"), &mixed_paths()).unwrap();
    let app = &lock.packages[&path_id("app", "0.1.0", "/tmp/fx/app")];
    assert_eq!(app.dependencies.len(), 6);
    assert!(
        app.dependencies
            .contains(&path_id("foo", "1.0.0", "/tmp/fx/localfoo"))
    );
    assert!(app.dependencies.contains(&crates_io("foo", "1.0.0")));
    // V1 checksums come out of `[metadata]` and onto the packages.
    assert!(lock.metadata.is_empty());
    let hb = &lock.packages[&crates_io("hashbrown", "0.9.1")];
    assert_eq!(
        hb.checksum.as_deref(),
        Some("87c6cd3bb79716442339f19ab44fa3af08250c17917939fa83e7516ede11ef22")
    );
    let git = lock
        .packages
        .keys()
        .find(|id| id.source_id().is_git() && id.source_id().git_reference().is_some())
        .unwrap();
    assert_eq!(
        git.source_id().precise(),
        Some("dab24220ff14a855307917f3bb596f56bd30545f")
    );
    assert_eq!(lock.packages[git].checksum, None);
}

#[test]
fn path_workspace() {
    // Members m1, m2 (and inner, a path dependency inside the root) with
    // normal, renamed, optional, dev, build and `cfg(windows)` path
    // dependencies outside the root.
    let dirs = [
        ("bd", "0.1.0", "/tmp/lk2/bd"),
        ("dd", "0.1.0", "/tmp/lk2/dd"),
        ("inner", "1.0.0", "/tmp/lk2/ws/inner"),
        ("m1", "0.1.0", "/tmp/lk2/ws/m1"),
        ("m2", "0.3.0", "/tmp/lk2/ws/m2"),
        ("nmdev_only_normal", "0.1.0", "/tmp/lk2/nmn"),
        ("nmopt", "0.1.0", "/tmp/lk2/nmopt"),
        ("opt", "0.1.0", "/tmp/lk2/opt"),
        ("out", "0.1.0", "/tmp/lk2/out"),
        ("real", "0.5.0", "/tmp/lk2/renamed"),
        ("win", "0.1.0", "/tmp/lk2/win"),
    ];
    let ids: Vec<PackageId> = dirs.iter().map(|(n, v, d)| path_id(n, v, d)).collect();
    let paths: PathSources = ids.iter().collect();
    let parsed = round_trip("path-workspace-v4.lock", &paths);

    // The same file from a resolve built by hand.
    let id = |n: &str| ids.iter().find(|i| i.name() == n).unwrap().clone();
    let mut lock = Lockfile::new(LockVersion::V4);
    for i in &ids {
        lock.insert(LockedPackage::new(i.clone()));
    }
    let edges = [
        ("m1", &["bd", "dd", "opt", "out", "real", "win"][..]),
        ("m2", &["m1", "inner"][..]),
        ("out", &["nmdev_only_normal", "nmopt"][..]),
    ];
    for (from, tos) in edges {
        let p = lock.packages.get_mut(&id(from)).unwrap();
        p.dependencies.extend(tos.iter().map(|t| id(t)));
    }
    assert_eq!(lock, parsed);
    assert_eq!(lock.to_toml_string(None), fixture("path-workspace-v4.lock"));
}

#[test]
fn same_name_in_two_paths() {
    let paths: PathSources = [
        &path_id("a", "0.1.0", "/tmp/lk2/t2/ws/a"),
        &path_id("b", "0.1.0", "/tmp/lk2/t2/ws/b"),
        &path_id("dup", "0.1.0", "/tmp/lk2/t2/dup1"),
        &path_id("dup", "0.2.0", "/tmp/lk2/t2/dup2"),
    ]
    .into_iter()
    .collect();
    let lock = round_trip("same-name-v4.lock", &paths);
    let a = &lock.packages[&path_id("a", "0.1.0", "/tmp/lk2/t2/ws/a")];
    assert_eq!(
        a.dependencies.iter().next(),
        Some(&path_id("dup", "0.1.0", "/tmp/lk2/t2/dup1"))
    );
    lock.check_collisions().unwrap();
}

#[test]
fn git_master_branch_and_unused_patch() {
    let paths: PathSources = [
        &path_id("app2", "0.1.0", "/tmp/fx/app2"),
        &path_id("foo", "2.0.0", "/tmp/fx/localfoo2"),
    ]
    .into_iter()
    .collect();
    let v2 = round_trip("git-master-v2.lock", &paths);
    assert_eq!(v2.version, LockVersion::V2);
    let v4 = round_trip("patch-unused-v4.lock", &paths);
    assert_eq!(v4.unused_patches.len(), 1);
    assert_eq!(
        v4.unused_patches[0].id,
        path_id("foo", "2.0.0", "/tmp/fx/localfoo2")
    );
    // A patch the workspace no longer has is dropped.
    let only_app: PathSources = [&path_id("app2", "0.1.0", "/tmp/fx/app2")]
        .into_iter()
        .collect();
    let lock = Lockfile::parse(&fixture("patch-unused-v4.lock"), &only_app).unwrap();
    assert!(lock.unused_patches.is_empty());
}

#[test]
fn leading_comments_are_kept() {
    // cargo 1.95 rewrote `comments-before.lock` (after a new dependency)
    // as `comments-v4.lock`.
    let a = path_id("a", "0.1.0", "/tmp/lk/a");
    let dep = path_id("dep", "0.1.0", "/tmp/lk/dep");
    let dep3 = path_id("dep3", "0.3.0", "/tmp/lk/dep3");
    let paths: PathSources = [&a, &dep, &dep3].into_iter().collect();
    let before = fixture("comments-before.lock");
    let mut lock = Lockfile::parse(&before, &paths).unwrap();
    lock.insert(LockedPackage::new(dep3.clone()));
    lock.packages.get_mut(&a).unwrap().dependencies.insert(dep3);
    assert_eq!(
        lock.to_toml_string(Some(&before)),
        fixture("comments-v4.lock")
    );
}

#[test]
fn unchanged_files_are_left_alone() {
    let paths = mixed_paths();
    let text = fixture("mixed-v3.lock");
    let mut lock = Lockfile::parse(&text, &paths).unwrap();
    assert_eq!(
        plan_write(&mut lock, Some(&text), LockVersion::V4, None),
        Plan::Unchanged
    );
    // Line endings and the last newline do not count.
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(
        plan_write(&mut lock, Some(&crlf), LockVersion::V4, None),
        Plan::Unchanged
    );
    let trimmed = text.trim_end();
    assert_eq!(
        plan_write(&mut lock, Some(trimmed), LockVersion::V4, None),
        Plan::Unchanged
    );
    // An extra blank line at the end does, and a rewrite is a V4 file.
    let extra = format!("{text}\n");
    assert_eq!(
        plan_write(&mut lock, Some(&extra), LockVersion::V4, None),
        Plan::Write(fixture("mixed-v4.lock"))
    );
    // V1 stays V1 while nothing changes.
    let v1 = fixture("mixed-v1.lock");
    let mut lock = Lockfile::parse(&v1, &paths).unwrap();
    assert_eq!(
        plan_write(&mut lock, Some(&v1), LockVersion::V4, None),
        Plan::Unchanged
    );
}

#[test]
fn a_changed_file_is_raised_to_the_target_version() {
    let paths = mixed_paths();
    let v3 = fixture("mixed-v3.lock");
    let mut lock = Lockfile::parse(&v3, &paths).unwrap();
    let app = path_id("app", "0.1.0", "/tmp/fx/app");
    let removed = crates_io("zed", "0.1.0");
    lock.packages
        .get_mut(&app)
        .unwrap()
        .dependencies
        .remove(&removed);
    lock.packages.remove(&removed);
    let Plan::Write(text) = plan_write(&mut lock, Some(&v3), LockVersion::V4, None) else {
        panic!("should write");
    };
    assert_eq!(lock.version, LockVersion::V4);
    assert!(text.contains("version = 4\n"));
    assert!(text.contains("?branch=feat%2Fx"));
    // A target below the file's version never lowers it.
    let mut lock = Lockfile::parse(&v3, &paths).unwrap();
    lock.packages.remove(&removed);
    let Plan::Write(text) = plan_write(&mut lock, Some(&v3), LockVersion::V2, None) else {
        panic!("should write");
    };
    assert!(text.contains("version = 3\n"));
}

#[test]
fn locked_accepts_the_same_resolve_in_another_version() {
    // `generate-lockfile --locked` over an up-to-date V3 file: the V4 text
    // differs, but it is the same resolve.
    let paths = mixed_paths();
    let v3 = fixture("mixed-v3.lock");
    let mut lock = Lockfile::parse(&fixture("mixed-v4.lock"), &paths).unwrap();
    assert_eq!(
        plan_write(&mut lock, Some(&v3), LockVersion::V4, Some(&paths)),
        Plan::Unchanged
    );
    assert!(matches!(
        plan_write(&mut lock, Some(&v3), LockVersion::V4, None),
        Plan::Write(_)
    ));
}

#[test]
fn new_files_get_the_target_version() {
    let mut lock = Lockfile::new(LockVersion::V3);
    lock.insert(LockedPackage::new(path_id("solo", "0.1.0", "/w/solo")));
    let Plan::Write(text) = plan_write(&mut lock, None, LockVersion::V3, None) else {
        panic!("should write");
    };
    assert_eq!(
        text,
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n\n[[package]]\nname = \"solo\"\nversion = \"0.1.0\"\n"
    );
    // One package in V2 reads back as V2 (one trailing newline).
    lock.version = LockVersion::V2;
    let text = lock.to_toml_string(None);
    let paths: PathSources = [&path_id("solo", "0.1.0", "/w/solo")].into_iter().collect();
    assert_eq!(
        Lockfile::parse(&text, &paths).unwrap().version,
        LockVersion::V2
    );
}

#[test]
fn checksums_in_both_places_are_dropped() {
    let paths = mixed_paths();
    let mut text = fixture("mixed-v4.lock");
    text.push_str("\n[metadata]\n\"checksum ahash 0.7.6 (registry+https://github.com/rust-lang/crates.io-index)\" = \"00\"\n\"other\" = \"kept\"\n");
    let lock = Lockfile::parse(&text, &paths).unwrap();
    assert!(lock.packages.values().all(|p| p.checksum.is_none()));
    assert_eq!(lock.metadata.len(), 1);
    assert!(
        lock.to_toml_string(None)
            .ends_with("[metadata]\nother = \"kept\"\n")
    );
}

#[test]
fn read_and_write_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(LOCKFILE_NAME);
    assert_eq!(read(&path).unwrap(), None);
    write(&path, "x\n").unwrap();
    assert_eq!(read(&path).unwrap().as_deref(), Some("x\n"));
    let old = filetime::FileTime::from_unix_time(1_000_000, 0);
    filetime::set_file_mtime(&path, old).unwrap();
    write(&path, "y\n").unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_ne!(filetime::FileTime::from_last_modification_time(&meta), old);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
