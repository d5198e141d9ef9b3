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

fn main() {
    mycargo_util::process::setsid_if_testsuite_asks();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    std::process::exit(dispatch::main(argv));
}
