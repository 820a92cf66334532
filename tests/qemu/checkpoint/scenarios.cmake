# Checkpoint and restore (docs/restarts.md, "Checkpoint and restore"): apps/ckpttest's client
# checks every value against what the checkpoints hold (CKPT Cnn lines), then the shell's
# `checkpoint`, `restore` and `restarts`. ia32 and the ARM virt board.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_target_names and arc_qemu_test.)
# The pager's and the monitor's lines after a shell command are not anchored: the shell's next
# prompt may come first on the same line, whichever of them runs first.
foreach(t ia32-pc armv7-qemu-virt)
  if(NOT t IN_LIST ARC_TARGETS)
    continue()
  endif()
  arc_target_names(${t})
  arc_config_modules(ckpt_system ${dir} test-checkpoint)
  arc_qemu_test(NAME ${prefix}-checkpoint TARGET ${t} LABEL ${label} TIMEOUT 120
    ARGS --kernel ${dir}/kernel/arc-kernel ${ckpt_system}
         --expect [=[CKPT C01 ok ]=]
         --expect [=[^\[pager\] ck1: checkpoint #1: [0-9]+ pages copied, 0 clean, [0-9]+ cycles$]=]
         --expect [=[^\[monitor\] ck1 \(pid [0-9]+\): restore to checkpoint #1 asked. restore restart #1 \(not a failure\)$]=]
         --expect [=[^\[pager\] ck1: restored checkpoint #1$]=]
         --expect [=[^\[arcserver\] ck1: back at its checkpoint's restore point$]=]
         --expect [=[^CKPT C06 ok restored: the checkpoint's value \(got 5\)$]=]
         --expect [=[^CKPT incremental: 8 pages written: ]=]
         --expect [=[^CKPT C11 ok ]=]
         --expect [=[^\[monitor\] ck1 \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. restore restart #3$]=]
         --expect [=[^CKPT C13 ok the crashed add answered from the checkpoint \(105 \+ 3\) \(got 108\)$]=]
         --expect [=[^\[monitor\] ck2 \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. warm restart #1$]=]
         --expect [=[^\[ckpt-counter\] ck2: persistent guard damaged \(bad\)$]=]
         --expect [=[^\[monitor\] ck2 \(pid [0-9]+\): corrupt persistent memory at 0 ip 0. restore restart #2$]=]
         --expect [=[^CKPT C17 ok ]=]
         --expect [=[^CKPT G01 ok ]=]
         --expect [=[^\[monitor\] ckback: group checkpoint of 2 servers held at one quiet point: ckback, ckfront$]=]
         --expect [=[^\[monitor\] ckback: group checkpoint taken: 2 servers, [0-9]+ cycles from the hold$]=]
         --expect [=[^CKPT G04 ok ]=]
         --expect [=[^\[monitor\] ckback: group restore of 2 servers to their group checkpoint$]=]
         --expect [=[^CKPT G06 ok both back at the group checkpoint: front 3, back 30 \(got 3030\)$]=]
         --expect [=[^\[monitor\] ckback: group checkpoint no longer whole: ckfront checkpointed alone$]=]
         --expect [=[^CKPT G09 ok ]=]
         --expect [=[^CKPT: 31 passed, 0 failed$]=]
         --send-after [=[^CKPT: 31 passed]=] [=[restore nosuch\r]=]
         --expect [=[^msh: restore: no running server 'nosuch'$]=]
         --send-after [=[^msh: restore: no running]=] [=[checkpoint ck1\r]=]
         --expect [=[\[pager\] ck1: checkpoint #5: [0-9]+ pages copied, [0-9]+ clean, [0-9]+ cycles$]=]
         --send-after [=[\[pager\] ck1: checkpoint #5]=] [=[restore ck1\r]=]
         --expect [=[\[pager\] ck1: restored checkpoint #5$]=]
         --expect [=[\[monitor\] ck1 \(pid [0-9]+\): restore restart done in [0-9]+ cycles$]=]
         --send-after [=[\[monitor\] ck1 \(pid [0-9]+\): restore restart done]=] [=[restarts\r]=]
         --expect [=[^ +[0-9]+ ck1 +restore-asked +restore +[0-9]+ +done$]=]
         --expect [=[^ +[0-9]+ ck1 +crash +restore +[0-9]+ +done$]=]
         --expect [=[^ +[0-9]+ ck2 +corrupt +restore +[0-9]+ +done$]=]
         --expect [=[^ +[0-9]+ ck1 +restore-asked +restore +[0-9]+ +done$]=]
         --send-after [=[msh> ]=] [=[checkpoint -g ckback\r]=]
         --expect [=[\[monitor\] ckback: group checkpoint taken: 2 servers, [0-9]+ cycles from the hold$]=]
         --send-after [=[\[monitor\] ckback: group checkpoint taken]=] [=[restore -g ckback\r]=]
         --expect [=[\[monitor\] ckback: group restore of 2 servers to their group checkpoint$]=]
         --expect [=[\[pager\] ck(back|front): restored checkpoint #[0-9]+$]=]
         --expect [=[\[pager\] ck(back|front): restored checkpoint #[0-9]+$]=]
         --fail [=[^CKPT [CG][0-9]+ FAIL]=]
         --fail [=[. cold restart #]=]
         --fail [=[process stopped]=]
         --fail [=[^\[panic\]]=]
         --exit-status none)
endforeach()

# A checkpoint's capabilities (docs/restarts.md, "Checkpoint and restore"): ck3 keeps a client's
# session across a restore after its session table was damaged, ckirq its interrupt after it was
# detached. apps/ckpttest `caps` checks the values (Snn, Inn); the framework's lines say what the
# restore made again. The device: the CMOS RTC on the PC, the PL031 on the virt board.
foreach(t ia32-pc armv7-qemu-virt)
  if(NOT t IN_LIST ARC_TARGETS)
    continue()
  endif()
  arc_target_names(${t})
  if(t STREQUAL "ia32-pc")
    set(caps_line 8)
    arc_config_modules(caps_system ${dir} test-checkpoint-caps-pc)
  else()
    set(caps_line 2)
    arc_config_modules(caps_system ${dir} test-checkpoint-caps-virt)
  endif()
  arc_qemu_test(NAME ${prefix}-checkpoint-caps TARGET ${t} LABEL ${label} TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel ${caps_system}
         --expect [=[CKPT S02 ok ]=]
         --expect [=[^\[pager\] ck3: checkpoint #1: [0-9]+ pages copied, 0 clean, [0-9]+ cycles$]=]
         --expect [=[^\[ckpt-counter\] ck3: scribbling over the session table, then crashing$]=]
         --expect [=[^\[monitor\] ck3 \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. restore restart #1$]=]
         --expect [=[^\[arcserver\] ck3: the session table was damaged: 1 sessions made again from the checkpoint$]=]
         --expect [=[^CKPT S06 ok the same session goes on after the restore, not reopened \(got 106\)$]=]
         --expect [=[^CKPT I01 ok ]=]
         --expect [=[^\[pager\] ckirq: checkpoint #1: [0-9]+ pages copied, 0 clean, [0-9]+ cycles$]=]
         --expect [=[^\[ckpt-irq\] ckirq: detaching its interrupt, then crashing$]=]
         --expect [=[^\[monitor\] ckirq \(pid [0-9]+\): crash at 10 ip [0-9a-f]+. restore restart #1$]=]
         --expect "^\\[arcserver\\] ckirq: interrupt line ${caps_line} attached again as at the checkpoint: ok$"
         --expect [=[^CKPT I04 ok interrupts arrive again after the restore]=]
         --expect [=[^CKPT: 11 passed, 0 failed$]=]
         --fail [=[^CKPT [SI][0-9]+ FAIL]=]
         --fail [=[. cold restart #]=]
         --fail [=[process stopped]=]
         --fail [=[^\[panic\]]=]
         --exit-status none)
endforeach()

# Every thread of a process (docs/restarts.md, "Checkpoint and restore"): ckthr (ckpt-threads) has
# two helper threads whose state is in their registers only. Checkpointed at a marked point (each
# helper parked with its registers on its stack), stepped on, restored by the shell's way
# (root::restore): the pager puts both helpers back and each goes on from its checkpointed steps
# and value (ckpttest `threads`, Tnn). With the main thread alone put back, T05 finds the helpers
# stuck.
foreach(t ia32-pc armv7-qemu-virt)
  if(NOT t IN_LIST ARC_TARGETS)
    continue()
  endif()
  arc_target_names(${t})
  arc_config_modules(threads_system ${dir} test-checkpoint-threads)
  arc_qemu_test(NAME ${prefix}-checkpoint-threads TARGET ${t} LABEL ${label} TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel ${threads_system}
         --expect [=[^\[ckpt-threads\] ckthr: ready with 2 helper threads$]=]
         --expect [=[CKPT T01 ok ]=]
         --expect [=[^\[pager\] ckthr: checkpoint #1: [0-9]+ pages copied, 0 clean, [0-9]+ cycles$]=]
         --expect [=[CKPT T03 ok ]=]
         --expect [=[^\[monitor\] ckthr \(pid [0-9]+\): restore to checkpoint #1 asked. restore restart #1 \(not a failure\)$]=]
         --expect [=[^\[pager\] ckthr: restored checkpoint #1 with 2 helper threads$]=]
         --expect [=[^CKPT T04 ok ]=]
         --expect [=[^CKPT helpers after the restore and one step: 6 steps, value 18. 6 steps, value 19531$]=]
         --expect [=[^CKPT T05 ok ]=]
         --expect [=[^CKPT: 6 passed, 0 failed$]=]
         --fail [=[^CKPT T[0-9]+ FAIL]=]
         --fail [=[cannot be checkpointed]=]
         --fail [=[. cold restart #]=]
         --fail [=[process stopped]=]
         --fail [=[^\[panic\]]=]
         --exit-status none)
endforeach()

# A real driver's interrupt after a restore (docs/restarts.md, "Checkpoint and restore"): the PATA
# driver, under fsclient's file workload, is checkpointed every 50 ms at its quiet points (a
# shell's `checkpoint pata` may find it busy with a transfer at every try of its second), then
# `inject pata irq` makes it detach its interrupt (IRQ 14, attached through AttachIrq) and crash.
# Its rung is restore, which runs no Initialize(): only the restore's re-attach of the
# checkpoint's association lets the re-issued transfer and every later one complete. Without it
# the workload stops (no interrupt ever comes) and the deadline's cold restart or the timeout
# fails the test. The disk is checked on the host afterwards.
if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_target_names(ia32-pc)
  set(pata_disk ${CMAKE_BINARY_DIR}/qemu-logs/ia32-checkpoint-pata.disk.img)
  arc_config_modules(pata_system ${dir} test-checkpoint-pata)
  arc_qemu_test(NAME ia32-checkpoint-pata TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel ${pata_system}
         --disk-copy ${dir}/disk.img ${pata_disk}
         --expect [=[\[pager\] pata: checkpoint #1: [0-9]+ pages copied, 0 clean, [0-9]+ cycles$]=]
         --send-after [=[^FSCLIENT: round 10 ok$]=] [=[inject pata irq\r]=]
         --expect [=[\[arcserver\] pata: injected loss of its interrupts: 1 detached$]=]
         --expect [=[^\[monitor\] pata \(pid 3\): crash at 10 ip [0-9a-f]+. restore restart #1$]=]
         --expect [=[^\[pager\] pata: restored checkpoint #[0-9]+$]=]
         --expect [=[^\[arcserver\] pata: interrupt line 14 attached again as at the checkpoint: ok$]=]
         --expect [=[^\[pata\] restored: the channel reset, 16 sectors per interrupt$]=]
         --expect [=[^FSCLIENT: round 70 ok$]=]
         --expect [=[^FSCLIENT: 80 rounds, 0 errors$]=]
         --expect [=[^\[pager\] fsclient \(pid [0-9]+\) exited with status 0$]=]
         --fail [=[^FSCLIENT: ERROR]=]
         --fail [=[process stopped]=]
         --fail [=[cold restart]=]
         --fail [=[^msh: (checkpoint|inject)]=]
         --fail [=[^\[panic\]]=]
         --post-check "${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/qemu/disk/check-fsclient.py ${pata_disk} 80 3"
         --exit-status none)
  set_tests_properties(ia32-checkpoint-pata PROPERTIES RUN_SERIAL TRUE)
endif()

# A server whose state is partly on its device (tests/qemu/checkpoint, ia32-checkpoint-ext2;
# docs/restarts.md, "Checkpoint and restore"): ext2 is checkpointed and restored from the shell
# with nothing written between; then a file is written and the restore is refused (ext2 counts its
# writes to the disk in the framework's area, which a restore keeps; the checkpoint noted the
# count) and ext2 restarts hot instead: the file reads back and lists with its size, where the
# restored cache could not look up (`?` and no size). The disk is checked on the
# host.
if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_target_names(ia32-pc)
  set(ext2ck_disk ${CMAKE_BINARY_DIR}/qemu-logs/ia32-checkpoint-ext2.disk.img)
  arc_config_modules(ext2ck_system ${dir} test-checkpoint-ext2)
  arc_qemu_test(NAME ia32-checkpoint-ext2 TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 60
    ARGS --kernel ${dir}/kernel/arc-kernel ${ext2ck_system}
         --disk-copy ${dir}/disk.img ${ext2ck_disk}
         --send-after [=[msh> ]=] [=[checkpoint ext2\r]=]
         --expect [=[\[pager\] ext2: checkpoint #1: [0-9]+ pages copied, 0 clean, [0-9]+ cycles$]=]
         --send-after [=[\[pager\] ext2: checkpoint #1: ]=] [=[restore ext2\r]=]
         --expect [=[\[pager\] ext2: restored checkpoint #1$]=]
         --expect [=[\[monitor\] ext2 \(pid [0-9]+\): restore restart done in [0-9]+ cycles$]=]
         --send-after [=[restore restart done]=] [=[write /x.txt hello\r]=]
         --expect [=[6 bytes written to /x.txt$]=]
         --send-after [=[bytes written to /x.txt]=] [=[restore ext2\r]=]
         --expect [=[\[pager\] ext2: checkpoint #1 refused: [0-9]+ writes to its device since. hot restart instead$]=]
         --expect [=[\[monitor\] ext2 \(pid [0-9]+\): hot restart done in [0-9]+ cycles$]=]
         --send-after [=[hot restart done]=] [=[cat /x.txt\r]=]
         --expect [=[hello$]=]
         --send-after [=[hello]=] [=[ls /\r]=]
         --expect [=[ 6 x.txt$]=]
         --fail [=[\? +x\.txt]=]
         --fail [=[cold restart]=]
         --fail [=[^\[panic\]]=]
         --post-check "PATH=$PATH:/sbin:/usr/sbin e2fsck -fn ${ext2ck_disk} && PATH=$PATH:/sbin:/usr/sbin debugfs -R 'cat /x.txt' ${ext2ck_disk} 2>/dev/null | grep -qx hello"
         --exit-status none)
endif()

# Migration (RTCR's; docs/restarts.md, "Checkpoints in files"): two boots from one disk. The first
# counts ck1 to 42, checkpoints it, and the shell writes the checkpoint to /ck1.ckpt on the ext2
# disk; on the host, damage-ckpt.sh adds two damaged copies and e2fsck checks the image. The second
# boots from that disk image (the first's fixture), is refused a file that is no checkpoint, a
# checkpoint of another program, a cut one and a flipped one (ck1 stays at 0), then restores ck1
# from /ck1.ckpt, and ck1 goes on from 42; e2fsck checks the image again. ia32: the PATA disk
# image itself (qemu-run.py --disk). ARM virt: the RAM disk, saved from the first machine's memory
# (pmemsave) and given to the second as its disk.img boot module.
set(migrate_save_expect
    --expect [=[\[pager\] ck1: checkpoint #1: [0-9]+ pages copied, 0 clean, [0-9]+ cycles$]=]
    --expect [=[CKPT MIGRATE ok ck1 counted to 42 \(got 42\), checkpoint #1 taken \(ok\)$]=]
    --expect [=[CKPT MIGRATE ok ck3 checkpointed with a session open at 5 \(ok\)$]=]
    --expect [=[CKPT MIGRATE ok ckirq checkpointed after [0-9]+ interrupts \(ok\)$]=]
    --send-after [=[CKPT MIGRATE ok ckirq checkpointed]=] [=[\r]=]
    --send-after [=[msh> ]=] [=[checkpoint --save ck1 /ck1.ckpt\r]=]
    --expect [=[^\[monitor\] ck1 \(pid [0-9]+\): checkpoint #1 written out as a file of [0-9]+ bytes$]=]
    --expect [=[^\[pager\] ck1: checkpoint #1 written out: [0-9]+ pages, 0 interrupt associations, 0 sessions, 0 threads, [0-9]+ bytes, checksum [0-9a-f]+, [0-9]+ cycles$]=]
    --expect [=[^checkpoint #1 of ck1 saved to /ck1.ckpt: [0-9]+ bytes$]=]
    --send-after [=[^checkpoint #1 of ck1 saved]=] [=[checkpoint --save ck3 /ck3.ckpt\r]=]
    --expect [=[^\[pager\] ck3: checkpoint #1 written out: [0-9]+ pages, 0 interrupt associations, 1 sessions, 0 threads, [0-9]+ bytes, checksum [0-9a-f]+, [0-9]+ cycles$]=]
    --expect [=[^checkpoint #1 of ck3 saved to /ck3.ckpt: [0-9]+ bytes$]=]
    --send-after [=[^checkpoint #1 of ck3 saved]=] [=[checkpoint --save ckirq /ckirq.ckpt\r]=]
    --expect [=[^\[pager\] ckirq: checkpoint #1 written out: [0-9]+ pages, 1 interrupt associations, 0 sessions, 0 threads, [0-9]+ bytes, checksum [0-9a-f]+, [0-9]+ cycles$]=]
    --expect [=[^checkpoint #1 of ckirq saved to /ckirq.ckpt: [0-9]+ bytes$]=]
    --send-after [=[^checkpoint #1 of ckirq saved]=] [=[ls /\r]=]
    --expect [=[^- +[0-9]+ ck1.ckpt$]=]
    --send-after [=[ck1.ckpt$]=] [=[restarts\r]=]
    --expect [=[^ +[0-9]+ ck1 +checkpoint-saved +checkpoint +[0-9]+ +done$]=]
    --fail [=[CKPT MIGRATE FAIL]=]
    --fail [=[^msh: [a-z]+: ]=]
    --fail [=[process stopped]=]
    --exit-status none)
set(migrate_load_expect
    --expect [=[CKPT MIGRATE ok ck1 starts afresh at 0 \(got 0\)$]=]
    --send-after [=[CKPT MIGRATE ok ck1 starts]=] [=[\r]=]
    --send-after [=[msh> ]=] [=[write /bad.ckpt not a checkpoint\r]=]
    --send-after [=[written to /bad.ckpt]=] [=[restore --load ck1 /bad.ckpt\r]=]
    --expect [=[\[pager\] ck1: checkpoint file of [0-9]+ bytes refused: not a checkpoint file. nothing changed$]=]
    --expect [=[^msh: restore: /bad.ckpt: not a checkpoint file. ck1 left as it was$]=]
    --send-after [=[^msh: restore: /bad.ckpt]=] [=[restore --load console /ck1.ckpt\r]=]
    --expect [=[\[pager\] console: checkpoint file of [0-9]+ bytes refused: of another program. nothing changed$]=]
    --expect [=[^msh: restore: /ck1.ckpt: of another program. console left as it was$]=]
    --send-after [=[^msh: restore: /ck1.ckpt: of another]=] [=[restore --load ck1 /cut.ckpt\r]=]
    --expect [=[\[pager\] ck1: checkpoint file of 20000 bytes refused: truncated. nothing changed$]=]
    --expect [=[^msh: restore: /cut.ckpt: truncated. ck1 left as it was$]=]
    --send-after [=[^msh: restore: /cut.ckpt]=] [=[restore --load ck1 /flipped.ckpt\r]=]
    --expect [=[\[pager\] ck1: checkpoint file of [0-9]+ bytes refused: checksum mismatch \(damaged\). nothing changed$]=]
    --expect [=[^msh: restore: /flipped.ckpt: checksum mismatch \(damaged\). ck1 left as it was$]=]
    --send-after [=[^msh: restore: /flipped.ckpt]=] [=[restore --load ck1 /v2.ckpt\r]=]
    --expect [=[\[pager\] ck1: checkpoint file of [0-9]+ bytes refused: of another format version \(an old file\?\). nothing changed$]=]
    --expect [=[^msh: restore: /v2.ckpt: of another format version \(an old file\?\). ck1 left as it was$]=]
    --send-after [=[^msh: restore: /v2.ckpt]=] [=[restore --load ck1 /ck1.ckpt\r]=]
    --expect [=[\[pager\] ck1: checkpoint #1 loaded from a file \(#1 of ckpt-counter where it was saved\): [0-9]+ pages, 0 interrupt associations, 0 sessions, 0 threads, [0-9]+ cycles$]=]
    --expect [=[\[monitor\] ck1 \(pid [0-9]+\): checkpoint loaded from a file as #1. restore restart #1 \(not a failure\)$]=]
    --expect [=[\[pager\] ck1: restored checkpoint #1$]=]
    --expect [=[CKPT MIGRATE ok ck1 restored at 42, goes on to 43$]=]
    --send-after [=[CKPT MIGRATE ok ck1 restored]=] [=[restarts\r]=]
    --expect [=[^ +[0-9]+ ck1 +restore-loaded +restore +[0-9]+ +done$]=]
    --send-after [=[msh> ]=] [=[restore --load ckirq2 /ckirq.ckpt\r]=]
    --expect [=[\[pager\] ckirq2: checkpoint file of [0-9]+ bytes refused: an interrupt line the process does not have here. nothing changed$]=]
    --expect [=[^msh: restore: /ckirq.ckpt: an interrupt line the process does not have here. ckirq2 left as it was$]=]
    --send-after [=[^msh: restore: /ckirq.ckpt]=] [=[restore --load ckirq /ckirq.ckpt\r]=]
    --expect [=[\[pager\] ckirq: checkpoint #1 loaded from a file \(#1 of ckpt-irq where it was saved\): [0-9]+ pages, 1 interrupt associations, 0 sessions, 0 threads, [0-9]+ cycles$]=]
    --expect [=[\[arcserver\] ckirq: interrupt line [0-9]+ attached again as at the checkpoint: ok$]=]
    --expect [=[CKPT MIGRATE ok ckirq restored from the file, its interrupts go on]=]
    --send-after [=[CKPT MIGRATE ok ckirq restored]=] [=[restore --load ck3 /ck3.ckpt\r]=]
    --expect [=[\[pager\] ck3: checkpoint #1 loaded from a file \(#1 of ckpt-counter where it was saved\): [0-9]+ pages, 0 interrupt associations, 1 sessions, 0 threads, [0-9]+ cycles$]=]
    --expect [=[\[arcserver\] ck3: session [0-9a-f]+ of pid [0-9]+ dropped: its client is not on this machine \(the checkpoint is another boot's\)$]=]
    --expect [=[CKPT MIGRATE ok ck3 restored from the file at 5$]=]
    --fail [=[CKPT MIGRATE FAIL]=]
    --fail [=[. cold restart #]=]
    --fail [=[process stopped]=]
    --exit-status none)
set(damage_ckpt "sh ${CMAKE_CURRENT_LIST_DIR}/damage-ckpt.sh")

if("ia32-pc" IN_LIST ARC_TARGETS)
  arc_target_names(ia32-pc)
  set(migrate_disk ${CMAKE_BINARY_DIR}/qemu-logs/ia32-checkpoint-migrate.disk.img)
  arc_config_modules(migrate_save ${dir} test-checkpoint-migrate-save)
  arc_qemu_test(NAME ia32-checkpoint-migrate-save TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 40
    ARGS --kernel ${dir}/kernel/arc-kernel ${migrate_save}
         --disk-copy ${dir}/disk.img ${migrate_disk}
         ${migrate_save_expect}
         --post-check "${damage_ckpt} ${migrate_disk}")
  set_tests_properties(ia32-checkpoint-migrate-save PROPERTIES FIXTURES_SETUP ia32_migrate_disk)
  arc_config_modules(migrate_load ${dir} test-checkpoint-migrate-load)
  arc_qemu_test(NAME ia32-checkpoint-migrate-load TARGET ia32-pc LABEL qemu-ia32 TIMEOUT 40
    ARGS --kernel ${dir}/kernel/arc-kernel ${migrate_load}
         --disk ${migrate_disk}
         ${migrate_load_expect}
         --post-check "PATH=$PATH:/sbin:/usr/sbin e2fsck -fn ${migrate_disk}")
  set_tests_properties(ia32-checkpoint-migrate-load PROPERTIES FIXTURES_REQUIRED ia32_migrate_disk)
endif()

if("armv7-qemu-virt" IN_LIST ARC_TARGETS)
  arc_target_names(armv7-qemu-virt)
  # The monitor's pmemsave takes a path relative to the working directory (build/); the second
  # boot's module must be named disk.img (a module's name is its file's).
  set(migrate_ram qemu-logs/armv7-qemu-virt-checkpoint-migrate.ram.img)
  set(migrate_dir ${CMAKE_BINARY_DIR}/qemu-logs/armv7-qemu-virt-checkpoint-migrate)
  arc_config_modules(migrate_save ${dir} test-checkpoint-migrate-ram-save)
  arc_qemu_test(NAME armv7-qemu-virt-checkpoint-migrate-save TARGET armv7-qemu-virt LABEL ${label} TIMEOUT 40
    ARGS --kernel ${dir}/kernel/arc-kernel ${migrate_save}
         --capture ${ramdisk_ready}
         ${migrate_save_expect}
         --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} ${migrate_ram}"
         --post-check "mkdir -p ${migrate_dir} && cp ${CMAKE_BINARY_DIR}/${migrate_ram} ${migrate_dir}/disk.img && ${damage_ckpt} ${migrate_dir}/disk.img")
  set_tests_properties(armv7-qemu-virt-checkpoint-migrate-save PROPERTIES FIXTURES_SETUP armv7_migrate_disk)
  arc_config_modules(migrate_load ${dir} test-checkpoint-migrate-ram-load)
  string(REPLACE "${dir}/disk.img" "${migrate_dir}/disk.img" migrate_load "${migrate_load}")
  arc_qemu_test(NAME armv7-qemu-virt-checkpoint-migrate-load TARGET armv7-qemu-virt LABEL ${label} TIMEOUT 40
    ARGS --kernel ${dir}/kernel/arc-kernel ${migrate_load}
         --capture ${ramdisk_ready}
         ${migrate_load_expect}
         --monitor-at-end "pmemsave \${disk_phys} \${disk_bytes} ${migrate_ram}.after"
         --post-check "PATH=$PATH:/sbin:/usr/sbin e2fsck -fn ${CMAKE_BINARY_DIR}/${migrate_ram}.after")
  set_tests_properties(armv7-qemu-virt-checkpoint-migrate-load PROPERTIES FIXTURES_REQUIRED armv7_migrate_disk)
endif()
