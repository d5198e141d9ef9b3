//! `mycargo vendor`: copy every registry and git package of the resolve
//! (of the workspace and of each `--sync` manifest) into a directory that
//! a `directory` source can read, as cargo 1.95 does:
//!
//! - a registry package is the contents of its `.crate` archive;
//! - a git package is the files `package` would list for it, with its
//!   `Cargo.toml` normalized ([`manifest`]);
//! - git and editor files (`.gitignore`, `.gitattributes`, `.git`,
//!   `.cargo-ok`) are left out;
//! - each package gets a `.cargo-checksum.json` (the sha256 of every file,
//!   and of the `.crate` for registry packages);
//! - directories are `<name>` for the highest version of a name and
//!   `<name>-<version>` for the others (always with `--versioned-dirs`);
//!   other entries of the vendor directory are removed unless `--no-delete`.
//!
//! A package is assembled in a hidden temporary directory beside its
//! destination, `.cargo-checksum.json` written last, and renamed into place,
//! so an interrupted run never leaves a directory that looks complete.
//! The `[source]` snippet for `.cargo/config.toml` goes to stdout.

mod manifest;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read, Write as _};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};
use flate2::read::GzDecoder;
use mycargo_core::{GitReference, PackageId, SourceId};
use mycargo_lockfile::{LOCKFILE_NAME, Lockfile, PathSources};
use mycargo_manifest::{Manifest, ReadOptions, Workspace};
use mycargo_util::{CliResult, Verbosity};
use sha2::{Digest, Sha256};

use super::lockfile::Mode;
use super::package::{files, vcs};
use super::resolve::{How, resolve_workspace};
use crate::cli::vendor::Args;
use crate::context::GlobalContext;

/// The name of the replacement source in the printed config.
const MERGED_SOURCE: &str = "vendored-sources";
/// The per-package checksum file.
const CHECKSUM_FILE: &str = ".cargo-checksum.json";

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    // cargo goes straight to the original sources: a `[source]`
    // replacement (often of a previous vendor directory) is for the builds
    // that use the result, not for vendoring itself.
    if !args.respect_source_config {
        gctx.config.remove_table("source");
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let mut extra = Vec::new();
    for path in &args.sync {
        let path = gctx.cwd().join(path);
        extra.push(super::workspace::load(gctx, &path)?);
    }
    let mut workspaces: Vec<&Workspace> = extra.iter().collect();
    workspaces.push(&ws);
    let config = sync(gctx, &workspaces, args).context("failed to sync")?;
    if gctx.shell.verbosity() != Verbosity::Quiet {
        if config.is_empty() {
            writeln!(
                gctx.shell.err(),
                "There is no dependency to vendor in this project."
            )?;
        } else {
            write!(
                gctx.shell.err(),
                "To use vendored sources, add this to your .cargo/config.toml for this project:\n\n"
            )?;
            let text = config_toml(&config)?;
            write!(gctx.shell.out(), "{text}")?;
        }
    }
    Ok(())
}

/// A package to vendor: its manifest (whose directory holds its sources)
/// and the checksum the lock file records for it.
struct Vendored {
    manifest: Manifest,
    checksum: Option<String>,
}

/// A package id ordered as cargo orders them (name, version, then the
/// source by kind and URL).
#[derive(Clone)]
struct Key(PackageId);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        mycargo_lockfile::cmp_package_id(&self.0, &other.0)
    }
}

/// One `[source.<name>]` entry of the printed config.
enum VendorSource {
    Directory(String),
    Registry(Option<String>),
    Git {
        url: String,
        reference: GitReference,
    },
}

/// Where the packages go: the path for the filesystem, and the path as
/// cargo shows it (canonical when the directory already existed, else as
/// given).
struct Destination {
    fs: PathBuf,
    shown: PathBuf,
    existed: bool,
}

