//! Editing a `Cargo.toml` in place, for `add` and `remove`: the document
//! is kept by `toml_edit`, so every comment, blank line, key order and
//! quoting style the user wrote survives the edit.

pub mod dependency;

use std::path::{Path, PathBuf};

use mycargo_core::DepKind;
use toml_edit::{DocumentMut, Item, Value};

/// One dependency table: `[dependencies]`, `[dev-dependencies]`,
/// `[build-dependencies]`, or one of them under `[target.<cfg>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepTable {
    pub kind: DepKind,
    pub target: Option<String>,
}

impl DepTable {
    pub fn new(kind: DepKind, target: Option<String>) -> DepTable {
        DepTable { kind, target }
    }

    /// The key of the table for its kind.
    pub fn kind_key(&self) -> &'static str {
        match self.kind {
            DepKind::Normal => "dependencies",
            DepKind::Development => "dev-dependencies",
            DepKind::Build => "build-dependencies",
        }
    }

    /// The path of keys to the table (`["target", "cfg(unix)", "dependencies"]`).
    pub fn path(&self) -> Vec<String> {
        match &self.target {
            Some(t) => vec!["target".into(), t.clone(), self.kind_key().into()],
            None => vec![self.kind_key().into()],
        }
    }

    /// How cargo names it in status lines (`dependencies`, `dev-dependencies
    /// for target `x``).
    pub fn describe(&self) -> String {
        match &self.target {
            Some(t) => format!("{} for target `{t}`", self.kind_key()),
            None => self.kind_key().to_string(),
        }
    }

    /// The three kinds, in cargo's order.
    pub const KINDS: [DepKind; 3] = [DepKind::Normal, DepKind::Development, DepKind::Build];
}

/// A dependency `remove` did not find, and where cargo's help would look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingDependency {
    pub name: String,
    pub path: Vec<String>,
    /// A dependency of a similar name in the same table.
    pub similar: Option<String>,
    /// Another table holding a dependency of this name.
    pub elsewhere: Option<Vec<String>>,
}

