//! Registries whose index is a git repository (the protocol before sparse):
//! a `file://` index made from the local test registry, its `.crate`s and
//! API served by that registry over HTTP. mycargo and the installed cargo
//! run the same commands on twin projects and must print and lock the
//! same; mycargo must lay the index out as cargo does.

use std::path::{Path, PathBuf};

use mycargo_test_support::execs::Tool;
use mycargo_test_support::project::Project;
use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{TestRoot, project};

use crate::twin::same;

/// `[source.crates-io]` replaced by the git index at `url`.
fn replace_with_git_index(root: &TestRoot, url: &str) {
    let toml = format!(
        "[source.crates-io]\nreplace-with = \"gitreg\"\n\n[source.gitreg]\nregistry = \"{url}\"\n"
    );
    for tool in [Tool::Mycargo, Tool::Cargo] {
        let home = root.cargo_home(tool);
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(home.join("config.toml"), &toml).unwrap();
    }
}

fn twins(root: &TestRoot, manifest: &str) -> (Project, Project) {
    let make = |dir: &str| {
        project()
            .in_root(root)
            .at(dir)
            .file("Cargo.toml", manifest)
            .file("src/lib.rs", "")
            .build()
    };
    (make("m"), make("c"))
}

const FOO: &str = r#"
[package]
name = "foo"
version = "0.1.0"
edition = "2021"

[dependencies]
bar = "1"
"#;

/// The directories under `registry/<what>/` of a tool's home.
fn dirs(root: &TestRoot, tool: Tool, what: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.cargo_home(tool).join("registry").join(what))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn index_dir(root: &TestRoot, tool: Tool) -> PathBuf {
    let dirs = dirs(root, tool, "index");
    assert_eq!(dirs.len(), 1, "one index directory: {dirs:?}");
    root.cargo_home(tool).join("registry/index").join(&dirs[0])
}

#[test]
fn fetch_update_and_offline_as_cargo() {
    let reg = Registry::new();
    Package::new("baz", "0.2.0").publish(&reg);
    Package::new("bar", "1.0.0").dep("baz", "0.2").publish(&reg);
    let root = TestRoot::new_separate_homes();
    let index = root.path().join("git-index");
    let url = reg.write_git_index(&index);
    replace_with_git_index(&root, &url);
    let (m, c) = twins(&root, FOO);

    let err = same(&m, &c, "generate-lockfile");
    assert!(err.contains("Updating `gitreg` index"), "{err}");
    assert_eq!(
        err.matches("Updating").count(),
        1,
        "the index is fetched once: {err}"
    );
    let err = same(&m, &c, "fetch");
    assert!(err.contains("Downloaded bar v1.0.0"), "{err}");
    assert!(m.read_file("Cargo.lock").contains("name = \"baz\""));

    // cargo's layout: the same directory names, a non-bare repository
    // with the fetched index at refs/remotes/origin/HEAD, `.cache` entries.
    for what in ["index", "cache", "src"] {
        assert_eq!(
            dirs(&root, Tool::Mycargo, what),
            dirs(&root, Tool::Cargo, what),
            "registry/{what}"
        );
    }
    let mine = index_dir(&root, Tool::Mycargo);
    let repo = git2::Repository::open(&mine).unwrap();
    assert!(!repo.is_bare());
    assert!(repo.find_reference("refs/remotes/origin/HEAD").is_ok());
    let cache = mine.join(".cache/3/b/bar");
    let theirs = index_dir(&root, Tool::Cargo).join(".cache/3/b/bar");
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        std::fs::read(&theirs).unwrap(),
        "the .cache entry is cargo's, byte for byte"
    );

    // A new version reaches the index: `update` fetches and moves.
    Package::new("bar", "1.1.0").dep("baz", "0.2").publish(&reg);
    reg.write_git_index(&index);
    let err = same(&m, &c, "update");
    assert!(err.contains("bar v1.0.0 -> v1.1.0"), "{err}");

    same(&m, &c, "fetch");

    // Offline, what was fetched is all there is: 1.2.0 is not seen.
    Package::new("bar", "1.2.0").dep("baz", "0.2").publish(&reg);
    reg.write_git_index(&index);
    std::fs::remove_file(m.root().join("Cargo.lock")).unwrap();
    std::fs::remove_file(c.root().join("Cargo.lock")).unwrap();
    same(&m, &c, "generate-lockfile --offline");
    assert!(m.read_file("Cargo.lock").contains("version = \"1.1.0\""));

    // A build that the lock file pins reads the index without fetching.
    m.mycargo("build --offline").run();
    m.read_file("Cargo.lock");
    let out = m.mycargo("build").run();
    assert!(!out.stderr.contains("Updating"), "{}", out.stderr);
}

