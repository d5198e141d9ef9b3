//! The resolver against a brute-force search on random small registries
//! (at most 5 names, at most 4 versions each), from a fixed seed.

use std::collections::BTreeMap;

use mycargo_core::{Dependency, PackageId};
use semver::Version;

use super::super::*;
use super::{Reg, d, names, pkg};

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const VERSIONS: &[&str] = &[
    "0.1.0",
    "0.1.1",
    "0.2.0",
    "1.0.0",
    "1.1.0",
    "1.1.1",
    "1.2.0-alpha.1",
    "2.0.0",
];
const REQS: &[&str] = &[
    "*",
    "^0.1",
    "^0.2",
    "^1",
    "^1.1",
    "=1.0.0",
    ">=1.0.0",
    "^2",
    "^1.2.0-alpha.1",
    "~0.1.1",
    ">=0.1.1, <1.1.0",
];
const NAMES: &[&str] = &["a", "b", "c", "e", "g"];

fn random_dep(rng: &mut Rng, name: &str) -> Dependency {
    let mut dep = d(name, REQS[rng.below(REQS.len())]);
    if rng.chance(4) {
        dep.set_features(vec!["f".into()]);
    }
    dep
}

/// A registry where package `NAMES[i]` only depends on later names (no
/// cycles), and the root's dependencies.
fn random_case(rng: &mut Rng) -> (Reg, Vec<Dependency>) {
    let n = 1 + rng.below(NAMES.len());
    let mut reg = Reg::default();
    for (i, name) in NAMES.iter().enumerate().take(n) {
        let count = 1 + rng.below(4);
        let mut picked: Vec<&str> = Vec::new();
        while picked.len() < count {
            let v = VERSIONS[rng.below(VERSIONS.len())];
            if !picked.contains(&v) {
                picked.push(v);
            }
        }
        for v in picked {
            let mut p = pkg(&format!("{name} {v}"));
            if rng.chance(8) {
                p = p.yanked();
            }
            if rng.chance(8) {
                p = p.links("L");
            }
            if rng.chance(2) {
                p = p.feature("f", &[]);
            }
            if i + 1 < n {
                for _ in 0..rng.below(3) {
                    let to = i + 1 + rng.below(n - i - 1);
                    p = p.with(random_dep(rng, NAMES[to]));
                }
            }
            reg.pkgs.push(p.build());
        }
    }
    let roots = (0..1 + rng.below(3))
        .map(|_| {
            let to = NAMES[rng.below(n)];
            random_dep(rng, to)
        })
        .collect();
    (reg, roots)
}

fn slot(id: &PackageId) -> (String, u64, u64) {
    let v = id.version();
    match (v.major, v.minor) {
        (0, 0) => (id.name().to_string(), 0, 1000 + v.patch),
        (0, m) => (id.name().to_string(), 0, m),
        (m, _) => (id.name().to_string(), m, 0),
    }
}

fn fits(dep: &Dependency, s: &Summary) -> bool {
    s.name() == dep.package_name()
        && !s.is_yanked()
        && dep.version_req().matches(s.version())
        && dep.features().iter().all(|f| s.features().contains_key(f))
}

/// Is there any set of packages, one per semver-compatible range, that
/// satisfies every dependency of every member, with unique `links`?
fn brute_force(
    reg: &Reg,
    pending: &mut Vec<Dependency>,
    chosen: &mut BTreeMap<(String, u64, u64), Summary>,
) -> bool {
    let Some(dep) = pending.pop() else {
        return true;
    };
    for s in reg.pkgs.iter().filter(|s| fits(&dep, s)) {
        let key = slot(s.package_id());
        match chosen.get(&key) {
            Some(c) if c.package_id() == s.package_id() => {
                if brute_force(reg, pending, chosen) {
                    return true;
                }
            }
            Some(_) => {}
            None => {
                if s.links().is_some() && chosen.values().any(|c| c.links() == s.links()) {
                    continue;
                }
                chosen.insert(key.clone(), s.clone());
                let mark = pending.len();
                pending.extend(s.dependencies().iter().cloned());
                if brute_force(reg, pending, chosen) {
                    return true;
                }
                pending.truncate(mark);
                chosen.remove(&key);
            }
        }
    }
    pending.push(dep);
    false
}

/// Every dependency greedily on its highest fitting version; `None` when
/// that is not consistent.
fn greedy(reg: &Reg, roots: &[Dependency]) -> Option<Vec<String>> {
    let mut chosen: BTreeMap<(String, u64, u64), Summary> = BTreeMap::new();
    let mut queue: Vec<Dependency> = roots.to_vec();
    while let Some(dep) = queue.pop() {
        let best = reg
            .pkgs
            .iter()
            .filter(|s| fits(&dep, s))
            .max_by(|a, b| a.version().cmp(b.version()))?;
        let key = slot(best.package_id());
        match chosen.get(&key) {
            Some(c) if c.package_id() == best.package_id() => {}
            Some(_) => return None,
            None => {
                if best.links().is_some() && chosen.values().any(|c| c.links() == best.links()) {
                    return None;
                }
                chosen.insert(key, best.clone());
                queue.extend(best.dependencies().iter().cloned());
            }
        }
    }
    let mut out: Vec<String> = chosen
        .values()
        .map(|s| format!("{} {}", s.name(), s.version()))
        .collect();
    out.sort();
    Some(out)
}

