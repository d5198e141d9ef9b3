//! Command-line features: splitting `--features`, choosing the root packages
//! and the features each gets (cargo's `Workspace::members_with_features`),
//! and the checks cargo's dependency resolver makes on a root's requested
//! features.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use mycargo_core::{Dependency, FeatureValue};
use mycargo_util::edit_distance::{closest, edit_distance};

use super::error::{FeatureError, MissingFeatureHint};
use super::{CliFeatures, PackageNode, RootSelection};

/// A root package and the command-line features it is activated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootRequest {
    pub pkg: usize,
    pub features: BTreeSet<FeatureValue>,
    pub all_features: bool,
    pub uses_default_features: bool,
}

/// Split on whitespace and commas, drop empty names, parse, and reject
/// `dep:` and double slashes.
pub(crate) fn parse_features(features: &[String]) -> Result<BTreeSet<FeatureValue>, FeatureError> {
    let parsed: BTreeSet<FeatureValue> = features
        .iter()
        .flat_map(|s| s.split_whitespace())
        .flat_map(|s| s.split(','))
        .filter(|s| !s.is_empty())
        .map(FeatureValue::new)
        .collect();
    for fv in &parsed {
        match fv {
            FeatureValue::Feature(_) => {}
            FeatureValue::Dep { .. } => {
                return Err(FeatureError::CliDepSyntax {
                    feature: fv.to_string(),
                });
            }
            FeatureValue::DepFeature { dep_feature, .. } => {
                if dep_feature.contains('/') {
                    return Err(FeatureError::CliMultipleSlashes {
                        feature: fv.to_string(),
                    });
                }
            }
        }
    }
    Ok(parsed)
}

/// The roots and their command-line features.
pub(crate) fn members_with_features(
    graph: &[PackageNode],
    sel: &RootSelection,
    cli: &CliFeatures,
    requested: &BTreeSet<FeatureValue>,
    new_behavior: bool,
) -> Result<Vec<RootRequest>, FeatureError> {
    if sel.selected.is_empty() {
        // The whole workspace, every feature (lock file generation).
        return Ok(sel
            .members
            .iter()
            .map(|&pkg| RootRequest {
                pkg,
                features: BTreeSet::new(),
                all_features: true,
                uses_default_features: true,
            })
            .collect());
    }
    if new_behavior {
        members_with_features_new(graph, sel, cli, requested)
    } else {
        Ok(members_with_features_old(graph, sel, cli, requested))
    }
}

/// Resolver 2 or a virtual workspace: features apply to the selected members
/// that have them; every name must be found in one.
fn members_with_features_new(
    graph: &[PackageNode],
    sel: &RootSelection,
    cli: &CliFeatures,
    requested: &BTreeSet<FeatureValue>,
) -> Result<Vec<RootRequest>, FeatureError> {
    let mut found = BTreeSet::new();
    let roots: Vec<RootRequest> = sel
        .members
        .iter()
        .filter(|m| sel.selected.contains(m))
        .map(|&m| collect_matching_features(graph, m, cli, requested, &mut found))
        .collect();
    if roots.is_empty() {
        // `-p nonmember`: no command-line features, and every member is a
        // root so the non-member is in the graph.
        if !(requested.is_empty() && !cli.all_features && cli.uses_default_features) {
            return Err(FeatureError::FeaturesOutsideWorkspace);
        }
        return Ok(sel
            .members
            .iter()
            .map(|&pkg| RootRequest {
                pkg,
                features: BTreeSet::new(),
                all_features: false,
                uses_default_features: true,
            })
            .collect());
    }
    if *requested != found {
        return Err(unknown_features_error(graph, sel, requested, &found));
    }
    Ok(roots)
}

