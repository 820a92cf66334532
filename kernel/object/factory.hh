// A factory is the right to create kernel objects: a quota of kernel memory, in bytes. Every
// object, page table, mapping node and UTCB page the kernel allocates for a task is charged to a
// factory and given back when it is destroyed. Sub-factories take their quota from the parent.
#pragma once
#include "object/kobject.hh"

namespace kern {

class Factory : public Kobject {
public:
  static constexpr ObjType tag = ObjType::factory;

  // new_domain: the factory is the root of a new secure domain (a fresh id, never reused);
  // otherwise it belongs to its parent's domain.
  [[nodiscard]] static Factory *create(Factory *parent, word quota, bool new_domain = false);
  static Factory *boot(word quota);   // the root task's factory
  void destroy();

  [[nodiscard]] bool charge(word bytes) {
    if (bytes > quota_ - used_) return false;
    used_ += bytes;
    return true;
  }
  void uncharge(word bytes) { used_ -= bytes < used_ ? bytes : used_; }
  word quota() const { return quota_; }
  word used() const { return used_; }
  word domain() const { return domain_; }

private:
  Factory(Factory *parent, word quota, word domain)
      : Kobject(tag, parent), quota_(quota), domain_(domain) {}
  word quota_;
  word used_ = 0;
  word domain_;
};

// The secure domain an object belongs to: its factory's (a factory: its own). Objects the kernel
// made without a factory (boot objects) are domain 0's, the trusted base that makes domains.
inline word domain_of(const Kobject *o) {
  if (!o) return 0;
  if (o->type() == ObjType::factory) return static_cast<const Factory *>(o)->domain();
  return o->factory() ? o->factory()->domain() : 0;
}

} // namespace kern
