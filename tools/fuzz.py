#!/usr/bin/python3
"""System-call fuzzing at scale: many seeds of `ktest fuzz N SEED` in parallel QEMU instances.

    tools/fuzz.py --build BUILD [--target T ...] [--calls N] [--seeds K | --seed S ...]
                  [--first-seed S] [--jobs J] [--out DIR] [--timeout SECONDS]

Each run boots the kernel, sigma0 and ktest as the root task (the same boot as the CTest
<target>-fuzz scenario) and ktest issues N random system calls from a fuzz thread (apps/ktest/
fuzz.cc). A run passes when ktest says the kernel is alive after all N calls, no sampled failed
call changed anything, every byte of kernel memory the fuzz world cost came back, and no line
of the kernel says it panicked. Each run's console log is kept in OUT/<target>/seed-S.log; a
summary line per run goes to the terminal and OUT/summary.txt, and a failing run prints the
command that replays it (the same seed gives the same calls).

Exit status: 0 when every run passed, 1 otherwise, 2 for bad arguments.
"""

import argparse
import concurrent.futures as futures
import os
import re
import shlex
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(REPO, "tools", "qemu-run.py")
sys.path.insert(0, os.path.join(REPO, "tools"))
from qemu import targets as target_table  # noqa: E402  (after the path is set)


RE_SUMMARY = re.compile(r"^FUZZ: (\d+) calls in (\d+) ms; (\d+) faults, (\d+) refused, "
                        r"(\d+) exceptions, (\d+) resumes, (\d+) aborts")
RE_CHECKED = re.compile(r"^FUZZ: (\d+) failed calls checked, (\d+) changed what they must not")
RE_MEMORY = re.compile(r"^FUZZ: kernel memory charged to us: (\d+) bytes before the fuzz world, "
                       r"(\d+) after")
RE_ALIVE = re.compile(r"^FUZZ: (\d+) calls, kernel alive")
RE_STUCK = re.compile(r"^FUZZ: fuzz thread stuck after (\d+) calls")
RE_PANIC = re.compile(r"\[arc\] panic|KERNEL PANIC|kernel exception")


def runner_command(build, target, calls, seed, log, timeout):
    d = os.path.join(build, target)
    return [sys.executable, RUNNER, "--target", target, "--timeout", str(timeout), "--log", log,
            "--kernel", os.path.join(d, "kernel", "arc-kernel"),
            "--module", os.path.join(d, "servers", "sigma0", "sigma0"),
            "--module", f"{os.path.join(d, 'apps', 'ktest', 'ktest')} fuzz {calls} {seed}",
            "--expect", f"^FUZZ: {calls} calls, kernel alive", "--exit-status", "0"]


def parse_log(text):
    """What a run's console says: a dict of figures and the reason it failed (None: passed)."""
    r = {"calls": 0, "ms": 0, "refused": 0, "checked": 0, "changed": None, "leak": None,
         "alive": False, "stuck": False, "panic": False}
    for line in text.splitlines():
        if m := RE_SUMMARY.match(line):
            r["calls"], r["ms"], r["refused"] = int(m[1]), int(m[2]), int(m[4])
        elif m := RE_CHECKED.match(line):
            r["checked"], r["changed"] = int(m[1]), int(m[2])
        elif m := RE_MEMORY.match(line):
            r["leak"] = int(m[2]) - int(m[1])
        elif RE_ALIVE.match(line):
            r["alive"] = True
        elif RE_STUCK.match(line):
            r["stuck"] = True
        if RE_PANIC.search(line):
            r["panic"] = True
    return r


def verdict(r, calls, runner_rc):
    if r["panic"]:
        return "kernel panic"
    if r["stuck"]:
        return "fuzz thread stuck"
    if r["changed"] is None or r["leak"] is None:
        return "no summary (hung or crashed)"
    if r["changed"]:
        return f"{r['changed']} failed calls changed state"
    if r["leak"]:
        return f"kernel memory leak of {r['leak']} bytes"
    if not r["alive"] or r["calls"] != calls:
        return "kernel check failed"
    if runner_rc != 0:
        return f"runner failed (exit {runner_rc})"
    return None


