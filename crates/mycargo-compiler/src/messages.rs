//! Machine-readable messages for `--message-format json*`, as cargo writes
//! them (`machine_message.rs` in cargo): one JSON object per line on
//! stdout, `reason` first, then the fields in cargo's order.
//!
//! - `compiler-message`: a rustc diagnostic, wrapped with the unit's
//!   package and target. Under plain `json` (and `json-diagnostic-short`)
//!   the diagnostic is re-serialized as cargo does: `rendered` (ANSI codes
//!   stripped) first, the other fields sorted by key, `code` last. Under
//!   `json-diagnostic-rendered-ansi` rustc's line is passed on verbatim.
//! - `compiler-artifact`: a compile unit finished or was fresh.
//! - `build-script-executed`: a build script ran or its stored output was
//!   reused.
//! - `build-finished`: the end of the job queue.
//!
//! The job queue calls in here at those four points; everything about the
//! shape of the JSON lives in this module.

use std::collections::BTreeMap;
use std::path::PathBuf;

use mycargo_util::Shell;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::build_context::{BuildContext, FileFlavor, MessageFormat};
use crate::diagnostics::strip_ansi;
use crate::rustc_cmd::ScriptEffects;
use crate::unit::{CompileMode, Unit};

/// Whether any JSON goes to stdout.
pub fn emits_json(format: MessageFormat) -> bool {
    matches!(format, MessageFormat::Json { .. })
}

/// Whether rustc's diagnostics go to stdout as `compiler-message` (not
/// rendered on stderr). Cargo then prints no "generated N warnings"
/// summary.
pub fn diagnostics_as_json(format: MessageFormat) -> bool {
    matches!(
        format,
        MessageFormat::Json {
            render_diagnostics: false,
            ..
        }
    )
}

/// A manifest target as cargo serializes it (`SerializedTarget`).
#[derive(Serialize)]
pub struct TargetJson<'a> {
    kind: Vec<String>,
    crate_types: Vec<String>,
    name: &'a str,
    /// `null` in a compiler message about the generated metabuild script
    /// (cargo has no path for it there).
    src_path: Option<String>,
    edition: &'a str,
    #[serde(rename = "required-features", skip_serializing_if = "Option::is_none")]
    required_features: Option<&'a [String]>,
    doc: bool,
    doctest: bool,
    test: bool,
}

pub fn target_json(t: &mycargo_manifest::Target, message: bool) -> TargetJson<'_> {
    TargetJson {
        kind: t.kind.metadata_kinds(),
        crate_types: t.kind.crate_types(),
        name: &t.name,
        src_path: (!(message && t.metabuild)).then(|| t.src_path.display().to_string()),
        edition: t.edition.as_str(),
        required_features: t.required_features.as_deref(),
        doc: t.doc,
        doctest: t.metadata_doctest(),
        test: t.tested,
    }
}

/// The header every unit message starts with.
#[derive(Serialize)]
struct CompilerMessageHead<'a> {
    reason: &'static str,
    package_id: String,
    manifest_path: String,
    target: TargetJson<'a>,
}

/// `{"reason":"compiler-message","package_id":…,"manifest_path":…,"target":…,"message":…}`
/// for one diagnostic line of rustc (`raw`), its `rendered` as the format
/// asks.
pub fn compiler_message(bcx: &BuildContext<'_>, unit: &Unit, raw: &str) -> String {
    let m = bcx.graph.packages[unit.pkg].manifest;
    let head = CompilerMessageHead {
        reason: "compiler-message",
        package_id: m.package_id.to_spec_string(),
        manifest_path: m.manifest_path.display().to_string(),
        target: target_json(&m.targets[unit.target], true),
    };
    let ansi = matches!(
        bcx.config.message_format,
        MessageFormat::Json { ansi: true, .. }
    );
    let message = if ansi {
        raw.to_string()
    } else {
        plain_diagnostic(raw)
    };
    let head = serde_json::to_string(&head).unwrap_or_default();
    // The head is an object: put the message in as its last field.
    match head.strip_suffix('}') {
        Some(open) => format!("{open},\"message\":{message}}}"),
        None => head,
    }
}

/// rustc's diagnostic as cargo passes it on under `json`: `rendered`
/// without colour first, then the other fields by key, then `code`.
/// A line that does not have that shape goes through unchanged.
pub fn plain_diagnostic(raw: &str) -> String {
    #[derive(Deserialize, Serialize)]
    struct Diagnostic {
        rendered: String,
        #[serde(flatten, serialize_with = "sorted_map")]
        other: BTreeMap<String, serde_json::Value>,
        code: Option<DiagnosticCode>,
    }
    #[derive(Deserialize, Serialize)]
    struct DiagnosticCode {
        code: String,
        #[serde(flatten, serialize_with = "sorted_map")]
        other: BTreeMap<String, serde_json::Value>,
    }
    let Ok(mut d) = serde_json::from_str::<Diagnostic>(raw) else {
        return raw.to_string();
    };
    d.rendered = strip_ansi(&d.rendered);
    serde_json::to_string(&d).unwrap_or_else(|_| raw.to_string())
}

