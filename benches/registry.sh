#!/usr/bin/env bash
# Registry benchmark: a generated graph of ~160 packages served by the
# test-support registry on 127.0.0.1 (crates/mycargo-test-support/examples/
# serve_registry.rs). Warm `generate-lockfile` (index cached, revalidated)
# and a cold `fetch` (empty CARGO_HOME registry: every index file and
# .crate downloaded), cargo against mycargo in the same run.
#
#   bash benches/registry.sh       # RUNS=20 by default
set -euo pipefail
runs=${RUNS:-20}
source "$(dirname "$0")/lib.sh"
setup_tools
(cd "$root" && cargo build --release --locked -q -p mycargo-test-support --example serve_registry)

# The server lives as long as its stdin stays open.
mkfifo "$work/hold"
"$root/target/release/examples/serve_registry" "${PACKAGES:-160}" < "$work/hold" > "$work/url" &
exec 3> "$work/hold"
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(cat "$work/url")
printf '[source.crates-io]\nreplace-with = "local"\n[source.local]\nregistry = "%s"\n' "$url" \
  > "$CARGO_HOME/config.toml"

proj="$work/proj"
mkdir -p "$proj/src"
printf '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nbench-root = "1"\n' \
  > "$proj/Cargo.toml"
touch "$proj/src/lib.rs"
cd "$proj"

# Both tools must lock the same graph.
"$cargo_bin" generate-lockfile -q && cp Cargo.lock "$work/cargo.lock"
"$mycargo_bin" generate-lockfile -q
cmp -s Cargo.lock "$work/cargo.lock" || { echo "lock files differ" >&2; exit 1; }

ratio warm-generate-lockfile generate-lockfile
PREPARE="rm -rf $CARGO_HOME/registry" WARMUP=1 ratio cold-fetch fetch
exec 3>&-
