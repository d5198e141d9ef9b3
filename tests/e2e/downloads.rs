//! What a command downloads, against cargo: `build` only what the features
//! asked for turn on (the lock file holds what every feature needs), `tree`
//! only what the platforms it shows use.

use mycargo_test_support::registry::{Dep, Package, Registry};
use mycargo_test_support::{Output, Project, Tool};

/// `lib` with an optional `extra` (feature `ser`) and a Windows-only `winonly`;
/// the root has a feature `more = ["lib/ser"]`, so the lock has all three.
fn setup() -> (Registry, Project, Project) {
    let reg = Registry::new();
    Package::new("extra", "1.0.0").publish(&reg);
    Package::new("winonly", "1.0.0").publish(&reg);
    Package::new("lib", "1.0.0")
        .add_dep(Dep::new("extra", "1").optional())
        .target_dep("winonly", "1", "cfg(windows)")
        .feature("ser", &["dep:extra"])
        .publish(&reg);
    let (m, c) = foo_twins(&reg, "lib = \"1\"\n\n[features]\nmore = [\"lib/ser\"]\n");
    (reg, m, c)
}

/// Twin `foo` packages whose manifest ends with `[dependencies]` + `deps`.
fn foo_twins(reg: &Registry, deps: &str) -> (Project, Project) {
    let manifest = format!(
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
    );
    super::twin::registry_twins(reg, &[("Cargo.toml", &manifest), ("src/lib.rs", "")])
}

fn downloaded(o: &Output) -> Vec<String> {
    let mut v: Vec<String> = o
        .stderr
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("Downloaded ") && l.contains(" v"))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

fn compare(m: &Project, c: &Project, args: &str) -> Vec<String> {
    let mo = m.mycargo(args).run();
    let co = c.cargo(args).run();
    assert_eq!(
        downloaded(&mo),
        downloaded(&co),
        "`{args}`\n{}\n{}",
        mo.stderr,
        co.stderr
    );
    downloaded(&mo)
}

#[test]
fn build_downloads_only_enabled_optional_dependencies() {
    let (_reg, m, c) = setup();
    let got = compare(&m, &c, "build");
    assert_eq!(got, ["Downloaded lib v1.0.0 (registry `local`)"]);
    assert!(m.read_file("Cargo.lock").contains("name = \"extra\""));
    // Asking for the feature fetches the rest.
    let got = compare(&m, &c, "build --features more");
    assert_eq!(got, ["Downloaded extra v1.0.0 (registry `local`)"]);
}

#[test]
fn tree_downloads_only_the_platforms_it_shows() {
    let (_reg, m, c) = setup();
    compare(&m, &c, "tree");
    let got = compare(&m, &c, "tree --target all");
    assert!(got.iter().any(|l| l.contains("winonly")), "{got:?}");
}

/// `build` then `test --no-run`: the dependencies built for `build` serve
/// the tests too (the same units, as cargo hashes them), so only the
/// package's own test targets compile.
#[test]
fn test_after_build_reuses_the_dependencies_like_cargo() {
    let (_reg, m, c) = setup();
    let compiled = |o: &Output| -> Vec<String> {
        let mut v: Vec<String> = o
            .stderr_as_mycargo()
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("Compiling"))
            .map(|l| {
                l.replace("[ROOT]/m", "[ROOT]/p")
                    .replace("[ROOT]/c", "[ROOT]/p")
            })
            .collect();
        v.sort();
        v
    };
    m.mycargo("build").run();
    c.cargo("build").run();
    let mo = m.mycargo("test --no-run").run();
    let co = c.cargo("test --no-run").run();
    assert_eq!(compiled(&mo), compiled(&co), "{}\n{}", mo.stderr, co.stderr);
    assert_eq!(compiled(&mo).len(), 1, "{}", mo.stderr);
}

