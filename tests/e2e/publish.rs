//! The registry web API commands against the local test registry (with its
//! web API on): `publish` to an alternate registry, a dependent that builds
//! from it, `yank` and `--undo`, `owner`, `search`, `login`/`logout`; the
//! same publish with the installed cargo leaves the same index entry and
//! metadata; bad tokens, duplicate versions and dropped connections fail
//! clearly, publish nothing, and never show the token.

use mycargo_test_support::registry::{Fault, Registry, WebApi, append_config};
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
