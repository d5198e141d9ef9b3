//! `mycargo tree`: the dependency graph of a path workspace drawn as cargo
//! draws it.
//!
//! As in cargo, a graph is built first: a node per (package, features,
//! platform) reached from the selected roots through the dependencies the
//! feature resolver keeps, and with `-e features` a node per enabled
//! feature, with edges from what enables it. Then the graph may be cut to
//! the part reachable from the roots (`-d`), inverted (`-i`, `-d`), and is
//! printed depth first, each subtree once unless `--no-dedupe`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use anyhow::{anyhow, bail};
use mycargo_core::{DepKind, Dependency, FeatureValue, PackageId, PackageIdSpec};
use mycargo_lockfile::cmp_package_id;
use mycargo_resolver::{FeatureOpts, HasDevUnits, ResolvedFeatures, TargetInfo};
use mycargo_util::{CliError, CliResult};

use super::compile::packages::{self, Packages};
use crate::cli::common::PackageSelection;
use crate::cli::tree::Args;
use crate::context::GlobalContext;

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum EdgeKind {
    Dep(DepKind),
    Feature,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
    /// A package built with these features for this platform (`None`: the
    /// host).
    Package {
        pkg: usize,
        features: Vec<String>,
        kind: Option<String>,
    },
    /// A feature of the package node `node`.
    Feature { node: usize, name: String },
}

/// `--prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    None,
    Indent,
    Depth,
}

/// `--target`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Host,
    All,
    Specific(Vec<String>),
}

/// `--depth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    Max(usize),
    Workspace,
}

/// The characters of the tree lines.
struct Symbols {
    down: &'static str,
    tee: &'static str,
    ell: &'static str,
    right: &'static str,
}

const UTF8: Symbols = Symbols {
    down: "│",
    tee: "├",
    ell: "└",
    right: "─",
};

const ASCII: Symbols = Symbols {
    down: "|",
    tee: "|",
    ell: "`",
    right: "-",
};

/// A piece of a `--format` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Chunk {
    Raw(String),
    Package,
    License,
    Repository,
    Features,
    LibName,
}

