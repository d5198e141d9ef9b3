//! `metadata --format-version 1` against the installed cargo: the same JSON
//! text (so the same keys, values and key order) with and without
//! `--no-deps`, on a single package, a virtual workspace and a root package
//! with members; `--filter-platform`, the feature flags, and the warning
//! without `--format-version`.

use mycargo_test_support::{Output, Project, ProjectBuilder, Tool, project};

/// `[package]` of a path crate, edition 2021, plus `extra`.
fn pkg(name: &str, version: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n{extra}")
}

/// One package with a library, two binaries, an example with required
/// features, a test, a bench, a build script, features and metadata.
pub fn single() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "single-pkg"
version = "1.2.3-beta.1"
edition = "2021"
rust-version = "1.70"
links = "foo"
publish = false
default-run = "single-pkg"
description = "one package"
license = "MIT OR Apache-2.0"
repository = "https://example.com/single"
keywords = ["a", "b"]
categories = ["development-tools"]
authors = ["Someone <someone@example.com>"]
readme = "README.md"

[package.metadata.docs]
zeta = 1
alpha = ["x", "y"]
mid = { deep = true }

[features]
default = ["std"]
std = []
extra = ["std"]

[[example]]
name = "ex"
required-features = ["extra"]
"#,
        )
        .file("src/main.rs", "fn main() {}\n")
        .file("src/lib.rs", "")
        .file("src/bin/other.rs", "fn main() {}\n")
        .file("examples/ex.rs", "fn main() {}\n")
        .file("tests/it.rs", "")
        .file("benches/b.rs", "")
        .file("build.rs", "fn main() {}\n")
        .file("README.md", "")
}

/// A virtual workspace: members `m1`, `m2` and `inner` (a path dependency
/// inside the root); outside it normal, renamed (also as a dev-dependency),
/// optional, dev, build and `cfg(windows)` dependencies, features asking
/// for dependency features (strong and weak), and `[workspace.metadata]`
/// with keys out of order.
pub fn workspace() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[workspace]
members = ["m1", "m2"]
resolver = "2"

[workspace.metadata.tool]
zz = 1
aa = "two"
mm = [1, 2]
"#,
        )
        .file(
            "m1/Cargo.toml",
            pkg(
                "m1",
                "0.1.0",
                r#"
[dependencies]
out = { path = "../../out", features = ["f"] }
ren = { path = "../../renamed", package = "real" }
opt = { path = "../../opt", optional = true }

[dev-dependencies]
dd = { path = "../../dd" }
ren = { path = "../../renamed", package = "real" }

[build-dependencies]
bd = { path = "../../bd" }

[target.'cfg(windows)'.dependencies]
win = { path = "../../win" }

[features]
default = ["x"]
x = []
y = ["opt/o1"]
"#,
            ),
        )
        .file("m1/src/lib.rs", "")
        .file("m1/build.rs", "fn main() {}\n")
        .file(
            "m2/Cargo.toml",
            pkg(
                "m2",
                "0.3.0",
                "\n[dependencies]\nm1 = { path = \"../m1\", default-features = false }\ninner = { path = \"../inner\" }\n",
            ),
        )
        .file("m2/src/lib.rs", "")
        .file("inner/Cargo.toml", pkg("inner", "1.0.0", ""))
        .file("inner/src/lib.rs", "")
        .file(
            "../out/Cargo.toml",
            pkg(
                "out",
                "0.1.0",
                "\n[dependencies]\nnormal = { path = \"../normal\" }\nnmopt = { path = \"../nmopt\", optional = true }\n\n[features]\nf = [\"nmopt?/x\"]\n",
            ),
        )
        .file("../out/src/lib.rs", "")
        .file(
            "../nmopt/Cargo.toml",
            pkg("nmopt", "0.1.0", "[features]\nx = []\n"),
        )
        .file("../nmopt/src/lib.rs", "")
        .file("../renamed/Cargo.toml", pkg("real", "0.5.0", ""))
        .file("../renamed/src/lib.rs", "")
        .file(
            "../opt/Cargo.toml",
            pkg("opt", "0.1.0", "[features]\no1 = []\n"),
        )
        .file("../opt/src/lib.rs", "")
        .file("../normal/Cargo.toml", pkg("normal", "0.1.0", ""))
        .file("../normal/src/lib.rs", "")
        .file("../dd/Cargo.toml", pkg("dd", "0.1.0", ""))
        .file("../dd/src/lib.rs", "")
        .file("../bd/Cargo.toml", pkg("bd", "0.1.0", ""))
        .file("../bd/src/lib.rs", "")
        .file("../win/Cargo.toml", pkg("win", "0.1.0", ""))
        .file("../win/src/lib.rs", "")
}

