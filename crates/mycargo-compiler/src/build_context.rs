//! Everything fixed before the first job starts: settings from the command
//! line and config, what rustc told us about the platforms, the layouts,
//! and each unit's hashes and output paths.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use mycargo_core::Cfg;

use crate::graph::{PackageGraph, UnitGraph};
use crate::hash::StableHasher;
use crate::layout::Layout;
use crate::unit::{CompileKind, CompileMode, Unit};

/// How diagnostics and artifacts are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    #[default]
    Human,
    Short,
    Json {
        /// `json-render-diagnostics`: cargo renders, rustc's JSON is not passed on.
        render_diagnostics: bool,
        short: bool,
        ansi: bool,
    },
}

/// `build.warnings`: warnings shown (`warn`), hidden (`allow`), or shown
/// and then failing the build when any is a lint's (`deny`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WarningHandling {
    #[default]
    Warn,
    Allow,
    Deny,
}

/// Settings of this build.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub jobs: u32,
    /// `-j` or `build.jobs` was given (ignored under an inherited jobserver).
    pub jobs_explicit: bool,
    pub keep_going: bool,
    pub target_dir: PathBuf,
    /// `build.build-dir` (by default the target directory): where the
    /// intermediate files go.
    pub build_dir: PathBuf,
    /// `--artifact-dir` (nightly): where the root units' final files are
    /// copied too.
    pub artifact_dir: Option<PathBuf>,
    /// The profile asked for (`dev`, `release`, `test`, `bench`, custom).
    pub profile: String,
    pub rustc: PathBuf,
    pub rustdoc: PathBuf,
    /// Programs run in place of the name the user's configuration gave
    /// (the toolchain's own `rustc` for rustup's proxy), with that name:
    /// `-v` shows the name, as cargo does.
    pub shown_as: Vec<(PathBuf, String)>,
    pub rustc_wrapper: Option<PathBuf>,
    pub rustc_workspace_wrapper: Option<PathBuf>,
    /// Flags for units built for the target (or all units without `--target`).
    pub rustflags: Vec<String>,
    /// Flags for host units when `--target` is given.
    pub host_rustflags: Vec<String>,
    pub message_format: MessageFormat,
    /// The mycargo binary (`CARGO` for rustc and build scripts).
    pub cargo_exe: PathBuf,
    /// 0 normal, 1 `-v`, 2 `-vv`.
    pub verbose: u8,
    pub quiet: bool,
    /// The environment children start from.
    pub env: Vec<(OsString, OsString)>,
    /// `[env]` from config: name, value, force.
    pub config_env: Vec<(String, String, bool)>,
    /// The workspace root: cwd of rustc, base of relative source paths.
    pub ws_root: PathBuf,
    /// `target.<triple>.linker` for `--target`'s triple, if set.
    pub linker: Option<PathBuf>,
    /// `target.<host>.linker`, if set: host units (build scripts, proc
    /// macros, and everything when no `--target` is given) link with it.
    pub host_linker: Option<PathBuf>,
    /// Extra arguments for the root units (`mycargo rustc -- ARGS`,
    /// `mycargo rustdoc -- ARGS`).
    pub extra_args: Vec<String>,
    /// RUSTDOCFLAGS (or `build.rustdocflags`), for doc units.
    pub rustdocflags: Vec<String>,
    /// `--document-private-items` for the documented root units.
    pub document_private_items: bool,
    /// Colour in rustc's rendered diagnostics.
    pub color: bool,
    /// Build-script overrides from configuration, by (unit built for the
    /// host's use, such as a build dependency's, and `links`): the script
    /// output they stand for.
    pub links_overrides: std::collections::BTreeMap<(bool, String), Vec<u8>>,
    /// `-Z any-build-script-metadata`: `CARGO_DEP_<NAME>_<KEY>` for build
    /// scripts.
    pub any_build_script_metadata: bool,
    /// `host.runner` (`-Z host-config`): wraps build-script runs.
    pub host_runner: Option<Vec<String>>,
    /// `build.dep-info-basedir`: `.d` files name paths under it relatively.
    pub dep_info_basedir: Option<PathBuf>,
    /// `-Z mtime-on-use`: touch the fingerprint of each unit used.
    pub mtime_on_use: bool,
    /// `$CARGO_HOME`: sources under its `registry` and `git` never change,
    /// so their files are not checked for freshness.
    pub cargo_home: PathBuf,
    /// `--timings`: record when each unit ran.
    pub timings: bool,
    /// `-Z root-dir`: what rustc's paths are relative to (and where it
    /// runs) instead of the workspace root.
    pub path_root: Option<PathBuf>,
    /// `build.warnings` (`-Z warnings`): what becomes of warnings.
    pub warnings: WarningHandling,
    /// `-Z build-analysis`: the session log.
    pub analysis: Option<std::sync::Arc<crate::analysis_log::AnalysisLog>>,
    /// `fix`: the program that stands for rustc for the primary packages'
    /// units (mycargo as a rustc proxy), with its arguments and variables;
    /// the rustc path follows as its first argument.
    pub primary_unit_rustc: Option<PrimaryRustc>,
    /// `fix`: the root units are rebuilt even when fresh.
    pub force_rebuild_roots: bool,
    /// `-Z build-dir-new-layout`: each unit in a directory of its own,
    /// `<build-dir>/<profile>/build/<pkg>/<hash>/{out,fingerprint,run}`.
    pub new_layout: bool,
    /// `-Z fine-grain-locking`: the build directory's lock is shared and
    /// each unit's directory has a `.lock` of its own.
    pub fine_grain_locking: bool,
}

