//! A package identity: name, exact version and source.

use std::fmt;

use semver::Version;

use crate::source_id::SourceId;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageId {
    name: String,
    version: Version,
    source_id: SourceId,
}

impl PackageId {
    pub fn new(name: impl Into<String>, version: Version, source_id: SourceId) -> PackageId {
        PackageId {
            name: name.into(),
            version,
            source_id,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn version(&self) -> &Version {
        &self.version
    }

    pub fn source_id(&self) -> &SourceId {
        &self.source_id
    }

    pub fn with_source_id(&self, source_id: SourceId) -> PackageId {
        PackageId {
            source_id,
            ..self.clone()
        }
    }

    /// The Package ID Spec form used by `cargo metadata` and `cargo pkgid`:
    /// `path+file:///abs/demo#0.1.0` (name left out when it equals the last
    /// URL segment) or `registry+https://...#itoa@1.0.18`.
    pub fn to_spec_string(&self) -> String {
        let base = self.source_id.without_precise().as_url();
        let last = self
            .source_id
            .url()
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("");
        if last == self.name {
            format!("{base}#{}", self.version)
        } else {
            format!("{base}#{}@{}", self.name, self.version)
        }
    }
}

impl fmt::Display for PackageId {
    /// cargo's `name v1.2.3` plus ` (source)` for non-registry sources.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{}", self.name, self.version)?;
        if !self.source_id.is_crates_io() {
            write!(f, " ({})", self.source_id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn spec_strings() {
        let v = Version::new(0, 1, 0);
        let p = SourceId::for_path(Path::new("/abs/demo")).unwrap();
        let id = PackageId::new("demo", v.clone(), p.clone());
        assert_eq!(id.to_spec_string(), "path+file:///abs/demo#0.1.0");
        assert_eq!(id.to_string(), "demo v0.1.0 (/abs/demo)");
        let id = PackageId::new("other", v.clone(), p);
        assert_eq!(id.to_spec_string(), "path+file:///abs/demo#other@0.1.0");
        let id = PackageId::new("itoa", Version::new(1, 0, 18), SourceId::crates_io());
        assert_eq!(
            id.to_spec_string(),
            "registry+https://github.com/rust-lang/crates.io-index#itoa@1.0.18"
        );
        assert_eq!(id.to_string(), "itoa v1.0.18");
    }
}
