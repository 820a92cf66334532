"""One campaign run: boot Arc in QEMU with one mutation, watch the serial console with pexpect
until the workload's client exits (or the run times out), check the result from outside QEMU
and classify it (classify.py)."""

import os
import random
import re
import shutil
import signal
import subprocess
import time

import pexpect

from qemu import targets
from qemu.console import Monitor

from . import classify, workloads

REPO = workloads.REPO
TARGETS = targets.bootable()


class RunError(Exception):
    """The run could not be set up (not an outcome of the fault)."""


def module_paths(build, target, workload, run_dir, mutated=None):
    tdir = os.path.join(build, target)
    paths = []
    for rel in workload.modules(target):
        name = os.path.basename(rel)
        if mutated and name == os.path.basename(mutated):
            paths.append(os.path.abspath(mutated))   # QEMU runs in the run's folder
        else:
            paths.append(os.path.join(tdir, rel))
    paths.append(os.path.join(run_dir, "boot.cfg"))
    if target != "ia32-pc" and workload.ramdisk:
        paths.append(os.path.join(run_dir, "disk.img"))   # the RAM disk's image, a boot module
    return paths


def qemu_command(build, target, modules, run_dir):
    """The machine of the target table (tools/qemu/targets.py), the console on stdio, the monitor
    on a socket in the run's folder, the kernel with the run's modules."""
    kernel = os.path.join(build, target, "kernel", "arc-kernel")
    cmd = [targets.TARGETS[target]["qemu"]] + targets.qemu_args(target) + ["-serial", "stdio"]
    cmd += ["-monitor", "unix:%s,server=on,wait=off" % os.path.join(run_dir, "monitor.sock")]
    try:
        cmd += targets.boot_args(target, kernel, modules, workdir=run_dir)
    except targets.SetupError as e:
        raise RunError(str(e))
    if target == "ia32-pc":
        cmd += ["-drive", "file=%s,format=raw,if=ide,index=0" % os.path.join(run_dir, "disk.img"),
                "-parallel", "file:%s" % os.path.join(run_dir, "parallel.out")]
    return cmd


def monitor_command(run_dir, command, timeout=20):
    """Write one command to QEMU's human monitor and wait until it is done."""
    try:
        monitor = Monitor(os.path.join(run_dir, "monitor.sock"), lambda: True, timeout=timeout)
        try:
            monitor.command(command, timeout)
        finally:
            monitor.close()
    except OSError as e:
        raise RunError(str(e))


