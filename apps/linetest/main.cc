// linetest: writes N numbered lines through a console while crashes armed in it strike in the
// middle of writing them (tests/qemu/devices, ia32-vga-fire and ia32-console-fire).
//
//   linetest <n> vga|console <first> <every> <crashes>
//
// Line i (1..n) is "LINE iii/n " and a payload that check-numbered.py computes too (line_of).
// vga: each line is one write to `vgacon`; console: one printf, which the C library sends to the
// `console` server as one write (docs/libc.md). Before lines first, first + every, ... (crashes
// of them) it arms a crash in that server at a handler step (arc::fault_step: a character, a
// scroll's row) a little further each time, so the crash strikes in the middle of that line's
// write; the write must still be answered, and every line must arrive once. It prints on the
// kernel console (never through the console under test):
//   LINES: crash armed in <server> before line i at step s
//   LINES: done: n lines written, k crashes armed
//   LINES: FAIL ...                (a write or an injection refused)
#include <arc/iface/vgacon.hh>
#include <arc/libc.h>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

// Kernel console only: this program's own reports must not go through the console it crashes.
void kputs(const char *s) { arc_kd_console_write(s, strlen(s)); }
void say(const char *fmt, unsigned a, unsigned b = 0) {
  char buf[160];
  snprintf(buf, sizeof(buf), fmt, a, b);
  kputs(buf);
}

unsigned line_of(unsigned i, unsigned n, char *buf, unsigned size) {
  unsigned len = unsigned(snprintf(buf, size, "LINE %03u/%u ", i, n));
  const unsigned payload = 8 + (i * 7) % 23;
  for (unsigned k = 0; k < payload && len + 2 < size; ++k) buf[len++] = char('a' + (i + k) % 26);
  buf[len++] = '\n';
  buf[len] = 0;
  return len;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 6 || (strcmp(argv[2], "vga") && strcmp(argv[2], "console"))) {
    kputs("LINES: FAIL usage: linetest <n> vga|console <first> <every> <crashes>\n");
    return 1;
  }
  const unsigned n = unsigned(atoi(argv[1])), first = unsigned(atoi(argv[3])),
                 every = unsigned(atoi(argv[4])), crashes = unsigned(atoi(argv[5]));
  const bool vga = !strcmp(argv[2], "vga");
  const char *server = vga ? "vgacon" : "console";
  arc::vgacon::Client screen;
  if (vga) {
    const arc::CapSlot slot = arc::slot_alloc();
    if (arc::name_wait(arc::vgacon::service_name, slot, 10000) != arc::Status::ok) {
      kputs("LINES: FAIL no vgacon server\n");
      return 1;
    }
    screen.bind(slot);
  }
  unsigned armed = 0;
  for (unsigned i = 1; i <= n; ++i) {
    const bool arm = armed < crashes && i >= first && (i - first) % every == 0;
    if (arm) {
      const unsigned step = 7 + (armed * 17) % 40;   // a character, or a row of a scroll
      const arc::Status st =
          arc::inject_fault(server, arc::server_label::inject_crash, step,
                            arc::server_label::inject_at_step);
      if (st != arc::Status::ok) {
        char buf[120];
        snprintf(buf, sizeof(buf), "LINES: FAIL inject into %s refused before line %u\n", server,
                 i);
        kputs(buf);
        return 1;
      }
      ++armed;
      char buf[120];
      snprintf(buf, sizeof(buf), "LINES: crash armed in %s before line %u at step %u\n", server, i,
               step);
      kputs(buf);
    }
    char line[96];
    const unsigned len = line_of(i, n, line, sizeof(line));
    if (vga) {
      if (const arc::Status st = screen.Write(line, len); st != arc::Status::ok) {
        say("LINES: FAIL write of line %u answered %u\n", i, unsigned(st));
        return 1;
      }
    } else {
      printf("%s", line);
      fflush(stdout);
    }
    // The restart's own reports (pager, monitor) go to the kernel console, which shares the
    // serial line with the console server by whole characters: let them out before going on.
    if (arm) arc::sleep_ms(50);
  }
  say("LINES: done: %u lines written, %u crashes armed\n", n, armed);
  return 0;
}
