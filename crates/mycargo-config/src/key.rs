//! A dotted config key (`build.target-dir`) split into parts, with the
//! environment variable it maps to (`CARGO_BUILD_TARGET_DIR`) and cargo's
//! `*` pattern matching used for the non-mergeable lists.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ConfigKey {
    parts: Vec<String>,
}

impl ConfigKey {
    /// Split on `.`; no TOML quoting is understood (cargo does the same).
    /// The empty string is the root table.
    pub(crate) fn parse(key: &str) -> ConfigKey {
        if key.is_empty() {
            return ConfigKey::default();
        }
        ConfigKey {
            parts: key.split('.').map(str::to_string).collect(),
        }
    }

    pub(crate) fn from_parts<I, S>(parts: I) -> ConfigKey
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ConfigKey {
            parts: parts.into_iter().map(Into::into).collect(),
        }
    }

    pub(crate) fn parts(&self) -> &[String] {
        &self.parts
    }

    pub(crate) fn push(&mut self, part: &str) {
        self.parts.push(part.to_string());
    }

    pub(crate) fn pop(&mut self) {
        self.parts.pop();
    }

    /// `CARGO_` + parts uppercased, `-` and `.` turned into `_`.
    pub(crate) fn env_key(&self) -> String {
        let mut env = String::from("CARGO");
        for part in &self.parts {
            env.push('_');
            env.push_str(&part.replace(['-', '.'], "_").to_uppercase());
        }
        env
    }

    /// Whether the key matches a pattern like `target.*.runner`, where `*`
    /// matches exactly one part.
    pub(crate) fn matches(&self, pattern: &str) -> bool {
        let pats: Vec<&str> = pattern.split('.').collect();
        pats.len() == self.parts.len()
            && pats
                .iter()
                .zip(&self.parts)
                .all(|(pat, part)| *pat == "*" || pat == part)
    }
}

/// A key part as cargo prints it: bare when it is a TOML bare key, quoted
/// otherwise.
pub(crate) fn escape_key_part(part: &str) -> String {
    let bare = !part.is_empty()
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        part.to_string()
    } else {
        toml_edit::Value::from(part).to_string().trim().to_string()
    }
}

impl fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.parts.iter().map(|p| escape_key_part(p)).collect();
        f.write_str(&parts.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_key_mapping() {
        assert_eq!(
            ConfigKey::parse("build.target-dir").env_key(),
            "CARGO_BUILD_TARGET_DIR"
        );
        assert_eq!(
            ConfigKey::parse("target.x86_64-unknown-linux-gnu.runner").env_key(),
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER"
        );
        assert_eq!(
            ConfigKey::from_parts(["alias", "my-alias"]).env_key(),
            "CARGO_ALIAS_MY_ALIAS"
        );
    }

    #[test]
    fn pattern_matching() {
        let k = ConfigKey::parse("target.x.runner");
        assert!(k.matches("target.*.runner"));
        assert!(!k.matches("target.*"));
        assert!(!ConfigKey::parse("target.x.runner.y").matches("target.*.runner"));
        assert!(ConfigKey::parse("doc.browser").matches("doc.browser"));
    }

    #[test]
    fn display_quotes_odd_parts() {
        assert_eq!(ConfigKey::parse("build.jobs").to_string(), "build.jobs");
        let k = ConfigKey::from_parts(["target", "cfg(unix)", "runner"]);
        assert_eq!(k.to_string(), "target.\"cfg(unix)\".runner");
    }
}
