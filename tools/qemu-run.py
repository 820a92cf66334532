#!/usr/bin/env python3
"""Boot Arc in QEMU, watch its serial console and decide pass or fail.

Used by the CTest scenario tests (tests/qemu/CMakeLists.txt) and by `tools/arc bench`.

    qemu-run.py --target ia32-pc --kernel arc-kernel --module sigma0 --module "ktest fuzz 10" \
        --expect '^\\[arc\\] Arc microkernel' --expect '^KTEST: [0-9]+ passed, 0 failed' \
        --exit-status 0 --timeout 300 --log build/qemu-logs/ktest.log

A run passes when every --expect regex has been seen in the serial log, in order, no --fail
regex was seen, and the guest reported the wanted exit status (or, with --exit-status none,
as soon as the last --expect is seen). Exit code: 0 pass, 1 fail, 2 bad usage.

Serial output is read as it arrives (QEMU's `-serial stdio` on a pipe we own), so the fail
patterns stop a run at once and --send-after can answer the guest, e.g. type at a shell prompt.

The --send-after, --monitor-after and --wait-for steps form one sequence, in the order given: each step
waits for its REGEX in the serial output that arrived after the previous step was taken (the
first: since boot), so several steps on the same prompt answer successive prompts:

    --send-after 'msh> ' 'help\r' --send-after 'msh> ' 'ps\r'
    --monitor-after 'KBD: ready' 'sendkey a' --monitor-after "KBD: 'a'" 'sendkey ret'

--monitor-after writes a command to QEMU's human monitor (on a unix socket in a temporary
directory; the monitor's transcript goes to <log>.monitor). Named groups of a step's or an
--expect's regex are remembered, and ${NAME} in a later step's text or --expect regex stands for
the text they matched (in a regex, escaped):

    --expect '^started sleeper: pid (?P<pid>[0-9]+)$' --send-after 'msh> ' 'kill ${pid}\r'
    --expect '^killed ${pid}$'

--vga-expect (ia32-pc, with --exit-status none): once every --expect is seen, the runner reads
the VGA text screen (80x25 at 0xb8000) through the monitor's `xp`, keeps it in <log>.screen and
wants each regex to match a row of it, in order.

--monitor-at-end COMMAND (with --exit-status none, repeatable): once every --expect is seen, the
runner writes COMMAND to QEMU's monitor and waits for the monitor to finish it before it stops
QEMU, e.g. to save guest memory to a file for a --post-check (a RAM disk's image):

    --expect 'at physical (?P<phys>0x[0-9a-f]+)' --monitor-at-end 'pmemsave ${phys} 8388608 disk.img'

(QEMU runs in the runner's directory. Give pmemsave a relative file name: the monitor reads the
size as an expression, and "8388608 /tmp/x" as a division.)

--post-check CMD (repeatable): once the run has passed and QEMU has exited, CMD runs through the
shell (e.g. to compare what the guest wrote to a -parallel file: with the expected text); the run
fails if it exits non-zero, with its output shown.
Python standard library only: this runs on a fresh Debian machine before anything is installed.
"""

import argparse
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lines that mean the kernel is dead, whatever the test expects. Use --no-default-fail for a
# scenario that provokes a panic on purpose.
DEFAULT_FAIL = [r"KERNEL PANIC", r"^\[arc\] panic"]

# The fixed IA32 benchmark machine (ARCHITECTURE.md section 7): identical flags everywhere so
# figures compare across runs and with other systems measured the same way. -icount makes the
# guest's rdtsc deterministic; the -rtc setting makes runs repeat exactly.
IA32_BENCH = ["-M", "pc", "-cpu", "pentium3", "-smp", "1", "-m", "256M",
              "-icount", "shift=0,sleep=off",
              "-rtc", "base=2024-01-01T00:00:00,clock=vm"]


def exit_via_isa_debug_exit(code):
    """QEMU's isa-debug-exit device makes QEMU exit with (value << 1) | 1.

    An even code (0 after a -no-reboot triple fault or a normal shutdown, 2+ for QEMU's own
    errors) means the guest never wrote the port: report it as None, "no guest status"."""
    return code >> 1 if code % 2 == 1 else None


