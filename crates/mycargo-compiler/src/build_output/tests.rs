use super::*;

const PKG: &str = "bs v0.1.0 (/tmp/exp2/bs)";
const OUT: &str = "/t/debug/build/bs-566684c027470eb9/out";

fn targets() -> PackageTargets {
    PackageTargets {
        bins: vec!["bs".into()],
        has_tests: true,
        has_benches: true,
        has_examples: true,
        has_cdylib: true,
    }
}

fn cx<'a>(t: &'a PackageTargets) -> ParseContext<'a> {
    ParseContext {
        pkg_descr: PKG,
        library_name: None,
        script_out_dir: Path::new(OUT),
        script_out_dir_when_generated: None,
        targets: t,
        rust_version: None,
        nightly_features_allowed: false,
        rustc_bootstrap: None,
    }
}

fn parse(s: &str) -> BuildOutput {
    let t = targets();
    match BuildOutput::parse(s.as_bytes(), &cx(&t)) {
        Ok(o) => o,
        Err(e) => panic!("unexpected error for {s:?}: {e}"),
    }
}

fn parse_err_with(s: &str, c: &ParseContext<'_>) -> String {
    match BuildOutput::parse(s.as_bytes(), c) {
        Ok(o) => panic!("expected an error for {s:?}, got {o:?}"),
        Err(e) => e.to_string(),
    }
}

fn parse_err(s: &str) -> String {
    let t = targets();
    parse_err_with(s, &cx(&t))
}

const DOCS: &str = "See https://doc.rust-lang.org/cargo/reference/build-scripts.html#outputs-of-the-build-script for more information about build script outputs.";

#[test]
fn every_directive_in_both_syntaxes() {
    for p in ["cargo:", "cargo::"] {
        let text = format!(
            "{p}rustc-link-lib=static=foo\n\
             {p}rustc-link-search=native=/usr/x\n\
             {p}rustc-link-search={OUT}/lib\n\
             {p}rustc-flags=-lbar -L /y\n\
             {p}rustc-link-arg=-Wl,a\n\
             {p}rustc-link-arg-bins=-Wl,b\n\
             {p}rustc-link-arg-bin=bs=-Wl,c=d\n\
             {p}rustc-link-arg-tests=-Wl,t\n\
             {p}rustc-link-arg-benches=-Wl,be\n\
             {p}rustc-link-arg-examples=-Wl,e\n\
             {p}rustc-link-arg-cdylib=-Wl,cd1\n\
             {p}rustc-cdylib-link-arg=-Wl,cd2\n\
             {p}rustc-cfg=foo\n\
             {p}rustc-cfg=feature=\"x\"\n\
             {p}rustc-check-cfg=cfg(foo)\n\
             {p}rustc-env=A=b=c\n\
             {p}warning=careful\n\
             {p}rerun-if-changed=src/x.txt\n\
             {p}rerun-if-env-changed=MY_VAR\n"
        );
        let o = parse(&text);
        assert_eq!(o.library_links, ["static=foo", "bar"], "{p}");
        assert_eq!(
            o.library_paths,
            [
                (LibraryPathKind::External, PathBuf::from("native=/usr/x")),
                (
                    LibraryPathKind::CargoArtifact,
                    PathBuf::from(format!("{OUT}/lib"))
                ),
                (LibraryPathKind::External, PathBuf::from("/y")),
            ]
        );
        assert_eq!(
            o.linker_args,
            [
                (LinkArgTarget::All, "-Wl,a".to_string()),
                (LinkArgTarget::Bin, "-Wl,b".to_string()),
                (LinkArgTarget::SingleBin("bs".into()), "-Wl,c=d".to_string()),
                (LinkArgTarget::Test, "-Wl,t".to_string()),
                (LinkArgTarget::Bench, "-Wl,be".to_string()),
                (LinkArgTarget::Example, "-Wl,e".to_string()),
                (LinkArgTarget::Cdylib, "-Wl,cd1".to_string()),
                (LinkArgTarget::Cdylib, "-Wl,cd2".to_string()),
            ]
        );
        assert_eq!(o.cfgs, ["foo", "feature=\"x\""]);
        assert_eq!(o.check_cfgs, ["cfg(foo)"]);
        assert_eq!(o.env, [("A".to_string(), "b=c".to_string())]);
        assert_eq!(o.rerun_if_changed, [PathBuf::from("src/x.txt")]);
        assert_eq!(o.rerun_if_env_changed, ["MY_VAR"]);
        assert_eq!(o.warnings().collect::<Vec<_>>(), ["careful"]);
        assert!(!o.has_errors());
        assert!(o.metadata.is_empty());
    }
}

