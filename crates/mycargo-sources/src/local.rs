//! `local-registry` sources: a directory holding an `index/` laid out as
//! a registry index (`3/b/bar`, `ab/cd/abcd`) and the `.crate` files
//! themselves (`<name>-<version>.crate`) beside it. Nothing is fetched:
//! the index is read as it is, and a `.crate` is checked against the
//! index checksum and unpacked into `$CARGO_HOME/registry/src/<dir>/`
//! (the `<dir>` cargo uses, so both tools share the unpacked sources).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use mycargo_core::SourceId;

use crate::index::lines::IndexLines;
use crate::index::path::index_path;
use crate::index::summary::parse_file;
use crate::lock::{self, CacheLock, CacheLockMode};
use crate::sparse::{CrateOnDisk, CrateRequest};
use crate::{registry_dir_name, unpack};

#[derive(Debug, Clone)]
pub struct LocalRegistry {
    source_id: SourceId,
    root: PathBuf,
    cargo_home: PathBuf,
    dir_name: String,
}

impl LocalRegistry {
    /// The local registry `source_id` (a `local-registry+file://` id).
    pub fn new(source_id: &SourceId, cargo_home: &Path) -> anyhow::Result<LocalRegistry> {
        let root = source_id.url().to_file_path().map_err(|()| {
            anyhow::anyhow!(
                "local registry URL `{}` is not a file path",
                source_id.url()
            )
        })?;
        Ok(LocalRegistry {
            source_id: source_id.clone(),
            root,
            cargo_home: cargo_home.to_path_buf(),
            dir_name: registry_dir_name(source_id),
        })
    }

    pub fn source_id(&self) -> &SourceId {
        &self.source_id
    }

    /// The registry's own directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `$CARGO_HOME/registry/src/<dir>`, where crates are unpacked.
    pub fn src_dir(&self) -> PathBuf {
        self.cargo_home
            .join("registry")
            .join("src")
            .join(&self.dir_name)
    }

    /// Cargo's download lock on the package cache (unpacking writes to it).
    pub fn lock_package_cache(&self, blocking: &dyn Fn(&str)) -> anyhow::Result<CacheLock> {
        lock::acquire(&self.cargo_home, CacheLockMode::DownloadExclusive, blocking)
    }

    fn check_layout(&self) -> anyhow::Result<PathBuf> {
        if !self.root.is_dir() {
            bail!(
                "local registry path is not a directory: {}",
                self.root.display()
            );
        }
        let index = self.root.join("index");
        if !index.is_dir() {
            bail!(
                "local registry index path is not a directory: {}",
                index.display()
            );
        }
        Ok(index)
    }

