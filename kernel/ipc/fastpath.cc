// The IPC fast path: call and reply-and-wait with a short untyped message (MR0..MR2, all in
// registers), no items, no timeouts, and a partner already waiting. A run of cheap checks, each
// falling back to the general path in ipc.cc; past the marked point of no return the message is
// copied register to register and the CPU goes straight to the partner.
//
// entry.S calls ipc_fast_call or ipc_fast_reply_wait when the number register holds exactly that
// IPC (no other flag), before the general entry: each returns only when the fast path does not
// apply, having changed nothing, and the entry goes on to syscall_ipc (syscall/dispatch.cc).
// Since the entry reloads every register from the frame on the way out and needs none of its
// own across the call, this file is compiled with the callee-saved registers made call-clobbered
// (kernel/CMakeLists.txt): the fast path saves nothing on the stack.
//
// Every check of the slow path that can fail for these two forms is here too (capability, type,
// right, partner state); what the fast path leaves to the slow path is what it cannot do: items
// (and so the domain rule of object/domain.hh), timeouts, kernel messages and a partner that
// must not run now.
#include "ipc/fastpath.hh"
#include "ipc/ipc.hh"
#include "object/endpoint.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"
#include "sched/scheduler.hh"

namespace kern::ipc {

namespace {
// The whole number register: the IPC number is 0, so number and flags compare as one word.
static_assert(word(arc::Sys::ipc) == 0, "IPC is system call 0");
constexpr word nr_call = arc::ipc::send | arc::ipc::call;
constexpr word nr_reply_wait = arc::ipc::reply | arc::ipc::recv;
static_assert(nr_call == 0x500 && nr_reply_wait == 0xa00, "the numbers entry.S compares with");

// No ready thread has a priority above p. On ia32 out of line when some thread is ready:
// finding the highest priority takes registers the common case (nothing else ready) does not
// need (arch::few_registers).
__attribute__((noinline)) bool none_ready_above_slow(int p) {
  return sched::highest_ready_prio() <= p;
}
inline bool none_ready_above(int p) {
  if (arch::few_registers) return likely(sched::ready.empty()) || none_ready_above_slow(p);
  return sched::highest_ready_prio() <= p;
}

// A blocked partner the fast path may hand the CPU to: its IPC is a plain user one (no kernel
// message, no timeout), it may run and no ready thread has a higher priority.
// The three flags and the priority come in one load (Thread::prio_and_flags).
inline bool plain_partner(const Thread *t) {
  const uint32_t pf = t->prio_and_flags;
  return !(pf & Thread::flags_mask) && none_ready_above(int(pf & 0xff));
}

// No timeouts (the receive timeout "never": the send phase of a call never waits when the
// fast path applies) and a short message.
// The timeout's 16 bits compare sign-extended with -1 (ARM: one load and one comparison).
static_assert(arc::ipc::t_never == 0xffff, "t_never is the 16-bit -1");
inline bool short_form(const arch::UserFrame *f) {
  return int16_t(f->arg(2)) == -1 && short_message(f->mr(0));
}

// Register to register: MR0..MR2 from our frame into the partner's.
inline void copy_regs(const arch::UserFrame *from, arch::UserFrame *to) {
  to->set_mr(0, from->mr(0));
  to->set_mr(1, from->mr(1));
  to->set_mr(2, from->mr(2));
}

// perfmon's software events, counted where the switch accounts for perfmon anyway
void count_call(Thread *self, Thread *r) {
  perf::count(self->perf, arc::event::ipc_sent);
  perf::count(r->perf, arc::event::ipc_received);
  perf::count(r->perf, arc::event::ipc_request);   // a request taken from an endpoint
}
void count_reply(Thread *self, Thread *caller) {
  perf::count(self->perf, arc::event::ipc_sent);
  perf::count(caller->perf, arc::event::ipc_received);
}

} // namespace

} // namespace kern::ipc

// Both return only when the fast path does not apply (nothing changed: take the general path).
// Past a point of no return they switch to the partner and do not return.
using namespace kern;
using namespace kern::ipc;

extern "C" ARCH_ASM_ENTRY void ipc_fast_call(arch::UserFrame *f) {
  if (unlikely(!short_form(f))) return;
  Thread *self = arch::thread_of_frame(f);
  Cap *c = endpoint_cap(self->space->cspace, f->arg(0), arc::rights::send);
  if (unlikely(!c)) return;
  auto *ep = static_cast<Endpoint *>(c->obj);
  Thread *r = ep->receivers.front();
  if (unlikely(!r || !plain_partner(r))) return;

  // ---- point of no return
  ep->receivers.remove(r);
  ep->served_by = r->space->id;   // a plain partner is bound to a space
  r->blocked_on = nullptr;
  copy_regs(f, r->frame());
  r->reply_to = self;
  r->reply_to_gen = self->reply_gen;
  self->state = Thread::State::wait_reply;
  self->partner = r;
  return sched::switch_direct<count_call>(self, r, c->badge);   // we go on in user mode when the reply comes
}

extern "C" ARCH_ASM_ENTRY void ipc_fast_reply_wait(arch::UserFrame *f) {
  if (unlikely(!short_form(f))) return;
  Thread *self = arch::thread_of_frame(f);
  Thread *caller = self->reply_to;
  if (unlikely(!caller || caller->reply_gen != self->reply_to_gen ||
               caller->state != Thread::State::wait_reply || caller->partner != self))
    return;
  Cap *c = endpoint_cap(self->space->cspace, f->arg(1), arc::rights::recv);
  if (unlikely(!c)) return;
  auto *ep = static_cast<Endpoint *>(c->obj);
  if (unlikely(!ep->nothing_to_receive() || !plain_partner(caller))) return;

  // ---- point of no return
  copy_regs(f, caller->frame());
  caller->partner = nullptr;
  self->reply_to = nullptr;
  self->state = Thread::State::recv_blocked;
  self->blocked_on = ep;
  ep->receivers.push_back(self);
  return sched::switch_direct<count_reply>(self, caller, 0);   // we go on in user mode with the next message
}
