//! Nightly-only behaviour, against the installed cargo: the channel
//! (cargo's test override and `RUSTC_BOOTSTRAP=1`), `-Z` flags, nightly
//! `cargo-features`, `rustc --print`, `-Zlockfile-path` and
//! `--compile-time-deps` (rust-analyzer's uses), and unfinished flags
//! refused rather than ignored.

use mycargo_test_support::{Execs, Output, Project, ProjectBuilder, Tool, project};

const NIGHTLY: (&str, &str) = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");

fn lib_fixture() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "pub fn f() {}\n")
}

fn env(mut e: Execs, vars: &[(&str, &str)]) -> Execs {
    for (k, v) in vars {
        e = e.env(k, v);
    }
    e.with_any_status()
}

/// Both tools: the same exit code and stderr (and stdout); mycargo's output.
fn same(m: &Project, c: &Project, args: &str, vars: &[(&str, &str)]) -> Output {
    let mo = env(m.mycargo(args), vars).run();
    let co = env(c.cargo(args), vars).run();
    assert_eq!(
        mo.stderr_as_mycargo(),
        co.stderr_as_mycargo(),
        "`{args}` {vars:?}\n{}",
        mo.describe()
    );
    assert_eq!(mo.code(), co.code(), "`{args}` {vars:?}");
    assert_eq!(mo.stdout, co.stdout, "`{args}` {vars:?}");
    mo
}

#[test]
fn z_flags_follow_the_channel() {
    let (m, c) = lib_fixture().build_twins();
    // Stable refuses any -Z; nightly and RUSTC_BOOTSTRAP=1 take known ones.
    same(&m, &c, "-Zunstable-options check", &[]);
    let out = same(&m, &c, "-Zunstable-options check", &[NIGHTLY]);
    assert_eq!(out.code(), Some(0));
    let out = same(
        &m,
        &c,
        "-Zunstable-options check",
        &[("RUSTC_BOOTSTRAP", "1")],
    );
    assert_eq!(out.code(), Some(0));
    same(&m, &c, "-Zno-such-flag check", &[NIGHTLY]);
    same(&m, &c, "-Zunstable-options=yes check", &[NIGHTLY]);
    // Known to cargo, not built in mycargo: refused clearly, never ignored.
    let mo = env(m.mycargo("-Zbuild-std check"), &[NIGHTLY]).run();
    assert_eq!(mo.code(), Some(101));
    assert!(
        mo.stderr
            .contains("`-Z build-std` is not supported by mycargo yet"),
        "{}",
        mo.stderr
    );
}

#[test]
fn rustc_print_cfg_as_cargo() {
    let (m, c) = lib_fixture().build_twins();
    same(&m, &c, "rustc --print cfg", &[]);
    same(&m, &c, "rustc --print cfg", &[NIGHTLY]);
    let out = same(
        &m,
        &c,
        "-Zunstable-options rustc --print cfg",
        &[NIGHTLY, ("RUSTFLAGS", "--cfg my_cfg")],
    );
    assert!(out.stdout.contains("my_cfg\n"), "{}", out.stdout);
    assert!(out.stdout.contains("target_os="), "{}", out.stdout);
}

#[test]
fn nightly_profile_rustflags() {
    let manifest = "cargo-features = [\"profile-rustflags\"]\n\n[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[profile.dev]\nrustflags = [\"--cfg\", \"from_profile\"]\n";
    let p = project().file("Cargo.toml", manifest).file(
        "src/main.rs",
        "fn main() { println!(\"{}\", cfg!(from_profile)); }\n",
    );
    let (m, c) = p.build_twins();
    same(&m, &c, "build", &[]);
    let mo = env(m.mycargo("build -v"), &[NIGHTLY]).run();
    let co = env(c.cargo("build -v"), &[NIGHTLY]).run();
    assert_eq!(
        (mo.code(), co.code()),
        (Some(0), Some(0)),
        "{}",
        mo.describe()
    );
    let line = |o: &Output| {
        o.stderr
            .lines()
            .find(|l| l.contains("--crate-name foo"))
            .map(|l| l.contains("--cfg from_profile"))
    };
    assert_eq!(line(&mo), Some(true), "{}", mo.stderr);
    assert_eq!(line(&co), Some(true), "{}", co.stderr);
    assert_eq!(m.process(m.bin("foo")).run().stdout, "true\n");
}

