//! `mycargo --list`: built-in commands, aliases and plugins on the path.

use std::collections::BTreeMap;

use mycargo_util::CliResult;

use crate::cli::{BUILTIN_ALIASES, builtin_commands};
use crate::context::GlobalContext;

/// Plugins whose descriptions cargo knows without running them.
const KNOWN_EXTERNAL: &[(&str, &str)] = &[
    (
        "clippy",
        "Checks a package to catch common mistakes and improve your Rust code.",
    ),
    (
        "fmt",
        "Formats all bin and lib files of the current crate using rustfmt.",
    ),
];

/// Every command name mycargo knows: built-ins, aliases, plugins.
fn commands(gctx: &GlobalContext) -> BTreeMap<String, String> {
    let verbose = gctx.shell.verbosity() == mycargo_util::shell::Verbosity::Verbose;
    let mut out = BTreeMap::new();
    for (name, path) in external_names(gctx) {
        // A plugin is described when cargo knows it, else (with `-v`)
        // shown by where it is.
        let about = KNOWN_EXTERNAL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| a.to_string())
            .or_else(|| verbose.then(|| path.display().to_string()))
            .unwrap_or_default();
        out.insert(name, about);
    }
    for (alias, target) in BUILTIN_ALIASES {
        out.insert(alias.to_string(), format!("alias: {target}"));
    }
    if let Ok(aliases) = gctx.config.aliases() {
        for (name, expansion) in aliases {
            out.insert(name, format!("alias: {}", expansion.join(" ")));
        }
    }
    for (name, about) in builtin_commands() {
        out.insert(name, about);
    }
    out
}

pub fn all_command_names(gctx: &GlobalContext) -> Vec<String> {
    commands(gctx).into_keys().collect()
}

/// Names (and paths) of `cargo-*` executables in the plugin search path,
/// the first of each name.
fn external_names(gctx: &GlobalContext) -> Vec<(String, std::path::PathBuf)> {
    let suffix = std::env::consts::EXE_SUFFIX;
    let mut names = Vec::new();
    for dir in super::external::search_dirs(gctx) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name();
            let Some(file) = file.to_str() else { continue };
            let Some(rest) = file.strip_prefix("cargo-") else {
                continue;
            };
            let Some(name) = rest.strip_suffix(suffix) else {
                continue;
            };
            if !name.is_empty()
                && mycargo_util::process::is_executable(&entry.path())
                && !names.iter().any(|(n, _)| n == name)
            {
                names.push((name.to_string(), entry.path()));
            }
        }
    }
    names
}

pub fn print(gctx: &mut GlobalContext) -> CliResult {
    let mut text = String::from("Installed Commands:\n");
    for (name, about) in commands(gctx) {
        if about.is_empty() {
            text.push_str(&format!("    {name}\n"));
        } else {
            text.push_str(&format!("    {name:<20} {about}\n"));
        }
    }
    // A reader that went away (`cargo --list | head`) is no error.
    match gctx.shell.out().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}
