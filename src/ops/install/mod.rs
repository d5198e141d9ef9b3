//! `mycargo install`: build a package's binaries (release profile by
//! default) and put them in the install root's `bin/`, recorded in
//! cargo's tracking files (see [`tracker`]); `install --list`. Packages
//! come from a registry (the newest matching release), a git repository,
//! or a directory.
//!
//! Registry and git packages build in a temporary target directory,
//! removed after success and kept (and named) after a failure; binaries
//! are staged next to their destination and renamed into place, so a
//! failed install leaves the previous binaries working.

mod plan;
pub use plan::rustc as plan_rustc;
pub mod root;
mod select;
pub mod tracker;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_core::{PackageId, SourceId};
use mycargo_util::CliResult;
use semver::VersionReq;

use super::compile::{CompileExtras, CompileRequest, InstallBuild};
use crate::cli::common::PackageSelection;
use crate::cli::install::Args;
use crate::context::GlobalContext;
use plan::Plan;
use select::Selected;
use tracker::Tracker;

/// Where the packages of this `install` come from.
enum From {
    Registry(SourceId),
    Git(SourceId),
    /// `--path`, or the working directory (`from_cwd`).
    Path {
        dir: PathBuf,
        from_cwd: bool,
    },
}

/// What every crate of one `install` shares.
struct Ctx {
    from: From,
    plan: Plan,
    root: PathBuf,
    dst: PathBuf,
    force: bool,
    no_track: bool,
    dry_run: bool,
    /// `rustc -vV`, recorded with each install.
    rustc_verbose: String,
    /// The toolchain's version, when `rust-version` is honoured.
    rust_version: Option<semver::Version>,
    registry: Option<select::Registry>,
}

pub fn install(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(run(gctx, args)?)
}

fn run(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    if args.target.as_ref().is_some_and(|t| t.is_empty()) {
        bail!(super::compile::TARGET_NEEDS_VALUE);
    }
    let path = args
        .path
        .as_ref()
        .map(|p| mycargo_util::fs::normalize_path(&gctx.cwd().join(p)));
    // cargo reads the configuration of `--path`, or of `$CARGO_HOME`
    // only: an install is not shaped by the directory it runs in.
    let config_root = path
        .clone()
        .unwrap_or_else(|| gctx.config.cargo_home().to_path_buf());
    gctx.config =
        mycargo_config::Config::load_rooted_at(&gctx.env, &gctx.args.config, Some(&config_root))?;
    if args.list {
        return list(gctx, args.root.as_deref());
    }
    if args.dry_run {
        crate::unstable::fail_if_stable_opt(&gctx.unstable, &gctx.env, "--dry-run", 11123)?;
    }
    let krates = requested_crates(args)?;
    check_names(&krates)?;
    let from = if let Some(url) = &args.git {
        From::Git(git_source(args, url)?)
    } else if let Some(dir) = path {
        From::Path {
            dir,
            from_cwd: false,
        }
    } else if krates.is_empty() {
        From::Path {
            dir: gctx.cwd().to_path_buf(),
            from_cwd: true,
        }
    } else {
        From::Registry(registry_source(gctx, args)?)
    };
    let rustc = plan::rustc(gctx)?;
    let plan = Plan::new(gctx, args, &rustc.host)?;
    if let From::Path { dir, .. } = &from {
        plan.check_target_choices(gctx, dir)?;
    }
    let root = root::resolve_root(gctx, args.root.as_deref())?;
    let dst = root::bin_dir(gctx, &root);
    let registry = match &from {
        From::Registry(_) => Some(select::Registry::new(gctx)?),
        _ => None,
    };
    let mut ctx = Ctx {
        from,
        plan,
        root,
        dst,
        force: args.force,
        no_track: args.no_track,
        dry_run: args.dry_run,
        rustc_verbose: rustc.verbose_version.clone(),
        rust_version: (!args.ignore_rust_version).then(|| rustc.version.clone()),
        registry,
    };

    let (installed_anything, failed) = if krates.len() <= 1 {
        let (name, req) = match krates.first() {
            Some((n, r)) => (Some(n.as_str()), r.as_ref()),
            None => (None, None),
        };
        let installed = match prepare(gctx, &mut ctx, name, req)? {
            Some(sel) => install_one(gctx, &mut ctx, args, sel, req)?,
            None => true,
        };
        (installed, false)
    } else {
        install_many(gctx, &mut ctx, args, &krates)?
    };
    if installed_anything {
        root::warn_if_not_on_path(gctx, &ctx.dst)?;
    }
    if failed {
        bail!("some crates failed to install");
    }
    Ok(())
}

