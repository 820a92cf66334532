#!/usr/bin/python3
"""Boot Arc in QEMU, watch its serial console and decide pass or fail. Used by the CTest scenario
tests (tests/qemu/<area>/scenarios.cmake, tests/qemu/CMakeLists.txt) and by `tools/arc bench`.

    qemu-run.py --target ia32-pc --kernel arc-kernel --module sigma0 --module "ktest fuzz 10" \
        --expect '^\\[arc\\] Arc microkernel' --expect '^KTEST: [0-9]+ passed, 0 failed' \
        --exit-status 0 --timeout 300 --log build/qemu-logs/ktest.log

A run passes when every --expect regex has matched a line of the console, in order, one line
each, and every --capture regex has matched a line anywhere (a line of a task running beside the
ones the --expects follow, whose named groups are wanted later); no --fail regex (nor, without --no-default-fail, a kernel panic) matched any line for as
long as the run lasted; and the guest reported the wanted exit status (with --exit-status none:
as soon as the last --expect and --capture are seen, QEMU is stopped). Exit code: 0 pass, 1 fail, 2 bad usage.
A failure says which expectation was not met and shows the last lines of the console.

The target's QEMU, machine and devices, and how its exit code gives the guest's status, come
from the table in tools/qemu/targets.py; pexpect drives the console (tools/qemu/console.py).

The --send-after, --monitor-after and --wait-for steps form one sequence, in the order given: each
waits for its REGEX in the console output that came after the previous step was taken (a prompt
matches before its line ends), so steps on the same prompt answer successive prompts:

    --send-after 'msh> ' 'help\r' --send-after 'msh> ' 'ps\r'
    --monitor-after 'KBD: ready' 'sendkey a' --monitor-after "KBD: 'a'" 'sendkey ret'

--monitor-after writes to QEMU's human monitor (a unix socket; transcript in <log>.monitor).
--keys-after REGEX TEXT types TEXT on the PC's keyboard in one burst: a `sendkey` per character
(tools/qemu/keys.py: shift for capitals and symbols, \n as Enter), all written to the monitor at
once; QEMU presses each --key-hold ms (default 20) after the previous one.
Named groups of a step's or an --expect's regex are remembered: ${NAME} in a later step's text or
--expect regex stands for the text they matched (in a regex, escaped):

    --expect '^started sleeper: pid (?P<pid>[0-9]+)$' --send-after 'msh> ' 'kill ${pid}\r'

With --exit-status none, once every --expect is seen: --vga-expect regexes must match rows of
the VGA text screen (ia32-pc; read with the monitor's `xp`, kept in <log>.screen), in order; then
each --monitor-at-end command runs in the monitor, which the runner waits for, e.g. to save a RAM
disk for a --post-check: --monitor-at-end 'pmemsave ${phys} 8388608 disk.img' (QEMU runs in the
runner's directory; give pmemsave a relative file name, "8388608 /tmp/x" reads as a division).
--post-check CMD runs through the shell once QEMU has exited; the run fails if CMD does.

Runs on Debian's /usr/bin/python3 with its python3-pexpect (tools/arc installs it); started by
another Python (CTest's), the runner starts itself again with /usr/bin/python3.
"""

import argparse
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque

if os.path.exists("/usr/bin/python3") and \
        os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
    os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

import pexpect  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import keys, targets  # noqa: E402
from qemu.console import PROMPT, Monitor, spawn  # noqa: E402

# Lines that mean the kernel is dead, whatever the test expects (--no-default-fail: a scenario
# that provokes a panic on purpose).
DEFAULT_FAIL = [r"KERNEL PANIC", r"^\[arc\] panic"]
VAR_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
STEP_OPTION = {"send": "send-after", "monitor": "monitor-after", "wait": "wait-for", "keys": "keys-after"}
VGA_COLS, VGA_ROWS = 80, 25
XP_LINE = re.compile(r"^([0-9a-f]+): ((?:0x[0-9a-f]{4}\s*)+)$", re.M)


class Failure(Exception):
    """Why the run failed, in one line."""


def regex(text):
    """An argument that is a regex, possibly with ${NAME}s: checked now (the references as plain
    words), compiled when used."""
    try:
        re.compile(VAR_REF.sub("x", text))
    except re.error as e:
        raise argparse.ArgumentTypeError("bad regex %r: %s" % (text, e))
    return text


