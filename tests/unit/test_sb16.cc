// Host tests of the Sound Blaster 16 driver's stream (drivers/sb16/stream.hh): the queue, the two
// halves and their refills, against a fake card whose position the test sets and whose faults
// strike in the middle of copies (an exception thrown from step(), as a crash would stop the
// driver there; the persistent state is kept, as a hot or warm restart keeps it, and the request
// or the interrupt is served again).
#include "stream.hh"

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace sb16;

namespace {

struct Crash {};

struct FakeCard {
  std::vector<uint8_t> dma = std::vector<uint8_t>(2 * 4096);
  word pos = 0;              // where the card reads
  word steps = 0, crash_at = ~word(0);
  word clock = 1000;
  unsigned starts = 0, stops = 0;
  word position() const { return pos; }
  uint8_t *buffer() { return dma.data(); }
  void step() {
    if (steps++ == crash_at) throw Crash{};
  }
  word now_ms() const { return clock; }
  void start(const AudioState &) { ++starts; pos = 0; }
  void stop(const AudioState &) { ++stops; }
};

// A stream of 16-bit mono at 8000 Hz (16 bytes a ms) with halves of 4 KiB, and its source:
// byte i of the stream is value(i).
struct Fixture {
  std::unique_ptr<AudioState> state = std::make_unique<AudioState>();
  FakeCard card;
  Stream<FakeCard> stream{*state, card};
  AudioState &g = *state;
  static uint8_t value(word i) { return uint8_t(i * 7 + i / 251); }
  std::vector<uint8_t> source = std::vector<uint8_t>(200000);
  Fixture() {
    for (word i = 0; i < source.size(); ++i) source[i] = value(i);
    g.magic = state_magic;
    stream.Open(8000, 16, 1, 4096);
  }
  Taken write(word pos, word n) { return stream.Write(source.data() + pos, n, pos); }
  // Writes from where the stream ends until `end` (as the player does).
  void fill_to(word end) {
    while (g.taken < end) {
      const word before = g.taken;
      REQUIRE(write(g.taken, end - g.taken < 1024 ? end - g.taken : 1024) == Taken::ok);
      if (g.taken == before) break;   // the queue is full
    }
  }
  // Half h holds the stream's bytes from `from` (data bytes), silence after them.
  bool half_holds(word h, word from, word data) const {
    for (word i = 0; i < g.half; ++i) {
      const uint8_t want = i < data ? value(from + i) : 0;
      if (card.dma[h * g.half + i] != want) return false;
    }
    return true;
  }
  // The card moves into the other half, and interrupts.
  void next_half() {
    card.pos = (g.cycle % 2) ? 10 : g.half + 10;
    stream.Interrupt();
  }
};

} // namespace

TEST_CASE("SB16-0001 a write is taken once, wherever it is sent again", "[sb16]") {
  Fixture f;
  REQUIRE(f.write(0, 1000) == Taken::ok);
  CHECK(f.g.taken == 1000);
  // Replayed (the driver failed after taking it) or resent (the player failed before it knew):
  // nothing more is taken.
  REQUIRE(f.write(0, 1000) == Taken::ok);
  CHECK(f.g.taken == 1000);
  // Overlapping: only the new part.
  REQUIRE(f.write(500, 1000) == Taken::ok);
  CHECK(f.g.taken == 1500);
  for (word i = 0; i < 1500; ++i) REQUIRE(f.g.queue[i] == Fixture::value(i));
  // A gap, half frames, a drained stream: refused, nothing changes.
  CHECK(f.write(1502, 2) == Taken::refused);
  CHECK(f.stream.Write(f.source.data() + 1500, 3, 1500) == Taken::refused);
  CHECK(f.stream.Write(f.source.data() + 1501, 2, 1501) == Taken::refused);
  CHECK(f.g.taken == 1500);
  f.stream.Drain();
  CHECK(f.write(1500, 2) == Taken::refused);
}

TEST_CASE("SB16-0002 the card starts with two halves, and a full queue takes nothing", "[sb16]") {
  Fixture f;
  f.fill_to(2 * 4096 - 2);
  CHECK(!f.g.running);
  f.fill_to(100000);
  CHECK(f.g.running);
  CHECK(f.card.starts == 1);
  CHECK(f.half_holds(0, 0, 4096));
  CHECK(f.half_holds(1, 4096, 4096));
  CHECK(f.g.queued_from == 8192);
  CHECK(f.g.taken == 8192 + queue_bytes);   // the queue is full behind the halves
  const word before = f.g.taken;
  REQUIRE(f.write(f.g.taken, 1024) == Taken::ok);
  CHECK(f.g.taken == before);
}

