//! The search: a depth-first walk over pending dependencies with
//! conflict-directed backjumping.
//!
//! Every dependency processed is a *level*; the first levels are the roots
//! (one candidate each, nothing to go back to). A pending dependency knows
//! the levels that made it pending (its parent's activation and every level
//! that added features to the parent). When a dependency has no candidate
//! left, the levels behind its rejections (the activation holding the
//! semver-compatible slot, the `links` holder, the levels behind the
//! requested features, and whatever failures deeper levels sent back) form
//! its conflict set; the search goes back to the latest of them, which
//! tries its next candidate, and hands the rest of the set to it. A
//! conflict set made of roots only means there is no solution.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use mycargo_core::{DepKind, Dependency, PackageId, PartialVersion, SourceId};
use semver::Version;

use super::error::{self, Failure, Path, Reason};
use super::summary::{Activation, FeatureRequest, Summary, activate};
use super::{
    Registry, Resolve, ResolveError, ResolveInput, ResolvedDep, ResolvedPackage, VersionResolver,
};

type Level = usize;

/// cargo's `SemverCompatibility`: `1.x`, `0.2.x`, `0.0.3`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Compat {
    Major(u64),
    Minor(u64),
    Patch(u64),
}

fn compat(v: &Version) -> Compat {
    if v.major > 0 {
        Compat::Major(v.major)
    } else if v.minor > 0 {
        Compat::Minor(v.minor)
    } else {
        Compat::Patch(v.patch)
    }
}

type SlotKey = (String, SourceId, Compat);

fn slot_key(id: &PackageId) -> SlotKey {
    (
        id.name().to_string(),
        id.source_id().clone(),
        compat(id.version()),
    )
}

/// A dependency pinned by the previous lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lock {
    /// This exact package.
    Exact(PackageId),
    /// This version from wherever it comes (a lock through `[patch]`).
    Version(Version),
}

impl Lock {
    pub fn version(&self) -> &Version {
        match self {
            Lock::Exact(id) => id.version(),
            Lock::Version(v) => v,
        }
    }

    fn accepts(&self, id: &PackageId) -> bool {
        match self {
            Lock::Exact(l) => l == id,
            Lock::Version(v) => id.version() == v,
        }
    }
}

fn matches_ignoring_source(dep: &Dependency, id: &PackageId) -> bool {
    dep.package_name() == id.name() && dep.version_req().matches(id.version())
}

fn matches_id(dep: &Dependency, id: &PackageId) -> bool {
    matches_ignoring_source(dep, id) && dep.source_id() == id.source_id()
}

/// What the previous lock file keeps (cargo's `register_previous_locks`).
#[derive(Default)]
struct Locks {
    /// Previously locked and not unlocked: preferred, and yanked is fine.
    kept: BTreeSet<PackageId>,
    /// Locked nodes by (name, source), with their locked dependencies.
    locked: BTreeMap<(String, SourceId), Vec<(PackageId, Vec<PackageId>)>>,
    /// Patch ids by the source they patch.
    patch_ids: BTreeMap<SourceId, BTreeSet<PackageId>>,
}

