// Per-type slabs: objects of one type carved from pool frames. Freed objects go back to their
// slab, never to the pool, so memory that once held a T always holds a T ("type-stable"): a
// stale pointer to a destroyed thread still points at a Thread whose generation tells it apart.
#pragma once
#include "mem/pool.hh"

namespace kern {

// zeroed=false: frames come unzeroed from the pool; only for a T whose every use assigns the
// whole object first (MapNode: the boot maps every frame of RAM twice, 110,000 nodes on a PC).
template <class T, bool zeroed = true> class Slab {
  static_assert(sizeof(T) <= page_size, "slab objects must fit a frame");

public:
  // Raw memory for one T, or null.
  void *alloc() {
    if (!free_) refill();
    if (!free_) return nullptr;
    Free *f = free_;
    free_ = f->next;
    return f;
  }
  void free(void *p) {
    auto *f = static_cast<Free *>(p);
    f->next = free_;
    free_ = f;
  }

private:
  struct Free { Free *next; };
  static constexpr word stride = sizeof(T) < sizeof(Free) ? sizeof(Free) : align_up(sizeof(T), alignof(T));
  void refill() {
    word phys = pool::alloc_frame(zeroed);
    if (!phys) return;
    char *base = pool::kva<char>(phys);
    for (word off = 0; off + stride <= page_size; off += stride) free(base + off);
  }
  Free *free_ = nullptr;
};

} // namespace kern