/// Parse a `--format` pattern: `{p}`, `{l}`, `{r}`, `{f}`, `{lib}`, with
/// `{{` and `}}` for braces.
fn parse_pattern(format: &str) -> anyhow::Result<Vec<Chunk>> {
    let mut chunks = Vec::new();
    let mut it = format.chars().peekable();
    let mut text = String::new();
    while let Some(c) = it.next() {
        match c {
            '{' => {
                if it.peek() == Some(&'{') {
                    it.next();
                    text.push('{');
                    continue;
                }
                if !text.is_empty() {
                    chunks.push(Chunk::Raw(std::mem::take(&mut text)));
                }
                let mut name = String::new();
                while let Some(&n) = it.peek() {
                    if n.is_alphanumeric() || n == '_' {
                        name.push(n);
                        it.next();
                    } else {
                        break;
                    }
                }
                if it.next() != Some('}') {
                    bail!("expected '}}'");
                }
                chunks.push(match name.as_str() {
                    "p" => Chunk::Package,
                    "l" => Chunk::License,
                    "r" => Chunk::Repository,
                    "f" => Chunk::Features,
                    "lib" => Chunk::LibName,
                    other => bail!("unsupported pattern `{other}`"),
                });
            }
            '}' => {
                if it.peek() == Some(&'}') {
                    it.next();
                    text.push('}');
                } else {
                    bail!("unexpected '}}'");
                }
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        chunks.push(Chunk::Raw(text));
    }
    Ok(chunks)
}

/// `-e`: the edge kinds to show, and `no-proc-macro`.
fn parse_edge_kinds(
    given: &[String],
    no_dev_flag: bool,
) -> anyhow::Result<(HashSet<EdgeKind>, bool)> {
    let mut no_proc_macro = false;
    let mut public = false;
    let mut kinds: Vec<&str> = given
        .iter()
        .flat_map(|e| e.split(','))
        .filter(|e| match *e {
            "no-proc-macro" => {
                no_proc_macro = true;
                false
            }
            "public" => {
                public = true;
                false
            }
            _ => true,
        })
        .collect();
    if no_dev_flag {
        kinds.push("no-dev");
    }
    if kinds.is_empty() {
        kinds.extend(["normal", "build", "dev"]);
    }
    if public {
        bail!("`--edges public` requires `-Zunstable-options`");
    }
    let defaults = [
        EdgeKind::Dep(DepKind::Normal),
        EdgeKind::Dep(DepKind::Build),
        EdgeKind::Dep(DepKind::Development),
    ];
    let unknown = |k: &str| {
        anyhow!(
            "unknown edge kind `{k}`, valid values are \"normal\", \"build\", \"dev\", \"no-normal\", \"no-build\", \"no-dev\", \"no-proc-macro\", \"features\", or \"all\""
        )
    };
    let mut result: HashSet<EdgeKind> = HashSet::new();
    if kinds.iter().any(|k| k.starts_with("no-")) {
        result.extend(defaults);
        for kind in &kinds {
            match *kind {
                "no-normal" => result.remove(&EdgeKind::Dep(DepKind::Normal)),
                "no-build" => result.remove(&EdgeKind::Dep(DepKind::Build)),
                "no-dev" => result.remove(&EdgeKind::Dep(DepKind::Development)),
                "features" => result.insert(EdgeKind::Feature),
                "normal" | "build" | "dev" | "all" => bail!(
                    "`{kind}` dependency kind cannot be mixed with \"no-normal\", \"no-build\", or \"no-dev\" dependency kinds"
                ),
                k => return Err(unknown(k)),
            };
        }
        return Ok((result, no_proc_macro));
    }
    for kind in &kinds {
        match *kind {
            "all" => {
                result.extend(defaults);
                result.insert(EdgeKind::Feature);
            }
            "features" => {
                result.insert(EdgeKind::Feature);
            }
            "normal" => {
                result.insert(EdgeKind::Dep(DepKind::Normal));
            }
            "build" => {
                result.insert(EdgeKind::Dep(DepKind::Build));
            }
            "dev" => {
                result.insert(EdgeKind::Dep(DepKind::Development));
            }
            k => return Err(unknown(k)),
        }
    }
    if kinds == ["features"] {
        result.extend(defaults);
    }
    Ok((result, no_proc_macro))
}

fn parse_depth(s: &str) -> Option<Depth> {
    if s == "workspace" {
        return Some(Depth::Workspace);
    }
    s.parse().ok().map(Depth::Max)
}

const INVERT_NEEDS_NAME: &str = "The `-i` flag requires a package name.\n\n\
The `-i` flag is used to inspect the reverse dependencies of a specific\n\
package. It will invert the tree and display the packages that depend on the\n\
given package.\n\n\
Note that in a workspace, by default it will only display the package's\n\
reverse dependencies inside the tree of the workspace member in the current\n\
directory. The --workspace flag can be used to extend it so that it will show\n\
the package's reverse dependencies across the entire workspace. The -p flag\n\
can be used to display the package's reverse dependencies only with the\n\
subtree of the package given to -p.\n";

/// The options of one run, settled from the flags.
struct Opts {
    edge_kinds: HashSet<EdgeKind>,
    no_proc_macro: bool,
    graph_features: bool,
    show_all_targets: bool,
}

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    if args.version {
        return super::version::print(gctx);
    }
    let prefix = if args.no_indent {
        gctx.shell
            .warn("the --no-indent flag has been changed to --prefix=none")?;
        Prefix::None
    } else if args.prefix_depth {
        gctx.shell
            .warn("the --prefix-depth flag has been changed to --prefix=depth")?;
        Prefix::Depth
    } else {
        match args.prefix.as_str() {
            "none" => Prefix::None,
            "depth" => Prefix::Depth,
            _ => Prefix::Indent,
        }
    };
    let no_dedupe = args.no_dedupe || args.all;
    if args.all {
        gctx.shell.warn(
            "the `cargo tree` --all flag has been changed to --no-dedupe, and may be removed in a future version\n  |\n  = help: if you are looking to display all workspace members, use the --workspace flag",
        )?;
    }
    let target = if args.all_targets {
        gctx.shell
            .warn("the --all-targets flag has been changed to --target=all")?;
        Target::All
    } else if args.target.as_ref().is_some_and(|t| t.is_empty()) {
        return Err(anyhow!(super::compile::TARGET_NEEDS_VALUE).into());
    } else if args.targets().is_empty() {
        Target::Host
    } else if args.targets().iter().any(|t| t == "all") {
        Target::All
    } else {
        Target::Specific(args.targets().to_vec())
    };
    if args.no_dev_dependencies {
        gctx.shell
            .warn("the --no-dev-dependencies flag has changed to -e=no-dev")?;
    }
    let (edge_kinds, no_proc_macro) = parse_edge_kinds(&args.edges, args.no_dev_dependencies)?;
    let graph_features = edge_kinds.contains(&EdgeKind::Feature);
    let depth = match &args.depth {
        None => Depth::Max(usize::MAX),
        Some(s) => match parse_depth(s) {
            Some(d) => d,
            None => {
                return Err(CliError::new(
                    anyhow!(
                        "supported values for --depth are non-negative integers and `workspace`, but `{s}` is unknown"
                    ),
                    1,
                ));
            }
        },
    };
    let mut selection = PackageSelection::from(args.packages.clone());
    // cargo reads the old `--all` as `--workspace` too.
    selection.workspace |= args.all;
    let mut invert: Vec<String> = args.inverted().to_vec();
    if args.invert.as_ref().is_some_and(|i| i.is_empty()) {
        if selection.packages().is_empty() {
            return Err(anyhow!(INVERT_NEEDS_NAME).into());
        }
        invert.extend(selection.packages().iter().cloned());
    }
    let symbols = match args.charset.as_deref() {
        Some("ascii") => &ASCII,
        _ => &UTF8,
    };

    let manifest = super::workspace::root_manifest(gctx, args.manifest.manifest_path.as_deref())?;
    let ws = super::workspace::load_reporting(gctx, &manifest)?;
    super::workspace::check_feature_unification(gctx)?;
    if selection.wants_package_list() {
        return Err(super::rustc::package_list_error(&ws).into());
    }
    // Nothing changed since the last run with this command line: its
    // answer stands.
    let target_dir = super::compile::settings::target_dir(gctx, None, ws.default_target_dir())?;
    let mut probe = crate::ops::noop::Probe::new(
        gctx,
        &ws,
        &target_dir,
        &super::compile::settings::rustc_options(gctx, &target_dir)?,
    );
    if let Some(kept) = probe.as_mut().and_then(|p| p.kept_output(gctx)) {
        gctx.shell.out().write_all(&kept)?;
        return Ok(());
    }
    let opts = super::workspace::read_options(gctx);
    // Platforms.
    let target = match target {
        Target::Host => match gctx.config.get_string("build.target")? {
            Some(t) => Target::Specific(vec![t.val]),
            None => Target::Host,
        },
        t => t,
    };
    let triples = match &target {
        Target::Specific(ts) => ts.clone(),
        _ => Vec::new(),
    };
    let (host, infos) = super::metadata::platforms(gctx, &ws, &triples)?;
    let kinds: Vec<(Option<String>, TargetInfo)> = match &target {
        Target::Specific(_) => infos
            .iter()
            .map(|t| (Some(t.triple.clone()), t.clone()))
            .collect(),
        _ => vec![(None, host.clone())],
    };

    // Only what the platforms shown use is downloaded (the host's always,
    // as cargo).
    let applies = |d: &mycargo_core::Dependency| {
        target == Target::All
            || d.applies_to(&host.triple, &host.cfgs)
            || infos.iter().any(|t| d.applies_to(&t.triple, &t.cfgs))
    };
    let roots = |path: &packages::Packages| {
        super::compile::build_roots(&ws, path, &selection, &args.features)
    };
    let pkgs =
        super::resolve::load_packages(gctx, &ws, &opts, false, Some(&applies), Some(&roots))?;
    if graph_features && args.duplicates {
        return Err(anyhow!("the `-e features` flag does not support `--duplicates`").into());
    }
    let pattern = parse_pattern(&args.format)
        .map_err(|e| e.context(format!("tree format `{}` not valid", args.format)))?;

    // Features.
    let fgraph = packages::feature_graph(&pkgs);
    let roots = if selection.workspace || !selection.packages().is_empty() {
        super::compile::select_packages(&ws, &pkgs, &selection)?
    } else {
        // cargo's default members (a root package's `default-members` may
        // name several).
        super::metadata::default_members(&ws)
            .iter()
            .filter_map(|m| pkgs.index_of(&m.manifest_path))
            .collect()
    };
    let root_sel = pkgs.root_selection(&ws, roots.clone());
    let cli = args.features.to_cli_features();
    let version = super::compile::packages::resolver_version(&ws);
    let dev_units = if edge_kinds.contains(&EdgeKind::Dep(DepKind::Development)) {
        HasDevUnits::Yes
    } else {
        HasDevUnits::No
    };
    let feats = mycargo_resolver::resolve_features(
        &fgraph,
        &root_sel,
        &cli,
        &FeatureOpts {
            version,
            targets: match &target {
                Target::All => None,
                _ => Some(kinds.iter().map(|(_, t)| t.clone()).collect()),
            },
            host: host.clone(),
            dev_units,
        },
    )
    .map_err(anyhow::Error::from)?;
    let requests = mycargo_resolver::root_requests(&fgraph, &root_sel, &cli, version)
        .map_err(anyhow::Error::from)?;
    // The packages of cargo's resolve, which specs are matched against.
    let in_resolve =
        mycargo_resolver::resolve_dependency_features(&fgraph, &root_sel, &cli, version)
            .map_err(anyhow::Error::from)?;
    let resolve_ids: Vec<&PackageId> = {
        let mut ids: Vec<&PackageId> = (0..pkgs.manifests.len())
            .filter(|&i| in_resolve.is_active(i, false))
            .map(|i| &pkgs.manifests[i].package_id)
            .collect();
        ids.sort_by(|a, b| cmp_package_id(a, b));
        ids
    };

    let opts = Opts {
        edge_kinds,
        no_proc_macro,
        graph_features,
        show_all_targets: target == Target::All,
    };
    let mut graph = Graph::new(&pkgs);
    let mut ordered = requests.clone();
    ordered.sort_by(|a, b| {
        cmp_package_id(
            &pkgs.manifests[a.pkg].package_id,
            &pkgs.manifests[b.pkg].package_id,
        )
    });
    for request in &ordered {
        let for_host = fgraph[request.pkg].is_proc_macro;
        for (kind, info) in &kinds {
            let index = graph.add_pkg(&feats, &opts, request.pkg, for_host, kind, info);
            if graph_features {
                graph.add_cli_features(index, request);
            }
        }
    }
    if graph_features {
        graph.add_internal_features();
    }

    // Roots.
    let root_pkgs: Vec<usize> = if invert.is_empty() {
        roots
    } else {
        let mut out = Vec::new();
        for spec in &invert {
            let id = super::pkgid::query_str(spec, &resolve_ids, gctx.cwd())?;
            if let Some(i) = pkgs.manifests.iter().position(|m| &m.package_id == id) {
                out.push(i);
            }
        }
        out
    };
    let mut root_indexes = graph.indexes_of(&root_pkgs);
    if args.duplicates {
        graph = graph.reachable_from(&root_indexes);
        root_indexes = graph.duplicates();
    }
    if !invert.is_empty() || args.duplicates {
        graph.invert();
    }
    let mut prune = Vec::new();
    for p in &args.prune {
        let spec = PackageIdSpec::parse(p, Some(gctx.cwd())).map_err(|e| {
            anyhow::Error::new(e).context(format!("invalid package ID specification: `{p}`"))
        })?;
        super::pkgid::query(&spec, &resolve_ids)?;
        prune.push(spec);
    }
    if root_indexes.is_empty() {
        gctx.shell.warn(
            "nothing to print.\n\nTo find dependencies that require specific target platforms, try to use option `--target all` first, and then narrow your search scope accordingly.",
        )?;
        return Ok(());
    }
    let printer = Printer {
        graph: &graph,
        pattern: &pattern,
        symbols,
        prefix,
        no_dedupe,
        depth,
        prune: &prune,
        color: gctx.shell.out_supports_color(),
    };
    let mut out = String::new();
    printer.print(&mut out, &root_indexes);
    // Coloured output is not kept for runs that may not want it.
    if let Some(probe) = probe.filter(|_| !printer.color) {
        let (local, all) = crate::ops::noop::manifest_paths(&pkgs.manifests);
        probe.record_output(gctx, &local, &all, out.as_bytes());
    }
    gctx.shell.out().write_all(out.as_bytes())?;
    Ok(())
}

/// The graph of packages (and features) to print.
struct Graph<'a> {
    pkgs: &'a Packages,
    nodes: Vec<Node>,
    index: HashMap<Node, usize>,
    /// Outgoing edges of each node, in the order added, without repeats.
    edges: Vec<Vec<(EdgeKind, usize)>>,
    /// Feature nodes enabled on the command line.
    cli_features: HashSet<usize>,
    /// Per package node: its dependencies by name in the manifest, each
    /// with the package node and whether it is optional.
    dep_names: HashMap<usize, BTreeMap<String, Vec<(usize, bool)>>>,
}

