//! What to fetch for a reference, and where it lands in the database.
//!
//! The database refs are the ones cargo 1.95 writes (observed with the
//! installed cargo), so a database made by either tool resolves in the
//! other, offline too:
//!
//! | reference | refspec |
//! |---|---|
//! | default branch | `+HEAD:refs/remotes/origin/HEAD` |
//! | `branch = "b"` | `+refs/heads/b:refs/remotes/origin/b` |
//! | `tag = "t"` | `+refs/tags/t:refs/remotes/origin/tags/t` |
//! | `rev = "refs/..."` | `+refs/...:refs/...` |
//! | any other `rev` | every branch, `HEAD`, and every tag (as `refs/tags/*`) |

use git2::{ObjectType, Oid, Repository};
use mycargo_core::GitReference;

/// The refspecs to fetch for `reference`, and whether every tag comes
/// along (into `refs/tags/*`, as `git fetch --tags` does).
pub fn refspecs(reference: &GitReference) -> (Vec<String>, bool) {
    match reference {
        GitReference::DefaultBranch => (vec!["+HEAD:refs/remotes/origin/HEAD".to_string()], false),
        GitReference::Branch(b) => (
            vec![format!("+refs/heads/{b}:refs/remotes/origin/{b}")],
            false,
        ),
        GitReference::Tag(t) => (
            vec![format!("+refs/tags/{t}:refs/remotes/origin/tags/{t}")],
            false,
        ),
        GitReference::Rev(r) if r.starts_with("refs/") => (vec![format!("+{r}:{r}")], false),
        GitReference::Rev(_) => (
            vec![
                "+refs/heads/*:refs/remotes/origin/*".to_string(),
                "+HEAD:refs/remotes/origin/HEAD".to_string(),
            ],
            true,
        ),
    }
}

/// Whether `rev` is a full 40-digit commit id.
pub fn is_full_commit_id(rev: &str) -> bool {
    rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `rev` looks like an abbreviated or full commit id (hex digits,
/// at least 4 of them).
pub fn looks_like_commit_id(rev: &str) -> bool {
    (4..=40).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The kind word of a reference for messages: `branch`, `tag`, `rev`, or
/// `default branch`.
pub fn kind_word(reference: &GitReference) -> &'static str {
    match reference {
        GitReference::Branch(_) => "branch",
        GitReference::Tag(_) => "tag",
        GitReference::Rev(_) => "rev",
        GitReference::DefaultBranch => "default branch",
    }
}

/// The value of a reference (`""` for the default branch).
pub fn value(reference: &GitReference) -> &str {
    match reference {
        GitReference::Branch(s) | GitReference::Tag(s) | GitReference::Rev(s) => s,
        GitReference::DefaultBranch => "",
    }
}

/// Resolve `reference` to a commit in a database filled by a fetch of
/// [`refspecs`]. A tag is peeled to its commit.
pub fn resolve(repo: &Repository, reference: &GitReference) -> Result<Oid, git2::Error> {
    let id = match reference {
        GitReference::DefaultBranch => repo.refname_to_id("refs/remotes/origin/HEAD")?,
        GitReference::Branch(b) => repo.refname_to_id(&format!("refs/remotes/origin/{b}"))?,
        GitReference::Tag(t) => repo.refname_to_id(&format!("refs/remotes/origin/tags/{t}"))?,
        GitReference::Rev(r) => {
            let obj = repo.revparse_single(r)?;
            match obj.as_tag() {
                Some(tag) => tag.target_id(),
                None => obj.id(),
            }
        }
    };
    let commit = repo.find_object(id, None)?.peel(ObjectType::Commit)?;
    Ok(commit.id())
}

/// Whether the database holds the commit `oid`.
pub fn has_commit(repo: &Repository, oid: Oid) -> bool {
    repo.find_commit(oid).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refspecs_per_kind() {
        assert_eq!(
            refspecs(&GitReference::DefaultBranch),
            (vec!["+HEAD:refs/remotes/origin/HEAD".to_string()], false)
        );
        assert_eq!(
            refspecs(&GitReference::Branch("dev".into())).0,
            ["+refs/heads/dev:refs/remotes/origin/dev"]
        );
        assert_eq!(
            refspecs(&GitReference::Tag("v1".into())).0,
            ["+refs/tags/v1:refs/remotes/origin/tags/v1"]
        );
        assert_eq!(
            refspecs(&GitReference::Rev("refs/pull/1/head".into())).0,
            ["+refs/pull/1/head:refs/pull/1/head"]
        );
        let (specs, tags) = refspecs(&GitReference::Rev("abc1234".into()));
        assert!(tags);
        assert_eq!(specs.len(), 2);
    }

    #[test]
    fn commit_id_shapes() {
        assert!(is_full_commit_id(&"a".repeat(40)));
        assert!(!is_full_commit_id(&"a".repeat(39)));
        assert!(!is_full_commit_id(&"g".repeat(40)));
        assert!(looks_like_commit_id("abc1234"));
        assert!(!looks_like_commit_id("abc"));
        assert!(!looks_like_commit_id("main"));
        assert_eq!(kind_word(&GitReference::Tag("x".into())), "tag");
        assert_eq!(value(&GitReference::Tag("x".into())), "x");
        assert_eq!(value(&GitReference::DefaultBranch), "");
    }
}
