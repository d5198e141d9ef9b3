//! `mycargo file.rs ARGS` (`-Zscript`): a command that names a manifest
//! (a path with a separator, or a `.rs` file) builds that package and runs
//! it with the arguments, one verbosity step quieter than other commands.

use std::ffi::OsString;
use std::path::Path;

use mycargo_util::{CliError, CliResult, Verbosity};

use crate::context::GlobalContext;

const PHASE_OUT: &str = "this was previously accepted but will be phased out when `-Zscript` is stabilized; see <https://github.com/rust-lang/cargo/issues/12207>";

/// Whether a command word names a manifest: more than one path
/// component, or a `.rs` file.
pub fn is_manifest_command(arg: &str) -> bool {
    let path = Path::new(arg);
    path.components().count() > 1 || path.extension().is_some_and(|e| e == "rs")
}

/// An external command word: a script when it looks like one (and no
/// plugin of that name masks it on stable), else the plugin.
pub fn exec_external(gctx: &mut GlobalContext, argv: Vec<OsString>) -> CliResult {
    let name = argv
        .first()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_manifest_command(&name) {
        if !gctx.unstable.script && crate::dispatch::find_external(gctx, &name).is_some() {
            gctx.shell.warn(format!(
                "external subcommand `{name}` has the appearance of a manifest-command\n  |\n  = note: {PHASE_OUT}"
            ))?;
            return super::external::exec(gctx, argv);
        }
        return exec_manifest_command(gctx, &name, &argv[1..]);
    }
    if crate::dispatch::find_external(gctx, &name).is_none()
        && gctx.unstable.script
        && Path::new(&name).is_file()
    {
        let mut err = super::external::no_such_command(gctx, &name);
        if let Some(e) = err.error.take() {
            err.error = Some(anyhow::anyhow!(
                "{e}\nhelp: to run the file `{name}`, provide a relative path like `.{}{name}`",
                std::path::MAIN_SEPARATOR
            ));
        }
        return Err(err);
    }
    super::external::exec(gctx, argv)
}

fn exec_manifest_command(gctx: &mut GlobalContext, cmd: &str, args: &[OsString]) -> CliResult {
    let path = mycargo_util::fs::normalize_path(&gctx.cwd().join(cmd));
    let is_file = path.is_file();
    if is_file && !gctx.unstable.script {
        return Err(CliError::new(
            anyhow::anyhow!("running the file `{cmd}` requires `-Zscript`"),
            101,
        ));
    }
    if !is_file {
        let mut msg = if gctx.unstable.script {
            format!("no such file or subcommand `{cmd}`")
        } else {
            format!("no such subcommand `{cmd}`")
        };
        if gctx.unstable.script && path.is_dir() {
            msg.push_str(&format!(": `{cmd}` is a directory"));
        }
        if let Some(command) = similar_command(gctx, cmd, args) {
            msg.push_str(&format!(
                "\nhelp: there is a command with a similar name: `{command}`"
            ));
        }
        if let Some(script) = similar_script(gctx.cwd(), cmd) {
            let needs = if gctx.unstable.script {
                ""
            } else {
                " (requires `-Zscript`)"
            };
            msg.push_str(&format!(
                "\nhelp: there is a script with a similar name: `{script}`{needs}"
            ));
        }
        return Err(CliError::new(anyhow::anyhow!(msg), 101));
    }
    if let Some(dir) = path.parent() {
        gctx.reload_config_rooted_at(dir)?;
    }
    quieter(gctx);
    let mut argv: Vec<OsString> = vec![
        "cargo".into(),
        "run".into(),
        "--manifest-path".into(),
        cmd.into(),
        "--".into(),
    ];
    argv.extend(args.iter().cloned());
    let (cli, _) = crate::cli::parse_named(&argv).map_err(|e| anyhow::anyhow!("{e}"))?;
    match cli.command {
        Some(crate::cli::Command::Run(run)) => super::run::run(gctx, &run),
        _ => Err(anyhow::anyhow!("`{cmd}` could not be run").into()),
    }
}

/// One verbosity step below the other commands: `-v` is the normal
/// output, and without it the output is quiet unless stderr is a
/// terminal.
fn quieter(gctx: &mut GlobalContext) {
    if gctx.args.quiet {
        return;
    }
    if gctx.args.verbose > 0 {
        gctx.args.verbose -= 1;
        gctx.shell.set_verbosity(if gctx.args.verbose == 0 {
            Verbosity::Normal
        } else {
            Verbosity::Verbose
        });
    } else if !gctx.shell.is_err_tty() {
        gctx.shell.set_verbosity(Verbosity::Quiet);
    }
}

/// The longest known command the word starts with, split off from the
/// rest (`build--release` → `build --release`).
fn similar_command(gctx: &GlobalContext, cmd: &str, args: &[OsString]) -> Option<String> {
    let known = super::list::all_command_names(gctx);
    let best = known
        .iter()
        .filter(|k| cmd.starts_with(k.as_str()) && cmd.len() > k.len())
        .max_by_key(|k| k.len())?;
    let mut line = format!("{best} {}", &cmd[best.len()..]);
    for a in args {
        line.push(' ');
        line.push_str(&a.to_string_lossy());
    }
    Some(line)
}

/// A file near the path given, component by component (each missing one
/// replaced by the closest entry of its directory), if it is a file.
fn similar_script(cwd: &Path, cmd: &str) -> Option<String> {
    let mut shown = std::path::PathBuf::from(".");
    let mut cur = cwd.to_path_buf();
    for comp in Path::new(cmd).components() {
        let name = comp.as_os_str().to_string_lossy().into_owned();
        if name == "." {
            continue;
        }
        let next = if cur.join(&name).exists() {
            name
        } else {
            let entries: Vec<String> = std::fs::read_dir(&cur)
                .ok()?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            mycargo_util::edit_distance::closest(&name, entries.iter().map(String::as_str))?
                .to_string()
        };
        cur.push(&next);
        shown.push(&next);
    }
    if cur.is_dir() {
        return None;
    }
    Some(shown.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_commands_have_a_separator_or_end_in_rs() {
        assert!(is_manifest_command("foo.rs"));
        assert!(is_manifest_command("./echo"));
        assert!(is_manifest_command("dir/Cargo.toml"));
        assert!(!is_manifest_command("echo"));
        assert!(!is_manifest_command("Cargo.toml"));
        assert!(!is_manifest_command("build"));
    }
}