TEST_CASE("SB16-0003 refills follow the card's position, not the interrupts", "[sb16]") {
  Fixture f;
  f.fill_to(100000);
  // An interrupt while the card is still in half 0 (a replayed one): nothing.
  f.card.pos = 100;
  f.stream.Interrupt();
  CHECK(f.g.cycle == 0);
  f.next_half();   // into half 1: half 0 gets bytes 8192..
  CHECK(f.g.cycle == 1);
  CHECK(f.half_holds(0, 8192, 4096));
  CHECK(f.g.played == 4096);
  // The same interrupt again (replayed after a restart, or after Recover caught up): nothing.
  f.stream.Interrupt();
  CHECK(f.g.cycle == 1);
  CHECK(f.g.queued_from == 3 * 4096);
  f.next_half();
  CHECK(f.half_holds(1, 3 * 4096, 4096));
  CHECK(f.g.played == 2 * 4096);
  CHECK(f.g.silence == 0);
}

TEST_CASE("SB16-0004 a refill cut short by a crash is done again with the same data", "[sb16]") {
  Fixture f, ref;
  f.fill_to(100000);
  ref.fill_to(100000);
  ref.next_half();
  ref.next_half();
  f.next_half();
  // The crash strikes 3 pieces into the next refill: half 1 is part new, part old.
  f.card.crash_at = f.card.steps + 3;
  f.card.pos = 10;
  CHECK_THROWS_AS(f.stream.Interrupt(), Crash);
  CHECK(f.g.cycle == 1);   // not committed
  f.card.crash_at = ~word(0);
  // Recover's Sync, then the interrupt replayed: the same state as without the crash.
  f.stream.Sync();
  f.stream.Interrupt();
  CHECK(f.g.cycle == ref.g.cycle);
  CHECK(f.g.queued_from == ref.g.queued_from);
  CHECK(f.g.played == ref.g.played);
  CHECK(f.card.dma == ref.card.dma);
  CHECK(f.half_holds(1, 3 * 4096, 4096));
}

TEST_CASE("SB16-0005 a write cut short by a crash is taken once when replayed", "[sb16]") {
  Fixture f;
  REQUIRE(f.write(0, 1000) == Taken::ok);
  f.card.crash_at = f.card.steps + 2;   // after two 512-byte pieces of the next write
  CHECK_THROWS_AS(f.write(1000, 3000), Crash);
  CHECK(f.g.taken == 1000);   // not committed
  f.card.crash_at = ~word(0);
  REQUIRE(f.write(1000, 3000) == Taken::ok);
  CHECK(f.g.taken == 4000);
  for (word i = 0; i < 4000; ++i) REQUIRE(f.g.queue[i] == Fixture::value(i));
}

TEST_CASE("SB16-0006 a start cut short by a crash starts over from its first byte", "[sb16]") {
  Fixture f;
  f.fill_to(2 * 4096 - 1024);
  // The write that fills the second half: its 2 pieces, the first half's 8, then 3 pieces into
  // the second half's copy the crash strikes.
  f.card.crash_at = f.card.steps + 2 + 8 + 3;
  CHECK_THROWS_AS(f.write(7168, 1024), Crash);
  CHECK(f.g.taken == 8192);   // the write itself was committed before the start
  CHECK(f.g.starting);
  CHECK(!f.g.running);
  f.card.crash_at = ~word(0);
  f.stream.Start();   // what Recover does
  CHECK(f.g.running);
  CHECK(f.half_holds(0, 0, 4096));
  CHECK(f.half_holds(1, 4096, 4096));
  CHECK(f.g.queued_from == 8192);
}

