//! The search, as cargo's resolver makes it, so that it ends with the
//! same choices: cargo's answer is the first solution its walk finds, and
//! the walk's order and its shortcuts decide which one that is.
//!
//! - Each activated package brings a frame of its dependencies (those its
//!   features turn on), sorted by how many candidates they have. The next
//!   dependency comes from the frame whose next dependency has the fewest
//!   candidates (the oldest frame on ties).
//! - A package asked again with features it does not have yet is walked
//!   again, and the dependencies that request turns on are resolved again
//!   (each may land in another semver range than the first time).
//! - Candidates are tried best first; one whose semver-compatible range or
//!   `links` is held by another package is skipped, and that package goes
//!   into the dependency's conflict set; a parent asking for a missing
//!   feature goes there too.
//! - Every choice with candidates left is a point to come back to. When a
//!   dependency runs out of candidates, the search goes back to the latest
//!   choice made before every package of the conflict set (and the parent)
//!   was active, skipping the choices that cannot change it.
//! - What failed is remembered per dependency (the conflict cache): a
//!   candidate one of whose new dependencies is known to fail with what is
//!   active is passed over at once, and conflicts are generalized to the
//!   parent of the package that caused them when every candidate of that
//!   parent's dependency is known to fail.
//!
//! The context changes are journaled: going back undoes the changes made
//! since the choice instead of keeping a copy of the context per choice.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use mycargo_core::{DepKind, Dependency, PackageId, PartialVersion, SourceId};
use semver::Version;

use super::conflicts::{Conflict, ConflictCache, ConflictMap};
use super::error::{self, Failure, Path, Reason};
use super::summary::{FeatureRequest, Summary, activate};
use super::{
    Registry, Resolve, ResolveError, ResolveInput, ResolvedDep, ResolvedPackage, VersionOrdering,
    VersionResolver,
};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
        // The caller's closure already (cargo walks a poisoned package's
        // dependencies, but not those of a path package whose version
        // changed).
        avoid.extend(prev.unlocked.iter().cloned());
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

/// A dependency's candidates, its lock, and its conflict-cache key.
type DepCandidates = (Candidates, Option<Lock>, Rc<DepKey>);

/// The summaries a registry gave for one requirement, shared.
pub type Answer = Rc<Vec<Rc<Summary>>>;

/// Registry answers, cached, with patches and locks applied.
pub(crate) struct Queryer<'a> {
    registry: &'a mut dyn Registry,
    cache: HashMap<(String, SourceId, String), Answer>,
    patches: BTreeMap<(SourceId, String), Vec<Rc<Summary>>>,
    locks: Locks,
    /// Rust versions to prefer candidates for (resolver 3).
    rust_versions: Vec<PartialVersion>,
    slot_ids: HashMap<(String, SourceId), u32>,
    /// Candidates by (parent, dependency index), as they never change.
    by_parent: HashMap<(PackageId, usize), DepCandidates>,
    ordering: VersionOrdering,
    /// Roots whose dependencies get only their lowest version
    /// (`-Z direct-minimal-versions`); empty otherwise.
    minimal_parents: HashSet<PackageId>,
}

/// cargo's `msrv_compat_count`: how many of the Rust versions `summary`
/// fits (all of them when it states none). A `rust-version` fits a Rust
/// version its caret requirement matches (`1.70` fits 1.70.0 to 1.x).
fn rust_fit_count(summary: &Summary, rust_versions: &[PartialVersion]) -> usize {
    let key = |p: &PartialVersion| (p.major, p.minor.unwrap_or(0), p.patch.unwrap_or(0));
    let fits = |rv: &PartialVersion, rustc: &PartialVersion| {
        let (need, have) = (key(rv), key(rustc));
        // The versions `^rv` allows: same major, or for `0.y` the same
        // minor, or for `0.0.z` that patch.
        let same_range = if need.0 > 0 || rv.minor.is_none() {
            have.0 == need.0
        } else if need.1 > 0 || rv.patch.is_none() {
            have.0 == 0 && have.1 == need.1
        } else {
            have == need
        };
        same_range && need <= have
    };
    match summary.rust_version() {
        None => rust_versions.len(),
        Some(rv) => rust_versions.iter().filter(|msrv| fits(rv, msrv)).count(),
    }
}

