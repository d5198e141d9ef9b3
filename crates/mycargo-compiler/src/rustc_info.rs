//! What the compiler is and what it says about a target, asked once and
//! remembered.
//!
//! Cargo asks rustc two questions before building anything (cargo's
//! `util/rustc.rs` and `core/compiler/build_context/target_info.rs`):
//!
//! 1. `rustc -vV`: version, host triple, commit ([`RustcInfo`]);
//! 2. `rustc - --crate-name ___ --print=file-names --crate-type bin ... --print=sysroot
//!    --print=split-debuginfo --print=crate-name --print=cfg -Wwarnings`,
//!    plus the rustflags and `--target T`: output file names per crate
//!    type, the sysroot, the supported `-C split-debuginfo` values and the
//!    target's cfgs ([`TargetInfo`]).
//!
//! Both go through the wrappers (`RUSTC_WRAPPER`, then
//! `RUSTC_WORKSPACE_WRAPPER`), as cargo 1.95 does. Their outputs are cached
//! in `<target-dir>/.rustc_info.json` in cargo's own JSON schema, keyed by a
//! hash of each command line and its environment changes, and thrown away
//! when the "rustc fingerprint" changes (the paths and mtimes of rustc and
//! the wrappers, and the rustup toolchain in effect). So a no-op build
//! spawns no rustc at all. The hashes are ours, not cargo's: when the two
//! tools share a target directory each sees the other's file as belonging
//! to another compiler and rewrites it, which costs one probe and breaks
//! nothing.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use filetime::FileTime;
use mycargo_core::Cfg;
use mycargo_core::cfg::CfgParseError;
use mycargo_util::Env;
use serde::{Deserialize, Serialize};

use crate::hash::StableHasher;

/// The crate types cargo asks about up front, in its order.
pub const KNOWN_CRATE_TYPES: &[&str] =
    &["bin", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"];

/// The `CARGO_LOG` target of the cache's log lines (cargo's).
const LOG_TARGET: &str = "cargo::util::rustc";

/// The name of the cache file in the target directory.
pub const CACHE_FILE: &str = ".rustc_info.json";

/// What `rustc -vV` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustcInfo {
    /// The whole output, which goes into every fingerprint.
    pub verbose_version: String,
    /// `release:`.
    pub version: semver::Version,
    /// `host:`.
    pub host: String,
    /// `commit-hash:`, unless absent or `unknown`.
    pub commit_hash: Option<String>,
    /// `commit-date:`, unless absent or `unknown`.
    pub commit_date: Option<String>,
    /// `LLVM version:`.
    pub llvm_version: Option<String>,
}

impl RustcInfo {
    /// Parse `rustc -vV` output, with cargo's errors.
    pub fn parse(verbose_version: &str) -> Result<RustcInfo, RustcInfoError> {
        let field = |name: &str| {
            verbose_version
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::to_string)
        };
        let required = |name: &str| {
            field(name).ok_or_else(|| RustcInfoError::MissingField {
                field: name.trim().to_string(),
                output: verbose_version.to_string(),
            })
        };
        let host = required("host: ")?;
        let release = required("release: ")?;
        let version =
            semver::Version::parse(&release).map_err(|source| RustcInfoError::BadVersion {
                output: verbose_version.to_string(),
                source,
            })?;
        let known = |v: Option<String>| v.filter(|v| v != "unknown");
        Ok(RustcInfo {
            verbose_version: verbose_version.to_string(),
            version,
            host,
            commit_hash: known(field("commit-hash: ")),
            commit_date: known(field("commit-date: ")),
            llvm_version: field("LLVM version: "),
        })
    }
}

/// What the `--print` probe says about one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    /// For each crate type asked about: the output file name's prefix and
    /// suffix around the crate name (`lib`, `.rlib`), or `None` when the
    /// target does not support that crate type.
    pub crate_type_file_names: BTreeMap<String, Option<(String, String)>>,
    /// `--print=sysroot`.
    pub sysroot: PathBuf,
    /// `<sysroot>/lib/rustlib/<target>/lib`.
    pub sysroot_target_libdir: PathBuf,
    /// The values `-C split-debuginfo` accepts on this target.
    pub split_debuginfo: Vec<String>,
    /// The target's cfgs, without `proc_macro` (as cargo drops it).
    pub cfg: Vec<Cfg>,
}

