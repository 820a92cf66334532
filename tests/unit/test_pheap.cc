// Host tests of persistent memory (libs/pmem): the persistent heap (allocation patterns,
// coalescing, alignment, exhaustion, misuse, a crash after every single store of every operation
// and of the recovery itself, random corruption) and the Guard over persistent variables.
#include "pmem/heap.hh"
#include "pmem/persistent.hh"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

using pmem::Heap;
using pmem::HeapStats;
using pmem::Status;

// ---- crash simulation: the heap calls this after every store to persistent memory
namespace {
uint8_t *watched = nullptr;     // the region being written
size_t watched_size = 0;
long stores = 0;                // stores since the counter was reset
long crash_at = -1;             // take a snapshot after this many stores
std::vector<uint8_t> snapshot;  // the region as a crash at that point leaves it
} // namespace

namespace pmem::test {
void after_store() {
  ++stores;
  if (stores == crash_at && watched) snapshot.assign(watched, watched + watched_size);
}
} // namespace pmem::test

namespace {

constexpr size_t journal_begin = 64, journal_end = Heap::overhead;

struct Region {
  uint8_t *p;
  size_t n;
  explicit Region(size_t n) : p(static_cast<uint8_t *>(std::aligned_alloc(4096, n))), n(n) {
    memset(p, 0xcc, n);
  }
  ~Region() { std::free(p); }
  Region(const Region &) = delete;
  std::vector<uint8_t> bytes() const { return {p, p + n}; }
  void load(const std::vector<uint8_t> &b) { memcpy(p, b.data(), n); }
};

// The region without the journal area (whose stale entries do not matter once it is idle).
bool same_state(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b) {
  return std::equal(a.begin(), a.begin() + journal_begin, b.begin()) &&
         std::equal(a.begin() + journal_end, a.end(), b.begin() + journal_end);
}

// One heap operation, replayable on a restored region.
struct Op {
  bool is_alloc;
  size_t size, align;  // alloc
  size_t offset;       // free: payload offset from the region base
};

// Runs op on the heap attached to r; returns the payload offset allocated (or 0).
size_t run(Region &r, const Op &op) {
  Heap h;
  REQUIRE(h.attach(r.p, r.n));
  if (op.is_alloc) {
    void *p = h.alloc(op.size, op.align);
    return p ? size_t(static_cast<uint8_t *>(p) - r.p) : 0;
  }
  REQUIRE(h.free(r.p + op.offset) == Status::ok);
  return 0;
}

// Attaching a crashed image gives exactly the state before or after the operation; a crash during
// that recovery too.
void check_recovery(const std::vector<uint8_t> &crashed, const std::vector<uint8_t> &before,
                    const std::vector<uint8_t> &after, bool nested) {
  Region r(crashed.size());
  r.load(crashed);
  watched = r.p;
  watched_size = r.n;
  stores = 0;
  crash_at = -1;
  Heap h;
  REQUIRE(h.attach(r.p, r.n));
  const long recovery_stores = stores;
  REQUIRE(h.check() == Status::ok);
  const std::vector<uint8_t> now = r.bytes();
  REQUIRE((same_state(now, before) || same_state(now, after)));
  if (!nested) return;
  for (long k = 1; k <= recovery_stores; ++k) {
    r.load(crashed);
    stores = 0;
    crash_at = k;
    snapshot.clear();
    REQUIRE(h.attach(r.p, r.n));
    REQUIRE(!snapshot.empty());
    const std::vector<uint8_t> again = snapshot;
    crash_at = -1;
    check_recovery(again, before, after, false);
    watched = r.p;
    watched_size = r.n;
  }
}

uint32_t rd32(const Region &r, size_t off) {
  uint32_t v;
  memcpy(&v, r.p + off, 4);
  return v;
}

} // namespace

