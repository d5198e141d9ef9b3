//! Which level a cargo lint has: its own entry or its group's in the
//! `[lints.cargo]` table that applies, else the group's default; `forbid`
//! wins, then the higher priority, then (a tie) the name that sorts first.

use std::collections::BTreeMap;

/// A lint's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warn,
    Deny,
    Forbid,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "allow" => Level::Allow,
            "warn" => Level::Warn,
            "deny" => Level::Deny,
            "forbid" => Level::Forbid,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
            Level::Forbid => "forbid",
        }
    }

    pub fn is_error(self) -> bool {
        matches!(self, Level::Deny | Level::Forbid)
    }

    /// The title's level in a report.
    pub fn snippet_level(self) -> annotate_snippets::Level<'static> {
        if self.is_error() {
            annotate_snippets::Level::ERROR
        } else {
            annotate_snippets::Level::WARNING
        }
    }
}

/// A lint group and its default level.
pub struct GroupDef {
    pub name: &'static str,
    pub default: Level,
}

pub const GROUPS: &[GroupDef] = &[
    GroupDef {
        name: "complexity",
        default: Level::Warn,
    },
    GroupDef {
        name: "correctness",
        default: Level::Deny,
    },
    GroupDef {
        name: "nursery",
        default: Level::Allow,
    },
    GroupDef {
        name: "pedantic",
        default: Level::Allow,
    },
    GroupDef {
        name: "perf",
        default: Level::Warn,
    },
    GroupDef {
        name: "restriction",
        default: Level::Allow,
    },
    GroupDef {
        name: "style",
        default: Level::Warn,
    },
    GroupDef {
        name: "suspicious",
        default: Level::Warn,
    },
    // Gated by `test-dummy-unstable`, through its one lint.
    GroupDef {
        name: "test_dummy_unstable",
        default: Level::Allow,
    },
];

/// A lint: its group, the `rust-version` it needs to fire (1.79 for those
/// whose fix needs a newer manifest syntax) and the feature it needs.
pub struct LintDef {
    pub name: &'static str,
    pub group: &'static str,
    pub msrv: Option<(u64, u64)>,
    pub feature: Option<&'static str>,
}

const fn lint(name: &'static str, group: &'static str, msrv: bool) -> LintDef {
    LintDef {
        name,
        group,
        msrv: if msrv { Some((1, 79)) } else { None },
        feature: None,
    }
}

pub const LINTS: &[LintDef] = &[
    lint("blanket_hint_mostly_unused", "suspicious", true),
    LintDef {
        name: "im_a_teapot",
        group: "test_dummy_unstable",
        msrv: None,
        feature: Some("test-dummy-unstable"),
    },
    lint("implicit_minimum_version_req", "pedantic", false),
    lint("missing_lints_inheritance", "suspicious", true),
    lint("non_kebab_case_bins", "style", true),
    lint("non_kebab_case_features", "restriction", false),
    lint("non_kebab_case_packages", "restriction", false),
    lint("non_snake_case_features", "restriction", false),
    lint("non_snake_case_packages", "restriction", false),
    lint("redundant_homepage", "style", true),
    lint("redundant_readme", "style", true),
    lint("unknown_lints", "suspicious", true),
    lint("unused_workspace_dependencies", "suspicious", true),
    lint("unused_workspace_package_fields", "suspicious", true),
];

pub fn find_lint(name: &str) -> Option<&'static LintDef> {
    LINTS.iter().find(|l| l.name == name)
}

/// The `cargo-features` entry a lint or group needs, if any.
pub fn gate_of(name: &str) -> Option<&'static str> {
    match find_lint(name) {
        Some(l) => l.feature,
        None if name == "test_dummy_unstable" => Some("test-dummy-unstable"),
        None => None,
    }
}

pub fn find_group(name: &str) -> Option<&'static GroupDef> {
    GROUPS.iter().find(|g| g.name == name)
}

/// The levels that apply to one manifest.
pub struct LintLevels {
    /// `name -> (level, priority)` from the table that applies.
    table: BTreeMap<String, (Level, i64)>,
    features: Vec<String>,
    rust_version: Option<(u64, u64)>,
}

/// A lint's level and why, as the report's note says it.
pub struct Resolved {
    pub level: Level,
    /// "in `[lints]`" or "by default".
    pub reason: &'static str,
}

impl LintLevels {
    pub fn new(
        table: BTreeMap<String, (Level, i64)>,
        features: Vec<String>,
        rust_version: Option<(u64, u64)>,
    ) -> LintLevels {
        LintLevels {
            table,
            features,
            rust_version,
        }
    }

    pub fn has_feature(&self, feature: &str) -> bool {
        self.features.iter().any(|f| f == feature)
    }

