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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// A semver-compatible range of one name in one source: an interned
/// (name, source) and the range. Small and `Copy`, so the search state
/// clones cheaply.
type Slot = (u32, Compat);

/// A dependency pinned by the previous lock file: this version, from this
/// source (cargo's `lock_to`) or from wherever it comes (a lock through
/// `[patch]`, cargo's `lock_version`).
///
/// cargo pins to the first locked package that matches; when the parent
/// has several that match (two declarations of one name), the others are
/// kept as fallbacks, tried after it, where cargo would fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lock {
    pins: Vec<(Version, Option<SourceId>)>,
}

impl Lock {
    fn new(pins: Vec<(Version, Option<SourceId>)>) -> Option<Lock> {
        (!pins.is_empty()).then_some(Lock { pins })
    }

    fn exact(id: &PackageId) -> (Version, Option<SourceId>) {
        (id.version().clone(), Some(id.source_id().clone()))
    }

    /// The version cargo pins to.
    pub fn version(&self) -> &Version {
        &self.pins[0].0
    }

    /// The position of the pin `id` satisfies.
    fn rank(&self, id: &PackageId) -> Option<usize> {
        self.pins.iter().position(|(v, source)| {
            id.version() == v && source.as_ref().is_none_or(|s| s == id.source_id())
        })
    }
}

fn matches_ignoring_source(dep: &Dependency, id: &PackageId) -> bool {
    dep.package_name() == id.name() && dep.version_req().matches(id.version())
}

fn matches_id(dep: &Dependency, id: &PackageId) -> bool {
    matches_ignoring_source(dep, id) && dep.source_id() == id.source_id()
}

/// A locked package and the locked packages it depends on.
type LockedNode = (PackageId, Vec<PackageId>);

/// What the previous lock file keeps (cargo's `register_previous_locks`).
#[derive(Default)]
struct Locks {
    /// Previously locked and not unlocked: preferred, and yanked is fine.
    kept: BTreeSet<PackageId>,
    /// Locked nodes by (name, source), with their locked dependencies.
    locked: BTreeMap<(String, SourceId), Vec<LockedNode>>,
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
            let mut pins = Vec::new();
            for l in deps {
                if matches_id(dep, l) {
                    pins.push(Lock::exact(l));
                } else if matches_ignoring_source(dep, l)
                    && self
                        .patch_ids
                        .get(dep.source_id())
                        .is_some_and(|p| p.contains(l))
                {
                    pins.push((l.version().clone(), None));
                }
            }
            if let Some(lock) = Lock::new(pins) {
                return Some(lock);
            }
        }
        let pins = self
            .locked
            .get(&(dep.package_name().to_string(), dep.source_id().clone()))
            .map(|list| {
                list.iter()
                    .filter(|(id, _)| matches_id(dep, id))
                    .map(|(id, _)| Lock::exact(id))
                    .collect()
            })
            .unwrap_or_default();
        Lock::new(pins)
    }
}

/// Candidates, best first, with their slots.
type Candidates = Rc<Vec<(Rc<Summary>, Slot)>>;

