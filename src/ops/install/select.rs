//! Which package `install` builds: the newest matching release of a
//! registry (downloaded and unpacked into the shared cache), a package of
//! a git repository, or the package of a directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_core::{Dependency, PackageId, SourceId, VersionRequirement};
use mycargo_manifest::{Manifest, ManifestKind};
use mycargo_sources::source_map::SourceMap;
use semver::{Op, Version, VersionReq};

use crate::context::GlobalContext;
use crate::ops::resolve::registry::RemoteIndex as _;
use crate::ops::resolve::remote::Remotes;

/// The package to install.
pub struct Selected {
    /// As tracked and shown: with its registry or git source.
    pub id: PackageId,
    pub manifest: Manifest,
    /// What the build starts from.
    pub manifest_path: PathBuf,
    /// Set for registry packages (built as a workspace of their own).
    pub registry_source: Option<SourceId>,
}

/// One registry session for all the crates of one `install`: the index is
/// announced and fetched once.
pub struct Registry {
    remotes: Remotes,
    map: SourceMap,
}

impl Registry {
    pub fn new(gctx: &GlobalContext) -> anyhow::Result<Registry> {
        Ok(Registry {
            remotes: Remotes::new(gctx, false)?,
            map: SourceMap::load(&gctx.config)?,
        })
    }

    /// The release `req` names exactly, from the index cache and the
    /// unpacked sources alone (no network): what lets an install of an
    /// exact version that is already there skip the index update.
    pub fn cached_exact(
        &mut self,
        gctx: &GlobalContext,
        source: &SourceId,
        name: &str,
        req: &VersionReq,
    ) -> Option<Selected> {
        if !is_exact(req) {
            return None;
        }
        let real = self.map.replacement(source).ok()?;
        crate::ops::resolve::ensure_token(gctx, &mut self.remotes, &real).ok()?;
        let names = BTreeSet::from([name.to_string()]);
        self.remotes.load_cached(&real, &names).ok()?;
        let lines = self.remotes.cached_versions(&real, name);
        let line = lines
            .iter()
            .filter(|l| l.is_available() && !l.yanked && req.matches(&l.version))
            .max_by(|a, b| a.version.cmp(&b.version))?;
        let dir = self.remotes.unpacked(&real, name, &line.version)?;
        read_package(gctx, &dir.join("Cargo.toml"), source).ok()
    }

    /// cargo announces a registry reached over the network (a sparse
    /// one) again as the install's build starts.
    pub fn announce_build(
        &mut self,
        gctx: &mut GlobalContext,
        source: &SourceId,
    ) -> anyhow::Result<()> {
        let real = self.map.replacement(source)?;
        if let Some(what) = self.remotes.announce_for_process(&real) {
            gctx.shell.status("Updating", what)?;
        }
        Ok(())
    }

    /// The newest release of `name` matching `req`, downloaded.
    pub fn select(
        &mut self,
        gctx: &mut GlobalContext,
        source: &SourceId,
        name: &str,
        req: &VersionReq,
        rustc: Option<&Version>,
    ) -> anyhow::Result<Selected> {
        let real = self.map.replacement(source)?;
        crate::ops::resolve::ensure_token(gctx, &mut self.remotes, &real)?;
        let names = BTreeSet::from([name.to_string()]);
        let loaded = self.remotes.load(&real, &names);
        for status in self.remotes.take_status() {
            gctx.shell.status("Updating", status)?;
        }
        loaded?;
        let lines = self.remotes.versions(&real, name);
        let matching = |l: &&mycargo_sources::index::summary::IndexSummary| {
            l.is_available() && !l.yanked && req.matches(&l.version)
        };
        let Some(best) = lines
            .iter()
            .filter(matching)
            .max_by(|a, b| a.version.cmp(&b.version))
        else {
            let yanked = is_exact(req) && lines.iter().any(|l| l.yanked && req.matches(&l.version));
            if yanked {
                bail!("cannot install package `{name}`, it has been yanked from {source}");
            }
            bail!("could not find `{name}` in {source} with version `{req}`");
        };
        if let (Some(current), Some(msrv)) = (rustc, best.rust_version.as_deref()) {
            check_rust_version(name, &best.version, msrv, current, &lines)?;
        }
        let dir = crate::ops::registry_lookup::download_one(gctx, &mut self.remotes, &real, best)?;
        read_package(gctx, &dir.join("Cargo.toml"), source)
    }
}

