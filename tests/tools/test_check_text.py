"""Host tests of the framebuffer checks (tests/qemu/devices): check-text.py passes the screen it
computes and fails a character drawn twice, naming the cell; the font has 95 distinct glyphs
(two alike would hide a wrong character); check-fb.py --blank wants every pixel black;
check-text.py --shell passes the shell's lines drawn once up to the last command typed (the lines
after it perhaps begun), with --from the lines from a cold restart on, and fails a line drawn
twice, a line lost and a cell that is no glyph. Run by
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


def render(lines, last=""):
    """The screen the console draws for these lines and an unfinished last one (the font's own
    drawing, as check-text.py computes it), on the console's background."""
    font, k = check_text.font_table(os.path.join(REPO, "drivers", "include", "fb", "text.hh"))
    cells = {c: p for p, c in check_text.glyph_cells(font, k).items()}
    w, h, cw, ch = 640, 480, k["cell_w"], k["cell_h"]
    img = [k["text_bg"]] * (w * h)
    for r, line in enumerate(lines + [last]):
        for c, char in enumerate(line):
            px = cells[char]
            for y in range(ch):
                img[(r * ch + y) * w + c * cw:(r * ch + y) * w + c * cw + cw] = px[y * cw:y * cw + cw]
    return w, h, img


class ShellCheck(unittest.TestCase):
    LOG = ("arc: boot\r\nmsh: Arc micro shell, pid 4 (type help)\r\nmsh> echo one\r\none\r\n"
           "[monitor] fb (pid 3): crash at 10 ip 0. hot restart #1\r\n"
           "msh> echo two\r\ntwo\r\nmsh> echo end\r\nend\r\nmsh> ")
    SHELL = ["msh: Arc micro shell, pid 4 (type help)", "msh> echo one", "one", "msh> echo two", "two"]


    def check(self, lines, last=""):
        with tempfile.TemporaryDirectory() as d:
            log, screen = os.path.join(d, "log"), os.path.join(d, "s.ppm")
            with open(log, "w") as f:
                f.write(self.LOG)
            write_ppm(screen, *render(lines, last))
            return run(os.path.join(DEVICES, "check-text.py"), "--shell", screen, log, "msh> echo two", REPO)

    def test_the_shell_lines_pass_up_to_until_and_the_next_ones_perhaps_begun(self):
        # "msh> echo two" is UNTIL: drawn for sure; "two", "msh> echo end"... perhaps.
        for lines, last in ((self.SHELL[:4], ""), (self.SHELL[:4], "t"), (self.SHELL, ""),
                            (self.SHELL, "msh> ec"), (self.SHELL + ["msh> echo end", "end"], "msh>")):
            rc, out = self.check(lines, last)
            self.assertEqual(rc, 0, out)
            self.assertIn("the screen holds the shell's", out)

    def test_a_line_twice_or_lost_fails(self):
        rc, out = self.check(self.SHELL[:3] + ["one"] + self.SHELL[3:])
        self.assertEqual(rc, 1)
        self.assertIn("first difference at row 3: screen 'one', shell 'msh> echo two'", out)
        rc, out = self.check(self.SHELL[:2] + self.SHELL[3:])
        self.assertEqual(rc, 1)
        self.assertIn("first difference at row 2", out)
        rc, out = self.check(self.SHELL[:3], "msh> echo")   # UNTIL's line not drawn whole
        self.assertEqual(rc, 1)
        rc, out = self.check(self.SHELL + ["two"])   # drawn twice after UNTIL
        self.assertEqual(rc, 1)

    def test_from_a_cold_restart_on(self):
        with tempfile.TemporaryDirectory() as d:
            log, screen = os.path.join(d, "log"), os.path.join(d, "s.ppm")
            with open(log, "w") as f:
                f.write(self.LOG)
            check = os.path.join(DEVICES, "check-text.py")
            write_ppm(screen, *render(self.SHELL[3:]))
            rc, out = run(check, "--shell", "--from", "msh> echo two", screen, log, "msh> echo two", REPO)
            self.assertEqual(rc, 0, out)
            rc, out = run(check, "--shell", screen, log, "msh> echo two", REPO)   # not from the start
            self.assertEqual(rc, 1)
            write_ppm(screen, *render(self.SHELL[2:]))   # a line from before the restart stayed
            rc, out = run(check, "--shell", "--from", "msh> echo two", screen, log, "msh> echo two", REPO)
            self.assertEqual(rc, 1)

    def test_a_cell_that_is_no_glyph_fails(self):
        with tempfile.TemporaryDirectory() as d:
            log, screen = os.path.join(d, "log"), os.path.join(d, "s.ppm")
            with open(log, "w") as f:
                f.write(self.LOG)
            w, h, img = render(self.SHELL)
            img[16 * w + 8 + 3] = 0xffffff   # one pixel in cell (1,1)
            write_ppm(screen, w, h, img)
            rc, out = run(os.path.join(DEVICES, "check-text.py"), "--shell", screen, log, "msh> echo two", REPO)
            self.assertEqual(rc, 1)
            self.assertIn("1 cell(s) are no glyph of the font (column, row): (1,1)", out)


if __name__ == "__main__":
    unittest.main()
