//! One line of an index file: a version of a package with its
//! dependencies, features and checksum (schema v1 and v2).

use std::collections::BTreeMap;

use anyhow::Context as _;
use mycargo_core::{DepKind, Dependency, Platform, SourceId, VersionRequirement};
use semver::{Version, VersionReq};
use serde::Deserialize;

/// The highest index schema version understood (`v` of a line). Lines
/// with a higher `v` are kept as [`SummaryStatus::Unsupported`].
pub const INDEX_V_MAX: u32 = 2;

/// Whether a line can be used by the resolver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryStatus {
    /// A normal line (yanked or not: see [`IndexSummary::yanked`]).
    Available,
    /// A line with a schema version (`v`) newer than [`INDEX_V_MAX`].
    Unsupported { v: u32 },
    /// A line whose `name` and `vers` parse but the rest does not; the
    /// message says why.
    Invalid { error: String },
}

/// One dependency of an index line (`RegistryDependency`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDep {
    /// The name in the dependent's manifest (the rename, if renamed).
    pub name: String,
    /// The requirement as written (`^1.0`).
    pub req: String,
    pub features: Vec<String>,
    pub optional: bool,
    pub default_features: bool,
    /// `cfg(...)` or a target triple.
    pub target: Option<String>,
    pub kind: DepKind,
    /// The index URL of another registry; `None` means this one.
    pub registry: Option<String>,
    /// The real package name when renamed.
    pub package: Option<String>,
    pub public: Option<bool>,
}

impl IndexDep {
    /// The name of the package depended on (`package`, else `name`).
    pub fn package_name(&self) -> &str {
        self.package.as_deref().unwrap_or(&self.name)
    }

    /// The requirement, parsed.
    pub fn version_req(&self) -> Result<VersionReq, semver::Error> {
        VersionReq::parse(&self.req)
    }

    /// This dependency in core's vocabulary. `this_source` is the
    /// registry the line came from (a dependency with no `registry` is
    /// in it); `registry` URLs become registry sources (`sparse+` ones
    /// sparse).
    pub fn to_dependency(&self, this_source: &SourceId) -> anyhow::Result<Dependency> {
        let req = VersionRequirement::parse(&self.req).with_context(|| {
            format!(
                "invalid version requirement `{}` for dependency `{}`",
                self.req, self.name
            )
        })?;
        let source = match &self.registry {
            None => this_source.clone(),
            Some(url) => {
                let parsed = url::Url::parse(url)
                    .with_context(|| format!("invalid registry URL `{url}` of `{}`", self.name))?;
                SourceId::for_registry(&parsed)
            }
        };
        let mut dep = Dependency::new(self.package_name(), req, source);
        dep.set_name_in_toml(self.name.clone())
            .set_kind(self.kind)
            .set_optional(self.optional)
            .set_default_features(self.default_features)
            .set_features(self.features.clone())
            .set_public(self.public)
            .set_registry(self.registry.clone());
        if let Some(t) = &self.target {
            let platform = t
                .parse::<Platform>()
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("invalid target `{t}` of dependency `{}`", self.name))?;
            dep.set_platform(Some(platform));
        }
        Ok(dep)
    }
}

