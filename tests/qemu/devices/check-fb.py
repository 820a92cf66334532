#!/usr/bin/env python3
"""Compare QEMU's screendump (a binary PPM) with the picture apps/fbdemo draws, computed here from
the same description (apps/fbdemo/picture.hh): every pixel must match. Exit 0 when it does; else
say how many differ and where the first few are.

    check-fb.py SCREEN.ppm PICTURE.hh
    check-fb.py --blank SCREEN.ppm PICTURE.hh   every pixel black, at the picture's size (the
                                                screen a cold restart of the driver left)
"""
import re
import sys


def constants(path):
    """The `constexpr uint32_t NAME = VALUE;` and `NAME[N] = {...};` lines of picture.hh."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    c = {}
    for name, value in re.findall(r"constexpr uint32_t (\w+) = (0x[0-9a-fA-F]+|\d+);", text):
        c[name] = int(value, 0)
    for name, values in re.findall(r"constexpr uint32_t (\w+)\[\d+\] = \{([^}]*)\};", text):
        c[name] = [int(v.strip(), 0) for v in values.split(",") if v.strip()]
    return c


def expected(c):
    w, h = c["width"], c["height"]
    img = [c["background"]] * (w * h)

    def fill(x0, y0, fw, fh, colour):
        for y in range(y0, y0 + fh):
            img[y * w + x0:y * w + x0 + fw] = [colour] * fw

    for i in range(8):
        fill(c["bar_x0"] + i * c["bar_step"], c["bar_y"], c["bar_w"], c["bar_h"], c["bar_colour"][i])
    t = c["tile"]
    for bx in (c["tile_ax"], c["tile_bx"]):
        for y in range(t):
            for x in range(t):
                img[(c["tile_y"] + y) * w + bx + x] = ((2 * x) & 0xff) << 16 | ((2 * y) & 0xff) << 8 | ((x ^ y) & 0xff)
    last = c["sq_x0"] + (c["frames"] - 1) * c["sq_step"]
    fill(last, c["sq_y"], c["sq"], c["sq"], c["sq_colour"])
    return w, h, img


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:   # magic, width, height, maxval; comments start with '#'
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise SystemExit("check-fb: %s is not an 8-bit binary PPM" % path)
    w, h = int(fields[1]), int(fields[2])
    pix = data[pos + 1:pos + 1 + 3 * w * h]
    return w, h, [pix[i] << 16 | pix[i + 1] << 8 | pix[i + 2] for i in range(0, len(pix), 3)]


def main():
    args = sys.argv[1:]
    blank = args[:1] == ["--blank"]
    if blank:
        args = args[1:]
    if len(args) != 2:
        raise SystemExit(__doc__)
    sw, sh, screen = read_ppm(args[0])
    w, h, want = expected(constants(args[1]))
    if blank:
        want = [0] * (w * h)
    if (sw, sh) != (w, h):
        print("check-fb: the screen is %dx%d, the picture %dx%d" % (sw, sh, w, h))
        return 1
    bad = [i for i in range(w * h) if screen[i] != want[i]]
    if bad:
        print("check-fb: %d of %d pixels differ; first: %s" % (len(bad), w * h, ", ".join(
            "(%d,%d) %06x not %06x" % (i % w, i // w, screen[i], want[i]) for i in bad[:5])))
        return 1
    print("check-fb: all %d pixels %s (%dx%d)" % (w * h, "black" if blank else "as drawn", w, h))
    return 0


if __name__ == "__main__":
    sys.exit(main())