impl Queryer<'_> {
    /// Everything the registry has for `dep` (no filtering).
    pub fn query(&mut self, dep: &Dependency) -> Result<Answer, ResolveError> {
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
                parent: None,
                source,
            })?;
        let found: Answer = Rc::new(
            found
                .into_iter()
                .filter(|s| s.name() == dep.package_name())
                .map(Rc::new)
                .collect(),
        );
        self.cache.insert(key, found.clone());
        Ok(found)
    }

    fn slot(&mut self, id: &PackageId) -> Slot {
        self.slot_in(id, id.source_id())
    }

    /// The slot of `id`'s range among `source`'s packages of its name.
    fn slot_in(&mut self, id: &PackageId, source: &SourceId) -> Slot {
        let next = u32::try_from(self.slot_ids.len()).unwrap_or(u32::MAX);
        let n = *self
            .slot_ids
            .entry((id.name().to_string(), source.clone()))
            .or_insert(next);
        (n, compat(id.version()))
    }

    /// The slot of `id`, when its name and source have one.
    fn slot_of(&self, id: &PackageId) -> Option<Slot> {
        self.slot_ids
            .get(&(id.name().to_string(), id.source_id().clone()))
            .map(|n| (*n, compat(id.version())))
    }

    pub fn describe_source(&self, source: &SourceId) -> String {
        self.registry.describe_source(source)
    }

    /// [`Registry::is_replaced`].
    pub fn is_replaced(&self, source: &SourceId) -> bool {
        self.registry.is_replaced(source)
    }

    /// [`Registry::packages_in_source`].
    pub fn packages_in_source(&mut self, dep: &Dependency) -> Option<Vec<String>> {
        self.registry.packages_in_source(dep)
    }

    /// Names close to `dep`'s (within three edits), closest first, from
    /// [`Registry::alternative_names`].
    /// [`Registry::rejected_versions`].
    pub fn rejected_versions(&mut self, dep: &Dependency) -> Vec<(semver::Version, String)> {
        self.registry.rejected_versions(dep)
    }

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

    /// The candidates for `parent`'s dependency number `index`, `dep`,
    /// best first, its lock, and its key in the conflict cache.
    fn candidates(
        &mut self,
        parent: &PackageId,
        index: usize,
        dep: &Dependency,
    ) -> Result<DepCandidates, ResolveError> {
        let cache_key = (parent.clone(), index);
        if let Some(hit) = self.by_parent.get(&cache_key) {
            return Ok(hit.clone());
        }
        let (list, lock) = self.candidates_uncached(parent, dep)?;
        let key = Rc::new((dep.clone(), lock.clone()));
        let out = (list, lock, key);
        self.by_parent.insert(cache_key, out.clone());
        Ok(out)
    }

    fn candidates_uncached(
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
                .cloned()
                .collect()
        } else {
            patched
        };
        let kept = &self.locks.kept;
        let rust = &self.rust_versions;
        let direct_minimal = self.minimal_parents.contains(parent);
        let lowest_first = direct_minimal || self.ordering == VersionOrdering::MinimumFirst;
        list.sort_by_cached_key(|s| {
            let version = s.version().clone();
            (
                lock.as_ref().and_then(|l| l.rank(s.package_id())),
                !kept.contains(s.package_id()),
                Reverse(rust_fit_count(s, rust)),
                if lowest_first {
                    (None, Some(version))
                } else {
                    (Some(Reverse(version)), None)
                },
                s.package_id().clone(),
            )
        });
        // cargo tries only the first choice for a root's own dependency.
        if direct_minimal {
            list.truncate(1);
        }
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

/// A dependency of an activated package, with what the search needs of
/// it (cargo's `DepInfo`).
#[derive(Debug, Clone)]
struct DepInfo {
    /// Its position among the parent's declared dependencies.
    index: usize,
    dep: Dependency,
    lock: Option<Lock>,
    candidates: Candidates,
    /// The features asked of it (its own and the parent's `dep/feat`).
    features: Rc<BTreeSet<String>>,
    /// What the conflict cache knows it by.
    key: Rc<DepKey>,
}

/// A dependency as the conflict cache tells dependencies apart: as
/// declared, with the lock that narrows it (cargo locks the declaration
/// itself).
type DepKey = (Dependency, Option<Lock>);

/// An activated package and its dependencies still to resolve (cargo's
/// `DepsFrame`), fewest candidates first.
#[derive(Debug, Clone)]
struct DepsFrame {
    parent: Rc<Summary>,
    deps: Rc<Vec<DepInfo>>,
    next: usize,
}

impl DepsFrame {
    fn min_candidates(&self) -> usize {
        self.deps.get(self.next).map_or(0, |d| d.candidates.len())
    }
}

/// The order of pending frames: ones only kept for an error message
/// first, then the fewest candidates for the next dependency, then the
/// oldest.
type FrameKey = (bool, usize, u64);

