//! cargo's record of installed packages, in the install root:
//! `.crates.toml` (v1: each package and its binaries) and `.crates2.json`
//! (v2: the same, with the settings of each install). Both files are read
//! and written in cargo's exact formats and locked while in use, so cargo
//! and mycargo can share one install root; v1 is the source of truth when
//! the two disagree (an older cargo may have written only v1), and keys
//! of v2 this version does not know are kept.
//!
//! The files are rewritten in place through their locked handles (as
//! cargo does): replacing them by rename would leave a waiting cargo
//! holding a lock on a file no longer in place.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_core::{PackageId, SourceId};
use serde::{Deserialize, Serialize};

/// The v2 settings of one install.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstallInfo {
    /// The `--version` asked for, if any.
    pub version_req: Option<String>,
    pub bins: BTreeSet<String>,
    /// The `--features` asked for.
    pub features: BTreeSet<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    /// The profile name (`release`, `dev`, or a custom one).
    pub profile: String,
    /// The platform built for; unknown for entries taken from v1.
    pub target: Option<String>,
    /// `rustc -vV`; unknown for entries taken from v1.
    pub rustc: Option<String>,
    /// Keys of newer versions, kept as they are.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl InstallInfo {
    fn from_v1(bins: &BTreeSet<String>) -> InstallInfo {
        InstallInfo {
            version_req: None,
            bins: bins.clone(),
            features: BTreeSet::new(),
            all_features: false,
            no_default_features: false,
            profile: "release".to_string(),
            target: None,
            rustc: None,
            other: BTreeMap::new(),
        }
    }
}

/// What an install asks for, compared with what was installed before.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub features: BTreeSet<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub profile: String,
    pub target: String,
}

/// Whether a package must be built, and the binaries already in place
/// (each with the package that installed it, `None` when untracked).
pub type Duplicates = BTreeMap<String, Option<PackageId>>;

pub struct Tracker {
    v1: BTreeMap<PackageId, BTreeSet<String>>,
    installs: BTreeMap<PackageId, InstallInfo>,
    /// Top-level keys of `.crates2.json` besides `installs`.
    other: BTreeMap<String, serde_json::Value>,
    v1_file: LockedFile,
    v2_file: LockedFile,
}

struct LockedFile {
    path: PathBuf,
    file: File,
}

impl LockedFile {
    /// Open (creating it and its directory) and lock `root/name`, saying
    /// so when another process holds it.
    fn open(root: &Path, name: &str, blocking: &mut dyn FnMut(String)) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("failed to create directory `{}`", root.display()))?;
        let path = root.join(name);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("failed to open: {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                blocking(format!("waiting for file lock on {}", "crate metadata"));
                file.lock()
                    .with_context(|| format!("failed to lock file: {}", path.display()))?;
            }
            // A file system without locks: carry on, as cargo does.
            Err(std::fs::TryLockError::Error(_)) => {}
        }
        Ok(LockedFile { path, file })
    }

    fn read(&mut self) -> anyhow::Result<String> {
        let mut text = String::new();
        self.file.read_to_string(&mut text)?;
        Ok(text)
    }

    fn rewrite(&mut self, text: &str) -> anyhow::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.file.set_len(0)?;
        self.file.write_all(text.as_bytes())?;
        Ok(())
    }
}

impl Tracker {
    /// Read (and lock) the tracking files of `root`; missing or empty
    /// files are an empty record. `blocking` hears of a wait for the lock.
    pub fn load(root: &Path, blocking: &mut dyn FnMut(String)) -> anyhow::Result<Tracker> {
        let mut v1_file = LockedFile::open(root, ".crates.toml", blocking)?;
        let mut v2_file = LockedFile::open(root, ".crates2.json", blocking)?;
        let failed = |f: &LockedFile| {
            format!(
                "failed to parse crate metadata at `{}`",
                f.path.to_string_lossy()
            )
        };
        let text = v1_file.read().with_context(|| failed(&v1_file))?;
        let v1 = parse_v1(&text).with_context(|| failed(&v1_file))?;
        let text = v2_file.read().with_context(|| failed(&v2_file))?;
        let (mut installs, other) = parse_v2(&text).with_context(|| failed(&v2_file))?;
        sync_v1(&mut installs, &v1);
        Ok(Tracker {
            v1,
            installs,
            other,
            v1_file,
            v2_file,
        })
    }

