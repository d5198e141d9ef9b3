//! One dependency entry as `add` edits it: read from, written to, or
//! merged into its `toml_edit` item, in cargo's key order and forms
//! (`name = "1.2"`, `name = { version = "1.2", features = [..] }`,
//! `name.workspace = true`).

use std::path::{Path, PathBuf};

use toml_edit::{InlineTable, Item, TableLike, Value};

/// Where a dependency comes from, as written in the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepSource {
    /// A version requirement (build metadata dropped, as cargo writes it).
    Registry { version: String },
    Path {
        path: PathBuf,
        /// A path base (`base = "name"`) and the directory it names: the
        /// path is written relative to it.
        base: Option<(String, PathBuf)>,
        version: Option<String>,
    },
    Git {
        git: String,
        branch: Option<String>,
        tag: Option<String>,
        rev: Option<String>,
        version: Option<String>,
    },
    /// `workspace = true`.
    Workspace,
}

impl DepSource {
    /// A registry requirement, without `+build` metadata.
    pub fn registry(version: &str) -> DepSource {
        DepSource::Registry {
            version: version.split('+').next().unwrap_or(version).to_string(),
        }
    }
}

/// A dependency entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EditDep {
    /// The package name.
    pub name: String,
    /// The key, when it is not the package name (`package = ..`).
    pub rename: Option<String>,
    pub source: Option<DepSource>,
    pub registry: Option<String>,
    pub optional: Option<bool>,
    pub public: Option<bool>,
    pub default_features: Option<bool>,
    /// In the order given (kept as written).
    pub features: Option<Vec<String>>,
    /// Features the workspace entry enables (an inherited dependency).
    pub inherited_features: Option<Vec<String>>,
}

impl EditDep {
    pub fn new(name: &str) -> EditDep {
        EditDep {
            name: name.to_string(),
            ..EditDep::default()
        }
    }

    /// The key in the dependency table.
    pub fn toml_key(&self) -> &str {
        self.rename.as_deref().unwrap_or(&self.name)
    }

    pub fn version(&self) -> Option<&str> {
        match self.source.as_ref()? {
            DepSource::Registry { version } => Some(version),
            DepSource::Path { version, .. } | DepSource::Git { version, .. } => version.as_deref(),
            DepSource::Workspace => None,
        }
    }

    /// Drop the version of a path or git source (dev-dependencies do not
    /// need one).
    pub fn clear_version(&mut self) {
        match &mut self.source {
            Some(DepSource::Path { version, .. }) | Some(DepSource::Git { version, .. }) => {
                *version = None
            }
            Some(DepSource::Registry { .. }) => self.source = None,
            _ => {}
        }
    }

    /// Add features, keeping the first occurrence of each.
    pub fn extend_features(&mut self, more: impl IntoIterator<Item = String>) {
        let list = self.features.get_or_insert_with(Vec::new);
        for f in more {
            if !list.contains(&f) {
                list.push(f);
            }
        }
    }

