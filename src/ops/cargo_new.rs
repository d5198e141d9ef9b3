//! `mycargo new` and `mycargo init`: make a package that is byte for byte the
//! one cargo 1.95 makes.
//!
//! Both commands settle a name and a kind (binary or library), then [`mk`]
//! does the work in cargo's order:
//!
//! 1. the version control system: `--vcs`, else `cargo-new.vcs`, else git
//!    unless the parent directory is already inside a git or hg repository
//!    ([`vcs::existing_vcs_repo`]); then its repository and ignore file;
//! 2. `Cargo.toml`, built with toml_edit; when the nearest `Cargo.toml` above
//!    is a workspace root that does not exclude the package, the package
//!    inherits its `[workspace.package]` keys and `[workspace.lints]`, and is
//!    added to `workspace.members` unless a pattern there already matches
//!    ([`workspace`]);
//! 3. the source files that are missing, formatted with `rustfmt` when it is
//!    there (a `rustfmt.toml` above applies, as with cargo);
//! 4. a load of the workspace the package lands in, with
//!    `mycargo_manifest::Workspace`; an error is printed as cargo's
//!    "compiling this new package may not work" warning ([`workspace::check`]).
//!
//! Name checks are in [`names`]; they use `mycargo_core::names`.

mod names;
mod vcs;
mod workspace;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mycargo_core::Edition;
use mycargo_util::fs::{create_dir_all, normalize_path, write_atomic};

use crate::cli::new::NewOptions as NewArgs;
use crate::context::GlobalContext;
use vcs::VersionControl;

/// `mycargo new <path>`.
pub fn new(gctx: &mut GlobalContext, args: &crate::cli::new::Args) -> anyhow::Result<()> {
    let opts = NewOptions::from_args(gctx, &args.opts, &args.path)?;
    let path = &opts.path;
    let name = get_name(path, &opts)?;
    gctx.shell
        .status("Creating", format!("{} `{}` package", opts.kind, name))?;

    if path.exists() {
        anyhow::bail!(
            "destination `{}` already exists\n\n\
             Use `cargo init` to initialize the directory",
            path.display()
        )
    }
    check_path(path, gctx)?;
    let is_bin = opts.kind.is_bin();
    names::check_name(name, opts.name.is_none(), is_bin, &mut gctx.shell)?;

    let mkopts = MkOptions {
        version_control: opts.version_control,
        path,
        name,
        source_files: vec![plan_new_source_file(is_bin)],
        edition: opts.edition.as_deref(),
        registry: opts.registry.as_deref(),
    };
    mk(gctx, &mkopts).with_context(|| {
        format!(
            "failed to create package `{}` at `{}`",
            name,
            path.display()
        )
    })
}