    /// Every installed package and its binaries (v1's order: by id).
    pub fn all_installed(&self) -> impl Iterator<Item = (&PackageId, &BTreeSet<String>)> {
        self.v1.iter()
    }

    pub fn installed_bins(&self, id: &PackageId) -> Option<&BTreeSet<String>> {
        self.v1.get(id)
    }

    /// The package that installed `bin`, if tracked.
    fn package_for_bin(&self, bin: &str) -> Option<PackageId> {
        self.installs
            .iter()
            .find(|(_, info)| info.bins.contains(bin))
            .map(|(id, _)| id.clone())
    }

    /// The executables of `exes` already in `dst`.
    pub fn duplicates(&self, dst: &Path, exes: &BTreeSet<String>) -> Duplicates {
        exes.iter()
            .filter(|name| dst.join(name).exists())
            .map(|name| (name.clone(), self.package_for_bin(name)))
            .collect()
    }

    /// cargo's upgrade check: whether `pkg` (installing `exes` into
    /// `dst`) is already installed as asked (fresh), and the binaries it
    /// would replace. Binaries of another package, or untracked ones,
    /// are an error unless `force`.
    pub fn check_upgrade(
        &self,
        dst: &Path,
        pkg: &PackageId,
        exes: &BTreeSet<String>,
        force: bool,
        req: &Request,
    ) -> anyhow::Result<(bool, Duplicates)> {
        let duplicates = self.duplicates(dst, exes);
        if force || duplicates.is_empty() {
            return Ok((false, duplicates));
        }
        // The same name from another source or version is an upgrade
        // (switching between git and a registry, say), not a conflict.
        let same_name: Vec<&PackageId> = duplicates
            .values()
            .flatten()
            .filter(|d| d.name() == pkg.name())
            .collect();
        if same_name.len() != duplicates.len() {
            let mut msg = String::new();
            for (bin, owner) in &duplicates {
                msg.push_str(&format!("binary `{bin}` already exists in destination"));
                match owner {
                    Some(p) => msg.push_str(&format!(" as part of `{p}`\n")),
                    None => msg.push('\n'),
                }
            }
            msg.push_str("Add --force to overwrite");
            bail!(msg);
        }
        let source = pkg.source_id();
        // `install --path` always installs again.
        if source.is_path() {
            return Ok((false, duplicates));
        }
        let fresh = same_name.iter().all(|dupe| {
            let Some(info) = self.installs.get(*dupe) else {
                return false;
            };
            dupe.version() == pkg.version()
                && dupe.source_id() == source
                && (!source.is_git() || dupe.source_id().precise() == source.precise())
                && is_up_to_date(info, req, exes)
        });
        Ok((fresh, duplicates))
    }

    /// Record `bins` as installed by `pkg` (taken from whichever package
    /// had them before).
    pub fn mark_installed(
        &mut self,
        pkg: &PackageId,
        bins: &BTreeSet<String>,
        version_req: Option<String>,
        req: &Request,
        rustc: &str,
    ) {
        for other in self.v1.values_mut() {
            other.retain(|b| !bins.contains(b));
        }
        self.v1.retain(|_, b| !b.is_empty());
        self.v1
            .entry(pkg.clone())
            .or_default()
            .extend(bins.iter().cloned());

        for info in self.installs.values_mut() {
            info.bins.retain(|b| !bins.contains(b));
        }
        self.installs.retain(|_, i| !i.bins.is_empty());
        let info = self
            .installs
            .entry(pkg.clone())
            .or_insert_with(|| InstallInfo::from_v1(&BTreeSet::new()));
        info.bins.extend(bins.iter().cloned());
        info.version_req = version_req;
        info.features = req.features.clone();
        info.all_features = req.all_features;
        info.no_default_features = req.no_default_features;
        info.profile = req.profile.clone();
        info.target = Some(req.target.clone());
        info.rustc = Some(rustc.to_string());
    }

