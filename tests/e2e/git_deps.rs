//! Git dependencies from local `file://` repositories, mycargo against the
//! installed cargo: the same `Cargo.lock` bytes, the same program, the
//! locked commit kept until the lock says otherwise.

use mycargo_test_support::compare::assert_same_output;
use mycargo_test_support::{Project, Tool, git, project};

fn dep_manifest(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
}

/// A project whose `dep` comes from `repo` with the reference `spec`
/// (`""`, `branch = "x"`, ...), built by both tools.
fn twins(url: &str, spec: &str) -> (Project, Project) {
    let extra = if spec.is_empty() {
        String::new()
    } else {
        format!(", {spec}")
    };
    project()
        .file(
            "Cargo.toml",
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = {{ git = \"{url}\"{extra} }}\n"
            ),
        )
        .file("src/main.rs", "fn main() { println!(\"{}\", dep::f()); }\n")
        .build_twins()
}

fn lock(p: &Project) -> String {
    std::fs::read_to_string(p.root().join("Cargo.lock")).unwrap()
}

#[test]
fn git_dependency_locks_builds_and_stays_locked_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("dep"))
        .file("Cargo.toml", dep_manifest("dep"))
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .commit();
    repo.branch("feature");
    repo.tag("v0.1.0");
    let first = repo.head_id();
    for spec in [
        "",
        "branch = \"feature\"",
        "tag = \"v0.1.0\"",
        &format!("rev = \"{}\"", &first[..10]),
    ] {
        let (m, c) = twins(&repo.url(), spec);
        m.mycargo("generate-lockfile").run();
        c.cargo("generate-lockfile").run();
        assert_eq!(lock(&m), lock(&c), "{spec}");
        assert!(lock(&m).contains(&first), "{}", lock(&m));
        let mo = m.mycargo("run").run();
        let co = c.cargo("run").run();
        assert_eq!(mo.stdout, co.stdout, "{spec}");
        assert_eq!(mo.stdout, "1\n");
    }
    // A new commit: the lock keeps the old one for both tools.
    let (m, c) = twins(&repo.url(), "");
    m.mycargo("build").run();
    c.cargo("build").run();
    repo.change_file("src/lib.rs", "pub fn f() -> u32 { 2 }\n");
    repo.commit_all("second");
    let mo = m.mycargo("run").run();
    assert_eq!(mo.stdout, "1\n", "{}", mo.stderr);
    // A fresh lock takes the new commit, as cargo's does.
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    std::fs::remove_file(c.root().join("Cargo.lock")).unwrap();
    m.mycargo("generate-lockfile").run();
    c.cargo("generate-lockfile").run();
    assert_eq!(lock(&m), lock(&c));
    assert_eq!(m.mycargo("run").run().stdout, "2\n");
}

#[test]
fn workspace_inside_a_repository_and_bad_reference() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("ws"))
        .file("Cargo.toml", "[workspace]\nmembers = [\"dep\", \"util\"]\n\n[workspace.package]\nversion = \"0.3.0\"\nedition = \"2021\"\n")
        .file("dep/Cargo.toml", "[package]\nname = \"dep\"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\nutil = { path = \"../util\" }\n")
        .file("dep/src/lib.rs", "pub fn f() -> u32 { util::g() + 1 }\n")
        .file("util/Cargo.toml", "[package]\nname = \"util\"\nversion.workspace = true\nedition.workspace = true\n")
        .file("util/src/lib.rs", "pub fn g() -> u32 { 41 }\n")
        .commit();
    let (m, c) = twins(&repo.url(), "");
    let mo = m.mycargo("run").run();
    let co = c.cargo("run").run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "42\n");
    assert_eq!(lock(&m), lock(&c));
    // References the repository does not have: exit 101 and cargo's frame
    // (which dependency of which package, which source), then the cause
    // in clear words.
    for (spec, cause) in [
        (
            "branch = \"nope\"",
            "failed to find branch `nope` in git repository",
        ),
        ("tag = \"v9\"", "failed to find tag `v9` in git repository"),
        (
            "rev = \"abcdef1234\"",
            "failed to find revision `abcdef1234` in git repository",
        ),
        (
            "rev = \"refs/pull/1/head\"",
            "failed to find rev `refs/pull/1/head` in git repository",
        ),
    ] {
        let (m, c) = twins(&repo.url(), spec);
        let mo = m.mycargo("build").with_status(101).run();
        let co = c.cargo("build").with_status(101).run();
        assert_eq!(error_frames(&mo, 3), error_frames(&co, 3), "{spec}");
        assert!(mo.stderr.contains(cause), "{}", mo.stderr);
        assert!(!lock_exists(&m));
    }
    let (m, _) = twins(&repo.url(), "branch = \"mastr\"");
    m.mycargo("build")
        .with_status(101)
        .with_stderr_contains("help: a branch with a similar name exists: `master`")
        .run();
}

