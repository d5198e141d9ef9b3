//! `mycargo clean`: remove what builds left in the target directory, as
//! cargo 1.95 does it.
//!
//! Without `-p`, the whole target directory goes (or one profile's
//! directory with `--release`/`--profile`, or `target/doc` with `--doc`).
//! With `-p`, only the named packages' files go, found the way cargo finds
//! them: for every target of the package and every mode it could have been
//! built in (build, test, check), the file names rustc gives its outputs,
//! the copies uplifted to `target/debug/`, dep-info files, incremental
//! directories, fingerprints and build-script directories.
//!
//! The summary counts what was (or, with `--dry-run`, would be) removed.
//! As in cargo, uplifted files are counted once per mode that names them,
//! so a dry run of `-p` can count a file more than once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mycargo_compiler::layout::{Layout, profile_dir};
use mycargo_compiler::rustc_info::{Rustc, RustcOptions, TargetInfoRequest};
use mycargo_core::PackageIdSpec;
use mycargo_manifest::{Manifest, Target, TargetKind};
use mycargo_util::{CliResult, Verbosity};

use super::compile::settings;
use crate::cli::clean::{Args, CleanCommand};
use crate::context::GlobalContext;

pub fn clean(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    if let Some(CleanCommand::Gc(_)) = &args.command {
        return Err(anyhow::anyhow!(
            "the `cargo clean gc` command is unstable, and only available on the nightly channel of Cargo, but this is the `stable` channel\n\
             See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n\
             See https://github.com/rust-lang/cargo/issues/12633 for more information about the `cargo clean gc` command."
        )
        .into());
    }
    if args.target.as_ref().is_some_and(|t| t.is_empty()) {
        return Err(anyhow::anyhow!(super::compile::TARGET_NEEDS_VALUE).into());
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load(gctx, &manifest);
    gctx.flush_script_warnings()?;
    let ws = ws?;
    if args.wants_package_list() {
        return Err(super::rustc::package_list_error(&ws).into());
    }
    let target_dir =
        settings::target_dir(gctx, args.target_dir.as_deref(), ws.default_target_dir())?;
    let build_dir = settings::build_dir(gctx, &ws, &target_dir)?;
    let mut cx = Cleaner {
        dry_run: args.dry_run,
        verbose: gctx.shell.verbosity() == Verbosity::Verbose,
        files: 0,
        dirs: 0,
        bytes: 0,
        seen: HashSet::new(),
    };

    let mut specs: Vec<String> = args.packages().to_vec();
    if args.workspace {
        specs.extend(ws.members().map(|m| m.name().to_string()));
    }
    if args.doc {
        if !specs.is_empty() {
            return Err(anyhow::anyhow!("--doc cannot be used with -p").into());
        }
        cx.rm_rf(gctx, &target_dir.join("doc"))?;
    } else {
        let profile = match (&args.profile, args.release) {
            (Some(p), _) => p.clone(),
            (None, true) => "release".to_string(),
            (None, false) => "dev".to_string(),
        };
        // An unknown profile is an error, as in cargo.
        super::compile::profiles::maker(gctx, &ws, &profile, None)?;
        if specs.is_empty() {
            // The target directory, then the build directory when apart.
            let mut roots = vec![target_dir.clone()];
            if build_dir != target_dir {
                roots.push(build_dir.clone());
            }
            for root in roots {
                let dir = if args.profile.is_some() || args.release {
                    root.join(profile_dir(&profile))
                } else {
                    root
                };
                cx.rm_rf(gctx, &dir)?;
            }
        } else {
            clean_specs(
                gctx,
                &mut cx,
                &ws,
                (&target_dir, &build_dir),
                &profile,
                args.targets(),
                &specs,
            )?;
        }
    }
    cx.summary(gctx)?;
    Ok(())
}

/// Counts and removes, or only counts with `--dry-run`.
struct Cleaner {
    dry_run: bool,
    verbose: bool,
    files: u64,
    dirs: u64,
    bytes: u64,
    /// Paths of the build directory already handled in this run (each is
    /// counted once, even in a dry run).
    seen: HashSet<PathBuf>,
}

impl Cleaner {
    /// Remove a file or a directory tree. A missing path is not an error.
    fn rm_rf(&mut self, gctx: &mut GlobalContext, path: &Path) -> anyhow::Result<()> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) => {
                if e.kind() != std::io::ErrorKind::NotFound {
                    gctx.shell
                        .warn(format!("cannot access {}: {e}", path.display()))?;
                }
                return Ok(());
            }
        };
        if !self.dry_run && self.verbose {
            gctx.shell.status("Removing", path.display())?;
        }
        if !meta.is_dir() {
            return self.rm_file(path, meta.len());
        }
        // Contents first, then the directory, as cargo's walk goes.
        let mut entries = Vec::new();
        walk_contents_first(path, &mut entries);
        for (entry, is_dir, len) in entries {
            if self.dry_run && self.verbose {
                writeln!(gctx.shell.out(), "{}", entry.display())?;
            }
            if is_dir {
                self.dirs += 1;
                if !self.dry_run && entry.exists() {
                    std::fs::remove_dir_all(&entry).with_context(|| {
                        format!("failed to remove directory `{}`", entry.display())
                    })?;
                }
            } else {
                self.rm_file(&entry, len)?;
            }
        }
        Ok(())
    }

    fn rm_file(&mut self, path: &Path, len: u64) -> anyhow::Result<()> {
        self.bytes += len;
        self.files += 1;
        if !self.dry_run {
            std::fs::remove_file(path)
                .with_context(|| format!("failed to remove file `{}`", path.display()))?;
        }
        Ok(())
    }

    /// Remove a path of the build directory unless this run already did.
    fn rm_once(&mut self, gctx: &mut GlobalContext, path: &Path) -> anyhow::Result<()> {
        if self.seen.insert(path.to_path_buf()) {
            self.rm_rf(gctx, path)?;
        }
        Ok(())
    }

    /// `Removed 3 files, 1.2KiB total` (`Summary` in a dry run).
    fn summary(&self, gctx: &mut GlobalContext) -> anyhow::Result<()> {
        let status = if self.dry_run { "Summary" } else { "Removed" };
        let count = match (self.files, self.dirs) {
            (0, 0) => "0 files".to_string(),
            (0, 1) => "1 directory".to_string(),
            (0, n) => format!("{n} directories"),
            (1, _) => "1 file".to_string(),
            (n, _) => format!("{n} files"),
        };
        let bytes = if self.bytes == 0 {
            String::new()
        } else {
            format!(", {} total", mycargo_util::bytes::human_bytes(self.bytes))
        };
        gctx.shell.status(status, format!("{count}{bytes}"))?;
        if self.dry_run {
            gctx.shell.warn("no files deleted due to --dry-run")?;
        }
        Ok(())
    }
}

