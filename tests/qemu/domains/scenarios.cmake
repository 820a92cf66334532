# Secure domains and SecDom0 (issue 11, docs/domains.md): two domains, `a` with a file workload
# over ext2, `b` with a counter and its client, and the domain monitor (servers/secdom0) in a
# domain of its own. b's root task is made to fail (test-domain-panic.cfg: it panics, an endless
# loop; test-domain-scribble.cfg: it overwrites every frame of its domain, then its own stack);
# SecDom0 finds it, the boot root task restarts b, b counts again, and a's workload never sees an
# error and leaves a clean disk (check-fsclient.py: e2fsck -fn and every file's contents).
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test and arc_config_modules.)
function(arc_domain_scenarios prefix target label dir)
  foreach(kind panic scribble)
    if(kind STREQUAL "panic")
      set(found [=[^\[secdom0\] b: its root task is in an endless loop \(P [0-9.]+\): restarting the domain$]=])
      set(cause "its root task loops")
    else()
      set(found [=[^\[secdom0\] b: its root task (is dead \(generation 1\)|is in an endless loop \(P [0-9.]+\)): restarting the domain$]=])
      set(cause "its root task (is dead|loops)")
    endif()
    # a's workload must outlast b's restart: the RAM disk is several times faster than PATA.
    if(target STREQUAL "ia32-pc")
      set(rounds 400)
      set(config test-domain-${kind})
      set(disk --disk-copy ${dir}/disk.img ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-domain-${kind}.disk.img)
    else()
      set(rounds 1500)
      set(config test-domain-${kind}-ram)
      set(disk --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} qemu-logs/${prefix}-domain-${kind}.disk.img")
    endif()
    # Where the RAM disk lies (for the image the runner saves), said as a's servers start, in no
    # fixed order with b's lines (a loaded host starts a's ramdisk after b has counted to 10).
    set(ready)
    if(NOT target STREQUAL "ia32-pc")
      set(ready --capture ${ramdisk_ready})
    endif()
    # The panic's system has a shell in the boot domain: `domains` once a's workload is done.
    set(shell)
    if(kind STREQUAL "panic")
      set(shell --send-after "^FSCLIENT: ${rounds} rounds, 0 errors" [=[domains\r]=]
                --expect [=[^a +running +24 MiB +[0-9]+ +[0-9]+ +0  -]=]
                --expect [=[^b +running +8 MiB +[0-9]+ +[0-9]+ +1  loop]=])
    endif()
    arc_config_modules(system ${dir} ${config})
    arc_qemu_test(NAME ${prefix}-domain-${kind} TARGET ${target} LABEL ${label} TIMEOUT 180
      ARGS --kernel ${dir}/kernel/arc-kernel ${system} ${disk}
           --expect [=[^\[domains\] a: started \(generation 1\)]=]
           --expect [=[^\[domains\] b: started \(generation 1\)]=]
           --expect [=[^\[secdom0\] in secure domain ([1-9][0-9]*); root tasks in domains (?!\1 )([1-9][0-9]*) \(a\) (?!\1 |\2 )[1-9][0-9]* \(b\)$]=]
           --expect [=[^\[secdom0\] watching 2 domains every 50 ms$]=]
           ${ready}
           --expect [=[^DOMTEST b: counter 10$]=]
           --expect "^\\[b\\] \\[root\\] injected fault: ${kind}"
           --expect ${found}
           --expect "^\\[domains\\] b: restarted \\(#1\\) because ${cause}"
           --expect [=[^\[secdom0\] watching domain b \(generation 2\)$]=]
           --expect [=[^DOMTEST b: counter 10$]=]
           --expect "^FSCLIENT: ${rounds} rounds, 0 errors$"
           ${shell}
           --fail [=[^FSCLIENT: ERROR]=] --fail [=[^DOMTEST b: ERROR]=]
           --fail [=[^\[domains\] a: (restarted|its root task)]=]
           --fail [=[^\[a\] \[monitor\]]=] --fail [=[^\[panic\]]=]
           --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-domain-${kind}.disk.img ${rounds} 3"
           --exit-status none)
    set_tests_properties(${prefix}-domain-${kind} PROPERTIES RUN_SERIAL TRUE)
  endforeach()
endfunction()

