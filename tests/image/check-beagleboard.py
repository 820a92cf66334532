#!/usr/bin/env python3
"""Check the BeagleBoard SD-card files of the armv7-beagleboard build (test image-beagleboard).

    check-beagleboard.py --kernel arc-kernel --board-header board.hh --uimage arc.uImage \
                         --script boot.scr --mkimage mkimage

arc.uImage (mkimage -l): an ARM Linux-kernel image, uncompressed, whose load address and entry
point are where the kernel expects to run: the OMAP3530's RAM base (ram_base in
kernel/platform/omap3/board.hh) plus the kernel's offset into RAM (its ELF entry, _start, minus
the direct map's base 0xc0000000 where RAM's first byte appears; kernel/arch/armv7/linker.ld).
The image's data must begin with the kernel's first loaded bytes, so that bootm, which copies the
data to the load address and jumps to the entry, runs _start.

boot.scr (mkimage -l): a U-Boot script image whose text loads arc.uImage and boots it with bootm
from an address that does not overlap the kernel's load address.

arc-shell.uImage (--shell-uimage, with --shell-config and --build-dir): the board's default
system. Its packed modules (tools/pack-image's header after the kernel) must be exactly sigma0,
the root task, the pager, every program the configuration's server lines name, every module= file
and boot.cfg, each byte for byte the file the build made.

Python standard library only.
"""

import argparse
import os
import re
import struct
import subprocess
import sys

DIRECT_MAP_BASE = 0xC0000000   # kernel/arch/armv7/include/arch/mmu.hh: kernel_base
UIMAGE_HEADER = 64


def fail(msg):
    print("check-beagleboard: FAIL: %s" % msg)
    sys.exit(1)


