//! Where `install` puts binaries: `--root`, `CARGO_INSTALL_ROOT`,
//! `install.root`, else `$CARGO_HOME`; binaries go to its `bin/`.

use std::path::{Path, PathBuf};

use mycargo_config::Definition;

use crate::context::GlobalContext;

/// The install root as cargo chooses it. A relative `install.root` from a
/// file without a slash (`root = "t1"`) is relative to the working
/// directory, with cargo's deprecation warning; with a slash it is
/// relative to the configuration's directory.
pub fn resolve_root(gctx: &mut GlobalContext, flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    let configured = match gctx.config.get_program("install.root")? {
        Some(v) => {
            if v.val.is_relative() && matches!(v.definition, Definition::Path(_)) {
                let shown = v.val.display().to_string();
                gctx.shell.warn(format!(
                    "the `install.root` value `{shown}` defined in {} without a trailing slash is deprecated\n  |\n  \
                     = note: a future version of Cargo will treat it as relative to the configuration directory\n  \
                     = help: add a trailing slash (`{shown}/`) to adopt the correct behavior and silence this warning\n  \
                     = note: see more at https://doc.rust-lang.org/cargo/reference/config.html#config-relative-paths",
                    v.definition
                ))?;
            }
            Some(v.val)
        }
        None => None,
    };
    let root = flag
        .map(Path::to_path_buf)
        .or_else(|| gctx.env.get_os("CARGO_INSTALL_ROOT").map(PathBuf::from))
        .or(configured)
        .unwrap_or_else(|| gctx.config.cargo_home().to_path_buf());
    Ok(root)
}

/// `root/bin`, absolute and normalized (relative roots are relative to
/// the working directory).
pub fn bin_dir(gctx: &GlobalContext, root: &Path) -> PathBuf {
    let dst = root.join("bin");
    mycargo_util::fs::normalize_path(&gctx.cwd().join(dst))
}

/// cargo's note after an install when `dst` is not on `PATH`.
pub fn warn_if_not_on_path(gctx: &mut GlobalContext, dst: &Path) -> anyhow::Result<()> {
    let path = gctx.env.get_os("PATH").unwrap_or_default();
    if !std::env::split_paths(&path).any(|p| p == dst) {
        gctx.shell.warn(format!(
            "be sure to add `{}` to your PATH to be able to run the installed binaries",
            dst.display()
        ))?;
    }
    Ok(())
}
