//! Finding and loading the workspace a command works on, as cargo does:
//! `--manifest-path` or the nearest `Cargo.toml` above the cwd, then the
//! workspace root above that.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mycargo_manifest::{ReadOptions, Workspace};

use crate::context::GlobalContext;

/// The manifest a command starts from: `--manifest-path` (checked as
/// cargo checks it) or the nearest `Cargo.toml` from the cwd upward.
pub fn root_manifest(
    gctx: &GlobalContext,
    manifest_path: Option<&Path>,
) -> anyhow::Result<PathBuf> {
    let Some(given) = manifest_path else {
        return Ok(mycargo_manifest::find_manifest_for_dir(gctx.cwd())?);
    };
    let path = mycargo_util::fs::normalize_path(&gctx.cwd().join(given));
    if path.is_dir() {
        let mut msg = format!(
            "manifest path `{}` is a directory but expected a file",
            given.display()
        );
        let candidate = path.join("Cargo.toml");
        if candidate.exists() {
            msg.push_str(&format!("\nhelp: {} exists", candidate.display()));
        }
        bail!(msg);
    }
    if !path.exists() {
        bail!("manifest path `{}` does not exist", given.display());
    }
    if path.file_name().and_then(|n| n.to_str()) == Some("Cargo.toml") {
        return Ok(path);
    }
    let embedded = mycargo_manifest::embedded::is_embedded(&path);
    match (embedded, gctx.unstable.script) {
        (true, true) => Ok(path),
        (true, false) => bail!("embedded manifest `{}` requires `-Zscript`", path.display()),
        (false, true) => bail!(
            "the manifest-path must be a path to a Cargo.toml or script file: `{}`",
            path.display()
        ),
        (false, false) => bail!(
            "the manifest-path must be a path to a Cargo.toml file: `{}`",
            path.display()
        ),
    }
}

/// Options for reading manifests in this context.
pub fn read_options(gctx: &GlobalContext) -> ReadOptions {
    ReadOptions {
        cwd: Some(gctx.cwd().to_path_buf()),
        cargo_home: Some(gctx.config.cargo_home().to_path_buf()),
        registries: configured_registries(gctx),
        nightly: crate::unstable::nightly_gate(&gctx.env),
        public_dependency: gctx.unstable.public_dependency,
        cargo_lints: gctx.unstable.cargo_lints,
        path_bases: configured_path_bases(gctx),
        script: gctx.unstable.script,
        script_warnings: gctx.script_warnings.clone(),
        ..ReadOptions::default()
    }
}

/// `[path-bases]`: each a directory, relative to where it is configured.
fn configured_path_bases(gctx: &GlobalContext) -> std::collections::BTreeMap<String, PathBuf> {
    let mut out = std::collections::BTreeMap::new();
    for name in gctx.config.table_keys("path-bases").unwrap_or_default() {
        if let Ok(Some(dir)) = gctx.config.get_path(&format!("path-bases.{name}")) {
            out.insert(name, dir.val);
        }
    }
    out
}

/// `[registries.<name>] index = "..."`, for `registry = "<name>"`
/// dependencies (an unreadable entry is left out; the dependency that
/// names it then gets cargo's "not found in any configuration" error).
fn configured_registries(gctx: &GlobalContext) -> std::collections::BTreeMap<String, url::Url> {
    let mut out = std::collections::BTreeMap::new();
    for name in gctx.config.table_keys("registries").unwrap_or_default() {
        if let Ok(Some(index)) = gctx.config.get_string(&format!("registries.{name}.index"))
            && let Ok(url) = mycargo_core::source_id::parse_url(&index.val)
        {
            out.insert(name, url);
        }
    }
    out
}

/// cargo's refusal of the `registry.index` setting (crates.io is moved
/// with `[source]` replacement instead).
pub const REGISTRY_INDEX_REFUSED: &str = "the `registry.index` config value is no longer supported\n\
     Use `[source]` replacement to alter the default index for crates.io.";

/// Load the workspace of `manifest_path`, printing nothing.
pub fn load(gctx: &GlobalContext, manifest_path: &Path) -> anyhow::Result<Workspace> {
    // cargo fails where a manifest names crates.io; reading the
    // workspace is where mycargo meets that first.
    if gctx.config.get_string("registry.index")?.is_some() {
        return Err(anyhow::anyhow!(REGISTRY_INDEX_REFUSED).context(format!(
            "failed to parse manifest at `{}`",
            manifest_path.display()
        )));
    }
    let mut ws = Workspace::load_with(manifest_path, &read_options(gctx))?;
    if ws.is_script() {
        // `$CARGO_HOME/build/ab/cdef…`, from the hash of the script's path;
        // the lock file goes in `<build dir>/<hash>/Cargo.lock`.
        let hash = script_hash(ws.root_manifest());
        let default = gctx
            .config
            .cargo_home()
            .join("build")
            .join(&hash[..2])
            .join(&hash[2..]);
        ws.set_script_build_dir(default.clone());
        let build_dir =
            super::compile::settings::configured_build_dir(gctx, &ws)?.unwrap_or(default);
        ws.set_lock_path(build_dir.join(&hash).join("Cargo.lock"));
    }
    apply_config_patches(gctx, &mut ws)?;
    if gctx.unstable.lockfile_path
        && let Some(path) = gctx.config.get_path("resolver.lockfile-path")?
    {
        if let Some(raw) = gctx.config.get_string("resolver.lockfile-path")? {
            check_no_template(&raw.val)?;
        }
        let path = path.val;
        if path.file_name() != Some(std::ffi::OsStr::new("Cargo.lock")) {
            anyhow::bail!("the `resolver.lockfile-path` must be a path to a Cargo.lock file");
        }
        if path.is_dir() {
            anyhow::bail!(
                "`resolver.lockfile-path` `{}` is a directory but expected a file",
                path.display()
            );
        }
        ws.set_lock_path(path);
    }
    Ok(ws)
}

