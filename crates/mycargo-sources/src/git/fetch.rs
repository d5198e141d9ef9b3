//! Fetching into a repository, with git2 or the `git` executable
//! (`net.git-fetch-with-cli`), retrying network faults `net.retry` times.

use std::cell::Cell;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use git2::{AutotagOption, CredentialType, ErrorClass, ErrorCode, FetchOptions, Repository};
use mycargo_core::GitReference;

use super::GitError;
use super::reference::refspecs;

/// How a fetch runs.
pub(crate) struct FetchConfig<'a> {
    pub with_cli: bool,
    pub retry: u32,
    /// Receives `spurious network error` warnings.
    pub warn: &'a dyn Fn(&str),
}

/// Why a single fetch attempt failed.
#[derive(Debug)]
pub(crate) enum FetchFailure {
    Git {
        error: git2::Error,
        /// The transport asked for credentials.
        auth_asked: bool,
    },
    Cli {
        message: String,
    },
    Spawn(std::io::Error),
}

impl std::fmt::Display for FetchFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchFailure::Git { error, .. } => write!(f, "{error}"),
            FetchFailure::Cli { message } => write!(f, "{message}"),
            FetchFailure::Spawn(e) => write!(f, "could not run `git fetch`: {e}"),
        }
    }
}

impl FetchFailure {
    /// A fault worth retrying: network, OS and HTTP classes from git2 (not
    /// for local `file://` paths, where retrying cannot help), and the
    /// `git` executable's words for dropped connections.
    pub(crate) fn is_spurious(&self, url: &str) -> bool {
        match self {
            FetchFailure::Git { error, auth_asked } => {
                if *auth_asked || error.code() == ErrorCode::Auth {
                    return false;
                }
                match error.class() {
                    ErrorClass::Net | ErrorClass::Zlib | ErrorClass::Http => true,
                    ErrorClass::Os => !url.starts_with("file:"),
                    _ => false,
                }
            }
            FetchFailure::Cli { message } => {
                let m = message.to_ascii_lowercase();
                [
                    "could not resolve host",
                    "connection timed out",
                    "connection reset",
                    "early eof",
                    "rpc failed",
                    "the remote end hung up unexpectedly",
                    "operation timed out",
                    "returned error: 5",
                ]
                .iter()
                .any(|p| m.contains(p))
            }
            FetchFailure::Spawn(_) => false,
        }
    }

    /// The server wants credentials we could not give.
    pub(crate) fn is_auth(&self) -> bool {
        match self {
            FetchFailure::Git { error, auth_asked } => {
                *auth_asked
                    || error.code() == ErrorCode::Auth
                    || error.message().contains("authentication required")
                    || error.message().contains("status code: 401")
                    || error.message().contains("status code: 403")
            }
            FetchFailure::Cli { message } => {
                let m = message.to_ascii_lowercase();
                [
                    "authentication failed",
                    "could not read username",
                    "could not read password",
                    "terminal prompts disabled",
                    "permission denied (publickey",
                    "http basic: access denied",
                    "returned error: 401",
                    "returned error: 403",
                ]
                .iter()
                .any(|p| m.contains(p))
            }
            FetchFailure::Spawn(_) => false,
        }
    }

    /// The repository is not there (or cannot be reached at all).
    pub(crate) fn is_unreachable(&self, url: &str) -> bool {
        if self.is_spurious(url) {
            return true;
        }
        let m = self.to_string().to_ascii_lowercase();
        [
            "could not find repository",
            "failed to resolve path",
            "does not appear to be a git repository",
            "repository not found",
            "not found",
            "could not read from remote repository",
            "unsupported url protocol",
            "unable to access",
            "connection refused",
            "failed to connect",
        ]
        .iter()
        .any(|p| m.contains(p))
    }

    /// The local repository looks damaged (cargo re-initialises it then).
    fn is_corrupt_repo(&self) -> bool {
        matches!(self, FetchFailure::Git { error, .. }
            if matches!(error.class(), ErrorClass::Reference | ErrorClass::Odb))
    }
}

