# Device drivers beyond the per-board blocks: the parallel port.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_qemu_test, arc_config_modules and the
# patterns several areas share.)

# The parallel-port driver (drivers/parport) and a client that prints a known text through it
# (apps/lpclient, lptext.hh). The driver is armed to simulate hot restarts in the middle of
# requests (tests/qemu/devices/test-parport.cfg: inject=soft), each followed by the replay of the
# interrupted request from the persistent byte index; QEMU's LPT1 writes to a file that must equal
# the text byte for byte (built on the host from the same lptext.hh).
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  add_executable(lptext ${CMAKE_SOURCE_DIR}/apps/lpclient/lptext_host.cc)
  set(lptext_expected ${CMAKE_CURRENT_BINARY_DIR}/lpclient-expected.txt)
  add_custom_command(OUTPUT ${lptext_expected} COMMAND lptext ${lptext_expected}
    DEPENDS lptext COMMENT "Writing lpclient's expected print-out" VERBATIM)
  add_custom_target(lptext-expected ALL DEPENDS ${lptext_expected})
  set(lpt_out ${CMAKE_BINARY_DIR}/qemu-logs/ia32-parport.lpt)
  arc_config_modules(mods_test_parport ${ia32} test-parport)
  arc_qemu_test(NAME ia32-parport TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel
         ${mods_test_parport}
         --qemu-arg=-parallel --qemu-arg=file:${lpt_out}
         --expect [=[^\[parport\] LPT1 at 0x378: ready]=]
         --expect [=[^\[parport\] armed: soft after 1000 bytes, 3 time]=]
         --expect [=[^\[parport\] injected soft after byte [0-9]+ of [0-9]+ of request [0-9]+$]=]
         --expect [=[^\[parport\] recovered: request [0-9]+ resumes at byte [0-9]+ of [0-9]+$]=]
         --expect [=[^\[parport\] replay: request [0-9]+ continues at byte [0-9]+ of [0-9]+$]=]
         --expect [=[^\[parport\] replay: request [0-9]+ continues]=]
         --expect [=[^\[parport\] replay: request [0-9]+ continues]=]
         --expect [=[^\[parport\] armed: soft after 1500 bytes, 2 time]=]
         --expect [=[^\[parport\] replay: request [0-9]+ continues at byte 1500 of [0-9]+$]=]
         --expect [=[^\[parport\] replay: request [0-9]+ continues at byte 3000 of [0-9]+$]=]
         --expect [=[^LPCLIENT: printer: 8117 bytes printed, [0-9]+ requests, 5 recoveries, 5 resumed$]=]
         --expect [=[^LPCLIENT: 8117 bytes sent$]=]
         --expect [=[^\[pager\] lpclient \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[^LPCLIENT: FAIL]=]
         --fail [=[process stopped]=]
         --fail [=[persistent state (implausible|is corrupt)]=]
         --post-check "cmp ${lptext_expected} ${lpt_out}"
         --exit-status none)

  # Restart scenario 3: the same text while the driver really crashes mid-write (an invalid
  # access after every 1000 bytes, three times, then twice more in the session half): its pager
  # reports each crash, the monitor restarts it hot, and the replay continues the interrupted
  # request at the persistent byte index. The port's file must still equal the text.
  set(lpt_crash_out ${CMAKE_BINARY_DIR}/qemu-logs/ia32-parport-crash.lpt)
  arc_config_modules(mods_test_parport_crash ${ia32} test-parport-crash)
  arc_qemu_test(NAME ia32-parport-crash TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel
         ${mods_test_parport_crash}
         --qemu-arg=-parallel --qemu-arg=file:${lpt_crash_out}
         --expect [=[^\[parport\] armed: crash after 1000 bytes, 3 time]=]
         --expect [=[^\[monitor\] parport \(pid 2\): crash at 0 .*; hot restart #1$]=]
         --expect [=[^\[parport\] replay: request [0-9]+ continues at byte [0-9]+ of [0-9]+$]=]
         --expect [=[^\[monitor\] parport \(pid 2\): crash at 0 .*; hot restart #3$]=]
         --expect [=[^\[parport\] armed: crash after 1500 bytes, 2 time]=]
         --expect [=[^\[monitor\] parport \(pid 2\): crash at 0 .*; hot restart #5$]=]
         --expect [=[^LPCLIENT: printer: 8117 bytes printed, [0-9]+ requests, 5 recoveries, 5 resumed$]=]
         --expect [=[^LPCLIENT: 8117 bytes sent$]=]
         --expect [=[^\[pager\] lpclient \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[^LPCLIENT: FAIL]=]
         --fail [=[process stopped]=]
         --fail [=[cold restart|: stopped$]=]
         --post-check "cmp ${lptext_expected} ${lpt_crash_out}"
         --exit-status none)
endif()

# The framebuffer (issue 12; drivers/vbe, apps/fbdemo): QEMU's standard VGA in Bochs DISPI mode.
# The demo draws a known picture (apps/fbdemo/picture.hh: a background, eight bars, a tile blitted
# twice through a shared session, a square animated over 20 frames) while faults armed through
# the monitor strike the driver half-way through the first blit (a crash) and through the sixth
# frame (a panic); its policy restarts it hot (ia32-fb-hot) or warm (ia32-fb-warm) and the
# interrupted request is replayed. The demo sees every call answered and the mode set once; QEMU's
# screendump must equal the picture pixel for pixel (check-fb.py computes it from picture.hh).
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  foreach(kind hot warm)
    if(kind STREQUAL "hot")
      set(fb_cfg test-fb)
    else()
      set(fb_cfg test-fb-warm)
    endif()
    arc_config_modules(mods_fb ${ia32} ${fb_cfg})
    set(screen ${CMAKE_BINARY_DIR}/qemu-logs/ia32-fb-${kind}.ppm)
    arc_qemu_test(NAME ia32-fb-${kind} TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
      ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_fb}
           --expect [=[^\[fb\] Bochs DISPI 0xb0c[0-9a-f], framebuffer 3072 KiB at 0xfd000000: ready$]=]
           --expect [=[^FBDEMO: crash armed after 64 rows: ok$]=]
           --expect "^\\[monitor\\] fb \\(pid [0-9]+\\): crash at 10 ip [0-9a-f]+. ${kind} restart #1$"
           --expect [=[^\[fb\] recovered: 640x480, [0-9]+ pixels drawn$]=]
           --expect [=[^FBDEMO: panic armed after 336 rows: ok$]=]
           --expect "^\\[monitor\\] fb \\(pid [0-9]+\\): panic .*${kind} restart #2$"
           --expect [=[^FBDEMO: drawn: mode 640x480 \(pitch 2560\), set 1 time\(s\), [0-9]+ pixels drawn$]=]
           --expect [=[^FBDEMO: done$]=]
           --fail [=[^FBDEMO: FAIL]=] --fail [=[cold restart|: stopped]=]
           --monitor-at-end "screendump ${screen}"
           --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-fb.py ${screen} ${CMAKE_SOURCE_DIR}/apps/fbdemo/picture.hh"
           --exit-status none)
  endforeach()
endif()

# Keyboard under fire (issue 12): two lines typed in one burst (--keys-after: every sendkey at
# once, 20 ms apart in QEMU's queue, nothing waits for an echo; capitals and symbols with shift)
# while the injector crashes the keyboard server four times in the middle of handling keys (hot,
# hot, then warm, warm). Every character must reach kbdtest once, in order: the two lines on the
# serial log: check-keys.py spells the whole burst from kbdtest's per-key lines and compares
# its two `got line` lines (they may come before or after the last crash).
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(kbd_burst [=[The Quick Brown Fox, 1234 & 5678!\njumps over: (lazy) dogs? #9 @arc_os+\n]=])
  arc_config_modules(mods_kbd_burst ${ia32} test-keyboard-burst)
  arc_qemu_test(NAME ia32-keyboard-burst TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 90
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_kbd_burst}
         --keys-after [=[^KBD: ready$]=] ${kbd_burst}
         --expect [=[^KBD: ready$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. hot restart #2$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. warm restart #3$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. warm restart #4$]=]
         --expect [=[^INJECTOR: 4 of 4 crash faults armed in keyboard \(in handler steps\)$]=]
         --expect [=[^KBD: done$]=]
         --fail [=[^KBD: (read failed|no keyboard)]=]
         --fail [=[cold restart|restart policy exhausted|: stopped$]=]
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-keys.py ${CMAKE_BINARY_DIR}/qemu-logs/ia32-keyboard-burst.log '${kbd_burst}'"
         --exit-status none)
endif()

# The same at the shell (issue 12): msh --keyboard reads its lines from the PS/2 keyboard. Two
# echo commands, each typed in one burst (the second once the first's output is out), while the
# keyboard server crashes four times in the middle of handling keys (hot, hot, warm, warm); then
# `echo end` ends the run. check-lines.py wants each command's output once, in order, on the
# serial log: msh ran exactly the line typed. (msh's echo of the keys is not checked: it is
# written while the pager and the monitor report the crashes on the kernel console, which shares
# the serial line by whole characters, so its characters land inside their lines.)
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(line1 [=[The Quick Brown Fox, 1234 & 5678!]=])
  set(line2 [=[jumps over: (lazy) dogs? #9 @arc_os+]=])
  arc_config_modules(mods_kbd_shell ${ia32} test-keyboard-shell)
  arc_qemu_test(NAME ia32-keyboard-shell TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 90
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_kbd_shell}
         --keys-after [=[msh> ]=] "echo ${line1}\\n"
         --keys-after [=[^The Quick Brown Fox]=] "echo ${line2}\\n"
         --keys-after [=[^jumps over: ]=] [=[echo end\n]=]
         --expect [=[^msh: Arc micro shell, pid [0-9]+ \(type help\)$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. hot restart #2$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. warm restart #3$]=]
         --expect [=[^\[monitor\] keyboard \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. warm restart #4$]=]
         --expect [=[^INJECTOR: 4 of 4 crash faults armed in keyboard \(in handler steps\)$]=]
         --expect [=[^end$]=]
         --fail [=[^msh: keyboard read failed]=]
         --fail [=[cold restart|restart policy exhausted|: stopped$]=]
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-lines.py ${CMAKE_BINARY_DIR}/qemu-logs/ia32-keyboard-shell.log '${line1}' '${line2}' end"
         --exit-status none)
endif()

# Consoles under fire (issue 12): apps/linetest writes 200 numbered lines through a console while
# crashes it arms in that console strike in the middle of its writes (hot, hot, warm, warm; the
# cfg files say where). vgacon: the screen read back must show the last 24 lines, each once, in
# order (check-numbered.py screen; a character written twice or a scroll done twice or half
# would show). console: the C library's printf is what carries the client's lines to the serial
# port, through the console server (not the kernel console): every line once, in order, on the
# serial log (check-numbered.py serial).
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(restarts
      --expect [=[^\[monitor\] (?P<server>[a-z]+) \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. hot restart #1$]=]
      --expect [=[^\[monitor\] ${server} \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. hot restart #2$]=]
      --expect [=[^\[monitor\] ${server} \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. warm restart #3$]=]
      --expect [=[^\[monitor\] ${server} \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. warm restart #4$]=])
  arc_config_modules(mods_vga_fire ${ia32} test-vga-fire)
  arc_qemu_test(NAME ia32-vga-fire TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 90
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_vga_fire}
         --expect [=[^LINES: crash armed in vgacon before line 178 at step 7$]=]
         ${restarts}
         --expect [=[^LINES: done: 200 lines written, 4 crashes armed$]=]
         --vga-expect [=[^LINE 200/200 ]=]
         --fail [=[^LINES: FAIL]=]
         --fail [=[cold restart|restart policy exhausted|: stopped$]=]
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-numbered.py screen ${CMAKE_BINARY_DIR}/qemu-logs/ia32-vga-fire.log.screen 200"
         --exit-status none)
  arc_config_modules(mods_console_fire ${ia32} test-console-fire)
  arc_qemu_test(NAME ia32-console-fire TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 90
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_console_fire}
         --expect [=[^LINES: crash armed in console before line 20 at step 7$]=]
         ${restarts}
         --expect [=[^LINES: done: 200 lines written, 4 crashes armed$]=]
         --fail [=[^LINES: FAIL]=]
         --fail [=[cold restart|restart policy exhausted|: stopped$]=]
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-numbered.py serial ${CMAKE_BINARY_DIR}/qemu-logs/ia32-console-fire.log 200"
         --exit-status none)
endif()
