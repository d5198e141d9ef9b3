//! `mycargo pkgid [SPEC]`: the full package ID spec of a package of the
//! lock file (or of the current package), with cargo's errors for specs
//! that match nothing or more than one package.

use std::collections::HashMap;

use anyhow::{Context as _, anyhow, bail};
use mycargo_core::{PackageId, PackageIdSpec};
use mycargo_lockfile::{PathSources, cmp_package_id};
use mycargo_util::CliResult;

use super::compile::packages;
use crate::cli::pkgid::Args;
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    let spec = pkgid(gctx, args)?;
    writeln!(gctx.shell.out(), "{spec}")?;
    Ok(())
}

fn pkgid(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<String> {
    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    if args.spec.is_none() && matches!(args.package, Some(None)) {
        return Err(super::rustc::package_list_error(&ws));
    }
    let spec = args
        .spec
        .as_deref()
        .or(args.package.as_ref().and_then(|p| p.as_deref()));

    let lock_path = ws.lock_path();
    let Some(text) = mycargo_lockfile::read(&lock_path)? else {
        bail!("a Cargo.lock must exist for this command");
    };
    let opts = super::workspace::read_options(gctx);
    let (pkgs, _) = packages::load_with(&ws, &opts, true)?;
    let paths: PathSources = pkgs.manifests.iter().map(|m| &m.package_id).collect();
    let lock = super::lockfile::parse_lock(&gctx.env, &text, &paths)
        .with_context(|| format!("failed to parse lock file at: {}", lock_path.display()))?;
    let mut ids: Vec<&PackageId> = lock.packages.keys().collect();
    ids.sort_by(|a, b| cmp_package_id(a, b));

    let id = match spec {
        Some(spec) => query_str(spec, &ids, gctx.cwd())?.clone(),
        None => match ws.current() {
            Some(m) => m.package_id.clone(),
            None => bail!(
                "manifest path `{}` is a virtual manifest, but this command requires running against an actual package in this workspace",
                manifest.display()
            ),
        },
    };
    Ok(id.to_spec_string())
}

/// Parse `spec` and find the one package of `ids` it names.
pub(crate) fn query_str<'a>(
    spec: &str,
    ids: &[&'a PackageId],
    cwd: &std::path::Path,
) -> anyhow::Result<&'a PackageId> {
    let parsed = PackageIdSpec::parse(spec, Some(cwd)).map_err(|e| {
        anyhow::Error::new(e).context(format!(
            "invalid package ID specification: `{spec}`{}",
            closest_msg(spec, ids)
        ))
    })?;
    query(&parsed, ids)
}

/// cargo's "a package with a similar name exists" help, or nothing.
fn closest_msg(name: &str, ids: &[&PackageId]) -> String {
    match mycargo_util::edit_distance::closest(name, ids.iter().map(|id| id.name())) {
        Some(close) => format!("\n\nhelp: a package with a similar name exists: `{close}`"),
        None => String::new(),
    }
}

/// The one package of `ids` that `spec` matches.
pub(crate) fn query<'a>(
    spec: &PackageIdSpec,
    ids: &[&'a PackageId],
) -> anyhow::Result<&'a PackageId> {
    let found: Vec<&PackageId> = ids.iter().copied().filter(|id| spec.matches(id)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(no_match(spec, ids)),
        many => {
            // cargo 1.95's words, typo included.
            let mut msg = format!(
                "specificationm `{spec}` is ambiguous\n\
                 help: re-run this command with one of the following specifications"
            );
            minimize(&mut msg, many, spec);
            Err(anyhow!(msg))
        }
    }
}

fn no_match(spec: &PackageIdSpec, ids: &[&PackageId]) -> anyhow::Error {
    let mut suggestion = String::new();
    let try_similar = |version: bool, suggestion: &mut String| {
        let similar: Vec<&PackageId> = ids
            .iter()
            .copied()
            .filter(|id| {
                id.name() == spec.name()
                    && (!version
                        || spec
                            .partial_version()
                            .is_none_or(|v| v.matches(id.version())))
            })
            .collect();
        if !similar.is_empty() {
            suggestion.push_str("\nhelp: there are similar package ID specifications:\n");
            minimize(suggestion, &similar, spec);
        }
    };
    if spec.url().is_some() {
        try_similar(true, &mut suggestion);
    }
    let full_version = spec
        .partial_version()
        .and_then(|v| v.to_version())
        .is_some();
    if suggestion.is_empty() && full_version {
        try_similar(false, &mut suggestion);
    }
    if suggestion.is_empty() {
        suggestion = closest_msg(spec.name(), ids);
    }
    anyhow!("package ID specification `{spec}` did not match any packages{suggestion}")
}

/// `name@version` for each package, or the full spec when the version is
/// not enough to tell them apart.
fn minimize(msg: &mut String, ids: &[&PackageId], spec: &PackageIdSpec) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for id in ids {
        *count.entry(id.version().to_string()).or_default() += 1;
    }
    for id in ids {
        if count.get(&id.version().to_string()) == Some(&1) {
            msg.push_str(&format!("\n  {}@{}", spec.name(), id.version()));
        } else {
            msg.push_str(&format!("\n  {}", id.to_spec_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycargo_core::SourceId;
    use std::path::Path;

    fn id(name: &str, version: &str, path: &str) -> PackageId {
        PackageId::new(
            name,
            version.parse().unwrap(),
            SourceId::for_path(Path::new(path)).unwrap(),
        )
    }

    #[test]
    fn errors_read_like_cargos() {
        let a = id("real", "0.5.0", "/x/renamed");
        let b = id("real", "0.6.0", "/x/other");
        let c = id("m1", "0.1.0", "/x/m1");
        let ids = vec![&c, &a, &b];
        let cwd = Path::new("/");
        assert_eq!(query_str("m1", &ids, cwd).unwrap(), &c);
        assert_eq!(
            query_str("real", &ids, cwd).unwrap_err().to_string(),
            "specificationm `real` is ambiguous\n\
             help: re-run this command with one of the following specifications\n  real@0.5.0\n  real@0.6.0"
        );
        assert_eq!(query_str("real@0.6", &ids, cwd).unwrap(), &b);
        assert_eq!(
            query_str("m1@0.2.0", &ids, cwd).unwrap_err().to_string(),
            "package ID specification `m1@0.2.0` did not match any packages\n\
             help: there are similar package ID specifications:\n\n  m1@0.1.0"
        );
        assert_eq!(
            query_str("m2", &ids, cwd).unwrap_err().to_string(),
            "package ID specification `m2` did not match any packages\n\n\
             help: a package with a similar name exists: `m1`"
        );
        let e = query_str("1bad", &ids, cwd).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid package ID specification: `1bad`\n\n\
             help: a package with a similar name exists: `real`"
        );
        assert!(format!("{e:#}").contains("the name cannot start with a digit"));
    }
}
