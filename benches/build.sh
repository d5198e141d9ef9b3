#!/usr/bin/env bash
# Build benchmark: a generated workspace of 40 path crates (a dependency
# lattice, build scripts, a proc macro, features) built by the toolchain's
# cargo and by mycargo: full build, no-op build, and a rebuild after
# touching one leaf. Prints medians and mycargo/cargo for each.
#
#   bash benches/build.sh          # RUNS=10 by default (full builds are slow)
set -euo pipefail
runs=${RUNS:-10}
source "$(dirname "$0")/lib.sh"
setup_tools

ws="$work/ws"
mkdir -p "$ws"
n=40
{
  printf '[workspace]\nresolver = "2"\nmembers = ["app", "pm"'
  for i in $(seq -w 0 $((n - 1))); do printf ', "c%s"' "$i"; done
  printf ']\n'
} > "$ws/Cargo.toml"

mkdir -p "$ws/pm/src"
printf '[package]\nname = "pm"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nproc-macro = true\n' > "$ws/pm/Cargo.toml"
cat > "$ws/pm/src/lib.rs" <<'RS'
extern crate proc_macro;
use proc_macro::TokenStream;
#[proc_macro]
pub fn konst(input: TokenStream) -> TokenStream {
    format!("pub const K: u32 = {};", input.to_string().len()).parse().unwrap()
}
RS

for i in $(seq 0 $((n - 1))); do
  name=$(printf 'c%02d' "$i")
  dir="$ws/$name"
  mkdir -p "$dir/src"
  {
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n' "$name"
    (( i % 5 == 0 )) && printf 'build = "build.rs"\n'
    printf '\n[features]\ndefault = ["extra"]\nextra = []\n\n[dependencies]\npm = { path = "../pm" }\n'
    (( i >= 1 )) && printf 'c%02d = { path = "../c%02d" }\n' $((i - 1)) $((i - 1))
    (( i >= 7 )) && printf 'c%02d = { path = "../c%02d", default-features = false }\n' $((i - 7)) $((i - 7))
  } > "$dir/Cargo.toml"
  {
    printf 'pm::konst!(%s);\n' "$name"
    printf 'pub fn value() -> u64 {\n    let mut v: u64 = K as u64;\n'
    (( i >= 1 )) && printf '    v += c%02d::value();\n' $((i - 1))
    (( i >= 7 )) && printf '    v += c%02d::value();\n' $((i - 7))
    printf '    if cfg!(feature = "extra") { v += 1; }\n    v\n}\n'
    # Some code to compile.
    for f in 1 2 3 4 5 6 7 8; do
      printf 'pub fn f%s(x: &[u64]) -> u64 { x.iter().map(|v| v.wrapping_mul(%s)).fold(0, u64::wrapping_add) }\n' "$f" "$f"
    done
    (( i % 5 == 0 )) && printf 'pub const GEN: &str = include_str!(concat!(env!("OUT_DIR"), "/gen.txt"));\n'
  } > "$dir/src/lib.rs"
  if (( i % 5 == 0 )); then
    cat > "$dir/build.rs" <<'RS'
fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(format!("{out}/gen.txt"), "generated").unwrap();
    println!("cargo::rerun-if-changed=build.rs");
}
RS
  fi
done
mkdir -p "$ws/app/src"
printf '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nc%02d = { path = "../c%02d" }\n' $((n - 1)) $((n - 1)) > "$ws/app/Cargo.toml"
printf 'fn main() { println!("{}", c%02d::value()); }\n' $((n - 1)) > "$ws/app/src/main.rs"

cd "$ws"
# Both tools must build the same program.
"$cargo_bin" build -q --target-dir "$work/t-cargo" && "$mycargo_bin" build -q --target-dir "$work/t-my"
[ "$("$work/t-cargo/debug/app")" = "$("$work/t-my/debug/app")" ] || { echo "outputs differ" >&2; exit 1; }

PREPARE="rm -rf $ws/target" WARMUP=1 ratio full-build build
"$cargo_bin" build -q; "$mycargo_bin" build -q
ratio no-op-build build
PREPARE="touch $ws/c00/src/lib.rs" WARMUP=1 ratio touch-leaf-rebuild build