#[test]
fn metadata_old_and_new() {
    let o = parse(
        "cargo:root=/x/y\ncargo:a-b=c=d\ncargo::metadata=inc=/i\ncargo:error=meta\ncargo:metadata=m=n",
    );
    assert_eq!(
        o.metadata,
        [
            ("root".to_string(), "/x/y".to_string()),
            ("a-b".to_string(), "c=d".to_string()),
            ("inc".to_string(), "/i".to_string()),
            ("error".to_string(), "meta".to_string()),
            // `cargo:metadata=m=n` is metadata key `metadata`.
            ("metadata".to_string(), "m=n".to_string()),
        ]
    );
    assert!(o.log_messages.is_empty());
}

#[test]
fn errors_and_warnings_keep_their_order() {
    let o = parse("cargo::error=bad thing\ncargo::warning=w1\ncargo:warning=w2\ncargo:error=meta");
    assert_eq!(
        o.log_messages,
        [
            (Severity::Error, "bad thing".to_string()),
            (Severity::Warning, "w1".to_string()),
            (Severity::Warning, "w2".to_string()),
        ]
    );
    assert!(o.has_errors());
    assert_eq!(o.errors().collect::<Vec<_>>(), ["bad thing"]);
}

#[test]
fn lines_are_trimmed_and_others_ignored() {
    let mut input =
        b"hello\n  cargo:rustc-cfg=bar   \r\n\tcargo::rustc-cfg=baz\nnot cargo:rustc-cfg=no\n"
            .to_vec();
    input.extend_from_slice(b"cargo:rustc-cfg=\xff\xfe\n");
    input.extend_from_slice(b"CARGO:rustc-cfg=upper\ncargo:rustc-cfg=last");
    let t = targets();
    let o = BuildOutput::parse(&input, &cx(&t)).unwrap_or_default();
    assert_eq!(o.cfgs, ["bar", "baz", "last"]);
}

#[test]
fn empty_output() {
    assert_eq!(parse(""), BuildOutput::default());
}

#[test]
fn unknown_key_in_new_syntax() {
    assert_eq!(
        parse_err("cargo::foo=bar"),
        format!(
            "invalid output in build script of `{PKG}`: `cargo::foo=bar`\n\
             Unknown key: `foo`.\n{DOCS}"
        )
    );
}

#[test]
fn missing_equals() {
    assert_eq!(
        parse_err("cargo::foo"),
        format!(
            "invalid output in build script of `{PKG}`: `cargo::foo`\n\
             Expected a line with `cargo::KEY=VALUE` with an `=` character, but none was found.\n{DOCS}"
        )
    );
    assert_eq!(
        parse_err("  cargo::  "),
        format!(
            "invalid output in build script of `{PKG}`: `cargo::`\n\
             Expected a line with `cargo::KEY=VALUE` with an `=` character, but none was found.\n{DOCS}"
        )
    );
    // Old syntax: no reserved prefix without `=`, so it is metadata.
    for line in ["cargo:rustc-flags", "cargo:"] {
        assert_eq!(
            parse_err(line),
            format!(
                "invalid output in build script of `{PKG}`: `{line}`\n\
                 Expected a line with `cargo:KEY=VALUE` with an `=` character, but none was found.\n{DOCS}"
            )
        );
    }
    assert_eq!(
        parse_err("cargo::metadata=foo"),
        format!(
            "invalid output in build script of `{PKG}`: `cargo::metadata=foo`\n\
             Expected a line with `cargo::metadata=KEY=VALUE` with an `=` character, but none was found.\n{DOCS}"
        )
    );
}

