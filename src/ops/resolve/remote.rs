//! [`RemoteIndex`] over registry sources: one client per source. Sparse
//! registries have their index files fetched in parallel batches and
//! `.crate`s downloaded and unpacked into cargo's shared cache; local
//! registries are read from disk and unpacked there too; directory
//! sources (vendored crates) are used where they are.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::bail;
use mycargo_core::source_id::SourceKind;
use mycargo_core::source_id::{CRATES_IO_HTTP_INDEX, parse_url};
use mycargo_core::{PackageId, SourceId};
use mycargo_sources::directory::DirectorySource;
use mycargo_sources::index::IndexLines;
use mycargo_sources::index::summary::IndexSummary;
use mycargo_sources::local::LocalRegistry;
use mycargo_sources::net::NetConfig;
use mycargo_sources::source_map::SourceMap;
use mycargo_sources::sparse::{CrateOnDisk, CrateRequest, DownloadEvent, Reporter, SparseRegistry};

use super::registry::RemoteIndex;
use crate::context::GlobalContext;

/// What the network side reports, kept until the shell can print it
/// (the clients run on other threads); lock waits go out at once.
/// `Downloaded N crates (X) in Ys`: how many, how many bytes, how long.
pub type DownloadTotals = (usize, u64, std::time::Duration);

#[derive(Default)]
struct Events {
    warnings: Mutex<Vec<String>>,
    finished: Mutex<Vec<(String, String)>>,
    done: Mutex<Option<DownloadTotals>>,
    /// The `Downloading` bar, when the shell draws progress bars.
    bar: Option<Bar>,
}

/// cargo's download bar: `Downloading [===>   ] 3/10: 7 crates, remaining
/// bytes: 1.2MiB`, first drawn half a second into the downloads, then at
/// most ten times a second; drawn from the network threads.
struct Bar {
    /// `Downloading`, padded and painted.
    status: String,
    width: usize,
    state: Mutex<BarState>,
}

#[derive(Default)]
struct BarState {
    began: Option<std::time::Instant>,
    drawn: Option<std::time::Instant>,
}

impl Bar {
    fn draw(&self, done: usize, count: usize, remaining: u64) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let now = std::time::Instant::now();
        let began = *st.began.get_or_insert(now);
        let due = match st.drawn {
            None => now.duration_since(began) >= std::time::Duration::from_millis(500),
            Some(last) => now.duration_since(last) >= std::time::Duration::from_millis(100),
        };
        if !due {
            return;
        }
        let pending = count.saturating_sub(done);
        let mut msg = format!("{pending} crate{}", if pending == 1 { "" } else { "s" });
        if remaining > 0 {
            msg.push_str(&format!(
                ", remaining bytes: {}",
                mycargo_util::bytes::human_bytes_fixed(remaining)
            ));
        }
        let line =
            mycargo_util::shell::render_progress(&self.status, done, count, &msg, self.width);
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[K{line}");
        let _ = err.flush();
        st.drawn = Some(now);
    }

    /// Remove the bar (before the next line of output) and start anew.
    fn clear(&self) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        if st.drawn.take().is_some() {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
        st.began = None;
    }
}

impl Reporter for Events {
    fn warn(&self, message: &str) {
        if let Ok(mut w) = self.warnings.lock() {
            w.push(message.to_string());
        }
    }

    fn blocking(&self, message: &str) {
        let _ = writeln!(std::io::stderr(), "{:>12} {message}", "Blocking");
    }

    fn download(&self, event: &DownloadEvent) {
        if let (
            Some(bar),
            DownloadEvent::Progress {
                done,
                count,
                received,
                expected,
            },
        ) = (&self.bar, event)
        {
            bar.draw(*done, *count, expected.saturating_sub(*received));
        }
        match event {
            DownloadEvent::Finished { name, version, .. } => {
                if let Ok(mut f) = self.finished.lock() {
                    f.push((name.clone(), version.clone()));
                }
            }
            DownloadEvent::Done {
                count,
                bytes,
                elapsed,
            } => {
                if let Ok(mut d) = self.done.lock() {
                    *d = Some((*count, *bytes, *elapsed));
                }
            }
            _ => {}
        }
    }
}

