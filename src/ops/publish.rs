//! `mycargo publish`: check the selected packages may go to the registry
//! and are not there yet, package (and verify) them with `mycargo
//! package`, then upload them as cargo 1.95 does: a package once the
//! registry's index shows every package of the run it depends on, each
//! round's uploads then waited for together.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use mycargo_core::DepKind;
use mycargo_core::source_id::CRATES_IO_REGISTRY;
use mycargo_manifest::Manifest;
use mycargo_registry_api::web::{NewCrate, NewCrateDependency, Warnings};
use mycargo_util::CliResult;

use super::compile::packages::Packages;
use super::registry_api::{self, Target};
use crate::cli::common::PackageSelection;
use crate::cli::publish::Args;
use crate::context::GlobalContext;

/// cargo's default `publish.timeout` (seconds).
const DEFAULT_TIMEOUT_SECS: u64 = 60;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(publish(gctx, args)?)
}

fn publish(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    super::registry_api::check_registry_name(args.registry.as_deref())?;
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    super::workspace::refuse_script(&ws, "publish")?;
    let opts = super::workspace::read_options(gctx);
    let pkgs = super::compile::packages::load_for_packaging(&ws, &opts)?;
    let selection: PackageSelection = args.packages.clone().into();
    // Only members are published: a spec naming a path dependency alone
    // matches nothing, as in cargo.
    let specs = if selection.workspace {
        &[][..]
    } else {
        selection.packages()
    };
    for spec in specs {
        if super::compile::name_glob(spec)?.is_some() {
            continue;
        }
        let parsed = mycargo_core::PackageIdSpec::parse(spec, Some(gctx.cwd()))
            .with_context(|| format!("invalid package ID specification: `{spec}`"))?;
        if !ws.members().any(|m| parsed.matches(&m.package_id)) {
            let mut msg = format!("package ID specification `{spec}` did not match any packages");
            if let Some(close) =
                mycargo_util::edit_distance::closest(parsed.name(), ws.members().map(|m| m.name()))
            {
                msg.push_str(&format!(
                    "\n\nhelp: a package with a similar name exists: `{close}`"
                ));
            }
            bail!(msg);
        }
    }
    let mut selected = super::compile::select_packages(&ws, &pkgs, &selection)?;
    selected.sort_by(|&a, &b| {
        pkgs.manifests[a]
            .package_id
            .cmp(&pkgs.manifests[b].package_id)
    });
    selected.dedup();

    // `publish = false` packages: an error when named, skipped when the
    // whole workspace (or a virtual one's default) is published.
    let (unpublishable, selected): (Vec<usize>, Vec<usize>) =
        selected.into_iter().partition(|&i| {
            pkgs.manifests[i]
                .publish
                .as_ref()
                .is_some_and(|l| l.is_empty())
        });
    let allow_unpublishable = if args.packages.workspace || !args.packages.exclude.is_empty() {
        true
    } else if !args.packages.packages().is_empty() {
        false
    } else {
        ws.is_virtual()
    };
    if !unpublishable.is_empty() && !allow_unpublishable {
        let names: Vec<String> = unpublishable
            .iter()
            .map(|&i| format!("`{}`", pkgs.manifests[i].name()))
            .collect();
        bail!(
            "{} cannot be published.\n`package.publish` must be set to `true` or a non-empty list in Cargo.toml to publish.",
            names.join(", ")
        );
    }
    if selected.is_empty() {
        let n = unpublishable.len();
        let s = if n == 1 { "" } else { "s" };
        gctx.shell.warn(format!(
            "nothing to publish, but found {n} unpublishable package{s}\n  |\n  = help: to publish packages, set `package.publish` to `true` or a non-empty list"
        ))?;
        return Ok(());
    }
    let just: Vec<&Manifest> = selected.iter().map(|&i| &pkgs.manifests[i]).collect();

    if args.token.is_some() {
        gctx.shell.warn(
            "`cargo publish --token` is deprecated in favor of using `cargo login` and environment variables",
        )?;
    }
    // The registry: the flag, else the one every `package.publish` names,
    // else `registry.default`, else crates.io.
    let registry = match (&args.registry, &args.index) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(_)) => None,
        (None, None) => {
            let reg = super::package::lock::infer_registry(&just)?;
            if let Some(r) = &reg {
                validate_registry(&just, Some(r))?;
                if r != CRATES_IO_REGISTRY {
                    gctx.shell.note(format!(
                        "found `{r}` as only allowed registry. Publishing to it automatically."
                    ))?;
                }
            }
            reg
        }
    };
    if args.index.is_none() {
        validate_registry(
            &just,
            Some(registry.as_deref().unwrap_or(CRATES_IO_REGISTRY)),
        )?;
    }
    if args.index.is_some()
        && just
            .iter()
            .any(|m| m.publish.as_ref().is_some_and(|p| !p.is_empty()))
    {
        gctx.shell.warn(
            "`--index` will ignore registries set by `package.publish` in Cargo.toml, and may cause unexpected push to prohibited registry\nhelp: use `--registry` instead or set `publish = true` in Cargo.toml to suppress this warning",
        )?;
    }
    let target = registry_api::target(gctx, registry.as_deref(), args.index.as_deref())?;
    if args.index.is_some() && args.token.is_none() && !args.dry_run {
        bail!("command-line argument --index requires --token to be specified");
    }

    let (config, sparse) = registry_api::registry_config(gctx, &target, true)?;
    let token = if args.dry_run {
        registry_api::find_token(gctx, &target, args.token.as_deref())?
            .map(registry_api::Auth::Token)
    } else {
        Some(registry_api::require_token(
            gctx,
            &target,
            args.token.as_deref(),
            super::credential::Operation::Read,
        )?)
    };
    let signed = matches!(token, Some(registry_api::Auth::Signed(_)));
    let mut client = registry_api::client(gctx, &target, &config, token)?;
    for m in &just {
        check_deps_have_versions(m)?;
        if target.source_id.is_crates_io() {
            check_no_other_registries(m)?;
        }
    }
    for m in &just {
        let version = m.version().to_string();
        let published = sparse.query(m.name())?;
        if published.iter().any(|s| s.version.to_string() == version) {
            let msg = format!(
                "crate {}@{version} already exists on {}",
                m.name(),
                mycargo_sources::source_map::SourceMap::describe(&target.source_id)
            );
            if args.dry_run {
                gctx.shell.warn(msg)?;
            } else {
                bail!(msg);
            }
        }
    }

    let pargs = crate::cli::package::Args {
        index: args.index.clone(),
        registry: registry.clone(),
        no_verify: args.no_verify,
        no_metadata: false,
        allow_dirty: args.allow_dirty,
        packages: crate::cli::common::PackageSelectionNoAll {
            package: Some(just.iter().map(|m| m.name().to_string()).collect()),
            ..Default::default()
        },
        features: args.features.clone(),
        target: args.target.clone(),
        target_dir: args.target_dir.clone(),
        jobs: args.jobs.clone(),
        keep_going: args.keep_going,
        manifest: args.manifest.clone(),
        ..Default::default()
    };
    let packaged = super::package::package(gctx, &pargs, false)?;

    // Upload in dependency order: a package once the registry shows every
    // package of this run it depends on.
    let mut plan = Plan::new(&pkgs, &selected);
    let mut to_confirm: BTreeSet<usize> = BTreeSet::new();
    let mut uploaded: BTreeSet<usize> = BTreeSet::new();
    let timeout = publish_timeout(gctx)?;
    while !plan.is_empty() {
        for i in plan.take_ready(&pkgs) {
            let m = &pkgs.manifests[i];
            let version = m.version().to_string();
            let pkg = format!("{} v{version}", m.name());
            gctx.shell
                .status("Uploading", format!("{pkg} ({})", m.root().display()))?;
            let Some(krate) = packaged
                .iter()
                .find(|p| p.name == m.name() && p.version == version)
            else {
                bail!("`{pkg}` was not packaged");
            };
            let tarball = std::fs::read(&krate.crate_path)
                .with_context(|| format!("failed to read `{}`", krate.crate_path.display()))?;
            let meta = new_crate(m, &target)?;
            if args.dry_run {
                gctx.shell.warn("aborting upload due to dry run")?;
                to_confirm.insert(i);
                continue;
            }
            // A token for this upload (credential providers may give one
            // per crate); `--token` stands for every operation.
            if !signed {
                use sha2::Digest as _;
                let cksum = sha2::Sha256::digest(&tarball)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>();
                let op = super::credential::Operation::Publish {
                    name: m.name().to_string(),
                    vers: version.clone(),
                    cksum,
                };
                if let registry_api::Auth::Token(t) =
                    registry_api::require_token(gctx, &target, args.token.as_deref(), op)?
                {
                    client.set_token(t);
                }
            }
            let warnings = client.publish(&meta, &tarball).with_context(|| {
                let mut msg = format!(
                    "failed to publish {} v{version} to registry at {}",
                    m.name(),
                    client.host()
                );
                // cargo names what this failure left unpublished.
                let mut left: Vec<&Manifest> = selected
                    .iter()
                    .filter(|&&j| j != i && !uploaded.contains(&j))
                    .map(|&j| &pkgs.manifests[j])
                    .collect();
                left.sort_by(|a, b| a.name().cmp(b.name()));
                if !left.is_empty() {
                    msg.push_str("\n\nnote: the following crates have not been published yet:");
                    for p in left {
                        msg.push_str(&format!(
                            "\n  {} v{} ({})",
                            p.name(),
                            p.version(),
                            p.root().display()
                        ));
                    }
                }
                msg
            })?;
            uploaded.insert(i);
            print_warnings(gctx, &warnings)?;
            gctx.shell
                .status("Uploaded", format!("{pkg} to {}", target.describe()))?;
            to_confirm.insert(i);
        }
        let confirmed = if args.dry_run {
            to_confirm.clone()
        } else if timeout == 0 {
            BTreeSet::new()
        } else {
            let names = package_list(&pkgs, &to_confirm, "or");
            let krate = |n: usize| if n == 1 { "crate" } else { "crates" };
            if plan.is_empty() {
                gctx.shell.note(format!(
                    "waiting for {names} to be available at {}",
                    target.describe()
                ))?;
                gctx.shell.help(format!(
                    "you may press ctrl-c to skip waiting; the {} should be available shortly",
                    krate(to_confirm.len())
                ))?;
            } else {
                gctx.shell.note(format!(
                    "waiting for {names} to be available at {}.\n      {} remaining {} to be published",
                    target.describe(),
                    plan.len(),
                    krate(plan.len())
                ))?;
            }
            let confirmed = wait_for_any(&sparse, &pkgs, &to_confirm, timeout)?;
            if !confirmed.is_empty() {
                gctx.shell.status(
                    "Published",
                    format!(
                        "{} at {}",
                        package_list(&pkgs, &confirmed, "and"),
                        target.describe()
                    ),
                )?;
            } else {
                let k = krate(to_confirm.len());
                gctx.shell.warn(format!(
                    "timed out waiting for {names} to be available in {}\n  |\n  = note: the registry may have a backlog that is delaying making the {k} available. The {k} should be available soon.",
                    target.describe()
                ))?;
            }
            confirmed
        };
        if confirmed.is_empty() {
            if plan.is_empty() {
                break;
            }
            let all: BTreeSet<usize> = plan.remaining().collect();
            bail!(
                "unable to publish {} due to a timeout while waiting for published dependencies to be available.",
                package_list(&pkgs, &all, "and")
            );
        }
        for i in &confirmed {
            to_confirm.remove(i);
        }
        plan.mark_confirmed(&confirmed);
    }
    Ok(())
}