/// A program run in rustc's place for the primary packages (`fix`).
#[derive(Debug, Clone, Default)]
pub struct PrimaryRustc {
    pub program: PathBuf,
    pub env: Vec<(String, String)>,
}

impl BuildConfig {
    /// The configured output standing for the build script that `run`
    /// (a build-script run unit) would run, if its `links` is overridden.
    pub fn links_override(
        &self,
        graph: &crate::graph::PackageGraph<'_>,
        run: &Unit,
    ) -> Option<&[u8]> {
        let links = graph.packages[run.pkg].manifest.metadata.links.as_ref()?;
        self.links_overrides
            .get(&(run.for_host, links.clone()))
            .map(Vec::as_slice)
    }

    /// A program as the user named it: `rustc` for the toolchain binary
    /// run in place of a bare `rustc`, else its path.
    pub fn shown(&self, program: &Path) -> String {
        self.shown_as
            .iter()
            .find(|(p, _)| p == program)
            .map_or_else(|| program.display().to_string(), |(_, n)| n.clone())
    }

    /// The linker configured for units of `kind`.
    pub fn linker_for(&self, kind: &CompileKind) -> Option<&PathBuf> {
        match kind {
            CompileKind::Host => self.host_linker.as_ref(),
            CompileKind::Target(_) => self.linker.as_ref(),
        }
    }
}

/// What rustc said about one platform.
#[derive(Debug, Clone, Default)]
pub struct PlatformInfo {
    /// crate type → (file prefix, file suffix), e.g. `rlib` → (`lib`, `.rlib`).
    pub file_types: BTreeMap<String, (String, String)>,
    pub cfgs: Vec<Cfg>,
}

#[derive(Debug, Clone, Default)]
pub struct TargetData {
    /// `rustc -vV`, hashed into every unit.
    pub rustc_version: String,
    pub host: String,
    pub host_info: PlatformInfo,
    /// `--target` triple and its info.
    pub target: Option<(String, PlatformInfo)>,
}

impl TargetData {
    pub fn info(&self, kind: &CompileKind) -> &PlatformInfo {
        match (kind, &self.target) {
            (CompileKind::Target(_), Some((_, info))) => info,
            _ => &self.host_info,
        }
    }

    pub fn triple<'s>(&'s self, kind: &'s CompileKind) -> &'s str {
        match kind {
            CompileKind::Target(t) => t,
            CompileKind::Host => &self.host,
        }
    }
}

/// One file a unit produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    /// Where it is copied (hard-linked) for users: `target/debug/foo`.
    pub uplift: Option<PathBuf>,
    pub flavor: FileFlavor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFlavor {
    Normal,
    Rmeta,
    /// A lib others link against (`--extern` target).
    Linkable,
}

