//! Finding and reading the session logs `-Z build-analysis` leaves in
//! `$CARGO_HOME/log` (see `mycargo_compiler::analysis_log`).

use std::path::{Path, PathBuf};

use anyhow::bail;
use mycargo_compiler::analysis_log::{is_run_id, run_id_error, workspace_hash};
use serde_json::Value;

use crate::context::GlobalContext;

/// The workspace a report is about, when there is one.
pub(super) struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
}

/// The workspace of the current directory (or `--manifest-path`); any
/// error loading it means there is none (reports work outside one).
pub(super) fn workspace(gctx: &GlobalContext, manifest_path: Option<&Path>) -> Option<Workspace> {
    let manifest = crate::ops::workspace::root_manifest(gctx, manifest_path).ok()?;
    let ws = crate::ops::workspace::load(gctx, &manifest).ok()?;
    let target_dir =
        crate::ops::compile::settings::target_dir(gctx, None, ws.default_target_dir()).ok()?;
    Some(Workspace {
        root: ws.root(),
        target_dir,
    })
}

/// Session ids and log files, newest first, of `ws` (or all of them).
pub(super) fn sessions(gctx: &GlobalContext, ws: Option<&Workspace>) -> Vec<(String, PathBuf)> {
    let dir = gctx.config.cargo_home().join("log");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let hash = ws.map(|w| workspace_hash(&w.root));
    let mut out: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl") && p.is_file())
        .filter_map(|p| {
            let id = p.file_stem()?.to_str()?.to_string();
            is_run_id(&id).then_some((id, p))
        })
        .filter(|(id, _)| match &hash {
            Some(h) => id.rsplit_once('-').is_some_and(|(_, x)| x == h),
            None => true,
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(&a.0));
    out
}

/// An error shown as cargo shows its report diagnostics: the title, then
/// a note under it.
pub(super) fn no_sessions(title: &str, note: &str) -> anyhow::Error {
    anyhow::anyhow!("{title}\n  |\n  = note: {note}")
}

/// The session to report on: `--id`, else the newest of the workspace.
fn pick(
    gctx: &GlobalContext,
    ws: Option<&Workspace>,
    id: Option<&str>,
) -> anyhow::Result<(String, PathBuf)> {
    let all = sessions(gctx, ws);
    let at = match ws {
        Some(w) => format!(" for workspace at `{}`", w.root.display()),
        None => String::new(),
    };
    match id {
        Some(id) => match all.into_iter().find(|(s, _)| s == id) {
            Some(found) => Ok(found),
            None => Err(no_sessions(
                &format!("session `{id}` not found{at}"),
                "run `cargo report sessions` to list available sessions",
            )),
        },
        None => match all.into_iter().next() {
            Some(found) => Ok(found),
            None => Err(no_sessions(
                &format!("no sessions found{at}"),
                "run command with `-Z build-analysis` to generate log files",
            )),
        },
    }
}

/// `--id` must have a run id's form.
fn check_id(id: Option<&str>) -> anyhow::Result<()> {
    match id {
        Some(id) if !is_run_id(id) => bail!("{}", run_id_error(id)),
        _ => Ok(()),
    }
}

/// A session to report on: the workspace (if any), its id, where its log
/// is and the log's messages.
pub(super) struct Session {
    pub ws: Option<Workspace>,
    pub id: String,
    pub path: PathBuf,
    pub messages: Vec<Value>,
}

/// `--id` checked, the session picked (`--id`, else the newest of the
/// workspace) and its log read.
pub(super) fn open(
    gctx: &GlobalContext,
    id: Option<&str>,
    manifest_path: Option<&Path>,
) -> anyhow::Result<Session> {
    check_id(id)?;
    let ws = workspace(gctx, manifest_path);
    let (id, path) = pick(gctx, ws.as_ref(), id)?;
    let messages = read(&path)?;
    Ok(Session {
        ws,
        id,
        path,
        messages,
    })
}

/// The messages kinds a log holds.
const REASONS: &[&str] = &[
    "build-started",
    "resolution-started",
    "resolution-finished",
    "unit-graph-started",
    "unit-registered",
    "unit-graph-finished",
    "unit-fingerprint",
    "unit-started",
    "unit-rmeta-finished",
    "unit-section-started",
    "unit-section-finished",
    "unit-finished",
];

/// The messages of a log, up to the first that is not one (as cargo
/// reads them: a damaged tail is ignored, not an error).
fn read(path: &Path) -> anyhow::Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        anyhow::Error::new(e).context(format!("failed to analyze log at `{}`", path.display()))
    })?;
    let mut out = Vec::new();
    for v in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
        let Ok(v) = v else { break };
        let known = v
            .get("reason")
            .and_then(Value::as_str)
            .is_some_and(|r| REASONS.contains(&r));
        if !known {
            break;
        }
        out.push(v);
    }
    Ok(out)
}

