/* ia32 system-call stubs. Convention (docs/kernel-abi.md): int $0x30 with
 *   eax = system call number | IPC flags,
 *   ebx, ecx, edx, esi, edi, ebp = arguments (for IPC: dest, src, timeouts, MR0, MR1, MR2);
 * the kernel returns eax = status and ebx, ecx, edx, esi, edi, ebp = results
 * (for IPC: ebx = badge, esi/edi/ebp = MR0..MR2). esp is preserved. */
        .text

/* word arc_syscall(word nr, const word in[6], word out[5]) */
        .globl arc_syscall
        .type arc_syscall, @function
arc_syscall:
        push %ebp
        push %ebx
        push %esi
        push %edi
        mov 24(%esp), %eax
        mov 0(%eax), %ebx
        mov 4(%eax), %ecx
        mov 8(%eax), %edx
        mov 12(%eax), %esi
        mov 16(%eax), %edi
        mov 20(%eax), %ebp
        mov 20(%esp), %eax
        int $0x30
        push %eax
        mov 32(%esp), %eax
        mov %ebx, 0(%eax)
        mov %ecx, 4(%eax)
        mov %edx, 8(%eax)
        mov %esi, 12(%eax)
        mov %edi, 16(%eax)
        pop %eax
        pop %edi
        pop %esi
        pop %ebx
        pop %ebp
        ret
        .size arc_syscall, . - arc_syscall
        .section .note.GNU-stack,"",@progbits
