//! `mycargo publish`: check the package may go to the registry, package
//! (and verify) it with `mycargo package`, upload the `.crate` with its
//! metadata, then wait until the registry's index shows the new version.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use mycargo_core::DepKind;
use mycargo_core::source_id::CRATES_IO_REGISTRY;
use mycargo_manifest::Manifest;
use mycargo_registry_api::web::{NewCrate, NewCrateDependency};
use mycargo_util::CliResult;

use super::compile::settings;
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
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    let opts = super::workspace::read_options(gctx);
    let pkgs = super::compile::packages::load(&ws, &opts)?;
    let selection: PackageSelection = args.packages.clone().into();
    let selected = super::compile::select_packages(&ws, &pkgs, &selection)?;
    let [idx] = selected[..] else {
        bail!(
            "mycargo can publish one package at a time; select it with `-p <name>` (selected: {})",
            selected
                .iter()
                .map(|&i| pkgs.manifests[i].name().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let m = &pkgs.manifests[idx];

    // The registry: the flag, else the only entry of `package.publish`,
    // else `registry.default`, else crates.io.
    let registry = match (&args.registry, &args.index, &m.publish) {
        (Some(r), _, _) => Some(r.clone()),
        (None, None, Some(list)) if list.len() == 1 => Some(list[0].clone()),
        _ => None,
    };
    let target = registry_api::target(gctx, registry.as_deref(), args.index.as_deref())?;
    check_publish_allowed(m, &target)?;

    if args.token.is_some() {
        gctx.shell.warn(
            "`mycargo publish --token` is deprecated in favor of using `cargo login` and environment variables",
        )?;
    }
    let (config, sparse) = registry_api::registry_config(gctx, &target)?;
    let token = if args.dry_run {
        registry_api::find_token(gctx, &target, args.token.as_deref())?
    } else {
        Some(registry_api::require_token(
            gctx,
            &target,
            args.token.as_deref(),
        )?)
    };
    let client = registry_api::client(gctx, &target, &config, token)?;
    let version = m.version().to_string();
    let published = sparse.query(m.name())?;
    if published.iter().any(|s| s.version.to_string() == version) {
        bail!(
            "crate {}@{version} already exists on {}",
            m.name(),
            mycargo_sources::source_map::SourceMap::describe(&target.source_id)
        );
    }

    let pargs = crate::cli::package::Args {
        index: args.index.clone(),
        registry: args.registry.clone(),
        no_verify: args.no_verify,
        // cargo's publish does not repeat the metadata warning.
        no_metadata: true,
        allow_dirty: args.allow_dirty,
        packages: crate::cli::common::PackageSelectionNoAll {
            package: Some(vec![m.name().to_string()]),
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
    super::package::run(gctx, &pargs).map_err(|e| match e.error {
        Some(e) => e,
        None => anyhow::anyhow!("packaging failed"),
    })?;

    let target_dir =
        settings::target_dir(gctx, args.target_dir.as_deref(), ws.default_target_dir())?;
    let crate_path = target_dir
        .join("package")
        .join(format!("{}-{version}.crate", m.name()));
    let tarball = std::fs::read(&crate_path)
        .with_context(|| format!("failed to read `{}`", crate_path.display()))?;
    let meta = new_crate(m, &target)?;

    let pkg = format!("{} v{version}", m.name());
    gctx.shell
        .status("Uploading", format!("{pkg} ({})", m.root().display()))?;
    if args.dry_run {
        gctx.shell.warn("aborting upload due to dry run")?;
        return Ok(());
    }
    let warnings = client.publish(&meta, &tarball).with_context(|| {
        format!(
            "failed to publish {} v{version} to registry at {}",
            m.name(),
            client.host()
        )
    })?;
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
    gctx.shell
        .status("Uploaded", format!("{pkg} to {}", target.describe()))?;

    let timeout = match gctx.config.get_i64("publish.timeout")? {
        Some(v) => u64::try_from(v.val).map_err(|_| {
            anyhow::anyhow!(
                "invalid configuration for key `publish.timeout`\nexpected a non-negative integer, but found {} (in {})",
                v.val,
                v.definition
            )
        })?,
        None => DEFAULT_TIMEOUT_SECS,
    };
    if timeout == 0 {
        return Ok(());
    }
    gctx.shell.note(format!(
        "waiting for {pkg} to be available at {}",
        target.describe()
    ))?;
    gctx.shell
        .help("you may press ctrl-c to skip waiting; the crate should be available shortly")?;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let index_dir = sparse.index_dir();
    loop {
        mycargo_sources::sparse::forget_fresh_under(&index_dir);
        let fresh = registry_api::sparse(gctx, &target, None)?;
        let found = fresh
            .query(m.name())
            .map(|v| v.iter().any(|s| s.version.to_string() == version))
            .unwrap_or(false);
        if found {
            gctx.shell
                .status("Published", format!("{pkg} at {}", target.describe()))?;
            return Ok(());
        }
        if Instant::now() >= deadline {
            gctx.shell.warn(format!(
                "timed out waiting for {pkg} to be available in {}\n  |\n  = note: the registry may have a backlog that is delaying making the crate available. The crate should be available soon.",
                target.describe()
            ))?;
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// cargo's `package.publish` rules.
fn check_publish_allowed(m: &Manifest, target: &Target) -> anyhow::Result<()> {
    let Some(list) = &m.publish else {
        return Ok(());
    };
    if list.is_empty() {
        bail!(
            "`{}` cannot be published.\n`package.publish` must be set to `true` or a non-empty list in Cargo.toml to publish.",
            m.name()
        );
    }
    let name = target.name.as_deref().unwrap_or(CRATES_IO_REGISTRY);
    if !list.iter().any(|r| r == name) {
        bail!(
            "`{}` cannot be published.\nThe registry `{name}` is not listed in the `package.publish` value in Cargo.toml.",
            m.name()
        );
    }
    Ok(())
}

/// The publish metadata of `m`, as cargo sends it to `target`.
fn new_crate(m: &Manifest, target: &Target) -> anyhow::Result<NewCrate> {
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
        let registry = if d.path().is_some() || d.source_id() == &target.source_id {
            None
        } else if d.source_id().is_crates_io() {
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
