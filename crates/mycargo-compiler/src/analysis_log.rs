//! `-Z build-analysis`: one JSON-lines file per build session in
//! `$CARGO_HOME/log/<run-id>.jsonl`, in cargo's format, read back by
//! `report timings`, `report rebuilds` and `report sessions`.
//!
//! A run id is `<UTC time to the millisecond>-<16 hex digits>`, the digits
//! a hash of the workspace root: reports find a workspace's sessions by
//! them. Each line is written (and so flushed) as it happens, so a build
//! that fails or is interrupted leaves what it got to.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

use anyhow::Context as _;
use serde_json::{Map, Value, json};

use crate::build_context::BuildContext;
use crate::graph::UnitGraph;
use crate::unit::{CompileKind, CompileMode, Unit};

/// The hash part of a run id: which workspace the session built.
pub fn workspace_hash(ws_root: &Path) -> String {
    let mut h = crate::hash::StableHasher::new();
    h.str(&ws_root.to_string_lossy());
    h.hex()
}

/// `20060724T012128000Z` for `t`.
fn compact_time(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = mycargo_util::time::civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}{m:02}{day:02}T{:02}{:02}{:02}{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// `2006-07-24T01:21:28.123456Z`: when a line is written.
fn timestamp(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let base = mycargo_util::time::rfc3339(d.as_secs());
    format!("{}.{:06}Z", base.trim_end_matches('Z'), d.subsec_micros())
}

/// Is `id` a run id (`20060724T012128000Z-<16 hex digits>`)?
pub fn is_run_id(id: &str) -> bool {
    let Some((time, hash)) = id.rsplit_once('-') else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    hash.len() == 16
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && time.len() == 19
        && time.ends_with('Z')
        && time.as_bytes()[8] == b'T'
        && digits(&time[..8])
        && digits(&time[9..18])
}

/// cargo's error for an id of the wrong form.
pub fn run_id_error(id: &str) -> String {
    format!("expect run ID in format `20060724T012128000Z-<16-char-hex>`, got `{id}`")
}

/// An open session log.
pub struct AnalysisLog {
    run_id: String,
    /// What `elapsed` counts from: when the process started its work.
    began: Instant,
    path: PathBuf,
    file: Mutex<File>,
    units: Mutex<HashMap<Unit, usize>>,
}

impl std::fmt::Debug for AnalysisLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisLog")
            .field("run_id", &self.run_id)
            .finish()
    }
}

impl AnalysisLog {
    /// Start a session log of the workspace at `ws_root`.
    pub fn create(cargo_home: &Path, ws_root: &Path, began: Instant) -> anyhow::Result<Self> {
        let dir = cargo_home.join("log");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("failed to create directory `{}`", dir.display()))?;
        let run_id = format!(
            "{}-{}",
            compact_time(SystemTime::now()),
            workspace_hash(ws_root)
        );
        let path = dir.join(format!("{run_id}.jsonl"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("failed to open `{}`", path.display()))?;
        Ok(AnalysisLog {
            run_id,
            began,
            path,
            file: Mutex::new(file),
            units: Mutex::new(HashMap::new()),
        })
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Seconds since the process began.
    pub fn elapsed(&self) -> f64 {
        self.began.elapsed().as_secs_f64()
    }

    /// Append one message (`fields` an object); failures to write are
    /// ignored, as a log must not fail the build.
    pub fn write(&self, reason: &str, fields: Value) {
        let mut obj = match fields {
            Value::Object(o) => o,
            _ => Map::new(),
        };
        obj.insert("reason".into(), reason.into());
        obj.insert("run_id".into(), self.run_id.clone().into());
        obj.insert("timestamp".into(), timestamp(SystemTime::now()).into());
        let mut line = Value::Object(obj).to_string();
        line.push('\n');
        if let Ok(mut f) = self.file.lock() {
            let _ = f.write_all(line.as_bytes());
        }
    }

    /// A message carrying only the time.
    pub fn mark(&self, reason: &str) {
        self.write(reason, json!({ "elapsed": self.elapsed() }));
    }

    /// The log index of `unit` (once the unit graph is registered).
    pub fn index(&self, unit: &Unit) -> Option<usize> {
        self.units.lock().ok()?.get(unit).copied()
    }

    /// `unit-registered` for every unit, in cargo's unit order, between
    /// `unit-graph-started` (written by the caller) and
    /// `unit-graph-finished`.
    pub fn register_units(&self, bcx: &BuildContext<'_>) {
        let order = unit_order(bcx, bcx.units);
        let index: HashMap<Unit, usize> = order
            .iter()
            .enumerate()
            .map(|(i, u)| (u.clone(), i))
            .collect();
        for (i, u) in order.iter().enumerate() {
            let m = bcx.graph.packages[u.pkg].manifest;
            let t = &m.targets[u.target];
            let mut v = json!({
                "index": i,
                "package_id": m.package_id.to_spec_string(),
                "target": { "kind": target_kind(t), "name": t.name },
                "mode": mode_name(u.mode),
                "platform": match &u.kind {
                    CompileKind::Host => bcx.target_data.host.clone(),
                    CompileKind::Target(t) => t.clone(),
                },
            });
            if !u.features.is_empty() {
                v["features"] = json!(u.features);
            }
            if bcx.units.roots.contains(u) {
                v["requested"] = json!(true);
            }
            let mut deps: Vec<usize> = bcx
                .units
                .deps
                .get(u)
                .into_iter()
                .flatten()
                .filter_map(|d| index.get(&d.unit).copied())
                .collect();
            deps.sort_unstable();
            deps.dedup();
            if !deps.is_empty() {
                v["dependencies"] = json!(deps);
            }
            self.write("unit-registered", v);
        }
        if let Ok(mut units) = self.units.lock() {
            *units = index;
        }
        self.mark("unit-graph-finished");
    }
}

impl AnalysisLog {
    /// `unit-fingerprint`: whether the unit is new, fresh or dirty (and
    /// why).
    pub fn fingerprint(&self, unit: &Unit, fresh: &crate::fingerprint::Freshness) {
        use crate::fingerprint::Freshness;
        let Some(index) = self.index(unit) else {
            return;
        };
        let v = match fresh {
            Freshness::Fresh => json!({ "index": index, "status": "fresh" }),
            Freshness::Dirty(None) => json!({ "index": index, "status": "new" }),
            Freshness::Dirty(Some(r)) => json!({
                "index": index,
                "status": "dirty",
                "cause": r.cause.to_json(&|u| self.index(u)),
            }),
        };
        self.write("unit-fingerprint", v);
    }

