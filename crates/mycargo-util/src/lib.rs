//! Shared plumbing for every mycargo crate: the [`Shell`] all output goes
//! through, error types that carry an exit code, TOML diagnostics rendered the
//! way cargo renders them, atomic file writes, process helpers and the one
//! snapshot of the environment ([`Env`]) that the rest of the program reads.

pub mod bytes;
pub mod diagnostic;
pub mod edit_distance;
pub mod env;
pub mod errors;
pub mod fs;
pub mod log;
pub mod process;
pub mod shell;
pub mod time;

pub use diagnostic::{Report, TomlDiagnostic};
pub use env::Env;
pub use errors::{CliError, CliResult};
pub use shell::{ColorChoice, Shell, Verbosity};
