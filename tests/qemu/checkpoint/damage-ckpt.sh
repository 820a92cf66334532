#!/bin/sh
# damage-ckpt.sh IMAGE: beside /ck1.ckpt on the ext2 IMAGE (the migration's first boot wrote it),
# three damaged copies for the second boot to be refused: /cut.ckpt (its first 20000 bytes: cut
# off in its pages), /flipped.ckpt (one byte of its page data changed: the checksum's case) and
# /v2.ckpt (its version word made the second format's, before the threads).
# Then e2fsck checks the image. Run as the first boot's --post-check (tests/qemu/checkpoint).
set -e
PATH=$PATH:/sbin:/usr/sbin
img=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
debugfs -R "dump /ck1.ckpt $tmp/ck1.ckpt" "$img" 2>/dev/null
test -s "$tmp/ck1.ckpt"
head -c 20000 "$tmp/ck1.ckpt" > "$tmp/cut.ckpt"
cp "$tmp/ck1.ckpt" "$tmp/flipped.ckpt"
printf 'X' | dd of="$tmp/flipped.ckpt" bs=1 seek=10000 conv=notrunc 2>/dev/null
cmp -s "$tmp/ck1.ckpt" "$tmp/flipped.ckpt" && { echo "damage-ckpt: byte 10000 was X already"; exit 1; }
(cd "$tmp" && debugfs -w -R "write cut.ckpt cut.ckpt" "$img" >/dev/null 2>&1)
(cd "$tmp" && debugfs -w -R "write flipped.ckpt flipped.ckpt" "$img" >/dev/null 2>&1)
# /v2.ckpt: the same file marked as the second format's (the version word, bytes 8..11, says 2:
# a file of before the threads).
cp "$tmp/ck1.ckpt" "$tmp/v2.ckpt"
printf '\002' | dd of="$tmp/v2.ckpt" bs=1 seek=8 conv=notrunc 2>/dev/null
(cd "$tmp" && debugfs -w -R "write v2.ckpt v2.ckpt" "$img" >/dev/null 2>&1)
debugfs -R "stat /cut.ckpt" "$img" 2>/dev/null | grep -q 'Size: 20000'
e2fsck -fn "$img"
