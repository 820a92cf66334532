#!/usr/bin/env python3
"""After an ia32-ext2 run: the disk image is clean (e2fsck -fn) and holds what apps/fsclient
wrote in its last round (debugfs), plus the files the build put there, and what its names()
left under /names: a fast and a slow symlink, a hard link renamed over another file, a 255-byte
name, a file at the end of a path of over 1,024 bytes, a directory moved into another, the
attributes it set; the disk-filling file is gone again.

    check-fsclient.py IMAGE ROUNDS FILES
"""
import os
import shutil
import subprocess
import sys

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
TREE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tree")


def tool(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin") or name


def content(rnd, i):
    size = 1000 + (rnd * 7919 + i * 3571) % 30000
    return "".join(ALPHABET[(k * 7 + rnd * 13 + i * 31) % 36] for k in range(size)).encode()


def cat(image, path):
    r = subprocess.run([tool("debugfs"), "-R", "cat " + path, image],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.stdout


LINK_DATA = b"the target of the links\n"
SLOW_TARGET = b"/names/" + b"./" * 24 + b"target"
LONG_PATH = "/names" + "".join("/" + chr(ord("a") + d) * 200 for d in range(5)) + "/" + "n" * 255


def debugfs(image, request):
    return subprocess.run([tool("debugfs"), "-R", request, image], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")


def check_names(image):
    """What apps/fsclient's names() left; the number of problems."""
    problems = []
    if 'Fast link dest: "target"' not in debugfs(image, "stat /names/fast"):
        problems.append("/names/fast is not a fast link to target")
    if cat(image, "/names/slow") != SLOW_TARGET:
        problems.append("/names/slow does not hold its target in a block")
    if cat(image, "/names/victim") != LINK_DATA:
        problems.append("/names/victim is not the renamed hard link")
    target = debugfs(image, "stat /names/target")
    for want in ("Links: 2", "Mode:  0600", "User:  1000   Group:   100",
                 "mtime: 0x47868c00", "atime: 0x3b9aca00"):
        if want not in target:
            problems.append("/names/target: no '%s' in debugfs stat" % want)
    if cat(image, "/names/" + "n" * 255) != b"255\n":
        problems.append("the 255-byte name is missing")
    if cat(image, LONG_PATH) != b"deep\n":
        problems.append("the file at the end of the long path is missing")
    listing = debugfs(image, "ls /names")
    if "moved" not in debugfs(image, "ls /names/d2") or " d1 " in listing:
        problems.append("/names/d1 was not moved to /names/d2/moved")
    for gone in ("hard", "renamed", "fill"):
        if (" %s " % gone) in listing or listing.rstrip().endswith(" " + gone):
            problems.append("/names/%s should not exist" % gone)
    for p in problems:
        print("check: " + p)
    if not problems:
        print("check: /names: links, long name and path, rename and attributes as made")
    return len(problems)


def main(image, rounds, files):
    r = subprocess.run([tool("e2fsck"), "-fn", image], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    print(r.stdout.decode("utf-8", "replace").rstrip())
    failed = 0
    if r.returncode != 0:
        print("check: e2fsck -fn exited with %d: the image is not clean" % r.returncode)
        failed += 1
    for i in range(files):
        path = "/fsclient/f%d" % i
        want, got = content(rounds - 1, i), cat(image, path)
        if got != want:
            print("check: %s has %d bytes, wanted %d (round %d)" % (path, len(got), len(want), rounds - 1))
            failed += 1
        else:
            print("check: %s: %d bytes as written in round %d" % (path, len(got), rounds - 1))
    for root, _, names in os.walk(TREE):
        for n in names:
            host = os.path.join(root, n)
            path = "/" + os.path.relpath(host, TREE)
            with open(host, "rb") as f:
                if cat(image, path) != f.read():
                    print("check: %s differs from the build's tree" % path)
                    failed += 1
    failed += check_names(image)
    ls = subprocess.run([tool("debugfs"), "-R", "ls -l /fsclient", image],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    if "tmp" in ls:
        print("check: scratch entries left in /fsclient:\n" + ls)
        failed += 1
    print("check: %s" % ("image clean, contents as written" if not failed else "%d problems" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