/// Several crates: each is selected (errors shown as they come), then
/// each is built and installed; cargo's summary at the end.
fn install_many(
    gctx: &mut GlobalContext,
    ctx: &mut Ctx,
    args: &Args,
    krates: &[(String, Option<VersionReq>)],
) -> anyhow::Result<(bool, bool)> {
    let mut succeeded = Vec::new();
    let mut failed = Vec::new();
    let mut ready = Vec::new();
    for (name, req) in krates {
        match prepare(gctx, ctx, Some(name), req.as_ref()) {
            Ok(Some(sel)) => ready.push((name, req, sel)),
            Ok(None) => succeeded.push(name.as_str()),
            Err(e) => {
                gctx.shell.print_error(&e);
                failed.push(name.as_str());
            }
        }
    }
    for (name, req, sel) in ready {
        match install_one(gctx, ctx, args, sel, req.as_ref()) {
            Ok(true) => succeeded.push(name.as_str()),
            Ok(false) => {}
            Err(e) => {
                gctx.shell.print_error(&e);
                failed.push(name.as_str());
            }
        }
    }
    // cargo lists them in the order they were given.
    let order = |n: &&str| krates.iter().position(|(k, _)| k == n);
    succeeded.sort_by_key(order);
    failed.sort_by_key(order);
    let mut summary = Vec::new();
    if !succeeded.is_empty() {
        summary.push(format!("Successfully installed {}!", succeeded.join(", ")));
    }
    if !failed.is_empty() {
        summary.push(format!(
            "Failed to install {} (see error(s) above).",
            failed.join(", ")
        ));
    }
    if !summary.is_empty() {
        gctx.shell.status("Summary", summary.join(" "))?;
    }
    Ok((!succeeded.is_empty(), !failed.is_empty()))
}

/// cargo's `InstallablePackage::new`: find the package, and say
/// `Ignored` (returning `None`) when it is installed as asked already.
fn prepare(
    gctx: &mut GlobalContext,
    ctx: &mut Ctx,
    krate: Option<&str>,
    req: Option<&VersionReq>,
) -> anyhow::Result<Option<Selected>> {
    if krate == Some(".") {
        bail!(
            "to install the binaries for the package in current working directory use `cargo install --path .`. \n\
             use `cargo build` if you want to simply build the package."
        );
    }
    let sel = match &ctx.from {
        From::Git(source) => select::from_git(gctx, source, krate, req)?,
        From::Path { dir, from_cwd } => select::from_path(gctx, dir, *from_cwd, krate, req)?,
        From::Registry(source) => {
            let Some(name) = krate else {
                bail!(
                    "must specify a crate to install from crates.io, or use --path or --git to specify alternate source"
                );
            };
            let source = source.clone();
            let req = req.cloned().unwrap_or(VersionReq::STAR);
            let cached = match ctx.registry.as_mut() {
                Some(r) => r.cached_exact(gctx, &source, name, &req),
                None => None,
            };
            if let Some(sel) = cached
                && !ctx.no_track
                && is_installed(gctx, ctx, &sel)?
            {
                ignored(gctx, &sel.id)?;
                return Ok(None);
            }
            let rust_version = ctx.rust_version.clone();
            let Some(registry) = ctx.registry.as_mut() else {
                bail!("no registry to install `{name}` from");
            };
            registry.select(gctx, &source, name, &req, rust_version.as_ref())?
        }
    };
    if gctx.args.locked || gctx.args.frozen {
        let ws = super::workspace::load(gctx, &sel.manifest_path)?;
        // A lock file named by `resolver.lockfile-path` must be there.
        if gctx.unstable.lockfile_path
            && gctx.config.get_string("resolver.lockfile-path")?.is_some()
            && !ws.lock_path().exists()
        {
            bail!(
                "no Cargo.lock file found in the requested path {}",
                ws.lock_path().display()
            );
        }
        if !ws.root().join("Cargo.lock").exists() {
            gctx.shell
                .warn(format!("no Cargo.lock file published in {}", sel.id))?;
        }
    }
    if matches!(ctx.from, From::Path { from_cwd: true, .. }) {
        const WHY: &str = "use `cargo install --path .` instead. \
                           note: use `cargo build` if you want to simply build the package.";
        if sel.manifest.edition == mycargo_core::Edition::Edition2015 {
            gctx.shell.warn(format!(
                "using `cargo install` to install the binaries from the package in current working directory is deprecated, {WHY}"
            ))?;
        } else {
            bail!(
                "using `cargo install` to install the binaries from the package in current working directory is no longer supported, {WHY}"
            );
        }
    }
    if !ctx.plan.is_specific() && !sel.manifest.targets.iter().any(|t| t.is_bin()) {
        bail!(
            "there is nothing to install in `{}`, because it has no binaries\n\
             `cargo install` is only for installing programs, and can't be used with libraries.\n\
             To use a library crate, add it as a dependency to a Cargo project with `cargo add`.",
            sel.id
        );
    }
    if ctx.no_track {
        no_track_duplicates(ctx, &sel)?;
    } else if is_installed(gctx, ctx, &sel)? {
        ignored(gctx, &sel.id)?;
        return Ok(None);
    }
    Ok(Some(sel))
}

