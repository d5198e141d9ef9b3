//! Running mycargo, the installed cargo, or any program, in a hermetic
//! environment, and checking what it did.
//!
//! The environment starts from the test process's own and then:
//! - drops every `CARGO*`/`__CARGO*` and `GIT_*` variable, the rustc and
//!   rustdoc flag and wrapper variables, jobserver `MAKEFLAGS`, colour and
//!   terminal variables, proxies and backtrace settings;
//! - sets `HOME` and `CARGO_HOME` inside the test root, `RUSTUP_HOME` to the
//!   real one (so rustup's proxies still find the toolchain once HOME moved),
//!   `COLUMNS=100`, `TERM=dumb`, `CARGO_TERM_COLOR=never`, a fixed git
//!   identity, `GIT_CONFIG_NOSYSTEM=1` and `GIT_CEILING_DIRECTORIES` at the
//!   root's parent.
//!
//! `PATH`, `RUSTUP_TOOLCHAIN` and the rest are kept.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;

use snapbox::{Data, IntoData};

use crate::project::TestRoot;
use crate::redact::{Redactor, cargo_to_mycargo};

/// Which tool a command runs (and whose home it gets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    Mycargo,
    Cargo,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Mycargo => "mycargo",
            Tool::Cargo => "cargo",
        }
    }

    /// The binary this tool runs.
    pub fn bin(self) -> PathBuf {
        match self {
            Tool::Mycargo => mycargo_bin(),
            Tool::Cargo => cargo_bin(),
        }
    }
}

static MYCARGO_BIN: OnceLock<PathBuf> = OnceLock::new();

/// Tell the support crate where the mycargo binary is; integration tests
/// pass `env!("CARGO_BIN_EXE_mycargo")`. The first call wins.
pub fn set_mycargo_bin(path: impl Into<PathBuf>) {
    let _ = MYCARGO_BIN.set(path.into());
}

/// The mycargo binary under test: the path given to [`set_mycargo_bin`],
/// else `CARGO_BIN_EXE_mycargo` (cargo sets it when running integration
/// tests), else `mycargo` next to the test binary's `deps` directory.
pub fn mycargo_bin() -> PathBuf {
    MYCARGO_BIN
        .get_or_init(|| {
            if let Some(p) = std::env::var_os("CARGO_BIN_EXE_mycargo") {
                return PathBuf::from(p);
            }
            let exe = std::env::current_exe().expect("current_exe");
            let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
            if dir.ends_with("deps") {
                dir.pop();
            }
            dir.join(format!("mycargo{}", std::env::consts::EXE_SUFFIX))
        })
        .clone()
}

/// The installed cargo: the active toolchain's binary (`rustup which cargo`),
/// resolved once, or `cargo` from PATH when rustup is not there.
pub fn cargo_bin() -> PathBuf {
    static CARGO: OnceLock<PathBuf> = OnceLock::new();
    CARGO
        .get_or_init(|| {
            let out = Command::new("rustup")
                .args(["which", "cargo"])
                .stderr(Stdio::null())
                .output();
            if let Ok(out) = out
                && out.status.success()
            {
                let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
                if !s.is_empty() && Path::new(&s).is_file() {
                    return PathBuf::from(s);
                }
            }
            PathBuf::from("cargo")
        })
        .clone()
}

/// `RUSTUP_HOME` of the real user, read before any test changes HOME.
fn real_rustup_home() -> Option<PathBuf> {
    static HOME: OnceLock<Option<PathBuf>> = OnceLock::new();
    HOME.get_or_init(|| {
        if let Some(h) = std::env::var_os("RUSTUP_HOME").filter(|h| !h.is_empty()) {
            return Some(PathBuf::from(h));
        }
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
        let p = PathBuf::from(home).join(".rustup");
        p.is_dir().then_some(p)
    })
    .clone()
}

