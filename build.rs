// Records the host triple so `mycargo -Vv` can report it.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo::rustc-env=MYCARGO_HOST_TRIPLE={target}");
    println!("cargo::rerun-if-changed=build.rs");
}
