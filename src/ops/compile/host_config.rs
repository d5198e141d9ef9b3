//! What host units (build scripts, proc macros, and everything without
//! `--target`) are built and run with: by default `[target.<host>]`, or
//! with `-Z target-applies-to-host` and `target-applies-to-host = false`,
//! the `[host]` table (`[host.<triple>]` first) under `-Z host-config`.

use anyhow::bail;

use crate::context::GlobalContext;

/// The host's linker, flags and runner, and the table its build-script
/// overrides are read from.
#[derive(Debug, Default)]
pub struct HostConfig {
    /// Whether `[target.<host>]` applies to host units (cargo's default).
    pub target_applies: bool,
    pub linker: Option<std::path::PathBuf>,
    pub rustflags: Option<Vec<String>>,
    /// Wraps build-script runs.
    pub runner: Option<Vec<String>>,
    /// Where `[<links>]` overrides for host units live, as key segments.
    pub table: Option<Vec<String>>,
}

/// cargo's `get_target_applies_to_host` and `load_host_triple`.
pub fn load(gctx: &GlobalContext, host: &str) -> anyhow::Result<HostConfig> {
    let unstable = &gctx.unstable;
    let target_applies = if unstable.target_applies_to_host {
        match gctx.config.get_bool("target-applies-to-host") {
            Ok(Some(v)) => v.val,
            _ => !unstable.host_config,
        }
    } else if unstable.host_config {
        bail!("the -Zhost-config flag requires the -Ztarget-applies-to-host flag to be set");
    } else {
        true
    };
    if target_applies {
        return Ok(HostConfig {
            target_applies,
            table: Some(vec!["target".to_string(), host.to_string()]),
            ..HostConfig::default()
        });
    }
    if !unstable.host_config {
        return Ok(HostConfig::default());
    }
    // `[host.<triple>]` when it exists, else `[host]`.
    let (prefix, table) = if gctx.config.raw_at(&["host", host])?.is_some() {
        (
            format!("host.{host}"),
            vec!["host".to_string(), host.to_string()],
        )
    } else {
        ("host".to_string(), vec!["host".to_string()])
    };
    Ok(HostConfig {
        target_applies,
        linker: gctx
            .config
            .get_program(&format!("{prefix}.linker"))?
            .map(|v| v.val),
        rustflags: gctx
            .config
            .get_string_list(&format!("{prefix}.rustflags"))?
            .map(|v| v.val),
        runner: gctx
            .config
            .get_path_and_args(&format!("{prefix}.runner"), false)?
            .map(|v| v.val),
        table: Some(table),
    })
}
