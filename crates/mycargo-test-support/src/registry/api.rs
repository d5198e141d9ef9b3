//! The registry web API (`/api/v1/...`) on the test server, opt-in with
//! [`Registry::serve_api`]: publish (the `.crate` is stored and the index
//! updated, so a following build can use it), yank and unyank (the index
//! entry flips), owners per crate, search. Every endpoint but search and
//! downloads wants `Authorization: <token>`: 401 without it, 403 with
//! another one, both with a `{"errors":[{"detail":..}]}` body. More
//! tokens can belong to other users ([`WebApi::add_token`]); a crate
//! someone else owns ([`WebApi::set_owners`]) and a `.crate` over
//! [`WebApi::set_max_upload_size`] are refused as crates.io refuses them.
//!
//! ```no_run
//! use mycargo_test_support::registry::Registry;
//!
//! let reg = Registry::new();
//! let api = reg.serve_api("sekrit");
//! // ... `mycargo publish --registry alt --token sekrit` ...
//! assert_eq!(api.owners("foo"), vec!["alice".to_string()]);
//! assert_eq!(api.publishes().len(), 1);
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use serde_json::{Value, json};

use super::Registry;
use super::index::{IndexDep, IndexEntry, index_path, rfc3339};
use super::package::sha256_hex;
use super::server::{IndexFile, Request, Response, Shared};

/// The login of the token's owner: the first owner of what it publishes.
pub const API_USER: &str = "alice";

/// Logins the server knows (besides [`API_USER`]); others can't be owners.
pub const KNOWN_USERS: &[&str] = &["alice", "bob", "carol"];

/// One accepted publish, as the client sent it.
#[derive(Clone, Debug)]
pub struct Published {
    /// The metadata JSON, byte for byte.
    pub json: String,
    pub crate_bytes: Vec<u8>,
}

#[derive(Default)]
struct ApiState {
    /// Valid tokens and the login of each one's owner.
    tokens: BTreeMap<String, String>,
    owners: BTreeMap<String, Vec<String>>,
    publishes: Vec<Published>,
    /// The largest `.crate` a publish may send (none: any size).
    max_upload: Option<usize>,
}

/// A handle on the web API of a [`Registry`].
#[derive(Clone)]
pub struct WebApi {
    state: Arc<Mutex<ApiState>>,
}

impl WebApi {
    fn state(&self) -> MutexGuard<'_, ApiState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The owners of `name` (empty when unknown).
    pub fn owners(&self, name: &str) -> Vec<String> {
        self.state().owners.get(name).cloned().unwrap_or_default()
    }

    /// Every accepted publish, in order.
    pub fn publishes(&self) -> Vec<Published> {
        self.state().publishes.clone()
    }

    /// Accept `token` too, as the token of `login` (one of
    /// [`KNOWN_USERS`]).
    pub fn add_token(&self, token: &str, login: &str) {
        self.state()
            .tokens
            .insert(token.to_string(), login.to_string());
    }

    /// Make `logins` the owners of `name` (only they may publish new
    /// versions of it).
    pub fn set_owners(&self, name: &str, logins: &[&str]) {
        self.state().owners.insert(
            name.to_string(),
            logins.iter().map(|l| l.to_string()).collect(),
        );
    }

    /// Refuse `.crate` files larger than `bytes` (crates.io's 413 and
    /// message).
    pub fn set_max_upload_size(&self, bytes: usize) {
        self.state().max_upload = Some(bytes);
    }
}

impl Registry {
    /// Serve the web API under `/api/v1/` (downloads keep working), with
    /// `token` as the only valid API token.
    pub fn serve_api(&self, token: &str) -> WebApi {
        let api = WebApi {
            state: Arc::new(Mutex::new(ApiState {
                tokens: BTreeMap::from([(token.to_string(), API_USER.to_string())]),
                ..ApiState::default()
            })),
        };
        // The handler lives in the server's state: a weak reference avoids
        // a cycle that would keep the state alive forever.
        let shared: Weak<Shared> = Arc::downgrade(&self.server.shared);
        let handle = api.clone();
        self.route("/api/v1/", move |req| match shared.upgrade() {
            Some(shared) => handle_request(&handle, &shared, req),
            None => Response::new(503, "stopping\n"),
        });
        api
    }
}

fn errors(status: u16, detail: &str) -> Response {
    Response::new(status, json!({"errors": [{"detail": detail}]}).to_string())
        .header("Content-Type", "application/json")
}

fn ok_json(v: Value) -> Response {
    Response::json(&v)
}

