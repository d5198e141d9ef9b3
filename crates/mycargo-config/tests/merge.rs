//! End-to-end tests of config loading over real directory trees:
//!
//! ```text
//! <tmp>/home/config.toml                 ($CARGO_HOME)
//! <tmp>/ws/.cargo/config.toml            (level "a")
//! <tmp>/ws/b/.cargo/config.toml          (level "b")
//! <tmp>/ws/b/c/.cargo/config.toml        (level "c", the cwd is <tmp>/ws/b/c)
//! ```

use std::path::PathBuf;

use mycargo_config::{Config, Definition, EnvConfigValue, Value};
use mycargo_util::Env;

struct Tree {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canonical tempdir");
        for dir in ["home", "userhome", "ws/b/c"] {
            std::fs::create_dir_all(root.join(dir)).expect("mkdir");
        }
        Tree { _tmp: tmp, root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
        path
    }

    /// The three levels and the home config, each with `contents(level)`.
    fn levels(&self, contents: impl Fn(&str) -> String) {
        self.write("home/config.toml", &contents("home"));
        self.write("ws/.cargo/config.toml", &contents("a"));
        self.write("ws/b/.cargo/config.toml", &contents("b"));
        self.write("ws/b/c/.cargo/config.toml", &contents("c"));
    }

    fn cwd(&self) -> PathBuf {
        self.path("ws/b/c")
    }

    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let mut env = Env::new(
            self.cwd(),
            [
                ("CARGO_HOME", self.path("home")),
                ("HOME", self.path("userhome")),
            ],
        );
        for (k, v) in vars {
            env.set(*k, *v);
        }
        env
    }

    fn load(&self, vars: &[(&str, &str)], cli: &[&str]) -> anyhow::Result<Config> {
        let cli: Vec<String> = cli.iter().map(|s| s.to_string()).collect();
        Config::load(&self.env(vars), &cli)
    }

    fn file_def(&self, rel: &str) -> Definition {
        Definition::Path(self.path(rel))
    }
}

fn chain(err: &anyhow::Error) -> Vec<String> {
    err.chain().map(|e| e.to_string()).collect()
}

fn level_def(tree: &Tree, level: &str) -> Definition {
    match level {
        "home" => tree.file_def("home/config.toml"),
        "a" => tree.file_def("ws/.cargo/config.toml"),
        "b" => tree.file_def("ws/b/.cargo/config.toml"),
        "c" => tree.file_def("ws/b/c/.cargo/config.toml"),
        _ => unreachable!(),
    }
}

// ---- precedence of scalars ------------------------------------------------

#[test]
fn deepest_file_wins_for_scalars() {
    let tree = Tree::new();
    tree.levels(|l| {
        let mut s = format!("[t]\nall = '{l}'\n");
        if l != "c" {
            s.push_str(&format!("abh = '{l}'\n"));
        }
        if l == "home" || l == "a" {
            s.push_str(&format!("ah = '{l}'\n"));
        }
        if l == "home" {
            s.push_str("h = 'home'\nn = 7\nflag = true\n");
        }
        s
    });
    let cfg = tree.load(&[], &[]).unwrap();
    let get = |k: &str| cfg.get_string(k).unwrap().unwrap();
    assert_eq!(
        get("t.all"),
        Value {
            val: "c".into(),
            definition: level_def(&tree, "c")
        }
    );
    assert_eq!(
        get("t.abh"),
        Value {
            val: "b".into(),
            definition: level_def(&tree, "b")
        }
    );
    assert_eq!(
        get("t.ah"),
        Value {
            val: "a".into(),
            definition: level_def(&tree, "a")
        }
    );
    assert_eq!(get("t.h").definition, level_def(&tree, "home"));
    assert_eq!(cfg.get_i64("t.n").unwrap().unwrap().val, 7);
    assert!(cfg.get_bool("t.flag").unwrap().unwrap().val);
    assert_eq!(cfg.get_string("t.missing").unwrap(), None);
    assert_eq!(cfg.get_string("nothing.at.all").unwrap(), None);
    assert!(cfg.warnings().is_empty());
}

