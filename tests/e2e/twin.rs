//! Comparing a command run by both tools on twin projects (one for
//! mycargo, one for cargo, each with its own CARGO_HOME).

use mycargo_test_support::project::Project;
use mycargo_test_support::registry::Registry;
use mycargo_test_support::{TestRoot, project};

/// Run `args` with both tools: the same exit code, stderr (redacted, with
/// lines that come in any order sorted), stdout and `Cargo.lock`.
/// mycargo's stderr is returned.
pub fn same(m: &Project, c: &Project, args: &str) -> String {
    let mo = m.mycargo(args).with_any_status().run();
    let co = c.cargo(args).with_any_status().run();
    assert_eq!(
        order_free(&mo.stderr_redacted()),
        order_free(&co.stderr_as_mycargo()),
        "stderr of `{args}`\n{}",
        mo.describe()
    );
    assert_eq!(mo.code(), co.code(), "exit code of `{args}`");
    assert_eq!(lock(m), lock(c), "Cargo.lock after `{args}`");
    assert_eq!(
        mo.stdout_redacted(),
        co.stdout_as_mycargo(),
        "stdout of `{args}`"
    );
    mo.stderr_redacted()
}

/// Stderr with each run of `Downloaded` and `Updating` lines sorted:
/// downloads finish, and sources load, in any order.
pub fn order_free(s: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for line in s.lines() {
        let t = line.trim_start();
        if (t.starts_with("Downloaded ") && line.contains(" v")) || t.starts_with("Updating ") {
            run.push(line);
            continue;
        }
        run.sort_unstable();
        out.append(&mut run);
        out.push(line);
    }
    run.sort_unstable();
    out.append(&mut run);
    out.join("\n")
}

/// The project's `Cargo.lock`, if there is one.
pub fn lock(p: &Project) -> Option<String> {
    std::fs::read_to_string(p.root().join("Cargo.lock")).ok()
}

/// Twin projects `m` (for mycargo) and `c` (for cargo) with `files`, in one
/// root where each tool has its own home, both configured for `reg`.
pub fn registry_twins(reg: &Registry, files: &[(&str, &str)]) -> (Project, Project) {
    let root = TestRoot::new_separate_homes();
    reg.configure_home(&root);
    let make = |dir: &str| {
        let mut b = project().in_root(&root).at(dir);
        for (path, text) in files {
            b = b.file(path, text);
        }
        b.build()
    };
    (make("m"), make("c"))
}

/// A workspace of members `a` and `b`, each a lib whose manifest is
/// `[package]` named after it followed by `extra`.
pub fn two_members(version: &str, extra: &str) -> mycargo_test_support::ProjectBuilder {
    let member = |name: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n{extra}"
        )
    };
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        )
        .file("a/Cargo.toml", member("a"))
        .file("a/src/lib.rs", "")
        .file("b/Cargo.toml", member("b"))
        .file("b/src/lib.rs", "")
}
