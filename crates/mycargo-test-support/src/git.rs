//! Local git repositories for `file://` git dependencies, built with git2.
//!
//! ```no_run
//! # use mycargo_test_support::{git, basic_manifest};
//! # let dir = std::path::Path::new("/tmp/dep");
//! let repo = git::repo(dir)
//!     .file("Cargo.toml", basic_manifest("dep", "0.1.0"))
//!     .file("src/lib.rs", "pub fn f() {}")
//!     .commit();
//! let url = repo.url(); // file:///tmp/dep
//! repo.change_file("src/lib.rs", "pub fn g() {}");
//! let second = repo.commit_all("second");
//! ```
//!
//! Commits have a fixed author, committer and time, so the same history
//! always has the same ids, whatever the user's git configuration says.

use std::path::{Path, PathBuf};

use crate::project::write;

const NAME: &str = "mycargo-test";
const EMAIL: &str = "mycargo-test@example.com";
/// 2023-11-14T22:13:20Z.
const TIME: i64 = 1_700_000_000;

/// Start a repository at `path` (created if missing).
pub fn repo(path: impl AsRef<Path>) -> RepoBuilder {
    RepoBuilder {
        path: path.as_ref().to_path_buf(),
        files: Vec::new(),
    }
}

/// Files to write and commit in a new repository.
#[derive(Clone, Debug)]
pub struct RepoBuilder {
    path: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl RepoBuilder {
    /// A file, relative to the repository's work tree.
    pub fn file(mut self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Self {
        self.files
            .push((path.as_ref().to_path_buf(), contents.as_ref().to_vec()));
        self
    }

    /// Init the repository, write the files and make the first commit.
    pub fn commit(self) -> Repo {
        let repo = Repo {
            git: init(&self.path),
        };
        for (path, contents) in &self.files {
            write(&self.path.join(path), contents);
        }
        repo.commit_all("Initial commit");
        repo
    }

    /// Same as [`RepoBuilder::commit`].
    pub fn build(self) -> Repo {
        self.commit()
    }
}

/// A repository made by [`repo`].
pub struct Repo {
    git: git2::Repository,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("path", &self.path()).finish()
    }
}

impl Repo {
    /// Open an existing repository.
    pub fn open(path: impl AsRef<Path>) -> Repo {
        let path = path.as_ref();
        let git = git2::Repository::open(path)
            .unwrap_or_else(|e| panic!("could not open repository `{}`: {e}", path.display()));
        Repo { git }
    }

    /// The work tree.
    pub fn path(&self) -> PathBuf {
        self.git
            .workdir()
            .unwrap_or_else(|| self.git.path())
            .to_path_buf()
    }

    /// `file://` URL of the repository, for a `git = "..."` dependency.
    pub fn url(&self) -> String {
        path_to_url(&self.path())
    }

    pub fn git2(&self) -> &git2::Repository {
        &self.git
    }

    /// Write a file of the work tree (not committed).
    pub fn change_file(&self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
        write(&self.path().join(path), contents);
    }

    /// Stage every change (new, modified, deleted files) and commit it.
    pub fn commit_all(&self, message: &str) -> git2::Oid {
        add(&self.git);
        commit(&self.git, message)
    }

    /// Id of HEAD's commit, as 40 hex digits.
    pub fn head_id(&self) -> String {
        head_commit(&self.git)
            .map(|c| c.id().to_string())
            .unwrap_or_default()
    }

    /// A lightweight tag at HEAD.
    pub fn tag(&self, name: &str) {
        tag(&self.git, name);
    }

    /// A branch at HEAD (HEAD stays where it is).
    pub fn branch(&self, name: &str) {
        let head = head_commit(&self.git).expect("branch needs a commit");
        self.git
            .branch(name, &head, true)
            .unwrap_or_else(|e| panic!("could not create branch `{name}`: {e}"));
    }

    /// An annotated tag at HEAD, with the fixed identity.
    pub fn tag_annotated(&self, name: &str, message: &str) {
        let head = head_commit(&self.git).expect("tag needs a commit");
        self.git
            .tag(name, head.as_object(), &signature(), message, false)
            .unwrap_or_else(|e| panic!("could not tag `{name}`: {e}"));
    }

    /// A reference of any name (`refs/pull/1/head`, say) at HEAD.
    pub fn reference(&self, name: &str) {
        let head = head_commit(&self.git).expect("reference needs a commit");
        self.git
            .reference(name, head.id(), true, "test reference")
            .unwrap_or_else(|e| panic!("could not create reference `{name}`: {e}"));
    }

