//! `--unit-graph` (nightly): the units a command would run, as cargo's
//! JSON (format version 1), printed instead of building anything.
//!
//! Units are listed in cargo's unit order ([`crate::unit_order`]), each
//! with its dependencies by index; `test`'s doc tests, which mycargo runs
//! outside its unit graph, appear as cargo's `doctest` units.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::graph::{PackageGraph, UnitGraph};
use crate::profile::{LtoSetting, ResolvedProfile};
use crate::unit::{CompileKind, CompileMode, Unit};
use crate::unit_order::{DOCTEST_RANK, mode_rank, profile_key, unit_key};

/// One entry of the listing: a unit, or a lib's doc-test run.
struct Entry<'u> {
    unit: &'u Unit,
    /// The profile shown (a doc test's is its package's test profile,
    /// even for a proc macro, whose lib is built for the host).
    profile: Cow<'u, ResolvedProfile>,
    doctest: bool,
    /// `(dependency, --extern name)`.
    deps: Vec<(&'u Unit, &'u str)>,
}

/// Every unit reachable from `stack` not yet `seen`, as an entry.
fn walk<'u>(
    units: &'u UnitGraph,
    stack: &mut Vec<&'u Unit>,
    seen: &mut std::collections::HashSet<&'u Unit>,
    entries: &mut Vec<Entry<'u>>,
) {
    while let Some(u) = stack.pop() {
        if !seen.insert(u) {
            continue;
        }
        let deps: Vec<(&Unit, &str)> = units
            .deps
            .get(u)
            .into_iter()
            .flatten()
            .map(|d| (&d.unit, d.extern_name.as_str()))
            .collect();
        stack.extend(deps.iter().map(|(d, _)| *d));
        entries.push(Entry {
            unit: u,
            profile: shown_profile(u),
            doctest: false,
            deps,
        });
    }
}

/// The unit graph as cargo prints it (one line of JSON, no newline).
pub fn render(graph: &PackageGraph<'_>, units: &UnitGraph) -> String {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<&Unit> = units.roots.iter().collect();
    walk(units, &mut stack, &mut seen, &mut entries);
    for dt in &units.doctests {
        let deps: Vec<(&Unit, &str)> = dt
            .deps
            .iter()
            .map(|d| (&d.unit, d.extern_name.as_str()))
            .collect();
        stack.extend(deps.iter().map(|(d, _)| *d));
        let tested = units
            .roots
            .iter()
            .find(|r| r.pkg == dt.lib.pkg && r.target == dt.lib.target && r.mode.is_any_test());
        entries.push(Entry {
            unit: &dt.lib,
            profile: Cow::Borrowed(tested.map_or(&dt.lib.profile, |t| &t.profile)),
            doctest: true,
            deps,
        });
    }
    // Units only a doc test needs.
    walk(units, &mut stack, &mut seen, &mut entries);
    entries.sort_by_cached_key(|e| {
        let rank = if e.doctest {
            DOCTEST_RANK
        } else {
            mode_rank(e.unit.mode)
        };
        let mut key = unit_key(graph, e.unit, rank);
        key.2 = if e.unit.mode == CompileMode::RunCustomBuild {
            profile_key(&run_profile(&e.profile))
        } else {
            profile_key(&e.profile)
        };
        key
    });
    let index: HashMap<&Unit, usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.doctest)
        .map(|(i, e)| (e.unit, i))
        .collect();
    let mut roots: Vec<usize> = units
        .roots
        .iter()
        .filter_map(|u| index.get(u).copied())
        .collect();
    roots.extend(
        entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.doctest)
            .map(|(i, _)| i),
    );
    roots.sort_unstable();
    let units: Vec<UnitJson<'_>> = entries
        .iter()
        .map(|e| unit_json(graph, e, &index))
        .collect();
    serde_json::to_string(&GraphJson {
        version: 1,
        units,
        roots,
    })
    .unwrap_or_default()
}

/// cargo's `SerializedUnitGraph`, fields in its order.
#[derive(Serialize)]
struct GraphJson<'a> {
    version: u32,
    units: Vec<UnitJson<'a>>,
    roots: Vec<usize>,
}

#[derive(Serialize)]
struct UnitJson<'a> {
    pkg_id: String,
    target: crate::messages::TargetJson<'a>,
    profile: ProfileJson,
    platform: Option<&'a str>,
    mode: &'static str,
    features: &'a std::collections::BTreeSet<String>,
    dependencies: Vec<DepJson>,
}

#[derive(Serialize)]
struct DepJson {
    index: usize,
    extern_crate_name: String,
    public: bool,
    noprelude: bool,
}

#[derive(Serialize)]
struct ProfileJson {
    name: String,
    opt_level: String,
    lto: String,
    codegen_backend: Option<String>,
    codegen_units: Option<u32>,
    debuginfo: Value,
    split_debuginfo: Option<String>,
    debug_assertions: bool,
    overflow_checks: bool,
    rpath: bool,
    incremental: bool,
    panic: &'static str,
    strip: Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rustflags: Vec<String>,
}

