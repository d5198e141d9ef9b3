//! `clean`, `doc`, `rustc` and `rustdoc` against the installed cargo: the
//! files each `clean` variant leaves and its summary, the docs `doc`
//! writes, and where `rustc -- ARGS` / `rustdoc -- ARGS` arrive.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mycargo_test_support::{Execs, Output, Project, ProjectBuilder, Tool, project};

/// A package with a lib, a bin, an example, an integration test and a
/// build script, depending on a path package.
fn package() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "foo"
version = "0.1.0"
edition = "2021"

[dependencies]
bar = { path = "bar" }
"#,
        )
        .file(
            "src/lib.rs",
            "//! The foo crate.\n\n/// Calls bar.\npub fn f() -> u32 { bar::b() + GEN }\ninclude!(concat!(env!(\"OUT_DIR\"), \"/gen.rs\"));\n",
        )
        .file(
            "src/bin/foo-cli.rs",
            "fn main() { println!(\"{} {}\", foo::f(), if cfg!(foo) { \"foo on\" } else { \"foo off\" }); }\n",
        )
        .file("examples/ex.rs", "fn main() { println!(\"{}\", foo::f()); }\n")
        .file("tests/it.rs", "#[test]\nfn t() { assert_eq!(foo::f(), 3); }\n")
        .file(
            "build.rs",
            "fn main() {\n    let out = std::env::var(\"OUT_DIR\").unwrap();\n    std::fs::write(format!(\"{out}/gen.rs\"), \"/// Generated.\\npub const GEN: u32 = 1;\\n\").unwrap();\n    println!(\"cargo::rerun-if-changed=build.rs\");\n}\n",
        )
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.2.0\"\nedition = \"2021\"\n",
        )
        .file("bar/src/lib.rs", "/// Two.\npub fn b() -> u32 { 2 }\n")
}

/// Paths under `dir`, relative, sorted (directories too).
fn listing(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if let Ok(rel) = p.strip_prefix(dir) {
                out.insert(rel.to_string_lossy().to_string());
            }
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for e in std::fs::read_dir(from).expect("read the tree").flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy a file");
        }
    }
}

/// A tool's output with the copy's directory (`[ROOT]/c/foo` or
/// `[ROOT]/m/foo`) written as `[ROOT]/x/foo`, in mycargo's words.
fn text(out: &Output, stderr: bool) -> String {
    let s = if stderr {
        out.stderr_as_mycargo()
    } else {
        out.stdout_as_mycargo()
    };
    s.replace("[ROOT]/c/foo", "[ROOT]/x/foo")
        .replace("[ROOT]/m/foo", "[ROOT]/x/foo")
}

/// One target tree, built by cargo, copied to `[ROOT]/c/foo` (for cargo)
/// and `[ROOT]/m/foo` (for mycargo) before each variant: both tools clean
/// the very same files.
struct CleanBench {
    tpl: Project,
}

impl CleanBench {
    fn new() -> CleanBench {
        let tpl = package().at("tpl/foo").build();
        tpl.cargo("build --all-targets").run();
        tpl.cargo("build --release").run();
        tpl.cargo("check").run();
        tpl.cargo("doc").run();
        CleanBench { tpl }
    }

    fn copy(&self, name: &str) -> PathBuf {
        let dir = self.tpl.test_root().join(format!("{name}/foo"));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&self.tpl.root(), &dir);
        dir
    }

    /// Run `clean ARGS` with both tools; compare what is left and what
    /// they said. Returns mycargo's output.
    fn compare(&self, args: &str, status: i32) -> Output {
        let c = self.copy("c");
        let m = self.copy("m");
        let root = self.tpl.test_root();
        let run = |tool: Tool, dir: &Path| {
            Execs::new(tool, root, dir)
                .arg("clean")
                .args(args.split_whitespace())
                .with_status(status)
                .run()
        };
        let co = run(Tool::Cargo, &c);
        let mo = run(Tool::Mycargo, &m);
        assert_eq!(
            listing(&m.join("target")),
            listing(&c.join("target")),
            "files left by `clean {args}` differ"
        );
        assert_eq!(text(&mo, true), text(&co, true), "stderr of `clean {args}`");
        // Dry-run listings walk directories in the file system's order.
        let sorted = |s: String| s.lines().map(str::to_string).collect::<BTreeSet<_>>();
        assert_eq!(
            sorted(text(&mo, false)),
            sorted(text(&co, false)),
            "stdout of `clean {args}`"
        );
        mo
    }
}