/// cargo's refusal of a release whose `rust-version` the toolchain does
/// not meet, naming the newest release that fits.
fn check_rust_version(
    name: &str,
    version: &Version,
    msrv: &str,
    current: &Version,
    lines: &mycargo_sources::index::IndexLines,
) -> anyhow::Result<()> {
    let fits = |msrv: &str| {
        msrv.parse::<mycargo_core::PartialVersion>()
            .map(|m| m.is_compatible_with(current))
            .unwrap_or(true)
    };
    if fits(msrv) {
        return Ok(());
    }
    let alt = lines
        .iter()
        .filter(|l| l.is_available() && !l.yanked && l.version.pre.is_empty())
        .filter(|l| l.rust_version.as_deref().is_none_or(fits))
        .max_by(|a, b| a.version.cmp(&b.version));
    let extra = match alt {
        Some(l) => match &l.rust_version {
            Some(rv) => format!("\n`{name} {}` supports rustc {rv}", l.version),
            None => format!(
                "\n`{name} {}` has an unspecified minimum rustc version",
                l.version
            ),
        },
        None => String::new(),
    };
    bail!(
        "cannot install package `{name} {version}`, it requires rustc {msrv} or newer, while the currently active rustc version is {current}{extra}"
    )
}

/// `=x.y.z`: one exact comparator with every part given.
pub fn is_exact(req: &VersionReq) -> bool {
    matches!(&req.comparators[..], [c] if c.op == Op::Exact && c.minor.is_some() && c.patch.is_some())
}

/// Read the manifest of a package unpacked from `source`, giving it
/// that source.
fn read_package(
    gctx: &GlobalContext,
    manifest_path: &Path,
    source: &SourceId,
) -> anyhow::Result<Selected> {
    let opts = crate::ops::workspace::read_options(gctx);
    let parsed = mycargo_manifest::read_manifest_file(manifest_path, &opts)?;
    let ManifestKind::Package(mut manifest) = parsed.kind else {
        bail!(
            "found a virtual manifest at `{}` instead of a package manifest",
            manifest_path.display()
        );
    };
    manifest.package_id = manifest.package_id.with_source_id(source.clone());
    Ok(Selected {
        id: manifest.package_id.clone(),
        manifest: *manifest,
        manifest_path: manifest_path.to_path_buf(),
        registry_source: Some(source.clone()),
    })
}

/// A package of the git repository `source` (fetched and checked out
/// into the shared cache): the one named, or the only one with binaries
/// (else with examples).
pub fn from_git(
    gctx: &mut GlobalContext,
    source: &SourceId,
    name: Option<&str>,
    req: Option<&VersionReq>,
) -> anyhow::Result<Selected> {
    let any = VersionRequirement::parse("*").context("`*` is a version requirement")?;
    let dep = Dependency::new(name.unwrap_or("*"), any, source.clone());
    let found = crate::ops::resolve::git::load(
        gctx,
        vec![(None, dep)],
        None,
        &crate::ops::resolve::git::Refresh::default(),
    )?;
    // A manifest of the repository that does not load is an error here
    // (cargo reports it as it reads the packages, then fails with it).
    if let Some((_, errors)) = found.checkouts.values().next()
        && let Some((_, first)) = errors.first()
    {
        for (_, e) in errors {
            gctx.shell.error(e)?;
        }
        bail!("{first}");
    }
    let manifests: Vec<&Manifest> = found.all().collect();
    if manifests.is_empty() {
        let checkout = found.checkouts.values().next().map(|(dir, _)| dir.clone());
        let shown = checkout
            .as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let mut msg = format!("could not find `Cargo.toml` in `{shown}`");
        if checkout.is_some_and(|d| d.join("cargo.toml").exists()) {
            msg.push_str("\nhelp: found `cargo.toml`, consider renaming it to `Cargo.toml`");
        }
        bail!(msg);
    }
    let m = choose(&manifests, name, req, source)?;
    Ok(Selected {
        id: m.package_id.clone(),
        manifest: m.clone(),
        manifest_path: m.manifest_path.clone(),
        registry_source: None,
    })
}

