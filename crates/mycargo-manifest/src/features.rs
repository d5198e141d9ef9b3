//! `[features]` validation with cargo's messages, and the feature map with
//! the implicit features of optional dependencies.

use std::collections::{BTreeMap, HashMap, HashSet};

use mycargo_core::{Dependency, FeatureValue};
use mycargo_util::TomlDiagnostic;

use crate::error::Chain;
use crate::error::closest_msg;

/// Dependencies of a `dep/feat` value that name no dependency, each as a
/// located diagnostic (cargo reports these before "failed to parse
/// manifest"). `locate(feature)` gives the diagnostic for that feature's list.
pub(crate) fn unknown_dep_features(
    features: &BTreeMap<String, Vec<String>>,
    deps: &[Dependency],
    locate: &dyn Fn(&str, String) -> TomlDiagnostic,
) -> Vec<TomlDiagnostic> {
    let names: HashSet<&str> = deps.iter().map(|d| d.name_in_toml()).collect();
    let mut out = Vec::new();
    for (feature, values) in features {
        for v in values {
            if let FeatureValue::DepFeature { dep_name, .. } = FeatureValue::new(v)
                && !dep_name.starts_with("dep:")
                && !names.contains(dep_name.as_str())
            {
                out.push(locate(
                    feature,
                    format!(
                        "feature `{feature}` includes `{v}`, but `{dep_name}` is not a dependency"
                    ),
                ));
            }
        }
    }
    out
}

/// Build the feature map and check it (cargo's `build_feature_map`).
pub(crate) fn build_feature_map(
    features: &BTreeMap<String, Vec<String>>,
    deps: &[Dependency],
) -> Result<BTreeMap<String, Vec<FeatureValue>>, Chain> {
    let mut dep_map: HashMap<&str, bool> = HashMap::new();
    for d in deps {
        *dep_map.entry(d.name_in_toml()).or_insert(false) |= d.is_optional();
    }
    let mut map: BTreeMap<String, Vec<FeatureValue>> = features
        .iter()
        .map(|(k, vs)| (k.clone(), vs.iter().map(|v| FeatureValue::new(v)).collect()))
        .collect();
    let explicitly_listed: HashSet<String> = map
        .values()
        .flatten()
        .filter_map(|fv| match fv {
            FeatureValue::Dep { dep_name } => Some(dep_name.clone()),
            _ => None,
        })
        .collect();
    for d in deps {
        let name = d.name_in_toml();
        if !d.is_optional() || features.contains_key(name) || explicitly_listed.contains(name) {
            continue;
        }
        map.insert(
            name.to_string(),
            vec![FeatureValue::Dep {
                dep_name: name.to_string(),
            }],
        );
    }
    for (feature, fvs) in &map {
        for fv in fvs {
            let key = match fv {
                FeatureValue::Feature(f) => f.as_str(),
                FeatureValue::Dep { dep_name } | FeatureValue::DepFeature { dep_name, .. } => {
                    dep_name.as_str()
                }
            };
            let dep_data = dep_map.get(key);
            let is_any_dep = dep_data.is_some();
            let is_optional_dep = dep_data.is_some_and(|o| *o);
            match fv {
                FeatureValue::Feature(f) => {
                    if features.contains_key(f) {
                        continue;
                    }
                    if !is_any_dep {
                        let hint = closest_msg(f, features.keys().map(String::as_str), "feature");
                        return Err(Chain::new(format!(
                            "feature `{feature}` includes `{fv}` which is neither a dependency nor another feature{hint}"
                        )));
                    }
                    if is_optional_dep {
                        if !map.contains_key(f) {
                            return Err(Chain::new(format!(
                                "feature `{feature}` includes `{fv}`, but `{f}` is an optional dependency without an implicit feature\n\
                                 Use `dep:{f}` to enable the dependency."
                            )));
                        }
                    } else {
                        return Err(Chain::new(format!(
                            "feature `{feature}` includes `{fv}`, but `{f}` is not an optional dependency\n\
                             A non-optional dependency of the same name is defined; consider adding `optional = true` to its definition."
                        )));
                    }
                }
                FeatureValue::Dep { dep_name } => {
                    if !is_any_dep {
                        return Err(Chain::new(format!(
                            "feature `{feature}` includes `{fv}`, but `{dep_name}` is not listed as a dependency"
                        )));
                    }
                    if !is_optional_dep {
                        return Err(Chain::new(format!(
                            "feature `{feature}` includes `{fv}`, but `{dep_name}` is not an optional dependency\n\
                             A non-optional dependency of the same name is defined; consider adding `optional = true` to its definition."
                        )));
                    }
                }
                FeatureValue::DepFeature {
                    dep_name,
                    dep_feature,
                    weak,
                } => {
                    if dep_feature.contains('/') {
                        return Err(Chain::new(format!(
                            "multiple slashes in feature `{fv}` (included by feature `{feature}`) are not allowed"
                        )));
                    }
                    if let Some(stripped) = dep_name.strip_prefix("dep:") {
                        let has_other_dep = explicitly_listed.contains(stripped);
                        let is_optional = dep_map.get(stripped).is_some_and(|o| *o);
                        let extra = if *weak || has_other_dep || !is_optional {
                            String::new()
                        } else {
                            format!(
                                "\nIf the intent is to avoid creating an implicit feature `{stripped}` for an optional dependency, \
                                 then consider replacing this with two values:\n    \"dep:{stripped}\", \"{stripped}/{dep_feature}\""
                            )
                        };
                        return Err(Chain::new(format!(
                            "feature `{feature}` includes `{fv}` with both `dep:` and `/`\nTo fix this, remove the `dep:` prefix.{extra}"
                        )));
                    }
                    if !is_any_dep {
                        return Err(Chain::new(format!(
                            "feature `{feature}` includes `{fv}`, but `{dep_name}` is not a dependency"
                        )));
                    }
                    if *weak && !is_optional_dep {
                        return Err(Chain::new(format!(
                            "feature `{feature}` includes `{fv}` with a `?`, but `{dep_name}` is not an optional dependency\n\
                             A non-optional dependency of the same name is defined; consider removing the `?` or changing the dependency to be optional"
                        )));
                    }
                }
            }
        }
    }
    let used: HashSet<&str> = map
        .values()
        .flatten()
        .filter_map(|fv| match fv {
            FeatureValue::Dep { dep_name }
            | FeatureValue::DepFeature {
                dep_name,
                weak: false,
                ..
            } => Some(dep_name.as_str()),
            _ => None,
        })
        .collect();
    let mut optional: Vec<&str> = dep_map
        .iter()
        .filter(|(d, o)| **o && !used.contains(**d))
        .map(|(d, _)| *d)
        .collect();
    optional.sort_unstable();
    if let Some(dep) = optional.first() {
        return Err(Chain::new(format!(
            "optional dependency `{dep}` is not included in any feature\n\
             Make sure that `dep:{dep}` is included in one of features in the [features] table."
        )));
    }
    Ok(map)
}
