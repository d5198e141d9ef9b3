//! Safe extraction of a `.crate` into
//! `$CARGO_HOME/registry/src/<dir>/<name>-<version>/`.
//!
//! - Every entry must lie under `<name>-<version>/`; `..` components,
//!   absolute paths, hard links and device/fifo entries are refused (the
//!   whole crate is refused, nothing is left behind).
//! - Symbolic links are kept when they stay inside the package, as cargo
//!   keeps them: the target must be relative, and resolving it (following
//!   the package's other links) must not leave `<name>-<version>/`.
//! - The decompressed stream is capped at max(512 MiB, 20 × the `.crate`).
//! - Modes are masked by the process umask.
//! - An entry named `<name>-<version>/.cargo-ok` is skipped; our own
//!   `.cargo-ok` (`{"v":1}`) is written last. A directory without it (or
//!   with another content) is removed and extracted again.
//! - Extraction happens in a temporary directory beside the destination,
//!   renamed into place when complete. Temporary directories left by a
//!   killed run (`.tmp-*`) are removed by the first unpack of a process
//!   into that directory (the caller holds the package-cache lock, so no
//!   other process is unpacking there).

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use anyhow::{Context as _, bail};
use flate2::read::GzDecoder;

/// The marker file and what it must contain.
pub const CARGO_OK: &str = ".cargo-ok";
pub const CARGO_OK_CONTENTS: &[u8] = br#"{"v":1}"#;

/// The smallest decompression cap.
pub const MIN_UNPACK_LIMIT: u64 = 512 * 1024 * 1024;

/// The prefix of the temporary directories extraction happens in.
const TMP_PREFIX: &str = ".tmp-";

/// The `registry/src/<dir>/` directories this process has swept.
static SWEPT: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

/// Files whose mtime cargo resets after unpacking (cargo #16237).
const RESET_MTIME: [&str; 3] = ["Cargo.lock", "Cargo.toml", ".cargo_vcs_info.json"];
const RESET_MTIME_TO: i64 = 1153704088;

/// cargo's testsuite's overrides of the cap (`__CARGO_TEST_MAX_UNPACK_SIZE`
/// and `__CARGO_TEST_MAX_UNPACK_RATIO`, test-only, read by
/// [`crate::net::NetConfig::from_config`]): the floor and the ratio.
static TEST_LIMITS: std::sync::OnceLock<(Option<u64>, Option<u64>)> = std::sync::OnceLock::new();

/// Set the test-only overrides of the decompression cap (once a process).
pub fn set_test_limits(size: Option<u64>, ratio: Option<u64>) {
    let _ = TEST_LIMITS.set((size, ratio));
}

/// The decompression cap for a `.crate` of `compressed` bytes: 512 MiB,
/// or 20 times its size when that is more.
pub fn max_unpack_size(compressed: u64) -> u64 {
    let (size, ratio) = TEST_LIMITS.get().copied().unwrap_or((None, None));
    size.unwrap_or(MIN_UNPACK_LIMIT)
        .max(compressed.saturating_mul(ratio.unwrap_or(20)))
}

/// Whether `dir` is a complete extraction: a real directory whose
/// `.cargo-ok` says `{"v":1}`.
pub fn is_unpacked(dir: &Path) -> bool {
    let is_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    is_dir && std::fs::read(dir.join(CARGO_OK)).is_ok_and(|c| c == CARGO_OK_CONTENTS)
}

/// A reader that fails once more than `limit` bytes have come through.
struct LimitReader<R> {
    inner: R,
    remaining: u64,
}

impl<R: Read> Read for LimitReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.remaining.checked_sub(n as u64) {
            Some(r) => {
                self.remaining = r;
                Ok(n)
            }
            None => Err(io::Error::other("maximum limit reached when reading")),
        }
    }
}

pub use mycargo_util::fs::current_umask;

/// Give the files `cargo package` generates (uploaded with an old mtime)
/// cargo's fixed one, wherever a package is unpacked (cargo's workaround
/// for rust-lang/cargo#16237).
pub fn reset_generated_mtimes(pkg_root: &Path) {
    for f in RESET_MTIME {
        let p = pkg_root.join(f);
        if p.is_file() {
            let t = filetime::FileTime::from_unix_time(RESET_MTIME_TO, 0);
            let _ = filetime::set_file_mtime(&p, t);
        }
    }
}

