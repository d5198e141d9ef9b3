//! The rustc command line of a unit, argument by argument in cargo's order
//! (`build_base_args`, `build_deps_args` in cargo), and the environment
//! cargo gives rustc.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use crate::build_context::{BuildContext, MessageFormat};
use crate::unit::{CompileKind, CompileMode, Unit};

/// What a package's build script told cargo, as it applies to rustc.
#[derive(Debug, Clone, Default)]
pub struct ScriptEffects {
    /// `-L` paths (`KIND=PATH` or `PATH`), for the package and dependents.
    pub link_search: Vec<String>,
    /// `-l` libraries, for the package's own units.
    pub link_libs: Vec<String>,
    /// `-C link-arg=` values, each with the targets it is for
    /// (`rustc-link-arg`, `-bins`, `-bin=NAME`, `-tests`, ...).
    pub link_args: Vec<(crate::build_output::LinkArgTarget, String)>,
    pub cfgs: Vec<String>,
    pub check_cfgs: Vec<String>,
    pub env: Vec<(String, String)>,
    pub out_dir: Option<PathBuf>,
}

/// One `--extern` of a unit: the name and the file.
#[derive(Debug, Clone)]
pub struct Extern {
    pub name: String,
    pub path: PathBuf,
}

/// `CARGO_BIN_EXE_<name>`: where each binary of the unit's package is
/// built (integration tests and benches find them there).
pub fn bin_exe_vars(bcx: &BuildContext<'_>, unit: &Unit) -> Vec<(String, String)> {
    let m = bcx.graph.packages[unit.pkg].manifest;
    let suffix = bcx
        .target_data
        .info(&unit.kind)
        .file_types
        .get("bin")
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
    m.targets
        .iter()
        .filter(|t| t.is_bin())
        .map(|t| {
            // A binary with a `filename` goes by it.
            let name = t.bin_filename.as_deref().unwrap_or(&t.name);
            let path = bcx.layout(&unit.kind).root.join(format!("{name}{suffix}"));
            (format!("CARGO_BIN_EXE_{name}"), path.display().to_string())
        })
        .collect()
}

