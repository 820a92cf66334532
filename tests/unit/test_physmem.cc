// Host tests of the root task's physical page table (libs/physmem): regions, allocation, sharing,
// task exit, every misuse, and a randomized comparison with a simple model.
#include "physmem/physmem.hh"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace physmem;

namespace physmem {
bool operator==(const Entry &a, const Entry &b) {
  return a.owner == b.owner && a.holders == b.holders && a.state == b.state && a.kind == b.kind;
}
} // namespace physmem

namespace {

struct Fixture {
  std::vector<Entry> entries;
  std::vector<Share> shares;
  Table t;
  Fixture(uint32_t nframes, Frame first, std::vector<Region> regions, unsigned nshares = 16)
      : entries(nframes), shares(nshares) {
    REQUIRE(t.init(entries.data(), nframes, first, regions.data(), unsigned(regions.size()),
                   shares.data(), nshares) == Error::ok);
    REQUIRE(t.check());
  }
};

constexpr uint64_t K = 4096;

} // namespace

TEST_CASE("PHYS0001 init: RAM rounded in, reservations rounded out, reservations win", "[physmem]") {
  // Frames 0x100..0x120 in the table. RAM 0x100000 + 0x800 .. 0x118000 + 0x800 (partial pages
  // dropped), a module at 0x104800 (one partial page reserved whole), a device page, the kernel
  // listed before the RAM it is in.
  Fixture f(0x20, 0x100,
            {{0x100000, 0x2000, Kind::kernel},
             {0x100800, 0x18000, Kind::ram},
             {0x104800, 0x100, Kind::module},
             {0x11f000, 0x1000, Kind::device},
             {0x0, 0x1000, Kind::firmware},         // outside: clipped away
             {0x11c000, 0x100000, Kind::ram}});      // reaches outside: clipped
  const Totals t = f.t.totals();
  CHECK(t.frames == 0x20);
  CHECK(f.t.entry(0x100)->state == State::reserved);
  CHECK(f.t.entry(0x100)->kind == Kind::kernel);
  CHECK(f.t.entry(0x101)->state == State::reserved);
  CHECK(f.t.entry(0x102)->state == State::free);
  CHECK(f.t.entry(0x104)->state == State::reserved);
  CHECK(f.t.entry(0x104)->kind == Kind::module);
  CHECK(f.t.entry(0x105)->state == State::free);
  CHECK(f.t.entry(0x118)->state == State::absent);  // the partial last RAM page
  CHECK(f.t.entry(0x11b)->state == State::absent);
  CHECK(f.t.entry(0x11c)->state == State::free);
  CHECK(f.t.entry(0x11f)->state == State::reserved);
  CHECK(f.t.entry(0x11f)->kind == Kind::device);
  CHECK(f.t.entry(0xff) == nullptr);
  CHECK(f.t.entry(0x120) == nullptr);
  CHECK(t.reserved == 4);
  CHECK(t.reserved_by[unsigned(Kind::kernel)] == 2);
  CHECK(t.reserved_by[unsigned(Kind::module)] == 1);
  CHECK(t.reserved_by[unsigned(Kind::device)] == 1);
  CHECK(t.reserved_by[unsigned(Kind::firmware)] == 0);
  CHECK(t.free == (0x118 - 0x100 - 3) + 3);
  CHECK(t.absent == 0x20 - t.free - t.reserved);
  CHECK(f.t.check());

  Table bad;
  std::vector<Entry> e(4);
  const Region wrap{~0ull - 10, 100, Kind::ram};
  CHECK(bad.init(e.data(), 4, 0, &wrap, 1, nullptr, 0) == Error::bad_region);
  const Region kind{0, 100, Kind(9)};
  CHECK(bad.init(e.data(), 4, 0, &kind, 1, nullptr, 0) == Error::bad_region);
  CHECK(bad.init(e.data(), 4, 0xfffffffe, nullptr, 0, nullptr, 0) == Error::bad_region);
}

