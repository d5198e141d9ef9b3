//! Dependency specs → [`Dependency`]: sources (path, git, registry),
//! version requirements, `workspace = true` inheritance, and cargo's checks
//! and warnings for each form.

use std::collections::BTreeMap;
use std::path::Path;

use mycargo_core::{
    DepKind, Dependency, Edition, GitReference, Platform, SourceId, VersionRequirement,
};

use crate::error::Chain;
use crate::inherit::{InheritableFields, inherit_context};
use crate::schema::{
    InheritableDependency, TomlDependency, TomlDetailedDependency, TomlInheritedDependency,
};

/// What converting a dependency needs to know about its manifest.
pub(crate) struct DepContext<'a> {
    /// The package directory (path dependencies are relative to it).
    pub root: &'a Path,
    pub edition: Edition,
    /// Known registries: name → index URL (from configuration).
    pub registries: &'a BTreeMap<String, url::Url>,
    pub warnings: &'a mut Vec<String>,
    /// Lazily found workspace fields for `workspace = true`.
    pub inherit: &'a mut dyn FnMut() -> Result<InheritableFields, Chain>,
    /// `cargo-features = ["public-dependency"]` (nightly): `public` counts.
    pub public_dependency: bool,
    /// `[path-bases]` from configuration when `cargo-features =
    /// ["path-bases"]` is on (`None`: `base` is refused).
    pub path_bases: Option<&'a BTreeMap<String, std::path::PathBuf>>,
}

/// `default_features` and the like: warn (or, from 2024, refuse) the
/// underscore spelling.
pub(crate) fn deprecated_underscore(
    old_set: bool,
    new_set: bool,
    new: &str,
    name: &str,
    kind: &str,
    edition: Edition,
    warnings: &mut Vec<String>,
) -> Result<(), Chain> {
    if !old_set {
        return Ok(());
    }
    let old = new.replace('-', "_");
    if new_set {
        warnings.push(format!(
            "`{old}` is redundant with `{new}`, preferring `{new}` in the `{name}` {kind}"
        ));
        Ok(())
    } else if edition >= Edition::Edition2024 {
        Err(Chain::new(format!(
            "`{old}` is unsupported as of the 2024 edition; instead use `{new}`\n(in the `{name}` {kind})"
        )))
    } else {
        warnings.push(format!(
            "`{old}` is deprecated in favor of `{new}` and will not work in the 2024 edition\n(in the `{name}` {kind})"
        ));
        Ok(())
    }
}

/// Convert every entry of one dependency table. `table` is the dotted name
/// used in unused-key warnings (`dependencies`, `target.cfg(unix).dependencies`).
pub(crate) fn convert_table(
    entries: &BTreeMap<crate::schema::PackageName, InheritableDependency>,
    kind: DepKind,
    platform: Option<&Platform>,
    table: &str,
    cx: &mut DepContext<'_>,
) -> Result<Vec<Dependency>, Chain> {
    let mut out = Vec::new();
    for (name, dep) in entries {
        let detailed = match dep {
            InheritableDependency::Value(v) => v.clone(),
            InheritableDependency::Inherit(w) => {
                for key in w.unused_keys.keys() {
                    cx.warnings
                        .push(format!("unused manifest key: {table}.{name}.{key}"));
                }
                inherit_dependency(name, w, cx)
                    .map_err(|e| inherit_context(name, "dependencies", e))?
            }
        };
        if let TomlDependency::Detailed(d) = &detailed
            && matches!(dep, InheritableDependency::Value(_))
        {
            for key in d.unused_keys.keys() {
                cx.warnings
                    .push(format!("unused manifest key: {table}.{name}.{key}"));
            }
        }
        let mut d = to_dependency(&detailed, name, cx)?;
        d.set_kind(kind).set_platform(platform.cloned());
        out.push(d);
    }
    Ok(out)
}

