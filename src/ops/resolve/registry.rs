//! The resolver's view of every source: path packages from their
//! manifests, registry packages from the (prefetched) index, after source
//! replacement.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use mycargo_core::{DepKind, Dependency, PackageId, SourceId, SourceKind};
use mycargo_resolver::version::{Registry, RegistryError, Summary, describe_path};
use mycargo_sources::index::IndexLines;
use mycargo_sources::index::summary::{IndexSummary, SummaryStatus};
use mycargo_sources::source_map::SourceMap;
use mycargo_sources::sparse::IndexQueryFailed;
use semver::Version;

use super::summaries;
use crate::ops::compile::packages::Packages;

/// Index files of remote registries, fetched in parallel batches.
pub trait RemoteIndex {
    /// Load the index files of `names` from `source` (a replacement, the
    /// source actually contacted). A name the registry does not have loads
    /// as no versions.
    fn load(&mut self, source: &SourceId, names: &BTreeSet<String>) -> anyhow::Result<()>;
    /// The loaded lines of `name` (empty when not loaded or unknown).
    fn versions(&self, source: &SourceId, name: &str) -> Arc<IndexLines>;
    /// Read `names` from the on-disk index cache only (no network).
    fn load_cached(&mut self, _source: &SourceId, _names: &BTreeSet<String>) -> anyhow::Result<()> {
        Ok(())
    }
    /// Every package name `source` holds, for sources that can list them
    /// (directory sources); empty for the others.
    fn all_names(&mut self, _source: &SourceId) -> Vec<String> {
        Vec::new()
    }
    /// What [`RemoteIndex::load_cached`] found for `name`.
    fn cached_versions(&self, _source: &SourceId, _name: &str) -> Arc<IndexLines> {
        Arc::default()
    }
    /// Offline only: whether `name`-`version` of `source` is in the
    /// download cache (`None` online, and for sources kept on disk).
    fn offline_downloaded(
        &mut self,
        _source: &SourceId,
        _name: &str,
        _version: &Version,
    ) -> Option<bool> {
        None
    }
}

/// Where [`WsRegistry::walk`] reads index files from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The on-disk cache: a guess of the names a resolve needs.
    Cache,
    /// The registry (revalidating the cache).
    Network,
}

pub struct WsRegistry<'a> {
    pub path: &'a Packages,
    pub git: &'a super::git::GitPackages,
    pub map: &'a SourceMap,
    pub index: &'a mut dyn RemoteIndex,
    /// `update --precise` requests.
    pub precise: Vec<Precise>,
    /// Yanked versions chosen through `precise` (for cargo's warning).
    pub precise_yanked: BTreeSet<(String, Version)>,
    /// `[replace]`: the packages a spec matches answer with the
    /// replacement's dependencies and features (keeping their own id and
    /// checksum, as cargo's lock file does).
    pub replace: Vec<(mycargo_core::PackageIdSpec, Summary)>,
    /// `[replace]` specs whose git repository is not fetched yet: a
    /// package one matches stops the resolve ([`super::replace::NeedReplacement`]).
    pub pending_replace: Vec<mycargo_core::PackageIdSpec>,
    /// The lock file's versions, by (source contacted, name): the prefetch
    /// follows only these where they answer the requirement, so a lock that
    /// pins everything reads the index files of its own packages and no
    /// others (as cargo's resolver queries only what it tries).
    pub locked: HashMap<(SourceId, String), Vec<Version>>,
    /// `generate-lockfile --publish-time`: versions published later (or
    /// with a `pubtime` that does not parse) are not chosen.
    pub publish_time: Option<String>,
}

/// `update -p NAME --precise TO`: the dependencies on `name` in `source`
/// whose requirement the locked version `from` meets are offered `to`
/// only (yanked or not).
#[derive(Debug, Clone)]
pub struct Precise {
    pub name: String,
    pub source: SourceId,
    pub from: Version,
    pub to: Version,
}

impl Precise {
    /// cargo's precise match: equal but for build metadata, which counts
    /// only when `to` has some.
    fn offers(&self, v: &Version) -> bool {
        let to = &self.to;
        (to.major, to.minor, to.patch, &to.pre) == (v.major, v.minor, v.patch, &v.pre)
            && (to.build.is_empty() || to.build == v.build)
    }
}