impl Locks {
    fn new(input: &ResolveInput) -> Locks {
        let mut locks = Locks::default();
        for p in &input.patches {
            locks
                .patch_ids
                .entry(p.source.clone())
                .or_default()
                .insert(p.summary.package_id().clone());
        }
        let Some(prev) = &input.previous else {
            return locks;
        };
        locks.kept = prev
            .packages
            .keys()
            .filter(|id| !input.unlock.contains(*id))
            .cloned()
            .collect();

        fn add_deps(
            prev: &BTreeMap<PackageId, BTreeSet<PackageId>>,
            id: &PackageId,
            set: &mut BTreeSet<PackageId>,
        ) {
            let mut stack = vec![id.clone()];
            while let Some(id) = stack.pop() {
                if !set.insert(id.clone()) {
                    continue;
                }
                if let Some(deps) = prev.get(&id) {
                    stack.extend(deps.iter().cloned());
                }
            }
        }

        // What an unlocked package pulled in may move with it.
        let mut avoid = BTreeSet::new();
        for id in prev.packages.keys() {
            if !locks.kept.contains(id) {
                add_deps(&prev.packages, id, &mut avoid);
            }
        }
        // A member's requirement nothing locked matches (an edited
        // manifest) lets go of its source.
        for root in &input.roots {
            for dep in root.dependencies() {
                if dep.kind() == DepKind::Development && !input.options.dev_deps {
                    continue;
                }
                if dep.source_id().is_path() {
                    continue;
                }
                if prev
                    .packages
                    .keys()
                    .any(|id| matches_ignoring_source(dep, id))
                {
                    continue;
                }
                for id in prev.packages.keys() {
                    if id.source_id() == dep.source_id() {
                        add_deps(&prev.packages, id, &mut avoid);
                    }
                }
            }
        }
        for (id, deps) in &prev.packages {
            if !locks.kept.contains(id) || avoid.contains(id) {
                continue;
            }
            let deps = deps
                .iter()
                .filter(|d| locks.kept.contains(*d) && !avoid.contains(*d))
                .cloned()
                .collect();
            locks
                .locked
                .entry((id.name().to_string(), id.source_id().clone()))
                .or_default()
                .push((id.clone(), deps));
        }
        locks
    }

    /// cargo's `lock`: the lock for `parent`'s dependency `dep`, if any.
    fn lock_for(&self, parent: &PackageId, dep: &Dependency) -> Option<Lock> {
        let node = self
            .locked
            .get(&(parent.name().to_string(), parent.source_id().clone()))
            .and_then(|list| list.iter().find(|(id, _)| id == parent));
        if let Some((_, deps)) = node {
            for l in deps {
                if matches_id(dep, l) {
                    return Some(Lock::Exact(l.clone()));
                }
                if matches_ignoring_source(dep, l)
                    && self
                        .patch_ids
                        .get(dep.source_id())
                        .is_some_and(|p| p.contains(l))
                {
                    return Some(Lock::Version(l.version().clone()));
                }
            }
        }
        self.locked
            .get(&(dep.package_name().to_string(), dep.source_id().clone()))
            .and_then(|list| list.iter().find(|(id, _)| matches_id(dep, id)))
            .map(|(id, _)| Lock::Exact(id.clone()))
    }
}

type Candidates = Rc<Vec<Rc<Summary>>>;

/// Registry answers, cached, with patches and locks applied.
pub(crate) struct Queryer<'a> {
    registry: &'a mut dyn Registry,
    cache: HashMap<(String, SourceId, String), Rc<Vec<Summary>>>,
    patches: BTreeMap<(SourceId, String), Vec<Rc<Summary>>>,
    locks: Locks,
    /// Rust versions to prefer candidates for (resolver 3).
    rust_versions: Vec<PartialVersion>,
}

fn fits_rust(summary: &Summary, rust_versions: &[PartialVersion]) -> bool {
    let key = |p: &PartialVersion| (p.major, p.minor.unwrap_or(0), p.patch.unwrap_or(0));
    summary
        .rust_version()
        .is_none_or(|rv| rust_versions.iter().all(|msrv| key(rv) <= key(msrv)))
}

