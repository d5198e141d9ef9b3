use super::*;

/// What rustc 1.95 wrote for a lib under cargo (`target/debug/deps/*.d`).
const CARGO_LIB_D: &str = "\
/tmp/exp1/target/debug/deps/exp1-83a23c59b22dc4bd.d: src/lib.rs

/tmp/exp1/target/debug/deps/libexp1-83a23c59b22dc4bd.rlib: src/lib.rs

/tmp/exp1/target/debug/deps/libexp1-83a23c59b22dc4bd.rmeta: src/lib.rs

src/lib.rs:

# env-dep:BAR_Y
# env-dep:FOO_X=1
";

/// What rustc 1.95 wrote in a directory with a space, with a multi-line
/// env value `a\b<LF>c<CR>d=e`: the target is not escaped, the inputs are.
const SPACES_D: &str = "\
/tmp/exp3/my dir/out/lib.d: /tmp/exp3/my\\ dir/lib.rs /tmp/exp3/my\\ dir/m.rs

/tmp/exp3/my dir/out/liblib.rmeta: /tmp/exp3/my\\ dir/lib.rs /tmp/exp3/my\\ dir/m.rs

/tmp/exp3/my\\ dir/lib.rs:
/tmp/exp3/my\\ dir/m.rs:

# env-dep:MULTI=a\\\\b\\nc\\rd=e
# env-dep:NOPE
";

fn files(info: &RustcDepInfo) -> Vec<PathBuf> {
    info.files.iter().map(|(p, _)| p.clone()).collect()
}

#[test]
fn parses_cargo_style_dep_info() {
    let info = parse_rustc_dep_info(CARGO_LIB_D).unwrap();
    assert_eq!(files(&info), [PathBuf::from("src/lib.rs")]);
    assert_eq!(
        info.env,
        [
            ("BAR_Y".to_string(), None),
            ("FOO_X".to_string(), Some("1".to_string()))
        ]
    );
}

#[test]
fn escaped_spaces_and_env_escapes() {
    let info = parse_rustc_dep_info(SPACES_D).unwrap();
    assert_eq!(
        files(&info),
        [
            PathBuf::from("/tmp/exp3/my dir/lib.rs"),
            PathBuf::from("/tmp/exp3/my dir/m.rs")
        ]
    );
    assert_eq!(
        info.env,
        [
            ("MULTI".to_string(), Some("a\\b\nc\rd=e".to_string())),
            ("NOPE".to_string(), None)
        ]
    );
}

#[test]
fn only_the_first_rule_counts_and_duplicates_go() {
    let info = parse_rustc_dep_info("a.d: x.rs y.rs x.rs\nb.rlib: z.rs\n").unwrap();
    assert_eq!(files(&info), [PathBuf::from("x.rs"), PathBuf::from("y.rs")]);
    assert_eq!(parse_rustc_dep_info("").unwrap(), RustcDepInfo::default());
}

#[test]
fn malformed() {
    assert_eq!(
        parse_rustc_dep_info("a.d: x\\"),
        Err(MalformedDepInfo::TrailingBackslash)
    );
    assert_eq!(
        parse_rustc_dep_info("# env-dep:A=b\\q"),
        Err(MalformedDepInfo::UnknownEscape('q'))
    );
    assert_eq!(
        parse_rustc_dep_info("# env-dep:A=b\\"),
        Err(MalformedDepInfo::UnterminatedEscape)
    );
    assert_eq!(
        MalformedDepInfo::TrailingBackslash.to_string(),
        "malformed dep-info format, trailing \\"
    );
    assert_eq!(
        parse_rustc_dep_info("# checksum:md5=00 file_len:1 a.rs"),
        Err(MalformedDepInfo::ChecksumAlgo)
    );
    assert_eq!(
        parse_rustc_dep_info("# checksum:sha256=00 file_len:1 a.rs"),
        Err(MalformedDepInfo::ChecksumDigits)
    );
    assert_eq!(
        parse_rustc_dep_info("# checksum:sha256 file_len:1 a.rs"),
        Err(MalformedDepInfo::ChecksumFormat)
    );
}

