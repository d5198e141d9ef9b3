//! Why a unit must run again: cargo's words for `-v` (`Dirty foo v0.1.0
//! (..): <text>`) and the structured cause the build-analysis log records
//! (cargo's `dirty_reason` objects, which `report rebuilds` reads back).

use std::path::PathBuf;

use filetime::FileTime;
use serde_json::{Value, json};

use crate::dep_info::StaleItem;
use crate::unit::Unit;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirtyReason {
    /// cargo's `-v` wording.
    pub text: String,
    pub cause: Cause,
}

/// The part of the unit that changed, in cargo's taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    RustcChanged,
    DeclaredFeaturesChanged {
        old: String,
        new: String,
    },
    TargetConfigurationChanged,
    ProfileConfigurationChanged,
    RustflagsChanged {
        old: Vec<String>,
        new: Vec<String>,
    },
    ConfigSettingsChanged,
    PrecalculatedComponentsChanged {
        old: String,
        new: String,
    },
    /// A `rerun-if-env-changed` variable of a build script.
    EnvVarChanged {
        name: String,
        old_value: Option<String>,
        new_value: Option<String>,
    },
    LocalLengthsChanged,
    /// A dependency ran in this build.
    DependencyRebuilt(Unit),
    /// A dependency's output is newer than what this unit last read.
    StaleDependency {
        dep: Unit,
        dep_mtime: FileTime,
        max_mtime: FileTime,
    },
    /// One of the unit's outputs is gone.
    MissingOutput(PathBuf),
    /// An input file or variable changed.
    Stale(StaleItem),
    NothingObvious,
}

impl DirtyReason {
    pub fn new(text: impl Into<String>, cause: Cause) -> DirtyReason {
        DirtyReason {
            text: text.into(),
            cause,
        }
    }

    /// From a file system or environment check (the text is the item's).
    pub fn stale(item: StaleItem, ws_root: &std::path::Path) -> DirtyReason {
        DirtyReason {
            text: item.describe(ws_root),
            cause: Cause::Stale(item),
        }
    }
}

/// An mtime as cargo logs it: milliseconds since the epoch, as a float.
fn millis(t: FileTime) -> f64 {
    t.unix_seconds() as f64 * 1000.0 + f64::from(t.nanoseconds()) / 1e6
}

fn path(p: &std::path::Path) -> Value {
    Value::String(p.to_string_lossy().into_owned())
}

impl Cause {
    /// cargo's JSON form; `index` names a unit by its log index.
    pub fn to_json(&self, index: &dyn Fn(&Unit) -> Option<usize>) -> Value {
        let fs = |fields: Value| -> Value {
            let mut v = json!({ "dirty_reason": "fs-status-outdated" });
            if let (Some(o), Value::Object(f)) = (v.as_object_mut(), fields) {
                o.extend(f);
            }
            v
        };
        match self {
            Cause::RustcChanged => json!({ "dirty_reason": "rustc-changed" }),
            Cause::DeclaredFeaturesChanged { old, new } => json!({
                "dirty_reason": "declared-features-changed", "old": old, "new": new
            }),
            Cause::TargetConfigurationChanged => {
                json!({ "dirty_reason": "target-configuration-changed" })
            }
            Cause::ProfileConfigurationChanged => {
                json!({ "dirty_reason": "profile-configuration-changed" })
            }
            Cause::RustflagsChanged { old, new } => json!({
                "dirty_reason": "rustflags-changed", "old": old, "new": new
            }),
            Cause::ConfigSettingsChanged => json!({ "dirty_reason": "config-settings-changed" }),
            Cause::PrecalculatedComponentsChanged { old, new } => json!({
                "dirty_reason": "precalculated-components-changed", "old": old, "new": new
            }),
            Cause::EnvVarChanged {
                name,
                old_value,
                new_value,
            } => json!({
                "dirty_reason": "env-var-changed",
                "name": name, "old_value": old_value, "new_value": new_value
            }),
            Cause::LocalLengthsChanged => json!({ "dirty_reason": "local-lengths-changed" }),
            Cause::DependencyRebuilt(dep) => match index(dep) {
                Some(i) => json!({ "dirty_reason": "unit-dependency-info-changed", "unit": i }),
                None => json!({ "dirty_reason": "nothing-obvious" }),
            },
            Cause::StaleDependency {
                dep,
                dep_mtime,
                max_mtime,
            } => match index(dep) {
                Some(i) => fs(json!({
                    "fs_status": "stale-dependency",
                    "unit": i,
                    "dep_mtime": millis(*dep_mtime),
                    "max_mtime": millis(*max_mtime),
                })),
                None => fs(json!({ "fs_status": "stale" })),
            },
            Cause::MissingOutput(p) => fs(json!({
                "fs_status": "stale-item",
                "stale_item": "failed-to-read-metadata",
                "path": path(p),
            })),
            Cause::Stale(item) => fs(stale_item(item)),
            Cause::NothingObvious => json!({ "dirty_reason": "nothing-obvious" }),
        }
    }
}

fn stale_item(item: &StaleItem) -> Value {
    match item {
        StaleItem::MissingFile(p) => json!({
            "fs_status": "stale-item", "stale_item": "missing-file", "path": path(p)
        }),
        StaleItem::ChangedFile {
            reference,
            reference_mtime,
            stale,
            stale_mtime,
        } => json!({
            "fs_status": "stale-item",
            "stale_item": "changed-file",
            "reference": path(reference),
            "reference_mtime": millis(*reference_mtime),
            "stale": path(stale),
            "stale_mtime": millis(*stale_mtime),
        }),
        StaleItem::ChangedEnv {
            var,
            previous,
            current,
        } => json!({
            "fs_status": "stale-item",
            "stale_item": "changed-env",
            "var": var, "previous": previous, "current": current,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_file_is_cargos_shape() {
        let item = StaleItem::ChangedFile {
            reference: "/t/dep-lib-foo".into(),
            reference_mtime: FileTime::from_unix_time(1, 500_000_000),
            stale: "/p/src/lib.rs".into(),
            stale_mtime: FileTime::from_unix_time(2, 0),
        };
        let v = Cause::Stale(item).to_json(&|_| None);
        assert_eq!(v["dirty_reason"], "fs-status-outdated");
        assert_eq!(v["fs_status"], "stale-item");
        assert_eq!(v["stale_item"], "changed-file");
        assert_eq!(v["reference_mtime"], 1500.0);
        assert_eq!(v["stale"], "/p/src/lib.rs");
        assert_eq!(v.as_object().map(|o| o.len()), Some(7));
    }

    #[test]
    fn env_values_are_null_when_unset() {
        let v = Cause::EnvVarChanged {
            name: "X".into(),
            old_value: None,
            new_value: Some("1".into()),
        }
        .to_json(&|_| None);
        assert_eq!(v["old_value"], Value::Null);
        assert_eq!(v["new_value"], "1");
    }
}
