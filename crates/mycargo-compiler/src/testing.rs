//! What `test` and `bench` run once the build is done: the test
//! executables of the root units and one `rustdoc --test` per doc-tested
//! lib, each with the arguments and environment cargo gives them
//! (`cargo_test.rs` and `compilation.rs::fill_env` in cargo). Running them
//! and reporting failures is the command's business.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build_context::{BuildContext, MessageFormat};
use crate::graph::DocTestUnit;
use crate::job_queue::Compilation;
use crate::profile::LtoSetting;
use crate::rustc_cmd::{ScriptEffects, feature_check_cfg, fill_env};
use crate::unit::{CompileKind, CompileMode, Unit};

/// The kind of a tested target, in cargo's sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TestedKind {
    Lib,
    Bin,
    Test,
    Bench,
    Example,
}

/// How the test programs run.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Arguments for every test binary (the filter, then those after `--`;
    /// `bench` adds `--bench`).
    pub test_args: Vec<String>,
    /// `target.<triple>.runner`: the program and its arguments.
    pub runner: Option<Vec<String>>,
    /// `<sysroot>/lib/rustlib/<target>/lib`, for the dynamic-library path.
    pub sysroot_target_libdir: PathBuf,
    /// `--color` for rustdoc: `auto`, `always` or `never`.
    pub color: String,
}

/// A test executable to run.
#[derive(Debug)]
pub struct TestExecutable {
    pub pkg_name: String,
    pub target_name: String,
    pub kind: TestedKind,
    pub harness: bool,
    /// The target's source, relative to its package root (`src/lib.rs`).
    pub src: PathBuf,
    /// The executable.
    pub path: PathBuf,
    /// The command: cwd, environment and arguments set.
    pub command: Command,
}

/// `rustdoc --test` of one lib.
#[derive(Debug)]
pub struct DocTest {
    pub pkg_name: String,
    /// The lib's target name (`Doc-tests <name>`).
    pub target_name: String,
    pub command: Command,
    /// The command as `-v` shows it.
    pub shown: String,
}

/// The test executables of the build's root units, in cargo's order:
/// by package, then lib, bins, tests, benches, examples, then name.
pub fn test_executables(
    bcx: &BuildContext<'_>,
    compilation: &Compilation,
    opts: &TestOptions,
) -> Vec<TestExecutable> {
    let native = native_dirs(compilation);
    let mut out: Vec<(TestKey, TestExecutable)> = compilation
        .executables
        .iter()
        .filter(|(u, _)| u.mode.is_any_test())
        .map(|(unit, path)| {
            let m = bcx.graph.packages[unit.pkg].manifest;
            let t = &m.targets[unit.target];
            let kind = if t.is_lib() {
                TestedKind::Lib
            } else if t.is_bin() {
                TestedKind::Bin
            } else if t.is_test() {
                TestedKind::Test
            } else if t.is_bench() {
                TestedKind::Bench
            } else {
                TestedKind::Example
            };
            let src = t
                .src_path
                .strip_prefix(m.root())
                .unwrap_or(&t.src_path)
                .to_path_buf();
            let mut command = match &opts.runner {
                Some(r) if !r.is_empty() => {
                    let mut c = Command::new(&r[0]);
                    c.args(&r[1..]).arg(path);
                    c
                }
                _ => Command::new(path),
            };
            command.args(&opts.test_args);
            if t.harness && bcx.config.quiet {
                command.arg("--quiet");
            }
            run_env(
                bcx,
                unit,
                compilation,
                &native,
                &opts.sysroot_target_libdir,
                &mut command,
            );
            command.current_dir(bcx.graph.packages[unit.pkg].manifest.root());
            let key = (package_key(m), kind, t.name.clone());
            let exe = TestExecutable {
                pkg_name: m.name().to_string(),
                target_name: t.name.clone(),
                kind,
                harness: t.harness,
                src,
                path: path.clone(),
                command,
            };
            (key, exe)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, e)| e).collect()
}

/// Package order: name, version, source.
type PackageKey = (String, semver::Version, String);
type TestKey = (PackageKey, TestedKind, String);

fn package_key(m: &mycargo_manifest::Manifest) -> PackageKey {
    (
        m.name().to_string(),
        m.version().clone(),
        m.package_id.source_id().to_string(),
    )
}

