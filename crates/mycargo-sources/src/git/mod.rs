//! Git sources: a repository fetched into `$CARGO_HOME/git/db/<ident>`
//! (bare), one commit checked out into
//! `$CARGO_HOME/git/checkouts/<ident>/<short-id>/`, and the packages found
//! in that checkout. Submodules have databases of their own (by their URL)
//! and are cloned from them into the checkout. Directory names, database
//! refs, the `.cargo-ok` marker and the package-cache lock
//! ([`crate::lock`]) are cargo 1.95's, so mycargo and cargo share one
//! cache.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use mycargo_core::GitReference;
//! use mycargo_sources::git::{GitOptions, GitSource};
//! let url = url::Url::parse("https://example.com/dep.git")?;
//! let home = std::path::Path::new("/home/me/.cargo");
//! let source = GitSource::new(&url, GitReference::DefaultBranch, home, GitOptions::default())
//!     .with_reporter(|m| eprintln!("{m:?}"));
//! let commit = source.resolve_commit(None)?; // or the lock file's commit
//! let checkout = source.checkout(commit)?;
//! let package = source.find_package(&checkout, "dep")?;
//! # let _ = package; Ok(()) }
//! ```
//!
//! Nothing here prints: status lines (`Updating git repository ...`,
//! `Blocking waiting for file lock ...`) and warnings go to the reporter.

mod checkout;
pub(crate) mod fetch;
mod find;
mod ident;
mod reference;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use git2::{Oid, Repository};
use mycargo_core::{GitReference, SourceId};
use url::Url;

use crate::lock::{CacheLock, CacheLockMode};

pub use checkout::CHECKOUT_READY;
pub use find::{GitPackage, PackageScan};
pub use ident::{canonical_git_url, ident, short_hash};
pub use reference::{is_full_commit_id, looks_like_commit_id};

/// Settings of a git source, from the command line and `[net]`.
#[derive(Debug, Clone)]
pub struct GitOptions {
    /// `--offline`/`--frozen`/`net.offline`: never touch the network.
    pub offline: bool,
    /// `net.git-fetch-with-cli`: run `git fetch` instead of git2.
    pub fetch_with_cli: bool,
    /// `net.retry`: how many times a network fault is retried.
    pub retry: u32,
    /// Whether the packages' nightly-only `cargo-features` are allowed.
    pub nightly: mycargo_manifest::NightlyGate,
}

impl Default for GitOptions {
    fn default() -> GitOptions {
        GitOptions {
            offline: false,
            fetch_with_cli: false,
            retry: 3,
            nightly: mycargo_manifest::NightlyGate::default(),
        }
    }
}

/// What a git source has to say while it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitMessage<'a> {
    /// A status line: `status` is the right-aligned word (`Updating`,
    /// `Blocking`), `message` the rest (``git repository `URL` ``).
    Status { status: &'a str, message: &'a str },
    /// A `warning:` line (spurious network errors being retried).
    Warning(&'a str),
}

type Reporter = Arc<dyn Fn(GitMessage<'_>) + Send + Sync>;

/// Errors a caller may want to tell apart (find them with
/// `anyhow::Error::downcast_ref::<GitError>()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// A branch, tag or rev that the repository does not have.
    ReferenceNotFound {
        /// `branch`, `tag`, `rev` or `default branch`.
        kind: &'static str,
        name: String,
        url: String,
        /// Looked up in the local database only (offline).
        offline: bool,
        /// The closest name the repository has, if one is close.
        suggestion: Option<String>,
        /// Names of that kind the repository has (may be empty if unknown).
        available: Vec<String>,
    },
    /// The lock file's commit is not in the repository (any more).
    LockedCommitNotFound { commit: String, url: String },
    /// A commit that is not 40 hex digits where one is required.
    InvalidCommit(String),
    /// No package of that name in the checkout.
    PackageNotFound {
        name: String,
        url: String,
        /// `(name, manifest path relative to the checkout)` of every
        /// package found.
        found: Vec<(String, PathBuf)>,
        /// `(manifest path relative to the checkout, error)`.
        unreadable: Vec<(PathBuf, String)>,
    },
    /// Offline with nothing cached to use.
    Offline { url: String },
    /// The repository could not be reached or does not exist.
    Unreachable { url: String },
    /// The server wants credentials that could not be provided.
    AuthRequired { url: String },
}

