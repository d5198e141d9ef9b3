//! `mycargo package`: make the `.crate` of each selected package as cargo
//! 1.95 makes it, byte for byte — the file list ([`files`]), the git
//! checks and `.cargo_vcs_info.json` ([`vcs`]), the normalized manifest
//! ([`normalize`]), a lock file for the package alone, and the archive
//! (`mycargo_registry_api::crate_file`) — then, unless `--no-verify`,
//! unpack it under `target/package/` and build it.

pub mod files;
pub mod normalize;
pub mod vcs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_compiler::CompileMode;
use mycargo_core::{DepKind, PackageId, SourceId};
use mycargo_lockfile::{LockVersion, LockedPackage, Lockfile};
use mycargo_manifest::{Manifest, Workspace};
use mycargo_registry_api::crate_file::{self, Contents, Entry};
use mycargo_util::CliResult;

use super::compile::packages::Packages;
use super::compile::{CompileRequest, settings};
use crate::cli::common::{CompileOptions, PackageSelection, TargetSelection};
use crate::cli::package::Args;
use crate::context::GlobalContext;
use files::SourceFile;

/// What packaging one package left for the packages after it.
struct Packaged {
    checksum: String,
    /// Its normal and build dependencies in the lock (package indices).
    lock_deps: Vec<usize>,
    /// Whether its lock names registry packages (it cannot be verified
    /// without a registry).
    has_registry_deps: bool,
    crate_path: PathBuf,
}

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(package(gctx, args)?)
}

fn package(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    if args.message_format.is_some() {
        bail!(
            "the `--message-format` flag is unstable, pass `-Z unstable-options` to enable it\n\
             See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels."
        );
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let opts = super::workspace::read_options(gctx);
    let pkgs = super::compile::packages::load(&ws, &opts)?;
    let ws_lock_version = workspace_lock_version(&ws, &pkgs)?;
    let selection: PackageSelection = args.packages.clone().into();
    let selected = super::compile::select_packages(&ws, &pkgs, &selection)?;
    let order = dependency_order(&pkgs, &selected);
    let target_dir =
        settings::target_dir(gctx, args.target_dir.as_deref(), ws.default_target_dir())?;
    let ws_root: Option<toml::Table> = if ws.root_config().is_some() {
        let text = mycargo_util::fs::read_to_string(ws.root_manifest())?;
        Some(
            toml::from_str(&text)
                .with_context(|| format!("failed to parse `{}`", ws.root_manifest().display()))?,
        )
    } else {
        None
    };

    let mut done: BTreeMap<usize, Packaged> = BTreeMap::new();
    for &i in &order {
        let cx = Cx {
            pkgs: &pkgs,
            ws_root: ws_root.as_ref(),
            ws_lock_version,
            target_dir: &target_dir,
            done: &done,
        };
        if let Some(p) = package_one(gctx, args, &cx, i)? {
            done.insert(i, p);
        }
    }
    if args.list || args.no_verify {
        return Ok(());
    }
    for &i in &order {
        let Some(p) = done.get(&i) else { continue };
        verify(gctx, args, &pkgs.manifests[i], p, &target_dir, &ws)?;
    }
    Ok(())
}

/// The selected packages, each after the selected packages it depends
/// on; otherwise by name.
fn dependency_order(pkgs: &Packages, selected: &[usize]) -> Vec<usize> {
    let mut sorted: Vec<usize> = selected.to_vec();
    sorted.sort_by(|&a, &b| pkgs.manifests[a].name().cmp(pkgs.manifests[b].name()));
    sorted.dedup();
    let set: BTreeSet<usize> = sorted.iter().copied().collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    fn visit(
        i: usize,
        pkgs: &Packages,
        set: &BTreeSet<usize>,
        seen: &mut BTreeSet<usize>,
        out: &mut Vec<usize>,
    ) {
        if !seen.insert(i) {
            return;
        }
        let mut deps: Vec<usize> = pkgs.edges[i]
            .iter()
            .map(|&(_, to)| to)
            .filter(|to| set.contains(to))
            .collect();
        deps.sort_by(|&a, &b| pkgs.manifests[a].name().cmp(pkgs.manifests[b].name()));
        for d in deps {
            visit(d, pkgs, set, seen, out);
        }
        out.push(i);
    }
    for &i in &sorted {
        visit(i, pkgs, &set, &mut seen, &mut out);
    }
    out
}

/// cargo's warning about missing descriptive metadata.
fn metadata_warning(m: &Manifest) -> Option<String> {
    let md = &m.metadata;
    let mut missing = Vec::new();
    if md.description.is_none() {
        missing.push("description");
    }
    if md.license.is_none() && md.license_file.is_none() {
        missing.push("license");
        missing.push("license-file");
    }
    if md.documentation.is_none() && md.homepage.is_none() && md.repository.is_none() {
        missing.extend(["documentation", "homepage", "repository"]);
    }
    let last = missing.pop()?;
    let mut things = missing.join(", ");
    if !things.is_empty() {
        things.push_str(" or ");
    }
    things.push_str(last);
    Some(format!(
        "manifest has no {things}\n  |\n  = note: see https://doc.rust-lang.org/cargo/reference/manifest.html#package-metadata for more info"
    ))
}

/// The packaged source files of `m`: the file list plus a `readme` or
/// `license-file` living elsewhere, without the files packaging makes.
fn source_files(m: &Manifest, git: Option<&vcs::GitRepo>) -> anyhow::Result<Vec<SourceFile>> {
    let root = m.root();
    let filter = files::Filter::new(&m.include, &m.exclude)?;
    let mut list = files::list(root, &filter, git)?;
    for reserved in ["Cargo.toml.orig", ".cargo_vcs_info.json"] {
        if list.iter().any(|f| f.rel == reserved) {
            bail!("invalid inclusion of reserved file name {reserved} in package source");
        }
    }
    list.retain(|f| f.rel != "Cargo.lock" && f.rel != "Cargo.toml");
    let extra = [&m.metadata.readme, &m.metadata.license_file];
    for file in extra.into_iter().flatten() {
        let rel = normalize::archive_path(root, file);
        let disk = mycargo_util::fs::normalize_path(&root.join(file));
        if !list.iter().any(|f| f.rel == rel) && disk.is_file() {
            list.push(SourceFile { rel, disk });
        }
    }
    list.sort_by(|a, b| Path::new(&a.rel).cmp(Path::new(&b.rel)));
    Ok(list)
}

/// What every package of one run shares.
struct Cx<'a> {
    pkgs: &'a Packages,
    ws_root: Option<&'a toml::Table>,
    /// The version of the workspace's `Cargo.lock`, which the package's
    /// lock file keeps (as cargo resolves with the workspace's as previous).
    ws_lock_version: Option<LockVersion>,
    target_dir: &'a Path,
    done: &'a BTreeMap<usize, Packaged>,
}

