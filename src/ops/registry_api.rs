//! What the web API commands (`publish`, `yank`, `owner`, `search`,
//! `login`, `logout`) share: which registry a command talks to, its token
//! (looked up in cargo's order, and only ever sent to the registry it
//! belongs to), `credentials.toml`, and the API client from `config.json`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use mycargo_core::SourceId;
use mycargo_core::source_id::{CRATES_IO_REGISTRY, parse_url};
use mycargo_registry_api::web;
use mycargo_sources::source_map::SourceMap;
use mycargo_sources::{NetConfig, Silent, SparseRegistry};

use crate::context::GlobalContext;

/// The registry a command talks to.
#[derive(Debug, Clone)]
pub struct Target {
    /// `None` for a bare `--index` URL no `[registries]` entry names.
    pub name: Option<String>,
    pub source_id: SourceId,
}

impl Target {
    pub fn is_crates_io(&self) -> bool {
        self.name.as_deref() == Some(CRATES_IO_REGISTRY)
    }

    /// How cargo names it in messages: `crates-io`, `alt`, or the URL.
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => self.source_id.url().to_string(),
        }
    }

    /// `registry `alt`` / `crates.io`, as in cargo's status lines.
    pub fn describe(&self) -> String {
        if self.is_crates_io() {
            "crates.io".to_string()
        } else {
            format!("registry `{}`", self.display_name())
        }
    }
}

/// Settle `--registry` / `--index` / `registry.default`.
pub fn target(
    gctx: &GlobalContext,
    registry: Option<&str>,
    index: Option<&str>,
) -> anyhow::Result<Target> {
    let map = SourceMap::load(&gctx.config)?;
    if let Some(index) = index {
        let url = parse_url(index).with_context(|| format!("invalid index URL `{index}`"))?;
        let mut id = SourceId::for_registry(&url);
        // A URL a `[registries]` entry names is that registry.
        let mut name = None;
        for n in gctx.config.table_keys("registries")? {
            if let Ok(candidate) = map.registry(&n)
                && candidate.url() == id.url()
            {
                id = candidate;
                name = Some(n);
                break;
            }
        }
        return Ok(Target {
            name,
            source_id: id,
        });
    }
    let name = match registry {
        Some(r) => r.to_string(),
        None => match gctx.config.get_string("registry.default")? {
            Some(v) => v.val,
            None => CRATES_IO_REGISTRY.to_string(),
        },
    };
    if name == CRATES_IO_REGISTRY {
        let replaced = map.replacement(&SourceId::crates_io())?;
        if replaced != SourceId::crates_io() && registry.is_none() {
            let with = replaced
                .registry_name()
                .map(str::to_string)
                .unwrap_or_else(|| replaced.url().to_string());
            bail!(
                "crates-io is replaced with remote registry {with};\ninclude `--registry {with}` or `--registry crates-io`"
            );
        }
        return Ok(Target {
            name: Some(name),
            source_id: SourceId::crates_io(),
        });
    }
    let id = map.registry(&name)?;
    Ok(Target {
        name: Some(name),
        source_id: id,
    })
}

/// `CARGO_REGISTRY_TOKEN` or `CARGO_REGISTRIES_<NAME>_TOKEN`.
pub fn token_env_var(name: &str) -> String {
    if name == CRATES_IO_REGISTRY {
        "CARGO_REGISTRY_TOKEN".to_string()
    } else {
        format!(
            "CARGO_REGISTRIES_{}_TOKEN",
            name.to_uppercase().replace('-', "_")
        )
    }
}

/// The config key of a registry's token.
fn token_key(name: &str) -> String {
    if name == CRATES_IO_REGISTRY {
        "registry.token".to_string()
    } else {
        format!("registries.{name}.token")
    }
}

