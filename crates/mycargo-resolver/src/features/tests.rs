//! Each rule on a small hand-built graph.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use mycargo_core::{
    Cfg, DepKind, Dependency, FeatureValue, PackageId, SourceId, VersionRequirement,
};
use semver::Version;

use super::*;

/// A graph under construction: features as written; the feature map (with
/// implicit optional-dependency features) is made by `finish`.
#[derive(Default)]
struct Builder {
    nodes: Vec<PackageNode>,
    written: Vec<Vec<(String, Vec<String>)>>,
}

/// How a dependency is declared.
#[derive(Clone, Default)]
struct Decl {
    rename: Option<&'static str>,
    kind: DepKind,
    optional: bool,
    no_default: bool,
    features: Vec<&'static str>,
    platform: Option<&'static str>,
}

fn dep() -> Decl {
    Decl::default()
}

impl Decl {
    fn optional(mut self) -> Decl {
        self.optional = true;
        self
    }
    fn build(mut self) -> Decl {
        self.kind = DepKind::Build;
        self
    }
    fn dev(mut self) -> Decl {
        self.kind = DepKind::Development;
        self
    }
    fn no_default(mut self) -> Decl {
        self.no_default = true;
        self
    }
    fn features(mut self, f: &[&'static str]) -> Decl {
        self.features = f.to_vec();
        self
    }
    fn target(mut self, platform: &'static str) -> Decl {
        self.platform = Some(platform);
        self
    }
    fn rename(mut self, name: &'static str) -> Decl {
        self.rename = Some(name);
        self
    }
}

impl Builder {
    fn pkg(&mut self, name: &str, features: &[(&str, &[&str])]) -> usize {
        let source = SourceId::for_path(Path::new(&format!("/ws/{name}"))).unwrap();
        self.nodes.push(PackageNode {
            id: PackageId::new(name, Version::new(0, 1, 0), source),
            feature_map: BTreeMap::new(),
            deps: Vec::new(),
            is_proc_macro: false,
            declared: Vec::new(),
        });
        self.written.push(
            features
                .iter()
                .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
                .collect(),
        );
        self.nodes.len() - 1
    }

    fn proc_macro(&mut self, name: &str) -> usize {
        let i = self.pkg(name, &[]);
        self.nodes[i].is_proc_macro = true;
        i
    }

    /// Declare a dependency of `from` on `to`; returns its index in `from`'s deps.
    fn dep(&mut self, from: usize, to: usize, decl: Decl) -> usize {
        let name = self.nodes[to].id.name().to_string();
        let mut d = Dependency::new(&name, VersionRequirement::any(), SourceId::crates_io());
        d.set_kind(decl.kind)
            .set_optional(decl.optional)
            .set_default_features(!decl.no_default)
            .set_features(decl.features.iter().map(|f| f.to_string()).collect())
            .set_platform(decl.platform.map(|p| p.parse().unwrap()));
        if let Some(rename) = decl.rename {
            d.set_name_in_toml(rename);
        }
        self.nodes[from].deps.push(DepEdge { to, dep: d });
        self.nodes[from].deps.len() - 1
    }

