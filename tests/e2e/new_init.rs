//! `mycargo new` and `mycargo init`, side by side with the installed cargo.
//!
//! Each test builds the same starting tree twice (`[ROOT]/w` in two roots),
//! runs mycargo in one and cargo in the other, and checks that both trees
//! end the same byte for byte (`.git` present or not, its insides not
//! compared) and that both printed the same (cargo's words, with command
//! names as `mycargo`).

use mycargo_test_support::compare::{assert_same_output, assert_same_tree};
use mycargo_test_support::{
    Output, Project, ProjectBuilder, Tool, assert_data_eq, basic_manifest, git, project, str,
};

/// A starting tree at `[ROOT]/w`, built for both tools.
fn start() -> ProjectBuilder {
    project().at("w").no_manifest()
}

struct Twins {
    m: Project,
    c: Project,
}

impl Twins {
    fn new(b: ProjectBuilder) -> Twins {
        let (m, c) = b.build_twins();
        Twins { m, c }
    }

    /// Run `args` in `dir` (relative to `[ROOT]/w`) with both tools; check
    /// both gave the same output and left the same tree. Returns mycargo's
    /// output.
    fn run_in(&self, dir: &str, args: &[&str]) -> Output {
        let m = self
            .m
            .mycargo("")
            .cwd(dir)
            .args(args)
            .with_any_status()
            .run();
        let c = self.c.cargo("").cwd(dir).args(args).with_any_status().run();
        assert_same_output(&m, &c);
        assert_same_tree(&self.m.root(), &self.c.root());
        m
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(".", args)
    }

    /// Do the same thing to both trees.
    fn each(&self, f: impl Fn(&Project)) {
        f(&self.m);
        f(&self.c);
    }
}

fn twins() -> Twins {
    Twins::new(start())
}

fn has_program(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(name).is_file()))
}