/// `mycargo init [path]`.
pub fn init(gctx: &mut GlobalContext, args: &crate::cli::init::Args) -> anyhow::Result<()> {
    let opts = NewOptions::from_args(gctx, &args.opts, &args.path)?;
    let path = &opts.path;

    if let Some(home) = gctx.env.home_dir()
        && *path == home
    {
        anyhow::bail!(
            "cannot create package in the home directory\n\n\
             help: use `cargo init <path>` to create a package in a different directory"
        )
    }
    let name = get_name(path, &opts)?;
    let mut src_paths_types = detect_source_paths_and_types(path, name)?;
    let kind = calculate_new_project_kind(opts.kind, opts.auto_detect_kind, &src_paths_types);
    // cargo names the requested kind here, not the detected one.
    gctx.shell
        .status("Creating", format!("{} package", opts.kind))?;

    if path.join("Cargo.toml").exists() {
        anyhow::bail!(
            "`cargo init` cannot be run on existing Cargo packages\n\
             help: use `cargo new` to create a package in a new subdirectory"
        )
    }
    check_path(path, gctx)?;

    let has_bin = kind.is_bin();
    if src_paths_types.is_empty() {
        src_paths_types.push(plan_new_source_file(has_bin));
    } else if src_paths_types.len() == 1 && !src_paths_types.iter().any(|x| x.bin == has_bin) {
        // The only file found is not of the kind asked for: use it as that
        // kind anyway, and say so.
        let file_type = if src_paths_types[0].bin {
            NewProjectKind::Bin
        } else {
            NewProjectKind::Lib
        };
        gctx.shell.warn(format!(
            "file `{}` seems to be a {} file",
            src_paths_types[0].relative_path, file_type
        ))?;
        src_paths_types[0].bin = has_bin
    } else if src_paths_types.len() > 1 && !has_bin {
        anyhow::bail!(
            "cannot have a package with multiple libraries, found both `{}` and `{}`",
            src_paths_types[0].relative_path,
            src_paths_types[1].relative_path
        )
    }

    names::check_name(name, opts.name.is_none(), has_bin, &mut gctx.shell)?;

    let mut version_control = opts.version_control;
    if version_control.is_none() {
        let mut detected = 0;
        for (dir, vcs) in [
            (".git", VersionControl::Git),
            (".hg", VersionControl::Hg),
            (".pijul", VersionControl::Pijul),
            (".fossil", VersionControl::Fossil),
        ] {
            if path.join(dir).exists() {
                version_control = Some(vcs);
                detected += 1;
            }
        }
        if detected > 1 {
            anyhow::bail!(
                "more than one of .hg, .git, .pijul, .fossil configurations found and the \
                 ignore file can't be filled in as a result. specify --vcs to override detection"
            );
        }
    }

    let mkopts = MkOptions {
        version_control,
        path,
        name,
        source_files: src_paths_types,
        edition: opts.edition.as_deref(),
        registry: opts.registry.as_deref(),
    };
    mk(gctx, &mkopts).with_context(|| {
        format!(
            "failed to create package `{}` at `{}`",
            name,
            path.display()
        )
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NewProjectKind {
    Bin,
    Lib,
}

impl NewProjectKind {
    fn is_bin(self) -> bool {
        self == NewProjectKind::Bin
    }
}

impl fmt::Display for NewProjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewProjectKind::Bin => "binary (application)",
            NewProjectKind::Lib => "library",
        }
        .fmt(f)
    }
}

/// The flags, settled.
#[derive(Debug)]
struct NewOptions {
    version_control: Option<VersionControl>,
    kind: NewProjectKind,
    /// Neither `--bin` nor `--lib`: `init` goes by the files it finds.
    auto_detect_kind: bool,
    /// Absolute (the working directory joined with the argument, as typed).
    path: PathBuf,
    name: Option<String>,
    edition: Option<String>,
    registry: Option<String>,
}

impl NewOptions {
    fn from_args(gctx: &GlobalContext, args: &NewArgs, path: &Path) -> anyhow::Result<NewOptions> {
        let version_control = args.vcs.as_deref().map(str::parse).transpose()?;
        let registry = match &args.registry {
            Some(registry) => {
                mycargo_core::names::validate_package_name(registry, "registry name")?;
                Some(registry.clone())
            }
            None => gctx.config.get_string("registry.default")?.map(|v| v.val),
        };
        let kind = match (args.bin, args.lib) {
            (true, true) => anyhow::bail!("can't specify both lib and binary outputs"),
            (false, true) => NewProjectKind::Lib,
            (_, false) => NewProjectKind::Bin,
        };
        Ok(NewOptions {
            version_control,
            kind,
            auto_detect_kind: !args.bin && !args.lib,
            path: gctx.cwd().join(path),
            name: args.name.clone(),
            edition: args.edition.clone(),
            registry,
        })
    }
}

fn get_name<'a>(path: &'a Path, opts: &'a NewOptions) -> anyhow::Result<&'a str> {
    if let Some(name) = &opts.name {
        return Ok(name);
    }
    let file_name = path.file_name().ok_or_else(|| {
        anyhow::format_err!(
            "cannot auto-detect package name from path {:?} ; use --name to override",
            path.as_os_str()
        )
    })?;
    file_name.to_str().ok_or_else(|| {
        anyhow::format_err!(
            "cannot create package with a non-unicode name: {:?}",
            file_name
        )
    })
}