    fn finish(mut self) -> Vec<PackageNode> {
        for (node, written) in self.nodes.iter_mut().zip(&self.written) {
            let mut map: BTreeMap<String, Vec<FeatureValue>> = written
                .iter()
                .map(|(k, vs)| (k.clone(), vs.iter().map(|v| FeatureValue::new(v)).collect()))
                .collect();
            let hidden: HashSet<String> = map
                .values()
                .flatten()
                .filter_map(|fv| match fv {
                    FeatureValue::Dep { dep_name } => Some(dep_name.clone()),
                    _ => None,
                })
                .collect();
            for e in &node.deps {
                let n = e.dep.name_in_toml();
                if e.dep.is_optional() && !hidden.contains(n) && !map.contains_key(n) {
                    map.insert(
                        n.to_string(),
                        vec![FeatureValue::Dep {
                            dep_name: n.to_string(),
                        }],
                    );
                }
            }
            node.feature_map = map;
        }
        self.nodes
    }
}

fn linux() -> TargetInfo {
    TargetInfo::new(
        "x86_64-unknown-linux-gnu",
        vec![
            Cfg::name("unix"),
            Cfg::key_pair("target_os", "linux"),
            Cfg::key_pair("target_family", "unix"),
        ],
    )
}

fn windows() -> TargetInfo {
    TargetInfo::new(
        "x86_64-pc-windows-msvc",
        vec![
            Cfg::name("windows"),
            Cfg::key_pair("target_os", "windows"),
            Cfg::key_pair("target_family", "windows"),
        ],
    )
}

fn opts(version: ResolverVersion, dev: HasDevUnits) -> FeatureOpts {
    FeatureOpts {
        version,
        targets: Some(vec![linux()]),
        host: linux(),
        dev_units: dev,
    }
}

const V1: ResolverVersion = ResolverVersion::V1;
const V2: ResolverVersion = ResolverVersion::V2;
const NO_DEV: HasDevUnits = HasDevUnits::No;
const DEV: HasDevUnits = HasDevUnits::Yes;

fn resolve(
    graph: &[PackageNode],
    root: usize,
    cli: &CliFeatures,
    o: &FeatureOpts,
) -> ResolvedFeatures {
    resolve_features(graph, &RootSelection::packages(&[root]), cli, o).unwrap()
}

fn err(graph: &[PackageNode], sel: &RootSelection, cli: &CliFeatures, o: &FeatureOpts) -> String {
    resolve_features(graph, sel, cli, o)
        .unwrap_err()
        .to_string()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn cli(features: &[&str]) -> CliFeatures {
    CliFeatures::with_features(features.iter().copied())
}

#[test]
fn default_feature_and_no_default_features() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[("default", &["std"]), ("std", &[]), ("extra", &[])]);
    let g = b.finish();
    let o = opts(V2, NO_DEV);
    let f = resolve(&g, r, &CliFeatures::default(), &o);
    assert_eq!(f.features(r, false), &set(&["default", "std"]));
    let no_default = CliFeatures {
        uses_default_features: false,
        ..cli(&["extra"])
    };
    let f = resolve(&g, r, &no_default, &o);
    assert_eq!(f.features(r, false), &set(&["extra"]));
    let all = CliFeatures {
        all_features: true,
        uses_default_features: false,
        ..CliFeatures::default()
    };
    let f = resolve(&g, r, &all, &o);
    assert_eq!(f.features(r, false), &set(&["default", "extra", "std"]));
}

#[test]
fn cli_features_split_on_spaces_and_commas() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[("a", &[]), ("b", &[]), ("c", &[])]);
    let g = b.finish();
    let f = resolve(&g, r, &cli(&["a b,", " c"]), &opts(V1, NO_DEV));
    assert_eq!(f.features(r, false), &set(&["a", "b", "c"]));
}

#[test]
fn declaration_features_and_default_features_false() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let mid = b.pkg("mid", &[]);
    let s = b.pkg("s", &[("default", &["std"]), ("std", &[]), ("x", &[])]);
    b.dep(r, s, dep().no_default().features(&["x"]));
    b.dep(r, mid, dep());
    let g = b.finish();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V2, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["x"]));
    assert!(f.is_active(mid, false));

    // Another declaration with default features unifies them in.
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let mid = b.pkg("mid", &[]);
    let s = b.pkg("s", &[("default", &["std"]), ("std", &[]), ("x", &[])]);
    b.dep(r, s, dep().no_default().features(&["x"]));
    b.dep(r, mid, dep());
    b.dep(mid, s, dep());
    let g = b.finish();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V2, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["default", "std", "x"]));
}

#[test]
fn optional_dependency_through_its_implicit_feature() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let s = b.pkg("s", &[]);
    let e = b.dep(r, s, dep().optional());
    let g = b.finish();
    let o = opts(V2, NO_DEV);
    let f = resolve(&g, r, &CliFeatures::default(), &o);
    assert!(!f.is_active(s, false));
    assert!(!f.is_dep_active(r, false, e));
    assert_eq!(f.contexts(s), Contexts::default());
    let f = resolve(&g, r, &cli(&["s"]), &o);
    assert_eq!(f.features(r, false), &set(&["s"]));
    assert!(f.is_active(s, false));
    assert!(f.is_dep_active(r, false, e));
}

#[test]
fn dep_syntax_enables_without_implicit_feature() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[("fast", &["dep:s"])]);
    let s = b.pkg("s", &[]);
    let e = b.dep(r, s, dep().optional());
    let g = b.finish();
    assert!(!g[r].feature_map.contains_key("s"));
    let f = resolve(&g, r, &cli(&["fast"]), &opts(V2, NO_DEV));
    assert_eq!(f.features(r, false), &set(&["fast"]));
    assert!(f.is_dep_active(r, false, e));
}