fn destination(gctx: &GlobalContext, args: &Args) -> Destination {
    let given = args.path.clone().unwrap_or_else(|| PathBuf::from("vendor"));
    let abs = gctx.cwd().join(&given);
    match abs.canonicalize() {
        Ok(canon) => Destination {
            existed: canon.exists(),
            fs: canon.clone(),
            shown: canon,
        },
        Err(_) => Destination {
            existed: abs.exists(),
            fs: abs,
            shown: given,
        },
    }
}

fn sync(
    gctx: &mut GlobalContext,
    workspaces: &[&Workspace],
    args: &Args,
) -> anyhow::Result<BTreeMap<String, VendorSource>> {
    let dest = destination(gctx, args);
    mycargo_util::fs::create_dir_all(&dest.fs)?;
    let mut to_remove: BTreeSet<PathBuf> = BTreeSet::new();
    if !args.no_delete {
        let entries = fs::read_dir(&dest.fs)
            .with_context(|| format!("failed to read directory `{}`", dest.fs.display()))?;
        for entry in entries {
            let entry = entry
                .with_context(|| format!("failed to read directory `{}`", dest.fs.display()))?;
            let hidden = entry
                .file_name()
                .to_str()
                .is_some_and(|s| s.starts_with('.'));
            if !hidden {
                to_remove.insert(entry.path());
            }
        }
    }

    // Every non-path package of every resolve. A package id met again
    // keeps its first key (and so its first `precise`) with the later
    // package, as cargo's map does.
    let opts = super::workspace::read_options(gctx);
    let mut ids: BTreeMap<Key, Vendored> = BTreeMap::new();
    for ws in workspaces {
        for (id, v) in resolve_one(gctx, ws, &opts)? {
            if id.source_id().is_path() {
                // Never delete the sources of a path package.
                if let Ok(dir) = v.manifest.root().canonicalize() {
                    to_remove.remove(&dir);
                }
                continue;
            }
            match ids.get_mut(&Key(id.clone())) {
                Some(slot) => *slot = v,
                None => {
                    ids.insert(Key(id), v);
                }
            }
        }
    }

    let mut versions: BTreeMap<&str, BTreeMap<&semver::Version, &SourceId>> = BTreeMap::new();
    for Key(id) in ids.keys() {
        let map = versions.entry(id.name()).or_default();
        if let Some(prev) = map.get(id.version()) {
            bail!(
                "found duplicate version of package `{} v{}` vendored from two sources:\n\
                 \n\
                 \tsource 1: {}\n\
                 \tsource 2: {}",
                id.name(),
                id.version(),
                prev,
                id.source_id()
            );
        }
        map.insert(id.version(), id.source_id());
    }

    let mut sources: Vec<SourceId> = Vec::new();
    for (Key(id), v) in &ids {
        let max = versions
            .get(id.name())
            .and_then(|m| m.keys().next_back())
            .copied();
        let suffixed = args.versioned_dirs || Some(id.version()) != max;
        let dst_name = if suffixed {
            format!("{}-{}", id.name(), id.version())
        } else {
            id.name().to_string()
        };
        if !sources.contains(id.source_id()) {
            sources.push(id.source_id().clone());
        }
        let dst = dest.fs.join(&dst_name);
        to_remove.remove(&dst);
        // A registry version never changes: a complete copy is kept.
        if suffixed && id.source_id().is_registry() && dst.join(CHECKSUM_FILE).exists() {
            continue;
        }
        gctx.shell.status(
            "Vendoring",
            format!(
                "{} ({}) to {}",
                id,
                v.manifest.root().display(),
                dest.shown.join(&dst_name).display()
            ),
        )?;
        vendor_package(gctx, id, v, &dest.fs, &dst_name, &opts)
            .with_context(|| format!("failed to copy over vendored sources for: {}", id))?;
    }

    for path in to_remove {
        if path.is_dir() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("failed to remove directory `{}`", path.display()))?;
        } else {
            fs::remove_file(&path)
                .with_context(|| format!("failed to remove file `{}`", path.display()))?;
        }
    }

    let mut config = BTreeMap::new();
    for source in &sources {
        let (name, entry) = if source.is_crates_io() {
            (
                mycargo_core::source_id::CRATES_IO_REGISTRY.to_string(),
                VendorSource::Registry(None),
            )
        } else if source.is_registry() && !source.is_local_registry() {
            (
                source.without_precise().as_url(),
                VendorSource::Registry(Some(source.url().to_string())),
            )
        } else if let Some(reference) = source.git_reference() {
            (
                source.without_precise().as_url(),
                VendorSource::Git {
                    url: source.url().to_string(),
                    reference: reference.clone(),
                },
            )
        } else {
            bail!("cannot vendor packages from `{}`", source.as_url());
        };
        config.insert(name, entry);
    }
    if !config.is_empty() {
        let given = args.path.clone().unwrap_or_else(|| PathBuf::from("vendor"));
        config.insert(
            MERGED_SOURCE.to_string(),
            VendorSource::Directory(given.to_string_lossy().replace('\\', "/")),
        );
    } else if !dest.existed {
        // Nothing to vendor: the directory made above goes again.
        fs::remove_dir(&dest.fs)
            .with_context(|| format!("failed to remove directory `{}`", dest.fs.display()))?;
    }
    Ok(config)
}

