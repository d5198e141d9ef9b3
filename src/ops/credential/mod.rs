//! Credential providers, as cargo 1.95 runs them: which providers a
//! registry has (its own `credential-provider`, else
//! `registry.global-credential-providers` with the last listed first,
//! else `cargo:token`), `[credential-alias]` names, and the loop that asks
//! each in turn (a provider that does not know the registry, or has no
//! token for it, passes to the next). Built in: `cargo:token`,
//! `cargo:token-from-stdout`, `cargo:paseto` (nightly), `cargo:libsecret`;
//! any other provider is a program speaking cargo's JSON protocol
//! ([`process`]). Tokens are kept for the process as the provider allows.

mod libsecret;
mod process;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::bail;

/// The built-in providers.
pub const CARGO_TOKEN: &str = "cargo:token";
pub const CARGO_PASETO: &str = "cargo:paseto";
const TOKEN_FROM_STDOUT: &str = "cargo:token-from-stdout";
const LIBSECRET: &str = "cargo:libsecret";
pub const BUILT_IN: &[&str] = &[
    CARGO_TOKEN,
    CARGO_PASETO,
    TOKEN_FROM_STDOUT,
    "cargo:wincred",
    "cargo:macos-keychain",
    LIBSECRET,
];

/// What a token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Read,
    Publish {
        name: String,
        vers: String,
        cksum: String,
    },
    Yank {
        name: String,
        vers: String,
    },
    Unyank {
        name: String,
        vers: String,
    },
    Owners {
        name: String,
    },
}

#[derive(Debug, Clone)]
pub enum Action {
    Get(Operation),
    Login {
        token: Option<String>,
        login_url: Option<String>,
    },
    Logout,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Get(_) => "get",
            Action::Login { .. } => "login",
            Action::Logout => "logout",
        }
    }
}

/// The registry as providers see it.
#[derive(Debug, Clone)]
pub struct RegistryInfo {
    pub index_url: String,
    /// Its name in the configuration (`crates-io` for crates.io).
    pub name: Option<String>,
    /// The headers of the server's 401 answer, when that is why a token
    /// is asked for.
    pub headers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheControl {
    Never,
    Session,
    /// Until this Unix time.
    Expires(i64),
}

#[derive(Debug, Clone)]
pub enum Reply {
    Token {
        token: String,
        cache: CacheControl,
        operation_independent: bool,
    },
    Login,
    Logout,
    Unknown,
}

impl Reply {
    /// As cargo's `Debug` shows a response (the token hidden).
    fn debug(&self) -> String {
        match self {
            Reply::Token {
                cache,
                operation_independent,
                ..
            } => {
                let cache = match cache {
                    CacheControl::Never => "Never".to_string(),
                    CacheControl::Session => "Session".to_string(),
                    CacheControl::Expires(t) => format!("Expires {{ expiration: {t} }}"),
                };
                format!(
                    "Get {{ token: Secret {{ inner: \"REDACTED\" }}, cache: {cache}, operation_independent: {operation_independent} }}"
                )
            }
            Reply::Login => "Login".into(),
            Reply::Logout => "Logout".into(),
            Reply::Unknown => "Unknown".into(),
        }
    }
}

/// Why a provider did not answer.
#[derive(Debug)]
pub enum ProviderError {
    /// It does not serve this registry: the next one is asked.
    UrlNotSupported,
    /// It has nothing for this registry: the next one is asked.
    NotFound,
    OperationNotSupported,
    /// An answer of the wrong kind (shown without the provider's name).
    Unexpected(String),
    Other(anyhow::Error),
}

/// A token kept for the rest of the process.
#[derive(Debug, Clone)]
struct Cached {
    token: String,
    expiration: Option<i64>,
    operation_independent: bool,
}

/// Tokens kept for this process, by index URL; and the last index read
/// refused for want of a token (with the login URL its server named).
#[derive(Debug, Clone, Default)]
pub struct Cache(
    Arc<Mutex<HashMap<String, Cached>>>,
    Arc<Mutex<Option<Option<String>>>>,
);

impl Cache {
    fn note_refused(&self, login_url: Option<String>) {
        if let Ok(mut r) = self.1.lock() {
            *r = Some(login_url);
        }
    }

