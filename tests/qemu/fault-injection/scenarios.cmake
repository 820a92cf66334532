# Fault injection: load- and install-time faults planted by the pager, small campaigns.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test, arc_config_modules and the
# patterns several areas share.)

# Fault injection by the pager (servers/pager/fault.hh, the fault= key of docs/boot-config.md) on
# the demo counter and client, whose sites the build finds by symbol (tests/qemu/fault-injection/test-fault-*.cfg
# are templates that boot/CMakeLists.txt fills in). Registers
#   <prefix>-fault-load   a load-time fault where every add runs: armed, activated at the first
#                         add, whose bytes then read address 0: the counter crashes and is
#                         restarted hot, its page comes back pristine from the image, and the
#                         replayed add and every later one run the original code (no second
#                         crash, every check of the client passes); the client's fault, on a path
#                         a good run never takes, is armed and never activated
#   <prefix>-fault-watch  install-time faults, watched: the site every get runs is reported
#                         activated and the counter goes on unharmed (the image's bytes put
#                         back); the client's site is never activated; a site outside the name
#                         service's code is refused
# The pagers start together and print their "armed" lines in no fixed order: each of those
# --expects takes any of them, and the pids and site they capture are what later --expects look
# for (an --expect waits until every ${NAME} it names is captured; "(?#...)" only makes it wait).
# (No ';' in these regular expressions: a CMake list would split them.)
function(arc_fault_scenarios prefix target label dir)
  # The configurations are written at build time (boot/CMakeLists.txt fills in the code sites);
  # their server lines, and so the modules, are the templates'.
  arc_config_modules(load_system ${dir} test-fault-load)
  arc_config_modules(watch_system ${dir} test-fault-watch)
  set(counter_armed [=[counter \(pid (?P<counter>[0-9]+)\): fault armed at (?P<site>[0-9a-f]+)]=])
  set(client_armed [=[client \(pid (?P<client>[0-9]+)\): fault armed at [0-9a-f]+]=])
  set(names_refused [=[names \(pid (?P<names>[0-9]+)\): fault at 10 refused: not in the program's code$]=])
  set(load_armed "^\\[pager\\] (${counter_armed}|${client_armed}) \\(load\\)$")
  set(watch_armed "^\\[pager\\] (${counter_armed} \\(watch\\)$|${client_armed} \\(watch\\)$|${names_refused})")
  set(common
    --expect [=[^DEMO: 19 passed, 0 failed$]=]
    --fail [=[^\[pager\] client \(pid [0-9]+\): fault at [0-9a-f]+ activated$]=]
    --fail [=[^DEMO: .* FAIL]=]
    --fail [=[process stopped]=]
    --fail [=[^\[panic\]]=]
    --exit-status none)
  arc_qemu_test(NAME ${prefix}-fault-load TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${load_system}
         --expect ${load_armed} --expect ${load_armed}
         --expect [=[^\[pager\] counter \(pid ${counter}\): fault at ${site} activated$]=]
         --expect [=[^\[pager\] counter \(pid ${counter}\): invalid access at 0 ip [0-9a-f]+$]=]
         --expect [=[^\[monitor\] counter \(pid ${counter}\): crash at 0 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[^\[counter\] recovered: value 0 after 0 adds, 0 sessions. replaying$]=]
         --expect [=[^DEMO: D02 ok add 5 -> 5 ]=]
         --expect [=[^DEMO: D03 ok add 37 -> 42 ]=]
         ${common}
         --expect [=[^\[pager\] client \(pid ${client}\) exited with status 0$]=]
         --fail [=[restart #2|warm restart|cold restart|refused]=])
  arc_qemu_test(NAME ${prefix}-fault-watch TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${watch_system}
         --expect ${watch_armed} --expect ${watch_armed} --expect ${watch_armed}
         --expect [=[^DEMO: D03 ok add 37 -> 42 ]=]
         --expect [=[^\[pager\] counter \(pid ${counter}\): fault at ${site} activated$]=]
         --expect [=[^DEMO: D04 ok get: counter 42 after 2 adds$]=]
         ${common}
         --expect [=[^\[pager\] client \(pid ${client}\) exited with status 0$(?#names ${names})]=]
         --fail [=[restart #|: exception [0-9]+ at ip|invalid (access|write) at]=])
endfunction()
if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_fault_scenarios(ia32 ia32-pc qemu-ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
endif()
if("armv7-qemu-virt" IN_LIST ARC_TARGETS)
  arc_fault_scenarios(armv7-qemu-virt armv7-qemu-virt qemu-armv7-virt ${CMAKE_BINARY_DIR}/armv7-qemu-virt)
endif()

# Fault-injection campaigns, small and with fixed seeds (tools/campaign.py, docs/fault-injection.md):
# each test plans and runs a campaign in build/qemu-logs/campaign-<name>/ and asserts outcome
# classes; the runner's exit status says whether they held (--require, --forbid).
#   <prefix>-campaign-crash      a trap, and a branch to itself, at the entry of ext2's read
#                                handler, which every round runs on a file it holds open: found as
#                                a crash and as a hang; at load time the first hot restart brings
#                                the pristine code back (recovered); installed, the bug is in the
#                                program, every hot and warm restart meets it again, and the ninth
#                                failure swaps to ext2-alt, which is given the open-file table
#                                (servers/ext2/carried.hh) and serves the replayed read on the
#                                client's handle: the client goes on reading and writing the same
#                                files, the disk clean for e2fsck -fn and as written for debugfs
#                                (recovered, through a swap; before the table was carried the
#                                client's handles were gone and the run was not recovered)
#   <prefix>-campaign-unreached  the same trap in ext2's AuditFailed, which runs only when the
#                                audit finds damage, never in a sound workload (every handler is
#                                called by fsclient): not activated in either mode
#   <prefix>-campaign-smoke      a few runs of every fault type in both modes (seed 1): whatever the
#                                mutation does, no kernel crash, no isolation break, no system hang
function(arc_campaign_tests prefix target label smoke_server smoke_runs)
  find_program(ARC_DEBIAN_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
  set(run ${ARC_DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tools/campaign.py --build ${CMAKE_BINARY_DIR}
          run --target ${target} --fresh --seed 1 --jobs 1)
  set(out ${CMAKE_BINARY_DIR}/qemu-logs/campaign-${prefix})
  add_test(NAME ${prefix}-campaign-crash
    COMMAND ${run} --server ext2 --types crash,hang --function ^_ZN10Ext2Server4ReadE --runs 1
            --mode both --out ${out}-crash
            --require load:recovered --require install:recovered --require-restart install:swap)
  add_test(NAME ${prefix}-campaign-unreached
    COMMAND ${run} --server ext2 --types crash --function ^_ZN10Ext2Server11AuditFailedE --runs 1
            --mode both --out ${out}-unreached --require *:not-activated)
  add_test(NAME ${prefix}-campaign-smoke
    COMMAND ${run} --server ${smoke_server} --runs ${smoke_runs} --mode both --out ${out}-smoke
            --forbid kernel-crash,hang)
  set_tests_properties(${prefix}-campaign-crash ${prefix}-campaign-unreached ${prefix}-campaign-smoke
    PROPERTIES LABELS "${label}" TIMEOUT 900)
  if(target STREQUAL "ia32-pc")
    # The emulated disk misbehaves on a saturated host (see arc_ia32_fs_scenario).
    set_tests_properties(${prefix}-campaign-crash ${prefix}-campaign-unreached PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()
if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_campaign_tests(ia32 ia32-pc qemu-ia32 parport 2)
endif()
if("armv7-qemu-virt" IN_LIST ARC_TARGETS)
  arc_campaign_tests(armv7-qemu-virt armv7-qemu-virt qemu-armv7-virt ext2 1)
endif()

# The framebuffer as a campaign target (the draw workload: fbdemo, QEMU's screendump compared with
# the picture by check-fb.py): a trap, and a branch to itself, at the entry of vbe's fill handler,
# which the demo calls 29 times. At load time the first hot restart brings the pristine code back
# and the replayed fill leaves the picture exact (recovered); installed, every restart meets the
# bug again and the ladder ends in a cold restart or a stop: the demo's calls fail or the screen
# is wrong (not recovered). Four runs of about a second to 20 s.
if("ia32-pc" IN_LIST ARC_TARGETS)
  find_program(ARC_DEBIAN_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
  add_test(NAME ia32-campaign-vbe
    COMMAND ${ARC_DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tools/campaign.py --build ${CMAKE_BINARY_DIR}
            run --target ia32-pc --fresh --seed 1 --jobs 1 --server vbe --types crash,hang
            --function ^_ZN3Vbe4FillE --runs 1 --mode both --out ${CMAKE_BINARY_DIR}/qemu-logs/campaign-ia32-vbe
            --require load:recovered --require install:not-recovered)
  set_tests_properties(ia32-campaign-vbe PROPERTIES LABELS qemu-ia32 TIMEOUT 300)
endif()

# A persistent bug recovered by the swap rung (the campaigns' policy, restart=hot,warm,swap,cold,
# tools/fi/workloads.py): the mutated program installed in place of the server's, a trap and a
# branch to itself at the entry of a handler every request runs. Each hot and warm restart meets
# the bug again; the ninth failure swaps to the alternate (its own, unmutated program), which
# serves the re-issued and replayed requests: the outside check passes (recovered) and every run
# had a swap restart.
#   ia32-campaign-swap-parport  parport's session write (the second half of the text, in one
#                               request) -> parport-ack, with the byte index carried over; at load
#                               time the first hot restart recovers as before
#   ia32-campaign-swap-pata     PATA's queue of transfers -> pata-poll, the disk checked on the host
if("ia32-pc" IN_LIST ARC_TARGETS)
  find_program(ARC_DEBIAN_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
  set(run ${ARC_DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tools/campaign.py --build ${CMAKE_BINARY_DIR}
          run --target ia32-pc --fresh --seed 1 --jobs 1 --runs 1)
  add_test(NAME ia32-campaign-swap-parport
    COMMAND ${run} --server parport --types crash,hang --function 12WriteSession --mode both
            --out ${CMAKE_BINARY_DIR}/qemu-logs/campaign-ia32-swap-parport
            --require load:recovered --require install:recovered --require-restart install:swap)
  add_test(NAME ia32-campaign-swap-pata
    COMMAND ${run} --server pata --types crash --function ^_ZN4Pata5QueueE --mode install
            --out ${CMAKE_BINARY_DIR}/qemu-logs/campaign-ia32-swap-pata
            --require install:recovered --require-restart install:swap)
  set_tests_properties(ia32-campaign-swap-parport ia32-campaign-swap-pata
    PROPERTIES LABELS qemu-ia32 TIMEOUT 300)
  # The emulated disk misbehaves on a saturated host (see arc_ia32_fs_scenario).
  set_tests_properties(ia32-campaign-swap-pata PROPERTIES RUN_SERIAL TRUE)
endif()