/// The package of the directory `dir` (`--path`, or the working
/// directory for a bare `install`).
pub fn from_path(
    gctx: &GlobalContext,
    dir: &Path,
    from_cwd: bool,
    name: Option<&str>,
    req: Option<&VersionReq>,
) -> anyhow::Result<Selected> {
    if !dir.is_dir() {
        bail!(
            "`{}` is not a directory. --path must point to a directory containing a Cargo.toml file.",
            dir.display()
        );
    }
    let manifest_path = dir.join("Cargo.toml");
    if !manifest_path.exists() {
        if from_cwd {
            bail!(
                "`{}` is not a crate root; specify a crate to install from crates.io, or use --path or --git to specify an alternate source",
                dir.display()
            );
        }
        if dir.join("cargo.toml").exists() {
            bail!(
                "`{}` does not contain a Cargo.toml file, but found cargo.toml please try to rename it to Cargo.toml. --path must point to a directory containing a Cargo.toml file.",
                dir.display()
            );
        }
        bail!(
            "`{}` does not contain a Cargo.toml file. --path must point to a directory containing a Cargo.toml file.",
            dir.display()
        );
    }
    let opts = crate::ops::workspace::read_options(gctx);
    let parsed = mycargo_manifest::read_manifest_file(&manifest_path, &opts)?;
    let ManifestKind::Package(manifest) = parsed.kind else {
        bail!(
            "found a virtual manifest at `{}` instead of a package manifest",
            manifest_path.display()
        );
    };
    let source = manifest.package_id.source_id().clone();
    let m = choose(&[&manifest], name, req, &source)?;
    Ok(Selected {
        id: m.package_id.clone(),
        manifest: m.clone(),
        manifest_path,
        registry_source: None,
    })
}

/// cargo's choice among a source's packages.
fn choose<'a>(
    manifests: &[&'a Manifest],
    name: Option<&str>,
    req: Option<&VersionReq>,
    source: &SourceId,
) -> anyhow::Result<&'a Manifest> {
    if let Some(name) = name {
        let best = manifests
            .iter()
            .filter(|m| m.name() == name)
            .filter(|m| req.is_none_or(|r| r.matches(m.version())))
            .max_by(|a, b| a.version().cmp(b.version()));
        return match best {
            Some(m) => Ok(m),
            None => bail!(
                "could not find `{name}` in {} with version `{}`",
                shown_source(source),
                req.map_or("*".to_string(), |r| r.to_string())
            ),
        };
    }
    let with = |pred: fn(&mycargo_manifest::Target) -> bool| -> Vec<&'a Manifest> {
        manifests
            .iter()
            .copied()
            .filter(|m| m.targets.iter().any(pred))
            .collect()
    };
    for (kind, found) in [
        ("binaries", with(|t| t.is_bin())),
        ("examples", with(|t| t.is_example())),
    ] {
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(one),
            many => {
                let mut names: Vec<&str> = many.iter().map(|m| m.name()).collect();
                names.sort_unstable();
                let url = source.url().to_string();
                bail!(
                    "multiple packages with {kind} found: {}. When installing a git repository, cargo will always search the entire repo for any Cargo.toml.\n\
                     Please specify a package, e.g. `cargo install --git {url} {}`.",
                    names.join(", "),
                    names[0]
                );
            }
        }
    }
    bail!("no packages found with binaries or examples")
}

/// A source as cargo names it in "could not find" (a git source without
/// its commit).
fn shown_source(source: &SourceId) -> String {
    source.without_precise().to_string()
}
