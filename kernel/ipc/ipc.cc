// The IPC slow path. A system call is decoded and checked completely before anything changes
// (check, then act); then the send phase and the receive phase run, blocking on the current
// thread's kernel stack where they must wait. Whoever wakes a blocked thread has already put the
// message in its registers and the outcome in its ipc_status.
#include "ipc/ipc.hh"
#include "object/endpoint.hh"
#include "object/irq.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"
#include "sched/scheduler.hh"

namespace kern::ipc {

using State = Thread::State;
namespace fl = arc::ipc;

namespace {

void start_timeout(Thread *t, word field) {
  if (field != fl::t_never) sched::timeout_start(t, field);
}

// server received a call from caller: it now holds the right to reply once.
void take_reply_right(Thread *server, Thread *caller, word rcv_timeout) {
  server->reply_to = caller;
  server->reply_to_gen = caller->reply_gen;
  caller->state = State::wait_reply;
  caller->partner = server;
  start_timeout(caller, rcv_timeout);
}

// A message taken from an endpoint (not a reply, not an interrupt): what a watchdog asks of a
// server that must keep serving (perfmon event ipc_request).
void count_request(Thread *rcv) {
  if (!rcv->kmsg) perf::count(rcv->perf, arc::event::ipc_request);
}

// t's wait is over with outcome s; it is not made ready yet (wake, or sched::handoff).
void end_wait(Thread *t, Status s) {
  sched::timeout_cancel(t);
  t->blocked_on = nullptr;
  t->ipc_status = s;
}

void wake(Thread *t, Status s) {
  end_wait(t, s);
  sched::make_ready(t);
}

// Send phase to an endpoint. With call, on success we are waiting for the reply.
Status send_to(Thread *self, Endpoint *ep, const Cap &cap, bool call, word snd_to, word rcv_to) {
  bool items = cap.has(arc::rights::grant);
  if (Thread *r = ep->receivers.pop_front()) {
    ep->served_by = r->space ? r->space->id : 0;
    transfer(self, r, cap.badge, items);
    count_request(r);
    if (call) {
      // We wait for the reply at once: the receiver may run in our place (await_reply then
      // finds the reply come).
      take_reply_right(r, self, rcv_to);
      end_wait(r, Status::ok);
      sched::handoff(self, r);
      return Status::ok;
    }
    wake(r, Status::ok);
    return Status::ok;
  }
  if (snd_to == fl::t_zero) return Status::timeout;
  self->state = State::send_blocked;
  self->blocked_on = ep;
  self->calling = call;
  self->send_badge = cap.badge;
  self->send_rights = cap.rights;
  self->call_timeout = rcv_to;   // for the reply phase, once a receiver takes the message
  ep->senders.push_back(self);
  start_timeout(self, snd_to);
  sched::block();
  return self->ipc_status;
}

// `replied`: a caller this thread has just answered (its wait ended, not made ready yet): it
// runs in our place if we block, else it is made ready before we go on.
Status receive_from(Thread *self, Endpoint *ep, word rcv_to, Thread *replied) {
  if (replied && (rcv_to == fl::t_zero || (ep && !ep->nothing_to_receive()))) {
    sched::make_ready(replied);
    replied = nullptr;
  }
  if (ep) {
    if (Irq *irq = irq_take_pending(ep)) {
      auto *f = self->frame();
      f->set_mr(0, arc::Tag(arc::label::irq, 1, 0).raw);
      f->set_mr(1, irq->line);
      self->ipc_badge = irq->badge;
      return Status::ok;
    }
    if (Thread *s = ep->senders.pop_front()) {
      ep->served_by = self->space ? self->space->id : 0;
      sched::timeout_cancel(s);
      s->blocked_on = nullptr;
      transfer(s, self, s->send_badge, s->send_rights & arc::rights::grant);
      count_request(self);
      if (s->calling) take_reply_right(self, s, s->call_timeout);
      else wake(s, Status::ok);
      return Status::ok;
    }
  }
  if (rcv_to == fl::t_zero) return Status::timeout;
  self->state = State::recv_blocked;
  self->blocked_on = ep;
  if (ep) ep->receivers.push_back(self);
  start_timeout(self, rcv_to);
  if (replied) sched::handoff(self, replied);
  else sched::block();
  return self->ipc_status;
}

// After a successful call send, wait for the reply unless it has come already.
Status await_reply(Thread *self) {
  if (self->state == State::wait_reply) sched::block();
  return self->ipc_status;
}

} // namespace

} // namespace kern::ipc

// A thread that blocked in the fast path runs again (entry.S): its outcome goes into its frame.
extern "C" void ipc_fast_resume() {
  using namespace kern;
  Thread *t = Thread::current();
  arch::UserFrame *f = t->frame();
  f->set_status(t->ipc_status);
  if (t->ipc_status == Status::ok) f->set_badge(t->ipc_badge);
}

