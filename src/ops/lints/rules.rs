//! The lints themselves: each finds what it reports in a manifest as
//! written and builds cargo's report.

use std::collections::BTreeSet;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level as SLevel, Origin, Patch, Snippet};
use mycargo_manifest::Workspace;

use super::levels::{self, LintLevels, Resolved, table_at};
use super::{Reporter, Source};

/// The dependency tables of a manifest, as written.
const DEP_TABLES: &[&str] = &[
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// The dependency tables named `names` of a manifest as written, top-level
/// ones first, then each `[target.<platform>]`'s.
fn dep_tables<'d>(root: &'d toml_edit::Table, names: &[&str]) -> Vec<&'d dyn toml_edit::TableLike> {
    let of = |t: &'d dyn toml_edit::TableLike| {
        names
            .iter()
            .filter_map(move |n| t.get(n).and_then(|i| i.as_table_like()))
            .collect::<Vec<_>>()
    };
    let mut out = of(root);
    if let Some(targets) = root.get("target").and_then(|i| i.as_table_like()) {
        for (_, platform) in targets.iter() {
            if let Some(platform) = platform.as_table_like() {
                out.extend(of(platform));
            }
        }
    }
    out
}

fn note(lint: &str, r: &Resolved) -> String {
    format!(
        "`cargo::{lint}` is set to `{}` {}",
        r.level.as_str(),
        r.reason
    )
}

fn snippet<'a>(source: &'a Source) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    Snippet::source(&source.text).path(&source.shown)
}

fn patch<'a>(
    source: &'a Source,
    range: Range<usize>,
    replacement: String,
) -> Snippet<'a, Patch<'a>> {
    Snippet::source(&source.text)
        .path(&source.shown)
        .patch(Patch::new(range, replacement))
}

/// The span of `key = value` in a table: key start to value end.
fn key_value_span(
    table: &dyn toml_edit::TableLike,
    key: &str,
) -> Option<(Range<usize>, Range<usize>)> {
    let (k, item) = table.get_key_value(key)?;
    let key_span = k.span()?;
    let value_span = item_span(item)?;
    Some((key_span, value_span))
}

fn item_span(item: &toml_edit::Item) -> Option<Range<usize>> {
    match item {
        toml_edit::Item::Value(v) => v.span(),
        toml_edit::Item::Table(t) => t.span(),
        toml_edit::Item::ArrayOfTables(a) => a.span(),
        toml_edit::Item::None => None,
    }
}

/// Keys of `[lints.cargo]` (or the workspace's) that name no lint or group.
pub fn unknown_lints(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
    prefix: &[&str],
) -> anyhow::Result<()> {
    const LINT: &str = "unknown_lints";
    let r = lv.level(LINT);
    let Some(table) = table_at(&source.doc, prefix) else {
        return Ok(());
    };
    let mut first = true;
    for (name, _) in table.iter() {
        if let Some(feature) = levels::gate_of(name)
            && !lv.has_feature(feature)
        {
            let Some((key, _)) = key_value_span(table, name) else {
                continue;
            };
            let title = format!("use of unstable lint `{name}`");
            let label = format!("this is behind `{feature}`, which is not enabled");
            let help = format!(
                "consider adding `cargo-features = [\"{feature}\"]` to the top of the manifest"
            );
            let group = Group::with_title(annotate_snippets::Level::ERROR.primary_title(&title))
                .element(
                    snippet(source).annotation(AnnotationKind::Primary.span(key).label(&label)),
                )
                .element(SLevel::HELP.message(&help));
            reporter.emit_verify_error(&[group])?;
            continue;
        }
        if levels::find_lint(name).is_some()
            || levels::find_group(name).is_some()
            || r.level == levels::Level::Allow
        {
            continue;
        }
        let Some((key, _)) = key_value_span(table, name) else {
            continue;
        };
        let title = format!("unknown lint: `{name}`");
        let mut group = Group::with_title(r.level.snippet_level().primary_title(&title))
            .element(snippet(source).annotation(AnnotationKind::Primary.span(key)));
        if first {
            group = group.element(SLevel::NOTE.message(note(LINT, &r)));
        }
        let underscored = name.replace('-', "_");
        let similar = if levels::find_lint(&underscored).is_some() {
            Some(format!(
                "there is a lint with a similar name: `{underscored}`"
            ))
        } else if levels::find_group(&underscored).is_some() {
            Some(format!(
                "there is a group with a similar name: `{underscored}`"
            ))
        } else {
            None
        };
        if let Some(help) = &similar {
            group = group.element(SLevel::HELP.message(help));
        }
        reporter.emit(r.level, &[group])?;
        first = false;
    }
    Ok(())
}

