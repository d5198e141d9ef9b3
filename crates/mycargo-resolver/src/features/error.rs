//! Feature resolution errors, worded as cargo words them.

/// Why feature resolution failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeatureError {
    /// `--features dep:x`.
    #[error("feature `{feature}` is not allowed to use explicit `dep:` syntax")]
    CliDepSyntax { feature: String },

    /// `--features a/b/c`.
    #[error("multiple slashes in feature `{feature}` is not allowed")]
    CliMultipleSlashes { feature: String },

    /// Features given while only non-members are selected (resolver 2).
    #[error("cannot specify features for packages outside of workspace")]
    FeaturesOutsideWorkspace,

    /// Requested features no selected package has (resolver 2 or a virtual
    /// workspace).
    #[error("{}", unknown_message(.unknown, .selected, .help.as_deref()))]
    UnknownCliFeatures {
        /// The unknown names, sorted.
        unknown: Vec<String>,
        /// Names of the selected members.
        selected: Vec<String>,
        /// The text after `help: `.
        help: Option<String>,
    },

    /// A root package lacks a requested feature.
    #[error("{}", missing_message(.package, .feature, .hint))]
    MissingFeature {
        /// The package id as cargo displays it (`name v1.0.0 (/path)`).
        package: String,
        feature: String,
        hint: MissingFeatureHint,
    },

    /// `--features dep/feat` where the root has no dependency `dep`.
    #[error("package `{package}` does not have a dependency named `{dependency}`")]
    MissingDependency { package: String, dependency: String },

    /// A package asks a dependency for a feature the dependency lacks (the
    /// core of cargo's "failed to select a version" conflict).
    #[error("{}", dep_missing_message(.package, .dependency, .feature, .hint))]
    DependencyMissingFeature {
        /// Name of the package with the dependency.
        package: String,
        /// Package name of the dependency.
        dependency: String,
        feature: String,
        hint: DepFeatureHint,
    },

    /// `[features] a = ["a"]`.
    #[error("cyclic feature dependency: feature `{feature}` depends on itself")]
    CyclicFeature { feature: String },
}

/// What follows "does not have the feature" for a root package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingFeatureHint {
    /// No dependency has the name; maybe a feature with a close one.
    Similar(Option<String>),
    /// An optional dependency has the name but `dep:` hides its feature;
    /// the features that enable it.
    HiddenOptionalDependency { enabled_by: Vec<String> },
    /// A non-optional dependency has the name.
    RequiredDependency,
}

/// What follows "does not have that feature." for a dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepFeatureHint {
    None,
    Similar(String),
    Available(Vec<String>),
    HiddenOptionalDependency,
    RequiredDependency,
}

fn dep_missing_message(
    package: &str,
    dependency: &str,
    feature: &str,
    hint: &DepFeatureHint,
) -> String {
    let mut msg = format!(
        "package `{package}` depends on `{dependency}` with feature `{feature}` but `{dependency}` does not have that feature."
    );
    match hint {
        DepFeatureHint::None => {}
        DepFeatureHint::Similar(close) => {
            msg.push_str(&format!("\n package `{dependency}` does have feature `{close}`"));
        }
        DepFeatureHint::Available(features) => {
            msg.push_str(&format!("\n available features: {}", features.join(", ")));
        }
        DepFeatureHint::HiddenOptionalDependency => msg.push_str(
            "\n An optional dependency with that name exists, but that dependency uses the \"dep:\" \
             syntax in the features table, so it does not have an implicit feature with that name.",
        ),
        DepFeatureHint::RequiredDependency => msg.push_str(
            "\n A required dependency with that name exists, but only optional dependencies can be used as features.",
        ),
    }
    msg
}

fn unknown_message(unknown: &[String], selected: &[String], help: Option<&str>) -> String {
    let these = if unknown.len() == 1 {
        "this feature"
    } else {
        "these features"
    };
    let mut msg = match selected {
        [one] => format!(
            "the package '{one}' does not contain {these}: {}",
            unknown.join(", ")
        ),
        _ => format!(
            "none of the selected packages contains {these}: {}\nselected packages: {}",
            unknown.join(", "),
            selected.join(", ")
        ),
    };
    if let Some(help) = help {
        msg.push_str("\nhelp: ");
        msg.push_str(help);
    }
    msg
}

fn missing_message(package: &str, feature: &str, hint: &MissingFeatureHint) -> String {
    match hint {
        MissingFeatureHint::Similar(close) => {
            let mut msg = format!("package `{package}` does not have the feature `{feature}`");
            if let Some(close) = close {
                msg.push_str(&format!(
                    "\n\nhelp: a feature with a similar name exists: `{close}`"
                ));
            }
            msg
        }
        MissingFeatureHint::HiddenOptionalDependency { enabled_by } => {
            let mut msg = format!(
                "package `{package}` does not have feature `{feature}`\n\n\
                 help: an optional dependency with that name exists, but the `features` table includes it \
                 with the \"dep:\" syntax so it does not have an implicit feature with that name"
            );
            if !enabled_by.is_empty() {
                msg.push_str(&format!(
                    "\nDependency `{feature}` would be enabled by these features:"
                ));
                for f in enabled_by.iter().take(3) {
                    msg.push_str(&format!("\n\t- `{f}`"));
                }
                if enabled_by.len() > 3 {
                    msg.push_str("\n\t  ...");
                }
            }
            msg
        }
        MissingFeatureHint::RequiredDependency => format!(
            "package `{package}` does not have feature `{feature}`\n\n\
             help: a dependency with that name exists but it is required dependency and only optional \
             dependencies can be used as features."
        ),
    }
}