impl TargetInfo {
    /// Parse the probe's output. `cmd` is the command as shown in errors,
    /// `target_short_name` names the target's directory under
    /// `lib/rustlib/`.
    pub fn parse(
        stdout: &str,
        stderr: &str,
        cmd: &str,
        target_short_name: &str,
    ) -> Result<TargetInfo, RustcInfoError> {
        let mut lines = stdout.lines();
        let mut crate_type_file_names = BTreeMap::new();
        for ct in KNOWN_CRATE_TYPES {
            let parts = parse_crate_type(ct, cmd, stdout, stderr, &mut lines)?;
            crate_type_file_names.insert((*ct).to_string(), parts);
        }
        let missing = |request: &str| RustcInfoError::MissingPrint {
            request: request.to_string(),
            info: output_err_info(cmd, stdout, stderr),
        };
        let sysroot = PathBuf::from(lines.next().ok_or_else(|| missing("sysroot"))?);
        let sysroot_target_libdir = sysroot
            .join("lib")
            .join("rustlib")
            .join(target_short_name)
            .join("lib");
        // `--print=crate-name` prints `___` after the split-debuginfo list.
        let mut split_debuginfo = Vec::new();
        loop {
            match lines.next() {
                Some("___") => break,
                Some(l) => split_debuginfo.push(l.to_string()),
                None => return Err(missing("split-debuginfo")),
            }
        }
        let mut cfg = Vec::new();
        for line in lines {
            let c: Cfg = line.parse().map_err(|source| RustcInfoError::Cfg {
                output: stdout.to_string(),
                source,
            })?;
            if c != Cfg::name("proc_macro") {
                cfg.push(c);
            }
        }
        Ok(TargetInfo {
            crate_type_file_names,
            sysroot,
            sysroot_target_libdir,
            split_debuginfo,
            cfg,
        })
    }

    /// The `(prefix, suffix)` of the file a crate type produces; `lib`
    /// means `rlib`. `None` when unsupported or not asked about.
    pub fn file_name_parts(&self, crate_type: &str) -> Option<(&str, &str)> {
        let ct = if crate_type == "lib" {
            "rlib"
        } else {
            crate_type
        };
        self.crate_type_file_names
            .get(ct)
            .and_then(Option::as_ref)
            .map(|(p, s)| (p.as_str(), s.as_str()))
    }

    /// Whether `-C split-debuginfo=<value>` is supported.
    pub fn supports_split_debuginfo(&self, value: &str) -> bool {
        self.split_debuginfo.iter().any(|v| v == value)
    }
}

/// One crate type's line of `--print=file-names`: `prefix___suffix`, unless
/// rustc warned that the crate type is unsupported (then it prints no line).
fn parse_crate_type<'a>(
    crate_type: &str,
    cmd: &str,
    stdout: &str,
    stderr: &str,
    lines: &mut impl Iterator<Item = &'a str>,
) -> Result<Option<(String, String)>, RustcInfoError> {
    let needle = format!("crate type `{crate_type}`");
    let unsupported = stderr.lines().any(|l| {
        (l.contains("unsupported crate type") || l.contains("unknown crate type"))
            && l.contains(&needle)
    });
    if unsupported {
        return Ok(None);
    }
    let Some(line) = lines.next() else {
        return Err(RustcInfoError::MalformedCrateType {
            crate_type: crate_type.to_string(),
            info: output_err_info(cmd, stdout, stderr),
        });
    };
    let mut parts = line.trim().split("___");
    let prefix = parts.next().unwrap_or_default();
    let Some(suffix) = parts.next() else {
        return Err(RustcInfoError::MissingPrint {
            request: "file-names".to_string(),
            info: output_err_info(cmd, stdout, stderr),
        });
    };
    Ok(Some((prefix.to_string(), suffix.to_string())))
}