TEST_CASE("PHEAP0001 format, attach, stats", "[pmem]") {
  Region r(64 * 1024);
  Heap h;
  CHECK_FALSE(h.attached());
  CHECK(h.alloc(16) == nullptr);
  CHECK(h.free(r.p + 1024) == Status::not_attached);
  CHECK(h.check() == Status::not_attached);
  CHECK_FALSE(h.format(r.p, Heap::overhead + 16));  // too small
  CHECK_FALSE(h.format(r.p + 4, 4096));             // misaligned
  CHECK_FALSE(h.format(nullptr, 4096));
  REQUIRE(h.format(r.p, r.n));
  CHECK(h.attached());
  HeapStats s = h.stats();
  CHECK(s.capacity == r.n - Heap::overhead);
  CHECK(s.free_bytes == s.capacity);
  CHECK(s.free_blocks == 1);
  CHECK(s.used_blocks == 0);
  CHECK(s.generation == 0);
  CHECK(s.largest_free == s.capacity);
  CHECK(h.check() == Status::ok);

  Heap again;
  CHECK(again.attach(r.p, r.n));
  CHECK(again.attach(r.p));  // size from the header
  CHECK_FALSE(again.attach(r.p, r.n - 4096));  // the caller knows better
  CHECK_FALSE(again.attach(r.p + 16, r.n - 16));
  Region blank(8192);
  CHECK_FALSE(again.attach(blank.p, blank.n));
  memset(blank.p, 0, blank.n);
  CHECK_FALSE(again.attach(blank.p, blank.n));
  CHECK_FALSE(again.attached());
  CHECK(std::string(pmem::describe(Status::double_free)) == "double free");
}

TEST_CASE("PHEAP0002 random allocation patterns keep payloads intact", "[pmem]") {
  Region r(256 * 1024);
  Heap h;
  REQUIRE(h.format(r.p, r.n));
  std::mt19937 rng(99);
  struct Live {
    uint8_t *p;
    size_t n;
    uint8_t fill;
  };
  std::vector<Live> live;
  size_t fails = 0;
  for (int step = 0; step < 5000; ++step) {
    if (live.empty() || rng() % 3) {
      const size_t n = rng() % 4 ? rng() % 200 : rng() % 8000;
      const size_t align = size_t(1) << (rng() % 10);
      auto *p = static_cast<uint8_t *>(h.alloc(n, align));
      if (!p) {
        ++fails;
        continue;
      }
      REQUIRE(reinterpret_cast<uintptr_t>(p) % std::max<size_t>(align, 16) == 0);
      REQUIRE(p >= r.p + Heap::overhead);
      REQUIRE(p + n <= r.p + r.n);
      REQUIRE(h.usable_size(p) >= n);
      const uint8_t fill = uint8_t(rng());
      memset(p, fill, n);
      live.push_back({p, n, fill});
    } else {
      const size_t i = rng() % live.size();
      const Live l = live[i];
      for (size_t k = 0; k < l.n; ++k) REQUIRE(l.p[k] == l.fill);
      REQUIRE(h.free(l.p) == Status::ok);
      live.erase(live.begin() + long(i));
    }
    if (step % 100 == 0) REQUIRE(h.check() == Status::ok);
  }
  for (const Live &l : live) {
    for (size_t k = 0; k < l.n; ++k) REQUIRE(l.p[k] == l.fill);
    REQUIRE(h.free(l.p) == Status::ok);
  }
  const HeapStats s = h.stats();
  CHECK(s.used_blocks == 0);
  CHECK(s.free_blocks == 1);  // everything merged back
  CHECK(s.free_bytes == s.capacity);
  CHECK(fails > 0);  // the pattern did reach exhaustion
}

TEST_CASE("PHEAP0003 coalescing with either and both neighbours", "[pmem]") {
  Region r(16 * 1024);
  Heap h;
  REQUIRE(h.format(r.p, r.n));
  void *a = h.alloc(100), *b = h.alloc(100), *c = h.alloc(100), *d = h.alloc(100);
  REQUIRE((a && b && c && d));
  CHECK(h.stats().free_blocks == 1);
  REQUIRE(h.free(a) == Status::ok);
  CHECK(h.stats().free_blocks == 2);
  REQUIRE(h.free(c) == Status::ok);
  CHECK(h.stats().free_blocks == 3);
  REQUIRE(h.free(b) == Status::ok);  // merges a, b, c
  CHECK(h.stats().free_blocks == 2);
  REQUIRE(h.free(d) == Status::ok);  // merges with both sides
  CHECK(h.stats().free_blocks == 1);
  CHECK(h.stats().largest_free == h.stats().capacity);
  // First fit reuses the lowest hole.
  void *x = h.alloc(100);
  CHECK(x == a);
}

