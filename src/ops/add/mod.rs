//! `mycargo add`: put dependencies into a member's manifest without
//! touching a byte the user wrote around them (`toml_edit`), in cargo's
//! forms and order, with cargo's `Adding` and `Features:` report; then
//! bring `Cargo.lock` up to date.

mod select;

use anyhow::bail;
use mycargo_core::DepKind;
use mycargo_manifest::edit::{DepTable, ManifestEditor};
use mycargo_util::{CliResult, Verbosity};

use super::lockfile::Mode;
use super::resolve::{How, resolve_workspace};
use crate::cli::add::Args;
use crate::context::GlobalContext;
use select::{DepOp, DepUi, Lookup, RustVersionRule};

/// More features than this are counted rather than listed.
const MAX_FEATURE_PRINTS: usize = 30;

pub fn add(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(run(gctx, args)?)
}

fn run(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    let kind = match (args.dev, args.build) {
        (true, _) => DepKind::Development,
        (_, true) => DepKind::Build,
        _ => DepKind::Normal,
    };
    let table = DepTable::new(kind, args.target.clone());
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    if matches!(args.package, Some(None)) {
        return Err(super::rustc::package_list_error(&ws));
    }
    let member = super::workspace::member_to_edit(
        &ws,
        args.package.as_ref().and_then(|p| p.as_deref()),
        "no packages selected to modify.  Please specify one with `-p <PKGID>`",
        &|names| {
            format!(
                "`cargo add` could not determine which package to modify. Use the `--package` option to specify a package. \navailable packages: {names}"
            )
        },
    )?
    .clone();
    let ops = parse_dependencies(args)?;
    let rust = match args.ignore_rust_version {
        true => None,
        false => Some(rust_version_rule(gctx, &ws, &member)?),
    };

    let mut editor = ManifestEditor::read(&member.manifest_path)?;
    // What `base = "..."` entries name: configuration's, and `workspace`.
    editor.path_bases = crate::ops::workspace::read_options(gctx).path_bases;
    editor
        .path_bases
        .entry("workspace".to_string())
        .or_insert_with(|| ws.root());
    let original = editor.doc.to_string();
    let legacy = legacy_sections(&editor);
    if !legacy.is_empty() {
        bail!(
            "Deprecated dependency sections are unsupported: {}",
            legacy.join(", ")
        );
    }
    let mut lookup = Lookup::new(gctx)?;
    let mut deps = Vec::new();
    for op in &ops {
        deps.push(select::resolve_dependency(
            gctx,
            &mut lookup,
            &ws,
            &editor,
            &table,
            op,
            rust.as_ref(),
        )?);
    }
    let path = table.path();
    let was_sorted = editor.is_sorted(&path);
    let dir = member.root().to_path_buf();
    for ui in deps {
        print_action(gctx, &ui, &table)?;
        if select::is_self(&ui.dep, &dir) {
            bail!("cannot add `{}` as a dependency to itself", member.name());
        }
        check_features(&ui)?;
        print_features(gctx, &ui)?;
        editor.insert_dep(&path, &ui.dep)?;
        if ui.dep.optional == Some(true) && namespaced_features_supported(&member) {
            let key = ui.dep.toml_key().to_string();
            let name = ui.dep.rename.clone().unwrap_or_else(|| ui.dep.name.clone());
            if editor.add_optional_feature(&key, &name) {
                gctx.shell.status("Adding", format!("feature `{key}`"))?;
            }
        }
        editor.gc_dep_features(ui.dep.toml_key());
    }
    if was_sorted {
        editor.sort(&path);
    }
    if (gctx.args.locked || gctx.args.frozen) && editor.doc.to_string() != original {
        let flag = if gctx.args.frozen {
            "--frozen"
        } else {
            "--locked"
        };
        bail!(
            "the manifest file {} needs to be updated but {flag} was passed to prevent this",
            member.manifest_path.display()
        );
    }
    if args.dry_run {
        gctx.shell.warn("aborting add due to dry run")?;
    } else {
        editor.write()?;
        gctx.forget_script_warnings();
    }
    // The lock file, from the manifests as they now are.
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let opts = super::workspace::read_options(gctx);
    let how = How {
        mode: if args.dry_run {
            Mode::Preview
        } else {
            Mode::Sync
        },
        ignore_rust_version: args.ignore_rust_version,
        download: false,
        install: None,
    };
    resolve_workspace(gctx, &ws, &opts, &how, None)?;
    Ok(())
}

