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

    def test_swap_restart_counts_as_a_restart(self):
        # A persistent bug: the hot and warm restarts fail again, the swap runs the alternate;
        # the swap is listed with the other restarts, the classes decided as before.
        log = BOOT + "[pager] ext2 (pid 5): fault at 804a1c3 activated\n"
        for kind, n in (("hot", 4), ("warm", 4)):
            for i in range(n):
                log += "[monitor] ext2 (pid 5): crash at 0 ip 804a1c3; %s restart #%d\n" % (kind, i + 1)
        log += ("[monitor] ext2 (pid 5): crash at 0 ip 804a1c3; swap restart #9\n"
                "[monitor] ext2: swapping to ext2-alt\n"
                "[monitor] ext2 (pid 5): swap restart done in 912345 cycles\n") + DONE
        f = facts(log)
        self.assertEqual([r["kind"] for r in f["restarts"]], ["hot"] * 4 + ["warm"] * 4 + ["swap"])
        self.assertEqual(f["restart_cycles"], [912345])
        self.assertEqual(classify.classify(f, "done", True, None),
                         ("recovered", "9 restart(s): hot, hot, hot, hot, warm, warm, warm, warm, swap"))
        self.assertEqual(classify.classify(f, "done", False, None)[0], "not-recovered")

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


class Policy(unittest.TestCase):
    """Every server under test has the same policy; those with another implementation of their
    interface swap to it after the hot and warm restarts and before the cold one."""

    def test_the_ladder_swaps_before_cold_after_hot_and_warm(self):
        ladder = [k for k in workloads.POLICY.split() if k.startswith("restart=")][0]
        self.assertEqual(ladder, "restart=hot,warm,swap,cold")
        for server, alt in (("pata", "pata-poll"), ("parport", "parport-ack"), ("ext2", "ext2-alt"),
                            ("ramdisk", "ramdisk-word")):
            self.assertEqual(workloads.policy(server), workloads.POLICY + " alternates=" + alt)
            self.assertNotEqual(alt, server)
        # No alternate: no swap rung (the boot configuration refuses one), the rest the same.
        self.assertEqual(workloads.policy("sb16"),
                         "restart=hot,warm,cold intensity=4/10s heartbeat=1s deadline=1s")

    def test_alternates_are_boot_modules_and_never_the_mutated_program(self):
        wl = workloads.WORKLOADS["fs"]
        cfg = wl.boot_config("ia32-pc", "pata", "0x08049000")
        pata = [l for l in cfg.splitlines() if l.startswith("server pata")][0]
        self.assertIn(workloads.POLICY + " alternates=pata-poll", pata)
        ext2 = [l for l in cfg.splitlines() if l.startswith("server ext2")][0]
        self.assertIn("alternates=ext2-alt", ext2)
        mods = wl.modules("ia32-pc")
        self.assertIn("drivers/pata/pata-poll", mods)
        self.assertIn("servers/ext2/ext2-alt", mods)
        self.assertIn("drivers/parport/parport-ack", workloads.WORKLOADS["print"].modules("ia32-pc"))
        self.assertIn("drivers/ramdisk/ramdisk-word", wl.modules("armv7-qemu-virt"))
        # Install time: only the server's own program is replaced by the mutated copy.
        with tempfile.TemporaryDirectory() as d:
            from fi import run
            paths = run.module_paths("/b", "ia32-pc", wl, d, os.path.join(d, "pata"))
            self.assertIn(os.path.join(d, "pata"), paths)
            self.assertIn("/b/ia32-pc/drivers/pata/pata-poll", paths)
            self.assertNotIn("/b/ia32-pc/drivers/pata/pata", paths)


