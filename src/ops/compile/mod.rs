//! `build`, `check`, `run` (and later `test`, `bench`): from flags to a
//! compiled unit graph. Loads the workspace and its path packages, resolves
//! features, settles the build settings, asks rustc about the platforms,
//! then hands the unit graph to the compiler's job queue.

mod analysis;
pub(crate) mod cycles;
mod features;
mod host_config;
mod linkable;
mod links_overrides;
pub(crate) mod packages;
pub mod print;
pub mod profiles;
mod rust_version;
pub mod settings;
pub(crate) mod timings;
mod unification;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use mycargo_compiler::rustc_info::{Rustc, RustcOptions, TargetInfoRequest};
use mycargo_compiler::{
    BuildConfig, BuildContext, CompileMode, FilterRule, GraphPackage, MessageFormat, PackageGraph,
    PlatformInfo, Selection, TargetData, TargetFilter, UnitGraph,
};
use mycargo_core::PackageIdSpec;
use mycargo_util::Verbosity;

use crate::cli::common::{CompileOptions, Features, PackageSelection, TargetSelection};
use crate::context::GlobalContext;

/// What a compiling command asked for.
pub struct CompileRequest<'a> {
    pub mode: CompileMode,
    pub packages: PackageSelection,
    pub targets: TargetSelection,
    pub features: &'a Features,
    pub compile: &'a CompileOptions,
    pub release: bool,
    pub keep_going: bool,
    pub manifest_path: Option<&'a std::path::Path>,
}

/// What a finished build leaves for the command: executables to run, and
/// the runner configured for the platform they were built for.
#[derive(Default)]
pub struct Built {
    pub executables: Vec<Executable>,
    pub runner: Option<Vec<String>>,
    /// `index.html` of each documented root, in crate-name order (`doc`).
    pub docs: Vec<PathBuf>,
    /// `test`/`bench`: the test executables to run, in cargo's order.
    pub tests: Vec<mycargo_compiler::testing::TestExecutable>,
    /// `test`: the `rustdoc --test` runs, by package.
    pub doctests: Vec<mycargo_compiler::testing::DocTest>,
}

/// A binary or example the build produced.
#[derive(Debug)]
pub struct Executable {
    pub path: PathBuf,
    /// What cargo sets when it runs the program (`mycargo run`): package
    /// variables, the build script's `rustc-env` and `OUT_DIR`, the
    /// dynamic-library path, `[env]`.
    pub env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
}

/// What `doc`, `rustc` and `rustdoc` add to a request.
#[derive(Debug, Default)]
pub struct CompileExtras {
    /// `--artifact-dir` or `build.artifact-dir` (nightly).
    pub artifact_dir: Option<PathBuf>,
    /// Arguments after `--`, for the one root unit.
    pub extra_args: Vec<String>,
    /// The tool they go to, for cargo's error when several targets match.
    pub extra_args_tool: &'static str,
    /// `rustc --crate-type`: replaces the crate types of the one root lib.
    pub crate_types: Vec<String>,
    /// Doc mode: document dependencies too.
    pub doc_deps: bool,
    pub document_private_items: bool,
    /// `test`: which libs get their doc tests run (`Required` is `--doc`,
    /// which builds nothing else).
    pub doctests: mycargo_compiler::DocTests,
    /// `test`/`bench`: the arguments every test program gets.
    pub test_args: Vec<String>,
    /// `--compile-time-deps` (nightly): only build scripts and proc macros.
    pub compile_time_deps: bool,
    /// `build` and `check`: a build that would do nothing is answered from
    /// the record of the last one (see `noop`).
    pub fast_noop: bool,
    /// `install`: how the package being installed is built.
    pub install: Option<InstallBuild>,
    /// `--future-incompat-report`: the full report after the build, and a
    /// note when there is nothing to report.
    pub future_incompat_report: bool,
    /// `fix`: mycargo as rustc for the selected packages, whose root
    /// units are rebuilt even when fresh.
    pub primary_unit_rustc: Option<mycargo_compiler::build_context::PrimaryRustc>,
    /// The build directory is the target directory whatever
    /// `build.build-dir` says (cargo's ephemeral workspaces: `package`'s
    /// verify build, `install` from a registry).
    pub build_dir_is_target: bool,
    /// `--unit-graph` (nightly): print the units as JSON, build nothing.
    pub unit_graph: bool,
}

/// How `install` builds its package (cargo's install workspace): never
/// writing the package's lock file, reading it only under `--locked`,
/// without dev-dependencies.
#[derive(Debug, Default)]
pub struct InstallBuild {
    /// `--dry-run` (nightly): resolve and check everything, compile
    /// nothing.
    pub dry_run: bool,
    /// The package was unpacked from this registry: the workspace is that
    /// package alone, and its id carries the registry source (it compiles
    /// and reports as `foo v1.0.0`, not as a path package).
    pub registry_source: Option<mycargo_core::SourceId>,
    /// `--locked`: the package's `Cargo.lock` is read; otherwise the
    /// dependencies are resolved afresh.
    pub use_lock: bool,
}

/// cargo's error for `--target` without a value.
pub const TARGET_NEEDS_VALUE: &str = "\"--target\" takes a target architecture as an argument.\n\nRun `rustup target list` to see possible targets.";

