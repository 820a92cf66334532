#!/usr/bin/python3
"""Post-check of the consoles-under-fire tests (apps/linetest): every numbered line must have
arrived once, in order, with its exact text.

    check-numbered.py serial SERIAL_LOG N    lines 1..N on the serial log, each once, in order
    check-numbered.py screen SCREEN N        the VGA screen (the runner's <log>.screen): rows
                                             0..23 are lines N-23..N, row 24 (the cursor's) empty

On the serial log the kernel console's lines ([pager] ..., [monitor] ...: the crash reports)
can land inside a console line, since both share the line by whole characters: they are taken
out first, wherever they start."""
import re
import sys

KERNEL_LINE = re.compile(r"\[(monitor|pager|root|names|arcserver|console|vgacon)\] [^\n]*\n")


def line_of(i, n):
    """apps/linetest/main.cc, line_of()."""
    payload = 8 + (i * 7) % 23
    return "LINE %03d/%d " % (i, n) + "".join(chr(ord("a") + (i + k) % 26) for k in range(payload))


def check_serial(path, n):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = KERNEL_LINE.sub("", f.read().replace("\r", ""))
    got = [line for line in text.split("\n") if re.match(r"LINE [0-9]+/", line)]
    want = [line_of(i, n) for i in range(1, n + 1)]
    if got == want:
        return "%d lines on the serial log, each once, in order" % n
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    raise SystemExit("check-numbered: FAIL: %d lines wanted, %d on the serial log; from line %d:\n"
                     "  wanted %r\n  got    %r" % (n, len(got), at + 1, want[at:at + 2], got[at:at + 2]))


def check_screen(path, n):
    with open(path, encoding="utf-8", errors="replace") as f:
        rows = f.read().split("\n")[:25]
    want = [line_of(i, n) for i in range(n - 23, n + 1)] + [""]
    rows += [""] * (25 - len(rows))
    bad = [(r, want[r], rows[r]) for r in range(25) if rows[r] != want[r]]
    if not bad:
        return "the screen shows lines %d..%d, each once, in order" % (n - 23, n)
    raise SystemExit("check-numbered: FAIL: %d rows of the screen differ; first, row %d:\n"
                     "  wanted %r\n  got    %r" % (len(bad), bad[0][0], bad[0][1], bad[0][2]))


def main():
    kind, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("check-numbered: " + (check_serial if kind == "serial" else check_screen)(path, n))


if __name__ == "__main__":
    main()
