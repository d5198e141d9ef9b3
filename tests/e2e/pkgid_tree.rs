//! `pkgid` and `tree` against the installed cargo on path workspaces: the
//! same output text, errors and exit codes for every spec form and the
//! tree flags.

use mycargo_test_support::project;

use super::metadata::{rooted, same, single, workspace};

/// Two packages named `dup` (1.0.0 and 2.0.0) outside a workspace whose
/// members `x` and `y` depend on one each; `pm` is a proc-macro used as a
/// normal dependency by `x` and as a build dependency by `y`.
fn duplicates() -> mycargo_test_support::ProjectBuilder {
    let pkg = |name: &str, version: &str, extra: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n{extra}"
        )
    };
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"x\", \"y\"]\nresolver = \"2\"\n",
        )
        .file(
            "x/Cargo.toml",
            pkg(
                "x",
                "0.1.0",
                "[dependencies]\ndup = { path = \"../../dup1\" }\npm = { path = \"../../pm\" }\n",
            ),
        )
        .file("x/src/lib.rs", "")
        .file(
            "y/Cargo.toml",
            pkg(
                "y",
                "0.1.0",
                "[dependencies]\ndup = { path = \"../../dup2\" }\nx = { path = \"../x\" }\n[build-dependencies]\npm = { path = \"../../pm\", features = [\"h\"] }\n",
            ),
        )
        .file("y/src/lib.rs", "")
        .file("../dup1/Cargo.toml", pkg("dup", "1.0.0", ""))
        .file("../dup1/src/lib.rs", "")
        .file("../dup2/Cargo.toml", pkg("dup", "2.0.0", ""))
        .file("../dup2/src/lib.rs", "")
        .file(
            "../pm/Cargo.toml",
            pkg("pm", "0.1.0", "[lib]\nproc-macro = true\n[features]\nh = []\n"),
        )
        .file("../pm/src/lib.rs", "")
}

#[test]
fn pkgid_needs_a_lock_file() {
    let (m, c) = workspace().build_twins();
    let out = same(&m, &c, "m1", &["pkgid"]);
    assert_eq!(
        out.stderr,
        "error: a Cargo.lock must exist for this command\n"
    );
    assert!(!m.root().join("Cargo.lock").exists());
}

#[test]
fn pkgid_spec_forms_match_cargo() {
    let (m, c) = workspace().build_twins();
    same(&m, &c, ".", &["generate-lockfile"]);
    let root = m.test_root().path().display().to_string();
    let croot = c.test_root().path().display().to_string();
    // Specs naming absolute paths differ between the twins: run each tool
    // with its own root and compare the redacted output.
    let with_root = [
        "path+file://ROOT/renamed#real@0.5.0",
        "file://ROOT/renamed",
        "file://ROOT/renamed#0.5.0",
        "file://ROOT/renamed#real",
        "file://ROOT/foo/m1#m1",
        "file://ROOT/foo#m1",
        "git+file://ROOT/foo/m1",
        "file://ROOT/foo/m1?x=1",
        "ROOT/renamed",
    ];
    for spec in with_root {
        let mo = m
            .mycargo("pkgid")
            .cwd("m1")
            .arg(spec.replace("ROOT", &root))
            .with_any_status()
            .run();
        let co = c
            .cargo("pkgid")
            .cwd("m1")
            .arg(spec.replace("ROOT", &croot))
            .with_any_status()
            .run();
        assert_eq!(mo.code(), co.code(), "{spec}\n{}", mo.describe());
        assert_eq!(mo.stdout_redacted(), co.stdout_redacted(), "{spec}");
        assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo(), "{spec}");
    }
    let specs: &[&[&str]] = &[
        &[],
        &["m2"],
        &["real"],
        &["real@0.5"],
        &["real:0.5.0"],
        &["real@0.6"],
        &["real:0.6"],
        &["nothere"],
        &["rea"],
        &["-p", "m2"],
        &["-p"],
        &["m2@x"],
        &["https://example.com/m1"],
        &["../../opt"],
        &["opt"],
        &["registry+https://x.com/m1"],
        &["sparse+https://x.com/m1"],
        &["foo+bar://x/m1"],
        &["path+https://x/m1"],
        &["m1@0.1.0"],
        &["m1@0"],
        &["m1@0.1.0-alpha"],
        &["1bad"],
        &["win"],
        &["bd"],
        &["dd"],
        &["--manifest-path", "../m2/Cargo.toml"],
        &["inner", "--manifest-path", "../m2/Cargo.toml"],
    ];
    for spec in specs {
        let mut args = vec!["pkgid"];
        args.extend_from_slice(spec);
        same(&m, &c, "m1", &args);
    }
    // The virtual root has no package of its own.
    same(&m, &c, ".", &["pkgid"]);
    same(&m, &c, ".", &["pkgid", "m1"]);
}

