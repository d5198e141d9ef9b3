// Records the host triple and the commit mycargo was built from, so
// `mycargo -vV` can report them as cargo reports its own.
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo::rustc-env=MYCARGO_HOST_TRIPLE={target}");
    let hash = git(&["rev-parse", "HEAD"]).unwrap_or_default();
    let date = git(&["log", "-1", "--date=short", "--format=%cd"]).unwrap_or_default();
    println!("cargo::rustc-env=MYCARGO_COMMIT_HASH={hash}");
    println!("cargo::rustc-env=MYCARGO_COMMIT_DATE={date}");
    println!("cargo::rerun-if-changed=build.rs");
    // A new commit moves HEAD or the branch it names.
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        println!("cargo::rerun-if-changed={dir}/HEAD");
        if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo::rerun-if-changed={dir}/{r}");
        }
    }
}
