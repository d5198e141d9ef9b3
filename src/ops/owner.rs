//! `mycargo owner`: list, add or remove the owners of a crate.

use anyhow::Context as _;
use mycargo_util::CliResult;

use super::registry_api;
use crate::cli::owner::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(owner(gctx, args)?)
}

fn owner(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    registry_api::check_registry_name(args.registry.as_deref())?;
    let name = match &args.krate {
        Some(k) => k.clone(),
        None => super::yank::current_package(gctx)?,
    };
    let target = registry_api::target(gctx, args.registry.as_deref(), args.index.as_deref())?;
    let (config, _) = registry_api::registry_config(gctx, &target, true)?;
    let op = super::credential::Operation::Owners { name: name.clone() };
    let token = registry_api::require_token(gctx, &target, args.token.as_deref(), op)?;
    let client = registry_api::client(gctx, &target, &config, Some(token))?;
    let host = client.host().to_string();
    if !args.add.is_empty() {
        let msg = client.add_owners(&name, &args.add).with_context(|| {
            format!("failed to invite owners to crate `{name}` on registry at {host}")
        })?;
        gctx.shell.status("Owner", msg)?;
    }
    if !args.remove.is_empty() {
        gctx.shell.status(
            "Owner",
            format!("removing {:?} from crate {name}", args.remove),
        )?;
        client.remove_owners(&name, &args.remove).with_context(|| {
            format!("failed to remove owners from crate `{name}` on registry at {host}")
        })?;
    }
    if args.list {
        let users = client.list_owners(&name).with_context(|| {
            format!("failed to list owners of crate `{name}` on registry at {host}")
        })?;
        let out = gctx.shell.out();
        for u in users {
            match &u.name {
                Some(n) => writeln!(out, "{} ({n})", u.login)?,
                None => writeln!(out, "{}", u.login)?,
            }
        }
    }
    Ok(())
}