#[test]
fn pkgid_ambiguous_and_single_package() {
    let (m, c) = duplicates().build_twins();
    same(&m, &c, ".", &["generate-lockfile"]);
    let out = same(&m, &c, ".", &["pkgid", "dup"]);
    assert!(
        out.stderr
            .contains("is ambiguous\nhelp: re-run this command with one of the following specifications\n  dup@1.0.0\n  dup@2.0.0")
    );
    same(&m, &c, ".", &["pkgid", "dup@2"]);
    same(&m, &c, ".", &["pkgid", "dup@3"]);
    same(&m, &c, ".", &["pkgid", "pm"]);
    let (m, c) = single().build_twins();
    same(&m, &c, ".", &["generate-lockfile"]);
    let out = same(&m, &c, ".", &["pkgid"]);
    assert!(
        out.stdout_redacted()
            .ends_with("/foo#single-pkg@1.2.3-beta.1\n")
    );
}

/// `tree` with each set of flags, in `dir`.
fn trees(
    m: &mycargo_test_support::Project,
    c: &mycargo_test_support::Project,
    dir: &str,
    runs: &[&[&str]],
) {
    for flags in runs {
        let mut args = vec!["tree"];
        args.extend_from_slice(flags);
        same(m, c, dir, &args);
    }
}

#[test]
fn tree_of_a_virtual_workspace_matches_cargo() {
    let (m, c) = workspace().build_twins();
    let out = same(&m, &c, ".", &["tree"]);
    assert!(out.stdout.contains("[build-dependencies]\n"));
    assert!(out.stdout.contains("[dev-dependencies]\n"));
    assert!(out.stdout.contains(" (*)\n"));
    trees(
        &m,
        &c,
        ".",
        &[
            &["-p", "m1"],
            &["--workspace"],
            &["--workspace", "--exclude", "m1"],
            &["-p", "m2", "--no-dedupe"],
            &["--depth", "1"],
            &["--depth", "0", "-p", "m1"],
            &["--depth", "workspace", "-p", "m2"],
            &["--prefix", "depth"],
            &["--prefix", "none"],
            &["--charset", "ascii", "-p", "m2"],
            &["--target", "all", "-p", "m1"],
            &["--target", "x86_64-pc-windows-msvc", "-p", "m1"],
            &["-p", "m1", "--all-features"],
            &["-p", "m1", "--features", "y"],
            &["-p", "out"],
            &["--prune", "out", "-p", "m1"],
            &["-p"],
        ],
    );
    trees(&m, &c, "m1", &[&[], &["-i", "real"]]);
}

#[test]
fn tree_edge_kinds_match_cargo() {
    let (m, c) = workspace().build_twins();
    trees(
        &m,
        &c,
        ".",
        &[
            &["-e", "normal"],
            &["-e", "build"],
            &["-e", "dev"],
            &["-e", "no-dev"],
            &["-e", "no-build,no-normal"],
            &["-e", "normal,build"],
            &["-e", "all"],
            &["-e", "no-proc-macro"],
            &["-e", "features"],
            &["-e", "features", "-p", "m1", "--features", "y"],
            &["-e", "features", "-p", "m1", "--no-default-features"],
            &["-e", "build,features", "-p", "m1"],
            &["-e", "features", "-i", "out"],
            &["-e", "features", "-p", "out"],
            &["-e", "no-dev,normal"],
            &["-e", "public"],
            &["-e", "bogus"],
        ],
    );
    let (m, c) = rooted().build_twins();
    trees(
        &m,
        &c,
        ".",
        &[&[], &["-e", "features"], &["--workspace", "-e", "features"]],
    );
}