#[test]
fn env_beats_files_and_cli_beats_env() {
    let tree = Tree::new();
    tree.levels(|l| format!("[t]\ns = '{l}'\nn = 1\nb = false\n"));
    let cfg = tree
        .load(
            &[
                ("CARGO_T_S", "env"),
                ("CARGO_T_N", "42"),
                ("CARGO_T_B", "true"),
            ],
            &[],
        )
        .unwrap();
    assert_eq!(
        cfg.get_string("t.s").unwrap().unwrap(),
        Value {
            val: "env".into(),
            definition: Definition::Environment("CARGO_T_S".into())
        }
    );
    assert_eq!(cfg.get_i64("t.n").unwrap().unwrap().val, 42);
    assert!(cfg.get_bool("t.b").unwrap().unwrap().val);

    let cfg = tree
        .load(
            &[("CARGO_T_S", "env")],
            &["t.s = 'cli1'", "t.s = 'cli2'", "t.n = 5"],
        )
        .unwrap();
    assert_eq!(
        cfg.get_string("t.s").unwrap().unwrap(),
        Value {
            val: "cli2".into(),
            definition: Definition::Cli(None)
        }
    );
    assert_eq!(cfg.get_i64("t.n").unwrap().unwrap().val, 5);
}

#[test]
fn env_only_values_and_dash_mapping() {
    let tree = Tree::new();
    let cfg = tree
        .load(
            &[
                ("CARGO_BUILD_TARGET_DIR", "out"),
                ("CARGO_NET_GIT_FETCH_WITH_CLI", "true"),
            ],
            &[],
        )
        .unwrap();
    assert_eq!(
        cfg.get_string("build.target-dir").unwrap().unwrap().val,
        "out"
    );
    assert!(cfg.get_bool("net.git-fetch-with-cli").unwrap().unwrap().val);
    // Config::empty still sees the environment.
    let empty = Config::empty(&tree.env(&[("CARGO_BUILD_JOBS", "3")]));
    assert_eq!(empty.get_i64("build.jobs").unwrap().unwrap().val, 3);
    assert_eq!(empty.cargo_home(), tree.path("home"));
}

// ---- arrays ---------------------------------------------------------------

#[test]
fn arrays_concatenate_lowest_precedence_first() {
    let tree = Tree::new();
    tree.levels(|l| format!("[build]\nrustflags = ['{l}1', '{l}2']\n"));
    let cfg = tree
        .load(
            &[("CARGO_BUILD_RUSTFLAGS", "e1 e2")],
            &["build.rustflags = ['cli1']", "build.rustflags = ['cli2']"],
        )
        .unwrap();
    let v = cfg.get_string_list("build.rustflags").unwrap().unwrap();
    assert_eq!(
        v.val,
        [
            "home1", "home2", "a1", "a2", "b1", "b2", "c1", "c2", "e1", "e2", "cli1", "cli2"
        ]
    );
    assert_eq!(v.definition, Definition::Cli(None));
}

#[test]
fn string_list_accepts_a_string_and_env_words() {
    let tree = Tree::new();
    tree.write(
        "ws/.cargo/config.toml",
        "[build]\nrustflags = '-C  opt-level=2'\n",
    );
    let cfg = tree.load(&[], &[]).unwrap();
    let v = cfg.get_string_list("build.rustflags").unwrap().unwrap();
    assert_eq!(v.val, ["-C", "opt-level=2"]);
    assert_eq!(v.definition, level_def(&tree, "a"));

    let cfg = tree
        .load(&[("CARGO_BUILD_RUSTFLAGS", "-W x")], &[])
        .unwrap();
    let v = cfg.get_string_list("build.rustflags").unwrap().unwrap();
    assert_eq!(v.val, ["-C", "opt-level=2", "-W", "x"]);
    assert_eq!(
        v.definition,
        Definition::Environment("CARGO_BUILD_RUSTFLAGS".into())
    );

    let only_env = Config::empty(&tree.env(&[("CARGO_X_Y", "p q")]));
    assert_eq!(
        only_env.get_string_list("x.y").unwrap().unwrap().val,
        ["p", "q"]
    );
    assert_eq!(only_env.get_string_list("x.z").unwrap(), None);

    tree.write("ws/.cargo/config.toml", "[build]\nrustflags = []\n");
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(
        cfg.get_string_list("build.rustflags").unwrap().unwrap().val,
        Vec::<String>::new()
    );
}