pub fn compile_with(
    gctx: &mut GlobalContext,
    req: &CompileRequest<'_>,
    extras: &CompileExtras,
) -> anyhow::Result<Built> {
    let start = Instant::now();
    let started_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let timings_formats = req.compile.timings_formats()?;
    if req.compile.wants_target_list() {
        bail!(TARGET_NEEDS_VALUE);
    }
    if gctx.unstable.public_dependency {
        // Builds would have to pass rustc the private/public externs.
        anyhow::bail!(
            "`-Z public-dependency` is supported by mycargo in `metadata` only, not in builds yet"
        );
    }
    let manifest = super::workspace::root_manifest(gctx, req.manifest_path)?;
    let mut ws = super::workspace::load_reporting(gctx, &manifest)?;
    if let Some(install) = &extras.install {
        as_install_workspace(&mut ws, install);
    }
    let analysis = analysis::open(gctx, &ws.root(), start)?;
    // `-j` is checked with the other options, before the manifests' warnings.
    let jobs = settings::jobs(gctx, req.compile.jobs.as_deref())?;
    // `-p` without a value lists the packages (cargo's error).
    if req.packages.wants_package_list() {
        return Err(super::rustc::package_list_error(&ws));
    }
    // Checked with the other options, before anything is built (as cargo).
    let message_format = message_format(req.compile.message_formats())?;
    // cargo's install builds without the manifest warnings (and ignores
    // `resolver.feature-unification`).
    // (`install` ignores `resolver.feature-unification`, as cargo does.)
    let unification = match extras.install {
        Some(_) => super::workspace::FeatureUnification::Selected,
        None => super::workspace::feature_unification(gctx)?,
    };
    if extras.install.is_none() {
        super::lints::run(gctx, &ws)?;
        super::workspace::print_warnings(gctx, &ws)?;
    }
    // A common misspelling, which would otherwise be silently ignored.
    let (misspelled, right, what) = if req.mode == CompileMode::Doc {
        ("RUSTDOC_FLAGS", "RUSTDOCFLAGS", "rustdoc")
    } else {
        ("RUST_FLAGS", "RUSTFLAGS", "rust")
    };
    if gctx.env.get_os(misspelled).is_some() {
        gctx.shell.warn(format!(
            "ignoring environment variable `{misspelled}`\n  |\n  = help: {what} flags are passed via `{right}`"
        ))?;
    }
    let opts = super::workspace::read_options(gctx);
    let profile_name = match (&req.compile.profile, req.release) {
        (Some(p), _) => p.clone(),
        (None, true) => "release".to_string(),
        (None, false) => match req.mode {
            CompileMode::Test => "test".to_string(),
            CompileMode::Bench => "bench".to_string(),
            _ => "dev".to_string(),
        },
    };

    // Settings.
    let default_target = ws.default_target_dir();
    let target_dir = settings::target_dir(gctx, req.compile.target_dir.as_deref(), default_target)?;
    let build_dir = match extras.build_dir_is_target {
        true => target_dir.clone(),
        false => settings::build_dir(gctx, &ws, &target_dir)?,
    };
    let warning_handling = settings::warnings(gctx)?;
    let incremental = profiles::incremental_override(gctx)?;
    let rustc_given = settings::program(gctx, "RUSTC", "build.rustc")?;
    let rustdoc_given = settings::program(gctx, "RUSTDOC", "build.rustdoc")?;
    let rustc_path = rustc_given.clone().unwrap_or_else(|| "rustc".into());
    let wrapper = settings::program(gctx, "RUSTC_WRAPPER", "build.rustc-wrapper")?;
    let ws_wrapper = settings::program(
        gctx,
        "RUSTC_WORKSPACE_WRAPPER",
        "build.rustc-workspace-wrapper",
    )?;
    let target_triple = req
        .compile
        .targets()
        .first()
        .cloned()
        .or(settings::build_target(gctx)?);
    if target_triple.as_ref().is_some_and(|t| t.trim().is_empty()) {
        bail!("target was empty");
    }

    let rustc_opts = RustcOptions {
        path: rustc_path,
        wrapper: wrapper.clone(),
        workspace_wrapper: ws_wrapper.clone(),
        cache_location: Some(build_dir.join(".rustc_info.json")),
    };
    // `-v` shows every unit `Fresh`: only the full path knows them (and
    // only it touches each fingerprint under `-Z mtime-on-use`).
    let fast = extras.fast_noop
        && !extras.unit_graph
        && extras.install.is_none()
        && extras.artifact_dir.is_none()
        && !req.compile.timings
        && req.compile.timings_format.is_none()
        && !extras.future_incompat_report
        && !gctx.unstable.mtime_on_use
        && req.compile.message_formats().is_empty()
        && analysis.is_none()
        // Logs asked for (`CARGO_LOG`) come from the full path.
        && gctx.env.get_os("CARGO_LOG").is_none()
        && gctx.shell.verbosity() < Verbosity::Verbose;
    let mut noop = match fast {
        true => crate::ops::noop::Probe::new(gctx, &ws, &target_dir, &rustc_opts),
        false => None,
    };
    if let Some(hit) = noop.as_mut().and_then(|p| p.unchanged(gctx)) {
        let elapsed = elapsed_text(start.elapsed().as_secs_f64());
        gctx.shell
            .status("Finished", format!("{} in {elapsed}", hit.header))?;
        return Ok(Built::default());
    }
    let rustc = Rustc::new(rustc_opts, &gctx.env)?;
    let host = rustc.info.host.clone();
    let host_cfgs_probe = rustc.target_info(&TargetInfoRequest::default())?;
    let target_flags = settings::rustflags(
        gctx,
        target_triple.as_deref().unwrap_or(&host),
        &host_cfgs_probe.cfg,
    )?;
    let host_cfg = host_config::load(gctx, &host)?;
    let host_flags = if !host_cfg.target_applies {
        host_cfg.rustflags.clone().unwrap_or_default()
    } else if target_triple.is_some() {
        Vec::new()
    } else {
        target_flags.clone()
    };
    // Without `--target` every unit is a host unit.
    let target_flags = if target_triple.is_none() && !host_cfg.target_applies {
        host_flags.clone()
    } else {
        target_flags
    };
    let host_info = rustc.target_info(&TargetInfoRequest {
        target: None,
        rustflags: &host_flags,
        env: &[],
    })?;
    let target = match &target_triple {
        Some(t) => Some((
            t.clone(),
            platform(&rustc.target_info(&TargetInfoRequest {
                target: Some(t),
                rustflags: &target_flags,
                env: &[],
            })?),
        )),
        None => None,
    };
    // A bare `rustc` on PATH is usually rustup's proxy, which costs tens of
    // milliseconds per call; run the toolchain's own binaries instead (what
    // rustup would exec), unless the user named a compiler.
    let toolchain_bin = host_info.sysroot.join("bin");
    let exe = std::env::consts::EXE_SUFFIX;
    // A wrapper is handed the compiler as configured (`rustc`), as cargo
    // hands it.
    let wrapped = wrapper.is_some() || ws_wrapper.is_some();
    let rustc_exe = match &rustc_given {
        None if !wrapped && toolchain_bin.join(format!("rustc{exe}")).is_file() => {
            toolchain_bin.join(format!("rustc{exe}"))
        }
        _ => rustc.path.clone(),
    };
    let rustdoc_named = rustdoc_given.is_some();
    let rustdoc = match rustdoc_given {
        Some(r) => r,
        None if toolchain_bin.join(format!("rustdoc{exe}")).is_file() => {
            toolchain_bin.join(format!("rustdoc{exe}"))
        }
        None => "rustdoc".into(),
    };
    let target_data = TargetData {
        rustc_version: rustc.info.verbose_version.clone(),
        host: host.clone(),
        host_info: platform(&host_info),
        target,
    };
    let _ = rustc.save_cache();
    if let Some(log) = &analysis {
        let session = analysis::Session {
            host: &host,
            jobs,
            profile: &profile_name,
            rustc_version: rustc.info.version.to_string(),
            rustc_version_verbose: &target_data.rustc_version,
            target_dir: &target_dir,
            workspace_root: &ws.root(),
        };
        analysis::build_started(log, gctx, &session);
        log.mark("resolution-started");
    }
    // cargo reads the `[term]` table and the target's tables before it
    // resolves: errors there stop the build before anything is fetched.
    crate::context::validate_term(gctx)?;
    let (triple, cfgs) = match &target_data.target {
        Some((t, info)) => (t.clone(), info.cfgs.clone()),
        None => (target_data.host.clone(), target_data.host_info.cfgs.clone()),
    };
    let runner = settings::runner(gctx, &triple, &cfgs)?;

    // The packages: path ones, and registry ones the build's platforms use
    // (dev-dependencies only for targets that use them, as cargo
    // downloads them; resolver 1 unifies their features, so it needs them).
    let dev_deps = req.mode.is_rustc_test()
        || req.targets.uses_dev_dependencies()
        || ws.resolver_version() == "1";
    let applies = |d: &mycargo_core::Dependency| {
        (dev_deps || d.kind() != mycargo_core::DepKind::Development)
            && (d.applies_to(&target_data.host, &target_data.host_info.cfgs)
                || target_data
                    .target
                    .as_ref()
                    .is_some_and(|(t, info)| d.applies_to(t, &info.cfgs)))
    };
    // Once resolved, before anything is downloaded: the features the
    // selected members lack (as cargo, after `Locking`).
    let build_roots = |path: &packages::Packages| {
        features::check_members_have(&ws, path, &req.packages, req.features)?;
        build_roots(&ws, path, &req.packages, req.features)
    };
    let lock_mode = match &extras.install {
        Some(i) => (
            super::lockfile::Mode::Preview,
            Some(super::resolve::InstallResolve {
                yanked_hint: i.use_lock.then_some("consider running without --locked"),
            }),
        ),
        None => (super::lockfile::Mode::Sync, None),
    };
    // The features asked for, checked before anything is resolved.
    if extras.install.is_none() {
        features::check_selection(&ws, &req.packages, req.features)?;
    }
    let pkgs = super::resolve::load_packages_in(
        gctx,
        &ws,
        &opts,
        lock_mode,
        req.compile.ignore_rust_version,
        Some(&applies),
        Some(&build_roots),
    )?;
    if let Some(log) = &analysis {
        log.mark("resolution-finished");
    }
    let mut pkgs = pkgs;
    as_registry_member(&mut pkgs, extras.install.as_ref());
    place_metabuild_scripts(&mut pkgs, &build_dir);
    let mut warnings = Vec::new();
    let roots = select_packages_warning(&ws, &pkgs, &req.packages, &mut |w| warnings.push(w))?;
    for w in warnings {
        gctx.shell.warn(w)?;
    }
    available_targets(&pkgs, &roots, &req.targets)?;
    // A package outside the workspace cannot be tested when it needs
    // dev-dependencies (they are not resolved for it).
    if req.mode.is_rustc_test() {
        let mut outside: Vec<usize> = roots
            .iter()
            .copied()
            .filter(|&i| !pkgs.members[i])
            .collect();
        outside.sort_by(|&a, &b| {
            pkgs.manifests[a]
                .package_id
                .cmp(&pkgs.manifests[b].package_id)
        });
        if let Some(&i) = outside.iter().find(|&&i| {
            pkgs.manifests[i]
                .dependencies
                .iter()
                .any(|d| d.kind() == mycargo_core::DepKind::Development)
        }) {
            bail!(
                "package `{}` cannot be tested because it requires dev-dependencies and is not a member of the workspace",
                pkgs.manifests[i].name()
            );
        }
    }
    // A dependency without a lib is ignored, with cargo's warning.
    for &i in &roots {
        let m = &pkgs.manifests[i];
        for &(di, to) in &pkgs.edges[i] {
            let dep = &m.dependencies[di];
            if dep.kind() == mycargo_core::DepKind::Development && !req.mode.is_any_test() {
                continue;
            }
            if !pkgs.manifests[to].targets.iter().any(|t| t.is_lib()) {
                gctx.shell.warn(format!(
                    "{} ignoring invalid dependency `{}` which is missing a lib target",
                    m.package_id,
                    dep.name_in_toml()
                ))?;
            }
        }
    }
    // After the resolve, as cargo: a bad profile shows after `Locking`.
    let profiles = profiles::maker(gctx, &ws, &profile_name, incremental)?;

    // Features.
    let feats = unification::Plan::resolve(unification, &pkgs, &roots, req, &ws, &target_data)?;

    // Vendored crates are checked against their `.cargo-checksum.json`
    // before they compile (as cargo: a fresh one is not read again).
    let verify = |i: usize| match pkgs.manifests.get(i) {
        Some(m) => match pkgs.vendored.get(m.root()) {
            Some(sums) => mycargo_sources::directory::verify_dir(m.root(), sums),
            None => Ok(()),
        },
        None => Ok(()),
    };
    if let Some(m) = pkgs
        .manifests
        .iter()
        .find(|m| m.cargo_features.iter().any(|f| f == "public-dependency"))
    {
        bail!(
            "package `{}` uses `cargo-features = [\"public-dependency\"]`: building it is not supported by mycargo yet (metadata, tree and resolution are)",
            m.package_id
        );
    }
    // A path package's files as it would be packaged (git-aware, its
    // `include`/`exclude`): what its build script depends on when the
    // script names nothing.
    let list_files = |m: &mycargo_manifest::Manifest| -> Vec<PathBuf> {
        let Ok(filter) = crate::ops::package::files::Filter::new(&m.include, &m.exclude) else {
            return Vec::new();
        };
        let repo = crate::ops::package::vcs::GitRepo::discover(m.root());
        crate::ops::package::files::list(m.root(), &filter, repo.as_ref(), &mut Vec::new())
            .map(|l| l.into_iter().map(|f| f.disk).collect())
            .unwrap_or_default()
    };
    let graph = package_graph(&pkgs.manifests, &pkgs, &verify, &list_files);
    // Build-script overrides: by (unit for the host, `links`).
    let mut links_overrides = std::collections::BTreeMap::new();
    // Keyed by whether the unit is built for the host (a build script's
    // or proc macro's): those read the host's table, the others the
    // target's (`[target.<host>]` without `--target`).
    let target_table = Some(vec![
        "target".to_string(),
        target_triple.clone().unwrap_or_else(|| host.clone()),
    ]);
    for (is_host, table) in [(true, &host_cfg.table), (false, &target_table)] {
        if let Some(at) = table {
            for (links, out) in links_overrides::in_table(gctx, at)? {
                links_overrides.insert((is_host, links), out);
            }
        }
    }
    let selection = Selection {
        roots: roots.clone(),
        filter: if extras.doctests == mycargo_compiler::DocTests::Required {
            TargetFilter::Only {
                lib: false,
                bins: FilterRule::None,
                examples: FilterRule::None,
                tests: FilterRule::None,
                benches: FilterRule::None,
            }
        } else {
            target_filter(&req.targets)
        },
        mode: req.mode,
        target: target_triple.clone(),
        links_overridden: links_overrides.keys().cloned().collect(),
        any_build_script_metadata: gctx.unstable.any_build_script_metadata,
        named_packages: if req.packages.workspace {
            Vec::new()
        } else {
            req.packages.packages().to_vec()
        },
        doc_deps: extras.doc_deps,
        doctests: extras.doctests,
    };
    if let Some(log) = &analysis {
        log.mark("unit-graph-started");
    }
    let mut units = feats.units(&graph, &profiles, &selection)?;
    if req.mode == CompileMode::Doc && extras.doc_deps {
        units.remove_duplicate_docs(&graph, target_triple.is_some());
    }
    let overridden = one_root_checks(&units, &graph, extras)?;
    let (graph2, units2);
    let (graph, units) = match &overridden {
        Some(manifests) => {
            graph2 = package_graph(manifests, &pkgs, &verify, &list_files);
            units2 = feats.units(&graph2, &profiles, &selection)?;
            (&graph2, &units2)
        }
        None => (&graph, &units),
    };
    let units3;
    let units = if extras.compile_time_deps {
        units3 = units.compile_time_only(graph);
        &units3
    } else {
        units
    };
    if !req.compile.ignore_rust_version {
        rust_version::check(graph, units, &rustc.info.version)?;
    }
    if extras.unit_graph {
        let json = mycargo_compiler::unit_graph_json::render(graph, units);
        writeln!(gctx.shell.out(), "{json}")?;
        return Ok(Built::default());
    }
    check_target_paths(gctx, graph, units)?;
    warn_about_hints(gctx, graph, units)?;
    // The docs of another toolchain are removed (cargo's rustdoc
    // fingerprint), for the platform asked for only.
    if req.mode == CompileMode::Doc && !gctx.unstable.skip_rustdoc_fingerprint {
        let (fingerprint_dir, doc_dir) = match &target_triple {
            Some(t) => (build_dir.join(t), target_dir.join(t).join("doc")),
            None => (build_dir.clone(), target_dir.join("doc")),
        };
        mycargo_compiler::rustdoc_cmd::check_rustdoc_fingerprint(
            &fingerprint_dir,
            &[doc_dir],
            &target_data.rustc_version,
        )?;
    }
    if req.mode == CompileMode::Doc {
        doc_collisions(gctx, graph, units, &target_dir, &roots)?;
    }
    for w in &units.warnings {
        gctx.shell.warn(w)?;
    }
    for w in linkable::warnings(graph, units) {
        gctx.shell.warn(w)?;
    }
    if let Some(e) = &units.error {
        bail!("{e}");
    }

    let host_linker = if host_cfg.target_applies {
        gctx.config
            .get_program(&format!("target.{host}.linker"))?
            .map(|v| v.val)
    } else {
        host_cfg.linker.clone()
    };
    let linker = match &target_triple {
        Some(t) => gctx
            .config
            .get_program(&format!("target.{t}.linker"))?
            .map(|v| v.val),
        None => host_linker.clone(),
    };
    let jobs_explicit = req.compile.jobs.is_some()
        || gctx
            .config
            .get_string("build.jobs")
            .ok()
            .flatten()
            .is_some()
        || gctx.config.get_i64("build.jobs").ok().flatten().is_some();
    let config = BuildConfig {
        jobs,
        jobs_explicit,
        keep_going: req.keep_going,
        target_dir: target_dir.clone(),
        build_dir: build_dir.clone(),
        artifact_dir: extras.artifact_dir.clone(),
        profile: profile_name.clone(),
        // The toolchain's binaries run in place of a bare `rustc` or
        // `rustdoc` are shown under those names, as cargo shows them.
        shown_as: [
            (rustc_given.is_none(), &rustc_exe, "rustc"),
            (!rustdoc_named, &rustdoc, "rustdoc"),
        ]
        .into_iter()
        .filter(|(bare, _, _)| *bare)
        .map(|(_, path, name)| (path.clone(), name.to_string()))
        .collect(),
        rustc: rustc_exe,
        rustdoc,
        rustc_wrapper: wrapper,
        rustc_workspace_wrapper: ws_wrapper,
        rustflags: target_flags,
        host_rustflags: host_flags,
        message_format,
        cargo_exe: gctx.exe.clone(),
        verbose: gctx.args.verbose,
        quiet: gctx.shell.verbosity() == Verbosity::Quiet,
        env: gctx
            .env
            .iter()
            .map(|(k, v)| (k.to_os_string(), v.to_os_string()))
            .collect(),
        config_env: gctx
            .config
            .env_config()?
            .into_iter()
            .map(|e| (e.name, e.value, e.force))
            .collect(),
        ws_root: ws.root(),
        linker,
        host_linker,
        extra_args: extras.extra_args.clone(),
        rustdocflags: settings::rustdocflags(gctx, target_triple.as_deref().unwrap_or(&host))?,
        document_private_items: extras.document_private_items,
        color: gctx.shell.err_supports_color(),
        mtime_on_use: gctx.unstable.mtime_on_use,
        dep_info_basedir: gctx
            .config
            .get_path("build.dep-info-basedir")?
            .map(|v| v.val),
        links_overrides,
        host_runner: host_cfg.runner.clone(),
        any_build_script_metadata: gctx.unstable.any_build_script_metadata,
        cargo_home: gctx.config.cargo_home().to_path_buf(),
        timings: timings_formats.any(),
        force_rebuild_roots: extras.primary_unit_rustc.is_some(),
        new_layout: gctx.unstable.build_dir_new_layout,
        fine_grain_locking: gctx.unstable.fine_grain_locking,
        primary_unit_rustc: extras.primary_unit_rustc.clone(),
        analysis: analysis.clone(),
        warnings: warning_handling,
        path_root: gctx.unstable.root_dir.clone(),
    };
    if extras.install.as_ref().is_some_and(|i| i.dry_run) {
        return Ok(Built::default());
    }
    let bcx = BuildContext::new(graph, units, &config, &target_data, roots);
    if let Some(log) = &analysis {
        log.register_units(&bcx);
    }
    let compilation = mycargo_compiler::compile(&bcx, &mut gctx.shell)?;
    // Where the docs of the roots are for the platform asked for (cargo
    // looks only there: a proc macro's docs in `target/doc` are not named
    // under `--target`).
    let requested = match &target_triple {
        Some(t) => mycargo_compiler::CompileKind::Target(t.clone()),
        None => mycargo_compiler::CompileKind::Host,
    };
    // In cargo's order of root units (by package, then lib before bins
    // and the rest): the first is the one opened and named.
    let mut doc_roots: Vec<(String, u8, String)> = units
        .roots
        .iter()
        .filter(|u| u.mode == CompileMode::Doc)
        .map(|u| {
            let m = graph.packages[u.pkg].manifest;
            let t = &m.targets[u.target];
            let rank = if t.is_lib() {
                0
            } else if t.is_bin() {
                1
            } else {
                2
            };
            (m.package_id.to_string(), rank, t.crate_name())
        })
        .collect();
    doc_roots.sort();
    // One entry per package and crate: two packages' crates of one name
    // (a collision, warned about) are both counted, as cargo counts them.
    let mut docs: Vec<(String, String, PathBuf)> = doc_roots
        .into_iter()
        .map(|(pkg, _, name)| {
            let index = bcx.doc_dir(&requested).join(&name).join("index.html");
            (pkg, name, index)
        })
        .collect();
    let mut seen_docs = std::collections::HashSet::new();
    docs.retain(|(pkg, name, _)| seen_docs.insert((pkg.clone(), name.clone())));

    let finished = format!(
        "`{}` profile [{}] target(s)",
        profile_name,
        profiles.base().describe()
    );
    if timings_formats.json
        && let Some(t) = &compilation.timings
    {
        timings::write_json_lines(&mut gctx.shell, t)?;
    }
    if timings_formats.html
        && let Some(t) = &compilation.timings
    {
        let targets = describe_targets(&req.targets);
        let cx = timings::Context {
            profile: &profile_name,
            targets,
            rustc_version: &target_data.rustc_version,
            host: &host,
            jobs,
            started: started_epoch,
        };
        let path = timings::write(&target_dir, t, &cx)?;
        gctx.shell
            .status("Timing", format!("report saved to {}", path.display()))?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    gctx.shell.status(
        "Finished",
        format!("{finished} in {}", elapsed_text(elapsed)),
    )?;
    // Before the build is recorded: a denied build is never "fresh".
    if warning_handling == mycargo_compiler::WarningHandling::Deny && compilation.lint_warnings > 0
    {
        bail!("warnings are denied by `build.warnings` configuration");
    }
    let future = crate::ops::future_incompat::collect(&compilation.future_incompat, |pkg| {
        let m = graph.packages[pkg].manifest;
        (m.package_id.clone(), m.metadata.repository.clone())
    });
    crate::ops::future_incompat::save_and_display(
        gctx,
        &build_dir,
        &future,
        extras.future_incompat_report,
    )?;
    // Recorded after everything the build prints: a build that warned
    // (future-incompat reports included) is not answered from the record.
    if let Some(probe) = noop {
        let local: Vec<PathBuf> = pkgs
            .manifests
            .iter()
            .filter(|m| m.package_id.source_id().is_path())
            .map(|m| m.manifest_path.clone())
            .collect();
        probe.record(gctx, &bcx, &local, &finished);
    }
    let sysroot_target_libdir = match &target_triple {
        Some(t) => host_info.sysroot.join("lib/rustlib").join(t).join("lib"),
        None => host_info.sysroot_target_libdir.clone(),
    };
    let executables = compilation
        .executables
        .iter()
        .filter(|(u, _)| !u.mode.is_any_test())
        .map(|(u, p)| Executable {
            path: p.clone(),
            env: mycargo_compiler::testing::run_environment(
                &bcx,
                u,
                &compilation,
                &sysroot_target_libdir,
            ),
        })
        .collect();
    let (tests, doctests) = if req.mode.is_any_test() {
        let opts = mycargo_compiler::testing::TestOptions {
            test_args: extras.test_args.clone(),
            runner: runner.clone(),
            sysroot_target_libdir: sysroot_target_libdir.clone(),
            color: match gctx.shell.color_choice() {
                mycargo_util::shell::ColorChoice::Auto => "auto",
                mycargo_util::shell::ColorChoice::Always => "always",
                mycargo_util::shell::ColorChoice::Never => "never",
            }
            .to_string(),
        };
        (
            mycargo_compiler::testing::test_executables(&bcx, &compilation, &opts),
            mycargo_compiler::testing::doc_tests(&bcx, &compilation, &opts),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Built {
        executables,
        runner,
        docs: docs.into_iter().map(|(_, _, p)| p).collect(),
        tests,
        doctests,
    })
}

/// The report's `Targets:` line: the target kinds asked for.
fn describe_targets(t: &TargetSelection) -> String {
    let mut out = Vec::new();
    if t.lib {
        out.push("lib");
    }
    if t.bins || t.bin.is_some() {
        out.push("bins");
    }
    if t.examples || t.example.is_some() {
        out.push("examples");
    }
    if t.tests || t.test.is_some() {
        out.push("tests");
    }
    if t.benches || t.bench.is_some() {
        out.push("benches");
    }
    if t.all_targets {
        return "all targets".to_string();
    }
    match out.is_empty() {
        true => "default targets".to_string(),
        false => out.join(", "),
    }
}

/// cargo's install workspace: members without dev-dependencies (nothing
/// they are for is built), a registry package under its registry's id,
/// and the lock file left unread unless `--locked`.
fn as_install_workspace(ws: &mut mycargo_manifest::Workspace, install: &InstallBuild) {
    for m in ws.members_mut() {
        m.dependencies
            .retain(|d| d.kind() != mycargo_core::DepKind::Development);
    }
    ws.set_ignore_lock(!install.use_lock);
    // A published package is built with the newest dependencies, whatever
    // its `rust-version` (as cargo's install does).
    if install.registry_source.is_some() {
        ws.set_resolve_honors_rust_version(Some(false));
    }
}

/// After the resolve (which sees the unpacked package as the path
/// package it is on disk), a registry package being installed takes its
/// registry's id for the build, so it compiles and reports as cargo's.
fn as_registry_member(pkgs: &mut packages::Packages, install: Option<&InstallBuild>) {
    let Some(source) = install.and_then(|i| i.registry_source.as_ref()) else {
        return;
    };
    for (m, member) in pkgs.manifests.iter_mut().zip(&pkgs.members) {
        if *member {
            m.package_id = m.package_id.with_source_id(source.clone());
        }
    }
}

/// The build script `package.metabuild` generates lives in the build
/// directory, `.metabuild/metabuild-<name>-<hash>.rs` (written when it is
/// compiled).
fn place_metabuild_scripts(pkgs: &mut packages::Packages, build_dir: &std::path::Path) {
    for m in &mut pkgs.manifests {
        if m.metabuild.is_none() {
            continue;
        }
        let hash = mycargo_compiler::hash::StableHasher::new()
            .str(&m.package_id.to_string())
            .hex();
        let path = build_dir
            .join(".metabuild")
            .join(format!("metabuild-{}-{hash}.rs", m.name()));
        for t in m.targets.iter_mut().filter(|t| t.metabuild) {
            t.src_path = path.clone();
        }
    }
}

/// Two doc units writing the same `doc/<crate>/index.html` (a bin named
/// like the lib, asked for explicitly): cargo's warning.
fn doc_collisions(
    gctx: &mut GlobalContext,
    graph: &PackageGraph<'_>,
    units: &UnitGraph,
    target_dir: &std::path::Path,
    roots: &[usize],
) -> anyhow::Result<()> {
    let mut docs: Vec<&mycargo_compiler::Unit> = units
        .deps
        .keys()
        .filter(|u| u.mode == CompileMode::Doc)
        .collect();
    // cargo's unit order: by package id first.
    docs.sort_by_key(|u| {
        (
            graph.packages[u.pkg].manifest.package_id.clone(),
            u.target,
            u.kind.clone(),
        )
    });
    let mut seen: std::collections::HashMap<PathBuf, &mycargo_compiler::Unit> =
        std::collections::HashMap::new();
    // `lib `foo` in package `foo v0.1.0 (..)`` (doc units are libs, bins
    // and examples); `lib target `foo` ...` with `word`.
    let name_as = |u: &mycargo_compiler::Unit, word: &str| {
        let m = graph.packages[u.pkg].manifest;
        let t = &m.targets[u.target];
        format!(
            "{}{word} `{}` in package `{}`",
            t.kind_description(),
            t.name,
            m.package_id
        )
    };
    let name = |u: &mycargo_compiler::Unit| name_as(u, "");
    // Two selected packages documenting a lib (or a bin, an example) of
    // one crate name is an error: only one could be documented.
    let mut primary: [std::collections::HashMap<
        (String, &mycargo_compiler::CompileKind),
        &mycargo_compiler::Unit,
    >; 2] = Default::default();
    for u in &docs {
        if !roots.contains(&u.pkg) {
            continue;
        }
        let t = &graph.packages[u.pkg].manifest.targets[u.target];
        let map = &mut primary[usize::from(!t.is_lib())];
        let key = (t.crate_name(), &u.kind);
        if let Some(prev) = map.get(&key) {
            bail!(
                "document output filename collision\n\
                 The {} has the same name as the {}.\n\
                 Only one may be documented at once since they output to the same path.\n\
                 Consider documenting only one, renaming one, or marking one with `doc = false` in Cargo.toml.",
                name(u),
                name(prev)
            );
        }
        map.insert(key, u);
    }
    for u in docs {
        let t = &graph.packages[u.pkg].manifest.targets[u.target];
        let mut dir = target_dir.to_path_buf();
        if let mycargo_compiler::CompileKind::Target(triple) = &u.kind {
            dir.push(triple);
        }
        let path = dir.join("doc").join(t.crate_name()).join("index.html");
        if let Some(other) = seen.get(&path) {
            gctx.shell.warn(format!(
                "output filename collision at {}\n  |\n  = note: the {} has the same output filename as the {}\n  = note: this is a known bug where multiple crates with the same name use the same path; see <https://github.com/rust-lang/cargo/issues/6313>",
                path.display(),
                name_as(u, " target"),
                name_as(other, " target")
            ))?;
        } else {
            seen.insert(path, u);
        }
    }
    Ok(())
}

fn package_graph<'a>(
    manifests: &'a [mycargo_manifest::Manifest],
    pkgs: &packages::Packages,
    verify: &'a (dyn Fn(usize) -> anyhow::Result<()> + Sync),
    list_files: &'a (dyn Fn(&mycargo_manifest::Manifest) -> Vec<PathBuf> + Sync),
) -> PackageGraph<'a> {
    PackageGraph {
        verify: (!pkgs.vendored.is_empty()).then_some(verify),
        list_files: Some(list_files),
        packages: manifests
            .iter()
            .enumerate()
            .map(|(i, m)| GraphPackage {
                manifest: m,
                deps: pkgs.edges[i].clone(),
                is_member: pkgs.members[i],
                is_local: m.package_id.source_id().is_path(),
                vendored: pkgs.vendored.contains_key(m.root()),
            })
            .collect(),
    }
}