fn ignored(gctx: &mut GlobalContext, id: &PackageId) -> anyhow::Result<()> {
    gctx.shell.status(
        "Ignored",
        format!("package `{id}` is already installed, use --force to override"),
    )?;
    Ok(())
}

fn load_tracker(gctx: &mut GlobalContext, root: &Path) -> anyhow::Result<Tracker> {
    Tracker::load(root, &mut |m| {
        let _ = gctx.shell.status("Blocking", m);
    })
}

fn is_installed(gctx: &mut GlobalContext, ctx: &Ctx, sel: &Selected) -> anyhow::Result<bool> {
    let tracker = load_tracker(gctx, &ctx.root)?;
    let exes = ctx.plan.exe_names(&sel.manifest);
    let (fresh, _) =
        tracker.check_upgrade(&ctx.dst, &sel.id, &exes, ctx.force, &ctx.plan.request)?;
    Ok(fresh)
}

/// `--no-track`: nothing may be overwritten without `--force`.
fn no_track_duplicates(ctx: &Ctx, sel: &Selected) -> anyhow::Result<tracker::Duplicates> {
    let duplicates: tracker::Duplicates = ctx
        .plan
        .exe_names(&sel.manifest)
        .into_iter()
        .filter(|name| ctx.dst.join(name).exists())
        .map(|name| (name, None))
        .collect();
    if !ctx.force && !duplicates.is_empty() {
        let mut msg: Vec<String> = duplicates
            .keys()
            .map(|name| {
                format!(
                    "binary `{name}` already exists in destination `{}`",
                    ctx.dst.join(name).to_string_lossy()
                )
            })
            .collect();
        msg.push("Add --force to overwrite".to_string());
        bail!(msg.join("\n"));
    }
    Ok(duplicates)
}