/// The version of the workspace's existing `Cargo.lock`, if any. Packaging
/// reads it but, as cargo, never writes it.
fn workspace_lock_version(ws: &Workspace, pkgs: &Packages) -> anyhow::Result<Option<LockVersion>> {
    let path = ws.root().join(mycargo_lockfile::LOCKFILE_NAME);
    let Some(text) = mycargo_lockfile::read(&path)? else {
        return Ok(None);
    };
    let paths: mycargo_lockfile::PathSources =
        pkgs.manifests.iter().map(|m| &m.package_id).collect();
    let lock = Lockfile::parse(&text, &paths)
        .with_context(|| format!("failed to parse lock file at: {}", path.display()))?;
    Ok(Some(lock.version))
}

fn package_one(
    gctx: &mut GlobalContext,
    args: &Args,
    cx: &Cx<'_>,
    idx: usize,
) -> anyhow::Result<Option<Packaged>> {
    let (pkgs, ws_root, target_dir) = (cx.pkgs, cx.ws_root, cx.target_dir);
    let m = &pkgs.manifests[idx];
    let root = m.root();
    if !args.no_metadata
        && let Some(w) = metadata_warning(m)
    {
        gctx.shell.warn(w)?;
    }
    let git = vcs::GitRepo::discover(root);
    let sources = source_files(m, git.as_ref())?;
    let mut vcs_info = None;
    if let Some(repo) = &git {
        let mut disk: Vec<PathBuf> = sources.iter().map(|f| f.disk.clone()).collect();
        disk.push(m.manifest_path.clone());
        let dirty = repo.dirty_files(root, &disk)?;
        if !dirty.is_empty() && !args.allow_dirty {
            bail!(
                "{} files in the working directory contain changes that were not yet committed into git:\n\n{}\n\nto proceed despite this and include the uncommitted changes, pass the `--allow-dirty` flag",
                dirty.len(),
                dirty.join("\n")
            );
        }
        if let Some(head) = repo.head() {
            vcs_info = Some(vcs::vcs_info_json(
                head,
                !dirty.is_empty(),
                &repo.path_in_vcs(root),
            ));
        }
    }

    let mut generated: Vec<&str> = vec!["Cargo.toml", "Cargo.toml.orig"];
    if vcs_info.is_some() {
        generated.push(".cargo_vcs_info.json");
    }
    if !args.exclude_lockfile {
        generated.push("Cargo.lock");
    }
    if args.list {
        let mut names: Vec<&str> = sources.iter().map(|f| f.rel.as_str()).collect();
        names.extend(generated.iter().copied());
        names.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
        let out = gctx.shell.out();
        for n in names {
            writeln!(out, "{n}")?;
        }
        return Ok(None);
    }

    let original = mycargo_util::fs::read_to_string(&m.manifest_path)?;
    let included: BTreeSet<String> = sources.iter().map(|f| f.rel.clone()).collect();
    let normalized = normalize::normalize(&normalize::Inputs {
        manifest: m,
        original: &original,
        ws_root,
        included: &included,
    })?;
    gctx.shell.status(
        "Packaging",
        format!("{} v{} ({})", m.name(), m.version(), root.display()),
    )?;
    for w in &normalized.warnings {
        gctx.shell.warn(w)?;
    }

    // The package's path dependencies are registry dependencies now:
    // cargo updates the index to lock them, unless offline.
    let registry_deps = pkgs.edges[idx].iter().any(|&(di, _)| {
        let dep = &m.dependencies[di];
        !(dep.kind() == DepKind::Development && normalized.dropped_dev.contains(dep.name_in_toml()))
    });
    if registry_deps && !args.exclude_lockfile && !offline(gctx)? {
        gctx.shell.status("Updating", "crates.io index")?;
    }
    let (lock, lock_deps, has_registry_deps) = lock_for(
        pkgs,
        idx,
        &normalized.dropped_dev,
        cx,
        !args.exclude_lockfile,
    )?;
    let mut entries: Vec<Entry> = sources
        .iter()
        .map(|f| Entry {
            path: f.rel.clone(),
            contents: Contents::OnDisk(f.disk.clone()),
        })
        .collect();
    entries.push(Entry {
        path: "Cargo.toml".into(),
        contents: Contents::Generated(normalized.text.into_bytes()),
    });
    entries.push(Entry {
        path: "Cargo.toml.orig".into(),
        contents: Contents::OnDisk(m.manifest_path.clone()),
    });
    if let Some(info) = vcs_info {
        entries.push(Entry {
            path: ".cargo_vcs_info.json".into(),
            contents: Contents::Generated(info.into_bytes()),
        });
    }
    if !args.exclude_lockfile {
        entries.push(Entry {
            path: "Cargo.lock".into(),
            contents: Contents::Generated(lock.into_bytes()),
        });
    }
    crate_file::sort_entries(&mut entries);
    let version = m.version().to_string();
    let krate = crate_file::write(m.name(), &version, &entries)?;
    let dir = target_dir.join("package");
    mycargo_util::fs::create_dir_all(&dir)?;
    let crate_path = dir.join(format!("{}-{version}.crate", m.name()));
    mycargo_util::fs::write_atomic(&crate_path, &krate.bytes)
        .with_context(|| format!("failed to write `{}`", crate_path.display()))?;
    gctx.shell.status(
        "Packaged",
        format!(
            "{} files, {} ({} compressed)",
            krate.files,
            human_bytes(krate.uncompressed_size),
            human_bytes(krate.bytes.len() as u64)
        ),
    )?;
    Ok(Some(Packaged {
        checksum: krate.checksum(),
        lock_deps,
        has_registry_deps,
        crate_path,
    }))
}

