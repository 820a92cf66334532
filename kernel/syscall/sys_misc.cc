// unmap, irq_ctl, perfmon, ioport, yield, kdebug.
#include "lib/console.hh"
#include "mdb/mapdb.hh"
#include "object/endpoint.hh"
#include "object/factory.hh"
#include "object/irq.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"
#include "platform/platform.hh"
#include "sched/scheduler.hh"
#include "syscall/syscall.hh"

namespace kern::sys {

void unmap(Thread *self, arch::UserFrame *f) {
  const word fp = f->arg(0), opts = f->arg(1);
  const unsigned lg = arc::fpage_log2(fp);
  if (lg < 12 || lg > 32 || opts > 1) return f->set_status(Status::invalid_arg);
  const uint64_t size = uint64_t(1) << lg;
  const word base = arc::fpage_base(fp);
  if (base & (size - 1)) return f->set_status(Status::invalid_arg);
  const word rights = arc::fpage_rights_of(fp);
  const word end = uint64_t(base) + size > arc::user_top ? arc::user_top : word(base + size);
  Space *s = self->space;
  for (word va = arch::pd_next_mapped(s->pd, base, end); va < end;
       va = arch::pd_next_mapped(s->pd, va + page_size, end)) {
    if (MapNode *n = mapdb.find(s, va)) mapdb.unmap(n, unsigned(rights), opts & 1);
  }
  f->set_status(Status::ok);
}

void irq_ctl(Thread *self, arch::UserFrame *f) {
  CSpace &cs = self->space->cspace;
  const auto op = arc::IrqOp(f->arg(0));
  if (op == arc::IrqOp::get) {
    Cap *ic = cs.lookup(f->arg(1), ObjType::irq_control);
    if (!ic) return f->set_status(Status::invalid_cap);
    Cap *dst = cs.slot(f->arg(3));
    if (!dst) return f->set_status(Status::invalid_cap);
    if (!dst->empty()) return f->set_status(Status::busy);
    const unsigned line = unsigned(f->arg(2) < 256 ? f->arg(2) : 256);
    if (Status s = Irq::line_status(line); s != Status::ok) return f->set_status(s);
    Irq *irq = Irq::create(self->space->factory(), line);
    if (!irq) return f->set_status(Status::no_memory);
    cdt::insert_original(*dst, ic, irq, ObjType::irq, arc::rights::all);
    return f->set_status(Status::ok);
  }
  Cap *c = cs.lookup(f->arg(1), ObjType::irq);
  if (!c) return f->set_status(Status::invalid_cap);
  if (!c->has(arc::rights::control)) return f->set_status(Status::no_rights);
  auto *irq = static_cast<Irq *>(c->obj);
  switch (op) {
  case arc::IrqOp::attach: {
    Cap *ec = cs.lookup(f->arg(2), ObjType::endpoint);
    if (!ec) return f->set_status(Status::invalid_cap);
    if (!ec->has(arc::rights::send)) return f->set_status(Status::no_rights);
    irq->attach(static_cast<Endpoint *>(ec->obj), c->badge);
    return f->set_status(Status::ok);
  }
  case arc::IrqOp::detach: irq->detach(); return f->set_status(Status::ok);
  case arc::IrqOp::ack: irq->ack(); return f->set_status(Status::ok);
  default: return f->set_status(Status::invalid_arg);
  }
}

void perfmon(Thread *self, arch::UserFrame *f) {
  Thread *t = self;
  if (f->arg(0) != arc::cap_self) {
    Cap *c = self->space->cspace.lookup(f->arg(0), ObjType::thread);
    if (!c) return f->set_status(Status::invalid_cap);
    if (!c->has(arc::rights::perfmon)) return f->set_status(Status::no_rights);
    t = static_cast<Thread *>(c->obj);
  }
  const word counter = f->arg(2);
  switch (arc::PerfOp(f->arg(1))) {
  case arc::PerfOp::info:
    f->set_result(0, arc::perf_counters);
    f->set_result(1, perf::available_events());
    return f->set_status(Status::ok);
  case arc::PerfOp::config: return f->set_status(perf::config(t, counter, f->arg(3)));
  case arc::PerfOp::reset:
    if (counter >= arc::perf_counters) return f->set_status(Status::invalid_arg);
    return f->set_status(perf::config(t, counter, t->perf.event[counter]));
  case arc::PerfOp::read: {
    uint64_t v;
    Status s = perf::read(t, counter, &v);
    if (s == Status::ok) {
      f->set_result(0, word(v));
      f->set_result(1, word(v >> 32));
    }
    return f->set_status(s);
  }
  default: return f->set_status(Status::invalid_arg);
  }
}

void ioport(Thread *self, arch::UserFrame *f) {
  CSpace &cs = self->space->cspace;
  Cap *c = cs.lookup(f->arg(1), ObjType::ioports);
  if (!c) return f->set_status(Status::invalid_cap);
  if (!c->has(arc::rights::control)) return f->set_status(Status::no_rights);
  switch (arc::IoOp(f->arg(0))) {
  case arc::IoOp::derive: {
    const word first = f->arg(2), count = f->arg(3);
    if (!count || first < c->badge || first + count > c->badge + c->extra || first + count < first)
      return f->set_status(Status::invalid_arg);
    Cap *dst = cs.slot(f->arg(4));
    if (!dst) return f->set_status(Status::invalid_cap);
    if (!dst->empty()) return f->set_status(Status::busy);
    if (Status s = cdt::derive(*c, *dst, arc::rights::all, false, 0); s != Status::ok)
      return f->set_status(s);
    dst->badge = first;
    dst->extra = count;
    return f->set_status(Status::ok);
  }
  case arc::IoOp::enable:
  case arc::IoOp::disable: {
    const bool on = arc::IoOp(f->arg(0)) == arc::IoOp::enable;
    if (Status s = self->space->io_allow(c->badge, c->extra, on); s != Status::ok)
      return f->set_status(s);
    c->enabled = on;
    return f->set_status(Status::ok);
  }
  default: return f->set_status(Status::invalid_arg);
  }
}

void yield(Thread *, arch::UserFrame *f) {
  f->set_status(Status::ok);
  sched::yield();
}

void kdebug(Thread *self, arch::UserFrame *f) {
  switch (arc::KdOp(f->arg(0))) {
  case arc::KdOp::putc:
    kputc(char(f->arg(1)));
    return f->set_status(Status::ok);
  case arc::KdOp::puts: {
    const word n = f->arg(1);
    if (n > sizeof(self->utcb->mr)) return f->set_status(Status::invalid_arg);
    platform::console_write(reinterpret_cast<const char *>(self->utcb->mr), n);
    return f->set_status(Status::ok);
  }
  case arc::KdOp::exit:
    if (!self->space->privileged) return f->set_status(Status::no_rights);
    klog("exit with status %lu requested by space %lu", f->arg(1), self->space->id);
    platform::halt_system(f->arg(1));
  case arc::KdOp::reboot:
    if (!self->space->privileged) return f->set_status(Status::no_rights);
    klog("reboot requested by space %lu", self->space->id);
    if (!platform::reset_system()) return f->set_status(Status::not_supported);
    return f->set_status(Status::ok);
  case arc::KdOp::ticks:
    f->set_result(0, sched::ticks());
    f->set_result(1, platform::tick_ms);
    return f->set_status(Status::ok);
  default:
    return f->set_status(Status::invalid_arg);
  }
}

} // namespace kern::sys
