//! The package-name checks of `new` and `init`: the findings of
//! `mycargo_core::names::check_new_package_name`, printed in cargo's words.

use mycargo_core::names::{
    NAME_FLAG_HELP, NAME_FROM_DIR_NOTE, Severity, bin_rename_help, check_new_package_name,
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
    for problem in check_new_package_name(name, has_bin) {
        let mut message = problem.message;
        if problem.name_help && show_name_help {
            message.push_str(&format!(
                "\nnote: {NAME_FROM_DIR_NOTE}\nhelp: {NAME_FLAG_HELP}"
            ));
        }
        if problem.bin_help {
            message.push_str("\nhelp: ");
            message.push_str(&bin_rename_help(name));
        }
        match problem.severity {
            Severity::Error => anyhow::bail!(message),
            Severity::Warning => shell.warn(message)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, name_help: bool, bin: bool) -> (Result<(), String>, String) {
        let (mut shell, output) = super::super::tests::captured_shell();
        let r = check_name(name, name_help, bin, &mut shell).map_err(|e| e.to_string());
        (r, output())
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