    /// Forget `bins` of `pkg` (the package too once it has none left).
    pub fn remove(&mut self, pkg: &PackageId, bins: &BTreeSet<String>) {
        if let Some(set) = self.v1.get_mut(pkg) {
            set.retain(|b| !bins.contains(b));
            if set.is_empty() {
                self.v1.remove(pkg);
            }
        }
        if let Some(info) = self.installs.get_mut(pkg) {
            info.bins.retain(|b| !bins.contains(b));
            if info.bins.is_empty() {
                self.installs.remove(pkg);
            }
        }
    }

    /// Write both files.
    pub fn save(&mut self) -> anyhow::Result<()> {
        let v1 = v1_text(&self.v1);
        let failed = |f: &LockedFile| {
            format!(
                "failed to write crate metadata at `{}`",
                f.path.to_string_lossy()
            )
        };
        self.v1_file
            .rewrite(&v1)
            .with_context(|| failed(&self.v1_file))?;
        let v2 = v2_text(&self.installs, &self.other)?;
        self.v2_file
            .rewrite(&v2)
            .with_context(|| failed(&self.v2_file))?;
        Ok(())
    }
}

/// cargo's `is_up_to_date`: the same features, profile, target (when
/// known) and set of binaries.
fn is_up_to_date(info: &InstallInfo, req: &Request, exes: &BTreeSet<String>) -> bool {
    info.features == req.features
        && info.all_features == req.all_features
        && info.no_default_features == req.no_default_features
        && info.profile == req.profile
        && info.target.as_ref().is_none_or(|t| *t == req.target)
        && info.bins == *exes
}

/// Bring v2 in line with v1: the same packages, with v1's binaries.
fn sync_v1(
    installs: &mut BTreeMap<PackageId, InstallInfo>,
    v1: &BTreeMap<PackageId, BTreeSet<String>>,
) {
    for (id, bins) in v1 {
        installs
            .entry(id.clone())
            .and_modify(|i| i.bins = bins.clone())
            .or_insert_with(|| InstallInfo::from_v1(bins));
    }
    installs.retain(|id, _| v1.contains_key(id));
}

/// `name version (source-url)`: how both files name a package.
pub fn id_key(id: &PackageId) -> String {
    format!(
        "{} {} ({})",
        id.name(),
        id.version(),
        id.source_id().as_url()
    )
}

/// Read an [`id_key`].
pub fn parse_id_key(key: &str) -> anyhow::Result<PackageId> {
    let mut parts = key.splitn(3, ' ');
    let (Some(name), Some(version), Some(source)) = (parts.next(), parts.next(), parts.next())
    else {
        bail!("invalid serialized PackageId for key `{key}`");
    };
    let version = semver::Version::parse(version)
        .with_context(|| format!("invalid version in serialized PackageId `{key}`"))?;
    let Some(url) = source.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
        bail!("invalid serialized PackageId for key `{key}`");
    };
    let source = SourceId::from_url(url)
        .with_context(|| format!("invalid source in serialized PackageId `{key}`"))?;
    Ok(PackageId::new(name, version, source))
}