/// The token of `target`: `--token`, then the environment, then
/// `credentials.toml`, then the config files. `None` when there is none.
pub fn find_token(
    gctx: &GlobalContext,
    target: &Target,
    flag: Option<&str>,
) -> anyhow::Result<Option<String>> {
    if let Some(t) = flag {
        return Ok(Some(t.to_string()));
    }
    // A token belongs to a named registry; an unnamed URL gets none.
    let Some(name) = &target.name else {
        return Ok(None);
    };
    if let Some(t) = gctx.env.get(&token_env_var(name))
        && !t.is_empty()
    {
        return Ok(Some(t.to_string()));
    }
    let creds = read_credentials(gctx)?;
    let table = if name == CRATES_IO_REGISTRY {
        creds.get("registry")
    } else {
        creds.get("registries").and_then(|r| r.get(name.as_str()))
    };
    if let Some(t) = table.and_then(|t| t.get("token")).and_then(|t| t.as_str()) {
        return Ok(Some(t.to_string()));
    }
    if name == CRATES_IO_REGISTRY
        && let Some(t) = creds.get("token").and_then(|t| t.as_str())
    {
        return Ok(Some(t.to_string()));
    }
    Ok(gctx.config.get_string(&token_key(name))?.map(|v| v.val))
}

/// The token, or cargo's error saying how to give one.
pub fn require_token(
    gctx: &GlobalContext,
    target: &Target,
    flag: Option<&str>,
) -> anyhow::Result<String> {
    if let Some(t) = find_token(gctx, target, flag)? {
        return Ok(t);
    }
    match &target.name {
        Some(n) if n == CRATES_IO_REGISTRY => bail!(
            "no token found, please run `mycargo login`\nor use environment variable CARGO_REGISTRY_TOKEN"
        ),
        Some(n) => bail!(
            "no token found for `{n}`, please run `mycargo login --registry {n}`\nor use environment variable {}",
            token_env_var(n)
        ),
        None => bail!(
            "no token found for `{}`, pass `--token` or configure the registry in `[registries]`",
            target.source_id.url()
        ),
    }
}

/// `$CARGO_HOME/credentials.toml` (or the legacy `credentials` when only
/// that exists).
pub fn credentials_path(gctx: &GlobalContext) -> PathBuf {
    let home = gctx.config.cargo_home();
    let legacy = home.join("credentials");
    let path = home.join("credentials.toml");
    if !path.exists() && legacy.exists() {
        legacy
    } else {
        path
    }
}

fn read_credentials(gctx: &GlobalContext) -> anyhow::Result<toml::Table> {
    let path = credentials_path(gctx);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(toml::Table::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
        }
    };
    toml::from_str(&text).with_context(|| format!("could not parse TOML file `{}`", path.display()))
}

/// The network settings of this command.
pub fn net(gctx: &GlobalContext) -> anyhow::Result<NetConfig> {
    NetConfig::from_config(&gctx.config, gctx.args.offline || gctx.args.frozen)
}

/// A sparse client of the target's index (for `config.json` and polling).
pub fn sparse(
    gctx: &GlobalContext,
    target: &Target,
    token: Option<&str>,
) -> anyhow::Result<SparseRegistry> {
    let id = &target.source_id;
    if !id.url().as_str().starts_with("sparse+") && !id.is_crates_io() {
        bail!(
            "registry `{}` uses the git protocol, which mycargo does not support for API commands yet",
            target.display_name()
        );
    }
    SparseRegistry::new(
        id,
        gctx.config.cargo_home(),
        net(gctx)?,
        token.map(str::to_string),
        Arc::new(Silent),
    )
}

/// `Updating` the target's index for its `config.json` (cargo does this
/// before it looks for a token).
pub fn registry_config(
    gctx: &mut GlobalContext,
    target: &Target,
) -> anyhow::Result<(Arc<mycargo_sources::RegistryConfig>, SparseRegistry)> {
    if gctx.args.offline || gctx.args.frozen {
        bail!("attempting to make an HTTP request, but --offline was specified");
    }
    gctx.shell
        .status("Updating", SourceMap::describe(&target.source_id))?;
    // The index sees no token: only its API does (a registry that wants
    // auth on its index is configured with the token there).
    let sparse = sparse(gctx, target, None)?;
    let config = sparse.config()?;
    Ok((config, sparse))
}

/// The API client of `target` from its `config.json`.
pub fn client(
    gctx: &GlobalContext,
    target: &Target,
    config: &mycargo_sources::RegistryConfig,
    token: Option<String>,
) -> anyhow::Result<web::Registry> {
    let Some(api) = config.api.clone() else {
        bail!("{} does not support API commands", target.describe());
    };
    web::Registry::new(&api, token, config.auth_required, &net(gctx)?)
}
