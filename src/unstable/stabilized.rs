//! `-Z` flags cargo has stabilized: accepted with cargo's warning that
//! they are no longer needed, or refused where another switch replaced
//! them (cargo's words, with the release each was stabilized in).

/// A stabilized flag: its release, cargo's note, and whether using it is
/// now an error.
struct Stabilized {
    flag: &'static str,
    release: &'static str,
    note: &'static str,
    error: bool,
}

const fn warn(flag: &'static str, release: &'static str, note: &'static str) -> Stabilized {
    Stabilized {
        flag,
        release,
        note,
        error: false,
    }
}

const STABILIZED: &[Stabilized] = &[
    warn(
        "compile-progress",
        "1.30",
        "The progress bar is now always enabled when used on an interactive console.\nSee https://doc.rust-lang.org/cargo/reference/config.html#termprogresswhen for information on controlling the progress bar.",
    ),
    Stabilized {
        flag: "offline",
        release: "1.36",
        note: "Offline mode is now available via the --offline CLI option",
        error: true,
    },
    warn(
        "cache-messages",
        "1.40",
        "Message caching is now always enabled.",
    ),
    warn(
        "install-upgrade",
        "1.41",
        "Packages are now always upgraded if they appear out of date.\nSee https://doc.rust-lang.org/cargo/commands/cargo-install.html for more information on how upgrading works.",
    ),
    warn(
        "config-profile",
        "1.43",
        "See https://doc.rust-lang.org/cargo/reference/config.html#profile for more information about specifying profiles in config.",
    ),
    warn(
        "crate-versions",
        "1.47",
        "The crate version is now automatically added to the documentation.",
    ),
    warn(
        "package-features",
        "1.51",
        "Enhanced feature flag behavior is now available in virtual workspaces, and `member/feature-name` syntax is also always available. Other extensions require setting `resolver = \"2\"` in Cargo.toml.\nSee https://doc.rust-lang.org/nightly/cargo/reference/features.html#resolver-version-2-command-line-flags for more information.",
    ),
    warn(
        "configurable-env",
        "1.56",
        "The [env] section is now always enabled.",
    ),
    warn(
        "extra-link-arg",
        "1.56",
        "Additional linker arguments are now supported without passing this flag.",
    ),
    warn(
        "patch-in-config",
        "1.56",
        "The patch-in-config feature is now always enabled.",
    ),
    warn(
        "named-profiles",
        "1.57",
        "The named-profiles feature is now always enabled.\nSee https://doc.rust-lang.org/nightly/cargo/reference/profiles.html#custom-profiles for more information",
    ),
    warn(
        "future-incompat-report",
        "1.59.0",
        "The future-incompat-report feature is now always enabled.",
    ),
    warn(
        "namespaced-features",
        "1.60",
        "Namespaced features are now always available.",
    ),
    warn(
        "timings",
        "1.60",
        "The -Ztimings option has been stabilized as --timings.",
    ),
    warn(
        "weak-dep-features",
        "1.60",
        "Weak dependency features are now always available.",
    ),
    warn(
        "multitarget",
        "1.64",
        "Multiple `--target` options are now always available.",
    ),
    warn(
        "sparse-registry",
        "1.68",
        "The sparse protocol is now the default for crates.io",
    ),
    warn(
        "terminal-width",
        "1.68",
        "The -Zterminal-width option is now always enabled for terminal output.",
    ),
    warn(
        "doctest-in-workspace",
        "1.72",
        "The doctest-in-workspace feature is now always enabled.",
    ),
    warn(
        "credential-process",
        "1.74",
        "Authentication with a credential provider is always available.",
    ),
    warn(
        "lints",
        "1.74",
        "The `[lints]` table is now always available.",
    ),
    warn(
        "registry-auth",
        "1.74",
        "Authenticated registries are available if a credential provider is configured.",
    ),
    warn(
        "check-cfg",
        "1.80",
        "Compile-time checking of conditional (a.k.a. `-Zcheck-cfg`) is now always enabled.",
    ),
    warn(
        "doctest-xcompile",
        "1.89",
        "Doctest cross-compiling is now always enabled.",
    ),
    warn(
        "package-workspace",
        "1.89",
        "Workspace packaging and publishing (a.k.a. `-Zpackage-workspace`) is now always enabled.",
    ),
    warn(
        "build-dir",
        "1.91",
        "build.build-dir is now always enabled.",
    ),
    warn(
        "config-include",
        "1.93",
        "The `include` config key is now always available",
    ),
];

/// cargo's `indented_lines`: each line indented by two spaces.
fn indented(text: &str) -> String {
    text.lines()
        .map(|l| match l.is_empty() {
            true => "\n".to_string(),
            false => format!("  {l}\n"),
        })
        .collect()
}

/// For a stabilized `flag`: `Ok(Some(warning))`, or cargo's error when it
/// is refused; `Ok(None)` when the flag was never stabilized.
pub fn check(flag: &str) -> anyhow::Result<Option<String>> {
    let Some(s) = STABILIZED.iter().find(|s| s.flag == flag) else {
        return Ok(None);
    };
    if s.error {
        anyhow::bail!(
            "flag `-Z {flag}` has been stabilized in the {} release\n{}",
            s.release,
            indented(s.note)
        );
    }
    Ok(Some(format!(
        "flag `-Z {flag}` has been stabilized in the {} release, and is no longer necessary\n{}",
        s.release,
        indented(s.note)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stabilized_flags_warn_or_fail_as_cargo() {
        let w = check("cache-messages").unwrap().unwrap();
        assert_eq!(
            w,
            "flag `-Z cache-messages` has been stabilized in the 1.40 release, and is no longer necessary\n  Message caching is now always enabled.\n"
        );
        let e = check("offline").unwrap_err().to_string();
        assert!(e.starts_with(
            "flag `-Z offline` has been stabilized in the 1.36 release\n  Offline mode"
        ));
        assert!(check("minimal-versions").unwrap().is_none());
    }
}
