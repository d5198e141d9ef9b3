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

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlDiagnostic {
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
        }
    }
}

impl TomlDiagnostic {
    /// The TOML parser's own layout, which cargo shows for config files and
    /// in `verify-project`: `TOML parse error at line L, column C`, the
    /// snippet, then the message.
    pub fn parser_style(&self) -> String {
        let pad = " ".repeat(self.line.to_string().len());
        let prefix: String = self.line_text.chars().take(self.column - 1).collect();
        format!(
            "TOML parse error at line {}, column {}\n{pad} |\n{} | {}\n{pad} | {}{}\n{}\n",
            self.line,
            self.column,
            self.line,
            self.line_text,
            " ".repeat(prefix.chars().count()),
            "^".repeat(self.width),
            self.message
        )
    }
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
        // Tabs are shown as four spaces, so the caret must move with them.
        let prefix: String = self.line_text.chars().take(self.column - 1).collect();
        let caret_offset = prefix.chars().count() + 3 * prefix.matches('\t').count();
        let shown = self.line_text.replace('\t', "    ");
        writeln!(f, "{}", self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.path, self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{} | {}", self.line, shown)?;
        write!(
            f,
            "{pad} | {}{}",
            " ".repeat(caret_offset),
            "^".repeat(self.width)
        )
    }
}

impl std::error::Error for TomlDiagnostic {}

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
        assert!(d.to_string().contains("  --> C.toml:10:7\n   |\n10 | foo = \n   |       ^"));
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
    fn multibyte_columns_count_chars() {
        let src = "a = \"é\" x";
        let at = src.find('x').unwrap();
        let d = TomlDiagnostic::new("m", "f", src, at..at + 1);
        assert_eq!(d.column, 9);
    }
}
