//! A registry index kept in git (the registry protocol before sparse, still
//! used by private registries, mirrors and `file://` indexes): fetched into
//! `$CARGO_HOME/registry/index/<dir>/` as cargo lays it out (a non-bare
//! repository whose `refs/remotes/origin/HEAD` is the index), its files
//! read from that commit's tree, never checked out.
//!
//! The index is fetched at most once per process (cargo's "updated
//! sources" rule): the first query of a command that may use the network
//! fetches; later queries, and every query offline, read what is there.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use anyhow::Context as _;
use git2::{ErrorCode, Oid, Repository};
use mycargo_core::GitReference;

use crate::git::fetch::{FetchConfig, fetch};

/// The ref a fetch of the index writes and its files are read from.
const INDEX_REF: &str = "refs/remotes/origin/HEAD";

/// Index directories fetched by this process.
static UPDATED: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(Mutex::default);

/// Let the next [`GitIndex::update`] of the index in `dir` fetch again
/// (a command that waits for a publication to appear).
pub fn forget_updated(dir: &Path) {
    UPDATED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|d| !d.starts_with(dir));
}

/// A file of the index as of its current commit.
pub struct IndexBlob {
    pub data: Vec<u8>,
    /// The blob's id: the `.cache` entry's index version.
    pub blob_id: String,
}

/// A git index on disk, with what is needed to fetch it.
pub struct GitIndex {
    dir: PathBuf,
    url: String,
    with_cli: bool,
    retry: u32,
    /// The repository and its current commit's tree, once opened.
    state: Mutex<Option<Opened>>,
}

struct Opened {
    repo: Repository,
    /// The commit at `refs/remotes/origin/HEAD` and its tree, when the
    /// index was ever fetched.
    head: Option<(Oid, Oid)>,
}