    /// `unit-started`, `unit-rmeta-finished`, `unit-finished`, with the
    /// units the event left ready to run.
    pub fn unit_event(&self, reason: &str, unit: &Unit, unblocked: &[&Unit]) {
        let Some(index) = self.index(unit) else {
            return;
        };
        let mut v = json!({ "index": index, "elapsed": self.elapsed() });
        let mut ids: Vec<usize> = unblocked.iter().filter_map(|u| self.index(u)).collect();
        ids.sort_unstable();
        if !ids.is_empty() {
            v["unblocked"] = json!(ids);
        }
        self.write(reason, v);
    }
}

/// The units from the roots, each before its dependencies, each once
/// (the order cargo prepares, and logs, fingerprints in).
pub fn preorder(units: &UnitGraph) -> Vec<Unit> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut stack: Vec<&Unit> = units.roots.iter().rev().collect();
    while let Some(u) = stack.pop() {
        if !seen.insert(u.clone()) {
            continue;
        }
        out.push(u.clone());
        if let Some(deps) = units.deps.get(u) {
            stack.extend(deps.iter().rev().map(|d| &d.unit));
        }
    }
    out
}

/// cargo's kind of a target in the log (`test` for an integration test).
fn target_kind(t: &mycargo_manifest::Target) -> &'static str {
    match t.kind_description() {
        "integration-test" => "test",
        kind => kind,
    }
}

pub fn mode_name(mode: CompileMode) -> &'static str {
    match mode {
        CompileMode::Test | CompileMode::Bench => "test",
        CompileMode::Build => "build",
        CompileMode::Check | CompileMode::CheckTest => "check",
        CompileMode::Doc => "doc",
        CompileMode::RunCustomBuild => "run-custom-build",
    }
}

/// Every unit, in cargo's order of units ([`crate::unit_order`]).
fn unit_order(bcx: &BuildContext<'_>, units: &UnitGraph) -> Vec<Unit> {
    let mut seen = std::collections::HashSet::new();
    let mut all: Vec<Unit> = units
        .all_units()
        .filter(|u| seen.insert(*u))
        .cloned()
        .collect();
    all.sort_by_cached_key(|u| {
        crate::unit_order::unit_key(bcx.graph, u, crate::unit_order::mode_rank(u.mode))
    });
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_round_trip() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_153_704_088_000);
        let id = format!("{}-{}", compact_time(t), "b0fd440798ab3cfb");
        assert_eq!(id, "20060724T012128000Z-b0fd440798ab3cfb");
        assert!(is_run_id(&id));
        assert!(!is_run_id("invalid-session-id"));
        assert!(!is_run_id("20060724T012128000Z-b0fd44"));
        assert!(is_run_id("20260101T000000000Z-0000000000000000"));
    }

    #[test]
    fn timestamps_are_rfc3339() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(1_700_000_000_000_001);
        assert_eq!(timestamp(t), "2023-11-14T22:13:20.000001Z");
    }
}
