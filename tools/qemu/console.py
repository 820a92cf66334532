"""The console and the monitor of a running QEMU.

spawn() starts QEMU under pexpect with the guest's first UART on a pseudo-terminal in raw mode,
so the bytes pass as through a pipe (no echo, no signal characters, no "\\n" -> "\\r\\n"), and
with QEMU's own messages (stderr) kept apart. Monitor talks to QEMU's human monitor on a unix
socket (-monitor unix:PATH,server=on,wait=off).
"""

import os
import select
import socket
import termios
import time
import tty

import pexpect

PROMPT = "(qemu) "


def spawn(cmd, log=None, stderr=None, cwd=None):
    """Starts cmd (QEMU with -serial stdio) under pexpect: str in and out, decoded as UTF-8,
    what it prints copied to the text file log, its stderr to the file named stderr."""
    def child_setup():
        tty.setraw(0)
        attrs = termios.tcgetattr(0)
        attrs[1] &= ~termios.ONLCR          # QEMU sets OPOST again: keep "\n" as it is
        termios.tcsetattr(0, termios.TCSANOW, attrs)
        if stderr is not None:
            os.dup2(os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=cwd, timeout=None, maxread=4096, echo=False,
                          encoding="utf-8", codec_errors="replace", preexec_fn=child_setup)
    child.logfile_read = log
    child.delaybeforesend = None            # pexpect's default waits 50 ms before each send
    return child


class Monitor:
    """QEMU's human monitor: write commands, keep the transcript (text, and the file log)."""

    def __init__(self, path, alive, log=None, timeout=10):
        """Connects to the socket at path, which QEMU makes while it starts: retries while
        alive() is true, up to timeout seconds."""
        self.text, self.log = "", log
        give_up = time.monotonic() + timeout
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                return
            except OSError as e:
                self.sock.close()
                if not alive():
                    raise OSError("QEMU exited before its monitor was up")
                if time.monotonic() > give_up:
                    raise OSError("cannot connect to the QEMU monitor at %s: %s" % (path, e))
                time.sleep(0.05)

    def fileno(self):
        return self.sock.fileno()

    def read(self):
        """Takes what the monitor wrote (call when select() says it is readable)."""
        data = self.sock.recv(65536).decode("utf-8", "replace")
        if not data:
            raise OSError("the QEMU monitor closed")
        self.text += data
        if self.log:
            self.log.write(data)
            self.log.flush()

    def send(self, command):
        self.sock.sendall(command.encode("utf-8") + b"\n")

    def prompts(self):
        """How many prompts so far: each command ends with one, and the monitor starts with one."""
        return self.text.count(PROMPT)

    def command(self, command, timeout=20):
        """Writes command once the monitor is ready and waits until it is done (blocking; the
        scenario runner waits in its own event loop instead). Returns its output."""
        def wait(n):
            deadline = time.monotonic() + timeout
            while self.prompts() < n:
                if not select.select([self], [], [], max(0, deadline - time.monotonic()))[0]:
                    raise OSError("the QEMU monitor did not answer %r" % command)
                self.read()
        wait(1)
        before = self.prompts()
        self.send(command)
        wait(before + 1)
        return self.text.rsplit(PROMPT, 2)[-2]

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