impl std::error::Error for GitError {}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::ReferenceNotFound {
                kind,
                name,
                url,
                offline,
                suggestion,
                available,
            } => f.write_str(&reference_not_found(
                kind, name, url, *offline, suggestion, available,
            )),
            GitError::LockedCommitNotFound { commit, url } => write!(
                f,
                "revision {commit} not found in git repository `{url}`; it may have been \
                 force-pushed away (run `cargo update` to pick a new one)"
            ),
            GitError::InvalidCommit(c) => {
                write!(f, "invalid commit id `{c}`: expected 40 hexadecimal digits")
            }
            GitError::PackageNotFound {
                name,
                url,
                found,
                unreadable,
            } => f.write_str(&package_not_found(name, url, found, unreadable)),
            GitError::Offline { url } => write!(
                f,
                "can't checkout from '{url}': you are in the offline mode (--offline)"
            ),
            GitError::Unreachable { url } => write!(
                f,
                "failed to fetch git repository `{url}`: the repository could not be reached"
            ),
            GitError::AuthRequired { url } => write!(
                f,
                "failed to authenticate to git repository `{url}`\n\n\
                 help: if the `git` command line can fetch it (with your credential helper \
                 or ssh agent), set `net.git-fetch-with-cli = true` in `.cargo/config.toml` \
                 or CARGO_NET_GIT_FETCH_WITH_CLI=true"
            ),
        }
    }
}

fn reference_not_found(
    kind: &str,
    name: &str,
    url: &str,
    offline: bool,
    suggestion: &Option<String>,
    available: &[String],
) -> String {
    let what = match kind {
        "default branch" => "the default branch (HEAD)".to_string(),
        "rev" if looks_like_commit_id(name) => format!("revision `{name}`"),
        "rev" => format!("rev `{name}`"),
        _ => format!("{kind} `{name}`"),
    };
    let mut s = if offline {
        format!(
            "failed to find {what} in the local copy of git repository `{url}`, \
             and can't check for updates in offline mode (--offline)"
        )
    } else {
        format!("failed to find {what} in git repository `{url}`")
    };
    if let Some(sugg) = suggestion {
        s.push_str(&format!(
            "\n\nhelp: a {kind} with a similar name exists: `{sugg}`"
        ));
    } else if !available.is_empty() {
        const MAX: usize = 10;
        let mut list = available
            .iter()
            .take(MAX)
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if available.len() > MAX {
            list.push_str(&format!(" and {} more", available.len() - MAX));
        }
        let plural = if kind == "branch" { "branches" } else { "tags" };
        s.push_str(&format!("\n\nnote: the repository has {plural} {list}"));
    }
    s
}

fn package_not_found(
    name: &str,
    url: &str,
    found: &[(String, PathBuf)],
    unreadable: &[(PathBuf, String)],
) -> String {
    let mut s = format!("no package named `{name}` found in git repository `{url}`");
    if found.is_empty() {
        s.push_str("\n\nnote: the repository has no packages");
    } else {
        s.push_str("\n\nnote: the repository has these packages:");
        for (n, p) in found {
            s.push_str(&format!("\n  {n} ({})", p.display()));
        }
    }
    for (p, e) in unreadable {
        s.push_str(&format!("\nnote: skipped `{}`: {e}", p.display()));
    }
    s
}

/// A git repository at a reference, cached under `CARGO_HOME`.
pub struct GitSource {
    url: Url,
    reference: GitReference,
    cargo_home: PathBuf,
    options: GitOptions,
    ident: String,
    reporter: Reporter,
    /// A submodule's database, fetched for a checkout of its parent
    /// (`Updating git submodule ...`).
    submodule: bool,
}

