use super::*;

const VV: &str = include_str!("fixtures/vV.txt");
const HOST_STDOUT: &str = include_str!("fixtures/host.stdout");
const WASM_STDOUT: &str = include_str!("fixtures/wasm32.stdout");
const WASM_STDERR: &str = include_str!("fixtures/wasm32.stderr");
const MSVC_STDOUT: &str = include_str!("fixtures/msvc.stdout");
const CARGO_CACHE: &str = include_str!("fixtures/cargo_rustc_info.json");

#[test]
fn parses_verbose_version() {
    let info = RustcInfo::parse(VV).unwrap();
    assert_eq!(info.version, semver::Version::new(1, 95, 0));
    assert_eq!(info.host, "x86_64-unknown-linux-gnu");
    assert_eq!(
        info.commit_hash.as_deref(),
        Some("59807616e1fa2540724bfbac14d7976d7e4a3860")
    );
    assert_eq!(info.commit_date.as_deref(), Some("2026-04-14"));
    assert_eq!(info.llvm_version.as_deref(), Some("22.1.2"));
    assert_eq!(info.verbose_version, VV);

    let local = "rustc 1.96.0-dev\nbinary: rustc\ncommit-hash: unknown\ncommit-date: unknown\nhost: aarch64-apple-darwin\nrelease: 1.96.0-dev\n";
    let info = RustcInfo::parse(local).unwrap();
    assert_eq!(info.version.pre.as_str(), "dev");
    assert_eq!(info.commit_hash, None);
    assert_eq!(info.llvm_version, None);
}

#[test]
fn verbose_version_errors() {
    let e = RustcInfo::parse("rustc 1.95.0\nhost: x\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`rustc -vV` didn't have a line for `release:`, got:\nrustc 1.95.0\nhost: x\n"
    );
    let e = RustcInfo::parse("release: 1.95.0\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("`rustc -vV` didn't have a line for `host:`")
    );
    let e = RustcInfo::parse("host: x\nrelease: 1.95\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "rustc version does not appear to be a valid semver version, from:\nhost: x\nrelease: 1.95\n"
    );
}

fn parts(p: &str, s: &str) -> Option<(String, String)> {
    Some((p.to_string(), s.to_string()))
}

