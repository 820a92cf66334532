// The HA library's detectors (libs/ha): the loop predictor against traces of a loop and of
// legitimate work, and the deadlock finder against cycles, chains and slow servers.
#include "ha/deadlock.hh"
#include "ha/loop.hh"

#include <catch2/catch.hpp>
#include <vector>

using namespace ha;

namespace {
// One 10-tick sample: a loop runs all of it with no progress.
LoopObservation spin(uint32_t pc = 0) { return {10, 10, 0, pc}; }
LoopObservation busy_with_ipc(uint32_t pc = 0) { return {10, 10, 3, pc}; }
LoopObservation idle() { return {10, 0, 0, 0}; }
} // namespace

TEST_CASE("HA0001 the predictor: P and a follow the recurrence, in q16", "[ha]") {
  LoopParams p;
  p.beta = one / 2;
  LoopPredictor pr(p);
  pr.Step(one);   // a1 = b*0 + (1-b)*1 = 0.5; P1 = a1*0 + (1-a1)*1 = 0.5
  CHECK(pr.alpha() == one / 2);
  CHECK(pr.p() == one / 2);
  pr.Step(one);   // a2 = 0.25 + 0.5 = 0.75; P2 = 0.75*0.5 + 0.25 = 0.625
  CHECK(pr.alpha() == one * 3 / 4);
  CHECK(pr.p() == one * 5 / 8);
  pr.Step(0);     // a3 = 0.375; P3 = 0.375 * 0.625 = 0.234375
  CHECK(pr.alpha() == one * 3 / 8);
  CHECK(pr.p() == 15360);
  // With b = 0.5 a steady loop settles below 0.95: L must suit b (the defaults do).
  for (int i = 0; i < 100; ++i) CHECK_FALSE(pr.Step(one));
  CHECK(pr.p() < one * 95 / 100);
}

TEST_CASE("HA0002 a thread spinning with no progress is reported after T samples above L, not before", "[ha]") {
  LoopWatch w;   // b 0.9, L 0.95, T 5, no PCs given
  int first = -1;
  for (int i = 0; i < 40 && first < 0; ++i)
    if (w.Observe(spin())) first = i;
  // P: 0.9, 0.98, ... above 0.95 from the second sample; the fifth such sample reports.
  CHECK(first == 5);
  CHECK(w.Observe(spin()));   // and goes on saying so until Reset
  w.Reset();
  CHECK_FALSE(w.Observe(spin()));
}

TEST_CASE("HA0003 legitimate work is never reported: IPC between computations, blocking, partial runs", "[ha]") {
  LoopWatch w;
  for (int i = 0; i < 1000; ++i) {
    // A server computing for a while between requests: one sample in four with an IPC.
    REQUIRE_FALSE(w.Observe(i % 4 == 3 ? busy_with_ipc() : spin()));
  }
  LoopWatch v;
  for (int i = 0; i < 1000; ++i) REQUIRE_FALSE(v.Observe(i % 2 ? idle() : spin()));   // half idle
  LoopWatch u;
  for (int i = 0; i < 1000; ++i) REQUIRE_FALSE(u.Observe({10, 7, 0, 0}));   // shares the CPU: 0.7
  CHECK(loop_indicator({10, 7, 0, 0}) == one * 7 / 10);
  CHECK(loop_indicator({10, 10, 1, 0}) == 0);
  CHECK(loop_indicator({0, 0, 0, 0}) == 0);
}

TEST_CASE("HA0004 with PCs: a long computation moving through its code is no loop; a tight loop is", "[ha]") {
  LoopWatch pi;   // digits of pi: runs every sample, no IPC, its PC anywhere in 2 KiB of code
  uint32_t pc = 0x8048000;
  for (int i = 0; i < 1000; ++i) {
    pc = 0x8048000 + (pc * 1103515245u + 12345u) % 2048;
    REQUIRE_FALSE(pi.Observe(spin(pc)));
  }
  LoopWatch tight;   // for (;;) around three instructions
  int first = -1;
  for (int i = 0; i < 40 && first < 0; ++i)
    if (tight.Observe(spin(0x8049100 + 4 * (i % 3)))) first = i;
  CHECK(first == 5);
  // A computation in one small loop for long is reported when the filter is off only.
  LoopParams off;
  off.tight_bytes = 0;
  LoopWatch unfiltered(off);
  bool reported = false;
  for (int i = 0; i < 40; ++i) reported |= unfiltered.Observe(spin(0x8048000 + 400 * (i % 5)));
  CHECK(reported);
}