/// Warn when the path could not be put in `PATH` (it holds the separator).
fn check_path(path: &Path, gctx: &mut GlobalContext) -> anyhow::Result<()> {
    if std::env::join_paths(std::iter::once(path)).is_err() {
        let path = path.to_string_lossy();
        gctx.shell.warn(format!(
            "the path `{path}` contains invalid PATH characters (usually `:`, `;`, or `\"`)\n\
             It is recommended to use a different name to avoid problems."
        ))?;
    }
    Ok(())
}

/// A source file of the new package, relative to its directory.
#[derive(Debug)]
struct SourceFileInformation {
    relative_path: String,
    bin: bool,
}

fn plan_new_source_file(bin: bool) -> SourceFileInformation {
    SourceFileInformation {
        relative_path: if bin { "src/main.rs" } else { "src/lib.rs" }.to_string(),
        bin,
    }
}

/// The sources `init` finds, in cargo's order of candidates.
fn detect_source_paths_and_types(
    path: &Path,
    name: &str,
) -> anyhow::Result<Vec<SourceFileInformation>> {
    enum H {
        Bin,
        Lib,
        Detect,
    }
    let candidates = [
        ("src/main.rs".to_string(), H::Bin),
        ("main.rs".to_string(), H::Bin),
        (format!("src/{name}.rs"), H::Detect),
        (format!("{name}.rs"), H::Detect),
        ("src/lib.rs".to_string(), H::Lib),
        ("lib.rs".to_string(), H::Lib),
    ];
    let mut found = Vec::new();
    for (relative_path, handling) in candidates {
        let full = path.join(&relative_path);
        if !full.is_file() {
            continue;
        }
        let bin = match handling {
            H::Bin => true,
            H::Lib => false,
            H::Detect => mycargo_util::fs::read_to_string(&full)?.contains("fn main"),
        };
        found.push(SourceFileInformation { relative_path, bin });
    }

    let mut previous_lib: Option<&str> = None;
    let mut previous_bin: Option<&str> = None;
    for f in &found {
        if f.bin {
            if let Some(first) = previous_bin {
                anyhow::bail!(
                    "multiple possible binary sources found:\n  {}\n  {}\n\
                     cannot automatically generate Cargo.toml as the main target would be ambiguous",
                    first,
                    f.relative_path
                );
            }
            previous_bin = Some(&f.relative_path);
        } else {
            if let Some(first) = previous_lib {
                anyhow::bail!(
                    "cannot have a package with multiple libraries, found both `{}` and `{}`",
                    first,
                    f.relative_path
                );
            }
            previous_lib = Some(&f.relative_path);
        }
    }
    Ok(found)
}

fn calculate_new_project_kind(
    requested: NewProjectKind,
    auto_detect: bool,
    found: &[SourceFileInformation],
) -> NewProjectKind {
    if !auto_detect {
        return requested;
    }
    if !found.is_empty() && !found.iter().any(|f| f.bin) {
        NewProjectKind::Lib
    } else {
        NewProjectKind::Bin
    }
}

struct MkOptions<'a> {
    version_control: Option<VersionControl>,
    path: &'a Path,
    name: &'a str,
    source_files: Vec<SourceFileInformation>,
    edition: Option<&'a str>,
    registry: Option<&'a str>,
}

const MAIN_RS: &str = "fn main() {\n    println!(\"Hello, world!\");\n}\n";
const LIB_RS: &str = "pub fn add(left: u64, right: u64) -> u64 {
    left + right
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_works() {
        let result = add(2, 2);
        assert_eq!(result, 4);
    }
}
";

