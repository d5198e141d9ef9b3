//! The packages to compile and the units cargo makes of them.
//!
//! [`PackageGraph`] is the input: resolved packages (manifests on disk)
//! and their dependency edges, plus a [`Features`] answer for which
//! features and optional dependencies are on. [`UnitGraph::new`] turns a
//! [`Selection`] into root units and walks their dependencies the way
//! cargo's `unit_dependencies` does.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use anyhow::bail;
use mycargo_core::DepKind;
use mycargo_manifest::{Manifest, Target};

use crate::profile::ProfileMaker;
use crate::unit::{CompileKind, CompileMode, Unit, UnitInner};

/// A resolved package.
#[derive(Debug)]
pub struct GraphPackage<'a> {
    pub manifest: &'a Manifest,
    /// Resolved edges: `(index into manifest.dependencies, package index)`.
    pub deps: Vec<(usize, usize)>,
    /// A workspace member.
    pub is_member: bool,
    /// From a path source (warnings shown, incremental on).
    pub is_local: bool,
    /// From a directory source: [`PackageGraph::verify`] checks it.
    pub vendored: bool,
}

/// Lists a path package's source files (see [`PackageGraph::list_files`]).
pub type ListFiles<'a> = &'a (dyn Fn(&Manifest) -> Vec<std::path::PathBuf> + Sync);

pub struct PackageGraph<'a> {
    pub packages: Vec<GraphPackage<'a>>,
    /// Run once per package before its first unit compiles (not for fresh
    /// ones): vendored sources are checked against their checksums there.
    pub verify: Option<&'a (dyn Fn(usize) -> anyhow::Result<()> + Sync)>,
    /// A path package's source files as packaging lists them (git-aware,
    /// `include`/`exclude`); `None` lists everything under its root.
    pub list_files: Option<ListFiles<'a>>,
}

impl std::fmt::Debug for PackageGraph<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackageGraph")
            .field("packages", &self.packages)
            .field("verify", &self.verify.is_some())
            .finish()
    }
}

/// Which features and optional dependencies are on, per package and per
/// context (host units are resolved apart under resolver 2).
pub trait Features {
    fn features(&self, pkg: usize, for_host: bool) -> BTreeSet<String>;
    /// Whether dependency `dep` (index into the manifest's dependencies) of
    /// `pkg` is on.
    fn dep_active(&self, pkg: usize, for_host: bool, dep: usize) -> bool;
    /// Whether the package is used in that context at all.
    fn active(&self, pkg: usize, for_host: bool) -> bool;
}

/// Which targets of a package to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterRule {
    None,
    All,
    Just(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetFilter {
    /// What the command builds without target flags.
    Default,
    /// `--all-targets`: every target (the lib if there is one).
    All,
    Only {
        lib: bool,
        bins: FilterRule,
        examples: FilterRule,
        tests: FilterRule,
        benches: FilterRule,
    },
}

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Packages selected on the command line.
    pub roots: Vec<usize>,
    pub filter: TargetFilter,
    /// The command's mode: Build, Check, CheckTest (`check --profile test`),
    /// Test, Bench or Doc.
    pub mode: CompileMode,
    /// `--target`; `None` builds for the host.
    pub target: Option<String>,
    /// Doc mode: document the dependencies' libs too (not `--no-deps`).
    pub doc_deps: bool,
    /// Test mode: which libs get their documentation tested.
    pub doctests: DocTests,
    /// The `-p` specs as given (empty for the default members or
    /// `--workspace`): how "no target named" errors name the packages.
    pub named_packages: Vec<String>,
    /// `(built for the host, links)` whose build scripts configuration
    /// overrides: their run units need nothing compiled.
    pub links_overridden: BTreeSet<(bool, String)>,
    /// `-Z any-build-script-metadata`: a build script sees every direct
    /// dependency's script metadata, not only `links` ones'.
    pub any_build_script_metadata: bool,
}

/// Whether `test` runs doc tests of the selected packages' libs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocTests {
    #[default]
    No,
    /// With the default targets: each lib that can be doc-tested.
    IfAny,
    /// `--doc`: every selected package must have a lib.
    Required,
}

/// What `rustdoc --test` of one lib needs: the lib built as an rlib, and
/// what a test of that lib links against (normal and dev-dependencies, the
/// lib itself, the package's build script run).
#[derive(Debug, Clone)]
pub struct DocTestUnit {
    /// The lib, compiled for dependents.
    pub lib: Unit,
    pub deps: Vec<UnitDep>,
}

/// Units and the edges between them.
#[derive(Debug, Default)]
pub struct UnitGraph {
    pub roots: Vec<Unit>,
    pub deps: HashMap<Unit, Vec<UnitDep>>,
    /// Warnings about skipped targets (required-features).
    pub warnings: Vec<String>,
    /// Libs whose doc tests `test` runs after the build, by package order.
    pub doctests: Vec<DocTestUnit>,
    /// An error to report once the warnings are out (`test --doc` without
    /// a lib to test).
    pub error: Option<String>,
}

/// An edge: the dependency unit and the name the dependent knows it by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitDep {
    pub unit: Unit,
    /// The `--extern` name (a rename, or the lib's crate name).
    pub extern_name: String,
}

