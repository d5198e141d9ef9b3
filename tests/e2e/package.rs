//! `mycargo package` against the installed cargo: the same `.crate` bytes,
//! the same `--list`, the same warnings and errors.

use std::collections::BTreeMap;
use std::path::Path;

use mycargo_test_support::compare::assert_same_output;
use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{Output, Project, ProjectBuilder, Tool, git, project};

/// Every `.crate` under `target/package`, by file name.
fn crates(p: &Project) -> BTreeMap<String, Vec<u8>> {
    let dir = p.root().join("target/package");
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    for e in entries {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "crate") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, std::fs::read(&path).unwrap());
        }
    }
    out
}

fn commit_all(dir: &Path) {
    let repo = git::init(dir);
    git::add(&repo);
    git::commit(&repo, "Initial commit");
}

/// Build twins (in git when asked), run `cmd` with both tools, and check
/// the outputs and every `.crate` are the same. Returns mycargo's twin.
fn same_as_cargo(builder: ProjectBuilder, in_git: bool, cmd: &str) -> (Project, Output) {
    let (m, c) = builder.build_twins();
    if in_git {
        commit_all(&m.root());
        commit_all(&c.root());
    }
    // Offline: packaging path dependencies as registry ones must not
    // reach for the real index.
    let mo = m
        .mycargo(cmd)
        .env("CARGO_NET_OFFLINE", "true")
        .with_any_status()
        .run();
    let co = c
        .cargo(cmd)
        .env("CARGO_NET_OFFLINE", "true")
        .with_any_status()
        .run();
    assert_same_output(&mo, &co);
    let (mc, cc) = (crates(&m), crates(&c));
    assert_eq!(
        mc.keys().collect::<Vec<_>>(),
        cc.keys().collect::<Vec<_>>(),
        "{}",
        mo.stderr
    );
    for (name, bytes) in &cc {
        assert!(mc[name] == *bytes, "{name} differs from cargo's");
    }
    (m, mo)
}

fn plain() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
        )
        .file("src/lib.rs", "pub fn f() -> u32 { 1 }\n")
        .file("src/main.rs", "fn main() { println!(\"{}\", foo::f()); }\n")
        .file(".hidden/x", "x\n")
        .file("notes.txt", "n\n")
}

#[test]
fn plain_package_outside_git_with_verification() {
    let (m, out) = same_as_cargo(plain(), false, "package");
    assert!(
        out.stderr.contains("Verifying foo v0.1.0"),
        "{}",
        out.stderr
    );
    assert!(
        m.root()
            .join("target/package/foo-0.1.0/src/main.rs")
            .is_file()
    );
    assert_eq!(crates(&m).len(), 1);
}

#[test]
fn plain_package_in_git() {
    same_as_cargo(
        plain().file(".gitignore", "/target\nnotes.txt\n"),
        true,
        "package --no-verify",
    );
}

#[test]
fn list_matches_cargo_in_and_out_of_git() {
    let (_, out) = same_as_cargo(plain(), false, "package --list");
    assert_eq!(
        out.stdout,
        "Cargo.lock\nCargo.toml\nCargo.toml.orig\nnotes.txt\nsrc/lib.rs\nsrc/main.rs\n"
    );
    let (_, out) = same_as_cargo(
        plain().file(".gitignore", "/target\nnotes.txt\n"),
        true,
        "package --list",
    );
    assert!(
        out.stdout
            .contains(".cargo_vcs_info.json\n.gitignore\n.hidden/x\n")
    );
    assert!(!out.stdout.contains("notes.txt"));
}

#[test]
fn dirty_tree_needs_allow_dirty() {
    let (m, c) = plain().build_twins();
    for p in [&m, &c] {
        commit_all(&p.root());
        p.change_file("src/lib.rs", "pub fn f() -> u32 { 2 }\n");
        p.change_file("new.txt", "new\n");
    }
    let mo = m.mycargo("package --no-verify").with_status(101).run();
    let co = c.cargo("package --no-verify").with_status(101).run();
    assert_same_output(&mo, &co);
    assert!(
        mo.stderr
            .contains("2 files in the working directory contain changes")
    );
    let mo = m.mycargo("package --no-verify --allow-dirty").run();
    let co = c.cargo("package --no-verify --allow-dirty").run();
    assert_same_output(&mo, &co);
    assert_eq!(crates(&m), crates(&c));
}