/// The index files a fetch of a locked project asks for in an empty
/// cache: those of the packages in the lock, as cargo (not the optional
/// dependency no feature turns on, nor what that one depends on).
#[test]
fn locked_fetch_reads_only_the_locked_index_files() {
    let reg = Registry::new();
    Package::new("deep", "1.0.0").publish(&reg);
    Package::new("unused", "1.0.0")
        .dep("deep", "1")
        .publish(&reg);
    // `shared` is in the lock at 2.0.0 only; lib's optional `shared ^1`
    // (which would bring `deeper`) is off, and asked for first.
    Package::new("deeper", "1.0.0").publish(&reg);
    Package::new("shared", "1.0.0")
        .dep("deeper", "1")
        .publish(&reg);
    Package::new("shared", "2.0.0").publish(&reg);
    // The lock's `shared` comes in two levels down.
    Package::new("b", "1.0.0").dep("shared", "2").publish(&reg);
    Package::new("a", "1.0.0").dep("b", "1").publish(&reg);
    Package::new("lib", "1.0.0")
        .add_dep(Dep::new("unused", "1").optional())
        .add_dep(Dep::new("shared", "1").optional())
        .publish(&reg);
    let (m, c) = foo_twins(&reg, "lib = \"1\"\na = \"1\"\n");
    let index_files = |reg: &Registry| -> Vec<String> {
        let mut v: Vec<String> = reg
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| p.contains("/index/") && !p.ends_with("config.json"))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        p.tool(tool, "generate-lockfile").run();
        std::fs::remove_dir_all(p.test_root().cargo_home(tool).join("registry")).unwrap();
    }
    reg.clear_requests();
    m.mycargo("fetch").run();
    let ours = index_files(&reg);
    reg.clear_requests();
    c.cargo("fetch").run();
    assert_eq!(ours, index_files(&reg));
    let unwanted = ["/unused", "/deep", "/deeper"];
    assert!(
        !ours.iter().any(|p| unwanted.iter().any(|u| p.ends_with(u))),
        "{ours:?}"
    );
}

/// A feature the package lacks (here, an optional dependency hidden by
/// `dep:`) is cargo's error right after the lock is written: nothing is
/// downloaded first.
#[test]
fn a_missing_feature_is_refused_before_downloading_like_cargo() {
    let reg = Registry::new();
    Package::new("bar", "1.0.0").publish(&reg);
    let (m, c) = foo_twins(
        &reg,
        "bar = { version = \"1\", optional = true }\n\n[features]\nf1 = [\"dep:bar\"]\nf2 = [\"dep:bar\"]\n",
    );
    let mo = m.mycargo("check --features bar").with_any_status().run();
    let co = c.cargo("check --features bar").with_any_status().run();
    assert_eq!(mo.code(), Some(101), "{}", mo.describe());
    assert_eq!(mo.code(), co.code());
    // (The twins are `[ROOT]/m` and `[ROOT]/c`.)
    assert_eq!(
        mo.stderr_as_mycargo().replace("[ROOT]/m)", "[ROOT]/c)"),
        co.stderr_as_mycargo()
    );
    assert!(downloaded(&mo).is_empty(), "{}", mo.stderr);
    assert!(
        mo.stderr
            .contains("Dependency `bar` would be enabled by these features:"),
        "{}",
        mo.stderr
    );
}

/// `--features dep/opt` turning on a renamed optional dependency of a
/// registry package (another version of a package it also depends on):
/// as cargo, a second resolve (not written to the lock file) brings it
/// in, and it is downloaded and built.
#[test]
fn a_dependency_feature_from_the_command_line_brings_its_optional_dependency_like_cargo() {
    let reg = Registry::new();
    Package::new("foo", "0.1.0")
        .file("src/lib.rs", "pub fn f1() {}")
        .publish(&reg);
    Package::new("foo", "0.2.0")
        .file("src/lib.rs", "pub fn f2() {}")
        .publish(&reg);
    Package::new("bar", "0.2.0")
        .add_dep(Dep::new("foo", "0.1.0").rename("foo01").optional())
        .add_dep(Dep::new("foo", "0.2.0").rename("foo02"))
        .feature("another", &["foo01"])
        .file(
            "src/lib.rs",
            "extern crate foo02;\n#[cfg(feature = \"foo01\")]\nextern crate foo01;\n\
             pub fn foo() {\n    foo02::f2();\n    #[cfg(feature = \"foo01\")]\n    foo01::f1();\n}\n",
        )
        .publish(&reg);
    let manifest = "[package]\nname = \"a\"\nversion = \"0.5.0\"\nedition = \"2015\"\n\n[dependencies]\nbar = \"0.2\"\n";
    let (m, c) = super::twin::registry_twins(
        &reg,
        &[
            ("Cargo.toml", manifest),
            (
                "src/main.rs",
                "extern crate bar;\nfn main() { bar::foo(); }\n",
            ),
        ],
    );
    for args in [
        "check",
        "check --features bar/foo01",
        "check --features bar/another",
    ] {
        let mo = m.mycargo(args).with_any_status().run();
        let co = c.cargo(args).with_any_status().run();
        assert_eq!(mo.code(), Some(0), "{args}\n{}", mo.describe());
        assert_eq!(co.code(), Some(0), "{args}\n{}", co.describe());
        assert_eq!(downloaded(&mo), downloaded(&co), "{args}");
        // The lock file is the first resolve's, as cargo's.
        assert_eq!(
            m.read_file("Cargo.lock"),
            c.read_file("Cargo.lock"),
            "{args}"
        );
    }
}