/// `error: ...` and the first `Caused by:` blocks after it: cargo's
/// context, in mycargo's words.
fn error_frames(out: &mycargo_test_support::Output, n: usize) -> Vec<String> {
    let err = out.stderr_as_mycargo();
    let from = err
        .find("error:")
        .unwrap_or_else(|| panic!("no error in {err}"));
    err[from..]
        .split("\n\nCaused by:\n")
        .take(n)
        .map(str::to_string)
        .collect()
}

/// The names in a directory, sorted (empty if it is missing).
fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn cargo_home(p: &Project, tool: Tool) -> std::path::PathBuf {
    p.test_root().cargo_home(tool)
}

/// The only checkout of the only git repository in `tool`'s home.
fn only_checkout(p: &Project, tool: Tool) -> std::path::PathBuf {
    let checkouts = cargo_home(p, tool).join("git/checkouts");
    let idents = entries(&checkouts);
    assert_eq!(idents.len(), 1, "{idents:?}");
    let dir = checkouts.join(&idents[0]);
    let shorts = entries(&dir);
    assert_eq!(shorts.len(), 1, "{shorts:?}");
    dir.join(&shorts[0])
}

/// `cmd` with both tools: the same exit code, stdout and stderr (redacted;
/// cargo's in mycargo's words), and the same lock file after it.
#[track_caller]
fn same(m: &Project, c: &Project, cmd: &str) -> mycargo_test_support::Output {
    let mo = m.mycargo(cmd).with_any_status().run();
    let co = c.cargo(cmd).with_any_status().run();
    assert_same_output(&mo, &co);
    let (ml, cl) = (m.root().join("Cargo.lock"), c.root().join("Cargo.lock"));
    assert_eq!(
        ml.exists(),
        cl.exists(),
        "{cmd}: lock file made by one tool only"
    );
    if ml.exists() {
        assert_eq!(lock(m), lock(c), "{cmd}");
    }
    mo
}

/// A repository with a data file and a Rust module, used as a submodule.
fn sub_repo(dir: &std::path::Path) -> git::Repo {
    git::repo(dir.join("sub"))
        .file("data.txt", "from the submodule\n")
        .file("extra.rs", "pub fn extra() -> u32 { 7 }\n")
        .commit()
}

/// `dep`, whose code comes partly from the submodule at `vendor`.
fn dep_with_submodule(dir: &std::path::Path, sub: &git::Repo) -> git::Repo {
    let repo = git::repo(dir.join("dep"))
        .file("Cargo.toml", dep_manifest("dep"))
        .file(
            "src/lib.rs",
            "#[path = \"../vendor/extra.rs\"]\nmod extra;\n\
             pub fn f() -> String { format!(\"{} {}\", include_str!(\"../vendor/data.txt\").trim(), extra::extra()) }\n",
        )
        .commit();
    repo.add_submodule(&sub.url(), "vendor");
    repo
}

