//! Schema → model: [`TomlManifest`] becomes a [`Manifest`] or a
//! [`VirtualManifest`], resolving `workspace = true`, finding targets,
//! converting dependencies, and applying cargo's validation in cargo's order.

use std::collections::BTreeMap;
use std::path::Path;

use mycargo_core::{DepKind, Dependency, Edition, PackageId, PackageIdSpec, Platform, SourceId};

use crate::dependencies::{DepContext, convert_table, deprecated_underscore, to_dependency};
use crate::error::{Chain, ManifestError};
use crate::features::{build_feature_map, unknown_dep_features};
use crate::inherit::{InheritableFields, inherit_context};
use crate::manifest::{
    Manifest, ManifestKind, PackageMetadata, ParsedManifest, VirtualManifest, WorkspaceConfig,
    WorkspaceRootConfig,
};
use crate::parse::{ParsedToml, diagnostic, key_span_of, span_of};
use crate::profiles::Profiles;
use crate::schema::{
    DepTable, InheritableField, StringOrBool, TomlLints, TomlManifest, TomlPackage,
    TomlPackageBuild, TomlWorkspace, VecStringOrBool,
};
use crate::target::{Target, TargetInput, discover_targets};

/// Everything conversion needs besides the schema.
pub(crate) struct ConvertContext<'a> {
    pub manifest_path: &'a Path,
    pub source: &'a str,
    pub display_path: &'a str,
    pub registries: &'a BTreeMap<String, url::Url>,
    /// Finds the workspace's inheritable fields (called at most when needed).
    pub inherit: &'a mut dyn FnMut() -> Result<InheritableFields, Chain>,
    pub nightly: &'a crate::read::NightlyGate,
    /// `-Z public-dependency` was given.
    pub public_dependency: bool,
    /// `-Z cargo-lints` was given.
    pub cargo_lints: bool,
    /// `[path-bases]` from configuration.
    pub path_bases: &'a BTreeMap<String, std::path::PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stability {
    Stable,
    Unstable,
    Removed,
}

/// cargo 1.95's `cargo-features`: name, status, release, documentation page.
const CARGO_FEATURES: &[(Stability, &str, &str, &str)] = &[
    (Stability::Stable, "test-dummy-stable", "1.0", ""),
    (
        Stability::Unstable,
        "test-dummy-unstable",
        "",
        "reference/unstable.html",
    ),
    (
        Stability::Stable,
        "alternative-registries",
        "1.34",
        "reference/registries.html",
    ),
    (
        Stability::Stable,
        "edition",
        "1.31",
        "reference/manifest.html#the-edition-field",
    ),
    (
        Stability::Stable,
        "rename-dependency",
        "1.31",
        "reference/specifying-dependencies.html#renaming-dependencies-in-cargotoml",
    ),
    (
        Stability::Removed,
        "publish-lockfile",
        "1.37",
        "reference/unstable.html#publish-lockfile",
    ),
    (
        Stability::Stable,
        "profile-overrides",
        "1.41",
        "reference/profiles.html#overrides",
    ),
    (
        Stability::Stable,
        "default-run",
        "1.37",
        "reference/manifest.html#the-default-run-field",
    ),
    (
        Stability::Unstable,
        "metabuild",
        "",
        "reference/unstable.html#metabuild",
    ),
    (
        Stability::Unstable,
        "public-dependency",
        "",
        "reference/unstable.html#public-dependency",
    ),
    (
        Stability::Stable,
        "named-profiles",
        "1.57",
        "reference/profiles.html#custom-profiles",
    ),
    (
        Stability::Stable,
        "resolver",
        "1.51",
        "reference/resolver.html#resolver-versions",
    ),
    (
        Stability::Stable,
        "strip",
        "1.58",
        "reference/profiles.html#strip-option",
    ),
    (
        Stability::Stable,
        "rust-version",
        "1.56",
        "reference/manifest.html#the-rust-version-field",
    ),
    (
        Stability::Stable,
        "edition2021",
        "1.56",
        "reference/manifest.html#the-edition-field",
    ),
    (
        Stability::Unstable,
        "per-package-target",
        "",
        "reference/unstable.html#per-package-target",
    ),
    (
        Stability::Unstable,
        "codegen-backend",
        "",
        "reference/unstable.html#codegen-backend",
    ),
    (
        Stability::Unstable,
        "different-binary-name",
        "",
        "reference/unstable.html#different-binary-name",
    ),
    (
        Stability::Unstable,
        "profile-rustflags",
        "",
        "reference/unstable.html#profile-rustflags-option",
    ),
    (
        Stability::Stable,
        "workspace-inheritance",
        "1.64",
        "reference/unstable.html#workspace-inheritance",
    ),
    (
        Stability::Stable,
        "edition2024",
        "1.85",
        "reference/manifest.html#the-edition-field",
    ),
    (
        Stability::Unstable,
        "trim-paths",
        "",
        "reference/unstable.html#profile-trim-paths-option",
    ),
    (
        Stability::Unstable,
        "open-namespaces",
        "",
        "reference/unstable.html#open-namespaces",
    ),
    (
        Stability::Unstable,
        "path-bases",
        "",
        "reference/unstable.html#path-bases",
    ),
    (
        Stability::Unstable,
        "unstable-editions",
        "",
        "reference/unstable.html#unstable-editions",
    ),
    (
        Stability::Unstable,
        "multiple-build-scripts",
        "",
        "reference/unstable.html#multiple-build-scripts",
    ),
    (
        Stability::Unstable,
        "panic-immediate-abort",
        "",
        "reference/unstable.html#panic-immediate-abort",
    ),
];