def execute(spec, build, run_dir, timeout, interactive=False, extra=()):
    """Boot one run. spec: dict with target, workload, server, mode, fault (the boot key's value
    or None for a golden run), mutated (path of the mutated ELF for install mode or None).
    Returns the record fields: outcome, reason, and what was seen."""
    target, wl = spec["target"], workloads.WORKLOADS[spec["workload"]]
    build, run_dir = os.path.abspath(build), os.path.abspath(run_dir)   # QEMU runs in run_dir
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, "boot.cfg"), "w") as f:
        f.write(wl.boot_config(target, spec["server"], spec.get("fault")))
    if target == "ia32-pc" or wl.ramdisk:   # the PC's IDE disk, or the RAM disk's image
        shutil.copyfile(os.path.join(build, target, "disk.img"), os.path.join(run_dir, "disk.img"))
    for stale in ("parallel.out", "monitor.sock", "audio.wav", "screen.ppm"):
        if os.path.exists(os.path.join(run_dir, stale)):
            os.unlink(os.path.join(run_dir, stale))
    modules = module_paths(build, target, wl, run_dir, spec.get("mutated"))
    cmd = qemu_command(build, target, modules, run_dir) + wl.qemu(target, run_dir) + list(extra)
    with open(os.path.join(run_dir, "command"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    if interactive:
        cmd = [a if a != "stdio" else "mon:stdio" for a in cmd]
        return subprocess.call(cmd, cwd=run_dir)

    log_path = os.path.join(run_dir, "serial.log")
    start = time.time()
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=run_dir, timeout=1, maxread=65536)
    text = []
    ended, disk_info, stopped_at = None, {}, False
    done_re = wl.done_regex()
    # Once the monitor has stopped the server, or a server of the workload that uses it, the
    # workload cannot succeed: the run ends a moment later (time for the client to notice and
    # exit) instead of at the timeout.
    stopped_re = re.compile(r"\[monitor\] (%s): stopped" % "|".join(
        re.escape(n) for n in [spec["server"]] + wl.dependents(target, spec["server"])))
    stop_grace = 3.0
    ramdisk_re = re.compile(r"image of [0-9]+ sectors \(([0-9]+) bytes\) at physical (0x[0-9a-f]+)")
    deadline = start + timeout
    with open(log_path, "wb") as log:
        child.logfile_read = log
        while ended is None:
            i = child.expect([b"\r?\n", pexpect.EOF, pexpect.TIMEOUT])
            if i == 0:
                line = child.before.decode("utf-8", "replace").rstrip("\r")
                text.append(line)
                if any(k.search(line) for k in classify.KERNEL_DEAD):
                    ended = "kernel"
                elif done_re.search(line):
                    ended = "done"
                elif stopped_re.search(line) and deadline > time.time() + stop_grace:
                    deadline = time.time() + stop_grace
                    stopped_at = True
                m = ramdisk_re.search(line)
                if m:
                    disk_info = {"bytes": int(m.group(1)), "phys": m.group(2)}
            elif i == 1:
                # The last words before QEMU ended may lack a newline (a panic, then the exit).
                rest = (child.before or b"").decode("utf-8", "replace").strip()
                if rest:
                    text.append(rest)
                ended = "kernel" if any(k.search(rest) for k in classify.KERNEL_DEAD) else "qemu-exit"
            elif time.time() > deadline:
                ended = "stopped" if stopped_at else "timeout"
        alive = None
        if ended in ("timeout", "stopped"):
            alive = probe_shell(child, text)
        if ended == "done" and target != "ia32-pc" and disk_info:
            # The RAM disk lives in guest memory: save it before QEMU goes.
            try:
                monitor_command(run_dir, "pmemsave %s %d disk.img" % (disk_info["phys"], disk_info["bytes"]))
            except (RunError, OSError) as e:
                text.append("[campaign] could not save the RAM disk: %s" % e)
        if ended == "done":
            for command in wl.at_end(target):
                try:
                    monitor_command(run_dir, command)
                except (RunError, OSError) as e:
                    text.append("[campaign] monitor command %r failed: %s" % (command, e))
        child.logfile_read = None   # the log closes here; what QEMU says while it stops is not kept
    elapsed = time.time() - start
    stop_qemu(child)
    serial = "\n".join(text)
    if ended == "qemu-exit" and not any(l.startswith("[arc]") for l in text):
        # QEMU never started the kernel: a setup problem, not an outcome of the fault.
        raise RunError("QEMU did not boot (see %s): %s" % (log_path, " ".join(text[-3:]).strip()))
    facts = classify.parse(serial, spec["server"], wl.client, wl.dependents(target, spec["server"]))
    check_ok, check_reason = False, "workload did not finish"
    if ended == "done":
        check_ok, check_reason = wl.check(run_dir, serial, build, target)
    outcome, reason = classify.classify(facts, ended, check_ok, alive)
    return {
        "outcome": outcome, "reason": reason, "check": check_reason, "check_ok": check_ok,
        "ended": ended, "alive": alive,
        "activated": facts["activated"], "armed": facts["armed"], "refused": facts["refused"],
        "restarts": [r["kind"] for r in facts["restarts"]],
        "recovery_cycles": facts["restart_cycles"][0] if facts["restart_cycles"] else None,
        "seconds": round(elapsed, 2),
    }


def stop_qemu(child, grace=5.0):
    """SIGTERM first: QEMU then shuts down in order and closes its files (the audio recording's
    last buffer and its header are written only then); SIGKILL when it does not go in time."""
    try:
        if child.isalive():
            child.kill(signal.SIGTERM)
            end = time.time() + grace
            while child.isalive() and time.time() < end:
                try:
                    child.read_nonblocking(65536, timeout=0.05)
                except pexpect.TIMEOUT:
                    pass
                except (pexpect.EOF, OSError):
                    break
    finally:
        child.terminate(force=True)
        child.close()


def probe_shell(child, text, wait=6):
    """Type a unique echo into the micro shell: a system whose console, shell and kernel still
    work answers within a few seconds."""
    token = "alive-%06d" % random.randrange(10 ** 6)
    try:
        child.send(("echo %s\r" % token).encode())
        end = time.time() + wait
        while time.time() < end:
            i = child.expect([b"\r?\n", pexpect.EOF, pexpect.TIMEOUT])
            if i == 1:
                return False
            if i == 0:
                line = child.before.decode("utf-8", "replace").rstrip("\r")
                text.append(line)
                # The shell echoes the typed command ("msh> echo alive-…"); its output is the
                # token alone.
                if line.strip().endswith(token) and "echo " not in line:
                    return True
    except (OSError, pexpect.ExceptionPexpect):
        return False
    return False
