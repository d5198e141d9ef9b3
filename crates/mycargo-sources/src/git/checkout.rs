//! Work trees of one commit under `git/checkouts/<ident>/<short-id>/`,
//! cloned from the local database, with submodules updated recursively and
//! a `.cargo-ok` file written last: a directory without it (an interrupted
//! checkout) is never trusted, but removed and made again.
//!
//! As in cargo 1.95, each submodule has a database of its own
//! (`git/db/<ident of its URL>`, fetched only when it lacks the recorded
//! commit) and its work tree is a clone of that database, with its own
//! `.cargo-ok`; so a checkout can be made again offline.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use git2::{Oid, Repository};
use url::Url;

/// Cargo's marker that a checkout is complete.
pub const CHECKOUT_READY: &str = ".cargo-ok";

/// Whether `dir` holds a complete checkout of `oid`.
pub(crate) fn is_fresh(dir: &Path, oid: Oid) -> bool {
    if !dir.join(CHECKOUT_READY).exists() {
        return false;
    }
    Repository::open(dir)
        .ok()
        .and_then(|r| r.revparse_single("HEAD").ok().map(|o| o.id()))
        == Some(oid)
}

/// Everything a checkout needs besides the paths.
pub(crate) struct CheckoutContext<'a> {
    /// Puts the commit of a submodule (absolute URL, commit) in the
    /// submodule's own database, fetching it if needed, and returns the
    /// database's path.
    pub submodule_db: &'a dyn Fn(&Url, Oid) -> anyhow::Result<PathBuf>,
    /// Receives `Skipping git submodule` status lines.
    pub status: &'a dyn Fn(&str, &str),
}

/// Make the checkout of `oid` from the database at `db_path` in `dir`,
/// replacing whatever is there. `remote_url` is where the database was
/// fetched from (relative submodule URLs are resolved against it).
pub(crate) fn make_checkout(
    db_path: &Path,
    dir: &Path,
    oid: Oid,
    remote_url: &Url,
    cx: &CheckoutContext<'_>,
) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("failed to remove `{}`", dir.display()))?;
    }
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create directory `{}`", parent.display()))?;
    }
    let db_url = Url::from_file_path(db_path)
        .map_err(|()| anyhow::anyhow!("invalid path `{}`", db_path.display()))?;
    // Clone without writing files, then reset to the commit: the clone's
    // HEAD is the database's default branch, not necessarily `oid`.
    let mut dry = git2::build::CheckoutBuilder::new();
    dry.dry_run();
    let repo = git2::build::RepoBuilder::new()
        .clone_local(git2::build::CloneLocal::Local)
        .with_checkout(dry)
        .clone(db_url.as_str(), dir)
        .with_context(|| format!("failed to clone into `{}`", dir.display()))?;
    // As cargo: line endings stay as committed, whatever the user's
    // `core.autocrlf` says (vendored sources keep their checksums).
    if let Ok(mut config) = repo.config() {
        config
            .set_bool("core.autocrlf", false)
            .context("failed to set `core.autocrlf` in the checkout")?;
    }
    reset_hard(&repo, oid)?;
    update_submodules(&repo, remote_url, cx)
        .with_context(|| format!("failed to update submodules of `{}`", dir.display()))?;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(dir.join(CHECKOUT_READY))
        .with_context(|| format!("failed to write `{}`", dir.join(CHECKOUT_READY).display()))?;
    Ok(())
}

fn reset_hard(repo: &Repository, oid: Oid) -> anyhow::Result<()> {
    let obj = repo
        .find_object(oid, None)
        .with_context(|| format!("commit `{oid}` is not in the repository"))?;
    let mut opts = git2::build::CheckoutBuilder::new();
    opts.force();
    repo.reset(&obj, git2::ResetType::Hard, Some(&mut opts))
        .with_context(|| format!("failed to check out commit `{oid}`"))?;
    Ok(())
}

/// A submodule URL made absolute: `./x` and `../x` are relative to the
/// parent repository's URL (as git resolves them).
pub(crate) fn absolute_submodule_url(parent: &Url, child: &str) -> anyhow::Result<String> {
    if !(child.starts_with("./") || child.starts_with("../")) {
        return Ok(child.to_string());
    }
    let mut base = parent.clone();
    if !base.path().ends_with('/') {
        let with_slash = format!("{}/", base.path());
        base.set_path(&with_slash);
    }
    let joined = base
        .join(child)
        .with_context(|| format!("invalid submodule URL `{child}` relative to `{parent}`"))?;
    Ok(joined.to_string())
}

