//! External subcommands: `mycargo foo ARGS` runs `cargo-foo foo ARGS` found
//! on `$CARGO_HOME/bin` + `PATH`, with `CARGO` set to mycargo's own path.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use mycargo_util::edit_distance::closest;
use mycargo_util::{CliError, CliResult};

use crate::context::GlobalContext;

/// Where plugins are looked for: `$CARGO_HOME/bin` first, unless PATH
/// already lists it (then PATH's order decides).
pub fn search_dirs(gctx: &GlobalContext) -> Vec<PathBuf> {
    let path = gctx.env.path_dirs();
    let bin = gctx.config.cargo_home().join("bin");
    let mut dirs = Vec::with_capacity(path.len() + 1);
    if !path.contains(&bin) {
        dirs.push(bin);
    }
    dirs.extend(path);
    dirs
}

/// Run `cargo-<name>`, replacing this process, or fail with cargo's
/// `no such command` error and suggestions.
pub fn exec(gctx: &mut GlobalContext, argv: Vec<OsString>) -> CliResult {
    let name = argv
        .first()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(path) = crate::dispatch::find_external(gctx, &name) else {
        return Err(no_such_command(gctx, &name));
    };
    let mut cmd = Command::new(&path);
    cmd.args(&argv);
    cmd.env("CARGO", &gctx.exe);
    Err(mycargo_util::process::exec_replace(&mut cmd))
}

/// `no such command: `x`` with a did-you-mean, exit 101.
pub fn no_such_command(gctx: &GlobalContext, name: &str) -> CliError {
    let mut msg = format!("no such command: `{name}`\n");
    // `cargo +nightly` without rustup's proxy in front.
    if name.starts_with('+') {
        msg.push_str("\nhelp: invoke `cargo` through `rustup` to handle `+toolchain` directives");
        return CliError::new(anyhow::anyhow!(msg), 101);
    }
    let known = super::list::all_command_names(gctx);
    if let Some(best) = closest(name, known.iter().map(String::as_str)) {
        msg.push_str(&format!(
            "\nhelp: a command with a similar name exists: `{best}`\n"
        ));
    }
    msg.push_str("\nhelp: view all installed commands with `cargo --list`");
    msg.push_str(&format!(
        "\nhelp: find a package to install `{name}` with `cargo search cargo-{name}`"
    ));
    CliError::new(anyhow::anyhow!(msg), 101)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggestions_within_three_edits() {
        let commands = ["bench", "build", "check"];
        assert_eq!(closest("buidl", commands), Some("build"));
        // A swap of two neighbours is one edit, as in cargo.
        assert_eq!(closest("ubidl", commands), Some("build"));
        assert_eq!(closest("xyzzyq", ["build", "check"]), None);
    }
}