/// The registry's warnings about a publish, in cargo's words.
fn print_warnings(gctx: &mut GlobalContext, warnings: &Warnings) -> anyhow::Result<()> {
    if !warnings.invalid_categories.is_empty() {
        gctx.shell.warn(format!(
            "the following are not valid category slugs and were ignored: {}. Please see https://crates.io/category_slugs for the list of all category slugs.",
            warnings.invalid_categories.join(", ")
        ))?;
    }
    if !warnings.invalid_badges.is_empty() {
        gctx.shell.warn(format!(
            "the following are not valid badges and were ignored: {}. Either the badge type specified is unknown or a required attribute is missing. Please see https://doc.rust-lang.org/cargo/reference/manifest.html#package-metadata for valid badge types and their required attributes.",
            warnings.invalid_badges.join(", ")
        ))?;
    }
    for w in &warnings.other {
        gctx.shell.warn(w)?;
    }
    Ok(())
}

/// `publish.timeout` (seconds), cargo's 60 by default.
fn publish_timeout(gctx: &GlobalContext) -> anyhow::Result<u64> {
    // cargo reads `publish.timeout` under `-Z publish-timeout` only.
    if !gctx.unstable.publish_timeout {
        return Ok(DEFAULT_TIMEOUT_SECS);
    }
    Ok(match gctx.config.get_i64("publish.timeout")? {
        Some(v) => u64::try_from(v.val).map_err(|_| {
            anyhow::anyhow!(
                "invalid configuration for key `publish.timeout`\nexpected a non-negative integer, but found {} (in {})",
                v.val,
                v.definition
            )
        })?,
        None => DEFAULT_TIMEOUT_SECS,
    })
}

