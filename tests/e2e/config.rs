//! Configuration through the binary: discovery over three directory levels,
//! `$CARGO_HOME`, `CARGO_*` variables and `--config`, compared with cargo.
//! Aliases that run a `cargo-hello` plugin make the merged values visible.

use std::path::{Path, PathBuf};

use mycargo_test_support::{Output, Project, Tool, project};

use crate::plugins::{install_hello, path_with};

fn lines(out: &Output) -> Vec<String> {
    out.stdout.lines().map(str::to_string).collect()
}

/// Run both tools with the same arguments in `dir`; return their outputs
/// after checking they exit alike.
fn both(
    p: &Project,
    bin: &Path,
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Output, Output) {
    let run = |tool: Tool| {
        let mut e = p
            .tool(tool, "")
            .cwd(dir)
            .args(args)
            .env("PATH", path_with(bin))
            .with_any_status();
        for (k, v) in env {
            e = e.env(k, v);
        }
        e.run()
    };
    let m = run(Tool::Mycargo);
    let c = run(Tool::Cargo);
    assert_eq!(
        m.code(),
        c.code(),
        "exit codes differ\n{}\n{}",
        m.describe(),
        c.describe()
    );
    (m, c)
}

/// The plugin's argv after its path, without the CARGO line.
fn plugin_args(out: &Output) -> Vec<String> {
    let l = lines(out);
    if l.len() < 2 {
        return l;
    }
    l[1..l.len() - 1].to_vec()
}

/// `[ROOT]/foo` with config at three levels and in CARGO_HOME (the same
/// home for both tools).
fn three_levels() -> (Project, PathBuf, PathBuf) {
    let p = project()
        .file("src/lib.rs", "")
        .file(
            ".cargo/config.toml",
            "[alias]\nwho = \"hello top\"\nlist = [\"top\"]\nonlytop = \"hello t\"\n",
        )
        .file(
            "a/.cargo/config.toml",
            "[alias]\nwho = \"hello mid\"\nlist = [\"mid\"]\n",
        )
        .file(
            "a/b/.cargo/config.toml",
            "[alias]\nwho = \"hello deep\"\nlist = [\"deep\"]\n",
        )
        .build();
    let home = p.test_root().cargo_home(Tool::Mycargo);
    std::fs::write(
        home.join("config.toml"),
        "[alias]\nwho = \"hello home\"\nlist = [\"hello\", \"home\"]\nonlyhome = \"hello h\"\n",
    )
    .unwrap();
    if p.test_root().has_separate_homes() {
        let ch = p.test_root().cargo_home(Tool::Cargo);
        std::fs::copy(home.join("config.toml"), ch.join("config.toml")).unwrap();
    }
    let bin = p.test_root().join("plugins");
    install_hello(&bin);
    let deep = p.root().join("a/b");
    (p, bin, deep)
}

#[test]
fn deepest_directory_wins_for_scalars() {
    let (p, bin, deep) = three_levels();
    let (m, c) = both(&p, &bin, &deep, &["who"], &[]);
    assert_eq!(plugin_args(&m), ["hello", "deep"]);
    assert_eq!(plugin_args(&m), plugin_args(&c));
    let (m, c) = both(&p, &bin, &p.root().join("a"), &["who"], &[]);
    assert_eq!(plugin_args(&m), ["hello", "mid"]);
    assert_eq!(plugin_args(&m), plugin_args(&c));
    let (m, _) = both(&p, &bin, &deep, &["onlytop"], &[]);
    assert_eq!(plugin_args(&m), ["hello", "t"]);
    let (m, _) = both(&p, &bin, &deep, &["onlyhome"], &[]);
    assert_eq!(plugin_args(&m), ["hello", "h"]);
}

#[test]
fn arrays_concatenate_from_home_to_deepest() {
    let (p, bin, deep) = three_levels();
    let (m, c) = both(&p, &bin, &deep, &["list", "x"], &[]);
    assert_eq!(
        plugin_args(&m),
        ["hello", "home", "top", "mid", "deep", "x"]
    );
    assert_eq!(plugin_args(&m), plugin_args(&c));
}

