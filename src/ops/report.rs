//! `mycargo report`: future-incompatibility reports from earlier builds;
//! the build-analysis reports (`timings`, `sessions`, `rebuilds`) are
//! nightly-only in cargo and refused here as cargo refuses them on stable.

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
        Some(ReportCommand::Timings(_)) => unstable_command(gctx, "report timings"),
        Some(ReportCommand::Sessions(_)) => unstable_command(gctx, "report sessions"),
        Some(ReportCommand::Rebuilds(_)) => unstable_command(gctx, "report rebuilds"),
        None => Err(anyhow::anyhow!("a report kind is required").into()),
    }
}

/// cargo's refusal on stable; on nightly, mycargo says it lacks the report.
fn unstable_command(gctx: &GlobalContext, what: &str) -> CliResult {
    let ch = crate::unstable::channel(&gctx.env);
    if matches!(ch.as_str(), "nightly" | "dev") {
        return Err(anyhow::anyhow!(
            "`cargo {what}` (-Z build-analysis) is not supported by mycargo yet"
        )
        .into());
    }
    Err(anyhow::anyhow!(
        "the `cargo {what}` command is unstable, and only available on the nightly channel of Cargo, but this is the `{ch}` channel\n\
         See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n\
         See https://github.com/rust-lang/cargo/issues/15844 for more information about the `cargo {what}` command."
    )
    .into())
}
