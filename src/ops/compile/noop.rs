//! The "nothing changed" fast path of `build` and `check`.
//!
//! A no-op build must not pay for a resolve and a unit graph. After a
//! build that printed only status lines (no warnings to show again), a
//! record is kept in the target
//! directory: the stat (mtime, size, inode) of everything the build's
//! decisions rest on (manifests, `Cargo.lock`, config files and the
//! directories they may appear in, the directories targets are discovered
//! in, every unit's fingerprint, outputs and inputs), under a key made of
//! the command line, the working directory, the environment, the compiler
//! and mycargo itself. The next run with the same key stats those files;
//! if every one is as recorded, the build would do nothing, and only
//! `Finished` is printed. Anything else (a file changed, a new file in a
//! watched directory, no record) takes the full path, which writes a new
//! record.
//!
//! `MYCARGO_LOG=noop` prints why the fast path was or was not taken.

use std::ffi::OsStr;
use std::hash::Hasher as _;
use std::io::Write as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use mycargo_compiler::BuildContext;
use mycargo_compiler::hash::StableHasher;
use mycargo_compiler::rustc_info::RustcOptions;
use mycargo_manifest::Workspace;

use crate::context::GlobalContext;

const MAGIC: &str = "mycargo-noop 1";
/// Walking input directories stops here: a record that large would cost
/// more than the resolve it saves.
const MAX_ENTRIES: usize = 200_000;
/// Variables that change between otherwise identical shells.
const VOLATILE_ENV: &[&str] = &["_", "OLDPWD", "SHLVL"];

/// What a file looked like: absent, or its mtime, size and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stat {
    Missing,
    Present {
        secs: i64,
        nanos: i64,
        size: u64,
        ino: u64,
    },
}

impl Stat {
    fn of(path: &Path) -> Stat {
        match std::fs::metadata(path) {
            Ok(m) => Stat::from_meta(&m),
            Err(_) => Stat::Missing,
        }
    }

    fn from_meta(m: &std::fs::Metadata) -> Stat {
        Stat::Present {
            secs: m.mtime(),
            nanos: m.mtime_nsec(),
            size: m.size(),
            ino: m.ino(),
        }
    }

    /// Its mtime as one comparable number (`None`: absent).
    fn mtime(&self) -> Option<(i64, i64)> {
        match self {
            Stat::Missing => None,
            Stat::Present { secs, nanos, .. } => Some((*secs, *nanos)),
        }
    }

    fn encode(&self) -> String {
        match self {
            Stat::Missing => "- - - -".to_string(),
            Stat::Present {
                secs,
                nanos,
                size,
                ino,
            } => format!("{secs} {nanos} {size} {ino}"),
        }
    }

    fn decode(s: &str) -> Option<Stat> {
        let parts: Vec<&str> = s.split(' ').collect();
        match parts.as_slice() {
            ["-", "-", "-", "-"] => Some(Stat::Missing),
            [secs, nanos, size, ino] => Some(Stat::Present {
                secs: secs.parse().ok()?,
                nanos: nanos.parse().ok()?,
                size: size.parse().ok()?,
                ino: ino.parse().ok()?,
            }),
            _ => None,
        }
    }
}

fn trace(gctx: &GlobalContext, message: &str) {
    let wanted = gctx
        .env
        .get("MYCARGO_LOG")
        .is_some_and(|v| v.split(',').any(|t| t.trim() == "noop"));
    if wanted {
        let _ = writeln!(std::io::stderr(), "[mycargo noop] {message}");
    }
}

/// One command's record: where it lives, its key, and the files stat'ed
/// before the resolve (so an edit during the build is not taken as seen).
pub struct Probe {
    file: PathBuf,
    key: String,
    early: Vec<(PathBuf, Stat)>,
    messages_at_start: u64,
}

