//! Which files of a package go into its `.crate`, as cargo 1.95 decides:
//!
//! - with `package.include`: a walk of the package directory, keeping the
//!   files the include patterns match (git is not asked);
//! - otherwise, inside a git work tree with a commit: the tracked files
//!   still on disk plus the untracked files git does not ignore;
//! - otherwise a walk that skips dotfiles and dot-directories;
//!
//! always without the package's root `target/` directory and without
//! nested packages (directories with their own `Cargo.toml`), and with
//! `package.exclude` applied when there is no `include`. Patterns follow
//! gitignore rules relative to the package root.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use glob::{MatchOptions, Pattern};

use super::vcs::GitRepo;

/// A file from the package's source, by its path in the archive
/// (relative, `/`-separated) and on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub rel: String,
    pub disk: PathBuf,
}

/// What a gitignore-style pattern list says about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    None,
    /// A pattern matched.
    Matched,
    /// A `!pattern` matched.
    Negated,
}

#[derive(Debug, Clone)]
struct Rule {
    negated: bool,
    dir_only: bool,
    /// Match against the basename only (no `/` inside the pattern).
    basename: bool,
    pattern: Pattern,
}

/// Gitignore-style patterns (`include`/`exclude`), matched relative to the
/// package root; the last matching pattern wins.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    rules: Vec<Rule>,
}

const GLOB: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

impl Patterns {
    pub fn new(lines: &[String], key: &str) -> anyhow::Result<Patterns> {
        let mut rules = Vec::new();
        for line in lines {
            let mut text = line.trim_end().to_string();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let negated = text.starts_with('!');
            // `!` negates; `\!` and `\#` are a literal `!` or `#`.
            if negated || text.starts_with("\\!") || text.starts_with("\\#") {
                text.remove(0);
            }
            let mut dir_only = text.ends_with('/');
            if dir_only {
                text.pop();
            }
            let basename = !text.contains('/');
            let mut glob = text.trim_start_matches('/').to_string();
            // `a/**` is everything inside the directory `a`: the directory
            // matches (its files follow through the parent walk in
            // `matched_path_or_any_parents`), a file named `a` does not.
            if glob.ends_with("/**") {
                glob.truncate(glob.len() - 3);
                dir_only = true;
            }
            let glob = single_star_inside_names(&glob);
            let pattern = Pattern::new(&glob)
                .with_context(|| format!("could not parse pattern `{line}` in `{key}`"))?;
            rules.push(Rule {
                negated,
                dir_only,
                basename,
                pattern,
            });
        }
        Ok(Patterns { rules })
    }

    /// The last rule matching `rel` itself.
    pub fn matched(&self, rel: &str, is_dir: bool) -> Match {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        for rule in self.rules.iter().rev() {
            if rule.dir_only && !is_dir {
                continue;
            }
            let subject = if rule.basename { name } else { rel };
            if rule.pattern.matches_with(subject, GLOB) {
                return if rule.negated {
                    Match::Negated
                } else {
                    Match::Matched
                };
            }
        }
        Match::None
    }

    /// `rel` or, failing that, the nearest parent directory a rule matches.
    pub fn matched_path_or_any_parents(&self, rel: &str, is_dir: bool) -> Match {
        let mut path = rel;
        let mut is_dir = is_dir;
        loop {
            match self.matched(path, is_dir) {
                Match::None => match path.rfind('/') {
                    Some(i) => {
                        path = &path[..i];
                        is_dir = true;
                    }
                    None => return Match::None,
                },
                m => return m,
            }
        }
    }
}

