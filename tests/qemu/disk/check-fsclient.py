#!/usr/bin/env python3
"""After an ia32-ext2 run: the disk image is clean (e2fsck -fn) and holds what apps/fsclient
wrote in its last round (debugfs), plus the files the build put there.

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
