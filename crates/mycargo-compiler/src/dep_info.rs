//! Dep-info: which files and environment variables a compilation read, and
//! whether any of them changed since.
//!
//! Three parts, following cargo's `core/compiler/fingerprint/dep_info.rs`:
//!
//! 1. [`parse_rustc_dep_info`] reads the Makefile-style `.d` file rustc writes
//!    next to its outputs: the first `target: deps` line gives the inputs
//!    (spaces escaped as `\ `), `# env-dep:NAME=VALUE` / `# env-dep:NAME`
//!    lines give the environment variables read with `env!`/`option_env!`
//!    (set / unset), and `# checksum:` lines (from `-Z checksum-hash-algorithm`)
//!    give file checksums.
//! 2. [`translate`] turns that into an [`EncodedDepInfo`] for the fingerprint
//!    directory, with paths relative to the target root or the package root
//!    where possible so a moved project stays fresh. It is stored in a small
//!    versioned binary format of our own ([`EncodedDepInfo::write`] /
//!    [`EncodedDepInfo::read`]); it is not byte-compatible with cargo's
//!    `dep-lib-*` files and need not be, as each tool has its own
//!    fingerprint directories.
//! 3. [`StaleChecker`] and [`newest_input_after`] decide freshness with `stat`
//!    alone (never reading contents): an input newer than the reference time
//!    (the dep-info file's mtime, which is set to the build's start) or
//!    missing makes the unit stale; so does an environment variable whose
//!    value changed. [`StaleItem`] renders cargo's `-v` "Dirty" reasons.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use filetime::FileTime;

/// What rustc's `.d` file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RustcDepInfo {
    /// The inputs of the main target, in order, without duplicates, with the
    /// checksum from a `# checksum:` line when there is one.
    pub files: Vec<(PathBuf, Option<Checksum>)>,
    /// Environment variables read during compilation: `Some(value)` when it
    /// was set, `None` when the compilation depends on it being unset.
    pub env: Vec<(String, Option<String>)>,
}

/// A file checksum from a `# checksum:ALGO=HEX file_len:N PATH` line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Checksum {
    pub algo: ChecksumAlgo,
    /// Lower-case hex digits.
    pub hex: String,
    /// The file's length in bytes when it was hashed.
    pub file_len: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumAlgo {
    Sha256,
    Blake3,
}

impl ChecksumAlgo {
    fn name(self) -> &'static str {
        match self {
            ChecksumAlgo::Sha256 => "sha256",
            ChecksumAlgo::Blake3 => "blake3",
        }
    }

    fn from_name(s: &str) -> Option<ChecksumAlgo> {
        match s {
            "sha256" => Some(ChecksumAlgo::Sha256),
            "blake3" => Some(ChecksumAlgo::Blake3),
            _ => None,
        }
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.algo.name(), self.hex)
    }
}

/// Why a `.d` file could not be understood (cargo's words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MalformedDepInfo {
    #[error("malformed dep-info format, trailing \\")]
    TrailingBackslash,
    #[error("unknown escape character `{0}`")]
    UnknownEscape(char),
    #[error("unterminated escape character")]
    UnterminatedEscape,
    #[error("algorithm portion incorrect, expected `sha256`, or `blake3`")]
    ChecksumAlgo,
    #[error("expected 64 hexadecimal digits in checksum portion")]
    ChecksumDigits,
    #[error("expected a string with format \"algorithm=hex_checksum\"")]
    ChecksumFormat,
    #[error("stream did not contain valid UTF-8")]
    NotUtf8,
}

/// A failure to read, parse or write dep-info; each names its file.
#[derive(Debug, thiserror::Error)]
pub enum DepInfoError {
    #[error("failed to read `{}`", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("failed to parse dep-info file `{}`", .path.display())]
    Parse {
        path: PathBuf,
        #[source]
        source: MalformedDepInfo,
    },
    #[error("cannot store path `{}` in a dep-info file: it is not valid UTF-8", .0.display())]
    NonUtf8Path(PathBuf),
    /// Writing failed (the error names the file).
    #[error(transparent)]
    Write(anyhow::Error),
}

