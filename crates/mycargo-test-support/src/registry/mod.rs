//! A local sparse registry for tests: packages declared in code, served over
//! HTTP on 127.0.0.1, with faults on demand.
//!
//! - [`Package`] (and [`Dep`]) declare one version of a package: its
//!   dependencies with every index field, features (`dep:`/`?/` ones go to
//!   `features2` with `"v":2`, as cargo publishes them), `yanked`, `links`,
//!   `rust-version` and files. It makes the `.crate` (a deterministic gzip'd
//!   tar under `<name>-<version>/` with a generated `Cargo.toml`) and the
//!   index line whose `cksum` is the `.crate`'s sha256.
//! - [`Registry`] runs the server for as long as it lives: `/index/config.json`,
//!   index files at cargo's paths (`1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd`,
//!   lowercase) with `ETag`/`Last-Modified` and 304s, downloads at
//!   `/api/v1/crates/<name>/<version>/download`, optional `auth-required`
//!   with a token. Keep-alive and parallel connections work; packages can be
//!   published, yanked and faulted while a tool runs.
//! - [`Fault`] makes one path misbehave (500 then success, 429, slow,
//!   truncated, closed); [`BadEntry`] puts a malicious entry in a `.crate`
//!   (`..`, absolute path, symlink, hard link, `.cargo-ok`, a gzip bomb);
//!   [`Package::wrong_cksum`] breaks the index checksum.
//! - [`generate`] makes random registries and projects from a seed, for
//!   differential tests of the resolver against cargo.
//! - [`Registry::configure_home`] (and friends) write the config that
//!   points both the installed cargo and mycargo at the registry, either as
//!   a replacement of crates.io or as an alternate registry. Every
//!   [`TestRoot`] has its own `CARGO_HOME`, so caches never leak between
//!   tests or into the real `~/.cargo`.
//!
//! ```no_run
//! use mycargo_test_support::project;
//! use mycargo_test_support::registry::{Dep, Fault, Package, Registry};
//!
//! let reg = Registry::new();
//! Package::new("baz", "1.0.0")
//!     .feature("std", &[])
//!     .file("src/lib.rs", "pub fn baz() {}")
//!     .publish(&reg);
//! Package::new("baz", "1.1.0").yanked().publish(&reg);
//! Package::new("bar", "0.5.0")
//!     .add_dep(Dep::new("baz", "1").features(&["std"]))
//!     .publish(&reg);
//!
//! let p = project()
//!     .file("Cargo.toml", r#"
//!         [package]
//!         name = "foo"
//!         version = "0.1.0"
//!         edition = "2021"
//!         [dependencies]
//!         bar = "0.5"
//!     "#)
//!     .file("src/lib.rs", "")
//!     .build();
//! reg.configure_home(p.test_root()); // `[source.crates-io] replace-with`
//! reg.fault(&reg.index_path("bar"), Fault::Status(500)); // once, then OK
//! p.cargo("generate-lockfile").run();
//! Package::new("baz", "1.0.1").publish(&reg); // visible to the next command
//! p.cargo("update").run();
//! assert!(p.read_file("Cargo.lock").contains("1.0.1"));
//! ```

pub mod api;
pub mod faults;
pub mod generate;
pub mod index;
pub mod package;
pub mod server;
pub mod tls;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use api::{Published, WebApi};
pub use faults::{BadEntry, Fault};
pub use index::{IndexDep, IndexEntry, index_path};
pub use package::{Dep, DepKind, Package, sha256_hex};
pub use server::{LoggedRequest, Request, Response};

use crate::execs::Tool;
use crate::project::{Project, TestRoot};
use server::{FaultRule, IndexFile, Options, Server};

/// The index URL of crates.io, as `Cargo.lock` records it.
pub const CRATES_IO_INDEX: &str = "https://github.com/rust-lang/crates.io-index";

/// Options for a [`Registry`] before it starts.
#[derive(Clone, Debug)]
pub struct RegistryBuilder {
    auth_token: Option<String>,
    etag: bool,
    last_modified: bool,
    api: bool,
    tls: Option<Arc<tls::TestCa>>,
}

impl RegistryBuilder {
    /// Serve HTTPS with a certificate signed by `ca`, a private authority
    /// no trust store knows until the test puts it there.
    pub fn https(mut self, ca: &Arc<tls::TestCa>) -> Self {
        self.tls = Some(ca.clone());
        self
    }