/// An absolute submodule URL as a [`Url`]: besides URLs, git accepts a
/// local path (`/srv/repo`) and the scp-like `user@host:path`, which are
/// turned into `file://` and `ssh://` URLs.
pub(crate) fn parse_submodule_url(url: &str) -> anyhow::Result<Url> {
    if let Ok(u) = Url::parse(url) {
        return Ok(u);
    }
    let path = Path::new(url);
    if path.is_absolute()
        && let Ok(u) = Url::from_file_path(path)
    {
        return Ok(u);
    }
    if !url.contains("://")
        && let Some((host, path)) = url.split_once(':')
        && !host.is_empty()
        && !host.contains('/')
        && !path.is_empty()
        && let Ok(u) = Url::parse(&format!("ssh://{host}/{}", path.trim_start_matches('/')))
    {
        return Ok(u);
    }
    anyhow::bail!("invalid submodule URL `{url}`")
}

fn update_submodules(
    repo: &Repository,
    parent_url: &Url,
    cx: &CheckoutContext<'_>,
) -> anyhow::Result<()> {
    for mut child in repo.submodules()? {
        update_submodule(repo, &mut child, parent_url, cx).with_context(|| {
            format!(
                "failed to update submodule `{}`",
                child.name().unwrap_or_default()
            )
        })?;
    }
    Ok(())
}

fn update_submodule(
    parent: &Repository,
    child: &mut git2::Submodule<'_>,
    parent_url: &Url,
    cx: &CheckoutContext<'_>,
) -> anyhow::Result<()> {
    child.init(false)?;
    let raw_url = child
        .url()?
        .ok_or_else(|| anyhow::anyhow!("the submodule has no URL"))?;
    // `submodule.<name>.update = none` in `.gitmodules`: left alone.
    if child.update_strategy() == git2::SubmoduleUpdate::None {
        (cx.status)(
            "Skipping",
            &format!("git submodule `{raw_url}` due to update strategy in .gitmodules"),
        );
        return Ok(());
    }
    let url = absolute_submodule_url(parent_url, raw_url)?;
    // A submodule with no commit recorded has nothing to check out.
    let Some(head) = child.head_id() else {
        return Ok(());
    };
    let workdir = parent
        .workdir()
        .ok_or_else(|| anyhow::anyhow!("the checkout has no work tree"))?;
    let path = workdir.join(child.path());
    let url = parse_submodule_url(&url)?;
    if let Ok(r) = child.open()
        && r.head().ok().and_then(|h| h.target()) == Some(head)
    {
        return update_submodules(&r, &url, cx);
    }
    let db = (cx.submodule_db)(&url, head).with_context(|| {
        format!(
            "failed to fetch submodule `{}` from {url}",
            child.name().unwrap_or_default()
        )
    })?;
    make_checkout(&db, &path, head, &url, cx)
}

/// `git/checkouts/<ident>/<short-id>` for `oid`, with the short id git
/// gives in `db` (7 digits unless ambiguous).
pub(crate) fn checkout_dir(
    checkouts: &Path,
    ident: &str,
    db: &Repository,
    oid: Oid,
) -> anyhow::Result<PathBuf> {
    let obj = db
        .find_object(oid, None)
        .with_context(|| format!("commit `{oid}` is not in the git database"))?;
    let short = obj.short_id()?;
    let short = short.as_str()?;
    Ok(checkouts.join(ident).join(short))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submodule_url_forms() {
        assert_eq!(
            parse_submodule_url("https://example.com/a/b.git")
                .unwrap()
                .as_str(),
            "https://example.com/a/b.git"
        );
        assert_eq!(
            parse_submodule_url("/srv/git/sub").unwrap().as_str(),
            "file:///srv/git/sub"
        );
        assert_eq!(
            parse_submodule_url("git@github.com:org/sub.git")
                .unwrap()
                .as_str(),
            "ssh://git@github.com/org/sub.git"
        );
        assert!(parse_submodule_url("not a url").is_err());
    }

    #[test]
    fn submodule_urls() {
        let parent = Url::parse("https://example.com/org/top.git").unwrap();
        assert_eq!(
            absolute_submodule_url(&parent, "../sub.git").unwrap(),
            "https://example.com/org/sub.git"
        );
        assert_eq!(
            absolute_submodule_url(&parent, "./sub").unwrap(),
            "https://example.com/org/top.git/sub"
        );
        assert_eq!(
            absolute_submodule_url(&parent, "https://other.com/x").unwrap(),
            "https://other.com/x"
        );
        let file = Url::parse("file:///tmp/a/top").unwrap();
        assert_eq!(
            absolute_submodule_url(&file, "../sub").unwrap(),
            "file:///tmp/a/sub"
        );
    }
}
