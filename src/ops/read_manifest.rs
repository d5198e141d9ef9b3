//! `mycargo read-manifest` (deprecated in cargo, kept for scripts).

use anyhow::anyhow;
use mycargo_util::CliResult;

use crate::cli::read_manifest::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let Some(pkg) = ws.current() else {
        return Err(anyhow!(
            "manifest path `{}` is a virtual manifest, but this command requires running against an actual package in this workspace",
            manifest.display()
        )
        .into());
    };
    let json = serde_json::to_string(&super::package_json::PackageJson::new(pkg))
        .map_err(anyhow::Error::from)?;
    writeln!(gctx.shell.out(), "{json}")?;
    Ok(())
}
