//! Table-driven tests of manifest reading and workspace loading. Each case
//! writes files into a temp dir, reads the first file, and checks parts of
//! the model, or the error rendered as cargo renders it (`ROOT` stands for
//! the temp dir). Expected error texts were checked against cargo 1.95.

// Test helpers and case closures run only under `cargo test`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use mycargo_core::{DepKind, FeatureValue, GitReference, SourceKind};
use mycargo_manifest::{
    Lto, ManifestError, OptLevel, PanicStrategy, ParsedManifest, ReadOptions, Strip, TargetKind,
    Workspace, read_manifest_file, read_manifest_with,
};

enum Expect {
    /// The manifest reads; check the model.
    Ok(fn(&ParsedManifest)),
    /// A located TOML error: message, line, column.
    Toml(&'static str, usize, usize),
    /// A TOML error, in the layout `verify-project` reports it.
    Parser(&'static str),
    /// Any other error, rendered with its `Caused by:` chain.
    Err(&'static str),
    /// The workspace loads; check it.
    Ws(fn(&Workspace)),
    /// Loading the workspace fails with this rendering.
    WsErr(&'static str),
}

struct Case {
    name: &'static str,
    /// Files to write (path, contents); the first is the manifest under test.
    files: &'static [(&'static str, &'static str)],
    expect: Expect,
}

const LIB: (&str, &str) = ("src/lib.rs", "");
const MAIN: (&str, &str) = ("src/main.rs", "");

/// Render like cargo's shell: the message, then each cause.
fn render(e: &ManifestError, root: &Path) -> String {
    let msgs = e.messages();
    let mut out = msgs[0].clone();
    for cause in &msgs[1..] {
        out.push_str("\n\nCaused by:\n");
        let lines: Vec<String> = cause
            .lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("  {l}")
                }
            })
            .collect();
        out.push_str(&lines.join("\n"));
    }
    out.replace(&root.display().to_string(), "ROOT")
}

fn pkg(m: &ParsedManifest) -> &mycargo_manifest::Manifest {
    m.package().expect("a package manifest")
}

fn rel(m: &mycargo_manifest::Manifest, p: &Path) -> String {
    p.strip_prefix(m.root()).unwrap_or(p).display().to_string()
}

fn run(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (path, contents) in case.files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
    }
    let manifest = root.join(case.files[0].0);
    let opts = ReadOptions {
        cwd: Some(root.clone()),
        ..ReadOptions::default()
    };
    let name = case.name;
    match &case.expect {
        Expect::Ok(check) => match read_manifest_file(&manifest, &opts) {
            Ok(m) => check(&m),
            Err(e) => panic!("{name}: unexpected error:\n{}", render(&e, &root)),
        },
        Expect::Toml(msg, line, col) => match read_manifest_file(&manifest, &opts) {
            Err(ManifestError::Toml(d)) => {
                assert_eq!(d.message, *msg, "{name}");
                assert_eq!((d.line, d.column), (*line, *col), "{name}: location");
            }
            Err(e) => panic!("{name}: wrong error kind:\n{}", render(&e, &root)),
            Ok(_) => panic!("{name}: expected an error"),
        },
        Expect::Parser(want) => match read_manifest_file(&manifest, &opts) {
            Err(ManifestError::Toml(d)) => assert_eq!(d.parser_style(), *want, "{name}"),
            Err(e) => panic!("{name}: wrong error kind:\n{}", render(&e, &root)),
            Ok(_) => panic!("{name}: expected an error"),
        },
        Expect::Err(want) => match read_manifest_file(&manifest, &opts) {
            Err(e) => assert_eq!(render(&e, &root), *want, "{name}"),
            Ok(_) => panic!("{name}: expected an error"),
        },
        Expect::Ws(check) => match Workspace::load_with(&manifest, &opts) {
            Ok(ws) => check(&ws),
            Err(e) => panic!("{name}: unexpected error:\n{}", render(&e, &root)),
        },
        Expect::WsErr(want) => match Workspace::load_with(&manifest, &opts) {
            Err(e) => assert_eq!(render(&e, &root), *want, "{name}"),
            Ok(_) => panic!("{name}: expected an error"),
        },
    }
}

