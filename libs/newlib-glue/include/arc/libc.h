/* Arc's system-call glue for newlib (libs/newlib-glue): the hooks a program or a later library
 * (console client, file-system client) can set. Usable from C and C++.
 *
 * File descriptors 0, 1, 2 are the console: writes go through arc_console_write (default: the
 * kernel debug console, in pieces of at most 256 bytes through the UTCB message registers, which
 * are restored afterwards), reads through arc_console_read (default none: read returns 0, end of
 * file). Other descriptors do not exist yet: open fails with ENOSYS, the rest with EBADF.
 *
 * The heap (malloc, through sbrk) grows upwards from the end of the program's .bss (the linker's
 * `end`) within ARC_HEAP_DEFAULT_SIZE bytes; sbrk only moves the break and checks the limit, the
 * pages appear on first touch from the program's pager (sigma0 for a root task). sigma0 itself
 * must not use the heap or newlib's stdio: its faults are not served by a pager. */
#ifndef ARC_LIBC_H
#define ARC_LIBC_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Console input, for read(0/1/2, ...): returns bytes read (> 0), 0 at end of file or -1 with
 * errno set. Null (the default) means no console input: read returns 0. Weak: a program may
 * define it, or assign it at run time (a console server client will). */
extern ssize_t (*arc_console_read)(void *buf, size_t n);

/* Console output, for write(1/2, ...) (and write(0, ...)): returns bytes written or -1 with errno.
 * Default: arc_kd_console_write. */
extern ssize_t (*arc_console_write)(const void *buf, size_t n);

/* The default console output: the kernel debug console (kdebug puts). */
ssize_t arc_kd_console_write(const void *buf, size_t n);

#define ARC_HEAP_DEFAULT_SIZE (64ul << 20)

/* Put the heap at [base, base + size) instead of after `end` (before the first malloc or sbrk
 * only; base is rounded up to 16 bytes). Returns 0, or -1 when the heap is already in use. */
int arc_heap_set(void *base, size_t size);

/* The heap's range and the current break (for tests and diagnostics; null pointers allowed). */
void arc_heap_info(void **base, void **brk, void **limit);

#ifdef __cplusplus
}
#endif

#endif
