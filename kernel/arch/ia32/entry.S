/* Kernel entry and exit. Every entry from user mode lands on the top of the current thread's
 * kernel stack (TSS.esp0) and pushes a UserFrame (thread_arch.hh): pushal, vector, error code
 * and what the CPU pushed. The kernel keeps interrupts off; it is not preemptible.
 *
 * The kernel runs with %ds and %es on the flat user data selector (UDATA, as set up in cpu.cc;
 * %ss is the kernel's, from the TSS): privilege checks of data accesses are the pages' U/S bits
 * at CPL 0, and the way back to user mode need not reload them. Every entry loads them, since
 * user code may have changed them. */
        .set UDATA, 0x23
        .set UTCB_SEL, 0x33

.macro TRAP_NOERR n
        .globl trap_\n
trap_\n:
        push $0
        push $\n
        jmp trap_common
.endm
.macro TRAP_ERR n
        .globl trap_\n
trap_\n:
        push $\n
        jmp trap_common
.endm

        .text
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
TRAP_NOERR \n
.endr

trap_common:
        pushal
        mov $UDATA, %ax
        mov %ax, %ds
        mov %ax, %es
        cld
        push %esp
        call trap_entry
        add $4, %esp
        .globl trap_return
trap_return:
        testl $3, 44(%esp)          /* returning to user mode? (cs) */
        jz 1f
        mov $UDATA, %ax             /* %ds, %es hold it already */
        mov %ax, %fs                /* user segment registers are not preserved: always flat */
        mov $UTCB_SEL, %ax
        mov %ax, %gs
1:      popal
        add $8, %esp
        iret

/* int $0x30: system calls. The frame pointer goes to the C entries in eax (ARCH_ASM_ENTRY,
 * regparm(1)); a system call always came from user mode, so its return needs no check. eax
 * still holds the number and flags: a call or reply-and-wait with no other flag goes first to
 * its fast path (ipc/fastpath.cc), which returns only when it does not apply and may clobber
 * every register but esp (the frame has them all); IPC (0 in the low byte) then goes to
 * syscall_ipc, the rest to syscall_other. */
        .globl trap_syscall
trap_syscall:
        sub $8, %esp                /* vector and error code: read for traps only (trap.cc) */
        pushal
        mov $UDATA, %ecx
        mov %ecx, %ds
        mov %ecx, %es
        cld
        cmp $0x500, %eax            /* arc::ipc::send | call */
        je 1f
        cmp $0xa00, %eax            /* arc::ipc::reply | recv */
        je 2f
        test %al, %al
        jnz 3f
4:      mov %esp, %eax
        call syscall_ipc
        jmp syscall_return
1:      mov %esp, %eax
        call ipc_fast_call
        jmp 4b
2:      mov %esp, %eax
        call ipc_fast_reply_wait
        mov %esp, %eax
        call ipc_fault_reply_fast   /* a pager's one-page answer (ipc/fault_fastpath.cc) */
        jmp 4b
3:      mov %esp, %eax
        call syscall_other
        .globl syscall_return
syscall_return:
        mov $UDATA, %ax             /* %ds, %es hold it already */
        mov %ax, %fs                /* user segment registers are not preserved: always flat */
        mov $UTCB_SEL, %ax
        mov %ax, %gs
        popal
        add $8, %esp
        iret

/* void arch_switch(word *save_sp, word new_sp): switch kernel stacks.
 * A new_sp with bit 0 set is the user frame of a thread that blocked in the IPC fast path and
 * kept nothing on its kernel stack: it finishes its system call and leaves the kernel at once. */
        .globl arch_switch
arch_switch:
        mov 4(%esp), %eax
        mov 8(%esp), %edx
        push %ebp
        push %ebx
        push %esi
        push %edi
        mov %esp, (%eax)
switch_to_sp:
        test $1, %dl
        jnz 1f
        mov %edx, %esp
        pop %edi
        pop %esi
        pop %ebx
        pop %ebp
        ret
1:      lea -1(%edx), %esp
        call ipc_fast_resume
        jmp syscall_return

/* [[noreturn]] void arch_jump(word new_sp): like arch_switch, abandoning the current stack. */
        .globl arch_jump
arch_jump:
        mov 4(%esp), %edx
        jmp switch_to_sp

/* First run of a user thread: its stack holds only the UserFrame. */
        .globl thread_start_user
thread_start_user:
        jmp trap_return
        .section .note.GNU-stack,"",@progbits
