// Persistent memory of a user process: variables that survive hot and warm restarts.
//
// ARC_PERSISTENT places a variable in the `.pdata` section. The program's link gathers all .pdata
// input sections, page-aligned, between __pdata_start and __pdata_end (libs/pmem/pdata.ld), so the
// pager knows from the image's section table (elf::Image::find_section(".pdata")) which pages to
// keep across a restart; every other writable page is reloaded from the pristine image.
//
//   ARC_PERSISTENT static SessionTable sessions;   // zero on the first start, kept afterwards
//   ARC_PERSISTENT static uint32_t generation = 1;  // initial value from the image, then kept
//
// Persistent variables must be constant-initialized (no constructor that runs at start-up: it would
// overwrite the kept value on every restart); give them trivial types or constinit initializers.
#pragma once
#include <stddef.h>
#include <stdint.h>

#define ARC_PERSISTENT __attribute__((section(".pdata")))

extern "C" {
extern char __pdata_start[];  // first byte of the persistent section (page-aligned)
extern char __pdata_end[];    // one past its end (page-aligned)
}

namespace pmem {

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32()); `crc` chains calls: crc32(b, n2, crc32(a, n1)).
uint32_t crc32(const void *data, size_t n, uint32_t crc = 0);

// Persistent state of a Guard; declare it ARC_PERSISTENT next to the variables it protects.
struct GuardState {
  uint32_t magic;
  uint32_t ranges;   // how many ranges, and ...
  uint32_t bytes;    // ... how many bytes were covered when the checksum was committed
  uint32_t crc;      // over the ranges' bytes
  uint32_t check;    // over the four fields above
};

// An integrity check over registered persistent variables. At every start register the same
// variables in the same order (add()); commit() after each consistent update (a commit point, e.g.
// when a request has been served); before Recover(), verify() tells whether the variables are
// exactly as committed. A false verify() means the last update did not reach its commit point or
// something overwrote persistent memory: escalate to a cold (or group) restart rather than trust it.
class Guard {
public:
  static constexpr unsigned max_ranges = 32;

  explicit Guard(GuardState *state) : state(state) {}

  // False when max_ranges are already registered.
  bool add(const void *p, size_t n);
  template <typename T> bool add(const T &v) { return add(&v, sizeof v); }

  void commit();
  bool verify() const;
  // Whether commit() was ever called on this state (false on a first start / after cold restart).
  bool committed() const;

private:
  struct Range {
    const void *p;
    size_t n;
  };
  GuardState *state;
  Range range[max_ranges];
  unsigned nranges = 0;
  uint32_t compute(uint32_t *bytes) const;
};

} // namespace pmem
