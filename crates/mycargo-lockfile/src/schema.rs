//! The on-disk shape of `Cargo.lock`, as serde reads it (cargo's
//! `TomlLockfile*` types). Nothing here knows about the workspace: path
//! packages have no `source`, and dependency entries are the strings
//! `name`, `name version` or `name version (source)`.
//!
//! The orderings are cargo's, because the writer sorts dependency entries
//! with them: [`TomlLockfilePackageId`] by name, then version *as a
//! string*, then source; [`TomlLockfileSourceId`] by kind (path, registry,
//! sparse, local registry, directory, git; git by tag, branch, rev, default
//! branch) and then by URL.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use mycargo_core::{GitReference, SourceKind};
use serde::{Deserialize, Deserializer};
use url::Url;

/// The whole file.
#[derive(Deserialize, Debug, Default)]
pub struct TomlLockfile {
    /// `version = N` (V3 and later); absent in V1 and V2 files.
    pub version: Option<u32>,
    pub package: Option<Vec<TomlLockfileDependency>>,
    /// The `[root]` table of very old files: read as the first package.
    pub root: Option<TomlLockfileDependency>,
    /// `[metadata]`: V1 keeps checksums here (`"checksum <id>" = "<hex>"`).
    pub metadata: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub patch: TomlLockfilePatch,
}

/// `[[patch.unused]]`.
#[derive(Deserialize, Debug, Default)]
pub struct TomlLockfilePatch {
    pub unused: Vec<TomlLockfileDependency>,
}

/// One `[[package]]` (or `[[patch.unused]]`) entry.
#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct TomlLockfileDependency {
    pub name: String,
    pub version: String,
    /// Absent for path packages.
    pub source: Option<TomlLockfileSourceId>,
    pub checksum: Option<String>,
    pub dependencies: Option<Vec<TomlLockfilePackageId>>,
    pub replace: Option<TomlLockfilePackageId>,
}

/// A `source` string, with the kind and URL parsed for ordering.
#[derive(Debug, Clone)]
pub struct TomlLockfileSourceId {
    source_str: String,
    kind: SourceKind,
    url: Url,
}

/// A `source` string that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("invalid source `{0}`")]
    InvalidSource(String),
    #[error("invalid url `{url}`: {msg}")]
    InvalidUrl { url: String, msg: String },
    #[error("unsupported source protocol: {0}")]
    UnsupportedSource(String),
    #[error("invalid serialized PackageId")]
    InvalidPackageId,
}

impl TomlLockfileSourceId {
    /// Parse `registry+https://...`, `sparse+https://...`, `git+url?q#sha`
    /// or `path+file://...` (the kinds a lock file can hold).
    pub fn new(source: String) -> Result<TomlLockfileSourceId, SourceError> {
        let (kind, rest) = source
            .split_once('+')
            .ok_or_else(|| SourceError::InvalidSource(source.clone()))?;
        // A sparse registry's URL keeps its `sparse+` prefix.
        let to_parse = if kind == "sparse" { &source } else { rest };
        let url = Url::parse(to_parse).map_err(|e| SourceError::InvalidUrl {
            url: rest.to_string(),
            msg: e.to_string(),
        })?;
        let kind = match kind {
            "git" => SourceKind::Git(git_reference_from_query(&url)),
            "registry" => SourceKind::Registry,
            "sparse" => SourceKind::SparseRegistry,
            "path" => SourceKind::Path,
            other => return Err(SourceError::UnsupportedSource(other.to_string())),
        };
        Ok(TomlLockfileSourceId {
            source_str: source,
            kind,
            url,
        })
    }

    /// The string as written in the file.
    pub fn as_str(&self) -> &str {
        &self.source_str
    }

    pub fn kind(&self) -> &SourceKind {
        &self.kind
    }

    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// cargo reads `?branch=`, `?tag=`, `?rev=` (and the old `?ref=`, a
/// branch); the last one wins.
fn git_reference_from_query(url: &Url) -> GitReference {
    let mut reference = GitReference::DefaultBranch;
    for (k, v) in url.query_pairs() {
        match &*k {
            "branch" | "ref" => reference = GitReference::Branch(v.into_owned()),
            "rev" => reference = GitReference::Rev(v.into_owned()),
            "tag" => reference = GitReference::Tag(v.into_owned()),
            _ => {}
        }
    }
    reference
}

/// cargo's order of source kinds: path < registry < sparse < local registry
/// < directory < git, and git references tag < branch < rev < default
/// branch, then by name.
pub fn cmp_kind(a: &SourceKind, b: &SourceKind) -> Ordering {
    fn rank(k: &SourceKind) -> u8 {
        match k {
            SourceKind::Path => 0,
            SourceKind::Registry => 1,
            SourceKind::SparseRegistry => 2,
            SourceKind::LocalRegistry => 3,
            SourceKind::Directory => 4,
            SourceKind::Git(_) => 5,
        }
    }
    fn git_rank(r: &GitReference) -> (u8, &str) {
        match r {
            GitReference::Tag(s) => (0, s),
            GitReference::Branch(s) => (1, s),
            GitReference::Rev(s) => (2, s),
            GitReference::DefaultBranch => (3, ""),
        }
    }
    match (a, b) {
        (SourceKind::Git(x), SourceKind::Git(y)) => git_rank(x).cmp(&git_rank(y)),
        _ => rank(a).cmp(&rank(b)),
    }
}

impl PartialEq for TomlLockfileSourceId {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for TomlLockfileSourceId {}

impl PartialOrd for TomlLockfileSourceId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TomlLockfileSourceId {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_kind(&self.kind, &other.kind).then_with(|| self.url.as_str().cmp(other.url.as_str()))
    }
}

impl fmt::Display for TomlLockfileSourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source_str)
    }
}