def exit_via_semihosting(code):
    """ARM semihosting SYS_EXIT_EXTENDED makes QEMU exit with the guest's status as is."""
    return code


# One entry per boot target. To add one: its QEMU binary, the flags of a normal run and of a
# benchmark run (machine, CPU, memory), the flags every run gets (console, exit device) and how
# QEMU's exit code maps back to the guest's status (0 = success on every target).
TARGETS = {
    "ia32-pc": {
        "qemu": "qemu-system-i386",
        "machine": ["-M", "pc", "-m", "256M"],
        "bench": IA32_BENCH,
        "common": ["-display", "none", "-no-reboot",
                   "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
        "guest_status": exit_via_isa_debug_exit,
        "can_boot_iso": True,
    },
    # ARM boards boot one image, the kernel with the modules packed behind it by
    # tools/pack-image ("pack_modules"), loaded by -kernel as a raw image (64 KiB into RAM).
    # The guest ends the run through semihosting SYS_EXIT_EXTENDED.
    "armv7-qemu-virt": {
        "qemu": "qemu-system-arm",
        "machine": ["-M", "virt", "-cpu", "cortex-a15", "-m", "256M"],
        "bench": ["-M", "virt", "-cpu", "cortex-a15", "-smp", "1", "-m", "256M",
                  "-icount", "shift=0,sleep=off"],
        "common": ["-display", "none", "-no-reboot", "-semihosting"],
        "guest_status": exit_via_semihosting,
        "can_boot_iso": False,
        "pack_modules": True,
    },
    # The Cortex-A8 of the BeagleBoard on QEMU's RealView PB-A8 (its PMU does not count there).
    "armv7-realview-pb-a8": {
        "qemu": "qemu-system-arm",
        "machine": ["-M", "realview-pb-a8", "-cpu", "cortex-a8", "-m", "256M"],
        "bench": ["-M", "realview-pb-a8", "-cpu", "cortex-a8", "-smp", "1", "-m", "256M",
                  "-icount", "shift=0,sleep=off"],
        "common": ["-display", "none", "-no-reboot", "-semihosting",
                   "-audiodev", "none,id=arc-audio"],
        "guest_status": exit_via_semihosting,
        "can_boot_iso": False,
        "pack_modules": True,
    },
}
TARGET_ALIASES = {"ia32": "ia32-pc", "arm": "armv7-qemu-virt", "virt": "armv7-qemu-virt",
                  "pb-a8": "armv7-realview-pb-a8"}


def parse_exit_status(text):
    if text == "none":
        return None
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError("expected an integer or 'none', got %r" % text)


def parse_regex(text):
    try:
        return re.compile(text)
    except re.error as e:
        raise argparse.ArgumentTypeError("bad regex %r: %s" % (text, e))


def unescape(text):
    r"""Expand \n \r \t \\ and \xHH in --send-after TEXT (a shell argument can't hold a
    newline comfortably). Nothing else is changed and no newline is added."""
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    simple = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("\\"): b"\\"}
    while i < len(raw):
        c = raw[i]
        if c == ord("\\") and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in simple:
                out += simple[nxt]
                i += 2
                continue
            if nxt == ord("x") and re.fullmatch(rb"[0-9a-fA-F]{2}", raw[i + 2:i + 4]):
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
        out.append(c)
        i += 1
    return bytes(out)


VAR_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(text, variables, escape):
    """Replace ${NAME} by the captured text NAME (escaped for a regex when `escape`)."""
    def value(m):
        if m.group(1) not in variables:
            raise Failure("${%s} used before a regex captured it (a named group (?P<%s>...))"
                          % (m.group(1), m.group(1)))
        v = variables[m.group(1)]
        return re.escape(v) if escape else v
    return VAR_REF.sub(value, text)


def parse_late_regex(text):
    """A regex that may hold ${NAME} references: checked now (with the references as plain
    words), compiled when it is used."""
    parse_regex(VAR_REF.sub("x", text))
    return text


