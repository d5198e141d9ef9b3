//! From argv to a finished command: settle the global flags and config,
//! expand aliases, then run a built-in command or a `cargo-<name>` plugin.
//! Every error ends here, printed once, as an exit code.

use std::ffi::OsString;
use std::path::PathBuf;

use mycargo_util::{CliError, CliResult, Env, Shell};

use crate::cli::{self, BUILTIN_ALIASES, Cli, Command, GlobalArgs};
use crate::context::GlobalContext;
use crate::ops;

/// Run mycargo with `argv` and return the process exit code.
pub fn main(argv: Vec<OsString>) -> i32 {
    let mut shell = Shell::new();
    let env = match Env::from_process() {
        Ok(env) => env,
        Err(e) => {
            shell.print_error(
                &anyhow::Error::new(e).context("could not read the working directory"),
            );
            return 101;
        }
    };
    let (cli, name) = match cli::parse_named(&argv) {
        Ok(parsed) => parsed,
        Err(e) => return report_clap_error(e),
    };
    match run(shell, env, cli, name) {
        (_, Ok(())) => 0,
        (mut shell, Err(err)) => {
            if let Some(e) = &err.error {
                shell.print_error(e);
            }
            err.exit_code
        }
    }
}

/// Help and version requests print to stdout and succeed; usage errors go to
/// stderr and exit 1, as cargo's do.
fn report_clap_error(e: clap::Error) -> i32 {
    let _ = e.print();
    match e.kind() {
        clap::error::ErrorKind::DisplayHelp
        | clap::error::ErrorKind::DisplayVersion
        | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => 0,
        _ => 1,
    }
}

fn run(shell: Shell, mut env: Env, cli: Cli, name: Option<String>) -> (Shell, CliResult) {
    if let Some(dir) = &cli.directory {
        let dir = env.cwd().join(dir);
        if let Err(e) = std::env::set_current_dir(&dir) {
            let err = anyhow::Error::new(e)
                .context(format!("could not change to directory `{}`", dir.display()));
            return (shell, Err(err.into()));
        }
        env.set_cwd(dir);
    }
    let exe = current_exe();
    let mut gctx = match GlobalContext::new(shell, env.clone(), cli.global.clone(), exe.clone()) {
        Ok(g) => g,
        Err(e) => return (Shell::new(), Err(e.into())),
    };
    let result = run_with_context(&mut gctx, cli, name, env, exe);
    // Warnings about scripts read by commands that had no chance to show
    // them (an error came first).
    let _ = gctx.flush_script_warnings();
    (gctx.shell, result)
}

fn current_exe() -> PathBuf {
    std::env::current_exe().unwrap_or_else(|_| PathBuf::from("mycargo"))
}

fn run_with_context(
    gctx: &mut GlobalContext,
    cli: Cli,
    name: Option<String>,
    env: Env,
    exe: PathBuf,
) -> CliResult {
    let (mut flags, warnings) = crate::unstable::from_config(&gctx.config, &gctx.env)?;
    for w in warnings {
        gctx.shell.warn(w)?;
    }
    flags.extend(gctx.args.unstable_flags.iter().cloned());
    gctx.unstable = crate::unstable::parse(&flags, &gctx.env)?;
    for w in std::mem::take(&mut gctx.unstable.stabilized_warnings) {
        gctx.shell.warn(w)?;
    }
    if cli.version {
        return ops::version::print(gctx);
    }
    if cli.list {
        return ops::list::print(gctx);
    }
    if let Some(code) = &cli.explain {
        return ops::explain::exec(gctx, code);
    }
    let Some(command) = cli.command else {
        let _ = write!(gctx.shell.out(), "{}", cli::top_help());
        return Ok(());
    };
    let name = name.unwrap_or_default();
    let (command, _name, global) = expand_aliases(gctx, command, name, Vec::new())?;
    if let Some(global) = global {
        // The expansion may carry its own global flags (`--config`, `-v`, ...):
        // settle the context again with them merged in.
        let mut args = gctx.args.clone();
        args.merge(global);
        if args != gctx.args {
            let shell = std::mem::take(&mut gctx.shell);
            *gctx = GlobalContext::reload(shell, env, args, exe)?;
        }
    }
    execute(gctx, command)
}