#[test]
fn checksums() {
    let hex = "C01EFC669F09508B55ECED32D3C88702578A7C3E6B5B9A1F0C3E0D0B2C4D5E6F";
    let text = format!(
        "a.d: src/lib.rs src/m.rs\n\nsrc/lib.rs:\nsrc/m.rs:\n\n# checksum:sha256={hex} file_len:768 src/lib.rs\n# checksum:blake3={hex} file_len:5 src/extra.rs\n# checksum:sha256={hex} file_len:x src/m.rs\n"
    );
    let info = parse_rustc_dep_info(&text).unwrap();
    let lower = hex.to_ascii_lowercase();
    assert_eq!(
        info.files,
        [
            (
                PathBuf::from("src/lib.rs"),
                Some(Checksum {
                    algo: ChecksumAlgo::Sha256,
                    hex: lower.clone(),
                    file_len: 768
                })
            ),
            (PathBuf::from("src/m.rs"), None),
            (
                PathBuf::from("src/extra.rs"),
                Some(Checksum {
                    algo: ChecksumAlgo::Blake3,
                    hex: lower.clone(),
                    file_len: 5
                })
            ),
        ]
    );
    assert_eq!(
        info.files[0].1.as_ref().map(ToString::to_string),
        Some(format!("sha256={lower}"))
    );
}

#[test]
fn reads_file_and_names_it_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("x.d");
    std::fs::write(&d, CARGO_LIB_D).unwrap();
    assert_eq!(read_rustc_dep_info(&d).unwrap().files.len(), 1);

    std::fs::write(&d, b"a.d: \xff\n").unwrap();
    let e = read_rustc_dep_info(&d).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("failed to parse dep-info file `{}`", d.display())
    );
    let missing = dir.path().join("none.d");
    assert_eq!(
        read_rustc_dep_info(&missing).unwrap_err().to_string(),
        format!("failed to read `{}`", missing.display())
    );
}

fn sample() -> EncodedDepInfo {
    EncodedDepInfo {
        files: vec![
            DepInfoFile {
                kind: DepInfoPathKind::PackageRelative,
                path: "src/lib.rs".into(),
                checksum: None,
            },
            DepInfoFile {
                kind: DepInfoPathKind::TargetRelative,
                path: "debug/build/x-1/out/gen.rs".into(),
                checksum: Some(Checksum {
                    algo: ChecksumAlgo::Blake3,
                    hex: "ab".repeat(32),
                    file_len: 42,
                }),
            },
            DepInfoFile {
                kind: DepInfoPathKind::Absolute,
                path: "/opt/with space/ünï.rs".into(),
                checksum: None,
            },
        ],
        env: vec![
            ("Gimli".into(), Some("Legolas".into())),
            ("Beren".into(), Some("Lúthien\nline".into())),
            ("UNSET".into(), None),
            ("EMPTY".into(), Some(String::new())),
        ],
    }
}

