//! `mycargo doc`: rustdoc for the selected packages' libs and bins and,
//! unless `--no-deps`, their dependencies' libs; then cargo's `Generated`
//! line, or `--open` in a browser.

use std::path::{Path, PathBuf};

use anyhow::bail;
use mycargo_compiler::CompileMode;
use mycargo_util::{CliResult, Verbosity};

use super::compile::{CompileExtras, CompileRequest, compile_with};
use crate::cli::common::TargetSelection;
use crate::context::GlobalContext;

pub fn doc(gctx: &mut GlobalContext, args: &crate::cli::doc::Args) -> CliResult {
    if args.unit_graph {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--unit-graph", 8002)?;
    }
    if args.packages.wants_package_list() {
        let manifest =
            super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
        let ws = super::workspace::load(gctx, &manifest)?;
        return Err(super::rustc::package_list_error(&ws).into());
    }
    let targets = TargetSelection {
        lib: args.lib,
        bins: args.bins,
        bin: args.bin.clone(),
        examples: args.examples,
        example: args.example.clone(),
        ..TargetSelection::default()
    };
    let req = CompileRequest {
        mode: CompileMode::Doc,
        packages: args.packages.clone(),
        targets,
        features: &args.features,
        compile: &args.compile,
        release: args.release,
        keep_going: args.keep_going,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    let extras = CompileExtras {
        doc_deps: !args.no_deps,
        document_private_items: args.document_private_items,
        unit_graph: args.unit_graph,
        ..CompileExtras::default()
    };
    let built = compile_with(gctx, &req, &extras)?;
    if args.unit_graph {
        return Ok(());
    }
    finish(gctx, &built.docs, args.open)?;
    Ok(())
}

/// After the `Finished` line: open the first crate's docs, or say where
/// they are (`Generated <path>`, with `and N other files` unless `-v`).
pub fn finish(gctx: &mut GlobalContext, docs: &[PathBuf], open: bool) -> anyhow::Result<()> {
    if open {
        let Some(path) = docs.first() else {
            bail!("cannot open specified crate's documentation: no documentation generated");
        };
        gctx.shell.status("Opening", path.display())?;
        return open_docs(gctx, path);
    }
    let made: Vec<&PathBuf> = docs.iter().filter(|p| p.exists()).collect();
    if gctx.shell.verbosity() == Verbosity::Verbose {
        for p in made {
            gctx.shell.status("Generated", p.display())?;
        }
    } else if let Some(first) = made.first() {
        let mut msg = first.display().to_string();
        let more = made.len() - 1;
        if more > 0 {
            let s = if more == 1 { "" } else { "s" };
            msg.push_str(&format!(" and {more} other file{s}"));
        }
        gctx.shell.status("Generated", msg)?;
    }
    Ok(())
}

/// `doc.browser` (a program and its arguments), else `$BROWSER`, else the
/// desktop's opener. A browser that cannot start is a warning, as in cargo.
pub(crate) fn open_docs(gctx: &mut GlobalContext, path: &Path) -> anyhow::Result<()> {
    let configured = gctx
        .config
        .get_path_and_args("doc.browser", false)?
        .map(|v| v.val)
        .filter(|v| !v.is_empty());
    let browser = match configured {
        Some(mut v) => Some((v.remove(0).into(), v)),
        None => gctx
            .env
            .get_os("BROWSER")
            .map(|b| (std::ffi::OsString::from(b), Vec::new())),
    };
    match browser {
        Some((program, args)) => {
            let status = std::process::Command::new(&program)
                .args(args)
                .arg(path)
                .status();
            if let Err(e) = status {
                gctx.shell.warn(format!(
                    "Couldn't open docs with {}: {e}",
                    program.to_string_lossy()
                ))?;
            }
        }
        None => {
            let opener = if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            };
            if let Err(e) = std::process::Command::new(opener).arg(path).status() {
                gctx.shell
                    .warn(format!("couldn't open docs\n\nCaused by:\n  {e}"))?;
            }
        }
    }
    Ok(())
}
