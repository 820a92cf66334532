"""Text as QEMU monitor `sendkey` commands (US layout), for qemu-run.py's --keys-after: a burst
of keys written to the monitor at once, without waiting for the guest between them. QEMU queues
the events and plays them `hold` ms apart (a press, the hold, the release), so the burst's pace is
QEMU's, not the runner's."""

import re

# Characters without a shift, by QEMU's key name (qapi QKeyCode).
PLAIN = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal", "[": "bracket_left",
         "]": "bracket_right", ";": "semicolon", "'": "apostrophe", "`": "grave_accent",
         "\\": "backslash", ",": "comma", ".": "dot", "/": "slash"}
# Characters typed with shift, by the key under them.
SHIFTED = {**dict(zip("!@#$%^&*()", "1234567890")),
           **{"_": "minus", "+": "equal", "{": "bracket_left", "}": "bracket_right", ":": "semicolon",
              '"': "apostrophe", "~": "grave_accent", "|": "backslash", "<": "comma", ">": "dot",
              "?": "slash"}}


def key_name(c):
    """QEMU's sendkey argument for one character."""
    if re.fullmatch(r"[a-z0-9]", c):
        return c
    if re.fullmatch(r"[A-Z]", c):
        return "shift-" + c.lower()
    if c in PLAIN:
        return PLAIN[c]
    if c in SHIFTED:
        return "shift-" + SHIFTED[c]
    raise ValueError("no key for %r" % c)


def sendkeys(text, hold_ms):
    """The monitor commands that type text (\\n as Enter), one per character."""
    return ["sendkey %s %d" % (key_name(c), hold_ms) for c in text]
