//! Running a build script: its command and environment (cargo's
//! `custom_build.rs`), and turning its parsed output into what rustc needs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build_context::BuildContext;
use crate::build_output::{BuildOutput, PackageTargets, ParseContext};
use crate::rustc_cmd::ScriptEffects;
use crate::unit::Unit;

/// Write the build script `package.metabuild` generates, when `unit`
/// compiles it: `fn main()` calling each named build-dependency's
/// `metabuild()` in order (one not in use, an optional one, is left
/// out). Written only when it changed, so a fresh build stays fresh.
pub fn write_metabuild(bcx: &BuildContext<'_>, unit: &Unit) -> anyhow::Result<()> {
    let m = bcx.graph.packages[unit.pkg].manifest;
    let t = &m.targets[unit.target];
    if !t.metabuild || unit.mode == crate::unit::CompileMode::RunCustomBuild {
        return Ok(());
    }
    let deps = bcx
        .units
        .deps
        .get(unit)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut text = String::from("fn main() {\n");
    for name in m.metabuild.iter().flatten() {
        let lib = deps.iter().find_map(|d| {
            let dm = bcx.graph.packages[d.unit.pkg].manifest;
            (dm.name() == name).then(|| dm.targets[d.unit.target].crate_name())
        });
        if let Some(lib) = lib {
            text.push_str(&format!("    {lib}::metabuild();\n"));
        }
    }
    text.push_str("}\n");
    if std::fs::read_to_string(&t.src_path).ok().as_deref() == Some(text.as_str()) {
        return Ok(());
    }
    if let Some(dir) = t.src_path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("failed to create directory `{}`: {e}", dir.display()))?;
    }
    std::fs::write(&t.src_path, text)
        .map_err(|e| anyhow::anyhow!("failed to write `{}`: {e}", t.src_path.display()))
}

