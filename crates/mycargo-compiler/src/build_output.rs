//! What a build script tells cargo on its stdout.
//!
//! A build script talks to cargo through lines of its standard output:
//! `cargo::KEY=VALUE` (the syntax since Rust 1.77) or the older
//! `cargo:KEY=VALUE`. [`BuildOutput::parse`] reads them exactly as cargo 1.95
//! does (`BuildOutput::parse` in `core/compiler/custom_build.rs`), with the
//! same error and warning wording:
//!
//! - each line is trimmed; lines that are not UTF-8 or do not start with
//!   `cargo:` are ignored;
//! - `cargo::` accepts a fixed set of keys plus `metadata=K=V`, and any other
//!   key is an error; it is also an error when the package's `rust-version`
//!   predates 1.77;
//! - `cargo:` reserves the same keys except `error` and `metadata`; any other
//!   key is metadata for dependents (so `cargo:error=x` is metadata `error`);
//! - every value has the `OUT_DIR` of the run that printed it replaced by the
//!   current one, so a moved target directory keeps working.
//!
//! A fresh build does not rerun the script: cargo keeps the raw stdout in
//! `build/<pkg>-<hash>/output` (and the `OUT_DIR` it ran with in
//! `root-output`) and parses it again. [`write_run_files`] and
//! [`read_previous`] do the same.

use std::path::{Path, PathBuf};

use mycargo_core::PartialVersion;

/// The link kind of a library search path: cargo puts the paths that point
/// inside the script's own `OUT_DIR` before all others on the linker line,
/// each group keeping the order it was printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LibraryPathKind {
    /// Inside the build script's `OUT_DIR`.
    CargoArtifact,
    /// Anywhere else.
    External,
}

/// Which targets a `rustc-link-arg*` instruction applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkArgTarget {
    /// `rustc-link-arg=FLAG`.
    All,
    /// `rustc-link-arg-cdylib=FLAG` or `rustc-cdylib-link-arg=FLAG`.
    Cdylib,
    /// `rustc-link-arg-bins=FLAG`.
    Bin,
    /// `rustc-link-arg-bin=BIN=FLAG`.
    SingleBin(String),
    /// `rustc-link-arg-tests=FLAG`.
    Test,
    /// `rustc-link-arg-benches=FLAG`.
    Bench,
    /// `rustc-link-arg-examples=FLAG`.
    Example,
}

/// How bad a message from the script is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// The parsed output of one build script run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOutput {
    /// `-L` paths, as printed: `native=/x` keeps its `KIND=` prefix, which
    /// goes to rustc verbatim (and to JSON messages as `linked_paths`).
    pub library_paths: Vec<(LibraryPathKind, PathBuf)>,
    /// `-l` values, as printed (`static=foo`, `foo`).
    pub library_links: Vec<String>,
    /// `-C link-arg=` values and the targets they apply to.
    pub linker_args: Vec<(LinkArgTarget, String)>,
    /// `--cfg` values.
    pub cfgs: Vec<String>,
    /// `--check-cfg` values.
    pub check_cfgs: Vec<String>,
    /// Environment variables for the package's rustc invocations.
    pub env: Vec<(String, String)>,
    /// `links` metadata passed to dependents as `DEP_<LINKS>_<KEY>`.
    pub metadata: Vec<(String, String)>,
    /// Paths that rerun the script when they change, as printed: relative
    /// ones are relative to the package root (see
    /// [`BuildOutput::rerun_if_changed_paths`]).
    pub rerun_if_changed: Vec<PathBuf>,
    /// Environment variables that rerun the script when they change.
    pub rerun_if_env_changed: Vec<String>,
    /// Warnings and errors in the order printed; cargo shows them in this
    /// order, and any error fails the build after the script finishes.
    pub log_messages: Vec<(Severity, String)>,
}

/// The targets of the package whose script ran: `rustc-link-arg-*`
/// instructions are checked against them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageTargets {
    /// Names of the `[[bin]]` targets.
    pub bins: Vec<String>,
    /// Whether there is an integration test target.
    pub has_tests: bool,
    /// Whether there is a benchmark target.
    pub has_benches: bool,
    /// Whether there is an example target.
    pub has_examples: bool,
    /// Whether the library's crate types include `cdylib`.
    pub has_cdylib: bool,
}