    /// Whether an index read failed for want of a token since the last
    /// call, and the login URL its server named.
    pub fn take_refused(&self) -> Option<Option<String>> {
        self.1.lock().ok().and_then(|mut r| r.take())
    }

    fn lookup(&self, url: &str, op: &Operation) -> Option<String> {
        let mut map = self.0.lock().ok()?;
        let c = map.get(url)?.clone();
        let now = now_secs();
        if c.expiration.is_some_and(|e| now + 60 >= e) {
            map.remove(url);
            return None;
        }
        (c.operation_independent || *op == Operation::Read).then_some(c.token)
    }

    fn store(&self, url: &str, c: Cached) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(url.to_string(), c);
        }
    }

    /// `--token` on the command line stands for every operation.
    pub fn remember_cli_token(&self, url: &str, token: &str) {
        self.store(
            url,
            Cached {
                token: token.to_string(),
                expiration: None,
                operation_independent: true,
            },
        );
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Everything the providers of one registry need, without the command's
/// context (so index downloads can ask too).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub registry: RegistryInfo,
    /// Each provider: the program (or built-in name) and its arguments.
    pub providers: Vec<Vec<String>>,
    /// What `cargo:token` knows.
    pub configured_token: Option<String>,
    pub asymmetric_token: bool,
    pub cache: Cache,
}

/// Where `Credential` lines go (`-v`).
pub type Status<'a> = &'a mut dyn FnMut(String);

/// The outcome of asking the providers.
#[derive(Debug)]
pub enum Answer {
    Reply(Reply),
    /// `cargo:token` is the provider: the caller reads or writes
    /// `credentials.toml` itself.
    CargoToken,
    /// `cargo:paseto` is the provider (`-Z asymmetric-token`).
    Paseto,
    /// Every provider said not-found.
    NotFound,
}

impl Credentials {
    pub fn has_cargo_token(&self) -> bool {
        self.providers.iter().any(|p| p[0] == CARGO_TOKEN)
    }

    /// A token for `op`: from the cache, else from the providers.
    pub fn get(&self, op: Operation, status: Status<'_>) -> anyhow::Result<Option<Answer>> {
        if let Some(t) = self.cache.lookup(&self.registry.index_url, &op) {
            return Ok(Some(Answer::Reply(Reply::Token {
                token: t,
                cache: CacheControl::Session,
                operation_independent: true,
            })));
        }
        let answer = self.run(&Action::Get(op), &[], status)?;
        if let Answer::Reply(Reply::Token {
            token,
            cache,
            operation_independent,
        }) = &answer
        {
            let expiration = match cache {
                CacheControl::Never => None,
                CacheControl::Session => Some(None),
                CacheControl::Expires(t) => Some(Some(*t)),
            };
            if let Some(expiration) = expiration {
                self.cache.store(
                    &self.registry.index_url,
                    Cached {
                        token: token.clone(),
                        expiration,
                        operation_independent: *operation_independent,
                    },
                );
            }
        }
        Ok(match answer {
            Answer::NotFound => None,
            a => Some(a),
        })
    }