/// The client of one source.
enum Client {
    Sparse(SparseRegistry),
    Local(Box<LocalRegistry>),
    Directory(DirectorySource),
}

impl Client {
    fn query_many(&self, names: &[&str]) -> anyhow::Result<Vec<Arc<IndexLines>>> {
        match self {
            Client::Sparse(c) => c.query_many(names),
            Client::Local(c) => c.query_many(names),
            Client::Directory(c) => Ok(names.iter().map(|n| c.query(n)).collect()),
        }
    }

    /// Reached over the network by the next query (announced with
    /// `Updating ... index`): a git index only the first time a process
    /// asks.
    fn will_fetch(&self) -> bool {
        matches!(self, Client::Sparse(c) if c.will_fetch())
    }
}

/// Sources a command announced for the rest of the process (`install`
/// announces its registry again as its build starts, as cargo does; the
/// build's resolve then says nothing more of it).
static ANNOUNCED_FOR_PROCESS: std::sync::Mutex<BTreeSet<SourceId>> =
    std::sync::Mutex::new(BTreeSet::new());

pub struct Remotes {
    cargo_home: PathBuf,
    net: NetConfig,
    /// The command's own offline setting (`net.offline` may be forced on
    /// for a cache-only resolve).
    offline: bool,
    clients: HashMap<SourceId, Client>,
    lines: HashMap<(SourceId, String), Arc<IndexLines>>,
    /// Cache-only clients and what they read (the warm-start guess).
    cache_clients: HashMap<SourceId, Client>,
    cached: HashMap<(SourceId, String), Arc<IndexLines>>,
    tokens: HashMap<SourceId, Result<Option<Arc<dyn mycargo_sources::TokenSource>>, String>>,
    events: Arc<Events>,
    /// Sources announced with `Updating ... index`.
    announced: BTreeSet<SourceId>,
    /// `Updating` lines not yet shown (shared with credential providers,
    /// which show them before they run).
    pending_status: Arc<Mutex<Vec<String>>>,
    /// cargo's local overlays (`GlobalContext::local_overlays`): by the
    /// registry they add to, a local registry of packages not published
    /// yet, answered with that registry's own packages.
    overlays: HashMap<SourceId, LocalRegistry>,
    /// Whether any source has an overlay.
    with_overlays: bool,
    /// The sources overlaid through cargo's test hook: named by their URL
    /// in `Updating` and `Downloaded` lines, as cargo's wrapped source is
    /// (`package`'s own overlay keeps the registry's name).
    named_by_url: std::collections::HashSet<SourceId>,
    /// `-Z no-index-update`: indexes are read as cached.
    no_index_update: bool,
}