/// `rustc`/`rustdoc` arguments after `--` and `rustc --crate-type` apply
/// to exactly one target (cargo's errors otherwise). With crate types,
/// the manifests with that target's types replaced.
fn one_root_checks(
    units: &UnitGraph,
    graph: &PackageGraph<'_>,
    extras: &CompileExtras,
) -> anyhow::Result<Option<Vec<mycargo_manifest::Manifest>>> {
    if !extras.extra_args.is_empty() && units.roots.len() != 1 {
        bail!(
            "extra arguments to `{}` can only be passed to one target, consider filtering\n\
             the package by passing, e.g., `--lib` or `--bin NAME` to specify a single target",
            extras.extra_args_tool
        );
    }
    if extras.crate_types.is_empty() {
        return Ok(None);
    }
    let [root] = units.roots.as_slice() else {
        bail!(
            "crate types to rustc can only be passed to one target, consider filtering\n\
             the package by passing, e.g., `--lib` or `--example` to specify a single target"
        );
    };
    let mut manifests: Vec<mycargo_manifest::Manifest> =
        graph.packages.iter().map(|p| p.manifest.clone()).collect();
    let target = &mut manifests[root.pkg].targets[root.target];
    let types = extras.crate_types.clone();
    target.kind = match target.kind {
        mycargo_manifest::TargetKind::Lib(_) => mycargo_manifest::TargetKind::Lib(types),
        mycargo_manifest::TargetKind::ExampleLib(_) => {
            mycargo_manifest::TargetKind::ExampleLib(types)
        }
        _ => bail!(
            "crate types can only be specified for libraries and example libraries.\n\
             Binaries, tests, and benchmarks are always the `bin` crate type"
        ),
    };
    Ok(Some(manifests))
}

