//! The registry web API commands against the local test registry (with its
//! web API on): `publish` to an alternate registry, a dependent that builds
//! from it, `yank` and `--undo`, `owner`, `search`, `login`/`logout`; the
//! same publish with the installed cargo leaves the same index entry and
//! metadata; bad tokens, duplicate versions and dropped connections fail
//! clearly, publish nothing, and never show the token.

use mycargo_test_support::registry::{Fault, Package, Registry, WebApi, append_config};
use mycargo_test_support::{Output, Project, Tool, project};

const TOKEN: &str = "tok-S3CRET-publish-9f2c";

fn foo_project() -> Project {
    project()
        .file(
            "Cargo.toml",
            r#"
[package]
name = "foo"
version = "0.1.0"
edition = "2021"
description = "A foo for tests"
license = "MIT"
keywords = ["test"]

[features]
default = ["std"]
std = []
"#,
        )
        .file("src/lib.rs", "pub fn foo() -> u32 { 42 }\n")
        .build()
}

fn registry() -> (Registry, WebApi) {
    let reg = Registry::new();
    let api = reg.serve_api(TOKEN);
    (reg, api)
}

fn no_token_in(out: &Output) {
    assert!(
        !out.stdout.contains(TOKEN) && !out.stderr.contains(TOKEN),
        "the token leaked:\n{}\n{}",
        out.stdout,
        out.stderr
    );
}

