// newlib's system calls on Arc (see arc/libc.h for what each descriptor means): the calls on
// descriptors, which go to the console (console.cc) or to a file (files.cc), the heap, processes
// and time. The calls by path are in files.cc.
//
// The ia32 newlib (built without supplied system calls, MISSING_SYSCALL_NAMES) calls the plain
// names, write, sbrk ...; Debian's ARM newlib has libc's own write() ... calling _write_r and
// then _write, _sbrk .... So each call is defined under its plain name and aliased to the
// underscored one, all weak: whichever name an arch's libc.a references resolves here, a plain
// name that ARM's libc.a also defines does not clash (libc's strong write wins and calls our
// _write), and a program or a later library may replace any of them.
//
// newlib's reentrant wrappers copy errno into the caller's reent structure, so the functions
// report failures by returning -1 with `errno` set (newlib's errno, the reent's). Everything a
// libc.a member may reference is defined, so no program fails to link because it used, say,
// system() or stat(); what Arc cannot do yet fails with ENOSYS.
#include "glue.hh"

#include <arc/libc.h>
#include <arc/start.hh>
#include <arc/sys.hh>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern "C" char end[];   // the default linker script's end of .bss

namespace {

constexpr int console_fds = 3;   // 0, 1, 2
constexpr pid_t our_pid = 1;     // no process ids yet
bool is_console(int fd) { return fd >= 0 && fd < console_fds; }

using arc::glue::fail;

// ---- heap ------------------------------------------------------------------------------------
struct Heap {
  uintptr_t base = 0, brk = 0, limit = 0;
  void init(uintptr_t b, size_t size) {
    base = brk = (b + 15) & ~uintptr_t(15);
    limit = base + size < base ? UINTPTR_MAX : base + size;   // clamp on wrap-around
  }
  void ensure() {
    if (!base) init(reinterpret_cast<uintptr_t>(end), ARC_HEAP_DEFAULT_SIZE);
  }
} heap;

} // namespace

extern "C" {

// ---- descriptors: 0-2 the console, 3 and up files ----------------------------------------
__attribute__((weak)) _READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t n) {
  if (!is_console(fd)) return arc::glue::file_write(fd, buf, n);
  if (!n) return 0;
  if (!arc_console_write) return fail(EIO);
  return arc_console_write(buf, n);
}

__attribute__((weak)) _READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t n) {
  if (!is_console(fd)) return arc::glue::file_read(fd, buf, n);
  if (!n || !arc_console_read) return 0;   // no console input: end of file
  return arc_console_read(buf, n);
}

__attribute__((weak)) int isatty(int fd) {
  if (is_console(fd)) return 1;
  errno = arc::glue::is_file(fd) ? ENOTTY : EBADF;
  return 0;
}

__attribute__((weak)) int fstat(int fd, struct stat *st) {
  if (!is_console(fd)) return arc::glue::file_fstat(fd, st);
  *st = {};
  st->st_mode = S_IFCHR | 0620;   // a terminal: stdio makes stdout line buffered
  st->st_blksize = 0;
  return 0;
}

__attribute__((weak)) int close(int fd) { return is_console(fd) ? 0 : arc::glue::file_close(fd); }

__attribute__((weak)) off_t lseek(int fd, off_t offset, int whence) {
  if (is_console(fd)) return fail(ESPIPE);   // a console cannot seek
  return arc::glue::file_lseek(fd, offset, whence);
}

// F_GETFL (fdopen asks), and the close-on-exec flag, which means nothing without exec.
__attribute__((weak)) int fcntl(int fd, int cmd, ...) {
  if (!is_console(fd) && !arc::glue::is_file(fd)) return fail(EBADF);
  switch (cmd) {
  case F_GETFL: return is_console(fd) ? O_RDWR : arc::glue::file_flags(fd);
  case F_GETFD: case F_SETFD: return 0;
  default: return fail(EINVAL);
  }
}

// ---- memory ----------------------------------------------------------------------------------
int arc_heap_set(void *base, size_t size) {
  if (heap.base && heap.brk != heap.base) return -1;   // already handed out
  heap.init(reinterpret_cast<uintptr_t>(base), size);
  return 0;
}

void arc_heap_info(void **base, void **brk, void **limit) {
  heap.ensure();
  if (base) *base = reinterpret_cast<void *>(heap.base);
  if (brk) *brk = reinterpret_cast<void *>(heap.brk);
  if (limit) *limit = reinterpret_cast<void *>(heap.limit);
}

