//! Running other programs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::errors::CliError;

/// Replace this process with `cmd` (Unix `exec`). Elsewhere, run it and exit
/// with its status. Only returns on failure.
pub fn exec_replace(cmd: &mut Command) -> CliError {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        CliError::new(
            anyhow::Error::new(err).context(format!(
                "could not execute process `{}` (never executed)",
                display_command(cmd)
            )),
            101,
        )
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(s) => CliError::code(s.code().unwrap_or(101)),
            Err(e) => CliError::new(
                anyhow::Error::new(e).context(format!(
                    "could not execute process `{}` (never executed)",
                    display_command(cmd)
                )),
                101,
            ),
        }
    }
}

/// `program arg arg` as cargo shows a command line.
pub fn display_command(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Whether `path` is a file this user may execute.
pub fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Find `name` in `dirs`, first match wins.
pub fn find_in_dirs(name: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    dirs.iter()
        .map(|d| d.join(&file))
        .find(|p| is_executable(p))
}

/// Start a new session (so a test can interrupt this process and all its
/// children as one group), when cargo's testsuite asks for it with
/// `__CARGO_TEST_SETSID_PLEASE_DONT_USE_ELSEWHERE`. A test-only hook.
pub fn setsid_if_testsuite_asks() {
    #[cfg(unix)]
    if std::env::var_os("__CARGO_TEST_SETSID_PLEASE_DONT_USE_ELSEWHERE").is_some() {
        // SAFETY: setsid takes no pointers; failure (already a group
        // leader) leaves the process as it was.
        #[allow(unsafe_code)]
        unsafe {
            libc::setsid();
        }
    }
}

/// How a process ended, in cargo's words: `exit status: 3`, or
/// `signal: 6, SIGABRT: process abort signal` (with ` (core dumped)`).
pub fn exit_status_text(status: &std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status: {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let core = if status.core_dumped() {
                " (core dumped)"
            } else {
                ""
            };
            return format!("signal: {sig}{}{core}", signal_name(sig));
        }
    }
    status.to_string()
}

/// cargo's words for the common signals (Linux numbering).
fn signal_name(sig: i32) -> &'static str {
    if !cfg!(target_os = "linux") {
        return "";
    }
    match sig {
        1 => ", SIGHUP: hangup",
        2 => ", SIGINT: terminal interrupt signal",
        3 => ", SIGQUIT: terminal quit signal",
        4 => ", SIGILL: illegal instruction",
        5 => ", SIGTRAP: trace/breakpoint trap",
        6 => ", SIGABRT: process abort signal",
        7 => ", SIGBUS: access to undefined memory",
        8 => ", SIGFPE: erroneous arithmetic operation",
        9 => ", SIGKILL: kill",
        11 => ", SIGSEGV: invalid memory reference",
        13 => ", SIGPIPE: write on a pipe with no one to read",
        14 => ", SIGALRM: alarm clock",
        15 => ", SIGTERM: termination signal",
        31 => ", SIGSYS: bad system call",
        _ => "",
    }
}