#[test]
fn nonmergeable_lists_are_replaced_not_concatenated() {
    let tree = Tree::new();
    tree.levels(|l| {
        format!(
            "[target.x86_64-unknown-linux-gnu]\nrunner = ['{l}-run', '--flag']\nrustflags = ['{l}']\n\
             [doc]\nbrowser = ['{l}-browser']\n\
             [registries.r]\ncredential-provider = ['{l}-cred']\n\
             [host]\nrunner = ['{l}-host']\n"
        )
    });
    let cfg = tree.load(&[], &[]).unwrap();
    let list = |k: &str| cfg.get_string_list(k).unwrap().unwrap();
    let runner = list("target.x86_64-unknown-linux-gnu.runner");
    assert_eq!(runner.val, ["c-run", "--flag"]);
    assert_eq!(runner.definition, level_def(&tree, "c"));
    assert_eq!(list("doc.browser").val, ["c-browser"]);
    assert_eq!(list("registries.r.credential-provider").val, ["c-cred"]);
    assert_eq!(list("host.runner").val, ["c-host"]);
    // Ordinary lists under the same table still concatenate.
    assert_eq!(
        list("target.x86_64-unknown-linux-gnu.rustflags").val,
        ["home", "a", "b", "c"]
    );

    // The environment replaces file values...
    let cfg = tree
        .load(
            &[("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER", "env-run -v")],
            &[],
        )
        .unwrap();
    let runner = cfg
        .get_string_list("target.x86_64-unknown-linux-gnu.runner")
        .unwrap()
        .unwrap();
    assert_eq!(runner.val, ["env-run", "-v"]);
    // ...but not --config ones; and the last --config wins.
    let cfg = tree
        .load(
            &[("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER", "env-run")],
            &[
                "target.x86_64-unknown-linux-gnu.runner = ['cli1']",
                "target.x86_64-unknown-linux-gnu.runner = ['cli2']",
            ],
        )
        .unwrap();
    let runner = cfg
        .get_string_list("target.x86_64-unknown-linux-gnu.runner")
        .unwrap()
        .unwrap();
    assert_eq!(runner.val, ["cli2"]);
    assert_eq!(runner.definition, Definition::Cli(None));
}

// ---- include ---------------------------------------------------------------

#[test]
fn include_loads_first_and_includer_overrides() {
    let tree = Tree::new();
    tree.write(
        "ws/b/c/.cargo/config.toml",
        "include = ['one.toml', { path = 'sub/two.toml' }]\n[t]\ns = 'includer'\nl = ['includer']\n",
    );
    tree.write(
        "ws/b/c/.cargo/one.toml",
        "[t]\ns = 'one'\nl = ['one']\nonly1 = 'one'\nboth = 'one'\n",
    );
    tree.write(
        "ws/b/c/.cargo/sub/two.toml",
        "[t]\nl = ['two']\nboth = 'two'\n",
    );
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(cfg.get_string("t.s").unwrap().unwrap().val, "includer");
    assert_eq!(
        cfg.get_string_list("t.l").unwrap().unwrap().val,
        ["one", "two", "includer"]
    );
    assert_eq!(cfg.get_string("t.both").unwrap().unwrap().val, "two");
    let only1 = cfg.get_string("t.only1").unwrap().unwrap();
    assert_eq!(only1.definition, tree.file_def("ws/b/c/.cargo/one.toml"));
    // `include` itself is consumed.
    assert_eq!(cfg.table_keys("").unwrap(), ["t"]);
}

#[test]
fn optional_missing_include_is_skipped() {
    let tree = Tree::new();
    tree.write(
        "ws/.cargo/config.toml",
        "include = [{ path = 'nope.toml', optional = true }, 'here.toml']\n",
    );
    tree.write("ws/.cargo/here.toml", "[t]\nx = 'here'\n");
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(cfg.get_string("t.x").unwrap().unwrap().val, "here");
}

#[test]
fn missing_include_is_an_error_naming_both_files() {
    let tree = Tree::new();
    let cfg_path = tree.write("ws/.cargo/config.toml", "include = ['missing.toml']\n");
    let err = tree.load(&[], &[]).unwrap_err();
    let c = chain(&err);
    assert_eq!(c[0], "could not load Cargo configuration");
    assert_eq!(
        c[1],
        format!(
            "failed to load config include `missing.toml` from `{}`",
            cfg_path.display()
        )
    );
    assert_eq!(
        c[2],
        format!(
            "failed to read configuration file `{}`",
            tree.path("ws/.cargo/missing.toml").display()
        )
    );
}

