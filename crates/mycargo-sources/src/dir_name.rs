//! Directory names under `$CARGO_HOME/registry/{index,cache,src}/`:
//! `<host>-<16 hex>`, where the hex is cargo's stable hash of the source id
//! (the `SourceKind` discriminant and cargo's canonical form of the URL),
//! so that cargo and mycargo share one cache.

use std::hash::Hasher;

use mycargo_core::{GitReference, SourceId, SourceKind};
use rustc_stable_hash::StableSipHasher128;
use url::Url;

/// Feed `kind` to `h` the way a derived `Hash` of cargo's `SourceKind`
/// does: the variant index as an `isize`, then the fields. The variant order
/// is cargo's: `Git`, `Path`, `Registry`, `SparseRegistry`, `LocalRegistry`,
/// `Directory`; `GitReference` is `Tag`, `Branch`, `Rev`, `DefaultBranch`.
fn hash_kind(kind: &SourceKind, h: &mut impl Hasher) {
    let discriminant: isize = match kind {
        SourceKind::Git(_) => 0,
        SourceKind::Path => 1,
        SourceKind::Registry => 2,
        SourceKind::SparseRegistry => 3,
        SourceKind::LocalRegistry => 4,
        SourceKind::Directory => 5,
    };
    h.write_isize(discriminant);
    if let SourceKind::Git(reference) = kind {
        let (d, value): (isize, Option<&str>) = match reference {
            GitReference::Tag(s) => (0, Some(s)),
            GitReference::Branch(s) => (1, Some(s)),
            GitReference::Rev(s) => (2, Some(s)),
            GitReference::DefaultBranch => (3, None),
        };
        h.write_isize(d);
        if let Some(v) = value {
            hash_str(v, h);
        }
    }
}

/// `str`'s `Hash`: the bytes, then a `0xff` terminator.
fn hash_str(s: &str, h: &mut impl Hasher) {
    h.write(s.as_bytes());
    h.write_u8(0xff);
}

/// The URL as cargo canonicalizes it for hashing (and comparing): the
/// same form as git sources use ([`crate::git::canonical_git_url`]).
pub fn cargo_canonical_url(url: &Url) -> String {
    crate::git::canonical_git_url(url).as_str().to_string()
}

/// Cargo's `hash_u64(&source_id)` with its stable hasher: the kind, then
/// the canonical URL.
pub fn source_id_hash(id: &SourceId) -> u64 {
    let mut h = StableSipHasher128::new();
    hash_kind(id.kind(), &mut h);
    hash_str(&cargo_canonical_url(id.url()), &mut h);
    Hasher::finish(&h)
}

/// The 16 hex digits of a hash, least significant byte first (cargo's
/// `to_hex`).
pub fn to_hex(num: u64) -> String {
    hex::encode(num.to_le_bytes())
}

/// Cargo's `short_hash(&source_id)`.
pub fn short_hash(id: &SourceId) -> String {
    to_hex(source_id_hash(id))
}

/// The directory name of a registry under `registry/index`, `registry/cache`
/// and `registry/src`: `<host>-<short hash>` (`index.crates.io-1949cf8c6b5b557f`).
pub fn registry_dir_name(id: &SourceId) -> String {
    let host = id.url().host_str().unwrap_or("");
    format!("{host}-{}", short_hash(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycargo_core::source_id::CRATES_IO_HTTP_INDEX;
    use url::Url;

    fn sparse(url: &str) -> SourceId {
        SourceId::for_registry(&Url::parse(url).unwrap())
    }

    #[test]
    fn crates_io_sparse_dir_name() {
        // What `ls ~/.cargo/registry/index` shows on any machine that ran cargo >= 1.85.
        let id = sparse(CRATES_IO_HTTP_INDEX);
        assert_eq!(short_hash(&id), "1949cf8c6b5b557f");
        assert_eq!(registry_dir_name(&id), "index.crates.io-1949cf8c6b5b557f");
    }

    #[test]
    fn real_cargo_home_agrees_if_present() {
        // Ground truth from this machine's cache, when there is one.
        let Some(home) = std::env::var_os("HOME") else {
            return;
        };
        let index = std::path::Path::new(&home).join(".cargo/registry/index");
        let Ok(rd) = std::fs::read_dir(&index) else {
            return;
        };
        let names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("index.crates.io-"))
            .collect();
        if !names.is_empty() {
            let ours = registry_dir_name(&sparse(CRATES_IO_HTTP_INDEX));
            assert!(names.contains(&ours), "{names:?} vs {ours}");
        }
    }

    #[test]
    fn replaced_local_registry_matches_cargo() {
        // Observed: cargo 1.95 with `[source.local] registry = "<this>"`
        // created `registry/index/127.0.0.1-83756b78257ff212`.
        let id = sparse("sparse+http://127.0.0.1:41255/index/");
        assert_eq!(registry_dir_name(&id), "127.0.0.1-83756b78257ff212");
    }

    #[test]
    fn canonical_urls() {
        let c = |s: &str| cargo_canonical_url(&Url::parse(s).unwrap());
        assert_eq!(
            c("sparse+https://index.crates.io/"),
            "sparse+https://index.crates.io/"
        );
        assert_eq!(c("sparse+http://h:1/index/"), "sparse+http://h:1/index");
        assert_eq!(c("https://h/a//"), "https://h/a/");
        assert_eq!(
            c("http://github.com/Foo/Bar.git"),
            "https://github.com/foo/bar"
        );
        assert_eq!(
            c("https://example.com/Repo.git/"),
            "https://example.com/Repo"
        );
        assert_eq!(
            c("https://github.com/rust-lang/crates.io-index"),
            "https://github.com/rust-lang/crates.io-index"
        );
    }

    #[test]
    fn local_registry_dir_names_differ_by_port() {
        let a = registry_dir_name(&sparse("sparse+http://127.0.0.1:4000/index/"));
        let b = registry_dir_name(&sparse("sparse+http://127.0.0.1:4001/index/"));
        assert!(a.starts_with("127.0.0.1-") && a.len() == "127.0.0.1-".len() + 16);
        assert_ne!(a, b);
    }

    #[test]
    fn git_index_crates_io_hash() {
        // The git index of crates.io (`registry+https://github.com/...`),
        // as cargo >= 1.85 names its directory (`github.com-<hash>`).
        let id = SourceId::crates_io();
        let name = registry_dir_name(&id);
        assert!(name.starts_with("github.com-"));
        assert_eq!(name.len(), "github.com-".len() + 16);
    }
}
