//! `install` and `uninstall` against the installed cargo: the same binaries
//! and the same `.crates.toml`/`.crates2.json` bytes for the same steps,
//! from the local sparse registry, a local git repository and a path; each
//! tool reads what the other wrote.

use std::path::{Path, PathBuf};

use mycargo_test_support::registry::{Package, Registry};
use mycargo_test_support::{Project, Tool, git, project};

use super::twin::{order_free, registry_twins};

/// A package with a library and two binaries that print their version.
fn tool_package(vers: &str) -> Package {
    tool_package_alpha(vers).file(
        "src/bin/beta.rs",
        "fn main() { println!(\"beta {}\", tool::v()); }\n",
    )
}

/// [`tool_package`] without the `beta` binary.
fn tool_package_alpha(vers: &str) -> Package {
    Package::new("tool", vers)
        .file(
            "src/lib.rs",
            "pub fn v() -> &'static str { env!(\"CARGO_PKG_VERSION\") }\n",
        )
        .file(
            "src/bin/alpha.rs",
            "fn main() { println!(\"alpha {}\", tool::v()); }\n",
        )
}

fn home(p: &Project, tool: Tool) -> PathBuf {
    p.test_root().cargo_home(tool)
}

/// Both tracking files of an install root.
fn tracking(root: &Path) -> (String, String) {
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap_or_default();
    (read(".crates.toml"), read(".crates2.json"))
}

/// Run `args` with both tools (each in its own home) and check the same
/// exit code, stderr and tracking files.
fn both(m: &Project, c: &Project, args: &str) -> String {
    let mo = m.mycargo(args).with_any_status().run();
    let co = c.cargo(args).with_any_status().run();
    assert_eq!(
        order_free(&mo.stderr_redacted()),
        order_free(&co.stderr_as_mycargo()),
        "stderr of `{args}`"
    );
    assert_eq!(mo.code(), co.code(), "exit code of `{args}`");
    assert_eq!(
        tracking(&home(m, Tool::Mycargo)),
        tracking(&home(c, Tool::Cargo)),
        "tracking files after `{args}`"
    );
    mo.stderr_redacted()
}

