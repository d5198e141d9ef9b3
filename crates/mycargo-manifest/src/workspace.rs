//! Workspaces: find the root from any package's manifest as cargo does,
//! expand `members` globs minus `exclude`, add path dependencies inside the
//! root as members, pick default members, and check membership with cargo's
//! errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mycargo_util::fs::normalize_path;

use crate::error::{Chain, ManifestError};
use crate::manifest::{
    Manifest, ManifestKind, ParsedManifest, WorkspaceConfig, WorkspaceRootConfig,
};
use crate::profiles::Profiles;
use crate::read::{ReadOptions, find_workspace_root, read_manifest_file, workspace_config_of};

/// A loaded workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    root_manifest: PathBuf,
    current_manifest: PathBuf,
    /// Every manifest read, by path.
    manifests: BTreeMap<PathBuf, ParsedManifest>,
    /// Member manifest paths in discovery order (packages only).
    members: Vec<PathBuf>,
    default_members: Vec<PathBuf>,
    root_config: Option<WorkspaceRootConfig>,
}

impl Workspace {
    /// Load the workspace containing the package (or virtual manifest) at
    /// `manifest_path`, with default options.
    pub fn load(manifest_path: &Path) -> Result<Workspace, ManifestError> {
        Workspace::load_with(manifest_path, &ReadOptions::default())
    }

    pub fn load_with(manifest_path: &Path, opts: &ReadOptions) -> Result<Workspace, ManifestError> {
        let current = normalize_path(manifest_path);
        let root = find_workspace_root(&current, opts)?;
        let Some(root) = root else {
            let parsed = read_manifest_file(&current, opts)?;
            let mut manifests = BTreeMap::new();
            manifests.insert(current.clone(), parsed);
            return Ok(Workspace {
                root_manifest: current.clone(),
                current_manifest: current.clone(),
                manifests,
                members: vec![current.clone()],
                default_members: vec![current],
                root_config: None,
            });
        };
        let root_config = match workspace_config_of(&root, opts)? {
            WorkspaceConfig::Root(r) => *r,
            WorkspaceConfig::Member { .. } => {
                return Err(ManifestError::Workspace(Chain::new(format!(
                    "`package.workspace` configuration points to a crate which is not configured with [workspace]: \n\
                     configuration at: {}\npoints to: {}",
                    current.display(),
                    root.display()
                ))));
            }
        };
        let mut member_opts = opts.clone();
        member_opts.inheritable = Some(root_config.inheritable.clone());
        let mut ws = Workspace {
            root_manifest: root.clone(),
            current_manifest: current.clone(),
            manifests: BTreeMap::new(),
            members: Vec::new(),
            default_members: Vec::new(),
            root_config: Some(root_config.clone()),
        };
        let member_dirs =
            members_paths(&root_config, root_config.members.as_deref().unwrap_or(&[]))?;
        for (path, glob) in &member_dirs {
            ws.find_path_deps(&path.join("Cargo.toml"), false, &member_opts)
                .map_err(|e| ManifestError::Member {
                    member: path.clone(),
                    glob: glob.clone(),
                    root: root.clone(),
                    source: Box::new(e),
                })?;
        }
        ws.find_path_deps(&root, false, &member_opts)?;
        let is_virtual = ws.is_virtual();
        if let (true, Some(defaults)) = (root == current, &root_config.default_members) {
            for (path, _) in members_paths(&root_config, defaults)? {
                let normalized = normalize_path(&path);
                let manifest = normalized.join("Cargo.toml");
                if !ws.members.contains(&manifest) {
                    let excluded = member_dirs.iter().any(|(m, _)| *m == normalized)
                        && root_config.is_excluded(&normalized);
                    if excluded {
                        continue;
                    }
                    return Err(ManifestError::Workspace(Chain::new(format!(
                        "package `{}` is listed in default-members but is not a member\nfor workspace at `{}`.",
                        path.display(),
                        root.display()
                    ))));
                }
                ws.default_members.push(manifest);
            }
        } else if is_virtual {
            ws.default_members = ws.members.clone();
        } else {
            ws.default_members.push(current.clone());
        }
        ws.validate(opts)?;
        Ok(ws)
    }

