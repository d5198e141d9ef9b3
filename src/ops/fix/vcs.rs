//! `fix` refuses to touch files the version control system could not give
//! back: no repository at all (unless `--allow-no-vcs`), uncommitted
//! changes (unless `--allow-dirty`) or staged ones (unless
//! `--allow-staged`), with cargo's messages.

use std::path::Path;

use anyhow::bail;

pub struct Allow {
    pub no_vcs: bool,
    pub dirty: bool,
    pub staged: bool,
}

pub fn check(cwd: &Path, allow: &Allow) -> anyhow::Result<()> {
    if allow.no_vcs {
        return Ok(());
    }
    let repo = git_repo(cwd);
    if repo.is_none() && !in_hg_repo(cwd) {
        bail!(
            "no VCS found for this package and `cargo fix` can potentially perform destructive changes; if you'd like to suppress this error pass `--allow-no-vcs`"
        );
    }
    // `--allow-dirty` allows staged changes too.
    if allow.dirty {
        return Ok(());
    }
    let Some(repo) = repo else {
        return Ok(());
    };
    let mut opts = git2::StatusOptions::new();
    opts.include_ignored(false).include_untracked(true);
    let mut dirty = Vec::new();
    let mut staged = Vec::new();
    for entry in repo.statuses(Some(&mut opts))?.iter() {
        let Ok(path) = entry.path() else { continue };
        let s = entry.status();
        if s == git2::Status::CURRENT {
            continue;
        }
        let index_only = [
            git2::Status::INDEX_NEW,
            git2::Status::INDEX_MODIFIED,
            git2::Status::INDEX_DELETED,
            git2::Status::INDEX_RENAMED,
            git2::Status::INDEX_TYPECHANGE,
        ]
        .contains(&s);
        if index_only {
            if !allow.staged {
                staged.push(path.to_string());
            }
        } else {
            dirty.push(path.to_string());
        }
    }
    if dirty.is_empty() && staged.is_empty() {
        return Ok(());
    }
    let mut list = String::new();
    for f in &dirty {
        list.push_str(&format!("  * {f} (dirty)\n"));
    }
    for f in &staged {
        list.push_str(&format!("  * {f} (staged)\n"));
    }
    bail!(
        "the working directory of this package has uncommitted changes, and `cargo fix` can potentially perform destructive changes; if you'd like to suppress this error pass `--allow-dirty`, or commit the changes to these files:\n\n{list}\n"
    )
}

/// The git repository around `cwd`, unless `cwd` is ignored by it.
fn git_repo(cwd: &Path) -> Option<git2::Repository> {
    let repo = git2::Repository::discover(cwd).ok()?;
    let workdir = repo.workdir()?.to_path_buf();
    if workdir == cwd || workdir.canonicalize().ok()? == cwd.canonicalize().ok()? {
        return Some(repo);
    }
    let rel = cwd
        .strip_prefix(&workdir)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let c = cwd.canonicalize().ok()?;
            let w = workdir.canonicalize().ok()?;
            c.strip_prefix(&w).ok().map(Path::to_path_buf)
        })?;
    match repo.is_path_ignored(&rel) {
        Ok(true) => None,
        _ => Some(repo),
    }
}

fn in_hg_repo(cwd: &Path) -> bool {
    std::process::Command::new("hg")
        .arg("--cwd")
        .arg(cwd)
        .arg("root")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