/// The candidates of a dependency not tried yet, skipping those that
/// cannot sit next to what is active (cargo's `RemainingCandidates`).
#[derive(Debug, Clone)]
struct Remaining {
    list: Candidates,
    next: usize,
    /// The valid candidate found ahead, to tell whether another follows.
    ahead: Option<(Rc<Summary>, Slot)>,
}

impl Remaining {
    fn new(list: &Candidates) -> Remaining {
        Remaining {
            list: list.clone(),
            next: 0,
            ahead: None,
        }
    }

    /// The next candidate that fits, and whether another one follows;
    /// the packages in the way of those skipped go to `conflicts`.
    fn next(
        &mut self,
        conflicts: &mut ConflictMap,
        cx: &Cx,
    ) -> Option<((Rc<Summary>, Slot), bool)> {
        while let Some((c, slot)) = self.list.get(self.next).cloned() {
            self.next += 1;
            if let Some((a, _)) = cx.activations.get(&slot)
                && a.package_id() != c.package_id()
            {
                conflicts
                    .entry(a.package_id().clone())
                    .or_insert(Conflict::Semver);
                continue;
            }
            if let Some(l) = c.links()
                && let Some(holder) = cx.links.get(l)
                && holder != c.package_id()
            {
                conflicts
                    .entry(holder.clone())
                    .or_insert_with(|| Conflict::Links(l.to_string()));
                continue;
            }
            if let Some(prev) = self.ahead.replace((c, slot)) {
                return Some((prev, true));
            }
        }
        self.ahead.take().map(|c| (c, false))
    }
}

/// A choice to come back to (cargo's `BacktrackFrame`).
struct Backtrack {
    /// The journal mark of the context before the choice.
    mark: usize,
    age: usize,
    remaining: Remaining,
    parent: Rc<Summary>,
    info: DepInfo,
    conflicts: ConflictMap,
}

/// The search context (cargo's `ResolverContext` with the pending
/// frames). Changes are journaled; going back to a choice undoes the
/// changes made since, instead of keeping copies of the context.
#[derive(Default)]
struct Cx {
    /// Counts activations; a package's age is the count when it came in.
    age: usize,
    activations: HashMap<Slot, (Rc<Summary>, usize)>,
    /// Features each package was activated with.
    features: HashMap<PackageId, Rc<BTreeSet<String>>>,
    links: HashMap<String, PackageId>,
    /// child → parent → indices of the parent's dependencies it answers.
    parents: HashMap<PackageId, BTreeMap<PackageId, BTreeSet<usize>>>,
    pending: BTreeMap<FrameKey, DepsFrame>,
    time: u64,
    journal: Vec<Undo>,
}

/// One change to [`Cx`], as what restores the value before it.
enum Undo {
    Age(usize),
    Activation(Slot, Option<(Rc<Summary>, usize)>),
    Features(PackageId, Option<Rc<BTreeSet<String>>>),
    Link(String, Option<PackageId>),
    Parent(PackageId, PackageId, usize),
    PendingAdded(FrameKey),
    PendingTaken(FrameKey, DepsFrame),
    Time(u64),
}

impl Cx {
    fn mark(&self) -> usize {
        self.journal.len()
    }

    fn undo_to(&mut self, mark: usize) {
        while self.journal.len() > mark {
            let Some(u) = self.journal.pop() else { break };
            match u {
                Undo::Age(a) => self.age = a,
                Undo::Activation(slot, Some(old)) => {
                    self.activations.insert(slot, old);
                }
                Undo::Activation(slot, None) => {
                    self.activations.remove(&slot);
                }
                Undo::Features(id, Some(old)) => {
                    self.features.insert(id, old);
                }
                Undo::Features(id, None) => {
                    self.features.remove(&id);
                }
                Undo::Link(l, Some(old)) => {
                    self.links.insert(l, old);
                }
                Undo::Link(l, None) => {
                    self.links.remove(&l);
                }
                Undo::Parent(child, parent, index) => {
                    if let Some(ps) = self.parents.get_mut(&child) {
                        if let Some(set) = ps.get_mut(&parent) {
                            set.remove(&index);
                            if set.is_empty() {
                                ps.remove(&parent);
                            }
                        }
                        if ps.is_empty() {
                            self.parents.remove(&child);
                        }
                    }
                }
                Undo::PendingAdded(key) => {
                    self.pending.remove(&key);
                }
                Undo::PendingTaken(key, frame) => {
                    self.pending.insert(key, frame);
                }
                Undo::Time(t) => self.time = t,
            }
        }
    }

    fn bump_age(&mut self) {
        self.journal.push(Undo::Age(self.age));
        self.age += 1;
    }