#[test]
fn parses_host_probe() {
    let ti = TargetInfo::parse(HOST_STDOUT, "", "`rustc -`", "x86_64-unknown-linux-gnu").unwrap();
    let expected: BTreeMap<String, Option<(String, String)>> = [
        ("bin", parts("", "")),
        ("rlib", parts("lib", ".rlib")),
        ("dylib", parts("lib", ".so")),
        ("cdylib", parts("lib", ".so")),
        ("staticlib", parts("lib", ".a")),
        ("proc-macro", parts("lib", ".so")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(ti.crate_type_file_names, expected);
    assert_eq!(ti.file_name_parts("lib"), Some(("lib", ".rlib")));
    assert_eq!(ti.file_name_parts("bin"), Some(("", "")));
    assert_eq!(ti.file_name_parts("sdylib"), None);
    assert_eq!(
        ti.sysroot,
        PathBuf::from("/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu")
    );
    assert_eq!(
        ti.sysroot_target_libdir,
        PathBuf::from(
            "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/x86_64-unknown-linux-gnu/lib"
        )
    );
    assert_eq!(ti.split_debuginfo, ["off", "packed", "unpacked"]);
    assert!(ti.supports_split_debuginfo("packed"));
    assert!(!ti.supports_split_debuginfo("bogus"));
    assert!(ti.cfg.contains(&Cfg::name("unix")));
    assert!(ti.cfg.contains(&Cfg::name("debug_assertions")));
    assert!(ti.cfg.contains(&Cfg::key_pair("target_os", "linux")));
    assert!(ti.cfg.contains(&Cfg::key_pair("target_feature", "sse2")));
    assert!(!ti.cfg.contains(&Cfg::name("proc_macro")));
    assert_eq!(ti.cfg.len(), 19);
}

#[test]
fn unsupported_crate_types_come_from_stderr() {
    let ti = TargetInfo::parse(
        WASM_STDOUT,
        WASM_STDERR,
        "`rustc -`",
        "wasm32-unknown-unknown",
    )
    .unwrap();
    assert_eq!(ti.file_name_parts("bin"), Some(("", ".wasm")));
    assert_eq!(ti.file_name_parts("rlib"), Some(("lib", ".rlib")));
    assert_eq!(ti.file_name_parts("dylib"), None);
    assert_eq!(ti.file_name_parts("cdylib"), Some(("", ".wasm")));
    assert_eq!(ti.file_name_parts("staticlib"), Some(("lib", ".a")));
    assert_eq!(ti.file_name_parts("proc-macro"), None);
    assert_eq!(ti.crate_type_file_names.get("dylib"), Some(&None));
    assert_eq!(ti.split_debuginfo, ["off"]);
    assert!(ti.cfg.contains(&Cfg::key_pair("target_family", "wasm")));
    assert!(!ti.cfg.contains(&Cfg::name("unix")));
}

#[test]
fn windows_msvc_names() {
    let ti = TargetInfo::parse(MSVC_STDOUT, "", "`rustc -`", "x86_64-pc-windows-msvc").unwrap();
    assert_eq!(ti.file_name_parts("bin"), Some(("", ".exe")));
    assert_eq!(ti.file_name_parts("dylib"), Some(("", ".dll")));
    assert_eq!(ti.file_name_parts("staticlib"), Some(("", ".lib")));
    assert_eq!(ti.split_debuginfo, ["packed"]);
    assert!(ti.cfg.contains(&Cfg::key_pair("target_env", "msvc")));
}

#[test]
fn probe_output_errors() {
    let e = TargetInfo::parse("", "", "`rustc -`", "x").unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed output when learning about crate-type bin information\ncommand was: `rustc -`\n(no output received)"
    );
    let e = TargetInfo::parse("nope\n", "warn\n", "`rustc -`", "x").unwrap_err();
    assert_eq!(
        e.to_string(),
        "output of --print=file-names missing when learning about target-specific information from rustc\ncommand was: `rustc -`\n\n--- stdout\nnope\n\n--- stderr\nwarn\n"
    );
    let six = "___\n".repeat(6);
    let e = TargetInfo::parse(&six, "", "`rustc -`", "x").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("output of --print=sysroot missing")
    );
    let e = TargetInfo::parse(&format!("{six}/sys\noff\n"), "", "`rustc -`", "x").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("output of --print=split-debuginfo missing")
    );
    let bad = format!("{six}/sys\noff\n___\nunix\nfoo = \n");
    let e = TargetInfo::parse(&bad, "", "`rustc -`", "x").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("failed to parse the cfg from `rustc --print=cfg`, got:\n{bad}")
    );
    // No cfg at all is fine.
    let ti = TargetInfo::parse(&format!("{six}/sys\n___\n"), "", "`rustc -`", "x").unwrap();
    assert!(ti.cfg.is_empty() && ti.split_debuginfo.is_empty());
}

#[test]
fn short_names_and_display() {
    assert_eq!(
        target_short_name("x86_64-unknown-linux-gnu"),
        "x86_64-unknown-linux-gnu"
    );
    assert_eq!(target_short_name("/specs/my-target.json"), "my-target");
    let mut cmd = Command::new("/bin/rustc");
    cmd.args(["-", "--check-cfg", "cfg(docsrs,test)", "it's", ""])
        .env("A", "b c")
        .env_remove("RUSTC_LOG");
    assert_eq!(
        display_command(&cmd),
        "`A='b c' /bin/rustc - --check-cfg 'cfg(docsrs,test)' 'it'\\''s' ''`"
    );
}

