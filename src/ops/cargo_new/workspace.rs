//! The workspace a new package lands in.
//!
//! Editing, as cargo's `cargo_new` does it: the *nearest* `Cargo.toml` above
//! the package is read; if it has a `[workspace]` that does not `exclude`
//! the package's exact relative path, the package inherits every
//! `[workspace.package]` key and `[workspace.lints]`, and its path is pushed
//! to `workspace.members` unless a member pattern already matches it (kept
//! sorted if it was sorted).
//!
//! Checking ([`check`]): the new package's workspace is loaded with
//! `mycargo_manifest::Workspace`, as cargo calls `Workspace::new`; an error
//! becomes cargo's "compiling this new package may not work" warning
//! ([`report`]).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mycargo_manifest::{ManifestError, Workspace};
use mycargo_util::fs::write_atomic;
use mycargo_util::{Shell, TomlDiagnostic};
use toml_edit::{DocumentMut, Item, Value};

use crate::context::GlobalContext;

/// The nearest existing `Cargo.toml` strictly above `manifest_path`'s
/// directory (cargo's `find_root_manifest_for_wd` from the new manifest).
pub(super) fn nearest_manifest(manifest_path: &Path) -> Option<PathBuf> {
    manifest_path
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("Cargo.toml"))
        .find(|m| m.exists())
}

/// The package's path relative to the workspace root directory, with `/`
/// separators (cargo uses `pathdiff`; `..` in the package path stays).
pub(super) fn display_path(root_manifest: &Path, package: &Path) -> anyhow::Result<String> {
    let root = root_manifest.parent().with_context(|| {
        format!(
            "workspace root manifest doesn't have a parent directory `{}`",
            root_manifest.display()
        )
    })?;
    let rel = mycargo_util::fs::diff_paths(package, root).with_context(|| {
        format!(
            "path comparison requires two absolute paths; package_path: `{}`, workspace_path: `{}`",
            package.display(),
            root.display()
        )
    })?;
    let mut parts = Vec::new();
    for comp in rel.iter() {
        let comp = comp
            .to_str()
            .with_context(|| format!("invalid unicode component in path `{}`", rel.display()))?;
        parts.push(comp);
    }
    Ok(parts.join("/"))
}

