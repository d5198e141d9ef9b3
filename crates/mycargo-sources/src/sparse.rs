//! The sparse registry client: `config.json`, index files with the
//! on-disk cache and revalidation, and `.crate` downloads.
//!
//! [`SparseRegistry`] has a blocking API (it owns a small tokio runtime;
//! don't call it from inside another runtime) and an async one (the
//! `*_async` methods, for callers that run tokio themselves).
//!
//! Within a process, each index file is revalidated with the server at
//! most once (a process-wide "fresh this run" set): the first query of a
//! name sends `If-None-Match`/`If-Modified-Since` from the cache and a 304
//! keeps the cache; later queries read the cache only. A name asked
//! for twice while its request is in flight is fetched once.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use mycargo_core::SourceId;
use mycargo_core::source_id::SourceKind;
use mycargo_core::source_id::{CRATES_IO_HTTP_INDEX, CRATES_IO_REGISTRY};
use semver::Version;
use serde::Deserialize;
use tokio::sync::{OnceCell, Semaphore};

use crate::checksum::sha256_hex;
use crate::dir_name::registry_dir_name;
use crate::git_index::GitIndex;
use crate::index::cache::{CacheFile, IndexVersion};
use crate::index::lines::IndexLines;
use crate::index::path::{expand_dl, index_path};
use crate::index::summary::IndexSummary;
use crate::lock::{self, CacheLock, CacheLockMode};
use crate::net::{NetConfig, error_is_spurious, retry_after, status_is_spurious};
use crate::unpack;

/// What cargo says when the network is needed in offline mode.
pub const OFFLINE_ERROR: &str = "attempting to make an HTTP request, but --offline was specified";

/// The note cargo adds to resolution errors in offline mode.
pub const OFFLINE_NOTE: &str = "As a reminder, you're using offline mode (--offline) which can sometimes cause surprising resolution failures, if this error is too confusing you may wish to retry without `--offline`.";

/// The contents of `registry/CACHEDIR.TAG` (<https://bford.info/cachedir/>).
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by cargo.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// `config.json` of a registry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RegistryConfig {
    /// The download URL template.
    pub dl: String,
    /// The web API base, if the registry has one.
    #[serde(default)]
    pub api: Option<String>,
    #[serde(default)]
    pub auth_required: bool,
}

/// Progress of [`SparseRegistry::download`], for the `Downloading` bar and
/// the `Downloaded N crates (X KB) in Ys` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadEvent {
    /// `count` crates are about to be downloaded.
    Begin { count: usize },
    /// A download started.
    Started { name: String, version: String },
    /// Bytes arrived: totals over all downloads of this call.
    Progress {
        /// Crates finished so far.
        done: usize,
        count: usize,
        /// Bytes received so far.
        received: u64,
        /// The sum of the `Content-Length`s known so far.
        expected: u64,
    },
    /// One crate arrived and its checksum matched (`Downloaded foo v1.0.0`).
    Finished {
        name: String,
        version: String,
        bytes: u64,
    },
    /// Everything was downloaded (only when `count > 0`).
    Done {
        count: usize,
        bytes: u64,
        elapsed: Duration,
    },
}

/// Where the caller hears about what happens: warnings (`spurious network
/// error ...`), lock waits (`waiting for file lock on package cache`, to
/// print after a `Blocking` status) and download progress. Every method
/// has an empty default.
pub trait Reporter: Send + Sync {
    fn warn(&self, _message: &str) {}
    fn blocking(&self, _message: &str) {}
    fn download(&self, _event: &DownloadEvent) {}
}

/// Where a registry's token comes from, asked only when the registry
/// wants one; `headers` are those of the server's 401 answer (credential
/// providers read `WWW-Authenticate` from them).
pub trait TokenSource: Send + Sync {
    fn token(&self, headers: &[String]) -> anyhow::Result<String>;

    /// What to say when the server refuses the token given.
    fn rejected(&self) -> Option<String> {
        None
    }
}

/// A token known up front.
pub struct StaticToken(pub String);

impl TokenSource for StaticToken {
    fn token(&self, _headers: &[String]) -> anyhow::Result<String> {
        Ok(self.0.clone())
    }
}

/// A [`Reporter`] that says nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Reporter for Silent {}

/// One `.crate` to fetch: the name and version from the index, and its
/// `cksum`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateRequest {
    pub name: String,
    pub version: Version,
    pub cksum: String,
}

impl CrateRequest {
    pub fn new(name: impl Into<String>, version: Version, cksum: impl Into<String>) -> Self {
        CrateRequest {
            name: name.into(),
            version,
            cksum: cksum.into(),
        }
    }

    /// From an index line.
    pub fn from_summary(s: &IndexSummary) -> Self {
        CrateRequest::new(s.name.clone(), s.version.clone(), s.cksum.clone())
    }
}

/// A crate ready on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateOnDisk {
    pub name: String,
    pub version: Version,
    /// `$CARGO_HOME/registry/cache/<dir>/<name>-<version>.crate` (may be
    /// absent when the sources were already unpacked by someone else).
    pub crate_file: PathBuf,
    /// `$CARGO_HOME/registry/src/<dir>/<name>-<version>/`.
    pub src_dir: PathBuf,
    /// Whether it came over the network in this call.
    pub downloaded: bool,
}

/// An error shared by every waiter of one in-flight request.
#[derive(Clone)]
struct SharedError(Arc<anyhow::Error>);

impl fmt::Debug for SharedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for SharedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let inner: &(dyn std::error::Error + Send + Sync + 'static) = &**self.0;
        inner.source()
    }
}

type Shared<T> = Result<Arc<T>, SharedError>;

