//! `remove` against the installed cargo on manifests written by hand:
//! comments, odd spacing, inline and dotted tables, target tables,
//! features and workspace inheritance. Both tools must leave the same
//! bytes in every manifest and in `Cargo.lock`, and print the same lines.

use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{Project, Tool};

use super::twin::{order_free, registry_twins};

fn registry() -> Registry {
    let reg = Registry::new();
    for name in ["serde", "regex", "toml", "semver", "libc", "winapi"] {
        Package::new(name, "1.0.0")
            .feature("std", &[])
            .publish(&reg);
    }
    reg
}

fn files(p: &Project, paths: &[&str]) -> Vec<String> {
    paths
        .iter()
        .map(|f| std::fs::read_to_string(p.root().join(f)).unwrap_or_default())
        .collect()
}

/// Run `args` with both tools on twin projects made of `files`, and
/// compare output, exit code, the manifests named in `check` and the lock.
fn same_edit(reg: &Registry, files_in: &[(&str, &str)], args: &str, check: &[&str]) -> String {
    let (m, c) = registry_twins(reg, files_in);
    let mo = m.tool(Tool::Mycargo, args).with_any_status().run();
    let co = c.tool(Tool::Cargo, args).with_any_status().run();
    // The twins live in `m` and `c`.
    let twin = |s: String| {
        s.replace("[ROOT]/m", "[ROOT]/P")
            .replace("[ROOT]/c", "[ROOT]/P")
    };
    assert_eq!(
        twin(order_free(&mo.stderr_redacted())),
        twin(order_free(&co.stderr_as_mycargo())),
        "stderr of `{args}`"
    );
    assert_eq!(mo.code(), co.code(), "exit code of `{args}`");
    let mut check = check.to_vec();
    check.push("Cargo.lock");
    assert_eq!(files(&m, &check), files(&c, &check), "files after `{args}`");
    files(&m, &check).remove(0)
}

const PKG: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

fn manifest(rest: &str) -> String {
    format!("{PKG}{rest}")
}

fn remove_case(rest: &str, args: &str) -> String {
    let reg = registry();
    let m = manifest(rest);
    same_edit(
        &reg,
        &[("Cargo.toml", &m), ("src/lib.rs", "")],
        args,
        &["Cargo.toml"],
    )
}

#[test]
fn remove_keeps_comments_and_spacing() {
    let out = remove_case(
        "\n# Runtime deps\n[dependencies]\n  serde   =   \"1\"   # the serde\n# regex is next\nregex = { version = \"1\",  features = [\"std\"] }\ntoml=\"1\"\n",
        "remove regex",
    );
    assert!(out.contains("  serde   =   \"1\"   # the serde\n"), "{out}");
    assert!(!out.contains("regex"), "{out}");
}

#[test]
fn remove_from_dotted_and_inline_forms() {
    remove_case(
        "\n[dependencies.serde]\nversion = \"1\"\nfeatures = [\"std\"]\n\n[dependencies]\nregex = \"1\"\n",
        "remove serde",
    );
    remove_case(
        "\ndependencies = { serde = \"1\", regex = \"1\" }\n",
        "remove serde",
    );
}

#[test]
fn remove_last_dependency_drops_the_table() {
    remove_case(
        "\n[dependencies]\nserde = \"1\"\n\n[features]\n",
        "remove serde",
    );
}

#[test]
fn remove_from_dev_build_and_target_tables() {
    let rest = "\n[dev-dependencies]\nregex = \"1\"\n\n[build-dependencies]\ntoml = \"1\" # build\n\n[target.'cfg(unix)'.dependencies]\nlibc = \"1\"\n\n[target.\"cfg(windows)\".dependencies]\nwinapi = \"1\"\n";
    remove_case(rest, "remove --dev regex");
    remove_case(rest, "remove --build toml");
    remove_case(rest, "remove --target cfg(unix) libc");
    // Wrong section: cargo's help names the right flags.
    remove_case(rest, "remove libc");
    remove_case(rest, "remove regx --dev");
}

#[test]
fn remove_cleans_features() {
    remove_case(
        "\n[dependencies]\nserde = { version = \"1\", optional = true }\nregex = \"1\"\n\n[features]\n# all of it\ndefault = [\"ser\", \"regex/std\"]\nstd = [\n    \"serde/std\",   # serde's std\n    \"regex/std\",\n]\nser = [\"dep:serde\"]\n",
        "remove serde",
    );
    // Still required elsewhere: `dep?/feat` becomes `dep/feat`.
    remove_case(
        "\n[dependencies]\nserde = { version = \"1\", optional = true }\n\n[build-dependencies]\nserde = \"1\"\n\n[features]\nstd = [\"serde?/std\"]\n",
        "remove serde",
    );
}