#[test]
fn include_cycle_is_an_error() {
    let tree = Tree::new();
    tree.write("ws/.cargo/config.toml", "include = ['a.toml']\n");
    tree.write("ws/.cargo/a.toml", "include = ['b.toml']\n");
    tree.write("ws/.cargo/b.toml", "include = ['a.toml']\n");
    let err = tree.load(&[], &[]).unwrap_err();
    let c = chain(&err);
    assert_eq!(
        c.last().unwrap(),
        &format!(
            "config `include` cycle detected with path `{}`",
            tree.path("ws/.cargo/a.toml").display()
        )
    );
    assert!(
        c.iter()
            .any(|l| l.starts_with("failed to load config include `b.toml` from"))
    );

    // Including the same file from two places is not a cycle.
    tree.write("ws/.cargo/config.toml", "include = ['x.toml', 'y.toml']\n");
    tree.write("ws/.cargo/x.toml", "include = ['d.toml']\n");
    tree.write("ws/.cargo/y.toml", "include = ['d.toml']\n");
    tree.write("ws/.cargo/d.toml", "[t]\nd = 'd'\n");
    assert_eq!(
        tree.load(&[], &[])
            .unwrap()
            .get_string("t.d")
            .unwrap()
            .unwrap()
            .val,
        "d"
    );
}

#[test]
fn include_shape_errors_use_cargo_wording() {
    let tree = Tree::new();
    let p = tree.path("ws/.cargo/config.toml");
    let cases = [
        (
            "include = 'x.toml'\n",
            format!(
                "expected a list of strings or a list of tables, but found string at `include` in `{}",
                p.display()
            ),
        ),
        (
            "include = [5]\n",
            format!(
                "expected a string or table, but found integer at `include[0]` in {}",
                p.display()
            ),
        ),
        (
            "include = [{ optional = true }]\n",
            format!("missing field `path` at `include[0]` in `{}`", p.display()),
        ),
        (
            "include = [{ path = 'x.toml', optional = 1 }]\n",
            format!(
                "expected a boolean, but found integer at `include[0].optional` in `{}`",
                p.display()
            ),
        ),
        (
            "include = ['inc']\n",
            format!(
                "expected a config include path ending with `.toml`, but found `inc` from `{}`",
                p.display()
            ),
        ),
    ];
    for (contents, expected) in cases {
        tree.write("ws/.cargo/config.toml", contents);
        let err = tree.load(&[], &[]).unwrap_err();
        assert_eq!(
            chain(&err),
            ["could not load Cargo configuration".to_string(), expected]
        );
    }
}

// ---- discovery -------------------------------------------------------------

#[test]
fn extensionless_file_wins_with_warning() {
    let tree = Tree::new();
    let plain = tree.write("ws/b/.cargo/config", "[t]\nx = 'plain'\n");
    let toml = tree.write("ws/b/.cargo/config.toml", "[t]\nx = 'toml'\ny = 'toml'\n");
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(cfg.get_string("t.x").unwrap().unwrap().val, "plain");
    assert_eq!(cfg.get_string("t.y").unwrap(), None);
    assert_eq!(
        cfg.warnings(),
        [format!(
            "both `{}` and `{}` exist. Using `{}`",
            plain.display(),
            toml.display(),
            plain.display()
        )]
    );
    std::fs::remove_file(&toml).unwrap();
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(cfg.warnings().len(), 1);
    assert!(cfg.warnings()[0].starts_with(&format!(
        "`{}` is deprecated in favor of `config.toml`",
        plain.display()
    )));
}

#[test]
fn cargo_home_read_once_and_defaults_to_dot_cargo() {
    let tree = Tree::new();
    tree.write("ws/.cargo/config.toml", "[t]\nl = ['a']\n");
    // CARGO_HOME is one of the walked directories: read only once.
    let env = Env::new(tree.cwd(), [("CARGO_HOME", tree.path("ws/.cargo"))]);
    let cfg = Config::load(&env, &[]).unwrap();
    assert_eq!(cfg.get_string_list("t.l").unwrap().unwrap().val, ["a"]);
    assert_eq!(cfg.cargo_home(), tree.path("ws/.cargo"));
    // Without CARGO_HOME, ~/.cargo.
    tree.write("userhome/.cargo/config.toml", "[t]\nu = 'user'\n");
    let env = Env::new(tree.cwd(), [("HOME", tree.path("userhome"))]);
    let cfg = Config::load(&env, &[]).unwrap();
    assert_eq!(cfg.cargo_home(), tree.path("userhome/.cargo"));
    assert_eq!(cfg.get_string("t.u").unwrap().unwrap().val, "user");
    // Neither: cargo's error.
    let err = Config::load(&Env::new(tree.cwd(), Vec::<(String, String)>::new()), &[]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Cargo couldn't find your home directory.")
    );
}