#[test]
fn environment_beats_files() {
    let (p, bin, deep) = three_levels();
    let env = [("CARGO_ALIAS_WHO", "hello env")];
    let (m, c) = both(&p, &bin, &deep, &["who"], &env);
    assert_eq!(plugin_args(&m), ["hello", "env"]);
    assert_eq!(plugin_args(&m), plugin_args(&c));
}

/// `--config` beats the environment, and later arguments win. cargo reads
/// `--config` only after expanding aliases (rust-lang/cargo#10853), so an
/// alias given there is not found; mycargo settles configuration first and
/// finds it (docs/differences.md).
#[test]
fn cli_config_beats_environment_and_later_wins() {
    let (p, bin, deep) = three_levels();
    let env = [("CARGO_ALIAS_WHO", "hello env")];
    let run = |args: &[&str]| {
        let mut e = p
            .mycargo("")
            .cwd(&deep)
            .args(args)
            .env("PATH", path_with(&bin));
        for (k, v) in env {
            e = e.env(k, v);
        }
        plugin_args(&e.run())
    };
    assert_eq!(
        run(&["--config", "alias.who = 'hello cli'", "who"]),
        ["hello", "cli"]
    );
    assert_eq!(
        run(&[
            "--config",
            "alias.who='hello one'",
            "--config",
            "alias.who='hello two'",
            "who"
        ]),
        ["hello", "two"]
    );
    p.change_file("extra.toml", "[alias]\nwho = \"hello extra\"\n");
    let file = p.root().join("extra.toml");
    assert_eq!(
        run(&["--config", file.to_str().unwrap(), "who"]),
        ["hello", "extra"]
    );
    // An alias only in a --config file: cargo fails, mycargo runs it.
    p.change_file("only.toml", "[alias]\nnew-alias = \"hello only\"\n");
    let only = p.root().join("only.toml");
    assert_eq!(
        run(&["--config", only.to_str().unwrap(), "new-alias"]),
        ["hello", "only"]
    );
    p.tool(Tool::Cargo, "")
        .cwd(&deep)
        .args(["--config", only.to_str().unwrap(), "new-alias"])
        .with_status(101)
        .run();
}

#[test]
fn include_loads_before_the_including_file() {
    let (p, bin, deep) = three_levels();
    p.change_file(
        "a/b/.cargo/config.toml",
        "include = [\"more.toml\"]\n[alias]\nwho = \"hello deep\"\n",
    );
    p.change_file(
        "a/b/.cargo/more.toml",
        "[alias]\nwho = \"hello included\"\ninc = \"hello from-include\"\n",
    );
    let (m, c) = both(&p, &bin, &deep, &["who"], &[]);
    assert_eq!(plugin_args(&m), ["hello", "deep"]);
    assert_eq!(plugin_args(&m), plugin_args(&c));
    let (m, c) = both(&p, &bin, &deep, &["inc"], &[]);
    assert_eq!(plugin_args(&m), ["hello", "from-include"]);
    assert_eq!(plugin_args(&m), plugin_args(&c));
}

#[test]
fn extensionless_config_wins_with_warning() {
    let (p, bin, deep) = three_levels();
    p.change_file("a/b/.cargo/config", "[alias]\nwho = \"hello legacy\"\n");
    let (m, c) = both(&p, &bin, &deep, &["who"], &[]);
    assert_eq!(plugin_args(&m), ["hello", "legacy"]);
    assert_eq!(plugin_args(&m), plugin_args(&c));
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
    assert!(
        m.stderr_redacted().contains("warning: both `"),
        "{}",
        m.describe()
    );
}

#[test]
fn syntax_error_in_config_names_file_line_and_column() {
    let p = project()
        .file("src/lib.rs", "")
        .file(".cargo/config.toml", "[alias]\nx = \n")
        .build();
    // An unknown command makes both tools read the configuration.
    let m = p.mycargo("nosuch").with_status(101).run();
    let c = p.cargo("nosuch").with_status(101).run();
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
    assert!(
        m.stderr_redacted().contains("config.toml"),
        "{}",
        m.describe()
    );
}

#[test]
fn wrong_type_in_config_names_file_and_key() {
    let p = project()
        .file("src/lib.rs", "")
        .file(".cargo/config.toml", "[alias]\nx = 5\ny = [1]\n")
        .build();
    for alias in ["x", "y"] {
        let m = p.mycargo(alias).with_status(101).run();
        let c = p.cargo(alias).with_status(101).run();
        assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
        assert!(
            m.stderr_redacted().contains(&format!("alias.{alias}")),
            "{}",
            m.describe()
        );
    }
}

