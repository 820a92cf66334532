#!/usr/bin/python3
"""Compare QEMU's screendump with the text console fbdemo wrote (fbdemo -- text), computed here
from the same sources: the lines (apps/fbdemo/text.hh), the console's font, cell geometry and
colours (drivers/include/fb/text.hh) and the demo's mode and background (apps/fbdemo/picture.hh).
Every pixel must match. Exit 0 when it does; else say how many differ, where the first few are,
and in which character cells.

    check-text.py SCREEN.ppm [REPO]
    check-text.py --shell [--from TEXT] SCREEN.ppm LOG UNTIL [REPO]

With --shell the screen is the shell's console (msh --fb, docs/console.md): it is read back cell
by cell (every cell must be one of the font's glyphs drawn exactly, light on the console's dark
blue, the whole screen that colour behind), and its rows must be the lines the shell printed on
the serial console, in order, each once: the serial log from the shell's first line on, without
the lines other programs print (those that begin with '[', or follow a prompt), at least up to the first line that
holds UNTIL (a command typed last: its line is drawn before it runs), each once, in order; rows
after it must be the shell's next lines (drawn while the screendump was coming), the last one
perhaps only begun. Trailing spaces do not count (a cleared cell and a space look the same).
With --from, the screen begins at the first of those lines that holds TEXT (the driver was
restarted cold there: the new one starts on a cleared screen).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from importlib import import_module  # noqa: E402

check_fb = import_module("check-fb")


def c_strings(text):
    """The C string literals of `text`, unescaped (\\\\, \\" and \\' only: what the sources use)."""
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', text):
        out.append(re.sub(r"\\(.)", r"\1", m.group(1)))
    return out


def font_table(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    table = text[text.index("font[95][7] = {"):text.index("};", text.index("font[95][7]"))]
    rows = c_strings(re.sub(r"//[^\n]*", "", table))   # each glyph's comment names it
    if len(rows) != 95 * 7 or any(len(r) != 5 or set(r) - set(".#") for r in rows):
        raise SystemExit("check-text: %s: the font is not 95 glyphs of 7 rows of 5" % path)
    consts = {n: int(v, 0) for n, v in
              re.findall(r"constexpr uint32_t (?:\w+ = [^,;]+, )*?(\w+) = (0x[0-9a-fA-F]+|\d+)", text)}
    for n, v in re.findall(r"(\w+) = (0x[0-9a-fA-F]+|\d+)[,;]", text):
        consts.setdefault(n, int(v, 0))
    return [rows[i * 7:i * 7 + 7] for i in range(95)], consts


def expected(repo):
    pic = check_fb.constants(os.path.join(repo, "apps", "fbdemo", "picture.hh"))
    font, k = font_table(os.path.join(repo, "drivers", "include", "fb", "text.hh"))
    with open(os.path.join(repo, "apps", "fbdemo", "text.hh"), encoding="utf-8") as f:
        body = f.read()
    lines = c_strings(body[body.index("text_lines[]"):])
    w, h = pic["width"], pic["height"]
    cw, ch, gx, gy = k["cell_w"], k["cell_h"], k["glyph_x"], k["glyph_y"]
    fg, bg = k["text_fg"], k["text_bg"]
    img = [pic["background"]] * (w * h)
    cols, rows = w // cw, h // ch
    cell = 0

    def clear_row(r):
        for y in range(r * ch, r * ch + ch):
            img[y * w:y * w + cols * cw] = [bg] * (cols * cw)

    for c in "\n".join(lines) + "\n":
        if c == "\n":
            nxt = (cell // cols + 1) % rows * cols
        else:
            g = font[ord(c) - 32]
            x0, y0 = cell % cols * cw, cell // cols * ch
            for y in range(ch):
                for x in range(cw):
                    lit = gx <= x < gx + 5 and gy <= y < gy + 14 and g[(y - gy) // 2][x - gx] == "#"
                    img[(y0 + y) * w + x0 + x] = fg if lit else bg
            nxt = (cell + 1) % (cols * rows)
        if nxt % cols == 0:
            clear_row(nxt // cols)
        cell = nxt
    return w, h, img, cw, ch


def glyph_cells(font, k):
    """Each printable character's cell as a tuple of pixels, and the character for each."""
    cw, ch, gx, gy = k["cell_w"], k["cell_h"], k["glyph_x"], k["glyph_y"]
    cells = {}
    for i, g in enumerate(font):
        cells[tuple(k["text_fg"] if gx <= x < gx + 5 and gy <= y < gy + 14 and
                    g[(y - gy) // 2][x - gx] == "#" else k["text_bg"]
                    for y in range(ch) for x in range(cw))] = chr(32 + i)
    return cells


def read_screen(screen, w, h, font, k):
    """The screen's text, row by row (trailing spaces dropped), or the cells that are no glyph."""
    cw, ch = k["cell_w"], k["cell_h"]
    cells = glyph_cells(font, k)
    rows, bad = [], []
    for r in range(h // ch):
        row = ""
        for c in range(w // cw):
            px = tuple(screen[(r * ch + y) * w + c * cw + x] for y in range(ch) for x in range(cw))
            ch_ = cells.get(px)
            if ch_ is None:
                bad.append((c, r))
                ch_ = "?"
            row += ch_
        rows.append(row.rstrip())
    while rows and not rows[-1]:
        rows.pop()
    return rows, bad


def shell_lines(log, until, start=None):
    """What the shell printed on the serial console: the log from its first line on, without other
    programs' lines; and how many of them must be on the screen (up to the one holding UNTIL)."""
    with open(log, encoding="utf-8", errors="replace") as f:
        text = f.read().replace("\r", "")
    lines = text.split("\n")
    first = next((i for i, l in enumerate(lines) if l.startswith("msh: Arc micro shell")), None)
    if first is None:
        raise SystemExit("check-text: %s: the shell's first line is not in the log" % log)
    # Another program's line may begin right after a prompt the shell printed (it runs first):
    # the prompt is the shell's, and the shell's next line on the serial console goes on after
    # it on the screen's row.
    out, carry = [], ""
    for l in lines[first:]:
        m = re.match(r"^((?:msh> )+)\[", l)
        if m:
            carry += m.group(1)
            continue
        if l.startswith("["):
            continue
        out.append((carry + l).rstrip())
        carry = ""
    if start is not None:
        begin = next((i for i, l in enumerate(out) if start in l), None)
        if begin is None:
            raise SystemExit("check-text: %s: no line of the shell holds %r" % (log, start))
        out = out[begin:]
    need = next((i + 1 for i, l in enumerate(out) if until in l), None)
    if need is None:
        raise SystemExit("check-text: %s: no line of the shell holds %r" % (log, until))
    return out, need


def shell_main(argv):
    start = None
    if len(argv) > 2 and argv[1] == "--from":
        start = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) not in (4, 5):
        raise SystemExit(__doc__)
    repo = argv[4] if len(argv) == 5 else os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    font, k = font_table(os.path.join(repo, "drivers", "include", "fb", "text.hh"))
    w, h, screen = check_fb.read_ppm(argv[1])
    if w % k["cell_w"] or h % k["cell_h"]:
        print("check-text: the screen is %dx%d, not whole cells" % (w, h))
        return 1
    rows, bad = read_screen(screen, w, h, font, k)
    if bad:
        print("check-text: %d cell(s) are no glyph of the font (column, row): %s" % (
            len(bad), " ".join("(%d,%d)" % c for c in bad[:8])))
        return 1
    want, need = shell_lines(argv[2], argv[3], start)
    if need > h // k["cell_h"]:
        print("check-text: the shell printed %d lines, more than the console's %d rows" % (
            need, h // k["cell_h"]))
        return 1
    # The screendump was taken after UNTIL's line was drawn: the screen holds the shell's lines up
    # to it at least; what the shell went on drawing meanwhile must be its next lines, the last
    # perhaps only begun.
    n = len(rows)
    if n > need and n <= len(want) and want[n - 1].startswith(rows[-1]):
        ok = rows[:-1] == want[:n - 1]
    else:
        ok = rows == want[:n]
    if not ok or n < need:
        i = next((i for i in range(max(n, need)) if i >= n or i >= len(want) or rows[i] != want[i]),
                 n)
        print("check-text: the screen has %d rows of text, the shell printed %d lines up to %r; "
              "first difference at row %d: screen %r, shell %r" % (
                  n, need, argv[3], i, rows[i] if i < n else None, want[i] if i < len(want) else None))
        return 1
    print("check-text: the screen holds the shell's %d lines, each once, in order (%dx%d)" % (
        n, w, h))
    return 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--shell":
        return shell_main(argv[1:])
    if len(argv) not in (2, 3):
        raise SystemExit(__doc__)
    repo = argv[2] if len(argv) == 3 else os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    sw, sh, screen = check_fb.read_ppm(argv[1])
    w, h, want, cw, ch = expected(repo)
    if (sw, sh) != (w, h):
        print("check-text: the screen is %dx%d, the console %dx%d" % (sw, sh, w, h))
        return 1
    bad = [i for i in range(w * h) if screen[i] != want[i]]
    if bad:
        cells = sorted({(i % w // cw, i // w // ch) for i in bad})
        print("check-text: %d of %d pixels differ, in %d cell(s) (column, row) %s; first: %s" % (
            len(bad), w * h, len(cells), " ".join("(%d,%d)" % c for c in cells[:8]), ", ".join(
                "(%d,%d) %06x not %06x" % (i % w, i // w, screen[i], want[i]) for i in bad[:4])))
        return 1
    print("check-text: all %d pixels as written (%dx%d)" % (w * h, w, h))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