/// Nightly-only features mycargo implements; the others are refused even
/// on nightly, clearly, rather than accepted and ignored.
const NIGHTLY_SUPPORTED: &[&str] = &[
    "different-binary-name",
    "metabuild",
    "multiple-build-scripts",
    "open-namespaces",
    "path-bases",
    "profile-rustflags",
    "public-dependency",
    "test-dummy-unstable",
];

/// cargo's error for a manifest using an unstable feature it did not
/// opt in to with `cargo-features`.
fn feature_gate(f: &str, nightly: bool) -> Chain {
    let advice = if nightly {
        format!(
            "Consider adding `cargo-features = [\"{f}\"]` to the top of Cargo.toml (above the [package] table) to tell Cargo you are opting in to use this unstable feature."
        )
    } else {
        "Consider trying a newer version of Cargo (this may require the nightly release)."
            .to_string()
    };
    Chain::new(format!(
        "feature `{f}` is required\n\n\
         The package requires the Cargo feature called `{f}`, but that feature is not stabilized in this version of Cargo (1.95.0).\n\
         {advice}\n\
         See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html#{f} for more information about the status of this feature."
    ))
}

/// `package.metabuild`: a name or a list of names.
fn metabuild_names(value: Option<&toml::Value>) -> Result<Option<Vec<String>>, Chain> {
    let bad = || {
        Chain::new("invalid type for `package.metabuild`: expected a string or an array of strings")
    };
    match value {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(toml::Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad()),
    }
}

/// cargo's link to its documentation for the channel in use.
fn docs_link(path: &str, nightly: bool) -> String {
    let channel = if nightly { "nightly/" } else { "" };
    format!("https://doc.rust-lang.org/{channel}cargo/{path}")
}

fn check_cargo_features(
    features: &[String],
    nightly: &crate::read::NightlyGate,
    warnings: &mut Vec<String>,
) -> Result<(), Chain> {
    for (i, f) in features.iter().enumerate() {
        let Some(&(status, _, version, docs)) = CARGO_FEATURES.iter().find(|e| e.1 == f) else {
            let mut msg = format!("unknown Cargo.toml feature `{f}`\n\n");
            if f.contains('_') {
                msg.push_str("Feature names must use '-' instead of '_'.\n");
            } else {
                msg.push_str("See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html for more information.\n");
            }
            return Err(Chain::new(msg.trim_end().to_string()));
        };
        if features[..i].contains(f) {
            return Err(Chain::new(format!(
                "the cargo feature `{f}` has already been activated"
            )));
        }
        match status {
            Stability::Stable => warnings.push(format!(
                "the cargo feature `{f}` has been stabilized in the {version} release and is no longer necessary to be listed in the manifest\n  \
                 See {} for more information about using this feature.",
                docs_link(docs, false)
            )),
            Stability::Removed => {
                return Err(Chain::new(format!(
                    "the cargo feature `{f}` has been removed in the {version} release\n\n\
                     Remove the feature from Cargo.toml to remove this error.\n\
                     See {} for more information about using this feature.",
                    docs_link(docs, false)
                )));
            }
            Stability::Unstable if nightly.allowed() => {
                if !NIGHTLY_SUPPORTED.contains(&f.as_str()) {
                    return Err(Chain::new(format!(
                        "the cargo feature `{f}` is not supported by mycargo yet\n\
                         mycargo supports these nightly cargo features: {}",
                        NIGHTLY_SUPPORTED.join(", ")
                    )));
                }
            }
            Stability::Unstable => {
                return Err(Chain::new(format!(
                    "the cargo feature `{f}` requires a nightly version of Cargo, but this is the `stable` channel\n\
                     See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n\
                     See {} for more information about using this feature.",
                    docs_link(docs, false)
                )));
            }
        }
    }
    Ok(())
}

/// The inheritable fields offered by a `[workspace]` at `root_dir`.
pub(crate) fn inheritable_from(ws: &TomlWorkspace, root_dir: &Path) -> InheritableFields {
    InheritableFields {
        package: ws.package.clone().unwrap_or_default(),
        dependencies: ws
            .dependencies
            .iter()
            .flatten()
            .map(|(k, v)| (k.0.clone(), v.clone()))
            .collect(),
        dependencies_defined: ws.dependencies.is_some(),
        lints: ws.lints.clone(),
        ws_root: root_dir.to_path_buf(),
    }
}