#[test]
fn keys_depend_on_args_env_and_extra() {
    let mut a = Command::new("rustc");
    a.arg("-vV");
    let mut b = Command::new("rustc");
    b.arg("-vV").env_remove("RUSTC_LOG");
    let mut c = Command::new("rustc");
    c.arg("-vV").env("RUSTC_LOG", "");
    let keys = [
        process_fingerprint(&a, 0),
        process_fingerprint(&b, 0),
        process_fingerprint(&c, 0),
        process_fingerprint(&a, 1),
    ];
    for i in 0..keys.len() {
        for j in 0..i {
            assert_ne!(keys[i], keys[j], "{i} {j}");
        }
    }
    assert_eq!(keys[0], process_fingerprint(&a, 0));
    let mut d = Command::new("rustc");
    d.args(["-v", "V"]);
    let mut e = Command::new("rustc");
    e.arg("-vV");
    assert_ne!(process_fingerprint(&d, 0), process_fingerprint(&e, 0));
}

#[test]
fn reads_cargos_cache_schema() {
    let data: CacheData = serde_json::from_str(CARGO_CACHE).unwrap();
    assert_eq!(data.rustc_fingerprint, 8668999387863862814);
    assert_eq!(data.outputs.len(), 2);
    let vv = data.outputs.get(&17747080675513052775).unwrap();
    assert!(vv.success);
    assert_eq!(vv.code, Some(0));
    assert_eq!(vv.stdout, VV);
    // And writes the same shape back.
    let v: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&data).unwrap()).unwrap();
    let orig: serde_json::Value = serde_json::from_str(CARGO_CACHE).unwrap();
    assert_eq!(v, orig);
}

/// A rustc that logs each run to `count` and hands over to the real one.
#[cfg(unix)]
fn fake_rustc(dir: &Path) -> PathBuf {
    let script = dir.join("fake-rustc");
    mycargo_test_support::write_executable(
        &script,
        "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/count\"\nexec rustc \"$@\"\n",
    );
    script
}

#[cfg(unix)]
fn runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("count"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn real_rustc_is_cached_on_disk_and_not_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    std::fs::create_dir_all(&target).unwrap();
    let cache_file = target.join(CACHE_FILE);
    let rustc_path = fake_rustc(dir.path());
    let env = Env::from_process().unwrap();
    let opts = || RustcOptions {
        path: rustc_path.clone(),
        cache_location: Some(cache_file.clone()),
        ..RustcOptions::default()
    };

    // First build: both questions are asked.
    let rustc = Rustc::new(opts(), &env).unwrap();
    assert_eq!(rustc.info.version.major, 1);
    let host = rustc.target_info(&TargetInfoRequest::default()).unwrap();
    assert!(host.file_name_parts("rlib").is_some());
    assert!(host.sysroot.is_dir());
    assert!(
        host.sysroot_target_libdir
            .ends_with(format!("lib/rustlib/{}/lib", rustc.info.host))
    );
    assert_eq!(rustc.spawn_count(), 2);
    assert_eq!(runs(dir.path()), 2);
    drop(rustc);

    // The file is in cargo's schema.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    assert!(json["rustc_fingerprint"].is_u64());
    let outputs = json["outputs"].as_object().unwrap();
    assert_eq!(outputs.len(), 2);
    for (k, o) in outputs {
        assert!(k.parse::<u64>().is_ok());
        assert_eq!(o["success"], true);
        assert_eq!(o["status"], "");
        assert_eq!(o["code"], 0);
        assert!(o["stdout"].is_string() && o["stderr"].is_string());
    }
    assert!(json["successes"].as_object().unwrap().is_empty());

    // No-op build: nothing is spawned.
    let rustc = Rustc::new(opts(), &env).unwrap();
    let again = rustc.target_info(&TargetInfoRequest::default()).unwrap();
    assert_eq!(again, host);
    assert_eq!(rustc.spawn_count(), 0);
    assert_eq!(runs(dir.path()), 2);

    // Other flags are another question.
    let flags = vec!["-Cdebug-assertions=no".to_string()];
    let other = rustc
        .target_info(&TargetInfoRequest {
            rustflags: &flags,
            ..TargetInfoRequest::default()
        })
        .unwrap();
    assert!(!other.cfg.contains(&Cfg::name("debug_assertions")));
    assert_eq!(rustc.spawn_count(), 1);
    drop(rustc);
    let log = std::fs::read_to_string(dir.path().join("count")).unwrap();
    assert_eq!(
        log.lines().last(),
        Some(
            "- --crate-name ___ --print=file-names -Cdebug-assertions=no --crate-type bin --crate-type rlib --crate-type dylib --crate-type cdylib --crate-type staticlib --crate-type proc-macro --print=sysroot --print=split-debuginfo --print=crate-name --print=cfg -Wwarnings"
        )
    );

    // A changed compiler (new mtime) invalidates the cache.
    filetime::set_file_mtime(&rustc_path, FileTime::from_unix_time(1_600_000_000, 0)).unwrap();
    let rustc = Rustc::new(opts(), &env).unwrap();
    assert_eq!(rustc.spawn_count(), 1);
    drop(rustc);

    // CARGO_CACHE_RUSTC_INFO=0 turns the cache off.
    let mut no_cache = env.clone();
    no_cache.set("CARGO_CACHE_RUSTC_INFO", "0");
    let rustc = Rustc::new(opts(), &no_cache).unwrap();
    assert_eq!(rustc.spawn_count(), 1);
}

