//! Running what `test` and `bench` built: each test executable in cargo's
//! order, then (for `test`) the doc tests, with cargo's status lines, its
//! rerun hints for failures and its exit codes.

use std::path::Path;
use std::process::Command;

use mycargo_compiler::testing::{TestExecutable, TestedKind};
use mycargo_util::{CliError, CliResult, Verbosity};

use super::compile::Built;
use crate::cli::common::PackageSelection;
use crate::context::GlobalContext;

/// `test` or `bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Test,
    Bench,
}

pub struct RunOptions {
    pub which: Which,
    pub no_run: bool,
    pub no_fail_fast: bool,
    /// `--message-format json*`: no `Executable` lines.
    pub json: bool,
    /// Rerun hints name the package (`-p foo --lib`).
    pub needs_spec_flag: bool,
    /// The arguments every test program got (to spot `--nocapture`).
    pub test_args: Vec<String>,
}

/// A failed test program, as its rerun hint names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    pkg: String,
    /// `--lib`, `--bin x`, `--test x`, `--bench x`, `--example x`, `--doc`.
    target: String,
}

impl Failure {
    fn cli_args(&self, needs_spec_flag: bool) -> String {
        if needs_spec_flag {
            format!("-p {} {}", self.pkg, self.target)
        } else {
            self.target.clone()
        }
    }
}

/// The target flag that reruns one test executable.
fn target_flag(t: &TestExecutable) -> String {
    match t.kind {
        TestedKind::Lib => "--lib".to_string(),
        TestedKind::Bin => format!("--bin {}", t.target_name),
        TestedKind::Test => format!("--test {}", t.target_name),
        TestedKind::Bench => format!("--bench {}", t.target_name),
        TestedKind::Example => format!("--example {}", t.target_name),
    }
}

/// `unittests src/lib.rs (target/debug/deps/foo-…)`, or for integration
/// tests and benches `tests/it.rs (…)`: the source relative to the
/// package, the executable relative to the working directory.
fn exe_display(t: &TestExecutable, cwd: &Path, exec_type: &str) -> String {
    let exe = t.path.strip_prefix(cwd).unwrap_or(&t.path);
    match t.kind {
        TestedKind::Test | TestedKind::Bench => {
            format!("{} ({})", t.src.display(), exe.display())
        }
        _ => format!("{exec_type} {} ({})", t.src.display(), exe.display()),
    }
}