// ---- paths -----------------------------------------------------------------

#[test]
fn relative_paths_resolve_per_definition() {
    let tree = Tree::new();
    tree.write(
        "ws/b/.cargo/config.toml",
        "[build]\ntarget-dir = 'out'\nrustc = 'bin/rustc'\nrustdoc = 'rustdoc'\n",
    );
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(
        cfg.get_path("build.target-dir").unwrap().unwrap().val,
        tree.path("ws/b/out")
    );
    assert_eq!(
        cfg.get_program("build.rustc").unwrap().unwrap().val,
        tree.path("ws/b/bin/rustc")
    );
    assert_eq!(
        cfg.get_program("build.rustdoc").unwrap().unwrap().val,
        PathBuf::from("rustdoc")
    );

    let cfg = tree
        .load(&[("CARGO_BUILD_TARGET_DIR", "envout")], &[])
        .unwrap();
    assert_eq!(
        cfg.get_path("build.target-dir").unwrap().unwrap().val,
        tree.cwd().join("envout")
    );

    let cfg = tree.load(&[], &["build.target-dir = 'cliout'"]).unwrap();
    assert_eq!(
        cfg.get_path("build.target-dir").unwrap().unwrap().val,
        tree.cwd().join("cliout")
    );

    // A --config file resolves against its grandparent, as cargo does.
    let file = tree.write(
        "ws/b/c/conf/dir/c.toml",
        "[build]\ntarget-dir = 'fileout'\n",
    );
    let cfg = tree.load(&[], &["conf/dir/c.toml"]).unwrap();
    let v = cfg.get_path("build.target-dir").unwrap().unwrap();
    assert_eq!(v.definition, Definition::Cli(Some(file)));
    assert_eq!(v.val, tree.path("ws/b/c/conf/fileout"));

    let abs = tree.path("elsewhere");
    let cfg = tree
        .load(&[], &[&format!("build.target-dir = '{}'", abs.display())])
        .unwrap();
    assert_eq!(cfg.get_path("build.target-dir").unwrap().unwrap().val, abs);
}

#[test]
fn cargo_target_dir_beats_everything() {
    let tree = Tree::new();
    let cfg = tree
        .load(
            &[("CARGO_TARGET_DIR", "t1"), ("CARGO_BUILD_TARGET_DIR", "t2")],
            &["build.target-dir = 't3'"],
        )
        .unwrap();
    let v = cfg.get_path("build.target-dir").unwrap().unwrap();
    assert_eq!(v.val, tree.cwd().join("t1"));
    assert_eq!(
        v.definition,
        Definition::Environment("CARGO_TARGET_DIR".into())
    );

    let cfg = tree.load(&[("CARGO_TARGET_DIR", "")], &[]).unwrap();
    assert_eq!(
        cfg.get_path("build.target-dir").unwrap_err().to_string(),
        "the target directory is set to an empty string in the `CARGO_TARGET_DIR` environment variable"
    );
    let p = tree.write("ws/.cargo/config.toml", "[build]\ntarget-dir = ''\n");
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(
        cfg.get_path("build.target-dir").unwrap_err().to_string(),
        format!(
            "the target directory is set to an empty string in {}",
            p.display()
        )
    );
}

// ---- aliases ---------------------------------------------------------------

#[test]
fn alias_string_and_array_forms() {
    let tree = Tree::new();
    tree.write(
        "ws/.cargo/config.toml",
        "[alias]\nb2 = 'build  --release'\narr = ['check', '--all']\nup = 'from-a'\n",
    );
    tree.write(
        "ws/b/.cargo/config.toml",
        "[alias]\narr = ['--quiet']\nup = 'from-b'\n",
    );
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(
        cfg.get_alias("b2").unwrap().unwrap(),
        ["build", "--release"]
    );
    // Arrays from two files concatenate, the deeper file's items last.
    assert_eq!(
        cfg.get_alias("arr").unwrap().unwrap(),
        ["check", "--all", "--quiet"]
    );
    assert_eq!(cfg.get_alias("up").unwrap().unwrap(), ["from-b"]);
    assert_eq!(cfg.get_alias("nope").unwrap(), None);
    assert_eq!(
        cfg.aliases().unwrap(),
        [
            (
                "arr".to_string(),
                vec!["check".to_string(), "--all".into(), "--quiet".into()]
            ),
            (
                "b2".to_string(),
                vec!["build".to_string(), "--release".into()]
            ),
            ("up".to_string(), vec!["from-b".to_string()]),
        ]
    );
    assert_eq!(cfg.table_keys("alias").unwrap(), ["arr", "b2", "up"]);
}

