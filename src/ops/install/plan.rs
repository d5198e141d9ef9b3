//! How `install` builds: the profile (`release`, `--debug`, `--profile`),
//! the targets asked for (`--bin`, `--bins`, `--example`, `--examples`),
//! and what the tracker records of the request.

use std::collections::BTreeSet;
use std::path::Path;

use mycargo_manifest::{Manifest, ManifestKind, TargetKind};

use super::tracker::Request;
use crate::cli::common::{CompileOptions, TargetSelection, values};
use crate::cli::install::Args;
use crate::context::GlobalContext;

pub struct Plan {
    /// The compile flags, with the profile settled.
    pub compile: CompileOptions,
    pub targets: TargetSelection,
    pub request: Request,
}

impl Plan {
    pub fn new(gctx: &GlobalContext, args: &Args, host: &str) -> anyhow::Result<Plan> {
        let profile = match (&args.profile, args.debug) {
            (Some(p), _) => p.clone(),
            (None, true) => "dev".to_string(),
            (None, false) => "release".to_string(),
        };
        let mut compile = args.compile_options();
        compile.profile = Some(profile.clone());
        let targets = TargetSelection {
            bins: args.bins,
            bin: args.bin.clone(),
            examples: args.examples,
            example: args.example.clone(),
            ..TargetSelection::default()
        };
        let target = match compile.targets().first() {
            Some(t) => t.clone(),
            None => match gctx.config.get_string("build.target")? {
                Some(t) => t.val,
                None => host.to_string(),
            },
        };
        let request = Request {
            features: args.features.feature_list().into_iter().collect(),
            all_features: args.features.all_features,
            no_default_features: args.features.no_default_features,
            profile,
            target,
        };
        Ok(Plan {
            compile,
            targets,
            request,
        })
    }

    /// Whether targets were named (cargo's `is_specific` filter).
    pub fn is_specific(&self) -> bool {
        self.targets.bins
            || self.targets.examples
            || self.targets.bin.is_some()
            || self.targets.example.is_some()
    }

    /// Whether a binary or example was asked for by name.
    pub fn names_any(&self) -> bool {
        !values(&self.targets.bin).is_empty() || !values(&self.targets.example).is_empty()
    }

    /// The executables this install puts in `bin/` (cargo's `exe_names`).
    pub fn exe_names(&self, m: &Manifest) -> BTreeSet<String> {
        if !self.is_specific() {
            return names(m, |k| *k == TargetKind::Bin);
        }
        let mut out = match self.targets.bins {
            true => names(m, |k| *k == TargetKind::Bin),
            false => values(&self.targets.bin).iter().map(|n| exe(n)).collect(),
        };
        match self.targets.examples {
            true => out.extend(names(m, |k| *k == TargetKind::ExampleBin)),
            false => out.extend(values(&self.targets.example).iter().map(|n| exe(n))),
        }
        out
    }

    /// `--bin`/`--example` without a name, for a package on disk: cargo's
    /// list of the choices, before anything else happens.
    pub fn check_target_choices(&self, gctx: &GlobalContext, dir: &Path) -> anyhow::Result<()> {
        let wants = |v: &Option<Vec<String>>| matches!(v, Some(v) if v.is_empty());
        if !wants(&self.targets.bin) && !wants(&self.targets.example) {
            return Ok(());
        }
        let opts = crate::ops::workspace::read_options(gctx);
        let parsed = mycargo_manifest::read_manifest_file(&dir.join("Cargo.toml"), &opts)?;
        let ManifestKind::Package(m) = parsed.kind else {
            return Ok(());
        };
        crate::ops::compile::target_choices(&[&m], &self.targets)
    }
}

/// Every executable the package has (its bins and example programs):
/// what an upgrade keeps of an earlier install.
pub fn all_exe_names(m: &Manifest) -> BTreeSet<String> {
    names(m, |k| matches!(k, TargetKind::Bin | TargetKind::ExampleBin))
}

fn names(m: &Manifest, kind: impl Fn(&TargetKind) -> bool) -> BTreeSet<String> {
    m.targets
        .iter()
        .filter(|t| kind(&t.kind))
        .map(|t| exe(&t.name))
        .collect()
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The toolchain, as configuration names it (`RUSTC`, `build.rustc`),
/// asked without a probe cache.
pub fn rustc(gctx: &GlobalContext) -> anyhow::Result<mycargo_compiler::rustc_info::RustcInfo> {
    let tmp = std::env::temp_dir();
    let mut opts = crate::ops::compile::settings::rustc_options(gctx, &tmp)?;
    opts.cache_location = None;
    Ok(mycargo_compiler::rustc_info::Rustc::new(opts, &gctx.env)?.info)
}
