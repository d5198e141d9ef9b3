//! rustc's JSON on stderr: diagnostics to show or pass on, and artifact
//! notices (an `.rmeta` is ready, so pipelined dependents may start).

use serde::Deserialize;

/// One line of rustc's stderr, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustcLine {
    Diagnostic {
        level: String,
        rendered: Option<String>,
        /// The whole JSON line, for `--message-format json`.
        raw: String,
        /// rustc's own "N warnings emitted" / "aborting due to" summaries,
        /// which cargo replaces with its own.
        is_summary: bool,
        /// A `help:` of it carries a machine-applicable suggestion (what
        /// `fix` would apply).
        machine_applicable: bool,
    },
    /// `{"$message_type":"artifact","artifact":"…","emit":"metadata"}`.
    Artifact { path: String, emit: String },
    /// `{"$message_type":"future_incompat","future_incompat_report":[…]}`:
    /// the lints that will become errors in a future Rust.
    FutureIncompat(Vec<FutureIncompatItem>),
    /// Anything else (plain text).
    Other(String),
}

/// One warning of a future-incompat report: rustc's rendered text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FutureIncompatItem {
    pub rendered: String,
    pub level: String,
}

#[derive(Deserialize)]
struct FutureBreakage {
    diagnostic: FutureIncompatItem,
}

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "$message_type")]
    message_type: Option<String>,
    level: Option<String>,
    message: Option<String>,
    rendered: Option<String>,
    artifact: Option<String>,
    emit: Option<String>,
    future_incompat_report: Option<Vec<FutureBreakage>>,
    #[serde(default)]
    children: Vec<ChildProbe>,
}

#[derive(Deserialize)]
struct ChildProbe {
    #[serde(default)]
    spans: Vec<SpanProbe>,
}

#[derive(Deserialize)]
struct SpanProbe {
    suggestion_applicability: Option<String>,
}

pub fn parse_line(line: &str) -> RustcLine {
    if !line.starts_with('{') {
        return RustcLine::Other(line.to_string());
    }
    let Ok(p) = serde_json::from_str::<Probe>(line) else {
        return RustcLine::Other(line.to_string());
    };
    match p.message_type.as_deref() {
        Some("artifact") => RustcLine::Artifact {
            path: p.artifact.unwrap_or_default(),
            emit: p.emit.unwrap_or_default(),
        },
        Some("future_incompat") => RustcLine::FutureIncompat(
            p.future_incompat_report
                .unwrap_or_default()
                .into_iter()
                .map(|b| b.diagnostic)
                .collect(),
        ),
        Some("diagnostic") | None if p.level.is_some() => {
            let message = p.message.unwrap_or_default();
            let is_summary = message.starts_with("aborting due to")
                || message.ends_with("warning emitted")
                || message.ends_with("warnings emitted");
            let machine_applicable = p.children.iter().any(|c| {
                c.spans
                    .iter()
                    .any(|s| s.suggestion_applicability.as_deref() == Some("MachineApplicable"))
            });
            RustcLine::Diagnostic {
                level: p.level.unwrap_or_default(),
                rendered: p.rendered,
                raw: line.to_string(),
                is_summary,
                machine_applicable,
            }
        }
        _ => RustcLine::Other(line.to_string()),
    }
}

/// Remove ANSI escape sequences (for a terminal without colour).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_and_diagnostic() {
        let a = parse_line(
            r#"{"$message_type":"artifact","artifact":"/t/libx.rmeta","emit":"metadata"}"#,
        );
        assert_eq!(
            a,
            RustcLine::Artifact {
                path: "/t/libx.rmeta".into(),
                emit: "metadata".into()
            }
        );
        let d = parse_line(
            r#"{"$message_type":"diagnostic","message":"unused","level":"warning","rendered":"warning: unused\n"}"#,
        );
        assert!(
            matches!(d, RustcLine::Diagnostic { ref level, is_summary: false, .. } if level == "warning")
        );
        let s = parse_line(
            r#"{"$message_type":"diagnostic","message":"1 warning emitted","level":"warning","rendered":"warning: 1 warning emitted\n"}"#,
        );
        assert!(matches!(
            s,
            RustcLine::Diagnostic {
                is_summary: true,
                ..
            }
        ));
        assert_eq!(parse_line("plain"), RustcLine::Other("plain".into()));
        let f = parse_line(
            r#"{"$message_type":"future_incompat","future_incompat_report":[{"future_breakage_date":null,"diagnostic":{"message":"m","level":"warning","rendered":"warning: m\n"}}]}"#,
        );
        assert_eq!(
            f,
            RustcLine::FutureIncompat(vec![FutureIncompatItem {
                rendered: "warning: m\n".into(),
                level: "warning".into()
            }])
        );
    }

    #[test]
    fn strips_colour() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[33mwarning\u{1b}[0m: x"),
            "warning: x"
        );
    }
}