fn handle_request(api: &WebApi, shared: &Shared, req: &Request) -> Response {
    let Some(rest) = req.path.strip_prefix("/api/v1/crates") else {
        return errors(404, "not found");
    };
    let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    // Downloads and search need no token (unless the whole registry wants one).
    if req.method == "GET"
        && let [name, vers, "download"] = parts[..]
    {
        return download(shared, req, name, vers);
    }
    if req.method == "GET" && rest.is_empty() {
        return search(shared, req);
    }
    let login = {
        let st = api.state();
        match req.header("authorization") {
            None => return errors(401, "this action requires authentication"),
            Some(t) => match st.tokens.get(t) {
                Some(login) => login.clone(),
                None => return errors(403, "authentication failed: the token is not valid"),
            },
        }
    };
    match (req.method.as_str(), &parts[..]) {
        ("PUT", ["new"]) => publish(api, shared, &req.body, &login),
        ("DELETE", [name, vers, "yank"]) => set_yanked(shared, name, vers, true),
        ("PUT", [name, vers, "unyank"]) => set_yanked(shared, name, vers, false),
        ("GET", [name, "owners"]) => {
            if !crate_exists(shared, name) {
                return errors(404, &format!("crate `{name}` does not exist"));
            }
            let users: Vec<Value> = api
                .owners(name)
                .iter()
                .enumerate()
                .map(|(i, login)| json!({"id": i + 1, "login": login, "name": null}))
                .collect();
            ok_json(json!({ "users": users }))
        }
        ("PUT" | "DELETE", [name, "owners"]) => owners_change(api, shared, req, name),
        _ => errors(404, "not found"),
    }
}

fn download(shared: &Shared, req: &Request, name: &str, vers: &str) -> Response {
    let st = shared.state();
    if let Some(token) = &st.opts.auth_token
        && req.header("authorization") != Some(token.as_str())
    {
        return Response::new(401, "authentication required\n");
    }
    let found = st
        .crates
        .iter()
        .find(|((n, v), _)| (n == name || n.eq_ignore_ascii_case(name)) && v == vers);
    match found {
        Some((_, bytes)) => {
            Response::new(200, bytes.clone()).header("Content-Type", "application/x-tar")
        }
        None => Response::new(404, "not found\n"),
    }
}

fn crate_exists(shared: &Shared, name: &str) -> bool {
    shared.state().files.contains_key(&index_path(name))
}

