"""Host tests of the campaign runner's logic (tools/fi): the outcome classes decided from serial
logs, the boot key of a run, resuming after an interruption, and the report. Run by CTest
(label unit) with Debian's python3: python3 -m unittest tests/tools/test_campaign.py"""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))

import campaign  # noqa: E402
from fi import classify, report, workloads  # noqa: E402

BOOT = """[arc] Arc microkernel, ia32-pc
[root] started ext2 (ext2) as pid 5
[pager] ext2 (pid 5): fault armed at 804a1c3 (load)
"""
DONE = "[pager] fsclient (pid 6) exited with status 0\n"


def facts(text):
    return classify.parse(text, "ext2", "fsclient")


class Classify(unittest.TestCase):
    def test_not_activated(self):
        f = facts(BOOT + DONE)
        self.assertTrue(f["armed"])
        self.assertEqual(classify.classify(f, "done", True, None)[0], "not-activated")

    def test_no_effect(self):
        f = facts(BOOT + "[pager] ext2 (pid 5): fault at 804a1c3 activated\n" + DONE)
        self.assertEqual(classify.classify(f, "done", True, None)[0], "no-effect")

    def test_recovered(self):
        log = BOOT + ("[pager] ext2 (pid 5): fault at 804a1c3 activated\n"
                      "[pager] ext2 (pid 5): invalid access at 0 ip 804a1c3\n"
                      "[monitor] ext2 (pid 5): crash at 0 ip 804a1c3; hot restart #1\n"
                      "[monitor] ext2 (pid 5): hot restart done in 43613 cycles\n") + DONE
        f = facts(log)
        self.assertEqual([r["kind"] for r in f["restarts"]], ["hot"])
        self.assertEqual(f["restart_cycles"], [43613])
        self.assertEqual(classify.classify(f, "done", True, None)[0], "recovered")
        # The same run with a damaged disk: detected, not recovered.
        self.assertEqual(classify.classify(f, "done", False, None)[0], "not-recovered")

    def test_stopped_is_not_recovered(self):
        log = BOOT + ("[pager] ext2 (pid 5): fault at 804a1c3 activated\n"
                      "[monitor] ext2 (pid 5): crash at 0 ip 804a1c3; hot restart #1\n"
                      "[monitor] ext2 (pid 5): crash; restart policy exhausted (stop)\n"
                      "[monitor] ext2: stopped\n") + DONE.replace("status 0", "status 1")
        f = facts(log)
        self.assertTrue(f["stopped"])
        self.assertEqual(classify.classify(f, "done", True, None)[0], "not-recovered")

    def test_hang_detected_by_heartbeat(self):
        log = BOOT + ("[pager] ext2 (pid 5): fault at 804a1c3 activated\n"
                      "[monitor] ext2 (pid 5): no message taken for 1000 ms (bound 1000 ms): hung\n"
                      "[monitor] ext2 (pid 5): hang at 0 ip 804a1c3; hot restart #1\n") + DONE
        self.assertEqual(classify.classify(facts(log), "done", True, None)[0], "recovered")

    def test_undetected_wrong_result(self):
        f = facts(BOOT + "[pager] ext2 (pid 5): fault at 804a1c3 activated\n" + DONE)
        self.assertEqual(classify.classify(f, "done", False, None)[0], "undetected")
        # A client that ends with an error is a wrong result too, whatever the disk holds.
        f = facts(BOOT + "[pager] ext2 (pid 5): fault at 804a1c3 activated\n" +
                  DONE.replace("status 0", "status 1"))
        self.assertEqual(classify.classify(f, "done", True, None)[0], "undetected")

    def test_timeout_alive_or_not(self):
        f = facts(BOOT + "[pager] ext2 (pid 5): fault at 804a1c3 activated\n")
        self.assertEqual(classify.classify(f, "timeout", False, True)[0], "undetected")
        self.assertEqual(classify.classify(f, "timeout", False, False)[0], "hang")

    def test_kernel_panic_and_isolation(self):
        f = facts(BOOT + "[arc] panic: kernel trap 14 error 0 at eip c0101234\n")
        self.assertEqual(classify.classify(f, "kernel", False, None)[0], "kernel-crash")
        # Another server crashing is an isolation break; the workload's own client is not.
        f = facts(BOOT + "[monitor] pata (pid 4): crash at 0 ip 8048000; hot restart #1\n" + DONE)
        self.assertEqual(classify.classify(f, "done", True, None)[0], "kernel-crash")
        f = facts(BOOT + "[pager] ext2 (pid 5): fault at 804a1c3 activated\n"
                  "[monitor] fsclient (pid 6): crash at 0 ip 8048000; no restart policy: stopped\n")
        self.assertEqual(classify.classify(f, "timeout", False, True)[0], "undetected")

    def test_dependents_failing_is_no_isolation_break(self):
        # pata mutated: ext2 (which uses it) failing is the fault's effect, not an isolation
        # break; the console failing would be one.
        wl = workloads.WORKLOADS["fs"]
        self.assertEqual(wl.dependents("ia32-pc", "pata"), ["ext2", "fsclient"])
        self.assertEqual(wl.dependents("ia32-pc", "ext2"), ["fsclient"])
        log = ("[pager] pata (pid 4): fault at 8049100 activated\n"
               "[monitor] pata (pid 4): crash at 0 ip 8049100; hot restart #1\n"
               "[monitor] ext2 (pid 5): exit at 9 ip 0; hot restart #1\n") + DONE
        f = classify.parse(log, "pata", "fsclient", wl.dependents("ia32-pc", "pata"))
        self.assertEqual(classify.classify(f, "done", True, None)[0], "recovered")
        f = classify.parse(log + "[monitor] console (pid 2): crash at 0 ip 1; hot restart #1\n",
                           "pata", "fsclient", wl.dependents("ia32-pc", "pata"))
        self.assertEqual(classify.classify(f, "done", True, None)[0], "kernel-crash")

    def test_stopped_server_ends_the_run(self):
        log = BOOT + ("[pager] ext2 (pid 5): fault at 804a1c3 activated\n"
                      "[monitor] ext2 (pid 5): crash at 0 ip 804a1c3; cold restart #9\n"
                      "[monitor] ext2: stopped\n")
        f = facts(log)
        self.assertEqual(classify.classify(f, "stopped", False, True)[0], "not-recovered")
        self.assertEqual(classify.classify(f, "stopped", False, False)[0], "hang")

    def test_other_servers_lines_do_not_count(self):
        f = facts("[pager] ext22 (pid 7): fault at 1 activated\n"
                  "[monitor] ext22 (pid 7): crash at 0 ip 1; hot restart #1\n" + DONE)
        self.assertFalse(f["activated"])
        self.assertEqual(f["restarts"], [])


