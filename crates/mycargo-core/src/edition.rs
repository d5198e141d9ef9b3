//! Rust editions and their parsing with cargo's messages.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Edition {
    #[default]
    Edition2015,
    Edition2018,
    Edition2021,
    Edition2024,
}

impl Edition {
    pub const LATEST_STABLE: Edition = Edition::Edition2024;
    pub const ALL: [Edition; 4] = [
        Edition::Edition2015,
        Edition::Edition2018,
        Edition::Edition2021,
        Edition::Edition2024,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Edition2015 => "2015",
            Edition::Edition2018 => "2018",
            Edition::Edition2021 => "2021",
            Edition::Edition2024 => "2024",
        }
    }

    /// The resolver version this edition implies by default.
    pub fn default_resolver(self) -> &'static str {
        match self {
            Edition::Edition2015 | Edition::Edition2018 => "1",
            Edition::Edition2021 => "2",
            Edition::Edition2024 => "3",
        }
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An edition string cargo does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditionError {
    #[error(
        "this version of Cargo is older than the `{0}` edition, and only supports `2015`, `2018`, `2021`, and `2024` editions."
    )]
    TooNew(String),
    #[error(
        "feature `unstable-editions` is required\n\n\
         The package requires the Cargo feature called `unstable-editions`, but that feature is not stabilized in this version of Cargo.\n\
         Consider trying a newer version of Cargo (this may require the nightly release).\n\
         See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html#unstable-editions for more information about the status of this feature."
    )]
    Future,
    #[error("supported edition values are `2015`, `2018`, `2021`, or `2024`, but `{0}` is unknown")]
    Unknown(String),
}

impl FromStr for Edition {
    type Err = EditionError;

    fn from_str(s: &str) -> Result<Edition, EditionError> {
        match s {
            "2015" => Ok(Edition::Edition2015),
            "2018" => Ok(Edition::Edition2018),
            "2021" => Ok(Edition::Edition2021),
            "2024" => Ok(Edition::Edition2024),
            "future" => Err(EditionError::Future),
            s if s.parse::<u16>().is_ok_and(|y| y > 2024 && s.len() == 4) => {
                Err(EditionError::TooNew(s.to_string()))
            }
            s => Err(EditionError::Unknown(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse() {
        assert_eq!("2021".parse::<Edition>(), Ok(Edition::Edition2021));
        assert_eq!(
            "2030".parse::<Edition>().unwrap_err().to_string(),
            "this version of Cargo is older than the `2030` edition, and only supports `2015`, `2018`, `2021`, and `2024` editions."
        );
        assert_eq!(
            "2019".parse::<Edition>().unwrap_err().to_string(),
            "supported edition values are `2015`, `2018`, `2021`, or `2024`, but `2019` is unknown"
        );
        assert!(Edition::Edition2018 < Edition::Edition2021);
    }
}
