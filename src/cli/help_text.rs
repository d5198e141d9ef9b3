//! cargo's wording and order in each subcommand's `--help`.
//!
//! The flag groups in `common` are shared by several commands, but cargo
//! words them per command ("Check all packages in the workspace", "Package(s)
//! to fix", ...) and orders the compilation options per command. This pass
//! rewrites the help strings and display order after clap has built the
//! commands, so the parsing structs stay shared.

use clap::Command;

/// The command-specific words of the package and target selection flags.
struct Selection {
    package: &'static str,
    workspace: &'static str,
    exclude: &'static str,
    /// The verb of the target selection flags ("Check only this package's
    /// library"); `None` keeps the shared "Build" wording.
    verb: Option<&'static str>,
    all_targets: Option<&'static str>,
}

fn selection(command: &str) -> Option<Selection> {
    let s = |package, workspace, exclude, verb, all_targets| {
        Some(Selection {
            package,
            workspace,
            exclude,
            verb,
            all_targets,
        })
    };
    match command {
        "build" => s(
            "Package to build (see `cargo help pkgid`)",
            "Build all packages in the workspace",
            "Exclude packages from the build",
            None,
            None,
        ),
        "check" => s(
            "Package(s) to check",
            "Check all packages in the workspace",
            "Exclude packages from the check",
            Some("Check"),
            None,
        ),
        "doc" => s(
            "Package to document",
            "Document all packages in the workspace",
            "Exclude packages from the build",
            None,
            None,
        ),
        "test" => s(
            "Package to run tests for",
            "Test all packages in the workspace",
            "Exclude packages from the test",
            Some("Test"),
            Some("Test all targets (does not include doctests)"),
        ),
        "bench" => s(
            "Package to run benchmarks for",
            "Benchmark all packages in the workspace",
            "Exclude packages from the benchmark",
            Some("Benchmark"),
            None,
        ),
        "fix" => s(
            "Package(s) to fix",
            "Fix all packages in the workspace",
            "Exclude packages from the fixes",
            Some("Fix"),
            Some("Fix all targets (default)"),
        ),
        "package" => s(
            "Package(s) to assemble",
            "Assemble all packages in the workspace",
            "Don't assemble specified packages",
            None,
            None,
        ),
        "publish" => s(
            "Package(s) to publish",
            "Publish all packages in the workspace",
            "Don't publish specified packages",
            None,
            None,
        ),
        "tree" => s(
            "Package to be used as the root of the tree",
            "Display the tree for all packages in the workspace",
            "Exclude specific workspace members",
            None,
            None,
        ),
        _ => None,
    }
}

/// The target selection flags whose help starts with "Build".
const TARGET_FLAGS: &[&str] = &[
    "lib",
    "bins",
    "bin",
    "examples",
    "example",
    "tests",
    "test",
    "benches",
    "bench",
    "all-targets",
];

/// cargo's order of the compilation and manifest options. `build` puts
/// `--release` and `--profile` first; every other command puts `--jobs` and
/// `--keep-going` first.
fn option_order(command: &str) -> &'static [&'static str] {
    const BUILD: &[&str] = &[
        "release",
        "profile",
        "jobs",
        "keep-going",
        "target",
        "target-dir",
        "artifact-dir",
        "unit-graph",
        "timings",
        "manifest-path",
        "ignore-rust-version",
    ];
    const OTHERS: &[&str] = &[
        "jobs",
        "keep-going",
        "release",
        "profile",
        "target",
        "target-dir",
        "artifact-dir",
        "unit-graph",
        "timings",
        "manifest-path",
        "ignore-rust-version",
    ];
    const PACKAGE: &[&str] = &[
        "target",
        "target-dir",
        "jobs",
        "keep-going",
        "manifest-path",
    ];
    match command {
        "build" => BUILD,
        "package" => PACKAGE,
        _ => OTHERS,
    }
}

