//! What `mycargo fix`'s rustc proxy tells the build it runs in.
//!
//! The proxy (mycargo started as rustc for the packages being fixed)
//! writes each message as one JSON line on its stderr, before the rustc
//! output it passes on, so the job queue reads them in order with that
//! output; cargo uses a TCP side channel for the same, but both ends here
//! are mycargo and stderr keeps the order for free.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use mycargo_util::Shell;
use serde::{Deserialize, Serialize};

/// The `$message_type` of a fix message line.
pub const MESSAGE_TYPE: &str = "mycargo-fix";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FixMessage {
    Migrating {
        file: String,
        from_edition: String,
        to_edition: String,
    },
    Fixing {
        file: String,
    },
    Fixed {
        file: String,
        fixes: u32,
    },
    FixFailed {
        files: Vec<String>,
        krate: Option<String>,
        errors: Vec<String>,
        abnormal_exit: Option<String>,
    },
    ReplaceFailed {
        file: String,
        message: String,
    },
    EditionAlreadyEnabled {
        message: String,
        edition: String,
        previous: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Line {
    #[serde(rename = "$message_type")]
    message_type: String,
    message: FixMessage,
}

impl FixMessage {
    /// The message as the proxy writes it (one line, no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(&Line {
            message_type: MESSAGE_TYPE.to_string(),
            message: self.clone(),
        })
        .unwrap_or_default()
    }

    /// The message a stderr line carries, if it is one.
    pub fn from_line(line: &str) -> Option<FixMessage> {
        if !line.starts_with("{\"$message_type\":\"mycargo-fix\"") {
            return None;
        }
        serde_json::from_str::<Line>(line).ok().map(|l| l.message)
    }
}

/// Shows fix messages as cargo does: `Migrating` and edition warnings
/// once each, the long edition advice once per edition.
#[derive(Default)]
pub struct FixPrinter {
    seen: HashSet<FixMessage>,
    long_edition_warning: HashSet<String>,
}

impl FixPrinter {
    pub fn print(
        &mut self,
        shell: &mut Shell,
        msg: &FixMessage,
        workspace_wrapper: Option<&Path>,
    ) -> std::io::Result<()> {
        match msg {
            FixMessage::Migrating {
                file,
                from_edition,
                to_edition,
            } => {
                if self.seen.insert(msg.clone()) {
                    shell.status(
                        "Migrating",
                        format!("{file} from {from_edition} edition to {to_edition}"),
                    )?;
                }
            }
            FixMessage::Fixing { file } => {
                if shell.verbosity() == mycargo_util::Verbosity::Verbose {
                    shell.status("Fixing", file)?;
                }
            }
            FixMessage::Fixed { file, fixes } => {
                let word = if *fixes == 1 { "fix" } else { "fixes" };
                shell.status("Fixed", format!("{file} ({fixes} {word})"))?;
            }
            FixMessage::ReplaceFailed { file, message } => {
                shell.warn(format!("error applying suggestions to `{file}`\n"))?;
                let text = format!(
                    "The full error message was:\n\n> {message}\n\n{}",
                    please_report(workspace_wrapper)
                );
                write!(shell.err(), "{text}")?;
            }
            FixMessage::FixFailed {
                files,
                krate,
                errors,
                abnormal_exit,
            } => {
                match krate {
                    Some(k) => shell.warn(format!(
                        "failed to automatically apply fixes suggested by rustc to crate `{k}`"
                    ))?,
                    None => shell.warn("failed to automatically apply fixes suggested by rustc")?,
                }
                let mut text = String::new();
                if !files.is_empty() {
                    text.push_str("\nafter fixes were automatically applied the compiler reported errors within these files:\n\n");
                    for f in files {
                        let _ = writeln!(text, "  * {f}");
                    }
                    text.push('\n');
                }
                text.push_str(&please_report(workspace_wrapper));
                if !errors.is_empty() {
                    text.push_str("The following errors were reported:\n");
                    for e in errors {
                        text.push_str(e);
                        if !e.ends_with('\n') {
                            text.push('\n');
                        }
                    }
                }
                if let Some(exit) = abnormal_exit {
                    let _ = writeln!(text, "rustc exited abnormally: {exit}");
                }
                text.push_str("Original diagnostics will follow.\n\n");
                write!(shell.err(), "{text}")?;
            }
            FixMessage::EditionAlreadyEnabled {
                message,
                edition,
                previous,
            } => {
                if !self.seen.insert(msg.clone()) {
                    return Ok(());
                }
                if self.long_edition_warning.insert(edition.clone()) {
                    shell.warn(format!(
                        "{message}\n\n\
                         If you are trying to migrate from the previous edition ({previous}), the\n\
                         process requires following these steps:\n\n\
                         1. Start with `edition = \"{previous}\"` in `Cargo.toml`\n\
                         2. Run `cargo fix --edition`\n\
                         3. Modify `Cargo.toml` to set `edition = \"{edition}\"`\n\
                         4. Run `cargo build` or `cargo test` to verify the fixes worked\n\n\
                         More details may be found at\n\
                         https://doc.rust-lang.org/edition-guide/editions/transitioning-an-existing-project-to-a-new-edition.html\n"
                    ))?;
                } else {
                    shell.warn(message)?;
                }
            }
        }
        Ok(())
    }
}

/// Whether the workspace wrapper is clippy's driver (`cargo clippy --fix`).
pub fn is_clippy(workspace_wrapper: Option<&Path>) -> bool {
    workspace_wrapper
        .and_then(Path::file_stem)
        .is_some_and(|s| s == "clippy-driver")
}

fn please_report(workspace_wrapper: Option<&Path>) -> String {
    let url = if is_clippy(workspace_wrapper) {
        "https://github.com/rust-lang/rust-clippy/issues"
    } else {
        "https://github.com/rust-lang/rust/issues"
    };
    format!(
        "This likely indicates a bug in either rustc or cargo itself,\n\
         and we would appreciate a bug report! You're likely to see\n\
         a number of compiler warnings after this message which cargo\n\
         attempted to fix but failed. If you could open an issue at\n\
         {url}\n\
         quoting the full output of this command we'd be very appreciative!\n\
         Note that you may be able to make some more progress in the near-term\n\
         fixing code with the `--broken-code` flag\n\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_survives_its_line() {
        let m = FixMessage::Fixed {
            file: "src/lib.rs".into(),
            fixes: 2,
        };
        let line = m.to_line();
        assert!(!line.contains('\n'));
        assert_eq!(FixMessage::from_line(&line), Some(m));
        assert_eq!(
            FixMessage::from_line("{\"$message_type\":\"diagnostic\"}"),
            None
        );
    }

    #[test]
    fn clippy_driver_is_recognised_by_its_stem() {
        assert!(is_clippy(Some(Path::new("/x/clippy-driver"))));
        assert!(!is_clippy(Some(Path::new("/x/echo-wrapper"))));
        assert!(!is_clippy(None));
    }
}
