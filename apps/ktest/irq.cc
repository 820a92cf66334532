// Interrupts as IPC: IRQ capabilities from irq_control, attach to an endpoint, label irq with the
// line in MR1, masked until acknowledged. The device is the board's irq_source (arch/<arch>/
// board-<board>.cc): the CMOS RTC on the PC, a timer or RTC the kernel does not use on ARM.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
const IrqSource &src = irq_source;

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
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::irq_control, src.timer_line, a), Status::busy);
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::irq_control, 1000, a), Status::invalid_arg);
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::factory, src.line, a), Status::invalid_cap);
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, src.line, a));
  REQUIRE_EQ(cap_identify(a).r[0], word(ObjType::irq));
  REQUIRE_EQ(irq_ctl(IrqOp::get, boot_cap::irq_control, src.line, b), Status::busy);
  REQUIRE_EQ(irq_ctl(IrqOp::attach, a, boot_cap::thread), Status::invalid_cap);
  REQUIRE_EQ(irq_ctl(IrqOp::attach, ep, ep), Status::invalid_cap);
  REQUIRE_EQ(syscall(Sys::irq_ctl, 99, a).status, Status::invalid_arg);
  // Deleting the capability frees the line.
  REQUIRE_OK(cap_delete(a));
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, src.line, b));
}

ARC_TEST(IRQ0002, "a device interrupt arrives as IPC: label irq, MR1 = the line, badge") {
  REQUIRE(src.setup());
  CapSlot irq = slot(), ep = make(ObjType::endpoint);
  REQUIRE(irq && ep);
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, src.line, irq));
  word badge = cap_identify(irq).r[2];
  REQUIRE_OK(irq_ctl(IrqOp::attach, irq, ep));
  src.start();
  IrqMsg m = wait_irq(ep, src.wait_ms);
  src.clear();
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  IrqMsg m2 = wait_irq(ep, src.wait_ms);
  src.clear();
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  src.stop();
  REQUIRE_OK(irq_ctl(IrqOp::detach, irq));
  REQUIRE_OK(m.st);
  REQUIRE_EQ(m.label, label::irq);
  REQUIRE_EQ(m.line, word(src.line));
  REQUIRE_EQ(m.badge, badge);
  REQUIRE_OK(m2.st);
  REQUIRE_EQ(m2.line, word(src.line));
  // Detached and quiet: nothing more arrives.
  REQUIRE_EQ(wait_irq(ep, 50).st, Status::timeout);
}

ARC_TEST(IRQ0003, "the line stays masked until irq_ctl(ack)") {
  REQUIRE(src.setup());
  CapSlot irq = slot(), ep = make(ObjType::endpoint);
  REQUIRE(irq && ep);
  REQUIRE_OK(irq_ctl(IrqOp::get, boot_cap::irq_control, src.line, irq));
  REQUIRE_OK(irq_ctl(IrqOp::attach, irq, ep));
  src.start();
  IrqMsg m = wait_irq(ep, src.wait_ms);
  src.clear();                       // the device interrupts again soon ...
  IrqMsg masked = wait_irq(ep, 100); // ... but the line is masked
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  word t0 = kd_ticks();
  IrqMsg after = wait_irq(ep, 1000);
  word dt = kd_ticks() - t0;
  src.clear();
  REQUIRE_OK(irq_ctl(IrqOp::ack, irq));
  src.stop();
  REQUIRE_OK(irq_ctl(IrqOp::detach, irq));
  REQUIRE_OK(m.st);
  REQUIRE_EQ(masked.st, Status::timeout);
  REQUIRE_OK(after.st);
  REQUIRE_RANGE(dt, 0ul, 40ul);
}
