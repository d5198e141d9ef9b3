//! The front door: unknown commands and flags, `-Z`, versions, `--list`,
//! `help`, `--explain`, aliases, and commands not built yet.

use mycargo_test_support::{Tool, project, str};

#[test]
fn unknown_command_suggests_like_cargo() {
    let p = project().file("src/lib.rs", "").build();
    for cmd in ["buidl", "xyzzyq", "chekc"] {
        let m = p.mycargo(cmd).with_status(101).run();
        let c = p.cargo(cmd).with_status(101).run();
        assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo(), "`{cmd}`");
    }
    p.mycargo("buidl")
        .with_status(101)
        .with_stderr_data(str![[r#"
error: no such command: `buidl`

help: a command with a similar name exists: `build`

help: view all installed commands with `mycargo --list`
help: find a package to install `buidl` with `mycargo search cargo-buidl`

"#]])
        .run();
}

#[test]
fn unknown_flag_is_rejected_with_exit_1() {
    let p = project().file("src/lib.rs", "").build();
    let m = p.mycargo("locate-project --foo").with_status(1).run();
    let c = p.cargo("locate-project --foo").with_status(1).run();
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
}

#[test]
fn unstable_flags_rejected_as_on_stable() {
    let p = project().file("src/lib.rs", "").build();
    let m = p
        .mycargo("-Z unstable-options version")
        .with_status(101)
        .run();
    let c = p
        .cargo("-Z unstable-options version")
        .with_status(101)
        .run();
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
}

/// Tools parse `cargo --version` and `cargo -vV` (rust-analyzer,
/// cargo-hack): the same shape as cargo's, with cargo's release in the
/// places they read it, and mycargo's own version beside it.
#[test]
fn version_short_and_verbose() {
    let p = project().build();
    let short = p.mycargo("--version").run();
    let cargo_short = p.cargo("--version").run().stdout;
    let line = short.stdout.clone();
    let words =
        |s: &str| -> Vec<String> { s.split_whitespace().take(2).map(str::to_string).collect() };
    assert_eq!(words(&line), words(&cargo_short), "{line} vs {cargo_short}");
    assert!(line.starts_with("cargo 1.95.0 (mycargo 0.1.0"), "{line}");
    assert!(line.trim_end().ends_with(')'), "{line}");
    assert_eq!(p.mycargo("-V").run().stdout, short.stdout);
    assert_eq!(p.mycargo("version").run().stdout, short.stdout);
    let cargo_v = p.cargo("-vV").run().stdout;
    let release = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("release: "))
            .map(str::to_string)
    };
    for cmd in ["-vV", "version -v"] {
        let v = p.mycargo(cmd).run();
        let text = v.stdout.clone();
        assert!(text.starts_with(&line), "{cmd}: {text}");
        assert_eq!(release(&text), release(&cargo_v), "{cmd}: {text}");
        assert!(text.contains("\nmycargo: 0.1.0\n"), "{cmd}: {text}");
        assert!(text.contains("\nhost: "), "{cmd}: {text}");
        // Every line is `key: value`, as tools split them.
        assert!(
            text.lines().skip(1).all(|l| l.contains(": ")),
            "{cmd}: {text}"
        );
    }
}

