// msh: the micro shell. Reads lines from the `console` server (drivers/serial), runs them
// (commands.cc), and writes its output back through the console. Prompt "msh> ".
//
// Boot configuration:   server shell msh after=console
#include "msh.hh"

#include <arc/arch.hh>
#include <arc/iface/console.hh>
#include <string.h>
#include <arc/process.hh>
#include <arc/sys.hh>

#include <stdarg.h>
#include <stdio.h>

namespace msh {
arc::console::Client g_console;
bool g_have_console = false;

void out(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  if (unsigned(n) >= sizeof(buf)) n = sizeof(buf) - 1;
  if (!g_have_console || g_console.Write(buf, unsigned(n)) != arc::Status::ok) {
    ::printf("%s", buf);   // no console server: the kernel console
    fflush(stdout);
  }
}

} // namespace msh

int main(int argc, char **argv) {
  const arc::CapSlot slot = arc::slot_alloc();
  const arc::Status st = arc::name_wait(arc::console::service_name, slot, 10000);
  if (st != arc::Status::ok) {
    ::printf("msh: no console server (%s)\n", arc::status_name(st));
    return 1;
  }
  msh::g_console.bind(slot);
  msh::g_have_console = true;
  msh::out("msh: Arc micro shell, pid %lu (type help)\n", arc::my_pid());
  // `--bench-boot`: report the guest instructions to the first prompt (arc::arch::cycles()
  // counts instructions under the benchmark machine's -icount: on ia32 from power-on, on armv7
  // from the kernel's PMU set-up), for `tools/arc bench`.
  if (argc > 1 && !strcmp(argv[1], "--bench-boot")) {
    ::printf("bench %s boot_to_prompt %llu insns\n", arc::arch::name, arc::arch::cycles());
    --argc;
    ++argv;
  }
  // Commands given as arguments run first (boot configuration: ... -- echo hello).
  if (argc > 1) {
    char line[256];
    unsigned n = 0;
    for (int i = 1; i < argc && n + 1 < sizeof(line); ++i) {
      const int w = snprintf(line + n, sizeof(line) - n, "%s%s", i > 1 ? " " : "", argv[i]);
      if (w < 0) break;
      n += unsigned(w);
    }
    msh::out("msh> %s\n", line);
    msh::run(line);
  }
  char line[arc::console::max_bytes + 1];
  for (;;) {
    msh::out("msh> ");
    if (arc::Status rs = msh::g_console.ReadLine(line, sizeof(line)); rs != arc::Status::ok) {
      ::printf("msh: console read failed (%s)\n", arc::status_name(rs));
      arc::sleep_ms(100);
      continue;
    }
    msh::run(line);
  }
}