#[test]
fn dep_slash_feature_enables_dependency_and_implicit_feature() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[("f", &["s/x"])]);
    let s = b.pkg("s", &[("x", &[])]);
    b.dep(r, s, dep().optional());
    let g = b.finish();
    let f = resolve(&g, r, &cli(&["f"]), &opts(V2, NO_DEV));
    assert_eq!(f.features(r, false), &set(&["f", "s"]));
    assert_eq!(f.features(s, false), &set(&["x"]));

    // With `dep:s` elsewhere there is no implicit feature to enable.
    let mut b = Builder::default();
    let r = b.pkg("r", &[("f", &["s/x"]), ("g", &["dep:s"])]);
    let s = b.pkg("s", &[("x", &[])]);
    b.dep(r, s, dep().optional());
    let g = b.finish();
    let f = resolve(&g, r, &cli(&["f"]), &opts(V2, NO_DEV));
    assert_eq!(f.features(r, false), &set(&["f"]));
    assert_eq!(f.features(s, false), &set(&["x"]));
}

#[test]
fn renamed_dependency_is_named_by_its_key() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[("f", &["other/x"])]);
    let s = b.pkg("s", &[("x", &[])]);
    b.dep(r, s, dep().optional().rename("other"));
    let g = b.finish();
    let f = resolve(&g, r, &cli(&["f"]), &opts(V2, NO_DEV));
    assert_eq!(f.features(r, false), &set(&["f", "other"]));
    assert_eq!(f.features(s, false), &set(&["x"]));
}

#[test]
fn weak_feature_only_when_dependency_enabled_otherwise() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[("wk", &["s?/x"]), ("use-s", &["dep:s"])]);
    let s = b.pkg("s", &[("x", &[])]);
    let e = b.dep(r, s, dep().optional());
    let g = b.finish();
    let o = opts(V2, NO_DEV);
    let f = resolve(&g, r, &cli(&["wk"]), &o);
    assert!(!f.is_active(s, false));
    assert!(!f.is_dep_active(r, false, e));
    // `wk` is handled before `use-s` (sorted): deferred, then applied.
    let f = resolve(&g, r, &cli(&["wk", "use-s"]), &o);
    assert_eq!(f.features(s, false), &set(&["x"]));
    assert_eq!(f.features(r, false), &set(&["use-s", "wk"]));
}

#[test]
fn weak_feature_reaches_fixed_point_across_packages() {
    // `a` asks weakly for `s/x`; `s` is enabled on `a` by another package,
    // before or after `a` is first visited.
    for c_first in [false, true] {
        let mut b = Builder::default();
        let r = b.pkg("r", &[]);
        let a = b.pkg("a", &[("wk", &["s?/x"]), ("use-s", &["dep:s"])]);
        let c = b.pkg("c", &[]);
        let s = b.pkg("s", &[("x", &[])]);
        b.dep(a, s, dep().optional());
        if c_first {
            b.dep(r, c, dep());
            b.dep(r, a, dep().features(&["wk"]));
        } else {
            b.dep(r, a, dep().features(&["wk"]));
            b.dep(r, c, dep());
        }
        b.dep(c, a, dep().features(&["use-s"]));
        let g = b.finish();
        for v in [V1, V2] {
            let f = resolve(&g, r, &CliFeatures::default(), &opts(v, NO_DEV));
            assert_eq!(
                f.features(s, false),
                &set(&["x"]),
                "c_first={c_first} {v:?}"
            );
            assert_eq!(f.features(a, false), &set(&["use-s", "wk"]));
        }
    }
}

#[test]
fn weak_feature_on_cli() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let s = b.pkg("s", &[("x", &[])]);
    b.dep(r, s, dep().optional());
    let g = b.finish();
    let o = opts(V2, NO_DEV);
    let f = resolve(&g, r, &cli(&["s?/x"]), &o);
    assert!(!f.is_active(s, false));
    let f = resolve(&g, r, &cli(&["s?/x", "s"]), &o);
    assert_eq!(f.features(s, false), &set(&["x"]));
    let f = resolve(&g, r, &cli(&["s/x"]), &o);
    assert_eq!(f.features(r, false), &set(&["s"]));
    assert_eq!(f.features(s, false), &set(&["x"]));
}

/// `r` uses `s` as a normal dependency (feature n) and as a build
/// dependency (feature b); `s` pulls `t` through feature b.
fn build_and_normal() -> (Vec<PackageNode>, [usize; 3]) {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let s = b.pkg("s", &[("n", &[]), ("b", &["t"])]);
    let t = b.pkg("t", &[]);
    b.dep(r, s, dep().features(&["n"]));
    b.dep(r, s, dep().build().features(&["b"]));
    b.dep(s, t, dep().optional());
    (b.finish(), [r, s, t])
}