TEST_CASE("HA0005 deadlock: a cycle of blocked spaces past the period; not a chain, not too soon", "[ha]") {
  // Spaces 2 and 3 call each other; 4 waits on 2; 5 waits on 6, which runs (a slow server).
  std::vector<Waiter> w = {
      {1, 2, true, 3, 0x100, 0},
      {2, 3, true, 2, 0x200, 0},
      {3, 4, true, 2, 0x300, 0},
      {4, 5, true, 6, 0x400, 0},
      {5, 6, false, 0, 0x500, 0},
  };
  Cycle c = find_deadlock(w.data(), unsigned(w.size()), 1000, 500);
  REQUIRE(c.n == 2);
  CHECK(((c.spaces[0] == 2 && c.spaces[1] == 3) || (c.spaces[0] == 3 && c.spaces[1] == 2)));
  // Too soon: nothing.
  CHECK(find_deadlock(w.data(), unsigned(w.size()), 400, 500).n == 0);
  // Space 3 has a second thread still running: it can still answer; no deadlock.
  w.push_back({6, 3, false, 0, 0x600, 0});
  CHECK(find_deadlock(w.data(), unsigned(w.size()), 1000, 500).n == 0);
  w.pop_back();
  // The slow-server chain alone: no cycle.
  std::vector<Waiter> chain = {{4, 5, true, 6, 0x400, 0}, {5, 6, false, 0, 0x500, 0}};
  CHECK(find_deadlock(chain.data(), 2, 1000, 500).n == 0);
  // Three in a ring, found from a waiter outside it.
  std::vector<Waiter> ring = {{9, 9, true, 10, 1, 0}, {10, 10, true, 11, 1, 0},
                              {11, 11, true, 12, 1, 0}, {12, 12, true, 10, 1, 0}};
  c = find_deadlock(ring.data(), 4, 1000, 500);
  REQUIRE(c.n == 3);
  CHECK(c.spaces[0] == 10);
  CHECK(c.spaces[1] == 11);
  CHECK(c.spaces[2] == 12);
}

TEST_CASE("HA0006 a wait tracked over samples: the clock restarts when it runs or its PC moves", "[ha]") {
  WaitTrack t;
  CHECK(t.Update(true, 0x10, 100) == 100);
  CHECK(t.Update(true, 0x10, 200) == 100);
  CHECK(t.Update(true, 0x14, 300) == 300);   // another call: a new wait
  CHECK(t.Update(false, 0x14, 400) == 400);
  CHECK(t.Update(true, 0x14, 500) == 500);
  CHECK(t.Update(true, 0x14, 900) == 500);
}

// The workers' table (watch.hh): what each worker makes of its readings of one watched thread.
#include "ha/watch.hh"

namespace {
Watch watched(uint32_t id, uint32_t what, uint32_t generation = 1) {
  Watch w;
  w.live = 1;
  w.id = id;
  w.generation = generation;
  w.params.what = what;
  w.params.period_ms = 10;
  return w;
}
Reading blocked_on(uint32_t space, uint32_t awaited, uint32_t pc) {
  Reading r;
  r.blocked = true;
  r.space = space;
  r.awaited = awaited;
  r.pc = pc;
  return r;
}
} // namespace

TEST_CASE("HA0007 dead-thread worker: a gone thread is reported once per watch, a live one never", "[ha]") {
  Watch w = watched(0x301, watch_dead);
  REQUIRE(DueDead(w, 0));
  CHECK_FALSE(ObserveDead(w, Reading{}));
  CHECK_FALSE(DueDead(w, 5));   // its period has not passed
  REQUIRE(DueDead(w, 10));
  Reading gone;
  gone.gone = true;
  CHECK(ObserveDead(w, gone));
  CHECK_FALSE(DueDead(w, 100));   // reported: not sampled again ...
  w.generation = 2;               // ... until the monitor watches it afresh
  REQUIRE(DueDead(w, 100));
  CHECK(ObserveDead(w, gone));
  // A watch that does not ask for it, or an empty entry, is never due.
  Watch other = watched(0x302, watch_loop);
  CHECK_FALSE(DueDead(other, 0));
  other.live = 0;
  CHECK_FALSE(DueLoop(other, 0));
}

