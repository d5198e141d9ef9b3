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
        for dst in uplifted {
            write_if_changed(&dst.with_extension("d"), &render(dst, &inputs))?;
        }
    }
    Ok(())
}

fn collect<'u>(
    bcx: &'u BuildContext<'_>,
    unit: &'u Unit,
    inputs: &mut BTreeSet<PathBuf>,
    seen: &mut BTreeSet<&'u Unit>,
) {
    if !seen.insert(unit) {
        return;
    }
    inputs.extend(fingerprint::recorded_inputs(bcx, unit));
    if let Some(deps) = bcx.units.deps.get(unit) {
        for d in deps {
            collect(bcx, &d.unit, inputs, seen);
        }
    }
}

/// `target: dep dep ...`, spaces in paths escaped as make wants.
fn render(target: &Path, inputs: &BTreeSet<PathBuf>) -> String {
    let esc = |p: &Path| p.display().to_string().replace(' ', "\\ ");
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

    #[test]
    fn renders_make_rule_with_escaped_spaces() {
        let inputs: BTreeSet<PathBuf> = ["/a b/src/lib.rs", "/a b/src/m.rs"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            render(Path::new("/t/debug/foo"), &inputs),
            "/t/debug/foo: /a\\ b/src/lib.rs /a\\ b/src/m.rs\n"
        );
    }
}
