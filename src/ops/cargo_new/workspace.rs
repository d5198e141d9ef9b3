//! The workspace a new package lands in.
//!
//! Editing, as cargo's `cargo_new` does it: the *nearest* `Cargo.toml` above
//! the package is read; if it has a `[workspace]` that does not `exclude`
//! the package's exact relative path, the package inherits every
//! `[workspace.package]` key and `[workspace.lints]`, and its path is pushed
//! to `workspace.members` unless a member pattern already matches it (kept
//! sorted if it was sorted).
//!
//! Checking, as cargo's `Workspace::new` would fail or warn for the new
//! package ([`check`]): the workspace root is found (ancestors with a
//! `[workspace]` that does not exclude the package), its members are
//! expanded (globs, then path dependencies), each member's manifest is read,
//! and names must be unique; the package must be a member; a virtual root
//! without `resolver` gets cargo's resolver warning. This covers what a new
//! package usually meets; the full manifest validation of other members
//! (targets, unknown keys, ...) is not done, and a manifest that does not
//! parse ends the check silently.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;
use mycargo_core::Edition;
use mycargo_util::Shell;
use mycargo_util::fs::{normalize_path, write_atomic};
use toml_edit::{DocumentMut, Item, Value};

use super::glob::{Pattern, expand};

/// The nearest existing `Cargo.toml` strictly above `manifest_path`'s
/// directory (cargo's `find_root_manifest_for_wd` from the new manifest).
pub(super) fn nearest_manifest(manifest_path: &Path) -> Option<PathBuf> {
    manifest_path
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("Cargo.toml"))
        .find(|m| m.exists())
}

/// The package's path relative to the workspace root directory, with `/`
/// separators (cargo uses `pathdiff`; `..` in the package path stays).
pub(super) fn display_path(root_manifest: &Path, package: &Path) -> anyhow::Result<String> {
    let root = root_manifest.parent().with_context(|| {
        format!(
            "workspace root manifest doesn't have a parent directory `{}`",
            root_manifest.display()
        )
    })?;
    let rel = diff_paths(package, root).with_context(|| {
        format!(
            "path comparison requires two absolute paths; package_path: `{}`, workspace_path: `{}`",
            package.display(),
            root.display()
        )
    })?;
    let mut parts = Vec::new();
    for comp in rel.iter() {
        let comp = comp
            .to_str()
            .with_context(|| format!("invalid unicode component in path `{}`", rel.display()))?;
        parts.push(comp);
    }
    Ok(parts.join("/"))
}

/// `pathdiff::diff_paths`: `path` relative to `base`.
fn diff_paths(path: &Path, base: &Path) -> Option<PathBuf> {
    if path.is_absolute() != base.is_absolute() {
        return path.is_absolute().then(|| path.to_path_buf());
    }
    let mut ita = path.components();
    let mut itb = base.components();
    let mut comps: Vec<Component<'_>> = Vec::new();
    loop {
        match (ita.next(), itb.next()) {
            (None, None) => break,
            (Some(a), None) => {
                comps.push(a);
                comps.extend(ita.by_ref());
                break;
            }
            (None, _) => comps.push(Component::ParentDir),
            (Some(a), Some(b)) if comps.is_empty() && a == b => {}
            (Some(a), Some(Component::CurDir)) => comps.push(a),
            (Some(_), Some(Component::ParentDir)) => return None,
            (Some(a), Some(_)) => {
                comps.push(Component::ParentDir);
                for _ in itb.by_ref() {
                    comps.push(Component::ParentDir);
                }
                comps.push(a);
                comps.extend(ita.by_ref());
                break;
            }
        }
    }
    Some(comps.iter().map(|c| c.as_os_str()).collect())
}

