//! Resolution errors: cargo's own wording first, then a derivation a
//! person can follow and a hint.

use std::fmt;

use mycargo_core::{Dependency, PackageId, VersionRequirement};

use super::RegistryError;
use super::engine::{Lock, Queryer};
use super::summary::{FeatureProblem, Summary};
use super::{Resolve, ResolvedDep};

/// Why the resolver stopped.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// No set of versions satisfies every requirement.
    #[error("{0}")]
    NoSolution(Box<NoSolution>),
    /// The registry could not answer.
    #[error("{message}")]
    Registry {
        message: String,
        /// The package whose dependency was being looked up, when known,
        /// with its way up to a root (cargo's `describe_path`).
        parent: Option<Box<(PackageId, String)>>,
        #[source]
        source: RegistryError,
    },
    /// A workspace member was asked for a feature it lacks.
    #[error("{0}")]
    Features(String),
    /// `cyclic package dependency: ...`
    #[error("{0}")]
    Cycle(String),
    #[error("internal resolver error: {0}")]
    Internal(String),
}

/// A failed resolution, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSolution {
    /// What cargo 1.95 prints for the conflict it hits (the last one the
    /// search met), word for word.
    pub cargo_message: String,
    /// The reasoning, one numbered step a line, the last step the
    /// conclusion.
    pub derivation: Vec<String>,
    /// What to try.
    pub hint: Option<String>,
}

