//! Package ID specifications (`cargo help pkgid`): `name`, `name@1.2.3`,
//! `name:1.2`, and URL forms such as
//! `https://github.com/rust-lang/crates.io-index#regex@1.4.3`,
//! `path+file:///path#foo@0.1.0` or `git+https://host/repo?branch=b#foo@1`.

use std::fmt;

use url::Url;

use crate::names::{NameError, validate_package_name_ns};
use crate::package_id::PackageId;
use crate::partial_version::{PartialVersion, PartialVersionError};
use crate::source_id::{GitReference, SourceKind};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageIdSpec {
    name: String,
    version: Option<PartialVersion>,
    url: Option<Url>,
    kind: Option<SourceKind>,
}

/// Why a spec did not parse. The application adds cargo's
/// "invalid package ID specification: `..`" context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageIdSpecError {
    #[error(transparent)]
    Version(#[from] PartialVersionError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("unsupported source protocol: {0}")]
    UnsupportedProtocol(String),
    #[error("`path+{0}` is unsupported; `path+file` and `file` schemes are supported")]
    UnsupportedPathPlusScheme(String),
    #[error("cannot have a query string in a pkgid: {0}")]
    UnexpectedQueryString(String),
    #[error("pkgid urls must have at least one path component: {0}")]
    MissingUrlPath(String),
    #[error("package ID specification `{spec}` looks like a file path, maybe try {maybe_url}")]
    MaybeFilePath { spec: String, maybe_url: String },
}

fn parse_spec(spec: &str) -> Result<Option<(String, PartialVersion)>, PackageIdSpecError> {
    // `name:version` (old style), but not the `::` of a namespaced name.
    let old_style = spec.rsplit_once(':').filter(|(n, _)| !n.ends_with(':'));
    let Some((name, ver)) = spec.rsplit_once('@').or(old_style) else {
        return Ok(None);
    };
    Ok(Some((name.to_string(), ver.parse()?)))
}

impl PackageIdSpec {
    /// A spec of just a name.
    pub fn new(name: impl Into<String>) -> PackageIdSpec {
        PackageIdSpec {
            name: name.into(),
            version: None,
            url: None,
            kind: None,
        }
    }

    /// Parse a spec. `cwd` is used only to tell a user who typed a file path
    /// (which must exist) to use a `file://` URL.
    pub fn parse(
        spec: &str,
        cwd: Option<&std::path::Path>,
    ) -> Result<PackageIdSpec, PackageIdSpecError> {
        if spec.contains("://") {
            if let Ok(url) = Url::parse(spec) {
                return PackageIdSpec::from_url(url);
            }
        } else if (spec.contains('/') || spec.contains('\\'))
            && let Some(cwd) = cwd
        {
            let abs = cwd.join(spec);
            if abs.exists() {
                let maybe_url = Url::from_file_path(&abs)
                    .map_or_else(|()| "a file:// URL".to_string(), |u| u.to_string());
                return Err(PackageIdSpecError::MaybeFilePath {
                    spec: spec.to_string(),
                    maybe_url,
                });
            }
        }
        let (name, version) = match parse_spec(spec)? {
            Some((n, v)) => (n, Some(v)),
            None => (spec.to_string(), None),
        };
        validate_package_name_ns(&name, "package name")?;
        Ok(PackageIdSpec {
            name,
            version,
            url: None,
            kind: None,
        })
    }