pub fn run(gctx: &mut GlobalContext, built: Built, opts: &RunOptions) -> CliResult {
    let cwd = gctx.cwd().to_path_buf();
    let verbosity = gctx.shell.verbosity();
    if opts.no_run {
        if !opts.json {
            let exec_type = match opts.which {
                Which::Test => "unittests",
                Which::Bench => "benches",
            };
            for t in &built.tests {
                if verbosity >= Verbosity::Verbose {
                    gctx.shell.status("Executable", quoted(&t.command))?;
                } else {
                    gctx.shell
                        .status("Executable", exe_display(t, &cwd, exec_type))?;
                }
            }
        }
        return Ok(());
    }
    let mut failures = Vec::new();
    for mut t in built.tests {
        if verbosity >= Verbosity::VeryVerbose {
            let env = mycargo_compiler::job_queue::display_env(
                &t.command,
                &gctx
                    .env
                    .iter()
                    .map(|(k, v)| (k.to_os_string(), v.to_os_string()))
                    .collect::<Vec<_>>(),
            );
            gctx.shell.status(
                "Running",
                format!(
                    "`{env}{}`",
                    mycargo_compiler::job_queue::display_command(&t.command)
                ),
            )?;
        } else if verbosity >= Verbosity::Verbose {
            gctx.shell.status("Running", quoted(&t.command))?;
        } else {
            gctx.shell
                .status("Running", exe_display(&t, &cwd, "unittests"))?;
        }
        let failure = Failure {
            pkg: t.pkg_name.clone(),
            target: target_flag(&t),
        };
        let what = match opts.which {
            Which::Test => "test failed",
            Which::Bench => "bench failed",
        };
        if let Err(code) = run_one(gctx, &mut t.command, t.harness, what, &failure, opts)? {
            failures.push(failure);
            if !opts.no_fail_fast {
                return Err(CliError::code(code));
            }
        }
    }
    if opts.which == Which::Test {
        for mut d in built.doctests {
            gctx.shell.status("Doc-tests", &d.target_name)?;
            if verbosity >= Verbosity::VeryVerbose {
                let env = mycargo_compiler::job_queue::display_env(
                    &d.command,
                    &gctx
                        .env
                        .iter()
                        .map(|(k, v)| (k.to_os_string(), v.to_os_string()))
                        .collect::<Vec<_>>(),
                );
                gctx.shell
                    .status("Running", format!("`{env}{}`", d.shown))?;
            } else if verbosity >= Verbosity::Verbose {
                gctx.shell.status("Running", format!("`{}`", d.shown))?;
            }
            let failure = Failure {
                pkg: d.pkg_name.clone(),
                target: "--doc".to_string(),
            };
            if let Err(code) = run_one(
                gctx,
                &mut d.command,
                false,
                "doctest failed",
                &failure,
                opts,
            )? {
                failures.push(failure);
                if !opts.no_fail_fast {
                    return Err(CliError::code(code));
                }
            }
        }
    }
    match failures_message(&failures, opts.needs_spec_flag) {
        Some(msg) => Err(anyhow::anyhow!(msg).into()),
        None => Ok(()),
    }
}

/// cargo's closing summary under `--no-fail-fast`.
fn failures_message(failures: &[Failure], needs_spec_flag: bool) -> Option<String> {
    let lines: Vec<String> = failures
        .iter()
        .map(|f| format!("    `{}`", f.cli_args(needs_spec_flag)))
        .collect();
    match failures.len() {
        0 => None,
        1 => Some(format!("1 target failed:\n{}", lines.join("\n"))),
        n => Some(format!("{n} targets failed:\n{}", lines.join("\n"))),
    }
}

/// Run one program. `Ok(Err(code))` when it failed (the error is already
/// reported, with the code cargo would exit with).
fn run_one(
    gctx: &mut GlobalContext,
    cmd: &mut Command,
    harness: bool,
    what: &str,
    failure: &Failure,
    opts: &RunOptions,
) -> anyhow::Result<Result<(), i32>> {
    let _ = gctx.shell.out().flush();
    let _ = gctx.shell.err().flush();
    let shown = mycargo_compiler::job_queue::display_command(cmd);
    let hint = format!(
        "{what}, to rerun pass `{}`",
        failure.cli_args(opts.needs_spec_flag)
    );
    let status = match cmd.status() {
        Ok(s) if s.success() => return Ok(Ok(())),
        Ok(s) => s,
        Err(e) => {
            let err = anyhow::Error::new(e)
                .context(format!(
                    "could not execute process `{shown}` (never executed)"
                ))
                .context(hint);
            gctx.shell.print_error(&err);
            return Ok(Err(101));
        }
    };
    // libtest exits with 101 when tests fail: then the hint says it all.
    let simple = status.code() == Some(101);
    if simple {
        gctx.shell.error(&hint)?;
    } else {
        let err = anyhow::anyhow!(
            "process didn't exit successfully: `{shown}` ({})",
            mycargo_util::process::exit_status_text(&status)
        )
        .context(hint);
        gctx.shell.print_error(&err);
        let nocapture = opts
            .test_args
            .iter()
            .any(|a| a == "--nocapture" || a == "--no-capture");
        if status.code().is_some() && harness && !nocapture {
            gctx.shell.note(
                "test exited abnormally; to see the full output pass --no-capture to the harness.",
            )?;
        }
    }
    Ok(Err(status.code().unwrap_or(101)))
}

