/* Fault sites for ktest: each function faults (or traps) at its *_insn label; exception handlers
 * in the tests resume at *_after. cdecl, word arguments on the stack. */
        .text
        .macro site name
        .globl \name
        .type \name, @function
\name:
        .endm
        .macro label name
        .globl \name
\name:
        .endm

        site ktest_load
        mov 4(%esp), %ecx
        label ktest_load_insn
        mov (%ecx), %eax
        ret

        site ktest_store
        mov 4(%esp), %ecx
        mov 8(%esp), %eax
        label ktest_store_insn
        mov %eax, (%ecx)
        ret

        site ktest_undef
        xor %eax, %eax
        label ktest_undef_insn
        ud2
        label ktest_undef_after
        mov $1, %eax
        ret

        site ktest_break
        xor %eax, %eax
        int3
        label ktest_break_after
        mov $3, %eax
        ret

        site ktest_div0
        xor %edx, %edx
        xor %ecx, %ecx
        mov $1, %eax
        label ktest_div0_insn
        div %ecx
        label ktest_div0_after
        mov $2, %eax
        ret

        site ktest_hlt
        xor %eax, %eax
        label ktest_hlt_insn
        hlt
        label ktest_hlt_after
        mov $4, %eax
        ret

        site ktest_inb
        mov 4(%esp), %edx
        mov $0x100, %eax
        label ktest_inb_insn
        inb %dx, %al
        label ktest_inb_after
        ret

        .section .note.GNU-stack,"",@progbits
