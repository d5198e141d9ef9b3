//! Is a unit fresh? Each unit keeps, in `.fingerprint/<pkg>-<id>/`:
//!
//! - `<kind>-<target>`: hashes of what goes into the command besides
//!   files (unit id, target settings, profile and lints, declared features,
//!   flags, the build script's effects), one a line, each with a reason;
//! - `dep-<kind>-<target>`: the unit's inputs from rustc's dep-info, with
//!   the env vars it read (compile units);
//! - for build script runs, the `rerun-if-*` rules are read back from the
//!   script's stored output.
//!
//! A no-op build only stats files: it hashes no sources. The fingerprint is
//! removed before a unit runs and written after it succeeds, so a failed or
//! interrupted build never leaves a unit that looks fresh.

use std::path::PathBuf;

use anyhow::Context as _;
use filetime::FileTime;

use crate::build_context::BuildContext;
use crate::dep_info::{self, EncodedDepInfo, StaleChecker, TranslateOptions};
use crate::dirty_reason::{Cause, DirtyReason};
use crate::hash::StableHasher;
use crate::unit::{CompileMode, Unit};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    /// Stale, with cargo's reason; none when the unit has no (readable)
    /// fingerprint: it was never built here.
    Dirty(Option<DirtyReason>),
}

fn kind_name(bcx: &BuildContext<'_>, unit: &Unit) -> String {
    let t = &bcx.graph.packages[unit.pkg].manifest.targets[unit.target];
    // cargo's file names: `<flavor><kind>-<name>` (`lib-foo`,
    // `test-integration-test-foo`, `run-build-script-build-script-build`),
    // so the fingerprint directories read as cargo's.
    let flavor = match unit.mode {
        CompileMode::RunCustomBuild => "run-",
        CompileMode::Doc => "doc-",
        m if m.is_any_test() => "test-",
        _ => "",
    };
    let kind = t.kind_description();
    format!("{flavor}{kind}-{}", t.name)
}

fn dir(bcx: &BuildContext<'_>, unit: &Unit) -> PathBuf {
    if bcx.config.new_layout {
        return bcx.unit_dir(unit).join("fingerprint");
    }
    let name = bcx.graph.packages[unit.pkg].manifest.name();
    bcx.layout(&unit.kind)
        .fingerprint
        .join(format!("{name}-{}", bcx.unit_id(unit)))
}

fn hash_file(bcx: &BuildContext<'_>, unit: &Unit) -> PathBuf {
    dir(bcx, unit).join(kind_name(bcx, unit))
}

fn dep_info_file(bcx: &BuildContext<'_>, unit: &Unit) -> PathBuf {
    dir(bcx, unit).join(format!("dep-{}", kind_name(bcx, unit)))
}

/// Which part of a fingerprint a line is (for the cause of a change).
#[derive(Debug, Clone, PartialEq, Eq)]
enum PartKind {
    Rustc,
    DeclaredFeatures,
    Target,
    Profile,
    Rustflags,
    Config,
    Precalculated,
    ScriptOutput,
    /// A `rerun-if-env-changed` variable; the value is JSON.
    EnvVar(String),
}

/// One line of a fingerprint: a hash, or for the parts a change report
/// shows (declared features, rustflags, a watched variable), the value
/// itself on one line.
struct Part {
    reason: String,
    kind: PartKind,
    value: String,
}

fn hashed(f: &dyn Fn(&mut StableHasher)) -> String {
    let mut h = StableHasher::new();
    f(&mut h);
    h.hex()
}

