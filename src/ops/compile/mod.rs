//! `build`, `check`, `run` (and later `test`, `bench`): from flags to a
//! compiled unit graph. Loads the workspace and its path packages, resolves
//! features, settles the build settings, asks rustc about the platforms,
//! then hands the unit graph to the compiler's job queue.

mod features;
mod packages;
pub mod settings;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use mycargo_compiler::rustc_info::{Rustc, RustcOptions, TargetInfoRequest};
use mycargo_compiler::{
    BuildConfig, BuildContext, CompileMode, FilterRule, GraphPackage, MessageFormat, PackageGraph,
    PlatformInfo, ProfileMaker, Selection, TargetData, TargetFilter, UnitGraph,
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
pub struct Built {
    pub executables: Vec<(String, PathBuf, String)>,
    pub runner: Option<Vec<String>>,
}

pub fn compile(gctx: &mut GlobalContext, req: &CompileRequest<'_>) -> anyhow::Result<Built> {
    let start = Instant::now();
    let manifest = super::workspace::root_manifest(gctx, req.manifest_path)?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    super::workspace::print_warnings(gctx, &ws)?;
    let opts = super::workspace::read_options(gctx);
    let pkgs = packages::load(&ws, &opts)?;

    let roots = select_packages(&ws, &pkgs, &req.packages)?;
    let profile_name = match (&req.compile.profile, req.release) {
        (Some(p), _) => p.clone(),
        (None, true) => "release".to_string(),
        (None, false) => match req.mode {
            CompileMode::Test => "test".to_string(),
            CompileMode::Bench => "bench".to_string(),
            _ => "dev".to_string(),
        },
    };
    let profiles = ProfileMaker::new(&profile_name, ws.profiles())?;

    // Settings.
    let default_target = ws.default_target_dir();
    let target_dir = settings::target_dir(gctx, req.compile.target_dir.as_deref(), default_target)?;
    let jobs = settings::jobs(gctx, req.compile.jobs.as_deref())?;
    let rustc_path =
        settings::program(gctx, "RUSTC", "build.rustc")?.unwrap_or_else(|| "rustc".into());
    let rustdoc =
        settings::program(gctx, "RUSTDOC", "build.rustdoc")?.unwrap_or_else(|| "rustdoc".into());
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
        .or(gctx.config.get_string("build.target")?.map(|v| v.val));

    let rustc = Rustc::new(
        RustcOptions {
            path: rustc_path,
            wrapper: wrapper.clone(),
            workspace_wrapper: ws_wrapper.clone(),
            cache_location: Some(target_dir.join(".rustc_info.json")),
        },
        &gctx.env,
    )?;
    let host = rustc.info.host.clone();
    let host_cfgs_probe = rustc.target_info(&TargetInfoRequest::default())?;
    let target_flags = settings::rustflags(
        gctx,
        target_triple.as_deref().unwrap_or(&host),
        &host_cfgs_probe.cfg,
    )?;
    let host_flags = if target_triple.is_some() {
        Vec::new()
    } else {
        target_flags.clone()
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
    let target_data = TargetData {
        rustc_version: rustc.info.verbose_version.clone(),
        host: host.clone(),
        host_info: platform(&host_info),
        target,
    };
    let _ = rustc.save_cache();

    // Features.
    let feats = features::resolve(&pkgs, &roots, req, &ws, &target_data)?;

    let graph = PackageGraph {
        packages: pkgs
            .manifests
            .iter()
            .enumerate()
            .map(|(i, m)| GraphPackage {
                manifest: m,
                deps: pkgs.edges[i].clone(),
                is_member: pkgs.members[i],
                is_local: m.package_id.source_id().is_path(),
            })
            .collect(),
    };
    let selection = Selection {
        roots: roots.clone(),
        filter: target_filter(&req.targets, req.mode),
        mode: req.mode,
        target: target_triple.clone(),
    };
    let units = UnitGraph::new(&graph, &feats, &profiles, &selection)?;
    for w in &units.warnings {
        gctx.shell.warn(w)?;
    }

    let linker = match &target_triple {
        Some(t) => gctx
            .config
            .get_program(&format!("target.{t}.linker"))?
            .map(|v| v.val),
        None => gctx
            .config
            .get_program(&format!("target.{host}.linker"))?
            .map(|v| v.val),
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
        profile: profile_name.clone(),
        rustc: rustc.path.clone(),
        rustdoc,
        rustc_wrapper: wrapper,
        rustc_workspace_wrapper: ws_wrapper,
        rustflags: target_flags,
        host_rustflags: host_flags,
        message_format: message_format(req.compile.message_formats())?,
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
        extra_args: Vec::new(),
        color: gctx.shell.err_supports_color(),
    };
    let bcx = BuildContext::new(&graph, &units, &config, &target_data, roots);
    let compilation = mycargo_compiler::compile(&bcx, &mut gctx.shell)?;

    let elapsed = start.elapsed().as_secs_f64();
    gctx.shell.status(
        "Finished",
        format!(
            "`{}` profile [{}] target(s) in {}",
            profile_name,
            profiles.base().describe(),
            elapsed_text(elapsed)
        ),
    )?;
    let executables = compilation
        .executables
        .iter()
        .map(|(u, p)| {
            let t = &graph.packages[u.pkg].manifest.targets[u.target];
            (
                t.name.clone(),
                p.clone(),
                graph.packages[u.pkg].manifest.name().to_string(),
            )
        })
        .collect();
    let (triple, cfgs) = match &target_data.target {
        Some((t, info)) => (t.clone(), info.cfgs.clone()),
        None => (target_data.host.clone(), target_data.host_info.cfgs.clone()),
    };
    let runner = settings::runner(gctx, &triple, &cfgs)?;
    Ok(Built {
        executables,
        runner,
    })
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

fn message_format(values: &[String]) -> anyhow::Result<MessageFormat> {
    let mut fmt = MessageFormat::Human;
    for v in values {
        fmt = match v.as_str() {
            "human" => MessageFormat::Human,
            "short" => MessageFormat::Short,
            "json" => MessageFormat::Json {
                render_diagnostics: false,
                short: false,
                ansi: false,
            },
            "json-diagnostic-short" => MessageFormat::Json {
                render_diagnostics: false,
                short: true,
                ansi: false,
            },
            "json-diagnostic-rendered-ansi" => MessageFormat::Json {
                render_diagnostics: false,
                short: false,
                ansi: true,
            },
            "json-render-diagnostics" => MessageFormat::Json {
                render_diagnostics: true,
                short: false,
                ansi: false,
            },
            other => bail!("invalid message format specifier: `{other}`"),
        };
    }
    Ok(fmt)
}

/// `-p`, `--workspace`, `--exclude`, else the default members (or the
/// current package).
fn select_packages(
    ws: &mycargo_manifest::Workspace,
    pkgs: &packages::Packages,
    sel: &PackageSelection,
) -> anyhow::Result<Vec<usize>> {
    let member_idx: Vec<usize> = (0..pkgs.manifests.len())
        .filter(|&i| pkgs.members[i])
        .collect();
    let index_of =
        |path: &std::path::Path| pkgs.manifests.iter().position(|m| m.manifest_path == path);
    if sel.workspace {
        let mut out = member_idx.clone();
        for ex in &sel.exclude {
            let spec = PackageIdSpec::parse(ex, None)?;
            out.retain(|&i| !spec.matches(&pkgs.manifests[i].package_id));
        }
        return Ok(out);
    }
    if !sel.packages().is_empty() {
        let mut out = Vec::new();
        for p in sel.packages() {
            let spec = PackageIdSpec::parse(p, None)?;
            let found: Vec<usize> = (0..pkgs.manifests.len())
                .filter(|&i| spec.matches(&pkgs.manifests[i].package_id))
                .collect();
            if found.is_empty() {
                bail!(
                    "package(s) `{p}` not found in workspace `{}`",
                    ws.root().display()
                );
            }
            out.extend(found);
        }
        return Ok(out);
    }
    if let Some(cur) = ws.current() {
        return Ok(index_of(&cur.manifest_path).into_iter().collect());
    }
    let defaults: Vec<usize> = ws
        .default_members()
        .filter_map(|m| index_of(&m.manifest_path))
        .collect();
    if defaults.is_empty() {
        return Ok(member_idx);
    }
    Ok(defaults)
}

fn rule(all: bool, named: &Option<Vec<String>>) -> FilterRule {
    match named {
        Some(v) if !v.is_empty() => FilterRule::Just(v.clone()),
        Some(_) => FilterRule::All,
        None if all => FilterRule::All,
        None => FilterRule::None,
    }
}

fn target_filter(t: &TargetSelection, _mode: CompileMode) -> TargetFilter {
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
