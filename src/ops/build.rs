//! `mycargo build` and `mycargo check`: the same flags, two modes.

use mycargo_compiler::CompileMode;
use mycargo_util::CliResult;

use super::compile::{CompileExtras, CompileRequest, compile_with};
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
    let mut extras = build_extras(gctx, args.unit_graph, args.compile_time_deps)?;
    extras.artifact_dir = artifact_dir(gctx, args.artifact_dir.as_deref())?;
    extras.future_incompat_report = args.future_incompat_report;
    compile_with(gctx, &request!(CompileMode::Build, args), &extras)?;
    Ok(())
}

pub fn check(gctx: &mut GlobalContext, args: &crate::cli::check::Args) -> CliResult {
    // `--profile test` checks the targets as tests, as cargo does.
    let mode = match args.compile.profile.as_deref() {
        Some("test") => CompileMode::CheckTest,
        _ => CompileMode::Check,
    };
    let mut extras = build_extras(gctx, args.unit_graph, args.compile_time_deps)?;
    extras.future_incompat_report = args.future_incompat_report;
    compile_with(gctx, &request!(mode, args), &extras)?;
    Ok(())
}

/// `--artifact-dir`, else `build.artifact-dir` (relative to where it is
/// defined), both only with `-Z unstable-options`, as in cargo.
fn artifact_dir(
    gctx: &GlobalContext,
    flag: Option<&std::path::Path>,
) -> anyhow::Result<Option<std::path::PathBuf>> {
    if let Some(dir) = flag {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--artifact-dir", 6790)?;
        return Ok(Some(gctx.env.cwd().join(dir)));
    }
    if !gctx.unstable.unstable_options {
        return Ok(None);
    }
    Ok(gctx.config.get_path("build.artifact-dir")?.map(|v| v.val))
}

/// The nightly-only flags of `build` and `check`: refused on stable with
/// cargo's error.
fn build_extras(
    gctx: &GlobalContext,
    unit_graph: bool,
    compile_time_deps: bool,
) -> anyhow::Result<CompileExtras> {
    if unit_graph {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--unit-graph", 8002)?;
    }
    if compile_time_deps {
        crate::unstable::fail_if_stable_opt(
            &gctx.unstable,
            &gctx.env,
            "--compile-time-deps",
            14434,
        )?;
    }
    Ok(CompileExtras {
        compile_time_deps,
        fast_noop: !compile_time_deps,
        unit_graph,
        ..CompileExtras::default()
    })
}