impl Remotes {
    /// `cache_only`: answer from the on-disk index cache (a build whose
    /// lock file already pins everything needs no network).
    pub fn new(gctx: &GlobalContext, cache_only: bool) -> anyhow::Result<Remotes> {
        let mut net = NetConfig::from_config(&gctx.config, gctx.args.offline || gctx.args.frozen)?;
        let offline = net.offline;
        net.offline |= cache_only;
        let mut overlays = gctx.local_overlays.clone();
        let mut named_by_url = std::collections::HashSet::new();
        // cargo's test hook: a local registry laid over a source's index.
        if let Some(v) = gctx
            .env
            .get("__CARGO_TEST_DEPENDENCY_CONFUSION_VULNERABILITY_DO_NOT_USE_THIS")
        {
            let (url, path) = v.split_once('=').ok_or_else(|| {
                anyhow::anyhow!(
                    "invalid overlay format. I won't tell you why; you shouldn't be using it anyway"
                )
            })?;
            let source = SourceId::from_url(url)?;
            named_by_url.insert(source.clone());
            overlays.push((source, PathBuf::from(path)));
        }
        Ok(Remotes {
            cargo_home: gctx.config.cargo_home().to_path_buf(),
            net,
            offline,
            clients: HashMap::new(),
            lines: HashMap::new(),
            cache_clients: HashMap::new(),
            cached: HashMap::new(),
            tokens: HashMap::new(),
            events: Arc::new(Events {
                bar: gctx.shell.progress_enabled().then(|| Bar {
                    status: gctx.shell.progress_status("Downloading"),
                    width: gctx
                        .shell
                        .progress_width()
                        .or_else(|| gctx.env.get("COLUMNS").and_then(|c| c.parse().ok()))
                        .unwrap_or(80),
                    state: Mutex::default(),
                }),
                ..Events::default()
            }),
            announced: BTreeSet::new(),
            pending_status: Arc::default(),
            with_overlays: !overlays.is_empty(),
            named_by_url,
            no_index_update: gctx.unstable.no_index_update,
            overlays: overlays
                .iter()
                .map(|(upstream, dir)| {
                    let id = SourceId::for_local_registry(dir)?;
                    Ok((
                        upstream.clone(),
                        LocalRegistry::new(&id, gctx.config.cargo_home())?,
                    ))
                })
                .collect::<anyhow::Result<_>>()?,
        })
    }

    pub fn is_offline(&self) -> bool {
        self.net.offline
    }

    /// After a resolve the index cache answered alone: downloads may use
    /// the network again, unless the command itself is offline. The index
    /// lines already loaded are kept; clients are made anew.
    pub fn allow_network(&mut self) {
        if self.net.offline != self.offline {
            self.net.offline = self.offline;
            self.clients.clear();
        }
    }

    /// Tokens for registries that need one: `registries.<name>.token` or
    /// `registry.token` for crates.io (and their environment forms), or
    /// why none may be sent.
    /// Whether `source`'s token source is settled.
    pub fn has_token(&self, source: &SourceId) -> bool {
        self.tokens.contains_key(source)
    }

    pub fn set_token(
        &mut self,
        source: &SourceId,
        token: Result<Option<Arc<dyn mycargo_sources::TokenSource>>, String>,
    ) {
        self.tokens.insert(source.clone(), token);
    }

    fn make_client(&self, source: &SourceId, net: NetConfig) -> anyhow::Result<Client> {
        match source.kind() {
            SourceKind::LocalRegistry => {
                return Ok(Client::Local(Box::new(LocalRegistry::new(
                    source,
                    &self.cargo_home,
                )?)));
            }
            SourceKind::Directory => {
                return Ok(Client::Directory(DirectorySource::load(
                    source,
                    &self.cargo_home,
                )?));
            }
            _ => {}
        }
        // crates.io is reached through its sparse index, as cargo does.
        let fetch_id = if source.is_real_crates_io() {
            SourceId::for_registry(&parse_url(CRATES_IO_HTTP_INDEX)?)
        } else {
            // A sparse index, or a git one (read from its fetched tree).
            source.clone()
        };
        let token = self.tokens.get(source).cloned().unwrap_or(Ok(None));
        let client = SparseRegistry::with_token_source(
            &fetch_id,
            &self.cargo_home,
            net,
            token.clone().unwrap_or_default(),
            self.events.clone(),
        )?;
        if let Err(why) = token {
            client.refuse_auth(why);
        }
        Ok(Client::Sparse(client))
    }

    fn client(&mut self, source: &SourceId) -> anyhow::Result<&Client> {
        if !self.clients.contains_key(source) {
            let client = self.make_client(source, self.net.clone())?;
            self.clients.insert(source.clone(), client);
        }
        self.clients
            .get(source)
            .ok_or_else(|| anyhow::anyhow!("no client for `{source}`"))
    }

