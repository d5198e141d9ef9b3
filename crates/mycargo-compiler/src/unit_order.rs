//! cargo's order of units (the `Ord` of its `Unit`): by package id (name,
//! version, source), target (kind, then name), profile settings, host
//! before target, mode, then features. The build-analysis log numbers its
//! units in this order and `--unit-graph` lists them in it.

use std::collections::BTreeSet;

use mycargo_core::PackageId;

use crate::graph::PackageGraph;
use crate::profile::{LtoSetting, ResolvedProfile};
use crate::unit::{CompileKind, CompileMode, Unit};

/// A unit's place in cargo's order.
pub type UnitKey = (
    PackageId,
    (u8, String),
    ProfileKey,
    bool,
    u8,
    BTreeSet<String>,
);

/// The profile fields in the order cargo compares them (its profile
/// name first, then the settings; ranks follow its enums' variant order).
pub type ProfileKey = (
    String,
    String,
    (u8, String),
    Option<u32>,
    u8,
    Option<String>,
    [bool; 4],
    u8,
    (u8, String),
    Vec<String>,
);

/// cargo's rank of a mode: test, build, check, check-test, doc, doctest,
/// docscrape, run-custom-build.
pub fn mode_rank(mode: CompileMode) -> u8 {
    match mode {
        CompileMode::Test | CompileMode::Bench => 0,
        CompileMode::Build => 1,
        CompileMode::Check => 2,
        CompileMode::CheckTest => 3,
        CompileMode::Doc => 4,
        CompileMode::RunCustomBuild => 7,
    }
}

/// The rank of a `rustdoc --test` unit, which mycargo keeps outside the
/// unit graph.
pub const DOCTEST_RANK: u8 = 5;

/// `-C debuginfo` as cargo orders its levels: none, line-directives-only,
/// line-tables-only, limited, full.
fn debuginfo_rank(d: Option<&str>) -> u8 {
    match d {
        None | Some("0") | Some("none") => 0,
        Some("line-directives-only") => 1,
        Some("line-tables-only") => 2,
        Some("1") | Some("limited") => 3,
        _ => 4,
    }
}

/// cargo's LTO variants: `Off`, `Bool(false)` (unset), `Bool(true)`,
/// `Named`.
fn lto_key(lto: &LtoSetting) -> (u8, String) {
    match lto {
        LtoSetting::Off => (0, String::new()),
        LtoSetting::Default => (1, String::new()),
        LtoSetting::Fat => (2, String::new()),
        LtoSetting::Thin => (3, "thin".into()),
        LtoSetting::Named(n) => (3, n.clone()),
    }
}

pub fn profile_key(p: &ResolvedProfile) -> ProfileKey {
    (
        p.name.clone(),
        p.opt_level.clone(),
        lto_key(&p.lto),
        p.codegen_units,
        debuginfo_rank(p.debuginfo.as_deref()),
        p.split_debuginfo.clone(),
        [
            p.debug_assertions,
            p.overflow_checks,
            p.rpath,
            p.incremental,
        ],
        match p.panic {
            "unwind" => 0,
            "abort" => 1,
            _ => 2,
        },
        match p.strip.as_deref() {
            None | Some("none") => (0, String::new()),
            Some(n) => (1, n.to_string()),
        },
        p.rustflags.clone(),
    )
}

/// The key of `unit` run in the mode of rank `mode` (its own mode's rank,
/// or [`DOCTEST_RANK`]).
pub fn unit_key(graph: &PackageGraph<'_>, unit: &Unit, mode: u8) -> UnitKey {
    let m = graph.packages[unit.pkg].manifest;
    let t = &m.targets[unit.target];
    (
        m.package_id.clone(),
        (t.kind_rank(), t.name.clone()),
        profile_key(&unit.profile),
        matches!(unit.kind, CompileKind::Target(_)),
        mode,
        unit.features.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debuginfo_levels_in_cargos_order() {
        let ranks: Vec<u8> = [
            None,
            Some("line-directives-only"),
            Some("line-tables-only"),
            Some("1"),
            Some("2"),
        ]
        .into_iter()
        .map(debuginfo_rank)
        .collect();
        assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
    }

    #[test]
    fn unset_lto_sorts_after_off_and_before_named() {
        assert!(lto_key(&LtoSetting::Off) < lto_key(&LtoSetting::Default));
        assert!(lto_key(&LtoSetting::Default) < lto_key(&LtoSetting::Thin));
        assert!(lto_key(&LtoSetting::Fat) < lto_key(&LtoSetting::Named("fat".into())));
    }
}
