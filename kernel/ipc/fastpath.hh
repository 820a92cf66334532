// The IPC fast path: call and reply-and-wait with a short untyped message (MR0..MR2, all in
// registers), no items, no timeouts, and a partner already waiting. A run of cheap checks, each
// falling back to the general path in ipc.cc; past the marked point of no return the message is
// copied register to register and the CPU goes straight to the partner.
//
// Inline, for the system-call entry only (syscall/dispatch.cc): it saves a call and lets the
// entry return straight to user mode when the fast path is done. Every check of the slow path
// that can fail for these two forms is here too (capability, type, right, partner state); what
// the fast path leaves to the slow path is what it cannot do: items (and so the domain rule of
// object/domain.hh), timeouts, kernel messages and a partner that must not run now.
#pragma once
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

// A short message: no typed words and at most MR0..MR2 untyped. With untyped in bits 0..5 and
// typed in bits 6..11 of the tag, that is one comparison.
constexpr word tag_counts = 0xfff;
static_assert(arc::Tag(0, 0x3f, 0x3f).raw == tag_counts, "the tag's counts are bits 0..11");
inline bool short_message(word tag) { return (tag & tag_counts) < arc::mr_in_regs; }

// The endpoint capability in slot idx if it carries the one right `right`; else null.
inline Cap *endpoint_cap(const CSpace &cs, word idx, word right) {
  if (unlikely(!cs.valid(idx))) return nullptr;
  Cap &c = cs.at(idx);
  if (unlikely(c.type != ObjType::endpoint || !(c.rights & right))) return nullptr;
  return &c;
}

// A blocked partner the fast path may hand the CPU to: its IPC is a plain user one (no kernel
// message, no timeout), it may run and no ready thread has a higher priority.
inline bool plain_partner(const Thread *t) {
  return !(t->kmsg | t->in_timeout | t->halted) && sched::highest_ready_prio() <= int(t->prio);
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
  const word nr = f->syscall_nr();
  if (unlikely((f->arg(2) & 0xffff) != arc::ipc::t_never) || unlikely(!short_message(f->mr(0))))
    return;

  if (nr == nr_call) {
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
    // perfmon's software events, counted where the switch accounts for perfmon anyway
    auto count = [self, r] {
      perf::count(self->perf, arc::event::ipc_sent);
      perf::count(r->perf, arc::event::ipc_received);
      perf::count(r->perf, arc::event::ipc_request);   // a request taken from an endpoint
    };
    sched::switch_direct(r, c->badge, count);   // we continue in user mode when the reply comes
  }

  if (nr == nr_reply_wait) {
    Thread *caller = self->reply_to;
    if (unlikely(!caller || caller->reply_gen != self->reply_to_gen ||
                 caller->state != Thread::State::wait_reply || caller->partner != self))
      return;
    Cap *c = endpoint_cap(self->space->cspace, f->arg(1), arc::rights::recv);
    if (unlikely(!c)) return;
    auto *ep = static_cast<Endpoint *>(c->obj);
    if (unlikely(!ep->senders.empty() || ep->pending_irqs || !plain_partner(caller))) return;

    // ---- point of no return
    copy_regs(f, caller->frame());
    caller->partner = nullptr;
    self->reply_to = nullptr;
    self->state = Thread::State::recv_blocked;
    self->blocked_on = ep;
    ep->receivers.push_back(self);
    auto count = [self, caller] {
      perf::count(self->perf, arc::event::ipc_sent);
      perf::count(caller->perf, arc::event::ipc_received);
    };
    sched::switch_direct(caller, 0, count);   // we continue in user mode with the next message
  }
}

} // namespace kern::ipc
