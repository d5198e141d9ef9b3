//! `mycargo login` and `mycargo logout`: keep a registry's token in
//! `$CARGO_HOME/credentials.toml`, in cargo's format (`[registry] token`
//! for crates.io, `[registries.<name>] token` otherwise), written
//! atomically with mode 0600. The token is never printed.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use std::path::Path;

use anyhow::{Context as _, bail};
use mycargo_core::source_id::CRATES_IO_REGISTRY;
use mycargo_registry_api::web::check_token;
use mycargo_util::CliResult;

use super::credential::{self, Action, Answer};
use super::registry_api;
use crate::context::GlobalContext;

pub fn login(gctx: &mut GlobalContext, args: &crate::cli::login::Args) -> CliResult {
    Ok(do_login(gctx, args)?)
}

pub fn logout(gctx: &mut GlobalContext, args: &crate::cli::logout::Args) -> CliResult {
    Ok(do_logout(gctx, args)?)
}

fn do_login(gctx: &mut GlobalContext, args: &crate::cli::login::Args) -> anyhow::Result<()> {
    let target = registry_api::target(gctx, args.registry.as_deref(), None)?;
    let name = target.display_name();
    if args.token.is_some() {
        gctx.shell
            .warn("`cargo login <token>` is deprecated in favor of reading `<token>` from stdin")?;
    }
    // The registry's `config.json` names where tokens are made; one that
    // wants a token to be read names it in its challenge instead.
    let login_url = match registry_api::registry_config(gctx, &target, false) {
        Ok((config, _)) => {
            let Some(api) = config.api.clone() else {
                bail!("{} does not support API commands", target.describe());
            };
            // An authenticated registry: a `read` token first; without one
            // the login goes on, with no login URL to name.
            let read = match config.auth_required {
                true => registry_api::require_token(
                    gctx,
                    &target,
                    args.token.as_deref(),
                    credential::Operation::Read,
                ),
                false => Ok(registry_api::Auth::Token(String::new())),
            };
            match read {
                Ok(_) => Some(format!("{}/me", api.trim_end_matches('/'))),
                Err(e) if e.is::<registry_api::MissingToken>() => None,
                Err(e) => return Err(e),
            }
        }
        Err(e) => match gctx.credential_cache.take_refused() {
            Some(login_url) => login_url,
            None => return Err(e),
        },
    };
    let token = match &args.token {
        Some(t) => Some(t.clone()),
        None if !std::io::stdin().is_terminal() => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("failed to read the token from stdin")?;
            Some(line.trim().to_string()).filter(|t| !t.is_empty())
        }
        None => None,
    };
    let creds = registry_api::credentials(gctx, &target)?;
    let action = Action::Login {
        token: token.clone(),
        login_url: login_url.clone(),
    };
    let answer = run(gctx, &creds, &action, &args.args)?;
    match answer {
        Answer::CargoToken => {}
        Answer::Reply(_) => return Ok(()),
        Answer::Paseto => bail!("`cargo:paseto` login is not supported by mycargo yet"),
        Answer::NotFound => bail!("credential not found"),
    }
    // `cargo:token` keeps the token in `credentials.toml`.
    let token = (|| -> anyhow::Result<String> {
        let token = match token {
            Some(t) => t,
            None => prompt_token(login_url.as_deref(), &creds.registry)?,
        };
        let token = token.replace("cargo login", "").trim().to_string();
        check_token(&token)?;
        Ok(token)
    })()
    .context("credential provider `cargo:token` failed action `login`")?;
    let path = gctx.config.cargo_home().join("credentials.toml");
    let mut doc = read_doc(&registry_api::credentials_path(gctx))?;
    // A legacy top-level `token` belongs to `[registry]`.
    if let Some(old) = doc.remove("token")
        && doc.get("registry").and_then(|r| r.get("token")).is_none()
    {
        table_mut(&mut doc, &["registry"])?.insert("token", old);
    }
    let keys: Vec<&str> = if name == CRATES_IO_REGISTRY {
        vec!["registry"]
    } else {
        vec!["registries", name.as_str()]
    };
    table_mut(&mut doc, &keys)?.insert("token", toml_edit::value(token));
    write_private_file(&path, normalized(&doc)?.as_bytes())?;
    gctx.shell
        .status("Login", format!("token for `{name}` saved"))?;
    Ok(())
}

