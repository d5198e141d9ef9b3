//! Each rule on a small in-memory registry.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use mycargo_core::{
    DepKind, Dependency, FeatureValue, PackageId, PartialVersion, SourceId, VersionRequirement,
};
use semver::Version;

use super::*;

mod prop;

/// An in-memory registry: every version of every name, by source.
#[derive(Default)]
pub(super) struct Reg {
    pub pkgs: Vec<Summary>,
}

impl Registry for Reg {
    fn query(&mut self, dep: &Dependency) -> Result<Vec<Summary>, RegistryError> {
        Ok(self
            .pkgs
            .iter()
            .filter(|s| {
                s.name() == dep.package_name() && s.package_id().source_id() == dep.source_id()
            })
            .cloned()
            .collect())
    }
}

pub(super) fn crates() -> SourceId {
    SourceId::crates_io()
}

fn path_src(name: &str) -> SourceId {
    SourceId::for_path(Path::new(&format!("/ws/{name}"))).unwrap()
}

/// A summary under construction.
pub(super) struct P {
    id: PackageId,
    deps: Vec<Dependency>,
    features: BTreeMap<String, Vec<FeatureValue>>,
    links: Option<String>,
    rust: Option<PartialVersion>,
    yanked: bool,
}

/// `pkg("a 1.0.0")`: a crates.io package.
pub(super) fn pkg(spec: &str) -> P {
    let (name, v) = spec.split_once(' ').unwrap();
    P::new(PackageId::new(name, Version::parse(v).unwrap(), crates()))
}

/// The workspace member `root 0.1.0` at /ws/root.
fn root() -> P {
    P::new(PackageId::new(
        "root",
        Version::new(0, 1, 0),
        path_src("root"),
    ))
}

/// `d("b", "^1")`: a normal crates.io dependency.
pub(super) fn d(name: &str, req: &str) -> Dependency {
    Dependency::new(name, VersionRequirement::parse(req).unwrap(), crates())
}

impl P {
    fn new(id: PackageId) -> P {
        P {
            id,
            deps: Vec::new(),
            features: BTreeMap::new(),
            links: None,
            rust: None,
            yanked: false,
        }
    }
    /// `dep("b ^1")`
    pub fn dep(self, spec: &str) -> P {
        let (name, req) = spec.split_once(' ').unwrap();
        self.with(d(name, req))
    }
    pub fn with(mut self, dep: Dependency) -> P {
        self.deps.push(dep);
        self
    }
    pub fn feature(mut self, name: &str, values: &[&str]) -> P {
        self.features.insert(
            name.to_string(),
            values.iter().map(|v| FeatureValue::new(v)).collect(),
        );
        self
    }
    pub fn links(mut self, l: &str) -> P {
        self.links = Some(l.to_string());
        self
    }
    fn rust(mut self, v: &str) -> P {
        self.rust = Some(v.parse().unwrap());
        self
    }
    pub fn yanked(mut self) -> P {
        self.yanked = true;
        self
    }
    pub fn build(self) -> Summary {
        Summary::new(self.id, self.deps, self.features)
            .with_links(self.links)
            .with_rust_version(self.rust)
            .with_yanked(self.yanked)
    }
}

pub(super) fn reg(pkgs: Vec<P>) -> Reg {
    Reg {
        pkgs: pkgs.into_iter().map(P::build).collect(),
    }
}

fn input(root: P) -> ResolveInput {
    ResolveInput {
        roots: vec![root.build()],
        ..ResolveInput::default()
    }
}

/// `name version` of every package but the roots, sorted.
pub(super) fn names(r: &Resolve) -> Vec<String> {
    r.ids()
        .filter(|id| !id.source_id().is_path())
        .map(|id| format!("{} {}", id.name(), id.version()))
        .collect()
}

fn ok(root: P, r: &mut Reg) -> Resolve {
    resolve(&input(root), r).unwrap()
}

fn err(input: &ResolveInput, r: &mut Reg) -> NoSolution {
    match resolve(input, r) {
        Err(ResolveError::NoSolution(n)) => *n,
        other => panic!("expected no solution, got {other:?}"),
    }
}