/// Fetch what `reference` needs from `url` into `repo`, retrying network
/// faults; the error is a [`GitError`] for auth and unreachable
/// repositories.
pub(crate) fn fetch(
    repo: &mut Repository,
    url: &str,
    reference: &GitReference,
    config: &FetchConfig<'_>,
) -> anyhow::Result<()> {
    let (specs, tags) = refspecs(reference);
    let mut tries_left = config.retry;
    let mut attempt = 0u32;
    let mut reinitialized = false;
    loop {
        let result = if config.with_cli {
            fetch_with_cli(repo, url, &specs, tags)
        } else {
            fetch_with_git2(repo, url, &specs, tags)
        };
        let failure = match result {
            Ok(()) => return Ok(()),
            Err(f) => f,
        };
        if !reinitialized && failure.is_corrupt_repo() {
            reinitialized = true;
            if reinitialize(repo).is_ok() {
                continue;
            }
        }
        if tries_left > 0 && failure.is_spurious(url) {
            let plural = if tries_left == 1 { "try" } else { "tries" };
            (config.warn)(&format!(
                "spurious network error ({tries_left} {plural} remaining): {failure}"
            ));
            tries_left -= 1;
            std::thread::sleep(retry_delay(attempt));
            attempt += 1;
            continue;
        }
        return Err(into_error(failure, url));
    }
}

/// Cargo's back-off: about half a second, then growing to at most 10s.
fn retry_delay(attempt: u32) -> Duration {
    let ms = 500u64.saturating_add(3000u64.saturating_mul(u64::from(attempt)));
    Duration::from_millis(ms.min(10_000))
}

pub(crate) fn into_error(failure: FetchFailure, url: &str) -> anyhow::Error {
    let detail = failure.to_string();
    if failure.is_auth() {
        anyhow::Error::msg(detail).context(GitError::AuthRequired {
            url: url.to_string(),
        })
    } else if failure.is_unreachable(url) {
        anyhow::Error::msg(detail).context(GitError::Unreachable {
            url: url.to_string(),
        })
    } else {
        // cargo shows the git error right under "failed to clone into".
        anyhow::Error::msg(detail)
    }
}

fn fetch_with_git2(
    repo: &Repository,
    url: &str,
    specs: &[String],
    tags: bool,
) -> Result<(), FetchFailure> {
    clean_temp_packs(repo);
    let auth_asked = Cell::new(false);
    let result = (|| -> Result<(), git2::Error> {
        let git_config = git2::Config::open_default()?;
        let tried = Cell::new(CredentialType::empty());
        let mut callbacks = git2::RemoteCallbacks::new();
        callbacks.credentials(|cred_url, username, allowed| {
            auth_asked.set(true);
            credentials(&git_config, &tried, cred_url, username, allowed)
        });
        let mut opts = FetchOptions::new();
        opts.remote_callbacks(callbacks);
        opts.download_tags(if tags {
            AutotagOption::All
        } else {
            AutotagOption::None
        });
        let mut remote = repo.remote_anonymous(url)?;
        remote.fetch(specs, Some(&mut opts), None)
    })();
    result.map_err(|error| FetchFailure::Git {
        error,
        auth_asked: auth_asked.get(),
    })
}

/// Answer a credential request once per kind: a username, the ssh agent,
/// git's credential helpers, then the platform default. Anything after
/// that fails, so a server that keeps refusing does not loop forever.
fn credentials(
    config: &git2::Config,
    tried: &Cell<CredentialType>,
    url: &str,
    username: Option<&str>,
    allowed: CredentialType,
) -> Result<git2::Cred, git2::Error> {
    let user = username.unwrap_or("git");
    let mut done = tried.get();
    let result = if allowed.contains(CredentialType::USERNAME)
        && !done.contains(CredentialType::USERNAME)
    {
        done |= CredentialType::USERNAME;
        git2::Cred::username(user)
    } else if allowed.contains(CredentialType::SSH_KEY) && !done.contains(CredentialType::SSH_KEY) {
        done |= CredentialType::SSH_KEY;
        git2::Cred::ssh_key_from_agent(user)
    } else if allowed.contains(CredentialType::USER_PASS_PLAINTEXT)
        && !done.contains(CredentialType::USER_PASS_PLAINTEXT)
    {
        done |= CredentialType::USER_PASS_PLAINTEXT;
        git2::Cred::credential_helper(config, url, username)
    } else if allowed.contains(CredentialType::DEFAULT) && !done.contains(CredentialType::DEFAULT) {
        done |= CredentialType::DEFAULT;
        git2::Cred::default()
    } else {
        Err(git2::Error::new(
            ErrorCode::Auth,
            ErrorClass::Http,
            "no credentials were accepted",
        ))
    };
    tried.set(done);
    result
}

