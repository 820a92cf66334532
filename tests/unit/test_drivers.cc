// Host tests of driver logic that needs no hardware: the keyboard's scancode-set-1 decoder, the
// VGA console's crash-safe write.
#include <scancode.hh>

#include <catch2/catch.hpp>

TEST_CASE("DRV0001 scancode set 1: letters, shift, caps lock, ctrl, releases, 0xe0 keys",
          "[drivers][keyboard]") {
  kbd::Decoder d;
  auto press = [&](uint8_t b) { return kbd::decode(d, b); };
  kbd::Event e = press(0x1e);               // a
  CHECK(e.press);
  CHECK(e.ch == 'a');
  CHECK_FALSE(press(0x9e).press);           // a released
  CHECK_FALSE(press(0x2a).press);           // left shift down
  CHECK(press(0x1e).ch == 'A');
  CHECK(press(0x02).ch == '!');
  press(0xaa);                              // shift up
  CHECK(press(0x02).ch == '1');
  press(0x3a);                              // caps lock on
  press(0xba);
  CHECK(press(0x10).ch == 'Q');
  CHECK(press(0x02).ch == '1');             // caps lock leaves digits alone
  press(0x3a);                              // off again
  press(0x1d);                              // ctrl down
  CHECK(press(0x2e).ch == 3);               // ctrl-c
  press(0x9d);
  CHECK(press(0x1c).ch == '\n');            // enter
  CHECK(press(0x0e).ch == '\b');            // backspace
  e = press(0xe0);
  CHECK_FALSE(e.press);
  e = press(0x48);                          // cursor up (extended)
  CHECK(e.press);
  CHECK(e.ch == 0);
  CHECK(e.code == 0xe048);
  press(0xe0);
  CHECK(press(0x1c).ch == '\n');            // keypad enter
  CHECK(press(0x7f).ch == 0);               // out of the table: no character, no crash
}

// ---- the VGA console's write under crashes (drivers/vga/progress.hh) ------------------------
#include <progress.hh>

#include <string>
#include <vector>

namespace {
struct Crash {};

// A screen and its committed word; write() with a crash (an exception: the host's stand-in for
// the restart) at the step numbered `crash_at`, then the replay from what was committed.
struct Vga {
  std::vector<uint16_t> cells = std::vector<uint16_t>(vga::cells, 0x0720);
  arc::word progress = vga::Progress{0, 0, 0}.word();
  bool Write(const std::string &s, int crash_at) {
    int step = 0;
    progress = [&] { vga::Progress p = vga::Progress::of(progress); p.done = 0; return p.word(); }();
    try {
      vga::write(cells.data(), progress, s.data(), unsigned(s.size()), 0x07, [&] {
        if (step++ == crash_at) throw Crash{};
      });
      return false;
    } catch (Crash &) {
      vga::write(cells.data(), progress, s.data(), unsigned(s.size()), 0x07, [] {});
      return true;
    }
  }
};
} // namespace

TEST_CASE("DRV0002 vgacon: a write crashed at any step and replayed leaves the screen as one "
          "that never crashed", "[drivers][vga]") {
  // 30 lines into 25 rows: scrolls, a tab, a CR, a backspace; the last write crosses a scroll.
  std::vector<std::string> writes;
  for (int i = 0; i < 30; ++i)
    writes.push_back("line " + std::to_string(i) + (i % 3 ? "\tx\b y\n" : " ab\rA\n"));
  Vga clean;
  for (const auto &w : writes) clean.Write(w, -1);
  const vga::Progress end = vga::Progress::of(clean.progress);
  CHECK(end.pos == 24 * vga::cols);   // the cursor on the last row, the screen scrolled
  CHECK(end.scrolled == 0);
  int crashes = 0;
  for (size_t victim = 20; victim < writes.size(); ++victim) {
    for (int at = 0;; ++at) {
      Vga v;
      for (size_t i = 0; i < writes.size(); ++i)
        if (i == victim && !v.Write(writes[i], at)) goto next_victim;   // past the last step
        else if (i != victim) v.Write(writes[i], -1);
      ++crashes;
      INFO("write " << victim << " crashed at step " << at);
      REQUIRE(v.cells == clean.cells);
      REQUIRE(vga::Progress::of(v.progress).pos == end.pos);
    }
  next_victim:;
  }
  CHECK(crashes > 10 * 25);   // every character and every row of the scrolls was a crash point
}

