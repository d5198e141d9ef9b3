//! The git side of packaging: the repository a package lives in, the files
//! git would ship, the dirty-tree check, and `.cargo_vcs_info.json`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The git work tree holding a package.
pub struct GitRepo {
    repo: git2::Repository,
    workdir: PathBuf,
    head: Option<String>,
}

impl GitRepo {
    /// The repository whose work tree holds `pkg_root`, unless the
    /// package's manifest is ignored by it (then cargo acts as outside git).
    pub fn discover(pkg_root: &Path) -> Option<GitRepo> {
        let repo = git2::Repository::discover(pkg_root).ok()?;
        let workdir = repo.workdir()?.to_path_buf();
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        let root = pkg_root
            .canonicalize()
            .unwrap_or_else(|_| pkg_root.to_path_buf());
        let rel = root.strip_prefix(&workdir).ok()?.to_path_buf();
        if repo
            .is_path_ignored(rel.join("Cargo.toml"))
            .unwrap_or(false)
        {
            return None;
        }
        let head = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id().to_string());
        Some(GitRepo {
            repo,
            workdir,
            head,
        })
    }

    pub fn has_head(&self) -> bool {
        self.head.is_some()
    }

    /// The id of `HEAD`'s commit.
    pub fn head(&self) -> Option<&str> {
        self.head.as_deref()
    }

    /// `pkg_root` relative to the work tree, `/`-separated (`""` at the top).
    pub fn path_in_vcs(&self, pkg_root: &Path) -> String {
        let root = pkg_root
            .canonicalize()
            .unwrap_or_else(|_| pkg_root.to_path_buf());
        root.strip_prefix(&self.workdir)
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    }

    fn prefix(&self, pkg_root: &Path) -> String {
        let p = self.path_in_vcs(pkg_root);
        if p.is_empty() { p } else { format!("{p}/") }
    }

    /// Files under `pkg_root` that git would ship: tracked ones still on
    /// disk, and untracked ones not ignored (absolute paths, under the
    /// package root as given).
    /// cargo's warning when `core.symlinks` is off and the index tracks
    /// symbolic links (checked out as plain files holding the target).
    pub fn symlink_warning(&self) -> Option<String> {
        let off = self
            .repo
            .config()
            .ok()?
            .get_bool("core.symlinks")
            .is_ok_and(|on| !on);
        let any = self.repo.index().ok()?.iter().any(|e| e.mode == 0o120000);
        (off && any).then(|| {
            format!(
                "found symbolic links that may be checked out as regular files for git repo at `{}/`\n  |\n  \
                 = note: this might cause the `.crate` file to include incorrect or incomplete files\n  \
                 = help: to avoid this, set the Git config `core.symlinks` to `true`",
                self.workdir.display()
            )
        })
    }

    pub fn package_files(&self, pkg_root: &Path) -> anyhow::Result<Vec<PathBuf>> {
        let prefix = self.prefix(pkg_root);
        let mut rels = BTreeSet::new();
        let index = self.repo.index().context("failed to read the git index")?;
        for entry in index.iter() {
            let Ok(path) = std::str::from_utf8(&entry.path) else {
                continue;
            };
            let Some(rel) = path.strip_prefix(&prefix) else {
                continue;
            };
            // A submodule (gitlink): the files its own index tracks.
            if entry.mode == 0o160000 {
                if let Ok(sub) = self.repo.find_submodule(path)
                    && let Ok(sub_repo) = sub.open()
                    && let Ok(sub_index) = sub_repo.index()
                {
                    for e in sub_index.iter() {
                        if e.mode != 0o160000
                            && let Ok(p) = std::str::from_utf8(&e.path)
                        {
                            rels.insert(format!("{rel}/{p}"));
                        }
                    }
                }
                continue;
            }
            rels.insert(rel.to_string());
        }
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        if !prefix.is_empty() {
            opts.pathspec(&prefix);
        }
        let statuses = self
            .repo
            .statuses(Some(&mut opts))
            .context("failed to read the git status")?;
        for s in statuses.iter() {
            if !s.status().contains(git2::Status::WT_NEW) {
                continue;
            }
            // Untracked files in `target/` are build output; tracked ones
            // (listed above) stay, as cargo keeps them.
            if let Some(rel) = s.path().ok().and_then(|p| p.strip_prefix(&prefix))
                && rel != "target"
                && !rel.starts_with("target/")
            {
                rels.insert(rel.to_string());
            }
        }
        Ok(rels
            .into_iter()
            .map(|rel| pkg_root.join(rel))
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| !m.is_dir()))
            .collect())
    }

    /// Of the files to be packaged, those git reports as changed, new or
    /// ignored: paths relative to `cwd`, as cargo shows them.
    pub fn dirty_files(&self, files: &[PathBuf], cwd: &Path) -> anyhow::Result<Vec<String>> {
        let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
        let wanted: BTreeSet<PathBuf> = files
            .iter()
            .map(|f| {
                let f = match (f.parent(), f.file_name()) {
                    (Some(dir), Some(name)) => dir
                        .canonicalize()
                        .unwrap_or_else(|_| dir.to_path_buf())
                        .join(name),
                    _ => f.clone(),
                };
                f.strip_prefix(&self.workdir)
                    .map(Path::to_path_buf)
                    .unwrap_or(f)
            })
            .collect();
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(true)
            .recurse_ignored_dirs(true)
            .exclude_submodules(true);
        let statuses = self
            .repo
            .statuses(Some(&mut opts))
            .context("failed to read the git status")?;
        let mut out = Vec::new();
        for s in statuses.iter() {
            if s.status() == git2::Status::CURRENT {
                continue;
            }
            let Ok(path) = s.path() else { continue };
            let rel = PathBuf::from(path);
            if !wanted.contains(&rel) {
                continue;
            }
            // Shown relative to where the command runs, as cargo does.
            let abs = self.workdir.join(&rel);
            let shown = mycargo_util::fs::diff_paths(&abs, &cwd)
                .map_or_else(|| path.to_string(), |p| p.display().to_string());
            out.push(shown);
        }
        out.sort();
        Ok(out)
    }
}

/// `.cargo_vcs_info.json` as cargo writes it (2-space indent, no newline
/// at the end; `dirty` only when true).
pub fn vcs_info_json(sha1: &str, dirty: bool, path_in_vcs: &str) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""));
    let dirty = if dirty { ",\n    \"dirty\": true" } else { "" };
    format!(
        "{{\n  \"git\": {{\n    \"sha1\": {}{dirty}\n  }},\n  \"path_in_vcs\": {}\n}}",
        quote(sha1),
        quote(path_in_vcs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vcs_info_layout() {
        assert_eq!(
            vcs_info_json("abc", false, ""),
            "{\n  \"git\": {\n    \"sha1\": \"abc\"\n  },\n  \"path_in_vcs\": \"\"\n}"
        );
        assert_eq!(
            vcs_info_json("abc", true, "dep"),
            "{\n  \"git\": {\n    \"sha1\": \"abc\",\n    \"dirty\": true\n  },\n  \"path_in_vcs\": \"dep\"\n}"
        );
    }
}
