//! `mycargo rustdoc`: document one package (not its dependencies),
//! passing the arguments after `--` to rustdoc for its one selected target.

use mycargo_compiler::CompileMode;
use mycargo_util::CliResult;

use super::compile::{CompileExtras, CompileRequest, compile_with};
use super::rustc::{single_package, unstable_flag};
use crate::context::GlobalContext;

pub fn rustdoc(gctx: &mut GlobalContext, args: &crate::cli::rustdoc::Args) -> CliResult {
    if args.output_format.is_some() {
        return Err(unstable_flag(gctx, "--output-format", 12103).into());
    }
    if args.unit_graph {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--unit-graph", 8002)?;
    }
    let packages = single_package(gctx, &args.package, args.manifest.manifest_path.as_deref())?;
    let req = CompileRequest {
        mode: CompileMode::Doc,
        packages,
        targets: args.targets.clone(),
        features: &args.features,
        compile: &args.compile,
        release: args.release,
        keep_going: args.keep_going,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    let extras = CompileExtras {
        extra_args: args.args.clone(),
        extra_args_tool: "rustdoc",
        unit_graph: args.unit_graph,
        ..CompileExtras::default()
    };
    let built = compile_with(gctx, &req, &extras)?;
    if args.unit_graph {
        return Ok(());
    }
    super::doc::finish(gctx, &built.docs, args.open)?;
    Ok(())
}