#[test]
fn encoding_round_trip() {
    for info in [EncodedDepInfo::default(), sample()] {
        let bytes = info.serialize().unwrap();
        assert_eq!(EncodedDepInfo::deserialize(&bytes), Some(info.clone()));
        // Every truncation is rejected, never misread.
        for n in 0..bytes.len() {
            assert_eq!(EncodedDepInfo::deserialize(&bytes[..n]), None, "{n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(EncodedDepInfo::deserialize(&longer), None);
    }
    // Another version, or cargo's own encoding, reads as nothing.
    let mut other = sample().serialize().unwrap();
    other[MAGIC.len()] = FORMAT_VERSION + 1;
    assert_eq!(EncodedDepInfo::deserialize(&other), None);
    let cargo_v1 = [
        0x01, 0, 0, 0, 0xff, 0x01, 0x01, 0, 0, 0, 0x00, 0x04, 0, 0, 0, b'r', b'u', b's', b't',
        0x00, 0, 0, 0, 0,
    ];
    assert_eq!(EncodedDepInfo::deserialize(&cargo_v1), None);
}

#[test]
fn write_and_read_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dep-lib-foo");
    assert_eq!(EncodedDepInfo::read(&p).unwrap(), None);
    sample().write(&p).unwrap();
    assert_eq!(EncodedDepInfo::read(&p).unwrap(), Some(sample()));
    // Overwrite in place, nothing else left behind.
    EncodedDepInfo::default().write(&p).unwrap();
    assert_eq!(
        EncodedDepInfo::read(&p).unwrap(),
        Some(EncodedDepInfo::default())
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    std::fs::write(&p, b"garbage").unwrap();
    assert_eq!(EncodedDepInfo::read(&p).unwrap(), None);
}

#[test]
fn resolve_paths() {
    let r = sample().resolve(Path::new("/pkg"), Path::new("/t/debug"));
    assert_eq!(
        r.files,
        [
            PathBuf::from("/pkg/src/lib.rs"),
            PathBuf::from("/t/debug/debug/build/x-1/out/gen.rs"),
            PathBuf::from("/opt/with space/ünï.rs"),
        ]
    );
    assert_eq!(r.env, sample().env);
}

#[test]
fn translate_relativizes_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    let target = pkg.join("target").join("debug");
    std::fs::create_dir_all(pkg.join("src")).unwrap();
    std::fs::create_dir_all(target.join("build/x-1/out")).unwrap();
    std::fs::write(pkg.join("src/lib.rs"), "").unwrap();
    std::fs::write(target.join("build/x-1/out/gen.rs"), "").unwrap();
    let info = RustcDepInfo {
        files: vec![
            (PathBuf::from("src/lib.rs"), None),
            (target.join("build/x-1/out/gen.rs"), None),
            (PathBuf::from("/nonexistent/sysroot/core.rs"), None),
        ],
        env: vec![
            ("OUT_DIR".into(), Some("/x".into())),
            ("CARGO".into(), Some("/bin/cargo".into())),
            ("CARGO_PKG_DESCRIPTION".into(), Some("d".into())),
            ("FROM_CONFIG".into(), Some("c".into())),
            ("USER_VAR".into(), None),
        ],
    };
    let set_by_cargo = ["OUT_DIR", "CARGO", "CARGO_PKG_DESCRIPTION", "FROM_CONFIG"];
    let opts = TranslateOptions {
        rustc_cwd: &pkg,
        pkg_root: &pkg,
        target_root: &target,
        track_package_files: true,
    };
    let keep = |k: &str| keep_env_dep(k, set_by_cargo.contains(&k), k == "FROM_CONFIG");
    let enc = translate(info.clone(), &opts, keep);
    let kinds: Vec<_> = enc.files.iter().map(|f| (f.kind, f.path.clone())).collect();
    assert_eq!(
        kinds,
        [
            (
                DepInfoPathKind::PackageRelative,
                PathBuf::from("src/lib.rs")
            ),
            (
                DepInfoPathKind::TargetRelative,
                PathBuf::from("build/x-1/out/gen.rs")
            ),
            (
                DepInfoPathKind::Absolute,
                PathBuf::from("/nonexistent/sysroot/core.rs")
            ),
        ]
    );
    let env: Vec<_> = enc.env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        env,
        ["CARGO", "CARGO_PKG_DESCRIPTION", "FROM_CONFIG", "USER_VAR"]
    );

    // A registry package: its own files are not tracked.
    let opts = TranslateOptions {
        track_package_files: false,
        ..opts
    };
    let enc = translate(info, &opts, |_| true);
    assert_eq!(enc.files.len(), 2);
    assert!(
        enc.files
            .iter()
            .all(|f| f.kind != DepInfoPathKind::PackageRelative)
    );
}

fn set_mtime(p: &Path, secs: i64, nanos: u32) {
    filetime::set_file_mtime(p, FileTime::from_unix_time(secs, nanos)).unwrap();
}

