//! A located error in a TOML file, rendered as cargo renders it:
//!
//! ```text
//! invalid type: integer `1`, expected SemVer version
//!  --> Cargo.toml:3:11
//!   |
//! 3 | version = 1
//!   |           ^
//! ```
//!
//! (The shell adds the leading `error: `.)
//!
//! [`Report`] is the unlocated kind: a title and `= note:` lines.

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlDiagnostic {
    /// What is wrong. Lines after the first are indented by seven spaces,
    /// to line up under `error: ` in the located layout.
    pub message: String,
    /// The file as shown to the user (usually relative to the cwd).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of the offending line, without its newline.
    pub line_text: String,
    /// How many characters of the line to underline (at least 1).
    pub width: usize,
    /// Set for a deserialization (type) error: the dotted path of table
    /// keys leading to the value (`package.version`, `dependencies.foo`;
    /// array indices are not part of it) as the TOML deserializer tracks
    /// it, empty when the error is at the top.
    pub keys: Option<String>,
}

impl TomlDiagnostic {
    /// Locate byte range `span` of `source`. A span past the end points just
    /// after the last character.
    pub fn new(
        message: impl Into<String>,
        path: impl Into<String>,
        source: &str,
        span: Range<usize>,
    ) -> TomlDiagnostic {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let width = source[start..end.min(line_end)].chars().count().max(1);
        TomlDiagnostic {
            message: message.into(),
            path: path.into(),
            line,
            column,
            line_text: line_text.to_string(),
            width,
            keys: None,
        }
    }

    /// The same diagnostic, marked as a deserialization error at `keys`
    /// (see [`TomlDiagnostic::parser_style`]).
    pub fn with_keys(mut self, keys: impl Into<String>) -> TomlDiagnostic {
        self.keys = Some(keys.into());
        self
    }
}

impl TomlDiagnostic {
    /// The TOML parser's own layout, which cargo shows for config files and
    /// in `verify-project`: `TOML parse error at line L, column C`, the
    /// snippet, then the message. A deserialization error (one with
    /// [`keys`](TomlDiagnostic::keys)) has no location in that layout, only
    /// the message and ``in `keys` `` (unless the keys are empty).
    pub fn parser_style(&self) -> String {
        let message = self.message.replace("\n       ", "\n");
        match self.keys.as_deref() {
            Some("") => return format!("{message}\n"),
            Some(keys) => return format!("{message}\nin `{keys}`\n"),
            None => {}
        }
        let pad = " ".repeat(self.line.to_string().len());
        // The parser shows tabs as they are.
        let (code, caret_at) = self.shown_line(1);
        format!(
            "TOML parse error at line {}, column {}\n{pad} |\n{} | {code}\n{pad} | {}{}\n{}\n",
            self.line,
            self.column,
            self.line,
            " ".repeat(caret_at),
            "^".repeat(self.width),
            message
        )
    }

    /// The line as shown (a tab as `tab` spaces), cut around the span when
    /// it is too long for the terminal as cargo's renderer cuts it, and
    /// where the caret goes in it.
    fn shown_line(&self, tab: usize) -> (String, usize) {
        let prefix: String = self.line_text.chars().take(self.column - 1).collect();
        let start = prefix.chars().count() + (tab - 1) * prefix.matches('\t').count();
        let shown: Vec<char> = if tab == 1 {
            self.line_text.chars().collect()
        } else {
            self.line_text
                .replace('\t', &" ".repeat(tab))
                .chars()
                .collect()
        };
        let gutter = 3 + self.line.to_string().len();
        let w = Window::new(&shown, start, start + self.width, TERM_WIDTH - gutter);
        let mut code: Vec<char> = shown[w.left..w.right].to_vec();
        if w.cut_left {
            overwrite(&mut code, 0);
        }
        if w.cut_right {
            let at = code.len().saturating_sub(ELLIPSIS.len());
            overwrite(&mut code, at);
        }
        (code.into_iter().collect(), start - w.left)
    }
}

/// The terminal width cargo lays diagnostics out for when it cannot ask
/// (annotate-snippets' default).
const TERM_WIDTH: usize = 140;
const ELLIPSIS: &str = "...";
/// Room kept around a span for the ellipsis.
const ELLIPSIS_PADDING: usize = 6;
/// Leading whitespace longer than this is cut (keeping some).
const LONG_WHITESPACE: usize = 20;
const LONG_WHITESPACE_KEPT: usize = 4;