/// cargo's path templates (`{workspace-root}`...) are not taken in
/// `resolver.lockfile-path`: a `{var}` is refused by name, a lone bracket
/// with cargo's words (which name `build.build-dir`, as cargo's do).
fn check_no_template(raw: &str) -> anyhow::Result<()> {
    if let (Some(open), Some(close)) = (raw.find('{'), raw.rfind('}'))
        && open < close
    {
        let var = &raw[open + 1..close];
        anyhow::bail!("unexpected variable `{var}` in resolver.lockfile-path `{raw}`");
    }
    if raw.contains('{') {
        anyhow::bail!("unexpected opening bracket `{{` in build.build-dir path `{raw}`");
    }
    if raw.contains('}') {
        anyhow::bail!("unexpected closing bracket `}}` in build.build-dir path `{raw}`");
    }
    Ok(())
}

/// For commands that support only `selected` (`tree`): the other
/// settings are refused rather than ignored.
pub fn check_feature_unification(gctx: &GlobalContext) -> anyhow::Result<()> {
    match feature_unification(gctx)? {
        FeatureUnification::Selected => Ok(()),
        other => anyhow::bail!(
            "`resolver.feature-unification = \"{}\"` is not supported by mycargo in this command yet (only `selected`)",
            other.name()
        ),
    }
}

/// `resolver.feature-unification` (read with `-Z feature-unification`
/// only; `selected` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureUnification {
    Selected,
    Workspace,
    Package,
}

impl FeatureUnification {
    pub fn name(self) -> &'static str {
        match self {
            FeatureUnification::Selected => "selected",
            FeatureUnification::Workspace => "workspace",
            FeatureUnification::Package => "package",
        }
    }
}

pub fn feature_unification(gctx: &GlobalContext) -> anyhow::Result<FeatureUnification> {
    if !gctx.unstable.feature_unification {
        return Ok(FeatureUnification::Selected);
    }
    match gctx.config.get_string("resolver.feature-unification")? {
        None => Ok(FeatureUnification::Selected),
        Some(v) => match v.val.as_str() {
            "selected" => Ok(FeatureUnification::Selected),
            "workspace" => Ok(FeatureUnification::Workspace),
            "package" => Ok(FeatureUnification::Package),
            _ => anyhow::bail!(
                "error in {}: could not load config key `resolver.feature-unification`\n\n\
                 Caused by:\n  unknown variant `{}`, expected one of `package`, `selected`, `workspace`",
                v.definition,
                v.val
            ),
        },
    }
}

/// Load the workspace and print the warnings about the workspace itself
/// (e.g. the virtual workspace's resolver), as most commands do; manifest
/// warnings such as unused keys only come with [`print_warnings`].
pub fn load_reporting(gctx: &mut GlobalContext, manifest_path: &Path) -> anyhow::Result<Workspace> {
    let ws = load(gctx, manifest_path);
    gctx.flush_script_warnings()?;
    let ws = ws?;
    for report in ws.load_warnings() {
        gctx.shell.warn(report)?;
    }
    if !gctx.unstable.feature_unification
        && gctx
            .config
            .get_string("resolver.feature-unification")?
            .is_some()
    {
        gctx.shell
            .warn("ignoring `resolver.feature-unification` without `-Zfeature-unification`")?;
    }
    if !gctx.unstable.lockfile_path && gctx.config.get_string("resolver.lockfile-path")?.is_some() {
        gctx.shell
            .warn("ignoring `resolver.lockfile-path`, pass `-Zlockfile-path` to enable it")?;
    }
    Ok(ws)
}

/// Manifest warnings, for commands that compile. Inside a workspace
/// (a `[workspace]` root) cargo names the manifest
/// (`warning: /path/Cargo.toml: unused manifest key: x`).
pub fn print_warnings(gctx: &mut GlobalContext, ws: &Workspace) -> anyhow::Result<()> {
    let many = ws.root_config().is_some();
    for (path, message) in ws.warnings() {
        if many {
            gctx.shell.warn(format!("{}: {message}", path.display()))?;
        } else {
            gctx.shell.warn(message)?;
        }
    }
    if let Some((path, error)) = ws.first_deferred_error() {
        return Err(anyhow::anyhow!("{error}")
            .context(format!("failed to parse manifest at `{}`", path.display())));
    }
    Ok(())
}