    /// Ask the providers in turn for `action`.
    pub fn run(
        &self,
        action: &Action,
        extra_args: &[String],
        status: Status<'_>,
    ) -> anyhow::Result<Answer> {
        let mut any_not_found = false;
        for provider in &self.providers {
            let name = provider[0].as_str();
            // Built-ins that cannot start fail before being named.
            if name == CARGO_PASETO && !self.asymmetric_token {
                bail!("cargo:paseto requires -Zasymmetric-token");
            }
            if name == LIBSECRET {
                libsecret::load()?;
            }
            let mut argv = provider.clone();
            argv.extend(extra_args.iter().cloned());
            status(format!(
                "{} {} {}",
                argv.join(" "),
                action.name(),
                self.registry
                    .name
                    .clone()
                    .unwrap_or_else(|| self.registry.index_url.clone())
            ));
            let result = match name {
                CARGO_TOKEN => match action {
                    Action::Get(_) => match &self.configured_token {
                        Some(t) => Ok(Reply::Token {
                            token: t.clone(),
                            cache: CacheControl::Session,
                            operation_independent: true,
                        }),
                        None => Err(ProviderError::NotFound),
                    },
                    _ => return Ok(Answer::CargoToken),
                },
                CARGO_PASETO => return Ok(Answer::Paseto),
                TOKEN_FROM_STDOUT => match action {
                    Action::Get(_) => token_from_stdout(&self.registry, &argv[1..])
                        .map(|token| Reply::Token {
                            token,
                            cache: CacheControl::Session,
                            operation_independent: true,
                        })
                        .map_err(ProviderError::Other),
                    _ => Err(ProviderError::OperationNotSupported),
                },
                "cargo:wincred" | "cargo:macos-keychain" => Err(ProviderError::UrlNotSupported),
                LIBSECRET => libsecret::perform(&self.registry, action),
                program => process::perform(program, &self.registry, action, &argv[1..]),
            };
            match result {
                Ok(reply) => return Ok(Answer::Reply(reply)),
                Err(ProviderError::UrlNotSupported) => {}
                Err(ProviderError::NotFound) => any_not_found = true,
                Err(ProviderError::Unexpected(m)) => bail!(m),
                Err(e) => {
                    let err = match e {
                        ProviderError::OperationNotSupported => {
                            anyhow::anyhow!("requested operation not supported")
                        }
                        ProviderError::Other(e) => e,
                        _ => anyhow::anyhow!("unknown error kind; try updating Cargo?"),
                    };
                    return Err(err.context(format!(
                        "credential provider `{}` failed action `{}`",
                        argv.join(" "),
                        action.name()
                    )));
                }
            }
        }
        if any_not_found {
            return Ok(Answer::NotFound);
        }
        bail!("no credential providers could handle the request")
    }
}

/// A provider's program as configured: a bare name is looked up on PATH,
/// a path with a separator is relative to the directory holding the
/// configuration's `.cargo` directory (`base`).
pub fn resolve_program(program: &str, base: &Path) -> String {
    if program.starts_with("cargo:") || !(program.contains('/') || program.contains('\\')) {
        return program.to_string();
    }
    base.join(program).display().to_string()
}

/// `cargo:token-from-stdout <command> [args]`: the one line the command
/// prints (`{index_url}` in the arguments becomes the index URL; the
/// command gets `CARGO_REGISTRY_INDEX_URL` and `CARGO_REGISTRY_NAME_OPT`).
fn token_from_stdout(registry: &RegistryInfo, args: &[String]) -> anyhow::Result<String> {
    use anyhow::Context as _;
    use std::io::Read as _;
    let Some((exe, rest)) = args.split_first() else {
        bail!(
            "The first argument to `cargo:token-from-stdout` must be a command that prints a token on stdout"
        );
    };
    let index_url = &registry.index_url;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(rest.iter().map(|a| a.replace("{index_url}", index_url)))
        .env("CARGO_REGISTRY_INDEX_URL", index_url)
        .stdout(std::process::Stdio::piped());
    if let Some(name) = &registry.name {
        cmd.env("CARGO_REGISTRY_NAME_OPT", name);
    }
    let mut child = cmd.spawn().context("failed to spawn credential process")?;
    let mut buffer = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut buffer)
            .context("failed to read from credential provider")?;
    }
    if let Some(end) = buffer.find('\n') {
        if buffer.len() > end + 1 {
            let _ = child.wait();
            bail!("process `{exe}` returned more than one line of output; expected a single token");
        }
        buffer.truncate(end);
    }
    let status = child.wait().context("credential process never started")?;
    if !status.success() {
        bail!("process `{exe}` failed with status `{status}`");
    }
    Ok(buffer)
}