fn read_u32(body: &[u8], at: usize) -> Option<usize> {
    let b = body.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// Split the publish body: `u32 LE` JSON length, JSON, `u32 LE` crate
/// length, crate.
fn split_body(body: &[u8]) -> Option<(&[u8], &[u8])> {
    let jlen = read_u32(body, 0)?;
    let json = body.get(4..4 + jlen)?;
    let clen = read_u32(body, 4 + jlen)?;
    let krate = body.get(8 + jlen..8 + jlen + clen)?;
    if 8 + jlen + clen != body.len() {
        return None;
    }
    Some((json, krate))
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The index line a registry makes of the publish metadata.
fn index_entry(meta: &Value, cksum: &str, now: u64) -> Option<IndexEntry> {
    let name = meta["name"].as_str()?.to_string();
    let vers = meta["vers"].as_str()?.to_string();
    let mut deps = Vec::new();
    for d in meta["deps"].as_array()? {
        let real = d["name"].as_str()?.to_string();
        let (name, package) = match d["explicit_name_in_toml"].as_str() {
            Some(rename) => (rename.to_string(), Some(real)),
            None => (real, None),
        };
        deps.push(IndexDep {
            name,
            req: d["version_req"].as_str()?.to_string(),
            features: str_list(&d["features"]),
            optional: d["optional"].as_bool()?,
            default_features: d["default_features"].as_bool()?,
            target: opt_str(&d["target"]),
            kind: d["kind"].as_str().unwrap_or("normal").to_string(),
            registry: opt_str(&d["registry"]),
            package,
        });
    }
    let mut features = BTreeMap::new();
    let mut features2 = BTreeMap::new();
    for (k, vals) in meta["features"].as_object()? {
        let vals = str_list(vals);
        if vals
            .iter()
            .any(|v| v.starts_with("dep:") || v.contains("?/"))
        {
            features2.insert(k.clone(), vals);
        } else {
            features.insert(k.clone(), vals);
        }
    }
    let v = if features2.is_empty() { None } else { Some(2) };
    Some(IndexEntry {
        name,
        vers,
        deps,
        cksum: cksum.to_string(),
        features,
        features2,
        yanked: false,
        links: opt_str(&meta["links"]),
        rust_version: opt_str(&meta["rust_version"]),
        v,
        pubtime: Some(rfc3339(now)),
    })
}

fn publish(api: &WebApi, shared: &Shared, body: &[u8], login: &str) -> Response {
    let Some((json_bytes, krate)) = split_body(body) else {
        return errors(400, "invalid upload request: malformed body");
    };
    if let Some(max) = api.state().max_upload
        && krate.len() > max
    {
        return errors(413, &format!("max upload size is: {max}"));
    }
    let Ok(meta) = serde_json::from_slice::<Value>(json_bytes) else {
        return errors(400, "invalid upload request: metadata is not JSON");
    };
    let cksum = sha256_hex(krate);
    let mut st = shared.state();
    let now = st.tick();
    let Some(entry) = index_entry(&meta, &cksum, now) else {
        return errors(400, "invalid upload request: missing fields");
    };
    let path = index_path(&entry.name);
    let owners = api.owners(&entry.name);
    if st.files.contains_key(&path) && !owners.is_empty() && !owners.iter().any(|o| o == login) {
        return errors(
            403,
            "this crate exists but you don't seem to be an owner. If you believe this is a mistake, perhaps you need to accept an invitation to be an owner before publishing.",
        );
    }
    if let Some(file) = st.files.get(&path)
        && file.entries.iter().any(|e| e.vers == entry.vers)
    {
        return errors(
            400,
            &format!(
                "crate version `{}@{}` is already uploaded",
                entry.name, entry.vers
            ),
        );
    }
    let (name, vers) = (entry.name.clone(), entry.vers.clone());
    st.crates
        .insert((name.clone(), vers.clone()), krate.to_vec());
    let file = st.files.entry(path).or_insert_with(|| IndexFile {
        entries: Vec::new(),
        last_modified: now,
    });
    file.entries.push(entry);
    file.last_modified = now;
    drop(st);
    let mut a = api.state();
    a.owners
        .entry(name)
        .or_insert_with(|| vec![login.to_string()]);
    a.publishes.push(Published {
        json: String::from_utf8_lossy(json_bytes).into_owned(),
        crate_bytes: krate.to_vec(),
    });
    ok_json(json!({"warnings": {"invalid_categories": [], "invalid_badges": [], "other": []}}))
}

fn set_yanked(shared: &Shared, name: &str, vers: &str, yanked: bool) -> Response {
    let mut st = shared.state();
    let now = st.tick();
    let entry = st.files.get_mut(&index_path(name)).and_then(|f| {
        f.last_modified = now;
        f.entries.iter_mut().find(|e| e.vers == vers)
    });
    match entry {
        Some(e) => {
            e.yanked = yanked;
            ok_json(json!({"ok": true}))
        }
        None => errors(
            404,
            &format!("crate `{name}` does not have a version `{vers}`"),
        ),
    }
}

fn owners_change(api: &WebApi, shared: &Shared, req: &Request, name: &str) -> Response {
    if !crate_exists(shared, name) {
        return errors(404, &format!("crate `{name}` does not exist"));
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return errors(400, "invalid JSON body");
    };
    let users = str_list(&body["users"]);
    let mut st = api.state();
    let owners = st.owners.entry(name.to_string()).or_default();
    if req.method == "PUT" {
        for u in &users {
            if !KNOWN_USERS.contains(&u.as_str()) {
                return errors(200, &format!("could not find user with login `{u}`"));
            }
        }
        for u in &users {
            if !owners.contains(u) {
                owners.push(u.clone());
            }
        }
        let msg = format!(
            "user {} has been invited to be an owner of crate {name}",
            users.join(", ")
        );
        ok_json(json!({"ok": true, "msg": msg}))
    } else {
        owners.retain(|o| !users.contains(o));
        ok_json(json!({"ok": true, "msg": "owners successfully removed"}))
    }
}

fn query_param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Names containing the query, by name; the description comes from the
/// stored metadata of the newest publish.
fn search(shared: &Shared, req: &Request) -> Response {
    let query = req.query.as_deref().unwrap_or_default();
    let q = percent_decode(query_param(query, "q").unwrap_or_default()).to_lowercase();
    let per_page: usize = query_param(query, "per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let st = shared.state();
    let mut hits = Vec::new();
    for file in st.files.values() {
        let Some(last) = file.entries.iter().rev().find(|e| !e.yanked) else {
            continue;
        };
        if !last.name.to_lowercase().contains(&q) {
            continue;
        }
        let description = st
            .crates
            .get(&(last.name.clone(), last.vers.clone()))
            .and_then(|c| description_of(c));
        hits.push(json!({
            "name": last.name,
            "max_version": last.vers,
            "description": description,
        }));
    }
    let total = hits.len();
    hits.truncate(per_page);
    ok_json(json!({"crates": hits, "meta": {"total": total}}))
}

/// `package.description` from the `Cargo.toml` inside a `.crate`.
fn description_of(krate: &[u8]) -> Option<String> {
    use std::io::Read as _;
    let gz = flate2::read::GzDecoder::new(krate);
    let mut ar = tar::Archive::new(gz);
    for entry in ar.entries().ok()? {
        let mut entry = entry.ok()?;
        let path = entry.path().ok()?.into_owned();
        if path.components().count() == 2 && path.ends_with("Cargo.toml") {
            let mut text = String::new();
            entry.read_to_string(&mut text).ok()?;
            for line in text.lines() {
                if let Some(v) = line.strip_prefix("description = ") {
                    return serde_json::from_str(v).ok();
                }
            }
            return None;
        }
    }
    None
}
