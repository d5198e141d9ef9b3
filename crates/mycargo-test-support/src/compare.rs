//! Differential checks: the trees and the output two tools produced.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::execs::Output;

/// One entry of a directory tree, keyed by its `/`-separated relative path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    File {
        contents: Vec<u8>,
        executable: bool,
    },
    Symlink(String),
    /// A `.git` directory or file; its insides are not compared.
    Git,
}

/// Every entry under `dir` (not `dir` itself), skipping the insides of
/// `.git`.
pub fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Entry>) {
    let rd = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("could not read directory `{}`: {e}", dir.display()));
    for ent in rd {
        let ent = ent.unwrap_or_else(|e| panic!("could not read `{}`: {e}", dir.display()));
        let name = ent.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let path = ent.path();
        let meta = std::fs::symlink_metadata(&path)
            .unwrap_or_else(|e| panic!("could not stat `{}`: {e}", path.display()));
        if name == ".git" {
            out.insert(rel, Entry::Git);
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path)
                .map(|t| t.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.insert(rel, Entry::Symlink(target));
        } else if meta.is_dir() {
            out.insert(rel.clone(), Entry::Dir);
            walk(&path, &format!("{rel}/"), out);
        } else {
            let contents = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("could not read `{}`: {e}", path.display()));
            out.insert(
                rel,
                Entry::File {
                    contents,
                    executable: is_executable(&meta),
                },
            );
        }
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// The differences between two trees, one line each; empty when equal.
pub fn tree_diff(mycargo: &Path, cargo: &Path) -> Vec<String> {
    let a = tree(mycargo);
    let b = tree(cargo);
    let mut diffs = Vec::new();
    for (path, ea) in &a {
        match b.get(path) {
            None => diffs.push(format!("only in mycargo's tree: {path}")),
            Some(eb) if eb != ea => diffs.push(describe_difference(path, ea, eb)),
            Some(_) => {}
        }
    }
    for path in b.keys() {
        if !a.contains_key(path) {
            diffs.push(format!("only in cargo's tree: {path}"));
        }
    }
    diffs
}

fn describe_difference(path: &str, a: &Entry, b: &Entry) -> String {
    match (a, b) {
        (
            Entry::File {
                contents: ca,
                executable: xa,
            },
            Entry::File {
                contents: cb,
                executable: xb,
            },
        ) => {
            if ca != cb {
                format!(
                    "{path} differs:\n--- mycargo:\n{}\n--- cargo:\n{}",
                    String::from_utf8_lossy(ca),
                    String::from_utf8_lossy(cb)
                )
            } else {
                format!("{path}: executable bit differs (mycargo {xa}, cargo {xb})")
            }
        }
        _ => format!("{path}: mycargo has {}, cargo has {}", kind(a), kind(b)),
    }
}

fn kind(e: &Entry) -> &'static str {
    match e {
        Entry::Dir => "a directory",
        Entry::File { .. } => "a file",
        Entry::Symlink(_) => "a symlink",
        Entry::Git => "a .git",
    }
}

/// Panic unless the two trees have the same entries with the same bytes.
#[track_caller]
pub fn assert_same_tree(mycargo: &Path, cargo: &Path) {
    let diffs = tree_diff(mycargo, cargo);
    if !diffs.is_empty() {
        panic!(
            "trees differ (mycargo `{}`, cargo `{}`):\n{}",
            mycargo.display(),
            cargo.display(),
            diffs.join("\n")
        );
    }
}

/// Panic unless both runs ended with the same exit code and printed the
/// same redacted stdout and stderr (cargo's in mycargo's words).
#[track_caller]
pub fn assert_same_output(mycargo: &Output, cargo: &Output) {
    let mut msg = String::new();
    if mycargo.code() != cargo.code() {
        let _ = writeln!(
            msg,
            "exit codes differ: mycargo {:?}, cargo {:?}",
            mycargo.code(),
            cargo.code()
        );
    }
    for (what, m, c) in [
        (
            "stdout",
            mycargo.stdout_as_mycargo(),
            cargo.stdout_as_mycargo(),
        ),
        (
            "stderr",
            mycargo.stderr_as_mycargo(),
            cargo.stderr_as_mycargo(),
        ),
    ] {
        if m != c {
            let _ = writeln!(
                msg,
                "{what} differs:\n--- mycargo:\n{m}--- cargo (as mycargo):\n{c}--- end"
            );
        }
    }
    if !msg.is_empty() {
        panic!(
            "{msg}\n`{}` vs `{}`\n{}\n{}",
            mycargo.command,
            cargo.command,
            mycargo.describe(),
            cargo.describe()
        );
    }
}

/// The host triple of the installed rustc (`host:` of `rustc -vV`).
pub fn host_triple() -> String {
    let out = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc names its host")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project;

    #[test]
    fn same_and_different_trees() {
        let (a, b) = project().file("src/lib.rs", "x").dir("empty").build_twins();
        std::fs::create_dir_all(a.root().join(".git/objects")).unwrap();
        std::fs::create_dir_all(b.root().join(".git/refs")).unwrap();
        assert_same_tree(&a.root(), &b.root());

        b.change_file("src/lib.rs", "y");
        b.change_file("new.txt", "");
        let d = tree_diff(&a.root(), &b.root());
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("new.txt") || d[1].contains("new.txt"));
        assert!(d.iter().any(|l| l.starts_with("src/lib.rs differs")));

        std::fs::remove_dir_all(b.root().join(".git")).unwrap();
        let d = tree_diff(&a.root(), &b.root());
        assert!(
            d.iter().any(|l| l == "only in mycargo's tree: .git"),
            "{d:?}"
        );
    }

    #[test]
    fn tree_lists_entries() {
        let p = project().no_manifest().file("a/b.txt", "hi").build();
        let t = tree(&p.root());
        assert_eq!(t.get("a"), Some(&Entry::Dir));
        assert_eq!(
            t.get("a/b.txt"),
            Some(&Entry::File {
                contents: b"hi".to_vec(),
                executable: false
            })
        );
    }
}