/// `package.im-a-teapot` (the testing lint behind `test-dummy-unstable`).
pub fn im_a_teapot(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
) -> anyhow::Result<()> {
    const LINT: &str = "im_a_teapot";
    let r = lv.level(LINT);
    if r.level == levels::Level::Allow {
        return Ok(());
    }
    let Some(package) = table_at(&source.doc, &["package"]) else {
        return Ok(());
    };
    let Some((key, value)) = key_value_span(package, "im-a-teapot") else {
        return Ok(());
    };
    let group = Group::with_title(
        r.level
            .snippet_level()
            .primary_title("`im_a_teapot` is specified"),
    )
    .element(snippet(source).annotation(AnnotationKind::Primary.span(key.start..value.end)))
    .element(SLevel::NOTE.message(note(LINT, &r)));
    reporter.emit(r.level, &[group])
}

/// The version requirement of a dependency entry, with its span: a string,
/// or `version` of a table; none for `workspace = true`.
fn requirement(item: &toml_edit::Item) -> Option<(String, Range<usize>)> {
    if let Some(s) = item.as_str() {
        return Some((s.to_string(), item_span(item)?));
    }
    let t = item.as_table_like()?;
    if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
        return None;
    }
    let v = t.get("version")?;
    Some((v.as_str()?.to_string(), item_span(v)?))
}

/// A requirement with every caret (or `>=`) comparator given in full, or
/// `None` when it already is (wildcards, `=`, `~`, `<`, `<=`, `>` never
/// count as implicit).
fn full_requirement(req: &str) -> Option<String> {
    let mut changed = false;
    let mut parts = Vec::new();
    for comparator in req.split(',') {
        let c = comparator.trim();
        let (op, version) = if let Some(v) = c.strip_prefix(">=") {
            (">=", v.trim())
        } else if let Some(v) = c.strip_prefix('^') {
            ("", v.trim())
        } else if c.starts_with(['=', '~', '<', '>']) {
            parts.push(c.to_string());
            continue;
        } else {
            ("", c)
        };
        if version.contains('*') || version.contains(['x', 'X']) {
            parts.push(c.to_string());
            continue;
        }
        let (core, rest) = match version.find(['-', '+']) {
            Some(i) => version.split_at(i),
            None => (version, ""),
        };
        let n = core.split('.').count();
        if n >= 3 {
            parts.push(c.to_string());
            continue;
        }
        changed = true;
        let mut full = core.to_string();
        for _ in n..3 {
            full.push_str(".0");
        }
        parts.push(format!("{op}{full}{rest}"));
    }
    changed.then(|| parts.join(", "))
}

/// Report every implicit requirement of the dependency tables in `tables`.
fn implicit_reqs_in<'a>(
    source: &Source,
    tables: impl Iterator<Item = &'a dyn toml_edit::TableLike>,
    found: &mut Vec<(Range<usize>, String)>,
) {
    for table in tables {
        for (_, item) in table.iter() {
            let Some((req, span)) = requirement(item) else {
                continue;
            };
            if let Some(full) = full_requirement(&req) {
                let quoted = source.text.get(span.clone()).unwrap_or_default();
                let quote = if quoted.starts_with('\'') { "'" } else { "\"" };
                found.push((span, format!("{quote}{full}{quote}")));
            }
        }
    }
}

