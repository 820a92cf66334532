#!/usr/bin/env python3
"""The disk benchmark (docs/benchmarks.md, "The disk path"): boots boot/configs/bench-disk.cfg
(ia32-pc: PATA) or bench-disk-ram.cfg (armv7-qemu-virt: the RAM disk) on the fixed benchmark
machine (qemu-run.py --bench-flags: -icount shift=0,sleep=off), where apps/bench/diskbench writes
and reads a 16 MiB file through ext2 on an empty 64 MiB ext2 (<build>/<target>/bench/disk.img).

The guest counts instructions per KiB (and MB/s at one instruction per nanosecond); this script
adds the host's wall time of the same passes: it follows the serial log while QEMU runs and
times the lines "DISKBENCH: <write|read> <round> begin/end" as they arrive (pexpect flushes the
log at every read). Afterwards the image must pass e2fsck -fn. Prints the figures as
`bench <arch> <name> <value> <unit>` lines, the format of tools/arc bench:

    diskbench.py --build BUILD --target ia32-pc|armv7-qemu-virt [--out FILE]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LINE = re.compile(r"^DISKBENCH: (write|read) (\d+) (begin|end)")


def modules(build, target):
    d = os.path.join(build, target)
    base = ["servers/sigma0/sigma0", "servers/root/root", "servers/pager/pager",
            "servers/names/names"]
    if target == "ia32-pc":
        mods = base + ["drivers/pata/pata", "servers/ext2/ext2", "apps/bench/diskbench",
                       "configs/bench-disk/boot.cfg"]
    else:
        mods = base + ["drivers/ramdisk/ramdisk", "servers/ext2/ext2", "apps/bench/diskbench",
                       "configs/bench-disk-ram/boot.cfg", "bench/disk.img"]
    return d, [os.path.join(d, m) for m in mods]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--target", default="ia32-pc", choices=["ia32-pc", "armv7-qemu-virt"])
    p.add_argument("--out", help="also write the figures to this file")
    p.add_argument("--timeout", default=900, type=float)
    a = p.parse_args(argv)
    arch = "ia32" if a.target == "ia32-pc" else "armv7"
    d, mods = modules(a.build, a.target)
    logs = os.path.join(a.build, "qemu-logs")
    os.makedirs(logs, exist_ok=True)
    log = os.path.join(logs, "bench-disk-%s.log" % a.target)
    image = os.path.join(logs, "bench-disk-%s.disk.img" % a.target)
    cmd = [sys.executable, os.path.join(ROOT, "tools", "qemu-run.py"), "--target", a.target,
           "--bench-flags", "--timeout", str(a.timeout), "--log", log,
           "--kernel", os.path.join(d, "kernel", "arc-kernel")]
    for m in mods:
        cmd += ["--module", m]
    if a.target != "ia32-pc":   # the RAM disk's place in memory, to save the image at the end
        cmd += ["--expect", r"^\[ramdisk\] image of \d+ sectors \((?P<disk_bytes>\d+) bytes\) at "
                            r"physical (?P<disk_phys>0x[0-9a-f]+): ready$"]
    cmd += ["--expect", r"^DISKBENCH: done, 0 errors$", "--fail", r"^DISKBENCH: ERROR",
            "--fail", r"process stopped", "--exit-status", "none"]
    if a.target == "ia32-pc":
        cmd += ["--disk-copy", os.path.join(d, "bench", "disk.img"), image]
    else:
        # relative to the build tree, where QEMU runs (as the ext2 tests do it)
        cmd += ["--monitor-at-end", "pmemsave ${disk_phys} ${disk_bytes} %s"
                % os.path.relpath(image, a.build)]
    if os.path.exists(log):
        os.unlink(log)
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=a.build)
    seen, started, wall = 0, {}, {}
    lines = []
    while True:
        done = child.poll() is not None
        if os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace", newline="") as f:
                f.seek(seen)
                chunk = f.read()
            cut = chunk.rfind("\n") + 1
            seen += len(chunk[:cut].encode("utf-8"))
            now = time.monotonic()
            for raw in chunk[:cut].splitlines():
                line = raw.rstrip("\r")
                lines.append(line)
                m = LINE.match(line)
                if m:
                    key = (m.group(1), int(m.group(2)))
                    if m.group(3) == "begin":
                        started[key] = now
                    elif key in started:
                        wall[key] = now - started[key]
        if done:
            break
        time.sleep(0.01)
    report = child.stdout.read().decode("utf-8", "replace")
    if child.returncode != 0:
        sys.stderr.write(report)
        sys.stderr.write("diskbench: the run failed (log %s)\n" % log)
        return 1
    out = [l for l in lines if l.startswith("bench %s disk_" % arch)]
    kib = None
    for l in lines:
        m = re.match(r"^DISKBENCH: (\d+) KiB, (\d+) rounds", l)
        if m:
            kib = int(m.group(1))
    for kind in ("write", "read"):
        times = [t for (k, r), t in wall.items() if k == kind and r > 0]
        if kib and times:
            secs = sum(times) / len(times)
            out.append("bench %s disk_%s_wall_mbps %d mbps" % (arch, kind, kib * 1024 / secs / 1e6))
    e2fsck = shutil.which("e2fsck") or shutil.which("e2fsck", path="/usr/sbin:/sbin") or "e2fsck"
    r = subprocess.run([e2fsck, "-fn", image], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode("utf-8", "replace"))
        sys.stderr.write("diskbench: e2fsck -fn %s is not clean\n" % image)
        return 1
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
