//! The profiles a build uses: the workspace manifest's `[profile.*]` with
//! configuration laid over them (`[profile]` in `.cargo/config.toml`,
//! `--config profile.*`, `CARGO_PROFILE_<NAME>_<KEY>`), as cargo merges
//! them; and the global incremental switch (`CARGO_INCREMENTAL`,
//! `build.incremental`).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::anyhow;
use mycargo_compiler::ProfileMaker;
use mycargo_config::TomlEntry;
use mycargo_manifest::schema::TomlProfile;
use mycargo_manifest::{Profile, Profiles, profile_from_config};

use crate::context::GlobalContext;

/// The scalar keys of a profile table: the variables read for each.
const KEYS: &[&str] = &[
    "opt-level",
    "lto",
    "codegen-backend",
    "codegen-units",
    "debug",
    "split-debuginfo",
    "debug-assertions",
    "rpath",
    "panic",
    "overflow-checks",
    "incremental",
    "dir-name",
    "inherits",
    "strip",
    "rustflags",
    "trim-paths",
    "hint-mostly-unused",
];

/// The [`ProfileMaker`] for `requested`, with configuration merged in;
/// `incremental` from [`incremental_override`] (read earlier, as cargo
/// reads it with the other build settings).
pub fn maker(
    gctx: &mut GlobalContext,
    ws: &mycargo_manifest::Workspace,
    requested: &str,
    incremental: Option<bool>,
) -> anyhow::Result<ProfileMaker> {
    let mut features = ws.root_cargo_features().to_vec();
    // `-Z profile-rustflags` stands for the manifest's opt-in.
    if gctx.unstable.profile_rustflags {
        features.push("profile-rustflags".to_string());
    }
    let profiles = effective(gctx, ws.profiles(), &features, requested)?;
    validate_inheritance(&profiles)?;
    ProfileMaker::new(requested, Some(&profiles), incremental)
}

/// cargo checks every defined profile's `inherits` before building, not
/// only the requested one's: none on `dev`/`release`, one on every other
/// profile, naming a defined profile, without a loop.
fn validate_inheritance(profiles: &Profiles) -> anyhow::Result<()> {
    let map = &profiles.profiles;
    for root in ["dev", "release"] {
        if map.get(root).is_some_and(|p| p.inherits.is_some()) {
            anyhow::bail!("`inherits` must not be specified in root profile `{root}`");
        }
    }
    let builtin_parent = |n: &str| match n {
        "test" | "doc" | "check" => Some("dev"),
        "bench" => Some("release"),
        _ => None,
    };
    for name in map
        .keys()
        .filter(|n| !matches!(n.as_str(), "dev" | "release"))
    {
        let mut chain = vec![name.clone()];
        let mut current = name.clone();
        // Each step adds a profile to the chain or stops: at most as many
        // steps as profiles.
        while current != "dev" && current != "release" {
            let parent = match map.get(&current).and_then(|p| p.inherits.clone()) {
                Some(p) => p,
                None => match builtin_parent(&current) {
                    Some(p) => p.to_string(),
                    None => anyhow::bail!(
                        "profile `{current}` is missing an `inherits` directive \
                         (`inherits` is required for all profiles except `dev` or `release`)"
                    ),
                },
            };
            if chain.contains(&parent) {
                anyhow::bail!(
                    "profile inheritance loop detected with profile `{current}` inheriting `{parent}`"
                );
            }
            if !map.contains_key(&parent)
                && builtin_parent(&parent).is_none()
                && !matches!(parent.as_str(), "dev" | "release")
            {
                anyhow::bail!(
                    "profile `{current}` inherits from `{parent}`, but that profile is not defined"
                );
            }
            chain.push(parent.clone());
            current = parent;
        }
    }
    Ok(())
}

/// cargo's `merge_config_profiles`: config over each manifest profile,
/// then config-only profiles reachable from the requested one, its
/// `inherits` chain and the built-ins.
pub fn effective(
    gctx: &mut GlobalContext,
    manifest: Option<&Profiles>,
    features: &[String],
    requested: &str,
) -> anyhow::Result<Profiles> {
    let mut profiles = manifest.cloned().unwrap_or_default().profiles;
    let mut warnings = Vec::new();
    let fields = env_fields();
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    let mut to_check: BTreeSet<String> = BTreeSet::new();
    to_check.insert(requested.to_string());
    for (name, profile) in profiles.iter_mut() {
        if let Some(c) = config_profile(gctx, name, &fields, features, &mut warnings)? {
            profile.merge(&c);
        }
        if let Some(parent) = &profile.inherits {
            to_check.insert(parent.clone());
        }
    }
    for name in ["dev", "release", "test", "bench"] {
        to_check.insert(name.to_string());
    }
    // Config-only profiles, following their `inherits` (bounded: each name
    // is looked at once).
    let mut seen = BTreeSet::new();
    while let Some(name) = to_check.pop_first() {
        if !seen.insert(name.clone()) || profiles.contains_key(&name) {
            continue;
        }
        if let Some(c) = config_profile(gctx, &name, &fields, features, &mut warnings)? {
            if let Some(parent) = &c.inherits {
                to_check.insert(parent.clone());
            }
            profiles.insert(name, c);
        }
    }
    for w in warnings {
        gctx.shell.warn(w)?;
    }
    Ok(Profiles { profiles })
}

