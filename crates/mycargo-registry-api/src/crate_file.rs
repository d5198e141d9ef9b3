//! `.crate` files: a gzip-compressed tar of `<name>-<version>/<path>`
//! entries, made deterministically so the same files always give the same
//! bytes (and so the same checksum) as cargo 1.95 gives them:
//!
//! - GNU tar headers, entries sorted by path (component by component);
//! - files from disk keep only their executable bit (mode 0755 or 0644),
//!   uid/gid 0, no user or group name, mtime 1153704088 (2006-07-24);
//! - generated files (`Cargo.toml`, `Cargo.lock`, ...) are 0644 with the
//!   same mtime;
//! - gzip at the best compression, the file name in the header, mtime 0.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use flate2::Compression;
use flate2::GzBuilder;
use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};
use tar::{Archive, Builder, EntryType, Header, HeaderMode};

/// The mtime every entry gets (tar's deterministic mode uses it too).
pub const DETERMINISTIC_MTIME: u64 = 1_153_704_088;

/// Where an entry's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// A file on disk, read when the archive is written.
    OnDisk(PathBuf),
    /// Bytes made for the package (the normalized manifest, the lock file).
    Generated(Vec<u8>),
}

/// One file of the package, at `path` relative to the package root
/// (with `/` separators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub contents: Contents,
}

/// A written `.crate`.
#[derive(Debug, Clone)]
pub struct CrateFile {
    /// The compressed bytes.
    pub bytes: Vec<u8>,
    /// The sum of the sizes of the files in it.
    pub uncompressed_size: u64,
    /// How many files it holds.
    pub files: usize,
}

impl CrateFile {
    /// The sha256 of the bytes, in lowercase hex (the index `cksum`).
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(&self.bytes))
    }
}

/// Sort entries as cargo orders them: by path, component by component.
pub fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
}

/// Make the `.crate` of `<name>-<version>` from `entries`, in the order
/// given (see [`sort_entries`]).
pub fn write(name: &str, version: &str, entries: &[Entry]) -> anyhow::Result<CrateFile> {
    let base = format!("{name}-{version}");
    let filename = format!("{base}.crate");
    let gz = GzBuilder::new()
        .filename(filename.as_bytes())
        .mtime(0)
        .write(Vec::new(), Compression::best());
    let mut ar = Builder::new(gz);
    let mut uncompressed_size = 0u64;
    for entry in entries {
        let ar_path = format!("{base}/{}", entry.path);
        let mut header = Header::new_gnu();
        match &entry.contents {
            Contents::OnDisk(disk) => {
                let mut file = File::open(disk).with_context(|| {
                    format!("failed to open for archiving: `{}`", disk.display())
                })?;
                let metadata = file.metadata().with_context(|| {
                    format!("could not learn metadata for: `{}`", disk.display())
                })?;
                header.set_metadata_in_mode(&metadata, HeaderMode::Deterministic);
                header.set_cksum();
                uncompressed_size += metadata.len();
                ar.append_data(&mut header, &ar_path, &mut file)
                    .with_context(|| {
                        format!("could not archive source file `{}`", disk.display())
                    })?;
            }
            Contents::Generated(bytes) => {
                header.set_entry_type(EntryType::file());
                header.set_mode(0o644);
                header.set_size(bytes.len() as u64);
                header.set_mtime(DETERMINISTIC_MTIME);
                header.set_cksum();
                uncompressed_size += bytes.len() as u64;
                ar.append_data(&mut header, &ar_path, bytes.as_slice())
                    .with_context(|| format!("could not archive source file `{}`", entry.path))?;
            }
        }
    }
    let gz = ar.into_inner().context("failed to finish the archive")?;
    let bytes = gz.finish().context("failed to compress the archive")?;
    Ok(CrateFile {
        bytes,
        uncompressed_size,
        files: entries.len(),
    })
}

/// Unpack a `.crate` into `parent` (which gets the `<name>-<version>/`
/// directory), refusing entries outside that directory.
pub fn unpack(bytes: &[u8], parent: &Path, name: &str, version: &str) -> anyhow::Result<PathBuf> {
    let base = format!("{name}-{version}");
    let dst = parent.join(&base);
    let mut ar = Archive::new(GzDecoder::new(bytes));
    // Files get the time of unpacking, as cargo's verify does: the build
    // that checks the package is a fresh one.
    ar.set_preserve_mtime(false);
    for entry in ar.entries().context("failed to read the package archive")? {
        let mut entry = entry.context("failed to read the package archive")?;
        let path = entry
            .path()
            .context("invalid path in the package archive")?;
        if !path.starts_with(&base) {
            anyhow::bail!(
                "invalid tarball, contains a file at {:?} which isn't under {:?}",
                path,
                base
            );
        }
        entry
            .unpack_in(parent)
            .with_context(|| format!("failed to unpack into `{}`", parent.display()))?;
    }
    Ok(dst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_header_is_cargos() {
        let entries = vec![Entry {
            path: "Cargo.toml".into(),
            contents: Contents::Generated(b"[package]\n".to_vec()),
        }];
        let c = write("foo", "0.1.0", &entries).unwrap();
        assert_eq!(&c.bytes[..10], &[0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 2, 0xff]);
        assert_eq!(&c.bytes[10..25], b"foo-0.1.0.crate");
        assert_eq!(c.uncompressed_size, 10);
        assert_eq!(c.files, 1);
    }

    #[test]
    fn same_input_same_bytes_and_roundtrip() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("lib.rs");
        std::fs::write(&f, "pub fn f() {}\n").unwrap();
        let mut entries = vec![
            Entry {
                path: "src/lib.rs".into(),
                contents: Contents::OnDisk(f.clone()),
            },
            Entry {
                path: "Cargo.toml".into(),
                contents: Contents::Generated(b"x".to_vec()),
            },
        ];
        sort_entries(&mut entries);
        assert_eq!(entries[0].path, "Cargo.toml");
        let a = write("foo", "0.1.0", &entries).unwrap();
        let b = write("foo", "0.1.0", &entries).unwrap();
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(a.checksum().len(), 64);
        let out = tempfile::tempdir().unwrap();
        let dst = unpack(&a.bytes, out.path(), "foo", "0.1.0").unwrap();
        assert_eq!(
            std::fs::read_to_string(dst.join("src/lib.rs")).unwrap(),
            "pub fn f() {}\n"
        );
    }

    #[test]
    fn sorted_by_components() {
        let mut entries: Vec<Entry> = ["src/a-b.rs", "src/a/b.rs", "Cargo.lock"]
            .iter()
            .map(|p| Entry {
                path: p.to_string(),
                contents: Contents::Generated(Vec::new()),
            })
            .collect();
        sort_entries(&mut entries);
        let paths: Vec<_> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["Cargo.lock", "src/a/b.rs", "src/a-b.rs"]);
    }
}