/// The index file without `pubtime` values.
fn index_sans_pubtime(reg: &Registry, name: &str) -> String {
    let text = reg.index_file(name).unwrap_or_default();
    text.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("pubtime");
            v.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn publish_build_yank_owner_search() {
    let (reg, api) = registry();
    let p = foo_project();
    reg.configure_home_alt(p.test_root(), "alt");

    let out = p
        .mycargo("publish --registry alt -vv")
        .arg("--token")
        .arg(TOKEN)
        .run();
    no_token_in(&out);
    let err = out.stderr_redacted();
    for line in [
        "    Updating `alt` index\n",
        "   Packaging foo v0.1.0 (",
        "   Verifying foo v0.1.0 (",
        "   Uploading foo v0.1.0 (",
        "    Uploaded foo v0.1.0 to registry `alt`\n",
        "note: waiting for foo v0.1.0 to be available at registry `alt`\n",
        "   Published foo v0.1.0 at registry `alt`\n",
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    assert_eq!(api.publishes().len(), 1);
    assert_eq!(api.owners("foo"), vec!["alice".to_string()]);
    let index = reg.index_file("foo").unwrap();
    assert!(index.contains(r#""name":"foo","vers":"0.1.0""#), "{index}");
    assert!(index.contains(r#""yanked":false"#), "{index}");
    // The upload sent the token as a raw Authorization header.
    let put = reg
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT" && r.path == "/api/v1/crates/new")
        .unwrap();
    assert_eq!(put.header("authorization"), Some(TOKEN));
    // The index was not sent the token: it does not ask for one.
    assert!(
        reg.requests()
            .iter()
            .filter(|r| r.path.starts_with("/index/"))
            .all(|r| r.header("authorization").is_none())
    );

    // A dependent builds from the registry (mycargo reads alternate
    // registries' dependencies only through crates.io replacement yet).
    reg.configure_home(p.test_root());
    let dep = project()
        .in_root(p.test_root())
        .at("dep")
        .file(
            "Cargo.toml",
            r#"
[package]
name = "dep"
version = "0.1.0"
edition = "2021"

[dependencies]
foo = "0.1"
"#,
        )
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", foo::foo()); }\n",
        )
        .build();
    dep.mycargo("build").run();
    let lock = dep.read_file("Cargo.lock");
    assert!(lock.contains("name = \"foo\""), "{lock}");

    // Yank (name@version form); the index entry flips.
    let out = p
        .mycargo("yank foo@0.1.0 --registry alt")
        .arg("--token")
        .arg(TOKEN)
        .with_stderr_contains("        Yank foo@0.1.0")
        .run();
    no_token_in(&out);
    assert!(reg.index_file("foo").unwrap().contains(r#""yanked":true"#));
    // The locked project still builds; a fresh resolution refuses it.
    dep.mycargo("build").run();
    std::fs::remove_file(dep.root().join("Cargo.lock")).unwrap();
    let out = dep.mycargo("generate-lockfile").with_status(101).run();
    assert!(out.stderr.contains("foo"), "{}", out.stderr);

    // Undo (the --version form).
    p.mycargo("yank --version 0.1.0 --undo --registry alt")
        .arg("--token")
        .arg(TOKEN)
        .with_stderr_contains("      Unyank foo@0.1.0")
        .run();
    assert!(reg.index_file("foo").unwrap().contains(r#""yanked":false"#));
    dep.mycargo("generate-lockfile").run();

    // Owners, with the token saved by `login` (read from stdin).
    let out = p
        .mycargo("login --registry alt")
        .stdin(format!("{TOKEN}\n"))
        .with_stderr_contains("       Login token for `alt` saved")
        .run();
    no_token_in(&out);
    let creds = p
        .test_root()
        .cargo_home(Tool::Mycargo)
        .join("credentials.toml");
    assert_eq!(
        std::fs::read_to_string(&creds).unwrap(),
        format!("[registries.alt]\ntoken = \"{TOKEN}\"\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&creds).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    p.mycargo("owner --add bob --registry alt")
        .with_stderr_contains("       Owner user bob has been invited to be an owner of crate foo")
        .run();
    assert_eq!(api.owners("foo"), vec!["alice".to_string(), "bob".into()]);
    p.mycargo("owner --list foo --registry alt")
        .with_stdout_data("alice\nbob\n")
        .run();
    p.mycargo("owner --remove bob foo --registry alt").run();
    assert_eq!(api.owners("foo"), vec!["alice".to_string()]);
    // An unknown user: the registry's error, even with a 200 status.
    p.mycargo("owner --add nobody foo --registry alt")
        .with_status(101)
        .with_stderr_contains(
            "the remote server responded with an error: could not find user with login `nobody`",
        )
        .run();

    // Search.
    p.mycargo("search fo --registry alt")
        .with_stdout_data("foo = \"0.1.0\"    # A foo for tests\n")
        .run();
    p.mycargo("search nothing-like-it --registry alt")
        .with_stdout_data("")
        .run();

    // Logout removes the token; then there is none.
    p.mycargo("logout --registry alt")
        .with_stderr_contains("      Logout token for `alt` has been removed from local storage")
        .run();
    assert_eq!(
        std::fs::read_to_string(&creds).unwrap(),
        "[registries.alt]\n"
    );
    p.mycargo("yank foo@0.1.0 --registry alt")
        .with_status(101)
        .with_stderr_contains("no token found for `alt`, please run `mycargo login --registry alt`\nor use environment variable CARGO_REGISTRIES_ALT_TOKEN")
        .run();
    // The environment variable works.
    p.mycargo("owner --list foo --registry alt")
        .env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN)
        .with_stdout_data("alice\n")
        .run();
}

#[test]
fn same_index_entry_and_metadata_as_cargo() {
    let (reg_m, api_m) = registry();
    let (reg_c, api_c) = registry();
    let p = project()
        .file(
            "Cargo.toml",
            r#"
[package]
name = "twin"
version = "1.2.3"
edition = "2021"
description = "twin"
license = "MIT OR Apache-2.0"
authors = ["A <a@example.com>"]
repository = "https://example.invalid/twin"
readme = "README.md"
rust-version = "1.70"
links = "twinlib"
build = "build.rs"
keywords = ["a", "b"]
categories = ["development-tools"]
homepage = "https://example.invalid/home"
documentation = "https://example.invalid/docs"

[features]
default = ["x"]
x = []
y = ["x"]
"#,
        )
        .file("README.md", "# twin\n")
        .file("build.rs", "fn main() {}\n")
        .file("src/lib.rs", "")
        .separate_homes()
        .build();
    // Each tool publishes to its own server, named `alt` in its own home.
    let root = p.test_root();
    for (reg, tool) in [(&reg_m, Tool::Mycargo), (&reg_c, Tool::Cargo)] {
        append_config(
            &root.cargo_home(tool).join("config.toml"),
            &reg.alt_registry_toml("alt"),
        );
        p.tool(tool, "publish --registry alt --no-verify --allow-dirty")
            .arg("--token")
            .arg(TOKEN)
            .run();
    }
    let (m, c) = (api_m.publishes(), api_c.publishes());
    assert_eq!(m.len(), 1);
    assert_eq!(c.len(), 1);
    assert_eq!(m[0].json, c[0].json, "publish metadata differs");
    assert_eq!(
        index_sans_pubtime(&reg_m, "twin"),
        index_sans_pubtime(&reg_c, "twin")
    );
}

#[test]
fn bad_inputs_fail_clearly() {
    let (reg, api) = registry();
    let p = foo_project();
    reg.configure_home_alt(p.test_root(), "alt");

    // No token at all.
    p.mycargo("publish --registry alt --no-verify")
        .with_status(101)
        .with_stderr_contains(
            "error: no token found for `alt`, please run `mycargo login --registry alt`",
        )
        .run();
    // A wrong token: the registry's 403, in cargo's words.
    let wrong = "tok-WRONG-7777";
    let out = p
        .mycargo("publish --registry alt --no-verify -vv")
        .arg("--token")
        .arg(wrong)
        .with_status(101)
        .with_stderr_contains("failed to publish foo v0.1.0 to registry at http://")
        .with_stderr_contains(
            "the remote server responded with an error (status 403 Forbidden): authentication failed",
        )
        .run();
    assert!(!out.stderr.contains(wrong) && !out.stdout.contains(wrong));
    // A dropped connection.
    reg.fault("/api/v1/crates/new", Fault::Close);
    let out = p
        .mycargo("publish --registry alt --no-verify")
        .arg("--token")
        .arg(TOKEN)
        .with_status(101)
        .with_stderr_contains("failed to publish foo v0.1.0 to registry at http://")
        .run();
    no_token_in(&out);
    assert!(api.publishes().is_empty());
    assert!(reg.index_file("foo").is_none(), "half-published");

    // Published once; the second time the version exists.
    p.mycargo("publish --registry alt --no-verify")
        .arg("--token")
        .arg(TOKEN)
        .run();
    let out = p
        .mycargo("publish --registry alt --no-verify")
        .arg("--token")
        .arg(TOKEN)
        .with_status(101)
        .with_stderr_contains("error: crate foo@0.1.0 already exists on `alt` index")
        .run();
    no_token_in(&out);
    assert_eq!(reg.index_file("foo").unwrap().lines().count(), 1);

    // `--dry-run` needs no token and uploads nothing.
    p.change_file(
        "Cargo.toml",
        p.read_file("Cargo.toml").replace("0.1.0", "0.2.0"),
    );
    p.mycargo("publish --registry alt --dry-run --no-verify")
        .with_stderr_contains("warning: aborting upload due to dry run")
        .run();
    assert_eq!(api.publishes().len(), 1);
}

#[test]
fn publish_field_rules() {
    let (reg, _api) = registry();
    let p = project()
        .file(
            "Cargo.toml",
            r#"
[package]
name = "foo"
version = "0.1.0"
edition = "2021"
publish = false
"#,
        )
        .file("src/lib.rs", "")
        .build();
    reg.configure_home_alt(p.test_root(), "alt");
    for tool in [Tool::Mycargo, Tool::Cargo] {
        p.tool(tool, "publish --registry alt --token x")
            .with_status(101)
            .with_stderr_contains("`foo` cannot be published.\n`package.publish` must be set to `true` or a non-empty list in Cargo.toml to publish.")
            .run();
    }
    p.change_file(
        "Cargo.toml",
        "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"other\"]\n",
    );
    for tool in [Tool::Mycargo, Tool::Cargo] {
        p.tool(tool, "publish --registry alt --token x")
            .with_status(101)
            .with_stderr_contains("`foo` cannot be published.\nThe registry `alt` is not listed in the `package.publish` value in Cargo.toml.")
            .run();
    }
}

#[test]
fn api_commands_print_what_cargo_prints() {
    let (reg, _api) = registry();
    let p = foo_project();
    reg.configure_home_alt(p.test_root(), "alt");
    p.mycargo("publish --registry alt --no-verify")
        .env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN)
        .run();
    for cmd in [
        "yank foo@0.1.0 --registry alt",
        "yank --version 0.1.0 --undo --registry alt",
        "owner --add bob --registry alt",
        "owner --list --registry alt",
        "owner --remove bob --registry alt",
        "owner --add nobody --registry alt",
        "search fo --registry alt",
        "search fo --registry alt --limit 0",
        "search zzz --registry alt",
        "publish --registry alt --no-verify",
    ] {
        let run = |tool| {
            let out = p
                .tool(tool, cmd)
                .env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN)
                .with_any_status()
                .run();
            no_token_in(&out);
            (out.code(), out.stdout_as_mycargo(), out.stderr_as_mycargo())
        };
        assert_eq!(run(Tool::Mycargo), run(Tool::Cargo), "`{cmd}`");
    }
}

/// bar 1.0.0 and 1.1.0, baz 0.5.0 on bar, in `reg`.
fn seed(reg: &Registry) {
    for v in ["1.0.0", "1.1.0"] {
        Package::new("bar", v)
            .file("src/lib.rs", "pub fn f() {}\n")
            .publish(reg);
    }
    Package::new("baz", "0.5.0")
        .dep("bar", "1.0")
        .file("src/lib.rs", "pub fn g() { bar::f() }\n")
        .publish(reg);
}

/// A workspace published to `alt`: `a` on `b` (path and version), `c`
/// alone, `x` not publishable.
fn alt_workspace() -> mycargo_test_support::ProjectBuilder {
    let member = |name: &str, version: &str, deps: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\ndescription = \"{name}\"\nlicense = \"MIT\"\npublish = [\"alt\"]\n\n[dependencies]\n{deps}"
        )
    };
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\", \"c\", \"x\"]\nresolver = \"2\"\n",
        )
        .file(
            "a/Cargo.toml",
            member(
                "a",
                "0.1.0",
                "b = { path = \"../b\", version = \"0.2\", registry = \"alt\" }\nbar = { version = \"1\", registry = \"alt\" }\n",
            ),
        )
        .file("a/src/lib.rs", "pub fn a() { b::b(); bar::f() }\n")
        .file(
            "b/Cargo.toml",
            member("b", "0.2.0", "baz = { version = \"0.5\", registry = \"alt\" }\n"),
        )
        .file("b/src/lib.rs", "pub fn b() { baz::g() }\n")
        .file("c/Cargo.toml", member("c", "0.3.0", ""))
        .file("c/src/lib.rs", "")
        .file(
            "x/Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"0.0.1\"\nedition = \"2021\"\npublish = false\n",
        )
        .file("x/src/lib.rs", "")
}

/// The files of a `.crate`, with `url` (a registry's address) made
/// `[REG]`.
fn crate_contents(bytes: &[u8], url: &str) -> std::collections::BTreeMap<String, String> {
    use std::io::Read as _;
    let mut out = std::collections::BTreeMap::new();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut s = String::new();
        e.read_to_string(&mut s).unwrap();
        // Checksums of packages that name the registry differ too.
        let s: Vec<String> = s
            .replace(url, "[REG]")
            .lines()
            .map(|l| match l.starts_with("checksum = ") {
                true => "checksum = [SUM]".to_string(),
                false => l.to_string(),
            })
            .collect();
        out.insert(path, s.join("\n"));
    }
    out
}

/// The index file of `name` without `pubtime` and `cksum`.
fn index_sans_times_and_sums(reg: &Registry, name: &str) -> String {
    let text = reg.index_file(name).unwrap_or_default();
    text.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            o.remove("pubtime");
            o.remove("cksum");
            v.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn publish_workspace_in_dependency_order() {
    let (reg_m, api_m) = registry();
    let (reg_c, api_c) = registry();
    let (m, c) = alt_workspace().build_twins();
    for (reg, p) in [(&reg_m, &m), (&reg_c, &c)] {
        seed(reg);
        reg.configure_home_alt(p.test_root(), "alt");
    }
    let run = |p: &Project, tool| {
        p.tool(tool, "publish --workspace")
            .env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN)
            .with_any_status()
            .run()
    };
    let mo = run(&m, Tool::Mycargo);
    let co = run(&c, Tool::Cargo);
    no_token_in(&mo);
    assert_eq!(
        (mo.code(), sorted_downloads(&mo)),
        (co.code(), sorted_downloads(&co)),
        "{}\n{}",
        mo.describe(),
        co.describe()
    );
    // The registries got the same packages, in the same order.
    let names = |api: &WebApi| -> Vec<String> {
        api.publishes()
            .iter()
            .map(|p| {
                let v: serde_json::Value = serde_json::from_str(&p.json).unwrap();
                format!("{} {}", v["name"], v["vers"])
            })
            .collect()
    };
    assert_eq!(names(&api_m), names(&api_c));
    assert_eq!(names(&api_m).len(), 3);
    for name in ["a", "b", "c", "x"] {
        assert_eq!(
            index_sans_times_and_sums(&reg_m, name),
            index_sans_times_and_sums(&reg_c, name),
            "{name}"
        );
    }
    for (pm, pc) in api_m.publishes().iter().zip(api_c.publishes()) {
        assert_eq!(
            pm.json.replace(&reg_m.index_url(), "[REG]"),
            pc.json.replace(&reg_c.index_url(), "[REG]")
        );
        assert_eq!(
            crate_contents(&pm.crate_bytes, &reg_m.index_url()),
            crate_contents(&pc.crate_bytes, &reg_c.index_url())
        );
    }
    // `a` was locked against `b` as uploaded.
    for reg in [&reg_m, &reg_c] {
        let b = reg.crate_file("b", "0.2.0").unwrap();
        let a = reg.crate_file("a", "0.1.0").unwrap();
        let text = {
            use std::io::Read as _;
            let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&a[..]));
            let mut text = String::new();
            for e in ar.entries().unwrap() {
                let mut e = e.unwrap();
                if e.path().unwrap().ends_with("Cargo.lock") {
                    e.read_to_string(&mut text).unwrap();
                }
            }
            text
        };
        let sum = mycargo_test_support::registry::sha256_hex(&b);
        assert!(text.contains(&format!("checksum = \"{sum}\"")), "{text}");
    }
}

/// Redacted stderr with each run of `Downloaded` lines sorted (parallel
/// downloads finish in any order) and the sizes of `Packaged` lines left
/// out (the registry's address, in the packages, differs in length).
fn sorted_downloads(out: &Output) -> String {
    let text = out.stderr_as_mycargo();
    let mut lines: Vec<&str> = text
        .lines()
        .map(|l| match l.split_once(" files, ") {
            Some((head, _)) if l.starts_with("    Packaged ") => head,
            _ => l,
        })
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..]
            .iter()
            .take_while(|l| l.trim_start().starts_with("Downloaded "))
            .count();
        lines[i..i + run].sort();
        i += run.max(1);
    }
    lines.join("\n")
}