#[test]
fn lockfile_path_needs_its_z_flag() {
    let (m, c) = lib_fixture().build_twins();
    let args = "generate-lockfile --config resolver.lockfile-path=\"lock/Cargo.lock\"";
    // Without -Zlockfile-path: cargo's warning, the usual place.
    same(&m, &c, args, &[NIGHTLY]);
    assert!(m.root().join("Cargo.lock").exists());
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    std::fs::remove_file(c.root().join("Cargo.lock")).unwrap();
    same(&m, &c, &format!("-Zlockfile-path {args}"), &[NIGHTLY]);
    assert!(!m.root().join("Cargo.lock").exists());
    assert_eq!(
        std::fs::read_to_string(m.root().join("lock/Cargo.lock")).unwrap(),
        std::fs::read_to_string(c.root().join("lock/Cargo.lock")).unwrap()
    );
    same(
        &m,
        &c,
        "-Zlockfile-path generate-lockfile --config resolver.lockfile-path=\"lock/other.lock\"",
        &[NIGHTLY],
    );
}

#[test]
fn compile_time_deps_builds_scripts_and_proc_macros_only() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\npm = { path = \"pm\" }\nplain = { path = \"plain\" }\n\n\
             [build-dependencies]\nbdep = { path = \"bdep\" }\n",
        )
        .file("src/lib.rs", "pub fn f() { plain::g(); }\n")
        .file("build.rs", "fn main() { bdep::h(); }\n")
        .file(
            "pm/Cargo.toml",
            "[package]\nname = \"pm\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n\n[dependencies]\npmdep = { path = \"../pmdep\" }\n",
        )
        .file("pm/src/lib.rs", "#[allow(dead_code)]\nfn nothing() { pmdep::k(); }\n")
        .file(
            "pmdep/Cargo.toml",
            "[package]\nname = \"pmdep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("pmdep/src/lib.rs", "pub fn k() {}\n")
        .file(
            "plain/Cargo.toml",
            "[package]\nname = \"plain\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("plain/src/lib.rs", "pub fn g() {}\n")
        .file(
            "bdep/Cargo.toml",
            "[package]\nname = \"bdep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("bdep/src/lib.rs", "pub fn h() {}\n");
    let (m, c) = p.build_twins();
    same(&m, &c, "check --compile-time-deps", &[NIGHTLY]);
    let mo = env(
        m.mycargo("-Zunstable-options check --compile-time-deps"),
        &[NIGHTLY],
    )
    .run();
    let co = env(
        c.cargo("-Zunstable-options check --compile-time-deps"),
        &[NIGHTLY],
    )
    .run();
    let compiled = |o: &Output| -> Vec<String> {
        let mut v: Vec<String> = o
            .stderr_as_mycargo()
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("Compiling") || l.starts_with("Checking"))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    assert_eq!(compiled(&mo), compiled(&co), "{}\n{}", mo.stderr, co.stderr);
    let names = compiled(&mo).join("\n");
    for built in ["pm v", "pmdep v", "bdep v", "foo v"] {
        assert!(names.contains(built), "{names}");
    }
    assert!(!names.contains("plain v"), "{names}");
    assert_eq!(mo.code(), Some(0), "{}", mo.stderr);
    assert_eq!(co.code(), Some(0), "{}", co.stderr);
}

#[test]
fn unfinished_flags_are_refused_not_ignored() {
    let (m, c) = lib_fixture().build_twins();
    // Stable: cargo's own errors.
    same(&m, &c, "build --unit-graph", &[]);
    same(&m, &c, "build --artifact-dir out", &[]);
    // Accepted by cargo, not built in mycargo: a clear error.
    let args = "-Zunstable-options rustdoc --output-format json";
    let mo = env(m.mycargo(args), &[NIGHTLY]).run();
    assert_eq!(mo.code(), Some(101), "{args}");
    assert!(
        mo.stderr.contains("is not supported by mycargo yet"),
        "{args}: {}",
        mo.stderr
    );
}

/// `--artifact-dir` (nightly) copies the root units' final files, and only
/// theirs, as cargo does; a second, fresh build still fills a new
/// directory; `build.artifact-dir` does the same.
#[test]
fn artifact_dir_like_cargo() {
    let p = mycargo_test_support::project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar = { path = \"bar\" }\n",
        )
        .file("src/main.rs", "fn main() { bar::b(); }")
        .file("bar/Cargo.toml", mycargo_test_support::basic_manifest("bar", "0.1.0"))
        .file("bar/src/lib.rs", "pub fn b() {}")
        .build();
    let list = |dir: &str| {
        let mut names: Vec<String> = std::fs::read_dir(p.root().join(dir))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    for (tool, out) in [(Tool::Cargo, "out-c"), (Tool::Mycargo, "out-m")] {
        p.tool(
            tool,
            &format!("build -Zunstable-options --artifact-dir {out}"),
        )
        .env(NIGHTLY.0, NIGHTLY.1)
        .run();
    }
    assert_eq!(list("out-m"), vec!["foo".to_string()]);
    assert_eq!(list("out-m"), list("out-c"));
    // Fresh now: the copy still happens.
    p.mycargo("build -Zunstable-options --artifact-dir out-2")
        .env(NIGHTLY.0, NIGHTLY.1)
        .run();
    assert_eq!(list("out-2"), vec!["foo".to_string()]);
    p.change_file(".cargo/config.toml", "[build]\nartifact-dir = \"out-3\"\n");
    p.mycargo("build -Zunstable-options")
        .env(NIGHTLY.0, NIGHTLY.1)
        .run();
    assert_eq!(list("out-3"), vec!["foo".to_string()]);
    // Stable refuses the flag as cargo does.
    let m = p.mycargo("build --artifact-dir x").with_any_status().run();
    let c = p.cargo("build --artifact-dir x").with_any_status().run();
    mycargo_test_support::compare::assert_same_output(&m, &c);
}

/// `-Z cargo-lints`: the reports (snippets, notes, suggested edits) and the
/// failure on a denied lint are cargo's, byte for byte.
/// `check -Zcargo-lints` by both tools on the nightly channel: the same
/// output; mycargo's.
fn lint_check_like_cargo(p: &Project) -> Output {
    let run = |tool: Tool| {
        p.tool(tool, "check -Zcargo-lints")
            .env(NIGHTLY.0, NIGHTLY.1)
            .with_any_status()
            .run()
    };
    let m = run(Tool::Mycargo);
    mycargo_test_support::compare::assert_same_output(&m, &run(Tool::Cargo));
    m
}

#[test]
fn cargo_lints_like_cargo() {
    let p = mycargo_test_support::project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"m\"]\nresolver = \"2\"\n\n[workspace.dependencies]\nunused = \"1\"\n\n\
             [workspace.lints.cargo]\nimplicit_minimum_version_req = \"warn\"\nno-such-lint = \"warn\"\n",
        )
        .file(
            "m/Cargo.toml",
            "[package]\nname = \"m_pkg\"\nversion = \"0.1.0\"\nedition = \"2021\"\nreadme = \"README.md\"\n\
             homepage = \"https://e.org/x\"\nrepository = \"https://e.org/x\"\n\n\
             [lints.cargo]\nnon_kebab_case_packages = \"deny\"\nredundant_readme = \"warn\"\n",
        )
        .file("m/src/lib.rs", "")
        .file("m/README.md", "")
        .build();
    let m = lint_check_like_cargo(&p);
    assert!(
        m.stderr
            .contains("error: encountered 1 error while running lints"),
        "{}",
        m.stderr
    );
    assert!(
        m.stderr.contains("unknown lint: `no-such-lint`"),
        "{}",
        m.stderr
    );
    // Without the flag, nothing is linted.
    let plain = p.mycargo("check").with_any_status().run();
    assert!(!plain.stderr.contains("unknown lint"), "{}", plain.stderr);
}

/// Lints tables are checked as cargo checks them: `[lints.cargo]` without
/// `-Z cargo-lints` is warned about (worded for the channel), a tool path in
/// a lint name and `workspace = false` are refused.
#[test]
fn lints_tables_checked_like_cargo() {
    for (lints, nightly) in [
        ("[lints.cargo]\nim_a_teapot = \"warn\"\n", false),
        ("[lints.cargo]\nim_a_teapot = \"warn\"\n", true),
        ("[workspace.lints.rust]\n\"clippy::x\" = \"warn\"\n", false),
        ("[workspace.lints.super-linter]\nx = \"warn\"\n", false),
        ("[lints]\nworkspace = false\n", false),
    ] {
        let p = mycargo_test_support::project()
            .file(
                "Cargo.toml",
                format!(
                    "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{lints}"
                ),
            )
            .file("src/lib.rs", "")
            .build();
        let run = |tool: Tool| {
            let mut e = p.tool(tool, "check").with_any_status();
            if nightly {
                e = e.env(NIGHTLY.0, NIGHTLY.1);
            }
            e.run()
        };
        mycargo_test_support::compare::assert_same_output(&run(Tool::Mycargo), &run(Tool::Cargo));
    }
}

/// Feature names in the wrong case (explicit, and those optional
/// dependencies make) and an unstable lint named without its feature are
/// reported as cargo reports them.
#[test]
fn cargo_lints_on_features_and_gated_lints_like_cargo() {
    for extra in [
        "[features]\nfoo_bar = []\nok-one = []\n\n[dependencies]\nopt_dep = { path = \"opt_dep\", optional = true }\n\n\
         [lints.cargo]\nnon_kebab_case_features = \"warn\"\n",
        "[lints.cargo]\nim_a_teapot = \"warn\"\n",
    ] {
        let p = mycargo_test_support::project()
            .file(
                "Cargo.toml",
                format!(
                    "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{extra}"
                ),
            )
            .file("src/lib.rs", "")
            .file(
                "opt_dep/Cargo.toml",
                mycargo_test_support::basic_manifest("opt_dep", "0.1.0"),
            )
            .file("opt_dep/src/lib.rs", "")
            .build();
        p.cargo("generate-lockfile").with_any_status().run();
        let run = |tool: Tool| {
            p.tool(tool, "check -Zcargo-lints")
                .env(NIGHTLY.0, NIGHTLY.1)
                .with_any_status()
                .run()
        };
        mycargo_test_support::compare::assert_same_output(&run(Tool::Mycargo), &run(Tool::Cargo));
    }
}

/// `-Zlockfile-path` edge cases as cargo: a template in the path refused,
/// a broken symbolic link on the way reported as the folder it cannot
/// make, and `package` locking its copy beside itself (reading the moved
/// lock file) rather than at the configured path.
#[test]
fn lockfile_path_templates_links_and_package_like_cargo() {
    let (m, c) = lib_fixture()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\ndescription = \"d\"\n",
        )
        .build_twins();
    same(
        &m,
        &c,
        "-Zlockfile-path generate-lockfile --config resolver.lockfile-path='{var}/Cargo.lock'",
        &[NIGHTLY],
    );
    for p in [&m, &c] {
        std::fs::create_dir(p.root().join("somedir")).unwrap();
        std::os::unix::fs::symlink(p.root().join("nowhere"), p.root().join("somedir/link"))
            .unwrap();
    }
    let out = same(
        &m,
        &c,
        "-Zlockfile-path generate-lockfile --config resolver.lockfile-path='somedir/link/Cargo.lock'",
        &[NIGHTLY],
    );
    assert!(
        out.stderr.contains("failed to create directory"),
        "{}",
        out.stderr
    );
    for p in [&m, &c] {
        std::fs::remove_dir_all(p.root().join("somedir")).unwrap();
    }
    let args =
        "-Zlockfile-path package --allow-dirty --config resolver.lockfile-path='mylock/Cargo.lock'";
    let out = same(&m, &c, args, &[NIGHTLY]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
}

/// `open-namespaces` (nightly): `foo::bar` is a package name once the
/// feature is on (each part checked), refused without it, its ids and
/// specs read as cargo reads them, and never packaged.
#[test]
fn open_namespaces_like_cargo() {
    let manifest = "cargo-features = [\"open-namespaces\"]\n\n[package]\nname = \"foo::bar\"\nversion = \"0.0.1\"\nedition = \"2015\"\n";
    let (m, c) = project()
        .file("Cargo.toml", manifest)
        .file("src/lib.rs", "")
        .build_twins();
    for args in [
        "read-manifest",
        "generate-lockfile",
        "pkgid",
        "update foo::bar",
        "pkgid foo::bar@0.0.1",
    ] {
        let mo = env(m.mycargo(args), &[NIGHTLY]).run();
        let co = env(c.cargo(args), &[NIGHTLY]).run();
        assert_eq!(mo.stdout_redacted(), co.stdout_as_mycargo(), "{args}");
        assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo(), "{args}");
        assert_eq!(mo.code(), Some(0), "{args}: {}", mo.stderr);
    }
    let out = same(&m, &c, "package --no-verify", &[NIGHTLY]);
    assert!(out.stderr.contains("cannot publish with `open-namespaces`"));
    for p in [&m, &c] {
        std::fs::write(
            p.root().join("Cargo.toml"),
            manifest.replace("cargo-features = [\"open-namespaces\"]\n", ""),
        )
        .unwrap();
    }
    for p in [&m, &c] {
        let _ = std::fs::remove_file(p.root().join("Cargo.lock"));
    }
    let out = env(m.mycargo("read-manifest"), &[NIGHTLY]).run();
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr.contains("feature `open-namespaces` is required"),
        "{}",
        out.stderr
    );
}

