//! What the search learned from failures: sets of packages that, all
//! active, leave a dependency without a candidate (cargo's conflict cache).
//!
//! Per dependency, the sets are kept in a prefix tree over their sorted
//! package ids. A lookup asks for a set whose packages are all active
//! (one of them, `must_contain`, may be only imagined active) and prefers
//! the one whose newest package is oldest: going back to before it is the
//! longest jump. Ties go to the set met first in id order, as cargo does;
//! the search's choices depend on it.

use std::collections::{BTreeMap, HashMap, HashSet};

use mycargo_core::PackageId;

use super::summary::FeatureProblem;

/// Why a package stands in the way (cargo's `ConflictReason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// It holds the semver-compatible range.
    Semver,
    /// It links the same native library.
    Links(String),
    /// It (a parent) asks for a feature the candidate lacks.
    Feature(FeatureProblem),
}

pub(crate) type ConflictMap = BTreeMap<PackageId, Conflict>;

/// One node of the prefix tree: a complete set ends here, or more ids
/// follow.
enum Node {
    Set(ConflictMap),
    Next(BTreeMap<PackageId, Node>),
}

impl Node {
    fn insert(&mut self, ids: &[PackageId], con: &ConflictMap) {
        let mut cur = self;
        for id in ids {
            let Node::Next(children) = cur else {
                // A shorter set already covers this one.
                return;
            };
            cur = children
                .entry(id.clone())
                .or_insert_with(|| Node::Next(BTreeMap::new()));
        }
        *cur = Node::Set(con.clone());
    }
}

/// A search step over the tree (an explicit stack stands for recursion, so
/// a deep set cannot overflow the stack).
struct Step<'a, 'm> {
    /// The children still to look at, in id order.
    children: Vec<(&'a PackageId, &'a Node)>,
    next: usize,
    must_contain: Option<&'m PackageId>,
    /// The bound: only sets younger than it are of use.
    max_age: usize,
    best: Option<(&'a ConflictMap, usize)>,
    /// The id through which the parent step came here, and its age.
    via: Option<(&'a PackageId, usize)>,
}

impl<'a, 'm> Step<'a, 'm> {
    fn new(
        node: &'a Node,
        must_contain: Option<&'m PackageId>,
        max_age: usize,
        via: Option<(&'a PackageId, usize)>,
    ) -> Result<Step<'a, 'm>, Option<(&'a ConflictMap, usize)>> {
        match node {
            Node::Set(c) => Err(must_contain.is_none().then_some((c, 0))),
            Node::Next(children) => {
                let children = children
                    .iter()
                    .filter(|(id, _)| must_contain.is_none_or(|m| *id <= m))
                    .collect();
                Ok(Step {
                    children,
                    next: 0,
                    must_contain,
                    max_age,
                    best: None,
                    via,
                })
            }
        }
    }
}

fn find<'a>(
    root: &'a Node,
    is_active: &dyn Fn(&PackageId) -> Option<usize>,
    must_contain: Option<&PackageId>,
    max_age: usize,
) -> Option<&'a ConflictMap> {
    let mut stack = match Step::new(root, must_contain, max_age, None) {
        Ok(s) => vec![s],
        Err(found) => return found.map(|(c, _)| c),
    };
    // What the last finished step found, for its parent.
    loop {
        let top = stack.last_mut()?;
        let Some(&(id, child)) = top.children.get(top.next) else {
            // This step is done: hand its best to the parent.
            let done = stack.pop()?;
            let Some(parent) = stack.last_mut() else {
                return done.best.map(|(c, _)| c);
            };
            if let (Some((c, age_o)), Some((via, age_this))) = (done.best, done.via) {
                let age = if parent.must_contain == Some(via) {
                    age_o
                } else {
                    age_this.max(age_o)
                };
                if parent.max_age > age {
                    parent.best = Some((c, age));
                    parent.max_age = age;
                }
            }
            continue;
        };
        top.next += 1;
        let Some(age_this) = is_active(id) else {
            continue;
        };
        if age_this >= top.max_age && top.must_contain != Some(id) {
            continue;
        }
        let inner_must = top.must_contain.filter(|m| *m != id);
        let max_age = top.max_age;
        let must_here = top.must_contain;
        match Step::new(child, inner_must, max_age, Some((id, age_this))) {
            Ok(step) => stack.push(step),
            Err(Some((c, age_o))) => {
                let age = if must_here == Some(id) {
                    age_o
                } else {
                    age_this.max(age_o)
                };
                if let Some(top) = stack.last_mut()
                    && top.max_age > age
                {
                    top.best = Some((c, age));
                    top.max_age = age;
                }
            }
            Err(None) => {}
        }
    }
}

/// The conflict sets found so far, by dependency key.
pub(crate) struct ConflictCache<K> {
    by_dep: HashMap<K, Node>,
    /// The dependencies each package is part of a conflict of.
    deps_of: HashMap<PackageId, HashSet<K>>,
}

impl<K: std::hash::Hash + Eq + Clone> ConflictCache<K> {
    pub fn new() -> Self {
        ConflictCache {
            by_dep: HashMap::new(),
            deps_of: HashMap::new(),
        }
    }