/// The requested features `member` has: its features and optional
/// dependencies, `dep/feat` of its dependencies, `member/feat`.
fn collect_matching_features(
    graph: &[PackageNode],
    member: usize,
    cli: &CliFeatures,
    requested: &BTreeSet<FeatureValue>,
    found: &mut BTreeSet<FeatureValue>,
) -> RootRequest {
    let node = &graph[member];
    let mut features = BTreeSet::new();
    let has = |f: &str| {
        node.feature_map.contains_key(f)
            || node
                .deps
                .iter()
                .any(|e| e.dep.is_optional() && e.dep.name_in_toml() == f)
    };
    for fv in requested {
        match fv {
            FeatureValue::Feature(f) => {
                if has(f) {
                    features.insert(fv.clone());
                    found.insert(fv.clone());
                }
            }
            FeatureValue::Dep { .. } => {}
            FeatureValue::DepFeature {
                dep_name,
                dep_feature,
                ..
            } => {
                if node.deps.iter().any(|e| e.dep.name_in_toml() == dep_name) {
                    // The dependency's own check happens when it is activated.
                    features.insert(fv.clone());
                    found.insert(fv.clone());
                } else if dep_name == node.id.name() && has(dep_feature) {
                    features.insert(FeatureValue::Feature(dep_feature.clone()));
                    found.insert(fv.clone());
                }
            }
        }
    }
    RootRequest {
        pkg: member,
        features,
        all_features: cli.all_features,
        uses_default_features: cli.uses_default_features,
    }
}

/// cargo's "none of the selected packages contains these features" with its
/// `help:` line.
fn unknown_features_error(
    graph: &[PackageNode],
    sel: &RootSelection,
    requested: &BTreeSet<FeatureValue>,
    found: &BTreeSet<FeatureValue>,
) -> FeatureError {
    let mut unknown: Vec<String> = requested.difference(found).map(|f| f.to_string()).collect();
    unknown.sort();
    let (selected, unselected): (Vec<usize>, Vec<usize>) =
        sel.members.iter().partition(|m| sel.selected.contains(m));
    let with_missing: Vec<&str> = unselected
        .iter()
        .filter(|&&m| unknown.iter().any(|f| graph[m].feature_map.contains_key(f)))
        .map(|&m| graph[m].id.name())
        .collect();
    let help = if !with_missing.is_empty() {
        Some(format!(
            "package{} with the missing feature{}: {}",
            if with_missing.len() == 1 { "" } else { "s" },
            if unknown.len() == 1 { "" } else { "s" },
            with_missing.join(", ")
        ))
    } else {
        let suggestions = spelling_suggestions(graph, &selected, requested, found);
        match suggestions.len() {
            0 => None,
            1 => Some(format!(
                "there is a similarly named feature: {}",
                suggestions[0]
            )),
            _ => Some(format!(
                "there are similarly named features: {}",
                suggestions.join(", ")
            )),
        }
    };
    FeatureError::UnknownCliFeatures {
        unknown,
        selected: selected
            .iter()
            .map(|&m| graph[m].id.name().to_string())
            .collect(),
        help,
    }
}

