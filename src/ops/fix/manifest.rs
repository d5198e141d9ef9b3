//! `fix --edition` on manifests: each selected package is announced as
//! migrating to the next edition, and for 2024 the spellings that edition
//! no longer accepts are rewritten in place (`project` → `package`,
//! `dev_dependencies` → `dev-dependencies`, `default_features` →
//! `default-features`, `crate_type` → `crate-type`, ...), keeping every
//! comment and the order of keys. The `edition` key itself is the user's
//! to change, as with cargo.

use std::path::Path;

use anyhow::Context as _;
use mycargo_core::Edition;
use mycargo_manifest::{Manifest, Workspace};
use toml_edit::{DocumentMut, InlineTable, Item, Key, Table, Value};

use crate::cli::common::PackageSelection;
use crate::context::GlobalContext;

pub fn next_edition(e: Edition) -> Edition {
    match e {
        Edition::Edition2015 => Edition::Edition2018,
        Edition::Edition2018 => Edition::Edition2021,
        Edition::Edition2021 | Edition::Edition2024 => Edition::Edition2024,
    }
}

/// The edition before `e` (2015 has none: itself).
pub fn previous_edition(e: Edition) -> Edition {
    match e {
        Edition::Edition2015 | Edition::Edition2018 => Edition::Edition2015,
        Edition::Edition2021 => Edition::Edition2018,
        Edition::Edition2024 => Edition::Edition2021,
    }
}

/// The members `fix` works on: `-p` specs, `--workspace` (less
/// `--exclude`), else the default members.
pub fn selected<'a>(
    ws: &'a Workspace,
    sel: &PackageSelection,
) -> anyhow::Result<Vec<&'a Manifest>> {
    if sel.workspace {
        return Ok(ws
            .members()
            .filter(|m| !sel.exclude.iter().any(|e| e == m.name()))
            .collect());
    }
    if !sel.packages().is_empty() {
        let specs = sel
            .packages()
            .iter()
            .map(|p| mycargo_core::PackageIdSpec::parse(p, None))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(ws
            .members()
            .filter(|m| specs.iter().any(|s| s.matches(&m.package_id)))
            .collect());
    }
    Ok(ws.default_members().collect())
}

pub fn migrate(
    gctx: &mut GlobalContext,
    ws: &Workspace,
    members: &[&Manifest],
) -> anyhow::Result<()> {
    let root = ws.root();
    if ws.is_virtual()
        && let Some(highest) = members.iter().map(|m| m.edition).max()
    {
        let next = next_edition(highest);
        if next != highest && next >= Edition::Edition2024 {
            let path = ws.root_manifest().to_path_buf();
            let mut doc = read(&path)?;
            let fixes = workspace_dependencies(&mut doc);
            if fixes > 0 {
                gctx.shell.status(
                    "Migrating",
                    format!("Cargo.toml from {highest} edition to {next}"),
                )?;
                fixed(gctx, "Cargo.toml", fixes)?;
                write(&path, &doc)?;
            }
        }
    }
    for m in members {
        let next = next_edition(m.edition);
        if next == m.edition {
            continue;
        }
        let shown = m
            .manifest_path
            .strip_prefix(&root)
            .unwrap_or(&m.manifest_path)
            .display()
            .to_string();
        gctx.shell.status(
            "Migrating",
            format!("{shown} from {} edition to {next}", m.edition),
        )?;
        if next < Edition::Edition2024 {
            continue;
        }
        let mut doc = read(&m.manifest_path)?;
        let fixes = package(&mut doc);
        if fixes > 0 {
            fixed(gctx, &shown, fixes)?;
            write(&m.manifest_path, &doc)?;
        }
    }
    Ok(())
}

fn fixed(gctx: &mut GlobalContext, file: &str, n: usize) -> anyhow::Result<()> {
    let word = if n == 1 { "fix" } else { "fixes" };
    gctx.shell.status("Fixed", format!("{file} ({n} {word})"))?;
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<DocumentMut> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read `{}`", path.display()))?;
    text.parse::<DocumentMut>()
        .with_context(|| format!("failed to parse manifest at `{}`", path.display()))
}

fn write(path: &Path, doc: &DocumentMut) -> anyhow::Result<()> {
    mycargo_util::fs::write_atomic(path, doc.to_string())
}

/// The 2024 spellings in a package manifest; the number of changes.
fn package(doc: &mut DocumentMut) -> usize {
    let mut fixes = workspace_dependencies(doc);
    let top = doc.as_table_mut();
    if top.contains_key("project") {
        if top.contains_key("package") {
            top.remove("project");
        } else {
            rename_in_table(top, "project", "package");
        }
        fixes += 1;
    }
    match top.get_mut("lib") {
        Some(Item::Table(lib)) => fixes += target_fields(lib),
        Some(Item::Value(Value::InlineTable(lib))) => {
            for (old, new) in TARGET_RENAMES {
                fixes += usize::from(rename_in_inline(lib, old, new));
            }
        }
        _ => {}
    }
    for kind in ["bin", "example", "test", "bench"] {
        if let Some(Item::ArrayOfTables(list)) = top.get_mut(kind) {
            for t in list.iter_mut() {
                fixes += target_fields(t);
            }
        }
    }
    fixes += dependency_tables(top);
    if let Some(targets) = top.get_mut("target").and_then(Item::as_table_like_mut) {
        for (_, platform) in targets.iter_mut() {
            if let Some(t) = platform.as_table_mut() {
                fixes += dependency_tables(t);
            }
        }
    }
    fixes
}

