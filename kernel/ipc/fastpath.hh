// The IPC fast path: call and reply-and-wait with a short untyped message (MR0..MR2, all in
// registers), no items, no timeouts, and a partner already waiting. A run of cheap checks, each
// falling back to the general path in ipc.cc; past the marked point of no return the message is
// copied register to register and the CPU goes straight to the partner.
//
// Inline, for the system-call entry only (syscall/dispatch.cc): it saves a call and lets the
// entry return straight to user mode when the fast path is done.
#pragma once
#include "ipc/ipc.hh"
#include "object/endpoint.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"
#include "sched/scheduler.hh"

namespace kern::ipc {

namespace {
constexpr word flags_call = arc::ipc::send | arc::ipc::call;
constexpr word flags_reply_wait = arc::ipc::reply | arc::ipc::recv;

inline bool short_message(const arch::UserFrame *f) {
  const arc::Tag tag(f->mr(0));
  return tag.typed() == 0 && tag.untyped() < arc::mr_in_regs;
}

// A blocked partner the fast path may hand the CPU to.
inline bool plain_partner(const Thread *t) {
  return !t->kmsg && !t->in_timeout && !t->halted && sched::highest_ready_prio() <= int(t->prio);
}

inline void copy_regs(const arch::UserFrame *from, arch::UserFrame *to) {
  to->set_mr(0, from->mr(0));
  to->set_mr(1, from->mr(1));
  to->set_mr(2, from->mr(2));
}

} // namespace

// Returns only when the fast path does not apply (nothing changed: take the general path). Past
// a point of no return it switches to the partner and does not return.
__attribute__((always_inline)) inline void fastpath(Thread *self, arch::UserFrame *f) {
  const word flags = f->syscall_nr() & ~word(0xff);
  if (unlikely((f->arg(2) & 0xffff) != arc::ipc::t_never) || unlikely(!short_message(f)))
    return;

  if (flags == flags_call) {
    Cap *c = self->space->cspace.slot(f->arg(0));
    if (unlikely(!c || c->type != ObjType::endpoint || !c->has(arc::rights::send))) return;
    auto *ep = static_cast<Endpoint *>(c->obj);
    Thread *r = ep->receivers.front();
    if (unlikely(!r || !plain_partner(r))) return;

    // ---- point of no return
    ep->receivers.remove(r);
    ep->served_by = r->space->id;   // a plain partner is bound to a space
    r->blocked_on = nullptr;
    copy_regs(f, r->frame());
    r->ipc_badge = c->badge;
    r->ipc_status = Status::ok;
    r->reply_to = self;
    r->reply_to_gen = self->reply_gen;
    self->state = Thread::State::wait_reply;
    self->partner = r;
    perf::count(self->perf, arc::event::ipc_sent);
    if (unlikely(r->perf.sw_mask)) {   // a request: both events, one test when nobody watches
      perf::count_slow(r->perf, arc::event::ipc_received);
      perf::count_slow(r->perf, arc::event::ipc_request);
    }
    sched::switch_direct(r);   // we continue in ipc_fast_resume when the reply comes
  }

  if (flags == flags_reply_wait) {
    Thread *caller = self->reply_to;
    if (unlikely(!caller || caller->reply_gen != self->reply_to_gen ||
                 caller->state != Thread::State::wait_reply || caller->partner != self))
      return;
    Cap *c = self->space->cspace.slot(f->arg(1));
    if (unlikely(!c || c->type != ObjType::endpoint || !c->has(arc::rights::recv))) return;
    auto *ep = static_cast<Endpoint *>(c->obj);
    if (unlikely(!ep->senders.empty() || ep->pending_irqs || !plain_partner(caller))) return;

    // ---- point of no return
    copy_regs(f, caller->frame());
    caller->ipc_badge = 0;
    caller->ipc_status = Status::ok;
    caller->partner = nullptr;
    self->reply_to = nullptr;
    self->state = Thread::State::recv_blocked;
    self->blocked_on = ep;
    ep->receivers.push_back(self);
    perf::count(self->perf, arc::event::ipc_sent);
    perf::count(caller->perf, arc::event::ipc_received);
    sched::switch_direct(caller);   // we continue in ipc_fast_resume with the next message
  }
}

} // namespace kern::ipc
