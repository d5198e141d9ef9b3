//! File system helpers: atomic writes and errors that name the path.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;

/// Write `contents` to `path` atomically: a temporary file in the same
/// directory, flushed, then renamed over the target. A reader sees the old
/// file or the new one, never half of one.
pub fn write_atomic(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    write_atomic_with(path, contents.as_ref(), None, true)
}

/// [`write_atomic`] without waiting for the disk (no fsync): for build
/// state that can be remade (fingerprints, dep-info, caches), written on
/// the build's critical path. Readers still see the old or the new file,
/// never a mix; after a crash the file may be empty, which reads as stale.
pub fn write_atomic_nosync(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    write_atomic_with(path, contents.as_ref(), None, false)
}

/// [`write_atomic`] for secrets: the file is readable by its owner only
/// (mode 0600) from the moment it exists.
pub fn write_atomic_private(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    write_atomic_with(path, contents.as_ref(), Some(0o600), true)
}

fn write_atomic_with(
    path: &Path,
    contents: &[u8],
    private: Option<u32>,
    sync: bool,
) -> anyhow::Result<()> {
    // A symlink is written through: the file it points to is replaced
    // and the link stays (as cargo writes a linked `Cargo.toml`).
    let linked;
    let path = match std::fs::read_link(path) {
        Ok(target) => {
            linked = match (target.is_relative(), path.parent()) {
                (true, Some(parent)) => parent.join(target),
                _ => target,
            };
            linked.as_path()
        }
        Err(_) => path,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".mycargo-tmp")
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    // The temporary file is created 0600, so a secret never has wider
    // permissions on disk.
    tmp.write_all(contents)
        .and_then(|()| {
            if sync {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    // Keep the permissions of a file we replace, or the default for a new one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match (private, std::fs::metadata(path)) {
            (Some(mode), _) => mode,
            (None, Ok(m)) => m.permissions().mode(),
            (None, Err(_)) => 0o666 & !current_umask(),
        };
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode));
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(())
}

/// The process umask, read once: new files get `0o666 & !umask`, new
/// directories `0o777 & !umask`. From `/proc/self/status` where there is
/// one (reading it through `umask(2)` means setting it, which races with
/// other threads creating files), else through `umask(2)` on first use.
pub fn current_umask() -> u32 {
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(|| {
        let from_proc = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            });
        from_proc.unwrap_or_else(umask_by_setting)
    })
}

#[cfg(unix)]
fn umask_by_setting() -> u32 {
    // The umask can only be read by setting it; set it straight back.
    // SAFETY-free: libc::umask has no memory effects.
    #[allow(unsafe_code)]
    let mask = unsafe {
        let m = libc::umask(0o022);
        libc::umask(m);
        m
    };
    mask as u32
}

#[cfg(not(unix))]
fn umask_by_setting() -> u32 {
    0o022
}

/// Read a file to a string, naming it in the error.
pub fn read_to_string(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("failed to read `{}`", path.display()))
}

/// `create_dir_all`, naming the directory in the error.
pub fn create_dir_all(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("failed to create directory `{}`", path.display()))
}

/// `path` without `.`/`..` components, purely lexically (no symlinks followed).
pub fn normalize_path(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base`, as the `pathdiff` crate computes it (cargo
/// uses it for paths it shows and writes): `None` when no relative path
/// leads there.
pub fn diff_paths(path: &Path, base: &Path) -> Option<PathBuf> {
    if path.is_absolute() != base.is_absolute() {
        return path.is_absolute().then(|| path.to_path_buf());
    }
    let mut ita = path.components();
    let mut itb = base.components();
    let mut comps: Vec<Component<'_>> = Vec::new();
    loop {
        match (ita.next(), itb.next()) {
            (None, None) => break,
            (Some(a), None) => {
                comps.push(a);
                comps.extend(ita.by_ref());
                break;
            }
            (None, _) => comps.push(Component::ParentDir),
            (Some(a), Some(b)) if comps.is_empty() && a == b => {}
            (Some(a), Some(Component::CurDir)) => comps.push(a),
            (Some(_), Some(Component::ParentDir)) => return None,
            (Some(a), Some(_)) => {
                comps.push(Component::ParentDir);
                for _ in itb.by_ref() {
                    comps.push(Component::ParentDir);
                }
                comps.push(a);
                comps.extend(ita.by_ref());
                break;
            }
        }
    }
    Some(comps.iter().map(|c| c.as_os_str()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.txt");
        write_atomic(&p, "one").unwrap();
        write_atomic(&p, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn normalize() {
        assert_eq!(normalize_path(Path::new("/a/./b/../c")), Path::new("/a/c"));
    }
}
