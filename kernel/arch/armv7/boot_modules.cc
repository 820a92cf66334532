// The boot information of every ARM board: RAM from the board's constants, the boot modules from
// the pack that tools/pack-image appends to the kernel image, at the first page after the kernel
// (_kernel_end). The loader's own information (machine id, DTB or ATAGs) is not used.
#include "boot/bootinfo.hh"
#include "arch/mmu.hh"
#include "lib/string.hh"

extern "C" char _kernel_end[];

namespace kern {

namespace {
// Must match tools/pack-image. As many modules as the boot information holds (a system of two
// secure domains with a shell needs 14).
constexpr uint32_t pack_max_modules = arc::max_boot_modules;
struct PackModule { uint32_t offset, size; char cmdline[120]; };   // offset from the header
struct PackHeader {
  uint32_t magic, count, total, reserved;
  PackModule modules[pack_max_modules];
};
constexpr uint32_t pack_magic = 0x4d435241;   // "ARCM"
static_assert(sizeof(PackHeader) <= page_size, "the pack header fits one page");
} // namespace

const char *boot_parse(word, word, BootData &bd) {
  const word ram_end = board::ram_base + arch::direct_map_size;
  bd.ram[0] = {board::ram_base, ram_end};
  bd.n_ram = 1;
  bd.ram_end = ram_end;
  const auto *h = reinterpret_cast<const PackHeader *>(_kernel_end);
  if (h->magic != pack_magic) return "no boot modules after the kernel (build the image with tools/pack-image)";
  const word hdr = arch::virt_to_phys(reinterpret_cast<word>(_kernel_end));
  if (h->total > ram_end - hdr) return "the module pack runs past the end of RAM";
  for (uint32_t i = 0; i < h->count && i < pack_max_modules; ++i) {
    const PackModule &m = h->modules[i];
    if (m.offset > h->total || m.size > h->total - m.offset) return "a module lies outside the pack";
    BootModule &bm = bd.modules[bd.n_modules++];
    bm.start = hdr + m.offset;
    bm.end = bm.start + m.size;
    char line[sizeof(m.cmdline) + 1];
    memcpy(line, m.cmdline, sizeof(m.cmdline));
    line[sizeof(m.cmdline)] = 0;
    set_module_name(bm, line);
  }
  return nullptr;
}

} // namespace kern