/// Everything about the package and the run that [`BuildOutput::parse`]
/// needs besides the text.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext<'a> {
    /// The package as cargo names it in messages: `foo v0.1.0 (/path)`.
    pub pkg_descr: &'a str,
    /// The crate name of the package's library target, if any
    /// (for the `RUSTC_BOOTSTRAP` rules).
    pub library_name: Option<&'a str>,
    /// The `OUT_DIR` of the current build.
    pub script_out_dir: &'a Path,
    /// The `OUT_DIR` the output was printed with, when it differs (the target
    /// directory moved); paths in values are rewritten from it.
    pub script_out_dir_when_generated: Option<&'a Path>,
    /// The package's targets.
    pub targets: &'a PackageTargets,
    /// The package's `rust-version`, if any.
    pub rust_version: Option<&'a PartialVersion>,
    /// Whether nightly features are allowed (a nightly toolchain or
    /// `RUSTC_BOOTSTRAP=1`): then `rustc-env=RUSTC_BOOTSTRAP=..` is a warning.
    pub nightly_features_allowed: bool,
    /// The value of `RUSTC_BOOTSTRAP` in mycargo's own environment: a
    /// comma-separated list naming the library also makes it a warning.
    pub rustc_bootstrap: Option<&'a str>,
}

/// A failure to parse or store build script output.
#[derive(Debug, thiserror::Error)]
pub enum BuildOutputError {
    /// The script printed something cargo rejects; the message is cargo's.
    #[error("{0}")]
    Invalid(String),
    /// A stored output file could not be read.
    #[error("failed to read `{}`", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written (the error names it).
    #[error(transparent)]
    Write(anyhow::Error),
}

/// The file names cargo uses in a build script's run directory
/// (`build/<pkg>-<hash>/`).
pub const OUTPUT_FILE: &str = "output";
/// The script's stderr.
pub const STDERR_FILE: &str = "stderr";
/// The `OUT_DIR` the script ran with, as bytes without a newline.
pub const ROOT_OUTPUT_FILE: &str = "root-output";

const DOCS_LINK_SUGGESTION: &str = "See https://doc.rust-lang.org/cargo/reference/build-scripts.html#outputs-of-the-build-script \
     for more information about build script outputs.";

/// Keys of the old `cargo:` syntax that are instructions rather than
/// metadata. No key can be added here without breaking old scripts.
const RESERVED_PREFIXES: &[&str] = &[
    "rustc-flags=",
    "rustc-link-lib=",
    "rustc-link-search=",
    "rustc-link-arg-cdylib=",
    "rustc-cdylib-link-arg=",
    "rustc-link-arg-bins=",
    "rustc-link-arg-bin=",
    "rustc-link-arg-tests=",
    "rustc-link-arg-benches=",
    "rustc-link-arg-examples=",
    "rustc-link-arg=",
    "rustc-cfg=",
    "rustc-check-cfg=",
    "rustc-env=",
    "warning=",
    "rerun-if-changed=",
    "rerun-if-env-changed=",
];

fn has_reserved_prefix(flag: &str) -> bool {
    RESERVED_PREFIXES.iter().any(|p| flag.starts_with(p))
}

fn invalid(msg: impl Into<String>) -> BuildOutputError {
    BuildOutputError::Invalid(msg.into())
}

