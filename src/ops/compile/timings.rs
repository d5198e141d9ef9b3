//! `--timings`: the HTML report of a build, in `target/cargo-timings/`
//! (`cargo-timing.html` and a copy named by the time it started), with
//! cargo's sections: a summary, the unit timeline (with the moment each
//! unit's metadata was ready), the concurrency over time, and a table of
//! every unit, which also marks the build's critical path (beyond cargo). The data is also embedded as JSON (`<script
//! id="timing-data">`) so tools can read the report without scraping it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mycargo_compiler::timings::Timings;

/// What the summary names besides the units.
pub struct Context<'a> {
    pub profile: &'a str,
    pub targets: String,
    pub rustc_version: &'a str,
    pub host: &'a str,
    pub jobs: u32,
    /// Seconds since the epoch when the build began.
    pub started: u64,
}

/// Write the report; the path of the timestamped copy.
pub fn write(target_dir: &Path, timings: &Timings, cx: &Context<'_>) -> anyhow::Result<PathBuf> {
    let dir = target_dir.join("cargo-timings");
    std::fs::create_dir_all(&dir)?;
    let stamp = mycargo_util::time::rfc3339(cx.started).replace(['-', ':'], "");
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_millis())
        .unwrap_or_default();
    let stamp = stamp.replace('Z', &format!(".{millis:03}Z"));
    let html = render(timings, cx)?;
    let named = dir.join(format!("cargo-timing-{stamp}.html"));
    mycargo_util::fs::write_atomic(&named, &html)?;
    mycargo_util::fs::write_atomic(&dir.join("cargo-timing.html"), &html)?;
    Ok(named)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report's HTML.
pub fn render(timings: &Timings, cx: &Context<'_>) -> anyhow::Result<String> {
    let units = timings.recorded();
    let total = timings.total.max(1e-9);
    let fresh = units.iter().filter(|u| u.fresh).count();
    let max_active = timings
        .concurrency
        .iter()
        .map(|c| c.active)
        .max()
        .unwrap_or(0);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Cargo Build Timings</title>\n<style>\n");
    h.push_str("body{font-family:sans-serif} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}\n");
    h.push_str(".bar{position:relative;height:14px;background:#eee;width:800px}\n.bar div{position:absolute;height:14px}\n.run{background:#95cce8}.meta{background:#aa95e8}.fresh{background:#ccc}\n");
    h.push_str("</style>\n</head>\n<body>\n<h1>Cargo Build Timings</h1>\n");

    // Summary.
    h.push_str("<h2>Summary</h2>\n<table class=\"summary\">\n");
    let rows = [
        ("Targets:", cx.targets.clone()),
        ("Profile:", cx.profile.to_string()),
        ("Fresh units:", fresh.to_string()),
        ("Dirty units:", (units.len() - fresh).to_string()),
        ("Total units:", units.len().to_string()),
        (
            "Max concurrency:",
            format!("{max_active} (jobs={})", cx.jobs),
        ),
        ("Build start:", mycargo_util::time::rfc3339(cx.started)),
        ("Total time:", format!("{:.1}s", timings.total)),
        (
            "rustc:",
            cx.rustc_version.lines().next().unwrap_or("").to_string(),
        ),
        ("Host:", cx.host.to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
    }
    h.push_str("</table>\n");

    // Timeline: one bar per unit, the metadata part marked.
    h.push_str("<h2>Unit timeline</h2>\n<table class=\"timeline\">\n");
    for u in &units {
        let left = 100.0 * u.start / total;
        let width = (100.0 * u.duration / total).max(0.2);
        let class = if u.fresh { "fresh" } else { "run" };
        let mut bar =
            format!("<div class=\"{class}\" style=\"left:{left:.2}%;width:{width:.2}%\"></div>");
        if let Some(r) = u.rmeta {
            let mw = (100.0 * r / total).max(0.1);
            let _ = write!(
                bar,
                "<div class=\"meta\" style=\"left:{left:.2}%;width:{mw:.2}%\" title=\"metadata ready at {r:.2}s\"></div>"
            );
        }
        let _ = writeln!(
            h,
            "<tr><td>{} {}</td><td><div class=\"bar\">{bar}</div></td></tr>",
            esc(&u.package),
            esc(&u.target)
        );
    }
    h.push_str("</table>\n");

    // Concurrency over time.
    h.push_str("<h2>Concurrency</h2>\n<table class=\"concurrency\">\n<tr><th>Time</th><th>Active</th><th>Waiting</th><th>Inactive</th><th>CPU use</th></tr>\n");
    for c in &timings.concurrency {
        let cpu = c.cpu.map(|p| format!("{p:.0}%")).unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td>{:.2}s</td><td>{}</td><td>{}</td><td>{}</td><td>{cpu}</td></tr>",
            c.t, c.active, c.waiting, c.inactive
        );
    }
    h.push_str("</table>\n");

    // Every unit, slowest first.
    let mut by_time = units.clone();
    by_time.sort_by(|a, b| b.duration.total_cmp(&a.duration));
    h.push_str("<h2>Units</h2>\n<table class=\"units\">\n<tr><th></th><th>Unit</th><th>Total</th><th>Codegen</th><th>Unlocked</th><th>Critical path</th></tr>\n");
    for (n, u) in by_time.iter().enumerate() {
        let codegen = match u.rmeta {
            Some(r) if u.duration > r => format!(
                "{:.2}s ({:.0}%)",
                u.duration - r,
                100.0 * (u.duration - r) / u.duration.max(1e-9)
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}.</td><td>{} {}{}</td><td>{:.2}s</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            n + 1,
            esc(&u.package),
            esc(&u.target),
            if u.fresh { " (fresh)" } else { "" },
            u.duration,
            codegen,
            u.unlocked,
            if u.critical { "yes" } else { "" }
        );
    }
    h.push_str("</table>\n");

    // The same data for tools.
    let data = serde_json::json!({
        "total": timings.total,
        "units": units,
        "concurrency": timings.concurrency,
    });
    let json = serde_json::to_string(&data)?.replace("</", "<\\/");
    let _ = writeln!(
        h,
        "<script type=\"application/json\" id=\"timing-data\">{json}</script>"
    );
    h.push_str("</body>\n</html>\n");
    Ok(h)
}

/// `--timings=json`: one `timing-info` line per unit on stdout, then a
/// `timing-summary` line with the build's wall time and critical path.
pub fn write_json_lines(
    shell: &mut mycargo_util::Shell,
    t: &mycargo_compiler::timings::Timings,
) -> anyhow::Result<()> {
    let units = t.recorded();
    let out = shell.out();
    for u in &units {
        let line = serde_json::json!({
            "reason": "timing-info",
            "package": u.package,
            "target": u.target,
            "mode": u.mode,
            "start": u.start,
            "duration": u.duration,
            "rmeta_time": u.rmeta,
            "fresh": u.fresh,
            "unlocked_units": u.unlocked,
            "critical_path": u.critical,
        });
        writeln!(out, "{line}")?;
    }
    let critical: Vec<String> = units
        .iter()
        .filter(|u| u.critical)
        .map(|u| format!("{} ({})", u.package, u.target))
        .collect();
    let summary = serde_json::json!({
        "reason": "timing-summary",
        "total": t.total,
        "units": units.len(),
        "critical_path": critical,
    });
    writeln!(out, "{summary}")?;
    Ok(())
}