/// Extract `crate_file` for `name` `version` under `src_parent` (the
/// registry's `registry/src/<dir>/`); returns `<src_parent>/<name>-<version>`.
/// Does nothing if that directory is already complete.
pub fn unpack_crate(
    crate_file: &Path,
    src_parent: &Path,
    name: &str,
    version: &str,
) -> anyhow::Result<PathBuf> {
    unpack_shown_as(
        crate_file,
        src_parent,
        name,
        version,
        &format!("{name} v{version}"),
    )
}

/// [`unpack_crate`], the package named in errors as `shown` (cargo's
/// package id: `foo v1.0.0 (registry `alt`)` outside crates.io).
pub fn unpack_shown_as(
    crate_file: &Path,
    src_parent: &Path,
    name: &str,
    version: &str,
    shown: &str,
) -> anyhow::Result<PathBuf> {
    let len = std::fs::metadata(crate_file)
        .with_context(|| format!("failed to read `{}`", crate_file.display()))?
        .len();
    unpack_with_limit(crate_file, src_parent, name, version, max_unpack_size(len))
        .with_context(|| format!("failed to unpack package `{shown}`"))
}

pub(crate) fn unpack_with_limit(
    crate_file: &Path,
    src_parent: &Path,
    name: &str,
    version: &str,
    limit: u64,
) -> anyhow::Result<PathBuf> {
    let prefix = format!("{name}-{version}");
    let dst = src_parent.join(&prefix);
    if is_unpacked(&dst) {
        return Ok(dst);
    }
    mycargo_util::fs::create_dir_all(src_parent)?;
    sweep_once(src_parent);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{prefix}-"))
        .tempdir_in(src_parent)
        .with_context(|| {
            format!(
                "failed to create a temporary directory in `{}`",
                src_parent.display()
            )
        })?;
    let file = File::open(crate_file)
        .with_context(|| format!("failed to open `{}`", crate_file.display()))?;
    let reader = LimitReader {
        inner: GzDecoder::new(io::BufReader::new(file)),
        remaining: limit,
    };
    extract(reader, tmp.path(), &prefix)?;

    let staged = tmp.path().join(&prefix);
    match std::fs::symlink_metadata(&staged) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => bail!("invalid tarball downloaded, `{prefix}` is not a directory"),
        Err(_) => mycargo_util::fs::create_dir_all(&staged)?,
    }
    reset_generated_mtimes(&staged);
    // An incomplete or old extraction is replaced.
    match std::fs::symlink_metadata(&dst) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(&dst)
            .with_context(|| format!("failed to remove `{}`", dst.display()))?,
        Ok(_) => std::fs::remove_file(&dst)
            .with_context(|| format!("failed to remove `{}`", dst.display()))?,
        Err(_) => {}
    }
    std::fs::rename(&staged, &dst).with_context(|| {
        format!(
            "failed to move `{}` to `{}`",
            staged.display(),
            dst.display()
        )
    })?;
    // Written last: the directory is complete from here on.
    if let Err(e) = write_marker(&dst) {
        let _ = std::fs::remove_dir_all(&dst);
        return Err(e);
    }
    Ok(dst)
}

/// Remove the `.tmp-*` directories of interrupted unpacks in
/// `src_parent`, once per process: later unpacks of this process run
/// beside their own temporary directories, which must stay. The caller
/// holds the package-cache lock, so no other process unpacks there.
fn sweep_once(src_parent: &Path) {
    let mut swept = SWEPT.lock().unwrap_or_else(|e| e.into_inner());
    if swept.insert(src_parent.to_path_buf()) {
        remove_leftovers(src_parent);
    }
}

/// Remove every `.tmp-*` entry of `dir` (best effort: a leftover that
/// cannot be removed does no harm beyond its size).
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
            continue;
        }
        let path = entry.path();
        let _ = match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
    }
}