/// The command and its output, for parse errors (cargo's layout).
fn output_err_info(cmd: &str, stdout: &str, stderr: &str) -> String {
    let mut s = format!("command was: {cmd}\n");
    if !stdout.is_empty() {
        s.push_str("\n--- stdout\n");
        s.push_str(stdout);
    }
    if !stderr.is_empty() {
        s.push_str("\n--- stderr\n");
        s.push_str(stderr);
    }
    if stdout.is_empty() && stderr.is_empty() {
        s.push_str("(no output received)");
    }
    s
}

/// Failures to run or understand rustc; the messages are cargo's.
#[derive(Debug, thiserror::Error)]
pub enum RustcInfoError {
    #[error("could not execute process {cmd} (never executed)")]
    Spawn {
        cmd: String,
        #[source]
        source: std::io::Error,
    },
    #[error("process didn't exit successfully: {cmd} ({status}){output}")]
    Failed {
        cmd: String,
        status: String,
        code: Option<i32>,
        /// `\n--- stdout\n...` and `\n--- stderr\n...` when not blank.
        output: String,
    },
    #[error("{cmd} didn't return utf8 output")]
    NotUtf8 { cmd: String },
    #[error("`rustc -vV` didn't have a line for `{field}`, got:\n{output}")]
    MissingField { field: String, output: String },
    #[error("rustc version does not appear to be a valid semver version, from:\n{output}")]
    BadVersion {
        output: String,
        #[source]
        source: semver::Error,
    },
    #[error("failed to run `rustc` to learn about target-specific information")]
    TargetInfo(#[source] Box<RustcInfoError>),
    #[error("malformed output when learning about crate-type {crate_type} information\n{info}")]
    MalformedCrateType { crate_type: String, info: String },
    #[error(
        "output of --print={request} missing when learning about target-specific information from rustc\n{info}"
    )]
    MissingPrint { request: String, info: String },
    #[error("failed to parse the cfg from `rustc --print=cfg`, got:\n{output}")]
    Cfg {
        output: String,
        #[source]
        source: CfgParseError,
    },
}

/// How to find and run the compiler.
#[derive(Debug, Clone, Default)]
pub struct RustcOptions {
    /// The compiler (`rustc`, `$RUSTC`, `build.rustc`); a bare name is looked
    /// up in `PATH`.
    pub path: PathBuf,
    /// `RUSTC_WRAPPER` / `build.rustc-wrapper`.
    pub wrapper: Option<PathBuf>,
    /// `RUSTC_WORKSPACE_WRAPPER` / `build.rustc-workspace-wrapper`.
    pub workspace_wrapper: Option<PathBuf>,
    /// Where to cache outputs (`<target-dir>/.rustc_info.json`); `None`
    /// turns the cache off. `CARGO_CACHE_RUSTC_INFO=0` also turns it off.
    pub cache_location: Option<PathBuf>,
}

/// What to probe: the host or a target, with the flags that change the
/// answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetInfoRequest<'a> {
    /// `--target`: a triple or a path to a `.json` spec; `None` for the host.
    pub target: Option<&'a str>,
    /// RUSTFLAGS in effect for this target.
    pub rustflags: &'a [String],
    /// Extra environment for the probe (`[env]` config).
    pub env: &'a [(String, String)],
}

/// The compiler, its `-vV` answer, and the cache of its probes.
#[derive(Debug)]
pub struct Rustc {
    pub path: PathBuf,
    pub wrapper: Option<PathBuf>,
    pub workspace_wrapper: Option<PathBuf>,
    pub info: RustcInfo,
    cwd: PathBuf,
    cache: Mutex<ProbeCache>,
    spawned: AtomicUsize,
}

