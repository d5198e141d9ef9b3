//! A blocking client of a registry's web API (`<api>/api/v1/...`): publish,
//! yank and unyank, owners, search — the requests and bodies cargo 1.95
//! sends, and its words for what comes back.
//!
//! The token goes out as the raw `Authorization` header (no scheme), marked
//! sensitive; it is never part of an error message.

use std::collections::BTreeMap;
use std::fmt;

use crate::paseto::Claims;
use anyhow::{Context as _, bail};
use mycargo_sources::NetConfig;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// The metadata JSON of a publish (`NewCrate`), fields in cargo's order.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct NewCrate {
    pub name: String,
    pub vers: String,
    pub deps: Vec<NewCrateDependency>,
    pub features: BTreeMap<String, Vec<String>>,
    pub authors: Vec<String>,
    pub description: Option<String>,
    pub documentation: Option<String>,
    pub homepage: Option<String>,
    /// The README's text.
    pub readme: Option<String>,
    /// The README's path.
    pub readme_file: Option<String>,
    pub keywords: Vec<String>,
    pub categories: Vec<String>,
    pub license: Option<String>,
    pub license_file: Option<String>,
    pub repository: Option<String>,
    pub badges: BTreeMap<String, BTreeMap<String, String>>,
    pub links: Option<String>,
    pub rust_version: Option<String>,
}

/// One dependency of [`NewCrate`] (`NewCrateDependency`), fields in cargo's order.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct NewCrateDependency {
    pub optional: bool,
    pub default_features: bool,
    /// The real package name.
    pub name: String,
    pub features: Vec<String>,
    pub version_req: String,
    pub target: Option<String>,
    /// `normal`, `build` or `dev`.
    pub kind: String,
    /// The index URL when the dependency comes from another registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The key in the manifest when the dependency is renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit_name_in_toml: Option<String>,
}

/// What a registry says about a publish besides "ok".
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Warnings {
    #[serde(default)]
    pub invalid_categories: Vec<String>,
    #[serde(default)]
    pub invalid_badges: Vec<String>,
    #[serde(default)]
    pub other: Vec<String>,
}

/// An owner of a crate.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct User {
    pub id: u32,
    pub login: String,
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// One search hit.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Crate {
    pub name: String,
    pub max_version: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// A failed API call, in cargo's words.
#[derive(Debug)]
pub enum ApiError {
    /// The registry answered `{"errors":[{"detail":..}]}` (any status).
    Api {
        status: StatusCode,
        details: Vec<String>,
    },
    /// Another non-2xx answer.
    Status {
        status: StatusCode,
        headers: Vec<String>,
        body: String,
    },
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Api { status, details } if status.is_success() => write!(
                f,
                "the remote server responded with an error: {}",
                details.join(", ")
            ),
            ApiError::Api { status, details } => write!(
                f,
                "the remote server responded with an error (status {status}): {}",
                details.join(", ")
            ),
            ApiError::Status {
                status,
                headers,
                body,
            } => write!(
                f,
                "failed to get a 200 OK response, got {}\nheaders:\n\t{}\nbody:\n{body}",
                status.as_u16(),
                headers.join("\n\t")
            ),
        }
    }
}

impl std::error::Error for ApiError {}

/// Check a token as cargo does before sending it.
pub fn check_token(token: &str) -> anyhow::Result<()> {
    if token.is_empty() {
        bail!("please provide a non-empty token");
    }
    if token
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\t')
    {
        Ok(())
    } else {
        bail!(
            "token contains invalid characters.\nOnly printable ISO-8859-1 characters are allowed as it is sent in a HTTPS header."
        )
    }
}

/// Percent-encode everything but ASCII letters and digits.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The publish request body: `u32 LE` JSON length, the JSON, `u32 LE` crate
/// length, the `.crate`.
pub fn publish_body(krate: &NewCrate, tarball: &[u8]) -> anyhow::Result<Vec<u8>> {
    let json = serde_json::to_vec(krate).context("failed to serialize the publish metadata")?;
    let jlen = u32::try_from(json.len()).context("the publish metadata is too large")?;
    let clen = u32::try_from(tarball.len()).context("the `.crate` file is too large")?;
    let mut body = Vec::with_capacity(8 + json.len() + tarball.len());
    body.extend_from_slice(&jlen.to_le_bytes());
    body.extend_from_slice(&json);
    body.extend_from_slice(&clen.to_le_bytes());
    body.extend_from_slice(tarball);
    Ok(body)
}

