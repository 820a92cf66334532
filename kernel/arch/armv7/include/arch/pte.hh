// armv7 short-descriptor encodings (ARM ARM B3.5) and the bookkeeping over them, kept apart from
// the code that writes tables and maintains caches (mmu.cc) so that the host tests
// (tests/unit/test_armv7.cc) can check them bit by bit.
#pragma once
#include "lib/types.hh"

namespace kern::arch::pte {

// First level: a pointer to a second-level table, or a 1 MiB section (the kernel's).
constexpr uint32_t l1_table = 0x1, l1_section = 0x2;
constexpr uint32_t sect_b = 1u << 2, sect_xn = 1u << 4, sect_ap_kernel = 1u << 10;

// Second level, small (4 KiB) pages.
constexpr uint32_t pg_xn = 1u << 0, pg_small = 1u << 1, pg_b = 1u << 2, pg_c = 1u << 3,
                   pg_ap0 = 1u << 4, pg_ap1 = 1u << 5, pg_tex0 = 1u << 6, pg_ng = 1u << 11;
constexpr uint32_t pg_normal = pg_tex0 | pg_c | pg_b;   // TEX=001 C=1 B=1: write-back, allocate
constexpr uint32_t pg_device = pg_b;                    // TEX=000 C=0 B=1: shareable device

// A user page at phys with fpage rights (r=4 w=2 x=1). AP[2]=0 and AP[1:0] = 10 (user read-only)
// or 11 (user read/write); non-global, so tagged with the space's ASID. RAM is normal write-back
// memory; anything else is device memory and never executable.
constexpr uint32_t small_page(uint32_t phys, unsigned rights, bool ram) {
  uint32_t e = (phys & ~0xfffu) | pg_small | pg_ng | pg_ap1 | ((rights & 2) ? pg_ap0 : 0);
  e |= ram ? pg_normal : (pg_device | pg_xn);
  if (!(rights & 1)) e |= pg_xn;
  return e;
}
constexpr bool maps_page(uint32_t e) { return e & pg_small; }
constexpr uint32_t frame_of(uint32_t e) { return e & ~0xfffu; }

// A second-level table has 256 entries (1 KiB); one 4 KiB frame holds the four tables of an
// aligned 4 MiB "group", whose four first-level entries point into it in order.
constexpr unsigned group_shift = 22;
constexpr unsigned entries_per_group = 1024;
constexpr uint32_t l1_entry(uint32_t l2_frame, unsigned k) { return (l2_frame + k * 1024) | l1_table; }

// Groups that have their frame, one bit each.
inline void group_set(uint32_t *bits, unsigned g) { bits[g / 32] |= 1u << (g % 32); }
// The first group at or after g (below n) whose bit is set; n if none.
inline unsigned next_group(const uint32_t *bits, unsigned n, unsigned g) {
  while (g < n) {
    const uint32_t rest = bits[g / 32] >> (g % 32);
    if (rest) return g + unsigned(__builtin_ctz(rest));
    g = (g / 32 + 1) * 32;
  }
  return n;
}
// The first of a group's entries in [from, last) that maps a page; last if none.
inline unsigned first_mapped(const uint32_t *entries, unsigned from, unsigned last) {
  for (unsigned i = from; i < last; ++i)
    if (maps_page(entries[i])) return i;
  return last;
}

} // namespace kern::arch::pte
