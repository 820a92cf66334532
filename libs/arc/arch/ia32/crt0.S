/* Entry of every Arc user program on ia32. The kernel (initial tasks) or the creator (other
 * threads) starts us with eax = boot information address; we switch to our own stack and hand
 * over to C++. */
        .text
        .globl _start
        .type _start, @function
_start:
        mov $__arc_stack_top, %esp
        xor %ebp, %ebp
        push %eax
        call __arc_start
1:      hlt                     /* not reached: __arc_start exits; hlt faults to our handler */
        jmp 1b

        .bss
        .align 16
        .space 32768
__arc_stack_top:
        .section .note.GNU-stack,"",@progbits