fn report_implicit_reqs(
    reporter: &mut Reporter<'_>,
    source: &Source,
    r: &Resolved,
    found: Vec<(Range<usize>, String)>,
) -> anyhow::Result<()> {
    const LINT: &str = "implicit_minimum_version_req";
    for (i, (span, replacement)) in found.into_iter().enumerate() {
        let mut group =
            Group::with_title(r.level.snippet_level().primary_title(
                "dependency version requirement without an explicit minimum version",
            ))
            .element(
                snippet(source).annotation(
                    AnnotationKind::Primary
                        .span(span.clone())
                        .label("missing full version components"),
                ),
            );
        if i == 0 {
            group = group.element(SLevel::NOTE.message(note(LINT, r)));
        }
        let help = Group::with_title(
            SLevel::HELP
                .secondary_title("consider specifying full `major.minor.patch` version components"),
        )
        .element(patch(source, span, replacement));
        reporter.emit(r.level, &[group, help])?;
    }
    Ok(())
}

/// Dependencies of a package whose requirement leaves out the minor or
/// patch version (`dep = "1"`).
pub fn implicit_minimum_version_req_pkg(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
) -> anyhow::Result<()> {
    let r = lv.level("implicit_minimum_version_req");
    if r.level == levels::Level::Allow {
        return Ok(());
    }
    let tables = dep_tables(source.doc.as_table(), DEP_TABLES);
    let mut found = Vec::new();
    implicit_reqs_in(source, tables.into_iter(), &mut found);
    report_implicit_reqs(reporter, source, &r, found)
}

/// The same for `[workspace.dependencies]`.
pub fn implicit_minimum_version_req_ws(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
) -> anyhow::Result<()> {
    let r = lv.level("implicit_minimum_version_req");
    if r.level == levels::Level::Allow {
        return Ok(());
    }
    let Some(table) = table_at(&source.doc, &["workspace", "dependencies"]) else {
        return Ok(());
    };
    let mut found = Vec::new();
    implicit_reqs_in(source, std::iter::once(table), &mut found);
    report_implicit_reqs(reporter, source, &r, found)
}

/// `[workspace.dependencies]` entries no member inherits.
pub fn unused_workspace_dependencies(
    reporter: &mut Reporter<'_>,
    root: &Source,
    lv: &LintLevels,
    ws: &Workspace,
) -> anyhow::Result<()> {
    let unused = UnusedInWorkspace {
        lint: "unused_workspace_dependencies",
        table: &["workspace", "dependencies"],
        title: "unused workspace dependency",
        help: "consider removing the unused dependency",
        sorted: true,
    };
    unused.report(reporter, root, lv, ws, |doc| {
        dep_tables(doc.as_table(), DEP_TABLES)
    })
}

/// `[workspace.package]` fields no member inherits.
pub fn unused_workspace_package_fields(
    reporter: &mut Reporter<'_>,
    root: &Source,
    lv: &LintLevels,
    ws: &Workspace,
) -> anyhow::Result<()> {
    let unused = UnusedInWorkspace {
        lint: "unused_workspace_package_fields",
        table: &["workspace", "package"],
        title: "unused field in `workspace.package`",
        help: "consider removing the unused field",
        sorted: false,
    };
    unused.report(reporter, root, lv, ws, |doc| {
        table_at(doc, &["package"]).into_iter().collect()
    })
}

/// A workspace table whose entries members inherit with `key.workspace =
/// true`: each entry none inherits is reported, with its removal.
struct UnusedInWorkspace {
    lint: &'static str,
    table: &'static [&'static str],
    title: &'static str,
    help: &'static str,
    /// Reported by name (else in the table's order).
    sorted: bool,
}

