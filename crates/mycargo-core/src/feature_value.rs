//! One entry of a `[features]` list: `feat`, `dep:name`, `name/feat` or
//! `name?/feat`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureValue {
    /// Another feature of this package (or an optional dependency's implicit
    /// feature).
    Feature(String),
    /// `dep:name`: enable an optional dependency without a feature of that name.
    Dep { dep_name: String },
    /// `name/feat` or, with `weak`, `name?/feat`.
    DepFeature {
        dep_name: String,
        dep_feature: String,
        weak: bool,
    },
}

impl FeatureValue {
    pub fn new(s: &str) -> FeatureValue {
        match s.split_once('/') {
            Some((dep, feat)) => {
                let stripped = dep.strip_suffix('?');
                FeatureValue::DepFeature {
                    dep_name: stripped.unwrap_or(dep).to_string(),
                    dep_feature: feat.to_string(),
                    weak: stripped.is_some(),
                }
            }
            None => match s.strip_prefix("dep:") {
                Some(dep) => FeatureValue::Dep {
                    dep_name: dep.to_string(),
                },
                None => FeatureValue::Feature(s.to_string()),
            },
        }
    }

    /// Whether this is `dep:name`.
    pub fn has_dep_prefix(&self) -> bool {
        matches!(self, FeatureValue::Dep { .. })
    }
}

impl fmt::Display for FeatureValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeatureValue::Feature(s) => f.write_str(s),
            FeatureValue::Dep { dep_name } => write!(f, "dep:{dep_name}"),
            FeatureValue::DepFeature {
                dep_name,
                dep_feature,
                weak,
            } => write!(
                f,
                "{dep_name}{}/{dep_feature}",
                if *weak { "?" } else { "" }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            FeatureValue::new("std"),
            FeatureValue::Feature("std".into())
        );
        assert_eq!(
            FeatureValue::new("dep:serde"),
            FeatureValue::Dep {
                dep_name: "serde".into()
            }
        );
        assert_eq!(
            FeatureValue::new("serde/std"),
            FeatureValue::DepFeature {
                dep_name: "serde".into(),
                dep_feature: "std".into(),
                weak: false
            }
        );
        assert_eq!(
            FeatureValue::new("serde?/std"),
            FeatureValue::DepFeature {
                dep_name: "serde".into(),
                dep_feature: "std".into(),
                weak: true
            }
        );
        for s in ["std", "dep:serde", "serde/std", "serde?/std", "a/b/c", ""] {
            assert_eq!(FeatureValue::new(s).to_string(), s);
        }
    }
}