TEST_CASE("PHYS0002 alloc, alloc_at, release, exhaustion", "[physmem]") {
  Fixture f(8, 0, {{0, 8 * K, Kind::ram}, {0, K, Kind::kernel}});
  Frame fr;
  std::set<Frame> got;
  for (int i = 0; i < 7; ++i) {
    REQUIRE(f.t.alloc(1, &fr) == Error::ok);
    CHECK(f.t.entry(fr)->state == State::allocated);
    CHECK(f.t.entry(fr)->owner == 1);
    CHECK(f.t.entry(fr)->holders == 1);
    got.insert(fr);
  }
  CHECK(got.size() == 7);
  CHECK(got.count(0) == 0);  // reserved
  CHECK(f.t.alloc(1, &fr) == Error::no_memory);
  CHECK(f.t.usage(1).owned == 7);
  CHECK(f.t.totals().allocated == 7);
  REQUIRE(f.t.release(3, 1) == Error::ok);
  CHECK(f.t.entry(3)->state == State::free);
  CHECK(f.t.entry(3)->owner == 0);
  CHECK(f.t.alloc_at(3, 2) == Error::ok);
  CHECK(f.t.entry(3)->owner == 2);
  CHECK(f.t.usage(2).owned == 1);
  CHECK(f.t.usage(1).owned == 6);
  CHECK(f.t.check());
}

TEST_CASE("PHYS0003 every misuse is refused and changes nothing", "[physmem]") {
  Fixture f(8, 0x10, {{0x10 * K, 6 * K, Kind::ram}, {0x10 * K, K, Kind::device}}, 2);
  REQUIRE(f.t.alloc_at(0x12, 1) == Error::ok);
  REQUIRE(f.t.alloc_at(0x13, 1) == Error::ok);
  const std::vector<Entry> before = f.entries;
  const Totals tb = f.t.totals();
  Frame fr = 0;
  CHECK(f.t.alloc(0, &fr) == Error::bad_owner);
  CHECK(f.t.alloc_at(0x14, 0) == Error::bad_owner);
  CHECK(f.t.share(0x12, 0) == Error::bad_owner);
  CHECK(f.t.release(0x12, 0) == Error::bad_owner);
  CHECK(f.t.alloc_at(0x0f, 1) == Error::out_of_range);
  CHECK(f.t.alloc_at(0x18, 1) == Error::out_of_range);
  CHECK(f.t.alloc_at(0xffffffff, 1) == Error::out_of_range);
  CHECK(f.t.release(0x18, 1) == Error::out_of_range);
  CHECK(f.t.share(0x08, 1) == Error::out_of_range);
  CHECK(f.t.alloc_at(0x10, 1) == Error::reserved);
  CHECK(f.t.release(0x10, 1) == Error::reserved);
  CHECK(f.t.share(0x10, 1) == Error::reserved);
  CHECK(f.t.alloc_at(0x17, 1) == Error::absent);
  CHECK(f.t.release(0x17, 1) == Error::absent);
  CHECK(f.t.share(0x17, 1) == Error::absent);
  CHECK(f.t.alloc_at(0x12, 2) == Error::not_free);
  CHECK(f.t.alloc_at(0x12, 1) == Error::not_free);
  CHECK(f.t.release(0x14, 1) == Error::not_allocated);  // never allocated
  CHECK(f.t.share(0x14, 2) == Error::not_allocated);
  CHECK(f.t.release(0x12, 2) == Error::not_holder);     // someone else's frame
  CHECK(f.entries == before);
  CHECK(f.t.totals().allocated == tb.allocated);
  CHECK(f.t.check());

  // Double free.
  REQUIRE(f.t.release(0x12, 1) == Error::ok);
  CHECK(f.t.release(0x12, 1) == Error::not_allocated);
  // Share pool exhaustion (2 slots).
  REQUIRE(f.t.share(0x13, 2) == Error::ok);
  REQUIRE(f.t.share(0x13, 3) == Error::ok);
  REQUIRE(f.t.share(0x13, 2) == Error::ok);  // a second hold reuses the slot
  CHECK(f.t.share(0x13, 4) == Error::no_share_slots);
  CHECK(f.t.entry(0x13)->holders == 4);
  CHECK(f.t.check());
  CHECK(std::string(describe(Error::not_holder)) == "task does not hold the frame");
}