/// Poll the index until one of `pkgs` shows up (all those that do), or
/// the timeout passes (none).
fn wait_for_any(
    sparse: &mycargo_sources::SparseRegistry,
    pkgs: &Packages,
    waiting: &BTreeSet<usize>,
    timeout: u64,
) -> anyhow::Result<BTreeSet<usize>> {
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let index_dir = sparse.index_dir();
    loop {
        mycargo_sources::sparse::forget_fresh_under(&index_dir);
        let fresh = sparse.renewed()?;
        let found: BTreeSet<usize> = waiting
            .iter()
            .copied()
            .filter(|&i| {
                let m = &pkgs.manifests[i];
                fresh
                    .query(m.name())
                    .is_ok_and(|v| v.iter().any(|s| &s.version == m.version()))
            })
            .collect();
        if !found.is_empty() || Instant::now() >= deadline {
            return Ok(found);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// cargo's check before publishing: a path or git dependency (not a
/// dev-dependency) states the version the registry will use.
fn check_deps_have_versions(m: &Manifest) -> anyhow::Result<()> {
    for d in &m.dependencies {
        let which = match () {
            _ if d.source_id().is_path() => "path",
            _ if d.source_id().is_git() => "git",
            _ => continue,
        };
        if d.version_req().original.is_none() && d.kind() != DepKind::Development {
            let from = d.registry().unwrap_or("crates.io");
            return Err(anyhow::anyhow!(
                "all dependencies must have a version requirement specified when publishing.\n\
                 dependency `{}` does not specify a version\n\
                 Note: The published dependency will use the version from {from},\n\
                 the `{which}` specification will be removed from the dependency declaration.",
                d.package_name()
            ))
            .context(format!(
                "failed to verify manifest at `{}`",
                m.manifest_path.display()
            ));
        }
    }
    Ok(())
}

/// cargo's rule for crates.io: no dependency may come from another
/// registry.
fn check_no_other_registries(m: &Manifest) -> anyhow::Result<()> {
    for d in &m.dependencies {
        let sid = d.source_id();
        if sid.is_registry() && !sid.is_crates_io() {
            return Err(anyhow::anyhow!(
                "crates cannot be published to crates.io with dependencies sourced from other\n\
                 registries. `{name}` needs to be published to crates.io before publishing this crate.\n\
                 (crate `{name}` is pulled from {sid})",
                name = d.package_name()
            ))
            .context(format!(
                "failed to verify manifest at `{}`",
                m.manifest_path.display()
            ));
        }
    }
    Ok(())
}

/// `a v0.1.0, b v0.2.0 and c v1.0.0` (cargo's `package_list`), sorted.
fn package_list(pkgs: &Packages, which: &BTreeSet<usize>, last_sep: &str) -> String {
    let mut names: Vec<String> = which
        .iter()
        .map(|&i| {
            let m = &pkgs.manifests[i];
            format!("{} v{}", m.name(), m.version())
        })
        .collect();
    names.sort();
    match &names[..] {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} {last_sep} {b}"),
        [rest @ .., last] => format!("{}, {last_sep} {last}", rest.join(", ")),
    }
}

/// cargo's `PublishPlan`: each package waits for the packages of this run
/// it depends on (by path; not dev-dependencies without a version, which
/// the published manifest drops).
struct Plan {
    /// Package → how many of its dependencies are not confirmed yet.
    waiting: BTreeMap<usize, usize>,
    /// Package → the packages depending on it.
    dependents: BTreeMap<usize, BTreeSet<usize>>,
}

impl Plan {
    fn new(pkgs: &Packages, selected: &[usize]) -> Plan {
        let set: BTreeSet<usize> = selected.iter().copied().collect();
        let mut waiting = BTreeMap::new();
        let mut dependents: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for &i in selected {
            let deps: BTreeSet<usize> = super::package::local_deps(pkgs, i, &set).collect();
            for &d in &deps {
                dependents.entry(d).or_default().insert(i);
            }
            waiting.insert(i, deps.len());
        }
        Plan {
            waiting,
            dependents,
        }
    }

    fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    fn len(&self) -> usize {
        self.waiting.len()
    }

    fn remaining(&self) -> impl Iterator<Item = usize> + '_ {
        self.waiting.keys().copied()
    }

    /// The packages with nothing left to wait for, in package id order;
    /// they leave the plan.
    fn take_ready(&mut self, pkgs: &Packages) -> Vec<usize> {
        let mut ready: Vec<usize> = self
            .waiting
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(i, _)| *i)
            .collect();
        ready.sort_by(|&a, &b| {
            pkgs.manifests[a]
                .package_id
                .cmp(&pkgs.manifests[b].package_id)
        });
        for i in &ready {
            self.waiting.remove(i);
        }
        ready
    }

    fn mark_confirmed(&mut self, confirmed: &BTreeSet<usize>) {
        for i in confirmed {
            for d in self.dependents.get(i).into_iter().flatten() {
                if let Some(n) = self.waiting.get_mut(d) {
                    *n = n.saturating_sub(1);
                }
            }
        }
    }
}