#[test]
fn resolver_2_decouples_build_dependencies() {
    let (g, [r, s, t]) = build_and_normal();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V2, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["n"]));
    assert_eq!(f.features(s, true), &set(&["b", "t"]));
    assert_eq!(
        f.contexts(s),
        Contexts {
            normal: true,
            host: true
        }
    );
    assert_eq!(
        f.contexts(t),
        Contexts {
            normal: false,
            host: true
        }
    );
    assert_eq!(
        f.contexts(r),
        Contexts {
            normal: true,
            host: false
        }
    );
    // The optional `t` is on for the host copy of `s` only.
    assert!(f.is_dep_active(s, true, 0));
    assert!(!f.is_dep_active(s, false, 0));
}

#[test]
fn resolver_1_unifies_build_dependencies() {
    let (g, [r, s, t]) = build_and_normal();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V1, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["b", "n", "t"]));
    assert_eq!(f.features(s, true), &set(&["b", "n", "t"]));
    assert_eq!(
        f.contexts(s),
        Contexts {
            normal: true,
            host: false
        }
    );
    assert!(f.is_active(t, true));
    assert!(f.is_dep_active(s, false, 0));
}

#[test]
fn proc_macros_and_their_dependencies_are_host() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let pm = b.proc_macro("pm");
    let s = b.pkg("s", &[("n", &[]), ("p", &[])]);
    b.dep(r, pm, dep());
    b.dep(r, s, dep().features(&["n"]));
    b.dep(pm, s, dep().features(&["p"]));
    let g = b.finish();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V2, NO_DEV));
    assert_eq!(
        f.contexts(pm),
        Contexts {
            normal: false,
            host: true
        }
    );
    assert_eq!(f.features(s, false), &set(&["n"]));
    assert_eq!(f.features(s, true), &set(&["p"]));
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V1, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["n", "p"]));
}

#[test]
fn proc_macro_root_is_activated_in_both_contexts() {
    let mut b = Builder::default();
    let pm = b.proc_macro("pm");
    let s = b.pkg("s", &[]);
    b.dep(pm, s, dep());
    let g = b.finish();
    let f = resolve(&g, pm, &CliFeatures::default(), &opts(V2, NO_DEV));
    assert!(f.contexts(pm).both());
    assert!(f.contexts(s).both());
}

#[test]
fn dev_dependencies_count_only_with_dev_units_under_resolver_2() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let s = b.pkg("s", &[("n", &[]), ("d", &[])]);
    b.dep(r, s, dep().features(&["n"]));
    let dev = b.dep(r, s, dep().dev().features(&["d"]));
    let g = b.finish();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V2, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["n"]));
    assert!(!f.is_dep_active(r, false, dev));
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V2, DEV));
    assert_eq!(f.features(s, false), &set(&["d", "n"]));
    assert!(f.is_dep_active(r, false, dev));
    // Resolver 1 unifies dev-dependency features even when not building them.
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V1, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["d", "n"]));
    assert!(!f.is_dep_active(r, false, dev));
}

#[test]
fn dev_dependencies_of_non_roots_never_count() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let a = b.pkg("a", &[]);
    let s = b.pkg("s", &[("d", &[])]);
    b.dep(r, a, dep());
    b.dep(r, s, dep());
    let dev = b.dep(a, s, dep().dev().features(&["d"]));
    let g = b.finish();
    for v in [V1, V2] {
        let f = resolve(&g, r, &CliFeatures::default(), &opts(v, DEV));
        assert!(f.features(s, false).is_empty(), "{v:?}");
        assert!(!f.is_dep_active(a, false, dev));
    }
}

/// `r` depends on `w` on Windows only, and `w` asks `s` for `win`.
fn windows_only() -> (Vec<PackageNode>, [usize; 3], usize) {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let w = b.pkg("w", &[]);
    let s = b.pkg("s", &[("n", &[]), ("win", &[])]);
    let e = b.dep(r, w, dep().target("cfg(windows)"));
    b.dep(r, s, dep().features(&["n"]));
    b.dep(w, s, dep().features(&["win"]));
    (b.finish(), [r, w, s], e)
}

