//! `mycargo --version`, `mycargo version` (`-v` for details).

use mycargo_util::CliResult;

use crate::context::GlobalContext;

/// The cargo release whose behaviour mycargo follows.
pub const CARGO_COMPAT: &str = "1.95.0";

pub fn version_line() -> String {
    format!(
        "mycargo {} (compatible with cargo {CARGO_COMPAT})",
        env!("CARGO_PKG_VERSION")
    )
}

pub fn print(gctx: &mut GlobalContext) -> CliResult {
    let mut text = version_line();
    text.push('\n');
    // Only the `-v` flag asks for details (as in cargo), not `term.verbose`.
    if gctx.args.verbose > 0 {
        text.push_str(&format!("release: {}\n", env!("CARGO_PKG_VERSION")));
        text.push_str(&format!("cargo-compat: {CARGO_COMPAT}\n"));
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