impl UnusedInWorkspace {
    fn report(
        &self,
        reporter: &mut Reporter<'_>,
        root: &Source,
        lv: &LintLevels,
        ws: &Workspace,
        inheriting: impl for<'d> Fn(
            &'d toml_edit::Document<String>,
        ) -> Vec<&'d dyn toml_edit::TableLike>,
    ) -> anyhow::Result<()> {
        let r = lv.level(self.lint);
        if r.level == levels::Level::Allow {
            return Ok(());
        }
        let Some(table) = table_at(&root.doc, self.table) else {
            return Ok(());
        };
        let mut inherited = BTreeSet::new();
        for member in ws.members() {
            let Ok(text) = std::fs::read_to_string(&member.manifest_path) else {
                continue;
            };
            let Ok(doc) = toml_edit::Document::parse(text) else {
                continue;
            };
            for t in inheriting(&doc) {
                for (name, item) in t.iter() {
                    let inherits = item
                        .as_table_like()
                        .and_then(|d| d.get("workspace"))
                        .and_then(|w| w.as_bool())
                        == Some(true);
                    if inherits {
                        inherited.insert(name.to_string());
                    }
                }
            }
        }
        let mut names: Vec<&str> = table.iter().map(|(k, _)| k).collect();
        if self.sorted {
            names.sort();
        }
        let mut first = true;
        for name in names {
            if inherited.contains(name) {
                continue;
            }
            let Some((key, value)) = key_value_span(table, name) else {
                continue;
            };
            let mut group = Group::with_title(r.level.snippet_level().primary_title(self.title))
                .element(snippet(root).annotation(AnnotationKind::Primary.span(key.clone())));
            if first {
                group = group.element(SLevel::NOTE.message(note(self.lint, &r)));
            }
            let help = Group::with_title(SLevel::HELP.secondary_title(self.help)).element(patch(
                root,
                key.start..value.end,
                String::new(),
            ));
            reporter.emit(r.level, &[group, help])?;
            first = false;
        }
        Ok(())
    }
}

/// Package names in the other case than the lint wants.
pub fn package_name_case(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
    name: &str,
) -> anyhow::Result<()> {
    use heck::{ToKebabCase as _, ToSnakeCase as _};
    for (lint, case, converted) in [
        ("non_kebab_case_packages", "kebab", name.to_kebab_case()),
        ("non_snake_case_packages", "snake", name.to_snake_case()),
    ] {
        let r = lv.level(lint);
        if r.level == levels::Level::Allow || converted == name {
            continue;
        }
        let Some(package) = table_at(&source.doc, &["package"]) else {
            continue;
        };
        let Some((_, value)) = key_value_span(package, "name") else {
            continue;
        };
        let title = format!("packages should have a {case}-case name");
        let group = Group::with_title(r.level.snippet_level().primary_title(&title))
            .element(snippet(source).annotation(AnnotationKind::Primary.span(value.clone())))
            .element(SLevel::NOTE.message(note(lint, &r)));
        let help_title =
            format!("to change the package name to {case} case, convert `package.name`");
        let help = Group::with_title(SLevel::HELP.secondary_title(&help_title)).element(patch(
            source,
            value,
            format!("\"{converted}\""),
        ));
        reporter.emit(r.level, &[group, help])?;
    }
    Ok(())
}