/// Resolve one workspace (writing its `Cargo.lock`), download what it
/// needs, and return its packages with their lock-file checksums.
fn resolve_one(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    opts: &ReadOptions,
) -> anyhow::Result<Vec<(PackageId, Vendored)>> {
    let root = ws.root();
    let mut how = How {
        mode: Mode::Sync,
        ignore_rust_version: false,
        download: false,
        install: None,
    };
    resolve_workspace(gctx, ws, opts, &how, None)
        .with_context(|| format!("failed to load lockfile for {}", root.display()))?;
    how.download = true;
    let pkgs = resolve_workspace(gctx, ws, opts, &how, None)
        .with_context(|| format!("failed to download packages for {}", root.display()))?;
    let checksums = lock_checksums(&root, &pkgs.manifests)?;
    Ok(pkgs
        .manifests
        .into_iter()
        .map(|m| {
            let id = m.package_id.clone();
            let checksum = checksums.get(&id).cloned().flatten();
            (
                id,
                Vendored {
                    manifest: m,
                    checksum,
                },
            )
        })
        .collect())
}

/// The checksums `Cargo.lock` records, by package.
fn lock_checksums(
    root: &Path,
    manifests: &[Manifest],
) -> anyhow::Result<BTreeMap<PackageId, Option<String>>> {
    let path = root.join(LOCKFILE_NAME);
    let Some(text) = mycargo_lockfile::read(&path)? else {
        return Ok(BTreeMap::new());
    };
    let paths: PathSources = manifests.iter().map(|m| &m.package_id).collect();
    let lock = Lockfile::parse(&text, &paths)
        .with_context(|| format!("failed to parse lock file at: {}", path.display()))?;
    Ok(lock
        .packages
        .into_iter()
        .map(|(id, p)| (id, p.checksum))
        .collect())
}

/// Whether a file (by its `/`-separated path in the package) stays out of
/// the vendored copy: git's and cargo's own bookkeeping files, anything
/// inside a `.git` directory.
fn left_out(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let Some(name) = parts.pop() else {
        return true;
    };
    matches!(name, ".gitattributes" | ".gitignore" | ".git" | ".cargo-ok")
        || parts.contains(&".git")
}

