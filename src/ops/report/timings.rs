//! `report timings`: the `--timings` HTML report of a logged session,
//! rebuilt from its log.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mycargo_compiler::timings::{Timings, UnitTime};
use serde_json::Value;

use super::logs::{self, LoggedUnit};
use crate::context::GlobalContext;
use crate::ops::compile::timings as html;

pub(super) fn run(
    gctx: &mut GlobalContext,
    id: Option<&str>,
    open: bool,
    manifest_path: Option<&Path>,
) -> anyhow::Result<()> {
    let logs::Session {
        ws,
        id,
        path,
        messages,
    } = logs::open(gctx, id, manifest_path)?;
    let Some(report) = Report::from_messages(&messages) else {
        return Err(anyhow::anyhow!("no timing data found in log")
            .context(format!("failed to analyze log at `{}`", path.display())));
    };
    let dir = match &ws {
        Some(w) => w.target_dir.join("cargo-timings"),
        None => match gctx.env.get_os("__CARGO_TEST_REPORT_TIMINGS_TEMPDIR") {
            Some(d) => PathBuf::from(d),
            None => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or_default();
                std::env::temp_dir().join(format!("cargo-timings-{}{nanos}", std::process::id()))
            }
        },
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        anyhow::Error::new(e).context(format!("failed to create `{}`", dir.display()))
    })?;
    let cx = html::Context {
        profile: &report.profile,
        targets: report.platforms.join(", "),
        rustc_version: &report.rustc_version,
        host: &report.host,
        jobs: report.jobs,
        started: report.started,
    };
    let page = html::render(&report.timings, &cx)?;
    let file = dir.join(format!("cargo-timing-{id}.html"));
    mycargo_util::fs::write_atomic(&file, page)?;
    gctx.shell
        .status("Timing", format!("report saved to {}", file.display()))?;
    if open {
        crate::ops::doc::open_docs(gctx, &file)?;
    }
    Ok(())
}

/// What the log says of the session's timings.
struct Report {
    timings: Timings,
    profile: String,
    rustc_version: String,
    host: String,
    jobs: u32,
    started: u64,
    platforms: Vec<String>,
}

impl Report {
    /// None when the log registered no unit.
    fn from_messages(messages: &[Value]) -> Option<Report> {
        let s = |v: &Value, k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let mut report = Report {
            timings: Timings::from_log(Vec::new(), Vec::new(), 0.0),
            profile: String::new(),
            rustc_version: String::new(),
            host: String::new(),
            jobs: 0,
            started: 0,
            platforms: Vec::new(),
        };
        let mut units: Vec<(LoggedUnit, Option<UnitTime>)> = Vec::new();
        let mut at: HashMap<usize, usize> = HashMap::new();
        let mut fresh: HashMap<usize, bool> = HashMap::new();
        let mut begun: HashMap<usize, f64> = HashMap::new();
        let (mut first, mut last) = (f64::MAX, 0.0f64);
        for m in messages {
            let index = m.get("index").and_then(Value::as_u64).map(|i| i as usize);
            let elapsed = m.get("elapsed").and_then(Value::as_f64);
            if let Some(e) = elapsed {
                first = first.min(e);
                last = last.max(e);
            }
            match m.get("reason").and_then(Value::as_str).unwrap_or_default() {
                "build-started" => {
                    report.profile = s(m, "profile");
                    report.host = s(m, "host");
                    report.jobs = m.get("jobs").and_then(Value::as_u64).unwrap_or(0) as u32;
                    let verbose = s(m, "rustc_version_verbose");
                    report.rustc_version = verbose
                        .lines()
                        .next()
                        .map(str::to_string)
                        .unwrap_or_else(|| s(m, "rustc_version"));
                    let run_id = s(m, "run_id");
                    report.started = started_secs(&run_id).unwrap_or(0);
                }
                "unit-registered" => {
                    let platform = s(m, "platform");
                    if !report.platforms.contains(&platform) {
                        report.platforms.push(platform);
                    }
                    if let Some(i) = index {
                        at.insert(i, units.len());
                        units.push((LoggedUnit::from_message(m), None));
                    }
                }
                "unit-fingerprint" => {
                    if let Some(i) = index {
                        fresh.insert(i, s(m, "status") == "fresh");
                    }
                }
                "unit-started" => {
                    if let (Some(i), Some(e)) = (index, elapsed) {
                        begun.insert(i, e);
                    }
                }
                reason @ ("unit-rmeta-finished" | "unit-finished") => {
                    let (Some(i), Some(e)) = (index, elapsed) else {
                        continue;
                    };
                    let (Some(&k), Some(&start)) = (at.get(&i), begun.get(&i)) else {
                        continue;
                    };
                    let unlocked = m
                        .get("unblocked")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    let (unit, time) = &mut units[k];
                    let t = time.get_or_insert_with(|| UnitTime {
                        package: format!("{} v{}", unit.name, unit.version),
                        target: unit.timing_target(),
                        mode: unit.mode.clone(),
                        start,
                        duration: 0.0,
                        rmeta: None,
                        fresh: false,
                        unlocked: 0,
                        critical: false,
                    });
                    let took = (e - start).max(0.0);
                    if reason == "unit-rmeta-finished" {
                        t.rmeta = Some(took);
                    } else {
                        t.duration = took;
                    }
                    t.unlocked += unlocked;
                }
                _ => {}
            }
        }
        if units.is_empty() {
            return None;
        }
        report.platforms.sort();
        // Fresh units ran nothing: shown at no time, as `--timings` shows
        // them.
        let base = if first == f64::MAX { 0.0 } else { first };
        let times: Vec<Option<UnitTime>> = units
            .iter()
            .enumerate()
            .map(|(k, (u, t))| {
                let i = at.iter().find(|(_, v)| **v == k).map(|(i, _)| *i);
                let is_fresh = i.and_then(|i| fresh.get(&i)).copied().unwrap_or(false);
                match t {
                    Some(t) => Some(UnitTime {
                        start: t.start - base,
                        ..t.clone()
                    }),
                    None if is_fresh => Some(UnitTime {
                        package: format!("{} v{}", u.name, u.version),
                        target: u.timing_target(),
                        mode: u.mode.clone(),
                        start: 0.0,
                        duration: 0.0,
                        rmeta: None,
                        fresh: true,
                        unlocked: 0,
                        critical: false,
                    }),
                    None => None,
                }
            })
            .collect();
        let deps: Vec<Vec<usize>> = units
            .iter()
            .map(|(u, _)| {
                u.dependencies
                    .iter()
                    .filter_map(|d| at.get(d).copied())
                    .collect()
            })
            .collect();
        report.timings = Timings::from_log(times, deps, (last - base).max(0.0));
        Some(report)
    }
}

/// The seconds since the epoch a run id's time names.
fn started_secs(run_id: &str) -> Option<u64> {
    let t = run_id.split('T').collect::<Vec<_>>();
    let (date, time) = (t.first()?, t.get(1)?);
    let n = |s: &str| s.parse::<i64>().ok();
    let (y, m, d) = (n(&date[..4])?, n(&date[4..6])?, n(&date[6..8])?);
    let (hh, mm, ss) = (n(&time[..2])?, n(&time[2..4])?, n(&time[4..6])?);
    let days = mycargo_util::time::days_from_civil(y, m, d);
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}