TEST_CASE("PHYS0004 sharing: holders, ownership hand-over, last holder frees", "[physmem]") {
  Fixture f(4, 0, {{0, 4 * K, Kind::ram}});
  REQUIRE(f.t.alloc_at(1, 10) == Error::ok);
  REQUIRE(f.t.share(1, 20) == Error::ok);
  REQUIRE(f.t.share(1, 30) == Error::ok);
  CHECK(f.t.entry(1)->state == State::shared);
  CHECK(f.t.entry(1)->holders == 3);
  CHECK(f.t.holds(1, 10) == 1);
  CHECK(f.t.holds(1, 20) == 1);
  CHECK(f.t.holds(1, 40) == 0);
  CHECK(f.t.usage(10).owned == 1);
  CHECK(f.t.usage(10).shared_owned == 1);
  CHECK(f.t.usage(20).held == 1);
  CHECK(f.t.totals().shared == 1);
  CHECK(f.t.release(1, 40) == Error::not_holder);
  // The owner lets go: 20 becomes the owner.
  REQUIRE(f.t.release(1, 10) == Error::ok);
  CHECK(f.t.entry(1)->owner == 20);
  CHECK(f.t.entry(1)->holders == 2);
  CHECK(f.t.release(1, 10) == Error::not_holder);
  CHECK(f.t.usage(20).owned == 1);
  CHECK(f.t.usage(20).held == 0);
  REQUIRE(f.t.release(1, 30) == Error::ok);
  CHECK(f.t.entry(1)->state == State::allocated);
  CHECK(f.t.totals().shared == 0);
  REQUIRE(f.t.release(1, 20) == Error::ok);
  CHECK(f.t.entry(1)->state == State::free);
  CHECK(f.t.totals().share_slots_used == 0);
  // The owner holding twice.
  REQUIRE(f.t.alloc_at(2, 10) == Error::ok);
  REQUIRE(f.t.share(2, 10) == Error::ok);
  CHECK(f.t.holds(2, 10) == 2);
  CHECK(f.t.entry(2)->state == State::shared);
  REQUIRE(f.t.release(2, 10) == Error::ok);
  CHECK(f.t.entry(2)->state == State::allocated);
  REQUIRE(f.t.release(2, 10) == Error::ok);
  CHECK(f.t.entry(2)->state == State::free);
  CHECK(f.t.check());
}

TEST_CASE("PHYS0005 free_all on task exit", "[physmem]") {
  Fixture f(16, 0, {{0, 16 * K, Kind::ram}});
  Frame fr;
  std::vector<Frame> mine;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(f.t.alloc(7, &fr) == Error::ok);
    mine.push_back(fr);
  }
  Frame other;
  REQUIRE(f.t.alloc(8, &other) == Error::ok);
  REQUIRE(f.t.share(other, 7) == Error::ok);    // 7 holds a frame of 8
  REQUIRE(f.t.share(other, 7) == Error::ok);    // twice
  REQUIRE(f.t.share(mine[0], 8) == Error::ok);  // 8 holds a frame of 7
  CHECK(f.t.free_all(7) == 4);                  // mine[0] stays, with 8
  CHECK(f.t.entry(mine[0])->owner == 8);
  CHECK(f.t.entry(mine[0])->state == State::allocated);
  CHECK(f.t.entry(other)->holders == 1);
  CHECK(f.t.usage(7).owned == 0);
  CHECK(f.t.usage(7).held == 0);
  CHECK(f.t.usage(8).owned == 2);
  CHECK(f.t.free_all(7) == 0);
  CHECK(f.t.free_all(0) == 0);
  CHECK(f.t.free_all(8) == 2);
  CHECK(f.t.totals().free == 16);
  CHECK(f.t.check());
}

