//! Where a package comes from: a path, a registry (git-index or sparse), a
//! git repository at some reference, a local registry or a vendored
//! directory. [`SourceId::as_url`] gives the `kind+url` string of lock files
//! and metadata; `Display` gives cargo's human form.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use url::Url;

/// The crates.io git index; the identity of crates.io everywhere.
pub const CRATES_IO_INDEX: &str = "https://github.com/rust-lang/crates.io-index";
/// The crates.io sparse index (how 1.95 reaches it).
pub const CRATES_IO_HTTP_INDEX: &str = "sparse+https://index.crates.io/";
/// The name of the default registry.
pub const CRATES_IO_REGISTRY: &str = "crates-io";

/// Which commit of a git repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GitReference {
    Branch(String),
    Tag(String),
    Rev(String),
    DefaultBranch,
}

impl GitReference {
    /// `branch=x`, `tag=x`, `rev=x`, or `None` for the default branch. With
    /// `url_encoded` the value is percent-encoded as in a URL query.
    pub fn pretty_ref(&self, url_encoded: bool) -> Option<String> {
        let (key, value) = match self {
            GitReference::Branch(b) => ("branch", b),
            GitReference::Tag(t) => ("tag", t),
            GitReference::Rev(r) => ("rev", r),
            GitReference::DefaultBranch => return None,
        };
        let value = if url_encoded {
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
        } else {
            value.clone()
        };
        Some(format!("{key}={value}"))
    }

    /// Read `?branch=`/`?tag=`/`?rev=` from a URL query; the first one wins.
    pub fn from_query<'a>(
        pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
    ) -> GitReference {
        for (k, v) in pairs {
            match &*k {
                "branch" => return GitReference::Branch(v.into_owned()),
                "tag" => return GitReference::Tag(v.into_owned()),
                "rev" => return GitReference::Rev(v.into_owned()),
                _ => {}
            }
        }
        GitReference::DefaultBranch
    }
}

/// In cargo's order (package ids sort by it): path, the registries,
/// directory, git last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    Path,
    /// A registry with a git index.
    Registry,
    /// A registry with a sparse HTTP index (its URL keeps `sparse+`).
    SparseRegistry,
    LocalRegistry,
    Directory,
    Git(GitReference),
}

impl SourceKind {
    /// The `kind+` prefix of [`SourceId::as_url`], if any.
    pub fn protocol(&self) -> Option<&'static str> {
        match self {
            SourceKind::Git(_) => Some("git"),
            SourceKind::Path => Some("path"),
            SourceKind::Registry => Some("registry"),
            SourceKind::SparseRegistry => None,
            SourceKind::LocalRegistry => Some("local-registry"),
            SourceKind::Directory => Some("directory"),
        }
    }
}

/// A package source. Equality ignores `precise` and compares the canonical
/// URL (for git: lower-cased GitHub hosts, no trailing `/` or `.git`).
///
/// Cheap to clone (shared): ids are copied into every dependency, package
/// id and summary the resolver handles.
#[derive(Debug, Clone)]
pub struct SourceId {
    inner: Arc<Inner>,
}

#[derive(Debug, Clone)]
struct Inner {
    url: Url,
    canonical: String,
    kind: SourceKind,
    precise: Option<String>,
    name: Option<String>,
}

/// Errors making a [`SourceId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceIdError {
    #[error("invalid url `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("invalid source `{0}`")]
    InvalidSource(String),
    #[error("unsupported source protocol: {0}")]
    UnsupportedProtocol(String),
    #[error("path `{0}` cannot be made into a file URL")]
    BadPath(String),
}

/// Parse `s` as a URL with cargo's wording on failure.
pub fn parse_url(s: &str) -> Result<Url, SourceIdError> {
    Url::parse(s).map_err(|e| SourceIdError::InvalidUrl {
        url: s.to_string(),
        // scp-like `git@host:path` is not a URL; cargo names the one meant.
        reason: if s.starts_with("git@") {
            format!("{e}; try using `ssh://{}` instead", s.replacen(':', "/", 1))
        } else {
            e.to_string()
        },
    })
}

fn canonicalize_url(url: &Url, kind: &SourceKind) -> String {
    let mut url = url.clone();
    if !matches!(kind, SourceKind::Git(_)) {
        return url.as_str().trim_end_matches('/').to_string();
    }
    url.set_fragment(None);
    url.set_query(None);
    if url.host_str() == Some("github.com") {
        let lower = url.path().to_lowercase();
        url.set_path(&lower);
    }
    let mut s = url.as_str().trim_end_matches('/').to_string();
    if let Some(stripped) = s.strip_suffix(".git") {
        s = stripped.to_string();
    }
    s
}