#[test]
fn new_bin() {
    let t = twins();
    let out = t.run(&["new", "foo"]);
    assert_eq!(out.code(), Some(0));
    assert_data_eq!(
        out.stderr_redacted(),
        str![[r#"
    Creating binary (application) `foo` package
note: see more `Cargo.toml` keys and their definitions at https://doc.rust-lang.org/cargo/reference/manifest.html

"#]]
    );
    assert!(t.m.root().join("foo/.git").is_dir());
    assert_eq!(t.m.read_file("foo/.gitignore"), "/target\n");
    assert_eq!(
        t.m.read_file("foo/Cargo.toml"),
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n"
    );
}

#[test]
fn new_lib() {
    let t = twins();
    let out = t.run(&["new", "--lib", "foo"]);
    assert!(
        out.stderr
            .starts_with("    Creating library `foo` package\n")
    );
    assert!(t.m.read_file("foo/src/lib.rs").contains("pub fn add"));
}

#[test]
fn new_vcs_none_name_edition_registry() {
    let t = twins();
    t.run(&["new", "--vcs", "none", "a"]);
    assert!(!t.m.root().join("a/.git").exists());
    assert!(!t.m.root().join("a/.gitignore").exists());
    t.run(&["new", "--name", "bar", "--vcs", "none", "foo-dir"]);
    t.run(&["new", "--edition", "2021", "--vcs", "none", "ed"]);
    t.run(&["new", "--edition", "2015", "--lib", "--vcs", "none", "ed15"]);
    t.run(&["new", "--registry", "my-reg", "--vcs", "none", "reg"]);
    t.run(&["new", "--vcs", "git", "--lib", "g"]);
    t.run(&["new", "--vcs", "none", "deep/er/path"]);
    t.run(&["new", "-q", "--vcs", "none", "quiet"]);
    t.run(&["new", "--vcs", "none", "rust-foo"]);
    assert_eq!(
        t.m.read_file("reg/Cargo.toml"),
        "[package]\nname = \"reg\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = [\"my-reg\"]\n\n[dependencies]\n"
    );
}

#[test]
fn new_errors() {
    let t = Twins::new(start().file("exists/x.txt", "x"));
    let out = t.run(&["new", "exists"]);
    assert_eq!(out.code(), Some(101));
    assert_data_eq!(
        out.stderr_redacted(),
        str![[r#"
    Creating binary (application) `exists` package
error: destination `[ROOT]/w/exists` already exists

Use `mycargo init` to initialize the directory

"#]]
    );
    let out = t.run(&["new", "--bin", "--lib", "x"]);
    assert_eq!(
        out.stderr,
        "error: can't specify both lib and binary outputs\n"
    );
    t.run(&["new", "--registry", "b a d", "x"]);
    t.run(&["new", "--registry", "", "x"]);
    t.run(&["new", ".."]);
    t.run(&["new", "x/.."]);
    t.run(&["new", ""]);
    // clap's own errors (exit 1).
    t.run(&["new", "--vcs", "svn", "x"]);
    t.run(&["new", "--edition", "2027", "x"]);
    t.run(&["new"]);
}

#[test]
fn name_checks() {
    let t = twins();
    for name in [
        "1foo",
        "fn",
        "Self",
        "async",
        "test",
        "build",
        "deps",
        "examples",
        "incremental",
        "fo.o",
        "a b",
        "x¼",
        "Ⓐb",
        "p:q",
    ] {
        let out = t.run(&["new", "--vcs", "none", name]);
        assert_eq!(out.code(), Some(101), "{name}: {}", out.stderr);
    }
    // Warnings only.
    for name in [
        "core",
        "std",
        "alloc",
        "proc-macro",
        "con",
        "aux",
        "nul",
        "lpt1",
        "CON",
        "föo",
        "Foo",
        "_foo",
        "debug",
        "gen",
    ] {
        let out = t.run(&["new", "--vcs", "none", name]);
        assert_eq!(out.code(), Some(0), "{name}: {}", out.stderr);
    }
    // Libraries may be named like a build directory; `--name` drops the hint.
    t.run(&[
        "new", "--lib", "--vcs", "none", "--name", "deps", "lib-deps",
    ]);
    t.run(&["new", "--lib", "--vcs", "none", "--name", "fn", "lib-fn"]);
    t.run(&["new", "--vcs", "none", "--name", "", "empty-name"]);
    t.run(&["new", "--vcs", "none", "--name", "1x", "digit"]);
    let out = t.run(&["new", "--vcs", "none", "1bar"]);
    assert_data_eq!(
        out.stderr_redacted(),
        str![[r#"
    Creating binary (application) `1bar` package
error: invalid character `1` in package name: `1bar`, the name cannot start with a digit
note: the directory name is used as the package name
help: to override the package name, pass `--name <pkgname>`
help: to name the binary "1bar", use a valid package name, and set the binary name to be different from the package. This can be done by setting the binary filename to `src/bin/1bar.rs` or change the name in Cargo.toml with:

    [[bin]]
    name = "1bar"
    path = "src/main.rs"


"#]]
    );
}

#[test]
fn init_empty_dir() {
    let t = Twins::new(start().dir("foo"));
    let out = t.run_in("foo", &["init"]);
    assert_data_eq!(
        out.stderr_redacted(),
        str![[r#"
    Creating binary (application) package
note: see more `Cargo.toml` keys and their definitions at https://doc.rust-lang.org/cargo/reference/manifest.html

"#]]
    );
    assert!(t.m.root().join("foo/.git").is_dir());
    // Again: the package is there now.
    let out = t.run_in("foo", &["init"]);
    assert_eq!(out.code(), Some(101));
    t.run(&["init", "--lib", "--vcs", "none", "new-dir"]);
    t.run(&["init", "--name", "named", "--vcs", "none", "other"]);
}

#[test]
fn init_with_existing_sources() {
    let main = "fn main() { println!(\"mine\"); }\n";
    let t = Twins::new(
        start()
            .file("a/src/main.rs", main)
            .file("b/src/main.rs", main)
            .file("c/main.rs", main)
            .file("d/lib.rs", "pub fn f() {}\n")
            .file("e/e.rs", main)
            .file("f/src/f.rs", "pub fn lib() {}\n")
            .file("g/src/main.rs", main)
            .file("g/src/lib.rs", "")
            .file("h/main.rs", main)
            .file("h/src/main.rs", main)
            .file("i/lib.rs", "")
            .file("i/src/lib.rs", "")
            .file("j/src/lib.rs", "")
            .file("j/src/j.rs", main)
            .file("k/k.rs", "pub fn lib() {}\n")
            .file("k/main.rs", main),
    );
    t.run_in("a", &["init", "--vcs", "none"]);
    assert_eq!(t.m.read_file("a/src/main.rs"), main);
    // A binary found while a library is asked for: used as the library.
    t.run_in("b", &["init", "--lib", "--vcs", "none"]);
    t.run_in("c", &["init", "--vcs", "none"]);
    t.run_in("d", &["init", "--vcs", "none"]);
    t.run_in("e", &["init", "--vcs", "none"]);
    t.run_in("f", &["init", "--vcs", "none"]);
    t.run_in("g", &["init", "--vcs", "none"]);
    t.run_in("g", &["init", "--lib", "--vcs", "none", "../g2"]);
    t.run_in("h", &["init", "--vcs", "none"]);
    t.run_in("i", &["init", "--vcs", "none"]);
    t.run_in("j", &["init", "--lib", "--vcs", "none"]);
    t.run_in("k", &["init", "--vcs", "none"]);
}

#[test]
fn init_with_existing_ignore_files() {
    let t = Twins::new(
        start()
            .file("a/.gitignore", "foo\n/target\n**/*.rs.bk\n")
            .file("b/.gitignore", "no-newline")
            .file("c/.gitignore", "target\n")
            .file("d/.gitignore", "")
            .file("e/.gitignore", b"ok\n\xff\n".as_slice())
            .file("f/.hgignore", "^target$\n")
            .dir("f/.hg")
            .file("g/.fossil-settings/ignore-glob", "target\n")
            .dir("g/.fossil")
            .dir("h/.git")
            .dir("h/.hg"),
    );
    for dir in ["a", "b", "c", "d"] {
        t.run_in(dir, &["init", "--vcs", "git"]);
    }
    assert_eq!(
        t.m.read_file("a/.gitignore"),
        "foo\n/target\n**/*.rs.bk\n\n\n# Added by cargo\n#\n# already existing elements were commented out\n\n#/target\n"
    );
    // Not UTF-8: an error.
    t.run_in("e", &["init", "--vcs", "git"]);
    // An existing repository of another kind is used as it is.
    t.run_in("f", &["init"]);
    t.run_in("g", &["init"]);
    // Two kinds at once: cargo can't choose.
    t.run_in("h", &["init"]);
    t.run_in("h", &["init", "--vcs", "none"]);
}

#[test]
fn init_errors() {
    let t = Twins::new(start().file("pkg/Cargo.toml", "[package]\n"));
    let out = t.run_in("pkg", &["init"]);
    assert_data_eq!(
        out.stderr_redacted(),
        str![[r#"
    Creating binary (application) package
error: `mycargo init` cannot be run on existing Cargo packages
help: use `mycargo new` to create a package in a new subdirectory

"#]]
    );
    t.run(&["init", "--bin", "--lib"]);
    // The home directory is refused.
    let m =
        t.m.mycargo("init")
            .cwd(t.m.test_root().home(Tool::Mycargo))
            .with_status(101)
            .run();
    let c =
        t.c.cargo("init")
            .cwd(t.c.test_root().home(Tool::Cargo))
            .with_status(101)
            .run();
    assert_same_output(&m, &c);
    assert_data_eq!(
        m.stderr_redacted(),
        str![[r#"
error: cannot create package in the home directory

help: use `mycargo init <path>` to create a package in a different directory

"#]]
    );
}

#[test]
fn inside_an_existing_git_repo() {
    let t = Twins::new(start().file(".gitignore", "ignored/\n").dir("ignored"));
    t.each(|p| {
        git::init(&p.root());
    });
    // No nested repository, no ignore file.
    t.run(&["new", "foo"]);
    assert!(!t.m.root().join("foo/.git").exists());
    assert!(!t.m.root().join("foo/.gitignore").exists());
    t.run(&["new", "--lib", "sub/dir/bar"]);
    // An ignored directory is not part of the repository.
    t.run(&["new", "ignored/baz"]);
    assert!(t.m.root().join("ignored/baz/.git").is_dir());
    // `--vcs git` asks for one anyway.
    t.run(&["new", "--vcs", "git", "forced"]);
    assert!(t.m.root().join("forced/.git").is_dir());
    // `init` at the top of the repository keeps it and extends .gitignore.
    t.run(&["init", "--name", "top"]);
}

#[test]
fn workspace_members_are_added() {
    let t = Twins::new(
        start()
            .file(
                "Cargo.toml",
                "[workspace]\nresolver = \"3\"\n# comment\nmembers = [\n    \"b\",\n    \"a\",  # trailing\n]\n",
            )
            .file("a/Cargo.toml", basic_manifest("a", "0.1.0"))
            .file("a/src/lib.rs", "")
            .file("b/Cargo.toml", basic_manifest("b", "0.1.0"))
            .file("b/src/lib.rs", ""),
    );
    let out = t.run(&["new", "--vcs", "none", "c"]);
    assert_data_eq!(
        out.stderr_redacted(),
        str![[r#"
    Creating binary (application) `c` package
      Adding `c` as member of workspace at `[ROOT]/w`
note: see more `Cargo.toml` keys and their definitions at https://doc.rust-lang.org/cargo/reference/manifest.html

"#]]
    );
    t.run(&["new", "--vcs", "none", "--lib", "crates/d"]);
    // Already a member: nothing to add.
    t.run(&["new", "--vcs", "none", "a/../e"]);
    t.run_in("a", &["new", "--vcs", "none", "../f"]);
    t.run_in("a", &["new", "--vcs", "none", "./nested"]);
    // Same name as a member.
    t.run(&["new", "--vcs", "none", "--name", "a", "dup"]);
    assert!(t.m.read_file("Cargo.toml").contains("\"c\", \"crates/d\""));
}

#[test]
fn workspace_sorted_members_stay_sorted() {
    for manifest in [
        "[workspace]\nmembers = [\"a\", \"c\"]\nresolver = \"2\"\n",
        "[workspace]\nmembers = [\n  \"a\",\n  \"c\",\n]\nresolver = \"2\"\n",
        "[workspace]\nmembers = []\nresolver = \"2\"\n",
        "[workspace]\nresolver = \"2\"\n",
        "[workspace]\nmembers = \"oops\"\nresolver = \"2\"\n",
        "workspace = { resolver = \"2\", members = [\"z\"] }\n",
        "workspace = { resolver = \"2\" }\n",
        "[workspace]\nmembers = [ \"a\" , \"c\" , ] # end\nresolver = \"2\"\n",
        "[workspace]\nresolver = \"2\"\nmembers = [\"a\", \"c\"]\n\n[workspace.dependencies]\nz = { path = \"z\" }\n",
        "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"b\"]\nresolver = \"2\"\n",
    ] {
        let t = Twins::new(
            start()
                .file("Cargo.toml", manifest)
                .file("a/Cargo.toml", basic_manifest("a", "0.1.0"))
                .file("a/src/lib.rs", "")
                .file("c/Cargo.toml", basic_manifest("c", "0.1.0"))
                .file("c/src/lib.rs", "")
                .file("z/Cargo.toml", basic_manifest("z", "0.1.0"))
                .file("z/src/lib.rs", ""),
        );
        t.run(&["new", "--vcs", "none", "b"]);
        t.run(&["new", "--vcs", "none", "crates/x"]);
    }
}

#[test]
fn workspace_package_keys_and_lints_are_inherited() {
    let t = Twins::new(start().file(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\n\n[workspace.package]\nversion = \"1.2.3\"\nedition = \"2021\"\nlicense = \"MIT\"\npublish = false\nauthors = [\"x\"]\n\n[workspace.lints.rust]\nunsafe_code = \"deny\"\n",
    ));
    t.run(&["new", "--vcs", "none", "plain"]);
    assert_eq!(
        t.m.read_file("plain/Cargo.toml"),
        "[package]\nname = \"plain\"\nversion.workspace = true\nedition.workspace = true\nlicense.workspace = true\npublish.workspace = true\nauthors.workspace = true\n\n[dependencies]\n\n[lints]\nworkspace = true\n"
    );
    t.run(&[
        "new",
        "--vcs",
        "none",
        "--edition",
        "2018",
        "--registry",
        "r",
        "flags",
    ]);
    t.run(&["new", "--vcs", "none", "--lib", "lib"]);
}

#[test]
fn workspace_exclude_and_outside() {
    let t = Twins::new(
        start()
            .file(
                "Cargo.toml",
                "[workspace]\nresolver = \"3\"\nmembers = [\"a\"]\nexclude = [\"ex\"]\n",
            )
            .file("a/Cargo.toml", basic_manifest("a", "0.1.0"))
            .file("a/src/lib.rs", ""),
    );
    // Excluded: left out, no warning.
    t.run(&["new", "--vcs", "none", "ex"]);
    t.run(&["new", "--vcs", "none", "ex/inner"]);
    // Under a member that is no workspace: not added, and cargo warns.
    let out = t.run(&["new", "--vcs", "none", "a/sub"]);
    assert_data_eq!(
        out.stderr_redacted(),
        str![[r#"
    Creating binary (application) `sub` package
warning: compiling this new package may not work due to invalid workspace configuration

current package believes it's in a workspace when it's not:
current:   [ROOT]/w/a/sub/Cargo.toml
workspace: [ROOT]/w/Cargo.toml

this may be fixable by adding `a/sub` to the `workspace.members` array of the manifest located at: [ROOT]/w/Cargo.toml
Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, or add an empty `[workspace]` table to the package's manifest.
note: see more `Cargo.toml` keys and their definitions at https://doc.rust-lang.org/cargo/reference/manifest.html

"#]]
    );
    // Quiet: cargo still prints the error part.
    t.run(&["new", "-q", "--vcs", "none", "a/sub2"]);
}

#[test]
fn workspace_warnings() {
    // No resolver in a virtual workspace; a member whose manifest is missing.
    let t = Twins::new(
        start()
            .file("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n")
            .file(
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            )
            .file("a/src/lib.rs", ""),
    );
    t.run(&["new", "--vcs", "none", "--edition", "2018", "old"]);
    t.run(&["new", "--vcs", "none", "new"]);
    t.each(|p| {
        p.change_file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"gone\", \"crates/*\"]\n",
        )
    });
    t.run(&["new", "--vcs", "none", "x"]);
    t.run(&["new", "-q", "--vcs", "none", "y"]);
    t.each(|p| std::fs::create_dir_all(p.root().join("gone")).unwrap());
    t.run(&["new", "--vcs", "none", "crates/z"]);
    // A root package with a path dependency on the new package.
    let t = Twins::new(
        start()
            .file(
                "Cargo.toml",
                "[package]\nname = \"root\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[dependencies]\npd = { path = \"pd\" }\n",
            )
            .file("src/lib.rs", ""),
    );
    t.run(&["new", "--vcs", "none", "--lib", "pd"]);
}

#[test]
fn config_vcs_and_default_registry() {
    let t = twins();
    let write_config = |text: &'static str| {
        t.each(|p| {
            let home = p.test_root().cargo_home(if p.root() == t.m.root() {
                Tool::Mycargo
            } else {
                Tool::Cargo
            });
            std::fs::write(home.join("config.toml"), text).unwrap();
        })
    };
    write_config("[cargo-new]\nvcs = \"none\"\n");
    t.run(&["new", "a"]);
    assert!(!t.m.root().join("a/.git").exists());
    t.run(&["new", "--vcs", "git", "b"]);
    write_config("[cargo-new]\nvcs = \"svn\"\n");
    t.run(&["new", "c"]);
    write_config("[registry]\ndefault = \"dflt\"\n");
    t.run(&["new", "--vcs", "none", "d"]);
    assert!(
        t.m.read_file("d/Cargo.toml")
            .contains("publish = [\"dflt\"]")
    );
}

#[test]
fn missing_vcs_programs() {
    let t = twins();
    for (vcs, program) in [("hg", "hg"), ("pijul", "pijul"), ("fossil", "fossil")] {
        if has_program(program) {
            continue;
        }
        let out = t.run(&["new", "--vcs", vcs, vcs]);
        assert_eq!(out.code(), Some(101));
    }
}

#[test]
fn rustfmt_config_applies_to_new_sources() {
    if !has_program("rustfmt") {
        return;
    }
    let t = Twins::new(start().file("rustfmt.toml", "hard_tabs = true\n"));
    t.run(&["new", "--vcs", "none", "fmt"]);
    assert!(t.m.read_file("fmt/src/main.rs").contains("\tprintln!"));
}

#[test]
fn broken_manifests_around_the_new_package() {
    let t = Twins::new(
        start()
            .file("bad-toml/Cargo.toml", "[package\nname = 1\n")
            .file("no-targets/Cargo.toml", basic_manifest("p", "0.1.0"))
            .file("empty/Cargo.toml", "")
            .file("with-tests/Cargo.toml", basic_manifest("p", "0.1.0"))
            .file("with-tests/tests/t.rs", "")
            .file(
                "ws/Cargo.toml",
                "[workspace]\nresolver = \"3\"\nmembers = [\"bad\", \"bare\"]\n",
            )
            .file("ws/bad/Cargo.toml", "[package\n")
            .file("ws/bare/Cargo.toml", basic_manifest("bare", "0.1.0"))
            .file("nonstring/Cargo.toml", "[workspace]\nmembers = [1]\n"),
    );
    for dir in [
        "bad-toml",
        "no-targets",
        "empty",
        "with-tests",
        "ws",
        "nonstring",
    ] {
        t.run_in(dir, &["new", "--vcs", "none", "x"]);
        t.run_in(dir, &["new", "-q", "--vcs", "none", "y"]);
    }
    // The diagnostic names the file relative to the working directory.
    t.run_in("bad-toml/x", &["new", "--vcs", "none", "z"]);
    t.run(&["new", "--vcs", "none", "bad-toml/w"]);
}