#[test]
fn clean_variants_leave_the_same_files_as_cargo() {
    let bench = CleanBench::new();
    for args in [
        "",
        "--doc",
        "--release",
        "--profile dev",
        "-p bar",
        "-p foo",
        "-p foo --release",
        "-p foo -p bar",
        "--workspace",
        "-p foo@0.1.0",
        "-v",
        "-p foo -v",
    ] {
        let out = bench.compare(args, 0);
        assert!(
            out.stderr.contains("     Removed "),
            "`clean {args}`: {}",
            out.stderr
        );
    }
    let host = mycargo_test_support::compare::host_triple();
    bench.compare(&format!("-p foo --target {host}"), 0);
}

#[test]
fn clean_dry_run_counts_and_lists_like_cargo() {
    let bench = CleanBench::new();
    for args in [
        "--dry-run",
        "-n -v",
        "-p foo -n",
        "-p foo -n -v",
        "-p bar --release -n",
        "--profile test -n",
        "--doc -n",
    ] {
        let out = bench.compare(args, 0);
        assert!(
            out.stderr.contains("     Summary ")
                && out
                    .stderr
                    .contains("warning: no files deleted due to --dry-run"),
            "`clean {args}`: {}",
            out.stderr
        );
    }
}

#[test]
fn clean_errors_match_cargo() {
    let bench = CleanBench::new();
    for args in ["-p nope", "-p foo --doc", "--profile nope", "-p", "gc"] {
        bench.compare(args, 101);
    }
}

#[test]
fn clean_summary_units() {
    let p = project().file("src/lib.rs", "").build();
    p.mycargo("clean")
        .with_stderr_data("     Removed 0 files\n")
        .run();
    std::fs::create_dir_all(p.root().join("target/doc")).unwrap();
    p.mycargo("clean --doc")
        .with_stderr_data("     Removed 1 directory\n")
        .run();
    p.change_file("target/a.txt", "x".repeat(600));
    p.change_file("target/b.txt", "x".repeat(3000));
    p.mycargo("clean -n")
        .with_stderr_data(
            "     Summary 2 files, 3.5KiB total\nwarning: no files deleted due to --dry-run\n",
        )
        .run();
    p.mycargo("clean")
        .with_stderr_data("     Removed 2 files, 3.5KiB total\n")
        .run();
    assert!(!p.root().join("target").exists());
}

#[test]
fn clean_p_waits_for_the_build_directory_lock() {
    let p = project().file("src/lib.rs", "pub fn f() {}\n").build();
    p.mycargo("build").run();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(p.root().join("target/debug/.cargo-lock"))
        .unwrap();
    lock.lock().unwrap();
    let child = std::process::Command::new(mycargo_test_support::mycargo_bin())
        .args(["clean", "-p", "foo"])
        .current_dir(p.root())
        .env_clear()
        .envs(mycargo_test_support::execs::hermetic_env(
            Tool::Mycargo,
            p.test_root(),
        ))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1000));
    assert!(p.root().join("target/debug/libfoo.rlib").exists());
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Blocking waiting for file lock on artifact directory"),
        "{stderr}"
    );
    assert!(!p.root().join("target/debug/libfoo.rlib").exists());
}

/// Status lines of a run, sorted (parallel jobs finish in any order).
fn statuses(out: &Output) -> Vec<String> {
    let mut v: Vec<String> = out
        .stderr_redacted()
        .lines()
        .filter(|l| {
            let w = l.trim_start();
            ["Compiling", "Checking", "Documenting", "Fresh", "Dirty"]
                .iter()
                .any(|s| w.starts_with(s))
        })
        .map(|l| l.trim().to_string())
        .collect();
    v.sort();
    v
}

