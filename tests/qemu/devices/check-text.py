#!/usr/bin/python3
"""Compare QEMU's screendump with the text console fbdemo wrote (fbdemo -- text), computed here
from the same sources: the lines (apps/fbdemo/text.hh), the console's font, cell geometry and
colours (drivers/include/fb/text.hh) and the demo's mode and background (apps/fbdemo/picture.hh).
Every pixel must match. Exit 0 when it does; else say how many differ, where the first few are,
and in which character cells.

    check-text.py SCREEN.ppm [REPO]
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


def main(argv):
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