fn workspace() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[workspace]
members = ["foo", "dep", "devonly"]
resolver = "2"

[workspace.package]
version = "1.2.3"
edition = "2021"
authors = ["A <a@example.com>", "B"]
description = "a \"quoted\" description\nwith newline"
license = "MIT"
repository = "https://example.com/repo"
keywords = ["a", "b"]
categories = ["development-tools"]
rust-version = "1.70"

[workspace.dependencies]
dep = { path = "dep", version = "0.3" }

[workspace.lints.rust]
unsafe_code = "deny"
"#,
        )
        .file(
            "foo/Cargo.toml",
            r#"[package]
name = "foo"
version.workspace = true
edition.workspace = true
authors.workspace = true
description.workspace = true
license.workspace = true
repository.workspace = true
keywords.workspace = true
categories.workspace = true
rust-version.workspace = true
homepage = "https://home"
readme = "README.md"
default-run = "foo"
exclude = ["secret.txt"]

[package.metadata.docs]
x = 1

[features]
default = ["std"]
std = []
extra = ["dep:serde_like"]

[dependencies]
dep = { workspace = true, features = ["f"] }
serde_like = { package = "ser", path = "dep2", version = "0.1", optional = true }

[dev-dependencies]
devonly = { path = "../devonly" }

[build-dependencies]
dep.workspace = true

[target.'cfg(unix)'.dependencies]
dep3 = { path = "../dep", version = "0.3", package = "dep" }

[lints]
workspace = true

[badges]
maintenance = { status = "actively-developed" }

[[bin]]
name = "other"
path = "src/bin/other.rs"
"#,
        )
        .file("foo/build.rs", "fn main() {}\n")
        .file("foo/src/lib.rs", "pub fn x() {}\n")
        .file("foo/src/main.rs", "fn main() {}\n")
        .file("foo/src/bin/other.rs", "fn main() {}\n")
        .file("foo/src/bin/third.rs", "fn main() {}\n")
        .file("foo/examples/ex.rs", "fn main() {}\n")
        .file("foo/tests/it.rs", "#[test]\nfn t() {}\n")
        .file("foo/benches/b.rs", "\n")
        .file("foo/README.md", "hi\n")
        .file("foo/secret.txt", "s\n")
        .file(
            "foo/dep2/Cargo.toml",
            "[package]\nname = \"ser\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("foo/dep2/src/lib.rs", "\n")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.3.1\"\nedition = \"2021\"\n[features]\nf = []\n",
        )
        .file("dep/src/lib.rs", "pub fn d() {}\n")
        .file(
            "devonly/Cargo.toml",
            "[package]\nname = \"devonly\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("devonly/src/lib.rs", "\n")
        .file(".gitignore", "/target\n")
}

#[test]
fn workspace_inheritance_and_path_version_deps() {
    let (_, out) = same_as_cargo(workspace(), true, "package --workspace --no-verify");
    for name in ["dep v0.3.1", "devonly v0.1.0", "ser v0.1.0", "foo v1.2.3"] {
        assert!(
            out.stderr.contains(&format!("Packaging {name}")),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn member_with_path_version_deps_without_lockfile() {
    let (m, c) = workspace().build_twins();
    let mo = m
        .mycargo("package --no-verify --exclude-lockfile")
        .cwd(m.root().join("foo"))
        .run();
    let co = c
        .cargo("package --no-verify --exclude-lockfile")
        .cwd(c.root().join("foo"))
        .run();
    assert_same_output(&mo, &co);
    assert_eq!(crates(&m), crates(&c));
}

#[test]
fn member_outside_git_and_executable_build_script() {
    let (m, c) = workspace().build_twins();
    for p in [&m, &c] {
        let script = p.root().join("foo/build.rs");
        let mut perms = std::fs::metadata(&script).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&script, perms).unwrap();
    }
    let cmd = "package -p dep -p ser -p foo --no-verify";
    let mo = m.mycargo(cmd).env("CARGO_NET_OFFLINE", "true").run();
    let co = c.cargo(cmd).env("CARGO_NET_OFFLINE", "true").run();
    assert_same_output(&mo, &co);
    assert_eq!(crates(&m), crates(&c));
}

fn include_exclude() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "inc"
version = "0.1.0"
edition = "2021"
license = "MIT"
description = "d"
homepage = "h"
include = ["src/**/*.rs", "/data", "*.md", "!src/skip.rs", "ign.txt", ".hid", "Cargo.toml"]
"#,
        )
        .file("src/lib.rs", "\n")
        .file("src/a/b.rs", "\n")
        .file("src/skip.rs", "\n")
        .file("data/x/y.bin", "y\n")
        .file("README.md", "r\n")
        .file("sub.md", "s\n")
        .file("notes.txt", "n\n")
        .file("ign.txt", "i\n")
        .file(".hid", "h\n")
        .file("build.rs", "fn main() {}\n")
        .file(".gitignore", "ign.txt\n/target\n")
}

