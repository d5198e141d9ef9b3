//! Build settings from flags, config and the environment, each in cargo's
//! precedence: jobs, target dir, profile, rustc and wrappers, RUSTFLAGS,
//! linker.

use std::path::PathBuf;

use anyhow::bail;
use mycargo_core::{Cfg, CfgExpr};

use crate::context::GlobalContext;

/// `-j` / `build.jobs`: a positive number, a negative one (CPUs + N), or
/// `default`.
pub fn jobs(gctx: &GlobalContext, flag: Option<&str>) -> anyhow::Result<u32> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as i64;
    let raw = match flag {
        Some(j) => Some(j.to_string()),
        None => match gctx.config.get_string("build.jobs") {
            Ok(v) => v.map(|v| v.val),
            Err(not_string) => match gctx.config.get_i64("build.jobs") {
                Ok(v) => v.map(|v| v.val.to_string()),
                // Neither: cargo's serde wording for what was found.
                Err(_) => match gctx.config.raw_at(&["build", "jobs"])? {
                    Some(other) => {
                        return Err(wrong_type(
                            gctx,
                            &["build", "jobs"],
                            &other,
                            "an integer or string",
                        )?);
                    }
                    None => return Err(not_string),
                },
            },
        },
    };
    let n = match raw.as_deref() {
        None | Some("default") => cpus,
        Some(s) => {
            let n: i64 = s.parse().map_err(|_| {
                anyhow::anyhow!(
                    "could not parse `{s}`. Number of parallel jobs should be `default` or a number."
                )
            })?;
            if n == 0 {
                bail!("jobs may not be 0");
            }
            if n < 0 { (cpus + n).max(1) } else { n }
        }
    };
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// cargo's error for a `[build]` key of the wrong type (it reads the
/// table with serde): ``error in FILE: could not load config key `KEY` ``
/// caused by ``invalid type: map, expected WHAT``.
fn wrong_type(
    gctx: &GlobalContext,
    key: &[&str],
    found: &mycargo_config::RawValue,
    expected: &str,
) -> anyhow::Result<anyhow::Error> {
    use mycargo_config::RawValue;
    let found = match found {
        RawValue::Table(_) => "map".to_string(),
        RawValue::List(_) => "sequence".to_string(),
        RawValue::Boolean(b) => format!("boolean `{b}`"),
        RawValue::Integer(i) => format!("integer `{i}`"),
        RawValue::String(s) => format!("string {s:?}"),
    };
    let def = gctx
        .config
        .definition_at(key)?
        .map(|d| d.to_string())
        .unwrap_or_default();
    Ok(
        anyhow::anyhow!("invalid type: {found}, expected {expected}").context(format!(
            "error in {def}: could not load config key `{}`",
            key.join(".")
        )),
    )
}

/// `build.target`: one triple (an array of several is not supported
/// yet); cargo's error, given twice as cargo gives it, for another type.
pub fn build_target(gctx: &GlobalContext) -> anyhow::Result<Option<String>> {
    use mycargo_config::RawValue;
    let not_string = match gctx.config.get_string("build.target") {
        Ok(v) => return Ok(v.map(|v| v.val)),
        Err(e) => e,
    };
    match gctx.config.raw_at(&["build", "target"])? {
        None | Some(RawValue::String(_)) => Err(not_string),
        Some(RawValue::List(items)) => match items.as_slice() {
            [RawValue::String(_)] => Ok(gctx
                .config
                .get_string_list("build.target")?
                .and_then(|v| v.val.into_iter().next())),
            _ => bail!("`build.target` with several targets is not supported by mycargo yet"),
        },
        Some(other) => {
            let e = wrong_type(gctx, &["build", "target"], &other, "a string or array")?;
            let def = gctx
                .config
                .definition_at(&["build", "target"])?
                .map(|d| d.to_string())
                .unwrap_or_default();
            Err(e.context(format!(
                "error in {def}: could not load config key `build.target`"
            )))
        }
    }
}

/// `--target-dir` > `CARGO_TARGET_DIR` / `build.target-dir` > `<ws>/target`.
pub fn target_dir(
    gctx: &GlobalContext,
    flag: Option<&std::path::Path>,
    default: PathBuf,
) -> anyhow::Result<PathBuf> {
    if let Some(d) = flag {
        return Ok(gctx.cwd().join(d));
    }
    Ok(gctx
        .config
        .get_path("build.target-dir")?
        .map(|v| v.val)
        .unwrap_or(default))
}

/// `build.build-dir`, with cargo's `{workspace-root}` and
/// `{cargo-cache-home}` templates; `None` when not configured.
pub fn configured_build_dir(
    gctx: &GlobalContext,
    ws: &mycargo_manifest::Workspace,
) -> anyhow::Result<Option<PathBuf>> {
    let Some(value) = gctx.config.get_string("build.build-dir")? else {
        return Ok(None);
    };
    if value.val.is_empty() {
        // The config crate words this error.
        gctx.config.get_path("build.build-dir")?;
    }
    let raw = expand_build_dir_template(
        &value.val,
        &ws.root().display().to_string(),
        &gctx.config.cargo_home().display().to_string(),
        || {
            let manifest = ws.root_manifest();
            let real = manifest
                .canonicalize()
                .unwrap_or_else(|_| manifest.to_path_buf());
            mycargo_sources::git::short_hash(&real)
        },
    )?;
    Ok(Some(mycargo_util::fs::normalize_path(
        &value.definition.root(gctx.cwd()).join(raw),
    )))
}

