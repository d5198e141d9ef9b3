//! Sandboxes: a temporary root per test and the package trees built in it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::execs::{Execs, Tool};

/// A test's temporary root directory. Cloning shares it; the directory is
/// removed when the last clone is dropped (unless `MYCARGO_TEST_KEEP` is set,
/// for looking at it after a failure).
#[derive(Clone, Debug)]
pub struct TestRoot {
    inner: Arc<RootInner>,
}

#[derive(Debug)]
struct RootInner {
    path: PathBuf,
    dir: Option<tempfile::TempDir>,
    separate_homes: bool,
}

impl Drop for RootInner {
    fn drop(&mut self) {
        if std::env::var_os("MYCARGO_TEST_KEEP").is_some()
            && let Some(dir) = self.dir.take()
        {
            let _ = dir.keep();
        }
    }
}

impl TestRoot {
    /// A new, empty root in the system's temp directory, with the home
    /// directory (and its `.cargo`) created. Both tools share one home.
    pub fn new() -> TestRoot {
        TestRoot::with_homes(false)
    }

    /// Like [`TestRoot::new`], but mycargo and cargo each get their own HOME
    /// and CARGO_HOME (`[ROOT]/home-mycargo`, `[ROOT]/home-cargo`).
    pub fn new_separate_homes() -> TestRoot {
        TestRoot::with_homes(true)
    }

    fn with_homes(separate_homes: bool) -> TestRoot {
        let dir = tempfile::Builder::new()
            .prefix("mycargo-t")
            .tempdir()
            .expect("failed to create a temporary directory");
        // Tools print canonical paths (from getcwd); so must the redactions.
        let path = dir
            .path()
            .canonicalize()
            .unwrap_or_else(|_| dir.path().to_path_buf());
        let root = TestRoot {
            inner: Arc::new(RootInner {
                path,
                dir: Some(dir),
                separate_homes,
            }),
        };
        for tool in [Tool::Mycargo, Tool::Cargo] {
            mkdir_p(&root.cargo_home(tool));
        }
        root
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// `path` joined to the root.
    pub fn join(&self, path: impl AsRef<Path>) -> PathBuf {
        self.inner.path.join(path)
    }

    pub fn has_separate_homes(&self) -> bool {
        self.inner.separate_homes
    }

    /// HOME for `tool`.
    pub fn home(&self, tool: Tool) -> PathBuf {
        if self.inner.separate_homes {
            match tool {
                Tool::Mycargo => self.join("home-mycargo"),
                Tool::Cargo => self.join("home-cargo"),
            }
        } else {
            self.join("home")
        }
    }

    /// CARGO_HOME for `tool`.
    pub fn cargo_home(&self, tool: Tool) -> PathBuf {
        self.home(tool).join(".cargo")
    }
}

impl Default for TestRoot {
    fn default() -> Self {
        TestRoot::new()
    }
}

/// Start building a project at `[ROOT]/foo` in a new root.
pub fn project() -> ProjectBuilder {
    ProjectBuilder::new()
}

/// Builds a package tree. Files are written by [`ProjectBuilder::build`]; a
/// `Cargo.toml` for package `foo` is added unless one is given or
/// [`ProjectBuilder::no_manifest`] is called.
#[derive(Clone, Debug)]
pub struct ProjectBuilder {
    dir: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
    dirs: Vec<PathBuf>,
    no_manifest: bool,
    separate_homes: bool,
    root: Option<TestRoot>,
}

impl ProjectBuilder {
    pub fn new() -> ProjectBuilder {
        ProjectBuilder {
            dir: PathBuf::from("foo"),
            files: Vec::new(),
            dirs: Vec::new(),
            no_manifest: false,
            separate_homes: false,
            root: None,
        }
    }

    /// Put the project at `dir`, relative to the root (default `foo`). An
    /// empty path puts it at the root itself.
    pub fn at(mut self, dir: impl AsRef<Path>) -> Self {
        self.dir = dir.as_ref().to_path_buf();
        self
    }

    /// Build in an existing root (for several projects in one test).
    pub fn in_root(mut self, root: &TestRoot) -> Self {
        self.root = Some(root.clone());
        self
    }