fn parse_v1(text: &str) -> anyhow::Result<BTreeMap<PackageId, BTreeSet<String>>> {
    let mut out = BTreeMap::new();
    if text.is_empty() {
        return Ok(out);
    }
    // Control characters of the file are left out of the error's excerpt.
    let table: toml::Table = toml::from_str(text)
        .map_err(|e| {
            anyhow::anyhow!(
                "{}",
                e.to_string()
                    .replace(|c: char| c.is_control() && c != '\n', "")
            )
        })
        .context("invalid TOML found for metadata")?;
    let Some(v1) = table.get("v1") else {
        return Err(
            anyhow::anyhow!("missing field `v1`").context("invalid TOML found for metadata")
        );
    };
    let Some(v1) = v1.as_table() else {
        bail!("invalid TOML found for metadata: `v1` is not a table");
    };
    for (key, bins) in v1 {
        let id = parse_id_key(key)?;
        let Some(bins) = bins.as_array() else {
            bail!("invalid TOML found for metadata: the binaries of `{key}` are not a list");
        };
        let bins = bins
            .iter()
            .map(|b| b.as_str().map(str::to_string))
            .collect::<Option<BTreeSet<String>>>()
            .with_context(|| format!("invalid binary name for `{key}`"))?;
        out.insert(id, bins);
    }
    Ok(out)
}

type V2 = (
    BTreeMap<PackageId, InstallInfo>,
    BTreeMap<String, serde_json::Value>,
);

fn parse_v2(text: &str) -> anyhow::Result<V2> {
    if text.is_empty() {
        return Ok(Default::default());
    }
    #[derive(Deserialize)]
    struct File {
        installs: BTreeMap<String, InstallInfo>,
        #[serde(flatten)]
        other: BTreeMap<String, serde_json::Value>,
    }
    let file: File = serde_json::from_str(text).context("invalid JSON found for metadata")?;
    let mut installs = BTreeMap::new();
    for (key, info) in file.installs {
        installs.insert(parse_id_key(&key)?, info);
    }
    Ok((installs, file.other))
}