/// A workspace where `a` and `b` ask for different features of `common`,
/// whose code fails when both, or neither, are on (`both_or_one`).
fn unification_fixture(fail_when_both: bool) -> ProjectBuilder {
    let check = if fail_when_both {
        "#[cfg(all(feature = \"a\", feature = \"b\"))]\ncompile_error!(\"features were unified\");\n"
    } else {
        "#[cfg(not(all(feature = \"a\", feature = \"b\")))]\ncompile_error!(\"features were not unified\");\n"
    };
    let member = |name: &str, feat: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ncommon = {{ path = \"../common\", features = [\"{feat}\"] }}\n"
        )
    };
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nresolver = \"2\"\nmembers = [\"common\", \"a\", \"b\"]\n",
        )
        .file(
            "common/Cargo.toml",
            "[package]\nname = \"common\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\na = []\nb = []\n",
        )
        .file("common/src/lib.rs", check)
        .file("a/Cargo.toml", member("a", "a"))
        .file("a/src/lib.rs", "")
        .file("b/Cargo.toml", member("b", "b"))
        .file("b/src/lib.rs", "")
}

/// `resolver.feature-unification`: ignored with cargo's warning without
/// `-Zfeature-unification`; with it, `workspace` unifies the features of
/// every member even for one package, and `package` builds each package
/// with its own features (a shared dependency twice), as cargo does.
#[test]
fn feature_unification_setting() {
    let (m, c) = unification_fixture(false).build_twins();
    let var = ("CARGO_RESOLVER_FEATURE_UNIFICATION", "workspace");
    let out = same(&m, &c, "check -p common", &[NIGHTLY, var]);
    assert!(
        out.stderr
            .contains("ignoring `resolver.feature-unification`")
    );
    assert_eq!(out.code(), Some(101), "common alone lacks `b`");
    for args in [
        "check -p common -Zfeature-unification",
        "check -p a -Zfeature-unification",
    ] {
        let out = same(&m, &c, args, &[NIGHTLY, var]);
        assert_eq!(out.code(), Some(0), "{}", out.stderr);
    }

    let (m, c) = unification_fixture(true).build_twins();
    let var = ("CARGO_RESOLVER_FEATURE_UNIFICATION", "package");
    let out = same(&m, &c, "check -p a -p b", &[NIGHTLY]);
    assert_eq!(out.code(), Some(101), "selected unifies a and b");
    // The two packages' jobs run side by side: their lines in any order.
    let args = "check -Zfeature-unification";
    let mo = env(m.mycargo(args), &[NIGHTLY, var]).run();
    let co = env(c.cargo(args), &[NIGHTLY, var]).run();
    let sorted = |s: String| {
        let mut l: Vec<String> = s.lines().map(str::to_string).collect();
        l.sort();
        l
    };
    assert_eq!(
        sorted(mo.stderr_as_mycargo()),
        sorted(co.stderr_as_mycargo())
    );
    assert_eq!(mo.code(), Some(0), "{}", mo.stderr);
    // Both variants of `common` were built: nothing is left to do.
    let again = same(
        &m,
        &c,
        "check -p a -p b -Zfeature-unification",
        &[NIGHTLY, var],
    );
    assert!(!again.stderr.contains("Checking"), "{}", again.stderr);
    let bad = ("CARGO_RESOLVER_FEATURE_UNIFICATION", "sideways");
    same(&m, &c, "check -Zfeature-unification", &[NIGHTLY, bad]);
}