/// Merge a `{ workspace = true, ... }` entry with the workspace's spec.
fn inherit_dependency(
    name: &str,
    w: &TomlInheritedDependency,
    cx: &mut DepContext<'_>,
) -> Result<TomlDependency, Chain> {
    let fields = (cx.inherit)()?;
    let ws = fields.dependency(name, cx.root)?;
    let mut d = match ws {
        TomlDependency::Simple(v) => TomlDetailedDependency {
            version: Some(v),
            ..TomlDetailedDependency::default()
        },
        TomlDependency::Detailed(d) => *d,
    };
    // As cargo: the member's own `default_features` spelling passes
    // unremarked; the workspace's is reported (below, on the merged entry)
    // against the member that inherits it.
    let member_df = w.default_features.or(w.default_features2);
    let ws_df = d.default_features.or(d.default_features2);
    match (member_df, ws_df) {
        (Some(true), Some(false)) => d.default_features = Some(true),
        (Some(false), ws @ (Some(true) | None)) => {
            if cx.edition >= Edition::Edition2024 {
                return Err(Chain::new(
                    "`default-features = false` cannot override workspace's `default-features`",
                ));
            }
            let ws = match ws {
                Some(true) => "true",
                _ => "not specified",
            };
            cx.warnings.push(format!(
                "`default-features` is ignored for {name}, since `default-features` was {ws} for `workspace.dependencies.{name}`, this could become a hard error in the future"
            ));
        }
        _ => {}
    }
    if let Some(extra) = &w.features {
        d.features
            .get_or_insert_with(Vec::new)
            .extend(extra.iter().cloned());
    }
    d.optional = w.optional;
    d.public = w.public;
    d.unused_keys.clear();
    Ok(TomlDependency::Detailed(Box::new(d)))
}

/// The directory a path base names: configuration's `[path-bases]`, else
/// the built-in `workspace` (the workspace root).
fn path_base(base: &str, cx: &mut DepContext<'_>) -> Result<std::path::PathBuf, Chain> {
    let Some(bases) = cx.path_bases else {
        return Err(Chain::new(PATH_BASES_REQUIRED));
    };
    if let Some(dir) = bases.get(base) {
        return Ok(dir.clone());
    }
    match base {
        "workspace" => Ok((cx.inherit)()?.ws_root),
        _ => Err(Chain::new(undefined_path_base(base))),
    }
}

/// cargo's error for a path base without `cargo-features = ["path-bases"]`.
pub const PATH_BASES_REQUIRED: &str = "feature `path-bases` is required\n\n\
     The package requires the Cargo feature called `path-bases`, but that feature is not stabilized in this version of Cargo (1.95.0).\n\
     Consider trying a newer version of Cargo (this may require the nightly release).\n\
     See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html#path-bases for more information about the status of this feature.";

/// cargo's error for a path base configured nowhere.
pub fn undefined_path_base(base: &str) -> String {
    format!(
        "path base `{base}` is undefined. You must add an entry for `{base}` in the Cargo configuration [path-bases] table."
    )
}

