// msh's lines from the PS/2 keyboard (`msh --keyboard`), for a PC whose user sits at its screen
// and keyboard rather than at the serial line: keys from the `keyboard` server
// (drivers/keyboard), edited here (printable characters, backspace, Enter), echoed through the
// console like the serial line's. The keyboard server keeps every key typed across its hot and
// warm restarts, so a line typed while it crashes arrives whole; after a cold restart (a new
// endpoint) the connection looks it up again.
#include "msh.hh"

#include <arc/iface/keyboard.hh>
#include <arc/process.hh>
#include <arc/reconnect.hh>

#include <stdio.h>

namespace msh {

arc::Status keyboard_line(char *line, unsigned size) {
  static arc::Connection keyboard(arc::keyboard::service_name, arc::slot_alloc(),
                                  arc::Backoff{10, 1000, 10000});
  static bool connected;
  if (!connected) {
    if (arc::Status st = keyboard.Connect(); st != arc::Status::ok) return st;
    connected = true;
  }
  unsigned n = 0;
  for (;;) {
    arc::keyboard::Key k;
    // Not repeatable after a loss: a read is not idempotent (a key could be taken twice); a
    // cold-restarted keyboard has no keys of ours anyway, so the next read asks the new one.
    const arc::Status st = keyboard.Call([&](arc::CapSlot ep) {
      return arc::keyboard::Client(ep).Read(&k);
    }, false);
    if (st != arc::Status::ok) return st;
    if (k.ch == '\n' || k.ch == '\r') {
      out("\n");
      line[n] = 0;
      return arc::Status::ok;
    }
    if (k.ch == '\b') {
      if (n) {
        --n;
        out("\b \b");
      }
    } else if (k.ch >= ' ' && k.ch < 0x7f && n + 1 < size) {
      line[n++] = k.ch;
      out("%c", k.ch);
    }
  }
}

} // namespace msh