/// Parse the contents of a rustc `.d` file.
pub fn parse_rustc_dep_info(contents: &str) -> Result<RustcDepInfo, MalformedDepInfo> {
    let mut ret = RustcDepInfo::default();
    let mut index: HashMap<PathBuf, usize> = HashMap::new();
    let mut found_deps = false;
    let mut add =
        |ret: &mut RustcDepInfo, path: PathBuf, sum: Option<Checksum>| match index.entry(path) {
            Entry::Occupied(o) => {
                if sum.is_some() {
                    ret.files[*o.get()].1 = sum;
                }
            }
            Entry::Vacant(v) => {
                ret.files.push((v.key().clone(), sum));
                v.insert(ret.files.len() - 1);
            }
        };

    for line in contents.lines() {
        if let Some(rest) = line.strip_prefix("# env-dep:") {
            let (name, value) = match rest.split_once('=') {
                Some((n, v)) => (n, Some(unescape_env(v)?)),
                None => (rest, None),
            };
            ret.env.push((unescape_env(name)?, value));
        } else if let Some(pos) = line.find(": ") {
            // Only the first rule counts: the other targets (`.rlib`,
            // `.rmeta`) list the same inputs. The target part is not
            // escaped by rustc, hence the search for ": ".
            if found_deps {
                continue;
            }
            found_deps = true;
            let mut words = line[pos + 2..].split_whitespace();
            while let Some(word) = words.next() {
                let mut file = word.to_string();
                while file.ends_with('\\') {
                    file.pop();
                    file.push(' ');
                    file.push_str(words.next().ok_or(MalformedDepInfo::TrailingBackslash)?);
                }
                add(&mut ret, PathBuf::from(file), None);
            }
        } else if let Some(rest) = line.strip_prefix("# checksum:") {
            let mut parts = rest.splitn(3, ' ');
            let Some(sum) = parts.next() else { continue };
            let (algo, hex) = parse_checksum(sum)?;
            let Some(Ok(file_len)) = parts
                .next()
                .and_then(|s| s.strip_prefix("file_len:"))
                .map(str::parse::<u64>)
            else {
                continue;
            };
            let Some(path) = parts.next() else { continue };
            let sum = Checksum {
                algo,
                hex,
                file_len,
            };
            add(&mut ret, PathBuf::from(path), Some(sum));
        }
    }
    Ok(ret)
}

/// Read and parse a rustc `.d` file.
pub fn read_rustc_dep_info(path: &Path) -> Result<RustcDepInfo, DepInfoError> {
    let bytes = std::fs::read(path).map_err(|source| DepInfoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let parse_err = |source| DepInfoError::Parse {
        path: path.to_path_buf(),
        source,
    };
    let text = String::from_utf8(bytes).map_err(|_| parse_err(MalformedDepInfo::NotUtf8))?;
    parse_rustc_dep_info(&text).map_err(parse_err)
}

/// rustc writes an env-dep on one line, escaping `\`, `\n` and `\r`.
fn unescape_env(s: &str) -> Result<String, MalformedDepInfo> {
    let mut ret = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            ret.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => ret.push('\\'),
            Some('n') => ret.push('\n'),
            Some('r') => ret.push('\r'),
            Some(c) => return Err(MalformedDepInfo::UnknownEscape(c)),
            None => return Err(MalformedDepInfo::UnterminatedEscape),
        }
    }
    Ok(ret)
}

fn parse_checksum(s: &str) -> Result<(ChecksumAlgo, String), MalformedDepInfo> {
    let mut parts = s.split('=');
    let algo = parts.next().ok_or(MalformedDepInfo::ChecksumFormat)?;
    let algo = ChecksumAlgo::from_name(algo).ok_or(MalformedDepInfo::ChecksumAlgo)?;
    let hex = parts.next().ok_or(MalformedDepInfo::ChecksumFormat)?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(MalformedDepInfo::ChecksumDigits);
    }
    Ok((algo, hex.to_ascii_lowercase()))
}