impl<'a> WsRegistry<'a> {
    pub fn new(
        path: &'a Packages,
        git: &'a super::git::GitPackages,
        map: &'a SourceMap,
        index: &'a mut dyn RemoteIndex,
    ) -> Self {
        WsRegistry {
            path,
            git,
            map,
            index,
            precise: Vec::new(),
            precise_yanked: BTreeSet::new(),
            replace: Vec::new(),
            pending_replace: Vec::new(),
            locked: HashMap::new(),
            publish_time: None,
        }
    }

    /// Why `--publish-time` rules `line` out, in cargo's words, if it does.
    fn too_late(&self, line: &IndexSummary) -> Option<&'static str> {
        let cutoff = self.publish_time.as_deref()?;
        let t = line.pubtime.as_deref()?;
        if !crate::ops::generate_lockfile::is_rfc3339_utc(t) {
            Some("'s index entry is invalid")
        } else if t > cutoff {
            Some(" is unavailable")
        } else {
            None
        }
    }

    /// Fetch, a breadth at a time, the index files the resolve will ask
    /// for: the path packages' registry dependencies and, for the versions
    /// their requirements match, those versions' dependencies.
    pub fn prefetch(&mut self) -> anyhow::Result<()> {
        let mut roots: Vec<Dependency> = Vec::new();
        let mut parents: Vec<&mycargo_core::PackageId> = Vec::new();
        let git = self.git.all().map(|m| (m, false));
        let path = self
            .path
            .manifests
            .iter()
            .zip(self.path.members.iter().copied());
        for (m, member) in path.chain(git) {
            for d in &m.dependencies {
                let dev_ok = member || d.kind() != DepKind::Development;
                if d.source_id().is_registry() && dev_ok {
                    roots.push(d.clone());
                    parents.push(&m.package_id);
                }
            }
        }
        // A warm cache knows most of the graph already: walk it first and
        // revalidate every name it leads to in one parallel wave, instead
        // of one round trip per level of the graph.
        let firsts = FirstUse {
            map: self.map,
            roots: &roots,
            parents: &parents,
        };
        let (guessed, askers) = self.walk(roots.clone(), Reach::Cache, &firsts)?;
        for (source, names) in &guessed {
            if let Err(e) = self.index.load(source, names) {
                return Err(askers.explain(firsts.explain(e, source), source));
            }
        }
        self.walk(roots.clone(), Reach::Network, &firsts)?;
        Ok(())
    }

    /// Breadth-first over the registry dependencies from `roots`, reading
    /// each level's index files in one batch (from `reach`), following the
    /// versions the requirements seen match. The names read, by source.
    fn walk(
        &mut self,
        mut wanted: Vec<Dependency>,
        reach: Reach,
        firsts: &FirstUse<'_>,
    ) -> anyhow::Result<(BTreeMap<SourceId, BTreeSet<String>>, Askers)> {
        let mut reqs: BTreeMap<(SourceId, String), Vec<Dependency>> = BTreeMap::new();
        let mut askers = Askers::default();
        for (d, parent) in firsts.roots.iter().zip(firsts.parents) {
            let real = self.map.replacement(d.source_id())?;
            askers.root((real, d.package_name().to_string()), d, parent);
        }
        let mut loaded: BTreeSet<(SourceId, String)> = BTreeSet::new();
        // (registry URL as the line names it, package, requirement)
        // already followed.
        let mut wanted_names: BTreeSet<(Option<String>, String, String)> = BTreeSet::new();
        while !wanted.is_empty() {
            let mut batch: BTreeMap<SourceId, BTreeSet<String>> = BTreeMap::new();
            for d in wanted.drain(..) {
                let real = self.map.replacement(d.source_id())?;
                let key = (real.clone(), d.package_name().to_string());
                reqs.entry(key.clone()).or_default().push(d.clone());
                if !loaded.contains(&key) {
                    batch.entry(real).or_default().insert(key.1.clone());
                }
            }
            for (source, names) in &batch {
                match reach {
                    Reach::Cache => self.index.load_cached(source, names)?,
                    Reach::Network => self
                        .index
                        .load(source, names)
                        .map_err(|e| firsts.explain(e, source))
                        .map_err(|e| askers.explain(e, source))?,
                }
                for name in names {
                    loaded.insert((source.clone(), name.clone()));
                }
            }
            for (source, names) in batch {
                for name in names {
                    let key = (source.clone(), name.clone());
                    let asks = reqs.get(&key).cloned().unwrap_or_default();
                    let lines = match reach {
                        Reach::Cache => self.index.cached_versions(&source, &name),
                        Reach::Network => self.index.versions(&source, &name),
                    };
                    // The dependencies of the matching versions, read from
                    // the index lines as they are (a walk, not a resolve:
                    // dev-dependencies of registry packages are never used).
                    let this = asks[0].source_id().clone();
                    // Newest first, as the resolver tries them.
                    let locked = self.locked.get(&key).map(Vec::as_slice);
                    let asked = |v: &Version| asks.iter().any(|d| d.version_req().matches(v));
                    let mut matching: Vec<(&IndexSummary, &Dependency)> =
                        locked_or_matching(&lines, locked, asked)
                            .into_iter()
                            .filter_map(|l| {
                                let ask =
                                    asks.iter().find(|d| d.version_req().matches(&l.version))?;
                                Some((l, ask))
                            })
                            .collect();
                    matching.sort_by(|a, b| b.0.version.cmp(&a.0.version));
                    for (line, ask) in matching {
                        let line_id =
                            PackageId::new(&line.name, line.version.clone(), this.clone());
                        // A locked version's dependencies that no locked
                        // version meets are optional ones left off: cargo
                        // never asks for them (the resolve loads one on
                        // demand should a feature now want it).
                        let pinned = locked.is_some_and(|l| l.contains(&line.version));
                        for d in line.deps.iter().filter(|d| d.kind != DepKind::Development) {
                            let Ok(dep) = d.to_dependency(&this) else {
                                continue;
                            };
                            let real = self.map.replacement(dep.source_id())?;
                            let dep_key = (real, dep.package_name().to_string());
                            let in_lock = self
                                .locked
                                .get(&dep_key)
                                .is_some_and(|vs| vs.iter().any(|v| dep.version_req().matches(v)));
                            if pinned && !in_lock {
                                continue;
                            }
                            let seen = (
                                d.registry.clone(),
                                d.package_name().to_string(),
                                d.req.clone(),
                            );
                            if !wanted_names.insert(seen) {
                                continue;
                            }
                            askers.through(dep_key.clone(), &dep, &line_id, &key, ask);
                            if !loaded.contains(&dep_key) {
                                wanted.push(dep);
                            }
                        }
                    }
                }
            }
        }
        let mut out: BTreeMap<SourceId, BTreeSet<String>> = BTreeMap::new();
        for (source, name) in loaded {
            out.entry(source).or_default().insert(name);
        }
        Ok((out, askers))
    }
}