/// Variables removed from the environment of every command.
fn is_scrubbed(key: &str) -> bool {
    const EXACT: &[&str] = &[
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_BOOTSTRAP",
        "RUSTFMT",
        "RUST_LOG",
        "RUST_BACKTRACE",
        "RUST_LIB_BACKTRACE",
        "RUST_RECURSION_COUNT",
        "MAKEFLAGS",
        "MFLAGS",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "TERM",
        "COLUMNS",
        "LINES",
        "HOME",
        "XDG_CONFIG_HOME",
        "EMAIL",
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ];
    key == "CARGO"
        || key.starts_with("CARGO_")
        || key.starts_with("__CARGO")
        || key.starts_with("GIT_")
        || EXACT.contains(&key)
}

/// The hermetic environment for a command of `tool` in `root`.
pub fn hermetic_env(tool: Tool, root: &TestRoot) -> BTreeMap<OsString, OsString> {
    let mut env: BTreeMap<OsString, OsString> = std::env::vars_os()
        .filter(|(k, _)| !k.to_str().is_some_and(is_scrubbed))
        .collect();
    let home = root.home(tool);
    let mut set = |k: &str, v: &OsStr| {
        env.insert(k.into(), v.to_os_string());
    };
    set("HOME", home.as_os_str());
    set("CARGO_HOME", root.cargo_home(tool).as_os_str());
    set("XDG_CONFIG_HOME", home.join(".config").as_os_str());
    if let Some(rh) = real_rustup_home() {
        set("RUSTUP_HOME", rh.as_os_str());
    }
    set("COLUMNS", OsStr::new("100"));
    set("TERM", OsStr::new("dumb"));
    set("CARGO_TERM_COLOR", OsStr::new("never"));
    set("GIT_CONFIG_NOSYSTEM", OsStr::new("1"));
    set("GIT_AUTHOR_NAME", OsStr::new("mycargo-test"));
    set("GIT_AUTHOR_EMAIL", OsStr::new("mycargo-test@example.com"));
    set("GIT_COMMITTER_NAME", OsStr::new("mycargo-test"));
    set(
        "GIT_COMMITTER_EMAIL",
        OsStr::new("mycargo-test@example.com"),
    );
    let ceiling = root.path().parent().unwrap_or(root.path());
    set("GIT_CEILING_DIRECTORIES", ceiling.as_os_str());
    env
}

/// A command to run, with the expectations to check on it.
#[derive(Debug)]
pub struct Execs {
    tool: Option<Tool>,
    program: OsString,
    args: Vec<OsString>,
    cwd: PathBuf,
    env: BTreeMap<OsString, OsString>,
    root: TestRoot,
    home: PathBuf,
    stdin: Option<Vec<u8>>,
    redact_cwd: bool,
    expect_status: Option<i32>,
    expect_stdout: Option<Data>,
    expect_stderr: Option<Data>,
    stdout_contains: Vec<String>,
    stderr_contains: Vec<String>,
    stdout_not_contains: Vec<String>,
    stderr_not_contains: Vec<String>,
}

impl Execs {
    /// `tool` with no arguments, in `cwd`.
    pub fn new(tool: Tool, root: &TestRoot, cwd: &Path) -> Execs {
        let mut e = Execs::program(tool.bin(), tool, root, cwd);
        e.tool = Some(tool);
        e
    }

    /// Any program, in the hermetic environment of `env_of`.
    pub fn program(program: impl AsRef<OsStr>, env_of: Tool, root: &TestRoot, cwd: &Path) -> Execs {
        Execs {
            tool: None,
            program: program.as_ref().to_os_string(),
            args: Vec::new(),
            cwd: cwd.to_path_buf(),
            env: hermetic_env(env_of, root),
            root: root.clone(),
            home: root.home(env_of),
            stdin: None,
            redact_cwd: false,
            expect_status: Some(0),
            expect_stdout: None,
            expect_stderr: None,
            stdout_contains: Vec::new(),
            stderr_contains: Vec::new(),
            stdout_not_contains: Vec::new(),
            stderr_not_contains: Vec::new(),
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .insert(key.as_ref().to_os_string(), value.as_ref().to_os_string());
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.env.remove(key.as_ref());
        self
    }

    /// Run in `dir`; a relative path is taken from the current directory of
    /// the command (the project directory by default).
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = self.cwd.join(dir);
        self
    }

    /// Feed `input` on stdin (default: no stdin).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Also redact the working directory as `[CWD]`.
    pub fn redact_cwd(mut self) -> Self {
        self.redact_cwd = true;
        self
    }