impl BuildOutput {
    /// Parse a build script's stdout.
    pub fn parse(input: &[u8], cx: &ParseContext<'_>) -> Result<BuildOutput, BuildOutputError> {
        let mut out = BuildOutput::default();
        let whence = format!("build script of `{}`", cx.pkg_descr);
        let old_dir = cx
            .script_out_dir_when_generated
            .and_then(Path::to_str)
            .filter(|s| !s.is_empty());
        let new_dir = cx.script_out_dir.to_str();

        for raw in input.split(|b| *b == b'\n') {
            let Ok(line) = std::str::from_utf8(raw) else {
                continue;
            };
            let line = line.trim();
            let (old_syntax, key, value) = if let Some(data) = line.strip_prefix("cargo::") {
                check_msrv_for_new_syntax(cx, data)?;
                let (k, v) = split_directive(&whence, line, data, "cargo::")?;
                (false, k, v)
            } else if let Some(data) = line.strip_prefix("cargo:") {
                if has_reserved_prefix(data) {
                    let (k, v) = split_directive(&whence, line, data, "cargo:")?;
                    (true, k, v)
                } else {
                    (true, "metadata", data)
                }
            } else {
                continue;
            };
            // Rewrite paths if the target directory has moved.
            let value = match (old_dir, new_dir) {
                (Some(old), Some(new)) if old != new => value.replace(old, new),
                _ => value.to_string(),
            };
            let syntax = if old_syntax { "cargo:" } else { "cargo::" };
            out.apply(cx, &whence, line, syntax, key, value)?;
        }
        Ok(out)
    }

