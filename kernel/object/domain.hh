// Secure domains (docs/kernel-abi.md, "Secure domains"). A domain is everything made, directly or
// through sub-factories, from one domain factory (create(..., ObjType::domain, ...)): its memory
// partition is that factory's quota, and deleting the factory destroys every object of the
// domain. Domain 0 is the trusted base (the boot tasks), which makes domains and decides what
// crosses between them. The kernel's one rule: capabilities and memory enter a space, or leave
// it through take, only from a space of the same domain or of domain 0. What a domain holds of
// another (an endpoint, a perfmon capability on a thread) it was given by domain 0; IPC through
// it works, passing it on into a third domain does not.
#pragma once
#include "object/factory.hh"

namespace kern {

// Whether a thread of space `from` may put capabilities or mappings into `to` (a space), or take
// capabilities out of it.
inline bool may_reach(const Kobject *from, const Kobject *to) {
  const word d = domain_of(from);
  return d == 0 || d == domain_of(to);
}

} // namespace kern