/// Replace a user or built-in alias by its expansion, recursively. Returns
/// the final command and, if anything was expanded, the global flags the
/// expansions carried.
fn expand_aliases(
    gctx: &mut GlobalContext,
    command: Command,
    name: String,
    mut expanded: Vec<String>,
) -> Result<(Command, String, Option<GlobalArgs>), CliError> {
    let Command::External(argv) = command else {
        warn_shadowed_builtin_alias(gctx, &name)?;
        return Ok((command, name, None));
    };
    let user = gctx.config.get_alias(&name)?;
    let alias = match user {
        Some(alias) => {
            if let Some(path) = find_external(gctx, &name) {
                gctx.shell.warn(format!(
                    "user-defined alias `{name}` is shadowing an external subcommand found at `{}`\n  |\n  = note: this was previously accepted but will become a hard error in the future; see <https://github.com/rust-lang/cargo/issues/10049>",
                    path.display()
                ))?;
            }
            alias
        }
        None => match BUILTIN_ALIASES.iter().find(|(a, _)| *a == name) {
            Some((_, target)) => vec![target.to_string()],
            None => return Ok((Command::External(argv), name, None)),
        },
    };
    let mut new_argv: Vec<OsString> = vec!["mycargo".into()];
    new_argv.extend(alias.iter().map(OsString::from));
    new_argv.extend(argv.into_iter().skip(1));
    let (parsed, new_name) = match cli::parse_named(&new_argv) {
        Ok(p) => p,
        Err(e) => {
            let code = report_clap_error(e);
            return Err(CliError::code(code));
        }
    };
    let Some(new_command) = parsed.command else {
        return Err(anyhow::anyhow!("alias `{name}` expands to no command").into());
    };
    let new_name = new_name.unwrap_or_default();
    expanded.push(name);
    if expanded.contains(&new_name) {
        return Err(anyhow::anyhow!(
            "alias {} has unresolvable recursive definition: {} -> {}",
            expanded[0],
            expanded.join(" -> "),
            new_name
        )
        .into());
    }
    let mut global = parsed.global;
    let (cmd, final_name, inner) = expand_aliases(gctx, new_command, new_name, expanded)?;
    if let Some(inner) = inner {
        global.merge(inner);
    }
    Ok((cmd, final_name, Some(global)))
}

/// A user alias named like a built-in command never applies; say so.
fn warn_shadowed_builtin_alias(gctx: &mut GlobalContext, name: &str) -> CliResult {
    if gctx.config.get_alias(name)?.is_some() {
        gctx.shell.warn(format!(
            "user-defined alias `{name}` is ignored, because it is shadowed by a built-in command"
        ))?;
    }
    Ok(())
}

fn execute(gctx: &mut GlobalContext, command: Command) -> CliResult {
    match command {
        Command::External(argv) => ops::script::exec_external(gctx, argv),
        Command::Help(args) => ops::help::run(gctx, args.command.as_deref()),
        Command::Version(_) => ops::version::print(gctx),
        Command::New(args) => Ok(ops::cargo_new::new(gctx, &args)?),
        Command::Init(args) => Ok(ops::cargo_new::init(gctx, &args)?),
        Command::Build(args) => ops::build::build(gctx, &args),
        Command::Check(args) => ops::build::check(gctx, &args),
        Command::Run(args) => ops::run::run(gctx, &args),
        Command::GenerateLockfile(args) => ops::generate_lockfile::run(gctx, &args),
        Command::Fetch(args) => ops::fetch::run(gctx, &args),
        Command::Vendor(args) => ops::vendor::run(gctx, &args),
        Command::Clean(args) => ops::clean::clean(gctx, &args),
        Command::Config(args) => ops::config::run(gctx, &args),
        Command::Doc(args) => ops::doc::doc(gctx, &args),
        Command::Rustc(args) => ops::rustc::rustc(gctx, &args),
        Command::Rustdoc(args) => ops::rustdoc::rustdoc(gctx, &args),
        Command::LocateProject(args) => ops::locate_project::run(gctx, &args),
        Command::VerifyProject(args) => ops::verify_project::run(gctx, &args),
        Command::ReadManifest(args) => ops::read_manifest::run(gctx, &args),
        Command::Test(args) => ops::test::test(gctx, &args),
        Command::Bench(args) => ops::bench::bench(gctx, &args),
        Command::Metadata(args) => ops::metadata::run(gctx, &args),
        Command::Pkgid(args) => ops::pkgid::run(gctx, &args),
        Command::Tree(args) => ops::tree::run(gctx, &args),
        Command::Package(args) => ops::package::run(gctx, &args),
        Command::Update(args) => ops::update::run(gctx, &args),
        Command::Publish(args) => ops::publish::run(gctx, &args),
        Command::Yank(args) => ops::yank::run(gctx, &args),
        Command::GitCheckout(_) => {
            Err(anyhow::anyhow!("The `git-checkout` command has been removed.").into())
        }
        Command::Owner(args) => ops::owner::run(gctx, &args),
        Command::Search(args) => ops::search::run(gctx, &args),
        Command::Login(args) => ops::login::login(gctx, &args),
        Command::Logout(args) => ops::login::logout(gctx, &args),
        Command::Install(args) => ops::install::install(gctx, &args),
        Command::Remove(args) => ops::remove::remove(gctx, &args),
        Command::Add(args) => ops::add::add(gctx, &args),
        Command::Info(args) => ops::info::info(gctx, &args),
        Command::Uninstall(args) => ops::uninstall::uninstall(gctx, &args),
        Command::Report(args) => ops::report::run(gctx, &args),
        Command::Fix(args) => ops::fix::fix(gctx, &args),
    }
}

/// `cargo-<name>` on the plugin search path, if any.
pub fn find_external(gctx: &GlobalContext, name: &str) -> Option<PathBuf> {
    mycargo_util::process::find_in_dirs(&format!("cargo-{name}"), &ops::external::search_dirs(gctx))
}