    fn cache_client(&mut self, source: &SourceId) -> anyhow::Result<&Client> {
        if !matches!(
            source.kind(),
            SourceKind::Registry | SourceKind::SparseRegistry
        ) {
            // Sources on disk have no cache apart from themselves.
            return self.client(source);
        }
        if !self.cache_clients.contains_key(source) {
            let mut net = self.net.clone();
            net.offline = true;
            let client = self.make_client(source, net)?;
            self.cache_clients.insert(source.clone(), client);
        }
        self.cache_clients
            .get(source)
            .ok_or_else(|| anyhow::anyhow!("no client for `{source}`"))
    }

    /// The sources fetched from (for `Updating <source> index` lines).
    pub fn take_status(&mut self) -> Vec<String> {
        self.pending_status
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default()
    }

    /// The `Updating` lines waiting to be shown.
    pub fn pending_status(&self) -> Arc<Mutex<Vec<String>>> {
        self.pending_status.clone()
    }

    /// Warnings the clients reported (spurious network errors, ...).
    pub fn take_warnings(&mut self) -> Vec<String> {
        self.events
            .warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    /// Whether any of `crates` must come over the network (cargo then
    /// announces `Downloading crates ...`).
    pub fn any_missing(
        &mut self,
        source: &SourceId,
        crates: &[CrateRequest],
    ) -> anyhow::Result<bool> {
        let crates: Vec<&CrateRequest> = crates
            .iter()
            .filter(|c| !self.overlaid(source, c))
            .collect();
        let Client::Sparse(client) = self.client(source)? else {
            return Ok(false);
        };
        // A `.crate` in the cache is only unpacked again, not downloaded.
        let root = client.src_dir();
        let cache = client.crate_cache_dir();
        Ok(crates.iter().any(|c| {
            let base = format!("{}-{}", c.name, c.version);
            !mycargo_sources::unpack::is_unpacked(&root.join(&base))
                && !std::fs::metadata(cache.join(format!("{base}.crate")))
                    .is_ok_and(|m| m.len() > 0)
        }))
    }

    /// Ask `source`'s credential providers now if its downloads need a
    /// token (before `Downloading` is announced, as cargo's order goes).
    pub fn prepare_download_auth(&mut self, source: &SourceId) -> anyhow::Result<()> {
        if let Client::Sparse(client) = self.client(source)? {
            client.prepare_download_auth()?;
        }
        Ok(())
    }

    /// Make `crates` of `source` available on disk: downloaded and
    /// unpacked, unpacked from a local registry (`status` gets cargo's
    /// `Unpacking` lines), or found in a directory source.
    pub fn download(
        &mut self,
        source: &SourceId,
        crates: &[CrateRequest],
        status: &mut dyn FnMut(&str, String) -> anyhow::Result<()>,
    ) -> anyhow::Result<Vec<CrateOnDisk>> {
        if crates.is_empty() {
            return Ok(Vec::new());
        }
        if self.overlays.contains_key(source) && crates.iter().any(|c| self.overlaid(source, c)) {
            return self.download_overlaid(source, crates, status);
        }
        let events = self.events.clone();
        match self.client(source)? {
            Client::Sparse(client) => {
                let result = client.download(crates);
                if let Some(bar) = &events.bar {
                    bar.clear();
                }
                result
            }
            Client::Local(local) => {
                let _lock = local.lock_package_cache(&|m| events.blocking(m))?;
                let mut out = Vec::with_capacity(crates.len());
                for c in crates {
                    let shown = format!("{} v{} ({source})", c.name, c.version);
                    if local.needs_unpack(c) {
                        status("Unpacking", shown.clone())?;
                    }
                    out.push(local.unpack(c, &shown)?);
                }
                Ok(out)
            }
            Client::Directory(dir) => crates
                .iter()
                .map(|c| {
                    let pkg = dir.package(&c.name, &c.version).ok_or_else(|| {
                        anyhow::anyhow!(
                            "failed to find entry for `{} v{}` in directory source",
                            c.name,
                            c.version
                        )
                    })?;
                    Ok(CrateOnDisk {
                        name: c.name.clone(),
                        version: c.version.clone(),
                        crate_file: std::path::PathBuf::new(),
                        src_dir: pkg.dir.clone(),
                        downloaded: false,
                    })
                })
                .collect(),
        }
    }

    /// Announce `source` (`Updating ... index`) once more if it is
    /// reached over the network, and for the rest of the process: cargo's
    /// install does so as its build starts.
    pub fn announce_for_process(&mut self, source: &SourceId) -> Option<String> {
        let remote = self.client(source).ok()?.will_fetch();
        if !remote || self.net.offline {
            return None;
        }
        if let Ok(mut set) = ANNOUNCED_FOR_PROCESS.lock() {
            set.insert(source.clone());
        }
        Some(SourceMap::describe(source))
    }

    /// Where `name`-`version` of `source` is unpacked in the shared cache,
    /// when it already is (registries with an index only).
    pub fn unpacked(
        &mut self,
        source: &SourceId,
        name: &str,
        version: &semver::Version,
    ) -> Option<PathBuf> {
        let Client::Sparse(client) = self.client(source).ok()? else {
            return None;
        };
        let dir = client.src_dir().join(format!("{name}-{version}"));
        mycargo_sources::unpack::is_unpacked(&dir).then_some(dir)
    }

    /// The `.cargo-checksum.json` of the crates in `used` a directory
    /// source served (checked before the crate is compiled), by directory.
    pub fn directory_checksums(
        &self,
        used: &BTreeSet<&std::path::PathBuf>,
    ) -> BTreeMap<std::path::PathBuf, mycargo_sources::directory::ChecksumFile> {
        let mut out = BTreeMap::new();
        for client in self.clients.values() {
            if let Client::Directory(dir) = client {
                for p in dir.packages().iter().filter(|p| used.contains(&p.dir)) {
                    out.insert(p.dir.clone(), p.checksums.clone());
                }
            }
        }
        out
    }

    /// The `Downloaded` lines and the summary of the downloads so far.
    /// The downloads finished so far, leaving the totals for the end.
    /// Whether `source` is overlaid through cargo's test hook (and so
    /// named by its URL).
    pub fn is_named_by_url(&self, source: &SourceId) -> bool {
        self.named_by_url.contains(source)
    }

    pub fn take_finished(&mut self) -> Vec<(String, String)> {
        self.events
            .finished
            .lock()
            .map(|mut f| std::mem::take(&mut *f))
            .unwrap_or_default()
    }

    pub fn take_downloaded(&mut self) -> (Vec<(String, String)>, Option<DownloadTotals>) {
        let f = self
            .events
            .finished
            .lock()
            .map(|mut f| std::mem::take(&mut *f))
            .unwrap_or_default();
        let d = self.events.done.lock().ok().and_then(|mut d| d.take());
        (f, d)
    }
}

/// Local overlays (cargo's `DependencyConfusionThreatOverlaySource`): the
/// overlay's versions come first and hide the registry's of the same
/// version; its packages are unpacked from the overlay.
impl Remotes {
    /// The overlay's lines of `name` for `source` (none without one).
    fn overlay_lines(&self, source: &SourceId, name: &str) -> anyhow::Result<Vec<IndexSummary>> {
        let Some(overlay) = self.overlays.get(source) else {
            return Ok(Vec::new());
        };
        let mut found = overlay.query_many(&[name])?;
        Ok(found
            .pop()
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default())
    }