/// False when `workspace.exclude` lists exactly `display_path`.
pub(super) fn can_be_member(display_path: &str, doc: &DocumentMut) -> anyhow::Result<bool> {
    if let Some(exclude) = doc
        .get("workspace")
        .and_then(|ws| ws.get("exclude"))
        .and_then(Item::as_array)
    {
        for ex in exclude {
            let pat = ex
                .as_str()
                .with_context(|| format!("invalid non-string exclude path `{ex}`"))?;
            if pat == display_path {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Replace the new manifest's `[package]` keys by `key.workspace = true` for
/// every `[workspace.package]` key, except `edition` given by `--edition` and
/// `publish` given by a registry.
pub(super) fn inherit_package_keys(
    manifest: &mut DocumentMut,
    ws_package: &toml_edit::Table,
    has_edition: bool,
    has_registry: bool,
) {
    let Some(package) = manifest["package"].as_table_mut() else {
        return;
    };
    for (key, _) in ws_package.iter() {
        if (key == "edition" && has_edition) || (key == "publish" && has_registry) {
            continue;
        }
        package.remove(key);
        let mut table = toml_edit::Table::new();
        table.set_dotted(true);
        table["workspace"] = toml_edit::value(true);
        package.insert(key, Item::Table(table));
    }
}

/// Add `display_path` to `workspace.members` of the root manifest and write
/// it. False when there is no `[workspace]` or a member pattern matches.
pub(super) fn add_member(
    root_manifest: &Path,
    doc: &mut DocumentMut,
    display_path: &str,
) -> anyhow::Result<bool> {
    let Some(workspace) = doc.get_mut("workspace") else {
        return Ok(false);
    };
    if !workspace.is_table_like() {
        return Ok(false);
    }
    if let Some(members) = workspace.get_mut("members").and_then(Item::as_array_mut) {
        for member in members.iter() {
            let pat = member
                .as_str()
                .with_context(|| format!("invalid non-string member `{member}`"))?;
            let pattern = Pattern::new(pat)
                .with_context(|| format!("cannot build glob pattern from `{pat}`"))?;
            if pattern.matches(display_path) {
                return Ok(false);
            }
        }
        let was_sorted = members.iter().map(Value::as_str).is_sorted();
        members.push(display_path);
        if was_sorted {
            members.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    } else {
        let mut array = toml_edit::Array::new();
        array.push(display_path);
        workspace["members"] = toml_edit::value(array);
    }
    write_atomic(root_manifest, doc.to_string())?;
    Ok(true)
}

/// A reason to stop checking without a warning (something this check does
/// not model, such as a manifest that does not parse).
#[derive(Debug)]
struct Unknown;

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("workspace not checked")
    }
}

impl std::error::Error for Unknown {}

/// An error already shown to the user (a TOML syntax error, printed as a
/// diagnostic where it was found); an error chain stops at it.
#[derive(Debug)]
struct AlreadyPrinted;

impl std::fmt::Display for AlreadyPrinted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("error already printed")
    }
}

impl std::error::Error for AlreadyPrinted {}

pub(super) fn is_already_printed(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<AlreadyPrinted>().is_some()
}

/// What the check needs besides the manifest: where to print, and the
/// working directory diagnostics are relative to.
struct Ctx<'a> {
    shell: &'a mut Shell,
    cwd: &'a Path,
}

impl Ctx<'_> {
    /// Read and parse a manifest; a syntax error is printed at once, as
    /// cargo prints it, and returned as [`AlreadyPrinted`].
    fn load(&mut self, path: &Path) -> anyhow::Result<DocumentMut> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        match text.parse::<DocumentMut>() {
            Ok(doc) => Ok(doc),
            Err(e) => {
                let shown = diff_paths(path, self.cwd).unwrap_or_else(|| path.to_path_buf());
                let diag = mycargo_util::TomlDiagnostic::new(
                    e.message().replace('\n', "\n       "),
                    shown.display().to_string(),
                    &text,
                    e.span().unwrap_or(0..0),
                );
                let _ = self.shell.error(diag);
                Err(AlreadyPrinted.into())
            }
        }
    }
}

