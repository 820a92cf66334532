# File-system scenarios beyond the per-board blocks: refused mounts, ext2 restarts on the RAM
# disk, a full disk.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test, arc_config_modules and the
# patterns several areas share.)

# arc_ext2_refused(prefix target label dir config [runner-args...]): <prefix>-ext2-refused, a
# mount ext2 refuses on a damaged disk (the configuration's); the extra arguments attach it.
function(arc_ext2_refused prefix target label dir config)
  arc_config_modules(system ${dir} ${config})
  set(log ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-ext2-refused.log)
  arc_qemu_test(NAME ${prefix}-ext2-refused TARGET ${target} LABEL ${label} TIMEOUT 180
    ARGS --kernel ${dir}/kernel/arc-kernel ${system} ${ARGN}
         --expect [=[^\[ext2\] cannot mount: corrupt file system \(group descriptor points outside the disk\)$]=]
         --expect [=[^\[monitor\] ext2 \(pid [0-9]+\): exit at [0-9a-f]+ ip 0. hot restart #1$]=]
         --expect [=[^\[monitor\] ext2: stopped$]=]
         --expect [=[^FSCLIENT: ERROR no fs server \([a-z_]+\): no file system to work on$]=]
         --expect [=[^\[pager\] fsclient \(pid [0-9]+\) exited with status 1$]=]
         --fail [=[^FSCLIENT: (round|names ok)]=]
         --fail [=[^\[panic\]]=]
         --post-check "test $(grep -c '^FSCLIENT: ERROR' ${log}) -eq 1"
         --exit-status none)
endfunction()

# arc_arm_ext2_restart(target label dir kind [UNTIMED]): restart scenario 1 on an ARM board's RAM
# disk, as ia32-ext2-<kind>: ext2 crashed three times (the injector, through the monitor) under
# fsclient, which writes and reads files; each crash restarted <kind> (hot or warm, the boot
# configuration test-ext2-ram-<kind>), no client error, no other kind of restart, and the image,
# saved from guest memory, clean and right on the host (check-fsclient.py). Registers
# <target>-ext2-<kind>. UNTIMED as for arc_restart_scenarios: no pager phase line.
# (No ';' in these regular expressions: a CMake list would split them.)
function(arc_arm_ext2_restart target label dir kind)
  cmake_parse_arguments(E "UNTIMED" "" "" ${ARGN})
  set(name ${target}-ext2-${kind})
  set(disk qemu-logs/${name}.disk.img)
  if(kind STREQUAL "hot")
    set(other [=[warm restart|cold restart]=])
  elseif(kind STREQUAL "warm")
    set(other [=[hot restart #|cold restart]=])
  else()
    message(FATAL_ERROR "arc_arm_ext2_restart: kind ${kind} is neither hot nor warm")
  endif()
  set(crash "^\\[monitor\\] ext2 \\(pid [0-9]+\\): crash at 10 .*. ${kind} restart")
  set(expects
    --expect ${ramdisk_ready}
    --expect "${crash} #1$"
    --expect [=[^\[ext2\] recovered: ]=])
  if(NOT E_UNTIMED AND kind STREQUAL "warm")
    list(APPEND expects --expect [=[^\[pager\] ext2: warm restart phases: ]=])
  endif()
  list(APPEND expects
    --expect "${crash} #2$"
    --expect "${crash} #3$"
    --expect [=[^INJECTOR: 3 of 3 crash faults armed in ext2$]=]
    --expect [=[^FSCLIENT: 60 rounds, 0 errors$]=]
    --expect [=[^\[pager\] fsclient \(pid [0-9]+\) exited with status 0$]=])
  arc_config_modules(system ${dir} test-ext2-ram-${kind})
  arc_qemu_test(NAME ${name} TARGET ${target} LABEL ${label} TIMEOUT 180
    ARGS --kernel ${dir}/kernel/arc-kernel ${system}
         ${expects}
         --fail [=[^FSCLIENT: ERROR]=]
         --fail [=[process stopped]=]
         --fail [=[: stopped$]=]
         --fail [=[^\[panic\]]=]
         --fail ${other}
         --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} ${disk}"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/${disk} 60 3"
         --exit-status none)
endfunction()

# The ext2 server on a full disk (apps/fsclient's third argument `fill`): after its names work
# (symlinks, a 255-byte name, a long path, link, rename, attributes; every scenario above runs
# that too) fsclient writes 16,000-byte pieces until the disk is full and checks that the counts
# the server reported, the failing write's part included, add up to the file's size; then it
# removes the file and runs 2 rounds. ia32 (PATA) and armv7-qemu-virt (RAM disk); the image is
# checked on the host as for <target>-ext2 (check-fsclient.py). Boot configurations:
# tests/qemu/fs/test-ext2-full.cfg, test-ext2-ram-full.cfg.
set(ext2_full_expect
  --expect [=[^FSCLIENT: names ok: symlinks, a 255-byte name, a 1267-byte path, link, rename$]=]
  --expect [=[^FSCLIENT: disk full: ([0-9]+) bytes written, the last write [1-9][0-9]* of 16000, the file \1$]=]
  --expect [=[^FSCLIENT: 2 rounds, 0 errors$]=]
  --expect [=[^\[pager\] fsclient \(pid [0-9]+\) exited with status 0$]=]
  --fail [=[^FSCLIENT: ERROR]=]
  --fail [=[process stopped]=]
  --fail [=[^\[panic\]]=])
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  arc_config_modules(full_system ${ia32} test-ext2-full)
  arc_qemu_test(NAME ia32-ext2-full TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 180
    ARGS --kernel ${ia32}/kernel/arc-kernel ${full_system}
         --disk-copy ${ia32}/disk.img ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ext2-full.disk.img
         --expect [=[^\[ext2\] mounted: 1 KiB blocks]=]
         ${ext2_full_expect}
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ext2-full.disk.img 2 3"
         --exit-status none)
  set_tests_properties(ia32-ext2-full PROPERTIES RUN_SERIAL TRUE)
endif()
if("armv7-qemu-virt" IN_LIST ARC_TARGETS)
  set(dir ${CMAKE_BINARY_DIR}/armv7-qemu-virt)
  arc_config_modules(full_system ${dir} test-ext2-ram-full)
  arc_qemu_test(NAME armv7-qemu-virt-ext2-full TARGET armv7-qemu-virt LABEL qemu-armv7-virt
    TIMEOUT 180
    ARGS --kernel ${dir}/kernel/arc-kernel ${full_system}
         --expect ${ramdisk_ready}
         ${ext2_full_expect}
         --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} qemu-logs/armv7-qemu-virt-ext2-full.disk.img"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/qemu-logs/armv7-qemu-virt-ext2-full.disk.img 2 3"
         --exit-status none)
endif()

# A mount the ext2 server refuses (issue 16; tests/qemu/fs/test-ext2-refused.cfg, on the ARM
# boards test-ext2-ram-refused.cfg): the disk is the build's image with group 0's inode table
# moved past its end (tests/qemu/disk/disk.cmake, bad-disk.img). ext2 logs why and fails; the
# monitor applies its policy (restarts, then stops it); fsclient gets one clear error from its
# connection instead of waiting, and reports it once.
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  arc_ext2_refused(ia32 ia32-pc qemu-ia32 ${ia32} test-ext2-refused
    --disk-copy ${ia32}/bad-disk.img ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ext2-refused.disk.img)
  set_tests_properties(ia32-ext2-refused PROPERTIES RUN_SERIAL TRUE)
endif()

# ext2's complaint about a device error, end to end (issue 10; docs/restarts.md, complaints):
# QEMU's blkdebug fails reads of a file's first block (the runner's --disk-read-error). The PATA
# driver answers each such transfer `cancelled` (a device error), and ext2 sends it once more. One
# failure (hello.txt) is absorbed by that retry: the file reads, nobody complains. Two in a row
# (README) are a device error for ext2: it complains to the monitor, which restarts the driver by
# its policy (hot); the shell's `cat` gets one I/O error, and the next `cat` reads the file.
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  arc_config_modules(complain_system ${ia32} test-ext2-complain)
  set(complain_disk ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ext2-complain.disk.img)
  set(read_failed [=[^\[pata\] read at sector [0-9]+ failed: status 0x[0-9a-f]+ error 0x[0-9a-f]+$]=])
  arc_qemu_test(NAME ia32-ext2-complain TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel ${complain_system}
         --disk-copy ${ia32}/arc-disk.img ${complain_disk}
         --disk-read-error /hello.txt 1 --disk-read-error /README 2
         --wait-for [=[\[ext2\] mounted]=] --send-after [=[^]=] [=[\r]=]
         --send-after [=[msh> ]=] [=[cat hello.txt\r]=]
         --send-after [=[^Hello from the Arc disk]=] [=[cat README\r]=]
         --send-after [=[^msh: cat: ]=] [=[cat README\r]=]
         --send-after [=[^Welcome to Arc]=] [=[echo done\r]=]
         --expect ${read_failed}
         --expect [=[^Hello from the Arc disk\. ]=]
         --expect ${read_failed}
         --expect ${read_failed}
         --expect [=[^\[monitor\] pata \(pid 3\): complaint from ext2 \(pid 4\): it answered cancelled$]=]
         --expect [=[^\[monitor\] pata \(pid 3\): complaint at [0-9]+ ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[^\[ext2\] the block server failed a transfer \(cancelled\): complaint taken$]=]
         --expect [=[^msh: cat: /README: I/O error$]=]
         --expect [=[^Welcome to Arc\.$]=]
         --expect [=[^done$]=]
         --fail [=[restart #2|cold restart|process stopped]=]
         --post-check "test $(grep -c 'failed: status' ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ext2-complain.log) -eq 3"
         --post-check "test $(grep -c 'complaint taken' ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ext2-complain.log) -eq 1"
         --post-check "/sbin/e2fsck -fn ${complain_disk}"
         --exit-status none)
endif()
