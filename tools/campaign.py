#!/usr/bin/python3
"""Fault-injection campaigns: many QEMU runs of Arc, each with one mutation of a server's code,
classified from outside QEMU (docs/fault-injection.md). Called by `tools/arc campaign`.

    campaign.py run --target ia32-pc --server ext2 --types all --mode both --runs 100 --seed 1
    campaign.py replay OUT RUN [--gdb]        boot one run again, console on this terminal
    campaign.py report OUT                    write OUT/report.md and the plots again
    campaign.py emit-jobs OUT                 the runs as shell commands (GNU parallel, Slurm)
    campaign.py run-one OUT RUN               one run of a planned campaign (what emit-jobs lists)
    campaign.py merge OUT DIR...              join the results of several campaign folders
    campaign.py publish OUT DEST              copy the record of a campaign (no run folders) to DEST

Runs live in OUT (default build/campaigns/<target>-<server>-<mode>-s<seed>): plan.jsonl (every
run: its mutation id, address, bytes), results.jsonl (one line per finished run, appended as runs
end, so an interrupted campaign resumes where it stopped), runs/NNNN/ (serial log, boot.cfg,
QEMU command), report.md and the SVG plots.

Debian's /usr/bin/python3: pexpect and matplotlib come from Debian packages (tools/arc installs
them).
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fi import report, workloads  # noqa: E402
from fi.classify import OUTCOMES  # noqa: E402

REPO = workloads.REPO
TYPES = ["assignment", "conditional", "initialization", "off-by-one"]
# Not bug models: a trap or a branch to itself at a function's first instruction, for tests and
# demos (--types crash, --types hang).
EXTRA_TYPES = ["crash", "hang"]
MODES = ["install", "load"]


def die(msg):
    print("campaign: error: %s" % msg, file=sys.stderr)
    sys.exit(1)


def say(msg):
    print("campaign: %s" % msg, file=sys.stderr, flush=True)


# --- the mutator ----------------------------------------------------------------------------------

def mutator(build):
    path = os.path.join(build, "tools", "mutate", "arc-mutate")
    if not os.path.isfile(path):
        die("%s is missing: build first (tools/arc campaign builds it)" % path)
    return path


def mutate(build, *args):
    r = subprocess.run([mutator(build)] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode:
        die("arc-mutate %s: %s" % (args[0], r.stderr.decode().strip()))
    return [json.loads(l) for l in r.stdout.decode().splitlines() if l.strip()]


def server_elf(build, target, server):
    return os.path.join(build, target, workloads.PROGRAMS[server])


_hashes = {}


def image_hash(path):
    """The mutator's image hash (tools/mutate/elf_code.cc: the first 8 hex digits of FNV-1a 64
    of the file), which starts every mutation id. Cached per file version."""
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    if key not in _hashes:
        h = 0xcbf29ce484222325
        with open(path, "rb") as f:
            for b in f.read():
                h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        _hashes[key] = "%016x" % h
    return _hashes[key][:8]


def check_image(build, spec):
    """A planned run applies to the build it was planned on: a load-time fault names an address
    and bytes, which mean nothing in a rebuilt program."""
    elf = server_elf(build, spec["target"], spec["server"])
    if image_hash(elf) != spec["id"].split("-", 1)[0]:
        die("%s changed since the campaign was planned (its mutation ids are for image %s, it is "
            "now %s): start a new campaign (--fresh or another --out)" % (
                elf, spec["id"].split("-", 1)[0], image_hash(elf)))


# --- planning -------------------------------------------------------------------------------------

def plan_runs(args):
    """The runs of a campaign: for each fault type, `runs` site variants drawn with the seed from
    the mutator's list; the same mutations in each mode, so install and load time compare pair by
    pair. Deterministic: the same arguments and binary give the same plan."""
    elf = server_elf(args.build, args.target, args.server)
    runs, n = [], 0
    for t in args.types:
        sites = mutate(args.build, "sites", elf, "--scope", args.scope, "--type", t)
        if args.function:
            sites = [s for s in sites if re.search(args.function, s["function"])]
        rng = random.Random("%s-%s-%s" % (args.seed, args.server, t))
        chosen = rng.sample(sites, min(args.runs, len(sites)))
        chosen.sort(key=lambda s: (int(s["addr"], 16), s["variant"]))
        if len(sites) < args.runs:
            say("%s: only %d %s sites (of %d wanted): all taken" % (args.server, len(sites), t, args.runs))
        for mode in args.modes:
            for s in chosen:
                runs.append({"run": n, "target": args.target, "server": args.server,
                             "workload": args.workload, "mode": mode, "type": t, "id": s["id"],
                             "addr": s["addr"], "isa": s["isa"], "function": s["function"],
                             "before": s["before"], "after": s["after"], "mutated_bytes": s["mutated"]})
                n += 1
    return runs


def fault_value(spec):
    addr = int(spec["addr"], 16) | (1 if spec["isa"] == "thumb" else 0)
    if spec["mode"] == "load":
        return "0x%08x:%s" % (addr, spec["mutated_bytes"])
    return "0x%08x" % addr


# --- running --------------------------------------------------------------------------------------

def run_dir(out, n):
    return os.path.join(out, "runs", "%05d" % n)


def prepare_run(build, spec, d):
    """A fresh folder d for one run of spec: the boot key's value, and for install time the
    mutated program (named as the original: the root task finds modules by name)."""
    check_image(build, spec)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    s = dict(spec)
    s["fault"] = fault_value(spec)
    if spec["mode"] == "install":
        elf = server_elf(build, spec["target"], spec["server"])
        s["mutated"] = os.path.join(d, os.path.basename(elf))
        mutate(build, "apply", elf, spec["id"], "-o", s["mutated"])
    return s


def execute_run(meta, spec, timeout):
    from fi import run as fi_run
    d = run_dir(meta["out"], spec["run"])
    s = prepare_run(meta["build"], spec, d)
    rec = dict(spec)
    try:
        rec.update(fi_run.execute(s, meta["build"], d, timeout))
    except fi_run.RunError as e:
        die("run %d: %s" % (spec["run"], e))
    rec["replay"] = "tools/arc campaign replay %s %d" % (os.path.relpath(meta["out"], REPO), spec["run"])
    with open(os.path.join(d, "result.json"), "w") as f:
        json.dump(rec, f)
    # Only the log of runs worth reading again is kept: a clean run's folder would make a
    # campaign of thousands fill the disk.
    if rec["outcome"] in ("not-activated", "no-effect", "recovered") and not meta.get("keep"):
        for name in os.listdir(d):
            if name not in ("result.json", "serial.log", "boot.cfg", "command"):
                os.unlink(os.path.join(d, name))
    return rec


def golden(meta, args):
    """A run without a fault first: the workload must pass, or no result would mean anything.
    Its time sets the runs' timeout."""
    from fi import run as fi_run
    d = os.path.join(meta["out"], "golden")
    spec = {"target": args.target, "server": args.server, "workload": args.workload, "fault": None}
    try:
        rec = fi_run.execute(spec, args.build, d, 120)
    except fi_run.RunError as e:
        die("golden run: %s" % e)
    if rec["outcome"] != "not-activated":
        die("the golden run (no fault) failed: %s, %s; see %s/serial.log" % (rec["outcome"], rec["check"], d))
    say("golden run: %.1f s, %s" % (rec["seconds"], rec["check"]))
    return rec["seconds"]


