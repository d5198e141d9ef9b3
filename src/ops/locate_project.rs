//! `mycargo locate-project`: where the package's (or workspace's) manifest is.

use mycargo_util::CliResult;

use crate::cli::locate_project::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let root = if args.workspace {
        let ws = super::workspace::load(gctx, &manifest)?;
        ws.root_manifest().to_path_buf()
    } else {
        manifest
    };
    let Some(root) = root.to_str() else {
        return Err(anyhow::anyhow!(
            "your project path contains characters not representable in Unicode"
        )
        .into());
    };
    let line = match args.message_format.as_deref() {
        Some("plain") => root.to_string(),
        _ => serde_json::json!({ "root": root }).to_string(),
    };
    writeln!(gctx.shell.out(), "{line}")?;
    Ok(())
}
