//! Where things go (cargo's layout). Intermediate files live in the build
//! directory (`build.build-dir`, by default the target directory); the
//! files users run or link against are copied up ("uplifted") into the
//! target directory:
//!
//! ```text
//! <build-dir>/CACHEDIR.TAG
//! <build-dir>/[<triple>/]<profile>/{deps,build,examples,incremental,.fingerprint}
//! <build-dir>/[<triple>/]<profile>/.cargo-lock
//! <target-dir>/CACHEDIR.TAG
//! <target-dir>/[<triple>/]<profile>/{<uplifted files>,examples/}
//! <target-dir>/[<triple>/]<profile>/.cargo-lock
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mycargo_util::shell::Shell;

#[derive(Debug, Clone)]
pub struct Layout {
    /// `<target-dir>/[<triple>/]<profile>`: where final files are uplifted.
    pub root: PathBuf,
    /// `<build-dir>/[<triple>/]<profile>`: intermediate files.
    pub build_root: PathBuf,
    /// Uplifted examples (`<root>/examples`).
    pub dest_examples: PathBuf,
    /// `CARGO_TARGET_TMPDIR`: `<build-dir>/[<triple>/]tmp`.
    pub tmp: PathBuf,
    pub deps: PathBuf,
    pub build: PathBuf,
    pub examples: PathBuf,
    pub incremental: PathBuf,
    pub fingerprint: PathBuf,
    /// `-Z build-dir-new-layout`: units in `build/<pkg>/<hash>/`, no
    /// `deps/`, `examples/` or `.fingerprint/`.
    pub new_layout: bool,
}

/// The directory a profile's output goes to: `debug` for dev and test,
/// `release` for release and bench, the profile's own name otherwise.
pub fn profile_dir(profile: &str) -> &str {
    match profile {
        "dev" | "test" => "debug",
        "release" | "bench" => "release",
        other => other,
    }
}

impl Layout {
    pub fn new(target_dir: &Path, build_dir: &Path, triple: Option<&str>, profile: &str) -> Layout {
        let under = |dir: &Path| {
            let mut p = dir.to_path_buf();
            if let Some(t) = triple {
                p.push(t);
            }
            p
        };
        let root = under(target_dir).join(profile_dir(profile));
        let build_root = under(build_dir).join(profile_dir(profile));
        Layout {
            deps: build_root.join("deps"),
            build: build_root.join("build"),
            examples: build_root.join("examples"),
            incremental: build_root.join("incremental"),
            fingerprint: build_root.join(".fingerprint"),
            tmp: under(build_dir).join("tmp"),
            dest_examples: root.join("examples"),
            build_root,
            root,
            new_layout: false,
        }
    }

    pub fn with_new_layout(mut self, on: bool) -> Layout {
        self.new_layout = on;
        self
    }

    /// Whether intermediate files live apart from the uplifted ones.
    pub fn is_split(&self) -> bool {
        self.root != self.build_root
    }

    /// Create the directories (and both directories' `CACHEDIR.TAG`).
    pub fn prepare(&self, target_dir: &Path, build_dir: &Path) -> anyhow::Result<()> {
        let dirs: Vec<&PathBuf> = match self.new_layout {
            true => vec![
                &self.build,
                &self.incremental,
                &self.root,
                &self.dest_examples,
            ],
            false => vec![
                &self.deps,
                &self.build,
                &self.examples,
                &self.incremental,
                &self.fingerprint,
                &self.root,
                &self.dest_examples,
            ],
        };
        for d in dirs {
            std::fs::create_dir_all(d)
                .with_context(|| format!("failed to create directory `{}`", d.display()))?;
        }
        tag_cache_dirs(target_dir, &self.root)?;
        if self.is_split() {
            tag_cache_dirs(build_dir, &self.build_root)?;
        }
        Ok(())
    }
}

/// Mark the target dir and, with `--target`, the triple's directory as
/// caches (`CACHEDIR.TAG`, as cargo writes it) so backup tools skip them.
pub fn tag_cache_dirs(target_dir: &Path, root: &Path) -> anyhow::Result<()> {
    let mut tag_dirs = vec![target_dir.to_path_buf()];
    if let Some(triple_dir) = root.parent()
        && triple_dir != target_dir
    {
        tag_dirs.push(triple_dir.to_path_buf());
    }
    for dir in tag_dirs {
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            mycargo_util::fs::write_atomic_nosync(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n\
                 # This file is a cache directory tag created by cargo.\n\
                 # For information about cache directory tags see https://bford.info/cachedir/\n",
            )?;
        }
    }
    Ok(())
}

/// Hold `<root>/.cargo-lock` (the artifact directory's lock, shared with
/// cargo), waiting with cargo's `Blocking` line when another build has it.
pub fn lock_artifact_dir(root: &Path, shell: &mut Shell) -> anyhow::Result<std::fs::File> {
    lock_dir(root, "artifact directory", shell)
}

/// Hold `<build-root>/.cargo-lock`, the build directory's own lock when
/// it is apart from the target directory.
pub fn lock_build_dir(root: &Path, shell: &mut Shell) -> anyhow::Result<std::fs::File> {
    lock_dir(root, "build directory", shell)
}

/// `-Z fine-grain-locking`: the build directory's lock, shared (units
/// lock their own directories).
pub fn lock_build_dir_shared(root: &Path, shell: &mut Shell) -> anyhow::Result<std::fs::File> {
    lock_dir_as(root, "build directory", true, shell)
}

fn lock_dir(root: &Path, what: &str, shell: &mut Shell) -> anyhow::Result<std::fs::File> {
    lock_dir_as(root, what, false, shell)
}

/// `<root>/.cargo-lock`, shared or exclusive, with cargo's `Blocking`
/// line while another process holds it.
fn lock_dir_as(
    root: &Path,
    what: &str,
    shared: bool,
    shell: &mut Shell,
) -> anyhow::Result<std::fs::File> {
    let path = root.join(".cargo-lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("failed to open `{}`", path.display()))?;
    let tried = match shared {
        true => file.try_lock_shared(),
        false => file.try_lock(),
    };
    match tried {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            shell.status_with_style(
                "Blocking",
                format!("waiting for file lock on {what}"),
                mycargo_util::shell::NOTE,
            )?;
            match shared {
                true => file.lock_shared(),
                false => file.lock(),
            }
            .with_context(|| format!("failed to lock `{}`", path.display()))?;
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("failed to lock `{}`", path.display()));
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs() {
        let t = Path::new("/t");
        let l = Layout::new(t, t, None, "test");
        assert_eq!(l.deps, Path::new("/t/debug/deps"));
        assert!(!l.is_split());
        let l = Layout::new(t, t, Some("x86_64-unknown-linux-gnu"), "bench");
        assert_eq!(l.root, Path::new("/t/x86_64-unknown-linux-gnu/release"));
        assert_eq!(l.tmp, Path::new("/t/x86_64-unknown-linux-gnu/tmp"));
        assert_eq!(Layout::new(t, t, None, "prof").root, Path::new("/t/prof"));
        // With a build directory, only uplifted files stay in the target.
        let l = Layout::new(t, Path::new("/b"), None, "dev");
        assert_eq!(l.root, Path::new("/t/debug"));
        assert_eq!(l.deps, Path::new("/b/debug/deps"));
        assert_eq!(l.fingerprint, Path::new("/b/debug/.fingerprint"));
        assert_eq!(l.dest_examples, Path::new("/t/debug/examples"));
        assert_eq!(l.tmp, Path::new("/b/tmp"));
    }
}
