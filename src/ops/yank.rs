//! `mycargo yank`: yank a version from a registry's index, or undo it.

use anyhow::{Context as _, bail};
use mycargo_util::CliResult;

use super::registry_api;
use crate::cli::yank::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(yank(gctx, args)?)
}

fn yank(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    super::registry_api::check_registry_name(args.registry.as_deref())?;
    let (name, version) = match args.krate.as_deref().map(|k| k.split_once('@')) {
        Some(Some((name, v))) => {
            if args.version.is_some() {
                bail!("cannot specify both `@{v}` and `--version`");
            }
            if name.is_empty() {
                bail!("missing crate name for `@{v}`");
            }
            if v.is_empty() {
                bail!("missing version after `@` in `{name}@`");
            }
            check_version(v)?;
            (name.to_string(), Some(v.to_string()))
        }
        Some(None) => (args.krate.clone().unwrap_or_default(), args.version.clone()),
        None => (current_package(gctx)?, args.version.clone()),
    };
    let Some(version) = version else {
        bail!("`--version` is required");
    };
    let target = registry_api::target(gctx, args.registry.as_deref(), args.index.as_deref())?;
    let (config, _) = registry_api::registry_config(gctx, &target, true)?;
    let (name_, vers) = (name.clone(), version.clone());
    let op = match args.undo {
        true => super::credential::Operation::Unyank { name: name_, vers },
        false => super::credential::Operation::Yank { name: name_, vers },
    };
    let token = registry_api::require_token(gctx, &target, args.token.as_deref(), op)?;
    let client = registry_api::client(gctx, &target, &config, Some(token))?;
    if args.undo {
        gctx.shell.status("Unyank", format!("{name}@{version}"))?;
        client.unyank(&name, &version).with_context(|| {
            format!(
                "failed to undo a yank from the registry at {}",
                client.host()
            )
        })?;
    } else {
        gctx.shell.status("Yank", format!("{name}@{version}"))?;
        client
            .yank(&name, &version)
            .with_context(|| format!("failed to yank from the registry at {}", client.host()))?;
    }
    Ok(())
}

/// cargo's errors for a version that is not SemVer (`v1.0.0` gets a hint).
fn check_version(v: &str) -> anyhow::Result<()> {
    parse_version(v, "invalid version").map(|_| ())
}

/// Parse `v` as SemVer with cargo's errors: `{what} `v`` with the parser's
/// reason, or, for `v1.0.0`, the hint to drop the `v`.
pub fn parse_version(v: &str, what: &str) -> anyhow::Result<semver::Version> {
    let e = match semver::Version::parse(v) {
        Ok(version) => return Ok(version),
        Err(e) => anyhow::Error::new(e),
    };
    match v.strip_prefix('v') {
        Some(rest) if semver::Version::parse(rest).is_ok() => Err(e.context(format!(
            "the version provided, `{v}` is not a valid SemVer version\n\nhelp: try changing the version to `{rest}`"
        ))),
        _ => Err(e.context(format!("{what} `{v}`"))),
    }
}

/// The name of the package in the current directory (what `yank` and
/// `owner` act on without a crate argument).
pub fn current_package(gctx: &mut GlobalContext) -> anyhow::Result<String> {
    let manifest = super::workspace::root_manifest(gctx, None)?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    match ws.current() {
        Some(m) => Ok(m.name().to_string()),
        None => bail!(
            "a crate name is required: `{}` is a virtual manifest",
            manifest.display()
        ),
    }
}