/// `non_kebab_case_bins`: a binary whose name is not kebab-case, shown
/// where it is built, with the change that fixes it (its `[[bin]]` name,
/// the package name and a `[[bin]]` table for `src/main.rs`, or the file
/// stem).
pub fn bin_name_case(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
    member: &mycargo_manifest::Manifest,
    target_dir: &std::path::Path,
) -> anyhow::Result<()> {
    use heck::ToKebabCase as _;
    let lint = "non_kebab_case_bins";
    let r = lv.level(lint);
    if r.level == levels::Level::Allow {
        return Ok(());
    }
    let root = member.root();
    let explicit: Vec<&dyn toml_edit::TableLike> = source
        .doc
        .as_table()
        .get("bin")
        .and_then(|i| i.as_array_of_tables())
        .map(|a| a.iter().map(|t| t as &dyn toml_edit::TableLike).collect())
        .unwrap_or_default();
    for (i, bin) in member.targets.iter().filter(|t| t.is_bin()).enumerate() {
        let name = bin.name.as_str();
        let kebab = name.to_kebab_case();
        if kebab == name {
            continue;
        }
        // Where it is built (the profile and platform elided).
        let mut built = target_dir.join("...").join("").display().to_string();
        let start = built.len();
        built.push_str(name);
        let end = built.len();
        built.push_str(std::env::consts::EXE_SUFFIX);
        let mut group = Group::with_title(
            r.level
                .snippet_level()
                .primary_title("binaries should have a kebab-case name"),
        )
        .element(
            Snippet::source(built.as_str()).annotation(AnnotationKind::Primary.span(start..end)),
        );
        if i == 0 {
            group = group.element(SLevel::NOTE.message(note(lint, &r)));
        }
        let mut report = vec![group];
        let rel = bin
            .src_path
            .strip_prefix(root)
            .unwrap_or(&bin.src_path)
            .to_path_buf();
        let named = explicit
            .iter()
            .find(|t| t.get("name").and_then(|v| v.as_str()) == Some(name));
        let package_name = table_at(&source.doc, &["package"])
            .and_then(|p| key_value_span(p, "name"))
            .map(|(_, v)| v);
        if let Some(table) = named {
            let title = "to change the binary name to kebab case, convert `bin.name`";
            let mut help = Group::with_title(SLevel::HELP.secondary_title(title));
            if let Some((_, value)) = key_value_span(*table, "name") {
                help = help.element(patch(source, value, format!("\"{kebab}\"")));
            } else {
                help = help.element(Origin::path(&source.shown));
            }
            report.push(help);
        } else if rel == std::path::Path::new("src/main.rs")
            && let Some(value) = package_name
        {
            report.push(
                Group::with_title(SLevel::HELP.secondary_title(
                    "to change the binary name to kebab case, convert `package.name`",
                ))
                .element(patch(source, value, format!("\"{kebab}\""))),
            );
            let end = source.text.len();
            report.push(
                Group::with_title(SLevel::HELP.secondary_title(
                    "to change the binary name to kebab case, specify `bin.name`",
                ))
                .element(patch(
                    source,
                    end..end,
                    format!("\n[[bin]]\nname = \"{kebab}\"\npath = \"src/main.rs\""),
                )),
            );
        } else {
            let shown = rel.display().to_string();
            let stem_end = shown.len() - if shown.ends_with(".rs") { 3 } else { 0 };
            let stem_start = rel
                .parent()
                .map(|p| {
                    let p = p.display().to_string();
                    p.len() + usize::from(!p.is_empty())
                })
                .unwrap_or(0);
            report.push(
                Group::with_title(SLevel::HELP.secondary_title(
                    "to change the binary name to kebab case, convert the file stem",
                ))
                .element(
                    Snippet::source(shown.clone())
                        .patch(Patch::new(stem_start..stem_end, kebab.clone())),
                ),
            );
        }
        reporter.emit(r.level, &report)?;
    }
    Ok(())
}

/// `package.readme` naming a file cargo finds by itself.
pub fn redundant_readme(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
) -> anyhow::Result<()> {
    const LINT: &str = "redundant_readme";
    let r = lv.level(LINT);
    if r.level == levels::Level::Allow {
        return Ok(());
    }
    let Some(package) = table_at(&source.doc, &["package"]) else {
        return Ok(());
    };
    let written = package.get("readme").and_then(|i| i.as_str());
    if !matches!(written, Some("README.md" | "README.txt" | "README")) {
        return Ok(());
    }
    let Some((key, value)) = key_value_span(package, "readme") else {
        return Ok(());
    };
    let group = Group::with_title(
        r.level
            .snippet_level()
            .primary_title("explicit `package.readme` can be inferred"),
    )
    .element(snippet(source).annotation(AnnotationKind::Primary.span(key.start..value.end)))
    .element(SLevel::NOTE.message(note(LINT, &r)));
    let help =
        Group::with_title(SLevel::HELP.secondary_title("consider removing `package.readme`"))
            .element(patch(source, key.start..value.end, String::new()));
    reporter.emit(r.level, &[group, help])
}