    /// Read the entry `key = item` of a manifest in `dir` (`None` when it
    /// is not a dependency entry cargo would read).
    /// `dir`: the manifest's directory; `bases`: the path bases an entry
    /// may name (its path is under that directory then).
    pub fn from_toml(
        dir: &Path,
        key: &str,
        item: &Item,
        bases: &std::collections::BTreeMap<String, PathBuf>,
    ) -> Option<EditDep> {
        if let Some(v) = item.as_str() {
            let mut dep = EditDep::new(key);
            dep.source = Some(DepSource::registry(v));
            return Some(dep);
        }
        let t = item.as_table_like()?;
        let s = |k: &str| t.get(k).and_then(Item::as_str).map(str::to_string);
        let b = |k: &str| t.get(k).and_then(Item::as_bool);
        let name = s("package");
        let mut dep = EditDep::new(name.as_deref().unwrap_or(key));
        if name.is_some() {
            dep.rename = Some(key.to_string());
        }
        let version = s("version");
        dep.source = if b("workspace") == Some(true) {
            Some(DepSource::Workspace)
        } else if let Some(git) = s("git") {
            Some(DepSource::Git {
                git,
                branch: s("branch"),
                tag: s("tag"),
                rev: s("rev"),
                version,
            })
        } else if let Some(path) = s("path") {
            let base = s("base").and_then(|b| bases.get(&b).map(|d| (b, d.clone())));
            let under = base.as_ref().map_or(dir, |(_, d)| d.as_path());
            Some(DepSource::Path {
                path: mycargo_util::fs::normalize_path(&under.join(path)),
                base,
                version,
            })
        } else {
            version.map(|v| DepSource::registry(&v))
        };
        dep.registry = s("registry");
        dep.optional = b("optional");
        dep.public = b("public");
        dep.default_features = b("default-features").or(b("default_features"));
        dep.features = t.get("features").and_then(Item::as_array).map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        });
        Some(dep)
    }

    /// The entry for a new dependency, in cargo's form; path sources are
    /// written relative to `crate_root`.
    pub fn to_toml(&self, crate_root: &Path) -> Item {
        let plain = !self.public.unwrap_or(false)
            && !self.optional.unwrap_or(false)
            && self.features.is_none()
            && self.default_features.unwrap_or(true)
            && self.registry.is_none()
            && self.rename.is_none();
        match (&self.source, plain) {
            (Some(DepSource::Registry { version }), true) => return toml_edit::value(version),
            (Some(DepSource::Workspace), true) => {
                let mut t = InlineTable::default();
                t.set_dotted(true);
                t.insert("workspace", true.into());
                return toml_edit::value(Value::InlineTable(t));
            }
            _ => {}
        }
        let mut t = InlineTable::default();
        match &self.source {
            Some(DepSource::Registry { version }) => {
                t.insert("version", version.as_str().into());
            }
            Some(DepSource::Path {
                path,
                base,
                version,
            }) => {
                if let Some(v) = version {
                    t.insert("version", v.as_str().into());
                }
                match base {
                    Some((name, dir)) => {
                        t.insert("base", name.as_str().into());
                        t.insert("path", relative(path, dir).into());
                    }
                    None => {
                        t.insert("path", relative(path, crate_root).into());
                    }
                }
            }
            Some(DepSource::Git {
                git,
                branch,
                tag,
                rev,
                version,
            }) => {
                t.insert("git", git.as_str().into());
                for (k, v) in [("branch", branch), ("tag", tag), ("rev", rev)] {
                    if let Some(v) = v {
                        t.insert(k, v.as_str().into());
                    }
                }
                if let Some(v) = version {
                    t.insert("version", v.as_str().into());
                }
            }
            Some(DepSource::Workspace) => {
                t.insert("workspace", true.into());
            }
            None => {}
        }
        if t.contains_key("version")
            && let Some(r) = &self.registry
        {
            t.insert("registry", r.as_str().into());
        }
        if self.rename.is_some() {
            t.insert("package", self.name.as_str().into());
        }
        if let Some(v) = self.default_features {
            t.insert("default-features", v.into());
        }
        if let Some(f) = &self.features {
            t.insert("features", f.iter().cloned().collect::<Value>());
        }
        if let Some(v) = self.optional {
            t.insert("optional", v.into());
        }
        if let Some(v) = self.public {
            t.insert("public", v.into());
        }
        toml_edit::value(Value::InlineTable(t))
    }

    /// Merge into an existing entry, keeping what the user wrote around
    /// the values (a string or a one-key table is replaced whole).
    pub fn update_toml(&self, crate_root: &Path, key: &mut toml_edit::KeyMut<'_>, item: &mut Item) {
        if is_str_or_one_key_table(item) {
            let mut new = self.to_toml(crate_root);
            match (&*item, &mut new) {
                (Item::Value(old), Item::Value(new)) => *new.decor_mut() = old.decor().clone(),
                (Item::Table(old), Item::Table(new)) => *new.decor_mut() = old.decor().clone(),
                _ => {}
            }
            *item = new;
            return;
        }
        let Some(t) = item.as_table_like_mut() else {
            return;
        };
        match &self.source {
            Some(DepSource::Registry { version }) => {
                overwrite(t, "version", version.as_str());
                for k in ["path", "git", "branch", "tag", "rev", "workspace", "base"] {
                    t.remove(k);
                }
            }
            Some(DepSource::Path {
                path,
                base,
                version,
            }) => {
                match base {
                    Some((name, dir)) => {
                        overwrite(t, "base", name.clone());
                        overwrite(t, "path", relative(path, dir));
                    }
                    None => {
                        t.remove("base");
                        overwrite(t, "path", relative(path, crate_root));
                    }
                }
                set_or_remove(t, "version", version.as_deref());
                for k in ["git", "branch", "tag", "rev", "workspace"] {
                    t.remove(k);
                }
            }
            Some(DepSource::Git {
                git,
                branch,
                tag,
                rev,
                version,
            }) => {
                overwrite(t, "git", git.as_str());
                set_or_remove(t, "branch", branch.as_deref());
                set_or_remove(t, "tag", tag.as_deref());
                set_or_remove(t, "rev", rev.as_deref());
                set_or_remove(t, "version", version.as_deref());
                for k in ["path", "workspace", "base"] {
                    t.remove(k);
                }
            }
            Some(DepSource::Workspace) => {
                overwrite(t, "workspace", true);
                t.set_dotted(true);
                key.fmt();
                for k in [
                    "version",
                    "registry",
                    "registry-index",
                    "path",
                    "git",
                    "branch",
                    "tag",
                    "rev",
                    "package",
                    "default-features",
                    "base",
                ] {
                    t.remove(k);
                }
            }
            None => {}
        }
        match (t.contains_key("version"), &self.registry) {
            (true, Some(r)) => overwrite(t, "registry", r.as_str()),
            _ => {
                t.remove("registry");
            }
        }
        if self.rename.is_some() {
            overwrite(t, "package", self.name.as_str());
        }
        match self.default_features {
            Some(v) => overwrite(t, "default-features", v),
            None => {
                t.remove("default-features");
            }
        }
        match &self.features {
            Some(new) => {
                let mut all: Vec<String> = t
                    .get("features")
                    .and_then(Item::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let sorted = all.windows(2).all(|w| w[0] <= w[1]);
                for f in new {
                    if !all.contains(f) {
                        all.push(f.clone());
                    }
                }
                if sorted {
                    all.sort();
                }
                t.set_dotted(false);
                overwrite(t, "features", all.into_iter().collect::<Value>());
            }
            None => {
                t.remove("features");
            }
        }
        for (k, v) in [("optional", self.optional), ("public", self.public)] {
            match v {
                Some(v) => {
                    t.set_dotted(false);
                    overwrite(t, k, v);
                }
                None => {
                    t.remove(k);
                }
            }
        }
    }
}

