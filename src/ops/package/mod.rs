//! `mycargo package`: make the `.crate` of each selected package as cargo
//! 1.95 makes it, byte for byte — the file list ([`files`]), the git
//! checks and `.cargo_vcs_info.json` ([`vcs`]), the normalized manifest
//! ([`normalize`]), the package's own lock file resolved against the
//! registries ([`lock`]), and the archive
//! (`mycargo_registry_api::crate_file`) — then, unless `--no-verify`,
//! unpack it under `target/package/` and build it. Packages depending on
//! others packaged in the same run are packaged after them, and locked and
//! verified against a local registry of the `.crate`s made ([`lock`]).

pub mod files;
pub mod lock;
pub mod normalize;
pub mod vcs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_compiler::CompileMode;
use mycargo_manifest::{Manifest, Workspace};
use mycargo_registry_api::crate_file::{self, Contents, Entry};
use mycargo_util::CliResult;

use super::compile::packages::Packages;
use super::compile::{CompileRequest, settings};
use crate::cli::common::{CompileOptions, PackageSelection, TargetSelection};
use crate::cli::package::Args;
use crate::context::GlobalContext;
use files::SourceFile;

/// A `.crate` made.
pub struct Packaged {
    pub name: String,
    pub version: String,
    pub crate_path: PathBuf,
}

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    package(gctx, args, true)?;
    Ok(())
}

/// Package (and, unless `--no-verify`, verify) the selected packages;
/// returns the `.crate`s made, dependencies first. `uplift`: copy them to
/// `target/package/` (what `package` does, not `publish`).
pub fn package(
    gctx: &mut GlobalContext,
    args: &Args,
    uplift: bool,
) -> anyhow::Result<Vec<Packaged>> {
    let overlays = gctx.local_overlays.len();
    let result = package_inner(gctx, args, uplift);
    gctx.local_overlays.truncate(overlays);
    result
}

fn package_inner(
    gctx: &mut GlobalContext,
    args: &Args,
    uplift: bool,
) -> anyhow::Result<Vec<Packaged>> {
    if args.message_format.is_some() {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--message-format", 15353)?;
    }
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    super::workspace::refuse_script(&ws, "package")?;
    let opts = super::workspace::read_options(gctx);
    let pkgs = if args.exclude_lockfile && args.no_verify {
        super::compile::packages::load_members(&ws)
    } else {
        super::compile::packages::load_for_packaging(&ws, &opts)?
    };
    let selection: PackageSelection = args.packages.clone().into();
    let selected = super::compile::select_packages(&ws, &pkgs, &selection)?;
    let order = dependency_order(&pkgs, &selected);
    // cargo first brings an existing `Cargo.lock` up to date.
    if !args.exclude_lockfile && ws.root().join(mycargo_lockfile::LOCKFILE_NAME).exists() {
        let how = super::resolve::How {
            mode: super::lockfile::Mode::Sync,
            ignore_rust_version: false,
            download: false,
            install: None,
        };
        super::resolve::resolve_workspace(gctx, &ws, &opts, &how, None)?;
    }
    let target_dir =
        settings::target_dir(gctx, args.target_dir.as_deref(), ws.default_target_dir())?;
    // Scratch files (the `.crate` being made, the verify build) go to the
    // build directory; only the finished `.crate` to the target directory.
    let build_dir = settings::build_dir(gctx, &ws, &target_dir)?;
    let ws_root: Option<toml::Table> = if ws.root_config().is_some() {
        let text = mycargo_util::fs::read_to_string(ws.root_manifest())?;
        Some(
            toml::from_str(&text)
                .with_context(|| format!("failed to parse `{}`", ws.root_manifest().display()))?,
        )
    } else {
        None
    };

    // Packages depending on others packaged in this run are locked and
    // verified against a local registry of those (cargo's overlay).
    let selected_set: BTreeSet<usize> = order.iter().copied().collect();
    let has_local_deps = order
        .iter()
        .any(|&i| local_deps(&pkgs, i, &selected_set).next().is_some());
    // `--list` packs nothing: no registry is settled (or checked) for it.
    let tmp_registry = if !args.list
        && ((has_local_deps && (!args.exclude_lockfile || !args.no_verify))
            || args.registry.is_some()
            || args.index.is_some())
    {
        let just: Vec<&Manifest> = order.iter().map(|&i| &pkgs.manifests[i]).collect();
        let target =
            lock::packaging_registry(gctx, &just, args.registry.as_deref(), args.index.as_deref())?;
        let reg = lock::TmpRegistry::new(&build_dir, target)?;
        gctx.local_overlays
            .push((reg.upstream.source_id.clone(), reg.root.clone()));
        Some(reg)
    } else {
        None
    };

    let mut done: Vec<(usize, Packaged)> = Vec::new();
    for &i in &order {
        let cx = Cx {
            ws: &ws,
            pkgs: &pkgs,
            ws_root: ws_root.as_ref(),
            target_dir: &target_dir,
            build_dir: &build_dir,
            uplift,
        };
        if let Some((p, krate)) = package_one(gctx, args, &cx, i)? {
            let m = &pkgs.manifests[i];
            if let Some(reg) = &tmp_registry
                && m.publish.as_ref().is_none_or(|l| !l.is_empty())
            {
                reg.add(m, &krate.bytes, &krate.checksum())?;
            }
            done.push((i, p));
        }
    }
    if !args.list && !args.no_verify {
        for (i, p) in &done {
            verify(gctx, args, &pkgs.manifests[*i], p, &build_dir)
                .context("failed to verify package tarball")?;
        }
    }
    Ok(done.into_iter().map(|(_, p)| p).collect())
}