impl Rustc {
    /// Learn about the compiler: `rustc -vV` (from the cache when it is
    /// valid).
    pub fn new(opts: RustcOptions, env: &Env) -> Result<Rustc, RustcInfoError> {
        let disabled = env.get("CARGO_CACHE_RUSTC_INFO") == Some("0");
        if disabled {
            mycargo_util::log::debug(LOG_TARGET, "rustc info cache disabled");
        }
        let cache_location = opts.cache_location.clone().filter(|_| !disabled);
        let fingerprint = rustc_fingerprint(
            &opts.path,
            opts.wrapper.as_deref(),
            opts.workspace_wrapper.as_deref(),
            env,
        );
        let cache = ProbeCache::load(cache_location, fingerprint.ok());
        let mut rustc = Rustc {
            path: opts.path,
            wrapper: opts.wrapper,
            workspace_wrapper: opts.workspace_wrapper,
            info: RustcInfo {
                verbose_version: String::new(),
                version: semver::Version::new(0, 0, 0),
                host: String::new(),
                commit_hash: None,
                commit_date: None,
                llvm_version: None,
            },
            cwd: env.cwd().to_path_buf(),
            cache: Mutex::new(cache),
            spawned: AtomicUsize::new(0),
        };
        let mut cmd = rustc.workspace_process();
        cmd.arg("-vV");
        let (stdout, _) = rustc.cached_output(&cmd, 0)?;
        rustc.info = RustcInfo::parse(&stdout)?;
        Ok(rustc)
    }

    /// A command running rustc through `RUSTC_WRAPPER`, if any.
    pub fn process(&self) -> Command {
        wrapped(&self.path, &[self.wrapper.as_deref()], &self.cwd)
    }

    /// A command for workspace members: `RUSTC_WRAPPER`, then
    /// `RUSTC_WORKSPACE_WRAPPER`, then rustc.
    pub fn workspace_process(&self) -> Command {
        wrapped(
            &self.path,
            &[self.wrapper.as_deref(), self.workspace_wrapper.as_deref()],
            &self.cwd,
        )
    }

    /// A command running rustc itself.
    pub fn process_no_wrapper(&self) -> Command {
        wrapped(&self.path, &[], &self.cwd)
    }

    /// How many processes this handle has spawned (cache misses).
    pub fn spawn_count(&self) -> usize {
        self.spawned.load(Ordering::Relaxed)
    }

    /// The `(stdout, stderr)` of `cmd`: from the cache when this command
    /// line with these environment changes and `extra_fingerprint` ran
    /// before with the same compiler; otherwise run it and remember the
    /// result (failures too). A failure is returned as an error.
    pub fn cached_output(
        &self,
        cmd: &Command,
        extra_fingerprint: u64,
    ) -> Result<(String, String), RustcInfoError> {
        let key = process_fingerprint(cmd, extra_fingerprint);
        let (cached, ran_here) = {
            let cache = self.lock_cache();
            (
                cache.data.outputs.get(&key).cloned(),
                cache.ran.contains(&key),
            )
        };
        let output = match cached {
            Some(o) => {
                if !ran_here {
                    mycargo_util::log::debug(LOG_TARGET, "rustc info cache hit");
                }
                o
            }
            None => {
                mycargo_util::log::debug(LOG_TARGET, "rustc info cache miss");
                let o = self.run(cmd)?;
                let mut cache = self.lock_cache();
                cache.ran.insert(key);
                cache.data.outputs.insert(key, o.clone());
                cache.dirty = true;
                cache.save_if_possible();
                o
            }
        };
        if output.success {
            Ok((output.stdout, output.stderr))
        } else {
            Err(RustcInfoError::Failed {
                cmd: display_command(cmd),
                status: output.status,
                code: output.code,
                output: failure_output(&output.stdout, &output.stderr),
            })
        }
    }

