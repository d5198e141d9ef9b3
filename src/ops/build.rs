//! `mycargo build` and `mycargo check`.

use mycargo_compiler::CompileMode;
use mycargo_util::CliResult;

use super::compile::{CompileRequest, compile};
use crate::context::GlobalContext;

pub fn build(gctx: &mut GlobalContext, args: &crate::cli::build::Args) -> CliResult {
    let req = CompileRequest {
        mode: CompileMode::Build,
        packages: args.packages.clone(),
        targets: args.targets.clone(),
        features: &args.features,
        compile: &args.compile,
        release: args.release,
        keep_going: args.keep_going,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    compile(gctx, &req)?;
    Ok(())
}

pub fn check(gctx: &mut GlobalContext, args: &crate::cli::check::Args) -> CliResult {
    let req = CompileRequest {
        mode: CompileMode::Check,
        packages: args.packages.clone(),
        targets: args.targets.clone(),
        features: &args.features,
        compile: &args.compile,
        release: args.release,
        keep_going: args.keep_going,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    compile(gctx, &req)?;
    Ok(())
}
