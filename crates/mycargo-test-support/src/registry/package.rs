//! Declaring a package version in code: its index line and its `.crate`.

use std::collections::BTreeMap;
use std::io::Write as _;

use flate2::{Compression, GzBuilder};
use sha2::{Digest as _, Sha256};

use super::Registry;
use super::faults::BadEntry;
use super::index::{IndexDep, IndexEntry};

/// The mtime cargo gives every entry of a `.crate` (2006-07-24).
pub const CRATE_MTIME: u64 = 1_153_704_088;

/// The kind of a dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepKind {
    Normal,
    Dev,
    Build,
}

impl DepKind {
    fn index_name(self) -> &'static str {
        match self {
            DepKind::Normal => "normal",
            DepKind::Dev => "dev",
            DepKind::Build => "build",
        }
    }

    fn table(self) -> &'static str {
        match self {
            DepKind::Normal => "dependencies",
            DepKind::Dev => "dev-dependencies",
            DepKind::Build => "build-dependencies",
        }
    }
}

/// A dependency of a [`Package`], with every field of an index line.
///
/// ```
/// # use mycargo_test_support::registry::Dep;
/// let d = Dep::new("serde", "1.0").features(&["derive"]).optional().no_default_features();
/// let renamed = Dep::new("qux", "0.1").rename("q"); // `q = { package = "qux", .. }`
/// let dev = Dep::new("tester", "1").dev().target("cfg(unix)");
/// ```
#[derive(Clone, Debug)]
pub struct Dep {
    name: String,
    req: String,
    features: Vec<String>,
    optional: bool,
    default_features: bool,
    target: Option<String>,
    kind: DepKind,
    registry: Option<String>,
    rename: Option<String>,
}

impl Dep {
    /// A normal dependency on package `name` with version requirement `req`.
    pub fn new(name: &str, req: &str) -> Dep {
        Dep {
            name: name.to_string(),
            req: req.to_string(),
            features: Vec::new(),
            optional: false,
            default_features: true,
            target: None,
            kind: DepKind::Normal,
            registry: None,
            rename: None,
        }
    }

