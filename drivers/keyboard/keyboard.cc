// keyboard: the PS/2 keyboard on the QEMU/PC i8042 (ports 0x60, 0x64, IRQ 1) as the `keyboard`
// server. Scancode set 1 -> ASCII (scancode.hh); keys are queued until a client reads them.
//
// Boot configuration:   server keyboard keyboard ports=0x60-0x64 irq=1
//
// Every key typed reaches a reader exactly once, whenever the server crashes and is restarted
// hot or warm: the bytes taken from the controller, the decoder's state (modifiers, the 0xe0
// prefix), the keys not yet read and the blocked readers are persistent, and each step that
// moves them commits with one word (intake.hh, readers.hh; docs/console.md says why).
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <pc/io.hh>

#include "intake.hh"
#include "readers.hh"

#include <stdio.h>

using namespace arc;

namespace {

// The i8042: a byte waits when the status port says so; reading it is one `insb` (intake.hh).
struct I8042 {
  static constexpr uint16_t data_port = 0x60, status_port = 0x64;
  static constexpr uint8_t status_output_full = 0x01;
  static bool ready() { return pc::inb(status_port) & status_output_full; }
  static void read_into(volatile uint8_t *slot) {
    asm volatile("insb" : : "D"(slot), "d"(data_port) : "memory");
  }
};
I8042 g_i8042;

// Persistent (STYLE 13): the hardware's bytes and the keys they made (unreproducible), the
// blocked readers, the last answered poll, our IRQ capability.
struct KeyboardState {
  kbd::Intake intake;
  kbd::Readers readers;
  struct {
    word seq, given;
    kbd::Key key;
  } poll;
  CapSlot irq_slot;
  word irqs;
};
ARC_PDATA KeyboardState g_state = {};

kbd::Intake &intake() { return g_state.intake; }

void put_key(Reply &r, const kbd::Key &k) {
  r.put(k.ch);
  r.put(k.code);
  r.put(k.mods);
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
    if (!intake().plausible() || !g_state.readers.plausible()) return Recovery::cold;
    if (Attach() != Status::ok) return Recovery::cold;
    Report();
    // Keys typed while we were down wait in the controller (its interrupt came to nobody): they
    // are the user's, not stale bytes to drop.
    intake().Take(g_i8042, fault_step);
    // Readers first: one answered just before the crash still names its freed reply slot until
    // Pump() has taken it off the ring, and registering could reuse that slot.
    Pump();
    RegisterName(keyboard::service_name);
    irq_ctl(IrqOp::ack, g_state.irq_slot);
    return Recovery::resume;
  }

  static constexpr auto Handlers() {
    return keyboard::handlers<Keyboard> +
           handler_table<Keyboard>({{label::irq, 0, 1, &Keyboard::Irq, "irq"}});
  }

  // Every read waits in the readers' ring, even when a key is there: one way to hand out keys,
  // the one that survives restarts.
  Status ReadKey(const Request &req, Reply &rep) {
    if (req.replayed && g_state.readers.queued(req.seq)) {
      rep.defer();   // queued (or answered) before the restart: Pump() answers it, once
      return Status::ok;
    }
    if (!g_state.readers.make_room()) return Status::busy;
    Deferred d;
    if (Status st = Defer(req, rep, d); st != Status::ok) return st;
    g_state.readers.push(d, req.seq);
    Pump();
    return Status::ok;
  }

  // A poll's key is recorded with the request's number before the queue lets it go, so that
  // the replay of an answered poll answers the same key.
  Status PollKey(const Request &req, Reply &rep) {
    auto &p = g_state.poll;
    if (!(req.replayed && p.seq == req.seq)) {
      if (g_state.readers.count() || !intake().waiting()) return Status::timeout;
      p.given = 0;
      p.key = intake().queue[intake().key_tail % kbd::queue_size];
      p.given = intake().key_tail + 1;
      p.seq = req.seq;
    }
    if (p.given == intake().key_tail + 1) intake().key_tail = p.given;   // the commit
    put_key(rep, p.key);
    return Status::ok;
  }

  Status Irq(const Request &, Reply &) {
    ++g_state.irqs;
    intake().Take(g_i8042, fault_step);
    Pump();
    irq_ctl(IrqOp::ack, g_state.irq_slot);
    return Status::ok;
  }

private:
  // Hand waiting keys to the readers, in order. Each reader first gets its key (copied into its
  // entry, then the queue's tail moves: the commit), then its answer, then leaves the ring; a
  // restart finds where this stopped and goes on from there.
  void Pump() {
    kbd::Intake &in = intake();
    while (kbd::Reader *r = g_state.readers.front()) {
      if (r->empty()) {   // released (its caller gave up) before a crash: nobody to answer
        g_state.readers.pop();
        continue;
      }
      if (!r->given) {
        if (!in.waiting()) return;
        r->key = in.queue[in.key_tail % kbd::queue_size];
        r->given = in.key_tail + 1;
      }
      if (r->given == in.key_tail + 1) {
        fault_step();   // an injected fault may strike with the key taken, not committed
        in.key_tail = r->given;
      }
      if (r->d.pending()) {
        fault_step();   // ... with the key this reader's, not yet answered
        const kbd::Key k = r->key;
        const Status st = Complete(r->d, Status::ok, [&](Reply &rep) { put_key(rep, k); });
        if (st != Status::ok) ::printf("[keyboard] reader gone (status %lu)\n", word(st));
      }
      fault_step();     // ... with the reader answered, still in the ring
      g_state.readers.pop();
    }
  }

  // What the restart found half done: said once, so a test can tell which window it hit.
  void Report() {
    const kbd::Interrupted i = intake().Inspect();
    if (i.byte_read)
      ::printf("[keyboard] recovered: byte 0x%02x was read from the controller, not yet "
               "committed: kept\n", i.byte);
    if (i.decode)
      ::printf("[keyboard] recovered: the decoding of byte %lu was cut short: done again\n",
               i.decode_at);
    if (kbd::Reader *r = g_state.readers.front(); r && r->given)
      ::printf("[keyboard] recovered: key %lu ('%c') was a reader's, %s\n", r->given - 1,
               r->key.ch >= ' ' && r->key.ch < 0x7f ? char(r->key.ch) : '?',
               r->d.pending() ? "not yet answered: answering it" : "already answered: not again");
    ::printf("[keyboard] recovered: %lu keys waiting, %lu readers\n", intake().waiting(),
             g_state.readers.count());
  }

  Status Attach() {
    const proc::Resource *data = find_ports(I8042::data_port, 1);
    const proc::Resource *status = find_ports(I8042::status_port, 1);
    const proc::Resource *irq = find_resource(proc::Resource::irq);
    if (!data || !status || !irq) {
      ::printf("[keyboard] needs ports 0x60 and 0x64 and an IRQ (ports=0x60-0x64 irq=1)\n");
      return Status::invalid_cap;
    }
    if (Status st = ioport(IoOp::enable, data->slot); st != Status::ok) return st;
    if (status->slot != data->slot) ioport(IoOp::enable, status->slot);
    g_state.irq_slot = irq->slot;
    return AttachIrq(irq->slot);   // attached, acknowledged and recorded: a checkpoint carries it
  }

  // First start only: what the firmware left in the controller goes, and the controller is set
  // up. A restart keeps both (the controller does not restart with us).
  void Configure() {
    constexpr uint16_t data_port = I8042::data_port, status_port = I8042::status_port;
    constexpr uint8_t status_output_full = I8042::status_output_full;
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
