//! `mycargo uninstall`: remove installed binaries and their record in
//! cargo's tracking files (see `install::tracker`).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::bail;
use mycargo_core::PackageId;
use mycargo_manifest::ManifestKind;
use mycargo_util::CliResult;

use super::install::root;
use super::install::tracker::Tracker;
use crate::cli::uninstall::Args;
use crate::context::GlobalContext;

pub fn uninstall(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(run(gctx, args)?)
}

fn run(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    if matches!(&args.package, Some(p) if p.is_empty()) {
        bail!(
            "\"--package <SPEC>\" requires a SPEC format value.\n\
             Run `cargo help pkgid` for more information about SPEC format."
        );
    }
    let specs: &[String] = match args.specs.is_empty() {
        true => args.packages(),
        false => &args.specs,
    };
    if specs.len() > 1 && !args.bin.is_empty() {
        bail!(
            "A binary can only be associated with a single installed package, specifying multiple specs with --bin is redundant."
        );
    }
    let root = root::resolve_root(gctx, args.root.as_deref())?;
    match specs {
        [] => {
            let id = cwd_package(gctx)?;
            uninstall_id(gctx, &root, Target::Id(id), &args.bin)?;
        }
        [one] => uninstall_id(gctx, &root, Target::Spec(one), &args.bin)?,
        many => {
            let mut succeeded = Vec::new();
            let mut failed = Vec::new();
            for spec in many {
                match uninstall_id(gctx, &root, Target::Spec(spec), &args.bin) {
                    Ok(()) => succeeded.push(spec.as_str()),
                    Err(e) => {
                        gctx.shell.print_error(&e);
                        failed.push(spec.as_str());
                    }
                }
            }
            let mut summary = Vec::new();
            if !succeeded.is_empty() {
                summary.push(format!(
                    "Successfully uninstalled {}!",
                    succeeded.join(", ")
                ));
            }
            if !failed.is_empty() {
                summary.push(format!(
                    "Failed to uninstall {} (see error(s) above).",
                    failed.join(", ")
                ));
            }
            gctx.shell.status("Summary", summary.join(" "))?;
            if !failed.is_empty() {
                bail!("some packages failed to uninstall");
            }
        }
    }
    Ok(())
}

/// What to uninstall: a package ID spec, or the package of the working
/// directory.
enum Target<'a> {
    Spec(&'a str),
    Id(PackageId),
}

/// The package of the working directory (a bare `uninstall`).
fn cwd_package(gctx: &GlobalContext) -> anyhow::Result<PackageId> {
    let path = gctx.cwd().join("Cargo.toml");
    let opts = super::workspace::read_options(gctx);
    let parsed = mycargo_manifest::read_manifest_file(&path, &opts)?;
    match parsed.kind {
        ManifestKind::Package(m) => Ok(m.package_id),
        _ => bail!("no packages found with binaries or examples"),
    }
}

fn uninstall_id(
    gctx: &mut GlobalContext,
    root: &Path,
    target: Target<'_>,
    bins: &[String],
) -> anyhow::Result<()> {
    let mut tracker = Tracker::load(root, &mut |m| {
        let _ = gctx.shell.status("Blocking", m);
    })?;
    let id = match target {
        Target::Id(id) => id,
        Target::Spec(spec) => {
            let ids: Vec<&PackageId> = tracker.all_installed().map(|(id, _)| id).collect();
            super::pkgid::query_str(spec, &ids, gctx.cwd())?.clone()
        }
    };
    let Some(installed) = tracker.installed_bins(&id).cloned() else {
        bail!("package `{id}` is not installed");
    };
    let dst = root::bin_dir(gctx, root);
    for bin in &installed {
        let path = dst.join(bin);
        if !path.exists() {
            bail!(
                "corrupt metadata, `{}` does not exist when it should",
                path.display()
            );
        }
    }
    let suffix = std::env::consts::EXE_SUFFIX;
    let asked: BTreeSet<String> = bins
        .iter()
        .map(|b| match b.ends_with(suffix) {
            true => b.clone(),
            false => format!("{b}{suffix}"),
        })
        .collect();
    if let Some(bin) = asked.iter().find(|b| !installed.contains(*b)) {
        bail!("binary `{bin}` not installed as part of `{id}`");
    }
    let to_remove = match asked.is_empty() {
        true => installed,
        false => asked,
    };
    for bin in to_remove {
        let path = dst.join(&bin);
        gctx.shell.status("Removing", path.display())?;
        std::fs::remove_file(&path).map_err(|e| {
            anyhow::Error::new(e).context(format!("failed to remove file `{}`", path.display()))
        })?;
        tracker.remove(&id, &BTreeSet::from([bin]));
        tracker.save()?;
    }
    Ok(())
}
