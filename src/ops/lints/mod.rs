//! cargo's own lints of manifests (`-Z cargo-lints`, `[lints.cargo]`):
//! which level each lint has, the checks, and their reports with the
//! manifest's text (rendered by `annotate-snippets`, as cargo renders them).
//!
//! The checks read the manifests as written (spans and all), once the
//! workspace is loaded and before anything is resolved, as cargo does.

mod levels;
mod rules;

use std::path::Path;

use annotate_snippets::{Group, Renderer};
use anyhow::bail;
use mycargo_manifest::Workspace;

use crate::context::GlobalContext;
pub use levels::{Level, LintLevels};

/// One manifest's text and parsed document (with spans).
pub struct Source {
    /// The path shown in reports (relative to the working directory).
    pub shown: String,
    pub text: String,
    pub doc: toml_edit::Document<String>,
}

impl Source {
    fn read(path: &Path, cwd: &Path) -> Option<Source> {
        let text = std::fs::read_to_string(path).ok()?;
        let doc = toml_edit::Document::parse(text.clone()).ok()?;
        let shown = path.strip_prefix(cwd).unwrap_or(path).display().to_string();
        Some(Source { shown, text, doc })
    }
}

/// Counts errors while printing the reports.
pub struct Reporter<'a> {
    gctx: &'a mut GlobalContext,
    errors: usize,
    /// Unstable lints named without their feature.
    verify_errors: usize,
}

impl Reporter<'_> {
    /// Print one report (title group, then help groups). Lint reports are
    /// printed even under `--quiet`, as cargo prints them.
    pub fn emit(&mut self, level: Level, report: &[Group<'_>]) -> anyhow::Result<()> {
        if level.is_error() {
            self.errors += 1;
        }
        let renderer = if self.gctx.shell.err_supports_color() {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        // Long lines are shown whole, as cargo shows them off a terminal.
        let renderer = renderer.term_width(usize::MAX / 2);
        let text = renderer.render(report);
        writeln!(self.gctx.shell.err(), "{text}")?;
        Ok(())
    }

    /// An error of the tables themselves (an unstable lint named without
    /// its feature): these fail the command before the lints' own errors.
    pub fn emit_verify_error(&mut self, report: &[Group<'_>]) -> anyhow::Result<()> {
        self.verify_errors += 1;
        self.emit(Level::Warn, report)
    }
}

/// Run every lint of the workspace (`-Z cargo-lints` only). An error-level
/// report fails the command once all are printed.
pub fn run(gctx: &mut GlobalContext, ws: &Workspace) -> anyhow::Result<()> {
    if !gctx.unstable.cargo_lints {
        return Ok(());
    }
    let cwd = gctx.env.cwd().to_path_buf();
    let target_dir =
        crate::ops::compile::settings::target_dir(gctx, None, ws.default_target_dir())?;
    let Some(root) = Source::read(ws.root_manifest(), &cwd) else {
        return Ok(());
    };
    let is_workspace = root.doc.as_table().contains_key("workspace");
    let mut reporter = Reporter {
        gctx,
        errors: 0,
        verify_errors: 0,
    };

    // The workspace's own table and checks.
    let ws_table = if is_workspace {
        levels::lint_table(&root.doc, &["workspace", "lints", "cargo"])
    } else {
        levels::lint_table(&root.doc, &["lints", "cargo"])
    };
    let ws_levels = LintLevels::new(ws_table, features_of(&root), None);
    let ws_prefix: &[&str] = if is_workspace {
        &["workspace", "lints", "cargo"]
    } else {
        &["lints", "cargo"]
    };
    rules::unknown_lints(&mut reporter, &root, &ws_levels, ws_prefix)?;
    if is_workspace {
        rules::unused_workspace_dependencies(&mut reporter, &root, &ws_levels, ws)?;
        rules::unused_workspace_package_fields(&mut reporter, &root, &ws_levels, ws)?;
        rules::implicit_minimum_version_req_ws(&mut reporter, &root, &ws_levels)?;
    }

    for member in ws.members() {
        let same_file = member.manifest_path == ws.root_manifest();
        let own;
        let source = if same_file {
            &root
        } else {
            match Source::read(&member.manifest_path, &cwd) {
                Some(s) => {
                    own = s;
                    &own
                }
                None => continue,
            }
        };
        let inherits = levels::inherits_workspace_lints(&source.doc);
        let table = if inherits {
            levels::lint_table(&root.doc, &["workspace", "lints", "cargo"])
        } else {
            levels::lint_table(&source.doc, &["lints", "cargo"])
        };
        let rust_version = member
            .rust_version
            .as_ref()
            .map(|v| (v.0.major, v.0.minor.unwrap_or(0)));
        let lv = LintLevels::new(table, features_of(source), rust_version);
        if !same_file && !inherits {
            rules::unknown_lints(&mut reporter, source, &lv, &["lints", "cargo"])?;
        }
        rules::im_a_teapot(&mut reporter, source, &lv)?;
        rules::implicit_minimum_version_req_pkg(&mut reporter, source, &lv)?;
        rules::package_name_case(&mut reporter, source, &lv, member.name())?;
        rules::bin_name_case(&mut reporter, source, &lv, member, &target_dir)?;
        rules::feature_name_case(&mut reporter, source, &lv)?;
        rules::redundant_readme(&mut reporter, source, &lv)?;
        rules::redundant_homepage(&mut reporter, source, &lv, member)?;
        if is_workspace {
            rules::missing_lints_inheritance(&mut reporter, source, &lv, &root)?;
        }
    }
    match reporter.verify_errors {
        0 => {}
        1 => bail!("encountered 1 error while verifying lints"),
        n => bail!("encountered {n} errors while verifying lints"),
    }
    match reporter.errors {
        0 => Ok(()),
        1 => bail!("encountered 1 error while running lints"),
        n => bail!("encountered {n} errors while running lints"),
    }
}

/// The manifest's `cargo-features`.
fn features_of(source: &Source) -> Vec<String> {
    source
        .doc
        .as_table()
        .get("cargo-features")
        .and_then(|i| i.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