    /// Make `name` the current branch (created at HEAD if missing) and
    /// check its tree out; later commits go to it.
    pub fn switch_branch(&self, name: &str) {
        if self.git.find_branch(name, git2::BranchType::Local).is_err() {
            self.branch(name);
        }
        let refname = format!("refs/heads/{name}");
        self.git
            .set_head(&refname)
            .unwrap_or_else(|e| panic!("could not switch to `{name}`: {e}"));
        let mut opts = git2::build::CheckoutBuilder::new();
        opts.force();
        self.git
            .checkout_head(Some(&mut opts))
            .unwrap_or_else(|e| panic!("could not check out `{name}`: {e}"));
    }

    /// Add the repository at `url` as a submodule at `path`, checked out
    /// at its HEAD, and commit it.
    pub fn add_submodule(&self, url: &str, path: impl AsRef<Path>) -> git2::Oid {
        let path = path.as_ref();
        let mut sub = self
            .git
            .submodule(url, path, false)
            .unwrap_or_else(|e| panic!("could not add submodule `{url}`: {e}"));
        sub.clone(None)
            .unwrap_or_else(|e| panic!("could not clone submodule `{url}`: {e}"));
        sub.add_to_index(true).expect("add submodule to index");
        sub.add_finalize().expect("finalize submodule");
        commit(&self.git, &format!("add submodule {}", path.display()))
    }
}

/// `git init` at `path` with `master` as the first branch, whatever the
/// user's `init.defaultBranch` says.
pub fn init(path: &Path) -> git2::Repository {
    crate::project::mkdir_p(path);
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("master");
    git2::Repository::init_opts(path, &opts)
        .unwrap_or_else(|e| panic!("could not init repository `{}`: {e}", path.display()))
}

/// Stage every change of the work tree.
pub fn add(repo: &git2::Repository) {
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("git add");
    index.update_all(["*"], None).expect("git add -u");
    index.write().expect("write index");
}

/// Commit the index on HEAD with the fixed identity and time.
pub fn commit(repo: &git2::Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().expect("index");
    let tree_id = index.write_tree().expect("write tree");
    let tree = repo.find_tree(tree_id).expect("find tree");
    let sig = signature();
    let parent = head_commit(repo);
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .expect("git commit")
}

/// A lightweight tag at HEAD.
pub fn tag(repo: &git2::Repository, name: &str) {
    let head = head_commit(repo).expect("tag needs a commit");
    repo.tag_lightweight(name, head.as_object(), false)
        .unwrap_or_else(|e| panic!("could not tag `{name}`: {e}"));
}

fn head_commit(repo: &git2::Repository) -> Option<git2::Commit<'_>> {
    repo.head().ok()?.peel_to_commit().ok()
}

fn signature() -> git2::Signature<'static> {
    git2::Signature::new(NAME, EMAIL, &git2::Time::new(TIME, 0)).expect("signature")
}

/// `file://` URL of an absolute path, percent-encoding what a URL path
/// cannot hold.
pub fn path_to_url(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::TestRoot;

    #[test]
    fn builds_commits_and_tags() {
        let root = TestRoot::new();
        let r = repo(root.join("dep"))
            .file("Cargo.toml", crate::basic_manifest("dep", "0.1.0"))
            .file("src/lib.rs", "")
            .commit();
        let first = r.head_id();
        assert_eq!(first.len(), 40);
        assert!(r.url().starts_with("file:///"));
        r.change_file("src/lib.rs", "pub fn f() {}");
        std::fs::remove_file(r.path().join("Cargo.toml")).unwrap();
        let second = r.commit_all("second");
        assert_ne!(first, second.to_string());
        r.tag("v1");
        r.branch("dev");
        let git = r.git2();
        let head_tree = git.head().unwrap().peel_to_tree().unwrap();
        assert!(head_tree.get_path(Path::new("src/lib.rs")).is_ok());
        assert!(head_tree.get_path(Path::new("Cargo.toml")).is_err());
        assert!(git.find_reference("refs/tags/v1").is_ok());
        assert!(git.find_branch("dev", git2::BranchType::Local).is_ok());
        assert_eq!(git.head().unwrap().shorthand().ok(), Some("master"));
    }

    #[test]
    fn same_history_same_ids() {
        let root = TestRoot::new();
        let a = repo(root.join("a")).file("x", "1").commit();
        let b = repo(root.join("b")).file("x", "1").commit();
        assert_eq!(a.head_id(), b.head_id());
    }

    #[test]
    fn urls() {
        assert_eq!(path_to_url(Path::new("/tmp/a b/c")), "file:///tmp/a%20b/c");
    }
}
