//! A package version as the version resolver sees it, and the feature
//! walk cargo's dependency resolver makes over it (which features and
//! which optional dependencies a request turns on).

use std::collections::{BTreeMap, BTreeSet};

use mycargo_core::{Dependency, FeatureValue, PackageId, PartialVersion};

/// One version of a package: what a registry index line (or a path
/// package's manifest) says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    id: PackageId,
    dependencies: Vec<Dependency>,
    features: BTreeMap<String, Vec<FeatureValue>>,
    links: Option<String>,
    rust_version: Option<PartialVersion>,
    yanked: bool,
    checksum: Option<String>,
}

impl Summary {
    /// A summary with its `[features]` table. Every optional dependency
    /// that no feature names with `dep:` gets its implicit feature (as
    /// cargo's `build_feature_map`), so a manifest's full feature map may
    /// be passed as well.
    pub fn new(
        id: PackageId,
        dependencies: Vec<Dependency>,
        mut features: BTreeMap<String, Vec<FeatureValue>>,
    ) -> Summary {
        let explicit: BTreeSet<&str> = features
            .values()
            .flatten()
            .filter_map(|fv| match fv {
                FeatureValue::Dep { dep_name } => Some(dep_name.as_str()),
                _ => None,
            })
            .collect();
        let implicit: Vec<String> = dependencies
            .iter()
            .filter(|d| d.is_optional() && !explicit.contains(d.name_in_toml()))
            .map(|d| d.name_in_toml().to_string())
            .collect();
        for name in implicit {
            features
                .entry(name.clone())
                .or_insert_with(|| vec![FeatureValue::Dep { dep_name: name }]);
        }
        Summary {
            id,
            dependencies,
            features,
            links: None,
            rust_version: None,
            yanked: false,
            checksum: None,
        }
    }

    pub fn with_links(mut self, links: Option<String>) -> Summary {
        self.links = links;
        self
    }

    pub fn with_rust_version(mut self, rust_version: Option<PartialVersion>) -> Summary {
        self.rust_version = rust_version;
        self
    }

    pub fn with_yanked(mut self, yanked: bool) -> Summary {
        self.yanked = yanked;
        self
    }

    /// The sha256 of the `.crate` (registry packages), carried to the
    /// result for the lock file.
    pub fn with_checksum(mut self, checksum: Option<String>) -> Summary {
        self.checksum = checksum;
        self
    }

    pub fn package_id(&self) -> &PackageId {
        &self.id
    }

    pub fn name(&self) -> &str {
        self.id.name()
    }

    pub fn version(&self) -> &semver::Version {
        self.id.version()
    }

    pub fn dependencies(&self) -> &[Dependency] {
        &self.dependencies
    }

    /// The feature map, implicit features of optional dependencies included.
    pub fn features(&self) -> &BTreeMap<String, Vec<FeatureValue>> {
        &self.features
    }

    pub fn links(&self) -> Option<&str> {
        self.links.as_deref()
    }

    pub fn rust_version(&self) -> Option<&PartialVersion> {
        self.rust_version.as_ref()
    }

    pub fn is_yanked(&self) -> bool {
        self.yanked
    }

    pub fn checksum(&self) -> Option<&str> {
        self.checksum.as_deref()
    }
}

/// What a package is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct FeatureRequest {
    /// Every feature of the package (workspace members when locking).
    pub all: bool,
    pub default: bool,
    /// Feature values as written (`feat`, `dep/feat`, `dep?/feat`).
    pub values: BTreeSet<String>,
}

/// Why a request cannot be met by a summary (cargo's `RequirementError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FeatureProblem {
    /// No such feature.
    Missing(String),
    /// The name is a required dependency, which has no feature.
    RequiredDependency(String),
    /// The name is an optional dependency only reachable with `dep:`.
    NonImplicitDependency(String),
}

impl FeatureProblem {
    pub fn feature(&self) -> &str {
        match self {
            FeatureProblem::Missing(f)
            | FeatureProblem::RequiredDependency(f)
            | FeatureProblem::NonImplicitDependency(f) => f,
        }
    }
}

/// The result of the walk: features on, and for each dependency name that
/// is turned on (always for required ones) the features asked of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Activation {
    pub features: BTreeSet<String>,
    pub deps: BTreeMap<String, BTreeSet<String>>,
}

struct Walk<'a> {
    summary: &'a Summary,
    out: Activation,
}

impl Walk<'_> {
    fn feature(&mut self, name: &str) -> Result<(), FeatureProblem> {
        if self.out.features.contains(name) {
            return Ok(());
        }
        let Some(values) = self.summary.features.get(name) else {
            let deps: Vec<&Dependency> = self
                .summary
                .dependencies
                .iter()
                .filter(|d| d.name_in_toml() == name)
                .collect();
            return Err(if deps.is_empty() {
                FeatureProblem::Missing(name.to_string())
            } else if deps.iter().any(|d| d.is_optional()) {
                FeatureProblem::NonImplicitDependency(name.to_string())
            } else {
                FeatureProblem::RequiredDependency(name.to_string())
            });
        };
        self.out.features.insert(name.to_string());
        for fv in values {
            self.value(fv)?;
        }
        Ok(())
    }

    fn value(&mut self, fv: &FeatureValue) -> Result<(), FeatureProblem> {
        match fv {
            FeatureValue::Feature(f) => self.feature(f),
            FeatureValue::Dep { dep_name } => {
                self.out.deps.entry(dep_name.clone()).or_default();
                Ok(())
            }
            FeatureValue::DepFeature {
                dep_name,
                dep_feature,
                weak,
            } => {
                // Like cargo's dependency resolver, a weak `x?/f` counts as
                // turning `x` on; the feature resolver is exact later.
                let optional = self
                    .summary
                    .dependencies
                    .iter()
                    .any(|d| d.name_in_toml() == dep_name && d.is_optional());
                if !*weak && optional && self.summary.features.contains_key(dep_name) {
                    self.feature(dep_name)?;
                }
                self.out
                    .deps
                    .entry(dep_name.clone())
                    .or_default()
                    .insert(dep_feature.clone());
                Ok(())
            }
        }
    }
}

/// Walk `summary`'s feature map for `request`.
pub(crate) fn activate(
    summary: &Summary,
    request: &FeatureRequest,
) -> Result<Activation, FeatureProblem> {
    let mut walk = Walk {
        summary,
        out: Activation::default(),
    };
    if request.all {
        for name in summary.features.keys() {
            walk.feature(name)?;
        }
    }
    for v in &request.values {
        walk.value(&FeatureValue::new(v))?;
    }
    if request.default && summary.features.contains_key("default") {
        walk.feature("default")?;
    }
    Ok(walk.out)
}
