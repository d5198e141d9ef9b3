//! `build.build-dir`: intermediate files in the build directory, final
//! ones in the target directory, the same files as cargo's (hashes
//! aside), and `clean` removing both.

use std::path::Path;

use mycargo_test_support::{Project, Tool, project};

/// Every file under `dir`, relative, with unit hashes redacted, sorted;
/// incremental caches left out (their names are rustc's own).
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("incremental") {
                    stack.push(p);
                }
                continue;
            }
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.push(redact_hashes(&rel));
        }
    }
    out.sort();
    out
}

/// `foo-0123456789abcdef` → `foo-[HASH]`.
fn redact_hashes(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            .count();
        if i > 0 && bytes[i - 1] == b'-' && hex == 16 {
            out.push_str("[HASH]");
            i += 16;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    out
}

fn twins() -> (Project, Project) {
    project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/main.rs", "fn main() { println!(\"{}\", env!(\"OUT_DIR\").len()); }\n")
        .file("build.rs", "fn main() { std::fs::write(std::path::Path::new(&std::env::var(\"OUT_DIR\").unwrap()).join(\"x.txt\"), \"x\").unwrap(); }\n")
        .file("tests/t.rs", "#[test]\nfn t() { assert!(std::path::Path::new(env!(\"CARGO_TARGET_TMPDIR\")).exists()); }\n")
        .file("examples/ex.rs", "fn main() {}\n")
        .file(
            ".cargo/config.toml",
            "[build]\ntarget-dir = \"out\"\nbuild-dir = \"{workspace-root}/inter\"\n",
        )
        .build_twins()
}

#[test]
fn files_land_where_cargo_puts_them() {
    let (m, c) = twins();
    for (cmd, label) in [
        ("check", "check"),
        ("build", "build"),
        ("build --examples", "examples"),
        ("test", "test"),
    ] {
        m.tool(Tool::Mycargo, cmd).run();
        c.tool(Tool::Cargo, cmd).run();
        for dir in ["out", "inter"] {
            assert_eq!(
                files(&m.root().join(dir)),
                files(&c.root().join(dir)),
                "after `{label}`: {dir}/"
            );
        }
    }
    let built = files(&m.root().join("out"));
    assert!(built.contains(&"debug/foo".to_string()), "{built:?}");
    assert!(
        !built.iter().any(|f| f.contains(".fingerprint")),
        "{built:?}"
    );
    let inter = files(&m.root().join("inter"));
    assert!(inter.iter().any(|f| f.ends_with("/out/x.txt")), "{inter:?}");
    assert!(!m.root().join("target").exists());
    // `clean` removes both directories.
    m.tool(Tool::Mycargo, "clean").run();
    assert!(!m.root().join("out").exists() && !m.root().join("inter").exists());
}

#[test]
fn bad_templates_are_refused_like_cargo() {
    let (m, c) = twins();
    for bad in ["{workspace-ro}/b", "{nope}/b", "a/{b", "a/}b"] {
        for p in [&m, &c] {
            p.change_file(
                ".cargo/config.toml",
                format!("[build]\nbuild-dir = \"{bad}\"\n"),
            );
        }
        let mo = m.tool(Tool::Mycargo, "build").with_status(101).run();
        let co = c.tool(Tool::Cargo, "build").with_status(101).run();
        assert_eq!(mo.stderr_as_mycargo(), co.stderr_as_mycargo(), "{bad}");
    }
}

#[test]
fn new_layout_matches_cargo_on_nightly() {
    let (m, c) = twins();
    let cmd = "-Zbuild-dir-new-layout -Zfine-grain-locking build";
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        p.tool(tool, cmd)
            .env("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly")
            .run();
    }
    let mine = files(&m.root().join("inter"));
    assert!(
        mine.iter()
            .any(|f| f.starts_with("debug/build/foo/") && f.ends_with("/run/stdout")),
        "{mine:?}"
    );
    assert!(mine.iter().any(|f| f.ends_with("/.lock")), "{mine:?}");
    // Unit directories are named by each tool's own hashes.
    let dirs = |v: Vec<String>| -> Vec<String> {
        let mut out: Vec<String> = v
            .into_iter()
            .map(|f| {
                let parts: Vec<&str> = f.split('/').collect();
                match parts.as_slice() {
                    ["debug", "build", pkg, _hash, rest @ ..] => {
                        format!("debug/build/{pkg}/[HASH]/{}", rest.join("/"))
                    }
                    _ => f.clone(),
                }
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(dirs(mine), dirs(files(&c.root().join("inter"))));
    assert_eq!(files(&m.root().join("out")), files(&c.root().join("out")));
}