fn previous(r: &Resolve) -> Previous {
    Previous {
        packages: r.lock_dependencies(),
        unlocked: BTreeSet::new(),
    }
}

fn id(spec: &str) -> PackageId {
    let (name, v) = spec.split_once(' ').unwrap();
    PackageId::new(name, Version::parse(v).unwrap(), crates())
}

#[test]
fn highest_matching_version() {
    let mut r = reg(vec![pkg("b 1.0.0"), pkg("b 1.1.0"), pkg("b 2.0.0")]);
    let res = ok(root().dep("b 1"), &mut r);
    assert_eq!(names(&res), ["b 1.1.0"]);
    let res = ok(root().dep("b =1.0.0"), &mut r);
    assert_eq!(names(&res), ["b 1.0.0"]);
}

#[test]
fn one_version_per_compatible_range() {
    let mut r = reg(vec![
        pkg("a 1.0.0").dep("b ^1.0"),
        pkg("c 1.0.0").dep("b ^1.1"),
        pkg("b 1.0.0"),
        pkg("b 1.1.0"),
        pkg("b 1.2.0"),
    ]);
    let res = ok(root().dep("a 1").dep("c 1"), &mut r);
    assert_eq!(names(&res), ["a 1.0.0", "b 1.2.0", "c 1.0.0"]);
    // `=1.1.0` pins the whole 1.x range.
    let res = ok(root().dep("a 1").dep("c 1").dep("b =1.1.0"), &mut r);
    assert_eq!(names(&res), ["a 1.0.0", "b 1.1.0", "c 1.0.0"]);
}

#[test]
fn incompatible_versions_side_by_side() {
    let mut r = reg(vec![
        pkg("a 1.0.0").dep("b ^1"),
        pkg("c 1.0.0").dep("b ^2"),
        pkg("e 1.0.0").dep("z ^0.1").dep("y =0.0.3"),
        pkg("f 1.0.0").dep("z ^0.2").dep("y =0.0.4"),
        pkg("b 1.0.0"),
        pkg("b 2.0.0"),
        pkg("z 0.1.0"),
        pkg("z 0.2.0"),
        pkg("y 0.0.3"),
        pkg("y 0.0.4"),
    ]);
    let res = ok(root().dep("a 1").dep("c 1").dep("e 1").dep("f 1"), &mut r);
    assert_eq!(
        names(&res),
        [
            "a 1.0.0", "b 1.0.0", "b 2.0.0", "c 1.0.0", "e 1.0.0", "f 1.0.0", "y 0.0.3", "y 0.0.4",
            "z 0.1.0", "z 0.2.0"
        ]
    );
    // Edges point at the right copy.
    let a = res.get(&id("a 1.0.0")).unwrap();
    assert_eq!(a.deps[0].package, id("b 1.0.0"));
    let c = res.get(&id("c 1.0.0")).unwrap();
    assert_eq!(c.deps[0].package, id("b 2.0.0"));
}

#[test]
fn backtracks_to_an_older_version() {
    let mut r = reg(vec![
        pkg("a 1.0.0").dep("b ^1"),
        pkg("a 1.1.0").dep("b =1.0.0"),
        pkg("c 1.0.0").dep("b ^1.1"),
        pkg("b 1.0.0"),
        pkg("b 1.1.0"),
    ]);
    let res = ok(root().dep("a 1").dep("c 1"), &mut r);
    assert_eq!(names(&res), ["a 1.0.0", "b 1.1.0", "c 1.0.0"]);
}

#[test]
fn backtracks_through_a_deep_chain() {
    // x 2.0.0 pulls y 2 -> z =1.0.0, which clashes with w's z ^1.1; x 1
    // avoids it.
    let mut r = reg(vec![
        pkg("x 2.0.0").dep("y ^2"),
        pkg("x 1.0.0").dep("y ^1"),
        pkg("y 2.0.0").dep("z =1.0.0"),
        pkg("y 1.0.0").dep("z ^1"),
        pkg("w 1.0.0").dep("z ^1.1"),
        pkg("z 1.0.0"),
        pkg("z 1.1.0"),
    ]);
    let res = ok(root().dep("w 1").dep("x *"), &mut r);
    assert_eq!(names(&res), ["w 1.0.0", "x 1.0.0", "y 1.0.0", "z 1.1.0"]);
}