/// A registry's web API.
pub struct Registry {
    /// The `api` of `config.json`, without a trailing `/`.
    host: String,
    token: Option<String>,
    auth_required: bool,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    /// `-Z asymmetric-token`: a token signed for each request instead.
    signer: Option<crate::paseto::Signer>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("host", &self.host)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Registry {
    /// A client of the API at `host` (`config.json`'s `api`). `token` is
    /// sent on every call that needs one, and on search only when
    /// `auth_required`.
    pub fn new(
        host: &str,
        token: Option<String>,
        auth_required: bool,
        net: &NetConfig,
    ) -> anyhow::Result<Registry> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("failed to start the network runtime")?;
        Ok(Registry {
            host: host.to_string(),
            token,
            auth_required,
            client: net.build_api_client()?,
            runtime,
            signer: None,
        })
    }

    /// Send `token` from now on (a credential provider's token for one
    /// operation).
    pub fn set_token(&mut self, token: String) {
        self.token = Some(token);
    }

    /// Sign each request with an asymmetric token (when no plain token is
    /// set).
    pub fn with_signer(mut self, signer: crate::paseto::Signer) -> Registry {
        self.signer = Some(signer);
        self
    }

    /// The API base URL, as cargo shows it in errors.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `PUT /api/v1/crates/new`.
    pub fn publish(&self, krate: &NewCrate, tarball: &[u8]) -> anyhow::Result<Warnings> {
        let body = publish_body(krate, tarball)?;
        let cksum = hex::encode(sha2::Sha256::digest(tarball));
        let claims = Claims {
            mutation: Some("publish"),
            name: Some(&krate.name),
            vers: Some(&krate.vers),
            cksum: Some(&cksum),
        };
        let resp = self.call(Method::PUT, "/crates/new", Some(body), true, None, claims)?;
        if resp.iter().all(u8::is_ascii_whitespace) {
            return Ok(Warnings::default());
        }
        #[derive(Deserialize)]
        struct R {
            #[serde(default)]
            warnings: Option<Warnings>,
        }
        let r: R = parse(&resp)?;
        Ok(r.warnings.unwrap_or_default())
    }

    /// `DELETE /api/v1/crates/{name}/{version}/yank`.
    pub fn yank(&self, name: &str, version: &str) -> anyhow::Result<()> {
        let path = format!("/crates/{name}/{version}/yank");
        let claims = Claims {
            mutation: Some("yank"),
            name: Some(name),
            vers: Some(version),
            cksum: None,
        };
        self.call_ok(Method::DELETE, &path, None, claims)
    }

    /// `PUT /api/v1/crates/{name}/{version}/unyank`.
    pub fn unyank(&self, name: &str, version: &str) -> anyhow::Result<()> {
        let path = format!("/crates/{name}/{version}/unyank");
        let claims = Claims {
            mutation: Some("unyank"),
            name: Some(name),
            vers: Some(version),
            cksum: None,
        };
        self.call_ok(Method::PUT, &path, Some(Vec::new()), claims)
    }

    fn call_ok(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        claims: Claims<'_>,
    ) -> anyhow::Result<()> {
        let resp = self.call(method, path, body, true, Some("application/json"), claims)?;
        #[derive(Deserialize)]
        struct R {
            #[allow(dead_code)]
            ok: bool,
        }
        let _: R = parse(&resp)?;
        Ok(())
    }

    /// `GET /api/v1/crates/{name}/owners`.
    pub fn list_owners(&self, name: &str) -> anyhow::Result<Vec<User>> {
        let resp = self.call(
            Method::GET,
            &format!("/crates/{name}/owners"),
            None,
            true,
            None,
            owners_claims(name),
        )?;
        #[derive(Deserialize)]
        struct R {
            users: Vec<User>,
        }
        let r: R = parse(&resp)?;
        Ok(r.users)
    }

    /// `PUT /api/v1/crates/{name}/owners`; the registry's message.
    pub fn add_owners(&self, name: &str, owners: &[String]) -> anyhow::Result<String> {
        self.change_owners(Method::PUT, name, owners)
    }