/// `package.homepage` that repeats `repository` or `documentation`.
pub fn redundant_homepage(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
    member: &mycargo_manifest::Manifest,
) -> anyhow::Result<()> {
    const LINT: &str = "redundant_homepage";
    let r = lv.level(LINT);
    if r.level == levels::Level::Allow {
        return Ok(());
    }
    let Some(package) = table_at(&source.doc, &["package"]) else {
        return Ok(());
    };
    // The values as resolved (inherited ones too).
    let meta = &member.metadata;
    let Some(homepage) = meta.homepage.as_deref() else {
        return Ok(());
    };
    let Some(other) = [
        ("repository", meta.repository.as_deref()),
        ("documentation", meta.documentation.as_deref()),
    ]
    .into_iter()
    .find(|(_, v)| *v == Some(homepage))
    .map(|(k, _)| k) else {
        return Ok(());
    };
    // A value written here is pointed at; an inherited one by its key.
    let inherited = |k: &str| package.get(k).is_some_and(|i| i.as_str().is_none());
    let span_of = |k: &str| match inherited(k) {
        true => inherited_span(package, k, &source.text),
        false => key_value_span(package, k),
    };
    let (Some((key, value)), Some((other_key, other_value))) =
        (span_of("homepage"), span_of(other))
    else {
        return Ok(());
    };
    let primary = if inherited("homepage") {
        key.clone()
    } else {
        value.clone()
    };
    let context = if inherited(other) {
        other_key
    } else {
        other_value
    };
    let group = Group::with_title(
        r.level
            .snippet_level()
            .primary_title("`package.homepage` is redundant with another manifest field"),
    )
    .element(
        snippet(source)
            .annotation(AnnotationKind::Primary.span(primary))
            .annotation(AnnotationKind::Context.span(context)),
    )
    .element(SLevel::NOTE.message(note(LINT, &r)));
    let help =
        Group::with_title(SLevel::HELP.secondary_title("consider removing `package.homepage`"))
            .element(patch(source, key.start..value.end, String::new()));
    reporter.emit(r.level, &[group, help])
}

/// For `key.workspace = true`: the key's span, and the rest of its line
/// as the "value" (the dotted table has no span of its own).
fn inherited_span(
    table: &dyn toml_edit::TableLike,
    key: &str,
    text: &str,
) -> Option<(Range<usize>, Range<usize>)> {
    let (k, _) = table.get_key_value(key)?;
    let key_span = k.span()?;
    let line_end = text[key_span.start..]
        .find('\n')
        .map_or(text.len(), |n| key_span.start + n);
    Some((key_span.clone(), key_span.start..line_end))
}

/// A member with no `[lints]` in a workspace that has `[workspace.lints]`.
pub fn missing_lints_inheritance(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
    root: &Source,
) -> anyhow::Result<()> {
    const LINT: &str = "missing_lints_inheritance";
    let r = lv.level(LINT);
    if r.level == levels::Level::Allow {
        return Ok(());
    }
    if table_at(&root.doc, &["workspace", "lints"]).is_none()
        || source.doc.as_table().contains_key("lints")
    {
        return Ok(());
    }
    // The new table goes after the last line (before its newline).
    let end = source.text.strip_suffix('\n').unwrap_or(&source.text).len();
    let group = Group::with_title(
        r.level
            .snippet_level()
            .primary_title("missing `[lints]` to inherit `[workspace.lints]`"),
    )
    .element(Origin::path(&source.shown))
    .element(SLevel::NOTE.message(note(LINT, &r)));
    let inherit =
        Group::with_title(SLevel::HELP.secondary_title("to inherit `workspace.lints, add:"))
            .element(patch(
                source,
                end..end,
                "\n[lints]\nworkspace = true".to_string(),
            ));
    let opt_out = Group::with_title(
        SLevel::HELP.secondary_title("to clarify your intent to not inherit, add:"),
    )
    .element(patch(source, end..end, "\n[lints]".to_string()));
    reporter.emit(r.level, &[group, inherit, opt_out])
}

