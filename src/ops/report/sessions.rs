//! `report sessions`: the logged build sessions, newest first.

use std::path::Path;

use super::logs;
use crate::context::GlobalContext;

pub(super) fn run(
    gctx: &mut GlobalContext,
    limit: u32,
    manifest_path: Option<&Path>,
) -> anyhow::Result<()> {
    let ws = logs::workspace(gctx, manifest_path);
    let all = logs::sessions(gctx, ws.as_ref());
    if all.is_empty() {
        let at = match &ws {
            Some(w) => format!(" for workspace at `{}`", w.root.display()),
            None => String::new(),
        };
        return Err(logs::no_sessions(
            &format!("no sessions found{at}"),
            "run build commands with `-Z build-analysis` to generate log files",
        ));
    }
    let mut text = match &ws {
        Some(w) => format!(
            "Session IDs for `{}` (most recent first):\n\n",
            w.root.display()
        ),
        None => "Session IDs (most recent first):\n\n".to_string(),
    };
    let limit = limit as usize;
    for (id, _) in all.iter().take(limit) {
        text.push_str(&format!(" - {id}\n"));
    }
    if all.len() > limit {
        text.push_str("\n... and more (use --limit N to see more)\n");
    }
    gctx.shell.err().write_all(text.as_bytes())?;
    Ok(())
}