#[test]
fn submodule_is_checked_out_from_its_own_database_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let sub = sub_repo(dir.path());
    let repo = dep_with_submodule(dir.path(), &sub);
    let (m, c) = twins(&repo.url(), "");
    let out = same(&m, &c, "run");
    assert_eq!(out.stdout, "from the submodule 7\n");
    assert!(
        out.stderr
            .contains(&format!("Updating git submodule `{}`", sub.url())),
        "{}",
        out.stderr
    );
    assert!(lock(&m).contains(&repo.head_id()));
    // One database per repository, the submodule's too, with cargo's names;
    // the submodule's work tree is marked complete as cargo marks it.
    let dbs = entries(&cargo_home(&m, Tool::Mycargo).join("git/db"));
    assert_eq!(dbs, entries(&cargo_home(&c, Tool::Cargo).join("git/db")));
    assert_eq!(dbs.len(), 2, "{dbs:?}");
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        let co = only_checkout(p, tool);
        assert!(co.join(".cargo-ok").is_file(), "{tool:?}");
        assert!(co.join("vendor/.cargo-ok").is_file(), "{tool:?}");
        assert_eq!(
            std::fs::read_to_string(co.join("vendor/data.txt")).unwrap(),
            "from the submodule\n"
        );
    }

    // The checkout is gone (cleaned, say): made again offline, from the
    // two databases, submodule included.
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        std::fs::remove_dir_all(cargo_home(p, tool).join("git/checkouts")).unwrap();
        std::fs::remove_dir_all(p.root().join("target")).unwrap();
    }
    let out = same(&m, &c, "run --offline");
    assert_eq!(out.stdout, "from the submodule 7\n");
    assert!(!out.stderr.contains("Updating"), "{}", out.stderr);

    // Interrupted while updating the submodule: no `.cargo-ok`, a file
    // half written, one not written yet. The next run does it again.
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        let co = only_checkout(p, tool);
        std::fs::remove_file(co.join(".cargo-ok")).unwrap();
        std::fs::write(co.join("src/lib.rs"), "pub fn f(").unwrap();
        std::fs::remove_file(co.join("vendor/data.txt")).unwrap();
        std::fs::remove_dir_all(p.root().join("target")).unwrap();
    }
    let out = same(&m, &c, "run --offline");
    assert_eq!(out.stdout, "from the submodule 7\n");
    let co = only_checkout(&m, Tool::Mycargo);
    assert!(co.join(".cargo-ok").is_file());
    assert!(co.join("vendor/data.txt").is_file());
}

#[test]
fn offline_uses_the_database_and_fails_clearly_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("dep"))
        .file("Cargo.toml", dep_manifest("dep"))
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .commit();
    let first = repo.head_id();
    let (m, c) = twins(&repo.url(), "");
    // Nothing cached: both refuse, naming the repository.
    let out = same(&m, &c, "build --offline");
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr.contains(&format!(
            "can't checkout from '{}': you are in the offline mode (--offline)",
            repo.url()
        )),
        "{}",
        out.stderr
    );
    same(&m, &c, "build");
    // A new commit, a new lock file, offline: the database's commit.
    repo.change_file("src/lib.rs", "pub fn f() -> u32 { 2 }\n");
    repo.commit_all("second");
    for p in [&m, &c] {
        std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
    }
    let out = same(&m, &c, "run --offline");
    assert_eq!(out.stdout, "1\n");
    assert!(lock(&m).contains(&first));
    // Online, `update` takes the new commit, as cargo's does.
    same(&m, &c, "update");
    assert!(lock(&m).contains(&repo.head_id()), "{}", lock(&m));
    assert_eq!(same(&m, &c, "run").stdout, "2\n");
}

#[test]
fn git_dependency_in_workspace_dependencies_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("dep"))
        .file(
            "Cargo.toml",
            format!("{}\n[features]\nextra = []\n", dep_manifest("dep")),
        )
        .file(
            "src/lib.rs",
            "pub fn f() -> u32 { if cfg!(feature = \"extra\") { 2 } else { 1 } }\n",
        )
        .commit();
    repo.branch("stable");
    let (m, c) = project()
        .file(
            "Cargo.toml",
            format!(
                "[workspace]\nmembers = [\"app\", \"lib\"]\nresolver = \"2\"\n\n\
                 [workspace.dependencies]\ndep = {{ git = \"{}\", branch = \"stable\" }}\n",
                repo.url()
            ),
        )
        .file(
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\ndep = { workspace = true, features = [\"extra\"] }\nlib = { path = \"../lib\" }\n",
        )
        .file(
            "app/src/main.rs",
            "fn main() { println!(\"{} {}\", dep::f(), lib::g()); }\n",
        )
        .file(
            "lib/Cargo.toml",
            "[package]\nname = \"lib\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\ndep.workspace = true\n",
        )
        .file("lib/src/lib.rs", "pub fn g() -> u32 { dep::f() * 10 }\n")
        .build_twins();
    let out = same(&m, &c, "run -p app");
    assert_eq!(out.stdout, "2 20\n");
    assert!(
        lock(&m).contains(&format!(
            "git+{}?branch=stable#{}",
            repo.url(),
            repo.head_id()
        )),
        "{}",
        lock(&m)
    );
    same(&m, &c, "tree");
}

#[test]
fn tree_metadata_and_pkgid_show_git_sources_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("ws"))
        .file("Cargo.toml", "[workspace]\nmembers = [\"dep\", \"util\"]\n")
        .file(
            "dep/Cargo.toml",
            format!(
                "{}\n[dependencies]\nutil = {{ path = \"../util\" }}\n",
                dep_manifest("dep")
            ),
        )
        .file("dep/src/lib.rs", "pub fn f() -> u32 { util::g() }\n")
        .file("util/Cargo.toml", dep_manifest("util"))
        .file("util/src/lib.rs", "pub fn g() -> u32 { 3 }\n")
        .commit();
    repo.branch("dev");
    let (m, c) = twins(&repo.url(), "branch = \"dev\"");
    same(&m, &c, "generate-lockfile");
    for cmd in [
        "tree",
        "tree -i util",
        "tree -e features --prefix depth",
        "tree -f {p}|{r}",
        "metadata --format-version 1",
        "metadata --format-version 1 --no-deps",
        "pkgid dep",
        "pkgid util",
    ] {
        same(&m, &c, cmd);
    }
    let tree = m.mycargo("tree").run().stdout;
    assert!(
        tree.contains(&format!("dep v0.1.0 ({}?branch=dev#", repo.url())),
        "{tree}"
    );
}

