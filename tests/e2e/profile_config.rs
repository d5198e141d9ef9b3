//! Profile settings from every source cargo reads, with cargo's
//! precedence: the manifest, `[profile]` in `.cargo/config.toml`,
//! `CARGO_PROFILE_<NAME>_<KEY>`, `--config`; `CARGO_INCREMENTAL` and
//! `build.incremental`. Compared with the installed cargo through the
//! codegen flags each `rustc` gets (`-v`).

use std::collections::BTreeMap;

use mycargo_test_support::{Execs, Output, Project, ProjectBuilder, project};

/// `foo` (a bin with a build script) depending on the path package `dep`.
fn fixture(profile_toml: &str) -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            format!(
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\ndep = {{ path = \"dep\" }}\n\n{profile_toml}"
            ),
        )
        .file("src/main.rs", "fn main() { dep::f(); }\n")
        .file("build.rs", "fn main() {}\n")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("dep/src/lib.rs", "pub fn f() {}\n")
}

/// Each rustc run's codegen settings, by crate name (and `build_script`
/// for the build script): `-C` options other than paths and hashes, with
/// `incremental` reduced to on/off.
fn codegen(out: &Output) -> BTreeMap<String, Vec<String>> {
    let mut map = BTreeMap::new();
    for line in out.stderr.lines().filter(|l| l.contains("Running `")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(i) = words.iter().position(|w| *w == "--crate-name") else {
            continue;
        };
        let name = words.get(i + 1).copied().unwrap_or("").to_string();
        let mut flags = Vec::new();
        for pair in words.windows(2).filter(|w| w[0] == "-C") {
            let opt = pair[1].trim_end_matches('`');
            let key = opt.split('=').next().unwrap_or(opt);
            match key {
                "metadata" | "extra-filename" => {}
                "incremental" => flags.push("incremental".to_string()),
                _ => flags.push(opt.to_string()),
            }
        }
        flags.sort();
        map.insert(name, flags);
    }
    map
}

fn with_env(mut e: Execs, env: &[(&str, &str)]) -> Execs {
    for (k, v) in env {
        e = e.env(k, v);
    }
    e
}

/// `args` with `env` on twin projects made by `make`: the same codegen
/// flags for every unit, and both succeed.
fn same_flags(p: ProjectBuilder, config: Option<&str>, args: &str, env: &[(&str, &str)]) {
    let mut p = p;
    if let Some(c) = config {
        p = p.file(".cargo/config.toml", c);
    }
    let (m, c): (Project, Project) = p.build_twins();
    let mo = with_env(m.mycargo(args), env).run();
    let co = with_env(c.cargo(args), env).run();
    let (mf, cf) = (codegen(&mo), codegen(&co));
    assert!(mf.contains_key("build_script_build"), "{}", mo.stderr);
    assert_eq!(
        mf, cf,
        "`{args}` {env:?}\n--- mycargo:\n{}\n--- cargo:\n{}",
        mo.stderr, co.stderr
    );
}

#[test]
fn incremental_from_the_environment_and_config() {
    same_flags(fixture(""), None, "build -v", &[("CARGO_INCREMENTAL", "0")]);
    same_flags(
        fixture("[profile.release]\nincremental = true\n"),
        None,
        "build -v --release",
        &[("CARGO_INCREMENTAL", "1")],
    );
    same_flags(
        fixture(""),
        Some("[build]\nincremental = false\n"),
        "build -v",
        &[],
    );
}

#[test]
fn profile_keys_from_environment_variables() {
    same_flags(
        fixture(""),
        None,
        "build -v",
        &[
            ("CARGO_PROFILE_DEV_OPT_LEVEL", "2"),
            ("CARGO_PROFILE_DEV_DEBUG", "line-tables-only"),
            ("CARGO_PROFILE_DEV_BUILD_OVERRIDE_OPT_LEVEL", "1"),
            ("CARGO_PROFILE_DEV_OVERFLOW_CHECKS", "false"),
        ],
    );
    same_flags(
        fixture(""),
        None,
        "build -v --release",
        &[
            ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "3"),
            ("CARGO_PROFILE_RELEASE_LTO", "thin"),
        ],
    );
}