/// cargo's `validate_registry`: every package must allow the registry.
fn validate_registry(pkgs: &[&Manifest], registry: Option<&str>) -> anyhow::Result<()> {
    let Some(name) = registry else {
        return Ok(());
    };
    for m in pkgs {
        if let Some(list) = &m.publish
            && !list.iter().any(|r| r == name)
        {
            bail!(
                "`{}` cannot be published.\nThe registry `{name}` is not listed in the `package.publish` value in Cargo.toml.",
                m.name()
            );
        }
    }
    Ok(())
}

/// The publish metadata of `m`, as cargo sends it to `target`.
pub(crate) fn new_crate(m: &Manifest, target: &Target) -> anyhow::Result<NewCrate> {
    let md = &m.metadata;
    let mut deps = Vec::new();
    for d in &m.dependencies {
        // Path-only dev-dependencies are dropped from the published manifest.
        if d.path().is_some()
            && d.kind() == DepKind::Development
            && d.version_req().to_string() == "*"
        {
            continue;
        }
        // A path or git dependency is published as one on the registry
        // it names (crates.io unless said otherwise).
        let same_as_target = d.source_id() == &target.source_id
            || (d.source_id().is_crates_io() && target.source_id.is_crates_io());
        let local = d.path().is_some() || d.source_id().is_git();
        let registry = if (local && d.registry().is_none() && target.source_id.is_crates_io())
            || d.path().is_some()
            || same_as_target
        {
            None
        } else if (local && d.registry().is_none()) || d.source_id().is_crates_io() {
            Some(mycargo_core::source_id::CRATES_IO_INDEX.to_string())
        } else {
            Some(d.source_id().url().to_string())
        };
        deps.push(NewCrateDependency {
            optional: d.is_optional(),
            default_features: d.uses_default_features(),
            name: d.package_name().to_string(),
            features: d.features().to_vec(),
            version_req: d.version_req().to_string(),
            target: d.platform().map(|p| p.to_string()),
            kind: match d.kind() {
                DepKind::Normal => "normal",
                DepKind::Build => "build",
                DepKind::Development => "dev",
            }
            .to_string(),
            registry,
            explicit_name_in_toml: d.rename().map(str::to_string),
        });
    }
    let readme = match &md.readme {
        Some(path) => {
            let full = m.root().join(path);
            Some(std::fs::read_to_string(&full).with_context(|| {
                format!(
                    "failed to read `readme` file for package `{} v{}`",
                    m.name(),
                    m.version()
                )
            })?)
        }
        None => None,
    };
    Ok(NewCrate {
        name: m.name().to_string(),
        vers: m.version().to_string(),
        deps,
        features: m.features.clone(),
        authors: md.authors.clone(),
        description: md.description.clone(),
        documentation: md.documentation.clone(),
        homepage: md.homepage.clone(),
        readme,
        readme_file: md.readme.clone(),
        keywords: md.keywords.clone(),
        categories: md.categories.clone(),
        license: md.license.clone(),
        license_file: md.license_file.clone(),
        repository: md.repository.clone(),
        badges: md.badges.clone(),
        links: md.links.clone(),
        rust_version: m.rust_version.as_ref().map(|r| r.to_string()),
    })
}