fn workspace_root_config(
    ws: &TomlWorkspace,
    root_dir: &Path,
) -> Result<WorkspaceRootConfig, Chain> {
    if let Some(r) = &ws.resolver {
        validate_resolver(r)?;
    }
    for (name, dep) in ws.dependencies.iter().flatten() {
        if let crate::schema::TomlDependency::Detailed(d) = dep
            && d.optional.is_some()
        {
            return Err(Chain::new(format!(
                "{name} is optional, but workspace dependencies cannot be optional"
            )));
        }
    }
    Ok(WorkspaceRootConfig {
        root_dir: root_dir.to_path_buf(),
        members: ws.members.clone(),
        default_members: ws.default_members.clone(),
        exclude: ws.exclude.clone().unwrap_or_default(),
        resolver: ws.resolver.clone(),
        metadata: ws.metadata.clone(),
        inheritable: inheritable_from(ws, root_dir),
    })
}

fn validate_resolver(r: &str) -> Result<(), Chain> {
    if matches!(r, "1" | "2" | "3") {
        Ok(())
    } else {
        Err(Chain::new(format!(
            "`resolver` setting `{r}` is not valid, valid options are \"1\", \"2\" or \"3\""
        )))
    }
}

/// `[patch.<source>]` → dependencies by source key.
/// `features` and `default-features` of a `[patch]` or `[replace]` entry,
/// which cargo ignores there (they belong to the dependency), as cargo
/// lists them in its warning.
fn unused_patch_fields(spec: &crate::schema::TomlDependency) -> Option<String> {
    let crate::schema::TomlDependency::Detailed(d) = spec else {
        return None;
    };
    let mut fields = Vec::new();
    if d.features.as_ref().is_some_and(|f| !f.is_empty()) {
        fields.push("`features`");
    }
    if d.default_features.is_some() || d.default_features2.is_some() {
        fields.push("`default-features`");
    }
    (!fields.is_empty()).then(|| fields.join(", "))
}

fn convert_patch(
    toml: &TomlManifest,
    root: &Path,
    edition: Edition,
    registries: &BTreeMap<String, url::Url>,
    path_bases: Option<&BTreeMap<String, std::path::PathBuf>>,
    inherit: &mut dyn FnMut() -> Result<InheritableFields, Chain>,
    warnings: &mut Vec<String>,
) -> Result<BTreeMap<String, Vec<Dependency>>, Chain> {
    let mut out = BTreeMap::new();
    for (key, deps) in toml.patch.iter().flatten() {
        let is_registry_name = key == "crates-io" || registries.contains_key(key);
        if !is_registry_name && let Err(e) = mycargo_core::source_id::parse_url(key) {
            return Err(Chain::new(e.to_string()).context(format!(
                "[patch] entry `{key}` should be a URL or registry name"
            )));
        }
        let mut list = Vec::new();
        for (name, spec) in deps {
            if let Some(unused) = unused_patch_fields(spec) {
                warnings.push(format!(
                    "unused field in patch for `{name}`: {unused}\n  |\n  = help: configure {unused} in the `dependencies` entry"
                ));
            }
            let mut dcx = DepContext {
                root,
                edition,
                registries,
                warnings,
                inherit: &mut *inherit,
                public_dependency: false,
                path_bases,
            };
            list.push(to_dependency(spec, name, &mut dcx)?);
        }
        out.insert(key.clone(), list);
    }
    Ok(out)
}