#[test]
fn inactive_platforms_do_not_activate_features_under_resolver_2() {
    let (g, [r, w, s], e) = windows_only();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V2, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["n"]));
    assert!(!f.is_active(w, false));
    assert!(!f.is_dep_active(r, false, e));
    // Building for Windows.
    let o = FeatureOpts {
        targets: Some(vec![windows()]),
        ..opts(V2, NO_DEV)
    };
    let f = resolve(&g, r, &CliFeatures::default(), &o);
    assert_eq!(f.features(s, false), &set(&["n", "win"]));
    assert!(f.is_dep_active(r, false, e));
    // Every platform.
    let o = FeatureOpts {
        targets: None,
        ..opts(V2, NO_DEV)
    };
    let f = resolve(&g, r, &CliFeatures::default(), &o);
    assert_eq!(f.features(s, false), &set(&["n", "win"]));
    assert!(f.is_dep_active(r, false, e));
}

#[test]
fn resolver_1_counts_every_platform_for_features() {
    let (g, [r, w, s], e) = windows_only();
    let f = resolve(&g, r, &CliFeatures::default(), &opts(V1, NO_DEV));
    assert_eq!(f.features(s, false), &set(&["n", "win"]));
    assert!(f.is_active(w, false));
    // ... but the edge is still not built on Linux.
    assert!(!f.is_dep_active(r, false, e));
}

#[test]
fn build_dependency_platforms_are_checked_against_the_host() {
    let mut b = Builder::default();
    let r = b.pkg("r", &[]);
    let x = b.pkg("x", &[]);
    let y = b.pkg("y", &[]);
    let build = b.dep(r, x, dep().build().target("cfg(windows)"));
    let normal = b.dep(r, y, dep().target("cfg(windows)"));
    let g = b.finish();
    // Cross-compiling from Linux to Windows.
    let o = FeatureOpts {
        targets: Some(vec![windows()]),
        ..opts(V2, NO_DEV)
    };
    let f = resolve(&g, r, &CliFeatures::default(), &o);
    assert!(!f.is_active(x, true));
    assert!(!f.is_dep_active(r, false, build));
    assert!(f.is_active(y, false));
    assert!(f.is_dep_active(r, false, normal));
}

/// A virtual workspace with members `a` and `b`; `a` depends on `s`.
fn two_members() -> (Vec<PackageNode>, [usize; 3]) {
    let mut b = Builder::default();
    let a = b.pkg("a", &[("fa", &[]), ("common", &[])]);
    let bb = b.pkg("b", &[("fb", &[]), ("common", &[])]);
    let s = b.pkg("s", &[("x", &[])]);
    b.dep(a, s, dep());
    (b.finish(), [a, bb, s])
}

fn virtual_ws(members: &[usize], selected: &[usize]) -> RootSelection {
    RootSelection {
        members: members.to_vec(),
        selected: selected.to_vec(),
        current: None,
        is_virtual: true,
    }
}

#[test]
fn new_cli_behavior_applies_features_to_selected_members_that_have_them() {
    let (g, [a, b, s]) = two_members();
    let o = opts(V2, NO_DEV);
    let sel = virtual_ws(&[a, b], &[a, b]);
    let f = resolve_features(&g, &sel, &cli(&["fa", "common", "b/fb", "s/x"]), &o).unwrap();
    assert_eq!(f.features(a, false), &set(&["common", "fa"]));
    assert_eq!(f.features(b, false), &set(&["common", "fb"]));
    assert_eq!(f.features(s, false), &set(&["x"]));
    assert_eq!(f.roots(), &[a, b]);
}

#[test]
fn new_cli_behavior_errors() {
    let (g, [a, b, s]) = two_members();
    let o = opts(V2, NO_DEV);
    assert_eq!(
        err(&g, &virtual_ws(&[a, b], &[a, b]), &cli(&["nope"]), &o),
        "none of the selected packages contains this feature: nope\nselected packages: a, b"
    );
    assert_eq!(
        err(&g, &virtual_ws(&[a, b], &[a]), &cli(&["fb"]), &o),
        "the package 'a' does not contain this feature: fb\nhelp: package with the missing feature: b"
    );
    assert_eq!(
        err(&g, &virtual_ws(&[a, b], &[a]), &cli(&["fz"]), &o),
        "the package 'a' does not contain this feature: fz\nhelp: there is a similarly named feature: fa"
    );
    assert_eq!(
        err(
            &g,
            &virtual_ws(&[a, b], &[a]),
            &cli(&["a/fz", "b/fb", "nopenope"]),
            &o
        ),
        "the package 'a' does not contain these features: a/fz, b/fb, nopenope\n\
         help: there is a similarly named feature: a/fa"
    );
    // `-p s` where `s` is not a member.
    assert_eq!(
        err(&g, &virtual_ws(&[a, b], &[s]), &cli(&["x"]), &o),
        "cannot specify features for packages outside of workspace"
    );
    let f = resolve_features(&g, &virtual_ws(&[a, b], &[s]), &CliFeatures::default(), &o).unwrap();
    assert_eq!(f.roots(), &[a, b]);
}

