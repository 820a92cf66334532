// The kernel's frame pool: a fixed range of physical memory reserved at boot for kernel objects,
// page tables and UTCBs. Nothing else in the system can map these frames. Everything the kernel
// allocates on behalf of a task is charged to that task's factory (object/factory.hh).
#pragma once
#include "lib/types.hh"
#include "arch/mmu.hh"

namespace kern::pool {

void init(word phys_base, word phys_end);
// A zeroed frame, or 0 when the pool is empty. zero=false: its old contents left, for a caller
// that writes every byte it uses before reading it (the mapping nodes' slab).
word alloc_frame(bool zero = true);
void free_frame(word phys);
word free_frames();
bool contains(word phys);
word base();
word end();

template <class T = void> inline T *kva(word phys) {
  return reinterpret_cast<T *>(arch::phys_to_virt(phys));
}

} // namespace kern::pool
