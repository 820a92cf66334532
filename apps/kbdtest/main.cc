// kbdtest: reads keys from the `keyboard` server (drivers/keyboard) and prints each one, until a
// line ends with Enter. The keyboard test (tests/qemu, ia32-keyboard) types into QEMU's PS/2
// keyboard with the monitor's `sendkey` and checks these lines:
//   KBD: ready                       (the keyboard server was found; type now)
//   KBD: 'a' scancode 0x1e           (one per key with a character; '\n' for Enter)
//   KBD: key without character, scancode 0x2a
//   KBD: got line 'arc'              (Enter ends a line; argv[1]: how many lines, default 1)
//   KBD: on screen 'arc'             (with argv[2] = "vga": each line is also written to the
//                                     VGA text console, `vgacon`, as "kbdtest: got line 'arc'")
//   KBD: done
// With argv[3] = "restart" (ia32-keyboard-restart), after the first line it arms a crash in the
// keyboard server for its next request (the read of the second line's first key) and after the
// second line one in vgacon for its next (the third line's screen write), printing
//   KBD: crash armed in keyboard      (type the next line now)
// Both restarts must be invisible: every key arrives once, every line reaches the screen, and
// what was on the screen before stays there.
// ia32-keyboard-burst runs it as `kbdtest 2` while the injector crashes the keyboard server again
// and again under a burst of keys; tests/qemu/devices/check-keys.py reads back the per-key lines.
#include <arc/iface/keyboard.hh>
#include <arc/iface/vgacon.hh>
#include <arc/process.hh>
#include <arc/server.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const arc::CapSlot slot = arc::slot_alloc();
  arc::Status st = arc::name_wait(arc::keyboard::service_name, slot, 10000);
  if (st != arc::Status::ok) {
    printf("KBD: no keyboard server (%s)\n", arc::status_name(st));
    return 1;
  }
  arc::keyboard::Client keyboard(slot);
  int lines = argc > 1 ? atoi(argv[1]) : 1;
  if (lines < 1) lines = 1;
  arc::vgacon::Client screen;
  const bool vga = argc > 2 && !strcmp(argv[2], "vga");
  const bool restart = argc > 3 && !strcmp(argv[3], "restart");
  unsigned line_no = 0;
  if (vga) {
    const arc::CapSlot vslot = arc::slot_alloc();
    if ((st = arc::name_wait(arc::vgacon::service_name, vslot, 10000)) != arc::Status::ok) {
      printf("KBD: no vgacon server (%s)\n", arc::status_name(st));
      return 1;
    }
    screen.bind(vslot);
    if ((st = screen.Write("kbdtest: Arc keyboard test\n")) != arc::Status::ok) {
      printf("KBD: screen write failed (%s)\n", arc::status_name(st));
      return 1;
    }
  }
  printf("KBD: ready\n");
  fflush(stdout);
  char line[80];
  unsigned n = 0;
  while (lines > 0) {
    arc::keyboard::Key k;
    if ((st = keyboard.Read(&k)) != arc::Status::ok) {
      printf("KBD: read failed (%s)\n", arc::status_name(st));
      return 1;
    }
    if (k.ch == '\n' || k.ch == '\r') {
      printf("KBD: '\\n' scancode 0x%lx\n", k.scancode);
      line[n] = 0;
      printf("KBD: got line '%s'\n", line);
      if (vga) {
        char text[sizeof(line) + 32];
        snprintf(text, sizeof(text), "kbdtest: got line '%s'\n", line);
        st = screen.Write(text);
        if (st == arc::Status::ok) printf("KBD: on screen '%s'\n", line);
        else printf("KBD: screen write failed (%s)\n", arc::status_name(st));
      }
      n = 0;
      --lines;
      ++line_no;
      const char *victim = !restart ? nullptr : line_no == 1 ? "keyboard" : line_no == 2 ? "vgacon" : nullptr;
      if (victim && lines > 0) {
        st = arc::inject_fault(victim, arc::server_label::inject_crash, 0);
        if (st == arc::Status::ok) printf("KBD: crash armed in %s\n", victim);
        else printf("KBD: inject failed (%s)\n", arc::status_name(st));
      }
    } else if (k.ch >= ' ' && k.ch < 0x7f) {
      printf("KBD: '%c' scancode 0x%lx\n", k.ch, k.scancode);
      if (n + 1 < sizeof(line)) line[n++] = k.ch;
    } else {
      printf("KBD: key without character, scancode 0x%lx\n", k.scancode);
    }
    fflush(stdout);
  }
  printf("KBD: done\n");
  return 0;
}