/// `build.build-dir`'s template variables replaced: `{workspace-root}`,
/// `{cargo-cache-home}` and `{workspace-path-hash}` (the workspace
/// manifest's hash, split `ab/cdef…` as cargo splits it); anything else
/// in braces is cargo's error.
fn expand_build_dir_template(
    template: &str,
    workspace_root: &str,
    cargo_home: &str,
    path_hash: impl FnOnce() -> String,
) -> anyhow::Result<String> {
    const VARS: [&str; 3] = ["workspace-root", "cargo-cache-home", "workspace-path-hash"];
    let mut raw = template
        .replace("{workspace-root}", workspace_root)
        .replace("{cargo-cache-home}", cargo_home);
    if raw.contains("{workspace-path-hash}") {
        let hash = path_hash();
        let split = format!("{}{}{}", &hash[..2], std::path::MAIN_SEPARATOR, &hash[2..]);
        raw = raw.replace("{workspace-path-hash}", &split);
    }
    if let Some(start) = raw.find('{')
        && let Some(end) = raw.rfind('}')
        && end > start
    {
        let name = &raw[start + 1..end];
        let help = match mycargo_util::edit_distance::closest(name, VARS) {
            Some(near) => format!("a template variable with a similar name exists: `{near}`"),
            None => "available template variables are `{workspace-root}`, `{cargo-cache-home}`, `{workspace-path-hash}`".to_string(),
        };
        bail!("unexpected variable `{name}` in build.build-dir path `{template}`\n\nhelp: {help}");
    }
    if raw.contains('{') {
        bail!("unexpected opening bracket `{{` in build.build-dir path `{template}`");
    }
    if raw.contains('}') {
        bail!("unexpected closing bracket `}}` in build.build-dir path `{template}`");
    }
    Ok(raw)
}

/// Where intermediate build files go: `build.build-dir`, else the target
/// directory.
pub fn build_dir(
    gctx: &GlobalContext,
    ws: &mycargo_manifest::Workspace,
    target_dir: &std::path::Path,
) -> anyhow::Result<PathBuf> {
    if let Some(dir) = configured_build_dir(gctx, ws)? {
        return Ok(dir);
    }
    // A script builds in its own directory under `CARGO_HOME`, unless a
    // target directory was asked for.
    match ws.script_build_dir() {
        Some(dir) if target_dir == ws.default_target_dir() => Ok(dir.to_path_buf()),
        _ => Ok(target_dir.to_path_buf()),
    }
}

/// The compiler as configuration names it (`RUSTC`, the wrappers), with
/// its probe cache in `target_dir`.
pub fn rustc_options(
    gctx: &GlobalContext,
    target_dir: &std::path::Path,
) -> anyhow::Result<mycargo_compiler::rustc_info::RustcOptions> {
    Ok(mycargo_compiler::rustc_info::RustcOptions {
        path: program(gctx, "RUSTC", "build.rustc")?.unwrap_or_else(|| "rustc".into()),
        wrapper: program(gctx, "RUSTC_WRAPPER", "build.rustc-wrapper")?,
        workspace_wrapper: program(
            gctx,
            "RUSTC_WORKSPACE_WRAPPER",
            "build.rustc-workspace-wrapper",
        )?,
        cache_location: Some(target_dir.join(".rustc_info.json")),
    })
}

/// A program from config or the environment (`RUSTC`, `build.rustc`, …).
pub fn program(gctx: &GlobalContext, env: &str, key: &str) -> anyhow::Result<Option<PathBuf>> {
    if let Some(v) = gctx.env.get_os(env).filter(|v| !v.is_empty()) {
        // A path (not a bare name) is relative to where mycargo runs.
        let path = PathBuf::from(v);
        if path.components().count() > 1 {
            return Ok(Some(gctx.cwd().join(path)));
        }
        return Ok(Some(path));
    }
    Ok(gctx.config.get_program(key)?.map(|v| v.val))
}

/// RUSTFLAGS for a platform, first source that is set wins:
/// `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, `target.<triple>.rustflags` plus
/// every matching `target.<cfg>.rustflags`, `build.rustflags`.
pub fn rustflags(gctx: &GlobalContext, triple: &str, cfgs: &[Cfg]) -> anyhow::Result<Vec<String>> {
    if let Some(enc) = gctx.env.get("CARGO_ENCODED_RUSTFLAGS") {
        return Ok(enc
            .split('\u{1f}')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect());
    }
    if let Some(flags) = gctx.env.get("RUSTFLAGS") {
        return Ok(flags.split_whitespace().map(str::to_string).collect());
    }
    let mut out = Vec::new();
    let mut found = false;
    if let Some(v) = gctx
        .config
        .get_string_list(&format!("target.{triple}.rustflags"))?
    {
        out.extend(v.val);
        found = true;
    }
    for key in gctx.config.table_keys("target")? {
        if let Some(expr) = key.strip_prefix("cfg(").and_then(|k| k.strip_suffix(')'))
            && let Ok(e) = expr.parse::<CfgExpr>()
            && e.matches(cfgs)
            && let Some(v) = gctx
                .config
                .get_string_list(&format!("target.{key}.rustflags"))?
        {
            out.extend(v.val);
            found = true;
        }
    }
    if found {
        return Ok(out);
    }
    Ok(gctx
        .config
        .get_string_list("build.rustflags")?
        .map(|v| v.val)
        .unwrap_or_default())
}