/// Commands whose description is kept in full in `--help` and that have no
/// "Run `cargo help ...`" footer.
fn long_about(command: &str) -> Option<&'static str> {
    match command {
        "read-manifest" => Some(
            "DEPRECATED: Print a JSON representation of a Cargo.toml manifest.\n\n\
             Use `\x1b[96m\x1b[1mcargo metadata --no-deps\x1b[39m\x1b[22m` instead.",
        ),
        "verify-project" => Some(
            "DEPRECATED: Check correctness of crate manifest.\n\n\
             See https://github.com/rust-lang/cargo/issues/14679.",
        ),
        "help" => Some("Displays help for a cargo command"),
        "config" => Some("Inspect configuration values"),
        _ => None,
    }
}

/// Lines cargo adds after the "Run `cargo help ...`" footer.
fn extra_footer(command: &str) -> &'static str {
    match command {
        "test" => {
            "\nRun `\x1b[96m\x1b[1mcargo test -- --help\x1b[39m\x1b[22m` for test binary options."
        }
        "run" => {
            "\nTo pass `--help` to the specified binary, use `\x1b[96m\x1b[1m-- --help\x1b[39m\x1b[22m`."
        }
        _ => "",
    }
}

/// The help cargo gives one flag of `command`, where it differs from the
/// shared wording in `common`.
fn help_for(command: &str, long: &str, shared: &str) -> Option<String> {
    if let Some(words) = selection(command) {
        match long {
            "package" => return Some(words.package.to_string()),
            "workspace" => return Some(words.workspace.to_string()),
            "exclude" => return Some(words.exclude.to_string()),
            "all-targets" if words.all_targets.is_some() => {
                return words.all_targets.map(str::to_string);
            }
            _ => {}
        }
        if let Some(verb) = words.verb
            && TARGET_FLAGS.contains(&long)
        {
            return Some(format!(
                "{verb}{}",
                shared.strip_prefix("Build").unwrap_or(shared)
            ));
        }
    }
    match (command, long) {
        ("check", "target") => Some("Check for the target triple".into()),
        ("check", "profile") => Some("Check artifacts with the specified profile".into()),
        ("fix", "target") => Some("Fix for the target triple".into()),
        ("rustc", "target") => Some("Target triple which compiles will be for".into()),
        _ => None,
    }
}

/// Applies cargo's wording, order and footer to one subcommand.
pub fn apply(sub: Command) -> Command {
    let name = sub.get_name().to_string();
    let compiles = sub.get_arguments().any(|a| a.get_long() == Some("jobs"));
    let order = option_order(&name);
    // `mut_args` edits in place: `mut_arg` would move the flag to the end,
    // and clap orders the headings by their first flag.
    let sub = sub.mut_args(|arg| {
        let Some(long) = arg.get_long().map(str::to_string) else {
            return arg;
        };
        let shared = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let mut arg = match help_for(&name, &long, &shared) {
            Some(help) => arg.help(help),
            None => arg,
        };
        // The listed flags go ahead of the global ones (800 on), which
        // cargo lists after a command's own.
        if compiles && let Some(i) = order.iter().position(|l| *l == long) {
            arg = arg.display_order(700 + i);
        }
        arg
    });
    // The global `-q` is worded for the test runner here (and listed first). The same id and
    // `global` keep its value where the global flag's goes; clap does not
    // propagate a global flag into a command that has its own.
    let sub = if name == "test" {
        sub.arg(
            clap::Arg::new("quiet")
                .short('q')
                .long("quiet")
                .action(clap::ArgAction::SetTrue)
                .global(true)
                .display_order(799)
                .help_heading(None::<&str>)
                .help("Display one character per test instead of one line"),
        )
    } else {
        sub
    };
    if let Some(about) = long_about(&name) {
        return sub.about(about);
    }
    // cargo's bytes: bright cyan, bold; then each turned off.
    let footer = format!(
        "Run `\x1b[96m\x1b[1mcargo help {name}\x1b[39m\x1b[22m` for more detailed information.{}",
        extra_footer(&name)
    );
    sub.after_help(footer)
}

/// ANSI styles of cargo's hand-written help text (`color_print`'s bytes).
const HEADER: (&str, &str) = ("\x1b[92m\x1b[1m", "\x1b[39m\x1b[22m");
const LITERAL: (&str, &str) = ("\x1b[96m\x1b[1m", "\x1b[39m\x1b[22m");
const PLACEHOLDER: (&str, &str) = ("\x1b[36m", "\x1b[39m");

