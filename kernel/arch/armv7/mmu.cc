// armv7 short-descriptor page tables (see arch/mmu.hh for the layout).
//
// First level: 4096 entries, 1 MiB each. The kernel's part is 1 MiB sections (direct map, device
// window). User memory uses second-level tables of 256 small-page entries (1 KiB); one pool frame
// holds the four tables of an aligned 4 MiB, so a frame is allocated and freed per 4 MiB, as on
// ia32.
//
// First-level tables must be 16 KiB aligned, and the pool hands out single frames. The tables
// come from a reserve in the kernel image; a space still pays for its 16 KiB: pd_init takes four
// frames from its factory and keeps them (in the PageDir) until pd_destroy gives them back, so the
// accounting is the same as for a pool-allocated table.
//
// Making and destroying a space must not cost in proportion to the 3 GiB it could map (a warm
// restart does both): a free table's user part is always zero (pd_destroy clears only the entries
// the space set, found through PageDir::groups), and its kernel part, the same in every table, is
// copied once, when the slot is first used.
//
// Cache and TLB maintenance, right for Cortex-A8 (table walks do not look into the L1 data cache)
// and Cortex-A15: every table write is cleaned to the point of unification before a DSB; a changed
// or removed entry is invalidated in the TLB by address and ASID; a new executable mapping
// invalidates the instruction cache and branch predictor after cleaning the page's data.
#include "arch/mmu.hh"
#include "arch/pte.hh"
#include "arch/cpu.hh"
#include "lib/console.hh"
#include "lib/string.hh"

extern "C" uint32_t boot_l1[4096];

