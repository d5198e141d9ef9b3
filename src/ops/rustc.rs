//! `mycargo rustc`: build one package, passing the arguments after `--`
//! (and `--crate-type`) to the compilation of its one selected target.

use mycargo_compiler::CompileMode;
use mycargo_util::CliResult;

use super::compile::{CompileExtras, CompileRequest, compile_with};
use crate::cli::common::PackageSelection;
use crate::context::GlobalContext;

pub fn rustc(gctx: &mut GlobalContext, args: &crate::cli::rustc::Args) -> CliResult {
    if let Some(what) = &args.print {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "print", 9357)?;
        return super::compile::print::print(gctx, &args.compile, what);
    }
    if args.unit_graph {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--unit-graph", 8002)?;
    }
    let packages = single_package(gctx, &args.package, args.manifest.manifest_path.as_deref())?;
    // `--profile check` (and `test`, `bench`) pick the mode, as in cargo.
    let mode = match args.compile.profile.as_deref() {
        Some("check") => CompileMode::Check,
        Some("test") => CompileMode::Test,
        Some("bench") => CompileMode::Bench,
        _ => CompileMode::Build,
    };
    let mut compile = args.compile.clone();
    if mode == CompileMode::Check {
        compile.profile = None;
    }
    let req = CompileRequest {
        mode,
        packages,
        targets: args.targets.clone(),
        features: &args.features,
        compile: &compile,
        release: args.release,
        keep_going: args.keep_going,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    let extras = CompileExtras {
        extra_args: args.args.clone(),
        extra_args_tool: "rustc",
        crate_types: args
            .crate_type
            .iter()
            .flat_map(|c| c.split(','))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        future_incompat_report: args.future_incompat_report,
        unit_graph: args.unit_graph,
        ..CompileExtras::default()
    };
    compile_with(gctx, &req, &extras)?;
    Ok(())
}

/// The one package `rustc` and `rustdoc` work on: `-p SPEC` (any package
/// of the graph), else the current one; a virtual manifest is an error.
pub fn single_package(
    gctx: &GlobalContext,
    package: &Option<Option<String>>,
    manifest_path: Option<&std::path::Path>,
) -> anyhow::Result<PackageSelection> {
    let manifest = super::workspace::root_manifest(gctx, manifest_path)?;
    let ws = super::workspace::load(gctx, &manifest)?;
    match package {
        Some(None) => Err(package_list_error(&ws)),
        Some(Some(spec)) => Ok(PackageSelection {
            package: Some(vec![spec.clone()]),
            ..PackageSelection::default()
        }),
        None if ws.current().is_none() => anyhow::bail!(
            "manifest path `{}` is a virtual manifest, but this command requires running against an actual package in this workspace",
            manifest.display()
        ),
        None => Ok(PackageSelection::default()),
    }
}

/// `-p` without a value: cargo's error, listing the workspace members.
pub fn package_list_error(ws: &mycargo_manifest::Workspace) -> anyhow::Error {
    let mut msg = String::from(
        "\"--package <SPEC>\" requires a SPEC format value, which can be any package ID specifier in the dependency graph.\n\
         Run `cargo help pkgid` for more information about SPEC format.\n\n\
         Possible packages/workspace members:",
    );
    for m in ws.members() {
        msg.push_str(&format!("\n    {}", m.name()));
    }
    msg.push('\n');
    anyhow::anyhow!(msg)
}

/// A nightly-only flag mycargo does not implement yet (`rustdoc
/// --output-format`): cargo's error without `-Z unstable-options`, a clear
/// refusal with it.
pub fn unstable_flag(gctx: &GlobalContext, flag: &str, issue: u32) -> anyhow::Error {
    match crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, flag, issue) {
        Err(e) => e,
        Ok(()) => anyhow::anyhow!("`{flag}` is not supported by mycargo yet"),
    }
}