    /// Load `manifest_path` as a member (and, recursively, its path
    /// dependencies inside the workspace), unless excluded or already seen.
    fn find_path_deps(
        &mut self,
        manifest_path: &Path,
        is_path_dep: bool,
        opts: &ReadOptions,
    ) -> Result<(), ManifestError> {
        let manifest_path = normalize_path(manifest_path);
        if self.members.contains(&manifest_path) {
            return Ok(());
        }
        let root_dir = self.root();
        let pkg_dir = manifest_path
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        if is_path_dep && !pkg_dir.starts_with(&root_dir) {
            return Ok(());
        }
        if let Some(rc) = &self.root_config
            && rc.is_excluded(&manifest_path)
        {
            return Ok(());
        }
        if !self.manifests.contains_key(&manifest_path) {
            let parsed = read_manifest_file(&manifest_path, opts)?;
            self.manifests.insert(manifest_path.clone(), parsed);
        }
        let Some(parsed) = self.manifests.get(&manifest_path) else {
            return Ok(());
        };
        let ManifestKind::Package(pkg) = &parsed.kind else {
            return Ok(());
        };
        let candidates: Vec<(PathBuf, String)> = pkg
            .dependencies
            .iter()
            .filter_map(|d| Some((d.path()?.join("Cargo.toml"), d.package_name().to_string())))
            .collect();
        self.members.push(manifest_path);
        for (path, name) in candidates {
            self.find_path_deps(&path, true, opts)
                .map_err(|e| ManifestError::PathDependency {
                    name,
                    source: Box::new(e),
                })?;
        }
        Ok(())
    }

    fn validate(&self, opts: &ReadOptions) -> Result<(), ManifestError> {
        let err = |m: String| ManifestError::Workspace(Chain::new(m));
        let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
        for m in self.members() {
            if let Some(prev) = seen.insert(m.name(), &m.manifest_path) {
                return Err(err(format!(
                    "two packages named `{}` in this workspace:\n- {}\n- {}",
                    m.name(),
                    prev.display(),
                    m.manifest_path.display()
                )));
            }
        }
        let mut roots: Vec<PathBuf> = vec![self.root()];
        for path in &self.members {
            if *path != self.root_manifest
                && let Some(p) = self.manifests.get(path)
                && matches!(p.workspace_config(), WorkspaceConfig::Root(_))
            {
                roots.push(path.parent().unwrap_or(Path::new("")).to_path_buf());
            }
        }
        if roots.len() > 1 {
            let list: Vec<String> = roots.iter().map(|r| format!("  {}", r.display())).collect();
            return Err(err(format!(
                "multiple workspace roots found in the same workspace:\n{}",
                list.join("\n")
            )));
        }
        for path in &self.members {
            if *path == self.root_manifest {
                continue;
            }
            let actual = find_workspace_root(path, opts)?;
            if actual.as_deref() != Some(self.root_manifest.as_path()) {
                let name = self
                    .manifests
                    .get(path)
                    .and_then(|p| p.package())
                    .map_or_else(String::new, |m| m.name().to_string());
                return Err(err(format!(
                    "package `{name}` is a member of the wrong workspace\nexpected: {}\nactual:   {}",
                    self.root_manifest.display(),
                    actual.map_or_else(|| "none".to_string(), |a| a.display().to_string())
                )));
            }
        }
        if !self.members.contains(&self.current_manifest)
            && self.current_manifest != self.root_manifest
        {
            let root = &self.root_manifest;
            let root_dir = self.root();
            let current_dir = self.current_manifest.parent().unwrap_or(Path::new(""));
            let members_msg = match current_dir.strip_prefix(&root_dir) {
                Ok(rel) => format!(
                    "this may be fixable by adding `{}` to the `workspace.members` array of the manifest located at: {}",
                    rel.display(),
                    root.display()
                ),
                Err(_) => format!(
                    "this may be fixable by adding a member to the `workspace.members` array of the manifest located at: {}",
                    root.display()
                ),
            };
            let has_members = self
                .root_config
                .as_ref()
                .is_some_and(|r| r.has_members_list());
            let extra = if !self.is_virtual() && !has_members {
                format!(
                    "this may be fixable by ensuring that this crate is depended on by the workspace root: {}",
                    root.display()
                )
            } else {
                members_msg
            };
            return Err(err(format!(
                "current package believes it's in a workspace when it's not:\n\
                 current:   {}\nworkspace: {}\n\n{extra}\n\
                 Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, \
                 or add an empty `[workspace]` table to the package's manifest.",
                self.current_manifest.display(),
                root.display()
            )));
        }
        Ok(())
    }