impl<'de> Deserialize<'de> for TomlLockfileSourceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TomlLockfileSourceId::new(s).map_err(serde::de::Error::custom)
    }
}

/// A dependency entry: `name`, `name version` or `name version (source)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TomlLockfilePackageId {
    pub name: String,
    pub version: Option<String>,
    pub source: Option<TomlLockfileSourceId>,
}

impl fmt::Display for TomlLockfilePackageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(v) = &self.version {
            write!(f, " {v}")?;
        }
        if let Some(s) = &self.source {
            write!(f, " ({s})")?;
        }
        Ok(())
    }
}

impl FromStr for TomlLockfilePackageId {
    type Err = SourceError;

    fn from_str(s: &str) -> Result<TomlLockfilePackageId, SourceError> {
        let mut parts = s.splitn(3, ' ');
        let name = parts.next().unwrap_or_default();
        let version = parts.next();
        let source = match parts.next() {
            Some(rest) => match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                Some(src) => Some(TomlLockfileSourceId::new(src.to_string())?),
                None => return Err(SourceError::InvalidPackageId),
            },
            None => None,
        };
        Ok(TomlLockfilePackageId {
            name: name.to_string(),
            version: version.map(str::to_string),
            source,
        })
    }
}

impl<'de> Deserialize<'de> for TomlLockfilePackageId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(s: &str) -> TomlLockfileSourceId {
        TomlLockfileSourceId::new(s.to_string()).unwrap()
    }

    #[test]
    fn sources() {
        let s = src("sparse+https://my-crates.io/index/");
        assert_eq!(s.kind(), &SourceKind::SparseRegistry);
        assert_eq!(s.url().as_str(), "sparse+https://my-crates.io/index/");
        let s = src("registry+https://github.com/rust-lang/crates.io-index");
        assert_eq!(s.kind(), &SourceKind::Registry);
        assert_eq!(
            s.url().as_str(),
            "https://github.com/rust-lang/crates.io-index"
        );
        let s = src("git+https://github.com/rust-lang/cargo?branch=feat%2Fx#abc");
        assert_eq!(
            s.kind(),
            &SourceKind::Git(GitReference::Branch("feat/x".into()))
        );
        let s = src("git+https://x/y?ref=old&tag=v1");
        assert_eq!(s.kind(), &SourceKind::Git(GitReference::Tag("v1".into())));
        assert_eq!(src("path+file:///a/b").kind(), &SourceKind::Path);
        assert!(matches!(
            TomlLockfileSourceId::new("unknown+https://x".into()),
            Err(SourceError::UnsupportedSource(_))
        ));
        assert!(matches!(
            TomlLockfileSourceId::new("registry+https//x".into()),
            Err(SourceError::InvalidUrl { .. })
        ));
        assert!(matches!(
            TomlLockfileSourceId::new("https//x".into()),
            Err(SourceError::InvalidSource(_))
        ));
    }

    #[test]
    fn package_id_forms() {
        let id: TomlLockfilePackageId = "foo".parse().unwrap();
        assert_eq!((id.version, id.source), (None, None));
        let id: TomlLockfilePackageId = "foo 1.0.0".parse().unwrap();
        assert_eq!(id.version.as_deref(), Some("1.0.0"));
        let s = "foo 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)";
        let id: TomlLockfilePackageId = s.parse().unwrap();
        assert_eq!(id.to_string(), s);
        assert!(
            "foo 1.0.0 registry+x"
                .parse::<TomlLockfilePackageId>()
                .is_err()
        );
    }

    #[test]
    fn ordering_is_cargos() {
        let p = |s: &str| s.parse::<TomlLockfilePackageId>().unwrap();
        // Versions compare as strings.
        assert!(p("hashbrown 0.12.3") < p("hashbrown 0.9.1"));
        // No source first, then path < registry < sparse < git.
        assert!(p("a 1.0.0") < p("a 1.0.0 (registry+https://r/)"));
        assert!(p("a 1.0.0 (registry+https://z/)") < p("a 1.0.0 (sparse+https://a/)"));
        assert!(p("a 1.0.0 (sparse+https://z/)") < p("a 1.0.0 (git+https://a/)"));
        // Git: tag < branch < rev < default branch.
        assert!(p("a 1.0.0 (git+https://z/?tag=t)") < p("a 1.0.0 (git+https://a/?branch=b)"));
        assert!(p("a 1.0.0 (git+https://z/?branch=b)") < p("a 1.0.0 (git+https://a/?rev=r)"));
        assert!(p("a 1.0.0 (git+https://z/?rev=r)") < p("a 1.0.0 (git+https://a/)"));
    }
}