#[test]
fn tree_invert_and_duplicates_match_cargo() {
    let (m, c) = workspace().build_twins();
    trees(
        &m,
        &c,
        ".",
        &[
            &["-i", "real"],
            &["-i", "real", "-e", "features"],
            &["-i", "-p", "m2"],
            &["-i"],
            &["-i", "nope"],
            &["-i", "win"],
            &["-d"],
        ],
    );
    let (m, c) = duplicates().build_twins();
    let out = same(&m, &c, ".", &["tree", "-d"]);
    assert!(out.stdout.starts_with("dup v1.0.0 ("));
    trees(
        &m,
        &c,
        ".",
        &[
            &[],
            &["-d", "--charset", "ascii"],
            &["-i", "dup"],
            &["-i", "dup@2"],
            &["-i", "pm", "--no-dedupe"],
            &["-e", "features"],
            &["-e", "features", "-i", "pm"],
            &["-e", "no-proc-macro"],
            &["-d", "-e", "features"],
            &["-p", "y", "-e", "features"],
        ],
    );
}

#[test]
fn tree_formats_and_errors_match_cargo() {
    let (m, c) = single().build_twins();
    trees(
        &m,
        &c,
        ".",
        &[
            &[],
            &["-f", "{p}|{l}|{r}|{f}|{lib}"],
            &["-f", "{p}|{f}", "--features", "extra"],
            &["-f", "{{p}} {p}"],
            &["-f", "{x}"],
            &["-f", "{p"],
            &["-f", "p}"],
            &["-e", "features"],
            &["--target"],
            &["--prune", "nope"],
        ],
    );
    let (m, c) = workspace().build_twins();
    trees(
        &m,
        &c,
        ".",
        &[
            &["-f", "{p}|{f}", "-p", "m1"],
            &["-a", "-p", "inner"],
            &["--no-indent", "-p", "inner"],
            &["--prefix-depth", "-p", "m2"],
            &["--no-dev-dependencies", "-p", "m1"],
            &["--all-targets", "-p", "m1"],
        ],
    );
    // An invalid depth is a usage error (exit code 1), as in cargo.
    m.mycargo("tree --depth x")
        .with_status(1)
        .with_stderr_contains(
            "error: supported values for --depth are non-negative integers and `workspace`, but `x` is unknown",
        )
        .run();
}

/// `tree --color always`: cargo's styles byte for byte (dimmed lines for
/// normal edges, bold blue and cyan for build and dev ones, magenta for
/// features, the headers and the yellow `(*)`).
#[test]
fn tree_colours_match_cargo() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"tc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\na = { path = \"a\" }\nb = { path = \"b\" }\n\n[build-dependencies]\nb = { path = \"b\" }\n\n[dev-dependencies]\nb = { path = \"b\" }\n",
        )
        .file("src/lib.rs", "")
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nb = { path = \"../b\" }\n",
        )
        .file("a/src/lib.rs", "")
        .file(
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nc = { path = \"../c\" }\n",
        )
        .file("b/src/lib.rs", "")
        .file(
            "c/Cargo.toml",
            "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("c/src/lib.rs", "")
        .build();
    for args in ["tree --color always", "tree -e features --color always"] {
        let m = p.mycargo(args).run().stdout;
        let c = p.cargo(args).run().stdout;
        assert_eq!(m, c, "`{args}`");
        assert!(m.contains("\u{1b}[2m"), "{m}");
    }
    let plain = p.mycargo("tree --color never").run().stdout;
    assert!(!plain.contains('\u{1b}'), "{plain}");
}