    /// A file, relative to the project directory; parents are created.
    pub fn file(mut self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Self {
        self.files
            .push((path.as_ref().to_path_buf(), contents.as_ref().to_vec()));
        self
    }

    /// An empty directory, relative to the project directory.
    pub fn dir(mut self, path: impl AsRef<Path>) -> Self {
        self.dirs.push(path.as_ref().to_path_buf());
        self
    }

    /// Don't add a default `Cargo.toml`.
    pub fn no_manifest(mut self) -> Self {
        self.no_manifest = true;
        self
    }

    /// Give mycargo and cargo separate homes (only for a new root).
    pub fn separate_homes(mut self) -> Self {
        self.separate_homes = true;
        self
    }

    /// Write the files and return the project.
    pub fn build(self) -> Project {
        let root = match &self.root {
            Some(r) => r.clone(),
            None => TestRoot::with_homes(self.separate_homes),
        };
        let dir = root.join(&self.dir);
        mkdir_p(&dir);
        for d in &self.dirs {
            mkdir_p(&dir.join(d));
        }
        let has_manifest = self.files.iter().any(|(p, _)| p == Path::new("Cargo.toml"));
        if !has_manifest && !self.no_manifest {
            write(
                &dir.join("Cargo.toml"),
                crate::basic_manifest("foo", "0.0.1"),
            );
        }
        for (path, contents) in &self.files {
            write(&dir.join(path), contents);
        }
        Project { dir, root }
    }

    /// Build the same tree twice, in two separate roots: one for mycargo and
    /// one for cargo, so their results can be compared (`[ROOT]/foo` in both).
    pub fn build_twins(self) -> (Project, Project) {
        assert!(self.root.is_none(), "twins need roots of their own");
        let m = self.clone().build();
        let c = self.build();
        (m, c)
    }
}

impl Default for ProjectBuilder {
    fn default() -> Self {
        ProjectBuilder::new()
    }
}

/// A built project. Keeps its root alive.
#[derive(Clone, Debug)]
pub struct Project {
    dir: PathBuf,
    root: TestRoot,
}

impl Project {
    /// The project directory (`[ROOT]/foo`).
    pub fn root(&self) -> PathBuf {
        self.dir.clone()
    }

    /// The test's temporary root (`[ROOT]`).
    pub fn test_root(&self) -> &TestRoot {
        &self.root
    }

    /// The project's `target` directory.
    pub fn target_debug_dir(&self) -> PathBuf {
        self.dir.join("target/debug")
    }

    /// Path of a binary target after a dev build.
    pub fn bin(&self, name: &str) -> PathBuf {
        self.target_debug_dir()
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    }

    /// Read a file of the project, relative to its directory.
    pub fn read_file(&self, path: impl AsRef<Path>) -> String {
        let full = self.dir.join(path.as_ref());
        std::fs::read_to_string(&full)
            .unwrap_or_else(|e| panic!("could not read `{}`: {e}", full.display()))
    }

    /// Replace (or create) a file of the project.
    pub fn change_file(&self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
        write(&self.dir.join(path.as_ref()), contents);
    }

    /// Run mycargo in the project directory. `cmd` is split on whitespace.
    pub fn mycargo(&self, cmd: &str) -> Execs {
        Execs::new(Tool::Mycargo, &self.root, &self.dir).args(cmd.split_whitespace())
    }

    /// Run the installed cargo in the project directory.
    pub fn cargo(&self, cmd: &str) -> Execs {
        Execs::new(Tool::Cargo, &self.root, &self.dir).args(cmd.split_whitespace())
    }

    /// Run `tool` in the project directory.
    pub fn tool(&self, tool: Tool, cmd: &str) -> Execs {
        Execs::new(tool, &self.root, &self.dir).args(cmd.split_whitespace())
    }

    /// Run any program in the project directory, in the same hermetic
    /// environment (with mycargo's home).
    pub fn process(&self, program: impl AsRef<std::ffi::OsStr>) -> Execs {
        Execs::program(program, Tool::Mycargo, &self.root, &self.dir)
    }
}

pub(crate) fn mkdir_p(path: &Path) {
    std::fs::create_dir_all(path)
        .unwrap_or_else(|e| panic!("could not create `{}`: {e}", path.display()));
}

pub(crate) fn write(path: &Path, contents: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        mkdir_p(parent);
    }
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("could not write `{}`: {e}", path.display()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_files_and_default_manifest() {
        let p = project().file("src/lib.rs", "pub fn f() {}").build();
        assert!(p.root().ends_with("foo"));
        assert_eq!(p.read_file("src/lib.rs"), "pub fn f() {}");
        assert!(p.read_file("Cargo.toml").contains("name = \"foo\""));
        p.change_file("src/lib.rs", "");
        assert_eq!(p.read_file("src/lib.rs"), "");
        assert!(p.test_root().cargo_home(Tool::Cargo).is_dir());
    }

    #[test]
    fn no_manifest_and_twins() {
        let (m, c) = project().no_manifest().file("a.txt", "x").build_twins();
        assert!(!m.root().join("Cargo.toml").exists());
        assert_ne!(m.test_root().path(), c.test_root().path());
        assert_eq!(c.read_file("a.txt"), "x");
    }

    #[test]
    fn separate_homes() {
        let p = project().separate_homes().build();
        let r = p.test_root();
        assert_ne!(r.home(Tool::Mycargo), r.home(Tool::Cargo));
        assert!(r.cargo_home(Tool::Mycargo).is_dir());
    }

    #[test]
    fn root_is_removed_on_drop() {
        let p = project().build();
        let path = p.test_root().path().to_path_buf();
        assert!(path.is_dir());
        drop(p);
        if std::env::var_os("MYCARGO_TEST_KEEP").is_none() {
            assert!(!path.exists());
        }
    }
}