/// Every entry under `dir`, children before their directory, `dir` last,
/// in the order the file system lists them: (path, is a directory, size).
fn walk_contents_first(dir: &Path, out: &mut Vec<(PathBuf, bool, u64)>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let path = e.path();
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => walk_contents_first(&path, out),
                Ok(m) => out.push((path, false, m.len())),
                Err(_) => {}
            }
        }
    }
    out.push((dir.to_path_buf(), true, 0));
}

/// One kind of file rustc writes for a target: `{prefix}{crate}{-hash}{suffix}`.
struct FileType {
    prefix: String,
    suffix: String,
    /// Executables keep the target's name when uplifted (`my-bin`); other
    /// files use the crate name (`libmy_lib.rlib`).
    keeps_name: bool,
}

impl FileType {
    fn new(prefix: &str, suffix: &str, keeps_name: bool) -> FileType {
        FileType {
            prefix: prefix.to_string(),
            suffix: suffix.to_string(),
            keeps_name,
        }
    }

    fn unhashed(&self, t: &Target) -> String {
        format!("{}{}{}", self.prefix, t.crate_name(), self.suffix)
    }

    fn uplifted(&self, t: &Target) -> String {
        let name = if self.keeps_name {
            t.bin_filename.clone().unwrap_or_else(|| t.name.clone())
        } else {
            t.crate_name()
        };
        format!("{}{name}{}", self.prefix, self.suffix)
    }