def compiled(text):
    try:
        return re.compile(text)
    except re.error as e:
        raise argparse.ArgumentTypeError("bad regex %r: %s" % (text, e))


def exit_status(text):
    try:
        return None if text == "none" else int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError("expected an integer or 'none', got %r" % text)


def unescape(text):
    r"""--send-after TEXT as bytes: \n \r \t \\ and \xHH expanded, nothing else, no newline added."""
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"\\": b"\\"}
    return re.sub(rb"\\([nrt\\]|x[0-9a-fA-F]{2})",
                  lambda m: simple.get(m.group(1)) or bytes([int(m.group(1)[1:], 16)]), text.encode())


def substitute(text, variables, escape):
    """${NAME} replaced by the text NAME captured (escaped for a regex when `escape`)."""
    def value(m):
        if m.group(1) not in variables:
            raise Failure("${%s} used before a regex captured it (a named group (?P<%s>...))"
                          % (m.group(1), m.group(1)))
        return re.escape(variables[m.group(1)]) if escape else variables[m.group(1)]
    return VAR_REF.sub(value, text)


class Step(argparse.Action):
    """--send-after, --monitor-after and --wait-for append to one list: the steps keep their order."""

    def __call__(self, parser, namespace, values, option_string=None):
        regex_text, text = (values, "") if isinstance(values, str) else values
        if self.const == "monitor" and "\n" in text:
            parser.error("--monitor-after COMMAND must be one line: %r" % text)
        if self.const == "keys":
            try:
                keys.sendkeys(unescape(text).decode(), 1)
            except ValueError as e:
                parser.error("--keys-after: %s" % e)
        try:
            namespace.steps = namespace.steps + [(self.const, compiled(regex_text), text, regex_text)]
        except argparse.ArgumentTypeError as e:
            parser.error(str(e))