/// What a stored path is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepInfoPathKind {
    /// Relative to the package root (`src/lib.rs`).
    PackageRelative,
    /// Relative to the target root (`debug/build/x-1/out/gen.rs`).
    TargetRelative,
    /// Absolute: elsewhere (the sysroot, another package).
    Absolute,
}

impl DepInfoPathKind {
    fn tag(self) -> u8 {
        match self {
            DepInfoPathKind::PackageRelative => 0,
            DepInfoPathKind::TargetRelative => 1,
            DepInfoPathKind::Absolute => 2,
        }
    }

    fn from_tag(t: u8) -> Option<DepInfoPathKind> {
        match t {
            0 => Some(DepInfoPathKind::PackageRelative),
            1 => Some(DepInfoPathKind::TargetRelative),
            2 => Some(DepInfoPathKind::Absolute),
            _ => None,
        }
    }
}

/// One input in an [`EncodedDepInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepInfoFile {
    pub kind: DepInfoPathKind,
    pub path: PathBuf,
    pub checksum: Option<Checksum>,
}

/// The dep-info kept in the fingerprint directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodedDepInfo {
    pub files: Vec<DepInfoFile>,
    pub env: Vec<(String, Option<String>)>,
}

/// The dep-info with absolute paths, ready for [`newest_input_after`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedDepInfo {
    pub files: Vec<PathBuf>,
    pub env: Vec<(String, Option<String>)>,
}

/// Where the paths of a compilation are and which of them to keep.
#[derive(Debug, Clone, Copy)]
pub struct TranslateOptions<'a> {
    /// The directory rustc ran in: relative paths in the `.d` file are
    /// relative to it.
    pub rustc_cwd: &'a Path,
    /// The package root (the directory of its `Cargo.toml`).
    pub pkg_root: &'a Path,
    /// The target root (`target/debug` or `target/<triple>/debug`).
    pub target_root: &'a Path,
    /// Whether to keep the package's own files: false for registry and git
    /// packages, whose sources never change, so no-op builds do not stat
    /// them.
    pub track_package_files: bool,
}

/// Environment variables cargo sets that are still tracked when a crate
/// reads them, because they come from the manifest's free-form metadata.
pub const TRACKED_METADATA_ENV: &[&str] = &[
    "CARGO_PKG_AUTHORS",
    "CARGO_PKG_DESCRIPTION",
    "CARGO_PKG_HOMEPAGE",
    "CARGO_PKG_LICENSE",
    "CARGO_PKG_LICENSE_FILE",
    "CARGO_PKG_README",
    "CARGO_PKG_REPOSITORY",
    "CARGO_PKG_RUST_VERSION",
];

/// Cargo's rule for which env-deps to keep: a variable that cargo (or a
/// build script) set on the rustc command is tracked elsewhere and dropped,
/// except `CARGO`, the manifest metadata variables, and `[env]` config keys.
pub fn keep_env_dep(key: &str, set_on_rustc_command: bool, in_env_config: bool) -> bool {
    !set_on_rustc_command || in_env_config || key == "CARGO" || TRACKED_METADATA_ENV.contains(&key)
}