    pub fn features(mut self, features: &[&str]) -> Self {
        self.features.extend(features.iter().map(|f| f.to_string()));
        self
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// `default-features = false`.
    pub fn no_default_features(mut self) -> Self {
        self.default_features = false;
        self
    }

    /// Only for this target: `cfg(..)` or a triple.
    pub fn target(mut self, target: &str) -> Self {
        self.target = Some(target.to_string());
        self
    }

    pub fn kind(mut self, kind: DepKind) -> Self {
        self.kind = kind;
        self
    }

    pub fn dev(self) -> Self {
        self.kind(DepKind::Dev)
    }

    pub fn build(self) -> Self {
        self.kind(DepKind::Build)
    }

    /// From another registry, given by its index URL (e.g.
    /// `sparse+http://127.0.0.1:1234/index/`, or crates.io's
    /// `https://github.com/rust-lang/crates.io-index`).
    pub fn registry(mut self, index_url: &str) -> Self {
        self.registry = Some(index_url.to_string());
        self
    }

    /// Use the package under another name: `rename = { package = "<name>" }`.
    pub fn rename(mut self, rename: &str) -> Self {
        self.rename = Some(rename.to_string());
        self
    }

    fn key(&self) -> &str {
        self.rename.as_deref().unwrap_or(&self.name)
    }

    fn to_index(&self) -> IndexDep {
        IndexDep {
            name: self.key().to_string(),
            req: self.req.clone(),
            features: self.features.clone(),
            optional: self.optional,
            default_features: self.default_features,
            target: self.target.clone(),
            kind: self.kind.index_name().to_string(),
            registry: self.registry.clone(),
            package: self.rename.as_ref().map(|_| self.name.clone()),
        }
    }
}

/// One version of a package to put in a [`Registry`].
///
/// Builds the index line ([`Package::index_entry`]) and the `.crate`
/// ([`Package::crate_bytes`]): a gzip'd tar whose entries all sit under
/// `<name>-<version>/`, with a generated `Cargo.toml` that lists the
/// dependencies and features, and `src/lib.rs` unless a file under `src/`
/// is given.
///
/// ```no_run
/// # use mycargo_test_support::registry::{Dep, Package, Registry};
/// let reg = Registry::new();
/// Package::new("baz", "1.0.0")
///     .feature("std", &[])
///     .feature("serde", &["dep:serde"]) // goes to `features2`, `"v":2`
///     .add_dep(Dep::new("serde", "1").optional())
///     .file("src/lib.rs", "pub fn baz() {}")
///     .publish(&reg);
/// Package::new("baz", "1.1.0").yanked().publish(&reg);
/// ```
#[derive(Clone, Debug)]
pub struct Package {
    name: String,
    vers: String,
    deps: Vec<Dep>,
    features: BTreeMap<String, Vec<String>>,
    yanked: bool,
    links: Option<String>,
    rust_version: Option<String>,
    edition: Option<String>,
    schema_version: Option<u32>,
    pubtime: Option<String>,
    files: Vec<(String, Vec<u8>, u32)>,
    symlinks: Vec<(String, String)>,
    bad_entries: Vec<BadEntry>,
    cksum_override: Option<String>,
    extra_manifest: String,
}

impl Package {
    pub fn new(name: &str, vers: &str) -> Package {
        Package {
            name: name.to_string(),
            vers: vers.to_string(),
            deps: Vec::new(),
            features: BTreeMap::new(),
            yanked: false,
            links: None,
            rust_version: None,
            edition: None,
            schema_version: None,
            pubtime: None,
            files: Vec::new(),
            symlinks: Vec::new(),
            bad_entries: Vec::new(),
            cksum_override: None,
            extra_manifest: String::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn version(&self) -> &str {
        &self.vers
    }

    /// A normal dependency: `name = "req"`.
    pub fn dep(self, name: &str, req: &str) -> Self {
        self.add_dep(Dep::new(name, req))
    }

    /// A dev-dependency.
    pub fn dev_dep(self, name: &str, req: &str) -> Self {
        self.add_dep(Dep::new(name, req).dev())
    }

    /// A build-dependency.
    pub fn build_dep(self, name: &str, req: &str) -> Self {
        self.add_dep(Dep::new(name, req).build())
    }

    /// A target-specific normal dependency.
    pub fn target_dep(self, name: &str, req: &str, target: &str) -> Self {
        self.add_dep(Dep::new(name, req).target(target))
    }

    /// Any dependency built with [`Dep`].
    pub fn add_dep(mut self, dep: Dep) -> Self {
        self.deps.push(dep);
        self
    }

    /// A feature. Features whose values use `dep:` or `?/` go to the
    /// index's `features2` and make the line `"v":2`, as cargo publishes
    /// them; the `.crate`'s `Cargo.toml` lists every feature.
    pub fn feature(mut self, name: &str, values: &[&str]) -> Self {
        self.features.insert(
            name.to_string(),
            values.iter().map(|v| v.to_string()).collect(),
        );
        self
    }

    pub fn yanked(mut self) -> Self {
        self.yanked = true;
        self
    }

    pub fn links(mut self, links: &str) -> Self {
        self.links = Some(links.to_string());
        self
    }

    pub fn rust_version(mut self, rv: &str) -> Self {
        self.rust_version = Some(rv.to_string());
        self
    }

    /// The `edition` of the generated manifest (default: none, i.e. 2015).
    pub fn edition(mut self, edition: &str) -> Self {
        self.edition = Some(edition.to_string());
        self
    }

    /// Force the index line's `v` (default: 2 when `features2` is used,
    /// else omitted).
    pub fn schema_version(mut self, v: u32) -> Self {
        self.schema_version = Some(v);
        self
    }

    /// The index line's `pubtime` (`YYYY-MM-DDTHH:MM:SSZ`).
    pub fn pubtime(mut self, t: &str) -> Self {
        self.pubtime = Some(t.to_string());
        self
    }

    /// A file of the package, relative to its root. A `Cargo.toml` given
    /// here replaces the generated one.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        self.file_with_mode(path, contents, 0o644)
    }

    /// A file with a Unix mode (e.g. `0o755`).
    pub fn file_with_mode(mut self, path: &str, contents: impl AsRef<[u8]>, mode: u32) -> Self {
        self.files
            .push((path.to_string(), contents.as_ref().to_vec(), mode));
        self
    }

    /// A symbolic link `path` (relative to the package root) pointing at
    /// `target`, written as is (a `.crate` made by other tools may have
    /// them). Links come after the files, in the order given.
    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        self.symlinks.push((path.to_string(), target.to_string()));
        self
    }

