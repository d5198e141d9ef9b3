//! `mycargo report`: future-incompatibility reports from earlier builds,
//! and the build-analysis reports of logged sessions (`timings`,
//! `sessions`, `rebuilds`: nightly, with `-Z build-analysis`).

mod logs;
mod rebuilds;
mod sessions;
mod timings;

use mycargo_util::CliResult;

use super::compile::settings;
use crate::cli::report::{Args, ReportCommand};
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    match &args.command {
        Some(ReportCommand::FutureIncompatibilities(f)) => {
            let manifest = super::workspace::root_manifest(gctx, None)?;
            let ws = super::workspace::load(gctx, &manifest)?;
            let target_dir = settings::target_dir(gctx, None, ws.default_target_dir())?;
            let build_dir = settings::build_dir(gctx, &ws, &target_dir)?;
            let package = f.package.as_ref().and_then(|p| p.as_deref());
            super::future_incompat::report(gctx, &build_dir, f.id.as_deref(), package)?;
            Ok(())
        }
        Some(ReportCommand::Timings(t)) => {
            gate(gctx, "report timings")?;
            let path = t.manifest.manifest_path.as_deref();
            Ok(timings::run(gctx, t.id.as_deref(), t.open, path)?)
        }
        Some(ReportCommand::Sessions(t)) => {
            gate(gctx, "report sessions")?;
            let path = t.manifest.manifest_path.as_deref();
            Ok(sessions::run(gctx, t.limit, path)?)
        }
        Some(ReportCommand::Rebuilds(t)) => {
            gate(gctx, "report rebuilds")?;
            let path = t.manifest.manifest_path.as_deref();
            Ok(rebuilds::run(gctx, t.id.as_deref(), path)?)
        }
        None => Err(anyhow::anyhow!("a report kind is required").into()),
    }
}

/// cargo's refusal on stable, and without `-Z build-analysis`.
fn gate(gctx: &GlobalContext, what: &str) -> anyhow::Result<()> {
    let see = format!(
        "See https://github.com/rust-lang/cargo/issues/15844 for more information about the `cargo {what}` command."
    );
    let ch = crate::unstable::channel(&gctx.env);
    if !matches!(ch.as_str(), "nightly" | "dev") {
        anyhow::bail!(
            "the `cargo {what}` command is unstable, and only available on the nightly channel of Cargo, but this is the `{ch}` channel\n\
             See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n\
             {see}"
        );
    }
    if !gctx.unstable.build_analysis {
        anyhow::bail!(
            "the `cargo {what}` command is unstable, pass `-Z build-analysis` to enable it\n{see}"
        );
    }
    Ok(())
}