struct Builder<'a, 'g> {
    graph: &'g PackageGraph<'a>,
    features: &'g dyn Features,
    profiles: &'g ProfileMaker,
    target_kind: CompileKind,
    interned: HashMap<UnitInner, Unit>,
    out: UnitGraph,
    doc_deps: bool,
    links_overridden: &'g BTreeSet<(bool, String)>,
    any_build_script_metadata: bool,
    /// cargo's error for a package that names one dependency twice
    /// differently (reported once the graph is walked).
    name_error: Option<String>,
}

impl UnitGraph {
    /// The roots, then every dependency edge's unit (a unit may come more
    /// than once).
    /// Add another graph's units (`package` feature unification: each
    /// package resolved alone, all built together; a unit both graphs
    /// hold is the same unit).
    pub fn merge(&mut self, other: UnitGraph) {
        for r in other.roots {
            if !self.roots.contains(&r) {
                self.roots.push(r);
            }
        }
        for (unit, deps) in other.deps {
            self.deps.entry(unit).or_insert(deps);
        }
        for w in other.warnings {
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
        self.doctests.extend(other.doctests);
        if self.error.is_none() {
            self.error = other.error;
        }
    }

    pub fn all_units(&self) -> impl Iterator<Item = &Unit> {
        self.roots
            .iter()
            .chain(self.deps.values().flatten().map(|d| &d.unit))
    }

    pub fn new(
        graph: &PackageGraph<'_>,
        features: &dyn Features,
        profiles: &ProfileMaker,
        selection: &Selection,
    ) -> anyhow::Result<UnitGraph> {
        let mut b = Builder {
            graph,
            features,
            profiles,
            target_kind: match &selection.target {
                Some(t) => CompileKind::Target(t.clone()),
                None => CompileKind::Host,
            },
            interned: HashMap::new(),
            out: UnitGraph::default(),
            doc_deps: selection.doc_deps,
            links_overridden: &selection.links_overridden,
            any_build_script_metadata: selection.any_build_script_metadata,
            name_error: None,
        };
        let mut roots = Vec::new();
        let mut doctest_libs = Vec::new();
        let mut any_doc_lib = false;
        let mut matched = Matched::default();
        for &pkg in &selection.roots {
            for (target, mode) in b.root_targets(pkg, selection, &mut matched)? {
                let kind = b.kind_for(&graph.packages[pkg].manifest.targets[target], false);
                // A proc macro asked for by name is built for the host but with
                // the normal profile; its dependencies are host units.
                let unit = b.intern(pkg, target, mode, kind, false);
                // Tests (all roots of `test`/`bench`) and proc macros unwind,
                // and so does everything they link (cargo's `UnitFor`).
                let t = &graph.packages[pkg].manifest.targets[target];
                let unit = if mode.is_rustc_test() || selection.mode.is_rustc_test() || t.proc_macro
                {
                    b.unwound(unit)
                } else {
                    unit
                };
                if !roots.contains(&unit) {
                    roots.push(unit);
                }
            }
            if let Some(li) = b.doctest_lib(pkg, selection, &mut any_doc_lib) {
                doctest_libs.push((pkg, li));
            }
        }
        check_matched(graph, selection, &matched)?;
        // `--bins`, `--tests`, ... that found nothing to build: cargo says
        // the filters did nothing.
        if roots.is_empty()
            && let Some(rules) = Rules::of(&selection.filter)
        {
            let unmatched: Vec<String> = [
                (&rules.bins, "bins"),
                (&rules.tests, "tests"),
                (&rules.examples, "examples"),
                (&rules.benches, "benches"),
            ]
            .into_iter()
            .filter(|(r, _)| **r == FilterRule::All)
            .map(|(_, n)| format!("`{n}`"))
            .collect();
            match unmatched.len() {
                0 => {}
                1 => b.out.warnings.push(format!(
                    "target filter {} specified, but no targets matched; this is a no-op",
                    unmatched[0]
                )),
                _ => b.out.warnings.push(format!(
                    "target filters {} specified, but no targets matched; this is a no-op",
                    unmatched.join(", ")
                )),
            }
        }
        if selection.mode == CompileMode::Test
            && selection.doctests == DocTests::Required
            && !any_doc_lib
        {
            let names: Vec<&str> = selection
                .roots
                .iter()
                .map(|&p| graph.packages[p].manifest.name())
                .collect();
            b.out.error = Some(match names.as_slice() {
                [one] => format!("no library targets found in package `{one}`"),
                _ => format!("no library targets found in packages: {}", names.join(", ")),
            });
        }
        for root in &roots {
            b.walk(root)?;
        }
        for (pkg, li) in doctest_libs {
            let dt = b.doctest_unit(pkg, li)?;
            for d in &dt.deps {
                b.walk(&d.unit)?;
            }
            b.out.doctests.push(dt);
        }
        if let Some(e) = b.name_error {
            bail!("{e}");
        }
        b.share_host_units();
        b.out.roots = roots;
        Ok(b.out)
    }

    /// Every unit, dependencies before dependents (iterative: graphs come
    /// from users' manifests).
    pub fn topo_order(&self) -> Vec<Unit> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let starts = self.roots.iter().chain(
            self.doctests
                .iter()
                .flat_map(|d| d.deps.iter().map(|d| &d.unit)),
        );
        for start in starts {
            if seen.contains(start) {
                continue;
            }
            seen.insert(start.clone());
            // (unit, index of the next dependency to visit)
            let mut stack: Vec<(Unit, usize)> = vec![(start.clone(), 0)];
            while let Some((unit, i)) = stack.last_mut() {
                let next = self
                    .deps
                    .get(unit)
                    .and_then(|d| d.get(*i))
                    .map(|d| d.unit.clone());
                *i += 1;
                match next {
                    Some(dep) => {
                        if seen.insert(dep.clone()) {
                            stack.push((dep, 0));
                        }
                    }
                    None => {
                        let (done, _) = stack.pop().expect("stack is not empty");
                        out.push(done);
                    }
                }
            }
        }
        out
    }

