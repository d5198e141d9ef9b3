//! Future-incompatibility reports: rustc's warnings about code a future
//! Rust will reject, kept in `.future-incompat-report.json` at the top of
//! the build directory (cargo's on-disk format, version 0, the last five
//! reports), announced at the end of a build and shown by
//! `mycargo report future-incompatibilities`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use mycargo_compiler::job_queue::FutureIncompatUnit;
use mycargo_core::PackageId;
use mycargo_util::shell::ColorChoice;
use serde::{Deserialize, Serialize};

use crate::context::GlobalContext;

const REPORT_FILE: &str = ".future-incompat-report.json";
const MAX_REPORTS: usize = 5;
const ON_DISK_VERSION: u32 = 0;

pub const REPORT_PREAMBLE: &str = "\
The following warnings were discovered during the build. These warnings are an
indication that the packages contain code that will become an error in a
future release of Rust. These warnings typically cover changes to close
soundness problems, unintended or undocumented behavior, or critical problems
that cannot be fixed in a backwards-compatible fashion, and are not expected
to be in wide use.

Each warning should contain a link for more information on what the warning
means and how to resolve it.
";

#[derive(Serialize, Deserialize)]
struct OnDiskReports {
    version: u32,
    next_id: u32,
    reports: Vec<OnDiskReport>,
}

#[derive(Serialize, Deserialize)]
struct OnDiskReport {
    id: u32,
    suggestion_message: String,
    /// `name@version` → the rendered warnings of that package.
    per_package: BTreeMap<String, String>,
}

impl Default for OnDiskReports {
    fn default() -> Self {
        OnDiskReports {
            version: ON_DISK_VERSION,
            next_id: 1,
            reports: Vec::new(),
        }
    }
}

impl OnDiskReports {
    fn load(build_dir: &Path) -> anyhow::Result<OnDiskReports> {
        let path = build_dir.join(REPORT_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("no reports are currently available")
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "failed to open Future incompatible report at {}",
                    path.display()
                )));
            }
        };
        let reports: OnDiskReports =
            serde_json::from_str(&text).context("failed to load report")?;
        if reports.version != ON_DISK_VERSION {
            bail!("unable to read reports; reports were saved from a future version of Cargo");
        }
        Ok(reports)
    }

    fn existing(&self, per_package: &BTreeMap<String, String>) -> Option<u32> {
        self.reports
            .iter()
            .find(|r| &r.per_package == per_package)
            .map(|r| r.id)
    }

    /// Keep a report (an identical one keeps its id); the id it has.
    fn save(
        mut self,
        build_dir: &Path,
        suggestion_message: String,
        per_package: BTreeMap<String, String>,
    ) -> anyhow::Result<u32> {
        if let Some(id) = self.existing(&per_package) {
            return Ok(id);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.reports.push(OnDiskReport {
            id,
            suggestion_message,
            per_package,
        });
        if self.reports.len() > MAX_REPORTS {
            self.reports.remove(0);
        }
        let bytes = serde_json::to_vec(&self)?;
        std::fs::create_dir_all(build_dir)?;
        mycargo_util::fs::write_atomic(&build_dir.join(REPORT_FILE), &bytes)?;
        Ok(id)
    }

    fn render(&self, id: u32, package: Option<&str>) -> anyhow::Result<String> {
        let Some(report) = self.reports.iter().find(|r| r.id == id) else {
            let ids: Vec<String> = self.reports.iter().map(|r| r.id.to_string()).collect();
            bail!(
                "could not find report with ID {id}\nAvailable IDs are: {}",
                ids.join(", ")
            );
        };
        let mut out = report.suggestion_message.clone();
        out.push('\n');
        match package {
            Some(p) => {
                let Some(text) = report.per_package.get(p) else {
                    let names: Vec<&str> = report.per_package.keys().map(String::as_str).collect();
                    bail!(
                        "could not find package with ID `{p}`\n\n                Available packages are: {}\n\n                Omit the `--package` flag to display a report for all packages",
                        names.join(", ")
                    );
                };
                out.push_str(text);
            }
            None => {
                let all: Vec<&str> = report.per_package.values().map(String::as_str).collect();
                out.push_str(&all.join("\n"));
            }
        }
        Ok(out)
    }
}

