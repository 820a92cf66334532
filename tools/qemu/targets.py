#!/usr/bin/python3
"""The one table of Arc's boot targets: for each, the QEMU that runs it, its machine (CPU,
memory), its devices, the fixed benchmark machine, how kernel and modules are loaded and how
QEMU's exit code gives back the guest's status.

Read by tools/qemu-run.py (scenario tests, benchmarks), tools/fi (fault-injection campaigns) and,
through the command line below, by tools/arc (run, debug, bench):

    targets.py shell TARGET BUILD   shell assignments: TARGET (the canonical name), QEMU, IMAGE,
                                    KERNEL, CONFIG and QEMU_ARGS (machine, devices, the image;
                                    the caller adds -serial)
    targets.py status TARGET CODE   the guest's exit status for QEMU's exit code CODE, or nothing
                                    when the guest gave none
    targets.py modules TARGET BUILD CONFIG
                                    the boot modules of CONFIG.cfg (boot/configs or
                                    tests/qemu/<area>/), one path a line: sigma0, the root
                                    task, the pager, each program its server lines
                                    name (once), each module= file, the configuration itself

Standard library only.
"""

import glob
import os
import shlex
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# One entry per boot target. To add one: its QEMU, its machine, the benchmark machine, its
# devices, how the guest ends the run ("exit"), how kernel and modules are loaded ("boot") and the
# image tools/arc boots. Every target's console is its first UART, which QEMU's -serial connects.
#   exit "isa-debug-exit": the guest writes its status to port 0xf4; QEMU exits with
#        (status << 1) | 1. "semihosting": SYS_EXIT_EXTENDED, QEMU exits with the status as is.
#   boot "multiboot": -kernel KERNEL -initrd "MODULE ARGS,..." (or the ISO, -cdrom); "packed":
#        one image of the kernel and its modules (tools/pack-image) for -kernel, loaded 64 KiB
#        into RAM; None: a build-only target (no QEMU model).
#   bench: the fixed benchmark machine (docs/benchmarks.md), identical everywhere so figures
#        compare across runs and with other systems measured the same way: -icount makes the
#        guest's cycle counter count instructions; on the PC -rtc makes runs repeat exactly.
#   config: the boot configuration (boot/configs/) of the image tools/arc packs for `run`
#   disk: the IDE disk `run` attaches (a working copy of it, kept between runs)
TARGETS = {
    "ia32-pc": dict(
        aliases=["ia32"],
        qemu="qemu-system-i386",
        machine=["-M", "pc", "-m", "256M"],
        bench=["-M", "pc", "-cpu", "pentium3", "-smp", "1", "-m", "256M",
               "-icount", "shift=0,sleep=off", "-rtc", "base=2024-01-01T00:00:00,clock=vm"],
        devices=["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
        exit="isa-debug-exit", boot="multiboot", image="arc.iso", config=None,
        disk="arc-disk.img"),
    "armv7-qemu-virt": dict(
        aliases=["arm", "virt"],
        qemu="qemu-system-arm",
        machine=["-M", "virt", "-cpu", "cortex-a15", "-m", "256M"],
        bench=["-M", "virt", "-cpu", "cortex-a15", "-smp", "1", "-m", "256M",
               "-icount", "shift=0,sleep=off"],
        devices=["-semihosting"],
        exit="semihosting", boot="packed", image="arc.bin", config="default-virt"),
    # The Cortex-A8 of the BeagleBoard on QEMU's RealView PB-A8 (its PMU does not count there).
    "armv7-realview-pb-a8": dict(
        aliases=["pb-a8"],
        qemu="qemu-system-arm",
        machine=["-M", "realview-pb-a8", "-cpu", "cortex-a8", "-m", "256M"],
        bench=["-M", "realview-pb-a8", "-cpu", "cortex-a8", "-smp", "1", "-m", "256M",
               "-icount", "shift=0,sleep=off"],
        devices=["-semihosting", "-audiodev", "none,id=arc-audio"],
        exit="semihosting", boot="packed", image="arc.bin", config="default-pb-a8"),
    # Build only: a U-Boot uImage and boot.scr for the board's SD card (docs/beagleboard.md).
    "armv7-beagleboard": dict(
        aliases=["beagleboard"], qemu=None, machine=[], bench=[], devices=[],
        exit=None, boot=None, image="arc.uImage", config=None),
}
ALIASES = {a: name for name, t in TARGETS.items() for a in t["aliases"]}


class SetupError(Exception):
    """The run cannot start: an unknown target, a missing file, a failed tool."""


def lookup(name):
    """The canonical name of a target or of one of its aliases."""
    name = ALIASES.get(name, name)
    if name not in TARGETS:
        raise SetupError("unknown target %r (known: %s)" % (name, ", ".join(TARGETS)))
    return name


def bootable():
    """The targets QEMU runs."""
    return [name for name, t in TARGETS.items() if t["qemu"]]


def qemu_args(target, bench=False, reboot=False):
    """The machine and its devices, without console, monitor or what to boot. reboot: let the
    guest reset the machine (no -no-reboot, which otherwise ends the run at a reset)."""
    t = TARGETS[target]
    return (t["bench"] if bench else t["machine"]) + ["-display", "none"] + \
        ([] if reboot else ["-no-reboot"]) + t["devices"]


def boot_args(target, kernel=None, modules=(), iso=None, workdir="."):
    """The QEMU arguments that boot KERNEL with MODULES ("PATH ARGS" each), or an ISO. A
    packed target gets one image in WORKDIR. Raises SetupError when a file is missing."""
    def need(path, what):
        if not path or not os.path.isfile(path):
            raise SetupError("%s missing: %s (was the target built?)" % (what, path))
    if iso:
        need(iso, "ISO")
        return ["-cdrom", iso, "-boot", "d"]
    need(kernel, "kernel file")
    for m in modules:
        need(m.split(" ", 1)[0], "module file")
    if TARGETS[target]["boot"] == "packed":
        image = os.path.join(workdir, "arc.bin")
        r = subprocess.run([sys.executable, os.path.join(REPO, "tools", "pack-image"), "--kernel",
                            kernel, "-o", image] + [a for m in modules for a in ("--module", m)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            raise SetupError("tools/pack-image failed: %s" % r.stdout.decode("utf-8", "replace").strip())
        return ["-kernel", image]
    # QEMU's -initrd takes 'PATH ARGS,PATH2 ARGS' (a ',' inside one is written ',,'). The kernel
    # sees the whole string as the module's command line, the path as its first word, like the
    # one GRUB's grub.cfg repeats there.
    return ["-kernel", kernel] + (["-initrd", ",".join(m.replace(",", ",,") for m in modules)]
                                  if modules else [])


def config_source(config):
    """The source of boot configuration CONFIG: what users boot is in boot/configs, the scenario
    tests' in tests/qemu/<area>/. Raises SetupError when neither has it."""
    path = os.path.join(REPO, "boot", "configs", config + ".cfg")
    if os.path.isfile(path):
        return path
    found = sorted(glob.glob(os.path.join(REPO, "tests", "qemu", "*", config + ".cfg")))
    if found:
        return found[0]
    raise SetupError("no boot configuration %r in boot/configs or tests/qemu/<area>/" % config)


def config_modules(target, build, config):
    """The boot modules of CONFIG.cfg (boot/configs, or tests/qemu/<area>/ for a scenario's)
    for TARGET built in BUILD, in boot order:
    sigma0, the root task, the pager, the programs its server lines name and their alternates=
    (each once, found where the build put them: servers/, drivers/ or apps/), the files its module= keys name,
    and the configuration as the build wrote it. Raises SetupError for a program not built."""
    base = os.path.join(build, target)
    found = ["servers/sigma0/sigma0", "servers/root/root", "servers/pager/pager"]
    extra = []
    with open(config_source(config)) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) < 3 or words[0] != "server":
                continue
            # @CONSOLE@: the board's console line (boot/CMakeLists.txt), the serial driver.
            programs = ["serial" if words[2] == "@CONSOLE@" else words[2]]
            for w in words[3:]:
                if w == "--":
                    break
                if w.startswith("module=") and w[7:] not in extra:
                    extra.append(w[7:])
                if w.startswith("alternates="):   # a swap's other programs are modules too
                    programs += [a for a in w[11:].split(",") if a]
            for program in programs:
                paths = [os.path.join(top, d, program) for top in ("servers", "drivers", "apps")
                         for d in sorted(os.listdir(os.path.join(base, top)))
                         if os.path.isfile(os.path.join(base, top, d, program))] \
                    if os.path.isdir(os.path.join(base, "servers")) else []
                if not paths:
                    raise SetupError("program %r of %s.cfg is not built in %s" % (program, config, base))
                if paths[0] not in found:
                    found.append(paths[0])
    return [os.path.join(base, p) for p in found + extra + ["configs/%s/boot.cfg" % config]]


def guest_status(target, code):
    """The guest's exit status from QEMU's exit code, or None when the guest gave none: under
    isa-debug-exit an even code is QEMU's own (0 after a -no-reboot reset or triple fault)."""
    if TARGETS[target]["exit"] == "isa-debug-exit":
        return code >> 1 if code % 2 == 1 else None
    return code


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "shell":
            name, build = lookup(argv[1]), argv[2]
            t = TARGETS[name]
            image = os.path.join(build, name, t["image"])
            args = []
            if t["qemu"]:
                args = qemu_args(name) + (["-cdrom", image, "-boot", "d"] if t["boot"] == "multiboot"
                                          else ["-kernel", image])
            values = dict(TARGET=name, QEMU=t["qemu"] or "", IMAGE=image, CONFIG=t["config"] or "",
                          KERNEL=os.path.join(build, name, "kernel", "arc-kernel"),
                          DISK=os.path.join(build, name, t["disk"]) if t.get("disk") else "")
            for k, v in values.items():
                print("%s=%s" % (k, shlex.quote(v)))
            print("QEMU_ARGS=(%s)" % " ".join(shlex.quote(a) for a in args))
            return 0
        if len(argv) == 4 and argv[0] == "modules":
            for path in config_modules(lookup(argv[1]), argv[2], argv[3]):
                print(path)
            return 0
        if len(argv) == 3 and argv[0] == "status":
            status = guest_status(lookup(argv[1]), int(argv[2]))
            if status is not None:
                print(status)
            return 0
    except SetupError as e:
        print("targets.py: %s" % e, file=sys.stderr)
        return 1
    print(__doc__.split("\n\n")[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