/// cargo's reading of the arguments: one request per crate, features
/// given as `feat` (one crate only) or `crate/feat`.
fn parse_dependencies(args: &Args) -> anyhow::Result<Vec<DepOp>> {
    let registry = match args.registry.as_deref() {
        Some(mycargo_core::source_id::CRATES_IO_REGISTRY) | None => None,
        Some(r) => Some(r.to_string()),
    };
    for c in &args.crates {
        if let Some(toolchain) = c.strip_prefix('+') {
            bail!(
                "invalid character `+` in dependency name: `+{toolchain}`\n    \
                 Use `cargo +{toolchain} add` if you meant to use the `{toolchain}` toolchain."
            );
        }
    }
    let mut crates: Vec<(Option<String>, Option<Vec<String>>)> = Vec::new();
    for c in &args.crates {
        if !crates.iter().any(|(k, _)| k.as_deref() == Some(c)) {
            crates.push((Some(c.clone()), None));
        }
    }
    let infer = crates.is_empty();
    if infer {
        crates.push((None, None));
    }
    for feature in crate::cli::common::split_features(&args.features) {
        if feature.starts_with("dep:") {
            bail!("feature `{feature}` is not allowed to use explicit `dep:` syntax");
        }
        match feature.split_once('/') {
            None => {
                if crates.len() > 1 {
                    let candidates: Vec<String> = crates
                        .iter()
                        .filter_map(|(c, _)| c.as_ref().map(|c| format!("`{c}/{feature}`")))
                        .collect();
                    bail!(
                        "feature `{feature}` must be qualified by the dependency it's being activated for, like {}",
                        candidates.join(", ")
                    );
                }
                push_feature(&mut crates[0].1, &feature);
            }
            Some((dep, feat)) => {
                let dep = dep.trim_end_matches('?');
                if infer {
                    bail!("`{feature}` is unsupported when inferring the crate name, use `{feat}`");
                }
                if feat.contains('/') {
                    bail!("multiple slashes in feature `{feature}` is not allowed");
                }
                let Some(entry) = crates.iter_mut().find(|(c, _)| c.as_deref() == Some(dep)) else {
                    bail!(
                        "feature `{feat}` activated for crate `{dep}` but the crate wasn't specified"
                    );
                };
                push_feature(&mut entry.1, feat);
            }
        }
    }
    if crates.len() > 1 && args.rename.is_some() {
        bail!("cannot specify multiple crates with `--rename`");
    }
    Ok(crates
        .into_iter()
        .map(|(crate_spec, features)| DepOp {
            crate_spec,
            rename: args.rename.clone(),
            features,
            default_features: args.default_features(),
            optional: args.optional(),
            public: args.public(),
            registry: registry.clone(),
            path: args.path.clone(),
            base: args.base.clone(),
            git: args.git.clone(),
            branch: args.branch.clone(),
            tag: args.tag.clone(),
            rev: args.rev.clone(),
        })
        .collect())
}

fn push_feature(list: &mut Option<Vec<String>>, feature: &str) {
    let list = list.get_or_insert_with(Vec::new);
    if !list.iter().any(|f| f == feature) {
        list.push(feature.to_string());
    }
}

