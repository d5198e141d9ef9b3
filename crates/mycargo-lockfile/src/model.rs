//! The lock file as a resolve: packages by id, each with the ids it
//! depends on, its checksum, and the format version the file was in.
//!
//! [`Lockfile::from_schema`] is cargo's `into_resolve`: path packages get
//! their source from the workspace ([`PathSources`]), dependency entries
//! are looked up by name, then version, then source, and the version is
//! raised from V1 to V2 when the file uses V2-only forms. Entries that
//! match nothing (a removed path package, a bad merge) are dropped
//! silently, as cargo drops them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use mycargo_core::{PackageId, SourceId};
use semver::Version;

use crate::LockVersion;
use crate::schema::{TomlLockfile, TomlLockfileDependency, TomlLockfilePackageId, cmp_kind};

/// Why a lock file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LockfileError {
    /// Not TOML, or not the shape of a lock file (serde's message, with
    /// the line and a snippet).
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    #[error(
        "lock file version `{0}` was found, but this version of Cargo does not understand this lock file, perhaps Cargo needs to be updated?"
    )]
    UnknownVersion(u32),
    /// Version 5, cargo's next format: unknown to a stable cargo; nightly
    /// names the flag that reads it (the application says which).
    #[error(
        "lock file version `{0}` was found, but this version of Cargo does not understand this lock file, perhaps Cargo needs to be updated?"
    )]
    NextVersion(u32),
    #[error("package `{0}` is specified twice in the lockfile")]
    Duplicate(String),
    #[error("invalid version `{version}` for package `{name}` in the lock file: {source}")]
    BadVersion {
        name: String,
        version: String,
        source: semver::Error,
    },
    #[error("invalid encoding of checksum in lockfile")]
    BadChecksumKey(#[source] crate::schema::SourceError),
    #[error("invalid source `{source_str}` in the lock file: {source}")]
    BadSource {
        source_str: String,
        source: mycargo_core::source_id::SourceIdError,
    },
    #[error(
        "package collision in the lockfile: packages {0} and {1} are different, but only one can be written to lockfile unambiguously"
    )]
    Collision(String, String),
}

/// One locked package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedPackage {
    pub id: PackageId,
    /// The packages it depends on (every kind, every platform), once each.
    pub dependencies: BTreeSet<PackageId>,
    /// sha256 of the `.crate` for registry packages.
    pub checksum: Option<String>,
    /// Legacy `[replace]`: the package this one is replaced by.
    pub replace: Option<PackageId>,
}

impl LockedPackage {
    pub fn new(id: PackageId) -> LockedPackage {
        LockedPackage {
            id,
            dependencies: BTreeSet::new(),
            checksum: None,
            replace: None,
        }
    }
}

/// A resolve as `Cargo.lock` records it.
///
/// Equality (as cargo's `Resolve` equality) ignores the format version.
#[derive(Debug, Clone)]
pub struct Lockfile {
    pub version: LockVersion,
    pub packages: BTreeMap<PackageId, LockedPackage>,
    /// `[metadata]` entries other than V1 checksums.
    pub metadata: BTreeMap<String, String>,
    /// `[[patch.unused]]`: patches that matched nothing.
    pub unused_patches: Vec<LockedPackage>,
    /// Packages a version 1 file lists with the checksum `<none>` (not
    /// calculated then): one calculable now is an error, as in cargo.
    pub checksum_none: std::collections::BTreeSet<PackageId>,
}

impl PartialEq for Lockfile {
    fn eq(&self, other: &Lockfile) -> bool {
        self.packages == other.packages
            && self.metadata == other.metadata
            && self.unused_patches == other.unused_patches
    }
}

impl Lockfile {
    /// An empty resolve to be written in `version`.
    pub fn new(version: LockVersion) -> Lockfile {
        Lockfile {
            version,
            packages: BTreeMap::new(),
            metadata: BTreeMap::new(),
            unused_patches: Vec::new(),
            checksum_none: Default::default(),
        }
    }

    /// Add a package (replacing one with the same id).
    pub fn insert(&mut self, package: LockedPackage) {
        self.packages.insert(package.id.clone(), package);
    }

    /// The package ids in cargo's order (name, semver version, source kind,
    /// canonical URL): the order of `[[package]]` blocks.
    pub fn sorted_ids(&self) -> Vec<&PackageId> {
        let mut ids: Vec<&PackageId> = self.packages.keys().collect();
        ids.sort_by(|a, b| cmp_package_id(a, b));
        ids
    }

