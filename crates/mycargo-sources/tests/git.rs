//! The git source against local `file://` repositories: references,
//! updates, locked and offline use, submodules, workspaces, errors, and
//! the cache layout compared with the installed cargo's.

#![allow(clippy::unwrap_used)]

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::sync::{Arc, Mutex};

use git2::Oid;
use mycargo_core::GitReference;
use mycargo_sources::git::{CHECKOUT_READY, GitError, GitMessage, GitOptions, GitSource};
use mycargo_test_support::execs::Execs;
use mycargo_test_support::{TestRoot, Tool, basic_manifest, git};
use url::Url;

/// A source with a reporter that records what it says.
struct Recorded {
    source: GitSource,
    messages: Arc<Mutex<Vec<String>>>,
}

impl Recorded {
    fn messages(&self) -> Vec<String> {
        std::mem::take(&mut *self.messages.lock().unwrap())
    }
}

fn source(url: &str, reference: GitReference, home: &Path, options: GitOptions) -> Recorded {
    let messages = Arc::new(Mutex::new(Vec::new()));
    let sink = messages.clone();
    let source = GitSource::new(&Url::parse(url).unwrap(), reference, home, options).with_reporter(
        move |m| {
            let line = match m {
                GitMessage::Status { status, message } => format!("{status} {message}"),
                GitMessage::Warning(w) => format!("warning: {w}"),
            };
            sink.lock().unwrap().push(line);
        },
    );
    Recorded { source, messages }
}

fn offline() -> GitOptions {
    GitOptions {
        offline: true,
        ..GitOptions::default()
    }
}

/// `dep` with a lib that says which commit it is.
fn dep_repo(root: &TestRoot) -> git::Repo {
    git::repo(root.join("dep"))
        .file("Cargo.toml", basic_manifest("dep", "0.1.0"))
        .file("src/lib.rs", "pub fn one() {}")
        .commit()
}

fn oid(s: &str) -> Oid {
    Oid::from_str(s).unwrap()
}

fn git_error(e: &anyhow::Error) -> &GitError {
    e.downcast_ref::<GitError>()
        .unwrap_or_else(|| panic!("not a GitError: {e:?}"))
}

