// ARM has no I/O ports: a space never may use one (the ioports capability's enable is refused).
#pragma once
#include "lib/types.hh"

namespace kern::arch {

class IoBitmap {
public:
  struct Frames {
    word (*alloc)(void *ctx);
    void (*free)(void *ctx, word phys);
    void *ctx;
  };
  bool any() const { return false; }
  bool switch_loads() const { return false; }
  [[nodiscard]] Status set(word, word, bool, const Frames &, bool) { return Status::not_supported; }
  void release(const Frames &) {}
  void load() const {}
};

} // namespace kern::arch
