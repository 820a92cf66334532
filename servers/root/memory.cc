#include "memory.hh"
#include <arc/sys.hh>
#include <physmem/physmem.hh>
#include <string.h>
#include <arc/proto/sigma0.hh>

namespace rt {

using namespace arc;

namespace {
constexpr word max_frames = 1u << (phys_window_log2 - 12);
physmem::Entry entries[max_frames];
physmem::Share shares[256];
physmem::Table table;
word nframes;
// The naturally aligned GiB of physical memory the window shows: sigma0's chunk at physical p lands
// at phys_window + (p mod 1 GiB) (the kernel places a mapping in the receive window by its hot
// spot, here p). RAM starts at 0 on a PC and the realview board, at 1 GiB on QEMU virt, at 2 GiB on
// the OMAP3530; all of it must lie in one such GiB. Set by the first chunk.
constexpr word window_size = word(1) << phys_window_log2;
word phys_base = ~word(0);
// Memory below 16 MiB, where ISA DMA reaches: taken first in 64 KiB chunks (at most 32 of them)
// and kept for DMA buffers.
constexpr word isa_dma_limit = 16u << 20;
constexpr unsigned low_chunks = 32;
constexpr unsigned max_ram_regions = 64 + low_chunks;
bool in_window(word base, word size) {
  return base >= phys_base && base - phys_base <= window_size && size <= window_size - (base - phys_base);
}

// One naturally aligned chunk of 2^log2 bytes from sigma0 at phys_window + its address;
// returns the physical address or ~0 when sigma0 has no chunk that large left.
word take_chunk(unsigned log2) {
  Utcb *u = utcb();
  u->rcv_window = fpage(phys_window, phys_window_log2, fpage_rights::rwx);
  u->mr[0] = Tag(sigma0::label_alloc_chunk, 1, 0).raw;
  u->mr[1] = log2;
  Status st = call(boot_cap::pager);
  u->rcv_window = 0;
  if (st != Status::ok || Tag(u->mr[0]).typed() != 2 || Tag(u->mr[0]).map_failed()) return ~word(0);
  return u->mr[1];
}
} // namespace

void memory_init(const BootInfo &bi) {
  // Take everything sigma0 hands out, largest chunks first.
  physmem::Region regions[max_ram_regions + 24];
  unsigned n = 0;
  word top = 0, bytes = 0;
  // First the memory an ISA DMA controller reaches (dma=, frames_alloc_dma): sigma0 hands out
  // chunks in address order and skips for good what lies before the alignment of a large one,
  // so asked for 4 MiB first it would give none of the little RAM below 16 MiB that the kernel
  // and the modules leave (on a PC: conventional memory and the rest below the kernel's pool).
  // Single frames are taken from it only when nothing else is free (set_reserve below).
  // Boards whose RAM starts higher (the ARM ones) have none: asking would only make sigma0 skip
  // more memory before its first large chunk.
  bool low_ram = false;
  for (unsigned i = 0; i < bi.n_regions; ++i)
    low_ram |= bi.regions[i].kind == BootInfo::region_free && bi.regions[i].base < isa_dma_limit;
  for (unsigned i = 0; low_ram && i < low_chunks; ++i) {
    const word base = take_chunk(16);
    if (base == ~word(0)) break;
    if (phys_base == ~word(0)) phys_base = top = base & ~(window_size - 1);
    if (!in_window(base, 0x10000)) continue;
    regions[n++] = {base, 0x10000, physmem::Kind::ram};
    bytes += 0x10000;
    if (base + 0x10000 > top) top = base + 0x10000;
    if (base >= isa_dma_limit) break;   // past it: the rest comes in larger chunks
  }
  for (unsigned log2 = 22; log2 >= 12 && n < max_ram_regions; --log2) {
    for (;;) {
      word base = take_chunk(log2);
      if (base == ~word(0)) break;
      if (phys_base == ~word(0)) phys_base = top = base & ~(window_size - 1);
      if (!in_window(base, word(1) << log2)) {   // another GiB: not reachable through our window
        printf("[root] memory at %lx is outside the window of %lx..; not used\n", base, phys_base);
        continue;
      }
      regions[n++] = {base, word(1) << log2, physmem::Kind::ram};
      bytes += word(1) << log2;
      if (base + (word(1) << log2) > top) top = base + (word(1) << log2);
      if (n == max_ram_regions) break;
    }
  }
  // What we did not get is recorded as such: kernel, modules, firmware.
  for (unsigned i = 0; i < bi.n_regions && n < max_ram_regions + 24; ++i) {
    const BootInfo::Region &r = bi.regions[i];
    if (r.kind == BootInfo::region_free) continue;
    physmem::Kind k = r.kind == BootInfo::region_module ? physmem::Kind::module : physmem::Kind::kernel;
    regions[n++] = {r.base, r.size, k};
    if (r.base + r.size > top && in_window(r.base, r.size)) top = r.base + r.size;
  }
  if (phys_base == ~word(0)) phys_base = top = 0;   // nothing from sigma0
  nframes = (top - phys_base) >> 12;
  physmem::Error e = table.init(entries, nframes, physmem::Frame(phys_base >> 12), regions, n, shares, 256);
  if (e != physmem::Error::ok) printf("[root] physical page table: %s\n", physmem::describe(e));
  table.set_reserve(physmem::Frame(phys_base >> 12), physmem::Frame(isa_dma_limit >> 12));
  printf("[root] took %lu MiB of memory from sigma0 in %u chunks\n", bytes >> 20, n);
}

word frame_alloc(word owner) {
  physmem::Frame f;
  if (table.alloc(physmem::Owner(owner), &f) != physmem::Error::ok) return 0;
  word va = phys_window + ((word(f) << 12) - phys_base);
  memset(reinterpret_cast<void *>(va), 0, 0x1000);
  return va;
}

word frames_alloc_block(word owner, word count) {
  physmem::Frame f;
  if (table.alloc_block(physmem::Owner(owner), uint32_t(count), &f) != physmem::Error::ok) return 0;
  // The window keeps the physical alignment: phys_base is a multiple of the window's size.
  const word va = phys_window + ((word(f) << 12) - phys_base);
  memset(reinterpret_cast<void *>(va), 0, count << 12);
  return va;
}

word frames_alloc_dma(word owner, word bytes, word *phys) {
  constexpr word isa_page = 64u << 10;
  if (!bytes || bytes > max_dma_bytes || (bytes & 0xfff)) return 0;
  // A small buffer is for ISA DMA: in one 64 KiB page below 16 MiB. A larger one (a bus master's,
  // the PL111's surface) only needs to be contiguous: 64 KiB-aligned, anywhere in RAM.
  const word limit = bytes <= isa_page ? isa_dma_limit >> 12 : ~word(0);
  physmem::Frame f;
  if (table.alloc_run(physmem::Owner(owner), bytes >> 12, isa_page >> 12, physmem::Frame(limit), &f) !=
      physmem::Error::ok)
    return 0;
  *phys = word(f) << 12;
  const word va = phys_window + (*phys - phys_base);
  memset(reinterpret_cast<void *>(va), 0, bytes);
  return va;
}

word frames_alloc_aligned(word owner, word bytes, word align, word *phys) {
  if (!bytes || (bytes & 0xfff) || (align & (align - 1)) || align < 0x1000) return 0;
  physmem::Frame f;
  if (table.alloc_run(physmem::Owner(owner), bytes >> 12, align >> 12, physmem::Frame(~word(0)), &f) !=
      physmem::Error::ok)
    return 0;
  *phys = word(f) << 12;
  const word va = phys_window + (*phys - phys_base);
  memset(reinterpret_cast<void *>(va), 0, bytes);
  return va;
}

word frame_va(word phys) { return phys_window + (phys - phys_base); }

void memory_scribble() {
  // Every frame of the table that is RAM we took (free, a process's, a pager's, shared), then
  // the table itself: what the root task knows of its memory is gone with the memory.
  for (word i = 0; i < nframes; ++i) {
    const physmem::Entry *e = table.entry(physmem::Frame((phys_base >> 12) + i));
    if (!e || e->state == physmem::State::absent || e->state == physmem::State::reserved) continue;
    word *w = reinterpret_cast<word *>(phys_window + (i << 12));
    for (unsigned k = 0; k < 1024; ++k) w[k] = ~word(0);
  }
  memset(entries, 0xff, sizeof(entries[0]) * nframes);
}

void frame_free(word addr, word owner) {
  (void)table.release(physmem::Frame((addr - phys_window + phys_base) >> 12), physmem::Owner(owner));
}

void frames_free_all(word owner) { (void)table.free_all(physmem::Owner(owner)); }
word frames_total() { return table.totals().frames - table.totals().absent; }
word frames_free() { return table.totals().free; }
word frames_of(word owner) { return table.usage(physmem::Owner(owner)).owned; }
word frames_used() { return table.totals().allocated + table.totals().shared; }

} // namespace rt