/// Up to five names close to the unknown ones, sorted, as cargo finds them.
fn spelling_suggestions(
    graph: &[PackageNode],
    selected: &[usize],
    requested: &BTreeSet<FeatureValue>,
    found: &BTreeSet<FeatureValue>,
) -> Vec<String> {
    let close = |a: &str, b: &str| edit_distance(a, b, 3).is_some();
    // Each member's dependencies by name; of several declarations with one
    // name, the last counts.
    let by_name = |m: usize| -> BTreeMap<&str, &Dependency> {
        graph[m]
            .deps
            .iter()
            .map(|e| (e.dep.name_in_toml(), &e.dep))
            .collect()
    };
    let optional_of = |m: usize| -> Vec<&str> {
        by_name(m)
            .into_iter()
            .filter(|(_, d)| d.is_optional())
            .map(|(n, _)| n)
            .collect()
    };
    let mut features: Vec<&str> = Vec::new();
    let mut optional_deps: Vec<&str> = Vec::new();
    // A later member's declaration of a dependency name replaces an earlier one.
    let mut dep_features: BTreeMap<&str, &[String]> = BTreeMap::new();
    for &m in selected {
        features.extend(graph[m].feature_map.keys().map(String::as_str));
        dep_features.extend(by_name(m).into_iter().map(|(n, d)| (n, d.features())));
        optional_deps.extend(optional_of(m));
    }
    let mut out: BTreeSet<String> = BTreeSet::new();
    for fv in requested.difference(found) {
        match fv {
            FeatureValue::Feature(typo) => {
                out.extend(
                    features
                        .iter()
                        .filter(|f| close(f, typo))
                        .map(|f| f.to_string()),
                );
                out.extend(
                    optional_deps
                        .iter()
                        .filter(|f| close(f, typo))
                        .map(|f| f.to_string()),
                );
            }
            FeatureValue::Dep { .. } => {}
            FeatureValue::DepFeature {
                dep_name,
                dep_feature,
                ..
            } => {
                for (name, feats) in &dep_features {
                    if close(name, dep_name) {
                        out.extend(
                            feats
                                .iter()
                                .filter(|f| close(f, dep_feature))
                                .map(|f| format!("{name}/{f}")),
                        );
                    }
                }
                for &m in selected {
                    let pkg_name = graph[m].id.name();
                    if !close(pkg_name, dep_name) {
                        continue;
                    }
                    // cargo compares the optional dependency with the
                    // package part here, not the feature part.
                    out.extend(
                        optional_of(m)
                            .into_iter()
                            .filter(|d| close(d, dep_name))
                            .map(|d| format!("{pkg_name}/{d}")),
                    );
                    out.extend(
                        graph[m]
                            .feature_map
                            .keys()
                            .filter(|f| close(f, dep_feature))
                            .map(|f| format!("{pkg_name}/{f}")),
                    );
                }
            }
        }
    }
    out.into_iter()
        .filter(|s| {
            let fv = FeatureValue::new(s);
            !requested.contains(&fv) && !found.contains(&fv)
        })
        .take(5)
        .collect()
}

/// Resolver 1 in a root package: plain names and `dep/feat` go to the current
/// package (always a root), `member/feat` to a selected member; other
/// selected members get default features.
fn members_with_features_old(
    graph: &[PackageNode],
    sel: &RootSelection,
    cli: &CliFeatures,
    requested: &BTreeSet<FeatureValue>,
) -> Vec<RootRequest> {
    let mut member_specific: HashMap<&str, BTreeSet<FeatureValue>> = HashMap::new();
    let mut cwd_features = BTreeSet::new();
    for fv in requested {
        match fv {
            FeatureValue::Feature(_) => {
                cwd_features.insert(fv.clone());
            }
            FeatureValue::Dep { .. } => {}
            FeatureValue::DepFeature {
                dep_name,
                dep_feature,
                ..
            } => {
                let is_member = sel
                    .members
                    .iter()
                    .any(|&m| Some(m) != sel.current && graph[m].id.name() == dep_name);
                let is_selected = sel.selected.iter().any(|&s| graph[s].id.name() == dep_name);
                if is_member && is_selected {
                    member_specific
                        .entry(dep_name.as_str())
                        .or_default()
                        .insert(FeatureValue::Feature(dep_feature.clone()));
                } else {
                    cwd_features.insert(fv.clone());
                }
            }
        }
    }
    sel.members
        .iter()
        .filter_map(|&m| {
            if Some(m) == sel.current {
                Some(RootRequest {
                    pkg: m,
                    features: cwd_features.clone(),
                    all_features: cli.all_features,
                    uses_default_features: cli.uses_default_features,
                })
            } else if sel.selected.contains(&m) {
                // `--no-default-features` only ever applied to the current
                // package here.
                Some(RootRequest {
                    pkg: m,
                    features: member_specific
                        .remove(graph[m].id.name())
                        .unwrap_or_default(),
                    all_features: cli.all_features,
                    uses_default_features: true,
                })
            } else {
                None
            }
        })
        .collect()
}

