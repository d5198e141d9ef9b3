//! `update`: differential tests against the installed cargo.

use mycargo_test_support::project;
use mycargo_test_support::registry::{Package, Registry};

#[test]
#[ignore]
fn explore_update() {
    let reg = Registry::new();
    Package::new("leaf", "1.0.0").publish(&reg);
    Package::new("leaf", "2.0.0").publish(&reg);
    Package::new("mid", "0.3.0").dep("leaf", "1").publish(&reg);
    Package::new("other", "1.0.0").publish(&reg);
    let (_m, c) = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nmid = \"0.3\"\nother = \"1\"\nleaf = \"1\"\n",
        )
        .file("src/lib.rs", "")
        .build_twins();
    reg.configure_home(c.test_root());
    let show = |args: &str| {
        let o = c.cargo(args).with_any_status().run();
        eprintln!("=== cargo {args} [{:?}]\n{}", o.code(), o.stderr_redacted());
    };
    show("generate-lockfile");
    Package::new("leaf", "1.0.1").publish(&reg);
    Package::new("leaf", "1.1.0-alpha.1").publish(&reg);
    Package::new("leaf", "1.0.2").yanked().publish(&reg);
    Package::new("mid", "0.3.1")
        .dep("leaf", "1.0.1")
        .publish(&reg);
    Package::new("other", "1.0.1").publish(&reg);
    Package::new("other", "3.0.0").publish(&reg);
    for a in [
        "update --dry-run",
        "update -p mid --dry-run",
        "update mid --recursive --dry-run",
        "update -p leaf --precise 1.0.2 --dry-run",
        "update -p leaf --precise 2.0.0 --dry-run",
        "update -p leaf --precise 1.1.0-alpha.1 --dry-run",
        "update -p leaf --precise 1.0.9 --dry-run",
        "update -p leaf --precise xyz --dry-run",
        "update -p leaf --precise 1.0.0 --dry-run",
        "update -p lea --dry-run",
        "update -p leaf@3 --dry-run",
        "update --locked",
        "update -w",
        "update -p other",
        "update other",
        "update -v",
        "update",
        "update",
        "update -p leaf --precise 1.0.0",
        "update -p leaf@1.0.0 --precise 1.0.1",
    ] {
        show(a);
    }
}