#[test]
fn unreachable_repository_and_missing_package_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = git::path_to_url(&dir.path().join("nonexistent"));
    let (m, c) = twins(&missing, "");
    let mo = m.mycargo("build").with_status(101).run();
    let co = c.cargo("build").with_status(101).run();
    let frames = error_frames(&mo, 3);
    assert_eq!(frames, error_frames(&co, 3));
    assert_eq!(frames[2], format!("  unable to update {missing}"));
    // mycargo says what is wrong, and does not retry a local path.
    let err = mo.stderr_redacted();
    assert!(
        err.contains(&format!(
            "failed to fetch git repository `{missing}`: the repository could not be reached"
        )),
        "{err}"
    );
    assert!(!err.contains("spurious"), "{err}");
    assert!(!lock_exists(&m));
    // The failed attempt leaves nothing a later run trusts: once the
    // repository exists, the same project builds.
    git::repo(dir.path().join("nonexistent"))
        .file("Cargo.toml", dep_manifest("dep"))
        .file("src/lib.rs", "pub fn f() -> u32 { 5 }\n")
        .commit();
    assert_eq!(same(&m, &c, "run").stdout, "5\n");

    // A repository without the package: cargo's words, then the packages
    // the repository has.
    let repo = git::repo(dir.path().join("two"))
        .file("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n")
        .file("a/Cargo.toml", dep_manifest("alpha"))
        .file("a/src/lib.rs", "")
        .file("b/Cargo.toml", dep_manifest("beta"))
        .file("b/src/lib.rs", "")
        .commit();
    let (m, c) = twins(&repo.url(), "");
    let mo = m.mycargo("build").with_status(101).run();
    let co = c.cargo("build").with_status(101).run();
    let cargo_error = co.stderr_redacted();
    let cargo_error = &cargo_error[cargo_error.find("error:").unwrap()..];
    let err = mo.stderr_redacted();
    assert!(
        err.contains(cargo_error.trim_end()),
        "{err}\n---\n{cargo_error}"
    );
    assert!(
        err.contains(&format!(
            "location searched: Git repository {}\n",
            repo.url()
        )),
        "{err}"
    );
    assert!(
        !err.contains("has 2 packages"),
        "the hint is for -vv: {err}"
    );
    // Under -vv, the explanation and the packages the repository has.
    let err = m
        .mycargo("build -vv")
        .with_status(101)
        .run()
        .stderr_redacted();
    assert!(err.contains("why no versions fit:"), "{err}");
    assert!(err.contains("has 2 packages: `alpha`, `beta`"), "{err}");
}

fn lock_exists(p: &Project) -> bool {
    p.root().join("Cargo.lock").exists()
}

