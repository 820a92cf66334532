// init: the measuring program that a Linux guest runs as /init for `tools/arc bench --compare
// linux` (tools/linuxcmp/linuxcmp.py builds it and boots it; docs/benchmarks.md, "Linux side by
// side").
//
// Built with the host's gcc for i686, static, without a C library: system calls go through
// `int $0x80` from the wrappers below, and _start calls main() directly. Under QEMU's
// `-icount shift=0,sleep=off` one time-stamp-counter tick is one guest instruction, kernel and
// user alike, so differences of rdtsc count instructions, as in apps/bench. Each figure is the
// mean over `iters` rounds after `warmup` rounds (fewer for the respawn, which costs far more).
// Output lines on the console: `linux ia32 <name> <value> <unit>`, and `linux ia32 info ...`
// lines that say what kernel ran with which mitigations. Ends by powering the machine off.
//
// Run as `/init crash`, the program is the child of the respawn figure: it notes the time stamp
// at main() and just before a store to address 0 in a page it shares with the supervisor.

typedef unsigned int u32;
typedef unsigned long long u64;

enum {
  warmup = 100, iters = 2000,             // as apps/bench
  respawn_warmup = 20, respawn_iters = 200,
};

// ---- system calls (i386: number in eax, arguments in ebx, ecx, edx, esi, edi) ----------------

enum {
  nr_exit = 1, nr_fork = 2, nr_read = 3, nr_write = 4, nr_open = 5, nr_close = 6,
  nr_execve = 11, nr_mount = 21, nr_mkdir = 39, nr_pipe = 42, nr_dup2 = 63, nr_getppid = 64,
  nr_reboot = 88, nr_ftruncate = 93, nr_wait4 = 114, nr_uname = 122, nr_mmap2 = 192,
  nr_futex = 240, nr_exit_group = 252,
};

static inline long sys1(long n, long a) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a) : "memory");
  return r;
}
static inline long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}
static inline long sys4(long n, long a, long b, long c, long d) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
  return r;
}
static inline long sys5(long n, long a, long b, long c, long d, long e) {
  long r;
  __asm__ volatile("int $0x80"
                   : "=a"(r)
                   : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                   : "memory");
  return r;
}
// mmap2 takes six arguments, the sixth (the page offset) in ebp, which gcc will not bind; the
// offset here is always 0.
static long sys_mmap2(long addr, long len, long prot, long flags, long fd) {
  long r;
  __asm__ volatile("push %%ebp\n\txor %%ebp, %%ebp\n\tint $0x80\n\tpop %%ebp"
                   : "=a"(r)
                   : "a"(nr_mmap2), "b"(addr), "c"(len), "d"(prot), "S"(flags), "D"(fd)
                   : "memory");
  return r;
}

static inline long sys_write(int fd, const void *p, u32 n) { return sys3(nr_write, fd, (long)p, n); }
static inline long sys_read(int fd, void *p, u32 n) { return sys3(nr_read, fd, (long)p, n); }
static inline long sys_close(int fd) { return sys1(nr_close, fd); }
static __attribute__((noreturn)) void sys_exit_group(int code) {
  sys1(nr_exit_group, code);
  for (;;) {}
}

static inline u64 rdtsc(void) {
  u64 t;
  __asm__ volatile("rdtsc" : "=A"(t));
  return t;
}

// gcc may call these even in freestanding code.
void *memset(void *d, int c, u32 n) {
  for (u32 i = 0; i < n; ++i) ((char *)d)[i] = (char)c;
  return d;
}
void *memcpy(void *d, const void *s, u32 n) {
  for (u32 i = 0; i < n; ++i) ((char *)d)[i] = ((const char *)s)[i];
  return d;
}

// ---- the entry point and a thread start ------------------------------------------------------

int main(int argc, char **argv, char **envp);

// _start: the stack holds argc, argv[], 0, envp[]; call main(argc, argv, envp) on an aligned stack.
__asm__(".text\n.globl _start\n_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov (%esp), %eax\n"
        "  lea 4(%esp), %edx\n"
        "  lea 8(%esp,%eax,4), %ecx\n"
        "  and $-16, %esp\n"
        "  sub $4, %esp\n"
        "  push %ecx\n  push %edx\n  push %eax\n"
        "  call main\n"
        "  mov %eax, %ebx\n  mov $252, %eax\n  int $0x80\n  hlt\n");