#[test]
fn previous_lock_is_kept_and_unlock_moves() {
    let mut r = reg(vec![pkg("b 1.0.0"), pkg("c 1.0.0").dep("b ^1")]);
    let first = ok(root().dep("b 1").dep("c 1"), &mut r);
    assert_eq!(names(&first), ["b 1.0.0", "c 1.0.0"]);
    r.pkgs.push(pkg("b 1.1.0").build());
    r.pkgs.push(pkg("c 1.1.0").dep("b ^1").build());
    let mut inp = input(root().dep("b 1").dep("c 1"));
    inp.previous = Some(previous(&first));
    let kept = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&kept), ["b 1.0.0", "c 1.0.0"]);
    // `update -p c` moves c; b stays (preferred, still fits).
    inp.unlock = BTreeSet::from([id("c 1.0.0")]);
    let upd = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&upd), ["b 1.0.0", "c 1.1.0"]);
    // `update -p b` moves b.
    inp.unlock = BTreeSet::from([id("b 1.0.0")]);
    let upd = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&upd), ["b 1.1.0", "c 1.0.0"]);
}

#[test]
fn new_dependency_reuses_locked_versions_and_edited_requirements_move() {
    let mut r = reg(vec![pkg("b 1.0.0"), pkg("c 1.0.0").dep("b ^1")]);
    let first = ok(root().dep("b 1"), &mut r);
    r.pkgs.push(pkg("b 1.1.0").build());
    r.pkgs.push(pkg("b 1.2.0").build());
    // c is new: its b ^1 takes the locked b 1.0.0.
    let mut inp = input(root().dep("b 1").dep("c 1"));
    inp.previous = Some(previous(&first));
    let res = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&res), ["b 1.0.0", "c 1.0.0"]);
    // The member now asks for b ^1.1: the lock no longer fits, b moves to
    // the highest.
    let mut inp = input(root().dep("b ^1.1"));
    inp.previous = Some(previous(&first));
    let res = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&res), ["b 1.2.0"]);
}

#[test]
fn locked_version_that_no_longer_exists_fails_with_locked_to() {
    let mut r = reg(vec![pkg("b 1.0.0"), pkg("b 1.1.0")]);
    let first = ok(root().dep("b =1.1.0"), &mut r);
    r.pkgs.retain(|s| s.version() != &Version::new(1, 1, 0));
    let mut inp = input(root().dep("b =1.1.0"));
    inp.previous = Some(previous(&first));
    let e = err(&inp, &mut r);
    assert!(
        e.cargo_message
            .starts_with("failed to select a version for the requirement `b = \"=1.1.0\"`"),
        "{e}"
    );
}

#[test]
fn yanked_only_when_locked() {
    let mut r = reg(vec![pkg("b 1.0.0"), pkg("b 1.1.0").yanked()]);
    let res = ok(root().dep("b 1"), &mut r);
    assert_eq!(names(&res), ["b 1.0.0"]);
    let e = err(&input(root().dep("b =1.1.0")), &mut r);
    assert_eq!(
        e.cargo_message,
        "failed to select a version for the requirement `b = \"=1.1.0\"`\n  version 1.1.0 is yanked\nlocation searched: crates.io index\nrequired by package `root v0.1.0 (/ws/root)`"
    );
    // Locked before it was yanked: kept.
    let mut clean = reg(vec![pkg("b 1.0.0"), pkg("b 1.1.0")]);
    let first = ok(root().dep("b 1"), &mut clean);
    assert_eq!(names(&first), ["b 1.1.0"]);
    let mut inp = input(root().dep("b 1"));
    inp.previous = Some(previous(&first));
    let res = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&res), ["b 1.1.0"]);
}