/// Vendor one package into `dest/dst_name`, by way of a hidden temporary
/// directory renamed into place once complete.
fn vendor_package(
    gctx: &mut GlobalContext,
    id: &PackageId,
    v: &Vendored,
    dest: &Path,
    dst_name: &str,
    opts: &ReadOptions,
) -> anyhow::Result<()> {
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".vendor-{dst_name}-"))
        .tempdir_in(dest)
        .with_context(|| {
            format!(
                "failed to create a temporary directory in `{}`",
                dest.display()
            )
        })?;
    let src = v.manifest.root();
    let files = if id.source_id().is_git() {
        copy_git_package(gctx, &v.manifest, tmp.path(), opts)?
    } else {
        match crate_file(src) {
            Some(archive) => extract_crate(&archive, id, tmp.path())?,
            None => copy_tree(src, tmp.path())?,
        }
    };
    let json = serde_json::json!({
        "files": files,
        "package": v.checksum,
    });
    let cksum = tmp.path().join(CHECKSUM_FILE);
    fs::write(&cksum, json.to_string())
        .with_context(|| format!("failed to write `{}`", cksum.display()))?;
    set_mode(
        tmp.path(),
        0o777 & !mycargo_sources::unpack::current_umask(),
    )?;

    let dst = dest.join(dst_name);
    match fs::symlink_metadata(&dst) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(&dst)
            .with_context(|| format!("failed to remove directory `{}`", dst.display()))?,
        Ok(_) => fs::remove_file(&dst)
            .with_context(|| format!("failed to remove file `{}`", dst.display()))?,
        Err(_) => {}
    }
    let staged = tmp.keep();
    if let Err(e) = fs::rename(&staged, &dst) {
        let _ = fs::remove_dir_all(&staged);
        return Err(anyhow::Error::new(e).context(format!(
            "failed to move `{}` to `{}`",
            staged.display(),
            dst.display()
        )));
    }
    Ok(())
}

/// `$CARGO_HOME/registry/cache/<dir>/<name>-<version>.crate` for sources
/// unpacked at `$CARGO_HOME/registry/src/<dir>/<name>-<version>`, if it
/// is there.
fn crate_file(src: &Path) -> Option<PathBuf> {
    let name = src.file_name()?.to_str()?;
    let dir = src.parent()?;
    let registry = dir.parent()?.parent()?;
    let path = registry
        .join("cache")
        .join(dir.file_name()?)
        .join(format!("{name}.crate"));
    path.is_file().then_some(path)
}