/// The `Cargo.lock` of the package alone. Its path dependencies become
/// registry dependencies; mycargo can only lock those when they were
/// packaged in this same run (cargo's local overlay of the packages being
/// published), with the checksum of the `.crate` just made.
fn lock_for(
    pkgs: &Packages,
    idx: usize,
    dropped_dev: &BTreeSet<String>,
    cx: &Cx<'_>,
    needed: bool,
) -> anyhow::Result<(String, Vec<usize>, bool)> {
    let done = cx.done;
    let m = &pkgs.manifests[idx];
    let rust_version = m.rust_version.as_ref().map(|r| &r.0);
    let version = cx
        .ws_lock_version
        .unwrap_or_else(|| LockVersion::with_rust_version(rust_version));
    let mut lock = Lockfile::new(version);
    let registry = SourceId::crates_io();
    let reg_id = |i: usize| {
        let d = &pkgs.manifests[i];
        PackageId::new(d.name(), d.version().clone(), registry.clone())
    };
    let mut root = LockedPackage::new(m.package_id.clone());
    let mut lock_deps = Vec::new();
    let mut queue = Vec::new();
    for &(di, to) in &pkgs.edges[idx] {
        let dep = &m.dependencies[di];
        if dep.kind() == DepKind::Development && dropped_dev.contains(dep.name_in_toml()) {
            continue;
        }
        let target = &pkgs.manifests[to];
        if !needed {
            lock_deps.push(to);
            queue.push(to);
            continue;
        }
        if !done.contains_key(&to) {
            bail!(
                "`{}` depends on `{}` {}, which becomes a registry dependency in the package; \
                 mycargo cannot resolve registry dependencies yet\n\
                 help: package `{}` in the same run (`-p {} -p {}` or `--workspace`), or pass `--exclude-lockfile`",
                m.name(),
                target.name(),
                dep.version_req(),
                target.name(),
                target.name(),
                m.name()
            );
        }
        if !dep.version_req().matches(target.version()) {
            bail!(
                "failed to select a version for the requirement `{} = \"{}\"`\n\
                 candidate versions found which didn't match: {}",
                target.name(),
                dep.version_req(),
                target.version()
            );
        }
        if dep.kind() != DepKind::Development {
            lock_deps.push(to);
        }
        root.dependencies.insert(reg_id(to));
        queue.push(to);
    }
    lock.insert(root);
    let has_registry_deps = !queue.is_empty();
    if !needed {
        lock_deps.retain(|&d| {
            pkgs.edges[idx]
                .iter()
                .any(|&(di, to)| to == d && m.dependencies[di].kind() != DepKind::Development)
        });
        return Ok((String::new(), lock_deps, has_registry_deps));
    }
    let mut seen = BTreeSet::new();
    while let Some(i) = queue.pop() {
        if !seen.insert(i) {
            continue;
        }
        let Some(p) = done.get(&i) else {
            bail!(
                "`{}` needs a registry to be locked, and mycargo cannot resolve registry dependencies yet",
                pkgs.manifests[i].name()
            );
        };
        let mut locked = LockedPackage::new(reg_id(i));
        locked.checksum = Some(p.checksum.clone());
        for &d in &p.lock_deps {
            locked.dependencies.insert(reg_id(d));
            queue.push(d);
        }
        lock.insert(locked);
    }
    Ok((lock.to_toml_string(None), lock_deps, has_registry_deps))
}

