#!/usr/bin/python3
"""Linux measured beside Arc on the same benchmark machine (`tools/arc bench --compare linux`;
docs/benchmarks.md, "Linux side by side").

    linuxcmp.py measure --build BUILD
        Fetches Debian's 32-bit Linux kernel (a linux-image-*-686 package, i386) with apt into
        BUILD/linux-cmp/, builds tools/linuxcmp/init.c as the /init of an initramfs, boots both in
        QEMU with ia32-pc's benchmark flags (tools/qemu/targets.py) and writes the guest's
        `linux ia32 ...` lines to BUILD/bench-linux-ia32.txt (the whole console in
        BUILD/qemu-logs/bench-linux-ia32.log).
    linuxcmp.py compare ARC LINUX [-o OUT]
        The side-by-side table of Arc's figures (`bench ia32 ...` lines of ARC) and Linux's
        (LINUX), with the ratio Linux / Arc.

The kernel package: apt runs with a private state directory (BUILD/linux-cmp/apt/) that knows
only the i386 architecture, so the host's apt configuration and its list of architectures stay
untouched; the package is downloaded (`apt-get download`) and unpacked (`dpkg-deb -x`), never
installed. The .deb and the unpacked tree stay in BUILD/linux-cmp/ for the next run. Standard
library only.
"""

import argparse
import glob
import os
import re
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tools", "qemu"))
import targets  # noqa: E402

# The kernel the figures in docs/benchmarks.md were measured with. When apt no longer offers this
# version, the newest 686 image is taken instead (what the linux-image-686 metapackage depends
# on), and the run says so.
PREFERRED = ("linux-image-6.1.0-57-686", "6.1.192-3")
META = "linux-image-686"
TARGET = "ia32-pc"
# The console on the first serial port; `quiet` keeps the kernel's messages off it while the
# figures are taken; an init that ends or crashes panics, and panic=-1 resets at once, which
# -no-reboot turns into the end of the run.
CMDLINE = "console=ttyS0 quiet panic=-1"


def say(msg):
    print("linuxcmp: " + msg, file=sys.stderr, flush=True)