fn mk(gctx: &mut GlobalContext, opts: &MkOptions<'_>) -> anyhow::Result<()> {
    let path = opts.path;
    // Read and checked first, whatever `--vcs` says, as cargo does.
    let cfg_vcs: Option<VersionControl> = gctx
        .config
        .get_string("cargo-new.vcs")?
        .map(|v| v.val.parse())
        .transpose()?;

    let vcs = match opts.version_control {
        Some(vcs) => vcs,
        None => {
            let parent = path.parent().unwrap_or(path);
            match (cfg_vcs, vcs::existing_vcs_repo(parent, gctx.cwd())) {
                (_, true) => VersionControl::NoVcs,
                (Some(vcs), false) => vcs,
                (None, false) => VersionControl::Git,
            }
        }
    };
    vcs::init_vcs(path, vcs, gctx.cwd())?;
    vcs::write_ignore_file(path, vcs)?;

    let mut manifest = new_manifest(opts);

    let manifest_path = normalize_path(&path.join("Cargo.toml"));
    if let Some(root_manifest_path) = workspace::nearest_manifest(&manifest_path) {
        let root_manifest = mycargo_util::fs::read_to_string(&root_manifest_path)?;
        // Only a best effort: a manifest that does not parse is left alone.
        if let Ok(mut ws_doc) = root_manifest.parse::<toml_edit::DocumentMut>() {
            let display_path = workspace::display_path(&root_manifest_path, path)?;
            if workspace::can_be_member(&display_path, &ws_doc)? {
                if let Some(keys) = ws_doc
                    .get("workspace")
                    .and_then(|ws| ws.get("package"))
                    .and_then(|p| p.as_table())
                {
                    workspace::inherit_package_keys(
                        &mut manifest,
                        keys,
                        opts.edition.is_some(),
                        opts.registry.is_some(),
                    );
                }
                if ws_doc
                    .get("workspace")
                    .and_then(|ws| ws.get("lints"))
                    .is_some()
                {
                    let mut table = toml_edit::Table::new();
                    table["workspace"] = toml_edit::value(true);
                    manifest["lints"] = toml_edit::Item::Table(table);
                }
                if workspace::add_member(&root_manifest_path, &mut ws_doc, &display_path)? {
                    let member = Path::new(&display_path)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| display_path.clone());
                    let root_dir = root_manifest_path.parent().unwrap_or(Path::new(""));
                    gctx.shell.status(
                        "Adding",
                        format!(
                            "`{member}` as member of workspace at `{}`",
                            root_dir.display()
                        ),
                    )?;
                }
            }
        }
    }

    write_atomic(&manifest_path, manifest.to_string())?;

    for file in &opts.source_files {
        let file_path = path.join(&file.relative_path);
        if let Some(dir) = file_path.parent() {
            create_dir_all(dir)?;
        }
        if !file_path.is_file() {
            write_atomic(&file_path, if file.bin { MAIN_RS } else { LIB_RS })?;
            rustfmt(&file_path, gctx);
        }
    }

    if let Err(e) = workspace::check(gctx, &manifest_path) {
        workspace::report(
            "compiling this new package may not work due to invalid workspace configuration",
            &e,
            &mut gctx.shell,
        );
    }

    gctx.shell.note(
        "see more `Cargo.toml` keys and their definitions at https://doc.rust-lang.org/cargo/reference/manifest.html",
    )?;
    Ok(())
}

/// The new package's `Cargo.toml`, before anything is inherited.
fn new_manifest(opts: &MkOptions<'_>) -> toml_edit::DocumentMut {
    let mut manifest = toml_edit::DocumentMut::new();
    manifest["package"] = toml_edit::Item::Table(toml_edit::Table::new());
    manifest["package"]["name"] = toml_edit::value(opts.name);
    manifest["package"]["version"] = toml_edit::value("0.1.0");
    let edition = match opts.edition {
        Some(edition) => edition.to_string(),
        None => Edition::LATEST_STABLE.to_string(),
    };
    manifest["package"]["edition"] = toml_edit::value(edition);
    if let Some(registry) = opts.registry {
        let mut array = toml_edit::Array::default();
        array.push(registry);
        manifest["package"]["publish"] = toml_edit::value(array);
    }
    manifest["dependencies"] = toml_edit::Item::Table(toml_edit::Table::default());

    // In the order of the files, as cargo does (a library found before a
    // binary puts `[lib]` first).
    for file in &opts.source_files {
        if file.bin {
            if file.relative_path != "src/main.rs" {
                let mut bin = toml_edit::Table::new();
                bin["name"] = toml_edit::value(opts.name);
                bin["path"] = toml_edit::value(file.relative_path.clone());
                if let Some(bins) = manifest["bin"]
                    .or_insert(toml_edit::Item::ArrayOfTables(
                        toml_edit::ArrayOfTables::new(),
                    ))
                    .as_array_of_tables_mut()
                {
                    bins.push(bin);
                }
            }
        } else if file.relative_path != "src/lib.rs" {
            let mut lib = toml_edit::Table::new();
            lib["path"] = toml_edit::value(file.relative_path.clone());
            manifest["lib"] = toml_edit::Item::Table(lib);
        }
    }
    manifest
}