    pub fn level(&self, name: &str) -> Resolved {
        let allow = Resolved {
            level: Level::Allow,
            reason: "by default",
        };
        let Some(def) = find_lint(name) else {
            return allow;
        };
        if def.feature.is_some_and(|f| !self.has_feature(f)) {
            return allow;
        }
        if let (Some(msrv), Some(rv)) = (def.msrv, self.rust_version)
            && rv < msrv
        {
            return allow;
        }
        let group = find_group(def.group);
        let default = group.map_or(Level::Allow, |g| g.default);
        let candidate = |key: &str| match self.table.get(key) {
            Some(&(level, priority)) => (level, "in `[lints]`", priority),
            None => (default, "by default", 0),
        };
        let own = candidate(def.name);
        let of_group = candidate(def.group);
        let pick = if own.0 == Level::Forbid {
            own
        } else if of_group.0 == Level::Forbid {
            of_group
        } else if own.2 != of_group.2 {
            if own.2 > of_group.2 { own } else { of_group }
        } else if def.name < def.group {
            own
        } else {
            of_group
        };
        Resolved {
            level: pick.0,
            reason: pick.1,
        }
    }
}

/// The entries of the table at `path` (`lints.cargo`, or
/// `workspace.lints.cargo`): `lint = "level"` or `{ level, priority }`.
pub fn lint_table(
    doc: &toml_edit::Document<String>,
    path: &[&str],
) -> BTreeMap<String, (Level, i64)> {
    let mut out = BTreeMap::new();
    let Some(table) = table_at(doc, path) else {
        return out;
    };
    for (name, item) in table.iter() {
        let entry = if let Some(s) = item.as_str() {
            Level::parse(s).map(|l| (l, 0))
        } else if let Some(t) = item.as_table_like() {
            let level = t
                .get("level")
                .and_then(|i| i.as_str())
                .and_then(Level::parse);
            let priority = t.get("priority").and_then(|i| i.as_integer()).unwrap_or(0);
            level.map(|l| (l, priority))
        } else {
            None
        };
        if let Some(entry) = entry {
            out.insert(name.to_string(), entry);
        }
    }
    out
}

/// The table (or inline table) at a dotted path.
pub fn table_at<'d>(
    doc: &'d toml_edit::Document<String>,
    path: &[&str],
) -> Option<&'d dyn toml_edit::TableLike> {
    let mut cur: &dyn toml_edit::TableLike = doc.as_table();
    for part in path {
        cur = cur.get(part)?.as_table_like()?;
    }
    Some(cur)
}

/// `[lints] workspace = true`.
pub fn inherits_workspace_lints(doc: &toml_edit::Document<String>) -> bool {
    table_at(doc, &["lints"])
        .and_then(|t| t.get("workspace"))
        .and_then(|i| i.as_bool())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(entries: &[(&str, Level, i64)]) -> LintLevels {
        let table = entries
            .iter()
            .map(|(n, l, p)| (n.to_string(), (*l, *p)))
            .collect();
        LintLevels::new(table, Vec::new(), None)
    }

    #[test]
    fn defaults_come_from_the_group() {
        let lv = levels(&[]);
        let r = lv.level("unknown_lints");
        assert_eq!((r.level, r.reason), (Level::Warn, "by default"));
        assert_eq!(lv.level("implicit_minimum_version_req").level, Level::Allow);
        // Gated: allowed without its feature.
        assert_eq!(
            levels(&[("im_a_teapot", Level::Warn, 0)])
                .level("im_a_teapot")
                .level,
            Level::Allow
        );
    }

    #[test]
    fn forbid_then_priority_then_name() {
        let lv = levels(&[("implicit_minimum_version_req", Level::Warn, 0)]);
        let r = lv.level("implicit_minimum_version_req");
        assert_eq!((r.level, r.reason), (Level::Warn, "in `[lints]`"));
        let lv = levels(&[
            ("implicit_minimum_version_req", Level::Warn, 10),
            ("pedantic", Level::Forbid, -1),
        ]);
        assert_eq!(
            lv.level("implicit_minimum_version_req").level,
            Level::Forbid
        );
        let lv = levels(&[
            ("implicit_minimum_version_req", Level::Warn, 0),
            ("pedantic", Level::Deny, 1),
        ]);
        assert_eq!(lv.level("implicit_minimum_version_req").level, Level::Deny);
        // A tie goes to the name that sorts first: `suspicious` before
        // `unused_workspace_dependencies`, so the group's default wins.
        let lv = levels(&[("unused_workspace_dependencies", Level::Warn, 0)]);
        let r = lv.level("unused_workspace_dependencies");
        assert_eq!((r.level, r.reason), (Level::Warn, "by default"));
    }

    #[test]
    fn old_rust_versions_allow_newer_lints() {
        let lv = LintLevels::new(BTreeMap::new(), Vec::new(), Some((1, 78)));
        assert_eq!(lv.level("unknown_lints").level, Level::Allow);
    }
}
