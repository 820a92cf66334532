// The PC's interrupt source for the IRQ tests: the CMOS RTC's periodic interrupt (IRQ 8, 64 Hz)
// through ports 0x70..0x71; the kernel's timer is the PIT on line 0.
#include "ktest.hh"

using namespace arc;

namespace ktest {
namespace {
unsigned char cmos_read(unsigned char reg) {
  outb(0x70, 0x80 | reg);   // bit 7: NMI stays disabled while we talk to the RTC
  return inb(0x71);
}
void cmos_write(unsigned char reg, unsigned char v) {
  outb(0x70, 0x80 | reg);
  outb(0x71, v);
}
void rtc_periodic(bool on) {
  if (on) {
    cmos_write(0x0a, (cmos_read(0x0a) & 0xf0) | 0x0a);   // rate 10: 64 Hz
    cmos_write(0x0b, cmos_read(0x0b) | 0x40);            // PIE
  } else {
    cmos_write(0x0b, cmos_read(0x0b) & ~0x40);
  }
  cmos_read(0x0c);   // reading C clears the pending flags so the RTC can interrupt again
  outb(0x70, 0x0d);  // NMI back on
  inb(0x71);
}
// Ports 0x70..0x71 for us.
bool rtc_ports() {
  CapSlot io = slot();
  return io && ioport(IoOp::derive, boot_cap::ioports, 0x70, 2, io) == Status::ok &&
         ioport(IoOp::enable, io) == Status::ok;
}
} // namespace

const IrqSource irq_source = {
  0, 8, 1000, rtc_ports,
  [] { rtc_periodic(true); },
  [] { cmos_read(0x0c); },
  [] { rtc_periodic(false); },
};

} // namespace ktest
