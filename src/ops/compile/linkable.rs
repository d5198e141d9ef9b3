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
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut list: Vec<&Unit> = units.all_units().filter(|u| seen.insert(*u)).collect();
    list.sort_by_cached_key(|u| {
        mycargo_compiler::unit_order::unit_key(
            graph,
            u,
            mycargo_compiler::unit_order::mode_rank(u.mode),
        )
    });
    for unit in list {
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
        let target_of = |u: &Unit| &graph.packages[u.pkg].manifest.targets[u.target];
        if deps.iter().any(|d| linkable(target_of(d))) {
            continue;
        }
        let Some(lib) = deps.iter().find(|d| target_of(d).is_lib()) else {
            continue;
        };
        let dep_name = target_of(lib).crate_name();
        let name = target_of(unit).crate_name();
        out.push(format!(
            "the package `{dep_name}` provides no linkable target\n  |\n  = note: this might cause `{name}` to fail compilation\n  = note: this warning might turn into a hard error in the future\n  = help: consider adding 'dylib' or 'rlib' to key 'crate-type' in `{dep_name}`'s Cargo.toml"
        ));
    }
    out
}