impl SourceId {
    fn new(kind: SourceKind, url: Url, name: Option<String>) -> SourceId {
        SourceId {
            inner: Arc::new(Inner {
                canonical: canonicalize_url(&url, &kind),
                url,
                kind,
                precise: None,
                name,
            }),
        }
    }

    /// A path source at `path` (which should be absolute).
    pub fn for_path(path: &Path) -> Result<SourceId, SourceIdError> {
        let url = Url::from_directory_path(path)
            .or_else(|()| Url::from_file_path(path))
            .map_err(|()| SourceIdError::BadPath(path.display().to_string()))?;
        // cargo's path URLs carry no trailing slash.
        let mut url = url;
        let p = url.path().trim_end_matches('/').to_string();
        if !p.is_empty() {
            url.set_path(&p);
        }
        Ok(SourceId::new(SourceKind::Path, url, None))
    }

    /// A git source.
    pub fn for_git(url: &Url, reference: GitReference) -> SourceId {
        SourceId::new(SourceKind::Git(reference), url.clone(), None)
    }

    /// A registry by index URL; `sparse+` URLs are sparse registries.
    pub fn for_registry(url: &Url) -> SourceId {
        let kind = if url.scheme().starts_with("sparse+") {
            SourceKind::SparseRegistry
        } else {
            SourceKind::Registry
        };
        SourceId::new(kind, url.clone(), None)
    }

    /// A registry known under `name` in the configuration.
    pub fn for_alt_registry(url: &Url, name: &str) -> SourceId {
        let mut id = SourceId::for_registry(url);
        Arc::make_mut(&mut id.inner).name = Some(name.to_string());
        id
    }

    pub fn for_local_registry(path: &Path) -> Result<SourceId, SourceIdError> {
        let url = Url::from_file_path(path)
            .map_err(|()| SourceIdError::BadPath(path.display().to_string()))?;
        Ok(SourceId::new(SourceKind::LocalRegistry, url, None))
    }

    pub fn for_directory(path: &Path) -> Result<SourceId, SourceIdError> {
        let url = Url::from_file_path(path)
            .map_err(|()| SourceIdError::BadPath(path.display().to_string()))?;
        Ok(SourceId::new(SourceKind::Directory, url, None))
    }

    /// crates.io, identified by its git index URL.
    pub fn crates_io() -> SourceId {
        static CRATES_IO: std::sync::OnceLock<SourceId> = std::sync::OnceLock::new();
        CRATES_IO
            .get_or_init(|| {
                let url = Url::parse(CRATES_IO_INDEX).expect("the crates.io index URL is valid");
                let mut id = SourceId::new(SourceKind::Registry, url, None);
                Arc::make_mut(&mut id.inner).name = Some(CRATES_IO_REGISTRY.to_string());
                id
            })
            .clone()
    }

    /// Parse the `kind+url[?query][#precise]` form of lock files and
    /// metadata (`registry+https://...`, `git+https://...?branch=x#sha`,
    /// `path+file:///...`, `sparse+https://...`).
    pub fn from_url(s: &str) -> Result<SourceId, SourceIdError> {
        let (kind, rest) = s
            .split_once('+')
            .ok_or_else(|| SourceIdError::InvalidSource(s.to_string()))?;
        match kind {
            "git" => {
                let mut url = parse_url(rest)?;
                let reference = GitReference::from_query(url.query_pairs());
                let precise = url.fragment().map(str::to_string);
                url.set_fragment(None);
                url.set_query(None);
                let mut id = SourceId::for_git(&url, reference);
                Arc::make_mut(&mut id.inner).precise = precise;
                Ok(id)
            }
            "registry" => Ok(SourceId::for_registry(&parse_url(rest)?)),
            "sparse" => Ok(SourceId::for_registry(&parse_url(s)?)),
            "path" => Ok(SourceId::new(SourceKind::Path, parse_url(rest)?, None)),
            "local-registry" => Ok(SourceId::new(
                SourceKind::LocalRegistry,
                parse_url(rest)?,
                None,
            )),
            "directory" => Ok(SourceId::new(SourceKind::Directory, parse_url(rest)?, None)),
            other => Err(SourceIdError::UnsupportedProtocol(other.to_string())),
        }
    }

    pub fn url(&self) -> &Url {
        &self.inner.url
    }

    /// The canonical form of the URL used for equality.
    pub fn canonical_url(&self) -> &str {
        &self.inner.canonical
    }

    pub fn kind(&self) -> &SourceKind {
        &self.inner.kind
    }

    pub fn precise(&self) -> Option<&str> {
        self.inner.precise.as_deref()
    }