#[test]
fn prerelease_only_when_named() {
    let mut r = reg(vec![
        pkg("b 1.0.0"),
        pkg("b 1.1.0-alpha.1"),
        pkg("b 2.0.0-rc.1"),
    ]);
    assert_eq!(names(&ok(root().dep("b 1"), &mut r)), ["b 1.0.0"]);
    assert_eq!(names(&ok(root().dep("b *"), &mut r)), ["b 1.0.0"]);
    assert_eq!(
        names(&ok(root().dep("b 1.1.0-alpha.1"), &mut r)),
        ["b 1.1.0-alpha.1"]
    );
    assert_eq!(
        names(&ok(root().dep("b >=1.1.0-alpha.0"), &mut r)),
        ["b 1.1.0-alpha.1"]
    );
    let e = err(&input(root().dep("b 2")), &mut r);
    assert_eq!(
        e.cargo_message,
        "failed to select a version for the requirement `b = \"^2\"`\ncandidate versions found which didn't match: 2.0.0-rc.1, 1.1.0-alpha.1, 1.0.0\nlocation searched: crates.io index\nrequired by package `root v0.1.0 (/ws/root)`\nif you are looking for the prerelease package it needs to be specified explicitly\n    b = { version = \"2.0.0-rc.1\" }"
    );
}

#[test]
fn links_must_be_unique() {
    let mut r = reg(vec![
        pkg("d 1.0.0").links("z"),
        pkg("e 1.0.0").links("z"),
        pkg("e 0.9.0"),
    ]);
    // e 0.9.0 does not link z: the resolver falls back to it.
    let res = ok(root().dep("d 1").dep("e >=0.9"), &mut r);
    assert_eq!(names(&res), ["d 1.0.0", "e 0.9.0"]);
    let e = err(&input(root().dep("d 1").dep("e 1")), &mut r);
    assert_eq!(
        e.cargo_message,
        "failed to select a version for `e`.\n    ... required by package `root v0.1.0 (/ws/root)`\nversions that meet the requirements `^1` are: 1.0.0\n\npackage `e` links to the native library `z`, but it conflicts with a previous package which links to `z` as well:\npackage `d v1.0.0`\n    ... which satisfies dependency `d = \"^1\"` of package `root v0.1.0 (/ws/root)`\nOnly one package in the dependency graph may specify the same links value. This helps ensure that only one copy of a native library is linked in the final binary. Try to adjust your dependencies so that only one package uses the `links = \"z\"` value. For more information, see https://doc.rust-lang.org/cargo/reference/resolver.html#links.\n\nfailed to select a version for `e` which could resolve this conflict"
    );
    assert!(e.hint.unwrap().contains("links = \"z\""));
}

#[test]
fn requested_features_must_exist() {
    let mut r = reg(vec![pkg("b 1.0.0").feature("x", &[]), pkg("b 1.1.0")]);
    let mut with_x = d("b", "1");
    with_x.set_features(vec!["x".into()]);
    let res = ok(root().with(with_x), &mut r);
    assert_eq!(names(&res), ["b 1.0.0"]);
    assert!(res.get(&id("b 1.0.0")).unwrap().features.contains("x"));

    let mut with_y = d("b", "1");
    with_y.set_features(vec!["y".into()]);
    let e = err(&input(root().with(with_y)), &mut r);
    assert_eq!(
        e.cargo_message,
        "failed to select a version for `b`.\n    ... required by package `root v0.1.0 (/ws/root)`\nversions that meet the requirements `^1` are: 1.1.0, 1.0.0\n\npackage `root` depends on `b` with feature `y` but `b` does not have that feature.\n package `b` does have feature `x`\n\n\nfailed to select a version for `b` which could resolve this conflict"
    );
}

#[test]
fn feature_on_a_required_dependency_is_rejected() {
    let mut r = reg(vec![pkg("b 1.0.0").dep("q 1"), pkg("q 1.0.0")]);
    let mut dq = d("b", "1");
    dq.set_features(vec!["q".into()]);
    let e = err(&input(root().with(dq)), &mut r);
    assert!(
        e.cargo_message
            .contains(" A required dependency with that name exists, but only optional dependencies can be used as features.\n"),
        "{e}"
    );
}

