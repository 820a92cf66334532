// serial: a UART as the `console` server. The UART is a back-end (uart.hh) that the boot
// configuration chooses (uart_select.hh):
//
//   PC (COM1)          server console serial ports=0x3f8-0x3ff irq=4
//   QEMU virt          server console serial mem=0x09000000-0x09001000 irq=1 -- pl011
//   RealView PB-A8     server console serial mem=0x10009000-0x1000a000 irq=12 -- pl011
//   OMAP3 (UART3)      server console serial mem=0x49020000-0x49021000 irq=74 -- 16550 stride=4
//
// Output is written with polling (as the kernel console does; both share the line). Input comes
// by interrupt: every received byte goes into a persistent ring; blocked readers (read, read_line)
// are deferred requests served in order as input arrives. read_line edits the line (echo,
// backspace) before handing it over.
#include <arc/iface/console.hh>
#include <arc/libc.h>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include "uart_select.hh"

#include <stdio.h>

using namespace arc;

// We are the console: printing through ourselves would wait on ourselves. The kernel's console
// it is (arc/libc.h).
ARC_CONSOLE_KDEBUG_ONLY;

namespace {

// The hardware: chosen again at every start from the information page, so not persistent.
serial::Uart *g_uart;

// ---- the significant state, all persistent (STYLE 13): typed input not yet read, the line
// being edited, the blocked readers, and which IRQ capability we acknowledge. -----------------
struct SerialState {
  char ring[1024];
  word head, tail;                 // ring: [tail, head)
  char line[console::max_bytes];   // read_line being edited
  word line_len;
  word last_cr;                    // the previous byte ended a line with CR: swallow an LF
  DeferredQueue<4> readers;
  CapSlot irq_slot;
  word rx_bytes, tx_bytes, irqs, dropped;
  word written;                    // bytes clients asked us to write (stats)
  // The write in progress (Request::seq) and how far it got: characters sent << 1, | 1 when the
  // CR of a '\n' is out and its LF not yet. A replayed write goes on from there.
  word write_seq, write_done;
};
ARC_PDATA SerialState g_state = {};

} // namespace

class Serial : public ArcServer<Serial> {
public:
  Serial() : ArcServer("console") {}

  Status Initialize() {
    g_state = SerialState{};
    if (Status st = Attach(); st != Status::ok) return st;
    if (Status st = RegisterName(console::service_name); st != Status::ok)
      ::printf("[console] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[console] %s, irq %lu: ready\n", g_uart->Kind(), IrqLine());
    return Status::ok;
  }

  // Hardware state is re-programmed, buffered input and the blocked readers are kept.
  Recovery Recover() {
    if (g_state.head - g_state.tail > sizeof(g_state.ring) || g_state.line_len > sizeof(g_state.line) ||
        !g_state.readers.valid())
      return Recovery::cold;
    if (Attach() != Status::ok) return Recovery::cold;
    RegisterName(console::service_name);
    ::printf("[console] recovered: %lu bytes buffered, %lu readers waiting\n",
           g_state.head - g_state.tail, g_state.readers.count);
    Receive();
    Pump();
    return Recovery::resume;
  }

  static constexpr auto Handlers() {
    return console::handlers<Serial> +
           handler_table<Serial>({{label::irq, 0, 1, &Serial::Irq, "irq"}});
  }

  // ---- console interface ----------------------------------------------------------------------
  Status Write(const Request &req, Reply &rep) {
    const char *data;
    unsigned n;
    if (!req.bytes(1, &data, &n) || n > console::max_bytes) return Status::invalid_arg;
    if (!(req.replayed && g_state.write_seq == req.seq)) {
      g_state.write_done = 0;
      g_state.write_seq = req.seq;   // (a crash before this: nothing was sent yet)
      g_state.written += n;
    } else if (g_state.write_done) {
      ::printf("[console] replay: write %lu goes on at character %lu of %u\n", req.seq,
               g_state.write_done >> 1, n);
    }
    // Each byte is sent, then committed. A crash between the UART's data write and the commit
    // (two instructions) would send that byte again; injected faults strike after the commit.
    for (word d = g_state.write_done; (d >> 1) < n; d = g_state.write_done) {
      const char c = data[d >> 1];
      if (c == '\n' && !(d & 1)) {
        Tx('\r');
        g_state.write_done = d | 1;
      } else {
        Tx(c);
        g_state.write_done = ((d >> 1) + 1) << 1;
      }
      ++g_state.tx_bytes;
      fault_step();   // an injected fault may strike with the line half written
    }
    rep.put(n);
    return Status::ok;
  }
  Status Read(const Request &req, Reply &rep) { return Block(req, rep); }
  Status ReadLine(const Request &req, Reply &rep) { return Block(req, rep); }
  Status Poll(const Request &, Reply &rep) {
    rep.put(g_state.head - g_state.tail);
    return Status::ok;
  }
  Status Stats(const Request &, Reply &rep) {
    rep.put(g_state.written);
    rep.put(g_state.rx_bytes);
    return Status::ok;
  }