/// The checks cargo's dependency resolver makes on a root's requested
/// features: each must exist (following what it enables), must not enable
/// itself, and `dep/feat` must name a dependency.
pub(crate) fn validate_root(
    graph: &[PackageNode],
    request: &RootRequest,
) -> Result<(), FeatureError> {
    let node = &graph[request.pkg];
    let mut check = RootCheck {
        node,
        seen: HashSet::new(),
        deps: BTreeSet::new(),
    };
    if request.all_features {
        for f in node.feature_map.keys() {
            check.require_feature(f)?;
        }
    }
    for fv in &request.features {
        check.require_value(fv)?;
    }
    if request.uses_default_features && node.feature_map.contains_key("default") {
        check.require_feature("default")?;
    }
    for dep in &check.deps {
        if !node.deps.iter().any(|e| e.dep.name_in_toml() == dep)
            && !node.declared.iter().any(|n| n == dep)
        {
            return Err(FeatureError::MissingDependency {
                package: node.id.to_string(),
                dependency: dep.clone(),
            });
        }
    }
    Ok(())
}

struct RootCheck<'a> {
    node: &'a PackageNode,
    seen: HashSet<&'a str>,
    /// Dependencies named by `dep:` or `dep/feat`.
    deps: BTreeSet<String>,
}

impl<'a> RootCheck<'a> {
    fn require_feature(&mut self, feature: &str) -> Result<(), FeatureError> {
        let Some((name, fvs)) = self.node.feature_map.get_key_value(feature) else {
            return Err(missing_feature(self.node, feature));
        };
        if !self.seen.insert(name.as_str()) {
            return Ok(());
        }
        for fv in fvs {
            if matches!(fv, FeatureValue::Feature(f) if f == feature) {
                return Err(FeatureError::CyclicFeature {
                    feature: feature.to_string(),
                });
            }
            self.require_value(fv)?;
        }
        Ok(())
    }

    fn require_value(&mut self, fv: &'a FeatureValue) -> Result<(), FeatureError> {
        match fv {
            FeatureValue::Feature(f) => self.require_feature(f),
            FeatureValue::Dep { dep_name } => {
                self.deps.insert(dep_name.clone());
                Ok(())
            }
            FeatureValue::DepFeature { dep_name, weak, .. } => {
                let optional = self
                    .node
                    .deps
                    .iter()
                    .any(|e| e.dep.name_in_toml() == dep_name && e.dep.is_optional());
                if !weak && optional && self.node.feature_map.contains_key(dep_name) {
                    self.require_feature(dep_name)?;
                }
                self.deps.insert(dep_name.clone());
                Ok(())
            }
        }
    }
}

/// "package `x` does not have the feature `y`" with the hint cargo gives.
fn missing_feature(node: &PackageNode, feature: &str) -> FeatureError {
    let same_name: Vec<_> = node
        .deps
        .iter()
        .filter(|e| e.dep.name_in_toml() == feature)
        .collect();
    let hint = if same_name.is_empty() {
        MissingFeatureHint::Similar(
            closest(feature, node.feature_map.keys().map(String::as_str)).map(str::to_string),
        )
    } else if same_name.iter().any(|e| e.dep.is_optional()) {
        let enabled_by = node
            .feature_map
            .iter()
            .filter(|(_, fvs)| {
                fvs.iter().any(|fv| match fv {
                    FeatureValue::Dep { dep_name } => dep_name == feature,
                    FeatureValue::DepFeature {
                        dep_name,
                        weak: false,
                        ..
                    } => dep_name == feature,
                    _ => false,
                })
            })
            .map(|(name, _)| name.clone())
            .collect();
        MissingFeatureHint::HiddenOptionalDependency { enabled_by }
    } else {
        MissingFeatureHint::RequiredDependency
    };
    FeatureError::MissingFeature {
        package: node.id.to_string(),
        feature: feature.to_string(),
        hint,
    }
}
