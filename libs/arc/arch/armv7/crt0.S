/* Entry of every Arc user program on armv7. The kernel (initial tasks) or the creator (other
 * threads) starts us with r0 = boot information address; we switch to our own stack and hand
 * over to C++. */
        .syntax unified
        .arch armv7-a
        .arm
        .text
        .globl _start
        .type _start, %function
_start:
        ldr sp, =__arc_stack_top
        mov fp, #0
        mov lr, #0
        bl __arc_start
1:      udf #0                  /* not reached: __arc_start exits; this faults to our handler */
        b 1b
        .size _start, . - _start

/* newlib's __libc_init_array/__libc_fini_array call these (crti/crtn on other systems); the
 * constructors themselves run from __arc_start through .init_array. */
        .globl _init
        .type _init, %function
_init:
        bx lr
        .globl _fini
        .type _fini, %function
_fini:
        bx lr

        .bss
        .align 4
        .space 32768
__arc_stack_top:
        .section .note.GNU-stack,"",%progbits