def parse_args(argv):
    p = argparse.ArgumentParser(description="Boot Arc in QEMU and check its serial console "
                                "(tools/qemu-run.py's header says more).",
                                epilog="Exit code: 0 pass, 1 fail, 2 bad usage.")
    add = p.add_argument
    add("--target", default="ia32-pc", help="boot target (%s; aliases %s)"
        % (", ".join(targets.bootable()), ", ".join(targets.ALIASES)))
    add("--kernel", help="kernel ELF, booted with QEMU -kernel")
    add("--module", action="append", default=[], metavar='"PATH [ARGS]"',
        help="boot module and its command line (repeatable, needs --kernel)")
    add("--iso", help="bootable ISO, booted with -cdrom ISO -boot d")
    add("--expect", action="append", default=[], type=regex, metavar="REGEX",
        help="must match a console line, in the order given (repeatable; may use ${NAME})")
    add("--capture", action="append", default=[], type=compiled, metavar="REGEX",
        help="must match a console line at any point, in no particular order with the --expects "
             "(repeatable): for a line of a task that runs beside the ones the --expects follow, "
             "whose named groups are wanted (e.g. by --monitor-at-end)")
    add("--ha-sweep", action="store_true",
        help="boot the boot.cfg module with the HA workers watching every server that has a "
             "restart policy (the haworker program must be a --module too)")
    add("--fail", action="append", default=[], type=compiled, metavar="REGEX",
        help="fail as soon as a console line matches (repeatable; added to %s)" % " and ".join(DEFAULT_FAIL))
    add("--no-default-fail", action="store_true", help="don't use the default fail patterns")
    add("--exit-status", default=0, type=exit_status, metavar="N|none",
        help="guest exit status wanted (default 0); 'none': stop QEMU once every --expect is seen")
    add("--timeout", default=120.0, type=float, metavar="SECONDS", help="give up after this long (default 120)")
    add("--log", help="where to write the serial log (default under build/qemu-logs/)")
    add("--bench-flags", action="store_true", help="the fixed benchmark machine instead of the normal one")
    add("--allow-reboot", action="store_true", help="let the guest reset the machine and boot again (no -no-reboot)")
    add("--qemu-arg", action="append", default=[], metavar="ARG",
        help="extra QEMU argument (repeatable; --qemu-arg=-foo for a leading dash)")
    add("--qemu", help="QEMU binary to use instead of the target's")
    p.set_defaults(steps=[])
    add("--send-after", action=Step, const="send", nargs=2, metavar=("REGEX", "TEXT"),
        help=r"a step: once REGEX is seen, type TEXT (\n \r \t \\ \xHH ${NAME}; no newline added)")
    add("--monitor-after", action=Step, const="monitor", nargs=2, metavar=("REGEX", "COMMAND"),
        help="a step: once REGEX is seen, write COMMAND to QEMU's monitor (may use ${NAME})")
    add("--wait-for", action=Step, const="wait", metavar="REGEX", help="a step that only waits for REGEX")
    add("--keys-after", action=Step, const="keys", nargs=2, metavar=("REGEX", "TEXT"),
        help=r"a step: once REGEX is seen, type TEXT on the PS/2 keyboard (\n: Enter), every key "
             "at once through the monitor's sendkey (ia32-pc)")
    add("--key-hold", default=20, type=int, metavar="MS",
        help="--keys-after: each key held this long, the next pressed after it (default 20)")
    add("--vga-expect", action="append", default=[], type=compiled, metavar="REGEX",
        help="after the last --expect, must match a row of the VGA text screen, in order")
    add("--monitor-at-end", action="append", default=[], metavar="COMMAND",
        help="after the last --expect, write COMMAND to QEMU's monitor and wait until it is done")
    add("--disk-copy", nargs=2, metavar=("IMAGE", "COPY"),
        help="boot with a copy of the raw disk IMAGE, made at COPY, as the first IDE disk")
    add("--disk", metavar="IMAGE",
        help="boot with the raw disk IMAGE itself (not a copy) as the first IDE disk: a second boot "
             "from the disk an earlier run left (e.g. a checkpoint written there, restored here)")
    add("--disk-read-error", nargs=2, action="append", default=[], metavar=("PATH", "N"),
        help="with --disk-copy: the first N reads that touch the first block of PATH (a file of the "
             "copy's ext2) fail with an I/O error (QEMU's blkdebug), as a bad sector would")
    add("--post-check", action="append", default=[], metavar="CMD",
        help="once QEMU has exited, run CMD through the shell; the run fails if CMD does")
    a = p.parse_args(argv)
    try:
        a.target = targets.lookup(a.target)
    except targets.SetupError as e:
        p.error(str(e))
    if a.target not in targets.bootable():
        p.error("target %s is built, not run (no QEMU model)" % a.target)
    if bool(a.kernel) == bool(a.iso):
        p.error("give exactly one of --kernel or --iso")
    if a.iso and a.module:
        p.error("--module needs --kernel (an ISO brings its own modules)")
    if a.iso and targets.TARGETS[a.target]["boot"] != "multiboot":
        p.error("target %s doesn't boot from an ISO" % a.target)
    if a.exit_status is None and not a.expect:
        p.error("--exit-status none needs at least one --expect (nothing would end the run)")
    if a.monitor_at_end and a.exit_status is not None:
        p.error("--monitor-at-end needs --exit-status none (QEMU must still run)")
    if a.disk and a.disk_copy:
        p.error("give --disk or --disk-copy, not both")
    if a.disk_read_error and not a.disk_copy:
        p.error("--disk-read-error needs --disk-copy (the image whose block fails)")
    if a.vga_expect and (a.exit_status is not None or a.target != "ia32-pc"):
        p.error("--vga-expect needs --target ia32-pc and --exit-status none (QEMU must still run)")
    a.fail = ([] if a.no_default_fail else [re.compile(f) for f in DEFAULT_FAIL]) + a.fail
    a.monitor = any(s[0] in ("monitor", "keys") for s in a.steps) or bool(a.vga_expect or a.monitor_at_end)
    return a


HA_SWEEP_KEYS = "ha=dead,deadlock,loop"