#[test]
fn new_syntax_reserved_words_are_not_metadata() {
    assert_eq!(
        parse("cargo::error=x").log_messages,
        [(Severity::Error, "x".to_string())]
    );
}

#[test]
fn rustc_flags() {
    let o = parse(
        "cargo:rustc-flags=-lfoo -L /x -L native=/y  -l  static=bar\ncargo:rustc-link-search=framework=/z\ncargo:rustc-link-lib=dylib=q",
    );
    // Same order as cargo's `build-script-executed` message.
    assert_eq!(o.library_links, ["foo", "static=bar", "dylib=q"]);
    let paths: Vec<_> = o.library_paths.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(
        paths,
        [
            PathBuf::from("/x"),
            PathBuf::from("native=/y"),
            PathBuf::from("framework=/z")
        ]
    );
    assert_eq!(
        parse_err("cargo:rustc-flags=-X foo"),
        format!("only `-l` and `-L` flags are allowed in build script of `{PKG}`: `-X foo`")
    );
    assert_eq!(
        parse_err("cargo:rustc-flags=-l"),
        format!("flag in rustc-flags has no value in build script of `{PKG}`: ")
    );
    assert_eq!(
        parse_err("cargo::rustc-flags=-Lfoo -lbar -L"),
        format!("flag in rustc-flags has no value in build script of `{PKG}`: ")
    );
    let (p, l) = parse_rustc_flags("  ", "w").unwrap_or_default();
    assert!(p.is_empty() && l.is_empty());
}

#[test]
fn rustc_env() {
    assert_eq!(
        parse_err("cargo::rustc-env=FOO"),
        format!("Variable rustc-env has no value in build script of `{PKG}`: FOO")
    );
    assert_eq!(
        parse("cargo:rustc-env=EMPTY=").env,
        [("EMPTY".to_string(), String::new())]
    );
}

#[test]
fn rustc_bootstrap() {
    let t = targets();
    let mut c = cx(&t);
    let note = "note: crates cannot set `RUSTC_BOOTSTRAP` themselves, as doing so would subvert the stability guarantees of Rust for your project.";
    assert_eq!(
        parse_err_with("cargo:rustc-env=RUSTC_BOOTSTRAP=1", &c),
        format!(
            "cannot set `RUSTC_BOOTSTRAP=1` from build script of `{PKG}`.\n{note}\n\
             help: If you're sure you want to do this in your project, set the environment variable `RUSTC_BOOTSTRAP=1` before running cargo instead."
        )
    );
    c.library_name = Some("bs");
    assert!(
        parse_err_with("cargo:rustc-env=RUSTC_BOOTSTRAP=1", &c)
            .ends_with("`RUSTC_BOOTSTRAP=bs` before running cargo instead.")
    );
    // Allowed by the user's RUSTC_BOOTSTRAP naming the library: a warning.
    c.rustc_bootstrap = Some("other,bs");
    let o = BuildOutput::parse(b"cargo:rustc-env=RUSTC_BOOTSTRAP=1", &c).unwrap_or_default();
    assert_eq!(
        o.log_messages,
        [(
            Severity::Warning,
            format!("cannot set `RUSTC_BOOTSTRAP=1` from build script of `{PKG}`.\n{note}")
        )]
    );
    assert!(o.env.is_empty());
    // Nightly: a warning too.
    c.rustc_bootstrap = None;
    c.nightly_features_allowed = true;
    let o = BuildOutput::parse(b"cargo::rustc-env=RUSTC_BOOTSTRAP=1", &c).unwrap_or_default();
    assert_eq!(o.warnings().count(), 1);
}