    fn from_url(mut url: Url) -> Result<PackageIdSpec, PackageIdSpecError> {
        let mut kind = None;
        let scheme = url.scheme().to_string();
        if let Some((kind_str, inner)) = scheme.split_once('+') {
            match kind_str {
                "git" => {
                    let reference = GitReference::from_query(url.query_pairs());
                    url.set_query(None);
                    kind = Some(SourceKind::Git(reference));
                    url = strip_protocol(&url, inner);
                }
                "registry" => {
                    if url.query().is_some() {
                        return Err(PackageIdSpecError::UnexpectedQueryString(url.to_string()));
                    }
                    kind = Some(SourceKind::Registry);
                    url = strip_protocol(&url, inner);
                }
                "sparse" => {
                    if url.query().is_some() {
                        return Err(PackageIdSpecError::UnexpectedQueryString(url.to_string()));
                    }
                    kind = Some(SourceKind::SparseRegistry);
                }
                "path" => {
                    if url.query().is_some() {
                        return Err(PackageIdSpecError::UnexpectedQueryString(url.to_string()));
                    }
                    if inner != "file" {
                        return Err(PackageIdSpecError::UnsupportedPathPlusScheme(
                            inner.to_string(),
                        ));
                    }
                    kind = Some(SourceKind::Path);
                    url = strip_protocol(&url, inner);
                }
                other => return Err(PackageIdSpecError::UnsupportedProtocol(other.to_string())),
            }
        } else if url.query().is_some() {
            return Err(PackageIdSpecError::UnexpectedQueryString(url.to_string()));
        }
        let frag = url.fragment().map(str::to_string);
        url.set_fragment(None);
        let path_name = url
            .path_segments()
            .and_then(|mut p| p.next_back())
            .map(str::to_string);
        let Some(path_name) = path_name else {
            return Err(PackageIdSpecError::MissingUrlPath(url.to_string()));
        };
        let (name, version) = match frag {
            Some(fragment) => match parse_spec(&fragment)? {
                Some((n, v)) => (n, Some(v)),
                None => {
                    if fragment.chars().next().is_some_and(char::is_alphabetic) {
                        (fragment, None)
                    } else {
                        (path_name, Some(fragment.parse()?))
                    }
                }
            },
            None => (path_name, None),
        };
        validate_package_name_ns(&name, "package name")?;
        Ok(PackageIdSpec {
            name,
            version,
            url: Some(url),
            kind,
        })
    }