TEST_CASE("DRV0003 vgacon: the progress word holds the cursor, a scroll and a write's count",
          "[drivers][vga]") {
  const vga::Progress p{2000, 1840, 240};
  const vga::Progress q = vga::Progress::of(p.word());
  CHECK(q.pos == 2000);
  CHECK(q.scrolled == 1840);
  CHECK(q.done == 240);
  CHECK(q.plausible());
  CHECK_FALSE(vga::Progress{2080, 0, 0}.plausible());
  CHECK(vga::advance(79, 'x') == 80);       // the next row
  CHECK(vga::advance(85, '\n') == 160);
  CHECK(vga::advance(85, '\r') == 80);
  CHECK(vga::advance(80, '\b') == 80);      // not past the row's start
  CHECK(vga::advance(83, '\t') == 88);
  CHECK(vga::advance(156, '\t') == 160);
}

// ---- the keyboard's intake under crashes (drivers/keyboard/intake.hh) -----------------------
#include <intake.hh>

#include <deque>

namespace {
// A simulated i8042: bytes wait in its buffer; read_into is the `insb`, atomic.
struct FakeI8042 {
  std::deque<uint8_t> buffer;
  bool ready() const { return !buffer.empty(); }
  void read_into(volatile uint8_t *slot) {
    *slot = buffer.front();
    buffer.pop_front();
  }
};

// Scancode set 1 for a text: shift around capitals and symbols, 0xe0 1c (keypad Enter) for '\n'.
std::vector<uint8_t> bytes_of(const std::string &text) {
  static const std::string plain = "1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./ ";
  static const std::string shifted = "!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:\"~|ZXCVBNM<>? ";
  static const uint8_t codes[] = {0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
                                  0x0d, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
                                  0x1a, 0x1b, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
                                  0x27, 0x28, 0x29, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32,
                                  0x33, 0x34, 0x35, 0x39};
  std::vector<uint8_t> out;
  for (char c : text) {
    if (c == '\n') {
      out.insert(out.end(), {0xe0, 0x1c, 0xe0, 0x9c});
      continue;
    }
    size_t i = plain.find(c);
    const bool shift = i == std::string::npos;
    if (shift) i = shifted.find(c);
    REQUIRE(i != std::string::npos);
    if (shift) out.push_back(0x2a);
    out.push_back(codes[i]);
    out.push_back(uint8_t(codes[i] | 0x80));
    if (shift) out.push_back(0xaa);
  }
  return out;
}

// Types the bytes in pieces of `burst` (one interrupt each), with a crash (an exception: the
// host's stand-in for a restart) at step `crash_at` of the intake; after it, the restart takes
// again, as Recover() does. A reader takes every key as it comes. Returns the text read.
std::string type(const std::vector<uint8_t> &bytes, size_t burst, int crash_at,
                 kbd::Interrupted *seen) {
  static kbd::Intake in;   // (large: not on the stack)
  in = kbd::Intake{};
  FakeI8042 port;
  int step = 0;
  std::string got;
  auto read_keys = [&] {
    for (; in.waiting(); ++in.key_tail) got += char(in.queue[in.key_tail % kbd::queue_size].ch);
  };
  for (size_t at = 0; at < bytes.size(); at += burst) {
    for (size_t i = at; i < at + burst && i < bytes.size(); ++i) port.buffer.push_back(bytes[i]);
    try {
      in.Take(port, [&] { if (step++ == crash_at) throw Crash{}; });
    } catch (Crash &) {
      if (seen) *seen = in.Inspect();
      in.Take(port, [] {});
    }
    read_keys();
  }
  return got;
}
} // namespace

TEST_CASE("DRV0004 keyboard: a crash at any step of the intake neither loses nor doubles a key",
          "[drivers][keyboard]") {
  const std::string text = "The Quick Brown Fox, 1234 & 5678!\njumps over: (lazy) dogs? #9\n";
  const std::vector<uint8_t> bytes = bytes_of(text);
  for (size_t burst : {size_t(1), size_t(3), size_t(16)}) {
    REQUIRE(type(bytes, burst, -1, nullptr) == text);
    unsigned read_cut = 0, decode_cut = 0;
    for (int at = 0; at < int(2 * bytes.size()); ++at) {
      kbd::Interrupted seen{};
      INFO("bursts of " << burst << " bytes, crash at step " << at);
      REQUIRE(type(bytes, burst, at, &seen) == text);
      read_cut += seen.byte_read;
      decode_cut += seen.decode;
    }
    // Every byte is read once and decoded once: two steps each, half of the crashes in each.
    CHECK(read_cut == bytes.size());
    CHECK(decode_cut == bytes.size());
  }
}