/// A flag mycargo lacks in `[unstable]` is passed over with a warning;
/// the command still runs (as `install` ignores the table in cargo).
#[test]
fn unsupported_unstable_config_flags_are_passed_over_with_a_warning() {
    let p = lib_fixture()
        .file(".cargo/config.toml", "[unstable]\nbuild-std = [\"core\"]\n")
        .build();
    let out = env(p.mycargo("check"), &[NIGHTLY]).run();
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`unstable.build-std` in the configuration is not supported by mycargo yet")
    );
}

/// `build.warnings` with `-Zwarnings`, as cargo: `allow` hides warnings
/// (still kept, so a later `deny` shows them again and fails), `deny`
/// fails after the build when a lint warned; a bad value is refused.
#[test]
fn build_warnings_setting_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/main.rs", "fn main() { let x = 3; }\n")
        .build_twins();
    for value in ["allow", "deny", "warn", "forbid"] {
        let args = format!("check -Zwarnings --config build.warnings='{value}'");
        let out = same(&m, &c, &args, &[NIGHTLY]);
        match value {
            "allow" | "warn" => assert_eq!(out.code(), Some(0), "{value}"),
            _ => assert_eq!(out.code(), Some(101), "{value}"),
        }
        if value == "deny" {
            assert!(
                out.stderr
                    .contains("warnings are denied by `build.warnings` configuration"),
                "{}",
                out.stderr
            );
        }
    }
}

