//! `report rebuilds`: why units of a session were rebuilt, the changes
//! that started it ("root rebuilds") and what each of them dragged along.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;

use super::logs::{self, LoggedUnit};
use crate::context::GlobalContext;

/// Roots listed without `--verbose`.
const SHOWN_ROOTS: usize = 5;

pub(super) fn run(
    gctx: &mut GlobalContext,
    id: Option<&str>,
    manifest_path: Option<&Path>,
) -> anyhow::Result<()> {
    let logs::Session {
        ws, id, messages, ..
    } = logs::open(gctx, id, manifest_path)?;
    let base = match &ws {
        Some(w) => w.root.clone(),
        None => gctx.cwd().to_path_buf(),
    };
    let mut units: HashMap<usize, LoggedUnit> = HashMap::new();
    // Units rebuilt (dirty or new), with the reason.
    let mut reasons: HashMap<usize, String> = HashMap::new();
    let (mut dirty, mut cached, mut new) = (0usize, 0usize, 0usize);
    for m in &messages {
        let index = m.get("index").and_then(Value::as_u64).map(|i| i as usize);
        match (m.get("reason").and_then(Value::as_str), index) {
            (Some("unit-registered"), Some(i)) => {
                units.insert(i, LoggedUnit::from_message(m));
            }
            (Some("unit-fingerprint"), Some(i)) => match m.get("status").and_then(Value::as_str) {
                Some("fresh") => cached += 1,
                Some("dirty") => {
                    dirty += 1;
                    let cause = m.get("cause").cloned().unwrap_or(Value::Null);
                    reasons.insert(i, cause_text(&cause, &base, &units));
                }
                Some("new") => {
                    new += 1;
                    reasons.insert(i, "fresh build".to_string());
                }
                _ => {}
            },
            _ => {}
        }
    }
    let verbose = gctx.args.verbose;
    let mut text = String::new();
    text.push_str(&format!("Session: {id}\n"));
    text.push_str(&format!(
        "Status: {dirty} {} rebuilt, {cached} cached, {new} new\n\n",
        plural(dirty)
    ));
    if dirty == 0 {
        gctx.shell.err().write_all(text.as_bytes())?;
        return Ok(());
    }
    let rebuilt: BTreeSet<usize> = reasons.keys().copied().collect();
    // Dependents among the rebuilt units.
    let mut dependents: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &rebuilt {
        for d in units
            .get(&i)
            .map(|u| u.dependencies.as_slice())
            .unwrap_or(&[])
        {
            if rebuilt.contains(d) {
                dependents.entry(*d).or_default().push(i);
            }
        }
    }
    let is_root = |i: &usize| {
        units
            .get(i)
            .is_none_or(|u| !u.dependencies.iter().any(|d| rebuilt.contains(d)))
    };
    let mut roots: Vec<(usize, Vec<usize>)> = rebuilt
        .iter()
        .filter(|i| is_root(i))
        .map(|&i| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![i];
            while let Some(j) = stack.pop() {
                for &k in dependents.get(&j).map(Vec::as_slice).unwrap_or(&[]) {
                    if seen.insert(k) {
                        stack.push(k);
                    }
                }
            }
            (i, seen.into_iter().collect())
        })
        .collect();
    let name = |i: usize| units.get(&i).map(|u| u.name.clone()).unwrap_or_default();
    roots.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(name(a.0).cmp(&name(b.0))));
    let cascading: usize = roots.iter().map(|(_, a)| a.len()).sum();
    text.push_str("Rebuild impact:\n");
    text.push_str(&format!(
        "  root rebuilds: {} {}\n",
        roots.len(),
        plural(roots.len())
    ));
    text.push_str(&format!(
        "  cascading:     {cascading} {}\n\n",
        plural(cascading)
    ));
    let shown = if verbose > 0 {
        roots.len()
    } else {
        SHOWN_ROOTS.min(roots.len())
    };
    let truncated = shown < roots.len();
    match truncated {
        true => text.push_str(&format!(
            "Root rebuilds: (top {shown} of {} by impact)\n",
            roots.len()
        )),
        false => text.push_str("Root rebuilds:\n"),
    }
    let describe = |i: usize| {
        units
            .get(&i)
            .map(LoggedUnit::describe)
            .unwrap_or_else(|| format!("unit {i}"))
    };
    for (n, (root, affected)) in roots.iter().take(shown).enumerate() {
        let reason = reasons.get(root).cloned().unwrap_or_default();
        text.push_str(&format!("  {n}. {}: {reason}\n", describe(*root)));
        match affected.len() {
            0 => text.push_str("     impact: no cascading rebuilds\n"),
            k => {
                text.push_str(&format!(
                    "     impact: {k} dependent {} rebuilt\n",
                    plural(k)
                ));
                if verbose >= 2 {
                    for &a in affected {
                        text.push_str(&format!("       - {}\n", describe(a)));
                    }
                }
            }
        }
    }
    gctx.shell.err().write_all(text.as_bytes())?;
    if truncated {
        writeln!(gctx.shell.err())?;
        gctx.shell
            .note("pass `--verbose` to show all root rebuilds")?;
    } else if verbose < 2 && roots.iter().any(|(_, a)| !a.is_empty()) {
        writeln!(gctx.shell.err())?;
        gctx.shell
            .note("pass `-vv` to show all affected rebuilt unit lists")?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "unit" } else { "units" }
}