    /// Expect this exit code (default 0).
    pub fn with_status(mut self, code: i32) -> Self {
        self.expect_status = Some(code);
        self
    }

    /// Accept any exit code.
    pub fn with_any_status(mut self) -> Self {
        self.expect_status = None;
        self
    }

    /// Expect stdout to match `expected` after redaction (`...` and `[..]`
    /// wildcards allowed).
    pub fn with_stdout_data(mut self, expected: impl IntoData) -> Self {
        self.expect_stdout = Some(expected.into_data());
        self
    }

    /// Expect stderr to match `expected` after redaction.
    pub fn with_stderr_data(mut self, expected: impl IntoData) -> Self {
        self.expect_stderr = Some(expected.into_data());
        self
    }

    /// Expect the redacted stdout to contain `text`.
    pub fn with_stdout_contains(mut self, text: impl Into<String>) -> Self {
        self.stdout_contains.push(text.into());
        self
    }

    /// Expect the redacted stderr to contain `text`.
    pub fn with_stderr_contains(mut self, text: impl Into<String>) -> Self {
        self.stderr_contains.push(text.into());
        self
    }

    pub fn with_stdout_does_not_contain(mut self, text: impl Into<String>) -> Self {
        self.stdout_not_contains.push(text.into());
        self
    }

    pub fn with_stderr_does_not_contain(mut self, text: impl Into<String>) -> Self {
        self.stderr_not_contains.push(text.into());
        self
    }

    /// The redactions used for this command's output.
    pub fn redactor(&self) -> Redactor {
        let mut r = Redactor::new();
        // A tool's own home reads as the shared one, so the output of two
        // tools with separate homes compares equal.
        r = r.path(&self.home, "[ROOT]/home");
        if self.redact_cwd {
            r = r.path(&self.cwd, "[CWD]");
        }
        r.path(self.root.path(), "[ROOT]")
    }

    /// The command line, for messages.
    pub fn display(&self) -> String {
        let mut s = match self.tool {
            Some(t) => t.name().to_string(),
            None => self.program.to_string_lossy().into_owned(),
        };
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }

    /// The command, hermetic environment and all, for a test that drives
    /// the process itself (closes its pipes, interrupts it).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .current_dir(&self.cwd)
            .env_clear()
            .envs(&self.env);
        cmd
    }

    /// Run the command without checking anything.
    pub fn output(&self) -> Output {
        let mut cmd = self.command();
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "could not run `{}` ({}): {e}",
                self.display(),
                Path::new(&self.program).display()
            )
        });
        if let Some(input) = &self.stdin
            && let Some(mut pipe) = child.stdin.take()
        {
            let _ = pipe.write_all(input);
        }
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("could not wait for `{}`: {e}", self.display()));
        Output {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            command: self.display(),
            tool: self.tool,
            redactor: self.redactor(),
        }
    }

    /// Run the command and check every expectation; panic with the full
    /// output when one fails.
    #[track_caller]
    pub fn run(self) -> Output {
        let out = self.output();
        if let Err(msg) = self.check(&out) {
            panic!("{msg}\n{}", out.describe());
        }
        out
    }

    fn check(&self, out: &Output) -> Result<(), String> {
        if let Some(code) = self.expect_status
            && out.status.code() != Some(code)
        {
            return Err(format!(
                "`{}`: expected exit code {code}, got {}",
                self.display(),
                out.status
            ));
        }
        let stdout = out.stdout_redacted();
        let stderr = out.stderr_redacted();
        for (what, text, wanted) in [
            ("stdout", &stdout, &self.stdout_contains),
            ("stderr", &stderr, &self.stderr_contains),
        ] {
            for w in wanted {
                if !text.contains(w.as_str()) {
                    return Err(format!(
                        "`{}`: {what} does not contain {w:?}",
                        self.display()
                    ));
                }
            }
        }
        for (what, text, unwanted) in [
            ("stdout", &stdout, &self.stdout_not_contains),
            ("stderr", &stderr, &self.stderr_not_contains),
        ] {
            for w in unwanted {
                if text.contains(w.as_str()) {
                    return Err(format!("`{}`: {what} contains {w:?}", self.display()));
                }
            }
        }
        let assert = snapbox::Assert::new().action_env(snapbox::assert::DEFAULT_ACTION_ENV);
        for (what, text, expected) in [
            ("stdout", stdout, &self.expect_stdout),
            ("stderr", stderr, &self.expect_stderr),
        ] {
            if let Some(expected) = expected
                && let Err(e) = assert.try_eq(Some(&what), Data::text(text), expected.clone())
            {
                return Err(format!("`{}`: {what} mismatch\n{e}", self.display()));
            }
        }
        Ok(())
    }
}