/// Unpack the files of a `.crate` into `into` (modes masked by the umask,
/// modification times kept), returning their checksums by path.
fn extract_crate(
    archive: &Path,
    id: &PackageId,
    into: &Path,
) -> anyhow::Result<BTreeMap<String, String>> {
    let prefix = format!("{}-{}", id.name(), id.version());
    let file =
        File::open(archive).with_context(|| format!("failed to open `{}`", archive.display()))?;
    let mut tar = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    let umask = mycargo_sources::unpack::current_umask();
    let mut out = BTreeMap::new();
    let mut links = Vec::new();
    let entries = tar
        .entries()
        .with_context(|| format!("failed to read `{}`", archive.display()))?;
    for entry in entries {
        let mut entry = entry.with_context(|| format!("failed to read `{}`", archive.display()))?;
        let path = entry
            .path()
            .with_context(|| format!("failed to read an entry path in `{}`", archive.display()))?
            .into_owned();
        use tar::EntryType as T;
        match entry.header().entry_type() {
            T::Regular | T::Continuous => {}
            T::Directory | T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => {
                continue;
            }
            // Made once the files they point at are there.
            T::Symlink => {
                let target = entry.link_name().ok().flatten().map(|t| t.into_owned());
                links.push((path, target.unwrap_or_default()));
                continue;
            }
            other => bail!(
                "invalid tarball `{}`: entry `{}` has an unsupported type ({other:?})",
                archive.display(),
                path.display()
            ),
        }
        let Some(rel) = relative_entry(&path, &prefix) else {
            bail!(
                "invalid tarball `{}`: entry `{}` is not under `{prefix}`",
                archive.display(),
                path.display()
            );
        };
        if rel.is_empty() || left_out(&rel) {
            continue;
        }
        let dst = rel.split('/').fold(into.to_path_buf(), |p, c| p.join(c));
        if let Some(parent) = dst.parent() {
            mycargo_util::fs::create_dir_all(parent)?;
        }
        let mode = entry.header().mode().unwrap_or(0o644) & 0o777 & !umask;
        let mtime = entry
            .header()
            .mtime()
            .ok()
            .map(|secs| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        let sum = write_file(&mut entry, &dst, mode, mtime)?;
        out.insert(rel, sum);
    }
    for (path, target) in links {
        let Some(rel) = relative_entry(&path, &prefix).filter(|r| !r.is_empty() && !left_out(r))
        else {
            continue;
        };
        let sum = vendor_link(archive, into, &rel, &target)?;
        out.insert(rel, sum);
    }
    mycargo_sources::unpack::reset_generated_mtimes(into);
    Ok(out)
}

/// A symlink of a `.crate`, kept a symlink (as cargo's vendor unpacks
/// it), with the checksum of the file it points at. It must point inside
/// the package.
fn vendor_link(archive: &Path, into: &Path, rel: &str, target: &Path) -> anyhow::Result<String> {
    if !mycargo_sources::unpack::link_stays_inside(into, Path::new(rel), target) {
        bail!(
            "invalid tarball `{}`: symbolic link `{rel}` points outside the package (`{}`)",
            archive.display(),
            target.display()
        );
    }
    let dst = rel.split('/').fold(into.to_path_buf(), |p, c| p.join(c));
    if let Some(parent) = dst.parent() {
        mycargo_util::fs::create_dir_all(parent)?;
    }
    make_symlink(target, &dst)?;
    let bytes = std::fs::read(&dst)
        .with_context(|| format!("failed to read `{}`", dst.display()))
        .with_context(|| format!("failed to checksum `{rel}`"))?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(unix)]
fn make_symlink(target: &Path, dst: &Path) -> anyhow::Result<()> {
    std::os::unix::fs::symlink(target, dst)
        .with_context(|| format!("failed to create the symbolic link `{}`", dst.display()))
}

#[cfg(not(unix))]
fn make_symlink(target: &Path, dst: &Path) -> anyhow::Result<()> {
    bail!(
        "cannot create the symbolic link `{}` to `{}` here",
        dst.display(),
        target.display()
    )
}

/// The `/`-separated path of an archive entry below `prefix/`, or `None`
/// when it lies elsewhere (or climbs out with `..`).
fn relative_entry(path: &Path, prefix: &str) -> Option<String> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if parts.first() != Some(&prefix) {
        return None;
    }
    Some(parts[1..].join("/"))
}

/// A copy of a git package: the files `package` would list, the manifest
/// normalized, git's files left out.
fn copy_git_package(
    gctx: &mut GlobalContext,
    m: &Manifest,
    into: &Path,
    opts: &ReadOptions,
) -> anyhow::Result<BTreeMap<String, String>> {
    let root = m.root();
    let filter = files::Filter::new(&m.include, &m.exclude)?;
    let repo = vcs::GitRepo::discover(root);
    let mut warnings = Vec::new();
    let mut list = files::list(root, &filter, repo.as_ref(), &mut warnings)?;
    for w in warnings {
        gctx.shell.warn(w)?;
    }
    // The manifest is always part of the package, whatever `include` says.
    if !list.iter().any(|f| f.rel == "Cargo.toml") {
        list.push(files::SourceFile {
            rel: "Cargo.toml".to_string(),
            disk: m.manifest_path.clone(),
        });
        list.sort_by(|a, b| a.rel.cmp(&b.rel));
    }
    let included: BTreeSet<String> = list.iter().map(|f| f.rel.clone()).collect();
    let original = mycargo_util::fs::read_to_string(&m.manifest_path)?;
    let ws_root = workspace_root_table(&m.manifest_path, opts)?;
    let normalized = manifest::normalize(&manifest::Inputs {
        manifest: m,
        original: &original,
        ws_root: ws_root.as_ref().map(|(dir, t)| (dir.as_path(), t)),
        included: &included,
    })?;
    for w in &normalized.warnings {
        gctx.shell.warn(w)?;
    }
    let umask = mycargo_sources::unpack::current_umask();
    let mut out = BTreeMap::new();
    for f in &list {
        if left_out(&f.rel) {
            continue;
        }
        let dst = f.rel.split('/').fold(into.to_path_buf(), |p, c| p.join(c));
        if let Some(parent) = dst.parent() {
            mycargo_util::fs::create_dir_all(parent)?;
        }
        // The source's mode, as a new file gets it (through the umask).
        let mode = file_mode(&f.disk) & !umask;
        let sum = if f.rel == "Cargo.toml" {
            write_file(&mut normalized.text.as_bytes(), &dst, mode, None)?
        } else {
            let mut src = File::open(&f.disk)
                .with_context(|| format!("failed to open `{}`", f.disk.display()))?;
            write_file(&mut src, &dst, mode, None)?
        };
        out.insert(f.rel.clone(), sum);
    }
    Ok(out)
}