#[test]
fn git_default_branch_checkout_and_new_commit() {
    let root = TestRoot::new();
    let repo = dep_repo(&root);
    let home = root.join("home/.cargo");
    let s = source(
        &repo.url(),
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    let first = s.source.resolve_commit(None).unwrap();
    assert_eq!(first.to_string(), repo.head_id());
    assert_eq!(
        s.messages(),
        [format!("Updating git repository `{}`", repo.url())]
    );
    assert!(s.source.db_path().join("HEAD").is_file());
    assert!(home.join("git/CACHEDIR.TAG").is_file());

    let co = s.source.checkout(first).unwrap();
    assert_eq!(co, s.source.checkouts_path().join(&repo.head_id()[..7]));
    assert!(co.join(CHECKOUT_READY).is_file());
    assert_eq!(
        std::fs::read_to_string(co.join("src/lib.rs")).unwrap(),
        "pub fn one() {}"
    );
    let pkg = s.source.find_package(&co, "dep").unwrap();
    assert_eq!(pkg.manifest_path, co.join("Cargo.toml"));
    assert_eq!(pkg.manifest.version().to_string(), "0.1.0");

    // A new commit: an unlocked resolve fetches and moves on.
    repo.change_file("src/lib.rs", "pub fn two() {}");
    let second = repo.commit_all("two");
    assert_eq!(s.source.resolve_commit(None).unwrap(), second);
    let co2 = s.source.checkout(second).unwrap();
    assert_ne!(co, co2);
    assert_eq!(
        std::fs::read_to_string(co2.join("src/lib.rs")).unwrap(),
        "pub fn two() {}"
    );
    // The old checkout stays as it was.
    assert_eq!(
        std::fs::read_to_string(co.join("src/lib.rs")).unwrap(),
        "pub fn one() {}"
    );
}

#[test]
fn git_branch_tag_and_rev_references() {
    let root = TestRoot::new();
    let repo = dep_repo(&root);
    let first = repo.head_id();
    repo.tag("light");
    repo.tag_annotated("annotated", "an annotated tag");
    repo.reference("refs/pull/1/head");
    repo.switch_branch("dev");
    repo.change_file("src/lib.rs", "pub fn dev() {}");
    let dev = repo.commit_all("on dev").to_string();
    repo.switch_branch("master");
    repo.change_file("src/lib.rs", "pub fn master() {}");
    let master = repo.commit_all("on master").to_string();
    let home = root.join("home/.cargo");
    let url = repo.url();

    let cases = [
        (GitReference::DefaultBranch, &master),
        (GitReference::Branch("dev".into()), &dev),
        (GitReference::Branch("master".into()), &master),
        (GitReference::Tag("light".into()), &first),
        (GitReference::Tag("annotated".into()), &first),
        (GitReference::Rev(first[..10].to_string()), &first),
        (GitReference::Rev(dev.clone()), &dev),
        (GitReference::Rev("refs/pull/1/head".into()), &first),
        (GitReference::Rev("annotated".into()), &first),
    ];
    for (reference, expected) in cases {
        let s = source(&url, reference.clone(), &home, GitOptions::default());
        let got = s.source.resolve_commit(None).unwrap();
        assert_eq!(&got.to_string(), expected, "{reference:?}");
        let co = s.source.checkout(got).unwrap();
        assert!(co.join(CHECKOUT_READY).is_file());
        // Every reference of one repository shares one database.
        assert_eq!(
            s.source.db_path(),
            source(
                &url,
                GitReference::DefaultBranch,
                &home,
                GitOptions::default()
            )
            .source
            .db_path()
        );
    }

    // The database has cargo's refs, so offline use finds them again.
    for (reference, expected) in [
        (GitReference::Branch("dev".into()), &dev),
        (GitReference::Tag("annotated".into()), &first),
        (GitReference::DefaultBranch, &master),
    ] {
        let s = source(&url, reference.clone(), &home, offline());
        assert_eq!(
            &s.source.resolve_commit(None).unwrap().to_string(),
            expected
        );
        assert!(s.messages().is_empty());
    }
}

#[test]
fn git_locked_commit_is_used_without_fetching() {
    let root = TestRoot::new();
    let repo = dep_repo(&root);
    let first = repo.head_id();
    let home = root.join("home/.cargo");
    let s = source(
        &repo.url(),
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    s.source.resolve_commit(None).unwrap();
    s.messages();
    repo.change_file("src/lib.rs", "pub fn two() {}");
    let second = repo.commit_all("two").to_string();

    // In the database: no fetch, no status line, the old commit.
    assert_eq!(s.source.resolve_commit(Some(&first)).unwrap(), oid(&first));
    assert!(s.messages().is_empty());

    // Not in the database: fetched.
    assert_eq!(
        s.source.resolve_commit(Some(&second)).unwrap(),
        oid(&second)
    );
    assert_eq!(s.messages().len(), 1);

    // Not in the repository at all.
    let missing = "0123456789abcdef0123456789abcdef01234567";
    let e = s.source.resolve_commit(Some(missing)).unwrap_err();
    assert!(
        matches!(git_error(&e), GitError::LockedCommitNotFound { .. }),
        "{e:?}"
    );

    // Not a commit id.
    let e = s.source.resolve_commit(Some("main")).unwrap_err();
    assert!(matches!(git_error(&e), GitError::InvalidCommit(_)));
}

#[test]
fn git_offline_from_the_database() {
    let root = TestRoot::new();
    let repo = dep_repo(&root);
    let head = repo.head_id();
    let home = root.join("home/.cargo");
    let url = repo.url();

    // Nothing cached yet.
    let s = source(&url, GitReference::DefaultBranch, &home, offline());
    let e = s.source.resolve_commit(None).unwrap_err();
    assert!(matches!(git_error(&e), GitError::Offline { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("can't checkout from '{url}': you are in the offline mode (--offline)")
    );

    source(
        &url,
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    )
    .source
    .resolve_commit(None)
    .unwrap();
    // The repository goes away; the database is enough.
    std::fs::remove_dir_all(repo.path()).unwrap();
    let s = source(&url, GitReference::DefaultBranch, &home, offline());
    assert_eq!(s.source.resolve_commit(None).unwrap(), oid(&head));
    assert_eq!(s.source.resolve_commit(Some(&head)).unwrap(), oid(&head));
    let co = s.source.checkout(oid(&head)).unwrap();
    assert!(co.join("src/lib.rs").is_file());
    // Even a checkout made again from scratch.
    std::fs::remove_dir_all(&co).unwrap();
    assert_eq!(s.source.checkout(oid(&head)).unwrap(), co);
    assert!(co.join(CHECKOUT_READY).is_file());
    assert!(s.messages().is_empty());

    // A branch never fetched is not there offline.
    let s = source(&url, GitReference::Branch("dev".into()), &home, offline());
    let e = s.source.resolve_commit(None).unwrap_err();
    match git_error(&e) {
        GitError::ReferenceNotFound { offline, name, .. } => {
            assert!(*offline);
            assert_eq!(name, "dev");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("offline mode"), "{e}");

    // The database cleaned away: a complete checkout of a locked commit
    // is still enough.
    let s = source(&url, GitReference::DefaultBranch, &home, offline());
    std::fs::remove_dir_all(s.source.db_path()).unwrap();
    assert_eq!(s.source.resolve_commit(Some(&head)).unwrap(), oid(&head));
    assert_eq!(s.source.checkout(oid(&head)).unwrap(), co);
    let e = s.source.resolve_commit(None).unwrap_err();
    assert!(matches!(git_error(&e), GitError::Offline { .. }), "{e:?}");
}

#[test]
fn git_bad_references_name_the_reference_and_the_repository() {
    let root = TestRoot::new();
    let repo = dep_repo(&root);
    repo.branch("develop");
    repo.tag("v1.0.0");
    let home = root.join("home/.cargo");
    let url = repo.url();

    let e = source(
        &url,
        GitReference::Branch("develp".into()),
        &home,
        GitOptions::default(),
    )
    .source
    .resolve_commit(None)
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "failed to find branch `develp` in git repository `{url}`\n\n\
             help: a branch with a similar name exists: `develop`"
        )
    );

    let e = source(
        &url,
        GitReference::Branch("zzzzzzzzzz".into()),
        &home,
        GitOptions::default(),
    )
    .source
    .resolve_commit(None)
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "failed to find branch `zzzzzzzzzz` in git repository `{url}`\n\n\
             note: the repository has branches `develop`, `master`"
        )
    );

    let e = source(
        &url,
        GitReference::Tag("v9".into()),
        &home,
        GitOptions::default(),
    )
    .source
    .resolve_commit(None)
    .unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "failed to find tag `v9` in git repository `{url}`"
        )),
        "{e}"
    );

    let e = source(
        &url,
        GitReference::Rev("abcdef1234".into()),
        &home,
        GitOptions::default(),
    )
    .source
    .resolve_commit(None)
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("failed to find revision `abcdef1234` in git repository `{url}`")
    );
    assert!(matches!(
        git_error(&e),
        GitError::ReferenceNotFound { kind: "rev", .. }
    ));
}

