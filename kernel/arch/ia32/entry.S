/* Kernel entry and exit. Every entry from user mode lands on the top of the current thread's
 * kernel stack (TSS.esp0) and pushes a UserFrame (thread_arch.hh): pushal, vector, error code
 * and what the CPU pushed. The kernel keeps interrupts off; it is not preemptible. */
        .set KDATA, 0x10
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
        mov $KDATA, %ax
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
        mov $UDATA, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %fs                /* user segment registers are not preserved: always flat */
        mov $UTCB_SEL, %ax
        mov %ax, %gs
1:      popal
        add $8, %esp
        iret

/* int $0x30: system calls. */
/* The frame pointer goes to syscall_entry in eax (ARCH_ASM_ENTRY, regparm(1)); a system call always came from user
 * mode, so its return needs no check. */
        .globl trap_syscall
trap_syscall:
        push $0
        push $0x30
        pushal
        mov $KDATA, %ax
        mov %ax, %ds
        mov %ax, %es
        cld
        mov %esp, %eax
        call syscall_entry
        .globl syscall_return
syscall_return:
        mov $UDATA, %ax
        mov %ax, %ds
        mov %ax, %es
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
