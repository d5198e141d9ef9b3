//! `doc` with dependencies: two crates of one name would write one
//! `doc/<crate>/` directory. As cargo does, the extra doc units go before
//! the build: a host-side copy when another is built for the target, an
//! older version of the same package, and what only they needed.

use std::collections::{BTreeMap, HashSet};

use crate::graph::{PackageGraph, UnitGraph};
use crate::unit::{CompileMode, Unit};

impl UnitGraph {
    /// Remove duplicate doc units (never a root); `cross`: `--target` was
    /// given (host-side docs are then kept).
    pub fn remove_duplicate_docs(&mut self, graph: &PackageGraph<'_>, cross: bool) {
        let roots: HashSet<Unit> = self.roots.iter().cloned().collect();
        let mut by_name: BTreeMap<String, Vec<Unit>> = BTreeMap::new();
        for u in self.deps.keys().filter(|u| u.mode == CompileMode::Doc) {
            let t = &graph.packages[u.pkg].manifest.targets[u.target];
            by_name.entry(t.crate_name()).or_default().push(u.clone());
        }
        let mut removed: HashSet<Unit> = HashSet::new();
        for (_, mut units) in by_name {
            if units.len() < 2 {
                continue;
            }
            if !cross && units.iter().any(|u| !u.for_host) {
                for u in units.iter().filter(|u| u.for_host && !roots.contains(*u)) {
                    removed.insert(u.clone());
                }
                units.retain(|u| !removed.contains(u));
            }
            // Of one package (name and source), the newest version only.
            let mut newest: BTreeMap<(String, String, String), semver::Version> = BTreeMap::new();
            let key = |u: &Unit| {
                let id = &graph.packages[u.pkg].manifest.package_id;
                (
                    id.name().to_string(),
                    id.source_id().to_string(),
                    format!("{:?}", u.kind),
                )
            };
            for u in &units {
                let v = graph.packages[u.pkg].manifest.package_id.version().clone();
                let slot = newest.entry(key(u)).or_insert_with(|| v.clone());
                if v > *slot {
                    *slot = v;
                }
            }
            for u in &units {
                let v = graph.packages[u.pkg].manifest.package_id.version();
                if newest.get(&key(u)).is_some_and(|n| v < n) && !roots.contains(u) {
                    removed.insert(u.clone());
                }
            }
        }
        if removed.is_empty() {
            return;
        }
        for deps in self.deps.values_mut() {
            deps.retain(|d| !removed.contains(&d.unit));
        }
        // What only the removed units needed goes too.
        let mut reachable: HashSet<Unit> = HashSet::new();
        let mut stack: Vec<Unit> = self.roots.clone();
        stack.extend(
            self.doctests
                .iter()
                .flat_map(|d| d.deps.iter().map(|x| x.unit.clone()).chain([d.lib.clone()])),
        );
        while let Some(u) = stack.pop() {
            if !reachable.insert(u.clone()) {
                continue;
            }
            if let Some(deps) = self.deps.get(&u) {
                stack.extend(deps.iter().map(|d| d.unit.clone()));
            }
        }
        self.deps.retain(|u, _| reachable.contains(u));
    }
}