/// Canonicalize, or keep the path as it is when that fails.
fn try_canonicalize(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Turn rustc's dep-info into what the fingerprint directory keeps. Paths
/// under the target root are stored relative to it (checked first, as the
/// target directory is often inside the package), then paths under the
/// package root (dropped unless `track_package_files`), and the rest
/// absolute. Env-deps are kept when `keep_env` says so (see
/// [`keep_env_dep`]).
pub fn translate(
    info: RustcDepInfo,
    opts: &TranslateOptions<'_>,
    mut keep_env: impl FnMut(&str) -> bool,
) -> EncodedDepInfo {
    let target_root = try_canonicalize(opts.target_root);
    let pkg_root = try_canonicalize(opts.pkg_root);
    let mut out = EncodedDepInfo {
        files: Vec::with_capacity(info.files.len()),
        env: info.env,
    };
    out.env.retain(|(k, _)| keep_env(k));
    for (file, checksum) in info.files {
        let abs = opts.rustc_cwd.join(&file);
        let canon = try_canonicalize(&abs);
        let (kind, path) = if let Ok(rel) = canon.strip_prefix(&target_root) {
            (DepInfoPathKind::TargetRelative, rel.to_path_buf())
        } else if let Ok(rel) = canon.strip_prefix(&pkg_root) {
            if !opts.track_package_files {
                continue;
            }
            (DepInfoPathKind::PackageRelative, rel.to_path_buf())
        } else {
            (DepInfoPathKind::Absolute, abs)
        };
        out.files.push(DepInfoFile {
            kind,
            path,
            checksum,
        });
    }
    out
}

/// The first bytes of an encoded dep-info file: a magic and the format
/// version. Any other header (an older format, a cargo file, garbage) reads
/// as "no dep-info", which makes the unit stale.
const MAGIC: &[u8; 7] = b"MCDEPI\0";
const FORMAT_VERSION: u8 = 1;

impl EncodedDepInfo {
    /// The paths made absolute against the package and target roots.
    pub fn resolve(&self, pkg_root: &Path, target_root: &Path) -> ResolvedDepInfo {
        ResolvedDepInfo {
            files: self
                .files
                .iter()
                .map(|f| match f.kind {
                    DepInfoPathKind::PackageRelative => pkg_root.join(&f.path),
                    DepInfoPathKind::TargetRelative => target_root.join(&f.path),
                    DepInfoPathKind::Absolute => f.path.clone(),
                })
                .collect(),
            env: self.env.clone(),
        }
    }

    /// The binary form:
    ///
    /// ```text
    /// "MCDEPI\0" version:u8
    /// nfiles:u32 { kind:u8 path:bytes has_checksum:u8 [algo:u8 hex:bytes file_len:u64] }
    /// nenv:u32   { key:bytes has_value:u8 [value:bytes] }
    /// ```
    ///
    /// where `bytes` is a `u32` length then the bytes, all integers little
    /// endian, and paths are their OS bytes (UTF-8 off Unix).
    pub fn serialize(&self) -> Result<Vec<u8>, DepInfoError> {
        let mut out = Vec::with_capacity(64 + self.files.len() * 32);
        out.extend_from_slice(MAGIC);
        out.push(FORMAT_VERSION);
        put_len(&mut out, self.files.len());
        for f in &self.files {
            out.push(f.kind.tag());
            put_bytes(&mut out, &path_to_bytes(&f.path)?);
            match &f.checksum {
                None => out.push(0),
                Some(c) => {
                    out.push(1);
                    out.push(match c.algo {
                        ChecksumAlgo::Sha256 => 0,
                        ChecksumAlgo::Blake3 => 1,
                    });
                    put_bytes(&mut out, c.hex.as_bytes());
                    out.extend_from_slice(&c.file_len.to_le_bytes());
                }
            }
        }
        put_len(&mut out, self.env.len());
        for (k, v) in &self.env {
            put_bytes(&mut out, k.as_bytes());
            match v {
                None => out.push(0),
                Some(v) => {
                    out.push(1);
                    put_bytes(&mut out, v.as_bytes());
                }
            }
        }
        Ok(out)
    }

    /// Decode [`EncodedDepInfo::serialize`]'s output; `None` if it is not
    /// that format or is cut short.
    pub fn deserialize(bytes: &[u8]) -> Option<EncodedDepInfo> {
        let mut r = Reader(bytes);
        if r.take(MAGIC.len())? != MAGIC || r.u8()? != FORMAT_VERSION {
            return None;
        }
        let nfiles = r.len()?;
        let mut files = Vec::with_capacity(nfiles.min(1 << 16));
        for _ in 0..nfiles {
            let kind = DepInfoPathKind::from_tag(r.u8()?)?;
            let path = bytes_to_path(r.bytes()?)?;
            let checksum = match r.u8()? {
                0 => None,
                1 => {
                    let algo = match r.u8()? {
                        0 => ChecksumAlgo::Sha256,
                        1 => ChecksumAlgo::Blake3,
                        _ => return None,
                    };
                    let hex = std::str::from_utf8(r.bytes()?).ok()?.to_string();
                    let file_len = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
                    Some(Checksum {
                        algo,
                        hex,
                        file_len,
                    })
                }
                _ => return None,
            };
            files.push(DepInfoFile {
                kind,
                path,
                checksum,
            });
        }
        let nenv = r.len()?;
        let mut env = Vec::with_capacity(nenv.min(1 << 16));
        for _ in 0..nenv {
            let key = std::str::from_utf8(r.bytes()?).ok()?.to_string();
            let value = match r.u8()? {
                0 => None,
                1 => Some(std::str::from_utf8(r.bytes()?).ok()?.to_string()),
                _ => return None,
            };
            env.push((key, value));
        }
        r.0.is_empty().then_some(EncodedDepInfo { files, env })
    }

    /// Write atomically to `path`.
    pub fn write(&self, path: &Path) -> Result<(), DepInfoError> {
        let bytes = self.serialize()?;
        mycargo_util::fs::write_atomic_nosync(path, bytes).map_err(DepInfoError::Write)
    }

    /// Read from `path`: `None` when it is missing or not in this format
    /// (either way the unit must be rebuilt).
    pub fn read(path: &Path) -> Result<Option<EncodedDepInfo>, DepInfoError> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(EncodedDepInfo::deserialize(&bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(DepInfoError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    // Counts and lengths above 4 GiB cannot occur in a dep-info file.
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn len(&mut self) -> Option<usize> {
        let b: [u8; 4] = self.take(4)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(b)).ok()
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }
}

#[cfg(unix)]
fn path_to_bytes(p: &Path) -> Result<Vec<u8>, DepInfoError> {
    use std::os::unix::ffi::OsStrExt;
    Ok(p.as_os_str().as_bytes().to_vec())
}

#[cfg(not(unix))]
fn path_to_bytes(p: &Path) -> Result<Vec<u8>, DepInfoError> {
    p.to_str()
        .map(|s| s.as_bytes().to_vec())
        .ok_or_else(|| DepInfoError::NonUtf8Path(p.to_path_buf()))
}

#[cfg(unix)]
fn bytes_to_path(b: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(b)))
}

#[cfg(not(unix))]
fn bytes_to_path(b: &[u8]) -> Option<PathBuf> {
    std::str::from_utf8(b).ok().map(PathBuf::from)
}

/// Why a unit is stale, as found by a file system or environment check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleItem {
    /// An input (or the reference file itself) does not exist.
    MissingFile(PathBuf),
    /// An input is newer than the reference.
    ChangedFile {
        reference: PathBuf,
        reference_mtime: FileTime,
        stale: PathBuf,
        stale_mtime: FileTime,
    },
    /// An environment variable read by the compilation has another value.
    ChangedEnv {
        var: String,
        previous: Option<String>,
        current: Option<String>,
    },
}

