//! `mycargo verify-project`: `{"success":"true"}` or `{"invalid":"<why>"}`.

use mycargo_util::{CliError, CliResult};

use crate::cli::verify_project::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    let result = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())
        .and_then(|m| super::workspace::load_reporting(gctx, &m));
    match result {
        Ok(_) => {
            writeln!(
                gctx.shell.out(),
                "{}",
                serde_json::json!({"success": "true"})
            )?;
            Ok(())
        }
        Err(e) => {
            // A located TOML error is also shown as cargo shows it.
            if let Some(diag) = diagnostic(&e) {
                gctx.shell.error(diag)?;
            }
            let why = invalid_reason(&e);
            writeln!(
                gctx.shell.out(),
                "{}",
                serde_json::json!({ "invalid": why })
            )?;
            Err(CliError::code(1))
        }
    }
}

/// cargo reports the error's own message (not its causes); for TOML errors,
/// the parser's rendering (`TOML parse error at line L, column C`, a snippet).
fn invalid_reason(err: &anyhow::Error) -> String {
    err.downcast_ref::<mycargo_manifest::ManifestError>()
        .map_or_else(
            || err.to_string(),
            mycargo_manifest::ManifestError::headline,
        )
}

fn diagnostic(err: &anyhow::Error) -> Option<&mycargo_util::TomlDiagnostic> {
    err.downcast_ref::<mycargo_manifest::ManifestError>()?
        .diagnostic()
}