/// What the unit's command depends on besides file contents, as named
/// parts: each a reason (cargo's wording, for `-v`) and a value, in
/// cargo's order of comparison (the first change is the one named).
/// `script_output` is a build-script run's stored output, read once by
/// the caller.
fn components(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    script_effects: &[String],
    script_output: Option<&crate::build_output::BuildOutput>,
) -> Vec<Part> {
    let m = bcx.graph.packages[unit.pkg].manifest;
    let target = &m.targets[unit.target];
    let mut out = Vec::new();
    let mut part = |reason: &str, kind: PartKind, value: String| {
        out.push(Part {
            reason: reason.to_string(),
            kind,
            value,
        });
    };
    part(
        "the toolchain changed",
        PartKind::Rustc,
        hashed(&|h| {
            h.str(bcx.unit_id(unit)).str(bcx.c_metadata(unit));
        }),
    );
    let declared: Vec<&String> = m.feature_map.keys().collect();
    part(
        "the list of declared features changed",
        PartKind::DeclaredFeatures,
        format!("{declared:?}"),
    );
    part(
        "the target configuration changed",
        PartKind::Target,
        hashed(&|h| {
            // Its source relative to the package: a moved project stays fresh.
            let mut t = target.clone();
            if let Ok(rel) = t.src_path.strip_prefix(m.root()) {
                t.src_path = rel.to_path_buf();
            }
            h.str(&format!("{t:?}"));
        }),
    );
    part(
        "the profile configuration changed",
        PartKind::Profile,
        hashed(&|h| {
            h.str(&unit.profile.comparable())
                .str(&format!("{:?}", m.lints));
        }),
    );
    part(
        "the rustflags changed",
        PartKind::Rustflags,
        serde_json::to_string(bcx.rustflags(unit)).unwrap_or_default(),
    );
    // cargo's `config` part: the linker this unit links with.
    part(
        "the config settings changed",
        PartKind::Config,
        hashed(&|h| {
            if let Some(l) = bcx.config.linker_for(&unit.kind) {
                h.str(&l.to_string_lossy());
            }
        }),
    );
    // A git or registry package is as fixed as its revision, which names
    // the directory it is checked out in (cargo's precalculated part).
    if !m.package_id.source_id().is_path() {
        part(
            "the precalculated components changed",
            PartKind::Precalculated,
            hashed(&|h| {
                h.str(&m.root().to_string_lossy());
            }),
        );
    }
    if unit.mode == CompileMode::RunCustomBuild
        && let Some(output) = bcx.config.links_override(bcx.graph, unit)
    {
        part(
            "the precalculated components changed",
            PartKind::Precalculated,
            hashed(&|h| {
                h.str(&String::from_utf8_lossy(output));
            }),
        );
    } else if unit.mode == CompileMode::RunCustomBuild
        && bcx.graph.packages[unit.pkg].is_local
        && script_output
            .is_some_and(|o| o.rerun_if_changed.is_empty() && o.rerun_if_env_changed.is_empty())
    {
        // A script that names nothing reruns when any file of its package
        // changes: the newest one, as cargo records it.
        let newest = newest_file(bcx, unit.pkg);
        part(
            "the precalculated components changed",
            PartKind::Precalculated,
            hashed(&|h| {
                h.str(&newest);
            }),
        );
    }
    part(
        "the build script's output changed",
        PartKind::ScriptOutput,
        hashed(&|h| {
            for e in script_effects {
                h.str(e);
            }
        }),
    );
    // The variables a build script asked to be rerun on.
    for var in script_output.iter().flat_map(|o| &o.rerun_if_env_changed) {
        part(
            &format!("the env variable {var} changed"),
            PartKind::EnvVar(var.clone()),
            serde_json::to_string(&env_value(bcx, var)).unwrap_or_default(),
        );
    }
    out
}

fn encode_components(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str(&p.value);
        s.push('\n');
    }
    s
}

/// The first part that differs from the stored fingerprint.
fn changed_part(stored: &str, parts: &[Part]) -> Option<DirtyReason> {
    let old: Vec<&str> = stored.lines().collect();
    if old.len() != parts.len() {
        return Some(DirtyReason::new(
            "the fingerprint changed",
            Cause::LocalLengthsChanged,
        ));
    }
    let (p, old) = parts.iter().zip(old).find(|(p, old)| p.value != *old)?;
    let (old_s, new_s) = (old.to_string(), p.value.clone());
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
    let value = |s: &str| serde_json::from_str::<Option<String>>(s).ok().flatten();
    let cause = match &p.kind {
        PartKind::Rustc => Cause::RustcChanged,
        PartKind::DeclaredFeatures => Cause::DeclaredFeaturesChanged {
            old: old_s,
            new: new_s,
        },
        PartKind::Target => Cause::TargetConfigurationChanged,
        PartKind::Profile => Cause::ProfileConfigurationChanged,
        PartKind::Rustflags => Cause::RustflagsChanged {
            old: list(&old_s),
            new: list(&new_s),
        },
        PartKind::Config => Cause::ConfigSettingsChanged,
        PartKind::Precalculated => Cause::PrecalculatedComponentsChanged {
            old: old_s,
            new: new_s,
        },
        PartKind::ScriptOutput => Cause::NothingObvious,
        PartKind::EnvVar(name) => Cause::EnvVarChanged {
            name: name.clone(),
            old_value: value(&old_s),
            new_value: value(&new_s),
        },
    };
    Some(DirtyReason::new(p.reason.clone(), cause))
}