/// The workspace root of a package (its directory and parsed manifest),
/// for `workspace = true` fields.
fn workspace_root_table(
    manifest_path: &Path,
    opts: &ReadOptions,
) -> anyhow::Result<Option<(PathBuf, toml::Table)>> {
    let Some(root) = mycargo_manifest::find_workspace_root(manifest_path, opts)? else {
        return Ok(None);
    };
    let text = mycargo_util::fs::read_to_string(&root)?;
    let table: toml::Table = toml::from_str(&text)
        .with_context(|| format!("failed to parse manifest at `{}`", root.display()))?;
    let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
    Ok(Some((dir, table)))
}

/// Every file under `src` (for a package with no `.crate` at hand),
/// git's files left out.
fn copy_tree(src: &Path, into: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let umask = mycargo_sources::unpack::current_umask();
    let mut out = BTreeMap::new();
    let mut stack = vec![(src.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = fs::read_dir(&dir)
            .with_context(|| format!("failed to read directory `{}`", dir.display()))?;
        for entry in entries {
            let entry =
                entry.with_context(|| format!("failed to read directory `{}`", dir.display()))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let rel = format!("{prefix}{name}");
            let path = entry.path();
            let meta = fs::metadata(&path)
                .with_context(|| format!("failed to read `{}`", path.display()))?;
            if meta.is_dir() {
                if name != ".git" {
                    stack.push((path, format!("{rel}/")));
                }
                continue;
            }
            if left_out(&rel) || rel == CHECKSUM_FILE {
                continue;
            }
            let dst = rel.split('/').fold(into.to_path_buf(), |p, c| p.join(c));
            if let Some(parent) = dst.parent() {
                mycargo_util::fs::create_dir_all(parent)?;
            }
            let mut f = File::open(&path)
                .with_context(|| format!("failed to open `{}`", path.display()))?;
            let sum = write_file(&mut f, &dst, file_mode(&path) & !umask, None)?;
            out.insert(rel, sum);
        }
    }
    Ok(out)
}

/// Copy `src` to a new file `dst` with `mode` (and `mtime`, when given),
/// returning the sha256 of what was written.
fn write_file(
    src: &mut dyn Read,
    dst: &Path,
    mode: u32,
    mtime: Option<std::time::SystemTime>,
) -> anyhow::Result<String> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    let mut out = opts
        .open(dst)
        .with_context(|| format!("failed to create `{}`", dst.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = src
            .read(&mut buf)
            .with_context(|| format!("failed to read the contents of `{}`", dst.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])
            .with_context(|| format!("failed to write to `{}`", dst.display()))?;
    }
    if let Some(t) = mtime {
        // Best effort, as the archive's times are.
        let _ = out.set_modified(t);
    }
    drop(out);
    set_mode(dst, mode)?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(unix)]
fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o644)
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> u32 {
    0o644
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("failed to set the permissions of `{}`", path.display()))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> anyhow::Result<()> {
    Ok(())
}

