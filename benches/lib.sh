# Shared by the whole-process benchmarks. Source it, then call `ratio`.
#
# ratio NAME ARGS...: runs `cargo ARGS` and `mycargo ARGS` in rounds with the
# order swapped each round (the machine's noise falls on both alike) and
# prints the medians and mycargo/cargo. PREPARE, if set, runs before every
# timed run of either tool (e.g. to touch a file or remove target/).
# Needs: $cargo_bin, $mycargo_bin, $work, $runs.

ratio() {
  local name=$1; shift
  local prep=()
  [ -n "${PREPARE:-}" ] && prep=(--prepare "$PREPARE")
  local per=$(( (runs + 4) / 5 ))
  rm -f "$work/$name".*.json
  for round in 1 2 3 4 5; do
    local a="$cargo_bin $*" b="$mycargo_bin $*"
    if (( round % 2 == 0 )); then local t=$a; a=$b; b=$t; fi
    hyperfine -N --warmup "${WARMUP:-2}" --runs "$per" "${prep[@]}" \
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
print(f"{name:<26} cargo {c*1000:9.2f} ms  mycargo {m*1000:9.2f} ms  ratio {m/c:5.2f}")
PY
}

# The toolchain's own cargo (not the rustup proxy) and a release mycargo.
setup_tools() {
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  cargo_bin=$(rustup which cargo 2>/dev/null || command -v cargo)
  (cd "$root" && cargo build --release --locked -q)
  mycargo_bin="$root/target/release/mycargo"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # rustup finds its toolchains through RUSTUP_HOME once HOME moves.
  export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
  export CARGO_HOME="$work/cargo-home" HOME="$work/home"
  mkdir -p "$CARGO_HOME" "$HOME"
}
