//! Errors at the edge of the program: an error with the exit code it ends in.

use std::fmt;

/// The result of a whole command.
pub type CliResult = Result<(), CliError>;

/// An error that ends the process with `exit_code`. `error: None` means the
/// message was already printed (or there is none, as for a plugin's exit code).
#[derive(Debug)]
pub struct CliError {
    pub error: Option<anyhow::Error>,
    pub exit_code: i32,
}

impl CliError {
    pub fn new(error: anyhow::Error, exit_code: i32) -> CliError {
        CliError {
            error: Some(error),
            exit_code,
        }
    }

    /// Exit with `code` and print nothing more.
    pub fn code(exit_code: i32) -> CliError {
        CliError {
            error: None,
            exit_code,
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(err: anyhow::Error) -> CliError {
        CliError::new(err, 101)
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> CliError {
        CliError::new(err.into(), 101)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(e) => write!(f, "{e}"),
            None => write!(f, "exit code {}", self.exit_code),
        }
    }
}

/// An error whose message is already on stderr (cargo's
/// `AlreadyPrintedError`): printing an error chain stops where it is met.
#[derive(Debug)]
pub struct AlreadyPrintedError(pub String);

impl fmt::Display for AlreadyPrintedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AlreadyPrintedError {}

/// An error whose message is printed, but whose causes are only shown with
/// `--verbose` (cargo's `VerboseError`).
#[derive(Debug)]
pub struct VerboseError(pub anyhow::Error);

impl fmt::Display for VerboseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for VerboseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
