//! The key of a `[target.<platform>]` table: a target triple or `cfg(...)`.

use std::fmt;
use std::str::FromStr;

use crate::cfg::{Cfg, CfgExpr, CfgParseError, CfgParseErrorKind};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    /// A target triple such as `x86_64-unknown-linux-gnu`.
    Name(String),
    /// `cfg(...)`.
    Cfg(CfgExpr),
}

impl Platform {
    /// Whether a dependency under this platform applies when building for
    /// `target_triple` whose `rustc --print cfg` is `cfgs`.
    pub fn matches(&self, target_triple: &str, cfgs: &[Cfg]) -> bool {
        match self {
            Platform::Name(n) => n == target_triple,
            Platform::Cfg(e) => e.matches(cfgs),
        }
    }

    fn validate_named_platform(name: &str) -> Result<(), CfgParseError> {
        if let Some(ch) = name
            .chars()
            .find(|&c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        {
            let msg = if name.contains('(') {
                "unexpected `(` character, cfg expressions must start with `cfg(`".to_string()
            } else {
                format!("unexpected character {ch} in target name")
            };
            return Err(CfgParseError {
                orig: name.to_string(),
                kind: CfgParseErrorKind::InvalidTarget(msg),
            });
        }
        Ok(())
    }

    /// Warnings cargo gives for cfg names that never hold when selecting
    /// dependencies (`cfg(test)`, `cfg(debug_assertions)`, `cfg(proc_macro)`,
    /// `cfg(feature = "..")`), in cargo's words.
    pub fn check_cfg_attributes(&self) -> Vec<String> {
        let Platform::Cfg(expr) = self else {
            return Vec::new();
        };
        let mut cfgs = Vec::new();
        expr.walk_cfgs(&mut cfgs);
        let mut warnings = Vec::new();
        for cfg in cfgs {
            match cfg {
                Cfg::Name(n)
                    if matches!(n.name.as_str(), "test" | "debug_assertions" | "proc_macro") =>
                {
                    warnings.push(format!(
                        "Found `{}` in `target.'cfg(...)'.dependencies`. \
                         This value is not supported for selecting dependencies and will not work as expected. \
                         To learn more visit https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#platform-specific-dependencies",
                        n.name
                    ));
                }
                Cfg::KeyPair(k, _) if k.name == "feature" => {
                    warnings.push(
                        "Found `feature = ...` in `target.'cfg(...)'.dependencies`. \
                         This key is not supported for selecting dependencies and will not work as expected. \
                         Use the [features] section instead: https://doc.rust-lang.org/cargo/reference/features.html"
                            .to_string(),
                    );
                }
                _ => {}
            }
        }
        warnings
    }
}

impl FromStr for Platform {
    type Err = CfgParseError;

    fn from_str(s: &str) -> Result<Platform, CfgParseError> {
        if let Some(inner) = s.strip_prefix("cfg(").and_then(|s| s.strip_suffix(')')) {
            Ok(Platform::Cfg(inner.parse()?))
        } else {
            Platform::validate_named_platform(s)?;
            Ok(Platform::Name(s.to_string()))
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Platform::Name(n) => f.write_str(n),
            Platform::Cfg(e) => write!(f, "cfg({e})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_match() {
        let cfgs = vec![Cfg::name("unix"), Cfg::key_pair("target_os", "linux")];
        let p: Platform = "cfg(unix)".parse().unwrap();
        assert!(p.matches("x86_64-unknown-linux-gnu", &cfgs));
        let p: Platform = "x86_64-unknown-linux-gnu".parse().unwrap();
        assert!(p.matches("x86_64-unknown-linux-gnu", &[]));
        assert!(!p.matches("aarch64-apple-darwin", &cfgs));
        assert_eq!(p.to_string(), "x86_64-unknown-linux-gnu");
        let p: Platform = "cfg(not(windows))".parse().unwrap();
        assert_eq!(p.to_string(), "cfg(not(windows))");
        assert!(p.matches("x", &cfgs));
    }

    #[test]
    fn bad_names() {
        let e = "cfg(unix".parse::<Platform>().unwrap_err().to_string();
        assert_eq!(
            e,
            "failed to parse `cfg(unix` as a cfg expression: invalid target specifier: \
             unexpected `(` character, cfg expressions must start with `cfg(`"
        );
        let e = "x86$".parse::<Platform>().unwrap_err().to_string();
        assert!(e.ends_with("invalid target specifier: unexpected character $ in target name"));
        let e = "cfg()".parse::<Platform>().unwrap_err().to_string();
        assert!(e.starts_with("failed to parse `` as a cfg expression"));
    }

    #[test]
    fn cfg_warnings() {
        let p: Platform = "cfg(all(test, feature = \"x\"))".parse().unwrap();
        let w = p.check_cfg_attributes();
        assert_eq!(w.len(), 2);
        assert!(w[0].starts_with("Found `test` in `target.'cfg(...)'.dependencies`. This value"));
    }
}
