//! The glob patterns of `workspace.members`, with the rules of the `glob`
//! crate cargo uses: [`Pattern::matches`] (a `*` also matches `/`, as in
//! `glob::Pattern::matches`) for "does a member pattern cover this path",
//! and [`expand`] (one path component at a time, as `glob::glob`) for "which
//! directories are members".

use std::fmt;
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    AnyChar,
    AnySequence,
    AnyRecursiveSequence,
    AnyWithin(Vec<Spec>),
    AnyExcept(Vec<Spec>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Spec {
    Single(char),
    Range(char, char),
}

/// A pattern that does not compile; displays as the `glob` crate's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PatternError {
    pos: usize,
    msg: &'static str,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Pattern syntax error near position {}: {}",
            self.pos, self.msg
        )
    }
}

impl std::error::Error for PatternError {}

const ERROR_WILDCARDS: &str = "wildcards are either regular `*` or recursive `**`";
const ERROR_RECURSIVE_WILDCARDS: &str = "recursive wildcards must form a single path component";
const ERROR_INVALID_RANGE: &str = "invalid range pattern";

#[derive(Clone, Debug)]
pub(super) struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    pub(super) fn new(pattern: &str) -> Result<Pattern, PatternError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '?' => {
                    tokens.push(Token::AnyChar);
                    i += 1;
                }
                '*' => {
                    let old = i;
                    while i < chars.len() && chars[i] == '*' {
                        i += 1;
                    }
                    let count = i - old;
                    if count > 2 {
                        return Err(PatternError {
                            pos: old + 2,
                            msg: ERROR_WILDCARDS,
                        });
                    } else if count == 2 {
                        // `**` must be a whole component.
                        let after_sep = old == 0 || is_sep(chars[old - 1]);
                        if !after_sep {
                            return Err(PatternError {
                                pos: old - 1,
                                msg: ERROR_RECURSIVE_WILDCARDS,
                            });
                        }
                        if i < chars.len() && is_sep(chars[i]) {
                            i += 1;
                        } else if i != chars.len() {
                            return Err(PatternError {
                                pos: i,
                                msg: ERROR_RECURSIVE_WILDCARDS,
                            });
                        }
                        let n = tokens.len();
                        if !(n > 1 && tokens[n - 1] == Token::AnyRecursiveSequence) {
                            tokens.push(Token::AnyRecursiveSequence);
                        }
                    } else {
                        tokens.push(Token::AnySequence);
                    }
                }
                '[' => {
                    if i + 4 <= chars.len() && chars[i + 1] == '!' {
                        if let Some(j) = chars[i + 3..].iter().position(|c| *c == ']') {
                            let specs = parse_specs(&chars[i + 2..i + 3 + j]);
                            tokens.push(Token::AnyExcept(specs));
                            i += j + 4;
                            continue;
                        }
                    } else if i + 3 <= chars.len()
                        && chars[i + 1] != '!'
                        && let Some(j) = chars[i + 2..].iter().position(|c| *c == ']')
                    {
                        let specs = parse_specs(&chars[i + 1..i + 2 + j]);
                        tokens.push(Token::AnyWithin(specs));
                        i += j + 3;
                        continue;
                    }
                    return Err(PatternError {
                        pos: i,
                        msg: ERROR_INVALID_RANGE,
                    });
                }
                c => {
                    tokens.push(Token::Char(c));
                    i += 1;
                }
            }
        }
        Ok(Pattern { tokens })
    }

    /// Whether the whole of `s` matches (case-sensitive; `*`, `?` and
    /// classes also match `/`; leading dots need no literal).
    pub(super) fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        matches_from(&self.tokens, &chars)
    }

    fn has_wildcards(&self) -> bool {
        self.tokens.iter().any(|t| !matches!(t, Token::Char(_)))
    }
}

fn is_sep(c: char) -> bool {
    std::path::is_separator(c)
}

fn parse_specs(s: &[char]) -> Vec<Spec> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if i + 3 <= s.len() && s[i + 1] == '-' {
            out.push(Spec::Range(s[i], s[i + 2]));
            i += 3;
        } else {
            out.push(Spec::Single(s[i]));
            i += 1;
        }
    }
    out
}

fn in_specs(specs: &[Spec], c: char) -> bool {
    specs.iter().any(|s| match *s {
        Spec::Single(x) => x == c,
        Spec::Range(a, b) => a <= c && c <= b,
    })
}