fn fetch_with_cli(
    repo: &Repository,
    url: &str,
    specs: &[String],
    tags: bool,
) -> Result<(), FetchFailure> {
    let mut cmd = Command::new("git");
    cmd.arg("fetch")
        .arg(if tags { "--tags" } else { "--no-tags" })
        .arg("--force")
        .arg("--update-head-ok")
        .arg(url)
        .args(specs)
        .current_dir(repo.path())
        // When run from git (a rebase's `exec`, a hook), `GIT_DIR` points
        // elsewhere: name the repository explicitly, as cargo does.
        .env("GIT_DIR", repo.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().map_err(FetchFailure::Spawn)?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A branch or tag the remote does not have: git2 fetches nothing then,
    // and resolving the reference afterwards gives the real error.
    if stderr.contains("couldn't find remote ref") {
        return Ok(());
    }
    Err(FetchFailure::Cli {
        message: format!(
            "process didn't exit successfully: `git fetch {url}` ({})\n--- stderr\n{}",
            out.status,
            stderr.trim_end()
        ),
    })
}

/// Wipe a damaged repository and init it again, bare or not as it was.
fn reinitialize(repo: &mut Repository) -> Result<(), git2::Error> {
    let bare = repo.is_bare();
    let path = repo.path().to_path_buf();
    let root = if bare {
        path.clone()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or(path.clone())
    };
    let _ = std::fs::remove_dir_all(&path);
    *repo = init_repository(&root, bare)?;
    Ok(())
}

/// Temporary pack files an interrupted libgit2 fetch left behind (they
/// would only grow the database), removed as cargo removes them.
fn clean_temp_packs(repo: &Repository) {
    let Ok(entries) = std::fs::read_dir(repo.path().join("objects").join("pack")) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with("pack_git2_") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A new repository without the user's `init.templatedir` (its hooks and
/// files have no place in a cache), as cargo makes them.
pub(crate) fn init_repository(path: &Path, bare: bool) -> Result<Repository, git2::Error> {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.external_template(false).bare(bare);
    Repository::init_opts(path, &opts)
}

/// Ref names the remote advertises (`refs/heads/...`, `refs/tags/...`),
/// for suggestions when a reference is not found. Best effort.
pub(crate) fn remote_ref_names(url: &str) -> Option<Vec<String>> {
    let mut remote = git2::Remote::create_detached(url).ok()?;
    let tried = Cell::new(CredentialType::empty());
    let git_config = git2::Config::open_default().ok()?;
    let mut callbacks = git2::RemoteCallbacks::new();
    callbacks.credentials(|u, name, allowed| credentials(&git_config, &tried, u, name, allowed));
    let conn = remote
        .connect_auth(git2::Direction::Fetch, Some(callbacks), None)
        .ok()?;
    let names = conn
        .list()
        .ok()?
        .iter()
        .map(|h| h.name().to_string())
        .filter(|n| !n.ends_with("^{}"))
        .collect();
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git_failure(class: ErrorClass, code: ErrorCode) -> FetchFailure {
        FetchFailure::Git {
            error: git2::Error::new(code, class, "boom"),
            auth_asked: false,
        }
    }

    #[test]
    fn classifies_failures() {
        let net = git_failure(ErrorClass::Net, ErrorCode::GenericError);
        assert!(net.is_spurious("https://example.com/r"));
        assert!(net.is_unreachable("https://example.com/r"));
        let os = git_failure(ErrorClass::Os, ErrorCode::GenericError);
        assert!(os.is_spurious("https://example.com/r"));
        assert!(!os.is_spurious("file:///tmp/r"));
        let auth = git_failure(ErrorClass::Http, ErrorCode::Auth);
        assert!(auth.is_auth());
        assert!(!auth.is_spurious("https://example.com/r"));
        let asked = FetchFailure::Git {
            error: git2::Error::from_str("remote rejected"),
            auth_asked: true,
        };
        assert!(asked.is_auth());
        let cli = FetchFailure::Cli {
            message: "fatal: Authentication failed for 'https://x/'".into(),
        };
        assert!(cli.is_auth());
        let cli = FetchFailure::Cli {
            message: "fatal: unable to access 'https://x/': Could not resolve host: x".into(),
        };
        assert!(cli.is_spurious("https://x/"));
        assert!(git_failure(ErrorClass::Odb, ErrorCode::GenericError).is_corrupt_repo());
    }

    #[test]
    fn delays_grow_and_cap() {
        assert_eq!(retry_delay(0), Duration::from_millis(500));
        assert_eq!(retry_delay(1), Duration::from_millis(3500));
        assert_eq!(retry_delay(9), Duration::from_secs(10));
    }

    #[test]
    fn errors_are_typed() {
        let e = into_error(
            git_failure(ErrorClass::Http, ErrorCode::Auth),
            "https://example.com/r",
        );
        assert!(matches!(
            e.downcast_ref::<GitError>(),
            Some(GitError::AuthRequired { .. })
        ));
        let e = into_error(
            git_failure(ErrorClass::Net, ErrorCode::GenericError),
            "https://example.com/r",
        );
        assert!(matches!(
            e.downcast_ref::<GitError>(),
            Some(GitError::Unreachable { .. })
        ));
    }
}
