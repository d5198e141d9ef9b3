//! Where things go under the target directory (cargo's layout):
//!
//! ```text
//! <target-dir>/CACHEDIR.TAG
//! <target-dir>/[<triple>/]<profile>/{deps,build,examples,incremental,.fingerprint}
//! <target-dir>/[<triple>/]<profile>/.cargo-lock
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mycargo_util::shell::Shell;

#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub deps: PathBuf,
    pub build: PathBuf,
    pub examples: PathBuf,
    pub incremental: PathBuf,
    pub fingerprint: PathBuf,
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
    pub fn new(target_dir: &Path, triple: Option<&str>, profile: &str) -> Layout {
        let mut root = target_dir.to_path_buf();
        if let Some(t) = triple {
            root.push(t);
        }
        root.push(profile_dir(profile));
        Layout {
            deps: root.join("deps"),
            build: root.join("build"),
            examples: root.join("examples"),
            incremental: root.join("incremental"),
            fingerprint: root.join(".fingerprint"),
            root,
        }
    }

    /// Create the directories (and the target dir's `CACHEDIR.TAG`).
    pub fn prepare(&self, target_dir: &Path) -> anyhow::Result<()> {
        for d in [
            &self.deps,
            &self.build,
            &self.examples,
            &self.incremental,
            &self.fingerprint,
        ] {
            std::fs::create_dir_all(d)
                .with_context(|| format!("failed to create directory `{}`", d.display()))?;
        }
        tag_cache_dirs(target_dir, &self.root)?;
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
    let path = root.join(".cargo-lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("failed to open `{}`", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            shell.status_with_style(
                "Blocking",
                "waiting for file lock on artifact directory",
                mycargo_util::shell::NOTE,
            )?;
            file.lock()
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
        let l = Layout::new(Path::new("/t"), None, "test");
        assert_eq!(l.deps, Path::new("/t/debug/deps"));
        let l = Layout::new(Path::new("/t"), Some("x86_64-unknown-linux-gnu"), "bench");
        assert_eq!(l.root, Path::new("/t/x86_64-unknown-linux-gnu/release"));
        assert_eq!(
            Layout::new(Path::new("/t"), None, "prof").root,
            Path::new("/t/prof")
        );
    }
}