/// Build the rustc command for a compile unit.
pub fn rustc_command(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    externs: &[Extern],
    own_script: Option<&ScriptEffects>,
    dep_link_search: &[String],
) -> Command {
    let gp = &bcx.graph.packages[unit.pkg];
    let m = gp.manifest;
    let target = &m.targets[unit.target];
    let cfg = bcx.config;
    let p = &unit.profile;
    let mut cmd = base_command(bcx, unit);
    let (src, cwd) = bcx.path_args(unit);
    cmd.current_dir(&cwd);

    let crate_name = target.crate_name();
    cmd.arg("--crate-name").arg(&crate_name);
    cmd.arg(format!("--edition={}", target.edition));
    cmd.arg(&src);

    cmd.arg("--error-format=json");
    let json = match cfg.message_format {
        MessageFormat::Short | MessageFormat::Json { short: true, .. } => {
            "--json=diagnostic-rendered-ansi,artifacts,future-incompat,diagnostic-short"
        }
        _ => "--json=diagnostic-rendered-ansi,artifacts,future-incompat",
    };
    cmd.arg(json);

    let test = unit.mode.is_rustc_test();
    if !test {
        for ct in target.kind.crate_types() {
            cmd.arg("--crate-type").arg(ct);
        }
    }
    let emit = if unit.mode.is_check() {
        "--emit=dep-info,metadata"
    } else if !test && target.is_lib() && only_rlib_types(&target.kind.crate_types()) {
        "--emit=dep-info,metadata,link"
    } else {
        "--emit=dep-info,link"
    };
    cmd.arg(emit);

    // cargo's rule: proc macros, and dylibs that are not what the user
    // asked to build (so `std` is linked once, dynamically).
    let dylib = !test && target.kind.crate_types().iter().any(|c| c == "dylib");
    if target.proc_macro || (dylib && !bcx.is_primary(unit.pkg)) {
        cmd.arg("-C").arg("prefer-dynamic");
    }
    if p.opt_level != "0" {
        cmd.arg("-C").arg(format!("opt-level={}", p.opt_level));
    }
    if p.panic != "unwind" && !test && !unit.for_host {
        cmd.arg("-C").arg(format!("panic={}", p.panic));
    }
    cmd.args(bcx.lto_args(unit));
    if let Some(cu) = p.codegen_units {
        cmd.arg("-C").arg(format!("codegen-units={cu}"));
    }
    if let Some(d) = &p.debuginfo {
        cmd.arg("-C").arg(format!("debuginfo={d}"));
    }
    // `[lints]`, before the profile's flags (as cargo orders them).
    if let Some(lints) = &m.lints {
        cmd.args(mycargo_manifest::schema::lint_rustflags(lints));
    }
    cmd.args(&p.rustflags);
    let default_assertions = p.opt_level == "0";
    if p.debug_assertions != default_assertions {
        cmd.arg("-C")
            .arg(format!("debug-assertions={}", on_off(p.debug_assertions)));
    }
    if p.overflow_checks != p.debug_assertions {
        cmd.arg("-C")
            .arg(format!("overflow-checks={}", on_off(p.overflow_checks)));
    }
    if test {
        if target.harness {
            cmd.arg("--test");
        } else {
            cmd.arg("--cfg").arg("test");
        }
    }
    for f in &unit.features {
        cmd.arg("--cfg").arg(format!("feature=\"{f}\""));
    }
    cmd.arg("--check-cfg").arg("cfg(docsrs,test)");
    cmd.arg("--check-cfg").arg(feature_check_cfg(m));

    cmd.arg("-C")
        .arg(format!("metadata={}", bcx.c_metadata(unit)));
    let outputs = bcx.outputs(unit);
    // By the file name: in the new layout the directory holds the hash.
    let has_extra = outputs.first().is_some_and(|o| {
        o.path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains(bcx.unit_id(unit)))
    });
    if has_extra {
        cmd.arg("-C")
            .arg(format!("extra-filename=-{}", bcx.unit_id(unit)));
    }
    // cargo's place for it: just before `--out-dir`.
    if p.rpath {
        cmd.arg("-C").arg("rpath");
    }
    cmd.arg("--out-dir").arg(bcx.out_dir(unit));
    if let CompileKind::Target(t) = &unit.kind {
        cmd.arg("--target").arg(t);
    }
    if let Some(linker) = cfg.linker_for(&unit.kind) {
        cmd.arg("-C").arg(format!("linker={}", linker.display()));
    }
    if p.incremental {
        cmd.arg("-C").arg(format!(
            "incremental={}",
            bcx.layout(&unit.kind).incremental.display()
        ));
    }
    // `strip = false` (`none`) is rustc's default: cargo passes nothing.
    if let Some(s) = p.strip.as_ref().filter(|s| s.as_str() != "none") {
        cmd.arg("-C").arg(format!("strip={s}"));
    }
    script_attrs(gp.manifest, &mut cmd);

    dependency_args(bcx, unit, externs, &mut cmd);
    if !gp.is_local {
        cmd.arg("--cap-lints")
            .arg(if cfg.verbose >= 2 { "warn" } else { "allow" });
    }
    if bcx.units.roots.contains(unit) {
        cmd.args(&cfg.extra_args);
    }
    cmd.args(bcx.rustflags(unit));

    // Build-script effects come last, as in cargo: the `-L` paths of every
    // script it links with (its own among them), then its own `-l`.
    for path in dep_link_search {
        cmd.arg("-L").arg(path);
    }
    if let Some(fx) = own_script
        && !target.is_custom_build()
    {
        {
            // `-l` goes to the lib, or to every target of a package
            // without one (cargo's `pass_l_flag`).
            if target.is_lib() || !m.targets.iter().any(|t| t.is_lib()) {
                for lib in &fx.link_libs {
                    cmd.arg("-l").arg(lib);
                }
            }
            for (applies, a) in &fx.link_args {
                if link_arg_applies(applies, target, unit) {
                    cmd.arg("-C").arg(format!("link-arg={a}"));
                }
            }
            script_cfg_args(fx, &mut cmd);
        }
    }
    fill_env(bcx, unit, &mut cmd, own_script);
    // As cargo: rustc finds the host's dylibs (proc macros' deps) first.
    crate::testing::set_dylib_path(
        &mut cmd,
        vec![bcx.host_layout.deps.clone()],
        &bcx.config.env,
    );
    cmd
}

/// Whether a build script's `rustc-link-arg*` instruction is for this unit.
fn link_arg_applies(
    applies: &crate::build_output::LinkArgTarget,
    target: &mycargo_manifest::Target,
    unit: &Unit,
) -> bool {
    use crate::build_output::LinkArgTarget as L;
    match applies {
        L::All => true,
        L::Cdylib => {
            !unit.mode.is_any_test()
                && target.is_lib()
                && target.kind.crate_types().iter().any(|t| t == "cdylib")
        }
        L::Bin => target.is_bin(),
        L::SingleBin(name) => target.is_bin() && target.name == *name,
        L::Test => target.is_test(),
        L::Bench => target.is_bench(),
        L::Example => target.kind == mycargo_manifest::TargetKind::ExampleBin,
    }
}