impl std::fmt::Debug for GitSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitSource")
            .field("url", &self.url.as_str())
            .field("reference", &self.reference)
            .field("ident", &self.ident)
            .field("options", &self.options)
            .finish()
    }
}

impl GitSource {
    /// The repository at `url` (as written in the manifest; it is
    /// canonicalised for the directory names only).
    pub fn new(
        url: &Url,
        reference: GitReference,
        cargo_home: &Path,
        options: GitOptions,
    ) -> GitSource {
        GitSource {
            ident: ident(url),
            url: url.clone(),
            reference,
            cargo_home: cargo_home.to_path_buf(),
            options,
            reporter: Arc::new(|_| {}),
            submodule: false,
        }
    }

    /// The source of a git [`SourceId`]; `None` if it is not a git source.
    pub fn from_source_id(
        id: &SourceId,
        cargo_home: &Path,
        options: GitOptions,
    ) -> Option<GitSource> {
        let reference = id.git_reference()?.clone();
        Some(GitSource::new(id.url(), reference, cargo_home, options))
    }

    /// Send status lines and warnings to `f`.
    pub fn with_reporter(mut self, f: impl Fn(GitMessage<'_>) + Send + Sync + 'static) -> Self {
        self.reporter = Arc::new(f);
        self
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn reference(&self) -> &GitReference {
        &self.reference
    }

    /// `<name>-<hash>`, the directory name under `git/db` and
    /// `git/checkouts`.
    pub fn ident(&self) -> &str {
        &self.ident
    }

    /// `$CARGO_HOME/git/db/<ident>`.
    pub fn db_path(&self) -> PathBuf {
        self.git_dir().join("db").join(&self.ident)
    }

    /// `$CARGO_HOME/git/checkouts/<ident>`, the parent of the checkouts.
    pub fn checkouts_path(&self) -> PathBuf {
        self.git_dir().join("checkouts").join(&self.ident)
    }

    /// Where the checkout of `commit` goes (the commit must be in the
    /// database: its short id depends on the other objects there).
    pub fn checkout_path(&self, commit: Oid) -> anyhow::Result<PathBuf> {
        let db = self.open_db()?;
        checkout::checkout_dir(&self.git_dir().join("checkouts"), &self.ident, &db, commit)
    }

    /// The source id of this source at `commit`.
    pub fn source_id(&self, commit: Option<Oid>) -> SourceId {
        SourceId::for_git(&self.url, self.reference.clone())
            .with_precise(commit.map(|c| c.to_string()))
    }

    fn git_dir(&self) -> PathBuf {
        self.cargo_home.join("git")
    }

    fn status(&self, status: &str, message: &str) {
        (self.reporter)(GitMessage::Status { status, message });
    }

    /// Cargo's download lock (`$CARGO_HOME/.package-cache`), which cargo
    /// holds while it fetches git databases and makes checkouts.
    /// Re-entrant within the process.
    fn lock(&self) -> anyhow::Result<CacheLock> {
        crate::lock::acquire(&self.cargo_home, CacheLockMode::DownloadExclusive, &|m| {
            self.status("Blocking", m)
        })
    }

    fn fetch_config<'a>(&'a self, warn: &'a dyn Fn(&str)) -> fetch::FetchConfig<'a> {
        fetch::FetchConfig {
            with_cli: self.options.fetch_with_cli,
            retry: self.options.retry,
            warn,
        }
    }

    fn warn(&self, message: &str) {
        (self.reporter)(GitMessage::Warning(message));
    }

    fn open_db(&self) -> anyhow::Result<Repository> {
        let path = self.db_path();
        Repository::open_bare(&path)
            .with_context(|| format!("no git database for `{}` at `{}`", self.url, path.display()))
    }

    /// The commit to use: `locked` (the lock file's, 40 hex digits) as is
    /// when the database has it, else the reference resolved after a
    /// fetch. Offline, only the database is used.
    pub fn resolve_commit(&self, locked: Option<&str>) -> anyhow::Result<Oid> {
        let locked = match locked {
            Some(s) if is_full_commit_id(s) => {
                Some(Oid::from_str(s).map_err(|_| GitError::InvalidCommit(s.to_string()))?)
            }
            Some(s) => return Err(GitError::InvalidCommit(s.to_string()).into()),
            None => None,
        };
        let _lock = self.lock()?;
        let db_path = self.db_path();
        let db = if db_path.exists() {
            Repository::open_bare(&db_path).ok()
        } else {
            None
        };
        let url = self.url.as_str();
        match (locked, db) {
            (Some(oid), Some(db)) if reference::has_commit(&db, oid) => Ok(oid),
            // No database, but a complete checkout of the locked commit.
            (Some(oid), None) if !self.submodule && self.fresh_checkout(oid).is_some() => Ok(oid),
            (None, Some(db)) if self.options.offline => reference::resolve(&db, &self.reference)
                .map_err(|_| self.not_found(&db, true, None).into()),
            _ if self.options.offline => Err(GitError::Offline {
                url: url.to_string(),
            }
            .into()),
            (locked, db) => {
                let scope = if self.submodule {
                    "submodule"
                } else {
                    "repository"
                };
                self.status("Updating", &format!("git {scope} `{url}`"));
                let fetch_ref = match locked {
                    Some(oid) => GitReference::Rev(oid.to_string()),
                    None => self.reference.clone(),
                };
                // cargo's words: a new database is cloned into, an
                // existing one fetched into.
                let fetch_into = |db: &mut Repository, verb: &str| {
                    fetch::fetch(db, url, &fetch_ref, &self.fetch_config(&|w| self.warn(w)))
                        .with_context(|| format!("failed to {verb} into: {}", db_path.display()))
                };
                let found = |db: &Repository| match locked {
                    Some(oid) => reference::has_commit(db, oid),
                    None => reference::resolve(db, &self.reference).is_ok(),
                };
                let db = match db {
                    Some(mut db) => {
                        fetch_into(&mut db, "fetch")?;
                        if found(&db) {
                            db
                        } else {
                            // As cargo: start over from an empty database, in
                            // case this one is damaged (an interrupted fetch
                            // left refs to objects it never wrote, say).
                            let mut fresh = self.init_db(&db_path)?;
                            fetch_into(&mut fresh, "clone")?;
                            fresh
                        }
                    }
                    None => {
                        let mut db = self.init_db(&db_path)?;
                        fetch_into(&mut db, "clone")?;
                        db
                    }
                };
                match locked {
                    Some(oid) if reference::has_commit(&db, oid) => Ok(oid),
                    // `cargo update` cannot help: the parent repository
                    // names the commit.
                    Some(oid) if self.submodule => Err(anyhow::anyhow!(
                        "revision {oid} not found in git repository `{url}`, which the \
                         parent repository records as a submodule at that commit"
                    )),
                    Some(oid) => Err(GitError::LockedCommitNotFound {
                        commit: oid.to_string(),
                        url: url.to_string(),
                    }
                    .into()),
                    None => reference::resolve(&db, &self.reference).map_err(|_| {
                        let remote = fetch::remote_ref_names(url);
                        self.not_found(&db, false, remote).into()
                    }),
                }
            }
        }
    }

    /// A new bare database (replacing a damaged one), with cargo's
    /// `CACHEDIR.TAG` in `git/`.
    fn init_db(&self, db_path: &Path) -> anyhow::Result<Repository> {
        let git_dir = self.git_dir();
        std::fs::create_dir_all(&git_dir)
            .with_context(|| format!("failed to create directory `{}`", git_dir.display()))?;
        write_cachedir_tag(&git_dir);
        if db_path.exists() {
            std::fs::remove_dir_all(db_path)
                .with_context(|| format!("failed to remove `{}`", db_path.display()))?;
        }
        std::fs::create_dir_all(db_path)
            .with_context(|| format!("failed to create directory `{}`", db_path.display()))?;
        fetch::init_repository(db_path, true)
            .with_context(|| format!("failed to create git database `{}`", db_path.display()))
    }

    fn not_found(
        &self,
        db: &Repository,
        offline: bool,
        remote_refs: Option<Vec<String>>,
    ) -> GitError {
        let kind = reference::kind_word(&self.reference);
        let name = reference::value(&self.reference).to_string();
        let prefix = match &self.reference {
            GitReference::Branch(_) => Some("refs/heads/"),
            GitReference::Tag(_) => Some("refs/tags/"),
            _ => None,
        };
        let mut available: Vec<String> = match (prefix, remote_refs) {
            (Some(p), Some(refs)) => refs
                .iter()
                .filter_map(|r| r.strip_prefix(p).map(str::to_string))
                .collect(),
            (Some(p), None) => {
                let local = match p {
                    "refs/heads/" => "refs/remotes/origin/",
                    _ => "refs/remotes/origin/tags/",
                };
                db.references()
                    .map(|refs| {
                        refs.filter_map(Result::ok)
                            .filter_map(|r| r.name().ok().map(str::to_string))
                            .filter_map(|n| n.strip_prefix(local).map(str::to_string))
                            .filter(|n| n != "HEAD" && !n.starts_with("tags/"))
                            .collect()
                    })
                    .unwrap_or_default()
            }
            (None, _) => Vec::new(),
        };
        available.sort();
        available.dedup();
        let suggestion =
            mycargo_util::edit_distance::closest(&name, available.iter().map(String::as_str))
                .map(str::to_string);
        GitError::ReferenceNotFound {
            kind,
            name,
            url: self.url.to_string(),
            offline,
            suggestion,
            available,
        }
    }

    /// The checkout of `commit` (which [`GitSource::resolve_commit`] put in
    /// the database), made if missing or incomplete; its directory.
    pub fn checkout(&self, commit: Oid) -> anyhow::Result<PathBuf> {
        let _lock = self.lock()?;
        let db = match self.open_db() {
            Ok(db) => db,
            // The database was cleaned away but the checkout is complete.
            Err(e) => return self.fresh_checkout(commit).ok_or(e),
        };
        let dir =
            checkout::checkout_dir(&self.git_dir().join("checkouts"), &self.ident, &db, commit)?;
        if checkout::is_fresh(&dir, commit) {
            return Ok(dir);
        }
        let status = |s: &str, m: &str| self.status(s, m);
        let submodule_db = |url: &Url, head: Oid| -> anyhow::Result<PathBuf> {
            let sub = self.submodule_source(url, head);
            sub.resolve_commit(Some(&head.to_string()))?;
            Ok(sub.db_path())
        };
        let cx = checkout::CheckoutContext {
            submodule_db: &submodule_db,
            status: &status,
        };
        checkout::make_checkout(&self.db_path(), &dir, commit, &self.url, &cx).with_context(
            || {
                format!(
                    "failed to check out revision {commit} of git repository `{}`",
                    self.url
                )
            },
        )?;
        Ok(dir)
    }

    /// The source of a submodule's own database, as cargo keeps one for
    /// each submodule URL: the submodule's commit, with this source's
    /// home, options and reporter.
    fn submodule_source(&self, url: &Url, head: Oid) -> GitSource {
        GitSource {
            ident: ident(url),
            url: url.clone(),
            reference: GitReference::Rev(head.to_string()),
            cargo_home: self.cargo_home.clone(),
            options: self.options.clone(),
            reporter: Arc::clone(&self.reporter),
            submodule: true,
        }
    }

    /// A complete checkout of `commit` found without the database: a
    /// directory under [`GitSource::checkouts_path`] named by a prefix of
    /// the commit id, with `.cargo-ok`, whose HEAD is `commit`.
    fn fresh_checkout(&self, commit: Oid) -> Option<PathBuf> {
        let hex = commit.to_string();
        std::fs::read_dir(self.checkouts_path())
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.len() >= 4 && hex.starts_with(n))
                    && checkout::is_fresh(p, commit)
            })
    }

    /// Every package in the checkout at `checkout`.
    pub fn packages(&self, checkout: &Path) -> PackageScan {
        find::scan(checkout, &self.cargo_home, None, &self.options.nightly)
    }

    /// [`GitSource::packages`], errors naming paths relative to `cwd`.
    pub fn packages_seen_from(&self, checkout: &Path, cwd: &Path) -> PackageScan {
        find::scan(checkout, &self.cargo_home, Some(cwd), &self.options.nightly)
    }

    /// The package named `name` in the checkout at `checkout`.
    pub fn find_package(&self, checkout: &Path, name: &str) -> anyhow::Result<GitPackage> {
        let scan = self.packages(checkout);
        if let Some(p) = scan.find(name) {
            return Ok(p.clone());
        }
        let rel = |p: &Path| p.strip_prefix(checkout).unwrap_or(p).to_path_buf();
        Err(GitError::PackageNotFound {
            name: name.to_string(),
            url: self.url.to_string(),
            found: scan
                .packages
                .iter()
                .map(|p| (p.name().to_string(), rel(&p.manifest_path)))
                .collect(),
            unreadable: scan
                .errors
                .iter()
                .map(|(p, e)| (rel(p), e.clone()))
                .collect(),
        }
        .into())
    }
}