/// Ask the providers, with `Credential` lines under `-v`.
fn run(
    gctx: &mut GlobalContext,
    creds: &credential::Credentials,
    action: &Action,
    extra: &[String],
) -> anyhow::Result<Answer> {
    let shell = &mut gctx.shell;
    let mut status = |m: String| {
        let _ = shell.verbose_status("Credential", m);
    };
    creds.run(action, extra, &mut status)
}

/// Read a token from stdin after cargo's prompt.
pub fn prompt_token(
    login_url: Option<&str>,
    registry: &credential::RegistryInfo,
) -> anyhow::Result<String> {
    let what = match (login_url, &registry.name) {
        (Some(url), _) => format!("please paste the token found on {url} below"),
        (None, Some(name)) => format!("please paste the token for {name} below"),
        (None, None) => format!("please paste the token for {} below", registry.index_url),
    };
    let _ = writeln!(std::io::stderr(), "{what}");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("failed to read the token from stdin")?;
    Ok(line.trim().to_string())
}

fn do_logout(gctx: &mut GlobalContext, args: &crate::cli::logout::Args) -> anyhow::Result<()> {
    let target = registry_api::target(gctx, args.registry.as_deref(), None)?;
    let name = target.display_name();
    let creds = registry_api::credentials(gctx, &target)?;
    match run(gctx, &creds, &Action::Logout, &[])? {
        Answer::CargoToken => {}
        Answer::Reply(_) => return Ok(()),
        Answer::Paseto => bail!("`cargo:paseto` logout is not supported by mycargo yet"),
        Answer::NotFound => {
            gctx.shell
                .status("Logout", format!("not currently logged in to `{name}`"))?;
            return Ok(());
        }
    }
    let path = registry_api::credentials_path(gctx);
    let mut doc = read_doc(&path)?;
    let table = if name == CRATES_IO_REGISTRY {
        doc.get_mut("registry")
    } else {
        doc.get_mut("registries")
            .and_then(|r| r.get_mut(name.as_str()))
    };
    let mut removed = false;
    if let Some(t) = table.and_then(|t| t.as_table_like_mut()) {
        for key in ["token", "secret-key", "secret-key-subject"] {
            removed |= t.remove(key).is_some();
        }
    }
    if name == CRATES_IO_REGISTRY {
        removed |= doc.remove("token").is_some();
    }
    if !removed {
        gctx.shell
            .status("Logout", format!("not currently logged in to `{name}`"))?;
        return Ok(());
    }
    write_private_file(&path, normalized(&doc)?.as_bytes())?;
    gctx.shell.status(
        "Logout",
        format!("token for `{name}` has been removed from local storage"),
    )?;
    let site = if name == CRATES_IO_REGISTRY {
        "<https://crates.io/me>".to_string()
    } else {
        format!("the `{name}` website")
    };
    gctx.shell.note(format!(
        "This does not revoke the token on the registry server.\n    If you need to revoke the token, visit {site} and follow the instructions there."
    ))?;
    Ok(())
}

/// The file as cargo writes it back: tables in their order, its own
/// formatting (comments are not kept, as with cargo).
fn normalized(doc: &toml_edit::DocumentMut) -> anyhow::Result<String> {
    let table: toml::Table = toml::from_str(&doc.to_string())?;
    Ok(toml::to_string(&table)?)
}

fn read_doc(path: &Path) -> anyhow::Result<toml_edit::DocumentMut> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .parse()
            .with_context(|| format!("could not parse TOML file `{}`", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml_edit::DocumentMut::new()),
        Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

/// The table at `keys`, made (implicit parents) when missing.
fn table_mut<'a>(
    doc: &'a mut toml_edit::DocumentMut,
    keys: &[&str],
) -> anyhow::Result<&'a mut toml_edit::Table> {
    let mut t = doc.as_table_mut();
    for (i, k) in keys.iter().enumerate() {
        let item = t.entry(k).or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(i + 1 < keys.len());
            toml_edit::Item::Table(table)
        });
        let Some(next) = item.as_table_mut() else {
            bail!(
                "`{}` in the credentials file is not a table",
                keys[..=i].join(".")
            );
        };
        t = next;
    }
    Ok(t)
}

/// Write `data` through a temporary file, readable by the owner only,
/// creating the directory first.
fn write_private_file(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        mycargo_util::fs::create_dir_all(dir)?;
    }
    mycargo_util::fs::write_atomic_private(path, data)
}
