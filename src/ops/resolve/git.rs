//! Git dependencies for the resolve: each repository fetched (or its
//! locked commit reused), checked out into cargo's shared cache, and its
//! packages read; they answer queries for their git source. Path
//! dependencies between packages of one repository become dependencies on
//! that git source, as cargo records them.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use mycargo_core::{Dependency, PackageId, SourceId};
use mycargo_lockfile::Lockfile;
use mycargo_manifest::Manifest;
use mycargo_sources::git::{GitMessage, GitOptions, GitSource};

use crate::context::GlobalContext;

/// The packages of every git repository the workspace reaches.
#[derive(Default)]
pub struct GitPackages {
    /// By git source (precise commit ignored in comparisons): the packages
    /// found in its checkout, ids carrying the commit.
    pub sources: BTreeMap<SourceId, Vec<Manifest>>,
    /// By git source: where it is checked out, and the manifests found
    /// there that failed to load (with their errors).
    pub checkouts: BTreeMap<SourceId, (std::path::PathBuf, Vec<(std::path::PathBuf, String)>)>,
}

impl GitPackages {
    /// The packages of `dep`'s repository named as `dep` asks.
    pub fn matching(&self, dep: &Dependency) -> Vec<&Manifest> {
        self.sources
            .get(dep.source_id())
            .map(|ms| {
                ms.iter()
                    .filter(|m| m.name() == dep.package_name())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether `source`'s repository is loaded.
    pub fn has_source(&self, source: &SourceId) -> bool {
        self.sources.contains_key(source)
    }

    /// Add what another load found.
    pub fn merge(&mut self, other: GitPackages) {
        self.sources.extend(other.sources);
        self.checkouts.extend(other.checkouts);
    }

    pub fn all(&self) -> impl Iterator<Item = &Manifest> {
        self.sources.values().flatten()
    }
}

/// What `update` asks of git sources: the ones let go (fetched anew, their
/// locked commit forgotten) and the ones moved to a given revision.
#[derive(Debug, Default)]
pub struct Refresh {
    pub unlock: std::collections::BTreeSet<SourceId>,
    pub precise: BTreeMap<SourceId, String>,
}

/// Fetch and read every git repository reachable from `deps` (and from the
/// git packages' own dependencies), each with the package that declares it
/// (none for a patch), which errors name as cargo's do. Status lines go to
/// the shell.
pub fn load(
    gctx: &mut GlobalContext,
    deps: Vec<(Option<PackageId>, Dependency)>,
    previous: Option<&Lockfile>,
    refresh: &Refresh,
) -> anyhow::Result<GitPackages> {
    let mut out = GitPackages::default();
    let mut queue: VecDeque<(Option<PackageId>, Dependency)> = deps
        .into_iter()
        .filter(|(_, d)| d.source_id().is_git())
        .collect();
    if queue.is_empty() {
        return Ok(out);
    }
    let options = GitOptions {
        offline: gctx.args.offline
            || gctx.args.frozen
            || gctx.config.get_bool("net.offline")?.is_some_and(|v| v.val),
        fetch_with_cli: gctx
            .config
            .get_bool("net.git-fetch-with-cli")?
            .is_some_and(|v| v.val),
        retry: gctx
            .config
            .get_i64("net.retry")?
            .and_then(|v| u32::try_from(v.val).ok())
            .unwrap_or(3),
        nightly: crate::unstable::nightly_gate(&gctx.env),
    };
    let messages: Arc<Mutex<Vec<(String, String, bool)>>> = Arc::default();
    while let Some((parent, dep)) = queue.pop_front() {
        let source = dep.source_id().clone();
        if out.sources.contains_key(&source) {
            continue;
        }
        // The locked commit (of a package or of an unused patch).
        let locked = previous
            .and_then(|l| {
                l.packages
                    .keys()
                    .chain(l.unused_patches.iter().map(|p| &p.id))
                    .find(|id| id.source_id() == &source)
                    .and_then(|id| id.source_id().precise().map(str::to_string))
            })
            .filter(|_| !refresh.unlock.contains(&source));
        let precise = refresh.precise.get(&source);
        let reporter = |sink: Arc<Mutex<Vec<(String, String, bool)>>>| {
            move |m: GitMessage<'_>| {
                let entry = match m {
                    GitMessage::Status { status, message } => {
                        (status.to_string(), message.to_string(), false)
                    }
                    GitMessage::Warning(w) => (String::new(), w.to_string(), true),
                };
                if let Ok(mut v) = sink.lock() {
                    v.push(entry);
                }
            }
        };
        let git = GitSource::from_source_id(&source, gctx.config.cargo_home(), options.clone())
            .with_context(|| format!("`{source}` is not a git source"))?
            .with_reporter(reporter(messages.clone()));
        let mut scanned = None;
        let result = (|| -> anyhow::Result<(SourceId, Vec<Manifest>)> {
            // A short commit or a tag is looked up as a revision of the
            // repository.
            let by_rev = |rev: &String, quiet: bool| -> anyhow::Result<git2::Oid> {
                let by_rev =
                    SourceId::for_git(source.url(), mycargo_core::GitReference::Rev(rev.clone()));
                let git =
                    GitSource::from_source_id(&by_rev, gctx.config.cargo_home(), options.clone())
                        .with_context(|| format!("`{source}` is not a git source"))?;
                // A second look at a repository already announced says
                // nothing more.
                let git = if quiet {
                    git.with_reporter(|_| {})
                } else {
                    git.with_reporter(reporter(messages.clone()))
                };
                git.resolve_commit(None)
            };
            let commit = match precise {
                // `--precise`: a full commit is locked as is (or, when the
                // repository has no such commit, a tag named like one).
                Some(rev) if mycargo_sources::git::is_full_commit_id(rev) => {
                    match git.resolve_commit(Some(rev)) {
                        Ok(c) => c,
                        Err(e) => by_rev(rev, true).map_err(|_| e)?,
                    }
                }
                Some(rev) => by_rev(rev, false)?,
                None => git.resolve_commit(locked.as_deref())?,
            };
            let checkout = git.checkout(commit)?;
            let precise = git.source_id(Some(commit));
            let scan = git.packages_seen_from(&checkout, gctx.cwd());
            scanned = Some((checkout.clone(), scan.errors.clone()));
            let mut manifests = Vec::new();
            for p in scan.packages {
                let mut m: Manifest = *p.manifest;
                m.package_id = m.package_id.with_source_id(precise.clone());
                // Path dependencies inside the repository are this source,
                // at this commit (as cargo reads them).
                for d in &mut m.dependencies {
                    if d.source_id().is_path() && d.path().is_some_and(|p| p.starts_with(&checkout))
                    {
                        d.set_source_id(precise.clone());
                    }
                }
                manifests.push(m);
            }
            Ok((precise, manifests))
        })();
        for (status, message, warning) in messages
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
        {
            if warning {
                gctx.shell.warn(message)?;
            } else {
                gctx.shell.status(status, message)?;
            }
        }
        let (_, manifests) = match (result, precise) {
            (Ok(found), _) => found,
            // cargo names the source at the revision asked for.
            (Err(e), Some(rev)) => {
                return Err(e.context(format!(
                    "unable to update {}",
                    source.with_precise(Some(rev.clone()))
                )));
            }
            // cargo's frame around the cause.
            (Err(e), None) => {
                let e = e
                    .context(format!("unable to update {source}"))
                    .context(format!(
                        "failed to load source for dependency `{}`",
                        dep.name_in_toml()
                    ));
                return Err(match parent {
                    Some(p) => e.context(format!(
                        "failed to get `{}` as a dependency of package `{p}`",
                        dep.name_in_toml()
                    )),
                    None => e,
                });
            }
        };
        for m in &manifests {
            for d in &m.dependencies {
                if d.source_id().is_git() && !out.sources.contains_key(d.source_id()) {
                    queue.push_back((Some(m.package_id.clone()), d.clone()));
                }
            }
        }
        if let Some(found) = scanned {
            out.checkouts.insert(source.clone(), found);
        }
        out.sources.insert(source, manifests);
    }
    Ok(out)
}