/// Write `...` into `code` at `at`, past its end if need be.
fn overwrite(code: &mut Vec<char>, at: usize) {
    for (i, c) in ELLIPSIS.chars().enumerate() {
        match code.get_mut(at + i) {
            Some(slot) => *slot = c,
            None => code.push(c),
        }
    }
}

/// The columns of a line shown around the span `start..end`: the whole
/// line when it fits in `width` columns, else a slice centred on the span
/// (the rules of annotate-snippets' margin, cargo's renderer).
#[derive(Debug, PartialEq, Eq)]
struct Window {
    left: usize,
    right: usize,
    cut_left: bool,
    cut_right: bool,
}

impl Window {
    fn new(line: &[char], start: usize, end: usize, width: usize) -> Window {
        let len = line.len();
        let ws = line.iter().take_while(|c| c.is_whitespace()).count();
        let ws_left = if ws == len { 0 } else { ws }.saturating_sub(ELLIPSIS_PADDING);
        let span_left = start.saturating_sub(ELLIPSIS_PADDING);
        let span_right = end + ELLIPSIS_PADDING;
        let mut left = if ws_left > LONG_WHITESPACE {
            ws_left - (LONG_WHITESPACE - LONG_WHITESPACE_KEPT)
        } else {
            0
        };
        let mut right = len.max(left);
        if right - left > width {
            (left, right) = if span_right.saturating_sub(ws_left) <= width {
                (ws_left, ws_left + width)
            } else if span_right - span_left <= width {
                let centred = span_left.saturating_sub((width - (span_right - span_left)) / 2);
                (centred, centred + width)
            } else {
                (span_left, span_right)
            };
        }
        let shown_right = if len.saturating_sub(left) <= width {
            len
        } else {
            len.min(right)
        };
        let kept_right = if right == span_right {
            right - ELLIPSIS_PADDING
        } else {
            right
        };
        Window {
            left: left.min(len),
            right: shown_right.max(left.min(len)),
            cut_left: left > 0,
            cut_right: kept_right < len && left + width < len,
        }
    }
}

/// At most `max` characters of `s`: when longer, the first `max - 1` and
/// `…` (cargo's `truncate_with_ellipsis`, which cuts a string of exactly
/// `max` characters too).
pub fn truncate_with_ellipsis(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let mut out: String = (&mut chars).take(max.saturating_sub(1)).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for TomlDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.line.to_string().len();
        let pad = " ".repeat(digits);
        // Tabs are shown as four spaces, so the caret moves with them.
        let (code, caret_at) = self.shown_line(4);
        // As many carets as the span takes columns (a wide character two).
        let spanned: String = self
            .line_text
            .chars()
            .skip(self.column - 1)
            .take(self.width)
            .collect();
        let carets = unicode_width::UnicodeWidthStr::width(spanned.as_str()).max(1);
        writeln!(f, "{}", self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.path, self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{} | {code}", self.line)?;
        write!(f, "{pad} | {}{}", " ".repeat(caret_at), "^".repeat(carets))
    }
}

impl std::error::Error for TomlDiagnostic {}

/// A message with notes and no location, laid out as cargo lays out such
/// reports (the shell adds the leading `warning: ` or `error: `):
///
/// ```text
/// virtual workspace defaulting to `resolver = "1"` despite ...
///   |
///   = note: to keep the current resolver, ...
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub title: String,
    pub notes: Vec<String>,
}