    /// Parse a stored `output` file.
    pub fn parse_file(path: &Path, cx: &ParseContext<'_>) -> Result<BuildOutput, BuildOutputError> {
        let bytes = std::fs::read(path).map_err(|source| BuildOutputError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        BuildOutput::parse(&bytes, cx)
    }

    fn apply(
        &mut self,
        cx: &ParseContext<'_>,
        whence: &str,
        line: &str,
        syntax: &str,
        key: &str,
        value: String,
    ) -> Result<(), BuildOutputError> {
        let missing_target = |kind: &str| {
            invalid(format!(
                "invalid instruction `{syntax}{key}` from {whence}\n\
                 The package {} does not have a {kind} target.",
                cx.pkg_descr
            ))
        };
        match key {
            "rustc-flags" => {
                let (paths, links) = parse_rustc_flags(&value, whence)?;
                self.library_links.extend(links);
                self.library_paths.extend(
                    paths
                        .into_iter()
                        .map(|p| (library_path_kind(&p, cx.script_out_dir), p)),
                );
            }
            "rustc-link-lib" => self.library_links.push(value),
            "rustc-link-search" => {
                let p = PathBuf::from(value);
                self.library_paths
                    .push((library_path_kind(&p, cx.script_out_dir), p));
            }
            "rustc-link-arg-cdylib" | "rustc-cdylib-link-arg" => {
                if !cx.targets.has_cdylib {
                    self.log_messages.push((
                        Severity::Warning,
                        format!(
                            "{syntax}{key} was specified in the build script of {}, \
                             but that package does not contain a cdylib target\n\
                             \n\
                             Allowing this was an unintended change in the 1.50 \
                             release, and may become an error in the future. \
                             For more information, see \
                             <https://github.com/rust-lang/cargo/issues/9562>.",
                            cx.pkg_descr
                        ),
                    ));
                }
                self.linker_args.push((LinkArgTarget::Cdylib, value));
            }
            "rustc-link-arg-bins" => {
                if cx.targets.bins.is_empty() {
                    return Err(missing_target("bin"));
                }
                self.linker_args.push((LinkArgTarget::Bin, value));
            }
            "rustc-link-arg-bin" => {
                let Some((bin, arg)) = value.split_once('=') else {
                    return Err(invalid(format!(
                        "invalid instruction `{syntax}{key}={value}` from {whence}\n\
                         The instruction should have the form {syntax}{key}=BIN=ARG"
                    )));
                };
                if !cx.targets.bins.iter().any(|b| b == bin) {
                    return Err(invalid(format!(
                        "invalid instruction `{syntax}{key}` from {whence}\n\
                         The package {} does not have a bin target with the name `{bin}`.",
                        cx.pkg_descr
                    )));
                }
                self.linker_args
                    .push((LinkArgTarget::SingleBin(bin.to_string()), arg.to_string()));
            }
            "rustc-link-arg-tests" => {
                if !cx.targets.has_tests {
                    return Err(missing_target("test"));
                }
                self.linker_args.push((LinkArgTarget::Test, value));
            }
            "rustc-link-arg-benches" => {
                if !cx.targets.has_benches {
                    return Err(missing_target("benchmark"));
                }
                self.linker_args.push((LinkArgTarget::Bench, value));
            }
            "rustc-link-arg-examples" => {
                if !cx.targets.has_examples {
                    return Err(missing_target("example"));
                }
                self.linker_args.push((LinkArgTarget::Example, value));
            }
            "rustc-link-arg" => self.linker_args.push((LinkArgTarget::All, value)),
            "rustc-cfg" => self.cfgs.push(value),
            "rustc-check-cfg" => self.check_cfgs.push(value),
            "rustc-env" => {
                let (name, val) = parse_rustc_env(&value, whence)?;
                if name == "RUSTC_BOOTSTRAP" {
                    self.rustc_bootstrap(cx, whence, &val)?;
                } else {
                    self.env.push((name, val));
                }
            }
            "error" => self.log_messages.push((Severity::Error, value)),
            "warning" => self.log_messages.push((Severity::Warning, value)),
            "rerun-if-changed" => self.rerun_if_changed.push(PathBuf::from(value)),
            "rerun-if-env-changed" => self.rerun_if_env_changed.push(value),
            "metadata" => {
                let Some((k, v)) = value.split_once('=') else {
                    let expected = if syntax == "cargo:" {
                        "cargo:"
                    } else {
                        "cargo::metadata="
                    };
                    return Err(invalid(format!(
                        "invalid output in {whence}: `{line}`\n\
                         Expected a line with `{expected}KEY=VALUE` with an `=` character, \
                         but none was found.\n\
                         {DOCS_LINK_SUGGESTION}"
                    )));
                };
                self.metadata
                    .push((k.to_string(), v.trim_end().to_string()));
            }
            _ => {
                return Err(invalid(format!(
                    "invalid output in {whence}: `{line}`\n\
                     Unknown key: `{key}`.\n\
                     {DOCS_LINK_SUGGESTION}"
                )));
            }
        }
        Ok(())
    }

    /// Build scripts may not set `RUSTC_BOOTSTRAP` for their crate: an error,
    /// or only a warning when the user could have done it anyway (nightly, or
    /// `RUSTC_BOOTSTRAP` in cargo's environment naming this library).
    fn rustc_bootstrap(
        &mut self,
        cx: &ParseContext<'_>,
        whence: &str,
        val: &str,
    ) -> Result<(), BuildOutputError> {
        let allowed_by_env = match (cx.library_name, cx.rustc_bootstrap) {
            (Some(name), Some(var)) => var.split(',').any(|s| s == name),
            _ => false,
        };
        let msg = format!(
            "cannot set `RUSTC_BOOTSTRAP={val}` from {whence}.\n\
             note: crates cannot set `RUSTC_BOOTSTRAP` themselves, as doing so would \
             subvert the stability guarantees of Rust for your project."
        );
        if cx.nightly_features_allowed || allowed_by_env {
            self.log_messages.push((Severity::Warning, msg));
            Ok(())
        } else {
            Err(invalid(format!(
                "{msg}\n\
                 help: If you're sure you want to do this in your project, set the \
                 environment variable `RUSTC_BOOTSTRAP={}` before running cargo instead.",
                cx.library_name.unwrap_or("1")
            )))
        }
    }

    /// The warnings, in order.
    pub fn warnings(&self) -> impl Iterator<Item = &str> {
        self.messages(Severity::Warning)
    }

    /// The errors (`cargo::error=`), in order.
    pub fn errors(&self) -> impl Iterator<Item = &str> {
        self.messages(Severity::Error)
    }

    fn messages(&self, severity: Severity) -> impl Iterator<Item = &str> {
        self.log_messages
            .iter()
            .filter(move |(s, _)| *s == severity)
            .map(|(_, m)| m.as_str())
    }

    /// Whether the script printed any `cargo::error=`: the build fails.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The `rerun-if-changed` paths made absolute: relative ones are
    /// relative to the package root.
    pub fn rerun_if_changed_paths(&self, pkg_root: &Path) -> Vec<PathBuf> {
        self.rerun_if_changed
            .iter()
            .map(|p| pkg_root.join(p))
            .collect()
    }
}

/// The search path of a `rustc-link-search` value without its `KIND=`.
fn dynamic_search_path(path: &Path) -> &Path {
    search_path_parts(path).1
}

/// Split a `-L` value into its kind (`native`, `crate`, `dependency`,
/// `framework`, `all`) and path. Another prefix is part of the path.
pub fn search_path_parts(path: &Path) -> (Option<&str>, &Path) {
    match path.to_str().and_then(|s| s.split_once('=')) {
        Some((kind @ ("native" | "crate" | "dependency" | "framework" | "all"), p)) => {
            (Some(kind), Path::new(p))
        }
        _ => (None, path),
    }
}

fn library_path_kind(path: &Path, script_out_dir: &Path) -> LibraryPathKind {
    if dynamic_search_path(path).starts_with(script_out_dir) {
        LibraryPathKind::CargoArtifact
    } else {
        LibraryPathKind::External
    }
}

/// Order library search paths for the linker: paths inside build script
/// `OUT_DIR`s first, then the rest, each group in the given order.
pub fn order_for_linker<'a>(
    paths: impl IntoIterator<Item = &'a (LibraryPathKind, PathBuf)>,
) -> Vec<&'a Path> {
    let (mut inside, outside): (Vec<_>, Vec<_>) = paths
        .into_iter()
        .partition(|(kind, _)| *kind == LibraryPathKind::CargoArtifact);
    inside.extend(outside);
    inside.into_iter().map(|(_, p)| p.as_path()).collect()
}

