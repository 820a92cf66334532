// Multiboot (version 1) boot information, as GRUB 2 and QEMU's -kernel provide it.
#include "boot/bootinfo.hh"
#include "arch/mmu.hh"
#include "lib/string.hh"

namespace kern {

namespace {
struct __attribute__((packed)) MbInfo {
  uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
  uint32_t syms[4];
  uint32_t mmap_length, mmap_addr;
};
struct __attribute__((packed)) MbMod { uint32_t start, end, string, reserved; };
struct __attribute__((packed)) MbMmap { uint32_t size; uint64_t base, len; uint32_t type; };
constexpr word mb_magic = 0x2badb002;

template <class T> const T *at(word phys) { return reinterpret_cast<const T *>(arch::phys_to_virt(phys)); }
} // namespace

const char *boot_parse(word magic, word info, BootData &bd) {
  if (magic != mb_magic) return "not started by a multiboot loader";
  if (info >= arch::direct_map_size) return "multiboot information out of reach";
  const MbInfo *mb = at<MbInfo>(info);
  const word cap = arch::direct_map_size;
  if (mb->flags & (1u << 6)) {
    for (word off = 0; off < mb->mmap_length && bd.n_ram < 16;) {
      const MbMmap *e = at<MbMmap>(mb->mmap_addr + off);
      off += e->size + 4;
      if (e->type != 1 || e->base >= cap) continue;
      uint64_t end = e->base + e->len;
      if (end > cap) end = cap;
      bd.ram[bd.n_ram++] = {word(e->base), word(end)};
      if (end > bd.ram_end) bd.ram_end = word(end);
    }
  } else if (mb->flags & 1) {
    bd.ram[bd.n_ram++] = {0, mb->mem_lower * 1024};
    word end = 0x100000 + mb->mem_upper * 1024;
    bd.ram[bd.n_ram++] = {0x100000, end < cap ? end : cap};
    bd.ram_end = bd.ram[1].end;
  }
  if (!bd.n_ram) return "no memory map";
  if (mb->flags & (1u << 3)) {
    const MbMod *m = at<MbMod>(mb->mods_addr);
    for (uint32_t i = 0; i < mb->mods_count; ++i) {
      if (m[i].end > cap || m[i].end < m[i].start) continue;
      if (bd.n_modules == arc::max_boot_modules) {
        ++bd.n_ignored;
        continue;
      }
      BootModule &bm = bd.modules[bd.n_modules++];
      bm.start = m[i].start;
      bm.end = m[i].end;
      set_module_name(bm, m[i].string ? at<char>(m[i].string) : "");
    }
  }
  return nullptr;
}

} // namespace kern
