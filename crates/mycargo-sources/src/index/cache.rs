//! The on-disk index cache, in cargo's own format so that cargo and
//! mycargo share `$CARGO_HOME/registry/index/<dir>/.cache/<path>`:
//!
//! ```text
//! u8      cache format version (3)
//! u32 LE  index schema version (INDEX_V_MAX = 2)
//! bytes   the index version: `etag: <v>`, `last-modified: <v>`, a git
//!         blob or commit id, or `Unknown`
//! 0
//! then per index line:  <version> 0 <json line> 0
//! ```
//!
//! A file with another format or schema version reads as absent.

use super::summary::INDEX_V_MAX;

/// The cache format version cargo 1.95 writes.
pub const CACHE_VERSION: u8 = 3;

/// How a cached file can be revalidated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexVersion {
    ETag(String),
    LastModified(String),
    /// A git index's version of the file: the id of its blob (cargo
    /// before 1.70 wrote the id of the index's commit instead).
    Git(String),
    Unknown,
}

impl IndexVersion {
    /// The string stored in the cache file.
    pub fn to_cache_string(&self) -> String {
        match self {
            IndexVersion::ETag(v) => format!("etag: {v}"),
            IndexVersion::LastModified(v) => format!("last-modified: {v}"),
            IndexVersion::Git(v) => v.clone(),
            IndexVersion::Unknown => "Unknown".to_string(),
        }
    }

    pub fn from_cache_string(s: &str) -> IndexVersion {
        match s.split_once(':') {
            Some((key, v)) if key.eq_ignore_ascii_case("etag") => {
                IndexVersion::ETag(v.trim().to_string())
            }
            Some((key, v)) if key.eq_ignore_ascii_case("last-modified") => {
                IndexVersion::LastModified(v.trim().to_string())
            }
            _ if s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
                IndexVersion::Git(s.to_string())
            }
            _ => IndexVersion::Unknown,
        }
    }

    /// From response headers: the ETag wins over Last-Modified.
    pub fn from_headers(etag: Option<&str>, last_modified: Option<&str>) -> IndexVersion {
        match (etag, last_modified) {
            (Some(e), _) => IndexVersion::ETag(e.to_string()),
            (None, Some(l)) => IndexVersion::LastModified(l.to_string()),
            (None, None) => IndexVersion::Unknown,
        }
    }
}

/// A decoded cache file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheFile {
    pub index_version: IndexVersion,
    /// `(version, raw JSON line)` in file order.
    pub entries: Vec<(String, Vec<u8>)>,
}

/// One entry of a cache file, borrowed: the version and the index line.
pub type CacheLine<'a> = (&'a str, &'a [u8]);

impl CacheFile {
    /// Encode in cargo's layout.
    pub fn encode(&self) -> Vec<u8> {
        CacheFile::encode_entries(
            &self.index_version,
            self.entries.iter().map(|(v, l)| (v.as_str(), l.as_slice())),
        )
    }

    /// [`CacheFile::encode`] of borrowed entries `(version, line)`.
    pub fn encode_entries<'a, V: AsRef<str>>(
        index_version: &IndexVersion,
        entries: impl Iterator<Item = (V, &'a [u8])>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        out.push(CACHE_VERSION);
        out.extend_from_slice(&INDEX_V_MAX.to_le_bytes());
        out.extend_from_slice(index_version.to_cache_string().as_bytes());
        out.push(0);
        for (version, line) in entries {
            out.extend_from_slice(version.as_ref().as_bytes());
            out.push(0);
            out.extend_from_slice(line);
            out.push(0);
        }
        out
    }

    /// Decode; `None` for another format version, schema version, or a
    /// damaged file.
    pub fn decode(data: &[u8]) -> Option<CacheFile> {
        let (index_version, lines) = CacheFile::decode_lines(data)?;
        Some(CacheFile {
            index_version,
            entries: lines
                .into_iter()
                .map(|(v, line)| (v.to_string(), line.to_vec()))
                .collect(),
        })
    }

