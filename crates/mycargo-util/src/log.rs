//! `CARGO_LOG`: debug lines on stderr for the targets cargo names
//! (`CARGO_LOG=cargo::util::rustc=debug`), so logs people ask for with
//! cargo's variable show the same events. The filter is read once:
//! comma-separated `target=level` directives, or a bare level for all.

use std::io::Write as _;
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Level::Error),
            "warn" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" => Some(Level::Debug),
            "trace" => Some(Level::Trace),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }
}

/// Parsed directives: (target prefix, or none for all; the most verbose
/// level shown).
type Directives = Vec<(Option<String>, Level)>;

fn directives(spec: &str) -> Directives {
    spec.split(',')
        .filter_map(|d| {
            let d = d.trim();
            match d.split_once('=') {
                Some((target, level)) => Some((Some(target.to_string()), Level::parse(level)?)),
                None => match Level::parse(d) {
                    Some(level) => Some((None, level)),
                    None if !d.is_empty() => Some((Some(d.to_string()), Level::Trace)),
                    None => None,
                },
            }
        })
        .collect()
}

fn filter() -> &'static (Directives, Instant) {
    static FILTER: OnceLock<(Directives, Instant)> = OnceLock::new();
    FILTER.get_or_init(|| {
        let spec = std::env::var("CARGO_LOG").unwrap_or_default();
        (directives(&spec), Instant::now())
    })
}

fn enabled_in(directives: &[(Option<String>, Level)], target: &str, level: Level) -> bool {
    directives.iter().any(|(t, max)| {
        level <= *max
            && t.as_deref()
                .is_none_or(|t| target == t || target.starts_with(&format!("{t}::")))
    })
}

/// Whether `target` logs at `level`.
pub fn enabled(target: &str, level: Level) -> bool {
    let (d, _) = filter();
    !d.is_empty() && enabled_in(d, target, level)
}

/// Print `message` when `target` logs at debug level.
pub fn debug(target: &str, message: impl std::fmt::Display) {
    if enabled(target, Level::Debug) {
        let (_, began) = filter();
        // A log line that cannot be written is dropped.
        let _ = writeln!(
            std::io::stderr(),
            "{:>10.6}s {:>5} {target}: {message}",
            began.elapsed().as_secs_f64(),
            Level::Debug.name()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_choose_targets_and_levels() {
        let d = directives("cargo::util::rustc=debug,git-fetch=info");
        assert!(enabled_in(&d, "cargo::util::rustc", Level::Debug));
        assert!(!enabled_in(&d, "cargo::util::rustc", Level::Trace));
        assert!(!enabled_in(&d, "cargo::core", Level::Debug));
        assert!(enabled_in(&d, "git-fetch", Level::Info));
        assert!(!enabled_in(&d, "git-fetch", Level::Debug));
        let all = directives("debug");
        assert!(enabled_in(&all, "anything", Level::Debug));
        assert!(directives("").is_empty());
    }
}