    /// Parse the text of a lock file. Path packages take their source from
    /// `paths`; those not found there are left out.
    pub fn parse(text: &str, paths: &PathSources) -> Result<Lockfile, LockfileError> {
        let toml: TomlLockfile = toml::from_str(text)?;
        Lockfile::from_schema(toml, text, paths)
    }

    /// cargo's `into_resolve`. `original` is the file's text (its trailing
    /// newlines tell a one-package V2 file from V1).
    pub fn from_schema(
        toml: TomlLockfile,
        original: &str,
        paths: &PathSources,
    ) -> Result<Lockfile, LockfileError> {
        let mut version = match toml.version {
            Some(4) => LockVersion::V4,
            Some(3) => LockVersion::V3,
            Some(5) => return Err(LockfileError::NextVersion(5)),
            Some(n) => return Err(LockfileError::UnknownVersion(n)),
            None => LockVersion::V1,
        };

        let mut entries = toml.package.unwrap_or_default();
        if let Some(root) = toml.root {
            entries.insert(0, root);
        }

        let mut checksums: BTreeMap<PackageId, Option<String>> = BTreeMap::new();
        // Every entry once, by (name, version string, source); path packages
        // the workspace no longer has are skipped.
        let mut seen: BTreeSet<TomlLockfilePackageId> = BTreeSet::new();
        let mut live: Vec<(PackageId, &TomlLockfileDependency)> = Vec::new();
        for pkg in &entries {
            let enc = TomlLockfilePackageId {
                name: pkg.name.clone(),
                version: Some(pkg.version.clone()),
                source: pkg.source.clone(),
            };
            if !seen.insert(enc) {
                return Err(LockfileError::Duplicate(pkg.name.clone()));
            }
            let Some(id) = entry_id(pkg, paths)? else {
                continue;
            };
            if let Some(sum) = &pkg.checksum {
                version = version.max(LockVersion::V2);
                checksums.insert(id.clone(), Some(sum.clone()));
            }
            live.push((id, pkg));
        }

        let index = Index::new(live.iter().map(|(id, _)| id));
        let mut packages: BTreeMap<PackageId, LockedPackage> = BTreeMap::new();
        for (id, _) in &live {
            packages.insert(id.clone(), LockedPackage::new(id.clone()));
        }
        for (id, pkg) in &live {
            let mut deps = BTreeSet::new();
            for dep in pkg.dependencies.iter().flatten() {
                if let Some(to) = index.lookup(dep, &mut version) {
                    deps.insert(to);
                }
            }
            let replace = match &pkg.replace {
                Some(r) => index.lookup(r, &mut version),
                None => None,
            };
            if let Some(p) = packages.get_mut(id) {
                p.dependencies.extend(deps);
                if replace.is_some() {
                    p.replace = replace;
                }
            }
        }

        // V1 keeps checksums in `[metadata]`.
        let mut checksum_none = std::collections::BTreeSet::new();
        let mut metadata = toml.metadata.unwrap_or_default();
        let keys: Vec<String> = metadata
            .keys()
            .filter(|k| k.starts_with("checksum "))
            .cloned()
            .collect();
        for key in &keys {
            let enc: TomlLockfilePackageId = key["checksum ".len()..]
                .parse()
                .map_err(LockfileError::BadChecksumKey)?;
            let Some(id) = index.lookup(&enc, &mut version) else {
                continue;
            };
            let value = metadata.get(key).cloned().unwrap_or_default();
            if value == "<none>" {
                checksum_none.insert(id.clone());
            }
            let sum = (value != "<none>").then_some(value);
            checksums.insert(id, sum);
        }
        // Checksums in both places: a bad merge; cargo drops them all (and
        // computes them again).
        if !keys.is_empty() && version >= LockVersion::V2 {
            checksums.clear();
        }
        for key in &keys {
            metadata.remove(key);
        }
        for (id, sum) in checksums {
            if let Some(p) = packages.get_mut(&id) {
                p.checksum = sum;
            }
        }

        let mut unused_patches = Vec::new();
        for pkg in &toml.patch.unused {
            if let Some(id) = entry_id(pkg, paths)? {
                let mut p = LockedPackage::new(id);
                p.checksum = pkg.checksum.clone();
                unused_patches.push(p);
            }
        }

        // A V2 file of one package and no checksum looks like V1; its single
        // trailing newline (V1 left two) gives it away.
        if original.ends_with('\n')
            && !original.ends_with("\n\n")
            && version == LockVersion::V1
            && packages.len() == 1
        {
            version = LockVersion::V2;
        }

        Ok(Lockfile {
            version,
            packages,
            metadata,
            unused_patches,
            checksum_none,
        })
    }
}

