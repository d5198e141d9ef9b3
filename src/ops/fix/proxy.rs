//! mycargo as rustc for `fix`: the build runs `mycargo <rustc> <args>`
//! for each unit of the packages being fixed, with `__CARGO_FIX_PLZ` set.
//!
//! Under one lock for the whole build (files can be shared between crates
//! through `#[path]` and `include!`), rustc runs with JSON diagnostics,
//! the suggestions are applied, and rustc runs again while that makes
//! progress, up to `CARGO_FIX_MAX_RETRIES` passes (4). When the fixed code
//! no longer compiles, the files are put back (unless `--broken-code`) and
//! the first run's output stands. What happened is told to the build as
//! fix messages on stderr, ahead of the rustc output passed on.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context as _, bail};
use mycargo_compiler::fix_messages::FixMessage;
use mycargo_core::Edition;

use super::manifest::{next_edition, previous_edition};
use super::suggestions::{self, ApplyError, Edits};

/// The variable that puts mycargo in proxy mode: the lock file's path.
pub const FIX_ENV: &str = "__CARGO_FIX_PLZ";
pub const BROKEN_CODE_ENV: &str = "__CARGO_FIX_BROKEN_CODE";
pub const EDITION_ENV: &str = "__CARGO_FIX_EDITION";
pub const IDIOMS_ENV: &str = "__CARGO_FIX_IDIOMS";
pub const SYSROOT_ENV: &str = "__CARGO_FIX_RUST_SRC";
/// Every suggestion, not only the machine-applicable ones (cargo's tests).
const YOLO_ENV: &str = "__CARGO_FIX_YOLO";

/// Run as the proxy when the build asked for one; the exit code.
pub fn run_if_asked(argv: &[OsString]) -> Option<i32> {
    let lock = std::env::var_os(FIX_ENV)?;
    Some(match run(argv, Path::new(&lock)) {
        Ok(code) => code,
        Err(e) => {
            let mut shell = mycargo_util::Shell::new();
            shell.print_error(&e);
            101
        }
    })
}

/// What the proxy was given.
struct FixArgs {
    rustc: PathBuf,
    /// The crate's root file (the last existing `.rs` argument).
    file: PathBuf,
    /// Every other argument, in order.
    other: Vec<OsString>,
    /// `--edition=E` as the build passed it.
    enabled_edition: Option<Edition>,
    /// `--edition`: the edition to prepare for.
    prepare_for: Option<Edition>,
    idioms: bool,
    sysroot: Option<PathBuf>,
}

impl FixArgs {
    fn parse(argv: &[OsString]) -> anyhow::Result<FixArgs> {
        let mut args: Vec<OsString> = argv.iter().skip(1).cloned().collect();
        let Some(first) = args.first().cloned() else {
            bail!("expected rustc or `@path` as first argument");
        };
        if let Some(path) = first.to_str().and_then(|s| s.strip_prefix('@')) {
            if args.len() > 1 {
                bail!("argfile `@{path}` cannot be combined with other arguments");
            }
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("failed to read argfile at `{path}`"))?;
            args = text.lines().map(OsString::from).collect();
            if args.first().is_none_or(|a| a.is_empty()) {
                bail!("expected rustc as first argument");
            }
        }
        let rustc = PathBuf::from(&args[0]);
        let mut file = None;
        let mut other = Vec::new();
        let mut enabled_edition = None;
        for arg in args.into_iter().skip(1) {
            let path = PathBuf::from(&arg);
            if path.extension().is_some_and(|e| e == "rs") && path.exists() {
                file = Some(path);
            } else if let Some(e) = arg.to_str().and_then(|s| s.strip_prefix("--edition=")) {
                enabled_edition = Some(e.parse::<Edition>()?);
            } else {
                other.push(arg);
            }
        }
        let Some(file) = file else {
            bail!("could not find .rs file in rustc args");
        };
        let prepare_for = match std::env::var(EDITION_ENV) {
            Ok(v) if v == "1" => Some(next_edition(enabled_edition.unwrap_or_default())),
            Ok(v) => Some(v.parse::<Edition>()?),
            Err(_) => None,
        };
        Ok(FixArgs {
            rustc,
            file,
            other,
            enabled_edition,
            prepare_for,
            idioms: std::env::var_os(IDIOMS_ENV).is_some(),
            sysroot: std::env::var_os(SYSROOT_ENV).map(PathBuf::from),
        })
    }

    /// rustc as every pass runs it: the file first, then the build's
    /// arguments, with lints capped (only the edition's lints when
    /// migrating) and the edition's compatibility lints forced on.
    fn command(&self) -> Command {
        let mut cmd = match std::env::var_os("RUSTC_WORKSPACE_WRAPPER").filter(|w| !w.is_empty()) {
            Some(w) => {
                let mut c = Command::new(w);
                c.arg(&self.rustc);
                c
            }
            None => Command::new(&self.rustc),
        };
        cmd.arg(&self.file);
        cmd.args(&self.other);
        match self.prepare_for {
            Some(_) => cmd.arg("--cap-lints=allow"),
            None => cmd.arg("--cap-lints=warn"),
        };
        if let Some(e) = self.enabled_edition {
            cmd.arg("--edition").arg(e.as_str());
            if self.idioms && e == Edition::Edition2018 {
                cmd.arg("-Wrust-2018-idioms");
            }
        }
        if let Some(e) = self.prepare_for
            && e != Edition::Edition2015
        {
            cmd.arg(format!("--force-warn=rust-{e}-compatibility"));
        }
        // A `cargo` run by a proc macro or build tool is not a proxy.
        cmd.env_remove(FIX_ENV);
        cmd
    }

    fn crate_name(&self) -> Option<String> {
        let pos = self.other.iter().position(|a| a == "--crate-name")?;
        self.other
            .get(pos + 1)
            .map(|s| s.to_string_lossy().into_owned())
    }
}

