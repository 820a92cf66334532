// create and cap_ctl: making objects and managing capabilities.
#include "object/domain.hh"
#include "object/endpoint.hh"
#include "object/factory.hh"
#include "object/space.hh"
#include "object/thread.hh"
#include "syscall/syscall.hh"

namespace kern::sys {

namespace {
// The capability space an operation targets: the caller's own, or one named by a space capability.
Status target_cspace(Thread *self, word cap, CSpace **out) {
  if (cap == arc::cap_self) {
    *out = &self->space->cspace;
    return Status::ok;
  }
  Cap *c = self->space->cspace.lookup(cap, ObjType::space);
  if (!c) return Status::invalid_cap;
  if (!c->has(arc::rights::control)) return Status::no_rights;
  // Nothing crosses between secure domains but what domain 0 puts there: a space capability of
  // another domain (a grant gone wrong) does not let a capability in or out.
  if (!may_reach(self->space, c->obj)) return Status::no_rights;
  *out = &static_cast<Space *>(c->obj)->cspace;
  return Status::ok;
}
// cap_ctl(take): both ends named through space capabilities (or cap_self); the capability keeps
// its derivation links, as with move. An enabled I/O-port capability stops enabling the ports of
// the space it leaves. With a count above 1, a range of slots moves to the same offsets, empty
// ones skipped (a warm restart moves a whole capability space in one call); the first slot that
// cannot move stops it, with r0 = the capabilities moved so far.
void take(Thread *self, arch::UserFrame *f) {
  CSpace *scs, *dcs;
  if (Status s = target_cspace(self, f->arg(1), &scs); s != Status::ok) return f->set_status(s);
  if (Status s = target_cspace(self, f->arg(3), &dcs); s != Status::ok) return f->set_status(s);
  const word first = f->arg(2), to = f->arg(4), count = f->arg(5) ? f->arg(5) : 1;
  if (count > (word(1) << 12)) return f->set_status(Status::invalid_arg);   // the largest cspace
  word moved = 0;
  Status st = Status::ok;
  auto move_one = [&st, &moved](Cap &src, Cap &dst) {
    if (!dst.empty() || &dst == &src) { st = Status::busy; return false; }
    if (src.type == ObjType::ioports && src.enabled) cap_hook_cleared(src);
    cdt::move(src, dst);
    ++moved;
    return true;
  };
  // Both ranges whole (no slot 0, none past the end): a warm restart's move of a whole
  // capability space, mostly empty slots. Walked a page of slots at a time, an empty slot
  // costs a test (it cost two look-ups through slot(): 9,000 instructions for 256 slots).
  if (count > 1 && first && to && first < scs->size() && count <= scs->size() - first &&
      to < dcs->size() && count <= dcs->size() - to) {
    for (word i = 0; i < count && st == Status::ok;) {
      const word s = first + i, d = to + i;
      word run = count - i;
      if (run > CSpace::per_page - s % CSpace::per_page) run = CSpace::per_page - s % CSpace::per_page;
      if (run > CSpace::per_page - d % CSpace::per_page) run = CSpace::per_page - d % CSpace::per_page;
      Cap *src = &scs->at(s), *dst = &dcs->at(d);
      for (word k = 0; k < run; ++k)
        if (!src[k].empty() && !move_one(src[k], dst[k])) break;
      i += run;
    }
    f->set_result(0, moved);
    return f->set_status(st);
  }
  for (word i = 0; i < count; ++i) {
    Cap *src = scs->slot(first + i);
    Cap *dst = dcs->slot(to + i);
    if (!src || !dst) { st = Status::invalid_cap; break; }
    if (src->empty()) {
      if (count == 1) st = Status::invalid_cap;
      continue;
    }
    if (!move_one(*src, *dst)) break;
  }
  f->set_result(0, moved);
  f->set_status(st);
}
} // namespace

void create(Thread *self, arch::UserFrame *f) {
  CSpace &cs = self->space->cspace;
  const word type = f->arg(1), arg = f->arg(3);
  Cap *fc = cs.lookup(f->arg(0), ObjType::factory);
  if (!fc) return f->set_status(Status::invalid_cap);
  if (!fc->has(arc::rights::control)) return f->set_status(Status::no_rights);
  Cap *dst = cs.slot(f->arg(2));
  if (!dst) return f->set_status(Status::invalid_cap);
  if (!dst->empty()) return f->set_status(Status::busy);
  auto *fac = static_cast<Factory *>(fc->obj);

  Kobject *obj = nullptr;
  switch (ObjType(type)) {
  case ObjType::thread: obj = Thread::create(fac); break;
  case ObjType::space:
    if (arg < 4 || arg > 12) return f->set_status(Status::invalid_arg);
    obj = Space::create(fac, unsigned(arg));
    break;
  case ObjType::endpoint: obj = Endpoint::create(fac); break;
  case ObjType::factory: obj = Factory::create(fac, arg); break;
  case ObjType::domain:
    // Domains are made by the trusted base, out of its own memory: never inside another domain.
    if (domain_of(self->space) != 0 || fac->domain() != 0) return f->set_status(Status::no_rights);
    obj = Factory::create(fac, arg, true);
    break;
  default: return f->set_status(Status::invalid_arg);
  }
  if (!obj) return f->set_status(Status::no_memory);
  cdt::insert_original(*dst, fc, obj, obj->type(), arc::rights::all);
  f->set_status(Status::ok);
}

void cap_ctl(Thread *self, arch::UserFrame *f) {
  CSpace &cs = self->space->cspace;
  const auto op = arc::CapOp(f->arg(0));
  if (op == arc::CapOp::take) return take(self, f);
  Cap *src = cs.slot(f->arg(1));
  if (!src) return f->set_status(Status::invalid_cap);

  switch (op) {
  case arc::CapOp::copy:
  case arc::CapOp::mint:
  case arc::CapOp::move: {
    if (src->empty()) return f->set_status(Status::invalid_cap);
    CSpace *dcs;
    if (Status s = target_cspace(self, f->arg(2), &dcs); s != Status::ok) return f->set_status(s);
    Cap *dst = dcs->slot(f->arg(3));
    if (!dst) return f->set_status(Status::invalid_cap);
    if (!dst->empty() || dst == src) return f->set_status(Status::busy);
    if (op == arc::CapOp::move) {
      if (src->type == ObjType::ioports && src->enabled) cap_hook_cleared(*src);   // rights stay home
      cdt::move(*src, *dst);
      return f->set_status(Status::ok);
    }
    return f->set_status(cdt::derive(*src, *dst, f->arg(4), op == arc::CapOp::mint, f->arg(5)));
  }
  case arc::CapOp::remove:
    if (src->empty()) return f->set_status(Status::invalid_cap);
    cdt::remove(*src);
    return f->set_status(Status::ok);
  case arc::CapOp::revoke:
    if (src->empty()) return f->set_status(Status::invalid_cap);
    cdt::revoke(*src);
    return f->set_status(Status::ok);
  case arc::CapOp::identify:
    f->set_result(0, word(src->type));
    f->set_result(1, src->rights);
    f->set_result(2, src->badge);
    // A factory's holder may see its account: how a task finds out that destroying what it
    // made gave every byte back (the fuzzer's leak check), or how much room it has left.
    if (src->type == ObjType::factory && src->has(arc::rights::control)) {
      const auto *fac = static_cast<const Factory *>(src->obj);
      f->set_result(3, fac->quota());
      f->set_result(4, fac->used());
    } else if (src->type == ObjType::reply) {
      // Whether the caller still waits for this answer: a server holding requests for later
      // (blocked readers) can let go of those whose callers gave up, instead of refusing new
      // ones because abandoned calls fill its queue.
      const auto *caller = static_cast<const Thread *>(src->obj);
      f->set_result(3, caller->reply_gen == src->badge && caller->state == Thread::State::wait_reply);
      f->set_result(4, 0);
    } else {
      f->set_result(3, 0);
      f->set_result(4, 0);
    }
    return f->set_status(Status::ok);
  case arc::CapOp::domain:
    if (src->empty()) return f->set_status(Status::invalid_cap);
    f->set_result(0, domain_of(src->obj));
    return f->set_status(Status::ok);
  case arc::CapOp::same: {
    const Cap *other = cs.slot(f->arg(2));
    if (src->empty() || !other || other->empty()) return f->set_status(Status::invalid_cap);
    f->set_result(0, src->obj == other->obj && src->type == other->type);
    return f->set_status(Status::ok);
  }
  default:
    return f->set_status(Status::invalid_arg);
  }
}

} // namespace kern::sys