/// cargo's words for a logged cause.
fn cause_text(cause: &Value, base: &Path, units: &HashMap<usize, LoggedUnit>) -> String {
    let s = |k: &str| match cause.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "<unset>".to_string(),
        Some(other) => other.to_string(),
    };
    let path = |k: &str| {
        let p = s(k);
        Path::new(&p)
            .strip_prefix(base)
            .map(|r| r.display().to_string())
            .unwrap_or(p)
    };
    let list = |k: &str| {
        cause
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let unit = |k: &str| {
        cause
            .get(k)
            .and_then(Value::as_u64)
            .and_then(|i| units.get(&(i as usize)))
            .map(LoggedUnit::describe)
    };
    let tag = |k: &str| cause.get(k).and_then(Value::as_str).unwrap_or_default();
    match tag("dirty_reason") {
        "rustc-changed" => "toolchain changed".into(),
        "features-changed" => format!("activated features changed: {} -> {}", s("old"), s("new")),
        "declared-features-changed" => {
            format!("declared features changed: {} -> {}", s("old"), s("new"))
        }
        "target-configuration-changed" => "target configuration changed".into(),
        "path-to-source-changed" => "path to source changed".into(),
        "profile-configuration-changed" => "profile configuration changed".into(),
        "rustflags-changed" => format!("rustflags changed: {} -> {}", list("old"), list("new")),
        "config-settings-changed" => "config settings changed".into(),
        "compile-kind-changed" => "compile target changed".into(),
        "local-lengths-changed" => "local lengths changed".into(),
        "precalculated-components-changed" => format!(
            "precalculated components changed: {} -> {}",
            s("old"),
            s("new")
        ),
        "env-var-changed" => format!(
            "environment variable changed ({}): {} -> {}",
            s("name"),
            s("old_value"),
            s("new_value")
        ),
        "unit-dependency-info-changed" => match unit("unit") {
            Some(u) => format!("dependency info changed: {u}"),
            None => "dependency info changed".into(),
        },
        "fs-status-outdated" => match tag("fs_status") {
            "stale-dependency" | "stale-dep-fingerprint" => match unit("unit") {
                Some(u) => format!("dependency rebuilt: {u}"),
                None => format!("dependency rebuilt: unit {}", s("unit")),
            },
            "stale-item" => match tag("stale_item") {
                "missing-file" => format!("file missing: {}", path("path")),
                "unable-to-read-file" => format!("unable to read file: {}", path("path")),
                "failed-to-read-metadata" => {
                    format!("failed to read file metadata: {}", path("path"))
                }
                "changed-file" => format!("file modified: {}", path("stale")),
                "changed-env" => format!(
                    "environment variable changed ({}): {} -> {}",
                    s("var"),
                    s("previous"),
                    s("current")
                ),
                _ => "filesystem status stale".into(),
            },
            _ => "filesystem status stale".into(),
        },
        "forced" => "forced rebuild".into(),
        _ => "nothing obvious".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn causes_in_cargos_words() {
        let units = HashMap::new();
        let base = Path::new("/ws");
        let changed = json!({
            "dirty_reason": "fs-status-outdated", "fs_status": "stale-item",
            "stale_item": "changed-file", "stale": "/ws/pkg2/src/lib.rs"
        });
        assert_eq!(
            cause_text(&changed, base, &units),
            "file modified: pkg2/src/lib.rs"
        );
        let env = json!({
            "dirty_reason": "fs-status-outdated", "fs_status": "stale-item",
            "stale_item": "changed-env", "var": "X", "previous": null, "current": "1"
        });
        assert_eq!(
            cause_text(&env, base, &units),
            "environment variable changed (X): <unset> -> 1"
        );
        let feats = json!({
            "dirty_reason": "declared-features-changed", "old": "[]", "new": "[\"feat\"]"
        });
        assert_eq!(
            cause_text(&feats, base, &units),
            "declared features changed: [] -> [\"feat\"]"
        );
    }
}