/// Format a new source file with `rustfmt` from `PATH`, if it is there;
/// failure is no error (cargo only logs it).
fn rustfmt(file: &Path, gctx: &GlobalContext) {
    let Some(program) = mycargo_util::process::find_in_dirs("rustfmt", &gctx.env.path_dirs())
    else {
        return;
    };
    let _ = std::process::Command::new(program)
        .arg(file)
        .current_dir(gctx.cwd())
        .env_clear()
        .envs(gctx.env.iter())
        .stdin(std::process::Stdio::null())
        .output();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shell writing to a buffer, and a way to read what it wrote.
    pub(super) fn captured_shell() -> (mycargo_util::Shell, impl Fn() -> String) {
        #[derive(Clone, Default)]
        struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let shell =
            mycargo_util::Shell::from_write(Box::new(buf.clone()), Box::new(Buf::default()));
        (shell, move || {
            String::from_utf8(buf.0.lock().unwrap().clone()).unwrap()
        })
    }

    fn mkopts<'a>(name: &'a str, files: Vec<SourceFileInformation>) -> MkOptions<'a> {
        MkOptions {
            version_control: None,
            path: Path::new("/x"),
            name,
            source_files: files,
            edition: None,
            registry: None,
        }
    }

    #[test]
    fn manifest_for_new_bin() {
        let m = new_manifest(&mkopts("foo", vec![plan_new_source_file(true)]));
        assert_eq!(
            m.to_string(),
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n"
        );
    }

    #[test]
    fn manifest_with_paths_and_registry() {
        let mut o = mkopts(
            "foo",
            vec![
                SourceFileInformation {
                    relative_path: "main.rs".into(),
                    bin: true,
                },
                SourceFileInformation {
                    relative_path: "lib.rs".into(),
                    bin: false,
                },
            ],
        );
        o.edition = Some("2021");
        o.registry = Some("reg");
        assert_eq!(
            new_manifest(&o).to_string(),
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"reg\"]\n\n\
             [dependencies]\n\n[[bin]]\nname = \"foo\"\npath = \"main.rs\"\n\n[lib]\npath = \"lib.rs\"\n"
        );
    }

    #[test]
    fn kind_detection() {
        let lib = vec![SourceFileInformation {
            relative_path: "src/lib.rs".into(),
            bin: false,
        }];
        assert_eq!(
            calculate_new_project_kind(NewProjectKind::Bin, true, &lib),
            NewProjectKind::Lib
        );
        assert_eq!(
            calculate_new_project_kind(NewProjectKind::Bin, false, &lib),
            NewProjectKind::Bin
        );
        assert_eq!(
            calculate_new_project_kind(NewProjectKind::Bin, true, &[]),
            NewProjectKind::Bin
        );
    }

    #[test]
    fn detects_sources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/foo.rs"), "fn main() {}").unwrap();
        std::fs::write(dir.path().join("lib.rs"), "").unwrap();
        let found = detect_source_paths_and_types(dir.path(), "foo").unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].relative_path, "src/foo.rs");
        assert!(found[0].bin);
        std::fs::write(dir.path().join("main.rs"), "").unwrap();
        let err = detect_source_paths_and_types(dir.path(), "foo").unwrap_err();
        assert_eq!(
            err.to_string(),
            "multiple possible binary sources found:\n  main.rs\n  src/foo.rs\n\
             cannot automatically generate Cargo.toml as the main target would be ambiguous"
        );
    }
}