TEST_CASE("PHEAP0004 alignment", "[pmem]") {
  Region r(1 << 20);
  Heap h;
  REQUIRE(h.format(r.p, r.n));
  for (size_t align = 1; align <= 65536; align <<= 1) {
    INFO(align);
    void *p = h.alloc(24, align);
    REQUIRE(p);
    CHECK(reinterpret_cast<uintptr_t>(p) % std::max<size_t>(align, 16) == 0);
    void *q = h.alloc(1, align);
    REQUIRE(q);
    CHECK(reinterpret_cast<uintptr_t>(q) % std::max<size_t>(align, 16) == 0);
  }
  CHECK(h.check() == Status::ok);
  CHECK(h.alloc(16, 3) == nullptr);
  CHECK(h.alloc(16, 48) == nullptr);
  CHECK(h.alloc(16, size_t(1) << 31) == nullptr);
}

TEST_CASE("PHEAP0005 exhaustion and the whole heap in one block", "[pmem]") {
  Region r(32 * 1024);
  Heap h;
  REQUIRE(h.format(r.p, r.n));
  const size_t cap = h.stats().capacity;
  CHECK(h.alloc(cap) == nullptr);  // the block header needs room too
  CHECK(h.alloc(SIZE_MAX) == nullptr);
  CHECK(h.alloc(SIZE_MAX - 8, 4096) == nullptr);
  void *all = h.alloc(cap - Heap::block_header);
  REQUIRE(all);
  CHECK(h.alloc(0) == nullptr);
  CHECK(h.stats().free_blocks == 0);
  REQUIRE(h.free(all) == Status::ok);
  std::vector<void *> v;
  while (void *p = h.alloc(0)) v.push_back(p);  // 32-byte blocks
  CHECK(v.size() == cap / 32);
  for (void *p : v) REQUIRE(h.free(p) == Status::ok);
  CHECK(h.stats().free_blocks == 1);
}

TEST_CASE("PHEAP0006 double free and invalid pointers are refused and change nothing", "[pmem]") {
  Region r(16 * 1024);
  Heap h;
  REQUIRE(h.format(r.p, r.n));
  auto *a = static_cast<uint8_t *>(h.alloc(64));
  auto *b = static_cast<uint8_t *>(h.alloc(64));
  auto *c = static_cast<uint8_t *>(h.alloc(64));
  REQUIRE((a && b && c));
  REQUIRE(h.free(b) == Status::ok);
  const std::vector<uint8_t> before = r.bytes();
  CHECK(h.free(b) == Status::double_free);
  CHECK(h.free(a + 16) == Status::invalid_pointer);   // inside a used block
  CHECK(h.free(a + 1) == Status::invalid_pointer);    // misaligned
  CHECK(h.free(nullptr) == Status::invalid_pointer);
  CHECK(h.free(r.p) == Status::invalid_pointer);      // the header
  CHECK(h.free(r.p + r.n) == Status::invalid_pointer);
  CHECK(h.free(r.p + r.n + 4096) == Status::invalid_pointer);
  CHECK(h.free(b + 32) == Status::double_free);       // inside a free block
  CHECK(h.free(c + 4096) == Status::double_free);     // inside the big free block
  CHECK(h.usable_size(b) == 0);
  CHECK(h.usable_size(a + 16) == 0);
  CHECK(h.usable_size(a) == 64);
  CHECK(r.bytes() == before);
  REQUIRE(h.free(a) == Status::ok);  // merges with b
  CHECK(h.free(b) == Status::double_free);  // no longer a block start: inside a free block
  CHECK(h.free(a) == Status::double_free);
  CHECK(h.check() == Status::ok);
}

TEST_CASE("PHEAP0007 objects survive detach and attach", "[pmem]") {
  Region r(64 * 1024);
  std::vector<std::pair<size_t, uint8_t>> objs;
  {
    Heap h;
    REQUIRE(h.format(r.p, r.n));
    for (int i = 0; i < 20; ++i) {
      auto *p = static_cast<uint8_t *>(h.alloc(50 + i));
      memset(p, i, 50 + i);
      objs.push_back({size_t(p - r.p), uint8_t(i)});
    }
    REQUIRE(h.free(r.p + objs[5].first) == Status::ok);
  }
  const HeapStats s0 = [&] { Heap h; REQUIRE(h.attach(r.p, r.n)); return h.stats(); }();
  // A "restart": the region is moved (another mapping address) and attached again.
  Region moved(r.n);
  memcpy(moved.p, r.p, r.n);
  Heap h;
  REQUIRE(h.attach(moved.p, moved.n));
  CHECK(h.stats().used_blocks == 19);
  CHECK(h.stats().generation == s0.generation);
  for (int i = 0; i < 20; ++i) {
    if (i == 5) continue;
    CHECK(moved.p[objs[i].first] == i);
    CHECK(h.usable_size(moved.p + objs[i].first) >= size_t(50 + i));
    REQUIRE(h.free(moved.p + objs[i].first) == Status::ok);
  }
  CHECK(h.free(moved.p + objs[5].first) == Status::double_free);
  CHECK(h.stats().used_blocks == 0);
}