fn run_bin(path: &Path) -> String {
    let out = std::process::Command::new(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn registry_install_upgrade_and_uninstall_match_cargo() {
    let reg = Registry::new();
    tool_package("1.0.0").publish(&reg);
    let (m, c) = registry_twins(&reg, &[("Cargo.toml", "[workspace]\n")]);
    let err = both(&m, &c, "install tool");
    assert!(
        err.contains("Installed package `tool v1.0.0` (executables `alpha`, `beta`)"),
        "{err}"
    );
    let bin = home(&m, Tool::Mycargo).join("bin");
    assert_eq!(run_bin(&bin.join("alpha")), "alpha 1.0.0\n");
    let (v1, v2) = tracking(&home(&m, Tool::Mycargo));
    assert_eq!(
        v1,
        "[v1]\n\"tool 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\" = [\n    \"alpha\",\n    \"beta\",\n]\n"
    );
    assert!(
        v2.starts_with("{\"installs\":{\"tool 1.0.0 (registry+"),
        "{v2}"
    );

    // Installed as asked: nothing to do.
    let err = both(&m, &c, "install tool");
    assert!(err.contains("Ignored package `tool v1.0.0` is already installed"));

    // A new release without `beta`: `alpha` replaced, `beta` removed.
    tool_package_alpha("1.1.0").publish(&reg);
    let err = both(&m, &c, "install tool");
    assert!(
        err.contains("Replacing [ROOT]/home/.cargo/bin/alpha"),
        "{err}"
    );
    assert!(err.contains("from previous version tool v1.0.0"), "{err}");
    assert_eq!(run_bin(&bin.join("alpha")), "alpha 1.1.0\n");
    assert!(!bin.join("beta").exists());

    // A debug build of the same version is another install.
    let err = both(&m, &c, "install tool --debug");
    assert!(
        err.contains("Replaced package `tool v1.1.0` with `tool v1.1.0`"),
        "{err}"
    );
    assert!(
        tracking(&home(&m, Tool::Mycargo))
            .1
            .contains("\"profile\":\"dev\"")
    );

    both(&m, &c, "uninstall tool");
    assert!(!bin.join("alpha").exists());
    assert_eq!(tracking(&home(&m, Tool::Mycargo)).0, "[v1]\n");
}

#[test]
fn git_install_tracks_the_commit_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git::repo(dir.path().join("repo"))
        .file(
            "Cargo.toml",
            "[package]\nname = \"gtool\"\nversion = \"0.2.0\"\nedition = \"2021\"\n",
        )
        .file("src/main.rs", "fn main() { println!(\"one\"); }\n")
        .file("src/bin/second.rs", "fn main() {}\n")
        .commit();
    let (m, c) = project().file("src/lib.rs", "").build_twins();
    let args = format!("install --git {}", repo.url());
    both(&m, &c, &args);
    let (v1, _) = tracking(&home(&m, Tool::Mycargo));
    assert!(v1.contains(&repo.head_id()), "{v1}");
    let err = both(&m, &c, &args);
    assert!(
        err.contains("is already installed, use --force to override"),
        "{err}"
    );
    // A new commit is a new install.
    repo.change_file("src/main.rs", "fn main() { println!(\"two\"); }\n");
    repo.commit_all("two");
    let err = both(&m, &c, &args);
    assert!(
        err.contains("Replacing [ROOT]/home/.cargo/bin/gtool"),
        "{err}"
    );
    let bin = home(&m, Tool::Mycargo).join("bin/gtool");
    assert_eq!(run_bin(&bin), "two\n");
    both(&m, &c, "uninstall gtool --bin second");
    both(&m, &c, "uninstall gtool");
}

#[test]
fn path_install_files_are_read_by_cargo_and_back() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"ptool\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/main.rs", "fn main() {}\n")
        .file("src/bin/extra.rs", "fn main() {}\n")
        .file("examples/ex.rs", "fn main() {}\n")
        .build();
    let r1 = p.test_root().join("r1");
    let r2 = p.test_root().join("r2");
    let install = |tool: Tool, root: &Path| {
        p.tool(tool, "install --path . --bins --examples --root")
            .arg(root)
            .run()
    };
    install(Tool::Mycargo, &r1);
    install(Tool::Cargo, &r2);
    assert_eq!(tracking(&r1), tracking(&r2));
    for name in ["ptool", "extra", "ex"] {
        assert!(r1.join("bin").join(name).exists(), "{name}");
    }
    // Each tool lists (and uninstalls from) the root the other wrote.
    let list = |tool: Tool, root: &Path| p.tool(tool, "install --list --root").arg(root).run();
    let from_cargo = list(Tool::Mycargo, &r2).stdout;
    assert_eq!(from_cargo, list(Tool::Cargo, &r1).stdout);
    assert!(from_cargo.starts_with("ptool v0.1.0 ("), "{from_cargo}");
    p.cargo("uninstall ptool --bin ex --root").arg(&r1).run();
    p.mycargo("uninstall ptool --bin ex --root").arg(&r2).run();
    assert_eq!(tracking(&r1), tracking(&r2));
    // A path install always installs again.
    let again = p
        .mycargo("install --path . --root")
        .arg(&r1)
        .run()
        .stderr_redacted();
    assert!(again.contains("Replacing"), "{again}");
}