impl Probe {
    /// The probe for this command, or `None` when the fast path cannot
    /// know the compiler (no cache then, as for `.rustc_info.json`).
    pub fn new(
        gctx: &GlobalContext,
        ws: &Workspace,
        target_dir: &Path,
        rustc: &RustcOptions,
    ) -> Option<Probe> {
        let compiler = match mycargo_compiler::rustc_info::compiler_fingerprint(rustc, &gctx.env) {
            Ok(c) => c,
            Err(e) => {
                trace(gctx, &format!("no record: {e}"));
                return None;
            }
        };
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let mut name = StableHasher::new();
        for a in &argv {
            name.write(a.as_encoded_bytes());
            name.u64(0);
        }
        name.write(gctx.env.cwd().as_os_str().as_encoded_bytes());
        let mut key = StableHasher::new();
        key.str(MAGIC).str(env!("CARGO_PKG_VERSION"));
        key.str(&Stat::of(&gctx.exe).encode());
        key.str(&name.hex());
        key.u64(compiler);
        for (k, v) in gctx.env.iter() {
            if VOLATILE_ENV.iter().any(|x| OsStr::new(x) == k) {
                continue;
            }
            key.write(k.as_encoded_bytes());
            key.u64(1);
            key.write(v.as_encoded_bytes());
            key.u64(2);
        }
        for m in ws.member_paths() {
            key.write(m.as_os_str().as_encoded_bytes());
            key.u64(3);
        }
        let mut early = Vec::new();
        let mut watch = |p: PathBuf| {
            let s = Stat::of(&p);
            early.push((p, s));
        };
        for p in gctx.config.files_read() {
            watch(p.clone());
        }
        for d in gctx.config.discovery_dirs() {
            watch(d);
        }
        watch(ws.lock_path());
        for path in ws.manifests().keys() {
            watch(path.clone());
            if let Some(root) = path.parent() {
                for d in discovery_dirs(root) {
                    watch(d);
                }
            }
        }
        Some(Probe {
            file: target_dir.join(".mycargo").join("noop").join(name.hex()),
            key: key.hex(),
            early,
            messages_at_start: gctx.shell.messages_written(),
        })
    }

    /// Whether the last build with this key left everything as it is now:
    /// then the build has nothing to do. Returns the `Finished` text.
    pub fn unchanged(&self, gctx: &GlobalContext) -> Option<String> {
        let Ok(text) = std::fs::read_to_string(&self.file) else {
            trace(gctx, "miss: no record");
            return None;
        };
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) {
            trace(gctx, "miss: record of another format");
            return None;
        }
        if lines.next() != Some(self.key.as_str()) {
            trace(gctx, "miss: command, environment or compiler changed");
            return None;
        }
        let finished = lines.next()?.to_string();
        for line in lines {
            let mut parts = line.splitn(5, ' ');
            let stat: Vec<&str> = parts.by_ref().take(4).collect();
            let (Some(stat), Some(path)) = (Stat::decode(&stat.join(" ")), parts.next()) else {
                trace(gctx, "miss: unreadable record");
                return None;
            };
            if Stat::of(Path::new(path)) != stat {
                trace(gctx, &format!("miss: `{path}` changed"));
                return None;
            }
        }
        trace(gctx, "hit");
        Some(finished)
    }

    /// After a build that printed only status lines (`Compiling`,
    /// `Finished`): keep what it rested on. `finished` is the text after
    /// the status word. A build with warnings (shown again by the next
    /// one) removes the old record, and so does a unit whose inputs are
    /// newer than it (an edit while it built).
    pub fn record(
        self,
        gctx: &GlobalContext,
        bcx: &BuildContext<'_>,
        local_manifests: &[PathBuf],
        finished: &str,
    ) {
        let _ = std::fs::remove_file(&self.file);
        if gctx.shell.messages_written() != self.messages_at_start {
            trace(
                gctx,
                "no record: the build had warnings or notes to show again",
            );
            return;
        }
        match self.collect(bcx, local_manifests) {
            Ok(stats) => {
                let mut text = format!("{MAGIC}\n{}\n{finished}\n", self.key);
                for (path, stat) in stats {
                    let Some(p) = path.to_str().filter(|p| !p.contains('\n')) else {
                        trace(gctx, "no record: a path is not UTF-8");
                        return;
                    };
                    text.push_str(&stat.encode());
                    text.push(' ');
                    text.push_str(p);
                    text.push('\n');
                }
                let written = self
                    .file
                    .parent()
                    .map(std::fs::create_dir_all)
                    .unwrap_or(Ok(()))
                    .map_err(anyhow::Error::from)
                    .and_then(|_| mycargo_util::fs::write_atomic_nosync(&self.file, text));
                match written {
                    Ok(()) => trace(gctx, "recorded"),
                    Err(e) => trace(gctx, &format!("no record: {e:#}")),
                }
            }
            Err(why) => trace(gctx, &format!("no record: {why}")),
        }
    }

    fn collect(
        &self,
        bcx: &BuildContext<'_>,
        local_manifests: &[PathBuf],
    ) -> Result<Vec<(PathBuf, Stat)>, String> {
        // A lock file this build wrote is as the write left it.
        let mut out: Vec<(PathBuf, Stat)> = self
            .early
            .iter()
            .map(|(p, s)| match crate::ops::lockfile::written_by_us(p) {
                Some(m) => (p.clone(), Stat::from_meta(&m)),
                None => (p.clone(), *s),
            })
            .collect();
        let mut seen: std::collections::HashSet<PathBuf> =
            out.iter().map(|(p, _)| p.clone()).collect();
        let mut add = |out: &mut Vec<(PathBuf, Stat)>, p: PathBuf, s: Stat| {
            if seen.insert(p.clone()) {
                out.push((p, s));
            }
        };
        for m in local_manifests {
            add(&mut out, m.clone(), Stat::of(m));
            if let Some(root) = m.parent() {
                for d in discovery_dirs(root) {
                    let s = Stat::of(&d);
                    add(&mut out, d, s);
                }
            }
        }
        for unit in bcx.units.topo_order() {
            let w = mycargo_compiler::fingerprint::watched(bcx, &unit);
            for f in w.files {
                let s = Stat::of(&f);
                add(&mut out, f, s);
            }
            let reference = w.reference.as_deref().map(Stat::of);
            let limit = reference.and_then(|r| r.mtime());
            for input in w.inputs {
                for (p, s) in walk(&input)? {
                    if let (Some(t), Some(limit)) = (s.mtime(), limit)
                        && t > limit
                    {
                        return Err(format!("`{}` is newer than its unit", p.display()));
                    }
                    add(&mut out, p, s);
                }
                if out.len() > MAX_ENTRIES {
                    return Err("too many files".to_string());
                }
            }
        }
        Ok(out)
    }
}

