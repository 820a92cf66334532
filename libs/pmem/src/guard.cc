// CRC-32 and the persistent-variable Guard.
#include "pmem/persistent.hh"

namespace pmem {

namespace {

constexpr uint32_t guard_magic = 0x50475244;  // "PGRD"

// The CRC table, computed at compile time (no start-up code, nothing writable).
struct Table {
  uint32_t t[256];
  constexpr Table() : t() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
  }
};
constexpr Table table;

uint32_t state_check(const GuardState &s) {
  const uint32_t f[4] = {s.magic, s.ranges, s.bytes, s.crc};
  return crc32(f, sizeof f, 0x5eed);
}

} // namespace

uint32_t crc32(const void *data, size_t n, uint32_t crc) {
  const auto *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table.t[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

bool Guard::add(const void *p, size_t n) {
  if (nranges == max_ranges) return false;
  range[nranges++] = {p, n};
  return true;
}

uint32_t Guard::compute(uint32_t *bytes) const {
  uint32_t crc = 0;
  uint64_t total = 0;
  for (unsigned i = 0; i < nranges; ++i) {
    crc = crc32(range[i].p, range[i].n, crc);
    total += range[i].n;
  }
  *bytes = uint32_t(total);
  return crc;
}

void Guard::commit() {
  uint32_t bytes;
  const uint32_t crc = compute(&bytes);
  GuardState s{guard_magic, nranges, bytes, crc, 0};
  s.check = state_check(s);
  // A crash inside these stores leaves a state whose check fails: verify() then says no.
  volatile uint32_t *w = reinterpret_cast<volatile uint32_t *>(state);
  const uint32_t f[5] = {s.magic, s.ranges, s.bytes, s.crc, s.check};
  for (int i = 0; i < 5; ++i) w[i] = f[i];
  asm volatile("" ::: "memory");
}

bool Guard::committed() const {
  const GuardState s = *state;
  return s.magic == guard_magic && s.check == state_check(s);
}

bool Guard::verify() const {
  const GuardState s = *state;
  if (s.magic != guard_magic || s.check != state_check(s)) return false;
  uint32_t bytes;
  const uint32_t crc = compute(&bytes);
  return s.ranges == nranges && s.bytes == bytes && s.crc == crc;
}

} // namespace pmem