#[test]
fn optional_dependencies_follow_features() {
    let mut opt = d("c", "1");
    opt.set_optional(true);
    let mut opt2 = d("e", "1");
    opt2.set_optional(true);
    let mut r = reg(vec![
        pkg("b 1.0.0")
            .with(opt)
            .with(opt2)
            .feature("fast", &["dep:e"])
            .feature("cstd", &["c/std"]),
        pkg("c 1.0.0").feature("std", &[]),
        pkg("e 1.0.0"),
    ]);
    assert_eq!(names(&ok(root().dep("b 1"), &mut r)), ["b 1.0.0"]);
    let mut on = d("b", "1");
    on.set_features(vec!["c".into()]);
    assert_eq!(names(&ok(root().with(on), &mut r)), ["b 1.0.0", "c 1.0.0"]);
    let mut fast = d("b", "1");
    fast.set_features(vec!["fast".into()]);
    assert_eq!(
        names(&ok(root().with(fast), &mut r)),
        ["b 1.0.0", "e 1.0.0"]
    );
    // `e` is only reachable through `dep:`: asking for it by name fails.
    let mut bad = d("b", "1");
    bad.set_features(vec!["e".into()]);
    let e = err(&input(root().with(bad)), &mut r);
    assert!(e.cargo_message.contains("uses the \"dep:\" syntax"), "{e}");
    // `c/std` turns c on with std.
    let mut cstd = d("b", "1");
    cstd.set_features(vec!["cstd".into()]);
    let res = ok(root().with(cstd), &mut r);
    assert!(res.get(&id("c 1.0.0")).unwrap().features.contains("std"));
    // Features asked later by another dependent are added (union).
    let mut r2 = reg(vec![
        pkg("a 1.0.0").with({
            let mut x = d("b", "1");
            x.set_features(vec!["c".into()]);
            x
        }),
        pkg("b 1.0.0").with({
            let mut x = d("c", "1");
            x.set_optional(true);
            x
        }),
        pkg("c 1.0.0"),
    ]);
    let res = ok(root().dep("b 1").dep("a 1"), &mut r2);
    assert_eq!(names(&res), ["a 1.0.0", "b 1.0.0", "c 1.0.0"]);
}

#[test]
fn workspace_members_get_all_features() {
    let mut opt = d("c", "1");
    opt.set_optional(true);
    let mut r = reg(vec![pkg("c 1.0.0")]);
    let res = ok(root().with(opt), &mut r);
    assert_eq!(names(&res), ["c 1.0.0"]);
}

#[test]
fn dev_dependencies_of_members_only() {
    let mut dev = d("t", "1");
    dev.set_kind(DepKind::Development);
    let mut r = reg(vec![
        pkg("b 1.0.0").with(dev.clone()),
        pkg("t 1.0.0"),
        pkg("u 1.0.0"),
    ]);
    let mut rdev = d("u", "1");
    rdev.set_kind(DepKind::Development);
    let mut build = d("t", "1");
    build.set_kind(DepKind::Build);
    let res = ok(root().dep("b 1").with(rdev.clone()), &mut r);
    assert_eq!(names(&res), ["b 1.0.0", "u 1.0.0"]);
    let res = ok(root().with(build), &mut r);
    assert_eq!(names(&res), ["t 1.0.0"]);
    let mut inp = input(root().with(rdev));
    inp.options.dev_deps = false;
    assert!(names(&resolve(&inp, &mut r).unwrap()).is_empty());
}