#[test]
fn staleness_by_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.rs");
    let b = dir.path().join("b.rs");
    std::fs::write(&a, "").unwrap();
    std::fs::write(&b, "").unwrap();
    set_mtime(&a, 1_700_000_000, 0);
    set_mtime(&b, 1_700_000_000, 0);
    let info = ResolvedDepInfo {
        files: vec![a.clone(), b.clone()],
        env: vec![],
    };
    let build = FileTime::from_unix_time(1_700_000_000, 0);
    // Equal to the reference: fresh.
    assert_eq!(newest_input_after(&info, build), None);

    set_mtime(&b, 1_700_000_002, 123_000_000);
    let item = newest_input_after(&info, build).unwrap();
    match &item {
        StaleItem::ChangedFile {
            stale, stale_mtime, ..
        } => {
            assert_eq!(stale, &b);
            assert_eq!(
                *stale_mtime,
                FileTime::from_unix_time(1_700_000_002, 123_000_000)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        item.describe(dir.path()),
        "the file `b.rs` has changed (1700000002.123000000s, 2s after last build at 1700000000.000000000s)"
    );

    // The first stale input is reported, in dep-info order.
    set_mtime(&a, 1_700_000_001, 0);
    assert!(matches!(
        newest_input_after(&info, build),
        Some(StaleItem::ChangedFile { stale, .. }) if stale == a
    ));

    std::fs::remove_file(&a).unwrap();
    let item = newest_input_after(&info, build).unwrap();
    assert_eq!(item, StaleItem::MissingFile(a.clone()));
    assert_eq!(item.describe(dir.path()), "the file `a.rs` is missing");
    // Outside the root the path stays absolute.
    assert_eq!(
        item.describe(Path::new("/elsewhere")),
        format!("the file `{}` is missing", a.display())
    );
}

#[test]
fn sub_second_and_long_differences() {
    let t = |s, n| FileTime::from_unix_time(s, n);
    assert_eq!(
        after(
            t(1_719_325_877, 466_399_602),
            t(1_719_325_877, 527_949_100),
            "last build"
        ),
        "1719325877.527949100s, 61549498ns after last build at 1719325877.466399602s"
    );
    assert_eq!(
        after(
            t(1_719_499_991, 982_681_034),
            t(1_719_503_592, 218_193_216),
            "last build"
        ),
        "1719503592.218193216s, 1h 1s after last build at 1719499991.982681034s"
    );
    assert_eq!(
        after(t(1_733_720_824, 0), t(1_733_758_773, 0), "last build"),
        "1733758773.000000000s, 10h 32m 29s after last build at 1733720824.000000000s"
    );
    assert_eq!(human_duration(86_400 + 5), "1day 5s");
    assert_eq!(human_duration(2 * 86_400), "2days");
    assert_eq!(human_duration(31_557_600 * 2 + 2_630_016), "2years 1month");
    assert_eq!(human_duration(0), "0s");
}

#[test]
fn directories_count_with_their_newest_content() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("assets");
    std::fs::create_dir_all(d.join("deep")).unwrap();
    let f = d.join("deep/x.txt");
    std::fs::write(&f, "").unwrap();
    for p in [&f, &d.join("deep"), &d] {
        set_mtime(p, 1_700_000_000, 0);
    }
    let reference = FileTime::from_unix_time(1_700_000_000, 0);
    let mut checker = StaleChecker::new();
    assert_eq!(checker.first_stale(dir.path(), reference, [&d]), None);
    set_mtime(&f, 1_700_000_005, 0);
    // The checker caches mtimes: a new checker sees the change.
    let mut checker = StaleChecker::new();
    assert!(matches!(
        checker.first_stale(dir.path(), reference, [&d]),
        Some(StaleItem::ChangedFile { stale_mtime, .. })
            if stale_mtime == FileTime::from_unix_time(1_700_000_005, 0)
    ));
    assert_eq!(
        mtime_recursive(&d).unwrap(),
        FileTime::from_unix_time(1_700_000_005, 0)
    );
    #[cfg(unix)]
    {
        // A symlink loop does not hang.
        std::os::unix::fs::symlink(&d, d.join("deep/loop")).unwrap();
        assert!(mtime_recursive(&d).is_ok());
    }
}

