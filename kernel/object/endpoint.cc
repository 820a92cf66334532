#include "object/endpoint.hh"
#include "ipc/ipc.hh"
#include "mem/slab.hh"
#include "object/factory.hh"
#include "object/irq.hh"

namespace kern {

namespace {
Slab<Endpoint> slab;
}

Endpoint *Endpoint::create(Factory *f) {
  if (!f->charge(sizeof(Endpoint))) return nullptr;
  void *mem = slab.alloc();
  if (!mem) {
    f->uncharge(sizeof(Endpoint));
    return nullptr;
  }
  return new (mem) Endpoint(f);
}

void Endpoint::destroy() {
  // Everyone still queued here learns that the partner is gone.
  while (Thread *t = senders.front()) ipc::abort(t, Status::partner_gone);
  while (Thread *t = receivers.front()) ipc::abort(t, Status::partner_gone);
  irq_endpoint_gone(this);
  factory()->uncharge(sizeof(Endpoint));
  slab.free(this);
}

} // namespace kern