    /// Whether the overlay of `source` serves `c`.
    fn overlaid(&self, source: &SourceId, c: &CrateRequest) -> bool {
        self.overlay_lines(source, &c.name).is_ok_and(|lines| {
            lines
                .iter()
                .any(|l| l.version == c.version && l.cksum == c.cksum)
        })
    }

    /// [`RemoteIndex::load`] (or `load_cached`) of a source with an
    /// overlay. Reading from the cache only, a name only the overlay has
    /// asks for the network, as cargo then asks the registry for it.
    fn load_overlaid(
        &mut self,
        source: &SourceId,
        names: &BTreeSet<String>,
        cached: bool,
    ) -> anyhow::Result<()> {
        let overlay = self.overlays.remove(source);
        let result = match cached {
            true => self.load_cached(source, names),
            false => self.load(source, names),
        };
        let Some(overlay) = overlay else {
            return result;
        };
        self.overlays.insert(source.clone(), overlay);
        result?;
        let cache_only = self.net.offline && !self.offline;
        let mut unknown_upstream = false;
        for name in names {
            let mine = self.overlay_lines(source, name)?;
            if mine.is_empty() {
                continue;
            }
            let key = (source.clone(), name.to_string());
            let table = if cached {
                &mut self.cached
            } else {
                &mut self.lines
            };
            let theirs = table.get(&key).cloned().unwrap_or_default();
            unknown_upstream |= theirs.is_empty();
            let mut merged = mine.clone();
            merged.extend(
                theirs
                    .matching(|v| !mine.iter().any(|m| &m.version == v))
                    .cloned(),
            );
            table.insert(key, Arc::new(IndexLines::from_parsed(merged)));
        }
        if cache_only && !cached && unknown_upstream && source.is_remote() {
            bail!("the index cache does not know every package of the overlay");
        }
        Ok(())
    }