#[test]
fn remove_several_with_dry_run() {
    remove_case(
        "\n[dependencies]\nserde = \"1\"\nregex = \"1\"\ntoml = \"1\"\n",
        "remove serde toml",
    );
    remove_case(
        "\n[dependencies]\nserde = \"1\"\nregex = \"1\"\n",
        "remove serde --dry-run",
    );
}

#[test]
fn remove_garbage_collects_the_workspace() {
    let reg = registry();
    let root = "[workspace]\nmembers = [\"a\", \"b\"]\n\n[workspace.dependencies]\nserde = \"1\" # shared\nregex = { version = \"1\" }\n\n[profile.release.package.regex]\nopt-level = 1\n\n[profile.release.package.serde]\nopt-level = 2\n";
    let a = "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde.workspace = true\nregex = { workspace = true }\n";
    let b = "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = { workspace = true, features = [\"std\"] }\n";
    let files_in = [
        ("Cargo.toml", root),
        ("a/Cargo.toml", a),
        ("a/src/lib.rs", ""),
        ("b/Cargo.toml", b),
        ("b/src/lib.rs", ""),
    ];
    let check = ["Cargo.toml", "a/Cargo.toml", "b/Cargo.toml"];
    let out = same_edit(&reg, &files_in, "remove -p a regex", &check);
    assert!(!out.contains("regex"), "{out}");
    assert!(out.contains("serde = \"1\" # shared"), "{out}");
    // Still used by `b`: kept.
    same_edit(&reg, &files_in, "remove -p a serde", &check);
    // No package selected in a virtual workspace.
    same_edit(&reg, &files_in, "remove serde", &check);
    same_edit(&reg, &files_in, "remove -p nope serde", &check);
}

/// A registry with releases, features and a `rust-version` to choose by.
fn add_registry() -> Registry {
    let reg = registry();
    for v in ["0.9.0", "1.2.0", "2.0.0-alpha.1"] {
        Package::new("pick", v).publish(&reg);
    }
    Package::new("newrust", "1.0.0").publish(&reg);
    Package::new("newrust", "1.1.0")
        .rust_version("1.9999")
        .publish(&reg);
    Package::new("feat", "1.0.0")
        .feature("default", &["a"])
        .feature("a", &[])
        .feature("b", &["a"])
        .feature("c", &[])
        .publish(&reg);
    Package::new("under_score", "1.0.0").publish(&reg);
    reg
}

fn add_case(rest: &str, args: &str) -> String {
    let reg = add_registry();
    let m = manifest(rest);
    same_edit(
        &reg,
        &[("Cargo.toml", &m), ("src/lib.rs", "")],
        args,
        &["Cargo.toml"],
    )
}

#[test]
fn add_keeps_comments_and_sorted_order() {
    let out = add_case(
        "\n# deps, sorted\n[dependencies]\nregex = \"1\"   # regex\ntoml = { version = \"1\" }\n",
        "add serde",
    );
    assert!(
        out.contains("regex = \"1\"   # regex\nserde = \"1.0.0\"\n"),
        "{out}"
    );
    // Not sorted: appended.
    add_case(
        "\n[dependencies]\ntoml = \"1\"\nregex = \"1\" # last\n",
        "add serde",
    );
}

#[test]
fn add_chooses_versions_as_cargo() {
    // The newest stable release, an explicit requirement, a rust-version.
    add_case("", "add pick");
    add_case("", "add pick@0.9");
    add_case("", "add newrust");
    add_case("rust-version = \"1.70\"\n", "add newrust");
    add_case("", "add newrust --ignore-rust-version");
    add_case("", "add under-score");
    add_case("", "add nosuchcrate");
}

#[test]
fn add_features_flags_and_sections() {
    add_case("", "add feat --features b,c");
    add_case("", "add feat --no-default-features -F c");
    add_case("", "add feat --optional --rename f2");
    add_case("", "add regex toml --dev");
    add_case("", "add serde --build");
    add_case("", "add libc --target cfg(unix)");
    add_case("", "add feat -F nope");
    add_case("", "add serde --dry-run");
}

