# Checkpoint and restore (docs/restarts.md, "Checkpoint and restore"): apps/ckpttest's client
# checks every value against what the checkpoints hold (CKPT Cnn lines), then the shell's
# `checkpoint`, `restore` and `restarts`. ia32 and the ARM virt board.
# (Included by tests/qemu/CMakeLists.txt, which defines arc_target_names and arc_qemu_test.)
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
         --expect [=[^\[pager\] ck1: checkpoint #5: [0-9]+ pages copied, [0-9]+ clean, [0-9]+ cycles$]=]
         --send-after [=[^\[pager\] ck1: checkpoint #5]=] [=[restore ck1\r]=]
         --expect [=[^\[pager\] ck1: restored checkpoint #5$]=]
         --expect [=[^\[monitor\] ck1 \(pid [0-9]+\): restore restart done in [0-9]+ cycles$]=]
         --send-after [=[^\[monitor\] ck1 \(pid [0-9]+\): restore restart done]=] [=[restarts\r]=]
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
