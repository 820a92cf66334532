// keyboard: the PS/2 keyboard on the QEMU/PC i8042 (ports 0x60, 0x64, IRQ 1) as the `keyboard`
// server. Scancode set 1 -> ASCII (scancode.hh); keys are queued until a client reads them.
//
// Boot configuration:   server keyboard keyboard ports=0x60-0x64 irq=1
#include <arc/iface/keyboard.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <pc/io.hh>
#include <scancode.hh>

#include <stdio.h>

using namespace arc;

namespace {

constexpr uint16_t data_port = 0x60, status_port = 0x64;
constexpr uint8_t status_output_full = 0x01;

struct Key {
  word ch, code, mods;
};

// Persistent: keys typed but not read, the modifier state (the hardware's, unreproducible),
// blocked readers, our IRQ capability.
struct KeyboardState {
  Key queue[64];
  word head, tail;
  kbd::Decoder decoder;
  DeferredQueue<4> readers;
  CapSlot irq_slot;
  word keys, irqs;
};
ARC_PDATA KeyboardState g_state = {};

word mods_of(unsigned m) {
  return (m & kbd::mod_shift ? keyboard::mod::shift : 0) | (m & kbd::mod_ctrl ? keyboard::mod::ctrl : 0) |
         (m & kbd::mod_alt ? keyboard::mod::alt : 0) | (m & kbd::mod_caps ? keyboard::mod::caps : 0);
}

} // namespace

class Keyboard : public ArcServer<Keyboard> {
public:
  Keyboard() : ArcServer("keyboard") {}

  Status Initialize() {
    g_state = KeyboardState{};
    if (Status st = Attach(); st != Status::ok) return st;
    Configure();
    if (Status st = RegisterName(keyboard::service_name); st != Status::ok)
      ::printf("[keyboard] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[keyboard] i8042 ready\n");
    return Status::ok;
  }

  Recovery Recover() {
    if (g_state.head - g_state.tail > 64 || !g_state.readers.valid()) return Recovery::cold;
    if (Attach() != Status::ok) return Recovery::cold;
    // Keys typed while we were down wait in the controller (its interrupt came to nobody): they
    // are the user's, not stale bytes to drop.
    TakePending();
    RegisterName(keyboard::service_name);
    Pump();
    irq_ctl(IrqOp::ack, g_state.irq_slot);
    return Recovery::resume;
  }

  static constexpr auto Handlers() {
    return keyboard::handlers<Keyboard> +
           handler_table<Keyboard>({{label::irq, 0, 1, &Keyboard::Irq, "irq"}});
  }

  Status ReadKey(const Request &req, Reply &rep) {
    if (g_state.head != g_state.tail && g_state.readers.empty()) return Take(rep);
    if (g_state.readers.full() && !g_state.readers.drop_abandoned()) return Status::busy;
    Deferred d;
    if (Status st = Defer(req, rep, d); st != Status::ok) return st;
    g_state.readers.push(d);
    return Status::ok;
  }
  Status PollKey(const Request &, Reply &rep) {
    return g_state.head == g_state.tail ? Status::timeout : Take(rep);
  }

  Status Irq(const Request &, Reply &) {
    ++g_state.irqs;
    TakePending();
    Pump();
    irq_ctl(IrqOp::ack, g_state.irq_slot);
    return Status::ok;
  }

private:
  // Every byte waiting in the controller, decoded; key presses go to the queue.
  static void TakePending() {
    while (pc::inb(status_port) & status_output_full) {
      const kbd::Event e = kbd::decode(g_state.decoder, pc::inb(data_port));
      if (!e.press) continue;
      ++g_state.keys;
      if (g_state.head - g_state.tail < 64)
        g_state.queue[g_state.head++ % 64] = {word(uint8_t(e.ch)), e.code, mods_of(g_state.decoder.mods)};
    }
  }

  static Status Take(Reply &rep) {
    const Key k = g_state.queue[g_state.tail++ % 64];
    rep.put(k.ch);
    rep.put(k.code);
    rep.put(k.mods);
    return Status::ok;
  }

  void Pump() {
    while (Deferred *d = g_state.readers.front()) {
      if (g_state.head == g_state.tail) return;
      Complete(*d, Status::ok, [](Reply &r) { Take(r); });
      g_state.readers.pop();
    }
  }

  Status Attach() {
    const proc::Resource *data = find_ports(data_port, 1), *status = find_ports(status_port, 1);
    const proc::Resource *irq = find_resource(proc::Resource::irq);
    if (!data || !status || !irq) {
      ::printf("[keyboard] needs ports 0x60 and 0x64 and an IRQ (ports=0x60-0x64 irq=1)\n");
      return Status::invalid_cap;
    }
    if (Status st = ioport(IoOp::enable, data->slot); st != Status::ok) return st;
    if (status->slot != data->slot) ioport(IoOp::enable, status->slot);
    g_state.irq_slot = irq->slot;
    const Status st = irq_ctl(IrqOp::attach, irq->slot, endpoint());
    return st == Status::busy ? Status::ok : st;
  }

  // First start only: what the firmware left in the controller goes, and the controller is set
  // up. A restart keeps both (the controller does not restart with us).
  void Configure() {
    for (int i = 0; i < 32 && (pc::inb(status_port) & status_output_full); ++i) pc::inb(data_port);
    // Controller configuration: keyboard interrupt on, translation to set 1 on.
    pc::outb(status_port, 0x20);
    for (int i = 0; i < 100000 && !(pc::inb(status_port) & status_output_full); ++i) {}
    const uint8_t config = pc::inb(data_port);
    pc::outb(status_port, 0x60);
    for (int i = 0; i < 100000 && (pc::inb(status_port) & 0x02); ++i) {}
    pc::outb(data_port, uint8_t(config | 0x01 | 0x40));
    irq_ctl(IrqOp::ack, g_state.irq_slot);
  }
};

int main() {
  static Keyboard server;
  return server.Run();
}
