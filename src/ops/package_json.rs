//! A package as cargo's JSON shows it (`read-manifest`, and each entry of
//! `metadata`'s `packages`): the same keys, in the same order, with the
//! same nulls.

use std::collections::BTreeMap;

use mycargo_core::Dependency;
use mycargo_manifest::{Manifest, Target};
use serde::Serialize;

#[derive(Serialize)]
pub struct PackageJson<'a> {
    name: &'a str,
    version: String,
    id: String,
    license: Option<&'a str>,
    license_file: Option<&'a str>,
    description: Option<&'a str>,
    source: Option<String>,
    dependencies: Vec<DependencyJson<'a>>,
    targets: Vec<TargetJson<'a>>,
    features: BTreeMap<&'a str, Vec<String>>,
    manifest_path: String,
    metadata: Option<&'a toml::Value>,
    publish: Option<&'a [String]>,
    authors: &'a [String],
    categories: &'a [String],
    keywords: &'a [String],
    readme: Option<&'a str>,
    repository: Option<&'a str>,
    homepage: Option<&'a str>,
    documentation: Option<&'a str>,
    edition: &'a str,
    links: Option<&'a str>,
    /// `package.metabuild` (unstable), only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    metabuild: Option<&'a [String]>,
    default_run: Option<&'a str>,
    rust_version: Option<String>,
    /// `[hints]` (cargo 1.95 prints it only when the manifest has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    hints: Option<&'a toml::Value>,
}

#[derive(Serialize)]
struct DependencyJson<'a> {
    name: &'a str,
    source: Option<String>,
    req: String,
    kind: Option<&'static str>,
    rename: Option<&'a str>,
    optional: bool,
    uses_default_features: bool,
    features: &'a [String],
    target: Option<String>,
    registry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    /// `-Z public-dependency`: whether the dependency is public.
    #[serde(skip_serializing_if = "Option::is_none")]
    public: Option<bool>,
}

#[derive(Serialize)]
struct TargetJson<'a> {
    kind: Vec<String>,
    crate_types: Vec<String>,
    name: &'a str,
    src_path: String,
    edition: &'a str,
    #[serde(rename = "required-features", skip_serializing_if = "Option::is_none")]
    required_features: Option<&'a [String]>,
    doc: bool,
    doctest: bool,
    test: bool,
}

impl<'a> PackageJson<'a> {
    /// With `-Z public-dependency`: each dependency says whether it is
    /// public (`false` unless the manifest says so).
    pub fn with_public(mut self, m: &Manifest) -> PackageJson<'a> {
        for (j, d) in self.dependencies.iter_mut().zip(&m.dependencies) {
            j.public = Some(d.public().unwrap_or(false));
        }
        self
    }

    pub fn new(m: &'a Manifest) -> PackageJson<'a> {
        let md = &m.metadata;
        let source_id = m.package_id.source_id();
        PackageJson {
            name: m.name(),
            version: m.version().to_string(),
            id: m.package_id.to_spec_string(),
            license: md.license.as_deref(),
            license_file: md.license_file.as_deref(),
            description: md.description.as_deref(),
            source: (!source_id.is_path()).then(|| source_id.as_url()),
            dependencies: m.dependencies.iter().map(dependency).collect(),
            // The generated metabuild script is no target of the package.
            targets: m
                .targets
                .iter()
                .filter(|t| !t.metabuild)
                .map(target)
                .collect(),
            features: m
                .feature_map
                .iter()
                .map(|(k, v)| (k.as_str(), v.iter().map(|f| f.to_string()).collect()))
                .collect(),
            manifest_path: m.manifest_path.display().to_string(),
            // Serialized as is, in the manifest's key order (as cargo).
            metadata: md.custom.as_ref(),
            publish: m.publish.as_deref(),
            authors: &md.authors,
            categories: &md.categories,
            keywords: &md.keywords,
            readme: md.readme.as_deref(),
            repository: md.repository.as_deref(),
            homepage: md.homepage.as_deref(),
            documentation: md.documentation.as_deref(),
            edition: m.edition.as_str(),
            links: md.links.as_deref(),
            metabuild: m.metabuild.as_deref(),
            default_run: m.default_run.as_deref(),
            rust_version: m.rust_version.as_ref().map(|v| v.to_string()),
            hints: m.normalized_toml.hints.as_ref(),
        }
    }
}

fn dependency(d: &Dependency) -> DependencyJson<'_> {
    let sid = d.source_id();
    DependencyJson {
        name: d.package_name(),
        source: (!sid.is_path()).then(|| sid.as_url()),
        req: d.version_req().req.to_string(),
        kind: d.kind().as_metadata_str(),
        rename: d.rename(),
        optional: d.is_optional(),
        uses_default_features: d.uses_default_features(),
        features: d.features(),
        target: d.platform().map(|p| p.to_string()),
        // Any registry but crates.io is named by its index URL.
        registry: (sid.is_registry() && !sid.is_crates_io()).then(|| sid.url().to_string()),
        // Only a path source has one (cargo's `SourceId::local_path`): a
        // path dependency inside a git repository is that git source.
        path: sid
            .is_path()
            .then(|| d.path().map(|p| p.display().to_string()))
            .flatten(),
        public: None,
    }
}

fn target(t: &Target) -> TargetJson<'_> {
    TargetJson {
        kind: t.kind.metadata_kinds(),
        crate_types: t.kind.crate_types(),
        name: &t.name,
        src_path: t.src_path.display().to_string(),
        edition: t.edition.as_str(),
        required_features: t.required_features.as_deref(),
        doc: t.doc,
        doctest: t.metadata_doctest(),
        test: t.tested,
    }
}
