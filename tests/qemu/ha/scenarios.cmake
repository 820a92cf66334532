# The HA library's workers (issue 11, docs/ha.md): a thread in an endless loop, two servers in a
# deadlock, a dead helper thread, each found by its worker (servers/haworker) from the kernel's
# counters and thread states alone (no heartbeat, no deadline) and recovered by the monitor;
# apps/hatest provokes each and checks the server answers again. `delay`: the monitor's other
# action (hold the thread, then restart it when found again). On every board.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test and arc_config_modules.)
# What each scenario expects, in order (also used by tests/qemu/domains, inside a domain).
set(ha_expect_loop
  [=[^\[haworker\] workers ready: dead threads, endless loops, deadlocks$]=]
  [=[^\[looper\] looping from [0-9]+ ms$]=]
  [=[^\[ha\] looper \(pid [0-9]+\) thread 0: endless loop \(P [0-9.]+\), found at [0-9]+ ms$]=]
  [=[^\[monitor\] looper \(pid [0-9]+\): loop at 0 ip [0-9a-f]+. hot restart #1$]=]
  [=[^\[looper\] recovered: replaying$]=]
  [=[^HATEST: loop recovered after [0-9]+ ms$]=]
  [=[^HATEST: looper serves again$]=])
set(ha_expect_deadlock
  [=[^\[ping\] calling pong, which calls us back, from [0-9]+ ms$]=]
  [=[^\[ha\] (ping|pong) \(pid [0-9]+\) thread 0: deadlock \(a cycle of 2\), found at [0-9]+ ms$]=]
  [=[^\[ha\] (ping|pong) \(pid [0-9]+\) thread 0: deadlock \(a cycle of 2\), found at [0-9]+ ms$]=]
  [=[^HATEST: deadlock recovered after [0-9]+ ms$]=]
  [=[^HATEST: ping serves again$]=])
set(ha_expect_dead
  [=[^\[beater\] a watch of a thread of another space: no_rights, of a thread of no space: no_rights$]=]
  [=[^\[beater\] helper thread dies at [0-9]+ ms$]=]
  [=[^\[ha\] beater \(pid [0-9]+\) thread 1: dead thread, found at [0-9]+ ms$]=]
  [=[^\[monitor\] beater \(pid [0-9]+\): dead thread at 0 ip [0-9a-f]+. warm restart #1$]=]
  [=[^HATEST: dead recovered after [0-9]+ ms \(helper stalled for [0-9]+ ms\)$]=]
  [=[^HATEST: beater serves again$]=])
set(ha_expect_delay
  [=[^\[ha\] looper \(pid [0-9]+\) thread 0: endless loop \(P [0-9.]+\), found at [0-9]+ ms$]=]
  [=[^\[ha\] looper \(pid [0-9]+\) thread 0: held for 200 ms$]=]
  [=[^\[ha\] looper \(pid [0-9]+\) thread 0: delay over, it goes on$]=]
  [=[^\[ha\] looper \(pid [0-9]+\) thread 0: endless loop \(P [0-9.]+\), found at [0-9]+ ms$]=]
  [=[^\[monitor\] looper \(pid [0-9]+\): loop at 0 ip [0-9a-f]+. hot restart #1$]=]
  [=[^HATEST: loop recovered after [0-9]+ ms$]=]
  [=[^HATEST: looper serves again$]=])
function(arc_ha_scenarios prefix target label dir)
  foreach(kind loop deadlock dead delay)
    set(expects)
    foreach(re IN LISTS ha_expect_${kind})
      list(APPEND expects --expect ${re})
    endforeach()
    arc_config_modules(system ${dir} test-ha-${kind})
    arc_qemu_test(NAME ${prefix}-ha-${kind} TARGET ${target} LABEL ${label} TIMEOUT 120
      ARGS --kernel ${dir}/kernel/arc-kernel ${system} ${expects}
           --fail [=[^HATEST: FAIL]=] --fail [=[process stopped|cold restart|refused to watch]=]
           --fail [=[helper not watched]=]
           --exit-status none)
  endforeach()
  # The workers killed and restarted by their policy before the loop (test-ha-workers.cfg).
  set(expects --expect [=[^\[haworker\] workers ready]=]
              --expect [=[^\[monitor\] ha \(pid [0-9]+\): killed at 0 ip [0-9a-f]+. cold restart #1$]=]
              --expect [=[^\[haworker\] workers ready]=]
              --expect [=[^HATEST: workers restarted \(pid [0-9]+, then [0-9]+\)$]=])
  list(SUBLIST ha_expect_loop 1 -1 rest)
  foreach(re IN LISTS rest)
    list(APPEND expects --expect ${re})
  endforeach()
  arc_config_modules(system ${dir} test-ha-workers)
  arc_qemu_test(NAME ${prefix}-ha-workers TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${system} ${expects}
         --fail [=[^HATEST: FAIL]=] --fail [=[process stopped|refused to watch]=]
         --fail [=[helper not watched]=] --fail [=[looper \(pid [0-9]+\).*cold restart]=]
         --exit-status none)
  # The cost of being watched, in guest instructions (--bench-flags: -icount), printed for
  # docs/ha.md; the run checks that both servers answered and computed alike. Not on the
  # Cortex-A8, whose cycle counter does not count in QEMU.
  if(target STREQUAL "armv7-realview-pb-a8")
    return()
  endif()
  arc_config_modules(system ${dir} test-ha-bench)
  arc_qemu_test(NAME ${prefix}-ha-bench TARGET ${target} LABEL ${label} TIMEOUT 180
    ARGS --kernel ${dir}/kernel/arc-kernel ${system} --bench-flags
         --expect [=[^HABENCH: work round trip: unwatched [0-9]+, watched [0-9]+ ]=]
         --expect [=[^HABENCH: 500 digits of pi in the server: unwatched [0-9]+, watched [0-9]+ ]=]
         --fail [=[^HATEST: FAIL]=] --fail [=[^\[ha\] ]=]
         --exit-status none)
endfunction()

if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_ha_scenarios(ia32 ia32-pc qemu-ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
endif()
foreach(arm armv7-qemu-virt armv7-realview-pb-a8)
  if(arm IN_LIST ARC_TARGETS)
    arc_target_names(${arm})
    arc_ha_scenarios(${arm} ${arm} ${label} ${dir})
  endif()
endforeach()

# No false positives over real work (test-ha-quiet.cfg): names, PATA, ext2, the file workload and
# a long computation, all watched; the workload's disk checked afterwards like ia32-ext2's. The
# only report allowed is the positive control's at the end, which shows the workers were awake.
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(quiet_log ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ha-quiet.log)
  set(quiet_disk ${CMAKE_BINARY_DIR}/qemu-logs/ia32-ha-quiet.disk.img)
  arc_config_modules(quiet_system ${ia32} test-ha-quiet)
  arc_qemu_test(NAME ia32-ha-quiet TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 180
    ARGS --kernel ${ia32}/kernel/arc-kernel ${quiet_system}
         --disk-copy ${ia32}/disk.img ${quiet_disk}
         --expect [=[^\[haworker\] workers ready]=]
         --expect [=[^\[ext2\] mounted: 1 KiB blocks]=]
         --expect [=[^FSCLIENT: 30 rounds, 0 errors$]=]
         --expect [=[^\[ha\] looper \(pid [0-9]+\) thread 0: endless loop]=]
         --expect [=[^HATEST: looper serves again$]=]
         --fail [=[^\[ha\] (names|pata|ext2|fsclient|pi) ]=] --fail [=[^HATEST: FAIL]=]
         --fail [=[^FSCLIENT: ERROR]=] --fail [=[(names|pata|ext2|fsclient|pi) \(pid [0-9]+\).*restart #]=]
         --fail [=[refused to watch|process stopped]=]
         --post-check "grep -q '^HATEST: pi 314159265358\\.\\.\\. 10000 digits, digit sum 44889, in' ${quiet_log}"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${quiet_disk} 30 3"
         --exit-status none)
  set_tests_properties(ia32-ha-quiet PROPERTIES RUN_SERIAL TRUE)
endif()