/// Cargo's `CACHEDIR.TAG`, so backup tools skip the cache. Best effort.
fn write_cachedir_tag(dir: &Path) {
    let path = dir.join("CACHEDIR.TAG");
    if path.exists() {
        return;
    }
    let _ = std::fs::write(
        path,
        "Signature: 8a477f597d28d172789f06886806bc55\n\
         # This file is a cache directory tag created by cargo.\n\
         # For information about cache directory tags see https://bford.info/cachedir/\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_cargo_home() {
        let url = Url::parse("file:///tmp/gx/dep").unwrap();
        let s = GitSource::new(
            &url,
            GitReference::DefaultBranch,
            Path::new("/h"),
            GitOptions::default(),
        );
        assert_eq!(s.ident(), "dep-268f431347b04da4");
        assert_eq!(s.db_path(), Path::new("/h/git/db/dep-268f431347b04da4"));
        assert_eq!(
            s.checkouts_path(),
            Path::new("/h/git/checkouts/dep-268f431347b04da4")
        );
        let id = s.source_id(Some(Oid::from_str(&"ab".repeat(20)).unwrap()));
        assert_eq!(
            id.as_url(),
            format!("git+file:///tmp/gx/dep#{}", "ab".repeat(20))
        );
    }

    #[test]
    fn from_source_id_keeps_the_reference() {
        let id = SourceId::from_url("git+https://example.com/r.git?tag=v1").unwrap();
        let s = GitSource::from_source_id(&id, Path::new("/h"), GitOptions::default()).unwrap();
        assert_eq!(s.reference(), &GitReference::Tag("v1".into()));
        assert_eq!(
            s.ident(),
            ident(&Url::parse("https://example.com/r").unwrap())
        );
        assert!(
            GitSource::from_source_id(
                &SourceId::crates_io(),
                Path::new("/h"),
                GitOptions::default()
            )
            .is_none()
        );
    }

    #[test]
    fn error_messages() {
        let e = GitError::ReferenceNotFound {
            kind: "branch",
            name: "mian".into(),
            url: "file:///r".into(),
            offline: false,
            suggestion: Some("main".into()),
            available: vec!["main".into()],
        };
        assert_eq!(
            e.to_string(),
            "failed to find branch `mian` in git repository `file:///r`\n\n\
             help: a branch with a similar name exists: `main`"
        );
        let e = GitError::PackageNotFound {
            name: "x".into(),
            url: "file:///r".into(),
            found: vec![("a".into(), PathBuf::from("Cargo.toml"))],
            unreadable: vec![],
        };
        assert_eq!(
            e.to_string(),
            "no package named `x` found in git repository `file:///r`\n\n\
             note: the repository has these packages:\n  a (Cargo.toml)"
        );
    }
}
