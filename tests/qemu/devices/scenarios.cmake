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

# A cold restart of the VBE driver (test-fb-cold.cfg), the counterpart of
# armv7-realview-pb-a8-fb-cold: the crash half-way through the first blit, a policy of cold
# restarts only. QEMU's standard VGA keeps its mode and its memory across the restart (the card is
# not the process's): left alone, the half-drawn picture would stay up. The new driver finds
# DISPI enabled with a mode it knows nothing of and sets that mode again without "no clear", so
# the card clears its memory: the screendump of the lost screen is black at 640x480, as on the
# PL111; the new driver knows no mode. The demo's blit fails with partner_gone, it finds the new
# driver and draws everything again: the final screendump equals the picture.
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  arc_config_modules(mods_fb ${ia32} test-fb-cold)
  set(lost ${CMAKE_BINARY_DIR}/qemu-logs/ia32-fb-cold-lost.ppm)
  set(screen ${CMAKE_BINARY_DIR}/qemu-logs/ia32-fb-cold.ppm)
  set(check_fb "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-fb.py")
  arc_qemu_test(NAME ia32-fb-cold TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_fb}
         --expect [=[^\[fb\] Bochs DISPI 0xb0c[0-9a-f], framebuffer 3072 KiB at 0xfd000000: ready$]=]
         --expect [=[^FBDEMO: crash armed after 64 rows: ok$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): crash at .*cold restart #1$]=]
         --expect [=[^\[fb\] the card shows a 640x480 mode left by an earlier driver: cleared$]=]
         --expect [=[^\[fb\] Bochs DISPI 0xb0c[0-9a-f], framebuffer 3072 KiB at 0xfd000000: ready$]=]
         --expect [=[^FBDEMO: blit a: partner_gone: the driver was restarted cold: mode 0x0, set 0 time\(s\), 0 pixels drawn. drawing again in 2 s$]=]
         --monitor-after [=[^FBDEMO: blit a: partner_gone: the driver was restarted cold]=] "screendump ${lost}"
         --expect [=[^FBDEMO: drawn: mode 640x480 \(pitch 2560\), set 1 time\(s\), [0-9]+ pixels drawn$]=]
         --expect [=[^FBDEMO: done$]=]
         --fail [=[^FBDEMO: FAIL]=] --fail [=[hot restart|warm restart|: stopped]=]
         --monitor-at-end "screendump ${screen}"
         --post-check "${check_fb} --blank ${lost} ${CMAKE_SOURCE_DIR}/apps/fbdemo/picture.hh"
         --post-check "${check_fb} ${screen} ${CMAKE_SOURCE_DIR}/apps/fbdemo/picture.hh"
         --exit-status none)
endif()