#[test]
fn patches_replace_and_unused_are_reported() {
    let mut r = reg(vec![pkg("b 1.0.0"), pkg("a 1.0.0").dep("b ^1")]);
    let local = PackageId::new("b", Version::new(1, 0, 5), path_src("b"));
    let patch = Patch {
        source: crates(),
        summary: P::new(local.clone()).build(),
    };
    let mut inp = input(root().dep("a 1").dep("b 1"));
    inp.patches = vec![patch.clone()];
    let res = resolve(&inp, &mut r).unwrap();
    assert!(res.get(&local).is_some());
    assert!(res.get(&id("b 1.0.0")).is_none());
    assert_eq!(res.get(&id("a 1.0.0")).unwrap().deps[0].package, local);
    assert!(res.unused_patches.is_empty());
    // A patch whose version does not match is unused.
    let mut inp = input(root().dep("b =1.0.0"));
    inp.patches = vec![patch];
    let res = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&res), ["b 1.0.0"]);
    assert_eq!(res.unused_patches.len(), 1);
    assert_eq!(res.unused_patches[0].package_id(), &local);
    // A lock through a patch stays on the patch.
    let mut inp = input(root().dep("b 1"));
    inp.patches = vec![Patch {
        source: crates(),
        summary: P::new(local.clone()).build(),
    }];
    let first = resolve(&inp, &mut r).unwrap();
    inp.previous = Some(previous(&first));
    let again = resolve(&inp, &mut r).unwrap();
    assert!(again.get(&local).is_some());
}

#[test]
fn rust_version_preference_with_resolver_3() {
    let mut r = reg(vec![
        pkg("b 1.0.0").rust("1.60"),
        pkg("b 1.1.0").rust("1.80"),
        pkg("c 1.0.0").rust("1.90"),
    ]);
    let mut inp = input(root().dep("b 1").dep("c 1"));
    inp.options.rust_versions = vec!["1.70".parse().unwrap()];
    inp.options.resolver = VersionResolver::V3;
    // b 1.0.0 fits; c has nothing that fits, so the highest.
    assert_eq!(
        names(&resolve(&inp, &mut r).unwrap()),
        ["b 1.0.0", "c 1.0.0"]
    );
    inp.options.resolver = VersionResolver::V2;
    assert_eq!(
        names(&resolve(&inp, &mut r).unwrap()),
        ["b 1.1.0", "c 1.0.0"]
    );
    // A requirement only the newer one meets still gets it.
    let mut inp = input(root().dep("b ^1.1"));
    inp.options.rust_versions = vec!["1.70".parse().unwrap()];
    inp.options.resolver = VersionResolver::V3;
    assert_eq!(names(&resolve(&inp, &mut r).unwrap()), ["b 1.1.0"]);
}

#[test]
fn semver_conflict_message_matches_cargo() {
    let mut r = reg(vec![
        pkg("a 1.0.0").dep("b =1.2.0"),
        pkg("c 1.0.0").dep("b ^1.5"),
        pkg("b 1.2.0"),
        pkg("b 1.5.0"),
        pkg("b 1.6.0"),
    ]);
    let e = err(&input(root().dep("a 1").dep("c 1")), &mut r);
    assert_eq!(
        e.cargo_message,
        "failed to select a version for `b`.\n    ... required by package `c v1.0.0`\n    ... which satisfies dependency `c = \"^1\"` of package `root v0.1.0 (/ws/root)`\nversions that meet the requirements `^1.5` are: 1.6.0, 1.5.0\n\nall possible versions conflict with previously selected packages.\n\n  previously selected package `b v1.2.0`\n    ... which satisfies dependency `b = \"=1.2.0\"` of package `a v1.0.0`\n    ... which satisfies dependency `a = \"^1\"` of package `root v0.1.0 (/ws/root)`\n\nfailed to select a version for `b` which could resolve this conflict"
    );
    let text = e.derivation.join("\n");
    assert!(
        text.contains(
            "because `c v1.0.0` depends on `b = \"^1.5\"` and `a v1.0.0` depends on `b = \"=1.2.0\"` (`b v1.2.0` chosen), while one version of `b` 1.x must serve both, `c v1.0.0` and `b v1.2.0` cannot be used together"
        ),
        "{text}"
    );
    assert!(text.contains("cannot all be met"), "{text}");
    assert!(e.hint.as_deref().unwrap().contains("relax one"), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("why no versions fit:") && shown.contains("hint: "));
}

