//! Which packages of a resolve a build can use: the walk cargo's targeted
//! resolve makes before downloading, from the selected packages with the
//! features asked of them, following optional dependencies only where a
//! feature turns them on. `Cargo.lock` holds what every feature of every
//! member needs; a build downloads only this.
//!
//! The walk errs on the side of more: a weak `x?/f` counts as turning `x`
//! on, and a request the feature map cannot meet (a misspelt feature, which
//! the feature resolver reports later) follows every edge of that package.

use std::collections::{BTreeMap, BTreeSet};

use mycargo_core::{Dependency, PackageId};

use super::Resolve;
use super::summary::{FeatureRequest, activate};

/// What a build asks of one selected package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootRequest {
    /// `--all-features`.
    pub all: bool,
    /// Unless `--no-default-features`.
    pub default: bool,
    /// `--features` values as written (`feat`, `dep/feat`).
    pub values: BTreeSet<String>,
}

/// The packages reachable from `roots` in `resolve`. `applies` filters
/// edges (platforms, dev-dependencies).
pub fn reachable_with_features(
    resolve: &Resolve,
    roots: &[(PackageId, RootRequest)],
    applies: &dyn Fn(&Dependency) -> bool,
) -> BTreeSet<PackageId> {
    let mut requests: BTreeMap<PackageId, FeatureRequest> = BTreeMap::new();
    let mut todo: Vec<PackageId> = Vec::new();
    for (id, r) in roots {
        let req = requests.entry(id.clone()).or_default();
        req.all |= r.all;
        req.default |= r.default;
        req.values.extend(r.values.iter().cloned());
        todo.push(id.clone());
    }
    // Processing a package again only when what is asked of it grew keeps
    // this bounded by the features in the graph.
    while let Some(id) = todo.pop() {
        let Some(pkg) = resolve.get(&id) else {
            continue;
        };
        let request = requests.get(&id).cloned().unwrap_or_default();
        let activation = activate(&pkg.summary, &request).ok();
        for d in &pkg.deps {
            if !applies(&d.dep) {
                continue;
            }
            let name = d.dep.name_in_toml();
            let asked = match &activation {
                Some(a) => match a.deps.get(name) {
                    Some(f) => Some(f),
                    None if d.dep.is_optional() => continue,
                    None => None,
                },
                None => None,
            };
            let new = !requests.contains_key(&d.package);
            let child = requests.entry(d.package.clone()).or_default();
            let before = child.clone();
            child.default |= d.dep.uses_default_features();
            child.values.extend(d.dep.features().iter().cloned());
            if let Some(f) = asked {
                child.values.extend(f.iter().cloned());
            }
            if activation.is_none() {
                // Could not tell: everything the package may ask for.
                child.all = true;
            }
            if new || *child != before {
                todo.push(d.package.clone());
            }
        }
    }
    requests.into_keys().collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use mycargo_core::{Dependency, FeatureValue, PackageId, SourceId};
    use semver::Version;

    use super::*;
    use crate::version::{ResolvedDep, ResolvedPackage, Summary};

    fn id(name: &str) -> PackageId {
        let src = SourceId::for_path(std::path::Path::new("/w")).expect("source");
        PackageId::new(name, Version::new(1, 0, 0), src)
    }

    fn dep(name: &str, optional: bool) -> Dependency {
        let src = SourceId::for_path(std::path::Path::new("/w")).expect("source");
        let mut d = Dependency::new(name, mycargo_core::VersionRequirement::any(), src);
        d.set_optional(optional);
        d
    }

    /// `root` → `a` (required), `b` (optional, feature `fb`); `a` → `c`
    /// (optional, turned on by `a/fc`) and back to `root` (a cycle).
    fn graph() -> Resolve {
        let mut packages = BTreeMap::new();
        let mut add = |name: &str, deps: Vec<(Dependency, &str)>, feats: &[(&str, &[&str])]| {
            let features = feats
                .iter()
                .map(|(k, vs)| {
                    (
                        k.to_string(),
                        vs.iter().map(|v| FeatureValue::new(v)).collect(),
                    )
                })
                .collect();
            let summary = Summary::new(
                id(name),
                deps.iter().map(|(d, _)| d.clone()).collect(),
                features,
            );
            let deps = deps
                .into_iter()
                .map(|(dep, to)| ResolvedDep {
                    dep,
                    package: id(to),
                })
                .collect();
            packages.insert(
                id(name),
                ResolvedPackage {
                    summary,
                    deps,
                    features: Default::default(),
                },
            );
        };
        add(
            "root",
            vec![(dep("a", false), "a"), (dep("b", true), "b")],
            &[("fb", &["dep:b"]), ("fc", &["a/fc"])],
        );
        add(
            "a",
            vec![(dep("c", true), "c"), (dep("root", false), "root")],
            &[("fc", &["dep:c"])],
        );
        add("b", vec![], &[]);
        add("c", vec![], &[]);
        Resolve {
            packages,
            ..Resolve::default()
        }
    }

    fn names(set: &BTreeSet<PackageId>) -> Vec<&str> {
        set.iter().map(|p| p.name()).collect()
    }

    #[test]
    fn optional_dependencies_only_when_turned_on() {
        let g = graph();
        let all = |_: &Dependency| true;
        let plain = RootRequest {
            default: true,
            ..RootRequest::default()
        };
        assert_eq!(
            names(&reachable_with_features(&g, &[(id("root"), plain)], &all)),
            ["a", "root"]
        );
        let fb = RootRequest {
            values: ["fb".to_string()].into(),
            ..RootRequest::default()
        };
        assert_eq!(
            names(&reachable_with_features(&g, &[(id("root"), fb)], &all)),
            ["a", "b", "root"]
        );
        let fc = RootRequest {
            values: ["fc".to_string()].into(),
            ..RootRequest::default()
        };
        assert_eq!(
            names(&reachable_with_features(&g, &[(id("root"), fc)], &all)),
            ["a", "c", "root"]
        );
        let every = RootRequest {
            all: true,
            ..RootRequest::default()
        };
        assert_eq!(
            names(&reachable_with_features(&g, &[(id("root"), every)], &all)),
            ["a", "b", "c", "root"]
        );
        // A feature the map lacks: every edge of the root.
        let typo = RootRequest {
            values: ["nope".to_string()].into(),
            ..RootRequest::default()
        };
        assert_eq!(
            names(&reachable_with_features(&g, &[(id("root"), typo)], &all)),
            ["a", "b", "c", "root"]
        );
    }
}
