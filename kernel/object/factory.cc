#include "object/factory.hh"
#include "mem/slab.hh"

namespace kern {

namespace {
Slab<Factory> slab;
}

Factory *Factory::create(Factory *parent, word quota) {
  if (!parent->charge(quota + sizeof(Factory))) return nullptr;
  void *mem = slab.alloc();
  if (!mem) {
    parent->uncharge(quota + sizeof(Factory));
    return nullptr;
  }
  return new (mem) Factory(parent, quota);
}

Factory *Factory::boot(word quota) {
  void *mem = slab.alloc();
  return mem ? new (mem) Factory(nullptr, quota) : nullptr;
}

void Factory::destroy() {
  // Everything made from this factory was below its capability and is gone already.
  if (factory()) factory()->uncharge(quota_ + sizeof(Factory));
  slab.free(this);
}

} // namespace kern
