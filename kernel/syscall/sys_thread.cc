// thread_ctl and exchange_registers.
#include "ipc/ipc.hh"
#include "object/domain.hh"
#include "object/endpoint.hh"
#include "object/space.hh"
#include "sched/scheduler.hh"
#include "syscall/syscall.hh"

namespace kern::sys {

namespace {
// The thread named by cap (cap_self = the caller) if the capability has `right`.
Status thread_arg(Thread *self, word cap, word right, Thread **out) {
  if (cap == arc::cap_self) {
    *out = self;
    return Status::ok;
  }
  Cap *c = self->space->cspace.lookup(cap, ObjType::thread);
  if (!c) return Status::invalid_cap;
  if (!c->has(right)) return Status::no_rights;
  *out = static_cast<Thread *>(c->obj);
  return Status::ok;
}

arc::ThreadState visible_state(const Thread *t) {
  return t->halted && t->state != Thread::State::dead ? arc::ThreadState::suspended : t->state;
}

// Whom a caller waits for (the watchdog's request deadlines, the HA deadlock worker): the space
// of the server it called, or of the one that saved its reply right to answer later; for a
// thread blocked sending, the space that last took a message from that endpoint; else 0.
word awaited_space(const Thread *t) {
  if (t->state == Thread::State::send_blocked) return t->blocked_on ? t->blocked_on->served_by : 0;
  if (t->state != Thread::State::wait_reply) return 0;
  if (t->partner) return t->partner->space ? t->partner->space->id : 0;
  return t->saved_by_space;
}
} // namespace

void thread_ctl(Thread *self, arch::UserFrame *f) {
  const auto op = arc::ThreadOp(f->arg(1));
  const word a = f->arg(2), b = f->arg(3);
  // Only info may name the caller without a capability.
  if (f->arg(0) == arc::cap_self && op != arc::ThreadOp::info) return f->set_status(Status::invalid_cap);
  Thread *t;
  if (Status s = thread_arg(self, f->arg(0), arc::rights::control, &t); s != Status::ok)
    return f->set_status(s);
  CSpace &cs = self->space->cspace;

  switch (op) {
  case arc::ThreadOp::bind_space: {
    Cap *sc = cs.lookup(a, ObjType::space);
    if (!sc) return f->set_status(Status::invalid_cap);
    if (!sc->has(arc::rights::control)) return f->set_status(Status::no_rights);
    if (!may_reach(self->space, sc->obj)) return f->set_status(Status::no_rights);   // another domain's
    if (t->space || t->state != Thread::State::inactive) return f->set_status(Status::busy);
    return f->set_status(static_cast<Space *>(sc->obj)->bind(t));
  }
  case arc::ThreadOp::set_pager:
  case arc::ThreadOp::set_handler: {
    Cap &slot = op == arc::ThreadOp::set_pager ? t->pager : t->handler;
    Cap *ec = nullptr;
    if (a != arc::cap_nil) {
      ec = cs.lookup(a, ObjType::endpoint);
      if (!ec) return f->set_status(Status::invalid_cap);
      if (!ec->has(arc::rights::send)) return f->set_status(Status::no_rights);
    }
    // A thread blocked in a fault IPC keeps its own reference until the reply.
    cdt::remove(slot);
    if (ec) (void)cdt::derive(*ec, slot, arc::rights::all, false, 0);
    return f->set_status(Status::ok);
  }
  case arc::ThreadOp::set_priority: {
    if (a > 255) return f->set_status(Status::invalid_arg);
    if (a > self->prio) return f->set_status(Status::no_rights);
    bool queued = t->state == Thread::State::ready && t->sched_link.linked();
    if (queued) sched::remove(t);
    t->prio = uint8_t(a);
    if (b) t->timeslice = t->slice_left = b;
    if (queued) sched::make_ready(t);
    return f->set_status(Status::ok);
  }
  case arc::ThreadOp::start: {
    if (!t->space) return f->set_status(Status::busy);
    if (t->state != Thread::State::inactive) return f->set_status(Status::busy);
    if (a >= arc::user_top || b > arc::user_top) return f->set_status(Status::invalid_arg);
    t->frame()->set_ip(a);
    t->frame()->set_sp(b);
    sched::make_ready(t);
    return f->set_status(Status::ok);
  }
  case arc::ThreadOp::save_reply: {
    Cap *dst = cs.slot(a);
    if (!dst) return f->set_status(Status::invalid_cap);
    if (!dst->empty()) return f->set_status(Status::busy);
    Thread *caller = ipc::valid_reply_target(t);
    if (!caller) return f->set_status(Status::no_partner);
    cdt::insert_original(*dst, nullptr, caller, ObjType::reply, arc::rights::send, caller->reply_gen);
    t->reply_to = nullptr;
    // The reply capability answers now, not the thread: the caller must not keep pointing at a
    // thread that may be destroyed before the answer comes (a warm restart does that). Only the
    // id of the space that holds it is kept, for info (whom a caller waits for).
    caller->partner = nullptr;
    caller->saved_by_space = t->space ? t->space->id : 0;
    return f->set_status(Status::ok);
  }
  case arc::ThreadOp::info:
    f->set_result(0, word(visible_state(t)));
    f->set_result(1, t->prio);
    f->set_result(2, t->space ? t->space->id : 0);
    f->set_result(3, awaited_space(t));
    return f->set_status(Status::ok);
  default:
    return f->set_status(Status::invalid_arg);
  }
}

void exregs(Thread *self, arch::UserFrame *f) {
  const word flags = f->arg(1);
  namespace x = arc::exregs;
  if (flags & ~(x::set_ip | x::set_sp | x::set_flags | x::abort_ipc | x::halt | x::resume))
    return f->set_status(Status::invalid_arg);
  if ((flags & x::halt) && (flags & x::resume)) return f->set_status(Status::invalid_arg);
  if ((flags & x::set_ip) && f->arg(2) >= arc::user_top) return f->set_status(Status::invalid_arg);
  Thread *t;
  if (Status s = thread_arg(self, f->arg(0), arc::rights::control, &t); s != Status::ok)
    return f->set_status(s);
  if ((flags & x::resume) && !t->space) return f->set_status(Status::busy);

  arch::UserFrame *tf = t->frame();
  const word old_ip = tf->ip(), old_sp = tf->sp(), old_flags = tf->flags();
  const word old_state = word(visible_state(t));
  if (flags & x::abort_ipc) ipc::abort(t, Status::cancelled);
  if (flags & x::set_ip) tf->set_ip(f->arg(2));
  if (flags & x::set_sp) tf->set_sp(f->arg(3));
  if (flags & x::set_flags) tf->set_user_flags(f->arg(4));
  if (flags & x::halt) {
    t->halted = true;
    if (t->state == Thread::State::ready && t->sched_link.linked()) sched::remove(t);
  }
  if (flags & x::resume) {
    t->halted = false;
    // A stopped (dead) thread of a live space runs again from wherever its frame now points.
    if (t->state == Thread::State::dead || t->state == Thread::State::ready) {
      t->kmsg = false;
      sched::make_ready(t);
    }
  }
  // Results last: when t is the caller, its own frame carries them back.
  f->set_result(0, old_ip);
  f->set_result(1, old_sp);
  f->set_result(2, old_flags);
  f->set_result(3, old_state);
  f->set_status(Status::ok);
}

} // namespace kern::sys
