// msh: the micro shell. Reads lines from the `console` server (drivers/serial), runs them
// (commands.cc), and writes its output back through the console. Prompt "msh> ".
//
// Boot configuration:   server shell msh after=console
//                       server shell msh after=console,keyboard -- --keyboard   (PS/2 keys)
//                       server shell msh after=console,fb -- --fb   (output on the framebuffer too)
//
// The console may be restarted under it: a hot or warm restart is invisible, after a cold one
// the connection (arc/reconnect.hh) finds the new endpoint; a console that is gone for good is
// reported once and waited for, never polled in a busy loop.
#include "msh.hh"

#include <arc/arch.hh>
#include <arc/iface/console.hh>
#include <string.h>
#include <arc/process.hh>
#include <arc/reconnect.hh>
#include <arc/sys.hh>

#include <stdarg.h>
#include <stdio.h>

namespace msh {
namespace {
// The console, through a connection that survives its restarts (arc/reconnect.hh): a cold
// restart gives it a new endpoint, which the connection looks up again.
arc::Connection *g_console;

// The console is gone and did not come back within the connection's budget: say so once, on
// the kernel console, and keep waiting for it with the back-off (never a busy loop).
void console_lost(arc::Status st) {
  if (g_console->FirstFailure())
    ::printf("msh: the console is gone (%s): waiting for it to come back\n", arc::status_name(st));
  while (g_console->Connect() != arc::Status::ok) {}   // each waits out its back-off budget
  out("msh: the console is back\n");
}
} // namespace

void out(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  if (unsigned(n) >= sizeof(buf)) n = sizeof(buf) - 1;
  // Output may be repeated after a reconnect: a line printed twice beats a line lost.
  const arc::Status st = g_console ? g_console->Call([&](arc::CapSlot ep) {
    return arc::console::Client(ep).Write(buf, unsigned(n));
  }) : arc::Status::invalid_cap;
  if (st != arc::Status::ok) {
    ::printf("%s", buf);   // no console server: the kernel console
    fflush(stdout);
  }
  fb_write(buf, unsigned(n));   // after the serial console, the primary one
}

// A line read is echoed by whoever read it (the console server, kbdline.cc) on the serial line
// only: the framebuffer console gets it from here, after the prompt it shows.
void echo_to_fb(const char *line) {
  unsigned n = 0;
  while (line[n]) ++n;
  fb_write(line, n);
  fb_write("\n", 1);
}

} // namespace msh

int main(int argc, char **argv) {
  // Waits up to 10 s for the console to be published at start, then as long as it takes.
  static arc::Connection console(arc::console::service_name, arc::slot_alloc(),
                                 arc::Backoff{10, 1000, 10000});
  if (arc::Status st = console.Connect(); st != arc::Status::ok) {
    ::printf("msh: no console server (%s)\n", arc::status_name(st));
    return 1;
  }
  msh::g_console = &console;
  // `--fb` among the leading options: the output on the framebuffer's text console too
  // (fbcon.cc), from the first line on.
  for (int i = 1; i < argc && !strncmp(argv[i], "--", 2); ++i) {
    if (strcmp(argv[i], "--fb")) continue;
    for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
    --argc;
    msh::fb_start();
    break;
  }
  msh::out("msh: Arc micro shell, pid %lu (type help)\n", arc::my_pid());
  // `--bench-boot`: report the guest instructions to the first prompt (arc::arch::cycles()
  // counts instructions under the benchmark machine's -icount: on ia32 from power-on, on armv7
  // from the kernel's PMU set-up), for `tools/arc bench`.
  if (argc > 1 && !strcmp(argv[1], "--bench-boot")) {
    ::printf("bench %s boot_to_prompt %llu insns\n", arc::arch::name, arc::arch::cycles());
    --argc;
    ++argv;
  }
  // `--keyboard`: lines come from the PS/2 keyboard instead of the serial line (kbdline.cc).
  const bool from_keyboard = argc > 1 && !strcmp(argv[1], "--keyboard");
  if (from_keyboard) {
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
    if (from_keyboard) {
      const arc::Status ks = msh::keyboard_line(line, sizeof(line));
      if (ks == arc::Status::ok) {
        msh::echo_to_fb(line);
        msh::run(line);
      } else {
        ::printf("msh: keyboard read failed (%s)\n", arc::status_name(ks));
        arc::sleep_ms(1000);
      }
      continue;
    }
    const arc::Status rs = console.Call([&](arc::CapSlot ep) {
      return arc::console::Client(ep).ReadLine(line, sizeof(line));
    });
    if (rs == arc::Status::ok) {
      msh::echo_to_fb(line);
      msh::run(line);
    } else if (arc::server_lost(rs)) {
      msh::console_lost(rs);
    } else {
      // Not a lost console (too many readers, a bad reply): say so once, wait, try again.
      if (console.FirstFailure()) ::printf("msh: console read failed (%s)\n", arc::status_name(rs));
      arc::sleep_ms(1000);
    }
  }
}
