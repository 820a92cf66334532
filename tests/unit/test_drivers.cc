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