impl Queryer<'_> {
    /// Everything the registry has for `dep` (no filtering).
    pub fn query(&mut self, dep: &Dependency) -> Result<Rc<Vec<Summary>>, ResolveError> {
        let key = (
            dep.package_name().to_string(),
            dep.source_id().clone(),
            dep.version_req().to_string(),
        );
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit.clone());
        }
        let found = self
            .registry
            .query(dep)
            .map_err(|source| ResolveError::Registry {
                message: format!(
                    "failed to query `{}` from {}",
                    dep.package_name(),
                    self.registry.describe_source(dep.source_id())
                ),
                source,
            })?;
        let found: Rc<Vec<Summary>> = Rc::new(
            found
                .into_iter()
                .filter(|s| s.name() == dep.package_name())
                .collect(),
        );
        self.cache.insert(key, found.clone());
        Ok(found)
    }

    pub fn describe_source(&self, source: &SourceId) -> String {
        self.registry.describe_source(source)
    }

    pub fn is_whitelisted(&self, id: &PackageId) -> bool {
        self.locks.kept.contains(id)
    }

    /// The candidates for `parent`'s `dep`, best first, and its lock.
    fn candidates(
        &mut self,
        parent: &PackageId,
        dep: &Dependency,
    ) -> Result<(Candidates, Option<Lock>), ResolveError> {
        let lock = self.locks.lock_for(parent, dep);
        let accepts = |id: &PackageId| match &lock {
            Some(l) => l.accepts(id),
            None => dep.version_req().matches(id.version()),
        };
        let patched: Vec<Rc<Summary>> = self
            .patches
            .get(&(dep.source_id().clone(), dep.package_name().to_string()))
            .map(|list| {
                list.iter()
                    .filter(|s| accepts(s.package_id()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let mut list: Vec<Rc<Summary>> = if patched.is_empty() {
            self.query(dep)?
                .iter()
                .filter(|s| accepts(s.package_id()))
                .filter(|s| !s.is_yanked() || self.locks.kept.contains(s.package_id()))
                .map(|s| Rc::new(s.clone()))
                .collect()
        } else {
            patched
        };
        let kept = &self.locks.kept;
        let rust = &self.rust_versions;
        list.sort_by_cached_key(|s| {
            (
                !kept.contains(s.package_id()),
                !rust.is_empty() && !fits_rust(s, rust),
                Reverse(s.version().clone()),
                s.package_id().clone(),
            )
        });
        Ok((Rc::new(list), lock))
    }
}

/// A dependency waiting to be resolved.
#[derive(Debug)]
struct Item {
    /// `None` for a root.
    parent: Option<PackageId>,
    dep_index: usize,
    dep: Option<Dependency>,
    lock: Option<Lock>,
    request: FeatureRequest,
    cause: BTreeSet<Level>,
    candidates: Candidates,
}

#[derive(Debug, Clone)]
struct Active {
    summary: Rc<Summary>,
    level: Level,
    request: FeatureRequest,
    features: BTreeSet<String>,
    feature_levels: BTreeSet<Level>,
    root: bool,
    by: Option<(PackageId, Dependency)>,
    /// What each dependency (by index) was last asked with.
    issued: BTreeMap<usize, FeatureRequest>,
}

#[derive(Debug, Clone, Default)]
struct State {
    active: HashMap<SlotKey, Active>,
    links: HashMap<String, PackageId>,
    pending: BTreeMap<(usize, u64), Rc<Item>>,
    seq: u64,
    /// (parent, dependency index) → (package, level that chose it).
    edges: BTreeMap<(PackageId, usize), (PackageId, Level)>,
}

impl State {
    fn get(&self, id: &PackageId) -> Option<&Active> {
        self.active
            .get(&slot_key(id))
            .filter(|a| a.summary.package_id() == id)
    }

    fn push(&mut self, item: Item, root: bool) {
        let n = if root { 0 } else { item.candidates.len() };
        self.pending.insert((n, self.seq), Rc::new(item));
        self.seq += 1;
    }

    /// cargo's `describe_path`: the package, then who required it, up to a
    /// root.
    fn path(&self, id: &PackageId) -> Path {
        let mut out = vec![(id.clone(), None)];
        let mut cur = id.clone();
        while let Some((p, d)) = self.get(&cur).and_then(|a| a.by.clone()) {
            if out.len() > self.active.len() {
                break;
            }
            out.push((p.clone(), Some(d)));
            cur = p;
        }
        out
    }
}

struct Frame {
    item: Rc<Item>,
    candidates: Candidates,
    cause: BTreeSet<Level>,
    /// The state before this level's choice, kept while candidates remain.
    before: Option<State>,
    next: usize,
    chosen: Option<PackageId>,
    conflict: BTreeSet<Level>,
    rejects: Vec<(PackageId, Reason)>,
}

enum Plan {
    /// Already active with these features.
    Nothing,
    More(FeatureRequest, Activation),
    New(FeatureRequest, Activation),
}

enum Check {
    Ok(Plan),
    Reject(Reason, Option<Level>),
    Fatal(ResolveError),
}

struct Engine<'a, 'r> {
    input: &'a ResolveInput,
    q: Queryer<'r>,
    frames: Vec<Frame>,
    roots: usize,
}

pub(crate) fn run(
    input: &ResolveInput,
    registry: &mut dyn Registry,
) -> Result<Resolve, ResolveError> {
    let mut patches: BTreeMap<(SourceId, String), Vec<Rc<Summary>>> = BTreeMap::new();
    for p in &input.patches {
        patches
            .entry((p.source.clone(), p.summary.name().to_string()))
            .or_default()
            .push(Rc::new(p.summary.clone()));
    }
    let rust_versions = if input.options.resolver >= VersionResolver::V3 {
        input.options.rust_versions.clone()
    } else {
        Vec::new()
    };
    let mut engine = Engine {
        input,
        q: Queryer {
            registry,
            cache: HashMap::new(),
            patches,
            locks: Locks::new(input),
            rust_versions,
        },
        frames: Vec::new(),
        roots: input.roots.len(),
    };
    let state = engine.search()?;
    let resolve = engine.finish(&state);
    check_cycles(&resolve)?;
    Ok(resolve)
}

impl Engine<'_, '_> {
    fn search(&mut self) -> Result<State, ResolveError> {
        let mut state = State::default();
        for (i, root) in self.input.roots.iter().enumerate() {
            let item = Item {
                parent: None,
                dep_index: i,
                dep: None,
                lock: None,
                request: FeatureRequest {
                    all: true,
                    default: true,
                    values: BTreeSet::new(),
                },
                cause: BTreeSet::new(),
                candidates: Rc::new(vec![Rc::new(root.clone())]),
            };
            state.push(item, true);
        }
        while let Some((_, item)) = state.pending.pop_first() {
            let mut cause = item.cause.clone();
            let mut candidates = item.candidates.clone();
            // A dependency already resolved (asked again with more
            // features) keeps its package.
            if let Some(parent) = &item.parent
                && let Some((child, level)) = state.edges.get(&(parent.clone(), item.dep_index))
            {
                cause.insert(*level);
                let same: Vec<Rc<Summary>> = match state.get(child) {
                    Some(a) => vec![a.summary.clone()],
                    None => Vec::new(),
                };
                candidates = Rc::new(same);
            }
            let before = (candidates.len() > 1).then(|| state.clone());
            self.frames.push(Frame {
                item,
                candidates,
                cause,
                before,
                next: 0,
                chosen: None,
                conflict: BTreeSet::new(),
                rejects: Vec::new(),
            });
            while !self.try_top(&mut state)? {
                self.backjump(&mut state)?;
            }
        }
        Ok(state)
    }

    /// Try the remaining candidates of the top frame; true when one is in.
    fn try_top(&mut self, state: &mut State) -> Result<bool, ResolveError> {
        let level = self.frames.len() - 1;
        loop {
            let frame = &mut self.frames[level];
            let Some(c) = frame.candidates.get(frame.next).cloned() else {
                return Ok(false);
            };
            frame.next += 1;
            let item = frame.item.clone();
            match check(state, &item, &c) {
                Check::Fatal(e) => return Err(e),
                Check::Reject(reason, lvl) => {
                    let frame = &mut self.frames[level];
                    frame.conflict.extend(lvl);
                    frame.rejects.push((c.package_id().clone(), reason));
                }
                Check::Ok(plan) => {
                    self.frames[level].chosen = Some(c.package_id().clone());
                    self.apply(state, level, &item, c, plan)?;
                    return Ok(true);
                }
            }
        }
    }

    /// The top frame has nothing left: go back to the latest level its
    /// conflict depends on, or give up.
    fn backjump(&mut self, state: &mut State) -> Result<(), ResolveError> {
        let Some(frame) = self.frames.pop() else {
            return Err(ResolveError::Internal("backtracked past the roots".into()));
        };
        let level = self.frames.len();
        let mut conflict: BTreeSet<Level> = frame.conflict.union(&frame.cause).copied().collect();
        conflict.remove(&level);
        let together = conflict
            .iter()
            .filter_map(|l| self.frames.get(*l).and_then(|f| f.chosen.clone()))
            .fold(Vec::new(), |mut v, id| {
                if !v.contains(&id) {
                    v.push(id);
                }
                v
            });
        let failure = Failure {
            parent_path: match &frame.item.parent {
                Some(p) => state_path(&self.frames, state, p),
                None => Vec::new(),
            },
            parent: frame.item.parent.clone(),
            dep: frame.item.dep.clone(),
            lock: frame.item.lock.clone(),
            candidates: frame
                .candidates
                .iter()
                .map(|s| s.package_id().clone())
                .collect(),
            rejects: frame.rejects,
            together,
        };
        let target = conflict.iter().next_back().copied();
        let Some(target) = target.filter(|t| *t >= self.roots) else {
            return Err(error::no_solution(failure, &mut self.q));
        };
        self.frames.truncate(target + 1);
        let Some(top) = self.frames.last_mut() else {
            return Err(ResolveError::Internal(
                "lost the frame to go back to".into(),
            ));
        };
        conflict.remove(&target);
        top.conflict.extend(conflict);
        let chosen = top.chosen.take();
        if let Some(id) = chosen {
            top.rejects.push((id, Reason::Deeper(Box::new(failure))));
        }
        if top.next < top.candidates.len()
            && let Some(before) = &top.before
        {
            *state = before.clone();
        }
        Ok(())
    }

    fn apply(
        &mut self,
        state: &mut State,
        level: Level,
        item: &Item,
        c: Rc<Summary>,
        plan: Plan,
    ) -> Result<(), ResolveError> {
        let id = c.package_id().clone();
        if let Some(parent) = &item.parent {
            state
                .edges
                .entry((parent.clone(), item.dep_index))
                .or_insert((id.clone(), level));
        }
        let act = match plan {
            Plan::Nothing => return Ok(()),
            Plan::More(request, act) => {
                let Some(a) = state.active.get_mut(&slot_key(&id)) else {
                    return Err(ResolveError::Internal(format!("{id} is not active")));
                };
                a.request = request;
                a.features = act.features.clone();
                a.feature_levels.insert(level);
                act
            }
            Plan::New(request, act) => {
                if let Some(l) = c.links() {
                    state.links.insert(l.to_string(), id.clone());
                }
                let by = match (&item.parent, &item.dep) {
                    (Some(p), Some(d)) => Some((p.clone(), d.clone())),
                    _ => None,
                };
                state.active.insert(
                    slot_key(&id),
                    Active {
                        summary: c.clone(),
                        level,
                        request,
                        features: act.features.clone(),
                        feature_levels: BTreeSet::from([level]),
                        root: item.parent.is_none(),
                        by,
                        issued: BTreeMap::new(),
                    },
                );
                act
            }
        };
        self.issue(state, &id, &act)
    }

    /// Make the dependencies `act` turns on pending.
    fn issue(
        &mut self,
        state: &mut State,
        id: &PackageId,
        act: &Activation,
    ) -> Result<(), ResolveError> {
        let key = slot_key(id);
        let Some(a) = state.active.get(&key) else {
            return Ok(());
        };
        let summary = a.summary.clone();
        let dev = a.root && self.input.options.dev_deps;
        let cause = a.feature_levels.clone();
        let mut new_items = Vec::new();
        let mut issued = a.issued.clone();
        for (i, dep) in summary.dependencies().iter().enumerate() {
            if dep.kind() == DepKind::Development && !dev {
                continue;
            }
            let asked = act.deps.get(dep.name_in_toml());
            if dep.is_optional() && asked.is_none() {
                continue;
            }
            let mut values: BTreeSet<String> = dep.features().iter().cloned().collect();
            values.extend(asked.into_iter().flatten().cloned());
            let request = FeatureRequest {
                all: false,
                default: dep.uses_default_features(),
                values,
            };
            if issued.get(&i) == Some(&request) {
                continue;
            }
            issued.insert(i, request.clone());
            let (candidates, lock) = self.q.candidates(id, dep)?;
            new_items.push(Item {
                parent: Some(id.clone()),
                dep_index: i,
                dep: Some(dep.clone()),
                lock,
                request,
                cause: cause.clone(),
                candidates,
            });
        }
        if let Some(a) = state.active.get_mut(&key) {
            a.issued = issued;
        }
        for item in new_items {
            state.push(item, false);
        }
        Ok(())
    }

    fn finish(&self, state: &State) -> Resolve {
        let mut packages = BTreeMap::new();
        for a in state.active.values() {
            let id = a.summary.package_id().clone();
            let deps = state
                .edges
                .range((id.clone(), 0)..=(id.clone(), usize::MAX))
                .filter_map(|((_, i), (child, _))| {
                    a.summary.dependencies().get(*i).map(|d| ResolvedDep {
                        dep: d.clone(),
                        package: child.clone(),
                    })
                })
                .collect();
            packages.insert(
                id,
                ResolvedPackage {
                    summary: (*a.summary).clone(),
                    deps,
                    features: a.features.clone(),
                },
            );
        }
        let mut unused_patches: Vec<Summary> = self
            .input
            .patches
            .iter()
            .filter(|p| !packages.contains_key(p.summary.package_id()))
            .map(|p| p.summary.clone())
            .collect();
        unused_patches.sort_by(|a, b| a.package_id().cmp(b.package_id()));
        unused_patches.dedup_by(|a, b| a.package_id() == b.package_id());
        Resolve {
            packages,
            unused_patches,
        }
    }
}

fn state_path(_frames: &[Frame], state: &State, id: &PackageId) -> Path {
    state.path(id)
}

/// Can `c` answer `item` in `state`?
fn check(state: &State, item: &Item, c: &Rc<Summary>) -> Check {
    let id = c.package_id();
    let request = &item.request;
    if let Some(a) = state.active.get(&slot_key(id)) {
        if a.summary.package_id() != id {
            let other = a.summary.package_id().clone();
            return Check::Reject(
                Reason::Semver {
                    other_path: state.path(&other),
                    other,
                },
                Some(a.level),
            );
        }
        let mut merged = a.request.clone();
        merged.all |= request.all;
        merged.default |= request.default;
        merged.values.extend(request.values.iter().cloned());
        if merged == a.request {
            return Check::Ok(Plan::Nothing);
        }
        return match activate(&a.summary, &merged) {
            Ok(act) => Check::Ok(Plan::More(merged, act)),
            Err(p) => feature_reject(item, c, p),
        };
    }
    if let Some(l) = c.links()
        && let Some(other) = state.links.get(l)
        && other != id
    {
        return Check::Reject(
            Reason::Links {
                links: l.to_string(),
                other: other.clone(),
                other_path: state.path(other),
            },
            state.get(other).map(|a| a.level),
        );
    }
    match activate(c, request) {
        Ok(act) => Check::Ok(Plan::New(request.clone(), act)),
        Err(p) => feature_reject(item, c, p),
    }
}

fn feature_reject(item: &Item, c: &Summary, p: super::summary::FeatureProblem) -> Check {
    if item.parent.is_none() {
        return Check::Fatal(ResolveError::Features(error::root_feature_message(c, &p)));
    }
    Check::Reject(Reason::Feature(p), None)
}

/// cargo's `check_cycles`: no package may depend on itself through
/// normal and build dependencies.
fn check_cycles(resolve: &Resolve) -> Result<(), ResolveError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: HashMap<&PackageId, Mark> = HashMap::new();
    for start in resolve.packages.keys() {
        if marks.contains_key(start) {
            continue;
        }
        // Iterative DFS keeping the path of (package, edge index).
        let mut stack: Vec<(&PackageId, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::Open);
        while let Some((id, i)) = stack.last().copied() {
            let edges: Vec<&ResolvedDep> = resolve
                .packages
                .get(id)
                .map(|p| {
                    p.deps
                        .iter()
                        .filter(|d| d.dep.kind() != DepKind::Development)
                        .collect()
                })
                .unwrap_or_default();
            let Some(edge) = edges.get(i) else {
                marks.insert(id, Mark::Done);
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let child = &edge.package;
            match marks.get(child) {
                Some(Mark::Done) => {}
                Some(Mark::Open) => {
                    let from = stack.iter().position(|(p, _)| *p == child).unwrap_or(0);
                    let cycle: Vec<&PackageId> = stack[from..].iter().map(|(p, _)| *p).collect();
                    return Err(ResolveError::Cycle(error::cycle_message(resolve, &cycle)));
                }
                None => {
                    let Some((key, _)) = resolve.packages.get_key_value(child) else {
                        continue;
                    };
                    marks.insert(key, Mark::Open);
                    stack.push((key, 0));
                }
            }
        }
    }
    Ok(())
}