/// A map whose values are written with their objects' keys sorted at every
/// depth (as cargo's `serde_json::Value` does), whatever order the map type
/// keeps.
fn sorted_map<S: serde::Serializer>(
    map: &BTreeMap<String, serde_json::Value>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut out = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        out.serialize_entry(k, &Sorted(v))?;
    }
    out.end()
}

struct Sorted<'a>(&'a serde_json::Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self.0 {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut out = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    out.serialize_entry(k, &Sorted(v))?;
                }
                out.end()
            }
            serde_json::Value::Array(items) => {
                let mut out = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    out.serialize_element(&Sorted(v))?;
                }
                out.end()
            }
            other => other.serialize(s),
        }
    }
}

/// `profile` of a `compiler-artifact`.
#[derive(Serialize)]
struct ArtifactProfile<'a> {
    opt_level: &'a str,
    debuginfo: Debuginfo<'a>,
    debug_assertions: bool,
    overflow_checks: bool,
    test: bool,
}

/// `0`, `1`, `2`, or a named level (`"line-tables-only"`).
#[derive(Serialize)]
#[serde(untagged)]
enum Debuginfo<'a> {
    Int(u32),
    Named(&'a str),
}

fn debuginfo(value: Option<&str>) -> Debuginfo<'_> {
    match value {
        None => Debuginfo::Int(0),
        Some(v) => v.parse().map(Debuginfo::Int).unwrap_or(Debuginfo::Named(v)),
    }
}

#[derive(Serialize)]
struct Artifact<'a> {
    reason: &'static str,
    package_id: String,
    manifest_path: String,
    target: TargetJson<'a>,
    profile: ArtifactProfile<'a>,
    features: Vec<&'a str>,
    filenames: Vec<PathBuf>,
    executable: Option<PathBuf>,
    fresh: bool,
}

/// The `compiler-artifact` of a compile or rustdoc unit, or `None` for a
/// build script run.
pub fn artifact(bcx: &BuildContext<'_>, unit: &Unit, fresh: bool) -> Option<String> {
    if unit.mode == CompileMode::RunCustomBuild {
        return None;
    }
    let m = bcx.graph.packages[unit.pkg].manifest;
    let target = &m.targets[unit.target];
    let outputs = bcx.outputs(unit);
    let filenames = if unit.mode == CompileMode::Doc {
        // rustdoc's front page of the crate.
        vec![
            bcx.doc_dir(&unit.kind)
                .join(target.crate_name())
                .join("index.html"),
        ]
    } else {
        // Where users find each file: the uplifted copy when there is one.
        // Files rustc did not write are left out, as cargo does.
        outputs
            .iter()
            .filter(|o| o.path.exists())
            .map(|o| o.uplift.clone().unwrap_or_else(|| o.path.clone()))
            .collect()
    };
    let runs = target.is_bin()
        || matches!(target.kind, mycargo_manifest::TargetKind::ExampleBin)
        || unit.mode.is_any_test();
    let makes_executable = matches!(
        unit.mode,
        CompileMode::Build | CompileMode::Test | CompileMode::Bench
    );
    let executable = (runs && makes_executable && !target.is_custom_build())
        .then(|| {
            outputs
                .iter()
                .find(|o| o.flavor == FileFlavor::Normal)
                .map(|o| o.uplift.clone().unwrap_or_else(|| o.path.clone()))
        })
        .flatten();
    let p = &unit.profile;
    let msg = Artifact {
        reason: "compiler-artifact",
        package_id: m.package_id.to_spec_string(),
        manifest_path: m.manifest_path.display().to_string(),
        target: target_json(target, false),
        profile: ArtifactProfile {
            opt_level: &p.opt_level,
            debuginfo: debuginfo(p.debuginfo.as_deref()),
            debug_assertions: p.debug_assertions,
            overflow_checks: p.overflow_checks,
            test: unit.mode.is_rustc_test(),
        },
        features: unit.features.iter().map(String::as_str).collect(),
        filenames,
        executable,
        fresh,
    };
    serde_json::to_string(&msg).ok()
}

#[derive(Serialize)]
struct BuildScriptExecuted<'a> {
    reason: &'static str,
    package_id: String,
    linked_libs: &'a [String],
    linked_paths: &'a [String],
    cfgs: &'a [String],
    env: &'a [(String, String)],
    out_dir: PathBuf,
}

/// The `build-script-executed` of a build script run.
pub fn build_script_executed(bcx: &BuildContext<'_>, unit: &Unit, fx: &ScriptEffects) -> String {
    let m = bcx.graph.packages[unit.pkg].manifest;
    let out_dir = fx
        .out_dir
        .clone()
        .unwrap_or_else(|| bcx.script_out_dir(unit));
    serde_json::to_string(&BuildScriptExecuted {
        reason: "build-script-executed",
        package_id: m.package_id.to_spec_string(),
        linked_libs: &fx.link_libs,
        linked_paths: &fx.link_search,
        cfgs: &fx.cfgs,
        env: &fx.env,
        out_dir,
    })
    .unwrap_or_default()
}