TEST_CASE("SB16-0007 silence: counted when the queue runs dry, not at a drained end", "[sb16]") {
  Fixture f;
  f.fill_to(8192 + 1000);   // both halves and 1000 bytes
  REQUIRE(f.g.running);
  f.next_half();   // half 0 gets the 1000 bytes and 3096 of silence the stream did not ask for
  CHECK(f.half_holds(0, 8192, 1000));
  CHECK(f.g.silence == 3096);
  f.fill_to(8192 + 1000 + 500);
  f.stream.Drain();
  f.next_half();   // half 1: the last 500 bytes; a drained stream's padding is no gap
  CHECK(f.half_holds(1, 9192, 500));
  CHECK(f.g.silence == 3096);
  CHECK(f.g.running);
  f.next_half();   // half 0 played
  f.next_half();   // half 1 played: every byte of the stream; the card stops
  CHECK(f.g.played == f.g.taken);
  CHECK(!f.g.running);
  CHECK(f.card.stops == 1);
}

TEST_CASE("SB16-0008 how long the card played alone, and when that was too long", "[sb16]") {
  Fixture f;
  f.fill_to(100000);
  f.card.pos = 1000;
  f.stream.Look();   // at 1000 ms, 1000 bytes into half 0
  bool overrun = true;
  word away_ms = 0, left_ms = 0;
  // 100 ms later (1600 bytes): the rest of half 0 and half 1 were 7192 bytes, 449 ms.
  f.card.clock += 100;
  f.card.pos = 2600;
  CHECK(f.stream.Away(50, &overrun, &away_ms, &left_ms) == 1600);
  CHECK(!overrun);
  CHECK(away_ms == 100);
  CHECK(left_ms == 449);
  // Into half 1, not yet refilled: still counted.
  f.card.pos = 4096 + 100;
  CHECK(f.stream.Away(50, &overrun, &away_ms, &left_ms) == 3196);
  // 420 ms: within the margin of what the buffer held.
  f.card.clock = 1420;
  f.stream.Away(50, &overrun, &away_ms, &left_ms);
  CHECK(overrun);
  // An interrupt waiting when the driver looked (the card already in half 1, half 0 not yet
  // refilled): only the rest of half 1 was left.
  f.card.clock = 2000;
  f.card.pos = 4096 + 96;
  f.stream.Look();
  f.card.clock += 250;
  f.stream.Away(50, &overrun, &away_ms, &left_ms);
  CHECK(left_ms == 250);
  CHECK(overrun);
}

TEST_CASE("SB16-0009 implausible persistent state is found", "[sb16]") {
  Fixture f;
  f.fill_to(100000);
  CHECK(f.stream.Plausible(8192));
  CHECK(!f.stream.Plausible(16384));   // another buffer than the stream's halves
  f.g.queued_from = f.g.taken + 1;      // data taken out that was never written
  CHECK(!f.stream.Plausible(8192));
  f.g.queued_from = f.g.taken;
  f.g.magic = 0;
  CHECK(!f.stream.Plausible(8192));
}

TEST_CASE("SB16-0010 a refill cut short, and the card gone round before Recover", "[sb16]") {
  // Found by the fault-injection campaign (docs/campaigns/ia32-pc-sb16, run 56): the driver hung
  // in a refill of half 0; while it was away QEMU's card, which reads ahead of what it plays,
  // finished half 1 and came back into half 0. Recover's Sync saw the card in half 0, the half it
  // thought current, and did nothing: half 1 was played again with its old data.
  Fixture f, ref;
  f.fill_to(100000);
  ref.fill_to(100000);
  ref.next_half();
  ref.next_half();   // half 0 holds 8192.., half 1 12288.., the card in half 0
  f.card.crash_at = f.card.steps + 3;
  f.card.pos = f.g.half + 10;   // into half 1: half 0's refill, cut short
  CHECK_THROWS_AS(f.stream.Interrupt(), Crash);
  f.card.crash_at = ~word(0);
  CHECK(f.g.cycle == 0);
  f.card.pos = 10;   // round: half 1 played, back in half 0
  bool overrun = false;
  word away_ms = 0, left_ms = 0;
  f.stream.Away(50, &overrun, &away_ms, &left_ms);
  CHECK(overrun);   // the clock did not move, the card did
  f.stream.Sync();
  f.stream.Interrupt();   // replayed: nothing more
  CHECK(f.g.cycle == ref.g.cycle);
  CHECK(f.g.queued_from == ref.g.queued_from);
  CHECK(f.g.played == ref.g.played);
  CHECK(f.card.dma == ref.card.dma);
  // Without a failure the card in its current half is left alone (SB16-0003): no refill pending.
  f.stream.Sync();
  CHECK(f.g.cycle == ref.g.cycle);
}
