// The one system-call entry: IPC first (fast path, then slow path), the rest through a table;
// then one exit path that destroys what the call released and picks who runs next.
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

extern "C" void syscall_entry(arch::UserFrame *f) {
  Thread *self = Thread::current();
  const word nr = f->syscall_nr();
  if ((nr & 0xff) == word(arc::Sys::ipc)) {
    if (!ipc::fastpath(self, f)) ipc::sys_ipc(self, f);
  } else if (nr < word(arc::Sys::count)) {
    table[nr](self, f);
  } else {
    f->set_status(Status::bad_syscall);
  }
  reap();
  sched::preempt_point();
}

} // namespace kern