/// The value a build script sees for `var`: `[env]` in configuration
/// (when forced, or when the environment lacks it), else the environment.
fn env_value(bcx: &BuildContext<'_>, var: &str) -> Option<String> {
    let configured = bcx.config.config_env.iter().find(|(k, _, _)| k == var);
    if let Some((_, v, true)) = configured {
        return Some(v.clone());
    }
    bcx.config
        .env
        .iter()
        .find(|(k, _)| k == var)
        .and_then(|(_, v)| v.to_str().map(str::to_string))
        .or_else(|| configured.map(|(_, v, _)| v.clone()))
}

fn stored_output(bcx: &BuildContext<'_>, unit: &Unit) -> Option<crate::build_output::BuildOutput> {
    let bytes = std::fs::read(bcx.script_output_file(unit)).ok()?;
    crate::custom_build::parse_stored(bcx, unit, &bytes, &bcx.script_out_dir(unit)).ok()
}

/// What freshness checks read: everything but `$CARGO_HOME`'s registry
/// and git sources (never edited in place, as cargo assumes).
fn stale_checker(bcx: &BuildContext<'_>) -> StaleChecker {
    let home = &bcx.config.cargo_home;
    StaleChecker::new().skip_dirs([home.join("registry"), home.join("git")])
}

/// cargo's `PathSource::fingerprint`: `SECS.NANOSs (PATH)` of the package
/// file modified last.
fn newest_file(bcx: &BuildContext<'_>, pkg: usize) -> String {
    let m = bcx.graph.packages[pkg].manifest;
    let files = match bcx.graph.list_files {
        Some(list) => list(m),
        None => package_files(m.root(), &bcx.config.target_dir),
    };
    let mut newest = (FileTime::zero(), PathBuf::new());
    for f in files {
        let t = dep_info::mtime(&f).unwrap_or_else(|_| FileTime::zero());
        if t > newest.0 {
            newest = (t, f);
        }
    }
    // Relative to the package: a moved project stays fresh.
    let rel = newest.1.strip_prefix(m.root()).unwrap_or(&newest.1);
    format!(
        "{}.{:09}s ({})",
        newest.0.unix_seconds(),
        newest.0.nanoseconds(),
        rel.display()
    )
}

/// cargo's `hash_u64(name)` (its stable SipHasher-128 of a `str`): the
/// order cargo compares a unit's dependencies in.
fn cargo_name_hash(name: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_stable_hash::StableSipHasher128::new();
    h.write(name.as_bytes());
    h.write_u8(0xff);
    Hasher::finish(&h)
}