    fn run(&self, cmd: &Command) -> Result<CachedOutput, RustcInfoError> {
        let mut to_run = copy_command(cmd);
        self.spawned.fetch_add(1, Ordering::Relaxed);
        let out = to_run.output().map_err(|source| RustcInfoError::Spawn {
            cmd: display_command(cmd),
            source,
        })?;
        let not_utf8 = || RustcInfoError::NotUtf8 {
            cmd: display_command(cmd),
        };
        let stdout = String::from_utf8(out.stdout).map_err(|_| not_utf8())?;
        let stderr = String::from_utf8(out.stderr).map_err(|_| not_utf8())?;
        let success = out.status.success();
        Ok(CachedOutput {
            success,
            status: if success {
                String::new()
            } else {
                out.status.to_string()
            },
            code: out.status.code(),
            stdout,
            stderr,
        })
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, ProbeCache> {
        // A panic while holding the lock cannot leave the cache half-updated
        // in a harmful way: take it anyway.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The probe command for `request`, without the crate types and
    /// `--print`s that follow them.
    fn probe_base(&self, request: &TargetInfoRequest<'_>) -> Command {
        let mut cmd = self.workspace_process();
        for (k, v) in request.env {
            cmd.env(k, v);
        }
        cmd.arg("-")
            .arg("--crate-name")
            .arg("___")
            .arg("--print=file-names")
            .args(request.rustflags)
            .env_remove("RUSTC_LOG");
        if let Some(t) = request.target {
            cmd.arg("--target").arg(t);
        }
        cmd
    }

    /// Ask rustc about a target (or the host), as cargo's `TargetInfo::new`
    /// does in one probe.
    pub fn target_info(
        &self,
        request: &TargetInfoRequest<'_>,
    ) -> Result<TargetInfo, RustcInfoError> {
        let mut cmd = self.probe_base(request);
        for ct in KNOWN_CRATE_TYPES {
            cmd.arg("--crate-type").arg(ct);
        }
        cmd.arg("--print=sysroot")
            .arg("--print=split-debuginfo")
            .arg("--print=crate-name")
            .arg("--print=cfg")
            .arg("-Wwarnings");
        let (stdout, stderr) = self
            .cached_output(&cmd, target_fingerprint(request.target))
            .map_err(|e| RustcInfoError::TargetInfo(Box::new(e)))?;
        let short_name = match request.target {
            None => self.info.host.as_str(),
            Some(t) => target_short_name(t),
        };
        TargetInfo::parse(&stdout, &stderr, &display_command(&cmd), short_name)
    }

    /// The file name parts of a crate type not among
    /// [`KNOWN_CRATE_TYPES`], by a probe of its own (cached too).
    pub fn discover_crate_type(
        &self,
        request: &TargetInfoRequest<'_>,
        crate_type: &str,
    ) -> Result<Option<(String, String)>, RustcInfoError> {
        let mut cmd = self.probe_base(request);
        cmd.arg("--crate-type").arg(crate_type);
        let (stdout, stderr) = self
            .cached_output(&cmd, target_fingerprint(request.target))
            .map_err(|e| RustcInfoError::TargetInfo(Box::new(e)))?;
        let shown = display_command(&cmd);
        parse_crate_type(crate_type, &shown, &stdout, &stderr, &mut stdout.lines())
    }

    /// Write the cache now if it has unsaved entries (it is also written
    /// after each miss when its directory exists, and on drop).
    pub fn save_cache(&self) -> Result<(), anyhow::Error> {
        self.lock_cache().save()
    }
}

/// The directory under `lib/rustlib/` of a `--target` value: a `.json`
/// spec is named by its file stem.
pub fn target_short_name(target: &str) -> &str {
    if target.ends_with(".json") {
        Path::new(target)
            .file_stem()
            .and_then(OsStr::to_str)
            .unwrap_or(target)
    } else {
        target
    }
}

/// What besides the command line distinguishes probes of a target: a JSON
/// spec's contents (its path may stay the same while it changes). The host
/// is 0.
fn target_fingerprint(target: Option<&str>) -> u64 {
    let Some(t) = target else {
        return 0;
    };
    let mut h = StableHasher::new();
    match t
        .ends_with(".json")
        .then(|| std::fs::read_to_string(t).ok())
        .flatten()
    {
        Some(contents) => h.str(&contents),
        None => h.str(t),
    };
    h.finish()
}

fn wrapped(rustc: &Path, wrappers: &[Option<&Path>], cwd: &Path) -> Command {
    let mut chain: Vec<&OsStr> = wrappers
        .iter()
        .flatten()
        .map(|p| p.as_os_str())
        .filter(|p| !p.is_empty())
        .collect();
    chain.push(rustc.as_os_str());
    let mut cmd = Command::new(chain[0]);
    cmd.args(&chain[1..]);
    if !cwd.as_os_str().is_empty() {
        cmd.current_dir(cwd);
    }
    cmd
}

/// `Command` is not `Clone`: rebuild one with the same program, arguments,
/// environment changes and directory.
fn copy_command(cmd: &Command) -> Command {
    let mut c = Command::new(cmd.get_program());
    c.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        c.current_dir(d);
    }
    c
}

/// A command as cargo shows it: in backticks, set variables first, then the
/// program and its arguments, shell-quoted where needed.
pub fn display_command(cmd: &Command) -> String {
    let mut s = String::from("`");
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            s.push_str(&k.to_string_lossy());
            s.push('=');
            s.push_str(&shell_quote(&v.to_string_lossy()));
            s.push(' ');
        }
    }
    s.push_str(&cmd.get_program().to_string_lossy());
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&shell_quote(&a.to_string_lossy()));
    }
    s.push('`');
    s
}

