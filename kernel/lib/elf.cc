#include "lib/elf.hh"

namespace elf {

const char *check(const uint8_t *img, uint32_t size, uint16_t machine, uint32_t limit) {
  if (size < sizeof(Ehdr)) return "truncated header";
  const Ehdr *h = header(img);
  if (h->ident[0] != 0x7f || h->ident[1] != 'E' || h->ident[2] != 'L' || h->ident[3] != 'F')
    return "not an ELF file";
  if (h->ident[4] != 1) return "not a 32-bit ELF file";
  if (h->ident[5] != 1) return "not little-endian";
  if (h->type != 2) return "not an executable";
  if (h->machine != machine) return "wrong machine";
  if (h->phentsize != sizeof(Phdr)) return "bad program header size";
  // The headers are read in place, as words: an odd offset would be an unaligned load (an
  // alignment fault in the kernel on ARM, for a file a user supplied).
  if (h->phoff % 4) return "misaligned program headers";
  if (h->phnum == 0 || h->phnum > max_phdrs) return "bad number of program headers";
  if (h->phoff > size || uint64_t(h->phoff) + uint64_t(h->phnum) * sizeof(Phdr) > size)
    return "program headers outside the file";
  unsigned loads = 0;
  bool entry_ok = false;
  for (unsigned i = 0; i < h->phnum; ++i) {
    const Phdr *p = phdr(img, i);
    if (p->type != pt_load) continue;
    ++loads;
    if (p->filesz > p->memsz) return "segment file size exceeds memory size";
    if (uint64_t(p->offset) + p->filesz > size) return "segment outside the file";
    const uint64_t end = uint64_t(p->vaddr) + p->memsz;
    if (end > limit || (p->memsz == 0 && p->vaddr >= limit)) return "segment outside user space";
    if ((p->vaddr & 0xfff) != (p->offset & 0xfff) && p->filesz) return "misaligned segment";
    for (unsigned j = 0; j < i; ++j) {
      const Phdr *q = phdr(img, j);
      if (q->type != pt_load) continue;
      // Segments may share a page, never bytes.
      if (p->vaddr < uint64_t(q->vaddr) + q->memsz && q->vaddr < end) return "overlapping segments";
    }
    if (h->entry >= p->vaddr && h->entry < end && (p->flags & pf_x)) entry_ok = true;
  }
  if (!loads) return "no loadable segment";
  if (!entry_ok) return "entry point not in an executable segment";
  return nullptr;
}

} // namespace elf