TEST_CASE("HA0008 loop worker: counter deltas and PCs make the predictor's observations", "[ha]") {
  Watch w = watched(0x400, watch_loop);
  Reading r;
  r.pc = 0x8049000;
  uint32_t ticks = 0, now = 0;
  // First sample primes; then a thread running every tick with no message received.
  int first = -1;
  for (int i = 0; i < 30 && first < 0; ++i, now += 10, ticks += 10) {
    if (!DueLoop(w, now)) continue;
    r.still_ticks = ticks;   // ran the whole time, changing nothing
    r.pc = 0x8049000 + (i % 3) * 4;
    if (ObserveLoop(w, r, ticks)) first = i;
  }
  CHECK(first == 6);   // primed at 0, reported at the sixth observation (HA0002's count)
  CHECK_FALSE(DueLoop(w, now + 100));   // reported once

  // The same running time with a message received in every sample: never.
  Watch busy = watched(0x401, watch_loop);
  Reading b;
  ticks = now = 0;
  for (int i = 0; i < 50; ++i, now += 10, ticks += 10) {
    if (!DueLoop(busy, now)) continue;
    b.still_ticks = ticks;
    b.received = uint32_t(i);
    CHECK_FALSE(ObserveLoop(busy, b, ticks));
  }
  // Two samples in one tick say nothing (no division by a zero period).
  Watch same = watched(0x402, watch_loop);
  REQUIRE(DueLoop(same, 0));
  CHECK_FALSE(ObserveLoop(same, r, 5));
  same.loop.next_ms = 0;
  REQUIRE(DueLoop(same, 0));
  CHECK_FALSE(ObserveLoop(same, r, 5));
}

TEST_CASE("HA0009 deadlock worker: two spaces calling each other past the bound are both reported, once", "[ha]") {
  Watch t[3] = {watched(0x300, watch_deadlock), watched(0x400, watch_deadlock),
                watched(0x500, watch_deadlock)};
  for (Watch &w : t) w.params.deadlock_ms = 100;
  uint32_t ids[max_watches];
  // 3 calls 4, 4 is blocked sending to 3 (the space that serves 3's endpoint); 5 waits on 3.
  for (uint32_t now = 0; now <= 90; now += 10) {
    for (Watch &w : t) REQUIRE(DueWait(w, now));
    ObserveWait(t[0], blocked_on(3, 4, 0x100), now);
    ObserveWait(t[1], blocked_on(4, 3, 0x200), now);
    ObserveWait(t[2], blocked_on(5, 3, 0x300), now);
    CHECK(FindDeadlocked(t, 3, now, ids) == 0);   // younger than the bound
  }
  for (Watch &w : t) REQUIRE(DueWait(w, 100));
  ObserveWait(t[0], blocked_on(3, 4, 0x100), 100);
  ObserveWait(t[1], blocked_on(4, 3, 0x200), 100);
  ObserveWait(t[2], blocked_on(5, 3, 0x300), 100);
  REQUIRE(FindDeadlocked(t, 3, 100, ids) == 2);
  CHECK(((ids[0] == 0x300 && ids[1] == 0x400) || (ids[0] == 0x400 && ids[1] == 0x300)));
  CHECK(FindDeadlocked(t, 3, 110, ids) == 0);   // each member once per watch

  // A PC that moves restarts the clock: a server that keeps working is not stuck.
  Watch m[2] = {watched(0x600, watch_deadlock), watched(0x700, watch_deadlock)};
  for (Watch &w : m) w.params.deadlock_ms = 100;
  for (uint32_t now = 0; now <= 300; now += 10) {
    for (Watch &w : m) REQUIRE(DueWait(w, now));
    ObserveWait(m[0], blocked_on(6, 7, 0x100 + now), now);
    ObserveWait(m[1], blocked_on(7, 6, 0x200), now);
    CHECK(FindDeadlocked(m, 2, now, ids) == 0);
  }
  // A gone thread is not blocked: no cycle through it.
  Watch g[2] = {watched(0x800, watch_deadlock), watched(0x900, watch_deadlock)};
  Reading gone;
  gone.gone = true;
  for (uint32_t now = 0; now <= 300; now += 10) {
    for (Watch &w : g) REQUIRE(DueWait(w, now));
    ObserveWait(g[0], blocked_on(8, 9, 0x100), now);
    ObserveWait(g[1], gone, now);
    CHECK(FindDeadlocked(g, 2, now, ids) == 0);
  }
}
