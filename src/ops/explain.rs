//! `mycargo --explain CODE`: rustc explains its own error codes.

use std::process::Command;

use mycargo_util::CliResult;

use crate::context::GlobalContext;

pub fn exec(gctx: &mut GlobalContext, code: &str) -> CliResult {
    let rustc = gctx
        .env
        .get_os("RUSTC")
        .unwrap_or("rustc".as_ref())
        .to_owned();
    let mut cmd = Command::new(rustc);
    cmd.arg("--explain").arg(code);
    Err(mycargo_util::process::exec_replace(&mut cmd))
}
