# Chaos on the default systems: every server crashed, hung, panicked or killed under a workload.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test, arc_config_modules and the
# patterns several areas share.)

# arc_chaos_server(steps_var expects_var server pid after): appends to the lists named by
# `steps_var` and `expects_var` the shell steps that crash, hang and panic `server` (pid `pid`)
# in turn, the first once `after` is seen and each next once the last hot restart is done, and
# the three hot restarts (the hang found by the watchdog) they must bring.
function(arc_chaos_server steps_var expects_var server pid after)
  set(m [=[\[monitor\] ]=])
  set(done "${m}${server}${chaos_hot}")
  set(who "${m}${server}${chaos_pid_open}${pid}${chaos_pid_close}")
  set(steps ${${steps_var}} --send-after ${after} "inject ${server} crash\\r"
            --send-after ${done} "inject ${server} hang\\r"
            --send-after ${done} "inject ${server} panic\\r")
  set(expects ${${expects_var}} --expect "${who}crash at 10 .*hot restart #1$"
              --expect "${who}no message taken for .*hung$"
              --expect "${who}panic at .*hot restart #3$")
  set(${steps_var} ${steps} PARENT_SCOPE)
  set(${expects_var} ${expects} PARENT_SCOPE)
endfunction()
set(chaos_hot [=[ \(pid [0-9]+\): hot restart done]=])
set(chaos_pid_open [=[ \(pid ]=])
set(chaos_pid_close [=[\): ]=])
# What no chaos run may show: a workload error, a server stopped or restarted cold (on ia32 the
# name service is, on purpose: chaos_fail_ia32), a lookup failed.
set(chaos_fail_common --fail [=[FSCLIENT: ERROR]=] --fail [=[: stopped$]=] --fail [=[PROCTEST names FAIL]=])
set(chaos_fail ${chaos_fail_common} --fail [=[cold restart]=])
set(chaos_fail_ia32 ${chaos_fail_common} --fail [=[\[(monitor|arcserver)\] (?!names[ :])\S+.*cold restart]=])

