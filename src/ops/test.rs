//! `mycargo test`: build the test targets (and examples, and the libs
//! whose docs are tested) with dev-dependencies, then run them.

use mycargo_compiler::{CompileMode, DocTests};
use mycargo_util::CliResult;

use super::compile::{CompileExtras, CompileRequest, compile_with};
use super::test_runner::{self, RunOptions, Which};
use crate::context::GlobalContext;

pub fn test(gctx: &mut GlobalContext, args: &crate::cli::test::Args) -> CliResult {
    let ws = test_runner::load_workspace(
        gctx,
        args.unit_graph,
        args.manifest.manifest_path.as_deref(),
        &args.packages,
    )?;
    let mut targets = args.targets.clone();
    let doctests = if args.doc {
        if targets.is_specific() {
            return Err(
                anyhow::anyhow!("can't mix --doc with other target selecting options").into(),
            );
        }
        if args.no_run {
            return Err(anyhow::anyhow!("can't skip running doc tests with --no-run").into());
        }
        DocTests::Required
    } else if targets.is_specific() {
        DocTests::No
    } else if args.testname.is_some() {
        // A test name: the user knows what to run; build the test targets
        // only (no examples, no doc tests), as cargo does.
        targets.tests = true;
        DocTests::No
    } else {
        DocTests::IfAny
    };
    let test_args: Vec<String> = args.testname.iter().chain(&args.args).cloned().collect();
    let req = CompileRequest {
        mode: CompileMode::Test,
        packages: args.packages.clone(),
        targets,
        features: &args.features,
        compile: &args.compile,
        release: args.release,
        keep_going: false,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    let extras = CompileExtras {
        doctests,
        test_args: test_args.clone(),
        future_incompat_report: args.future_incompat_report,
        unit_graph: args.unit_graph,
        ..CompileExtras::default()
    };
    let built = compile_with(gctx, &req, &extras)?;
    if args.unit_graph {
        return Ok(());
    }
    let opts = RunOptions {
        which: Which::Test,
        no_run: args.no_run,
        no_fail_fast: args.no_fail_fast,
        json: is_json(args.compile.message_formats()),
        needs_spec_flag: test_runner::needs_spec_flag(&ws, &args.packages),
        test_args,
    };
    test_runner::run(gctx, built, &opts)
}

/// Whether `--message-format` asks for JSON.
pub fn is_json(formats: &[String]) -> bool {
    formats.iter().any(|f| f.starts_with("json"))
}