/// The member's `rust-version`, else the toolchain's version.
fn rust_version_rule(
    gctx: &GlobalContext,
    ws: &mycargo_manifest::Workspace,
    member: &mycargo_manifest::Manifest,
) -> anyhow::Result<RustVersionRule> {
    let (version, is_msrv) = match &member.rust_version {
        Some(rv) => (rv.0.clone(), true),
        None => {
            // The toolchain as the build asks it (its probe cache kept).
            let rustc = super::lockfile::load_rustc(gctx, &ws.default_target_dir())?;
            (
                mycargo_core::PartialVersion::from(rustc.info.version),
                false,
            )
        }
    };
    Ok(RustVersionRule {
        version,
        is_msrv,
        package: member.name().to_string(),
    })
}

/// `dep:` feature syntax needs Rust 1.60: below that an optional
/// dependency gets no feature of its own.
fn namespaced_features_supported(member: &mycargo_manifest::Manifest) -> bool {
    match &member.rust_version {
        Some(rv) => {
            let v = &rv.0;
            (v.major, v.minor.unwrap_or(0), v.patch.unwrap_or(0)) >= (1, 60, 0)
        }
        None => true,
    }
}

/// `dev_dependencies`/`build_dependencies` (with underscores), which
/// cargo's add refuses to edit.
fn legacy_sections(editor: &ManifestEditor) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["dev_dependencies", "build_dependencies"] {
        if editor.doc.contains_key(key) {
            out.push(key.to_string());
        }
        if let Some(targets) = editor.doc.get("target").and_then(|t| t.as_table_like()) {
            for (name, t) in targets.iter() {
                if t.as_table_like().is_some_and(|t| t.contains_key(key)) {
                    out.push(format!("target.{name}.{key}"));
                }
            }
        }
    }
    out
}

/// `Adding foo v1.2 to optional dependencies for target `x``.
fn print_action(gctx: &mut GlobalContext, ui: &DepUi, table: &DepTable) -> anyhow::Result<()> {
    use mycargo_manifest::edit::dependency::DepSource;
    let mut msg = ui.dep.name.clone();
    match &ui.dep.source {
        Some(DepSource::Registry { version }) => {
            if version.chars().next().unwrap_or('0').is_ascii_digit() {
                msg.push_str(&format!(" v{version}"));
            } else {
                msg.push_str(&format!(" {version}"));
            }
        }
        Some(DepSource::Path { .. }) => msg.push_str(" (local)"),
        Some(DepSource::Git { .. }) => msg.push_str(" (git)"),
        Some(DepSource::Workspace) => msg.push_str(" (workspace)"),
        None => {}
    }
    msg.push_str(" to");
    if ui.dep.optional.unwrap_or(false) {
        msg.push_str(" optional");
    }
    if ui.dep.public.unwrap_or(false) {
        msg.push_str(" public");
    }
    msg.push_str(&format!(" {}", table.describe()));
    gctx.shell.status("Adding", msg)?;
    Ok(())
}