/// `[replace]` → (spec, dependency) pairs with cargo's checks.
fn convert_replace(
    toml: &TomlManifest,
    root: &Path,
    edition: Edition,
    registries: &BTreeMap<String, url::Url>,
    inherit: &mut dyn FnMut() -> Result<InheritableFields, Chain>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(PackageIdSpec, Dependency)>, Chain> {
    let mut out = Vec::new();
    for (key, spec) in toml.replace.iter().flatten() {
        let parsed = PackageIdSpec::parse(key, None).map_err(|e| {
            Chain::new(e.to_string()).context(format!(
                "replacements must specify a valid semver version to replace, but `{key}` does not"
            ))
        })?;
        let full = if parsed.url().is_none() {
            PackageIdSpec::parse(
                &format!("{}#{}", mycargo_core::source_id::CRATES_IO_INDEX, parsed),
                None,
            )
            .unwrap_or(parsed)
        } else {
            parsed
        };
        if full.partial_version().is_none() {
            return Err(Chain::new(format!(
                "replacements must specify a version to replace, but `{full}` does not"
            )));
        }
        if let crate::schema::TomlDependency::Simple(_) = spec {
            return Err(Chain::new(format!(
                "replacements cannot specify a version requirement, but found one for `{full}`"
            )));
        }
        if let crate::schema::TomlDependency::Detailed(d) = spec
            && d.version.is_some()
        {
            return Err(Chain::new(format!(
                "replacements cannot specify a version requirement, but found one for `{full}`"
            )));
        }
        let mut dcx = DepContext {
            root,
            edition,
            registries,
            warnings,
            inherit: &mut *inherit,
            public_dependency: false,
            path_bases: None,
        };
        let dep = to_dependency(spec, full.name(), &mut dcx)?;
        out.push((full, dep));
    }
    Ok(out)
}

/// cargo's checks of a lints table: unknown tools warned about, lint
/// names with a tool path refused, `[lints.cargo]` without `-Z
/// cargo-lints` warned about, unused keys of a lint's table.
fn check_lint_tools(
    lints: &TomlLints,
    lint_gate: (bool, &crate::read::NightlyGate),
    warnings: &mut Vec<String>,
) -> Result<(), Chain> {
    const TOOLS: &[&str] = &["cargo", "clippy", "rust", "rustdoc"];
    let (cargo_lints, nightly) = lint_gate;
    for (tool, table) in lints {
        if !TOOLS.contains(&tool.as_str()) {
            warnings.push(format!(
                "unrecognized lint tool `lints.{tool}`, specifying unrecognized tools may break in the future.\n\
                 supported tools: cargo, clippy, rust, rustdoc"
            ));
            continue;
        }
        if tool == "cargo" && !cargo_lints {
            let how = if nightly.allowed() {
                "consider passing `-Zcargo-lints` to enable this feature."
            } else {
                "this Cargo does not support nightly features, but if you\n\
                 switch to nightly channel you can pass\n\
                 `-Zcargo-lints` to enable this feature."
            };
            warnings.push(format!(
                "unused manifest key `lints.cargo` (may be supported in a future version)\n\n{how}"
            ));
        }
        for (lint, l) in table {
            if let Some((prefix, suffix)) = lint.split_once("::") {
                if tool == prefix || (tool == "rust" && TOOLS.contains(&prefix)) {
                    return Err(Chain::new(format!(
                        "`lints.{tool}.{lint}` is not valid lint name; try `lints.{prefix}.{suffix}`"
                    )));
                }
                return Err(Chain::new(format!(
                    "`lints.{tool}.{lint}` is not a valid lint name"
                )));
            }
            if let crate::schema::TomlLint::Config(c) = l {
                for key in c.unused_keys.keys() {
                    if tool == "rust" && lint == "unexpected_cfgs" && key == "check-cfg" {
                        continue;
                    }
                    warnings.push(format!("unused manifest key: `lints.{tool}.{lint}.{key}`"));
                }
            }
        }
    }
    Ok(())
}

fn resolve_lints(
    toml: &TomlManifest,
    inherit: &mut dyn FnMut() -> Result<InheritableFields, Chain>,
    lint_gate: (bool, &crate::read::NightlyGate),
    warnings: &mut Vec<String>,
) -> Result<Option<TomlLints>, Chain> {
    let Some(l) = &toml.lints else {
        return Ok(None);
    };
    let lints = if l.workspace {
        if !l.lints.is_empty() {
            return Err(Chain::new(
                "cannot override `workspace.lints` in `lints`, either remove the overrides or `lints.workspace = true` and manually specify the lints",
            ));
        }
        inherit().and_then(|f| f.lints()).map_err(|e| {
            e.context("error inheriting `lints` from workspace root manifest's `workspace.lints`")
        })?
    } else {
        l.lints.clone()
    };
    check_lint_tools(&lints, lint_gate, warnings)?;
    Ok(Some(lints))
}

/// Convert a parsed manifest (cargo's `to_real_manifest`/`to_virtual_manifest`).
pub(crate) fn convert(
    parsed: ParsedToml,
    cx: &mut ConvertContext<'_>,
) -> Result<ParsedManifest, ManifestError> {
    let path = cx.manifest_path.to_path_buf();
    let invalid = |c: Chain| ManifestError::invalid(&path, c);
    let ParsedToml {
        manifest: toml,
        unused,
        document,
    } = parsed;
    let root = cx
        .manifest_path
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let mut warnings = Vec::new();
    if toml.package().is_none() {
        return convert_virtual(toml, unused, &root, cx, warnings).map_err(invalid);
    }
    let result = convert_package(&toml, &document, &root, cx, &mut warnings);
    let mut manifest = match result {
        Ok(m) => m,
        Err(Failure::Chain(c)) => return Err(invalid(c)),
        Err(Failure::Emitted(diagnostics)) => {
            return Err(ManifestError::Emitted {
                path: path.clone(),
                diagnostics,
            });
        }
    };
    let mut unused = unused;
    unused.sort();
    unused.dedup();
    for key in unused {
        warnings.push(unused_key_warning(&key));
    }
    manifest.normalized_toml = Box::new(toml);
    Ok(ParsedManifest {
        kind: ManifestKind::Package(Box::new(manifest)),
        warnings,
    })
}

enum Failure {
    Chain(Chain),
    Emitted(Vec<mycargo_util::TomlDiagnostic>),
}

impl From<Chain> for Failure {
    fn from(c: Chain) -> Failure {
        Failure::Chain(c)
    }
}

/// `unused manifest key: workspace.dependencies.<name>.<key>` for the
/// keys of `[workspace.dependencies]` entries nothing reads.
fn unused_workspace_dependency_keys(ws: Option<&TomlWorkspace>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, dep) in ws
        .and_then(|w| w.dependencies.as_ref())
        .into_iter()
        .flatten()
    {
        if let crate::schema::TomlDependency::Detailed(d) = dep {
            for key in d.unused_keys.keys() {
                out.push(format!(
                    "unused manifest key: workspace.dependencies.{name}.{key}"
                ));
            }
        }
    }
    out
}

