#!/usr/bin/env python3
"""Real-world benchmarks: mycargo against the toolchain's cargo on real
projects, with a CARGO_HOME that has seen all of them (as a user's has).

By hand, not in CI: it uses the default registry. See benches/README.md.

Each row runs both tools alternately (the order flipped every round), takes
the median wall time and the median peak RSS of each, and prints the
ratios mycargo/cargo. The projects:

  cargo-lib    a package depending on `cargo = "=0.96.0"` (~250 packages)
  rg-crates    a package depending on ripgrep's crates (grep, ignore, globset)
  web          tokio + reqwest + serde + clap
  ripgrep      the ripgrep workspace  (RIPGREP_GIT: a git dir, RIPGREP_REV; optional)
  serde        the serde workspace    (SERDE_GIT: a git dir, SERDE_REV; optional)
  cargo-ws     cargo's own workspace  (CARGO_GIT: a git dir, CARGO_REV; optional;
               ~530 packages: metadata, tree and lock rows, not builds)

Usage: benches/real_world.py [--rounds N] [--only ROW,...] [--projects P,...]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MANIFESTS = {
    "cargo-lib": '[dependencies]\ncargo = "=0.96.0"\n',
    "rg-crates": '[dependencies]\ngrep = "0.3"\nignore = "0.4"\nglobset = "0.4"\n',
    "web": (
        '[dependencies]\ntokio = { version = "1", features = ["full"] }\n'
        'reqwest = "0.12"\nserde = { version = "1", features = ["derive"] }\n'
        'clap = { version = "4", features = ["derive"] }\n'
    ),
}

ROWS = ["noop-build", "metadata", "tree", "metadata-unrecorded", "tree-unrecorded", "lock-offline",
        "cold-fetch", "clean-build", "build-then-test"]


def run(cmd, cwd, env, quiet=True):
    """Run `cmd`; return (seconds, peak RSS in KiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def must(cmd, cwd, env):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)} in {cwd}\n{r.stderr}")
    return r


def make_project(work, name):
    d = os.path.join(work, "projects", name)
    if name in MANIFESTS:
        os.makedirs(os.path.join(d, "src"), exist_ok=True)
        with open(os.path.join(d, "Cargo.toml"), "w") as f:
            f.write(f'[package]\nname = "bench-{name}"\nversion = "0.1.0"\nedition = "2024"\nrust-version = "1.95"\n\n')
            f.write(MANIFESTS[name])
        with open(os.path.join(d, "src", "lib.rs"), "w") as f:
            f.write("")
        # A lock from an older manifest would pin what this one does not ask.
        lock = os.path.join(d, "Cargo.lock")
        if os.path.exists(lock):
            os.remove(lock)
        return d
    var = {"ripgrep": "RIPGREP", "serde": "SERDE", "cargo-ws": "CARGO"}[name]
    git = os.environ.get(f"{var}_GIT")
    if not git:
        return None
    # `RIPGREP_REV`/`SERDE_REV`: a tag the toolchain can build (default HEAD).
    rev = os.environ.get(f"{var}_REV", "HEAD")
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d, exist_ok=True)
    archive = subprocess.run(["git", "--git-dir", git, "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", d], input=archive.stdout, check=True)
    return d


def measure(label, tools, cwd, env, rounds, prepare=None, args=()):
    """Alternate the tools for `rounds` rounds; print medians and ratios."""
    res = {name: ([], []) for name, _ in tools}
    for rnd in range(rounds):
        order = tools if rnd % 2 == 0 else list(reversed(tools))
        for name, exe in order:
            if prepare:
                prepare(name)
            t, rss, code = run([exe, *args], cwd(name), env(name))
            if code != 0:
                print(f"  {label}: {name} exited {code}", file=sys.stderr)
            res[name][0].append(t)
            res[name][1].append(rss)
    (ct, cr), (mt, mr) = [(statistics.median(res[n][0]), statistics.median(res[n][1])) for n in ("cargo", "mycargo")]
    print(
        f"{label:<28} cargo {ct*1000:9.1f} ms {cr/1024:7.1f} MiB | mycargo {mt*1000:9.1f} ms "
        f"{mr/1024:7.1f} MiB | time {mt/ct:5.2f}x  rss {mr/cr:5.2f}x",
        flush=True,
    )
    return mt / ct, mr / cr


