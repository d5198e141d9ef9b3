//! `rust-version` is enforced before anything compiles, as cargo does:
//! every unit of a package needing a newer rustc is named, with cargo's
//! hint when only dependencies are at fault; `--ignore-rust-version`
//! builds anyway.

use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{Output, Project, project};

fn same(m: &Project, c: &Project, args: &str) -> Output {
    let mo = m.mycargo(args).with_any_status().run();
    let co = c.cargo(args).with_any_status().run();
    assert_eq!(mo.code(), co.code(), "`{args}`\n{}", mo.describe());
    let errors = |o: &Output| -> String {
        o.stderr_as_mycargo()
            .lines()
            .filter(|l| {
                let t = l.trim_start();
                ![
                    "Locking",
                    "Compiling",
                    "Checking",
                    "Finished",
                    "Documenting",
                    "Generated",
                    "Executable",
                    "Running",
                    "Adding",
                    "Updating",
                    "Downloading",
                    "Downloaded",
                ]
                .iter()
                .any(|w| t.starts_with(w))
            })
            .collect::<Vec<_>>()
            .join("\n")
            .replace("[ROOT]/m", "[ROOT]/p")
            .replace("[ROOT]/c", "[ROOT]/p")
    };
    assert_eq!(errors(&mo), errors(&co), "`{args}`");
    mo
}

#[test]
fn path_packages_needing_a_newer_rustc() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nrust-version = \"1.96\"\n\n[dependencies]\ndep = { path = \"dep\" }\n",
        )
        .file("src/main.rs", "fn main() {}\n")
        .file(
            "dep/Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\nrust-version = \"1.97.1\"\n",
        )
        .file("dep/build.rs", "fn main() {}\n")
        .file("dep/src/lib.rs", "");
    let (m, c) = p.build_twins();
    for args in ["build", "check --all-targets", "test --no-run", "doc"] {
        let out = same(&m, &c, args);
        assert_eq!(out.code(), Some(101), "{args}");
        assert!(
            out.stderr.contains("dep@0.1.0 requires rustc 1.97.1"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("foo@0.1.0 requires rustc 1.96"),
            "{}",
            out.stderr
        );
    }
    let out = same(&m, &c, "build --ignore-rust-version");
    assert_eq!(out.code(), Some(0));
}

#[test]
fn registry_dependency_needing_a_newer_rustc() {
    let reg = Registry::new();
    Package::new("newer", "1.0.0")
        .rust_version("1.99")
        .publish(&reg);
    let (m, c) = super::twin::registry_twins(
        &reg,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nnewer = \"1\"\n",
            ),
            ("src/lib.rs", ""),
        ],
    );
    let out = same(&m, &c, "build");
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr.contains("Either upgrade rustc"),
        "{}",
        out.stderr
    );
}