impl std::fmt::Display for MissingDependency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the dependency `{}` could not be found in `{}`",
            self.name,
            self.path.join(".")
        )?;
        if let Some(alt) = &self.elsewhere {
            let mut flags: Vec<&str> = Vec::new();
            let (want, have) = (
                self.path.last().map(String::as_str),
                alt.last().map(String::as_str),
            );
            if want != have {
                match have {
                    Some("build-dependencies") => flags.push("--build"),
                    Some("dev-dependencies") => flags.push("--dev"),
                    _ => {}
                }
            }
            if self.path[0] != "target" && alt[0] == "target" {
                flags.push("--target");
                flags.push(&alt[1]);
            }
            let shown = alt.join(".");
            if flags.is_empty() {
                write!(
                    f,
                    "\n\nhelp: a dependency with the same name exists in `{shown}`"
                )?;
            } else {
                write!(
                    f,
                    "\n\nhelp: pass `{}` to remove `{}` from `{shown}`",
                    flags.join(" "),
                    self.name
                )?;
            }
        } else if let Some(similar) = &self.similar {
            write!(
                f,
                "\n\nhelp: a dependency with a similar name exists: `{similar}`"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for MissingDependency {}

/// A manifest being edited.
pub struct ManifestEditor {
    pub path: PathBuf,
    pub doc: DocumentMut,
    /// The path bases entries may name (`base = "..."`): configuration's
    /// `[path-bases]` and `workspace`. Empty unless the caller sets them.
    pub path_bases: std::collections::BTreeMap<String, PathBuf>,
    /// A single-file package: the whole file, the manifest being its
    /// frontmatter's body.
    script: Option<(String, crate::embedded::ScriptSource)>,
}

impl ManifestEditor {
    pub fn read(path: &Path) -> anyhow::Result<ManifestEditor> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", path.display()))?;
        let (toml, script) = if crate::embedded::is_embedded(path) {
            let src = crate::embedded::parse(&text).map_err(|e| anyhow::anyhow!(e.message))?;
            let body = src
                .body
                .clone()
                .map(|b| text[b].to_string())
                .unwrap_or_default();
            (body, Some((text, src)))
        } else {
            (text, None)
        };
        let doc = toml
            .parse::<DocumentMut>()
            .map_err(|e| anyhow::anyhow!("Unable to parse Cargo.toml\n\nCaused by:\n  {e}"))?;
        Ok(ManifestEditor {
            path: path.to_path_buf(),
            doc,
            path_bases: Default::default(),
            script,
        })
    }

    /// Write the document back, atomically (a script's manifest back into
    /// its frontmatter, one made after the shebang if it had none).
    pub fn write(&self) -> anyhow::Result<()> {
        let mut toml = self.doc.to_string();
        let Some((text, src)) = &self.script else {
            return mycargo_util::fs::write_atomic(&self.path, toml);
        };
        if !toml.ends_with('\n') {
            toml.push('\n');
        }
        let out = match (&src.body, &src.shebang) {
            (Some(body), _) => format!("{}{toml}{}", &text[..body.start], &text[body.end..]),
            (None, Some(shebang)) => format!(
                "{}---\n{toml}---\n{}",
                &text[..shebang.end],
                &text[shebang.end..]
            ),
            (None, None) => format!("---\n{toml}---\n\n{text}"),
        };
        mycargo_util::fs::write_atomic(&self.path, out)
    }

    /// The dependency tables present, in cargo's order (for each kind, the
    /// top-level table, then those of each target).
    pub fn sections(&self) -> Vec<(DepTable, &Item)> {
        let mut out = Vec::new();
        for kind in DepTable::KINDS {
            let t = DepTable::new(kind, None);
            if let Some(item) = self.doc.get(t.kind_key()).filter(|i| i.is_table_like()) {
                out.push((t.clone(), item));
            }
            let targets = self
                .doc
                .get("target")
                .and_then(Item::as_table_like)
                .into_iter()
                .flat_map(|t| t.iter());
            for (name, table) in targets {
                if let Some(item) = table.get(t.kind_key()).filter(|i| i.is_table_like()) {
                    out.push((DepTable::new(kind, Some(name.to_string())), item));
                }
            }
        }
        out
    }

    fn table_mut(&mut self, path: &[String]) -> Option<&mut Item> {
        let mut item = self.doc.as_item_mut();
        for key in path {
            item = item.as_table_like_mut()?.get_mut(key)?;
        }
        Some(item)
    }

    /// The table at `path`, created (with its parents) when missing;
    /// `None` when something else stands there.
    pub fn table_or_create(&mut self, path: &[String]) -> Option<&mut Item> {
        let mut item = self.doc.as_item_mut();
        for (i, key) in path.iter().enumerate() {
            let t = item.as_table_like_mut()?;
            if t.get(key).is_none() {
                // Parents made on the way print no header of their own.
                let mut new = toml_edit::Table::new();
                new.set_implicit(i + 1 < path.len());
                t.insert(key, Item::Table(new));
            }
            item = t.get_mut(key)?;
            if !item.is_table_like() {
                return None;
            }
        }
        Some(item)
    }

    /// Whether the keys of the table at `path` are in order (a missing
    /// table counts as sorted).
    pub fn is_sorted(&self, path: &[String]) -> bool {
        let mut item = self.doc.as_item();
        for key in path {
            match item.get(key) {
                Some(i) => item = i,
                None => return true,
            }
        }
        let Some(t) = item.as_table() else {
            return true;
        };
        let keys: Vec<String> = t
            .get_values()
            .into_iter()
            .filter_map(|(k, _)| k.first().map(|k| k.get().to_string()))
            .collect();
        keys.windows(2).all(|w| w[0] <= w[1])
    }

    /// Sort the entries of the table at `path`.
    pub fn sort(&mut self, path: &[String]) {
        if let Some(t) = self.table_mut(path).and_then(Item::as_table_like_mut) {
            t.sort_values();
        }
    }

    /// Put `dep` into the table at `path`: merged into an existing entry
    /// of its key, else added.
    pub fn insert_dep(&mut self, path: &[String], dep: &dependency::EditDep) -> anyhow::Result<()> {
        let crate_root = self
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let Some(table) = self.table_or_create(path) else {
            anyhow::bail!("`{}` is not a table", path.join("."));
        };
        let Some(t) = table.as_table_like_mut() else {
            anyhow::bail!("`{}` is not a table", path.join("."));
        };
        if let Some((mut key, item)) = t.get_key_value_mut(dep.toml_key()) {
            dep.update_toml(&crate_root, &mut key, item);
            if let Some(inline) = item.as_inline_table_mut() {
                inline.fmt();
            }
        } else {
            t.insert(dep.toml_key(), dep.to_toml(&crate_root));
        }
        Ok(())
    }

    /// `[features] key = ["dep:name"]` for a new optional dependency,
    /// unless a feature already names it with `dep:`. Whether it added one.
    pub fn add_optional_feature(&mut self, key: &str, name: &str) -> bool {
        if self.is_explicit_activation(key) {
            return false;
        }
        let path = ["features".to_string()];
        let Some(t) = self
            .table_or_create(&path)
            .and_then(Item::as_table_like_mut)
        else {
            return false;
        };
        let value: Value = [format!("dep:{name}")].iter().collect();
        t.insert(key, toml_edit::value(value));
        true
    }

    /// Every dependency entry of the manifest, with its table.
    pub fn dependencies(&self) -> Vec<(DepTable, String, Option<dependency::EditDep>)> {
        let dir = self
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut out = Vec::new();
        for (table, item) in self.sections() {
            let Some(t) = item.as_table_like() else {
                continue;
            };
            for (key, item) in t.iter() {
                out.push((
                    table.clone(),
                    key.to_string(),
                    dependency::EditDep::from_toml(&dir, key, item, &self.path_bases),
                ));
            }
        }
        out
    }

    /// Remove `name` from `table` (the table too once it is empty).
    pub fn remove_dep(&mut self, table: &DepTable, name: &str) -> Result<(), MissingDependency> {
        let path = table.path();
        let parent = self.table_mut(&path);
        let found = parent
            .as_ref()
            .and_then(|p| p.as_table_like())
            .is_some_and(|t| t.get(name).is_some_and(|i| !i.is_none()));
        if found && let Some(parent) = parent {
            if let Some(t) = parent.as_table_like_mut() {
                t.remove(name);
                if t.is_empty() {
                    *parent = Item::None;
                }
            }
            return Ok(());
        }
        let names: Vec<String> = self
            .table_mut(&path)
            .and_then(|p| p.as_table_like())
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default();
        let similar = mycargo_util::edit_distance::closest(name, names.iter().map(String::as_str))
            .map(str::to_string);
        let elsewhere = self
            .sections()
            .into_iter()
            .find(|(_, item)| item.get(name).is_some())
            .map(|(t, _)| t.path());
        Err(MissingDependency {
            name: name.to_string(),
            path,
            similar,
            elsewhere,
        })
    }

    /// After `dep` left a table: drop the feature values that only
    /// activated it (cargo's `gc_dep`). A dependency still required
    /// elsewhere keeps its `dep/feat` values (`dep?/feat` becomes
    /// `dep/feat`); one still optional keeps everything.
    pub fn gc_dep_features(&mut self, dep: &str) {
        let explicit = self.is_explicit_activation(dep);
        let status = self.dep_status(dep);
        let Some(features) = self.doc.get_mut("features").and_then(Item::as_table_mut) else {
            return;
        };
        for (_, values) in features.iter_mut() {
            if let Some(array) = values.as_value_mut().and_then(Value::as_array_mut) {
                fix_feature_values(array, dep, status, explicit);
            }
        }
    }

    /// Whether a feature names `dep:<dep>`.
    pub fn is_explicit_activation(&self, dep: &str) -> bool {
        self.doc
            .get("features")
            .and_then(Item::as_table)
            .into_iter()
            .flat_map(|t| t.iter())
            .filter_map(|(_, v)| v.as_array())
            .flat_map(|a| a.iter())
            .filter_map(Value::as_str)
            .any(|v| v.strip_prefix("dep:") == Some(dep))
    }

    fn dep_status(&self, dep: &str) -> DepStatus {
        let mut status = DepStatus::None;
        for (_, table) in self.sections() {
            if let Some(t) = table.as_table()
                && let Some(item) = t.get(dep)
            {
                let optional = item
                    .get("optional")
                    .and_then(Item::as_bool)
                    .unwrap_or(false);
                if optional {
                    return DepStatus::Optional;
                }
                status = DepStatus::Required;
            }
        }
        status
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DepStatus {
    None,
    Optional,
    Required,
}

/// What a feature value names: a feature (or, implicitly, an optional
/// dependency), `dep:name`, or `name/feat` / `name?/feat`.
enum FeatureRef<'a> {
    Feature(&'a str),
    Dep(&'a str),
    DepFeature {
        dep: &'a str,
        feat: &'a str,
        weak: bool,
    },
}

fn feature_ref(v: &str) -> FeatureRef<'_> {
    if let Some(dep) = v.strip_prefix("dep:") {
        return FeatureRef::Dep(dep);
    }
    match v.split_once('/') {
        Some((dep, feat)) => match dep.strip_suffix('?') {
            Some(dep) => FeatureRef::DepFeature {
                dep,
                feat,
                weak: true,
            },
            None => FeatureRef::DepFeature {
                dep,
                feat,
                weak: false,
            },
        },
        None => FeatureRef::Feature(v),
    }
}

fn fix_feature_values(array: &mut toml_edit::Array, dep: &str, status: DepStatus, explicit: bool) {
    let doomed: Vec<usize> = array
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_str().map(|s| (i, s)))
        .filter(|(_, v)| match (status, feature_ref(v)) {
            (DepStatus::Optional, _) => false,
            (DepStatus::None, FeatureRef::Feature(name)) => !explicit && name == dep,
            (DepStatus::None, FeatureRef::Dep(name))
            | (DepStatus::None, FeatureRef::DepFeature { dep: name, .. }) => name == dep,
            (DepStatus::Required, FeatureRef::Feature(name)) => !explicit && name == dep,
            (DepStatus::Required, FeatureRef::Dep(name)) => name == dep,
            (DepStatus::Required, FeatureRef::DepFeature { .. }) => false,
        })
        .map(|(i, _)| i)
        .collect();
    for i in doomed.into_iter().rev() {
        remove_array_value(array, i);
    }
    if status == DepStatus::Required {
        for value in array.iter_mut() {
            let Some(s) = value.as_str() else { continue };
            if let FeatureRef::DepFeature {
                dep: name,
                feat,
                weak: true,
            } = feature_ref(s)
                && name == dep
            {
                let mut new = Value::from(format!("{name}/{feat}"));
                *new.decor_mut() = value.decor().clone();
                *value = new;
            }
        }
    }
}

/// Remove one value of an array keeping the comment lines around it: the
/// lines before it and after it move to the next value (or the end).
fn remove_array_value(array: &mut toml_edit::Array, index: usize) {
    let value = array.remove(index);
    let text = |r: Option<&toml_edit::RawString>| {
        r.and_then(|r| r.as_str()).unwrap_or_default().to_string()
    };
    let prefix = text(value.decor().prefix());
    let suffix = text(value.decor().suffix());
    let mut kept = String::new();
    if let Some((lines, _)) = prefix.rsplit_once('\n') {
        kept.push_str(lines);
        kept.push('\n');
    }
    if let Some((_, lines)) = suffix.split_once('\n') {
        kept.push_str(lines);
        kept.push('\n');
    }
    match array.get_mut(index) {
        Some(next) => {
            let old = text(next.decor().prefix());
            next.decor_mut().set_prefix(format!("{kept}{old}"));
        }
        None => {
            let old = array.trailing().as_str().unwrap_or_default().to_string();
            array.set_trailing(format!("{kept}{old}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(text: &str) -> ManifestEditor {
        ManifestEditor {
            path: PathBuf::from("/x/Cargo.toml"),
            doc: text.parse().unwrap(),
            path_bases: Default::default(),
            script: None,
        }
    }

    /// A script's manifest is edited inside its frontmatter; one is made
    /// (after the shebang) for a script that had none.
    #[test]
    fn scripts_keep_their_code_around_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "#!/usr/bin/env cargo\n\nfn main() {}",
                "#!/usr/bin/env cargo\n---\n[dependencies]\nx = \"1\"\n---\n\nfn main() {}",
            ),
            (
                "fn main() {}",
                "---\n[dependencies]\nx = \"1\"\n---\n\nfn main() {}",
            ),
            (
                "-----cargo\n[package]\nedition = \"2021\"\n-----\nfn main() {}",
                "-----cargo\n[package]\nedition = \"2021\"\n\n[dependencies]\nx = \"1\"\n-----\nfn main() {}",
            ),
        ];
        for (i, (before, after)) in cases.into_iter().enumerate() {
            let path = dir.path().join(format!("s{i}.rs"));
            std::fs::write(&path, before).unwrap();
            let mut e = ManifestEditor::read(&path).unwrap();
            let deps = e.table_or_create(&["dependencies".to_string()]).unwrap();
            deps["x"] = toml_edit::value("1");
            e.write().unwrap();
            assert_eq!(std::fs::read_to_string(&path).unwrap(), after, "case {i}");
        }
    }

    #[test]
    fn removing_keeps_everything_else_byte_for_byte() {
        let mut e = editor(
            "[package]\nname = \"a\" # the name\n\n[dependencies]\n# first\nfoo = \"1\"\nbar = { version = \"2\" }  # trailing\n",
        );
        e.remove_dep(&DepTable::new(DepKind::Normal, None), "foo")
            .unwrap();
        assert_eq!(
            e.doc.to_string(),
            "[package]\nname = \"a\" # the name\n\n[dependencies]\nbar = { version = \"2\" }  # trailing\n"
        );
        e.remove_dep(&DepTable::new(DepKind::Normal, None), "bar")
            .unwrap();
        // The table goes with the blank line that introduced it.
        assert_eq!(e.doc.to_string(), "[package]\nname = \"a\" # the name\n");
    }

    #[test]
    fn missing_dependencies_get_cargos_help() {
        let mut e = editor(
            "[dependencies]\nfoo-bar = \"1\"\n[target.'cfg(unix)'.dev-dependencies]\nbaz = \"1\"\n",
        );
        let err = e
            .remove_dep(&DepTable::new(DepKind::Normal, None), "foo_bar")
            .unwrap_err();
        assert!(err.to_string().ends_with("similar name exists: `foo-bar`"));
        let err = e
            .remove_dep(&DepTable::new(DepKind::Normal, None), "baz")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the dependency `baz` could not be found in `dependencies`\n\n\
             help: pass `--dev --target cfg(unix)` to remove `baz` from `target.cfg(unix).dev-dependencies`"
        );
    }

    #[test]
    fn features_of_a_removed_dependency_go() {
        let mut e = editor(
            "[dependencies]\nserde = { version = \"1\", optional = true }\n\n[features]\nstd = [\n    \"serde/std\",\n    # keep this\n    \"other\",\n]\nser = [\"dep:serde\"]\n",
        );
        e.remove_dep(&DepTable::new(DepKind::Normal, None), "serde")
            .unwrap();
        e.gc_dep_features("serde");
        assert_eq!(
            e.doc.to_string(),
            // The value's own line goes; the comment below it stays.
            "\n[features]\nstd = [\n\n    # keep this\n    \"other\",\n]\nser = []\n"
        );
    }
}
