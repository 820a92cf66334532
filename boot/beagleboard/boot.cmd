# U-Boot script of the BeagleBoard (OMAP3530) SD card, compiled into boot.scr by the
# armv7-beagleboard build (mkimage -A arm -T script; boot/CMakeLists.txt). U-Boot runs boot.scr
# from the card's first (FAT) partition when it finds one; see docs/beagleboard.md.
#
# arc.uImage is read to 0x82000000, clear of where it runs, and bootm copies the image to its load
# address 0x80010000 (64 KiB into SDRAM, where the kernel is linked to run) and jumps to it.
echo Arc: loading arc.uImage from mmc 0:1
mmc rescan
fatload mmc 0:1 0x82000000 arc.uImage
bootm 0x82000000
