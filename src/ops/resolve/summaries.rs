//! What the version resolver knows of a package: from a manifest (path
//! packages) or from an index line (registry packages).

use std::collections::BTreeMap;

use anyhow::Context as _;
use mycargo_core::source_id::parse_url;
use mycargo_core::{
    DepKind, Dependency, FeatureValue, PackageId, PartialVersion, SourceId, VersionRequirement,
};
use mycargo_manifest::Manifest;
use mycargo_resolver::version::Summary;
use mycargo_sources::index::summary::IndexSummary;

/// A path package's summary: its dependencies as declared, its features.
pub fn from_manifest(m: &Manifest) -> Summary {
    Summary::new(
        m.package_id.clone(),
        m.dependencies.clone(),
        m.feature_map.clone(),
    )
    .with_links(m.metadata.links.clone())
    .with_rust_version(m.rust_version.as_ref().map(|r| r.0.clone()))
}

/// A registry package's summary from its index line. `source` is the
/// source the dependency named (what the lock file records), not the one
/// that replaced it.
pub fn from_index(source: &SourceId, line: &IndexSummary) -> anyhow::Result<Summary> {
    let id = PackageId::new(line.name.clone(), line.version.clone(), source.clone());
    let mut deps = Vec::with_capacity(line.deps.len());
    for d in &line.deps {
        let req = VersionRequirement::parse(&d.req).with_context(|| {
            format!(
                "invalid requirement `{}` for `{}` in the index entry of `{id}`",
                d.req, d.name
            )
        })?;
        let dep_source = match &d.registry {
            Some(url) => SourceId::for_registry(&parse_url(url).with_context(|| {
                format!("invalid registry `{url}` in the index entry of `{id}`")
            })?),
            None => source.clone(),
        };
        let mut dep = Dependency::new(d.package_name().to_string(), req, dep_source);
        dep.set_name_in_toml(d.name.clone())
            .set_explicit_package(d.package.is_some())
            .set_kind(d.kind)
            .set_optional(d.optional)
            .set_default_features(d.default_features)
            .set_features(d.features.clone())
            .set_public(d.public);
        if let Some(target) = &d.target {
            let platform = target.parse().with_context(|| {
                format!("invalid target `{target}` in the index entry of `{id}`")
            })?;
            dep.set_platform(Some(platform));
        }
        // Dev-dependencies of a registry package are never built.
        if d.kind != DepKind::Development {
            deps.push(dep);
        }
    }
    let features: BTreeMap<String, Vec<FeatureValue>> = line
        .features
        .get_unkept()
        .iter()
        .map(|(k, v)| (k.clone(), v.iter().map(|f| FeatureValue::new(f)).collect()))
        .collect();
    let rust_version = line
        .rust_version
        .as_deref()
        .and_then(|r| r.parse::<PartialVersion>().ok());
    Ok(Summary::new(id, deps, features)
        .with_links(line.links.clone())
        .with_rust_version(rust_version)
        .with_yanked(line.yanked)
        // A vendored git package has no checksum (`"package": null`).
        .with_checksum((!line.cksum.is_empty()).then(|| line.cksum.clone())))
}

/// A version as errors name it: its id, yanked state, `rust-version` and
/// checksum, without dependencies or features.
pub fn from_index_named_only(source: &SourceId, line: &IndexSummary) -> Summary {
    let id = PackageId::new(line.name.clone(), line.version.clone(), source.clone());
    let rust_version = line
        .rust_version
        .as_deref()
        .and_then(|r| r.parse::<PartialVersion>().ok());
    Summary::new(id, Vec::new(), BTreeMap::new())
        .with_links(line.links.clone())
        .with_rust_version(rust_version)
        .with_yanked(line.yanked)
        .with_checksum((!line.cksum.is_empty()).then(|| line.cksum.clone()))
}