fn shell_quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_=/,.+".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn failure_output(stdout: &str, stderr: &str) -> String {
    let mut s = String::new();
    if !stdout.trim().is_empty() {
        s.push_str("\n--- stdout\n");
        s.push_str(stdout);
    }
    if !stderr.trim().is_empty() {
        s.push_str("\n--- stderr\n");
        s.push_str(stderr);
    }
    s
}

/// The cache key of a command: program, arguments, environment changes
/// (sorted) and the extra fingerprint.
fn process_fingerprint(cmd: &Command, extra: u64) -> u64 {
    let mut h = StableHasher::new();
    h.u64(extra);
    hash_os(&mut h, cmd.get_program());
    let args: Vec<&OsStr> = cmd.get_args().collect();
    h.u64(args.len() as u64);
    for a in args {
        hash_os(&mut h, a);
    }
    let mut envs: Vec<(&OsStr, Option<&OsStr>)> = cmd.get_envs().collect();
    envs.sort();
    h.u64(envs.len() as u64);
    for (k, v) in envs {
        hash_os(&mut h, k);
        match v {
            Some(v) => {
                h.write(&[1]);
                hash_os(&mut h, v);
            }
            None => h.write(&[0]),
        }
    }
    h.finish()
}

fn hash_os(h: &mut StableHasher, s: &OsStr) {
    let bytes = os_bytes(s);
    h.u64(bytes.len() as u64);
    h.write(&bytes);
}