    /// `--compile-time-deps`: only build scripts and proc macros the
    /// selected packages need, with everything they need; the selected
    /// targets themselves are not built (as cargo).
    pub fn compile_time_only(&self, graph: &PackageGraph<'_>) -> UnitGraph {
        let is_compile_time = |u: &Unit| {
            let t = &graph.packages[u.pkg].manifest.targets[u.target];
            t.is_custom_build() || t.proc_macro
        };
        let mut keep: BTreeSet<Unit> = BTreeSet::new();
        let mut roots = Vec::new();
        for unit in self.topo_order() {
            if self.roots.contains(&unit) || !is_compile_time(&unit) || keep.contains(&unit) {
                continue;
            }
            roots.push(unit.clone());
            let mut stack = vec![unit];
            while let Some(u) = stack.pop() {
                if !keep.insert(u.clone()) {
                    continue;
                }
                for d in self.deps.get(&u).into_iter().flatten() {
                    stack.push(d.unit.clone());
                }
            }
        }
        UnitGraph {
            roots,
            deps: self
                .deps
                .iter()
                .filter(|(u, _)| keep.contains(*u))
                .map(|(u, d)| (u.clone(), d.clone()))
                .collect(),
            warnings: self.warnings.clone(),
            doctests: Vec::new(),
            error: None,
        }
    }
}

impl Builder<'_, '_> {
    /// cargo's deferred `debuginfo = 0` for host units, settled: without
    /// `--target`, a host unit whose only difference from a unit built for
    /// the program is that default becomes that unit (a package used by a
    /// build script and by the program compiles once) and otherwise stays
    /// weakened; with `--target`, host units keep the profile's debuginfo.
    fn share_host_units(&mut self) {
        let mut replace: HashMap<Unit, Unit> = HashMap::new();
        let keys: Vec<Unit> = self.out.deps.keys().cloned().collect();
        for u in keys {
            if !u.for_host || u.kind != CompileKind::Host {
                continue;
            }
            let gp = &self.graph.packages[u.pkg];
            let shareable = self.profiles.shareable_host_profile(
                &gp.manifest.package_id,
                gp.is_member,
                gp.is_local,
                &u.profile,
            );
            if self.target_kind == CompileKind::Host {
                // cargo's units do not know what they are for: equal ones
                // are one unit.
                let probe = UnitInner {
                    profile: shareable.unwrap_or_else(|| u.profile.clone()),
                    for_host: false,
                    ..(*u).clone()
                };
                if let Some(shared) = self.interned.get(&probe)
                    && self.out.deps.contains_key(shared)
                {
                    replace.insert(u.clone(), shared.clone());
                }
            } else if let Some(profile) = shareable {
                let inner = UnitInner {
                    profile,
                    ..(*u).clone()
                };
                let full = self
                    .interned
                    .entry(inner.clone())
                    .or_insert_with(|| Arc::new(inner))
                    .clone();
                if let Some(deps) = self.out.deps.get(&u).cloned() {
                    self.out.deps.insert(full.clone(), deps);
                }
                replace.insert(u.clone(), full);
            }
        }
        if replace.is_empty() {
            return;
        }
        for old in replace.keys() {
            self.out.deps.remove(old);
        }
        let swap = |d: &mut UnitDep| {
            if let Some(new) = replace.get(&d.unit) {
                d.unit = new.clone();
            }
        };
        for deps in self.out.deps.values_mut() {
            deps.iter_mut().for_each(swap);
        }
        for dt in &mut self.out.doctests {
            dt.deps.iter_mut().for_each(swap);
        }
    }

    fn kind_for(&self, target: &Target, parent_for_host: bool) -> CompileKind {
        if target.for_host || parent_for_host {
            CompileKind::Host
        } else {
            self.target_kind.clone()
        }
    }

    fn intern(
        &mut self,
        pkg: usize,
        target: usize,
        mode: CompileMode,
        kind: CompileKind,
        for_host: bool,
    ) -> Unit {
        let features = self.features.features(pkg, for_host);
        self.intern_with_features(pkg, target, mode, kind, for_host, features)
    }

    /// [`Self::intern`] for a dependency of `parent`: the dependencies of a
    /// unit that must unwind unwind too.
    fn intern_dep(
        &mut self,
        parent: &Unit,
        pkg: usize,
        target: usize,
        mode: CompileMode,
        kind: CompileKind,
        for_host: bool,
    ) -> Unit {
        let unit = self.intern(pkg, target, mode, kind, for_host);
        if parent.profile.panic == "unwind" {
            self.unwound(unit)
        } else {
            unit
        }
    }