/// The available lines of the versions `asked` accepts; when some of those
/// are `locked` versions, those alone, as cargo answers a locked
/// requirement (`=` the locked version). Other lines stay unparsed.
fn locked_or_matching<'l>(
    lines: &'l IndexLines,
    locked: Option<&'l [Version]>,
    asked: impl Fn(&Version) -> bool + Copy + 'l,
) -> Vec<&'l IndexSummary> {
    let is_locked = move |v: &Version| locked.is_some_and(|l| l.contains(v));
    let pinned: Vec<&IndexSummary> = lines
        .matching(move |v| asked(v) && is_locked(v))
        .filter(|l| l.is_available())
        .collect();
    if !pinned.is_empty() {
        return pinned;
    }
    lines.matching(asked).filter(|l| l.is_available()).collect()
}

/// The other spellings cargo tries for a package name a registry lacks:
/// lower case, with every `_` as `-`, and every `-` as `_`.
fn spellings(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut out = vec![
        lower.clone(),
        lower.replace('_', "-"),
        lower.replace('-', "_"),
    ];
    out.sort();
    out.dedup();
    out
}

/// Who first asked for each index file of a walk, as cargo's resolver
/// names them when a query fails: the package whose dependency it is and
/// the chain of dependencies that brought that package in (see
/// [`describe_path`]).
#[derive(Default)]
struct Askers {
    paths: HashMap<(SourceId, String), Asker>,
}

/// The first dependency on an index file, and how its package came in.
struct Asker {
    dep: Dependency,
    path: Vec<(PackageId, Option<Dependency>)>,
}

impl Askers {
    /// `key` is `dep` of the workspace package `parent`.
    fn root(&mut self, key: (SourceId, String), dep: &Dependency, parent: &PackageId) {
        self.paths.entry(key).or_insert_with(|| Asker {
            dep: dep.clone(),
            path: vec![(parent.clone(), None)],
        });
    }