/// Everything an index line says about one version of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSummary {
    /// As published (original case).
    pub name: String,
    pub version: Version,
    /// The dependencies (read with the line; lines themselves are parsed
    /// only when their version is wanted, see `IndexLines`).
    pub deps: Vec<IndexDep>,
    /// `features` and `features2`, kept as written until asked for: some
    /// packages list thousands per version (web-sys), and a resolve looks
    /// at the features of a few versions only.
    pub features: LazyFeatures,
    /// sha256 hex of the `.crate`.
    pub cksum: String,
    pub yanked: bool,
    pub links: Option<String>,
    /// `rust_version` as written (`1.68`).
    pub rust_version: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SSZ`, when the registry gives it.
    pub pubtime: Option<String>,
    /// The schema version (`v`, default 1).
    pub v: u32,
    pub status: SummaryStatus,
}

impl IndexSummary {
    /// Usable by the resolver: [`SummaryStatus::Available`] (yanked
    /// versions included; the resolver decides about those).
    pub fn is_available(&self) -> bool {
        self.status == SummaryStatus::Available
    }
}

/// Index dependencies as the model has them.
fn convert_deps(raw: Vec<RawDep>) -> Vec<IndexDep> {
    raw.into_iter()
        .map(|d| IndexDep {
            name: d.name,
            req: d.req,
            features: d.features,
            optional: d.optional,
            default_features: d.default_features,
            target: d.target,
            kind: match d.kind.as_deref() {
                Some("dev") => DepKind::Development,
                Some("build") => DepKind::Build,
                _ => DepKind::Normal,
            },
            registry: d.registry,
            package: d.package,
            public: d.public,
        })
        .collect()
}

/// Checks that a feature table is an object of string lists, without
/// building it (what the eager parse used to refuse, still refused).
struct FeatureTableShape;

impl<'de> Deserialize<'de> for FeatureTableShape {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Table;
        impl<'de> serde::de::Visitor<'de> for Table {
            type Value = FeatureTableShape;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of feature lists")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FeatureTableShape, A::Error> {
                while map.next_key::<ShapeStr>()?.is_some() {
                    map.next_value::<ShapeSeq>()?;
                }
                Ok(FeatureTableShape)
            }
        }
        d.deserialize_map(Table)
    }
}

/// Any string, not kept.
struct ShapeStr;

impl<'de> Deserialize<'de> for ShapeStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ShapeStr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<ShapeStr, E> {
                Ok(ShapeStr)
            }
        }
        d.deserialize_str(V)
    }
}

/// A list of strings, not kept.
#[derive(Default)]
struct ShapeSeq;

impl<'de> Deserialize<'de> for ShapeSeq {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ShapeSeq;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ShapeSeq, A::Error> {
                while seq.next_element::<ShapeStr>()?.is_some() {}
                Ok(ShapeSeq)
            }
        }
        d.deserialize_seq(V)
    }
}

/// An index line's feature tables, parsed at the first look.
#[derive(Debug, Clone, Default)]
pub struct LazyFeatures {
    /// The `features` and `features2` JSON objects as written.
    raw: [Option<Box<str>>; 2],
    parsed: std::sync::OnceLock<BTreeMap<String, Vec<String>>>,
}

impl LazyFeatures {
    /// Features already parsed (test fixtures, other sources).
    pub fn from_map(map: BTreeMap<String, Vec<String>>) -> LazyFeatures {
        let parsed = std::sync::OnceLock::new();
        let _ = parsed.set(map);
        LazyFeatures {
            raw: [None, None],
            parsed,
        }
    }

    /// `features` with `features2` merged in. A table that does not parse
    /// reads as empty (the line's other fields did parse).
    pub fn get(&self) -> &BTreeMap<String, Vec<String>> {
        self.parsed.get_or_init(|| self.parse())
    }

    /// [`LazyFeatures::get`] without keeping the map: for a caller that
    /// turns it into its own (some packages list thousands of features in
    /// each of hundreds of versions).
    pub fn get_unkept(&self) -> std::borrow::Cow<'_, BTreeMap<String, Vec<String>>> {
        match self.parsed.get() {
            Some(map) => std::borrow::Cow::Borrowed(map),
            None => std::borrow::Cow::Owned(self.parse()),
        }
    }

    fn parse(&self) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for table in self.raw.iter().flatten() {
            let parsed: BTreeMap<String, Vec<String>> =
                serde_json::from_str(table).unwrap_or_default();
            for (k, vals) in parsed {
                map.entry(k).or_default().extend(vals);
            }
        }
        map
    }
}

impl PartialEq for LazyFeatures {
    fn eq(&self, other: &LazyFeatures) -> bool {
        self.get() == other.get()
    }
}

impl Eq for LazyFeatures {}

#[derive(Deserialize)]
struct RawLine<'a> {
    name: String,
    vers: String,
    #[serde(default, borrow, deserialize_with = "present")]
    deps: Option<&'a serde_json::value::RawValue>,
    #[serde(default)]
    cksum: Option<String>,
    #[serde(default, borrow, deserialize_with = "present")]
    features: Option<&'a serde_json::value::RawValue>,
    #[serde(default, borrow)]
    features2: Option<&'a serde_json::value::RawValue>,
    #[serde(default)]
    yanked: Option<bool>,
    #[serde(default)]
    links: Option<String>,
    #[serde(default)]
    rust_version: Option<String>,
    #[serde(default)]
    pubtime: Option<String>,
    #[serde(default)]
    v: Option<u32>,
}

/// A field that is there, as written (`null` included, for the shape
/// checks to refuse as the typed fields did); absent is `None`.
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<&'de serde_json::value::RawValue>, D::Error> {
    <&serde_json::value::RawValue>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct RawDep {
    name: String,
    req: String,
    #[serde(default)]
    features: Vec<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default = "default_true")]
    default_features: bool,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    registry: Option<String>,
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    public: Option<bool>,
}

fn default_true() -> bool {
    true
}

/// Just enough of a line to name it.
#[derive(Deserialize)]
struct MinimalLine {
    name: String,
    vers: String,
}

/// `v` of a line read leniently (a bad value reads as absent).
#[derive(Deserialize)]
struct LenientSchema {
    v: Option<u32>,
}

/// `rust_version` of a line read leniently (a bad value reads as absent).
#[derive(Deserialize)]
struct LenientRustVersion {
    rust_version: Option<String>,
}

/// Errors for lines that cannot even be named.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("invalid JSON in index line: {0}")]
    Json(#[from] serde_json::Error),
    #[error("invalid version `{vers}` in index line: {error}")]
    Version { vers: String, error: semver::Error },
}

/// Parse one index line. A line with a valid `name` and `vers` always
/// gives a summary (maybe `Unsupported` or `Invalid`, as cargo keeps them);
/// anything less is an error (cargo skips such lines).
pub fn parse_line(line: &[u8]) -> Result<IndexSummary, LineError> {
    match serde_json::from_slice::<RawLine<'_>>(line) {
        Ok(raw) => {
            let version = Version::parse(&raw.vers).map_err(|error| LineError::Version {
                vers: raw.vers.clone(),
                error,
            })?;
            let v = raw.v.unwrap_or(1);
            // The tables must be objects of string lists, as before; only
            // building the map waits.
            let checked: Result<(), serde_json::Error> = [raw.features, raw.features2]
                .into_iter()
                .flatten()
                .try_for_each(|t| serde_json::from_str::<FeatureTableShape>(t.get()).map(|_| ()));
            if let Err(e) = checked {
                return invalid_line(line, e);
            }
            let features = LazyFeatures {
                raw: [raw.features, raw.features2].map(|t| t.map(|t| Box::from(t.get()))),
                parsed: std::sync::OnceLock::new(),
            };
            let deps = match raw
                .deps
                .map(|d| serde_json::from_str::<Vec<RawDep>>(d.get()))
            {
                Some(Ok(d)) => convert_deps(d),
                Some(Err(e)) => return invalid_line(line, e),
                None => Vec::new(),
            };
            let status = if v > INDEX_V_MAX {
                SummaryStatus::Unsupported { v }
            } else {
                SummaryStatus::Available
            };
            Ok(IndexSummary {
                name: raw.name,
                version,
                deps,
                features,
                cksum: raw.cksum.unwrap_or_default(),
                yanked: raw.yanked.unwrap_or(false),
                links: raw.links,
                rust_version: raw.rust_version,
                pubtime: raw.pubtime,
                v,
                status,
            })
        }
        Err(full_error) => invalid_line(line, full_error),
    }
}

/// A line whose fields do not all parse: named, kept as cargo keeps it.
fn invalid_line(line: &[u8], full_error: serde_json::Error) -> Result<IndexSummary, LineError> {
    let min: MinimalLine = serde_json::from_slice(line)?;
    let version = Version::parse(&min.vers).map_err(|error| LineError::Version {
        vers: min.vers.clone(),
        error,
    })?;
    // As cargo: the schema version and `rust-version` are read each on
    // their own, a bad value as none, for what the error says.
    let v = serde_json::from_slice::<LenientSchema>(line)
        .ok()
        .and_then(|l| l.v)
        .unwrap_or(1);
    let rust_version = serde_json::from_slice::<LenientRustVersion>(line)
        .ok()
        .and_then(|l| l.rust_version)
        .filter(|rv| rv.parse::<mycargo_core::PartialVersion>().is_ok());
    Ok(IndexSummary {
        name: min.name,
        version,
        deps: Vec::new(),
        features: LazyFeatures::default(),
        cksum: String::new(),
        yanked: false,
        links: None,
        rust_version,
        pubtime: None,
        v,
        status: if v > INDEX_V_MAX {
            SummaryStatus::Unsupported { v }
        } else {
            SummaryStatus::Invalid {
                error: full_error.to_string(),
            }
        },
    })
}

/// Parse a whole index file: one summary per usable line, in file order,
/// with the raw line kept (for the on-disk cache). Empty and unnameable
/// lines are skipped.
pub fn parse_file(data: &[u8]) -> Vec<(IndexSummary, &[u8])> {
    data.split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .filter_map(|l| parse_line(l).ok().map(|s| (s, l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_line_with_every_dep_field() {
        let line = br#"{"name":"Itoa","vers":"1.0.18","deps":[
            {"name":"criterion","req":"^0.8","features":["x"],"optional":false,"default_features":false,"target":"cfg(not(miri))","kind":"dev"},
            {"name":"b","req":"^1","features":[],"optional":true,"default_features":true,"target":null,"kind":"build","registry":"https://other/index","package":"real-b"},
            {"name":"c","req":"=2.0.0","kind":"normal"},
            {"name":"d","req":"*","kind":null,"public":true}
        ],"cksum":"8f42","features":{"std":["b"]},"yanked":true,"links":"z","rust_version":"1.68","pubtime":"2026-03-20T00:12:37Z"}"#;
        let s = parse_line(line).unwrap();
        assert_eq!(s.name, "Itoa");
        assert_eq!(s.version, Version::new(1, 0, 18));
        assert_eq!(s.v, 1);
        assert!(s.yanked);
        assert!(s.is_available());
        assert_eq!(s.links.as_deref(), Some("z"));
        assert_eq!(s.rust_version.as_deref(), Some("1.68"));
        assert_eq!(s.pubtime.as_deref(), Some("2026-03-20T00:12:37Z"));
        assert_eq!(s.cksum, "8f42");
        assert_eq!(s.features.get()["std"], vec!["b".to_string()]);
        assert_eq!(s.deps.len(), 4);
        let d0 = &s.deps[0];
        assert_eq!(d0.kind, DepKind::Development);
        assert!(!d0.default_features);
        assert_eq!(d0.target.as_deref(), Some("cfg(not(miri))"));
        assert_eq!(d0.features, vec!["x".to_string()]);
        let d1 = &s.deps[1];
        assert_eq!(d1.kind, DepKind::Build);
        assert!(d1.optional);
        assert_eq!(d1.package_name(), "real-b");
        assert_eq!(d1.name, "b");
        assert_eq!(d1.registry.as_deref(), Some("https://other/index"));
        let d2 = &s.deps[2];
        assert_eq!(d2.kind, DepKind::Normal);
        assert!(d2.default_features, "default_features defaults to true");
        assert!(d2.version_req().unwrap().matches(&Version::new(2, 0, 0)));
        assert_eq!(s.deps[3].kind, DepKind::Normal);
        assert_eq!(s.deps[3].public, Some(true));
    }

    #[test]
    fn deps_become_core_dependencies() {
        let line = br#"{"name":"a","vers":"1.0.0","deps":[
            {"name":"b2","package":"b","req":"^1.2","features":["x"],"optional":true,"default_features":false,"target":"cfg(unix)","kind":"build"},
            {"name":"c","req":"0.3","registry":"sparse+https://other.example/index/"}
        ],"cksum":"00"}"#;
        let s = parse_line(line).unwrap();
        let here = SourceId::from_url("sparse+https://reg.example/").unwrap();
        let b = s.deps[0].to_dependency(&here).unwrap();
        assert_eq!(b.package_name(), "b");
        assert_eq!(b.name_in_toml(), "b2");
        assert_eq!(b.kind(), DepKind::Build);
        assert!(b.is_optional());
        assert!(!b.uses_default_features());
        assert_eq!(b.features(), ["x".to_string()]);
        assert!(b.platform().is_some());
        assert_eq!(b.source_id(), &here);
        assert!(b.version_req().matches(&Version::new(1, 3, 0)));
        let c = s.deps[1].to_dependency(&here).unwrap();
        assert!(c.source_id().is_sparse());
        assert_ne!(c.source_id(), &here);
    }

    #[test]
    fn v2_features2_are_merged() {
        let line = br#"{"name":"a","vers":"0.1.0","deps":[],"cksum":"00","features":{"std":[],"x":["std"]},"features2":{"x":["dep:serde"],"serde":["dep:serde","serde?/std"]},"v":2}"#;
        let s = parse_line(line).unwrap();
        assert_eq!(s.v, 2);
        assert!(s.is_available());
        assert!(!s.yanked);
        assert_eq!(
            s.features.get()["x"],
            vec!["std".to_string(), "dep:serde".to_string()]
        );
        assert_eq!(s.features.get()["serde"].len(), 2);
        assert!(s.features.get()["std"].is_empty());
    }

    #[test]
    fn newer_schema_and_invalid_lines() {
        let s = parse_line(br#"{"name":"a","vers":"1.0.0","deps":[],"cksum":"00","v":3}"#).unwrap();
        assert_eq!(s.status, SummaryStatus::Unsupported { v: 3 });
        let s = parse_line(br#"{"name":"a","vers":"1.0.1","deps":"nope"}"#).unwrap();
        assert!(matches!(s.status, SummaryStatus::Invalid { .. }));
        assert_eq!(s.version, Version::new(1, 0, 1));
        assert!(parse_line(br#"{"name":"a"}"#).is_err());
        assert!(parse_line(br#"{"name":"a","vers":"x.y"}"#).is_err());
        assert!(parse_line(b"not json").is_err());
    }

    #[test]
    fn whole_file() {
        let data = b"{\"name\":\"a\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"00\"}\n\ngarbage\n{\"name\":\"a\",\"vers\":\"1.1.0\",\"deps\":[],\"cksum\":\"01\"}\n";
        let all = parse_file(data);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].0.version, Version::new(1, 1, 0));
        assert!(all[1].1.starts_with(b"{\"name\":\"a\",\"vers\":\"1.1.0\""));
    }
}

#[cfg(test)]
mod lazy_feature_tests {
    use super::*;

    #[test]
    fn features_and_deps_are_read_when_asked_and_bad_shapes_still_refused() {
        let line = br#"{"name":"a","vers":"1.0.0","deps":[],"cksum":"00","features":{"x":["y"]},"features2":{"x":["dep:z"],"w":[]},"v":2}"#;
        let s = parse_line(line).expect("line");
        assert!(s.is_available());
        assert_eq!(s.features.get()["x"], ["y", "dep:z"]);
        assert!(s.features.get()["w"].is_empty());
        // A table of the wrong shape makes the line invalid, as before.
        for bad in [
            &br#"{"name":"a","vers":"1.0.0","features":{"x":[1]}}"#[..],
            &br#"{"name":"a","vers":"1.0.0","features":["x"]}"#[..],
            &br#"{"name":"a","vers":"1.0.0","features":{"x":"y"}}"#[..],
            &br#"{"name":"a","vers":"1.0.0","deps":[{"name":"b"}]}"#[..],
            &br#"{"name":"a","vers":"1.0.0","deps":[{"name":"b","req":"1","optional":"no"}]}"#[..],
            &br#"{"name":"a","vers":"1.0.0","deps":[{"name":"b","req":"1","features":null}]}"#[..],
            &br#"{"name":"a","vers":"1.0.0","deps":{"b":"1"}}"#[..],
            &br#"{"name":"a","vers":"1.0.0","deps":null}"#[..],
            &br#"{"name":"a","vers":"1.0.0","features":null}"#[..],
        ] {
            let s = parse_line(bad).expect("named");
            assert!(matches!(s.status, SummaryStatus::Invalid { .. }), "{s:?}");
        }
        let s = parse_line(br#"{"name":"a","vers":"1.0.0"}"#).expect("no features");
        assert!(s.features.get().is_empty() && s.deps.is_empty());
        // `features2` alone, or null, as the typed parse took them.
        let s = parse_line(br#"{"name":"a","vers":"1.0.0","features2":{"x":["dep:y"]}}"#)
            .expect("features2 alone");
        assert_eq!(s.features.get()["x"], ["dep:y"]);
        let s = parse_line(br#"{"name":"a","vers":"1.0.0","features2":null}"#).expect("null");
        assert!(s.is_available() && s.features.get().is_empty());
        let s = parse_line(br#"{"name":"a","vers":"1.0.0","deps":[{"name":"b","req":"^1","kind":null,"target":null}]}"#)
            .expect("deps");
        assert!(s.is_available());
        assert_eq!(s.deps[0].name, "b");
        assert!(s.deps[0].default_features);
    }
}
