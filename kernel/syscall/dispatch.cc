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

// regparm(1): entry.S passes the frame in eax.
extern "C" __attribute__((regparm(1))) void syscall_entry(arch::UserFrame *f) {
  Thread *self = Thread::current();
  const word nr = f->syscall_nr();
  if ((nr & 0xff) == word(arc::Sys::ipc)) {
    // Done by the fast path: we run again because the scheduler chose us, and the fast path
    // destroys nothing, so there is nothing to reap and nobody to prefer.
    if (likely(ipc::fastpath(self, f))) return;
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