#[test]
fn profile_tables_in_config_files_and_cli() {
    same_flags(
        fixture(""),
        Some(
            "[profile.dev]\ncodegen-units = 4\n\n[profile.dev.build-override]\nopt-level = 1\n\n\
             [profile.dev.package.dep]\nopt-level = 3\n",
        ),
        "build -v",
        &[],
    );
    same_flags(
        fixture(""),
        None,
        "build -v --config profile.dev.opt-level=1",
        &[],
    );
    // A profile defined only in configuration.
    same_flags(
        fixture(""),
        Some("[profile.fast]\ninherits = \"release\"\ncodegen-units = 2\n"),
        "build -v --profile fast",
        &[],
    );
}

#[test]
fn manifest_then_files_then_environment_then_cli() {
    same_flags(
        fixture("[profile.dev]\nopt-level = 1\ndebug = 1\ncodegen-units = 7\nrpath = true\n"),
        Some("[profile.dev]\nopt-level = 2\ndebug = 2\ncodegen-units = 5\n"),
        "build -v --config profile.dev.opt-level=3",
        &[
            ("CARGO_PROFILE_DEV_DEBUG", "0"),
            ("CARGO_PROFILE_DEV_OPT_LEVEL", "s"),
        ],
    );
}

/// Bad values: the same error (where the value was defined, the key, the
/// reason) and exit code as cargo; unknown keys warned about.
#[test]
fn bad_profile_config_is_reported_like_cargo() {
    type Case<'a> = (Option<&'a str>, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case<'_>] = &[
        (None, &[("CARGO_PROFILE_DEV_OPT_LEVEL", "foo")], "build"),
        (Some("[profile.dev]\nopt-level = true\n"), &[], "build"),
        (Some("[profile.dev]\npanic = \"crash\"\n"), &[], "build"),
        (Some("[profile.dev]\nopt-levl = 1\n"), &[], "build"),
        (None, &[("CARGO_BUILD_INCREMENTAL", "maybe")], "build"),
        (Some("[build]\nincremental = 1\n"), &[], "build"),
        (None, &[], "build --config profile.dev.debug=\"sometimes\""),
    ];
    for (config, env, args) in cases {
        let mut p = fixture("");
        if let Some(c) = config {
            p = p.file(".cargo/config.toml", c);
        }
        let (m, c) = p.build_twins();
        let mo = with_env(m.mycargo(args), env).with_any_status().run();
        let co = with_env(c.cargo(args), env).with_any_status().run();
        assert_eq!(
            mo.code(),
            co.code(),
            "{config:?} {env:?}\n{}",
            mo.describe()
        );
        let first = |o: &Output| -> Vec<String> {
            o.stderr_as_mycargo()
                .lines()
                .filter(|l| {
                    !l.trim_start().starts_with("Compiling")
                        && !l.trim_start().starts_with("Finished")
                })
                .map(str::to_string)
                .collect()
        };
        assert_eq!(first(&mo), first(&co), "{config:?} {env:?}");
    }
}

/// Link-time optimisation is decided over the whole graph: rlibs feeding
/// an LTO'd binary give bitcode only, host code opts out, `true` and
/// `"fat"` are spelled as cargo spells them.
#[test]
fn lto_settings_over_the_unit_graph() {
    for lto in ["true", "\"fat\"", "\"thin\"", "\"off\"", "false"] {
        same_flags(
            fixture(&format!("[profile.release]\nlto = {lto}\n")),
            None,
            "build -v --release",
            &[],
        );
    }
}

