//! `-Zscript` single-file packages against the installed cargo (nightly
//! channel override, `RUSTC_BOOTSTRAP=1` so rustc takes the frontmatter):
//! running a script by its path, `--manifest-path file.rs` commands, the
//! embedded manifest's rules and errors, `add` editing the frontmatter, and
//! where the build and lock files go.

use mycargo_test_support::{Execs, Output, Project, Tool, project};

const ECHO: &str = "#!/usr/bin/env cargo\n\
---\n\
[dependencies]\n\
helper = { path = \"helper\" }\n\
---\n\
\n\
fn main() {\n\
    let mut args = std::env::args();\n\
    println!(\"arg0: {}\", args.next().unwrap());\n\
    println!(\"args: {:?}\", args.collect::<Vec<_>>());\n\
    println!(\"helper: {}\", helper::answer());\n\
    println!(\"line: {}\", line!());\n\
}\n";

fn fixture() -> (Project, Project) {
    project()
        .file("echo.rs", ECHO)
        .file(
            "helper/Cargo.toml",
            "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("helper/src/lib.rs", "pub fn answer() -> u32 { 42 }\n")
        // Ignored for a script: it has no build script or other targets.
        .file(
            "build.rs",
            "fn main() { compile_error!(\"not for scripts\"); }\n",
        )
        .file("src/lib.rs", "compile_error!(\"not for scripts\");\n")
        .build_twins()
}

fn nightly(e: Execs) -> Execs {
    e.env("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly")
        .env("RUSTC_BOOTSTRAP", "1")
        .with_any_status()
}

/// The hash of a script's path differs between the twins' roots: shown
/// as `[HASH]` (`build/ab/cdef0123456789` and a 16-digit directory).
fn unhash(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("/build/") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        let hex = |t: &str, n: usize| t.len() >= n && t[..n].bytes().all(|b| b.is_ascii_hexdigit());
        if hex(rest, 2) && rest[2..].starts_with('/') && hex(&rest[3..], 14) {
            out.push_str("[HASH]");
            rest = &rest[17..];
        }
    }
    out.push_str(rest);
    out
}