    /// `unit` with the `unwind` panic strategy whatever the profile says
    /// (cargo's `PanicSetting::AlwaysUnwind`): the test harness needs it.
    /// rustdoc has no panic strategy: doc units keep the profile's, so
    /// that host and target ones stay one unit.
    fn unwound(&mut self, unit: Unit) -> Unit {
        if unit.profile.panic == "unwind" || unit.mode == CompileMode::Doc {
            return unit;
        }
        let mut inner = (*unit).clone();
        inner.profile.panic = "unwind";
        self.interned
            .entry(inner.clone())
            .or_insert_with(|| Arc::new(inner))
            .clone()
    }

    /// [`Self::intern`] with the features given (a build script is compiled
    /// with the features of the package it builds, not the host's).
    fn intern_with_features(
        &mut self,
        pkg: usize,
        target: usize,
        mode: CompileMode,
        kind: CompileKind,
        for_host: bool,
        features: BTreeSet<String>,
    ) -> Unit {
        let gp = &self.graph.packages[pkg];
        let profile = self.profiles.unit_profile(
            &gp.manifest.package_id,
            gp.is_member,
            gp.is_local,
            for_host,
        );
        let inner = UnitInner {
            pkg,
            target,
            mode,
            kind,
            profile,
            features,
            for_host,
        };
        let unit = self
            .interned
            .entry(inner.clone())
            .or_insert_with(|| Arc::new(inner))
            .clone();
        // What runs in the compiler (build scripts, proc macros) unwinds.
        if for_host { self.unwound(unit) } else { unit }
    }

    /// Targets and modes of a selected package, as cargo's
    /// `generate_root_units` picks them.
    fn root_targets(
        &mut self,
        pkg: usize,
        sel: &Selection,
        matched: &mut Matched,
    ) -> anyhow::Result<Vec<(usize, CompileMode)>> {
        let m = self.graph.packages[pkg].manifest;
        let enabled = self.required_feature_set(pkg, self.features.features(pkg, false), false);
        let proposed = match Rules::of(&sel.filter) {
            None => m
                .targets
                .iter()
                .enumerate()
                .filter(|(_, t)| default_target(m, t, sel.mode))
                .filter(|(_, t)| has_required_features(t, &enabled))
                .map(|(i, _)| (i, sel.mode))
                .collect(),
            Some(rules) => explicit_targets(m, &rules, sel.mode, &enabled, matched)?,
        };
        let specific = sel.filter != TargetFilter::Default;
        let mut seen = BTreeSet::new();
        Ok(proposed
            .into_iter()
            .map(|(i, mode)| (i, unit_mode(mode, &m.targets[i], specific)))
            .filter(|x| seen.insert(*x))
            .collect())
    }

    /// A package's features with, for `dep/feat` requirements, the
    /// features each active dependency is built with (build dependencies'
    /// for the host).
    fn required_feature_set(
        &self,
        pkg: usize,
        mut enabled: BTreeSet<String>,
        for_host: bool,
    ) -> BTreeSet<String> {
        let m = self.graph.packages[pkg].manifest;
        for (dep_idx, dep_pkg) in self.active_deps(pkg, for_host, |k| k != DepKind::Development) {
            let d = &m.dependencies[dep_idx];
            let dep_for_host = for_host || d.kind() == DepKind::Build;
            for f in self.features.features(dep_pkg, dep_for_host) {
                enabled.insert(format!("{}/{f}", d.name_in_toml()));
            }
        }
        enabled
    }

    /// The lib of a selected package whose doc tests `test` runs. `found`
    /// notes a lib that could be doc-tested (`--doc` fails without one).
    fn doctest_lib(&mut self, pkg: usize, sel: &Selection, found: &mut bool) -> Option<usize> {
        if sel.mode != CompileMode::Test || sel.doctests == DocTests::No {
            return None;
        }
        let m = self.graph.packages[pkg].manifest;
        let li = m.targets.iter().position(|t| t.is_lib())?;
        let lib = &m.targets[li];
        if !lib.doctestable() {
            if sel.doctests == DocTests::Required {
                self.out.warnings.push(format!(
                    "doc tests are not supported for crate type(s) `{}` in package `{}`",
                    lib.kind.crate_types().join(", "),
                    m.name()
                ));
            }
            return None;
        }
        *found = true;
        lib.doctest.then_some(li)
    }

    /// The units `rustdoc --test` of a lib needs: what its unit test links
    /// against, and the lib itself.
    fn doctest_unit(&mut self, pkg: usize, li: usize) -> anyhow::Result<DocTestUnit> {
        let lib = &self.graph.packages[pkg].manifest.targets[li];
        let kind = self.kind_for(lib, false);
        let proc_macro = lib.proc_macro;
        let crate_name = lib.crate_name();
        // The lib's test unit has the same dependencies; it is only asked,
        // never added to the graph.
        let probe = self.intern(pkg, li, CompileMode::Test, kind.clone(), false);
        let probe = self.unwound(probe);
        let mut deps = self.compute_deps(&probe)?;
        let unit = self.intern(pkg, li, CompileMode::Build, kind, proc_macro);
        let unit = self.unwound(unit);
        deps.insert(
            0,
            UnitDep {
                unit: unit.clone(),
                extern_name: crate_name,
            },
        );
        Ok(DocTestUnit { lib: unit, deps })
    }