#[test]
fn refused_publishes_print_what_cargo_prints() {
    let (reg, api) = registry();
    let p = foo_project();
    reg.configure_home_alt(p.test_root(), "alt");
    let same = |cmd: &str, token: Option<&str>| {
        let run = |tool| {
            let mut e = p.tool(tool, cmd).with_status(101);
            if let Some(t) = token {
                e = e.env("CARGO_REGISTRIES_ALT_TOKEN", t);
            }
            let out = e.run();
            no_token_in(&out);
            out
        };
        let (mo, co) = (run(Tool::Mycargo), run(Tool::Cargo));
        mycargo_test_support::compare::assert_same_output(&mo, &co);
        mo.stderr_redacted()
    };
    let cmd = "publish --registry alt --no-verify";

    // No token, and a token the registry does not know.
    let err = same(cmd, None);
    assert!(err.contains("error: no token found for `alt`"), "{err}");
    let err = same(cmd, Some("tok-WRONG-7777"));
    assert!(
        err.contains("(status 403 Forbidden): authentication failed"),
        "{err}"
    );

    // The name belongs to someone else.
    Package::new("foo", "0.0.1").publish(&reg);
    api.set_owners("foo", &["bob"]);
    let err = same(cmd, Some(TOKEN));
    assert!(
        err.contains(
            "(status 403 Forbidden): this crate exists but you don't seem to be an owner."
        ),
        "{err}"
    );

    // The version is on the registry already.
    api.set_owners("foo", &["alice"]);
    Package::new("foo", "0.1.0").publish(&reg);
    let err = same(cmd, Some(TOKEN));
    assert!(
        err.contains("error: crate foo@0.1.0 already exists on `alt` index"),
        "{err}"
    );

    // Too large for the registry.
    p.change_file(
        "Cargo.toml",
        p.read_file("Cargo.toml").replace("0.1.0", "0.2.0"),
    );
    api.set_max_upload_size(64);
    let err = same(cmd, Some(TOKEN));
    assert!(
        err.contains("(status 413 Payload Too Large): max upload size is: 64"),
        "{err}"
    );
    assert!(api.publishes().is_empty());
    assert!(!reg.index_file("foo").unwrap().contains("0.2.0"));

    // A dry run only warns about a version the registry has.
    p.change_file(
        "Cargo.toml",
        p.read_file("Cargo.toml").replace("0.2.0", "0.1.0"),
    );
    for tool in [Tool::Mycargo, Tool::Cargo] {
        p.tool(tool, "publish --registry alt --no-verify --dry-run")
            .with_stderr_contains("warning: crate foo@0.1.0 already exists on `alt` index")
            .with_stderr_contains("warning: aborting upload due to dry run")
            .run();
    }
}