fn convert_virtual(
    toml: TomlManifest,
    unused: Vec<String>,
    root: &Path,
    cx: &mut ConvertContext<'_>,
    mut warnings: Vec<String>,
) -> Result<ParsedManifest, Chain> {
    // cargo names the first of these it finds, in this order, and before
    // it looks for `[workspace]`.
    let sections: [(&str, bool); 12] = [
        ("badges", toml.badges.is_some()),
        ("features", toml.features.is_some()),
        ("lib", toml.lib.is_some()),
        ("bin", toml.bin.is_some()),
        ("example", toml.example.is_some()),
        ("test", toml.test.is_some()),
        ("bench", toml.bench.is_some()),
        ("dependencies", toml.dependencies.is_some()),
        (
            "dev-dependencies",
            toml.dev_dependencies.is_some() || toml.dev_dependencies2.is_some(),
        ),
        (
            "build-dependencies",
            toml.build_dependencies.is_some() || toml.build_dependencies2.is_some(),
        ),
        ("target", toml.target.is_some()),
        ("lints", toml.lints.is_some()),
    ];
    if let Some((name, _)) = sections.iter().find(|(_, set)| *set) {
        return Err(Chain::new(format!(
            "this virtual manifest specifies a `{name}` section, which is not allowed"
        )));
    }
    let Some(ws) = &toml.workspace else {
        return Err(Chain::new(
            "manifest is missing either a `[package]` or a `[workspace]`",
        ));
    };
    let cargo_features = toml.cargo_features.clone().unwrap_or_default();
    check_cargo_features(&cargo_features, cx.nightly, &mut warnings)?;
    let ws_config = workspace_root_config(ws, root)?;
    if let Some(l) = &ws.lints {
        check_lint_tools(l, (cx.cargo_lints, cx.nightly), &mut warnings)?;
    }
    let profiles = match &toml.profile {
        Some(p) => Some(Profiles::from_toml(p, &cargo_features, &mut warnings)?),
        None => None,
    };
    let edition = Edition::Edition2015;
    let patch = convert_patch(
        &toml,
        root,
        edition,
        cx.registries,
        cargo_features
            .iter()
            .any(|f| f == "path-bases")
            .then_some(cx.path_bases),
        &mut *cx.inherit,
        &mut warnings,
    )?;
    let replace = convert_replace(
        &toml,
        root,
        edition,
        cx.registries,
        &mut *cx.inherit,
        &mut warnings,
    )?;
    let mut unused = unused;
    unused.sort();
    unused.dedup();
    for key in unused {
        warnings.push(unused_key_warning(&key));
    }
    Ok(ParsedManifest {
        kind: ManifestKind::Virtual(Box::new(VirtualManifest {
            manifest_path: cx.manifest_path.to_path_buf(),
            workspace: WorkspaceConfig::Root(Box::new(ws_config)),
            profiles,
            patch,
            replace,
            cargo_features,
            normalized_toml: Box::new(toml),
        })),
        warnings,
    })
}

/// Resolve an inheritable field: its value, or the workspace's.
fn field<T>(
    f: &Option<InheritableField<T>>,
    key: &str,
    inherit: &mut dyn FnMut() -> Result<InheritableFields, Chain>,
    get: impl FnOnce(&InheritableFields) -> Result<T, Chain>,
) -> Result<Option<T>, Chain>
where
    T: Clone,
{
    match f {
        None => Ok(None),
        Some(InheritableField::Value(v)) => Ok(Some(v.clone())),
        Some(InheritableField::Inherit) => inherit()
            .and_then(|fields| get(&fields))
            .map(Some)
            .map_err(|e| inherit_context(key, "package", e)),
    }
}

const EDITION_MIN_RUST: [(Edition, &str, u64); 3] = [
    (Edition::Edition2018, "1.31.0", 31),
    (Edition::Edition2021, "1.56.0", 56),
    (Edition::Edition2024, "1.85.0", 85),
];

/// cargo's warning for a key it does not know, with its hint when the key
/// belongs in `.cargo/config.toml` instead.
fn unused_key_warning(key: &str) -> String {
    const CONFIG_KEYS: &[&str] = &[
        "paths",
        "alias",
        "build",
        "credential-alias",
        "doc",
        "env",
        "future-incompat-report",
        "cache",
        "cargo-new",
        "http",
        "install",
        "net",
        "patch",
        "profile",
        "resolver",
        "registries",
        "registry",
        "source",
        "target",
        "term",
    ];
    if CONFIG_KEYS.contains(&key) {
        format!("unused manifest key: {key}\nhelp: {key} is a valid .cargo/config.toml key")
    } else {
        format!("unused manifest key: {key}")
    }
}