fn last_line(out: &Output) -> String {
    out.stderr_redacted()
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

/// The files rustdoc wrote. Generated sources (`include!` from `OUT_DIR`)
/// are shown under their absolute path: the test root and the build
/// directory's hash are redacted.
fn doc_files(p: &Project) -> BTreeSet<String> {
    let root = p.test_root().path().to_string_lossy().to_string();
    let redactor = mycargo_test_support::Redactor::new()
        .path(Path::new(root.trim_start_matches('/')), "[ROOT]");
    listing(&p.root().join("target/doc"))
        .into_iter()
        .map(|f| redactor.redact(&f))
        .collect()
}

#[test]
fn doc_documents_deps_like_cargo() {
    let (m, c) = package().build_twins();
    let mo = m.mycargo("doc").run();
    let co = c.cargo("doc").run();
    assert_eq!(statuses(&mo), statuses(&co));
    assert_eq!(last_line(&mo), last_line(&co));
    assert_eq!(
        last_line(&mo),
        "   Generated [ROOT]/foo/target/doc/foo/index.html and 1 other file"
    );
    assert_eq!(doc_files(&m), doc_files(&c));
    for f in [
        "foo/index.html",
        "foo/fn.f.html",
        "foo/constant.GEN.html",
        "bar/index.html",
        "search.index",
        "crates.js",
    ] {
        assert!(m.root().join("target/doc").join(f).exists(), "{f}");
    }
    assert!(m.root().join("target/.rustdoc_fingerprint.json").exists());

    // Nothing to do the second time.
    let mo = m.mycargo("doc -v").run();
    let co = c.cargo("doc -v").run();
    assert_eq!(statuses(&mo), statuses(&co));
    assert!(!mo.stderr.contains("Documenting"), "{}", mo.stderr);

    // RUSTDOCFLAGS change the docs' fingerprint.
    let mo = m.mycargo("doc").env("RUSTDOCFLAGS", "--cfg docflag").run();
    let co = c.cargo("doc").env("RUSTDOCFLAGS", "--cfg docflag").run();
    assert_eq!(statuses(&mo), statuses(&co));

    // An edit of the package re-documents it.
    std::thread::sleep(std::time::Duration::from_millis(20));
    m.change_file("bar/src/lib.rs", "/// Two!\npub fn b() -> u32 { 2 }\n");
    let mo = m.mycargo("doc").env("RUSTDOCFLAGS", "--cfg docflag").run();
    assert!(
        mo.stderr.contains("Documenting bar v0.2.0"),
        "{}",
        mo.stderr
    );
}

#[test]
fn doc_no_deps_and_bins_like_cargo() {
    let (m, c) = package().build_twins();
    let mo = m.mycargo("doc --no-deps --bins --lib").run();
    let co = c.cargo("doc --no-deps --bins --lib").run();
    assert_eq!(statuses(&mo), statuses(&co));
    assert_eq!(last_line(&mo), last_line(&co));
    assert!(last_line(&mo).ends_with("index.html and 1 other file"));
    assert_eq!(doc_files(&m), doc_files(&c));
    assert!(m.root().join("target/doc/foo_cli/index.html").exists());
    assert!(!m.root().join("target/doc/bar").exists());

    // `-v` names every generated file; bins document private items.
    let mo = m
        .mycargo("doc --no-deps --bins -v")
        .env("RUSTDOCFLAGS", "--cfg v")
        .run();
    assert!(
        mo.stderr_redacted()
            .contains("   Generated [ROOT]/foo/target/doc/foo_cli/index.html")
    );
    let rustdoc_line = mo
        .stderr
        .lines()
        .find(|l| l.contains("rustdoc ") && l.contains("--crate-name foo_cli"))
        .unwrap_or_else(|| panic!("{}", mo.stderr));
    assert!(
        rustdoc_line.contains("--document-private-items"),
        "{rustdoc_line}"
    );
    assert!(rustdoc_line.contains("--extern foo="), "{rustdoc_line}");
}

#[test]
fn doc_open_uses_the_configured_browser() {
    let p = package().build();
    p.mycargo("doc --no-deps --open")
        .env("BROWSER", "echo")
        .with_stdout_data("[ROOT]/foo/target/doc/foo/index.html\n")
        .with_stderr_contains("     Opening [ROOT]/foo/target/doc/foo/index.html")
        .run();
    p.mycargo("doc --no-deps --open --config doc.browser=['echo','-n','x']")
        .env("BROWSER", "false")
        .with_stdout_data("x [ROOT]/foo/target/doc/foo/index.html")
        .run();
}

#[test]
fn doc_warnings_and_errors_like_cargo() {
    let (m, c) = project()
        .file("src/lib.rs", "/// See [nothing_here].\npub fn f() {}\n")
        .build_twins();
    let mo = m.mycargo("doc").run();
    let co = c.cargo("doc").run();
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
    for p in [&m, &c] {
        p.change_file("src/lib.rs", "pub fn g( {}\n");
    }
    let mo = m.mycargo("doc").with_status(101).run();
    let co = c.cargo("doc").with_status(101).run();
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
    // `-v` adds the failed rustdoc command as the cause.
    let mo = m.mycargo("doc -v").with_status(101).run();
    let co = c.cargo("doc -v").with_status(101).run();
    let cause = |s: &str| {
        s.lines()
            .skip_while(|l| !l.starts_with("Caused by:"))
            .count()
    };
    assert!(cause(&mo.stderr) > 1, "{}", mo.stderr);
    assert_eq!(cause(&mo.stderr), cause(&co.stderr));
}

#[test]
fn rustc_extra_args_reach_only_one_unit() {
    let (m, c) = package().build_twins();
    let mo = m.mycargo("rustc --bin foo-cli -v -- --cfg foo").run();
    let co = c.cargo("rustc --bin foo-cli -v -- --cfg foo").run();
    let with_cfg = |o: &Output| {
        o.stderr
            .lines()
            .filter(|l| l.contains("Running `") && l.contains("--cfg foo"))
            .map(|l| l.contains("--crate-name foo_cli"))
            .collect::<Vec<_>>()
    };
    assert_eq!(with_cfg(&mo), vec![true]);
    assert_eq!(with_cfg(&mo), with_cfg(&co));
    let run = m.process(m.root().join("target/debug/foo-cli")).run();
    assert_eq!(run.stdout, "3 foo on\n");
    // The same unit without the argument is another build.
    m.mycargo("rustc --bin foo-cli")
        .with_stderr_contains("   Compiling foo v0.1.0 ([ROOT]/foo)")
        .run();
    let run = m.process(m.root().join("target/debug/foo-cli")).run();
    assert_eq!(run.stdout, "3 foo off\n");
}

#[test]
fn rustc_crate_type_like_cargo() {
    let (m, c) = package().build_twins();
    m.mycargo("rustc --lib --crate-type cdylib,rlib").run();
    c.cargo("rustc --lib --crate-type cdylib,rlib").run();
    for p in [&m, &c] {
        assert!(p.root().join("target/debug/deps/libfoo.so").exists());
        assert!(p.root().join("target/debug/deps/libfoo.rlib").exists());
    }
}

#[test]
fn rustc_and_rustdoc_errors_match_cargo() {
    let (m, c) = package().build_twins();
    for args in [
        "rustc -- --cfg foo",
        "rustc --crate-type cdylib",
        "rustc --bin foo-cli --crate-type cdylib",
        "rustc --print cfg",
        "rustc -p nope",
        "rustc -p",
        "rustdoc -- --cfg x",
        "rustdoc --output-format json",
        "rustdoc -p nope",
    ] {
        let mo = m.mycargo(args).with_status(101).run();
        let co = c.cargo(args).with_status(101).run();
        assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo(), "`{args}`");
    }
    // A virtual manifest.
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("a/src/lib.rs", "")
        .build_twins();
    for args in ["rustc", "rustdoc"] {
        let mo = m.mycargo(args).with_status(101).run();
        let co = c.cargo(args).with_status(101).run();
        assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo(), "`{args}`");
    }
}

