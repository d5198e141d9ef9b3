//! Name rules: package names (the manifest's check and the stricter checks of
//! `cargo new`/`cargo init`), feature names, profile names and target names.

use std::fmt;

/// Why a name was rejected; displays as cargo's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("{what} cannot be empty")]
    Empty { what: String },
    #[error("invalid character `{ch}` in {what}: `{name}`, the name cannot start with a digit")]
    LeadingDigit {
        ch: char,
        what: String,
        name: String,
    },
    #[error(
        "invalid character `{ch}` in {what}: `{name}`, the first character must be a Unicode XID start character (most letters or `_`)"
    )]
    InvalidStart {
        ch: char,
        what: String,
        name: String,
    },
    #[error(
        "invalid character `{ch}` in {what}: `{name}`, characters must be Unicode XID characters (numbers, `-`, `_`, or most letters)"
    )]
    InvalidChar {
        ch: char,
        what: String,
        name: String,
    },
}

/// The basic check of a package name (cargo's `validate_package_name`):
/// non-empty, starts with a XID start character or `_`, continues with XID
/// characters or `-`. `what` names the thing in the message ("package name").
/// A package name, which may be namespaced (`foo::bar`, the unstable
/// `open-namespaces`): each part is a name of its own.
pub fn validate_package_name_ns(name: &str, what: &str) -> Result<(), NameError> {
    name.split("::")
        .try_for_each(|part| validate_package_name(part, what))
}

pub fn validate_package_name(name: &str, what: &str) -> Result<(), NameError> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(NameError::Empty {
            what: what.to_string(),
        });
    };
    if first.is_ascii_digit() {
        return Err(NameError::LeadingDigit {
            ch: first,
            what: what.to_string(),
            name: name.to_string(),
        });
    }
    if !(unicode_ident::is_xid_start(first) || first == '_') {
        return Err(NameError::InvalidStart {
            ch: first,
            what: what.to_string(),
            name: name.to_string(),
        });
    }
    for ch in chars {
        if !(unicode_ident::is_xid_continue(ch) || ch == '-') {
            return Err(NameError::InvalidChar {
                ch,
                what: what.to_string(),
                name: name.to_string(),
            });
        }
    }
    Ok(())
}

/// A Rust keyword (strict, reserved and weak ones cargo lists).
pub fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
        "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if",
        "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
        "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try",
        "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    KEYWORDS.contains(&name)
}