/// `.crates.toml` as cargo writes it (toml's pretty form: a one-item list
/// inline, longer ones one item a line).
fn v1_text(v1: &BTreeMap<PackageId, BTreeSet<String>>) -> String {
    let mut out = String::from("[v1]\n");
    for (id, bins) in v1 {
        out.push_str(&toml_string(&id_key(id)));
        out.push_str(" = ");
        match bins.len() {
            0 => out.push_str("[]"),
            1 => {
                out.push('[');
                out.extend(bins.iter().map(|b| toml_string(b)));
                out.push(']');
            }
            _ => {
                out.push_str("[\n");
                for b in bins {
                    out.push_str(&format!("    {},\n", toml_string(b)));
                }
                out.push(']');
            }
        }
        out.push('\n');
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `.crates2.json` as cargo writes it: compact, `installs` by package id,
/// then the other top-level keys in order.
fn v2_text(
    installs: &BTreeMap<PackageId, InstallInfo>,
    other: &BTreeMap<String, serde_json::Value>,
) -> anyhow::Result<String> {
    let mut out = String::from("{\"installs\":{");
    for (i, (id, info)) in installs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(&id_key(id))?);
        out.push(':');
        out.push_str(&serde_json::to_string(info)?);
    }
    out.push('}');
    for (k, v) in other {
        out.push(',');
        out.push_str(&serde_json::to_string(k)?);
        out.push(':');
        out.push_str(&serde_json::to_string(v)?);
    }
    out.push('}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str, version: &str, source: &str) -> PackageId {
        PackageId::new(
            name,
            semver::Version::parse(version).unwrap(),
            SourceId::from_url(source).unwrap(),
        )
    }

    const REG: &str = "registry+https://github.com/rust-lang/crates.io-index";

    #[test]
    fn v1_matches_cargos_pretty_toml() {
        let mut v1 = BTreeMap::new();
        v1.insert(
            id("p", "0.1.0", "path+file:///tmp/exp/p"),
            ["a1", "b2", "p"].iter().map(|s| s.to_string()).collect(),
        );
        v1.insert(id("foo", "0.0.1", REG), BTreeSet::from(["foo".to_string()]));
        assert_eq!(
            v1_text(&v1),
            "[v1]\n\
             \"foo 0.0.1 (registry+https://github.com/rust-lang/crates.io-index)\" = [\"foo\"]\n\
             \"p 0.1.0 (path+file:///tmp/exp/p)\" = [\n    \"a1\",\n    \"b2\",\n    \"p\",\n]\n"
        );
        assert_eq!(v1_text(&BTreeMap::new()), "[v1]\n");
        assert_eq!(parse_v1(&v1_text(&v1)).unwrap(), v1);
    }

    #[test]
    fn v2_is_compact_json_in_field_order_and_keeps_unknown_keys() {
        let text = "{\"installs\":{\"p 0.1.0 (path+file:///tmp/exp/p)\":{\"version_req\":null,\"bins\":[\"a1\",\"p\"],\"features\":[],\"all_features\":false,\"no_default_features\":false,\"profile\":\"release\",\"target\":\"x86_64-unknown-linux-gnu\",\"rustc\":\"rustc 1.95.0\\n\",\"moreinfo\":\"shazam\"}},\"newfield\":true}";
        let (installs, other) = parse_v2(text).unwrap();
        assert_eq!(installs.len(), 1);
        assert_eq!(other.get("newfield"), Some(&serde_json::Value::Bool(true)));
        assert_eq!(v2_text(&installs, &other).unwrap(), text);
    }

    #[test]
    fn git_keys_keep_reference_and_commit() {
        let key = "foo 0.1.0 (git+https://example.com/foo?branch=dev#0123456789abcdef0123456789abcdef01234567)";
        let parsed = parse_id_key(key).unwrap();
        assert_eq!(
            parsed.source_id().precise(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(id_key(&parsed), key);
    }

    #[test]
    fn v1_wins_over_v2() {
        let a = id("a", "1.0.0", REG);
        let b = id("b", "1.0.0", REG);
        let mut installs = BTreeMap::new();
        installs.insert(
            b.clone(),
            InstallInfo::from_v1(&BTreeSet::from(["b".into()])),
        );
        let mut v1 = BTreeMap::new();
        v1.insert(a.clone(), BTreeSet::from(["a".to_string()]));
        sync_v1(&mut installs, &v1);
        assert!(installs.contains_key(&a) && !installs.contains_key(&b));
    }

    #[test]
    fn upgrade_check_as_cargo() {
        let tmp = tempfile::tempdir().unwrap();
        let dst = tmp.path().join("bin");
        std::fs::create_dir_all(&dst).unwrap();
        let mut t = Tracker::load(tmp.path(), &mut |_| {}).unwrap();
        let req = Request {
            features: BTreeSet::new(),
            all_features: false,
            no_default_features: false,
            profile: "release".into(),
            target: "x86_64-unknown-linux-gnu".into(),
        };
        let exes = BTreeSet::from(["foo".to_string()]);
        let v1 = id("foo", "1.0.0", REG);
        // Nothing installed: build.
        assert!(!t.check_upgrade(&dst, &v1, &exes, false, &req).unwrap().0);
        std::fs::write(dst.join("foo"), "").unwrap();
        // An untracked file in the way.
        let err = t.check_upgrade(&dst, &v1, &exes, false, &req).unwrap_err();
        assert_eq!(
            err.to_string(),
            "binary `foo` already exists in destination\nAdd --force to overwrite"
        );
        t.mark_installed(&v1, &exes, None, &req, "rustc");
        assert!(t.check_upgrade(&dst, &v1, &exes, false, &req).unwrap().0);
        // Another version, other features, another profile: build again.
        let v2 = id("foo", "1.0.1", REG);
        assert!(!t.check_upgrade(&dst, &v2, &exes, false, &req).unwrap().0);
        let debug = Request {
            profile: "dev".into(),
            ..req.clone()
        };
        assert!(!t.check_upgrade(&dst, &v1, &exes, false, &debug).unwrap().0);
        // Another package's binary.
        let bar = id("bar", "1.0.0", REG);
        let err = t.check_upgrade(&dst, &bar, &exes, false, &req).unwrap_err();
        assert!(err.to_string().contains("as part of `foo v1.0.0`"));
        t.save().unwrap();
        drop(t);
        let t = Tracker::load(tmp.path(), &mut |_| {}).unwrap();
        assert_eq!(t.installed_bins(&v1), Some(&exes));
    }
}