def mkimage_list(mkimage, path):
    r = subprocess.run([mkimage, "-l", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace")
    print("$ mkimage -l %s\n%s" % (path, out.rstrip()))
    if r.returncode:
        fail("mkimage -l %s exited with %d" % (path, r.returncode))
    return out


def field(listing, name, path):
    m = re.search(r"^%s:\s*(.+?)\s*$" % re.escape(name), listing, re.M)
    if not m:
        fail("%s: mkimage -l shows no '%s'" % (path, name))
    return m.group(1)


def kernel_facts(path):
    """The kernel ELF's entry and the file bytes of its lowest loadable segment."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        fail("%s is not a 32-bit little-endian ELF file" % path)
    (_, machine, _, entry, phoff, _, _, _, phentsize, phnum) = struct.unpack_from("<HHIIIIIHHH", elf, 16)
    if machine != 40:
        fail("%s is not an ARM kernel" % path)
    segs = []
    for i in range(phnum):
        p_type, p_offset, p_vaddr, _, p_filesz, p_memsz, _, _ = struct.unpack_from(
            "<IIIIIIII", elf, phoff + i * phentsize)
        if p_type == 1 and p_memsz:
            segs.append((p_vaddr, p_offset, p_filesz))
    if not segs:
        fail("%s has no loadable segments" % path)
    vaddr, offset, filesz = min(segs)
    return entry, vaddr, elf[offset:offset + min(filesz, 256)]


PACK_MAGIC = 0x4D435241   # tools/pack-image: "ARCM"
PACK_CMDLINE = 120


def packed_modules(path):
    """{name: bytes} of the modules packed behind the kernel in a uImage (tools/pack-image)."""
    with open(path, "rb") as f:
        data = f.read()[UIMAGE_HEADER:]
    for base in range(0, len(data) - 16, 4096):
        magic, count, total, _ = struct.unpack_from("<IIII", data, base)
        if magic == PACK_MAGIC and 0 < count <= 32 and base + total <= len(data):
            break
    else:
        fail("%s: no module pack header after the kernel" % path)
    mods = {}
    for i in range(count):
        offset, size, line = struct.unpack_from("<II%ds" % PACK_CMDLINE, data, base + 16 + i * (8 + PACK_CMDLINE))
        name = os.path.basename(line.split(b"\0", 1)[0].decode().split(" ", 1)[0])
        if name in mods:
            fail("%s: module %s packed twice" % (path, name))
        mods[name] = data[base + offset:base + offset + size]
    return mods


def config_modules(config, build):
    """{name: path} of the modules a boot configuration needs in the build tree."""
    want = {"sigma0": "servers/sigma0/sigma0", "root": "servers/root/root", "pager": "servers/pager/pager"}
    with open(config) as f:
        for line in f:
            words = line.split()
            if len(words) < 3 or words[0] != "server":
                continue
            found = [os.path.relpath(os.path.join(d, words[2]), build)
                     for d, _, files in os.walk(build) if words[2] in files and "CMakeFiles" not in d]
            if not found:
                fail("%s: no program %s in %s" % (config, words[2], build))
            want.setdefault(words[2], sorted(found, key=len)[0])
            for w in words[3:]:
                if w == "--":
                    break
                if w.startswith("module="):
                    want[w[len("module="):]] = w[len("module="):]
    want["boot.cfg"] = "configs/default-beagleboard/boot.cfg"
    return want


def check_shell(uimage, config, build):
    mods = packed_modules(uimage)
    want = config_modules(config, build)
    if set(mods) != set(want):
        fail("%s: packs %s, the configuration needs %s" % (uimage, sorted(mods), sorted(want)))
    for name, rel in sorted(want.items()):
        with open(os.path.join(build, rel), "rb") as f:
            if f.read() != mods[name]:
                fail("%s: module %s is not %s" % (uimage, name, rel))
    print("check-beagleboard: PASS: %s packs the %d modules of %s: %s"
          % (os.path.basename(uimage), len(mods), os.path.basename(config), " ".join(sorted(mods))))


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", required=True)
    p.add_argument("--board-header", required=True)
    p.add_argument("--uimage", required=True)
    p.add_argument("--script", required=True)
    p.add_argument("--mkimage", default="mkimage")
    p.add_argument("--shell-uimage")
    p.add_argument("--shell-config")
    p.add_argument("--build-dir")
    a = p.parse_args(argv)

    with open(a.board_header) as f:
        m = re.search(r"ram_base\s*=\s*(0x[0-9a-fA-F]+)", f.read())
    if not m:
        fail("no ram_base in %s" % a.board_header)
    ram_base = int(m.group(1), 16)
    entry, first_vaddr, first_bytes = kernel_facts(a.kernel)
    if entry != first_vaddr:
        fail("the kernel's entry %#x is not its first loaded byte %#x" % (entry, first_vaddr))
    expected = ram_base + (entry - DIRECT_MAP_BASE)
    print("kernel: entry %#x, RAM base %#x: expected load address and entry point %#x"
          % (entry, ram_base, expected))
    if ram_base != 0x80000000:
        fail("the OMAP3530's SDRAM (CS0) starts at 0x80000000, board.hh says %#x" % ram_base)

    listing = mkimage_list(a.mkimage, a.uimage)
    checks = [
        ("Image Type", r"ARM Linux Kernel Image \(uncompressed\)"),
        ("Load Address", r"0*%x" % expected),
        ("Entry Point", r"0*%x" % expected),
    ]
    for name, want in checks:
        got = field(listing, name, a.uimage)
        if not re.fullmatch(want, got, re.I):
            fail("%s: %s is '%s', want /%s/" % (a.uimage, name, got, want))
    with open(a.uimage, "rb") as f:
        data = f.read()
    if data[UIMAGE_HEADER:UIMAGE_HEADER + len(first_bytes)] != first_bytes:
        fail("%s: the image data does not begin with the kernel's first bytes" % a.uimage)
    size = len(data) - UIMAGE_HEADER
    if expected + size > ram_base + (128 << 20):
        fail("%s: %d bytes at %#x do not fit the BeagleBoard's 128 MiB" % (a.uimage, size, expected))

    listing = mkimage_list(a.mkimage, a.script)
    got = field(listing, "Image Type", a.script)
    if not re.fullmatch(r"ARM Linux Script \(uncompressed\)", got, re.I):
        fail("%s: Image Type is '%s', want an ARM script" % (a.script, got))
    with open(a.script, "rb") as f:
        text = f.read()[UIMAGE_HEADER + 8:].decode("utf-8", "replace")   # header, then the length table
    m = re.search(r"^\s*fatload\s+mmc\s+\S+\s+(0x[0-9a-fA-F]+)\s+arc\.uImage\s*$", text, re.M)
    if not m:
        fail("%s: no 'fatload mmc ... <addr> arc.uImage' line" % a.script)
    staging = int(m.group(1), 16)
    if not re.search(r"^\s*bootm\s+%s\s*$" % re.escape(m.group(1)), text, re.M):
        fail("%s: no 'bootm %s' after the fatload" % (a.script, m.group(1)))
    if staging < expected + size and expected < staging + len(data):
        fail("%s: arc.uImage is read to %#x, overlapping its load address %#x (%d bytes)"
             % (a.script, staging, expected, size))
    if not ram_base <= staging or staging + len(data) > ram_base + (128 << 20):
        fail("%s: arc.uImage is read to %#x, outside the 128 MiB of SDRAM" % (a.script, staging))
    print("check-beagleboard: PASS: uImage loads and enters at %#x (%d bytes), boot.scr reads it to %#x"
          % (expected, size, staging))
    if a.shell_uimage:
        with open(a.shell_uimage, "rb") as f:
            shell_size = len(f.read()) - UIMAGE_HEADER
        if staging < expected + shell_size and expected < staging + shell_size + UIMAGE_HEADER:
            fail("%s: %d bytes at %#x overlap where boot.scr reads an image (%#x)"
                 % (a.shell_uimage, shell_size, expected, staging))
        check_shell(a.shell_uimage, a.shell_config, a.build_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