impl<'a> Graph<'a> {
    fn new(pkgs: &'a Packages) -> Graph<'a> {
        Graph {
            pkgs,
            nodes: Vec::new(),
            index: HashMap::new(),
            edges: Vec::new(),
            cli_features: HashSet::new(),
            dep_names: HashMap::new(),
        }
    }

    fn add_node(&mut self, node: Node) -> usize {
        let i = self.nodes.len();
        self.index.insert(node.clone(), i);
        self.nodes.push(node);
        self.edges.push(Vec::new());
        i
    }

    fn add_edge(&mut self, from: usize, to: usize, kind: EdgeKind) {
        let edges = &mut self.edges[from];
        if !edges.contains(&(kind, to)) {
            edges.push((kind, to));
        }
    }

    fn id(&self, pkg: usize) -> &PackageId {
        &self.pkgs.manifests[pkg].package_id
    }

    /// cargo's order of nodes: packages (by package id, features, platform)
    /// before features (by their package node's index, then name).
    fn cmp_nodes(&self, a: usize, b: usize) -> Ordering {
        match (&self.nodes[a], &self.nodes[b]) {
            (
                Node::Package {
                    pkg: pa,
                    features: fa,
                    kind: ka,
                },
                Node::Package {
                    pkg: pb,
                    features: fb,
                    kind: kb,
                },
            ) => cmp_package_id(self.id(*pa), self.id(*pb))
                .then_with(|| fa.cmp(fb))
                .then_with(|| ka.cmp(kb)),
            (Node::Package { .. }, Node::Feature { .. }) => Ordering::Less,
            (Node::Feature { .. }, Node::Package { .. }) => Ordering::Greater,
            (Node::Feature { node: na, name: a }, Node::Feature { node: nb, name: b }) => {
                na.cmp(nb).then_with(|| a.cmp(b))
            }
        }
    }

    fn add_pkg(
        &mut self,
        feats: &ResolvedFeatures,
        opts: &Opts,
        pkg: usize,
        for_host: bool,
        kind: &Option<String>,
        info: &TargetInfo,
    ) -> usize {
        let node = Node::Package {
            pkg,
            features: feats.features(pkg, for_host).iter().cloned().collect(),
            kind: kind.clone(),
        };
        if let Some(&i) = self.index.get(&node) {
            return i;
        }
        let from = self.add_node(node);
        let pkgs = self.pkgs;
        let m = &pkgs.manifests[pkg];
        let is_root = feats.roots().contains(&pkg);
        let mut deps: Vec<(usize, &Dependency)> = Vec::new();
        for (k, &(di, to)) in pkgs.edges[pkg].iter().enumerate() {
            let dep = &m.dependencies[di];
            if !opts.show_all_targets && !dep.applies_to(&info.triple, &info.cfgs) {
                continue;
            }
            if !opts.edge_kinds.contains(&EdgeKind::Dep(dep.kind())) {
                continue;
            }
            // The resolve holds the dev-dependencies of its roots only.
            if dep.kind() == DepKind::Development && !is_root {
                continue;
            }
            let proc_macro = pkgs.manifests[to]
                .lib_target()
                .is_some_and(|t| t.proc_macro);
            if opts.no_proc_macro && proc_macro {
                continue;
            }
            if dep.is_optional() && !feats.is_dep_active(pkg, for_host, k) {
                continue;
            }
            deps.push((to, dep));
        }
        deps.sort_by(|a, b| cmp_package_id(self.id(a.0), self.id(b.0)));
        let mut names: BTreeMap<String, Vec<(usize, bool)>> = BTreeMap::new();
        for (to, dep) in deps {
            let proc_macro = pkgs.manifests[to]
                .lib_target()
                .is_some_and(|t| t.proc_macro);
            let dep_for_host = for_host || dep.kind() == DepKind::Build || proc_macro;
            let to_index = self.add_pkg(feats, opts, to, dep_for_host, kind, info);
            let edge = EdgeKind::Dep(dep.kind());
            if opts.graph_features {
                let slot = names.entry(dep.name_in_toml().to_string()).or_default();
                if !slot.contains(&(to_index, dep.is_optional())) {
                    slot.push((to_index, dep.is_optional()));
                }
                if dep.uses_default_features() {
                    self.add_feature("default", Some(from), to_index, edge);
                }
                for f in dep.features() {
                    self.add_feature(f, Some(from), to_index, edge);
                }
                if !dep.uses_default_features() && dep.features().is_empty() {
                    self.add_edge(from, to_index, edge);
                }
            } else {
                self.add_edge(from, to_index, edge);
            }
        }
        if opts.graph_features {
            self.dep_names.insert(from, names);
        }
        from
    }

    /// The node of feature `name` of package node `to` (added if new,
    /// the bool says so), with an edge from `from` and one to `to`.
    fn add_feature(
        &mut self,
        name: &str,
        from: Option<usize>,
        to: usize,
        kind: EdgeKind,
    ) -> (bool, usize) {
        let node = Node::Feature {
            node: to,
            name: name.to_string(),
        };
        let (missing, index) = match self.index.get(&node) {
            Some(&i) => (false, i),
            None => (true, self.add_node(node)),
        };
        if let Some(from) = from {
            self.add_edge(from, index, kind);
        }
        self.add_edge(index, to, EdgeKind::Feature);
        (missing, index)
    }

    fn package_of(&self, node: usize) -> usize {
        match &self.nodes[node] {
            Node::Package { pkg, .. } => *pkg,
            Node::Feature { node, .. } => self.package_of(*node),
        }
    }

    /// The features a root gets from the command line, marked as such.
    fn add_cli_features(&mut self, index: usize, request: &mycargo_resolver::RootRequest) {
        let pkg = self.package_of(index);
        let map = &self.pkgs.manifests[pkg].feature_map;
        let mut wanted: Vec<FeatureValue> = Vec::new();
        if request.all_features {
            wanted.extend(map.keys().map(|k| FeatureValue::Feature(k.clone())));
        }
        if request.uses_default_features {
            wanted.push(FeatureValue::Feature("default".to_string()));
        }
        wanted.extend(request.features.iter().cloned());
        for fv in wanted {
            match fv {
                FeatureValue::Feature(f) => {
                    let i = self.add_feature(&f, None, index, EdgeKind::Feature).1;
                    self.cli_features.insert(i);
                }
                FeatureValue::Dep { .. } => {}
                FeatureValue::DepFeature {
                    dep_name,
                    dep_feature,
                    weak,
                } => {
                    let Some(conns) = self
                        .dep_names
                        .get(&index)
                        .and_then(|m| m.get(&dep_name))
                        .cloned()
                    else {
                        continue;
                    };
                    for (dep_index, optional) in conns {
                        if optional && !weak {
                            let i = self
                                .add_feature(&dep_name, None, index, EdgeKind::Feature)
                                .1;
                            self.cli_features.insert(i);
                        }
                        let i = self
                            .add_feature(&dep_feature, None, dep_index, EdgeKind::Feature)
                            .1;
                        self.cli_features.insert(i);
                    }
                }
            }
        }
    }

    /// What each enabled feature enables in turn.
    fn add_internal_features(&mut self) {
        let features: Vec<(usize, usize, String)> = self
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match n {
                Node::Feature { node, name } => Some((*node, i, name.clone())),
                Node::Package { .. } => None,
            })
            .collect();
        for (package_index, feature_index, name) in features {
            self.add_feature_rec(&name, feature_index, package_index);
        }
    }

