#!/bin/sh
# damage-ckpt.sh IMAGE: beside /ck1.ckpt on the ext2 IMAGE (the migration's first boot wrote it),
# three damaged copies for the second boot to be refused: /cut.ckpt (its first 20000 bytes: cut
# off in its pages), /flipped.ckpt (one byte of its page data changed: the checksum's case) and
# /v1.ckpt (its version word made the first format's).
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
# /v1.ckpt: the same file marked as the first format's (the version word, bytes 8..11, says 1).
cp "$tmp/ck1.ckpt" "$tmp/v1.ckpt"
printf '\001' | dd of="$tmp/v1.ckpt" bs=1 seek=8 conv=notrunc 2>/dev/null
(cd "$tmp" && debugfs -w -R "write v1.ckpt v1.ckpt" "$img" >/dev/null 2>&1)
debugfs -R "stat /cut.ckpt" "$img" 2>/dev/null | grep -q 'Size: 20000'
e2fsck -fn "$img"