/// `-Z` flags cargo has stabilized: a warning that they are no longer
/// needed, or cargo's error where another switch replaced them.
#[test]
fn stabilized_z_flags_like_cargo() {
    let (m, c) = lib_fixture().build_twins();
    for args in [
        "check -Z cache-messages",
        "check -Z offline",
        "check -Z config-include",
    ] {
        same(&m, &c, args, &[NIGHTLY]);
    }
}

/// `-Zlockfile-path`: `clean -p` keeps the lock file where it is
/// configured (it resolves, as cargo's does).
#[test]
fn clean_writes_the_configured_lock_file_like_cargo() {
    let (m, c) = lib_fixture().build_twins();
    let args = "clean -Zlockfile-path --config resolver.lockfile-path='locks/Cargo.lock' -p foo";
    same(&m, &c, args, &[NIGHTLY]);
    assert!(m.root().join("locks/Cargo.lock").is_file());
    assert!(!m.root().join("Cargo.lock").exists());
}

/// `-Zroot-dir`: rustc runs there and sees paths relative to it (what
/// `file!()` and diagnostics show), as cargo does.
#[test]
fn root_dir_sets_what_paths_are_relative_to_like_cargo() {
    let (m, c) = project()
        .no_manifest()
        .file(
            "ws_root/Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file(
            "ws_root/src/main.rs",
            "fn main() { println!(\"{}\", file!()); }\n",
        )
        .build_twins();
    let out = same(
        &m,
        &c,
        "run -q -Zroot-dir=. --manifest-path=ws_root/Cargo.toml",
        &[NIGHTLY],
    );
    assert_eq!(out.stdout, "ws_root/src/main.rs\n", "{}", out.stderr);
}