    fn add_feature_rec(&mut self, name: &str, from: usize, package_index: usize) {
        let pkgs = self.pkgs;
        let pkg = self.package_of(package_index);
        let Some(fvs) = pkgs.manifests[pkg].feature_map.get(name) else {
            return;
        };
        for fv in fvs {
            match fv {
                FeatureValue::Feature(f) => {
                    let (missing, fi) =
                        self.add_feature(f, Some(from), package_index, EdgeKind::Feature);
                    if missing {
                        self.add_feature_rec(f, fi, package_index);
                    }
                }
                FeatureValue::Dep { .. } => {}
                FeatureValue::DepFeature {
                    dep_name,
                    dep_feature,
                    weak,
                } => {
                    let Some(conns) = self
                        .dep_names
                        .get(&package_index)
                        .and_then(|m| m.get(dep_name))
                        .cloned()
                    else {
                        continue;
                    };
                    for (dep_index, optional) in conns {
                        if optional && !weak {
                            self.add_feature(
                                dep_name,
                                Some(from),
                                package_index,
                                EdgeKind::Feature,
                            );
                        }
                        let (missing, fi) =
                            self.add_feature(dep_feature, Some(from), dep_index, EdgeKind::Feature);
                        if missing {
                            self.add_feature_rec(dep_feature, fi, dep_index);
                        }
                    }
                }
            }
        }
    }