/// `1.23s`, or `1m 02s` past a minute, as cargo prints it.
fn elapsed_text(secs: f64) -> String {
    if secs >= 60.0 {
        let whole = secs as u64;
        format!("{}m {:02}s", whole / 60, whole % 60)
    } else {
        format!("{secs:.2}s")
    }
}

fn platform(t: &mycargo_compiler::rustc_info::TargetInfo) -> PlatformInfo {
    PlatformInfo {
        file_types: t
            .crate_type_file_names
            .iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
            .collect(),
        cfgs: t.cfg.clone(),
    }
}

/// `--message-format` values (already split on commas and lowercased), as
/// cargo combines them: one of `human`, `short`, `json`, and the `json-*`
/// modifiers, which imply `json`. Two kinds is an error.
fn message_format(values: &[String]) -> anyhow::Result<MessageFormat> {
    const TWO_KINDS: &str = "cannot specify two kinds of `message-format` arguments";
    let mut fmt: Option<MessageFormat> = None;
    for v in values {
        let plain = match v.as_str() {
            "human" => Some(MessageFormat::Human),
            "short" => Some(MessageFormat::Short),
            "json" => Some(MessageFormat::Json {
                render_diagnostics: false,
                short: false,
                ansi: false,
            }),
            _ => None,
        };
        if let Some(plain) = plain {
            if fmt.is_some() {
                bail!(TWO_KINDS);
            }
            fmt = Some(plain);
            continue;
        }
        let json = fmt.get_or_insert(MessageFormat::Json {
            render_diagnostics: false,
            short: false,
            ansi: false,
        });
        let MessageFormat::Json {
            render_diagnostics,
            short,
            ansi,
        } = json
        else {
            bail!(TWO_KINDS);
        };
        match v.as_str() {
            "json-render-diagnostics" => *render_diagnostics = true,
            "json-diagnostic-short" => *short = true,
            "json-diagnostic-rendered-ansi" => *ansi = true,
            other => bail!("invalid message format specifier: `{other}`"),
        }
    }
    Ok(fmt.unwrap_or(MessageFormat::Human))
}

