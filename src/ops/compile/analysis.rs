//! `-Z build-analysis` for a build: whether this session is logged, and
//! the session-level messages (the units' are the job queue's).

use std::sync::Arc;
use std::time::Instant;

use mycargo_compiler::analysis_log::AnalysisLog;
use serde_json::json;

use crate::context::GlobalContext;

/// The session log, when `-Z build-analysis` and `build.analysis.enabled`
/// are both set. With the setting alone, cargo's warning.
pub(super) fn open(
    gctx: &mut GlobalContext,
    ws_root: &std::path::Path,
    began: Instant,
) -> anyhow::Result<Option<Arc<AnalysisLog>>> {
    let enabled = gctx.config.get_bool("build.analysis.enabled")?;
    let configured = enabled.is_some() || !gctx.config.table_keys("build.analysis")?.is_empty();
    if !configured {
        return Ok(None);
    }
    if !gctx.unstable.build_analysis {
        gctx.shell
            .warn("ignoring 'build.analysis' config, pass `-Zbuild-analysis` to enable it")?;
        return Ok(None);
    }
    if !enabled.is_some_and(|v| v.val) {
        return Ok(None);
    }
    let log = AnalysisLog::create(gctx.config.cargo_home(), ws_root, began)?;
    Ok(Some(Arc::new(log)))
}

/// What `build-started` records of the session.
pub(super) struct Session<'a> {
    pub host: &'a str,
    pub jobs: u32,
    pub profile: &'a str,
    pub rustc_version: String,
    pub rustc_version_verbose: &'a str,
    pub target_dir: &'a std::path::Path,
    pub workspace_root: &'a std::path::Path,
}

pub(super) fn build_started(log: &AnalysisLog, gctx: &GlobalContext, s: &Session<'_>) {
    let command: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let num_cpus = std::thread::available_parallelism().ok().map(|n| n.get());
    log.write(
        "build-started",
        json!({
            "command": command,
            "cwd": gctx.env.cwd().to_string_lossy(),
            "host": s.host,
            "jobs": s.jobs,
            "num_cpus": num_cpus,
            "profile": s.profile,
            "rustc_version": s.rustc_version,
            "rustc_version_verbose": s.rustc_version_verbose,
            "target_dir": s.target_dir.to_string_lossy(),
            "workspace_root": s.workspace_root.to_string_lossy(),
        }),
    );
}