#[test]
fn link_arg_targets_are_checked() {
    let none = PackageTargets::default();
    let c = cx(&none);
    assert_eq!(
        parse_err_with("cargo:rustc-link-arg-bin=foo", &c),
        format!(
            "invalid instruction `cargo:rustc-link-arg-bin=foo` from build script of `{PKG}`\n\
             The instruction should have the form cargo:rustc-link-arg-bin=BIN=ARG"
        )
    );
    assert_eq!(
        parse_err_with("cargo::rustc-link-arg-bin=nob=x", &c),
        format!(
            "invalid instruction `cargo::rustc-link-arg-bin` from build script of `{PKG}`\n\
             The package {PKG} does not have a bin target with the name `nob`."
        )
    );
    for (key, kind) in [
        ("rustc-link-arg-bins", "bin"),
        ("rustc-link-arg-tests", "test"),
        ("rustc-link-arg-benches", "benchmark"),
        ("rustc-link-arg-examples", "example"),
    ] {
        assert_eq!(
            parse_err_with(&format!("cargo:{key}=x"), &c),
            format!(
                "invalid instruction `cargo:{key}` from build script of `{PKG}`\n\
                 The package {PKG} does not have a {kind} target."
            )
        );
    }
    // No cdylib: only a warning.
    let o = BuildOutput::parse(b"cargo:rustc-link-arg-cdylib=x", &c).unwrap_or_default();
    assert_eq!(
        o.log_messages,
        [(
            Severity::Warning,
            format!(
                "cargo:rustc-link-arg-cdylib was specified in the build script of {PKG}, \
                 but that package does not contain a cdylib target\n\n\
                 Allowing this was an unintended change in the 1.50 release, and may become \
                 an error in the future. For more information, see \
                 <https://github.com/rust-lang/cargo/issues/9562>."
            )
        )]
    );
    assert_eq!(o.linker_args, [(LinkArgTarget::Cdylib, "x".to_string())]);
}

#[test]
fn msrv_gates_the_new_syntax() {
    let t = targets();
    let mut c = cx(&t);
    let v176: PartialVersion = "1.76".parse().unwrap();
    c.rust_version = Some(&v176);
    let head = format!(
        "the `cargo::` syntax for build script output instructions was added in Rust 1.77.0, \
         but the minimum supported Rust version of `{PKG}` is 1.76.\n"
    );
    assert_eq!(
        parse_err_with("cargo::rustc-cfg=foo", &c),
        format!(
            "{head}Switch to the old `cargo:rustc-cfg=foo` syntax (note the single colon).\n{DOCS}"
        )
    );
    assert_eq!(
        parse_err_with("cargo::metadata=a=b", &c),
        format!(
            "{head}Switch to the old `cargo:a=b` syntax instead of `cargo::metadata=a=b` (note the single colon).\n{DOCS}"
        )
    );
    assert_eq!(parse_err_with("cargo::foo=b", &c), format!("{head}{DOCS}"));
    assert_eq!(parse_err_with("cargo::foo", &c), format!("{head}{DOCS}"));
    // The old syntax is fine whatever the MSRV.
    assert!(BuildOutput::parse(b"cargo:rustc-cfg=foo", &c).is_ok());

    let v1765: PartialVersion = "1.76.5".parse().unwrap();
    c.rust_version = Some(&v1765);
    assert!(parse_err_with("cargo::rustc-cfg=foo", &c).contains(" is 1.76.5.\n"));
    for ok in ["1.77", "1.77.0", "1.80.1"] {
        let v: PartialVersion = ok.parse().unwrap();
        let c = ParseContext {
            rust_version: Some(&v),
            ..c
        };
        assert!(
            BuildOutput::parse(b"cargo::rustc-cfg=foo", &c).is_ok(),
            "{ok}"
        );
    }
    let v1: PartialVersion = "1".parse().unwrap();
    c.rust_version = Some(&v1);
    assert!(BuildOutput::parse(b"cargo::rustc-cfg=foo", &c).is_err());
}

#[test]
fn moved_out_dir_is_rewritten() {
    let t = targets();
    let mut c = cx(&t);
    c.script_out_dir_when_generated = Some(Path::new("/old/build/bs-1/out"));
    let o = BuildOutput::parse(
        b"cargo:rustc-link-search=native=/old/build/bs-1/out/lib\ncargo:include=/old/build/bs-1/out/inc\ncargo:rustc-env=X=/old/build/bs-1/out",
        &c,
    )
    .unwrap_or_default();
    assert_eq!(
        o.library_paths,
        [(
            LibraryPathKind::CargoArtifact,
            PathBuf::from(format!("native={OUT}/lib"))
        )]
    );
    assert_eq!(o.metadata, [("include".to_string(), format!("{OUT}/inc"))]);
    assert_eq!(o.env, [("X".to_string(), OUT.to_string())]);
}

