// A helper thread's park and its return (libs/arcserver/src/park.cc; docs/restarts.md,
// "Checkpoint and restore"). The main thread stops the helper, writes where it was (its PC) and
// its park record's address below its stack pointer, and starts it here:
//   sp -> [&park] [old pc]
// r0-r12, lr and the APSR are pushed on its own stack, the stack pointer written into the
// record, and arc_thread_park_wait() waits for the end of the checkpoint. arc_thread_unpark pops
// them again and returns to the old PC with the old stack pointer: after the checkpoint, and
// where a restore starts the thread (on the checkpoint's copy of its stack).
        .syntax unified
        .arm
        .text
        .globl arc_thread_park
        .type arc_thread_park, %function
arc_thread_park:
        push {r0-r12, lr}           // 14 words
        mrs r0, APSR
        push {r0}                   // 60 bytes with the flags
        ldr r0, [sp, #60]           // &park
        mov r1, sp
        str r1, [r0, #8]            // park->sp
        mov r4, sp
        bic r1, r4, #7              // the AAPCS's 8-byte alignment for the call
        mov sp, r1
        bl arc_thread_park_wait
        mov sp, r4
        .globl arc_thread_unpark
        .type arc_thread_unpark, %function
arc_thread_unpark:
        pop {r0}
        msr APSR_nzcvqg, r0
        pop {r0-r12, lr}
        add sp, sp, #4              // past &park (no S: the flags stay)
        pop {pc}                    // to the old PC, on the old stack pointer
        .size arc_thread_park, . - arc_thread_park
        .section .note.GNU-stack, "", %progbits
