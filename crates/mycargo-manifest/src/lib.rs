//! mycargo-manifest: `Cargo.toml` → model.
//!
//! Text is parsed into serde schema types ([`schema`]) that mirror the file,
//! keeping spans for errors; [`convert`] then validates and builds the model
//! ([`Manifest`], [`VirtualManifest`], [`Target`], [`Profiles`]), resolving
//! `workspace = true` from the workspace root. [`Workspace`] finds a root,
//! its members and default members. Library code never prints: warnings are
//! returned, errors are [`ManifestError`]s whose `Display`/`source` chain
//! prints like cargo.

mod convert;
mod dependencies;
pub mod embedded;
pub use dependencies::{PATH_BASES_REQUIRED, config_patch, undefined_path_base};
pub mod edit;
pub mod error;
mod features;
pub mod inherit;
pub mod manifest;
pub mod parse;
pub mod profiles;
mod read;
pub mod schema;
pub mod target;
mod workspace;

pub use error::{Chain, ManifestError};
pub use inherit::InheritableFields;
pub use manifest::{
    Manifest, ManifestKind, PackageMetadata, ParsedManifest, VirtualManifest, WorkspaceConfig,
    WorkspaceRootConfig,
};
pub use profiles::{
    Lto, OptLevel, PanicStrategy, Profile, ProfilePackageSpec, Profiles, Strip, profile_from_config,
};
pub use read::{
    NightlyGate, ReadOptions, find_manifest_for_dir, find_workspace_root, read_manifest,
    read_manifest_file, read_manifest_with,
};
pub use target::{Target, TargetKind};
pub use workspace::Workspace;