    /// Require `Authorization: <token>` on every request (401 without it,
    /// 403 with another token) and say `"auth-required": true` in
    /// `config.json`. The config helpers then write the token too.
    pub fn auth_required(mut self, token: &str) -> Self {
        self.auth_token = Some(token.to_string());
        self
    }

    /// Don't send `ETag` (cargo then revalidates with `If-Modified-Since`).
    pub fn no_etag(mut self) -> Self {
        self.etag = false;
        self
    }

    /// Don't send `Last-Modified`.
    pub fn no_last_modified(mut self) -> Self {
        self.last_modified = false;
        self
    }

    /// Leave `api` out of `config.json`.
    pub fn no_api(mut self) -> Self {
        self.api = false;
        self
    }

    /// Start serving on a random port of 127.0.0.1.
    pub fn start(self) -> Registry {
        let server = Server::start(Options {
            auth_token: self.auth_token.clone(),
            etag: self.etag,
            last_modified: self.last_modified,
            api: self.api,
            tls: self.tls.as_ref().map(|ca| ca.server.clone()),
        });
        Registry {
            server: Arc::new(server),
            token: self.auth_token,
        }
    }
}

/// A running local registry. Clones share the server; it stops when the
/// last clone is dropped.
#[derive(Clone)]
pub struct Registry {
    server: Arc<Server>,
    token: Option<String>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("addr", &self.addr())
            .finish()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl Registry {
    /// Start an empty registry with default options.
    pub fn new() -> Registry {
        Registry::builder().start()
    }

    pub fn builder() -> RegistryBuilder {
        RegistryBuilder {
            auth_token: None,
            etag: true,
            last_modified: true,
            api: true,
            tls: None,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.shared.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` when serving TLS).
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.addr())
    }

    /// `sparse+http://127.0.0.1:PORT/index/`: what configs name.
    pub fn index_url(&self) -> String {
        format!("sparse+{}://{}/index/", self.scheme(), self.addr())
    }

    fn scheme(&self) -> &'static str {
        self.server.shared.state().opts.scheme()
    }

    /// The token required when built with [`RegistryBuilder::auth_required`].
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The server path of a package's index file: `/index/3/f/foo`.
    pub fn index_path(&self, name: &str) -> String {
        format!("/index/{}", index_path(name))
    }

    /// The server path of a download: `/api/v1/crates/<name>/<version>/download`.
    pub fn download_path(&self, name: &str, vers: &str) -> String {
        format!("/api/v1/crates/{name}/{vers}/download")
    }

    /// Add a version (replacing one with the same name and version);
    /// returns the `.crate`'s sha256. Visible to the next request.
    pub fn publish(&self, pkg: &Package) -> String {
        let bytes = pkg.crate_bytes();
        let cksum = sha256_hex(&bytes);
        let entry = pkg.index_entry(&cksum);
        let mut st = self.server.shared.state();
        let now = st.tick();
        let file = st
            .files
            .entry(index_path(pkg.name()))
            .or_insert_with(|| IndexFile {
                entries: Vec::new(),
                last_modified: now,
            });
        match file.entries.iter_mut().find(|e| e.vers == entry.vers) {
            Some(e) => *e = entry,
            None => file.entries.push(entry),
        }
        file.last_modified = now;
        st.crates
            .insert((pkg.name().to_string(), pkg.version().to_string()), bytes);
        cksum
    }

    /// Set the `yanked` flag of a published version. Panics if unknown.
    pub fn set_yanked(&self, name: &str, vers: &str, yanked: bool) {
        let mut st = self.server.shared.state();
        let now = st.tick();
        let file = st
            .files
            .get_mut(&index_path(name))
            .unwrap_or_else(|| panic!("no package `{name}` in the registry"));
        let e = file
            .entries
            .iter_mut()
            .find(|e| e.vers == vers)
            .unwrap_or_else(|| panic!("no version `{vers}` of `{name}` in the registry"));
        e.yanked = yanked;
        file.last_modified = now;
    }

    pub fn yank(&self, name: &str, vers: &str) {
        self.set_yanked(name, vers, true);
    }

    /// The index file of `name` as served (lines joined by `\n`).
    pub fn index_file(&self, name: &str) -> Option<String> {
        let st = self.server.shared.state();
        st.files.get(&index_path(name)).map(|f| f.body())
    }

    /// The `.crate` as served.
    pub fn crate_file(&self, name: &str, vers: &str) -> Option<Vec<u8>> {
        let st = self.server.shared.state();
        st.crates
            .get(&(name.to_string(), vers.to_string()))
            .cloned()
    }

    /// Write everything published so far as a `local-registry` source
    /// under `dir`: `index/<index path>` files and `<name>-<version>.crate`
    /// files beside them (the layout `[source.x] local-registry` reads).
    pub fn write_local_registry(&self, dir: &Path) {
        let st = self.server.shared.state();
        for (path, file) in &st.files {
            let dst = dir.join("index").join(path);
            std::fs::create_dir_all(dst.parent().expect("an index path has a parent"))
                .expect("create the local index directory");
            std::fs::write(&dst, format!("{}\n", file.body())).expect("write a local index file");
        }
        for ((name, vers), bytes) in &st.crates {
            std::fs::write(dir.join(format!("{name}-{vers}.crate")), bytes)
                .expect("write a local .crate");
        }
    }

    /// Write everything published so far as a git-protocol index in `dir`
    /// (made the first time, one more commit each call): the index files
    /// at their paths and a `config.json` whose `dl` and `api` point at
    /// this server. Returns the index's `file://` URL.
    pub fn write_git_index(&self, dir: &Path) -> String {
        let repo = git2::Repository::open(dir)
            .or_else(|_| git2::Repository::init(dir))
            .expect("init the git index");
        let config = format!(
            "{{\"dl\":\"{base}/api/v1/crates/{{crate}}/{{version}}/download\",\"api\":\"{base}\"}}",
            base = self.base_url()
        );
        std::fs::write(dir.join("config.json"), config).expect("write config.json");
        let mut index = repo.index().expect("the git index's index");
        index
            .add_path(Path::new("config.json"))
            .expect("add config.json");
        let st = self.server.shared.state();
        for (path, file) in &st.files {
            let dst = dir.join(path);
            std::fs::create_dir_all(dst.parent().expect("an index path has a parent"))
                .expect("create an index directory");
            std::fs::write(&dst, format!("{}\n", file.body())).expect("write an index file");
            index.add_path(Path::new(path)).expect("add an index file");
        }
        drop(st);
        index.write().expect("write the git index's index");
        let tree = repo
            .find_tree(index.write_tree().expect("write the tree"))
            .expect("find the tree");
        let sig = git2::Signature::new("t", "t@example.com", &git2::Time::new(0, 0))
            .expect("a signature");
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(
            Some("HEAD"),
            &sig,
            &sig,
            "update the index",
            &tree,
            &parents,
        )
        .expect("commit the index");
        url::Url::from_file_path(dir)
            .expect("an absolute path")
            .to_string()
    }

    /// Inject `fault` on the next request of `path` (a server path such as
    /// [`Registry::index_path`] or [`Registry::download_path`] gives).
    pub fn fault(&self, path: &str, fault: Fault) {
        self.add_fault(path, fault, Some(1));
    }

    /// Inject `fault` on the next `times` requests of `path`.
    pub fn fault_n(&self, path: &str, fault: Fault, times: usize) {
        self.add_fault(path, fault, Some(times));
    }

    /// Inject `fault` on every request of `path` until [`Registry::clear_faults`].
    pub fn fault_always(&self, path: &str, fault: Fault) {
        self.add_fault(path, fault, None);
    }

    fn add_fault(&self, path: &str, fault: Fault, remaining: Option<usize>) {
        self.server.shared.state().faults.push(FaultRule {
            path: path.to_string(),
            fault,
            remaining,
        });
    }

    pub fn clear_faults(&self) {
        self.server.shared.state().faults.clear();
    }

    /// Answer every request whose path starts with `prefix` with `handler`
    /// (after faults, before the built-in paths). For web API endpoints.
    pub fn route(
        &self,
        prefix: &str,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) {
        self.server
            .shared
            .state()
            .routes
            .push((prefix.to_string(), Arc::new(handler)));
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.server.shared.state().log.clone()
    }

    pub fn clear_requests(&self) {
        self.server.shared.state().log.clear();
    }

    /// TOML that replaces crates.io with this registry (source name `local`).
    pub fn replace_crates_io_toml(&self) -> String {
        let mut s = format!(
            "[source.crates-io]\nreplace-with = \"local\"\n\n[source.local]\nregistry = \"{}\"\n",
            self.index_url()
        );
        if let Some(t) = &self.token {
            // A token is looked up by registry name; name the same index.
            s.push_str(&format!(
                "\n[registries.local]\nindex = \"{}\"\ntoken = \"{t}\"\n",
                self.index_url()
            ));
        }
        s
    }

    /// TOML that declares this registry as the alternate registry `name`
    /// (dependencies then say `registry = "<name>"`).
    pub fn alt_registry_toml(&self, name: &str) -> String {
        let mut s = format!("[registries.{name}]\nindex = \"{}\"\n", self.index_url());
        if let Some(t) = &self.token {
            s.push_str(&format!("token = \"{t}\"\n"));
        }
        s
    }

    /// Append [`Registry::replace_crates_io_toml`] to `$CARGO_HOME/config.toml`
    /// of every tool of `root` (both homes when they are separate). With
    /// [`RegistryBuilder::auth_required`], the token and
    /// `[registry] global-credential-providers = ["cargo:token"]` are written
    /// too (so do the other `configure_*` helpers).
    pub fn configure_home(&self, root: &TestRoot) {
        for_each_home(root, |home| {
            self.append(&home.join("config.toml"), false, "")
        });
    }

    /// Append [`Registry::alt_registry_toml`] to every `$CARGO_HOME/config.toml`
    /// of `root`.
    pub fn configure_home_alt(&self, root: &TestRoot, name: &str) {
        for_each_home(root, |home| {
            self.append(&home.join("config.toml"), true, name)
        });
    }

    /// Append [`Registry::replace_crates_io_toml`] to the project's
    /// `.cargo/config.toml`.
    pub fn configure_project(&self, p: &Project) {
        self.append(&p.root().join(".cargo/config.toml"), false, "");
    }

    /// Append [`Registry::alt_registry_toml`] to the project's
    /// `.cargo/config.toml`.
    pub fn configure_project_alt(&self, p: &Project, name: &str) {
        self.append(&p.root().join(".cargo/config.toml"), true, name);
    }

    /// Append the config to `path`; with a token, also turn on cargo's
    /// `cargo:token` credential provider (once per file).
    fn append(&self, path: &Path, alt: bool, name: &str) {
        let mut toml = if alt {
            self.alt_registry_toml(name)
        } else {
            self.replace_crates_io_toml()
        };
        let has_providers =
            std::fs::read_to_string(path).is_ok_and(|s| s.contains("global-credential-providers"));
        if self.token.is_some() && !has_providers {
            toml.push_str("\n[registry]\nglobal-credential-providers = [\"cargo:token\"]\n");
        }
        append_config(path, &toml);
    }

    /// A GET of `path` on this server with extra headers, over a fresh
    /// connection (`Connection: close`).
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
        http_get(self.addr(), path, headers)
    }
}

fn for_each_home(root: &TestRoot, mut f: impl FnMut(&Path)) {
    let m = root.cargo_home(Tool::Mycargo);
    let c = root.cargo_home(Tool::Cargo);
    f(&m);
    if c != m {
        f(&c);
    }
}

/// Append `toml` to the config file at `path` (created with its parents).
pub fn append_config(path: &Path, toml: &str) {
    let mut old = std::fs::read_to_string(path).unwrap_or_default();
    if !old.is_empty() && !old.ends_with("\n\n") {
        old.push('\n');
    }
    old.push_str(toml);
    crate::project::write(path, old);
}

/// What [`http_get`] received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body is shorter than `Content-Length` said.
    pub truncated: bool,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal blocking HTTP/1.1 GET over a new connection. Status 0 means
/// the connection closed before a status line.
pub fn http_get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    let mut conn = TcpStream::connect(addr).expect("connect to the registry");
    let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    conn.write_all(req.as_bytes()).expect("send the request");
    let mut raw = Vec::new();
    let _ = conn.read_to_end(&mut raw);
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return HttpResponse {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
            truncated: true,
        };
    };
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body = raw[end + 4..].to_vec();
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    HttpResponse {
        status,
        truncated: len.is_some_and(|l| body.len() < l),
        headers,
        body,
    }
}

#[cfg(test)]
mod tests;
