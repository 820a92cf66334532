// The system-call entries entry.S calls: IPC (after the fast path, ipc/fastpath.cc) and the rest
// through a table; then one exit path that destroys what the call released and picks who runs
// next.
#include "ipc/ipc.hh"
#include "object/kobject.hh"
#include "sched/scheduler.hh"
#include "syscall/syscall.hh"

namespace kern {

namespace {
constexpr sys::Handler table[word(arc::Sys::count)] = {
  nullptr,           // ipc: handled before the table
  sys::create, sys::cap_ctl, sys::thread_ctl, sys::exregs, sys::unmap,
  sys::irq_ctl, sys::perfmon, sys::ioport, sys::yield, sys::kdebug,
};

} // namespace

// Called by entry.S with the frame (ARCH_ASM_ENTRY: how the architecture passes it): every call
// but IPC, by number; then the one exit path that destroys what the call released and picks who
// runs next.
extern "C" ARCH_ASM_ENTRY void syscall_other(arch::UserFrame *f) {
  Thread *self = Thread::current();
  const word nr = f->syscall_nr();
  if (nr < word(arc::Sys::count)) table[nr](self, f);   // not 0: its low byte is not IPC's
  else f->set_status(Status::bad_syscall);
  reap();
  sched::preempt_point();
}

// IPC (number 0 in the low byte): entry.S tried the fast path first (ipc/fastpath.cc) when the
// number and flags were exactly a call or a reply-and-wait, and it did not apply.
extern "C" ARCH_ASM_ENTRY void syscall_ipc(arch::UserFrame *f) {
  ipc::sys_ipc(Thread::current(), f);
  reap();
  sched::preempt_point();
}

} // namespace kern
