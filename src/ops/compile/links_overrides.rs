//! Build-script overrides: `[target.<triple>.<links>]` tables in
//! configuration stand for the output of the build script of the package
//! with that `links` value, which then neither compiles nor runs.

use std::collections::BTreeMap;

use anyhow::bail;
use mycargo_config::RawValue;

use crate::context::GlobalContext;

/// Keys of `[target.<triple>]` that are settings, not `links` names.
const SETTINGS: &[&str] = &["ar", "linker", "runner", "rustflags", "rustdocflags"];

/// The overrides in the table at `at` (`target.<triple>`, or `host`
/// under `-Z host-config`): `links` name → the script output they amount
/// to, written as `cargo::` instructions (so the one parser reads real and
/// overridden output alike).
pub fn in_table(gctx: &GlobalContext, at: &[String]) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let parts: Vec<&str> = at.iter().map(String::as_str).collect();
    let Some(RawValue::Table(table)) = gctx.config.raw_at(&parts)? else {
        return Ok(out);
    };
    let triple = at.join(".");
    for (links, value) in table {
        if SETTINGS.contains(&links.as_str()) {
            continue;
        }
        let RawValue::Table(entries) = value else {
            // `target.<triple>.cfg(...)`-style values are not tables of a
            // `links` override; leave them to their own readers.
            continue;
        };
        // `rustc-flags` is checked as the configuration is read (only
        // `-l` and `-L`), as cargo checks it.
        if let Some(RawValue::String(flags)) = entries.get("rustc-flags") {
            let mut key = parts.clone();
            key.extend([links.as_str(), "rustc-flags"]);
            let def = gctx
                .config
                .definition_at(&key)?
                .map(|d| d.to_string())
                .unwrap_or_default();
            mycargo_compiler::build_output::parse_rustc_flags(
                flags,
                &format!("target config `{triple}.rustc-flags` (in {def})"),
            )?;
        }
        out.insert(links.clone(), instructions(&triple, &links, &entries)?);
    }
    Ok(out)
}

/// One override table as `cargo::KEY=VALUE` lines, in key order.
fn instructions(
    triple: &str,
    links: &str,
    entries: &BTreeMap<String, RawValue>,
) -> anyhow::Result<Vec<u8>> {
    let mut lines = String::new();
    let mut line = |key: &str, value: &str| {
        lines.push_str(&format!("cargo::{key}={value}\n"));
    };
    for (key, value) in entries {
        let strings = |v: &RawValue| -> anyhow::Result<Vec<String>> {
            match v {
                RawValue::String(s) => Ok(vec![s.clone()]),
                RawValue::List(items) => items
                    .iter()
                    .map(|i| match i {
                        RawValue::String(s) => Ok(s.clone()),
                        _ => bail!("`target.{triple}.{links}.{key}` expected a list of strings"),
                    })
                    .collect(),
                _ => {
                    bail!("`target.{triple}.{links}.{key}` expected a string or a list of strings")
                }
            }
        };
        match key.as_str() {
            "warning" | "rerun-if-changed" | "rerun-if-env-changed" => {
                bail!("`{key}` is not supported in build script overrides")
            }
            "rustc-flags" => match value {
                RawValue::String(s) => line(key, s),
                _ => bail!("`target.{triple}.{links}.{key}` expected a string"),
            },
            "rustc-link-lib"
            | "rustc-link-search"
            | "rustc-cfg"
            | "rustc-check-cfg"
            | "rustc-link-arg"
            | "rustc-link-arg-bins"
            | "rustc-link-arg-tests"
            | "rustc-link-arg-benches"
            | "rustc-link-arg-examples"
            | "rustc-link-arg-cdylib"
            | "rustc-cdylib-link-arg" => {
                for s in strings(value)? {
                    line(key, &s);
                }
            }
            "rustc-env" => {
                let RawValue::Table(vars) = value else {
                    bail!("`target.{triple}.{links}.rustc-env` expected a table");
                };
                for (name, v) in vars {
                    let RawValue::String(v) = v else {
                        bail!("`target.{triple}.{links}.rustc-env.{name}` expected a string");
                    };
                    line("rustc-env", &format!("{name}={v}"));
                }
            }
            _ => match value {
                RawValue::String(s) => line("metadata", &format!("{key}={s}")),
                _ => bail!("`target.{triple}.{links}.{key}` expected a string"),
            },
        }
    }
    Ok(lines.into_bytes())
}