    fn set_activation(
        &mut self,
        slot: Slot,
        v: (Rc<Summary>, usize),
    ) -> Option<(Rc<Summary>, usize)> {
        let old = self.activations.insert(slot, v);
        self.journal.push(Undo::Activation(slot, old.clone()));
        old
    }

    fn add_features(&mut self, id: &PackageId, more: &BTreeSet<String>) {
        let old = self.features.get(id).cloned();
        let mut set = old.as_deref().cloned().unwrap_or_default();
        set.extend(more.iter().cloned());
        self.features.insert(id.clone(), Rc::new(set));
        self.journal.push(Undo::Features(id.clone(), old));
    }

    fn set_link(&mut self, l: &str, id: &PackageId) {
        let old = self.links.insert(l.to_string(), id.clone());
        self.journal.push(Undo::Link(l.to_string(), old));
    }

    fn link_parent(&mut self, child: &PackageId, parent: &PackageId, index: usize) {
        let new = self
            .parents
            .entry(child.clone())
            .or_default()
            .entry(parent.clone())
            .or_default()
            .insert(index);
        if new {
            self.journal
                .push(Undo::Parent(child.clone(), parent.clone(), index));
        }
    }

    fn push_frame(&mut self, frame: DepsFrame, for_errors: bool) {
        let key = (!for_errors, frame.min_candidates(), self.time);
        self.journal.push(Undo::Time(self.time));
        self.time += 1;
        self.pending.insert(key, frame);
        self.journal.push(Undo::PendingAdded(key));
    }

    /// The next dependency to resolve: from the most constrained frame.
    fn pop_most_constrained(&mut self) -> Option<(bool, Rc<Summary>, DepInfo)> {
        loop {
            let (key, mut frame) = self.pending.pop_first()?;
            self.journal.push(Undo::PendingTaken(key, frame.clone()));
            let Some(info) = frame.deps.get(frame.next).cloned() else {
                continue;
            };
            frame.next += 1;
            let parent = frame.parent.clone();
            let new_key = (key.0, frame.min_candidates(), key.2);
            self.pending.insert(new_key, frame);
            self.journal.push(Undo::PendingAdded(new_key));
            return Some((!key.0, parent, info));
        }
    }

    /// Every dependency still pending, with its parent.
    fn pending_deps(&self) -> impl Iterator<Item = (&PackageId, &DepInfo)> {
        self.pending.values().flat_map(|f| {
            f.deps
                .get(f.next..)
                .unwrap_or_default()
                .iter()
                .map(move |d| (f.parent.package_id(), d))
        })
    }

    /// The age of `id` when it is the active package of its range.
    fn is_active(&self, q: &Queryer<'_>, id: &PackageId) -> Option<usize> {
        let slot = q.slot_of(id)?;
        self.activations
            .get(&slot)
            .and_then(|(s, age)| (s.package_id() == id).then_some(*age))
    }

    /// The age to go back before for `conflicts` (and `parent`), when all
    /// of them are active.
    fn is_conflicting(
        &self,
        q: &Queryer<'_>,
        parent: Option<&PackageId>,
        conflicts: &ConflictMap,
    ) -> Option<usize> {
        let mut max = 0;
        if let Some(p) = parent {
            max = max.max(self.is_active(q, p)?);
        }
        for id in conflicts.keys() {
            max = max.max(self.is_active(q, id)?);
        }
        Some(max)
    }

    /// Whether `to` is an ancestor of `from` (through the packages that
    /// depend on it).
    fn is_path_from_to(&self, from: &PackageId, to: &PackageId) -> bool {
        let mut stack = vec![from];
        let mut seen = BTreeSet::from([from]);
        while let Some(p) = stack.pop() {
            let Some(ps) = self.parents.get(p) else {
                continue;
            };
            for parent in ps.keys() {
                if parent == to {
                    return true;
                }
                if seen.insert(parent) {
                    stack.push(parent);
                }
            }
        }
        false
    }

    fn summary_of(&self, q: &Queryer<'_>, id: &PackageId) -> Option<Rc<Summary>> {
        let slot = q.slot_of(id)?;
        self.activations
            .get(&slot)
            .filter(|(s, _)| s.package_id() == id)
            .map(|(s, _)| s.clone())
    }