/// A file being fixed: its text before the first fix, fixes so far, and
/// the suggestions of the last pass that could not be applied.
#[derive(Default)]
struct FixedFile {
    original: Vec<u8>,
    fixes: u32,
    errors: Vec<String>,
}

fn run(argv: &[OsString], lock: &Path) -> anyhow::Result<i32> {
    let args = FixArgs::parse(argv)?;
    // One crate at a time across the build.
    let lock_file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock)
        .with_context(|| format!("failed to open the fix lock `{}`", lock.display()))?;
    lock_file.lock().context("failed to acquire lock")?;

    let file_name = args.file.display().to_string();
    if let Some(to) = args.prepare_for {
        let from = args.enabled_edition.unwrap_or_default();
        if from == to {
            tell(&FixMessage::EditionAlreadyEnabled {
                message: format!(
                    "`{file_name}` is already on the latest edition ({to}), unable to migrate further"
                ),
                edition: to.to_string(),
                previous: previous_edition(to).to_string(),
            });
        } else {
            tell(&FixMessage::Migrating {
                file: file_name.clone(),
                from_edition: from.to_string(),
                to_edition: to.to_string(),
            });
        }
    } else {
        tell(&FixMessage::Fixing {
            file: file_name.clone(),
        });
    }

    let broken_ok = std::env::var_os(BROKEN_CODE_ENV).is_some();
    let mut files: BTreeMap<String, FixedFile> = BTreeMap::new();
    let max = std::env::var("CARGO_FIX_MAX_RETRIES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(4);
    let mut first_output = None;
    let mut iteration = 0;
    let (mut last, mut changed);
    loop {
        for f in files.values_mut() {
            f.errors.clear();
        }
        (last, changed) = one_pass(&args, &mut files, broken_ok)?;
        if first_output.is_none() {
            first_output = Some(last.clone());
        }
        let progress = changed && files.values().any(|f| !f.errors.is_empty());
        if !progress {
            break;
        }
        iteration += 1;
        if iteration >= max {
            break;
        }
    }
    if changed {
        last = output_of(&mut args.command())?;
    }
    for (file, f) in &files {
        for e in &f.errors {
            tell(&FixMessage::ReplaceFailed {
                file: file.clone(),
                message: e.clone(),
            });
        }
    }
    let first_output = first_output.unwrap_or_else(|| last.clone());
    if last.status.success() {
        for (file, f) in &files {
            tell(&FixMessage::Fixed {
                file: file.clone(),
                fixes: f.fixes,
            });
        }
        pass_on(&last);
        return Ok(exit_code(&last));
    }
    if !broken_ok {
        for (file, f) in &files {
            // Put back what compiled; a failure to do so is the user's to
            // see, not a reason to hide rustc's output.
            if let Err(e) = mycargo_util::fs::write_atomic(Path::new(file), &f.original) {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: could not restore `{file}`: {e:#}"
                );
            }
        }
    }
    if files.is_empty() {
        pass_on(&last);
        return Ok(exit_code(&last));
    }
    let (errors, error_files) = failure_details(&last);
    tell(&FixMessage::FixFailed {
        files: error_files,
        krate: args.crate_name(),
        errors,
        abnormal_exit: abnormal_exit(&last),
    });
    pass_on(&first_output);
    Ok(exit_code(&first_output))
}