#[test]
fn rustdoc_extra_args_reach_the_doc_unit() {
    let (m, c) = package().build_twins();
    let mo = m.mycargo("rustdoc --lib -v -- --cfg docflag").run();
    let co = c.cargo("rustdoc --lib -v -- --cfg docflag").run();
    assert_eq!(statuses(&mo), statuses(&co));
    assert_eq!(last_line(&mo), last_line(&co));
    let flagged: Vec<&str> = mo
        .stderr
        .lines()
        .filter(|l| l.contains("--cfg docflag"))
        .collect();
    assert_eq!(flagged.len(), 1, "{}", mo.stderr);
    assert!(flagged[0].contains("rustdoc "), "{}", flagged[0]);
    // `rustdoc` leaves the dependencies undocumented.
    assert!(!m.root().join("target/doc/bar").exists());
    assert_eq!(doc_files(&m), doc_files(&c));
}

#[test]
fn doc_of_the_build_fixture_matches_cargo() {
    // Proc macros, build scripts with `links`, cdylib and staticlib libs.
    let (m, c) = super::build::fixture().build_twins();
    let mo = m.mycargo("doc --workspace").run();
    let co = c.cargo("doc --workspace").run();
    assert_eq!(statuses(&mo), statuses(&co));
    assert_eq!(last_line(&mo), last_line(&co));
    assert_eq!(doc_files(&m), doc_files(&c));
    // Then `clean --doc` removes them all, as cargo's does.
    let mo = m.mycargo("clean --doc").run();
    let co = c.cargo("clean --doc").run();
    assert_eq!(
        mo.stderr.split(',').next(),
        co.stderr.split(',').next(),
        "{}",
        mo.stderr
    );
    assert!(!m.root().join("target/doc").exists());
}