/// Build `sel` and install its binaries. `false` when the build produced
/// none (their required features were off).
fn install_one(
    gctx: &mut GlobalContext,
    ctx: &mut Ctx,
    args: &Args,
    sel: Selected,
    req: Option<&VersionReq>,
) -> anyhow::Result<bool> {
    gctx.shell.status("Installing", &sel.id)?;
    if let (Some(source), Some(registry)) = (&sel.registry_source, ctx.registry.as_mut()) {
        registry.announce_build(gctx, source)?;
    }
    let (mut binaries, _target_dir) = build(gctx, ctx, args, &sel)?;
    if ctx.dry_run {
        // Nothing was compiled: what would have been.
        binaries = ctx
            .plan
            .exe_names(&sel.manifest)
            .into_iter()
            .map(|n| (n.clone(), PathBuf::from(n)))
            .collect();
    }
    if binaries.is_empty() {
        let bins: Vec<&mycargo_manifest::Target> = sel
            .manifest
            .targets
            .iter()
            .filter(|t| t.is_bin() || t.is_example())
            .collect();
        if ctx.plan.is_specific() && ctx.plan.names_any() {
            bail!("no binaries are available for install using the selected features");
        }
        if !bins.is_empty() {
            gctx.shell.warn(missing_features_warning(&bins))?;
        }
        return Ok(false);
    }
    let (mut tracker, duplicates) = if ctx.no_track {
        (None, no_track_duplicates(ctx, &sel)?)
    } else {
        let tracker = load_tracker(gctx, &ctx.root)?;
        let exes = ctx.plan.exe_names(&sel.manifest);
        let (_, duplicates) =
            tracker.check_upgrade(&ctx.dst, &sel.id, &exes, ctx.force, &ctx.plan.request)?;
        (Some(tracker), duplicates)
    };
    let mut placed = place_binaries(gctx, ctx, &sel, &binaries, &duplicates)?;
    if let Some(tracker) = tracker.as_mut() {
        tracker.mark_installed(
            &sel.id,
            &placed.done,
            req.map(|r| r.to_string()),
            &ctx.plan.request,
            &ctx.rustc_verbose,
        );
        if let Err(e) = remove_orphans(gctx, ctx, tracker, &duplicates, &sel) {
            gctx.shell.warn(format!("failed to remove orphan: {e:?}"))?;
        }
        if !ctx.dry_run {
            let saved = tracker.save();
            std::mem::replace(&mut placed.replace_result, Ok(()))?;
            saved?;
        }
    }
    report(gctx, ctx, &sel.id, &placed, &duplicates)?;
    Ok(true)
}

/// Compile `sel` as cargo's install does, returning its binaries (file
/// name and path), by name. Registry and git packages build in a
/// temporary directory unless a target directory is configured; it is
/// returned, to be removed once the binaries are in place.
fn build(
    gctx: &mut GlobalContext,
    ctx: &Ctx,
    args: &Args,
    sel: &Selected,
) -> anyhow::Result<Built> {
    let mut compile = ctx.plan.compile.clone();
    let mut temp = None;
    let configured =
        compile.target_dir.is_some() || gctx.config.get_path("build.target-dir")?.is_some();
    if !sel.id.source_id().is_path() && !configured {
        let dir = tempfile::Builder::new()
            .prefix("cargo-install")
            .tempdir()
            .context("failed to create a temporary target directory")?;
        compile.target_dir = Some(dir.path().to_path_buf());
        temp = Some(dir);
    }
    // A registry package builds as cargo's ephemeral workspace: its
    // intermediate files stay in its target directory; a git or path one
    // honours `build.build-dir`.
    let from_registry = sel.registry_source.is_some();
    let build_dir = {
        let ws = super::workspace::load(gctx, &sel.manifest_path)?;
        let target = match &compile.target_dir {
            Some(d) => gctx.cwd().join(d),
            None => super::compile::settings::target_dir(gctx, None, ws.default_target_dir())?,
        };
        match from_registry {
            true => target,
            false => super::compile::settings::build_dir(gctx, &ws, &target)?,
        }
    };
    let req = CompileRequest {
        mode: mycargo_compiler::CompileMode::Build,
        packages: PackageSelection {
            package: Some(vec![sel.manifest.name().to_string()]),
            ..PackageSelection::default()
        },
        targets: ctx.plan.targets.clone(),
        features: &args.features,
        compile: &compile,
        release: false,
        keep_going: args.keep_going,
        manifest_path: Some(&sel.manifest_path),
    };
    let extras = CompileExtras {
        install: Some(InstallBuild {
            dry_run: ctx.dry_run,
            registry_source: sel.registry_source.clone(),
            use_lock: gctx.args.locked || gctx.args.frozen,
        }),
        build_dir_is_target: from_registry,
        ..CompileExtras::default()
    };
    let built = match super::compile::compile_with(gctx, &req, &extras) {
        Ok(b) => b,
        Err(e) => {
            // Kept for the user to look at (and reuse).
            if let Some(dir) = temp.take() {
                let _ = dir.keep();
            }
            return Err(e.context(format!(
                "failed to compile `{}`, intermediate artifacts can be found at `{}`.\n\
                 To reuse those artifacts with a future compilation, set the environment variable `CARGO_BUILD_BUILD_DIR` to that path.",
                sel.id,
                build_dir.display()
            )));
        }
    };
    let mut binaries = Vec::new();
    for exe in &built.executables {
        let Some(name) = exe.path.file_name().and_then(|n| n.to_str()) else {
            bail!(
                "Binary `{:?}` name can't be serialized into string",
                exe.path
            );
        };
        binaries.push((name.to_string(), exe.path.clone()));
    }
    binaries.sort();
    binaries.dedup();
    Ok((binaries, temp))
}