/// Decide whether `unit` must run. `rebuilt` says which of its
/// dependencies ran in this build.
pub fn check(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    script_effects: &[String],
    rebuilt: &dyn Fn(&Unit) -> bool,
) -> Freshness {
    let hash_path = hash_file(bcx, unit);
    let Ok(stored) = std::fs::read_to_string(&hash_path) else {
        return Freshness::Dirty(None);
    };
    let Ok(reference) = dep_info::mtime(&hash_path) else {
        return Freshness::Dirty(None);
    };
    // Touched after its time is read: that time is what inputs compare to.
    if bcx.config.mtime_on_use {
        let _ = filetime::set_file_mtime(&hash_path, filetime::FileTime::now());
    }
    let script_output = match unit.mode {
        CompileMode::RunCustomBuild => stored_output(bcx, unit),
        _ => None,
    };
    let parts = components(bcx, unit, script_effects, script_output.as_ref());
    if let Some(reason) = changed_part(&stored, &parts) {
        return Freshness::Dirty(Some(reason));
    }
    // Every output must exist and be no older than the fingerprint's inputs.
    if unit.mode == CompileMode::Doc {
        let index = crate::rustdoc_cmd::doc_index(bcx, unit);
        if !index.exists() {
            return Freshness::Dirty(Some(DirtyReason::new(
                format!("the file `{}` is missing", index.display()),
                Cause::MissingOutput(index),
            )));
        }
    }
    for o in bcx.outputs(unit) {
        if !o.path.exists() {
            return Freshness::Dirty(Some(DirtyReason::new(
                format!("the file `{}` is missing", o.path.display()),
                Cause::MissingOutput(o.path),
            )));
        }
    }
    // What we read of each dependency must be older than our build: its
    // `.rmeta` when that is all we used (a pipelined lib finishes its
    // rlib after its dependents started), else every output.
    if let Some(deps) = bcx.units.deps.get(unit) {
        // In cargo's order: by its stable hash of the package name.
        let mut deps: Vec<&crate::graph::UnitDep> = deps.iter().collect();
        deps.sort_by_cached_key(|d| {
            cargo_name_hash(bcx.graph.packages[d.unit.pkg].manifest.name())
        });
        for d in deps {
            if bcx.graph.packages[d.unit.pkg].manifest.targets[d.unit.target].is_bin() {
                continue;
            }
            let name = bcx.graph.packages[d.unit.pkg].manifest.name();
            if rebuilt(&d.unit) {
                return Freshness::Dirty(Some(DirtyReason::new(
                    format!("the dependency `{name}` was rebuilt"),
                    Cause::DependencyRebuilt(d.unit.clone()),
                )));
            }
            // A build script's run is read through its stored output.
            let read: Vec<std::path::PathBuf> = if d.unit.mode == CompileMode::RunCustomBuild {
                vec![bcx.script_output_file(&d.unit)]
            } else if crate::job_queue::uses_only_metadata(bcx, unit, &d.unit) {
                bcx.extern_file(&d.unit, true).into_iter().collect()
            } else {
                bcx.outputs(&d.unit).into_iter().map(|o| o.path).collect()
            };
            for path in read {
                if let Ok(t) = dep_info::mtime(&path)
                    && t > reference
                {
                    return Freshness::Dirty(Some(DirtyReason::new(
                        format!(
                            "the dependency `{name}` was rebuilt ({})",
                            dep_info::after(reference, t, "last build")
                        ),
                        Cause::StaleDependency {
                            dep: d.unit.clone(),
                            dep_mtime: t,
                            max_mtime: reference,
                        },
                    )));
                }
            }
        }
    }
    let pkg_root = bcx.package_root(unit.pkg).to_path_buf();
    let mut checker = stale_checker(bcx);
    // An overridden script is as fresh as its configured output.
    if unit.mode == CompileMode::RunCustomBuild
        && bcx.config.links_override(bcx.graph, unit).is_some()
    {
        return Freshness::Fresh;
    }
    if unit.mode == CompileMode::RunCustomBuild {
        let Some(out) = script_output else {
            return Freshness::Dirty(None);
        };
        let output_file = bcx.script_output_file(unit);
        let Ok(ran_at) = dep_info::mtime(&output_file) else {
            return Freshness::Dirty(None);
        };
        let stale = if out.rerun_if_changed.is_empty() && out.rerun_if_env_changed.is_empty() {
            // No rules: the package's newest file is in the components.
            None
        } else {
            checker.first_stale(&output_file, ran_at, out.rerun_if_changed_paths(&pkg_root))
        };
        return match stale {
            Some(item) => Freshness::Dirty(Some(DirtyReason::stale(item, &bcx.config.ws_root))),
            None => Freshness::Fresh,
        };
    }
    if unit.mode == CompileMode::Doc {
        // rustdoc leaves no dep-info: a path package is stale when any of
        // its files is newer than the docs (cargo's precalculated mtime).
        if !bcx.graph.packages[unit.pkg].is_local {
            return Freshness::Fresh;
        }
        let files = package_files(&pkg_root, &bcx.config.target_dir);
        return match checker.first_stale(&hash_path, reference, files) {
            Some(item) => Freshness::Dirty(Some(DirtyReason::stale(item, &bcx.config.ws_root))),
            None => Freshness::Fresh,
        };
    }
    let target_root = bcx.layout(&unit.kind).root.clone();
    // Env-deps compare with what the unit would be given now: cargo's own
    // variables (manifest metadata, `[env]`) first, then the environment.
    let mut own_env = None;
    let stale = checker.check_dep_info(&dep_info_file(bcx, unit), &pkg_root, &target_root, |var| {
        own_env
            .get_or_insert_with(|| crate::rustc_cmd::unit_env(bcx, unit, None))
            .get(var)
            .cloned()
            .or_else(|| env_value(bcx, var))
    });
    match stale {
        Some(item) => Freshness::Dirty(Some(DirtyReason::stale(item, &bcx.config.ws_root))),
        None => Freshness::Fresh,
    }
}