/// Registry answers, cached, with patches and locks applied.
pub(crate) struct Queryer<'a> {
    registry: &'a mut dyn Registry,
    cache: HashMap<(String, SourceId, String), Rc<Vec<Summary>>>,
    patches: BTreeMap<(SourceId, String), Vec<Rc<Summary>>>,
    locks: Locks,
    /// Rust versions to prefer candidates for (resolver 3).
    rust_versions: Vec<PartialVersion>,
    slot_ids: HashMap<(String, SourceId), u32>,
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

    fn slot(&mut self, id: &PackageId) -> Slot {
        let next = u32::try_from(self.slot_ids.len()).unwrap_or(u32::MAX);
        let n = *self
            .slot_ids
            .entry((id.name().to_string(), id.source_id().clone()))
            .or_insert(next);
        (n, compat(id.version()))
    }

    pub fn describe_source(&self, source: &SourceId) -> String {
        self.registry.describe_source(source)
    }

    /// [`Registry::packages_in_source`].
    pub fn packages_in_source(&mut self, dep: &Dependency) -> Option<Vec<String>> {
        self.registry.packages_in_source(dep)
    }

    /// Names close to `dep`'s (within three edits), closest first, from
    /// [`Registry::alternative_names`].
    pub fn similar_names(&mut self, dep: &Dependency) -> Vec<String> {
        let mut names = self.registry.alternative_names(dep);
        names.sort();
        names.dedup();
        let mut close: Vec<(usize, String)> = names
            .into_iter()
            .filter_map(|n| {
                mycargo_util::edit_distance::edit_distance(dep.package_name(), &n, 3)
                    .map(|d| (d, n))
            })
            .collect();
        close.sort_by_key(|(d, _)| *d);
        close.into_iter().map(|(_, n)| n).collect()
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
            Some(l) => l.rank(id).is_some(),
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
                lock.as_ref().and_then(|l| l.rank(s.package_id())),
                !kept.contains(s.package_id()),
                !rust.is_empty() && !fits_rust(s, rust),
                Reverse(s.version().clone()),
                s.package_id().clone(),
            )
        });
        let list = list
            .into_iter()
            .map(|s| {
                let slot = self.slot(s.package_id());
                (s, slot)
            })
            .collect();
        Ok((Rc::new(list), lock))
    }
}

/// A dependency waiting to be resolved.
#[derive(Debug)]
struct Item {
    /// `None` for a root.
    parent: Option<PackageId>,
    parent_slot: Option<Slot>,
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
    slot: Slot,
    level: Level,
    request: FeatureRequest,
    features: BTreeSet<String>,
    feature_levels: BTreeSet<Level>,
    root: bool,
    /// The parent (by slot) and dependency that brought it in.
    by: Option<(Slot, Dependency)>,
    /// What each dependency (by index) was last asked with.
    issued: BTreeMap<usize, FeatureRequest>,
}

#[derive(Debug, Clone, Default)]
struct State {
    active: HashMap<Slot, Rc<Active>>,
    links: HashMap<String, Slot>,
    pending: BTreeMap<(usize, u64), Rc<Item>>,
    seq: u64,
    /// (parent, dependency index) → (package, level that chose it).
    edges: BTreeMap<(Slot, usize), (Slot, Level)>,
    /// How to take back each change, newest last: going back to a level
    /// undoes the changes made since (instead of keeping a copy of the
    /// whole state per level, which made resolving quadratic).
    journal: Vec<Undo>,
}

/// One change to [`State`], as what restores the value before it.
#[derive(Debug, Clone)]
enum Undo {
    Active(Slot, Option<Rc<Active>>),
    Link(String, Option<Slot>),
    PendingAdded((usize, u64)),
    PendingTaken((usize, u64), Rc<Item>),
    Edge((Slot, usize)),
    Seq(u64),
}

impl State {
    fn push(&mut self, item: Item, root: bool) {
        let n = if root { 0 } else { item.candidates.len() };
        let key = (n, self.seq);
        self.pending.insert(key, Rc::new(item));
        self.journal.push(Undo::PendingAdded(key));
        self.journal.push(Undo::Seq(self.seq));
        self.seq += 1;
    }

    /// The next pending item (fewest candidates first).
    fn pop_pending(&mut self) -> Option<Rc<Item>> {
        let (key, item) = self.pending.pop_first()?;
        self.journal.push(Undo::PendingTaken(key, item.clone()));
        Some(item)
    }

    fn set_active(&mut self, slot: Slot, a: Active) {
        let old = self.active.insert(slot, Rc::new(a));
        self.journal.push(Undo::Active(slot, old));
    }

    /// The active package of `slot`, to change (the old value journaled).
    fn active_mut(&mut self, slot: Slot) -> Option<&mut Active> {
        let old = self.active.get(&slot)?.clone();
        self.journal.push(Undo::Active(slot, Some(old)));
        self.active.get_mut(&slot).map(Rc::make_mut)
    }

    fn set_link(&mut self, links: &str, slot: Slot) {
        let old = self.links.insert(links.to_string(), slot);
        self.journal.push(Undo::Link(links.to_string(), old));
    }

    fn add_edge(&mut self, key: (Slot, usize), to: (Slot, Level)) {
        if let std::collections::btree_map::Entry::Vacant(e) = self.edges.entry(key) {
            e.insert(to);
            self.journal.push(Undo::Edge(key));
        }
    }