#[cfg(unix)]
#[test]
fn a_file_cargo_wrote_is_replaced_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let cache_file = dir.path().join(CACHE_FILE);
    std::fs::write(&cache_file, CARGO_CACHE).unwrap();
    let env = Env::from_process().unwrap();
    let opts = RustcOptions {
        path: fake_rustc(dir.path()),
        cache_location: Some(cache_file.clone()),
        ..RustcOptions::default()
    };
    let rustc = Rustc::new(opts.clone(), &env).unwrap();
    assert_eq!(rustc.spawn_count(), 1);
    drop(rustc);
    let data: CacheData =
        serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    assert_ne!(data.rustc_fingerprint, 8668999387863862814);
    assert_eq!(data.outputs.len(), 1);
    // Garbage is replaced too.
    std::fs::write(&cache_file, "{not json").unwrap();
    let rustc = Rustc::new(opts, &env).unwrap();
    assert_eq!(rustc.spawn_count(), 1);
    drop(rustc);
    assert!(
        serde_json::from_str::<CacheData>(&std::fs::read_to_string(&cache_file).unwrap()).is_ok()
    );
}

#[cfg(unix)]
#[test]
fn wrappers_come_first_and_failures_are_cached() {
    let dir = tempfile::tempdir().unwrap();
    let script = |name: &str, body: &str| {
        let p = dir.path().join(name);
        mycargo_test_support::write_executable(&p, body);
        p
    };
    let wrapper = script(
        "wrap",
        "#!/bin/sh\necho \"wrap $*\" >> \"$(dirname \"$0\")/count\"\nexec \"$@\"\n",
    );
    let ws = script(
        "ws",
        "#!/bin/sh\necho \"ws $*\" >> \"$(dirname \"$0\")/count\"\nexec \"$@\"\n",
    );
    let rustc = script(
        "rustc-fails-probe",
        "#!/bin/sh\nif [ \"$1\" = -vV ]; then exec rustc -vV; fi\necho oops >&2\nexit 3\n",
    );
    let env = Env::from_process().unwrap();
    let opts = RustcOptions {
        path: rustc.clone(),
        wrapper: Some(wrapper.clone()),
        workspace_wrapper: Some(ws.clone()),
        cache_location: Some(dir.path().join(CACHE_FILE)),
    };
    let r = Rustc::new(opts.clone(), &env).unwrap();
    let log = std::fs::read_to_string(dir.path().join("count")).unwrap();
    assert_eq!(
        log,
        format!(
            "wrap {} {} -vV\nws {} -vV\n",
            ws.display(),
            rustc.display(),
            rustc.display()
        )
    );
    let e = r.target_info(&TargetInfoRequest::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "failed to run `rustc` to learn about target-specific information"
    );
    let RustcInfoError::TargetInfo(inner) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        inner.to_string(),
        format!(
            "process didn't exit successfully: `{} {} {} - --crate-name ___ --print=file-names --crate-type bin --crate-type rlib --crate-type dylib --crate-type cdylib --crate-type staticlib --crate-type proc-macro --print=sysroot --print=split-debuginfo --print=crate-name --print=cfg -Wwarnings` (exit status: 3)\n--- stderr\noops\n",
            wrapper.display(),
            ws.display(),
            rustc.display()
        )
    );
    assert_eq!(r.spawn_count(), 2);
    drop(r);
    // The failure is remembered like cargo does.
    let r = Rustc::new(opts, &env).unwrap();
    assert!(r.target_info(&TargetInfoRequest::default()).is_err());
    assert_eq!(r.spawn_count(), 0);
}