/// The command that runs the compiled script of `run` (a RunCustomBuild
/// unit). `script` is the compiled script's path; `dep_env` the
/// `DEP_<LINKS>_<KEY>` variables of its direct dependencies.
pub fn command(
    bcx: &BuildContext<'_>,
    run: &Unit,
    script: &Path,
    out_dir: &Path,
    dep_env: &[(String, String)],
    jobserver: &jobserver::Client,
) -> Command {
    let gp = &bcx.graph.packages[run.pkg];
    let m = gp.manifest;
    let cfg = bcx.config;
    // `host.runner` runs the script: `runner ARGS... SCRIPT`.
    let mut cmd = match cfg.host_runner.as_deref() {
        Some([runner, args @ ..]) => {
            let mut c = Command::new(runner);
            c.args(args).arg(script);
            c
        }
        _ => Command::new(script),
    };
    cmd.current_dir(m.root());
    cmd.env_clear();
    for (k, v) in &cfg.env {
        cmd.env(k, v);
    }
    cmd.env_remove("RUSTFLAGS");
    crate::rustc_cmd::fill_env(bcx, run, &mut cmd, None);
    // Build scripts do not get the crate-level variables.
    cmd.env_remove("CARGO_CRATE_NAME");
    cmd.env_remove("CARGO_BIN_NAME");
    cmd.env_remove("CARGO_PRIMARY_PACKAGE");
    let triple = bcx.target_data.triple(&run.kind).to_string();
    let p = &run.profile;
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    env.insert("OUT_DIR".into(), out_dir.display().to_string());
    env.insert("NUM_JOBS".into(), cfg.jobs.to_string());
    env.insert("TARGET".into(), triple);
    env.insert("HOST".into(), bcx.target_data.host.clone());
    env.insert("RUSTC".into(), cfg.shown(&cfg.rustc));
    env.insert("RUSTDOC".into(), cfg.shown(&cfg.rustdoc));
    env.insert("DEBUG".into(), p.debuginfo.is_some().to_string());
    env.insert("OPT_LEVEL".into(), p.opt_level.clone());
    let profile_kind = if p.opt_level == "0" || crate::layout::profile_dir(&cfg.profile) == "debug"
    {
        "debug"
    } else {
        "release"
    };
    env.insert("PROFILE".into(), profile_kind.into());
    if let Some(l) = cfg.linker_for(&run.kind) {
        env.insert("RUSTC_LINKER".into(), l.display().to_string());
    }
    if let Some(links) = &m.metadata.links {
        env.insert("CARGO_MANIFEST_LINKS".into(), links.clone());
    }
    for f in &run.features {
        env.insert(format!("CARGO_FEATURE_{}", envify(f)), "1".into());
    }
    // CARGO_CFG_*: values of the same key joined with commas.
    let mut cfgs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &bcx.target_data.info(&run.kind).cfgs {
        match c {
            mycargo_core::Cfg::Name(n) => {
                cfgs.entry(n.to_string()).or_default();
            }
            mycargo_core::Cfg::KeyPair(k, v) => {
                cfgs.entry(k.to_string()).or_default().push(v.clone())
            }
        }
    }
    if p.debug_assertions {
        cfgs.entry("debug_assertions".into()).or_default();
    } else {
        cfgs.remove("debug_assertions");
    }
    for (k, mut vals) in cfgs {
        if k == "feature" {
            continue;
        }
        vals.sort();
        env.insert(format!("CARGO_CFG_{}", envify(&k)), vals.join(","));
    }
    let feats: Vec<&str> = run.features.iter().map(String::as_str).collect();
    if !feats.is_empty() {
        env.insert("CARGO_CFG_FEATURE".into(), feats.join(","));
    }
    if let Some(w) = &cfg.rustc_wrapper {
        env.insert("RUSTC_WRAPPER".into(), w.display().to_string());
    } else {
        cmd.env_remove("RUSTC_WRAPPER");
    }
    if gp.is_member
        && let Some(w) = &cfg.rustc_workspace_wrapper
    {
        env.insert("RUSTC_WORKSPACE_WRAPPER".into(), w.display().to_string());
    } else {
        cmd.env_remove("RUSTC_WORKSPACE_WRAPPER");
    }
    env.insert(
        "CARGO_ENCODED_RUSTFLAGS".into(),
        bcx.rustflags(run).join("\u{1f}"),
    );
    for (k, v) in dep_env {
        env.insert(k.clone(), v.clone());
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    jobserver.configure(&mut cmd);
    cmd
}

pub fn envify(s: &str) -> String {
    s.chars()
        .map(|c| c.to_ascii_uppercase())
        .map(|c| if c == '-' { '_' } else { c })
        .collect()
}

/// The targets of a package, for checking `rustc-link-arg-*`.
pub fn package_targets(m: &mycargo_manifest::Manifest) -> PackageTargets {
    PackageTargets {
        bins: m
            .targets
            .iter()
            .filter(|t| t.is_bin())
            .map(|t| t.name.clone())
            .collect(),
        has_tests: m.targets.iter().any(|t| t.is_test()),
        has_benches: m.targets.iter().any(|t| t.is_bench()),
        has_examples: m.targets.iter().any(|t| t.is_example()),
        has_cdylib: m
            .targets
            .iter()
            .any(|t| t.is_lib() && t.kind.crate_types().iter().any(|c| c == "cdylib")),
    }
}

/// Parse a finished run's stdout.
pub fn parse(
    bcx: &BuildContext<'_>,
    run: &Unit,
    stdout: &[u8],
    out_dir: &Path,
) -> anyhow::Result<BuildOutput> {
    parse_as_of(bcx, run, stdout, out_dir, None)
}

/// The stored output of a script run in an earlier build: paths under the
/// `OUT_DIR` it had then (recorded in `root-output`) move to today's (the
/// project or target directory may have moved since).
pub fn parse_stored(
    bcx: &BuildContext<'_>,
    run: &Unit,
    stdout: &[u8],
    out_dir: &Path,
) -> anyhow::Result<BuildOutput> {
    let run_dir = bcx.build_script_run_dir(run);
    let then = std::fs::read(run_dir.join(crate::build_output::ROOT_OUTPUT_FILE))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .map(PathBuf::from);
    parse_as_of(bcx, run, stdout, out_dir, then.as_deref())
}

fn parse_as_of(
    bcx: &BuildContext<'_>,
    run: &Unit,
    stdout: &[u8],
    out_dir: &Path,
    out_dir_then: Option<&Path>,
) -> anyhow::Result<BuildOutput> {
    let m = bcx.graph.packages[run.pkg].manifest;
    let targets = package_targets(m);
    let descr = m.package_id.to_string();
    let lib = m.lib_target().map(|t| t.crate_name());
    let rust_version = m.rust_version.as_ref().map(|r| &r.0);
    let cx = ParseContext {
        pkg_descr: &descr,
        library_name: lib.as_deref(),
        script_out_dir: out_dir,
        script_out_dir_when_generated: out_dir_then,
        targets: &targets,
        rust_version,
        nightly_features_allowed: false,
        rustc_bootstrap: None,
    };
    Ok(BuildOutput::parse(stdout, &cx)?)
}

/// What a parsed output changes for the package's rustc invocations.
pub fn effects(out: &BuildOutput, out_dir: PathBuf) -> ScriptEffects {
    ScriptEffects {
        link_search: out
            .library_paths
            .iter()
            .map(|(_, p)| p.display().to_string())
            .collect(),
        link_libs: out.library_links.clone(),
        link_args: out.linker_args.clone(),
        cfgs: out.cfgs.clone(),
        check_cfgs: out.check_cfgs.clone(),
        env: out.env.clone(),
        out_dir: Some(out_dir),
    }
}
