//! `mycargo bench`: build the bench targets with the `bench` profile and
//! run them with `--bench`.

use mycargo_compiler::CompileMode;
use mycargo_util::CliResult;

use super::compile::{CompileExtras, CompileRequest, compile_with};
use super::test_runner::{self, RunOptions, Which};
use crate::context::GlobalContext;

pub fn bench(gctx: &mut GlobalContext, args: &crate::cli::bench::Args) -> CliResult {
    let ws = test_runner::load_workspace(
        gctx,
        args.unit_graph,
        args.manifest.manifest_path.as_deref(),
        &args.packages,
    )?;
    // The filter and the arguments after `--`, then `--bench`, which tells
    // libtest to run benchmarks.
    // (`--no-run` shows the programs without it, as cargo does.)
    let mut test_args: Vec<String> = args.benchname.iter().chain(&args.args).cloned().collect();
    if !args.no_run {
        test_args.push("--bench".to_string());
    }
    let req = CompileRequest {
        mode: CompileMode::Bench,
        packages: args.packages.clone(),
        targets: args.targets.clone(),
        features: &args.features,
        compile: &args.compile,
        release: false,
        keep_going: false,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    let extras = CompileExtras {
        test_args: test_args.clone(),
        unit_graph: args.unit_graph,
        ..CompileExtras::default()
    };
    let built = compile_with(gctx, &req, &extras)?;
    if args.unit_graph {
        return Ok(());
    }
    let opts = RunOptions {
        which: Which::Bench,
        no_run: args.no_run,
        no_fail_fast: args.no_fail_fast,
        json: super::test::is_json(args.compile.message_formats()),
        needs_spec_flag: test_runner::needs_spec_flag(&ws, &args.packages),
        test_args,
    };
    test_runner::run(gctx, built, &opts)
}