fn write_marker(dst: &Path) -> anyhow::Result<()> {
    let path = dst.join(CARGO_OK);
    let mut ok = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("failed to create `{}`", path.display()))?;
    ok.write_all(CARGO_OK_CONTENTS)
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// Check one entry's path: relative, no `..`, under `prefix/`. Returns
/// whether it is the `.cargo-ok` marker (to be skipped).
fn check_path(path: &Path, prefix: &str) -> anyhow::Result<bool> {
    let shown = path.display();
    let mut comps = path.components();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                bail!("invalid tarball downloaded, entry `{shown}` contains a `..` component")
            }
            Component::RootDir | Component::Prefix(_) => {
                bail!(
                    "invalid tarball downloaded, contains a file at \"{shown}\" which isn't under \"{prefix}\""
                )
            }
            Component::CurDir | Component::Normal(_) => {}
        }
    }
    let first = comps.find(|c| *c != Component::CurDir);
    if first != Some(Component::Normal(prefix.as_ref())) {
        bail!(
            "invalid tarball downloaded, contains a file at \"{shown}\" which isn't under \"{prefix}\""
        );
    }
    let rest: PathBuf = comps.filter(|c| *c != Component::CurDir).collect();
    Ok(rest == Path::new(CARGO_OK))
}

fn extract<R: Read>(reader: R, into: &Path, prefix: &str) -> anyhow::Result<()> {
    let mut archive = tar::Archive::new(reader);
    archive.set_mask(current_umask());
    archive.set_preserve_permissions(false);
    archive.set_unpack_xattrs(false);
    archive.set_overwrite(true);
    let entries = archive
        .entries()
        .context("failed to read the package archive")?;
    let mut links = Vec::new();
    for entry in entries {
        let mut entry = entry.context("failed to iterate over archive")?;
        let path = entry
            .path()
            .context("failed to read an entry path in the archive")?
            .into_owned();
        let kind = entry.header().entry_type();
        use tar::EntryType as T;
        match kind {
            T::Regular | T::Continuous | T::Directory | T::GNUSparse => {}
            T::Symlink => {}
            T::Link => bail!(
                "invalid tarball downloaded, entry `{}` is a hard link",
                path.display()
            ),
            T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => continue,
            other => bail!(
                "invalid tarball downloaded, entry `{}` has an unsupported type ({:?})",
                path.display(),
                other
            ),
        }
        let is_marker = check_path(&path, prefix)?;
        if kind == T::Symlink {
            // Checked now against the links so far, and again at the end.
            let target = link_target(&entry, &path)?;
            check_link(&into.join(prefix), prefix, &path, &target)?;
            links.push((path.clone(), target));
        }
        if is_marker {
            // CVE-2022-36113: the marker is ours alone.
            continue;
        }
        let unpacked = entry
            .unpack_in(into)
            .with_context(|| format!("failed to unpack entry at `{}`", path.display()))?;
        if !unpacked {
            bail!(
                "invalid tarball downloaded, entry `{}` escapes the package directory",
                path.display()
            );
        }
    }
    check_links(&into.join(prefix), prefix, &links)
}

/// The target of a symlink entry: it must be a relative path.
fn link_target<R: Read>(entry: &tar::Entry<'_, R>, path: &Path) -> anyhow::Result<PathBuf> {
    let target = entry
        .link_name()
        .with_context(|| format!("failed to read the link target of `{}`", path.display()))?
        .map(|t| t.into_owned())
        .unwrap_or_default();
    if target.as_os_str().is_empty() || target.has_root() {
        bail!(
            "invalid tarball downloaded, symbolic link `{}` points outside the package (`{}`)",
            path.display(),
            target.display()
        );
    }
    Ok(target)
}

/// Once every entry is written: each symlink must still resolve inside
/// `root` (the staged `<prefix>/`).
fn check_links(root: &Path, prefix: &str, links: &[(PathBuf, PathBuf)]) -> anyhow::Result<()> {
    links
        .iter()
        .try_for_each(|(path, target)| check_link(root, prefix, path, target))
}

/// The symlink entry `path` (`<prefix>/...`) to `target` must resolve
/// inside `root`, following the links it meets on the way.
fn check_link(root: &Path, prefix: &str, path: &Path, target: &Path) -> anyhow::Result<()> {
    let rel: PathBuf = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .skip(1)
        .collect();
    let parent = rel.parent().unwrap_or(Path::new(""));
    let mut hops = 0;
    if resolve_inside(root, root, &parent.join(target), &mut hops).is_none() {
        bail!(
            "invalid tarball downloaded, symbolic link `{}` points outside the package \"{prefix}\" (`{}`)",
            path.display(),
            target.display()
        );
    }
    Ok(())
}

/// Whether the link `rel` (relative to `root`, a package's directory)
/// with target `target` resolves inside `root`, following the links it
/// meets there.
pub fn link_stays_inside(root: &Path, rel: &Path, target: &Path) -> bool {
    let parent = rel.parent().unwrap_or(Path::new(""));
    let mut hops = 0;
    !target.has_root() && resolve_inside(root, root, &parent.join(target), &mut hops).is_some()
}

