//! JSON messages for `--message-format json`, in cargo's field order.

use serde::Serialize;

use crate::build_context::BuildContext;
use crate::unit::Unit;

#[derive(Serialize)]
struct TargetJson<'a> {
    kind: Vec<String>,
    crate_types: Vec<String>,
    name: &'a str,
    src_path: String,
    edition: &'a str,
    doc: bool,
    doctest: bool,
    test: bool,
}

fn target_json(t: &mycargo_manifest::Target) -> TargetJson<'_> {
    TargetJson {
        kind: t.kind.metadata_kinds(),
        crate_types: t.kind.crate_types(),
        name: &t.name,
        src_path: t.src_path.display().to_string(),
        edition: t.edition.as_str(),
        doc: t.doc,
        doctest: t.metadata_doctest(),
        test: t.tested,
    }
}

/// `{"reason":"compiler-message","package_id":…,"manifest_path":…,"target":…,"message":…}`.
pub fn compiler_message(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    target: &mycargo_manifest::Target,
    raw: &str,
) -> String {
    #[derive(Serialize)]
    struct Msg<'a> {
        reason: &'static str,
        package_id: String,
        manifest_path: String,
        target: TargetJson<'a>,
        message: serde_json::Value,
    }
    let m = bcx.graph.packages[unit.pkg].manifest;
    let message = serde_json::from_str(raw).unwrap_or(serde_json::Value::Null);
    serde_json::to_string(&Msg {
        reason: "compiler-message",
        package_id: m.package_id.to_spec_string(),
        manifest_path: m.manifest_path.display().to_string(),
        target: target_json(target),
        message,
    })
    .unwrap_or_default()
}