/// The one member `add` or `remove` edits: `-p SPEC`, else the
/// workspace's default member. `none` is the error without one; `many`
/// words the error for several (given their names).
pub fn member_to_edit<'a>(
    ws: &'a Workspace,
    spec: Option<&str>,
    none: &str,
    many: &dyn Fn(&str) -> String,
) -> anyhow::Result<&'a mycargo_manifest::Manifest> {
    let found: Vec<&mycargo_manifest::Manifest> = match spec {
        Some(spec) => {
            let parsed = mycargo_core::PackageIdSpec::parse(spec, None)?;
            let found: Vec<_> = ws
                .members()
                .filter(|m| parsed.matches(&m.package_id))
                .collect();
            if found.is_empty() {
                bail!(
                    "package(s) `{spec}` not found in workspace `{}`",
                    ws.root().display()
                );
            }
            found
        }
        None => ws.default_members().collect(),
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => bail!("{none}"),
        several => {
            let names: Vec<&str> = several.iter().map(|m| m.name()).collect();
            bail!("{}", many(&names.join(", ")))
        }
    }
}

/// `[patch.<source>]` of the configuration: added to the workspace root's
/// `[patch]`, winning over the manifest's entry of the same name, with
/// `path` relative to where the configuration defines it.
fn apply_config_patches(gctx: &GlobalContext, ws: &mut Workspace) -> anyhow::Result<()> {
    use mycargo_config::RawValue;
    let sources = gctx.config.table_keys("patch")?;
    if sources.is_empty() {
        return Ok(());
    }
    let registries = read_options(gctx).registries;
    let mut added: Vec<(String, mycargo_core::Dependency)> = Vec::new();
    for source in &sources {
        let is_registry_name = source == "crates-io" || registries.contains_key(source);
        if !is_registry_name && let Err(e) = mycargo_core::source_id::parse_url(source) {
            return Err(anyhow::Error::new(e).context(format!(
                "[patch] entry `{source}` should be a URL or registry name"
            )));
        }
        let Some(RawValue::Table(entries)) = gctx.config.raw_at(&["patch", source])? else {
            continue;
        };
        for (name, raw) in entries {
            let mut spec = raw_to_toml(&raw);
            if let toml::Value::Table(t) = &mut spec
                && let Some(toml::Value::String(path)) = t.get("path").cloned()
            {
                let root = gctx
                    .config
                    .definition_at(&["patch", source, &name, "path"])?
                    .map(|d| d.root(gctx.cwd()).to_path_buf())
                    .unwrap_or_else(|| gctx.cwd().to_path_buf());
                t.insert(
                    "path".into(),
                    toml::Value::String(root.join(path).display().to_string()),
                );
            }
            let dep = mycargo_manifest::config_patch(&name, spec, &registries)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("invalid `patch.{source}.{name}` in the configuration"))?;
            added.push((source.clone(), dep));
        }
    }
    let Some(root) = ws.root_parsed_mut() else {
        return Ok(());
    };
    let table = root.patch_mut();
    // Configuration patches come before the manifest's (cargo lists
    // them first).
    let mut front: std::collections::BTreeMap<String, usize> = Default::default();
    for (source, dep) in added {
        let list = table.entry(source.clone()).or_default();
        list.retain(|d| d.name_in_toml() != dep.name_in_toml());
        let at = front.entry(source).or_default();
        list.insert((*at).min(list.len()), dep);
        *at += 1;
    }
    Ok(())
}

fn raw_to_toml(v: &mycargo_config::RawValue) -> toml::Value {
    use mycargo_config::RawValue;
    match v {
        RawValue::String(s) => toml::Value::String(s.clone()),
        RawValue::Integer(i) => toml::Value::Integer(*i),
        RawValue::Boolean(b) => toml::Value::Boolean(*b),
        RawValue::List(items) => toml::Value::Array(items.iter().map(raw_to_toml).collect()),
        RawValue::Table(t) => {
            toml::Value::Table(t.iter().map(|(k, v)| (k.clone(), raw_to_toml(v))).collect())
        }
    }
}

/// The hash naming a script's directories: of its canonical path, as
/// cargo's `{workspace-path-hash}`.
pub fn script_hash(script: &Path) -> String {
    let real = script
        .canonicalize()
        .unwrap_or_else(|_| script.to_path_buf());
    mycargo_sources::git::short_hash(&real)
}

/// `package` and `publish` refuse single-file packages, as cargo does.
pub fn refuse_script(ws: &Workspace, command: &str) -> anyhow::Result<()> {
    if ws.is_script() {
        bail!(
            "{} is unsupported by `cargo {command}`",
            ws.root_manifest().display()
        );
    }
    Ok(())
}