/// The files of a path package, as cargo lists them for a doc unit: all
/// under its root except the target dir, `.git` and nested packages.
fn package_files(root: &std::path::Path, target_dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                let skip = p == target_dir
                    || p.ends_with(".git")
                    || (dir == root && p.ends_with("target"))
                    || p.join("Cargo.toml").exists();
                if !skip {
                    stack.push(p);
                }
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Forget a unit's fingerprint (and its kept diagnostics) before it runs.
pub fn clear(bcx: &BuildContext<'_>, unit: &Unit) {
    let _ = std::fs::remove_file(hash_file(bcx, unit));
    let _ = std::fs::remove_file(output_file(bcx, unit));
}

/// `output-<kind>-<target>`: rustc's diagnostics of the last build, as JSON
/// lines, shown again when the unit is fresh.
fn output_file(bcx: &BuildContext<'_>, unit: &Unit) -> PathBuf {
    dir(bcx, unit).join(format!("output-{}", kind_name(bcx, unit)))
}

/// Keep a finished unit's diagnostics (none: no file).
pub fn store_diagnostics(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    lines: &[String],
) -> anyhow::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let d = dir(bcx, unit);
    std::fs::create_dir_all(&d)
        .with_context(|| format!("failed to create directory `{}`", d.display()))?;
    let mut text = lines.join("\n");
    text.push('\n');
    mycargo_util::fs::write_atomic_nosync(&output_file(bcx, unit), text)
}