#[test]
fn skipped_directories_are_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("registry");
    let mut checker = StaleChecker::new().skip_dirs([reg.clone()]);
    let reference = FileTime::from_unix_time(1, 0);
    assert_eq!(
        checker.first_stale(dir.path(), reference, [reg.join("src/x/lib.rs")]),
        None
    );
    assert!(
        checker
            .first_stale(dir.path(), reference, [dir.path().join("missing.rs")])
            .is_some()
    );
}

#[test]
fn env_staleness() {
    let env = vec![
        ("FOO_X".to_string(), Some("1".to_string())),
        ("BAR_Y".to_string(), None),
    ];
    let lookup = |vals: &[(&str, &str)]| {
        let vals: Vec<(String, String)> = vals
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| vals.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    };
    assert_eq!(stale_env(&env, lookup(&[("FOO_X", "1")])), None);
    let item = stale_env(&env, lookup(&[("FOO_X", "2")])).unwrap();
    assert_eq!(
        item.describe(Path::new("/")),
        "the environment variable FOO_X changed"
    );
    // Unset then set counts as a change.
    assert_eq!(
        stale_env(&env, lookup(&[("FOO_X", "1"), ("BAR_Y", "")])),
        Some(StaleItem::ChangedEnv {
            var: "BAR_Y".into(),
            previous: None,
            current: Some(String::new()),
        })
    );
    assert!(matches!(
        stale_env(&env, lookup(&[])),
        Some(StaleItem::ChangedEnv { var, .. }) if var == "FOO_X"
    ));
}

#[test]
fn full_check_of_a_unit() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path();
    let target = pkg.join("target/debug");
    let fp = target.join(".fingerprint/foo-1");
    std::fs::create_dir_all(pkg.join("src")).unwrap();
    std::fs::create_dir_all(&fp).unwrap();
    let lib = pkg.join("src/lib.rs");
    std::fs::write(&lib, "").unwrap();
    let dep_file = fp.join("dep-lib-foo");
    let mut checker = StaleChecker::new();
    let no_env = |_: &str| None;

    // Never built.
    assert_eq!(
        checker.check_dep_info(&dep_file, pkg, &target, no_env),
        Some(StaleItem::MissingFile(dep_file.clone()))
    );

    let rustc = parse_rustc_dep_info(CARGO_LIB_D).unwrap();
    let opts = TranslateOptions {
        rustc_cwd: pkg,
        pkg_root: pkg,
        target_root: &target,
        track_package_files: true,
    };
    translate(rustc, &opts, |_| true).write(&dep_file).unwrap();
    set_mtime(&lib, 1_700_000_000, 0);
    set_mtime(&dep_file, 1_700_000_000, 500);
    let env_ok = |k: &str| (k == "FOO_X").then(|| "1".to_string());
    assert_eq!(
        checker.check_dep_info(&dep_file, pkg, &target, env_ok),
        None
    );

    // Env is checked before files.
    set_mtime(&lib, 1_700_000_009, 0);
    let env_changed = |k: &str| (k == "FOO_X").then(|| "2".to_string());
    let mut fresh_checker = StaleChecker::new();
    assert_eq!(
        fresh_checker
            .check_dep_info(&dep_file, pkg, &target, env_changed)
            .map(|i| i.describe(pkg)),
        Some("the environment variable FOO_X changed".to_string())
    );
    assert_eq!(
        fresh_checker
            .check_dep_info(&dep_file, pkg, &target, env_ok)
            .map(|i| i.describe(pkg)),
        Some(
            "the file `src/lib.rs` has changed (1700000009.000000000s, 9s after last build at 1700000000.000000500s)"
                .to_string()
        )
    );
}