/// `-p`, `--workspace`, `--exclude`, else the default members (or the
/// current package).
/// The selected packages and the features asked of them, among the path
/// packages (what the download walk starts from).
pub(crate) fn build_roots(
    ws: &mycargo_manifest::Workspace,
    path: &packages::Packages,
    packages: &PackageSelection,
    feats: &Features,
) -> anyhow::Result<
    Vec<(
        mycargo_core::PackageId,
        mycargo_resolver::version::RootRequest,
    )>,
> {
    let selected = select_packages(ws, path, packages)?;
    let names: Vec<&str> = selected.iter().map(|&i| path.manifests[i].name()).collect();
    let asked = feats.feature_list();
    Ok(selected
        .iter()
        .map(|&i| {
            let m = &path.manifests[i];
            let mut values: std::collections::BTreeSet<String> = asked.iter().cloned().collect();
            // `member/feat` names a feature of that member.
            for f in &asked {
                if let Some((pkg, feat)) = f.split_once('/')
                    && pkg == m.name()
                    && names.contains(&pkg)
                {
                    values.insert(feat.to_string());
                }
            }
            let request = mycargo_resolver::version::RootRequest {
                all: feats.all_features,
                default: !feats.no_default_features,
                values,
            };
            (m.package_id.clone(), request)
        })
        .collect())
}