impl GitIndex {
    /// The index of `url` kept in `dir` (`registry/index/<dir>`).
    pub fn new(dir: PathBuf, url: &str, with_cli: bool, retry: u32) -> GitIndex {
        GitIndex {
            dir,
            url: url.to_string(),
            with_cli,
            retry,
            state: Mutex::new(None),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this process fetched the index already.
    pub fn is_updated(&self) -> bool {
        UPDATED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&self.dir)
    }

    /// Fetch the index unless this process did already; `warn` hears of
    /// spurious network errors. Returns whether it fetched. The caller
    /// holds the package-cache lock.
    pub fn update(&self, warn: &dyn Fn(&str)) -> anyhow::Result<bool> {
        if !UPDATED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(self.dir.clone())
        {
            return Ok(false);
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut repo = match state.take() {
            Some(o) => o.repo,
            None => self.open_or_init()?,
        };
        let config = FetchConfig {
            with_cli: self.with_cli,
            retry: self.retry,
            warn,
        };
        let fetched = fetch(&mut repo, &self.url, &GitReference::DefaultBranch, &config)
            .with_context(|| format!("failed to fetch `{}`", self.url));
        let head = head_of(&repo);
        *state = Some(Opened { repo, head });
        fetched.map(|()| true)
    }

    /// The blob id of the file at `path` in the index's current commit;
    /// `None` when the index has no such file or was never fetched.
    pub fn file_id(&self, path: &str) -> anyhow::Result<Option<String>> {
        self.with_tree(|_, tree| match tree.get_path(Path::new(path)) {
            Ok(e) => Ok(Some(e.id().to_string())),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        })
        .map(Option::flatten)
    }

    /// The file at `path` in the index's current commit; `None` when the
    /// index has no such file or was never fetched.
    pub fn read(&self, path: &str) -> anyhow::Result<Option<IndexBlob>> {
        self.with_tree(|repo, tree| {
            let entry = match tree.get_path(Path::new(path)) {
                Ok(e) => e,
                Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let blob = repo
                .find_blob(entry.id())
                .with_context(|| format!("path `{path}` is not a blob in the git repo"))?;
            Ok(Some(IndexBlob {
                data: blob.content().to_vec(),
                blob_id: entry.id().to_string(),
            }))
        })
        .map(Option::flatten)
    }

    /// The id of the index's current commit (what cargo before 1.70 wrote
    /// as the version of every `.cache` entry).
    pub fn commit_id(&self) -> Option<String> {
        let state = self.opened();
        let (commit, _) = state.as_ref()?.head?;
        Some(commit.to_string())
    }

    /// Run `f` on the current commit's tree; `None` when there is no
    /// repository or no fetched commit.
    fn with_tree<T>(
        &self,
        f: impl FnOnce(&Repository, &git2::Tree<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<Option<T>> {
        let state = self.opened();
        let Some(Opened {
            repo,
            head: Some((_, tree)),
        }) = state.as_ref()
        else {
            return Ok(None);
        };
        let tree = repo.find_tree(*tree)?;
        f(repo, &tree).map(Some)
    }

    /// The state, the repository opened the first time (reading never
    /// creates it: a missing one stays `None`).
    fn opened(&self) -> std::sync::MutexGuard<'_, Option<Opened>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.is_none()
            && let Ok(repo) = Repository::open(&self.dir)
        {
            let head = head_of(&repo);
            *state = Some(Opened { repo, head });
        }
        state
    }

    /// Open the repository, or make it anew (cargo's layout: not bare,
    /// without git's templates) when it is missing or unreadable.
    fn open_or_init(&self) -> anyhow::Result<Repository> {
        if let Ok(repo) = Repository::open(&self.dir) {
            return Ok(repo);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        mycargo_util::fs::create_dir_all(&self.dir)?;
        let mut opts = git2::RepositoryInitOptions::new();
        opts.external_template(false);
        Repository::init_opts(&self.dir, &opts).with_context(|| {
            format!(
                "failed to initialize index git repository (in {:?})",
                self.dir
            )
        })
    }
}

/// The commit the index's ref points at, and its tree.
fn head_of(repo: &Repository) -> Option<(Oid, Oid)> {
    let commit = repo.find_reference(INDEX_REF).ok()?.peel_to_commit().ok()?;
    Some((commit.id(), commit.tree_id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-commit repository with `files`, as a registry's index.
    fn upstream(dir: &Path, files: &[(&str, &str)]) -> String {
        let repo = Repository::init(dir).unwrap();
        let mut index = repo.index().unwrap();
        for (path, body) in files {
            let full = dir.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, body).unwrap();
            index.add_path(Path::new(path)).unwrap();
        }
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("t", "t@example.com").unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "index", &tree, &[])
            .unwrap();
        url::Url::from_file_path(dir).unwrap().to_string()
    }

    #[test]
    fn reads_files_after_a_fetch_and_nothing_before() {
        let tmp = tempfile::tempdir().unwrap();
        let url = upstream(
            &tmp.path().join("up"),
            &[("config.json", "{\"dl\":\"x\"}"), ("3/f/foo", "{}\n")],
        );
        let index = GitIndex::new(tmp.path().join("index"), &url, false, 0);
        assert!(index.read("3/f/foo").unwrap().is_none());
        assert!(
            !index.dir().exists(),
            "reading must not create the repository"
        );
        assert!(index.update(&|_| {}).unwrap());
        assert!(index.is_updated());
        let blob = index.read("3/f/foo").unwrap().unwrap();
        assert_eq!(blob.data, b"{}\n");
        assert_eq!(Some(blob.blob_id), index.file_id("3/f/foo").unwrap());
        assert!(index.read("3/b/bar").unwrap().is_none());
        assert!(
            index.dir().join(".git").is_dir(),
            "cargo's layout: not bare"
        );
        // Once per process.
        assert!(!index.update(&|_| {}).unwrap());
        // A new handle reads what the first fetched.
        let again = GitIndex::new(tmp.path().join("index"), &url, false, 0);
        assert_eq!(
            again.read("config.json").unwrap().unwrap().data,
            b"{\"dl\":\"x\"}"
        );
        assert!(again.commit_id().is_some());
    }

    #[test]
    fn a_missing_upstream_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let url = url::Url::from_file_path(tmp.path().join("nowhere"))
            .unwrap()
            .to_string();
        let index = GitIndex::new(tmp.path().join("index"), &url, false, 0);
        let err = index.update(&|_| {}).unwrap_err();
        assert!(format!("{err:#}").contains("failed to fetch"), "{err:#}");
    }
}