#[test]
fn alias_from_environment() {
    let tree = Tree::new();
    tree.write(
        "ws/.cargo/config.toml",
        "[alias]\ns = 'file'\nl = ['file']\n",
    );
    let cfg = tree
        .load(
            &[
                ("CARGO_ALIAS_FOO_BAR", "build -v"),
                ("CARGO_ALIAS_S", "env s"),
                ("CARGO_ALIAS_L", "env"),
            ],
            &[],
        )
        .unwrap();
    // Both spellings of a dashed name map to the same variable.
    assert_eq!(cfg.get_alias("foo-bar").unwrap().unwrap(), ["build", "-v"]);
    assert_eq!(cfg.get_alias("foo_bar").unwrap().unwrap(), ["build", "-v"]);
    assert_eq!(cfg.get_alias("s").unwrap().unwrap(), ["env", "s"]);
    assert_eq!(cfg.get_alias("l").unwrap().unwrap(), ["file", "env"]);
    // Listing shows only aliases defined in config (as `cargo --list` does).
    let names: Vec<String> = cfg.aliases().unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["l", "s"]);
    // --config beats the environment for a string alias.
    let cfg = tree
        .load(&[("CARGO_ALIAS_S", "env")], &["alias.s = 'cli'"])
        .unwrap();
    assert_eq!(cfg.get_alias("s").unwrap().unwrap(), ["cli"]);
}

#[test]
fn alias_of_wrong_type_is_cargos_error() {
    let tree = Tree::new();
    let p = tree.write("ws/.cargo/config.toml", "[alias]\nz = 5\n");
    let cfg = tree.load(&[], &[]).unwrap();
    assert_eq!(
        cfg.get_alias("z").unwrap_err().to_string(),
        format!(
            "invalid configuration for key `alias.z`\nexpected a list, but found a integer for `alias.z` in {}",
            p.display()
        )
    );
    assert!(cfg.aliases().is_err());
}

// ---- [env] -----------------------------------------------------------------

#[test]
fn env_table_values_force_and_relative() {
    let tree = Tree::new();
    tree.write(
        "ws/b/.cargo/config.toml",
        "[env]\nPLAIN = 'v'\nFORCED = { value = 'f', force = true }\nREL = { value = 'data/x', relative = true }\nNOTREL = { value = 'data/y', relative = false }\n",
    );
    tree.write(
        "ws/.cargo/config.toml",
        "[env]\nPLAIN = 'shadowed'\nUPPER = 'u'\n",
    );
    let cfg = tree.load(&[], &[]).unwrap();
    let e = |name: &str, value: &str, force: bool| EnvConfigValue {
        name: name.into(),
        value: value.into(),
        force,
    };
    assert_eq!(
        cfg.env_config().unwrap(),
        [
            e("FORCED", "f", true),
            e("NOTREL", "data/y", false),
            e("PLAIN", "v", false),
            e(
                "REL",
                &tree.path("ws/b/data/x").display().to_string(),
                false
            ),
            e("UPPER", "u", false),
        ]
    );
    // From --config, relative is against the cwd.
    let cfg = tree.load(&[], &["env.CLI = { value = 'd', relative = true }"]);
    assert!(
        cfg.is_err(),
        "inline tables are rejected on the command line"
    );
    let cfg = tree
        .load(&[], &["env.CLI.value = 'd'", "env.CLI.relative = true"])
        .unwrap();
    let cli = cfg
        .env_config()
        .unwrap()
        .into_iter()
        .find(|v| v.name == "CLI")
        .unwrap();
    assert_eq!(cli.value, tree.cwd().join("d").display().to_string());
}

#[test]
fn env_table_rejects_cargo_home_and_rustup_vars() {
    let tree = Tree::new();
    for var in ["CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"] {
        tree.write(
            "ws/.cargo/config.toml",
            &format!("[env]\n{var} = 'x'\nOK = 'y'\n"),
        );
        let err = tree.load(&[], &[]).unwrap().env_config().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "setting the `{var}` environment variable is not supported in the `[env]` configuration table"
            )
        );
    }
}

