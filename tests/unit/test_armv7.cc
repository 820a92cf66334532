// ARMv7 logic that runs on a host: the short-descriptor encodings the kernel writes
// (kernel/arch/armv7/include/arch/pte.hh), the bookkeeping that lets a space be walked and
// destroyed in proportion to what it maps, and the PMU event mapping (pmu_events.hh). Expected
// values are written from the ARM ARM's bit layouts (B3.5.1, B3.6), not from the code.
#include <catch2/catch.hpp>
#include "arch/pmu_events.hh"
#include "arch/pte.hh"

using namespace kern::arch;

TEST_CASE("armv7 small-page entries follow the ARM ARM layout", "[armv7][pte]") {
  // RAM, rwx: small page (bit 1), B (2), C (3), AP[1:0] = 11 (bits 5:4), TEX = 001 (bit 6), nG (11).
  CHECK(pte::small_page(0x40001000, 7, true) == (0x40001000u | 0x2 | 0x4 | 0x8 | 0x30 | 0x40 | 0x800));
  // Read-only data: AP[1:0] = 10 (user read-only) and XN (bit 0).
  CHECK(pte::small_page(0x40002000, 4, true) == (0x40002000u | 0x1 | 0x2 | 0x4 | 0x8 | 0x20 | 0x40 | 0x800));
  // Read/write, not executable.
  CHECK(pte::small_page(0x40003000, 6, true) == (0x40003000u | 0x1 | 0x2 | 0x4 | 0x8 | 0x30 | 0x40 | 0x800));
  // Device memory (outside RAM): TEX=000 C=0 B=1, and never executable, even when x is asked for.
  CHECK(pte::small_page(0x09000000, 7, false) == (0x09000000u | 0x1 | 0x2 | 0x4 | 0x30 | 0x800));
  // AP[2] (bit 9) and the shareable bit (10) stay clear; the low bits of phys cannot leak in.
  const uint32_t e = pte::small_page(0x40004fff, 6, true);
  CHECK((e & (1u << 9)) == 0);
  CHECK(pte::frame_of(e) == 0x40004000u);
  CHECK(pte::maps_page(e));
  CHECK_FALSE(pte::maps_page(0));
  CHECK_FALSE(pte::maps_page(pte::l1_table));   // a first-level table pointer is not a page
}

TEST_CASE("armv7 first-level entries of a 4 MiB group point into one frame in order", "[armv7][pte]") {
  // Coarse page table descriptors: type 01, table base in bits 31:10 (1 KiB aligned).
  for (unsigned k = 0; k < 4; ++k) {
    const uint32_t e = pte::l1_entry(0x40100000, k);
    CHECK((e & 3) == 1);
    CHECK((e & ~0x3ffu) == 0x40100000u + k * 1024);
  }
  CHECK(pte::entries_per_group * 4 == 4096);                     // the frame is exactly full
  CHECK((1u << pte::group_shift) == 4u * 1024 * 1024);
  CHECK(pte::entries_per_group << 12 == 1u << pte::group_shift);   // 1024 pages of 4 KiB
}

TEST_CASE("armv7 group bitmap finds every group with a frame, and only those", "[armv7][pte]") {
  constexpr unsigned n = 768;   // user space below 3 GiB
  uint32_t bits[n / 32] = {};
  CHECK(pte::next_group(bits, n, 0) == n);
  const unsigned set[] = {0, 1, 31, 32, 33, 200, 511, 767};
  for (unsigned g : set) pte::group_set(bits, g);
  unsigned seen = 0, g = pte::next_group(bits, n, 0);
  for (; g < n; g = pte::next_group(bits, n, g + 1)) {
    REQUIRE(seen < sizeof(set) / sizeof(set[0]));
    CHECK(g == set[seen]);
    ++seen;
  }
  CHECK(seen == sizeof(set) / sizeof(set[0]));
  CHECK(pte::next_group(bits, n, 34) == 200);
  CHECK(pte::next_group(bits, n, 512) == 767);
  CHECK(pte::next_group(bits, n, 768) == n);
  CHECK(pte::next_group(bits, 700, 512) == 700);   // nothing below the limit
}

TEST_CASE("armv7 first_mapped scans only the range it is given", "[armv7][pte]") {
  uint32_t entries[pte::entries_per_group] = {};
  entries[5] = pte::small_page(0x40005000, 6, true);
  entries[900] = pte::small_page(0x40006000, 6, true);
  CHECK(pte::first_mapped(entries, 0, 1024) == 5);
  CHECK(pte::first_mapped(entries, 5, 1024) == 5);
  CHECK(pte::first_mapped(entries, 6, 1024) == 900);
  CHECK(pte::first_mapped(entries, 6, 900) == 900);    // = last: not found below the limit
  CHECK(pte::first_mapped(entries, 6, 7) == 7);        // a one-page question stays one page
  CHECK(pte::first_mapped(entries, 901, 1024) == 1024);
}

TEST_CASE("armv7 PMU: perfmon's events and the ARMv7 common event numbers", "[armv7][pmu]") {
  using namespace pmu_events;
  REQUIRE(find(arc::event::instructions));
  CHECK(find(arc::event::instructions)->code == 0x08);   // INST_RETIRED
  CHECK(find(arc::event::branches)->code == 0x0d);       // BR_IMMED_RETIRED
  CHECK(find(arc::event::icache_miss)->code == 0x01);    // L1I_CACHE_REFILL
  CHECK(find(arc::event::pc_write)->code == 0x0c);       // PC_WRITE_RETIRED
  // Cycles come from the cycle counter, software events from the kernel: no event counter.
  CHECK(find(arc::event::cycles) == nullptr);
  CHECK(find(arc::event::ipc_received) == nullptr);
  CHECK(find(arc::event::none) == nullptr);
  CHECK(find(arc::event::max) == nullptr);
}

TEST_CASE("armv7 PMU: counters shared between perfmon and the user clock", "[armv7][pmu]") {
  using namespace pmu_events;
  // Cortex-A15: six counters, perfmon 0..3, the user clock on 5.
  CHECK(perfmon_counters(6) == 4);
  CHECK(user_clock_counter(6) == 5);
  // Cortex-A8: four counters, all perfmon's, no user clock.
  CHECK(perfmon_counters(4) == 4);
  CHECK(user_clock_counter(4) == 0);
  CHECK(perfmon_counters(2) == 2);
  CHECK(user_clock_counter(0) == 0);
  // Instructions when they count (QEMU under -icount), cycles otherwise.
  CHECK(user_clock_event((1u << 0x08) | (1u << 0x0d)) == 0x08);
  CHECK(user_clock_event(1u << 0x0d) == 0x11);
  CHECK(user_clock_event(0) == 0x11);
}