#[test]
fn spawn_failures_name_the_command() {
    let env = Env::new("/", [("PATH", "/nonexistent")]);
    let e = Rustc::new(
        RustcOptions {
            path: PathBuf::from("/nonexist"),
            ..RustcOptions::default()
        },
        &env,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "could not execute process `/nonexist -vV` (never executed)"
    );
    assert!(matches!(e, RustcInfoError::Spawn { .. }));
}

#[cfg(unix)]
#[test]
fn discovers_other_crate_types() {
    let dir = tempfile::tempdir().unwrap();
    let env = Env::from_process().unwrap();
    let r = Rustc::new(
        RustcOptions {
            path: PathBuf::from("rustc"),
            cache_location: Some(dir.path().join(CACHE_FILE)),
            ..RustcOptions::default()
        },
        &env,
    )
    .unwrap();
    let lib = r
        .discover_crate_type(&TargetInfoRequest::default(), "lib")
        .unwrap();
    assert_eq!(lib, Some(("lib".to_string(), ".rlib".to_string())));
}

#[cfg(unix)]
#[test]
fn rustup_proxy_without_rustup_env_is_still_cacheable() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let rustup = home.join(".rustup");
    let cargo_bin = home.join(".cargo/bin");
    std::fs::create_dir_all(rustup.join("toolchains/stable-x/bin")).unwrap();
    std::fs::create_dir_all(&cargo_bin).unwrap();
    std::fs::write(
        rustup.join("settings.toml"),
        "default_toolchain = \"stable-x\"\n",
    )
    .unwrap();
    let tc_rustc = rustup.join("toolchains/stable-x/bin/rustc");
    std::fs::write(&tc_rustc, "").unwrap();
    let proxy = cargo_bin.join("rustc");
    std::fs::write(&proxy, "").unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let env = Env::new(&project, [("HOME", home.as_os_str())]);

    let fp = || rustc_fingerprint(&proxy, None, None, &env);
    let first = fp().unwrap();
    assert_eq!(fp().unwrap(), first);
    // A toolchain file in the project changes the answer.
    std::fs::write(
        project.join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"1.80\"\n",
    )
    .unwrap();
    let with_file = fp().unwrap();
    assert_ne!(with_file, first);
    // So does an updated toolchain.
    filetime::set_file_mtime(&tc_rustc, FileTime::from_unix_time(1_600_000_000, 0)).unwrap();
    assert_ne!(fp().unwrap(), with_file);
    // Without rustup's settings it cannot be known: no cache.
    std::fs::remove_file(rustup.join("settings.toml")).unwrap();
    assert!(fp().is_err());
    // A plain compiler needs none of that.
    let plain = dir.path().join("rustc");
    std::fs::write(&plain, "").unwrap();
    assert!(rustc_fingerprint(&plain, None, None, &env).is_ok());
}