#[test]
fn env_table_type_errors_name_file_and_key() {
    let tree = Tree::new();
    let p = tree.path("ws/.cargo/config.toml");
    let ctx = format!(
        "error in {}: could not load config key `env.A`",
        p.display()
    );
    let cases = [
        (
            "A = 1",
            "invalid type: integer `1`, expected a string or map".to_string(),
        ),
        (
            "A = ['x']",
            "invalid type: sequence, expected a string or map".to_string(),
        ),
        ("A = { force = true }", "missing field `value`".to_string()),
        (
            "A = { value = 'x', force = 'y' }",
            format!(
                "error in {}: `env.A.force` expected true/false, but found a string",
                p.display()
            ),
        ),
        (
            "A = { value = 1 }",
            format!(
                "error in {}: `env.A.value` expected a string, but found a integer",
                p.display()
            ),
        ),
    ];
    for (body, inner) in cases {
        tree.write("ws/.cargo/config.toml", &format!("[env]\n{body}\n"));
        let err = tree.load(&[], &[]).unwrap().env_config().unwrap_err();
        assert_eq!(chain(&err), [ctx.clone(), ctx.clone(), inner]);
    }
}

// ---- errors ----------------------------------------------------------------

#[test]
fn parse_error_names_file_line_and_column() {
    let tree = Tree::new();
    let p = tree.write("ws/b/.cargo/config.toml", "[build]\njobs = \n");
    let err = tree.load(&[], &[]).unwrap_err();
    let c = chain(&err);
    assert_eq!(c[0], "could not load Cargo configuration");
    assert_eq!(
        c[1],
        format!("could not parse TOML configuration in `{}`", p.display())
    );
    // cargo's layout for config files: the TOML parser's own.
    assert_eq!(
        c[2],
        "TOML parse error at line 2, column 8\n  |\n2 | jobs = \n  |        ^\nstring values must be quoted, expected literal string"
    );
}

#[test]
fn unsupported_types_name_the_key() {
    let tree = Tree::new();
    let p = tree.write("ws/.cargo/config.toml", "[build]\nx = 1.5\n");
    let err = tree.load(&[], &[]).unwrap_err();
    assert_eq!(
        chain(&err),
        [
            "could not load Cargo configuration".to_string(),
            format!("failed to load TOML configuration from `{}`", p.display()),
            "failed to parse config at `build.x`".to_string(),
            "unsupported TOML configuration type `float`".to_string(),
        ]
    );
}

#[test]
fn typed_getters_name_file_and_key() {
    let tree = Tree::new();
    let p = tree.write(
        "ws/.cargo/config.toml",
        "[build]\njobs = 'x'\ntarget-dir = 5\nincremental = 'yes'\n",
    );
    let cfg = tree.load(&[], &[]).unwrap();
    let d = p.display();
    assert_eq!(
        cfg.get_i64("build.jobs").unwrap_err().to_string(),
        format!("error in {d}: `build.jobs` expected an integer, but found a string")
    );
    assert_eq!(
        cfg.get_string("build.target-dir").unwrap_err().to_string(),
        format!("error in {d}: `build.target-dir` expected a string, but found a integer")
    );
    assert_eq!(
        cfg.get_bool("build.incremental").unwrap_err().to_string(),
        format!("error in {d}: `build.incremental` expected true/false, but found a string")
    );
    assert_eq!(
        cfg.get_string_list("build.jobs").unwrap().unwrap().val,
        ["x"],
        "a string is a valid string list"
    );
    assert_eq!(
        cfg.get_string_list("build.target-dir")
            .unwrap_err()
            .to_string(),
        format!(
            "invalid configuration for key `build.target-dir`\nexpected a string or array of strings, but found a integer for `build.target-dir` in {d}"
        )
    );
    assert_eq!(
        cfg.get_string("build.jobs.deeper").unwrap_err().to_string(),
        format!("expected table for configuration key `build.jobs`, but found string in {d}")
    );
    assert_eq!(
        cfg.table_keys("build.jobs").unwrap_err().to_string(),
        format!(
            "invalid configuration for key `build.jobs`\nexpected a table, but found a string for `build.jobs` in {d}"
        )
    );
    assert_eq!(
        cfg.table_keys("build").unwrap(),
        ["incremental", "jobs", "target-dir"]
    );
    assert_eq!(cfg.table_keys("nope").unwrap(), Vec::<String>::new());
}