/// `**` that is not a whole path component (`abc**`) means `*`, as in
/// gitignore (the glob crate refuses it).
fn single_star_inside_names(glob: &str) -> String {
    let c: Vec<char> = glob.chars().collect();
    let mut out = String::with_capacity(glob.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '*' && c.get(i + 1) == Some(&'*') {
            let start = i;
            while c.get(i) == Some(&'*') {
                i += 1;
            }
            let whole = (start == 0 || c[start - 1] == '/') && (i == c.len() || c[i] == '/');
            out.push_str(if whole { "**" } else { "*" });
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The include/exclude filter of one package.
pub struct Filter {
    include: Option<Patterns>,
    exclude: Patterns,
}

impl Filter {
    pub fn new(include: &[String], exclude: &[String]) -> anyhow::Result<Filter> {
        Ok(Filter {
            include: if include.is_empty() {
                None
            } else {
                Some(Patterns::new(include, "include")?)
            },
            exclude: Patterns::new(exclude, "exclude")?,
        })
    }

    pub fn has_include(&self) -> bool {
        self.include.is_some()
    }

    /// Whether the file (or directory, to descend into it) is packaged.
    pub fn keeps(&self, rel: &str, is_dir: bool) -> bool {
        match &self.include {
            Some(inc) => is_dir || inc.matched_path_or_any_parents(rel, false) == Match::Matched,
            None => self.exclude.matched_path_or_any_parents(rel, is_dir) != Match::Matched,
        }
    }
}

/// The package's source files, sorted by path.
pub fn list(
    root: &Path,
    filter: &Filter,
    git: Option<&GitRepo>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    match git {
        Some(repo) if !filter.has_include() && repo.has_head() => {
            for disk in repo.package_files(root)? {
                let Some(rel) = rel_string(root, &disk) else {
                    continue;
                };
                if in_nested_package(root, &rel) {
                    continue;
                }
                if !filter.keeps(&rel, false) {
                    continue;
                }
                out.push(SourceFile { rel, disk });
            }
        }
        _ => walk(root, root, filter, &mut out, warnings)?,
    }
    out.sort_by(|a, b| Path::new(&a.rel).cmp(Path::new(&b.rel)));
    out.dedup_by(|a, b| a.rel == b.rel);
    Ok(out)
}

/// `rel`'s directory, or one between it and the root, has a `Cargo.toml`.
fn in_nested_package(root: &Path, rel: &str) -> bool {
    let mut dir = rel;
    while let Some(i) = dir.rfind('/') {
        dir = &dir[..i];
        if root.join(dir).join("Cargo.toml").is_file() {
            return true;
        }
    }
    false
}

fn rel_string(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

fn walk(
    root: &Path,
    dir: &Path,
    filter: &Filter,
    out: &mut Vec<SourceFile>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("failed to read directory `{}`", dir.display()))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for e in entries {
        let e = e.with_context(|| format!("failed to read directory `{}`", dir.display()))?;
        paths.push(e.path());
    }
    paths.sort();
    let at_root = dir == root;
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            bail!(
                "cannot package a filename with a special character `{}`",
                path.display()
            );
        };
        if !filter.has_include() && name.starts_with('.') {
            continue;
        }
        let Some(rel) = rel_string(root, &path) else {
            continue;
        };
        // Follows symlinks, as cargo's walk does; a link to nothing is
        // listed, and fails when archived, as in cargo.
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(_) if std::fs::symlink_metadata(&path).is_ok() => {
                if filter.keeps(&rel, false) {
                    out.push(SourceFile { rel, disk: path });
                }
                continue;
            }
            Err(_) => continue,
        };
        // A link back to a directory above it is a loop: said, not walked.
        if meta.is_dir()
            && std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
            && let (Ok(target), Ok(here)) = (path.canonicalize(), dir.canonicalize())
            && here.starts_with(&target)
        {
            warnings.push(format!(
                "File system loop found: {} points to an ancestor {}",
                path.display(),
                target.display()
            ));
            continue;
        }
        if meta.is_dir() {
            if at_root && name == "target" {
                continue;
            }
            if path.join("Cargo.toml").is_file() {
                continue;
            }
            if !filter.keeps(&rel, true) {
                continue;
            }
            walk(root, &path, filter, out, warnings)?;
        } else if meta.is_file() && filter.keeps(&rel, false) {
            // Regular files only: a FIFO or socket is not packaged.
            out.push(SourceFile { rel, disk: path });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(p: &[&str]) -> Patterns {
        Patterns::new(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "x").unwrap()
    }

    #[test]
    fn basename_patterns_match_at_any_depth() {
        let p = pats(&["secret.txt", "*.md"]);
        assert_eq!(p.matched("secret.txt", false), Match::Matched);
        assert_eq!(p.matched("a/b/secret.txt", false), Match::Matched);
        assert_eq!(p.matched("docs/x.md", false), Match::Matched);
        assert_eq!(p.matched("src/lib.rs", false), Match::None);
    }

    #[test]
    fn anchored_and_dir_patterns() {
        let p = pats(&["/data", "sub/", "src/**/*.rs"]);
        assert_eq!(
            p.matched_path_or_any_parents("data/x/y.bin", false),
            Match::Matched
        );
        assert_eq!(p.matched_path_or_any_parents("a/data", false), Match::None);
        assert_eq!(p.matched("sub", false), Match::None);
        assert_eq!(
            p.matched_path_or_any_parents("x/sub/f", false),
            Match::Matched
        );
        assert_eq!(p.matched("src/lib.rs", false), Match::Matched);
        assert_eq!(p.matched("src/a/b.rs", false), Match::Matched);
    }

    #[test]
    fn double_star_as_gitignore_reads_it() {
        let p = pats(&["dir/**", "src/abc**"]);
        assert_eq!(
            p.matched("dir", false),
            Match::None,
            "a file named `dir` stays"
        );
        assert_eq!(
            p.matched_path_or_any_parents("dir/inner/f", false),
            Match::Matched
        );
        assert_eq!(p.matched("src/abcdef", false), Match::Matched);
        assert_eq!(single_star_inside_names("a/**/b"), "a/**/b");
        assert_eq!(single_star_inside_names("é**x"), "é*x");
    }

    #[test]
    fn last_rule_wins_and_negation() {
        let p = pats(&["src/**/*.rs", "!src/skip.rs"]);
        assert_eq!(p.matched("src/skip.rs", false), Match::Negated);
        assert_eq!(p.matched("src/keep.rs", false), Match::Matched);
    }

    #[test]
    fn filter_include_overrides_exclude() {
        let f = Filter::new(&["src".to_string()], &["src/x.rs".to_string()]).unwrap();
        assert!(f.keeps("src/x.rs", false));
        assert!(!f.keeps("build.rs", false));
        assert!(f.keeps("tests", true));
        let f = Filter::new(&[], &["tests/".to_string()]).unwrap();
        assert!(!f.keeps("tests/a.rs", false));
        assert!(f.keeps("src/a.rs", false));
    }
}