    /// The exact spec of a package (what `cargo pkgid` prints).
    pub fn from_package_id(id: &PackageId) -> PackageIdSpec {
        let source = id.source_id();
        PackageIdSpec {
            name: id.name().to_string(),
            version: Some(id.version().clone().into()),
            url: Some(source.url().clone()),
            kind: Some(source.kind().clone()),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn partial_version(&self) -> Option<&PartialVersion> {
        self.version.as_ref()
    }

    pub fn url(&self) -> Option<&Url> {
        self.url.as_ref()
    }

    pub fn kind(&self) -> Option<&SourceKind> {
        self.kind.as_ref()
    }

    /// Whether `id` is described by this spec.
    pub fn matches(&self, id: &PackageId) -> bool {
        if self.name != id.name() {
            return false;
        }
        if let Some(v) = &self.version
            && !v.matches(id.version())
        {
            return false;
        }
        if let Some(u) = &self.url
            && u.as_str().trim_end_matches('/')
                != id.source_id().url().as_str().trim_end_matches('/')
        {
            return false;
        }
        if let Some(k) = &self.kind {
            let source_kind = id.source_id().kind();
            let same = match (k, source_kind) {
                (SourceKind::Git(GitReference::DefaultBranch), SourceKind::Git(_)) => true,
                (a, b) => a == b,
            };
            if !same {
                return false;
            }
        }
        true
    }
}

fn strip_protocol(url: &Url, inner_scheme: &str) -> Url {
    let raw = url.as_str();
    let rest = raw.split_once('+').map_or(raw, |(_, r)| r);
    let _ = inner_scheme;
    Url::parse(rest).unwrap_or_else(|_| url.clone())
}

impl fmt::Display for PackageIdSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut printed_name = false;
        match &self.url {
            Some(url) => {
                if let Some(p) = self.kind.as_ref().and_then(SourceKind::protocol) {
                    write!(f, "{p}+")?;
                }
                write!(f, "{url}")?;
                if let Some(SourceKind::Git(r)) = &self.kind
                    && let Some(pretty) = r.pretty_ref(true)
                {
                    write!(f, "?{pretty}")?;
                }
                let last = url.path_segments().and_then(|mut s| s.next_back());
                if last != Some(self.name.as_str()) {
                    printed_name = true;
                    write!(f, "#{}", self.name)?;
                }
            }
            None => {
                printed_name = true;
                f.write_str(&self.name)?;
            }
        }
        if let Some(v) = &self.version {
            write!(f, "{}{v}", if printed_name { "@" } else { "#" })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_id::SourceId;
    use semver::Version;

    fn ok(s: &str) -> PackageIdSpec {
        PackageIdSpec::parse(s, None).unwrap()
    }

    fn err(s: &str) -> String {
        PackageIdSpec::parse(s, None).unwrap_err().to_string()
    }

    #[test]
    fn simple_forms() {
        let s = ok("foo");
        assert_eq!((s.name(), s.partial_version()), ("foo", None));
        let s = ok("foo@1.2.3");
        assert_eq!(s.partial_version().unwrap().to_string(), "1.2.3");
        assert_eq!(s.to_string(), "foo@1.2.3");
        let s = ok("foo:1.2");
        assert_eq!(s.to_string(), "foo@1.2");
    }

    #[test]
    fn url_forms() {
        let s = ok("https://github.com/rust-lang/crates.io-index#regex@1.4.3");
        assert_eq!(s.name(), "regex");
        assert_eq!(s.kind(), None);
        assert_eq!(
            s.to_string(),
            "https://github.com/rust-lang/crates.io-index#regex@1.4.3"
        );
        let s = ok("path+file:///path/foo#0.1.0");
        assert_eq!(s.name(), "foo");
        assert_eq!(s.kind(), Some(&SourceKind::Path));
        assert_eq!(s.to_string(), "path+file:///path/foo#0.1.0");
        let s = ok("path+file:///path#foo@0.1.0");
        assert_eq!(s.to_string(), "path+file:///path#foo@0.1.0");
        let s = ok("git+https://github.com/a/b?branch=dev#foo@1");
        assert_eq!(
            s.kind(),
            Some(&SourceKind::Git(GitReference::Branch("dev".into())))
        );
        assert_eq!(s.url().unwrap().as_str(), "https://github.com/a/b");
        assert_eq!(s.to_string(), "git+https://github.com/a/b?branch=dev#foo@1");
        let s = ok("registry+https://github.com/rust-lang/crates.io-index#serde");
        assert_eq!(s.kind(), Some(&SourceKind::Registry));
        let s = ok("sparse+https://index.crates.io/#serde@1");
        assert_eq!(s.kind(), Some(&SourceKind::SparseRegistry));
        assert_eq!(s.to_string(), "sparse+https://index.crates.io/#serde@1");
        let s = ok("file:///tmp/exp/dep#dep");
        assert_eq!(s.to_string(), "file:///tmp/exp/dep");
    }

    #[test]
    fn errors() {
        assert_eq!(
            err("dep@x"),
            "unexpected version requirement, expected a version like \"1.32\""
        );
        assert_eq!(err("dep@01"), "expected a version like \"1.32\"");
        assert_eq!(err("@1"), "package name cannot be empty");
        assert_eq!(err("ssh+git://x/y"), "unsupported source protocol: ssh");
        assert_eq!(
            err("path+https://x/y"),
            "`path+https` is unsupported; `path+file` and `file` schemes are supported"
        );
        assert_eq!(
            err("https://x/y?x=1"),
            "cannot have a query string in a pkgid: https://x/y?x=1"
        );
        assert_eq!(err("https://x"), "package name cannot be empty");
        assert_eq!(err("https://x/y#1foo"), "expected a version like \"1.32\"");
        assert!(err("foo bar").starts_with("invalid character ` ` in package name"));
    }

    #[test]
    fn matching() {
        let id = PackageId::new("regex", Version::new(1, 4, 3), SourceId::crates_io());
        assert!(ok("regex").matches(&id));
        assert!(ok("regex@1.4").matches(&id));
        assert!(!ok("regex@1.5").matches(&id));
        assert!(ok("https://github.com/rust-lang/crates.io-index#regex@1.4.3").matches(&id));
        assert!(!ok("https://example.com/other#regex").matches(&id));
        let spec = PackageIdSpec::from_package_id(&id);
        assert_eq!(
            spec.to_string(),
            "registry+https://github.com/rust-lang/crates.io-index#regex@1.4.3"
        );
        assert!(spec.matches(&id));
    }
}