    /// The `(starts with, ends with)` pair of the hashed file name.
    fn hashed(&self, t: &Target) -> (String, String) {
        (
            format!("{}{}-", self.prefix, t.crate_name()),
            self.suffix.clone(),
        )
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Build,
    Test,
    Check,
}

/// The files rustc writes for `t` in `mode` (cargo's `rustc_outputs`).
fn file_types(
    t: &Target,
    mode: Mode,
    triple: &str,
    info: &mycargo_compiler::rustc_info::TargetInfo,
) -> Vec<FileType> {
    if mode == Mode::Check {
        return vec![FileType::new("lib", ".rmeta", false)];
    }
    let crate_types: Vec<String> = match (&t.kind, mode) {
        (_, Mode::Test) => vec!["bin".to_string()],
        (TargetKind::Lib(_) | TargetKind::ExampleLib(_), _) => t
            .kind
            .crate_types()
            .into_iter()
            .map(|c| if c == "lib" { "rlib".to_string() } else { c })
            .collect(),
        _ => vec!["bin".to_string()],
    };
    let mut out = Vec::new();
    for ct in &crate_types {
        let Some((prefix, suffix)) = info.file_name_parts(ct) else {
            continue;
        };
        out.push(FileType::new(prefix, suffix, ct == "bin"));
        // Separate debug information next to executables and shared libs.
        if matches!(ct.as_str(), "bin" | "dylib" | "cdylib" | "proc-macro") {
            if triple.contains("-apple-") {
                out.push(FileType::new(
                    prefix,
                    &format!("{suffix}.dSYM"),
                    ct == "bin",
                ));
            } else if triple.ends_with("-msvc") || triple.ends_with("-uefi") {
                out.push(FileType::new("", ".pdb", ct == "bin"));
            } else {
                out.push(FileType::new("", ".dwp", ct == "bin"));
            }
        }
    }
    // A plain library also leaves its metadata.
    if !out.is_empty() && crate_types.iter().all(|c| c == "rlib") {
        out.push(FileType::new("lib", ".rmeta", false));
    }
    out
}

/// `-p SPEC...`: the files of those packages, in the profile's directory
/// (for the host, or for each `--target`).
fn clean_specs(
    gctx: &mut GlobalContext,
    cx: &mut Cleaner,
    ws: &mycargo_manifest::Workspace,
    (target_dir, build_dir): (&Path, &Path),
    profile: &str,
    triples: &[String],
    specs: &[String],
) -> anyhow::Result<()> {
    let opts = super::workspace::read_options(gctx);
    // The resolve, as cargo's (which keeps the lock file up to date and
    // downloads what it has not got).
    let how = super::resolve::How {
        mode: super::lockfile::Mode::Sync,
        ignore_rust_version: false,
        download: true,
        install: None,
    };
    let pkgs = super::resolve::resolve_workspace(gctx, ws, &opts, &how, None)?;

    // What rustc names its files, per platform.
    let rustc_path =
        settings::program(gctx, "RUSTC", "build.rustc")?.unwrap_or_else(|| "rustc".into());
    let rustc = Rustc::new(
        RustcOptions {
            path: rustc_path,
            wrapper: settings::program(gctx, "RUSTC_WRAPPER", "build.rustc-wrapper")?,
            workspace_wrapper: None,
            cache_location: Some(build_dir.join(".rustc_info.json")),
        },
        &gctx.env,
    )?;
    let host = rustc.info.host.clone();
    let mut triples: Vec<String> = triples.to_vec();
    if triples.is_empty()
        && let Some(t) = gctx.config.get_string("build.target")?
    {
        triples.push(t.val);
    }
    let host_layout = Layout::new(target_dir, build_dir, None, profile);
    let mut layouts: Vec<(String, Layout)> = Vec::new();
    if triples.is_empty() {
        layouts.push((host.clone(), host_layout.clone()));
    } else {
        for t in &triples {
            layouts.push((
                t.clone(),
                Layout::new(target_dir, build_dir, Some(t), profile),
            ));
        }
    }
    let mut infos = Vec::new();
    for (triple, _) in &layouts {
        let target = (triple != &host || !triples.is_empty()).then_some(triple.as_str());
        infos.push(rustc.target_info(&TargetInfoRequest {
            target,
            rustflags: &[],
            env: &[],
        })?);
    }
    let _ = rustc.save_cache();

    // Like a build, hold the lock of each directory cleaned.
    let mut locks = Vec::new();
    let mut lock_roots = vec![host_layout.root.clone()];
    lock_roots.extend(
        layouts
            .iter()
            .map(|(_, l)| l.root.clone())
            .filter(|r| *r != host_layout.root),
    );
    for root in &lock_roots {
        locks.push(lock_dir(gctx, target_dir, root)?);
    }
    // The build directory's own locks, when it is apart.
    let mut locked_builds = HashSet::new();
    for layout in std::iter::once(&host_layout).chain(layouts.iter().map(|(_, l)| l)) {
        if layout.is_split() && locked_builds.insert(layout.build_root.clone()) {
            std::fs::create_dir_all(&layout.build_root)?;
            mycargo_compiler::layout::tag_cache_dirs(build_dir, &layout.build_root)?;
            locks.push(mycargo_compiler::layout::lock_build_dir(
                &layout.build_root,
                &mut gctx.shell,
            )?);
        }
    }

    // The packages, in the order asked for.
    let mut selected: Vec<&Manifest> = Vec::new();
    for s in specs {
        let spec = PackageIdSpec::parse(s, None)?;
        if spec.partial_version().is_some() {
            gctx.shell.warn(format!(
                "version qualifier in `-p {s}` is ignored, cleaning all versions of `{}` found",
                spec.name()
            ))?;
        }
        if spec.url().is_some() {
            gctx.shell.warn(format!(
                "url qualifier in `-p {s}` ignored, cleaning all versions of `{}` found",
                spec.name()
            ))?;
        }
        selected.extend(
            pkgs.matching(&spec)?
                .into_iter()
                .map(|i| &pkgs.manifests[i]),
        );
    }

    let with_host: Vec<&Layout> = std::iter::once(&host_layout)
        .chain(layouts.iter().map(|(_, l)| l))
        .collect();
    for m in selected {
        let name = m.name();
        let targets: Vec<&Target> = m.targets.iter().filter(|t| !t.is_custom_build()).collect();
        // The copies in `target/debug/` (and `examples/`) first.
        for t in &targets {
            for mode in [Mode::Build, Mode::Test, Mode::Check] {
                for ((triple, layout), info) in layouts.iter().zip(&infos) {
                    let uplift_dir = if t.is_example() {
                        Some(&layout.dest_examples)
                    } else if t.is_test() || t.is_bench() {
                        None
                    } else {
                        Some(&layout.root)
                    };
                    let Some(dir) = uplift_dir else { continue };
                    for ft in file_types(t, mode, triple, info) {
                        let up = dir.join(ft.uplifted(t));
                        cx.rm_rf(gctx, &up)?;
                        cx.rm_rf(gctx, &up.with_extension("d"))?;
                    }
                }
            }
        }
        // The new layout keeps every unit of a package under
        // `build/<package>/`: it goes whole.
        if gctx.unstable.build_dir_new_layout {
            for layout in &with_host {
                cx.rm_once(gctx, &layout.build.join(name))?;
                for t in &targets {
                    let incremental = [(format!("{}-", t.crate_name()), String::new())];
                    for p in matching(&layout.incremental, &incremental) {
                        cx.rm_once(gctx, &p)?;
                    }
                }
            }
            continue;
        }
        for layout in &with_host {
            for p in package_dirs(&layout.fingerprint, name) {
                cx.rm_once(gctx, &p)?;
            }
        }
        // Then, target by target and mode by mode, rustc's files in the
        // build directory, each named file type in the order the file
        // system lists them; dep-info and split debug info once per crate.
        let mut scanned: HashSet<(PathBuf, String)> = HashSet::new();
        for t in &targets {
            let crate_name = t.crate_name();
            for mode in [Mode::Build, Mode::Test, Mode::Check] {
                for ((triple, layout), info) in layouts.iter().zip(&infos) {
                    let dir = if t.is_example() {
                        &layout.examples
                    } else {
                        &layout.deps
                    };
                    for ft in file_types(t, mode, triple, info) {
                        let (pre, suf) = ft.hashed(t);
                        for p in matching(dir, &[(pre, suf)]) {
                            cx.rm_once(gctx, &p)?;
                        }
                        cx.rm_once(gctx, &dir.join(ft.unhashed(t)))?;
                    }
                    cx.rm_once(gctx, &dir.join(format!("{crate_name}.d")))?;
                    if scanned.insert((dir.clone(), crate_name.clone())) {
                        let pairs = [
                            (format!("{crate_name}-"), ".d".to_string()),
                            (format!("{crate_name}."), ".o".to_string()),
                            (format!("{crate_name}."), ".dwo".to_string()),
                            (format!("{crate_name}."), ".dwp".to_string()),
                        ];
                        for p in matching(dir, &pairs) {
                            cx.rm_once(gctx, &p)?;
                        }
                    }
                    let incremental = [(format!("{crate_name}-"), String::new())];
                    for p in matching(&layout.incremental, &incremental) {
                        cx.rm_once(gctx, &p)?;
                    }
                }
            }
        }
        if m.targets.iter().any(Target::is_custom_build) {
            for layout in &with_host {
                for p in package_dirs(&layout.build, name) {
                    cx.rm_once(gctx, &p)?;
                }
            }
        }
    }
    drop(locks);
    Ok(())
}

/// Entries of `dir` in the order the file system lists them.
fn list_dir(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(rd) => rd.flatten().map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Entries of `dir` whose name starts and ends with one of the pairs (a
/// `prefix*suffix` glob), in the order the file system lists them.
fn matching(dir: &Path, pairs: &[(String, String)]) -> Vec<PathBuf> {
    list_dir(dir)
        .into_iter()
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                pairs.iter().any(|(pre, suf)| {
                    n.len() >= pre.len() + suf.len()
                        && n.starts_with(pre.as_str())
                        && n.ends_with(suf.as_str())
                })
            })
        })
        .collect()
}

/// `<dir>/<pkg>-<hash>` entries of exactly that package (not `<pkg>-sys-…`).
fn package_dirs(dir: &Path, pkg: &str) -> Vec<PathBuf> {
    list_dir(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.rsplit_once('-'))
                .is_some_and(|(name, _)| name == pkg)
        })
        .collect()
}

/// Take `<root>/.cargo-lock` as a build does (creating the directory and
/// the target dir's `CACHEDIR.TAG`, as cargo's layout does).
fn lock_dir(
    gctx: &mut GlobalContext,
    target_dir: &Path,
    root: &Path,
) -> anyhow::Result<std::fs::File> {
    std::fs::create_dir_all(root)
        .with_context(|| format!("failed to create directory `{}`", root.display()))?;
    mycargo_compiler::layout::tag_cache_dirs(target_dir, root)?;
    mycargo_compiler::layout::lock_artifact_dir(root, &mut gctx.shell)
}