    /// Add the dependencies of `unit`, and theirs. Iterative: a deep
    /// dependency chain does not grow the stack.
    fn walk(&mut self, unit: &Unit) -> anyhow::Result<()> {
        let mut stack = vec![unit.clone()];
        while let Some(unit) = stack.pop() {
            if self.out.deps.contains_key(&unit) {
                continue;
            }
            let deps = self.compute_deps(&unit)?;
            stack.extend(deps.iter().rev().map(|d| d.unit.clone()));
            self.out.deps.insert(unit, deps);
        }
        Ok(())
    }

    fn compute_deps(&mut self, unit: &Unit) -> anyhow::Result<Vec<UnitDep>> {
        let gp = &self.graph.packages[unit.pkg];
        let m = gp.manifest;
        let target = &m.targets[unit.target];
        let mut out = Vec::new();

        if unit.mode == CompileMode::RunCustomBuild {
            if let Some(links) = &m.metadata.links
                && self
                    .links_overridden
                    .contains(&(unit.for_host, links.clone()))
            {
                return Ok(out);
            }
            // Running a build script needs it compiled, and the run units of
            // dependencies that declare `links` (for their DEP_* variables).
            let script = self.intern_with_features(
                unit.pkg,
                unit.target,
                CompileMode::Build,
                CompileKind::Host,
                true,
                unit.features.clone(),
            );
            out.push(UnitDep {
                unit: script,
                extern_name: String::new(),
            });
            for (dep_idx, dep_pkg) in
                self.active_deps(unit.pkg, unit.for_host, |k| k == DepKind::Normal)
            {
                let dm = self.graph.packages[dep_pkg].manifest;
                // The name the dependency goes by here, for
                // `CARGO_DEP_<NAME>_<KEY>`.
                let name = m.dependencies[dep_idx].name_in_toml().to_string();
                if (dm.metadata.links.is_some() || self.any_build_script_metadata)
                    && let Some(bi) = dm.targets.iter().position(|t| t.is_custom_build())
                {
                    let run = self.intern(
                        dep_pkg,
                        bi,
                        CompileMode::RunCustomBuild,
                        unit.kind.clone(),
                        unit.for_host,
                    );
                    out.push(UnitDep {
                        unit: run,
                        extern_name: name,
                    });
                }
            }
            return Ok(out);
        }

        if unit.mode == CompileMode::Doc {
            return Ok(self.compute_doc_deps(unit));
        }

        if target.is_custom_build() {
            // Compiling a build script: its build-dependencies, for the host.
            // Which of them are on is decided in the context of the package
            // the script builds (a target package has its build-dependency
            // edges there), recognised by the features the script carries.
            let pkg_ctx_host = !(self.features.active(unit.pkg, false)
                && self.features.features(unit.pkg, false) == unit.features);
            for (dep_idx, dep_pkg) in
                self.active_deps(unit.pkg, pkg_ctx_host, |k| k == DepKind::Build)
            {
                if let Some(d) = self.lib_dep(unit, dep_idx, dep_pkg, true) {
                    out.push(d);
                }
            }
            return Ok(out);
        }

        let with_dev = target.is_test()
            || target.is_bench()
            || target.is_example()
            || unit.mode.is_rustc_test();
        // A proc macro's dependencies run inside the compiler: host units.
        let deps_for_host = unit.for_host || target.proc_macro;
        for (dep_idx, dep_pkg) in self.active_deps(unit.pkg, unit.for_host, |k| {
            k == DepKind::Normal || (with_dev && k == DepKind::Development)
        }) {
            if let Some(d) = self.lib_dep(unit, dep_idx, dep_pkg, deps_for_host) {
                out.push(d);
            }
        }
        // The package's own lib, for its bins, tests, examples and benches.
        if !target.is_lib()
            && let Some(li) = m.targets.iter().position(|t| t.is_lib())
            && links_as_dependency(&m.targets[li])
        {
            let lib = &m.targets[li];
            let mode = if unit.mode.is_check() && !lib.proc_macro {
                CompileMode::Check
            } else {
                CompileMode::Build
            };
            let kind = self.kind_for(lib, unit.for_host);
            let for_host = unit.for_host || lib.proc_macro;
            let u = self.intern_dep(unit, unit.pkg, li, mode, kind, for_host);
            out.push(UnitDep {
                unit: u,
                extern_name: lib.crate_name(),
            });
        }
        // Integration tests and benches run the package's binaries
        // (`CARGO_BIN_EXE_<name>`): those are built first.
        if (target.is_test() || target.is_bench()) && unit.mode.is_any_test() {
            let enabled = self.required_feature_set(
                unit.pkg,
                unit.features.iter().cloned().collect(),
                unit.for_host,
            );
            for (bi, t) in m.targets.iter().enumerate() {
                if t.is_bin() && has_required_features(t, &enabled) {
                    let kind = self.kind_for(t, unit.for_host);
                    let u = self.intern(unit.pkg, bi, CompileMode::Build, kind, unit.for_host);
                    out.push(UnitDep {
                        unit: u,
                        extern_name: String::new(),
                    });
                }
            }
        }
        // The package's build script runs first.
        out.extend(self.script_run_dep(unit));
        Ok(out)
    }