/// What a finished command did.
#[derive(Clone, Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The command line, for messages.
    pub command: String,
    pub tool: Option<Tool>,
    redactor: Redactor,
}

impl Output {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn stdout_redacted(&self) -> String {
        self.redactor.redact(&self.stdout)
    }

    /// Redacted stderr, commands named `` `mycargo ...` ``: mycargo says
    /// `` `cargo ...` `` where cargo's words are the spec (hints to run a
    /// command), and tests read one spelling for both tools.
    pub fn stderr_redacted(&self) -> String {
        cargo_to_mycargo(&self.redactor.redact(&self.stderr))
    }

    /// Redacted stderr in mycargo's words: for cargo's output, command
    /// names such as `` `cargo init` `` read `` `mycargo init` ``.
    pub fn stderr_as_mycargo(&self) -> String {
        self.stderr_redacted()
    }

    /// Redacted stdout in mycargo's words.
    pub fn stdout_as_mycargo(&self) -> String {
        let s = self.stdout_redacted();
        match self.tool {
            Some(Tool::Cargo) => cargo_to_mycargo(&s),
            _ => s,
        }
    }

    /// Status, stdout and stderr, for failure messages.
    pub fn describe(&self) -> String {
        format!(
            "--- command: {}\n--- status: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbed_variables() {
        for k in [
            "CARGO",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "__CARGO_FIX_PLZ",
            "RUSTFLAGS",
            "RUSTC_WRAPPER",
            "GIT_DIR",
            "MAKEFLAGS",
            "NO_COLOR",
        ] {
            assert!(is_scrubbed(k), "{k}");
        }
        for k in [
            "PATH",
            "RUSTUP_TOOLCHAIN",
            "RUSTUP_HOME",
            "LD_LIBRARY_PATH",
            "CARGOX",
        ] {
            assert!(!is_scrubbed(k), "{k}");
        }
    }

    #[test]
    fn hermetic_env_points_into_root() {
        let root = TestRoot::new();
        let env = hermetic_env(Tool::Cargo, &root);
        let get = |k: &str| env.get(OsStr::new(k)).map(PathBuf::from);
        assert_eq!(get("HOME"), Some(root.join("home")));
        assert_eq!(get("CARGO_HOME"), Some(root.join("home/.cargo")));
        assert_eq!(
            env.get(OsStr::new("CARGO_TERM_COLOR")),
            Some(&OsString::from("never"))
        );
        assert!(!env.contains_key(OsStr::new("CARGO_PKG_NAME")));
        assert!(!env.contains_key(OsStr::new("RUSTFLAGS")));
    }

    #[test]
    fn runs_a_program_and_checks() {
        let p = crate::project().build();
        let out = p
            .process("sh")
            .args(["-c", "pwd; echo \"$HOME\" >&2; exit 3"])
            .with_status(3)
            .with_stdout_data(snapbox::str![[r#"
[ROOT]/foo

"#]])
            .with_stderr_contains("[ROOT]/home")
            .run();
        assert_eq!(out.code(), Some(3));
    }

    #[test]
    #[should_panic(expected = "expected exit code 0")]
    fn failing_status_panics() {
        let p = crate::project().build();
        p.process("false").run();
    }

    #[test]
    fn separate_home_reads_as_shared() {
        let p = crate::project().separate_homes().build();
        let out = p.process("sh").args(["-c", "echo \"$CARGO_HOME\""]).run();
        assert_eq!(out.stdout_redacted(), "[ROOT]/home/.cargo\n");
    }

    #[test]
    fn cargo_is_found() {
        let c = cargo_bin();
        assert!(c.ends_with("cargo") || c.ends_with("cargo.exe"));
    }
}