# The shell on the framebuffer's text console (msh --fb, test-fb-shell.cfg; docs/console.md):
# every line msh prints goes to the serial console, then to the VBE driver's text console, and the
# command lines it reads are drawn after their prompt. Commands typed on the serial line; the
# shell's own `inject` arms a crash in the 11th character of the line that says so, and later a
# panic in its 3rd: the driver restarts hot and msh's text request is replayed from the stream
# position. After the last command (`echo end`), a screendump; check-text.py --shell reads the
# screen back cell by cell through the font and wants the lines of the serial log from the
# shell's banner (other programs' lines left out) at least up to `msh> echo end` (drawn before it
# ran), each once, in order; rows after it only the shell's next lines, the last perhaps begun.
# The same on realview-pb-a8 with the PL111 (test-fb-pl111-shell.cfg).
foreach(t ia32-pc armv7-realview-pb-a8)
  if(NOT t IN_LIST ARC_TARGETS)
    continue()
  endif()
  if(t STREQUAL "ia32-pc")
    set(name ia32-fb-shell)
    set(cfg test-fb-shell)
    set(label qemu-ia32)
    set(ready [=[^\[fb\] Bochs DISPI 0xb0c[0-9a-f], framebuffer 3072 KiB at 0xfd000000: ready$]=])
  else()
    set(name armv7-realview-pb-a8-fb-shell)
    set(cfg test-fb-pl111-shell)
    set(label qemu-armv7-pb-a8)
    set(ready [=[^\[fb\] PL111 at 0x10020000, surface 1200 KiB at physical 0x[0-9a-f]+: ready$]=])
  endif()
  set(tdir ${CMAKE_BINARY_DIR}/${t})
  arc_config_modules(mods_fb ${tdir} ${cfg})
  set(screen ${CMAKE_BINARY_DIR}/qemu-logs/${name}.ppm)
  set(prompt [=[msh> ]=])
  arc_qemu_test(NAME ${name} TARGET ${t} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${tdir}/kernel/arc-kernel ${mods_fb}
         --send-after ${prompt} [=[echo one two three\r]=]
         --send-after ${prompt} [=[inject fb crash step 165\r]=]
         --send-after ${prompt} [=[echo after the crash\r]=]
         --send-after ${prompt} [=[inject fb panic step 40\r]=]
         --send-after ${prompt} [=[echo after the panic\r]=]
         --send-after ${prompt} [=[servers\r]=]
         --send-after ${prompt} [=[echo bye\r]=]
         --send-after ${prompt} [=[echo end\r]=]
         --expect ${ready}
         --expect [=[^msh: Arc micro shell, pid [0-9]+ \(type help\)$]=]
         --expect [=[^one two three$]=]
         --expect [=[^armed: crash in fb after 165 handler steps$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): crash at .*hot restart #1$]=]
         --expect [=[^\[fb\] recovered: 640x480, [0-9]+ pixels drawn$]=]
         --expect [=[^after the crash$]=]
         --expect [=[^armed: panic in fb after 40 handler steps$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): panic .*hot restart #2$]=]
         --expect [=[^after the panic$]=]
         --expect [=[^bye$]=]
         --expect [=[^end$]=]
         --fail [=[cold restart|warm restart|: stopped|msh: the framebuffer console failed|msh: no framebuffer]=]
         --monitor-at-end "screendump ${screen}"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-text.py --shell ${screen} ${CMAKE_BINARY_DIR}/qemu-logs/${name}.log 'msh> echo end'"
         --exit-status none)
endforeach()

# The shell's framebuffer console across a cold restart of vbe (test-fb-shell-cold.cfg): the
# crash in the 11th character of `armed: crash ...`; the new driver knows no mode and has cleared
# the screen, msh's replayed request gets invalid_arg, msh sets the mode again, clears the screen
# and sends its line again from the new driver's stream end (0). The screen must hold the
# shell's lines from `armed: crash` on, each once, in order (check-text.py --shell --from).
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  arc_config_modules(mods_fb ${ia32} test-fb-shell-cold)
  set(screen ${CMAKE_BINARY_DIR}/qemu-logs/ia32-fb-shell-cold.ppm)
  set(prompt [=[msh> ]=])
  arc_qemu_test(NAME ia32-fb-shell-cold TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_fb}
         --send-after ${prompt} [=[echo one two three\r]=]
         --send-after ${prompt} [=[inject fb crash step 165\r]=]
         --send-after ${prompt} [=[echo after the crash\r]=]
         --send-after ${prompt} [=[servers\r]=]
         --send-after ${prompt} [=[echo end\r]=]
         --expect [=[^msh: Arc micro shell, pid [0-9]+ \(type help\)$]=]
         --expect [=[^armed: crash in fb after 165 handler steps$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): crash at .*cold restart #1$]=]
         --expect [=[^\[fb\] the card shows a 640x480 mode left by an earlier driver: cleared$]=]
         --expect [=[^after the crash$]=]
         --expect [=[^end$]=]
         --fail [=[hot restart|warm restart|: stopped|msh: the framebuffer console failed|msh: no framebuffer]=]
         --monitor-at-end "screendump ${screen}"
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-text.py --shell --from 'armed: crash' ${screen} ${CMAKE_BINARY_DIR}/qemu-logs/ia32-fb-shell-cold.log 'msh> echo end'"
         --exit-status none)
endif()

# The framebuffer's text console (fb request `text`, drivers/include/fb/text.hh: 8x16 cells, a
# 5x7 font of this project's own): fbdemo -- text writes apps/fbdemo/text.hh's lines (every
# printable character, rows that wrap) as one stream while a crash (in the 101st character) and
# then a panic strike the driver in the middle of drawing; restarted hot, the request is replayed
# from the persistent stream position. check-text.py computes the screen from the same sources
# and compares QEMU's screendump pixel for pixel: a character drawn twice or lost moves every
# character after it.
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  arc_config_modules(mods_fb ${ia32} test-fb-text)
  set(screen ${CMAKE_BINARY_DIR}/qemu-logs/ia32-fb-text.ppm)
  arc_qemu_test(NAME ia32-fb-text TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_fb}
         --expect [=[^FBDEMO: crash armed after 1607 rows: ok$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. hot restart #1$]=]
         --expect [=[^\[fb\] recovered: 640x480, [0-9]+ pixels drawn$]=]
         --expect [=[^FBDEMO: panic armed after 963 rows: ok$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): panic .*hot restart #2$]=]
         --expect [=[^FBDEMO: text: ([0-9]+) bytes in [0-9]+ requests, the console's stream at \1$]=]
         --expect [=[^FBDEMO: done$]=]
         --fail [=[^FBDEMO: FAIL]=] --fail [=[cold restart|: stopped]=]
         --monitor-at-end "screendump ${screen}"
         --post-check "/usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-text.py ${screen} ${CMAKE_SOURCE_DIR}"
         --exit-status none)
endif()
if("armv7-realview-pb-a8" IN_LIST ARC_TARGETS)
  set(pba8 ${CMAKE_BINARY_DIR}/armv7-realview-pb-a8)
  arc_config_modules(mods_fb ${pba8} test-fb-pl111-text)
  set(screen ${CMAKE_BINARY_DIR}/qemu-logs/armv7-realview-pb-a8-fb-text.ppm)
  arc_qemu_test(NAME armv7-realview-pb-a8-fb-text TARGET armv7-realview-pb-a8
    LABEL qemu-armv7-pb-a8 TIMEOUT 180
    ARGS --kernel ${pba8}/kernel/arc-kernel ${mods_fb}
         --expect [=[^FBDEMO: crash armed after 1607 rows: ok$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): crash at .*hot restart #1$]=]
         --expect [=[^\[fb\] recovered: 640x480, [0-9]+ pixels drawn$]=]
         --expect [=[^FBDEMO: panic armed after 963 rows: ok$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): panic .*hot restart #2$]=]
         --expect [=[^FBDEMO: text: ([0-9]+) bytes in [0-9]+ requests, the console's stream at \1$]=]
         --expect [=[^FBDEMO: done$]=]
         --fail [=[^FBDEMO: FAIL]=] --fail [=[cold restart|: stopped|surface moved]=]
         --monitor-at-end "screendump ${screen}"
         --post-check "/usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-text.py ${screen} ${CMAKE_SOURCE_DIR}"
         --exit-status none)
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

# Audio (issue 12; drivers/sb16, apps/waveplay): QEMU's Sound Blaster 16 plays ramp.wav (written
# by make-wave.py: 4 s of 16-bit mono at 22050 Hz, each sample telling its place) from a boot
# module; QEMU records what the card plays (-audiodev wav, without its mixing engine so the file
# holds the card's own samples), and check-audio.py aligns the recording with the source: every
# sample present, in order, none repeated, and at most 50 ms of silence inserted at any one
# place. ia32-audio plays it undisturbed; ia32-audio-hot and -warm crash the driver four times
# mid-playback (faults the player arms through the monitor, in the middle of writes and of
# refills at the card's interrupt), restarted hot or warm, while the player reads the file from
# an ext2 disk; ia32-audio-player crashes the player half-way, which resumes from its persistent
# position; ia32-audio-slow is ia32-audio-hot with 250 ms of back-off before each restart.
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  set(ramp_wav ${ia32}/ramp.wav)
  add_custom_command(OUTPUT ${ramp_wav}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ia32}   # a clean build may not have it yet
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/make-wave.py ${ramp_wav} 4
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/make-wave.py COMMENT "Writing the wave player's ramp.wav" VERBATIM)
  # The hot and warm scenarios' player reads it from an ext2 disk (made like the file-system
  # tests' disk.img: mke2fs -d from a folder holding only ramp.wav).
  find_program(ARC_AUDIO_MKE2FS mke2fs PATHS /usr/sbin /sbin)
  if(NOT ARC_AUDIO_MKE2FS)
    message(FATAL_ERROR "The audio scenarios' disk needs mke2fs: apt-get install e2fsprogs")
  endif()
  set(audio_tree ${CMAKE_CURRENT_BINARY_DIR}/audio-disk)
  set(audio_disk ${CMAKE_CURRENT_BINARY_DIR}/audio-disk.img)
  add_custom_command(OUTPUT ${audio_disk}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${audio_tree}
    COMMAND ${CMAKE_COMMAND} -E copy ${ramp_wav} ${audio_tree}/ramp.wav
    COMMAND ${CMAKE_COMMAND} -E remove -f ${audio_disk}.tmp
    COMMAND ${ARC_AUDIO_MKE2FS} -q -F -t ext2 -E root_owner=0:0 -L arc-audio -d ${audio_tree} ${audio_disk}.tmp 2M
    COMMAND ${CMAKE_COMMAND} -E rename ${audio_disk}.tmp ${audio_disk}
    DEPENDS ${ramp_wav} COMMENT "Making the audio scenarios' disk ${audio_disk} (mke2fs -d)" VERBATIM)
  set(ramp8_wav ${ia32}/ramp8.wav)
  add_custom_command(OUTPUT ${ramp8_wav}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ia32}
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/make-wave.py ${ramp8_wav} 4 --bits 8 --channels 2 --rate 11025
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/make-wave.py COMMENT "Writing the wave player's ramp8.wav" VERBATIM)
  add_custom_target(ramp-wav ALL DEPENDS ${ramp_wav} ${audio_disk} ${ramp8_wav})
  set(check_audio "/usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check-audio.py ${ramp_wav}")
  foreach(kind plain hot warm player slow)
    if(kind STREQUAL "plain")
      set(name ia32-audio)
      set(cfg test-audio)
    else()
      set(name ia32-audio-${kind})
      set(cfg test-audio-${kind})
    endif()
    set(rec ${CMAKE_BINARY_DIR}/qemu-logs/${name}.wav)
    set(restart_expects "")
    set(restarts 0)
    set(disk "")
    set(source "the boot module")
    if(kind STREQUAL "hot" OR kind STREQUAL "warm" OR kind STREQUAL "slow")
      set(restarts 4)
      set(how ${kind})
      set(backoff_expect "")
      if(kind STREQUAL "slow")
        set(how hot)
        set(backoff_expect --expect [=[^\[monitor\] audio: back-off 250 ms before the restart$]=])
      else()
        set(disk --disk-copy ${audio_disk} ${CMAKE_BINARY_DIR}/qemu-logs/${name}.disk.img)
        set(source "/ramp\\.wav \\(file server\\)")
      endif()
      foreach(n 1 2 3 4)
        list(APPEND restart_expects --expect "^\\[monitor\\] audio \\(pid [0-9]+\\): .*${how} restart #${n}$"
                                    ${backoff_expect} --expect [=[^\[sb16\] recovered: ]=])
      endforeach()
    elseif(kind STREQUAL "player")
      set(restart_expects --expect [=[^WAVEPLAY: crashing on purpose at byte [0-9]+$]=]
                          --expect [=[^\[monitor\] player \(pid [0-9]+\): crash at 0 .*hot restart #1$]=]
                          --expect [=[^WAVEPLAY: restarted: resuming at byte [0-9]+ of 176400$]=])
    endif()
    arc_config_modules(mods_audio ${ia32} ${cfg})
    arc_qemu_test(NAME ${name} TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
      ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_audio} ${disk}
           --qemu-arg=-audiodev --qemu-arg=wav,id=snd,path=${rec},out.frequency=22050,out.channels=2,out.format=s16
           --qemu-arg=-device --qemu-arg=sb16,audiodev=snd
           --expect [=[^\[root\] audio: DMA buffer of 32 KiB at physical [0-9a-f]+$]=]
           --expect [=[^\[sb16\] DSP 4\.05 at 0x220, irq 5, DMA 32 KiB at 0x[0-9a-f]+: ready$]=]
           --expect [=[^WAVEPLAY: opened, the driver moves 16384 bytes per interrupt$]=]
           ${restart_expects}
           --expect "^WAVEPLAY: played 176400 of 176400 bytes of ${source}, [0-9]+ bytes of silence inserted, ${restarts} driver restart"
           --expect [=[^WAVEPLAY: done$]=]
           --fail [=[^WAVEPLAY: FAIL]=] --fail [=[cold restart|: stopped|implausible|may have played old data]=]
           --post-check "${check_audio} ${rec} --restarts ${restarts} --log ${CMAKE_BINARY_DIR}/qemu-logs/${name}.log"
           --exit-status none)
  endforeach()

  # An underrun: the player pauses half-way until the driver has played silence. The gap is up to
  # a half (371 ms): the bound is raised, and the check compares it with the driver's count.
  set(rec ${CMAKE_BINARY_DIR}/qemu-logs/ia32-audio-underrun.wav)
  arc_config_modules(mods_audio ${ia32} test-audio-underrun)
  arc_qemu_test(NAME ia32-audio-underrun TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_audio}
         --qemu-arg=-audiodev --qemu-arg=wav,id=snd,path=${rec},out.frequency=22050,out.channels=2,out.format=s16
         --qemu-arg=-device --qemu-arg=sb16,audiodev=snd
         --expect [=[^WAVEPLAY: paused at byte [0-9]+ until the driver inserted silence: [1-9][0-9]* bytes$]=]
         --expect [=[^WAVEPLAY: played 176400 of 176400 bytes of the boot module, [1-9][0-9]* bytes of silence inserted, 0 driver restart]=]
         --expect [=[^WAVEPLAY: done$]=]
         --fail [=[^WAVEPLAY: FAIL]=] --fail [=[cold restart|: stopped|implausible|may have played old data]=]
         --post-check "${check_audio} ${rec} --max-gap-ms 400 --log ${CMAKE_BINARY_DIR}/qemu-logs/ia32-audio-underrun.log"
         --exit-status none)

  # The 8-bit path (DMA channel 1, DSP command 0xc6), stereo, at another rate, with hot restarts.
  set(rec ${CMAKE_BINARY_DIR}/qemu-logs/ia32-audio-8bit.wav)
  set(restart_expects "")
  foreach(n 1 2 3 4)
    list(APPEND restart_expects --expect "^\\[monitor\\] audio \\(pid [0-9]+\\): .*hot restart #${n}$")
  endforeach()
  arc_config_modules(mods_audio ${ia32} test-audio-8bit)
  arc_qemu_test(NAME ia32-audio-8bit TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 120
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_audio}
         --qemu-arg=-audiodev --qemu-arg=wav,id=snd,path=${rec},out.frequency=11025,out.channels=2,out.format=u8
         --qemu-arg=-device --qemu-arg=sb16,audiodev=snd
         --expect [=[^\[sb16\] open: 11025 Hz, 8 bits, 2 channel\(s\), halves of 16384 bytes$]=]
         ${restart_expects}
         --expect [=[^WAVEPLAY: played 88200 of 88200 bytes of the boot module, [0-9]+ bytes of silence inserted, 4 driver restart]=]
         --expect [=[^WAVEPLAY: done$]=]
         --fail [=[^WAVEPLAY: FAIL]=] --fail [=[cold restart|: stopped|implausible|may have played old data]=]
         --post-check "/usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check-audio.py ${ramp8_wav} ${rec} --restarts 4 --log ${CMAKE_BINARY_DIR}/qemu-logs/ia32-audio-8bit.log"
         --exit-status none)
endif()

# A cold restart frees the driver's DMA buffer (dma=): the new process gets the same physical run,
# the lowest free one, and not the next (the stream itself is lost: the player sees the reset).
if("ia32-pc" IN_LIST ARC_TARGETS)
  set(ia32 ${CMAKE_BINARY_DIR}/ia32-pc)
  arc_config_modules(mods_audio ${ia32} test-audio-cold)
  arc_qemu_test(NAME ia32-audio-cold TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 60
    ARGS --kernel ${ia32}/kernel/arc-kernel ${mods_audio}
         --qemu-arg=-audiodev --qemu-arg=none,id=snd --qemu-arg=-device --qemu-arg=sb16,audiodev=snd
         --expect [=[^\[root\] audio: DMA buffer of 32 KiB at physical (?P<dma>[0-9a-f]+)$]=]
         --expect [=[^\[monitor\] audio \(pid [0-9]+\): crash at .*; cold restart #1$]=]
         --expect [=[^\[root\] audio: DMA buffer of 32 KiB at physical ${dma}$]=]
         --expect [=[^\[monitor\] audio: cold restart done, now pid [0-9]+$]=]
         --expect [=[^\[sb16\] DSP 4\.05 at 0x220, irq 5, DMA 32 KiB at 0x${dma}: ready$]=]
         --exit-status none)
endif()

# The same picture on the PL111 CLCD of realview-pb-a8 (drivers/pl111): its surface is the
# driver's DMA buffer (dma=1200KiB, 640x480 at 32 bits), which the controller scans by physical
# address and which hot and warm restarts keep. The same faults as ia32-fb-hot/-warm (a crash
# half-way through the first blit, a panic in the sixth frame); QEMU's screendump of the CLCD's
# console must equal the picture pixel for pixel.
if("armv7-realview-pb-a8" IN_LIST ARC_TARGETS)
  set(pba8 ${CMAKE_BINARY_DIR}/armv7-realview-pb-a8)
  foreach(kind hot warm)
    arc_config_modules(mods_fb ${pba8} test-fb-pl111-${kind})
    set(screen ${CMAKE_BINARY_DIR}/qemu-logs/armv7-realview-pb-a8-fb-${kind}.ppm)
    arc_qemu_test(NAME armv7-realview-pb-a8-fb-${kind} TARGET armv7-realview-pb-a8
      LABEL qemu-armv7-pb-a8 TIMEOUT 180
      ARGS --kernel ${pba8}/kernel/arc-kernel ${mods_fb}
           --expect [=[^\[root\] fb: DMA buffer of 1200 KiB at physical (?P<surface>[0-9a-f]+)$]=]
           --expect "^\\[fb\\] PL111 at 0x10020000, surface 1200 KiB at physical 0x\${surface}: ready$"
           --expect [=[^FBDEMO: crash armed after 64 rows: ok$]=]
           --expect "^\\[monitor\\] fb \\(pid [0-9]+\\): crash at .*${kind} restart #1$"
           --expect [=[^\[fb\] recovered: 640x480, [0-9]+ pixels drawn$]=]
           --expect [=[^FBDEMO: panic armed after 336 rows: ok$]=]
           --expect "^\\[monitor\\] fb \\(pid [0-9]+\\): panic .*${kind} restart #2$"
           --expect [=[^\[fb\] recovered: 640x480, [0-9]+ pixels drawn$]=]
           --expect [=[^FBDEMO: drawn: mode 640x480 \(pitch 2560\), set 1 time\(s\), [0-9]+ pixels drawn$]=]
           --expect [=[^FBDEMO: done$]=]
           --fail [=[^FBDEMO: FAIL]=] --fail [=[cold restart|: stopped|surface moved]=]
           --monitor-at-end "screendump ${screen}"
           --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-fb.py ${screen} ${CMAKE_SOURCE_DIR}/apps/fbdemo/picture.hh"
           --exit-status none)
  endforeach()
endif()

# A cold restart of the PL111 driver (test-fb-pl111-cold.cfg): the crash half-way through the first
# blit, a policy of cold restarts only. The new process gets the same physical run for its surface
# (the lowest free one), zeroed: the controller, still scanning it, shows black (screendump of the
# lost screen: every pixel black); the new driver knows no mode. The demo's blit fails with
# partner_gone, it finds the new driver, and two seconds later draws everything again: the final
# screendump equals the picture and the mode was set once in the new driver.
if("armv7-realview-pb-a8" IN_LIST ARC_TARGETS)
  set(pba8 ${CMAKE_BINARY_DIR}/armv7-realview-pb-a8)
  arc_config_modules(mods_fb ${pba8} test-fb-pl111-cold)
  set(lost ${CMAKE_BINARY_DIR}/qemu-logs/armv7-realview-pb-a8-fb-cold-lost.ppm)
  set(screen ${CMAKE_BINARY_DIR}/qemu-logs/armv7-realview-pb-a8-fb-cold.ppm)
  set(check_fb "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/devices/check-fb.py")
  arc_qemu_test(NAME armv7-realview-pb-a8-fb-cold TARGET armv7-realview-pb-a8
    LABEL qemu-armv7-pb-a8 TIMEOUT 180
    ARGS --kernel ${pba8}/kernel/arc-kernel ${mods_fb}
         --expect [=[^\[root\] fb: DMA buffer of 1200 KiB at physical (?P<surface>[0-9a-f]+)$]=]
         --expect "^\\[fb\\] PL111 at 0x10020000, surface 1200 KiB at physical 0x\${surface}: ready$"
         --expect [=[^FBDEMO: crash armed after 64 rows: ok$]=]
         --expect [=[^\[monitor\] fb \(pid [0-9]+\): crash at .*cold restart #1$]=]
         --expect "^\\[root\\] fb: DMA buffer of 1200 KiB at physical \${surface}$"
         --expect [=[^FBDEMO: blit a: partner_gone: the driver was restarted cold: mode 0x0, set 0 time\(s\), 0 pixels drawn. drawing again in 2 s$]=]
         --monitor-after [=[^FBDEMO: blit a: partner_gone: the driver was restarted cold]=] "screendump ${lost}"
         --expect [=[^FBDEMO: drawn: mode 640x480 \(pitch 2560\), set 1 time\(s\), [0-9]+ pixels drawn$]=]
         --expect [=[^FBDEMO: done$]=]
         --fail [=[^FBDEMO: FAIL]=] --fail [=[hot restart|warm restart|: stopped|surface moved]=]
         --monitor-at-end "screendump ${screen}"
         --post-check "${check_fb} --blank ${lost} ${CMAKE_SOURCE_DIR}/apps/fbdemo/picture.hh"
         --post-check "${check_fb} ${screen} ${CMAKE_SOURCE_DIR}/apps/fbdemo/picture.hh"
         --exit-status none)
endif()

# Audio on the PL041 AACI of realview-pb-a8 (drivers/pl041): the same ramp.wav (a boot module),
# played plainly, while the player arms the same four faults in the driver as ia32-audio-hot,
# restarted hot or warm, and with the player itself crashed half-way (-player). QEMU's AACI has no DMA: the driver writes every frame into the FIFO.
# QEMU records what the LM4549 plays (-global pl041.audiodev: the board's AACI takes no
# -device; the recording's format is the source's, so the mixing engine passes samples through)
# and check-audio.py wants every sample once, in order. QEMU's wav backend writes nothing while
# the codec has no data, so a stall of the FIFO leaves no silence in the recording: the driver
# says how long the FIFO was left alone at each restart (its `recovered` lines), and the
# scenarios fail if any stretch exceeded 50 ms.
if("armv7-realview-pb-a8" IN_LIST ARC_TARGETS)
  set(pba8 ${CMAKE_BINARY_DIR}/armv7-realview-pb-a8)
  set(ramp_wav_pba8 ${pba8}/ramp.wav)
  add_custom_command(OUTPUT ${ramp_wav_pba8}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${pba8}
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/make-wave.py ${ramp_wav_pba8} 4
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/make-wave.py COMMENT "Writing the wave player's ramp.wav (pb-a8)" VERBATIM)
  add_custom_target(ramp-wav-pba8 ALL DEPENDS ${ramp_wav_pba8})
  foreach(kind plain hot warm player)
    if(kind STREQUAL "plain")
      set(name armv7-realview-pb-a8-audio)
      set(cfg test-audio-pl041)
      set(restarts 0)
      set(restart_expects "")
    elseif(kind STREQUAL "player")
      # The player itself crashed half-way and restarted hot: it resumes at its position.
      set(name armv7-realview-pb-a8-audio-player)
      set(cfg test-audio-pl041-player)
      set(restarts 0)
      set(restart_expects --expect [=[^WAVEPLAY: crashing on purpose at byte [0-9]+$]=]
                          --expect [=[^\[monitor\] player \(pid [0-9]+\): crash at 0 .*hot restart #1$]=]
                          --expect [=[^WAVEPLAY: restarted: resuming at byte [0-9]+ of 176400$]=])
    else()
      set(name armv7-realview-pb-a8-audio-${kind})
      set(cfg test-audio-pl041-${kind})
      set(restarts 4)
      set(restart_expects "")
      foreach(n 1 2 3 4)
        list(APPEND restart_expects --expect "^\\[monitor\\] audio \\(pid [0-9]+\\): .*${kind} restart #${n}$"
                                    --expect [=[^\[pl041\] recovered: open, .*alone for ([0-9]|[1-4][0-9]|50) ms]=])
      endforeach()
    endif()
    set(rec ${CMAKE_BINARY_DIR}/qemu-logs/${name}.wav)
    arc_config_modules(mods_audio ${pba8} ${cfg})
    arc_qemu_test(NAME ${name} TARGET armv7-realview-pb-a8 LABEL qemu-armv7-pb-a8 TIMEOUT 180
      ARGS --kernel ${pba8}/kernel/arc-kernel ${mods_audio}
           --qemu-arg=-audiodev --qemu-arg=wav,id=snd,path=${rec},out.frequency=22050,out.channels=2,out.format=s16
           --qemu-arg=-global --qemu-arg=pl041.audiodev=snd
           --expect [=[^\[pl041\] AACI at 0x10004000, irq 19, AC'97 codec 4e53 4331: ready$]=]
           --expect [=[^\[pl041\] open: 22050 Hz, 16 bits, 1 channel\(s\), up to 127 frames per interrupt$]=]
           ${restart_expects}
           --expect "^WAVEPLAY: played 176400 of 176400 bytes of the boot module, 0 bytes of silence inserted, ${restarts} driver restart"
           --expect [=[^WAVEPLAY: done$]=]
           --fail [=[^WAVEPLAY: FAIL]=] --fail [=[cold restart|: stopped|implausible]=]
           --post-check "/usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check-audio.py ${ramp_wav_pba8} ${rec} --restarts ${restarts} --log ${CMAKE_BINARY_DIR}/qemu-logs/${name}.log"
           --exit-status none)
  endforeach()
endif()