/// `Removed N files, SIZE total` without its figures: cargo tags a
/// script's build directory as a cache only when it creates it, mycargo
/// always (one file more).
fn unfigured(s: &str) -> String {
    s.lines()
        .map(|l| match l.find("Removed ") {
            Some(i) => format!("{}Removed [N] files", &l[..i]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn same(m: &Project, c: &Project, args: &str) -> Output {
    same_lines(m, c, args, usize::MAX)
}

/// [`same`], comparing the first `lines` lines of stderr only.
fn same_lines(m: &Project, c: &Project, args: &str, lines: usize) -> Output {
    let mo = nightly(m.mycargo(args)).run();
    let co = nightly(c.cargo(args)).run();
    let head = |s: String| {
        unfigured(&unhash(&s))
            .lines()
            .take(lines)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        head(mo.stderr_as_mycargo()),
        head(co.stderr_as_mycargo()),
        "`{args}`\n{}",
        mo.describe()
    );
    assert_eq!(
        unhash(&mo.stdout_redacted()),
        unhash(&co.stdout_redacted()),
        "`{args}`"
    );
    assert_eq!(mo.code(), co.code(), "`{args}`");
    mo
}

#[test]
fn a_script_runs_by_its_path_like_cargo() {
    let (m, c) = fixture();
    let out = same(&m, &c, "-Zscript -v echo.rs one --two");
    assert_eq!(out.code(), Some(0), "{}", out.describe());
    // The script's path is its arg0; the arguments are the script's;
    // the code is compiled as written (line numbers kept).
    assert!(out.stdout.contains("/foo/echo.rs\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("args: [\"one\", \"--two\"]"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("helper: 42"), "{}", out.stdout);
    assert!(out.stdout.contains("line: 12"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("warning: `package.edition` is unspecified, defaulting to `2024`"),
        "{}",
        out.stderr
    );
    // Quiet without `-v` (stderr is not a terminal); fresh the second time.
    let out = same(&m, &c, "-Zscript echo.rs");
    assert_eq!(out.stderr, "");
    // Build and lock files live under CARGO_HOME, none beside the script.
    assert!(!m.root().join("Cargo.lock").exists());
    assert!(!m.root().join("target").exists());
    let home = m.test_root().cargo_home(Tool::Mycargo).join("build");
    let locks: Vec<_> = walk(&home)
        .into_iter()
        .filter(|p| p.ends_with("Cargo.lock"))
        .collect();
    assert_eq!(locks.len(), 1, "{locks:?}");
    // The same lock file as cargo's.
    let cargo_locks: Vec<_> = walk(&c.test_root().cargo_home(Tool::Cargo).join("build"))
        .into_iter()
        .filter(|p| p.ends_with("Cargo.lock"))
        .collect();
    assert_eq!(
        std::fs::read_to_string(&locks[0]).unwrap(),
        std::fs::read_to_string(&cargo_locks[0]).unwrap()
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn manifest_path_commands_on_a_script_like_cargo() {
    let (m, c) = fixture();
    for args in [
        "-Zscript check --manifest-path echo.rs",
        "-Zscript build --manifest-path echo.rs",
        "-Zscript run --manifest-path echo.rs -- x",
        "-Zscript tree --manifest-path echo.rs",
        "-Zscript read-manifest --manifest-path echo.rs",
        "-Zscript clean --manifest-path echo.rs",
        "-Zscript package --manifest-path echo.rs",
        "-Zscript publish --manifest-path echo.rs",
        "check --manifest-path echo.rs",
        "-Zscript check --manifest-path missing.rs",
        "echo.rs",
        "-Zscript ech.rs",
        "-Zscript helper",
    ] {
        same(&m, &c, args);
    }
}

#[test]
fn embedded_manifest_rules_like_cargo() {
    let cases = [
        // Fields a script may not have.
        "---\n[lib]\npath = \"s.rs\"\n[build-dependencies]\n---\nfn main() {}\n",
        "---\npackage.edition = \"2021\"\npackage.build = false\n---\nfn main() {}\n",
        // Frontmatter errors.
        "----\n[dependencies]\n---\nfn main() {}\n",
        "---toml\n---\nfn main() {}\n",
        "---\n[dependencies]\nfn main() {}\n",
        // A TOML error, at its line in the file.
        "#!/usr/bin/env cargo\n---\n[dependencies]\nbar = 3\n---\nfn main() {}\n",
    ];
    // (Frontmatter errors: the message and its place; cargo also shows
    // the lines of the opening fence.)
    for (i, text) in cases.into_iter().enumerate() {
        let (m, c) = project().file("s.rs", text).build_twins();
        let out = same_lines(&m, &c, "-Zscript check --manifest-path s.rs", 2);
        assert_eq!(out.code(), Some(101), "case {i}: {}", out.describe());
    }
    // Names from the file stem.
    for stem in ["42answer", "s-h.w§c!", "42"] {
        let (m, c) = project()
            .file(format!("{stem}.rs"), "fn main() {}\n")
            .build_twins();
        let out = same(
            &m,
            &c,
            &format!("-Zscript metadata --manifest-path {stem}.rs --format-version 1 --no-deps"),
        );
        assert_eq!(out.code(), Some(0), "{stem}: {}", out.describe());
    }
}

#[test]
fn add_edits_the_frontmatter_like_cargo() {
    for text in [
        "#!/usr/bin/env cargo\n\nfn main() {}\n",
        "fn main() {}\n",
        "-----cargo\n[package]\nedition = \"2021\"\n-----\n\nfn main() {}\n",
    ] {
        let (m, c) = project()
            .file("s.rs", text)
            .file(
                "helper/Cargo.toml",
                "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            )
            .file("helper/src/lib.rs", "")
            .build_twins();
        let out = same(&m, &c, "-Zscript add --manifest-path s.rs --path helper");
        assert_eq!(out.code(), Some(0), "{}", out.describe());
        let mine = std::fs::read_to_string(m.root().join("s.rs")).unwrap();
        assert_eq!(
            mine,
            std::fs::read_to_string(c.root().join("s.rs")).unwrap()
        );
        assert!(
            mine.contains("helper = { version = \"0.1.0\", path = \"helper\" }"),
            "{mine}"
        );
        let out = same(&m, &c, "-Zscript remove --manifest-path s.rs helper");
        assert_eq!(out.code(), Some(0), "{}", out.describe());
        assert_eq!(
            std::fs::read_to_string(m.root().join("s.rs")).unwrap(),
            std::fs::read_to_string(c.root().join("s.rs")).unwrap()
        );
    }
}
