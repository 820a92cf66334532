#include "ipc/fault.hh"
#include "ipc/ipc.hh"
#include "lib/console.hh"
#include "mdb/mapdb.hh"
#include "mem/pool.hh"
#include "object/space.hh"
#include "platform/platform.hh"
#include "perfmon/perfmon.hh"

namespace kern {

extern word kernel_phys_start, kernel_phys_end;

void kill_thread(Thread *t, const char *why, word a, word b) {
  klog("thread %p (space %lu): %s %lx ip %lx; thread stopped", t, t->space ? t->space->id : 0,
       why, a, b);
  t->state = Thread::State::dead;
}

namespace {
const char *refusal_name(word reason) {
  switch (reason) {
  case arc::refusal::no_such_memory: return "no such memory";
  case arc::refusal::exhausted: return "memory exhausted";
  case arc::refusal::no_access: return "access not allowed";
  default: return "no reason given";
  }
}

void kill_refused(Thread *t, word reason, word addr, word ip) {
  klog("thread %p (space %lu): page fault at %lx ip %lx refused by its pager (%s), no handler; "
       "thread stopped", t, t->space ? t->space->id : 0, addr, ip, refusal_name(reason));
  t->state = Thread::State::dead;
}
} // namespace

// Sigma0 touches physical memory at its own address (an identity mapping), except the board's
// device aperture, which it sees at arc::sigma0_aperture_va (its physical address may be beyond
// what a user space reaches).
MapNode *sigma0_enter(Space *s, word va, bool prepared) {
  if (!s->sigma0) return nullptr;
  word phys = va;
  if (platform::device_aperture_size && va - arc::sigma0_aperture_va < platform::device_aperture_size)
    phys = platform::device_aperture_base + (va - arc::sigma0_aperture_va);
  const word pfn = phys >> page_shift;
  if (!mapdb.covers(pfn) || mapdb.root(pfn)) return nullptr;
  if (phys >= kernel_phys_start && phys < kernel_phys_end) return nullptr;
  if (pool::contains(phys)) return nullptr;
  if ((!prepared && !s->prepare(va)) || mapdb.add_root(pfn, s, va, arc::fpage_rights::rwx) != Status::ok)
    return nullptr;
  return mapdb.root(pfn);
}

bool sigma0_resolve(Thread *t, word addr) {
  return sigma0_enter(t->space, addr & ~(page_size - 1)) != nullptr;
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
  if (st == Status::cancelled) return;
  if (st != Status::ok) return kill_thread(t, "page fault, pager unreachable, at", addr, ip);
  // A refusal is final: retrying the instruction would ask the same pager the same question
  // forever (a thread wedged, its pager busy). The handler decides what happens instead.
  const arc::Tag reply(t->kmsg_mr[0]);
  if (reply.label() == arc::label::fault_refused) {
    const word reason = reply.untyped() >= 1 ? t->kmsg_mr[1] : arc::refusal::unspecified;
    if (t->handler.empty()) return kill_refused(t, reason, addr, ip);
    return fault_exception(t, arc::exc_vector::fault_refused, reason, addr);
  }
  // The reply's map items are in place; the faulting instruction runs again.
}

void fault_exception(Thread *t, word vector, word error, word addr) {
  auto *f = t->frame();
  if (t->handler.empty()) return kill_thread(t, "exception with no handler, vector", vector, f->ip());
  t->kmsg_mr[0] = arc::Tag(arc::label::exception, 6, 0).raw;
  t->kmsg_mr[1] = vector;
  t->kmsg_mr[2] = error;
  t->kmsg_mr[3] = f->ip();
  t->kmsg_mr[4] = f->sp();
  t->kmsg_mr[5] = f->flags();
  t->kmsg_mr[6] = addr;
  Status st = ipc::kernel_call(t, t->handler);
  if (st == Status::cancelled) return;   // taken over by its handler (see fault_page)
  if (st != Status::ok) return kill_thread(t, "exception, handler unreachable, vector", vector, f->ip());
  if (arc::Tag(t->kmsg_mr[0]).untyped() >= 2) {
    f->set_ip(t->kmsg_mr[1]);
    f->set_sp(t->kmsg_mr[2]);
  }
}

} // namespace kern
