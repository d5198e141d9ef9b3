//! Two units writing the same file: cargo's warning (not an error yet,
//! see <https://github.com/rust-lang/cargo/issues/6313>). Outputs in
//! `deps/`, their copies for users (`target/debug/foo`) and those
//! `--artifact-dir` makes are all checked, units in cargo's order.

use std::collections::HashMap;
use std::path::PathBuf;

use mycargo_util::Shell;

use crate::build_context::BuildContext;
use crate::unit::{CompileMode, Unit};

/// Warn of every file two units would write.
pub fn warn(bcx: &BuildContext<'_>, shell: &mut Shell) -> anyhow::Result<()> {
    let mut units: Vec<&Unit> = bcx
        .units
        .all_units()
        .filter(|u| !matches!(u.mode, CompileMode::RunCustomBuild | CompileMode::Doc))
        .collect();
    units.sort_by_cached_key(|u| {
        let m = bcx.graph.packages[u.pkg].manifest;
        let t = &m.targets[u.target];
        (
            m.package_id.clone(),
            t.kind_rank(),
            t.name.clone(),
            u.kind.clone(),
            (*u).clone(),
        )
    });
    units.dedup();
    let describe = |u: &Unit| {
        let m = bcx.graph.packages[u.pkg].manifest;
        let t = &m.targets[u.target];
        format!(
            "the {} target `{}` in package `{}`",
            t.kind_description(),
            t.name,
            m.package_id
        )
    };
    let mut seen: HashMap<PathBuf, Unit> = HashMap::new();
    let mut check = |shell: &mut Shell, path: PathBuf, u: &Unit, what: &str| {
        match seen.get(&path) {
            Some(prev) if prev != u => shell.warn(format!(
                "{what}filename collision at {}\n  |\n  = note: {} has the same output filename as {}\n  = note: this may become a hard error in the future; see <https://github.com/rust-lang/cargo/issues/6313>\n  = help: consider changing their names to be unique or compiling them separately",
                path.display(),
                describe(u),
                describe(prev)
            )),
            Some(_) => Ok(()),
            None => {
                seen.insert(path, u.clone());
                Ok(())
            }
        }
    };
    for u in units {
        let exported = bcx
            .config
            .artifact_dir
            .as_ref()
            .filter(|_| u.mode == CompileMode::Build && bcx.units.roots.contains(u));
        for o in bcx.outputs(u) {
            check(shell, o.path.clone(), u, "output ")?;
            if let Some(up) = &o.uplift {
                check(shell, up.clone(), u, "output ")?;
                if let (Some(dir), Some(name)) = (exported, up.file_name()) {
                    check(shell, dir.join(name), u, "`--artifact-dir` ")?;
                }
            }
        }
    }
    Ok(())
}