#[test]
fn env_parse_errors_name_the_variable() {
    let tree = Tree::new();
    let cfg = tree
        .load(
            &[
                ("CARGO_BUILD_INCREMENTAL", "maybe"),
                ("CARGO_BUILD_JOBS", "many"),
            ],
            &[],
        )
        .unwrap();
    assert_eq!(
        cfg.get_bool("build.incremental").unwrap_err().to_string(),
        "error in environment variable `CARGO_BUILD_INCREMENTAL`: provided string was not `true` or `false`"
    );
    assert_eq!(
        cfg.get_i64("build.jobs").unwrap_err().to_string(),
        "error in environment variable `CARGO_BUILD_JOBS`: invalid digit found in string"
    );
}

#[test]
fn merge_type_mismatch_names_both_files() {
    let tree = Tree::new();
    let deep = tree.write("ws/b/.cargo/config.toml", "[alias]\nx = ['version']\n");
    let up = tree.write("ws/.cargo/config.toml", "[alias]\nx = 'version'\n");
    let err = tree.load(&[], &[]).unwrap_err();
    let (d, u) = (deep.display(), up.display());
    assert_eq!(
        chain(&err),
        [
            "could not load Cargo configuration".to_string(),
            format!("failed to merge configuration at `{u}`"),
            format!("failed to merge key `alias` between {d} and {u}"),
            format!("failed to merge key `x` between {d} and {u}"),
            format!(
                "failed to merge config value from `{u}` into `{d}`: expected array, but found string"
            ),
        ]
    );
}

#[test]
fn cli_arg_errors_and_files() {
    let tree = Tree::new();
    let err = tree.load(&[], &["foo"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to parse value from --config argument `foo` as a dotted key expression"
    );
    let err = tree.load(&[], &["missing.toml"]).unwrap_err();
    assert!(err.to_string().contains("--config argument `missing.toml`"));

    let err = tree.load(&[], &["a = { b = 1 }"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--config argument `a = { b = 1 }` sets a value to an inline table, which is not accepted"
    );

    // A --config value that conflicts in type with a file.
    let p = tree.write("ws/.cargo/config.toml", "[t]\nl = ['x']\n");
    let err = tree.load(&[], &["t.l = 'y'"]).unwrap_err();
    assert_eq!(
        chain(&err).last().unwrap(),
        &format!(
            "failed to merge config value from `--config cli option` into `{}`: expected array, but found string",
            p.display()
        )
    );

    // A broken --config file.
    let f = tree.write("ws/b/c/bad.toml", "x = \n");
    let err = tree.load(&[], &["bad.toml"]).unwrap_err();
    let c = chain(&err);
    assert_eq!(
        c[0],
        format!("failed to load config from `{}`", f.display())
    );
    assert_eq!(
        c[1],
        format!("could not parse TOML configuration in `{}`", f.display())
    );

    // A --config file with an include, relative to that file.
    tree.write(
        "ws/b/c/cfgs/main.toml",
        "include = ['extra.toml']\n[t]\nm = 'main'\n",
    );
    let extra = tree.write("ws/b/c/cfgs/extra.toml", "[t]\ne = 'extra'\nm = 'extra'\n");
    let cfg = tree.load(&[], &["cfgs/main.toml"]).unwrap();
    assert_eq!(cfg.get_string("t.m").unwrap().unwrap().val, "main");
    let e = cfg.get_string("t.e").unwrap().unwrap();
    assert_eq!(e.definition, Definition::Cli(Some(extra)));
}

#[test]
fn cli_file_and_values_merge_in_order() {
    let tree = Tree::new();
    tree.write("ws/b/c/one.toml", "[t]\ns = 'one'\nl = ['one']\n");
    let cfg = tree
        .load(&[], &["t.s = 'before'", "t.l = ['v']", "one.toml"])
        .unwrap();
    assert_eq!(cfg.get_string("t.s").unwrap().unwrap().val, "one");
    assert_eq!(
        cfg.get_string_list("t.l").unwrap().unwrap().val,
        ["v", "one"]
    );
    let cfg = tree.load(&[], &["one.toml", "t.s = 'after'"]).unwrap();
    assert_eq!(cfg.get_string("t.s").unwrap().unwrap().val, "after");
}

#[test]
fn file_value_of_wrong_type_errors_even_if_env_is_set() {
    // Cargo type-checks the stored value before looking at the override.
    let tree = Tree::new();
    tree.write("ws/.cargo/config.toml", "[build]\njobs = 'x'\n");
    let cfg = tree.load(&[("CARGO_BUILD_JOBS", "2")], &[]).unwrap();
    assert!(cfg.get_i64("build.jobs").is_err());
}