fn matches_from(tokens: &[Token], s: &[char]) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return s.is_empty();
    };
    match first {
        Token::AnySequence => (0..=s.len()).any(|skip| matches_from(rest, &s[skip..])),
        // Nothing, or up to and including a separator.
        Token::AnyRecursiveSequence => (0..=s.len())
            .filter(|&skip| skip == 0 || is_sep(s[skip - 1]))
            .any(|skip| matches_from(rest, &s[skip..])),
        Token::AnyChar => !s.is_empty() && matches_from(rest, &s[1..]),
        Token::AnyWithin(specs) => {
            !s.is_empty() && in_specs(specs, s[0]) && matches_from(rest, &s[1..])
        }
        Token::AnyExcept(specs) => {
            !s.is_empty() && !in_specs(specs, s[0]) && matches_from(rest, &s[1..])
        }
        Token::Char(c) => {
            !s.is_empty()
                && (s[0] == *c || (is_sep(s[0]) && is_sep(*c)))
                && matches_from(rest, &s[1..])
        }
    }
}

/// The existing paths `pattern` (an absolute path with glob components)
/// names, in `glob::glob`'s order: sorted within each directory.
pub(super) fn expand(pattern: &Path) -> Result<Vec<PathBuf>, PatternError> {
    let mut base = PathBuf::new();
    let mut parts: Vec<String> = Vec::new();
    for comp in pattern.components() {
        match comp {
            Component::Normal(s) if parts.is_empty() && !has_wildcard(&s.to_string_lossy()) => {
                base.push(s)
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            other if parts.is_empty() => base.push(other.as_os_str()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let compiled = parts
        .iter()
        .map(|p| {
            if p == "**" {
                Ok(None)
            } else {
                Pattern::new(p).map(Some)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    walk(&base, &compiled, &mut out);
    Ok(out)
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// `parts`: `None` for `**`, else one component's pattern.
fn walk(base: &Path, parts: &[Option<Pattern>], out: &mut Vec<PathBuf>) {
    let Some((first, rest)) = parts.split_first() else {
        if std::fs::symlink_metadata(base).is_ok() {
            out.push(base.to_path_buf());
        }
        return;
    };
    match first {
        None => {
            // Zero or more directories.
            let mut dirs = vec![base.to_path_buf()];
            descendants(base, &mut dirs);
            for d in dirs {
                walk(&d, rest, out);
            }
        }
        Some(p) if !p.has_wildcards() => {
            let name: String = p
                .tokens
                .iter()
                .filter_map(|t| match t {
                    Token::Char(c) => Some(*c),
                    _ => None,
                })
                .collect();
            let next = base.join(&name);
            if name == "." || name == ".." || !rest.is_empty() || next.exists() {
                walk(&next, rest, out);
            }
        }
        Some(p) => {
            for entry in sorted_entries(base) {
                let name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
                if name.is_some_and(|n| p.matches(&n)) && (rest.is_empty() || entry.is_dir()) {
                    walk(&entry, rest, out);
                }
            }
        }
    }
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn descendants(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            out.push(entry.clone());
            descendants(&entry, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Pattern::new(p).unwrap().matches(s)
    }

    #[test]
    fn matching() {
        assert!(m("crates/*", "crates/a"));
        // As glob::Pattern::matches: `*` crosses `/`.
        assert!(m("crates/*", "crates/a/b"));
        assert!(!m("crates/*", "other/a"));
        assert!(m("a?c", "abc"));
        assert!(m("[ab]x", "bx"));
        assert!(m("[a-c]x", "cx"));
        assert!(!m("[!a-c]x", "cx"));
        assert!(m("[!a-c]x", "dx"));
        assert!(m("**/x", "a/b/x"));
        assert!(m("**/x", "x"));
        assert!(!m("**/x", "ax"));
        assert!(m("a", "a"));
        assert!(!m("a", "ab"));
        assert!(m("*", ".hidden"));
    }

    #[test]
    fn errors() {
        assert_eq!(
            Pattern::new("a***").unwrap_err().to_string(),
            "Pattern syntax error near position 3: wildcards are either regular `*` or recursive `**`"
        );
        assert_eq!(
            Pattern::new("a**").unwrap_err().to_string(),
            "Pattern syntax error near position 0: recursive wildcards must form a single path component"
        );
        assert_eq!(
            Pattern::new("[ab").unwrap_err().to_string(),
            "Pattern syntax error near position 0: invalid range pattern"
        );
    }

    #[test]
    fn expanding() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in ["crates/b", "crates/a/inner", "x"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("crates/file.txt"), "").unwrap();
        let got = expand(&root.join("crates/*")).unwrap();
        assert_eq!(
            got,
            vec![
                root.join("crates/a"),
                root.join("crates/b"),
                root.join("crates/file.txt")
            ]
        );
        assert_eq!(expand(&root.join("x")).unwrap(), vec![root.join("x")]);
        assert!(expand(&root.join("missing")).unwrap().is_empty());
        assert_eq!(
            expand(&root.join("crates/*/inner")).unwrap(),
            vec![root.join("crates/a/inner")]
        );
    }
}