    /// cargo's `describe_path`: a shortest way from `id` up to a root.
    fn path(&self, q: &Queryer<'_>, id: &PackageId) -> Path {
        let mut back: BTreeMap<&PackageId, (&PackageId, usize)> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([id]);
        let mut last = id;
        while let Some(p) = queue.pop_front() {
            last = p;
            let Some(ps) = self.parents.get(p).filter(|ps| !ps.is_empty()) else {
                break;
            };
            for (parent, idx) in ps {
                if parent == id || back.contains_key(parent) {
                    continue;
                }
                back.insert(parent, (p, idx.first().copied().unwrap_or(0)));
                queue.push_back(parent);
            }
        }
        let mut chain = vec![last];
        let mut cur = last;
        while let Some((child, _)) = back.get(cur) {
            if chain.len() > back.len() + 1 {
                break;
            }
            chain.push(child);
            cur = child;
        }
        chain.reverse();
        let mut out: Path = Vec::new();
        for (i, p) in chain.iter().enumerate() {
            if i == 0 {
                out.push(((*p).clone(), None));
                continue;
            }
            let dep = back
                .get(p)
                .and_then(|(_, idx)| self.summary_of(q, p)?.dependencies().get(*idx).cloned());
            out.push(((*p).clone(), dep));
        }
        out
    }
}

/// Why an activation failed.
enum ActivateError {
    Fatal(Box<ResolveError>),
    Conflict(PackageId, Conflict),
}

/// What a package is activated for: a root, or a parent's dependency.
struct For<'a> {
    parent: Option<(&'a Rc<Summary>, &'a DepInfo)>,
    request: FeatureRequest,
    dev_deps: bool,
}

struct Engine<'a, 'r> {
    input: &'a ResolveInput,
    q: Queryer<'r>,
    cx: Cx,
    cache: ConflictCache<Rc<DepKey>>,
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
            by_parent: HashMap::new(),
            ordering: input.options.ordering,
            minimal_parents: if input.options.direct_minimal {
                input.roots.iter().map(|r| r.package_id().clone()).collect()
            } else {
                HashSet::new()
            },
        },
        cx: Cx::default(),
        cache: ConflictCache::new(),
    };
    engine.search()?;
    let resolve = engine.finish();
    check_cycles(&resolve)?;
    Ok(resolve)
}

impl Engine<'_, '_> {
    /// Activate `c`: mark it active (or see that it already is with these
    /// features) and make the frame of the dependencies it turns on.
    fn activate(
        &mut self,
        c: &Rc<Summary>,
        slot: Slot,
        how: &For<'_>,
    ) -> Result<Option<DepsFrame>, ActivateError> {
        let id = c.package_id().clone();
        self.cx.bump_age();
        if let Some((p, info)) = how.parent {
            self.cx.link_parent(&id, p.package_id(), info.index);
        }
        let already = match self.cx.activations.get(&slot) {
            Some(_) => match how.parent {
                // A root asks for every feature: always walked again.
                None => false,
                Some((_, info)) => {
                    let prev = self.cx.features.get(&id).cloned().unwrap_or_default();
                    info.features.is_subset(&prev)
                        && (!info.dep.uses_default_features()
                            || prev.contains("default")
                            || !c.features().contains_key("default"))
                }
            },
            None => {
                if let Some(l) = c.links() {
                    self.cx.set_link(l, &id);
                }
                let age = self.cx.age;
                self.cx.set_activation(slot, (c.clone(), age));
                if let Some((_, info)) = how.parent
                    && info.dep.source_id() != id.source_id()
                {
                    // A patch answering another source holds that
                    // source's range too.
                    let other = self.q.slot_in(&id, info.dep.source_id());
                    if let Some((prev, _)) = self.cx.set_activation(other, (c.clone(), age))
                        && prev.package_id() != &id
                    {
                        return Err(ActivateError::Conflict(
                            prev.package_id().clone(),
                            Conflict::Semver,
                        ));
                    }
                }
                false
            }
        };
        if already {
            return Ok(None);
        }
        let act = match activate(c, &how.request) {
            Ok(act) => act,
            Err(p) => {
                return Err(match how.parent {
                    None => ActivateError::Fatal(Box::new(ResolveError::Features(
                        error::root_feature_message(c, &p),
                    ))),
                    Some((parent, _)) => {
                        ActivateError::Conflict(parent.package_id().clone(), Conflict::Feature(p))
                    }
                });
            }
        };
        let mut deps = Vec::new();
        for (i, dep) in c.dependencies().iter().enumerate() {
            if dep.kind() == DepKind::Development && !how.dev_deps {
                continue;
            }
            let asked = act.deps.get(dep.name_in_toml());
            if dep.is_optional() && asked.is_none() {
                continue;
            }
            let mut features: BTreeSet<String> = asked.cloned().unwrap_or_default();
            features.extend(dep.features().iter().cloned());
            let (candidates, lock, key) = match self.q.candidates(&id, i, dep) {
                Ok(found) => found,
                Err(ResolveError::Registry {
                    message, source, ..
                }) => {
                    let path = error::describe_path(&self.cx.path(&self.q, &id));
                    return Err(ActivateError::Fatal(Box::new(ResolveError::Registry {
                        message,
                        parent: Some(Box::new((id.clone(), path))),
                        source,
                    })));
                }
                Err(e) => return Err(ActivateError::Fatal(Box::new(e))),
            };
            deps.push(DepInfo {
                index: i,
                dep: dep.clone(),
                lock,
                candidates,
                features: Rc::new(features),
                key,
            });
        }
        deps.sort_by_key(|d| d.candidates.len());
        if !act.features.is_empty() {
            self.cx.add_features(&id, &act.features);
        }
        Ok(Some(DepsFrame {
            parent: c.clone(),
            deps: Rc::new(deps),
            next: 0,
        }))
    }