/// What decides a package's targets (cargo's target discovery): whether
/// it has a build script, and the listings of its target directories. (The
/// package's own directory is not watched: the lock file and the target
/// directory are written there.)
fn discovery_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.join("build.rs"), root.join("src")];
    for d in ["src/bin", "examples", "tests", "benches"] {
        let dir = root.join(d);
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut subdirs: Vec<PathBuf> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect();
            subdirs.sort();
            dirs.extend(subdirs);
        }
        dirs.push(dir);
    }
    dirs
}

/// `path` and, for a directory, everything under it (links followed once).
fn walk(path: &Path) -> Result<Vec<(PathBuf, Stat)>, String> {
    let mut out = vec![(path.to_path_buf(), Stat::of(path))];
    if !path.is_dir() {
        return Ok(out);
    }
    let mut visited = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let real = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if visited.contains(&real) {
            continue;
        }
        visited.push(real);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let s = Stat::of(&p);
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push((p, s));
            if out.len() > MAX_ENTRIES {
                return Err("too many files".to_string());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_round_trips() {
        let s = Stat::Present {
            secs: 1_700_000_000,
            nanos: 12,
            size: 34,
            ino: 56,
        };
        assert_eq!(Stat::decode(&s.encode()), Some(s));
        assert_eq!(Stat::decode(&Stat::Missing.encode()), Some(Stat::Missing));
        assert_eq!(Stat::decode("1 2 3"), None);
        assert_eq!(Stat::decode("a b c d"), None);
    }

    #[test]
    fn discovery_dirs_include_target_subdirs() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("src/bin/tool")).unwrap();
        std::fs::create_dir_all(t.path().join("examples/demo")).unwrap();
        let dirs = discovery_dirs(t.path());
        assert!(dirs.contains(&t.path().join("src/bin/tool")));
        assert!(dirs.contains(&t.path().join("examples/demo")));
        assert!(dirs.contains(&t.path().join("benches")));
    }

    #[test]
    fn walk_lists_nested_files() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("a/b")).unwrap();
        std::fs::write(t.path().join("a/b/c.txt"), "x").unwrap();
        let listed: Vec<PathBuf> = walk(t.path())
            .unwrap()
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert!(listed.contains(&t.path().join("a/b/c.txt")));
        assert!(listed.contains(&t.path().join("a")));
    }
}
