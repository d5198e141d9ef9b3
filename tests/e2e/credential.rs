//! Credential providers: a provider program speaking cargo's JSON
//! protocol, asked by both tools the same way (the request lines are
//! logged and compared), and cargo's built-ins where they fail.

use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{Project, Tool, project};

/// A provider that logs each request and answers with `$TOKEN` (or says
/// it has none when `$TOKEN` is empty).
const PROVIDER: &str = r#"#!/bin/sh
[ "$1" = "--cargo-plugin" ] || { echo "bad argv: $*" >&2; exit 9; }
printf '{"v":[1]}\n'
read -r req
printf '%s\n' "$req" >> "$PROVIDER_LOG"
case "$req" in
  *'"kind":"get"'*)
    if [ -n "$TOKEN" ]; then
      printf '{"Ok":{"kind":"get","token":"%s","cache":"session","operation_independent":true}}\n' "$TOKEN"
    else
      printf '{"Err":{"kind":"not-found"}}\n'
    fi;;
  *'"kind":"login"'*) printf '{"Ok":{"kind":"login"}}\n';;
  *) printf '{"Ok":{"kind":"logout"}}\n';;
esac
"#;

fn write_provider(p: &Project) -> std::path::PathBuf {
    let path = p.root().join("provider.sh");
    mycargo_test_support::write_executable(&path, PROVIDER);
    path
}

struct Twin {
    reg: Registry,
    m: Project,
    c: Project,
}

fn twins(token: &str) -> Twin {
    let reg = Registry::builder().auth_required(token).start();
    Package::new("altdep", "1.0.0")
        .file("src/lib.rs", "pub fn v() -> u32 { 1 }\n")
        .publish(&reg);
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naltdep = { version = \"1\", registry = \"alt\" }\n",
        )
        .file("src/lib.rs", "pub fn f() -> u32 { altdep::v() }\n")
        .build_twins();
    for p in [&m, &c] {
        let provider = write_provider(p);
        p.change_file(
            ".cargo/config.toml",
            format!(
                "[registries.alt]\nindex = \"{}\"\ncredential-provider = [\"{}\", \"--from-config\"]\n",
                reg.index_url(),
                provider.display()
            ),
        );
    }
    Twin { reg, m, c }
}

/// Run `args` with each tool; exit code, stderr and the requests its
/// provider saw (ports and project paths made comparable).
fn run(
    t: &Twin,
    tool: Tool,
    args: &str,
    token: &str,
    stdin: Option<&str>,
) -> (Option<i32>, String, String) {
    let p = match tool {
        Tool::Mycargo => &t.m,
        _ => &t.c,
    };
    let log = p.root().join("requests.log");
    let _ = std::fs::remove_file(&log);
    let mut e = p
        .tool(tool, args)
        .env("PROVIDER_LOG", &log)
        .env("TOKEN", token)
        .with_any_status();
    if let Some(s) = stdin {
        e = e.stdin(s);
    }
    let out = e.run();
    let port = t.reg.addr().port().to_string();
    let root = p.root().display().to_string();
    let clean = |s: &str| s.replace(&port, "[PORT]").replace(&root, "[ROOT]");
    let requests = std::fs::read_to_string(&log).unwrap_or_default();
    (
        out.code(),
        clean(&out.stderr_as_mycargo()),
        clean(&requests),
    )
}