#[cfg(unix)]
fn os_bytes(s: &OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(s: &OsStr) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

/// A name with no directory is looked up in `PATH` (with the platform's
/// executable extension too); a relative path is taken from `cwd`.
fn resolve_executable(exe: &Path, env: &Env) -> Option<PathBuf> {
    if exe.components().count() == 1 {
        for dir in env.path_dirs() {
            let candidate = dir.join(exe);
            if candidate.is_file() {
                return Some(candidate);
            }
            if !std::env::consts::EXE_EXTENSION.is_empty() {
                let with_ext = candidate.with_extension(std::env::consts::EXE_EXTENSION);
                if with_ext.is_file() {
                    return Some(with_ext);
                }
            }
        }
        None
    } else {
        Some(env.cwd().join(exe))
    }
}

fn hash_mtime(h: &mut StableHasher, path: &Path) -> Option<()> {
    let m = std::fs::metadata(path).ok()?;
    let t = FileTime::from_last_modification_time(&m);
    h.u64(t.seconds() as u64);
    h.u64(u64::from(t.nanoseconds()));
    Some(())
}

/// [`rustc_fingerprint`] of the compiler `opts` names: what a cache of
/// anything the compiler decides (probes, a no-op build) is keyed by.
pub fn compiler_fingerprint(opts: &RustcOptions, env: &Env) -> Result<u64, String> {
    rustc_fingerprint(
        &opts.path,
        opts.wrapper.as_deref(),
        opts.workspace_wrapper.as_deref(),
        env,
    )
}

/// Identifies the compiler without running it: the resolved paths and
/// mtimes of rustc and the wrappers, plus what rustup would pick. `Err`
/// (no caching) when that cannot be known.
fn rustc_fingerprint(
    rustc: &Path,
    wrapper: Option<&Path>,
    workspace_wrapper: Option<&Path>,
    env: &Env,
) -> Result<u64, String> {
    let mut h = StableHasher::new();
    let mut resolved_rustc = None;
    for (i, exe) in [Some(rustc), wrapper, workspace_wrapper]
        .into_iter()
        .enumerate()
    {
        h.u64(i as u64);
        let Some(exe) = exe else { continue };
        let path = resolve_executable(exe, env)
            .ok_or_else(|| format!("no executable for `{}` found in PATH", exe.display()))?;
        hash_os(&mut h, path.as_os_str());
        hash_mtime(&mut h, &path)
            .ok_or_else(|| format!("cannot read the mtime of `{}`", path.display()))?;
        if i == 0 {
            resolved_rustc = Some(path);
        }
    }
    let rustc_path = resolved_rustc.unwrap_or_else(|| rustc.to_path_buf());
    // Rustup can change the compiler behind the `rustc` proxy without
    // touching it.
    match (env.get("RUSTUP_HOME"), env.get("RUSTUP_TOOLCHAIN")) {
        (Some(home), Some(toolchain)) => {
            h.str(toolchain).str(home);
            let real = Path::new(home)
                .join("toolchains")
                .join(toolchain)
                .join("bin")
                .join("rustc")
                .with_extension(std::env::consts::EXE_EXTENSION);
            hash_mtime(&mut h, &real)
                .ok_or_else(|| format!("cannot read the mtime of `{}`", real.display()))?;
        }
        _ if is_rustup_proxy(&rustc_path, env) => hash_rustup_state(&mut h, env)?,
        _ => {}
    }
    Ok(h.finish())
}

/// Whether `rustc` is rustup's proxy: `$CARGO_HOME/bin/rustc`, or a link to
/// a `rustup` binary.
fn is_rustup_proxy(rustc: &Path, env: &Env) -> bool {
    let exe = format!("rustc{}", std::env::consts::EXE_SUFFIX);
    if env
        .cargo_home()
        .is_some_and(|h| h.join("bin").join(&exe) == rustc)
    {
        return true;
    }
    std::fs::read_link(rustc).is_ok_and(|target| {
        target
            .file_stem()
            .is_some_and(|s| s == OsStr::new("rustup"))
    })
}

/// Cargo gives up caching when it sees the rustup proxy without rustup's
/// variables (mycargo run directly rather than through the proxy). We can
/// do better for the cost of a few reads: the toolchain rustup would pick
/// depends on `RUSTUP_TOOLCHAIN`, the nearest `rust-toolchain(.toml)`, the
/// overrides and default in `settings.toml`, and what is installed.
fn hash_rustup_state(h: &mut StableHasher, env: &Env) -> Result<(), String> {
    let home = match env.get_os("RUSTUP_HOME").filter(|s| !s.is_empty()) {
        Some(home) => env.cwd().join(home),
        None => env
            .home_dir()
            .map(|h| h.join(".rustup"))
            .ok_or("rustup proxy without a home directory")?,
    };
    h.str("rustup");
    if let Some(tc) = env.get_os("RUSTUP_TOOLCHAIN") {
        hash_os(h, tc);
    }
    let settings = std::fs::read(home.join("settings.toml"))
        .map_err(|e| format!("cannot read rustup's settings.toml: {e}"))?;
    h.u64(settings.len() as u64);
    h.write(&settings);
    // The nearest toolchain file, from the working directory up.
    'dirs: for dir in env.cwd().ancestors() {
        for name in ["rust-toolchain", "rust-toolchain.toml"] {
            let p = dir.join(name);
            if let Ok(contents) = std::fs::read(&p) {
                hash_os(h, p.as_os_str());
                h.write(&contents);
                break 'dirs;
            }
        }
    }
    // Installed toolchains and the mtime of each one's rustc, which an
    // update replaces.
    let mut toolchains: Vec<OsString> = std::fs::read_dir(home.join("toolchains"))
        .map_err(|e| format!("cannot list rustup's toolchains: {e}"))?
        .flatten()
        .map(|e| e.file_name())
        .collect();
    toolchains.sort();
    for tc in toolchains {
        hash_os(h, &tc);
        let rustc = home
            .join("toolchains")
            .join(&tc)
            .join("bin")
            .join(format!("rustc{}", std::env::consts::EXE_SUFFIX));
        let _ = hash_mtime(h, &rustc);
    }
    Ok(())
}