#[test]
fn verbose_and_quiet_conflict() {
    let p = project().build();
    p.mycargo("-v -q version")
        .with_status(101)
        .with_stderr_data(str![[r#"
error: cannot set both --verbose and --quiet

"#]])
        .run();
}

#[test]
fn list_has_builtins_and_aliases() {
    let p = project()
        .file(".cargo/config.toml", "[alias]\nrel = \"build --release\"\n")
        .build();
    let out = p.mycargo("--list").run();
    let text = out.stdout.clone();
    assert!(text.starts_with("Installed Commands:\n"));
    for line in [
        "    build                Compile a local package and all of its dependencies\n",
        "    rel                  alias: build --release\n",
        "    rm                   alias: remove\n",
        "    new                  Create a new cargo package at <path>\n",
        "    yank                 Remove a pushed crate from the index\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // Every built-in line of cargo's own list is in ours.
    let c = p.cargo("--list").run();
    let ours: std::collections::BTreeSet<&str> = text.lines().collect();
    for line in c.stdout.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        let is_builtin_line = line.len() > 25
            && !line.contains("alias:")
            && !["clippy", "fmt", "config", "git-checkout", "help", "miri"].contains(&name);
        if is_builtin_line && line.starts_with("    ") {
            assert!(ours.contains(line), "cargo lists {line:?}; we don't");
        }
    }
}

#[test]
fn explain_runs_rustc() {
    let p = project().build();
    let m = p.mycargo("--explain E0382").run();
    let r = p.process("rustc").args(["--explain", "E0382"]).run();
    assert_eq!(m.stdout, r.stdout);
    assert!(!m.stdout.is_empty());
}

#[test]
fn help_for_builtin_and_alias() {
    let p = project()
        .file(".cargo/config.toml", "[alias]\nrel = \"build --release\"\n")
        .build();
    p.mycargo("help build")
        .with_stdout_contains("Usage: cargo build [OPTIONS]")
        .run();
    p.mycargo("help b")
        .with_stdout_contains("Usage: cargo build [OPTIONS]")
        .run();
    p.mycargo("help rel")
        .with_stdout_data(str![[r#"
`rel` is aliased to `build --release`

"#]])
        .run();
    p.mycargo("help nosuch")
        .with_status(101)
        .with_stderr_contains("error: no such command: `nosuch`")
        .run();
}

#[test]
fn no_arguments_prints_help() {
    let p = project().build();
    p.mycargo("").with_stdout_contains("Usage: cargo").run();
}

#[test]
fn report_needs_a_kind() {
    let p = project().file("src/lib.rs", "").build();
    let out = p.mycargo("report").with_any_status().run();
    assert_eq!(out.code(), Some(1), "{}", out.stderr);
    let out = p.mycargo("report timings").with_any_status().run();
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr
            .contains("the `cargo report timings` command is unstable"),
        "{}",
        out.stderr
    );
}

#[test]
fn builtin_alias_expands() {
    let p = project().file("src/lib.rs", "").build();
    // (`build` first: after `test`, the lib its doc tests used is fresh.)
    p.mycargo("b")
        .with_stderr_contains("Compiling foo v0.0.1")
        .run();
    p.mycargo("t")
        .with_stderr_contains("     Running unittests src/lib.rs (target/debug/deps/foo-[HASH])")
        .run();
}

#[test]
fn user_alias_shadowing_builtin_command_is_ignored_with_warning() {
    let p = project()
        .file(".cargo/config.toml", "[alias]\nversion = \"build\"\n")
        .build();
    let m = p.mycargo("version").run();
    let c = p.cargo("version").run();
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
    assert!(
        m.stdout.starts_with("cargo 1.95.0 (mycargo "),
        "{}",
        m.stdout
    );
}

#[test]
fn recursive_alias_is_an_error_like_cargo() {
    let p = project()
        .file(
            ".cargo/config.toml",
            "[alias]\nloop1 = \"loop2\"\nloop2 = [\"loop3\", \"-v\"]\nloop3 = \"loop1\"\n",
        )
        .build();
    let m = p.mycargo("loop1").with_status(101).run();
    let c = p.cargo("loop1").with_status(101).run();
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
    assert_eq!(
        m.stderr_redacted(),
        "error: alias loop1 has unresolvable recursive definition: loop1 -> loop2 -> loop3 -> loop1\n"
    );
}

#[test]
fn alias_global_flags_apply() {
    // `-v` inside an alias makes `version` verbose.
    let p = project()
        .file(".cargo/config.toml", "[alias]\nvv = \"version -v\"\n")
        .build();
    p.mycargo("vv").with_stdout_contains("\nrelease: ").run();
}

#[test]
fn dash_c_changes_directory_first() {
    let p = project()
        .file("sub/.cargo/config.toml", "[alias]\nhere = \"version -v\"\n")
        .build();
    // The alias is only visible from `sub`, so config must be read after -C.
    p.tool(Tool::Mycargo, "-C sub here")
        .with_stdout_contains("\nrelease: ")
        .run();
    p.mycargo("here").with_status(101).run();
}

/// Each tool on its own copy: exit code and stderr must match.
fn same_answer(
    m: &mycargo_test_support::Project,
    c: &mycargo_test_support::Project,
    args: &str,
) -> String {
    let mo = m.tool(Tool::Mycargo, args).with_any_status().run();
    let co = c.tool(Tool::Cargo, args).with_any_status().run();
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo(), "`{args}`");
    assert_eq!(mo.code(), co.code(), "`{args}`");
    mo.stderr_as_mycargo()
}

#[test]
fn flags_without_their_value_are_answered_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/main.rs", "fn main() {}\n")
        .file("examples/ex.rs", "fn main() {}\n")
        .build_twins();
    for args in [
        "build --target",
        "clean --target",
        "run --target",
        "install --target",
        "run --example",
        "fix --example",
        "fix -p",
        "update -p",
    ] {
        let err = same_answer(&m, &c, args);
        assert!(err.starts_with("error: "), "`{args}`: {err}");
    }
}

#[test]
fn a_directory_as_target_path_is_refused_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[[bin]]\nname = \"tool\"\npath = \"src/tool\"\n",
        )
        .file("src/lib.rs", "")
        .file("src/tool/main.rs", "fn main() {}\n")
        .build_twins();
    let err = same_answer(&m, &c, "check");
    assert!(
        err.contains("is a directory, but a source file was expected"),
        "{err}"
    );
    assert!(err.contains("an entry point exists at"), "{err}");
}

/// Every built-in command's `--help`, plain and coloured, is cargo's, byte
/// for byte: the per-command wording of shared flags ("Package(s) to check"),
/// cargo's order of the compilation options, the separate `--all` line,
/// `--timings` shown as a plain flag, and the footers.
#[test]
fn every_command_help_is_cargos() {
    let p = project().build();
    let commands = [
        "add",
        "bench",
        "build",
        "check",
        "clean",
        "doc",
        "fetch",
        "fix",
        "generate-lockfile",
        "git-checkout",
        "help",
        "info",
        "init",
        "install",
        "locate-project",
        "login",
        "logout",
        "metadata",
        "new",
        "owner",
        "package",
        "pkgid",
        "publish",
        "read-manifest",
        "remove",
        "report",
        "run",
        "rustc",
        "rustdoc",
        "search",
        "test",
        "tree",
        "uninstall",
        "update",
        "vendor",
        "verify-project",
        "version",
        "yank",
    ];
    let mut differ = Vec::new();
    for command in commands {
        for color in ["never", "always"] {
            let run = |tool| {
                p.tool(tool, &format!("{command} --help"))
                    .env("CARGO_TERM_COLOR", color)
                    .run()
                    .stdout
            };
            if run(Tool::Mycargo) != run(Tool::Cargo) {
                differ.push(format!("{command} ({color})"));
            }
        }
    }
    assert!(differ.is_empty(), "help differs from cargo's: {differ:?}");
    // The top level, apart from `-C`, which mycargo takes on stable.
    let strip_c = |s: String| {
        s.lines()
            .filter(|l| !l.contains("Change to DIRECTORY"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let m = strip_c(p.mycargo("--help").run().stdout);
    assert_eq!(m, strip_c(p.cargo("--help").run().stdout));
    assert_eq!(strip_c(p.mycargo("").run().stdout), m);
    // `git-checkout` is refused as cargo refuses it.
    p.mycargo("git-checkout")
        .with_status(101)
        .with_stderr_data(str![[r#"
error: The `git-checkout` command has been removed.

"#]])
        .run();
}

/// `--all` still selects the whole workspace, and `--timings=json` still
/// reaches the build, though the help shows cargo's `--all` and `--timings`.
#[test]
fn deprecated_all_and_timings_formats_still_parse() {
    let p = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            mycargo_test_support::basic_manifest("a", "0.1.0"),
        )
        .file("a/src/lib.rs", "")
        .file(
            "b/Cargo.toml",
            mycargo_test_support::basic_manifest("b", "0.1.0"),
        )
        .file("b/src/lib.rs", "")
        .build();
    p.mycargo("check --all")
        .with_stderr_contains("    Checking a v0.1.0")
        .with_stderr_contains("    Checking b v0.1.0")
        .run();
    let out = p.mycargo("check --all --timings=json").run();
    assert!(
        out.stdout.contains("\"reason\":\"timing-info\""),
        "{}",
        out.stdout
    );
    p.mycargo("check --timings=svg")
        .with_status(101)
        .with_stderr_contains("unknown `--timings` format `svg`")
        .run();
}

/// `--registry` names are checked as cargo checks them.
#[test]
fn registry_names_are_checked_like_cargo() {
    let p = project().file("src/lib.rs", "").build();
    for name in ["bad name", ""] {
        let run = |tool: Tool| {
            p.tool(tool, "search x")
                .arg("--registry")
                .arg(name)
                .with_any_status()
                .run()
        };
        mycargo_test_support::compare::assert_same_output(&run(Tool::Mycargo), &run(Tool::Cargo));
    }
}
