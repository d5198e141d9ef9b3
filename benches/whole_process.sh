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
runs=${RUNS:-30}
source "$(dirname "$0")/lib.sh"
setup_tools

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

cd "$proj/crates/m3"
ratio version --version
ratio locate-project locate-project
ratio locate-project-workspace locate-project --workspace
ratio verify-project verify-project
ratio read-manifest read-manifest
cd "$work"
PREPARE="rm -rf $work/newpkg" ratio new-vcs-none new --vcs none "$work/newpkg"