/// A plain string, or a table with a single key: replaced rather than
/// merged.
fn is_str_or_one_key_table(item: &Item) -> bool {
    item.is_str() || item.as_table_like().is_some_and(|t| t.len() == 1)
}

fn overwrite(t: &mut dyn TableLike, key: &str, value: impl Into<Value>) {
    let mut value = value.into();
    let existing = t.entry(key).or_insert(Item::None);
    if let Some(old) = existing.as_value() {
        *value.decor_mut() = old.decor().clone();
    }
    *existing = Item::Value(value);
}

fn set_or_remove(t: &mut dyn TableLike, key: &str, value: Option<&str>) {
    match value {
        Some(v) => overwrite(t, key, v),
        None => {
            t.remove(key);
        }
    }
}

/// `path` relative to `root`, with forward slashes.
fn relative(path: &Path, root: &Path) -> String {
    mycargo_util::fs::diff_paths(path, root)
        .unwrap_or_else(|| path.to_path_buf())
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(dep: &EditDep) -> String {
        let mut doc = toml_edit::DocumentMut::new();
        doc[dep.toml_key()] = dep.to_toml(Path::new("/w/app"));
        doc.to_string()
    }

    #[test]
    fn new_entries_in_cargos_forms() {
        let mut d = EditDep::new("serde");
        d.source = Some(DepSource::registry("1.0.90+meta"));
        assert_eq!(render(&d), "serde = \"1.0.90\"\n");
        d.features = Some(vec!["derive".into()]);
        d.optional = Some(true);
        assert_eq!(
            render(&d),
            "serde = { version = \"1.0.90\", features = [\"derive\"], optional = true }\n"
        );
        let mut p = EditDep::new("util");
        p.source = Some(DepSource::Path {
            path: "/w/util".into(),
            base: None,
            version: Some("0.1.0".into()),
        });
        assert_eq!(
            render(&p),
            "util = { version = \"0.1.0\", path = \"../util\" }\n"
        );
        let mut w = EditDep::new("serde");
        w.source = Some(DepSource::Workspace);
        assert_eq!(render(&w), "serde.workspace = true\n");
    }

    #[test]
    fn updating_merges_into_the_users_table() {
        let mut doc: toml_edit::DocumentMut =
            "[dependencies]\nserde = { version = \"1\", features = [\"a\", \"c\"] } # keep\n"
                .parse()
                .unwrap();
        let dir = Path::new("/w/app");
        let table = doc["dependencies"].as_table_like_mut().unwrap();
        let (mut key, item) = table.get_key_value_mut("serde").unwrap();
        let mut dep = EditDep::from_toml(dir, "serde", item, &Default::default()).unwrap();
        dep.extend_features(["b".to_string()]);
        dep.update_toml(dir, &mut key, item);
        assert_eq!(
            doc.to_string(),
            "[dependencies]\nserde = { version = \"1\", features = [\"a\", \"b\", \"c\"] } # keep\n"
        );
    }
}
