//! cargo's warning for a unit whose library dependencies give it nothing
//! to link (a dependency whose lib is only a `staticlib` or `cdylib`).

use mycargo_compiler::graph::{PackageGraph, UnitGraph};
use mycargo_compiler::{CompileMode, Unit};

fn linkable(t: &mycargo_manifest::Target) -> bool {
    t.is_lib()
        && t.kind
            .crate_types()
            .iter()
            .any(|c| matches!(c.as_str(), "lib" | "rlib" | "dylib" | "proc-macro"))
}

/// One warning per compiled unit none of whose dependencies is linkable
/// while one of them is a lib, in unit order.
pub fn warnings(graph: &PackageGraph<'_>, units: &UnitGraph) -> Vec<String> {
    let target_of = |u: &Unit| &graph.packages[u.pkg].manifest.targets[u.target];
    let mut seen = std::collections::HashSet::new();
    let mut found: Vec<(&Unit, String)> = Vec::new();
    for unit in units.all_units().filter(|u| seen.insert(*u)) {
        if matches!(unit.mode, CompileMode::Doc | CompileMode::RunCustomBuild) {
            continue;
        }
        let deps: Vec<&Unit> = units
            .deps
            .get(unit)
            .into_iter()
            .flatten()
            .map(|d| &d.unit)
            .filter(|d| d.mode != CompileMode::Doc)
            .collect();
        if deps.iter().any(|d| linkable(target_of(d))) {
            continue;
        }
        let Some(lib) = deps.iter().find(|d| target_of(d).is_lib()) else {
            continue;
        };
        let dep_name = target_of(lib).crate_name();
        let name = target_of(unit).crate_name();
        found.push((
            unit,
            format!(
                "the package `{dep_name}` provides no linkable target\n  |\n  = note: this might cause `{name}` to fail compilation\n  = note: this warning might turn into a hard error in the future\n  = help: consider adding 'dylib' or 'rlib' to key 'crate-type' in `{dep_name}`'s Cargo.toml"
            ),
        ));
    }
    // In cargo's unit order (sorted only when there is something to say).
    found.sort_by_cached_key(|(u, _)| {
        use mycargo_compiler::unit_order::{mode_rank, unit_key};
        unit_key(graph, u, mode_rank(u.mode))
    });
    found.into_iter().map(|(_, w)| w).collect()
}
