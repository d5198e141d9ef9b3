//! `rustc --print <what>` (nightly, `-Z unstable-options`): rustc's own
//! `--print` for each requested target, with the flags a build would give
//! it (RUSTFLAGS from every source, `[env]`), as cargo does. rust-analyzer
//! reads `--print cfg` and `--print target-spec-json` this way.

use mycargo_compiler::rustc_info::{Rustc, RustcOptions, TargetInfoRequest};
use mycargo_util::CliResult;

use super::settings;
use crate::cli::common::CompileOptions;
use crate::context::GlobalContext;

pub fn print(gctx: &mut GlobalContext, compile: &CompileOptions, what: &str) -> CliResult {
    let rustc_path =
        settings::program(gctx, "RUSTC", "build.rustc")?.unwrap_or_else(|| "rustc".into());
    let rustc = Rustc::new(
        RustcOptions {
            path: rustc_path,
            wrapper: None,
            workspace_wrapper: None,
            cache_location: None,
        },
        &gctx.env,
    )
    .map_err(anyhow::Error::from)?;
    let mut targets: Vec<Option<String>> = compile.targets().iter().cloned().map(Some).collect();
    if targets.is_empty() {
        targets.push(gctx.config.get_string("build.target")?.map(|v| v.val));
    }
    let host = rustc.info.host.clone();
    let env_config = gctx.config.env_config()?;
    for (i, target) in targets.iter().enumerate() {
        if i > 0 {
            gctx.shell.out().write_all(b"\n")?;
        }
        let triple = target.as_deref().unwrap_or(&host);
        let probe = rustc
            .target_info(&TargetInfoRequest {
                target: target.as_deref(),
                ..TargetInfoRequest::default()
            })
            .map_err(anyhow::Error::from)?;
        let flags = settings::rustflags(gctx, triple, &probe.cfg)?;
        let mut cmd = std::process::Command::new(&rustc.path);
        cmd.current_dir(gctx.cwd());
        for e in &env_config {
            if e.force || gctx.env.get_os(&e.name).is_none() {
                cmd.env(&e.name, &e.value);
            }
        }
        cmd.args(&flags);
        if let Some(t) = target {
            cmd.arg("--target").arg(t);
        }
        cmd.arg("--print").arg(what);
        let out = cmd.output().map_err(|e| {
            anyhow::anyhow!("could not execute process `{}`: {e}", rustc.path.display())
        })?;
        gctx.shell.out().write_all(&out.stdout)?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(anyhow::anyhow!(
                "process didn't exit successfully: `{} --print {what}` ({})\n--- stderr\n{stderr}",
                rustc.path.display(),
                out.status
            )
            .into());
        }
    }
    Ok(())
}