fn check_valid(reg: &Reg, res: &Resolve, roots: &[Dependency]) -> Result<(), String> {
    let mut slots = BTreeMap::new();
    let mut links = BTreeMap::new();
    for (id, p) in &res.packages {
        if !id.source_id().is_path() {
            let s = reg
                .pkgs
                .iter()
                .find(|s| s.package_id() == id)
                .ok_or(format!("{id} is not in the registry"))?;
            if s.is_yanked() {
                return Err(format!("{id} is yanked"));
            }
            if let Some(prev) = slots.insert(slot(id), id.clone()) {
                return Err(format!("{prev} and {id} share a range"));
            }
            if let Some(l) = s.links()
                && let Some(prev) = links.insert(l.to_string(), id.clone())
            {
                return Err(format!("{prev} and {id} both link {l}"));
            }
        }
        let declared = if id.source_id().is_path() {
            roots.to_vec()
        } else {
            p.summary.dependencies().to_vec()
        };
        if p.deps.len() != declared.len() {
            return Err(format!(
                "{id}: {} edges for {} deps",
                p.deps.len(),
                declared.len()
            ));
        }
        for edge in &p.deps {
            let to = res
                .get(&edge.package)
                .ok_or(format!("{id} points at missing {}", edge.package))?;
            if !fits(&edge.dep, &to.summary) {
                return Err(format!(
                    "{id}: {} does not fit {:?}",
                    edge.package, edge.dep
                ));
            }
        }
    }
    Ok(())
}

/// `name version -> [deps]` lines.
fn graph(r: &Resolve) -> Vec<String> {
    r.lock_dependencies()
        .iter()
        .map(|(id, deps)| {
            let deps: Vec<String> = deps
                .iter()
                .map(|d| format!("{} {}", d.name(), d.version()))
                .collect();
            format!("{} {} -> {}", id.name(), id.version(), deps.join(", "))
        })
        .collect()
}

/// With the result as the lock file, newer versions change nothing; with
/// everything unlocked the result is still valid.
fn relock(reg: &Reg, input: &ResolveInput, res: &Resolve, case: usize) {
    let mut newer = Reg {
        pkgs: reg.pkgs.clone(),
    };
    for name in NAMES {
        if reg.pkgs.iter().any(|s| s.name() == *name) {
            newer
                .pkgs
                .push(pkg(&format!("{name} 1.9.0")).feature("f", &[]).build());
            newer
                .pkgs
                .push(pkg(&format!("{name} 0.1.9")).feature("f", &[]).build());
        }
    }
    let mut again = input.clone();
    again.previous = Some(Previous {
        packages: res.lock_dependencies(),
        unlocked: Default::default(),
    });
    let kept = resolve(&again, &mut newer).unwrap();
    // cargo pins a dependency to the first locked package it matches, so a
    // package naming one dependency twice may move; skip those.
    let twice = res.packages.values().any(|p| {
        let names: Vec<&str> = p.deps.iter().map(|d| d.dep.package_name()).collect();
        names
            .iter()
            .enumerate()
            .any(|(i, n)| names[..i].contains(n))
    });
    assert!(
        twice || graph(&kept) == graph(res),
        "case {case}: the lock was not kept\n{:?}\n{:?}",
        graph(&kept),
        graph(res)
    );
    again.unlock = res.lock_dependencies().into_keys().collect();
    let moved = resolve(&again, &mut newer).unwrap();
    let roots = input.roots[0].dependencies();
    if let Err(e) = check_valid(&newer, &moved, roots) {
        panic!("case {case}: invalid after unlocking: {e}");
    }
}

#[test]
fn agrees_with_brute_force() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut solved, mut unsolved, mut maximal) = (0, 0, 0);
    for case in 0..3000 {
        let (mut reg, roots) = random_case(&mut rng);
        let mut root = super::root();
        for dep in &roots {
            root = root.with(dep.clone());
        }
        let input = ResolveInput {
            roots: vec![root.build()],
            ..ResolveInput::default()
        };
        let mut pending = roots.clone();
        let exists = brute_force(&reg, &mut pending, &mut BTreeMap::new());
        let got = resolve(&input, &mut reg);
        match (&got, exists) {
            (Ok(res), true) => {
                solved += 1;
                if let Err(e) = check_valid(&reg, res, &roots) {
                    panic!(
                        "case {case}: invalid resolve: {e}\n{:#?}\n{roots:#?}",
                        reg.pkgs
                    );
                }
                relock(&reg, &input, res, case);
                if let Some(expected) = greedy(&reg, &roots) {
                    maximal += 1;
                    assert_eq!(
                        names(res),
                        expected,
                        "case {case}: not the highest versions"
                    );
                }
            }
            (Err(ResolveError::NoSolution(n)), false) => {
                unsolved += 1;
                assert!(!n.cargo_message.is_empty() && !n.derivation.is_empty());
            }
            (Ok(_), false) => panic!(
                "case {case}: resolved what has no solution\n{:#?}\n{roots:#?}",
                reg.pkgs
            ),
            (Err(e), _) => panic!("case {case}: {e}\n{:#?}\n{roots:#?}", reg.pkgs),
        }
    }
    // The generator must exercise both outcomes.
    assert!(
        solved > 500 && unsolved > 100 && maximal > 300,
        "{solved} {unsolved} {maximal}"
    );
}

#[test]
fn versions_parse() {
    for v in VERSIONS {
        Version::parse(v).unwrap();
    }
}