    /// Every version of each of `names` (empty for a name the index does
    /// not have), in the order of `names`.
    pub fn query_many(&self, names: &[&str]) -> anyhow::Result<Vec<Arc<IndexLines>>> {
        let index = self.check_layout()?;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let path = index.join(index_path(name));
            let data = match std::fs::read(&path) {
                Ok(d) => d,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    out.push(Arc::new(IndexLines::default()));
                    continue;
                }
                Err(e) => {
                    return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
                }
            };
            let lines = parse_file(&data)
                .into_iter()
                .map(|(s, _)| s)
                .filter(|s| s.name.eq_ignore_ascii_case(name))
                .collect();
            out.push(Arc::new(IndexLines::from_parsed(lines)));
        }
        Ok(out)
    }

    /// The `.crate` of `name` `version` in the registry.
    pub fn crate_file(&self, name: &str, version: &str) -> PathBuf {
        self.root.join(format!("{name}-{version}.crate"))
    }

    /// Whether `c` still has to be unpacked (cargo prints `Unpacking` for
    /// those).
    pub fn needs_unpack(&self, c: &CrateRequest) -> bool {
        !self
            .src_dir()
            .join(format!("{}-{}", c.name, c.version))
            .exists()
    }

    /// Make `c` available under [`LocalRegistry::src_dir`]: as cargo, a
    /// directory already there is trusted; otherwise the `.crate` must
    /// match the index checksum (`display` names the package in that
    /// error) before it is unpacked. The caller holds the package-cache
    /// lock.
    pub fn unpack(&self, c: &CrateRequest, display: &str) -> anyhow::Result<CrateOnDisk> {
        let version = c.version.to_string();
        let crate_file = self.crate_file(&c.name, &version);
        let src_dir = self.src_dir();
        let dst = src_dir.join(format!("{}-{version}", c.name));
        let fresh = self.needs_unpack(c);
        if fresh {
            let actual = crate::checksum::sha256_file(&crate_file)
                .with_context(|| format!("failed to open `{}`", crate_file.display()))?;
            if actual != c.cksum {
                bail!("failed to verify the checksum of `{display}`");
            }
        }
        // A directory left incomplete by an interrupted unpack is redone.
        unpack::unpack_crate(&crate_file, &src_dir, &c.name, &version)?;
        Ok(CrateOnDisk {
            name: c.name.clone(),
            version: c.version.clone(),
            crate_file,
            src_dir: dst,
            downloaded: fresh,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn gz_crate(name: &str, version: &str) -> Vec<u8> {
        let mut tar = tar::Builder::new(Vec::new());
        let body = format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\n");
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(
            &mut h,
            format!("{name}-{version}/Cargo.toml"),
            body.as_bytes(),
        )
        .unwrap();
        let tar = tar.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar).unwrap();
        gz.finish().unwrap()
    }

    fn setup() -> (tempfile::TempDir, LocalRegistry, String) {
        let tmp = tempfile::tempdir().unwrap();
        let reg = tmp.path().join("reg");
        std::fs::create_dir_all(reg.join("index/3/b")).unwrap();
        let bytes = gz_crate("bar", "1.0.0");
        std::fs::write(reg.join("bar-1.0.0.crate"), &bytes).unwrap();
        let cksum = crate::checksum::sha256_hex(&bytes);
        let line = format!(
            "{{\"name\":\"bar\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"{cksum}\",\"features\":{{}},\"yanked\":false}}\n"
        );
        std::fs::write(reg.join("index/3/b/bar"), line).unwrap();
        let id = SourceId::for_local_registry(&reg).unwrap();
        let local = LocalRegistry::new(&id, &tmp.path().join("home")).unwrap();
        (tmp, local, cksum)
    }

    #[test]
    fn reads_index_and_unpacks_after_checking() {
        let (_tmp, local, cksum) = setup();
        let found = local.query_many(&["bar", "Bar", "nope"]).unwrap();
        assert_eq!(found[0].len(), 1);
        assert_eq!(found[0].iter().next().unwrap().cksum, cksum);
        assert_eq!(found[1].len(), 1, "names are case-insensitive");
        assert!(found[2].is_empty());
        let req = CrateRequest::new("bar", "1.0.0".parse().unwrap(), cksum.clone());
        assert!(local.needs_unpack(&req));
        let disk = local.unpack(&req, "bar v1.0.0").unwrap();
        assert!(disk.downloaded);
        assert!(unpack::is_unpacked(&disk.src_dir));
        assert!(!local.needs_unpack(&req));
        assert!(!local.unpack(&req, "bar v1.0.0").unwrap().downloaded);
    }

    #[test]
    fn wrong_checksum_is_refused_and_nothing_unpacked() {
        let (_tmp, local, _) = setup();
        let req = CrateRequest::new("bar", "1.0.0".parse().unwrap(), "00".repeat(32));
        let err = local.unpack(&req, "bar v1.0.0 (registry `x`)").unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to verify the checksum of `bar v1.0.0 (registry `x`)`"
        );
        assert!(local.needs_unpack(&req));
    }

    #[test]
    fn missing_directories_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let id = SourceId::for_local_registry(&tmp.path().join("none")).unwrap();
        let local = LocalRegistry::new(&id, tmp.path()).unwrap();
        let err = local.query_many(&["a"]).unwrap_err().to_string();
        assert!(
            err.starts_with("local registry path is not a directory: "),
            "{err}"
        );
        std::fs::create_dir(tmp.path().join("none")).unwrap();
        let err = local.query_many(&["a"]).unwrap_err().to_string();
        assert!(
            err.starts_with("local registry index path is not a directory: "),
            "{err}"
        );
    }
}
