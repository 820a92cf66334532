// The framework's transport on Arc: the kernel's IPC through libs/arc (arc/transport.hh).
#include <arc/arch.hh>
#include <arc/sys.hh>
#include <arc/transport.hh>

namespace arc::transport {

word *mr() { return utcb()->mr; }

Status wait(CapSlot ep, word *badge) { return recv(ep, badge); }

Status reply_wait(CapSlot ep, word *badge) { return arc::reply_wait(ep, badge); }

Status reply() { return arc::reply(ipc::timeouts(ipc::t_zero, ipc::t_zero)); }

Status reply_to(CapSlot reply_cap) {
  const Status st = send(reply_cap, ipc::timeouts(ipc::t_zero, ipc::t_zero));
  cap_delete(reply_cap);   // consumed by the send; make sure the slot is free for reuse
  return st;
}

bool caller_waits(CapSlot reply_cap) {
  const Result r = cap_identify(reply_cap);
  return r.ok() && r.r[0] == word(ObjType::reply) && r.r[3] == 1;
}

void drop(CapSlot slot) { (void)cap_delete(slot); }

Status save_reply(CapSlot slot) {
  return thread_ctl(boot_cap::thread, ThreadOp::save_reply, slot);   // proc::thread: our own
}

Status call(CapSlot ep, word timeouts) { return arc::ipc_raw(ipc::send | ipc::call, ep, 0, timeouts, nullptr); }

void set_rcv_cap_slot(CapSlot slot) { utcb()->rcv_cap_slot = slot; }

Status irq_attach(CapSlot irq, CapSlot ep) {
  const Status st = irq_ctl(IrqOp::attach, irq, ep);
  if (st != Status::ok && st != Status::busy) return st;   // busy: attached already
  (void)irq_ctl(IrqOp::ack, irq);
  return Status::ok;
}
Status irq_detach(CapSlot irq) { return irq_ctl(IrqOp::detach, irq); }
unsigned long long cycles() { return arch::cycles(); }

} // namespace arc::transport
