#!/usr/bin/python3
"""Post-check: each LINE must be a whole line of the serial log exactly once, and they must come
in the order given. The kernel console shares the serial line with the console server by whole
characters, so a kernel line (`[monitor] ...`, `[pager] ...`) printed while the console writes
may land inside a console line: such lines are taken out first, wherever they start.
Usage: check-lines.py SERIAL_LOG LINE..."""
import re
import sys

KERNEL_LINE = re.compile(r"\[(monitor|pager|root|names|arcserver|keyboard|console|vgacon|inject)\] [^\n]*\n")


def main():
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        text = KERNEL_LINE.sub("", f.read().replace("\r", ""))
    lines = text.split("\n")
    at, ok = 0, True
    for want in sys.argv[2:]:
        where = [i for i, line in enumerate(lines) if line == want]
        if len(where) != 1:
            print("check-lines: FAIL: %r is %s" % (want, "missing" if not where else
                                                   "there %d times" % len(where)))
            ok = False
        elif where[0] < at:
            print("check-lines: FAIL: %r comes before the line expected before it" % want)
            ok = False
        else:
            at = where[0]
    if ok:
        print("check-lines: %d lines, each once, in order" % (len(sys.argv) - 2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