    /// `key` is `dep` of `line`, a version of `via` that satisfies `ask`.
    /// The first asker is kept.
    fn through(
        &mut self,
        key: (SourceId, String),
        dep: &Dependency,
        line: &PackageId,
        via: &(SourceId, String),
        ask: &Dependency,
    ) {
        if self.paths.contains_key(&key) {
            return;
        }
        let Some(up) = self.paths.get(via) else {
            return;
        };
        let mut path = vec![(line.clone(), None)];
        path.extend(up.path.iter().cloned());
        path[1].1 = Some(ask.clone());
        let dep = dep.clone();
        self.paths.insert(key, Asker { dep, path });
    }

    /// cargo's frame around a failed index query of `source`: whose
    /// dependency it was, and (for a replaced source) which source it
    /// stands for.
    fn explain(&self, e: anyhow::Error, source: &SourceId) -> anyhow::Error {
        let Some(failed) = e.downcast_ref::<IndexQueryFailed>() else {
            return e;
        };
        let Some(Asker { dep, path }) = self.paths.get(&(source.clone(), failed.name.clone()))
        else {
            return e;
        };
        let e = if dep.source_id() == source {
            e
        } else {
            e.context(format!(
                "failed to query replaced source registry `{}`",
                dep.source_id().display_registry_name()
            ))
        };
        e.context(format!(
            "failed to get `{}` as a dependency of {}",
            dep.package_name(),
            describe_path(path)
        ))
    }
}

/// The `[replace]` entry whose spec matches `id` (a spec without a URL
/// means crates.io, as cargo reads it).
pub fn replacement_of<'r>(
    replace: &'r [(mycargo_core::PackageIdSpec, Summary)],
    id: &mycargo_core::PackageId,
) -> Option<&'r (mycargo_core::PackageIdSpec, Summary)> {
    replace.iter().find(|(spec, _)| {
        spec.matches(id) && (spec.url().is_some() || id.source_id().is_crates_io())
    })
}

/// A `[replace]` spec as cargo names it in errors: with the URL of the
/// source it applied to when it names none.
fn spec_with_url(spec: &mycargo_core::PackageIdSpec, id: &mycargo_core::PackageId) -> String {
    if spec.url().is_some() {
        return spec.to_string();
    }
    let version = spec
        .partial_version()
        .map(|v| format!("@{v}"))
        .unwrap_or_default();
    format!("{}#{}{version}", id.source_id().url(), spec.name())
}

/// The workspace's own registry dependencies and who declares them: a
/// source on disk that cannot be read fails as cargo's does, in the name of
/// the first dependency that needs it.
struct FirstUse<'a> {
    map: &'a SourceMap,
    roots: &'a [Dependency],
    parents: &'a [&'a mycargo_core::PackageId],
}

impl FirstUse<'_> {
    fn explain(&self, e: anyhow::Error, source: &SourceId) -> anyhow::Error {
        if !source.is_local_registry() && !source.is_directory() {
            return e;
        }
        let first = self
            .roots
            .iter()
            .zip(self.parents)
            .find(|(d, _)| self.map.replacement(d.source_id()).ok().as_ref() == Some(source));
        let Some((d, parent)) = first else {
            return e;
        };
        let orig = d.source_id().display_registry_name();
        e.context(format!(
            "failed to update replaced source registry `{orig}`"
        ))
        .context(format!("unable to update registry `{orig}`"))
        .context(format!(
            "failed to load source for dependency `{}`",
            d.name_in_toml()
        ))
        .context(format!(
            "failed to get `{}` as a dependency of package `{parent}`",
            d.name_in_toml()
        ))
    }
}