#[test]
fn a_missing_index_is_an_error_naming_it() {
    let root = TestRoot::new_separate_homes();
    let url = url::Url::from_file_path(root.path().join("no-such-index"))
        .unwrap()
        .to_string();
    replace_with_git_index(&root, &url);
    let (m, c) = twins(&root, FOO);
    let out = m.mycargo("generate-lockfile").with_status(101).run();
    assert!(
        out.stderr.contains("Updating `gitreg` index"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("no-such-index"), "{}", out.stderr);
    c.cargo("generate-lockfile").with_status(101).run();
    assert!(!m.root().join("Cargo.lock").exists());
}

/// Rewrite the git index whenever the API has taken a new publication,
/// until `done` (the registry's own index is updated by the API; a git
/// index needs a commit).
fn mirror_publications(reg: &Registry, index: &Path, api_seen: impl Fn() -> usize) {
    let mut last = 0;
    for _ in 0..600 {
        let n = api_seen();
        if n != last {
            reg.write_git_index(index);
            last = n;
            if n >= 1 {
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Publish `pubme` with `tool` to a fresh registry whose index is a git
/// repository (kept up to date by a thread, as a registry's service
/// would); the redacted stderr, and what the registry took.
fn publish_with(tool: Tool) -> (String, usize, bool) {
    const TOKEN: &str = "sekrit";
    let reg = Registry::new();
    let api = reg.serve_api(TOKEN);
    let root = TestRoot::new_separate_homes();
    let index = root.path().join("git-index");
    let url = reg.write_git_index(&index);
    let home = root.cargo_home(tool);
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!("[registries.gitreg]\nindex = \"{url}\"\ntoken = \"{TOKEN}\"\n"),
    )
    .unwrap();
    let p = project()
        .in_root(&root)
        .at("p")
        .file(
            "Cargo.toml",
            "[package]\nname = \"pubme\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             description = \"d\"\nlicense = \"MIT\"\n",
        )
        .file("src/lib.rs", "")
        .build();
    let args = "publish --no-verify --allow-dirty --registry gitreg";
    let out = std::thread::scope(|s| {
        s.spawn(|| mirror_publications(&reg, &index, || api.publishes().len()));
        match tool {
            Tool::Cargo => p.cargo(args).run(),
            _ => p.mycargo(args).run(),
        }
    });
    let indexed = reg.index_file("pubme").is_some();
    (out.stderr_redacted(), api.publishes().len(), indexed)
}

#[test]
fn publish_to_a_git_index_waits_for_it_as_cargo() {
    let (mine, mine_n, mine_indexed) = publish_with(Tool::Mycargo);
    let (theirs, theirs_n, _) = publish_with(Tool::Cargo);
    assert_eq!(mine, theirs, "stderr of publish");
    assert_eq!(mine.matches("Updating `gitreg` index").count(), 1, "{mine}");
    assert!(
        mine.contains("Published pubme v0.1.0 at registry `gitreg`"),
        "{mine}"
    );
    assert_eq!((mine_n, theirs_n), (1, 1));
    assert!(mine_indexed);
}

/// `search` on a registry with a git index fetches the index (for its
/// `config.json`) and says so, once: an index already fetched is read as
/// it is, as cargo does.
#[test]
fn search_a_git_index_as_cargo() {
    const TOKEN: &str = "sekrit";
    let reg = Registry::new();
    Package::new("findme", "1.0.0").publish(&reg);
    let _api = reg.serve_api(TOKEN);
    let root = TestRoot::new_separate_homes();
    let index = root.path().join("git-index");
    let url = reg.write_git_index(&index);
    let mut outs = Vec::new();
    for tool in [Tool::Mycargo, Tool::Cargo] {
        let home = root.cargo_home(tool);
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join("config.toml"),
            format!("[registries.gitreg]\nindex = \"{url}\"\n"),
        )
        .unwrap();
        let p = project().in_root(&root).at(format!("p-{tool:?}")).build();
        let first = p
            .tool(tool, "search findme --registry gitreg")
            .with_any_status()
            .run();
        let second = p
            .tool(tool, "search findme --registry gitreg")
            .with_any_status()
            .run();
        outs.push((first.stderr_redacted(), second.stderr_redacted()));
    }
    assert_eq!(outs[0], outs[1], "stderr of search (mycargo, cargo)");
    assert!(
        outs[0].0.contains("Updating `gitreg` index"),
        "{:?}",
        outs[0]
    );
    assert!(!outs[0].1.contains("Updating"), "{:?}", outs[0]);
}