/// One spec → a [`Dependency`] (cargo's `detailed_dep_to_dependency`).
pub(crate) fn to_dependency(
    spec: &TomlDependency,
    name: &str,
    cx: &mut DepContext<'_>,
) -> Result<Dependency, Chain> {
    let detailed;
    let orig = match spec {
        TomlDependency::Simple(v) => {
            detailed = TomlDetailedDependency {
                version: Some(v.clone()),
                ..TomlDetailedDependency::default()
            };
            &detailed
        }
        TomlDependency::Detailed(d) => d,
    };
    // `base = "<name>"`: the path is under that base (cargo's
    // `normalize_path_dependency`).
    let rebased;
    let orig = match &orig.base {
        Some(base) => {
            let Some(path) = &orig.path else {
                return Err(Chain::new("`base` can only be used with path dependencies")
                    .context(format!("resolving path dependency {name}")));
            };
            let dir = path_base(base, cx)
                .map_err(|e| e.context(format!("resolving path dependency {name}")))?;
            let mut d = orig.clone();
            d.base = None;
            d.path = Some(dir.join(path).to_string_lossy().into_owned());
            rebased = d;
            &rebased
        }
        None => orig,
    };
    if orig.version.is_none() && orig.path.is_none() && orig.git.is_none() {
        return Err(Chain::new(format!(
            "dependency ({name}) specified without providing a local path, Git repository, version, or workspace dependency to use"
        )));
    }
    if let Some(v) = &orig.version
        && v.contains('+')
    {
        cx.warnings.push(format!(
            "version requirement `{v}` for dependency `{name}` includes semver metadata which will be ignored, removing the metadata is recommended to avoid confusion"
        ));
    }
    if orig.git.is_none() {
        for (value, key) in [
            (&orig.branch, "branch"),
            (&orig.tag, "tag"),
            (&orig.rev, "rev"),
        ] {
            if value.is_some() {
                return Err(Chain::new(format!(
                    "key `{key}` is ignored for dependency ({name})."
                )));
            }
        }
    }
    for f in orig.features.iter().flatten() {
        if f.contains('/') {
            return Err(Chain::new(format!(
                "feature `{f}` in dependency `{name}` is not allowed to contain slashes\n\
                 If you want to enable features of a transitive dependency, the direct dependency needs to re-export those features from the `[features]` table."
            )));
        }
        if f.starts_with("dep:") {
            return Err(Chain::new(format!(
                "feature `{f}` in dependency `{name}` is not allowed to use explicit `dep:` syntax\n\
                 If you want to enable an optional dependency, specify the name of the optional dependency without the `dep:` prefix, \
                 or specify a feature from the dependency's `[features]` table that enables the optional dependency."
            )));
        }
    }
    if orig.artifact.is_some() {
        return Err(Chain::new(format!(
            "`artifact = …` requires `-Z bindeps` ({name})"
        )));
    }
    if orig.lib.is_some() {
        return Err(Chain::new(format!(
            "'lib' specifier cannot be used without an 'artifact = …' value ({name})"
        )));
    }
    if orig.target.is_some() {
        return Err(Chain::new(format!(
            "'target' specifier cannot be used without an 'artifact = …' value ({name})"
        )));
    }
    let (source_id, path) = source_for(orig, name, cx)?;
    let package_name = orig.package.as_ref().map_or(name, |p| p.as_str());
    let req = match &orig.version {
        Some(v) => VersionRequirement::parse(v.trim()).map_err(|e| {
            Chain::new(e.to_string()).context(format!(
                "failed to parse the version requirement `{v}` for dependency `{name}`"
            ))
        })?,
        None => VersionRequirement::any(),
    };
    deprecated_underscore(
        orig.default_features2.is_some(),
        orig.default_features.is_some(),
        "default-features",
        name,
        "dependency",
        cx.edition,
        cx.warnings,
    )?;
    let mut dep = Dependency::new(package_name, req, source_id);
    dep.set_name_in_toml(name)
        .set_explicit_package(orig.package.is_some())
        .set_path(path)
        .set_features(orig.features.clone().unwrap_or_default())
        .set_default_features(
            orig.default_features
                .or(orig.default_features2)
                .unwrap_or(true),
        )
        .set_optional(orig.optional.unwrap_or(false))
        .set_registry(orig.registry.as_ref().map(|r| r.0.clone()));
    if cx.public_dependency {
        dep.set_public(orig.public);
    } else if orig.public.is_some() {
        cx.warnings.push(format!(
            "ignoring `public` on dependency {name}, pass `-Zpublic-dependency` to enable support for it"
        ));
    }
    Ok(dep)
}

