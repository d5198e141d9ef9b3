//! `directory` sources: a directory of unpacked crates, one per
//! subdirectory (what `vendor` writes), each with a
//! `.cargo-checksum.json` (`{"files":{path:sha256},"package":sha256}`).
//! As cargo does: hidden entries and subdirectories without a
//! `Cargo.toml` are skipped, the `package` checksum is the one the lock
//! file records, and the listed files are checked before the package is
//! compiled (a vendored crate is not meant to be edited).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use mycargo_core::SourceId;
use mycargo_manifest::{Manifest, ReadOptions, read_manifest_file};
use serde::Deserialize;

use crate::checksum::sha256_file;
use crate::index::lines::IndexLines;
use crate::index::summary::{IndexDep, IndexSummary, SummaryStatus};

/// `.cargo-checksum.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct ChecksumFile {
    /// sha256 of the `.crate` the sources came from (`null` for git).
    pub package: Option<String>,
    /// sha256 of each file, by path relative to the package directory.
    pub files: BTreeMap<String, String>,
}

/// One crate of the directory.
#[derive(Debug, Clone)]
pub struct DirPackage {
    pub dir: PathBuf,
    pub summary: IndexSummary,
    pub checksums: ChecksumFile,
}

#[derive(Debug, Clone)]
pub struct DirectorySource {
    root: PathBuf,
    packages: Vec<DirPackage>,
}

impl DirectorySource {
    /// Read every crate of the directory `source_id` names.
    pub fn load(source_id: &SourceId, cargo_home: &Path) -> anyhow::Result<DirectorySource> {
        let root = source_id.url().to_file_path().map_err(|()| {
            anyhow::anyhow!(
                "directory source URL `{}` is not a file path",
                source_id.url()
            )
        })?;
        let entries = std::fs::read_dir(&root).with_context(|| {
            format!(
                "failed to read root of directory source: {}",
                root.display()
            )
        })?;
        let mut dirs: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("failed to read `{}`", root.display()))?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let path = entry.path();
            if !hidden && path.join("Cargo.toml").exists() {
                dirs.push(path);
            }
        }
        dirs.sort();
        let opts = ReadOptions {
            cargo_home: Some(cargo_home.to_path_buf()),
            ..ReadOptions::default()
        };
        let mut packages = Vec::with_capacity(dirs.len());
        for dir in dirs {
            let parsed =
                read_manifest_file(&dir.join("Cargo.toml"), &opts).map_err(anyhow::Error::from)?;
            let Some(manifest) = parsed.package() else {
                bail!(
                    "found a virtual manifest at `{}` instead of a package manifest",
                    dir.join("Cargo.toml").display()
                );
            };
            let (name, version) = (manifest.name(), manifest.version());
            let text = std::fs::read_to_string(dir.join(".cargo-checksum.json"))
                .with_context(|| {
                    format!(
                        "failed to read `{}`",
                        dir.join(".cargo-checksum.json").display()
                    )
                })
                .with_context(|| {
                    format!("failed to load checksum `.cargo-checksum.json` of {name} v{version}")
                })?;
            let checksums: ChecksumFile = serde_json::from_str(&text).with_context(|| {
                format!("failed to decode `.cargo-checksum.json` of {name} v{version}")
            })?;
            let summary = summary_of(manifest, checksums.package.clone());
            packages.push(DirPackage {
                dir,
                summary,
                checksums,
            });
        }
        Ok(DirectorySource { root, packages })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every version of `name` the directory holds.
    pub fn query(&self, name: &str) -> Arc<IndexLines> {
        Arc::new(IndexLines::from_parsed(
            self.packages
                .iter()
                .filter(|p| p.summary.name == name)
                .map(|p| p.summary.clone())
                .collect(),
        ))
    }

    /// Every crate of the directory.
    pub fn packages(&self) -> &[DirPackage] {
        &self.packages
    }

    /// The crate `name` `version`.
    pub fn package(&self, name: &str, version: &semver::Version) -> Option<&DirPackage> {
        self.packages
            .iter()
            .find(|p| p.summary.name == name && &p.summary.version == version)
    }
}

impl DirPackage {
    /// Check every listed file against its checksum, with cargo's errors.
    pub fn verify(&self) -> anyhow::Result<()> {
        verify_dir(&self.dir, &self.checksums)
    }
}

/// Check the files of `dir` listed in `sums`.
pub fn verify_dir(dir: &Path, sums: &ChecksumFile) -> anyhow::Result<()> {
    for (file, expected) in &sums.files {
        let path = dir.join(file);
        let actual = sha256_file(&path)
            .with_context(|| format!("failed to calculate checksum of: {}", path.display()))?;
        if &actual != expected {
            bail!(
                "the listed checksum of `{}` has changed:\nexpected: {expected}\nactual:   {actual}\n\n\
                 directory sources are not intended to be edited, if modifications are required \
                 then it is recommended that `[patch]` is used with a forked copy of the source",
                path.display()
            );
        }
    }
    Ok(())
}