/// `KEY=VALUE` after the `cargo:`/`cargo::` prefix.
fn split_directive<'a>(
    whence: &str,
    line: &str,
    data: &'a str,
    syntax: &str,
) -> Result<(&'a str, &'a str), BuildOutputError> {
    match data.split_once('=') {
        Some((k, v)) => Ok((k, v.trim_end())),
        None => Err(invalid(format!(
            "invalid output in {whence}: `{line}`\n\
             Expected a line with `{syntax}KEY=VALUE` with an `=` character, \
             but none was found.\n\
             {DOCS_LINK_SUGGESTION}"
        ))),
    }
}

/// `cargo::` needs a `rust-version` of at least 1.77 (compared as cargo
/// does: a caret requirement `^1.77.0` against the declared version).
fn check_msrv_for_new_syntax(cx: &ParseContext<'_>, flag: &str) -> Result<(), BuildOutputError> {
    let Some(msrv) = cx.rust_version else {
        return Ok(());
    };
    let minor = msrv.minor.unwrap_or(0);
    if msrv.major == 1 && minor >= 77 {
        return Ok(());
    }
    let suggestion = if has_reserved_prefix(flag) {
        format!("Switch to the old `cargo:{flag}` syntax (note the single colon).\n")
    } else if let Some(old) = flag.strip_prefix("metadata=") {
        format!(
            "Switch to the old `cargo:{old}` syntax instead of `cargo::{flag}` \
             (note the single colon).\n"
        )
    } else {
        String::new()
    };
    Err(invalid(format!(
        "the `cargo::` syntax for build script output instructions was added in \
         Rust 1.77.0, but the minimum supported Rust version of `{}` is {msrv}.\n\
         {suggestion}{DOCS_LINK_SUGGESTION}",
        cx.pkg_descr
    )))
}