#[test]
fn spelling_suggestions_match_cargo() {
    // The layout of a case run against cargo: members a (features fa,
    // common; optional z), w, z, b; `-F fa,common,nope,fbb`.
    let mut bld = Builder::default();
    let a = bld.pkg("a", &[("fa", &[]), ("common", &[])]);
    let w = bld.pkg("w", &[("x", &[]), ("hid", &["dep:z"])]);
    let z = bld.pkg("z", &[]);
    let b = bld.pkg("b", &[("fb", &[]), ("common", &[])]);
    bld.dep(a, w, dep());
    bld.dep(a, z, dep().optional());
    bld.dep(w, z, dep().optional());
    bld.dep(w, z, dep().rename("req"));
    let g = bld.finish();
    let all = [a, w, z, b];
    assert_eq!(
        err(
            &g,
            &virtual_ws(&all, &all),
            &cli(&["fa,common,nope,fbb"]),
            &opts(V2, NO_DEV)
        ),
        "none of the selected packages contains these features: fbb, nope\n\
         selected packages: a, w, z, b\n\
         help: there are similarly named features: fb, hid, x, z"
    );
    assert_eq!(
        err(
            &g,
            &virtual_ws(&all, &[a]),
            &cli(&["b/fb"]),
            &opts(V2, NO_DEV)
        ),
        "the package 'a' does not contain this feature: b/fb\n\
         help: there are similarly named features: a/fa, a/z"
    );
}

#[test]
fn old_cli_behavior_gives_features_to_the_current_package() {
    // Resolver 1 in a root package `r` with members `a` and `b`; `r`
    // enables `s/x` with its feature `f`.
    let mut bld = Builder::default();
    let r = bld.pkg("r", &[("f", &["s/x"]), ("default", &[])]);
    let a = bld.pkg("a", &[("fa", &[]), ("default", &["fa"])]);
    let b = bld.pkg("b", &[("fb", &[])]);
    let s = bld.pkg("s", &[("x", &[])]);
    bld.dep(r, s, dep());
    bld.dep(a, s, dep());
    let g = bld.finish();
    let sel = |selected: &[usize]| RootSelection {
        members: vec![r, a, b],
        selected: selected.to_vec(),
        current: Some(r),
        is_virtual: false,
    };
    let o = opts(V1, NO_DEV);
    // `-p a -F f`: `f` goes to `r`, which is a root although not selected.
    let f = resolve_features(&g, &sel(&[a]), &cli(&["f"]), &o).unwrap();
    assert_eq!(f.roots(), &[r, a]);
    assert_eq!(f.features(s, false), &set(&["x"]));
    // `-p a -F fa`: checked against `r`.
    assert_eq!(
        err(&g, &sel(&[a]), &cli(&["fa"]), &o),
        "package `r v0.1.0 (/ws/r)` does not have the feature `fa`\n\n\
         help: a feature with a similar name exists: `f`"
    );
    // `-p b -F b/fb` selects b's feature.
    let f = resolve_features(&g, &sel(&[b]), &cli(&["b/fb"]), &o).unwrap();
    assert_eq!(f.features(b, false), &set(&["fb"]));
    // `--no-default-features` applies to the current package only.
    let nd = CliFeatures {
        uses_default_features: false,
        ..CliFeatures::default()
    };
    let f = resolve_features(&g, &sel(&[a]), &nd, &o).unwrap();
    assert_eq!(f.features(a, false), &set(&["default", "fa"]));
    assert!(f.features(r, false).is_empty());
    // `-F r/f` names the current package: read as a dependency of it.
    assert_eq!(
        err(&g, &sel(&[r]), &cli(&["r/f"]), &o),
        "package `r v0.1.0 (/ws/r)` does not have a dependency named `r`"
    );
    // Under resolver 2 the same root follows the new rules.
    let f = resolve_features(&g, &sel(&[a]), &cli(&["fa"]), &opts(V2, NO_DEV)).unwrap();
    assert_eq!(f.roots(), &[a]);
    assert_eq!(f.features(a, false), &set(&["default", "fa"]));
}