/// `package --list --message-format json` (unstable): one line per
/// package, its files by archive path, each copied from a file or
/// generated (from one, when there is one), as cargo reports them.
fn list_json(
    gctx: &mut GlobalContext,
    cx: &Cx<'_>,
    m: &Manifest,
    sources: &[SourceFile],
    generated: &[&str],
) -> anyhow::Result<()> {
    let entry = |kind: &str, path: Option<&Path>| {
        let mut e = serde_json::Map::new();
        e.insert("kind".into(), kind.into());
        if let Some(p) = path {
            e.insert("path".into(), p.display().to_string().into());
        }
        serde_json::Value::Object(e)
    };
    let mut files = BTreeMap::new();
    for f in sources {
        files.insert(f.rel.clone(), entry("copy", Some(&f.disk)));
    }
    let lock = cx.ws.lock_path();
    for g in generated {
        let e = match *g {
            "Cargo.toml" => entry("generate", Some(&m.manifest_path)),
            "Cargo.toml.orig" => entry("copy", Some(&m.manifest_path)),
            "Cargo.lock" => entry("generate", lock.is_file().then_some(lock.as_path())),
            _ => entry("generate", None),
        };
        files.insert(g.to_string(), e);
    }
    #[derive(serde::Serialize)]
    struct Listed {
        id: String,
        files: BTreeMap<String, serde_json::Value>,
    }
    let line = serde_json::to_string(&Listed {
        id: mycargo_core::PackageIdSpec::from_package_id(&m.package_id).to_string(),
        files,
    })?;
    writeln!(gctx.shell.out(), "{line}")?;
    Ok(())
}