/// The `rustdoc --test` commands of the doc-tested libs, by package.
pub fn doc_tests(
    bcx: &BuildContext<'_>,
    compilation: &Compilation,
    opts: &TestOptions,
) -> Vec<DocTest> {
    let native = native_dirs(compilation);
    let mut out: Vec<(PackageKey, DocTest)> = bcx
        .units
        .doctests
        .iter()
        .map(|dt| {
            let key = package_key(bcx.graph.packages[dt.lib.pkg].manifest);
            (key, doc_test(bcx, dt, compilation, &native, opts))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, d)| d).collect()
}

fn doc_test(
    bcx: &BuildContext<'_>,
    dt: &DocTestUnit,
    compilation: &Compilation,
    native: &BTreeSet<String>,
    opts: &TestOptions,
) -> DocTest {
    let unit = &dt.lib;
    let m = bcx.graph.packages[unit.pkg].manifest;
    let t = &m.targets[unit.target];
    let own_script = own_script(bcx, &dt.deps, unit.pkg, compilation);
    let mut cmd = Command::new(&bcx.config.rustdoc);
    let (src, cwd) = bcx.path_args(unit);
    cmd.current_dir(&cwd);
    cmd.arg(format!("--edition={}", t.edition));
    for ct in t.kind.crate_types() {
        cmd.arg("--crate-type").arg(ct);
    }
    cmd.arg("--color").arg(&opts.color);
    cmd.arg("--crate-name").arg(t.crate_name());
    cmd.arg("--test").arg(&src);
    cmd.arg("--test-run-directory").arg(m.root());
    if let CompileKind::Target(triple) = &unit.kind {
        cmd.arg("--target").arg(triple);
    }
    if let Some(r) = &opts.runner
        && let Some((tool, args)) = r.split_first()
    {
        cmd.arg("--test-runtool").arg(tool);
        for a in args {
            cmd.arg("--test-runtool-arg").arg(a);
        }
    }
    if let Some(linker) = bcx.config.linker_for(&unit.kind) {
        cmd.arg("-C").arg(format!("linker={}", linker.display()));
    }
    if unit.profile.panic != "unwind" {
        cmd.arg("-C").arg(format!("panic={}", unit.profile.panic));
    }
    for dir in native {
        cmd.arg("-L").arg(dir);
    }
    for a in &opts.test_args {
        cmd.arg("--test-args").arg(a);
    }
    if bcx.config.quiet {
        cmd.arg("--test-args").arg("--quiet");
    }
    if let Some(lints) = &m.lints {
        cmd.args(mycargo_manifest::schema::lint_rustflags(lints));
    }
    let mut externs: Vec<(String, PathBuf)> = dt
        .deps
        .iter()
        .filter(|d| d.unit.mode != CompileMode::RunCustomBuild)
        .flat_map(|d| {
            bcx.extern_files(&d.unit, false)
                .into_iter()
                .map(|f| (d.extern_name.clone(), f))
        })
        .collect();
    externs.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, path) in externs {
        cmd.arg("--extern")
            .arg(format!("{name}={}", path.display()));
    }
    // A proc macro's doc tests see the compiler's `proc_macro` crate, as
    // the proc macro itself does.
    if t.proc_macro {
        cmd.arg("--extern").arg("proc_macro");
    }
    crate::rustc_cmd::dependency_search_args(bcx, unit, &mut cmd);
    match unit.profile.lto {
        LtoSetting::Default => {
            cmd.arg("-C").arg("embed-bitcode=no");
        }
        LtoSetting::Off => {
            cmd.args(["-C", "lto=off", "-C", "embed-bitcode=no"]);
        }
        // A doc test links as a binary does: it runs the LTO asked for.
        LtoSetting::Fat => {
            cmd.args(["-C", "lto"]);
        }
        LtoSetting::Thin => {
            cmd.args(["-C", "lto=thin"]);
        }
        LtoSetting::Named(ref n) => {
            cmd.arg("-C").arg(format!("lto={n}"));
        }
    }
    for f in &unit.features {
        cmd.arg("--cfg").arg(format!("feature=\"{f}\""));
    }
    cmd.arg("--check-cfg").arg("cfg(docsrs,test)");
    cmd.arg("--check-cfg").arg(feature_check_cfg(m));
    if let Some(fx) = own_script {
        crate::rustc_cmd::script_cfg_args(fx, &mut cmd);
    }
    cmd.args(&bcx.config.rustdocflags);
    let format = match bcx.config.message_format {
        MessageFormat::Human => "human",
        MessageFormat::Short => "short",
        MessageFormat::Json { .. } => "json",
    };
    cmd.arg("--error-format").arg(format);

    // What rustc gets (package variables, OUT_DIR, the script's
    // `rustc-env`), and the host's libraries on the dynamic-library path.
    fill_env(bcx, unit, &mut cmd, own_script);
    let host_root = &bcx.host_layout.root;
    let mut search = dylib_dirs(native, host_root);
    search.push(bcx.host_layout.deps.clone());
    set_dylib_path(&mut cmd, search, &bcx.config.env);
    DocTest {
        pkg_name: m.name().to_string(),
        target_name: t.name.clone(),
        shown: crate::job_queue::display_command_as(&cmd, &bcx.config.shown_as),
        command: cmd,
    }
}