#[test]
fn provider_programs_are_asked_like_cargo_asks_them() {
    let t = twins("sekrit-1");
    // The build reads the index and downloads with the provider's token.
    let mine = run(&t, Tool::Mycargo, "fetch", "sekrit-1", None);
    let theirs = run(&t, Tool::Cargo, "fetch", "sekrit-1", None);
    assert_eq!(mine.0, Some(0), "{}", mine.1);
    assert!(
        mine.2
            .contains(r#""kind":"get","operation":"read","args":["--from-config"]"#),
        "{}",
        mine.2
    );
    assert!(mine.2.contains("WWW-Authenticate"), "{}", mine.2);
    assert_eq!(mine, theirs);
    assert_eq!(t.m.read_file("Cargo.lock"), t.c.read_file("Cargo.lock"));

    // `login` hands the token and the extra arguments to the provider.
    let mine = run(
        &t,
        Tool::Mycargo,
        "login --registry alt -- extra",
        "",
        Some("tok-in\n"),
    );
    let theirs = run(
        &t,
        Tool::Cargo,
        "login --registry alt -- extra",
        "",
        Some("tok-in\n"),
    );
    assert_eq!(mine.0, Some(0), "{}", mine.1);
    assert!(
        mine.2.contains(r#""kind":"login","token":"tok-in""#),
        "{}",
        mine.2
    );
    assert_eq!(mine, theirs);
    let mine = run(&t, Tool::Mycargo, "logout --registry alt", "", None);
    assert_eq!(
        mine,
        run(&t, Tool::Cargo, "logout --registry alt", "", None)
    );
}

#[test]
fn a_provider_without_a_token_gives_cargos_error() {
    let t = twins("sekrit-2");
    let mine = run(&t, Tool::Mycargo, "fetch", "", None);
    let theirs = run(&t, Tool::Cargo, "fetch", "", None);
    assert_eq!(mine.0, Some(101));
    assert!(
        mine.1
            .contains("You may need to log in using this registry's credential provider"),
        "{}",
        mine.1
    );
    assert_eq!(mine, theirs);
}

#[test]
fn unavailable_builtin_providers_fail_like_cargo() {
    let t = twins("sekrit-3");
    for p in [&t.m, &t.c] {
        p.change_file(
            ".cargo/config.toml",
            format!(
                "[registries.alt]\nindex = \"{}\"\ncredential-provider = \"cargo:libsecret\"\n",
                t.reg.index_url()
            ),
        );
    }
    // Where libsecret is installed the secret service answers instead;
    // this machine's case is the one cargo documents for its absence.
    let libsecret = [
        "/usr/lib/x86_64-linux-gnu/libsecret-1.so.0",
        "/usr/lib/libsecret-1.so.0",
    ]
    .iter()
    .any(|p| std::path::Path::new(p).exists());
    if !libsecret {
        let mine = run(&t, Tool::Mycargo, "logout --registry alt", "", None);
        assert!(mine.1.contains("failed to load libsecret"), "{}", mine.1);
        assert_eq!(
            mine,
            run(&t, Tool::Cargo, "logout --registry alt", "", None)
        );
    }
    // `cargo:wincred` does not serve this platform: no provider can.
    for p in [&t.m, &t.c] {
        p.change_file(
            ".cargo/config.toml",
            format!(
                "[registries.alt]\nindex = \"{}\"\ncredential-provider = \"cargo:wincred\"\n",
                t.reg.index_url()
            ),
        );
    }
    let mine = run(&t, Tool::Mycargo, "fetch", "", None);
    assert!(
        mine.1
            .contains("no credential providers could handle the request"),
        "{}",
        mine.1
    );
    assert_eq!(mine, run(&t, Tool::Cargo, "fetch", "", None));
}

/// A registry known only by its URL (`--index`) that wants a token: no
/// other registry's token is sent; cargo's advice to name it instead.
#[test]
fn unnamed_index_gets_no_token_like_cargo() {
    let reg = Registry::builder().auth_required("sekrit").start();
    Package::new("bar", "1.0.0").publish(&reg);
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "")
        .build_twins();
    for (p, tool) in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        let home = p.test_root().cargo_home(tool);
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join("config.toml"),
            "[registry]\nglobal-credential-providers = [\"cargo:token\"]\ntoken = \"sekrit\"\n",
        )
        .unwrap();
    }
    let args = format!("install --index {} bar", reg.index_url());
    let mo = m.mycargo(&args).with_any_status().run();
    let co = c.cargo(&args).with_any_status().run();
    assert_eq!(
        mo.stderr_redacted(),
        co.stderr_as_mycargo(),
        "{}",
        mo.describe()
    );
    assert_eq!(mo.code(), Some(101));
    assert!(
        mo.stderr
            .contains("consider setting up an alternate registry in Cargo's configuration"),
        "{}",
        mo.stderr
    );
}

/// A dependency's `registry` must be a registry name (cargo's error at the
/// dependency), and `--registry` is checked before the manifest is read.
#[test]
fn registry_names_are_checked_like_cargo() {
    let (m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies.bar]\nversion = \"0.1\"\nregistry = \"bad name\"\n",
        )
        .file("src/lib.rs", "")
        .build_twins();
    for args in [
        "build",
        "owner --registry",
        "publish --registry",
        "yank --version 0.1.0 --registry",
    ] {
        let build = |p: &Project, tool: Tool| {
            let mut e = p.tool(tool, args);
            if args != "build" {
                e = e.arg("bad name");
            }
            e.with_any_status().run()
        };
        let mo = build(&m, Tool::Mycargo);
        let co = build(&c, Tool::Cargo);
        assert_eq!(mo.stderr_redacted(), co.stderr_as_mycargo(), "{args}");
        assert_eq!(mo.code(), Some(101), "{args}");
    }
}
