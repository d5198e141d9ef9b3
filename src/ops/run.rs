//! `mycargo run`: build one binary (or example) and replace this process
//! with it, so its exit code is ours.

use std::process::Command;

use anyhow::bail;
use mycargo_compiler::CompileMode;
use mycargo_util::CliResult;

use super::compile::{CompileRequest, compile};
use crate::cli::common::{PackageSelection, TargetSelection};
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &crate::cli::run::Args) -> CliResult {
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load(gctx, &manifest)?;
    let packages = PackageSelection {
        package: args.package.clone().map(|p| p.into_iter().collect()),
        ..PackageSelection::default()
    };
    let mut targets = TargetSelection::default();
    if args.example.is_some() {
        targets.example = args.example.clone();
    } else {
        let bin = match args.bins().first() {
            Some(b) => b.clone(),
            None => default_bin(&ws, args.package.as_ref().and_then(|p| p.as_deref()))?,
        };
        targets.bin = Some(vec![bin]);
    }
    let req = CompileRequest {
        mode: CompileMode::Build,
        packages,
        targets,
        features: &args.features,
        compile: &args.compile,
        release: args.release,
        keep_going: args.keep_going,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    let built = compile(gctx, &req)?;
    let Some((_, exe, _)) = built.executables.first() else {
        return Err(anyhow::anyhow!("a bin target must be available for `mycargo run`").into());
    };
    let shown = exe.strip_prefix(gctx.cwd()).unwrap_or(exe);
    // A configured runner goes first: `runner ARGS… target/debug/foo ARGS…`.
    let mut argv: Vec<std::ffi::OsString> = built
        .runner
        .iter()
        .flatten()
        .map(std::ffi::OsString::from)
        .collect();
    argv.push(shown.as_os_str().to_os_string());
    argv.extend(args.args.iter().cloned());
    let line: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    gctx.shell
        .status("Running", format!("`{}`", line.join(" ")))?;
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    Err(mycargo_util::process::exec_replace(&mut cmd))
}

/// The binary `run` picks without `--bin`: `default-run`, else the only one.
fn default_bin(ws: &mycargo_manifest::Workspace, package: Option<&str>) -> anyhow::Result<String> {
    let pkg = match package {
        Some(name) => ws.members().find(|m| m.name() == name),
        None => ws.current(),
    };
    let pkgs: Vec<&mycargo_manifest::Manifest> = match pkg {
        Some(p) => vec![p],
        None => ws.default_members().collect(),
    };
    if let [p] = pkgs.as_slice()
        && let Some(d) = &p.default_run
    {
        return Ok(d.clone());
    }
    let bins: Vec<&str> = pkgs
        .iter()
        .flat_map(|p| {
            p.targets
                .iter()
                .filter(|t| t.is_bin())
                .map(|t| t.name.as_str())
        })
        .collect();
    match bins.as_slice() {
        [one] => Ok(one.to_string()),
        [] => bail!("a bin target must be available for `mycargo run`"),
        many => bail!(
            "`mycargo run` could not determine which binary to run. Use the `--bin` option to specify a binary, or the `default-run` manifest key.\navailable binaries: {}",
            many.join(", ")
        ),
    }
}