/// Unused keys deep in a configured profile are named by their plain
/// dotted path, as cargo names them.
#[test]
fn unused_profile_config_keys_like_cargo() {
    let p = mycargo_test_support::project()
        .file("src/lib.rs", "")
        .file(
            ".cargo/config.toml",
            "[profile.dev]\nbad-key = true\n\n[profile.dev.build-override]\nbad-key-bo = true\n\n\
             [profile.dev.package.bar]\nbad-key-bar = true\n",
        )
        .build();
    let m = p.mycargo("check").run();
    let c = p.cargo("check").run();
    // (cargo lists them in its own field order, which varies.)
    let sorted = |s: String| {
        let mut v: Vec<String> = s.lines().map(str::to_string).collect();
        v.sort();
        v
    };
    assert_eq!(sorted(m.stderr_as_mycargo()), sorted(c.stderr_as_mycargo()));
    assert!(
        m.stderr
            .contains("unused config key `profile.dev.build-override.bad-key-bo`"),
        "{}",
        m.stderr
    );
}

/// `strip = false` passes nothing (rustc's default); a profile's
/// `rustflags` from the environment is split into words; `-Z
/// profile-rustflags`, from `[unstable]` in configuration, allows
/// `rustflags` in a configuration profile. All as cargo does.
#[test]
fn strip_false_and_profile_rustflags_from_env_and_unstable_config() {
    same_flags(
        fixture("[profile.release]\nstrip = false\n"),
        None,
        "build -v --release",
        &[],
    );
    let nightly = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");
    let opted_in = fixture("").file(
        "Cargo.toml",
        "cargo-features = [\"profile-rustflags\"]\n\n[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = { path = \"dep\" }\n",
    );
    same_flags(
        opted_in,
        None,
        "build -v",
        &[
            nightly,
            ("CARGO_PROFILE_DEV_RUSTFLAGS", "-C link-dead-code=yes"),
        ],
    );
    same_flags(
        fixture(""),
        Some(
            "[unstable]\nprofile-rustflags = true\n\n[profile.dev]\nrustflags = [\"-C\", \"link-dead-code=yes\"]\n",
        ),
        "build -v",
        &[nightly],
    );
}

/// LTO as cargo: a `dylib` + `rlib` lib under `lto = true` keeps object
/// code and bitcode, its dependents get both files as `--extern` (rustc
/// picks), and a doc test links with the LTO asked for.
#[test]
fn lto_with_a_dylib_and_rlib_lib_and_doc_tests() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\ncrate-type = [\"dylib\", \"rlib\"]\n\n[profile.release]\nlto = true\n",
        )
        .file("src/lib.rs", "/// ```\n/// foo::f();\n/// ```\npub fn f() {}\n")
        .file("src/bin/ferret.rs", "fn main() { foo::f(); }\n")
        .build_twins();
    // `-C` options and `--extern`s of every rustc and rustdoc run.
    let runs = |out: &Output| -> Vec<String> {
        let mut v: Vec<String> = out
            .stderr
            .lines()
            .filter(|l| l.contains("--crate-name"))
            .map(|l| {
                let words: Vec<&str> = l
                    .split_whitespace()
                    .map(|w| w.trim_end_matches('`'))
                    .collect();
                let tool = words[1]
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .trim_start_matches('`');
                let mut keep = vec![tool.to_string()];
                for w in words.windows(2) {
                    if w[0] == "--crate-name" {
                        keep.push(w[1].to_string());
                    } else if w[0] == "--extern" {
                        let file = w[1].rsplit('/').next().unwrap_or("");
                        keep.push(format!(
                            "--extern {}",
                            file.split('-').next().unwrap_or(file)
                        ));
                    } else if w[0] == "-C" && (w[1].starts_with("lto") || w[1].starts_with("embed"))
                    {
                        keep.push(format!("-C {}", w[1]));
                    }
                }
                keep.join(" ")
            })
            .collect();
        v.sort();
        v
    };
    for args in ["build --release -v", "test --release --doc -v"] {
        let mo = m.mycargo(args).run();
        let co = c.cargo(args).run();
        assert_eq!(runs(&mo), runs(&co), "`{args}`\n{}", mo.stderr);
    }
    let mo = m.mycargo("test --release --doc -v").run();
    assert!(mo.stderr.contains("-C lto"), "{}", mo.stderr);
}