  // ---- the interrupt --------------------------------------------------------------------------
  Status Irq(const Request &, Reply &) {
    ++g_state.irqs;
    Receive();
    Pump();
    irq_ctl(IrqOp::ack, g_state.irq_slot);
    return Status::ok;
  }

private:
  static word IrqLine() {
    const proc::Resource *r = find_resource(proc::Resource::irq);
    return r ? r->first : 0;
  }

  Status Attach() {
    const char *why = nullptr;
    g_uart = serial::SelectUart(&why);
    if (!g_uart) {
      ::printf("[console] %s\n", why);
      return Status::invalid_cap;
    }
    const proc::Resource *irq = find_resource(proc::Resource::irq);
    if (!irq) {
      ::printf("[console] no IRQ (boot configuration: irq=N, the UART's line)\n");
      return Status::invalid_cap;
    }
    g_state.irq_slot = irq->slot;
    // Attached, acknowledged and recorded (a checkpoint carries it); acknowledged again below,
    // once the UART is started.
    if (Status st = AttachIrq(irq->slot); st != Status::ok) return st;
    g_uart->Start();
    irq_ctl(IrqOp::ack, irq->slot);
    return Status::ok;
  }

  static void Put(char c) {
    if (c == '\n') Put('\r');
    Tx(c);
    ++g_state.tx_bytes;
  }
  static void Tx(char c) { g_uart->Tx(uint8_t(c)); }

  static void Receive() {
    while (g_uart->RxReady()) {
      const char c = char(g_uart->Rx());
      ++g_state.rx_bytes;
      if (g_state.head - g_state.tail < sizeof(g_state.ring))
        g_state.ring[g_state.head++ % sizeof(g_state.ring)] = c;
      else
        ++g_state.dropped;
    }
  }

  Status Block(const Request &req, Reply &rep) {
    const word max = req.arg(1);
    if (max < 1 || max > console::max_bytes) return Status::invalid_arg;
    if (g_state.readers.full() && !g_state.readers.drop_abandoned()) return Status::busy;
    Deferred d;
    if (Status st = Defer(req, rep, d); st != Status::ok) return st;
    g_state.readers.push(d);
    Pump();   // input may be there already
    return Status::ok;
  }

  // Hand buffered input to the blocked readers, in order.
  void Pump() {
    while (Deferred *d = g_state.readers.front()) {
      if (g_state.head == g_state.tail) return;
      const unsigned max = unsigned(d->arg[0]);
      if (d->label == console::read) {
        char buf[console::max_bytes];
        unsigned n = 0;
        while (n < max && g_state.tail != g_state.head)
          buf[n++] = g_state.ring[g_state.tail++ % sizeof(g_state.ring)];
        Finish(*d, buf, n);
        continue;
      }
      // read_line: edit until the end of the line.
      const bool echo = d->arg[1] & console::echo;
      bool done = false;
      while (!done && g_state.tail != g_state.head) {
        const char c = g_state.ring[g_state.tail++ % sizeof(g_state.ring)];
        const bool cr_lf = c == '\n' && g_state.last_cr;
        g_state.last_cr = c == '\r';
        if (cr_lf) continue;
        if (c == '\r' || c == '\n') {
          if (echo) Put('\n');
          done = true;
        } else if (c == 0x7f || c == '\b') {
          if (g_state.line_len) {
            --g_state.line_len;
            if (echo) { Put('\b'); Put(' '); Put('\b'); }
          }
        } else if (g_state.line_len < max && (c >= ' ' || c == '\t')) {
          g_state.line[g_state.line_len++] = c;
          if (echo) Put(c);
        }
      }
      if (!done) return;
      Finish(*d, g_state.line, unsigned(g_state.line_len));
      g_state.line_len = 0;
    }
  }

  void Finish(Deferred &d, const char *data, unsigned n) {
    const Status st = Complete(d, Status::ok, [&](Reply &r) { r.put_bytes(data, n); });
    if (st != Status::ok) ::printf("[console] reader gone (status %lu)\n", word(st));
    g_state.readers.pop();
  }
};

int main() {
  static Serial server;
  return server.Run();
}
