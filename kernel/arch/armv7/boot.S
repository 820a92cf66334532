/* armv7 entry. The loader (QEMU -kernel, U-Boot bootm) jumps to _start at the image's physical
 * address with the MMU off: r1 = machine id, r2 = ATAGs/DTB (unused). We may start in Hyp mode
 * (a Cortex-A15 on some boards): drop to SVC. Then, running position-independent, we clear .bss,
 * build the boot first-level table (an identity section for this code, the direct map of RAM at
 * 0xc0000000 with write-back cacheable global sections), turn on the MMU and caches and call
 * kernel_main on the boot stack. Device mappings are added later (arch::map_device). */
        .syntax unified
        .arch armv7-a
        .arch_extension virt
        .arm

        .set SECT_KERNEL, 0x0000140e    /* section, AP=01 (PL1 RW), TEX=001 C=1 B=1: normal WBWA */
        .set TTBR_FLAGS, 0x09           /* walks: inner cacheable (A8: C; A15: IRGN=10), outer WBWA */

        .section .text.boot, "ax"
        .globl _start
_start:
        mov r10, r1                     /* keep the loader's machine id and DTB/ATAGs */
        mov r11, r2
        mrs r0, cpsr
        and r0, r0, #0x1f
        cmp r0, #0x1a                   /* Hyp mode? */
        bne 1f
        mrs r0, cpsr
        bic r0, r0, #0x1f
        orr r0, r0, #0xd3               /* SVC, IRQ and FIQ masked */
        msr spsr_cxsf, r0               /* SPSR_hyp: banked access to it is unpredictable in Hyp mode */
        adr r0, 1f
        msr elr_hyp, r0
        eret
1:      cpsid aif, #0x13
        /* r6 = physical - virtual for this image. */
        adr r4, _start
        ldr r5, =_start
        sub r6, r4, r5
        /* MMU and caches off while we build the table; nothing stale in I-cache, TLB, predictor. */
        mrc p15, 0, r0, c1, c0, 0
        bic r0, r0, #0x1                /* M */
        bic r0, r0, #0x4                /* C */
        bic r0, r0, #0x1000             /* I */
        mcr p15, 0, r0, c1, c0, 0
        isb
        mov r0, #0
        mcr p15, 0, r0, c7, c5, 0       /* ICIALLU */
        mcr p15, 0, r0, c7, c5, 6       /* BPIALL */
        mcr p15, 0, r0, c8, c7, 0       /* TLBIALL */
        dsb
        isb
        /* Clear .bss (it holds the boot table and stack). */
        ldr r0, =__bss_start
        ldr r1, =_kernel_end
        add r0, r0, r6
        add r1, r1, r6
        mov r2, #0
2:      cmp r0, r1
        strlo r2, [r0], #4
        blo 2b
        /* The boot table. */
        ldr r7, =boot_l1
        add r7, r7, r6                  /* physical address of the table */
        ldr r0, =SECT_KERNEL
        /* Identity section for the code that turns the MMU on. */
        lsr r1, r4, #20
        orr r2, r0, r1, lsl #20
        str r2, [r7, r1, lsl #2]
        /* Direct map: 0xc0000000 + x -> (physical of 0xc0000000) + x, board_ram_size bytes. */
        ldr r1, =board_ram_size
        add r1, r1, r6
        ldr r1, [r1]
        lsr r1, r1, #20                 /* sections */
        ldr r2, =0xc0000000
        add r3, r2, r6                  /* physical RAM base */
        lsr r2, r2, #20
        add r8, r7, r2, lsl #2          /* first kernel entry */
        orr r3, r0, r3                  /* section descriptor of the first MiB */
3:      str r3, [r8], #4
        add r3, r3, #0x100000
        subs r1, r1, #1
        bne 3b
        dsb
        /* Domain 0 client, TTBCR.N = 0, TTBR0 = boot table, ASID 0. */
        mov r0, #1
        mcr p15, 0, r0, c3, c0, 0       /* DACR */
        mov r0, #0
        mcr p15, 0, r0, c2, c0, 2       /* TTBCR */
        mcr p15, 0, r0, c13, c0, 1      /* CONTEXTIDR */
        orr r0, r7, #TTBR_FLAGS
        mcr p15, 0, r0, c2, c0, 0       /* TTBR0 */
        isb
        /* MMU, D-cache, branch prediction, I-cache on; no alignment checks, TEX remap or
         * access flag; vectors through VBAR (V = 0), exceptions in ARM state. */
        mrc p15, 0, r0, c1, c0, 0
        ldr r1, =0x70002002             /* TE AFE TRE V A */
        bic r0, r0, r1
        ldr r1, =0x1805                 /* I Z C M */
        orr r0, r0, r1
        mcr p15, 0, r0, c1, c0, 0
        isb
        ldr pc, =high
high:   ldr sp, =boot_stack_top
        mov r0, r10
        mov r1, r11
        bl kernel_main
4:      wfi
        b 4b
        .ltorg

        .bss
        .align 14
        .globl boot_l1
boot_l1:
        .space 16384
        .align 4
        .space 8192
boot_stack_top:
        .section .note.GNU-stack,"",%progbits