/// A build's binaries (file name and path, by name), and the temporary
/// target directory they are in, if any.
type Built = (Vec<(String, PathBuf)>, Option<tempfile::TempDir>);

/// What placing the binaries did.
struct Placed {
    /// Installed new, in name order.
    new: Vec<String>,
    /// Put in place of an earlier binary.
    replaced: Vec<String>,
    /// Every binary now in place (what the tracker records).
    done: BTreeSet<String>,
    /// A failure while replacing, reported after the tracker is saved.
    replace_result: anyhow::Result<()>,
}

/// Copy the binaries into a staging directory inside `dst` first (so a
/// full disk fails before anything is touched), then rename new ones into
/// place, then the replacements.
fn place_binaries(
    gctx: &mut GlobalContext,
    ctx: &Ctx,
    sel: &Selected,
    binaries: &[(String, PathBuf)],
    duplicates: &tracker::Duplicates,
) -> anyhow::Result<Placed> {
    let (replaced, new): (Vec<String>, Vec<String>) = binaries
        .iter()
        .map(|(n, _)| n.clone())
        .partition(|n| duplicates.contains_key(n));
    let mut placed = Placed {
        new,
        replaced,
        done: BTreeSet::new(),
        replace_result: Ok(()),
    };
    if ctx.dry_run {
        for bin in &placed.new {
            gctx.shell
                .status("Installing", ctx.dst.join(bin).display())?;
        }
        for bin in &placed.replaced {
            gctx.shell
                .status("Replacing", ctx.dst.join(bin).display())?;
        }
        return Ok(placed);
    }
    std::fs::create_dir_all(&ctx.dst)
        .with_context(|| format!("failed to create directory `{}`", ctx.dst.display()))?;
    let staging = tempfile::Builder::new()
        .prefix("cargo-install")
        .tempdir_in(&ctx.dst)
        .with_context(|| format!("failed to create a directory in `{}`", ctx.dst.display()))?;
    for (bin, src) in binaries {
        let to = staging.path().join(bin);
        if !sel.id.source_id().is_path() && std::fs::rename(src, &to).is_ok() {
            continue;
        }
        std::fs::copy(src, &to)
            .with_context(|| format!("failed to copy `{}` to `{}`", src.display(), to.display()))?;
    }
    let mut moved = Vec::new();
    for bin in &placed.new {
        let (src, dst) = (staging.path().join(bin), ctx.dst.join(bin));
        gctx.shell.status("Installing", dst.display())?;
        if let Err(e) = std::fs::rename(&src, &dst) {
            // Undo this install's new binaries.
            for p in &moved {
                let _ = std::fs::remove_file(p);
            }
            return Err(anyhow::Error::new(e).context(format!(
                "failed to move `{}` to `{}`",
                src.display(),
                dst.display()
            )));
        }
        moved.push(dst);
        placed.done.insert(bin.clone());
    }
    for bin in placed.replaced.clone() {
        let (src, dst) = (staging.path().join(&bin), ctx.dst.join(&bin));
        gctx.shell.status("Replacing", dst.display())?;
        if let Err(e) = std::fs::rename(&src, &dst) {
            placed.replace_result = Err(anyhow::Error::new(e).context(format!(
                "failed to move `{}` to `{}`",
                src.display(),
                dst.display()
            )));
            break;
        }
        placed.done.insert(bin);
    }
    Ok(placed)
}