// long start_thread(u32 flags, void *stack_top, int *tid, void (*fn)(void)): clone(2) onto
// stack_top; the new thread calls fn() and ends with exit(2) (the thread, not the process). tid
// is both the parent's and the child's tid pointer (CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID).
long start_thread(u32 flags, void *stack_top, int *tid, void (*fn)(void));
__asm__(".text\n.globl start_thread\nstart_thread:\n"
        "  push %ebx\n  push %esi\n  push %edi\n"
        "  mov 16(%esp), %ebx\n"           // flags
        "  mov 20(%esp), %ecx\n"           // new stack
        "  mov 28(%esp), %eax\n"
        "  mov %eax, -16(%ecx)\n"          // fn, popped by the child
        "  sub $16, %ecx\n"
        "  mov 24(%esp), %edx\n"           // parent tid pointer
        "  xor %esi, %esi\n"               // tls
        "  mov %edx, %edi\n"               // child tid pointer
        "  mov $120, %eax\n  int $0x80\n"  // clone
        "  test %eax, %eax\n  jnz 1f\n"
        "  pop %eax\n  call *%eax\n"
        "  mov $1, %eax\n  xor %ebx, %ebx\n  int $0x80\n  hlt\n"
        "1:\n  pop %edi\n  pop %esi\n  pop %ebx\n  ret\n");

// ---- output ----------------------------------------------------------------------------------

static u32 str_len(const char *s) {
  u32 n = 0;
  while (s[n]) ++n;
  return n;
}
static void put(const char *s) { sys_write(1, s, str_len(s)); }
static void put_u64(u64 v) {
  char b[24];
  int i = sizeof b;
  do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  sys_write(1, b + i, sizeof b - i);
}
static void report(const char *name, u64 total, u32 n) {
  put("linux ia32 ");
  put(name);
  put(" ");
  put_u64((total + n / 2) / n);
  put(" insns\n");
}
static void info(const char *what, const char *text) {
  put("linux ia32 info ");
  put(what);
  put(" ");
  put(text);
  put("\n");
}
static __attribute__((noreturn)) void power_off(void) {
  sys4(nr_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0);   // LINUX_REBOOT_CMD_POWER_OFF
  sys_exit_group(1);
}
static __attribute__((noreturn)) void fail(const char *what) {
  info("error", what);
  power_off();
}

// ---- what ran --------------------------------------------------------------------------------

static void print_file(const char *what, const char *path) {
  char buf[200];
  int fd = (int)sys3(nr_open, (long)path, 0, 0);
  if (fd < 0) return;
  long n = sys_read(fd, buf, sizeof buf - 1);
  sys_close(fd);
  if (n <= 0) return;
  while (n > 0 && buf[n - 1] == '\n') --n;
  buf[n] = 0;
  info(what, buf);
}

static void print_system(void) {
  char uts[6 * 65];
  if (sys1(nr_uname, (long)uts) == 0) info("kernel", uts + 2 * 65);
  sys3(nr_mkdir, (long)"/sys", 0755, 0);
  if (sys5(nr_mount, (long)"sysfs", (long)"/sys", (long)"sysfs", 0, 0) != 0) return;
  static const char *const vulns[] = {"meltdown", "spectre_v1", "spectre_v2", "mds", 0};
  for (int i = 0; vulns[i]; ++i) {
    char path[80] = "/sys/devices/system/cpu/vulnerabilities/";
    u32 k = str_len(path);
    for (const char *s = vulns[i]; *s; ++s) path[k++] = *s;
    path[k] = 0;
    print_file(vulns[i], path);
  }
  print_file("clocksource", "/sys/devices/system/clocksource/clocksource0/current_clocksource");
}

// ---- null system call ------------------------------------------------------------------------

static void bench_null_syscall(void) {
  for (u32 i = 0; i < warmup; ++i) sys1(nr_getppid, 0);
  u64 t0 = rdtsc();
  for (u32 i = 0; i < iters; ++i) sys1(nr_getppid, 0);
  report("null_syscall", rdtsc() - t0, iters);
}

// ---- pipe round trip between two processes ---------------------------------------------------

static void bench_pipe(void) {
  int there[2], back[2];
  if (sys1(nr_pipe, (long)there) || sys1(nr_pipe, (long)back)) fail("pipe");
  long pid = sys1(nr_fork, 0);
  if (pid < 0) fail("fork");
  if (pid == 0) {                       // the echo: one byte back for each byte, until EOF
    sys_close(there[1]);
    sys_close(back[0]);
    char c;
    while (sys_read(there[0], &c, 1) == 1) sys_write(back[1], &c, 1);
    sys_exit_group(0);
  }
  sys_close(there[0]);
  sys_close(back[1]);
  char c = 'x';
  for (u32 i = 0; i < warmup; ++i) {
    sys_write(there[1], &c, 1);
    sys_read(back[0], &c, 1);
  }
  u64 t0 = rdtsc();
  for (u32 i = 0; i < iters; ++i) {
    if (sys_write(there[1], &c, 1) != 1 || sys_read(back[0], &c, 1) != 1) fail("pipe round trip");
  }
  report("pipe_rtt", rdtsc() - t0, iters);
  sys_close(there[1]);
  sys_close(back[0]);
  int status;
  sys4(nr_wait4, pid, (long)&status, 0, 0);
}

// ---- futex round trip between two threads of one process -------------------------------------