/// The fixed facts of one build.
pub struct BuildContext<'a> {
    pub graph: &'a PackageGraph<'a>,
    pub units: &'a UnitGraph,
    pub config: &'a BuildConfig,
    pub target_data: &'a TargetData,
    pub host_layout: Layout,
    pub target_layout: Option<Layout>,
    /// Per unit: (`-C metadata` hash, unit id used in file names).
    hashes: HashMap<Unit, (String, String)>,
    /// Packages selected on the command line.
    pub primary: Vec<usize>,
    /// Per unit: what it produces for link-time optimisation.
    lto: HashMap<Unit, crate::lto::Lto>,
}

impl<'a> BuildContext<'a> {
    pub fn new(
        graph: &'a PackageGraph<'a>,
        units: &'a UnitGraph,
        config: &'a BuildConfig,
        target_data: &'a TargetData,
        primary: Vec<usize>,
    ) -> BuildContext<'a> {
        let host_layout = Layout::new(&config.target_dir, &config.build_dir, None, &config.profile)
            .with_new_layout(config.new_layout);
        let target_layout = target_data.target.as_ref().map(|(t, _)| {
            Layout::new(
                &config.target_dir,
                &config.build_dir,
                Some(t),
                &config.profile,
            )
            .with_new_layout(config.new_layout)
        });
        let mut bcx = BuildContext {
            graph,
            units,
            config,
            target_data,
            host_layout,
            target_layout,
            hashes: HashMap::new(),
            primary,
            lto: crate::lto::generate(graph, units),
        };
        for unit in units.topo_order() {
            let h = bcx.compute_hashes(&unit);
            bcx.hashes.insert(unit, h);
        }
        bcx
    }

    /// The unit's link-time optimisation arguments for rustc.
    pub fn lto_args(&self, unit: &Unit) -> Vec<String> {
        self.lto.get(unit).map(|l| l.args()).unwrap_or_default()
    }

    pub fn layout(&self, kind: &CompileKind) -> &Layout {
        match (kind, &self.target_layout) {
            (CompileKind::Target(_), Some(l)) => l,
            _ => &self.host_layout,
        }
    }

    /// Hashes of a unit: everything that makes it differ from another build
    /// of the same target. Dependencies' hashes are folded in.
    fn compute_hashes(&self, unit: &Unit) -> (String, String) {
        let pkg = self.graph.packages[unit.pkg].manifest;
        let target = &pkg.targets[unit.target];
        let mut h = StableHasher::new();
        // cargo's stable hash of a package: a path package by where it is
        // in the workspace, so moving the workspace keeps every hash.
        let id = &pkg.package_id;
        match pkg.root().strip_prefix(&self.config.ws_root) {
            Ok(rel) if id.source_id().is_path() => {
                h.str(id.name())
                    .str(&id.version().to_string())
                    .str("path")
                    .str(&rel.to_string_lossy());
            }
            _ => {
                h.str(&id.to_spec_string());
            }
        }
        h.str(&format!("{:?}", target.kind)).str(&target.name);
        h.str(&format!("{:?}", unit.mode))
            .str(&format!("{:?}", unit.kind));
        h.str(&unit.profile.comparable());
        h.str(&format!("{:?}", self.lto.get(unit)));
        // An overridden run is another unit (adding an override is a first
        // build; changing one makes it stale).
        if unit.mode == CompileMode::RunCustomBuild
            && self.config.links_override(self.graph, unit).is_some()
        {
            h.str("overridden");
        }
        for f in &unit.features {
            h.str(f);
        }
        // Not `for_host`: a host unit equal to a target one in all else is
        // the same compilation (as cargo's units, which do not record it).
        h.str(&self.target_data.rustc_version);
        if let Some(deps) = self.units.deps.get(unit) {
            let mut dep_hashes: Vec<&str> = deps
                .iter()
                .filter_map(|d| self.hashes.get(&d.unit).map(|(m, _)| m.as_str()))
                .collect();
            dep_hashes.sort_unstable();
            for d in dep_hashes {
                h.str(d);
            }
        }
        let c_metadata = h.hex();
        // The unit id (file names) also covers the flags and `rustc --`'s
        // arguments, so changing them does not overwrite the other build's
        // files; as in cargo, not when they remap paths (which must leave
        // the output where it was, for reproducible builds).
        fn remaps(args: &[String]) -> bool {
            args.iter()
                .any(|a| a == "--remap-path-prefix" || a.starts_with("--remap-path-prefix="))
        }
        let extra = self.extra_args(unit);
        if !remaps(&extra) {
            for a in &extra {
                h.str(a);
            }
        }
        let flags = self.rustflags(unit);
        if !remaps(flags) {
            for f in flags {
                h.str(f);
            }
        }
        (c_metadata, h.hex())
    }

    /// `-C metadata=` value.
    pub fn c_metadata(&self, unit: &Unit) -> &str {
        self.hashes.get(unit).map(|h| h.0.as_str()).unwrap_or("")
    }

    /// The hash in file and directory names.
    pub fn unit_id(&self, unit: &Unit) -> &str {
        self.hashes.get(unit).map(|h| h.1.as_str()).unwrap_or("")
    }

    pub fn rustflags(&self, unit: &Unit) -> &[String] {
        if unit.mode == CompileMode::Doc {
            &self.config.rustdocflags
        } else if self.target_data.target.is_some() && unit.kind == CompileKind::Host {
            &self.config.host_rustflags
        } else {
            &self.config.rustflags
        }
    }

    /// Arguments the command line adds to a root unit: `rustc`/`rustdoc`
    /// arguments after `--`, then for documented roots
    /// `--document-private-items` (always for bins, as cargo does).
    pub fn extra_args(&self, unit: &Unit) -> Vec<String> {
        if !self.units.roots.contains(unit) {
            return Vec::new();
        }
        let mut out = self.config.extra_args.clone();
        if unit.mode == CompileMode::Doc {
            let t = &self.graph.packages[unit.pkg].manifest.targets[unit.target];
            if self.config.document_private_items || t.is_bin() {
                out.push("--document-private-items".to_string());
                if t.is_bin() {
                    out.push("-Arustdoc::private-intra-doc-links".to_string());
                }
            }
        }
        out
    }

    /// Where rustdoc writes: `<target-dir>/[<triple>/]doc`.
    pub fn doc_dir(&self, kind: &CompileKind) -> PathBuf {
        match kind {
            CompileKind::Target(t) if self.target_layout.is_some() => {
                self.config.target_dir.join(t).join("doc")
            }
            _ => self.config.target_dir.join("doc"),
        }
    }

    /// Whether file names get `-<hash>` (not for path packages' dylibs and
    /// cdylibs, whose names other tools expect).
    /// No `-<hash>` at all for a path package's target with a dylib or
    /// cdylib type: rustc applies the suffix to every output of the unit.
    pub fn use_extra_filename(&self, unit: &Unit) -> bool {
        // A test of a cdylib is an executable like any other test.
        if unit.mode.is_check() || unit.mode.is_any_test() {
            return true;
        }
        let gp = &self.graph.packages[unit.pkg];
        let t = &gp.manifest.targets[unit.target];
        if self.config.new_layout {
            // Each unit has its own directory: executables, dylibs and
            // cdylibs keep their plain names there.
            let exe = !(t.is_lib()
                || t.is_custom_build()
                || matches!(t.kind, mycargo_manifest::TargetKind::ExampleLib(_)));
            let dynamic = t
                .kind
                .crate_types()
                .iter()
                .any(|c| matches!(c.as_str(), "dylib" | "cdylib"));
            return !(exe || dynamic);
        }
        !(gp.is_local
            && t.kind
                .crate_types()
                .iter()
                .any(|c| matches!(c.as_str(), "dylib" | "cdylib")))
    }

    /// rustc's dep-info file of a compile unit.
    pub fn rustc_dep_info(&self, unit: &Unit) -> PathBuf {
        let t = &self.graph.packages[unit.pkg].manifest.targets[unit.target];
        let crate_name = t.crate_name();
        let file = if self.use_extra_filename(unit) {
            format!("{crate_name}-{}.d", self.unit_id(unit))
        } else {
            format!("{crate_name}.d")
        };
        self.out_dir(unit).join(file)
    }

    /// New layout: a unit's own directory, `<build>/<pkg>/<hash>`.
    pub fn unit_dir(&self, unit: &Unit) -> PathBuf {
        let name = self.graph.packages[unit.pkg].manifest.name();
        self.layout(&unit.kind)
            .build
            .join(name)
            .join(self.unit_id(unit))
    }

    /// A build script run's `OUT_DIR`.
    pub fn script_out_dir(&self, run: &Unit) -> PathBuf {
        match self.config.new_layout {
            true => self.unit_dir(run).join("out"),
            false => self.build_script_run_dir(run).join("out"),
        }
    }

    /// Where a build script run's stdout is kept (`output`; `run/stdout`
    /// in the new layout).
    pub fn script_output_file(&self, run: &Unit) -> PathBuf {
        let name = match self.config.new_layout {
            true => "stdout",
            false => crate::build_output::OUTPUT_FILE,
        };
        self.build_script_run_dir(run).join(name)
    }

    /// The directory rustc writes a unit's files into.
    pub fn out_dir(&self, unit: &Unit) -> PathBuf {
        if self.config.new_layout && unit.mode != CompileMode::Doc {
            return self.unit_dir(unit).join("out");
        }
        let layout = self.layout(&unit.kind);
        let target = &self.graph.packages[unit.pkg].manifest.targets[unit.target];
        if target.is_custom_build() {
            let name = self.graph.packages[unit.pkg].manifest.name();
            layout.build.join(format!("{name}-{}", self.unit_id(unit)))
        } else if target.is_example() {
            layout.examples.clone()
        } else {
            layout.deps.clone()
        }
    }

    /// A build script run's `OUT_DIR` parent (`build/<pkg>-<hash>`).
    pub fn build_script_run_dir(&self, unit: &Unit) -> PathBuf {
        if self.config.new_layout {
            return self.unit_dir(unit).join("run");
        }
        let layout = self.layout(&unit.kind);
        let name = self.graph.packages[unit.pkg].manifest.name();
        layout.build.join(format!("{name}-{}", self.unit_id(unit)))
    }

    /// The files a compile unit produces.
    pub fn outputs(&self, unit: &Unit) -> Vec<OutputFile> {
        let pkg = self.graph.packages[unit.pkg].manifest;
        let target = &pkg.targets[unit.target];
        let out_dir = self.out_dir(unit);
        let layout = self.layout(&unit.kind);
        let id = self.unit_id(unit);
        let crate_name = target.crate_name();
        if unit.mode == CompileMode::RunCustomBuild || unit.mode == CompileMode::Doc {
            return Vec::new();
        }
        if target.is_custom_build() {
            return vec![OutputFile {
                path: out_dir.join(format!("{crate_name}-{id}")),
                uplift: Some(out_dir.join(&target.name)),
                flavor: FileFlavor::Normal,
            }];
        }
        if unit.mode.is_check() {
            let extra = if self.use_extra_filename(unit) {
                format!("-{id}")
            } else {
                String::new()
            };
            return vec![OutputFile {
                path: out_dir.join(format!("lib{crate_name}{extra}.rmeta")),
                uplift: None,
                flavor: FileFlavor::Linkable,
            }];
        }
        let info = self.target_data.info(&unit.kind);
        let mut out = Vec::new();
        let is_exe = unit.mode.is_any_test()
            || !(target.is_lib()
                || matches!(target.kind, mycargo_manifest::TargetKind::ExampleLib(_)));
        if is_exe {
            let suffix = info
                .file_types
                .get("bin")
                .map(|(_, s)| s.as_str())
                .unwrap_or("");
            let uplift = if unit.mode.is_any_test() {
                None
            } else if target.is_example() {
                Some(
                    layout
                        .dest_examples
                        .join(format!("{}{suffix}", target.name)),
                )
            } else {
                // `filename` (unstable `different-binary-name`) names the
                // uplifted binary.
                let name = target.bin_filename.as_deref().unwrap_or(&target.name);
                Some(layout.root.join(format!("{name}{suffix}")))
            };
            let extra = match self.use_extra_filename(unit) {
                true => format!("-{id}"),
                false => String::new(),
            };
            out.push(OutputFile {
                path: out_dir.join(format!("{crate_name}{extra}{suffix}")),
                uplift,
                flavor: FileFlavor::Normal,
            });
            return out;
        }
        for ct in target.kind.crate_types() {
            let ct = if ct == "lib" { "rlib".to_string() } else { ct };
            let (prefix, suffix) = info
                .file_types
                .get(&ct)
                .cloned()
                .unwrap_or_else(|| ("lib".to_string(), format!(".{ct}")));
            let extra = if self.use_extra_filename(unit) {
                format!("-{id}")
            } else {
                String::new()
            };
            let linkable = matches!(ct.as_str(), "rlib" | "dylib" | "proc-macro");
            // The libraries of the packages asked for are copied up to
            // `target/debug/` (cargo uplifts root units).
            let uplift = self.units.roots.contains(unit).then(|| {
                let dir = if target.is_example() {
                    &layout.dest_examples
                } else {
                    &layout.root
                };
                dir.join(format!("{prefix}{crate_name}{suffix}"))
            });
            out.push(OutputFile {
                path: out_dir.join(format!("{prefix}{crate_name}{extra}{suffix}")),
                uplift,
                flavor: if linkable {
                    FileFlavor::Linkable
                } else {
                    FileFlavor::Normal
                },
            });
            // Only a lib of plain rlib types emits metadata on its own.
            if ct == "rlib"
                && target
                    .kind
                    .crate_types()
                    .iter()
                    .all(|c| c == "lib" || c == "rlib")
            {
                out.push(OutputFile {
                    path: out_dir.join(format!("lib{crate_name}{extra}.rmeta")),
                    uplift: None,
                    flavor: FileFlavor::Rmeta,
                });
            }
        }
        out
    }

    /// The file a dependent passes to `--extern`: the rmeta when it only
    /// needs metadata, else the linkable lib.
    pub fn extern_file(&self, dep: &Unit, metadata_only: bool) -> Option<PathBuf> {
        let outs = self.outputs(dep);
        if metadata_only && let Some(r) = outs.iter().find(|o| o.flavor == FileFlavor::Rmeta) {
            return Some(r.path.clone());
        }
        outs.into_iter()
            .find(|o| o.flavor == FileFlavor::Linkable)
            .map(|o| o.path)
    }

    /// Every file a dependent passes as `--extern` for `dep`: its
    /// `.rmeta` when metadata is enough, else each linkable output in
    /// order (a `dylib` + `rlib` lib gives both, and rustc picks).
    pub fn extern_files(&self, dep: &Unit, metadata_only: bool) -> Vec<PathBuf> {
        let outs = self.outputs(dep);
        if metadata_only && let Some(r) = outs.iter().find(|o| o.flavor == FileFlavor::Rmeta) {
            return vec![r.path.clone()];
        }
        outs.into_iter()
            .filter(|o| o.flavor == FileFlavor::Linkable)
            .map(|o| o.path)
            .collect()
    }

    /// Source path as given to rustc, and rustc's cwd: relative to the
    /// workspace root for path packages inside it, else absolute.
    pub fn path_args(&self, unit: &Unit) -> (PathBuf, PathBuf) {
        let gp = &self.graph.packages[unit.pkg];
        let src = &gp.manifest.targets[unit.target].src_path;
        let root = self
            .config
            .path_root
            .as_ref()
            .unwrap_or(&self.config.ws_root);
        if gp.is_local
            && let Ok(rel) = src.strip_prefix(root)
        {
            return (rel.to_path_buf(), root.clone());
        }
        (src.clone(), gp.manifest.root().to_path_buf())
    }

    pub fn is_primary(&self, pkg: usize) -> bool {
        self.primary.contains(&pkg)
    }

    pub fn package_root(&self, pkg: usize) -> &Path {
        self.graph.packages[pkg].manifest.root()
    }
}