#[test]
fn empty_selection_is_every_member_with_all_features() {
    let (g, [a, b, _]) = two_members();
    let f = resolve_features(
        &g,
        &virtual_ws(&[a, b], &[]),
        &CliFeatures::default(),
        &opts(V2, NO_DEV),
    )
    .unwrap();
    assert_eq!(f.features(a, false), &set(&["common", "fa"]));
    assert_eq!(f.features(b, false), &set(&["common", "fb"]));
}

#[test]
fn command_line_syntax_errors() {
    let (g, [a, _, _]) = two_members();
    let o = opts(V2, NO_DEV);
    let sel = RootSelection::packages(&[a]);
    assert_eq!(
        err(&g, &sel, &cli(&["dep:s"]), &o),
        "feature `dep:s` is not allowed to use explicit `dep:` syntax"
    );
    assert_eq!(
        err(&g, &sel, &cli(&["x/y/z"]), &o),
        "multiple slashes in feature `x/y/z` is not allowed"
    );
}

#[test]
fn root_feature_errors_worded_as_cargo() {
    let mut bld = Builder::default();
    let r = bld.pkg(
        "r",
        &[
            ("f1", &[]),
            ("h2", &["w?/x"]),
            ("h3", &["w/x"]),
            ("h4", &["dep:w", "f1"]),
            ("h5", &["w/x"]),
            ("hidden", &["dep:w"]),
            ("cyc", &["cyc"]),
        ],
    );
    let a = bld.pkg("a", &[]);
    let w = bld.pkg("w", &[("x", &[])]);
    bld.dep(r, w, dep().optional());
    bld.dep(r, a, dep());
    let g = bld.finish();
    let o = opts(V1, NO_DEV);
    // Resolver 1 in a root package: the current package gets the features.
    let root_sel = RootSelection {
        members: vec![r],
        selected: vec![r],
        current: Some(r),
        is_virtual: false,
    };
    assert_eq!(
        err(&g, &root_sel, &cli(&["nope"]), &o),
        "package `r v0.1.0 (/ws/r)` does not have the feature `nope`"
    );
    assert_eq!(
        err(&g, &root_sel, &cli(&["w"]), &o),
        "package `r v0.1.0 (/ws/r)` does not have feature `w`\n\n\
         help: an optional dependency with that name exists, but the `features` table includes it with the \
         \"dep:\" syntax so it does not have an implicit feature with that name\n\
         Dependency `w` would be enabled by these features:\n\t- `h3`\n\t- `h4`\n\t- `h5`\n\t  ..."
    );
    assert_eq!(
        err(&g, &root_sel, &cli(&["a"]), &o),
        "package `r v0.1.0 (/ws/r)` does not have feature `a`\n\n\
         help: a dependency with that name exists but it is required dependency and only optional \
         dependencies can be used as features."
    );
    assert_eq!(
        err(&g, &root_sel, &cli(&["nodep/x"]), &o),
        "package `r v0.1.0 (/ws/r)` does not have a dependency named `nodep`"
    );
    assert_eq!(
        err(&g, &root_sel, &cli(&["cyc"]), &o),
        "cyclic feature dependency: feature `cyc` depends on itself"
    );
}

#[test]
fn dependency_feature_errors_worded_as_cargo() {
    let mut bld = Builder::default();
    let r = bld.pkg("r", &[]);
    let w = bld.pkg("w", &[("x", &[]), ("hid", &["dep:z"])]);
    let z = bld.pkg("z", &[]);
    bld.dep(r, w, dep());
    bld.dep(r, z, dep());
    bld.dep(w, z, dep().optional());
    bld.dep(w, z, dep().rename("req"));
    let g = bld.finish();
    let sel = RootSelection::packages(&[r]);
    let o = opts(V2, NO_DEV);
    let cases = [
        ("w/qqqqq", " available features: hid, x"),
        ("w/xx", " package `w` does have feature `x`"),
        (
            "w/z",
            " An optional dependency with that name exists, but that dependency uses the \"dep:\" \
             syntax in the features table, so it does not have an implicit feature with that name.",
        ),
        (
            "w/req",
            " A required dependency with that name exists, but only optional dependencies can be used as features.",
        ),
    ];
    for (feature, hint) in cases {
        let (dep_name, dep_feature) = feature.split_once('/').unwrap();
        assert_eq!(
            err(&g, &sel, &cli(&[feature]), &o),
            format!(
                "package `r` depends on `{dep_name}` with feature `{dep_feature}` but `{dep_name}` does not have that feature.\n{hint}"
            )
        );
    }
    assert_eq!(
        err(&g, &sel, &cli(&["z/q"]), &o),
        "package `r` depends on `z` with feature `q` but `z` does not have that feature."
    );
}