/// `rustc-flags`: only `-l` and `-L`, with or without a space before the
/// value. Returns the search paths and the libraries.
pub fn parse_rustc_flags(
    value: &str,
    whence: &str,
) -> Result<(Vec<PathBuf>, Vec<String>), BuildOutputError> {
    let mut words = value
        .trim()
        .split(char::is_whitespace)
        .filter(|w| !w.is_empty());
    let mut paths = Vec::new();
    let mut links = Vec::new();
    while let Some(word) = words.next() {
        let (flag, rest) = if word.starts_with("-l") || word.starts_with("-L") {
            word.split_at(2)
        } else {
            return Err(invalid(format!(
                "only `-l` and `-L` flags are allowed in {whence}: `{value}`"
            )));
        };
        let arg = if rest.is_empty() {
            match words.next() {
                Some(next) => next,
                None => {
                    return Err(invalid(format!(
                        "flag in rustc-flags has no value in {whence}: {rest}"
                    )));
                }
            }
        } else {
            rest
        };
        if flag == "-l" {
            links.push(arg.to_string());
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    Ok((paths, links))
}

/// `rustc-env=NAME=VALUE`.
pub fn parse_rustc_env(value: &str, whence: &str) -> Result<(String, String), BuildOutputError> {
    match value.split_once('=') {
        Some((n, v)) => Ok((n.to_string(), v.to_string())),
        None => Err(invalid(format!(
            "Variable rustc-env has no value in {whence}: {value}"
        ))),
    }
}

/// A name as an environment variable name part: upper case, `-` as `_`.
pub fn envify(s: &str) -> String {
    s.chars()
        .flat_map(char::to_uppercase)
        .map(|c| if c == '-' { '_' } else { c })
        .collect()
}

/// The variables a package with `links = "<links>"` passes to the build
/// scripts of the packages that depend on it directly: `DEP_<LINKS>_<KEY>`.
pub fn dep_env_vars(links: &str, metadata: &[(String, String)]) -> Vec<(String, String)> {
    let links = envify(links);
    metadata
        .iter()
        .map(|(k, v)| (format!("DEP_{links}_{}", envify(k)), v.clone()))
        .collect()
}

/// Store the results of a run in its run directory (`build/<pkg>-<hash>/`):
/// the raw stdout in `output`, stderr in `stderr`, and the `OUT_DIR` in
/// `root-output`, as cargo does.
pub fn write_run_files(
    run_dir: &Path,
    output_file: &Path,
    stdout: &[u8],
    stderr: &[u8],
    script_out_dir: &Path,
) -> Result<(), BuildOutputError> {
    use mycargo_util::fs::write_atomic_nosync as write_atomic;
    std::fs::create_dir_all(run_dir).map_err(|e| BuildOutputError::Write(anyhow::Error::new(e)))?;
    write_atomic(output_file, stdout).map_err(BuildOutputError::Write)?;
    write_atomic(&run_dir.join(STDERR_FILE), stderr).map_err(BuildOutputError::Write)?;
    write_atomic(&run_dir.join(ROOT_OUTPUT_FILE), path_bytes(script_out_dir))
        .map_err(BuildOutputError::Write)?;
    // cargo's marker of the run (kept for cargo's reading of the directory).
    write_atomic(&run_dir.join("invoked.timestamp"), b"").map_err(BuildOutputError::Write)?;
    Ok(())
}

/// The output of the previous run stored in `run_dir`, parsed again with the
/// `OUT_DIR` it ran with (from `root-output`) rewritten to
/// `cx.script_out_dir`. `None` when there was no previous run.
pub fn read_previous(
    run_dir: &Path,
    cx: &ParseContext<'_>,
) -> Result<Option<BuildOutput>, BuildOutputError> {
    let output = run_dir.join(OUTPUT_FILE);
    let bytes = match std::fs::read(&output) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(BuildOutputError::Read {
                path: output,
                source,
            });
        }
    };
    let prev_out_dir = std::fs::read(run_dir.join(ROOT_OUTPUT_FILE))
        .ok()
        .and_then(bytes_path);
    let cx = ParseContext {
        script_out_dir_when_generated: prev_out_dir.as_deref().or(cx.script_out_dir_when_generated),
        ..*cx
    };
    BuildOutput::parse(&bytes, &cx).map(Some)
}

#[cfg(unix)]
fn path_bytes(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(p: &Path) -> Vec<u8> {
    p.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
fn bytes_path(b: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(b)))
}

#[cfg(not(unix))]
fn bytes_path(b: Vec<u8>) -> Option<PathBuf> {
    String::from_utf8(b).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests;