    /// The runs of the package's build scripts (one, unless it uses
    /// `multiple-build-scripts`: then in the order `package.build` lists
    /// them), in the unit's context.
    fn script_run_dep(&mut self, unit: &Unit) -> Vec<UnitDep> {
        let m = self.graph.packages[unit.pkg].manifest;
        let kind = if unit.for_host {
            CompileKind::Host
        } else {
            unit.kind.clone()
        };
        let scripts: Vec<usize> = (0..m.targets.len())
            .filter(|&i| m.targets[i].is_custom_build())
            .collect();
        scripts
            .into_iter()
            .map(|bi| UnitDep {
                unit: self.intern(
                    unit.pkg,
                    bi,
                    CompileMode::RunCustomBuild,
                    kind.clone(),
                    unit.for_host,
                ),
                extern_name: String::new(),
            })
            .collect()
    }

    /// What rustdoc needs for a doc unit (cargo's `compute_deps_doc`): the
    /// dependencies' libs checked (built, for proc macros), their docs too
    /// unless `--no-deps`, the package's build script run, and for a bin
    /// or example the package's own lib, checked and documented.
    fn compute_doc_deps(&mut self, unit: &Unit) -> Vec<UnitDep> {
        let m = self.graph.packages[unit.pkg].manifest;
        let target = &m.targets[unit.target];
        // Dev-dependencies for examples and integration tests (cargo's
        // `State::deps`; benches are not among them).
        let with_dev = target.is_example() || target.is_test();
        let mut out = Vec::new();
        // A proc macro's dependencies are host units.
        let deps_for_host = unit.for_host || target.proc_macro;
        for (dep_idx, dep_pkg) in self.active_deps(unit.pkg, unit.for_host, |k| {
            k == DepKind::Normal || (with_dev && k == DepKind::Development)
        }) {
            let Some(d) = self.lib_dep(unit, dep_idx, dep_pkg, deps_for_host) else {
                continue;
            };
            let lib = &self.graph.packages[dep_pkg].manifest.targets[d.unit.target];
            if self.doc_deps && lib.doc {
                let doc = self.intern_dep(
                    unit,
                    dep_pkg,
                    d.unit.target,
                    CompileMode::Doc,
                    d.unit.kind.clone(),
                    d.unit.for_host,
                );
                // Named as the dependency is (a rename too), as in cargo.
                let extern_name = d.extern_name.clone();
                out.push(d);
                out.push(UnitDep {
                    unit: doc,
                    extern_name,
                });
            } else {
                out.push(d);
            }
        }
        out.extend(self.script_run_dep(unit));
        if (target.is_bin() || target.is_example())
            && let Some(li) = m.targets.iter().position(|t| t.is_lib())
            && links_as_dependency(&m.targets[li])
        {
            let lib = &m.targets[li];
            let for_host = unit.for_host || lib.proc_macro;
            let kind = self.kind_for(lib, unit.for_host);
            let mode = if for_host {
                CompileMode::Build
            } else {
                CompileMode::Check
            };
            let checked = self.intern_dep(unit, unit.pkg, li, mode, kind.clone(), for_host);
            out.push(UnitDep {
                unit: checked,
                extern_name: lib.crate_name(),
            });
            // The lib's docs too, unless it has `doc = false`.
            if lib.doc {
                let documented =
                    self.intern_dep(unit, unit.pkg, li, CompileMode::Doc, kind, for_host);
                out.push(UnitDep {
                    unit: documented,
                    extern_name: lib.crate_name(),
                });
            }
        }
        out
    }

    /// Active dependency edges of `pkg` whose kind passes `kinds`.
    fn active_deps(
        &self,
        pkg: usize,
        for_host: bool,
        kinds: impl Fn(DepKind) -> bool,
    ) -> Vec<(usize, usize)> {
        let gp = &self.graph.packages[pkg];
        gp.deps
            .iter()
            .copied()
            .filter(|&(dep_idx, _)| {
                let d = &gp.manifest.dependencies[dep_idx];
                kinds(d.kind()) && self.features.dep_active(pkg, for_host, dep_idx)
            })
            .collect()
    }

    /// The unit of the lib of `dep_pkg` a unit depends on, if it has one.
    fn lib_dep(
        &mut self,
        parent: &Unit,
        dep_idx: usize,
        dep_pkg: usize,
        parent_for_host: bool,
    ) -> Option<UnitDep> {
        let dm = self.graph.packages[dep_pkg].manifest;
        let li = dm.targets.iter().position(|t| t.is_lib())?;
        let lib = &dm.targets[li];
        let for_host = parent_for_host || lib.proc_macro;
        let kind = self.kind_for(lib, parent_for_host);
        // Checked for a check or doc, unless it is a proc macro (cargo's
        // `check_or_build_mode`: the dependencies of a proc macro being
        // checked are checked too).
        let mode = if (parent.mode.is_check() || parent.mode == CompileMode::Doc) && !lib.proc_macro
        {
            CompileMode::Check
        } else {
            CompileMode::Build
        };
        let unit = self.intern_dep(parent, dep_pkg, li, mode, kind, for_host);
        let from = &self.graph.packages[parent.pkg];
        let name_of = |i: usize| {
            from.manifest.dependencies[i]
                .rename()
                .map(|r| r.replace('-', "_"))
                .unwrap_or_else(|| lib.crate_name())
        };
        let extern_name = name_of(dep_idx);
        // Every declaration of that package (any kind, any platform) must
        // give it the same name.
        if self.name_error.is_none()
            && from
                .deps
                .iter()
                .any(|&(i, p)| p == dep_pkg && name_of(i) != extern_name)
        {
            self.name_error = Some(format!(
                "the crate `{}` depends on crate `{}` multiple times with different names",
                from.manifest.package_id, dm.package_id
            ));
        }
        Some(UnitDep { unit, extern_name })
    }
}