/// The packages of `set` that package `i` depends on by path (cargo's
/// `local_deps`): not itself, and not through a dev-dependency without a
/// version (the package drops those).
pub fn local_deps<'a>(
    pkgs: &'a Packages,
    i: usize,
    set: &'a BTreeSet<usize>,
) -> impl Iterator<Item = usize> + 'a {
    let m = &pkgs.manifests[i];
    pkgs.edges[i]
        .iter()
        .filter(move |&&(di, to)| {
            let d = &m.dependencies[di];
            to != i
                && set.contains(&to)
                && !(d.kind() == mycargo_core::DepKind::Development
                    && d.version_req().to_string() == "*")
        })
        .map(|&(_, to)| to)
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
        let mut deps: Vec<usize> = local_deps(pkgs, i, set).collect();
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
    // An empty value counts as none, as cargo counts it.
    let none = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
    if none(&md.description) {
        missing.push("description");
    }
    if none(&md.license) && none(&md.license_file) {
        missing.push("license");
        missing.push("license-file");
    }
    if none(&md.documentation) && none(&md.homepage) && none(&md.repository) {
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
fn source_files(
    gctx: &mut GlobalContext,
    m: &Manifest,
    git: Option<&vcs::GitRepo>,
) -> anyhow::Result<Vec<SourceFile>> {
    let root = m.root();
    let filter = files::Filter::new(&m.include, &m.exclude)?;
    let mut warnings = Vec::new();
    let mut list = files::list(root, &filter, git, &mut warnings)?;
    for w in warnings {
        gctx.shell.warn(w)?;
    }
    for reserved in ["Cargo.toml.orig", ".cargo_vcs_info.json"] {
        if list.iter().any(|f| f.rel == reserved) {
            bail!("invalid inclusion of reserved file name {reserved} in package source");
        }
    }
    // `Cargo.toml` in any case (`cargo.toml`) is the manifest's place.
    list.retain(|f| f.rel != "Cargo.lock" && !f.rel.eq_ignore_ascii_case("Cargo.toml"));
    for f in &list {
        // cargo's check of names other platforms cannot hold.
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        let bad = ['\\', '<', '>', ':', '"', '|', '?', '*'];
        if let Some(c) = bad.iter().find(|c| name.contains(**c)) {
            bail!(
                "cannot package a filename with a special character `{c}`: {}",
                f.rel
            );
        }
        if is_windows_reserved_path(&f.rel) {
            gctx.shell.warn(format!(
                "file {} is a reserved Windows filename, it will not work on Windows platforms",
                f.rel
            ))?;
        }
    }
    // cargo's check: `license-file` and `readme` name files that exist.
    let mut missing = Vec::new();
    for (key, file) in [
        ("license-file", &m.metadata.license_file),
        ("readme", &m.metadata.readme),
    ] {
        if let Some(file) = file
            && !root.join(file).is_file()
        {
            missing.push(format!(
                "{key} `{file}` does not appear to exist (relative to `{}`).\n\
                 Please update the {key} setting in the manifest at `{}`.",
                root.display(),
                m.manifest_path.display()
            ));
        }
    }
    if !missing.is_empty() {
        bail!("{}", missing.join("\n"));
    }
    let extra = [
        ("readme", &m.metadata.readme),
        ("license-file", &m.metadata.license_file),
    ];
    for (key, file) in extra {
        let Some(file) = file else { continue };
        let rel = normalize::archive_path(root, file);
        let disk = mycargo_util::fs::normalize_path(&root.join(file));
        if !list.iter().any(|f| f.rel == rel) {
            if disk.is_file() {
                list.push(SourceFile { rel, disk });
            }
        } else if !disk.starts_with(root) {
            gctx.shell.warn(format!(
                "{key} `{file}` appears to be a path outside of the package, but there is already a file named `{rel}` in the root of the package. The archived crate will contain the copy in the root of the package. Update the {key} to point to the path relative to the root of the package to remove this warning."
            ))?;
        }
    }
    list.sort_by(|a, b| Path::new(&a.rel).cmp(Path::new(&b.rel)));
    Ok(list)
}

/// A path with a component Windows reserves (`con`, `aux.rs`, `lpt1`...).
fn is_windows_reserved_path(rel: &str) -> bool {
    rel.split('/').any(|c| {
        let stem = c.split('.').next().unwrap_or("").to_ascii_lowercase();
        matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
            || ((stem.starts_with("com") || stem.starts_with("lpt"))
                && stem.len() == 4
                && stem.as_bytes()[3].is_ascii_digit()
                && stem.as_bytes()[3] != b'0')
    })
}

/// What every package of one run shares.
struct Cx<'a> {
    ws: &'a Workspace,
    pkgs: &'a Packages,
    ws_root: Option<&'a toml::Table>,
    target_dir: &'a Path,
    build_dir: &'a Path,
    uplift: bool,
}

