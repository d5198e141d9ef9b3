//! The rustdoc command line of a doc unit, in cargo's order
//! (`rustdoc_process` and `prepare_rustdoc` in cargo), and the
//! `.rustdoc_fingerprint.json` check that empties `target/doc` when the
//! toolchain changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use crate::build_context::{BuildContext, MessageFormat};
use crate::rustc_cmd::{Extern, ScriptEffects, fill_env};
use crate::unit::{CompileKind, CompileMode, Unit};

/// Build the rustdoc command for a doc unit. `externs` are the checked
/// (or, for proc macros, built) libs it depends on.
pub fn rustdoc_command(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    externs: &[Extern],
    own_script: Option<&ScriptEffects>,
) -> Command {
    let gp = &bcx.graph.packages[unit.pkg];
    let m = gp.manifest;
    let target = &m.targets[unit.target];
    let cfg = bcx.config;
    let mut cmd = Command::new(&cfg.rustdoc);
    cmd.env_clear();
    for (k, v) in &cfg.env {
        cmd.env(k, v);
    }
    let (src, cwd) = bcx.path_args(unit);
    cmd.current_dir(&cwd);

    cmd.arg(format!("--edition={}", target.edition));
    for ct in target.kind.crate_types() {
        cmd.arg("--crate-type").arg(ct);
    }
    cmd.arg("--crate-name").arg(target.crate_name());
    cmd.arg(&src);
    if !gp.is_local {
        cmd.arg("--cap-lints")
            .arg(if cfg.verbose >= 2 { "warn" } else { "allow" });
    }
    if let CompileKind::Target(t) = &unit.kind {
        cmd.arg("--target").arg(t);
    }
    cmd.arg("-o").arg(bcx.doc_dir(&unit.kind));
    for f in &unit.features {
        cmd.arg("--cfg").arg(format!("feature=\"{f}\""));
    }
    cmd.arg("--check-cfg").arg("cfg(docsrs,test)");
    let mut declared: Vec<String> = m
        .features
        .keys()
        .chain(m.feature_map.keys())
        .map(|f| format!("\"{f}\""))
        .collect();
    declared.sort();
    declared.dedup();
    cmd.arg("--check-cfg")
        .arg(format!("cfg(feature, values({}))", declared.join(", ")));

    cmd.arg("--error-format=json");
    cmd.arg(match cfg.message_format {
        MessageFormat::Short | MessageFormat::Json { short: true, .. } => {
            "--json=diagnostic-rendered-ansi,artifacts,future-incompat,diagnostic-short"
        }
        _ => "--json=diagnostic-rendered-ansi,artifacts,future-incompat",
    });
    if let Some(lints) = &m.lints {
        cmd.args(mycargo_manifest::schema::lint_rustflags(lints));
    }
    cmd.arg("-C")
        .arg(format!("metadata={}", doc_metadata(bcx, unit)));

    crate::rustc_cmd::script_attrs(bcx.graph.packages[unit.pkg].manifest, &mut cmd);
    crate::rustc_cmd::dependency_args(bcx, unit, externs, &mut cmd);
    let extra = bcx.extra_args(unit);
    cmd.args(&extra);
    let flags = bcx.rustflags(unit);
    cmd.args(flags);
    if !extra
        .iter()
        .chain(flags)
        .any(|a| a == "--crate-version" || a.starts_with("--crate-version="))
    {
        cmd.arg("--crate-version").arg(m.version().to_string());
    }
    // The build script's cfgs come last; its `-L`/`-l` are for linking only.
    if let Some(fx) = own_script {
        crate::rustc_cmd::script_cfg_args(fx, &mut cmd);
    }
    fill_env(bcx, unit, &mut cmd, own_script);
    cmd
}

/// `-C metadata` of a doc unit: that of the check unit of the same target
/// when the build has one (so rustdoc agrees with the `.rmeta` dependents
/// see), else the doc unit's own.
fn doc_metadata<'b>(bcx: &'b BuildContext<'_>, unit: &Unit) -> &'b str {
    bcx.units
        .deps
        .keys()
        .find(|u| u.pkg == unit.pkg && u.target == unit.target && u.mode == CompileMode::Check)
        .map(|u| bcx.c_metadata(u))
        .unwrap_or_else(|| bcx.c_metadata(unit))
}

/// The file a doc unit leaves: `<doc dir>/<crate>/index.html`.
pub fn doc_index(bcx: &BuildContext<'_>, unit: &Unit) -> PathBuf {
    let t = &bcx.graph.packages[unit.pkg].manifest.targets[unit.target];
    bcx.doc_dir(&unit.kind)
        .join(t.crate_name())
        .join("index.html")
}

/// Cargo's `target/.rustdoc_fingerprint.json`: docs made by another
/// toolchain are removed (the doc directories emptied, dot files kept)
/// before documenting. A missing file is just written.
pub fn check_rustdoc_fingerprint(
    target_dir: &Path,
    doc_dirs: &[PathBuf],
    rustc_vv: &str,
) -> anyhow::Result<()> {
    let path = target_dir.join(".rustdoc_fingerprint.json");
    let want = serde_json::json!({ "rustc_vv": rustc_vv }).to_string();
    match std::fs::read_to_string(&path) {
        Err(_) => {}
        Ok(old) => {
            let same = serde_json::from_str::<serde_json::Value>(&old)
                .ok()
                .and_then(|v| {
                    v.get("rustc_vv")
                        .and_then(|s| s.as_str())
                        .map(str::to_string)
                })
                .is_some_and(|v| v == rustc_vv);
            if same {
                return Ok(());
            }
            for dir in doc_dirs.iter().filter(|d| d.exists()) {
                clean_doc_dir(dir)?;
            }
        }
    }
    std::fs::create_dir_all(target_dir)
        .with_context(|| format!("failed to create directory `{}`", target_dir.display()))?;
    mycargo_util::fs::write_atomic_nosync(&path, want)
}

fn clean_doc_dir(dir: &Path) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("failed to read `{}`", dir.display()))?;
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        let res = if e.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        res.with_context(|| format!("failed to remove `{}`", p.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_empties_doc_dir_on_toolchain_change() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let doc = t.join("doc");
        std::fs::create_dir_all(doc.join("foo")).unwrap();
        std::fs::write(doc.join(".lock"), "").unwrap();
        // No fingerprint yet: nothing removed.
        check_rustdoc_fingerprint(t, std::slice::from_ref(&doc), "rustc 1").unwrap();
        assert!(doc.join("foo").exists());
        let json = std::fs::read_to_string(t.join(".rustdoc_fingerprint.json")).unwrap();
        assert_eq!(json, r#"{"rustc_vv":"rustc 1"}"#);
        check_rustdoc_fingerprint(t, std::slice::from_ref(&doc), "rustc 1").unwrap();
        assert!(doc.join("foo").exists());
        check_rustdoc_fingerprint(t, std::slice::from_ref(&doc), "rustc 2").unwrap();
        assert!(!doc.join("foo").exists());
        assert!(doc.join(".lock").exists());
    }
}