/// One in-flight-or-done index query per index path.
type QueryCells = HashMap<String, Arc<OnceCell<Shared<IndexLines>>>>;

/// Index files already revalidated in this process.
static FRESH: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

fn fresh_set() -> std::sync::MutexGuard<'static, HashSet<PathBuf>> {
    FRESH.lock().unwrap_or_else(|e| e.into_inner())
}

fn is_fresh(p: &Path) -> bool {
    fresh_set().contains(p)
}

fn mark_fresh(p: &Path) {
    fresh_set().insert(p.to_path_buf());
}

/// Forget which index files under `dir` were revalidated in this process,
/// so the next query revalidates them again (a new "command").
pub fn forget_fresh_under(dir: &Path) {
    fresh_set().retain(|p| !p.starts_with(dir));
    crate::git_index::forget_updated(dir);
}

/// A sparse registry and its caches under `CARGO_HOME`.
#[derive(Clone)]
pub struct SparseRegistry {
    inner: Arc<Inner>,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl fmt::Debug for SparseRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SparseRegistry")
            .field("source_id", &self.inner.source_id)
            .field("dir_name", &self.inner.dir_name)
            .finish()
    }
}

struct Inner {
    source_id: SourceId,
    /// The index URL without `sparse+`, ending in `/`.
    base: String,
    /// A registry whose index is a git repository: index files and
    /// `config.json` come from it, downloads over HTTP as for sparse.
    git: Option<GitIndex>,
    cargo_home: PathBuf,
    dir_name: String,
    net: NetConfig,
    /// Made at the first request: loading the platform's trust store reads
    /// hundreds of files, which a command served by caches never needs.
    client: std::sync::OnceLock<reqwest::Client>,
    token: Option<Arc<dyn TokenSource>>,
    /// The token, once asked for.
    token_value: std::sync::OnceLock<String>,
    /// The headers of the last 401 answer.
    auth_headers: Mutex<Vec<String>>,
    permits: Semaphore,
    /// Unpacks running at once (one a core).
    unpacks: Semaphore,
    reporter: Arc<dyn Reporter>,
    config: OnceCell<Shared<RegistryConfig>>,
    /// Set when the server answered 401 to an anonymous `config.json`.
    auth_seen: AtomicBool,
    /// Why no token can be sent (see [`SparseRegistry::refuse_auth`]).
    auth_refused: std::sync::OnceLock<String>,
    queries: Mutex<QueryCells>,
    requests: AtomicUsize,
}

/// What came back from one GET (after retries).
struct Fetched {
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    retry_after: Option<String>,
    body: Vec<u8>,
    addr: Option<SocketAddr>,
    /// [`DEBUG_HEADERS`] the answer had, as `name: value`.
    debug_headers: Vec<String>,
}