const CASES: &[Case] = &[
    // ---- [package] basics -------------------------------------------------
    Case {
        name: "minimal package",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            assert_eq!(p.name(), "foo");
            assert_eq!(p.version().to_string(), "0.1.0");
            assert_eq!(p.edition.as_str(), "2021");
            assert!(m.warnings.is_empty(), "{:?}", m.warnings);
            assert_eq!(p.publish, None);
        }),
    },
    Case {
        name: "version optional, no edition warns",
        files: &[("Cargo.toml", "[package]\nname = \"foo\"\n"), LIB],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            assert_eq!(p.version().to_string(), "0.0.0");
            assert_eq!(p.publish, Some(vec![]));
            assert_eq!(p.edition.as_str(), "2015");
            assert_eq!(
                m.warnings,
                ["no edition set: defaulting to the 2015 edition while the latest is 2024"]
            );
        }),
    },
    Case {
        name: "all metadata fields",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"1.2.3-beta.1\"\nedition = \"2024\"\nrust-version = \"1.85\"\n\
                 authors = [\"A <a@x>\"]\ndescription = \"d\"\ndocumentation = \"https://docs\"\nhomepage = \"https://home\"\n\
                 repository = \"https://repo\"\nlicense = \"MIT\"\nlicense-file = \"LICENSE\"\nkeywords = [\"k\"]\ncategories = [\"c\"]\n\
                 links = \"z\"\npublish = [\"my-reg\"]\nexclude = [\"x\"]\ninclude = [\"src/**\"]\nresolver = \"2\"\n\
                 default-run = \"foo\"\n[package.metadata.docs]\nall = true\n[badges]\nmaintenance = { status = \"passively-maintained\" }\n",
            ),
            MAIN,
            ("README.md", "hi"),
            // `links` needs a build script.
            ("build.rs", "fn main() {}"),
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            let md = &p.metadata;
            assert_eq!(md.authors, ["A <a@x>"]);
            assert_eq!(md.description.as_deref(), Some("d"));
            assert_eq!(md.readme.as_deref(), Some("README.md"), "auto-detected");
            assert_eq!(md.license_file.as_deref(), Some("LICENSE"));
            assert_eq!(md.links.as_deref(), Some("z"));
            assert_eq!(md.badges["maintenance"]["status"], "passively-maintained");
            assert!(md.custom.is_some());
            assert_eq!(p.rust_version.as_ref().unwrap().to_string(), "1.85");
            assert_eq!(p.publish, Some(vec!["my-reg".to_string()]));
            assert_eq!(p.default_run.as_deref(), Some("foo"));
            assert_eq!(p.resolver.as_deref(), Some("2"));
            assert_eq!(p.version().to_string(), "1.2.3-beta.1");
            // Both `license` and `license-file`: cargo's advice to keep one.
            assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
            assert!(
                m.warnings[0].starts_with("only one of `license` or `license-file` is necessary")
            );
        }),
    },
    Case {
        name: "readme false and publish false",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nreadme = false\npublish = false\n",
            ),
            LIB,
            ("README.md", ""),
        ],
        expect: Expect::Ok(|m| {
            assert_eq!(pkg(m).metadata.readme, None);
            assert_eq!(pkg(m).publish, Some(vec![]));
        }),
    },
    Case {
        name: "version type error",
        files: &[("Cargo.toml", "[package]\nname = \"bad\"\nversion = 1\n")],
        expect: Expect::Toml("invalid type: integer `1`, expected SemVer version", 3, 11),
    },
    Case {
        name: "type error as verify-project reports it",
        files: &[("Cargo.toml", "[package]\nname = \"bad\"\nversion = 1\n")],
        expect: Expect::Parser(
            "invalid type: integer `1`, expected SemVer version\nin `package.version`\n",
        ),
    },
    Case {
        name: "syntax error as verify-project reports it",
        files: &[("Cargo.toml", "[package]\nfoo = \n")],
        expect: Expect::Parser(
            "TOML parse error at line 2, column 7\n  |\n2 | foo = \n  |       ^\nstring values must be quoted, expected literal string\n",
        ),
    },
    Case {
        name: "type error in an array names the array, not the element",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[lib]\ncrate-type = [\"rlib\", 1]\n",
        )],
        expect: Expect::Parser(
            "invalid type: integer `1`, expected a string\nin `lib.crate-type`\n",
        ),
    },
    Case {
        name: "type error in the second [[bin]]",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[[bin]]\nname = \"a\"\n[[bin]]\nname = 1\n",
        )],
        expect: Expect::Parser("invalid type: integer `1`, expected a string\nin `bin.name`\n"),
    },
    Case {
        name: "type error in a target table keeps the cfg key",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[target.'cfg(unix)'.dependencies]\nbar = []\n",
        )],
        expect: Expect::Parser(
            "invalid type: sequence, expected a version string like \"0.9.8\" or a detailed dependency like { version = \"0.9.8\" }\nin `target.cfg(unix).dependencies.bar`\n",
        ),
    },
    Case {
        name: "bad key of a table names the table",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\n\"a b\" = \"1\"\n",
        )],
        expect: Expect::Parser(
            "invalid character ` ` in package name: `a b`, characters must be Unicode XID characters (numbers, `-`, `_`, or most letters)\nin `dependencies`\n",
        ),
    },
    Case {
        name: "bad semver",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"1.x\"\n",
        )],
        expect: Expect::Toml(
            "unexpected character 'x' while parsing minor version number",
            3,
            11,
        ),
    },
    Case {
        name: "authors must be a list",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nauthors = \"x\"\n",
        )],
        expect: Expect::Toml(
            "invalid type: string \"x\", expected a vector of strings or workspace",
            4,
            11,
        ),
    },
    Case {
        name: "publish wrong type",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\npublish = 1\n",
        )],
        expect: Expect::Toml(
            "invalid type: integer `1`, expected a boolean, a vector of strings, or workspace",
            4,
            11,
        ),
    },
    Case {
        name: "build wrong type",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nbuild = 1\n",
        )],
        expect: Expect::Toml(
            "invalid type: integer `1`, expected a boolean, string or array",
            4,
            9,
        ),
    },
    Case {
        name: "rust-version requirement",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nrust-version = \"1.x\"\n",
        )],
        expect: Expect::Toml(
            "unexpected version requirement, expected a version like \"1.32\"",
            4,
            16,
        ),
    },
    Case {
        name: "empty package name",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"\"\nversion = \"0.1.0\"\n",
        )],
        expect: Expect::Toml("package name cannot be empty", 2, 8),
    },
    Case {
        name: "missing name",
        files: &[("Cargo.toml", "[package]\nversion = \"0.1.0\"\n")],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  missing field `package.name`",
        ),
    },
    Case {
        name: "links without a build script",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nlinks = \"z\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  package specifies that it links to `z` but does not have a custom build script",
        ),
    },
    Case {
        name: "links with a build script",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nlinks = \"z\"\n",
            ),
            LIB,
            ("build.rs", "fn main() {}"),
        ],
        expect: Expect::Ok(|p| {
            assert_eq!(p.package().unwrap().metadata.links.as_deref(), Some("z"));
        }),
    },
    Case {
        name: "unknown edition",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2030\"\n",
        )],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  failed to parse the `edition` key\n\nCaused by:\n  \
             this version of Cargo is older than the `2030` edition, and only supports `2015`, `2018`, `2021`, and `2024` editions.",
        ),
    },
    Case {
        name: "bad resolver",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nresolver = \"4\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  `resolver` setting `4` is not valid, valid options are \"1\", \"2\" or \"3\"",
        ),
    },
    Case {
        name: "rust-version older than edition",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nrust-version = \"1.50\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  rust-version 1.50 is incompatible with the version (1.56.0) required by the specified edition (2021)",
        ),
    },
    Case {
        name: "publish needs version",
        files: &[
            ("Cargo.toml", "[package]\nname = \"foo\"\npublish = true\n"),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  `package.publish` requires `package.version` be specified",
        ),
    },
    Case {
        name: "toml syntax error",
        files: &[("Cargo.toml", "[package\nname = \"foo\"\n")],
        expect: Expect::Toml("unclosed table, expected `]`", 1, 9),
    },
    Case {
        name: "duplicate key",
        files: &[("Cargo.toml", "[package]\nname = \"foo\"\nname = \"bar\"\n")],
        expect: Expect::Toml("duplicate key", 3, 1),
    },
    Case {
        name: "unused keys warned",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nfoo = 1\n[lib]\nbar = 2\n[[bin]]\nname = \"b\"\npath = \"src/main.rs\"\nbaz = 3\n\
                 [dependencies]\na = { version = \"1\", qux = 1 }\n[profile.dev]\nzzz = 1\n[target.'cfg(unix)']\nfoo = 1\n[zzz]\na = 1\n",
            ),
            LIB,
            MAIN,
        ],
        expect: Expect::Ok(|m| {
            for w in [
                "unused manifest key: dependencies.a.qux",
                "unused manifest key: package.foo",
                "unused manifest key: lib.bar",
                "unused manifest key: bin.0.baz",
                "unused manifest key: profile.dev.zzz",
                "unused manifest key: target.cfg(unix).foo",
                "unused manifest key: zzz",
            ] {
                assert!(
                    m.warnings.iter().any(|x| x == w),
                    "missing {w:?} in {:?}",
                    m.warnings
                );
            }
        }),
    },
    Case {
        name: "virtual manifest rejects dependencies",
        files: &[("Cargo.toml", "[workspace]\n[dependencies]\n")],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  this virtual manifest specifies a `dependencies` section, which is not allowed",
        ),
    },
    Case {
        name: "dependencies without package or workspace",
        files: &[("Cargo.toml", "[dependencies]\nbar = \"1\"\n")],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  this virtual manifest specifies a `dependencies` section, which is not allowed",
        ),
    },
    Case {
        name: "virtual manifest sections in cargo's order",
        files: &[(
            "Cargo.toml",
            "[lib]\n[dependencies]\n[badges]\n[features]\n[target.x.dependencies]\n",
        )],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  this virtual manifest specifies a `badges` section, which is not allowed",
        ),
    },
    Case {
        name: "virtual manifest with dev_dependencies",
        files: &[(
            "Cargo.toml",
            "[workspace]\n[lints.rust]\n[dev_dependencies]\n",
        )],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  this virtual manifest specifies a `dev-dependencies` section, which is not allowed",
        ),
    },
    Case {
        name: "neither package nor workspace",
        files: &[("Cargo.toml", "")],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  manifest is missing either a `[package]` or a `[workspace]`",
        ),
    },
    Case {
        name: "project is deprecated",
        files: &[
            (
                "Cargo.toml",
                "[project]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            assert_eq!(
                m.warnings,
                ["`[project]` is deprecated in favor of `[package]`"]
            );
        }),
    },
    // ---- targets ------------------------------------------------------------
    Case {
        name: "target auto-discovery",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo-bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            LIB,
            MAIN,
            ("src/bin/x.rs", ""),
            ("src/bin/y/main.rs", ""),
            ("src/bin/z/other.rs", ""),
            ("src/bin/.hidden.rs", ""),
            ("src/bin/a.txt", ""),
            ("examples/e.rs", ""),
            ("examples/f/main.rs", ""),
            ("tests/t.rs", ""),
            ("tests/u/main.rs", ""),
            ("benches/b.rs", ""),
            ("build.rs", ""),
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            let got: Vec<(Vec<String>, String, String)> = p
                .targets
                .iter()
                .map(|t| (t.kind.metadata_kinds(), t.name.clone(), rel(p, &t.src_path)))
                .collect();
            let want = [
                ("lib", "foo_bar", "src/lib.rs"),
                ("bin", "foo-bar", "src/main.rs"),
                ("bin", "x", "src/bin/x.rs"),
                ("bin", "y", "src/bin/y/main.rs"),
                ("example", "e", "examples/e.rs"),
                ("example", "f", "examples/f/main.rs"),
                ("test", "t", "tests/t.rs"),
                ("test", "u", "tests/u/main.rs"),
                ("bench", "b", "benches/b.rs"),
                ("custom-build", "build-script-build", "build.rs"),
            ];
            let want: Vec<(Vec<String>, String, String)> = want
                .iter()
                .map(|(k, n, s)| (vec![k.to_string()], n.to_string(), s.to_string()))
                .collect();
            assert_eq!(got, want);
            let lib = p.lib_target().unwrap();
            assert!(lib.tested && lib.doc && lib.metadata_doctest());
            let ex = p.targets.iter().find(|t| t.name == "e").unwrap();
            assert!(!ex.tested && !ex.doc);
        }),
    },
    Case {
        name: "auto switches off",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nautobins = false\nautoexamples = false\nautotests = false\nautobenches = false\nbuild = false\n",
            ),
            LIB,
            MAIN,
            ("examples/e.rs", ""),
            ("tests/t.rs", ""),
            ("benches/b.rs", ""),
            ("build.rs", ""),
        ],
        expect: Expect::Ok(|m| {
            let names: Vec<&str> = pkg(m).targets.iter().map(|t| t.name.as_str()).collect();
            assert_eq!(names, ["foo"]);
        }),
    },
    Case {
        name: "explicit targets merged with inferred",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"mybuild.rs\"\n\
                 [[bin]]\nname = \"x\"\ntest = false\ndoc = false\n[[bin]]\nname = \"q\"\npath = \"src/bin/x.rs\"\n\
                 [[example]]\nname = \"e\"\ncrate-type = [\"lib\"]\n[[test]]\nname = \"t2\"\npath = \"tests/t.rs\"\nrequired-features = [\"a\"]\nharness = false\n\
                 [lib]\nedition = \"2018\"\nproc-macro = true\n[features]\na = []\n",
            ),
            LIB,
            MAIN,
            ("src/bin/x.rs", ""),
            ("examples/e.rs", ""),
            ("tests/t.rs", ""),
            ("mybuild.rs", ""),
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            let names: Vec<&str> = p.targets.iter().map(|t| t.name.as_str()).collect();
            assert_eq!(
                names,
                ["foo", "foo", "q", "x", "e", "t2", "build-script-mybuild"]
            );
            let lib = p.lib_target().unwrap();
            assert_eq!(lib.kind, TargetKind::Lib(vec!["proc-macro".into()]));
            assert!(lib.proc_macro && lib.for_host);
            assert_eq!(lib.edition.as_str(), "2018");
            let x = p.targets.iter().find(|t| t.name == "x").unwrap();
            assert!(!x.tested && !x.doc);
            let e = p.targets.iter().find(|t| t.name == "e").unwrap();
            assert_eq!(e.kind, TargetKind::ExampleLib(vec!["lib".into()]));
            let t2 = p.targets.iter().find(|t| t.name == "t2").unwrap();
            assert_eq!(t2.required_features, Some(vec!["a".to_string()]));
            assert!(!t2.harness);
            assert!(
                !p.targets.iter().any(|t| t.name == "t"),
                "t shadowed by path"
            );
        }),
    },
    Case {
        name: "no targets",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  no targets specified in the manifest\n  \
             either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present",
        ),
    },
    Case {
        name: "missing bin file",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[bin]]\nname = \"nope\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  can't find `nope` bin at `src/bin/nope.rs` or `src/bin/nope/main.rs`. \
             Please specify bin.path if you want to use a non-default path.",
        ),
    },
    Case {
        name: "bin in commonly wrong dir",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[bin]]\nname = \"nope\"\n",
            ),
            ("src/bins/nope.rs", ""),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  can't find `nope` bin at default paths, but found a file at `src/bins/nope.rs`.\n  \
             Perhaps rename the file to `src/bin/nope.rs` for target auto-discovery, or specify bin.path if you want to use a non-default path.",
        ),
    },
    Case {
        name: "bin name required",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[[bin]]\npath = \"src/main.rs\"\n",
            ),
            MAIN,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  binary target bin.name is required",
        ),
    },
    Case {
        name: "duplicate bin names",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            MAIN,
            ("src/bin/foo.rs", ""),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  found duplicate binary name foo, but all binary targets must have a unique name",
        ),
    },
    Case {
        name: "duplicate example, test and bench names",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[example]]\nname = \"x\"\n[[example]]\nname = \"x\"\n",
            ),
            LIB,
            ("examples/x.rs", ""),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  found duplicate example name x, but all example targets must have a unique name",
        ),
    },
    Case {
        name: "duplicate test names",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[test]]\nname = \"x\"\n[[test]]\nname = \"x\"\n",
            ),
            LIB,
            ("tests/x.rs", ""),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  found duplicate test name x, but all test targets must have a unique name",
        ),
    },
    Case {
        name: "duplicate bench names",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[bench]]\nname = \"x\"\n[[bench]]\nname = \"x\"\n",
            ),
            LIB,
            ("benches/x.rs", ""),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  found duplicate bench name x, but all bench targets must have a unique name",
        ),
    },
    Case {
        name: "a lib and a bin may share a name",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[lib]\nname = \"x\"\n[[bin]]\nname = \"x\"\npath = \"src/main.rs\"\n[[example]]\nname = \"x\"\n",
            ),
            LIB,
            MAIN,
            ("examples/x.rs", ""),
        ],
        expect: Expect::Ok(|m| assert_eq!(pkg(m).targets.len(), 3)),
    },
    Case {
        name: "bin named deps",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("src/bin/deps.rs", ""),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  the binary target name `deps` is forbidden, it conflicts with cargo's build directory names",
        ),
    },
    Case {
        name: "lib name with hyphen",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[lib]\nname = \"a-b\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  library target names cannot contain hyphens: a-b",
        ),
    },
    Case {
        name: "lib without file",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo-bar\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[lib]\n",
        )],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  can't find library `foo_bar`, rename file to `src/lib.rs` or specify lib.path",
        ),
    },
    Case {
        name: "dylib and cdylib",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[lib]\ncrate-type = [\"dylib\", \"cdylib\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  library `foo` cannot set the crate type of both `dylib` and `cdylib`",
        ),
    },
    Case {
        name: "missing test file is deferred",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[test]]\nname = \"nope\"\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            assert_eq!(p.targets.len(), 1);
            assert_eq!(p.deferred_errors.len(), 1);
            assert!(p.deferred_errors[0].starts_with("can't find `nope` test at `tests/nope.rs`"));
        }),
    },
    Case {
        name: "build.rs detected and file shared by two targets",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[[bin]]\nname = \"b\"\npath = \"src/lib.rs\"\n",
            ),
            LIB,
            ("build.rs", ""),
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            assert_eq!(p.custom_build().unwrap().name, "build-script-build");
            let w = m
                .warnings
                .iter()
                .find(|w| w.contains("multiple build targets"))
                .unwrap();
            assert!(w.ends_with("found to be present in multiple build targets:\n  * `lib` target `foo`\n  * `bin` target `b`"), "{w}");
        }),
    },
    // ---- dependencies -------------------------------------------------------
    Case {
        name: "every dependency form",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                 [dependencies]\nsimple = \"1.0\"\ndetailed = { version = \"=2.1.0\", features = [\"x\"], default-features = false }\n\
                 local = { path = \"../local\" }\ngitdep = { git = \"https://github.com/a/b\", branch = \"dev\" }\n\
                 tagged = { git = \"https://github.com/a/c\", tag = \"v1\" }\nrevved = { git = \"https://github.com/a/d\", rev = \"abc\" }\n\
                 renamed = { package = \"real-name\", version = \"0.3\" }\nopt = { version = \"1\", optional = true }\n\
                 idx = { version = \"1\", registry-index = \"https://example.com/index\" }\n\
                 [dev-dependencies]\ndevdep = \"0.1\"\n[build-dependencies]\nbuilddep = \"*\"\n\
                 [target.'cfg(unix)'.dependencies]\nunixdep = \"1\"\n[target.x86_64-unknown-linux-gnu.dev-dependencies]\ntripledep = \"1\"\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            let d = |n: &str| {
                p.dependencies
                    .iter()
                    .find(|d| d.name_in_toml() == n)
                    .unwrap()
            };
            assert_eq!(d("simple").version_req().to_string(), "^1.0");
            assert!(d("simple").source_id().is_crates_io());
            let det = d("detailed");
            assert!(det.version_req().is_exact());
            assert_eq!(det.features(), ["x"]);
            assert!(!det.uses_default_features());
            let local = d("local");
            assert!(local.source_id().is_path());
            assert_eq!(
                local.path().unwrap(),
                &p.root().parent().unwrap().join("local")
            );
            assert_eq!(local.version_req().to_string(), "*");
            assert_eq!(
                d("gitdep").source_id().kind(),
                &SourceKind::Git(GitReference::Branch("dev".into()))
            );
            assert_eq!(
                d("tagged").source_id().git_reference(),
                Some(&GitReference::Tag("v1".into()))
            );
            assert_eq!(
                d("revved").source_id().git_reference(),
                Some(&GitReference::Rev("abc".into()))
            );
            let r = d("renamed");
            assert_eq!(
                (r.package_name(), r.rename()),
                ("real-name", Some("renamed"))
            );
            assert!(d("opt").is_optional());
            assert_eq!(
                d("idx").source_id().url().as_str(),
                "https://example.com/index"
            );
            assert_eq!(d("devdep").kind(), DepKind::Development);
            assert_eq!(d("builddep").kind(), DepKind::Build);
            assert_eq!(d("unixdep").platform().unwrap().to_string(), "cfg(unix)");
            let t = d("tripledep");
            assert_eq!(
                (t.kind(), t.platform().unwrap().to_string().as_str()),
                (DepKind::Development, "x86_64-unknown-linux-gnu")
            );
            assert_eq!(
                p.feature_map["opt"],
                [FeatureValue::Dep {
                    dep_name: "opt".into()
                }]
            );
            assert!(m.warnings.is_empty(), "{:?}", m.warnings);
        }),
    },
    Case {
        name: "git with branch and tag",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { git = \"https://x/y\", branch = \"a\", tag = \"b\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  dependency (a) specification is ambiguous. Only one of `branch`, `tag` or `rev` is allowed.",
        ),
    },
    Case {
        name: "git and path",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { path = \"a\", git = \"https://x/y\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  dependency (a) specification is ambiguous. Only one of `git` or `path` is allowed.",
        ),
    },
    Case {
        name: "dependency without source",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { optional = true }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  dependency (a) specified without providing a local path, Git repository, version, or workspace dependency to use",
        ),
    },
    Case {
        name: "branch without git",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { branch = \"x\", version = \"1\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  key `branch` is ignored for dependency (a).",
        ),
    },
    Case {
        name: "bad version requirement",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = \"foo\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  failed to parse the version requirement `foo` for dependency `a`\n\nCaused by:\n  \
             unexpected character 'f' while parsing major version number",
        ),
    },
    Case {
        name: "dependency wrong type",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = 1\n",
        )],
        expect: Expect::Toml(
            "invalid type: integer `1`, expected a version string like \"0.9.8\" or a detailed dependency like { version = \"0.9.8\" }",
            5,
            5,
        ),
    },
    Case {
        name: "dependency field wrong type points at the table",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { path = \"x\", features = \"y\" }\n",
        )],
        expect: Expect::Toml("invalid type: string \"y\", expected a sequence", 5, 5),
    },
    Case {
        name: "invalid dependency name",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\n\"a b\" = \"1\"\n",
        )],
        expect: Expect::Toml(
            "invalid character ` ` in package name: `a b`, characters must be Unicode XID characters (numbers, `-`, `_`, or most letters)",
            5,
            1,
        ),
    },
    Case {
        name: "registry and registry-index",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { version = \"1\", registry = \"x\", registry-index = \"y\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  dependency (a) specification is ambiguous. Only one of `registry` or `registry-index` is allowed.",
        ),
    },
    Case {
        name: "unknown registry",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { version = \"1\", registry = \"nope\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  registry index was not found in any configuration: `nope`",
        ),
    },
    Case {
        name: "invalid git url",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { git = \"not a url\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  invalid url `not a url`: relative URL without a base",
        ),
    },
    Case {
        name: "feature with slash in dependency",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { version = \"1\", features = [\"x/y\"] }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  feature `x/y` in dependency `a` is not allowed to contain slashes\n  \
             If you want to enable features of a transitive dependency, the direct dependency needs to re-export those features from the `[features]` table.",
        ),
    },
    Case {
        name: "legacy underscore spellings warn",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\na = { version = \"1\", default_features = false }\n[dev_dependencies]\nb = \"1\"\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            assert!(
                !p.dependencies
                    .iter()
                    .find(|d| d.name_in_toml() == "a")
                    .unwrap()
                    .uses_default_features()
            );
            assert_eq!(
                p.dependencies
                    .iter()
                    .find(|d| d.name_in_toml() == "b")
                    .unwrap()
                    .kind(),
                DepKind::Development
            );
            assert!(m.warnings.contains(&"`default_features` is deprecated in favor of `default-features` and will not work in the 2024 edition\n(in the `a` dependency)".to_string()), "{:?}", m.warnings);
            assert!(m.warnings.contains(&"`dev_dependencies` is deprecated in favor of `dev-dependencies` and will not work in the 2024 edition\n(in the `foo` package)".to_string()), "{:?}", m.warnings);
        }),
    },
    Case {
        name: "underscore spelling refused in 2024",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n[dependencies]\na = { version = \"1\", default_features = false }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  `default_features` is unsupported as of the 2024 edition; instead use `default-features`\n  (in the `a` dependency)",
        ),
    },
    Case {
        name: "bad cfg in target table",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[target.'cfg(foo bar)'.dependencies]\na = \"1\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  failed to parse `foo bar` as a cfg expression: unexpected content `bar` found after cfg expression",
        ),
    },
    // ---- features -----------------------------------------------------------
    Case {
        name: "features with dep: and ?/",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nserde = { version = \"1\", optional = true }\nrand = { version = \"1\", optional = true }\nlog = \"1\"\n\
                 [features]\ndefault = [\"std\"]\nstd = [\"dep:serde\", \"serde?/std\", \"log/std\"]\nr = [\"rand\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            assert_eq!(
                p.feature_map["std"],
                [
                    FeatureValue::Dep {
                        dep_name: "serde".into()
                    },
                    FeatureValue::DepFeature {
                        dep_name: "serde".into(),
                        dep_feature: "std".into(),
                        weak: true
                    },
                    FeatureValue::DepFeature {
                        dep_name: "log".into(),
                        dep_feature: "std".into(),
                        weak: false
                    },
                ]
            );
            assert!(
                !p.feature_map.contains_key("serde"),
                "no implicit feature for dep:serde"
            );
            assert_eq!(
                p.feature_map["rand"],
                [FeatureValue::Dep {
                    dep_name: "rand".into()
                }]
            );
            assert_eq!(p.features.len(), 3);
        }),
    },
    Case {
        name: "feature includes unknown",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[features]\na = [\"b\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  feature `a` includes `b` which is neither a dependency nor another feature\n\n  help: a feature with a similar name exists: `a`",
        ),
    },
    Case {
        name: "feature hint counts a swap as one edit",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[features]\nbuild = []\nx = [\"ubidl\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  feature `x` includes `ubidl` which is neither a dependency nor another feature\n\n  help: a feature with a similar name exists: `build`",
        ),
    },
    Case {
        name: "dep: on non-optional",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\nb = \"1\"\n[features]\na = [\"dep:b\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  feature `a` includes `dep:b`, but `b` is not an optional dependency\n  \
             A non-optional dependency of the same name is defined; consider adding `optional = true` to its definition.",
        ),
    },
    Case {
        name: "implicit feature shadowed by dep:",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\nb = { version = \"1\", optional = true }\n[features]\na = [\"dep:b\"]\nc = [\"b\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  feature `c` includes `b`, but `b` is an optional dependency without an implicit feature\n  Use `dep:b` to enable the dependency.",
        ),
    },
    Case {
        name: "weak feature on non-optional",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\nb = \"1\"\n[features]\na = [\"b?/x\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  feature `a` includes `b?/x` with a `?`, but `b` is not an optional dependency\n  \
             A non-optional dependency of the same name is defined; consider removing the `?` or changing the dependency to be optional",
        ),
    },
    Case {
        name: "optional dependency unused",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\nb = { version = \"1\", optional = true }\n[features]\nb = []\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  optional dependency `b` is not included in any feature\n  \
             Make sure that `dep:b` is included in one of features in the [features] table.",
        ),
    },
    Case {
        name: "dep/feat with unknown dep is located",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[features]\na = [\"b/x\"]\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "feature `a` includes `b/x`, but `b` is not a dependency\n --> Cargo.toml:5:5\n  |\n5 | a = [\"b/x\"]\n  |     ^^^^^^^\nerror: failed to parse manifest at `ROOT/Cargo.toml`",
        ),
    },
    Case {
        name: "feature name with slash",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[features]\n\"a/b\" = []\n",
        )],
        expect: Expect::Toml(
            "invalid character `/` in feature name: `a/b`, feature name is not allowed to contain slashes",
            5,
            1,
        ),
    },
    Case {
        name: "feature name starting with dep:",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[features]\n\"dep:a\" = []\n",
        )],
        expect: Expect::Toml(
            "feature named `dep:a` is not allowed to start with `dep:`",
            5,
            1,
        ),
    },
    // ---- profiles -----------------------------------------------------------
    Case {
        name: "profile settings",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                 [profile.release]\ndebug = \"line-tables-only\"\nstrip = \"debuginfo\"\nlto = \"thin\"\nopt-level = \"s\"\nsplit-debuginfo = \"packed\"\n\
                 incremental = true\nrpath = false\noverflow-checks = true\ndebug-assertions = true\ncodegen-units = 4\npanic = \"abort\"\n\
                 [profile.dev]\nopt-level = 1\ndebug = 0\nlto = false\nstrip = true\n[profile.dev.package.\"*\"]\nopt-level = 3\n\
                 [profile.dev.package.foo]\ndebug = true\n[profile.dev.build-override]\nopt-level = \"z\"\n\
                 [profile.custom]\ninherits = \"release\"\nlto = true\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            use mycargo_manifest::schema::TomlDebugInfo;
            let p = m.profiles().unwrap();
            let r = p.get("release").unwrap();
            assert_eq!(r.debug, Some(TomlDebugInfo::LineTablesOnly));
            assert_eq!(r.strip, Some(Strip::DebugInfo));
            assert_eq!(r.lto, Some(Lto::Thin));
            assert_eq!(r.opt_level, Some(OptLevel::Size));
            assert_eq!(r.codegen_units, Some(4));
            assert_eq!(r.panic, Some(PanicStrategy::Abort));
            assert_eq!(r.split_debuginfo.as_deref(), Some("packed"));
            let d = p.get("dev").unwrap();
            assert_eq!(d.opt_level, Some(OptLevel::Level("1".into())));
            assert_eq!(d.debug, Some(TomlDebugInfo::None));
            assert_eq!(d.lto, Some(Lto::False));
            assert_eq!(d.strip, Some(Strip::Symbols));
            assert_eq!(d.package.len(), 2);
            assert_eq!(
                d.build_override.as_ref().unwrap().opt_level,
                Some(OptLevel::SizeMin)
            );
            assert_eq!(p.get("custom").unwrap().lto, Some(Lto::Fat));
            assert_eq!(
                p.inheritance_chain("custom").unwrap(),
                ["custom", "release"]
            );
        }),
    },
    Case {
        name: "opt-level string",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.dev]\nopt-level = \"x\"\n",
        )],
        expect: Expect::Toml(
            "must be `0`, `1`, `2`, `3`, `s` or `z`, but found the string: \"x\"",
            5,
            13,
        ),
    },
    Case {
        name: "debug level out of range",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.dev]\ndebug = 3\n",
        )],
        expect: Expect::Toml(
            "invalid value: integer `3`, expected a boolean, 0, 1, 2, \"none\", \"limited\", \"full\", \"line-tables-only\", or \"line-directives-only\"",
            5,
            9,
        ),
    },
    Case {
        name: "reserved profile name",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.build]\n",
        )],
        expect: Expect::Toml(
            "profile name `build` is reserved\n       Please choose a different name.\n       See https://doc.rust-lang.org/cargo/reference/profiles.html for more on configuring profiles.",
            4,
            10,
        ),
    },
    Case {
        name: "profile name characters",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.\"a.b\"]\ninherits = \"dev\"\n",
        )],
        expect: Expect::Toml(
            "invalid character `.` in profile name: `a.b`, allowed characters are letters, numbers, underscore, and hyphen",
            4,
            10,
        ),
    },
    Case {
        name: "panic in package override",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.dev.package.foo]\npanic = \"abort\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  `panic` may not be specified in a `package` profile",
        ),
    },
    Case {
        name: "bad panic setting",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.dev]\npanic = \"foo\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  `panic` setting of `foo` is not a valid setting, must be `unwind`, `abort`, or `immediate-abort`.",
        ),
    },
    Case {
        name: "lto string true",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.dev]\nlto = \"true\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  `lto` setting of string `\"true\"` for `dev` profile is not a valid setting, \
             must be a boolean (`true`/`false`) or a string (`\"thin\"`/`\"fat\"`/`\"off\"`) or omitted.",
        ),
    },
    Case {
        name: "profile package spec",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.dev.package.\"foo@x\"]\n",
        )],
        expect: Expect::Toml(
            "unexpected version requirement, expected a version like \"1.32\"",
            4,
            22,
        ),
    },
    Case {
        name: "inherits loop found on use",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[profile.a]\ninherits = \"b\"\n[profile.b]\ninherits = \"a\"\n[profile.c]\nopt-level = 1\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            let p = m.profiles().unwrap();
            assert_eq!(
                p.inheritance_chain("a").unwrap_err().message,
                "profile inheritance loop detected with profile `b` inheriting `a`"
            );
            assert!(
                p.inheritance_chain("c")
                    .unwrap_err()
                    .message
                    .starts_with("profile `c` is missing an `inherits` directive")
            );
            assert_eq!(p.inheritance_chain("test").unwrap(), ["test", "dev"]);
        }),
    },
    // ---- lints, patch, replace, cargo-features --------------------------------
    Case {
        name: "lints, patch and replace",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[lints.rust]\nunsafe_code = \"forbid\"\n[lints.clippy]\nall = { level = \"warn\", priority = -1 }\n\
                 [patch.crates-io]\nserde = { path = \"../serde\" }\n[patch.'https://github.com/a/b']\nb = { git = \"https://github.com/a/b2\" }\n\
                 [replace]\n\"bar:1.0.0\" = { path = \"../bar\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            let lints = p.lints.as_ref().unwrap();
            assert_eq!(lints["clippy"]["all"].priority(), -1);
            assert_eq!(p.patch["crates-io"][0].name_in_toml(), "serde");
            assert!(p.patch["https://github.com/a/b"][0].source_id().is_git());
            assert_eq!(
                p.replace[0].0.to_string(),
                "https://github.com/rust-lang/crates.io-index#bar@1.0.0"
            );
        }),
    },
    Case {
        name: "unknown lint level",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[lints.rust]\nunsafe_code = \"nope\"\n",
        )],
        expect: Expect::Toml(
            "unknown variant `nope`, expected one of `forbid`, `deny`, `warn`, `allow`",
            5,
            15,
        ),
    },
    Case {
        name: "replace without version",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[replace]\n\"foo\" = { path = \"x\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  replacements must specify a version to replace, but `https://github.com/rust-lang/crates.io-index#foo` does not",
        ),
    },
    Case {
        name: "bad patch key",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[patch.\"not a url\"]\nb = { path = \"../dep\" }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  [patch] entry `not a url` should be a URL or registry name\n\nCaused by:\n  invalid url `not a url`: relative URL without a base",
        ),
    },
    Case {
        name: "unknown cargo feature",
        files: &[
            (
                "Cargo.toml",
                "cargo-features = [\"foo\"]\n[package]\nname = \"foo\"\nversion = \"0.1.0\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  unknown Cargo.toml feature `foo`\n\n  See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html for more information.",
        ),
    },
    // ---- inheritance --------------------------------------------------------
    Case {
        name: "inheritance from workspace.package and workspace.dependencies",
        files: &[
            (
                "m1/Cargo.toml",
                "[package]\nname = \"m1\"\nversion.workspace = true\nauthors = { workspace = true }\nreadme.workspace = true\nlicense-file.workspace = true\n\
                 edition.workspace = true\nrust-version.workspace = true\npublish.workspace = true\n[dependencies]\ndep = { workspace = true, optional = true, features = [\"y\"] }\n\
                 simple.workspace = true\n[lints]\nworkspace = true\n[features]\nf = [\"dep:dep\"]\n",
            ),
            ("m1/src/lib.rs", ""),
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"m*\"]\n[workspace.package]\nversion = \"1.2.3\"\nauthors = [\"A\"]\nreadme = \"README.md\"\nlicense-file = \"LICENSE\"\n\
                 edition = \"2021\"\nrust-version = \"1.70\"\npublish = false\n[workspace.dependencies]\ndep = { path = \"dep\", features = [\"x\"] }\nsimple = \"1.5\"\n\
                 [workspace.lints.rust]\nunsafe_code = \"deny\"\n",
            ),
            (
                "dep/Cargo.toml",
                "[package]\nname = \"dep\"\nversion = \"0.1.0\"\n",
            ),
            ("dep/src/lib.rs", ""),
        ],
        expect: Expect::Ok(|m| {
            let p = pkg(m);
            assert_eq!(p.version().to_string(), "1.2.3");
            assert_eq!(p.metadata.authors, ["A"]);
            assert_eq!(p.metadata.readme.as_deref(), Some("../README.md"));
            assert_eq!(p.metadata.license_file.as_deref(), Some("../LICENSE"));
            assert_eq!(p.edition.as_str(), "2021");
            assert_eq!(p.rust_version.as_ref().unwrap().to_string(), "1.70");
            assert_eq!(p.publish, Some(vec![]));
            let dep = p
                .dependencies
                .iter()
                .find(|d| d.name_in_toml() == "dep")
                .unwrap();
            assert_eq!(dep.features(), ["x", "y"]);
            assert!(dep.is_optional());
            assert_eq!(dep.path().unwrap(), &p.root().parent().unwrap().join("dep"));
            let simple = p
                .dependencies
                .iter()
                .find(|d| d.name_in_toml() == "simple")
                .unwrap();
            assert_eq!(simple.version_req().to_string(), "^1.5");
            assert!(p.lints.as_ref().unwrap().contains_key("rust"));
        }),
    },
    Case {
        name: "inherited field not defined",
        files: &[
            (
                "m1/Cargo.toml",
                "[package]\nname = \"m1\"\nversion = \"0.1.0\"\ndescription.workspace = true\n",
            ),
            ("m1/src/lib.rs", ""),
            ("Cargo.toml", "[workspace]\nmembers = [\"m1\"]\n"),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/m1/Cargo.toml`\n\nCaused by:\n  error inheriting `description` from workspace root manifest's `workspace.package.description`\n\nCaused by:\n  \
             `workspace.package.description` was not defined",
        ),
    },
    Case {
        name: "inherited dependency missing",
        files: &[
            (
                "m1/Cargo.toml",
                "[package]\nname = \"m1\"\nversion = \"0.1.0\"\n[dependencies]\nnope = { workspace = true }\n",
            ),
            ("m1/src/lib.rs", ""),
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"m1\"]\n[workspace.dependencies]\n",
            ),
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/m1/Cargo.toml`\n\nCaused by:\n  error inheriting `nope` from workspace root manifest's `workspace.dependencies.nope`\n\nCaused by:\n  \
             `dependency.nope` was not found in `workspace.dependencies`",
        ),
    },
    Case {
        name: "inheritance without a workspace",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\na = { workspace = true }\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  error inheriting `a` from workspace root manifest's `workspace.dependencies.a`\n\nCaused by:\n  failed to find a workspace root",
        ),
    },
    Case {
        name: "workspace = false",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = { workspace = false }\n",
        )],
        // cargo reads `version` through an untagged-enum visitor, and its
        // error keeps the inner key path in its message.
        expect: Expect::Toml(
            "`workspace` cannot be false\n       in `workspace`\n       ",
            3,
            11,
        ),
    },
    Case {
        name: "workspace = false as verify-project reports it",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = { workspace = false }\n",
        )],
        expect: Expect::Parser(
            "`workspace` cannot be false\nin `workspace`\n\nin `package.version`\n",
        ),
    },
    Case {
        name: "workspace = false in a plain field names the key",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = { workspace = false }\n",
        )],
        expect: Expect::Parser("`workspace` cannot be false\nin `package.edition.workspace`\n"),
    },
    Case {
        name: "element of a list field is pointed at",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nkeywords = [\"a\", 1]\n",
        )],
        expect: Expect::Toml("invalid type: integer `1`, expected a string", 4, 18),
    },
    Case {
        name: "dependency = true hints at dep.workspace",
        files: &[(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[dependencies]\nbar = true\n",
        )],
        expect: Expect::Parser(
            "invalid type: boolean `true`, expected a version string like \"0.9.8\" or a detailed dependency like { version = \"0.9.8\" }\n\
             note: if you meant to use a workspace member, you can write\n dep.workspace = true\nin `dependencies.bar`\n",
        ),
    },
    Case {
        name: "lints override with workspace = true",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[lints]\nworkspace = true\nrust.unsafe_code = \"deny\"\n",
            ),
            LIB,
        ],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  cannot override `workspace.lints` in `lints`, either remove the overrides or `lints.workspace = true` and manually specify the lints",
        ),
    },
    // ---- workspaces ---------------------------------------------------------
    Case {
        name: "virtual workspace with glob, exclude and path-dep members",
        files: &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/skip\"]\nresolver = \"2\"\n[workspace.metadata.x]\ny = 1\n",
            ),
            (
                "crates/a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nb = { path = \"../../other/b\" }\n",
            ),
            ("crates/a/src/lib.rs", ""),
            (
                "crates/c/Cargo.toml",
                "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("crates/c/src/main.rs", ""),
            ("crates/skip/Cargo.toml", "this is not toml ["),
            ("crates/README.md", ""),
            (
                "other/b/Cargo.toml",
                "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("other/b/src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| {
            let names: Vec<&str> = ws.members().map(|m| m.name()).collect();
            assert_eq!(names, ["a", "b", "c"]);
            let defaults: Vec<&str> = ws.default_members().map(|m| m.name()).collect();
            assert_eq!(defaults, ["a", "b", "c"]);
            assert!(ws.is_virtual());
            assert_eq!(ws.default_target_dir(), ws.root().join("target"));
            assert_eq!(ws.resolver_version(), "2");
            assert!(ws.custom_metadata().is_some());
        }),
    },
    Case {
        name: "default-members",
        files: &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\", \"b\"]\ndefault-members = [\"b\"]\n",
            ),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
            ),
            ("a/src/lib.rs", ""),
            (
                "b/Cargo.toml",
                "[package]\nname = \"b\"\nversion = \"0.1.0\"\n",
            ),
            ("b/src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| {
            let defaults: Vec<&str> = ws.default_members().map(|m| m.name()).collect();
            assert_eq!(defaults, ["b"]);
            assert_eq!(ws.members().count(), 2);
        }),
    },
    Case {
        name: "default-member that is not a member",
        files: &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\"]\ndefault-members = [\"zz\"]\n",
            ),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
            ),
            ("a/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "package `ROOT/zz` is listed in default-members but is not a member\nfor workspace at `ROOT/Cargo.toml`.",
        ),
    },
    Case {
        name: "member loaded from a member directory",
        files: &[
            (
                "m/Cargo.toml",
                "[package]\nname = \"m\"\nversion.workspace = true\n",
            ),
            ("m/src/lib.rs", ""),
            (
                "Cargo.toml",
                "[package]\nname = \"root\"\nversion = \"0.1.0\"\n[workspace]\nmembers = [\"m\"]\n[workspace.package]\nversion = \"2.0.0\"\n",
            ),
            ("src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| {
            assert!(!ws.is_virtual());
            assert_eq!(ws.current().unwrap().name(), "m");
            assert_eq!(ws.current().unwrap().version().to_string(), "2.0.0");
            let names: Vec<&str> = ws.members().map(|m| m.name()).collect();
            assert_eq!(names, ["m", "root"]);
            let defaults: Vec<&str> = ws.default_members().map(|m| m.name()).collect();
            assert_eq!(defaults, ["m"]);
        }),
    },
    Case {
        name: "package outside workspace",
        files: &[
            (
                "out/Cargo.toml",
                "[package]\nname = \"out\"\nversion = \"0.1.0\"\n",
            ),
            ("out/src/lib.rs", ""),
            ("Cargo.toml", "[workspace]\nmembers = [\"m\"]\n"),
            (
                "m/Cargo.toml",
                "[package]\nname = \"m\"\nversion = \"0.1.0\"\n",
            ),
            ("m/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "current package believes it's in a workspace when it's not:\ncurrent:   ROOT/out/Cargo.toml\nworkspace: ROOT/Cargo.toml\n\n\
             this may be fixable by adding `out` to the `workspace.members` array of the manifest located at: ROOT/Cargo.toml\n\
             Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, or add an empty `[workspace]` table to the package's manifest.",
        ),
    },
    Case {
        name: "excluded package is its own workspace",
        files: &[
            (
                "ex/Cargo.toml",
                "[package]\nname = \"ex\"\nversion = \"0.1.0\"\n",
            ),
            ("ex/src/lib.rs", ""),
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"m\"]\nexclude = [\"ex\"]\n",
            ),
            (
                "m/Cargo.toml",
                "[package]\nname = \"m\"\nversion = \"0.1.0\"\n",
            ),
            ("m/src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| {
            assert_eq!(ws.root_manifest(), ws.current_manifest());
            let names: Vec<&str> = ws.members().map(|m| m.name()).collect();
            assert_eq!(names, ["ex"]);
        }),
    },
    Case {
        name: "broken member",
        files: &[
            ("Cargo.toml", "[workspace]\nmembers = [\"m*\"]\n"),
            (
                "m1/Cargo.toml",
                "[package]\nname = \"m1\"\nversion = \"0.1.0\"\ndescription.workspace = true\n",
            ),
            ("m1/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "failed to load manifest for workspace member `ROOT/m1`\nreferenced via `m*` by workspace at `ROOT/Cargo.toml`\n\nCaused by:\n  \
             failed to parse manifest at `ROOT/m1/Cargo.toml`\n\nCaused by:\n  error inheriting `description` from workspace root manifest's `workspace.package.description`\n\nCaused by:\n  \
             `workspace.package.description` was not defined",
        ),
    },
    Case {
        name: "missing member directory",
        files: &[("Cargo.toml", "[workspace]\nmembers = [\"nope\"]\n")],
        expect: Expect::WsErr(
            "failed to load manifest for workspace member `ROOT/nope`\nreferenced by workspace at `ROOT/Cargo.toml`\n\nCaused by:\n  \
             failed to read `ROOT/nope/Cargo.toml`\n\nCaused by:\n  No such file or directory (os error 2)",
        ),
    },
    Case {
        name: "two packages with one name",
        files: &[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n"),
            (
                "a/Cargo.toml",
                "[package]\nname = \"same\"\nversion = \"0.1.0\"\n",
            ),
            ("a/src/lib.rs", ""),
            (
                "b/Cargo.toml",
                "[package]\nname = \"same\"\nversion = \"0.1.0\"\n",
            ),
            ("b/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "two packages named `same` in this workspace:\n- ROOT/a/Cargo.toml\n- ROOT/b/Cargo.toml",
        ),
    },
    Case {
        name: "package.workspace points at the root",
        files: &[
            (
                "deep/pkg/Cargo.toml",
                "[package]\nname = \"pkg\"\nversion = \"0.1.0\"\nworkspace = \"../../ws\"\n",
            ),
            ("deep/pkg/src/lib.rs", ""),
            (
                "ws/Cargo.toml",
                "[workspace]\nmembers = [\"../deep/pkg\"]\n",
            ),
        ],
        expect: Expect::Ws(|ws| {
            assert!(ws.root_manifest().ends_with("ws/Cargo.toml"));
            assert_eq!(ws.members().count(), 1);
        }),
    },
    Case {
        name: "package.workspace pointing at a package without [workspace]",
        files: &[
            (
                "p/Cargo.toml",
                "[package]\nname = \"p\"\nversion = \"0.1.0\"\nworkspace = \"../notws\"\n",
            ),
            ("p/src/lib.rs", ""),
            (
                "notws/Cargo.toml",
                "[package]\nname = \"notws\"\nversion = \"0.1.0\"\n",
            ),
            ("notws/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "root of a workspace inferred but wasn't a root: ROOT/notws/Cargo.toml",
        ),
    },
    Case {
        name: "package.workspace pointing at a root that does not list it",
        files: &[
            (
                "out/Cargo.toml",
                "[package]\nname = \"out\"\nversion = \"0.1.0\"\nworkspace = \"../ws\"\n",
            ),
            ("out/src/lib.rs", ""),
            (
                "ws/Cargo.toml",
                "[package]\nname = \"ws\"\nversion = \"0.1.0\"\n[workspace]\nmembers = [\"m\"]\n",
            ),
            ("ws/src/lib.rs", ""),
            (
                "ws/m/Cargo.toml",
                "[package]\nname = \"m\"\nversion = \"0.1.0\"\n",
            ),
            ("ws/m/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "current package believes it's in a workspace when it's not:\ncurrent:   ROOT/out/Cargo.toml\nworkspace: ROOT/ws/Cargo.toml\n\n\
             this may be fixable by adding `../out` to the `workspace.members` array of the manifest located at: ROOT/ws/Cargo.toml\n\
             Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, or add an empty `[workspace]` table to the package's manifest.",
        ),
    },
    Case {
        name: "package under a root package without a members list",
        files: &[
            (
                "inner/Cargo.toml",
                "[package]\nname = \"inner\"\nversion = \"0.1.0\"\n",
            ),
            ("inner/src/lib.rs", ""),
            (
                "Cargo.toml",
                "[package]\nname = \"root\"\nversion = \"0.1.0\"\n[workspace]\n",
            ),
            LIB,
        ],
        expect: Expect::WsErr(
            "current package believes it's in a workspace when it's not:\ncurrent:   ROOT/inner/Cargo.toml\nworkspace: ROOT/Cargo.toml\n\n\
             this may be fixable by ensuring that this crate is depended on by the workspace root: ROOT/Cargo.toml\n\
             Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, or add an empty `[workspace]` table to the package's manifest.",
        ),
    },
    Case {
        name: "member of the wrong workspace",
        files: &[
            ("r1/Cargo.toml", "[workspace]\nmembers = [\"m\"]\n"),
            (
                "r1/m/Cargo.toml",
                "[package]\nname = \"m\"\nversion = \"0.1.0\"\nworkspace = \"../../r2\"\n",
            ),
            ("r1/m/src/lib.rs", ""),
            ("r2/Cargo.toml", "[workspace]\n"),
        ],
        expect: Expect::WsErr(
            "package `ROOT/r1/m/Cargo.toml` is a member of the wrong workspace\nexpected: ROOT/r1/Cargo.toml\nactual:   ROOT/r2/Cargo.toml",
        ),
    },
    Case {
        name: "member outside the root",
        files: &[
            ("r/Cargo.toml", "[workspace]\nmembers = [\"../out\"]\n"),
            (
                "out/Cargo.toml",
                "[package]\nname = \"out\"\nversion = \"0.1.0\"\n",
            ),
            ("out/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "workspace member `ROOT/out/Cargo.toml` is not hierarchically below the workspace root `ROOT/r/Cargo.toml`",
        ),
    },
    Case {
        name: "path dependencies: inside the root, or outside and naming it, are members",
        files: &[
            ("r/Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
            (
                "r/a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\n[dependencies]\nback = { path = \"../../back\" }\nother = { path = \"../../other\" }\ninner = { path = \"../inner\" }\n",
            ),
            ("r/a/src/lib.rs", ""),
            (
                "r/inner/Cargo.toml",
                "[package]\nname = \"inner\"\nversion = \"0.1.0\"\n",
            ),
            ("r/inner/src/lib.rs", ""),
            (
                "back/Cargo.toml",
                "[package]\nname = \"back\"\nversion = \"0.1.0\"\nworkspace = \"../r\"\n",
            ),
            ("back/src/lib.rs", ""),
            (
                "other/Cargo.toml",
                "[package]\nname = \"other\"\nversion = \"0.1.0\"\n",
            ),
            ("other/src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| {
            let names: Vec<&str> = ws.members().map(|m| m.name()).collect();
            assert_eq!(names, ["a", "back", "inner"]);
        }),
    },
    Case {
        name: "path dependency outside the root that fails to load",
        files: &[
            ("r/Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
            (
                "r/a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\n[dependencies]\nnope = { path = \"../../nope\" }\n",
            ),
            ("r/a/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "failed to load manifest for workspace member `ROOT/r/a`\nreferenced by workspace at `ROOT/r/Cargo.toml`\n\nCaused by:\n  \
             failed to load manifest for dependency `nope`\n\nCaused by:\n  \
             failed to read `ROOT/nope/Cargo.toml`\n\nCaused by:\n  No such file or directory (os error 2)",
        ),
    },
    Case {
        name: "ancestor manifests are read in full",
        files: &[
            (
                "x/Cargo.toml",
                "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
            ),
            ("x/src/lib.rs", ""),
            (
                "Cargo.toml",
                "[package]\nname = \"p\"\nversion = \"0.1.0\"\n",
            ),
        ],
        expect: Expect::WsErr(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  no targets specified in the manifest\n  \
             either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present",
        ),
    },
    Case {
        name: "ancestor manifests' warnings are the workspace's",
        files: &[
            (
                "x/Cargo.toml",
                "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("x/src/lib.rs", ""),
            (
                "Cargo.toml",
                "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\ncolour = 1\n",
            ),
            LIB,
        ],
        expect: Expect::Ws(|ws| {
            assert!(ws.root_config().is_none());
            assert_eq!(ws.members().count(), 1);
            let warnings: Vec<&str> = ws.warnings().into_iter().map(|(_, w)| w).collect();
            assert_eq!(warnings, ["unused manifest key: package.colour"]);
        }),
    },
    Case {
        name: "default-member via a glob that is not a member",
        files: &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\"]\ndefault-members = [\"x*\"]\n",
            ),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
            ),
            ("a/src/lib.rs", ""),
            (
                "x1/Cargo.toml",
                "[package]\nname = \"x1\"\nversion = \"0.1.0\"\n",
            ),
            ("x1/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "package `ROOT/x1` is listed in default-members via `x*` but is not a member\nfor workspace at `ROOT/Cargo.toml`.",
        ),
    },
    Case {
        name: "multiple workspace roots, in cargo's order",
        files: &[
            (
                "Cargo.toml",
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[workspace]\nmembers = [\"bar\"]\n",
            ),
            LIB,
            (
                "bar/Cargo.toml",
                "[package]\nname = \"bar\"\nversion = \"0.1.0\"\n[workspace]\nmembers = [\"..\"]\n",
            ),
            ("bar/src/lib.rs", ""),
        ],
        expect: Expect::WsErr(
            "multiple workspace roots found in the same workspace:\n  ROOT/bar\n  ROOT",
        ),
    },
    Case {
        name: "virtual workspace without resolver, members on 2021 and 2024",
        files: &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\n",
            ),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("a/src/lib.rs", ""),
            (
                "b/Cargo.toml",
                "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
            ),
            ("b/src/lib.rs", ""),
            (
                "c/Cargo.toml",
                "[package]\nname = \"c\"\nversion = \"0.1.0\"\n",
            ),
            ("c/src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| {
            assert_eq!(ws.resolver_version(), "1");
            let warnings: Vec<String> = ws.load_warnings().iter().map(|w| w.to_string()).collect();
            assert_eq!(
                warnings,
                [
                    "virtual workspace defaulting to `resolver = \"1\"` despite one or more workspace members being on edition 2024 which implies `resolver = \"3\"`\n  \
                  |\n  \
                  = note: to keep the current resolver, specify `workspace.resolver = \"1\"` in the workspace root's manifest\n  \
                  = note: to use the edition 2024 resolver, specify `workspace.resolver = \"3\"` in the workspace root's manifest\n  \
                  = note: for more details see https://doc.rust-lang.org/cargo/reference/resolver.html#resolver-versions"
                ]
            );
        }),
    },
    Case {
        name: "no resolver warning with a resolver, or members before 2021",
        files: &[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2018\"\n",
            ),
            ("a/src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| assert!(ws.load_warnings().is_empty())),
    },
    Case {
        name: "settings of non-root members are ignored, with warnings",
        files: &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
            ),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[profile.dev]\nopt-level = 1\n[patch.crates-io]\nfoo = { path = \"../b\" }\n",
            ),
            ("a/src/lib.rs", ""),
            (
                "b/Cargo.toml",
                "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\nresolver = \"1\"\n[replace]\n\"foo:1.0.0\" = { path = \"../a\" }\n",
            ),
            ("b/src/lib.rs", ""),
        ],
        expect: Expect::Ws(|ws| {
            let root = ws.root_manifest().display().to_string();
            let warnings: Vec<String> = ws
                .load_warnings()
                .iter()
                .map(|w| w.to_string().replace(&root, "ROOT/Cargo.toml"))
                .collect();
            let lines: Vec<&str> = warnings
                .iter()
                .map(|w| w.lines().next().unwrap_or(""))
                .collect();
            assert_eq!(
                lines,
                [
                    "profiles for the non root package will be ignored, specify profiles at the workspace root:",
                    "patch for the non root package will be ignored, specify patch at the workspace root:",
                    "replace for the non root package will be ignored, specify replace at the workspace root:",
                    "resolver for the non root package will be ignored, specify resolver at the workspace root:",
                ]
            );
            assert!(
                warnings[0].ends_with("a/Cargo.toml\nworkspace: ROOT/Cargo.toml"),
                "{}",
                warnings[0]
            );
        }),
    },
    Case {
        name: "workspace optional dependency",
        files: &[(
            "Cargo.toml",
            "[workspace]\n[workspace.dependencies]\ndep2 = { path = \"../dep\", optional = true }\n",
        )],
        expect: Expect::Err(
            "failed to parse manifest at `ROOT/Cargo.toml`\n\nCaused by:\n  dep2 is optional, but workspace dependencies cannot be optional",
        ),
    },
];

#[test]
fn table() {
    assert!(CASES.len() >= 40, "only {} cases", CASES.len());
    let failed: Vec<&str> = CASES
        .iter()
        .filter(|case| std::panic::catch_unwind(|| run(case)).is_err())
        .map(|case| case.name)
        .collect();
    assert!(failed.is_empty(), "failed cases: {failed:#?}");
}

#[test]
fn find_manifest_errors_when_none() {
    let dir = tempfile::tempdir().unwrap();
    let e = mycargo_manifest::find_manifest_for_dir(dir.path()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "could not find `Cargo.toml` in `{}` or any parent directory",
            dir.path().display()
        )
    );
    std::fs::write(dir.path().join("Cargo.toml"), "").unwrap();
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    assert_eq!(
        mycargo_manifest::find_manifest_for_dir(&sub).unwrap(),
        dir.path().join("Cargo.toml")
    );
}

/// Malformed inputs: every one must give an error or a manifest, never a panic.
#[test]
fn malformed_inputs_do_not_panic() {
    let full = "cargo-features = []\n[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"b.rs\"\n\
                [lib]\npath = \"src/lib.rs\"\n[[bin]]\nname = \"x\"\n[dependencies]\na = { version = \"1\", features = [\"f\"] }\n\
                [target.'cfg(unix)'.dependencies]\nb = \"1\"\n[features]\nf = [\"a/f\"]\n[profile.dev]\nopt-level = 1\n[workspace]\n";
    let mut inputs: Vec<String> = (0..full.len())
        .filter(|i| full.is_char_boundary(*i))
        .map(|i| full[..i].to_string())
        .collect();
    let values = [
        "1",
        "true",
        "\"s\"",
        "[]",
        "[1]",
        "{}",
        "{ workspace = true }",
        "1.5",
        "1979-05-27",
        "[[1]]",
        "{ a = 1 }",
    ];
    let keys = [
        "package",
        "package.name",
        "package.version",
        "package.edition",
        "package.authors",
        "package.build",
        "package.readme",
        "package.publish",
        "package.workspace",
        "package.metadata",
        "lib",
        "bin",
        "example",
        "dependencies",
        "dependencies.a",
        "dev-dependencies.a",
        "features",
        "features.f",
        "target",
        "target.x",
        "profile",
        "profile.dev",
        "profile.dev.debug",
        "profile.dev.lto",
        "profile.dev.package",
        "workspace",
        "workspace.members",
        "workspace.package",
        "workspace.dependencies.a",
        "patch",
        "patch.crates-io.a",
        "replace",
        "lints",
        "lints.rust",
        "lints.rust.x",
        "badges",
        "cargo-features",
    ];
    for k in keys {
        for v in values {
            inputs.push(format!(
                "{k} = {v}\n[package]\nname = \"foo\"\nversion = \"0.1.0\"\n"
            ));
            inputs.push(format!(
                "[package]\nname = \"foo\"\nversion = \"0.1.0\"\n[x]\n{k} = {v}\n"
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Cargo.toml");
    for input in &inputs {
        let r = std::panic::catch_unwind(|| {
            let _ = read_manifest_with(&path, input, &ReadOptions::default());
        });
        assert!(r.is_ok(), "panicked on:\n{input}");
    }
}