/// `clean -p` of a registry dependency (which needs the resolve, not only
/// the workspace's path packages) removes that package's files and no
/// other's, counting them as cargo does.
#[test]
fn clean_p_of_a_registry_dependency_like_cargo() {
    use mycargo_test_support::registry::{Package, Registry};
    let reg = Registry::new();
    Package::new("regdep", "1.0.0")
        .file("src/lib.rs", "pub fn r() -> u32 { 1 }\n")
        .publish(&reg);
    let (m, c) = super::twin::registry_twins(
        &reg,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nregdep = \"1\"\n",
            ),
            ("src/lib.rs", "pub fn f() -> u32 { regdep::r() }\n"),
        ],
    );
    let mut removed = Vec::new();
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        p.tool(tool, "build").run();
        let out = p.tool(tool, "clean -p regdep").run();
        let left = listing(&p.root().join("target"));
        assert!(
            !left.iter().any(|f| f.contains("regdep")),
            "{tool:?} left regdep's files: {left:?}"
        );
        assert!(
            left.iter().any(|f| f.contains("libfoo-")),
            "{tool:?} removed foo's files: {left:?}"
        );
        let summary = out.stderr.trim().to_string();
        removed.push(
            summary
                .split(" files")
                .next()
                .unwrap_or_default()
                .to_string(),
        );
    }
    assert_eq!(removed[0], removed[1], "files counted differ");
}

/// A lib with `doc = false` is not documented, even for the package's
/// bins (which still link to it), as in cargo.
#[test]
fn doc_false_lib_is_not_documented_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\ndoc = false\n",
        )
        .file("src/lib.rs", "pub fn f() {}\n")
        .file("src/bin/some-bin.rs", "fn main() { foo::f(); }\n")
        .build_twins();
    let mo = m.mycargo("doc").run();
    let co = c.cargo("doc").run();
    assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo());
    assert!(!m.root().join("target/doc/foo").exists());
    assert!(m.root().join("target/doc/some_bin/index.html").exists());
}

/// An example with `doc = true` is documented by `doc`, as in cargo.
#[test]
fn documented_example_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [[example]]\nname = \"ex1\"\ncrate-type = [\"lib\"]\ndoc = true\n",
        )
        .file("src/lib.rs", "pub fn f() {}\n")
        .file("examples/ex1.rs", "/// Example\npub fn x() { foo::f(); }\n")
        .build_twins();
    let mo = m.mycargo("doc").run();
    let co = c.cargo("doc").run();
    // The two units start together: their lines may come in either order.
    let sorted = |s: String| s.lines().map(str::to_string).collect::<BTreeSet<_>>();
    assert_eq!(
        sorted(mo.stderr_as_mycargo()),
        sorted(co.stderr_as_mycargo())
    );
    assert!(m.root().join("target/doc/ex1/fn.x.html").exists());
}

