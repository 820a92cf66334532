#!/usr/bin/env python3
"""After an ia32-fileio run: the disk image is clean (e2fsck -fn) and holds what
apps/fileio-test wrote through newlib's stdio (debugfs), generated here by the program's rules
(notes_line, data_byte in apps/fileio-test/main.cc); the files it removed or never made are
not there.

    check-fileio.py IMAGE
"""
import shutil
import subprocess
import sys

NOTES_LINES = 100
APPENDED = b"appended by fileio-test\n"
DATA_BYTES = 20000


def tool(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin") or name


def notes():
    text = b"".join(b"line %03d: %d squared is %d\n" % (i, i, i * i)
                    for i in range(1, NOTES_LINES + 1))
    return text + APPENDED


def data():
    return bytes((k * 131 + k // 256) & 0xff for k in range(DATA_BYTES))


def debugfs(image, request):
    r = subprocess.run([tool("debugfs"), "-R", request, image],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.stdout


def main(image):
    r = subprocess.run([tool("e2fsck"), "-fn", image], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    print(r.stdout.decode("utf-8", "replace").rstrip())
    failed = 0
    if r.returncode != 0:
        print("check: e2fsck -fn exited with %d: the image is not clean" % r.returncode)
        failed += 1
    for path, want in (("/fileio/notes.txt", notes()), ("/fileio/data.bin", data()),
                       ("/fileio/after-cold", b"again\n")):
        got = debugfs(image, "cat " + path)
        if got != want:
            same = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]),
                        min(len(got), len(want)))
            print("check: %s has %d bytes, wanted %d; they differ from byte %d"
                  % (path, len(got), len(want), same))
            failed += 1
        else:
            print("check: %s: %d bytes as written" % (path, len(got)))
    names = debugfs(image, "ls /fileio").decode("utf-8", "replace").split()
    # What names() made through newlib: a fast symlink, a renamed file with a second name and
    # the attributes it set; the files renamed away and the disk-filling file are gone.
    if b'Fast link dest: "notes.txt"' not in debugfs(image, "stat /fileio/link"):
        print("check: /fileio/link is not a fast symlink to notes.txt")
        failed += 1
    for path in ("/fileio/c.txt", "/fileio/d.txt"):
        if debugfs(image, "cat " + path) != b"A\n":
            print("check: %s does not hold the renamed file" % path)
            failed += 1
    st = debugfs(image, "stat /fileio/c.txt")
    for want in (b"Links: 2", b"Mode:  0600", b"mtime: 0x47868c00"):
        if want not in st:
            print("check: /fileio/c.txt: no '%s' in debugfs stat" % want.decode())
            failed += 1
    for gone in ("scratch.txt", "missing.txt", "a.txt", "b.txt", "fill"):
        if gone in names:
            print("check: /fileio/%s should not exist: %s" % (gone, " ".join(names)))
            failed += 1
    print("check: %s" % ("image clean, contents as written" if not failed
                         else "%d problems" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
