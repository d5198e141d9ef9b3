//! Random registries and projects for differential tests of the resolver.
//!
//! [`generate`] turns a seed into a [`Graph`]: registry packages with
//! several versions across majors (pre-releases, yanked versions,
//! `rust-version`s, `links`), features (`default`, plain ones, `dep:x`,
//! `x/feat`, `x?/feat`), dependencies of every kind (normal, dev, build,
//! `cfg(..)`/triple-specific, optional, renamed with `package = ..`,
//! `default-features = false`, features asked of them) and requirements of
//! every kind (`^`, `~`, `=`, `>=`, `>`, `<`, `<=`, `*`, wildcards, ranges,
//! bare versions, pre-release ones), plus a root project (one package, a
//! package with a path dependency, or a workspace of two members) that
//! depends on some of them.
//!
//! The same seed always gives the same graph. Every package name starts
//! with `s<seed>`, so one [`Registry`] can hold the graphs of many seeds
//! at once and one `CARGO_HOME` can serve them all.
//!
//! ```no_run
//! use mycargo_test_support::registry::{Registry, generate::{generate, GenOptions}};
//! let reg = Registry::new();
//! let g = generate(17, &GenOptions::default());
//! g.publish(&reg);
//! // write g.files into a project, run `generate-lockfile` with both tools
//! ```

use std::fmt::Write as _;

use super::Registry;
use super::package::{Dep, Package};

/// A small deterministic generator (splitmix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_1234_ABCD_0000)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True `pct` times in a hundred.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.next_u64() % 100 < pct
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// The shape of generated graphs.
#[derive(Clone, Debug)]
pub struct GenOptions {
    /// Registry packages per graph.
    pub packages: usize,
    /// Most versions of one package.
    pub max_versions: usize,
    /// Chance (percent) that a version depends on a given later package,
    /// scaled down for big graphs so each version has a few dependencies.
    pub dep_pct: u64,
    /// Most dependencies of a root package.
    pub max_root_deps: usize,
}

impl Default for GenOptions {
    /// Graphs of 30 packages.
    fn default() -> Self {
        GenOptions {
            packages: 30,
            max_versions: 8,
            dep_pct: 30,
            max_root_deps: 6,
        }
    }
}

impl GenOptions {
    /// Small graphs (3 to 9 packages) with dense dependencies.
    pub fn small(seed: u64) -> GenOptions {
        GenOptions {
            packages: 3 + (seed % 7) as usize,
            max_versions: 5,
            dep_pct: 35,
            max_root_deps: 3,
        }
    }
}

/// Versions a package may have: several majors, `0.x` ranges, `0.0.x`,
/// pre-releases.
const VERSIONS: &[&str] = &[
    "0.0.1",
    "0.0.2",
    "0.1.0",
    "0.1.3",
    "0.2.0",
    "0.2.1",
    "0.3.0-alpha.1",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.1.0",
    "1.2.0-beta.1",
    "1.2.0",
    "1.3.5",
    "2.0.0",
    "2.1.0",
    "2.1.1-pre",
    "3.0.0-alpha.1",
    "3.0.0",
];

const TARGETS: &[&str] = &[
    "cfg(windows)",
    "cfg(unix)",
    "cfg(not(unix))",
    "x86_64-pc-windows-msvc",
    "cfg(target_os = \"linux\")",
    "x86_64-unknown-linux-gnu",
];

/// The features every generated version may have (besides `default` and
/// the ones about its dependencies).
const FEATURES: &[&str] = &["std", "extra", "alloc"];

/// A feature to ask of a dependency: mostly `std`, which most versions have.
fn asked_feature(rng: &mut Rng) -> &'static str {
    if rng.chance(70) {
        "std"
    } else {
        FEATURES[rng.below(FEATURES.len())]
    }
}

fn parse(v: &str) -> (u64, u64, u64, bool) {
    let (core, pre) = match v.split_once('-') {
        Some((c, _)) => (c, true),
        None => (v, false),
    };
    let mut parts = core.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        pre,
    )
}