#[test]
fn search_path_kinds() {
    assert_eq!(
        search_path_parts(Path::new("native=/a")),
        (Some("native"), Path::new("/a"))
    );
    assert_eq!(
        search_path_parts(Path::new("all=/a=b")),
        (Some("all"), Path::new("/a=b"))
    );
    assert_eq!(
        search_path_parts(Path::new("other=/a")),
        (None, Path::new("other=/a"))
    );
    assert_eq!(search_path_parts(Path::new("/a")), (None, Path::new("/a")));
    let paths = vec![
        (LibraryPathKind::External, PathBuf::from("/usr/lib")),
        (LibraryPathKind::CargoArtifact, PathBuf::from("/t/a/out")),
        (LibraryPathKind::External, PathBuf::from("/lib")),
        (LibraryPathKind::CargoArtifact, PathBuf::from("/t/b/out")),
    ];
    assert_eq!(
        order_for_linker(&paths),
        [
            Path::new("/t/a/out"),
            Path::new("/t/b/out"),
            Path::new("/usr/lib"),
            Path::new("/lib")
        ]
    );
}

#[test]
fn dep_env() {
    assert_eq!(envify("foo-bar_baz"), "FOO_BAR_BAZ");
    assert_eq!(
        dep_env_vars(
            "z-sys",
            &[
                ("include".to_string(), "/i".to_string()),
                ("a-b".to_string(), "v".to_string())
            ]
        ),
        [
            ("DEP_Z_SYS_INCLUDE".to_string(), "/i".to_string()),
            ("DEP_Z_SYS_A_B".to_string(), "v".to_string()),
        ]
    );
}

#[test]
fn rerun_paths_are_relative_to_the_package() {
    let o = parse("cargo:rerun-if-changed=build.rs\ncargo:rerun-if-changed=/abs/x");
    assert_eq!(
        o.rerun_if_changed_paths(Path::new("/pkg")),
        [PathBuf::from("/pkg/build.rs"), PathBuf::from("/abs/x")]
    );
}

#[test]
fn stored_output_round_trip() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = dir.path().join("bs-1");
    std::fs::create_dir_all(run.join("out")).unwrap_or_else(|e| panic!("{e}"));
    let t = targets();
    let mut c = cx(&t);
    // Nothing stored yet.
    assert!(matches!(read_previous(&run, &c), Ok(None)));

    let old_out = run.join("out");
    let stdout = format!(
        "cargo:rustc-link-search=native={}/lib\ncargo::warning=hi\n",
        old_out.display()
    );
    write_run_files(
        &run,
        &run.join(OUTPUT_FILE),
        stdout.as_bytes(),
        b"err text",
        &old_out,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        std::fs::read(run.join("output")).unwrap_or_default(),
        stdout.as_bytes()
    );
    assert_eq!(
        std::fs::read(run.join("stderr")).unwrap_or_default(),
        b"err text"
    );
    assert_eq!(
        std::fs::read_to_string(run.join("root-output")).unwrap_or_default(),
        old_out.display().to_string()
    );

    // Same place: read back as printed.
    c.script_out_dir = &old_out;
    let prev = read_previous(&run, &c)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_default();
    assert_eq!(
        prev.library_paths,
        [(
            LibraryPathKind::CargoArtifact,
            PathBuf::from(format!("native={}/lib", old_out.display()))
        )]
    );
    assert_eq!(prev.warnings().collect::<Vec<_>>(), ["hi"]);

    // The target directory moved: paths follow.
    let moved = Path::new("/elsewhere/bs-1/out");
    c.script_out_dir = moved;
    let prev = read_previous(&run, &c)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_default();
    assert_eq!(
        prev.library_paths,
        [(
            LibraryPathKind::CargoArtifact,
            PathBuf::from("native=/elsewhere/bs-1/out/lib")
        )]
    );

    // parse_file names the file when it is missing.
    let missing = run.join("nope");
    match BuildOutput::parse_file(&missing, &c) {
        Err(e) => assert_eq!(
            e.to_string(),
            format!("failed to read `{}`", missing.display())
        ),
        Ok(_) => panic!("expected an error"),
    }
}