    /// [`CacheFile::decode`] without copying: the version and the line of
    /// each entry, borrowed from `data` (what a command served by the cache
    /// reads, once per index file).
    pub fn decode_lines(data: &[u8]) -> Option<(IndexVersion, Vec<CacheLine<'_>>)> {
        let (&format, rest) = data.split_first()?;
        // Every record, the index version included, ends with a NUL.
        if format != CACHE_VERSION || rest.len() < 5 || data.last() != Some(&0) {
            return None;
        }
        let (v, rest) = rest.split_at(4);
        if u32::from_le_bytes([v[0], v[1], v[2], v[3]]) != INDEX_V_MAX {
            return None;
        }
        let mut start = 0;
        let mut parts = memchr::memchr_iter(0, rest)
            .map(|end| {
                let part = &rest[start..end];
                start = end + 1;
                part
            })
            .chain(std::iter::once(&[][..]));
        let index_version = std::str::from_utf8(parts.next()?).ok()?;
        let index_version = IndexVersion::from_cache_string(index_version);
        let mut entries = Vec::new();
        while let Some(version) = parts.next() {
            let Some(line) = parts.next() else {
                // A trailing empty piece after the last NUL ends the file.
                if version.is_empty() {
                    break;
                }
                return None;
            };
            let version = std::str::from_utf8(version).ok()?;
            entries.push((version, line));
        }
        Some((index_version, entries))
    }

    /// The raw index file these entries came from (lines joined by `\n`).
    pub fn raw_index(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (_, line) in &self.entries {
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_layout() {
        let f = CacheFile {
            index_version: IndexVersion::ETag("\"abc\"".into()),
            entries: vec![
                ("1.0.0".into(), br#"{"name":"a","vers":"1.0.0"}"#.to_vec()),
                ("1.1.0".into(), br#"{"name":"a","vers":"1.1.0"}"#.to_vec()),
            ],
        };
        let bytes = f.encode();
        assert_eq!(&bytes[..5], &[3, 2, 0, 0, 0]);
        assert!(bytes[5..].starts_with(b"etag: \"abc\"\0"));
        assert_eq!(CacheFile::decode(&bytes), Some(f));
    }

    #[test]
    fn reads_cargos_file_shape() {
        // As found in a real `~/.cargo/registry/index/*/.cache/3/t/tar`.
        let mut data = vec![3, 2, 0, 0, 0];
        data.extend_from_slice(b"Unknown\x000.0.1\x00{\"name\": \"tar\", \"vers\": \"0.0.1\"}\x00");
        let f = CacheFile::decode(&data).unwrap();
        assert_eq!(f.index_version, IndexVersion::Unknown);
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].0, "0.0.1");
    }

    #[test]
    fn other_versions_read_as_absent() {
        assert_eq!(CacheFile::decode(&[]), None);
        assert_eq!(CacheFile::decode(&[2, 2, 0, 0, 0, 0]), None);
        assert_eq!(CacheFile::decode(&[3, 1, 0, 0, 0, 0]), None);
        assert_eq!(
            CacheFile::decode(&[3, 2, 0, 0, 0, b'x', 0, b'1', 0, b'{']),
            None
        );
        let empty = CacheFile::decode(&[3, 2, 0, 0, 0, b'U', 0]).unwrap();
        assert!(empty.entries.is_empty());
    }

    #[test]
    fn index_version_strings() {
        for v in [
            IndexVersion::ETag("W/\"x\"".into()),
            IndexVersion::LastModified("Sat, 21 Nov 2026 20:00:00 GMT".into()),
            IndexVersion::Unknown,
        ] {
            assert_eq!(IndexVersion::from_cache_string(&v.to_cache_string()), v);
        }
        assert_eq!(
            IndexVersion::from_headers(Some("e"), Some("l")),
            IndexVersion::ETag("e".into())
        );
    }
}