/// Binaries an earlier version of the package installed that this
/// version no longer has are removed.
fn remove_orphans(
    gctx: &mut GlobalContext,
    ctx: &Ctx,
    tracker: &mut Tracker,
    duplicates: &tracker::Duplicates,
    sel: &Selected,
) -> anyhow::Result<()> {
    let all_names = plan::all_exe_names(&sel.manifest);
    let mut to_remove: std::collections::BTreeMap<PackageId, BTreeSet<String>> = Default::default();
    for other in duplicates.values().flatten() {
        if other.name() != sel.id.name() {
            continue;
        }
        if let Some(installed) = tracker.installed_bins(other) {
            for name in installed {
                if !all_names.contains(name) {
                    to_remove
                        .entry(other.clone())
                        .or_default()
                        .insert(name.clone());
                }
            }
        }
    }
    for (old, bins) in to_remove {
        tracker.remove(&old, &bins);
        for bin in bins {
            let path = ctx.dst.join(&bin);
            if path.exists() {
                gctx.shell.status(
                    "Removing",
                    format!(
                        "executable `{}` from previous version {old}",
                        path.display()
                    ),
                )?;
                if !ctx.dry_run {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("failed to remove {path:?}"))?;
                }
            }
        }
    }
    Ok(())
}

/// cargo's `Installed`/`Replaced` lines (or the dry-run warning).
fn report(
    gctx: &mut GlobalContext,
    ctx: &Ctx,
    id: &PackageId,
    placed: &Placed,
    duplicates: &tracker::Duplicates,
) -> anyhow::Result<()> {
    fn executables<'a>(names: impl Iterator<Item = &'a String>) -> String {
        let names: Vec<&String> = names.collect();
        match names.as_slice() {
            [one] => format!("(executable `{one}`)"),
            many => format!(
                "(executables {})",
                many.iter()
                    .map(|b| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    if ctx.dry_run {
        gctx.shell.warn("aborting install due to dry run")?;
        return Ok(());
    }
    if duplicates.is_empty() {
        gctx.shell.status(
            "Installed",
            format!("package `{id}` {}", executables(placed.done.iter())),
        )?;
        return Ok(());
    }
    if !placed.new.is_empty() {
        gctx.shell.status(
            "Installed",
            format!("package `{id}` {}", executables(placed.new.iter())),
        )?;
    }
    let mut by_owner: std::collections::BTreeMap<String, Vec<&String>> = Default::default();
    for (bin, owner) in duplicates {
        // The record keeps a registry's URL, not its name: shown as this
        // install's source when it is the same registry.
        let owner = owner
            .as_ref()
            .map(|p| match p.source_id() == id.source_id() {
                true if p.source_id().is_registry() => p.with_source_id(id.source_id().clone()),
                _ => p.clone(),
            });
        let key = owner.map_or_else(|| "unknown".to_string(), |p| p.to_string());
        by_owner.entry(key).or_default().push(bin);
    }
    for (owner, bins) in by_owner {
        gctx.shell.status(
            "Replaced",
            format!(
                "package `{owner}` with `{id}` {}",
                executables(bins.into_iter())
            ),
        )?;
    }
    Ok(())
}

/// cargo's warning when every binary needs features that are off.
fn missing_features_warning(targets: &[&mycargo_manifest::Target]) -> String {
    const MAX: usize = 7;
    let listed: Vec<String> = targets
        .iter()
        .take(MAX)
        .map(|t| {
            let kind = if t.is_example() { "example" } else { "bin" };
            let features = t
                .required_features
                .iter()
                .flatten()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("  {kind} \"{}\" requires the features: {features}", t.name)
        })
        .collect();
    let more = match targets.len() > MAX {
        true => format!(
            "\n{} more targets also requires features not enabled. See them in the Cargo.toml file.",
            targets.len() - MAX
        ),
        false => String::new(),
    };
    let example = targets
        .first()
        .and_then(|t| t.required_features.as_ref())
        .map(|f| f.join(" "))
        .unwrap_or_default();
    format!(
        "none of the package's binaries are available for install using the selected features\n{}{more}\n\
         Consider enabling some of the needed features by passing, e.g., `--features=\"{example}\"`",
        listed.join("\n")
    )
}

/// `install --list`: each package and its binaries.
fn list(gctx: &mut GlobalContext, root: Option<&Path>) -> anyhow::Result<()> {
    let root = root::resolve_root(gctx, root)?;
    let tracker = load_tracker(gctx, &root)?;
    let mut text = String::new();
    for (id, bins) in tracker.all_installed() {
        text.push_str(&format!("{id}:\n"));
        for bin in bins {
            text.push_str(&format!("    {bin}\n"));
        }
    }
    drop(tracker);
    std::io::Write::write_all(gctx.shell.out(), text.as_bytes())?;
    Ok(())
}

/// The crates asked for, each with its version requirement (`@VER` or
/// `--version`), repeats next to each other dropped.
fn requested_crates(args: &Args) -> anyhow::Result<Vec<(String, Option<VersionReq>)>> {
    let flag = match &args.version {
        Some(v) => Some(crate::cli::install::parse_semver_flag(v).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let mut out: Vec<(String, Option<VersionReq>)> = Vec::new();
    for krate in &args.crates {
        let (name, at) = crate::cli::install::split_crate(krate).map_err(anyhow::Error::msg)?;
        let req = match (at, &flag) {
            (Some(_), Some(_)) => {
                bail!("cannot specify both `@<VERSION>` and `--version <VERSION>`")
            }
            (Some(v), None) => Some(v),
            (None, f) => f.clone(),
        };
        if out.last() != Some(&(name.clone(), req.clone())) {
            out.push((name, req));
        }
    }
    Ok(out)
}

/// cargo's checks of the names, with its hints for a toolchain, a URL or
/// a version written without `@`.
fn check_names(krates: &[(String, Option<VersionReq>)]) -> anyhow::Result<()> {
    for (name, _) in krates {
        let valid = mycargo_core::names::validate_package_name(name, "package name");
        if let Err(e) = &valid {
            for (idx, ch) in name.char_indices() {
                if !(unicode_ident::is_xid_continue(ch) || ch == '-') {
                    let mut suggested = name.clone();
                    suggested.insert(idx, '@');
                    if let Ok((_, Some(_))) = crate::cli::install::split_crate(&suggested) {
                        bail!(
                            "{e}\n\nhelp: if this is meant to be a package name followed by a version, insert an `@` like `{suggested}`"
                        );
                    }
                }
            }
        }
        if let Some(toolchain) = name.strip_prefix('+') {
            bail!(
                "invalid character `+` in package name: `+{toolchain}`\n    \
                 Use `cargo +{toolchain} install` if you meant to use the `{toolchain}` toolchain."
            );
        }
        if let Ok(url) = url::Url::parse(name)
            && matches!(url.scheme(), "http" | "https")
        {
            bail!(
                "invalid package name: `{url}`\n    \
                 Use `cargo install --git {url}` if you meant to install from a git repository."
            );
        }
        if name != "."
            && let Err(e) = valid
        {
            bail!("{e}");
        }
    }
    Ok(())
}

fn git_source(args: &Args, url: &str) -> anyhow::Result<SourceId> {
    let parsed = mycargo_core::source_id::parse_url(url)?;
    if parsed.cannot_be_a_base() {
        bail!("invalid url `{url}`: cannot-be-a-base-URLs are not supported");
    }
    let reference = if let Some(b) = &args.branch {
        mycargo_core::GitReference::Branch(b.clone())
    } else if let Some(t) = &args.tag {
        mycargo_core::GitReference::Tag(t.clone())
    } else if let Some(r) = &args.rev {
        mycargo_core::GitReference::Rev(r.clone())
    } else {
        mycargo_core::GitReference::DefaultBranch
    };
    Ok(SourceId::for_git(&parsed, reference))
}

/// `--index`, `--registry`, `registry.default`, else crates.io.
fn registry_source(gctx: &GlobalContext, args: &Args) -> anyhow::Result<SourceId> {
    if let Some(index) = &args.index {
        let url = mycargo_core::source_id::parse_url(index)?;
        return Ok(SourceId::for_registry(&url));
    }
    let name = match &args.registry {
        Some(r) => Some(r.clone()),
        None => gctx.config.get_string("registry.default")?.map(|v| v.val),
    };
    match name.as_deref() {
        None | Some(mycargo_core::source_id::CRATES_IO_REGISTRY) => Ok(SourceId::crates_io()),
        Some(name) => {
            mycargo_core::names::validate_package_name(name, "registry name")?;
            Ok(mycargo_sources::source_map::SourceMap::load(&gctx.config)?.registry(name)?)
        }
    }
}