/// A requirement near `v`: it matches `v` most of the time, and often
/// other versions too.
fn req_for(rng: &mut Rng, v: &str) -> String {
    let (maj, min, pat, pre) = parse(v);
    if pre && rng.chance(60) {
        // Only a requirement naming the pre-release can pick it.
        return match rng.below(4) {
            0 => v.to_string(),
            1 => format!("={v}"),
            2 => format!(">={v}"),
            _ => format!("~{v}"),
        };
    }
    match rng.below(19) {
        0 => format!("{maj}.{min}"),
        1 => format!("^{maj}.{min}.{pat}"),
        2 => format!("~{maj}.{min}"),
        3 => format!("={maj}.{min}.{pat}"),
        4 => format!(">={maj}.{min}.{pat}"),
        5 => "*".to_string(),
        6 => format!(">={maj}.{min}, <{}", maj + 1),
        7 => format!("{maj}"),
        8 => format!("<{}", maj + 1),
        9 => format!("<={maj}.{min}.{pat}"),
        10 if maj > 0 => format!(">{}", maj - 1),
        10 => ">0.0.0".to_string(),
        11 => format!("{maj}.*"),
        12 => format!("~{maj}"),
        13 => format!(">={maj}, <{}", maj + 2),
        14 => format!("^{maj}"),
        15 => format!("{maj}.{min}.*"),
        16 => format!(">= {maj}.{min}.{pat}, <= {}.0.0", maj + 1),
        // Rarely matches nothing.
        17 if rng.chance(2) => format!("={}.9.9", maj + 5),
        _ => format!("{maj}.{min}.{pat}"),
    }
}

/// One registry package: its name and versions.
#[derive(Clone, Debug)]
pub struct GenPkg {
    pub name: String,
    pub versions: Vec<String>,
}

/// A generated graph: the registry package versions and the project files.
#[derive(Clone, Debug)]
pub struct Graph {
    pub seed: u64,
    /// Names and versions, in generation order (dependencies only go to
    /// later packages, dev-dependencies anywhere).
    pub pool: Vec<GenPkg>,
    /// Every version to publish.
    pub packages: Vec<Package>,
    /// The project: path → contents (`Cargo.toml`s and `src/lib.rs`s).
    pub files: Vec<(String, String)>,
}

impl Graph {
    /// Publish every version to `reg`.
    pub fn publish(&self, reg: &Registry) {
        for p in &self.packages {
            p.publish(reg);
        }
    }

    /// The manifests and the index files, for a failure message.
    pub fn describe(&self, reg: &Registry) -> String {
        let mut s = format!("seed {}\n", self.seed);
        for (path, text) in &self.files {
            if path.ends_with("Cargo.toml") {
                let _ = writeln!(s, "--- {path}\n{text}");
            }
        }
        for p in &self.pool {
            let _ = writeln!(
                s,
                "--- index {}\n{}",
                p.name,
                reg.index_file(&p.name).unwrap_or_default()
            );
        }
        s
    }

    /// The path of the manifest a new root dependency can be added to.
    pub fn main_manifest(&self) -> &str {
        if self.files.iter().any(|(p, _)| p == "m1/Cargo.toml") {
            "m1/Cargo.toml"
        } else {
            "Cargo.toml"
        }
    }
}

/// A dependency declaration: the `Dep` for the index, and the TOML line
/// for a manifest.
struct GenDep {
    dep: Dep,
    key: String,
    table: String,
    line: String,
    optional: bool,
    /// The version the requirement was made from.
    near: String,
}

struct DepOpts {
    /// Dev and build kinds allowed.
    extra_kinds: bool,
    /// The key must differ from the package name (`<name>` + suffix).
    rename_suffix: Option<&'static str>,
}

