// A checkpoint as a file (docs/restarts.md, "Checkpoints in files"): what `msh checkpoint --save`
// writes through the file server and `msh restore --load` brings back, after a reboot or on
// another machine. Versioned and checked, so that only a whole file of the same program's
// checkpoint is ever restored:
//
//   header (Header, 96 bytes, little-endian 32-bit words, as both targets are)
//   table  pages x 32-bit: the virtual address of each page, page-aligned, each once
//   caps   the capabilities and threads the checkpoint recorded (arc/proto/ckpt_caps.hh):
//          32-bit counts of interrupt associations, sessions and helper threads, where a
//          restored helper thread resumes, then each association (line, slot, endpoint), each
//          session (id, badge, client pid, token, address, bytes) and each helper thread
//          (number, stack pointer)
//   pages  pages x 4096 bytes, in the table's order
//
// The checksum (FNV-1a, 32 bits) runs over the header with its checksum word zero, then the
// table, the capabilities, the pages. The program is named, and its build identified (the
// linker's build id, or FNV-1a of the ELF file for a program without one), so that a checkpoint
// restores only into the very program it was taken of: its addresses (the restore entry, the
// stack, .data) mean nothing in another.
//
// Versions 1 (no capabilities part; the image's hash over the whole file) and 2 (no threads) are
// refused: their files say nothing of the interrupts and sessions (1) or of the helper threads
// (2) a restore must put back.
//
// Pure C++ without the kernel's headers: the pager encodes and checks it, the host tests too.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <arc/proto/ckpt_caps.hh>

namespace p3::ckptfile {

constexpr char magic[8] = {'A', 'R', 'C', 'C', 'K', 'P', 'T', '\n'};
constexpr uint32_t version = 3;
constexpr uint32_t page_bytes = 4096;
constexpr uint32_t max_pages = 2048;   // as the pager's checkpoint table (8 MiB)
constexpr unsigned program_bytes = 24;

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;    // sizeof(Header): a later version may grow it
  uint32_t machine;         // the program's ELF e_machine (3 x86, 40 ARM)
  uint32_t page_size;       // 4096
  uint32_t pages;           // entries of the table, pages after it
  uint32_t number;          // the checkpoint's number where it was taken (for the log)
  uint32_t resume_ip;       // the framework's restore entry
  uint32_t resume_sp;       // the main thread's stack pointer in its call at the restore point
  uint32_t parc_start;      // the framework's area, not in the file (a restore keeps the one
  uint32_t parc_end;        //   of now): must be where the running program has it
  uint32_t image_bytes;     // the program's ELF file: its size ...
  uint32_t image_hash;      // ... and its build's identity (FNV-1a of the build id note)
  char program[program_bytes];   // the boot module's name, NUL-padded
  uint32_t caps_bytes;      // the capabilities part (caps_part_bytes of its counts)
  uint32_t caps_va;         // where the framework's record of them lies in the process (0: none)
  uint32_t total_bytes;     // the whole file
  uint32_t checksum;
};
static_assert(sizeof(Header) == 96, "the file's header is 96 bytes");

enum class Error : uint32_t {
  none = 0,
  truncated,       // shorter than its header says (or than a header)
  too_long,        // longer than its header says
  bad_magic,       // not a checkpoint file
  bad_version,     // a checkpoint file of another version
  bad_header,      // inconsistent lengths, page size, too many pages, unaligned ranges
  wrong_machine,   // taken on another architecture
  wrong_program,   // of another program
  wrong_image,     // of another build of the program (size or hash differ)
  bad_table,       // a page address unaligned, repeated, or in the framework's area
  bad_checksum,    // damaged
  bad_page,        // a page the running program could not have written (not its memory)
  no_memory,       // no frame left for its pages (where it is loaded)
  bad_caps,        // the capabilities part inconsistent (counts, lengths, where its record
                   //   lies, a thread's number out of range or repeated, no resume address)
  missing_irq,     // an interrupt line the process does not hold where it is loaded
  missing_thread,  // a helper thread the process has not started where it is loaded
};