// Only moves the break: the pages are mapped on first touch by the program's pager.
__attribute__((weak)) void *sbrk(ptrdiff_t incr) {
  heap.ensure();
  const uintptr_t old = heap.brk;
  if (incr > 0 ? uintptr_t(incr) > heap.limit - old : uintptr_t(-incr) > old - heap.base) {
    errno = ENOMEM;
    return reinterpret_cast<void *>(-1);
  }
  heap.brk = old + incr;
  return reinterpret_cast<void *>(old);
}

// ---- processes -------------------------------------------------------------------------------
__attribute__((weak)) void _exit(int status) { arc::exit(status); }

__attribute__((weak)) pid_t getpid() { return our_pid; }

// abort() and raise() end here for signals without a handler: a signal to ourselves ends the
// program the way a shell would report it.
__attribute__((weak)) int kill(pid_t pid, int sig) {
  if (pid != our_pid && pid != 0) return fail(ESRCH);
  if (sig < 0 || sig >= NSIG) return fail(EINVAL);
  if (sig == 0) return 0;
  static const char msg[] = "[libc] killed by signal ";
  char line[sizeof(msg) + 4];
  size_t n = 0;
  for (const char *p = msg; *p; ++p) line[n++] = *p;
  if (sig >= 10) line[n++] = char('0' + sig / 10);
  line[n++] = char('0' + sig % 10);
  line[n++] = '\n';
  write(2, line, n);
  _exit(128 + sig);
}

__attribute__((weak)) int sigprocmask(int, const sigset_t *, sigset_t *old) {
  if (old) *old = 0;
  return 0;
}

__attribute__((weak)) pid_t fork() { return fail(ENOSYS); }
__attribute__((weak)) int execve(const char *, char *const[], char *const[]) {
  return fail(ENOSYS);
}
__attribute__((weak)) pid_t wait(int *) { return fail(ECHILD); }

// ---- files by name (the rest is in files.cc) ------------------------------------------------

// ---- time: the kernel's tick counter, from boot ---------------------------------------------
namespace {
unsigned long long uptime_us() { return arc::glue::uptime_ms() * 1000; }
}

__attribute__((weak)) int gettimeofday(struct timeval *__restrict tv, void *__restrict) {
  const unsigned long long us = uptime_us();
  if (tv) {
    tv->tv_sec = time_t(us / 1000000);
    tv->tv_usec = suseconds_t(us % 1000000);
  }
  return 0;
}

// All time since boot counts as this program's user time (clock() reads it).
__attribute__((weak)) clock_t times(struct tms *t) {
  const clock_t c = clock_t(uptime_us() / (1000000 / CLOCKS_PER_SEC));
  if (t) {
    t->tms_utime = c;
    t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
  }
  return c;
}

__attribute__((weak)) int getentropy(void *, size_t) { return fail(ENOSYS); }

// The underscored names (see the top of this file).
#define ARC_GLUE_ALIAS(ret, name, params) \
  ret _##name params __attribute__((weak, alias(#name)));
ARC_GLUE_ALIAS(_READ_WRITE_RETURN_TYPE, write, (int, const void *, size_t))
ARC_GLUE_ALIAS(_READ_WRITE_RETURN_TYPE, read, (int, void *, size_t))
ARC_GLUE_ALIAS(int, isatty, (int))
ARC_GLUE_ALIAS(int, fstat, (int, struct stat *))
ARC_GLUE_ALIAS(int, close, (int))
ARC_GLUE_ALIAS(off_t, lseek, (int, off_t, int))
ARC_GLUE_ALIAS(int, fcntl, (int, int, ...))
ARC_GLUE_ALIAS(void *, sbrk, (ptrdiff_t))
ARC_GLUE_ALIAS(pid_t, getpid, ())
ARC_GLUE_ALIAS(int, kill, (pid_t, int))
ARC_GLUE_ALIAS(pid_t, fork, ())
ARC_GLUE_ALIAS(int, execve, (const char *, char *const[], char *const[]))
ARC_GLUE_ALIAS(pid_t, wait, (int *))
ARC_GLUE_ALIAS(int, gettimeofday, (struct timeval *, void *))
ARC_GLUE_ALIAS(clock_t, times, (struct tms *))

} // extern "C"