/// The keys whose variables a profile table reads, `build-override` too.
fn env_fields() -> Vec<String> {
    KEYS.iter()
        .map(|k| k.to_string())
        .chain(KEYS.iter().map(|k| format!("build-override.{k}")))
        .collect()
}

/// `CARGO_INCREMENTAL` (`1` on, anything else off), else
/// `build.incremental`: overrides every profile's `incremental`.
pub fn incremental_override(gctx: &GlobalContext) -> anyhow::Result<Option<bool>> {
    if let Some(v) = gctx.env.get_os("CARGO_INCREMENTAL") {
        return Ok(Some(v == "1"));
    }
    Ok(gctx.config.get_bool("build.incremental")?.map(|v| v.val))
}

/// `[profile.<name>]` from configuration, checked and converted; `None`
/// when configuration does not define it.
fn config_profile(
    gctx: &GlobalContext,
    name: &str,
    fields: &[&str],
    features: &[String],
    warnings: &mut Vec<String>,
) -> anyhow::Result<Option<Profile>> {
    let key = format!("profile.{name}");
    let table = gctx.config.get_toml_table(&key, fields)?;
    if table.is_empty() {
        return Ok(None);
    }
    let toml = deserialize(&key, &table, warnings)?;
    let profile = profile_from_config(name, &toml, features, warnings).map_err(|e| {
        let mut err = anyhow!("{}", e.messages().last().copied().unwrap_or_default());
        for m in e.messages().iter().rev().skip(1) {
            err = err.context(m.to_string());
        }
        match table.values().next() {
            Some(entry) => err.context(format!(
                "config profile `{name}` is not valid (defined in `{}`)",
                entry.definition
            )),
            None => err,
        }
    })?;
    Ok(Some(profile))
}

/// The table as a [`TomlProfile`]: unknown keys warned about as cargo does,
/// a bad value named by its key and where it was defined.
fn deserialize(
    key: &str,
    table: &BTreeMap<String, TomlEntry>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<TomlProfile> {
    // A list from the environment is its words (cargo's rule for every
    // list read from an environment variable).
    let value = |k: &str, e: &TomlEntry| match (&e.definition, &e.value) {
        (mycargo_config::Definition::Environment(_), toml::Value::String(s))
            if k == "rustflags" =>
        {
            toml::Value::Array(
                s.split_whitespace()
                    .map(|w| toml::Value::String(w.to_string()))
                    .collect(),
            )
        }
        (_, v) => v.clone(),
    };
    let whole: toml::Table = table
        .iter()
        .map(|(k, e)| (k.clone(), value(k, e)))
        .collect();
    let mut unused = Vec::new();
    let parsed = serde_ignored::deserialize(toml::Value::Table(whole), |path| {
        unused.push(dotted_path(&path));
    });
    match parsed {
        Ok(p) => {
            for path in unused {
                let top = path.split('.').next().unwrap_or(&path);
                if let Some(e) = table.get(top) {
                    warnings.push(format!(
                        "unused config key `{key}.{path}` in `{}`",
                        e.definition
                    ));
                }
            }
            Ok(p)
        }
        Err(whole_err) => {
            // Find the entry at fault, for cargo's two-level message.
            for (k, e) in table {
                let one: toml::Table = [(k.clone(), value(k, e))].into_iter().collect();
                if let Err(err) = toml::Value::Table(one).try_into::<TomlProfile>() {
                    let outer = match &e.definition {
                        mycargo_config::Definition::Environment(_) => {
                            format!("environment variable `{}`", env_key(key))
                        }
                        d => d.to_string(),
                    };
                    return Err(anyhow!("{}", strip_key(&err))
                        .context(format!(
                            "error in {}: could not load config key `{key}.{k}`",
                            e.definition
                        ))
                        .context(format!(
                            "error in {outer}: could not load config key `{key}`"
                        )));
                }
            }
            Err(anyhow!("{whole_err}").context(format!("could not load config key `{key}`")))
        }
    }
}

/// `profile.dev` → `CARGO_PROFILE_DEV`.
fn env_key(key: &str) -> String {
    format!("CARGO_{}", key.replace(['.', '-'], "_").to_uppercase())
}

/// serde's message without toml's "for key `x`" suffix and location.
fn strip_key(err: &toml::de::Error) -> String {
    err.message().trim().to_string()
}

/// An ignored key's path as cargo shows it: the keys joined by dots,
/// without serde's `?` for optional and newtype values.
fn dotted_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    let mut parts = Vec::new();
    let mut cur = path;
    loop {
        match cur {
            P::Root => break,
            P::Map { parent, key } => {
                parts.push(key.clone());
                cur = parent;
            }
            P::Seq { parent, index } => {
                parts.push(index.to_string());
                cur = parent;
            }
            P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
                cur = parent;
            }
        }
    }
    parts.reverse();
    parts.join(".")
}
