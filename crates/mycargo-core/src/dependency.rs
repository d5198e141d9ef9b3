//! A dependency as declared by a package: what it names, which versions it
//! accepts, where from, and how (kind, platform, features, optional, rename).

use std::fmt;
use std::path::PathBuf;

use semver::VersionReq;

use crate::platform::Platform;
use crate::source_id::SourceId;

/// Which table a dependency was declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum DepKind {
    #[default]
    Normal,
    Development,
    Build,
}

impl DepKind {
    /// `null`, `"dev"` or `"build"` in `cargo metadata`.
    pub fn as_metadata_str(self) -> Option<&'static str> {
        match self {
            DepKind::Normal => None,
            DepKind::Development => Some("dev"),
            DepKind::Build => Some("build"),
        }
    }

    /// The manifest table: `dependencies`, `dev-dependencies`, `build-dependencies`.
    pub fn table_name(self) -> &'static str {
        match self {
            DepKind::Normal => "dependencies",
            DepKind::Development => "dev-dependencies",
            DepKind::Build => "build-dependencies",
        }
    }
}

/// A version requirement with the text it was written as (`"1.0"` is kept
/// next to its parsed `^1.0`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionRequirement {
    pub req: VersionReq,
    /// `None` when the manifest gave no version (the requirement is `*`).
    pub original: Option<String>,
}

impl VersionRequirement {
    pub fn any() -> VersionRequirement {
        VersionRequirement {
            req: VersionReq::STAR,
            original: None,
        }
    }

    pub fn parse(s: &str) -> Result<VersionRequirement, semver::Error> {
        Ok(VersionRequirement {
            req: VersionReq::parse(s)?,
            original: Some(s.to_string()),
        })
    }

    /// Whether the requirement is exactly `=x.y.z`.
    pub fn is_exact(&self) -> bool {
        self.req.comparators.len() == 1
            && self.req.comparators[0].op == semver::Op::Exact
            && self.req.comparators[0].minor.is_some()
            && self.req.comparators[0].patch.is_some()
    }

    pub fn matches(&self, v: &semver::Version) -> bool {
        self.req.matches(v)
    }
}

impl fmt::Display for VersionRequirement {
    /// The requirement as cargo shows it (`^1.0`, `*`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.req)
    }
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// The key in the manifest table (the rename, when `package` is set).
    name_in_toml: String,
    /// `package` was written (even naming the key itself): cargo then
    /// treats the key as a rename everywhere (`--extern`, metadata).
    explicit_package: bool,
    /// The name of the package depended on.
    package_name: String,
    version_req: VersionRequirement,
    source_id: SourceId,
    /// For path dependencies, the directory (absolute).
    path: Option<PathBuf>,
    /// `registry = ".."` as written, for alternative registries.
    registry: Option<String>,
    kind: DepKind,
    optional: bool,
    default_features: bool,
    features: Vec<String>,
    platform: Option<Platform>,
    public: Option<bool>,
}

impl Dependency {
    /// A normal, non-optional dependency with default features.
    pub fn new(
        package_name: impl Into<String>,
        version_req: VersionRequirement,
        source_id: SourceId,
    ) -> Dependency {
        let package_name = package_name.into();
        Dependency {
            name_in_toml: package_name.clone(),
            explicit_package: false,
            package_name,
            version_req,
            source_id,
            path: None,
            registry: None,
            kind: DepKind::Normal,
            optional: false,
            default_features: true,
            features: Vec::new(),
            platform: None,
            public: None,
        }
    }

    pub fn name_in_toml(&self) -> &str {
        &self.name_in_toml
    }

    pub fn package_name(&self) -> &str {
        &self.package_name
    }

    /// `Some(key)` when the dependency is renamed (`key = { package = .. }`,
    /// also when `package` repeats the key, as cargo counts it).
    pub fn rename(&self) -> Option<&str> {
        (self.explicit_package || self.name_in_toml != self.package_name)
            .then_some(self.name_in_toml.as_str())
    }

    /// Mark the dependency as written with `package = ...`.
    pub fn set_explicit_package(&mut self, explicit: bool) -> &mut Dependency {
        self.explicit_package = explicit;
        self
    }

    pub fn version_req(&self) -> &VersionRequirement {
        &self.version_req
    }

    pub fn source_id(&self) -> &SourceId {
        &self.source_id
    }

    pub fn path(&self) -> Option<&PathBuf> {
        self.path.as_ref()
    }

    pub fn registry(&self) -> Option<&str> {
        self.registry.as_deref()
    }

    pub fn kind(&self) -> DepKind {
        self.kind
    }

    pub fn is_optional(&self) -> bool {
        self.optional
    }

    pub fn uses_default_features(&self) -> bool {
        self.default_features
    }

    pub fn features(&self) -> &[String] {
        &self.features
    }

    pub fn platform(&self) -> Option<&Platform> {
        self.platform.as_ref()
    }

    pub fn public(&self) -> Option<bool> {
        self.public
    }

    /// Whether this dependency applies to a build for `target`.
    pub fn applies_to(&self, target_triple: &str, cfgs: &[crate::cfg::Cfg]) -> bool {
        self.platform
            .as_ref()
            .is_none_or(|p| p.matches(target_triple, cfgs))
    }

    pub fn set_name_in_toml(&mut self, name: impl Into<String>) -> &mut Dependency {
        self.name_in_toml = name.into();
        self
    }

    pub fn set_version_req(&mut self, req: VersionRequirement) -> &mut Dependency {
        self.version_req = req;
        self
    }

    pub fn set_source_id(&mut self, id: SourceId) -> &mut Dependency {
        self.source_id = id;
        self
    }

    pub fn set_path(&mut self, path: Option<PathBuf>) -> &mut Dependency {
        self.path = path;
        self
    }

    pub fn set_registry(&mut self, registry: Option<String>) -> &mut Dependency {
        self.registry = registry;
        self
    }

    pub fn set_kind(&mut self, kind: DepKind) -> &mut Dependency {
        self.kind = kind;
        self
    }

    pub fn set_optional(&mut self, optional: bool) -> &mut Dependency {
        self.optional = optional;
        self
    }

    pub fn set_default_features(&mut self, on: bool) -> &mut Dependency {
        self.default_features = on;
        self
    }

    pub fn set_features(&mut self, features: Vec<String>) -> &mut Dependency {
        self.features = features;
        self
    }

    pub fn set_platform(&mut self, platform: Option<Platform>) -> &mut Dependency {
        self.platform = platform;
        self
    }

    pub fn set_public(&mut self, public: Option<bool>) -> &mut Dependency {
        self.public = public;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_and_req() {
        let mut d = Dependency::new(
            "serde",
            VersionRequirement::parse("1.0").unwrap(),
            SourceId::crates_io(),
        );
        assert_eq!(d.rename(), None);
        assert_eq!(d.version_req().to_string(), "^1.0");
        d.set_name_in_toml("serde1").set_kind(DepKind::Build);
        assert_eq!(d.rename(), Some("serde1"));
        assert_eq!(d.kind().as_metadata_str(), Some("build"));
        assert_eq!(VersionRequirement::any().to_string(), "*");
        assert!(VersionRequirement::parse("=1.2.3").unwrap().is_exact());
        assert!(!VersionRequirement::parse("=1.2").unwrap().is_exact());
        d.set_platform(Some("cfg(windows)".parse().unwrap()));
        assert!(!d.applies_to("x86_64-unknown-linux-gnu", &[crate::cfg::Cfg::name("unix")]));
    }
}
