#include "object/factory.hh"
#include "mem/slab.hh"

namespace kern {

namespace {
Slab<Factory> slab;
}

namespace {
word last_domain;   // domain ids are never reused: a capability to a destroyed domain's object
                    // is gone with it, and a new domain is never mistaken for an old one
}

Factory *Factory::create(Factory *parent, word quota, bool new_domain) {
  if (new_domain && last_domain + 1 == 0) return nullptr;   // 2^32 domains made: no more
  if (!parent->charge(quota + sizeof(Factory))) return nullptr;
  void *mem = slab.alloc();
  if (!mem) {
    parent->uncharge(quota + sizeof(Factory));
    return nullptr;
  }
  return new (mem) Factory(parent, quota, new_domain ? ++last_domain : parent->domain());
}

Factory *Factory::boot(word quota) {
  void *mem = slab.alloc();
  return mem ? new (mem) Factory(nullptr, quota, 0) : nullptr;
}

void Factory::destroy() {
  // Everything made from this factory was below its capability and is gone already.
  if (factory()) factory()->uncharge(quota_ + sizeof(Factory));
  slab.free(this);
}

} // namespace kern
