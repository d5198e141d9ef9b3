//! mycargo-lockfile: `Cargo.lock` in and out, byte-identical to cargo 1.95.
//!
//! - [`schema`]: the serde shape of the file (`[[package]]` entries,
//!   dependency strings, `source` strings) with cargo's orderings.
//! - [`Lockfile`]: the model, a resolve of [`LockedPackage`]s keyed by
//!   [`PackageId`](mycargo_core::PackageId), read from text with
//!   [`Lockfile::parse`] (versions 1 to 4; path packages take their source
//!   from [`PathSources`]) and written with [`Lockfile::to_toml_string`].
//! - [`LockVersion`]: the format versions and which one a workspace gets.
//! - [`plan_write`]: cargo's decision to leave a file alone or rewrite it
//!   (and in which version).
//!
//! Everything is pure except [`read`] and [`write`] (atomic).

mod encode;
mod model;
pub mod schema;
mod version;

use std::path::Path;

pub use encode::source_string;
pub use model::{
    LockedPackage, Lockfile, LockfileError, PathSources, cmp_package_id, cmp_source_id,
};
pub use version::LockVersion;

/// The file name.
pub const LOCKFILE_NAME: &str = "Cargo.lock";

/// What writing a resolve comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The file already says this; leave it untouched.
    Unchanged,
    /// Write these contents (the file is missing or differs).
    Write(String),
}

/// cargo's `write_pkg_lockfile` without the IO.
///
/// `resolve.version` must be the version of the file it replaces (or
/// `target` for a new file): the resolve is first written in that version
/// and compared with `orig` line by line. When the two differ — and, if
/// `locked` is given (updates not allowed), the two texts also read back
/// as different resolves — the file must be written, raised to `target`
/// when older. The caller refuses the write under `--locked`.
pub fn plan_write(
    resolve: &mut Lockfile,
    orig: Option<&str>,
    target: LockVersion,
    locked: Option<&PathSources>,
) -> Plan {
    let out = resolve.to_toml_string(orig);
    if let Some(orig) = orig
        && are_equal(orig, &out, locked)
    {
        return Plan::Unchanged;
    }
    if resolve.version < target {
        resolve.version = target;
        return Plan::Write(resolve.to_toml_string(orig));
    }
    Plan::Write(out)
}

/// Same lines (so line endings and a missing last newline do not count),
/// or, when updates are not allowed, the same resolve.
fn are_equal(orig: &str, current: &str, locked: Option<&PathSources>) -> bool {
    if let Some(paths) = locked
        && let (Ok(a), Ok(b)) = (
            Lockfile::parse(orig, paths),
            Lockfile::parse(current, paths),
        )
        && a == b
    {
        return true;
    }
    orig.lines().eq(current.lines())
}

/// The text of the lock file at `path`, or `None` when there is none.
pub fn read(path: &Path) -> anyhow::Result<Option<String>> {
    // A broken or looping symbolic link is no lock file (as for cargo).
    if !path.exists() {
        return Ok(None);
    }
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => {
            Err(anyhow::Error::new(e).context(format!("failed to read file: {}", path.display())))
        }
    }
}

/// Write `contents` to `path` atomically (a temporary file renamed over it).
pub fn write(path: &Path, contents: &str) -> anyhow::Result<()> {
    // A lock file moved by `resolver.lockfile-path` may name a new folder.
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && !dir.is_dir()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("failed to create directory `{}`: {e}", dir.display()))?;
    }
    mycargo_util::fs::write_atomic(path, contents)
}

#[cfg(test)]
mod tests;
