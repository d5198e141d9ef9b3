//! `mycargo build` and `mycargo check`: the same flags, two modes.

use mycargo_compiler::CompileMode;
use mycargo_util::CliResult;

use super::compile::{CompileRequest, compile};
use crate::context::GlobalContext;

/// A request from any command's `Args` with the usual compile flags (the
/// `Args` types differ only in flags these commands do not share).
macro_rules! request {
    ($mode:expr, $a:expr) => {
        CompileRequest {
            mode: $mode,
            packages: $a.packages.clone(),
            targets: $a.targets.clone(),
            features: &$a.features,
            compile: &$a.compile,
            release: $a.release,
            keep_going: $a.keep_going,
            manifest_path: $a.manifest.manifest_path.as_deref(),
        }
    };
}

pub fn build(gctx: &mut GlobalContext, args: &crate::cli::build::Args) -> CliResult {
    compile(gctx, &request!(CompileMode::Build, args))?;
    Ok(())
}

pub fn check(gctx: &mut GlobalContext, args: &crate::cli::check::Args) -> CliResult {
    // `--profile test` checks the targets as tests, as cargo does.
    let mode = match args.compile.profile.as_deref() {
        Some("test") => CompileMode::CheckTest,
        _ => CompileMode::Check,
    };
    compile(gctx, &request!(mode, args))?;
    Ok(())
}
