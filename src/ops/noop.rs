//! The "nothing changed" fast path of `build` and `check`.
//!
//! A no-op build must not pay for a resolve and a unit graph. After a
//! build that printed only status lines (no warnings to show again), a
//! record is kept in `$CARGO_HOME/.mycargo/noop/` (named by the command
//! line, the working directory and the target directory): the stat (mtime, size, inode) of everything the build's
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

const MAGIC: &str = "mycargo-noop 2";
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

/// A record that still holds: its header, and the lock held meanwhile.
pub struct Hit {
    pub header: String,
    _lock: Option<std::fs::File>,
}

/// One command's record: where it lives, its key, and the files to stat
/// before the resolve (so an edit during the build is not taken as seen;
/// stat'ed once the record is found not to hold, a hit reads them once).
pub struct Probe {
    file: PathBuf,
    key: String,
    early_paths: Vec<PathBuf>,
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
        // The command line names the record: `build` and `metadata` (or
        // `build` and `check`) keep records of their own.
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let mut name = StableHasher::new();
        for a in &argv {
            name.write(a.as_encoded_bytes());
            name.u64(0);
        }
        name.write(gctx.env.cwd().as_os_str().as_encoded_bytes());
        name.u64(0);
        name.write(target_dir.as_os_str().as_encoded_bytes());
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
        let mut early_paths: Vec<PathBuf> = gctx.config.files_read().to_vec();
        early_paths.extend(gctx.config.discovery_dirs());
        early_paths.push(ws.lock_path());
        for path in ws.manifests().keys() {
            early_paths.push(path.clone());
            if let Some(root) = path.parent() {
                early_paths.extend(discovery_dirs(root));
            }
        }
        // Outside the target directory, which holds only what cargo
        // would put there (tools and tests list it).
        let file = gctx
            .config
            .cargo_home()
            .join(".mycargo")
            .join("noop")
            .join(name.hex());
        // Made now, before anything is stat'ed: made later, it would change
        // `$CARGO_HOME` (a configuration directory watched) after the
        // record took its state.
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        Some(Probe {
            file,
            key: key.hex(),
            early_paths,
            early: Vec::new(),
            messages_at_start: gctx.shell.messages_written(),
        })
    }

    /// Whether the last run with this key left everything as it is now:
    /// then it has nothing to do. The answer holds the record's header
    /// (the `Finished` text) and, for a build, the build directory's lock,
    /// taken (waiting as cargo does) before the files are looked at.
    pub fn unchanged(&mut self, gctx: &mut GlobalContext) -> Option<Hit> {
        let hit = self.check(gctx);
        if hit.is_none() {
            self.stat_early();
        }
        hit
    }

    /// The full path follows a miss: what it rests on, as it starts.
    fn stat_early(&mut self) {
        self.early = self
            .early_paths
            .iter()
            .map(|p| (p.clone(), Stat::of(p)))
            .collect();
    }

    fn check(&self, gctx: &mut GlobalContext) -> Option<Hit> {
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
        let header = lines.next()?.to_string();
        let lock = match lines.next()? {
            "" => None,
            line => {
                // `b:<dir>`: a build directory apart from the target one.
                let locked = match line.strip_prefix("b:") {
                    Some(dir) => {
                        mycargo_compiler::layout::lock_build_dir(Path::new(dir), &mut gctx.shell)
                    }
                    None => mycargo_compiler::layout::lock_artifact_dir(
                        Path::new(line.strip_prefix("a:").unwrap_or(line)),
                        &mut gctx.shell,
                    ),
                };
                match locked {
                    Ok(f) => Some(f),
                    Err(e) => {
                        trace(gctx, &format!("miss: {e:#}"));
                        return None;
                    }
                }
            }
        };
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
        Some(Hit {
            header,
            _lock: lock,
        })
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
        if !self.quiet_since_start(gctx) {
            return;
        }
        let mut stats = self.stats_of_packages(local_manifests, &[]);
        // The first lock a build takes (see the job queue).
        let layout = &bcx.host_layout;
        let lock_dir = match layout.is_split() {
            true => format!("b:{}", layout.build_root.to_string_lossy()),
            false => format!("a:{}", layout.root.to_string_lossy()),
        };
        match units_stats(bcx, &mut stats) {
            Ok(()) => self.write(gctx, &format!("{finished}\n{lock_dir}"), stats),
            Err(why) => trace(gctx, &format!("no record: {why}")),
        }
    }

    /// For a command whose whole answer is its stdout (`metadata`,
    /// `tree`): the answer kept last time, when nothing changed.
    pub fn kept_output(&mut self, gctx: &mut GlobalContext) -> Option<Vec<u8>> {
        let kept = self
            .check(gctx)
            .and_then(|_| std::fs::read(self.output_file()).ok());
        if kept.is_none() {
            self.stat_early();
        }
        kept
    }

    /// Keep `output` with what it rested on: the manifests of every
    /// package (`manifests`; the path ones with their target directories).
    pub fn record_output(
        self,
        gctx: &GlobalContext,
        local_manifests: &[PathBuf],
        manifests: &[PathBuf],
        output: &[u8],
    ) {
        let _ = std::fs::remove_file(&self.file);
        if !self.quiet_since_start(gctx) {
            return;
        }
        let out = self.output_file();
        if let Err(e) = write_file(&out, output) {
            trace(gctx, &format!("no record: {e:#}"));
            return;
        }
        let mut stats = self.stats_of_packages(local_manifests, manifests);
        stats.push((out.clone(), Stat::of(&out)));
        self.write(gctx, "\n", stats);
    }

    fn output_file(&self) -> PathBuf {
        self.file.with_extension("out")
    }

    /// Whether nothing but status lines was printed since the probe: what
    /// else was shown (warnings) the next run must show again.
    fn quiet_since_start(&self, gctx: &GlobalContext) -> bool {
        let quiet = gctx.shell.messages_written() == self.messages_at_start;
        if !quiet {
            trace(gctx, "no record: warnings or notes to show again");
        }
        quiet
    }

    fn write(&self, gctx: &GlobalContext, header: &str, stats: Vec<(PathBuf, Stat)>) {
        let mut text = format!("{MAGIC}\n{}\n{header}\n", self.key);
        let mut seen = std::collections::HashSet::new();
        for (path, stat) in stats {
            if !seen.insert(path.clone()) {
                continue;
            }
            let Some(p) = path.to_str().filter(|p| !p.contains('\n')) else {
                trace(gctx, "no record: a path is not UTF-8");
                return;
            };
            text.push_str(&stat.encode());
            text.push(' ');
            text.push_str(p);
            text.push('\n');
        }
        match write_file(&self.file, text.as_bytes()) {
            Ok(()) => trace(gctx, "recorded"),
            Err(e) => trace(gctx, &format!("no record: {e:#}")),
        }
    }

    /// The early stats (a lock file this run wrote as the write left it),
    /// then the packages' manifests and target directories.
    fn stats_of_packages(
        &self,
        local_manifests: &[PathBuf],
        manifests: &[PathBuf],
    ) -> Vec<(PathBuf, Stat)> {
        let mut out: Vec<(PathBuf, Stat)> = self
            .early
            .iter()
            .map(|(p, s)| match crate::ops::lockfile::written_by_us(p) {
                Some(m) => (p.clone(), Stat::from_meta(&m)),
                None => (p.clone(), *s),
            })
            .collect();
        for m in local_manifests {
            out.push((m.clone(), Stat::of(m)));
            if let Some(root) = m.parent() {
                out.extend(discovery_dirs(root).into_iter().map(|d| {
                    let s = Stat::of(&d);
                    (d, s)
                }));
            }
        }
        out.extend(manifests.iter().map(|m| (m.clone(), Stat::of(m))));
        out
    }
}