/// `{"reason":"build-finished","success":…}`.
pub fn build_finished(success: bool) -> String {
    format!("{{\"reason\":\"build-finished\",\"success\":{success}}}")
}

fn emit(shell: &mut Shell, line: &str) -> anyhow::Result<()> {
    let out = shell.out();
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// A compile unit finished: its `compiler-artifact`, under a JSON format.
/// Nothing for build script runs (see [`emit_build_script_executed`]).
pub fn emit_artifact(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    fresh: bool,
) -> anyhow::Result<()> {
    if !emits_json(bcx.config.message_format) {
        return Ok(());
    }
    match artifact(bcx, unit, fresh) {
        Some(line) => emit(shell, &line),
        None => Ok(()),
    }
}

/// A build script ran (or its stored output was reused).
pub fn emit_build_script_executed(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    fx: &ScriptEffects,
) -> anyhow::Result<()> {
    if !emits_json(bcx.config.message_format) {
        return Ok(());
    }
    emit(shell, &build_script_executed(bcx, unit, fx))
}

/// A unit was fresh: what cargo says of it as if it had been built.
pub fn emit_fresh(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    script: Option<&ScriptEffects>,
) -> anyhow::Result<()> {
    match script {
        Some(fx) if unit.mode == CompileMode::RunCustomBuild => {
            emit_build_script_executed(bcx, shell, unit, fx)
        }
        _ => emit_artifact(bcx, shell, unit, true),
    }
}

/// A diagnostic of rustc under a JSON format that does not render them.
pub fn emit_compiler_message(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    raw: &str,
) -> anyhow::Result<()> {
    emit(shell, &compiler_message(bcx, unit, raw))
}

/// The end of the build, under a JSON format.
pub fn emit_build_finished(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    success: bool,
) -> anyhow::Result<()> {
    if !emits_json(bcx.config.message_format) {
        return Ok(());
    }
    emit(shell, &build_finished(success))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUSTC_LINE: &str = r#"{"$message_type":"diagnostic","message":"unused variable: `x`","code":{"code":"unused_variables","explanation":null},"level":"warning","spans":[{"file_name":"build.rs","byte_start":16,"byte_end":17,"line_start":1,"line_end":1,"column_start":17,"column_end":18,"is_primary":true,"text":[{"text":"fn main() { let x = 1; }","highlight_start":17,"highlight_end":18}],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[{"message":"note","code":null,"level":"note","spans":[],"children":[],"rendered":null}],"rendered":"\u001b[1m\u001b[33mwarning\u001b[0m\u001b[1m: unused variable: `x`\u001b[0m\n"}"#;

    #[test]
    fn plain_diagnostic_is_reordered_like_cargo() {
        let out = plain_diagnostic(RUSTC_LINE);
        assert_eq!(
            out,
            r#"{"rendered":"warning: unused variable: `x`\n","$message_type":"diagnostic","children":[{"children":[],"code":null,"level":"note","message":"note","rendered":null,"spans":[]}],"level":"warning","message":"unused variable: `x`","spans":[{"byte_end":17,"byte_start":16,"column_end":18,"column_start":17,"expansion":null,"file_name":"build.rs","is_primary":true,"label":null,"line_end":1,"line_start":1,"suggested_replacement":null,"suggestion_applicability":null,"text":[{"highlight_end":18,"highlight_start":17,"text":"fn main() { let x = 1; }"}]}],"code":{"code":"unused_variables","explanation":null}}"#
        );
    }

    #[test]
    fn code_null_stays_last_and_odd_lines_pass_through() {
        let out = plain_diagnostic(
            r#"{"$message_type":"diagnostic","message":"m","code":null,"level":"error","spans":[],"children":[],"rendered":"error: m\n"}"#,
        );
        assert_eq!(
            out,
            r#"{"rendered":"error: m\n","$message_type":"diagnostic","children":[],"level":"error","message":"m","spans":[],"code":null}"#
        );
        let odd = r#"{"$message_type":"diagnostic","level":"note","rendered":null}"#;
        assert_eq!(plain_diagnostic(odd), odd);
    }

    #[test]
    fn debuginfo_is_a_number_or_a_name() {
        let s = |d| serde_json::to_string(&debuginfo(d)).unwrap();
        assert_eq!(s(None), "0");
        assert_eq!(s(Some("2")), "2");
        assert_eq!(s(Some("line-tables-only")), "\"line-tables-only\"");
    }

    #[test]
    fn build_finished_shape() {
        assert_eq!(
            build_finished(false),
            r#"{"reason":"build-finished","success":false}"#
        );
    }
}