#[test]
fn interrupted_fetch_or_checkout_is_never_trusted_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("dep"))
        .file("Cargo.toml", dep_manifest("dep"))
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .commit();
    let (m, c) = twins(&repo.url(), "");
    same(&m, &c, "build");
    let both = [(&m, Tool::Mycargo), (&c, Tool::Cargo)];
    let db = |p: &Project, tool: Tool| {
        let dbs = cargo_home(p, tool).join("git/db");
        let names = entries(&dbs);
        assert_eq!(names.len(), 1, "{names:?}");
        dbs.join(&names[0])
    };

    // A checkout interrupted before `.cargo-ok`: half-written sources and
    // a stray file. Made again (offline: from the database).
    for (p, tool) in both {
        let co = only_checkout(p, tool);
        std::fs::remove_file(co.join(".cargo-ok")).unwrap();
        std::fs::write(co.join("src/lib.rs"), "pub fn f(").unwrap();
        std::fs::write(co.join("stray.rs"), "").unwrap();
        std::fs::remove_dir_all(p.root().join("target")).unwrap();
    }
    assert_eq!(same(&m, &c, "run --offline").stdout, "1\n");
    for (p, tool) in both {
        let co = only_checkout(p, tool);
        assert!(co.join(".cargo-ok").is_file(), "{tool:?}");
        assert!(!co.join("stray.rs").exists(), "{tool:?}");
    }

    // Interrupted before the clone wrote anything: an empty directory.
    for (p, tool) in both {
        let co = only_checkout(p, tool);
        std::fs::remove_dir_all(&co).unwrap();
        std::fs::create_dir_all(co.join("src")).unwrap();
        std::fs::remove_dir_all(p.root().join("target")).unwrap();
    }
    assert_eq!(same(&m, &c, "run --offline").stdout, "1\n");

    // A fetch interrupted after its refs but before its objects: the
    // database names the locked commit but lacks it. Fetched again.
    for (p, tool) in both {
        for pack in entries(&db(p, tool).join("objects/pack")) {
            std::fs::remove_file(db(p, tool).join("objects/pack").join(pack)).unwrap();
        }
        std::fs::remove_dir_all(cargo_home(p, tool).join("git/checkouts")).unwrap();
        std::fs::remove_dir_all(p.root().join("target")).unwrap();
    }
    let out = same(&m, &c, "run");
    assert_eq!(out.stdout, "1\n");
    assert!(
        out.stderr.contains("Updating git repository"),
        "{}",
        out.stderr
    );

    // A database that is not a repository any more.
    for (p, tool) in both {
        let db = db(p, tool);
        std::fs::remove_dir_all(&db).unwrap();
        std::fs::create_dir_all(&db).unwrap();
        std::fs::write(db.join("HEAD"), "garbage").unwrap();
        std::fs::remove_dir_all(cargo_home(p, tool).join("git/checkouts")).unwrap();
    }
    assert_eq!(same(&m, &c, "run").stdout, "1\n");
    assert!(lock(&m).contains(&repo.head_id()));
}

/// `net.git-fetch-with-cli`: the `git` on PATH does the fetching, with the
/// same arguments cargo gives it.
#[cfg(unix)]
#[test]
fn git_fetch_with_cli_runs_the_git_executable_like_cargo() {
    let real_git = std::process::Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    let real_git = String::from_utf8(real_git.stdout).unwrap();
    let real_git = real_git.trim();
    assert!(!real_git.is_empty(), "git is not installed");
    let dir = tempfile::tempdir().unwrap();
    let sub = sub_repo(dir.path());
    let repo = dep_with_submodule(dir.path(), &sub);
    let (m, c) = twins(&repo.url(), "");
    let path = std::env::var("PATH").unwrap_or_default();
    let mut logs = Vec::new();
    for p in [&m, &c] {
        p.change_file(".cargo/config.toml", "[net]\ngit-fetch-with-cli = true\n");
        let bin = p.test_root().join("bin");
        let log = p.test_root().join("git.log");
        std::fs::create_dir_all(&bin).unwrap();
        let wrapper = bin.join("git");
        mycargo_test_support::write_executable(
            &wrapper,
            &format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{real_git}' \"$@\"\n",
                log.display()
            ),
        );
        logs.push((log, format!("{}:{path}", bin.display())));
    }
    let mo = m.mycargo("run").env("PATH", &logs[0].1).run();
    let co = c.cargo("run").env("PATH", &logs[1].1).run();
    assert_eq!(mo.stdout, co.stdout);
    assert_eq!(mo.stdout, "from the submodule 7\n");
    assert_eq!(lock(&m), lock(&c));
    let mine = std::fs::read_to_string(&logs[0].0).unwrap();
    let theirs = std::fs::read_to_string(&logs[1].0).unwrap();
    assert!(
        mine.starts_with(&format!(
            "fetch --no-tags --force --update-head-ok {} +HEAD:refs/remotes/origin/HEAD\n",
            repo.url()
        )),
        "{mine}"
    );
    // The repository, then the submodule's database.
    assert_eq!(mine, theirs);
}