#[test]
fn bad_cli_config_argument() {
    let p = project().file("src/lib.rs", "").build();
    for arg in ["not-a-key-value", "a.b=", "a=1=2"] {
        let m = p
            .tool(Tool::Mycargo, "")
            .args(["--config", arg, "version"])
            .with_status(101)
            .run();
        let c = p
            .tool(Tool::Cargo, "")
            .args(["--config", arg, "version"])
            .with_status(101)
            .run();
        assert_eq!(
            m.stderr_as_mycargo(),
            c.stderr_as_mycargo(),
            "--config {arg}"
        );
    }
}

#[test]
fn a_very_long_line_in_a_config_file_is_quoted_in_part() {
    let p = mycargo_test_support::project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n",
        )
        .file("src/lib.rs", "")
        .file(
            ".cargo/config.toml",
            format!("[build]\nx = \"{}\" x\n", "a".repeat(100_000)),
        )
        .build();
    let out = p.mycargo("build").with_status(101).run();
    // cargo's own wording and location; only the snippet is cut.
    let head = &out.stderr[..out.stderr.len().min(2000)];
    assert!(
        out.stderr.contains("could not parse TOML configuration in"),
        "{head}"
    );
    assert!(
        out.stderr
            .contains("TOML parse error at line 2, column 100008"),
        "{head}"
    );
    assert!(out.stderr.contains("2 | ...aaa"), "{head}");
    assert!(out.stderr.len() < 1000, "{}", out.stderr.len());
}

/// `args` run by both tools in a fresh one-crate project with `config` as
/// its `.cargo/config.toml` and `env` set: exit code and stderr (without
/// the lines that name build steps) must be cargo's.
fn same_as_cargo(config: &str, env: &[(&str, &str)], args: &str) {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "pub fn f() {}\n")
        .file(".cargo/config.toml", config)
        .build();
    let run = |tool| {
        let mut e = p.tool(tool, args).with_any_status();
        for (k, v) in env {
            e = e.env(k, v);
        }
        let out = e.run();
        let kept: Vec<String> = out
            .stderr_as_mycargo()
            .lines()
            .filter(|l| !l.contains("Compiling") && !l.contains("Finished"))
            .map(str::to_string)
            .collect();
        (out.code(), kept)
    };
    assert_eq!(
        run(Tool::Mycargo),
        run(Tool::Cargo),
        "`{args}` with {config:?} {env:?}"
    );
}