impl WsRegistry<'_> {
    /// `s` as its `[replace]` entry makes it (unchanged when none matches),
    /// with cargo's error for a replacement of another version.
    fn with_replacement(&mut self, s: Summary) -> Result<Summary, RegistryError> {
        let id = s.package_id().clone();
        let applies = |spec: &mycargo_core::PackageIdSpec| {
            spec.matches(&id) && (spec.url().is_some() || id.source_id().is_crates_io())
        };
        // A replacement not fetched yet: the caller fetches it and asks
        // again.
        if let Some(index) = self.pending_replace.iter().position(applies) {
            return Err(Box::new(super::replace::NeedReplacement {
                index,
                id: id.clone(),
                parent: None,
            }));
        }
        let matching: Vec<&mycargo_core::PackageIdSpec> = self
            .replace
            .iter()
            .map(|(s, _)| s)
            .filter(|s| applies(s))
            .collect();
        if matching.len() > 1 {
            let list: Vec<String> = matching
                .iter()
                .map(|s| format!("  * {}", spec_with_url(s, &id)))
                .collect();
            return Err(Box::new(super::replace::ReplacementError {
                name: id.name().to_string(),
                message: format!(
                    "overlapping replacement specifications found:\n\n{}\n\nboth specifications match: {id}",
                    list.join("\n")
                ),
            }));
        }
        let Some((_, r)) = replacement_of(&self.replace, &id) else {
            return Ok(s);
        };
        // cargo asks the replacement's source for exactly this version
        // (`=` ignores build metadata, so that may still differ).
        let mut bare = r.version().clone();
        bare.build = semver::BuildMetadata::EMPTY;
        let mut wanted = id.version().clone();
        wanted.build = semver::BuildMetadata::EMPTY;
        if r.name() != id.name() || bare != wanted {
            return Err(Box::new(super::replace::ReplacementError {
                name: id.name().to_string(),
                message: format!(
                    "no matching package for override `{}#{}@{}` found\n\
                 location searched: {}\n\
                 version required: ={}",
                    id.source_id().url(),
                    id.name(),
                    id.version(),
                    r.package_id().source_id().without_precise(),
                    id.version()
                ),
            }));
        }
        if r.version() != id.version() {
            let spec = replacement_of(&self.replace, &id).map(|(s, _)| s.clone());
            let spec = spec.map(|s| spec_with_url(&s, &id)).unwrap_or_default();
            return Err(Box::new(super::replace::ReplacementError {
                name: id.name().to_string(),
                message: format!(
                    "replacement specification `{spec}` matched {} and tried to override it with {}\n\
                 avoid matching unrelated packages by being more specific",
                    id.version(),
                    r.version()
                ),
            }));
        }
        Ok(
            Summary::new(id.clone(), r.dependencies().to_vec(), r.features().clone())
                .with_links(r.links().map(str::to_string))
                .with_rust_version(r.rust_version().cloned())
                .with_yanked(s.is_yanked())
                .with_checksum(s.checksum().map(str::to_string)),
        )
    }

    /// Offline, cargo answers a query with the matching versions whose
    /// `.crate` is downloaded, and with all of them only when none is: a
    /// lock made offline then builds offline.
    fn prefer_downloaded(
        &mut self,
        dep: &Dependency,
        all: Vec<Summary>,
    ) -> Result<Vec<Summary>, RegistryError> {
        let real = self.map.replacement(dep.source_id())?;
        let mut downloaded = Vec::new();
        for s in &all {
            if !dep.version_req().matches(s.version()) {
                continue;
            }
            match self
                .index
                .offline_downloaded(&real, dep.package_name(), s.version())
            {
                None => return Ok(all),
                Some(true) => downloaded.push(s.clone()),
                Some(false) => {}
            }
        }
        Ok(if downloaded.is_empty() {
            all
        } else {
            downloaded
        })
    }

    /// The index lines of `dep`'s name in its (replaced) source.
    fn lines(&mut self, dep: &Dependency) -> Result<Arc<IndexLines>, RegistryError> {
        let real = self.map.replacement(dep.source_id())?;
        let mut lines = self.index.versions(&real, dep.package_name());
        if lines.is_empty() {
            // Not prefetched (e.g. reached through a version prefetching
            // did not expect): load it now.
            let names = BTreeSet::from([dep.package_name().to_string()]);
            self.index.load(&real, &names)?;
            lines = self.index.versions(&real, dep.package_name());
        }
        Ok(lines)
    }
}