/// The most links followed while resolving one path (as the kernel's
/// `ELOOP` limit).
const MAX_LINK_HOPS: u32 = 40;

/// Resolve `rel` from `from` (a directory inside `root`, free of links)
/// component by component, following symlinks; `None` when the path
/// climbs out of `root`, is absolute, or loops.
fn resolve_inside(root: &Path, from: &Path, rel: &Path, hops: &mut u32) -> Option<PathBuf> {
    let mut cur = from.to_path_buf();
    for c in rel.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if cur == root => return None,
            Component::ParentDir => {
                cur.pop();
            }
            Component::Normal(name) => {
                let next = cur.join(name);
                match std::fs::read_link(&next) {
                    Ok(target) => {
                        *hops += 1;
                        if *hops > MAX_LINK_HOPS {
                            return None;
                        }
                        cur = resolve_inside(root, &cur, &target, hops)?;
                    }
                    Err(_) => cur = next,
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;

    /// A raw tar header with any path, type and link name (no checks).
    fn raw_entry(out: &mut Vec<u8>, path: &str, kind: u8, link: &str, data: &[u8]) {
        let mut h = [0u8; 512];
        h[..path.len()].copy_from_slice(path.as_bytes());
        h[100..107].copy_from_slice(b"0000644");
        h[108..115].copy_from_slice(b"0000000");
        h[116..123].copy_from_slice(b"0000000");
        let size = format!("{:011o}", data.len());
        h[124..135].copy_from_slice(size.as_bytes());
        h[136..147].copy_from_slice(b"00000000000");
        h[156] = kind;
        h[157..157 + link.len()].copy_from_slice(link.as_bytes());
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        let cks = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(cks.as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    }

    fn gz(tar: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(tar).unwrap();
        e.finish().unwrap()
    }

    fn finish(mut tar: Vec<u8>) -> Vec<u8> {
        tar.extend(std::iter::repeat_n(0u8, 1024));
        tar
    }

    fn good_tar() -> Vec<u8> {
        let mut t = Vec::new();
        raw_entry(&mut t, "foo-1.0.0/Cargo.toml", b'0', "", b"[package]\n");
        raw_entry(&mut t, "foo-1.0.0/src/lib.rs", b'0', "", b"pub fn f() {}\n");
        t
    }

    struct Setup {
        _dir: tempfile::TempDir,
        root: PathBuf,
        src: PathBuf,
        krate: PathBuf,
    }

    fn setup(tar: Vec<u8>) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let src = root.join("home/registry/src/reg");
        std::fs::create_dir_all(&src).unwrap();
        let krate = root.join("foo-1.0.0.crate");
        std::fs::write(&krate, gz(&finish(tar))).unwrap();
        Setup {
            _dir: dir,
            root,
            src,
            krate,
        }
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn refused(tar: Vec<u8>, expect: &str) -> Setup {
        let s = setup(tar);
        let err = unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains("failed to unpack package `foo v1.0.0`"),
            "{msg}"
        );
        assert!(msg.contains(expect), "{msg}");
        assert!(
            listing(&s.src).is_empty(),
            "left behind: {:?}",
            listing(&s.src)
        );
        s
    }

    #[test]
    fn good_crate_unpacks_with_marker_last() {
        let s = setup(good_tar());
        let dst = unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        assert_eq!(dst, s.src.join("foo-1.0.0"));
        assert_eq!(std::fs::read(dst.join(CARGO_OK)).unwrap(), br#"{"v":1}"#);
        assert_eq!(
            std::fs::read_to_string(dst.join("src/lib.rs")).unwrap(),
            "pub fn f() {}\n"
        );
        assert_eq!(listing(&s.src), vec!["foo-1.0.0"]);
        let mtime = std::fs::metadata(dst.join("Cargo.toml")).unwrap();
        assert_eq!(
            filetime::FileTime::from_last_modification_time(&mtime).unix_seconds(),
            RESET_MTIME_TO
        );
        assert!(is_unpacked(&dst));
    }

    #[cfg(unix)]
    #[test]
    fn umask_is_honoured() {
        use std::os::unix::fs::PermissionsExt;
        let mut t = Vec::new();
        raw_entry(&mut t, "foo-1.0.0/run.sh", b'0', "", b"#!/bin/sh\n");
        // Mode 0777 in the header.
        let mode_at = 100;
        t[mode_at..mode_at + 7].copy_from_slice(b"0000777");
        t[148..156].copy_from_slice(b"        ");
        let sum: u32 = t[..512].iter().map(|&b| u32::from(b)).sum();
        t[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let s = setup(t);
        let dst = unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        let mode = std::fs::metadata(dst.join("run.sh"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o777 & !current_umask());
    }

    #[test]
    fn parent_dir_refused() {
        let mut t = good_tar();
        raw_entry(&mut t, "foo-1.0.0/../../../../escaped.txt", b'0', "", b"x");
        let s = refused(t, "contains a `..` component");
        assert!(!s.root.join("escaped.txt").exists());
    }

    #[test]
    fn absolute_refused() {
        let s0 = tempfile::tempdir().unwrap();
        let target = s0.path().join("abs.txt");
        let mut t = good_tar();
        raw_entry(&mut t, target.to_str().unwrap(), b'0', "", b"x");
        refused(t, "which isn't under \"foo-1.0.0\"");
        assert!(!target.exists());
    }

    #[test]
    fn outside_prefix_refused() {
        let mut t = good_tar();
        raw_entry(&mut t, "other-1.0.0/x.rs", b'0', "", b"x");
        refused(
            t,
            "contains a file at \"other-1.0.0/x.rs\" which isn't under \"foo-1.0.0\"",
        );
    }

    #[test]
    fn escaping_symlink_refused() {
        let mut t = good_tar();
        raw_entry(&mut t, "foo-1.0.0/escape", b'2', "../../../..", b"");
        raw_entry(&mut t, "foo-1.0.0/escape/escaped.txt", b'0', "", b"x");
        let s = refused(t, "symbolic link `foo-1.0.0/escape` points outside");
        assert!(!s.root.join("home/escaped.txt").exists());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_inside_the_package_are_kept() {
        let mut t = good_tar();
        raw_entry(&mut t, "foo-1.0.0/README.md", b'2', "src/lib.rs", b"");
        raw_entry(
            &mut t,
            "foo-1.0.0/src/again.rs",
            b'2',
            "../src/./lib.rs",
            b"",
        );
        raw_entry(&mut t, "foo-1.0.0/code", b'2', "src", b"");
        raw_entry(&mut t, "foo-1.0.0/code/via.rs", b'0', "", b"// via\n");
        raw_entry(&mut t, "foo-1.0.0/dangling", b'2', "not/yet", b"");
        let s = setup(t);
        let dst = unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        assert_eq!(
            std::fs::read_link(dst.join("README.md")).unwrap(),
            Path::new("src/lib.rs")
        );
        assert_eq!(
            std::fs::read_to_string(dst.join("src/again.rs")).unwrap(),
            "pub fn f() {}\n"
        );
        assert_eq!(
            std::fs::read_to_string(dst.join("src/via.rs")).unwrap(),
            "// via\n"
        );
        assert!(is_unpacked(&dst));
    }

    #[test]
    fn symlinks_escaping_through_other_links_refused() {
        let cases: [&[(&str, &str)]; 5] = [
            &[("abs", "/etc/passwd")],
            &[("up", "..")],
            &[("here", "."), ("src/out", "../here/..")],
            &[("deep", "src"), ("x", "deep/../../foo-1.0.0/src")],
            &[("a", "b"), ("b", "a")],
        ];
        for links in cases {
            let mut t = good_tar();
            for (path, target) in links {
                raw_entry(&mut t, &format!("foo-1.0.0/{path}"), b'2', target, b"");
            }
            refused(t, "points outside the package");
        }
    }

    #[test]
    fn hard_link_refused() {
        let mut t = good_tar();
        raw_entry(&mut t, "foo-1.0.0/passwd", b'1', "/etc/passwd", b"");
        refused(t, "is a hard link");
    }

    #[test]
    fn package_directory_as_a_file_refused() {
        let mut t = Vec::new();
        raw_entry(&mut t, "foo-1.0.0", b'0', "", b"not a directory");
        refused(t, "`foo-1.0.0` is not a directory");
    }

    #[test]
    fn fifo_refused() {
        let mut t = good_tar();
        raw_entry(&mut t, "foo-1.0.0/pipe", b'6', "", b"");
        refused(t, "unsupported type");
    }

    #[test]
    fn cargo_ok_entry_skipped() {
        let mut t = good_tar();
        raw_entry(&mut t, "foo-1.0.0/.cargo-ok", b'0', "", b"ok");
        let s = setup(t);
        let dst = unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        assert_eq!(
            std::fs::read(dst.join(CARGO_OK)).unwrap(),
            CARGO_OK_CONTENTS
        );
    }

    #[test]
    fn cargo_ok_symlink_refused() {
        let mut t = good_tar();
        raw_entry(&mut t, "foo-1.0.0/.cargo-ok", b'2', "/tmp/victim", b"");
        refused(t, "points outside the package");
    }

    #[test]
    fn incomplete_directory_is_redone_and_complete_one_kept() {
        let s = setup(good_tar());
        let dst = s.src.join("foo-1.0.0");
        std::fs::create_dir_all(dst.join("src")).unwrap();
        std::fs::write(dst.join("stale.rs"), "old").unwrap();
        std::fs::write(dst.join(CARGO_OK), "ok").unwrap(); // old-style marker
        unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        assert!(!dst.join("stale.rs").exists());
        assert!(is_unpacked(&dst));
        // A complete one is left alone.
        std::fs::write(dst.join("mine.rs"), "kept").unwrap();
        unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        assert!(dst.join("mine.rs").exists());
        // No marker at all: redone.
        std::fs::remove_file(dst.join(CARGO_OK)).unwrap();
        unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        assert!(!dst.join("mine.rs").exists());
        assert_eq!(listing(&s.src), vec!["foo-1.0.0"]);
    }

    #[test]
    fn leftovers_of_a_killed_unpack_are_removed() {
        let s = setup(good_tar());
        let left = s.src.join(".tmp-bar-2.0.0-AbC123/bar-2.0.0/src");
        std::fs::create_dir_all(&left).unwrap();
        std::fs::write(left.join("lib.rs"), "half").unwrap();
        std::fs::write(s.src.join(".tmp-stray"), "x").unwrap();
        unpack_crate(&s.krate, &s.src, "foo", "1.0.0").unwrap();
        assert_eq!(listing(&s.src), vec!["foo-1.0.0"]);
    }

    /// A reader producing a tar of one huge zero-filled file, lazily.
    struct ZeroTar {
        header: Vec<u8>,
        pos: u64,
        total: u64,
    }

    impl Read for ZeroTar {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pos >= self.total {
                return Ok(0);
            }
            let n = (buf.len() as u64).min(self.total - self.pos) as usize;
            for (i, b) in buf[..n].iter_mut().enumerate() {
                let at = self.pos + i as u64;
                *b = if at < self.header.len() as u64 {
                    self.header[at as usize]
                } else {
                    0
                };
            }
            self.pos += n as u64;
            Ok(n)
        }
    }

    #[test]
    fn gzip_bomb_is_capped() {
        let size: u64 = 8 << 20;
        let mut header = Vec::new();
        raw_entry(&mut header, "foo-1.0.0/bomb.bin", b'0', "", &[]);
        // Patch the size field for the streamed data.
        header[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header[..512].iter().map(|&b| u32::from(b)).sum();
        header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let mut src = ZeroTar {
            header,
            pos: 0,
            total: 512 + size + 1024,
        };
        let dir = tempfile::tempdir().unwrap();
        let krate = dir.path().join("foo-1.0.0.crate");
        let mut enc = GzEncoder::new(File::create(&krate).unwrap(), Compression::fast());
        io::copy(&mut src, &mut enc).unwrap();
        enc.finish().unwrap();
        let compressed = std::fs::metadata(&krate).unwrap().len();
        assert!(compressed < size / 50, "a bomb: {compressed} bytes");
        let parent = dir.path().join("src");
        let err = unpack_with_limit(&krate, &parent, "foo", "1.0.0", 1 << 20).unwrap_err();
        assert!(
            format!("{err:#}").contains("maximum limit reached when reading"),
            "{err:#}"
        );
        assert!(listing(&parent).is_empty());
        // Under a large enough cap the same file unpacks.
        unpack_with_limit(&krate, &parent, "foo", "1.0.0", 16 << 20).unwrap();
        assert_eq!(listing(&parent), vec!["foo-1.0.0"]);
    }

    #[test]
    fn cap_formula() {
        assert_eq!(max_unpack_size(1000), MIN_UNPACK_LIMIT);
        assert_eq!(max_unpack_size(100 << 20), 2000 << 20);
    }
}
