//! Where a package's index file lives (`1/a`, `2/ab`, `3/a/abc`,
//! `ab/cd/abcd`) and how a `dl` template becomes a download URL.

/// The index path of `name` (lowercased, as requested from a sparse index
/// and as stored under `.cache/`).
pub fn index_path(name: &str) -> String {
    dep_path(&name.to_lowercase(), false)
}

/// Cargo's `make_dep_path`: with `prefix_only`, the directory part alone
/// (`{prefix}` of a `dl` template), on the name as given.
pub fn dep_path(name: &str, prefix_only: bool) -> String {
    let (dir, sep) = match name.chars().count() {
        1 => ("1".to_string(), "/"),
        2 => ("2".to_string(), "/"),
        3 => {
            let first: String = name.chars().take(1).collect();
            (format!("3/{first}"), "/")
        }
        _ => {
            let a: String = name.chars().take(2).collect();
            let b: String = name.chars().skip(2).take(2).collect();
            (format!("{a}/{b}"), "/")
        }
    };
    if prefix_only {
        dir
    } else {
        format!("{dir}{sep}{name}")
    }
}

/// The markers a `dl` template may contain.
const MARKERS: [&str; 5] = [
    "{crate}",
    "{version}",
    "{prefix}",
    "{lowerprefix}",
    "{sha256-checksum}",
];

/// Expand `dl` from `config.json` for one `.crate`: plain substitution of
/// the markers, or `/<name>/<version>/download` appended when it has none.
pub fn expand_dl(dl: &str, name: &str, version: &str, cksum: &str) -> String {
    if !MARKERS.iter().any(|m| dl.contains(m)) {
        return format!("{}/{name}/{version}/download", dl.trim_end_matches('/'));
    }
    let prefix = dep_path(name, true);
    dl.replace("{crate}", name)
        .replace("{version}", version)
        .replace("{prefix}", &prefix)
        .replace("{lowerprefix}", &prefix.to_lowercase())
        .replace("{sha256-checksum}", cksum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("AB"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("Serde"), "se/rd/serde");
        assert_eq!(index_path("cargo-util"), "ca/rg/cargo-util");
        assert_eq!(index_path("syn"), "3/s/syn");
        assert_eq!(index_path("ab_c"), "ab/_c/ab_c");
    }

    #[test]
    fn prefixes() {
        assert_eq!(dep_path("MyCrate", true), "My/Cr");
        assert_eq!(dep_path("ab", true), "2");
        assert_eq!(dep_path("a", true), "1");
        assert_eq!(dep_path("abc", true), "3/a");
    }

    #[test]
    fn dl_without_markers_appends() {
        assert_eq!(
            expand_dl("https://crates.io/api/v1/crates", "serde", "1.0.0", "ff"),
            "https://crates.io/api/v1/crates/serde/1.0.0/download"
        );
        assert_eq!(
            expand_dl("http://h/dl/", "a", "0.1.0", "ff"),
            "http://h/dl/a/0.1.0/download"
        );
    }

    #[test]
    fn dl_markers() {
        let t = "https://h/{prefix}/{lowerprefix}/{crate}/{crate}-{version}.crate?sum={sha256-checksum}";
        assert_eq!(
            expand_dl(t, "MyCrate", "1.0.0+build.1", "abcd"),
            "https://h/My/Cr/my/cr/MyCrate/MyCrate-1.0.0+build.1.crate?sum=abcd"
        );
        assert_eq!(
            expand_dl("https://h/{lowerprefix}", "AbC", "1.0.0", ""),
            "https://h/3/a"
        );
        // Any single marker turns appending off.
        assert_eq!(
            expand_dl("https://h/{sha256-checksum}", "a", "1.0.0", "99"),
            "https://h/99"
        );
    }
}
