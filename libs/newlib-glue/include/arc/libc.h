/* Arc's system-call glue for newlib (libs/newlib-glue): what a program can choose and the hooks
 * it can set. Usable from C and C++. docs/libc.md tells the whole story.
 *
 * Console. Descriptors 0, 1, 2 are the console. Writes go through arc_console_write, reads
 * through arc_console_read; by default both use the `console` server (drivers/serial,
 * <arc/iface/console.hh>), looked up with the name service at the first use:
 *   - output is sent in messages of whole lines where it can (a line is cut only when it is
 *     longer than a message, 240 bytes), so it never reaches the serial line in pieces another
 *     writer (the kernel console) could come between;
 *   - input is read a line at a time (the console echoes and edits it) and handed out as read()
 *     asks, the end of line as '\n';
 *   - until the console server is registered, output goes to the kernel debug console (kdebug)
 *     and the lookup is tried again with a back-off (10 ms, doubling up to 100 ms), for at
 *     most ARC_CONSOLE_WAIT_MS after the first try; read waits for it that long. Without a name
 *     service (an initial task), or when the wait is over, the kernel console it is for good:
 *     read returns 0, end of file;
 *   - when a call to the console finds it gone (a cold restart makes a new endpoint), the name
 *     is looked up again (waiting up to ARC_CONSOLE_RESTART_WAIT_MS for it to be registered
 *     again) and the message sent again; if it does not come back, the output goes to the
 *     kernel console (said there once) and read returns 0, and each later call asks for the
 *     console once more, without waiting.
 * The connection (arc::Connection, <arc/reconnect.hh>) and input read but not yet handed out
 * are persistent: a hot or warm restart keeps them.
 *
 * Programs on the console's path or below it (sigma0, the root task, pagers, the name service,
 * the console driver itself) must never look a name up to print: they would wait on themselves
 * or on a server that waits on them. Such a program says so once, at file scope:
 *     ARC_CONSOLE_KDEBUG_ONLY;
 * which defines arc_console_kdebug_only (a weak 0 in the glue): its console is the kernel debug
 * console, without a name lookup, and read returns end of file.
 *
 * Files. Descriptors 3 .. ARC_OPEN_MAX - 1 are files of the `fs` server (servers/ext2,
 * <arc/iface/fs.hh>), opened by path (a path without a leading '/' is taken from the root:
 * there is no working directory). The server is looked up at the first call that needs it,
 * waiting up to ARC_FS_WAIT_MS for it to be registered; without one, open, stat, unlink, mkdir
 * and rmdir fail with ENOSYS. Data travels through one shared-memory session of ARC_FS_IO_BYTES.
 * The descriptor table and the session are persistent (a hot or warm restart keeps them).
 * Offsets and sizes are 32-bit (the interface's), the size of an open file is the one open
 * found plus this program's own writes (O_APPEND appends there), and there is no locking: one
 * thread at a time.
 *
 * Heap. malloc (through sbrk) grows upwards from the end of the program's .bss (the linker's
 * `end`) within ARC_HEAP_DEFAULT_SIZE bytes, or in the window its information page names; sbrk
 * only moves the break and checks the limit, the pages appear on first touch from the program's
 * pager (sigma0 for a root task). sigma0 itself must not use the heap or newlib's stdio: its
 * faults are not served by a pager. */
#ifndef ARC_LIBC_H
#define ARC_LIBC_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARC_CONSOLE_WAIT_MS 3000u         /* for the console server to be registered */
#define ARC_CONSOLE_RESTART_WAIT_MS 2000u /* for it to be registered again after a failed call */
#define ARC_FS_WAIT_MS 30000u             /* for the file server (a disk may be slow to mount) */
#define ARC_FS_IO_BYTES 4096u             /* the file session's shared area: bytes per message */
#define ARC_OPEN_MAX 16                   /* descriptors: 0-2 the console, 3-15 files */

/* Non-zero: this program's console is the kernel debug console, no name is looked up. */
extern const int arc_console_kdebug_only;
#ifdef __cplusplus
#define ARC_CONSOLE_KDEBUG_ONLY extern "C" const int arc_console_kdebug_only = 1
#else
#define ARC_CONSOLE_KDEBUG_ONLY const int arc_console_kdebug_only = 1
#endif

/* Console input, for read(0/1/2, ...): returns bytes read (> 0), 0 at end of file or -1 with
 * errno set. Default: arc_server_console_read. A program may assign another (or null: end of
 * file). */
extern ssize_t (*arc_console_read)(void *buf, size_t n);

/* Console output, for write(1/2, ...) (and write(0, ...)): returns bytes written or -1 with
 * errno. Default: arc_server_console_write. */
extern ssize_t (*arc_console_write)(const void *buf, size_t n);

/* The console server, as described above (with the kernel debug console when there is none). */
ssize_t arc_server_console_write(const void *buf, size_t n);
ssize_t arc_server_console_read(void *buf, size_t n);

/* The kernel debug console (kdebug puts, in pieces of at most 256 bytes, whole lines where they
 * fit, through the UTCB message registers, which are restored afterwards). */
ssize_t arc_kd_console_write(const void *buf, size_t n);

/* Where console output goes now: 1 the console server, 0 the kernel debug console (also while
 * the server is still being waited for). For tests and diagnostics. */
int arc_console_uses_server(void);
/* While hold is set, a write that finds the console not decided yet goes to the kernel console
 * without a step towards the console server (the next write after it is cleared takes it). The
 * server framework holds the steps from its start after a restart to the replayed reply, so that
 * the look-up is not on the restart's critical path. */
void arc_console_hold_steps(int hold);

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
