//! `mycargo run`: build one binary (or example) and replace this process
//! with it, so its exit code is ours. Which one is cargo's choice, checked
//! before anything is built.

use std::path::Path;
use std::process::Command;

use anyhow::bail;
use mycargo_compiler::CompileMode;
use mycargo_manifest::{Manifest, Target, TargetKind};
use mycargo_util::CliResult;

use super::compile::{CompileExtras, CompileRequest, compile_with, name_glob};
use crate::cli::common::{PackageSelection, TargetSelection};
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &crate::cli::run::Args) -> CliResult {
    if args.compile.wants_target_list() {
        return Err(anyhow::anyhow!(super::compile::TARGET_NEEDS_VALUE).into());
    }
    if args.unit_graph {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--unit-graph", 8002)?;
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load(gctx, &manifest)?;
    let package = args.package.clone().flatten();
    if let Some(p) = &package
        && name_glob(p)?.is_some()
    {
        return Err(anyhow::anyhow!(
            "`cargo run` does not support glob pattern `{p}` on package selection"
        )
        .into());
    }
    let selected = selected_packages(&ws, package.as_deref(), gctx.cwd())?;

    // Without `--bin`/`--example`, the one `default-run` among the
    // selected packages, else every binary.
    let mut targets = TargetSelection::default();
    let specific = if args.bin.is_none() && args.example.is_none() {
        let default_runs: Vec<&String> = selected
            .iter()
            .filter_map(|m| m.default_run.as_ref())
            .collect();
        match default_runs.as_slice() {
            [bin] => {
                targets.bin = Some(vec![(*bin).clone()]);
                true
            }
            _ => false,
        }
    } else {
        targets.bin = args.bin.clone();
        targets.example = args.example.clone();
        true
    };
    // `--bin`/`--example` without a name: cargo's list of what there is.
    if [&targets.bin, &targets.example]
        .iter()
        .any(|v| v.as_ref().is_some_and(|v| v.is_empty()))
    {
        super::compile::target_choices(&selected, &targets)?;
    }
    let names = targets.bin.iter().chain(&targets.example).flatten();
    if names.clone().any(|n| n.contains(['*', '?', '[', ']'])) {
        return Err(anyhow::anyhow!(
            "`cargo run` does not support glob patterns on target selection"
        )
        .into());
    }
    let candidates = candidates(&selected, &targets, specific);
    check_one(&candidates, specific)?;
    // The one bin is asked for by name, as cargo does: its required
    // features are then checked (with cargo's error) instead of the bin
    // being left out.
    // (`--unit-graph` shows cargo's own selection: the default targets.)
    if !specific
        && !args.unit_graph
        && let [(_, t)] = candidates.as_slice()
    {
        targets.bin = Some(vec![t.name.clone()]);
    }

    let packages = PackageSelection {
        package: args.package.clone().map(|p| p.into_iter().collect()),
        ..PackageSelection::default()
    };
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
    let extras = CompileExtras {
        unit_graph: args.unit_graph,
        ..CompileExtras::default()
    };
    let built = compile_with(gctx, &req, &extras)?;
    // The units are printed and nothing is built or run (cargo prints
    // them, then panics).
    if args.unit_graph {
        return Ok(());
    }
    let Some(exe) = built.executables.first() else {
        return Err(anyhow::anyhow!("a bin target must be available for `cargo run`").into());
    };
    // As cargo shows it: relative to the cwd, `./foo` when it is there.
    let shown = match exe.path.strip_prefix(gctx.cwd()) {
        Ok(rel) if rel.components().count() == 1 => Path::new(".").join(rel),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => exe.path.clone(),
    };
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
    let mut cmd = Command::new(&argv[0]);
    // A script sees its own path as its name, as with cargo.
    #[cfg(unix)]
    if ws.is_script() && built.runner.is_none() {
        use std::os::unix::process::CommandExt as _;
        cmd.arg0(ws.root_manifest());
    }
    cmd.args(&argv[1..])
        .envs(exe.env.iter().map(|(k, v)| (k, v)))
        .current_dir(gctx.cwd());
    let env = if gctx.shell.verbosity() >= mycargo_util::Verbosity::VeryVerbose {
        mycargo_compiler::job_queue::display_env(
            &cmd,
            &gctx
                .env
                .iter()
                .map(|(k, v)| (k.to_os_string(), v.to_os_string()))
                .collect::<Vec<_>>(),
        )
    } else {
        String::new()
    };
    gctx.shell
        .status("Running", format!("`{env}{}`", line.join(" ")))?;
    Err(mycargo_util::process::exec_replace(&mut cmd))
}

/// The packages `run` picks from: the member `-p` names, else the default
/// members.
fn selected_packages<'w>(
    ws: &'w mycargo_manifest::Workspace,
    package: Option<&str>,
    cwd: &Path,
) -> anyhow::Result<Vec<&'w Manifest>> {
    let Some(spec) = package else {
        return Ok(ws.default_members().collect());
    };
    let parsed = mycargo_core::PackageIdSpec::parse(spec, Some(cwd))?;
    let found: Vec<&Manifest> = ws
        .members()
        .filter(|m| parsed.matches(&m.package_id))
        .collect();
    if found.is_empty() {
        bail!(
            "package(s) `{parsed}` not found in workspace `{}`",
            ws.root().display()
        );
    }
    Ok(found)
}

/// The targets `run` could run: binaries (or what `--bin`/`--example`
/// name), never libs or build scripts.
fn candidates<'m>(
    selected: &[&'m Manifest],
    targets: &TargetSelection,
    specific: bool,
) -> Vec<(&'m Manifest, &'m Target)> {
    let named = |list: &Option<Vec<String>>, t: &Target| match list {
        None => false,
        Some(names) if names.is_empty() => true,
        Some(names) => names.contains(&t.name),
    };
    selected
        .iter()
        .flat_map(|m| m.targets.iter().map(move |t| (*m, t)))
        .filter(|(_, t)| !t.is_lib() && !t.is_custom_build())
        .filter(|(_, t)| {
            if !specific {
                t.is_bin()
            } else if t.is_bin() {
                named(&targets.bin, t)
            } else if t.is_example() {
                named(&targets.example, t)
            } else {
                false
            }
        })
        .collect()
}

/// cargo's checks that exactly one executable was picked.
fn check_one(candidates: &[(&Manifest, &Target)], specific: bool) -> anyhow::Result<()> {
    match candidates {
        [] if !specific => bail!("a bin target must be available for `cargo run`"),
        // The build says which named target is missing.
        [] => Ok(()),
        [(_, t)] => {
            if let TargetKind::ExampleLib(_) = t.kind {
                bail!(
                    "example target `{}` is a library and cannot be executed",
                    t.name
                );
            }
            Ok(())
        }
        many if !specific => {
            let mut names: Vec<&str> = many.iter().map(|(_, t)| t.name.as_str()).collect();
            names.sort_unstable();
            bail!(
                "`cargo run` could not determine which binary to run. Use the `--bin` option to specify a binary, or the `default-run` manifest key.\navailable binaries: {}",
                names.join(", ")
            )
        }
        many => {
            let mut msg =
                "`cargo run` can run at most one executable, but multiple were specified\nhelp: available targets:"
                    .to_string();
            for (m, t) in many {
                let kind = if t.is_bin() { "bin" } else { "example" };
                msg.push_str(&format!(
                    "\n    {kind} `{}` in package `{}`",
                    t.name,
                    m.name()
                ));
            }
            bail!(msg)
        }
    }
}