/// The build-script effects of `pkg` among `deps`.
fn own_script<'c>(
    bcx: &BuildContext<'_>,
    deps: &[crate::graph::UnitDep],
    pkg: usize,
    compilation: &'c Compilation,
) -> Option<&'c ScriptEffects> {
    let _ = bcx;
    deps.iter()
        .find(|d| d.unit.mode == CompileMode::RunCustomBuild && d.unit.pkg == pkg)
        .and_then(|d| compilation.scripts.get(&d.unit))
}

/// Every `-L` path the build scripts printed, sorted.
fn native_dirs(compilation: &Compilation) -> BTreeSet<String> {
    compilation
        .scripts
        .values()
        .flat_map(|fx| fx.link_search.iter().cloned())
        .collect()
}

/// The `-L` paths inside the target directory, without their kind: only
/// those go on the dynamic-library path (cargo's
/// `filter_dynamic_search_path`).
fn dylib_dirs(native: &BTreeSet<String>, root: &Path) -> Vec<PathBuf> {
    native
        .iter()
        .map(|d| match d.split_once('=') {
            Some(("native" | "crate" | "dependency" | "framework" | "all", path)) => {
                PathBuf::from(path)
            }
            _ => PathBuf::from(d),
        })
        .filter(|d| d.starts_with(root))
        .collect()
}

/// The variable the dynamic loader searches.
pub fn dylib_path_var() -> &'static str {
    if cfg!(windows) {
        "PATH"
    } else if cfg!(target_os = "macos") {
        "DYLD_FALLBACK_LIBRARY_PATH"
    } else if cfg!(target_os = "aix") {
        "LIBPATH"
    } else {
        "LD_LIBRARY_PATH"
    }
}

/// `search` first, then what the variable already held (unless it already
/// starts with `search`).
pub(crate) fn set_dylib_path(
    cmd: &mut Command,
    mut search: Vec<PathBuf>,
    env: &[(OsString, OsString)],
) {
    let var = dylib_path_var();
    let existing: Vec<PathBuf> = env
        .iter()
        .find(|(k, _)| k == var)
        .map(|(_, v)| std::env::split_paths(v).collect())
        .unwrap_or_default();
    if existing.starts_with(&search) {
        search = existing;
    } else {
        search.extend(existing);
    }
    if let Ok(joined) = std::env::join_paths(&search) {
        cmd.env(var, joined);
    }
}

/// The environment of a test executable (cargo's `target_process`): cwd
/// the package root, the package's variables, its build script's
/// `rustc-env`, the dynamic-library path, then `[env]` from config.
/// The environment `mycargo run` gives the executable `unit` built (the
/// same as a test's, in the caller's directory).
pub fn run_environment(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    compilation: &Compilation,
    sysroot_target_libdir: &Path,
) -> Vec<(OsString, OsString)> {
    let mut scratch = Command::new("");
    let native = native_dirs(compilation);
    run_env(
        bcx,
        unit,
        compilation,
        &native,
        sysroot_target_libdir,
        &mut scratch,
    );
    scratch
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_os_string(), v?.to_os_string())))
        .collect()
}

