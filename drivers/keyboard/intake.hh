// The keyboard's intake: bytes from the i8042 into a persistent raw ring, then decoded into the
// persistent key queue. Plain data in .pdata (keyboard.cc); every step is written so that a crash
// at any point, followed by a hot or warm restart, neither loses nor doubles a byte or a key.
//
// Reading port 0x60 takes the byte out of the controller: a crash after `inb` and before the
// byte is stored persistently would lose it, and reading again after a store that the restart
// cannot see would double it. So the port read and the store are one instruction, `insb` (port
// DX into ES:[EDI]): an instruction either completes or, when it faults, is restarted without
// having read the port (QEMU writes the destination before it reads the port, as the CPU checks
// the page first; we also touch the slot before, so it is present and writable). What tells the
// restart that the `insb` happened is the slot itself: it is cleared before the read, and a byte
// 0x00 (the controller's "detection error / overrun", never a key) is not kept.
//
// Decoding (modifiers, the 0xe0 prefix) changes several words: the decoder's state, the raw
// ring's tail and the key queue's head. They live together in a Cursor, kept twice; a step
// writes the next cursor into the spare copy (and the key into a queue slot nobody owns yet) and
// commits by flipping one word, `cur`. A crash before the flip redoes the step from the old
// cursor; after it, the step is done.
//
// The controller is a template parameter (keyboard.cc: the i8042's ports; the host tests: a
// simulated one), and so is the hook at each point a fault may strike (arc::fault_step).
#pragma once
#include <arc/iface/keyboard.hh>
#include <scancode.hh>

namespace kbd {

constexpr arc::word raw_size = 256, queue_size = 64;

struct Key {
  arc::word ch, code, mods;
};

struct Cursor {
  arc::word raw_tail;   // raw bytes decoded
  arc::word key_head;   // keys queued
  arc::word mods;       // Decoder::mods after raw_tail bytes
  arc::word extended;   // Decoder::extended after raw_tail bytes
};

// What a restart found half done (for the recovery report and the tests).
struct Interrupted {
  bool byte_read;      // a byte was read from the controller and not yet committed
  uint8_t byte;
  bool decode;         // a decoding step was cut short
  arc::word decode_at; // the raw byte it was decoding
};

struct Intake {
  uint8_t raw[raw_size];   // raw[raw_head % raw_size] is 0 unless an uncommitted read filled it
  arc::word raw_head;      // bytes taken from the controller (committed)
  Cursor cursor[2];
  arc::word cur;           // which cursor is committed
  Key queue[queue_size];   // keys [key_tail, cursor[cur].key_head) wait for readers
  arc::word key_tail;      // keys handed out (keyboard.cc commits it)
  arc::word adopted, redone;   // recovery counts

  const Cursor &now() const { return cursor[cur & 1]; }
  arc::word waiting() const { return now().key_head - key_tail; }
  bool plausible() const {
    const Cursor &c = now();
    return cur <= 1 && raw_head - c.raw_tail <= raw_size && c.key_head - key_tail <= queue_size;
  }

  Interrupted Inspect() const {
    Interrupted i{};
    i.byte = raw[raw_head % raw_size];
    i.byte_read = i.byte != 0;
    const Cursor &spare = cursor[(cur & 1) ^ 1];
    i.decode = spare.raw_tail == now().raw_tail + 1;
    i.decode_at = now().raw_tail;
    return i;
  }

  // A read that a crash interrupted after its `insb`: the byte is the user's, keep it.
  void Adopt() {
    const arc::word h = raw_head;
    if (!raw[h % raw_size]) return;
    raw[(h + 1) % raw_size] = 0;
    raw_head = h + 1;
    ++adopted;
  }

  // Everything waiting in the controller into the raw ring (room permitting: the rest waits in
  // the controller), then decoded. Port: ready() (a byte waits), read_into(slot) (one `insb`).
  template <class Port, class Step> void Take(Port &port, Step step) {
    Adopt();
    while (raw_head - now().raw_tail < raw_size - 2 && port.ready()) {
      const arc::word h = raw_head;
      volatile uint8_t *slot = &raw[h % raw_size];
      *slot = 0;   // touch: the page is present and writable before the port is read
      port.read_into(slot);
      step();      // the byte read, not committed
      if (!*slot) continue;   // 0x00: an error report of the controller, not a key
      raw[(h + 1) % raw_size] = 0;
      raw_head = h + 1;    // the commit: the byte is ours
    }
    Decode(step);
  }

  template <class Step> void Decode(Step step) {
    for (;;) {
      const Cursor c = now();
      if (c.raw_tail == raw_head || c.key_head - key_tail >= queue_size) return;
      Decoder d;
      d.mods = unsigned(c.mods);
      d.extended = c.extended != 0;
      const Event e = decode(d, raw[c.raw_tail % raw_size]);
      Cursor next{c.raw_tail + 1, c.key_head, d.mods, d.extended};
      if (e.press) {
        queue[c.key_head % queue_size] = {arc::word(uint8_t(e.ch)), e.code, mods_of(d.mods)};
        ++next.key_head;
      }
      cursor[(cur & 1) ^ 1] = next;
      step();      // the step written, not committed
      cur = (cur & 1) ^ 1;   // the commit
    }
  }

  static arc::word mods_of(unsigned m) {
    namespace mod = arc::keyboard::mod;
    return (m & mod_shift ? mod::shift : 0) | (m & mod_ctrl ? mod::ctrl : 0) |
           (m & mod_alt ? mod::alt : 0) | (m & mod_caps ? mod::caps : 0);
  }
};

} // namespace kbd