class StepAction(argparse.Action):
    """--send-after, --monitor-after and --wait-for append to one list, so the steps keep their
    order."""

    def __call__(self, parser, namespace, values, option_string=None):
        if isinstance(values, str):
            values = [values, ""]
        steps = getattr(namespace, "steps", None) or []
        steps.append((self.const, values[0], values[1]))
        namespace.steps = steps


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Boot Arc in QEMU and check its serial console.",
        epilog="Exit code: 0 pass, 1 fail, 2 bad usage.")
    p.add_argument("--target", default="ia32-pc",
                   help="boot target (%s; aliases %s)" % (", ".join(TARGETS), ", ".join(TARGET_ALIASES)))
    p.add_argument("--kernel", help="kernel ELF, booted with QEMU -kernel")
    p.add_argument("--module", action="append", default=[], metavar='"PATH [ARGS]"',
                   help="multiboot module and its command line (repeatable, needs --kernel)")
    p.add_argument("--iso", help="bootable ISO, booted with -cdrom ISO -boot d")
    p.add_argument("--expect", action="append", default=[], type=parse_late_regex, metavar="REGEX",
                   help="must appear in the serial log, in the order given (repeatable; may use "
                   "${NAME}, see --send-after)")
    p.add_argument("--fail", action="append", default=[], type=parse_regex, metavar="REGEX",
                   help="fail as soon as a serial line matches (repeatable; added to %s)"
                   % " and ".join(DEFAULT_FAIL))
    p.add_argument("--no-default-fail", action="store_true",
                   help="don't use the default fail patterns")
    p.add_argument("--exit-status", default=0, type=parse_exit_status, metavar="N|none",
                   help="guest exit status wanted (default 0); 'none': stop QEMU as soon as "
                   "every --expect is seen")
    p.add_argument("--timeout", default=120.0, type=float, metavar="SECONDS",
                   help="give up after this long (default 120)")
    p.add_argument("--log", help="where to write the serial log (default under build/qemu-logs/)")
    p.add_argument("--bench-flags", action="store_true",
                   help="use the fixed benchmark machine flags instead of the default ones")
    p.add_argument("--allow-reboot", action="store_true",
                   help="let the guest reset the machine and boot again (no -no-reboot)")
    p.add_argument("--qemu-arg", action="append", default=[], metavar="ARG",
                   help="extra QEMU argument (repeatable; use --qemu-arg=-foo for a leading dash)")
    p.set_defaults(steps=[])
    p.add_argument("--send-after", action=StepAction, const="send", nargs=2, metavar=("REGEX", "TEXT"),
                   help="a step: once REGEX is seen on the serial console (after the previous "
                   "step), type TEXT into it (repeatable, steps run in the order given; "
                   r"TEXT may use \n \r \t \\ \xHH and ${NAME}, the text a named group "
                   "(?P<NAME>...) of an earlier step's or --expect's regex matched; no newline "
                   "is added)")
    p.add_argument("--monitor-after", action=StepAction, const="monitor", nargs=2,
                   metavar=("REGEX", "COMMAND"),
                   help="a step: once REGEX is seen on the serial console (after the previous "
                   "step), write COMMAND and a newline to QEMU's human monitor, e.g. "
                   "'sendkey a' (repeatable; COMMAND may use ${NAME})")
    p.add_argument("--vga-expect", action="append", default=[], type=parse_regex, metavar="REGEX",
                   help="after the last --expect, a row of the VGA text screen must match, in the "
                   "order given (repeatable; ia32-pc with --exit-status none)")
    p.add_argument("--wait-for", action=StepAction, const="wait", metavar="REGEX",
                   help="a step that does nothing but wait for REGEX on the serial console "
                   "(after the previous step), e.g. for output that comes in no fixed order "
                   "with a prompt (repeatable)")
    p.add_argument("--qemu", help="QEMU binary to use instead of the target's default")
    p.add_argument("--disk-copy", nargs=2, metavar=("IMAGE", "COPY"),
                   help="copy the raw disk IMAGE to COPY before QEMU starts and boot with COPY as "
                   "the first IDE disk (the image itself stays untouched; a --post-check can "
                   "look at COPY)")
    p.add_argument("--monitor-at-end", action="append", default=[], metavar="COMMAND",
                   help="once every --expect is seen (--exit-status none), write COMMAND to QEMU's "
                   "monitor and wait until it is done before QEMU is stopped (repeatable; "
                   "COMMAND may use ${NAME})")
    p.add_argument("--post-check", action="append", default=[], metavar="CMD",
                   help="after a passing run, once QEMU has exited, run CMD through the shell; "
                   "the run fails if CMD exits non-zero (repeatable, run in the order given)")
    args = p.parse_args(argv)

    args.target = TARGET_ALIASES.get(args.target, args.target)
    if args.target not in TARGETS:
        p.error("unknown target %r (known: %s)" % (args.target, ", ".join(TARGETS)))
    if bool(args.kernel) == bool(args.iso):
        p.error("give exactly one of --kernel or --iso")
    if args.iso and args.module:
        p.error("--module needs --kernel (an ISO brings its own modules)")
    if args.iso and not TARGETS[args.target]["can_boot_iso"]:
        p.error("target %s doesn't boot from an ISO" % args.target)
    if args.exit_status is None and not args.expect:
        p.error("--exit-status none needs at least one --expect (nothing would end the run)")
    steps = []
    for kind, regex, text in args.steps:
        if "\n" in text and kind == "monitor":
            p.error("--monitor-after COMMAND must be one line: %r" % text)
        steps.append((kind, parse_regex(regex), text, regex))
    args.steps = steps
    args.monitor = (any(kind == "monitor" for kind, *_ in steps) or bool(args.vga_expect) or
                    bool(args.monitor_at_end))
    if args.monitor_at_end and args.exit_status is not None:
        p.error("--monitor-at-end needs --exit-status none (QEMU must still run)")
    if args.vga_expect and (args.exit_status is not None or args.target != "ia32-pc"):
        p.error("--vga-expect needs --target ia32-pc and --exit-status none (QEMU must still run)")
    return args


