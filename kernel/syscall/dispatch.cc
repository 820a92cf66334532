// The one system-call entry: IPC first (fast path, then slow path), the rest through a table;
// then one exit path that destroys what the call released and picks who runs next.
#include "ipc/fastpath.hh"
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

// Every call but IPC: out of line, so their way through syscall_entry does not pay for the
// registers the IPC fast path needs.
__attribute__((noinline)) void syscall_other(Thread *self, arch::UserFrame *f) {
  const word nr = f->syscall_nr();
  if (nr < word(arc::Sys::count)) table[nr](self, f);   // not 0: its low byte is not IPC's
  else f->set_status(Status::bad_syscall);
  reap();
  sched::preempt_point();
}

} // namespace

// Called by entry.S with the frame (ARCH_ASM_ENTRY: how the architecture passes it).
extern "C" ARCH_ASM_ENTRY void syscall_entry(arch::UserFrame *f) {
  Thread *self = Thread::current();
  if ((f->syscall_nr() & 0xff) != word(arc::Sys::ipc)) return syscall_other(self, f);
  // The fast path returns only when it does not apply; when it does, it switches to the
  // partner and the call ends in user mode (nothing to reap, nobody to prefer).
  ipc::fastpath(self, f);
  ipc::sys_ipc(self, f);
  reap();
  sched::preempt_point();
}

} // namespace kern
