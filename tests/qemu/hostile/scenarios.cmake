# Hostile input: a client that sends random, malformed requests to every server.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test, arc_config_modules and the
# patterns several areas share.)

# A hostile client (apps/hostile; docs/fuzzing.md) with fixed seeds: 20,000 random, malformed
# and abandoned requests to every server of the default system, the name service and the root
# task, while fsclient works on the disk. Every server still answers afterwards, none is stopped
# or restarted cold, fsclient sees no error, and the disk is clean and holds fsclient's files
# (check-fsclient.py: e2fsck -fn, debugfs). ia32 (PATA) and armv7-qemu-virt (RAM disk).
# hostile_test(name target label dir config services processes [runner-args...]): the extra
# arguments come first (a disk, the RAM disk's ready line, the checks of the disk).
function(hostile_test name target label dir config services processes)
  arc_config_modules(system ${dir} ${config})
  set(log ${CMAKE_BINARY_DIR}/qemu-logs/${name}.log)
  set(answers)
  foreach(svc IN LISTS services)   # in the order hostile asks them
    list(APPEND answers --expect "^HOSTILE: ${svc} answers \\([a-z_ ]+\\) after [0-9]+ requests$")
  endforeach()
  # Then each process crashed and restarted hot (Recover() accepts what the lies left).
  set(restarts)
  foreach(p IN LISTS processes)
    list(APPEND restarts --expect "^HOSTILE: ${p} crashed at its next request \\(ok\\)$")
  endforeach()
  foreach(svc IN LISTS services)
    list(APPEND restarts --expect "^HOSTILE: ${svc} answers after the restarts$")
  endforeach()
  list(LENGTH services n)
  list(LENGTH processes np)   # each restarted hot once, and nothing else
  arc_qemu_test(NAME ${name} TARGET ${target} LABEL ${label} TIMEOUT 240
    ARGS --kernel ${dir}/kernel/arc-kernel ${system} ${ARGN}
         --expect "^HOSTILE: 20000 calls to ${n} services, seed 1$"
         --expect [=[^HOSTILE: 20000 calls, [0-9]+ ok, [0-9]+ refused, [0-9]+ timed out, [0-9]+ other$]=]
         ${answers}
         ${restarts}
         --expect [=[hostile \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[FSCLIENT: ERROR]=] --fail [=[HOSTILE: FAIL]=] --fail [=[: stopped$]=]
         --fail [=[cold restart]=] --fail [=[\[arc\] thread .*thread stopped]=]
         --fail [=[persistent state is corrupt]=] --fail [=[Recover\(\) refused]=]
         # fsclient ends first (hostile's run is the longer one), without an error (not anchored:
         # the bytes hostile writes to the console may run into the line)
         --post-check "grep -aq 'FSCLIENT: 60 rounds, 0 errors' ${log}"
         # the disk driver refused it: only the file server is configured to use it (after=)
         --post-check "grep -aq 'HOSTILE: block answers (no_rights)' ${log}"
         --post-check "grep -aq 'is not configured to use us (no after=.* in its boot line): refused' ${log}"
         # its random spawn and kill requests were refused (no may=spawn or may=kill)
         --post-check "grep -aq 'hostile (pid [0-9]*) may not kill: its boot line has no may=kill' ${log}"
         --post-check "grep -aq 'hostile (pid [0-9]*) may not spawn: its boot line has no may=spawn' ${log}"
         --post-check "test $(grep -ac '\\[monitor\\] .*: crash at 10 ip [0-9a-f]*. hot restart #1' ${log}) -eq ${np}"
         --exit-status none)
endfunction()
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(img ${CMAKE_BINARY_DIR}/qemu-logs/ia32-hostile.disk.img)
  hostile_test(ia32-hostile ia32-pc qemu-ia32 ${ia32} test-hostile
    "names;root;pager;console;keyboard;vgacon;block;fs;printer"
    "names;console;keyboard;vgacon;pata;ext2;parport"
    --disk-copy ${ia32}/disk.img ${img}
    --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${img} 60 3")
endif()
if("armv7-qemu-virt" IN_LIST ARC_TARGETS)
  set(dir ${CMAKE_BINARY_DIR}/armv7-qemu-virt)
  set(img qemu-logs/armv7-qemu-virt-hostile.disk.img)
  hostile_test(armv7-qemu-virt-hostile armv7-qemu-virt qemu-armv7-virt ${dir} test-hostile-virt
    "names;root;pager;console;block;fs"
    "names;console;ramdisk;ext2"
    --expect ${ramdisk_ready}
    --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} ${img}"
    --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/${img} 60 3")
endif()