#[test]
fn missing_package_and_unmatched_versions() {
    let mut r = reg(vec![
        pkg("b 1.0.0"),
        pkg("b 1.5.0"),
        pkg("b 1.6.0"),
        pkg("b 2.0.0"),
    ]);
    let e = err(&input(root().dep("zz 1")), &mut r);
    assert_eq!(
        e.cargo_message,
        "no matching package named `zz` found\nlocation searched: crates.io index\nrequired by package `root v0.1.0 (/ws/root)`"
    );
    let e = err(&input(root().dep("b ^3")), &mut r);
    assert_eq!(
        e.cargo_message,
        "failed to select a version for the requirement `b = \"^3\"`\ncandidate versions found which didn't match: 2.0.0, 1.6.0, 1.5.0, ...\nlocation searched: crates.io index\nrequired by package `root v0.1.0 (/ws/root)`"
    );
    assert!(e.hint.unwrap().contains("newest version is 2.0.0"));
    // Deeper in the graph the path is shown.
    let mut r = reg(vec![pkg("a 1.0.0").dep("b ^3"), pkg("b 1.0.0")]);
    let e = err(&input(root().dep("a 1")), &mut r);
    assert!(
        e.cargo_message.ends_with(
            "required by package `a v1.0.0`\n    ... which satisfies dependency `a = \"^1\"` of package `root v0.1.0 (/ws/root)`"
        ),
        "{e}"
    );
}

