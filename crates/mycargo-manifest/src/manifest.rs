//! The model a manifest converts into: a package's [`Manifest`] or a
//! [`VirtualManifest`] (a workspace root without a package), with the
//! workspace settings both can carry.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mycargo_core::{Dependency, Edition, FeatureValue, PackageId, PackageIdSpec};

use crate::inherit::InheritableFields;
use crate::profiles::Profiles;
use crate::schema::{RustVersion, TomlLints, TomlManifest};
use crate::target::Target;

/// A successfully read manifest and the warnings reading it produced.
#[derive(Debug, Clone)]
pub struct ParsedManifest {
    pub kind: ManifestKind,
    /// Messages for `warning:` lines, in cargo's words (without the path
    /// prefix cargo adds in multi-package workspaces).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum ManifestKind {
    Package(Box<Manifest>),
    Virtual(Box<VirtualManifest>),
}

impl ParsedManifest {
    pub fn package(&self) -> Option<&Manifest> {
        match &self.kind {
            ManifestKind::Package(p) => Some(p),
            ManifestKind::Virtual(_) => None,
        }
    }

    pub fn virtual_manifest(&self) -> Option<&VirtualManifest> {
        match &self.kind {
            ManifestKind::Virtual(v) => Some(v),
            ManifestKind::Package(_) => None,
        }
    }

    /// The workspace role of the manifest.
    pub fn workspace_config(&self) -> &WorkspaceConfig {
        match &self.kind {
            ManifestKind::Package(p) => &p.workspace,
            ManifestKind::Virtual(v) => &v.workspace,
        }
    }

    pub fn manifest_path(&self) -> &Path {
        match &self.kind {
            ManifestKind::Package(p) => &p.manifest_path,
            ManifestKind::Virtual(v) => &v.manifest_path,
        }
    }

    pub fn profiles(&self) -> Option<&Profiles> {
        match &self.kind {
            ManifestKind::Package(p) => p.profiles.as_ref(),
            ManifestKind::Virtual(v) => v.profiles.as_ref(),
        }
    }

    /// `cargo-features` of the manifest.
    pub fn cargo_features(&self) -> &[String] {
        match &self.kind {
            ManifestKind::Package(p) => &p.cargo_features,
            ManifestKind::Virtual(v) => &v.cargo_features,
        }
    }

    /// `[patch]` entries, for adding the configuration's (which win over
    /// the manifest's of the same name).
    pub fn patch_mut(&mut self) -> &mut BTreeMap<String, Vec<Dependency>> {
        match &mut self.kind {
            ManifestKind::Package(p) => &mut p.patch,
            ManifestKind::Virtual(v) => &mut v.patch,
        }
    }

    pub fn patch(&self) -> &BTreeMap<String, Vec<Dependency>> {
        match &self.kind {
            ManifestKind::Package(p) => &p.patch,
            ManifestKind::Virtual(v) => &v.patch,
        }
    }

    /// `[replace]`: which package each replacement stands in for.
    pub fn replace(&self) -> &[(PackageIdSpec, Dependency)] {
        match &self.kind {
            ManifestKind::Package(p) => &p.replace,
            ManifestKind::Virtual(v) => &v.replace,
        }
    }
}

/// Descriptive package fields (what `cargo metadata` and `publish` show).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageMetadata {
    pub authors: Vec<String>,
    pub description: Option<String>,
    pub homepage: Option<String>,
    pub documentation: Option<String>,
    /// The README path relative to the package root, after auto-detection
    /// and `readme = false`.
    pub readme: Option<String>,
    pub keywords: Vec<String>,
    pub categories: Vec<String>,
    pub license: Option<String>,
    pub license_file: Option<String>,
    pub repository: Option<String>,
    pub links: Option<String>,
    pub badges: BTreeMap<String, BTreeMap<String, String>>,
    /// `[package.metadata]`.
    pub custom: Option<toml::Value>,
}