#[test]
fn include_patterns_outside_and_inside_git() {
    let (_, out) = same_as_cargo(include_exclude(), false, "package --list");
    assert!(out.stdout.contains(".hid\n") && !out.stdout.contains("skip.rs"));
    same_as_cargo(include_exclude(), false, "package --no-verify");
    same_as_cargo(include_exclude(), true, "package --no-verify --allow-dirty");
}

#[test]
fn exclude_patterns_and_nested_packages() {
    let builder = plain()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\nexclude = [\"notes.txt\", \"/docs/\"]\n",
        )
        .file("docs/a.md", "a\n")
        .file("deep/docs/b.md", "b\n")
        .file("nested/Cargo.toml", "[package]\nname = \"nested\"\nversion = \"0.1.0\"\n")
        .file("nested/src/lib.rs", "\n")
        .file("sub/target/c", "c\n");
    let (_, out) = same_as_cargo(builder.clone(), false, "package --list");
    assert!(out.stdout.contains("deep/docs/b.md") && !out.stdout.contains("nested"));
    same_as_cargo(builder, true, "package --no-verify");
}

#[test]
fn publish_false_and_files_from_outside() {
    let builder = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"q\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\nlicense-file = \"../LIC\"\nreadme = \"../README.md\"\n",
        )
        .file("src/lib.rs", "\n")
        .file("../LIC", "l\n")
        .file("../README.md", "r\n");
    same_as_cargo(builder, false, "package");
}

#[test]
fn path_dependency_without_version_is_an_error() {
    let builder = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"nv\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nd = { path = \"d\" }\n",
        )
        .file("src/lib.rs", "\n")
        .file(
            "d/Cargo.toml",
            "[package]\nname = \"d\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("d/src/lib.rs", "\n");
    let (_, out) = same_as_cargo(builder, false, "package --no-verify");
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr
            .contains("dependency `d` does not specify a version")
    );
}

#[test]
fn metadata_warnings_and_no_metadata() {
    let builder = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"w\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n",
        )
        .file("src/lib.rs", "\n");
    let (_, out) = same_as_cargo(builder.clone(), false, "package --no-verify");
    assert!(
        out.stderr
            .contains("manifest has no description, documentation, homepage or repository")
    );
    let (_, out) = same_as_cargo(builder, false, "package --no-verify --no-metadata");
    assert!(!out.stderr.contains("warning"));
}

/// The redacted stderr, with each run of `Downloaded` lines sorted, and
/// of `Compiling` lines of registry packages (parallel downloads finish,
/// and independent crates compile, in any order in both tools).
fn stderr_sorted(out: &Output) -> String {
    let text = out.stderr_as_mycargo();
    let mut lines: Vec<&str> = text.lines().collect();
    let kinds: [fn(&str) -> bool; 2] = [
        |l| l.trim_start().starts_with("Downloaded "),
        |l| l.trim_start().starts_with("Compiling ") && l.contains(" (registry `"),
    ];
    for same_kind in kinds {
        let mut i = 0;
        while i < lines.len() {
            let run = lines[i..].iter().take_while(|l| same_kind(l)).count();
            lines[i..i + run].sort();
            i += run.max(1);
        }
    }
    lines.join("\n")
}