pub(crate) fn select_packages(
    ws: &mycargo_manifest::Workspace,
    pkgs: &packages::Packages,
    sel: &PackageSelection,
) -> anyhow::Result<Vec<usize>> {
    select_packages_warning(ws, pkgs, sel, &mut |_| {})
}

/// [`select_packages`], with `--exclude` specs that match no member
/// passed to `warn` (cargo warns once, where it compiles).
pub(crate) fn select_packages_warning(
    ws: &mycargo_manifest::Workspace,
    pkgs: &packages::Packages,
    sel: &PackageSelection,
    warn: &mut dyn FnMut(String),
) -> anyhow::Result<Vec<usize>> {
    let member_idx: Vec<usize> = (0..pkgs.manifests.len())
        .filter(|&i| pkgs.members[i])
        .collect();
    let out = if sel.workspace && !sel.exclude.is_empty() {
        let (names, patterns) = unmatched(pkgs, &member_idx, &sel.exclude)?;
        for (what, list) in [("package(s)", names), ("package pattern(s)", patterns)] {
            if !list.is_empty() {
                warn(format!(
                    "excluded {what} `{}` not found in workspace `{}`",
                    list.join(", "),
                    ws.root().display()
                ));
            }
        }
        let mut out = member_idx.clone();
        for ex in &sel.exclude {
            if let Some(pattern) = name_glob(ex)? {
                out.retain(|&i| !pattern.matches(pkgs.manifests[i].name()));
                continue;
            }
            let spec = PackageIdSpec::parse(ex, None)?;
            out.retain(|&i| !spec.matches(&pkgs.manifests[i].package_id));
        }
        out
    } else if sel.workspace {
        // `-p` alongside `--workspace` must still name members.
        let (names, patterns) = unmatched(pkgs, &member_idx, sel.packages())?;
        not_found(ws, names, patterns)?;
        member_idx.clone()
    } else if !sel.packages().is_empty() {
        let mut out = Vec::new();
        for p in sel.packages() {
            // A glob (`foo*`) picks workspace members by name.
            if let Some(pattern) = name_glob(p)? {
                let found: Vec<usize> = member_idx
                    .iter()
                    .copied()
                    .filter(|&i| pattern.matches(pkgs.manifests[i].name()))
                    .collect();
                if found.is_empty() {
                    bail!(
                        "package pattern(s) `{p}` not found in workspace `{}`",
                        ws.root().display()
                    );
                }
                out.extend(found);
                continue;
            }
            let spec = PackageIdSpec::parse(p, None)?;
            out.extend(pkgs.matching_one(&spec)?);
        }
        out
    } else {
        // The workspace knows cargo's rule: `default-members` at the root,
        // the current package elsewhere, every member of a virtual
        // workspace.
        let defaults: Vec<usize> = ws
            .default_members()
            .filter_map(|m| pkgs.index_of(&m.manifest_path))
            .collect();
        if defaults.is_empty() {
            member_idx
        } else {
            defaults
        }
    };
    if out.is_empty() {
        if ws.is_virtual() {
            bail!(
                "manifest path `{}` contains no package: The manifest is virtual, and the workspace has no members.",
                ws.root().display()
            );
        }
        bail!("no packages to compile");
    }
    Ok(out)
}