fn run_env(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    compilation: &Compilation,
    native: &BTreeSet<String>,
    sysroot_target_libdir: &Path,
    cmd: &mut Command,
) {
    let m = bcx.graph.packages[unit.pkg].manifest;
    let layout = bcx.layout(&unit.kind);
    let mut search = dylib_dirs(native, &layout.root);
    search.push(layout.deps.clone());
    search.push(layout.root.clone());
    search.push(sysroot_target_libdir.to_path_buf());
    set_dylib_path(cmd, search, &bcx.config.env);
    let deps = bcx.units.deps.get(unit).map(Vec::as_slice).unwrap_or(&[]);
    if let Some(fx) = own_script(bcx, deps, unit.pkg, compilation) {
        if let Some(out) = &fx.out_dir {
            cmd.env("OUT_DIR", out);
        }
        for (k, v) in &fx.env {
            cmd.env(k, v);
        }
    }
    let t = &m.targets[unit.target];
    if t.is_test() || t.is_bench() {
        for (k, v) in crate::rustc_cmd::bin_exe_vars(bcx, unit) {
            cmd.env(k, v);
        }
    }
    let md = &m.metadata;
    let v = m.version();
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let vars: [(&str, String); 17] = [
        ("CARGO", bcx.config.cargo_exe.display().to_string()),
        ("CARGO_MANIFEST_DIR", m.root().display().to_string()),
        ("CARGO_MANIFEST_PATH", m.manifest_path.display().to_string()),
        ("CARGO_PKG_VERSION_MAJOR", v.major.to_string()),
        ("CARGO_PKG_VERSION_MINOR", v.minor.to_string()),
        ("CARGO_PKG_VERSION_PATCH", v.patch.to_string()),
        ("CARGO_PKG_VERSION_PRE", v.pre.to_string()),
        ("CARGO_PKG_VERSION", v.to_string()),
        ("CARGO_PKG_NAME", m.name().to_string()),
        ("CARGO_PKG_AUTHORS", md.authors.join(":")),
        ("CARGO_PKG_HOMEPAGE", opt(&md.homepage)),
        ("CARGO_PKG_REPOSITORY", opt(&md.repository)),
        ("CARGO_PKG_LICENSE", opt(&md.license)),
        ("CARGO_PKG_LICENSE_FILE", opt(&md.license_file)),
        ("CARGO_PKG_DESCRIPTION", opt(&md.description)),
        (
            "CARGO_PKG_RUST_VERSION",
            m.rust_version
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default(),
        ),
        ("CARGO_PKG_README", opt(&md.readme)),
    ];
    for (k, v) in vars {
        cmd.env(k, v);
    }
    for (k, v, force) in &bcx.config.config_env {
        let set_by_cargo = cmd.get_envs().any(|(ek, _)| ek == k.as_str());
        let set_outside = bcx.config.env.iter().any(|(ek, _)| ek == k.as_str());
        if *force || !(set_by_cargo || set_outside) {
            cmd.env(k, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_target_dir_paths_go_on_the_dylib_path() {
        let native: BTreeSet<String> = [
            "native=/t/debug/build/x/out".to_string(),
            "/usr/lib".to_string(),
            "all=/t/debug/build/y".to_string(),
            "weird=/t/debug/z".to_string(),
        ]
        .into();
        assert_eq!(
            dylib_dirs(&native, Path::new("/t/debug")),
            vec![
                PathBuf::from("/t/debug/build/y"),
                PathBuf::from("/t/debug/build/x/out"),
            ]
        );
    }

    #[test]
    fn dylib_path_keeps_what_was_there() {
        let var = dylib_path_var();
        let existing = std::env::join_paths(["/a", "/b"]).unwrap();
        let env = vec![(OsString::from(var), existing)];
        let mut cmd = Command::new("x");
        set_dylib_path(&mut cmd, vec![PathBuf::from("/t")], &env);
        let got = cmd
            .get_envs()
            .find(|(k, _)| *k == var)
            .and_then(|(_, v)| v)
            .map(|v| std::env::split_paths(v).collect::<Vec<_>>());
        assert_eq!(
            got,
            Some(vec![
                PathBuf::from("/t"),
                PathBuf::from("/a"),
                PathBuf::from("/b")
            ])
        );
        // Already first: not doubled.
        let env = vec![(
            OsString::from(var),
            std::env::join_paths(["/t", "/a"]).unwrap(),
        )];
        let mut cmd = Command::new("x");
        set_dylib_path(&mut cmd, vec![PathBuf::from("/t")], &env);
        let got = cmd
            .get_envs()
            .find(|(k, _)| *k == var)
            .and_then(|(_, v)| v)
            .map(|v| std::env::split_paths(v).count());
        assert_eq!(got, Some(2));
    }

    #[test]
    fn tested_kinds_sort_like_cargo() {
        let mut v = vec![
            TestedKind::Example,
            TestedKind::Bench,
            TestedKind::Lib,
            TestedKind::Test,
            TestedKind::Bin,
        ];
        v.sort();
        assert_eq!(
            v,
            vec![
                TestedKind::Lib,
                TestedKind::Bin,
                TestedKind::Test,
                TestedKind::Bench,
                TestedKind::Example
            ]
        );
    }
}