fn package_one(
    gctx: &mut GlobalContext,
    args: &Args,
    cx: &Cx<'_>,
    idx: usize,
) -> anyhow::Result<Option<(Packaged, crate_file::CrateFile)>> {
    let (pkgs, ws_root, build_dir) = (cx.pkgs, cx.ws_root, cx.build_dir);
    let m = &pkgs.manifests[idx];
    let root = m.root();
    // cargo warns only for crates.io: no registry named, or `crates-io`.
    let for_crates_io = args.index.is_none()
        && args
            .registry
            .as_deref()
            .is_none_or(|r| r == mycargo_core::source_id::CRATES_IO_REGISTRY);
    if !args.no_metadata
        && for_crates_io
        && let Some(w) = metadata_warning(m)
    {
        gctx.shell.warn(w)?;
    }
    // cargo's check: the build script lies inside the package.
    if let Some(t) = m
        .targets
        .iter()
        .find(|t| matches!(t.kind, mycargo_manifest::target::TargetKind::CustomBuild))
    {
        let path = mycargo_util::fs::normalize_path(&t.src_path);
        let tail = format!(
            "This may cause issue during packaging, as modules resolution and resources included via macros are often relative to the path of source files.\n\
             Please update the `build` setting in the manifest at `{}` and point to a path inside the root of the package.",
            m.manifest_path.display()
        );
        if !path.exists() {
            bail!("the source file of build script doesn't appear to exist.\n{tail}");
        }
        if !path.starts_with(root) {
            bail!(
                "the source file of build script doesn't appear to be a path inside of the package.\n\
                 It is at `{}`, whereas the root the package is `{}`.\n{tail}",
                path.display(),
                root.display()
            );
        }
    }
    if !m.include.is_empty() && !m.exclude.is_empty() {
        gctx.shell.warn(
            "both package.include and package.exclude are specified; the exclude list will be ignored",
        )?;
    }
    let git = vcs::GitRepo::discover(root);
    if let Some(w) = git.as_ref().and_then(vcs::GitRepo::symlink_warning) {
        gctx.shell.warn(w)?;
    }
    let sources = source_files(gctx, m, git.as_ref())?;
    let mut vcs_info = None;
    if let Some(repo) = &git {
        let mut disk: Vec<PathBuf> = sources.iter().map(|f| f.disk.clone()).collect();
        disk.push(m.manifest_path.clone());
        let cwd = gctx.env.cwd().to_path_buf();
        let dirty = repo.dirty_files(&disk, &cwd)?;
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
    if args.list && args.message_format.as_deref() == Some("json") {
        return list_json(gctx, cx, m, &sources, &generated).map(|()| None);
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
        registries: &super::workspace::read_options(gctx).registries,
    })?;
    gctx.shell.status(
        "Packaging",
        format!("{} v{} ({})", m.name(), m.version(), root.display()),
    )?;
    if m.cargo_features.iter().any(|f| f == "open-namespaces") {
        return Err(anyhow::anyhow!("cannot publish with `open-namespaces`")
            .context("failed to prepare local package for uploading"));
    }
    for w in &normalized.warnings {
        gctx.shell.warn(w)?;
    }

    let lock = if args.exclude_lockfile {
        String::new()
    } else {
        lock::build_lock(gctx, cx.ws, build_dir, m, &normalized.text)?
    };
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
    if gctx.shell.verbosity() != mycargo_util::Verbosity::Normal
        && gctx.shell.verbosity() != mycargo_util::Verbosity::Quiet
    {
        for e in &entries {
            gctx.shell.status("Archiving", &e.path)?;
        }
    }
    let version = m.version().to_string();
    let krate = crate_file::write(m.name(), &version, &entries)
        .context("failed to prepare local package for uploading")?;
    // As cargo: made in `target/package/tmp-crate/`, and copied to
    // `target/package/` by `package` (not by `publish`).
    let file = format!("{}-{version}.crate", m.name());
    let dir = build_dir.join("package");
    let tmp = dir.join("tmp-crate");
    mycargo_util::fs::create_dir_all(&tmp)?;
    let crate_path = tmp.join(&file);
    mycargo_util::fs::write_atomic(&crate_path, &krate.bytes)
        .with_context(|| format!("failed to write `{}`", crate_path.display()))?;
    if cx.uplift {
        let out = cx.target_dir.join("package");
        mycargo_util::fs::create_dir_all(&out)?;
        mycargo_compiler::layout::tag_cache_dirs(cx.target_dir, &out)?;
        let dst = out.join(&file);
        mycargo_util::fs::write_atomic(&dst, &krate.bytes)
            .with_context(|| format!("failed to write `{}`", dst.display()))?;
    }
    gctx.shell.status(
        "Packaged",
        format!(
            "{} files, {} ({} compressed)",
            krate.files,
            mycargo_util::bytes::human_bytes(krate.uncompressed_size),
            mycargo_util::bytes::human_bytes(krate.bytes.len() as u64)
        ),
    )?;
    Ok(Some((
        Packaged {
            name: m.name().to_string(),
            version,
            crate_path,
        },
        krate,
    )))
}

/// Unpack the `.crate` under `<build-dir>/package/` and build it there,
/// the build directory standing for both of its directories (as cargo's
/// ephemeral workspace).
fn verify(
    gctx: &mut GlobalContext,
    args: &Args,
    m: &Manifest,
    p: &Packaged,
    target_dir: &Path,
) -> anyhow::Result<()> {
    let version = m.version().to_string();
    gctx.shell.status(
        "Verifying",
        format!("{} v{version} ({})", m.name(), m.root().display()),
    )?;
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
    let extras = super::compile::CompileExtras {
        build_dir_is_target: true,
        ..Default::default()
    };
    super::compile::compile_with(gctx, &req, &extras)?;
    Ok(())
}