def run_one(build, target, calls, seed, out, timeout):
    log = os.path.join(out, target, f"seed-{seed}.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    cmd = runner_command(build, target, calls, seed, log, timeout)
    t0 = time.monotonic()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.monotonic() - t0
    try:
        with open(log, errors="replace") as f:
            text = f.read()
    except OSError:
        text = ""
    r = parse_log(text)
    r.update(target=target, seed=seed, wall=wall, log=log, cmd=cmd,
             why=verdict(r, calls, rc))
    return r


def line_of(r):
    status = "ok" if r["why"] is None else f"FAIL ({r['why']})"
    rate = r["calls"] / (r["ms"] / 1000) if r["ms"] else 0
    return (f"{r['target']:<22} seed {r['seed']:<10} {r['calls']:>9} calls {r['ms'] / 1000:7.1f} s "
            f"guest ({rate:7.0f}/s)  {r['checked']:>6} checked  {r['refused']:>4} refused  "
            f"leak {r['leak'] if r['leak'] is not None else '?':>3}  {status}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="the build directory (tools/arc's build/)")
    ap.add_argument("--target", action="append", help="boot target (repeatable; default: every "
                    "board QEMU runs)")
    ap.add_argument("--calls", type=int, default=1000000, help="system calls per run")
    ap.add_argument("--seeds", type=int, default=10, help="how many seeds per target")
    ap.add_argument("--first-seed", type=int, default=1, help="the first of --seeds seeds")
    ap.add_argument("--seed", type=int, action="append", help="exactly these seeds (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="QEMU instances at once")
    ap.add_argument("--out", help="where logs and the summary go (default BUILD/fuzz)")
    ap.add_argument("--timeout", type=int, help="per run, seconds (default from --calls)")
    a = ap.parse_args(argv)
    if a.calls <= 0 or a.seeds <= 0 or a.jobs <= 0:
        ap.error("--calls, --seeds and --jobs must be positive")
    targets = []
    for t in a.target or target_table.bootable():   # the QEMU boards (not the BeagleBoard)
        try:
            targets.append(target_table.lookup(t))
        except target_table.SetupError as e:
            ap.error(str(e))
    seeds = a.seed or list(range(a.first_seed, a.first_seed + a.seeds))
    out = os.path.abspath(a.out or os.path.join(a.build, "fuzz"))
    # About 10,000 calls a second under TCG; a stuck run ends itself after 3 s of no progress.
    timeout = a.timeout or 120 + a.calls // 2000
    build = os.path.abspath(a.build)
    for t in targets:
        k = os.path.join(build, t, "apps", "ktest", "ktest")
        if not os.path.exists(k):
            ap.error(f"{k} is missing: build {t} first (tools/arc fuzz builds)")
    os.makedirs(out, exist_ok=True)
    runs = [(t, s) for t in targets for s in seeds]
    print(f"fuzz: {len(runs)} runs ({len(targets)} targets x {len(seeds)} seeds) of {a.calls} calls, "
          f"{a.jobs} at a time; logs in {out}", flush=True)
    results = []
    with futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        pending = [pool.submit(run_one, build, t, a.calls, s, out, timeout) for t, s in runs]
        for f in futures.as_completed(pending):
            r = f.result()
            results.append(r)
            print(line_of(r), flush=True)
    results.sort(key=lambda r: (targets.index(r["target"]), r["seed"]))
    failed = [r for r in results if r["why"] is not None]
    lines = [f"# tools/arc fuzz --calls {a.calls}, seeds {seeds[0]}..{seeds[-1]}"
             if not a.seed else f"# tools/arc fuzz --calls {a.calls}, seeds {' '.join(map(str, seeds))}"]
    lines += [line_of(r) for r in results]
    for t in targets:
        mine = [r for r in results if r["target"] == t]
        total = sum(r["calls"] for r in mine)
        bad = sum(r["why"] is not None for r in mine)
        lines.append(f"total {t}: {len(mine)} seeds, {total} calls, {sum(r['checked'] for r in mine)} "
                     f"failed calls checked, {bad} failed")
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[-len(targets):]))
    for r in failed:
        print(f"fuzz: {r['target']} seed {r['seed']} failed: {r['why']}; log {r['log']}")
        print("  replay: " + " ".join(shlex.quote(c) for c in r["cmd"]))
    print(f"fuzz: {len(results) - len(failed)} of {len(results)} runs passed; summary in "
          f"{os.path.join(out, 'summary.txt')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
