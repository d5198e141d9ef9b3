//! `rust-version` enforced as cargo enforces it: before anything compiles,
//! every unit whose package needs a newer compiler is named (once per
//! unit, as cargo lists them); `--ignore-rust-version` skips the check.

use std::fmt::Write as _;

use mycargo_compiler::{PackageGraph, UnitGraph};

pub fn check(
    graph: &PackageGraph<'_>,
    units: &UnitGraph,
    rustc: &semver::Version,
) -> anyhow::Result<()> {
    let mut incompatible = Vec::new();
    let mut local = false;
    for unit in units.deps.keys() {
        let gp = &graph.packages[unit.pkg];
        let Some(msrv) = &gp.manifest.rust_version else {
            continue;
        };
        if msrv.0.is_compatible_with(rustc) {
            continue;
        }
        local |= gp.is_local;
        incompatible.push((
            gp.manifest.package_id.name().to_string(),
            gp.manifest.package_id.version().clone(),
            msrv.0.to_string(),
        ));
    }
    if incompatible.is_empty() {
        return Ok(());
    }
    incompatible.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let rustc = semver::Version::new(rustc.major, rustc.minor, rustc.patch);
    let plural = if incompatible.len() == 1 { "" } else { "s" };
    let mut msg = format!("rustc {rustc} is not supported by the following package{plural}:\n");
    for (name, version, msrv) in &incompatible {
        let _ = writeln!(msg, "  {name}@{version} requires rustc {msrv}");
    }
    if !local {
        let _ = writeln!(
            msg,
            "Either upgrade rustc or select compatible dependency versions with\n\
             `mycargo update <name>@<current-ver> --precise <compatible-ver>`\n\
             where `<compatible-ver>` is the latest version supporting rustc {rustc}"
        );
    }
    anyhow::bail!("{msg}")
}