def ha_sweep_config(text):
    """The boot configuration with the HA workers watching every server that has a restart
    policy (docs/ha.md, "False positives"): `ha=dead,deadlock,loop` on each such line that has no
    ha key of its own and its own pager, and the workers' line at the end (so that no other
    server's process id changes)."""
    out = []
    for line in text.split("\n"):
        head, sep, args = line.partition(" -- ")
        words = head.split("#", 1)[0].split()
        if (len(words) >= 3 and words[0] == "server" and any(w.startswith("restart=") for w in words)
                and not any(w.startswith(("ha=", "ha-")) for w in words) and "pager=root" not in words):
            head = head.rstrip() + " " + HA_SWEEP_KEYS
            line = head + sep + args
        out.append(line)
    return "\n".join(out).rstrip("\n") + "\nserver ha haworker restart=cold\n"


def ha_sweep_module(module, tmp):
    """--ha-sweep: the module boot.cfg replaced by a copy with the workers (ha_sweep_config)."""
    path, _, args = module.partition(" ")
    if os.path.basename(path) != "boot.cfg":
        return module
    with open(path) as f:
        text = ha_sweep_config(f.read())
    os.makedirs(os.path.join(tmp, "ha-sweep"), exist_ok=True)
    copy = os.path.join(tmp, "ha-sweep", "boot.cfg")
    with open(copy, "w") as f:
        f.write(text)
    return copy + (" " + args if args else "")


