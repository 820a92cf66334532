// armv7 short-descriptor paging (no LPAE: the Cortex-A8 has none).
//
// Every space has its own 16 KiB first-level table in TTBR0 (TTBCR.N = 0) and the kernel's part
// (0xc0000000 and up: 1 MiB sections of the direct map and the device window) is copied into it
// when the space is made. The alternative, TTBR1 for the kernel, cannot be used: with short
// descriptors TTBR0 covers only the bottom 2^(32-N) bytes, so a kernel at 3 GiB with user space
// up to 0xbff00000 (the ABI's user_top) needs N = 0, which leaves TTBR1 unused. The kernel's
// entries never change after boot, so the copies never need syncing (like ia32's directory).
//
// User mappings are non-global and tagged with the space's ASID (CONTEXTIDR), so a switch does
// not flush the TLB; an ASID is tied to the first-level table slot the space uses, and its TLB
// entries are flushed when the space goes away.
#pragma once
#include "lib/types.hh"
#include "arch/cpu.hh"
#include "board.hh"

namespace kern::arch {

constexpr word kernel_base = 0xc0000000;
// RAM is direct-mapped from kernel_base; devices live in a window above it.
constexpr word direct_map_size = board::ram_size < 0x30000000 ? board::ram_size : 0x30000000;
constexpr word device_window = 0xf0000000;
// Where the loader puts the kernel image (QEMU: RAM + 64 KiB; U-Boot: the uImage load address).
constexpr word kernel_phys_start = board::ram_base + 0x10000;

inline word phys_to_virt(word p) { return p - board::ram_base + kernel_base; }
inline word virt_to_phys(word v) { return v - kernel_base + board::ram_base; }

// User space in 4 MiB groups (one second-level frame each), below kernel_base.
constexpr unsigned l2_groups = kernel_base >> 22;

struct PageDir {
  word phys = 0;                   // physical address of the first-level table (TTBR0)
  word ttbr = 0;                   // phys with the walk's attributes: what TTBR0 gets
  uint32_t *pde = nullptr;         // the same through the direct map
  unsigned asid = 0;               // 1..n, tied to the table's slot; 0 = the kernel's table
  word paid[4] = {};               // frames charged for the table (returned by pd_destroy)
  // Bit g: group g has its second-level frame. Walks over a whole space (destroy, unmap a
  // range) visit only these instead of 3072 first-level entries.
  uint32_t groups[l2_groups / 32] = {};
};

using FrameAlloc = word (*)(void *ctx);   // returns a zeroed frame or 0
using FrameFree = void (*)(void *ctx, word phys);

[[nodiscard]] bool pd_init(PageDir &pd, FrameAlloc alloc, void *ctx);
void pd_destroy(PageDir &pd, FrameFree release, void *ctx);
// rights: fpage rights (r=4 w=2 x=1); without x the page is execute-never.
[[nodiscard]] bool pd_map(PageDir &pd, word va, word pfn, unsigned rights, FrameAlloc alloc, void *ctx);
[[nodiscard]] bool pd_prepare(PageDir &pd, word va, FrameAlloc alloc, void *ctx);
// A prepared va covers every page of its naturally aligned pd_prepare_span (second-level tables come four to a frame, 4 MiB).
constexpr word pd_prepare_span = word(4) << 20;
void pd_unmap(PageDir &pd, word va);
bool pd_lookup(const PageDir &pd, word va, word *pfn);
word pd_next_mapped(const PageDir &pd, word va, word end);
// Make pd current (the caller knows it is not), for a switch that ends in an exception return:
// ARM ARM "Synchronization of changes of ASID and TTBR", through the reserved ASID 0, which tags
// no non-global entries. It ends without the ISB that would make the new ASID take effect: an
// exception return is a context synchronisation operation too, and until then only the kernel's
// global mappings (the same in every table) are used. Inline, for the IPC fast path.
constexpr word ttbr_flags = 0x09;   // as in boot.S
inline void pd_load_before_return(const PageDir &pd) {
  ARC_CP15_WRITE(c13, 0, c0, 1, 0);
  isb();
  ARC_CP15_WRITE(c2, 0, c0, 0, pd.ttbr);
  isb();
  ARC_CP15_WRITE(c13, 0, c0, 1, pd.asid);
}
// What the exception return would have done, for a switch that continues in the kernel.
inline void context_sync() { isb(); }
// The same for any other caller: synchronised at once.
inline void pd_load(const PageDir &pd) {
  pd_load_before_return(pd);
  isb();
}
void pd_activate(const PageDir &pd);   // make pd current if it is not
const PageDir &kernel_pd();
void mmu_init();   // adopt the boot table, drop the identity map

} // namespace kern::arch