TEST_CASE("PHEAP0008 a crash after any store leaves the state before or after", "[pmem]") {
  std::mt19937 rng(2024);
  Region r(24 * 1024);
  {
    Heap h;
    REQUIRE(h.format(r.p, r.n));
  }
  std::vector<size_t> live;  // payload offsets
  long crashes = 0, committed_recoveries = 0;
  for (int step = 0; step < 120; ++step) {
    Op op{};
    if (live.empty() || rng() % 5 < 3) {
      const size_t aligns[] = {16, 16, 64, 256, 1024};
      op = {true, rng() % 600, aligns[rng() % 5], 0};
    } else {
      op = {false, 0, 0, live[rng() % live.size()]};
    }
    const std::vector<uint8_t> before = r.bytes();
    watched = r.p;
    watched_size = r.n;
    stores = 0;
    crash_at = -1;
    const size_t got = run(r, op);
    const long total = stores;
    const std::vector<uint8_t> after = r.bytes();
    if (op.is_alloc && !got) REQUIRE(total == 0);  // a failed alloc writes nothing
    for (long k = 1; k <= total; ++k) {
      r.load(before);
      stores = 0;
      crash_at = k;
      snapshot.clear();
      REQUIRE(run(r, op) == got);  // deterministic replay
      REQUIRE(!snapshot.empty());
      const std::vector<uint8_t> crashed = snapshot;
      // Which outcome to expect: after the commit word, "after"; before it, "before".
      Region probe(r.n);
      probe.load(crashed);
      const bool committed = rd32(probe, journal_begin) != 0;
      committed_recoveries += committed;
      check_recovery(crashed, before, after, committed && k % 3 == 0);
      probe.load(crashed);
      Heap ph;
      REQUIRE(ph.attach(probe.p, probe.n));
      const std::vector<uint8_t> rec = probe.bytes();
      if (committed || k == total) REQUIRE(same_state(rec, after));
      else REQUIRE(same_state(rec, before));
      ++crashes;
      watched = r.p;
      watched_size = r.n;
    }
    r.load(after);
    crash_at = -1;
    if (op.is_alloc && got) live.push_back(got);
    if (!op.is_alloc) live.erase(std::find(live.begin(), live.end(), op.offset));
  }
  watched = nullptr;
  CHECK(crashes > 1000);
  CHECK(committed_recoveries > 100);
}