    /// Where the journal stands (to come back to with [`State::undo_to`]).
    fn mark(&self) -> usize {
        self.journal.len()
    }

    /// Take back every change made since `mark`.
    fn undo_to(&mut self, mark: usize) {
        while self.journal.len() > mark {
            let Some(undo) = self.journal.pop() else {
                break;
            };
            match undo {
                Undo::Active(slot, Some(old)) => {
                    self.active.insert(slot, old);
                }
                Undo::Active(slot, None) => {
                    self.active.remove(&slot);
                }
                Undo::Link(l, Some(old)) => {
                    self.links.insert(l, old);
                }
                Undo::Link(l, None) => {
                    self.links.remove(&l);
                }
                Undo::PendingAdded(key) => {
                    self.pending.remove(&key);
                }
                Undo::PendingTaken(key, item) => {
                    self.pending.insert(key, item);
                }
                Undo::Edge(key) => {
                    self.edges.remove(&key);
                }
                Undo::Seq(seq) => self.seq = seq,
            }
        }
    }

    /// cargo's `describe_path`: the package, then who required it, up to a
    /// root.
    fn path(&self, slot: Slot) -> Path {
        let Some(mut cur) = self.active.get(&slot) else {
            return Vec::new();
        };
        let mut out = vec![(cur.summary.package_id().clone(), None)];
        while let Some((ps, d)) = &cur.by {
            let Some(p) = self.active.get(ps) else { break };
            if out.len() > self.active.len() {
                break;
            }
            out.push((p.summary.package_id().clone(), Some(d.clone())));
            cur = p;
        }
        out
    }
}

struct Frame {
    item: Rc<Item>,
    candidates: Candidates,
    cause: BTreeSet<Level>,
    /// The journal mark before this level's choice (to go back to while
    /// candidates remain).
    before: Option<usize>,
    next: usize,
    chosen: Option<PackageId>,
    conflict: BTreeSet<Level>,
    rejects: Vec<(PackageId, Reason)>,
}

enum Plan {
    /// Already active with these features.
    Nothing,
    More(Box<(FeatureRequest, Activation)>),
    New(Box<(FeatureRequest, Activation)>),
}