#[test]
fn declaration_features_are_checked_even_when_resolver_2_skips_them() {
    // A dev-dependency asking for a missing feature fails although dev
    // units are not built (cargo's dependency resolver sees it).
    let mut bld = Builder::default();
    let r = bld.pkg("r", &[]);
    let s = bld.pkg("s", &[("x", &[])]);
    bld.dep(r, s, dep().dev().rename("s2").features(&["nope"]));
    let g = bld.finish();
    assert_eq!(
        err(
            &g,
            &RootSelection::packages(&[r]),
            &CliFeatures::default(),
            &opts(V2, NO_DEV)
        ),
        "package `r` depends on `s` with feature `nope` but `s` does not have that feature.\n available features: x"
    );
}

#[test]
fn weak_features_are_checked_although_deferred() {
    let mut bld = Builder::default();
    let r = bld.pkg("r", &[("wk", &["s?/nope"])]);
    let s = bld.pkg("s", &[]);
    bld.dep(r, s, dep().optional());
    let g = bld.finish();
    assert_eq!(
        err(
            &g,
            &RootSelection::packages(&[r]),
            &cli(&["wk"]),
            &opts(V2, NO_DEV)
        ),
        "package `r` depends on `s` with feature `nope` but `s` does not have that feature."
    );
}

#[test]
fn all_features_includes_implicit_optional_features() {
    let mut bld = Builder::default();
    let r = bld.pkg("r", &[("f", &[])]);
    let s = bld.pkg("s", &[]);
    let e = bld.dep(r, s, dep().optional());
    let g = bld.finish();
    let all = CliFeatures {
        all_features: true,
        ..CliFeatures::default()
    };
    let f = resolve(&g, r, &all, &opts(V2, NO_DEV));
    assert_eq!(f.features(r, false), &set(&["f", "s"]));
    assert!(f.is_dep_active(r, false, e));
}

#[test]
fn dependency_cycles_terminate() {
    let mut bld = Builder::default();
    let a = bld.pkg("a", &[("f", &["b/g"])]);
    let b = bld.pkg("b", &[("g", &["a/f"])]);
    bld.dep(a, b, dep().dev());
    bld.dep(b, a, dep().features(&["f"]));
    let g = bld.finish();
    let f = resolve(&g, a, &CliFeatures::default(), &opts(V2, DEV));
    assert_eq!(f.features(a, false), &set(&["f"]));
    assert_eq!(f.features(b, false), &set(&["g"]));
}

#[test]
fn resolver_version_from_manifest() {
    assert_eq!(ResolverVersion::from_manifest("1"), Some(V1));
    assert_eq!(ResolverVersion::from_manifest("2"), Some(V2));
    assert_eq!(ResolverVersion::from_manifest("3"), Some(V2));
    assert_eq!(ResolverVersion::from_manifest("4"), None);
}

#[test]
fn dependency_resolver_features_enable_weak_dependencies() {
    // As cargo's dependency resolver (and `cargo metadata`): `s?/x` pulls
    // `s` in with `x`, but not the implicit feature `s`; every platform and
    // the roots' dev-dependencies count, features unify.
    let mut b = Builder::default();
    let r = b.pkg("r", &[("default", &["wk"]), ("wk", &["s?/x"])]);
    let s = b.pkg("s", &[("x", &[]), ("y", &[])]);
    let w = b.pkg("w", &[]);
    let d = b.pkg("d", &[]);
    let n = b.pkg("n", &[]);
    let e = b.dep(r, s, dep().optional());
    let ew = b.dep(r, w, dep().target("cfg(windows)"));
    let ed = b.dep(r, d, dep().dev().features(&[]));
    let en = b.dep(w, n, dep().dev());
    b.dep(d, s, dep().features(&["y"]));
    let g = b.finish();
    let sel = RootSelection::packages(&[r]);
    let f = resolve_dependency_features(&g, &sel, &CliFeatures::default(), V2).unwrap();
    assert_eq!(f.features(r, false), &set(&["default", "wk"]));
    assert_eq!(f.features(s, false), &set(&["x", "y"]));
    assert!(f.is_dep_active(r, false, e));
    assert!(f.is_dep_active(r, false, ew));
    assert!(f.is_dep_active(r, false, ed));
    assert!(f.is_active(w, false));
    // Dev-dependencies of non-roots are not part of the resolve.
    assert!(!f.is_dep_active(w, false, en));
    assert!(!f.is_active(n, false));
}