class Failure(Exception):
    """A reason why the run failed, said in one line."""


def initrd_string(modules):
    """QEMU's -initrd takes 'PATH args,PATH2 args': ',' separates modules, so a ',' inside one
    must be written ',,'. QEMU splits the file name at the first space and passes the whole
    string (path included) as the module's command line, so the kernel sees the module's path as
    the first word, like the name GRUB's grub.cfg repeats there."""
    parts = []
    for m in modules:
        path = m.split(" ", 1)[0]
        if not path:
            raise Failure("empty --module %r" % m)
        if not os.path.isfile(path):
            raise Failure("module file missing: %s (was the target built?)" % path)
        parts.append(m.replace(",", ",,"))
    return ",".join(parts)


PACK_DIR = None


def packed_image(kernel, modules):
    """The kernel with its modules packed behind it (tools/pack-image), in a temporary file that
    lives as long as this process."""
    global PACK_DIR
    for m in modules:
        path = m.split(" ", 1)[0]
        if not path or not os.path.isfile(path):
            raise Failure("module file missing: %s (was the target built?)" % path)
    if PACK_DIR is None:
        PACK_DIR = tempfile.TemporaryDirectory(prefix="arc-pack-")
    out = os.path.join(PACK_DIR.name, "arc.bin")
    cmd = [sys.executable, os.path.join(REPO_ROOT, "tools", "pack-image"), "--kernel", kernel,
           "-o", out]
    for m in modules:
        cmd += ["--module", m]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        raise Failure("tools/pack-image failed: %s" % r.stdout.decode("utf-8", "replace").strip())
    return out