/// One package's warnings, as the build found them.
pub struct PackageReport {
    pub package_id: PackageId,
    pub is_local: bool,
    pub repository: Option<String>,
    pub rendered: Vec<String>,
}

/// The build's reports, by package, from what the job queue collected.
pub fn collect(
    units: &[FutureIncompatUnit],
    package_of: impl Fn(usize) -> (PackageId, Option<String>),
) -> Vec<PackageReport> {
    units
        .iter()
        .map(|u| {
            let (package_id, repository) = package_of(u.pkg);
            PackageReport {
                is_local: package_id.source_id().is_path(),
                package_id,
                repository,
                rendered: u.items.iter().map(|i| i.rendered.clone()).collect(),
            }
        })
        .collect()
}

fn spec(id: &PackageId) -> String {
    format!("{}@{}", id.name(), id.version())
}

fn render(reports: &[PackageReport]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for r in reports {
        let text = out.entry(spec(&r.package_id)).or_default();
        text.push_str(&format!(
            "The package `{}` currently triggers the following future incompatibility lints:\n",
            r.package_id
        ));
        for rendered in &r.rendered {
            for line in rendered.lines() {
                text.push_str(&format!("> {line}\n"));
            }
        }
    }
    out
}

/// After `Finished`: keep the build's report and announce it (unless
/// `future-incompat-report.frequency = "never"` and the flag was not
/// given); with `--future-incompat-report` and nothing to report, say so.
pub fn save_and_display(
    gctx: &mut GlobalContext,
    build_dir: &Path,
    reports: &[PackageReport],
    flag: bool,
) -> anyhow::Result<()> {
    let display = match gctx.config.get_string("future-incompat-report.frequency") {
        Ok(Some(v)) => match v.val.as_str() {
            "always" => true,
            "never" => false,
            other => {
                gctx.shell.warn(format!(
                    "failed to read future-incompat config from disk\n\nCaused by:\n  unknown variant `{other}`, expected `always` or `never`"
                ))?;
                true
            }
        },
        Ok(None) => true,
        Err(e) => {
            gctx.shell.warn(format!(
                "failed to read future-incompat config from disk\n\nCaused by:\n  {e:#}"
            ))?;
            true
        }
    };
    if reports.is_empty() {
        if flag {
            gctx.shell
                .note("0 dependencies had future-incompatible warnings")?;
        }
        return Ok(());
    }
    let current = OnDiskReports::load(build_dir).unwrap_or_default();
    let per_package = render(reports);
    let next_id = current.existing(&per_package).unwrap_or(current.next_id);
    let ids: BTreeSet<&PackageId> = reports.iter().map(|r| &r.package_id).collect();
    let suggestions = suggestions(reports, &ids, next_id);
    let message = if suggestions.is_empty() {
        String::new()
    } else {
        let mut m = "to solve this problem, you can try the following approaches:\n".to_string();
        for s in &suggestions {
            m.push_str(&format!("\n- {s}\n"));
        }
        m
    };
    let id = match current.save(build_dir, message, per_package) {
        Ok(id) => id,
        Err(e) => {
            gctx.shell.warn(format!(
                "failed to write on-disk future incompatible report\n\nCaused by:\n  {e:#}"
            ))?;
            next_id
        }
    };
    if !(display || flag) {
        return Ok(());
    }
    let names: Vec<String> = ids.iter().map(|p| p.to_string()).collect();
    gctx.shell.warn(format!(
        "the following packages contain code that will be rejected by a future version of Rust: {}",
        names.join(", ")
    ))?;
    if flag {
        for s in &suggestions {
            gctx.shell.help(s)?;
        }
        gctx.shell.note(format!(
            "this report can be shown with `cargo report future-incompatibilities --id {id}`"
        ))?;
    } else {
        gctx.shell.note(format!(
            "to see what the problems were, use the option `--future-incompat-report`, or run `cargo report future-incompatibilities --id {id}`"
        ))?;
    }
    Ok(())
}