impl Registry for WsRegistry<'_> {
    fn query(&mut self, dep: &Dependency) -> Result<Vec<Summary>, RegistryError> {
        let source = dep.source_id();
        if source.is_path() {
            return Ok(self
                .path
                .manifests
                .iter()
                .filter(|m| {
                    m.name() == dep.package_name()
                        && m.package_id.source_id().canonical_url() == source.canonical_url()
                })
                .map(summaries::from_manifest)
                .collect());
        }
        if let Some(p) = self.precise.iter().find(|p| {
            p.name == dep.package_name()
                && &p.source == source
                && dep.version_req().matches(&p.from)
        }) {
            let p = p.clone();
            let mut out = Vec::new();
            for line in self.lines(dep)?.matching(|v| p.offers(v)) {
                if !line.is_available() {
                    continue;
                }
                if line.yanked {
                    self.precise_yanked
                        .insert((line.name.clone(), line.version.clone()));
                }
                out.push(summaries::from_index(source, line)?.with_yanked(false));
            }
            return Ok(out);
        }
        if source.is_git() {
            return Ok(self
                .git
                .matching(dep)
                .into_iter()
                .map(summaries::from_manifest)
                .collect());
        }
        // No cache here: the resolver keeps each answer by requirement.
        let lines = self.lines(dep)?;
        let mut out = Vec::new();
        // With the lock pinning a matching version, the resolver takes only
        // pinned versions for this requirement (cargo's `lock`).
        let real = self.map.replacement(source)?;
        let pinned = self
            .locked
            .get(&(real, dep.package_name().to_string()))
            .filter(|vs| vs.iter().any(|v| dep.version_req().matches(v)))
            .cloned();
        // Only the versions the requirement matches are read (errors ask
        // again for any version); when the lock rules some out but none of
        // its own is in the index, those come without their dependencies
        // and features.
        let asked = |v: &Version| dep.version_req().matches(v);
        for line in locked_or_matching(&lines, pinned.as_deref(), asked) {
            if self.too_late(line).is_some() {
                continue;
            }
            let choosable = pinned.as_ref().is_none_or(|p| p.contains(&line.version));
            let s = if choosable {
                summaries::from_index(source, line)?
            } else {
                summaries::from_index_named_only(source, line)
            };
            out.push(self.with_replacement(s)?);
        }
        self.prefer_downloaded(dep, out)
    }

    fn alternative_names(&mut self, dep: &Dependency) -> Vec<String> {
        let Ok(real) = self.map.replacement(dep.source_id()) else {
            return Vec::new();
        };
        if !matches!(
            real.kind(),
            SourceKind::Registry | SourceKind::SparseRegistry
        ) {
            return self.index.all_names(&real);
        }
        // A registry cannot list its packages: cargo asks for the other
        // spellings of the name (case, `-` for `_` and back).
        let names: BTreeSet<String> = spellings(dep.package_name())
            .into_iter()
            .filter(|n| n != dep.package_name())
            .collect();
        if names.is_empty() || self.index.load(&real, &names).is_err() {
            return Vec::new();
        }
        names
            .iter()
            .filter_map(|n| {
                let lines = self.index.versions(&real, n);
                lines.iter().next().map(|l| l.name.clone())
            })
            .collect()
    }

    fn rejected_versions(&mut self, dep: &Dependency) -> Vec<(Version, String)> {
        let source = dep.source_id();
        if source.is_path() || source.is_git() {
            return Vec::new();
        }
        let Ok(lines) = self.lines(dep) else {
            return Vec::new();
        };
        let mut out: Vec<(Version, String)> = lines
            .iter()
            .filter(|l| dep.version_req().matches(&l.version))
            .filter_map(|l| {
                if let Some(why) = self.too_late(l) {
                    return Some((l.version.clone(), why.to_string()));
                }
                let why = match &l.status {
                    SummaryStatus::Available => return None,
                    SummaryStatus::Unsupported { v } => match &l.rust_version {
                        Some(rv) => format!(" requires cargo {rv}"),
                        None => {
                            format!(" requires a Cargo version that supports index version {v}")
                        }
                    },
                    SummaryStatus::Invalid { .. } => "'s index entry is invalid".to_string(),
                };
                Some((l.version.clone(), why))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn packages_in_source(&mut self, dep: &Dependency) -> Option<Vec<String>> {
        let source = dep.source_id();
        source.is_git().then(|| {
            self.git
                .sources
                .get(source)
                .map(|ms| ms.iter().map(|m| m.name().to_string()).collect())
                .unwrap_or_default()
        })
    }

    fn is_replaced(&self, source: &SourceId) -> bool {
        self.map
            .replacement(source)
            .is_ok_and(|real| &real != source && !(real.is_crates_io() && source.is_crates_io()))
    }

    fn describe_source(&self, source: &SourceId) -> String {
        if source.is_git() {
            // cargo's `GitSource::describe`.
            return format!("Git repository {source}");
        }
        match self.map.replacement(source) {
            // Where cargo's testsuite moved crates.io, that is crates.io
            // itself, not a replacement.
            Ok(real) if &real != source && !(real.is_crates_io() && source.is_crates_io()) => {
                format!(
                    "{} (which is replacing {})",
                    SourceMap::describe(&real),
                    if source.is_crates_io() {
                        "registry `crates-io`".to_string()
                    } else {
                        format!("`{}`", source.url())
                    }
                )
            }
            _ => SourceMap::describe(source),
        }
    }
}