def qemu_command(args, target, monitor_path=None):
    qemu = args.qemu or target["qemu"]
    if not shutil.which(qemu):
        raise Failure("%s not found (install it, or run tools/arc test which installs it)" % qemu)
    cmd = [qemu]
    cmd += target["bench"] if args.bench_flags else target["machine"]
    # -no-reboot turns a reset into the end of the run, except for a test of rebooting itself.
    cmd += [a for a in target["common"] if not (args.allow_reboot and a == "-no-reboot")]
    # The guest's first serial port is our stdin/stdout pipes; the monitor, when a step needs
    # it, is a unix socket, so nothing else shares them.
    cmd += ["-serial", "stdio"]
    if monitor_path:
        cmd += ["-monitor", "unix:%s,server=on,wait=off" % monitor_path]
    else:
        cmd += ["-monitor", "none"]
    if args.kernel:
        if not os.path.isfile(args.kernel):
            raise Failure("kernel file missing: %s (was the target built?)" % args.kernel)
        if target.get("pack_modules"):
            cmd += ["-kernel", packed_image(args.kernel, args.module)]
        else:
            cmd += ["-kernel", args.kernel]
            if args.module:
                cmd += ["-initrd", initrd_string(args.module)]
    else:
        if not os.path.isfile(args.iso):
            raise Failure("ISO missing: %s (was the target built?)" % args.iso)
        cmd += ["-cdrom", args.iso, "-boot", "d"]
    if args.disk_copy:
        image, copy = args.disk_copy
        if not os.path.isfile(image):
            raise Failure("disk image missing: %s (was the target built?)" % image)
        os.makedirs(os.path.dirname(os.path.abspath(copy)), exist_ok=True)
        shutil.copyfile(image, copy)
        cmd += ["-drive", "file=%s,format=raw,if=ide,index=0" % copy]
    cmd += args.qemu_arg
    return cmd


def default_log_path(target):
    build = os.path.join(REPO_ROOT, "build")
    if os.path.isdir(build):
        d = os.path.join(build, "qemu-logs")
    else:
        d = tempfile.mkdtemp(prefix="arc-qemu-")
    return os.path.join(d, "qemu-run-%s-%d.log" % (target, os.getpid()))


def pump(stream, name, q):
    """Reader thread: forward whatever QEMU writes, as soon as it writes it. os.read returns
    what is there rather than waiting for a full buffer, so a prompt without a newline gets
    through too. (None) marks the end of the stream."""
    fd = stream.fileno()
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            q.put((name, None))
            return
        q.put((name, chunk))


