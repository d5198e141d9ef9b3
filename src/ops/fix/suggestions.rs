//! rustc's suggestions, read from its JSON diagnostics and applied to
//! source text by byte range.
//!
//! A suggestion is one child message of a diagnostic (a `help:`) whose
//! spans carry replacement text. It is applied whole or not at all; a
//! suggestion whose range overlaps one already applied in the same pass
//! is refused (or silently dropped when it is the very same edit, as
//! macros expanded twice suggest).

use std::ops::Range;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Diagnostic {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub rendered: Option<String>,
    #[serde(default)]
    pub spans: Vec<Span>,
    #[serde(default)]
    pub children: Vec<Diagnostic>,
}

#[derive(Debug, Deserialize)]
pub struct Span {
    pub file_name: String,
    pub byte_start: usize,
    pub byte_end: usize,
    #[serde(default)]
    pub suggested_replacement: Option<String>,
    #[serde(default)]
    pub suggestion_applicability: Option<String>,
}

/// One edit: replace `range` of `file` by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub file: String,
    pub range: Range<usize>,
    pub text: String,
}

/// The edits of one suggestion (all in one file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub file: String,
    pub replacements: Vec<Replacement>,
}

/// A diagnostic of a stderr line, if the line is one.
pub fn parse(line: &str) -> Option<Diagnostic> {
    if !line.starts_with('{') {
        return None;
    }
    let d: Diagnostic = serde_json::from_str(line).ok()?;
    // Artifact notices and other JSON are not diagnostics.
    (d.rendered.is_some() || !d.message.is_empty()).then_some(d)
}

/// The suggestions of `diag`: machine-applicable only, unless `any`;
/// suggestions that touch several files are left out, as cargo does.
pub fn collect(diag: &Diagnostic, any: bool) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for child in &diag.children {
        let replacements: Vec<Replacement> = child
            .spans
            .iter()
            .filter(|s| any || s.suggestion_applicability.as_deref() == Some("MachineApplicable"))
            .filter_map(|s| {
                Some(Replacement {
                    file: s.file_name.clone(),
                    range: s.byte_start..s.byte_end,
                    text: s.suggested_replacement.clone()?,
                })
            })
            .collect();
        let Some(first) = replacements.first() else {
            continue;
        };
        let file = first.file.clone();
        if replacements.iter().any(|r| r.file != file) {
            continue;
        }
        out.push(Suggestion { file, replacements });
    }
    out
}

/// Why a suggestion could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyError {
    /// It overlaps an edit already made; `identical` when it is that edit.
    AlreadyReplaced {
        identical: bool,
    },
    InvalidRange(String),
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::AlreadyReplaced { .. } => {
                f.write_str("cannot replace slice of data that was already replaced")
            }
            ApplyError::InvalidRange(m) => f.write_str(m),
        }
    }
}

/// Source text with the edits of one pass: every range refers to the text
/// as it was at the start of the pass.
pub struct Edits<'a> {
    original: &'a [u8],
    done: Vec<(Range<usize>, String)>,
}

impl<'a> Edits<'a> {
    pub fn new(original: &'a [u8]) -> Self {
        Edits {
            original,
            done: Vec::new(),
        }
    }

    /// Apply all of `s` or nothing of it.
    pub fn apply(&mut self, s: &Suggestion) -> Result<(), ApplyError> {
        let len = self.original.len();
        let mut staged: Vec<(Range<usize>, String)> = Vec::new();
        for r in &s.replacements {
            let range = r.range.clone();
            if range.start > range.end {
                return Err(ApplyError::InvalidRange(format!(
                    "invalid range {range:?}, start is larger than end"
                )));
            }
            if range.end > len {
                return Err(ApplyError::InvalidRange(format!(
                    "invalid range {range:?}, original data is only {len} byte long"
                )));
            }
            for (done, text) in self.done.iter().chain(&staged) {
                if overlaps(done, &range) {
                    let identical = *done == range && *text == r.text;
                    return Err(ApplyError::AlreadyReplaced { identical });
                }
            }
            staged.push((range, r.text.clone()));
        }
        self.done.extend(staged);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// The text with every applied edit.
    pub fn result(&self) -> Vec<u8> {
        let mut edits: Vec<&(Range<usize>, String)> = self.done.iter().collect();
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        let mut out = Vec::with_capacity(self.original.len());
        let mut at = 0;
        for (r, text) in edits {
            out.extend_from_slice(&self.original[at..r.start]);
            out.extend_from_slice(text.as_bytes());
            at = r.end;
        }
        out.extend_from_slice(&self.original[at..]);
        out
    }
}

/// Two edits conflict when their ranges share a byte, or when an
/// insertion falls inside the other's range or at the other insertion's
/// place.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => a.start == b.start,
        (true, false) => b.start < a.start && a.start < b.end,
        (false, true) => a.start < b.start && b.start < a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sug(file: &str, edits: &[(Range<usize>, &str)]) -> Suggestion {
        Suggestion {
            file: file.into(),
            replacements: edits
                .iter()
                .map(|(r, t)| Replacement {
                    file: file.into(),
                    range: r.clone(),
                    text: t.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn collects_machine_applicable_help_from_children() {
        let line = r#"{"message":"unused mut","rendered":"warning","spans":[],"children":[
            {"message":"remove","spans":[{"file_name":"src/lib.rs","byte_start":4,"byte_end":8,"suggested_replacement":"","suggestion_applicability":"MachineApplicable"}],"children":[]},
            {"message":"maybe","spans":[{"file_name":"src/lib.rs","byte_start":0,"byte_end":1,"suggested_replacement":"x","suggestion_applicability":"MaybeIncorrect"}],"children":[]}]}"#
            .replace('\n', "");
        let d = parse(&line).unwrap();
        let strict = collect(&d, false);
        assert_eq!(strict, vec![sug("src/lib.rs", &[(4..8, "")])]);
        assert_eq!(collect(&d, true).len(), 2);
        assert!(parse(r#"{"$message_type":"artifact","artifact":"x","emit":"link"}"#).is_none());
    }

    #[test]
    fn applies_whole_suggestions_and_refuses_overlaps() {
        let text = b"let mut x = &y;";
        let mut e = Edits::new(text);
        e.apply(&sug("f", &[(4..8, "")])).unwrap();
        // The very same edit again: identical.
        assert_eq!(
            e.apply(&sug("f", &[(4..8, "")])),
            Err(ApplyError::AlreadyReplaced { identical: true })
        );
        // Overlapping, different: refused, and none of it applied.
        assert_eq!(
            e.apply(&sug("f", &[(12..13, ""), (6..9, "z")])),
            Err(ApplyError::AlreadyReplaced { identical: false })
        );
        e.apply(&sug("f", &[(12..13, "")])).unwrap();
        assert_eq!(e.result(), b"let x = y;");
        assert!(matches!(
            Edits::new(b"ab").apply(&sug("f", &[(1..9, "")])),
            Err(ApplyError::InvalidRange(m)) if m == "invalid range 1..9, original data is only 2 byte long"
        ));
    }
}
