/* Kernel entry and exit. Every exception switches to SVC mode and builds a UserFrame
 * (thread_arch.hh) on the SVC stack: SRS puts the return pc and cpsr there, then r0..r12, the
 * user-mode sp and lr and the SVC lr. From user mode the SVC stack is empty, so the frame sits at
 * the top of the current thread's kernel stack; the only kernel code that takes interrupts is
 * the idle loop. The kernel runs with IRQs off and is not preemptible. */
        .syntax unified
        .arch armv7-a
        .arm

        .set MODE_SVC, 0x13

.macro SAVE_FRAME
        srsdb sp!, #MODE_SVC
        cps #MODE_SVC
        sub sp, sp, #64
        stmia sp, {r0-lr}^              /* r0..r12 and the user-mode sp, lr */
        str lr, [sp, #60]               /* SVC lr of an interrupted kernel context */
.endm

        .text
        .align 5
        .globl arc_vectors
arc_vectors:
        b vec_reset
        b vec_undef
        b vec_svc
        b vec_pabt
        b vec_dabt
        b vec_reset
        b vec_irq
        b vec_fiq

/* A system call always comes from user mode and is taken in SVC mode already: no mode change,
 * and no SVC lr to keep (it is the return address SRS stored). r0 still holds the number and
 * flags: a call or reply-and-wait with no other flag goes first to its fast path
 * (ipc/fastpath.cc), which returns only when it does not apply and may clobber every register
 * but sp (the frame has them all); IPC (0 in the low byte) then goes to syscall_ipc, the rest to
 * syscall_other. */
vec_svc:
        srsdb sp!, #MODE_SVC
        sub sp, sp, #64
        stmia sp, {r0-lr}^
        cmp r0, #0x500                  /* arc::ipc::send | call */
        beq 1f
        cmp r0, #0xa00                  /* arc::ipc::reply | recv */
        beq 2f
        tst r0, #0xff
        bne 3f
4:      mov r0, sp
        bl syscall_ipc
        b user_return
1:      mov r0, sp
        bl ipc_fast_call
        b 4b
2:      mov r0, sp
        bl ipc_fast_reply_wait
        mov r0, sp
        bl ipc_fault_reply_fast         /* a pager's one-page answer (ipc/fault_fastpath.cc) */
        b 4b
3:      mov r0, sp
        bl syscall_other
        b user_return

vec_irq:
        sub lr, lr, #4
        SAVE_FRAME
        mov r0, sp
        bl arm_irq_entry
        b trap_return

vec_undef:
        sub lr, lr, #4                  /* the instruction (ARM); the C side adjusts for Thumb */
        SAVE_FRAME
        mov r0, sp
        mov r1, #1
        bl arm_trap_entry
        b trap_return

vec_pabt:
        sub lr, lr, #4
        SAVE_FRAME
        mov r0, sp
        mov r1, #3
        bl arm_trap_entry
        b trap_return

vec_dabt:
        sub lr, lr, #8
        SAVE_FRAME
        mov r0, sp
        mov r1, #4
        bl arm_trap_entry
        b trap_return

vec_reset:
vec_fiq:
        SAVE_FRAME
        mov r0, sp
        mov r1, #0
        bl arm_trap_entry
        b trap_return

/* sp points at a UserFrame: restore it and return from the exception. The exclusive monitor is
 * cleared on every way out: the next thread must not complete a store-exclusive begun by
 * another. */
        .globl trap_return
trap_return:
        ldr lr, [sp, #60]
/* The same for a frame that returns to user mode, where the SVC lr does not matter. */
        .globl user_return
user_return:
        ldmia sp, {r0-lr}^              /* r0..r12 and the user-mode sp, lr */
        clrex
        add sp, sp, #64
        rfeia sp!

/* void arch_switch(word *save_sp, word new_sp): switch kernel stacks (callee-saved registers).
 * A new_sp with bit 0 set is the user frame of a thread that blocked in the IPC fast path and
 * kept nothing on its kernel stack: it finishes its system call and leaves the kernel at once. */
        .globl arch_switch
arch_switch:
        push {r4-r11, lr}
        str sp, [r0]
switch_to_sp:
        tst r1, #1
        bne 1f
        mov sp, r1
        pop {r4-r11, lr}
        bx lr
1:      sub sp, r1, #1
        bl ipc_fast_resume
        b user_return

/* [[noreturn]] void arch_jump(word new_sp): like arch_switch, abandoning the current stack. */
        .globl arch_jump
arch_jump:
        mov r1, r0
        b switch_to_sp

/* First run of a user thread: its stack holds only the UserFrame. */
        .globl thread_start_user
thread_start_user:
        bl arm_thread_first_run
        b trap_return

/* A vector table for the last words: semihosting's SVC lands here if QEMU ignores it. */
        .align 5
        .globl arc_vectors_halt
arc_vectors_halt:
        .rept 8
        b .
        .endr
        .section .note.GNU-stack,"",%progbits