/// The index line a crate's manifest amounts to. Dependencies name their
/// registry explicitly (the manifest's sources are the real ones), dev-
/// dependencies are kept (as index lines keep them).
fn summary_of(m: &Manifest, cksum: Option<String>) -> IndexSummary {
    let deps = m
        .dependencies
        .iter()
        .filter(|d| d.source_id().is_registry())
        .map(|d| IndexDep {
            name: d.name_in_toml().to_string(),
            req: d.version_req().to_string(),
            features: d.features().to_vec(),
            optional: d.is_optional(),
            default_features: d.uses_default_features(),
            target: d.platform().map(|p| p.to_string()),
            kind: d.kind(),
            registry: Some(d.source_id().url().to_string()),
            package: d.rename().map(|_| d.package_name().to_string()),
            public: d.public(),
        })
        .collect();
    IndexSummary {
        name: m.name().to_string(),
        version: m.version().clone(),
        deps,
        features: crate::index::summary::LazyFeatures::from_map(m.features.clone()),
        cksum: cksum.unwrap_or_default(),
        yanked: false,
        links: m.metadata.links.clone(),
        rust_version: m.rust_version.as_ref().map(|r| r.to_string()),
        pubtime: None,
        v: 2,
        status: SummaryStatus::Available,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::sha256_hex;

    fn write_crate(root: &Path, dir: &str, manifest: &str, package: &str) {
        let d = root.join(dir);
        std::fs::create_dir_all(d.join("src")).unwrap();
        std::fs::write(d.join("Cargo.toml"), manifest).unwrap();
        std::fs::write(d.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        std::fs::write(d.join("build.rs"), "fn main() {}\n").unwrap();
        let files = format!(
            "{{\"Cargo.toml\":\"{}\",\"src/lib.rs\":\"{}\"}}",
            sha256_hex(manifest.as_bytes()),
            sha256_hex(b"pub fn f() {}\n")
        );
        std::fs::write(
            d.join(".cargo-checksum.json"),
            format!("{{\"files\":{files},\"package\":{package}}}"),
        )
        .unwrap();
    }

    #[test]
    fn loads_crates_skipping_hidden_and_manifestless_dirs() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("vendor");
        write_crate(
            &root,
            "bar",
            "[package]\nname = \"bar\"\nversion = \"1.1.0\"\nlinks = \"z\"\nbuild = \"build.rs\"\n\n[dependencies]\nq = { version = \"0.2\", package = \"qux\", optional = true }\n\n[features]\nx = [\"q\"]\n",
            "\"abc\"",
        );
        write_crate(
            &root,
            "bar-1.0.0",
            "[package]\nname = \"bar\"\nversion = \"1.0.0\"\n",
            "null",
        );
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        let id = SourceId::for_directory(&root).unwrap();
        let src = DirectorySource::load(&id, tmp.path()).unwrap();
        let bars = src.query("bar");
        assert_eq!(bars.len(), 2);
        let new = src.package("bar", &"1.1.0".parse().unwrap()).unwrap();
        assert_eq!(new.summary.cksum, "abc");
        assert_eq!(new.summary.deps.len(), 1);
        let q = &new.summary.deps[0];
        assert_eq!((q.name.as_str(), q.package_name()), ("q", "qux"));
        assert!(q.optional);
        let dep = q.to_dependency(&SourceId::crates_io()).unwrap();
        assert_eq!(dep.source_id(), &SourceId::crates_io());
        assert_eq!(new.summary.features.get()["x"], ["q"]);
        assert_eq!(new.summary.links.as_deref(), Some("z"));
        let old = src.package("bar", &"1.0.0".parse().unwrap()).unwrap();
        assert_eq!(old.summary.cksum, "");
        old.verify().unwrap();
        new.verify().unwrap();
    }

    #[test]
    fn edited_file_fails_verification_with_cargos_words() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("vendor");
        write_crate(
            &root,
            "a",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
            "null",
        );
        std::fs::write(root.join("a/src/lib.rs"), "// edited\n").unwrap();
        let src =
            DirectorySource::load(&SourceId::for_directory(&root).unwrap(), tmp.path()).unwrap();
        let err = src
            .package("a", &"0.1.0".parse().unwrap())
            .unwrap()
            .verify()
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("the listed checksum of `"), "{msg}");
        assert!(
            msg.contains("src/lib.rs` has changed:\nexpected: "),
            "{msg}"
        );
        assert!(
            msg.ends_with("is used with a forked copy of the source"),
            "{msg}"
        );
    }

    #[test]
    fn missing_checksum_file_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("vendor");
        write_crate(
            &root,
            "a",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
            "null",
        );
        std::fs::remove_file(root.join("a/.cargo-checksum.json")).unwrap();
        let err = DirectorySource::load(&SourceId::for_directory(&root).unwrap(), tmp.path())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to load checksum `.cargo-checksum.json` of a v0.1.0"
        );
    }
}
