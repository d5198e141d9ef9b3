//! External subcommands: `mycargo foo ARGS` runs `cargo-foo foo ARGS` found
//! on `$CARGO_HOME/bin` + `PATH`, with `CARGO` set to mycargo's own path.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use mycargo_util::{CliError, CliResult};

use crate::context::GlobalContext;

/// Where plugins are looked for: `$CARGO_HOME/bin` first, unless PATH
/// already lists it (then PATH's order decides).
pub fn search_dirs(gctx: &GlobalContext) -> Vec<PathBuf> {
    let path = gctx.env.path_dirs();
    let bin = gctx.config.cargo_home().join("bin");
    let mut dirs = Vec::with_capacity(path.len() + 1);
    if !path.contains(&bin) {
        dirs.push(bin);
    }
    dirs.extend(path);
    dirs
}

/// Run `cargo-<name>`, replacing this process, or fail with cargo's
/// `no such command` error and suggestions.
pub fn exec(gctx: &mut GlobalContext, argv: Vec<OsString>) -> CliResult {
    let name = argv
        .first()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(path) = crate::dispatch::find_external(gctx, &name) else {
        return Err(no_such_command(gctx, &name));
    };
    let mut cmd = Command::new(&path);
    cmd.args(&argv);
    cmd.env("CARGO", &gctx.exe);
    Err(mycargo_util::process::exec_replace(&mut cmd))
}

/// `no such command: `x`` with a did-you-mean, exit 101.
pub fn no_such_command(gctx: &GlobalContext, name: &str) -> CliError {
    let mut msg = format!("no such command: `{name}`\n");
    let known = super::list::all_command_names(gctx);
    if let Some(best) = closest(name, known.iter().map(String::as_str)) {
        msg.push_str(&format!(
            "\nhelp: a command with a similar name exists: `{best}`\n"
        ));
    }
    msg.push_str("\nhelp: view all installed commands with `mycargo --list`");
    msg.push_str(&format!(
        "\nhelp: find a package to install `{name}` with `mycargo search cargo-{name}`"
    ));
    CliError::new(anyhow::anyhow!(msg), 101)
}

/// The candidate nearest to `word` by edit distance, if close enough
/// (cargo's threshold: fewer than 4 edits).
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d < 4)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("buidl", "build"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            closest("buidl", ["build", "bench", "check"].into_iter()),
            Some("build")
        );
        assert_eq!(closest("xyzzyq", ["build", "check"].into_iter()), None);
    }
}