/// An explicit target selection (cargo's `CompileFilter::Only`):
/// `--all-targets` is `--lib --bins --examples --tests --benches`, except
/// that a package without a lib is no error.
struct Rules {
    /// `Some(required)`: the lib is selected; without one, `required`
    /// makes it an error.
    lib: Option<bool>,
    bins: FilterRule,
    examples: FilterRule,
    tests: FilterRule,
    benches: FilterRule,
}

impl Rules {
    /// `None` for the command's default targets.
    fn of(filter: &TargetFilter) -> Option<Rules> {
        match filter {
            TargetFilter::Default => None,
            TargetFilter::All => Some(Rules {
                lib: Some(false),
                bins: FilterRule::All,
                examples: FilterRule::All,
                tests: FilterRule::All,
                benches: FilterRule::All,
            }),
            TargetFilter::Only {
                lib,
                bins,
                examples,
                tests,
                benches,
            } => Some(Rules {
                lib: lib.then_some(true),
                bins: bins.clone(),
                examples: examples.clone(),
                tests: tests.clone(),
                benches: benches.clone(),
            }),
        }
    }
}

/// Whether the command builds `t` without target flags.
fn default_target(m: &Manifest, t: &Target, mode: CompileMode) -> bool {
    match mode {
        CompileMode::Test => !t.is_custom_build() && (t.tested || t.is_example()),
        CompileMode::Bench => !t.is_custom_build() && t.benched,
        // A bin named like the lib would overwrite its docs.
        // Examples only with `doc = true` (their default is false).
        CompileMode::Doc => {
            t.doc
                && (t.is_lib()
                    || t.is_example()
                    || t.is_bin()
                        && !m
                            .targets
                            .iter()
                            .any(|l| l.is_lib() && l.crate_name() == t.crate_name()))
        }
        _ => t.is_lib() || t.is_bin(),
    }
}

/// The mode `--tests` and `--benches` (and `--test NAME`, `--bench NAME`)
/// give their targets: `build` builds them as tests, `check` checks them
/// as tests, other commands keep their mode.
fn test_rule_mode(mode: CompileMode) -> CompileMode {
    match mode {
        CompileMode::Build => CompileMode::Test,
        CompileMode::Check => CompileMode::CheckTest,
        m => m,
    }
}

