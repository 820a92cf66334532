// C++ entry of a user program: run constructors, split the command line, call main, and pass its
// result to the C library's exit (atexit handlers, stdio flushed, then _exit -> arc::exit).
#include <arc/proto/pager.hh>
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <stddef.h>
#include <stdlib.h>

extern "C" {
typedef void (*ctor_fn)();
extern ctor_fn __init_array_start[] __attribute__((weak));
extern ctor_fn __init_array_end[] __attribute__((weak));
int main(int argc, char **argv);
// libs/newlib-glue: where malloc's heap lives (weak: a program without the C library has none).
int arc_heap_set(void *base, size_t size) __attribute__((weak));
}

namespace {
const arc::BootInfo *g_boot_info;
const arc::proc::Info *g_proc_info;
constexpr int max_args = 16;
char arg_buf[256];
char *argv_buf[max_args + 1];

int split_args(const char *cmdline) {
  int argc = 0;
  unsigned n = 0;
  for (const char *p = cmdline; *p && n + 1 < sizeof(arg_buf);) {
    while (*p == ' ') ++p;
    if (!*p || argc == max_args) break;
    argv_buf[argc++] = &arg_buf[n];
    while (*p && *p != ' ' && n + 1 < sizeof(arg_buf)) arg_buf[n++] = *p++;
    arg_buf[n++] = 0;
  }
  argv_buf[argc] = nullptr;
  return argc;
}
} // namespace

namespace arc {
const BootInfo *boot_info() { return g_boot_info; }
const proc::Info *proc_info() { return g_proc_info; }

[[noreturn]] void exit(int status) {
  if (g_proc_info) {
    // A process tells its pager, which tells the root task; they take the process down.
    Utcb *u = utcb();
    u->mr[0] = Tag(pager::exit, 1, 0).raw;
    u->mr[1] = word(status);
    (void)send(proc::pager);
  } else {
    printf("[task] exit %d\n", status);
  }
  // Halting ourselves is final; our pager or creator sees the thread stopped.
  for (;;) exchange_registers(cap_self, exregs::halt);
}
} // namespace arc

extern "C" [[noreturn]] void __arc_start(arc::word boot_info) {
  // The kernel starts an initial task with the boot-information address in the first argument
  // register; a process started (or restarted) by its pager has anything there.
  // A secure domain's root task is started by the boot root task, which maps a boot-information
  // page for it where the kernel would (docs/domains.md) but cannot set the register: the page's
  // magic tells.
  const auto *bi = reinterpret_cast<const arc::BootInfo *>(arc::boot_info_addr);
  (void)boot_info;
  int argc = 0;
  if (bi->magic == arc::boot_info_magic) {   // an initial task, or a domain's root task
    g_boot_info = bi;
    argc = split_args(bi->cmdline);
  } else {
    // A process: its pager maps the information page even though no register points at it.
    const auto *pi = reinterpret_cast<const arc::proc::Info *>(arc::boot_info_addr);
    if (pi->magic == arc::proc::info_magic) {
      g_proc_info = pi;
      // The heap is where the pager serves zero pages for it, not after .bss.
      if (arc_heap_set && pi->heap_limit > pi->heap_base)
        arc_heap_set(reinterpret_cast<void *>(pi->heap_base), pi->heap_limit - pi->heap_base);
      // argv[0] is the program, as in C; the arguments of the boot line or spawn follow.
      argv_buf[argc++] = const_cast<char *>(pi->program);
      for (arc::word i = 0; i < pi->argc && argc < max_args; ++i) argv_buf[argc++] = const_cast<char *>(pi->argv[i]);
      argv_buf[argc] = nullptr;
    }
  }
  // Constructors last: they may already allocate, from the heap chosen above.
  for (ctor_fn *f = __init_array_start; f && f < __init_array_end; ++f) (*f)();
  ::exit(main(argc, argv_buf));
}
