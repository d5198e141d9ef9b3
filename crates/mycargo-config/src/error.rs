//! Errors about a config value, worded as cargo words them.

use crate::value::Definition;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A typed getter found another type:
    /// ``error in /w/.cargo/config.toml: `build.jobs` expected an integer, but found a string``.
    #[error("error in {definition}: `{key}` expected {expected}, but found a {found}")]
    Expected {
        key: String,
        expected: &'static str,
        found: &'static str,
        definition: Definition,
    },
    /// A value that could not be used, e.g. an environment variable that
    /// does not parse: ``error in environment variable `CARGO_X`: ...``.
    #[error("error in {definition}: {message}")]
    Invalid {
        definition: Definition,
        message: String,
    },
    /// A whole key of the wrong shape (cargo's `GlobalContext::expected`).
    #[error(
        "invalid configuration for key `{key}`\nexpected a {expected}, but found a {found} for `{key}` in {definition}"
    )]
    InvalidKey {
        key: String,
        expected: &'static str,
        found: &'static str,
        definition: Definition,
    },
    /// A dotted key walks through a value that is not a table.
    #[error("expected table for configuration key `{key}`, but found {found} in {definition}")]
    NotATable {
        key: String,
        found: &'static str,
        definition: Definition,
    },
}

impl ConfigError {
    /// Where the offending value was defined.
    pub fn definition(&self) -> &Definition {
        match self {
            ConfigError::Expected { definition, .. }
            | ConfigError::Invalid { definition, .. }
            | ConfigError::InvalidKey { definition, .. }
            | ConfigError::NotATable { definition, .. } => definition,
        }
    }
}