    /// The package nodes of `pkgs`, in node order.
    fn indexes_of(&self, pkgs: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| matches!(&self.nodes[i], Node::Package { pkg, .. } if pkgs.contains(pkg)))
            .collect();
        out.sort_by(|&a, &b| self.cmp_nodes(a, b));
        out
    }

    /// The part of the graph reachable from `roots` (package nodes only:
    /// `-d` refuses feature graphs).
    fn reachable_from(&self, roots: &[usize]) -> Graph<'a> {
        let mut new = Graph::new(self.pkgs);
        let mut remap: Vec<Option<usize>> = vec![None; self.nodes.len()];
        fn visit(
            old: &Graph<'_>,
            new: &mut Graph<'_>,
            remap: &mut [Option<usize>],
            i: usize,
        ) -> usize {
            if let Some(n) = remap[i] {
                return n;
            }
            let n = new.add_node(old.nodes[i].clone());
            remap[i] = Some(n);
            for &(kind, to) in &old.edges[i] {
                let t = visit(old, new, remap, to);
                new.add_edge(n, t, kind);
            }
            n
        }
        for &r in roots {
            visit(self, &mut new, &mut remap, r);
        }
        new
    }

    /// Package nodes of names that come in more than one package id.
    fn duplicates(&self) -> Vec<usize> {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if let Node::Package { pkg, .. } = n {
                by_name.entry(self.id(*pkg).name()).or_default().push(i);
            }
        }
        let mut out: Vec<usize> = by_name
            .into_values()
            .filter(|idx| {
                let ids: HashSet<&PackageId> =
                    idx.iter().map(|&i| self.id(self.package_of(i))).collect();
                ids.len() > 1
            })
            .flatten()
            .collect();
        out.sort_by(|&a, &b| self.cmp_nodes(a, b));
        out
    }

    fn invert(&mut self) {
        let mut edges = vec![Vec::new(); self.edges.len()];
        for (from, list) in self.edges.iter().enumerate() {
            for &(kind, to) in list {
                let slot: &mut Vec<(EdgeKind, usize)> = &mut edges[to];
                if !slot.contains(&(kind, from)) {
                    slot.push((kind, from));
                }
            }
        }
        self.edges = edges;
    }

    /// The nodes `from` points to by edges of `kind`, in node order.
    fn edges_of_kind(&self, from: usize, kind: EdgeKind) -> Vec<usize> {
        let mut out: Vec<usize> = self.edges[from]
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|&(_, to)| to)
            .collect();
        out.sort_by(|&a, &b| self.cmp_nodes(a, b));
        out
    }
}

