//! Filters that make command output comparable across runs and tools.
//!
//! | placeholder | replaces |
//! | --- | --- |
//! | `[ROOT]` | the test's temporary root |
//! | `[CWD]` | the command's working directory (when asked for) |
//! | `[ELAPSED]` | the time in `in 0.12s` / `in 1m 02s` (the `s` stays) |
//! | `[HASH]` | a 16-hex-digit hash standing alone (`foo-1949cf8c6b5b557f`) |
//! | `[EXE]` | the executable suffix, in expected snapshots (snapbox's own) |
//!
//! `...` lines and `[..]` in an expected snapshot are snapbox's wildcards.

use std::path::Path;

/// Literal path redactions plus the time and hash filters.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// (literal, placeholder); the longest literal is replaced first.
    paths: Vec<(String, String)>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Replace `path` (as printed) by `placeholder`.
    pub fn path(mut self, path: &Path, placeholder: &str) -> Redactor {
        let literal = path.to_string_lossy().into_owned();
        if !literal.is_empty() && !self.paths.iter().any(|(l, _)| *l == literal) {
            self.paths.push((literal, placeholder.to_string()));
            self.paths.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        }
        self
    }

    /// Apply every filter to `text`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (literal, placeholder) in &self.paths {
            if out.contains(literal.as_str()) {
                out = out.replace(literal.as_str(), placeholder);
            }
        }
        redact_hashes(&redact_elapsed(&out))
    }
}

/// `in 0.12s`, `in 12s`, `in 1m 02s` → `in [ELAPSED]s`.
pub fn redact_elapsed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("in ") {
        let (before, from) = rest.split_at(pos);
        out.push_str(before);
        let boundary_ok = out
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let after = &from[3..];
        match elapsed_len(after) {
            Some(len) if boundary_ok => {
                out.push_str("in [ELAPSED]s");
                rest = &after[len + 1..];
            }
            _ => {
                out.push_str("in ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length of `12`, `0.12` or `1m 02` at the start of `s` when an `s` and a
/// word boundary follow it.
fn elapsed_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = digits(0);
    if i == 0 {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        let d = digits(i + 1);
        if d == 0 {
            return None;
        }
        i += 1 + d;
    } else if b.get(i) == Some(&b'm') && b.get(i + 1) == Some(&b' ') {
        let d = digits(i + 2);
        if d == 0 {
            return None;
        }
        i += 2 + d;
    }
    if b.get(i) != Some(&b's') {
        return None;
    }
    match b.get(i + 1) {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => None,
        _ => Some(i),
    }
}

/// A run of exactly 16 lowercase hex digits, not part of a longer word,
/// becomes `[HASH]`.
pub fn redact_hashes(text: &str) -> String {
    let b = text.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric();
    let is_hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if is_hex(b[i]) && (i == 0 || !is_word(b[i - 1])) {
            let len = b[i..].iter().take_while(|c| is_hex(**c)).count();
            let end = i + len;
            if len == 16 && (end == b.len() || !is_word(b[end])) {
                out.push_str(&text[last..i]);
                out.push_str("[HASH]");
                last = end;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// cargo's text in mycargo's words: where a command is named (`` `cargo
/// init` ``, `Usage: cargo new`), the name becomes `mycargo`.
pub fn cargo_to_mycargo(text: &str) -> String {
    text.replace("`cargo ", "`mycargo ")
        .replace("`cargo`", "`mycargo`")
        .replace("Usage: cargo ", "Usage: mycargo ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_longest_first() {
        let r = Redactor::new()
            .path(Path::new("/tmp/t1/home-cargo"), "[ROOT]/home")
            .path(Path::new("/tmp/t1"), "[ROOT]")
            .path(Path::new("/tmp/t1/foo"), "[CWD]");
        assert_eq!(
            r.redact(
                "a /tmp/t1/foo/src b /tmp/t1/home-cargo/.cargo c /tmp/t1/bar file:///tmp/t1/x"
            ),
            "a [CWD]/src b [ROOT]/home/.cargo c [ROOT]/bar file://[ROOT]/x"
        );
    }

    #[test]
    fn elapsed_times() {
        assert_eq!(
            redact_elapsed(
                "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.12s"
            ),
            "    Finished `dev` profile [unoptimized + debuginfo] target(s) in [ELAPSED]s"
        );
        assert_eq!(
            redact_elapsed("in 12s\nin 1m 02s."),
            "in [ELAPSED]s\nin [ELAPSED]s."
        );
        assert_eq!(
            redact_elapsed("test result: ok. finished in 0.00s"),
            "test result: ok. finished in [ELAPSED]s"
        );
        // Not times.
        for s in [
            "in 3 files",
            "in 0.5",
            "begin 1s",
            "in 2sec",
            "in .5s",
            "in 1.s",
            "in ",
        ] {
            assert_eq!(redact_elapsed(s), s);
        }
    }

    #[test]
    fn hashes() {
        assert_eq!(
            redact_hashes("registry/src/index.crates.io-1949cf8c6b5b557f/foo"),
            "registry/src/index.crates.io-[HASH]/foo"
        );
        assert_eq!(
            redact_hashes("libfoo-0123456789abcdef.rlib 0123456789abcdef"),
            "libfoo-[HASH].rlib [HASH]"
        );
        // Too short, too long, upper case or inside a word: kept.
        for s in [
            "0123456789abcde",
            "0123456789abcdef0",
            "0123456789ABCDEF",
            "x0123456789abcdef",
            "0123456789abcdefx",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert_eq!(redact_hashes(s), s);
        }
    }

    #[test]
    fn full_redaction() {
        let r = Redactor::new().path(Path::new("/tmp/r"), "[ROOT]");
        assert_eq!(
            r.redact("   Compiling foo v0.1.0 (/tmp/r/foo)\n    Finished in 1.50s\n/tmp/r/t/debug/deps/foo-00112233445566ff\n"),
            "   Compiling foo v0.1.0 ([ROOT]/foo)\n    Finished in [ELAPSED]s\n[ROOT]/t/debug/deps/foo-[HASH]\n"
        );
    }

    #[test]
    fn command_names() {
        assert_eq!(
            cargo_to_mycargo(
                "Use `cargo init` to initialize\nUsage: cargo new [OPTIONS] <PATH>\ncargo's build directory names\n# Added by cargo"
            ),
            "Use `mycargo init` to initialize\nUsage: mycargo new [OPTIONS] <PATH>\ncargo's build directory names\n# Added by cargo"
        );
    }
}