class RequireRestart(unittest.TestCase):
    def test_every_run_of_the_mode_must_have_had_the_kind(self):
        import argparse
        rec = lambda run, mode, restarts: {"run": run, "mode": mode, "type": "crash", "addr": "0x1",
                                           "id": "x", "outcome": "recovered", "reason": "",
                                           "replay": "", "restarts": restarts}
        plan = [{}, {}]
        args = argparse.Namespace(require=None, forbid=None, require_restart=["install:swap"])
        ok = {0: rec(0, "install", ["hot", "warm", "swap"]), 1: rec(1, "load", ["hot"])}
        self.assertEqual(campaign.check_requirements(args, plan, ok), 0)
        bad = {0: rec(0, "install", ["hot", "warm", "cold"]), 1: rec(1, "load", ["hot"])}
        self.assertEqual(campaign.check_requirements(args, plan, bad), 1)
        args.require_restart = ["*:swap"]
        self.assertEqual(campaign.check_requirements(args, plan, ok), 1)   # the load run had none


class MediaWorkloads(unittest.TestCase):
    """play and draw: the drivers under the same policy as the others, the client after them,
    the wave file a boot module, the sound card and its recording on QEMU's line, a screendump
    at the end; the verdict comes from the scenarios' own checks."""

    def test_play_boots_the_card_and_the_player(self):
        wl = workloads.WORKLOADS["play"]
        self.assertEqual(workloads.DEFAULT_WORKLOAD["sb16"], "play")
        self.assertEqual(workloads.DEFAULT_WORKLOAD["pl041"], "play")
        cfg = wl.boot_config("ia32-pc", "sb16", "0x08049000")
        line = [l for l in cfg.splitlines() if l.startswith("server sb16")][0]
        self.assertIn("irq=5 dma=32KiB", line)
        self.assertIn(workloads.policy("sb16"), line)
        self.assertIn("fault=0x08049000", line)
        self.assertIn("server waveplay waveplay  module=ramp.wav after=sb16", cfg)
        self.assertEqual(wl.dependents("ia32-pc", "sb16"), ["waveplay"])
        self.assertIn("ramp.wav", wl.modules("ia32-pc"))
        self.assertIn("drivers/pl041/pl041", wl.modules("armv7-realview-pb-a8"))
        q = wl.qemu("ia32-pc", "/tmp/run")
        self.assertIn("sb16,audiodev=snd", q)
        self.assertTrue(any(a.startswith("wav,id=snd,path=/tmp/run/audio.wav") for a in q))
        self.assertIn("pl041.audiodev=snd", wl.qemu("armv7-realview-pb-a8", "/tmp/run"))
        self.assertFalse(wl.ramdisk)
        self.assertEqual(wl.at_end("ia32-pc"), [])

    def test_draw_boots_the_framebuffer_and_the_demo(self):
        wl = workloads.WORKLOADS["draw"]
        cfg = wl.boot_config("armv7-realview-pb-a8", "pl111", None)
        self.assertIn("mem=0x10020000-0x10021000 dma=1200KiB", cfg)
        self.assertIn("mem=0x10009000-0x1000a000 irq=12 -- pl011", cfg)   # the board's console
        self.assertIn("server fbdemo", cfg)
        self.assertEqual(wl.at_end("ia32-pc"), ["screendump screen.ppm"])
        self.assertIn("vbe", wl.servers)

    def test_checks_take_the_scripts_verdict(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(workloads.draw_check(d, "", d, "ia32-pc"), (False, "no screendump saved"))
            # A screen of the right size, all black: check-fb.py's FAIL line is the reason.
            with open(os.path.join(d, "screen.ppm"), "wb") as f:
                f.write(b"P6\n640 480\n255\n" + bytes(640 * 480 * 3))
            ok, why = workloads.draw_check(d, "", d, "ia32-pc")
            self.assertFalse(ok)
            self.assertRegex(why, r"^check-fb: [0-9]+ of 307200 pixels differ")
            ok, why = workloads.play_check(d, "", d, "ia32-pc")   # no recording, no source
            self.assertFalse(ok)
            self.assertIn("FAIL", why)


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
