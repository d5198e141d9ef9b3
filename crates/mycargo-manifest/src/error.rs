//! Errors of reading manifests and workspaces. Each displays its own
//! message; causes hang off [`std::error::Error::source`], so the shell's
//! `Caused by:` chain prints exactly what cargo prints.

use std::fmt;
use std::path::PathBuf;

use mycargo_util::TomlDiagnostic;

/// A chain of messages: `msg`, caused by `source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub message: String,
    pub source: Option<Box<Chain>>,
}

impl Chain {
    pub fn new(message: impl Into<String>) -> Chain {
        Chain {
            message: message.into(),
            source: None,
        }
    }

    /// `self` as the cause of a new outer `message`.
    pub fn context(self, message: impl Into<String>) -> Chain {
        Chain {
            message: message.into(),
            source: Some(Box::new(self)),
        }
    }

    /// All messages from the outermost in.
    pub fn messages(&self) -> Vec<&str> {
        let mut out = vec![self.message.as_str()];
        let mut cur = &self.source;
        while let Some(c) = cur {
            out.push(c.message.as_str());
            cur = &c.source;
        }
        out
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Chain {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|c| c as _)
    }
}

impl From<String> for Chain {
    fn from(s: String) -> Chain {
        Chain::new(s)
    }
}

impl From<&str> for Chain {
    fn from(s: &str) -> Chain {
        Chain::new(s)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("failed to read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A TOML syntax or type error at a place in the file.
    #[error("{0}")]
    Toml(Box<TomlDiagnostic>),
    /// The manifest is well-formed TOML but cargo rejects it.
    #[error("failed to parse manifest at `{}`", path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        source: Chain,
    },
    /// Located problems printed as their own `error:` lines before
    /// "failed to parse manifest at" (cargo's lint-style errors). Displays as
    /// the diagnostics joined by `\nerror: `, then that line.
    #[error("{}", render_emitted(path, diagnostics))]
    Emitted {
        path: PathBuf,
        diagnostics: Vec<TomlDiagnostic>,
    },
    /// No `Cargo.toml` in a directory or its parents.
    #[error(
        "could not find `Cargo.toml` in `{}` or any parent directory{}",
        cwd.display(),
        if *lowercase { ", but found cargo.toml please try to rename it to Cargo.toml" } else { "" }
    )]
    NotFound {
        cwd: PathBuf,
        /// A `cargo.toml` was there: cargo suggests the rename.
        lowercase: bool,
    },
    /// A single-file package read without `-Zscript`.
    #[error("{0}")]
    Script(Chain),
    /// A workspace-level problem (membership, roots, globs).
    #[error("{0}")]
    Workspace(Chain),
    /// A member of a workspace failed to load.
    #[error("failed to load manifest for workspace member `{}`\nreferenced{} by workspace at `{}`", member.display(), glob.as_ref().map(|g| format!(" via `{g}`")).unwrap_or_default(), root.display())]
    Member {
        member: PathBuf,
        /// The `members` entry, when it is a glob.
        glob: Option<String>,
        root: PathBuf,
        #[source]
        source: Box<ManifestError>,
    },
    /// A path dependency of a member failed to load.
    #[error("failed to load manifest for dependency `{name}`")]
    PathDependency {
        name: String,
        #[source]
        source: Box<ManifestError>,
    },
}

fn render_emitted(path: &std::path::Path, diagnostics: &[TomlDiagnostic]) -> String {
    let mut s = String::new();
    for d in diagnostics {
        s.push_str(&d.to_string());
        s.push_str("\nerror: ");
    }
    s.push_str(&format!("failed to parse manifest at `{}`", path.display()));
    s
}

impl ManifestError {
    pub(crate) fn invalid(path: &std::path::Path, source: impl Into<Chain>) -> ManifestError {
        ManifestError::Invalid {
            path: path.to_path_buf(),
            source: source.into(),
        }
    }

    /// The innermost TOML diagnostic, if the error is (or wraps) one.
    pub fn diagnostic(&self) -> Option<&TomlDiagnostic> {
        match self {
            ManifestError::Toml(d) => Some(d),
            ManifestError::Emitted { diagnostics, .. } => diagnostics.first(),
            ManifestError::Member { source, .. } | ManifestError::PathDependency { source, .. } => {
                source.diagnostic()
            }
            _ => None,
        }
    }

    /// Just the outermost message, as cargo's `verify-project` reports an
    /// error: a TOML error of this manifest in the parser's layout (see
    /// [`TomlDiagnostic::parser_style`]), a manifest rejected after located
    /// errors as "failed to parse manifest at", anything else as displayed
    /// without its causes.
    pub fn headline(&self) -> String {
        match self {
            ManifestError::Toml(d) => d.parser_style(),
            ManifestError::Emitted { path, .. } => {
                format!("failed to parse manifest at `{}`", path.display())
            }
            _ => self.to_string(),
        }
    }

    /// Every message of the error and its causes, outermost first.
    pub fn messages(&self) -> Vec<String> {
        let mut out = vec![self.to_string()];
        let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(self);
        while let Some(e) = cur {
            out.push(e.to_string());
            cur = e.source();
        }
        out
    }
}

/// cargo's `\n\nhelp: a {kind} with a similar name exists: `x``, or
/// nothing when no candidate is within three edits of `choice`.
pub(crate) fn closest_msg<'a>(
    choice: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    kind: &str,
) -> String {
    match mycargo_util::edit_distance::closest(choice, candidates) {
        Some(c) => format!("\n\nhelp: a {kind} with a similar name exists: `{c}`"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_msg_hints_only_when_close() {
        assert_eq!(
            closest_msg("serd", ["serde", "rand"], "feature"),
            "\n\nhelp: a feature with a similar name exists: `serde`"
        );
        assert_eq!(closest_msg("zzzzzz", ["a"], "feature"), "");
    }
}
