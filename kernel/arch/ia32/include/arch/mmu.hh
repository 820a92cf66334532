// ia32 two-level paging. The kernel owns the top quarter of every address space
// (0xc0000000 and up), where all physical memory below 768 MiB is mapped with global 4 MiB pages;
// a space's page directory shares those entries, so kernel mappings never need syncing.
#pragma once
#include "lib/types.hh"

namespace kern::arch {

constexpr word kernel_base = 0xc0000000;
constexpr word direct_map_size = 768u << 20;
constexpr word kernel_phys_start = 0x100000;   // where multiboot loads us (linker.ld)

inline word phys_to_virt(word p) { return p + kernel_base; }
inline word virt_to_phys(word v) { return v - kernel_base; }

struct PageDir {
  word phys = 0;                   // physical address of the directory (loaded into cr3)
  uint32_t *pde = nullptr;         // the same through the direct map
};

using FrameAlloc = word (*)(void *ctx);   // returns a zeroed frame or 0
using FrameFree = void (*)(void *ctx, word phys);

[[nodiscard]] bool pd_init(PageDir &pd, FrameAlloc alloc, void *ctx);
void pd_destroy(PageDir &pd, FrameFree release, void *ctx);   // frees page tables and the directory
// rights: fpage rights (r=4 w=2 x=1); ia32 cannot forbid execution, so r and x both mean present.
[[nodiscard]] bool pd_map(PageDir &pd, word va, word pfn, unsigned rights, FrameAlloc alloc, void *ctx);
// Make sure the page table covering va exists, so a later pd_map there cannot fail.
[[nodiscard]] bool pd_prepare(PageDir &pd, word va, FrameAlloc alloc, void *ctx);
// A prepared va covers every page of its naturally aligned pd_prepare_span (one page table maps 4 MiB).
constexpr word pd_prepare_span = word(4) << 20;
void pd_unmap(PageDir &pd, word va);
bool pd_lookup(const PageDir &pd, word va, word *pfn);
// The first mapped user address at or above va and below end, or end.
word pd_next_mapped(const PageDir &pd, word va, word end);
// Load pd; the caller knows it is not the current one.
inline void pd_load(const PageDir &pd) { asm volatile("mov %0, %%cr3" ::"r"(pd.phys) : "memory"); }
// The same before a return to user mode, and what ARM's needs afterwards when the switch
// continues in the kernel instead (a move to cr3 serialises: nothing).
inline void pd_load_before_return(const PageDir &pd) { pd_load(pd); }
inline void context_sync() {}

inline void pd_activate(const PageDir &pd) {
  word cur;
  asm volatile("mov %%cr3, %0" : "=r"(cur));
  if (cur != pd.phys) asm volatile("mov %0, %%cr3" ::"r"(pd.phys) : "memory");
}
const PageDir &kernel_pd();
void mmu_init();   // adopt the boot page directory, drop the identity map

} // namespace kern::arch