    /// `DELETE /api/v1/crates/{name}/owners`; the registry's message.
    pub fn remove_owners(&self, name: &str, owners: &[String]) -> anyhow::Result<String> {
        self.change_owners(Method::DELETE, name, owners)
    }

    fn change_owners(
        &self,
        method: Method,
        name: &str,
        owners: &[String],
    ) -> anyhow::Result<String> {
        let body = serde_json::to_vec(&serde_json::json!({ "users": owners }))
            .context("failed to serialize the owner list")?;
        let resp = self.call(
            method,
            &format!("/crates/{name}/owners"),
            Some(body),
            true,
            Some("application/json"),
            owners_claims(name),
        )?;
        #[derive(Deserialize)]
        struct R {
            #[allow(dead_code)]
            ok: bool,
            msg: String,
        }
        let r: R = parse(&resp)?;
        Ok(r.msg)
    }

    /// `GET /api/v1/crates?q=..&per_page=..`: the hits and the total count.
    pub fn search(&self, query: &str, limit: u32) -> anyhow::Result<(Vec<Crate>, u32)> {
        let path = format!("/crates?q={}&per_page={limit}", encode_query(query));
        let auth = self.auth_required;
        let resp = self.call(Method::GET, &path, None, auth, None, Claims::default())?;
        #[derive(Deserialize)]
        struct Meta {
            total: u32,
        }
        #[derive(Deserialize)]
        struct R {
            crates: Vec<Crate>,
            meta: Meta,
        }
        let r: R = parse(&resp)?;
        Ok((r.crates, r.meta.total))
    }

    /// One request; the body of a successful answer. `errors` in the
    /// answer fail it whatever the status.
    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        authorized: bool,
        content_type: Option<&str>,
        claims: Claims<'_>,
    ) -> anyhow::Result<Vec<u8>> {
        let url = format!("{}/api/v1{path}", self.host.trim_end_matches('/'));
        if url.starts_with("file:") {
            return file_call(&url, body);
        }
        let mut req = self
            .client
            .request(method, &url)
            .header(ACCEPT, "application/json");
        let signed;
        let token = match (&self.token, &self.signer) {
            (Some(t), _) => Some(t),
            (None, Some(signer)) if authorized => {
                signed = signer.token(claims)?;
                Some(&signed)
            }
            _ => None,
        };
        if authorized && let Some(t) = token {
            // Checked when sent, as cargo does (after packaging, for
            // `publish`).
            check_token(t)?;
            let mut v = HeaderValue::from_str(t)
                .map_err(|_| anyhow::anyhow!("the token is not a valid HTTP header value"))?;
            v.set_sensitive(true);
            req = req.header(AUTHORIZATION, v);
        }
        if let Some(b) = body {
            req = req.header(CONTENT_TYPE, content_type.unwrap_or("application/json"));
            req = req.body(b);
        }
        let (status, headers, bytes) = self
            .runtime
            .block_on(async move {
                let resp = req.send().await?;
                let status = resp.status();
                let headers = header_lines(&resp);
                let bytes = resp.bytes().await?;
                Ok::<_, reqwest::Error>((status, headers, bytes.to_vec()))
            })
            .map_err(transport_error)?;
        if let Some(details) = api_errors(&bytes) {
            return Err(ApiError::Api { status, details }.into());
        }
        if !status.is_success() {
            return Err(ApiError::Status {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }
            .into());
        }
        Ok(bytes)
    }
}

/// A failed transfer in curl's words where cargo's tests pin them: a
/// server that closes without answering is curl's error 52.
fn transport_error(e: reqwest::Error) -> anyhow::Error {
    let mut cause: Option<&dyn std::error::Error> = Some(&e);
    while let Some(c) = cause {
        if let Some(h) = c.downcast_ref::<hyper::Error>()
            && h.is_incomplete_message()
        {
            return anyhow::anyhow!(
                "[52] Server returned nothing (no headers, no data) (Empty reply from server)"
            );
        }
        cause = c.source();
    }
    anyhow::Error::new(e)
}

/// The claims of an owners request.
fn owners_claims(name: &str) -> Claims<'_> {
    Claims {
        mutation: Some("owners"),
        name: Some(name),
        vers: None,
        cksum: None,
    }
}