/// One rustc run and the suggestions it gave, applied. Whether a file
/// changed.
fn one_pass(
    args: &FixArgs,
    files: &mut BTreeMap<String, FixedFile>,
    broken_ok: bool,
) -> anyhow::Result<(Output, bool)> {
    let out = output_of(&mut args.command())?;
    if !out.status.success() && !broken_ok {
        return Ok((out, false));
    }
    let any = std::env::var_os(YOLO_ENV).is_some();
    let cargo_home = mycargo_util::Env::from_process()
        .ok()
        .and_then(|e| e.cargo_home());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut by_file: BTreeMap<String, Vec<suggestions::Suggestion>> = BTreeMap::new();
    for line in stderr.lines() {
        let Some(diag) = suggestions::parse(line) else {
            continue;
        };
        for s in suggestions::collect(&diag, any) {
            let path = Path::new(&s.file);
            let outside = cargo_home.as_deref().is_some_and(|h| path.starts_with(h))
                || args.sysroot.as_deref().is_some_and(|r| path.starts_with(r));
            if !outside {
                by_file.entry(s.file.clone()).or_default().push(s);
            }
        }
    }
    let mut changed = false;
    for (file, list) in by_file {
        let Ok(current) = std::fs::read(&file) else {
            continue;
        };
        let entry = files.entry(file.clone()).or_insert_with(|| FixedFile {
            original: current.clone(),
            ..FixedFile::default()
        });
        let mut edits = Edits::new(&current);
        // The last suggestion first, as cargo applies them.
        for s in list.iter().rev() {
            match edits.apply(s) {
                Ok(()) => entry.fixes += 1,
                Err(ApplyError::AlreadyReplaced { identical: true }) => {}
                Err(e) => entry.errors.push(e.to_string()),
            }
        }
        if !edits.is_empty() {
            let new = edits.result();
            mycargo_util::fs::write_atomic(Path::new(&file), &new)
                .with_context(|| format!("failed to write `{file}`"))?;
            changed = true;
        }
    }
    Ok((out, changed))
}

fn output_of(cmd: &mut Command) -> anyhow::Result<Output> {
    cmd.output()
        .with_context(|| format!("could not execute process `{:?}`", cmd.get_program()))
}

/// The messages of a failed run, and the files they point into.
fn failure_details(out: &Output) -> (Vec<String>, Vec<String>) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut errors = Vec::new();
    let mut files = std::collections::BTreeSet::new();
    for line in stderr.lines() {
        if let Some(d) = suggestions::parse(line) {
            for s in &d.spans {
                files.insert(s.file_name.clone());
            }
            errors.push(d.rendered.clone().unwrap_or(d.message.clone()));
        } else if !line.starts_with('{') {
            errors.push(line.to_string());
        }
    }
    (errors, files.into_iter().collect())
}

fn abnormal_exit(out: &Output) -> Option<String> {
    match out.status.code() {
        Some(c) if (0..=127).contains(&c) => None,
        _ => Some(mycargo_util::process::exit_status_text(&out.status)),
    }
}

/// Pass a run's output on to the build, stderr first.
fn pass_on(out: &Output) {
    let _ = std::io::stderr().write_all(&out.stderr);
    let _ = std::io::stdout().write_all(&out.stdout);
}

fn exit_code(out: &Output) -> i32 {
    #[cfg(unix)]
    if let Some(sig) = std::os::unix::process::ExitStatusExt::signal(&out.status) {
        let _ = writeln!(std::io::stderr(), "child failed with signal `{sig}`");
        return 2;
    }
    out.status.code().unwrap_or(3)
}

/// Tell the build, ahead of the rustc output that follows.
fn tell(msg: &FixMessage) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", msg.to_line());
}
