// A factory is the right to create kernel objects: a quota of kernel memory, in bytes. Every
// object, page table, mapping node and UTCB page the kernel allocates for a task is charged to a
// factory and given back when it is destroyed. Sub-factories take their quota from the parent.
#pragma once
#include "object/kobject.hh"

namespace kern {

class Factory : public Kobject {
public:
  static constexpr ObjType tag = ObjType::factory;

  [[nodiscard]] static Factory *create(Factory *parent, word quota);
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

private:
  Factory(Factory *parent, word quota) : Kobject(tag, parent), quota_(quota) {}
  word quota_;
  word used_ = 0;
};

} // namespace kern
