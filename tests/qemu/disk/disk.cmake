# The disk image of the file-system tests: an 8 MiB ext2 file system made by Debian's mke2fs -d
# from tests/qemu/disk/tree (package e2fsprogs), as <target build>/disk.img. Included by
# boot/CMakeLists.txt in the ia32-pc target build. Tests boot a copy of it (qemu-run.py
# --disk-copy), so runs never share or change this one.
find_program(ARC_MKE2FS mke2fs PATHS /usr/sbin /sbin NO_CMAKE_FIND_ROOT_PATH)
if(NOT ARC_MKE2FS)
  message(FATAL_ERROR "The disk image needs mke2fs: apt-get install e2fsprogs (tools/arc does it)")
endif()
set(disk_tree ${CMAKE_CURRENT_LIST_DIR}/tree)
file(GLOB_RECURSE disk_files CONFIGURE_DEPENDS ${disk_tree}/*)
set(disk_img ${CMAKE_BINARY_DIR}/disk.img)
# Written to a temporary name first: a failed mke2fs leaves no image that looks up to date.
# -E root_owner: files owned by root whoever builds; the timestamps of the tree do not matter.
add_custom_command(OUTPUT ${disk_img}
  COMMAND ${CMAKE_COMMAND} -E remove -f ${disk_img}.tmp
  COMMAND ${ARC_MKE2FS} -q -F -t ext2 -E root_owner=0:0 -L arc-test -d ${disk_tree} ${disk_img}.tmp 8M
  COMMAND ${CMAKE_COMMAND} -E rename ${disk_img}.tmp ${disk_img}
  DEPENDS ${disk_files} ${CMAKE_CURRENT_LIST_FILE}
  COMMENT "Making the ext2 disk image ${disk_img} (mke2fs -d)"
  VERBATIM)
add_custom_target(disk-image ALL DEPENDS ${disk_img})

# The disk of the disk benchmark (boot/configs/bench-disk*.cfg, tests/qemu/disk/diskbench.py):
# an empty 64 MiB ext2 with 1 KiB blocks, as <target build>/bench/disk.img (the RAM disk's
# boot module must be called disk.img).
set(bench_disk_img ${CMAKE_BINARY_DIR}/bench/disk.img)
add_custom_command(OUTPUT ${bench_disk_img}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/bench
  COMMAND ${CMAKE_COMMAND} -E remove -f ${bench_disk_img}.tmp
  COMMAND ${ARC_MKE2FS} -q -F -t ext2 -b 1024 -E root_owner=0:0 -L arc-bench ${bench_disk_img}.tmp 64M
  COMMAND ${CMAKE_COMMAND} -E rename ${bench_disk_img}.tmp ${bench_disk_img}
  DEPENDS ${CMAKE_CURRENT_LIST_FILE}
  COMMENT "Making the disk benchmark's empty ext2 image ${bench_disk_img} (mke2fs)"
  VERBATIM)
add_custom_target(bench-disk-image ALL DEPENDS ${bench_disk_img})

# A damaged copy of disk.img whose mount the ext2 server refuses (tests/qemu/fs/test-ext2-refused.cfg,
# tests/qemu ia32-ext2-refused): group 0's inode table moved past the end of the disk (debugfs
# set_bg), as <target build>/bad-disk.img.
find_program(ARC_DEBUGFS debugfs PATHS /usr/sbin /sbin NO_CMAKE_FIND_ROOT_PATH)
set(bad_disk_img ${CMAKE_BINARY_DIR}/bad-disk.img)
add_custom_command(OUTPUT ${bad_disk_img}
  COMMAND ${CMAKE_COMMAND} -E copy ${disk_img} ${bad_disk_img}.tmp
  COMMAND ${ARC_DEBUGFS} -w -R "set_bg 0 inode_table 99999999" ${bad_disk_img}.tmp
  COMMAND ${CMAKE_COMMAND} -E rename ${bad_disk_img}.tmp ${bad_disk_img}
  DEPENDS ${disk_img} ${CMAKE_CURRENT_LIST_FILE}
  COMMENT "Making the damaged disk image ${bad_disk_img} (debugfs set_bg)"
  VERBATIM)
add_custom_target(bad-disk-image ALL DEPENDS ${bad_disk_img})