/// Both tools' runs ended alike: exit code, stdout, stderr (downloads
/// sorted), and every `.crate`.
#[track_caller]
fn assert_same_packaging(m: &Project, mo: &Output, c: &Project, co: &Output) {
    assert_eq!(mo.code(), co.code(), "{}\n{}", mo.describe(), co.describe());
    assert_eq!(mo.stdout_as_mycargo(), co.stdout_as_mycargo());
    assert_eq!(
        stderr_sorted(mo),
        stderr_sorted(co),
        "{}\n{}",
        mo.describe(),
        co.describe()
    );
    let (mc, cc) = (crates(m), crates(c));
    assert_eq!(mc.keys().collect::<Vec<_>>(), cc.keys().collect::<Vec<_>>());
    for (name, bytes) in &cc {
        assert!(mc[name] == *bytes, "{name} differs from cargo's");
    }
}

/// The file `path` inside the `.crate` `name`.
fn file_in_crate(p: &Project, name: &str, path: &str) -> String {
    use std::io::Read as _;
    let bytes = std::fs::read(p.root().join("target/package").join(name)).unwrap();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        if e.path().unwrap().to_string_lossy() == path {
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            return s;
        }
    }
    panic!("no {path} in {name}");
}

/// bar 1.0.0 and 1.1.0, baz 0.5.0 (on bar 1.0), and a dev-only crate.
fn registry_with_deps() -> Registry {
    let reg = Registry::new();
    for v in ["1.0.0", "1.1.0"] {
        Package::new("bar", v)
            .file("src/lib.rs", "pub fn f() {}\n")
            .publish(&reg);
    }
    Package::new("baz", "0.5.0")
        .dep("bar", "1.0")
        .file("src/lib.rs", "pub fn g() { bar::f() }\n")
        .publish(&reg);
    Package::new("devonly", "0.1.0").publish(&reg);
    Package::new("abc", "1.0.0").publish(&reg);
    reg
}

#[test]
fn registry_dependencies_locked_and_verified_as_cargo() {
    let reg = registry_with_deps();
    let (m, c) = project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "foo"
version = "0.1.0"
edition = "2021"
description = "d"
license = "MIT"
homepage = "https://example.invalid"

[dependencies]
baz = "0.5"
bar = "1"
"#,
        )
        .file("src/lib.rs", "pub fn x() { baz::g(); bar::f() }\n")
        .file("src/main.rs", "fn main() { foo::x() }\n")
        .build_twins();
    for p in [&m, &c] {
        reg.configure_home(p.test_root());
    }
    let mo = m.mycargo("package").run();
    let co = c.cargo("package").run();
    assert_same_packaging(&m, &mo, &c, &co);
    let err = mo.stderr_redacted();
    for line in [
        "   Packaging foo v0.1.0 ([ROOT]/foo)\n    Updating `local` index\n    Packaged 5 files",
        "   Verifying foo v0.1.0 ([ROOT]/foo)\n",
        "   Compiling bar v1.1.0\n   Compiling baz v0.5.0\n   Compiling foo v0.1.0 ([ROOT]/foo/target/package/foo-0.1.0)\n",
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    // The packaged lock has every registry package, from crates.io as the
    // lock file says it, with its checksum.
    let lock = file_in_crate(&m, "foo-0.1.0.crate", "foo-0.1.0/Cargo.lock");
    for name in ["bar", "baz"] {
        assert!(lock.contains(&format!("name = \"{name}\"")), "{lock}");
    }
    assert!(lock.contains("version = \"1.1.0\""), "{lock}");
    assert!(lock.contains(
        "source = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = "
    ));
    // Packaging writes no lock file of the workspace's.
    assert!(!m.root().join("Cargo.lock").exists());

    // With the workspace's lock file pinning bar at 1.0.0, the package
    // keeps it.
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        p.tool(tool, "generate-lockfile").run();
        p.tool(tool, "update bar --precise 1.0.0").run();
    }
    let mo = m.mycargo("package").run();
    let co = c.cargo("package").run();
    assert_same_packaging(&m, &mo, &c, &co);
    assert!(mo.stderr.contains("Compiling bar v1.0.0"), "{}", mo.stderr);
    let lock = file_in_crate(&m, "foo-0.1.0.crate", "foo-0.1.0/Cargo.lock");
    assert!(
        lock.contains("name = \"bar\"\nversion = \"1.0.0\""),
        "{lock}"
    );
    // `--exclude-lockfile` leaves it out, `--no-verify` builds nothing.
    let cmd = "package --exclude-lockfile --no-verify";
    let mo = m.mycargo(cmd).run();
    let co = c.cargo(cmd).run();
    assert_same_packaging(&m, &mo, &c, &co);

    // A new dev-dependency: the workspace's lock file is brought up to
    // date first, and the package's lock has it too.
    for p in [&m, &c] {
        p.change_file(
            "Cargo.toml",
            p.read_file("Cargo.toml") + "\n[dev-dependencies]\ndevonly = \"0.1\"\n",
        );
    }
    let mo = m.mycargo("package --no-verify").run();
    let co = c.cargo("package --no-verify").run();
    assert_same_packaging(&m, &mo, &c, &co);
    assert_eq!(m.read_file("Cargo.lock"), c.read_file("Cargo.lock"));
    let lock = file_in_crate(&m, "foo-0.1.0.crate", "foo-0.1.0/Cargo.lock");
    assert!(lock.contains("name = \"devonly\""), "{lock}");
    // `--locked` is about the workspace's lock file, which is up to date.
    let cmd = "package --locked --no-verify";
    let mo = m.mycargo(cmd).run();
    let co = c.cargo(cmd).run();
    assert_same_packaging(&m, &mo, &c, &co);
}

