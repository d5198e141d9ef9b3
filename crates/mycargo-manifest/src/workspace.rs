//! Workspaces: find the root from any package's manifest as cargo does
//! (reading every manifest on the way in full, so their errors and warnings
//! are the load's), expand `members` globs minus `exclude`, add path
//! dependencies inside the root (or outside it but naming it) as members,
//! pick default members, check membership with cargo's errors, and collect
//! the warnings cargo gives about the workspace as a whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mycargo_core::Edition;
use mycargo_util::Report;
use mycargo_util::fs::normalize_path;

use crate::error::{Chain, ManifestError};
use crate::manifest::{
    Manifest, ManifestKind, ParsedManifest, WorkspaceConfig, WorkspaceRootConfig,
};
use crate::profiles::Profiles;
use crate::read::{ReadOptions, ancestor_manifests, read_manifest_file, relative_path};

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
    /// Warnings about the workspace as a whole, found while loading it.
    load_warnings: Vec<Report>,
    /// `resolver.lockfile-path` (nightly): the lock file lives there.
    lock_path: Option<PathBuf>,
    /// The existing lock file is not read (`install` without `--locked`
    /// resolves afresh).
    ignore_lock: bool,
    /// Whether the resolve prefers versions whose `rust-version` fits,
    /// when a command decides it rather than the manifests (`install`
    /// of a registry package does not).
    resolve_honors_rust_version: Option<bool>,
    /// A single-file package's default build directory (the caller knows
    /// where `CARGO_HOME` is): its target directory is `target` inside.
    script_build_dir: Option<PathBuf>,
}

impl Workspace {
    /// Load the workspace containing the package (or virtual manifest) at
    /// `manifest_path`, with default options.
    pub fn load(manifest_path: &Path) -> Result<Workspace, ManifestError> {
        Workspace::load_with(manifest_path, &ReadOptions::default())
    }

    /// Load the workspace as cargo's `Workspace::new` does: read the
    /// manifest, find the root (reading each ancestor manifest on the way,
    /// so their errors are this load's errors), read the root, the members
    /// and their path dependencies inside the workspace, then check it all.
    pub fn load_with(manifest_path: &Path, opts: &ReadOptions) -> Result<Workspace, ManifestError> {
        let current = normalize_path(manifest_path);
        let plain = ReadOptions {
            inheritable: None,
            ..opts.clone()
        };
        let mut ws = Workspace {
            root_manifest: current.clone(),
            current_manifest: current.clone(),
            manifests: BTreeMap::new(),
            members: Vec::new(),
            default_members: Vec::new(),
            root_config: None,
            load_warnings: Vec::new(),
            lock_path: None,
            ignore_lock: false,
            resolve_honors_rust_version: None,
            script_build_dir: None,
        };
        // A single-file package is a workspace of its own: no parent is
        // searched, and its path dependencies are never members.
        if crate::embedded::is_embedded(&current) {
            ws.load_manifest(&current, &plain)?;
            ws.members = vec![current.clone()];
            ws.default_members = vec![current];
            return Ok(ws);
        }
        let Some(root) = ws.find_root(&current, &plain)? else {
            ws.members = vec![current.clone()];
            ws.default_members = vec![current];
            return Ok(ws);
        };
        ws.root_manifest = root.clone();
        let root_config = match ws.load_manifest(&root, &plain)?.workspace_config() {
            WorkspaceConfig::Root(r) => (**r).clone(),
            WorkspaceConfig::Member { .. } => {
                return Err(ManifestError::Workspace(Chain::new(format!(
                    "root of a workspace inferred but wasn't a root: {}",
                    root.display()
                ))));
            }
        };
        ws.root_config = Some(root_config.clone());
        let member_opts = ReadOptions {
            inheritable: Some(root_config.inheritable.clone()),
            ..plain.clone()
        };
        let member_dirs =
            members_paths(&root_config, root_config.members.as_deref().unwrap_or(&[]))?;
        for (path, glob) in &member_dirs {
            ws.find_path_deps(&path.join("Cargo.toml"), false, &member_opts, &plain)
                .map_err(|e| ManifestError::Member {
                    member: path.clone(),
                    glob: glob.clone(),
                    root: root.clone(),
                    source: Box::new(e),
                })?;
        }
        ws.find_path_deps(&root, false, &member_opts, &plain)?;
        let is_virtual = ws.is_virtual();
        if let (true, Some(defaults)) = (root == current, &root_config.default_members) {
            for (path, glob) in members_paths(&root_config, defaults)? {
                let normalized = normalize_path(&path);
                let manifest = normalized.join("Cargo.toml");
                if !ws.members.contains(&manifest) {
                    let excluded = member_dirs.iter().any(|(m, _)| *m == normalized)
                        && root_config.is_excluded(&normalized);
                    if excluded {
                        continue;
                    }
                    return Err(ManifestError::Workspace(Chain::new(format!(
                        "package `{}` is listed in default-members{} but is not a member\nfor workspace at `{}`.",
                        path.display(),
                        glob.map(|g| format!(" via `{g}`")).unwrap_or_default(),
                        root.display()
                    ))));
                }
                ws.default_members.push(manifest);
            }
        } else if is_virtual && root == current {
            // cargo asks whether the *current* manifest is virtual: from a
            // member's directory, that member is the default.
            ws.default_members = ws.members.clone();
        } else {
            ws.default_members.push(current.clone());
        }
        ws.validate(&plain)?;
        ws.load_warnings = ws.check_member_settings();
        Ok(ws)
    }

