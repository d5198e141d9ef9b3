//! The no-op fast path of `build` and `check`: a second build with nothing
//! changed is answered from the record of the first (`MYCARGO_LOG=noop`
//! says so), and every kind of change the record watches leads to the
//! same rebuild cargo does, with cargo's output.

use std::path::Path;

use mycargo_test_support::project;
use mycargo_test_support::project::Project;

const MAIN: &str = "fn main() { println!(\"one\"); }\n";

/// Twin projects (mycargo, cargo) with `files`, in roots of their own.
fn twins(files: &[(&str, &str)]) -> (Project, Project) {
    let mut b = project();
    for (path, text) in files {
        b = b.file(path, text);
    }
    b.build_twins()
}

/// Twin `foo` binaries with `main` as `src/main.rs`.
fn bin_twins(main: &str) -> (Project, Project) {
    twins(&[("Cargo.toml", &manifest("foo", "")), ("src/main.rs", main)])
}

fn manifest(name: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}")
}

/// Run `args` with both tools (and `env`): the same stderr (the trace
/// lines aside), stdout and exit code. Returns whether mycargo took the
/// fast path.
fn step(m: &Project, c: &Project, args: &str, env: &[(&str, &str)]) -> bool {
    trace(m, c, args, env).0
}

/// [`step`], with mycargo's stderr (trace lines included).
fn trace(m: &Project, c: &Project, args: &str, env: &[(&str, &str)]) -> (bool, String) {
    let mut me = m.mycargo(args).env("MYCARGO_LOG", "noop").with_any_status();
    let mut ce = c.cargo(args).with_any_status();
    for (k, v) in env {
        me = me.env(k, v);
        ce = ce.env(k, v);
    }
    let mo = me.run();
    let co = ce.run();
    let stderr = mo.stderr_redacted();
    let hit = stderr.lines().any(|l| l == "[mycargo noop] hit");
    let shown: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("[mycargo noop]"))
        .collect();
    assert_eq!(
        shown.join("\n"),
        co.stderr_as_mycargo().trim_end_matches('\n'),
        "stderr of `{args}`\n{}",
        mo.describe()
    );
    assert_eq!(mo.code(), co.code(), "exit code of `{args}`");
    assert_eq!(
        mo.stdout_redacted(),
        co.stdout_as_mycargo(),
        "stdout of `{args}`"
    );
    (hit, stderr)
}

/// Write `text` to `path` in both projects.
fn change_both(m: &Project, c: &Project, path: &str, text: &str) {
    for p in [m, c] {
        write_later(&p.root().join(path), text);
    }
}