/// A header name as servers usually spell it (HTTP/1 names reach us in
/// lower case): `content-length` → `Content-Length`,
/// `www-authenticate` → `WWW-Authenticate`.
fn header_case(name: &str) -> String {
    match name {
        "www-authenticate" => return "WWW-Authenticate".into(),
        "etag" => return "ETag".into(),
        _ => {}
    }
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn http_error(url: &str, f: &Fetched) -> anyhow::Error {
    anyhow!("{}", http_error_text(url, f, true, true))
}

/// A 401: cargo names no address for it.
fn unauthorized_error(url: &str, f: &Fetched) -> anyhow::Error {
    anyhow!("{}", http_error_text(url, f, true, false))
}

/// Response headers cargo shows in a final HTTP error (CDN request ids and
/// cache state, for the registry's operators).
const DEBUG_HEADERS: &[&str] = &[
    "x-amz-cf-id",
    "x-amz-cf-pop",
    "x-amz-request-id",
    "x-amz-id-2",
    "x-cache",
    "x-served-by",
];

/// cargo's words for an unsuccessful answer: the URL, the peer's address,
/// the status, the debug headers (not in retry warnings), and the body cut
/// to 512 characters.
fn http_error_text(url: &str, f: &Fetched, show_headers: bool, show_addr: bool) -> String {
    const MAX_BODY_CHARS: usize = 512;
    let ip = match (show_addr, f.addr) {
        (true, Some(a)) => format!(" ({})", a.ip()),
        _ => String::new(),
    };
    let body = match std::str::from_utf8(&f.body) {
        Ok(s) => mycargo_util::diagnostic::truncate_with_ellipsis(s, MAX_BODY_CHARS),
        Err(_) => format!("[{} non-utf8 bytes]", f.body.len()),
    };
    let mut headers = String::new();
    if show_headers && !f.debug_headers.is_empty() {
        headers.push_str("debug headers:\n");
        for h in &f.debug_headers {
            headers.push_str(h);
            headers.push('\n');
        }
    }
    format!(
        "failed to get successful HTTP response from `{url}`{ip}, got {}\n{headers}body:\n{body}",
        f.status
    )
}

/// An index file that could not be fetched, naming the package, so that
/// the resolve can say whose dependency it was. Shown as the error inside.
#[derive(Debug)]
pub struct IndexQueryFailed {
    pub name: String,
    error: anyhow::Error,
}

impl fmt::Display for IndexQueryFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for IndexQueryFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// A `.crate` download that failed in transit (not in the checks after
/// it): cargo reports it without naming the source it stands in for.
/// Shown as the error inside.
#[derive(Debug)]
pub struct TransferFailed {
    error: anyhow::Error,
}

impl fmt::Display for TransferFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for TransferFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// Write `data` to `path` (its directory made first) through a temporary
/// file, without fsync: a cache that can be rebuilt.
fn write_replace(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    mycargo_util::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    mycargo_util::fs::write_atomic_nosync(path, data)
}

impl SparseRegistry {
    /// A client for `source_id` (a `sparse+http(s)://.../` registry) with
    /// its caches under `cargo_home`. `token` is sent as `Authorization`
    /// when `config.json` says `auth-required` (or the server answers 401).
    pub fn new(
        source_id: &SourceId,
        cargo_home: &Path,
        net: NetConfig,
        token: Option<String>,
        reporter: Arc<dyn Reporter>,
    ) -> anyhow::Result<SparseRegistry> {
        let token = token.map(|t| Arc::new(StaticToken(t)) as Arc<dyn TokenSource>);
        Self::with_token_source(source_id, cargo_home, net, token, reporter)
    }

    /// [`SparseRegistry::new`] with a token asked for when needed.
    pub fn with_token_source(
        source_id: &SourceId,
        cargo_home: &Path,
        net: NetConfig,
        token: Option<Arc<dyn TokenSource>>,
        reporter: Arc<dyn Reporter>,
    ) -> anyhow::Result<SparseRegistry> {
        // Cargo 1.95 reaches crates.io through its sparse index.
        let sparse_crates_io;
        let source_id = if source_id.is_real_crates_io() && !source_id.is_sparse() {
            let url = url::Url::parse(CRATES_IO_HTTP_INDEX)
                .context("the crates.io sparse index URL is invalid")?;
            sparse_crates_io = SourceId::for_alt_registry(&url, CRATES_IO_REGISTRY);
            &sparse_crates_io
        } else {
            source_id
        };
        let url = source_id.url().as_str();
        let dir_name = registry_dir_name(source_id);
        let (base, git) = match url.strip_prefix("sparse+") {
            Some(base) if !base.ends_with('/') => {
                bail!("sparse registry url must end in a slash `/`: {url}")
            }
            Some(base) => (base, None),
            None if source_id.kind() == &SourceKind::Registry => {
                let dir = cargo_home.join("registry/index").join(&dir_name);
                let index = GitIndex::new(dir, url, net.git_fetch_with_cli, net.retry);
                (url, Some(index))
            }
            None => bail!("`{url}` is not a registry index URL"),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mycargo-net")
            .enable_all()
            .build()
            .context("failed to start the network runtime")?;
        let permits = Semaphore::new(net.max_concurrency.max(1));
        Ok(SparseRegistry {
            inner: Arc::new(Inner {
                source_id: source_id.clone(),
                base: base.to_string(),
                git,
                cargo_home: cargo_home.to_path_buf(),
                dir_name,
                net,
                client: std::sync::OnceLock::new(),
                token,
                token_value: std::sync::OnceLock::new(),
                auth_headers: Mutex::new(Vec::new()),
                permits,
                unpacks: Semaphore::new(
                    std::thread::available_parallelism().map_or(2, |n| n.get()),
                ),
                reporter,
                config: OnceCell::new(),
                auth_seen: AtomicBool::new(false),
                auth_refused: std::sync::OnceLock::new(),
                queries: Mutex::new(HashMap::new()),
                requests: AtomicUsize::new(0),
            }),
            runtime: Arc::new(runtime),
        })
    }

    /// When the registry requires authentication, fail with `why` instead
    /// of sending a token (cargo's rule: reading an authenticated registry
    /// needs a credential provider configured).
    pub fn refuse_auth(&self, why: String) {
        let _ = self.inner.auth_refused.set(why);
    }

    pub fn source_id(&self) -> &SourceId {
        &self.inner.source_id
    }

    /// `<host>-<hash>`, the directory name under `registry/*/`.
    pub fn dir_name(&self) -> &str {
        &self.inner.dir_name
    }

    /// `$CARGO_HOME/registry/index/<dir>`.
    pub fn index_dir(&self) -> PathBuf {
        self.inner.index_dir()
    }

    /// `$CARGO_HOME/registry/cache/<dir>`.
    pub fn crate_cache_dir(&self) -> PathBuf {
        self.inner.crate_cache_dir()
    }

    /// `$CARGO_HOME/registry/src/<dir>`.
    pub fn src_dir(&self) -> PathBuf {
        self.inner.src_root()
    }

    pub fn is_offline(&self) -> bool {
        self.inner.net.offline
    }

    /// Bring the index up to date now: a git index is fetched (once a
    /// process, as cargo's API commands do before reading `config.json`);
    /// a sparse one revalidates file by file as it is read.
    pub fn refresh(&self) -> anyhow::Result<()> {
        match &self.inner.git {
            Some(git) => {
                let _lock = self.lock_package_cache()?;
                self.inner.update_git(git)
            }
            None => Ok(()),
        }
    }

    /// `config.json` as a previous command kept it (sparse indexes only),
    /// without asking the server.
    pub fn cached_config(&self) -> Option<RegistryConfig> {
        if self.inner.git.is_some() {
            return None;
        }
        let data = std::fs::read(self.index_dir().join("config.json")).ok()?;
        serde_json::from_slice(&data).ok()
    }

    /// A new client of the same registry (nothing cached in memory), with
    /// the token this one settled on, if any.
    pub fn renewed(&self) -> anyhow::Result<SparseRegistry> {
        let token = match self.inner.token_value.get() {
            Some(t) => Some(Arc::new(StaticToken(t.clone())) as Arc<dyn TokenSource>),
            None => self.inner.token.clone(),
        };
        SparseRegistry::with_token_source(
            &self.inner.source_id,
            &self.inner.cargo_home,
            self.inner.net.clone(),
            token,
            self.inner.reporter.clone(),
        )
    }

    /// Settle the token now when downloads from this registry need one
    /// (a credential provider runs before downloads are announced).
    pub fn prepare_download_auth(&self) -> anyhow::Result<()> {
        let cfg = self.config()?;
        if self.inner.auth_required(&cfg) {
            self.inner.auth_header()?;
        }
        Ok(())
    }

    /// Whether a query now fetches from the network: always for a sparse
    /// index (each file is revalidated), once a process for a git one.
    pub fn will_fetch(&self) -> bool {
        !self.inner.net.offline && self.inner.git.as_ref().is_none_or(|g| !g.is_updated())
    }

    /// HTTP requests sent so far (retries included).
    pub fn request_count(&self) -> usize {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// Take cargo's download lock on the package cache (what resolution
    /// and downloads hold). The blocking methods take it themselves; hold
    /// it longer to cover a whole resolve.
    pub fn lock_package_cache(&self) -> anyhow::Result<CacheLock> {
        let reporter = self.inner.reporter.clone();
        lock::acquire(
            &self.inner.cargo_home,
            CacheLockMode::DownloadExclusive,
            &move |m| reporter.blocking(m),
        )
    }

    /// `config.json` (fetched once per instance; from the disk cache when
    /// offline).
    pub fn config(&self) -> anyhow::Result<Arc<RegistryConfig>> {
        let inner = self.inner.clone();
        self.runtime.block_on(async move { inner.config().await })
    }

    /// Every version of `name` in the index, in file order; empty when the
    /// registry has no such crate (or, offline, nothing is cached for it).
    pub fn query(&self, name: &str) -> anyhow::Result<Arc<IndexLines>> {
        let _lock = self.lock_package_cache()?;
        let inner = self.inner.clone();
        let name = name.to_string();
        self.runtime
            .block_on(async move { inner.query(&name).await })
    }

    /// [`SparseRegistry::query`] for many names at once, in parallel
    /// (bounded by `max_concurrency`); results in the order of `names`.
    pub fn query_many(&self, names: &[&str]) -> anyhow::Result<Vec<Arc<IndexLines>>> {
        let _lock = self.lock_package_cache()?;
        let inner = self.inner.clone();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        self.runtime
            .block_on(async move { inner.query_many(names).await })
    }

    /// Async [`SparseRegistry::query`]; the caller holds the lock.
    pub async fn query_async(&self, name: &str) -> anyhow::Result<Arc<IndexLines>> {
        self.inner.query(name).await
    }

    /// Make `crates` available under `registry/src/<dir>/`: already
    /// unpacked ones are left alone, cached `.crate`s are checked and
    /// unpacked, the rest are downloaded in parallel, checked against
    /// `cksum` and unpacked. Results are in the order of `crates`.
    pub fn download(&self, crates: &[CrateRequest]) -> anyhow::Result<Vec<CrateOnDisk>> {
        let _lock = self.lock_package_cache()?;
        let inner = self.inner.clone();
        let crates = crates.to_vec();
        self.runtime
            .block_on(async move { inner.download(crates).await })
    }

    /// Async [`SparseRegistry::download`]; the caller holds the lock.
    pub async fn download_async(
        &self,
        crates: &[CrateRequest],
    ) -> anyhow::Result<Vec<CrateOnDisk>> {
        self.inner.clone().download(crates.to_vec()).await
    }
}

impl Inner {
    /// Cargo marks `$CARGO_HOME/registry` as a cache directory for backup
    /// tools; do the same when it is first created.
    fn tag_cache_dir(&self) {
        let registry = self.cargo_home.join("registry");
        let tag = registry.join("CACHEDIR.TAG");
        if !tag.exists() && std::fs::create_dir_all(&registry).is_ok() {
            let _ = write_replace(&tag, CACHEDIR_TAG.as_bytes());
        }
    }

    fn index_dir(&self) -> PathBuf {
        self.cargo_home.join("registry/index").join(&self.dir_name)
    }

    fn crate_cache_dir(&self) -> PathBuf {
        self.cargo_home.join("registry/cache").join(&self.dir_name)
    }

    fn src_root(&self) -> PathBuf {
        self.cargo_home.join("registry/src").join(&self.dir_name)
    }

    fn auth_required(&self, cfg: &RegistryConfig) -> bool {
        cfg.auth_required || self.auth_seen.load(Ordering::SeqCst)
    }

    fn auth_header(&self) -> anyhow::Result<String> {
        if let Some(why) = self.auth_refused.get() {
            bail!("{why}");
        }
        if let Some(t) = self.token_value.get() {
            return Ok(t.clone());
        }
        match &self.token {
            Some(source) => {
                let headers = self
                    .auth_headers
                    .lock()
                    .map(|h| h.clone())
                    .unwrap_or_default();
                let t = source.token(&headers)?;
                Ok(self.token_value.get_or_init(|| t).clone())
            }
            None => {
                let name = self.source_id.display_registry_name();
                if self.source_id.is_crates_io() {
                    bail!("no token found, please run `cargo login`");
                }
                let env = name.to_uppercase().replace(['-', '.'], "_");
                bail!(
                    "no token found for `{name}`, please run `cargo login --registry {name}`\n\
                     or use environment variable CARGO_REGISTRIES_{env}_TOKEN"
                )
            }
        }
    }

    /// One GET with retries on spurious failures. `on_bytes` hears about
    /// each chunk (bytes so far, Content-Length).
    async fn get(
        &self,
        url: &str,
        headers: &[(&str, String)],
        on_bytes: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
    ) -> anyhow::Result<Fetched> {
        if self.net.offline {
            bail!(OFFLINE_ERROR);
        }
        let mut attempt: u32 = 0;
        loop {
            let result = self.get_once(url, headers, on_bytes).await;
            let remaining = self.net.retry.saturating_sub(attempt);
            let (err, retry_after) = match result {
                Ok(f) if status_is_spurious(f.status) && remaining > 0 => {
                    let ra = retry_after(
                        f.status,
                        f.retry_after.as_deref(),
                        std::time::SystemTime::now(),
                    );
                    (anyhow!("{}", http_error_text(url, &f, false, true)), ra)
                }
                Ok(f) => return Ok(f),
                Err(e) if remaining > 0 && e.spurious => (e.error, None),
                Err(e) => return Err(e.error),
            };
            attempt += 1;
            self.reporter.warn(&format!(
                "spurious network error ({remaining} {} remaining): {err:#}",
                if remaining == 1 { "try" } else { "tries" }
            ));
            tokio::time::sleep(self.net.retry_delay.delay(attempt, retry_after)).await;
        }
    }

    async fn get_once(
        &self,
        url: &str,
        headers: &[(&str, String)],
        on_bytes: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
    ) -> Result<Fetched, AttemptError> {
        let _permit = self.permits.acquire().await.map_err(|e| AttemptError {
            error: anyhow!(e),
            spurious: false,
        })?;
        self.requests.fetch_add(1, Ordering::SeqCst);
        if url.starts_with("file:") {
            return Ok(read_file_url(url, on_bytes));
        }
        let client = match self.client.get() {
            Some(c) => c,
            None => {
                let c = self.net.build_client().map_err(|error| AttemptError {
                    error,
                    spurious: false,
                })?;
                self.client.get_or_init(|| c)
            }
        };
        let mut req = client.get(url);
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let transport = |e: reqwest::Error| AttemptError {
            spurious: error_is_spurious(&e),
            error: anyhow::Error::new(e).context(format!("failed to fetch `{url}`")),
        };
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let etag = header("etag");
        let last_modified = header("last-modified");
        let retry_after = header("retry-after");
        let addr = resp.remote_addr();
        let debug_headers = resp
            .headers()
            .iter()
            .filter(|(n, _)| DEBUG_HEADERS.contains(&n.as_str()))
            .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v.as_bytes())))
            .collect();
        if status == 401 {
            // What a credential provider may need to answer the challenge.
            let all: Vec<String> = resp
                .headers()
                .iter()
                .map(|(n, v)| {
                    let v = String::from_utf8_lossy(v.as_bytes());
                    format!("{}: {}", header_case(n.as_str()), v.trim())
                })
                .collect();
            if let Ok(mut h) = self.auth_headers.lock() {
                *h = all;
            }
        }
        let expected = resp.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(expected.min(64 << 20) as usize);
        while let Some(chunk) = resp.chunk().await.map_err(transport)? {
            body.extend_from_slice(&chunk);
            if let Some(f) = on_bytes {
                f(body.len() as u64, expected);
            }
        }
        Ok(Fetched {
            status,
            etag,
            last_modified,
            retry_after,
            body,
            addr,
            debug_headers,
        })
    }

    async fn config(self: &Arc<Self>) -> anyhow::Result<Arc<RegistryConfig>> {
        let this = self.clone();
        self.config
            .get_or_init(|| async move {
                this.load_config()
                    .await
                    .map(Arc::new)
                    .map_err(|e| SharedError(Arc::new(e)))
            })
            .await
            .clone()
            .map_err(anyhow::Error::new)
    }

    async fn load_config(&self) -> anyhow::Result<RegistryConfig> {
        if let Some(git) = &self.git {
            return self.load_git_config(git);
        }
        let path = self.index_dir().join("config.json");
        let parse = |data: &[u8], from: &str| -> anyhow::Result<RegistryConfig> {
            serde_json::from_slice(data)
                .with_context(|| format!("failed to parse `config.json` of registry `{from}`"))
        };
        if self.net.offline {
            return match std::fs::read(&path) {
                Ok(data) => parse(&data, &path.display().to_string()),
                Err(_) => Err(anyhow!(OFFLINE_ERROR)),
            };
        }
        let url = format!("{}config.json", self.base);
        let mut headers = vec![
            ("cargo-protocol", "version=1".to_string()),
            ("accept", "text/plain".to_string()),
        ];
        let mut f = self
            .get(&url, &headers, None)
            .await
            .context("download of config.json failed")?;
        if f.status == 401 {
            self.auth_seen.store(true, Ordering::SeqCst);
            headers.push(("authorization", self.auth_header()?));
            f = self
                .get(&url, &headers, None)
                .await
                .context("download of config.json failed")?;
            if f.status == 401
                && let Some(why) = self.token.as_ref().and_then(|t| t.rejected())
            {
                return Err(unauthorized_error(&url, &f).context(why));
            }
        }
        if f.status != 200 {
            return Err(http_error(&url, &f)).context("download of config.json failed");
        }
        let cfg = parse(&f.body, &url)?;
        self.tag_cache_dir();
        if let Err(e) = write_replace(&path, &f.body) {
            self.reporter.warn(&format!("{e:#}"));
        }
        Ok(cfg)
    }

    async fn query_many(
        self: &Arc<Self>,
        names: Vec<String>,
    ) -> anyhow::Result<Vec<Arc<IndexLines>>> {
        let mut set = tokio::task::JoinSet::new();
        let names_by_slot = names.clone();
        for (i, name) in names.into_iter().enumerate() {
            let this = self.clone();
            set.spawn(async move { (i, this.query(&name).await) });
        }
        let mut out: Vec<Option<Arc<IndexLines>>> = Vec::new();
        let mut first_err = None;
        while let Some(joined) = set.join_next().await {
            let (i, r) = joined.context("an index request panicked")?;
            if out.len() <= i {
                out.resize(i + 1, None);
            }
            match r {
                Ok(v) => out[i] = Some(v),
                Err(error) => {
                    let name = names_by_slot.get(i).cloned().unwrap_or_default();
                    first_err.get_or_insert(IndexQueryFailed { name, error });
                }
            }
        }
        if let Some(e) = first_err {
            return Err(e.into());
        }
        Ok(out.into_iter().map(Option::unwrap_or_default).collect())
    }

    async fn query(self: &Arc<Self>, name: &str) -> anyhow::Result<Arc<IndexLines>> {
        let rel = index_path(name);
        let cell = {
            let mut q = self.queries.lock().unwrap_or_else(|e| e.into_inner());
            q.entry(rel.clone()).or_default().clone()
        };
        let this = self.clone();
        cell.get_or_init(|| async move {
            this.load_index_file(&rel)
                .await
                .map(Arc::new)
                .map_err(|e| SharedError(Arc::new(e)))
        })
        .await
        .clone()
        .map_err(anyhow::Error::new)
    }

    async fn load_index_file(self: &Arc<Self>, rel: &str) -> anyhow::Result<IndexLines> {
        if let Some(git) = &self.git {
            return self.load_git_file(git, rel);
        }
        let cache_path = self.index_dir().join(".cache").join(rel);
        // The cache's lines stay where they lie, parsed when a version of
        // theirs is wanted; its index version revalidates them.
        let cached = std::fs::read(&cache_path)
            .ok()
            .and_then(IndexLines::from_cache);
        if self.net.offline || (cached.is_some() && is_fresh(&cache_path)) {
            return Ok(cached.unwrap_or_default());
        }
        let cached_version = cached.as_ref().and_then(IndexLines::index_version);
        let cfg = self.config().await?;
        let url = format!("{}{rel}", self.base);
        let mut headers = vec![
            ("cargo-protocol", "version=1".to_string()),
            ("accept", "text/plain".to_string()),
        ];
        if let Some(v) = &cached_version {
            match v {
                IndexVersion::ETag(e) => headers.push(("if-none-match", e.clone())),
                IndexVersion::LastModified(l) => headers.push(("if-modified-since", l.clone())),
                IndexVersion::Git(_) | IndexVersion::Unknown => {}
            }
        }
        if self.auth_required(&cfg) {
            headers.push(("authorization", self.auth_header()?));
        }
        let f = self
            .get(&url, &headers, None)
            .await
            .with_context(|| format!("download of {rel} failed"))?;
        match f.status {
            200 => {
                let index_version =
                    IndexVersion::from_headers(f.etag.as_deref(), f.last_modified.as_deref());
                let lines = IndexLines::from_index_file(f.body);
                let data = CacheFile::encode_entries(
                    &index_version,
                    lines.raw_lines().map(|(v, line)| (v.to_string(), line)),
                );
                let path = cache_path.clone();
                let written = tokio::task::spawn_blocking(move || write_replace(&path, &data))
                    .await
                    .map_err(|e| anyhow!(e))
                    .and_then(|r| r);
                if let Err(e) = written {
                    self.reporter
                        .warn(&format!("failed to write index cache: {e:#}"));
                }
                mark_fresh(&cache_path);
                Ok(lines)
            }
            304 => match cached {
                Some(lines) => {
                    mark_fresh(&cache_path);
                    Ok(lines)
                }
                None => Err(anyhow!(
                    "server said not modified (HTTP 304) for `{url}` but nothing is cached"
                ))
                .with_context(|| format!("download of {rel} failed")),
            },
            404 | 410 | 451 => {
                let _ = std::fs::remove_file(&cache_path);
                mark_fresh(&cache_path);
                Ok(IndexLines::default())
            }
            401 => Err(unauthorized_error(&url, &f))
                .context(
                    "the registry requires authentication (HTTP 401); \
                     check the token configured for it",
                )
                .with_context(|| format!("download of {rel} failed")),
            _ => Err(http_error(&url, &f)).with_context(|| format!("download of {rel} failed")),
        }
    }

    /// A package of this registry as cargo names it in errors.
    fn shown(&self, name: &str, version: &str) -> String {
        if self.source_id.is_crates_io() {
            format!("{name} v{version}")
        } else {
            format!(
                "{name} v{version} (registry `{}`)",
                self.source_id.display_registry_name()
            )
        }
    }

    /// Fetch a git index, once a process, unless offline.
    fn update_git(&self, git: &GitIndex) -> anyhow::Result<()> {
        if self.net.offline {
            return Ok(());
        }
        self.tag_cache_dir();
        let reporter = self.reporter.clone();
        git.update(&move |m| reporter.warn(m)).map(|_| ())
    }

    /// `config.json` of a git index: from the fetched tree (fetched first
    /// when there is none yet and the network may be used).
    fn load_git_config(&self, git: &GitIndex) -> anyhow::Result<RegistryConfig> {
        let mut blob = git.read("config.json")?;
        if blob.is_none() && !git.is_updated() && !self.net.offline {
            self.update_git(git)?;
            blob = git.read("config.json")?;
        }
        let Some(blob) = blob else {
            if self.net.offline && git.commit_id().is_none() {
                bail!(OFFLINE_ERROR);
            }
            bail!("the registry index `{}` has no `config.json`", self.base);
        };
        serde_json::from_slice(&blob.data)
            .with_context(|| format!("failed to parse `config.json` of registry `{}`", self.base))
    }

    /// One index file of a git index: the `.cache` entry when it was made
    /// from the same blob (or, as older cargo wrote it, the same commit),
    /// else the blob, written to the cache for the next command.
    fn load_git_file(&self, git: &GitIndex, rel: &str) -> anyhow::Result<IndexLines> {
        self.update_git(git)?;
        let cache_path = self.index_dir().join(".cache").join(rel);
        let Some(blob_id) = git.file_id(rel)? else {
            return Ok(IndexLines::default());
        };
        let cached = std::fs::read(&cache_path)
            .ok()
            .and_then(IndexLines::from_cache);
        if let Some(lines) = cached
            && let Some(IndexVersion::Git(v)) = lines.index_version()
            && (*v == blob_id || Some(v) == git.commit_id().as_ref())
        {
            return Ok(lines);
        }
        let Some(blob) = git.read(rel)? else {
            return Ok(IndexLines::default());
        };
        let lines = IndexLines::from_index_file(blob.data);
        let data = CacheFile::encode_entries(
            &IndexVersion::Git(blob.blob_id),
            lines.raw_lines().map(|(v, line)| (v.to_string(), line)),
        );
        if let Err(e) = write_replace(&cache_path, &data) {
            self.reporter
                .warn(&format!("failed to write index cache: {e:#}"));
        }
        Ok(lines)
    }

    async fn download(
        self: Arc<Self>,
        requested: Vec<CrateRequest>,
    ) -> anyhow::Result<Vec<CrateOnDisk>> {
        // Each crate once, however often it was asked for.
        let mut crates: Vec<CrateRequest> = Vec::new();
        let mut slot_of = Vec::with_capacity(requested.len());
        for r in requested {
            match crates
                .iter()
                .position(|c| c.name == r.name && c.version == r.version)
            {
                Some(i) => slot_of.push(i),
                None => {
                    slot_of.push(crates.len());
                    crates.push(r);
                }
            }
        }
        let unique = self.download_unique(crates).await?;
        Ok(slot_of.into_iter().map(|i| unique[i].clone()).collect())
    }

    async fn download_unique(
        self: Arc<Self>,
        crates: Vec<CrateRequest>,
    ) -> anyhow::Result<Vec<CrateOnDisk>> {
        let src_root = self.src_root();
        let cache_dir = self.crate_cache_dir();
        let mut results: Vec<Option<CrateOnDisk>> = vec![None; crates.len()];
        let mut to_fetch = Vec::new();
        let mut to_unpack = Vec::new();
        for (i, c) in crates.iter().enumerate() {
            let base = format!("{}-{}", c.name, c.version);
            let on_disk = CrateOnDisk {
                name: c.name.clone(),
                version: c.version.clone(),
                crate_file: cache_dir.join(format!("{base}.crate")),
                src_dir: src_root.join(&base),
                downloaded: false,
            };
            if unpack::is_unpacked(&on_disk.src_dir) {
                results[i] = Some(on_disk);
            } else if crate::checksum::sha256_file(&on_disk.crate_file)
                .is_ok_and(|sum| sum.eq_ignore_ascii_case(&c.cksum))
            {
                to_unpack.push((i, on_disk));
            } else {
                to_fetch.push((i, c.clone(), on_disk));
            }
        }

        // Cached `.crate`s: unpack only.
        for (i, on_disk) in to_unpack {
            let d = on_disk.clone();
            let root = src_root.clone();
            let shown = self.shown(&d.name, &d.version.to_string());
            tokio::task::spawn_blocking(move || {
                unpack_cached(
                    &d.crate_file,
                    &root,
                    &d.name,
                    &d.version.to_string(),
                    &shown,
                )
            })
            .await
            .map_err(|e| anyhow!(e))??;
            results[i] = Some(on_disk);
        }

        if !to_fetch.is_empty() {
            if self.net.offline {
                bail!(OFFLINE_ERROR);
            }
            let cfg = self.config().await?;
            let auth = if self.auth_required(&cfg) {
                Some(self.auth_header()?)
            } else {
                None
            };
            let count = to_fetch.len();
            self.reporter.download(&DownloadEvent::Begin { count });
            let progress = Arc::new(Progress {
                count,
                done: AtomicUsize::new(0),
                received: Mutex::new(HashMap::new()),
                total_bytes: AtomicU64::new(0),
            });
            let start = Instant::now();
            // Crates on disk (a `file://` registry) are read one at a time,
            // last package id first: the order cargo's transfers of local
            // files finish in, so `Downloaded` lines come as cargo's do.
            let mut to_fetch = to_fetch;
            let local = to_fetch.iter().all(|(_, c, _)| {
                expand_dl(&cfg.dl, &c.name, &c.version.to_string(), &c.cksum).starts_with("file:")
            });
            if local {
                to_fetch.sort_by(|a, b| (&b.1.name, &b.1.version).cmp(&(&a.1.name, &a.1.version)));
            }
            let mut set = tokio::task::JoinSet::new();
            for (i, c, on_disk) in to_fetch {
                let this = self.clone();
                let url = expand_dl(&cfg.dl, &c.name, &c.version.to_string(), &c.cksum);
                let auth = auth.clone();
                let progress = progress.clone();
                let root = src_root.clone();
                let fetch = async move {
                    let r = this
                        .fetch_crate(i, &c, &url, auth, &on_disk, &root, &progress)
                        .await;
                    (i, r.map(|()| on_disk))
                };
                if local {
                    let done = fetch.await;
                    set.spawn(async move { done });
                } else {
                    set.spawn(fetch);
                }
            }
            let mut first_err = None;
            while let Some(joined) = set.join_next().await {
                let (i, r) = joined.context("a download panicked")?;
                match r {
                    Ok(mut d) => {
                        d.downloaded = true;
                        results[i] = Some(d);
                    }
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            if let Some(e) = first_err {
                return Err(e);
            }
            self.reporter.download(&DownloadEvent::Done {
                count,
                bytes: progress.total_bytes.load(Ordering::SeqCst),
                elapsed: start.elapsed(),
            });
        }
        results
            .into_iter()
            .map(|r| r.ok_or_else(|| anyhow!("internal error: a download result is missing")))
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    async fn fetch_crate(
        self: &Arc<Self>,
        slot: usize,
        c: &CrateRequest,
        url: &str,
        auth: Option<String>,
        on_disk: &CrateOnDisk,
        src_root: &Path,
        progress: &Arc<Progress>,
    ) -> anyhow::Result<()> {
        let version = c.version.to_string();
        self.reporter.download(&DownloadEvent::Started {
            name: c.name.clone(),
            version: version.clone(),
        });
        let mut headers = Vec::new();
        if let Some(a) = auth {
            headers.push(("authorization", a));
        }
        let reporter = self.reporter.clone();
        let p = progress.clone();
        let on_bytes = move |got: u64, expected: u64| {
            let (received, exp) = p.update(slot, got, expected);
            reporter.download(&DownloadEvent::Progress {
                done: p.done.load(Ordering::SeqCst),
                count: p.count,
                received,
                expected: exp,
            });
        };
        let in_transit = |e: anyhow::Error| TransferFailed {
            error: e.context(format!("failed to download from `{url}`")),
        };
        let f = self
            .get(url, &headers, Some(&on_bytes))
            .await
            .map_err(in_transit)?;
        if f.status != 200 {
            // A crate file missing on disk: curl's words, as cargo shows them.
            if let Some(path) = url
                .starts_with("file:")
                .then(|| url::Url::parse(url).ok()?.to_file_path().ok())
                .flatten()
            {
                return Err(in_transit(anyhow!(
                    "[37] Couldn't read a file:// file (Couldn't open file {})",
                    path.display()
                ))
                .into());
            }
            return Err(in_transit(http_error(url, &f)).into());
        }
        let bytes = f.body.len() as u64;
        // Downloaded is said once the transfer is complete, before the
        // checks (as cargo says it).
        progress.done.fetch_add(1, Ordering::SeqCst);
        progress.total_bytes.fetch_add(bytes, Ordering::SeqCst);
        self.reporter.download(&DownloadEvent::Finished {
            name: c.name.clone(),
            version: version.clone(),
            bytes,
        });
        if !sha256_hex(&f.body).eq_ignore_ascii_case(&c.cksum) {
            // cargo names the package with its source (`registry `x``).
            let from = if self.source_id.is_crates_io() {
                String::new()
            } else {
                format!(" (registry `{}`)", self.source_id.display_registry_name())
            };
            bail!(
                "failed to verify the checksum of `{} v{version}{from}`",
                c.name
            );
        }
        // The body goes to the cache at once (memory holds only what is in
        // transit); unpacking, which takes a thread and its buffers each,
        // runs a few at a time.
        let path = on_disk.crate_file.clone();
        let body = f.body;
        let target = path.clone();
        tokio::task::spawn_blocking(move || write_replace(&target, &body))
            .await
            .map_err(|e| anyhow!(e))??;
        let _unpacking = self.unpacks.acquire().await.map_err(|e| anyhow!(e))?;
        let root = src_root.to_path_buf();
        let shown = self.shown(&c.name, &version);
        let (name, v2) = (c.name.clone(), version);
        tokio::task::spawn_blocking(move || unpack_cached(&path, &root, &name, &v2, &shown))
            .await
            .map_err(|e| anyhow!(e))??;
        Ok(())
    }
}

/// A `file://` URL answered as curl answers it for cargo: the file's bytes
/// with 200, or 404 when it cannot be read (registries on disk, the
/// `dl` of a `file://` index).
fn read_file_url(url: &str, on_bytes: Option<&(dyn Fn(u64, u64) + Send + Sync)>) -> Fetched {
    let read = url::Url::parse(url)
        .ok()
        .and_then(|u| u.to_file_path().ok())
        .and_then(|p| std::fs::read(p).ok());
    let (status, body) = match read {
        Some(body) => (200, body),
        None => (404, Vec::new()),
    };
    if let Some(f) = on_bytes {
        f(body.len() as u64, body.len() as u64);
    }
    Fetched {
        status,
        etag: None,
        last_modified: None,
        retry_after: None,
        body,
        addr: None,
        debug_headers: Vec::new(),
    }
}

/// Byte counts of the downloads of one call.
struct Progress {
    count: usize,
    done: AtomicUsize,
    /// Per download: (received, expected).
    received: Mutex<HashMap<usize, (u64, u64)>>,
    total_bytes: AtomicU64,
}

impl Progress {
    fn update(&self, slot: usize, got: u64, expected: u64) -> (u64, u64) {
        let mut m = self.received.lock().unwrap_or_else(|e| e.into_inner());
        m.insert(slot, (got, expected.max(got)));
        m.values().fold((0, 0), |(a, b), (r, e)| (a + r, b + e))
    }
}

struct AttemptError {
    error: anyhow::Error,
    spurious: bool,
}

/// Unpack a `.crate` (one that cannot be unpacked stays in the cache, as
/// cargo leaves it: its checksum matched the index, so downloading it
/// again would bring the same bytes).
fn unpack_cached(
    crate_file: &Path,
    src_root: &Path,
    name: &str,
    version: &str,
    shown: &str,
) -> anyhow::Result<()> {
    unpack::unpack_shown_as(crate_file, src_root, name, version, shown).map(|_| ())
}