/// The manifest of a package.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub package_id: PackageId,
    pub manifest_path: PathBuf,
    pub edition: Edition,
    /// Whether `edition` was written (cargo warns when it was not).
    pub edition_set: bool,
    pub rust_version: Option<RustVersion>,
    pub metadata: PackageMetadata,
    pub targets: Vec<Target>,
    /// Errors about targets cargo reports only when they are built
    /// (e.g. a `[[test]]` whose file is missing).
    pub deferred_errors: Vec<String>,
    pub dependencies: Vec<Dependency>,
    /// `[features]` as written.
    pub features: BTreeMap<String, Vec<String>>,
    /// The feature map: written features plus the implicit feature of each
    /// optional dependency not named with `dep:`.
    pub feature_map: BTreeMap<String, Vec<FeatureValue>>,
    /// `None`: publish anywhere; `Some([])`: `publish = false`.
    pub publish: Option<Vec<String>>,
    pub default_run: Option<String>,
    pub exclude: Vec<String>,
    pub include: Vec<String>,
    pub workspace: WorkspaceConfig,
    pub profiles: Option<Profiles>,
    pub patch: BTreeMap<String, Vec<Dependency>>,
    pub replace: Vec<(PackageIdSpec, Dependency)>,
    pub lints: Option<TomlLints>,
    pub cargo_features: Vec<String>,
    /// `package.metabuild`: the build-dependencies whose `metabuild()`
    /// the generated build script calls, in order.
    pub metabuild: Option<Vec<String>>,
    /// `package.resolver` as written.
    pub resolver: Option<String>,
    /// The schema after inheritance was resolved.
    pub normalized_toml: Box<TomlManifest>,
}

impl Manifest {
    pub fn name(&self) -> &str {
        self.package_id.name()
    }

    pub fn version(&self) -> &semver::Version {
        self.package_id.version()
    }

    /// The package directory.
    pub fn root(&self) -> &Path {
        self.manifest_path.parent().unwrap_or(Path::new(""))
    }

    pub fn lib_target(&self) -> Option<&Target> {
        self.targets.iter().find(|t| t.is_lib())
    }

    /// The first build script (a package has one unless it uses
    /// `multiple-build-scripts`), the `package.metabuild` one included.
    pub fn custom_build(&self) -> Option<&Target> {
        self.targets.iter().find(|t| t.is_custom_build())
    }

    /// The build scripts `package.build` names (or `build.rs`), in order;
    /// not the one `package.metabuild` generates.
    pub fn build_scripts(&self) -> impl Iterator<Item = &Target> {
        self.targets
            .iter()
            .filter(|t| t.is_custom_build() && !t.metabuild)
    }
}

/// A manifest with `[workspace]` and no `[package]`.
#[derive(Debug, Clone)]
pub struct VirtualManifest {
    pub manifest_path: PathBuf,
    pub workspace: WorkspaceConfig,
    pub profiles: Option<Profiles>,
    pub patch: BTreeMap<String, Vec<Dependency>>,
    pub replace: Vec<(PackageIdSpec, Dependency)>,
    pub cargo_features: Vec<String>,
    pub normalized_toml: Box<TomlManifest>,
}

impl VirtualManifest {
    pub fn root(&self) -> &Path {
        self.manifest_path.parent().unwrap_or(Path::new(""))
    }
}

/// A manifest's role in a workspace.
#[derive(Debug, Clone)]
pub enum WorkspaceConfig {
    /// It has a `[workspace]` table.
    Root(Box<WorkspaceRootConfig>),
    /// It is (or may be) a member; `root` is `package.workspace`.
    Member { root: Option<String> },
}

impl WorkspaceConfig {
    /// The root manifest this config points at when seen from
    /// `self_path`, for a package at `look_from` (cargo's `get_ws_root`).
    pub fn ws_root(&self, self_path: &Path, look_from: &Path) -> Option<PathBuf> {
        match self {
            WorkspaceConfig::Root(r) => {
                (!r.is_excluded(look_from)).then(|| self_path.to_path_buf())
            }
            WorkspaceConfig::Member { root: Some(root) } => {
                let dir = self_path.parent().unwrap_or(Path::new(""));
                Some(mycargo_util::fs::normalize_path(
                    &dir.join(root).join("Cargo.toml"),
                ))
            }
            WorkspaceConfig::Member { root: None } => None,
        }
    }

    pub fn root_config(&self) -> Option<&WorkspaceRootConfig> {
        match self {
            WorkspaceConfig::Root(r) => Some(r),
            WorkspaceConfig::Member { .. } => None,
        }
    }
}

/// The `[workspace]` table of a root.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceRootConfig {
    pub root_dir: PathBuf,
    pub members: Option<Vec<String>>,
    pub default_members: Option<Vec<String>>,
    pub exclude: Vec<String>,
    pub resolver: Option<String>,
    pub metadata: Option<toml::Value>,
    pub inheritable: InheritableFields,
}

impl WorkspaceRootConfig {
    /// Whether `manifest_path` is excluded (and not also listed as a member).
    pub fn is_excluded(&self, manifest_path: &Path) -> bool {
        let excluded = self
            .exclude
            .iter()
            .any(|ex| manifest_path.starts_with(self.root_dir.join(ex)));
        let explicit_member = self.members.as_ref().is_some_and(|ms| {
            ms.iter()
                .any(|m| manifest_path.starts_with(self.root_dir.join(m)))
        });
        !explicit_member && excluded
    }

    pub fn has_members_list(&self) -> bool {
        self.members.is_some()
    }
}
