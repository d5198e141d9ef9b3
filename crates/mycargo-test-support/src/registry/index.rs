//! Index file paths and index JSON lines, as a sparse registry serves them.

use std::collections::BTreeMap;

use serde_json::Value;

/// A dependency as written in an index line (`RegistryDependency`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexDep {
    /// The name the dependent uses (the rename, if renamed).
    pub name: String,
    pub req: String,
    pub features: Vec<String>,
    pub optional: bool,
    pub default_features: bool,
    /// A `cfg(..)` expression or a target triple.
    pub target: Option<String>,
    /// `"normal"`, `"dev"` or `"build"`.
    pub kind: String,
    /// The index URL of another registry; `None` means this one.
    pub registry: Option<String>,
    /// The real package name when `name` is a rename.
    pub package: Option<String>,
}

/// One version of a package in the index (`IndexPackage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub name: String,
    pub vers: String,
    pub deps: Vec<IndexDep>,
    pub cksum: String,
    pub features: BTreeMap<String, Vec<String>>,
    /// Written only when not empty; `v` should then be 2.
    pub features2: BTreeMap<String, Vec<String>>,
    pub yanked: bool,
    pub links: Option<String>,
    pub rust_version: Option<String>,
    /// The schema version; `None` omits the field (cargo reads it as 1).
    pub v: Option<u32>,
    /// `YYYY-MM-DDTHH:MM:SSZ`, omitted when `None`.
    pub pubtime: Option<String>,
}

impl IndexDep {
    fn to_json(&self) -> String {
        let mut o = JsonObject::default();
        o.field("name", &self.name);
        o.field("req", &self.req);
        o.field("features", &self.features);
        o.field("optional", &self.optional);
        o.field("default_features", &self.default_features);
        o.field("target", &self.target);
        o.field("kind", &self.kind);
        o.field("registry", &self.registry);
        if self.package.is_some() {
            o.field("package", &self.package);
        }
        o.finish()
    }
}

impl IndexEntry {
    /// The JSON line (without the trailing newline), fields in the order
    /// crates.io writes them.
    pub fn to_json_line(&self) -> String {
        let mut o = JsonObject::default();
        o.field("name", &self.name);
        o.field("vers", &self.vers);
        let deps: Vec<String> = self.deps.iter().map(IndexDep::to_json).collect();
        o.raw("deps", &format!("[{}]", deps.join(",")));
        o.field("cksum", &self.cksum);
        o.field("features", &self.features);
        o.field("yanked", &self.yanked);
        if self.links.is_some() {
            o.field("links", &self.links);
        }
        if let Some(v) = self.v {
            o.field("v", &v);
        }
        if !self.features2.is_empty() {
            o.field("features2", &self.features2);
        }
        if self.rust_version.is_some() {
            o.field("rust_version", &self.rust_version);
        }
        if self.pubtime.is_some() {
            o.field("pubtime", &self.pubtime);
        }
        o.finish()
    }
}

/// Writes a JSON object with fields in insertion order.
#[derive(Default)]
struct JsonObject {
    out: String,
}

impl JsonObject {
    fn field<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        let v = serde_json::to_string(value).unwrap_or_else(|_| Value::Null.to_string());
        self.raw(key, &v);
    }

    fn raw(&mut self, key: &str, json: &str) {
        self.out.push(if self.out.is_empty() { '{' } else { ',' });
        self.out.push_str(&Value::from(key).to_string());
        self.out.push(':');
        self.out.push_str(json);
    }

    fn finish(mut self) -> String {
        if self.out.is_empty() {
            self.out.push('{');
        }
        self.out.push('}');
        self.out
    }
}

/// The index file path of a package, relative to the index root: the
/// lowercased name laid out as `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd...`.
pub fn index_path(name: &str) -> String {
    let n = name.to_lowercase();
    let chars: Vec<char> = n.chars().collect();
    let take = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    match chars.len() {
        0 => n,
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", take(0, 1)),
        _ => format!("{}/{}/{n}", take(0, 2), take(2, 4)),
    }
}

/// An HTTP date (IMF-fixdate) for `secs` since the Unix epoch, e.g.
/// `Tue, 14 Nov 2023 22:13:20 GMT`.
pub fn http_date(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Parse an IMF-fixdate back to seconds since the epoch.
pub fn parse_http_date(s: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut it = s.split_whitespace();
    let _weekday = it.next()?;
    let d: i64 = it.next()?.parse().ok()?;
    let mname = it.next()?;
    let m = MONTHS.iter().position(|x| *x == mname)? as i64 + 1;
    let y: i64 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, mi, se) = (hms.next()??, hms.next()??, hms.next()??);
    if it.next()? != "GMT" {
        return None;
    }
    let days = days_from_civil(y, m, d);
    if days < 0 {
        return None;
    }
    Some(days as u64 * 86_400 + h * 3600 + mi * 60 + se)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for `secs` since the epoch (the index's `pubtime`).
pub fn rfc3339(secs: u64) -> String {
    mycargo_util::time::rfc3339(secs)
}

use mycargo_util::time::{civil_from_days, days_from_civil};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("AB"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("Serde_Json"), "se/rd/serde_json");
        assert_eq!(index_path("abcd"), "ab/cd/abcd");
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        for t in [0, 1_700_000_000, 951_782_400, 4_102_444_799] {
            assert_eq!(parse_http_date(&http_date(t)), Some(t));
        }
        assert_eq!(parse_http_date("garbage"), None);
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn line_shape() {
        let e = IndexEntry {
            name: "Foo".into(),
            vers: "1.0.0".into(),
            deps: vec![IndexDep {
                name: "b".into(),
                req: "^1".into(),
                features: vec!["x".into()],
                optional: true,
                default_features: false,
                target: Some("cfg(unix)".into()),
                kind: "dev".into(),
                registry: None,
                package: Some("bar".into()),
            }],
            cksum: "00".into(),
            features: BTreeMap::from([("a".into(), vec![])]),
            features2: BTreeMap::from([("b".into(), vec!["dep:b".into()])]),
            yanked: true,
            links: Some("z".into()),
            rust_version: Some("1.60".into()),
            v: Some(2),
            pubtime: None,
        };
        assert_eq!(
            e.to_json_line(),
            r#"{"name":"Foo","vers":"1.0.0","deps":[{"name":"b","req":"^1","features":["x"],"optional":true,"default_features":false,"target":"cfg(unix)","kind":"dev","registry":null,"package":"bar"}],"cksum":"00","features":{"a":[]},"yanked":true,"links":"z","v":2,"features2":{"b":["dep:b"]},"rust_version":"1.60"}"#
        );
        let v: Value = serde_json::from_str(&e.to_json_line()).unwrap();
        assert_eq!(v["deps"][0]["package"], "bar");
    }
}
