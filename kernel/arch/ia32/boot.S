/* Multiboot entry. GRUB (or QEMU -kernel) jumps here with paging off, eax = multiboot magic and
 * ebx = physical address of the multiboot information. We map the kernel high with 4 MiB pages
 * (identity for the first 4 MiB until C++ runs), enable paging and call kernel_main. */
        .set MB_MAGIC, 0x1badb002
        .set MB_FLAGS, 0x00000003          /* page-aligned modules, memory information */

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

        .section .boot.text, "ax"
        .code32
        .globl _start_phys
_start_phys:
        cli
        mov %eax, %esi
        mov %ebx, %edi
        mov $boot_pd, %ebx
        /* Clear the boot page directory. */
        xor %eax, %eax
        mov %ebx, %edx
        mov $1024, %ecx
1:      movl $0, (%edx)
        add $4, %edx
        loop 1b
        /* Identity map 0..4 MiB so this code keeps running once paging is on. */
        movl $0x83, (%ebx)
        /* Direct map: 0xc0000000 + x -> x for the first 768 MiB, global. */
        xor %ecx, %ecx
2:      mov %ecx, %eax
        shl $22, %eax
        or $0x183, %eax
        mov %eax, 3072(%ebx,%ecx,4)
        inc %ecx
        cmp $192, %ecx
        jb 2b
        mov %cr4, %eax
        or $0x10, %eax                      /* PSE */
        mov %eax, %cr4
        mov %ebx, %cr3
        mov %cr0, %eax
        or $0x80010000, %eax                /* PG | WP */
        mov %eax, %cr0
        mov %cr4, %eax
        or $0x80, %eax                      /* PGE: kernel mappings survive cr3 loads */
        mov %eax, %cr4
        mov $boot_stack_top, %esp
        push %edi
        push %esi
        mov $kernel_main, %eax
        call *%eax
3:      hlt
        jmp 3b

        .section .boot.data, "aw"
        .align 4096
        .globl boot_pd
boot_pd:
        .space 4096

        .bss
        .align 16
        .space 8192
boot_stack_top:
        .section .note.GNU-stack,"",@progbits