    /// Unpack, in package order, the overlay's packages that come before
    /// the first package to download (cargo goes through the packages in
    /// order: those are `Unpacking` before its `Downloading crates ...`).
    pub fn unpack_overlays_first(
        &mut self,
        by_source: &BTreeMap<SourceId, Vec<(PackageId, CrateRequest)>>,
        status: &mut dyn FnMut(&str, String) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if self.overlays.is_empty() {
            return Ok(());
        }
        let mut all: Vec<(&PackageId, &SourceId, &CrateRequest)> = by_source
            .iter()
            .flat_map(|(s, reqs)| reqs.iter().map(move |(id, r)| (id, s, r)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        for (_, source, req) in all {
            if self.overlaid(source, req) {
                self.download_overlaid(source, std::slice::from_ref(req), status)?;
            } else if self.any_missing(source, std::slice::from_ref(req))? {
                break;
            }
        }
        Ok(())
    }

    /// [`Remotes::download`] when some of `crates` come from the overlay:
    /// those are unpacked from it (cargo's `Unpacking` lines), the others
    /// fetched from the registry.
    fn download_overlaid(
        &mut self,
        source: &SourceId,
        crates: &[CrateRequest],
        status: &mut dyn FnMut(&str, String) -> anyhow::Result<()>,
    ) -> anyhow::Result<Vec<CrateOnDisk>> {
        type Numbered<'c> = Vec<(usize, &'c CrateRequest)>;
        let (mine, theirs): (Numbered<'_>, Numbered<'_>) = crates
            .iter()
            .enumerate()
            .partition(|(_, c)| self.overlaid(source, c));
        let mut out: Vec<Option<CrateOnDisk>> = vec![None; crates.len()];
        if let Some(overlay) = self.overlays.get(source) {
            let events = self.events.clone();
            let _lock = overlay.lock_package_cache(&|m| events.blocking(m))?;
            for (i, c) in &mine {
                let shown = format!("{} v{} ({})", c.name, c.version, overlay.source_id());
                if overlay.needs_unpack(c) {
                    status("Unpacking", shown.clone())?;
                }
                out[*i] = Some(overlay.unpack(c, &shown)?);
            }
        }
        let rest: Vec<CrateRequest> = theirs.iter().map(|(_, c)| (*c).clone()).collect();
        let overlay = self.overlays.remove(source);
        let fetched = self.download(source, &rest, status);
        if let Some(overlay) = overlay {
            self.overlays.insert(source.clone(), overlay);
        }
        for ((i, _), disk) in theirs.iter().zip(fetched?) {
            out[*i] = Some(disk);
        }
        out.into_iter()
            .map(|d| d.ok_or_else(|| anyhow::anyhow!("a package of the overlay was not unpacked")))
            .collect()
    }
}

impl RemoteIndex for Remotes {
    fn load(&mut self, source: &SourceId, names: &BTreeSet<String>) -> anyhow::Result<()> {
        if self.overlays.contains_key(source) {
            return self.load_overlaid(source, names, false);
        }
        if self.no_index_update && source.is_remote() {
            self.load_cached(source, names)?;
            for name in names {
                let key = (source.clone(), name.to_string());
                let lines = self.cached.get(&key).cloned().unwrap_or_default();
                self.lines.insert(key, lines);
            }
            return Ok(());
        }
        let todo: Vec<&str> = names
            .iter()
            .filter(|n| !self.lines.contains_key(&(source.clone(), n.to_string())))
            .map(String::as_str)
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        let offline = self.net.offline;
        // Offline, the answer is the on-disk cache the walk already read:
        // reuse it rather than reading and holding every file twice (not
        // with overlays, whose merged answers are not the cache's).
        let todo: Vec<&str> = if offline && !self.with_overlays {
            let mut rest = Vec::new();
            for name in todo {
                let key = (source.clone(), name.to_string());
                match self.cached.get(&key) {
                    Some(lines) if !lines.is_empty() => {
                        let lines = lines.clone();
                        self.lines.insert(key, lines);
                    }
                    _ => rest.push(name),
                }
            }
            rest
        } else {
            todo
        };
        if todo.is_empty() {
            return Ok(());
        }
        let remote = self.client(source)?.will_fetch();
        let said_for_process = ANNOUNCED_FOR_PROCESS
            .lock()
            .is_ok_and(|set| set.contains(source));
        if remote
            && !offline
            && !said_for_process
            && self.announced.insert(source.clone())
            && let Ok(mut p) = self.pending_status.lock()
        {
            // An overlaid source is named as the overlay names it (cargo
            // wraps it in a source of its own).
            p.push(if self.named_by_url.contains(source) {
                format!("`{}` index", source.as_url())
            } else {
                SourceMap::describe(source)
            });
        }
        let found = self.client(source)?.query_many(&todo)?;
        for (name, lines) in todo.iter().zip(found) {
            self.lines.insert((source.clone(), name.to_string()), lines);
        }
        Ok(())
    }

