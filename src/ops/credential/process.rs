//! cargo's credential provider protocol, version 1: the provider is run
//! with `--cargo-plugin`, says which versions it speaks (`{"v":[1]}`),
//! reads one JSON request line and answers with one JSON line. Its stderr
//! is the user's (providers may prompt there).

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Action, CacheControl, Operation, ProviderError, RegistryInfo, Reply};

/// Ask the provider `argv[0]` (with `args` in the request) for `action`.
pub fn perform(
    program: &str,
    registry: &RegistryInfo,
    action: &Action,
    args: &[String],
) -> Result<Reply, ProviderError> {
    let mut child = Command::new(program)
        .arg("--cargo-plugin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("failed to spawn credential process")
        .map_err(ProviderError::Other)?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        return Err(ProviderError::Other(anyhow::anyhow!(
            "failed to talk to the credential process"
        )));
    };
    match exchange(stdin, stdout, &mut child, program, registry, action, args) {
        Ok(reply) => reply,
        Err(e) => {
            // A provider that cannot be understood is not left running.
            let _ = child.kill();
            Err(ProviderError::Other(e))
        }
    }
}

/// The conversation; an `Err` is the protocol failing (the provider is
/// killed), an `Ok(Err)` the provider's own answer.
fn exchange(
    mut stdin: ChildStdin,
    stdout: ChildStdout,
    child: &mut Child,
    program: &str,
    registry: &RegistryInfo,
    action: &Action,
    args: &[String],
) -> anyhow::Result<Result<Reply, ProviderError>> {
    let mut out = BufReader::new(stdout);
    let mut line = String::new();
    out.read_line(&mut line)
        .context("failed to read hello from credential provider")?;
    #[derive(Deserialize)]
    struct Hello {
        v: Vec<u32>,
    }
    let hello: Hello = serde_json::from_str(&line).context("failed to deserialize hello")?;
    if !hello.v.contains(&1) {
        bail!(
            "credential provider supports protocol versions {:?}, while Cargo supports [1]",
            hello.v
        );
    }
    let request = request(registry, action, args);
    writeln!(stdin, "{request}").context("failed to write to credential provider")?;
    line.clear();
    out.read_line(&mut line)
        .context("failed to read response from credential provider")?;
    let response: Value = serde_json::from_str(&line).context("failed to deserialize response")?;
    let reply = parse_response(&response, action).context("failed to deserialize response")?;
    drop(stdin);
    let status = child.wait().context("credential process never started")?;
    if !status.success() {
        bail!(
            "credential process `{program}` failed with status {}`",
            mycargo_util::process::exit_status_text(&status)
        );
    }
    Ok(reply)
}

/// The request line, fields in cargo's order, empty ones left out.
fn request(registry: &RegistryInfo, action: &Action, args: &[String]) -> String {
    #[derive(Serialize)]
    struct Registry<'a> {
        #[serde(rename = "index-url")]
        index_url: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<&'a str>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        headers: &'a [String],
    }
    // The action's fields, in cargo's order (a JSON map would sort them).
    let mut fields: Vec<(&str, Value)> = Vec::new();
    match action {
        Action::Get(op) => {
            fields.push(("kind", json!("get")));
            match op {
                Operation::Read => fields.push(("operation", json!("read"))),
                Operation::Publish { name, vers, cksum } => {
                    fields.push(("operation", json!("publish")));
                    fields.push(("name", json!(name)));
                    fields.push(("vers", json!(vers)));
                    fields.push(("cksum", json!(cksum)));
                }
                Operation::Yank { name, vers } => {
                    fields.push(("operation", json!("yank")));
                    fields.push(("name", json!(name)));
                    fields.push(("vers", json!(vers)));
                }
                Operation::Unyank { name, vers } => {
                    fields.push(("operation", json!("unyank")));
                    fields.push(("name", json!(name)));
                    fields.push(("vers", json!(vers)));
                }
                Operation::Owners { name } => {
                    fields.push(("operation", json!("owners")));
                    fields.push(("name", json!(name)));
                }
            }
        }
        Action::Login { token, login_url } => {
            fields.push(("kind", json!("login")));
            if let Some(t) = token {
                fields.push(("token", json!(t)));
            }
            if let Some(u) = login_url {
                fields.push(("login-url", json!(u)));
            }
        }
        Action::Logout => fields.push(("kind", json!("logout"))),
    }
    let registry = serde_json::to_string(&Registry {
        index_url: &registry.index_url,
        name: registry.name.as_deref(),
        headers: &registry.headers,
    })
    .unwrap_or_default();
    let mut out = format!("{{\"v\":1,\"registry\":{registry}");
    for (k, v) in fields {
        out.push_str(&format!(",{}:{v}", json!(k)));
    }
    if !args.is_empty() {
        out.push_str(&format!(",\"args\":{}", json!(args)));
    }
    out.push('}');
    out
}