class Run:
    """One boot: QEMU under pexpect and the checks on its console. One event loop (until) hands
    each line, and the line still being printed (a prompt), to the fail patterns, the --expects
    and the steps."""

    def __init__(self, args, log_path):
        self.args, self.log_path = args, log_path
        self.next_expect = self.next_step = 0   # the --expect and the step we are waiting for
        self.variables = {}                     # named groups matched so far
        self.captured = set()                   # indexes of the --captures seen
        self.tail = deque(maxlen=40)            # the last lines, shown on failure
        self.pos = 0                            # where the line being printed starts in the output
        self.step_from = 0                      # the next step looks at the output from here on
        self.cmd = self.child = self.monitor = self.log = None
        self.deadline = time.monotonic() + args.timeout
        self.tmp = tempfile.TemporaryDirectory(prefix="arc-run-")   # monitor socket, packed image
        self.stderr = os.path.join(self.tmp.name, "qemu.stderr")     # QEMU's own messages

    def read_error_rules(self, image, errors):
        """A blkdebug configuration that fails, with EIO, the first N reads touching the first
        block of each PATH (PATH, N in `errors`) of the ext2 `image` (found with e2fsprogs'
        debugfs): N rules that each fire once."""
        def debugfs(request):
            r = subprocess.run([shutil.which("debugfs") or "/sbin/debugfs", "-R", request, image],
                               capture_output=True, text=True)
            return r.stdout
        size = re.search(r"Block size:\s+(\d+)", debugfs("stats"))
        rules = os.path.join(self.tmp.name, "read-error.conf")
        with open(rules, "w", encoding="utf-8") as f:
            for path, count in errors:
                block = debugfs("bmap %s 0" % path).strip()
                if not block.isdigit() or block == "0" or not size or not count.isdigit():
                    raise Failure("--disk-read-error %s %s: no first block of it in %s, or no count"
                                  % (path, count, image))
                sector = int(block) * int(size.group(1)) // 512
                for _ in range(int(count)):
                    f.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n'
                            'once = "on"\n\n' % sector)
        return rules

    def start(self):
        a = self.args
        qemu = a.qemu or targets.TARGETS[a.target]["qemu"]
        if not shutil.which(qemu):
            raise Failure("%s not found (install it, or run tools/arc test which installs it)" % qemu)
        # The console is our pseudo-terminal; the monitor, when needed, a unix socket.
        monitor_path = os.path.join(self.tmp.name, "monitor.sock")
        cmd = [qemu] + targets.qemu_args(a.target, a.bench_flags, a.allow_reboot) + ["-serial", "stdio"]
        cmd += ["-monitor", "unix:%s,server=on,wait=off" % monitor_path if a.monitor else "none"]
        modules = a.module
        if a.ha_sweep:
            modules = [ha_sweep_module(m, self.tmp.name) for m in a.module]
        try:
            cmd += targets.boot_args(a.target, a.kernel, modules, a.iso, self.tmp.name)
        except targets.SetupError as e:
            raise Failure(str(e))
        if a.disk_copy:
            if not os.path.isfile(a.disk_copy[0]):
                raise Failure("disk image missing: %s (was the target built?)" % a.disk_copy[0])
            os.makedirs(os.path.dirname(os.path.abspath(a.disk_copy[1])), exist_ok=True)
            shutil.copyfile(*a.disk_copy)
            image = a.disk_copy[1]
            if a.disk_read_error:
                image = "blkdebug:%s:%s" % (self.read_error_rules(image, a.disk_read_error), image)
            cmd += ["-drive", "file=%s,format=raw,if=ide,index=0" % image]
        elif a.disk:
            if not os.path.isfile(a.disk):
                raise Failure("disk image missing: %s (did the run that makes it pass?)" % a.disk)
            cmd += ["-drive", "file=%s,format=raw,if=ide,index=0" % a.disk]
        self.cmd = cmd + a.qemu_arg
        os.makedirs(os.path.dirname(os.path.abspath(self.log_path)), exist_ok=True)
        self.log = open(self.log_path, "w", encoding="utf-8", newline="")
        self.child = spawn(self.cmd, self.log, self.stderr)
        self.patterns = self.child.compile_pattern_list(["\n", pexpect.EOF, pexpect.TIMEOUT])
        if a.monitor:
            try:
                self.monitor = Monitor(monitor_path, self.child.isalive,
                                       open(self.log_path + ".monitor", "w", encoding="utf-8", newline=""))
            except OSError as e:
                raise Failure(str(e))

    def until(self, done, waiting):
        """The event loop: takes QEMU's output until done() holds once every line that came is
        checked (True) or the output ends (False). At the deadline: Failure, saying `waiting()`."""
        while True:
            i = self.child.expect_list(self.patterns, timeout=0)
            if i == 0:
                self.on_line(self.child.before)
            elif i == 1:
                # At the end the rest comes at once: every line not read yet (QEMU may exit
                # right after printing several, as on a reboot under load), the last one perhaps
                # without its newline. Each is a line of its own.
                for line in self.child.before.split("\n") if self.child.before else []:
                    self.on_line(line)
                return False
            else:                                   # nothing more for now: the line being printed
                self.feed_steps(self.child.buffer.rstrip("\r"), self.pos + len(self.child.buffer), False)
            if "\n" not in self.child.buffer and done():
                return True
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise Failure("timeout after %gs %s" % (self.args.timeout, waiting()))
            streams = [self.child] + ([self.monitor] if self.monitor else [])
            if self.monitor in select.select(streams, [], [], min(left, 0.5) if i == 2 else 0)[0]:
                try:
                    self.monitor.read()
                except OSError as e:
                    raise Failure(str(e))

    def must(self, done, waiting):
        if not self.until(done, lambda: waiting):
            raise Failure("QEMU exited while %s" % waiting)

    def on_line(self, text):
        line = text.rstrip("\r")
        self.tail.append(line)
        for f in self.args.fail:
            if f.search(line):
                raise Failure("fail pattern /%s/ matched: %s" % (f.pattern, line))
        for i, rx in enumerate(self.args.capture):
            m = rx.search(line) if i not in self.captured else None
            if m:
                self.capture(m)
                self.captured.add(i)
        if not self.expects_seen():   # one line meets at most one --expect: they are distinct events
            try:
                m = re.search(substitute(self.args.expect[self.next_expect], self.variables, True), line)
            except Failure:        # a ${NAME} not captured yet: it can't match
                m = None
            if m:
                self.capture(m)
                self.next_expect += 1
        if self.step_from <= self.pos + len(text):
            self.feed_steps(line, self.pos + len(text) + 1 + len(self.child.buffer), True)
        self.pos += len(text) + 1

    def feed_steps(self, line, received, complete):
        """The next step looks at the line from where the previous one left off (a line still
        being printed only when it has something new). What came before a step that acts (send,
        monitor) never triggers the next one: it was printed before the guest could see the step.
        After a --wait-for, which does nothing, the rest of the line counts."""
        while self.next_step < len(self.args.steps):
            kind, rx, text, _ = self.args.steps[self.next_step]
            piece = line[max(0, self.step_from - self.pos):]
            m = rx.search(piece) if piece or complete else None
            if not m:
                return
            self.capture(m)
            self.next_step += 1
            if kind == "wait":
                self.step_from = max(self.step_from, self.pos) + m.end()
                continue
            self.take_step(kind, substitute(text, self.variables, False))
            self.step_from = received
            return

    def take_step(self, kind, text):
        try:
            if kind == "send":
                os.write(self.child.child_fd, unescape(text))   # the bytes as given, \xHH too
            elif kind == "keys":
                for command in keys.sendkeys(unescape(text).decode(), self.args.key_hold):
                    self.monitor.send(command)
            else:
                self.monitor.send(text)
        except OSError as e:
            if kind != "send":         # when the console is gone, QEMU's exit says why
                raise Failure("cannot write %r to the QEMU monitor: %s" % (text, e))

    def capture(self, match):
        self.variables.update((k, v) for k, v in match.groupdict().items() if v is not None)

    def expects_seen(self):
        return self.next_expect == len(self.args.expect)

    def all_seen(self):
        return self.expects_seen() and len(self.captured) == len(self.args.capture)

    def waiting_for(self):
        if self.all_seen():
            return "waiting for the guest to exit (every expect seen)"
        if self.expects_seen():
            return "waiting for %s" % ", ".join("/%s/ (capture)" % rx.pattern for i, rx in
                                                 enumerate(self.args.capture) if i not in self.captured)
        return "waiting for /%s/ (expect %d of %d)" % (self.args.expect[self.next_expect],
                                                       self.next_expect + 1, len(self.args.expect))

    def pending_steps(self):
        return ", ".join("--%s /%s/" % (STEP_OPTION[s[0]], s[3]) for s in self.args.steps[self.next_step:])

    def run(self):
        """The guest's exit status, or None when the runner stopped QEMU; raises Failure."""
        a = self.args
        self.start()
        stop_early = self.until(lambda: a.exit_status is None and self.all_seen(), self.waiting_for)
        status = None
        if not stop_early:             # the console closed: QEMU has exited (or is about to)
            while self.child.isalive():
                if time.monotonic() > self.deadline:
                    raise Failure("timeout after %gs: QEMU closed its output but did not exit" % a.timeout)
                time.sleep(0.05)
            code = self.child.exitstatus
            status = targets.guest_status(a.target, code) if code is not None else None
            said = ("guest exit status %d" % status if status is not None else
                    "QEMU killed by signal %s" % self.child.signalstatus if code is None else
                    "QEMU exit code %d, no guest exit status: reset, triple fault or QEMU error" % code)
            if not self.all_seen():
                raise Failure("QEMU exited (%s) while %s" % (said, self.waiting_for()))
            if a.exit_status is not None and status != a.exit_status:
                raise Failure("unexpected exit: %s, wanted guest exit status %d" % (said, a.exit_status))
        if self.next_step < len(a.steps):
            raise Failure("every expect seen, but these steps never triggered: %s" % self.pending_steps())
        if a.vga_expect:
            self.check_screen()
        for command in a.monitor_at_end:
            self.monitor_at_end(substitute(command, self.variables, False))
        return status

    def check_screen(self):
        """Reads the text screen with the monitor's `xp /2000hx 0xb8000` (lines 'ADDRESS: 0xHHHH
        ...', attribute in the high byte, character in the low); each --vga-expect must match a
        row, in order."""
        cells, start, words = VGA_COLS * VGA_ROWS, len(self.monitor.text), {}
        self.take_step("monitor", "xp /%dhx 0xb8000" % cells)

        def complete():
            for m in XP_LINE.finditer(self.monitor.text, start):
                for i, h in enumerate(m.group(2).split()):
                    words[(int(m.group(1), 16) - 0xb8000) // 2 + i] = int(h, 16)
            return all(i in words for i in range(cells))
        self.must(complete, "reading the VGA screen through the monitor")
        text = "".join(chr(words[i] & 0xff) if 0x20 <= words[i] & 0xff < 0x7f else " " for i in range(cells))
        rows = [text[r * VGA_COLS:(r + 1) * VGA_COLS].rstrip() for r in range(VGA_ROWS)]
        with open(self.log_path + ".screen", "w") as f:
            f.write("\n".join(rows) + "\n")
        at = 0
        for rx in self.args.vga_expect:
            while at < len(rows) and not rx.search(rows[at]):
                at += 1
            if at == len(rows):
                raise Failure("no row of the VGA screen (after the rows matched before) matches /%s/; "
                              "the screen:\n%s" % (rx.pattern, "\n".join("  # " + r for r in rows if r)))
            at += 1

    def monitor_at_end(self, command):
        """A command is done (pmemsave has written its file) when the monitor prompts again."""
        m = self.monitor
        self.must(lambda: m.prompts() >= 1, "waiting for the QEMU monitor to start")
        before = m.prompts()
        self.take_step("monitor", command)
        self.must(lambda: m.prompts() > before, "waiting for the QEMU monitor to finish %r" % command)
        if re.search(r"[Ee]rror|[Ii]nvalid|[Uu]nknown command|[Cc]ould not", m.text.rsplit(PROMPT, 2)[-2]):
            raise Failure("the QEMU monitor refused %r (transcript in the log's .monitor)" % command)

    def stop(self):
        if self.child:
            if self.child.isalive():
                self.child.kill(signal.SIGTERM)
                give_up = time.monotonic() + 5
                while self.child.isalive() and time.monotonic() < give_up:
                    time.sleep(0.05)
            self.child.delayafterclose = 0
            self.child.close(force=True)
        if self.monitor:
            self.monitor.close()
            self.monitor.log.close()
        if self.log:
            self.log.close()

    def report(self, failure):
        say = [failure]
        if self.cmd:
            say.append("command: " + " ".join(quote(c) for c in self.cmd))
        if self.next_step < len(self.args.steps):
            say.append("steps not taken: " + self.pending_steps())
        if self.monitor:
            say.append("monitor transcript in %s.monitor" % self.log_path)
        if os.path.exists(self.stderr):
            with open(self.stderr, encoding="utf-8", errors="replace") as f:
                said = f.read().rstrip()
            if said:
                say.append("QEMU said:\n" + said)
        if self.log:
            lines = ["  | " + line for line in self.tail]
            if self.child and self.child.buffer:
                lines.append("  | %s   <- no newline yet" % self.child.buffer)
            say.append("last %d lines of the serial log %s:\n%s" % (len(self.tail), self.log_path, "\n".join(lines)))
        print("qemu-run: FAIL [%s]: %s" % (self.args.target, "\nqemu-run: ".join(map(str, say))), file=sys.stderr)


def quote(s):
    return s if re.fullmatch(r"[\w@%+=:,./-]+", s) else "'" + s.replace("'", "'\\''") + "'"


def main(argv):
    args = parse_args(argv)
    log = args.log
    if not log:
        build = os.path.join(targets.REPO, "build")
        log = os.path.join(os.path.join(build, "qemu-logs") if os.path.isdir(build) else
                           tempfile.mkdtemp(prefix="arc-qemu-"), "qemu-run-%s-%d.log" % (args.target, os.getpid()))
    start = time.monotonic()
    run = Run(args, log)
    try:
        status = run.run()
    except Failure as e:
        run.stop()
        run.report(e)
        return 1
    except KeyboardInterrupt:
        run.stop()
        print("qemu-run: interrupted; serial log in %s" % log, file=sys.stderr)
        return 130
    run.stop()
    for check in args.post_check:
        r = subprocess.run(check, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            out = r.stdout.decode("utf-8", "replace").rstrip().splitlines()[-40:]
            print("qemu-run: FAIL [%s]: --post-check exited with %d: %s\n%sqemu-run: serial log %s"
                  % (args.target, r.returncode, check, "".join("  | %s\n" % o for o in out), log), file=sys.stderr)
            return 1
    n = len(args.expect)
    print("qemu-run: PASS [%s]: %d expect%s seen, %s, %.1fs, log %s" % (
        args.target, n, "" if n == 1 else "s", "stopped after the last expect" if status is None
        else "guest exit status %d" % status, time.monotonic() - start, log))
    return 0


def on_sigterm(signum, frame):
    raise KeyboardInterrupt    # CTest's timeout, CI: stop QEMU too, don't leave it running


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_sigterm)
    sys.exit(main(sys.argv[1:]))
