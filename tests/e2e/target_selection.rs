//! Target-selection flags of `build`, `check`, `rustc` and `rustdoc`
//! against the installed cargo: the same rustc invocations (crate, crate
//! type, `--test` or not, what is emitted, profile flags, externs), so
//! integration tests build with their harness and `check --tests` checks
//! the lib and bins as tests too.

use mycargo_test_support::{Output, Project, ProjectBuilder, project};

/// A package `foo` with a lib (whose `#[cfg(test)]` code uses the
/// dev-dependency `helper` and has dead code), a bin, an integration test,
/// a bench and an example.
fn fixture() -> ProjectBuilder {
    project()
        .file(
            "Cargo.toml",
            r#"[package]
name = "foo"
version = "0.1.0"
edition = "2021"

[workspace]

[dev-dependencies]
helper = { path = "helper" }
"#,
        )
        .file(
            "src/lib.rs",
            r#"pub fn add(a: u32, b: u32) -> u32 { a + b }

#[cfg(test)]
mod tests {
    fn only_in_tests() {}

    #[test]
    fn adds() { assert_eq!(super::add(2, 3), helper::five()); }
}
"#,
        )
        .file(
            "src/main.rs",
            "fn main() { println!(\"{}\", foo::add(1, 2)); }\n#[test]\nfn bin_t() {}\n",
        )
        .file(
            "tests/it.rs",
            "#[test]\nfn it() { assert_eq!(foo::add(1, 1), 2); }\n",
        )
        .file("benches/be.rs", "#[test]\nfn be() {}\n")
        .file("examples/ex.rs", "fn main() { foo::add(0, 0); }\n")
        .file(
            "helper/Cargo.toml",
            "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("helper/src/lib.rs", "pub fn five() -> u32 { 5 }\n")
}

/// The rustc (and rustdoc) invocations of a verbose run, each reduced to
/// what selects the unit: crate name, crate types, `--test`, `--emit`,
/// profile flags and the names of its externs. Sorted: jobs run in any
/// order.
fn units(out: &Output) -> Vec<String> {
    let mut v: Vec<String> = out
        .stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("Running `"))
        .filter_map(unit_of)
        .collect();
    v.sort();
    v
}

fn unit_of(cmd: &str) -> Option<String> {
    let words: Vec<&str> = cmd.trim_end_matches('`').split(' ').collect();
    let tool = words.first()?.rsplit('/').next()?;
    if tool != "rustc" && tool != "rustdoc" {
        return None;
    }
    let mut keep = vec![tool.to_string()];
    for pair in words.windows(2) {
        let (flag, value) = (pair[0], pair[1]);
        match flag {
            "--crate-name" | "--crate-type" => keep.push(format!("{flag} {value}")),
            "--extern" => keep.push(format!("--extern {}", value.split('=').next()?)),
            "-C" if ["opt-level", "debuginfo", "panic", "strip", "lto"]
                .iter()
                .any(|k| value.starts_with(k)) =>
            {
                keep.push(format!("-C {value}"))
            }
            _ if flag == "--test" || flag.starts_with("--emit") => keep.push(flag.to_string()),
            _ => {}
        }
    }
    Some(keep.join(" "))
}

/// `args` run by both tools (verbose, in a fresh target directory each):
/// the same units, the same exit code. Returns both outputs.
#[track_caller]
fn same_units(m: &Project, c: &Project, args: &str) -> (Output, Output) {
    let dir = format!("target-{}", args.replace([' ', '-', '='], "_"));
    let mo = m
        .mycargo(&format!("{args} -v"))
        .env("CARGO_TARGET_DIR", m.root().join(&dir))
        .with_any_status()
        .run();
    let co = c
        .cargo(&format!("{args} -v"))
        .env("CARGO_TARGET_DIR", c.root().join(&dir))
        .with_any_status()
        .run();
    assert_eq!(
        units(&mo),
        units(&co),
        "units of `{args}`\n{}",
        mo.describe()
    );
    assert_eq!(mo.code(), co.code(), "exit code of `{args}`");
    (mo, co)
}

/// Whether a unit of crate `name` was compiled with `--test`.
fn has_test_unit(out: &Output, name: &str) -> bool {
    units(out)
        .iter()
        .any(|u| u.contains(&format!("--crate-name {name} ")) && u.contains(" --test"))
}

