"""Host tests of the scenario runner (tools/qemu-run.py) against a fake QEMU (fake-qemu, which
plays a scripted serial console and exits with a chosen code): that it passes what must pass and
fails, saying why, what must fail. And the target table's command line (tools/qemu/targets.py),
which tools/arc reads. Run by CTest (label unit) with Debian's python3:
python3 -m unittest tests/tools/test_qemu_run.py"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(REPO, "tools", "qemu-run.py")
FAKE = os.path.join(HERE, "fake-qemu")
TARGETS = os.path.join(REPO, "tools", "qemu", "targets.py")

BANNER = "[arc] Arc microkernel, ia32-pc\r\n"


def exit_with(status):
    """The fake QEMU's exit code when the guest writes status to isa-debug-exit."""
    return ["exit", status << 1 | 1]


class Runner(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="arc-test-run-")
        self.addCleanup(self.dir.cleanup)
        self.kernel = self.file("arc-kernel")
        self.module = self.file("sigma0")

    def file(self, name, text=""):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_script(self, script, *args, timeout=10):
        """Runs the runner on the fake QEMU playing script; returns (exit code, stdout, stderr)."""
        env = dict(os.environ, FAKE_QEMU_SCRIPT=json.dumps(script),
                   FAKE_QEMU_MONITOR_LOG=os.path.join(self.dir.name, "monitor-commands"))
        cmd = [sys.executable, RUNNER, "--qemu", FAKE, "--kernel", self.kernel,
               "--module", self.module + " arg", "--timeout", str(timeout),
               "--log", os.path.join(self.dir.name, "serial.log")] + list(args)
        r = subprocess.run(cmd, env=env, cwd=self.dir.name, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        return r.returncode, r.stdout, r.stderr

    def assertPass(self, result):
        rc, out, err = result
        self.assertEqual(rc, 0, "runner failed:\n" + err)
        self.assertIn("qemu-run: PASS [ia32-pc]", out)

    def assertFail(self, result, *says):
        rc, out, err = result
        self.assertEqual(rc, 1, "runner did not fail:\n" + out + err)
        self.assertIn("qemu-run: FAIL [ia32-pc]", err)
        for text in says:
            self.assertIn(text, err)

    def test_expectations_met_and_exit_status(self):
        result = self.run_script([["out", BANNER + "KTEST: 5 passed, 0 failed\r\n"], exit_with(0)],
                                 "--expect", r"^\[arc\] Arc microkernel", "--expect", "^KTEST: 5 passed")
        self.assertPass(result)
        self.assertIn("2 expects seen, guest exit status 0", result[1])
        with open(os.path.join(self.dir.name, "serial.log"), newline="") as f:
            self.assertEqual(f.read(), BANNER + "KTEST: 5 passed, 0 failed\r\n")

    def test_expectation_not_met_before_timeout(self):
        result = self.run_script([["out", BANNER + "almost\r\n"]],
                                 "--expect", "Arc microkernel", "--expect", "^never$", timeout=1.5)
        self.assertFail(result, "timeout after 1.5s waiting for /^never$/ (expect 2 of 2)",
                        "  | almost")

    def test_expectations_in_order_one_line_each(self):
        # Both expects match the same single line: the second is not met.
        result = self.run_script([["out", "alpha beta\r\n"], exit_with(0)],
                                 "--expect", "alpha", "--expect", "beta")
        self.assertFail(result, "while waiting for /beta/ (expect 2 of 2)")

    def test_fail_pattern_after_the_last_expectation(self):
        result = self.run_script([["out", BANNER + "all done\r\n"], ["sleep", 0.3],
                                  ["out", "[arc] panic: trap 14\r\n"], exit_with(0)],
                                 "--expect", "all done")
        self.assertFail(result, r"fail pattern /^\[arc\] panic/ matched: [arc] panic: trap 14")

    def test_own_fail_pattern_in_the_last_words(self):
        # No newline after the last words, and QEMU gone: they are checked all the same.
        result = self.run_script([["out", "done\r\nFSCLIENT: ERROR"], exit_with(0)],
                                 "--expect", "done", "--fail", "^FSCLIENT: ERROR")
        self.assertFail(result, "fail pattern /^FSCLIENT: ERROR/ matched")

    def test_fail_pattern_in_what_came_with_the_last_expectation(self):
        # --exit-status none stops at the last expect, but not before the lines that came with it.
        result = self.run_script([["out", "done\r\nKERNEL PANIC\r\n"]],
                                 "--expect", "done", "--exit-status", "none")
        self.assertFail(result, "fail pattern /KERNEL PANIC/ matched")

    def test_no_default_fail(self):
        self.assertPass(self.run_script([["out", "KERNEL PANIC on purpose\r\n"], exit_with(0)],
                                        "--expect", "on purpose", "--no-default-fail"))

    def test_wrong_exit_status(self):
        self.assertFail(self.run_script([["out", BANNER], exit_with(3)], "--expect", "Arc"),
                        "unexpected exit: guest exit status 3, wanted guest exit status 0")
        self.assertPass(self.run_script([["out", BANNER], exit_with(3)], "--expect", "Arc",
                                        "--exit-status", "3"))
        # An even code is QEMU's own: no guest status (a reset under -no-reboot, a triple fault).
        self.assertFail(self.run_script([["out", BANNER], ["exit", 0]], "--expect", "Arc"),
                        "QEMU exit code 0, no guest exit status")

    def test_qemu_exits_before_the_expectation(self):
        self.assertFail(self.run_script([["out", BANNER], ["err", "qemu: something broke\n"], ["exit", 2]],
                                        "--expect", "never"),
                        "QEMU exited (QEMU exit code 2, no guest exit status: reset, triple fault or "
                        "QEMU error) while waiting for /never/ (expect 1 of 1)",
                        "QEMU said:\nqemu: something broke")

    def test_exit_status_none_stops_qemu(self):
        result = self.run_script([["out", BANNER + "ready\r\n"]], "--expect", "ready",
                                 "--exit-status", "none")
        self.assertPass(result)
        self.assertIn("stopped after the last expect", result[1])

    def test_send_after_sequence_and_names(self):
        # Two prompts come at once, before the first answer: the second must not trigger the
        # second step (it was printed before the guest saw the first). ${pid} fills a step's text
        # and a later --expect.
        script = [["out", "started sleeper: pid 42\r\nmsh> \r\nmsh> "],
                  ["in", "ps\r"], ["quiet", 0.5],
                  ["out", "ps\r\n  42 sleeper\r\nmsh> "],
                  ["in", "kill 42\r"],
                  ["out", "kill 42\r\nkilled 42\r\nmsh> "], ["in", "\t\\bye\x01\r"],
                  exit_with(0)]
        result = self.run_script(script,
                                 "--expect", r"^started sleeper: pid (?P<pid>[0-9]+)$",
                                 "--send-after", "msh> ", r"ps\r",
                                 "--send-after", "msh> ", r"kill ${pid}\r",
                                 "--wait-for", "^killed",
                                 "--send-after", "msh> ", r"\t\\bye\x01\r",
                                 "--expect", "^killed ${pid}$")
        self.assertPass(result)
        with open(os.path.join(self.dir.name, "serial.log")) as f:
            self.assertNotIn("FAKE:", f.read())

    def test_step_never_triggered(self):
        self.assertFail(self.run_script([["out", "done\r\n"], exit_with(0)], "--expect", "done",
                                        "--send-after", "msh> ", "ps\r"),
                        "every expect seen, but these steps never triggered: --send-after /msh> /")

    def test_name_used_before_captured(self):
        self.assertFail(self.run_script([["out", "msh> "]], "--send-after", "msh> ", "kill ${pid}\r",
                                        "--expect", "x"),
                        "${pid} used before a regex captured it")

    def test_post_check(self):
        self.assertPass(self.run_script([["out", BANNER], exit_with(0)], "--expect", "Arc",
                                        "--post-check", "true"))
        self.assertFail(self.run_script([["out", BANNER], exit_with(0)], "--expect", "Arc",
                                        "--post-check", "echo the disk is damaged; exit 3"),
                        "--post-check exited with 3: echo the disk is damaged; exit 3",
                        "  | the disk is damaged")

    def test_monitor_steps_and_monitor_at_end(self):
        script = [["out", "KBD: ready\r\n"], ["sleep", 0.2],
                  ["out", "image at physical 0x1000\r\n"]]
        result = self.run_script(script,
                                 "--monitor-after", "^KBD: ready$", "sendkey a",
                                 "--expect", "at physical (?P<phys>0x[0-9a-f]+)",
                                 "--monitor-at-end", "pmemsave ${phys} 16 disk.img",
                                 "--exit-status", "none")
        self.assertPass(result)
        with open(os.path.join(self.dir.name, "monitor-commands")) as f:
            self.assertEqual(f.read(), "sendkey a\npmemsave 0x1000 16 disk.img\n")
        self.assertTrue(os.path.exists(os.path.join(self.dir.name, "serial.log.monitor")))

    def test_disk_copy(self):
        image = self.file("disk.img", "sectors")
        copy = os.path.join(self.dir.name, "copies", "disk.img")
        self.assertPass(self.run_script([["out", BANNER], exit_with(0)], "--expect", "Arc",
                                        "--disk-copy", image, copy))
        with open(copy) as f:
            self.assertEqual(f.read(), "sectors")

    def test_usage_errors(self):
        for args in (["--exit-status", "none"], ["--expect", "("], ["--target", "nowhere"],
                     ["--monitor-at-end", "x", "--expect", "y"]):
            rc, _, err = self.run_script([], *args)
            self.assertEqual(rc, 2, err)

    def test_missing_module(self):
        self.assertFail(self.run_script([], "--expect", "x", "--module", "/nonexistent/names"),
                        "module file missing: /nonexistent/names")


class TargetTable(unittest.TestCase):
    def cli(self, *args):
        return subprocess.run([sys.executable, TARGETS] + list(args), stdout=subprocess.PIPE,
                              universal_newlines=True, check=True).stdout

    def test_guest_status(self):
        self.assertEqual(self.cli("status", "ia32", "7"), "3\n")
        self.assertEqual(self.cli("status", "ia32-pc", "0"), "")
        self.assertEqual(self.cli("status", "arm", "5"), "5\n")

    def test_shell(self):
        out = self.cli("shell", "pb-a8", "/b")
        self.assertIn("TARGET=armv7-realview-pb-a8\n", out)
        self.assertIn("QEMU=qemu-system-arm\n", out)
        self.assertIn("CONFIG=default-pb-a8\n", out)
        self.assertIn("QEMU_ARGS=(-M realview-pb-a8 -cpu cortex-a8 -m 256M -display none -no-reboot "
                      "-semihosting -audiodev none,id=arc-audio -kernel /b/armv7-realview-pb-a8/arc.bin)", out)
        out = self.cli("shell", "ia32", "/b")
        self.assertIn("-device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom /b/ia32-pc/arc.iso -boot d)", out)

    def test_modules_from_either_config_folder(self):
        # A fake build tree with the programs the two configurations name.
        with tempfile.TemporaryDirectory(prefix="arc-test-modules-") as build:
            base = os.path.join(build, "ia32-pc")
            for prog in ("servers/sigma0/sigma0", "servers/root/root", "servers/pager/pager",
                         "servers/names/names", "drivers/pata/pata", "servers/ext2/ext2",
                         "apps/fsclient/fsclient", "drivers/serial/serial"):
                os.makedirs(os.path.dirname(os.path.join(base, prog)), exist_ok=True)
                open(os.path.join(base, prog), "w").close()
            # A scenario's configuration: tests/qemu/<area>/.
            out = self.cli("modules", "ia32-pc", build, "test-ext2").split()
            self.assertEqual([os.path.relpath(p, base) for p in out],
                             ["servers/sigma0/sigma0", "servers/root/root", "servers/pager/pager",
                              "servers/names/names", "drivers/pata/pata", "servers/ext2/ext2",
                              "apps/fsclient/fsclient", "configs/test-ext2/boot.cfg"])
            # One users boot (boot/configs) is read from there (it names a program this tree
            # lacks); an unknown one is a clear error.
            r = subprocess.run([sys.executable, TARGETS, "modules", "ia32-pc", build, "bench-disk"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            self.assertIn("program 'diskbench' of bench-disk.cfg is not built", r.stderr)
            r = subprocess.run([sys.executable, TARGETS, "modules", "ia32-pc", build, "no-such"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("no boot configuration 'no-such' in boot/configs or tests/qemu/<area>/",
                          r.stderr)


if __name__ == "__main__":
    unittest.main()
