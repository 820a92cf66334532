// ia32 page tables.
#include "arch/mmu.hh"
#include "lib/string.hh"

extern "C" uint32_t boot_pd[1024];

namespace kern::arch {

namespace {
constexpr uint32_t P = 1, RW = 2, US = 4, PS = 0x80;
constexpr unsigned user_pdes = kernel_base >> 22;   // 768
PageDir kpd;

uint32_t *table(uint32_t pde) { return reinterpret_cast<uint32_t *>(phys_to_virt(pde & ~0xfffu)); }
void invlpg(word va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }
word current_cr3() { word v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
} // namespace

void mmu_init() {
  // boot_pd is linked at its physical address (boot.S runs before paging).
  kpd.phys = reinterpret_cast<word>(boot_pd);
  kpd.pde = reinterpret_cast<uint32_t *>(phys_to_virt(kpd.phys));
  kpd.pde[0] = 0;   // drop the identity map: user space starts empty
  asm volatile("mov %0, %%cr3" ::"r"(kpd.phys) : "memory");
}

const PageDir &kernel_pd() { return kpd; }

bool pd_init(PageDir &pd, FrameAlloc alloc, void *ctx) {
  word f = alloc(ctx);
  if (!f) return false;
  pd.phys = f;
  pd.pde = reinterpret_cast<uint32_t *>(phys_to_virt(f));
  memcpy(pd.pde + user_pdes, kpd.pde + user_pdes, (1024 - user_pdes) * 4);
  return true;
}

void pd_destroy(PageDir &pd, FrameFree release, void *ctx) {
  if (!pd.pde) return;
  for (unsigned i = 0; i < user_pdes; ++i)
    if (pd.pde[i] & P) release(ctx, pd.pde[i] & ~0xfffu);
  if (current_cr3() == pd.phys) asm volatile("mov %0, %%cr3" ::"r"(kpd.phys) : "memory");
  release(ctx, pd.phys);
  pd.pde = nullptr;
  pd.phys = 0;
}

bool pd_map(PageDir &pd, word va, word pfn, unsigned rights, FrameAlloc alloc, void *ctx) {
  unsigned di = va >> 22;
  if (di >= user_pdes) return false;
  if (!(pd.pde[di] & P)) {
    word f = alloc(ctx);
    if (!f) return false;
    pd.pde[di] = f | P | RW | US;
  }
  uint32_t pte = (pfn << 12) | P | US | ((rights & 2) ? RW : 0);
  uint32_t &slot = table(pd.pde[di])[(va >> 12) & 1023];
  bool had = slot & P;
  slot = pte;
  if (had && current_cr3() == pd.phys) invlpg(va);
  return true;
}

bool pd_prepare(PageDir &pd, word va, FrameAlloc alloc, void *ctx) {
  unsigned di = va >> 22;
  if (di >= user_pdes) return false;
  if (pd.pde[di] & P) return true;
  word f = alloc(ctx);
  if (!f) return false;
  pd.pde[di] = f | P | RW | US;
  return true;
}

void pd_unmap(PageDir &pd, word va) {
  unsigned di = va >> 22;
  if (di >= user_pdes || !(pd.pde[di] & P)) return;
  uint32_t &slot = table(pd.pde[di])[(va >> 12) & 1023];
  if (!(slot & P)) return;
  slot = 0;
  if (current_cr3() == pd.phys) invlpg(va);
}

bool pd_lookup(const PageDir &pd, word va, word *pfn) {
  unsigned di = va >> 22;
  if (di >= user_pdes || !(pd.pde[di] & P)) return false;
  uint32_t pte = table(pd.pde[di])[(va >> 12) & 1023];
  if (!(pte & P)) return false;
  *pfn = pte >> 12;
  return true;
}

word pd_next_mapped(const PageDir &pd, word va, word end) {
  va &= ~word(0xfff);
  while (va < end && va < kernel_base) {
    unsigned di = va >> 22;
    if (!(pd.pde[di] & P)) {
      word next = (va & ~word(0x3fffff)) + 0x400000;
      if (next <= va) return end;   // wrapped
      va = next;
      continue;
    }
    // A tight scan of the rest of this table (destroying a space walks every table this way).
    const uint32_t *t = table(pd.pde[di]);
    unsigned i = (va >> 12) & 1023;
    while (i < 1024 && !(t[i] & P)) ++i;
    if (i < 1024) return (va & ~word(0x3fffff)) | (word(i) << 12);
    va = (va & ~word(0x3fffff)) + 0x400000;
    if (!va) return end;   // wrapped
  }
  return end;
}


} // namespace kern::arch
