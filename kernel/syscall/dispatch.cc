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
} // namespace

// Called by entry.S with the frame (ARCH_ASM_ENTRY: how the architecture passes it).
extern "C" ARCH_ASM_ENTRY void syscall_entry(arch::UserFrame *f) {
  Thread *self = Thread::current();
  const word nr = f->syscall_nr();
  if ((nr & 0xff) == word(arc::Sys::ipc)) {
    // The fast path returns only when it does not apply; when it does, it switches to the
    // partner and the call ends in ipc_fast_resume (nothing to reap, nobody to prefer).
    ipc::fastpath(self, f);
    ipc::sys_ipc(self, f);
  } else if (nr < word(arc::Sys::count)) {
    table[nr](self, f);
  } else {
    f->set_status(Status::bad_syscall);
  }
  reap();
  sched::preempt_point();
}

} // namespace kern