TEST_CASE("PHEAP0009 corruption is detected or harmless, never a crash", "[pmem]") {
  std::mt19937 rng(31337);
  constexpr size_t size = 16 * 1024;
  Region r(size);
  Heap h;
  REQUIRE(h.format(r.p, r.n));
  std::vector<void *> ps;
  for (int i = 0; i < 30; ++i) ps.push_back(h.alloc(rng() % 300));
  for (int i = 0; i < 30; i += 3) REQUIRE(h.free(ps[size_t(i)]) == Status::ok);
  const std::vector<uint8_t> pristine = r.bytes();
  // Metadata lives in the header, the journal and the block headers; hit those often.
  std::vector<size_t> meta;
  for (size_t o = 0; o < journal_end; ++o) meta.push_back(o);
  {
    // Block headers: walk by sizes (word 0 of each 16-byte header).
    size_t b = Heap::overhead;
    while (b < size) {
      for (size_t k = 0; k < 16; ++k) meta.push_back(b + k);
      b += rd32(r, b) & ~size_t(15);
    }
  }
  int refused = 0, accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    r.load(pristine);
    const int flips = 1 + int(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t at = rng() % 4 ? meta[rng() % meta.size()] : rng() % size;
      r.p[at] ^= uint8_t(1u << (rng() % 8));
    }
    Heap c;
    if (!c.attach(r.p, r.n)) {
      ++refused;
      continue;
    }
    ++accepted;
    // Accepted: it must be a consistent heap that keeps working.
    REQUIRE(c.check() == Status::ok);
    std::vector<void *> mine;
    for (int k = 0; k < 40; ++k) {
      if (mine.empty() || rng() % 2) {
        void *p = c.alloc(rng() % 500, size_t(16) << (rng() % 3));
        if (p) {
          memset(p, 0x5a, 1);
          mine.push_back(p);
        }
      } else {
        REQUIRE(c.free(mine.back()) == Status::ok);
        mine.pop_back();
      }
    }
    REQUIRE(c.check() == Status::ok);
  }
  CHECK(refused > 1000);
  CHECK(accepted > 100);  // payload hits and harmless fields

  // Corruption while attached: operations refuse or work, never crash; check() notices.
  for (int iter = 0; iter < 2000; ++iter) {
    r.load(pristine);
    Heap c;
    REQUIRE(c.attach(r.p, r.n));
    for (int k = 0; k < 1 + int(rng() % 3); ++k) {
      const size_t at = meta[rng() % meta.size()];
      r.p[at] = uint8_t(rng());
    }
    for (int k = 0; k < 10; ++k) {
      if (rng() % 2) c.alloc(rng() % 2000, 16);
      else c.free(ps[rng() % ps.size()]);
      (void)c.check();
      (void)c.stats();
    }
  }
  // Random garbage is never a heap.
  for (int iter = 0; iter < 200; ++iter) {
    for (size_t i = 0; i < size; ++i) r.p[i] = uint8_t(rng());
    Heap c;
    CHECK_FALSE(c.attach(r.p, r.n));
    CHECK_FALSE(c.attach(r.p));
  }
}

// ---- Guard

namespace {
ARC_PERSISTENT pmem::GuardState guard_state;
ARC_PERSISTENT int counter = 1;
ARC_PERSISTENT char table[100];
} // namespace

TEST_CASE("PMEM0001 CRC-32", "[pmem]") {
  CHECK(pmem::crc32("123456789", 9) == 0xcbf43926u);
  CHECK(pmem::crc32("", 0) == 0);
  CHECK(pmem::crc32("56789", 5, pmem::crc32("1234", 4)) == 0xcbf43926u);
}

TEST_CASE("PMEM0002 Guard: commit points and verification", "[pmem]") {
  memset(&guard_state, 0, sizeof guard_state);
  {
    pmem::Guard g(&guard_state);
    REQUIRE(g.add(counter));
    REQUIRE(g.add(table, sizeof table));
    CHECK_FALSE(g.committed());  // first start
    CHECK_FALSE(g.verify());
    g.commit();
    CHECK(g.committed());
    CHECK(g.verify());
    counter = 2;  // an update that has not reached its commit point
    CHECK_FALSE(g.verify());
    g.commit();
    CHECK(g.verify());
    table[50] ^= 1;  // a stray write
    CHECK_FALSE(g.verify());
    table[50] ^= 1;
    CHECK(g.verify());
  }
  {
    // A restart registers the same variables: still verified.
    pmem::Guard g(&guard_state);
    g.add(counter);
    g.add(table, sizeof table);
    CHECK(g.verify());
    // The state itself damaged, or a commit cut short.
    pmem::GuardState saved = guard_state;
    guard_state.crc ^= 1;
    CHECK_FALSE(g.verify());
    CHECK_FALSE(g.committed());
    guard_state = saved;
    guard_state.check ^= 0x100;
    CHECK_FALSE(g.verify());
    guard_state = saved;
    CHECK(g.verify());
  }
  {
    // Different registrations (a new version of the program) are not verified.
    pmem::Guard g(&guard_state);
    g.add(counter);
    CHECK_FALSE(g.verify());
    pmem::Guard g2(&guard_state);
    g2.add(table, sizeof table);
    g2.add(counter);
    CHECK_FALSE(g2.verify());
  }
  {
    pmem::GuardState st{};
    pmem::Guard g(&st);
    int v[pmem::Guard::max_ranges + 1] = {};
    for (unsigned i = 0; i < pmem::Guard::max_ranges; ++i) CHECK(g.add(v[i]));
    CHECK_FALSE(g.add(v[pmem::Guard::max_ranges]));
    g.commit();
    CHECK(g.verify());
  }
}