#[test]
fn a_failed_build_leaves_the_installed_binary_working() {
    let reg = Registry::new();
    tool_package("1.0.0").publish(&reg);
    let (m, _c) = registry_twins(&reg, &[("Cargo.toml", "[workspace]\n")]);
    m.mycargo("install tool").run();
    let before = tracking(&home(&m, Tool::Mycargo));
    Package::new("tool", "2.0.0")
        .file("src/lib.rs", "pub fn v() -> &'static str { not rust }\n")
        .file("src/main.rs", "fn main() {}\n")
        .publish(&reg);
    let out = m.mycargo("install tool").with_status(101).run();
    let err = out.stderr_redacted();
    assert!(
        err.contains("failed to compile `tool v2.0.0`, intermediate artifacts can be found at `"),
        "{err}"
    );
    // The kept directory is named, and is there.
    let kept = err
        .split("found at `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .map(PathBuf::from)
        .unwrap();
    assert!(kept.join("release").is_dir(), "{}", kept.display());
    let _ = std::fs::remove_dir_all(&kept);
    let bin = home(&m, Tool::Mycargo).join("bin/alpha");
    assert_eq!(run_bin(&bin), "alpha 1.0.0\n");
    assert_eq!(tracking(&home(&m, Tool::Mycargo)), before);
}

#[test]
fn conflicts_and_missing_packages_match_cargo() {
    let reg = Registry::new();
    tool_package("1.0.0").publish(&reg);
    Package::new("other", "1.0.0")
        .file("src/bin/alpha.rs", "fn main() {}\n")
        .publish(&reg);
    let (m, c) = registry_twins(&reg, &[("Cargo.toml", "[workspace]\n")]);
    // An untracked file in the way, then another package's binary.
    for p in [(&m, Tool::Mycargo), (&c, Tool::Cargo)] {
        let bin = home(p.0, p.1).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("beta"), "").unwrap();
    }
    let err = both(&m, &c, "install tool");
    assert!(
        err.contains("binary `beta` already exists in destination"),
        "{err}"
    );
    both(&m, &c, "install tool --force");
    let err = both(&m, &c, "install other");
    assert!(err.contains("as part of `tool v1.0.0`"), "{err}");
    both(&m, &c, "install --no-track other --force");
    both(&m, &c, "install nope");
    both(&m, &c, "install tool@9.9.9");
    both(&m, &c, "uninstall nope");
    both(&m, &c, "uninstall tool --bin gamma");
    both(&m, &c, "uninstall tool nope");
    both(&m, &c, "install --list");
}

#[test]
fn locked_install_uses_the_published_lock_and_warns_of_yanked_pins() {
    let reg = Registry::new();
    Package::new("dep", "1.0.0")
        .file("src/lib.rs", "pub fn v() -> u32 { 1 }\n")
        .publish(&reg);
    Package::new("dep", "1.0.1")
        .file("src/lib.rs", "pub fn v() -> u32 { 2 }\n")
        .publish(&reg);
    Package::new("app", "1.0.0")
        .dep("dep", "1")
        .file("src/main.rs", "fn main() { println!(\"{}\", dep::v()); }\n")
        .file(
            "Cargo.lock",
            "[[package]]\nname = \"app\"\nversion = \"1.0.0\"\ndependencies = [\n \"dep 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n\
             [[package]]\nname = \"dep\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
        )
        .publish(&reg);
    reg.yank("dep", "1.0.0");
    let (m, c) = registry_twins(&reg, &[("Cargo.toml", "[workspace]\n")]);
    // cargo resolves twice under `--locked` (once to check for yanked
    // pins), announcing the index a third time; mycargo resolves once.
    let mo = m.mycargo("install app --locked").run();
    let co = c.cargo("install app --locked").run();
    let without_updates = |s: &str| {
        s.lines()
            .filter(|l| !l.trim_start().starts_with("Updating "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let err = mo.stderr_redacted();
    assert_eq!(
        without_updates(&err),
        without_updates(&co.stderr_as_mycargo())
    );
    assert_eq!(
        tracking(&home(&m, Tool::Mycargo)),
        tracking(&home(&c, Tool::Cargo))
    );
    assert!(
        err.contains(
            "package `dep v1.0.0` in Cargo.lock is yanked in registry `crates-io`, consider running without --locked"
        ),
        "{err}"
    );
    let bin = home(&m, Tool::Mycargo).join("bin/app");
    assert_eq!(run_bin(&bin), "1\n");
    // Without `--locked` the lock is not read: the newest `dep`.
    let err = both(&m, &c, "install app --force");
    assert!(!err.contains("yanked"), "{err}");
    assert_eq!(run_bin(&bin), "2\n");
}