fn unit_json<'a>(
    graph: &'a PackageGraph<'_>,
    e: &Entry<'a>,
    index: &HashMap<&Unit, usize>,
) -> UnitJson<'a> {
    let u = e.unit;
    let m = graph.packages[u.pkg].manifest;
    // Edges to build-script units carry the script's crate name in cargo
    // (mycargo keeps a dependency's name there, or none).
    let mut deps: Vec<(usize, std::borrow::Cow<'_, str>)> = e
        .deps
        .iter()
        .filter_map(|(d, name)| {
            let i = *index.get(d)?;
            let dt = &graph.packages[d.pkg].manifest.targets[d.target];
            let name = if d.mode == CompileMode::RunCustomBuild || name.is_empty() {
                dt.crate_name().into()
            } else {
                (*name).into()
            };
            Some((i, name))
        })
        .collect();
    deps.sort_unstable();
    deps.dedup();
    let mode = if e.doctest {
        "doctest"
    } else {
        match u.mode {
            CompileMode::Test | CompileMode::Bench => "test",
            CompileMode::Build => "build",
            CompileMode::Check | CompileMode::CheckTest => "check",
            CompileMode::Doc => "doc",
            CompileMode::RunCustomBuild => "run-custom-build",
        }
    };
    UnitJson {
        pkg_id: m.package_id.to_spec_string(),
        target: crate::messages::target_json(&m.targets[u.target], true),
        profile: if u.mode == CompileMode::RunCustomBuild {
            profile_json(&run_profile(&e.profile))
        } else {
            profile_json(&e.profile)
        },
        platform: match &u.kind {
            CompileKind::Host => None,
            CompileKind::Target(t) => Some(t),
        },
        mode,
        features: &u.features,
        dependencies: deps
            .into_iter()
            .map(|(index, name)| DepJson {
                index,
                extern_crate_name: name.into_owned(),
                public: false,
                noprelude: false,
            })
            .collect(),
    }
}

/// A unit's profile as cargo has it: the docs of what runs in the
/// compiler (proc macros, build dependencies) unwind, where mycargo keeps
/// one doc unit whatever the panic strategy.
fn shown_profile(u: &Unit) -> Cow<'_, ResolvedProfile> {
    if u.mode == CompileMode::Doc && u.for_host && u.profile.panic != "unwind" {
        let mut p = u.profile.clone();
        p.panic = "unwind";
        Cow::Owned(p)
    } else {
        Cow::Borrowed(&u.profile)
    }
}

/// What cargo keeps of the profile of a build-script run (it only sets
/// the script's environment): the name, optimisation, debuginfo and
/// debug assertions; the rest at their defaults.
pub fn run_profile(p: &ResolvedProfile) -> ResolvedProfile {
    ResolvedProfile {
        name: p.name.clone(),
        opt_level: p.opt_level.clone(),
        lto: LtoSetting::Default,
        codegen_units: None,
        debuginfo: p.debuginfo.clone(),
        debug_assertions: p.debug_assertions,
        overflow_checks: false,
        rpath: false,
        incremental: false,
        panic: "unwind",
        // Stripping debuginfo is cargo's default when there is none.
        strip: p
            .strip
            .as_deref()
            .filter(|s| *s == "debuginfo" && p.debuginfo.is_none())
            .map(str::to_string),
        split_debuginfo: None,
        rustflags: Vec::new(),
    }
}

/// A profile as cargo serializes its own: `lto` as a string, debuginfo
/// levels as numbers or names, `strip` deferred when no profile set it.
fn profile_json(p: &ResolvedProfile) -> ProfileJson {
    let lto = match &p.lto {
        LtoSetting::Default => "false".to_string(),
        LtoSetting::Off => "off".into(),
        LtoSetting::Fat => "true".into(),
        LtoSetting::Thin => "thin".into(),
        LtoSetting::Named(n) => n.clone(),
    };
    let debuginfo = match p.debuginfo.as_deref() {
        None | Some("0") => json!(0),
        Some(level) => match level.parse::<u32>() {
            Ok(n) => json!(n),
            Err(_) => json!(level),
        },
    };
    let strip = match p.strip.as_deref() {
        None => json!({ "deferred": "None" }),
        Some("none") => json!({ "resolved": "None" }),
        Some(n) => json!({ "resolved": { "Named": n } }),
    };
    ProfileJson {
        name: p.name.clone(),
        opt_level: p.opt_level.clone(),
        lto,
        codegen_backend: None,
        codegen_units: p.codegen_units,
        debuginfo,
        split_debuginfo: p.split_debuginfo.clone(),
        debug_assertions: p.debug_assertions,
        overflow_checks: p.overflow_checks,
        rpath: p.rpath,
        incremental: p.incremental,
        panic: p.panic,
        strip,
        rustflags: p.rustflags.clone(),
    }
}
