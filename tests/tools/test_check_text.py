"""Host tests of the framebuffer checks (tests/qemu/devices): check-text.py passes the screen it
computes and fails a character drawn twice, naming the cell; the font has 95 distinct glyphs
(two alike would hide a wrong character); check-fb.py --blank wants every pixel black. Run by
CTest (label unit) with Debian's python3."""

import importlib
import os
import subprocess
import sys
import tempfile
import unittest

DEVICES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qemu", "devices")
REPO = os.path.abspath(os.path.join(DEVICES, "..", "..", ".."))
sys.path.insert(0, DEVICES)
check_text = importlib.import_module("check-text")


def write_ppm(path, w, h, pixels):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(bytes(b for p in pixels for b in ((p >> 16) & 255, (p >> 8) & 255, p & 255)))


def run(*args):
    r = subprocess.run([sys.executable] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.returncode, r.stdout.decode()


class TextCheck(unittest.TestCase):
    def test_font_has_95_distinct_glyphs(self):
        font, k = check_text.font_table(os.path.join(REPO, "drivers", "include", "fb", "text.hh"))
        self.assertEqual(len(font), 95)
        self.assertEqual(len({tuple(g) for g in font}), 95)
        self.assertEqual(font[0], ["....."] * 7)   # the space is blank
        self.assertEqual((k["cell_w"], k["cell_h"]), (8, 16))

    def test_the_computed_screen_passes_and_a_doubled_character_fails(self):
        w, h, img, cw, ch = check_text.expected(REPO)
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.ppm")
            write_ppm(good, w, h, img)
            rc, out = run(os.path.join(DEVICES, "check-text.py"), good, REPO)
            self.assertEqual(rc, 0, out)
            self.assertIn("all 307200 pixels as written", out)
            # The first row drawn again one cell to the right (its first character drawn twice).
            bad = list(img)
            for y in range(ch):
                row = img[y * w:(y + 1) * w]
                bad[y * w:(y + 1) * w] = row[:cw] + row[:w - cw]
            path = os.path.join(d, "bad.ppm")
            write_ppm(path, w, h, bad)
            rc, out = run(os.path.join(DEVICES, "check-text.py"), path, REPO)
            self.assertEqual(rc, 1)
            self.assertRegex(out, r"pixels differ, in [0-9]+ cell\(s\) \(column, row\) \(1,0\)")

    def test_blank_screen(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.ppm")
            picture = os.path.join(REPO, "apps", "fbdemo", "picture.hh")
            write_ppm(path, 640, 480, [0] * (640 * 480))
            rc, out = run(os.path.join(DEVICES, "check-fb.py"), "--blank", path, picture)
            self.assertEqual(rc, 0, out)
            write_ppm(path, 640, 480, [0] * (640 * 480 - 1) + [0x010000])
            rc, out = run(os.path.join(DEVICES, "check-fb.py"), "--blank", path, picture)
            self.assertEqual(rc, 1)
            self.assertIn("1 of 307200 pixels differ; first: (639,479) 010000 not 000000", out)


if __name__ == "__main__":
    unittest.main()
