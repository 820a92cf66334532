// Host tests of the PL041 driver's stream (drivers/pl041/stream.hh): the queue and how it goes
// into the AACI's transmit FIFO, against a fake FIFO that behaves as QEMU's (255 frames at most,
// half empty at 128 or fewer) and whose faults strike between pushes and in the middle of copies
// (an exception thrown from step(), as a crash would stop the driver there; the persistent state
// is kept, as a hot or warm restart keeps it, and the request or interrupt is served again).
#include "stream.hh"

#include <catch2/catch.hpp>

#include <deque>
#include <memory>
#include <vector>

using namespace pl041;

namespace {

struct Crash {};

struct FakeFifo {
  std::deque<uint32_t> fifo;     // what the FIFO holds
  std::vector<uint32_t> played;  // what left it, in order
  bool irq_on = false;
  word steps = 0, crash_at = ~word(0);
  word clock = 1000;
  unsigned overflows = 0;
  bool half_empty() const { return fifo.size() <= 128; }
  void push(uint32_t v) {
    if (fifo.size() >= 255) ++overflows;   // QEMU drops it
    else fifo.push_back(v);
  }
  void interrupts(bool on) { irq_on = on; }
  void step() {
    if (steps++ == crash_at) throw Crash{};
  }
  word now_ms() const { return clock; }
  // The codec takes n frames.
  void play(word n) {
    for (; n && !fifo.empty(); --n) {
      played.push_back(fifo.front());
      fifo.pop_front();
    }
  }
};

// 16-bit mono at 8000 Hz; sample i of the source is sample(i).
struct Fixture {
  std::unique_ptr<AaciState> state = std::make_unique<AaciState>();
  FakeFifo fifo;
  Stream<FakeFifo> stream{*state, fifo};
  AaciState &g = *state;
  std::vector<uint8_t> source;
  static uint16_t sample(word i) { return uint16_t(1 + i % 30011); }
  explicit Fixture(word samples = 40000) {
    for (word i = 0; i < samples; ++i) {
      source.push_back(uint8_t(sample(i)));
      source.push_back(uint8_t(sample(i) >> 8));
    }
    g.magic = state_magic;
    stream.Open(8000, 16, 1);
  }
  Taken write(word pos, word n) { return stream.Write(source.data() + pos, n, pos); }
  // The player: the next block from where the stream ends.
  void write_next(word block = 4096) {
    const word n = source.size() - g.taken < block ? source.size() - g.taken : block;
    const Taken t = write(g.taken, n);   // outside REQUIRE: a Crash must reach the caller
    REQUIRE(t == Taken::ok);
  }
  // The frames that left the FIFO are the source's first ones, each once, in order.
  bool played_in_order() const {
    for (word i = 0; i < fifo.played.size() && i < source.size() / 2; ++i)
      if (fifo.played[i] != (uint32_t(sample(i)) | uint32_t(sample(i)) << 16)) return false;
    return true;
  }
};

} // namespace

TEST_CASE("PL041-0001 a write is taken once, wherever it is sent again", "[pl041]") {
  Fixture f;
  REQUIRE(f.write(0, 1000) == Taken::ok);
  CHECK(f.g.taken == 1000);
  REQUIRE(f.write(0, 1000) == Taken::ok);   // replayed, or resent by a restarted player
  CHECK(f.g.taken == 1000);
  REQUIRE(f.write(500, 1000) == Taken::ok);   // overlapping: only the new part
  CHECK(f.g.taken == 1500);
  CHECK(f.write(1502, 2) == Taken::refused);  // a gap
  CHECK(f.stream.Write(f.source.data() + 1500, 3, 1500) == Taken::refused);   // half a frame
  CHECK(f.g.taken == 1500);
  // What the FIFO took went in at once, the rest waits in the queue.
  CHECK(f.fifo.fifo.size() == 2 * batch_frames);
  CHECK(f.g.sent == 2 * batch_frames * 2);
  CHECK(f.fifo.overflows == 0);
  CHECK(f.played_in_order());
}

TEST_CASE("PL041-0002 the FIFO is fed by its status: an interrupt served twice pushes nothing", "[pl041]") {
  Fixture f;
  f.write_next();
  const word sent = f.g.sent;
  CHECK(f.fifo.irq_on);
  CHECK(f.stream.Feed() == 0);   // still more than half full
  CHECK(f.stream.Feed() == 0);
  CHECK(f.g.sent == sent);
  f.fifo.play(200);
  CHECK(f.stream.Feed() == batch_frames);
  CHECK(f.stream.Feed() == 0);
  CHECK(f.fifo.overflows == 0);
}

TEST_CASE("PL041-0003 a full queue takes nothing; the FIFO's interrupt is off while there is nothing to push", "[pl041]") {
  Fixture f;
  while (f.g.taken - f.g.sent < queue_bytes) f.write_next();
  const word before = f.g.taken;
  f.write_next();
  CHECK(f.g.taken == before);
  // Played empty: the interrupt goes off (it would hold while the FIFO is half empty).
  Fixture e(100);
  e.write_next();
  e.fifo.play(1000);
  CHECK(e.stream.Feed() == 0);
  CHECK(!e.fifo.irq_on);
  CHECK(!e.stream.Wanted());
}