fn write_later(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// Change `path` in both projects: the next build rebuilds, the program
/// then prints `prints`, and the build after that is a hit again.
fn rebuilds_after(m: &Project, c: &Project, path: &str, text: &str, prints: &str) {
    change_both(m, c, path, text);
    assert!(!step(m, c, "build", &[]), "a change to `{path}` is seen");
    assert_eq!(run_bin(m, "foo"), prints);
    assert!(step(m, c, "build", &[]));
}

/// Build, then build again: the second run is a hit with cargo's output.
fn built_twice(m: &Project, c: &Project, args: &str) {
    assert!(!step(m, c, args, &[]), "the first build has no record");
    let (hit, stderr) = trace(m, c, args, &[]);
    assert!(hit, "nothing changed: the record answers\n{stderr}");
}

fn run_bin(p: &Project, name: &str) -> String {
    let out = std::process::Command::new(p.bin(name)).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn source_edit_rebuilds() {
    let (m, c) = bin_twins(MAIN);
    built_twice(&m, &c, "build");
    let text = "fn main() { println!(\"two!\"); }\n";
    rebuilds_after(&m, &c, "src/main.rs", text, "two!\n");
}

#[test]
fn check_and_build_keep_their_own_records() {
    let (m, c) = bin_twins(MAIN);
    built_twice(&m, &c, "check");
    built_twice(&m, &c, "build");
    assert!(step(&m, &c, "check", &[]));
    assert!(!step(&m, &c, "build --release", &[]));
}

#[test]
fn new_target_file_is_built() {
    let (m, c) = bin_twins(MAIN);
    built_twice(&m, &c, "build");
    change_both(&m, &c, "src/bin/extra.rs", "fn main() {}\n");
    assert!(!step(&m, &c, "build", &[]));
    assert!(m.bin("extra").exists());
    assert!(step(&m, &c, "build", &[]));
    // A bin in its own directory: only that directory's listing changes.
    for p in [&m, &c] {
        std::fs::create_dir_all(p.root().join("src/bin/tool")).unwrap();
    }
    assert!(!step(&m, &c, "build", &[]));
    change_both(&m, &c, "src/bin/tool/main.rs", "fn main() {}\n");
    assert!(!step(&m, &c, "build", &[]));
    assert!(m.bin("tool").exists());
}

#[test]
fn environment_and_config_changes_rebuild() {
    let (m, c) = bin_twins(
        "fn main() { if cfg!(debug_assertions) { println!(\"checked\") } else { println!(\"plain\") } }\n",
    );
    built_twice(&m, &c, "build");
    let off = [("RUSTFLAGS", "-C debug-assertions=off")];
    assert!(!step(&m, &c, "build", &off));
    assert_eq!(run_bin(&m, "foo"), "plain\n");
    assert!(step(&m, &c, "build", &off));
    assert!(!step(&m, &c, "build", &[]));
    assert_eq!(run_bin(&m, "foo"), "checked\n");
    // A config file appears in the project.
    let config = "[build]\nrustflags = [\"-C\", \"debug-assertions=off\"]\n";
    rebuilds_after(&m, &c, ".cargo/config.toml", config, "plain\n");
}

#[test]
fn manifest_and_path_dependency_changes_rebuild() {
    let (m, c) = twins(&[
        (
            "Cargo.toml",
            &manifest("foo", "\n[dependencies]\ndep = { path = \"../dep\" }\n"),
        ),
        (
            "src/main.rs",
            "fn main() { println!(\"{}\", dep::word()); }\n",
        ),
    ]);
    for p in [&m, &c] {
        project()
            .in_root(p.test_root())
            .at("dep")
            .file("Cargo.toml", manifest("dep", ""))
            .file("src/lib.rs", "pub fn word() -> &'static str { \"old\" }\n")
            .build();
    }
    built_twice(&m, &c, "build");
    for p in [&m, &c] {
        let lib = p.test_root().join("dep/src/lib.rs");
        write_later(&lib, "pub fn word() -> &'static str { \"new\" }\n");
    }
    assert!(!step(&m, &c, "build", &[]));
    assert_eq!(run_bin(&m, "foo"), "new\n");
    assert!(step(&m, &c, "build", &[]));
    // A feature in the manifest: the fingerprint of foo changes.
    for p in [&m, &c] {
        let text = p.read_file("Cargo.toml") + "\n[features]\nextra = []\n";
        write_later(&p.root().join("Cargo.toml"), &text);
    }
    assert!(!step(&m, &c, "build", &[]));
    assert!(step(&m, &c, "build", &[]));
}

#[test]
fn removed_output_is_rebuilt() {
    let (m, c) = bin_twins(MAIN);
    built_twice(&m, &c, "build");
    for p in [&m, &c] {
        std::fs::remove_file(p.bin("foo")).unwrap();
    }
    assert!(!step(&m, &c, "build", &[]));
    assert_eq!(run_bin(&m, "foo"), "one\n");
}

#[test]
fn warnings_are_shown_again_on_every_build() {
    let (m, c) = bin_twins("#[deprecated]\nfn old() {}\nfn main() { old(); }\n");
    for _ in 0..3 {
        // A build with warnings to show again leaves no record.
        assert!(!step(&m, &c, "build", &[]));
    }
}

#[test]
fn build_script_inputs_rerun_it() {
    let (m, c) = twins(&[
        ("Cargo.toml", &manifest("foo", "")),
        (
            "build.rs",
            "fn main() {\n    println!(\"cargo::rerun-if-changed=data.txt\");\n    let d = std::fs::read_to_string(\"data.txt\").unwrap();\n    println!(\"cargo::rustc-env=DATA={}\", d.trim());\n}\n",
        ),
        ("data.txt", "first\n"),
        (
            "src/main.rs",
            "fn main() { println!(\"{}\", env!(\"DATA\")); }\n",
        ),
    ]);
    built_twice(&m, &c, "build");
    rebuilds_after(&m, &c, "data.txt", "second\n", "second\n");
}

#[test]
fn lock_file_change_is_noticed() {
    let (m, c) = bin_twins(MAIN);
    built_twice(&m, &c, "build");
    for p in [&m, &c] {
        std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
    }
    assert!(!step(&m, &c, "build", &[]));
    assert!(m.root().join("Cargo.lock").exists());
}

#[test]
fn metadata_and_tree_answers_follow_the_workspace() {
    let (m, c) = twins(&[
        (
            "Cargo.toml",
            &manifest("foo", "\n[dependencies]\ndep = { path = \"dep\" }\n"),
        ),
        ("src/lib.rs", ""),
        ("dep/Cargo.toml", &manifest("dep", "")),
        ("dep/src/lib.rs", ""),
        ("other/Cargo.toml", &manifest("other", "")),
        ("other/src/lib.rs", ""),
    ]);
    for args in ["metadata --format-version 1", "tree"] {
        assert!(!step(&m, &c, args, &[]), "{args}: no record yet");
        assert!(step(&m, &c, args, &[]), "{args}: nothing changed");
        assert!(!step(&m, &c, &format!("{args} --offline"), &[]));
    }
    // A new target in a path dependency: metadata lists it.
    change_both(&m, &c, "dep/src/bin/tool.rs", "fn main() {}\n");
    assert!(!step(&m, &c, "metadata --format-version 1", &[]));
    assert!(step(&m, &c, "metadata --format-version 1", &[]));
    // A new dependency in the path dependency's manifest: both change.
    change_both(
        &m,
        &c,
        "dep/Cargo.toml",
        &manifest("dep", "\n[dependencies]\nother = { path = \"../other\" }\n"),
    );
    for args in ["metadata --format-version 1", "tree"] {
        assert!(!step(&m, &c, args, &[]), "{args}: the manifest changed");
        assert!(step(&m, &c, args, &[]), "{args}: nothing changed");
    }
}
