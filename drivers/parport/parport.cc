// parport: the parallel port LPT1 (standard parallel port, IEEE 1284 compatibility mode) as the
// `printer` server (arc/iface/printer.hh). The logic, with its persistent byte index, is in
// parport.hh; this file is the hardware's side of it: port I/O, delays, and how an injected
// fault fails.
//
// Boot configuration:   server parport parport ports=0x378-0x37a restart=hot,warm,cold
//                       [-- timeout=MS inject=crash|panic|hang|soft:N[:TIMES]]
//   or, with a swap rung: restart=hot,warm,swap,cold alternates=parport-ack
//
// Polled, no interrupt: the handshake takes microseconds per byte, and a request never waits
// for an interrupt that a crash could lose. A printer that stays busy (off line, no paper)
// longer than `timeout` (default 10000 ms) ends the request with a short write.
//
// inject=soft:N simulates a hot restart without the restart machinery: the fault jumps back to
// main(), which runs the framework's start path again (Begin, Recover, replay of the request in
// progress, then the reply the client is waiting for). Unlike a real hot restart the volatile
// pages are not reloaded; the driver keeps nothing there that a restart would need.
#include "parport.hh"

#include <arc/libc.h>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/sys.hh>
#include <pc/io.hh>

#include <setjmp.h>
#include <stdio.h>

using namespace arc;

namespace {

// Persistent, and carried by a swap to the other implementation (parport <-> parport-ack): the
// byte index says what the printer already has, whichever program put it there. Its section
// follows the framework's area in .parc (libs/pmem/pdata.ld), which the pager copies into the new
// program when both have the same layout; both programs hold the same PrinterState.
__attribute__((section(".pdata.arc.iface"))) parport::PrinterState g_printer = {};

jmp_buf g_soft_restart;   // where an injected soft restart goes (main)

struct PcEnv {
  static uint8_t in(uint16_t port) {
    parport::barrier();
    const uint8_t v = pc::inb(port);
    parport::barrier();
    return v;
  }
  static void out(uint16_t port, uint8_t v) {
    parport::barrier();
    pc::outb(port, v);
    parport::barrier();
  }
  // A read of the data register: about a microsecond on the ISA or LPC bus, no side effects.
  static void delay_us(unsigned us) {
    for (unsigned i = 0; i < us; ++i) (void)pc::inb(parport::lpt1 + parport::reg_data);
  }
  static void sleep_ms(unsigned ms) { arc::sleep_ms(ms); }

  static Status attach(uint16_t base) {
    const proc::Resource *ports = find_ports(base, parport::port_count);
    if (!ports) {
      ::printf("[parport] no I/O ports %#x-%#x (boot configuration: ports=0x378-0x37a)\n",
               unsigned(base), unsigned(base + parport::port_count - 1));
      return Status::invalid_cap;
    }
    return ioport(IoOp::enable, ports->slot);
  }

  [[noreturn]] static void fault(printer::Fault kind, const char *why) {
    switch (kind) {
    case printer::Fault::panic: arc::panic("%s", why);
    case printer::Fault::hang:
      for (;;) asm volatile("" ::: "memory");
    case printer::Fault::soft: longjmp(g_soft_restart, 1);
    default:
      *reinterpret_cast<volatile word *>(0) = 0;   // a page fault at 0: our pager sees a crash
      __builtin_trap();
    }
  }
};

} // namespace

int main(int argc, char **argv) {
  parport::Config config;
  parport::parse_args(argc, argv, &config);
  static parport::Server<PcEnv> server(g_printer, config);
  if (setjmp(g_soft_restart)) ::printf("[parport] soft restart\n");
  return server.Run();
}