impl StaleItem {
    /// The reason in cargo's `-v` words (what follows
    /// `Dirty foo v0.1.0 (/path): `), with paths shown relative to `root`
    /// (the workspace root) when they are under it:
    ///
    /// - ``the file `src/lib.rs` has changed (1700000001.5s, 1s after last build at 1700000000.25s)``
    /// - ``the file `src/lib.rs` is missing``
    /// - `the environment variable FOO changed`
    pub fn describe(&self, root: &Path) -> String {
        match self {
            StaleItem::MissingFile(path) => {
                let file = path.strip_prefix(root).unwrap_or(path);
                format!("the file `{}` is missing", file.display())
            }
            StaleItem::ChangedFile {
                stale,
                stale_mtime,
                reference_mtime,
                ..
            } => {
                let file = stale.strip_prefix(root).unwrap_or(stale);
                format!(
                    "the file `{}` has changed ({})",
                    file.display(),
                    after(*reference_mtime, *stale_mtime, "last build")
                )
            }
            StaleItem::ChangedEnv { var, .. } => {
                format!("the environment variable {var} changed")
            }
        }
    }
}

/// `NEW, DIFF after WHAT at OLD` as cargo prints it, times as
/// `seconds.nanosecondss`.
pub fn after(old: FileTime, new: FileTime, what: &str) -> String {
    format!(
        "{}, {} after {what} at {}",
        show_time(new),
        time_diff(old, new),
        show_time(old)
    )
}

