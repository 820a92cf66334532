# The tests that are the same on every board (ktest, fuzzing, sigma0 exhaustion, a refused
# boot module, newlib, the user-level base, the ArcServer demo).
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test, arc_config_modules and the
# patterns several areas share.)

# The tests that are the same on every target: the in-Arc kernel API suite, system-call fuzzing,
# sigma0's memory taken to the end, newlib inside Arc, the user-level base (processes) and the
# ArcServer demo. Registers <prefix>-ktest, -fuzz, -exhaust, -libc, -processes and -demo.
function(arc_base_tests prefix target label dir)
  # The in-Arc kernel API suite, booted the fast way (-kernel/-initrd).
  arc_qemu_test(NAME ${prefix}-ktest TARGET ${target} LABEL ${label} TIMEOUT 300
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module ${dir}/apps/ktest/ktest
         --expect [=[\[arc\] Arc microkernel]=]
         --expect ${ktest_summary}
         --fail [=[^TEST \S+ FAIL]=] --fail [=[^KTEST: FAIL]=]
         --exit-status 0)

  # System-call fuzzing: ktest's command line asks for 100000 random calls; a sample of the
  # failed ones changed nothing, and destroying the fuzz world gave every byte back.
  arc_qemu_test(NAME ${prefix}-fuzz TARGET ${target} LABEL ${label} TIMEOUT 600
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module "${dir}/apps/ktest/ktest fuzz 100000"
         --expect [=[^FUZZ: seed [0-9]+]=]
         --expect [=[^FUZZ: [0-9]+ failed calls checked, 0 changed what they must not$]=]
         --expect [=[^FUZZ: kernel memory charged to us: (?P<fuzz_used>[0-9]+) bytes before the fuzz world, (?P=fuzz_used) after it is destroyed$]=]
         --expect [=[^FUZZ: 100000 calls, kernel alive]=]
         --fail [=[^FUZZ: FAIL]=]
         --fail [=[^\[arc\] thread .* \(space 2\): .*thread stopped$]=]
         --exit-status 0)

  # The same from one secure domain against another (`domains`, kernel-abi.md "Secure domains"):
  # the fuzz thread's space and factory are domain X's, the victim's domain Y's; it holds the
  # victim's thread with perfmon only and, as a grant gone wrong, its space with control. Besides
  # the checks above, nothing of the victim (every slot of its capability space, its priority
  # and space) may change over the whole run.
  arc_qemu_test(NAME ${prefix}-fuzz-domains TARGET ${target} LABEL ${label} TIMEOUT 600
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module "${dir}/apps/ktest/ktest fuzz 50000 11 domains"
         --expect [=[^FUZZ: seed 11 \(the fuzz thread in one secure domain, the victim in another\)$]=]
         --expect [=[^FUZZ: [0-9]+ failed calls checked, 0 changed what they must not$]=]
         --expect [=[^FUZZ: domains: the victim's capability space and thread unchanged over the run$]=]
         --expect [=[^FUZZ: kernel memory charged to us: (?P<fuzz_used>[0-9]+) bytes before the fuzz world, (?P=fuzz_used) after it is destroyed$]=]
         --expect [=[^FUZZ: 50000 calls, kernel alive]=]
         --fail [=[^FUZZ: FAIL]=] --fail [=[CHANGED]=]
         --fail [=[^\[arc\] thread .* \(space 2\): .*thread stopped$]=]
         --exit-status 0)

  # The fuzzer's own checks can fail: with `plant` it makes the changes a failed call must not
  # (a capability deleted, a test page unmapped, the victim's priority) and keeps an object
  # beyond the world's end (a leak); each must be reported and fail the run.
  arc_qemu_test(NAME ${prefix}-fuzz-plant TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module "${dir}/apps/ktest/ktest fuzz 20000 7 plant"
         --expect [=[^FUZZ: seed 7 \(planted changes: this run must fail\)$]=]
         --expect [=[^FUZZ: FAIL changed: capability space 1, test page mapping 1, victim thread 1$]=]
         --expect [=[^FUZZ: kernel memory charged to us: [0-9]+ bytes before the fuzz world, [0-9]+ after it is destroyed \(FAIL: not all given back\)$]=]
         --fail [=[calls, kernel alive]=]
         --fail [=[^\[arc\] thread .* \(space 2\): .*thread stopped$]=]
         --exit-status 1)

  # A page fault no pager can serve: ktest takes every frame sigma0 has, and the next fault is
  # refused once (memory exhausted), reported to the thread's handler, never retried.
  set(log ${CMAKE_BINARY_DIR}/qemu-logs/${prefix}-exhaust.log)
  arc_qemu_test(NAME ${prefix}-exhaust TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module "${dir}/apps/ktest/ktest exhaust"
         --expect [=[^\[sigma0\] memory exhausted: fault at [0-9a-f]+ ip [0-9a-f]+ from client 2 refused$]=]
         --expect [=[^EXHAUST: [1-9][0-9]+ pages taken, then the fault at [0-9a-f]+ refused \(vector 100, reason 2\); sigma0 free frames [1-9][0-9]+ -> 0$]=]
         --expect [=[^EXHAUST: ok, refused once$]=]
         --fail [=[^EXHAUST: FAIL]=]
         --post-check "test $(grep -c 'memory exhausted' ${log}) -eq 1"
         --fail [=[^\[arc\] thread .* \(space 2\): .*thread stopped$]=]
         --exit-status 0)

  # A root task the kernel's own ELF check refuses (its program headers at an odd offset): the
  # kernel says which module and why, and halts with status 0x7e; it must not fault reading it.
  arc_qemu_test(NAME ${prefix}-boot-refused TARGET ${target} LABEL ${label} TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module ${dir}/apps/proctest/badelf-phoff
         --expect [=[^\[arc\] boot: module 'badelf-phoff' refused: misaligned program headers$]=]
         --expect [=[^\[arc\] boot: cannot start the initial tasks; halting$]=]
         --fail [=[\[sigma0\]]=]
         --exit-status 126)

  # newlib inside Arc: libc-test as the root task (sigma0 pages in its heap).
  arc_qemu_test(NAME ${prefix}-libc TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module ${dir}/apps/libc-test/libc-test
         --expect [=[\[arc\] Arc microkernel]=]
         --expect [=[^LIBC: printf to stdout works \(newlib, 2024\)]=]
         --expect [=[^LIBC: [0-9]+ passed, 0 failed]=]
         --fail [=[^LIBC FAIL]=]
         --exit-status 0)

  # The user-level base: the root task starts the servers of a boot configuration, each with
  # its own pager; a malformed program is refused while the rest runs; a process checks its
  # information page, arguments, .pdata, heap pages, the name service and root's services.
  # (Its modules are listed here: the configuration is malformed on purpose, and badelf is no
  # program of the build but a file made from one.)
  arc_qemu_test(NAME ${prefix}-processes TARGET ${target} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel
         --module ${dir}/servers/sigma0/sigma0
         --module ${dir}/servers/root/root
         --module ${dir}/servers/pager/pager
         --module ${dir}/servers/names/names
         --module ${dir}/apps/proctest/proctest
         --module ${dir}/apps/proctest/badelf
         --module ${dir}/configs/test-proc/boot.cfg
         --expect [=[^\[root\] boot.cfg:4: missing program for server 'broken'; line skipped]=]
         --expect [=[^\[root\] boot.cfg:5: unknown key 'prot'; line skipped]=]
         --expect [=[^\[root\] started names]=]
         --expect [=[^\[pager\] bad: program 'badelf' refused: ]=]
         --expect [=[^\[root\] proctest \(pid [0-9]+\) may not inject: its boot line has no may=inject$]=]
         --expect [=[^PROCTEST child running]=]
         --expect [=[^PROCTEST: 19 passed, 0 failed]=]
         --fail [=[^PROCTEST .* FAIL]=]
         --exit-status none)

  # An ArcServer and its client (apps/demo): requests through the handler table, a session
  # (shared memory through both pagers and the root task) and persistent variables (.pdata).
  arc_config_modules(mods_test_demo ${dir} test-demo)
  arc_qemu_test(NAME ${prefix}-demo TARGET ${target} LABEL ${label} TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel
         ${mods_test_demo}
         --expect [=[^\[counter\] ready \(first start\)$]=]
         --expect [=[^DEMO: D02 ok add 5 -> 5 ]=]
         --expect [=[^DEMO: D04 ok get: counter 42 after 2 adds$]=]
         --expect [=[^DEMO: D07 ok unknown label 0x7ff -> invalid_arg, counter still 42 after 2 adds$]=]
         --expect [=[^DEMO: D08 ok session begin: id [1-9][0-9]*, 4096 bytes at 0x70[0-9a-f]+ \(ok\)$]=]
         --expect [=[^DEMO: D09 ok session sum 1..10 = 55, the server wrote 55 into the shared area$]=]
         --expect [=[^DEMO: D10 ok after the client changed the area: sum 5500, server wrote 5500$]=]
         --expect [=[^DEMO: D14 ok sum on the ended session -> invalid_arg$]=]
         --expect [=[^DEMO: D15 ok server: counter state in .pdata, [1-9][0-9]* persistent of [1-9][0-9]* resident pages \(ok\)$]=]
         --expect [=[^DEMO: D17 ok a persistent variable starts with its image value 0x5eed$]=]
         --expect [=[^DEMO: D18 ok touching a new .pdata page: persistent pages ([0-9]+) -> [1-9][0-9]*$]=]
         --expect [=[^DEMO: 19 passed, 0 failed$]=]
         --expect [=[^\[pager\] client \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[^DEMO: .* FAIL]=]
         --fail [=[process stopped]=]
         --exit-status none)
endfunction()

# The Cortex-A15's instruction counter, exactly (issue 11: the HA library's loop worker reads
# it): on the benchmark machine (-icount shift=0, without which QEMU's PMU does not count
# instructions) `ktest insns` runs a two-instruction loop 10^5 and 2*10^5 times; the counts must
# differ by exactly 2*10^5. Only on armv7-qemu-virt: QEMU's PC and Cortex-A8 have no such counter.
if("armv7-qemu-virt" IN_LIST ARC_TARGETS)
  set(dir ${CMAKE_BINARY_DIR}/armv7-qemu-virt)
  arc_qemu_test(NAME armv7-qemu-virt-pmu-insns TARGET armv7-qemu-virt LABEL qemu-armv7-virt TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel --bench-flags
         --module ${dir}/servers/sigma0/sigma0
         --module "${dir}/apps/ktest/ktest insns"
         --expect [=[^INSNS: 100000 iterations [0-9]+ instructions, 200000 iterations [0-9]+. difference 200000, expected 200000: ok$]=]
         --fail [=[^INSNS: .*FAIL]=]
         --exit-status 0)
endif()