/// Names that cannot be files on Windows, even with an extension.
pub fn is_windows_reserved(name: &str) -> bool {
    const RESERVED: &[&str] = &[
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    RESERVED.contains(&name.to_ascii_lowercase().as_str())
}

/// Whether any component of `path` (before its first `.`) is Windows-reserved.
pub fn is_windows_reserved_path(path: &std::path::Path) -> bool {
    path.iter()
        .filter_map(|c| c.to_str())
        .any(|c| is_windows_reserved(c.split('.').next().unwrap_or(c)))
}

/// An artifact of this name would clash with a directory cargo makes.
pub fn is_conflicting_artifact_name(name: &str) -> bool {
    ["deps", "examples", "build", "incremental"].contains(&name)
}

/// The names of the crates shipped with Rust.
pub fn is_std_name(name: &str) -> bool {
    ["core", "std", "alloc", "proc_macro", "proc-macro"].contains(&name)
}

pub fn is_non_ascii_name(name: &str) -> bool {
    !name.is_ascii()
}

/// Whether `name` contains glob wildcards.
pub fn is_glob_pattern(name: &str) -> bool {
    name.contains(['*', '?', '[', ']'])
}

/// How serious a [`NameProblem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding of [`check_new_package_name`]. The caller prints `message` as
/// an `error:` or `warning:`, then, when the name came from the directory and
/// `name_help` is set, cargo's `note:`/`help:` about `--name`, then, when
/// `bin_help` is set, [`bin_rename_help`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameProblem {
    pub severity: Severity,
    pub message: String,
    pub name_help: bool,
    pub bin_help: bool,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// cargo's note when the package name was taken from the directory.
pub const NAME_FROM_DIR_NOTE: &str = "the directory name is used as the package name";
/// cargo's help line suggesting `--name`.
pub const NAME_FLAG_HELP: &str = "to override the package name, pass `--name <pkgname>`";

/// cargo's help text on how to keep a binary called `name` (printed after
/// `help: `).
pub fn bin_rename_help(name: &str) -> String {
    format!(
        "to name the binary \"{name}\", use a valid package name, and set the binary name to be different from the package. \
         This can be done by setting the binary filename to `src/bin/{name}.rs` or change the name in Cargo.toml with:\n\
         \n    [[bin]]\n    name = \"{name}\"\n    path = \"src/main.rs\"\n"
    )
}

/// The checks of `cargo new`/`cargo init` in cargo's order. Findings are
/// returned in order; the list stops after the first error. `has_bin` says
/// whether the package will have a binary target.
pub fn check_new_package_name(name: &str, has_bin: bool) -> Vec<NameProblem> {
    let mut out = Vec::new();
    let error = |message: String, name_help: bool, bin_help: bool| NameProblem {
        severity: Severity::Error,
        message,
        name_help,
        bin_help: bin_help && has_bin,
    };
    let warning = |message: String, name_help: bool, bin_help: bool| NameProblem {
        severity: Severity::Warning,
        message,
        name_help,
        bin_help: bin_help && has_bin,
    };
    // `a::b` is a namespaced name: each part must be a valid name. The
    // binary hint is only for names rustc takes as a crate name.
    for part in name.split("::") {
        if let Err(e) = validate_package_name(part, "package name") {
            out.push(error(e.to_string(), true, is_crate_name(name)));
            return out;
        }
    }
    if is_keyword(name) {
        out.push(error(
            format!("invalid package name `{name}`: it is a Rust keyword"),
            true,
            true,
        ));
        return out;
    }
    if is_conflicting_artifact_name(name) {
        if has_bin {
            out.push(error(
                format!(
                    "invalid package name `{name}`: it conflicts with cargo's build directory names"
                ),
                true,
                false,
            ));
            return out;
        }
        out.push(warning(
            format!(
                "package `{name}` will not support binary executables with that name, \
                 it conflicts with cargo's build directory names"
            ),
            false,
            false,
        ));
    }
    if name == "test" {
        out.push(error(
            format!(
                "invalid package name `{name}`: it conflicts with Rust's built-in test library"
            ),
            true,
            true,
        ));
        return out;
    }
    if is_std_name(name) {
        out.push(warning(
            format!(
                "package name `{name}` may be confused with the package with that name in Rust's standard library\n\
                 It is recommended to use a different name to avoid problems."
            ),
            true,
            true,
        ));
    }
    if is_windows_reserved(name) {
        if cfg!(windows) {
            out.push(error(
                format!("invalid package name `{name}`: it is a reserved Windows filename"),
                true,
                false,
            ));
            return out;
        }
        out.push(warning(
            format!(
                "package name `{name}` is a reserved Windows filename\n\
                 This package will not work on Windows platforms."
            ),
            false,
            false,
        ));
    }
    if is_non_ascii_name(name) {
        out.push(warning(
            format!(
                "invalid package name `{name}`: contains non-ASCII characters\n\
                 Non-ASCII crate names are not supported by Rust."
            ),
            false,
            false,
        ));
    }
    let lower = name.to_lowercase();
    if lower != name {
        out.push(warning(
            format!(
                "package name `{name}` is not snake_case or kebab-case which is recommended for package names, consider `{lower}`"
            ),
            false,
            false,
        ));
    }
    out
}

/// rustc's check of `--crate-name`: letters, digits, `-` and `_`.
fn is_crate_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// cargo's check of a `[features]` key.
pub fn validate_feature_name(name: &str) -> Result<(), String> {
    let what = "feature name";
    if name.is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    if name.starts_with("dep:") {
        return Err(format!(
            "feature named `{name}` is not allowed to start with `dep:`"
        ));
    }
    if name.contains('/') {
        return Err(format!(
            "invalid character `/` in {what}: `{name}`, feature name is not allowed to contain slashes"
        ));
    }
    let mut chars = name.chars();
    if let Some(ch) = chars.next()
        && !(unicode_ident::is_xid_start(ch) || ch == '_' || ch.is_ascii_digit())
    {
        return Err(format!(
            "invalid character `{ch}` in {what}: `{name}`, the first character must be a Unicode XID start character or digit (most letters or `_` or `0` to `9`)"
        ));
    }
    for ch in chars {
        if !(unicode_ident::is_xid_continue(ch) || ch == '-' || ch == '+' || ch == '.') {
            return Err(format!(
                "invalid character `{ch}` in {what}: `{name}`, characters must be Unicode XID characters, '-', `+`, or `.` (numbers, `+`, `-`, `_`, `.`, or most letters)"
            ));
        }
    }
    Ok(())
}

/// cargo's check of a custom profile name (RFC 2678).
pub fn validate_profile_name(name: &str) -> Result<(), String> {
    if let Some(ch) = name
        .chars()
        .find(|ch| !ch.is_alphanumeric() && *ch != '_' && *ch != '-')
    {
        return Err(format!(
            "invalid character `{ch}` in profile name: `{name}`, allowed characters are letters, numbers, underscore, and hyphen"
        ));
    }
    const SEE_DOCS: &str = "See https://doc.rust-lang.org/cargo/reference/profiles.html for more on configuring profiles.";
    let lower = name.to_lowercase();
    if lower == "debug" {
        return Err(format!(
            "profile name `{name}` is reserved\n\
             To configure the default development profile, use the name `dev` as in [profile.dev]\n{SEE_DOCS}"
        ));
    }
    if lower == "build-override" {
        return Err(format!(
            "profile name `{name}` is reserved\n\
             To configure build dependency settings, use [profile.dev.build-override] and [profile.release.build-override]\n{SEE_DOCS}"
        ));
    }
    if matches!(
        lower.as_str(),
        "build"
            | "check"
            | "clean"
            | "config"
            | "fetch"
            | "fix"
            | "install"
            | "metadata"
            | "package"
            | "publish"
            | "report"
            | "root"
            | "run"
            | "rust"
            | "rustc"
            | "rustdoc"
            | "target"
            | "tmp"
            | "uninstall"
    ) || lower.starts_with("cargo")
    {
        return Err(format!(
            "profile name `{name}` is reserved\nPlease choose a different name.\n{SEE_DOCS}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(name: &str, bin: bool) -> NameProblem {
        check_new_package_name(name, bin).remove(0)
    }

    #[test]
    fn manifest_names() {
        assert!(validate_package_name("foo-bar_1", "package name").is_ok());
        assert!(validate_package_name("_x", "package name").is_ok());
        assert_eq!(
            validate_package_name("", "package name")
                .unwrap_err()
                .to_string(),
            "package name cannot be empty"
        );
        assert_eq!(
            validate_package_name("a b", "package name")
                .unwrap_err()
                .to_string(),
            "invalid character ` ` in package name: `a b`, characters must be Unicode XID characters (numbers, `-`, `_`, or most letters)"
        );
        assert_eq!(
            validate_package_name("-foo", "package name")
                .unwrap_err()
                .to_string(),
            "invalid character `-` in package name: `-foo`, the first character must be a Unicode XID start character (most letters or `_`)"
        );
    }

    #[test]
    fn cargo_new_checks() {
        let p = first("1foo", true);
        assert_eq!(p.severity, Severity::Error);
        assert_eq!(
            p.message,
            "invalid character `1` in package name: `1foo`, the name cannot start with a digit"
        );
        assert!(p.name_help && p.bin_help);
        let p = first("fn", true);
        assert_eq!(p.message, "invalid package name `fn`: it is a Rust keyword");
        assert!(p.bin_help);
        assert!(!first("fn", false).bin_help);
        let p = first("test", true);
        assert_eq!(
            p.message,
            "invalid package name `test`: it conflicts with Rust's built-in test library"
        );
        let p = first("a.b", true);
        assert!(p.name_help && !p.bin_help);
        // `¼` is numeric: rustc takes the name, so the hint is given.
        assert!(first("x¼", true).bin_help);
        assert!(!first(".foo", true).bin_help);
        assert!(check_new_package_name("a::b", true).is_empty());
        assert_eq!(
            first("a::1b", true).message,
            "invalid character `1` in package name: `1b`, the name cannot start with a digit"
        );
        let p = first("con", true);
        assert_eq!(p.severity, Severity::Warning);
        assert!(!p.name_help);
        assert!(
            p.message
                .starts_with("package name `con` is a reserved Windows filename\n")
        );
        let p = first("std", true);
        assert_eq!(p.severity, Severity::Warning);
        assert!(p.name_help && p.bin_help);
        let p = first("build", true);
        assert_eq!(p.severity, Severity::Error);
        assert!(p.name_help && !p.bin_help);
        let p = first("build", false);
        assert_eq!(p.severity, Severity::Warning);
        let all = check_new_package_name("Con", true);
        assert_eq!(all.len(), 2);
        assert!(all[1].message.ends_with("consider `con`"));
        assert!(check_new_package_name("foo-bar", true).is_empty());
        assert!(bin_rename_help("fn").contains("src/bin/fn.rs"));
    }

    #[test]
    fn feature_names() {
        assert!(validate_feature_name("a.b+c-d").is_ok());
        assert!(validate_feature_name("1x").is_ok());
        assert!(
            validate_feature_name("dep:a")
                .unwrap_err()
                .contains("start with `dep:`")
        );
        assert!(
            validate_feature_name("a/b")
                .unwrap_err()
                .contains("slashes")
        );
        assert!(
            validate_feature_name("+a")
                .unwrap_err()
                .contains("first character")
        );
        assert!(
            validate_feature_name("a b")
                .unwrap_err()
                .contains("invalid character ` `")
        );
    }

    #[test]
    fn profile_names() {
        assert!(validate_profile_name("my-prof").is_ok());
        assert!(
            validate_profile_name("debug")
                .unwrap_err()
                .contains("is reserved")
        );
        assert!(
            validate_profile_name("cargo-x")
                .unwrap_err()
                .contains("is reserved")
        );
        assert_eq!(
            validate_profile_name("a.b").unwrap_err(),
            "invalid character `.` in profile name: `a.b`, allowed characters are letters, numbers, underscore, and hyphen"
        );
    }
}