    /// A known conflict of `dep` among the active packages.
    pub fn find(
        &self,
        dep: &K,
        is_active: &dyn Fn(&PackageId) -> Option<usize>,
        must_contain: Option<&PackageId>,
        max_age: usize,
    ) -> Option<&ConflictMap> {
        let node = self.by_dep.get(dep)?;
        find(node, is_active, must_contain, max_age)
    }

    pub fn insert(&mut self, dep: &K, con: &ConflictMap) {
        let ids: Vec<PackageId> = con.keys().cloned().collect();
        self.by_dep
            .entry(dep.clone())
            .or_insert_with(|| Node::Next(BTreeMap::new()))
            .insert(&ids, con);
        for id in ids {
            self.deps_of.entry(id).or_default().insert(dep.clone());
        }
    }

    /// The dependencies some known conflict of which has `id`.
    pub fn deps_conflicting_with(&self, id: &PackageId) -> Option<&HashSet<K>> {
        self.deps_of.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycargo_core::SourceId;

    fn id(name: &str) -> PackageId {
        PackageId::new(name, semver::Version::new(1, 0, 0), SourceId::crates_io())
    }

    fn set(names: &[&str]) -> ConflictMap {
        names.iter().map(|n| (id(n), Conflict::Semver)).collect()
    }

    #[test]
    fn finds_the_set_that_goes_back_furthest() {
        let mut cache: ConflictCache<&str> = ConflictCache::new();
        cache.insert(&"dep", &set(&["a", "c"]));
        cache.insert(&"dep", &set(&["b"]));
        let ages = |a: usize, b: Option<usize>, c: usize| {
            move |p: &PackageId| match p.name() {
                "a" => Some(a),
                "b" => b,
                "c" => Some(c),
                _ => None,
            }
        };
        // {b} needs b active; {a, c} is newer than b alone.
        let found = cache.find(&"dep", &ages(1, Some(2), 5), None, usize::MAX);
        assert_eq!(found, Some(&set(&["b"])));
        let found = cache.find(&"dep", &ages(1, None, 5), None, usize::MAX);
        assert_eq!(found, Some(&set(&["a", "c"])));
        // Only sets younger than the bound.
        assert_eq!(cache.find(&"dep", &ages(1, None, 5), None, 5), None);
        // Sets with `must_contain`, whose own age does not count.
        let found = cache.find(&"dep", &ages(1, Some(2), 9), Some(&id("c")), 3);
        assert_eq!(found, Some(&set(&["a", "c"])));
        assert_eq!(cache.find(&"other", &ages(1, Some(2), 5), None, 9), None);
        assert_eq!(
            cache.deps_conflicting_with(&id("b")).map(|s| s.len()),
            Some(1)
        );
        // A shorter set replaces what it covers.
        cache.insert(&"dep", &set(&["a"]));
        let found = cache.find(&"dep", &ages(1, None, 5), None, usize::MAX);
        assert_eq!(found, Some(&set(&["a"])));
    }
}