/// The specs (sorted, as cargo lists them) and the patterns among `specs`
/// that match no member.
fn unmatched(
    pkgs: &packages::Packages,
    members: &[usize],
    specs: &[String],
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let mut names = std::collections::BTreeSet::new();
    let mut patterns = Vec::new();
    for s in specs {
        if let Some(pattern) = name_glob(s)? {
            if !members
                .iter()
                .any(|&i| pattern.matches(pkgs.manifests[i].name()))
            {
                patterns.push(s.clone());
            }
            continue;
        }
        let spec = PackageIdSpec::parse(s, None)?;
        if !members
            .iter()
            .any(|&i| spec.matches(&pkgs.manifests[i].package_id))
        {
            names.insert(spec.to_string());
        }
    }
    Ok((names.into_iter().collect(), patterns))
}

fn not_found(
    ws: &mycargo_manifest::Workspace,
    names: Vec<String>,
    patterns: Vec<String>,
) -> anyhow::Result<()> {
    if !names.is_empty() {
        bail!(
            "package(s) `{}` not found in workspace `{}`",
            names.join(", "),
            ws.root().display()
        );
    }
    if !patterns.is_empty() {
        bail!(
            "package pattern(s) `{}` not found in workspace `{}`",
            patterns.join(", "),
            ws.root().display()
        );
    }
    Ok(())
}