/// `non_kebab_case_bins`: binaries named by `[[bin]]`, by the package
/// (`src/main.rs`) and by their file, each with cargo's suggested change.
#[test]
fn non_kebab_case_bins_like_cargo() {
    let p = mycargo_test_support::project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo_pkg\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [[bin]]\nname = \"two_words\"\npath = \"src/two.rs\"\n\n\
             [lints.cargo]\nnon_kebab_case_bins = \"warn\"\n",
        )
        .file("src/main.rs", "fn main() {}\n")
        .file("src/two.rs", "fn main() {}\n")
        .file("src/bin/by_file.rs", "fn main() {}\n")
        .build();
    let m = lint_check_like_cargo(&p);
    for help in [
        "convert `bin.name`",
        "convert `package.name`",
        "specify `bin.name`",
        "convert the file stem",
    ] {
        assert!(m.stderr.contains(help), "{help}\n{}", m.stderr);
    }
}

/// `unused_workspace_package_fields` and an inherited `redundant_homepage`,
/// as cargo reports them.
#[test]
fn workspace_package_lints_like_cargo() {
    let p = mycargo_test_support::project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"bar\"]\n\n[workspace.package]\n\
             documentation = \"https://e.org/d\"\nhomepage = \"https://e.org/d\"\nrust-version = \"1.0\"\n\n\
             [workspace.lints.cargo]\nunused_workspace_package_fields = \"warn\"\nredundant_homepage = \"warn\"\n\n\
             [package]\nname = \"foo\"\nversion = \"0.0.1\"\nedition = \"2015\"\n\
             documentation.workspace = true\nhomepage.workspace = true\n\n[lints]\nworkspace = true\n",
        )
        .file("src/main.rs", "fn main() {}")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.0.1\"\nedition = \"2015\"\n\n[lints]\nworkspace = true\n",
        )
        .file("bar/src/main.rs", "fn main() {}")
        .build();
    let m = lint_check_like_cargo(&p);
    assert!(
        m.stderr.contains("unused field in `workspace.package`"),
        "{}",
        m.stderr
    );
    assert!(
        m.stderr
            .contains("`package.homepage` is redundant with another manifest field"),
        "{}",
        m.stderr
    );
}