fn source_for(
    orig: &TomlDetailedDependency,
    name: &str,
    cx: &mut DepContext<'_>,
) -> Result<(SourceId, Option<std::path::PathBuf>), Chain> {
    let ambiguous = |what: &str| {
        Chain::new(format!(
            "dependency ({name}) specification is ambiguous. Only one of {what} is allowed."
        ))
    };
    let registry_url = |reg: &str, cx: &DepContext<'_>| -> Result<SourceId, Chain> {
        if reg == mycargo_core::source_id::CRATES_IO_REGISTRY {
            return Ok(SourceId::crates_io());
        }
        match cx.registries.get(reg) {
            Some(url) => Ok(SourceId::for_alt_registry(url, reg)),
            None => Err(Chain::new(format!(
                "registry index was not found in any configuration: `{reg}`"
            ))),
        }
    };
    match (&orig.git, &orig.path, &orig.registry, &orig.registry_index) {
        (Some(_), _, Some(_), _) | (Some(_), _, _, Some(_)) => {
            Err(ambiguous("`git` or `registry`"))
        }
        (_, _, Some(_), Some(_)) => Err(ambiguous("`registry` or `registry-index`")),
        (Some(git), path, _, _) => {
            if path.is_some() {
                return Err(ambiguous("`git` or `path`"));
            }
            let n = [&orig.branch, &orig.tag, &orig.rev]
                .iter()
                .filter(|d| d.is_some())
                .count();
            if n > 1 {
                return Err(ambiguous("`branch`, `tag` or `rev`"));
            }
            let reference = orig
                .branch
                .clone()
                .map(GitReference::Branch)
                .or_else(|| orig.tag.clone().map(GitReference::Tag))
                .or_else(|| orig.rev.clone().map(GitReference::Rev))
                .unwrap_or(GitReference::DefaultBranch);
            let url =
                mycargo_core::source_id::parse_url(git).map_err(|e| Chain::new(e.to_string()))?;
            if let Some(fragment) = url.fragment() {
                cx.warnings.push(format!(
                    "URL fragment `#{fragment}` in git URL is ignored for dependency ({name}). \
                     If you were trying to specify a specific git revision, use `rev = \"{fragment}\"` in the dependency declaration."
                ));
            }
            Ok((SourceId::for_git(&url, reference), None))
        }
        (None, Some(path), _, _) => {
            let abs = mycargo_util::fs::normalize_path(&cx.root.join(path));
            let id = SourceId::for_path(&abs).map_err(|e| Chain::new(e.to_string()))?;
            Ok((id, Some(abs)))
        }
        (None, None, Some(reg), None) => Ok((registry_url(reg, cx)?, None)),
        (None, None, None, Some(index)) => {
            let url =
                mycargo_core::source_id::parse_url(index).map_err(|e| Chain::new(e.to_string()))?;
            let id = SourceId::for_registry(&url);
            // An index `[registries]` names goes by that name in messages
            // (as in cargo, whose packaged manifests say `registry-index`).
            let named = cx
                .registries
                .iter()
                .find(|(_, u)| SourceId::for_registry(u) == id)
                .map(|(n, u)| SourceId::for_alt_registry(u, n));
            Ok((named.unwrap_or(id), None))
        }
        (None, None, None, None) => Ok((SourceId::crates_io(), None)),
    }
}

/// One `[patch.<source>]` entry of the configuration (`.cargo/config.toml`
/// or `--config`): `spec` as written there, its relative paths already
/// made absolute by the caller (they are relative to the configuration
/// file, not to a package).
pub fn config_patch(
    name: &str,
    spec: toml::Value,
    registries: &BTreeMap<String, url::Url>,
) -> Result<mycargo_core::Dependency, Chain> {
    let spec: TomlDependency = spec
        .try_into()
        .map_err(|e: toml::de::Error| Chain::new(e.message().to_string()))?;
    let mut warnings = Vec::new();
    let mut inherit = || -> Result<InheritableFields, Chain> {
        Err(Chain::new(
            "`workspace = true` cannot be used in a patch from the configuration",
        ))
    };
    let root = Path::new("/");
    let mut dcx = DepContext {
        root,
        edition: mycargo_core::Edition::Edition2021,
        registries,
        warnings: &mut warnings,
        inherit: &mut inherit,
        public_dependency: false,
        path_bases: None,
    };
    to_dependency(&spec, name, &mut dcx)
}