fn convert_package(
    toml: &TomlManifest,
    doc: &toml_edit::Document<String>,
    root: &Path,
    cx: &mut ConvertContext<'_>,
    warnings: &mut Vec<String>,
) -> Result<Manifest, Failure> {
    let pkg: &TomlPackage = toml
        .package()
        .ok_or_else(|| Chain::new("no `package` section found"))?;
    let own_fields;
    let mut own_inherit;
    let inherit: &mut dyn FnMut() -> Result<InheritableFields, Chain> =
        if let Some(ws) = &toml.workspace {
            own_fields = inheritable_from(ws, root);
            own_inherit = move || Ok(own_fields.clone());
            &mut own_inherit
        } else {
            &mut *cx.inherit
        };

    let cargo_features = toml.cargo_features.clone().unwrap_or_default();
    check_cargo_features(&cargo_features, cx.nightly, warnings)?;

    let Some(name) = pkg.name.as_ref().map(|n| n.0.clone()) else {
        return Err(Chain::new("missing field `package.name`").into());
    };
    if name.contains("::") && !cargo_features.iter().any(|f| f == "open-namespaces") {
        return Err(feature_gate("open-namespaces", cx.nightly.allowed()).into());
    }
    let edition_str = field(&pkg.edition, "edition", inherit, |f| f.edition())?;
    let edition_set = edition_str.is_some();
    let edition = match &edition_str {
        Some(e) => e.parse::<Edition>().map_err(|err| {
            Chain::new(err.to_string()).context("failed to parse the `edition` key")
        })?,
        None => {
            warnings.push(format!(
                "no edition set: defaulting to the {} edition while the latest is {}",
                Edition::Edition2015,
                Edition::LATEST_STABLE
            ));
            Edition::Edition2015
        }
    };
    let uses = |f: &str| cargo_features.iter().any(|c| c == f);
    if matches!(pkg.build, Some(TomlPackageBuild::MultipleScript(_)))
        && !uses("multiple-build-scripts")
    {
        return Err(feature_gate("multiple-build-scripts", cx.nightly.allowed()).into());
    }
    let metabuild = metabuild_names(pkg.metabuild.as_ref())?;
    if metabuild.is_some() && !uses("metabuild") {
        return Err(feature_gate("metabuild", cx.nightly.allowed()).into());
    }
    if toml.package.is_none() && toml.project.is_some() {
        if edition >= Edition::Edition2024 {
            return Err(Chain::new(
                "`[project]` is not supported as of the 2024 Edition, please use `[package]`",
            )
            .into());
        }
        warnings.push("`[project]` is deprecated in favor of `[package]`".to_string());
    }
    let rust_version = field(&pkg.rust_version, "rust-version", inherit, |f| {
        f.rust_version()
    })?;
    if let Some(rv) = &rust_version {
        for (ed, min, minor) in EDITION_MIN_RUST {
            let v = &rv.0;
            let older = v.major < 1 || (v.major == 1 && v.minor.unwrap_or(0) < minor);
            if edition == ed && older {
                return Err(Chain::new(format!(
                    "rust-version {rv} is incompatible with the version ({min}) required by the specified edition ({ed})"
                ))
                .into());
            }
        }
    }
    let version = field(&pkg.version, "version", inherit, |f| f.version())?;
    let publish_field = field(&pkg.publish, "publish", inherit, |f| f.publish())?;
    let publish = match (&version, publish_field) {
        (None, Some(VecStringOrBool::Bool(true)) | Some(VecStringOrBool::VecString(_))) => {
            return Err(
                Chain::new("`package.publish` requires `package.version` be specified").into(),
            );
        }
        (None, _) | (_, Some(VecStringOrBool::Bool(false))) => Some(Vec::new()),
        (_, Some(VecStringOrBool::VecString(v))) => Some(v),
        (_, Some(VecStringOrBool::Bool(true)) | None) => None,
    };
    let version = version.unwrap_or_else(|| semver::Version::new(0, 0, 0));
    if let Some(r) = &pkg.resolver {
        validate_resolver(r)?;
        if toml
            .workspace
            .as_ref()
            .is_some_and(|ws| ws.resolver.is_some())
        {
            return Err(Chain::new(
                "cannot specify `resolver` field in both `[workspace]` and `[package]`",
            )
            .into());
        }
    }
    if toml.workspace.is_some() && pkg.workspace.is_some() {
        return Err(Chain::new(
            "cannot configure both `package.workspace` and `[workspace]`, only one can be specified",
        )
        .into());
    }

    let readme = match field(&pkg.readme, "readme", inherit, |f| f.readme(root))? {
        Some(StringOrBool::String(s)) => Some(s),
        Some(StringOrBool::Bool(true)) => Some("README.md".to_string()),
        Some(StringOrBool::Bool(false)) => None,
        None => ["README.md", "README.txt", "README"]
            .into_iter()
            .find(|f| root.join(f).is_file())
            .map(str::to_string),
    };
    let metadata = PackageMetadata {
        authors: field(&pkg.authors, "authors", inherit, |f| f.authors())?.unwrap_or_default(),
        description: field(&pkg.description, "description", inherit, |f| {
            f.description()
        })?,
        homepage: field(&pkg.homepage, "homepage", inherit, |f| f.homepage())?,
        documentation: field(&pkg.documentation, "documentation", inherit, |f| {
            f.documentation()
        })?,
        readme,
        keywords: field(&pkg.keywords, "keywords", inherit, |f| f.keywords())?.unwrap_or_default(),
        categories: field(&pkg.categories, "categories", inherit, |f| f.categories())?
            .unwrap_or_default(),
        license: field(&pkg.license, "license", inherit, |f| f.license())?,
        license_file: field(&pkg.license_file, "license-file", inherit, |f| {
            f.license_file(root)
        })?,
        repository: field(&pkg.repository, "repository", inherit, |f| f.repository())?,
        links: pkg.links.clone(),
        badges: toml.badges.clone().unwrap_or_default(),
        custom: pkg.metadata.clone(),
    };
    let exclude = field(&pkg.exclude, "exclude", inherit, |f| f.exclude())?.unwrap_or_default();
    let include = field(&pkg.include, "include", inherit, |f| f.include())?.unwrap_or_default();

    // Dependencies.
    let mut dependencies = Vec::new();
    {
        let mut dcx = DepContext {
            root,
            edition,
            registries: cx.registries,
            warnings: &mut *warnings,
            inherit: &mut *inherit,
            public_dependency: cx.public_dependency
                || cargo_features.iter().any(|f| f == "public-dependency"),
            path_bases: cargo_features
                .iter()
                .any(|f| f == "path-bases")
                .then_some(cx.path_bases),
        };
        let tables = |normal: &Option<DepTable>,
                      dev: &Option<DepTable>,
                      dev2: &Option<DepTable>,
                      build: &Option<DepTable>,
                      build2: &Option<DepTable>,
                      who: &str,
                      kind_word: &str,
                      dcx: &mut DepContext<'_>|
         -> Result<Vec<(DepKind, DepTable, &'static str)>, Chain> {
            deprecated_underscore(
                dev2.is_some(),
                dev.is_some(),
                "dev-dependencies",
                who,
                kind_word,
                edition,
                dcx.warnings,
            )?;
            deprecated_underscore(
                build2.is_some(),
                build.is_some(),
                "build-dependencies",
                who,
                kind_word,
                edition,
                dcx.warnings,
            )?;
            let mut out = Vec::new();
            if let Some(t) = normal {
                out.push((DepKind::Normal, t.clone(), "dependencies"));
            }
            if let Some(t) = dev.as_ref().or(dev2.as_ref()) {
                let key = if dev.is_some() {
                    "dev-dependencies"
                } else {
                    "dev_dependencies"
                };
                out.push((DepKind::Development, t.clone(), key));
            }
            if let Some(t) = build.as_ref().or(build2.as_ref()) {
                let key = if build.is_some() {
                    "build-dependencies"
                } else {
                    "build_dependencies"
                };
                out.push((DepKind::Build, t.clone(), key));
            }
            Ok(out)
        };
        let top = tables(
            &toml.dependencies,
            &toml.dev_dependencies,
            &toml.dev_dependencies2,
            &toml.build_dependencies,
            &toml.build_dependencies2,
            &name,
            "package",
            &mut dcx,
        )?;
        // The workspace's own table first, as cargo reports it.
        dcx.warnings
            .extend(unused_workspace_dependency_keys(toml.workspace.as_ref()));
        for (kind, table, key) in top {
            dependencies.extend(convert_table(&table, kind, None, key, &mut dcx)?);
        }
        for (platform_key, p) in toml.target.iter().flatten() {
            let platform: Platform = platform_key
                .parse()
                .map_err(|e: mycargo_core::CfgParseError| Chain::new(e.to_string()))?;
            dcx.warnings.extend(platform.check_cfg_attributes());
            let list = tables(
                &p.dependencies,
                &p.dev_dependencies,
                &p.dev_dependencies2,
                &p.build_dependencies,
                &p.build_dependencies2,
                platform_key,
                "platform target",
                &mut dcx,
            )?;
            for (kind, table, key) in list {
                let label = format!("target.{platform_key}.{key}");
                dependencies.extend(convert_table(
                    &table,
                    kind,
                    Some(&platform),
                    &label,
                    &mut dcx,
                )?);
            }
        }
    }

    // Targets.
    let discovered = discover_targets(&TargetInput {
        toml,
        package_name: &name,
        package_root: root,
        edition,
        build: pkg.build.as_ref(),
        autolib: pkg.autolib,
        autobins: pkg.autobins,
        autoexamples: pkg.autoexamples,
        autotests: pkg.autotests,
        autobenches: pkg.autobenches,
    })?;
    warnings.extend(discovered.warnings);
    let mut targets = discovered.targets;
    if targets.iter().any(|t| t.bin_filename.is_some()) && !uses("different-binary-name") {
        return Err(feature_gate("different-binary-name", cx.nightly.allowed()).into());
    }
    if let Some(names) = &metabuild {
        if targets.iter().any(|t| t.is_custom_build()) {
            return Err(Chain::new("cannot specify both `metabuild` and `build`").into());
        }
        for name in names {
            let declared = [&toml.build_dependencies, &toml.build_dependencies2]
                .into_iter()
                .flatten()
                .any(|t| t.keys().any(|k| k.0 == *name));
            if !declared {
                return Err(Chain::new(format!(
                    "metabuild package `{name}` must be specified in `build-dependencies`"
                ))
                .into());
            }
        }
        targets.push(Target::metabuild(&name));
    }
    if targets.iter().all(|t| t.is_custom_build()) {
        return Err(Chain::new(
            "no targets specified in the manifest\n\
             either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present",
        )
        .into());
    }
    if let Some(links) = &pkg.links
        && !targets.iter().any(|t| t.is_custom_build())
    {
        return Err(Chain::new(format!(
            "package specifies that it links to `{links}` but does not have a custom build script"
        ))
        .into());
    }
    if let Some(run) = &pkg.default_run
        && !targets.iter().any(|t| t.is_bin() && t.name == *run)
    {
        let hint = crate::error::closest_msg(
            run,
            targets
                .iter()
                .filter(|t| t.is_bin())
                .map(|t| t.name.as_str()),
            "target",
        );
        return Err(Chain::new(format!("default-run target `{run}` not found{hint}")).into());
    }

    // Features.
    let features: BTreeMap<String, Vec<String>> = toml
        .features
        .iter()
        .flatten()
        .map(|(k, v)| (k.0.clone(), v.clone()))
        .collect();
    let source = cx.source;
    let display_path = cx.display_path;
    let locate = |feature: &str, msg: String| {
        let span = span_of(doc, &["features", feature])
            .or_else(|| key_span_of(doc, &["features", feature]))
            .unwrap_or(0..0);
        diagnostic(&msg, display_path, source, span)
    };
    if let Some(d) = dependencies
        .iter()
        .find(|d| d.is_optional() && d.kind() == DepKind::Development)
    {
        return Err(Chain::new(format!(
            "dev-dependencies are not allowed to be optional: `{}`",
            d.name_in_toml()
        ))
        .into());
    }
    // One name, one source, whatever the platform.
    let mut sources: BTreeMap<&str, &SourceId> = BTreeMap::new();
    for d in &dependencies {
        if let Some(prev) = sources.insert(d.name_in_toml(), d.source_id())
            && prev != d.source_id()
        {
            return Err(Chain::new(format!(
                "Dependency '{}' has different source paths depending on the build target. \
                 Each dependency must have a single canonical source path irrespective of build target.",
                d.name_in_toml()
            ))
            .into());
        }
    }
    let diags = unknown_dep_features(&features, &dependencies, &locate);
    if !diags.is_empty() {
        return Err(Failure::Emitted(diags));
    }
    let feature_map = build_feature_map(&features, &dependencies)?;
    if feature_map.contains_key("default-features") {
        warnings.push(
            "`[features]` defines a feature named `default-features`\nnote: only a feature named `default` will be enabled by default"
                .to_string(),
        );
    }

    let profiles = match &toml.profile {
        Some(p) => Some(Profiles::from_toml(p, &cargo_features, warnings)?),
        None => None,
    };
    let workspace = match &toml.workspace {
        Some(ws) => WorkspaceConfig::Root(Box::new(workspace_root_config(ws, root)?)),
        None => WorkspaceConfig::Member {
            root: pkg.workspace.clone(),
        },
    };
    let bases = cargo_features
        .iter()
        .any(|f| f == "path-bases")
        .then_some(cx.path_bases);
    let patch = convert_patch(
        toml,
        root,
        edition,
        cx.registries,
        bases,
        &mut *inherit,
        warnings,
    )?;
    let replace = convert_replace(toml, root, edition, cx.registries, &mut *inherit, warnings)?;
    // A root package's `[workspace.lints]` is checked as a virtual
    // manifest's is, before the package's own (inherited) table.
    if let Some(l) = toml.workspace.as_ref().and_then(|ws| ws.lints.as_ref()) {
        check_lint_tools(l, (cx.cargo_lints, cx.nightly), warnings)?;
    }
    let lints = resolve_lints(toml, inherit, (cx.cargo_lints, cx.nightly), warnings)?;
    if let Some(toml::Value::Table(hints)) = &toml.hints {
        for key in hints.keys().filter(|k| *k != "mostly-unused") {
            warnings.push(format!("unused manifest key: hints.{key}"));
        }
    }
    if metadata.license.is_some() && metadata.license_file.is_some() {
        warnings.push(
            "only one of `license` or `license-file` is necessary\n\
             `license` should be used if the package license can be expressed with a standard SPDX expression.\n\
             `license-file` should be used if the package uses a non-standard license.\n\
             See https://doc.rust-lang.org/cargo/reference/manifest.html#the-license-and-license-file-fields for more information."
                .to_string(),
        );
    }

    // A single-file package's source is the file itself, as in cargo.
    let source_root = if crate::embedded::is_embedded(cx.manifest_path) {
        cx.manifest_path
    } else {
        root
    };
    let source_id = SourceId::for_path(source_root).map_err(|e| Chain::new(e.to_string()))?;
    Ok(Manifest {
        package_id: PackageId::new(name, version, source_id),
        manifest_path: cx.manifest_path.to_path_buf(),
        edition,
        edition_set,
        rust_version,
        metadata,
        targets,
        deferred_errors: discovered.deferred_errors,
        dependencies,
        features,
        feature_map,
        publish,
        default_run: pkg.default_run.clone(),
        exclude,
        include,
        workspace,
        profiles,
        patch,
        replace,
        lints,
        cargo_features,
        metabuild,
        resolver: pkg.resolver.clone(),
        normalized_toml: Box::default(),
    })
}

/// Where a manifest's own path is shown: relative to `cwd`, climbing out
/// with `..` when it is elsewhere (`../Cargo.toml`).
pub(crate) fn display_path(manifest_path: &Path, cwd: Option<&Path>) -> String {
    match cwd.and_then(|c| crate::read::relative_path(manifest_path, c)) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => manifest_path.display().to_string(),
    }
}