#[test]
fn publish_selected_packages_dry_run_and_refusal() {
    let (reg_m, api_m) = registry();
    let (reg_c, api_c) = registry();
    let (m, c) = alt_workspace().build_twins();
    for (reg, p) in [(&reg_m, &m), (&reg_c, &c)] {
        seed(reg);
        reg.configure_home_alt(p.test_root(), "alt");
        // `a` exists already, and belongs to someone else.
        Package::new("a", "0.0.1").publish(reg);
    }
    api_m.set_owners("a", &["bob"]);
    api_c.set_owners("a", &["bob"]);
    let same = |cmd: &str| {
        let run = |p: &Project, tool| {
            p.tool(tool, cmd)
                .env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN)
                .with_any_status()
                .run()
        };
        let (mo, co) = (run(&m, Tool::Mycargo), run(&c, Tool::Cargo));
        no_token_in(&mo);
        assert_eq!(
            (
                mo.code(),
                sorted_downloads(&mo).replace(&reg_m.base_url(), "[REG]")
            ),
            (
                co.code(),
                sorted_downloads(&co).replace(&reg_c.base_url(), "[REG]")
            ),
            "{}\n{}",
            mo.describe(),
            co.describe()
        );
        mo
    };
    // A package that cannot be published, named.
    let out = same("publish -p x -p c --dry-run");
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr.contains("`x` cannot be published."),
        "{}",
        out.stderr
    );
    // A dry run packages and verifies both, and uploads nothing.
    let out = same("publish -p a -p b --dry-run --no-verify");
    assert_eq!(out.code(), Some(0));
    assert_eq!(
        out.stderr.matches("aborting upload due to dry run").count(),
        2
    );
    assert!(api_m.publishes().is_empty() && api_c.publishes().is_empty());
    // `b` goes first; then `a` is refused.
    let out = same("publish -p a -p b --no-verify");
    assert_eq!(out.code(), Some(101));
    assert!(
        out.stderr
            .contains("   Published b v0.2.0 at registry `alt`"),
        "{}",
        out.stderr
    );
    assert_eq!(api_m.publishes().len(), 1);
    assert_eq!(api_c.publishes().len(), 1);
    assert_eq!(
        index_sans_times_and_sums(&reg_m, "b"),
        index_sans_times_and_sums(&reg_c, "b")
    );
}

