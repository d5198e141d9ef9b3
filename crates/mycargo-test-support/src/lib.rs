//! Test support for mycargo's end-to-end tests.
//!
//! Every test gets a fresh temporary root (kept alive by the values built in
//! it) laid out as cargo's own test suite lays it out:
//!
//! ```text
//! [ROOT]/            a new temp dir, canonical path
//! [ROOT]/home/       HOME for the tools run from the test
//! [ROOT]/home/.cargo CARGO_HOME
//! [ROOT]/foo/        the project built by `project()`
//! ```
//!
//! - [`project()`] builds a package tree; [`Project::mycargo`] and
//!   [`Project::cargo`] run mycargo and the installed cargo in it, in a
//!   hermetic environment (see [`execs`]), returning an [`Execs`] builder
//!   with snapshot assertions.
//! - [`redact`] turns run-dependent text (temp paths, times, hashes) into
//!   placeholders so output can be compared with a snapshot, or mycargo's
//!   output with cargo's.
//! - [`compare`] checks that two trees made by the two tools are the same,
//!   byte for byte.
//! - [`git`] builds local git repositories for `file://` git dependencies.
//! - [`registry`] runs a local sparse registry on 127.0.0.1 with packages
//!   declared in code ([`registry::Package`]) and faults on demand.

pub mod compare;
pub mod execs;
pub mod git;
pub mod project;
pub mod redact;
pub mod registry;

pub use execs::{Execs, Output, Tool, cargo_bin, mycargo_bin, set_mycargo_bin};
pub use project::{Project, ProjectBuilder, TestRoot, project};
pub use redact::Redactor;
pub use snapbox::{Data, IntoData, assert_data_eq, file, str};

/// A minimal `[package]` manifest.
pub fn basic_manifest(name: &str, version: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2015\"\nauthors = []\n"
    )
}

/// A manifest with one binary target named like the package.
pub fn basic_bin_manifest(name: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.5.0\"\nedition = \"2015\"\nauthors = [\"wycats@example.com\"]\n\n[[bin]]\nname = \"{name}\"\n"
    )
}

/// A manifest with one library target named like the package.
pub fn basic_lib_manifest(name: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.5.0\"\nedition = \"2015\"\nauthors = [\"wycats@example.com\"]\n\n[lib]\nname = \"{name}\"\n"
    )
}

/// Writes an executable script at `path`.
///
/// The file is written by a child `sh`, never through a descriptor of this
/// process: a test binary runs tests on several threads, and a write
/// descriptor inherited by a child forked meanwhile on another thread would
/// make running the script fail with "Text file busy" (ETXTBSY).
#[cfg(unix)]
pub fn write_executable(path: &std::path::Path, contents: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sh to write a script");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(contents.as_bytes())
            .expect("write the script through sh");
    }
    let status = child.wait().expect("wait for sh");
    assert!(status.success(), "writing {} failed", path.display());
}

/// Writes a script at `path` (no executable bit to set off Unix).
#[cfg(not(unix))]
pub fn write_executable(path: &std::path::Path, contents: &str) {
    std::fs::write(path, contents).expect("write the script");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_manifest_shape() {
        assert_eq!(
            basic_manifest("foo", "0.1.0"),
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2015\"\nauthors = []\n"
        );
    }
}