    /// The manifest at `path`, read once per load.
    fn load_manifest(
        &mut self,
        path: &Path,
        opts: &ReadOptions,
    ) -> Result<&ParsedManifest, ManifestError> {
        if !self.manifests.contains_key(path) {
            let parsed = read_manifest_file(path, opts)?;
            self.manifests.insert(path.to_path_buf(), parsed);
        }
        self.manifests
            .get(path)
            .ok_or_else(|| ManifestError::Workspace(Chain::new("manifest vanished while loading")))
    }

    /// The root manifest for the package at `manifest_path` (cargo's
    /// `find_root`): its own `[workspace]` or `package.workspace`, else the
    /// nearest ancestor that takes it. Every manifest looked at is read in
    /// full, as cargo reads it.
    fn find_root(
        &mut self,
        manifest_path: &Path,
        opts: &ReadOptions,
    ) -> Result<Option<PathBuf>, ManifestError> {
        let own = self
            .load_manifest(manifest_path, opts)?
            .workspace_config()
            .ws_root(manifest_path, manifest_path);
        if own.is_some() {
            return Ok(own);
        }
        for ancestor in ancestor_manifests(manifest_path, opts.cargo_home.as_deref()) {
            let found = self
                .load_manifest(&ancestor, opts)?
                .workspace_config()
                .ws_root(&ancestor, manifest_path);
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// Load `manifest_path` as a member (and, recursively, its path
    /// dependencies inside the workspace), unless excluded or already seen.
    /// Members are read with the root's fields to inherit (`opts`), other
    /// manifests without (`plain`).
    fn find_path_deps(
        &mut self,
        manifest_path: &Path,
        is_path_dep: bool,
        opts: &ReadOptions,
        plain: &ReadOptions,
    ) -> Result<(), ManifestError> {
        let manifest_path = normalize_path(manifest_path);
        if self.members.contains(&manifest_path) {
            return Ok(());
        }
        let pkg_dir = manifest_path.parent().unwrap_or(Path::new(""));
        // A path dependency outside the root is a member only when it
        // names this workspace as its own.
        if is_path_dep
            && !pkg_dir.starts_with(self.root())
            && self.find_root(&manifest_path, plain)? != Some(self.root_manifest.clone())
        {
            return Ok(());
        }
        if let Some(rc) = &self.root_config
            && rc.is_excluded(&manifest_path)
        {
            return Ok(());
        }
        let ManifestKind::Package(pkg) = &self.load_manifest(&manifest_path, opts)?.kind else {
            // A virtual manifest among the members is one (cargo then finds
            // two roots).
            self.members.push(manifest_path);
            return Ok(());
        };
        let candidates: Vec<(PathBuf, String)> = pkg
            .dependencies
            .iter()
            .filter_map(|d| Some((d.path()?.join("Cargo.toml"), d.package_name().to_string())))
            .collect();
        self.members.push(manifest_path);
        for (path, name) in candidates {
            self.find_path_deps(&path, true, opts, plain).map_err(|e| {
                ManifestError::PathDependency {
                    name,
                    source: Box::new(e),
                }
            })?;
        }
        Ok(())
    }

    /// cargo's checks, in its order: unique package names, exactly one
    /// root among the members, every member agreeing on the root, and the
    /// current package being a member.
    fn validate(&mut self, opts: &ReadOptions) -> Result<(), ManifestError> {
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
        // cargo counts the root among the members, after those found
        // through `members` (a virtual root too).
        let all = self.all_members();
        let roots: Vec<&Path> = all
            .iter()
            .filter(|p| {
                self.manifests
                    .get(*p)
                    .is_some_and(|m| matches!(m.workspace_config(), WorkspaceConfig::Root(_)))
            })
            .map(|p| p.parent().unwrap_or(Path::new("")))
            .collect();
        match roots.len() {
            1 => {}
            0 => {
                return Err(err(format!(
                    "`package.workspace` configuration points to a crate which is not configured with [workspace]: \n\
                     configuration at: {}\npoints to: {}",
                    self.current_manifest.display(),
                    self.root_manifest.display()
                )));
            }
            _ => {
                let list: Vec<String> =
                    roots.iter().map(|r| format!("  {}", r.display())).collect();
                return Err(err(format!(
                    "multiple workspace roots found in the same workspace:\n{}",
                    list.join("\n")
                )));
            }
        }
        for path in &all {
            let actual = self.find_root(path, opts)?;
            if actual.as_deref() == Some(self.root_manifest.as_path()) {
                continue;
            }
            return Err(err(match actual {
                Some(actual) => format!(
                    "package `{}` is a member of the wrong workspace\nexpected: {}\nactual:   {}",
                    path.display(),
                    self.root_manifest.display(),
                    actual.display()
                ),
                None => format!(
                    "workspace member `{}` is not hierarchically below the workspace root `{}`",
                    path.display(),
                    self.root_manifest.display()
                ),
            }));
        }
        if !all.contains(&self.current_manifest) {
            return Err(err(self.not_a_member_message()));
        }
        Ok(())
    }

    /// The members as cargo lists them for its checks: the packages, with
    /// the root manifest where cargo finds it (after the `members`).
    fn all_members(&self) -> Vec<PathBuf> {
        let mut all = self.members.clone();
        if !all.contains(&self.root_manifest) && !self.root_excluded() {
            all.push(self.root_manifest.clone());
        }
        all
    }

    fn root_excluded(&self) -> bool {
        self.root_config
            .as_ref()
            .is_some_and(|rc| rc.is_excluded(&self.root_manifest))
    }

    /// "current package believes it's in a workspace when it's not", with
    /// cargo's advice for this layout.
    fn not_a_member_message(&self) -> String {
        let root = &self.root_manifest;
        let root_dir = self.root();
        let current_dir = self.current_manifest.parent().unwrap_or(Path::new(""));
        let members_msg = match relative_path(current_dir, &root_dir) {
            Some(rel) => format!(
                "this may be fixable by adding `{}` to the `workspace.members` array of the manifest located at: {}",
                rel.display(),
                root.display()
            ),
            None => format!(
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
        format!(
            "current package believes it's in a workspace when it's not:\n\
             current:   {}\nworkspace: {}\n\n{extra}\n\
             Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, \
             or add an empty `[workspace]` table to the package's manifest.",
            self.current_manifest.display(),
            root.display()
        )
    }

    /// What cargo warns about once the workspace is loaded: settings of
    /// members that only the root may give, and a virtual root without
    /// `resolver` whose members' editions imply a newer one.
    fn check_member_settings(&self) -> Vec<Report> {
        let mut out = Vec::new();
        let root = &self.root_manifest;
        let ws_resolver = self.resolver_version();
        let others = || {
            self.members
                .iter()
                .filter(|p| *p != root)
                .filter_map(|p| self.manifests.get(p)?.package())
        };
        for pkg in others() {
            let ignored = |what: &str| {
                Report::new(format!(
                    "{what} for the non root package will be ignored, specify {what} at the workspace root:\n\
                     package:   {}\nworkspace: {}",
                    pkg.manifest_path.display(),
                    root.display()
                ))
            };
            if pkg.normalized_toml.profile.is_some() {
                out.push(ignored("profiles"));
            }
            if !pkg.replace.is_empty() {
                out.push(ignored("replace"));
            }
            if !pkg.patch.is_empty() {
                out.push(ignored("patch"));
            }
            if pkg.resolver.as_ref().is_some_and(|r| *r != ws_resolver) {
                out.push(ignored("resolver"));
            }
        }
        let virtual_without_resolver = self.is_virtual()
            && self
                .root_config
                .as_ref()
                .is_some_and(|rc| rc.resolver.is_none());
        if virtual_without_resolver
            && let Some(edition) = others()
                .map(|p| p.edition)
                .filter(|e| *e >= Edition::Edition2021)
                .max()
        {
            let (edition, resolver) = (edition.as_str(), edition.default_resolver());
            out.push(
                Report::new(format!(
                    "virtual workspace defaulting to `resolver = \"1\"` despite one or more workspace members \
                     being on edition {edition} which implies `resolver = \"{resolver}\"`"
                ))
                .note("to keep the current resolver, specify `workspace.resolver = \"1\"` in the workspace root's manifest")
                .note(format!(
                    "to use the edition {edition} resolver, specify `workspace.resolver = \"{resolver}\"` in the workspace root's manifest"
                ))
                .note("for more details see https://doc.rust-lang.org/cargo/reference/resolver.html#resolver-versions"),
            );
        }
        out
    }

    /// The directory of the root manifest.
    /// Where `Cargo.lock` is read and written: the root's, unless
    /// configuration moved it ([`Workspace::set_lock_path`]).
    pub fn lock_path(&self) -> PathBuf {
        match &self.lock_path {
            Some(p) => p.clone(),
            None => self.root().join("Cargo.lock"),
        }
    }

    pub fn set_lock_path(&mut self, path: PathBuf) {
        self.lock_path = Some(path);
    }

    /// Whether the existing lock file is to be left unread.
    pub fn ignore_lock(&self) -> bool {
        self.ignore_lock
    }

    pub fn set_ignore_lock(&mut self, ignore: bool) {
        self.ignore_lock = ignore;
    }

    /// See [`Workspace::set_resolve_honors_rust_version`].
    pub fn resolve_honors_rust_version(&self) -> Option<bool> {
        self.resolve_honors_rust_version
    }

    pub fn set_resolve_honors_rust_version(&mut self, honors: Option<bool>) {
        self.resolve_honors_rust_version = honors;
    }

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

    /// Member packages to change in memory (`update --breaking` resolves
    /// with requirements it has not written yet).
    pub fn members_mut(&mut self) -> impl Iterator<Item = &mut Manifest> {
        let members = &self.members;
        self.manifests
            .iter_mut()
            .filter(|(p, _)| members.contains(p))
            .filter_map(|(_, m)| match &mut m.kind {
                ManifestKind::Package(p) => Some(p.as_mut()),
                ManifestKind::Virtual(_) => None,
            })
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

    pub fn root_parsed_mut(&mut self) -> Option<&mut ParsedManifest> {
        self.manifests.get_mut(&self.root_manifest)
    }

    /// Profiles come from the root manifest only.
    pub fn profiles(&self) -> Option<&Profiles> {
        self.root_parsed()?.profiles()
    }

    /// The root manifest's `cargo-features` (what configuration profiles
    /// are checked against).
    pub fn root_cargo_features(&self) -> &[String] {
        self.root_parsed().map_or(&[], |m| m.cargo_features())
    }

    /// `<root>/target`, before configuration or `CARGO_TARGET_DIR` override it.
    pub fn default_target_dir(&self) -> PathBuf {
        match &self.script_build_dir {
            Some(dir) => dir.join("target"),
            None => self.root().join("target"),
        }
    }

    /// Whether the workspace is a single-file package (`-Zscript`).
    pub fn is_script(&self) -> bool {
        crate::embedded::is_embedded(&self.root_manifest)
    }

    /// A script's default build directory, once set.
    pub fn script_build_dir(&self) -> Option<&Path> {
        self.script_build_dir.as_deref()
    }

    pub fn set_script_build_dir(&mut self, dir: PathBuf) {
        self.script_build_dir = Some(dir);
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

    /// Warnings about the workspace as a whole, found while loading it.
    /// cargo prints these whenever it loads the workspace (before any
    /// manifest warnings), unlike the manifests' own [`warnings`].
    ///
    /// [`warnings`]: Workspace::warnings
    pub fn load_warnings(&self) -> &[Report] {
        &self.load_warnings
    }

    /// Warnings of every manifest read, with the manifest's path.
    pub fn warnings(&self) -> Vec<(&Path, &str)> {
        self.manifests
            .iter()
            .flat_map(|(p, m)| m.warnings.iter().map(move |w| (p.as_path(), w.as_str())))
            .collect()
    }

    /// The first error cargo raises only once a build starts (a `[[test]]`,
    /// `[[example]]` or `[[bench]]` whose file is missing), with the
    /// manifest's path.
    pub fn first_deferred_error(&self) -> Option<(&Path, &str)> {
        self.manifests.iter().find_map(|(p, m)| match &m.kind {
            ManifestKind::Package(m) => {
                m.deferred_errors.first().map(|e| (p.as_path(), e.as_str()))
            }
            ManifestKind::Virtual(_) => None,
        })
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