    fn search(&mut self) -> Result<(), ResolveError> {
        let dev_deps = self.input.options.dev_deps;
        for root in &self.input.roots {
            let slot = self.q.slot(root.package_id());
            let request = match &self.input.options.root_requests {
                None => FeatureRequest {
                    all: true,
                    default: true,
                    values: BTreeSet::new(),
                },
                Some(asked) => match asked.get(root.package_id()) {
                    Some(r) => FeatureRequest {
                        all: r.all,
                        default: r.default,
                        values: r.values.clone(),
                    },
                    None => FeatureRequest {
                        all: false,
                        default: true,
                        values: BTreeSet::new(),
                    },
                },
            };
            let how = For {
                parent: None,
                request,
                dev_deps,
            };
            match self.activate(&Rc::new(root.clone()), slot, &how) {
                Ok(Some(frame)) => self.cx.push_frame(frame, false),
                Ok(None) => {}
                Err(ActivateError::Fatal(e)) => return Err(*e),
                Err(ActivateError::Conflict(..)) => {
                    return Err(ResolveError::Internal(
                        "a root conflicted with another root".into(),
                    ));
                }
            }
        }
        let mut stack: Vec<Backtrack> = Vec::new();
        while let Some((for_errors, parent, info)) = self.cx.pop_most_constrained() {
            let (mut parent, mut info) = (parent, info);
            let for_errors = for_errors && self.known_conflict(&info.key).is_some();
            let mut remaining = Remaining::new(&info.candidates);
            let mut conflicts = ConflictMap::new();
            let mut backtracked = false;
            loop {
                let next = remaining.next(&mut conflicts, &self.cx);
                let ((c, slot), has_another) = match next {
                    Some(n) => n,
                    None => {
                        let mut general = None;
                        if !for_errors && !backtracked {
                            self.cache.insert(&info.key, &conflicts);
                            general = self.generalize(&parent, &info, &conflicts);
                        }
                        let con = general.as_ref().unwrap_or(&conflicts);
                        match self.find_candidate(&mut stack, parent.package_id(), backtracked, con)
                        {
                            Some((cand, more, frame)) => {
                                parent = frame.parent;
                                info = frame.info;
                                remaining = frame.remaining;
                                conflicts = frame.conflicts;
                                backtracked = true;
                                (cand, more)
                            }
                            None => return Err(self.no_solution(&parent, &info, &conflicts)),
                        }
                    }
                };
                if for_errors && !backtracked && has_another {
                    continue;
                }
                let backtrack = has_another.then(|| Backtrack {
                    mark: self.cx.mark(),
                    age: self.cx.age,
                    remaining: remaining.clone(),
                    parent: parent.clone(),
                    info: info.clone(),
                    conflicts: conflicts.clone(),
                });
                let how = For {
                    parent: Some((&parent, &info)),
                    request: FeatureRequest {
                        all: false,
                        default: info.dep.uses_default_features(),
                        values: (*info.features).clone(),
                    },
                    dev_deps: false,
                };
                let pid = c.package_id().clone();
                let ok = match self.activate(&c, slot, &how) {
                    Ok(Some(frame)) => {
                        let mut known_bad = for_errors;
                        if !known_bad
                            && let Some(con) =
                                frame.deps.iter().find_map(|d| self.known_conflict(&d.key))
                        {
                            for (p, r) in con {
                                if p != pid {
                                    conflicts.insert(p.clone(), r.clone());
                                }
                            }
                            known_bad = true;
                        }
                        if !known_bad && let Some(found) = self.conflict_with_pending(&pid) {
                            let (other_parent, con) = found;
                            let rel = con.get(&pid).cloned();
                            for (p, r) in &con {
                                if *p != pid {
                                    conflicts.insert(p.clone(), r.clone());
                                }
                            }
                            if let Some(rel) = rel {
                                conflicts.insert(other_parent, rel);
                            }
                            known_bad = true;
                        }
                        let for_message = known_bad
                            && !has_another
                            && (for_errors
                                || !self.can_backtrack(
                                    &stack,
                                    parent.package_id(),
                                    backtracked,
                                    &conflicts,
                                ));
                        if for_message {
                            stack.clear();
                        }
                        if !known_bad || for_message {
                            self.cx.push_frame(frame, known_bad);
                            true
                        } else {
                            false
                        }
                    }
                    Ok(None) => true,
                    Err(ActivateError::Fatal(e)) => return Err(*e),
                    Err(ActivateError::Conflict(id, reason)) => {
                        conflicts.insert(id, reason);
                        false
                    }
                };
                if ok {
                    stack.extend(backtrack);
                    break;
                }
                if let Some(b) = &backtrack {
                    self.cx.undo_to(b.mark);
                }
            }
        }
        Ok(())
    }