namespace kern::ipc {

Thread *valid_reply_target(Thread *server) {
  Thread *c = server->reply_to;
  if (c && c->reply_gen == server->reply_to_gen && c->state == State::wait_reply &&
      c->partner == server)
    return c;
  server->reply_to = nullptr;
  return nullptr;
}

void sys_ipc(Thread *self, arch::UserFrame *f) {
  // ---- decode and check
  const word flags = f->syscall_nr() & ~word(0xff);
  const word dest = f->arg(0), src = f->arg(1), tmo = f->arg(2);
  const word snd_to = tmo >> 16, rcv_to = tmo & 0xffff;
  const bool send = flags & fl::send, recv = flags & fl::recv, call = flags & fl::call,
             reply = flags & fl::reply;
  auto fail = [f](Status s) { f->set_status(s); };

  if (flags & ~(fl::send | fl::recv | fl::call | fl::reply)) return fail(Status::invalid_arg);
  if ((send && reply) || (call && (!send || recv)) || (!send && !reply && !recv))
    return fail(Status::invalid_arg);
  if (send || reply) {
    arc::Tag tag(f->mr(0));
    if (tag.untyped() + tag.typed() >= arc::mr_count || (tag.typed() & 1))
      return fail(Status::invalid_arg);
  }
  CSpace &cs = self->space->cspace;
  Endpoint *sep = nullptr;
  Cap *scap = nullptr;
  Thread *reply_target = nullptr;
  if (send) {
    scap = cs.slot(dest);
    if (!scap || scap->empty()) return fail(Status::invalid_cap);
    if (scap->type == ObjType::endpoint) {
      if (!scap->has(arc::rights::send)) return fail(Status::no_rights);
      if (arc::Tag(f->mr(0)).typed() && !scap->has(arc::rights::grant)) return fail(Status::no_rights);
      sep = static_cast<Endpoint *>(scap->obj);
    } else if (scap->type == ObjType::reply) {
      auto *c = static_cast<Thread *>(scap->obj);
      if (c->reply_gen != scap->badge || c->state != State::wait_reply) return fail(Status::no_partner);
      if (call) return fail(Status::invalid_arg);
      reply_target = c;
    } else {
      return fail(Status::invalid_cap);
    }
  }
  if (reply) {
    reply_target = valid_reply_target(self);
    // reply-and-wait without a pending caller just waits (a server loop's first round).
    if (!reply_target && !recv) return fail(Status::no_partner);
  }
  Endpoint *rep = nullptr;
  if (recv && src != arc::cap_nil) {
    Cap *c = cs.lookup(src, ObjType::endpoint);
    if (!c) return fail(Status::invalid_cap);
    if (!c->has(arc::rights::recv)) return fail(Status::no_rights);
    rep = static_cast<Endpoint *>(c->obj);
  }

  // ---- act
  Status st = Status::ok;
  Thread *replied = nullptr;   // answered, to run in our place if our receive blocks
  if (reply_target) {
    transfer(self, reply_target, 0, true);
    reply_target->partner = nullptr;
    if (self->reply_to == reply_target) self->reply_to = nullptr;
    if (recv && !scap) {
      end_wait(reply_target, Status::ok);
      replied = reply_target;
    } else {
      wake(reply_target, Status::ok);
    }
    if (scap) cdt::remove(*scap);   // a saved reply right is used up
  } else if (sep) {
    st = send_to(self, sep, *scap, call, snd_to, rcv_to);
    if (st == Status::ok && call) st = await_reply(self);
  }
  if (st == Status::ok && recv) st = receive_from(self, rep, rcv_to, replied);
  f->set_status(st);
  if (st == Status::ok && (recv || call)) f->set_badge(self->ipc_badge);
}

Status kernel_call(Thread *self, Cap &cap) {
  if (cap.type != ObjType::endpoint || !cap.has(arc::rights::send)) return Status::invalid_cap;
  self->kmsg = true;
  Status st = send_to(self, static_cast<Endpoint *>(cap.obj), cap, true, fl::t_never, fl::t_never);
  if (st == Status::ok) st = await_reply(self);
  self->kmsg = false;
  return st;
}

void abort(Thread *t, Status s) {
  switch (t->state) {
  case State::send_blocked:
    if (t->blocked_on) t->blocked_on->senders.remove(t);
    break;
  case State::recv_blocked:
    if (t->blocked_on) t->blocked_on->receivers.remove(t);
    break;
  case State::wait_reply:
    t->partner = nullptr;
    ++t->reply_gen;   // the server's reply right is stale now
    break;
  default:
    return;
  }
  wake(t, s);
}

bool deliver_irq(Endpoint *ep, unsigned line, word badge) {
  Thread *r = ep->receivers.pop_front();
  if (!r) return false;
  auto *f = r->frame();
  f->set_mr(0, arc::Tag(arc::label::irq, 1, 0).raw);
  f->set_mr(1, line);
  r->ipc_badge = badge;
  wake(r, Status::ok);
  return true;
}

void thread_gone(Thread *t) {
  if (Thread *c = valid_reply_target(t)) abort(c, Status::partner_gone);
  t->reply_to = nullptr;
  switch (t->state) {
  case State::send_blocked:
  case State::recv_blocked:
    if (t->blocked_on) {
      if (t->state == State::send_blocked) t->blocked_on->senders.remove(t);
      else t->blocked_on->receivers.remove(t);
    }
    t->blocked_on = nullptr;
    break;
  case State::wait_reply:
    t->partner = nullptr;
    break;
  default:
    break;
  }
  ++t->reply_gen;
  sched::timeout_cancel(t);
}

void reply_cap_dropped(Thread *caller, word gen) {
  if (caller->reply_gen == gen && caller->state == State::wait_reply) abort(caller, Status::partner_gone);
}

} // namespace kern::ipc