TEST_CASE("PHYS0006 randomized against a model", "[physmem]") {
  std::mt19937 rng(7);
  constexpr uint32_t n = 64, first = 0x1000;
  Fixture f(n, first,
            {{uint64_t(first) * K, 60 * K, Kind::ram}, {uint64_t(first + 10) * K, 2 * K, Kind::module}},
            48);
  // Model: per frame, a multiset of holders in order (front = owner); reserved and absent frames.
  std::map<Frame, std::vector<Owner>> held;
  auto usable = [&](Frame x) { return x >= first && x < first + 60 && !(x >= first + 10 && x < first + 12); };
  unsigned slots_model = 0;
  auto slots = [&] {
    unsigned s = 0;
    for (auto &[fr, v] : held) {
      std::set<Owner> extra;
      for (size_t i = 1; i < v.size(); ++i) extra.insert(v[i]);
      // The owner's extra holds use a slot too.
      s += unsigned(extra.size());
    }
    return s;
  };
  for (int step = 0; step < 20000; ++step) {
    const Owner o = 1 + rng() % 5;
    const Frame fr = first - 2 + rng() % (n + 4);
    Error e;
    switch (rng() % 6) {
    case 0: {
      Frame got = 0;
      e = f.t.alloc(o, &got);
      unsigned free_model = 0;
      for (Frame x = first; x < first + n; ++x) free_model += usable(x) && !held.count(x);
      if (free_model == 0) {
        CHECK(e == Error::no_memory);
      } else {
        REQUIRE(e == Error::ok);
        REQUIRE(usable(got));
        REQUIRE(!held.count(got));
        held[got] = {o};
      }
      break;
    }
    case 1:
      e = f.t.alloc_at(fr, o);
      if (fr < first || fr >= first + n) CHECK(e == Error::out_of_range);
      else if (fr >= first + 10 && fr < first + 12) CHECK(e == Error::reserved);
      else if (!usable(fr)) CHECK(e == Error::absent);
      else if (held.count(fr)) CHECK(e == Error::not_free);
      else {
        REQUIRE(e == Error::ok);
        held[fr] = {o};
      }
      break;
    case 2:
    case 3: {
      e = f.t.share(fr, o);
      if (!held.count(fr)) {
        CHECK(e != Error::ok);
        break;
      }
      auto &v = held[fr];
      bool has_slot = false;
      for (size_t i = 1; i < v.size(); ++i) has_slot |= v[i] == o;
      if (!has_slot && slots_model == 48) {
        CHECK(e == Error::no_share_slots);
        break;
      }
      REQUIRE(e == Error::ok);
      v.push_back(o);
      break;
    }
    default: {
      e = f.t.release(fr, o);
      if (!held.count(fr)) {
        CHECK(e != Error::ok);
        break;
      }
      auto &v = held[fr];
      // An extra hold of o goes first (the latest one), else o's ownership.
      size_t idx = v.size();
      for (size_t i = v.size(); i-- > 1;)
        if (v[i] == o) { idx = i; break; }
      if (idx == v.size() && v[0] == o) idx = 0;
      if (idx == v.size()) {
        CHECK(e == Error::not_holder);
        break;
      }
      REQUIRE(e == Error::ok);
      if (idx == 0) {
        // The next holder (first extra hold in slot order) becomes the owner. The model cannot
        // know the slot order, so it takes the owner from the table and removes one of its holds.
        v.erase(v.begin());
        if (!v.empty()) {
          const Owner now = f.t.entry(fr)->owner;
          auto it = std::find(v.begin(), v.end(), now);
          REQUIRE(it != v.end());
          v.erase(it);
          v.insert(v.begin(), now);
        }
      } else {
        v.erase(v.begin() + long(idx));
      }
      if (v.empty()) held.erase(fr);
      break;
    }
    }
    if (rng() % 500 == 0) {
      const Owner victim = 1 + rng() % 5;
      unsigned freed_model = 0;
      for (auto it = held.begin(); it != held.end();) {
        auto &v = it->second;
        v.erase(std::remove(v.begin(), v.end(), victim), v.end());
        if (v.empty()) {
          ++freed_model;
          it = held.erase(it);
        } else {
          // The owner is whoever the table says (among the remaining holders).
          const Owner now = f.t.entry(it->first)->owner;
          (void)now;
          ++it;
        }
      }
      CHECK(f.t.free_all(victim) == freed_model);
      for (auto &[x, v] : held) {
        const Owner now = f.t.entry(x)->owner;
        auto it = std::find(v.begin(), v.end(), now);
        REQUIRE(it != v.end());
        v.erase(it);
        v.insert(v.begin(), now);
      }
    }
    slots_model = slots();
    // Compare.
    if (step % 50 == 0 || step > 19900) {
      REQUIRE(f.t.check());
      for (Frame x = first; x < first + n; ++x) {
        const Entry *en = f.t.entry(x);
        if (held.count(x)) {
          const auto &v = held[x];
          REQUIRE(en->owner == v[0]);
          REQUIRE(en->holders == v.size());
          REQUIRE(en->state == (v.size() > 1 ? State::shared : State::allocated));
          for (Owner h = 1; h <= 5; ++h)
            REQUIRE(f.t.holds(x, h) == unsigned(std::count(v.begin(), v.end(), h)));
        } else {
          REQUIRE((en->state == State::free || en->state == State::reserved ||
                   en->state == State::absent));
        }
      }
      REQUIRE(f.t.totals().share_slots_used == slots_model);
      for (Owner h = 1; h <= 5; ++h) {
        unsigned owned = 0;
        for (auto &[x, v] : held) owned += v[0] == h;
        REQUIRE(f.t.usage(h).owned == owned);
      }
    }
  }
}