fn only_rlib_types(types: &[String]) -> bool {
    types.iter().all(|t| t == "lib" || t == "rlib")
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// `cfg(feature, values(...))` of every declared feature, sorted.
pub fn feature_check_cfg(m: &mycargo_manifest::Manifest) -> String {
    let declared: Vec<String> = m
        .features
        .keys()
        .chain(implicit_features(m).iter())
        .map(|f| format!("\"{f}\""))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    format!("cfg(feature, values({}))", declared.join(", "))
}

/// Implicit features of optional dependencies (declared for check-cfg).
fn implicit_features(m: &mycargo_manifest::Manifest) -> Vec<String> {
    m.feature_map
        .keys()
        .filter(|k| !m.features.contains_key(*k))
        .cloned()
        .collect()
}

/// A single-file package (`-Zscript`) keeps its frontmatter: rustc is
/// told to accept it, as cargo tells it.
pub fn script_attrs(manifest: &mycargo_manifest::Manifest, cmd: &mut Command) {
    if mycargo_manifest::embedded::is_embedded(&manifest.manifest_path) {
        cmd.arg("-Z").arg("crate-attr=feature(frontmatter)");
        cmd.arg("-Z").arg("crate-attr=allow(unused_features)");
    }
}

/// `-L dependency=` for the unit's deps directory (and the host's, when
/// cross compiling).
pub fn dependency_search_args(bcx: &BuildContext<'_>, unit: &Unit, cmd: &mut Command) {
    if bcx.config.new_layout {
        // No shared `deps/`: each dependency's own directory, once.
        let mut dirs = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<&Unit> = vec![unit];
        while let Some(u) = stack.pop() {
            for d in bcx.units.deps.get(u).into_iter().flatten() {
                if d.unit.mode == CompileMode::RunCustomBuild || !seen.insert(&d.unit) {
                    continue;
                }
                dirs.insert(bcx.out_dir(&d.unit));
                stack.push(&d.unit);
            }
        }
        for d in dirs {
            cmd.arg("-L").arg(format!("dependency={}", d.display()));
        }
        return;
    }
    cmd.arg("-L").arg(format!(
        "dependency={}",
        bcx.layout(&unit.kind).deps.display()
    ));
    if unit.kind != CompileKind::Host && bcx.target_layout.is_some() {
        cmd.arg("-L")
            .arg(format!("dependency={}", bcx.host_layout.deps.display()));
    }
}

/// The `--cfg`/`--check-cfg` a build script asked for.
pub fn script_cfg_args(fx: &ScriptEffects, cmd: &mut Command) {
    for c in &fx.cfgs {
        cmd.arg("--cfg").arg(c);
    }
    for c in &fx.check_cfgs {
        cmd.arg("--check-cfg").arg(c);
    }
}

/// `-L dependency=` for the unit's deps directory (and the host's, when
/// cross compiling), then an `--extern` for each dependency; rustc and
/// rustdoc take the same.
pub fn dependency_args(bcx: &BuildContext<'_>, unit: &Unit, externs: &[Extern], cmd: &mut Command) {
    let target = &bcx.graph.packages[unit.pkg].manifest.targets[unit.target];
    dependency_search_args(bcx, unit, cmd);
    for e in externs {
        cmd.arg("--extern")
            .arg(format!("{}={}", e.name, e.path.display()));
    }
    if target.proc_macro {
        cmd.arg("--extern").arg("proc_macro");
    }
}

/// `rustc` with wrappers: `$RUSTC_WRAPPER [$RUSTC_WORKSPACE_WRAPPER] rustc`.
fn base_command(bcx: &BuildContext<'_>, unit: &Unit) -> Command {
    let cfg = bcx.config;
    if let Some(p) = &cfg.primary_unit_rustc
        && bcx.is_primary(unit.pkg)
    {
        // `fix`: the proxy gets the plain rustc and applies the workspace
        // wrapper itself (from the environment, as cargo's does).
        let mut cmd = Command::new(&p.program);
        cmd.arg(&cfg.rustc);
        cmd.env_clear();
        for (k, v) in &cfg.env {
            cmd.env(k, v);
        }
        for (k, v) in &p.env {
            cmd.env(k, v);
        }
        return cmd;
    }
    let mut chain: Vec<PathBuf> = Vec::new();
    if let Some(w) = &cfg.rustc_wrapper {
        chain.push(w.clone());
    }
    if bcx.graph.packages[unit.pkg].is_member
        && let Some(w) = &cfg.rustc_workspace_wrapper
    {
        chain.push(w.clone());
    }
    chain.push(cfg.rustc.clone());
    let mut cmd = Command::new(&chain[0]);
    cmd.args(&chain[1..]);
    cmd.env_clear();
    for (k, v) in &cfg.env {
        cmd.env(k, v);
    }
    cmd
}

/// The environment cargo gives rustc (and, with more, build scripts).
pub fn fill_env(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    cmd: &mut Command,
    own_script: Option<&ScriptEffects>,
) {
    for (k, v) in unit_env(bcx, unit, own_script) {
        cmd.env(k, v);
    }
}

/// The variables [`fill_env`] sets, beside the inherited environment.
pub fn unit_env(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    own_script: Option<&ScriptEffects>,
) -> BTreeMap<String, String> {
    let gp = &bcx.graph.packages[unit.pkg];
    let m = gp.manifest;
    let target = &m.targets[unit.target];
    let md = &m.metadata;
    let v = m.version();
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    env.insert("CARGO".into(), bcx.config.cargo_exe.display().to_string());
    env.insert("CARGO_MANIFEST_DIR".into(), m.root().display().to_string());
    env.insert(
        "CARGO_MANIFEST_PATH".into(),
        m.manifest_path.display().to_string(),
    );
    env.insert("CARGO_PKG_VERSION".into(), v.to_string());
    env.insert("CARGO_PKG_VERSION_MAJOR".into(), v.major.to_string());
    env.insert("CARGO_PKG_VERSION_MINOR".into(), v.minor.to_string());
    env.insert("CARGO_PKG_VERSION_PATCH".into(), v.patch.to_string());
    env.insert("CARGO_PKG_VERSION_PRE".into(), v.pre.to_string());
    env.insert("CARGO_PKG_NAME".into(), m.name().to_string());
    env.insert("CARGO_PKG_AUTHORS".into(), md.authors.join(":"));
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    env.insert("CARGO_PKG_DESCRIPTION".into(), opt(&md.description));
    env.insert("CARGO_PKG_HOMEPAGE".into(), opt(&md.homepage));
    env.insert("CARGO_PKG_REPOSITORY".into(), opt(&md.repository));
    env.insert("CARGO_PKG_LICENSE".into(), opt(&md.license));
    env.insert("CARGO_PKG_LICENSE_FILE".into(), opt(&md.license_file));
    env.insert("CARGO_PKG_README".into(), opt(&md.readme));
    env.insert(
        "CARGO_PKG_RUST_VERSION".into(),
        m.rust_version
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default(),
    );
    env.insert("CARGO_CRATE_NAME".into(), target.crate_name());
    if target.is_bin()
        || target.is_test()
        || target.is_bench()
        || matches!(target.kind, mycargo_manifest::TargetKind::ExampleBin)
    {
        env.insert(
            "CARGO_BIN_NAME".into(),
            target
                .bin_filename
                .clone()
                .unwrap_or_else(|| target.name.clone()),
        );
    }
    if bcx.is_primary(unit.pkg) {
        env.insert("CARGO_PRIMARY_PACKAGE".into(), "1".into());
    }
    if let Some(fx) = own_script {
        if let Some(out) = &fx.out_dir {
            env.insert("OUT_DIR".into(), out.display().to_string());
        }
        for (k, v) in &fx.env {
            env.insert(k.clone(), v.clone());
        }
    }
    if target.is_test() || target.is_bench() {
        let tmp = bcx.layout(&unit.kind).tmp.clone();
        let _ = std::fs::create_dir_all(&tmp);
        env.insert("CARGO_TARGET_TMPDIR".into(), tmp.display().to_string());
        // Integration tests find the package's binaries.
        env.extend(bin_exe_vars(bcx, unit));
    }
    for (k, v, force) in &bcx.config.config_env {
        let set_by_cargo = env.contains_key(k);
        let set_outside = bcx.config.env.iter().any(|(ek, _)| ek == k.as_str());
        if !set_by_cargo && (*force || !set_outside) {
            env.insert(k.clone(), v.clone());
        }
    }
    env
}
