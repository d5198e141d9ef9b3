//! The package-name checks of `new` and `init`, in cargo's order and words.
//! The rules themselves come from `mycargo_core::names`.

use mycargo_core::names::{
    NAME_FLAG_HELP, NAME_FROM_DIR_NOTE, bin_rename_help, is_conflicting_artifact_name, is_keyword,
    is_non_ascii_name, is_std_name, is_windows_reserved, validate_package_name,
};
use mycargo_util::Shell;

/// Errors stop the command; warnings are printed and it goes on.
/// `show_name_help`: the name came from the directory (no `--name`), so
/// suggest `--name`. `has_bin`: the package will have a binary target.
pub(super) fn check_name(
    name: &str,
    show_name_help: bool,
    has_bin: bool,
    shell: &mut Shell,
) -> anyhow::Result<()> {
    let name_help = if show_name_help {
        format!("\nnote: {NAME_FROM_DIR_NOTE}\nhelp: {NAME_FLAG_HELP}")
    } else {
        String::new()
    };
    let bin_help = || {
        let mut help = name_help.clone();
        // Only for names rustc would take as a crate name (`--crate-name`).
        if has_bin && is_valid_crate_name(name) {
            help.push_str("\nhelp: ");
            help.push_str(&bin_rename_help(name));
        }
        help
    };

    // `a::b` is a namespaced name: each part must be a valid name.
    for part in name.split("::") {
        if let Err(e) = validate_package_name(part, "package name") {
            anyhow::bail!("{e}{}", bin_help());
        }
    }
    if is_keyword(name) {
        anyhow::bail!(
            "invalid package name `{name}`: it is a Rust keyword{}",
            bin_help()
        );
    }
    if is_conflicting_artifact_name(name) {
        if has_bin {
            anyhow::bail!(
                "invalid package name `{name}`: it conflicts with cargo's build directory names{name_help}"
            );
        }
        shell.warn(format!(
            "package `{name}` will not support binary executables with that name, \
             it conflicts with cargo's build directory names"
        ))?;
    }
    if name == "test" {
        anyhow::bail!(
            "invalid package name `test`: it conflicts with Rust's built-in test library{}",
            bin_help()
        );
    }
    if is_std_name(name) {
        shell.warn(format!(
            "package name `{name}` may be confused with the package with that name in Rust's standard library\n\
             It is recommended to use a different name to avoid problems.{}",
            bin_help()
        ))?;
    }
    if is_windows_reserved(name) {
        if cfg!(windows) {
            anyhow::bail!(
                "invalid package name `{name}`: it is a reserved Windows filename{name_help}"
            );
        }
        shell.warn(format!(
            "package name `{name}` is a reserved Windows filename\n\
             This package will not work on Windows platforms."
        ))?;
    }
    if is_non_ascii_name(name) {
        shell.warn(format!(
            "invalid package name `{name}`: contains non-ASCII characters\n\
             Non-ASCII crate names are not supported by Rust."
        ))?;
    }
    let lower = name.to_lowercase();
    if name != lower {
        shell.warn(format!(
            "package name `{name}` is not snake_case or kebab-case which is recommended for package names, consider `{lower}`"
        ))?;
    }
    Ok(())
}

/// rustc's check of a crate name: letters, digits, `-` and `_`.
fn is_valid_crate_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, name_help: bool, bin: bool) -> (Result<(), String>, String) {
        #[derive(Clone, Default)]
        struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let mut shell = Shell::from_write(Box::new(buf.clone()), Box::new(Buf::default()));
        let r = check_name(name, name_help, bin, &mut shell).map_err(|e| e.to_string());
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        (r, out)
    }

    #[test]
    fn leading_digit_has_all_help() {
        let (r, _) = check("1foo", true, true);
        let e = r.unwrap_err();
        assert!(e.starts_with(
            "invalid character `1` in package name: `1foo`, the name cannot start with a digit\n\
             note: the directory name is used as the package name\n\
             help: to override the package name, pass `--name <pkgname>`\n\
             help: to name the binary \"1foo\""
        ));
        assert!(e.ends_with("    path = \"src/main.rs\"\n"));
    }

    #[test]
    fn bin_help_only_for_crate_like_names() {
        // `¼` is numeric, so rustc takes the name: cargo shows the bin help.
        assert!(
            check("x¼", false, true)
                .0
                .unwrap_err()
                .contains("to name the binary")
        );
        assert!(
            !check("fo.o", true, true)
                .0
                .unwrap_err()
                .contains("to name the binary")
        );
        assert!(
            !check("fn", true, false)
                .0
                .unwrap_err()
                .contains("to name the binary")
        );
    }

    #[test]
    fn warnings_go_on() {
        let (r, out) = check("Con", false, true);
        assert!(r.is_ok());
        assert_eq!(
            out,
            "warning: package name `Con` is a reserved Windows filename\n\
             This package will not work on Windows platforms.\n\
             warning: package name `Con` is not snake_case or kebab-case which is recommended for package names, consider `con`\n"
        );
        let (r, out) = check("deps", false, false);
        assert!(r.is_ok());
        assert!(out.starts_with("warning: package `deps` will not support binary executables"));
        assert!(check("deps", false, true).0.is_err());
    }

    #[test]
    fn namespaced_and_empty() {
        assert!(check("a::b", false, true).0.is_ok());
        assert_eq!(
            check("", false, true).0.unwrap_err(),
            "package name cannot be empty"
        );
    }
}
