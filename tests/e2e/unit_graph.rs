//! `--unit-graph` (nightly) against the installed cargo: the same JSON for
//! every build command on a project with a build script and its
//! build-dependency, a renamed dependency, a proc macro, dev-dependencies,
//! integration tests, doc tests and profile overrides; nothing is built.

use mycargo_test_support::{Output, Project, ProjectBuilder, project};

const NIGHTLY: (&str, &str) = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");

fn fixture() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nrenamed = { package = \"dep\", path = \"dep\", features = [\"x\"] }\n\
             pm = { path = \"pm\" }\n\n\
             [build-dependencies]\nrenamed = { package = \"dep\", path = \"dep\" }\n\n\
             [dev-dependencies]\ndevdep = { path = \"devdep\" }\n\n\
             [profile.dev]\nstrip = \"symbols\"\ndebug = \"line-tables-only\"\ncodegen-units = 4\npanic = \"abort\"\n\n\
             [profile.dev.build-override]\ndebug = 1\n\n\
             [profile.release.package.dep]\nopt-level = 1\n",
        )
        .file("src/lib.rs", "//! ```\n//! foo::f();\n//! ```\npub fn f() {}\n")
        .file("src/main.rs", "fn main() { foo::f(); }\n")
        .file("build.rs", "fn main() { renamed::d(); }\n")
        .file("tests/it.rs", "#[test]\nfn t() { devdep::g(); }\n")
        .file("examples/ex.rs", "fn main() {}\n")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.2.0\"\nedition = \"2021\"\n\n[features]\nx = []\n",
        )
        .file("dep/src/lib.rs", "pub fn d() {}\n")
        .file(
            "pm/Cargo.toml",
            "[package]\nname = \"pm\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [lib]\nproc-macro = true\n\n[dependencies]\ndep = { path = \"../dep\" }\n",
        )
        .file("pm/src/lib.rs", "")
        .file(
            "devdep/Cargo.toml",
            "[package]\nname = \"devdep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("devdep/src/lib.rs", "pub fn g() {}\n")
}

fn run(p: &Project, mycargo: bool, args: &str) -> Output {
    let args = format!("-Zunstable-options {args} --unit-graph");
    let e = if mycargo {
        p.mycargo(&args)
    } else {
        p.cargo(&args)
    };
    e.env(NIGHTLY.0, NIGHTLY.1).with_any_status().run()
}

fn graph(o: &Output) -> serde_json::Value {
    serde_json::from_str(&o.stdout_redacted())
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", o.describe()))
}

#[test]
fn unit_graph_like_cargo() {
    let (m, c) = fixture().build_twins();
    for args in [
        "build",
        "check --all-targets",
        "test",
        "test --doc",
        "bench",
        "doc",
        "build --release",
        "rustc --lib",
        "rustdoc --lib",
        "build --target x86_64-unknown-linux-gnu",
    ] {
        let mo = run(&m, true, args);
        let co = run(&c, false, args);
        assert_eq!(mo.code(), Some(0), "{args}\n{}", mo.describe());
        assert_eq!(co.code(), Some(0), "{args}\n{}", co.describe());
        let mg = graph(&mo);
        assert_eq!(mg, graph(&co), "{args}\n{}", mo.stdout_redacted());
        // The listing has the units themselves, not an empty graph.
        assert!(
            mg["units"].as_array().is_some_and(|u| u.len() >= 4),
            "{args}: {mg}"
        );
        // One line, as cargo prints it.
        assert_eq!(mo.stdout.lines().count(), 1, "{args}");
    }
    // Nothing was built.
    assert!(!m.root().join("target/debug/deps").exists());
}

/// `run --unit-graph` prints the graph of the binary and runs nothing
/// (cargo prints the same graph, then panics).
#[test]
fn run_prints_the_graph_and_runs_nothing() {
    let (m, c) = fixture().build_twins();
    let mo = run(&m, true, "run");
    let co = run(&c, false, "run");
    assert_eq!(mo.code(), Some(0), "{}", mo.describe());
    assert_eq!(graph(&mo), graph(&co));
    assert!(!m.root().join("target/debug/foo").exists());
}

/// Without `-Z unstable-options`, and on stable, cargo's errors.
#[test]
fn unit_graph_is_gated_like_cargo() {
    let (m, c) = fixture().build_twins();
    for (args, nightly) in [
        ("build --unit-graph", false),
        ("test --unit-graph", false),
        ("doc --unit-graph", true),
        ("run --unit-graph", true),
    ] {
        let with = |e: mycargo_test_support::Execs| {
            if nightly {
                e.env(NIGHTLY.0, NIGHTLY.1)
            } else {
                e
            }
            .with_any_status()
            .run()
        };
        let mo = with(m.mycargo(args));
        let co = with(c.cargo(args));
        assert_eq!(mo.code(), Some(101), "{args}");
        assert_eq!(mo.code(), co.code(), "{args}");
        assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo(), "{args}");
    }
}