fn show_time(t: FileTime) -> String {
    format!("{}.{:09}s", t.seconds(), t.nanoseconds())
}

/// Whole seconds in humantime's style (`1h 2m 3s`, `1day 5s`), or the
/// nanosecond difference (`61549498ns`) when less than a second apart.
fn time_diff(old: FileTime, new: FileTime) -> String {
    let s_diff = new.seconds() - old.seconds();
    if s_diff >= 1 {
        human_duration(s_diff.unsigned_abs())
    } else {
        let ns = i64::from(new.nanoseconds()) - i64::from(old.nanoseconds());
        format!("{ns}ns")
    }
}

fn human_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let years = secs / 31_557_600; // 365.25 days
    let ydays = secs % 31_557_600;
    let months = ydays / 2_630_016; // 30.44 days
    let mdays = ydays % 2_630_016;
    let days = mdays / 86_400;
    let day_secs = mdays % 86_400;
    let parts = [
        (years, "year", true),
        (months, "month", true),
        (days, "day", true),
        (day_secs / 3600, "h", false),
        (day_secs % 3600 / 60, "m", false),
        (day_secs % 60, "s", false),
    ];
    let mut out = String::new();
    for (n, unit, plural) in parts {
        if n == 0 {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&n.to_string());
        out.push_str(unit);
        if plural && n > 1 {
            out.push('s');
        }
    }
    out
}

/// The modification time of `path`, following symlinks.
pub fn mtime(path: &Path) -> io::Result<FileTime> {
    std::fs::metadata(path).map(|m| FileTime::from_last_modification_time(&m))
}

/// The newest modification time in `path`: its own for a file, the newest
/// of everything inside for a directory (symlinks followed, counting both
/// the link's and its target's time), as cargo checks `rerun-if-changed`
/// directories.
pub fn mtime_recursive(path: &Path) -> io::Result<FileTime> {
    let meta = std::fs::metadata(path)?;
    let own = FileTime::from_last_modification_time(&meta);
    if !meta.is_dir() {
        return Ok(own);
    }
    let mut newest = None;
    let mut visited = Vec::new();
    walk_newest(path, &mut newest, &mut visited);
    Ok(newest.unwrap_or(own))
}

