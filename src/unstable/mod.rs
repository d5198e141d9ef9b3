//! Nightly-only behaviour: which release channel this is, by cargo's rules,
//! and the `-Z` flags.
//!
//! cargo asks its own release channel; mycargo follows the toolchain it
//! drives instead (a nightly `rustc` makes a nightly mycargo), after
//! cargo's two overrides: `__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS`
//! (test harnesses only) and `RUSTC_BOOTSTRAP=1`. The compiler is asked at
//! most once, and only when something nightly-only is used.

mod stabilized;

use std::sync::{Arc, OnceLock};

use anyhow::bail;
use mycargo_util::Env;

/// `-Z` flags mycargo implements.
#[derive(Debug, Clone, Default)]
pub struct UnstableFlags {
    /// `-Z unstable-options`: unstable command-line options.
    pub unstable_options: bool,
    /// `-Z lockfile-path`: `resolver.lockfile-path` is read.
    pub lockfile_path: bool,
    /// `-Z script`: single-file packages (`mycargo file.rs`,
    /// `--manifest-path file.rs`).
    pub script: bool,
    /// `-Z publish-timeout`: `publish.timeout` is read.
    pub publish_timeout: bool,
    /// `-Z no-index-update`: registry indexes are read as cached, never
    /// updated.
    pub no_index_update: bool,
    /// `-Z asymmetric-token`: the `cargo:paseto` credential provider.
    pub asymmetric_token: bool,
    /// `-Z public-dependency`: `metadata` says which dependencies are
    /// public.
    pub public_dependency: bool,
    /// `-Z mtime-on-use`: a fresh unit's fingerprint is touched when used
    /// (for tools that clean what was not used lately).
    pub mtime_on_use: bool,
    /// `-Z target-applies-to-host`: `target-applies-to-host = false` keeps
    /// `[target.<host>]` from host units.
    pub target_applies_to_host: bool,
    /// `-Z host-config`: `[host]` configures host units.
    pub host_config: bool,
    /// `-Z any-build-script-metadata`.
    pub any_build_script_metadata: bool,
    /// `-Z build-dir-new-layout`: one directory per unit in the build
    /// directory.
    pub build_dir_new_layout: bool,
    /// `-Z fine-grain-locking` (implies the new layout).
    pub fine_grain_locking: bool,
    /// `-Z cargo-lints`: cargo's own lints of manifests (`[lints.cargo]`).
    pub cargo_lints: bool,
    /// `-Z minimal-versions`: the resolver picks the lowest versions.
    pub minimal_versions: bool,
    /// `-Z direct-minimal-versions`: the lowest versions for the
    /// members' own dependencies.
    pub direct_minimal_versions: bool,
    /// `-Z profile-rustflags`: `rustflags` in profiles without
    /// `cargo-features = ["profile-rustflags"]`.
    pub profile_rustflags: bool,
    /// `-Z feature-unification`: `resolver.feature-unification` is read
    /// (`selected` only so far; the others are refused).
    pub feature_unification: bool,
    /// `-Z build-analysis`: builds log to `$CARGO_HOME/log` (with
    /// `build.analysis.enabled`), and the `report timings`, `rebuilds` and
    /// `sessions` commands read the logs.
    pub build_analysis: bool,
    /// `-Z warnings`: `build.warnings` (`warn`, `allow`, `deny`) is read.
    pub warnings: bool,
    /// `-Z skip-rustdoc-fingerprint`: docs of another toolchain are kept.
    pub skip_rustdoc_fingerprint: bool,
    /// Warnings for flags cargo has stabilized (shown by the caller).
    pub stabilized_warnings: Vec<String>,
    /// `-Z root-dir=DIR`: what paths given to rustc are relative to (and
    /// where it runs) instead of the workspace root.
    pub root_dir: Option<std::path::PathBuf>,
}

/// `-Z` flags cargo 1.95 knows that mycargo does not implement yet.
const NOT_YET: &[&str] = &[
    "allow-features",
    "advanced-env",
    "avoid-dev-deps",
    "binary-dep-depinfo",
    "bindeps",
    "build-std",
    "build-std-features",
    "checksum-freshness",
    "codegen-backend",
    "dual-proc-macros",
    "fix-edition",
    "gc",
    "git",
    "gitoxide",
    "json-target-spec",
    "msrv-policy",
    "next-lockfile-bump",
    "no-embed-metadata",
    "panic-abort-tests",
    "panic-immediate-abort",
    "print-im-a-teapot",
    "profile-hint-mostly-unused",
    "rustc-unicode",
    "rustdoc-depinfo",
    "rustdoc-map",
    "rustdoc-mergeable-info",
    "rustdoc-scrape-examples",
    "sbom",
    "section-timings",
    "separate-nightlies",
    "trim-paths",
];