def die(msg):
    print("linuxcmp: error: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


# ---- the kernel package ---------------------------------------------------------------------

class Apt:
    """apt-get and apt-cache with a private state directory for i386 packages."""

    def __init__(self, state):
        self.state = state
        for d in ("lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(state, d), exist_ok=True)
        status = os.path.join(state, "status")
        if not os.path.exists(status):
            open(status, "w").close()
        self.opts = ["-q",
                     "-o", "APT::Architecture=i386", "-o", "APT::Architectures::=i386",
                     "-o", "Dir::State::Lists=" + os.path.join(state, "lists"),
                     "-o", "Dir::State::status=" + status,
                     "-o", "Dir::Cache=" + os.path.join(state, "cache"),
                     "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache="]
        if os.geteuid() == 0:
            # Root would hand downloads to the _apt user, who may not write into the build tree.
            self.opts += ["-o", "APT::Sandbox::User=root"]
        self.log = os.path.join(state, "apt.log")

    def run(self, tool, *args, cwd=None):
        r = subprocess.run([tool] + self.opts + list(args), cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive", LC_ALL="C"))
        out = r.stdout.decode("utf-8", "replace")
        with open(self.log, "a") as f:
            f.write("$ %s %s\n%s" % (tool, " ".join(args), out))
        return r.returncode, out

    def versions(self, package):
        """The versions apt offers of PACKAGE (none when it offers none)."""
        rc, out = self.run("apt-cache", "madison", package)
        if rc:
            return []
        return [line.split("|")[1].strip() for line in out.splitlines()
                if line.count("|") >= 2 and line.split("|")[0].strip() == package]

    def newest_image(self):
        """The newest 686 image: the one the metapackage's candidate depends on."""
        rc, out = self.run("apt-cache", "show", "--no-all-versions", META)
        if rc == 0:
            m = re.search(r"^Depends:.*?(linux-image-[0-9][^ ,]*-686) \(= ([^)]+)\)", out, re.M)
            if m:
                return m.group(1), m.group(2)
        # No metapackage: the highest ABI among the versioned image packages apt knows.
        rc, out = self.run("apt-cache", "pkgnames", "linux-image-")
        names = [n for n in out.split() if re.fullmatch(r"linux-image-[0-9.]+-[0-9]+-686", n)]
        key = lambda n: [int(x) for x in re.findall(r"[0-9]+", n)]  # noqa: E731
        for name in sorted(names, key=key, reverse=True):
            vs = self.versions(name)
            if vs:
                return name, vs[0]
        return None


def fetch_kernel(work):
    """The vmlinuz to boot, its package and version: downloaded and unpacked into WORK, or the
    copy a previous run left there when apt cannot be reached."""
    apt = Apt(os.path.join(work, "apt"))
    record = os.path.join(work, "kernel.txt")
    say("looking up %s (i386) with apt (log %s)" % (PREFERRED[0], apt.log))
    rc, out = apt.run("apt-get", "update")
    if rc:
        if os.path.exists(record):
            name, version, vmlinuz = open(record).read().split()
            say("apt-get update failed; using the kernel of the last run, %s %s" % (name, version))
            return vmlinuz, name, version
        die("apt-get update failed (see %s) and no kernel is cached in %s" % (apt.log, work))
    name, version = PREFERRED
    if version in apt.versions(name):
        say("picked %s %s (the kernel of docs/benchmarks.md)" % (name, version))
    else:
        picked = apt.newest_image()
        if not picked:
            die("apt offers no linux-image-*-686 package (see %s)" % apt.log)
        name, version = picked
        say("%s %s is no longer available: picked %s %s instead (the newest 686 image); the "
            "figures will differ from docs/benchmarks.md" % (PREFERRED + (name, version)))
    deb = os.path.join(work, "%s_%s_i386.deb" % (name, version.replace(":", "%3a")))
    if os.path.exists(deb):
        say("cached: %s" % deb)
    else:
        say("downloading %s=%s" % (name, version))
        rc, out = apt.run("apt-get", "download", "%s=%s" % (name, version), cwd=work)
        if rc or not os.path.exists(deb):
            die("apt-get download %s=%s failed (see %s)" % (name, version, apt.log))
    tree = deb[:-len(".deb")]
    if not glob.glob(os.path.join(tree, "boot", "vmlinuz-*")):
        shutil.rmtree(tree, ignore_errors=True)
        r = subprocess.run(["dpkg-deb", "-x", deb, tree])
        if r.returncode:
            die("dpkg-deb -x %s failed" % deb)
    found = glob.glob(os.path.join(tree, "boot", "vmlinuz-*"))
    if not found:
        die("no boot/vmlinuz-* in %s" % deb)
    with open(record, "w") as f:
        f.write("%s %s %s\n" % (name, version, found[0]))
    return found[0], name, version


# ---- the initramfs --------------------------------------------------------------------------

def build_init(work):
    """tools/linuxcmp/init.c, static for i686 without a C library (libgcc for 64-bit division)."""
    src, out = os.path.join(HERE, "init.c"), os.path.join(work, "init")
    try:
        libgcc = subprocess.run(["gcc", "-m32", "-print-libgcc-file-name"], check=True,
                                stdout=subprocess.PIPE).stdout.decode().strip()
    except (OSError, subprocess.CalledProcessError):
        die("no gcc that builds for -m32 (tools/arc installs gcc-multilib with g++-multilib)")
    cmd = ["gcc", "-m32", "-march=i686", "-static", "-nostdlib", "-ffreestanding", "-fno-pie",
           "-no-pie", "-O2", "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-Wall",
           "-Wextra", "-Wl,--build-id=none", "-o", out, src, libgcc]
    if subprocess.run(cmd).returncode:
        die("building %s failed" % src)
    return out


def cpio_newc(entries):
    """An initramfs (cpio, "newc" format) of (name, mode, data, rdev major, rdev minor) entries,
    owned by root, time stamp 0."""
    blob = bytearray()

    def pad():
        blob.extend(b"\0" * (-len(blob) % 4))
    for ino, (name, mode, data, major, minor) in enumerate(entries + [("TRAILER!!!", 0, b"", 0, 0)]):
        fields = (ino + 1 if name != "TRAILER!!!" else 0, mode, 0, 0, 1, 0, len(data), 0, 0,
                  major, minor, len(name) + 1, 0)
        blob += b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
        pad()
        blob += data
        pad()
    return bytes(blob)


def build_initramfs(work, init):
    # /dev/console must exist: the kernel opens it as init's standard input and output.
    entries = [("dev", 0o040755, b"", 0, 0), ("dev/console", 0o020600, b"", 5, 1),
               ("sys", 0o040755, b"", 0, 0),
               ("init", 0o100755, open(init, "rb").read(), 0, 0)]
    path = os.path.join(work, "initramfs.cpio")
    with open(path, "wb") as f:
        f.write(cpio_newc(entries))
    return path


# ---- the run --------------------------------------------------------------------------------

def measure(build, timeout):
    work = os.path.join(build, "linux-cmp")
    os.makedirs(work, exist_ok=True)
    vmlinuz, name, version = fetch_kernel(work)
    initrd = build_initramfs(work, build_init(work))
    logdir = os.path.join(build, "qemu-logs")
    os.makedirs(logdir, exist_ok=True)
    log = os.path.join(logdir, "bench-linux-ia32.log")
    out = os.path.join(build, "bench-linux-ia32.txt")
    if os.path.exists(out):
        os.remove(out)                   # no stale figures if this run fails
    t = targets.TARGETS[TARGET]
    cmd = [t["qemu"]] + targets.qemu_args(TARGET, bench=True) + \
        ["-kernel", vmlinuz, "-initrd", initrd, "-append", CMDLINE, "-serial", "stdio"]
    say("booting %s %s (log %s)" % (name, version, log))
    say(" ".join(cmd))
    with open(log, "wb") as f:
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            die("no power-off after %d s (see %s)" % (timeout, log))
    text = open(log, "rb").read().decode("utf-8", "replace").replace("\r", "")
    lines = [line for line in text.splitlines() if line.startswith("linux ia32 ")]
    if "linux ia32 done" not in lines:
        sys.stderr.write("\n".join(text.splitlines()[-20:]) + "\n")
        die("the measuring program did not finish (QEMU exit code %d; see %s)" % (r.returncode, log))
    lines = ["linux ia32 info package %s %s" % (name, version)] + \
        [line for line in lines if line != "linux ia32 done"]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    say("figures in %s" % out)
    print("\n".join(lines))


# ---- the table ------------------------------------------------------------------------------

# (what Arc does, its figure; what Linux does, its figure). Arc's restart figures are the first
# restart of a run; Linux's respawn is given both as its first and as the mean of many. The boot
# figures are time-stamp counts from power-on: under sleep=off a halted CPU's waits pass in the
# counter without instructions, and Linux's boot waits for seconds (docs/benchmarks.md).
PAIRS = [
    ("IPC call round trip, cross space", "ipc_call_rtt_cross_space",
     "pipe round trip, two processes", "pipe_rtt"),
    ("IPC call round trip, cross space", "ipc_call_rtt_cross_space",
     "futex round trip, two threads", "futex_rtt"),
    ("IPC call round trip, same space", "ipc_call_rtt_same_space",
     "futex round trip, two threads", "futex_rtt"),
    ("perfmon read (Arc's cheapest call)", "perfmon_read",
     "null system call (getppid)", "null_syscall"),
    ("hot restart, fault to Recover()", "hot_restart_to_recover",
     "crash to the new child's main()", "respawn"),
    ("hot restart, fault to replayed reply", "hot_restart_to_reply",
     "crash to the new child's main()", "respawn"),
    ("hot restart, fault to replayed reply", "hot_restart_to_reply",
     "the same, first respawn of the run", "respawn_first"),
    ("warm restart, fault to Recover()", "warm_restart_to_recover",
     "crash to the new child's main()", "respawn"),
    ("warm restart, fault to replayed reply", "warm_restart_to_reply",
     "crash to the new child's main()", "respawn"),
    ("power-on to the shell's prompt", "boot_to_prompt",
     "power-on to /init's main(), sleeps included", "boot_to_init"),
]


def read_figures(path, prefix):
    figures, info = {}, []
    for line in open(path):
        w = line.split()
        if len(w) >= 4 and " ".join(w[:2]) == prefix:
            if w[2] == "info":
                info.append(" ".join(w[3:]))
            elif len(w) == 5 and re.fullmatch(r"[0-9]+", w[3]):
                figures[w[2]] = int(w[3])
    return figures, info


def compare(arc_path, linux_path):
    arc, _ = read_figures(arc_path, "bench ia32")
    linux, info = read_figures(linux_path, "linux ia32")
    rows = [("Arc", "instructions", "Linux", "instructions", "Linux/Arc")]
    for arc_what, a, linux_what, b in PAIRS:
        if a not in arc or b not in linux:
            continue
        ratio = linux[b] / arc[a]
        rows.append((arc_what, "{:,}".format(arc[a]), linux_what, "{:,}".format(linux[b]),
                     "%.*f" % (2 if ratio < 10 else 1, ratio)))
    width = [max(len(r[i]) for r in rows) for i in range(5)]
    out = ["Arc and Linux on the ia32 benchmark machine, guest instructions (%s)" %
           " ".join(targets.TARGETS[TARGET]["bench"])]
    out += ["Linux: " + i for i in info]
    out.append("")
    for n, r in enumerate(rows):
        out.append("  ".join((r[0].ljust(width[0]), r[1].rjust(width[1]), r[2].ljust(width[2]),
                              r[3].rjust(width[3]), r[4].rjust(width[4]))).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in width))
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="boot Linux on the benchmark machine, take its figures")
    m.add_argument("--build", required=True, help="the build directory (Arc's build/)")
    m.add_argument("--timeout", type=int, default=900, help="seconds for the whole boot")
    c = sub.add_parser("compare", help="print Arc's and Linux's figures side by side")
    c.add_argument("arc", help="Arc's figures (build/bench-ia32-pc.txt)")
    c.add_argument("linux", help="Linux's figures (build/bench-linux-ia32.txt)")
    c.add_argument("-o", "--output", help="also write the table here")
    a = p.parse_args()
    if a.command == "measure":
        measure(os.path.abspath(a.build), a.timeout)
    else:
        table = compare(a.arc, a.linux)
        if a.output:
            with open(a.output, "w") as f:
                f.write(table)
        sys.stdout.write(table)


if __name__ == "__main__":
    main()
