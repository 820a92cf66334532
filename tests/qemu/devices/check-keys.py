#!/usr/bin/python3
"""Post-check of ia32-keyboard-burst: the keys kbdtest reported (one `KBD: 'c' scancode ...` line
per key, `KBD: '\\n' ...` for Enter) must spell TEXT exactly: every character once, in order,
nothing more; and its `KBD: got line '...'` lines must be TEXT's lines. Usage: check-keys.py
SERIAL_LOG TEXT (TEXT's \\n is Enter)."""
import re
import sys


def main():
    log, want = sys.argv[1], sys.argv[2].replace("\\n", "\n")
    got, lines = [], []
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"^KBD: '(\\n|.)' scancode 0x[0-9a-f]+\r?$", line)
            if m:
                got.append("\n" if m.group(1) == "\\n" else m.group(1))
            elif line.startswith("KBD: got line '"):
                lines.append(line.rstrip("\r\n")[len("KBD: got line '"):-1])
            elif line.startswith("KBD: key without character"):
                got.append("\0")
    got = "".join(got)
    want_lines = want.split("\n")[:-1]
    if got == want and lines == want_lines:
        print("check-keys: %d keys, every one once, in order; %d lines" % (len(want), len(lines)))
        return 0
    if got == want:
        print("check-keys: FAIL: the keys are right, the lines are not:\n  typed    %r\n  reported %r"
              % (want_lines, lines))
        return 1
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    print("check-keys: FAIL: %d keys typed, %d reported; they differ at key %d:\n  typed    %r\n"
          "  reported %r" % (len(want), len(got), at, want[max(0, at - 10):at + 10],
                             got[max(0, at - 10):at + 10]))
    return 1


if __name__ == "__main__":
    sys.exit(main())
