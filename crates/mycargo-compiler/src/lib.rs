//! Compiling packages whose sources are on disk: units, rustc and rustdoc
//! command lines, build scripts, freshness, and the job queue that runs
//! them. Knows nothing of registries or git: it is given packages with
//! their source paths and a resolved dependency graph.

pub mod analysis_log;
pub mod build_context;
pub mod build_output;
pub mod collisions;
pub mod custom_build;
pub mod dep_info;
pub mod diagnostics;
pub mod dirty_reason;
mod doc_dedup;
pub mod fingerprint;
pub mod fix_messages;
pub mod graph;
pub mod hash;
pub mod job_queue;
pub mod layout;
pub mod lto;
pub mod messages;
pub mod output_depinfo;
pub mod profile;
pub mod rustc_cmd;
pub mod rustc_info;
pub mod rustdoc_cmd;
pub mod testing;
pub mod timings;
pub mod unit;
pub mod unit_graph_json;
pub mod unit_order;

pub use build_context::{
    BuildConfig, BuildContext, MessageFormat, PlatformInfo, TargetData, WarningHandling,
};
pub use graph::{
    DocTestUnit, DocTests, Features, FilterRule, GraphPackage, PackageGraph, Selection,
    TargetFilter, UnitGraph,
};
pub use job_queue::{Compilation, compile};
pub use profile::ProfileMaker;
pub use unit::{CompileKind, CompileMode, Unit};