    /// A known conflict of `key` among the active packages.
    fn known_conflict(&self, key: &Rc<DepKey>) -> Option<ConflictMap> {
        let (cx, q) = (&self.cx, &self.q);
        self.cache
            .find(key, &|id| cx.is_active(q, id), None, usize::MAX)
            .cloned()
    }

    /// A pending dependency that a known conflict with `pid` rules out:
    /// its parent and that conflict.
    fn conflict_with_pending(&self, pid: &PackageId) -> Option<(PackageId, ConflictMap)> {
        let bad = self.cache.deps_conflicting_with(pid)?;
        let (cx, q) = (&self.cx, &self.q);
        cx.pending_deps()
            .filter(|(_, d)| bad.contains(&d.key))
            .find_map(|(p, d)| {
                self.cache
                    .find(&d.key, &|id| cx.is_active(q, id), Some(pid), usize::MAX)
                    .map(|c| (p.clone(), c.clone()))
            })
    }

    /// The age going back must reach for `conflicts`, or `None` when it
    /// is not known (then every choice is tried in turn).
    fn jump_age(
        &self,
        parent: &PackageId,
        backtracked: bool,
        conflicts: &ConflictMap,
    ) -> Option<usize> {
        if backtracked {
            return None;
        }
        self.cx.is_conflicting(&self.q, Some(parent), conflicts)
    }

    /// Whether [`Engine::find_candidate`] would find a choice to go back to.
    fn can_backtrack(
        &self,
        stack: &[Backtrack],
        parent: &PackageId,
        backtracked: bool,
        conflicts: &ConflictMap,
    ) -> bool {
        match self.jump_age(parent, backtracked, conflicts) {
            Some(age) => stack.iter().any(|f| f.age < age),
            None => !stack.is_empty(),
        }
    }

    /// Go back to the latest choice that can make a difference to
    /// `conflicts`, and take its next candidate.
    #[allow(clippy::type_complexity)]
    fn find_candidate(
        &mut self,
        stack: &mut Vec<Backtrack>,
        parent: &PackageId,
        backtracked: bool,
        conflicts: &ConflictMap,
    ) -> Option<((Rc<Summary>, Slot), bool, Backtrack)> {
        let age = self.jump_age(parent, backtracked, conflicts);
        let mut frame = loop {
            let f = stack.pop()?;
            match age {
                Some(age) if f.age >= age => continue,
                _ => break f,
            }
        };
        self.cx.undo_to(frame.mark);
        let (c, more) = frame.remaining.next(&mut frame.conflicts, &self.cx)?;
        Some((c, more, frame))
    }

