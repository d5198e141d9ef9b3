//! Reading one manifest: text → schema → model, with lazy discovery of the
//! workspace root when a field says `workspace = true`; and finding the
//! manifest of a directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::convert::{ConvertContext, convert, display_path, inheritable_from};
use crate::error::{Chain, ManifestError};
use crate::inherit::InheritableFields;
use crate::manifest::{ParsedManifest, WorkspaceConfig, WorkspaceRootConfig};
use crate::parse::parse_manifest_toml;
use crate::schema::TomlManifest;

/// Settings for reading manifests.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Paths in diagnostics are shown relative to this directory when the
    /// manifest is under it.
    pub cwd: Option<PathBuf>,
    /// Registries known from configuration (`[registries.<name>]`), for
    /// `registry = "<name>"` dependencies.
    pub registries: BTreeMap<String, url::Url>,
    /// Where to stop walking up when looking for a workspace root (cargo
    /// does not look past `CARGO_HOME`).
    pub cargo_home: Option<PathBuf>,
    /// The workspace fields to inherit from, when the caller already knows
    /// them; otherwise they are looked up on demand.
    pub inheritable: Option<InheritableFields>,
    /// Whether nightly-only `cargo-features` are allowed (asked only when
    /// a manifest lists one).
    pub nightly: NightlyGate,
    /// `-Z public-dependency`: `public` on dependencies counts, as with
    /// `cargo-features = ["public-dependency"]`.
    pub public_dependency: bool,
    /// `-Z cargo-lints`: `[lints.cargo]` is read (otherwise it is warned
    /// about as unused).
    pub cargo_lints: bool,
    /// `[path-bases]` from configuration: name → directory, for
    /// `base = "<name>"` path dependencies (`cargo-features =
    /// ["path-bases"]`).
    pub path_bases: BTreeMap<String, PathBuf>,
    /// `-Zscript`: single-file packages can be read.
    pub script: bool,
    /// Warnings cargo prints as soon as a script's manifest is read (even
    /// when reading then fails): the caller shows them.
    pub script_warnings: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Asks, at most when needed, whether this is a nightly channel.
#[derive(Clone, Default)]
pub struct NightlyGate(Option<std::sync::Arc<dyn Fn() -> bool + Send + Sync>>);

impl NightlyGate {
    pub fn new(f: impl Fn() -> bool + Send + Sync + 'static) -> NightlyGate {
        NightlyGate(Some(std::sync::Arc::new(f)))
    }

    /// Stable unless the caller said how to find out.
    pub fn allowed(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f())
    }
}

impl std::fmt::Debug for NightlyGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NightlyGate")
    }
}

/// Read and convert the manifest at `path` whose text is `source`, with
/// default options (diagnostics name the file as `path`).
pub fn read_manifest(path: &Path, source: &str) -> Result<ParsedManifest, ManifestError> {
    read_manifest_with(path, source, &ReadOptions::default())
}

/// [`read_manifest`] with options.
pub fn read_manifest_with(
    path: &Path,
    source: &str,
    opts: &ReadOptions,
) -> Result<ParsedManifest, ManifestError> {
    let shown = display_path(path, opts.cwd.as_deref());
    let embedded = crate::embedded::is_embedded(path);
    let expanded;
    let toml_source = if embedded {
        if !opts.script {
            return Err(ManifestError::Script(Chain::new(format!(
                "parsing `{}` requires `-Zscript`",
                path.display()
            ))));
        }
        expanded = crate::embedded::manifest_text(source).map_err(|e| {
            // The end of a file that ends in a newline is shown on its last
            // line, one column past the newline, as cargo's renderer does.
            let at_end = e.span.start == source.len() && source.ends_with('\n');
            let span = match at_end {
                true => source.len() - 1..source.len(),
                false => e.span,
            };
            let mut d = crate::parse::diagnostic(&e.message, &shown, source, span);
            if at_end {
                d.column += 1;
            }
            ManifestError::Toml(Box::new(d))
        })?;
        expanded.as_str()
    } else {
        source
    };
    let mut parsed = parse_manifest_toml(toml_source, &shown)?;
    if embedded {
        let mut warnings = Vec::new();
        let normalized = crate::embedded::normalize(&mut parsed.manifest, path, &mut warnings);
        if let Ok(mut list) = opts.script_warnings.lock() {
            list.extend(warnings);
        }
        normalized.map_err(|e| ManifestError::invalid(path, e))?;
    }
    let mut cached: Option<Result<InheritableFields, Chain>> = opts.inheritable.clone().map(Ok);
    let mut inherit = || -> Result<InheritableFields, Chain> {
        if cached.is_none() {
            cached = Some(find_inheritable(path, opts));
        }
        cached
            .clone()
            .unwrap_or_else(|| Err(Chain::new("failed to find a workspace root")))
    };
    let mut cx = ConvertContext {
        manifest_path: path,
        source,
        display_path: &shown,
        registries: &opts.registries,
        inherit: &mut inherit,
        nightly: &opts.nightly,
        public_dependency: opts.public_dependency,
        cargo_lints: opts.cargo_lints,
        path_bases: &opts.path_bases,
    };
    convert(parsed, &mut cx)
}

/// Read the file at `path` and convert it.
pub fn read_manifest_file(
    path: &Path,
    opts: &ReadOptions,
) -> Result<ParsedManifest, ManifestError> {
    let source = std::fs::read_to_string(path).map_err(|e| ManifestError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    read_manifest_with(path, &source, opts)
}

/// The `Cargo.toml` of `cwd` or its nearest ancestor.
pub fn find_manifest_for_dir(cwd: &Path) -> Result<PathBuf, ManifestError> {
    cwd.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|p| p.is_file())
        .ok_or_else(|| ManifestError::NotFound {
            cwd: cwd.to_path_buf(),
            lowercase: cwd.ancestors().any(|d| d.join("cargo.toml").is_file()),
        })
}