/// An API on disk (`api = "file:///..."`, as cargo's testsuite and some
/// mirrors set it), answered as curl answers cargo: a call with a body
/// writes it to the file and gets an empty answer; one without reads the
/// file, whatever the method.
fn file_call(url: &str, body: Option<Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    let path = url::Url::parse(url)
        .ok()
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(|| anyhow::anyhow!("invalid file URL `{url}`"))?;
    match body {
        Some(b) => {
            if let Some(dir) = path.parent() {
                mycargo_util::fs::create_dir_all(dir)?;
            }
            mycargo_util::fs::write_atomic_nosync(&path, &b)?;
            Ok(Vec::new())
        }
        None => std::fs::read(&path).with_context(|| format!("couldn't read `{}`", path.display())),
    }
}

/// The answer's head as cargo (curl) shows it in errors: the status line,
/// each header, and the empty line that ends them. Names are shown in the
/// usual capitalisation over HTTP/1 (the client lowercases them), in lower
/// case over HTTP/2, where they travel so.
fn header_lines(resp: &reqwest::Response) -> Vec<String> {
    let status = resp.status();
    let version = resp.version();
    let http2 = version >= reqwest::Version::HTTP_2;
    let mut lines = vec![if http2 {
        format!("HTTP/2 {}", status.as_u16())
    } else {
        let reason = resp
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
            .or_else(|| status.canonical_reason().map(str::to_string))
            .unwrap_or_default();
        format!("{version:?} {} {reason}", status.as_u16())
            .trim_end()
            .to_string()
    }];
    for (name, value) in resp.headers() {
        let name = if http2 {
            name.to_string()
        } else {
            title_case(name.as_str())
        };
        lines.push(format!(
            "{name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    lines.push(String::new());
    lines
}

/// `content-length` → `Content-Length`.
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The `detail`s of `{"errors":[{"detail":..}]}`, if the body is that.
fn api_errors(body: &[u8]) -> Option<Vec<String>> {
    #[derive(Deserialize)]
    struct Detail {
        detail: String,
    }
    #[derive(Deserialize)]
    struct Errors {
        errors: Vec<Detail>,
    }
    let e: Errors = serde_json::from_slice(body).ok()?;
    Some(e.errors.into_iter().map(|d| d.detail).collect())
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> anyhow::Result<T> {
    // cargo's words: a body that is not UTF-8 is an invalid response, one
    // that is not the JSON expected fails with the JSON error itself.
    let text = std::str::from_utf8(body).context("invalid response body from server")?;
    Ok(serde_json::from_str(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_framing() {
        let k = NewCrate {
            name: "foo".into(),
            vers: "0.1.0".into(),
            ..NewCrate::default()
        };
        let body = publish_body(&k, b"TAR").unwrap();
        let jlen = u32::from_le_bytes(body[..4].try_into().unwrap()) as usize;
        let json = std::str::from_utf8(&body[4..4 + jlen]).unwrap();
        assert!(json.starts_with(r#"{"name":"foo","vers":"0.1.0","deps":[],"features":{},"authors":[],"description":null"#), "{json}");
        assert!(
            json.ends_with(r#""badges":{},"links":null,"rust_version":null}"#),
            "{json}"
        );
        let clen = u32::from_le_bytes(body[4 + jlen..8 + jlen].try_into().unwrap());
        assert_eq!(clen, 3);
        assert_eq!(&body[8 + jlen..], b"TAR");
    }

    #[test]
    fn dep_fields_in_order() {
        let d = NewCrateDependency {
            name: "bar".into(),
            version_req: "^1".into(),
            kind: "normal".into(),
            default_features: true,
            ..NewCrateDependency::default()
        };
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"optional":false,"default_features":true,"name":"bar","features":[],"version_req":"^1","target":null,"kind":"normal"}"#
        );
    }

    #[test]
    fn errors_and_tokens() {
        assert_eq!(
            api_errors(br#"{"errors":[{"detail":"a"},{"detail":"b"}]}"#),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(api_errors(b"{}"), None);
        let e = ApiError::Api {
            status: StatusCode::FORBIDDEN,
            details: vec!["no".into()],
        };
        assert_eq!(
            e.to_string(),
            "the remote server responded with an error (status 403 Forbidden): no"
        );
        assert!(check_token("").is_err());
        assert!(check_token("ok\u{7}").is_err());
        check_token("abc 123\t").unwrap();
        assert_eq!(encode_query("a b-c"), "a%20b%2Dc");
    }
}
