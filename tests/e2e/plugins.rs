//! External subcommands (`cargo-<name>` on PATH) and aliases reaching them.

use std::path::{Path, PathBuf};

use mycargo_test_support::{Execs, Project, Tool, project};

/// Install a `cargo-hello` script in `dir` that prints its argv (one per
/// line), then `CARGO=<value>`, and exits with `$HELLO_EXIT` (default 0).
pub fn install_hello(dir: &Path) -> PathBuf {
    install_plugin(dir, "hello")
}

pub fn install_plugin(dir: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("cargo-{name}"));
    mycargo_test_support::write_executable(
        &path,
        "#!/bin/sh\nprintf '%s\\n' \"$0\"\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n\
         printf 'CARGO=%s\\n' \"$CARGO\"\nexit ${HELLO_EXIT:-0}\n",
    );
    path
}

/// `PATH` with `dir` in front.
pub fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut dirs = vec![dir.to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap()
}

/// A project with `cargo-hello` in `[ROOT]/plugins`, on PATH.
fn setup() -> (Project, PathBuf) {
    let p = project().file("src/lib.rs", "").build();
    let bin = p.test_root().join("plugins");
    install_hello(&bin);
    (p, bin)
}

fn run(p: &Project, tool: Tool, bin: &Path, args: &[&str]) -> Execs {
    p.tool(tool, "").args(args).env("PATH", path_with(bin))
}

fn lines(out: &mycargo_test_support::Output) -> Vec<String> {
    out.stdout.lines().map(str::to_string).collect()
}

#[test]
fn plugin_gets_argv_cargo_env_and_exit_code() {
    let (p, bin) = setup();
    let out = run(&p, Tool::Mycargo, &bin, &["hello", "a", "--b", "c d"])
        .env("HELLO_EXIT", "7")
        .with_status(7)
        .run();
    let mycargo = mycargo_test_support::mycargo_bin();
    assert_eq!(
        lines(&out),
        vec![
            bin.join("cargo-hello").display().to_string(),
            "hello".into(),
            "a".into(),
            "--b".into(),
            "c d".into(),
            format!("CARGO={}", mycargo.canonicalize().unwrap().display()),
        ]
    );
}

#[test]
fn plugin_argv_matches_cargo() {
    let (p, bin) = setup();
    for args in [
        &["hello"][..],
        &["hello", "--help"],
        &["-v", "hello", "x"],
        &["--color", "never", "hello", "-q", "--", "y"],
    ] {
        let m = run(&p, Tool::Mycargo, &bin, args).run();
        let c = run(&p, Tool::Cargo, &bin, args).run();
        // Everything but the CARGO line (each tool names itself).
        let (ml, cl) = (lines(&m), lines(&c));
        assert_eq!(ml[..ml.len() - 1], cl[..cl.len() - 1], "args {args:?}");
    }
}

#[test]
fn cargo_home_bin_comes_before_path() {
    let (p, bin) = setup();
    let home_bin = p.test_root().cargo_home(Tool::Mycargo).join("bin");
    install_hello(&home_bin);
    let out = run(&p, Tool::Mycargo, &bin, &["hello"]).run();
    assert_eq!(
        lines(&out)[0],
        home_bin.join("cargo-hello").display().to_string()
    );
}

#[test]
fn non_executable_file_is_not_a_plugin() {
    let (p, bin) = setup();
    std::fs::write(bin.join("cargo-nox"), "#!/bin/sh\necho hi\n").unwrap();
    run(&p, Tool::Mycargo, &bin, &["nox"])
        .with_status(101)
        .with_stderr_contains("error: no such command: `nox`")
        .run();
}

#[test]
fn config_alias_reaches_plugin() {
    let (p, bin) = setup();
    p.change_file(
        ".cargo/config.toml",
        "[alias]\nhi = \"hello from-alias\"\nhey = [\"hi\", \"two words\"]\n",
    );
    let out = run(&p, Tool::Mycargo, &bin, &["hey", "x"]).run();
    assert_eq!(lines(&out)[1..4], ["hello", "from-alias", "two words"]);
    assert_eq!(lines(&out)[4], "x");
    // Same argv as cargo gives it.
    let c = run(&p, Tool::Cargo, &bin, &["hey", "x"]).run();
    assert_eq!(lines(&out)[..5], lines(&c)[..5]);
}

#[test]
fn alias_from_environment_variable() {
    let (p, bin) = setup();
    let out = run(&p, Tool::Mycargo, &bin, &["envy", "z"])
        .env("CARGO_ALIAS_ENVY", "hello via-env")
        .run();
    assert_eq!(lines(&out)[1..4], ["hello", "via-env", "z"]);
}

#[test]
fn help_runs_plugin_with_help_flag() {
    let (p, bin) = setup();
    let out = run(&p, Tool::Mycargo, &bin, &["help", "hello"]).run();
    assert_eq!(lines(&out)[1..3], ["hello", "--help"]);
}

#[test]
fn user_alias_shadowing_plugin_warns_like_cargo() {
    let (p, bin) = setup();
    p.change_file(".cargo/config.toml", "[alias]\nhello = \"version\"\n");
    let m = run(&p, Tool::Mycargo, &bin, &["hello"]).run();
    let c = run(&p, Tool::Cargo, &bin, &["hello"]).run();
    assert_eq!(m.stderr_as_mycargo(), c.stderr_as_mycargo());
    assert!(
        m.stderr_redacted()
            .starts_with("warning: user-defined alias `hello` is shadowing")
    );
    // The alias won: `version` ran, not the plugin.
    assert!(
        m.stdout.starts_with("cargo 1.95.0 (mycargo "),
        "{}",
        m.stdout
    );
}

#[test]
fn plugins_are_listed() {
    let (p, bin) = setup();
    run(&p, Tool::Mycargo, &bin, &["--list"])
        .with_stdout_contains("\n    hello\n")
        .with_stdout_contains("    b                    alias: build\n")
        .run();
}

/// `--list -v` shows where each plugin is (cargo's listing); `+toolchain`
/// reaching mycargo itself gets cargo's rustup hint.
#[test]
fn verbose_list_shows_plugin_paths_and_plus_toolchain_hint() {
    let (p, bin) = setup();
    let out = run(&p, Tool::Mycargo, &bin, &["-v", "--list"]).run();
    let line = format!("    {:<20} {}", "hello", bin.join("cargo-hello").display());
    assert!(out.stdout.lines().any(|l| l == line), "{}", out.stdout);
    let plain = run(&p, Tool::Mycargo, &bin, &["--list"]).run();
    assert!(
        plain.stdout.lines().any(|l| l == "    hello"),
        "{}",
        plain.stdout
    );
    let mo = run(&p, Tool::Mycargo, &bin, &["+nightly"])
        .with_status(101)
        .run();
    let co = run(&p, Tool::Cargo, &bin, &["+nightly"])
        .with_status(101)
        .run();
    assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo());
}
