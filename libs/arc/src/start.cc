// C++ entry of a user program: run constructors, split the command line, call main.
#include <arc/sys.hh>
#include <arc/start.hh>

extern "C" {
typedef void (*ctor_fn)();
extern ctor_fn __init_array_start[] __attribute__((weak));
extern ctor_fn __init_array_end[] __attribute__((weak));
int main(int argc, char **argv);
}

namespace {
const arc::BootInfo *g_boot_info;
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

[[noreturn]] void exit(int status) {
  printf("[task] exit %d\n", status);
  // Halting ourselves is final; our pager or creator sees the thread dead.
  for (;;) exchange_registers(cap_self, exregs::halt);
}
} // namespace arc

extern "C" [[noreturn]] void __arc_start(arc::word boot_info) {
  for (ctor_fn *f = __init_array_start; f && f < __init_array_end; ++f) (*f)();
  const auto *bi = reinterpret_cast<const arc::BootInfo *>(boot_info);
  int argc = 0;
  if (bi && bi->magic == arc::boot_info_magic) {
    g_boot_info = bi;
    argc = split_args(bi->cmdline);
  }
  arc::exit(main(argc, argv_buf));
}