/// `` `program args` `` as cargo shows a command in status lines.
fn quoted(cmd: &Command) -> String {
    format!("`{}`", mycargo_compiler::job_queue::display_command(cmd))
}

/// Whether rerun hints name the package (cargo's `needs_spec_flag`):
/// always with `-p` or `--exclude`, else when the command acts on more
/// than one package.
pub fn needs_spec_flag(ws: &mycargo_manifest::Workspace, sel: &PackageSelection) -> bool {
    if !sel.packages().is_empty() || (sel.workspace && !sel.exclude.is_empty()) {
        return true;
    }
    if sel.workspace {
        return ws.members().count() > 1;
    }
    if ws.current().is_some() {
        return false;
    }
    match ws.default_members().count() {
        0 => ws.members().count() > 1,
        n => n > 1,
    }
}

/// What `test` and `bench` do first: refuse `--unit-graph` as stable cargo
/// does (it needs `-Z unstable-options`), load the workspace, answer a
/// bare `-p` with the package list.
pub fn load_workspace(
    gctx: &mut GlobalContext,
    unit_graph: bool,
    manifest_path: Option<&std::path::Path>,
    packages: &crate::cli::common::PackageSelection,
) -> anyhow::Result<mycargo_manifest::Workspace> {
    if unit_graph {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--unit-graph", 8002)?;
    }
    let manifest = super::workspace::root_manifest(gctx, manifest_path)?;
    let ws = super::workspace::load(gctx, &manifest)?;
    if packages.wants_package_list() {
        return Err(super::rustc::package_list_error(&ws));
    }
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exe(kind: TestedKind, name: &str, src: &str) -> TestExecutable {
        let path = std::path::PathBuf::from(format!("/w/target/debug/deps/{name}-0123"));
        TestExecutable {
            pkg_name: "foo".into(),
            target_name: name.into(),
            kind,
            harness: true,
            src: src.into(),
            command: Command::new(&path),
            path,
        }
    }

    #[test]
    fn running_lines_like_cargo() {
        let cwd = Path::new("/w");
        assert_eq!(
            exe_display(&exe(TestedKind::Lib, "foo", "src/lib.rs"), cwd, "unittests"),
            "unittests src/lib.rs (target/debug/deps/foo-0123)"
        );
        assert_eq!(
            exe_display(
                &exe(TestedKind::Test, "it", "tests/it.rs"),
                cwd,
                "unittests"
            ),
            "tests/it.rs (target/debug/deps/it-0123)"
        );
        assert_eq!(
            exe_display(
                &exe(TestedKind::Bin, "foo", "src/main.rs"),
                Path::new("/elsewhere"),
                "benches"
            ),
            "benches src/main.rs (/w/target/debug/deps/foo-0123)"
        );
    }

    #[test]
    fn rerun_hints() {
        assert_eq!(
            target_flag(&exe(TestedKind::Lib, "foo", "src/lib.rs")),
            "--lib"
        );
        assert_eq!(
            target_flag(&exe(TestedKind::Example, "ex", "examples/ex.rs")),
            "--example ex"
        );
        let f = Failure {
            pkg: "alpha".into(),
            target: "--test aa".into(),
        };
        assert_eq!(f.cli_args(true), "-p alpha --test aa");
        assert_eq!(f.cli_args(false), "--test aa");
        let doc = Failure {
            pkg: "alpha".into(),
            target: "--doc".into(),
        };
        assert_eq!(failures_message(&[], false), None);
        assert_eq!(
            failures_message(std::slice::from_ref(&f), false).as_deref(),
            Some("1 target failed:\n    `--test aa`")
        );
        assert_eq!(
            failures_message(&[f, doc], true).as_deref(),
            Some("2 targets failed:\n    `-p alpha --test aa`\n    `-p alpha --doc`")
        );
    }
}