/// A random dependency on `to`.
fn gen_dep(rng: &mut Rng, to: &GenPkg, o: &DepOpts) -> GenDep {
    // Mostly near a release: a requirement made from a pre-release often
    // matches nothing.
    let releases: Vec<String> = to
        .versions
        .iter()
        .filter(|v| !v.contains('-'))
        .cloned()
        .collect();
    let near = if !releases.is_empty() && rng.chance(85) {
        rng.pick(&releases).clone()
    } else {
        rng.pick(&to.versions).clone()
    };
    let req = req_for(rng, &near);
    let mut dep = Dep::new(&to.name, &req);
    let mut fields = vec![format!("version = \"{req}\"")];
    let mut key = to.name.clone();
    let rename = match o.rename_suffix {
        Some(sfx) => Some(format!("{}{sfx}", to.name)),
        None => rng.chance(12).then(|| format!("r-{}", to.name)),
    };
    if let Some(k) = rename {
        key = k;
        dep = dep.rename(&key);
        fields.push(format!("package = \"{}\"", to.name));
    }
    let kind = if o.extra_kinds { rng.below(10) } else { 0 };
    let mut optional = false;
    if kind < 8 && rng.chance(25) {
        optional = true;
        dep = dep.optional();
        fields.push("optional = true".to_string());
    }
    if rng.chance(20) {
        dep = dep.no_default_features();
        fields.push("default-features = false".to_string());
    }
    if rng.chance(20) {
        let f = asked_feature(rng);
        dep = dep.features(&[f]);
        fields.push(format!("features = [\"{f}\"]"));
    }
    let mut table = "dependencies".to_string();
    if kind == 8 {
        dep = dep.dev();
        table = "dev-dependencies".to_string();
    } else if kind == 9 {
        dep = dep.build();
        table = "build-dependencies".to_string();
    }
    if rng.chance(12) {
        let t = *rng.pick(TARGETS);
        dep = dep.target(t);
        table = format!("target.'{t}'.{table}");
    }
    GenDep {
        dep,
        line: format!("{key} = {{ {} }}", fields.join(", ")),
        key,
        table,
        optional,
        near,
    }
}

