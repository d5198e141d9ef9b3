//! cargo's cycle check for a workspace of path packages: no package may
//! depend on itself through normal and build dependencies.

use std::collections::BTreeSet;

use anyhow::bail;
use mycargo_core::DepKind;

use super::packages::Packages;

/// Fail with cargo's `cyclic package dependency` error when the packages
/// `reached` (per package, the ones its active dependencies point at) hold
/// a cycle. Iterative: a deep or cyclic graph never grows the stack.
pub(crate) fn check(pkgs: &Packages, reached: &[Option<BTreeSet<usize>>]) -> anyhow::Result<()> {
    let n = pkgs.manifests.len();
    // (dependency index, package) of each non-dev edge that is active.
    let edges: Vec<Vec<(usize, usize)>> = (0..n)
        .map(|i| {
            let Some(on) = reached.get(i).and_then(|r| r.as_ref()) else {
                return Vec::new();
            };
            let mut es: Vec<(usize, usize)> = pkgs.edges[i]
                .iter()
                .copied()
                .filter(|(di, to)| {
                    on.contains(to)
                        && pkgs.manifests[i].dependencies[*di].kind() != DepKind::Development
                })
                .collect();
            es.sort_by(|a, b| by_id(pkgs, a.1, b.1));
            es
        })
        .collect();
    // cargo walks packages in id order and names the first one met again.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| by_id(pkgs, *a, *b));
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; n];
    for start in order {
        if marks[start] != Mark::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::Open;
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            let Some(&(_, to)) = edges[i].get(*next) else {
                marks[i] = Mark::Done;
                stack.pop();
                continue;
            };
            *next += 1;
            match marks[to] {
                Mark::Done => {}
                Mark::New => {
                    marks[to] = Mark::Open;
                    stack.push((to, 0));
                }
                Mark::Open => {
                    let from = stack.iter().position(|(p, _)| *p == to).unwrap_or(0);
                    let cycle: Vec<usize> = stack[from..].iter().map(|(p, _)| *p).collect();
                    bail!("{}", message(pkgs, &cycle));
                }
            }
        }
    }
    Ok(())
}

fn by_id(pkgs: &Packages, a: usize, b: usize) -> std::cmp::Ordering {
    pkgs.manifests[a]
        .package_id
        .cmp(&pkgs.manifests[b].package_id)
}

/// `cycle[i]` depends on `cycle[i + 1]`, the last on the first.
fn message(pkgs: &Packages, cycle: &[usize]) -> String {
    let id = |i: usize| pkgs.manifests[i].package_id.to_string();
    let dep_name = |from: usize, to: usize| {
        pkgs.edges[from]
            .iter()
            .find(|(_, t)| *t == to)
            .map(|(di, _)| {
                pkgs.manifests[from].dependencies[*di]
                    .package_name()
                    .to_string()
            })
            .unwrap_or_default()
    };
    let first = cycle[0];
    let mut text = format!(
        "cyclic package dependency: package `{}` depends on itself. Cycle:\npackage `{}`",
        id(first),
        id(first)
    );
    let mut to = first;
    for &from in cycle.iter().rev() {
        text.push_str(&format!(
            "\n    ... which satisfies path dependency `{}` of package `{}`",
            dep_name(from, to),
            id(from)
        ));
        to = from;
    }
    text
}