/// False when `workspace.exclude` lists exactly `display_path`.
pub(super) fn can_be_member(display_path: &str, doc: &DocumentMut) -> anyhow::Result<bool> {
    if let Some(exclude) = doc
        .get("workspace")
        .and_then(|ws| ws.get("exclude"))
        .and_then(Item::as_array)
    {
        for ex in exclude {
            let pat = ex
                .as_str()
                .with_context(|| format!("invalid non-string exclude path `{ex}`"))?;
            if pat == display_path {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Replace the new manifest's `[package]` keys by `key.workspace = true` for
/// every `[workspace.package]` key, except `edition` given by `--edition` and
/// `publish` given by a registry.
pub(super) fn inherit_package_keys(
    manifest: &mut DocumentMut,
    ws_package: &toml_edit::Table,
    has_edition: bool,
    has_registry: bool,
) {
    let Some(package) = manifest["package"].as_table_mut() else {
        return;
    };
    for (key, _) in ws_package.iter() {
        if (key == "edition" && has_edition) || (key == "publish" && has_registry) {
            continue;
        }
        package.remove(key);
        let mut table = toml_edit::Table::new();
        table.set_dotted(true);
        table["workspace"] = toml_edit::value(true);
        package.insert(key, Item::Table(table));
    }
}

/// Add `display_path` to `workspace.members` of the root manifest and write
/// it. False when there is no `[workspace]` or a member pattern matches.
pub(super) fn add_member(
    root_manifest: &Path,
    doc: &mut DocumentMut,
    display_path: &str,
) -> anyhow::Result<bool> {
    let Some(workspace) = doc.get_mut("workspace") else {
        return Ok(false);
    };
    if !workspace.is_table_like() {
        return Ok(false);
    }
    if let Some(members) = workspace.get_mut("members").and_then(Item::as_array_mut) {
        for member in members.iter() {
            let pat = member
                .as_str()
                .with_context(|| format!("invalid non-string member `{member}`"))?;
            let pattern = glob::Pattern::new(pat)
                .with_context(|| format!("cannot build glob pattern from `{pat}`"))?;
            if pattern.matches(display_path) {
                return Ok(false);
            }
        }
        let was_sorted = members.iter().map(Value::as_str).is_sorted();
        members.push(display_path);
        if was_sorted {
            members.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    } else {
        let mut array = toml_edit::Array::new();
        array.push(display_path);
        workspace["members"] = toml_edit::value(array);
    }
    write_atomic(root_manifest, doc.to_string())?;
    Ok(true)
}

/// Load the workspace of the new package at `manifest_path` (normalized),
/// as cargo's `Workspace::new` does after `new`/`init`, and print the
/// warnings cargo prints while loading (not the manifests' own).
pub(super) fn check(gctx: &mut GlobalContext, manifest_path: &Path) -> Result<(), ManifestError> {
    let ws = Workspace::load_with(manifest_path, &crate::ops::workspace::read_options(gctx))?;
    for warning in ws.load_warnings() {
        let _ = gctx.shell.warn(warning);
    }
    Ok(())
}

/// cargo's `display_warning_with_error` for a workspace that did not load:
/// located errors are printed first, as cargo emits them while reading; then
/// the warning (hidden under `--quiet`), a blank line and the rest of the
/// chain (always shown), which ends where an error was already printed.
pub(super) fn report(warning: &str, err: &ManifestError, shell: &mut Shell) {
    for d in located(err) {
        let _ = shell.error(d);
    }
    let _ = shell.warn(warning);
    let out = shell.err();
    let _ = writeln!(out);
    for (i, message) in unprinted_messages(err).iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "{message}");
        } else {
            let _ = writeln!(out, "\nCaused by:");
            for line in message.lines() {
                if line.is_empty() {
                    let _ = writeln!(out);
                } else {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
    }
}

/// The located (TOML) errors in `err`'s chain.
fn located(err: &ManifestError) -> &[TomlDiagnostic] {
    match err {
        ManifestError::Toml(d) => std::slice::from_ref(&**d),
        ManifestError::Emitted { diagnostics, .. } => diagnostics,
        ManifestError::Member { source, .. } | ManifestError::PathDependency { source, .. } => {
            located(source)
        }
        _ => &[],
    }
}

/// `err`'s chain, outermost first, without what [`located`] printed.
fn unprinted_messages(err: &ManifestError) -> Vec<String> {
    match err {
        ManifestError::Toml(_) => Vec::new(),
        ManifestError::Emitted { path, .. } => {
            vec![format!("failed to parse manifest at `{}`", path.display())]
        }
        ManifestError::Member { source, .. } | ManifestError::PathDependency { source, .. } => {
            let mut out = vec![err.to_string()];
            out.extend(unprinted_messages(source));
            out
        }
        _ => err.messages(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_display_paths() {
        let root = Path::new("/w/Cargo.toml");
        assert_eq!(display_path(root, Path::new("/w/a/b")).unwrap(), "a/b");
        assert_eq!(
            display_path(root, Path::new("/w/sub/../y")).unwrap(),
            "sub/../y"
        );
        assert_eq!(
            display_path(root, Path::new("/w/sub/./z")).unwrap(),
            "sub/z"
        );
    }

    fn reported(err: &ManifestError, quiet: bool) -> String {
        let (mut shell, output) = super::super::tests::captured_shell();
        if quiet {
            shell.set_verbosity(mycargo_util::Verbosity::Quiet);
        }
        report("w", err, &mut shell);
        output()
    }

    #[test]
    fn reports_like_cargo() {
        let diag = TomlDiagnostic::new("bad", "m/Cargo.toml", "[package\n", 8..8);
        let member = |source| ManifestError::Member {
            member: "/w/m".into(),
            glob: None,
            root: "/w/Cargo.toml".into(),
            source: Box::new(source),
        };
        // A located error is printed first; the chain stops before it.
        let err = member(ManifestError::Toml(Box::new(diag.clone())));
        assert_eq!(
            reported(&err, false),
            "error: bad\n --> m/Cargo.toml:1:9\n  |\n1 | [package\n  |         ^\n\
             warning: w\n\n\
             failed to load manifest for workspace member `/w/m`\n\
             referenced by workspace at `/w/Cargo.toml`\n"
        );
        let err = member(ManifestError::Emitted {
            path: "/w/m/Cargo.toml".into(),
            diagnostics: vec![diag],
        });
        assert!(reported(&err, true).ends_with(
            "^\n\nfailed to load manifest for workspace member `/w/m`\n\
             referenced by workspace at `/w/Cargo.toml`\n\n\
             Caused by:\n  failed to parse manifest at `/w/m/Cargo.toml`\n"
        ));
        let err = ManifestError::Invalid {
            path: "/w/Cargo.toml".into(),
            source: mycargo_manifest::Chain::new("one\n\ntwo"),
        };
        assert_eq!(
            reported(&err, true),
            "\nfailed to parse manifest at `/w/Cargo.toml`\n\nCaused by:\n  one\n\n  two\n"
        );
    }

    #[test]
    fn exclusion_is_exact() {
        let doc: DocumentMut = "[workspace]\nexclude = [\"ex\"]\n".parse().unwrap();
        assert!(!can_be_member("ex", &doc).unwrap());
        assert!(can_be_member("ex/inner", &doc).unwrap());
    }

    fn added(before: &str, path: &str) -> (bool, String) {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("Cargo.toml");
        let mut doc: DocumentMut = before.parse().unwrap();
        let changed = add_member(&m, &mut doc, path).unwrap();
        (changed, doc.to_string())
    }

    #[test]
    fn members_edits() {
        assert_eq!(
            added("[workspace]\nmembers = [\"a\", \"c\"]\n", "b"),
            (
                true,
                "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\n".to_string()
            )
        );
        assert_eq!(
            added("[workspace]\nmembers = [\"c\", \"a\"]\n", "b"),
            (
                true,
                "[workspace]\nmembers = [\"c\", \"a\", \"b\"]\n".to_string()
            )
        );
        assert_eq!(
            added("[workspace]\nresolver = \"3\"\n", "b"),
            (
                true,
                "[workspace]\nresolver = \"3\"\nmembers = [\"b\"]\n".to_string()
            )
        );
        assert!(!added("[workspace]\nmembers = [\"crates/*\"]\n", "crates/x").0);
        assert!(!added("[package]\nname = \"x\"\n", "b").0);
    }

    #[test]
    fn inherits_keys() {
        let mut m: DocumentMut =
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
                .parse()
                .unwrap();
        let ws: DocumentMut =
            "[workspace.package]\nversion = \"1\"\nedition = \"2021\"\nlicense = \"MIT\"\n"
                .parse()
                .unwrap();
        let keys = ws["workspace"]["package"].as_table().unwrap();
        inherit_package_keys(&mut m, keys, true, false);
        assert_eq!(
            m.to_string(),
            "[package]\nname = \"a\"\nedition = \"2021\"\nversion.workspace = true\nlicense.workspace = true\n"
        );
    }
}