if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_domain_scenarios(ia32 ia32-pc qemu-ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
endif()
foreach(arm armv7-qemu-virt armv7-realview-pb-a8)
  if(arm IN_LIST ARC_TARGETS)
    arc_target_names(${arm})
    arc_domain_scenarios(${arm} ${arm} ${label} ${dir})
  endif()
endforeach()

# The HA workers inside a domain (test-domain-ha-*.cfg): ha/scenarios.cmake's scenarios with the
# root task's lines marked as domain c's, and SecDom0 watching c's root task without a report.
function(arc_domain_ha_scenarios prefix target label dir)
  foreach(kind loop deadlock dead)
    set(expects)
    foreach(re IN LISTS ha_expect_${kind})
      string(REPLACE "^\\[ha\\]" "^\\[c\\] \\[ha\\]" re "${re}")
      string(REPLACE "^\\[monitor\\]" "^\\[c\\] \\[monitor\\]" re "${re}")
      list(APPEND expects --expect ${re})
    endforeach()
    arc_config_modules(system ${dir} test-domain-ha-${kind})
    arc_qemu_test(NAME ${prefix}-domain-ha-${kind} TARGET ${target} LABEL ${label} TIMEOUT 120
      ARGS --kernel ${dir}/kernel/arc-kernel ${system}
           --expect [=[^\[domains\] c: started \(generation 1\)]=]
           --expect [=[^\[secdom0\] watching 1 domain every 50 ms$]=]
           ${expects}
           --fail [=[^HATEST: FAIL]=] --fail [=[process stopped|cold restart|refused to watch]=]
           --fail [=[helper not watched]=] --fail [=[^\[secdom0\] c: ]=] --fail [=[^\[domains\] c: (its|restarted)]=]
           --exit-status none)
  endforeach()
endfunction()

if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_domain_ha_scenarios(ia32 ia32-pc qemu-ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
endif()
foreach(arm armv7-qemu-virt armv7-realview-pb-a8)
  if(arm IN_LIST ARC_TARGETS)
    arc_target_names(${arm})
    arc_domain_ha_scenarios(${arm} ${arm} ${label} ${dir})
  endif()
endforeach()

# An endpoint granted between domains (test-domain-grant.cfg): b's client counts on a's counter
# through b's name service, across a cold restart of that counter and a restart of domain a, each
# of which revokes every copy of the endpoint b had; a's other counter is never b's to find. A
# second client of b counts on a counter of the top level, granted too.
function(arc_domain_grant_scenario prefix target label dir)
  arc_config_modules(system ${dir} test-domain-grant)
  arc_qemu_test(NAME ${prefix}-domain-grant TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${system}
         --expect [=[^\[domains\] a: started \(generation 1\)]=]
         --expect [=[^\[domains\] b: started \(generation 1\)]=]
         --expect [=[^\[domains\] a: 'counter' exported \(#1\), granted as 'counter' to b$]=]
         --expect [=[^\[b\] \[root\] 'counter' of a imported \(#1\) and published in our name service$]=]
         --capture [=[^\[domains\] the top level: 'shared' exported \(#1\), granted as 'shared' to b$]=]
         --capture [=[^DOMTEST b-shared: counter 20$]=]
         --expect [=[^DOMTEST b: counter 10$]=]
         --expect [=[^DOMTEST b: 'secret' is not ours to find \(not found\)$]=]
         --expect [=[^\[domains\] a: 'counter' exported \(#2\)]=]
         --expect [=[^DOMTEST b: reconnected \(#1\), the counter counts again from 1$]=]
         --expect [=[^DOMTEST b: counter 10$]=]
         --expect [=[^\[a\] \[root\] injected fault: panic]=]
         --expect [=[^\[secdom0\] a: its root task is in an endless loop \(P [0-9.]+\): restarting the domain$]=]
         --expect [=[^\[domains\] a: restarted \(#1\) because its root task loops]=]
         --expect [=[^\[domains\] a: 'counter' exported \(#3\)]=]
         --expect [=[^DOMTEST b: reconnected \(#2\), the counter counts again from 1$]=]
         --expect [=[^DOMTEST b: counter 10$]=]
         --fail [=[^DOMTEST b(-shared)?: ERROR]=] --fail [=[^\[panic\]]=] --fail [=[^\[secdom0\] b: ]=]
         --fail [=[^\[domains\] b: (restarted|its root task)]=] --fail [=[refused]=]
         --exit-status none)
endfunction()

if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_domain_grant_scenario(ia32 ia32-pc qemu-ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
endif()
foreach(arm armv7-qemu-virt armv7-realview-pb-a8)
  if(arm IN_LIST ARC_TARGETS)
    arc_target_names(${arm})
    arc_domain_grant_scenario(${arm} ${arm} ${label} ${dir})
  endif()
endforeach()