inline const char *error_name(Error e) {
  switch (e) {
  case Error::none: return "ok";
  case Error::truncated: return "truncated";
  case Error::too_long: return "longer than its header says";
  case Error::bad_magic: return "not a checkpoint file";
  case Error::bad_version: return "of another format version (an old file?)";
  case Error::bad_header: return "bad header";
  case Error::wrong_machine: return "of another architecture";
  case Error::wrong_program: return "of another program";
  case Error::wrong_image: return "of another build of the program";
  case Error::bad_table: return "bad page table";
  case Error::bad_checksum: return "checksum mismatch (damaged)";
  case Error::bad_page: return "a page outside the program's writable memory";
  case Error::no_memory: return "no memory for its pages";
  case Error::bad_caps: return "bad capability record";
  case Error::missing_irq: return "an interrupt line the process does not have here";
  case Error::missing_thread: return "a thread the process has not started here";
  }
  return "?";
}

// FNV-1a, 32 bits, fed in pieces.
struct Fnv {
  uint32_t h = 2166136261u;
  void add(const void *p, size_t n) {
    const unsigned char *b = static_cast<const unsigned char *>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 16777619u;
  }
};
uint32_t hash(const void *p, size_t n);

// What the running process is, for the checks of a file to be loaded into it.
struct Expect {
  uint32_t machine;
  const char *program;
  uint32_t image_bytes, image_hash;
  uint32_t parc_start, parc_end;
};

// The capabilities part: its bytes for so many associations, sessions and helper threads.
constexpr uint32_t caps_part_bytes(uint32_t irqs, uint32_t sessions, uint32_t threads) {
  return 16 + irqs * uint32_t(sizeof(arc::ckpt_caps::Irq)) +
         sessions * uint32_t(sizeof(arc::ckpt_caps::Session)) +
         threads * uint32_t(sizeof(arc::ckpt_caps::Thread));
}
constexpr uint32_t max_caps_bytes = caps_part_bytes(arc::ckpt_caps::max_irqs, arc::ckpt_caps::max_sessions,
                                                    arc::ckpt_caps::max_threads);

inline uint32_t file_bytes(uint32_t pages, uint32_t caps_bytes) {
  return uint32_t(sizeof(Header)) + pages * 4 + caps_bytes + pages * page_bytes;
}

// The capabilities part of a record (a record without its magic: none, 16 bytes of zeros);
// out has room for max_caps_bytes. Returns its length.
uint32_t encode_caps(const arc::ckpt_caps::Record &r, unsigned char *out);
// The part back into a record (magic set, loaded 0); bad_caps when the counts are out of bounds
// or do not give the header's caps_bytes, when the record's address is not aligned, or when a
// thread's number is not 1 .. max_threads or repeated, or threads come without a resume address.
Error decode_caps(const Header &h, const unsigned char *part, arc::ckpt_caps::Record *r);

// A header for a checkpoint of `pages` pages (checksum still 0: see checksum()).
Header make_header(const Expect &what, uint32_t pages, uint32_t number, uint32_t ip, uint32_t sp,
                   uint32_t caps_bytes, uint32_t caps_va);

// The header's own checks, and against the process it is for. total: the file's length as
// known (0: not yet known, e.g. while it arrives: lengths are checked by check_length later).
Error check_header(const Header &h, const Expect &e);
// The first n bytes of a file too short for a header: bad_magic if they are not the magic's
// start (a text file, say), else truncated.
Error check_short(const void *bytes, size_t n);
Error check_length(const Header &h, uint64_t total);
// The table: page-aligned, each page once, none in the framework's area.
Error check_table(const Header &h, const uint32_t *vas);

// The checksum of a file: the header (checksum word taken as 0), the table, the capabilities
// part (h.caps_bytes at caps), then each page; va(i) the i-th page's address, page(i) its 4096
// bytes.
template <class VaAt, class PageAt>
uint32_t checksum(const Header &h, VaAt va, const unsigned char *caps, PageAt page) {
  Header z = h;
  z.checksum = 0;
  Fnv f;
  f.add(&z, sizeof z);
  for (uint32_t i = 0; i < h.pages; ++i) {
    const uint32_t v = va(i);
    f.add(&v, 4);
  }
  f.add(caps, h.caps_bytes);
  for (uint32_t i = 0; i < h.pages; ++i) f.add(page(i), page_bytes);
  return f.h;
}

// Where byte `offset` of a file of `pages` pages and a capabilities part of caps_bytes lies: in
// the header, the table (entry index), the capabilities, or page index; `within` the byte's place
// there, `left` the bytes of that part from it on.
struct Place {
  enum Part { header, table, caps, page, end } part;
  uint32_t index, within, left;
};
Place locate(uint32_t pages, uint32_t caps_bytes, uint32_t offset);

} // namespace p3::ckptfile
