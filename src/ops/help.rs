//! `mycargo help [COMMAND]`.

use std::process::Command;

use mycargo_util::CliResult;

use crate::cli::{self, BUILTIN_ALIASES};
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, command: Option<&str>) -> CliResult {
    let Some(name) = command else {
        write!(gctx.shell.out(), "{}", cli::top_help())?;
        return Ok(());
    };
    if let Some(text) = cli::subcommand_help(name) {
        write!(gctx.shell.out(), "{text}")?;
        return Ok(());
    }
    if let Some(alias) = gctx.config.get_alias(name)? {
        writeln!(
            gctx.shell.out(),
            "`{name}` is aliased to `{}`",
            alias.join(" ")
        )?;
        return Ok(());
    }
    if let Some((_, target)) = BUILTIN_ALIASES.iter().find(|(a, _)| *a == name)
        && let Some(text) = cli::subcommand_help(target)
    {
        write!(gctx.shell.out(), "{text}")?;
        return Ok(());
    }
    if let Some(path) = crate::dispatch::find_external(gctx, name) {
        let mut cmd = Command::new(path);
        cmd.arg(name).arg("--help").env("CARGO", &gctx.exe);
        return Err(mycargo_util::process::exec_replace(&mut cmd));
    }
    Err(super::external::no_such_command(gctx, name))
}
