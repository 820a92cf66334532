// ELF32 executable checking (System V ABI, "ELF" chapter). Every field the loader will trust is
// validated here first: a malformed or hostile image is refused with a reason, never half loaded.
#pragma once
#include <stdint.h>

namespace elf {

struct Ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version, entry, phoff, shoff, flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Phdr {
  uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
constexpr uint32_t pt_load = 1;
constexpr uint32_t pf_x = 1, pf_w = 2, pf_r = 4;
constexpr uint16_t em_386 = 3, em_arm = 40;
constexpr unsigned max_phdrs = 32;

// Null when the image is a loadable executable for `machine` whose loadable segments lie in
// [0, limit) without overlapping; otherwise a short reason.
const char *check(const uint8_t *img, uint32_t size, uint16_t machine, uint32_t limit);

inline const Ehdr *header(const uint8_t *img) { return reinterpret_cast<const Ehdr *>(img); }
inline const Phdr *phdr(const uint8_t *img, unsigned i) {
  return reinterpret_cast<const Phdr *>(img + header(img)->phoff + i * header(img)->phentsize);
}

} // namespace elf