class Run:
    def __init__(self, args):
        self.args = args
        self.target = TARGETS[args.target]
        self.fail = ([] if args.no_default_fail else [re.compile(f) for f in DEFAULT_FAIL]) + args.fail
        self.expects = args.expect    # regex texts, compiled when used (they may hold ${NAME})
        self.next_expect = 0          # index of the --expect we are waiting for
        self.steps = args.steps       # (kind, regex, text, regex text)
        self.next_step = 0            # index of the step we are waiting for
        self.step_window = b""        # serial bytes since the last step, not yet checked
        self.variables = {}           # named groups matched so far
        self.tail = deque(maxlen=40)  # last serial lines, shown on failure
        self.stderr = bytearray()     # QEMU's own messages, shown on failure
        self.partial = b""            # serial bytes after the last newline
        self.proc = None
        self.log = None
        self.monitor = None           # socket to QEMU's human monitor, when a step needs it
        self.monitor_log = None
        self.monitor_buf = bytearray()  # monitor output not yet parsed

    # -- serial console handling ------------------------------------------------------------

    def on_serial(self, chunk):
        self.log.write(chunk)
        self.log.flush()              # a hung run's log must be readable while it hangs
        data = self.partial + chunk
        *lines, self.partial = data.split(b"\n")
        for raw in lines:
            self.on_line(raw.rstrip(b"\r").decode("utf-8", "replace"))
        self.feed_steps(chunk)

    def on_line(self, line):
        self.tail.append(line)
        for f in self.fail:
            if f.search(line):
                raise Failure("fail pattern /%s/ matched: %s" % (f.pattern, line))
        # One line satisfies at most one --expect: "in this order" means distinct events.
        if self.next_expect < len(self.expects):
            regex = self.expect_regex(self.next_expect)
            m = regex.search(line) if regex else None
            if m:
                self.capture(m)
                self.next_expect += 1

    def expect_regex(self, i):
        """The i-th --expect, its ${NAME}s filled in; None while one of them is not captured
        yet (it can't match then)."""
        try:
            return re.compile(substitute(self.expects[i], self.variables, escape=True))
        except Failure:
            return None

    def capture(self, match):
        for name, value in match.groupdict().items():
            if value is not None:
                self.variables[name] = value

    def feed_steps(self, chunk):
        """The next step looks at the serial output since the previous step, line by line, and
        at a line still being printed: a prompt ("msh> ") has no newline yet. What arrived
        before a step that acts (send, monitor) was taken never triggers the next one, not even
        the rest of the same chunk: it was printed before the guest could have seen the step.
        After a --wait-for, which does nothing, the rest of the chunk still counts."""
        if self.next_step == len(self.steps):
            return
        self.step_window += chunk
        *lines, rest = self.step_window.split(b"\n")
        pieces = lines + ([rest] if rest else [])
        i = 0
        while i < len(pieces) and self.next_step < len(self.steps):
            kind, regex, text, _ = self.steps[self.next_step]
            m = regex.search(pieces[i].rstrip(b"\r").decode("utf-8", "replace"))
            if not m:
                i += 1
                continue
            self.capture(m)
            self.next_step += 1
            if kind != "wait":
                self.step_window = b""
                self.take_step(kind, substitute(text, self.variables, escape=False))
                return
            # A wait: the next step may match in the rest of this line or in the lines after.
            pieces[i] = pieces[i].rstrip(b"\r").decode("utf-8", "replace")[m.end():].encode("utf-8")
            if rest and i == len(lines):
                rest = pieces[i]      # the line in progress: keep only what follows the match
        self.step_window = rest       # whole lines are checked once; keep the line in progress

    def take_step(self, kind, text):
        if kind == "wait":
            return
        if kind == "send":
            try:
                self.proc.stdin.write(unescape(text))
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                pass                  # QEMU is gone; the exit handling reports why
        else:
            try:
                self.monitor.sendall(text.encode("utf-8") + b"\n")
            except OSError as e:
                raise Failure("cannot write %r to the QEMU monitor: %s" % (text, e))

    def pending_steps(self):
        return ", ".join("--%s /%s/" % ({"send": "send-after", "monitor": "monitor-after",
                                         "wait": "wait-for"}[kind], rx)
                         for kind, _, _, rx in self.steps[self.next_step:])

    def all_seen(self):
        return self.next_expect == len(self.expects)

    def waiting_for(self):
        return "/%s/ (expect %d of %d)" % (self.expects[self.next_expect],
                                           self.next_expect + 1, len(self.expects))

    # -- the VGA text screen -------------------------------------------------------------------

    VGA_COLS, VGA_ROWS = 80, 25
    XP_LINE = re.compile(rb"^([0-9a-f]+): ((?:0x[0-9a-f]{4}\s*)+)$", re.M)

    def read_screen(self, deadline):
        """The 25 rows of the text screen, read with the monitor's `xp /2000hx 0xb8000`: lines
        of 'ADDRESS: 0xHHHH 0xHHHH ...', attribute in the high byte, character in the low."""
        cells = self.VGA_COLS * self.VGA_ROWS
        self.monitor_buf = bytearray()
        self.take_step("monitor", "xp /%dhx 0xb8000" % cells)
        words = {}
        while True:
            for m in self.XP_LINE.finditer(bytes(self.monitor_buf)):
                addr = int(m.group(1), 16)
                for i, h in enumerate(m.group(2).split()):
                    words[(addr - 0xb8000) // 2 + i] = int(h, 16)
            if all(i in words for i in range(cells)):
                break
            if time.monotonic() > deadline:
                raise Failure("timeout after %gs reading the VGA screen through the monitor"
                              % self.args.timeout)
            try:
                name, chunk = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if name == "monitor" and chunk is not None:
                self.monitor_log.write(chunk)
                self.monitor_buf += chunk
            elif name == "serial" and chunk is not None:
                self.on_serial(chunk)
            elif name == "stderr" and chunk is not None:
                self.stderr += chunk
        text = "".join(chr(words[i] & 0xff) if 0x20 <= (words[i] & 0xff) < 0x7f else " "
                       for i in range(cells))
        return [text[r * self.VGA_COLS:(r + 1) * self.VGA_COLS].rstrip()
                for r in range(self.VGA_ROWS)]

    def check_screen(self, deadline):
        rows = self.read_screen(deadline)
        with open(self.log.name + ".screen", "w") as f:
            f.write("\n".join(rows) + "\n")
        at = 0
        for regex in self.args.vga_expect:
            while at < len(rows) and not regex.search(rows[at]):
                at += 1
            if at == len(rows):
                raise Failure("no row of the VGA screen (after the rows matched before) matches "
                              "/%s/; the screen:\n%s" % (regex.pattern, "\n".join(
                                  "  # " + r for r in rows if r)))
            at += 1

    # -- monitor commands the run waits for --------------------------------------------------

    PROMPT = b"(qemu) "

    def monitor_wait_prompts(self, count, deadline, what):
        """Until the monitor's output holds `count` prompts (each command ends with one)."""
        while self.monitor_buf.count(self.PROMPT) < count:
            if time.monotonic() > deadline:
                raise Failure("timeout after %gs waiting for the QEMU monitor to finish %s"
                              % (self.args.timeout, what))
            try:
                name, chunk = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if chunk is None:
                if name == "monitor":
                    raise Failure("the QEMU monitor closed while %s ran" % what)
                continue
            if name == "monitor":
                self.monitor_log.write(chunk)
                self.monitor_log.flush()
                self.monitor_buf += chunk
            elif name == "serial":
                self.on_serial(chunk)
            else:
                self.stderr += chunk

    def monitor_at_end(self, deadline):
        """Runs each --monitor-at-end command and waits for its prompt: the command (pmemsave
        writes a file) is complete when the monitor is ready for the next one."""
        self.monitor_wait_prompts(1, deadline, "its start-up")   # the first prompt
        for command in self.args.monitor_at_end:
            text = substitute(command, self.variables, escape=False)
            before = self.monitor_buf.count(self.PROMPT)
            self.take_step("monitor", text)
            self.monitor_wait_prompts(before + 1, deadline, repr(text))
            if re.search(rb"[Ee]rror|[Ii]nvalid|[Uu]nknown command|[Cc]ould not",
                         bytes(self.monitor_buf).rsplit(self.PROMPT, 2)[-2]):
                raise Failure("the QEMU monitor refused %r (transcript in the log's .monitor)"
                              % text)

    def check_steps_done(self):
        if self.next_step < len(self.steps):
            raise Failure("every expect seen, but these steps never triggered: %s"
                          % self.pending_steps())

    # -- the run ----------------------------------------------------------------------------

    def start(self, cmd, log_path, monitor_path=None):
        os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.events = queue.Queue()
        streams = [(self.proc.stdout, "serial"), (self.proc.stderr, "stderr")]
        if monitor_path:
            self.monitor = self.connect_monitor(monitor_path)
            self.monitor_log = open(log_path + ".monitor", "wb")
            streams.append((self.monitor, "monitor"))
        self.readers = [threading.Thread(target=pump, args=(s, n, self.events), daemon=True)
                        for s, n in streams]
        for t in self.readers:
            t.start()

    def connect_monitor(self, path):
        """QEMU makes the monitor's socket while it starts up: retry until it is there."""
        give_up = time.monotonic() + 10
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                return sock
            except OSError as e:
                sock.close()
                if self.proc.poll() is not None:
                    raise Failure("QEMU exited (code %d) before its monitor was up" % self.proc.returncode)
                if time.monotonic() > give_up:
                    raise Failure("cannot connect to the QEMU monitor at %s: %s" % (path, e))
                time.sleep(0.05)

    def watch(self, deadline):
        """Process QEMU's output until the run is decided. Returns the guest's exit status
        (or None when we stopped QEMU ourselves); raises Failure."""
        open_streams = 2
        while open_streams:
            left = deadline - time.monotonic()
            if left <= 0:
                if not self.all_seen():
                    raise Failure("timeout after %gs waiting for %s" % (self.args.timeout, self.waiting_for()))
                raise Failure("timeout after %gs: every expect seen but the guest did not exit"
                              % self.args.timeout)
            try:
                name, chunk = self.events.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if name == "monitor":
                if chunk is not None:
                    self.monitor_log.write(chunk)
                    self.monitor_log.flush()
                    self.monitor_buf += chunk
                continue
            if chunk is None:
                open_streams -= 1
                if name == "serial" and self.partial:
                    # The guest's last words may lack a newline.
                    last, self.partial = self.partial, b""
                    self.on_line(last.rstrip(b"\r").decode("utf-8", "replace"))
                continue
            if name == "stderr":
                self.stderr += chunk
                continue
            self.on_serial(chunk)
            if self.args.exit_status is None and self.all_seen():
                self.check_steps_done()
                if self.args.vga_expect:
                    self.check_screen(deadline)
                if self.args.monitor_at_end:
                    self.monitor_at_end(deadline)
                return None
        # Both streams closed: QEMU has exited (or is about to).
        try:
            code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise Failure("timeout after %gs: QEMU closed its output but did not exit" % self.args.timeout)
        status = self.target["guest_status"](code)
        said = "guest exit status %d" % status if status is not None else \
            "QEMU exit code %d, no guest exit status: reset, triple fault or QEMU error" % code
        if not self.all_seen():
            raise Failure("QEMU exited (%s) while waiting for %s" % (said, self.waiting_for()))
        if self.args.exit_status is not None and status != self.args.exit_status:
            raise Failure("unexpected exit: %s, wanted guest exit status %d" % (said, self.args.exit_status))
        self.check_steps_done()
        return status

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.monitor:
            try:
                self.monitor.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.monitor.close()
        if self.log:
            self.log.close()
        if self.monitor_log:
            self.monitor_log.close()


def main(argv):
    args = parse_args(argv)
    log_path = args.log or default_log_path(args.target)
    run = Run(args)
    start = time.monotonic()
    cmd = None
    # The monitor's socket: a short path (sun_path holds 108 bytes) that nobody else uses.
    monitor_dir = tempfile.TemporaryDirectory(prefix="arc-mon-") if args.monitor else None
    monitor_path = os.path.join(monitor_dir.name, "monitor.sock") if monitor_dir else None
    try:
        cmd = qemu_command(args, run.target, monitor_path)
        run.start(cmd, log_path, monitor_path)
        status = run.watch(start + args.timeout)
    except Failure as e:
        run.stop()
        print("qemu-run: FAIL [%s]: %s" % (args.target, e), file=sys.stderr)
        if cmd:
            print("qemu-run: command: %s" % " ".join(quote(c) for c in cmd), file=sys.stderr)
        if run.next_step < len(run.steps):
            print("qemu-run: steps not taken: %s" % run.pending_steps(), file=sys.stderr)
        if run.monitor_log:
            print("qemu-run: monitor transcript in %s.monitor" % log_path, file=sys.stderr)
        if run.stderr:
            print("qemu-run: QEMU said:\n%s" % run.stderr.decode("utf-8", "replace").rstrip(),
                  file=sys.stderr)
        if run.log:
            print("qemu-run: last %d lines of the serial log %s:" % (len(run.tail), log_path),
                  file=sys.stderr)
            for line in run.tail:
                print("  | " + line, file=sys.stderr)
            if run.partial:
                print("  | " + run.partial.decode("utf-8", "replace") + "   <- no newline yet",
                      file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        run.stop()
        print("qemu-run: interrupted; serial log in %s" % log_path, file=sys.stderr)
        return 130
    run.stop()
    for check in args.post_check:
        r = subprocess.run(check, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            print("qemu-run: FAIL [%s]: --post-check exited with %d: %s" % (args.target, r.returncode, check),
                  file=sys.stderr)
            out = r.stdout.decode("utf-8", "replace").rstrip()
            if out:
                print("\n".join("  | " + line for line in out.splitlines()[-40:]), file=sys.stderr)
            print("qemu-run: serial log %s" % log_path, file=sys.stderr)
            return 1
    ending = "guest exit status %d" % status if status is not None else "stopped after the last expect"
    print("qemu-run: PASS [%s]: %d expect%s seen, %s, %.1fs, log %s"
          % (args.target, len(run.expects), "" if len(run.expects) == 1 else "s", ending,
             time.monotonic() - start, log_path))
    return 0


def quote(s):
    return s if re.fullmatch(r"[\w@%+=:,./-]+", s) else "'" + s.replace("'", "'\\''") + "'"


def on_sigterm(signum, frame):
    # CTest's timeout and CI stop us with SIGTERM: go through the KeyboardInterrupt path so
    # QEMU is stopped too instead of being left running.
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_sigterm)
    sys.exit(main(sys.argv[1:]))