/// cargo's error for features the package does not have.
fn check_features(ui: &DepUi) -> anyhow::Result<()> {
    let known = |f: &String| ui.available_features.contains_key(f);
    let mut unknown: Vec<&String> = ui
        .dep
        .features
        .iter()
        .flatten()
        .chain(ui.dep.inherited_features.iter().flatten())
        .filter(|f| !known(f))
        .collect();
    unknown.sort();
    unknown.dedup();
    if unknown.is_empty() {
        return Ok(());
    }
    let (mut on, mut off) = ui.features();
    on.retain(|f| !unknown.contains(&f));
    off.retain(|f| !unknown.contains(&f));
    let mut msg = format!(
        "unrecognized feature{} for crate {}: {}",
        if unknown.len() == 1 { "" } else { "s" },
        ui.dep.name,
        unknown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if on.is_empty() && off.is_empty() {
        msg.push_str(&format!(
            "\n\nno features available for crate {}",
            ui.dep.name
        ));
    } else {
        let mut suggested = false;
        for u in &unknown {
            if let Some(close) = mycargo_util::edit_distance::closest(
                u,
                off.iter().chain(on.iter()).map(String::as_str),
            ) {
                msg.push_str(&format!(
                    "\n\nhelp: a feature with a similar name exists: `{close}`"
                ));
                suggested = true;
            }
        }
        if !off.is_empty() && !suggested {
            if off.len() <= MAX_FEATURE_PRINTS {
                msg.push_str(&format!("\n\ndisabled features:\n    {}", wrap(&off)));
            } else {
                msg.push_str(&format!("\n\n{} disabled features available", off.len()));
            }
        }
        if !on.is_empty() && !suggested {
            if on.len() + off.len() <= MAX_FEATURE_PRINTS {
                msg.push_str(&format!("\n\nenabled features:\n    {}\n", wrap(&on)));
            } else {
                msg.push_str(&format!("\n\n{} enabled features available\n", on.len()));
            }
        }
    }
    bail!(msg.trim().to_string())
}

/// Names joined by `, ` in lines under 78 columns.
pub(crate) fn wrap(names: &[String]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for n in names {
        match lines.last_mut() {
            Some(last) if last.len() + n.len() < 78 => {
                last.push_str(", ");
                last.push_str(n);
            }
            _ => lines.push(n.clone()),
        }
    }
    lines.join("\n    ")
}

/// cargo's `Features:` listing under the `Adding` line.
fn print_features(gctx: &mut GlobalContext, ui: &DepUi) -> anyhow::Result<()> {
    if gctx.shell.verbosity() == Verbosity::Quiet {
        return Ok(());
    }
    let (on, off) = ui.features();
    if on.is_empty() && off.is_empty() {
        return Ok(());
    }
    let prefix = " ".repeat(13);
    let suffix = version_suffix(ui);
    let color = gctx.shell.err_supports_color();
    let (plus, minus) = match color {
        true => ("\x1b[1m\x1b[92m+\x1b[0m", "\x1b[1m\x1b[91m-\x1b[0m"),
        false => ("+", "-"),
    };
    let mut text = format!("{prefix}Features{suffix}:\n");
    if on.len() <= MAX_FEATURE_PRINTS {
        for f in &on {
            text.push_str(&format!("{prefix}{plus} {f}\n"));
        }
    } else {
        text.push_str(&format!("{prefix}{} activated features\n", on.len()));
    }
    if on.len() + off.len() <= MAX_FEATURE_PRINTS {
        for f in &off {
            text.push_str(&format!("{prefix}{minus} {f}\n"));
        }
    } else {
        text.push_str(&format!("{prefix}{} deactivated features\n", off.len()));
    }
    gctx.shell.err().write_all(text.as_bytes())?;
    Ok(())
}

/// ` as of v1.2.3` when the listing comes from another release than the
/// requirement names exactly.
fn version_suffix(ui: &DepUi) -> String {
    let Some(available) = &ui.available_version else {
        return String::new();
    };
    let mut v = available.clone();
    v.build = semver::BuildMetadata::EMPTY;
    let shown = v.to_string();
    let precise = ui
        .dep
        .version()
        .and_then(|r| semver::VersionReq::parse(r).ok())
        .and_then(|r| precise_version(&r));
    if precise.as_deref() == Some(shown.as_str()) {
        String::new()
    } else {
        format!(" as of v{shown}")
    }
}

/// The highest full version a requirement's comparators name.
fn precise_version(req: &semver::VersionReq) -> Option<String> {
    use semver::Op;
    req.comparators
        .iter()
        .filter(|c| {
            matches!(
                c.op,
                Op::Exact | Op::GreaterEq | Op::LessEq | Op::Tilde | Op::Caret | Op::Wildcard
            )
        })
        .filter_map(|c| {
            Some(semver::Version {
                major: c.major,
                minor: c.minor?,
                patch: c.patch?,
                pre: c.pre.clone(),
                build: semver::BuildMetadata::EMPTY,
            })
        })
        .max()
        .map(|v| v.to_string())
}