#[test]
fn add_merges_into_existing_entries() {
    add_case(
        "\n[dependencies]\nfeat = { version = \"1\", features = [\"a\"] }  # keep me\n",
        "add feat -F c",
    );
    add_case(
        "\n[dependencies.feat]\nversion = \"1\"\noptional = true\n\n[features]\nx = [\"feat/c\"]\n",
        "add feat --no-optional",
    );
    add_case("\n[dependencies]\nserde = \"1\"\n", "add serde --optional");
}

#[test]
fn add_path_and_workspace_dependencies() {
    let reg = add_registry();
    let root = "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n[workspace.dependencies]\nserde = { version = \"1\", features = [\"std\"] }\n";
    let a = "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    let b = "[package]\nname = \"b\"\nversion = \"0.3.0\"\nedition = \"2021\"\n";
    let files_in = [
        ("Cargo.toml", root),
        ("a/Cargo.toml", a),
        ("a/src/lib.rs", ""),
        ("b/Cargo.toml", b),
        ("b/src/lib.rs", ""),
    ];
    let check = ["Cargo.toml", "a/Cargo.toml", "b/Cargo.toml"];
    let out = same_edit(&reg, &files_in, "add -p a serde", &check);
    assert!(out.contains("[workspace.dependencies]"), "{out}");
    same_edit(&reg, &files_in, "add -p a b", &check);
    same_edit(&reg, &files_in, "add -p a --path b", &check);
    same_edit(&reg, &files_in, "add -p a --dev b", &check);
    same_edit(&reg, &files_in, "add serde", &check);
}

/// `add --path P --base B`: the path written relative to the base's
/// directory (`base = "B"`), an existing entry's base kept for another
/// table; a base configured nowhere, or a member without the
/// `path-bases` feature, refused as cargo refuses them.
#[test]
fn add_with_path_bases_like_cargo() {
    let reg = registry();
    let member = |features: &str| {
        format!("{features}[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    };
    let nightly = ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly");
    for (features, args) in [
        (
            "cargo-features = [\"path-bases\"]\n\n",
            "add --path ../libs/dep --base libs",
        ),
        (
            "cargo-features = [\"path-bases\"]\n\n",
            "add --path ../libs/dep --base nope",
        ),
        ("", "add --path ../libs/dep --base libs"),
    ] {
        let (m, c) = registry_twins(
            &reg,
            &[
                ("app/Cargo.toml", &member(features)),
                ("app/src/lib.rs", ""),
                (
                    "app/.cargo/config.toml",
                    "[path-bases]\nlibs = \"../libs\"\n",
                ),
                (
                    "libs/dep/Cargo.toml",
                    "[package]\nname = \"dep\"\nversion = \"0.2.0\"\nedition = \"2021\"\n",
                ),
                ("libs/dep/src/lib.rs", ""),
            ],
        );
        let run = |p: &Project, tool: Tool, args: &str| {
            let mut e = p
                .tool(tool, args)
                .env(nightly.0, nightly.1)
                .with_any_status();
            e = e.cwd(p.root().join("app"));
            e.run()
        };
        let mo = run(&m, Tool::Mycargo, args);
        let co = run(&c, Tool::Cargo, args);
        assert_eq!(mo.code(), co.code(), "`{args}`\n{}", mo.describe());
        let twin = |s: String| {
            s.replace("[ROOT]/m", "[ROOT]/P")
                .replace("[ROOT]/c", "[ROOT]/P")
        };
        assert_eq!(
            twin(mo.stderr_redacted()),
            twin(co.stderr_as_mycargo()),
            "`{args}`"
        );
        let written = files(&m, &["app/Cargo.toml"]);
        assert_eq!(written, files(&c, &["app/Cargo.toml"]), "`{args}`");
        if mo.code() == Some(0) {
            assert!(
                written[0]
                    .contains("dep = { version = \"0.2.0\", base = \"libs\", path = \"dep\" }"),
                "{}",
                written[0]
            );
            // The entry's base carries over to another table.
            let mo = run(&m, Tool::Mycargo, "add dep --dev");
            let co = run(&c, Tool::Cargo, "add dep --dev");
            assert_eq!(mo.code(), co.code());
            assert_eq!(
                files(&m, &["app/Cargo.toml"]),
                files(&c, &["app/Cargo.toml"])
            );
        }
    }
}
