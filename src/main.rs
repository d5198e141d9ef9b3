//! The `mycargo` binary: parse arguments, run the command, exit with its code.

// Flag accessors for commands whose workflows land in later issues.
#[allow(dead_code)]
mod cli;
mod context;
mod dispatch;
mod ops;
mod unstable;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The stack mycargo's work runs on. Walks over user-controlled graphs are
/// iterative where they are deep in practice (units, jobs, cycle checks,
/// tree printing); the rest (feature activation over the package graph)
/// recurse once per package, and this address space (reserved, not
/// touched unless used) keeps a chain of tens of thousands of packages
/// from overflowing.
const STACK_SIZE: usize = 1 << 30;

fn main() {
    mycargo_util::process::setsid_if_testsuite_asks();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Started by `fix` as rustc: no command line to parse.
    if let Some(code) = ops::fix::proxy::run_if_asked(&argv) {
        std::process::exit(code);
    }
    let worker_argv = argv.clone();
    let code = match std::thread::Builder::new()
        .name("mycargo".into())
        .stack_size(STACK_SIZE)
        .spawn(move || dispatch::main(worker_argv))
    {
        // A panic was printed where it happened.
        Ok(worker) => worker.join().unwrap_or(101),
        // No room for that stack (a tight address-space limit): run here.
        Err(_) => dispatch::main(argv),
    };
    std::process::exit(code);
}
