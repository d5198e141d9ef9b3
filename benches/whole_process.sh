#!/usr/bin/env bash
# Whole-process comparison of mycargo against the toolchain's cargo binary
# (not the rustup proxy, which adds start-up time). Alternates the two
# commands, takes medians, prints the ratio mycargo/cargo per scenario.
#
#   bash benches/whole_process.sh            # builds mycargo --release first
#   RUNS=40 bash benches/whole_process.sh
#
# Needs hyperfine (Debian: apt-get install hyperfine) and python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-30}
cargo_bin=$(rustup which cargo 2>/dev/null || command -v cargo)
(cd "$root" && cargo build --release --locked -q)
mycargo_bin="$root/target/release/mycargo"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_HOME="$work/cargo-home" HOME="$work/home"
mkdir -p "$CARGO_HOME" "$HOME"

# A workspace with a few members, so manifests and config are really parsed.
proj="$work/ws"
mkdir -p "$proj/.cargo"
printf '[workspace]\nmembers = ["crates/*"]\nresolver = "3"\n\n[workspace.package]\nversion = "0.1.0"\nedition = "2021"\n' > "$proj/Cargo.toml"
printf '[alias]\nxb = "build --release"\n[build]\njobs = 2\n' > "$proj/.cargo/config.toml"
for i in 1 2 3 4 5 6; do
  mkdir -p "$proj/crates/m$i/src"
  printf '[package]\nname = "m%s"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\n' "$i" > "$proj/crates/m$i/Cargo.toml"
  echo 'pub fn f() {}' > "$proj/crates/m$i/src/lib.rs"
done

ratio() { # name, then the command line after the binary
  # Rounds of hyperfine with the order swapped each time, so the two tools
  # alternate and the machine's noise falls on both alike; medians of all.
  local name=$1; shift
  local prep=()
  [ -n "${PREPARE:-}" ] && prep=(--prepare "$PREPARE")
  local per=$(( (runs + 4) / 5 ))
  for round in 1 2 3 4 5; do
    local a="$cargo_bin $*" b="$mycargo_bin $*"
    if (( round % 2 == 0 )); then local t=$a; a=$b; b=$t; fi
    hyperfine -N --warmup 2 --runs "$per" "${prep[@]}" \
      --export-json "$work/$name.$round.json" "$a" "$b" >/dev/null 2>&1
  done
  python3 - "$work" "$name" "$mycargo_bin" <<'PY'
import glob, json, statistics, sys
work, name, my = sys.argv[1:4]
times = {"cargo": [], "mycargo": []}
for f in glob.glob(f"{work}/{name}.*.json"):
    for r in json.load(open(f))["results"]:
        times["mycargo" if r["command"].startswith(my) else "cargo"] += r["times"]
c, m = statistics.median(times["cargo"]), statistics.median(times["mycargo"])
print(f"{name:<26} cargo {c*1000:8.2f} ms  mycargo {m*1000:8.2f} ms  ratio {m/c:5.2f}")
PY
}

cd "$proj/crates/m3"
ratio version --version
ratio locate-project locate-project
ratio locate-project-workspace locate-project --workspace
ratio verify-project verify-project
ratio read-manifest read-manifest
cd "$work"
PREPARE="rm -rf $work/newpkg" ratio new-vcs-none new --vcs none "$work/newpkg"
