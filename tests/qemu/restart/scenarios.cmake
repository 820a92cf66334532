# Restart scenarios: the demo counter's restart family on every board, exits, memory hogs, the
# name service and console restarted under the shell, back-off.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test, arc_config_modules and the
# patterns several areas share.)

# The demo counter's restart scenarios, the same on every target: restarttest calls the counter
# while the monitor injects faults, in the mode its boot configuration names
# (apps/restarttest/main.cc says what each mode checks); the client's own checks
# (RESTART: N passed, 0 failed) end each run. Registers <prefix>-restart-<mode> for
#   hot      crash, then panic; hot restarts replay the interrupted request
#   warm     the same with warm restarts (new space, capabilities and reply right carried over)
#   hang     5: an endless loop, then a stall (blocked on nothing), found by the heartbeat bound
#   corrupt  6: damaged persistent memory found before Recover(), escalated to a cold restart
#   exhaust  7: a counter failing at every request exhausts its restart intensity: stopped
#   reboot   the same counter with on-exhausted=reboot: the monitor resets the machine (the
#            board's reset_system()), the kernel boots a second time and its system gets as far
#            again (QEMU -kernel loads kernel and modules anew at a reset; --allow-reboot)
#   domain   the same counter with on-exhausted=domain: the whole domain starts again from its
#            boot configuration (persistent memory discarded), twice; past its domain-restarts
#            intensity the machine reboots
#   renew-pages   proactive restarts: the counter leaks a page per add; over renew-pages=40 the
#                 monitor restarts it hot at a quiet point (several times while the client adds)
#   renew-period  the same leak, restarted warm every 500 ms (renew-every); its policy's first
#                 rung is cold, which a renewal passes over
# In both (the counter takes 10 ms per add, so it is often busy), every renewal starts with no
# request in progress (nothing replayed: the counter counts the restarts that found one), takes
# the leak back (one persistent page left), and counts neither against the intensity (2/10s)
# nor as a failure: renew-pages ends with a crash, still restarted hot. The client sees every
# add answered in order.
# UNTIMED: the target has no user-level clock (realview-pb-a8: its PMU does not count in QEMU),
# so the framework reports no restart times and the pager prints no phases.
# (No ';' in these regular expressions: a CMake list would split them.)
function(arc_restart_scenarios prefix target label dir)
  cmake_parse_arguments(R "UNTIMED" "" "" ${ARGN})
  set(hot_cfg test-restart)
  set(hot
    [=[^\[monitor\] counter \(pid 2\): crash at 10 .*. hot restart #1$]=]
    [=[^\[counter\] recovered: value 13 after 13 adds]=]
    [=[^\[monitor\] counter \(pid 2\): panic .*. hot restart #2$]=]
    [=[^RESTART: 8 passed, 0 failed$]=])
  set(warm_cfg test-restart-warm)
  set(warm
    [=[^\[monitor\] counter \(pid 2\): crash at 10 .*. warm restart #1$]=]
    [=[^\[monitor\] counter \(pid 2\): warm restart done in [0-9]+ cycles$]=]
    [=[^\[counter\] recovered: value 13 after 13 adds]=]
    [=[^\[monitor\] counter \(pid 2\): panic .*. warm restart #2$]=]
    [=[^RESTART: 8 passed, 0 failed$]=])
  if(NOT R_UNTIMED)
    list(INSERT warm 3 [=[^\[pager\] counter: warm restart phases: monitor [0-9]+, unmap [0-9]+, ]=])
  endif()
  set(warm_args --fail [=[cold restart]=])
  set(hang_cfg test-hang)
  set(hang
    [=[^\[monitor\] counter \(pid 2\): no message taken for [0-9]+ ms \(bound 300 ms\): hung$]=]
    [=[^\[monitor\] counter \(pid 2\): hang .*. hot restart #1$]=]
    [=[^\[arcserver\] counter: injected stall$]=]
    [=[^\[monitor\] counter \(pid 2\): hang .*. hot restart #2$]=]
    [=[^RESTART: 8 passed, 0 failed$]=])
  # The ladder rung by rung (test-ladder.cfg): a crash at every request, one restart per kind
  # per minute, so each crash climbs a rung, and each step says why (escalating ...). The
  # client's "ladder 3" (its call ended by the cold restart) races with the monitor's "cold
  # restart done" (two processes' output): it is counted after the run instead of in order.
  set(ladder_cfg test-ladder)
  set(ladder
    [=[^\[monitor\] counter \(pid 2\): crash at 10 .*. hot restart #1$]=]
    [=[^RESTART ladder 1: ok$]=]
    [=[^\[monitor\] counter: 1 restarts in 60000 ms: escalating to warm restarts$]=]
    [=[^\[monitor\] counter \(pid 2\): crash at 10 .*. warm restart #2$]=]
    [=[^RESTART ladder 2: ok$]=]
    [=[^\[monitor\] counter: 1 restarts in 60000 ms: escalating to cold restarts$]=]
    [=[^\[monitor\] counter \(pid 2\): crash at 10 .*. cold restart #3$]=]
    [=[^\[monitor\] counter: cold restart done, now pid (?P<c3>[0-9]+)$]=]
    [=[^\[monitor\] counter: 1 restarts in 60000 ms: escalating to group restarts$]=]
    [=[^\[monitor\] counter \(pid ${c3}\): crash at 10 .*. group restart #4$]=]
    [=[^\[monitor\] counter: group restart with 1 connected process$]=]
    [=[^\[monitor\] rtest \(pid 3\): connected to counter, no restart policy: left alone$]=]
    [=[^RESTART ladder 4: partner_gone$]=]
    [=[^\[monitor\] counter \(pid [0-9]+\): crash. restart policy exhausted \(domain\)$]=]
    [=[^\[monitor\] domain restart #1: ]=])
  # deadline= instead of heartbeat=: a loop, then a request taken and never answered while the
  # counter goes on taking messages (its caller's wait convicts it).
  set(deadline_cfg test-deadline)
  set(deadline
    [=[^\[monitor\] counter \(pid 2\): no message taken for [0-9]+ ms \(bound 300 ms\): hung$]=]
    [=[^\[monitor\] counter \(pid 2\): hang .*. hot restart #1$]=]
    [=[^\[arcserver\] counter: injected lost request \(label [0-9a-f]+\): never answered$]=]
    [=[^\[monitor\] counter \(pid 2\): a request of rtest \(pid 3\) unanswered for [0-9]+ ms \(deadline 300 ms\): hung$]=]
    [=[^\[monitor\] counter \(pid 2\): hang .*. hot restart #2$]=]
    [=[^RESTART: 8 passed, 0 failed$]=])
  set(corrupt_cfg test-corrupt)
  set(corrupt
    [=[^\[arcserver\] counter: persistent state is corrupt$]=]
    [=[^\[monitor\] counter: persistent memory is corrupt: hot and warm restarts passed over$]=]
    [=[^\[monitor\] counter \(pid 2\): corrupt persistent memory.*. cold restart #2$]=]
    [=[^\[monitor\] counter: cold restart done, now pid [0-9]+$]=]
    [=[^RESTART: 7 passed, 0 failed$]=])
  set(pager_cfg test-pager)
  set(pager
    [=[^RESTART G01 ok every add answered in order]=]
    [=[^\[monitor\] inject pager into counter: armed$]=]
    [=[^\[root\] pager of counter: invalid access at 10 ip 10$]=]
    [=[^\[monitor\] counter \(pid 2\): its pager failed$]=]
    [=[^\[monitor\] counter: its pager failed: hot and warm restarts passed over$]=]
    [=[^\[monitor\] counter \(pid 2\): its pager failed at 10 ip 10. cold restart #1$]=]
    [=[^\[monitor\] counter: cold restart done, now pid [0-9]+$]=]
    [=[^RESTART: 8 passed, 0 failed$]=]
    [=[^\[monitor\] names \(pid 1\): its pager failed$]=]
    [=[^\[monitor\] names \(pid 1\): its pager failed. restart policy exhausted \(domain\)$]=]
    [=[^\[monitor\] domain restart #1: ]=]
    [=[^RESTART G11 ok after the name service's pager failed, the domain came back and answers]=]
    [=[^RESTART: 2 passed, 0 failed$]=])
  set(pager_args --fail [=[domain restart #2]=])
  set(exhaust_cfg test-exhaust)
  set(exhaust
    [=[^\[monitor\] counter \(pid 2\): crash .*. hot restart #2$]=]
    [=[^\[monitor\] counter \(pid 2\): crash. restart policy exhausted \(stop\)$]=]
    [=[^\[monitor\] counter: stopped$]=]
    [=[^RESTART: 7 passed, 0 failed$]=])
  set(reboot_cfg test-reboot)
  set(banner [=[\[arc\] Arc microkernel]=])
  set(exhausted [=[^\[monitor\] counter \(pid 2\): crash. restart policy exhausted \(reboot\)$]=])
  set(reboot ${banner} ${exhausted} [=[^\[monitor\] counter: rebooting the machine$]=]
             ${banner} ${exhausted})
  set(reboot_args --fail [=[reboot failed]=] --allow-reboot)
  set(root-fail_cfg test-root-fail)
  set(root-fail
    [=[^\[monitor\] inject crash into root: armed$]=]
    [=[^\[sigma0\] no such memory: fault at 10 ip [0-9a-f]+ from client [0-9]+ refused$]=]
    [=[^\[sigma0\] the root task failed: a fault at 10 ip [0-9a-f]+ was refused. rebooting the machine$]=]
    ${banner}
    [=[^\[root\] started rtest \(restarttest\) as pid 2$]=])
  set(root-fail_args --fail [=[reboot failed]=] --allow-reboot)
  set(domain_cfg test-domain)
  set(domain_exhausted [=[^\[monitor\] counter \(pid [0-9]+\): crash. restart policy exhausted \(domain\)$]=])
  set(domain ${domain_exhausted}
    [=[^\[monitor\] counter: restarting the domain in 100 ms$]=]
    [=[^RESTART: 7 passed, 0 failed$]=]
    [=[^\[monitor\] domain restart #1: 1 process stopped, persistent memory discarded. starting the boot configuration again$]=]
    [=[^\[root\] started names \(names\) as pid 4$]=]
    [=[^\[root\] started counter \(demo-counter\) as pid 5$]=]
    # From zero: the counter's persistent memory went with the old domain.
    [=[^RESTART E01 ok every add answered in order \(got 3\)$]=]
    # A new history: its first restart again.
    [=[^\[monitor\] counter \(pid 5\): crash at 10 .*. hot restart #1$]=]
    ${domain_exhausted}
    [=[^\[monitor\] domain restart #2: ]=]
    ${domain_exhausted}
    [=[^\[monitor\] 2 domain restarts within 60000 ms: the domain cannot be kept alive$]=]
    [=[^\[monitor\] domain: rebooting the machine$]=]
    ${banner})
  set(domain_args --fail [=[reboot failed]=] --allow-reboot)
  set(renew-pages_cfg test-renew-pages)
  set(renew-pages
    [=[^\[counter\] ready \(first start\), leaking a page per add, 10 ms per add$]=]
    [=[^\[monitor\] counter \(pid 2\): renew: (4[1-9]|[5-7][0-9]) pages, over renew-pages=40. hot restart #1 at a quiet point \(not a failure\)$]=]
    [=[^\[monitor\] counter \(pid 2\): hot restart done in [0-9]+ cycles$]=]
    [=[^\[monitor\] counter \(pid 2\): renewed: (4[1-9]|[5-7][0-9]) pages before, [1-9] after$]=]
    [=[^\[counter\] recovered: value [0-9]+ after [0-9]+ adds, 0 sessions. nothing in progress$]=]
    [=[^\[monitor\] counter \(pid 2\): renew: (4[1-9]|[5-7][0-9]) pages, over renew-pages=40. hot restart #2 at a quiet point]=]
    [=[^\[monitor\] counter \(pid 2\): renewed: (4[1-9]|[5-7][0-9]) pages before, [1-9] after$]=]
    [=[^\[monitor\] counter \(pid 2\): renew: (4[1-9]|[5-7][0-9]) pages, over renew-pages=40. hot restart #3 at a quiet point]=]
    [=[^RESTART N02 ok every add answered in order, no error]=]
    [=[^RESTART N05 ok each renewal took the leaked pages back]=]
    [=[^RESTART N07 ok no renewal found a request in progress]=]
    [=[^\[monitor\] counter \(pid 2\): crash at 10 .*. hot restart #[0-9]+$]=]
    [=[^\[counter\] recovered: value [0-9]+ after [0-9]+ adds, 0 sessions. replaying$]=]
    [=[^RESTART N10 ok a crash after the renewals: restarted hot, the add replayed]=]
    [=[^RESTART: 11 passed, 0 failed$]=])
  set(renew-period_cfg test-renew-period)
  set(renew-period
    [=[^\[counter\] ready \(first start\), leaking a page per add, 10 ms per add$]=]
    [=[^\[monitor\] counter \(pid 2\): renew: ([5-9][0-9][0-9]|1[0-9][0-9][0-9]) ms since its last start \(renew-every=500ms\). warm restart #1 at a quiet point \(not a failure\)$]=]
    [=[^\[monitor\] counter \(pid 2\): warm restart done in [0-9]+ cycles$]=]
    [=[^\[monitor\] counter \(pid 2\): renewed: [0-9]+ pages before, [1-9] after$]=]
    [=[^\[counter\] recovered: value [0-9]+ after [0-9]+ adds, 0 sessions. nothing in progress$]=]
    [=[^\[monitor\] counter \(pid 2\): renew: ([5-9][0-9][0-9]|1[0-9][0-9][0-9]) ms since its last start \(renew-every=500ms\). warm restart #2 at a quiet point]=]
    [=[^\[monitor\] counter \(pid 2\): renewed: [0-9]+ pages before, [1-9] after$]=]
    [=[^RESTART N02 ok every add answered in order, no error]=]
    [=[^RESTART N05 ok each renewal took the leaked pages back]=]
    [=[^RESTART N07 ok no renewal found a request in progress]=]
    [=[^RESTART: 9 passed, 0 failed$]=])
  # A renewal never goes cold and is never a failure (nor is the one crash of renew-pages).
  set(ladder_log ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-restart-ladder.log)
  # Counted up to the domain restart: it starts the whole configuration again, whose second
  # series of ladder lines may begin before the runner stops QEMU (the faster the restarts, the
  # sooner).
  set(ladder_args --post-check "test $(awk '/domain restart #1: /{exit} /^RESTART ladder 3: partner_gone/{n++} END{print n+0}' ${ladder_log}) -eq 1")
  set(renew_fail --fail [=[cold restart]=] --fail [=[escalating]=] --fail [=[hung$]=]
                 --fail [=[stopped]=] --fail [=[abandoned]=] --fail [=[renewals by page count off]=])
  set(renew-pages_args ${renew_fail})
  # Nor does one interrupt a request (renew-pages replays only its crash's).
  set(renew-period_args ${renew_fail} --fail [=[sessions. replaying$]=])
  # A complaint from a dependent restarts the counter; others are refused.
  set(complain_cfg test-complain)
  set(complain
    [=[^\[monitor\] counter \(pid 2\): complaint from rtest \(pid 3\): it answered invalid_arg$]=]
    [=[^\[monitor\] counter \(pid 2\): complaint at 3 ip [0-9a-f]+. hot restart #1$]=]
    [=[^RESTART: 7 passed, 0 failed$]=])
  set(complain_args --fail [=[restart #2]=])
  foreach(mode hot warm hang deadline ladder corrupt pager root-fail exhaust reboot domain
          renew-pages renew-period complain)
    set(expects)
    foreach(re IN LISTS ${mode})
      list(APPEND expects --expect ${re})
    endforeach()
    arc_config_modules(system ${dir} ${${mode}_cfg})
    arc_qemu_test(NAME ${prefix}-restart-${mode} TARGET ${target} LABEL ${label} TIMEOUT 120
      ARGS --kernel ${dir}/kernel/arc-kernel ${system} ${expects}
           --fail [=[^RESTART .* FAIL]=] ${${mode}_args} --exit-status none)
  endforeach()
endfunction()

# A server with a restart policy that exits has failed (cause exit): restarted by its policy
# until the policy is exhausted (tests/qemu/restart/test-exit.cfg). Found by fault injection: ext2
# ending on a mount error left its clients waiting for ever.
foreach(t ia32-pc armv7-qemu-virt)
  if(t IN_LIST ARC_TARGETS)
    arc_target_names(${t})
    arc_config_modules(mods_test_exit ${dir} test-exit)
    arc_qemu_test(NAME ${prefix}-restart-exit TARGET ${t} LABEL ${label} TIMEOUT 120
      ARGS --kernel ${dir}/kernel/arc-kernel
           ${mods_test_exit}
           --expect [=[^\[pager\] quitter \(pid 2\) exited with status [0-9]+$]=]
           --expect [=[^\[monitor\] quitter \(pid 2\): exit at [0-9a-f]+ ip 0. hot restart #1$]=]
           --expect [=[^\[monitor\] quitter \(pid 2\): exit at [0-9a-f]+ ip 0. hot restart #2$]=]
           --expect [=[^\[monitor\] quitter: 2 restarts in 10000 ms: escalating to cold restarts$]=]
           --expect [=[^\[monitor\] quitter \(pid 2\): exit at [0-9a-f]+ ip 0. cold restart #3$]=]
           --expect [=[^\[monitor\] quitter \(pid [0-9]+\): exit at [0-9a-f]+ ip 0. cold restart #4$]=]
           --expect [=[^\[monitor\] quitter \(pid [0-9]+\): exit. restart policy exhausted \(stop\)$]=]
           --expect [=[^\[monitor\] quitter: stopped$]=]
           --exit-status none)
  endif()
endforeach()

# A process that takes memory until its pager has no more (tests/qemu/restart/test-hog.cfg;
# docs/fuzzing.md): the pager tells that apart from an invalid access, the monitor's policy restarts
# it hot (its volatile pages go back), and after the second time the policy is spent. All three
# QEMU boards.
foreach(t ia32-pc armv7-qemu-virt armv7-realview-pb-a8)
  if(t IN_LIST ARC_TARGETS)
    arc_target_names(${t})
    arc_config_modules(hog_system ${dir} test-hog)
    arc_qemu_test(NAME ${prefix}-hog TARGET ${t} LABEL ${label} TIMEOUT 120
      ARGS --kernel ${dir}/kernel/arc-kernel ${hog_system}
           --expect [=[^SLEEPER: pid 2 taking memory$]=]
           --expect [=[^\[pager\] hog \(pid 2\): no memory for the page at [0-9a-f]+ ip [0-9a-f]+$]=]
           --expect [=[^\[monitor\] hog \(pid 2\): crash at [0-9a-f]+ ip [0-9a-f]+. hot restart #1$]=]
           --expect [=[^SLEEPER: pid 2 taking memory$]=]
           --expect [=[^\[pager\] hog \(pid 2\): no memory for the page at [0-9a-f]+ ip [0-9a-f]+$]=]
           --expect [=[^\[monitor\] hog \(pid 2\): crash. restart policy exhausted \(stop\)$]=]
           --expect [=[^\[monitor\] hog: stopped$]=]
           --fail [=[invalid (access|write) at]=] --fail [=[malloc refused]=]
           --exit-status none)
  endif()
endforeach()

# The name service restarted under the shell (docs/restarts.md, "The name service"): on the
# default system, whose boot line gives names restart=hot,warm,cold intensity=3/10s. `kill 1` is a
# failure its policy handles (hot restart), an injected crash strikes while it serves a
# registration and the replay finishes it, and the fourth failure within 10 s escalates to a warm
# restart (a new space, the capabilities moved over). After each, `proctest names` publishes,
# finds its own name and the console's (published before any restart), and the shell answers.
foreach(t ia32-pc armv7-qemu-virt)
  if(NOT t IN_LIST ARC_TARGETS)
    continue()
  endif()
  arc_target_names(${t})
  set(prompt [=[msh> ]=])
  if(t STREQUAL "ia32-pc")
    set(config default)
    # A copy per test: two QEMUs cannot share one image (the second cannot lock it).
    set(disk_names --disk-copy ${dir}/arc-disk.img ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-names-restart.disk.img)
    set(disk_console --disk-copy ${dir}/arc-disk.img ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-console-restart.disk.img)
  else()
    set(config default-virt)
    set(disk_names "")
    set(disk_console "")
  endif()
  # The whole default system, disk and file server included; a fresh prompt once the file
  # server is up (its lines and the drivers' come while the shell starts).
  arc_config_modules(default_system ${dir} ${config} proctest)
  set(board_modules ${default_system}
                    --wait-for [=[\[ext2\] mounted]=] --send-after [=[^]=] [=[\r]=])
  set(names_ok [=[PROCTEST names ok: publish ok, find own ok, find console ok, unknown refused yes]=])
  set(exited [=[\[pager\] proctest \(pid [0-9]+\) exited with status 0]=])
  arc_qemu_test(NAME ${prefix}-names-restart TARGET ${t} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel
         ${board_modules} ${disk_names}
         --send-after ${prompt} [=[start proctest names\r]=]
         --send-after ${exited} [=[kill 1\r]=]
         --send-after [=[\[names\] recovered]=] [=[start proctest names\r]=]
         --send-after ${exited} [=[inject names crash\r]=]
         --send-after [=[^armed: crash in names]=] [=[start proctest names\r]=]
         --send-after ${exited} [=[kill 1\r]=]
         --send-after [=[\[names\] recovered]=] [=[kill 1\r]=]
         --send-after [=[\[names\] recovered]=] [=[start proctest names\r]=]
         --send-after ${exited} [=[restarts\r]=]
         --send-after [=[names +killed +warm]=] [=[echo done\r]=]
         --expect [=[^\[names\] 'console' published by pid [0-9]+$]=]
         --expect ${names_ok}
         --expect [=[\[monitor\] names \(pid 1\): killed at 0 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[\[names\] recovered: [0-9]+ names, [0-9]+ connections$]=]
         --expect ${names_ok}
         --expect [=[\[arcserver\] names: injected crash$]=]
         --expect [=[\[monitor\] names \(pid 1\): crash at 10 ip [0-9a-f]+. hot restart #2$]=]
         --expect [=[\[names\] 'proctest' published by pid [0-9]+$]=]
         --expect ${names_ok}
         --expect [=[\[monitor\] names \(pid 1\): killed at 0 ip [0-9a-f]+. hot restart #3$]=]
         --expect [=[\[monitor\] names: 3 restarts in 10000 ms: escalating to warm restarts$]=]
         --expect [=[\[monitor\] names \(pid 1\): killed at 0 ip [0-9a-f]+. warm restart #4$]=]
         --expect [=[\[names\] recovered]=]
         --expect ${names_ok}
         --expect [=[^ +1 names +killed +hot +[0-9]+ +done$]=]
         --expect [=[^ +1 names +crash +hot +[0-9]+ +done$]=]
         --expect [=[^ +1 names +killed +warm +[0-9]+ +done$]=]
         --expect [=[^done$]=]
         --fail [=[PROCTEST names FAIL]=] --fail [=[stopped]=]
         --exit-status none)

  # The name service restarted cold, twice (test-names-cold*.cfg: cold is its first rung). Its
  # records are discarded, not the connections it brokered: the registry's capabilities are kept,
  # the three servers that had published are told to publish again, and each publication claims
  # its kept endpoint and the capabilities minted from it for clients (post-check: each of the six
  # publications, over both restarts, claims at least one client's). So: the shell's file
  # connection answers at once, a new client finds every name, and the block server's group
  # restart finds ext2 connected to it through the rebuilt records.
  if(t STREQUAL "ia32-pc")
    set(cold_config test-names-cold)
    set(block pata)
    set(cold_disk --disk-copy ${dir}/arc-disk.img ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-names-cold.disk.img
                  --post-check "/sbin/e2fsck -fn ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-names-cold.disk.img")
  else()
    set(cold_config test-names-cold-virt)
    set(block ramdisk)
    set(cold_disk "")
  endif()
  arc_config_modules(cold_system ${dir} ${cold_config} proctest)
  set(cold_log ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-names-cold.log)
  set(hello [=[^Hello from the Arc disk]=])
  set(claimed [=[^\[names\] '(console|fs|block)' published again by pid [0-9]+: its kept endpoint and [1-9][0-9]* clients' capabilities]=])
  set(block_armed "^armed: crash in ${block}")
  set(block_crash "^\\[monitor\\] ${block} \\(pid [0-9]+\\): crash at 10 ip [0-9a-f]+. group restart #1$")
  set(block_group "^\\[monitor\\] ${block}: group restart with 1 connected process$")
  arc_qemu_test(NAME ${prefix}-names-cold TARGET ${t} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${cold_system} ${cold_disk}
         --wait-for [=[\[ext2\] mounted]=] --send-after [=[^]=] [=[\r]=]
         --send-after ${prompt} [=[cat hello.txt\r]=]
         --send-after ${hello} [=[kill names\r]=]
         --send-after [=[\[arcserver\] ext2: the name service started over]=] [=[cat hello.txt\r]=]
         --send-after ${hello} [=[start proctest names\r]=]
         --send-after ${exited} "inject ${block} crash\r"
         --send-after ${block_armed} [=[write after-group written after the group restart\r]=]
         --send-after [=[\[monitor\] ext2 \(pid [0-9]+\): [a-z]+ restart done]=] [=[kill names\r]=]
         --send-after [=[\[arcserver\] ext2: the name service started over]=] [=[cat after-group\r]=]
         --send-after [=[^written after the group restart]=] [=[restarts\r]=]
         --send-after [=[names +killed +cold]=] [=[echo done\r]=]
         --expect [=[^\[monitor\] names \(pid 1\): killed at 0 ip [0-9a-f]+. cold restart #1$]=]
         --expect [=[^\[monitor\] names: [0-9]+ capabilities kept, 3 servers to publish again$]=]
         --expect [=[^\[monitor\] names: cold restart done, now pid (?P<names2>[0-9]+)$]=]
         --expect [=[^\[names\] started cold with [0-9]+ capabilities kept: matched as servers publish again$]=]
         --expect ${hello}
         --expect ${names_ok}
         --expect ${block_crash}
         --expect ${block_group}
         --expect [=[^\[monitor\] names \(pid ${names2}\): killed at 0 ip [0-9a-f]+. cold restart #2$]=]
         --expect [=[^\[monitor\] names: [0-9]+ capabilities kept, 3 servers to publish again$]=]
         --expect [=[^written after the group restart$]=]
         --expect [=[^ +1 names +killed +cold +[0-9]+ +done$]=]
         --expect [=[^ +[0-9]+ names +killed +cold +[0-9]+ +done$]=]
         --expect [=[^done$]=]
         --fail [=[PROCTEST names FAIL]=] --fail [=[stopped]=] --fail [=[^msh: [a-z]+: ]=]
         --fail [=[not told to publish again|cannot publish]=]
         --post-check "test $(grep -cE \"${claimed}\" ${cold_log}) -eq 6"
         --exit-status none)

  # The console restarted under the shell: killed (hot, by its policy: nothing seen), then with
  # its persistent memory damaged (cold: a new endpoint, which the shell's connection finds,
  # arc/reconnect.hh). The shell writes and reads through it after each.
  arc_qemu_test(NAME ${prefix}-console-restart TARGET ${t} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel
         ${board_modules} ${disk_console}
         --send-after ${prompt} [=[kill 2\r]=]
         --send-after [=[\[monitor\] console \(pid 2\): hot restart done]=] [=[echo after hot\r]=]
         --send-after [=[^after hot]=] [=[inject console corrupt\r]=]
         --send-after [=[^armed: corrupt in console]=] [=[echo after cold\r]=]
         --send-after [=[^after cold]=] [=[restarts\r]=]
         --expect [=[^\[names\] 'console' published by pid 2$]=]
         --expect [=[\[monitor\] console \(pid 2\): killed at 0 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[^after hot$]=]
         --expect [=[\[monitor\] console \(pid 2\): crash at 10 ip [0-9a-f]+. hot restart #2$]=]
         --expect [=[\[monitor\] console \(pid 2\): corrupt persistent memory at 0 ip 0. cold restart #3$]=]
         --expect [=[\[names\] 'console' published by pid (?P<cold>[0-9]+)$]=]
         --expect [=[^armed: corrupt in console after 0 requests$]=]
         --expect [=[^after cold$]=]
         --expect [=[^ +2 console +killed +hot +[0-9]+ +done$]=]
         --expect [=[^ +2 console +crash +hot +[0-9]+ +done$]=]
         --expect [=[^ +2 console +corrupt +cold +[0-9]+ +done$]=]
         --fail [=[the console is gone]=]
         --exit-status none)

  # The console restarted warm (tests/qemu/restart/test-console-warm.cfg: restart=warm,cold) in
  # the middle of a line being typed: a crash armed past the shell's next three requests (the
  # `armed` line, the prompt, the blocked read of the next line) strikes in the interrupt of the
  # line's first byte, and the rest of the line is typed after the restart; the shell gets
  # the whole line (the line being edited, its blocked read and the bytes waiting in the UART all
  # survive). Then a kill from the shell (warm again) and one more line.
  arc_config_modules(warm_system ${dir} test-console-warm)
  arc_qemu_test(NAME ${prefix}-console-warm TARGET ${t} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${warm_system}
         --send-after ${prompt} [=[inject console crash after 3\r]=]
         --send-after [=[^armed: crash in console]=] [=[echo par]=]
         --send-after [=[\[monitor\] console \(pid 2\): warm restart done]=] [=[tial\r]=]
         --send-after [=[^partial]=] [=[kill 2\r]=]
         --send-after [=[\[monitor\] console \(pid 2\): warm restart done]=] [=[echo after warm\r]=]
         --send-after [=[^after warm]=] [=[restarts\r]=]
         --expect [=[\[monitor\] console \(pid 2\): crash at 10 ip [0-9a-f]+. warm restart #1$]=]
         --expect [=[^partial$]=]
         --expect [=[\[monitor\] console \(pid 2\): killed at 0 ip [0-9a-f]+. warm restart #2$]=]
         --expect [=[^after warm$]=]
         --expect [=[^ +2 console +crash +warm +[0-9]+ +done$]=]
         --expect [=[^ +2 console +killed +warm +[0-9]+ +done$]=]
         --fail [=[the console is gone]=] --fail [=[cold restart]=]
         --exit-status none)

  # A client waiting for a name is answered when it is published, not at its next look-up
  # (tests/qemu/restart/test-name-wait.cfg): the waiter, started at boot, polls only every 30 s;
  # once the shell prompts (the console's input is up) it starts the server of the name, and the
  # waiter has it after 1 ms to 5 s (0 would mean it was not waiting yet). A name service that
  # did not keep the waiting lookup would leave it asleep for 30 s.
  arc_config_modules(name_wait_system ${dir} test-name-wait)
  arc_qemu_test(NAME ${prefix}-name-wait TARGET ${t} LABEL ${label} TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel ${name_wait_system}
         --send-after ${prompt} [=[start proctest names\r]=]
         --expect [=[^PROCTEST names ok: publish ok]=]
         --capture [=[^PROCTEST waiting for proctest$]=]
         --capture [=[^PROCTEST found proctest: ok after ([1-9][0-9]{0,2}|[1-4][0-9]{3}) ms$]=]
         --fail [=[^PROCTEST found proctest: (?!ok)]=]
         --exit-status none)

  # The console fails with no restart policy (tests/qemu/restart/test-console-lost.cfg): the shell's
  # connection waits its 10 s budget for it to come back, then the shell says so once and keeps
  # waiting without spinning: nothing more from it while a timer started before the crash
  # (sleeper 16000) runs out (post-checks on the serial log).
  set(log ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-console-lost.log)
  arc_config_modules(lost_system ${dir} test-console-lost sleeper)
  arc_qemu_test(NAME ${prefix}-console-lost TARGET ${t} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${lost_system}
         --send-after ${prompt} [=[start sleeper 16000\r]=]
         --send-after [=[^started sleeper]=] [=[inject console crash\r]=]
         --expect [=[\[monitor\] console \(pid 2\): crash at 10 .*no restart policy: stopped$]=]
         --expect [=[msh: the console is gone \(invalid_cap\): waiting for it to come back$]=]
         --expect [=[^SLEEPER: pid [0-9]+ awake after 16000 ms$]=]
         --post-check "test $(grep -c 'the console is gone' ${log}) -eq 1"
         --post-check "! sed -n '/the console is gone/,$p' ${log} | tail -n +2 | grep -q msh"
         --exit-status none)
endforeach()

# The back-off grows between attempts (tests/qemu/restart/test-backoff.cfg: backoff=50ms
# backoff-max=200ms): 50, 100, 200, 200 ms before the four hot restarts, then the policy is
# exhausted. The pager waits that long before it restarts the process.
foreach(t ia32-pc armv7-qemu-virt)
  if(NOT t IN_LIST ARC_TARGETS)
    continue()
  endif()
  arc_target_names(${t})
  arc_config_modules(backoff_system ${dir} test-backoff)
  arc_qemu_test(NAME ${prefix}-restart-backoff TARGET ${t} LABEL ${label} TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel ${backoff_system}
         --expect [=[^\[monitor\] quitter \(pid 2\): exit at 0 ip 0. hot restart #1$]=]
         --expect [=[^\[monitor\] quitter: back-off 50 ms before the restart$]=]
         --expect [=[^\[monitor\] quitter \(pid 2\): exit at 0 ip 0. hot restart #2$]=]
         --expect [=[^\[monitor\] quitter: back-off 100 ms before the restart$]=]
         --expect [=[^\[monitor\] quitter \(pid 2\): exit at 0 ip 0. hot restart #3$]=]
         --expect [=[^\[monitor\] quitter: back-off 200 ms before the restart$]=]
         --expect [=[^\[monitor\] quitter \(pid 2\): exit at 0 ip 0. hot restart #4$]=]
         --expect [=[^\[monitor\] quitter: back-off 200 ms before the restart$]=]
         --expect [=[^\[monitor\] quitter \(pid 2\): exit. restart policy exhausted \(stop\)$]=]
         --exit-status none)
endforeach()