/// The diagnostics kept by [`store_diagnostics`] (none when there are none).
pub fn stored_diagnostics(bcx: &BuildContext<'_>, unit: &Unit) -> Vec<String> {
    std::fs::read_to_string(output_file(bcx, unit))
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Store a finished unit's fingerprint and dep-info. `script_env`: the
/// variables the package's build script set for rustc. `started`: when
/// the compiler started; the dep-info file takes that time, as cargo's
/// does, so a source saved while rustc ran (or in the same clock tick as
/// the file was written) counts as newer next time.
pub fn record(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    script_effects: &[String],
    script_env: &[String],
    started: Option<std::time::SystemTime>,
) -> anyhow::Result<()> {
    let d = dir(bcx, unit);
    std::fs::create_dir_all(&d)
        .with_context(|| format!("failed to create directory `{}`", d.display()))?;
    let rustc_d = bcx.rustc_dep_info(unit);
    // A compiler that wrote no dep-info (a stand-in for rustc) leaves the
    // unit without one, as cargo does; it is then stale next time.
    if !matches!(unit.mode, CompileMode::RunCustomBuild | CompileMode::Doc) && rustc_d.exists() {
        let info = dep_info::read_rustc_dep_info(&rustc_d)
            .with_context(|| format!("failed to read dep-info `{}`", rustc_d.display()))?;
        let (_, cwd) = bcx.path_args(unit);
        let pkg_root = bcx.package_root(unit.pkg).to_path_buf();
        let target_root = bcx.layout(&unit.kind).root.clone();
        let opts = TranslateOptions {
            rustc_cwd: &cwd,
            pkg_root: &pkg_root,
            target_root: &target_root,
            track_package_files: bcx.graph.packages[unit.pkg].is_local,
        };
        let config_env: Vec<&str> = bcx
            .config
            .config_env
            .iter()
            .map(|(k, _, _)| k.as_str())
            .collect();
        let encoded: EncodedDepInfo = dep_info::translate(info, &opts, |k| {
            // Variables mycargo or the build script set are tracked by the
            // unit's own fingerprint, not as env-deps.
            let set_by_us =
                k.starts_with("CARGO_") || k == "OUT_DIR" || script_env.iter().any(|e| e == k);
            dep_info::keep_env_dep(k, set_by_us, config_env.contains(&k))
        });
        let path = dep_info_file(bcx, unit);
        encoded.write(&path)?;
        if let Some(t) = started {
            filetime::set_file_mtime(&path, FileTime::from_system_time(t))
                .with_context(|| format!("failed to set the mtime of `{}`", path.display()))?;
        }
    }
    let parts = components(
        bcx,
        unit,
        script_effects,
        (unit.mode == CompileMode::RunCustomBuild)
            .then(|| stored_output(bcx, unit))
            .flatten()
            .as_ref(),
    );
    mycargo_util::fs::write_atomic_nosync(&hash_file(bcx, unit), encode_components(&parts))?;
    // Beside it, as cargo keeps them: what the fingerprint is made of (for
    // people asking why a unit rebuilt) and, for a compiled unit, when its
    // compiler started.
    let explained: Vec<serde_json::Value> = parts
        .iter()
        .map(|p| serde_json::json!({ "input": p.reason, "hash": p.value }))
        .collect();
    let json = serde_json::json!({ "mycargo": 1, "components": explained });
    let mut json_path = hash_file(bcx, unit).into_os_string();
    json_path.push(".json");
    mycargo_util::fs::write_atomic_nosync(std::path::Path::new(&json_path), json.to_string())?;
    if unit.mode != CompileMode::RunCustomBuild {
        let stamp = d.join("invoked.timestamp");
        mycargo_util::fs::write_atomic_nosync(&stamp, "")?;
        if let Some(t) = started {
            filetime::set_file_mtime(&stamp, FileTime::from_system_time(t))
                .with_context(|| format!("failed to set the mtime of `{}`", stamp.display()))?;
        }
    }
    Ok(())
}

/// The absolute paths a unit's last build read: rustc's dep-info for a
/// compile unit, the `rerun-if-changed` paths for a build script run.
pub fn recorded_inputs(bcx: &BuildContext<'_>, unit: &Unit) -> Vec<PathBuf> {
    let pkg_root = bcx.package_root(unit.pkg).to_path_buf();
    match unit.mode {
        CompileMode::Doc => Vec::new(),
        CompileMode::RunCustomBuild => stored_output(bcx, unit)
            .map(|o| o.rerun_if_changed_paths(&pkg_root))
            .unwrap_or_default(),
        _ => match EncodedDepInfo::read(&dep_info_file(bcx, unit)) {
            Ok(Some(info)) => {
                let target_root = bcx.layout(&unit.kind).root.clone();
                info.resolve(&pkg_root, &target_root).files
            }
            _ => Vec::new(),
        },
    }
}

/// What a unit's freshness rests on, for a cache that answers "nothing
/// changed" without the unit graph: the unit's own files (fingerprint,
/// dep-info, kept diagnostics, outputs), and its inputs, which must not be
/// newer than `reference` (the file [`check`] compares them with).
#[derive(Debug, Default)]
pub struct Watched {
    pub files: Vec<PathBuf>,
    pub reference: Option<PathBuf>,
    pub inputs: Vec<PathBuf>,
}

/// The files [`check`] looks at for `unit` (directories among the inputs
/// are listed as they are; the caller walks them).
pub fn watched(bcx: &BuildContext<'_>, unit: &Unit) -> Watched {
    let hash_path = hash_file(bcx, unit);
    let mut files = vec![hash_path.clone(), output_file(bcx, unit)];
    // Uplifted copies (and their `.d` files) are made again when missing,
    // even for a fresh unit.
    let uplifts_d = !unit.mode.is_check()
        && !matches!(unit.mode, CompileMode::Doc | CompileMode::RunCustomBuild);
    for o in bcx.outputs(unit) {
        if let Some(up) = o.uplift {
            if uplifts_d {
                files.push(up.with_extension("d"));
            }
            files.push(up);
        }
        files.push(o.path);
    }
    let pkg_root = bcx.package_root(unit.pkg).to_path_buf();
    let (reference, inputs) = match unit.mode {
        CompileMode::RunCustomBuild => {
            let output = bcx.script_output_file(unit);
            files.push(output.clone());
            let inputs = match stored_output(bcx, unit) {
                Some(o) if o.rerun_if_changed.is_empty() && o.rerun_if_env_changed.is_empty() => {
                    let target_dir = &bcx.config.target_dir;
                    std::fs::read_dir(&pkg_root)
                        .map(|rd| {
                            rd.flatten()
                                .map(|e| e.path())
                                .filter(|p| {
                                    p != target_dir
                                        && !p.ends_with("target")
                                        && !p.ends_with(".git")
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                }
                Some(o) => o.rerun_if_changed_paths(&pkg_root),
                None => Vec::new(),
            };
            (Some(output), inputs)
        }
        CompileMode::Doc => {
            files.push(crate::rustdoc_cmd::doc_index(bcx, unit));
            let inputs = match bcx.graph.packages[unit.pkg].is_local {
                true => package_files(&pkg_root, &bcx.config.target_dir),
                false => Vec::new(),
            };
            (Some(hash_path), inputs)
        }
        _ => {
            let dep_info = dep_info_file(bcx, unit);
            files.push(dep_info.clone());
            (Some(dep_info), recorded_inputs(bcx, unit))
        }
    };
    Watched {
        files,
        reference,
        inputs,
    }
}
