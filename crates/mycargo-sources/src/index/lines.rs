//! An index file's lines, parsed only when asked for.
//!
//! A resolve looks at few versions of each package: with a lock file, one.
//! Index files hold every version ever published (a popular crate has
//! hundreds, some with thousands of features each), so the file's bytes
//! are kept as read and each line is parsed into an [`IndexSummary`] the
//! first time a version it names is wanted, as cargo keeps its index
//! summaries "maybe parsed". What every line costs before that is its
//! version and where it lies.

use std::sync::OnceLock;

use semver::Version;
use serde::Deserialize;

use super::cache::{CacheFile, IndexVersion};
use super::summary::{IndexSummary, parse_line};

/// The lines of one index file (in file order).
#[derive(Debug, Default)]
pub struct IndexLines {
    /// The bytes the lines are ranges of (a cache file, a downloaded index
    /// file), or empty when every line came parsed.
    buf: Vec<u8>,
    entries: Vec<Entry>,
    /// A cache file's index version (ETag or Last-Modified).
    index_version: Option<IndexVersion>,
}

#[derive(Debug)]
struct Entry {
    version: Version,
    start: usize,
    end: usize,
    /// `None` inside: the line did not parse (skipped, as cargo skips it).
    parsed: OnceLock<Option<Box<IndexSummary>>>,
}

/// What is read of a line before it is wanted.
#[derive(Deserialize)]
struct VersOnly<'a> {
    #[serde(borrow)]
    vers: std::borrow::Cow<'a, str>,
}

impl IndexLines {
    /// Lines already parsed (local registries, vendored directories).
    pub fn from_parsed(lines: Vec<IndexSummary>) -> IndexLines {
        let entries = lines
            .into_iter()
            .map(|s| Entry {
                version: s.version.clone(),
                start: 0,
                end: 0,
                parsed: OnceLock::from(Some(Box::new(s))),
            })
            .collect();
        IndexLines {
            buf: Vec::new(),
            entries,
            index_version: None,
        }
    }

    /// The lines of a cache file (cargo's `.cache` layout), kept as read;
    /// `None` when it is not one.
    pub fn from_cache(data: Vec<u8>) -> Option<IndexLines> {
        let (index_version, lines) = CacheFile::decode_lines(&data)?;
        let base = data.as_ptr() as usize;
        let entries = lines
            .into_iter()
            .filter_map(|(version, line)| {
                let version = Version::parse(version).ok()?;
                // The line is a slice of `data`: its place is its offset.
                let start = line.as_ptr() as usize - base;
                Some(Entry {
                    version,
                    start,
                    end: start + line.len(),
                    parsed: OnceLock::new(),
                })
            })
            .collect();
        Some(IndexLines {
            buf: data,
            entries,
            index_version: Some(index_version),
        })
    }

    /// The lines of an index file as the registry serves it (one JSON
    /// object a line); lines without a readable version are left out.
    pub fn from_index_file(data: Vec<u8>) -> IndexLines {
        let mut entries = Vec::new();
        let mut start = 0;
        for line in data.split(|&b| b == b'\n') {
            let end = start + line.len();
            if !line.iter().all(u8::is_ascii_whitespace)
                && let Ok(v) = serde_json::from_slice::<VersOnly<'_>>(line)
                && let Ok(version) = Version::parse(&v.vers)
            {
                entries.push(Entry {
                    version,
                    start,
                    end,
                    parsed: OnceLock::new(),
                });
            }
            start = end + 1;
        }
        IndexLines {
            buf: data,
            entries,
            index_version: None,
        }
    }

    /// The index version of a cache file's lines.
    pub fn index_version(&self) -> Option<&IndexVersion> {
        self.index_version.as_ref()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every line, parsed, as owned summaries.
    pub fn to_vec(&self) -> Vec<IndexSummary> {
        self.iter().cloned().collect()
    }

    /// Every line, parsed (each once, kept).
    pub fn iter(&self) -> impl Iterator<Item = &IndexSummary> {
        self.matching(|_| true)
    }

    /// The lines of the versions `wanted` accepts, parsed (each once).
    pub fn matching<'a>(
        &'a self,
        wanted: impl Fn(&Version) -> bool + 'a,
    ) -> impl Iterator<Item = &'a IndexSummary> + 'a {
        self.entries
            .iter()
            .filter(move |e| wanted(&e.version))
            .filter_map(|e| self.parse(e))
    }