#[test]
fn git_missing_package_lists_the_packages() {
    let root = TestRoot::new();
    let repo = git::repo(root.join("multi"))
        .file("Cargo.toml", basic_manifest("top", "0.1.0"))
        .file("src/lib.rs", "")
        .file("crates/a/Cargo.toml", basic_manifest("alpha", "0.2.0"))
        .file("crates/a/src/lib.rs", "")
        .file("broken/Cargo.toml", "[package]\nname = \n")
        .commit();
    let home = root.join("home/.cargo");
    let s = source(
        &repo.url(),
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    let co = s
        .source
        .checkout(s.source.resolve_commit(None).unwrap())
        .unwrap();
    assert_eq!(
        s.source.find_package(&co, "alpha").unwrap().manifest_path,
        co.join("crates/a/Cargo.toml")
    );
    let e = s.source.find_package(&co, "beta").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "no package named `beta` found in git repository `{}`\n\n\
             note: the repository has these packages:\n  top (Cargo.toml)\n  alpha (crates/a/Cargo.toml)\n\
             note: skipped `broken/Cargo.toml`: ",
            repo.url()
        )),
        "{msg}"
    );
    match git_error(&e) {
        GitError::PackageNotFound { found, .. } => assert_eq!(found.len(), 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn git_workspace_inside_the_repository() {
    let root = TestRoot::new();
    let repo = git::repo(root.join("ws"))
        .file(
            "Cargo.toml",
            r#"
[workspace]
members = ["crates/*"]
resolver = "2"

[workspace.package]
version = "1.2.3"
edition = "2021"

[workspace.dependencies]
dep-b = { path = "crates/b", version = "1.2.3" }
"#,
        )
        .file(
            "crates/a/Cargo.toml",
            r#"
[package]
name = "dep-a"
version.workspace = true
edition.workspace = true

[dependencies]
dep-b.workspace = true
"#,
        )
        .file("crates/a/src/lib.rs", "")
        .file(
            "crates/b/Cargo.toml",
            "[package]\nname = \"dep-b\"\nversion.workspace = true\nedition.workspace = true\n",
        )
        .file("crates/b/src/lib.rs", "")
        .commit();
    let home = root.join("home/.cargo");
    let s = source(
        &repo.url(),
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    let co = s
        .source
        .checkout(s.source.resolve_commit(None).unwrap())
        .unwrap();
    let a = s.source.find_package(&co, "dep-a").unwrap();
    assert_eq!(a.manifest.version().to_string(), "1.2.3");
    assert_eq!(a.manifest.dependencies.len(), 1);
    assert_eq!(
        a.manifest.dependencies[0].path(),
        Some(&co.join("crates/b"))
    );
    let b = s.source.find_package(&co, "dep-b").unwrap();
    assert_eq!(b.manifest.version().to_string(), "1.2.3");
    let names: Vec<String> = s
        .source
        .packages(&co)
        .packages
        .iter()
        .map(|p| p.name().to_string())
        .collect();
    assert_eq!(names, ["dep-a", "dep-b"]);
}

#[test]
fn git_submodules_are_checked_out_recursively() {
    let root = TestRoot::new();
    let inner = git::repo(root.join("inner"))
        .file("Cargo.toml", basic_manifest("inner", "0.3.0"))
        .file("src/lib.rs", "pub fn inner() {}")
        .commit();
    let middle = git::repo(root.join("middle"))
        .file("Cargo.toml", basic_manifest("middle", "0.2.0"))
        .file("src/lib.rs", "")
        .commit();
    middle.add_submodule(&inner.url(), "vendor/inner");
    let top = git::repo(root.join("top"))
        .file(
            "Cargo.toml",
            format!(
                "{}\n[dependencies]\nmiddle = {{ path = \"middle\" }}\n",
                basic_manifest("top", "0.1.0")
            ),
        )
        .file("src/lib.rs", "")
        .commit();
    // Relative URL, resolved against the top repository's URL.
    top.add_submodule("../middle", "middle");

    let home = root.join("home/.cargo");
    let s = source(
        &top.url(),
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    let co = s
        .source
        .checkout(s.source.resolve_commit(None).unwrap())
        .unwrap();
    assert!(co.join("middle/src/lib.rs").is_file());
    assert_eq!(
        std::fs::read_to_string(co.join("middle/vendor/inner/src/lib.rs")).unwrap(),
        "pub fn inner() {}"
    );
    let messages = s.messages();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Updating git submodule `") && m.contains("/middle`")),
        "{messages:?}"
    );
    // The submodule's package is found through the path dependency; its
    // own submodule's package is not reachable that way.
    let middle_pkg = s.source.find_package(&co, "middle").unwrap();
    assert_eq!(middle_pkg.manifest_path, co.join("middle/Cargo.toml"));
    assert!(s.source.find_package(&co, "inner").is_err());
}

#[test]
fn git_interrupted_checkout_is_redone() {
    let root = TestRoot::new();
    let repo = dep_repo(&root);
    let home = root.join("home/.cargo");
    let s = source(
        &repo.url(),
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    let commit = s.source.resolve_commit(None).unwrap();
    let co = s.source.checkout(commit).unwrap();

    // Interrupted before `.cargo-ok`: a half-written tree.
    std::fs::remove_file(co.join(CHECKOUT_READY)).unwrap();
    std::fs::write(co.join("src/lib.rs"), "half written").unwrap();
    std::fs::write(co.join("stray"), "").unwrap();
    assert_eq!(s.source.checkout(commit).unwrap(), co);
    assert!(co.join(CHECKOUT_READY).is_file());
    assert!(!co.join("stray").exists());
    assert_eq!(
        std::fs::read_to_string(co.join("src/lib.rs")).unwrap(),
        "pub fn one() {}"
    );

    // Interrupted before the clone finished: no repository at all.
    std::fs::remove_dir_all(&co).unwrap();
    std::fs::create_dir_all(co.join("src")).unwrap();
    assert_eq!(s.source.checkout(commit).unwrap(), co);
    assert!(co.join(CHECKOUT_READY).is_file());

    // A complete checkout is left alone.
    std::fs::write(co.join("mark"), "").unwrap();
    s.source.checkout(commit).unwrap();
    assert!(co.join("mark").exists());
}

#[test]
fn git_unreachable_repository() {
    let root = TestRoot::new();
    let home = root.join("home/.cargo");
    let url = git::path_to_url(&root.join("does-not-exist"));
    let s = source(
        &url,
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    let e = s.source.resolve_commit(None).unwrap_err();
    assert!(
        matches!(git_error(&e), GitError::Unreachable { .. }),
        "{e:?}"
    );
    // A local path is not retried: there is no network to blame.
    assert!(
        !s.messages().iter().any(|m| m.starts_with("warning:")),
        "retried a local path"
    );
    let chain = format!("{e:#}");
    assert!(
        chain.contains(&format!("failed to fetch git repository `{url}`")),
        "{chain}"
    );
}

#[test]
fn git_fetch_with_the_git_cli() {
    let root = TestRoot::new();
    let repo = dep_repo(&root);
    repo.tag("v1");
    repo.branch("dev");
    let home = root.join("home/.cargo");
    let cli = GitOptions {
        fetch_with_cli: true,
        ..GitOptions::default()
    };
    let head = repo.head_id();
    for reference in [
        GitReference::DefaultBranch,
        GitReference::Branch("dev".into()),
        GitReference::Tag("v1".into()),
        GitReference::Rev(head[..8].to_string()),
    ] {
        let s = source(&repo.url(), reference.clone(), &home, cli.clone());
        assert_eq!(
            s.source.resolve_commit(None).unwrap().to_string(),
            head,
            "{reference:?}"
        );
    }
    let s = source(
        &repo.url(),
        GitReference::Branch("nope".into()),
        &home,
        cli.clone(),
    );
    let e = s.source.resolve_commit(None).unwrap_err();
    assert!(
        e.to_string().contains("failed to find branch `nope`"),
        "{e:#}"
    );

    let gone = git::path_to_url(&root.join("gone"));
    let s = source(&gone, GitReference::DefaultBranch, &home, cli);
    let e = s.source.resolve_commit(None).unwrap_err();
    assert!(
        matches!(git_error(&e), GitError::Unreachable { .. }),
        "{e:#}"
    );
}

/// An HTTP server on 127.0.0.1 answering every request with 401, as a git
/// host does for a private repository. It lives as long as the test
/// process.
fn serve_401() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        loop {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .ok();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 401 Unauthorized\r\n\
                  WWW-Authenticate: Basic realm=\"git\"\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    format!("http://127.0.0.1:{port}/private/repo.git")
}

#[test]
fn git_authentication_required() {
    let root = TestRoot::new();
    let home = root.join("home/.cargo");
    let url = serve_401();
    let s = source(
        &url,
        GitReference::DefaultBranch,
        &home,
        GitOptions::default(),
    );
    let e = s.source.resolve_commit(None).unwrap_err();
    assert!(
        matches!(git_error(&e), GitError::AuthRequired { .. }),
        "{e:#}"
    );
    let chain = format!("{e:#}");
    assert!(chain.contains("net.git-fetch-with-cli"), "{chain}");
    // Not retried as a network fault.
    assert!(!s.messages().iter().any(|m| m.starts_with("warning:")));
}

#[test]
fn git_retries_network_faults() {
    // A port nobody listens on: connection refused is a network fault.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let root = TestRoot::new();
    let home = root.join("home/.cargo");
    let url = format!("http://127.0.0.1:{port}/repo.git");
    let options = GitOptions {
        retry: 1,
        ..GitOptions::default()
    };
    let s = source(&url, GitReference::DefaultBranch, &home, options);
    let e = s.source.resolve_commit(None).unwrap_err();
    assert!(
        matches!(git_error(&e), GitError::Unreachable { .. }),
        "{e:#}"
    );
    let warnings: Vec<String> = s
        .messages()
        .into_iter()
        .filter(|m| m.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("warning: spurious network error (1 try remaining): "),
        "{warnings:?}"
    );
}

/// The names of the entries of `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn locked_commit(lock: &str, name: &str) -> String {
    let block = lock
        .split("[[package]]")
        .find(|b| b.contains(&format!("name = \"{name}\"")))
        .unwrap();
    let source = block.lines().find(|l| l.starts_with("source = ")).unwrap();
    source
        .rsplit('#')
        .next()
        .unwrap()
        .trim_end_matches('"')
        .to_string()
}

#[test]
fn git_cache_layout_matches_cargo() {
    let root = TestRoot::new_separate_homes();
    let repo = git::repo(root.join("Some Dep.git"))
        .file("Cargo.toml", basic_manifest("dep", "0.1.0"))
        .file("src/lib.rs", "")
        .commit();
    repo.tag_annotated("v1", "v1");
    repo.branch("dev");
    let url = repo.url();
    let project = root.join("foo");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(project.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "{}\n[dependencies]\ndep = {{ git = \"{url}\", tag = \"v1\" }}\n",
            basic_manifest("foo", "0.1.0")
        ),
    )
    .unwrap();
    Execs::new(Tool::Cargo, &root, &project).arg("fetch").run();
    let cargo_home = root.cargo_home(Tool::Cargo);
    let lock = std::fs::read_to_string(project.join("Cargo.lock")).unwrap();
    let commit = locked_commit(&lock, "dep");

    // The same names from mycargo, for that same CARGO_HOME.
    let s = source(&url, GitReference::Tag("v1".into()), &cargo_home, offline());
    assert_eq!(
        entries(&cargo_home.join("git/db")),
        [s.source.ident().to_string()]
    );
    assert_eq!(
        entries(&cargo_home.join("git/checkouts")),
        [s.source.ident().to_string()]
    );
    let short = entries(&s.source.checkouts_path());
    assert_eq!(short, [commit[..7].to_string()]);
    assert_eq!(
        s.source.checkout_path(oid(&commit)).unwrap(),
        s.source.checkouts_path().join(&short[0])
    );

    // mycargo reads cargo's cache: offline, from cargo's database refs,
    // and cargo's checkout is taken as complete.
    assert_eq!(s.source.resolve_commit(None).unwrap().to_string(), commit);
    assert_eq!(
        s.source.resolve_commit(Some(&commit)).unwrap().to_string(),
        commit
    );
    let co = s.source.checkout(oid(&commit)).unwrap();
    std::fs::write(co.join("mark"), "").unwrap();
    assert_eq!(s.source.checkout(oid(&commit)).unwrap(), co);
    assert!(co.join("mark").exists(), "cargo's checkout was redone");

    // And cargo reads mycargo's: fill mycargo's own home (branch `dev`),
    // then let cargo resolve offline from it.
    let my_home = root.cargo_home(Tool::Mycargo);
    let m = source(
        &url,
        GitReference::Branch("dev".into()),
        &my_home,
        GitOptions::default(),
    );
    let dev = m.source.resolve_commit(None).unwrap();
    m.source.checkout(dev).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "{}\n[dependencies]\ndep = {{ git = \"{url}\", branch = \"dev\" }}\n",
            basic_manifest("foo", "0.1.0")
        ),
    )
    .unwrap();
    std::fs::remove_file(project.join("Cargo.lock")).unwrap();
    Execs::new(Tool::Cargo, &root, &project)
        .env("CARGO_HOME", &my_home)
        .args(["fetch", "--offline"])
        .run();
    let lock = std::fs::read_to_string(project.join("Cargo.lock")).unwrap();
    assert_eq!(locked_commit(&lock, "dep"), dev.to_string());
    // Cargo made no second database or checkout.
    assert_eq!(
        entries(&my_home.join("git/db")),
        [m.source.ident().to_string()]
    );
    assert_eq!(entries(&m.source.checkouts_path()).len(), 1);
}

#[allow(dead_code)]
fn _assert_send_sync(s: GitSource) -> impl Send + Sync {
    s
}