/// Feature names (explicit ones, and the features optional dependencies
/// make) in the other case than the lint wants, sorted by name.
pub fn feature_name_case(
    reporter: &mut Reporter<'_>,
    source: &Source,
    lv: &LintLevels,
) -> anyhow::Result<()> {
    use heck::{ToKebabCase as _, ToSnakeCase as _};
    let root = source.doc.as_table();
    // name -> (key span, optional = true span when implicit)
    let mut features: std::collections::BTreeMap<String, (Range<usize>, Option<Range<usize>>)> =
        std::collections::BTreeMap::new();
    let mut dep_refs = BTreeSet::new();
    if let Some(table) = root.get("features").and_then(|i| i.as_table_like()) {
        for (name, item) in table.iter() {
            if let Some(values) = item.as_array() {
                for v in values.iter().filter_map(|v| v.as_str()) {
                    if let Some(dep) = v.strip_prefix("dep:") {
                        dep_refs.insert(dep.to_string());
                    }
                }
            }
            if let Some((key, _)) = key_value_span(table, name) {
                features.insert(name.to_string(), (key, None));
            }
        }
    }
    // Dev-dependencies cannot be optional.
    let tables = dep_tables(
        root,
        &["dependencies", "build-dependencies", "build_dependencies"],
    );
    for table in tables {
        for (name, item) in table.iter() {
            let Some(dep) = item.as_table_like() else {
                continue;
            };
            if dep.get("optional").and_then(|o| o.as_bool()) != Some(true)
                || dep_refs.contains(name)
                || features.contains_key(name)
            {
                continue;
            }
            let (Some((key, _)), Some((okey, ovalue))) =
                (key_value_span(table, name), key_value_span(dep, "optional"))
            else {
                continue;
            };
            features.insert(name.to_string(), (key, Some(okey.start..ovalue.end)));
        }
    }
    for (lint, case, convert) in [
        (
            "non_kebab_case_features",
            "kebab",
            (|s: &str| s.to_kebab_case()) as fn(&str) -> String,
        ),
        ("non_snake_case_features", "snake", |s: &str| {
            s.to_snake_case()
        }),
    ] {
        let r = lv.level(lint);
        if r.level == levels::Level::Allow {
            continue;
        }
        // Each report carries the level's note (unlike the dependency
        // lints, as cargo does).
        for (name, (key, cause)) in &features {
            let converted = convert(name);
            if converted == *name {
                continue;
            }
            let title = format!("features should have a {case}-case name");
            let mut report = Vec::new();
            let group = match cause {
                None => Group::with_title(r.level.snippet_level().primary_title(&title))
                    .element(snippet(source).annotation(AnnotationKind::Primary.span(key.clone()))),
                Some(cause) => Group::with_title(r.level.snippet_level().primary_title(&title))
                    .element(
                        snippet(source)
                            .annotation(AnnotationKind::Primary.span(key.clone()).label("source of feature name"))
                            .annotation(AnnotationKind::Context.span(cause.clone()).label("cause of feature")),
                    )
                    .element(SLevel::NOTE.message(
                        "see also <https://doc.rust-lang.org/cargo/reference/features.html#optional-dependencies>",
                    )),
            };
            report.push(group.element(SLevel::NOTE.message(note(lint, &r))));
            if cause.is_none() {
                let help_title = format!(
                    "to change the feature name to {case} case, convert the `features` key"
                );
                report.push(
                    Group::with_title(SLevel::HELP.secondary_title(help_title)).element(patch(
                        source,
                        key.clone(),
                        converted,
                    )),
                );
            }
            reporter.emit(r.level, &report)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::full_requirement;

    #[test]
    fn implicit_requirements_are_completed() {
        assert_eq!(full_requirement("1").as_deref(), Some("1.0.0"));
        assert_eq!(full_requirement("^1.2").as_deref(), Some("1.2.0"));
        assert_eq!(
            full_requirement(">=1.0, <2.0").as_deref(),
            Some(">=1.0.0, <2.0")
        );
        for fine in ["1.0.0", "~1", "=1", "<2", "<=2", ">1", "1.*", "*"] {
            assert_eq!(full_requirement(fine), None, "{fine}");
        }
    }
}
