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
# The audio and framebuffer scenarios' own checks (tests/qemu/devices), run as they are: the
# campaign's verdict is the scenario's.
AUDIO_CHECK = os.path.join(REPO, "tests", "qemu", "devices", "check-audio.py")
FB_CHECK = os.path.join(REPO, "tests", "qemu", "devices", "check-fb.py")
FB_PICTURE = os.path.join(REPO, "apps", "fbdemo", "picture.hh")

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
    "sb16": "drivers/sb16/sb16",
    "pl041": "drivers/pl041/pl041",
    "waveplay": "apps/waveplay/waveplay",
    "vbe": "drivers/vbe/vbe",
    "pl111": "drivers/pl111/pl111",
    "fbdemo": "apps/fbdemo/fbdemo",
    # The alternates (ALTERNATES below).
    "pata-poll": "drivers/pata/pata-poll",
    "parport-ack": "drivers/parport/parport-ack",
    "ext2-alt": "servers/ext2/ext2-alt",
    "ramdisk-word": "drivers/ramdisk/ramdisk-word",
}
BASE_MODULES = ["servers/sigma0/sigma0", "servers/root/root", "servers/pager/pager"]

# Restart policy of every server under test: the whole ladder, a request deadline and a heartbeat
# for hangs. The same for every server so the rates compare. Hot and warm restarts come first (a
# transient fault is gone once the code is reloaded); a persistent bug fails them all the same
# way, so the swap rung then runs another implementation of the same interface (docs/restarts.md,
# "Swap"), and only after that a cold restart.
POLICY = "restart=hot,warm,swap,cold intensity=4/10s heartbeat=1s deadline=1s"

# The other implementation a swap runs, per server: a boot module of its own, built from its own
# ELF, never mutated (install time mutates the server's program only). pata-poll: polled instead
# of interrupt-driven; parport-ack: paced by the printer's acknowledge instead of its BUSY line;
# ext2-alt: the same source compiled with other code generation (no inlining, a frame pointer),
# which protects against a bug in one binary, not against a bug in the source both share;
# ramdisk-word: its own copy loop instead of memcpy.
ALTERNATES = {"pata": "pata-poll", "parport": "parport-ack", "ext2": "ext2-alt",
              "ramdisk": "ramdisk-word"}


def policy(server):
    """The boot line's policy of a server under test: POLICY with its alternate; a server with
    none (the sound and framebuffer drivers) has no swap rung (the boot configuration refuses a
    swap without alternates=), the rest of the policy the same."""
    alt = ALTERNATES.get(server)
    return POLICY + " alternates=" + alt if alt else POLICY.replace("swap,", "")

CONSOLE = {
    "ia32-pc": "ports=0x3f8-0x3ff irq=4",
    "armv7-qemu-virt": "mem=0x09000000-0x09001000 irq=1 -- pl011",
    "armv7-realview-pb-a8": "mem=0x10009000-0x1000a000 irq=12 -- pl011",
}


class Workload:
    """name: what the user types; servers: those a campaign may mutate; targets: boards."""

    def __init__(self, name, targets, servers, client, lines, description, check, files=None,
                 qemu=None, at_end=None, ramdisk=False):
        self.name, self.targets, self.servers = name, targets, servers
        self.client, self.lines, self.description = client, lines, description
        # check(run_dir, serial_text, build, target) -> (ok, one-line reason), once the client
        # has exited and QEMU has ended.
        self.check = check
        # files(target): more boot modules, in the target's build folder (module= keys name them).
        self.files = files or (lambda target: [])
        # qemu(target, run_dir): more QEMU arguments (a sound card and its recording).
        self.qemu = qemu or (lambda target, run_dir: [])
        # at_end(target): monitor commands once the client has exited (a screendump), before
        # QEMU is stopped.
        self.at_end = at_end or (lambda target: [])
        # ARM boards have no disk: the file workload's disk image is a boot module (RAM disk).
        self.ramdisk = ramdisk

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
        progs += [PROGRAMS[ALTERNATES[program]] for _, program, _ in self.lines(target)
                  if program in ALTERNATES]
        return progs + self.files(target)

    def done_regex(self):
        return re.compile(r"\[pager\] %s \(pid [0-9]+\) exited with status (-?[0-9]+)" % self.client)


# --- file workload: ext2 over PATA (ia32) or the RAM disk (ARM) ------------------------------------

FS_ROUNDS, FS_FILES = 12, 3


def fs_lines(target):
    disk = ("pata", "pata", "ports=0x1f0-0x1f7,0x3f6 irq=14 " + policy("pata")) if target == "ia32-pc" \
        else ("ramdisk", "ramdisk", "module=disk.img " + policy("ramdisk"))
    return [disk,
            ("ext2", "ext2", "after=%s %s" % (disk[0], policy("ext2"))),
            ("fsclient", "fsclient", "after=ext2 -- %d %d" % (FS_ROUNDS, FS_FILES))]


def fs_check(run_dir, serial_text, build, target):
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
    return [("parport", "parport", "ports=0x378-0x37a " + policy("parport")),
            ("lpclient", "lpclient", "after=parport")]


def print_check(run_dir, serial_text, build, target):
    expected = os.path.join(build, "tests", "qemu", "lpclient-expected.txt")
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