/// The id of a `[[package]]` entry: its own source, or the workspace's
/// path package of that name (and version, when there are several).
fn entry_id(
    pkg: &TomlLockfileDependency,
    paths: &PathSources,
) -> Result<Option<PackageId>, LockfileError> {
    let source = match &pkg.source {
        Some(s) => SourceId::from_url(s.as_str()).map_err(|e| LockfileError::BadSource {
            source_str: s.as_str().to_string(),
            source: e,
        })?,
        None => match paths.get(&pkg.name, &pkg.version) {
            Some(s) => s.clone(),
            None => return Ok(None),
        },
    };
    let version: Version = pkg.version.parse().map_err(|e| LockfileError::BadVersion {
        name: pkg.name.clone(),
        version: pkg.version.clone(),
        source: e,
    })?;
    Ok(Some(PackageId::new(&pkg.name, version, source)))
}

/// Live packages by name, then version string, for resolving dependency
/// entries that leave out the version or the source.
struct Index {
    map: BTreeMap<String, BTreeMap<String, Vec<PackageId>>>,
}

impl Index {
    fn new<'a>(ids: impl Iterator<Item = &'a PackageId>) -> Index {
        let mut map: BTreeMap<String, BTreeMap<String, Vec<PackageId>>> = BTreeMap::new();
        for id in ids {
            map.entry(id.name().to_string())
                .or_default()
                .entry(id.version().to_string())
                .or_default()
                .push(id.clone());
        }
        Index { map }
    }

    /// cargo's `lookup_id`; raises `version` to V2 when the entry relies on
    /// V2's short forms.
    fn lookup(&self, enc: &TomlLockfilePackageId, version: &mut LockVersion) -> Option<PackageId> {
        let by_version = self.map.get(&enc.name)?;
        let candidates = match &enc.version {
            Some(v) => by_version.get(v)?,
            None => {
                *version = (*version).max(LockVersion::V2);
                if by_version.len() != 1 {
                    return None;
                }
                by_version.values().next()?
            }
        };
        match &enc.source {
            Some(source) => {
                let wanted = SourceId::from_url(source.as_str()).ok()?;
                candidates
                    .iter()
                    .find(|id| *id.source_id() == wanted)
                    .cloned()
            }
            None => {
                // Path packages never carry a source, so one path package of
                // this name and version is the one meant.
                let mut path = candidates.iter().filter(|id| id.source_id().is_path());
                if let Some(p) = path.next() {
                    return if path.next().is_some() {
                        None
                    } else {
                        Some(p.clone())
                    };
                }
                if candidates.len() == 1 {
                    *version = (*version).max(LockVersion::V2);
                    return candidates.first().cloned();
                }
                None
            }
        }
    }
}

/// The workspace's path packages (members and, transitively, their path
/// dependencies), by name and version: where the source-less packages of a
/// lock file come from.
#[derive(Debug, Clone, Default)]
pub struct PathSources {
    by_name: BTreeMap<String, BTreeMap<Version, SourceId>>,
}

impl PathSources {
    pub fn new() -> PathSources {
        PathSources::default()
    }

    pub fn insert(&mut self, id: &PackageId) {
        self.by_name
            .entry(id.name().to_string())
            .or_default()
            .insert(id.version().clone(), id.source_id().clone());
    }

    /// The source of path package `name`: the only one of that name, or
    /// the one with that version.
    pub fn get(&self, name: &str, version: &str) -> Option<&SourceId> {
        let versions = self.by_name.get(name)?;
        if versions.len() == 1 {
            return versions.values().next();
        }
        let v: Version = version.parse().ok()?;
        versions.get(&v)
    }
}

impl<'a> FromIterator<&'a PackageId> for PathSources {
    fn from_iter<I: IntoIterator<Item = &'a PackageId>>(iter: I) -> PathSources {
        let mut p = PathSources::new();
        for id in iter {
            p.insert(id);
        }
        p
    }
}

