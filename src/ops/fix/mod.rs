//! `mycargo fix`: a `check` build in which the selected packages' crates
//! are compiled through mycargo itself as a rustc proxy (see [`proxy`]),
//! which applies rustc's machine-applicable suggestions to the sources.
//!
//! `cargo clippy --fix` is this with `RUSTC_WORKSPACE_WRAPPER` pointing
//! at `clippy-driver`: the proxy runs the wrapper, so clippy's
//! suggestions are applied the same way.

mod manifest;
pub mod proxy;
mod suggestions;
mod vcs;

use mycargo_compiler::CompileMode;
use mycargo_compiler::build_context::PrimaryRustc;
use mycargo_compiler::rustc_info::{Rustc, TargetInfoRequest};
use mycargo_util::CliResult;

use super::compile::{CompileExtras, CompileRequest, compile_with, settings};
use crate::cli::fix::Args;
use crate::context::GlobalContext;

pub fn fix(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    // Questions about the flags are answered before anything is checked.
    if args.compile.wants_target_list() {
        return Err(anyhow::anyhow!(super::compile::TARGET_NEEDS_VALUE).into());
    }
    if args.packages.wants_package_list() {
        let manifest =
            super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
        let ws = super::workspace::load(gctx, &manifest)?;
        return Err(super::rustc::package_list_error(&ws).into());
    }
    let t = &args.targets;
    if [&t.bin, &t.example, &t.test, &t.bench]
        .iter()
        .any(|v| v.as_ref().is_some_and(|v| v.is_empty()))
    {
        let manifest =
            super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
        let ws = super::workspace::load(gctx, &manifest)?;
        let members = manifest::selected(&ws, &args.packages)?;
        super::compile::target_choices(&members, t)?;
    }
    vcs::check(
        gctx.cwd(),
        &vcs::Allow {
            no_vcs: args.allow_no_vcs,
            dirty: args.allow_dirty,
            staged: args.allow_staged,
        },
    )?;
    // Preparing for an edition touches every target unless told which.
    let mut targets = args.targets.clone();
    if (args.edition || args.edition_idioms) && !targets.is_specific() {
        targets.all_targets = true;
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load(gctx, &manifest)?;
    if args.edition {
        let members = manifest::selected(&ws, &args.packages)?;
        manifest::migrate(gctx, &ws, &members)?;
    }
    let target_dir = settings::target_dir(
        gctx,
        args.compile.target_dir.as_deref(),
        ws.default_target_dir(),
    )?;
    let build_dir = settings::build_dir(gctx, &ws, &target_dir)?;
    let rustc = Rustc::new(settings::rustc_options(gctx, &build_dir)?, &gctx.env)
        .map_err(anyhow::Error::new)?;
    let sysroot = rustc
        .target_info(&TargetInfoRequest::default())
        .map_err(anyhow::Error::new)?
        .sysroot;

    // Held by the proxies in turn: one crate is fixed at a time.
    let lock = tempfile::NamedTempFile::new()?;
    let mut env = vec![(
        proxy::FIX_ENV.to_string(),
        lock.path().display().to_string(),
    )];
    if args.broken_code {
        env.push((proxy::BROKEN_CODE_ENV.to_string(), "1".to_string()));
    }
    if args.edition {
        env.push((proxy::EDITION_ENV.to_string(), "1".to_string()));
    }
    if args.edition_idioms {
        env.push((proxy::IDIOMS_ENV.to_string(), "1".to_string()));
    }
    if sysroot.is_dir() {
        env.push((
            proxy::SYSROOT_ENV.to_string(),
            sysroot.display().to_string(),
        ));
    }
    let program = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("could not find mycargo's own executable: {e}"))?;
    let mode = match args.compile.profile.as_deref() {
        Some("test") => CompileMode::CheckTest,
        _ => CompileMode::Check,
    };
    let req = CompileRequest {
        mode,
        packages: args.packages.clone(),
        targets,
        features: &args.features,
        compile: &args.compile,
        release: args.release,
        keep_going: args.keep_going,
        manifest_path: args.manifest.manifest_path.as_deref(),
    };
    let extras = CompileExtras {
        primary_unit_rustc: Some(PrimaryRustc { program, env }),
        ..CompileExtras::default()
    };
    compile_with(gctx, &req, &extras)?;
    drop(lock);
    Ok(())
}