/// A root package with members `a` and `b` and `default-members`; `a`
/// asks `b` for a feature without its defaults, `b` renames its library.
pub fn rooted() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "root"
version = "0.2.0"
edition = "2021"

[workspace]
members = ["a", "b"]
default-members = ["b", "."]

[dependencies]
a = { path = "a", version = "0.1" }
"#,
        )
        .file("src/main.rs", "fn main() {}\n")
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2018\"\n\n[dependencies]\nb = { path = \"../b\", default-features = false, features = [\"f1\"] }\n",
        )
        .file("a/src/lib.rs", "")
        .file(
            "b/Cargo.toml",
            pkg(
                "b",
                "0.1.0",
                "\n[features]\ndefault = [\"f2\"]\nf1 = []\nf2 = []\n\n[lib]\nname = \"bee\"\n",
            ),
        )
        .file("b/src/lib.rs", "")
}

/// Run `args` with both tools (in `dir` under the project, if given) and
/// check they agree: exit code, stderr, and stdout byte for byte after
/// redacting the test root; when it is JSON, also as parsed values.
#[track_caller]
pub fn same(m: &Project, c: &Project, dir: &str, args: &[&str]) -> Output {
    let mo = m.mycargo("").cwd(dir).args(args).with_any_status().run();
    let co = c.cargo("").cwd(dir).args(args).with_any_status().run();
    let what = format!("`{}` in `{dir}`", args.join(" "));
    assert_eq!(
        mo.code(),
        co.code(),
        "{what}: exit codes differ\n{}\n{}",
        mo.describe(),
        co.describe()
    );
    assert_eq!(
        mo.stderr_as_mycargo(),
        co.stderr_as_mycargo(),
        "{what}: stderr differs"
    );
    let (ms, cs) = (mo.stdout_redacted(), co.stdout_redacted());
    if let (Ok(mv), Ok(cv)) = (
        serde_json::from_str::<serde_json::Value>(&ms),
        serde_json::from_str::<serde_json::Value>(&cs),
    ) {
        assert_eq!(mv, cv, "{what}: JSON values differ");
    }
    assert_eq!(ms, cs, "{what}: stdout differs");
    mo
}

fn meta(m: &Project, c: &Project, dir: &str, extra: &[&str]) -> Output {
    let mut args = vec!["metadata", "--format-version", "1"];
    args.extend_from_slice(extra);
    same(m, c, dir, &args)
}

#[test]
fn metadata_of_a_single_package_matches_cargo() {
    let (m, c) = single().build_twins();
    let out = meta(&m, &c, ".", &[]);
    assert!(
        out.stdout
            .starts_with("{\"packages\":[{\"name\":\"single-pkg\"")
    );
    assert!(out.stdout.contains("\"zeta\":1,\"alpha\":[\"x\",\"y\"]"));
    meta(&m, &c, ".", &["--no-deps"]);
    meta(&m, &c, ".", &["--features", "extra"]);
    meta(&m, &c, ".", &["--no-default-features"]);
    meta(&m, &c, ".", &["--all-features"]);
    meta(&m, &c, ".", &["--features", "nope"]);
    // Without `--format-version`: cargo's warning, the same JSON.
    let out = same(&m, &c, ".", &["metadata"]);
    assert!(out.stderr.contains(
        "warning: please specify `--format-version` flag explicitly to avoid compatibility problems"
    ));
}