/// A logged unit, as reports name it.
#[derive(Debug, Clone, Default)]
pub(super) struct LoggedUnit {
    pub name: String,
    pub version: String,
    pub target_kind: String,
    pub target_name: String,
    pub mode: String,
    pub dependencies: Vec<usize>,
}

impl LoggedUnit {
    pub fn from_message(v: &Value) -> LoggedUnit {
        let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
        let (name, version) = spec_name_version(&s(v.get("package_id")));
        LoggedUnit {
            name,
            version,
            target_kind: s(v.pointer("/target/kind")),
            target_name: s(v.pointer("/target/name")),
            mode: s(v.get("mode")),
            dependencies: v
                .get("dependencies")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.as_u64())
                        .map(|i| i as usize)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// cargo's description of the target and mode: nothing for a lib
    /// built or checked, ` build-script`, or ` name "kind"`, then the mode.
    pub fn target_description(&self) -> String {
        let base = match self.target_kind.as_str() {
            "lib" if matches!(self.mode.as_str(), "build" | "check") => String::new(),
            "build-script" => " build-script".to_string(),
            kind => format!(" {} \"{kind}\"", self.target_name),
        };
        let mode = match self.mode.as_str() {
            "test" => " (test)",
            "check" => " (check)",
            "doc" => " (doc)",
            "doctest" => " (doc test)",
            "docscrape" => " (doc scrape)",
            "run-custom-build" => " (run)",
            _ => "",
        };
        format!("{base}{mode}")
    }

    /// The target as `--timings` names it (`lib`, `bin "foo"`, `build
    /// script`, with ` doc` or ` test` for those modes).
    pub fn timing_target(&self) -> String {
        let base = match self.target_kind.as_str() {
            "lib" => "lib".to_string(),
            "build-script" => "build script".to_string(),
            kind => format!("{kind} \"{}\"", self.target_name),
        };
        match self.mode.as_str() {
            "doc" => format!("{base} doc"),
            "test" if matches!(self.target_kind.as_str(), "lib" | "bin") => format!("{base} test"),
            _ => base,
        }
    }

    /// `name@version` and the target description.
    pub fn describe(&self) -> String {
        format!(
            "{}@{}{}",
            self.name,
            self.version,
            self.target_description()
        )
    }
}

/// The name and version a package id spec names
/// (`path+file:///p/foo#0.1.0`, `registry+https://..#foo@0.1.0`).
fn spec_name_version(spec: &str) -> (String, String) {
    let (url, frag) = spec.rsplit_once('#').unwrap_or((spec, ""));
    match frag.split_once('@') {
        Some((n, v)) => (n.to_string(), v.to_string()),
        None => {
            let last = url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let version = if frag.is_empty() { "<n/a>" } else { frag };
            (last.to_string(), version.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_specs() {
        assert_eq!(
            spec_name_version("path+file:///r/foo/bar#0.0.0"),
            ("bar".into(), "0.0.0".into())
        );
        assert_eq!(
            spec_name_version("registry+https://x/index#serde@1.0.0"),
            ("serde".into(), "1.0.0".into())
        );
    }

    #[test]
    fn unit_descriptions() {
        let mut u = LoggedUnit {
            name: "foo".into(),
            version: "0.0.0".into(),
            target_kind: "lib".into(),
            target_name: "foo".into(),
            mode: "check".into(),
            ..LoggedUnit::default()
        };
        assert_eq!(u.describe(), "foo@0.0.0 (check)");
        u.mode = "doc".into();
        assert_eq!(u.describe(), "foo@0.0.0 foo \"lib\" (doc)");
        u.target_kind = "build-script".into();
        u.mode = "run-custom-build".into();
        assert_eq!(u.describe(), "foo@0.0.0 build-script (run)");
    }
}