fn styled(style: (&str, &str), text: &str) -> String {
    format!("{}{text}{}", style.0, style.1)
}

/// The top-level flags in cargo's order, all under "Options:".
const TOP_FLAGS: &[&str] = &[
    "version",
    "list",
    "explain",
    "verbose",
    "quiet",
    "color",
    "directory",
    "locked",
    "offline",
    "frozen",
    "config",
    "unstable_flags",
];

/// The commands cargo's top-level help lists, with their aliases.
const COMMON_COMMANDS: &[(&str, Option<&str>, &str)] = &[
    ("build", Some("b"), "Compile the current package"),
    (
        "check",
        Some("c"),
        "Analyze the current package and report errors, but don't build object files",
    ),
    ("clean", None, "Remove the target directory"),
    (
        "doc",
        Some("d"),
        "Build this package's and its dependencies' documentation",
    ),
    ("new", None, "Create a new cargo package"),
    (
        "init",
        None,
        "Create a new cargo package in an existing directory",
    ),
    ("add", None, "Add dependencies to a manifest file"),
    ("remove", None, "Remove dependencies from a manifest file"),
    (
        "run",
        Some("r"),
        "Run a binary or example of the local package",
    ),
    ("test", Some("t"), "Run the tests"),
    ("bench", None, "Run the benchmarks"),
    ("update", None, "Update dependencies listed in Cargo.lock"),
    ("search", None, "Search registry for crates"),
    (
        "publish",
        None,
        "Package and upload this package to the registry",
    ),
    ("install", None, "Install a Rust binary"),
    ("uninstall", None, "Uninstall a Rust binary"),
];

/// cargo's top-level help (`cargo --help`, and `cargo` alone), with ANSI
/// styles (clap strips them when colour is off): the usage, every top-level
/// flag in one list, and the common commands.
pub fn top(cmd: &Command, toolchain: &str) -> String {
    let mut options = Command::new("cargo")
        .styles(super::clap_styles())
        .disable_help_flag(true)
        .help_template("{options}");
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        let Some(i) = TOP_FLAGS.iter().position(|f| *f == id) else {
            continue;
        };
        options = options.arg(
            arg.clone()
                .global(false)
                .help_heading(None::<&str>)
                .display_order(i),
        );
    }
    let options = options
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("Print help")
                .display_order(TOP_FLAGS.len()),
        )
        .render_help()
        .ansi()
        .to_string();
    let mut out = String::from("Rust's package manager\n\n");
    let cargo = styled(LITERAL, "cargo");
    out.push_str(&format!(
        "{} {cargo} {}\n       {cargo} {} {} {}\n\n",
        styled(HEADER, "Usage:"),
        styled(PLACEHOLDER, &format!("{toolchain}[OPTIONS] [COMMAND]")),
        styled(PLACEHOLDER, &format!("{toolchain}[OPTIONS]")),
        styled(LITERAL, "-Zscript"),
        styled(PLACEHOLDER, "<MANIFEST_RS> [ARGS]..."),
    ));
    out.push_str(&format!(
        "{}\n{}\n\n{}\n",
        styled(HEADER, "Options:"),
        options.trim_end(),
        styled(HEADER, "Commands:")
    ));
    for (name, alias, about) in COMMON_COMMANDS {
        let names = match alias {
            Some(a) => format!("{}, {}", styled(LITERAL, name), styled(LITERAL, a)),
            None => styled(LITERAL, name),
        };
        let width = name.len() + alias.map_or(0, |a| a.len() + 2);
        out.push_str(&format!("    {names}{}{about}\n", " ".repeat(12 - width)));
    }
    out.push_str(&format!(
        "    {}         See all commands with {}\n\nSee '{} {}' for more information on a specific command.\n",
        styled(PLACEHOLDER, "..."),
        styled(LITERAL, "--list"),
        styled(LITERAL, "cargo help"),
        styled(PLACEHOLDER, "<command>"),
    ));
    out
}