/// `.rustc_info.json`, in cargo's schema.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheData {
    rustc_fingerprint: u64,
    outputs: BTreeMap<u64, CachedOutput>,
    successes: BTreeMap<u64, bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedOutput {
    success: bool,
    status: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

#[derive(Debug)]
struct ProbeCache {
    /// `None` when caching on disk is off.
    location: Option<PathBuf>,
    data: CacheData,
    /// Entries not yet on disk.
    dirty: bool,
    /// Probes run by this process (asked again, they are answered from
    /// memory, which is no cache hit).
    ran: std::collections::HashSet<u64>,
}

impl ProbeCache {
    fn load(location: Option<PathBuf>, fingerprint: Option<u64>) -> ProbeCache {
        let (Some(location), Some(fingerprint)) = (location, fingerprint) else {
            return ProbeCache {
                location: None,
                data: CacheData::default(),
                dirty: false,
                ran: Default::default(),
            };
        };
        // cargo's log lines (`CARGO_LOG=cargo::util::rustc=debug`).
        let existing = match std::fs::read(&location)
            .map_err(anyhow::Error::from)
            .and_then(|b| Ok(serde_json::from_slice::<CacheData>(&b)?))
        {
            Ok(d) if d.rustc_fingerprint == fingerprint => {
                mycargo_util::log::debug(LOG_TARGET, "reusing existing rustc info cache");
                Some(d)
            }
            Ok(_) => {
                mycargo_util::log::debug(
                    LOG_TARGET,
                    "different compiler, creating new rustc info cache",
                );
                None
            }
            Err(e) => {
                mycargo_util::log::debug(
                    LOG_TARGET,
                    format_args!("failed to read rustc info cache: {e}"),
                );
                None
            }
        };
        match existing {
            Some(data) => ProbeCache {
                location: Some(location),
                data,
                dirty: false,
                ran: Default::default(),
            },
            None => ProbeCache {
                location: Some(location),
                data: CacheData {
                    rustc_fingerprint: fingerprint,
                    ..CacheData::default()
                },
                // A stale or foreign file is replaced even if nothing new
                // is asked.
                dirty: true,
                ran: Default::default(),
            },
        }
    }

    fn save(&mut self) -> Result<(), anyhow::Error> {
        let Some(location) = &self.location else {
            return Ok(());
        };
        if !self.dirty {
            return Ok(());
        }
        let json = serde_json::to_string(&self.data)?;
        mycargo_util::fs::write_atomic_nosync(location, json)?;
        mycargo_util::log::debug(LOG_TARGET, "updated rustc info cache");
        self.dirty = false;
        Ok(())
    }

    /// Save when the target directory already exists; otherwise wait (the
    /// build creates it, and drop saves).
    fn save_if_possible(&mut self) {
        let dir_exists = self
            .location
            .as_deref()
            .and_then(Path::parent)
            .is_some_and(Path::is_dir);
        if dir_exists {
            // A cache that cannot be written only costs a probe next time.
            let _ = self.save();
        }
    }
}

impl Drop for ProbeCache {
    fn drop(&mut self) {
        if self.dirty && !self.data.outputs.is_empty() {
            self.save_if_possible();
        }
    }
}

#[cfg(test)]
mod tests;