    fn load_cached(&mut self, source: &SourceId, names: &BTreeSet<String>) -> anyhow::Result<()> {
        if self.overlays.contains_key(source) {
            return self.load_overlaid(source, names, true);
        }
        let todo: Vec<&str> = names
            .iter()
            .filter(|n| !self.cached.contains_key(&(source.clone(), n.to_string())))
            .map(String::as_str)
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        // A cache that cannot be read is only a worse guess.
        let Ok(found) = self.cache_client(source).and_then(|c| c.query_many(&todo)) else {
            return Ok(());
        };
        for (name, lines) in todo.iter().zip(found) {
            self.cached
                .insert((source.clone(), name.to_string()), lines);
        }
        Ok(())
    }

    fn all_names(&mut self, source: &SourceId) -> Vec<String> {
        match self.client(source) {
            Ok(Client::Directory(dir)) => dir
                .packages()
                .iter()
                .map(|p| p.summary.name.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    fn offline_downloaded(
        &mut self,
        source: &SourceId,
        name: &str,
        version: &semver::Version,
    ) -> Option<bool> {
        if !self.offline {
            return None;
        }
        match self.client(source).ok()? {
            Client::Sparse(c) => {
                let file = c.crate_cache_dir().join(format!("{name}-{version}.crate"));
                Some(std::fs::metadata(file).is_ok_and(|m| m.len() > 0))
            }
            Client::Local(_) | Client::Directory(_) => None,
        }
    }

    fn cached_versions(&self, source: &SourceId, name: &str) -> Arc<IndexLines> {
        self.cached
            .get(&(source.clone(), name.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    fn versions(&self, source: &SourceId, name: &str) -> Arc<IndexLines> {
        self.lines
            .get(&(source.clone(), name.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}
