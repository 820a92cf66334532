# Swapping a server to another implementation of its interface (docs/restarts.md, "Swap"), on
# the PATA driver under ext2 and a file workload (apps/fsclient), the disk checked on the host
# afterwards (check-fsclient.py: e2fsck -fn, debugfs). ia32 only: the PC's disk.
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
         --expect [=[^\[ext2\] mounted: 1 KiB blocks]=]
         --send-after [=[^FSCLIENT: round 10 ok$]=] [=[swap pata pata-poll\r]=]
         --expect [=[^\[monitor\] pata \(pid 3\): swap from pata to pata-poll asked; swap restart #1 at a quiet point \(not a failure\)$]=]
         --expect [=[\[pata\] primary master: 16384 sectors .*, polled, ]=]
         --send-after [=[^FSCLIENT: round 30 ok$]=] [=[swap pata pata\r]=]
         --expect [=[^\[monitor\] pata \(pid 3\): swap from pata-poll to pata asked; swap restart #2 at a quiet point \(not a failure\)$]=]
         --expect [=[\[pata\] primary master: 16384 sectors .*, irq 14, ]=]
         --send-after [=[^FSCLIENT: round 50 ok$]=] [=[restarts\r]=]
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