def run_check(run_dir, argv, good):
    """Run one of the scenarios' check scripts; its output goes to check.txt. (ok, one-line
    reason): `good` when it passes, else its last line that says what is wrong."""
    r = subprocess.run([sys.executable] + argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = r.stdout.decode("utf-8", "replace")
    with open(os.path.join(run_dir, "check.txt"), "w") as f:
        f.write(text)
    lines = [l for l in text.splitlines() if l.strip()]
    if r.returncode == 0:
        return True, good(lines)
    problems = [l for l in lines if "FAIL" in l] or lines
    return False, problems[-1] if problems else "check failed (exit status %d)" % r.returncode


# --- play workload: the wave player on the sound card (sb16 on ia32, pl041 on pb-a8) ---------------
# waveplay streams ramp.wav (tests/qemu/devices/make-wave.py: 4 s of 16-bit mono at 22050 Hz, each
# sample telling its place), a boot module; QEMU records what the card plays. The verdict is
# check-audio.py's: every source sample once, in order, at most 50 ms of silence inserted at any
# one place, and the silence the driver counted (the player's last line) equal to the silence
# found inside the recording.

AUDIO = {
    "ia32-pc": ("sb16", "ports=0x220-0x22f,0x00-0x0f,0xc0-0xdf,0x81-0x8f irq=5 dma=32KiB",
                ["-device", "sb16,audiodev=snd"]),
    "armv7-realview-pb-a8": ("pl041", "mem=0x10004000-0x10005000 irq=19",
                             ["-global", "pl041.audiodev=snd"]),
}


def play_lines(target):
    driver, keys, _ = AUDIO[target]
    return [(driver, driver, keys + " " + policy(driver)),
            ("waveplay", "waveplay", "module=ramp.wav after=%s" % driver)]


def play_qemu(target, run_dir):
    rec = os.path.join(run_dir, "audio.wav")
    return ["-audiodev", "wav,id=snd,path=%s,out.frequency=22050,out.channels=2,out.format=s16" % rec] \
        + AUDIO[target][2]


def play_check(run_dir, serial_text, build, target):
    source = os.path.join(build, target, "ramp.wav")
    def good(lines):
        gaps = [l for l in lines if " gap(s) inside the stream" in l]
        return "every sample once, in order; " + (gaps[-1][len("check-audio: "):] if gaps else "")
    return run_check(run_dir, [AUDIO_CHECK, source, os.path.join(run_dir, "audio.wav"), "--log",
                               os.path.join(run_dir, "serial.log")], good)


# --- draw workload: the framebuffer demo (vbe on ia32, pl111 on pb-a8) ------------------------------
# fbdemo draws apps/fbdemo/picture.hh (a background, bars, a tile blitted twice, an animated
# square); once it has exited, QEMU's screendump must equal the picture check-fb.py computes from
# the same description, pixel for pixel.

FB = {
    "ia32-pc": ("vbe", "ports=0x1ce-0x1d0,0xcf8-0xcff mem=0xfd000000-0xfd300000"),
    "armv7-realview-pb-a8": ("pl111", "mem=0x10020000-0x10021000 dma=1200KiB"),
}


def draw_lines(target):
    driver, keys = FB[target]
    return [(driver, driver, keys + " " + policy(driver)), ("fbdemo", "fbdemo", "after=%s" % driver)]


def draw_check(run_dir, serial_text, build, target):
    screen = os.path.join(run_dir, "screen.ppm")
    if not os.path.isfile(screen):
        return False, "no screendump saved"
    return run_check(run_dir, [FB_CHECK, screen, FB_PICTURE],
                     lambda lines: lines[-1][len("check-fb: "):] if lines else "")


WORKLOADS = {
    "fs": Workload("fs", ["ia32-pc", "armv7-qemu-virt"], ["ext2", "pata", "ramdisk"], "fsclient",
                   fs_lines, "fsclient writes and reads 3 files for %d rounds through ext2; the "
                   "disk image is checked with e2fsck -fn and debugfs" % FS_ROUNDS, fs_check,
                   ramdisk=True),
    "print": Workload("print", ["ia32-pc"], ["parport"], "lpclient", print_lines,
                      "lpclient prints a known text through the parallel port; QEMU's "
                      "-parallel file must equal it byte for byte", print_check),
    "play": Workload("play", list(AUDIO), [d for d, _, _ in AUDIO.values()], "waveplay", play_lines,
                     "waveplay plays ramp.wav (4 s, a boot module); QEMU's recording must hold every "
                     "sample once, in order, with at most 50 ms of silence inserted at any place "
                     "(tests/qemu/devices/check-audio.py)", play_check,
                     files=lambda target: ["ramp.wav"], qemu=play_qemu),
    "draw": Workload("draw", list(FB), [d for d, _ in FB.values()], "fbdemo", draw_lines,
                     "fbdemo draws a known picture; QEMU's screendump must equal it pixel for pixel "
                     "(tests/qemu/devices/check-fb.py)", draw_check,
                     at_end=lambda target: ["screendump screen.ppm"]),
}

# The workload of each server, when the user names only the server.
DEFAULT_WORKLOAD = {"ext2": "fs", "pata": "fs", "ramdisk": "fs", "parport": "print", "sb16": "play",
                    "pl041": "play", "vbe": "draw", "pl111": "draw"}