    /// More TOML appended to the generated manifest (e.g. `[lib]\nname = ".."`).
    pub fn manifest_extra(mut self, toml: &str) -> Self {
        self.extra_manifest.push_str(toml);
        self
    }

    /// Add a malicious or broken tar entry to the `.crate` (see
    /// [`BadEntry`]).
    pub fn bad_entry(mut self, entry: BadEntry) -> Self {
        self.bad_entries.push(entry);
        self
    }

    /// Write this `cksum` in the index instead of the real one.
    pub fn cksum(mut self, cksum: &str) -> Self {
        self.cksum_override = Some(cksum.to_string());
        self
    }

    /// Write a well-formed but wrong `cksum` in the index (the sha256 of
    /// something else), so cargo fails to verify the download.
    pub fn wrong_cksum(self) -> Self {
        let wrong = sha256_hex(format!("not {}-{}", self.name, self.vers).as_bytes());
        self.cksum(&wrong)
    }

    /// Add this version to `reg` (see [`Registry::publish`]); returns the
    /// sha256 of the `.crate`.
    pub fn publish(&self, reg: &Registry) -> String {
        reg.publish(self)
    }

    /// The generated `Cargo.toml` (with cargo's preamble).
    pub fn manifest(&self) -> String {
        let mut s = String::from(
            "# THIS FILE IS AUTOMATICALLY GENERATED BY CARGO\n#\n# (generated by mycargo-test-support)\n\n",
        );
        s.push_str("[package]\n");
        s.push_str(&format!("name = {}\n", toml_str(&self.name)));
        s.push_str(&format!("version = {}\n", toml_str(&self.vers)));
        if let Some(e) = &self.edition {
            s.push_str(&format!("edition = {}\n", toml_str(e)));
        }
        if let Some(rv) = &self.rust_version {
            s.push_str(&format!("rust-version = {}\n", toml_str(rv)));
        }
        if let Some(l) = &self.links {
            s.push_str(&format!("links = {}\n", toml_str(l)));
        }
        s.push_str("authors = []\ndescription = \"A test package\"\nlicense = \"MIT\"\n");
        if !self.features.is_empty() {
            s.push_str("\n[features]\n");
            for (k, vals) in &self.features {
                s.push_str(&format!("{} = {}\n", toml_key(k), toml_array(vals)));
            }
        }
        for d in &self.deps {
            let table = match &d.target {
                Some(t) => format!("target.{}.{}", toml_str(t), d.kind.table()),
                None => d.kind.table().to_string(),
            };
            s.push_str(&format!("\n[{table}.{}]\n", toml_key(d.key())));
            s.push_str(&format!("version = {}\n", toml_str(&d.req)));
            if d.rename.is_some() {
                s.push_str(&format!("package = {}\n", toml_str(&d.name)));
            }
            if !d.features.is_empty() {
                s.push_str(&format!("features = {}\n", toml_array(&d.features)));
            }
            if d.optional {
                s.push_str("optional = true\n");
            }
            if !d.default_features {
                s.push_str("default-features = false\n");
            }
            if let Some(r) = &d.registry {
                s.push_str(&format!("registry-index = {}\n", toml_str(r)));
            }
        }
        if !self.extra_manifest.is_empty() {
            s.push('\n');
            s.push_str(&self.extra_manifest);
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        s
    }

    /// The files of the `.crate`, relative to the package root, sorted.
    fn contents(&self) -> BTreeMap<String, (Vec<u8>, u32)> {
        let mut files: BTreeMap<String, (Vec<u8>, u32)> = BTreeMap::new();
        for (p, c, m) in &self.files {
            files.insert(p.clone(), (c.clone(), *m));
        }
        if !files.contains_key("Cargo.toml") {
            files.insert("Cargo.toml".into(), (self.manifest().into_bytes(), 0o644));
        }
        if !files.keys().any(|p| p.starts_with("src/")) {
            files.insert("src/lib.rs".into(), (Vec::new(), 0o644));
        }
        files
    }

    /// The `.crate` file: deterministic (same input, same bytes), like
    /// cargo's (GNU headers, sorted entries, mtime [`CRATE_MTIME`], gzip
    /// with mtime 0 and FNAME `<name>-<version>.crate`), plus any
    /// [`BadEntry`] at the end.
    pub fn crate_bytes(&self) -> Vec<u8> {
        let gz = GzBuilder::new()
            .filename(format!("{}-{}.crate", self.name, self.vers))
            .mtime(0)
            .write(Vec::new(), Compression::best());
        let mut ar = tar::Builder::new(gz);
        let prefix = format!("{}-{}", self.name, self.vers);
        for (path, (contents, mode)) in self.contents() {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(contents.len() as u64);
            h.set_mode(mode);
            h.set_mtime(CRATE_MTIME);
            h.set_uid(0);
            h.set_gid(0);
            ar.append_data(&mut h, format!("{prefix}/{path}"), contents.as_slice())
                .expect("tar entry");
        }
        for (path, target) in &self.symlinks {
            let link = BadEntry::Symlink {
                path: path.clone(),
                target: target.clone(),
                through: None,
            };
            link.append(&mut ar, &prefix).expect("tar entry");
        }
        for bad in &self.bad_entries {
            bad.append(&mut ar, &prefix).expect("tar entry");
        }
        let gz = ar.into_inner().expect("finish tar");
        let mut out = gz.finish().expect("finish gzip");
        out.flush().expect("flush");
        out
    }

    /// The index entry for a `.crate` with checksum `cksum` (the override
    /// from [`Package::cksum`] wins).
    pub fn index_entry(&self, cksum: &str) -> IndexEntry {
        let mut features = BTreeMap::new();
        let mut features2 = BTreeMap::new();
        for (k, vals) in &self.features {
            if vals
                .iter()
                .any(|v| v.starts_with("dep:") || v.contains("?/"))
            {
                features2.insert(k.clone(), vals.clone());
            } else {
                features.insert(k.clone(), vals.clone());
            }
        }
        let v = self
            .schema_version
            .or(if features2.is_empty() { None } else { Some(2) });
        IndexEntry {
            name: self.name.clone(),
            vers: self.vers.clone(),
            deps: self.deps.iter().map(Dep::to_index).collect(),
            cksum: self
                .cksum_override
                .clone()
                .unwrap_or_else(|| cksum.to_string()),
            features,
            features2,
            yanked: self.yanked,
            links: self.links.clone(),
            rust_version: self.rust_version.clone(),
            v,
            pubtime: self.pubtime.clone(),
        }
    }
}

/// Lowercase hex sha256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn toml_str(s: &str) -> String {
    // A JSON string is a valid TOML basic string for the text tests use.
    serde_json::Value::from(s).to_string()
}

/// A bare key when it can be one, else a quoted one.
fn toml_key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { k.to_string() } else { toml_str(k) }
}

