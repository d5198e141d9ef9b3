//! Names of a git source's directories under `CARGO_HOME`, computed as
//! cargo 1.95 computes them, so both tools share one cache:
//!
//! - `git/db/<name>-<hash>`: the bare database of the repository;
//! - `git/checkouts/<name>-<hash>/<short-id>`: one work tree per commit.
//!
//! `<name>` is the last path segment of the canonical URL, `<hash>` the
//! 16-hex-digit stable hash of that URL (SipHash-1-3 with 128-bit output
//! from `rustc-stable-hash`, folded to 64 bits, written little-endian), and
//! `<short-id>` git's abbreviation of the commit (7 digits unless that is
//! ambiguous in the database).

use std::hash::{Hash, Hasher};

use url::Url;

/// Cargo's canonical form of a git URL: a trailing `/` and `.git` removed,
/// GitHub URLs forced to `https` with a lower-cased path. Two URLs with the
/// same canonical form share one database.
pub fn canonical_git_url(url: &Url) -> Url {
    let mut url = url.clone();
    if url.cannot_be_a_base() {
        return url;
    }
    if url.path().ends_with('/')
        && let Ok(mut segments) = url.path_segments_mut()
    {
        segments.pop_if_empty();
    }
    if url.host_str() == Some("github.com") {
        if url.scheme() != "https" {
            let rest = &url.as_str()[url.scheme().len()..];
            if let Ok(https) = Url::parse(&format!("https{rest}")) {
                url = https;
            }
        }
        let lower = url.path().to_lowercase();
        url.set_path(&lower);
    }
    if url.path().ends_with(".git") {
        let last = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .map(|s| s[..s.len().saturating_sub(4)].to_string());
        // Pushing the segment back encodes it again (a `%` becomes `%25`),
        // as it does in cargo: the directory names depend on it.
        if let Some(last) = last
            && let Ok(mut segments) = url.path_segments_mut()
        {
            segments.pop().push(&last);
        }
    }
    url
}

/// Cargo's `short_hash`: the stable hash of `value`, as 16 hex digits of
/// the little-endian bytes of the 64-bit result.
pub fn short_hash<H: Hash + ?Sized>(value: &H) -> String {
    let mut hasher = rustc_stable_hash::StableSipHasher128::new();
    value.hash(&mut hasher);
    crate::dir_name::to_hex(Hasher::finish(&hasher))
}

/// `<name>-<hash>`, the directory name of a repository under `git/db` and
/// `git/checkouts`. The name is `_empty` for a URL without path segments.
pub fn ident(url: &Url) -> String {
    let canonical = canonical_git_url(url);
    let name = canonical
        .path_segments()
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .unwrap_or("_empty");
    // Cargo hashes its `CanonicalUrl`, whose hash is the URL string's.
    format!("{name}-{}", short_hash(canonical.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn canonical_forms() {
        let c = |s: &str| canonical_git_url(&url(s)).to_string();
        assert_eq!(c("file:///tmp/dep"), "file:///tmp/dep");
        assert_eq!(c("file:///tmp/dep/"), "file:///tmp/dep");
        assert_eq!(c("file:///tmp/dep.git"), "file:///tmp/dep");
        assert_eq!(
            c("http://github.com/Foo/Bar.git"),
            "https://github.com/foo/bar"
        );
        assert_eq!(
            c("https://gitlab.com/Foo/Bar.git/"),
            "https://gitlab.com/Foo/Bar"
        );
        assert_eq!(c("ssh://git@github.com/A/b"), "https://git@github.com/a/b");
        // Observed with cargo 1.95: `Some%2520Dep-...` for `Some%20Dep.git/`.
        assert_eq!(c("file:///t/Some%20Dep.git/"), "file:///t/Some%2520Dep");
        assert_eq!(c("file:///t/Some%20Dep/"), "file:///t/Some%20Dep");
    }

    #[test]
    fn hashes_match_cargo() {
        // Observed with cargo 1.95: `git/db/dep-268f431347b04da4` for a
        // dependency on `file:///tmp/gx/dep`.
        assert_eq!(ident(&url("file:///tmp/gx/dep")), "dep-268f431347b04da4");
        assert_eq!(
            ident(&url("file:///tmp/gx/dep.git/")),
            "dep-268f431347b04da4"
        );
        // The crates.io sparse index directory (REFERENCE §2) uses the same
        // hash over a different value; this checks the hasher itself on a
        // known 16-digit form.
        assert_eq!(short_hash("").len(), 16);
    }

    #[test]
    fn empty_name() {
        let id = ident(&url("https://example.com/"));
        assert!(id.starts_with("_empty-"), "{id}");
    }
}