#[test]
fn cycles_through_normal_dependencies_fail() {
    let mut r = reg(vec![pkg("a 1.0.0").dep("b 1"), pkg("b 1.0.0").dep("a 1")]);
    match resolve(&input(root().dep("a 1")), &mut r) {
        Err(ResolveError::Cycle(m)) => {
            assert!(
                m.starts_with("cyclic package dependency: package `a v1.0.0` depends on itself. Cycle:\npackage `a v1.0.0`\n    ... which satisfies dependency `a = \"^1\"` of package `b v1.0.0`"),
                "{m}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn member_feature_errors_are_cargos() {
    let mut r = reg(vec![]);
    let s = root().feature("x", &["nope"]);
    match resolve(&input(s), &mut r) {
        Err(ResolveError::Features(m)) => assert_eq!(
            m,
            "Package `root v0.1.0 (/ws/root)` does not have the feature `nope`"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn lock_dependencies_and_order_are_deterministic() {
    let mut r = reg(vec![
        pkg("a 1.0.0").dep("b ^1").dep("c ^1"),
        pkg("b 1.0.0").dep("c ^1"),
        pkg("c 1.0.0"),
    ]);
    let one = ok(root().dep("a 1").dep("c 1"), &mut r);
    let two = ok(root().dep("c 1").dep("a 1"), &mut r);
    assert_eq!(one.lock_dependencies(), two.lock_dependencies());
    let a = one.get(&id("a 1.0.0")).unwrap();
    let order: Vec<&str> = a.deps.iter().map(|d| d.package.name()).collect();
    assert_eq!(order, ["b", "c"]);
    let locked = one.lock_dependencies();
    assert_eq!(locked.len(), 4);
    assert_eq!(
        locked[&id("a 1.0.0")],
        BTreeSet::from([id("b 1.0.0"), id("c 1.0.0")])
    );
}

#[test]
fn registry_errors_are_passed_on() {
    struct Broken;
    impl Registry for Broken {
        fn query(&mut self, _: &Dependency) -> Result<Vec<Summary>, RegistryError> {
            Err("index unreachable".into())
        }
    }
    match resolve(&input(root().dep("b 1")), &mut Broken) {
        Err(ResolveError::Registry { message, .. }) => {
            assert_eq!(message, "failed to query `b` from crates.io index")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn many_versions_backjump_quickly() {
    // 30 versions of a, each needing a z the other side rules out, except
    // the oldest: the search must not try every combination of the rest.
    let mut pkgs = vec![
        pkg("z 1.0.0"),
        pkg("z 1.1.0"),
        pkg("w 1.0.0").dep("z =1.0.0"),
    ];
    for i in 1..30 {
        pkgs.push(pkg(&format!("a 1.{i}.0")).dep("z ^1.1").dep("m ^1"));
    }
    pkgs.push(pkg("a 1.0.0").dep("z ^1"));
    for i in 0..30 {
        pkgs.push(pkg(&format!("m 1.{i}.0")));
    }
    let mut r = reg(pkgs);
    let res = ok(root().dep("a 1").dep("w 1"), &mut r);
    assert_eq!(names(&res), ["a 1.0.0", "w 1.0.0", "z 1.0.0"]);
}

#[test]
fn a_large_graph_resolves_fast() {
    // 600 names × 10 versions, each depending on three later names.
    const N: usize = 600;
    let mut pkgs = Vec::new();
    for n in 0..N {
        for v in 0..10 {
            let mut p = pkg(&format!("p{n} 1.{v}.0"));
            for k in 1..=3 {
                if n + k * 7 < N {
                    p = p.dep(&format!("p{} ^1.{}", n + k * 7, v % 3));
                }
            }
            pkgs.push(p);
        }
    }
    let mut r = reg(pkgs);
    let start = std::time::Instant::now();
    let mut root = root();
    for n in 0..7 {
        root = root.dep(&format!("p{n} 1"));
    }
    let res = ok(root, &mut r);
    assert_eq!(res.packages.len(), N + 1);
    assert!(names(&res).iter().all(|n| n.ends_with(" 1.9.0")));
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}

#[test]
fn two_declarations_of_one_name_keep_their_locks() {
    // root asks for b twice; cargo pins both to the first locked b that
    // matches (b 0.2.0, without `f`) and fails; the other pin is tried.
    let mut r = reg(vec![pkg("b 0.2.0"), pkg("b 1.0.0").feature("f", &[])]);
    let mut wide = d("b", ">=0.1.1, <1.1.0");
    wide.set_features(vec!["f".into()]);
    let mut narrow = d("b", "^0.2");
    narrow.set_kind(DepKind::Build);
    let first = ok(root().with(wide.clone()).with(narrow.clone()), &mut r);
    assert_eq!(names(&first), ["b 0.2.0", "b 1.0.0"]);
    let mut inp = input(root().with(wide).with(narrow));
    inp.previous = Some(previous(&first));
    let again = resolve(&inp, &mut r).unwrap();
    assert_eq!(again.lock_dependencies(), first.lock_dependencies());
}

#[test]
fn explanation_reads_as_a_derivation() {
    let mut r = reg(vec![
        pkg("a 1.0.0").dep("b ^1"),
        pkg("c 1.0.0").dep("b ^2"),
        pkg("b 1.0.0").links("ssl"),
        pkg("b 2.0.0").links("ssl"),
    ]);
    let e = err(&input(root().dep("a 1").dep("c 1")), &mut r);
    let shown = e.to_string();
    assert!(
        shown.starts_with("failed to select a version for `b`."),
        "{shown}"
    );
    assert!(shown.contains("links the native library `ssl`"), "{shown}");
    assert!(shown.contains("cannot be used together"), "{shown}");
    assert!(
        shown.contains("\n\nhint: only one package may set `links = \"ssl\"`"),
        "{shown}"
    );
}

#[test]
fn minimal_and_direct_minimal_versions() {
    let mut r = reg(vec![
        pkg("a 1.0.0").dep("b ^1.0"),
        pkg("a 1.1.0").dep("b ^1.0"),
        pkg("b 1.0.0"),
        pkg("b 1.2.0"),
    ]);
    let mut inp = input(root().dep("a 1"));
    inp.options.ordering = VersionOrdering::MinimumFirst;
    let res = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&res), ["a 1.0.0", "b 1.0.0"]);
    let mut inp = input(root().dep("a 1"));
    inp.options.direct_minimal = true;
    let res = resolve(&inp, &mut r).unwrap();
    assert_eq!(names(&res), ["a 1.0.0", "b 1.2.0"]);
    // Only the first choice for a member's own dependency: `b ^1.1` after
    // `b 1.0.0` was picked for `b ^1.0` has nothing left to try.
    let mut inp = input(root().dep("b 1.0").dep("b 1.1"));
    inp.options.direct_minimal = true;
    assert!(resolve(&inp, &mut r).is_err());
}
