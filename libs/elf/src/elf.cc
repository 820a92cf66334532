// ELF32 validation and the pager's loading plan. All arithmetic on file fields is done in 64 bits
// and every table is bounds-checked before it is read; fields are copied out byte-wise, so the
// file may sit at any alignment.
#include "elf/elf.hh"

namespace elf {

namespace {

template <typename T> T load(const uint8_t *data, uint64_t off) {
  T v;
  auto *d = reinterpret_cast<uint8_t *>(&v);
  for (size_t i = 0; i < sizeof(T); ++i) d[i] = data[off + i];
  return v;
}

constexpr uint64_t page_down(uint64_t a) { return a & ~uint64_t(page_size - 1); }
constexpr uint64_t page_up(uint64_t a) { return (a + page_size - 1) & ~uint64_t(page_size - 1); }

} // namespace

const char *describe(Error e) {
  switch (e) {
  case Error::none: return "no error";
  case Error::truncated: return "truncated header";
  case Error::bad_magic: return "not an ELF file";
  case Error::bad_class: return "not a 32-bit ELF file";
  case Error::bad_endian: return "not little-endian";
  case Error::bad_type: return "not an executable";
  case Error::bad_machine: return "wrong machine";
  case Error::bad_phentsize: return "bad program header size";
  case Error::bad_phnum: return "bad number of program headers";
  case Error::phdrs_outside_file: return "program headers outside the file";
  case Error::dynamic: return "not a static executable";
  case Error::too_many_segments: return "too many loadable segments";
  case Error::no_segments: return "no loadable segment";
  case Error::filesz_exceeds_memsz: return "segment file size exceeds memory size";
  case Error::segment_outside_file: return "segment outside the file";
  case Error::overflow: return "segment wraps around the address space";
  case Error::outside_range: return "segment outside the allowed address range";
  case Error::misaligned: return "segment offset and address differ modulo the page size";
  case Error::overlap: return "overlapping segments";
  case Error::shared_page: return "segments share a page";
  case Error::entry_not_executable: return "entry point not in an executable segment";
  case Error::bad_shentsize: return "bad section header size";
  case Error::shdrs_outside_file: return "section headers outside the file";
  case Error::bad_shstrndx: return "bad section name string table index";
  case Error::strtab_outside_file: return "section name string table outside the file";
  case Error::bad_name: return "section name outside the string table";
  case Error::section_outside_file: return "section outside the file";
  case Error::section_outside_segments: return "section not inside a loadable segment";
  case Error::no_section: return "no such section";
  case Error::not_open: return "image not open";
  }
  return "unknown error";
}

bool Image::open(const void *file, size_t file_size, uint16_t machine, uint32_t low,
                 uint64_t high, Error *err) {
  Error dummy;
  Error &e = err ? *err : dummy;
  nsegs = 0;
  data = nullptr;
  size = 0;
  const auto *img = static_cast<const uint8_t *>(file);
  const uint64_t fsize = file_size;

  if (!img || fsize < sizeof(Ehdr)) return e = Error::truncated, false;
  const Ehdr h = load<Ehdr>(img, 0);
  if (h.ident[0] != 0x7f || h.ident[1] != 'E' || h.ident[2] != 'L' || h.ident[3] != 'F')
    return e = Error::bad_magic, false;
  if (h.ident[4] != 1) return e = Error::bad_class, false;
  if (h.ident[5] != 1) return e = Error::bad_endian, false;
  if (h.type != 2) return e = Error::bad_type, false;
  if (h.machine != machine) return e = Error::bad_machine, false;
  if (h.phentsize != sizeof(Phdr)) return e = Error::bad_phentsize, false;
  if (h.phnum == 0 || h.phnum > max_phdrs) return e = Error::bad_phnum, false;
  if (uint64_t(h.phoff) + uint64_t(h.phnum) * sizeof(Phdr) > fsize)
    return e = Error::phdrs_outside_file, false;

  Segment segs_tmp[max_segments];
  unsigned n = 0;
  for (unsigned i = 0; i < h.phnum; ++i) {
    const Phdr p = load<Phdr>(img, uint64_t(h.phoff) + uint64_t(i) * sizeof(Phdr));
    if (p.type == pt_interp || p.type == pt_dynamic) return e = Error::dynamic, false;
    if (p.type != pt_load) continue;
    if (p.filesz > p.memsz) return e = Error::filesz_exceeds_memsz, false;
    if (uint64_t(p.offset) + p.filesz > 0xffffffffull) return e = Error::overflow, false;
    if (uint64_t(p.offset) + p.filesz > fsize) return e = Error::segment_outside_file, false;
    if (p.memsz == 0) continue;  // occupies nothing
    const uint64_t end = uint64_t(p.vaddr) + p.memsz;
    if (end > 0x100000000ull) return e = Error::overflow, false;
    if (p.vaddr < low || end > high) return e = Error::outside_range, false;
    if (p.filesz && (p.vaddr & (page_size - 1)) != (p.offset & (page_size - 1)))
      return e = Error::misaligned, false;
    for (unsigned j = 0; j < n; ++j) {
      const Segment &q = segs_tmp[j];
      const uint64_t qend = uint64_t(q.vaddr) + q.memsz;
      if (p.vaddr < qend && q.vaddr < end) return e = Error::overlap, false;
      if (page_down(p.vaddr) < page_up(qend) && page_down(q.vaddr) < page_up(end))
        return e = Error::shared_page, false;
    }
    if (n == max_segments) return e = Error::too_many_segments, false;
    segs_tmp[n++] = {p.vaddr, p.memsz, p.offset, p.filesz, uint8_t(p.flags & (pf_r | pf_w | pf_x))};
  }
  if (!n) return e = Error::no_segments, false;
  bool entry_ok = false;
  for (unsigned i = 0; i < n; ++i) {
    const Segment &s = segs_tmp[i];
    if ((s.rights & pf_x) && h.entry >= s.vaddr && uint64_t(h.entry) < uint64_t(s.vaddr) + s.memsz)
      entry_ok = true;
  }
  if (!entry_ok) return e = Error::entry_not_executable, false;

  for (unsigned i = 0; i < n; ++i) segs[i] = segs_tmp[i];
  nsegs = n;
  data = img;
  size = file_size;
  entry_ = h.entry;
  e = Error::none;
  return true;
}

bool Image::page_info(uint32_t va, PageInfo *info) const {
  const uint64_t page = page_down(va), page_end = page + page_size;
  for (unsigned i = 0; i < nsegs; ++i) {
    const Segment &s = segs[i];
    const uint64_t end = uint64_t(s.vaddr) + s.memsz;
    if (page >= end || page_end <= s.vaddr) continue;
    PageInfo r{};
    r.page = uint32_t(page);
    r.segment = i;
    r.rights = s.rights;
    r.inside = va >= s.vaddr && va < end;
    // The file-backed bytes of the segment that fall into this page.
    const uint64_t a = page > s.vaddr ? page : s.vaddr;
    const uint64_t fend = uint64_t(s.vaddr) + s.filesz;
    const uint64_t b = page_end < fend ? page_end : fend;
    if (a < b) {
      r.copy_bytes = uint32_t(b - a);
      r.page_offset = uint32_t(a - page);
      r.file_offset = uint32_t(s.offset + (a - s.vaddr));
    }
    if (info) *info = r;
    return true;
  }
  return false;
}

namespace {

bool name_equals(const uint8_t *strtab, uint64_t strsize, uint64_t off, const char *name,
                 Error *err) {
  // The whole name must be NUL-terminated inside the table, even when it does not match.
  if (off >= strsize) return *err = Error::bad_name, false;
  uint64_t end = off;
  while (end < strsize && strtab[end]) ++end;
  if (end == strsize) return *err = Error::bad_name, false;
  uint64_t i = off;
  for (; i < end && *name; ++i, ++name)
    if (strtab[i] != uint8_t(*name)) return false;
  return i == end && !*name;
}

} // namespace

Error Image::find_section(const char *name, Section *out) const {
  if (!nsegs) return Error::not_open;
  const Ehdr h = load<Ehdr>(data, 0);
  const uint64_t fsize = size;
  if (h.shnum == 0) return Error::no_section;
  if (h.shentsize != sizeof(Shdr)) return Error::bad_shentsize;
  if (uint64_t(h.shoff) + uint64_t(h.shnum) * sizeof(Shdr) > fsize) return Error::shdrs_outside_file;
  if (h.shstrndx == 0 || h.shstrndx >= h.shnum) return Error::bad_shstrndx;
  const Shdr strs = load<Shdr>(data, uint64_t(h.shoff) + uint64_t(h.shstrndx) * sizeof(Shdr));
  if (strs.type != sht_strtab) return Error::bad_shstrndx;
  if (uint64_t(strs.offset) + strs.size > fsize) return Error::strtab_outside_file;
  const uint8_t *strtab = data + strs.offset;

  Error err = Error::no_section;
  for (unsigned i = 0; i < h.shnum; ++i) {
    const Shdr s = load<Shdr>(data, uint64_t(h.shoff) + uint64_t(i) * sizeof(Shdr));
    if (i == 0) continue;  // SHN_UNDEF: all zero by definition, its name is not looked at
    Error name_err = Error::none;
    const bool match = name_equals(strtab, strs.size, s.name, name, &name_err);
    if (name_err != Error::none) return name_err;
    if (s.type != sht_nobits && uint64_t(s.offset) + s.size > fsize)
      return Error::section_outside_file;
    if (!match || err == Error::none) continue;
    Section r{s.addr, s.size, s.offset, s.type, s.flags, max_segments};
    if ((s.flags & 2 /* SHF_ALLOC */) && s.size) {
      const uint64_t end = uint64_t(s.addr) + s.size;
      for (unsigned k = 0; k < nsegs; ++k)
        if (s.addr >= segs[k].vaddr && end <= uint64_t(segs[k].vaddr) + segs[k].memsz) r.segment = k;
      if (r.segment == max_segments) return Error::section_outside_segments;
    }
    if (out) *out = r;
    err = Error::none;
  }
  return err;
}

} // namespace elf