/// The parts of cargo's full manifest check that `new` meets in the
/// manifests around it: a `[package]` or a `[workspace]`, and at least one
/// target.
fn validate_manifest(doc: &DocumentMut, path: &Path) -> anyhow::Result<()> {
    let fail = |msg: &str| {
        Err(anyhow::anyhow!("{msg}")
            .context(format!("failed to parse manifest at `{}`", path.display())))
    };
    let Some(package) = doc.get("package") else {
        if doc.get("workspace").is_some() {
            return Ok(());
        }
        if doc.is_empty() {
            return fail("manifest is missing either a `[package]` or a `[workspace]`");
        }
        // cargo first rejects the sections a virtual manifest may not have;
        // not modelled here.
        return Err(Unknown.into());
    };
    if !package.is_table_like() || package.get("name").and_then(Item::as_str).is_none() {
        return Err(Unknown.into());
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    if !has_targets(doc, dir) {
        return fail(
            "no targets specified in the manifest\n\
             either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present",
        );
    }
    Ok(())
}

/// Whether a package has any target, explicit or found by cargo's layout.
fn has_targets(doc: &DocumentMut, dir: &Path) -> bool {
    if ["lib", "bin", "example", "test", "bench"]
        .iter()
        .any(|k| doc.get(k).is_some())
    {
        return true;
    }
    if dir.join("src/lib.rs").is_file() || dir.join("src/main.rs").is_file() {
        return true;
    }
    ["src/bin", "examples", "tests", "benches"].iter().any(|d| {
        std::fs::read_dir(dir.join(d)).is_ok_and(|rd| {
            rd.filter_map(Result::ok).any(|e| {
                let p = e.path();
                (p.is_file() && p.extension().is_some_and(|x| x == "rs"))
                    || p.join("main.rs").is_file()
            })
        })
    })
}

/// The checks of cargo's `Workspace::new` for the new package at
/// `manifest_path` (normalized). Warnings of a valid workspace are printed;
/// an invalid one is returned as the error cargo would give.
pub(super) fn check(manifest_path: &Path, cwd: &Path, shell: &mut Shell) -> anyhow::Result<()> {
    let mut ctx = Ctx { shell, cwd };
    match check_inner(manifest_path, &mut ctx) {
        Err(e) if e.downcast_ref::<Unknown>().is_some() => Ok(()),
        other => other,
    }
}

struct Root {
    manifest: PathBuf,
    dir: PathBuf,
    doc: DocumentMut,
}

impl Root {
    fn ws(&self) -> &Item {
        &self.doc["workspace"]
    }

    fn strings(&self, key: &str) -> anyhow::Result<Vec<String>> {
        match self.ws().get(key) {
            None => Ok(Vec::new()),
            Some(item) => {
                let arr = item.as_array().ok_or(Unknown)?;
                arr.iter()
                    .map(|v| v.as_str().map(str::to_string).ok_or_else(|| Unknown.into()))
                    .collect()
            }
        }
    }

    /// cargo's `WorkspaceRootConfig::is_excluded`.
    fn is_excluded(&self, manifest: &Path) -> anyhow::Result<bool> {
        let excluded = self
            .strings("exclude")?
            .iter()
            .any(|ex| manifest.starts_with(self.dir.join(ex)));
        let explicit = self
            .strings("members")?
            .iter()
            .any(|m| manifest.starts_with(self.dir.join(m)));
        Ok(!explicit && excluded)
    }
}

/// The workspace root for `manifest_path`, if any.
fn find_root(manifest_path: &Path, ctx: &mut Ctx<'_>) -> anyhow::Result<Option<Root>> {
    let Some(start) = manifest_path.parent() else {
        return Ok(None);
    };
    for dir in start.ancestors().skip(1) {
        let candidate = dir.join("Cargo.toml");
        if !candidate.exists() {
            continue;
        }
        let doc = ctx.load(&candidate)?;
        validate_manifest(&doc, &candidate)?;
        if doc.get("workspace").is_some() {
            if !doc["workspace"].is_table_like() {
                return Err(Unknown.into());
            }
            let root = Root {
                manifest: candidate,
                dir: dir.to_path_buf(),
                doc,
            };
            if root.is_excluded(manifest_path)? {
                continue;
            }
            return Ok(Some(root));
        }
        if doc
            .get("package")
            .and_then(|p| p.get("workspace"))
            .is_some()
        {
            // `package.workspace` names the root: not modelled here.
            return Err(Unknown.into());
        }
    }
    Ok(None)
}

struct Member {
    manifest: PathBuf,
    name: Option<String>,
    edition: Edition,
}

struct Members<'a, 'c> {
    root: &'a Root,
    list: Vec<Member>,
    ctx: &'a mut Ctx<'c>,
}

impl Members<'_, '_> {
    /// cargo's `find_path_deps`.
    fn add(&mut self, manifest: &Path, is_path_dep: bool) -> anyhow::Result<()> {
        let manifest = normalize_path(manifest);
        if self.list.iter().any(|m| m.manifest == manifest) {
            return Ok(());
        }
        let dir = manifest.parent().unwrap_or(Path::new(""));
        if is_path_dep && !dir.starts_with(&self.root.dir) {
            return Ok(());
        }
        if self.root.is_excluded(&manifest)? {
            return Ok(());
        }
        let doc = self.ctx.load(&manifest)?;
        validate_manifest(&doc, &manifest)?;
        let Some(package) = doc.get("package") else {
            // A virtual manifest: a member without dependencies.
            self.list.push(Member {
                manifest,
                name: None,
                edition: Edition::Edition2015,
            });
            return Ok(());
        };
        let name = package
            .get("name")
            .and_then(Item::as_str)
            .map(str::to_string);
        let edition = self.edition_of(package)?;
        self.list.push(Member {
            manifest: manifest.clone(),
            name,
            edition,
        });
        for (dep_path, dep_name) in self.path_deps(&doc, dir) {
            self.add(&dep_path.join("Cargo.toml"), true)
                .with_context(|| format!("failed to load manifest for dependency `{dep_name}`"))?;
        }
        Ok(())
    }

    fn edition_of(&self, package: &Item) -> anyhow::Result<Edition> {
        let Some(item) = package.get("edition") else {
            return Ok(Edition::Edition2015);
        };
        let text = if let Some(s) = item.as_str() {
            s.to_string()
        } else if item
            .get("workspace")
            .and_then(Item::as_bool)
            .unwrap_or(false)
        {
            self.root
                .ws()
                .get("package")
                .and_then(|p| p.get("edition"))
                .and_then(Item::as_str)
                .ok_or(Unknown)?
                .to_string()
        } else {
            return Err(Unknown.into());
        };
        Ok(text.parse::<Edition>().map_err(|_| Unknown)?)
    }

    /// `(directory, name)` of every path dependency of a manifest.
    fn path_deps(&self, doc: &DocumentMut, dir: &Path) -> Vec<(PathBuf, String)> {
        const KINDS: [&str; 5] = [
            "dependencies",
            "dev-dependencies",
            "dev_dependencies",
            "build-dependencies",
            "build_dependencies",
        ];
        let mut tables: Vec<&Item> = KINDS.iter().filter_map(|k| doc.get(k)).collect();
        if let Some(targets) = doc.get("target").and_then(Item::as_table_like) {
            for (_, target) in targets.iter() {
                tables.extend(KINDS.iter().filter_map(|k| target.get(k)));
            }
        }
        let ws_deps = self.root.ws().get("dependencies");
        let mut out = Vec::new();
        for table in tables {
            let Some(table) = table.as_table_like() else {
                continue;
            };
            for (name, dep) in table.iter() {
                let name = dep
                    .get("package")
                    .and_then(Item::as_str)
                    .unwrap_or(name)
                    .to_string();
                if let Some(p) = dep.get("path").and_then(Item::as_str) {
                    out.push((dir.join(p), name));
                } else if dep
                    .get("workspace")
                    .and_then(Item::as_bool)
                    .unwrap_or(false)
                    && let Some(p) = ws_deps
                        .and_then(|d| d.get(table_key(table, &name)))
                        .and_then(|d| d.get("path"))
                        .and_then(Item::as_str)
                {
                    out.push((self.root.dir.join(p), name));
                }
            }
        }
        out
    }
}

/// The key under which `name` appears in `table` (a renamed dependency is
/// inherited by its key, not its package name).
fn table_key<'t>(table: &'t dyn toml_edit::TableLike, name: &'t str) -> &'t str {
    table
        .iter()
        .find(|(k, d)| d.get("package").and_then(Item::as_str) == Some(name) || *k == name)
        .map(|(k, _)| k)
        .unwrap_or(name)
}

fn check_inner(manifest_path: &Path, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let Some(root) = find_root(manifest_path, ctx)? else {
        return Ok(());
    };
    let mut members = Members {
        root: &root,
        list: Vec::new(),
        ctx,
    };
    for pattern in root.strings("members")? {
        let joined = root.dir.join(&pattern);
        let expanded = expand(&joined).map_err(|_| Unknown)?;
        let paths: Vec<(PathBuf, Option<&str>)> = if expanded.is_empty() {
            vec![(joined.clone(), None)]
        } else {
            let used_glob = expanded.len() > 1 || expanded[0] != joined;
            expanded
                .into_iter()
                .filter(|p| p.is_dir())
                .map(|p| (p, used_glob.then_some(pattern.as_str())))
                .collect()
        };
        for (path, glob) in paths {
            members.add(&path.join("Cargo.toml"), false).with_context(|| {
                format!(
                    "failed to load manifest for workspace member `{}`\nreferenced{} by workspace at `{}`",
                    path.display(),
                    glob.map(|g| format!(" via `{g}`")).unwrap_or_default(),
                    root.manifest.display()
                )
            })?;
        }
    }
    let is_virtual = root.doc.get("package").is_none();
    if !is_virtual {
        members.add(&root.manifest, false)?;
    }

    let mut names: HashMap<&str, &Path> = HashMap::new();
    for m in &members.list {
        if let Some(name) = &m.name {
            if let Some(first) = names.get(name.as_str()) {
                anyhow::bail!(
                    "two packages named `{name}` in this workspace:\n- {}\n- {}",
                    first.display(),
                    m.manifest.display()
                );
            }
            names.insert(name, &m.manifest);
        }
    }

    if !members.list.iter().any(|m| m.manifest == manifest_path) {
        let members_msg = match manifest_path
            .parent()
            .and_then(|dir| diff_paths(dir, &root.dir))
        {
            Some(rel) => format!(
                "this may be fixable by adding `{}` to the `workspace.members` array of the \
                 manifest located at: {}",
                rel.display(),
                root.manifest.display()
            ),
            None => format!(
                "this may be fixable by adding a member to the `workspace.members` array of the \
                 manifest located at: {}",
                root.manifest.display()
            ),
        };
        let extra = if !is_virtual && root.ws().get("members").is_none() {
            format!(
                "this may be fixable by ensuring that this crate is depended on by the workspace \
                 root: {}",
                root.manifest.display()
            )
        } else {
            members_msg
        };
        anyhow::bail!(
            "current package believes it's in a workspace when it's not:\n\
             current:   {}\n\
             workspace: {}\n\n{}\n\
             Alternatively, to keep it out of the workspace, add the package to the \
             `workspace.exclude` array, or add an empty `[workspace]` table to the package's \
             manifest.",
            manifest_path.display(),
            root.manifest.display(),
            extra
        );
    }

    if is_virtual && root.ws().get("resolver").is_none() {
        let newest = members.list.iter().map(|m| m.edition).max();
        if let Some(edition) = newest.filter(|e| *e >= Edition::Edition2021) {
            let resolver = edition.default_resolver();
            members.ctx.shell.warn(format!(
                "virtual workspace defaulting to `resolver = \"1\"` despite one or more workspace \
                 members being on edition {edition} which implies `resolver = \"{resolver}\"`\n  \
                 |\n  \
                 = note: to keep the current resolver, specify `workspace.resolver = \"1\"` in the \
                 workspace root's manifest\n  \
                 = note: to use the edition {edition} resolver, specify `workspace.resolver = \
                 \"{resolver}\"` in the workspace root's manifest\n  \
                 = note: for more details see \
                 https://doc.rust-lang.org/cargo/reference/resolver.html#resolver-versions"
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_display_paths() {
        let root = Path::new("/w/Cargo.toml");
        assert_eq!(display_path(root, Path::new("/w/a/b")).unwrap(), "a/b");
        assert_eq!(
            display_path(root, Path::new("/w/sub/../y")).unwrap(),
            "sub/../y"
        );
        assert_eq!(
            display_path(root, Path::new("/w/sub/./z")).unwrap(),
            "sub/z"
        );
    }

    #[test]
    fn exclusion_is_exact() {
        let doc: DocumentMut = "[workspace]\nexclude = [\"ex\"]\n".parse().unwrap();
        assert!(!can_be_member("ex", &doc).unwrap());
        assert!(can_be_member("ex/inner", &doc).unwrap());
    }

    fn added(before: &str, path: &str) -> (bool, String) {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("Cargo.toml");
        let mut doc: DocumentMut = before.parse().unwrap();
        let changed = add_member(&m, &mut doc, path).unwrap();
        (changed, doc.to_string())
    }

    #[test]
    fn members_edits() {
        assert_eq!(
            added("[workspace]\nmembers = [\"a\", \"c\"]\n", "b"),
            (
                true,
                "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\n".to_string()
            )
        );
        assert_eq!(
            added("[workspace]\nmembers = [\"c\", \"a\"]\n", "b"),
            (
                true,
                "[workspace]\nmembers = [\"c\", \"a\", \"b\"]\n".to_string()
            )
        );
        assert_eq!(
            added("[workspace]\nresolver = \"3\"\n", "b"),
            (
                true,
                "[workspace]\nresolver = \"3\"\nmembers = [\"b\"]\n".to_string()
            )
        );
        assert!(!added("[workspace]\nmembers = [\"crates/*\"]\n", "crates/x").0);
        assert!(!added("[package]\nname = \"x\"\n", "b").0);
    }

    #[test]
    fn inherits_keys() {
        let mut m: DocumentMut =
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
                .parse()
                .unwrap();
        let ws: DocumentMut =
            "[workspace.package]\nversion = \"1\"\nedition = \"2021\"\nlicense = \"MIT\"\n"
                .parse()
                .unwrap();
        let keys = ws["workspace"]["package"].as_table().unwrap();
        inherit_package_keys(&mut m, keys, true, false);
        assert_eq!(
            m.to_string(),
            "[package]\nname = \"a\"\nedition = \"2021\"\nversion.workspace = true\nlicense.workspace = true\n"
        );
    }
}