/// `default_features` in `[workspace.dependencies]`.
fn workspace_dependencies(doc: &mut DocumentMut) -> usize {
    let Some(deps) = doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("dependencies"))
    else {
        return 0;
    };
    dependencies(deps)
}

const TARGET_RENAMES: [(&str, &str); 2] =
    [("crate_type", "crate-type"), ("proc_macro", "proc-macro")];

fn target_fields(t: &mut Table) -> usize {
    TARGET_RENAMES
        .iter()
        .map(|(old, new)| usize::from(rename_in_table(t, old, new)))
        .sum()
}

/// `dev_dependencies`/`build_dependencies` renamed, and `default_features`
/// in every dependency table of `t`.
fn dependency_tables(t: &mut Table) -> usize {
    let mut fixes = 0;
    for (old, new) in [
        ("dev_dependencies", "dev-dependencies"),
        ("build_dependencies", "build-dependencies"),
    ] {
        if rename_in_table(t, old, new) {
            fixes += 1;
        }
    }
    for name in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = t.get_mut(name) {
            fixes += dependencies(deps);
        }
    }
    fixes
}

fn dependencies(deps: &mut Item) -> usize {
    let Some(deps) = deps.as_table_like_mut() else {
        return 0;
    };
    let mut fixes = 0;
    for (_, dep) in deps.iter_mut() {
        let renamed = match dep {
            Item::Table(t) => rename_in_table(t, "default_features", "default-features"),
            Item::Value(Value::InlineTable(t)) => {
                rename_in_inline(t, "default_features", "default-features")
            }
            _ => false,
        };
        if renamed {
            fixes += 1;
        }
    }
    fixes
}

/// Rename `old` to `new` where it stands, with its formatting. When `new`
/// is there already, `old` just goes. Whether anything changed.
fn rename_in_table(t: &mut Table, old: &str, new: &str) -> bool {
    let order = order_after_rename(t.iter().map(|(k, _)| k), old, new);
    let Some((key, item)) = t.remove_entry(old) else {
        return false;
    };
    if !t.contains_key(new) {
        t.insert_formatted(&renamed(&key, new), item);
        t.sort_values_by(|a, _, b, _| position(&order, a).cmp(&position(&order, b)));
    }
    true
}

/// [`rename_in_table`] for an inline table.
fn rename_in_inline(t: &mut InlineTable, old: &str, new: &str) -> bool {
    let order = order_after_rename(t.iter().map(|(k, _)| k), old, new);
    let Some((key, value)) = t.remove_entry(old) else {
        return false;
    };
    if !t.contains_key(new) {
        t.insert_formatted(&renamed(&key, new), value);
        t.sort_values_by(|a, _, b, _| position(&order, a).cmp(&position(&order, b)));
    }
    true
}

/// The keys of a table in their order, `old` spelled `new`.
fn order_after_rename<'a>(
    keys: impl Iterator<Item = &'a str>,
    old: &str,
    new: &str,
) -> Vec<String> {
    keys.map(|k| if k == old { new } else { k }.to_string())
        .collect()
}

fn position(order: &[String], k: &Key) -> Option<usize> {
    order.iter().position(|o| o == k.get())
}

/// `key` spelled `new`, with its spacing and comments.
fn renamed(key: &Key, new: &str) -> Key {
    Key::new(new)
        .with_leaf_decor(key.leaf_decor().clone())
        .with_dotted_decor(key.dotted_decor().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retired_spellings_are_renamed_in_place_with_their_formatting() {
        let text = "[project] # old\nname = \"a\"\n\n[dependencies]\nb = { path = \"b\", default_features = false, features = [] }\n\n[ dev_dependencies ] # kept\nc = \"1\"\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        assert_eq!(package(&mut doc), 3);
        assert_eq!(
            doc.to_string(),
            "[package] # old\nname = \"a\"\n\n[dependencies]\nb = { path = \"b\", default-features = false, features = [] }\n\n[ dev-dependencies ] # kept\nc = \"1\"\n"
        );
        // Both spellings: the old one just goes.
        let mut doc: DocumentMut = "[lib]\ncrate_type = [\"a\"]\ncrate-type = [\"b\"]\n"
            .parse()
            .unwrap();
        assert_eq!(package(&mut doc), 1);
        assert_eq!(doc.to_string(), "[lib]\ncrate-type = [\"b\"]\n");
    }
}
