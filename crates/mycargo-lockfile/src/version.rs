//! Lock file format versions and which one cargo 1.95 writes.

use mycargo_core::PartialVersion;

/// The encoding of a lock file (cargo's `ResolveVersion`).
///
/// - V1: no `version` key; checksums in `[metadata]`; dependency entries
///   always in full (`name version (source)`).
/// - V2: no `version` key; `checksum` in each package; shortest entries.
/// - V3: `version = 3`; `?branch=master` kept as written.
/// - V4: `version = 4`; git reference values URL-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockVersion {
    V1,
    V2,
    V3,
    V4,
}

impl LockVersion {
    /// The version new lock files get when no member sets `rust-version`.
    pub const DEFAULT: LockVersion = LockVersion::V4;

    /// The newest version cargo 1.95 can write on stable.
    pub const MAX_STABLE: LockVersion = LockVersion::V4;

    /// The version for a workspace whose lowest `rust-version` is given
    /// (`ResolveVersion::with_rust_version`): a Rust that old must be able
    /// to read the file.
    pub fn with_rust_version(rust_version: Option<&PartialVersion>) -> LockVersion {
        let Some(rv) = rust_version else {
            return LockVersion::DEFAULT;
        };
        let rust = |minor| PartialVersion {
            major: 1,
            minor: Some(minor),
            patch: None,
            pre: None,
            build: None,
        };
        if *rv >= rust(83) {
            LockVersion::V4
        } else if *rv >= rust(53) {
            LockVersion::V3
        } else if *rv >= rust(41) {
            LockVersion::V2
        } else {
            LockVersion::V1
        }
    }

    /// The `version = N` key, for V3 and later.
    pub fn key(self) -> Option<u32> {
        match self {
            LockVersion::V1 | LockVersion::V2 => None,
            LockVersion::V3 => Some(3),
            LockVersion::V4 => Some(4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(s: &str) -> LockVersion {
        LockVersion::with_rust_version(Some(&s.parse().unwrap()))
    }

    #[test]
    fn rust_version_thresholds() {
        // Observed with cargo 1.95 (`generate-lockfile` on a new project).
        assert_eq!(LockVersion::with_rust_version(None), LockVersion::V4);
        assert_eq!(with("1.95"), LockVersion::V4);
        assert_eq!(with("1.83"), LockVersion::V4);
        assert_eq!(with("1.83.0"), LockVersion::V4);
        assert_eq!(with("1.82"), LockVersion::V3);
        assert_eq!(with("1.70"), LockVersion::V3);
        assert_eq!(with("1.53"), LockVersion::V3);
        assert_eq!(with("1.52"), LockVersion::V2);
        assert_eq!(with("1.41"), LockVersion::V2);
        assert_eq!(with("1.40"), LockVersion::V1);
        assert_eq!(with("1"), LockVersion::V1);
        assert_eq!(with("2"), LockVersion::V4);
    }
}