/// The manifest paths of `manifests`: the path packages', then all.
pub fn manifest_paths(manifests: &[mycargo_manifest::Manifest]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let local = manifests
        .iter()
        .filter(|m| m.package_id.source_id().is_path())
        .map(|m| m.manifest_path.clone())
        .collect();
    let all = manifests.iter().map(|m| m.manifest_path.clone()).collect();
    (local, all)
}

/// Every unit's files, and its inputs (which must not be newer than it).
fn units_stats(bcx: &BuildContext<'_>, out: &mut Vec<(PathBuf, Stat)>) -> Result<(), String> {
    for unit in bcx.units.topo_order() {
        let w = mycargo_compiler::fingerprint::watched(bcx, &unit);
        out.extend(w.files.into_iter().map(|f| {
            let s = Stat::of(&f);
            (f, s)
        }));
        let limit = w.reference.as_deref().map(Stat::of).and_then(|r| r.mtime());
        for input in w.inputs {
            for (p, s) in walk(&input)? {
                if let (Some(t), Some(limit)) = (s.mtime(), limit)
                    && t > limit
                {
                    return Err(format!("`{}` is newer than its unit", p.display()));
                }
                out.push((p, s));
            }
            if out.len() > MAX_ENTRIES {
                return Err("too many files".to_string());
            }
        }
    }
    Ok(())
}

fn write_file(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    mycargo_util::fs::write_atomic_nosync(path, data)
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