def load_results(out):
    """The finished runs (by run number); a line cut by an interruption is run again."""
    return {r["run"]: r for r in report.read_jsonl(os.path.join(out, "results.jsonl")) if "run" in r}


def read_plan(out):
    return report.read_jsonl(os.path.join(out, "plan.jsonl"))


def run_campaign(args):
    out = args.out
    os.makedirs(out, exist_ok=True)
    params = {k: getattr(args, k) for k in ("target", "server", "workload", "types", "modes", "runs",
                                             "seed", "scope", "function")}
    meta_path = os.path.join(out, "campaign.json")
    elf = server_elf(args.build, args.target, args.server)
    with open(elf, "rb") as f:
        params["image"] = "%s (%d bytes)" % (os.path.relpath(elf, REPO), len(f.read()))
    if os.path.isfile(meta_path):
        with open(meta_path) as f:
            old = json.load(f)
        if old["params"] != params:
            die("%s holds another campaign (%s); choose another --out" % (out, old["params"]))
        plan = read_plan(out)
        say("resuming the campaign in %s" % out)
    else:
        plan = plan_runs(args)
        with open(os.path.join(out, "plan.jsonl"), "w") as f:
            for r in plan:
                f.write(json.dumps(r) + "\n")
    meta = {"out": out, "build": args.build}
    done = load_results(out)
    pending = [r for r in plan if r["run"] not in done]
    if not os.path.isfile(meta_path):
        g = golden(meta, args)
        timeout = args.timeout or max(30.0, 3 * g + 20)
        with open(meta_path, "w") as f:
            json.dump({"params": params, "timeout": timeout, "golden_seconds": g}, f, indent=1)
    else:
        with open(meta_path) as f:
            timeout = args.timeout or json.load(f)["timeout"]
    say("%d runs planned, %d done, %d to go; %d at a time, timeout %.0f s" %
        (len(plan), len(done), len(pending), args.jobs, timeout))
    t0 = time.time()
    finished = 0
    results = open(os.path.join(out, "results.jsonl"), "a")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(execute_run, meta, spec, timeout): spec for spec in pending}
            try:
                for fut in concurrent.futures.as_completed(futures):
                    rec = fut.result()
                    # Only this thread writes results: the workers return theirs.
                    results.write(json.dumps(rec) + "\n")
                    results.flush()
                    os.fsync(results.fileno())
                    finished += 1
                    rate = finished / max(time.time() - t0, 1e-6) * 3600
                    left = (len(pending) - finished) / max(rate, 1e-6) * 60
                    line = "campaign: %d/%d runs (last: %s), %.0f runs/hour, %.0f min left" % (
                        len(done) + finished, len(plan), rec["outcome"], rate, left)
                    # On a terminal one line that updates; in a log a line every 5 % of the runs.
                    if sys.stderr.isatty():
                        print("\r" + line + "   ", end="", file=sys.stderr, flush=True)
                    elif finished % max(1, len(pending) // 20) == 0 or finished == len(pending):
                        print(line, file=sys.stderr, flush=True)
            except KeyboardInterrupt:
                # Runs not started yet are dropped; the ones under way finish (a few seconds)
                # and are lost, to be run again on resuming.
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    except KeyboardInterrupt:
        print(file=sys.stderr)
        say("interrupted: finished runs are kept; the same command resumes")
        raise SystemExit(130)
    finally:
        results.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    elapsed = time.time() - t0
    if pending:
        say("%d runs in %.0f s: %.0f runs/hour" % (len(pending), elapsed, len(pending) / elapsed * 3600))
    with open(meta_path) as f:
        m = json.load(f)
    if pending:
        m["runs_per_hour"] = round(len(pending) / elapsed * 3600)
        m["jobs"] = args.jobs
        with open(meta_path, "w") as f:
            json.dump(m, f, indent=1)
    report.write(out)
    say("report: %s" % os.path.join(out, "report.md"))
    return check_requirements(args, plan, load_results(out))


def check_requirements(args, plan, results):
    """--require MODE:OUTCOME[|OUTCOME] (every run of that mode, or of every mode for '*') and
    --forbid OUTCOME,...: for tests that assert outcome classes. 0 when all hold, else 1 with
    each broken one said."""
    broken = []
    if len(results) != len(plan):
        broken.append("%d of %d runs have a result" % (len(results), len(plan)))
    for req in args.require or []:
        mode, _, outcomes = req.partition(":")
        allowed = outcomes.split("|")
        for r in sorted(results.values(), key=lambda r: r["run"]):
            if (mode in ("*", r["mode"])) and r["outcome"] not in allowed:
                broken.append("run %d (%s, %s at %s): %s (%s), wanted %s" % (
                    r["run"], r["mode"], r["type"], r["addr"], r["outcome"], r["reason"], " or ".join(allowed)))
    for req in getattr(args, "require_restart", None) or []:
        mode, _, kind = req.partition(":")
        for r in sorted(results.values(), key=lambda r: r["run"]):
            if mode in ("*", r["mode"]) and kind not in (r.get("restarts") or []):
                broken.append("run %d (%s, %s at %s): no %s restart (restarts: %s)" % (
                    r["run"], r["mode"], r["type"], r["addr"], kind, ", ".join(r.get("restarts") or []) or "none"))
    forbidden = set((args.forbid or "").split(",")) - {""}
    for r in sorted(results.values(), key=lambda r: r["run"]):
        if r["outcome"] in forbidden:
            broken.append("run %d (%s, %s %s at %s): %s: %s; replay: %s" % (
                r["run"], r["mode"], r["type"], r["id"], r["addr"], r["outcome"], r["reason"], r["replay"]))
    for b in broken:
        say("FAIL " + b)
    if args.require or args.forbid or getattr(args, "require_restart", None):
        say("%d runs checked: %s" % (len(results), "all as required" if not broken else "%d problems" % len(broken)))
    return 1 if broken else 0


# --- the other commands ---------------------------------------------------------------------------

def find_run(out, n):
    plan = read_plan(out)
    for r in plan:
        if r["run"] == n:
            return r
    die("no run %d in %s" % (n, out))


def cmd_replay(args):
    from fi import run as fi_run
    spec = find_run(args.out, args.run)
    d = os.path.join(args.out, "replay")
    s = prepare_run(args.build, spec, d)
    say("run %d: %s %s at %s in %s (%s -> %s), %s time" % (spec["run"], spec["type"], spec["id"], spec["addr"],
                                                           spec["function"], spec["before"], spec["after"], spec["mode"]))
    if args.gdb:
        say("QEMU waits for gdb on :1234: gdb -ex 'symbol-file %s' -ex 'target remote :1234'" %
            server_elf(args.build, spec["target"], spec["server"]))
    if sys.stdin.isatty():
        say("console on this terminal; leave QEMU with Ctrl-A x")
        rc = fi_run.execute(s, args.build, d, 0, interactive=True, extra=["-s", "-S"] if args.gdb else [])
        sys.exit(rc)
    rec = fi_run.execute(s, args.build, d, args.timeout or 60)
    print(json.dumps(rec))


def cmd_run_one(args):
    spec = find_run(args.out, args.run)
    with open(os.path.join(args.out, "campaign.json")) as f:
        timeout = json.load(f)["timeout"]
    rec = execute_run({"out": args.out, "build": args.build}, spec, timeout)
    print(json.dumps(rec))


def cmd_emit_jobs(args):
    """One shell command per run still to do; each writes runs/NNNN/result.json, which `merge`
    collects. For GNU parallel: `campaign.py emit-jobs OUT | parallel -S host1,host2 --wd ...`;
    for a Slurm array, line $SLURM_ARRAY_TASK_ID of the file."""
    done = load_results(args.out)
    for r in read_plan(args.out):
        if r["run"] not in done:
            print("tools/arc campaign run-one %s %d" % (args.out, r["run"]))


def cmd_publish(args):
    """Copy a campaign's record (parameters, plan, results, report, plots; not the run folders)
    to DEST, e.g. docs/campaigns/NAME, with replay commands that name DEST. Replaying needs a
    build of the same commit: the mutation ids carry the program's image hash."""
    os.makedirs(args.dest, exist_ok=True)
    for name in ("campaign.json", "plan.jsonl", "report.md", "outcomes.svg", "recovery.svg"):
        if os.path.isfile(os.path.join(args.out, name)):
            shutil.copyfile(os.path.join(args.out, name), os.path.join(args.dest, name))
    dest = os.path.relpath(os.path.abspath(args.dest), REPO)
    with open(os.path.join(args.dest, "results.jsonl"), "w") as f:
        for r in sorted(load_results(args.out).values(), key=lambda r: r["run"]):
            r["replay"] = "tools/arc campaign replay %s %d" % (dest, r["run"])
            f.write(json.dumps(r, sort_keys=True) + "\n")
    report.write(args.dest)
    say("published %s to %s" % (args.out, args.dest))


def cmd_merge(args):
    os.makedirs(args.out, exist_ok=True)
    merged, plans, params = {}, {}, None
    for d in args.dirs:
        with open(os.path.join(d, "campaign.json")) as f:
            m = json.load(f)
        if params is None:
            params = m
        for r in read_plan(d):
            plans[(r["target"], r["server"], r["mode"], r["id"])] = r
        recs = list(load_results(d).values())
        runs = os.path.join(d, "runs")
        for name in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
            p = os.path.join(runs, name, "result.json")
            if os.path.isfile(p):
                with open(p) as f:
                    recs.append(json.load(f))
        for r in recs:
            merged[(r["target"], r["server"], r["mode"], r["id"])] = r
    keys = sorted(merged, key=lambda k: (k[0], k[1], k[2], k[3]))
    with open(os.path.join(args.out, "plan.jsonl"), "w") as pf, \
            open(os.path.join(args.out, "results.jsonl"), "w") as rf:
        for n, k in enumerate(sorted(plans)):
            p = dict(plans[k], run=n)
            pf.write(json.dumps(p) + "\n")
            if k in merged:
                rf.write(json.dumps(dict(merged[k], run=n)) + "\n")
    params = dict(params or {}, merged_from=args.dirs)
    with open(os.path.join(args.out, "campaign.json"), "w") as f:
        json.dump(params, f, indent=1)
    report.write(args.out)
    say("%d results from %d folders: %s" % (len(keys), len(args.dirs), os.path.join(args.out, "report.md")))


# --- arguments ------------------------------------------------------------------------------------

def main(argv):
    p = argparse.ArgumentParser(prog="tools/arc campaign", description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.path.join(REPO, "build"), help="the build tree (default build/)")
    sub = p.add_subparsers(dest="command")
    r = sub.add_parser("run", help="plan and run a campaign (resumes one in OUT)")
    r.add_argument("--target", default="ia32-pc")
    r.add_argument("--server", required=True, help="the server to mutate: %s" % ", ".join(workloads.DEFAULT_WORKLOAD))
    r.add_argument("--workload", help="%s (default: the server's)" % ", ".join(workloads.WORKLOADS))
    r.add_argument("--types", default="all", help="comma-separated fault types, or all: %s" % ", ".join(TYPES))
    r.add_argument("--mode", default="both", choices=["install", "load", "both"])
    r.add_argument("--runs", type=int, default=20, help="runs per fault type and mode (default 20)")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="QEMU instances at once (default: cores)")
    r.add_argument("--scope", default="own", choices=["own", "all"])
    r.add_argument("--function", help="only sites in functions whose (mangled) name matches this regex")
    r.add_argument("--timeout", type=float, help="seconds per run (default: from the golden run)")
    r.add_argument("--out", help="the campaign's folder")
    r.add_argument("--fresh", action="store_true", help="start over: remove OUT first (no resuming)")
    r.add_argument("--require", action="append", metavar="MODE:OUTCOME[|OUTCOME...]",
                   help="fail unless every run of MODE (install, load or *) ends so (tests; repeatable)")
    r.add_argument("--forbid", metavar="OUTCOME[,OUTCOME...]", help="fail if any run ends so (tests)")
    r.add_argument("--require-restart", action="append", metavar="MODE:KIND",
                   help="fail unless every run of MODE had a restart of KIND (hot, warm, swap, cold; "
                        "tests; repeatable)")
    for name, h in (("replay", "boot one run again with its console on this terminal"),
                    ("run-one", "one run of a planned campaign")):
        q = sub.add_parser(name, help=h)
        q.add_argument("out")
        q.add_argument("run", type=int)
        if name == "replay":
            q.add_argument("--gdb", action="store_true", help="QEMU waits for gdb on :1234")
            q.add_argument("--timeout", type=float)
    q = sub.add_parser("report", help="write the report of a campaign folder again")
    q.add_argument("out")
    q = sub.add_parser("emit-jobs", help="the runs still to do, one shell command a line")
    q.add_argument("out")
    q = sub.add_parser("publish", help="copy a campaign's record (no run folders) to DEST")
    q.add_argument("out")
    q.add_argument("dest")
    q = sub.add_parser("merge", help="join several campaign folders into OUT")
    q.add_argument("out")
    q.add_argument("dirs", nargs="+")
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help()
        return 2
    if args.command == "run":
        from fi import run as fi_run
        args.target = fi_run.targets.ALIASES.get(args.target, args.target)
        if args.target not in fi_run.TARGETS:
            die("unknown target %r (known: %s)" % (args.target, ", ".join(fi_run.TARGETS)))
        if args.server not in workloads.DEFAULT_WORKLOAD:
            die("unknown server %r (known: %s)" % (args.server, ", ".join(workloads.DEFAULT_WORKLOAD)))
        args.workload = args.workload or workloads.DEFAULT_WORKLOAD[args.server]
        wl = workloads.WORKLOADS.get(args.workload)
        if wl is None:
            die("unknown workload %r (known: %s)" % (args.workload, ", ".join(workloads.WORKLOADS)))
        if args.target not in wl.targets or args.server not in wl.servers:
            die("workload %s does not run %s on %s" % (args.workload, args.server, args.target))
        if args.server not in [s for s, _, _ in wl.lines(args.target)]:
            die("workload %s has no server %s on %s" % (args.workload, args.server, args.target))
        args.types = TYPES if args.types == "all" else args.types.split(",")
        for t in args.types:
            if t not in TYPES + EXTRA_TYPES:
                die("unknown fault type %r (known: %s)" % (t, ", ".join(TYPES + EXTRA_TYPES)))
        args.modes = MODES if args.mode == "both" else [args.mode]
        if args.runs < 1 or args.jobs < 1:
            die("--runs and --jobs must be at least 1")
        args.out = args.out or os.path.join(args.build, "campaigns", "%s-%s-%s-s%d" % (
            args.target, args.server, args.mode, args.seed))
        for k in args.require_restart or []:
            if k.partition(":")[2] not in ("hot", "warm", "swap", "cold", "group"):
                die("unknown restart kind in %r (known: hot, warm, swap, cold, group)" % k)
        for o in (args.forbid or "").split(",") + [x for r in args.require or [] for x in r.partition(":")[2].split("|")]:
            if o and o not in OUTCOMES:
                die("unknown outcome %r (known: %s)" % (o, ", ".join(OUTCOMES)))
        if args.fresh and os.path.isdir(args.out):
            shutil.rmtree(args.out)
        return run_campaign(args)
    elif args.command == "replay":
        cmd_replay(args)
    elif args.command == "run-one":
        cmd_run_one(args)
    elif args.command == "report":
        report.write(args.out)
        say("report: %s" % os.path.join(args.out, "report.md"))
    elif args.command == "emit-jobs":
        cmd_emit_jobs(args)
    elif args.command == "merge":
        cmd_merge(args)
    elif args.command == "publish":
        cmd_publish(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