    /// cargo's `generalize_conflicting`: when every candidate of a parent's
    /// dependency on the newest conflicting package is known to fail with
    /// `info`, the conflict can name that parent instead, which goes back
    /// further.
    fn generalize(
        &mut self,
        parent: &Summary,
        info: &DepInfo,
        conflicts: &ConflictMap,
    ) -> Option<ConflictMap> {
        let mut critical: Option<(usize, PackageId)> = None;
        for id in conflicts.keys() {
            let age = self.cx.is_active(&self.q, id)?;
            if critical.as_ref().is_none_or(|(a, c)| (age, id) > (*a, c)) {
                critical = Some((age, id.clone()));
            }
        }
        let (critical_age, critical_id) = critical?;
        let reason = conflicts.get(&critical_id)?.clone();
        if self.cx.is_path_from_to(parent.package_id(), &critical_id) {
            return None;
        }
        let parents: Vec<(PackageId, Vec<usize>)> = self
            .cx
            .parents
            .get(&critical_id)?
            .iter()
            .filter(|(p, _)| {
                self.cx
                    .is_active(&self.q, p)
                    .is_some_and(|a| a < critical_age)
            })
            .map(|(p, idx)| (p.clone(), idx.iter().copied().collect()))
            .collect();
        for (cp, indices) in parents {
            let Some(summary) = self.cx.summary_of(&self.q, &cp) else {
                continue;
            };
            for i in indices {
                let Some(dep) = summary.dependencies().get(i) else {
                    continue;
                };
                let Ok((cands, _, _)) = self.q.candidates(&cp, i, dep) else {
                    continue;
                };
                let mut others: Vec<(PackageId, ConflictMap)> = Vec::new();
                let mut all = true;
                for (other, _) in cands.iter().rev() {
                    let oid = other.package_id();
                    let (cx, q) = (&self.cx, &self.q);
                    let is_active = |id: &PackageId| {
                        if id == oid {
                            Some(critical_age)
                        } else {
                            cx.is_active(q, id)
                        }
                    };
                    match self
                        .cache
                        .find(&info.key, &is_active, Some(oid), critical_age)
                    {
                        Some(con) => others.push((oid.clone(), con.clone())),
                        None => {
                            all = false;
                            break;
                        }
                    }
                }
                if !all {
                    continue;
                }
                let mut con = conflicts.clone();
                for (_, o) in &others {
                    for (k, v) in o {
                        con.insert(k.clone(), v.clone());
                    }
                }
                for (oid, _) in &others {
                    con.remove(oid);
                }
                con.insert(cp.clone(), reason.clone());
                self.cache.insert(&info.key, &con);
                return Some(con);
            }
        }
        None
    }

    /// The error for `info` of `parent` having no candidate left.
    fn no_solution(
        &mut self,
        parent: &Summary,
        info: &DepInfo,
        conflicts: &ConflictMap,
    ) -> ResolveError {
        let pid = parent.package_id();
        let first = info.candidates.first().map(|(s, _)| s.package_id().clone());
        let mut rejects = Vec::new();
        for (id, reason) in conflicts {
            let cand = |pred: &dyn Fn(&Summary) -> bool| {
                info.candidates
                    .iter()
                    .find(|(s, _)| pred(s))
                    .map(|(s, _)| s.package_id().clone())
                    .or_else(|| first.clone())
                    .unwrap_or_else(|| id.clone())
            };
            let r = match reason {
                Conflict::Semver => Reason::Semver {
                    other: id.clone(),
                    other_path: self.cx.path(&self.q, id),
                },
                Conflict::Links(l) => Reason::Links {
                    links: l.clone(),
                    other: id.clone(),
                    other_path: self.cx.path(&self.q, id),
                },
                Conflict::Feature(p) => Reason::Feature(p.clone()),
            };
            let c = match reason {
                Conflict::Semver => {
                    cand(&|s| s.name() == id.name() && compat(s.version()) == compat(id.version()))
                }
                Conflict::Links(l) => cand(&|s| s.links() == Some(l.as_str())),
                Conflict::Feature(_) => cand(&|_| true),
            };
            rejects.push((c, r));
        }
        let mut together = vec![pid.clone()];
        together.extend(conflicts.keys().filter(|k| *k != pid).cloned());
        let failure = Failure {
            parent_path: self.cx.path(&self.q, pid),
            parent: Some(pid.clone()),
            dep: Some(info.dep.clone()),
            lock: info.lock.clone(),
            candidates: info
                .candidates
                .iter()
                .map(|(s, _)| s.package_id().clone())
                .collect(),
            rejects,
            together,
        };
        error::no_solution(failure, &mut self.q)
    }

    fn finish(&self) -> Resolve {
        let mut summaries: BTreeMap<PackageId, Rc<Summary>> = BTreeMap::new();
        for (s, _) in self.cx.activations.values() {
            summaries.insert(s.package_id().clone(), s.clone());
        }
        // parent → (dependency index, child)
        let mut edges: BTreeMap<&PackageId, BTreeSet<(usize, &PackageId)>> = BTreeMap::new();
        for (child, ps) in &self.cx.parents {
            if !summaries.contains_key(child) {
                continue;
            }
            for (parent, idx) in ps {
                let e = edges.entry(parent).or_default();
                for i in idx {
                    e.insert((*i, child));
                }
            }
        }
        let mut packages = BTreeMap::new();
        for (id, s) in &summaries {
            let deps = edges
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|(i, child)| {
                    s.dependencies().get(*i).map(|d| ResolvedDep {
                        dep: d.clone(),
                        package: (*child).clone(),
                    })
                })
                .collect();
            packages.insert(
                id.clone(),
                ResolvedPackage {
                    summary: (**s).clone(),
                    deps,
                    features: self
                        .cx
                        .features
                        .get(id)
                        .map(|f| (**f).clone())
                        .unwrap_or_default(),
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
