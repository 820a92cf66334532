/* armv7 system-call stubs. Convention (docs/kernel-abi.md): svc #0 with
 *   r0 = system call number | IPC flags, r1..r6 = arguments (IPC: dest, src, timeouts, MR0..MR2);
 * the kernel returns r0 = status and r1..r5 = results (IPC: r1 = badge, r4..r6 = MR0..MR2).
 * Every other register, sp and lr included, is preserved. The UTCB's address is in TPIDRURO. */
        .syntax unified
        .arch armv7-a
        .arm
        .text

/* word arc_syscall(word nr, const word in[6], word out[5]) */
        .globl arc_syscall
        .type arc_syscall, %function
arc_syscall:
        push {r4-r7}
        mov r7, r2
        mov r12, r1
        ldmia r12, {r1-r6}
        svc #0
        stmia r7, {r1-r5}
        pop {r4-r7}
        bx lr
        .size arc_syscall, . - arc_syscall
        .section .note.GNU-stack,"",%progbits