class BootKey(unittest.TestCase):
    def test_fault_values(self):
        spec = {"addr": "0x0804a1c3", "isa": "x86", "mode": "load", "mutated_bytes": "9090"}
        self.assertEqual(campaign.fault_value(spec), "0x0804a1c3:9090")
        spec["mode"] = "install"
        self.assertEqual(campaign.fault_value(spec), "0x0804a1c3")
        spec.update(isa="thumb", addr="0x00010a2c")
        self.assertEqual(campaign.fault_value(spec), "0x00010a2d")   # bit 0: Thumb

    def test_boot_config_carries_the_key_on_its_server_only(self):
        wl = workloads.WORKLOADS["fs"]
        cfg = wl.boot_config("ia32-pc", "ext2", "0x0804a1c3:9090")
        ext2 = [l for l in cfg.splitlines() if l.startswith("server ext2")]
        self.assertEqual(len(ext2), 1)
        self.assertIn("fault=0x0804a1c3:9090", ext2[0])
        self.assertEqual(cfg.count("fault="), 1)
        self.assertNotIn("fault=", wl.boot_config("ia32-pc", "ext2", None))
        mods = [os.path.basename(m) for m in wl.modules("armv7-qemu-virt")]
        self.assertIn("ramdisk", mods)
        self.assertNotIn("pata", mods)


class ImageHash(unittest.TestCase):
    def test_hash_is_the_mutators_and_a_changed_program_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            elf = os.path.join(d, "ia32-pc", workloads.PROGRAMS["ext2"])
            os.makedirs(os.path.dirname(elf))
            with open(elf, "wb") as f:
                f.write(b"a")
            # FNV-1a 64 of "a" is af63dc4c8601ec8c (tools/mutate/elf_code.cc keeps 8 digits).
            self.assertEqual(campaign.image_hash(elf), "af63dc4c")
            spec = {"target": "ia32-pc", "server": "ext2", "id": "af63dc4c-conditional-08049000-0"}
            campaign.check_image(d, spec)   # the plan's program: accepted
            with open(elf, "ab") as f:
                f.write(b"b")               # rebuilt: another image
            with self.assertRaises(SystemExit):
                campaign.check_image(d, spec)


class ResumeAndReport(unittest.TestCase):
    def test_cut_line_is_run_again_and_report_counts(self):
        with tempfile.TemporaryDirectory() as d:
            plan = [{"run": i, "target": "ia32-pc", "server": "ext2", "workload": "fs", "mode": "load",
                     "type": "conditional", "id": "x-conditional-%08x-0" % i, "addr": "0x%08x" % i,
                     "isa": "x86", "function": "f", "before": "jl", "after": "nop", "mutated_bytes": "90"}
                    for i in range(4)]
            with open(os.path.join(d, "plan.jsonl"), "w") as f:
                f.write("".join(json.dumps(p) + "\n" for p in plan))
            outs = ["recovered", "not-activated", "undetected"]
            with open(os.path.join(d, "results.jsonl"), "w") as f:
                for p, o in zip(plan, outs):
                    r = dict(p, outcome=o, reason="r", check="c", recovery_cycles=1000 if o == "recovered" else None,
                             replay="tools/arc campaign replay x %d" % p["run"])
                    f.write(json.dumps(r) + "\n")
                f.write('{"run": 3, "outc')   # interrupted while writing
            done = campaign.load_results(d)
            self.assertEqual(sorted(done), [0, 1, 2])
            report.write(d)
            with open(os.path.join(d, "report.md")) as f:
                text = f.read()
            # 3 runs, 2 activated, 2 effective, 1 detected, 1 recovered.
            self.assertIn("| ia32-pc | ext2 | conditional | load | 3 | 2 | 2 (66.7 %) | 1 (50.0 %) | 1 (100.0 %) |", text)
            self.assertIn("tools/arc campaign replay x 2", text)
            self.assertTrue(os.path.isfile(os.path.join(d, "outcomes.svg")))


if __name__ == "__main__":
    unittest.main()
