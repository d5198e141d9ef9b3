//! `mycargo --version`, `mycargo version` (`-v` for details).

use mycargo_util::CliResult;

use crate::context::GlobalContext;

/// The cargo release whose behaviour mycargo follows. `--version` leads
/// with it, as `cargo X.Y.Z (...)`, because tools (rust-analyzer,
/// cargo-hack, cargo_metadata users) parse that line to learn which cargo
/// features they may use.
pub const CARGO_COMPAT: &str = "1.95.0";

const COMMIT_HASH: &str = env!("MYCARGO_COMMIT_HASH");
const COMMIT_DATE: &str = env!("MYCARGO_COMMIT_DATE");

/// `cargo 1.95.0 (mycargo 0.1.0 927b80b 2026-11-21)`.
pub fn version_line() -> String {
    let mut inner = format!("mycargo {}", env!("CARGO_PKG_VERSION"));
    if let Some(short) = COMMIT_HASH.get(..9) {
        inner.push(' ');
        inner.push_str(short);
    }
    if !COMMIT_DATE.is_empty() {
        inner.push(' ');
        inner.push_str(COMMIT_DATE);
    }
    format!("cargo {CARGO_COMPAT} ({inner})")
}

pub fn print(gctx: &mut GlobalContext) -> CliResult {
    let mut text = version_line();
    text.push('\n');
    // Only the `-v` flag asks for details (as in cargo), not `term.verbose`.
    if gctx.args.verbose > 0 {
        text.push_str(&format!("release: {CARGO_COMPAT}\n"));
        if !COMMIT_HASH.is_empty() {
            text.push_str(&format!("commit-hash: {COMMIT_HASH}\n"));
            text.push_str(&format!("commit-date: {COMMIT_DATE}\n"));
        }
        text.push_str(&format!("mycargo: {}\n", env!("CARGO_PKG_VERSION")));
        text.push_str(&format!("host: {}\n", env!("MYCARGO_HOST_TRIPLE")));
        let (major, minor, rev) = git2::Version::get().libgit2_version();
        text.push_str(&format!("libgit2: {major}.{minor}.{rev}\n"));
        text.push_str(&format!(
            "os: {} [{}]\n",
            std::env::consts::OS,
            std::env::consts::ARCH
        ));
    }
    gctx.shell.out().write_all(text.as_bytes())?;
    Ok(())
}
