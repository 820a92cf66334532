// ELF32 executables for user-level loaders (the per-process pagers): validation, the page-by-page
// loading plan a pager follows on a fault, and named-section lookup (`.pdata`, persistent memory).
//
// The rules are those of the kernel's checker (kernel/lib/elf.cc) plus a caller-given address
// window [low, high), integer-overflow checks and section-header validation. Every field is
// checked before it is used; nothing outside [data, data + size) is read. No allocation, no
// system calls: an Image is a small fixed-size object that keeps a pointer to the file.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace elf {

constexpr uint16_t em_386 = 3, em_arm = 40;
constexpr unsigned max_phdrs = 32;     // program headers in a file
constexpr unsigned max_segments = 16;  // loadable segments
constexpr uint32_t page_size = 4096;

// Raw file structures (System V ABI).
struct Ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version, entry, phoff, shoff, flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Phdr {
  uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
struct Shdr {
  uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
};
static_assert(sizeof(Ehdr) == 52 && sizeof(Phdr) == 32 && sizeof(Shdr) == 40);

constexpr uint32_t pt_load = 1, pt_dynamic = 2, pt_interp = 3;
constexpr uint32_t pf_x = 1, pf_w = 2, pf_r = 4;
constexpr uint32_t sht_nobits = 8, sht_strtab = 3;

// Why an image (or its section table) was refused.
enum class Error : uint8_t {
  none,
  truncated,              // shorter than the ELF header
  bad_magic,              // not \x7fELF
  bad_class,              // not ELFCLASS32
  bad_endian,             // not little-endian
  bad_type,               // not ET_EXEC
  bad_machine,            // not the machine the caller asked for
  bad_phentsize,          // program header size is not 32
  bad_phnum,              // no program headers, or more than max_phdrs
  phdrs_outside_file,     // the program header table does not lie inside the file
  dynamic,                // PT_INTERP or PT_DYNAMIC: not a static executable
  too_many_segments,      // more than max_segments loadable segments
  no_segments,            // no loadable segment
  filesz_exceeds_memsz,
  segment_outside_file,   // [offset, offset + filesz) not inside the file
  overflow,               // vaddr + memsz or offset + filesz wraps around 32 bits
  outside_range,          // a segment is not inside [low, high)
  misaligned,             // offset and vaddr differ modulo the page size
  overlap,                // two segments share a byte
  shared_page,            // two segments share a page (a pager maps whole pages, one set of rights)
  entry_not_executable,   // the entry point is not inside an executable segment
  // Section table (find_section):
  bad_shentsize,          // section header size is not 40
  shdrs_outside_file,
  bad_shstrndx,           // the string table index is not a section, or not a string table
  strtab_outside_file,
  bad_name,               // a name offset outside the string table, or not NUL-terminated in it
  section_outside_file,   // a non-NOBITS section's bytes are not inside the file
  section_outside_segments,  // the named allocated section is not inside one loadable segment
  no_section,             // no section of that name (not a malformed file)
  not_open,               // the Image was not opened successfully
};
const char *describe(Error e);

struct Segment {
  uint32_t vaddr, memsz;    // [vaddr, vaddr + memsz) in memory
  uint32_t offset, filesz;  // [offset, offset + filesz) of the file fills its start
  uint8_t rights;           // pf_r | pf_w | pf_x
};

// How to fill the page that holds an address: copy `copy_bytes` bytes from file offset
// `file_offset` to offset `page_offset` inside the page; every other byte of the page is zero.
struct PageInfo {
  uint32_t page;            // the page's address (va rounded down)
  unsigned segment;         // index into segments()
  uint8_t rights;           // of that segment: pf_r | pf_w | pf_x
  bool inside;              // va itself lies in [vaddr, vaddr + memsz) (not only its page)
  uint32_t file_offset;
  uint32_t copy_bytes;      // 0..page_size
  uint32_t page_offset;     // 0..page_size - 1
};

struct Section {
  uint32_t addr, size;      // [addr, addr + size) in memory (allocated sections)
  uint32_t offset;          // in the file (meaningless for NOBITS)
  uint32_t type, flags;     // sh_type, sh_flags
  unsigned segment;         // the loadable segment holding it (allocated sections)
};

class Image {
public:
  // Validates the file for `machine` with every segment inside [low, high) and, on success,
  // remembers it (the bytes must stay valid while the Image is used). On failure returns false
  // with the reason in *err (if err is not null) and the Image stays closed.
  bool open(const void *data, size_t size, uint16_t machine, uint32_t low, uint64_t high,
            Error *err);

  bool is_open() const { return nsegs != 0; }
  uint32_t entry() const { return entry_; }
  unsigned segment_count() const { return nsegs; }
  const Segment *segments() const { return segs; }
  const Segment &segment(unsigned i) const { return segs[i]; }

  // The page holding va: false when no segment touches that page.
  bool page_info(uint32_t va, PageInfo *info) const;

  // Finds the section `name` (e.g. ".pdata") after validating the section header table. Returns
  // Error::none and fills *out, Error::no_section when the table is sound but has no such
  // section, or the reason the table is malformed.
  Error find_section(const char *name, Section *out) const;

private:
  const uint8_t *data = nullptr;
  size_t size = 0;
  uint32_t entry_ = 0;
  Segment segs[max_segments];
  unsigned nsegs = 0;
};

} // namespace elf
