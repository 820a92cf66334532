// Base of every kernel object: a one-byte type tag instead of RTTI, checked downcasts, and the
// link that queues an object for destruction.
#pragma once
#include "lib/types.hh"

namespace kern {

class Factory;

class Kobject : NoCopy {
public:
  ObjType type() const { return type_; }
  Factory *factory() const { return factory_; }

  Kobject *reap_next = nullptr;   // destruction worklist (object/destroy.cc)
  bool dying = false;

protected:
  Kobject(ObjType t, Factory *f) : type_(t), factory_(f) {}
  ~Kobject() = default;

private:
  // Slab free lists overwrite the first word of a freed object; keep the tag clear of it.
  word free_link_ = 0;
  ObjType type_;
  Factory *factory_;
};

// Checked downcast: null unless o is a T.
template <class T> T *kcast(Kobject *o) {
  return o && o->type() == T::tag ? static_cast<T *>(o) : nullptr;
}

// Queue an object whose original capability went away; destroy everything queued.
void destroy_later(Kobject *o);
void reap_all();
extern Kobject *reap_list;
inline void reap() {
  if (unlikely(reap_list != nullptr)) reap_all();
}

} // namespace kern