    /// Call `f` with every line, parsed; lines not parsed before are
    /// parsed for the call only, not kept (a report that looks at every
    /// version once).
    pub fn for_each_unkept(&self, mut f: impl FnMut(&IndexSummary)) {
        for e in &self.entries {
            match e.parsed.get() {
                Some(kept) => {
                    if let Some(s) = kept.as_deref() {
                        f(s);
                    }
                }
                None => {
                    let line = self.buf.get(e.start..e.end).unwrap_or_default();
                    if let Ok(s) = parse_line(line) {
                        f(&s);
                    }
                }
            }
        }
    }

    /// The raw line of each entry (what a cache file holds), with its
    /// version as written there.
    pub fn raw_lines(&self) -> impl Iterator<Item = (&Version, &[u8])> {
        self.entries
            .iter()
            .map(|e| (&e.version, self.buf.get(e.start..e.end).unwrap_or_default()))
    }

    fn parse<'a>(&'a self, e: &'a Entry) -> Option<&'a IndexSummary> {
        e.parsed
            .get_or_init(|| {
                let line = self.buf.get(e.start..e.end)?;
                parse_line(line).ok().map(Box::new)
            })
            .as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::cache::{CacheFile, IndexVersion};

    const A: &str = r#"{"name":"a","vers":"1.0.0","deps":[],"cksum":"00","features":{}}"#;
    const B: &str = r#"{"name":"a","vers":"1.1.0","deps":[{"name":"x","req":"^1"}],"cksum":"11","features":{"f":[]}}"#;

    #[test]
    fn index_file_lines_parse_when_wanted() {
        let data = format!("{A}\n\nnot json\n{B}\n").into_bytes();
        let lines = IndexLines::from_index_file(data);
        assert_eq!(lines.len(), 2);
        let wanted: Vec<&IndexSummary> = lines.matching(|v| *v == Version::new(1, 1, 0)).collect();
        assert_eq!(wanted.len(), 1);
        assert_eq!(wanted[0].cksum, "11");
        assert_eq!(wanted[0].deps.len(), 1);
        // The other line was never parsed.
        assert!(lines.entries[0].parsed.get().is_none());
        let mut seen = Vec::new();
        lines.for_each_unkept(|s| seen.push(s.version.to_string()));
        assert_eq!(seen, ["1.0.0", "1.1.0"]);
        // Looked at, not kept.
        assert!(lines.entries[0].parsed.get().is_none());
        assert_eq!(lines.iter().count(), 2);
    }

    #[test]
    fn cache_lines_keep_their_place() {
        let file = CacheFile {
            index_version: IndexVersion::ETag("\"e\"".into()),
            entries: vec![
                ("1.0.0".into(), A.as_bytes().to_vec()),
                ("1.1.0".into(), B.as_bytes().to_vec()),
            ],
        };
        let lines = IndexLines::from_cache(file.encode()).unwrap();
        assert_eq!(
            lines.index_version(),
            Some(&IndexVersion::ETag("\"e\"".into()))
        );
        let raw: Vec<&[u8]> = lines.raw_lines().map(|(_, l)| l).collect();
        assert_eq!(raw, vec![A.as_bytes(), B.as_bytes()]);
        let cks: Vec<&str> = lines.iter().map(|s| s.cksum.as_str()).collect();
        assert_eq!(cks, vec!["00", "11"]);
    }

    #[test]
    fn a_line_that_does_not_parse_is_kept_unusable() {
        let data = br#"{"name":"a","vers":"1.0.0","deps":7}"#.to_vec();
        let lines = IndexLines::from_index_file(data);
        assert_eq!(lines.len(), 1);
        // Kept as cargo keeps it: named, and not usable.
        let parsed: Vec<&IndexSummary> = lines.iter().collect();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].version, Version::new(1, 0, 0));
        assert!(!parsed[0].is_available());
    }
}