#[test]
fn credential_providers_as_cargo() {
    let (reg, api) = registry();
    let p = foo_project();
    reg.configure_home_alt(p.test_root(), "alt");
    // A command that prints the token, and notes how it was called.
    let script = p.test_root().join("print-token.sh");
    let seen = p.test_root().join("seen.txt");
    mycargo_test_support::write_executable(
        &script,
        &format!(
            "#!/bin/sh\necho \"$CARGO_REGISTRY_NAME_OPT $CARGO_REGISTRY_INDEX_URL $1\" >> {}\necho {TOKEN}\n",
            seen.display()
        ),
    );
    let fails = p.test_root().join("fails.sh");
    mycargo_test_support::write_executable(&fails, "#!/bin/sh\necho one\necho two\n");
    let config = |toml: &str| p.change_file(".cargo/config.toml", toml);
    let stdout_provider = format!(
        "[registries.alt]\ncredential-provider = \"cargo:token-from-stdout {} {{index_url}}\"\n",
        script.display()
    );

    // `cargo:token-from-stdout` gives the token to publish with.
    config(&stdout_provider);
    let out = p
        .mycargo("publish --registry alt --no-verify -v")
        .with_stderr_contains(
            "  Credential cargo:token-from-stdout [ROOT]/print-token.sh {index_url} get alt",
        )
        .run();
    no_token_in(&out);
    assert_eq!(api.publishes().len(), 1);
    let url = reg.index_url();
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        format!("alt {url} {url}\n")
    );

    // Both tools alike, for each configuration.
    let same = |cmd: &str, env_token: bool| {
        let run = |tool| {
            let mut e = p.tool(tool, cmd).with_any_status();
            if env_token {
                e = e.env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN);
            }
            e.run()
        };
        let (mo, co) = (run(Tool::Mycargo), run(Tool::Cargo));
        no_token_in(&mo);
        mycargo_test_support::compare::assert_same_output(&mo, &co);
        mo
    };
    let owners = "owner --list foo --registry alt";
    // The registry's own provider wins over a token in the environment
    // (with cargo's warning).
    let out = same(owners, true);
    assert_eq!(out.stdout, "alice\n");
    assert!(out.stderr.contains("warning: registry `alt` has a token configured in environment variable `CARGO_REGISTRIES_ALT_TOKEN` that will be ignored because this registry is configured to use credential-provider `cargo:token-from-stdout`"), "{}", out.stderr);
    // `cargo:token` as the default, named, or as one of the global ones.
    for toml in [
        "",
        "[registry]\nglobal-credential-providers = [\"cargo:token\"]\n",
        "[registries.alt]\ncredential-provider = \"cargo:token\"\n",
        "[registry]\nglobal-credential-providers = [\"cargo:token\", \"cargo:libsecret\"]\n[registries.alt]\ncredential-provider = [\"cargo:token\"]\n",
    ] {
        config(toml);
        let out = same(owners, true);
        assert_eq!(out.stdout, "alice\n", "{toml}");
        let out = same(owners, false);
        assert_eq!(out.code(), Some(101));
        assert!(
            out.stderr
                .contains("please run `cargo login --registry alt`"),
            "{}",
            out.stderr
        );
    }
    // Global providers without `cargo:token`: the token is ignored.
    config(&format!(
        "[registry]\nglobal-credential-providers = [\"cargo:token-from-stdout {}\"]\n",
        script.display()
    ));
    let out = same(owners, true);
    assert_eq!(out.stdout, "alice\n");
    assert!(out.stderr.contains("that will be ignored because the `cargo:token` credential provider is not listed in `registry.global-credential-providers`"), "{}", out.stderr);
    // A provider command that misbehaves.
    config(&format!(
        "[registries.alt]\ncredential-provider = \"cargo:token-from-stdout {}\"\n",
        fails.display()
    ));
    let out = same(owners, false);
    assert!(
        out.stderr
            .contains("returned more than one line of output; expected a single token"),
        "{}",
        out.stderr
    );
    // Only `cargo:token` logs in and out.
    config(&stdout_provider);
    let out = same("logout --registry alt", false);
    assert!(
        out.stderr
            .contains("failed action `logout`\n\nCaused by:\n  requested operation not supported"),
        "{}",
        out.stderr
    );

    // Other providers run as cargo runs them: a program that is not
    // there fails to spawn, with cargo's words.
    config("[registry]\nglobal-credential-providers = [\"my-keyring --flag\"]\n");
    let out = same(owners, false);
    assert!(
        out.stderr.contains("failed to spawn credential process"),
        "{}",
        out.stderr
    );
}

