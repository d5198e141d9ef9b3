//! A version with optional minor and patch (`1`, `1.2`, `1.2.3-pre`), as in
//! `name@1.2` package specs and `rust-version`.

use std::fmt;
use std::str::FromStr;

use semver::{BuildMetadata, Prerelease, Version};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialVersion {
    pub major: u64,
    pub minor: Option<u64>,
    pub patch: Option<u64>,
    pub pre: Option<Prerelease>,
    pub build: Option<BuildMetadata>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PartialVersionError {
    #[error("unexpected version requirement, expected a version like \"1.32\"")]
    VersionReq,
    #[error("unexpected prerelease field, expected a version like \"1.32\"")]
    Prerelease,
    #[error("unexpected build field, expected a version like \"1.32\"")]
    BuildMetadata,
    #[error("expected a version like \"1.32\"")]
    Unexpected,
}

impl PartialVersion {
    /// Whether `version` is within this partial version (`1.2` matches
    /// `1.2.x`).
    pub fn matches(&self, version: &Version) -> bool {
        self.major == version.major
            && self.minor.is_none_or(|m| m == version.minor)
            && self.patch.is_none_or(|p| p == version.patch)
            && self.pre.as_ref().is_none_or(|p| *p == version.pre)
            && self.build.as_ref().is_none_or(|b| *b == version.build)
    }

    /// Whether a compiler of version `rustc` satisfies this `rust-version`
    /// (cargo's rule: a caret requirement, the compiler's pre-release
    /// ignored).
    pub fn is_compatible_with(&self, rustc: &Version) -> bool {
        let rustc = Version::new(rustc.major, rustc.minor, rustc.patch);
        let min = Version::new(self.major, self.minor.unwrap_or(0), self.patch.unwrap_or(0));
        rustc >= min && rustc.major == self.major
    }

    /// The full version, when all three numbers are given.
    pub fn to_version(&self) -> Option<Version> {
        Some(Version {
            major: self.major,
            minor: self.minor?,
            patch: self.patch?,
            pre: self.pre.clone().unwrap_or(Prerelease::EMPTY),
            build: self.build.clone().unwrap_or(BuildMetadata::EMPTY),
        })
    }
}

impl From<Version> for PartialVersion {
    fn from(v: Version) -> PartialVersion {
        PartialVersion {
            major: v.major,
            minor: Some(v.minor),
            patch: Some(v.patch),
            pre: (!v.pre.is_empty()).then_some(v.pre),
            build: (!v.build.is_empty()).then_some(v.build),
        }
    }
}

impl FromStr for PartialVersion {
    type Err = PartialVersionError;

    fn from_str(value: &str) -> Result<PartialVersion, PartialVersionError> {
        if let Ok(v) = Version::parse(value) {
            return Ok(v.into());
        }
        let mut req = match semver::VersionReq::parse(value) {
            Ok(r) => r,
            Err(_) if value.contains('-') => return Err(PartialVersionError::Prerelease),
            Err(_) if value.contains('+') => return Err(PartialVersionError::BuildMetadata),
            Err(_) => return Err(PartialVersionError::Unexpected),
        };
        if req.comparators.len() != 1 || value.starts_with('^') {
            return Err(PartialVersionError::VersionReq);
        }
        let Some(comp) = req.comparators.pop() else {
            return Err(PartialVersionError::VersionReq);
        };
        if comp.op != semver::Op::Caret {
            return Err(PartialVersionError::VersionReq);
        }
        Ok(PartialVersion {
            major: comp.major,
            minor: comp.minor,
            patch: comp.patch,
            pre: (!comp.pre.is_empty()).then_some(comp.pre),
            build: None,
        })
    }
}

impl fmt::Display for PartialVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.major)?;
        if let Some(m) = self.minor {
            write!(f, ".{m}")?;
        }
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        if let Some(b) = &self.build {
            write!(f, "+{b}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_forms() {
        let v: PartialVersion = "1.2".parse().unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, Some(2), None));
        assert_eq!(v.to_string(), "1.2");
        assert!(v.matches(&Version::new(1, 2, 9)));
        assert!(!v.matches(&Version::new(1, 3, 0)));
        assert_eq!(
            "1.0.0+b".parse::<PartialVersion>().unwrap().to_string(),
            "1.0.0+b"
        );
        use PartialVersionError::*;
        for (s, e) in [
            ("x", VersionReq),
            ("1.x", VersionReq),
            ("^1", VersionReq),
            ("*", VersionReq),
            (">=1, <2", VersionReq),
            ("01", Unexpected),
            ("", Unexpected),
            ("1.2.3.4", Unexpected),
        ] {
            assert_eq!(s.parse::<PartialVersion>(), Err(e), "{s}");
        }
    }
}

#[cfg(test)]
mod rust_version_tests {
    use super::*;

    #[test]
    fn compatible_with_rustc() {
        let v = |s: &str| Version::parse(s).expect("version");
        let pv = |s: &str| s.parse::<PartialVersion>().expect("partial");
        assert!(pv("1.90").is_compatible_with(&v("1.95.0")));
        assert!(pv("1.95").is_compatible_with(&v("1.95.0-nightly")));
        assert!(!pv("1.96").is_compatible_with(&v("1.95.0")));
        assert!(!pv("1.95.1").is_compatible_with(&v("1.95.0")));
        assert!(pv("1").is_compatible_with(&v("1.0.0")));
    }
}