/// The `[source]` tables to print, as cargo's TOML serializer writes them.
fn config_toml(config: &BTreeMap<String, VendorSource>) -> anyhow::Result<String> {
    use toml::Value;
    let mut sources = toml::Table::new();
    for (name, source) in config {
        let mut t = toml::Table::new();
        let replace = || Value::String(MERGED_SOURCE.to_string());
        match source {
            VendorSource::Directory(dir) => {
                t.insert("directory".into(), Value::String(dir.clone()));
            }
            VendorSource::Registry(registry) => {
                if let Some(r) = registry {
                    t.insert("registry".into(), Value::String(r.clone()));
                }
                t.insert("replace-with".into(), replace());
            }
            VendorSource::Git { url, reference } => {
                t.insert("git".into(), Value::String(url.clone()));
                match reference {
                    GitReference::Branch(b) => {
                        t.insert("branch".into(), Value::String(b.clone()));
                    }
                    GitReference::Tag(tag) => {
                        t.insert("tag".into(), Value::String(tag.clone()));
                    }
                    GitReference::Rev(r) => {
                        t.insert("rev".into(), Value::String(r.clone()));
                    }
                    GitReference::DefaultBranch => {}
                }
                t.insert("replace-with".into(), replace());
            }
        }
        sources.insert(name.clone(), Value::Table(t));
    }
    let mut top = toml::Table::new();
    top.insert("source".into(), Value::Table(sources));
    toml::to_string_pretty(&top).context("failed to serialize the source configuration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_and_cargo_files_are_left_out() {
        for rel in [
            ".gitignore",
            ".gitattributes",
            ".cargo-ok",
            ".git",
            "sub/.gitignore",
            "sub/.cargo-ok",
            ".git/config",
            "x/.git/y",
        ] {
            assert!(left_out(rel), "{rel}");
        }
        for rel in [
            "Cargo.toml.orig",
            "a.orig",
            "b.rej",
            ".gitattributes/x",
            ".gitignore/inner",
            ".hidden",
            ".cargo_vcs_info.json",
            "src/lib.rs",
        ] {
            assert!(!left_out(rel), "{rel}");
        }
    }

    #[test]
    fn archive_entries_must_be_under_the_prefix() {
        assert_eq!(
            relative_entry(Path::new("foo-1.0.0/src/lib.rs"), "foo-1.0.0").as_deref(),
            Some("src/lib.rs")
        );
        assert_eq!(
            relative_entry(Path::new("./foo-1.0.0/Cargo.toml"), "foo-1.0.0").as_deref(),
            Some("Cargo.toml")
        );
        assert_eq!(relative_entry(Path::new("bar-1.0.0/x"), "foo-1.0.0"), None);
        assert_eq!(
            relative_entry(Path::new("foo-1.0.0/../x"), "foo-1.0.0"),
            None
        );
    }

    #[test]
    fn config_snippet_as_cargo_prints_it() {
        let mut config = BTreeMap::new();
        config.insert("crates-io".to_string(), VendorSource::Registry(None));
        config.insert(
            "git+https://example.com/a?branch=dev".to_string(),
            VendorSource::Git {
                url: "https://example.com/a".to_string(),
                reference: GitReference::Branch("dev".to_string()),
            },
        );
        config.insert(
            MERGED_SOURCE.to_string(),
            VendorSource::Directory("vendor".to_string()),
        );
        assert_eq!(
            config_toml(&config).unwrap(),
            "[source.crates-io]\nreplace-with = \"vendored-sources\"\n\n\
             [source.\"git+https://example.com/a?branch=dev\"]\ngit = \"https://example.com/a\"\n\
             branch = \"dev\"\nreplace-with = \"vendored-sources\"\n\n\
             [source.vendored-sources]\ndirectory = \"vendor\"\n"
        );
    }
}
