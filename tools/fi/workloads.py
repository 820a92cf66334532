"""The workloads a campaign runs: the system each run boots (its boot configuration and modules),
the line that says the workload is over, and the check of its result from outside QEMU.

Every configuration also boots the console server and the micro shell: when a run stops making
progress, the runner types into the shell to tell a system that still answers (the fault stayed
in its server: an undetected failure) from one that does not (a system hang).
"""

import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DISK_CHECK = os.path.join(REPO, "tests", "qemu", "disk", "check-fsclient.py")

# The processes every configuration starts, by their boot module (ELF) in the target build.
PROGRAMS = {
    "names": "servers/names/names",
    "console": "drivers/serial/serial",
    "shell": "servers/msh/msh",
    "pata": "drivers/pata/pata",
    "ramdisk": "drivers/ramdisk/ramdisk",
    "ext2": "servers/ext2/ext2",
    "fsclient": "apps/fsclient/fsclient",
    "parport": "drivers/parport/parport",
    "lpclient": "apps/lpclient/lpclient",
}
BASE_MODULES = ["servers/sigma0/sigma0", "servers/root/root", "servers/pager/pager"]

# Restart policy of every server under test: the whole ladder, a request deadline and a heartbeat
# for hangs. The same for every server so the rates compare.
POLICY = "restart=hot,warm,cold intensity=4/10s heartbeat=1s deadline=1s"

CONSOLE = {
    "ia32-pc": "ports=0x3f8-0x3ff irq=4",
    "armv7-qemu-virt": "mem=0x09000000-0x09001000 irq=1 -- pl011",
}


class Workload:
    """name: what the user types; servers: those a campaign may mutate; targets: boards."""

    def __init__(self, name, targets, servers, client, lines, description):
        self.name, self.targets, self.servers = name, targets, servers
        self.client, self.lines, self.description = client, lines, description

    def boot_config(self, target, fault_server=None, fault_value=None):
        out = ["# fault-injection campaign: workload %s on %s" % (self.name, target),
               "server names    names",
               "server console  serial    %s" % CONSOLE[target],   # arguments last
               "server shell    msh       after=console"]
        for server, program, keys in self.lines(target):
            if server == fault_server and fault_value:
                keys = (keys + " " if keys else "") + "fault=" + fault_value
            out.append("server %-8s %-9s %s" % (server, program, keys))
        return "\n".join(out) + "\n"

    def dependents(self, target, server):
        """The processes that use `server`, directly or through others: those after it in the
        workload's lines (each line uses the ones before it). Their failures are the fault's
        effects reaching them through the interface, not an isolation break."""
        names = [s for s, _, _ in self.lines(target)]
        return names[names.index(server) + 1:] if server in names else []

    def modules(self, target):
        progs = BASE_MODULES + [PROGRAMS[p] for p in ("names", "console", "shell")]
        progs += [PROGRAMS[program] for _, program, _ in self.lines(target)]
        return progs

    def done_regex(self):
        return re.compile(r"\[pager\] %s \(pid [0-9]+\) exited with status (-?[0-9]+)" % self.client)


# --- file workload: ext2 over PATA (ia32) or the RAM disk (ARM) ------------------------------------

FS_ROUNDS, FS_FILES = 12, 3


def fs_lines(target):
    disk = ("pata", "pata", "ports=0x1f0-0x1f7,0x3f6 irq=14 " + POLICY) if target == "ia32-pc" \
        else ("ramdisk", "ramdisk", "module=disk.img " + POLICY)
    return [disk,
            ("ext2", "ext2", "after=%s %s" % (disk[0], POLICY)),
            ("fsclient", "fsclient", "after=ext2 -- %d %d" % (FS_ROUNDS, FS_FILES))]


def fs_check(run_dir, serial_text):
    """The disk image after the run: e2fsck -fn clean, the last round's files as written, the
    build's own files intact (tests/qemu/disk/check-fsclient.py). (ok, one-line reason)"""
    image = os.path.join(run_dir, "disk.img")
    if not os.path.isfile(image):
        return False, "no disk image saved"
    r = subprocess.run([sys.executable, DISK_CHECK, image, str(FS_ROUNDS), str(FS_FILES)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = r.stdout.decode("utf-8", "replace")
    with open(os.path.join(run_dir, "check.txt"), "w") as f:
        f.write(text)
    if r.returncode == 0:
        return True, "disk clean, contents as written"
    problems = [l for l in text.splitlines() if l.startswith("check: ")]
    return False, problems[-1][7:] if problems else "disk check failed"


# --- print workload: the parallel port (ia32) ------------------------------------------------------

def print_lines(target):
    return [("parport", "parport", "ports=0x378-0x37a " + POLICY),
            ("lpclient", "lpclient", "after=parport")]


def print_check(run_dir, serial_text, expected=None):
    out = os.path.join(run_dir, "parallel.out")
    try:
        with open(expected, "rb") as f:
            want = f.read()
        with open(out, "rb") as f:
            got = f.read()
    except OSError as e:
        return False, "cannot compare the printout: %s" % e
    if got == want:
        return True, "printout equals the text (%d bytes)" % len(want)
    n = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    return False, "printout differs from byte %d (%d bytes printed, %d sent)" % (n, len(got), len(want))


WORKLOADS = {
    "fs": Workload("fs", ["ia32-pc", "armv7-qemu-virt"], ["ext2", "pata", "ramdisk"], "fsclient",
                   fs_lines, "fsclient writes and reads 3 files for %d rounds through ext2; the "
                   "disk image is checked with e2fsck -fn and debugfs" % FS_ROUNDS),
    "print": Workload("print", ["ia32-pc"], ["parport"], "lpclient", print_lines,
                      "lpclient prints a known text through the parallel port; QEMU's "
                      "-parallel file must equal it byte for byte"),
}

# The workload of each server, when the user names only the server.
DEFAULT_WORKLOAD = {"ext2": "fs", "pata": "fs", "ramdisk": "fs", "parport": "print"}