/// The graph of `seed`.
pub fn generate(seed: u64, opts: &GenOptions) -> Graph {
    let mut rng = Rng::new(seed);
    let n = opts.packages.max(1);
    let mut pool: Vec<GenPkg> = Vec::new();
    for j in 0..n {
        let mut versions: Vec<String> = Vec::new();
        let count = 1 + rng.below(opts.max_versions.max(1));
        for _ in 0..count {
            let v = rng.pick(VERSIONS).to_string();
            if !versions.contains(&v) {
                versions.push(v);
            }
        }
        // At least one release, which is never yanked.
        if versions.iter().all(|v| v.contains('-')) {
            versions.push(rng.pick(&["0.1.0", "1.0.0", "2.0.0"]).to_string());
        }
        pool.push(GenPkg {
            name: format!("s{seed}-{}", pkg_suffix(j)),
            versions,
        });
    }
    // A few `links` names shared by several packages.
    let links_of: Vec<Option<String>> = (0..n)
        .map(|_| match rng.below(14) {
            0 => Some(format!("s{seed}native{}", rng.below(2))),
            2 => Some(format!("s{seed}own{}", rng.below(1000))),
            _ => None,
        })
        .collect();
    let mut packages = Vec::new();
    for j in 0..n {
        let later = n - j - 1;
        // About three dependencies per version however big the graph.
        let pct = if later > 8 {
            (opts.dep_pct * 8 / later as u64).max(3)
        } else {
            opts.dep_pct.max(25)
        };
        let versions = pool[j].versions.clone();
        let keep = versions.iter().position(|v| !v.contains('-'));
        for (vi, v) in versions.into_iter().enumerate() {
            let mut p = Package::new(&pool[j].name, &v);
            let mut own: Vec<String> = Vec::new();
            for (f, pct) in FEATURES.iter().zip([85, 55, 40]) {
                if rng.chance(pct) {
                    own.push(f.to_string());
                }
            }
            for (i, f) in own.iter().enumerate() {
                // `extra` may turn on `std`.
                let vals: Vec<&str> = if i > 0 && rng.chance(30) {
                    vec![own[0].as_str()]
                } else {
                    Vec::new()
                };
                p = p.feature(f, &vals);
            }
            if !own.is_empty() && rng.chance(45) {
                let d = own[rng.below(own.len())].clone();
                p = p.feature("default", &[&d]);
            }
            let mut keys: Vec<String> = Vec::new();
            for to in pool.iter().skip(j + 1) {
                if !rng.chance(pct) {
                    continue;
                }
                let d = gen_dep(
                    &mut rng,
                    to,
                    &DepOpts {
                        extra_kinds: true,
                        rename_suffix: None,
                    },
                );
                if keys.contains(&d.key) {
                    continue;
                }
                keys.push(d.key.clone());
                let f = asked_feature(&mut rng);
                if d.optional {
                    match rng.below(4) {
                        0 => {
                            p = p.feature(&format!("with-{}", d.key), &[&format!("dep:{}", d.key)])
                        }
                        1 => {
                            p = p.feature(&format!("weak-{}", d.key), &[&format!("{}?/{f}", d.key)])
                        }
                        2 => p = p.feature(&format!("fwd-{}", d.key), &[&format!("{}/{f}", d.key)]),
                        _ => {}
                    }
                } else if !d.table.contains("dev-") && rng.chance(20) {
                    p = p.feature(&format!("fwd-{}", d.key), &[&format!("{}/{f}", d.key)]);
                }
                p = p.add_dep(d.dep);
                if rng.chance(8) {
                    // Another major of the same package, renamed.
                    let d2 = gen_dep(
                        &mut rng,
                        to,
                        &DepOpts {
                            extra_kinds: false,
                            rename_suffix: Some("-two"),
                        },
                    );
                    if d2.near != d.near && !keys.contains(&d2.key) {
                        keys.push(d2.key.clone());
                        p = p.add_dep(d2.dep);
                    }
                }
            }
            // A dev-dependency on an earlier package (ignored by resolvers
            // outside the workspace, but in the index).
            if j > 0 && rng.chance(10) {
                let to = &pool[rng.below(j)];
                if !keys.contains(&to.name) {
                    let req = req_for(&mut rng, &to.versions[0]);
                    p = p.add_dep(Dep::new(&to.name, &req).dev());
                }
            }
            if let Some(l) = &links_of[j]
                && rng.chance(85)
            {
                p = p.links(l).file("build.rs", "fn main() {}\n");
            }
            if rng.chance(6) && keep != Some(vi) {
                p = p.yanked();
            }
            if rng.chance(6) {
                p = p.rust_version(if rng.chance(50) { "1.60" } else { "1.99" });
            }
            packages.push(p);
        }
    }
    let files = project_files(&mut rng, &pool, opts, seed);
    Graph {
        seed,
        pool,
        packages,
        files,
    }
}

fn pkg_suffix(j: usize) -> String {
    let mut s = String::new();
    let mut j = j;
    loop {
        s.insert(0, (b'a' + (j % 26) as u8) as char);
        j /= 26;
        if j == 0 {
            break;
        }
        j -= 1;
    }
    s
}