/// `--bin` (or `--example`, `--bench`, `--test`) without a name: cargo's
/// list of what the selected packages offer, as an error.
fn available_targets(
    pkgs: &packages::Packages,
    roots: &[usize],
    targets: &TargetSelection,
) -> anyhow::Result<()> {
    let manifests: Vec<&mycargo_manifest::Manifest> =
        roots.iter().map(|&i| &pkgs.manifests[i]).collect();
    target_choices(&manifests, targets)
}

/// `--bin`, `--example`, `--bench` or `--test` given without a name:
/// cargo's error listing the targets of `manifests` that could be named.
pub(crate) fn target_choices(
    manifests: &[&mycargo_manifest::Manifest],
    targets: &TargetSelection,
) -> anyhow::Result<()> {
    type Is = fn(&mycargo_manifest::Target) -> bool;
    let asks: [(&Option<Vec<String>>, &str, &str, Is); 4] = [
        (&targets.example, "--example", "examples", |t| {
            t.is_example()
        }),
        (&targets.bin, "--bin", "binaries", |t| t.is_bin()),
        (&targets.bench, "--bench", "bench targets", |t| t.is_bench()),
        (&targets.test, "--test", "test targets", |t| t.is_test()),
    ];
    for (names, flag, plural, is) in asks {
        if !names.as_ref().is_some_and(|n| n.is_empty()) {
            continue;
        }
        let mut found: Vec<(&str, &std::path::Path)> = manifests
            .iter()
            .flat_map(|m| m.targets.iter())
            .filter(|t| is(t))
            .map(|t| (t.name.as_str(), t.src_path.as_path()))
            .collect();
        found.sort();
        let mut msg = format!("\"{flag}\" takes one argument.\n");
        if found.is_empty() {
            msg.push_str(&format!("No {plural} available.\n"));
        } else {
            msg.push_str(&format!("Available {plural}:\n"));
            for (name, _) in found {
                msg.push_str(&format!("    {name}\n"));
            }
        }
        bail!("{msg}");
    }
    Ok(())
}

/// `spec` as a glob over package names, when it is one (`*`, `?`, `[`).
pub(crate) fn name_glob(spec: &str) -> anyhow::Result<Option<glob::Pattern>> {
    if !spec.contains(['*', '?', '[', ']']) {
        return Ok(None);
    }
    anyhow::Context::with_context(glob::Pattern::new(spec).map(Some), || {
        format!("cannot build glob pattern from `{spec}`")
    })
}

fn rule(all: bool, named: &Option<Vec<String>>) -> FilterRule {
    match named {
        Some(v) if !v.is_empty() => FilterRule::Just(v.clone()),
        Some(_) => FilterRule::All,
        None if all => FilterRule::All,
        None => FilterRule::None,
    }
}

fn target_filter(t: &TargetSelection) -> TargetFilter {
    if !t.is_specific() {
        return TargetFilter::Default;
    }
    if t.all_targets {
        return TargetFilter::All;
    }
    TargetFilter::Only {
        lib: t.lib,
        bins: rule(t.bins, &t.bin),
        examples: rule(t.examples, &t.example),
        tests: rule(t.tests, &t.test),
        benches: rule(t.benches, &t.bench),
    }
}

/// `[hints]` of the local packages built: `mostly-unused` needs the
/// nightly `-Z profile-hint-mostly-unused` (which mycargo does not have),
/// and must be a boolean. Other packages' hints are not mentioned.
fn warn_about_hints(
    gctx: &mut GlobalContext,
    graph: &mycargo_compiler::PackageGraph<'_>,
    units: &UnitGraph,
) -> anyhow::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    let all = units.all_units();
    for u in all {
        if !seen.insert(u.pkg) {
            continue;
        }
        let m = graph.packages[u.pkg].manifest;
        if !m.package_id.source_id().is_path() {
            continue;
        }
        let Some(hint) = m
            .normalized_toml
            .hints
            .as_ref()
            .and_then(|h| h.get("mostly-unused"))
        else {
            continue;
        };
        let id = format!("{}@{}", m.name(), m.package_id.version());
        match hint {
            toml::Value::Boolean(_) => gctx.shell.warn(format!(
                "{id}: ignoring 'hints.mostly-unused', pass `-Zprofile-hint-mostly-unused` to enable it"
            ))?,
            other => gctx.shell.warn(format!(
                "{id}: ignoring unsupported value type ({}) for 'hints.mostly-unused', which expects a boolean",
                other.type_str()
            ))?,
        }
    }
    Ok(())
}

/// A target whose path is a directory is cargo's "target resolution
/// error", reported for each such target before anything compiles (with
/// the entry point that directory holds, if any).
fn check_target_paths(
    gctx: &mut GlobalContext,
    graph: &mycargo_compiler::PackageGraph<'_>,
    units: &UnitGraph,
) -> anyhow::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    let all = units.all_units();
    let mut errors = 0;
    // A missing source file is reported per unit asked for, as cargo does
    // (a library built and tested is named twice).
    for u in &units.roots {
        let m = graph.packages[u.pkg].manifest;
        let t = &m.targets[u.target];
        if !t.src_path.exists() && !t.is_custom_build() {
            gctx.shell.error(format!(
                "can't find {} `{}` at path `{}`\n --> {}",
                t.kind_description(),
                t.name,
                t.src_path.display(),
                m.manifest_path.display()
            ))?;
            errors += 1;
        }
    }
    for u in all {
        if !seen.insert((u.pkg, u.target)) {
            continue;
        }
        let m = graph.packages[u.pkg].manifest;
        let t = &m.targets[u.target];
        let kind = t.kind_description();
        if !t.src_path.is_dir() {
            continue;
        }
        let entry = if t.is_lib() { "lib.rs" } else { "main.rs" };
        let mut msg = format!(
            "path `{}` for {kind} `{}` is a directory, but a source file was expected.\n --> {}",
            t.src_path.display(),
            t.name,
            m.manifest_path.display()
        );
        let candidate = t.src_path.join(entry);
        if candidate.is_file() {
            msg.push_str(&format!(
                "\n  = help: an entry point exists at `{}`",
                candidate.display()
            ));
        }
        gctx.shell.error(msg)?;
        errors += 1;
    }
    if errors > 0 {
        let s = if errors == 1 { "" } else { "s" };
        bail!("could not compile due to {errors} previous target resolution error{s}");
    }
    Ok(())
}
