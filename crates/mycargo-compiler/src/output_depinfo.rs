//! The `.d` files beside uplifted artifacts (`target/debug/foo.d`): the
//! artifact and every source file that went into it, its dependencies'
//! included, in Makefile syntax, so other build systems can track it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::build_context::BuildContext;
use crate::fingerprint;
use crate::unit::{CompileMode, Unit};

/// Write the `.d` file of every unit with an uplifted artifact.
pub fn write_all(bcx: &BuildContext<'_>, units: &[Unit]) -> anyhow::Result<()> {
    for unit in units {
        // Only for the units asked for, as cargo (a bin built for the
        // integration tests gets none).
        if !bcx.units.roots.contains(unit) {
            continue;
        }
        if unit.mode.is_check()
            || matches!(unit.mode, CompileMode::Doc | CompileMode::RunCustomBuild)
        {
            continue;
        }
        let outputs = bcx.outputs(unit);
        if outputs.iter().all(|o| o.uplift.is_none()) {
            continue;
        }
        let mut inputs = BTreeSet::new();
        let mut seen = BTreeSet::new();
        collect(bcx, unit, &mut inputs, &mut seen);
        // A lib with several crate types shares one `.d` file; as in cargo,
        // the rlib's is the one left.
        let mut uplifted: Vec<&PathBuf> =
            outputs.iter().filter_map(|o| o.uplift.as_ref()).collect();
        uplifted.sort_by_key(|p| p.extension().is_some_and(|e| e == "rlib"));
        let base = bcx.config.dep_info_basedir.as_deref();
        for dst in uplifted {
            write_if_changed(&dst.with_extension("d"), &render(dst, &inputs, base))?;
        }
    }
    Ok(())
}

/// The inputs of `unit` and of everything it depends on (iterative).
fn collect<'u>(
    bcx: &'u BuildContext<'_>,
    unit: &'u Unit,
    inputs: &mut BTreeSet<PathBuf>,
    seen: &mut BTreeSet<&'u Unit>,
) {
    let mut stack = vec![unit];
    while let Some(unit) = stack.pop() {
        if !seen.insert(unit) {
            continue;
        }
        inputs.extend(fingerprint::recorded_inputs(bcx, unit));
        if let Some(deps) = bcx.units.deps.get(unit) {
            stack.extend(deps.iter().map(|d| &d.unit));
        }
    }
}

/// `target: dep dep ...`, spaces in paths escaped as make wants; paths
/// under `build.dep-info-basedir` relative to it.
fn render(target: &Path, inputs: &BTreeSet<PathBuf>, base: Option<&Path>) -> String {
    let esc = |p: &Path| {
        let p = match base {
            Some(b) => {
                let norm = mycargo_util::fs::normalize_path(p);
                match norm.strip_prefix(mycargo_util::fs::normalize_path(b)) {
                    Ok(rel) => rel.to_path_buf(),
                    Err(_) => p.to_path_buf(),
                }
            }
            None => p.to_path_buf(),
        };
        p.display().to_string().replace(' ', "\\ ")
    };
    let mut s = format!("{}:", esc(target));
    for i in inputs {
        s.push(' ');
        s.push_str(&esc(i));
    }
    s.push('\n');
    s
}

/// Unchanged contents keep their mtime, so tools watching it stay quiet.
fn write_if_changed(path: &Path, text: &str) -> anyhow::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    mycargo_util::fs::write_atomic_nosync(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(target: &Path, inputs: &BTreeSet<PathBuf>) -> String {
        render(target, inputs, None)
    }

    #[test]
    fn a_basedir_makes_the_paths_under_it_relative() {
        let inputs: BTreeSet<PathBuf> = ["/p/src/main.rs", "/elsewhere/x.rs"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            render(
                Path::new("/p/target/debug/foo"),
                &inputs,
                Some(Path::new("/p/./"))
            ),
            "target/debug/foo: /elsewhere/x.rs src/main.rs\n"
        );
    }

    #[test]
    fn renders_make_rule_with_escaped_spaces() {
        let inputs: BTreeSet<PathBuf> = ["/a b/src/lib.rs", "/a b/src/m.rs"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            render_plain(Path::new("/t/debug/foo"), &inputs),
            "/t/debug/foo: /a\\ b/src/lib.rs /a\\ b/src/m.rs\n"
        );
    }
}