enum Check {
    Ok(Plan),
    Reject(Box<Reason>, Option<Level>),
    Fatal(Box<ResolveError>),
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
            slot_ids: HashMap::new(),
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
            let slot = self.q.slot(root.package_id());
            let item = Item {
                parent: None,
                parent_slot: None,
                dep_index: i,
                dep: None,
                lock: None,
                request: FeatureRequest {
                    all: true,
                    default: true,
                    values: BTreeSet::new(),
                },
                cause: BTreeSet::new(),
                candidates: Rc::new(vec![(Rc::new(root.clone()), slot)]),
            };
            state.push(item, true);
        }
        while let Some(item) = state.pop_pending() {
            let mut cause = item.cause.clone();
            let mut candidates = item.candidates.clone();
            // A dependency already resolved (asked again with more
            // features) keeps its package.
            if let Some(ps) = item.parent_slot
                && let Some((child, level)) = state.edges.get(&(ps, item.dep_index))
            {
                cause.insert(*level);
                let same = match state.active.get(child) {
                    Some(a) => vec![(a.summary.clone(), *child)],
                    None => Vec::new(),
                };
                candidates = Rc::new(same);
            }
            let before = (candidates.len() > 1).then(|| state.mark());
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
            let Some((c, slot)) = frame.candidates.get(frame.next).cloned() else {
                return Ok(false);
            };
            frame.next += 1;
            let item = frame.item.clone();
            match check(state, &item, &c, slot) {
                Check::Fatal(e) => return Err(*e),
                Check::Reject(reason, lvl) => {
                    let frame = &mut self.frames[level];
                    frame.conflict.extend(lvl);
                    frame.rejects.push((c.package_id().clone(), *reason));
                }
                Check::Ok(plan) => {
                    self.frames[level].chosen = Some(c.package_id().clone());
                    self.apply(state, level, &item, c, slot, plan)?;
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
            parent_path: frame
                .item
                .parent_slot
                .map(|s| state.path(s))
                .unwrap_or_default(),
            parent: frame.item.parent.clone(),
            dep: frame.item.dep.clone(),
            lock: frame.item.lock.clone(),
            candidates: frame
                .candidates
                .iter()
                .map(|(s, _)| s.package_id().clone())
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
            && let Some(before) = top.before
        {
            state.undo_to(before);
        }
        Ok(())
    }

    fn apply(
        &mut self,
        state: &mut State,
        level: Level,
        item: &Item,
        c: Rc<Summary>,
        slot: Slot,
        plan: Plan,
    ) -> Result<(), ResolveError> {
        if let Some(ps) = item.parent_slot {
            state.add_edge((ps, item.dep_index), (slot, level));
        }
        let act = match plan {
            Plan::Nothing => return Ok(()),
            Plan::More(more) => {
                let (request, act) = *more;
                let Some(a) = state.active_mut(slot) else {
                    return Err(ResolveError::Internal(format!(
                        "{} is not active",
                        c.package_id()
                    )));
                };
                a.request = request;
                a.features = act.features.clone();
                a.feature_levels.insert(level);
                act
            }
            Plan::New(new) => {
                let (request, act) = *new;
                if let Some(l) = c.links() {
                    state.set_link(l, slot);
                }
                let by = match (item.parent_slot, &item.dep) {
                    (Some(p), Some(d)) => Some((p, d.clone())),
                    _ => None,
                };
                state.set_active(
                    slot,
                    Active {
                        summary: c.clone(),
                        slot,
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
        self.issue(state, slot, &act)
    }

    /// Make the dependencies `act` turns on pending.
    fn issue(
        &mut self,
        state: &mut State,
        slot: Slot,
        act: &Activation,
    ) -> Result<(), ResolveError> {
        let Some(a) = state.active.get(&slot) else {
            return Ok(());
        };
        let summary = a.summary.clone();
        let id = summary.package_id().clone();
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
            let (candidates, lock) = self.q.candidates(&id, dep)?;
            new_items.push(Item {
                parent: Some(id.clone()),
                parent_slot: Some(slot),
                dep_index: i,
                dep: Some(dep.clone()),
                lock,
                request,
                cause: cause.clone(),
                candidates,
            });
        }
        if let Some(a) = state.active_mut(slot) {
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
                .range((a.slot, 0)..=(a.slot, usize::MAX))
                .filter_map(|((_, i), (child, _))| {
                    let child = state.active.get(child)?;
                    a.summary.dependencies().get(*i).map(|d| ResolvedDep {
                        dep: d.clone(),
                        package: child.summary.package_id().clone(),
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
            patches: self.input.patches.clone(),
        }
    }
}

/// Can `c` answer `item` in `state`?
fn check(state: &State, item: &Item, c: &Rc<Summary>, slot: Slot) -> Check {
    let id = c.package_id();
    let request = &item.request;
    if let Some(a) = state.active.get(&slot) {
        if a.summary.package_id() != id {
            return Check::Reject(
                Box::new(Reason::Semver {
                    other: a.summary.package_id().clone(),
                    other_path: state.path(slot),
                }),
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
            Ok(act) => Check::Ok(Plan::More(Box::new((merged, act)))),
            Err(p) => feature_reject(item, c, p),
        };
    }
    if let Some(l) = c.links()
        && let Some(other_slot) = state.links.get(l)
        && let Some(other) = state.active.get(other_slot)
        && other.summary.package_id() != id
    {
        return Check::Reject(
            Box::new(Reason::Links {
                links: l.to_string(),
                other: other.summary.package_id().clone(),
                other_path: state.path(*other_slot),
            }),
            Some(other.level),
        );
    }
    match activate(c, request) {
        Ok(act) => Check::Ok(Plan::New(Box::new((request.clone(), act)))),
        Err(p) => feature_reject(item, c, p),
    }
}

fn feature_reject(item: &Item, c: &Summary, p: super::summary::FeatureProblem) -> Check {
    if item.parent.is_none() {
        return Check::Fatal(Box::new(ResolveError::Features(
            error::root_feature_message(c, &p),
        )));
    }
    Check::Reject(Box::new(Reason::Feature(p)), None)
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