/// cargo's advice for reports that name dependencies (none when every
/// package is the user's own).
fn suggestions(reports: &[PackageReport], ids: &BTreeSet<&PackageId>, id: u32) -> Vec<String> {
    if reports.iter().all(|r| r.is_local) {
        return Vec::new();
    }
    let upstream: Vec<String> = ids
        .iter()
        .map(|p| {
            let repo = reports
                .iter()
                .find(|r| &&r.package_id == p)
                .and_then(|r| r.repository.clone())
                .unwrap_or_else(|| "<not found>".to_string());
            let s = spec(p);
            format!(
                "  - {s}\n  - repository: {repo}\n  - detailed warning command: `cargo report future-incompatibilities --id {id} --package {s}`"
            )
        })
        .collect();
    vec![
        format!(
            "ensure the maintainers know of this problem (e.g. creating a bug report if needed)\nor even helping with a fix (e.g. by creating a pull request)\n{}",
            upstream.join("\n\n")
        ),
        "use your own version of the dependency with the `[patch]` section in `Cargo.toml`\nFor more information, see:\nhttps://doc.rust-lang.org/cargo/reference/overriding-dependencies.html#the-patch-section".to_string(),
    ]
}

/// `mycargo report future-incompatibilities [--id N] [-p SPEC]`.
pub fn report(
    gctx: &mut GlobalContext,
    build_dir: &Path,
    id: Option<&str>,
    package: Option<&str>,
) -> anyhow::Result<()> {
    let reports = OnDiskReports::load(build_dir)?;
    let id = match id {
        Some(s) => s.parse::<u32>().map_err(|e| {
            anyhow::anyhow!("invalid value: could not parse `{s}` as a number\n\nCaused by:\n  {e}")
        })?,
        None => match reports.reports.last() {
            Some(r) => r.id,
            None => bail!("no reports are currently available"),
        },
    };
    let text = reports.render(id, package)?;
    // The rendered warnings keep rustc's colours for a terminal.
    let color = match gctx.shell.color_choice() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    };
    let text = match color {
        true => text,
        false => mycargo_compiler::diagnostics::strip_ansi(&text),
    };
    let out = gctx.shell.out();
    writeln!(out, "{REPORT_PREAMBLE}")?;
    write!(out, "{text}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_reports_keep_their_id_and_only_five_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = |n: &str| BTreeMap::from([(n.to_string(), format!("text {n}\n"))]);
        let first = OnDiskReports::default()
            .save(dir.path(), String::new(), pkg("a@1.0.0"))
            .unwrap();
        let again = OnDiskReports::load(dir.path())
            .unwrap()
            .save(dir.path(), String::new(), pkg("a@1.0.0"))
            .unwrap();
        assert_eq!((first, again), (1, 1));
        for n in 0..6 {
            OnDiskReports::load(dir.path())
                .unwrap()
                .save(dir.path(), String::new(), pkg(&format!("b{n}@1.0.0")))
                .unwrap();
        }
        let all = OnDiskReports::load(dir.path()).unwrap();
        let ids: Vec<u32> = all.reports.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![3, 4, 5, 6, 7]);
        assert!(all.render(1, None).is_err());
        assert_eq!(
            all.render(7, Some("b5@1.0.0")).unwrap(),
            "\ntext b5@1.0.0\n"
        );
        let missing = all.render(7, Some("zz@1.0.0")).unwrap_err().to_string();
        assert!(
            missing.contains("Available packages are: b5@1.0.0"),
            "{missing}"
        );
    }
}