# Chaos on the default system (tests/qemu/chaos/test-chaos.cfg: default.cfg plus a file workload):
# while fsclient rewrites and checks its files, the shell crashes, hangs and panics ext2, the
# PATA driver, the console, the name service (in proctest's lookups) and the keyboard (in a key
# typed through QEMU's monitor), damages the name service's persistent memory (a cold restart:
# its connections are kept and every server publishes again while the workload runs), and kills
# the keyboard, VGA and parallel-port drivers (a kill is
# a failure their policy handles; nothing sends the last two a request here), each step once the
# last restart is done. The workload sees no error, the shell answers after each, `restarts` lists
# every recovery, and the disk is clean and holds the workload's files (check-fsclient.py:
# e2fsck -fn, debugfs).
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(done_ [=[\[monitor\] ]=])
  set(hot [=[ \(pid [0-9]+\): hot restart done]=])
  arc_config_modules(chaos_system ${ia32} test-chaos proctest)
  set(steps "")
  set(expects "")
  arc_chaos_server(steps expects ext2 6 [=[^]=])
  arc_chaos_server(steps expects pata 5 ${done_}ext2${hot})
  arc_chaos_server(steps expects console 2 ${done_}pata${hot})
  arc_qemu_test(NAME ia32-chaos TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 240
    ARGS --kernel ${ia32}/kernel/arc-kernel ${chaos_system}
         --disk-copy ${ia32}/disk.img ${CMAKE_BINARY_DIR}/qemu-logs/ia32-chaos.disk.img
         --wait-for [=[\[ext2\] mounted]=]
         --wait-for [=[FSCLIENT: round 10 ok]=]
         ${steps}
         --send-after ${done_}console${hot} [=[inject names crash\r]=]
         --send-after [=[^armed: crash in names]=] [=[start proctest names\r]=]
         # names and the keyboard fail only in a request: proctest's lookups, a typed key
         --send-after [=[PROCTEST names ok]=] [=[inject names hang\r]=]
         --send-after [=[^armed: hang in names]=] [=[start proctest names\r]=]
         --send-after [=[PROCTEST names ok]=] [=[inject names panic\r]=]
         --send-after [=[^armed: panic in names]=] [=[start proctest names\r]=]
         --send-after [=[PROCTEST names ok]=] [=[inject names corrupt\r]=]
         --send-after [=[^armed: corrupt in names]=] [=[start proctest names\r]=]
         --send-after [=[PROCTEST names ok]=] [=[inject keyboard crash\r]=]
         --monitor-after [=[^armed: crash in keyboard]=] [=[sendkey a]=]
         --send-after ${done_}keyboard${hot} [=[inject keyboard hang\r]=]
         --monitor-after [=[^armed: hang in keyboard]=] [=[sendkey b]=]
         --send-after ${done_}keyboard${hot} [=[inject keyboard panic\r]=]
         --monitor-after [=[^armed: panic in keyboard]=] [=[sendkey c]=]
         --send-after ${done_}keyboard${hot} [=[kill 3\r]=]
         --send-after ${done_}keyboard${hot} [=[kill 4\r]=]
         --send-after ${done_}vgacon${hot} [=[kill 7\r]=]
         --send-after ${done_}parport${hot} [=[restarts\r]=]
         --send-after [=[parport +killed +hot]=] [=[echo chaos over\r]=]
         ${expects}
         --expect [=[\[monitor\] names \(pid 1\): crash at 10 .*hot restart #1$]=]
         --expect [=[PROCTEST names ok]=]
         --expect [=[\[monitor\] names \(pid 1\): no message taken for .*hung$]=]
         --expect [=[PROCTEST names ok]=]
         --expect [=[\[monitor\] names \(pid 1\): panic at .*hot restart #3$]=]
         --expect [=[PROCTEST names ok]=]
         --expect [=[\[monitor\] names \(pid 1\): corrupt persistent memory at 0 ip 0. cold restart #[0-9]+$]=]
         --expect [=[\[monitor\] names: [0-9]+ capabilities kept, [0-9]+ servers to publish again$]=]
         --expect [=[PROCTEST names ok]=]
         --expect [=[\[monitor\] keyboard \(pid 3\): crash at 10 .*hot restart #1$]=]
         --expect [=[\[monitor\] keyboard \(pid 3\): no message taken for .*hung$]=]
         --expect [=[\[monitor\] keyboard \(pid 3\): panic at .*hot restart #3$]=]
         --expect [=[\[monitor\] keyboard \(pid 3\): killed at 0 ip [0-9a-f]+. hot restart #4$]=]
         --expect [=[\[monitor\] vgacon \(pid 4\): killed at 0 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[\[monitor\] parport \(pid 7\): killed at 0 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[^ +6 ext2 +hang +hot +[0-9]+ +done$]=]
         --expect [=[^ +5 pata +panic +hot +[0-9]+ +done$]=]
         --expect [=[^ +2 console +hang +hot +[0-9]+ +done$]=]
         --expect [=[^ +7 parport +killed +hot +[0-9]+ +done$]=]
         --expect [=[^chaos over$]=]
         --expect [=[^FSCLIENT: 150 rounds, 0 errors$]=]
         ${chaos_fail_ia32}
         # each server hung once, when its hang was injected: no server blamed for another's
         --post-check "test $(grep -c 'no message taken' ${CMAKE_BINARY_DIR}/qemu-logs/ia32-chaos.log) -eq 5"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/qemu-logs/ia32-chaos.disk.img 150 3"
         --exit-status none)
  set_tests_properties(ia32-chaos PROPERTIES RUN_SERIAL TRUE)
endif()

# The same chaos on the QEMU ARM boards (tests/qemu/chaos/test-chaos-arm.cfg): ext2, the RAM
# disk and the console crashed, hung and panicked, the name service crashed, from the shell while
# fsclient works; the RAM disk's contents are saved at the end and checked as on the PC.
foreach(t armv7-qemu-virt armv7-realview-pb-a8)
  if(NOT t IN_LIST ARC_TARGETS)
    continue()
  endif()
  arc_target_names(${t})
  set(done_ [=[\[monitor\] ]=])
  set(hot [=[ \(pid [0-9]+\): hot restart done]=])
  arc_config_modules(chaos_system ${dir} test-chaos-arm proctest)
  set(steps "")
  set(expects "")
  arc_chaos_server(steps expects ext2 4 [=[^]=])
  arc_chaos_server(steps expects ramdisk 3 ${done_}ext2${hot})
  arc_chaos_server(steps expects console 2 ${done_}ramdisk${hot})
  arc_qemu_test(NAME ${t}-chaos TARGET ${t} LABEL ${label} TIMEOUT 240
    ARGS --kernel ${dir}/kernel/arc-kernel ${chaos_system}
         --wait-for [=[\[ext2\] mounted]=]
         --wait-for [=[FSCLIENT: round 10 ok]=]
         ${steps}
         --send-after ${done_}console${hot} [=[inject names crash\r]=]
         --send-after [=[^armed: crash in names]=] [=[start proctest names\r]=]
         --send-after [=[PROCTEST names ok]=] [=[restarts\r]=]
         --send-after [=[names +crash +hot]=] [=[echo chaos over\r]=]
         --expect ${ramdisk_ready}
         ${expects}
         --expect [=[\[monitor\] names \(pid 1\): crash at 10 .*hot restart #1$]=]
         --expect [=[PROCTEST names ok]=]
         --expect [=[^ +4 ext2 +hang +hot +[0-9]+ +done$]=]
         --expect [=[^ +3 ramdisk +panic +hot +[0-9]+ +done$]=]
         --expect [=[^ +2 console +hang +hot +[0-9]+ +done$]=]
         --expect [=[^chaos over$]=]
         --expect [=[^FSCLIENT: 150 rounds, 0 errors$]=]
         ${chaos_fail}
         # each server hung once, when its hang was injected: no server blamed for another's
         --post-check "test $(grep -c 'no message taken' ${CMAKE_BINARY_DIR}/qemu-logs/${t}-chaos.log) -eq 3"
         --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} qemu-logs/${t}-chaos.disk.img"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/qemu-logs/${t}-chaos.disk.img 150 3"
         --exit-status none)
endforeach()
