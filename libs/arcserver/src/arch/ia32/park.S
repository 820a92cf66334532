// A helper thread's park and its return (libs/arcserver/src/park.cc; docs/restarts.md,
// "Checkpoint and restore"). The main thread stops the helper, writes where it was (its IP) and
// its park record's address below its stack pointer, and starts it here:
//   sp -> [&park] [old ip]
// Every register and the flags are pushed on its own stack, the stack pointer written into the
// record, and arc_thread_park_wait() waits for the end of the checkpoint. arc_thread_unpark pops
// them again and returns to the old IP with the old stack pointer: after the checkpoint, and
// where a restore starts the thread (on the checkpoint's copy of its stack).
        .text
        .globl arc_thread_park
        .type arc_thread_park, @function
arc_thread_park:
        pushfl
        pushal                      // 8 registers: 36 bytes with the flags
        movl 36(%esp), %eax         // &park
        movl %esp, 8(%eax)          // park->sp
        movl %esp, %ebx
        cld                         // as C code expects it
        andl $-16, %esp
        subl $12, %esp
        pushl %eax
        call arc_thread_park_wait
        movl %ebx, %esp
        .globl arc_thread_unpark
        .type arc_thread_unpark, @function
arc_thread_unpark:
        popal
        popfl
        leal 4(%esp), %esp          // past &park, flags untouched
        ret                         // to the old IP, on the old stack pointer
        .size arc_thread_park, . - arc_thread_park
        .section .note.GNU-stack, "", @progbits