/// cargo's `PackageId` order: name, semver version, then source (kind in
/// cargo's order, then canonical URL).
pub fn cmp_package_id(a: &PackageId, b: &PackageId) -> Ordering {
    a.name()
        .cmp(b.name())
        .then_with(|| a.version().cmp(b.version()))
        .then_with(|| cmp_source_id(a.source_id(), b.source_id()))
}

/// cargo's `SourceId` order: kind, then canonical URL.
pub fn cmp_source_id(a: &SourceId, b: &SourceId) -> Ordering {
    cmp_kind(a.kind(), b.kind()).then_with(|| canonical_url(a).cmp(&canonical_url(b)))
}

/// cargo's `CanonicalUrl`: no trailing slash, GitHub paths lower-cased
/// (and on https), no `.git` suffix. Applies to every kind of source.
fn canonical_url(id: &SourceId) -> String {
    let mut url = id.url().clone();
    if url.path().ends_with('/')
        && let Ok(mut segs) = url.path_segments_mut()
    {
        segs.pop_if_empty();
    }
    if url.host_str() == Some("github.com") {
        let rest = &url[url::Position::AfterScheme..];
        if let Ok(u) = format!("https{rest}").parse::<url::Url>() {
            url = u;
        }
        let lower = url.path().to_lowercase();
        url.set_path(&lower);
    }
    if let Some(stripped) = url.path().strip_suffix(".git") {
        let stripped = stripped.to_string();
        url.set_path(&stripped);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn path_id(name: &str, v: &str, dir: &str) -> PackageId {
        PackageId::new(
            name,
            v.parse().unwrap(),
            SourceId::for_path(Path::new(dir)).unwrap(),
        )
    }

    #[test]
    fn path_sources_by_name_then_version() {
        let a = path_id("dup", "0.1.0", "/w/dup1");
        let b = path_id("dup", "0.2.0", "/w/dup2");
        let c = path_id("solo", "1.0.0", "/w/solo");
        let p: PathSources = [&a, &b, &c].into_iter().collect();
        // One of the name: whatever the version says.
        assert_eq!(p.get("solo", "9.9.9"), Some(c.source_id()));
        assert_eq!(p.get("dup", "0.2.0"), Some(b.source_id()));
        assert_eq!(p.get("dup", "0.3.0"), None);
        assert_eq!(p.get("none", "0.1.0"), None);
    }

    #[test]
    fn canonical_order() {
        let gh = SourceId::for_git(
            &"https://github.com/Foo/Bar.git".parse().unwrap(),
            mycargo_core::GitReference::DefaultBranch,
        );
        assert_eq!(canonical_url(&gh), "https://github.com/foo/bar");
        let p1 = SourceId::for_path(Path::new("/a/b")).unwrap();
        let p2 = SourceId::for_path(Path::new("/a/c")).unwrap();
        assert_eq!(cmp_source_id(&p1, &p2), Ordering::Less);
        assert_eq!(cmp_source_id(&gh, &p1), Ordering::Greater);
        assert_eq!(
            cmp_source_id(&SourceId::crates_io(), &p1),
            Ordering::Greater
        );
    }

    #[test]
    fn errors() {
        let p = PathSources::new();
        let e = Lockfile::parse("version = 7\n", &p).unwrap_err();
        assert_eq!(
            e.to_string(),
            "lock file version `7` was found, but this version of Cargo does not understand this lock file, perhaps Cargo needs to be updated?"
        );
        let twice = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n";
        let e = Lockfile::parse(twice, &p).unwrap_err();
        assert_eq!(
            e.to_string(),
            "package `a` is specified twice in the lockfile"
        );
        let e = Lockfile::parse("[[package]]\nname = \"a\"\n", &p).unwrap_err();
        assert!(e.to_string().contains("missing field `version`"), "{e}");
        let e = Lockfile::parse("garbage = [\n", &p).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("TOML parse error at line 1, column "),
            "{e}"
        );
    }

    #[test]
    fn v1_detection() {
        let one = "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n";
        let p: PathSources = [&path_id("a", "0.1.0", "/w/a")].into_iter().collect();
        assert_eq!(Lockfile::parse(one, &p).unwrap().version, LockVersion::V2);
        let two_nl = format!("{one}\n");
        assert_eq!(
            Lockfile::parse(&two_nl, &p).unwrap().version,
            LockVersion::V1
        );
    }
}