#[test]
fn target_flags_give_cargos_units() {
    let (m, c) = fixture().build_twins();
    for args in [
        "build --tests",
        "build --all-targets",
        "build --test it",
        "build --benches",
        "build --bench be",
        "build --examples",
        "build --lib --bins",
        "check --all-targets",
        "check --tests",
        "check --benches",
        "check --test it",
        "check --profile test",
        "build --release --all-targets",
        "rustc --test it",
        "rustc --profile check --tests",
        "rustdoc --tests",
        "rustdoc --all-targets",
    ] {
        let (mo, co) = same_units(&m, &c, args);
        assert_eq!(co.code(), Some(0), "cargo {args}\n{}", co.describe());
        // The comparison means something: the test targets were built as
        // tests.
        if args.contains("test") && !args.starts_with("rustdoc") {
            assert!(
                has_test_unit(&mo, "it") || has_test_unit(&mo, "foo"),
                "{args}"
            );
        }
    }
}

#[test]
fn check_all_targets_warns_about_test_only_code_like_cargo() {
    let (m, c) = fixture().build_twins();
    for args in ["check --all-targets", "check --tests", "build --tests"] {
        let mo = m.mycargo(args).run();
        let co = c.cargo(args).run();
        let warnings = |out: &Output| -> Vec<String> {
            let mut v: Vec<String> = out
                .stderr_as_mycargo()
                .lines()
                .filter(|l| l.starts_with("warning"))
                .map(str::to_string)
                .collect();
            v.sort();
            v
        };
        assert_eq!(warnings(&mo), warnings(&co), "{args}\n{}", mo.describe());
        for line in [
            "warning: function `only_in_tests` is never used",
            "warning: `foo` (lib test) generated 1 warning",
        ] {
            assert!(
                warnings(&mo).iter().any(|w| w == line),
                "{args}: {line:?} missing\n{}",
                mo.stderr
            );
        }
    }
}

/// A workspace whose dev profile aborts on panic: an app (lib, bin,
/// integration test) using a proc macro `mac` (with a dependency of its
/// own and a dev-dependency) and `sys`, whose build script links a native
/// library.
fn abort_workspace() -> ProjectBuilder {
    let manifest = |name: &str, extra: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}")
    };
    project()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\", \"mac\", \"mdep\", \"helper\", \"sys\"]\nresolver = \"2\"\n\n[profile.dev]\npanic = \"abort\"\n",
        )
        .file(
            "app/Cargo.toml",
            manifest(
                "app",
                "\n[dependencies]\nmac = { path = \"../mac\" }\nsys = { path = \"../sys\" }\n\n[dev-dependencies]\nhelper = { path = \"../helper\" }\n",
            ),
        )
        .file(
            "app/src/lib.rs",
            "pub fn v() -> u32 { mac::answer!() + sys::s() }\n#[cfg(test)]\nmod t {\n    #[test]\n    fn x() { assert_eq!(helper::two(), 2); }\n}\n",
        )
        .file("app/src/main.rs", "fn main() { println!(\"{}\", app::v()); }\n")
        .file("app/tests/it.rs", "#[test]\nfn it() { assert_eq!(app::v(), 43); }\n")
        .file(
            "mac/Cargo.toml",
            manifest(
                "mac",
                "\n[lib]\nproc-macro = true\n\n[dependencies]\nmdep = { path = \"../mdep\" }\n\n[dev-dependencies]\nhelper = { path = \"../helper\" }\n",
            ),
        )
        .file(
            "mac/src/lib.rs",
            "use proc_macro::TokenStream;\n#[proc_macro]\npub fn answer(_: TokenStream) -> TokenStream { mdep::text().parse().unwrap() }\n",
        )
        .file("mdep/Cargo.toml", manifest("mdep", ""))
        .file("mdep/src/lib.rs", "pub fn text() -> &'static str { \"42\" }\n")
        .file("helper/Cargo.toml", manifest("helper", ""))
        .file("helper/src/lib.rs", "pub fn two() -> u32 { 2 }\n")
        .file("sys/Cargo.toml", manifest("sys", "links = \"m\"\n"))
        .file(
            "sys/build.rs",
            "fn main() { println!(\"cargo::rustc-link-lib=m\"); }\n",
        )
        .file("sys/src/lib.rs", "pub fn s() -> u32 { 1 }\n")
}

/// Tests and what they link unwind whatever the profile says, proc macros
/// too; a build script's `-l` goes to the lib; a proc macro's
/// dependencies are checked when it is.
#[test]
fn test_units_unwind_and_link_flags_like_cargo() {
    let (m, c) = abort_workspace().build_twins();
    for args in [
        "build --workspace",
        "build --tests --workspace",
        "build --all-targets --workspace",
        "check --all-targets --workspace",
        "check --workspace",
        "check -p mac",
        "doc --workspace",
        "test --workspace --no-run",
    ] {
        let (_, co) = same_units(&m, &c, args);
        assert_eq!(co.code(), Some(0), "cargo {args}\n{}", co.describe());
    }
    let (mo, _) = crate::test_cmd::same(&m, &c, "test --workspace", &[]);
    assert_eq!(mo.code(), Some(0), "{}", mo.describe());
}
