// The page fault's answer on a fast path: the pager's usual reply, reply-and-wait with one map
// item of one page, taken without the general decode and transfer. It applies only where the
// slow path would do exactly the same, decided before anything changes; everything else goes
// there. (The fault's message itself goes to the pager through transfer's kernel-message case.)
// Ordinary register convention (unlike fastpath.cc): it calls the mapping database.
#include "ipc/fastpath.hh"
#include "ipc/ipc.hh"
#include "mdb/mapdb.hh"
#include "object/domain.hh"
#include "object/endpoint.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"
#include "sched/scheduler.hh"

namespace kern::ipc {

namespace {

// A reply to a kernel message counts as the pager's IPC only (the faulter counted its fault).
void count_fault_reply(Thread *self, Thread *) { perf::count(self->perf, arc::event::ipc_sent); }

// A page fault's usual answer: reply-and-wait with one map item of one page (MR1 the send
// fpage, MR2 the hot spot and the kind), the receive timeout "never".
constexpr word one_item = arc::Tag(0, 0, 2).raw;
inline bool page_reply_form(const arch::UserFrame *f) {
  const word tag = f->mr(0);
  return (tag & tag_counts) == one_item && int16_t(f->arg(2)) == -1 &&
         arc::Tag(tag).label() != arc::label::fault_refused &&
         arc::item::kind(f->mr(2)) == arc::item::map && arc::fpage_log2(f->mr(1)) == page_shift;
}

// The faulting thread waits in the kernel (fault_page) for this reply, with no timeout, and
// may run now: the slow path's hand-off rule (sched::handoff), a strictly higher priority than
// every ready thread, so that threads run in the same order as when the slow path answers.
inline bool waiting_faulter(const Thread *t) {
  return t->kmsg && !t->halted && !t->in_timeout && int(t->prio) > sched::highest_ready_prio();
}

} // namespace

} // namespace kern::ipc

using namespace kern;
using namespace kern::ipc;

// A pager's reply of one page to a page fault (page_reply_form), then its wait for the next
// message: the map item is placed as map_item (transfer.cc) places it for a kernel message's
// window (the whole space, so the page lands at the hot spot), and the faulter, which waits in
// the kernel, runs at once. Every case where map_item would do something else (not a single
// mapped page, sigma0's pages, another domain, a page table that cannot be made) goes to the
// slow path, before anything changed, and is decided there.
// entry.S calls it when ipc_fast_reply_wait did not apply; it returns, having changed nothing,
// when it does not apply either, and the entry goes on to the slow path.
extern "C" ARCH_ASM_ENTRY void ipc_fault_reply_fast(arch::UserFrame *f) {
  if (!page_reply_form(f)) return;
  Thread *self = arch::thread_of_frame(f);
  Thread *caller = self->reply_to;
  if (!caller || caller->reply_gen != self->reply_to_gen ||
      caller->state != Thread::State::wait_reply || caller->partner != self || !waiting_faulter(caller))
    return;
  Cap *c = endpoint_cap(self->space->cspace, f->arg(1), arc::rights::recv);
  if (!c) return;
  auto *ep = static_cast<Endpoint *>(c->obj);
  if (!ep->nothing_to_receive()) return;
  const word w0 = f->mr(1), w1 = f->mr(2);
  const word src = arc::fpage_base(w0), dst = w1 & ~word(page_mask);
  Space *from = self->space, *to = caller->space;
  if (src >= arc::user_top || dst >= arc::user_top || from->sigma0 || !may_reach(from, to)) return;
  MapNode *n = mapdb.find(from, src);
  if (!n || !to->prepare(dst)) return;   // (a page table made here stays: the slow path's too)

  // ---- point of no return
  word out = f->mr(0) & ~arc::tag_map_failed;
  if (mapdb.map(n, to, dst, arc::fpage_rights_of(w0)) != Status::ok) out |= arc::tag_map_failed;
  caller->kmsg_mr[0] = out;   // as transfer: the reply's words, the tag with the outcome
  caller->kmsg_mr[1] = w0;
  caller->kmsg_mr[2] = w1;
  caller->partner = nullptr;
  self->reply_to = nullptr;
  self->state = Thread::State::recv_blocked;
  self->blocked_on = ep;
  ep->receivers.push_back(self);
  return sched::switch_direct<count_fault_reply>(self, caller, 0);
}