TEST_CASE("PHYS0007 alloc_run: contiguous, aligned, below a limit, all or nothing", "[physmem]") {
  // Frames 16..63 (64 KiB .. 256 KiB); frames 20..23 reserved (a module).
  Fixture f(48, 16, {{16 * K, 48 * K, Kind::ram}, {20 * K, 4 * K, Kind::module}});
  Frame fr;
  // 16 frames aligned to 16: 16..31 holds the module, so the first run is 32..47.
  REQUIRE(f.t.alloc_run(5, 16, 16, 64, &fr) == Error::ok);
  CHECK(fr == 32);
  for (Frame i = 32; i < 48; ++i) CHECK(f.t.entry(i)->owner == 5);
  CHECK(f.t.usage(5).owned == 16);
  // One allocated frame in 48..63 blocks the only other run; nothing is taken on failure.
  Frame one;
  REQUIRE(f.t.alloc_at(50, 6) == Error::ok);
  const uint32_t free_before = f.t.totals().free;
  CHECK(f.t.alloc_run(7, 16, 16, 64, &one) == Error::no_memory);
  CHECK(f.t.totals().free == free_before);
  CHECK(f.t.usage(7).owned == 0);
  // The limit is the first frame past the run: 16..19 fits below 20, then 24..27 needs 28.
  CHECK(f.t.alloc_run(7, 4, 4, 20, &one) == Error::ok);
  CHECK(one == 16);
  CHECK(f.t.alloc_run(7, 4, 4, 27, &one) == Error::no_memory);
  CHECK(f.t.alloc_run(7, 4, 4, 28, &one) == Error::ok);
  CHECK(one == 24);
  // Bad requests change nothing.
  CHECK(f.t.alloc_run(0, 1, 1, 64, &one) == Error::bad_owner);
  CHECK(f.t.alloc_run(7, 0, 1, 64, &one) == Error::bad_region);
  CHECK(f.t.alloc_run(7, 1, 3, 64, &one) == Error::bad_region);
  // Task exit frees the run like any frame.
  CHECK(f.t.free_all(5) == 16);
  REQUIRE(f.t.alloc_run(8, 16, 16, 64, &fr) == Error::ok);
  CHECK(fr == 32);
  CHECK(f.t.check());
}