/// The `-Z` flags configuration turns on, on nightly only (cargo ignores
/// the `[unstable]` table elsewhere): `unstable.<flag> = true` in a file
/// or `--config`, or `CARGO_UNSTABLE_<FLAG>=true`. They come before the
/// command line's. Keys cargo does not know are left alone, as cargo
/// leaves them.
pub fn from_config(
    config: &mycargo_config::Config,
    env: &Env,
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let mut keys = config.table_keys("unstable").unwrap_or_default();
    for (k, _) in env.iter() {
        if let Some(flag) = k.to_str().and_then(|k| k.strip_prefix("CARGO_UNSTABLE_")) {
            keys.push(flag.to_lowercase().replace('_', "-"));
        }
    }
    // The channel costs a `rustc -vV`: asked only when there is a table.
    if keys.is_empty() || !nightly_allowed(env) {
        return Ok((Vec::new(), Vec::new()));
    }
    keys.sort();
    keys.dedup();
    let (mut flags, mut warnings) = (Vec::new(), Vec::new());
    for k in keys {
        // A flag mycargo lacks is passed over with a warning rather than
        // failing every command run in that project.
        if NOT_YET.contains(&k.as_str()) {
            warnings.push(format!(
                "`unstable.{k}` in the configuration is not supported by mycargo yet; ignored"
            ));
            continue;
        }
        if !KNOWN.iter().any(|(n, _)| *n == k) {
            continue;
        }
        if config
            .get_bool(&format!("unstable.{k}"))?
            .is_some_and(|v| v.val)
        {
            flags.push(k);
        }
    }
    Ok((flags, warnings))
}

/// Where each boolean `-Z` flag mycargo implements is kept.
type Slot = fn(&mut UnstableFlags) -> &mut bool;

/// The boolean `-Z` flags mycargo implements, by name.
const KNOWN: &[(&str, Slot)] = &[
    ("unstable-options", |f| &mut f.unstable_options),
    ("lockfile-path", |f| &mut f.lockfile_path),
    ("script", |f| &mut f.script),
    ("publish-timeout", |f| &mut f.publish_timeout),
    ("no-index-update", |f| &mut f.no_index_update),
    ("asymmetric-token", |f| &mut f.asymmetric_token),
    ("public-dependency", |f| &mut f.public_dependency),
    ("mtime-on-use", |f| &mut f.mtime_on_use),
    ("target-applies-to-host", |f| &mut f.target_applies_to_host),
    ("host-config", |f| &mut f.host_config),
    ("any-build-script-metadata", |f| {
        &mut f.any_build_script_metadata
    }),
    ("build-dir-new-layout", |f| &mut f.build_dir_new_layout),
    ("fine-grain-locking", |f| &mut f.fine_grain_locking),
    ("cargo-lints", |f| &mut f.cargo_lints),
    ("minimal-versions", |f| &mut f.minimal_versions),
    ("direct-minimal-versions", |f| {
        &mut f.direct_minimal_versions
    }),
    ("profile-rustflags", |f| &mut f.profile_rustflags),
    ("feature-unification", |f| &mut f.feature_unification),
    ("build-analysis", |f| &mut f.build_analysis),
    ("warnings", |f| &mut f.warnings),
    ("skip-rustdoc-fingerprint", |f| {
        &mut f.skip_rustdoc_fingerprint
    }),
];

/// cargo's channel name: `stable`, `beta`, `nightly` or `dev`.
pub fn channel(env: &Env) -> String {
    if let Some(c) = env.get("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS") {
        return c.to_string();
    }
    if env.get("RUSTC_BOOTSTRAP") == Some("1") {
        return "dev".to_string();
    }
    rustc_channel(env)
}

/// Whether nightly features are allowed (the `nightly` and `dev` channels).
pub fn nightly_allowed(env: &Env) -> bool {
    matches!(channel(env).as_str(), "nightly" | "dev")
}

/// The same question, asked lazily and once, for manifest reading.
pub fn nightly_gate(env: &Env) -> mycargo_manifest::NightlyGate {
    let env = env.clone();
    let cell: Arc<OnceLock<bool>> = Arc::new(OnceLock::new());
    mycargo_manifest::NightlyGate::new(move || *cell.get_or_init(|| nightly_allowed(&env)))
}

/// The channel of `$RUSTC` (or `rustc`), from its `-vV` release line.
fn rustc_channel(env: &Env) -> String {
    let rustc = env
        .get_os("RUSTC")
        .filter(|v| !v.is_empty())
        .map(|v| v.to_os_string())
        .unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(rustc)
        .arg("-vV")
        .current_dir(env.cwd())
        .output();
    let text = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        _ => return "stable".to_string(),
    };
    let release = text
        .lines()
        .find_map(|l| l.strip_prefix("release: "))
        .unwrap_or("");
    release_channel(release).to_string()
}