/// `{"Ok": {...}}` or `{"Err": {...}}`, checked against the action asked.
fn parse_response(v: &Value, action: &Action) -> anyhow::Result<Result<Reply, ProviderError>> {
    let obj = v
        .as_object()
        .filter(|o| o.len() == 1)
        .ok_or_else(|| anyhow::anyhow!("expected `Ok` or `Err`"))?;
    if let Some(err) = obj.get("Err") {
        let kind = err.get("kind").and_then(Value::as_str).unwrap_or("");
        return Ok(Err(match kind {
            "url-not-supported" => ProviderError::UrlNotSupported,
            "not-found" => ProviderError::NotFound,
            "operation-not-supported" => ProviderError::OperationNotSupported,
            "other" => {
                let message = err
                    .get("message")
                    .and_then(Value::as_str)
                    .ok_or_else(|| anyhow::anyhow!("missing field `message`"))?;
                let causes: Vec<String> = err
                    .get("caused-by")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                let mut e = anyhow::anyhow!("{}", causes.last().cloned().unwrap_or_default());
                if causes.is_empty() {
                    e = anyhow::anyhow!("{message}");
                } else {
                    for c in causes.iter().rev().skip(1) {
                        e = e.context(c.clone());
                    }
                    e = e.context(message.to_string());
                }
                ProviderError::Other(e)
            }
            _ => ProviderError::Other(anyhow::anyhow!("unknown error kind; try updating Cargo?")),
        }));
    }
    let Some(ok) = obj.get("Ok") else {
        bail!("expected `Ok` or `Err`");
    };
    let kind = ok.get("kind").and_then(Value::as_str).unwrap_or("");
    let reply = match kind {
        "get" => {
            let token = ok
                .get("token")
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow::anyhow!("missing field `token`"))?;
            let cache = match ok.get("cache").and_then(Value::as_str) {
                Some("session") => CacheControl::Session,
                Some("expires") => CacheControl::Expires(
                    ok.get("expiration")
                        .and_then(Value::as_i64)
                        .ok_or_else(|| anyhow::anyhow!("missing field `expiration`"))?,
                ),
                Some(_) => CacheControl::Never,
                None => bail!("missing field `cache`"),
            };
            let operation_independent = ok
                .get("operation_independent")
                .and_then(Value::as_bool)
                .ok_or_else(|| anyhow::anyhow!("missing field `operation_independent`"))?;
            Reply::Token {
                token: token.to_string(),
                cache,
                operation_independent,
            }
        }
        "login" => Reply::Login,
        "logout" => Reply::Logout,
        _ => Reply::Unknown,
    };
    let expected = matches!(
        (action, &reply),
        (Action::Get(_), Reply::Token { .. })
            | (Action::Login { .. }, Reply::Login)
            | (Action::Logout, Reply::Logout)
    );
    if !expected {
        return Ok(Err(ProviderError::Unexpected(format!(
            "credential provider produced unexpected response for `{}` request: {}",
            action.name(),
            reply.debug()
        ))));
    }
    Ok(Ok(reply))
}