fn offline(gctx: &GlobalContext) -> anyhow::Result<bool> {
    Ok(gctx.args.offline
        || gctx.args.frozen
        || gctx.config.get_bool("net.offline")?.is_some_and(|v| v.val))
}

/// cargo's sizes: whole bytes, else one decimal in KiB, MiB, ...
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes}B");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1}{}", UNITS[unit])
}

/// Unpack the `.crate` under `target/package/` and build it there.
fn verify(
    gctx: &mut GlobalContext,
    args: &Args,
    m: &Manifest,
    p: &Packaged,
    target_dir: &Path,
    _ws: &Workspace,
) -> anyhow::Result<()> {
    let version = m.version().to_string();
    gctx.shell.status(
        "Verifying",
        format!("{} v{version} ({})", m.name(), m.root().display()),
    )?;
    if p.has_registry_deps {
        bail!(
            "cannot verify `{}`: its dependencies come from a registry in the package, and mycargo cannot fetch registry dependencies yet\n\
             help: pass `--no-verify` to skip the verification build",
            m.name()
        );
    }
    let parent = target_dir.join("package");
    let dst = parent.join(format!("{}-{version}", m.name()));
    if dst.exists() {
        std::fs::remove_dir_all(&dst)
            .with_context(|| format!("failed to remove `{}`", dst.display()))?;
    }
    let bytes = std::fs::read(&p.crate_path)
        .with_context(|| format!("failed to read `{}`", p.crate_path.display()))?;
    crate_file::unpack(&bytes, &parent, m.name(), &version)?;
    let compile = CompileOptions {
        jobs: args.jobs.clone(),
        target: args.target.clone(),
        target_dir: Some(target_dir.to_path_buf()),
        ..CompileOptions::default()
    };
    let manifest = dst.join("Cargo.toml");
    let req = CompileRequest {
        mode: CompileMode::Build,
        packages: PackageSelection::default(),
        targets: TargetSelection::default(),
        features: &args.features,
        compile: &compile,
        release: false,
        keep_going: args.keep_going,
        manifest_path: Some(&manifest),
    };
    super::compile::compile(gctx, &req)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_cargo_prints_them() {
        assert_eq!(human_bytes(792), "792B");
        assert_eq!(human_bytes(1141), "1.1KiB");
        assert_eq!(human_bytes(1024), "1.0KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 1), "3.0MiB");
    }
}