/// The targets an explicit selection proposes, with their modes (cargo's
/// `create_proposals`): `--tests` (`--benches`) take every target with
/// `test` (`bench`) set, the lib and bins included; named targets must
/// exist and have their required features.
/// What named target selections found, over all the selected packages
/// (cargo matches `--bin NAME` across them and fails only when none has it).
#[derive(Default)]
struct Matched {
    /// `(kind, name or pattern)` that matched some target.
    names: BTreeSet<(&'static str, String)>,
    /// Some selected package has a lib.
    lib: bool,
}

type Is = fn(&Target) -> bool;

fn is_of_kind(what: &str) -> Is {
    match what {
        "bin" => Target::is_bin,
        "example" => Target::is_example,
        "test" => Target::is_test,
        _ => Target::is_bench,
    }
}

fn name_matches(name: &str, target: &str) -> bool {
    if name.contains(['*', '?', '[', ']']) {
        glob::Pattern::new(name).is_ok_and(|p| p.matches(target))
    } else {
        name == target
    }
}

fn explicit_targets(
    m: &Manifest,
    rules: &Rules,
    mode: CompileMode,
    enabled: &BTreeSet<String>,
    matched: &mut Matched,
) -> anyhow::Result<Vec<(usize, CompileMode)>> {
    let mut out = Vec::new();
    if rules.lib.is_some()
        && let Some(i) = m.targets.iter().position(|t| t.is_lib())
    {
        matched.lib = true;
        out.push((i, mode));
    }
    let test_mode = test_rule_mode(mode);
    for (rule, what, all, mode) in [
        (&rules.bins, "bin", Target::is_bin as Is, mode),
        (&rules.examples, "example", Target::is_example, mode),
        (&rules.tests, "test", |t| t.tested, test_mode),
        (&rules.benches, "bench", |t| t.benched, test_mode),
    ] {
        match rule {
            FilterRule::None => {}
            FilterRule::All => out.extend(
                m.targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| all(t) && has_required_features(t, enabled))
                    .map(|(i, _)| (i, mode)),
            ),
            FilterRule::Just(names) => {
                let is = is_of_kind(what);
                for name in names {
                    for (i, t) in m.targets.iter().enumerate() {
                        if !is(t) || !name_matches(name, &t.name) {
                            continue;
                        }
                        if !has_required_features(t, enabled) {
                            bail!("{}", missing_features(m, t, enabled));
                        }
                        matched.names.insert((what, name.clone()));
                        out.push((i, mode));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// cargo's errors for named targets no selected package has.
fn check_matched(
    graph: &PackageGraph<'_>,
    sel: &Selection,
    matched: &Matched,
) -> anyhow::Result<()> {
    let Some(rules) = Rules::of(&sel.filter) else {
        return Ok(());
    };
    if rules.lib == Some(true) && !matched.lib {
        let names: Vec<&str> = sel
            .roots
            .iter()
            .map(|&p| graph.packages[p].manifest.name())
            .collect();
        match names.as_slice() {
            [one] => bail!("no library targets found in package `{one}`"),
            _ => bail!("no library targets found in packages: {}", names.join(", ")),
        }
    }
    for (rule, what) in [
        (&rules.bins, "bin"),
        (&rules.examples, "example"),
        (&rules.tests, "test"),
        (&rules.benches, "bench"),
    ] {
        let FilterRule::Just(names) = rule else {
            continue;
        };
        for name in names {
            if !matched.names.contains(&(what, name.clone())) {
                bail!("{}", no_target_named(graph, sel, what, name));
            }
        }
    }
    Ok(())
}

/// A proposed target's final mode (cargo's `new_units`): `test` and
/// `bench` build their targets with `--test` (a bench is a test run with
/// `--bench`), except the examples `test` only checks that they build;
/// `build` builds test and bench targets as tests.
fn unit_mode(mode: CompileMode, t: &Target, specific: bool) -> CompileMode {
    match mode {
        CompileMode::Test | CompileMode::Bench if t.is_example() && !specific && !t.tested => {
            CompileMode::Build
        }
        CompileMode::Test | CompileMode::Bench => CompileMode::Test,
        CompileMode::Build if t.is_test() || t.is_bench() => CompileMode::Test,
        m => m,
    }
}

/// A lib that others link against (not a cdylib/staticlib-only lib).
fn links_as_dependency(t: &Target) -> bool {
    t.kind
        .crate_types()
        .iter()
        .any(|c| matches!(c.as_str(), "lib" | "rlib" | "dylib" | "proc-macro"))
}

fn has_required_features(t: &Target, enabled: &BTreeSet<String>) -> bool {
    t.required_features
        .as_ref()
        .is_none_or(|req| req.iter().all(|f| feature_enabled(f, enabled)))
}

fn feature_enabled(f: &str, enabled: &BTreeSet<String>) -> bool {
    // `dep/feat`: that dependency is built with that feature (the set
    // holds `dep/feat` entries for the root's dependencies).
    if f.contains('/') {
        return enabled.contains(f);
    }
    enabled.contains(f.trim_start_matches("dep:"))
}

/// cargo's error for a target whose required features are not all on: it
/// names every required feature, not only the missing ones.
fn missing_features(m: &Manifest, t: &Target, _enabled: &BTreeSet<String>) -> String {
    let missing: Vec<&str> = t
        .required_features
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let quoted: Vec<String> = missing.iter().map(|f| format!("`{f}`")).collect();
    format!(
        "target `{}` in package `{}` requires the features: {}\nConsider enabling them by passing, e.g., `--features=\"{}\"`",
        t.name,
        m.name(),
        quoted.join(", "),
        missing.join(" ")
    )
}

fn no_target_named(graph: &PackageGraph<'_>, sel: &Selection, what: &str, name: &str) -> String {
    let is = is_of_kind(what);
    // Target names of the selected packages, each with its packages.
    let mut names: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for &p in &sel.roots {
        let m = graph.packages[p].manifest;
        for t in m.targets.iter().filter(|t| is(t)) {
            names.entry(t.name.as_str()).or_default().push(m.name());
        }
    }
    let packages = match sel.named_packages.as_slice() {
        [] => " in default-run packages".to_string(),
        [one] => format!(" in `{one}` package"),
        [first, ..] => format!(" in `{first}`, ... packages"),
    };
    let named = if name.contains(['*', '?', '[', ']']) {
        "matches pattern"
    } else {
        "named"
    };
    let mut s = format!("no {what} target {named} `{name}`{packages}");
    let close = mycargo_util::edit_distance::closest(name, names.keys().copied());
    if let Some(close) = close {
        s.push_str(&format!(
            "\n\nhelp: a target with a similar name exists: `{close}`"
        ));
    }
    // Members outside the selection that have it.
    let mut elsewhere = Vec::new();
    for gp in graph.packages.iter().filter(|gp| gp.is_member) {
        let mut found: Vec<&str> = gp
            .manifest
            .targets
            .iter()
            .filter(|t| is(t) && name_matches(name, &t.name))
            .map(|t| t.name.as_str())
            .collect();
        if !found.is_empty() {
            found.sort_unstable();
            elsewhere.push((gp.manifest.name(), found));
        }
    }
    if !elsewhere.is_empty() {
        for (pkg, targets) in elsewhere {
            s.push_str(&format!("\nhelp: available {what} in `{pkg}` package:"));
            for t in targets {
                s.push_str(&format!("\n    {t}"));
            }
        }
    } else if close.is_none() && !names.is_empty() {
        s.push_str(&format!("\nhelp: available {what} targets:"));
        for (n, pkgs) in names {
            if pkgs.len() == 1 {
                s.push_str(&format!("\n    {n}"));
            } else {
                for p in pkgs {
                    s.push_str(&format!("\n    {n} in package {p}"));
                }
            }
        }
    }
    s
}
