/* Fault sites for ktest on armv7: each function faults (or traps) at its *_insn label;
 * exception handlers in the tests resume at *_after. AAPCS: arguments in r0, r1. */
        .syntax unified
        .arch armv7-a
        .arm
        .text
        .macro site name
        .globl \name
        .type \name, %function
\name:
        .endm
        .macro label name
        .globl \name
\name:
        .endm

        site ktest_load
        label ktest_load_insn
        ldr r0, [r0]
        bx lr

        site ktest_store
        label ktest_store_insn
        str r1, [r0]
        bx lr

        site ktest_undef
        mov r0, #0
        label ktest_undef_insn
        udf #0
        label ktest_undef_after
        mov r0, #1
        bx lr

        site ktest_break
        mov r0, #0
        bkpt #0
        label ktest_break_after
        mov r0, #3
        bx lr

        site ktest_align
        mov r1, r0
        mov r0, #0
        label ktest_align_insn
        ldrex r2, [r1]
        label ktest_align_after
        mov r0, #2
        bx lr

        site ktest_priv
        mov r0, #0
        label ktest_priv_insn
        mrc p15, 0, r1, c1, c0, 0       /* SCTLR: PL1 only */
        label ktest_priv_after
        mov r0, #4
        bx lr

/* A new thread starts here with sp -> [argument, entry point]. */
        site ktest_thread_trampoline
        ldmia sp!, {r0, r1}
        mov lr, #0
        bx r1

        .section .note.GNU-stack,"",%progbits