#[test]
fn registry_dependency_that_cannot_be_locked() {
    let reg = registry_with_deps();
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\ndescription = \"d\"\nhomepage = \"h\"\n\n[dependencies]\nbar = \"2\"\n",
        )
        .file("src/lib.rs", "")
        .build_twins();
    for p in [&m, &c] {
        reg.configure_home(p.test_root());
    }
    let mo = m.mycargo("package --no-verify").with_status(101).run();
    let co = c.cargo("package --no-verify").with_status(101).run();
    for out in [&mo, &co] {
        let err = out.stderr_redacted();
        assert!(
            err.contains(
                "error: failed to prepare local package for uploading\n\nCaused by:\n  failed to select a version for the requirement `bar = \"^2\"`"
            ),
            "{err}"
        );
        assert!(
            err.contains("required by package `foo v0.1.0 ([ROOT]/foo)`"),
            "{err}"
        );
    }
    assert!(crates(&m).is_empty() && crates(&c).is_empty());
}

/// A workspace for an alternate registry `alt`: `a` depends on `b` by
/// path and version, both on registry packages.
fn alt_workspace() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            r#"[package]
name = "a"
version = "0.1.0"
edition = "2021"
description = "a"
license = "MIT"
homepage = "h"
publish = ["alt"]

[dependencies]
b = { path = "../b", version = "0.2", registry = "alt" }
bar = { version = "1", registry = "alt" }
# Downloaded (and unpacked) in package order, around `b`.
abc = { version = "1", registry = "alt" }
devonly = { version = "0.1", registry = "alt" }
"#,
        )
        .file("a/src/lib.rs", "pub fn a() { b::b(); bar::f() }\n")
        .file("a/src/main.rs", "fn main() { a::a() }\n")
        .file(
            "b/Cargo.toml",
            r#"[package]
name = "b"
version = "0.2.0"
edition = "2021"
description = "b"
license = "MIT"
homepage = "h"
publish = ["alt"]

[dependencies]
baz = { version = "0.5", registry = "alt" }
"#,
        )
        .file("b/src/lib.rs", "pub fn b() { baz::g() }\n")
}

