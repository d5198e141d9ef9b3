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
    /// How cargo names it in messages: `crates-io`, `alt`, or the URL.
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => {
                let url = self.source_id.url();
                url.to_file_path()
                    .map_or_else(|()| url.to_string(), |p| p.display().to_string())
            }
        }
    }

    /// `registry `alt``, as in cargo's status lines.
    pub fn describe(&self) -> String {
        format!("registry `{}`", self.display_name())
    }
}

/// Settle `--registry` / `--index` / `registry.default`.
/// A name given on the command line (`--registry`) is a registry name
/// first (checked as cargo checks its arguments, before anything is read).
pub fn check_registry_name(registry: Option<&str>) -> anyhow::Result<()> {
    if let Some(name) = registry {
        if name.is_empty() {
            bail!("registry name cannot be empty");
        }
        mycargo_core::names::validate_package_name(name, "registry name")?;
    }
    Ok(())
}

pub fn target(
    gctx: &GlobalContext,
    registry: Option<&str>,
    index: Option<&str>,
) -> anyhow::Result<Target> {
    check_registry_name(registry)?;
    if gctx.config.get_string("registry.index")?.is_some() {
        bail!(super::workspace::REGISTRY_INDEX_REFUSED);
    }
    let map = SourceMap::load(&gctx.config)?;
    if let Some(index) = index {
        let url = parse_url(index)?;
        // cargo names a bare `--index` by its URL, even one a
        // `[registries]` entry also names (and sends only `--token` to it).
        let id = SourceId::for_registry(&url);
        let name = None;
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
        let builtin = map.builtin_crates_io();
        // Replaced by what serves crates.io anyway (same index URL): cargo
        // goes on.
        let same = replaced.kind() == builtin.kind()
            && replaced.canonical_url() == builtin.canonical_url();
        if !same && registry.is_none() {
            // A replacement `[registries]` defines is a remote registry; a
            // `[source]` entry is not (cargo's `alt_registry_key`).
            let alt = replaced.registry_name().filter(|n| {
                gctx.config
                    .table_keys(&format!("source.{n}"))
                    .is_ok_and(|k| k.is_empty())
                    && gctx
                        .config
                        .table_keys("registries")
                        .is_ok_and(|r| r.iter().any(|r| r == n))
            });
            match alt {
                Some(with) => bail!(
                    "crates-io is replaced with remote registry {with};\ninclude `--registry {with}` or `--registry crates-io`"
                ),
                None => bail!(
                    "crates-io is replaced with non-remote-registry source {replaced};\ninclude `--registry crates-io` to use crates.io"
                ),
            }
        }
        return Ok(Target {
            name: Some(name),
            source_id: builtin,
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

/// The config key of a registry's `field`: `registry.<field>` for
/// crates.io, `registries.<name>.<field>` for the others.
fn registry_key(name: &str, field: &str) -> String {
    if name == CRATES_IO_REGISTRY {
        format!("registry.{field}")
    } else {
        format!("registries.{name}.{field}")
    }
}

/// A token `cargo:token` knows, and where it was configured (cargo's
/// definition: `environment variable `X``, or a file's path).
struct ConfiguredToken {
    token: String,
    definition: String,
}

/// The token of the registry `name` as the `cargo:token` provider finds
/// it: the environment, then `credentials.toml`, then the config files.
fn configured_token(gctx: &GlobalContext, name: &str) -> anyhow::Result<Option<ConfiguredToken>> {
    let var = token_env_var(name);
    if let Some(t) = gctx.env.get(&var)
        && !t.is_empty()
    {
        return Ok(Some(ConfiguredToken {
            token: t.to_string(),
            definition: format!("environment variable `{var}`"),
        }));
    }
    let creds = read_credentials(gctx)?;
    let table = if name == CRATES_IO_REGISTRY {
        creds.get("registry")
    } else {
        creds.get("registries").and_then(|r| r.get(name))
    };
    let legacy = (name == CRATES_IO_REGISTRY)
        .then(|| creds.get("token"))
        .flatten();
    if let Some(t) = table
        .and_then(|t| t.get("token"))
        .or(legacy)
        .and_then(|t| t.as_str())
    {
        return Ok(Some(ConfiguredToken {
            token: t.to_string(),
            definition: credentials_path(gctx).display().to_string(),
        }));
    }
    Ok(gctx
        .config
        .get_string(&registry_key(name, "token"))?
        .map(|v| ConfiguredToken {
            token: v.val,
            definition: v.definition.to_string(),
        }))
}

/// The credential providers cargo 1.95 would ask for `target`, first
/// first (`credential_provider` in cargo's `util/auth`): the registry's
/// own `credential-provider`, else `registry.global-credential-providers`
/// (the last listed first), else `cargo:token`; `[credential-alias]`
/// names resolved (an alias shadowing a built-in is ignored with cargo's
/// warning). Each provider is its program and arguments.
fn credential_providers(
    gctx: &mut GlobalContext,
    target: &Target,
) -> anyhow::Result<Vec<Vec<String>>> {
    let mut warnings = Vec::new();
    let found = providers_and_warnings(gctx, target, &mut warnings)?;
    for w in warnings {
        gctx.shell.warn(w)?;
    }
    Ok(found)
}

/// [`credential_providers`], its warnings left to the caller.
fn providers_and_warnings(
    gctx: &GlobalContext,
    target: &Target,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Vec<Vec<String>>> {
    let found = {
        let alias = |p: Vec<String>, warnings: &mut Vec<String>| -> anyhow::Result<Vec<String>> {
            if let [name] = &p[..]
                && let Some(v) = gctx
                    .config
                    .get_string_list(&format!("credential-alias.{name}"))?
                && !v.val.is_empty()
            {
                if credential::BUILT_IN.contains(&name.as_str()) {
                    warnings.push(format!(
                        "credential-alias `{name}` (defined in `{}`) will be ignored because it would shadow a built-in credential-provider",
                        v.definition
                    ));
                    return Ok(p);
                }
                let base = v.definition.root(gctx.cwd()).to_path_buf();
                let mut argv = v.val;
                argv[0] = credential::resolve_program(&argv[0], &base);
                return Ok(argv);
            }
            Ok(p)
        };
        let specific_key = target
            .name
            .as_deref()
            .map(|n| registry_key(n, "credential-provider"));
        let specific = match specific_key {
            Some(key) => gctx.config.get_string_list(&key)?,
            None => None,
        };
        if let Some(v) = specific.filter(|v| !v.val.is_empty()) {
            let base = v.definition.root(gctx.cwd()).to_path_buf();
            let mut argv = alias(v.val, warnings)?;
            argv[0] = credential::resolve_program(&argv[0], &base);
            vec![argv]
        } else {
            let global = gctx
                .config
                .get_string_list("registry.global-credential-providers")?;
            match global.filter(|v| !v.val.is_empty()) {
                None => {
                    let mut defaults = vec![vec![CARGO_TOKEN.to_string()]];
                    if gctx.unstable.asymmetric_token {
                        defaults.push(vec![CARGO_PASETO.to_string()]);
                    }
                    defaults
                }
                Some(v) => {
                    let base = v.definition.root(gctx.cwd()).to_path_buf();
                    let mut out = Vec::new();
                    for p in v.val.iter().rev() {
                        let mut argv =
                            alias(p.split_whitespace().map(str::to_string).collect(), warnings)?;
                        if argv.is_empty() {
                            continue;
                        }
                        argv[0] = credential::resolve_program(&argv[0], &base);
                        out.push(argv);
                    }
                    out
                }
            }
        }
    };
    Ok(found)
}

use super::credential::{self, Answer, CARGO_PASETO, CARGO_TOKEN, Credentials, Operation, Reply};

/// What the providers of `target` need to be asked (tokens and the
/// providers list taken from the configuration now).
pub fn credentials(gctx: &mut GlobalContext, target: &Target) -> anyhow::Result<Credentials> {
    let providers = credential_providers(gctx, target)?;
    credentials_with(gctx, target, providers)
}

/// The token source of a registry index a build reads: its providers,
/// asked when the server wants a token; cargo's error for the default
/// providers (`cargo:token` alone may not read an authenticated index).
pub fn index_tokens(
    gctx: &GlobalContext,
    target: &Target,
) -> anyhow::Result<Result<credential::IndexTokens, String>> {
    let mut warnings = Vec::new();
    let providers = providers_and_warnings(gctx, target, &mut warnings)?;
    let specific = has_specific_provider(gctx, target)?;
    let global = gctx
        .config
        .get_string_list("registry.global-credential-providers")?
        .is_some_and(|v| !v.val.is_empty());
    if !specific && !global {
        return Ok(Err(NO_CREDENTIAL_PROVIDER.to_string()));
    }
    let creds = credentials_with(gctx, target, providers)?;
    let missing = match &target.name {
        // An index known by its URL only: cargo suggests naming it.
        None => {
            let url = target.source_id.as_url();
            format!(
                "no token found for `{url}`\n\
                 consider setting up an alternate registry in Cargo's configuration\n\
                 as described by https://doc.rust-lang.org/cargo/reference/registries.html\n\n\
                 [registries]\n\
                 my-registry = {{ index = \"{url}\" }}\n"
            )
        }
        Some(_) => missing_token(gctx, target, creds.has_cargo_token()).to_string(),
    };
    Ok(Ok(credential::IndexTokens {
        creds,
        verbose: gctx.shell.verbosity() == mycargo_util::Verbosity::Verbose,
        color: gctx.shell.err_supports_color(),
        missing,
        pending: None,
        signer: signer(gctx, target)?,
    }))
}

/// cargo's refusal to read an authenticated registry with the default
/// providers (a token alone is not enough: a provider must be chosen).
const NO_CREDENTIAL_PROVIDER: &str = "authenticated registries require a credential-provider to be configured\n\
     see https://doc.rust-lang.org/cargo/reference/registry-authentication.html for details";

fn credentials_with(
    gctx: &GlobalContext,
    target: &Target,
    providers: Vec<Vec<String>>,
) -> anyhow::Result<Credentials> {
    let configured_token = match &target.name {
        Some(name) => configured_token(gctx, name)?.map(|t| t.token),
        None => None,
    };
    Ok(Credentials {
        registry: registry_info(target),
        providers,
        configured_token,
        asymmetric_token: gctx.unstable.asymmetric_token,
        cache: gctx.credential_cache.clone(),
    })
}

/// The registry as providers see it: crates.io by its canonical index
/// URL wherever it is served from, as cargo names it.
fn registry_info(target: &Target) -> credential::RegistryInfo {
    let index_url = if target.name.as_deref() == Some(CRATES_IO_REGISTRY) {
        mycargo_core::source_id::CRATES_IO_INDEX.to_string()
    } else {
        target.source_id.url().to_string()
    };
    credential::RegistryInfo {
        index_url,
        name: target.name.clone(),
        headers: Vec::new(),
    }
}

/// The token of `target` for a command that can go without one (search,
/// a dry run): `--token`, else what `cargo:token` knows when it is one of
/// the registry's providers. No other provider is run.
pub fn find_token(
    gctx: &mut GlobalContext,
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
    let providers = credential_providers(gctx, target)?;
    if !providers.iter().any(|p| p[0] == CARGO_TOKEN) {
        return Ok(None);
    }
    Ok(configured_token(gctx, name)?.map(|t| t.token))
}

/// The token of `target` for `op`: `--token` (kept for the rest of the
/// command), else the first the registry's credential providers give,
/// else cargo's error saying how to give one.
pub fn require_token(
    gctx: &mut GlobalContext,
    target: &Target,
    flag: Option<&str>,
    op: Operation,
) -> anyhow::Result<Auth> {
    let info = registry_info(target);
    if let Some(t) = flag {
        gctx.credential_cache.remember_cli_token(&info.index_url, t);
        return Ok(Auth::Token(t.to_string()));
    }
    let creds = credentials(gctx, target)?;
    warn_ignored_token(gctx, target, &creds)?;
    let answer = {
        let shell = &mut gctx.shell;
        let mut status = |m: String| {
            let _ = shell.verbose_status("Credential", m);
        };
        creds.get(op, &mut status)?
    };
    match answer {
        Some(Answer::Reply(Reply::Token { token, .. })) => return Ok(Auth::Token(token)),
        Some(Answer::Paseto) => {
            if let Some(signer) = signer(gctx, target)? {
                return Ok(Auth::Signed(signer));
            }
        }
        _ => {}
    }
    Err(missing_token(gctx, target, creds.has_cargo_token()))
}

/// cargo's warnings for a token in the configuration no provider reads.
fn warn_ignored_token(
    gctx: &mut GlobalContext,
    target: &Target,
    creds: &Credentials,
) -> anyhow::Result<()> {
    let configured = match &target.name {
        Some(name) => configured_token(gctx, name)?,
        None => None,
    };
    let Some(c) = configured else {
        return Ok(());
    };
    let sid = format!("registry `{}`", target.display_name());
    let providers = &creds.providers;
    let specific = providers.len() == 1 && has_specific_provider(gctx, target)?;
    if specific && providers[0][0] != CARGO_TOKEN {
        gctx.shell.warn(format!(
            "{sid} has a token configured in {} that will be ignored because this registry is configured to use credential-provider `{}`",
            c.definition, providers[0][0]
        ))?;
    } else if !creds.has_cargo_token() {
        gctx.shell.warn(format!(
            "{sid} has a token configured in {} that will be ignored because the `cargo:token` credential provider is not listed in `registry.global-credential-providers`",
            c.definition
        ))?;
    }
    Ok(())
}

/// No credential provider had a token (cargo's `AuthorizationError`).
#[derive(Debug)]
pub struct MissingToken(String);

impl std::fmt::Display for MissingToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MissingToken {}

/// cargo's error when no provider had a token.
fn missing_token(gctx: &GlobalContext, target: &Target, cargo_token: bool) -> anyhow::Error {
    let text = match &target.name {
        Some(n) if n == CRATES_IO_REGISTRY => {
            // With another default registry, cargo names crates.io.
            let args = match gctx.config.get_string("registry.default") {
                Ok(Some(_)) => " --registry crates-io",
                _ => "",
            };
            let mut msg = format!("no token found, please run `cargo login{args}`");
            if cargo_token {
                msg.push_str("\nor use environment variable CARGO_REGISTRY_TOKEN");
            }
            msg
        }
        Some(n) if cargo_token => format!(
            "no token found for `{n}`, please run `cargo login --registry {n}`\nor use environment variable {}",
            token_env_var(n)
        ),
        Some(n) => format!(
            "no token found for `{n}`\nYou may need to log in using this registry's credential provider"
        ),
        None => "command-line argument --index requires --token to be specified".to_string(),
    };
    anyhow::Error::new(MissingToken(text))
}

/// Whether `target` names a credential provider of its own.
fn has_specific_provider(gctx: &GlobalContext, target: &Target) -> anyhow::Result<bool> {
    let Some(key) = target
        .name
        .as_deref()
        .map(|n| registry_key(n, "credential-provider"))
    else {
        return Ok(false);
    };
    Ok(gctx
        .config
        .get_string_list(&key)?
        .is_some_and(|v| !v.val.is_empty()))
}

/// `$CARGO_HOME/credentials`, the legacy name, when it exists (cargo
/// prefers it, for older cargos' sake), else `credentials.toml`.
pub fn credentials_path(gctx: &GlobalContext) -> PathBuf {
    let home = gctx.config.cargo_home();
    let legacy = home.join("credentials");
    if legacy.exists() {
        legacy
    } else {
        home.join("credentials.toml")
    }
}

/// cargo's warnings when the legacy `credentials` file is read: both
/// exist (and are not one file), or it alone is there.
fn warn_credentials_files(gctx: &mut GlobalContext) -> anyhow::Result<()> {
    let home = gctx.config.cargo_home().to_path_buf();
    let (legacy, toml) = (home.join("credentials"), home.join("credentials.toml"));
    if !legacy.exists() {
        return Ok(());
    }
    let same = match (std::fs::canonicalize(&legacy), std::fs::canonicalize(&toml)) {
        (Ok(a), Ok(b)) => Some(a == b),
        _ => None,
    };
    match same {
        Some(true) => {}
        Some(false) => gctx.shell.warn(format!(
            "both `{}` and `{}` exist. Using `{}`",
            legacy.display(),
            toml.display(),
            legacy.display()
        ))?,
        None => gctx.shell.warn(format!(
            "`{}` is deprecated in favor of `credentials.toml`\n  |\n  = help: if you need to support cargo 1.38 or earlier, you can symlink `credentials` to `credentials.toml`",
            legacy.display()
        ))?,
    }
    Ok(())
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

/// A client of the target's index, sparse or git (for `config.json` and
/// polling).
pub fn sparse(
    gctx: &GlobalContext,
    target: &Target,
    token: Option<&str>,
) -> anyhow::Result<SparseRegistry> {
    let id = &target.source_id;
    SparseRegistry::new(
        id,
        gctx.config.cargo_home(),
        net(gctx)?,
        token.map(str::to_string),
        Arc::new(Silent),
    )
}

/// `Updating` the target's index for its `config.json` (cargo does this
/// before it looks for a token). Without `force_update` (`login`), a
/// `config.json` kept by an earlier command is used as it is, as cargo
/// does.
pub fn registry_config(
    gctx: &mut GlobalContext,
    target: &Target,
    force_update: bool,
) -> anyhow::Result<(Arc<mycargo_sources::RegistryConfig>, SparseRegistry)> {
    if gctx.args.offline || gctx.args.frozen {
        bail!("attempting to make an HTTP request, but --offline was specified");
    }
    let sparse = index_client(gctx, target)?;
    if !force_update && let Some(config) = sparse.cached_config() {
        warn_credentials_files(gctx)?;
        return Ok((Arc::new(config), sparse));
    }
    // A git index already fetched answers from its checkout (cargo
    // fetches only when that fails).
    if !force_update
        && !target.source_id.is_sparse()
        && sparse.index_dir().join(".git").exists()
        && let Ok(config) = sparse.config()
    {
        warn_credentials_files(gctx)?;
        return Ok((config, sparse));
    }
    gctx.shell
        .status("Updating", SourceMap::describe(&target.source_id))?;
    warn_credentials_files(gctx)?;
    sparse.refresh()?;
    let config = sparse.config()?;
    Ok((config, sparse))
}

/// A client of `target`'s index whose reads ask the credential providers
/// when the server wants a token.
fn index_client(gctx: &GlobalContext, target: &Target) -> anyhow::Result<SparseRegistry> {
    // An index that wants authentication asks the registry's credential
    // providers (for a `read` token) when the server first says so (their
    // warnings are for when they are asked).
    let mut quiet = Vec::new();
    let providers = providers_and_warnings(gctx, target, &mut quiet)?;
    let creds = credentials_with(gctx, target, providers)?;
    let missing = missing_token(gctx, target, creds.has_cargo_token()).to_string();
    let tokens = credential::IndexTokens {
        creds,
        verbose: gctx.shell.verbosity() == mycargo_util::Verbosity::Verbose,
        color: gctx.shell.err_supports_color(),
        missing,
        pending: None,
        signer: signer(gctx, target)?,
    };
    // A bad `[http]` setting surfaces, as in cargo, when the index is
    // first updated.
    let net = net(gctx).with_context(|| format!("failed to update {}", target.describe()))?;
    SparseRegistry::with_token_source(
        &target.source_id,
        gctx.config.cargo_home(),
        net,
        Some(Arc::new(tokens)),
        Arc::new(Silent),
    )
}

/// The API client of `target` from its `config.json`.
pub fn client(
    gctx: &GlobalContext,
    target: &Target,
    config: &mycargo_sources::RegistryConfig,
    auth: Option<Auth>,
) -> anyhow::Result<web::Registry> {
    let Some(api) = config.api.clone() else {
        bail!("{} does not support API commands", target.describe());
    };
    let net = net(gctx)?;
    Ok(match auth {
        Some(Auth::Token(t)) => web::Registry::new(&api, Some(t), config.auth_required, &net)?,
        Some(Auth::Signed(signer)) => {
            web::Registry::new(&api, None, config.auth_required, &net)?.with_signer(signer)
        }
        None => web::Registry::new(&api, None, config.auth_required, &net)?,
    })
}

/// How requests to a registry's API are authorized.
pub enum Auth {
    /// A token sent as it is.
    Token(String),
    /// A token signed for each request (`-Z asymmetric-token`).
    Signed(mycargo_registry_api::paseto::Signer),
}

/// The `cargo:paseto` provider: the registry's `secret-key` (and
/// `secret-key-subject`) from the credentials or the configuration.
fn signer(
    gctx: &GlobalContext,
    target: &Target,
) -> anyhow::Result<Option<mycargo_registry_api::paseto::Signer>> {
    let Some(name) = &target.name else {
        return Ok(None);
    };
    let creds = read_credentials(gctx)?;
    let table = if name == CRATES_IO_REGISTRY {
        creds.get("registry")
    } else {
        creds.get("registries").and_then(|r| r.get(name))
    };
    let from_creds = |k: &str| {
        table
            .and_then(|t| t.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let from_config = |k: &str| -> anyhow::Result<Option<String>> {
        Ok(gctx
            .config
            .get_string(&registry_key(name, k))?
            .map(|v| v.val))
    };
    let key = match from_creds("secret-key") {
        Some(k) => Some(k),
        None => from_config("secret-key")?,
    };
    let Some(key) = key else {
        return Ok(None);
    };
    let subject = match from_creds("secret-key-subject") {
        Some(s) => Some(s),
        None => from_config("secret-key-subject")?,
    };
    // crates.io is named by its canonical index, wherever it is served
    // from (as cargo names it to credential providers).
    let index_url = if name == CRATES_IO_REGISTRY {
        mycargo_core::source_id::CRATES_IO_INDEX.to_string()
    } else {
        target.source_id.url().to_string()
    };
    mycargo_registry_api::paseto::Signer::new(&key, subject, &index_url).map(Some)
}