impl Report {
    pub fn new(title: impl Into<String>) -> Report {
        Report {
            title: title.into(),
            notes: Vec::new(),
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Report {
        self.notes.push(note.into());
        self
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)?;
        if !self.notes.is_empty() {
            f.write_str("\n  |")?;
        }
        for note in &self.notes {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_cargo() {
        let src = "[package]\nname = \"bad\"\nversion = 1\n";
        let start = src.find("1\n").unwrap();
        let d = TomlDiagnostic::new(
            "invalid type: integer `1`, expected SemVer version",
            "Cargo.toml",
            src,
            start..start + 1,
        );
        assert_eq!(
            d.to_string(),
            "invalid type: integer `1`, expected SemVer version\n \
             --> Cargo.toml:3:11\n  |\n3 | version = 1\n  |           ^"
        );
    }

    #[test]
    fn span_at_end_of_line_and_wide_gutter() {
        let mut src = "\n".repeat(9);
        src.push_str("foo = \n");
        let at = src.len() - 1;
        let d = TomlDiagnostic::new("m", "C.toml", &src, at..at);
        assert_eq!((d.line, d.column, d.width), (10, 7, 1));
        assert!(
            d.to_string()
                .contains("  --> C.toml:10:7\n   |\n10 | foo = \n   |       ^")
        );
    }

    #[test]
    fn parser_style_layout() {
        let src = "[package]\nfoo = \n";
        let at = src.len() - 1;
        let d = TomlDiagnostic::new("string values must be quoted", "Cargo.toml", src, at..at);
        assert_eq!(
            d.parser_style(),
            "TOML parse error at line 2, column 7\n  |\n2 | foo = \n  |       ^\nstring values must be quoted\n"
        );
    }

    #[test]
    fn parser_style_of_a_deserialization_error() {
        let src = "[package]\nversion = 1\n";
        let at = src.find('1').unwrap();
        let d = TomlDiagnostic::new(
            "invalid type: integer `1`, expected SemVer version",
            "Cargo.toml",
            src,
            at..at + 1,
        );
        let plain = d.to_string();
        let d = d.with_keys("package.version");
        assert_eq!(
            d.parser_style(),
            "invalid type: integer `1`, expected SemVer version\nin `package.version`\n"
        );
        // The located rendering does not change.
        assert_eq!(d.to_string(), plain);
        assert_eq!(
            d.with_keys("").parser_style(),
            "invalid type: integer `1`, expected SemVer version\n"
        );
        let multi = TomlDiagnostic::new("first\n       second", "f", src, at..at + 1);
        assert_eq!(
            multi.with_keys("a.b").parser_style(),
            "first\nsecond\nin `a.b`\n"
        );
    }

    #[test]
    fn reports_with_and_without_notes() {
        assert_eq!(Report::new("plain").to_string(), "plain");
        let r = Report::new("title").note("one").note("two");
        assert_eq!(r.to_string(), "title\n  |\n  = note: one\n  = note: two");
    }

    #[test]
    fn multibyte_columns_count_chars() {
        let src = "a = \"é\" x";
        let at = src.find('x').unwrap();
        let d = TomlDiagnostic::new("m", "f", src, at..at + 1);
        assert_eq!(d.column, 9);
    }

    #[test]
    fn a_long_line_is_cut_around_the_span_as_cargo_cuts_it() {
        let long = "a".repeat(100_000);
        let src = format!("[package]\ndescription = \"{long}\" x\n");
        let at = src.find(" x").unwrap() + 1;
        let d = TomlDiagnostic::new("m", "Cargo.toml", &src, at..at + 1);
        let shown = format!("...{}\" x", "a".repeat(62));
        assert_eq!(
            d.to_string(),
            format!(
                "m\n --> Cargo.toml:2:100018\n  |\n2 | {shown}\n  | {}^",
                " ".repeat(67)
            )
        );
        assert!(d.parser_style().len() < 400, "{}", d.parser_style());
        // A span in the middle: cut on both sides.
        let src = format!("x = \"{long}\\q{long}\"\n");
        let at = src.find("\\q").unwrap();
        let d = TomlDiagnostic::new("m", "C.toml", &src, at..at + 2);
        let text = d.to_string();
        let line = text.lines().nth(3).unwrap();
        assert!(
            line.starts_with("1 | ...") && line.ends_with("..."),
            "{line}"
        );
        assert!(line.len() <= TERM_WIDTH, "{}", line.len());
        let caret = text.lines().nth(4).unwrap();
        assert_eq!(caret.find('^'), line.find("\\q"));
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let src = format!("x = {}\n", "1".repeat(120));
        let d = TomlDiagnostic::new("m", "C.toml", &src, 0..1);
        assert!(d.to_string().contains(&src[..src.len() - 1]));
    }
}