/// RUSTDOCFLAGS, first source that is set wins: `CARGO_ENCODED_RUSTDOCFLAGS`,
/// `RUSTDOCFLAGS`, `target.<triple>.rustdocflags`, `build.rustdocflags`.
pub fn rustdocflags(gctx: &GlobalContext, triple: &str) -> anyhow::Result<Vec<String>> {
    if let Some(enc) = gctx.env.get("CARGO_ENCODED_RUSTDOCFLAGS") {
        return Ok(enc
            .split('\u{1f}')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect());
    }
    if let Some(flags) = gctx.env.get("RUSTDOCFLAGS") {
        return Ok(flags.split_whitespace().map(str::to_string).collect());
    }
    for key in [
        format!("target.{triple}.rustdocflags"),
        "build.rustdocflags".to_string(),
    ] {
        if let Some(v) = gctx.config.get_string_list(&key)? {
            return Ok(v.val);
        }
    }
    Ok(Vec::new())
}

/// `target.<triple>.runner`, else the one matching `target.<cfg>.runner`
/// (more than one match is an error, as in cargo).
pub fn runner(
    gctx: &GlobalContext,
    triple: &str,
    cfgs: &[Cfg],
) -> anyhow::Result<Option<Vec<String>>> {
    let own = gctx
        .config
        .get_path_and_args(&format!("target.{triple}.runner"), true)?;
    // cargo reads every `target.'cfg(..)'` table, matching or not.
    let mut found: Vec<(String, Vec<String>, String)> = Vec::new();
    for key in gctx.config.table_keys("target")? {
        let Some(expr) = key.strip_prefix("cfg(").and_then(|k| k.strip_suffix(')')) else {
            continue;
        };
        let runner = gctx
            .config
            .get_path_and_args(&format!("target.{key}.runner"), true)?;
        if let Some(v) = runner
            && expr.parse::<CfgExpr>().is_ok_and(|e| e.matches(cfgs))
        {
            found.push((key, v.val, v.definition.to_string()));
        }
    }
    if let Some(v) = own {
        return Ok(Some(v.val));
    }
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop().map(|(_, v, _)| v)),
        _ => bail!(
            "several matching instances of `target.'cfg(..)'.runner` in configurations\nfirst match `{}` located in {}\nsecond match `{}` located in {}",
            found[0].0,
            found[0].2,
            found[1].0,
            found[1].2
        ),
    }
}

/// `build.warnings`: checked whatever the channel (cargo reads the whole
/// `[build]` table), used with `-Z warnings` only.
pub fn warnings(gctx: &GlobalContext) -> anyhow::Result<mycargo_compiler::WarningHandling> {
    use mycargo_compiler::WarningHandling;
    let Some(v) = gctx.config.get_string("build.warnings")? else {
        return Ok(WarningHandling::Warn);
    };
    let handling = match v.val.as_str() {
        "warn" => WarningHandling::Warn,
        "allow" => WarningHandling::Allow,
        "deny" => WarningHandling::Deny,
        other => anyhow::bail!(
            "error in {}: could not load config key `build.warnings`\n\n\
             Caused by:\n  unknown variant `{other}`, expected one of `warn`, `allow`, `deny`",
            v.definition
        ),
    };
    Ok(match gctx.unstable.warnings {
        true => handling,
        false => WarningHandling::Warn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_dir_templates_expand_or_fail_as_cargo() {
        let expand = |t: &str| {
            expand_build_dir_template(t, "/ws", "/home/.cargo", || "0123456789abcdef".into())
        };
        assert_eq!(expand("{workspace-root}/b").unwrap(), "/ws/b");
        assert_eq!(expand("{cargo-cache-home}/b").unwrap(), "/home/.cargo/b");
        assert_eq!(
            expand("x/{workspace-path-hash}").unwrap(),
            "x/01/23456789abcdef"
        );
        let err = |t: &str| expand(t).unwrap_err().to_string();
        assert!(err("{fake}/b").contains("help: available template variables are"));
        assert!(err("{workspace-ro}/b").contains("similar name exists: `workspace-root`"));
        assert_eq!(
            err("foo/{bar"),
            "unexpected opening bracket `{` in build.build-dir path `foo/{bar`"
        );
        assert_eq!(
            err("foo/}bar"),
            "unexpected closing bracket `}` in build.build-dir path `foo/}bar`"
        );
    }
}