enum { futex_wait = 0, futex_wake = 1, futex_private = 128 };
enum {
  clone_vm = 0x100, clone_fs = 0x200, clone_files = 0x400, clone_sighand = 0x800,
  clone_thread = 0x10000, clone_sysvsem = 0x40000, clone_parent_settid = 0x100000,
  clone_child_cleartid = 0x200000,
};

static volatile int turn;                 // 1: the echo thread's turn, 0: main's, 2: stop
static volatile int echo_tid;
static char echo_stack[16384] __attribute__((aligned(16)));

static inline long futex(volatile int *w, int op, int val) {
  return sys4(nr_futex, (long)w, op, val, 0);
}

static void echo_thread(void) {
  for (;;) {
    while (turn == 0) futex(&turn, futex_wait | futex_private, 0);
    if (turn == 2) return;
    turn = 0;
    futex(&turn, futex_wake | futex_private, 1);
  }
}

static void futex_round(void) {
  turn = 1;
  futex(&turn, futex_wake | futex_private, 1);
  while (turn == 1) futex(&turn, futex_wait | futex_private, 1);
}

static void bench_futex(void) {
  u32 flags = clone_vm | clone_fs | clone_files | clone_sighand | clone_thread | clone_sysvsem |
              clone_parent_settid | clone_child_cleartid;
  if (start_thread(flags, echo_stack + sizeof echo_stack, (int *)&echo_tid, echo_thread) <= 0)
    fail("clone");
  for (u32 i = 0; i < warmup; ++i) futex_round();
  u64 t0 = rdtsc();
  for (u32 i = 0; i < iters; ++i) futex_round();
  report("futex_rtt", rdtsc() - t0, iters);
  turn = 2;
  futex(&turn, futex_wake | futex_private, 1);
  // The kernel clears echo_tid and wakes it (a shared futex) once the thread is gone.
  for (int t; (t = echo_tid) != 0;) futex(&echo_tid, futex_wait, t);
}

// ---- a supervisor respawning a crashed child with fork+exec ----------------------------------

// The page both sides map from a file of the initramfs (a MAP_SHARED file mapping survives the
// fork and can be made again after exec): [0] the child's time stamp at main(), [1] just before
// its store to address 0.
static const char stamp_file[] = "/stamps";
enum { o_rdwr = 2, o_creat = 0100, prot_rw = 3, map_shared = 1 };

static volatile u64 *map_stamps(int create) {
  int fd = (int)sys3(nr_open, (long)stamp_file, o_rdwr | (create ? o_creat : 0), 0600);
  if (fd < 0) return 0;
  if (create && sys3(nr_ftruncate, fd, 4096, 0) != 0) return 0;
  long p = sys_mmap2(0, 4096, prot_rw, map_shared, fd);
  sys_close(fd);
  return (u32)p > 0xfffff000u ? 0 : (volatile u64 *)p;
}

static __attribute__((noreturn)) void crash_child(u64 at_main) {
  volatile u64 *stamps = map_stamps(0);
  if (!stamps) sys_exit_group(2);
  stamps[0] = at_main;
  stamps[1] = rdtsc();
  *(volatile int *)0 = 0;               // SIGSEGV
  sys_exit_group(3);
}

static void bench_respawn(char **envp) {
  volatile u64 *stamps = map_stamps(1);
  if (!stamps) fail("stamp page");
  char *argv[] = {"/init", "crash", 0};
  u64 last_crash = 0, total = 0, first = 0;
  for (u32 i = 0; i <= respawn_warmup + respawn_iters; ++i) {
    long pid = sys1(nr_fork, 0);
    if (pid < 0) fail("fork");
    if (pid == 0) {
      sys3(nr_execve, (long)argv[0], (long)argv, (long)envp);
      sys_exit_group(4);
    }
    int status = 0;
    if (sys4(nr_wait4, pid, (long)&status, 0, 0) != pid) fail("wait4");
    if ((status & 0x7f) != 11) fail("the child did not end by SIGSEGV");
    // Round i: from the previous child's store to address 0 to this child's main().
    u64 span = stamps[0] - last_crash;
    if (i == 1) first = span;
    if (i > respawn_warmup) total += span;
    last_crash = stamps[1];
  }
  report("respawn_first", first, 1);
  report("respawn", total, respawn_iters);
}

// ---- main ------------------------------------------------------------------------------------

int main(int argc, char **argv, char **envp) {
  u64 at_main = rdtsc();                // the respawn's end point: keep this first
  if (argc > 1 && argv[1][0] == 'c') crash_child(at_main);
  // The time stamp counts from power-on: SeaBIOS, QEMU's Linux loader, the kernel, the initramfs.
  report("boot_to_init", at_main, 1);
  print_system();
  put("linux ia32 rounds ");
  put_u64(iters);
  put(" after ");
  put_u64(warmup);
  put(" warm-up; respawn ");
  put_u64(respawn_iters);
  put(" after ");
  put_u64(respawn_warmup);
  put("\n");
  bench_null_syscall();
  bench_pipe();
  bench_futex();
  bench_respawn(envp);
  put("linux ia32 done\n");
  power_off();
}