fn project_files(
    rng: &mut Rng,
    pool: &[GenPkg],
    opts: &GenOptions,
    seed: u64,
) -> Vec<(String, String)> {
    let edition = *rng.pick(&["2015", "2021", "2021", "2024"]);
    let mut files = Vec::new();
    // Roots depend mostly on the first packages, so graphs are deep.
    let top = (pool.len() / 3).max(1);
    let manifest = |rng: &mut Rng, name: &str, extra_dep: Option<&str>| -> String {
        let mut s =
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"{edition}\"\n");
        if rng.chance(10) {
            s.push_str(if rng.chance(50) {
                "rust-version = \"1.85\"\n"
            } else {
                "rust-version = \"1.95\"\n"
            });
        }
        let mut tables: Vec<(String, String, String)> = Vec::new();
        let mut features: Vec<String> = Vec::new();
        let ndeps = 1 + rng.below(opts.max_root_deps.max(1));
        for _ in 0..ndeps {
            let to = &pool[rng.below(top)];
            let d = gen_dep(
                rng,
                to,
                &DepOpts {
                    extra_kinds: true,
                    rename_suffix: None,
                },
            );
            if tables.iter().any(|(t, k, _)| t == &d.table && k == &d.key) {
                continue;
            }
            if d.optional {
                match rng.below(3) {
                    0 => features.push(format!("use-{} = [\"dep:{}\"]", d.key, d.key)),
                    1 => features.push(format!(
                        "weak-{} = [\"{}?/{}\"]",
                        d.key,
                        d.key,
                        asked_feature(rng)
                    )),
                    _ => {}
                }
            } else if !d.table.contains("dev-") && rng.chance(25) {
                features.push(format!(
                    "fwd-{} = [\"{}/{}\"]",
                    d.key,
                    d.key,
                    asked_feature(rng)
                ));
            }
            tables.push((d.table, d.key, d.line));
        }
        if let Some(line) = extra_dep {
            tables.push(("dependencies".to_string(), String::new(), line.to_string()));
        }
        tables.sort();
        let mut last = String::new();
        for (t, _, l) in tables {
            if t != last {
                let _ = write!(s, "\n[{t}]\n");
                last = t;
            }
            s.push_str(&l);
            s.push('\n');
        }
        if !features.is_empty() {
            s.push_str("\n[features]\n");
            for f in features {
                s.push_str(&f);
                s.push('\n');
            }
        }
        s
    };
    match seed % 6 {
        5 => {
            files.push((
                "Cargo.toml".to_string(),
                format!(
                    "[workspace]\nmembers = [\"m1\", \"m2\"]\nresolver = \"{}\"\n",
                    if edition == "2024" { "3" } else { "2" }
                ),
            ));
            let m1 = manifest(rng, "m1", None);
            let m2 = manifest(rng, "m2", Some("m1 = { path = \"../m1\" }"));
            files.push(("m1/Cargo.toml".to_string(), m1));
            files.push(("m2/Cargo.toml".to_string(), m2));
            files.push(("m1/src/lib.rs".to_string(), String::new()));
            files.push(("m2/src/lib.rs".to_string(), String::new()));
        }
        _ => {
            let with_path = rng.chance(30);
            let root = manifest(rng, "foo", with_path.then_some("pd = { path = \"pd\" }"));
            files.push(("Cargo.toml".to_string(), root));
            files.push(("src/lib.rs".to_string(), String::new()));
            if with_path {
                let pd = manifest(rng, "pd", None);
                files.push(("pd/Cargo.toml".to_string(), pd));
                files.push(("pd/src/lib.rs".to_string(), String::new()));
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_namespaced() {
        let a = generate(7, &GenOptions::default());
        let b = generate(7, &GenOptions::default());
        assert_eq!(a.files, b.files);
        assert_eq!(a.packages.len(), b.packages.len());
        for (x, y) in a.packages.iter().zip(&b.packages) {
            assert_eq!(x.manifest(), y.manifest());
        }
        assert_eq!(a.pool.len(), 30);
        assert!(a.pool.iter().all(|p| p.name.starts_with("s7-")));
        let c = generate(8, &GenOptions::default());
        assert_ne!(a.files, c.files);
    }

    #[test]
    fn covers_every_kind() {
        let mut all = String::new();
        for seed in 0..20 {
            let g = generate(seed, &GenOptions::default());
            for p in &g.packages {
                all.push_str(&p.manifest());
            }
            for (_, f) in &g.files {
                all.push_str(f);
            }
        }
        for s in [
            "dep:",
            "?/",
            "optional = true",
            "package = ",
            "dev-dependencies",
            "build-dependencies",
            "target.",
            "default-features = false",
            "links = ",
            "rust-version",
            "-alpha",
            "\"~",
            "\"=",
            "\">=",
            "\"<",
            "\"*\"",
            ", <",
            "[workspace]",
            "path = ",
        ] {
            assert!(all.contains(s), "no `{s}` in 20 graphs");
        }
        let yanked = (0..20)
            .flat_map(|s| generate(s, &GenOptions::default()).packages)
            .filter(|p| p.index_entry("x").yanked)
            .count();
        assert!(yanked > 0);
    }

    #[test]
    fn suffixes_are_unique() {
        let names: std::collections::BTreeSet<String> = (0..800).map(pkg_suffix).collect();
        assert_eq!(names.len(), 800);
    }
}