    /// The directory of the root manifest.
    pub fn root(&self) -> PathBuf {
        self.root_manifest
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf()
    }

    pub fn root_manifest(&self) -> &Path {
        &self.root_manifest
    }

    pub fn current_manifest(&self) -> &Path {
        &self.current_manifest
    }

    /// The package of the manifest the workspace was loaded from, if it is one.
    pub fn current(&self) -> Option<&Manifest> {
        self.manifests.get(&self.current_manifest)?.package()
    }

    /// Whether the root has no `[package]`.
    pub fn is_virtual(&self) -> bool {
        self.manifests
            .get(&self.root_manifest)
            .is_some_and(|p| p.virtual_manifest().is_some())
    }

    /// Member packages in discovery order.
    pub fn members(&self) -> impl Iterator<Item = &Manifest> {
        self.members
            .iter()
            .filter_map(|p| self.manifests.get(p)?.package())
    }

    /// Member manifest paths.
    pub fn member_paths(&self) -> &[PathBuf] {
        &self.members
    }

    /// The packages commands act on by default.
    pub fn default_members(&self) -> impl Iterator<Item = &Manifest> {
        self.default_members
            .iter()
            .filter_map(|p| self.manifests.get(p)?.package())
    }

    /// Every manifest read, including a virtual root.
    pub fn manifests(&self) -> &BTreeMap<PathBuf, ParsedManifest> {
        &self.manifests
    }

    /// The root's `[workspace]`, unless this is a lone package.
    pub fn root_config(&self) -> Option<&WorkspaceRootConfig> {
        self.root_config.as_ref()
    }

    /// The root's parsed manifest.
    pub fn root_parsed(&self) -> Option<&ParsedManifest> {
        self.manifests.get(&self.root_manifest)
    }

    /// Profiles come from the root manifest only.
    pub fn profiles(&self) -> Option<&Profiles> {
        self.root_parsed()?.profiles()
    }

    /// `<root>/target`, before configuration or `CARGO_TARGET_DIR` override it.
    pub fn default_target_dir(&self) -> PathBuf {
        self.root().join("target")
    }

    /// `workspace.metadata`.
    pub fn custom_metadata(&self) -> Option<&toml::Value> {
        self.root_config.as_ref()?.metadata.as_ref()
    }

    /// The resolver version: `workspace.resolver`, the root package's
    /// `resolver`, or its edition's default (`"1"` for a virtual root).
    pub fn resolver_version(&self) -> String {
        if let Some(r) = self.root_config.as_ref().and_then(|r| r.resolver.clone()) {
            return r;
        }
        match self.root_parsed().and_then(ParsedManifest::package) {
            Some(m) => m
                .resolver
                .clone()
                .unwrap_or_else(|| m.edition.default_resolver().to_string()),
            None => "1".to_string(),
        }
    }

    /// Warnings of every manifest read, with the manifest's path.
    pub fn warnings(&self) -> Vec<(&Path, &str)> {
        self.manifests
            .iter()
            .flat_map(|(p, m)| m.warnings.iter().map(move |w| (p.as_path(), w.as_str())))
            .collect()
    }
}

/// `members` entries as directories: globs expanded (keeping only
/// directories), plain paths as written. The glob is kept for messages.
fn members_paths(
    root: &WorkspaceRootConfig,
    entries: &[String],
) -> Result<Vec<(PathBuf, Option<String>)>, ManifestError> {
    let mut out = Vec::new();
    for entry in entries {
        let joined = root.root_dir.join(entry);
        let glob_label = mycargo_core::names::is_glob_pattern(entry).then(|| entry.clone());
        let Some(pattern) = joined.to_str() else {
            continue;
        };
        let expanded: Vec<PathBuf> = match glob::glob(pattern) {
            Ok(paths) => paths.collect::<Result<Vec<_>, _>>().map_err(|e| {
                ManifestError::Workspace(
                    Chain::new(e.to_string())
                        .context(format!("unable to match path to pattern `{pattern}`")),
                )
            })?,
            Err(e) => {
                return Err(ManifestError::Workspace(
                    Chain::new(e.to_string())
                        .context(format!("could not parse pattern `{pattern}`")),
                ));
            }
        };
        if expanded.is_empty() {
            out.push((joined, glob_label));
        } else {
            for p in expanded {
                if p.is_dir() {
                    out.push((p, glob_label.clone()));
                }
            }
        }
    }
    Ok(out)
}