namespace kern::arch {

namespace {
using namespace pte;
constexpr unsigned user_l1 = kernel_base >> 20;         // 3072 entries below the kernel
// The smallest data-cache line of the core (CTR.DminLine, read in mmu_init): cleaning a page for
// a new executable mapping takes page_size / cache_line operations. 32 until then (no ARMv7-A
// core has a smaller line).
word cache_line = 32;

constexpr unsigned n_tables = 64;                        // first-level tables: spaces alive at once
alignas(16384) uint32_t l1_tables[n_tables][4096];
bool l1_used[n_tables];
bool l1_ready[n_tables];   // the kernel part is in place, the whole table cleaned

PageDir kpd;
word device_next = device_window;
bool spaces_exist;

uint32_t *l2_of(uint32_t pde) { return reinterpret_cast<uint32_t *>(phys_to_virt(pde & ~0x3ffu)); }
bool in_ram(word phys) { return phys >= board::ram_base && phys - board::ram_base < direct_map_size; }

void clean_range(const void *p, word size) {
  word a = reinterpret_cast<word>(p) & ~(cache_line - 1), end = reinterpret_cast<word>(p) + size;
  for (; a < end; a += cache_line) ARC_CP15_WRITE(c7, 0, c11, 1, a);   // DCCMVAU
  dsb();
}
// A whole page (page aligned), eight lines a round: the loop's own test and branch were three
// of the five instructions a line in clean_range, and a page is cleaned for every executable
// mapping a pager makes (sync_icache_for).
void clean_page(const void *p) {
  const word line = cache_line;   // a power of two: eight lines divide a page up to 512 bytes
  if (8 * line > page_size) return clean_range(p, page_size);
  word a = reinterpret_cast<word>(p);
  const word end = a + page_size;
  // Written out: the kernel is built for size, where GCC does not unroll.
#define ARC_CLEAN_LINE() do { ARC_CP15_WRITE(c7, 0, c11, 1, a); a += line; } while (0)   // DCCMVAU
  while (a < end) {
    ARC_CLEAN_LINE(); ARC_CLEAN_LINE(); ARC_CLEAN_LINE(); ARC_CLEAN_LINE();
    ARC_CLEAN_LINE(); ARC_CLEAN_LINE(); ARC_CLEAN_LINE(); ARC_CLEAN_LINE();
  }
#undef ARC_CLEAN_LINE
  dsb();
}
void tlb_flush_va(word va, unsigned asid) {
  ARC_CP15_WRITE(c8, 0, c7, 1, (va & ~word(0xfff)) | asid);             // TLBIMVA
  ARC_CP15_WRITE(c7, 0, c5, 6, 0);                                      // BPIALL
  dsb();
  isb();
}
void sync_icache_for(word pfn) {
  word phys = pfn << page_shift;
  if (in_ram(phys)) clean_page(reinterpret_cast<void *>(phys_to_virt(phys)));
  ARC_CP15_WRITE(c7, 0, c5, 0, 0);   // ICIALLU
  ARC_CP15_WRITE(c7, 0, c5, 6, 0);   // BPIALL
  dsb();
  isb();
}
word current_ttbr() { return ARC_CP15_READ(c2, 0, c0, 0) & ~0x3fffu; }

// Make sure the second-level tables for va's 4 MiB exist.
bool ensure_l2(PageDir &pd, word va, FrameAlloc alloc, void *ctx) {
  unsigned i = va >> 20;
  if (pd.pde[i] & 3) return true;
  word f = alloc(ctx);
  if (!f) return false;
  unsigned first = i & ~3u;
  for (unsigned k = 0; k < 4; ++k) pd.pde[first + k] = l1_entry(uint32_t(f), k);
  clean_range(l2_of(pd.pde[first]), page_size);
  clean_range(&pd.pde[first], 16);
  group_set(pd.groups, i / 4);
  return true;
}

unsigned next_group(const PageDir &pd, unsigned g) { return pte::next_group(pd.groups, l2_groups, g); }
} // namespace

void mmu_init() {
  cache_line = word(4) << ((ARC_CP15_READ(c0, 0, c0, 1) >> 16) & 0xf);   // CTR.DminLine (words)
  kpd.pde = boot_l1;
  kpd.phys = virt_to_phys(reinterpret_cast<word>(boot_l1));
  kpd.ttbr = kpd.phys | ttbr_flags;
  kpd.asid = 0;
  // Drop the identity section boot.S used: user space starts empty.
  for (unsigned i = 0; i < user_l1; ++i) kpd.pde[i] = 0;
  clean_range(kpd.pde, user_l1 * 4);
  ARC_CP15_WRITE(c8, 0, c7, 0, 0);   // TLBIALL
  dsb();
  isb();
}

const PageDir &kernel_pd() { return kpd; }

word map_device(word phys, word size) {
  if (spaces_exist) panic("map_device(%lx) after the first address space", phys);
  const word base = align_down(phys, 1u << 20), end = phys + size;
  // Already mapped (two devices in one MiB)?
  for (word va = device_window; va < device_next; va += 1u << 20)
    if ((boot_l1[va >> 20] & ~0xfffffu) == base && end <= base + (1u << 20)) return va + (phys - base);
  const word va0 = device_next;
  for (word p = base; p < end; p += 1u << 20) {
    if (device_next == 0) panic("device window full");
    boot_l1[device_next >> 20] = p | l1_section | sect_b | sect_xn | sect_ap_kernel;
    clean_range(&boot_l1[device_next >> 20], 4);
    device_next += 1u << 20;
  }
  ARC_CP15_WRITE(c8, 0, c7, 0, 0);   // TLBIALL
  dsb();
  isb();
  return va0 + (phys - base);
}

bool pd_init(PageDir &pd, FrameAlloc alloc, void *ctx) {
  unsigned slot = 0;
  while (slot < n_tables && l1_used[slot]) ++slot;
  if (slot == n_tables) return false;
  // Pay for the table: four frames, kept until pd_destroy.
  for (word &f : pd.paid) {
    f = alloc(ctx);
    if (!f) return false;
  }
  l1_used[slot] = true;
  spaces_exist = true;
  pd.pde = l1_tables[slot];
  pd.phys = virt_to_phys(reinterpret_cast<word>(pd.pde));
  pd.ttbr = pd.phys | ttbr_flags;
  pd.asid = slot + 1;
  for (uint32_t &bits : pd.groups) bits = 0;
  // The user part is zero (.bss, then pd_destroy); the kernel's entries never change once
  // spaces exist (map_device refuses), so one copy per slot is enough.
  if (!l1_ready[slot]) {
    memcpy(pd.pde + user_l1, kpd.pde + user_l1, (4096 - user_l1) * 4);
    clean_range(pd.pde, 16384);
    l1_ready[slot] = true;
  }
  return true;
}

void pd_destroy(PageDir &pd, FrameFree release, void *ctx) {
  for (word &f : pd.paid)
    if (f) { release(ctx, f); f = 0; }
  if (!pd.pde) return;
  if (current_ttbr() == pd.phys) pd_activate(kpd);
  // Clear what the space set, so that the table is all zero below the kernel for its next user.
  for (unsigned g = next_group(pd, 0); g < l2_groups; g = next_group(pd, g + 1)) {
    uint32_t *e = &pd.pde[g * 4];
    release(ctx, e[0] & ~0xfffu);
    e[0] = e[1] = e[2] = e[3] = 0;
    clean_range(e, 16);
  }
  for (uint32_t &bits : pd.groups) bits = 0;
  ARC_CP15_WRITE(c8, 0, c7, 2, pd.asid);   // TLBIASID: nothing of this space stays cached
  ARC_CP15_WRITE(c7, 0, c5, 6, 0);         // BPIALL
  dsb();
  isb();
  l1_used[pd.asid - 1] = false;
  pd.pde = nullptr;
  pd.phys = 0;
  pd.ttbr = 0;
  pd.asid = 0;
}

bool pd_map(PageDir &pd, word va, word pfn, unsigned rights, FrameAlloc alloc, void *ctx) {
  if ((va >> 20) >= user_l1) return false;
  if (!ensure_l2(pd, va, alloc, ctx)) return false;
  const word phys = pfn << page_shift;
  const uint32_t e = small_page(uint32_t(phys), rights, in_ram(phys));
  uint32_t &slot = l2_of(pd.pde[va >> 20])[(va >> 12) & 255];
  const bool had = maps_page(slot);
  slot = e;
  clean_range(&slot, 4);
  if (had) tlb_flush_va(va, pd.asid);
  if (!(e & pg_xn)) sync_icache_for(pfn);
  return true;
}

bool pd_prepare(PageDir &pd, word va, FrameAlloc alloc, void *ctx) {
  if ((va >> 20) >= user_l1) return false;
  return ensure_l2(pd, va, alloc, ctx);
}

void pd_unmap(PageDir &pd, word va) {
  if ((va >> 20) >= user_l1 || !(pd.pde[va >> 20] & 3)) return;
  uint32_t &slot = l2_of(pd.pde[va >> 20])[(va >> 12) & 255];
  if (!(slot & pg_small)) return;
  slot = 0;
  clean_range(&slot, 4);
  tlb_flush_va(va, pd.asid);
}

bool pd_lookup(const PageDir &pd, word va, word *pfn) {
  if ((va >> 20) >= user_l1 || !(pd.pde[va >> 20] & 3)) return false;
  const uint32_t e = l2_of(pd.pde[va >> 20])[(va >> 12) & 255];
  if (!maps_page(e)) return false;
  *pfn = e >> 12;
  return true;
}

word pd_next_mapped(const PageDir &pd, word va, word end) {
  const word limit = end < kernel_base ? end : kernel_base;
  va &= ~word(0xfff);
  if (va >= limit) return end;
  // The common question (page faults, one-page unmaps): is va itself mapped?
  if (const uint32_t pde = pd.pde[va >> 20]; (pde & 3) && (l2_of(pde)[(va >> 12) & 255] & pg_small))
    return va;
  // Group by group (only those with a second-level frame), whose 1024 entries lie together.
  for (unsigned g = next_group(pd, unsigned(va >> 22)); g < l2_groups; g = next_group(pd, g + 1)) {
    const word base = word(g) << group_shift;
    if (base >= limit) break;
    // Stop at the limit: a one-page query must not scan the rest of its group.
    const unsigned last = limit - base >= (word(1) << group_shift)
                              ? entries_per_group : unsigned(limit - base + 0xfff) >> 12;
    const unsigned i = first_mapped(l2_of(pd.pde[g * 4]), va > base ? unsigned(va - base) >> 12 : 0, last);
    if (i < last) return base + (word(i) << 12);
  }
  return end;
}

void pd_activate(const PageDir &pd) {
  if (current_ttbr() != pd.phys) pd_load(pd);
}

} // namespace kern::arch