fn walk_newest(dir: &Path, newest: &mut Option<FileTime>, visited: &mut Vec<PathBuf>) {
    // Symlinked directories may form loops: enter each real directory once.
    let real = try_canonicalize(dir);
    if visited.contains(&real) {
        return;
    }
    visited.push(real);
    let bump = |n: &mut Option<FileTime>, t: FileTime| {
        if n.is_none_or(|cur| t > cur) {
            *n = Some(t);
        }
    };
    if let Ok(m) = std::fs::metadata(dir) {
        bump(newest, FileTime::from_last_modification_time(&m));
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        let Ok(lmeta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let mut t = FileTime::from_last_modification_time(&lmeta);
        let target = if lmeta.file_type().is_symlink() {
            std::fs::metadata(&p).ok()
        } else {
            Some(lmeta)
        };
        if let Some(m) = &target {
            t = t.max(FileTime::from_last_modification_time(m));
        }
        bump(newest, t);
        if target.is_some_and(|m| m.is_dir()) {
            walk_newest(&p, newest, visited);
        }
    }
}

/// Freshness checks that share one cache of modification times, so a file
/// used by many units is stat'ed once per build.
#[derive(Debug, Default)]
pub struct StaleChecker {
    mtimes: HashMap<PathBuf, FileTime>,
    skip_dirs: Vec<PathBuf>,
}

impl StaleChecker {
    pub fn new() -> StaleChecker {
        StaleChecker::default()
    }

    /// Never check files under these directories: cargo treats
    /// `$CARGO_HOME/registry` and `$CARGO_HOME/git` as immutable, so a CI
    /// cache restore that touches them does not rebuild everything.
    pub fn skip_dirs(mut self, dirs: impl IntoIterator<Item = PathBuf>) -> StaleChecker {
        self.skip_dirs.extend(dirs);
        self
    }

    /// The first of `paths` that is missing or newer than `reference_mtime`.
    /// Equal times count as fresh. Directories count with their newest
    /// content.
    pub fn first_stale<I, P>(
        &mut self,
        reference: &Path,
        reference_mtime: FileTime,
        paths: I,
    ) -> Option<StaleItem>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        for path in paths {
            let path = path.as_ref();
            if self.skip_dirs.iter().any(|d| path.starts_with(d)) {
                continue;
            }
            let t = match self.mtimes.get(path) {
                Some(t) => *t,
                None => match mtime_recursive(path) {
                    Ok(t) => *self.mtimes.entry(path.to_path_buf()).or_insert(t),
                    Err(_) => return Some(StaleItem::MissingFile(path.to_path_buf())),
                },
            };
            if t > reference_mtime {
                return Some(StaleItem::ChangedFile {
                    reference: reference.to_path_buf(),
                    reference_mtime,
                    stale: path.to_path_buf(),
                    stale_mtime: t,
                });
            }
        }
        None
    }

    /// The whole check of a compiled unit against its stored dep-info, in
    /// cargo's order: a missing or unreadable dep-info file is stale; then
    /// each env-dep is compared with `current_env` (which should answer as
    /// cargo does: the manifest's value for the metadata variables, `[env]`
    /// config, mycargo's own path for `CARGO`, else the environment); then
    /// each input against the dep-info file's own mtime.
    pub fn check_dep_info(
        &mut self,
        dep_info_file: &Path,
        pkg_root: &Path,
        target_root: &Path,
        current_env: impl FnMut(&str) -> Option<String>,
    ) -> Option<StaleItem> {
        let missing = || Some(StaleItem::MissingFile(dep_info_file.to_path_buf()));
        let Ok(Some(info)) = EncodedDepInfo::read(dep_info_file) else {
            return missing();
        };
        let Ok(reference_mtime) = mtime(dep_info_file) else {
            return missing();
        };
        let info = info.resolve(pkg_root, target_root);
        if let Some(item) = stale_env(&info.env, current_env) {
            return Some(item);
        }
        self.first_stale(dep_info_file, reference_mtime, &info.files)
    }
}

/// The first input of `dep_info` that is missing or newer than
/// `reference_mtime`: `stat` only, no contents read. Directories count with
/// their newest content. The reference path in a
/// [`StaleItem::ChangedFile`] is left empty; use [`StaleChecker`] to share
/// an mtime cache and name the reference.
pub fn newest_input_after(
    dep_info: &ResolvedDepInfo,
    reference_mtime: FileTime,
) -> Option<StaleItem> {
    StaleChecker::new().first_stale(Path::new(""), reference_mtime, &dep_info.files)
}

/// The first env-dep whose current value differs from the recorded one
/// (set versus unset counts).
pub fn stale_env(
    env: &[(String, Option<String>)],
    mut current: impl FnMut(&str) -> Option<String>,
) -> Option<StaleItem> {
    for (var, previous) in env {
        let now = current(var);
        if now != *previous {
            return Some(StaleItem::ChangedEnv {
                var: var.clone(),
                previous: previous.clone(),
                current: now,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests;