impl fmt::Display for NoSolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cargo_message)?;
        if !self.derivation.is_empty() {
            f.write_str("\n\nwhy no versions fit:")?;
            for line in &self.derivation {
                write!(f, "\n  {line}")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// A package, then who required it with which dependency, up to a root.
pub(crate) type Path = Vec<(PackageId, Option<Dependency>)>;

/// Why one candidate was passed over.
#[derive(Debug, Clone)]
pub(crate) enum Reason {
    /// Another version holds its semver-compatible range.
    Semver {
        other: PackageId,
        other_path: Path,
    },
    Links {
        links: String,
        other: PackageId,
        other_path: Path,
    },
    Feature(FeatureProblem),
}

/// A dependency none of whose candidates worked.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub parent_path: Path,
    pub parent: Option<PackageId>,
    pub dep: Option<Dependency>,
    pub lock: Option<Lock>,
    pub candidates: Vec<PackageId>,
    pub rejects: Vec<(PackageId, Reason)>,
    /// The packages whose choice made this fail (the parent among them).
    pub together: Vec<PackageId>,
}

/// cargo's description of how a package came into the graph: `package
/// `bar v1.0.0`` then, per step up, `... which satisfies dependency `bar =
/// "^1"` of package `foo v0.1.0 (..)``. `path[0]` is the package itself;
/// each later entry has the dependency through which it pulled in the one
/// before.
pub fn describe_path(path: &[(PackageId, Option<Dependency>)]) -> String {
    let mut out = String::new();
    let Some((first, _)) = path.first() else {
        return out;
    };
    out.push_str(&format!("package `{first}`"));
    for (pkg, dep) in path.iter().skip(1) {
        let Some(dep) = dep else { continue };
        let kind = if dep.source_id().is_path() {
            "path "
        } else if dep.source_id().is_git() {
            "git "
        } else {
            ""
        };
        let req = if kind.is_empty() {
            format!("{} = \"{}\"", dep.name_in_toml(), dep.version_req())
        } else {
            dep.name_in_toml().to_string()
        };
        out.push_str(&format!(
            "\n    ... which satisfies {kind}dependency `{req}` of package `{pkg}`"
        ));
    }
    out
}

fn dep_text(dep: &Dependency) -> String {
    format!("`{} = \"{}\"`", dep.package_name(), dep.version_req())
}

fn range_text(v: &semver::Version) -> String {
    if v.major > 0 {
        format!("{}.x", v.major)
    } else if v.minor > 0 {
        format!("0.{}.x", v.minor)
    } else {
        format!("0.0.{}", v.patch)
    }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn closest<'a>(word: &str, choices: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let max = (word.chars().count() / 3).max(1);
    choices
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

pub(crate) fn no_solution(failure: Failure, q: &mut Queryer<'_>) -> ResolveError {
    let (cargo_message, hint) = match &failure.dep {
        Some(dep) => cargo_lines(&failure, dep, q),
        None => ("failed to resolve the workspace".to_string(), None),
    };
    let mut derivation = Vec::new();
    explain(&failure, true, &mut derivation);
    ResolveError::NoSolution(Box::new(NoSolution {
        cargo_message,
        derivation,
        hint,
    }))
}

/// cargo's `activation_error`, and a hint for the same conflict.
fn cargo_lines(leaf: &Failure, dep: &Dependency, q: &mut Queryer<'_>) -> (String, Option<String>) {
    let name = dep.package_name();
    let required_by = describe_path(&leaf.parent_path);
    let parent_name = leaf.parent.as_ref().map_or("", |p| p.name());
    if leaf.candidates.is_empty() {
        let locked = leaf
            .lock
            .as_ref()
            .map(|l| format!(" (locked to {})", l.version()))
            .unwrap_or_default();
        let mut any = dep.clone();
        any.set_version_req(VersionRequirement::any());
        let all: Vec<std::rc::Rc<Summary>> = q
            .query(&any)
            .map(|v| v.as_ref().clone())
            .unwrap_or_default();
        let mut yanked: Vec<&Summary> = all
            .iter()
            .map(|s| s.as_ref())
            .filter(|s| {
                s.is_yanked()
                    && !q.is_whitelisted(s.package_id())
                    && dep.version_req().matches(s.version())
            })
            .collect();
        yanked.sort_by(|a, b| a.version().cmp(b.version()));
        let mut others: Vec<&Summary> = all
            .iter()
            .map(|s| s.as_ref())
            .filter(|s| !s.is_yanked() || q.is_whitelisted(s.package_id()))
            .collect();
        others.sort_by(|a, b| b.version().cmp(a.version()));
        let mut msg = String::new();
        let mut extra = String::new();
        let hint;
        let rejected = q.rejected_versions(dep);
        if yanked.is_empty() && !rejected.is_empty() {
            msg.push_str(&format!(
                "failed to select a version for the requirement `{name} = \"{}\"`{locked}\n",
                dep.version_req()
            ));
            for (v, why) in &rejected {
                msg.push_str(&format!("  version {v}{why}\n"));
            }
            hint = Some(format!(
                "the versions of `{name}` that match `{}` need a newer Cargo, or their index entries are broken",
                dep.version_req()
            ));
        } else if !yanked.is_empty() {
            msg.push_str(&format!(
                "failed to select a version for the requirement `{name} = \"{}\"`{locked}\n",
                dep.version_req()
            ));
            for s in &yanked {
                msg.push_str(&format!("  version {} is yanked\n", s.version()));
            }
            hint = Some(format!(
                "every version of `{name}` matching `{}` is yanked, and yanked versions are only used when Cargo.lock already has them; require a version that is not yanked",
                dep.version_req()
            ));
        } else if !others.is_empty() {
            let mut versions: Vec<String> = others
                .iter()
                .take(3)
                .map(|s| s.version().to_string())
                .collect();
            if others.len() > 3 {
                versions.push("...".to_string());
            }
            msg.push_str(&format!(
                "failed to select a version for the requirement `{name} = \"{}\"`{locked}\n",
                dep.version_req()
            ));
            msg.push_str(&format!(
                "candidate versions found which didn't match: {}\n",
                versions.join(", ")
            ));
            let pre = others.iter().find(|s| !s.version().pre.is_empty());
            if let Some(pre) = pre {
                extra.push_str(&format!(
                    "\nif you are looking for the prerelease package it needs to be specified explicitly\n    {} = {{ version = \"{}\" }}",
                    pre.name(),
                    pre.version()
                ));
            }
            if dep.source_id().is_path() && leaf.lock.is_some() {
                extra.push_str("\nconsider running `cargo update` to update a path dependency's locked version");
            }
            if q.is_replaced(dep.source_id()) {
                extra.push_str("\nperhaps a crate was updated and forgotten to be re-vendored?");
            }
            hint = Some(match (&leaf.lock, pre) {
                (Some(l), _) => format!(
                    "Cargo.lock pins `{name}` to {}, which is no longer available; run `cargo update -p {name}` to let it move",
                    l.version()
                ),
                (None, Some(pre)) if dep.version_req().matches(pre.version()) => format!(
                    "`{name}` has no release matching `{}` yet",
                    dep.version_req()
                ),
                (None, Some(pre)) => format!(
                    "no release of `{name}` matches `{}` (the newest is {}); pre-releases such as {} are chosen only when the requirement names one",
                    dep.version_req(),
                    others
                        .first()
                        .map_or(String::new(), |s| s.version().to_string()),
                    pre.version()
                ),
                (None, None) => format!(
                    "no version of `{name}` matches `{}`; change the requirement in `{parent_name}` (the newest version is {})",
                    dep.version_req(),
                    others
                        .first()
                        .map_or(String::new(), |s| s.version().to_string())
                ),
            });
        } else {
            let similar = q.similar_names(dep);
            if similar.is_empty() {
                msg.push_str(&format!("no matching package named `{name}` found\n"));
            } else {
                let mut shown: Vec<&str> = similar.iter().take(3).map(String::as_str).collect();
                if similar.len() > 3 {
                    shown.push("...");
                }
                msg.push_str(&format!(
                    "no matching package found\nsearched package name: `{name}`\nperhaps you meant:      {}\n",
                    shown.join(" or ")
                ));
            }
            hint = Some(match q.packages_in_source(dep) {
                // A git repository: what it has instead.
                Some(mut names) => {
                    names.sort();
                    names.dedup();
                    const MAX: usize = 10;
                    let mut list = names
                        .iter()
                        .take(MAX)
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    if names.len() > MAX {
                        list.push_str(&format!(" and {} more", names.len() - MAX));
                    }
                    let has = match names.len() {
                        0 => "no packages".to_string(),
                        1 => format!("one package: {list}"),
                        n => format!("{n} packages: {list}"),
                    };
                    format!(
                        "check the spelling of `{name}` in `{parent_name}`; {} has {has}",
                        q.describe_source(dep.source_id())
                    )
                }
                None => format!(
                    "check the spelling of `{name}` in `{parent_name}`, and that it is published in {}",
                    q.describe_source(dep.source_id())
                ),
            });
        }
        msg.push_str(&format!(
            "location searched: {}\nrequired by {required_by}",
            q.describe_source(dep.source_id())
        ));
        msg.push_str(&extra);
        return (msg, hint);
    }

    let locked = leaf
        .lock
        .as_ref()
        .map(|l| format!("(locked to {}) ", l.version()))
        .unwrap_or_default();
    let versions: Vec<String> = leaf
        .candidates
        .iter()
        .map(|c| c.version().to_string())
        .collect();
    let mut msg = format!(
        "failed to select a version for `{name}`.\n    ... required by {required_by}\nversions that meet the requirements `{}` {locked}are: {}",
        dep.version_req(),
        versions.join(", ")
    );
    let mut semver: Vec<(&PackageId, &Path)> = Vec::new();
    let mut features_seen: Vec<&str> = Vec::new();
    let mut hint = None;
    for (cand, reason) in &leaf.rejects {
        match reason {
            Reason::Semver { other, other_path } => {
                if !semver.iter().any(|(o, _)| *o == other) {
                    semver.push((other, other_path));
                }
                if hint.is_none() {
                    let theirs = other_path
                        .get(1)
                        .and_then(|(p, d)| d.as_ref().map(|d| (p, d)));
                    hint = Some(match theirs {
                        Some((p, d)) => format!(
                            "`{parent_name}` requires {} and `{}` requires {}, and one version of `{name}` {} must satisfy both; relax one of the two requirements, or change the version of the package that makes it",
                            dep_text(dep),
                            p.name(),
                            dep_text(d),
                            range_text(other.version())
                        ),
                        None => format!(
                            "{} cannot be met by `{other}`, which the workspace already uses; relax the requirement",
                            dep_text(dep)
                        ),
                    });
                }
            }
            Reason::Links {
                links,
                other: _,
                other_path,
            } => {
                msg.push_str(&format!(
                    "\n\npackage `{name}` links to the native library `{links}`, but it conflicts with a previous package which links to `{links}` as well:\n{}\nOnly one package in the dependency graph may specify the same links value. This helps ensure that only one copy of a native library is linked in the final binary. Try to adjust your dependencies so that only one package uses the `links = \"{links}\"` value. For more information, see https://doc.rust-lang.org/cargo/reference/resolver.html#links.",
                    describe_path(other_path)
                ));
                hint.get_or_insert_with(|| {
                    format!(
                        "only one package may set `links = \"{links}\"`; `{cand}` and {} both do, so make the graph use a single one of them",
                        other_path.first().map_or(String::new(), |(p, _)| format!("`{p}`"))
                    )
                });
            }
            Reason::Feature(p) => {
                let feat = p.feature();
                if features_seen.contains(&feat) {
                    continue;
                }
                features_seen.push(feat);
                msg.push_str(&format!(
                    "\n\npackage `{parent_name}` depends on `{name}` with feature `{feat}` but `{name}` does not have that feature.\n"
                ));
                match p {
                    FeatureProblem::Missing(_) => {}
                    FeatureProblem::RequiredDependency(_) => msg.push_str(
                        " A required dependency with that name exists, but only optional dependencies can be used as features.\n",
                    ),
                    FeatureProblem::NonImplicitDependency(_) => msg.push_str(
                        " An optional dependency with that name exists, but that dependency uses the \"dep:\" syntax in the features table, so it does not have an implicit feature with that name.\n",
                    ),
                }
                let lowest = q_features(leaf, q, dep);
                if let Some(close) = closest(feat, lowest.iter()) {
                    msg.push_str(&format!(" package `{name}` does have feature `{close}`\n"));
                }
                hint.get_or_insert_with(|| {
                    format!(
                        "`{parent_name}` asks `{name}` for the feature `{feat}`, which no matching version has; remove it from the dependency's `features`, or require a version of `{name}` that has it"
                    )
                });
            }
        }
    }
    if !semver.is_empty() {
        // cargo lists them newest first.
        semver.sort_by(|a, b| b.0.cmp(a.0));
        msg.push_str("\n\nall possible versions conflict with previously selected packages.");
        for (_, path) in &semver {
            msg.push_str(&format!(
                "\n\n  previously selected {}",
                describe_path(path)
            ));
        }
    }
    msg.push_str(&format!(
        "\n\nfailed to select a version for `{name}` which could resolve this conflict"
    ));
    (msg, hint)
}

/// The feature names of the lowest candidate (cargo's "does have").
fn q_features(leaf: &Failure, q: &mut Queryer<'_>, dep: &Dependency) -> Vec<String> {
    let Some(lowest) = leaf.candidates.last() else {
        return Vec::new();
    };
    let mut any = dep.clone();
    any.set_version_req(VersionRequirement::any());
    q.query(&any)
        .ok()
        .and_then(|all| {
            all.iter()
                .find(|s| s.package_id() == lowest)
                .map(|s| s.features().keys().cloned().collect())
        })
        .unwrap_or_default()
}

fn list(ids: &[&PackageId]) -> String {
    let parts: Vec<String> = ids.iter().map(|p| format!("`{p}`")).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

/// Number the steps, children first; returns this failure's step number.
fn explain(f: &Failure, top: bool, out: &mut Vec<String>) -> usize {
    let mut parts = Vec::new();
    let mut single_semver: Option<(&PackageId, &Path)> = None;
    let mut all_same_semver = !f.rejects.is_empty();
    for (cand, reason) in &f.rejects {
        match reason {
            Reason::Semver { other, other_path } => {
                let by = match other_path.get(1) {
                    Some((p, Some(d))) => {
                        format!(", chosen for `{p}` which depends on {}", dep_text(d))
                    }
                    _ => String::new(),
                };
                parts.push(format!(
                    "`{cand}` cannot sit next to `{other}` in the range {}{by}",
                    range_text(other.version())
                ));
                match single_semver {
                    None => single_semver = Some((other, other_path)),
                    Some((o, _)) if o == other => {}
                    Some(_) => all_same_semver = false,
                }
            }
            Reason::Links { links, other, .. } => {
                parts.push(format!(
                    "`{cand}` links the native library `{links}`, as `{other}` already does"
                ));
                all_same_semver = false;
            }
            Reason::Feature(p) => {
                let extra = match p {
                    FeatureProblem::Missing(_) => "",
                    FeatureProblem::RequiredDependency(_) => {
                        " (a required dependency has that name; only optional ones are features)"
                    }
                    FeatureProblem::NonImplicitDependency(_) => {
                        " (an optional dependency has that name, but it is only enabled with `dep:`)"
                    }
                };
                parts.push(format!("`{cand}` has no feature `{}`{extra}", p.feature()));
                all_same_semver = false;
            }
        }
    }
    let n = out.len() + 1;
    let parent = f
        .parent
        .as_ref()
        .map_or_else(|| "the workspace".to_string(), |p| format!("`{p}`"));
    let dep = f.dep.as_ref().map_or_else(String::new, dep_text);
    let locked = f
        .lock
        .as_ref()
        .map(|l| format!(" (locked to {} by Cargo.lock)", l.version()))
        .unwrap_or_default();
    let others: Vec<&PackageId> = f
        .together
        .iter()
        .filter(|p| Some(*p) != f.parent.as_ref())
        .collect();
    let mut sentence = format!("({n}) because {parent} depends on {dep}{locked}");
    match (single_semver, all_same_semver) {
        (Some((other, path)), true) => {
            let their = match path.get(1) {
                Some((p, Some(d))) => {
                    format!(" and `{p}` depends on {} (`{other}` chosen)", dep_text(d))
                }
                _ => format!(" and `{other}` is already used"),
            };
            sentence.push_str(&format!(
                "{their}, while one version of `{}` {} must serve both",
                other.name(),
                range_text(other.version())
            ));
        }
        _ if f.candidates.is_empty() => {
            sentence.push_str(" and no version matches it");
        }
        _ => {
            let versions: Vec<String> = f
                .candidates
                .iter()
                .map(|c| c.version().to_string())
                .collect();
            sentence.push_str(&format!(
                " (matching {}) and {}",
                versions.join(", "),
                parts.join("; ")
            ));
        }
    }
    if top && others.is_empty() {
        sentence.push_str(", the requirements of the workspace cannot all be met.");
    } else if top {
        let mut all = Vec::new();
        if let Some(p) = &f.parent {
            all.push(p);
        }
        all.extend(others.iter().copied());
        sentence.push_str(&format!(
            ", {} cannot be used together, and the requirements of the workspace cannot all be met.",
            list(&all)
        ));
    } else if others.is_empty() {
        sentence.push_str(&format!(", {parent} cannot be used."));
    } else {
        let mut all = Vec::new();
        if let Some(p) = &f.parent {
            all.push(p);
        }
        all.extend(others.iter().copied());
        sentence.push_str(&format!(", {} cannot be used together.", list(&all)));
    }
    out.push(sentence);
    n
}

/// cargo's messages for a member asked for a feature it lacks.
pub(crate) fn root_feature_message(summary: &Summary, p: &FeatureProblem) -> String {
    let id = summary.package_id();
    match p {
        FeatureProblem::Missing(f) => format!("Package `{id}` does not have the feature `{f}`"),
        FeatureProblem::RequiredDependency(f) => format!(
            "Package `{id}` does not have feature `{f}`. It has a required dependency with that name, but only optional dependencies can be used as features."
        ),
        FeatureProblem::NonImplicitDependency(f) => format!(
            "Package `{id}` does not have feature `{f}`. It has an optional dependency with that name, but that dependency uses the \"dep:\" syntax in the features table, so it does not have an implicit feature with that name."
        ),
    }
}

/// cargo's `check_cycles` message; `cycle[i]` depends on `cycle[i + 1]`,
/// and the last on the first.
pub(crate) fn cycle_message(resolve: &Resolve, cycle: &[&PackageId]) -> String {
    let Some(first) = cycle.first() else {
        return "cyclic package dependency".to_string();
    };
    let edge = |from: &PackageId, to: &PackageId| -> Option<Dependency> {
        resolve.get(from).and_then(|p| {
            p.deps
                .iter()
                .find(|d: &&ResolvedDep| &d.package == to)
                .map(|d| d.dep.clone())
        })
    };
    let mut path: Path = vec![((*first).clone(), None)];
    let mut to: &PackageId = first;
    for from in cycle.iter().rev() {
        path.push(((*from).clone(), edge(from, to)));
        to = from;
    }
    format!(
        "cyclic package dependency: package `{first}` depends on itself. Cycle:\n{}",
        describe_path(&path)
    )
}