fn release_channel(release: &str) -> &'static str {
    if release.contains("-nightly") {
        "nightly"
    } else if release.contains("-beta") {
        "beta"
    } else if release.contains("-dev") {
        "dev"
    } else {
        "stable"
    }
}

/// Parse the `-Z` flags with cargo's errors: refused on stable, unknown
/// ones named, and the ones mycargo lacks refused clearly.
pub fn parse(flags: &[String], env: &Env) -> anyhow::Result<UnstableFlags> {
    let mut out = UnstableFlags::default();
    if flags.is_empty() {
        return Ok(out);
    }
    let ch = channel(env);
    if !matches!(ch.as_str(), "nightly" | "dev") {
        bail!(
            "the `-Z` flag is only accepted on the nightly channel of Cargo, but this is the `{ch}` channel\n\
             See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels."
        );
    }
    for flag in flags {
        let (k, v) = match flag.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (flag.as_str(), None),
        };
        if k == "root-dir" {
            let Some(dir) = v else {
                bail!("flag -Zroot-dir requires a value");
            };
            out.root_dir = Some(mycargo_util::fs::normalize_path(&env.cwd().join(dir)));
            continue;
        }
        if let Some(w) = stabilized::check(k)? {
            out.stabilized_warnings.push(w);
            continue;
        }
        let slot = match KNOWN.iter().find(|(n, _)| *n == k) {
            Some((_, slot)) => slot(&mut out),
            None if NOT_YET.contains(&k) => bail!(
                "`-Z {k}` is not supported by mycargo yet\n\
                 mycargo supports {} and `-Z public-dependency` (in `metadata`)",
                KNOWN
                    .iter()
                    .filter(|(n, _)| *n != "public-dependency")
                    .map(|(n, _)| format!("`-Z {n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => bail!(
                "unknown `-Z` flag specified: {k}\n\n\
                 For available unstable features, see https://doc.rust-lang.org/nightly/cargo/reference/unstable.html\n\
                 If you intended to use an unstable rustc feature, try setting `RUSTFLAGS=\"-Z{k}\"`"
            ),
        };
        if let Some(v) = v {
            bail!("flag -Z{k} does not take a value, found: `{v}`");
        }
        *slot = true;
    }
    // Locking units needs them in directories of their own.
    out.build_dir_new_layout |= out.fine_grain_locking;
    Ok(out)
}

/// cargo's error for an unstable option used without `-Z unstable-options`.
pub fn fail_if_stable_opt(
    unstable: &UnstableFlags,
    env: &Env,
    flag: &str,
    issue: u32,
) -> anyhow::Result<()> {
    if unstable.unstable_options {
        return Ok(());
    }
    let see = format!(
        "See https://github.com/rust-lang/cargo/issues/{issue} for more information about the `{flag}` flag."
    );
    let ch = channel(env);
    if matches!(ch.as_str(), "nightly" | "dev") {
        bail!("the `{flag}` flag is unstable, pass `-Z unstable-options` to enable it\n{see}");
    }
    bail!(
        "the `{flag}` flag is unstable, and only available on the nightly channel of Cargo, but this is the `{ch}` channel\n\
         See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n\
         {see}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(
            std::env::temp_dir(),
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    }

    #[test]
    fn channel_follows_cargos_overrides() {
        let e = env(&[("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly")]);
        assert_eq!(channel(&e), "nightly");
        assert_eq!(channel(&env(&[("RUSTC_BOOTSTRAP", "1")])), "dev");
        assert_eq!(release_channel("1.97.0-nightly"), "nightly");
        assert_eq!(release_channel("1.96.0-beta.3"), "beta");
        assert_eq!(release_channel("1.95.0"), "stable");
    }

    #[test]
    fn flags_on_nightly() {
        let e = env(&[("RUSTC_BOOTSTRAP", "1")]);
        let f = parse(&["unstable-options".into()], &e).expect("parse");
        assert!(f.unstable_options && !f.lockfile_path);
        let err = parse(&["no-such".into()], &e).expect_err("unknown");
        assert!(
            err.to_string()
                .starts_with("unknown `-Z` flag specified: no-such")
        );
        let err = parse(&["build-std".into()], &e).expect_err("not yet");
        assert!(err.to_string().contains("not supported by mycargo yet"));
        let err = parse(&["unstable-options=yes".into()], &e).expect_err("value");
        assert!(err.to_string().contains("does not take a value"));
    }
}