def rebuilt_units(exe, d, env):
    """`build` then `test --no-run`: how many units the second compiles."""
    r = subprocess.run([exe, "test", "--no-run"], cwd=d, env=env, capture_output=True, text=True)
    return sum(1 for l in r.stderr.splitlines() if l.strip().startswith("Compiling"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--only", default=",".join(ROWS))
    ap.add_argument("--projects", default="cargo-lib,rg-crates,web,ripgrep,serde")
    ap.add_argument("--work", default=os.path.expanduser("~/.cache/mycargo-bench"))
    a = ap.parse_args()
    rows = a.only.split(",")

    cargo = subprocess.run(["rustup", "which", "cargo"], capture_output=True, text=True).stdout.strip()
    mycargo = os.path.join(ROOT, "target", "release", "mycargo")
    if not os.path.exists(mycargo):
        subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    tools = [("cargo", cargo), ("mycargo", mycargo)]
    os.makedirs(a.work, exist_ok=True)
    home = os.path.join(a.work, "cargo-home")
    base_env = dict(os.environ)
    base_env.pop("CARGO_HTTP_CAINFO", None)
    base_env["CARGO_HOME"] = home
    base_env["RUSTUP_HOME"] = os.environ.get("RUSTUP_HOME", os.path.expanduser("~/.rustup"))
    # What the rustup proxy would set: a crate's own `rust-toolchain.toml`
    # must not switch the compiler under the tools.
    active = subprocess.run(["rustup", "show", "active-toolchain"], capture_output=True, text=True)
    base_env["RUSTUP_TOOLCHAIN"] = active.stdout.split()[0] if active.stdout.split() else "stable"

    projects = {}
    for p in a.projects.split(","):
        d = make_project(a.work, p)
        if d:
            projects[p] = d
    # The shared CARGO_HOME sees every project first, as a user's has.
    for p, d in projects.items():
        must([cargo, "fetch"], d, base_env)

    for p, d in projects.items():
        print(f"== {p}", flush=True)
        # Each tool builds in its own target dir (their layouts differ).
        twins = {}
        for name, exe in tools:
            t = d + f"-{name}"
            # A fresh copy of the project, keeping the tool's target dir
            # of an earlier run (a clean build of cargo-lib takes minutes).
            kept = t + ".target-kept"
            if os.path.exists(os.path.join(t, "target")):
                shutil.rmtree(kept, ignore_errors=True)
                os.rename(os.path.join(t, "target"), kept)
            if os.path.exists(t):
                shutil.rmtree(t)
            shutil.copytree(d, t, ignore=shutil.ignore_patterns("target"))
            if os.path.exists(kept):
                os.rename(kept, os.path.join(t, "target"))
            twins[name] = t
        cwd = lambda n: twins[n]
        env = lambda n: base_env
        if "noop-build" in rows:
            for name, exe in tools:
                must([exe, "build", "-q"], twins[name], base_env)
            measure("no-op build", tools, cwd, env, a.rounds, args=("build", "-q"))
        if "metadata" in rows:
            measure("metadata", tools, cwd, env, a.rounds, args=("metadata", "--format-version", "1"))
        if "tree" in rows:
            measure("tree", tools, cwd, env, a.rounds, args=("tree",))
        # The same without mycargo's no-op record (its first run after a
        # change): the resolve itself.
        def rm_record(name):
            shutil.rmtree(os.path.join(twins[name], "target", ".mycargo"), ignore_errors=True)
        if "metadata-unrecorded" in rows:
            measure("metadata, no record", tools, cwd, env, a.rounds, prepare=rm_record,
                    args=("metadata", "--format-version", "1"))
        if "tree-unrecorded" in rows:
            measure("tree, no record", tools, cwd, env, a.rounds, prepare=rm_record, args=("tree",))
        if "lock-offline" in rows:
            def rm_lock(name):
                lock = os.path.join(twins[name], "Cargo.lock")
                if os.path.exists(lock):
                    os.remove(lock)
            measure("generate-lockfile --offline", tools, cwd, env, a.rounds, prepare=rm_lock,
                    args=("generate-lockfile", "--offline"))
            # Put back a lock both agree on.
            must([cargo, "generate-lockfile", "--offline"], twins["cargo"], base_env)
            shutil.copy(os.path.join(twins["cargo"], "Cargo.lock"), os.path.join(twins["mycargo"], "Cargo.lock"))
        if "cold-fetch" in rows:
            cold = {n: tempfile.mkdtemp(prefix=f"cold-{n}-") for n, _ in tools}

            def empty_home(name):
                shutil.rmtree(cold[name], ignore_errors=True)
                os.makedirs(cold[name])

            cold_env = lambda n: {**base_env, "CARGO_HOME": cold[n]}
            measure("cold fetch", tools, cwd, cold_env, max(3, a.rounds // 2), prepare=empty_home, args=("fetch",))
            for c in cold.values():
                shutil.rmtree(c, ignore_errors=True)
        if "clean-build" in rows:
            def rm_target(name):
                shutil.rmtree(os.path.join(twins[name], "target"), ignore_errors=True)
            measure("clean build", tools, cwd, env, max(3, a.rounds // 3), prepare=rm_target, args=("build", "-q"))
        if "build-then-test" in rows:
            for name, exe in tools:
                must([exe, "build", "-q"], twins[name], base_env)
                n = rebuilt_units(exe, twins[name], base_env)
                print(f"  build then test --no-run: {name} compiles {n} units", flush=True)


if __name__ == "__main__":
    main()
