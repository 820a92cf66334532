#include "ipc/fault.hh"
#include "ipc/ipc.hh"
#include "lib/console.hh"
#include "mdb/mapdb.hh"
#include "mem/pool.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"

namespace kern {

extern word kernel_phys_start, kernel_phys_end;

void kill_thread(Thread *t, const char *why, word a, word b) {
  klog("thread %p (space %lu): %s %lx ip %lx; thread stopped", t, t->space ? t->space->id : 0,
       why, a, b);
  t->state = Thread::State::dead;
}

bool sigma0_resolve(Thread *t, word addr) {
  const word pfn = addr >> page_shift;
  const word phys = pfn << page_shift;
  if (!t->space->sigma0 || pfn >= mapdb.frames() || mapdb.root(pfn)) return false;
  if (phys >= kernel_phys_start && phys < kernel_phys_end) return false;
  if (pool::contains(phys)) return false;
  return t->space->prepare(phys) &&
         mapdb.add_root(pfn, t->space, phys, arc::fpage_rights::rwx) == Status::ok;
}

void fault_page(Thread *t, word addr, word ip, word access) {
  perf::count(t->perf, arc::event::page_fault);
  if (sigma0_resolve(t, addr)) return;
  if (t->pager.empty()) return kill_thread(t, "page fault with no pager at", addr, ip);
  t->kmsg_mr[0] = arc::Tag(arc::label::page_fault, 3, 0).raw;
  t->kmsg_mr[1] = addr;
  t->kmsg_mr[2] = ip;
  t->kmsg_mr[3] = access;
  // Cancelled (exregs abort_ipc): the pager took the thread over, e.g. to restart it at a new IP;
  // it returns to user mode as its frame now says.
  Status st = ipc::kernel_call(t, t->pager);
  if (st != Status::ok && st != Status::cancelled)
    kill_thread(t, "page fault, pager unreachable, at", addr, ip);
  // The reply's map items are in place; the faulting instruction runs again.
}

void fault_exception(Thread *t, word vector, word error) {
  auto *f = t->frame();
  if (t->handler.empty()) return kill_thread(t, "exception with no handler, vector", vector, f->ip());
  t->kmsg_mr[0] = arc::Tag(arc::label::exception, 5, 0).raw;
  t->kmsg_mr[1] = vector;
  t->kmsg_mr[2] = error;
  t->kmsg_mr[3] = f->ip();
  t->kmsg_mr[4] = f->sp();
  t->kmsg_mr[5] = f->flags();
  Status st = ipc::kernel_call(t, t->handler);
  if (st == Status::cancelled) return;   // taken over by its handler (see fault_page)
  if (st != Status::ok) return kill_thread(t, "exception, handler unreachable, vector", vector, f->ip());
  if (arc::Tag(t->kmsg_mr[0]).untyped() >= 2) {
    f->set_ip(t->kmsg_mr[1]);
    f->set_sp(t->kmsg_mr[2]);
  }
}

} // namespace kern
