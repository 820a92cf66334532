#include "object/irq.hh"
#include "ipc/ipc.hh"
#include "mem/slab.hh"
#include "object/endpoint.hh"
#include "object/factory.hh"
#include "platform/platform.hh"

namespace kern {

IrqControl irq_control;
IoPorts io_ports;

namespace {
Slab<Irq> slab;
// One entry per line a board can give to user level (platform::irq_lines, at most this many):
// the OMAP3's INTC has 96, its UART3 is line 74.
constexpr unsigned max_lines = 128;
Irq *table[max_lines];
} // namespace

Status Irq::line_status(unsigned line) {
  if (line >= platform::irq_lines || line >= max_lines) return Status::invalid_arg;
  if (line == platform::timer_irq || table[line]) return Status::busy;
  return Status::ok;
}

Irq *Irq::create(Factory *f, unsigned line) {
  if (!f->charge(sizeof(Irq))) return nullptr;
  void *mem = slab.alloc();
  if (!mem) {
    f->uncharge(sizeof(Irq));
    return nullptr;
  }
  Irq *irq = new (mem) Irq(f, line);
  table[line] = irq;
  return irq;
}

void Irq::destroy() {
  detach();
  platform::irq_mask(line);
  table[line] = nullptr;
  factory()->uncharge(sizeof(Irq));
  slab.free(this);
}

void Irq::attach(Endpoint *e, word b) {
  detach();
  ep = e;
  badge = b;
  platform::irq_unmask(line);
}

void Irq::detach() {
  if (!ep) return;
  platform::irq_mask(line);
  if (pending) {
    for (Irq **p = &ep->pending_irqs; *p; p = &(*p)->pend_next)
      if (*p == this) { *p = pend_next; break; }
    pending = false;
  }
  ep = nullptr;
}

void Irq::ack() {
  if (ep && !pending) platform::irq_unmask(line);
}

void irq_raise(unsigned line) {
  // Mask first: the line stays quiet until user level has handled the device and acknowledged.
  platform::irq_mask(line);
  platform::irq_end(line);
  Irq *irq = line < max_lines ? table[line] : nullptr;
  if (!irq || !irq->ep || irq->pending) return;
  if (ipc::deliver_irq(irq->ep, irq->line, irq->badge)) return;
  irq->pending = true;
  irq->pend_next = nullptr;
  Irq **p = &irq->ep->pending_irqs;
  while (*p) p = &(*p)->pend_next;
  *p = irq;
}

Irq *irq_take_pending(Endpoint *ep) {
  Irq *irq = ep->pending_irqs;
  if (irq) {
    ep->pending_irqs = irq->pend_next;
    irq->pending = false;
  }
  return irq;
}

} // namespace kern

namespace kern {
void irq_endpoint_gone(Endpoint *ep) {
  for (Irq *irq : table)
    if (irq && irq->ep == ep) irq->detach();
}
} // namespace kern