TEST_CASE("PL041-0004 samples: mono on both sides, stereo in order, 8 bits moved to 16", "[pl041]") {
  Fixture f;
  const uint8_t mono16[] = {0x34, 0x12};
  f.stream.Open(22050, 16, 1);
  REQUIRE(f.stream.Write(mono16, 2, 0) == Taken::ok);
  CHECK(f.fifo.fifo.back() == 0x12341234u);
  const uint8_t stereo16[] = {0x01, 0x80, 0xff, 0x7f};
  f.stream.Open(22050, 16, 2);
  REQUIRE(f.stream.Write(stereo16, 4, 0) == Taken::ok);
  CHECK(f.fifo.fifo.back() == 0x7fff8001u);
  const uint8_t stereo8[] = {0x80, 0xff};
  f.stream.Open(11025, 8, 2);
  REQUIRE(f.stream.Write(stereo8, 2, 0) == Taken::ok);
  CHECK(f.fifo.fifo.back() == 0x7f000000u);
  const uint8_t mono8[] = {0x00};
  f.stream.Open(11025, 8, 1);
  REQUIRE(f.stream.Write(mono8, 1, 0) == Taken::ok);
  CHECK(f.fifo.fifo.back() == 0x80008000u);
}

TEST_CASE("PL041-0005 a drained stream ends with its closing silence, then nothing is wanted", "[pl041]") {
  Fixture f(1000);
  f.write_next();
  f.stream.Drain();
  for (int i = 0; i < 100 && f.stream.Wanted(); ++i) {
    f.fifo.play(128);
    f.stream.Feed();
  }
  f.fifo.play(1000);
  CHECK(!f.stream.Wanted());
  CHECK(!f.fifo.irq_on);
  REQUIRE(f.fifo.played.size() == 1000 + pad_frames);
  CHECK(f.played_in_order());
  for (word i = 1000; i < f.fifo.played.size(); ++i) CHECK(f.fifo.played[i] == 0);
  CHECK(f.write(2000, 2) == Taken::refused);   // drained: no more data
}

// The whole stream played with one crash at step `at` (of the writes' copies or of the FIFO's
// feeding), the request or interrupt served again after it, as the restarted driver does.
static void play_with_crash_at(word at) {
  Fixture f(6000);
  f.fifo.crash_at = at;
  bool crashed = false;
  auto serve = [&](auto &&what) {
    try {
      what();
    } catch (Crash) {
      crashed = true;
      f.fifo.crash_at = ~word(0);
      REQUIRE(f.stream.Plausible());
      f.stream.Recover();
      what();   // replayed
    }
  };
  while (f.g.taken < f.source.size()) {
    serve([&] { f.write_next(1000); });
    f.fifo.play(100);
    serve([&] { f.stream.Feed(); });
  }
  serve([&] { f.stream.Drain(); });
  for (int i = 0; i < 1000 && f.stream.Wanted(); ++i) {
    f.fifo.play(100);
    serve([&] { f.stream.Feed(); });
  }
  f.fifo.play(100000);
  INFO("crash at step " << at << (crashed ? "" : " (never reached)"));
  CHECK(f.fifo.overflows == 0);
  REQUIRE(f.fifo.played.size() == 6000 + pad_frames);
  CHECK(f.played_in_order());
}

TEST_CASE("PL041-0006 a crash at any step of a write or of a feed loses and repeats nothing", "[pl041]") {
  for (word at = 0; at < 400; at += 3) play_with_crash_at(at);
}

TEST_CASE("PL041-0007 Recover tells how long the FIFO was alone and bounds the silence", "[pl041]") {
  Fixture f;
  f.write_next();
  REQUIRE(f.g.seen_full);
  f.fifo.clock += 10;   // 10 ms away; the FIFO held at least 127 frames, 15 ms at 8000 Hz
  f.fifo.play(200);
  f.stream.Recover();
  CHECK(f.g.away_ms == 10);
  CHECK(f.g.silence_ms == 0);
  CHECK(f.g.seen_ms == f.fifo.clock);   // it fed the FIFO again
  f.fifo.clock += 40;
  f.fifo.play(200);
  f.stream.Recover();
  CHECK(f.g.away_ms == 40);
  CHECK(f.g.away_max_ms == 40);
  CHECK(f.g.silence_ms == 40 - 127 * 1000 / 8000);
}

TEST_CASE("PL041-0008 implausible persistent state is found", "[pl041]") {
  Fixture f;
  f.write_next();
  CHECK(f.stream.Plausible());
  f.g.sent = f.g.taken + 2;
  CHECK(!f.stream.Plausible());
  f.g.sent = 0;
  f.g.taken = queue_bytes + 2;
  CHECK(!f.stream.Plausible());
  f.g.taken = 4096;
  f.g.bits = 12;
  CHECK(!f.stream.Plausible());
  f.g.bits = 16;
  f.g.magic = 0;
  CHECK(!f.stream.Plausible());
}