    /// The configured registry name, if this is a named registry.
    pub fn registry_name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    pub fn with_precise(&self, precise: Option<String>) -> SourceId {
        if self.inner.precise == precise {
            return self.clone();
        }
        SourceId {
            inner: Arc::new(Inner {
                precise,
                ..(*self.inner).clone()
            }),
        }
    }

    pub fn without_precise(&self) -> SourceId {
        self.with_precise(None)
    }

    pub fn is_path(&self) -> bool {
        self.inner.kind == SourceKind::Path
    }

    /// A `local-registry` source (an index and `.crate`s on disk).
    pub fn is_local_registry(&self) -> bool {
        self.inner.kind == SourceKind::LocalRegistry
    }

    /// A `directory` source (unpacked crates, as `vendor` writes them).
    pub fn is_directory(&self) -> bool {
        self.inner.kind == SourceKind::Directory
    }

    pub fn is_git(&self) -> bool {
        matches!(self.inner.kind, SourceKind::Git(_))
    }

    /// A remote registry (git or sparse index).
    pub fn is_registry(&self) -> bool {
        matches!(
            self.inner.kind,
            SourceKind::Registry | SourceKind::SparseRegistry | SourceKind::LocalRegistry
        )
    }

    pub fn is_sparse(&self) -> bool {
        self.inner.kind == SourceKind::SparseRegistry
    }

    /// crates.io, or where cargo's testsuite moved it (see
    /// [`SourceId::set_moved_crates_io`]).
    pub fn is_crates_io(&self) -> bool {
        self.is_real_crates_io()
            || (matches!(
                self.inner.kind,
                SourceKind::Registry | SourceKind::SparseRegistry
            ) && ANY_MOVED_CRATES_IO.load(std::sync::atomic::Ordering::Acquire)
                && MOVED_CRATES_IO
                    .read()
                    .is_ok_and(|m| m.as_deref() == Some(self.inner.canonical.as_str())))
    }

    /// The real crates.io index (git or sparse URL), never a stand-in.
    pub fn is_real_crates_io(&self) -> bool {
        matches!(
            self.inner.kind,
            SourceKind::Registry | SourceKind::SparseRegistry
        ) && (self.inner.canonical == CRATES_IO_INDEX
            || self.inner.canonical == CRATES_IO_HTTP_INDEX.trim_end_matches('/'))
    }

    /// Test-only (cargo's `__CARGO_TEST_CRATES_IO_URL_DO_NOT_USE_THIS`):
    /// the registry at `id` stands for crates.io in this process, in its
    /// name and its messages, as cargo treats it.
    pub fn set_moved_crates_io(id: Option<&SourceId>) {
        if let Ok(mut m) = MOVED_CRATES_IO.write() {
            *m = id.map(|i| i.inner.canonical.clone());
            ANY_MOVED_CRATES_IO.store(m.is_some(), std::sync::atomic::Ordering::Release);
        }
    }

    /// Whether this is a source whose packages cargo treats as local
    /// (path sources).
    pub fn is_remote(&self) -> bool {
        !self.is_path()
            && !matches!(
                self.inner.kind,
                SourceKind::Directory | SourceKind::LocalRegistry
            )
    }

    pub fn git_reference(&self) -> Option<&GitReference> {
        match &self.inner.kind {
            SourceKind::Git(r) => Some(r),
            _ => None,
        }
    }

    /// The directory of a path, local-registry or directory source.
    pub fn local_path(&self) -> Option<PathBuf> {
        match self.inner.kind {
            SourceKind::Path | SourceKind::LocalRegistry | SourceKind::Directory => {
                self.inner.url.to_file_path().ok()
            }
            _ => None,
        }
    }

    /// The `kind+url` form used in `Cargo.lock` and `cargo metadata`.
    pub fn as_url(&self) -> String {
        self.as_url_impl(true)
    }

    fn as_url_impl(&self, with_precise: bool) -> String {
        let mut s = String::new();
        if let Some(p) = self.inner.kind.protocol() {
            s.push_str(p);
            s.push('+');
        }
        s.push_str(self.inner.url.as_str());
        if let SourceKind::Git(r) = &self.inner.kind {
            if let Some(pretty) = r.pretty_ref(true) {
                s.push('?');
                s.push_str(&pretty);
            }
            if with_precise && let Some(p) = &self.inner.precise {
                s.push('#');
                s.push_str(p);
            }
        }
        s
    }

