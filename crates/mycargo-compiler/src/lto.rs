//! What each unit must produce for link-time optimisation, decided over
//! the whole unit graph as cargo decides it: a binary that runs LTO needs
//! only bitcode from the rlibs it links (`-C linker-plugin-lto`), host code
//! (build scripts, proc macros) never takes part (`-C embed-bitcode=no`),
//! and a unit reached both ways keeps object code and bitcode.

use std::collections::HashMap;

use crate::graph::{PackageGraph, UnitGraph};
use crate::profile::LtoSetting;
use crate::unit::{CompileMode, Unit};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lto {
    /// Run LTO here (`-C lto`, or `-C lto=<name>`).
    Run(Option<String>),
    /// `-C lto=off -C embed-bitcode=no`.
    Off,
    /// rustc's default: object code and bitcode.
    ObjectAndBitcode,
    /// `-C linker-plugin-lto`.
    OnlyBitcode,
    /// `-C embed-bitcode=no`.
    OnlyObject,
}

impl Lto {
    /// The rustc arguments for this setting.
    pub fn args(&self) -> Vec<String> {
        let c = |v: &str| vec!["-C".to_string(), v.to_string()];
        match self {
            Lto::Run(None) => c("lto"),
            Lto::Run(Some(n)) => c(&format!("lto={n}")),
            Lto::Off => [c("lto=off"), c("embed-bitcode=no")].concat(),
            Lto::ObjectAndBitcode => Vec::new(),
            Lto::OnlyBitcode => c("linker-plugin-lto"),
            Lto::OnlyObject => c("embed-bitcode=no"),
        }
    }
}

fn can_lto(crate_type: &str) -> bool {
    matches!(crate_type, "bin" | "staticlib" | "cdylib")
}

fn needs_object(types: &[String]) -> bool {
    types.iter().any(|t| can_lto(t) || t == "dylib")
}

/// A unit that needs object code under LTO: a dylib alone cannot take
/// part (rustc has no LTO for dylibs); mixed with an rlib it needs both
/// (bitcode for the rlib, object code for the dynamic library).
fn when_needs_object(types: &[String]) -> Lto {
    if types.iter().all(|t| t == "dylib") {
        Lto::OnlyObject
    } else {
        Lto::ObjectAndBitcode
    }
}

/// The crate types a unit compiles as (tests and benches are binaries).
fn crate_types(graph: &PackageGraph<'_>, unit: &Unit) -> (Vec<String>, bool) {
    let target = &graph.packages[unit.pkg].manifest.targets[unit.target];
    let for_host = target.is_custom_build() || target.proc_macro;
    let types = match unit.mode {
        CompileMode::Test | CompileMode::Bench => vec!["bin".to_string()],
        _ => target.kind.crate_types(),
    };
    (types, for_host)
}

/// Every unit's setting. Iterative over the graph; a unit is walked again
/// only when what its dependents ask of it changes.
pub fn generate(graph: &PackageGraph<'_>, units: &UnitGraph) -> HashMap<Unit, Lto> {
    let mut map: HashMap<Unit, Lto> = HashMap::new();
    let mut stack: Vec<(Unit, Lto)> = Vec::new();
    for root in units.roots.iter().rev() {
        let (types, for_host) = crate_types(graph, root);
        let root_lto = match &root.profile.lto {
            LtoSetting::Default => Lto::OnlyObject,
            LtoSetting::Off => Lto::Off,
            _ if for_host => Lto::OnlyObject,
            _ if needs_object(&types) => when_needs_object(&types),
            _ => Lto::OnlyBitcode,
        };
        stack.push((root.clone(), root_lto));
        drain(graph, units, &mut map, &mut stack);
    }
    // A doc test is a root too: a binary linking its lib and dependencies
    // (without this they would get another hash than `build` gives them).
    for dt in &units.doctests {
        let parent = match &dt.lib.profile.lto {
            LtoSetting::Default => Lto::OnlyObject,
            LtoSetting::Off => Lto::Off,
            LtoSetting::Fat => Lto::Run(None),
            LtoSetting::Thin => Lto::Run(Some("thin".into())),
            LtoSetting::Named(n) => Lto::Run(Some(n.clone())),
        };
        for d in dt.deps.iter().rev() {
            stack.push((d.unit.clone(), parent.clone()));
        }
        drain(graph, units, &mut map, &mut stack);
    }
    map
}

/// Settle the units on `stack` and, through them, their dependencies.
fn drain(
    graph: &PackageGraph<'_>,
    units: &UnitGraph,
    map: &mut HashMap<Unit, Lto>,
    stack: &mut Vec<(Unit, Lto)>,
) {
    while let Some((unit, parent)) = stack.pop() {
        let lto = unit_lto(graph, &unit, parent);
        let merged = match map.get(&unit) {
            None => lto,
            Some(old) => {
                let m = merge(&lto, old);
                if &m == old {
                    continue;
                }
                m
            }
        };
        map.insert(unit.clone(), merged.clone());
        if let Some(deps) = units.deps.get(&unit) {
            for d in deps.iter().rev() {
                stack.push((d.unit.clone(), merged.clone()));
            }
        }
    }
}

fn unit_lto(graph: &PackageGraph<'_>, unit: &Unit, parent: Lto) -> Lto {
    let (types, for_host) = crate_types(graph, unit);
    if for_host {
        return Lto::OnlyObject;
    }
    if types.iter().all(|t| can_lto(t)) {
        return match &unit.profile.lto {
            LtoSetting::Default => Lto::OnlyObject,
            LtoSetting::Off => Lto::Off,
            LtoSetting::Fat => Lto::Run(None),
            LtoSetting::Thin => Lto::Run(Some("thin".into())),
            LtoSetting::Named(n) => Lto::Run(Some(n.clone())),
        };
    }
    match (parent, needs_object(&types)) {
        (Lto::Run(_), false) => Lto::OnlyBitcode,
        (Lto::Run(_), true) | (Lto::OnlyBitcode, true) => when_needs_object(&types),
        (Lto::Off, _) => Lto::Off,
        (p, _) => p,
    }
}

fn merge(new: &Lto, old: &Lto) -> Lto {
    match (new, old) {
        (Lto::OnlyBitcode, Lto::OnlyBitcode) => Lto::OnlyBitcode,
        (Lto::Run(s), _) | (_, Lto::Run(s)) => Lto::Run(s.clone()),
        (Lto::Off, _) | (_, Lto::Off) => Lto::Off,
        (_, Lto::ObjectAndBitcode) | (Lto::ObjectAndBitcode, _) => Lto::ObjectAndBitcode,
        (Lto::OnlyObject, Lto::OnlyObject) => Lto::OnlyObject,
        (Lto::OnlyBitcode, Lto::OnlyObject) | (Lto::OnlyObject, Lto::OnlyBitcode) => {
            Lto::ObjectAndBitcode
        }
    }
}