#[test]
fn metadata_of_a_virtual_workspace_matches_cargo() {
    let (m, c) = workspace().build_twins();
    let out = meta(&m, &c, ".", &[]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    // The weak `nmopt?/x` brings `nmopt` into the resolve, with `x`.
    let nodes = v["resolve"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 10);
    assert!(v["resolve"]["root"].is_null());
    assert!(
        out.stdout
            .contains("\"metadata\":{\"tool\":{\"zz\":1,\"aa\":\"two\",\"mm\":[1,2]}}}")
    );
    meta(&m, &c, ".", &["--no-deps"]);
    meta(&m, &c, "m1", &[]);
    meta(&m, &c, "m1", &["--no-deps"]);
    meta(&m, &c, ".", &["--manifest-path", "m2/Cargo.toml"]);
    meta(
        &m,
        &c,
        ".",
        &["--manifest-path", "m1/Cargo.toml", "--no-deps"],
    );
}

#[test]
fn metadata_of_a_root_package_with_default_members_matches_cargo() {
    let (m, c) = rooted().build_twins();
    let out = meta(&m, &c, ".", &[]);
    assert!(out.stdout.contains("\"name\":\"bee\""));
    meta(&m, &c, ".", &["--no-deps"]);
    meta(&m, &c, "a", &[]);
    meta(&m, &c, "b", &["--no-deps"]);
    meta(&m, &c, ".", &["--features", "b/f1"]);
}

#[test]
fn metadata_feature_flags_match_cargo() {
    let (m, c) = workspace().build_twins();
    meta(&m, &c, ".", &["--all-features"]);
    meta(&m, &c, ".", &["--features", "m1/y"]);
    meta(&m, &c, ".", &["--no-default-features"]);
    meta(&m, &c, ".", &["--features", "x,y"]);
    meta(&m, &c, "m1", &["-F", "y", "--no-default-features"]);
    // Unknown features: cargo's error.
    meta(&m, &c, ".", &["--features", "nope"]);
    let (m, c) = rooted().build_twins();
    meta(&m, &c, ".", &["--all-features"]);
    meta(
        &m,
        &c,
        ".",
        &["--no-default-features", "--features", "b/f2"],
    );
}

#[test]
fn metadata_filter_platform_matches_cargo() {
    let (m, c) = workspace().build_twins();
    let out = meta(
        &m,
        &c,
        ".",
        &["--filter-platform", "x86_64-pc-windows-msvc"],
    );
    assert!(out.stdout.contains("\"name\":\"win\",\"pkg\""));
    let out = meta(
        &m,
        &c,
        ".",
        &["--filter-platform", "x86_64-unknown-linux-gnu"],
    );
    assert!(!out.stdout.contains("\"name\":\"win\",\"pkg\""));
    meta(
        &m,
        &c,
        ".",
        &[
            "--filter-platform",
            "x86_64-unknown-linux-gnu",
            "--filter-platform",
            "aarch64-pc-windows-msvc",
        ],
    );
}

#[test]
fn metadata_with_registry_dependencies_matches_cargo() {
    use mycargo_test_support::registry::{Package, Registry};
    let reg = Registry::new();
    Package::new("leaf", "1.2.0")
        .feature("std", &[])
        .publish(&reg);
    Package::new("leaf", "2.0.0").publish(&reg);
    Package::new("mid", "0.3.1")
        .dep("leaf", "1")
        .target_dep("winonly", "1", "cfg(windows)")
        .publish(&reg);
    Package::new("winonly", "1.0.0").publish(&reg);
    let (m, c) = project()
        .file(
            "Cargo.toml",
            pkg(
                "r",
                "0.1.0",
                "\n[dependencies]\nmid = \"0.3\"\nleaf2 = { version = \"2\", package = \"leaf\" }\n",
            ),
        )
        .file("src/lib.rs", "")
        .build_twins();
    reg.configure_project(&m);
    reg.configure_project(&c);
    for args in [
        "metadata --format-version 1",
        "metadata --format-version 1 --no-deps",
        "metadata --format-version 1 --filter-platform x86_64-unknown-linux-gnu",
        "tree",
        "tree --target all -e normal",
        "tree -i leaf@1.2.0",
    ] {
        let mo = m.mycargo(args).run();
        let co = c.cargo(args).run();
        let home = |p: &Project, s: &str| {
            s.replace(
                &p.test_root()
                    .cargo_home(Tool::Mycargo)
                    .display()
                    .to_string(),
                "[CARGO_HOME]",
            )
            .replace(
                &p.test_root().cargo_home(Tool::Cargo).display().to_string(),
                "[CARGO_HOME]",
            )
        };
        assert_eq!(
            home(&m, &mo.stdout_redacted()),
            home(&c, &co.stdout_redacted()),
            "{args}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(m.root().join("Cargo.lock")).unwrap(),
        std::fs::read_to_string(c.root().join("Cargo.lock")).unwrap()
    );
}

#[test]
fn target_order_and_paths_match_cargo() {
    // Declared examples without discovery stay as declared; discovered
    // tests are by name; `./` in a target path is dropped.
    let (m, c) = project()
        .file(
            "Cargo.toml",
            pkg(
                "order",
                "0.1.0",
                "autoexamples = false\n\n[lib]\npath = \"./src/lib.rs\"\n\n\
                 [[example]]\nname = \"zulu\"\npath = \"examples/zulu.rs\"\n\n\
                 [[example]]\nname = \"alpha\"\npath = \"examples/alpha.rs\"\n\n\
                 [[test]]\nname = \"yankee\"\n\n[[test]]\nname = \"bravo\"\n",
            ),
        )
        .file("src/lib.rs", "")
        .file("examples/zulu.rs", "fn main() {}")
        .file("examples/alpha.rs", "fn main() {}")
        .file("tests/yankee.rs", "")
        .file("tests/bravo.rs", "")
        .build_twins();
    let out = meta(&m, &c, ".", &["--no-deps"]);
    let zulu = out.stdout.find("\"zulu\"").unwrap();
    assert!(zulu < out.stdout.find("\"alpha\"").unwrap());
    assert!(!out.stdout.contains("/./"));
}