    /// How cargo names the registry in messages: `crates-io`, the configured
    /// name, or the URL.
    pub fn display_registry_name(&self) -> String {
        if self.is_crates_io() {
            CRATES_IO_REGISTRY.to_string()
        } else if let Some(n) = &self.inner.name {
            n.clone()
        } else if let Ok(path) = self.inner.url.to_file_path() {
            path.display().to_string()
        } else {
            self.inner
                .url
                .as_str()
                .trim_start_matches("sparse+")
                .to_string()
        }
    }
}

/// The canonical URL of the registry standing for crates.io, if moved.
static MOVED_CRATES_IO: std::sync::RwLock<Option<String>> = std::sync::RwLock::new(None);
/// Whether [`MOVED_CRATES_IO`] is set: `is_crates_io` runs per package on
/// every resolve and lockfile write, and outside cargo's testsuite nothing is
/// moved, so the common case skips the lock.
static ANY_MOVED_CRATES_IO: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

impl PartialEq for SourceId {
    fn eq(&self, other: &SourceId) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.kind == other.inner.kind
                && self.inner.canonical == other.inner.canonical)
    }
}

impl Eq for SourceId {}

impl Hash for SourceId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.kind.hash(state);
        self.inner.canonical.hash(state);
    }
}

impl PartialOrd for SourceId {
    fn partial_cmp(&self, other: &SourceId) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SourceId {
    fn cmp(&self, other: &SourceId) -> std::cmp::Ordering {
        if Arc::ptr_eq(&self.inner, &other.inner) {
            return std::cmp::Ordering::Equal;
        }
        (&self.inner.kind, &self.inner.canonical).cmp(&(&other.inner.kind, &other.inner.canonical))
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.kind {
            SourceKind::Git(r) => {
                write!(f, "{}", self.inner.url)?;
                if let Some(pretty) = r.pretty_ref(true) {
                    write!(f, "?{pretty}")?;
                }
                if let Some(p) = &self.inner.precise {
                    write!(f, "#{}", p.get(..8).unwrap_or(p))?;
                }
                Ok(())
            }
            SourceKind::Path => match self.inner.url.to_file_path() {
                Ok(p) => write!(f, "{}", p.display()),
                Err(()) => write!(f, "{}", self.inner.url),
            },
            SourceKind::Registry | SourceKind::SparseRegistry => {
                write!(f, "registry `{}`", self.display_registry_name())
            }
            SourceKind::LocalRegistry => write!(f, "registry `{}`", self.url_display()),
            SourceKind::Directory => write!(f, "dir {}", self.url_display()),
        }
    }
}

impl SourceId {
    fn url_display(&self) -> String {
        match self.inner.url.to_file_path() {
            Ok(p) => p.display().to_string(),
            Err(()) => self.inner.url.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_io_forms() {
        let id = SourceId::crates_io();
        assert!(id.is_crates_io());
        assert_eq!(
            id.as_url(),
            "registry+https://github.com/rust-lang/crates.io-index"
        );
        assert_eq!(id.to_string(), "registry `crates-io`");
        assert_eq!(SourceId::from_url(&id.as_url()).unwrap(), id);
    }

    #[test]
    fn git_forms() {
        let url = Url::parse("https://github.com/Foo/Bar.git").unwrap();
        let id = SourceId::for_git(&url, GitReference::Branch("dev".into()))
            .with_precise(Some("0123456789abcdef".into()));
        assert_eq!(
            id.as_url(),
            "git+https://github.com/Foo/Bar.git?branch=dev#0123456789abcdef"
        );
        assert_eq!(
            id.to_string(),
            "https://github.com/Foo/Bar.git?branch=dev#01234567"
        );
        let back = SourceId::from_url(&id.as_url()).unwrap();
        assert_eq!(back, id);
        assert_eq!(back.precise(), Some("0123456789abcdef"));
        let other = SourceId::for_git(
            &Url::parse("https://github.com/foo/bar").unwrap(),
            GitReference::Branch("dev".into()),
        );
        assert_eq!(other, id);
        let d = SourceId::for_git(&url, GitReference::DefaultBranch);
        assert_eq!(d.as_url(), "git+https://github.com/Foo/Bar.git");
    }

    #[test]
    fn path_and_sparse() {
        let id = SourceId::for_path(Path::new("/tmp/demo")).unwrap();
        assert_eq!(id.as_url(), "path+file:///tmp/demo");
        assert_eq!(id.to_string(), "/tmp/demo");
        assert_eq!(id.local_path(), Some(PathBuf::from("/tmp/demo")));
        let s = SourceId::from_url("sparse+https://example.com/index/").unwrap();
        assert!(s.is_sparse());
        assert_eq!(s.as_url(), "sparse+https://example.com/index/");
        assert!(SourceId::from_url("foo+https://x").is_err());
    }
}