/// Two packages documenting a crate of the same name: cargo's collision
/// warning (naming the later unit first) and both docs counted.
#[test]
fn doc_collision_between_packages_like_cargo() {
    let (m, c) = project()
        .file("Cargo.toml", "[workspace]\nmembers = [\"foo\", \"bar\"]\nresolver = \"2\"\n")
        .file(
            "foo/Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2015\"\n\n[[bin]]\nname = \"foo_lib\"\npath = \"src/foo_lib.rs\"\n",
        )
        .file("foo/src/foo_lib.rs", "fn main() {}\n")
        .file(
            "bar/Cargo.toml",
            "[package]\nname = \"bar\"\nversion = \"0.1.0\"\nedition = \"2015\"\n\n[lib]\nname = \"foo_lib\"\n",
        )
        .file("bar/src/lib.rs", "")
        .build_twins();
    let mo = m.mycargo("doc --workspace").run();
    let co = c.cargo("doc --workspace").run();
    // The two units start together: compare their lines as sets.
    let sorted = |s: String| s.lines().map(str::to_string).collect::<BTreeSet<_>>();
    assert_eq!(
        sorted(mo.stderr_as_mycargo()),
        sorted(co.stderr_as_mycargo())
    );
    assert!(mo.stderr.contains("and 1 other file"), "{}", mo.stderr);
}

/// Two selected packages whose libs share a crate name cannot both be
/// documented (cargo's error, nothing built); a crate documented again
/// loses the pages of items gone since.
#[test]
fn doc_name_collisions_and_stale_pages_like_cargo() {
    let (m, c) = super::twin::two_members("0.1.0", "\n[lib]\nname = \"same_lib\"\n").build_twins();
    let out = super::twin::same(&m, &c, "doc");
    assert!(out.contains("document output filename collision"), "{out}");
    assert!(!m.root().join("target/doc").exists());

    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nextra = []\n",
        )
        .file("src/lib.rs", "#[cfg(feature = \"extra\")]\npub fn extra() {}\n")
        .build();
    p.mycargo("doc --features extra").run();
    let page = p.root().join("target/doc/foo/fn.extra.html");
    assert!(page.is_file());
    p.mycargo("doc").run();
    assert!(!page.exists(), "the page of a gone item is removed");
}

/// Two versions of one crate in the graph: only the newest is documented
/// (no collision), and what only the older needed is not documented
/// either, as cargo does.
#[test]
fn doc_keeps_the_newest_of_one_crate_like_cargo() {
    use mycargo_test_support::registry::{Package, Registry};
    let reg = Registry::new();
    Package::new("old-dep", "1.0.0").publish(&reg);
    Package::new("bar", "1.0.0")
        .dep("old-dep", "1.0")
        .publish(&reg);
    Package::new("bar", "2.0.0").publish(&reg);
    let (m, c) = super::twin::registry_twins(
        &reg,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbar1 = { package = \"bar\", version = \"1.0\" }\nbar2 = { package = \"bar\", version = \"2.0\" }\n",
            ),
            ("src/lib.rs", ""),
        ],
    );
    let mo = m.mycargo("doc").run();
    let co = c.cargo("doc").run();
    // The twins live in `m` and `c`.
    let twin = |s: String| {
        s.replace("[ROOT]/m", "[ROOT]/P")
            .replace("[ROOT]/c", "[ROOT]/P")
    };
    let out = twin(mo.stderr_redacted());
    // Jobs run side by side: their lines in any order.
    let sorted = |s: &str| {
        let mut l: Vec<&str> = s.lines().collect();
        l.sort_unstable();
        l.join("\n")
    };
    assert_eq!(sorted(&out), sorted(&twin(co.stderr_as_mycargo())));
    assert!(!out.contains("collision"), "{out}");
    assert!(!out.contains("Documenting old-dep"), "{out}");
    assert!(out.contains("Documenting bar v2.0.0"), "{out}");
}