TEST_CASE("PHYS0008 set_reserve: single frames come from the reserve only when nothing else is free", "[physmem]") {
  Fixture f(32, 0, {{0, 32 * K, Kind::ram}});
  f.t.set_reserve(0, 16);
  Frame fr;
  for (Frame want = 16; want < 32; ++want) {
    REQUIRE(f.t.alloc(3, &fr) == Error::ok);
    CHECK(fr == want);
  }
  // Above the reserve all is taken: now the reserve gives too.
  REQUIRE(f.t.alloc(3, &fr) == Error::ok);
  CHECK(fr < 16);
  // A run is taken from the reserve whatever it holds aside.
  Frame run;
  REQUIRE(f.t.alloc_run(4, 8, 8, 16, &run) == Error::ok);
  CHECK(run == 8);
  CHECK(f.t.check());
}

TEST_CASE("PHYS0009 alloc_block: aligned blocks from the cursor on, outside the reserve, all or nothing", "[physmem]") {
  // Frames 16..79; frames 20..23 hold a module.
  Fixture f(64, 16, {{16 * K, 64 * K, Kind::ram}, {20 * K, 4 * K, Kind::module}});
  Frame fr, one;
  REQUIRE(f.t.alloc(3, &one) == Error::ok);
  CHECK(one == 16);
  // The next block of 16 at or after the cursor (frame 17): 32..47, then 48..63, then 64..79.
  for (Frame want : {Frame(32), Frame(48), Frame(64)}) {
    REQUIRE(f.t.alloc_block(4, 16, &fr) == Error::ok);
    CHECK(fr == want);
  }
  for (Frame i = 32; i < 80; ++i) CHECK(f.t.entry(i)->owner == 4);
  CHECK(f.t.usage(4).owned == 48);
  // Around again: 16..31 holds the module and frame 16; nothing is taken on failure.
  const uint32_t free_before = f.t.totals().free;
  CHECK(f.t.alloc_block(4, 16, &fr) == Error::no_memory);
  CHECK(f.t.totals().free == free_before);
  // Smaller blocks still fit below the module: 24..27 (next after the cursor, wrapped).
  REQUIRE(f.t.alloc_block(5, 4, &fr) == Error::ok);
  CHECK(fr == 24);
  // Single frames go on after the last block.
  REQUIRE(f.t.alloc(3, &one) == Error::ok);
  CHECK(one == 28);
  // Bad requests change nothing.
  CHECK(f.t.alloc_block(0, 4, &fr) == Error::bad_owner);
  CHECK(f.t.alloc_block(5, 0, &fr) == Error::bad_region);
  CHECK(f.t.alloc_block(5, 3, &fr) == Error::bad_region);
  CHECK(f.t.totals().free == free_before - 5);
  CHECK(f.t.check());

  // The reserve (memory kept for alloc_run) is never handed out in blocks.
  Fixture g(64, 0, {{0, 64 * K, Kind::ram}});
  g.t.set_reserve(0, 32);
  REQUIRE(g.t.alloc_block(6, 16, &fr) == Error::ok);
  CHECK(fr == 32);
  REQUIRE(g.t.alloc_block(6, 16, &fr) == Error::ok);
  CHECK(fr == 48);
  CHECK(g.t.alloc_block(6, 16, &fr) == Error::no_memory);
  CHECK(g.t.check());
}