/// Just the workspace role of the manifest at `path` (its `[workspace]` or
/// `package.workspace`), read without converting the rest.
pub(crate) fn workspace_config_of(
    path: &Path,
    opts: &ReadOptions,
) -> Result<WorkspaceConfig, ManifestError> {
    let source = std::fs::read_to_string(path).map_err(|e| ManifestError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    let shown = display_path(path, opts.cwd.as_deref());
    let toml: TomlManifest = parse_manifest_toml(&source, &shown)?.manifest;
    let dir = path.parent().unwrap_or(Path::new(""));
    Ok(match &toml.workspace {
        Some(ws) => WorkspaceConfig::Root(Box::new(WorkspaceRootConfig {
            root_dir: dir.to_path_buf(),
            members: ws.members.clone(),
            default_members: ws.default_members.clone(),
            exclude: ws.exclude.clone().unwrap_or_default(),
            resolver: ws.resolver.clone(),
            metadata: ws.metadata.clone(),
            inheritable: inheritable_from(ws, dir),
        })),
        None => WorkspaceConfig::Member {
            root: toml.package().and_then(|p| p.workspace.clone()),
        },
    })
}

/// Ancestor manifests cargo considers as workspace roots for `manifest_path`:
/// from the package's parent directory up, stopping at `target/package`
/// and before `CARGO_HOME`.
pub(crate) fn ancestor_manifests(manifest_path: &Path, cargo_home: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Some(pkg_dir) = manifest_path.parent() else {
        return out;
    };
    let mut last: Option<&Path> = Some(pkg_dir);
    for dir in pkg_dir.ancestors().skip(1) {
        if dir.ends_with("target/package") {
            break;
        }
        if let (Some(home), Some(l)) = (cargo_home, last)
            && home == l
        {
            break;
        }
        last = Some(dir);
        let candidate = dir.join("Cargo.toml");
        if candidate.exists() {
            out.push(candidate);
        }
    }
    out
}

/// The workspace root manifest for the package at `manifest_path`, if any
/// (cargo's `find_workspace_root`): `package.workspace`, or the nearest
/// ancestor with a `[workspace]` that does not exclude it, or an ancestor
/// member that names its root.
pub fn find_workspace_root(
    manifest_path: &Path,
    opts: &ReadOptions,
) -> Result<Option<PathBuf>, ManifestError> {
    let own = workspace_config_of(manifest_path, opts)?;
    if let Some(root) = own.ws_root(manifest_path, manifest_path) {
        return Ok(Some(root));
    }
    for ancestor in ancestor_manifests(manifest_path, opts.cargo_home.as_deref()) {
        let config = workspace_config_of(&ancestor, opts)?;
        if let Some(root) = config.ws_root(&ancestor, manifest_path) {
            return Ok(Some(root));
        }
    }
    Ok(None)
}

fn find_inheritable(manifest_path: &Path, opts: &ReadOptions) -> Result<InheritableFields, Chain> {
    let root = find_workspace_root(manifest_path, opts)
        .map_err(|e| Chain::new(e.to_string()))?
        .ok_or_else(|| Chain::new("failed to find a workspace root"))?;
    match workspace_config_of(&root, opts).map_err(|e| Chain::new(e.to_string()))? {
        WorkspaceConfig::Root(r) => Ok(r.inheritable),
        WorkspaceConfig::Member { .. } => Err(Chain::new(format!(
            "root of a workspace inferred but wasn't a root: {}",
            root.display()
        ))),
    }
}

/// `path` relative to `base`, with `..` where needed: `/ws/other/b` from
/// `/ws/root` is `../other/b`. `None` when one is absolute and the other
/// not, or `base` climbs out with `..`.
pub(crate) fn relative_path(path: &Path, base: &Path) -> Option<PathBuf> {
    use std::path::Component;
    if path.is_absolute() != base.is_absolute() {
        return None;
    }
    let mut path_parts = path.components();
    let mut base_parts = base.components();
    let mut out: Vec<Component<'_>> = Vec::new();
    loop {
        match (path_parts.next(), base_parts.next()) {
            (None, None) => break,
            (Some(p), None) => {
                out.push(p);
                out.extend(path_parts.by_ref());
                break;
            }
            (None, Some(_)) => out.push(Component::ParentDir),
            (Some(p), Some(b)) if out.is_empty() && p == b => {}
            (Some(p), Some(Component::CurDir)) => out.push(p),
            (Some(_), Some(Component::ParentDir)) => return None,
            (Some(p), Some(_)) => {
                out.push(Component::ParentDir);
                out.extend(base_parts.by_ref().map(|_| Component::ParentDir));
                out.push(p);
                out.extend(path_parts.by_ref());
                break;
            }
        }
    }
    Some(out.iter().map(|c| c.as_os_str()).collect())
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::{Path, PathBuf};

    #[test]
    fn relative_paths() {
        let rel = |a: &str, b: &str| relative_path(Path::new(a), Path::new(b));
        assert_eq!(rel("/ws/b", "/ws"), Some(PathBuf::from("b")));
        assert_eq!(rel("/ws/x/b", "/ws"), Some(PathBuf::from("x/b")));
        assert_eq!(
            rel("/ws/other/b", "/ws/root"),
            Some(PathBuf::from("../other/b"))
        );
        assert_eq!(
            rel("/a", "/ws/root/deep"),
            Some(PathBuf::from("../../../a"))
        );
        assert_eq!(rel("/ws", "/ws"), Some(PathBuf::new()));
        assert_eq!(rel("Cargo.toml", "/ws"), None);
    }
}
