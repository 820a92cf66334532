"""Host tests of the fuzzing runner's verdicts (tools/fuzz.py): what a run's console must say for
it to pass, and each way it fails. Run by CTest (label unit) with Debian's python3."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))

import fuzz  # noqa: E402

GOOD = """FUZZ: seed 5
FUZZ: 1000 calls
FUZZ: 1000 calls in 120 ms; 3 faults, 1 refused, 0 exceptions, 2 resumes, 0 aborts, 0 victim messages, 1 victim restarts
FUZZ: 30 failed calls checked, 0 changed what they must not
FUZZ: kernel memory charged to us: 7000 bytes before the fuzz world, 7000 after it is destroyed
FUZZ: 1000 calls, kernel alive
"""


def verdict(text, calls=1000, rc=0):
    return fuzz.verdict(fuzz.parse_log(text), calls, rc)


class Verdict(unittest.TestCase):
    def test_pass(self):
        r = fuzz.parse_log(GOOD)
        self.assertEqual((r["calls"], r["ms"], r["refused"], r["checked"], r["leak"]),
                         (1000, 120, 1, 30, 0))
        self.assertIsNone(verdict(GOOD))

    def test_changed_state(self):
        log = GOOD.replace("0 changed what", "2 changed what")
        self.assertEqual(verdict(log, rc=1), "2 failed calls changed state")

    def test_leak(self):
        log = GOOD.replace("7000 after", "7064 after")
        self.assertEqual(verdict(log, rc=1), "kernel memory leak of 64 bytes")

    def test_stuck(self):
        log = GOOD.replace("FUZZ: 1000 calls in", "FUZZ: fuzz thread stuck after 12 calls (state 2, status ok)\nFUZZ: 12 calls in")
        self.assertEqual(verdict(log, rc=1), "fuzz thread stuck")

    def test_panic_wins(self):
        self.assertEqual(verdict(GOOD + "[arc] panic: something\n", rc=1), "kernel panic")

    def test_hung_without_summary(self):
        self.assertEqual(verdict("FUZZ: seed 5\nFUZZ: 1000 calls\n", rc=1), "no summary (hung or crashed)")

    def test_kernel_check(self):
        log = GOOD.replace("FUZZ: 1000 calls, kernel alive\n", "FUZZ: kernel check FAILED after 1000 calls\n")
        self.assertEqual(verdict(log, rc=1), "kernel check failed")

    def test_runner_failure_alone_fails(self):
        self.assertEqual(verdict(GOOD, rc=1), "runner failed (exit 1)")


if __name__ == "__main__":
    unittest.main()