struct Printer<'g, 'a> {
    graph: &'g Graph<'a>,
    pattern: &'g [Chunk],
    symbols: &'static Symbols,
    prefix: Prefix,
    no_dedupe: bool,
    depth: Depth,
    prune: &'g [PackageIdSpec],
    /// Colours on stdout: the tree's lines by edge kind, as cargo's.
    color: bool,
}

/// ANSI styles of cargo's tree (its `style::DEP_*`).
mod tree_style {
    pub const RESET: &str = "\x1b[0m";
    pub const NORMAL: &str = "\x1b[2m";
    pub const BUILD: &str = "\x1b[1m\x1b[34m";
    pub const DEV: &str = "\x1b[1m\x1b[36m";
    pub const FEATURE: &str = "\x1b[2m\x1b[35m";
    pub const DEDUPED: &str = "\x1b[33m\x1b[2m";
    pub const BUILD_HEADER: &str = "\x1b[94m\x1b[1m";
    pub const DEV_HEADER: &str = "\x1b[96m\x1b[1m";
    /// How cargo closes a header's (and the `(*)` mark's) styles.
    pub const TAG_END: &str = "\x1b[39m\x1b[22m";
}

/// One level of the tree's prefix: whether more siblings follow, and the
/// style of the edge that led there.
type Level = (bool, &'static str);

impl Printer<'_, '_> {
    fn print(&self, out: &mut String, roots: &[usize]) {
        let mut visited = HashSet::new();
        for (i, &root) in roots.iter().enumerate() {
            if i != 0 {
                out.push('\n');
            }
            self.print_tree(out, root, &mut visited);
        }
    }

    /// One root's tree, depth first. Iterative (an explicit stack of
    /// steps), so a deep dependency chain does not grow the call stack.
    fn print_tree(&self, out: &mut String, root: usize, visited: &mut HashSet<usize>) {
        enum Step {
            Node(usize),
            Deps(usize, EdgeKind),
            PushLevel(Level),
            PopLevel,
            Leave,
        }
        let mut levels: Vec<Level> = Vec::new();
        // The packages on the path from the root (a cycle is shown once).
        let mut path: Vec<usize> = Vec::new();
        let mut steps = vec![Step::Node(root)];
        while let Some(step) = steps.pop() {
            match step {
                Step::PushLevel(continues) => levels.push(continues),
                Step::PopLevel => {
                    levels.pop();
                }
                Step::Leave => {
                    path.pop();
                }
                Step::Node(node) => {
                    if self.print_node(out, node, visited, &levels, &path) {
                        path.push(node);
                        steps.push(Step::Leave);
                        for kind in [
                            EdgeKind::Feature,
                            EdgeKind::Dep(DepKind::Development),
                            EdgeKind::Dep(DepKind::Build),
                            EdgeKind::Dep(DepKind::Normal),
                        ] {
                            steps.push(Step::Deps(node, kind));
                        }
                    }
                }
                Step::Deps(node, kind) => {
                    let shown = self.print_dependencies(out, node, kind, &levels);
                    let n = shown.len();
                    let style = self.edge_style(kind);
                    for (i, d) in shown.into_iter().enumerate().rev() {
                        steps.push(Step::PopLevel);
                        steps.push(Step::Node(d));
                        steps.push(Step::PushLevel((i + 1 < n, style)));
                    }
                }
            }
        }
    }

    /// Print `node`'s line; whether its dependencies follow.
    fn print_node(
        &self,
        out: &mut String,
        node: usize,
        visited: &mut HashSet<usize>,
        levels: &[Level],
        stack: &[usize],
    ) -> bool {
        let new = self.no_dedupe || visited.insert(node);
        let s = self.symbols;
        match self.prefix {
            Prefix::Depth => {
                let _ = write!(out, "{}", levels.len());
            }
            Prefix::Indent => {
                if let Some(((last, last_style), rest)) = levels.split_last() {
                    for &(continues, style) in rest {
                        let c = if continues { s.down } else { " " };
                        let _ = write!(out, "{}   ", self.styled(style, c));
                    }
                    let c = if *last { s.tee } else { s.ell };
                    let lead = format!("{c}{0}{0}", s.right);
                    let _ = write!(out, "{} ", self.styled(last_style, &lead));
                }
            }
            Prefix::None => {}
        }
        let in_cycle = stack.contains(&node);
        let has_deps = !self.graph.edges[node].is_empty();
        let deduped = !((new && !in_cycle) || !has_deps);
        self.display(out, node);
        if deduped {
            match self.color {
                true => {
                    let _ = write!(out, " {}(*){}", tree_style::DEDUPED, tree_style::TAG_END);
                }
                false => out.push_str(" (*)"),
            }
        }
        out.push('\n');
        new && !in_cycle
    }

    /// Print the header of `node`'s dependencies of `kind`, if any; the
    /// ones to show under it.
    fn print_dependencies(
        &self,
        out: &mut String,
        node: usize,
        kind: EdgeKind,
        levels: &[Level],
    ) -> Vec<usize> {
        let deps = self.graph.edges_of_kind(node, kind);
        if deps.is_empty() {
            return Vec::new();
        }
        let header = match kind {
            EdgeKind::Dep(DepKind::Build) => {
                Some((tree_style::BUILD_HEADER, "[build-dependencies]"))
            }
            EdgeKind::Dep(DepKind::Development) => {
                Some((tree_style::DEV_HEADER, "[dev-dependencies]"))
            }
            _ => None,
        };
        if self.prefix == Prefix::Indent
            && let Some((style, header)) = header
        {
            for &(continues, level_style) in levels.iter() {
                let c = if continues { self.symbols.down } else { " " };
                let _ = write!(out, "{}   ", self.styled(level_style, c));
            }
            match self.color {
                true => {
                    let _ = write!(out, "{style}{header}{}", tree_style::TAG_END);
                }
                false => out.push_str(header),
            }
            out.push('\n');
        }
        let (max, members_only) = match self.depth {
            Depth::Max(n) => (n, false),
            Depth::Workspace => (usize::MAX, true),
        };
        if levels.len() + 1 > max {
            return Vec::new();
        }
        deps.into_iter()
            .filter(|&d| match &self.graph.nodes[d] {
                Node::Package { pkg, .. } => {
                    if members_only && !self.graph.pkgs.members[*pkg] {
                        return false;
                    }
                    let id = self.graph.id(*pkg);
                    !self.prune.iter().any(|spec| spec.matches(id))
                }
                Node::Feature { .. } => true,
            })
            .collect()
    }

    /// The style of the lines leading to a dependency of `kind`.
    fn edge_style(&self, kind: EdgeKind) -> &'static str {
        match kind {
            EdgeKind::Dep(DepKind::Normal) => tree_style::NORMAL,
            EdgeKind::Dep(DepKind::Build) => tree_style::BUILD,
            EdgeKind::Dep(DepKind::Development) => tree_style::DEV,
            EdgeKind::Feature => tree_style::FEATURE,
        }
    }

    /// `text` in `style` when colours are on.
    fn styled(&self, style: &str, text: &str) -> String {
        match self.color {
            true => format!("{style}{text}{}", tree_style::RESET),
            false => text.to_string(),
        }
    }

    fn display(&self, out: &mut String, node: usize) {
        match &self.graph.nodes[node] {
            Node::Package { pkg, features, .. } => {
                let m = &self.graph.pkgs.manifests[*pkg];
                for chunk in self.pattern {
                    match chunk {
                        Chunk::Raw(s) => out.push_str(s),
                        Chunk::Package => {
                            let id = &m.package_id;
                            let _ = write!(out, "{} v{}", id.name(), id.version());
                            if m.lib_target().is_some_and(|t| t.proc_macro) {
                                out.push_str(" (proc-macro)");
                            }
                            if !id.source_id().is_crates_io() {
                                let _ = write!(out, " ({})", id.source_id());
                            }
                        }
                        Chunk::License => {
                            if let Some(l) = &m.metadata.license {
                                out.push_str(l);
                            }
                        }
                        Chunk::Repository => {
                            if let Some(r) = &m.metadata.repository {
                                out.push_str(r);
                            }
                        }
                        Chunk::Features => out.push_str(&features.join(",")),
                        Chunk::LibName => {
                            if let Some(lib) = m.lib_target() {
                                out.push_str(&lib.crate_name());
                            }
                        }
                    }
                }
            }
            Node::Feature { node: of, name } => {
                let pkg = self.graph.package_of(*of);
                let _ = write!(out, "{} feature \"{name}\"", self.graph.id(pkg).name());
                if self.graph.cli_features.contains(&node) {
                    out.push_str(" (command-line)");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(
            parse_pattern("{p} [{l}] {{x}}").unwrap(),
            vec![
                Chunk::Package,
                Chunk::Raw(" [".into()),
                Chunk::License,
                Chunk::Raw("] {x}".into()),
            ]
        );
        assert_eq!(parse_pattern("{lib}").unwrap(), vec![Chunk::LibName]);
        assert_eq!(
            parse_pattern("{x}").unwrap_err().to_string(),
            "unsupported pattern `x`"
        );
        assert_eq!(parse_pattern("{p").unwrap_err().to_string(), "expected '}'");
        assert_eq!(
            parse_pattern("p}").unwrap_err().to_string(),
            "unexpected '}'"
        );
    }

    #[test]
    fn edge_kinds() {
        let k = |v: &[&str]| {
            parse_edge_kinds(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>(), false)
        };
        let (all, _) = k(&[]).unwrap();
        assert_eq!(all.len(), 3);
        let (f, _) = k(&["features"]).unwrap();
        assert_eq!(f.len(), 4);
        let (n, _) = k(&["normal", "features"]).unwrap();
        assert_eq!(n.len(), 2);
        let (nd, pm) = k(&["no-dev", "no-proc-macro"]).unwrap();
        assert!(pm);
        assert!(!nd.contains(&EdgeKind::Dep(DepKind::Development)));
        assert!(
            k(&["no-dev", "normal"])
                .unwrap_err()
                .to_string()
                .contains("cannot be mixed")
        );
        assert_eq!(
            k(&["public"]).unwrap_err().to_string(),
            "`--edges public` requires `-Zunstable-options`"
        );
    }

    #[test]
    fn depths() {
        assert_eq!(parse_depth("3"), Some(Depth::Max(3)));
        assert_eq!(parse_depth("workspace"), Some(Depth::Workspace));
        assert_eq!(parse_depth("-1"), None);
    }
}
