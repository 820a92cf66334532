// Interrupts as IPC: IRQ capabilities from irq_control, attach to an endpoint, label irq with the
// line in MR1, masked until acknowledged. The device is the CMOS RTC's periodic interrupt (IRQ 8).
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
constexpr unsigned rtc_line = 8;

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

struct IrqMsg { Status st; word badge, label, line; };
IrqMsg wait_irq(CapSlot ep, word ms) {
  IrqMsg m{};
  m.st = recv(ep, &m.badge, ipc::timeouts(0, ms));
  m.label = tag().label();
  m.line = u()->mr[1];
  return m;
}
} // namespace

ARC_TEST(IRQ0001, "irq_ctl get: the timer line and owned lines are busy, bad lines invalid") {
  CapSlot a = slot(), b = slot(), ep = make(ObjType::endpoint);
  REQUIRE(a && b && ep);
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::irq_control, 0, a), Status::busy);
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::irq_control, 1000, a), Status::invalid_arg);
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::factory, rtc_line, a), Status::invalid_cap);
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, rtc_line, a));
  REQUIRE_EQ(cap_identify(a).r[0], word(ObjType::irq));
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::irq_control, rtc_line, b), Status::busy);
  REQUIRE_EQ(irq_ctl(IrqOp::attach, a, boot_cap::thread), Status::invalid_cap);
  REQUIRE_EQ(irq_ctl(IrqOp::attach, ep, ep), Status::invalid_cap);
  REQUIRE_EQ(syscall(Sys::irq_ctl, 99, a).status, Status::invalid_arg);
  // Deleting the capability frees the line.
  REQUIRE_OK(cap_delete(a));
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, rtc_line, b));
}

ARC_TEST(IRQ0002, "RTC periodic interrupt arrives as IPC: label irq, MR1 = 8, badge") {
  REQUIRE(rtc_ports());
  CapSlot irq = slot(), ep = make(ObjType::endpoint);
  REQUIRE(irq && ep);
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, rtc_line, irq));
  word badge = cap_identify(irq).r[2];
  REQUIRE_OK(irq_ctl(IrqOp::attach, irq, ep));
  rtc_periodic(true);
  IrqMsg m = wait_irq(ep, 1000);
  cmos_read(0x0c);
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  IrqMsg m2 = wait_irq(ep, 1000);
  cmos_read(0x0c);
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  rtc_periodic(false);
  REQUIRE_OK(irq_ctl(IrqOp::detach, irq));
  REQUIRE_OK(m.st);
  REQUIRE_EQ(m.label, label::irq);
  REQUIRE_EQ(m.line, word(rtc_line));
  REQUIRE_EQ(m.badge, badge);
  REQUIRE_OK(m2.st);
  REQUIRE_EQ(m2.line, word(rtc_line));
  // Detached and quiet: nothing more arrives.
  REQUIRE_EQ(wait_irq(ep, 50).st, Status::timeout);
}

ARC_TEST(IRQ0003, "the line stays masked until irq_ctl(ack)") {
  REQUIRE(rtc_ports());
  CapSlot irq = slot(), ep = make(ObjType::endpoint);
  REQUIRE(irq && ep);
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, rtc_line, irq));
  REQUIRE_OK(irq_ctl(IrqOp::attach, irq, ep));
  rtc_periodic(true);
  IrqMsg m = wait_irq(ep, 1000);
  cmos_read(0x0c);                   // the RTC interrupts again within 16 ms ...
  IrqMsg masked = wait_irq(ep, 100); // ... but the line is masked
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  word t0 = kd_ticks();
  IrqMsg after = wait_irq(ep, 1000);
  word dt = kd_ticks() - t0;
  cmos_read(0x0c);
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  rtc_periodic(false);
  REQUIRE_OK(irq_ctl(IrqOp::detach, irq));
  REQUIRE_OK(m.st);
  REQUIRE_EQ(masked.st, Status::timeout);
  REQUIRE_OK(after.st);
  REQUIRE_RANGE(dt, 0ul, 40ul);
}
