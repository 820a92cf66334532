#include "mem/pool.hh"
#include "lib/string.hh"

namespace kern::pool {

namespace {
struct FreeFrame { FreeFrame *next; };
FreeFrame *free_list;
word bump, limit, first, n_free;
} // namespace

void init(word phys_base, word phys_end) {
  first = bump = align_up(phys_base, page_size);
  limit = align_down(phys_end, page_size);
  n_free = (limit - bump) / page_size;
}

word alloc_frame(bool zero) {
  word phys;
  if (free_list) {
    phys = arch::virt_to_phys(reinterpret_cast<word>(free_list));
    free_list = free_list->next;
  } else if (bump < limit) {
    phys = bump;
    bump += page_size;
  } else {
    return 0;
  }
  --n_free;
  if (zero) memset(kva(phys), 0, page_size);
  return phys;
}

void free_frame(word phys) {
  auto *f = kva<FreeFrame>(phys);
  f->next = free_list;
  free_list = f;
  ++n_free;
}

word free_frames() { return n_free; }
bool contains(word phys) { return phys >= first && phys < limit; }
word base() { return first; }
word end() { return limit; }

} // namespace kern::pool