fn toml_array(vals: &[String]) -> String {
    let v: Vec<String> = vals.iter().map(|v| toml_str(v)).collect();
    format!("[{}]", v.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    pub(crate) fn entries(crate_bytes: &[u8]) -> Vec<(String, tar::EntryType, Vec<u8>)> {
        let gz = flate2::read::GzDecoder::new(crate_bytes);
        let mut ar = tar::Archive::new(gz);
        let mut out = Vec::new();
        for e in ar.entries().unwrap() {
            let mut e = e.unwrap();
            let path = String::from_utf8(e.path_bytes().into_owned()).unwrap();
            let ty = e.header().entry_type();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            out.push((path, ty, data));
        }
        out
    }

    #[test]
    fn crate_layout_and_determinism() {
        let p = Package::new("foo", "1.2.3")
            .dep("bar", "1")
            .file("src/main.rs", "fn main() {}")
            .file("README.md", "hi");
        let bytes = p.crate_bytes();
        assert_eq!(&bytes[..4], &[0x1f, 0x8b, 0x08, 0x08]);
        assert_eq!(bytes, p.crate_bytes());
        let names: Vec<String> = entries(&bytes).into_iter().map(|e| e.0).collect();
        assert_eq!(
            names,
            [
                "foo-1.2.3/Cargo.toml",
                "foo-1.2.3/README.md",
                "foo-1.2.3/src/main.rs"
            ]
        );
        let default = Package::new("x", "0.1.0").crate_bytes();
        let names: Vec<String> = entries(&default).into_iter().map(|e| e.0).collect();
        assert_eq!(names, ["x-0.1.0/Cargo.toml", "x-0.1.0/src/lib.rs"]);
    }

    #[test]
    fn manifest_lists_deps() {
        let p = Package::new("foo", "0.1.0")
            .edition("2021")
            .links("z")
            .rust_version("1.70")
            .feature("default", &["std"])
            .feature("std", &[])
            .feature("fancy", &["dep:q", "bar?/x"])
            .add_dep(Dep::new("qux", "0.1").rename("q").optional())
            .add_dep(
                Dep::new("bar", "^1.0")
                    .features(&["x"])
                    .no_default_features(),
            )
            .add_dep(Dep::new("w", "1").target("cfg(windows)"))
            .dev_dep("t", "2")
            .build_dep("cc", "1");
        let m = p.manifest();
        assert!(m.starts_with("# THIS FILE IS AUTOMATICALLY GENERATED BY CARGO\n"));
        for s in [
            "[dependencies.q]\nversion = \"0.1\"\npackage = \"qux\"\noptional = true\n",
            "[dependencies.bar]\nversion = \"^1.0\"\nfeatures = [\"x\"]\ndefault-features = false\n",
            "[target.\"cfg(windows)\".dependencies.w]\n",
            "[dev-dependencies.t]\n",
            "[build-dependencies.cc]\n",
            "fancy = [\"dep:q\", \"bar?/x\"]\n",
            "links = \"z\"\n",
            "rust-version = \"1.70\"\n",
            "edition = \"2021\"\n",
        ] {
            assert!(m.contains(s), "{s}\n---\n{m}");
        }
        let e = p.index_entry("abc");
        assert_eq!(e.v, Some(2));
        assert!(e.features2.contains_key("fancy"));
        assert!(!e.features.contains_key("fancy"));
        assert!(e.features.contains_key("std"));
        assert_eq!(e.deps[0].name, "q");
        assert_eq!(e.deps[0].package.as_deref(), Some("qux"));
        assert_eq!(e.deps[3].kind, "dev");
        assert_eq!(e.deps[4].kind, "build");
        assert_eq!(e.cksum, "abc");
        let plain = Package::new("a", "1.0.0").index_entry("x");
        assert_eq!(plain.v, None);
    }

    #[test]
    fn wrong_cksum() {
        let p = Package::new("foo", "0.1.0").wrong_cksum();
        let real = sha256_hex(&p.crate_bytes());
        let e = p.index_entry(&real);
        assert_ne!(e.cksum, real);
        assert_eq!(e.cksum.len(), 64);
    }
}