#[test]
fn wrongly_typed_config_values_are_refused_as_cargo_refuses_them() {
    let target = "[target.x86_64-unknown-linux-gnu]";
    let cases = [
        "[build]\nincremental = \"yes\"\n".to_string(),
        "[http]\ntimeout = \"30\"\n".to_string(),
        "[http]\ntimeout = -1\n".to_string(),
        "[http]\ncheck-revoke = \"yes\"\n".to_string(),
        "[http]\ncheck-revoke = 1\n".to_string(),
        "[http]\nlow-speed-limit = -1\n".to_string(),
        "[http]\nproxy = 1\n".to_string(),
        "http = 1\n".to_string(),
        "[build]\nrustflags = [1]\n".to_string(),
        "[build]\nrustflags = true\n".to_string(),
        "[resolver]\nincompatible-rust-versions = \"bogus\"\n".to_string(),
        "[resolver]\nincompatible-rust-versions = 1\n".to_string(),
        "[source.foo]\n".to_string(),
        "[source.foo]\nreplace-with = \"crates-io\"\n".to_string(),
        format!("{target}\nrunner = []\n"),
        format!("{target}\nrunner = \"\"\n"),
        format!("{target}\nrunner = [1]\n"),
        format!("{target}\nrustflags = [1]\n"),
        "[target.'cfg(windows)']\nrunner = []\n".to_string(),
        "[term]\nverbose = \"yes\"\n".to_string(),
        "[term]\nunicode = \"x\"\n".to_string(),
        "[term]\nhyperlinks = \"x\"\n".to_string(),
        "[term]\nprogress.when = \"always\"\n".to_string(),
        "[term]\nprogress.when = \"bogus\"\n".to_string(),
        "[term]\nprogress.width = -1\n".to_string(),
        "[term]\nprogress.term-integration = 1\n".to_string(),
        "[term]\nprogress = \"x\"\n".to_string(),
        "term = 1\n".to_string(),
    ];
    for config in &cases {
        same_as_cargo(config, &[], "build");
    }
    for (var, value) in [
        ("CARGO_HTTP_TIMEOUT", "x"),
        ("CARGO_HTTP_CHECK_REVOKE", "x"),
        ("CARGO_TERM_UNICODE", "x"),
        ("CARGO_TERM_PROGRESS_WHEN", "always"),
        ("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "x"),
    ] {
        same_as_cargo("", &[(var, value)], "build");
    }
}

#[test]
fn term_values_are_accepted_where_cargo_accepts_them() {
    let good = "[term]\nverbose = false\nquiet = false\ncolor = \"never\"\nunicode = true\nhyperlinks = false\nprogress.when = \"always\"\nprogress.width = 80\nprogress.term-integration = false\n";
    same_as_cargo(good, &[], "build");
    // A `[term]` table cargo cannot read is ignored outside builds.
    for bad in [
        "[term]\nverbose = \"x\"\n",
        "[term]\nprogress.when = \"always\"\n",
        "[term]\nunicode = 1\n",
    ] {
        for args in ["locate-project", "generate-lockfile", "pkgid foo"] {
            same_as_cargo(bad, &[], args);
        }
    }
}

/// `config get` (nightly `-Z unstable-options`) prints what cargo prints:
/// merged TOML with and without origins, JSON, file by file with the
/// includes and `--config`, one key with its environment variable, and the
/// errors (unset key, JSON with origins, stable channel).
#[test]
fn config_get_like_cargo() {
    let p = project()
        .file("src/lib.rs", "")
        .file(
            ".cargo/config.toml",
            "include = [\"other.toml\"]\n[alias]\nsub = [\"build\", \"-v\"]\n[build]\nrustflags = [\"--dir\"]\n\
             [target.'cfg(target_os = \"linux\")']\nrunner = \"runme\"\n",
        )
        .file(".cargo/other.toml", "[build]\nrustflags = [\"--other\"]\njobs = 3\n[[tables]]\nx = 1\n")
        .build();
    let nightly = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");
    for args in [
        "config get -Zunstable-options",
        "config get -Zunstable-options --show-origin",
        "config get -Zunstable-options --format json",
        "config get -Zunstable-options --format json-value build",
        "config get -Zunstable-options --merged=no",
        "config get -Zunstable-options --merged=no build.rustflags --config build.rustflags=[\"cli\"]",
        "config get -Zunstable-options build.jobs",
        "config get -Zunstable-options --show-origin build.rustflags",
        "config get -Zunstable-options build.rustc",
        "config get -Zunstable-options --show-origin --format json",
        "config get",
    ] {
        let run = |tool: Tool| {
            p.tool(tool, args)
                .env(nightly.0, nightly.1)
                .env("CARGO_BUILD_JOBS", "7")
                .env("CARGO_BUILD_RUSTFLAGS", "env1 env2")
                .with_any_status()
                .run()
        };
        mycargo_test_support::compare::assert_same_output(&run(Tool::Mycargo), &run(Tool::Cargo));
    }
    let m = p.mycargo("config get").with_any_status().run();
    assert!(
        m.stderr.contains("only available on the nightly channel"),
        "{}",
        m.stderr
    );
}

/// `registries.crates-io.protocol` other than `sparse` or `git` is refused
/// before anything is fetched, naming where it was set, as in cargo.
#[test]
fn unknown_crates_io_protocol_is_refused_like_cargo() {
    let (m, c) = mycargo_test_support::project()
        .file("src/main.rs", "fn main() {}")
        .build_twins();
    let var = ("CARGO_REGISTRIES_CRATES_IO_PROTOCOL", "invalid");
    let mo = m
        .mycargo("install bar")
        .env(var.0, var.1)
        .with_status(101)
        .run();
    let co = c
        .cargo("install bar")
        .env(var.0, var.1)
        .with_status(101)
        .run();
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
    assert!(
        mo.stderr
            .contains("unsupported registry protocol `invalid`")
    );
}