/// `login_url` of a `WWW-Authenticate: Cargo login_url="..."` challenge.
fn login_url(headers: &[String]) -> Option<String> {
    headers.iter().find_map(|h| {
        let (name, value) = h.split_once(':')?;
        if !name.trim().eq_ignore_ascii_case("www-authenticate") {
            return None;
        }
        let rest = value.trim().strip_prefix("Cargo")?;
        let start = rest.find("login_url=\"")? + "login_url=\"".len();
        let end = rest[start..].find('"')?;
        Some(rest[start..start + end].to_string())
    })
}

/// The token of a registry whose index wants one, asked of its providers
/// when the server first says so (with the headers of its 401 answer).
pub struct IndexTokens {
    pub creds: Credentials,
    /// `-v`: `Credential` lines, painted when stderr takes colour.
    pub verbose: bool,
    pub color: bool,
    /// What to say when no provider has a token.
    pub missing: String,
    /// `Updating` lines of the command not shown yet: shown before the
    /// providers run, so the output reads in order.
    pub pending: Option<Arc<Mutex<Vec<String>>>>,
    /// The registry's `secret-key`, for `cargo:paseto` (a token signed
    /// for a read).
    pub signer: Option<mycargo_registry_api::paseto::Signer>,
}

impl mycargo_sources::TokenSource for IndexTokens {
    fn token(&self, headers: &[String]) -> anyhow::Result<String> {
        let mut creds = self.creds.clone();
        creds.registry.headers = headers.to_vec();
        let color = self.color;
        let line = move |word: &str, m: &str| {
            let word = format!("{word:>12}");
            let word = match color {
                true => format!("\u{1b}[1m\u{1b}[32m{word}\u{1b}[0m"),
                false => word,
            };
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("{word} {m}\n").as_bytes(),
            );
        };
        if let Some(pending) = &self.pending
            && let Ok(mut p) = pending.lock()
        {
            for m in p.drain(..) {
                line("Updating", &m);
            }
        }
        let verbose = self.verbose;
        let mut status = |m: String| {
            if verbose {
                line("Credential", &m);
            }
        };
        match creds.get(Operation::Read, &mut status)? {
            Some(Answer::Reply(Reply::Token { token, .. })) => Ok(token),
            Some(Answer::Paseto) if self.signer.is_some() => match &self.signer {
                Some(signer) => signer.token(mycargo_registry_api::paseto::Claims::default()),
                None => bail!("{}", self.missing),
            },
            _ => {
                self.creds.cache.note_refused(login_url(headers));
                bail!("{}", self.missing)
            }
        }
    }

    fn rejected(&self) -> Option<String> {
        Some(self.missing.replacen("no token found", "token rejected", 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_tokens_follow_the_providers_rules() {
        let cache = Cache::default();
        let url = "sparse+http://r/";
        let publish = Operation::Publish {
            name: "a".into(),
            vers: "1.0.0".into(),
            cksum: "x".into(),
        };
        cache.store(
            url,
            Cached {
                token: "t".into(),
                expiration: None,
                operation_independent: false,
            },
        );
        assert_eq!(cache.lookup(url, &Operation::Read).as_deref(), Some("t"));
        assert_eq!(cache.lookup(url, &publish), None);
        // Expiring within the minute: asked again.
        cache.store(
            url,
            Cached {
                token: "t".into(),
                expiration: Some(now_secs() + 30),
                operation_independent: true,
            },
        );
        assert_eq!(cache.lookup(url, &Operation::Read), None);
        cache.remember_cli_token(url, "cli");
        assert_eq!(cache.lookup(url, &publish).as_deref(), Some("cli"));
    }

    #[test]
    fn programs_resolve_against_the_configuration() {
        let base = Path::new("/proj");
        assert_eq!(resolve_program("helper", base), "helper");
        assert_eq!(resolve_program("cargo:token", base), "cargo:token");
        assert_eq!(resolve_program("bin/helper", base), "/proj/bin/helper");
        assert_eq!(resolve_program("/abs/helper", base), "/abs/helper");
    }
}
