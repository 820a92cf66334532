# Swapping a server to another implementation of its interface (docs/restarts.md, "Swap"), on
# the PATA driver under ext2 and a file workload (apps/fsclient), the disk checked on the host
# afterwards (check-fsclient.py: e2fsck -fn, debugfs); on armv7-qemu-virt the RAM disk (below).
# (Included by tests/qemu/CMakeLists.txt, which defines arc_ia32_fs_scenario and arc_qemu_test.)
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(m [=[^\[monitor\] pata \(pid 2\): ]=])
  # A persistent bug: two warm restarts of pata-bug crash again at the 64th interrupt each time;
  # the third failure escalates to the swap rung, pata-poll takes over with the framework's
  # record (the interrupted interrupt and the deferred requests re-issued) and serves the rest.
  arc_ia32_fs_scenario(NAME ia32-swap-pata CONFIG test-swap-pata ROUNDS 40 FILES 3
    EXPECT "${m}crash at 24 .*. warm restart #1$"
           [=[^\[pata\] recovered: ]=]
           "${m}crash at 24 .*. warm restart #2$"
           [=[^\[monitor\] pata: 2 restarts in 60000 ms: escalating to swap restarts$]=]
           "${m}crash at 24 .*. swap restart #3$"
           [=[^\[monitor\] pata: swapping to pata-poll$]=]
           [=[^\[pata\] primary master: 16384 sectors .*, polled, ]=]
           [=[^\[arcserver\] pata: swap restart: [0-9]+ cycles to Initialize\(\), [0-9]+ to the replayed reply$]=]
           [=[^\[pager\] pata: swap restart phases: ]=]
    FAIL [=[: stopped$]=] [=[cold restart]=] [=[ext2 \(pid [0-9]+\): .*restart]=])

  # The same bug swapped for the interrupt-driven driver (alternates=pata): the new program
  # defers the re-issued transfer again, as pata-bug had; it is re-issued once (a record made
  # by the new program is not re-issued again) and answered from the interrupt.
  arc_ia32_fs_scenario(NAME ia32-swap-pata-irq CONFIG test-swap-pata-irq ROUNDS 40 FILES 3
    EXPECT "${m}crash at 24 .*. warm restart #2$"
           "${m}crash at 24 .*. swap restart #3$"
           [=[^\[monitor\] pata: swapping to pata$]=]
           [=[^\[pata\] primary master: 16384 sectors .*, irq 14, ]=]
           [=[^\[arcserver\] pata: swap restart: [0-9]+ cycles to Initialize\(\), [0-9]+ to the replayed reply$]=]
    FAIL [=[: stopped$]=] [=[cold restart]=] [=[ext2 \(pid [0-9]+\): .*restart]=]
         [=[swap restart #4]=])

  # An administrator's swap, online: `swap pata pata-poll` typed in the shell during the
  # workload, then `swap pata pata` back; each at a quiet point of the driver, logged, and
  # shown by `restarts` (cause swap-asked, kind swap, done). The workload sees no error. (The
  # shell's "swapped" and the new driver's first line race each other: only the log is checked
  # in order, and the new driver's line anywhere in its line, after the shell's prompt.)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(disk ${CMAKE_BINARY_DIR}/qemu-logs/ia32-swap-online.disk.img)
  arc_config_modules(swap_online_system ${ia32} test-swap-online)
  arc_qemu_test(NAME ia32-swap-online TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 180
    ARGS --kernel ${ia32}/kernel/arc-kernel ${swap_online_system}
         --disk-copy ${ia32}/disk.img ${disk}
         --expect [=[\[ext2\] mounted: 1 KiB blocks]=]
         --send-after [=[FSCLIENT: round 10 ok$]=] [=[swap pata pata-poll\r]=]
         --expect [=[^\[monitor\] pata \(pid 3\): swap from pata to pata-poll asked; swap restart #1 at a quiet point \(not a failure\)$]=]
         --expect [=[\[pata\] primary master: 16384 sectors .*, polled, ]=]
         --send-after [=[FSCLIENT: round 30 ok$]=] [=[swap pata pata\r]=]
         --expect [=[^\[monitor\] pata \(pid 3\): swap from pata-poll to pata asked; swap restart #2 at a quiet point \(not a failure\)$]=]
         --expect [=[\[pata\] primary master: 16384 sectors .*, irq 14, ]=]
         --send-after [=[FSCLIENT: round 50 ok$]=] [=[restarts\r]=]
         --expect [=[^ +3 pata +swap-asked +swap +[0-9]+ +done$]=]
         --expect [=[^ +3 pata +swap-asked +swap +[0-9]+ +done$]=]
         --expect [=[^FSCLIENT: 60 rounds, 0 errors$]=]
         --expect [=[^\[pager\] fsclient \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[^FSCLIENT: ERROR]=]
         --fail [=[process stopped]=]
         --fail [=[: stopped$]=]
         --fail [=[cold restart]=]
         --fail [=[^msh: swap]=]
         --fail [=[^\[panic\]]=]
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${disk} 60 3"
         --exit-status none)
  set_tests_properties(ia32-swap-online PROPERTIES RUN_SERIAL TRUE)
endif()

# The same two on armv7-qemu-virt, where the file system runs over the RAM disk (drivers/ramdisk:
# ramdisk, ramdisk-word, ramdisk-bug from one source). Its image is saved from guest memory once
# the client is done (the monitor's pmemsave at the address the ready line printed) and checked
# on the host as the PC's disk is (check-fsclient.py: e2fsck -fn, debugfs).
if("armv7-qemu-virt" IN_LIST ARC_TARGETS)
  arc_target_names(armv7-qemu-virt)
  # A persistent bug: two warm restarts of ramdisk-bug crash again at their 96th transfer; the
  # third failure swaps it for ramdisk-word, which replays the interrupted transfer and serves
  # the rest. (The RAM disk defers nothing: the request in flight is all there is to re-issue.)
  set(m [=[^\[monitor\] ramdisk \(pid 2\): ]=])
  set(disk qemu-logs/${prefix}-swap-ramdisk.disk.img)
  arc_config_modules(system ${dir} test-swap-ramdisk)
  arc_qemu_test(NAME ${prefix}-swap-ramdisk TARGET armv7-qemu-virt LABEL ${label} TIMEOUT 180
    ARGS --kernel ${dir}/kernel/arc-kernel ${system}
         --expect ${ramdisk_ready}
         --expect [=[^\[ext2\] mounted: 1 KiB blocks]=]
         --expect [=[^\[ramdisk\] defect: transfer 96 since the start$]=]
         --expect "${m}crash at 24 .*. warm restart #1$"
         --expect [=[^\[ramdisk\] recovered: ]=]
         --expect "${m}crash at 24 .*. warm restart #2$"
         --expect [=[^\[monitor\] ramdisk: 2 restarts in 60000 ms: escalating to swap restarts$]=]
         --expect "${m}crash at 24 .*. swap restart #3$"
         --expect [=[^\[monitor\] ramdisk: swapping to ramdisk-word$]=]
         --expect [=[^\[ramdisk\] image of 16384 sectors .* ready, copying by words$]=]
         --expect [=[^\[arcserver\] ramdisk: swap restart: [0-9]+ cycles to Initialize\(\), [0-9]+ to the replayed reply$]=]
         --expect [=[^\[pager\] ramdisk: swap restart phases: ]=]
         --expect [=[^FSCLIENT: 40 rounds, 0 errors$]=]
         --expect [=[^\[pager\] fsclient \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[^FSCLIENT: ERROR]=]
         --fail [=[process stopped]=]
         --fail [=[: stopped$]=]
         --fail [=[cold restart]=]
         --fail [=[ext2 \(pid [0-9]+\): .*restart]=]
         --fail [=[^\[panic\]]=]
         --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} ${disk}"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/${disk} 40 3"
         --exit-status none)

  # The administrator's swap, online, there and back under the file workload, as
  # ia32-swap-online: ramdisk → ramdisk-word → ramdisk, both in the restart log, no error.
  # The shell's prompt ("msh> ", no newline) may begin any line printed after it, the RAM disk's
  # ready line and ext2's as well: those and the last two are matched anywhere in their line.
  set(disk qemu-logs/${prefix}-swap-online.disk.img)
  string(REPLACE [=[^\[ramdisk\]]=] [=[\[ramdisk\]]=] ready_anywhere "${ramdisk_ready}")
  arc_config_modules(system ${dir} test-swap-online-ram)
  arc_qemu_test(NAME ${prefix}-swap-online TARGET armv7-qemu-virt LABEL ${label} TIMEOUT 180
    ARGS --kernel ${dir}/kernel/arc-kernel ${system}
         --expect ${ready_anywhere}
         --expect [=[\[ext2\] mounted: 1 KiB blocks]=]
         --send-after [=[FSCLIENT: round 10 ok$]=] [=[swap ramdisk ramdisk-word\r]=]
         --expect [=[^\[monitor\] ramdisk \(pid 3\): swap from ramdisk to ramdisk-word asked. swap restart #1 at a quiet point \(not a failure\)$]=]
         --expect [=[\[ramdisk\] image of 16384 sectors .* ready, copying by words$]=]
         --send-after [=[FSCLIENT: round 30 ok$]=] [=[swap ramdisk ramdisk\r]=]
         --expect [=[^\[monitor\] ramdisk \(pid 3\): swap from ramdisk-word to ramdisk asked. swap restart #2 at a quiet point \(not a failure\)$]=]
         --expect [=[\[ramdisk\] image of 16384 sectors .* ready$]=]
         --send-after [=[FSCLIENT: round 50 ok$]=] [=[restarts\r]=]
         --expect [=[^ +3 ramdisk +swap-asked +swap +[0-9]+ +done$]=]
         --expect [=[^ +3 ramdisk +swap-asked +swap +[0-9]+ +done$]=]
         --expect [=[FSCLIENT: 60 rounds, 0 errors$]=]
         --expect [=[\[pager\] fsclient \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[FSCLIENT: ERROR]=]
         --fail [=[process stopped]=]
         --fail [=[: stopped$]=]
         --fail [=[cold restart]=]
         --fail [=[msh: swap]=]
         --fail [=[\[panic\]]=]
         --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} ${disk}"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/${disk} 60 3"
         --exit-status none)
endif()