#[test]
fn workspace_members_verified_through_a_local_overlay() {
    let reg = registry_with_deps();
    let (m, c) = alt_workspace().build_twins();
    for p in [&m, &c] {
        reg.configure_home_alt(p.test_root(), "alt");
    }
    let mo = m.mycargo("package --workspace").run();
    let co = c.cargo("package --workspace").run();
    assert_same_packaging(&m, &mo, &c, &co);
    let err = mo.stderr_redacted();
    for line in [
        "   Verifying a v0.1.0 ([ROOT]/foo/a)\n    Updating `alt` index\n Downloading crates ...\n   Unpacking b v0.2.0 (registry `[ROOT]/foo/target/package/tmp-registry`)\n",
        "   Compiling b v0.2.0 (registry `alt`)\n   Compiling a v0.1.0 ([ROOT]/foo/target/package/a-0.1.0)\n",
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    // `a`'s lock file has `b` as the registry will have it: the checksum
    // of the `.crate` just made.
    let b = std::fs::read(m.root().join("target/package/b-0.2.0.crate")).unwrap();
    let lock = file_in_crate(&m, "a-0.1.0.crate", "a-0.1.0/Cargo.lock");
    let url = reg.index_url();
    assert!(
        lock.contains(&format!(
            "name = \"b\"\nversion = \"0.2.0\"\nsource = \"{url}\"\nchecksum = \"{}\"",
            mycargo_test_support::registry::sha256_hex(&b)
        )),
        "{lock}"
    );
    // The published manifest names the registry by its index.
    let toml = file_in_crate(&m, "a-0.1.0.crate", "a-0.1.0/Cargo.toml");
    assert!(
        toml.contains(&format!(
            "[dependencies.b]\nversion = \"0.2\"\nregistry-index = \"{url}\""
        )),
        "{toml}"
    );
    // Packaging `a` alone: `b` is not on the registry.
    let mo = m.mycargo("package -p a --no-verify").with_status(101).run();
    let co = c.cargo("package -p a --no-verify").with_status(101).run();
    for out in [&mo, &co] {
        let err = out.stderr_redacted();
        assert!(
            err.contains(
                "   Packaging a v0.1.0 ([ROOT]/foo/a)\n    Updating `alt` index\nerror: failed to prepare local package for uploading\n\nCaused by:\n  no matching package named `b` found\n  location searched: `alt` index\n  required by package `a v0.1.0 ([ROOT]/foo/a)`"
            ),
            "{err}"
        );
    }
}

#[test]
fn workspace_offline_overlay_for_crates_io() {
    let builder = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\ndescription = \"a\"\nhomepage = \"h\"\n\n[dependencies]\nb = { path = \"../b\", version = \"0.2\" }\n",
        )
        .file("a/src/lib.rs", "pub fn a() { b::b() }\n")
        .file(
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.2.0\"\nedition = \"2021\"\nlicense = \"MIT\"\ndescription = \"b\"\nhomepage = \"h\"\n",
        )
        .file("b/src/lib.rs", "pub fn b() {}\n");
    let (m, out) = same_as_cargo(builder.clone(), false, "package --workspace");
    assert!(
        out.stderr.contains("   Unpacking b v0.2.0 (registry `"),
        "{}",
        out.stderr
    );
    assert!(m.root().join("target/package/a-0.1.0/src/lib.rs").is_file());

    // With crates.io replaced, cargo wants the registry named.
    let (m, c) = builder.build_twins();
    let reg = Registry::new();
    for p in [&m, &c] {
        reg.configure_home(p.test_root());
    }
    let mo = m.mycargo("package --workspace").with_status(101).run();
    let co = c.cargo("package --workspace").with_status(101).run();
    assert_same_packaging(&m, &mo, &c, &co);
    assert!(
        mo.stderr
            .contains("error: crates-io is replaced with non-remote-registry source registry `local`;\ninclude `--registry crates-io` to use crates.io"),
        "{}",
        mo.stderr
    );
}

/// `package --list --message-format json` (nightly, `-Z unstable-options`)
/// prints cargo's JSON: the files, copied or generated, with where they
/// come from (the lock file's path only once it exists); without `--list`
/// or without `-Z unstable-options` it is refused as cargo refuses it.
#[test]
fn package_list_json_like_cargo() {
    let nightly = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");
    let (m, c) = mycargo_test_support::project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nedition = \"2015\"\nlicense = \"MIT\"\ndescription = \"foo\"\n",
        )
        .file("src/lib.rs", "")
        .build_twins();
    for (args, status) in [
        ("package --list --message-format json -Zunstable-options", 0),
        ("package --list --message-format json", 101),
        ("package --message-format json -Zunstable-options", 1),
        ("generate-lockfile", 0),
        ("package --list --message-format json -Zunstable-options", 0),
    ] {
        let mo = m
            .mycargo(args)
            .env(nightly.0, nightly.1)
            .with_status(status)
            .run();
        let co = c
            .cargo(args)
            .env(nightly.0, nightly.1)
            .with_status(status)
            .run();
        assert_eq!(mo.stdout_redacted(), co.stdout_as_mycargo(), "{args}");
        assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo(), "{args}");
    }
    let out = m
        .mycargo("package --list --message-format json -Zunstable-options")
        .env(nightly.0, nightly.1)
        .run();
    assert!(
        out.stdout
            .contains("\"Cargo.lock\":{\"kind\":\"generate\",\"path\":")
    );
}