#[test]
fn api_redirects_are_refused_as_cargo_refuses_them() {
    let (reg, api) = registry();
    let p = foo_project();
    reg.configure_home_alt(p.test_root(), "alt");
    p.mycargo("publish --registry alt --no-verify")
        .env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN)
        .run();
    let moved = |to: &str| Fault::Custom {
        status: 302,
        headers: vec![("Location".to_string(), format!("{}{to}", reg.base_url()))],
        body: Vec::new(),
    };
    // Each call is sent elsewhere, to an answer that would do.
    let routes = [
        ("/api/v1/crates/new", "/api/v1/crates/foo/owners"),
        ("/api/v1/crates/foo/0.1.0/yank", "/api/v1/crates/foo/owners"),
        (
            "/api/v1/crates/foo/0.1.0/unyank",
            "/api/v1/crates/foo/owners",
        ),
        ("/api/v1/crates/foo/owners", "/api/v1/crates?q=foo"),
        ("/api/v1/crates", "/api/v1/crates/foo/owners"),
    ];
    for (from, to) in routes {
        reg.fault_always(from, moved(to));
    }
    p.change_file(
        "Cargo.toml",
        p.read_file("Cargo.toml").replace("0.1.0", "0.2.0"),
    );
    for cmd in [
        "publish --registry alt --no-verify",
        "yank foo@0.1.0 --registry alt",
        "yank foo@0.1.0 --undo --registry alt",
        "owner --list --registry alt",
        "owner --add bob --registry alt",
        "search foo --registry alt",
    ] {
        let run = |tool| {
            let out = p
                .tool(tool, cmd)
                .env("CARGO_REGISTRIES_ALT_TOKEN", TOKEN)
                .with_any_status()
                .run();
            no_token_in(&out);
            let stderr = out.stderr_as_mycargo();
            assert!(
                stderr.contains("failed to get a 200 OK response, got 302"),
                "`{cmd}`: {stderr}"
            );
            (out.code(), out.stdout_as_mycargo(), stderr)
        };
        let mine = run(Tool::Mycargo);
        assert_eq!(mine, run(Tool::Cargo), "`{cmd}`");
    }
    assert_eq!(api.publishes().len(), 1);
    assert!(!reg.index_file("foo").unwrap().contains("0.2.0"));
}
